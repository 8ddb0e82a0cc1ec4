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

/* Columns (code points) in s[0..len): the width of a line prefix. */
int llmops_utf8_columns(const char *s, size_t len);

#endif
