/*
 * lint_out.h - the four renderings of lint findings: compiler-style text,
 * JSON, SARIF 2.1.0 and GitHub workflow annotations.
 */
#ifndef LLMOPS_CMD_LINT_OUT_H
#define LLMOPS_CMD_LINT_OUT_H

#include "llmops.h"
#include "lint.h"

#include <stdio.h>

struct lint_report {
	const struct llmops_lint *lint;
	const struct llmops_finding *f; /* borrowed from lint */
	size_t n;
	size_t files;
	const struct llmops_strlist *fixed; /* root-relative paths --fix changed */
	const char *prefix;		    /* the current directory under the root ("" at it) */
	const char *root;		    /* the workspace root */
};

/* A root-relative path as seen from the current directory; malloc'd (caller frees) or NULL. */
char *lint_display_path(const char *prefix, const char *path);

/* Each writes to out and returns 0, or -1 when out of memory. */
int lint_print_text(FILE *out, const struct lint_report *r, const struct llmops_ctx *ctx);
int lint_print_json(FILE *out, const struct lint_report *r);
int lint_print_github(FILE *out, const struct lint_report *r);
int lint_print_sarif(FILE *out, const struct lint_report *r);

/* --list-rules, text or JSON. */
int lint_print_rules(FILE *out, const struct llmops_lint *l, int json);

#endif
