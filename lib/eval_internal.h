/*
 * eval_internal.h - what the files of the evaluation engine share and
 * nothing else uses.
 */
#ifndef LLMOPS_EVAL_INTERNAL_H
#define LLMOPS_EVAL_INTERNAL_H

#include "eval.h"

/* Free what the jobs own, and the jobs (eval_run.c). */
void llmops_eval_jobs_release(struct llmops_eval *ev);

#endif
