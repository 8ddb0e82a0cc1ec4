/*
 * models_view.h - `llmops models`: a model's row (price in and out,
 * context window, the tokenizer that counts it and whether exactly, a
 * moving alias, its approval with the run that qualified it) as JSON or
 * text.
 */
#ifndef LLMOPS_VIEW_MODELS_VIEW_H
#define LLMOPS_VIEW_MODELS_VIEW_H

#include "approval.h"
#include "ledger.h"
#include "pricing.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* What one approved id stands on: its qualifying run as the ledger has it. */
struct llmops_model_standing {
	const struct llmops_approved *ap;
	struct llmops_run *run; /* the caller's; NULL when the ledger has no such run */
};

/* The approval naming the entry e (its id or an alias), or NULL (borrowed from a). */
const struct llmops_approved *llmops_model_approval(const struct llmops_approval *a,
						    const struct llmops_price *e);

/* One row for id, priced by e (NULL: unpriced): into arr when it is not NULL, else on f. */
void llmops_model_row(FILE *f, cJSON *arr, const struct llmops_pricing *prices, const char *id,
		      const struct llmops_price *e, const struct llmops_model_standing *s);

#endif
