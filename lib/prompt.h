/*
 * prompt.h - one prompt version: its file parsed into metadata and
 * message templates, and rendered into the messages a model receives.
 *
 * A .txt file is one user message: optional front matter, then the
 * template.  A .json file is either an array of {"role", "content"}
 * messages or an object {"messages": [...], "model": ..., ...} whose other
 * keys are the same metadata front matter gives.  Roles are system,
 * developer, user and assistant.  Every file must be valid UTF-8.
 */
#ifndef LLMOPS_PROMPT_H
#define LLMOPS_PROMPT_H

#include "error.h"
#include "frontmatter.h"
#include "strlist.h"
#include "template.h"

#include <cjson/cJSON.h>

/* Metadata every command can rely on; the strings are borrowed from the prompt. */
struct llmops_prompt_meta {
	const char *model;	 /* NULL when unset */
	const char *owner;	 /* NULL when unset */
	const char *description; /* NULL when unset */
	const char *version;	 /* a version the file claims for itself, NULL when unset */
	double temperature;	 /* valid when has_temperature */
	long max_tokens;	 /* valid when has_max_tokens */
	int has_temperature, has_max_tokens;
	/* a judge rubric's rating scale ("scale: 1-5"): the lowest and highest score */
	long scale_lo, scale_hi;
	int has_scale;
	/* "verdict: preference": a pairwise judge, asked which of two outputs is better
	   ({"winner": "A"|"B"|"tie"}); "verdict: score" (the default): one output rated */
	int preference;
};

struct llmops_prompt_msg {
	char *role;		      /* owned */
	char *source;		      /* owned: the template text */
	struct llmops_template *tmpl; /* owned: parsed source */
};

struct llmops_prompt {
	char *label;			 /* owned: the path used in messages */
	char *text;			 /* owned: the whole file, NUL-terminated */
	size_t len;			 /* bytes in text */
	struct llmops_frontmatter fm;	 /* .txt front matter (empty for .json) */
	cJSON *json;			 /* .json: the parsed file, else NULL */
	struct llmops_prompt_meta meta;	 /* typed view of the metadata */
	struct llmops_strlist meta_keys; /* every metadata key, in file order */
	struct llmops_prompt_msg *msgs;	 /* owned array of nmsgs */
	size_t nmsgs;
	size_t body_off; /* .txt: where the template starts in text */
	int lenient;	 /* parsed with LLMOPS_PROMPT_LENIENT_META */
};

/*
 * Parse a version file; json selects the .json form.  label is the path
 * used in errors.  *out is the caller's: llmops_prompt_free().
 * Errors: LLMOPS_E_INPUT (invalid UTF-8, front matter, JSON shape, bad
 * metadata values, template syntax; each with file:line:col),
 * LLMOPS_E_NOMEM.
 */
int llmops_prompt_parse(struct llmops_prompt **out, const char *label, const char *text, size_t len,
			int json, struct llmops_err *err);
/*
 * The same with flags: LLMOPS_PROMPT_LENIENT_META leaves out metadata
 * values that are out of range or of the wrong type (meta shows them
 * unset) instead of failing, for callers such as lint that check
 * metadata themselves.
 */
#define LLMOPS_PROMPT_LENIENT_META 1u
int llmops_prompt_parse_ex(struct llmops_prompt **out, const char *label, const char *text,
			   size_t len, int json, unsigned flags, struct llmops_err *err);
void llmops_prompt_free(struct llmops_prompt *p);

/*
 * Render every message with vars (an object, or NULL) and return a new
 * cJSON array of {"role", "content"} in *messages (the caller's, free
 * with cJSON_Delete).  opts supplies partials and collects missing names.
 */
int llmops_prompt_render(const struct llmops_prompt *p, const cJSON *vars,
			 const struct llmops_render_opts *opts, cJSON **messages,
			 struct llmops_err *err);

/* The top-level variables all messages use (see llmops_template_variables). */
int llmops_prompt_variables(const struct llmops_prompt *p, struct llmops_strlist *out);

/* Metadata keys llmops knows, NULL-terminated (for lint and messages). */
extern const char *const llmops_prompt_meta_keys[];

#endif
