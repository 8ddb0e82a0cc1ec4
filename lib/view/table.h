/*
 * table.h - text tables for a terminal: cells of any width, columns as
 * wide as their widest cell (counted in characters, not bytes), never
 * cut.  Used where a command lays figures side by side (eval's variant
 * matrix).
 */
#ifndef LLMOPS_VIEW_TABLE_H
#define LLMOPS_VIEW_TABLE_H

#include "strlist.h"

#include <stddef.h>
#include <stdio.h>

struct llmops_table {
	size_t ncols;
	struct llmops_strlist cells; /* row after row */
};

void llmops_table_init(struct llmops_table *t, size_t ncols);
/* Append one cell (a copy of s; NULL is "-"), filling rows left to right. */
void llmops_table_add(struct llmops_table *t, const char *s);
void llmops_table_addf(struct llmops_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print each row on stdout: indent, the cells padded to their column, joined by sep. */
void llmops_table_print(FILE *f, const struct llmops_table *t, const char *indent, const char *sep);
void llmops_table_release(struct llmops_table *t);

/*
 * The part of labels[0..n) that all share at the start, cut back to the
 * end of a word (a space), into *prefix_len; and likewise at the end into
 * *suffix_len.  Shown once above a table, so that the columns show only
 * what tells the labels apart.  Never leaves a label empty.
 */
void llmops_table_common_parts(const char *const *labels, size_t n, size_t *prefix_len,
			       size_t *suffix_len);

#endif
