/*
 * diff_json.h - two runs compared (lib/ledger/rundiff.h), as the JSON that
 * diff --format json prints and the run view holds for eval's baseline.
 */
#ifndef LLMOPS_VIEW_DIFF_JSON_H
#define LLMOPS_VIEW_DIFF_JSON_H

#include "rundiff.h"

#include <cjson/cJSON.h>

/* The comparison as JSON (the caller's). */
cJSON *llmops_diff_json(const struct llmops_diff *d, const struct llmops_run_data *a,
			const struct llmops_run_data *b, double tolerance, double significance);

/* The change from a to b in percent of a; NAN when a is not above 0 or either is NAN. */
double llmops_rel_change(double a, double b);

#endif
