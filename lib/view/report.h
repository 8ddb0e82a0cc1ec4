/*
 * report.h - a run (or a comparison of two) as one document: a
 * self-contained HTML page (report_html.c), the run view as JSON, the
 * results as JSONL, CSV or JUnit XML, or Markdown.  `llmops report` and
 * `llmops eval -o FILE` write through here, so the same run in the same
 * format is the same bytes.
 */
#ifndef LLMOPS_VIEW_REPORT_H
#define LLMOPS_VIEW_REPORT_H

#include "error.h"
#include "ledger.h"
#include "rundata.h"
#include "rundiff.h"

#include <stdio.h>

struct llmops_report {
	struct llmops_run_data *run;
	struct llmops_run_data *vs; /* NULL without a run to compare with */
	struct llmops_diff *diff;   /* vs against run; NULL without vs */
	struct llmops_run **trend;  /* past runs of the prompt, newest first (HTML only) */
	size_t ntrend;
	struct llmops_diff diff_; /* what diff points at */
};

/* The formats, NULL-terminated: html, json, jsonl, csv, junit, markdown. */
extern const char *const llmops_report_formats[];

/* The format a file name's extension names (".md": "markdown", ".xml": "junit"), or NULL. */
const char *llmops_report_format_for(const char *path);

/*
 * Load run ref (and vs_ref, when not NULL, to compare with; and for the HTML
 * format the trend of its prompt) into *r, which the caller releases with
 * llmops_report_release() whatever this returns.  Errors as
 * llmops_run_data_load().
 */
int llmops_report_load(struct llmops_ledger *lg, const char *ref, const char *vs_ref,
		       const char *format, struct llmops_report *r, struct llmops_err *err);
void llmops_report_release(struct llmops_report *r);

/* Write r in format (one of llmops_report_formats) to f.  0, or -1 when out of memory. */
int llmops_report_write(FILE *f, const char *format, const struct llmops_report *r);

/* The HTML page (report_html.c).  0, or -1 when out of memory. */
int llmops_report_html(FILE *f, const struct llmops_report *r);

#endif
