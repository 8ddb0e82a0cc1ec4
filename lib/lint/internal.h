/*
 * lint_internal.h - what the lint modules share: the run, one file being
 * checked, and each module's entry points.  Not installed; lib/ only.
 */
#ifndef LLMOPS_LINT_INTERNAL_H
#define LLMOPS_LINT_INTERNAL_H

#include "buf.h"
#include "dataset.h"
#include "lint.h"
#include "utf8.h"
#include "lock.h"
#include "prompt.h"
#include "promptref.h"

#include <stdint.h>

#define LINT_MAX_FILE_BYTES (64u << 20) /* larger files are a finding, not read */

enum lint_kind {
	LINT_TEXT = 0, /* any other file: encoding, invisible characters, secrets */
	LINT_PROMPT,   /* prompts/NAME/vX.Y.Z.{txt,json} */
	LINT_STRAY,    /* a .txt or .json under prompts/ not named as a version */
	LINT_TEMPLATE, /* a template outside prompts/ (given by path) */
	LINT_PARTIAL,  /* prompts/_partials/NAME.txt */
	LINT_DATASET,  /* .json, .jsonl, .csv outside prompts/ */
	LINT_CONFIG,   /* llmops.json */
	LINT_LOCK,     /* prompts.lock */
};

/* A line whose findings of some rules are silenced. */
struct lint_supp {
	int line;
	uint64_t rules;
};

/* One file being checked. */
struct lint_file {
	char *path;	   /* owned: root-relative, or absolute outside the root */
	int kind;	   /* enum lint_kind */
	int explicit_file; /* named on the command line, not found by walking */
	char *text;	   /* owned, NUL-terminated; NULL when unreadable */
	size_t len;
	int utf8_ok;		 /* valid UTF-8 with no NUL */
	int base_line, base_col; /* when set, text is a JSON string found there: report there */
	/* a shadow of a .json prompt: text is message json_msg's content, decoded, of
	   json_p, parsed from json_of (positions are mapped into json_of's bytes) */
	const struct lint_file *json_of;
	const struct llmops_prompt *json_p;
	size_t json_msg;
	uint64_t off_rules;	 /* rules silenced for the whole file */
	struct lint_supp *supp;	 /* owned, ascending by line */
	size_t nsupp, capsupp;
	struct llmops_text_cursor *cursor; /* owned: positions of findings, in one pass */
};

/* What a parsed prompt version leaves for the rules that look across files. */
struct lint_prompt {
	struct lint_file *file;		/* borrowed from the run */
	char name[LLMOPS_NAME_MAX + 1]; /* family */
	struct llmops_semver sv;
	char version[64];
	struct llmops_prompt *p; /* owned; NULL when it did not parse */
	uint64_t hash;		 /* content without its version claim, for duplicates */
	int is_newest, is_pinned;
	int checked;		    /* 1 when checked against its datasets */
	struct llmops_strlist used; /* owned: variables it uses (with its partials') */
};

struct lint_dataset {
	struct lint_file *file;	  /* borrowed */
	struct llmops_dataset ds; /* parsed when ok */
	int ok;
};


struct llmops_lint {
	struct llmops_lint_opts opts;
	int sev[LR_COUNT];
	cJSON *budget; /* owned copy of lint.token_budget, or NULL */
	struct lint_file **files;
	size_t nfiles, capfiles;
	struct lint_prompt *prompts;
	size_t nprompts, capprompts;
	struct lint_dataset *datasets;
	size_t ndatasets, capdatasets;
	struct llmops_finding *f;
	size_t nf, capf;
	struct llmops_tokenizer *tok[2]; /* cl100k_base, o200k_base: opened on first use */
	struct llmops_lock lock;	 /* prompts.lock, empty when absent or broken */
	int lock_read;
	int oom;
};

/* Record a finding in f at line:col unless the rule is off or silenced there. */
/*
 * Where line:col of message i's content (numbered from the string's first
 * character, as its template's tags are) is in the .json prompt file f:
 * escapes (\n, \", \uXXXX) decoded on the way, so an editor or SARIF
 * viewer lands on the character.
 */
void lint_json_content_pos(const struct lint_file *f, const struct llmops_prompt *p, size_t i,
			   int line, int col, int *fline, int *fcol);
void lint_report(struct llmops_lint *l, const struct lint_file *f, int line, int col, int rule,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same at byte offset off of f's text. */
void lint_report_at(struct llmops_lint *l, const struct lint_file *f, size_t off, int rule,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Split "label:line:col: message" from a lib error into a finding (rule) for f. */
void lint_report_err(struct llmops_lint *l, const struct lint_file *f, int rule,
		     const struct llmops_err *err);
/* 1 when rule is enabled. */
int lint_on(const struct llmops_lint *l, int rule);

/* lint_text.c: encoding, bidi, invisible characters, line endings, whitespace. */
void lint_text_rules(struct llmops_lint *l, struct lint_file *f);
/* Record the llmops-disable comments of f. */
void lint_scan_suppressions(struct llmops_lint *l, struct lint_file *f);
/* 1 when rule is silenced on line of f. */
int lint_silenced(const struct lint_file *f, int line, int rule);
/*
 * Write f's text with the fixes of the enabled fixable rules applied to
 * out; *changed says whether anything differs.  Errors: LLMOPS_E_NOMEM.
 */
int lint_fix_text(const struct llmops_lint *l, const struct lint_file *f, struct llmops_buf *out,
		  int *changed);

/* lint_secrets.c: secrets anywhere in [off, end) of f; personal data likewise. */
int lint_secrets(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end);
int lint_pii(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end);

/* lint_prompt.c: one template file (prompt version, partial, stray or template). */
int lint_prompt_file(struct llmops_lint *l, struct lint_file *f);

/* lint_dataset.c: one dataset file. */
int lint_dataset_file(struct llmops_lint *l, struct lint_file *f);

/* lint_project.c: rules across files, run once every file was read. */
int lint_project(struct llmops_lint *l, struct llmops_err *err);
/* Read prompts.lock into l->lock once (quietly: lint_lock_file reports its problems). */
void lint_read_lock(struct llmops_lint *l);
/* llmops.json and prompts.lock: "latest" and the like. */
void lint_config_file(struct llmops_lint *l, struct lint_file *f);
void lint_lock_file(struct llmops_lint *l, struct lint_file *f);

#endif
