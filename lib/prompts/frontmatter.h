/*
 * frontmatter.h - the optional "---" block at the top of a prompt file.
 *
 *     ---
 *     model: gpt-4o-mini
 *     temperature: 0.2
 *     description: "One-paragraph summary"
 *     ---
 *     Summarize: {{input}}
 *
 * Lines are `key: value`; blank lines and lines starting with '#' are
 * skipped; a value in matching single or double quotes loses the quotes.
 * Keys are [a-z][a-z0-9_]* and appear once.  Only the first line can open
 * a block, so a '---' later in a prompt is ordinary text.
 */
#ifndef LLMOPS_FRONTMATTER_H
#define LLMOPS_FRONTMATTER_H

#include "error.h"

#include <stddef.h>

struct llmops_fm_item {
	char *key;     /* owned */
	char *value;   /* owned, unquoted and trimmed */
	int line;      /* line of the key in the file */
	int col;       /* column of the key */
	int value_col; /* column of the value */
};

struct llmops_frontmatter {
	struct llmops_fm_item *items; /* owned array of n items */
	size_t n;
	int present;	 /* 1 when the file has a block */
	size_t body_off; /* byte offset where the body starts */
	int body_line;	 /* line number of the body's first line */
};

/*
 * Parse the block at the start of text (label names it in errors).  With
 * no block, fm is empty and the body is all of text.  Release fm with
 * llmops_frontmatter_release() in either case.
 * Errors: LLMOPS_E_INPUT ("label:line:col: ..."), LLMOPS_E_NOMEM.
 */
int llmops_frontmatter_parse(struct llmops_frontmatter *fm, const char *text, size_t len,
			     const char *label, struct llmops_err *err);
void llmops_frontmatter_release(struct llmops_frontmatter *fm);
/* The item for key, borrowed from fm, or NULL. */
const struct llmops_fm_item *llmops_frontmatter_get(const struct llmops_frontmatter *fm,
						    const char *key);

#endif
