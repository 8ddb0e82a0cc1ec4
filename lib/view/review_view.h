/*
 * review_view.h - the review queue (`llmops review`) as JSON, as a table,
 * and one review in full with expected and output.
 */
#ifndef LLMOPS_VIEW_REVIEW_VIEW_H
#define LLMOPS_VIEW_REVIEW_VIEW_H

#include "ledger.h"
#include "sgr.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* r as JSON (the caller's); full adds scores, expected, output, input, dataset. */
cJSON *llmops_review_json(const struct llmops_review *r, int full);
/* A table of v[0..n): id, status, run, case, score, reason. */
void llmops_reviews_print(FILE *f, struct llmops_review *const *v, size_t n);
/* One review in full. */
void llmops_review_print(FILE *f, const struct llmops_review *r, const struct llmops_sgr *c);

#endif
