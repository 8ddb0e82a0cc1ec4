/*
 * repeats_out.h - a repeated run's figures as text (lib/view/repeats_view.h
 * has them as JSON and Markdown).
 */
#ifndef LLMOPS_CMD_REPEATS_OUT_H
#define LLMOPS_CMD_REPEATS_OUT_H

#include "repeats_view.h"

#include <stddef.h>

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

#endif
