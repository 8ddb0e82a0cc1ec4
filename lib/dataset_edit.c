/*
 * dataset_edit.c - changing one case's expected text in a dataset file
 * (see dataset.h): how an accepted review becomes the reference.
 */
#include "dataset.h"

#include "json.h"

#include "atomicfile.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of a cJSON string or number field, else NULL. */
static const char *text_of(const cJSON *f)
{
	return cJSON_IsString(f) ? f->valuestring : NULL;
}

/* JSONL: replace line `line` (1-based) with its object, expected changed. */
static int edit_jsonl(struct llmops_buf *out, const char *text, size_t len, int line,
		      const char *value, struct llmops_err *err, const char *path)
{
	const char *p = text, *end = text + len;
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t n = (size_t)((eol ? eol : end) - p);
	int cr = n && p[n - 1] == '\r';
	cJSON *o = cJSON_ParseWithLength(p, n);
	char *s;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s:%d: not a JSON object", path, line);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "expected");
	cJSON_AddStringToObject(o, "expected", value);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_buf_add(out, text, (size_t)(p - text));
	llmops_buf_adds(out, s);
	if (cr)
		llmops_buf_addch(out, '\r');
	llmops_buf_add(out, p + n, (size_t)(end - (p + n)));
	free(s);
	return out->oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

/* JSON: the array again, with the case's expected changed. */
static int edit_json(struct llmops_buf *out, const char *text, size_t len, const char *id,
		     const char *value, struct llmops_err *err, const char *path)
{
	cJSON *a = cJSON_ParseWithLength(text, len), *c, *hit = NULL;
	char *s;
	int k = 0;
	cJSON_ArrayForEach (c, a) {
		const char *cid = text_of(cJSON_GetObjectItemCaseSensitive(c, "id"));
		char dflt[32];
		snprintf(dflt, sizeof(dflt), "case-%d", ++k); /* the id of a case without one */
		if (!strcmp(cid ? cid : dflt, id)) {
			hit = c;
			break;
		}
	}
	if (!hit) {
		cJSON_Delete(a);
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s: no case '%s'", path, id);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(hit, "expected");
	cJSON_AddStringToObject(hit, "expected", value);
	s = llmops_json_print(a); /* two spaces a level: reads better in a diff */
	cJSON_Delete(a);
	if (!s)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_buf_adds(out, s);
	llmops_buf_addch(out, '\n');
	free(s);
	return out->oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

int llmops_dataset_set_expected(const char *path, const char *case_id, const char *was,
				const char *value, struct llmops_err *err)
{
	struct llmops_dataset d = {0};
	struct llmops_buf out = LLMOPS_BUF_INIT, in = LLMOPS_BUF_INIT;
	const struct llmops_case *c = NULL;
	int rc;

	/* read once: the bytes parsed are the bytes edited */
	if (llmops_buf_read_file(&in, path)) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "cannot read dataset '%s'", path);
		llmops_buf_release(&in);
		return rc;
	}
	if ((rc = llmops_dataset_parse(&d, path, in.data ? in.data : "", in.len, err)))
		goto out;
	for (size_t i = 0; i < d.n && !c; i++)
		if (!strcmp(d.cases[i].id, case_id))
			c = &d.cases[i];
	if (!c) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s: no case '%s'", path, case_id);
		goto out;
	}
	if (!strcmp(d.format, "csv")) {
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "%s:%d: a CSV dataset is not rewritten (a cell may hold "
				    "anything): edit case '%s' by hand",
				    path, c->line, case_id);
		goto out;
	}
	const char *now = text_of(cJSON_GetObjectItemCaseSensitive(c->fields, "expected"));
	if (was && (!now || strcmp(now, was))) {
		rc = llmops_err_set(err, LLMOPS_E_CHECK,
				    "%s:%d: case '%s' no longer expects what the run scored "
				    "against; nothing written (review the case again)",
				    path, c->line, case_id);
		goto out;
	}
	if (!strcmp(d.format, "jsonl"))
		rc = edit_jsonl(&out, in.data ? in.data : "", in.len, c->line, value, err, path);
	else
		rc = edit_json(&out, in.data ? in.data : "", in.len, case_id, value, err, path);
	if (!rc)
		rc = llmops_write_atomic(path, out.data ? out.data : "", out.len, err);
out:
	llmops_buf_release(&in);
	llmops_buf_release(&out);
	llmops_dataset_release(&d);
	return rc;
}
