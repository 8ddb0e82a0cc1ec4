/*
 * dataset_cursor.c - reading a dataset's cases one at a time (see
 * dataset.h): a JSON array element by element, JSONL line by line, CSV
 * record by record, so that a run holds one case, not the dataset.
 */
#include "dataset.h"

#include "buf.h"
#include "json.h"
#include "strlist.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FMT_JSON, FMT_JSONL, FMT_CSV };

struct llmops_dataset_cursor {
	char *label;
	const char *text; /* borrowed */
	size_t len, pos;
	int fmt;
	int line; /* JSONL and CSV: the line before pos */
	struct llmops_text_cursor tc;
	struct llmops_strlist head; /* CSV: the header */
	int state;		    /* JSON: 0 before '[', 1 in the array, 2 after ']' */
	size_t n;		    /* cases read */
	int behind;		    /* give the pages read back to the kernel (a mapping) */
	int checked;		    /* read once already without an error: no strict pre-scan */
	size_t released;	    /* up to here */
};

static const char *const reserved[] = {"id",	   "vars",   "expected", "output", "threshold",
				       "metric",   "assert", "tags",	 "tools",  "max_steps",
				       "messages", "turns",  "recorded", NULL};

static int is_reserved(const char *k)
{
	for (int i = 0; reserved[i]; i++)
		if (!strcmp(reserved[i], k))
			return 1;
	return 0;
}

void llmops_case_release(struct llmops_case *c)
{
	free(c->id);
	cJSON_Delete(c->vars);
	cJSON_Delete(c->fields);
	memset(c, 0, sizeof(*c));
}

const char *llmops_dataset_format_of(const char *label, const char *text, size_t len)
{
	if (llmops_str_ends_with(label, ".jsonl") || llmops_str_ends_with(label, ".ndjson"))
		return "jsonl";
	if (llmops_str_ends_with(label, ".json"))
		return "json";
	if (llmops_str_ends_with(label, ".csv"))
		return "csv";
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	return i < len && text[i] == '[' ? "json" : i < len && text[i] == '{' ? "jsonl" : "csv";
}

int llmops_dataset_cursor_open(struct llmops_dataset_cursor **out, const char *label,
			       const char *text, size_t len, unsigned flags, struct llmops_err *err)
{
	struct llmops_dataset_cursor *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c || !(c->label = strdup(label))) {
		free(c);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	const char *fmt = llmops_dataset_format_of(label, text, len);
	c->fmt = !strcmp(fmt, "json") ? FMT_JSON : !strcmp(fmt, "jsonl") ? FMT_JSONL : FMT_CSV;
	c->text = text;
	c->len = len;
	c->behind = (flags & LLMOPS_CURSOR_RELEASE) != 0;
	c->checked = (flags & LLMOPS_CURSOR_CHECKED) != 0;
	c->head = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
	*out = c;
	return 0;
}

void llmops_dataset_cursor_free(struct llmops_dataset_cursor *c)
{
	if (!c)
		return;
	llmops_strlist_release(&c->head);
	free(c->label);
	free(c);
}

const char *llmops_dataset_cursor_format(const struct llmops_dataset_cursor *c)
{
	return c->fmt == FMT_JSON ? "json" : c->fmt == FMT_JSONL ? "jsonl" : "csv";
}

/* Give the whole pages of text[from, upto) back to the kernel (a mapping: read again on use). */
static void give_back(const struct llmops_dataset_cursor *c, size_t from, size_t upto)
{
	if (c->behind)
		llmops_dataset_give_back(c->text, from, upto);
}

/* Give the pages before pos back, 8 MiB at a time: the file's pages are not kept resident. */
static void release_behind(struct llmops_dataset_cursor *c)
{
	if (!c->behind || c->pos < c->released + (8u << 20))
		return;
	give_back(c, c->released, c->pos);
	c->released = c->pos;
}

