/*
 * report.h - `llmops report`: a run (or a comparison) as a self-contained
 * HTML page (report_html.c) or as CSV, JUnit XML or Markdown (report.c).
 */
#ifndef LLMOPS_CMD_REPORT_H
#define LLMOPS_CMD_REPORT_H

#include "ledger.h"
#include "rundiff.h"

#include <stdio.h>

struct report {
	const struct llmops_run_data *run;
	const struct llmops_run_data *vs; /* NULL without --vs */
	const struct llmops_diff *diff;	  /* run against vs; NULL without --vs */
	struct llmops_run **trend;	  /* past runs of the prompt, newest first */
	size_t ntrend;
};

/* Write the page to f.  Returns 0, or -1 when out of memory. */
int report_html(FILE *f, const struct report *r);

#endif
