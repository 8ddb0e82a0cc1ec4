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
/* The messages of j rendered (once); 0, or -1 when they cannot be. */
int llmops_eval_messages(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Close the feed (the case being expanded, the cursor). */
void llmops_eval_feed_release(struct llmops_eval *ev);
/* Sort keys (ascending), and find one in a sorted list. */
void llmops_eval_keys_sort(uint64_t *v, size_t n);
int llmops_eval_keys_has(const uint64_t *v, size_t n, uint64_t k);
/* The key of a result (by variant label, "" for one variant; case id; repeat). */
uint64_t llmops_eval_key(const char *variant, const char *case_id, int rep);

/* eval_run.c: count j's output tokens (with tok) when it has no count, and score it; safe on a
   worker thread (touches j alone). */
void llmops_eval_score(const struct llmops_eval *ev, struct llmops_eval_job *j,
		       struct llmops_tokenizer *tok);

/* eval_pool.c: workers that score recorded outputs. */
/* Start them when the run is large enough and has recorded outputs (else nothing: 0). */
int llmops_eval_pool_start(struct llmops_eval *ev);
/* Hand j to a worker: 1, or 0 when there is no pool (score it here). */
int llmops_eval_pool_push(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Jobs out with the workers; 1 when no more should be pushed before some come back. */
size_t llmops_eval_pool_out(const struct llmops_eval *ev);
int llmops_eval_pool_full(const struct llmops_eval *ev);
/* A scored job back (waiting for one when wait and any is out), or NULL. */
struct llmops_eval_job *llmops_eval_pool_take(struct llmops_eval *ev, int wait);
/* Stop and join the workers (the jobs stay on the live list). */
void llmops_eval_pool_stop(struct llmops_eval *ev);

/* eval_run.c: j's result (and its review entry) into the ledger; 0 or an error. */
int llmops_eval_record(const struct llmops_eval *ev, const struct llmops_eval_job *j,
		       struct llmops_err *err);

#endif