/* JSONL: text[i, eol) holds nothing but blanks (a line that is skipped). */
static int blank_line(const char *text, size_t i, size_t eol)
{
	while (i < eol && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
		i++;
	return i == eol;
}

size_t llmops_dataset_jsonl_slice(const char *text, size_t len, unsigned i, unsigned k)
{
	if (!k || i >= k)
		return len;
	if (!i)
		return 0;
	size_t at = (size_t)((double)len * i / k);
	const char *nl = at < len ? memchr(text + at, '\n', len - at) : NULL;
	return nl ? (size_t)(nl - text) + 1 : len;
}

int llmops_dataset_cursor_open_slice(struct llmops_dataset_cursor **out, const char *label,
				     const char *text, size_t start, size_t end, unsigned flags,
				     size_t *before, struct llmops_err *err)
{
	int rc = llmops_dataset_cursor_open(out, label, text, end, flags, err);
	if (rc)
		return rc;
	struct llmops_dataset_cursor *c = *out;
	if (c->fmt != FMT_JSONL) {
		llmops_dataset_cursor_free(c);
		*out = NULL;
		return llmops_err_set(err, LLMOPS_E_USAGE, "'%s' is not JSONL: it cannot be sliced",
				      label);
	}
	/* the lines and cases before start, so that messages and default ids
	   (case-N) are those of a cursor that read from the beginning */
	size_t i = 0, gave = 0;
	while (i < start) {
		const char *nl = memchr(text + i, '\n', start - i);
		size_t eol = nl ? (size_t)(nl - text) : start;
		c->line++;
		c->n += !blank_line(text, i, eol);
		i = eol + 1;
		if (i >= gave + (8u << 20)) { /* counted: not kept resident either */
			give_back(c, gave, i);
			gave = i;
		}
	}
	c->pos = start;
	c->released = start;
	*before = c->n;
	return 0;
}

/* One case from a parsed object; line/col locate it for messages. */
static int case_from_object(struct llmops_dataset_cursor *d, cJSON *o, int line, int col,
			    struct llmops_case *out, struct llmops_err *err)
{
	char idbuf[64];
	const char *id = NULL;
	if (!cJSON_IsObject(o))
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu must be an object such as {\"input\": ..., "
				     "\"expected\": ...}",
				     d->n + 1);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "vars");
	if (v && !cJSON_IsObject(v))
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu: 'vars' must be an object", d->n + 1);
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (cJSON_IsString(idv))
		id = idv->valuestring;
	else if (cJSON_IsNumber(idv)) {
		snprintf(idbuf, sizeof(idbuf), "%.17g", idv->valuedouble);
		id = idbuf;
	} else if (idv && !cJSON_IsNull(idv))
		return llmops_err_at(err, LLMOPS_E_INPUT, d->label, line, col,
				     "case %zu: 'id' must be a string or a number", d->n + 1);
	else {
		snprintf(idbuf, sizeof(idbuf), "case-%zu", d->n + 1);
		id = idbuf;
	}
	memset(out, 0, sizeof(*out));
	out->line = line;
	out->vars = cJSON_CreateObject();
	out->fields = cJSON_CreateObject();
	out->id = strdup(id);
	if (!out->vars || !out->fields || !out->id)
		goto nomem;
	/* the members move from o (the caller deletes what is left of it) */
	cJSON *vars_in = v ? cJSON_DetachItemViaPointer(o, (cJSON *)v) : NULL;
	while (o->child) {
		cJSON *k = cJSON_DetachItemViaPointer(o, o->child);
		/* the name is copied before the old one is freed: k->string may be passed */
		cJSON_AddItemToObject(is_reserved(k->string) ? out->fields : out->vars, k->string,
				      k);
	}
	while (vars_in && vars_in->child) {
		cJSON *k = cJSON_DetachItemViaPointer(vars_in, vars_in->child);
		cJSON_DeleteItemFromObjectCaseSensitive(out->vars, k->string);
		cJSON_AddItemToObject(out->vars, k->string, k);
	}
	cJSON_Delete(vars_in);
	d->n++;
	return 1;
nomem:
	llmops_case_release(out);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------ JSON */

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
		i++;
	return i;
}

