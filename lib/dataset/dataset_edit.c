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

/*
 * In the JSON object at text[o_start, o_end) (steps from the text's root
 * lead to it), make "expected" value: its value's bytes replaced when it
 * has one, else the member added after the last one; every other byte of
 * the file stays as it was (its layout, key order, number spellings).
 */
static int set_member(struct llmops_buf *out, const char *text, size_t len, const char **steps,
		      size_t nsteps, const char *value, struct llmops_err *err, const char *where)
{
	size_t vs, ve, os, oe;
	struct llmops_buf v = LLMOPS_BUF_INIT;
	llmops_json_add_string(&v, value);
	steps[nsteps] = "expected";
	if (!llmops_json_span(text, len, steps, nsteps + 1, &vs, &ve)) {
		llmops_buf_add(out, text, vs);
		llmops_buf_add(out, v.data, v.len);
		llmops_buf_add(out, text + ve, len - ve);
	} else if (!llmops_json_span(text, len, steps, nsteps, &os, &oe) && oe > os &&
		   text[os] == '{' && text[oe - 1] == '}') {
		size_t last =
			oe - 1; /* the '}': back over white space to what ends the last member */
		while (last > os + 1 && strchr(" \t\r\n", text[last - 1]))
			last--;
		llmops_buf_add(out, text, last);
		llmops_buf_adds(out, text[last - 1] == '{' ? "\"expected\": " : ", \"expected\": ");
		llmops_buf_add(out, v.data, v.len);
		llmops_buf_add(out, text + last, len - last);
	} else {
		llmops_buf_release(&v);
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: not a JSON object", where);
	}
	llmops_buf_release(&v);
	return out->oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

/* JSONL: line `line` (1-based) with its expected changed, and nothing else. */
static int edit_jsonl(struct llmops_buf *out, const char *text, size_t len, int line,
		      const char *value, struct llmops_err *err, const char *path)
{
	const char *p = text, *end = text + len, *steps[2];
	char where[600];
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t n = (size_t)((eol ? eol : end) - p);
	snprintf(where, sizeof(where), "%s:%d", path, line);
	llmops_buf_add(out, text, (size_t)(p - text));
	int rc = set_member(out, p, n, steps, 0, value, err, where);
	llmops_buf_add(out, p + n, (size_t)(end - (p + n)));
	return rc ? rc : out->oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : 0;
}

/* JSON: the file with the case's expected changed, and nothing else. */
static int edit_json(struct llmops_buf *out, const char *text, size_t len, const char *id,
		     const char *value, struct llmops_err *err, const char *path)
{
	cJSON *a = cJSON_ParseWithLength(text, len), *c;
	char idx[32];
	const char *steps[2] = {idx, NULL};
	int k = 0, hit = -1;
	cJSON_ArrayForEach (c, a) {
		const char *cid = text_of(cJSON_GetObjectItemCaseSensitive(c, "id"));
		char dflt[32];
		snprintf(dflt, sizeof(dflt), "case-%d", ++k); /* the id of a case without one */
		if (!strcmp(cid ? cid : dflt, id)) {
			hit = k - 1;
			break;
		}
	}
	cJSON_Delete(a);
	if (hit < 0)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s: no case '%s'", path, id);
	snprintf(idx, sizeof(idx), "%d", hit);
	return set_member(out, text, len, steps, 1, value, err, path);
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
