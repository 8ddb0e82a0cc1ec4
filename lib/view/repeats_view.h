/*
 * repeats_view.h - how eval, show and report present a run whose cases ran more
 * than once (lib/repeats.h computes the figures): the pass-rate line, the
 * case counts, pass@k and pass^k, the flaky cases; as JSON and
 * Markdown (the text is cmd/repeats_out.c's), so the two commands agree.
 */
#ifndef LLMOPS_VIEW_REPEATS_VIEW_H
#define LLMOPS_VIEW_REPEATS_VIEW_H

#include "repeats.h"
#include "rundata.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * The figures of each variant of d, in the order first recorded: each(variant,
 * figures, ud) for each one.  Returns 0, or -1 when out of memory.
 */
int llmops_repeats_each_variant(const struct llmops_run_data *d,
				void (*each)(const char *variant, const struct llmops_repeats *r,
					     void *ud),
				void *ud);

/* The figures as a JSON object (the caller's); per_case adds every case's line. */
cJSON *llmops_repeats_json(const struct llmops_repeats *r, int per_case);

/* The flaky cases as Markdown table rows "| case | variant | passed | score |". */
void llmops_repeats_markdown_rows(FILE *f, const struct llmops_repeats *r, const char *variant);

#endif
