/*
 * repeats_view.h - how eval, show and report present a run whose cases ran more
 * than once (lib/repeats.h computes the figures): the pass-rate line, the
 * case counts, pass@k and pass^k, the flaky cases; as JSON and
 * Markdown and text, so the two commands agree.
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

/*
 * Text, each line starting with indent: the pass rate with its interval,
 * the cases that always, never and sometimes passed, and pass@k / pass^k
 * for k = 1, the middle and the most repeats.
 */
void llmops_repeats_print(FILE *f, const struct llmops_repeats *r, const char *indent,
			  const char *green, const char *red, const char *reset);

/*
 * One line per flaky case (at most max; *shown counts what was printed),
 * each "INDENTid[ on VARIANT]: 2/3 passed, score 0.700 sd 0.346 (0.300-0.900)".
 */
void llmops_repeats_print_flaky(FILE *f, const struct llmops_repeats *r, const char *indent,
				const char *variant, size_t max, size_t *shown);

#endif
