/*
 * utf8.h - UTF-8 validation and source positions.
 *
 * Positions follow the compiler convention editors parse: 1-based lines,
 * 1-based columns counted in Unicode code points (not bytes), so a column
 * matches what a user sees in an editor for text without tabs.
 */
#ifndef LLMOPS_UTF8_H
#define LLMOPS_UTF8_H

#include <stddef.h>

/*
 * The offset of the first byte of s[0..len) that does not start a valid
 * UTF-8 sequence (overlong forms, surrogates, code points above U+10FFFF
 * and truncated sequences are invalid), or len when all of s is valid.
 */
size_t llmops_utf8_invalid(const char *s, size_t len);

/* Line and column of byte offset off (<= length of s) in s. */
void llmops_text_pos(const char *s, size_t off, int *line, int *col);

/*
 * A cursor over one text for positions asked for in (mostly) ascending
 * order: each call scans only from the previous offset, so the positions of
 * n places in a text of m bytes cost O(m) in all rather than O(n * m).  An
 * offset before the previous one starts again from the top.  Zero-initialise
 * it (or use LLMOPS_TEXT_CURSOR_INIT) for a new text; it owns nothing.
 */
struct llmops_text_cursor {
	size_t off;	   /* the offset last asked for */
	size_t line_start; /* the start of its line */
	int line, col;	   /* its position; line 0: nothing asked yet */
};
#define LLMOPS_TEXT_CURSOR_INIT {0, 0, 0, 0}

/* Line and column of byte offset off (<= length of s) in s, from cur. */
void llmops_text_cursor_pos(struct llmops_text_cursor *cur, const char *s, size_t off, int *line,
			    int *col);

/* Columns (code points) in s[0..len): the width of a line prefix. */
int llmops_utf8_columns(const char *s, size_t len);

#endif
