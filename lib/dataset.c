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

static const char *const reserved[] = {"id",	 "vars",   "expected", "output", "threshold",
				       "metric", "assert", "tags",     NULL};

static int is_reserved(const char *k)
{
	for (int i = 0; reserved[i]; i++)
		if (!strcmp(reserved[i], k))
			return 1;
	return 0;
}

void llmops_dataset_release(struct llmops_dataset *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->cases[i].id);
		cJSON_Delete(d->cases[i].vars);
		cJSON_Delete(d->cases[i].fields);
	}
	free(d->cases);
	free(d->label);
	free(d->format);
	memset(d, 0, sizeof(*d));
}

static int add_case(struct llmops_dataset *d, const char *id, cJSON *vars, cJSON *fields, int line,
		    struct llmops_err *err)
{
	char dflt[32];
	struct llmops_case *c;
	(void)err;
	if ((d->n & (d->n - 1)) == 0) { /* grow at powers of two: linear in all */
		c = realloc(d->cases, (d->n ? 2 * d->n : 1) * sizeof(*c));
		if (!c)
			goto nomem;
		d->cases = c;
	}
	if (!id) {
		snprintf(dflt, sizeof(dflt), "case-%zu", d->n + 1);
		id = dflt;
	}
	c = &d->cases[d->n];
	if (!(c->id = strdup(id)))
		goto nomem;
	c->vars = vars;
	c->fields = fields;
	c->line = line;
	d->n++;
	return LLMOPS_OK;
nomem:
	cJSON_Delete(vars);
	cJSON_Delete(fields);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

/* One case from a parsed object; line/col locate it for messages. */
static int case_from_object(struct llmops_dataset *d, const cJSON *o, int line, int col,
			    struct llmops_err *err)
{
	char idbuf[64];
	const char *id = NULL;
	if (!cJSON_IsObject(o))
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu must be an object such as {\"input\": ..., "
				     "\"expected\": ...}",
				     d->n + 1);
	cJSON *vars = cJSON_CreateObject(), *fields = cJSON_CreateObject();
	if (!vars || !fields)
		goto nomem;
	for (const cJSON *k = o->child; k; k = k->next) {
		cJSON *dup = cJSON_Duplicate(k, 1);
		if (!dup)
			goto nomem;
		cJSON_AddItemToObject(is_reserved(k->string) ? fields : vars, k->string, dup);
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "vars");
	if (v && !cJSON_IsObject(v)) {
		cJSON_Delete(vars);
		cJSON_Delete(fields);
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu: 'vars' must be an object", d->n + 1);
	}
	for (const cJSON *k = v ? v->child : NULL; k; k = k->next) {
		cJSON *dup = cJSON_Duplicate(k, 1);
		if (!dup)
			goto nomem;
		cJSON_DeleteItemFromObjectCaseSensitive(vars, k->string);
		cJSON_AddItemToObject(vars, k->string, dup);
	}
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (cJSON_IsString(idv))
		id = idv->valuestring;
	else if (cJSON_IsNumber(idv)) {
		snprintf(idbuf, sizeof(idbuf), "%.17g", idv->valuedouble);
		id = idbuf;
	} else if (idv && !cJSON_IsNull(idv)) {
		cJSON_Delete(vars);
		cJSON_Delete(fields);
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu: 'id' must be a string or a number", d->n + 1);
	}
	return add_case(d, id, vars, fields, line, err);
nomem:
	cJSON_Delete(vars);
	cJSON_Delete(fields);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

static int parse_json(struct llmops_dataset *d, const char *text, size_t len,
		      struct llmops_err *err)
{
	cJSON *doc = NULL;
	int rc = llmops_json_parse(&doc, text, len, d->label, err);
	if (rc)
		return rc;
	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, 1, 1,
				     "a .json dataset must be an array of cases "
				     "([{\"input\": ..., \"expected\": ...}, ...])");
	}
	int i = 0;
	for (const cJSON *c = doc->child; c && !rc; c = c->next, i++) {
		char idx[16];
		const char *steps[] = {idx};
		int line, col;
		snprintf(idx, sizeof(idx), "%d", i);
		llmops_json_locate(text, len, steps, 1, 0, &line, &col);
		rc = case_from_object(d, c, line, col, err);
	}
	cJSON_Delete(doc);
	return rc;
}

static int parse_jsonl(struct llmops_dataset *d, const char *text, size_t len,
		       struct llmops_err *err)
{
	int line = 0, rc = 0;
	for (size_t i = 0; i < len && !rc;) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		line++;
		size_t s = i;
		while (s < eol && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
			s++;
		if (s < eol) {
			char label[512];
			cJSON *o = NULL;
			struct llmops_err lerr = {0};
			snprintf(label, sizeof(label), "%s", d->label);
			rc = llmops_json_parse(&o, text + i, eol - i, label, &lerr);
			if (rc) {
				/* the message says 1:COL; put the file's line in */
				const char *p = strstr(lerr.msg, ":1:");
				int col = p ? atoi(p + 3) : 1;
				const char *what = p ? strchr(p + 3, ':') : NULL;
				return llmops_err_at(err, rc, d->label, line, col, "%s",
						     what ? what + 2 : lerr.msg);
			}
			rc = case_from_object(d, o, line, (int)(s - i) + 1, err);
			cJSON_Delete(o);
		}
		i = eol + 1;
	}
	return rc;
}

