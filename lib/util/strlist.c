#include "strlist.h"

#include "buf.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

void llmops_strlist_init(struct llmops_strlist *l)
{
	l->items = NULL;
	l->nr = 0;
	l->alloc = 0;
}

void llmops_strlist_release(struct llmops_strlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	llmops_strlist_init(l);
}

static int strlist_push(struct llmops_strlist *l, char *owned)
{
	if (l->nr + 2 > l->alloc) {
		size_t n = l->alloc ? l->alloc * 2 : 8;
		char **p = realloc(l->items, n * sizeof(*p));

		if (!p) {
			free(owned);
			return LLMOPS_E_NOMEM;
		}
		l->items = p;
		l->alloc = n;
	}
	l->items[l->nr++] = owned;
	l->items[l->nr] = NULL;
	return LLMOPS_OK;
}

int llmops_strlist_append(struct llmops_strlist *l, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return LLMOPS_E_NOMEM;
	return strlist_push(l, copy);
}

int llmops_strlist_appendf(struct llmops_strlist *l, const char *fmt, ...)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	va_list ap;
	int rc;
	char *s;

	va_start(ap, fmt);
	rc = llmops_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (rc) {
		llmops_buf_release(&b);
		return rc;
	}
	s = llmops_buf_detach(&b, NULL);
	if (!s)
		return LLMOPS_E_NOMEM;
	return strlist_push(l, s);
}

long llmops_strlist_find(const struct llmops_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i], s))
			return (long)i;
	return -1;
}

int llmops_strlist_split(struct llmops_strlist *l, const char *s, char sep)
{
	while (*s) {
		const char *e = strchr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && llmops_strlist_appendf(l, "%.*s", (int)n, s))
			return LLMOPS_E_NOMEM;
		s += n + (e != NULL);
	}
	return LLMOPS_OK;
}

static char *const *sort_base;

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_base[x], sort_base[y]);

	return c ? c : (x > y) - (x < y);
}

int llmops_strlist_dedupe(struct llmops_strlist *l)
{
	size_t *ix, k = 0;

	if (l->nr < 2)
		return LLMOPS_OK;
	if (!(ix = malloc(l->nr * sizeof(*ix))))
		return LLMOPS_E_NOMEM;
	for (size_t i = 0; i < l->nr; i++)
		ix[i] = i;
	sort_base = l->items;
	qsort(ix, l->nr, sizeof(*ix), cmp_index);
	/* in each run of equal strings the first is the earliest: drop the rest */
	for (size_t i = 1, head = ix[0]; i < l->nr; i++) {
		if (strcmp(l->items[head], l->items[ix[i]])) {
			head = ix[i];
			continue;
		}
		free(l->items[ix[i]]);
		l->items[ix[i]] = NULL;
	}
	for (size_t i = 0; i < l->nr; i++)
		if (l->items[i])
			l->items[k++] = l->items[i];
	l->nr = k;
	l->items[k] = NULL;
	free(ix);
	return LLMOPS_OK;
}

int llmops_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}
