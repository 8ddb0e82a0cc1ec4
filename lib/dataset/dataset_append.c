/*
 * dataset_append.c - one case added at the end of a dataset file, the rest
 * of the file byte for byte as it was (dataset.h): how an incident becomes
 * a regression case.
 */
#include "dataset.h"

#include "atomicfile.h"
#include "buf.h"
#include "strlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case as the loader splits it (id, vars, fields), from its JSON object. */
static int as_case(const cJSON *obj, struct llmops_dataset *one, struct llmops_err *err)
{
	char *text = cJSON_PrintUnformatted(obj);
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc;
	if (!text)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_buf_addch(&b, '[');
	llmops_buf_adds(&b, text);
	llmops_buf_addch(&b, ']');
	free(text);
	rc = b.oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
		   : llmops_dataset_parse(one, "the new case", b.data, b.len, err);
	llmops_buf_release(&b);
	return rc;
}

/* Do a and b hold the same members, "id" aside? */
static int same_but_id(const cJSON *a, const cJSON *b)
{
	const cJSON *m;
	int na = 0, nb = 0;
	cJSON_ArrayForEach (m, a) {
		if (!strcmp(m->string, "id"))
			continue;
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);
		if (!o || !cJSON_Compare(m, o, 1))
			return 0;
		na++;
	}
	cJSON_ArrayForEach (m, b)
		nb += strcmp(m->string, "id") != 0;
	return na == nb;
}

/* Does d already hold c: the same id, or every key but the id the same? */
static int duplicate(const struct llmops_dataset *d, const struct llmops_case *c, const char *path,
		     struct llmops_err *err)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_case *x = &d->cases[i];
		if (!strcmp(x->id, c->id))
			return llmops_err_set(err, LLMOPS_E_CHECK,
					      "%s:%d: the dataset has a case '%s' already; give "
					      "the new one another id (--id)",
					      path, x->line, c->id);
		if (cJSON_Compare(x->vars, c->vars, 1) && same_but_id(x->fields, c->fields))
			return llmops_err_set(err, LLMOPS_E_CHECK,
					      "%s:%d: case '%s' is this case already (the same "
					      "variables, messages and expected)",
					      path, x->line, x->id);
	}
	return 0;
}

/* The number of the line at text[at] (1-based). */
static int line_at(const char *text, size_t at)
{
	int line = 1;
	for (size_t i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

/* JSON: the case after the array's last element, on a line of its own, indented as the
   line that element ends on. */
static int add_json(struct llmops_buf *out, const char *text, size_t len, const char *obj,
		    int *line, const char *path, struct llmops_err *err)
{
	size_t close = len, prev, ls;
	while (close > 0 && strchr(" \t\r\n", text[close - 1]))
		close--;
	if (!close || text[close - 1] != ']')
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: does not end with ']'", path);
	close--;
	prev = close;
	while (prev > 0 && strchr(" \t\r\n", text[prev - 1]))
		prev--;
	if (!prev)
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: no array", path);
	const char *eol = memchr(text, '\r', len) ? "\r\n" : "\n"; /* the file's own */
	llmops_buf_add(out, text, prev);
	if (text[prev - 1] == '[') { /* an empty array */
		llmops_buf_adds(out, eol);
		llmops_buf_adds(out, "  ");
		*line = line_at(text, prev) + 1;
		llmops_buf_adds(out, obj);
		llmops_buf_adds(out, eol);
		llmops_buf_add(out, text + close, len - close);
		return 0;
	}
	for (ls = prev; ls > 0 && text[ls - 1] != '\n'; ls--)
		;
	llmops_buf_addch(out, ',');
	llmops_buf_adds(out, eol);
	for (size_t i = ls; i < prev && (text[i] == ' ' || text[i] == '\t'); i++)
		llmops_buf_addch(out, text[i]);
	*line = line_at(text, prev) + 1;
	llmops_buf_adds(out, obj);
	llmops_buf_add(out, text + prev, len - prev);
	return 0;
}

/* A CSV cell: as it is, or quoted (RFC 4180) when it holds a comma, a quote or a line end. */
static void csv_cell(struct llmops_buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		llmops_buf_adds(out, s);
		return;
	}
	llmops_buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			llmops_buf_addch(out, '"');
		llmops_buf_addch(out, *s);
	}
	llmops_buf_addch(out, '"');
}

/* The text of c's key in a CSV cell: a string or a number; NULL when c has no such key;
 *bad when its value cannot be a cell. */
static const char *cell_of(const struct llmops_case *c, const char *key, char *num, size_t n,
			   int *bad)
{
	const cJSON *v =
		!strcmp(key, "id") ? NULL : cJSON_GetObjectItemCaseSensitive(c->fields, key);
	if (!strcmp(key, "id"))
		return c->id;
	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(c->vars, key);
	if (!v)
		return NULL;
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(num, n, "%.17g", v->valuedouble);
		return num;
	}
	*bad = 1;
	return NULL;
}

