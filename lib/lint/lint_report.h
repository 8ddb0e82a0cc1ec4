/*
 * lint_report.h - the four renderings of lint findings: compiler-style text,
 * JSON, SARIF 2.1.0 and GitHub workflow annotations.
 */
#ifndef LLMOPS_LINT_LINT_REPORT_H
#define LLMOPS_LINT_LINT_REPORT_H

#include "lint.h"
#include "sgr.h"

#include <stdio.h>

struct llmops_lint_report {
	const struct llmops_lint *lint;
	const struct llmops_finding *f; /* borrowed from lint */
	size_t n;
	size_t files;
	const struct llmops_strlist *fixed; /* root-relative paths --fix changed */
	const char *prefix;		    /* the current directory under the root ("" at it) */
	const char *root;		    /* the workspace root */
};

/* A root-relative path as seen from the current directory; malloc'd (caller frees) or NULL. */
char *llmops_lint_display_path(const char *prefix, const char *path);

/* Each writes to out and returns 0, or -1 when out of memory. */
int llmops_lint_print_text(FILE *out, const struct llmops_lint_report *r,
			   const struct llmops_sgr *colors);
/* What --fix changed and the counts, a line each ("llmops: 3 files checked: ..."). */
void llmops_lint_print_summary(FILE *out, const struct llmops_lint_report *r);
/* The findings of r by severity (LLMOPS_SEV_*: c[0..3]). */
void llmops_lint_counts(const struct llmops_lint_report *r, size_t c[4]);
int llmops_lint_print_json(FILE *out, const struct llmops_lint_report *r);
int llmops_lint_print_github(FILE *out, const struct llmops_lint_report *r);
int llmops_lint_print_sarif(FILE *out, const struct llmops_lint_report *r);

/* --list-rules, text or JSON. */
int llmops_lint_print_rules(FILE *out, const struct llmops_lint *l, int json);

#endif
