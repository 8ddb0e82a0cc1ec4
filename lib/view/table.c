/*
 * table.c - text tables for a terminal (see table.h).
 */
#include "table.h"

#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void llmops_table_init(struct llmops_table *t, size_t ncols)
{
	t->ncols = ncols ? ncols : 1;
	t->cells = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
}

void llmops_table_add(struct llmops_table *t, const char *s)
{
	llmops_strlist_append(&t->cells, s ? s : "-");
}

void llmops_table_addf(struct llmops_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	llmops_table_add(t, s ? s : "?");
	free(s);
}

static int width(const char *s)
{
	return llmops_utf8_columns(s, strlen(s));
}

void llmops_table_print(FILE *f, const struct llmops_table *t, const char *indent, const char *sep)
{
	size_t nc = t->ncols, n = t->cells.nr;
	int *w = calloc(nc, sizeof(*w));
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		int x = width(t->cells.items[i]);
		if (x > w[i % nc])
			w[i % nc] = x;
	}
	for (size_t i = 0; i < n; i++) {
		size_t c = i % nc;
		const char *s = t->cells.items[i];
		if (c == 0)
			fputs(indent, f);
		else
			fputs(sep, f);
		fputs(s, f);
		if (c + 1 < nc && i + 1 < n) /* pad all but the last column */
			fprintf(f, "%*s", w[c] - width(s), "");
		if (c + 1 == nc || i + 1 == n)
			fputc('\n', f);
	}
	free(w);
}

void llmops_table_release(struct llmops_table *t)
{
	llmops_strlist_release(&t->cells);
}

void llmops_table_common_parts(const char *const *labels, size_t n, size_t *prefix_len,
			       size_t *suffix_len)
{
	size_t p = 0, s = 0, shortest = (size_t)-1;
	*prefix_len = *suffix_len = 0;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		if (strlen(labels[i]) < shortest)
			shortest = strlen(labels[i]);
	while (p < shortest) {
		size_t i = 1;
		while (i < n && labels[i][p] == labels[0][p])
			i++;
		if (i < n)
			break;
		p++;
	}
	while (p > 0 && labels[0][p - 1] != ' ') /* back to the end of a word */
		p--;
	while (s < shortest - p) {
		size_t i = 1, l0 = strlen(labels[0]);
		while (i < n && labels[i][strlen(labels[i]) - 1 - s] == labels[0][l0 - 1 - s])
			i++;
		if (i < n)
			break;
		s++;
	}
	while (s > 0 && labels[0][strlen(labels[0]) - s] != ' ') /* from the start of a word */
		s--;
	if (p + s >= shortest) /* a label would be left empty */
		p = s = 0;
	*prefix_len = p;
	*suffix_len = s;
}
