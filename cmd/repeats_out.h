/*
 * repeats_out.h - how eval and show present a run whose cases ran more
 * than once (lib/repeats.h computes the figures): the pass-rate line, the
 * case counts, pass@k and pass^k, the flaky cases; as text, JSON and
 * Markdown, so the two commands agree.
 */
#ifndef LLMOPS_CMD_REPEATS_OUT_H
#define LLMOPS_CMD_REPEATS_OUT_H

#include "repeats.h"
#include "rundata.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * The figures of each variant of d, in the order first recorded: each(variant,
 * figures, ud) for each one.  Returns 0, or -1 when out of memory.
 */
int repeats_each_variant(const struct llmops_run_data *d,
			 void (*each)(const char *variant, const struct llmops_repeats *r,
				      void *ud),
			 void *ud);

/* The figures as a JSON object (the caller's); per_case adds every case's line. */
cJSON *repeats_json(const struct llmops_repeats *r, int per_case);

/*
 * Text, each line starting with indent: the pass rate with its interval,
 * the cases that always, never and sometimes passed, and pass@k / pass^k
 * for k = 1, the middle and the most repeats.
 */
void repeats_print(const struct llmops_repeats *r, const char *indent, const char *green,
		   const char *red, const char *reset);

/*
 * One line per flaky case (at most max; *shown counts what was printed),
 * each "INDENTid[ on VARIANT]: 2/3 passed, score 0.700 sd 0.346 (0.300-0.900)".
 */
void repeats_print_flaky(const struct llmops_repeats *r, const char *indent, const char *variant,
			 size_t max, size_t *shown);

/* The flaky cases as Markdown table rows "| case | variant | passed | score |". */
void repeats_markdown_rows(FILE *f, const struct llmops_repeats *r, const char *variant);

#endif
