/*
 * prompt.h - one prompt version: its file parsed into metadata and
 * message templates, and rendered into the messages a model receives.
 *
 * A .txt file is one user message: optional front matter, then the
 * template.  A .json file is either an array of messages or an object
 * {"messages": [...], "tools": [...], "tool_choice": ..., "response_format":
 * {...}, "model": ..., ...} whose other keys are the same metadata front
 * matter gives.  A message is OpenAI's chat shape: role (system, developer,
 * user, assistant, tool), content (a string, or a list of parts: {"type":
 * "text", "text"} and {"type": "image_url", "image_url": {"url", "detail"}};
 * null for an assistant message with tool_calls), and optionally name,
 * tool_calls (assistant) and tool_call_id (tool).  Every string of the
 * messages and of tools, tool_choice and response_format is a template.
 * Every file must be valid UTF-8.
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

/*
 * One template of a prompt: a .txt prompt's body, or one string of a .json
 * prompt (a message's content, a part's text, a tool's description...), in
 * the order the file has them (messages first, then tools, tool_choice and
 * response_format).  A prompt of plain {"role", "content": "..."} messages
 * has one per message, in order.
 */
struct llmops_prompt_msg {
	char *role;		      /* owned: its message's role; "tools" etc. for the rest */
	char *source;		      /* owned: the template text */
	struct llmops_template *tmpl; /* owned: parsed source */
	long msg;		      /* the message it is in (from 0); -1: not in a message */
	int is_content;		      /* it is its message's whole content (a string) */
	char *path;		      /* .json: its JSON path, npath NUL-ended steps; else NULL */
	size_t npath;
};

struct llmops_prompt {
	char *label;			 /* owned: the path used in messages */
	char *text;			 /* owned: the whole file, NUL-terminated */
	size_t len;			 /* bytes in text */
	struct llmops_frontmatter fm;	 /* .txt front matter (empty for .json) */
	cJSON *json;			 /* .json: the parsed file, else NULL */
	struct llmops_prompt_meta meta;	 /* typed view of the metadata */
	struct llmops_strlist meta_keys; /* every metadata key, in file order */
	struct llmops_prompt_msg *msgs;	 /* owned array of nmsgs: every template */
	size_t nmsgs;
	size_t nmessages;  /* messages in the file */
	size_t nmsg_tmpls; /* the templates in messages (the rest are in the extras) */
	int has_extras;	   /* .json: tools, tool_choice or response_format */
	size_t body_off;   /* .txt: where the template starts in text */
	int lenient;	   /* parsed with LLMOPS_PROMPT_LENIENT_META */
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
 * cJSON array of messages in *messages (the caller's, free with
 * cJSON_Delete): {"role", "content"} and whatever else each has (name,
 * tool_calls, tool_call_id; content as parts), every string rendered.
 * opts supplies partials and collects missing names.
 */
int llmops_prompt_render(const struct llmops_prompt *p, const cJSON *vars,
			 const struct llmops_render_opts *opts, cJSON **messages,
			 struct llmops_err *err);

/*
 * What a .json prompt sends beside its messages, rendered: an object with
 * its tools, tool_choice and response_format into *extra (the caller's:
 * cJSON_Delete), or NULL when it has none.
 */
int llmops_prompt_render_extra(const struct llmops_prompt *p, const cJSON *vars,
			       const struct llmops_render_opts *opts, cJSON **extra,
			       struct llmops_err *err);

/* The JSON path of template m as steps into steps[0..cap) (pointing into m): how many. */
size_t llmops_prompt_msg_steps(const struct llmops_prompt_msg *m, const char **steps, size_t cap);

/* Whether s is a valid tool (function) name: 1 to 64 of [A-Za-z0-9_-]. */
int llmops_tool_name_ok(const char *s);

/* The top-level variables all messages use (see llmops_template_variables). */
int llmops_prompt_variables(const struct llmops_prompt *p, struct llmops_strlist *out);

/* Metadata keys llmops knows, NULL-terminated (for lint and messages). */
extern const char *const llmops_prompt_meta_keys[];

#endif
