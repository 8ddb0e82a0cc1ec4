/*
 * dataset.c - loading datasets (see dataset.h).
 */
#include "dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "strlist.h"
#include "utf8.h"

static int add_case(struct llmops_dataset *d, struct llmops_case *nc, struct llmops_err *err)
{
	struct llmops_case *c;
	if ((d->n & (d->n - 1)) == 0) { /* grow at powers of two: linear in all */
		c = realloc(d->cases, (d->n ? 2 * d->n : 1) * sizeof(*c));
		if (!c) {
			llmops_case_release(nc);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
		d->cases = c;
	}
	d->cases[d->n++] = *nc;
	return LLMOPS_OK;
}

void llmops_dataset_release(struct llmops_dataset *d)
{
	for (size_t i = 0; i < d->n; i++)
		llmops_case_release(&d->cases[i]);
	free(d->cases);
	free(d->label);
	free(d->format);
	llmops_strlist_release(&d->columns);
	memset(d, 0, sizeof(*d));
}

static const struct llmops_case *sort_base;

static int cmp_case_id(const void *a, const void *b)
{
	const struct llmops_case *x = &sort_base[*(const size_t *)a];
	const struct llmops_case *y = &sort_base[*(const size_t *)b];
	int c = strcmp(x->id, y->id);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

size_t *llmops_dataset_by_id(const struct llmops_dataset *d)
{
	size_t *ix = malloc((d->n ? d->n : 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	for (size_t i = 0; i < d->n; i++)
		ix[i] = i;
	sort_base = d->cases;
	if (d->n)
		qsort(ix, d->n, sizeof(*ix), cmp_case_id);
	return ix;
}

/* Duplicate ids, found by sorting (n log n): the error names the earliest repeat. */
static int check_ids(struct llmops_dataset *d, struct llmops_err *err)
{
	size_t *ix = llmops_dataset_by_id(d);
	size_t best = (size_t)-1, first = 0, group = 0;
	if (!ix)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	/* in sorted order a group of equal ids starts with its first line */
	for (size_t i = 1; i < d->n; i++) {
		if (strcmp(d->cases[ix[i]].id, d->cases[ix[i - 1]].id)) {
			group = i;
			continue;
		}
		if (best == (size_t)-1 || d->cases[ix[i]].line < d->cases[best].line) {
			best = ix[i];
			first = ix[group];
		}
	}
	free(ix);
	if (best == (size_t)-1)
		return 0;
	return llmops_err_at(err, LLMOPS_E_INPUT, d->label, d->cases[best].line, 1,
			     "duplicate case id '%s' (first at line %d)", d->cases[best].id,
			     d->cases[first].line);
}

static int parse_any(struct llmops_dataset *d, const char *text, size_t len, unsigned flags,
		     struct llmops_err *err)
{
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_case one;
	int rc = llmops_dataset_cursor_open(&cur, d->label, text, len, 0, err);
	while (!rc && (rc = llmops_dataset_cursor_next(cur, &one, err)) == 1)
		rc = add_case(d, &one, err);
	if (!rc)
		llmops_dataset_cursor_take_columns(cur, &d->columns);
	llmops_dataset_cursor_free(cur);
	if (rc || (flags & LLMOPS_DATASET_ALLOW_DUPLICATE_IDS))
		return rc;
	return check_ids(d, err);
}

int llmops_dataset_parse(struct llmops_dataset *d, const char *label, const char *text, size_t len,
			 struct llmops_err *err)
{
	return llmops_dataset_parse_ex(d, label, text, len, 0, err);
}

int llmops_dataset_parse_ex(struct llmops_dataset *d, const char *label, const char *text,
			    size_t len, unsigned flags, struct llmops_err *err)
{
	const char *fmt;
	size_t bad;
	memset(d, 0, sizeof(*d));
	if (!(d->label = strdup(label)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	d->bytes = len;
	if (llmops_sha256_hex(d->sha256, text, len))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if ((bad = llmops_utf8_invalid(text, len)) < len) {
		int line, col;
		llmops_text_pos(text, bad, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
				     "not valid UTF-8 (byte offset %zu)", bad);
	}
	fmt = llmops_dataset_format_of(label, text, len);
	if (!(d->format = strdup(fmt)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	return parse_any(d, text, len, flags, err);
}

int llmops_dataset_load(struct llmops_dataset *d, const char *path, struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc = llmops_buf_read_file(&b, path);
	memset(d, 0, sizeof(*d));
	if (rc) {
		llmops_buf_release(&b);
		if (rc == LLMOPS_E_NOTFOUND)
			return llmops_err_set(err, rc, "dataset '%s' does not exist", path);
		return llmops_err_set(err, rc, "cannot read dataset '%s': %s", path,
				      strerror(errno));
	}
	rc = llmops_dataset_parse(d, path, b.data, b.len, err);
	llmops_buf_release(&b);
	return rc;
}
