/*
 * template.h - mustache templates for prompts.
 *
 * Conforms to the mustache specification's interpolation, sections,
 * inverted sections, comments, set-delimiter and partials modules
 * (https://github.com/mustache/spec), with one deliberate difference:
 * nothing is HTML-escaped, because prompts are not HTML; {{x}}, {{{x}}}
 * and {{&x}} all insert the value as it is.  Where the specification is
 * silent: an empty string is falsey in a section (so {{#notes}}...{{/notes}}
 * drops a block for a blank variable), true/false interpolate as "true" and
 * "false", and an object or array interpolates as compact JSON.
 *
 * Data is a cJSON tree.  Errors name "path:line:col" with columns in code
 * points; the path is the label the caller gives (usually the file).
 */
#ifndef LLMOPS_TEMPLATE_H
#define LLMOPS_TEMPLATE_H

#include "buf.h"
#include "error.h"
#include "strlist.h"

#include <cjson/cJSON.h>

struct llmops_template;

/* Sections nested deeper than this in one template are a parse error, and
   deeper than LLMOPS_TEMPLATE_MAX_RENDER_DEPTH across partials a render
   error: every walk of a template recurses, so depth must be bounded. */
#define LLMOPS_TEMPLATE_MAX_DEPTH	 256
#define LLMOPS_TEMPLATE_MAX_DEPTH_STR	 "256"
#define LLMOPS_TEMPLATE_MAX_RENDER_DEPTH 1024
/* A render stops with an error past this many nodes visited or bytes made:
   sections nested over lists multiply (10 levels over 10 items are 10^10
   steps), and a prompt is never that big; a fuzzer finds such inputs at once. */
#define LLMOPS_TEMPLATE_MAX_STEPS  2000000u
#define LLMOPS_TEMPLATE_MAX_OUTPUT (16u << 20)

/*
 * Parse src[0..len).  label names the source in errors; line0 and col0
 * are the position of src[0] in that source (1, 1 for a whole file; the
 * line after front matter otherwise).  On success *out is the caller's:
 * free it with llmops_template_free().
 * Errors: LLMOPS_E_INPUT (unclosed or mismatched section, unclosed tag,
 * empty or malformed tag, bad set-delimiter, sections nested more than
 * LLMOPS_TEMPLATE_MAX_DEPTH deep), LLMOPS_E_NOMEM.  Time is linear in len.
 */
int llmops_template_parse(struct llmops_template **out, const char *src, size_t len,
			  const char *label, int line0, int col0, struct llmops_err *err);
void llmops_template_free(struct llmops_template *t);

/*
 * Partials come from a loader the caller supplies.  It fills src with the
 * partial's text and label with the name to use in errors (its path), and
 * returns LLMOPS_OK, LLMOPS_E_NOTFOUND when there is no such partial (it
 * renders as nothing, as the specification says, and is reported in
 * `missing`), or another code with err set, which stops rendering.
 */
typedef int (*llmops_partial_fn)(void *ud, const char *name, struct llmops_buf *src,
				 struct llmops_buf *label, struct llmops_err *err);

struct llmops_render_opts {
	llmops_partial_fn partial; /* NULL: every partial is missing */
	void *partial_ud;	   /* passed to partial */
	/*
	 * When not NULL, receives (appended, without duplicates) the names
	 * of variables that resolved to nothing and, as ">name", partials that
	 * were not found.  Owned by the caller.
	 */
	struct llmops_strlist *missing;
};

/*
 * Render t with data (NULL: no data) and append the text to out.
 * Errors: LLMOPS_E_INPUT for a partial that cannot be parsed or that
 * includes itself without end (named with the chain of partials),
 * codes from the loader, LLMOPS_E_NOMEM.
 */
int llmops_template_render(const struct llmops_template *t, const cJSON *data,
			   const struct llmops_render_opts *opts, struct llmops_buf *out,
			   struct llmops_err *err);

enum llmops_tag_kind {
	LLMOPS_TAG_VARIABLE = 0, /* {{x}}, {{{x}}}, {{&x}} */
	LLMOPS_TAG_SECTION,	 /* {{#x}} */
	LLMOPS_TAG_INVERTED,	 /* {{^x}} */
	LLMOPS_TAG_PARTIAL,	 /* {{>x}} */
	LLMOPS_TAG_COMMENT,	 /* {{!x}}: name is the comment text, trimmed */
};

/* One tag of a template, as llmops_template_tags() reports it. */
struct llmops_tag {
	int kind;	    /* enum llmops_tag_kind */
	const char *name;   /* borrowed from the template: "user.name", ".", a partial */
	int line, col;	    /* where the tag starts */
	int depth;	    /* sections around it: 0 means it reads the data's top level */
	const char *parent; /* innermost enclosing section's name, NULL at depth 0 */
};

/*
 * Call fn for every tag in source order (sections before their contents).
 * Stops and returns fn's value when it is non-zero; 0 otherwise.
 */
int llmops_template_tags(const struct llmops_template *t,
			 int (*fn)(void *ud, const struct llmops_tag *tag), void *ud);

/*
 * The data names a template reads at its top level: the first component
 * of each variable and section name outside any section, and of section
 * names however deep (a nested section's name may come from the top), in
 * first-use order without duplicates, appended to out.  Names inside a
 * section that may be satisfied by the section's own item are not listed.
 * Returns LLMOPS_OK or LLMOPS_E_NOMEM.
 */
int llmops_template_variables(const struct llmops_template *t, struct llmops_strlist *out);

#endif
