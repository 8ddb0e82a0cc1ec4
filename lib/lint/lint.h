/*
 * lint.h - `llmops lint`: rules over prompts, partials, datasets, the lock
 * and llmops.json, checked before anything reaches a model.
 *
 * Each rule has a stable id, a default severity and a one-line summary
 * (llmops_lint_rules[]).  A run collects findings (path, line, column in
 * code points, rule, severity, message); it reads files and git objects
 * and never touches the network.  A finding never quotes a secret it
 * found, only its kind and where it is.
 *
 * A template line can silence rules with a mustache comment:
 *
 *     Summarise {{input}} {{! llmops-disable injection }}
 *     {{! llmops-disable pii-email, pii-phone }}     (alone: also the next line)
 *     {{! llmops-disable-file secret-entropy }}      (the whole file)
 */
#ifndef LLMOPS_LINT_H
#define LLMOPS_LINT_H

#include "approval.h"
#include "error.h"
#include "strlist.h"

#include <cjson/cJSON.h>
#include <stddef.h>

enum llmops_severity {
	LLMOPS_SEV_OFF = 0,
	LLMOPS_SEV_NOTE,
	LLMOPS_SEV_WARNING,
	LLMOPS_SEV_ERROR,
};

/* "off", "note", "warning", "error" (static). */
const char *llmops_severity_name(int sev);
/* The severity named s ("on" gives dflt); -1 when s names none. */
int llmops_severity_parse(const char *s, int dflt);

/* Rule ids, in the order of llmops_lint_rules[]. */
enum llmops_rule_id {
	LR_FILE_UNREADABLE,
	LR_UNICODE_ENCODING,
	LR_UNICODE_BIDI,
	LR_UNICODE_INVISIBLE,
	LR_LINE_ENDINGS,
	LR_TRAILING_WHITESPACE,
	LR_FINAL_NEWLINE,
	LR_SECRET,
	LR_SECRET_ENTROPY,
	LR_PII_EMAIL,
	LR_PII_PHONE,
	LR_PII_CARD,
	LR_TEMPLATE_SYNTAX,
	LR_TEMPLATE_PARTIAL,
	LR_FRONTMATTER_SYNTAX,
	LR_FRONTMATTER_KEY,
	LR_FRONTMATTER_RANGE,
	LR_FRONTMATTER_MODEL,
	LR_TOOL_SCHEMA,
	LR_IMAGE_FILE,
	LR_MODEL_UNAPPROVED,
	LR_INJECTION,
	LR_VARIABLE_UNDEFINED,
	LR_VARIABLE_UNUSED,
	LR_SIZE_CONTEXT,
	LR_SIZE_BUDGET,
	LR_VERSION_FILENAME,
	LR_VERSION_MISMATCH,
	LR_VERSION_DUPLICATE,
	LR_VERSION_PINNED,
	LR_VERSION_LATEST,
	LR_DATASET_SYNTAX,
	LR_DATASET_DUPLICATE_ID,
	LR_DATASET_EXPECTED,
	LR_DATASET_THRESHOLD,
	LR_DATASET_METRIC,
	LR_DATASET_ASSERT,
	LR_COUNT
};

struct llmops_lint_rule {
	const char *id;	     /* "secret" */
	const char *group;   /* "secrets": the heading for the rule */
	int severity;	     /* default: enum llmops_severity */
	int fixable;	     /* 1 when --fix mends it */
	const char *summary; /* one line */
};
extern const struct llmops_lint_rule llmops_lint_rules[LR_COUNT];
/* The rule index for id, or -1. */
int llmops_lint_rule_find(const char *id);

struct llmops_finding {
	char *path; /* owned: root-relative for files in the workspace, else as given */
	int line, col;
	int rule;      /* enum llmops_rule_id */
	int severity;  /* effective severity (never OFF) */
	char *message; /* owned */
};

/* What a run reads besides the files themselves; every pointer is borrowed. */
struct llmops_lint_opts {
	const char *root;		       /* the workspace root (absolute) */
	struct llmops_store *store;	       /* NULL outside git: pinned checks are skipped */
	const struct llmops_pricing *prices;   /* NULL: model and size rules are skipped */
	const cJSON *config;		       /* llmops.json, NULL when absent */
	const char *config_text;	       /* its text, for positions */
	size_t config_len;		       /* bytes in config_text */
	const struct llmops_strlist *datasets; /* --dataset files (root-relative), may be NULL */
	/* llmops.json's approved models (approval.h); NULL or inactive: not checked */
	const struct llmops_approval *approval;
};

struct llmops_lint;

/* A new run; *out is the caller's (llmops_lint_free).  Errors: LLMOPS_E_NOMEM. */
int llmops_lint_new(struct llmops_lint **out, const struct llmops_lint_opts *opts,
		    struct llmops_err *err);
void llmops_lint_free(struct llmops_lint *l);

/* Set a rule's severity (LLMOPS_SEV_OFF disables it). */
void llmops_lint_set_severity(struct llmops_lint *l, int rule, int sev);
int llmops_lint_severity(const struct llmops_lint *l, int rule);

/*
 * Apply llmops.json's "lint" object: {"rules": {"RULE": "off|on|note|
 * warning|error"}, "token_budget": N | {"PROMPT": N, "*": N}}.  label and
 * text name positions in errors.  Errors: LLMOPS_E_INPUT.
 */
int llmops_lint_configure(struct llmops_lint *l, const cJSON *lint, const char *label,
			  const char *text, size_t len, struct llmops_err *err);

/*
 * Add a file or a directory (walked; hidden entries skipped) to check.
 * path is root-relative when inside the workspace, else absolute.  A
 * path that does not exist is LLMOPS_E_NOTFOUND; unreadable files found
 * while walking become findings.
 */
int llmops_lint_add_path(struct llmops_lint *l, const char *path, struct llmops_err *err);

/* Check everything added.  Errors only for what stops the run: LLMOPS_E_NOMEM, LLMOPS_E_GIT. */
int llmops_lint_run(struct llmops_lint *l, struct llmops_err *err);

/* The findings, sorted by path, line, column, rule; borrowed from l. */
const struct llmops_finding *llmops_lint_findings(const struct llmops_lint *l, size_t *n);
/* Files checked so far. */
size_t llmops_lint_files(const struct llmops_lint *l);

/*
 * --fix: mend the fixable findings of enabled rules (trailing whitespace,
 * mixed line endings, missing final newline) in the files added, except
 * pinned prompt versions (released text is immutable), CSV datasets
 * (whitespace there is data) and lines that silence the rule.  Files are
 * replaced atomically.  Appends the root-relative paths changed to fixed.
 * Run it before llmops_lint_run().  Errors: LLMOPS_E_IO, LLMOPS_E_NOMEM.
 */
int llmops_lint_fix(struct llmops_lint *l, struct llmops_strlist *fixed, struct llmops_err *err);

#endif
