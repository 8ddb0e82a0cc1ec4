/*
 * dataset_diff.c - two versions of a dataset compared case by case, by id
 * (dataset_diff.h).
 */
#include "dataset_diff.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

const char *llmops_case_change_name(int kind)
{
	switch (kind) {
	case LLMOPS_CASE_REMOVED: return "removed";
	case LLMOPS_CASE_ADDED: return "added";
	default: return "changed";
	}
}

/* The index of the case with id in d, sorted by id in by (llmops_dataset_by_id); -1: none. */
static long find(const struct llmops_dataset *d, const size_t *by, const char *id)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->cases[by[mid]].id, id);
		if (!c)
			return (long)by[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Add to keys (prefix + name) each member of x that y lacks or holds another value for. */
static int differ(struct llmops_strlist *keys, const char *prefix, const cJSON *x, const cJSON *y)
{
	const cJSON *m;
	cJSON_ArrayForEach (m, x) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(y, m->string);
		if ((!o || !cJSON_Compare(m, o, 1)) &&
		    llmops_strlist_appendf(keys, "%s%s", prefix, m->string ? m->string : ""))
			return -1;
	}
	return 0;
}

static struct llmops_case_diff *push(struct llmops_dataset_diff *d, size_t *cap, int kind,
				     const char *id)
{
	if (LLMOPS_GROW(d->cases, d->n, *cap, 16))
		return NULL;
	struct llmops_case_diff *c = &d->cases[d->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->id = id;
	return c;
}

int llmops_dataset_diff(const struct llmops_dataset *a, const struct llmops_dataset *b,
			struct llmops_dataset_diff *out, struct llmops_err *err)
{
	size_t *by_a = llmops_dataset_by_id(a), *by_b = llmops_dataset_by_id(b), cap = 0;
	struct llmops_case_diff *c;
	memset(out, 0, sizeof(*out));
	if ((a->n && !by_a) || (b->n && !by_b))
		goto nomem;
	for (size_t i = 0; i < a->n; i++) /* a's cases b lacks */
		if (find(b, by_b, a->cases[i].id) < 0) {
			if (!(c = push(out, &cap, LLMOPS_CASE_REMOVED, a->cases[i].id)))
				goto nomem;
			c->line_a = a->cases[i].line;
			out->removed++;
		}
	for (size_t i = 0; i < b->n; i++) {
		const struct llmops_case *y = &b->cases[i];
		long k = find(a, by_a, y->id);
		struct llmops_strlist keys = LLMOPS_STRLIST_INIT;
		if (k >= 0) {
			const struct llmops_case *x = &a->cases[k];
			if (differ(&keys, "", y->fields, x->fields) ||
			    differ(&keys, "vars.", y->vars, x->vars) ||
			    differ(&keys, "", x->fields, y->fields) ||
			    differ(&keys, "vars.", x->vars, y->vars) ||
			    llmops_strlist_dedupe(&keys)) {
				llmops_strlist_release(&keys);
				goto nomem;
			}
			if (!keys.nr) {
				out->same++;
				continue;
			}
		}
		if (!(c = push(out, &cap, k >= 0 ? LLMOPS_CASE_CHANGED : LLMOPS_CASE_ADDED,
			       y->id))) {
			llmops_strlist_release(&keys);
			goto nomem;
		}
		c->line_b = y->line;
		c->line_a = k >= 0 ? a->cases[k].line : 0;
		c->keys = keys;
		if (k >= 0)
			out->changed++;
		else
			out->added++;
	}
	free(by_a);
	free(by_b);
	return LLMOPS_OK;
nomem:
	free(by_a);
	free(by_b);
	llmops_dataset_diff_release(out);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

void llmops_dataset_diff_release(struct llmops_dataset_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		llmops_strlist_release(&d->cases[i].keys);
	free(d->cases);
	memset(d, 0, sizeof(*d));
}
