/*
 * diff_text.h - two runs compared (lib/ledger/rundiff.h), as the text
 * `llmops diff` and `llmops eval --baseline` print.
 */
#ifndef LLMOPS_VIEW_DIFF_TEXT_H
#define LLMOPS_VIEW_DIFF_TEXT_H

#include "rundiff.h"
#include "runfmt.h"

#include <stdio.h>

/* The comparison as text on f; at most limit cases per list (0: all); colours from c. */
void llmops_diff_print(FILE *f, const struct llmops_diff *d, const struct llmops_run_data *a,
		       const struct llmops_run_data *b, double tolerance, double significance,
		       size_t limit, const struct llmops_sgr *c);

#endif
