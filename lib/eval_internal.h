/*
 * eval_internal.h - what the files of the evaluation engine share and
 * nothing else uses.
 */
#ifndef LLMOPS_EVAL_INTERNAL_H
#define LLMOPS_EVAL_INTERNAL_H

#include "eval.h"

/* Free the jobs still live and the requeue (eval_run.c). */
void llmops_eval_jobs_release(struct llmops_eval *ev);

/* eval_setup.c: the run's feed of jobs. */
/* The next job to run, made from the next case as needed; NULL at the end or on an error
   (then ev->feed_failed is set and err says why). */
struct llmops_eval_job *llmops_eval_next_job(struct llmops_eval *ev, struct llmops_err *err);
/* Free c once no job of it is pending and no more will be made. */
void llmops_eval_case_done(struct llmops_eval *ev, struct llmops_eval_case *c);
/* Close the feed (the case being expanded, the cursor). */
void llmops_eval_feed_release(struct llmops_eval *ev);
/* The key of a result (by variant label, "" for one variant; case id; repeat). */
uint64_t llmops_eval_key(const char *variant, const char *case_id, int rep);

#endif