/* RFC 4180 CSV: fields[0..*n) of the record starting at *pos; advances *pos. */
static int csv_record(struct llmops_dataset *d, const char *t, size_t len, size_t *pos, int *line,
		      struct llmops_strlist *fields, struct llmops_err *err)
{
	struct llmops_buf f = LLMOPS_BUF_INIT;
	size_t i = *pos, line_start = i;
	for (;;) {
		llmops_buf_reset(&f);
		if (i < len && t[i] == '"') {
			int qline = *line,
			    qcol = llmops_utf8_columns(t + line_start, i - line_start) + 1;
			i++;
			for (;;) {
				if (i >= len) {
					llmops_buf_release(&f);
					return llmops_err_at(err, LLMOPS_E_INPUT, d->label, qline,
							     qcol, "unterminated quoted field");
				}
				if (t[i] == '"') {
					if (i + 1 < len && t[i + 1] == '"') {
						llmops_buf_addch(&f, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (t[i] == '\n') {
					(*line)++;
					line_start = i + 1;
				}
				llmops_buf_addch(&f, t[i++]);
			}
			if (i < len && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
				int col = llmops_utf8_columns(t + line_start, i - line_start) + 1;
				llmops_buf_release(&f);
				return llmops_err_at(err, LLMOPS_E_INPUT, d->label, *line, col,
						     "text after a closing quote (a quote inside a "
						     "quoted field is written \"\")");
			}
		} else {
			while (i < len && t[i] != ',' && t[i] != '\n' &&
			       !(t[i] == '\r' && i + 1 < len && t[i + 1] == '\n'))
				llmops_buf_addch(&f, t[i++]);
		}
		llmops_strlist_append(fields, f.data);
		if (i < len && t[i] == ',') {
			i++;
			continue;
		}
		if (i < len && t[i] == '\r')
			i++;
		if (i < len && t[i] == '\n')
			i++;
		break;
	}
	llmops_buf_release(&f);
	*pos = i;
	return f.oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

static int parse_csv(struct llmops_dataset *d, const char *text, size_t len, struct llmops_err *err)
{
	struct llmops_strlist head = LLMOPS_STRLIST_INIT, row = LLMOPS_STRLIST_INIT;
	size_t pos = 0;
	int line = 1, rc;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3; /* a BOM, as spreadsheets write */
	if ((rc = csv_record(d, text, len, &pos, &line, &head, err)))
		goto out;
	if (!head.nr || (head.nr == 1 && !head.items[0][0])) {
		rc = llmops_err_at(err, LLMOPS_E_INPUT, d->label, 1, 1,
				   "a CSV dataset needs a header row (e.g. input,expected)");
		goto out;
	}
	for (size_t i = 0; i < head.nr; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(head.items[i], head.items[j])) {
				rc = llmops_err_at(err, LLMOPS_E_INPUT, d->label, 1, 1,
						   "column '%s' appears twice in the header",
						   head.items[i]);
				goto out;
			}
	while (pos < len && !rc) {
		int rline = ++line;
		llmops_strlist_release(&row);
		if ((rc = csv_record(d, text, len, &pos, &line, &row, err)))
			break;
		if (row.nr == 1 && !row.items[0][0])
			continue; /* blank line */
		if (row.nr != head.nr) {
			rc = llmops_err_at(err, LLMOPS_E_INPUT, d->label, rline, 1,
					   "%zu fields, but the header has %zu", row.nr, head.nr);
			break;
		}
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; o && i < head.nr; i++) {
			if (!strcmp(head.items[i], "threshold") && row.items[i][0]) {
				char *end;
				double v = strtod(row.items[i], &end);
				if (*end) {
					cJSON_Delete(o);
					rc = llmops_err_at(err, LLMOPS_E_INPUT, d->label, rline, 1,
							   "threshold '%s' is not a number",
							   row.items[i]);
					goto out;
				}
				cJSON_AddNumberToObject(o, "threshold", v);
			} else {
				cJSON_AddStringToObject(o, head.items[i], row.items[i]);
			}
		}
		if (!o) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		rc = case_from_object(d, o, rline, 1, err);
		cJSON_Delete(o);
	}
out:
	llmops_strlist_release(&head);
	llmops_strlist_release(&row);
	return rc;
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

static int parse_any(struct llmops_dataset *d, const char *fmt, const char *text, size_t len,
		     unsigned flags, struct llmops_err *err)
{
	int rc;
	if (!strcmp(fmt, "json"))
		rc = parse_json(d, text, len, err);
	else if (!strcmp(fmt, "jsonl"))
		rc = parse_jsonl(d, text, len, err);
	else
		rc = parse_csv(d, text, len, err);
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
	if (llmops_str_ends_with(label, ".jsonl") || llmops_str_ends_with(label, ".ndjson"))
		fmt = "jsonl";
	else if (llmops_str_ends_with(label, ".json"))
		fmt = "json";
	else if (llmops_str_ends_with(label, ".csv"))
		fmt = "csv";
	else {
		size_t i = 0;
		while (i < len && strchr(" \t\r\n", text[i]))
			i++;
		fmt = i < len && text[i] == '['	  ? "json"
		      : i < len && text[i] == '{' ? "jsonl"
						  : "csv";
	}
	if (!(d->format = strdup(fmt)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	return parse_any(d, fmt, text, len, flags, err);
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
