/*
 * table.h - text tables for a terminal: cells of any width, columns as
 * wide as their widest cell (counted in characters, not bytes), never
 * cut.  Used where a command lays figures side by side (eval's variant
 * matrix).
 */
#ifndef LLMOPS_CMD_TABLE_H
#define LLMOPS_CMD_TABLE_H

#include "strlist.h"

#include <stddef.h>

struct table {
	size_t ncols;
	struct llmops_strlist cells; /* row after row */
};

void table_init(struct table *t, size_t ncols);
/* Append one cell (a copy of s; NULL is "-"), filling rows left to right. */
void table_add(struct table *t, const char *s);
void table_addf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print each row on stdout: indent, the cells padded to their column, joined by sep. */
void table_print(const struct table *t, const char *indent, const char *sep);
void table_release(struct table *t);

/*
 * The part of labels[0..n) that all share at the start, cut back to the
 * end of a word (a space), into *prefix_len; and likewise at the end into
 * *suffix_len.  Shown once above a table, so that the columns show only
 * what tells the labels apart.  Never leaves a label empty.
 */
void table_common_parts(const char *const *labels, size_t n, size_t *prefix_len,
			size_t *suffix_len);

#endif