/* CSV: a row at the end, its cells in the order of the header's columns (cols, as the
   loader read them: quoted names, a BOM); every key of the case must
   have a column, and be a string or a number. */
static int add_csv(struct llmops_buf *out, const char *text, size_t len,
		   const struct llmops_strlist *cols, const struct llmops_case *c, int *line,
		   const char *path, struct llmops_err *err)
{
	const cJSON *m;
	char num[64];
	int rc = 0, bad = 0;
	for (int pass = 0; pass < 2 && !rc; pass++)
		cJSON_ArrayForEach (m, (pass ? c->vars : c->fields))
			if (llmops_strlist_find(cols, m->string) < 0) {
				rc = llmops_err_set(err, LLMOPS_E_USAGE,
						    "%s: no column '%s' for the new case (add the "
						    "column, or keep such cases in JSON or JSONL)",
						    path, m->string);
				break;
			}
	const char *eol = memchr(text, '\r', len) ? "\r\n" : "\n"; /* the file's own */
	llmops_buf_add(out, text, len);
	if (len && text[len - 1] != '\n')
		llmops_buf_adds(out, eol);
	*line = line_at(out->data ? out->data : "", out->len);
	for (size_t i = 0; i < cols->nr && !rc; i++) {
		const char *v = cell_of(c, cols->items[i], num, sizeof(num), &bad);
		if (bad) {
			rc = llmops_err_set(
				err, LLMOPS_E_USAGE,
				"%s: '%s' of the new case is not text or a number: keep "
				"such cases in JSON or JSONL",
				path, cols->items[i]);
			break;
		}
		if (i)
			llmops_buf_addch(out, ',');
		csv_cell(out, v ? v : "");
	}
	llmops_buf_adds(out, eol);
	return rc;
}

/* obj on one line as people write it: ", " between members and ": " after keys. */
static char *one_line(const cJSON *obj)
{
	char *t = cJSON_PrintUnformatted(obj), *out;
	size_t k = 0;
	int in_str = 0;
	if (!t || !(out = malloc(2 * strlen(t) + 1))) {
		free(t);
		return NULL;
	}
	for (const char *p = t; *p; p++) {
		out[k++] = *p;
		if (in_str && *p == '\\' && p[1])
			out[k++] = *++p; /* an escaped character, a quote included */
		else if (*p == '"')
			in_str = !in_str;
		else if (!in_str && (*p == ':' || *p == ','))
			out[k++] = ' ';
	}
	out[k] = 0;
	free(t);
	return out;
}

int llmops_dataset_append(const char *path, const cJSON *obj, int *line, struct llmops_err *err)
{
	struct llmops_buf in = LLMOPS_BUF_INIT, out = LLMOPS_BUF_INIT;
	struct llmops_dataset d = {0}, one = {0};
	char *compact = NULL;
	int rc, exists = !llmops_buf_read_file(&in, path);
	const char *text = exists && in.data ? in.data : "";
	size_t len = exists ? in.len : 0;
	if ((rc = as_case(obj, &one, err)))
		goto out;
	if (one.n != 1) {
		rc = llmops_err_set(err, LLMOPS_E_USAGE, "the new case is not one JSON object");
		goto out;
	}
	if (!exists && llmops_str_ends_with(path, ".csv")) {
		rc = llmops_err_set(
			err, LLMOPS_E_NOTFOUND,
			"%s does not exist: a CSV dataset needs its header; start it by "
			"hand, or use .json or .jsonl",
			path);
		goto out;
	}
	if (!exists && llmops_str_ends_with(path, ".json")) { /* a new file: an array */
		text = "[]\n";
		len = 3;
	}
	if ((rc = llmops_dataset_parse(&d, path, text, len, err)) ||
	    (rc = duplicate(&d, &one.cases[0], path, err)))
		goto out;
	if (!(compact = one_line(obj))) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	if (!strcmp(d.format, "json")) {
		rc = add_json(&out, text, len, compact, line, path, err);
	} else if (!strcmp(d.format, "jsonl")) {
		llmops_buf_add(&out, text, len);
		if (len && text[len - 1] != '\n')
			llmops_buf_addch(&out, '\n');
		*line = line_at(out.data ? out.data : "", out.len);
		llmops_buf_adds(&out, compact);
		llmops_buf_addch(&out, '\n');
	} else {
		rc = add_csv(&out, text, len, &d.columns, &one.cases[0], line, path, err);
	}
	if (!rc && out.oom)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!rc)
		rc = llmops_write_atomic(path, out.data, out.len, err);
out:
	free(compact);
	llmops_dataset_release(&d);
	llmops_dataset_release(&one);
	llmops_buf_release(&in);
	llmops_buf_release(&out);
	return rc;
}
