/*
 * show_text.h - a run as text, as `llmops show` prints it: what ran, on
 * which commit, the pass rate with its interval, score, latency, tokens and
 * cost; a repeated run's repeats; one line per case (or those that did not
 * pass); or one case in full (expected, output, the request, the judges'
 * verdicts, a tool loop's steps).
 */
#ifndef LLMOPS_VIEW_SHOW_TEXT_H
#define LLMOPS_VIEW_SHOW_TEXT_H

#include "rundata.h"
#include "sgr.h"

#include <stdio.h>

struct llmops_show_opts {
	int failed_only;	      /* only the cases that did not pass */
	const char *case_id;	      /* this case in full; NULL: the summary and a line each */
	const struct llmops_sgr *sgr; /* colours */
};

/* Write d as o says to f.  0, or -1 when out of memory (the repeats' summary). */
int llmops_show_print(FILE *f, const struct llmops_run_data *d, const struct llmops_show_opts *o);

#endif