/* The end of the JSON value starting at i (strings and nesting respected), or len. */
static size_t value_end(const char *t, size_t len, size_t i)
{
	int depth = 0;
	for (; i < len; i++) {
		char ch = t[i];
		if (ch == '"') {
			for (i++; i < len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			if (i >= len)
				return len;
			if (!depth)
				return i + 1;
		} else if (ch == '{' || ch == '[')
			depth++;
		else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return i; /* the array's end: a scalar element stops here */
			if (--depth == 0)
				return i + 1;
		} else if (!depth &&
			   (ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'))
			return i;
	}
	return len;
}

/*
 * The text is not a well-formed array of values: the message the whole
 * file's parse gives (the one a user gets from every other JSON file).
 */
static int json_error(struct llmops_dataset_cursor *c, size_t at, struct llmops_err *err)
{
	cJSON *doc = NULL;
	int line, col;
	int rc = llmops_json_parse(&doc, c->text, c->len, c->label, err);
	cJSON_Delete(doc);
	if (rc)
		return rc;
	llmops_text_cursor_pos(&c->tc, c->text, at, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, c->label, line, col,
			     "cannot parse the JSON here");
}

static int next_json(struct llmops_dataset_cursor *c, struct llmops_case *out,
		     struct llmops_err *err)
{
	const char *t = c->text;
	size_t i = skip_ws(t, c->len, c->pos);
	if (c->state == 0) {
		if (i >= c->len || t[i] != '[') {
			cJSON *doc = NULL;
			int rc = llmops_json_parse(&doc, t, c->len, c->label, err);
			cJSON_Delete(doc);
			if (rc)
				return rc;
			return llmops_err_at(err, LLMOPS_E_INPUT, c->label, 1, 1,
					     "a .json dataset must be an array of cases "
					     "([{\"input\": ..., \"expected\": ...}, ...])");
		}
		c->state = 1;
		i = skip_ws(t, c->len, i + 1);
		if (i < c->len && t[i] == ']') {
			c->state = 2;
			c->pos = i + 1;
			return skip_ws(t, c->len, c->pos) < c->len ? json_error(c, c->pos, err) : 0;
		}
	}
	if (c->state == 2)
		return 0;
	size_t end = value_end(t, c->len, i);
	cJSON *o = NULL;
	struct llmops_err perr = {0};
	if (end <= i || (!(c->checked && (o = cJSON_ParseWithLength(t + i, end - i))) &&
			 llmops_json_parse(&o, t + i, end - i, c->label, &perr)))
		return json_error(c, i, err);
	int line, col;
	llmops_text_cursor_pos(&c->tc, t, i, &line, &col);
	size_t k = skip_ws(t, c->len, end);
	if (k < c->len && t[k] == ',' && skip_ws(t, c->len, k + 1) < c->len &&
	    t[skip_ws(t, c->len, k + 1)] != ']')
		c->pos = k + 1;
	else if (k < c->len && t[k] == ']' && skip_ws(t, c->len, k + 1) >= c->len) {
		c->state = 2;
		c->pos = k + 1;
	} else {
		cJSON_Delete(o);
		return json_error(c, k, err);
	}
	int rc = case_from_object(c, o, line, col, out, err);
	cJSON_Delete(o);
	if (rc == 1) {
		out->off = i;
		out->span = end - i;
	}
	return rc;
}

/* ----------------------------------------------------------------- JSONL */

static int next_jsonl(struct llmops_dataset_cursor *c, struct llmops_case *out,
		      struct llmops_err *err)
{
	const char *text = c->text;
	while (c->pos < c->len) {
		size_t i = c->pos, eol = i;
		const char *nl = memchr(text + i, '\n', c->len - i);
		eol = nl ? (size_t)(nl - text) : c->len;
		c->line++;
		c->pos = eol + 1;
		if (blank_line(text, i, eol))
			continue;
		size_t s = i;
		while (text[s] == ' ' || text[s] == '\t' || text[s] == '\r')
			s++;
		cJSON *o = NULL;
		struct llmops_err lerr = {0};
		int rc = c->checked && (o = cJSON_ParseWithLength(text + i, eol - i))
				 ? 0
				 : llmops_json_parse_checked(&o, text + i, eol - i, eol - i,
							     c->label, &lerr);
		if (rc) {
			/* the message says 1:COL; put the file's line in */
			const char *p = strstr(lerr.msg, ":1:");
			int col = p ? atoi(p + 3) : 1;
			const char *what = p ? strchr(p + 3, ':') : NULL;
			return llmops_err_at(err, rc, c->label, c->line, col, "%s",
					     what ? what + 2 : lerr.msg);
		}
		rc = case_from_object(c, o, c->line, (int)(s - i) + 1, out, err);
		cJSON_Delete(o);
		if (rc == 1) {
			out->off = i;
			out->span = eol - i;
		}
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------- CSV */

/* RFC 4180 CSV: the fields of the record starting at *pos; advances *pos. */
static int csv_record(struct llmops_dataset_cursor *d, size_t *pos, int *line,
		      struct llmops_strlist *fields, struct llmops_err *err)
{
	const char *t = d->text;
	size_t len = d->len;
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
		if (llmops_strlist_append(fields, f.data))
			f.oom = 1;
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
	int oom = f.oom; /* read before the release, which clears it */
	llmops_buf_release(&f);
	*pos = i;
	return oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

void llmops_dataset_cursor_take_columns(struct llmops_dataset_cursor *c, struct llmops_strlist *out)
{
	llmops_strlist_release(out);
	*out = c->head;
	c->head = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
}

static int csv_header(struct llmops_dataset_cursor *c, struct llmops_err *err)
{
	int rc;
	c->line = 1;
	if (c->len >= 3 && !memcmp(c->text, "\xef\xbb\xbf", 3))
		c->pos = 3; /* a BOM, as spreadsheets write */
	if ((rc = csv_record(c, &c->pos, &c->line, &c->head, err)))
		return rc;
	if (!c->head.nr || (c->head.nr == 1 && !c->head.items[0][0]))
		return llmops_err_at(err, LLMOPS_E_INPUT, c->label, 1, 1,
				     "a CSV dataset needs a header row (e.g. input,expected)");
	for (size_t i = 0; i < c->head.nr; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->head.items[i], c->head.items[j]))
				return llmops_err_at(err, LLMOPS_E_INPUT, c->label, 1, 1,
						     "column '%s' appears twice in the header",
						     c->head.items[i]);
	c->state = 1;
	return 0;
}

static int next_csv(struct llmops_dataset_cursor *c, struct llmops_case *out,
		    struct llmops_err *err)
{
	struct llmops_strlist row = LLMOPS_STRLIST_INIT;
	int rc = 0;
	if (!c->state && (rc = csv_header(c, err)))
		return rc;
	while (c->pos < c->len && !rc) {
		int rline = ++c->line;
		llmops_strlist_release(&row);
		if ((rc = csv_record(c, &c->pos, &c->line, &row, err)))
			break;
		if (row.nr == 1 && !row.items[0][0])
			continue; /* blank line */
		if (row.nr != c->head.nr) {
			rc = llmops_err_at(err, LLMOPS_E_INPUT, c->label, rline, 1,
					   "%zu fields, but the header has %zu", row.nr,
					   c->head.nr);
			break;
		}
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; o && i < c->head.nr; i++) {
			if (!strcmp(c->head.items[i], "threshold") && row.items[i][0]) {
				char *end;
				double v = strtod(row.items[i], &end);
				if (*end) {
					cJSON_Delete(o);
					rc = llmops_err_at(err, LLMOPS_E_INPUT, c->label, rline, 1,
							   "threshold '%s' is not a number",
							   row.items[i]);
					goto out;
				}
				cJSON_AddNumberToObject(o, "threshold", v);
			} else {
				cJSON_AddStringToObject(o, c->head.items[i], row.items[i]);
			}
		}
		if (!o) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		rc = case_from_object(c, o, rline, 1, out, err);
		cJSON_Delete(o);
	}
out:
	llmops_strlist_release(&row);
	return rc;
}

int llmops_dataset_cursor_next(struct llmops_dataset_cursor *c, struct llmops_case *out,
			       struct llmops_err *err)
{
	int rc = c->fmt == FMT_JSON    ? next_json(c, out, err)
		 : c->fmt == FMT_JSONL ? next_jsonl(c, out, err)
				       : next_csv(c, out, err);
	release_behind(c);
	return rc;
}
