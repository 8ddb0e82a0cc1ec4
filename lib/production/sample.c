/*
 * sample.c - a production sample written as a dataset (sample.h).
 */
#include "sample.h"

#include "atomicfile.h"
#include "buf.h"
#include "hash.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sample {
	struct llmops_buf out; /* the dataset, JSONL */
	const cJSON *asserts;  /* --assert's array, or NULL */
	size_t n, with_reference;
};

static int add_case(const struct llmops_prod_row *r, void *ud)
{
	struct sample *s = ud;
	cJSON *c = cJSON_CreateObject(), *msgs = r->input ? cJSON_Parse(r->input) : NULL;
	char *line;
	cJSON_AddStringToObject(c, "id", r->case_id);
	if (cJSON_IsArray(msgs))
		cJSON_AddItemToObject(c, "messages", msgs);
	else
		cJSON_Delete(msgs);
	cJSON_AddStringToObject(c, "output", r->output);
	/* what production's answer took, cost and held: what max_latency_ms, max_cost and
	   max_tokens assert on */
	cJSON *rec = cJSON_AddObjectToObject(c, "recorded");
	if (!isnan(r->latency_ms))
		cJSON_AddNumberToObject(rec, "latency_ms", r->latency_ms);
	if (!isnan(r->cost_usd))
		cJSON_AddNumberToObject(rec, "cost_usd", r->cost_usd);
	if (r->tokens_out >= 0)
		cJSON_AddNumberToObject(rec, "tokens_out", (double)r->tokens_out);
	if (r->expected) {
		cJSON_AddStringToObject(c, "expected", r->expected);
		s->with_reference++;
	}
	if (s->asserts)
		cJSON_AddItemToObject(c, "assert", cJSON_Duplicate(s->asserts, 1));
	if (!(line = cJSON_PrintUnformatted(c))) {
		cJSON_Delete(c);
		return LLMOPS_E_NOMEM;
	}
	llmops_buf_adds(&s->out, line);
	llmops_buf_addch(&s->out, '\n');
	free(line);
	cJSON_Delete(c);
	s->n++;
	return 0;
}

/* The file the sample goes to: ROOT/.llmops/production/PROMPT[@VERSION]-HASH.jsonl. */
static int sample_path(const struct llmops_prod_sample_opts *o, const struct llmops_buf *text,
		       struct llmops_buf *path, struct llmops_err *err)
{
	const struct llmops_prod_filter *f = &o->filter;
	char hex[LLMOPS_SHA256_HEX_LEN + 1];
	/* the same sample is the same file (and the same dataset in the ledger) */
	llmops_sha256_hex(hex, text->data, text->len);
	llmops_buf_addf(path, "%s/.llmops", o->root);
	mkdir(path->data, 0700);
	llmops_buf_adds(path, "/production");
	if (mkdir(path->data, 0700) && errno != EEXIST)
		return llmops_err_set(err, LLMOPS_E_IO, "eval --production: cannot make %s: %s",
				      path->data, strerror(errno));
	llmops_buf_adds(path, "/");
	/* a nested name's '/' (prompt names have no '.') kept out of the path */
	for (const char *c = f->prompt ? f->prompt : "all"; *c; c++)
		llmops_buf_addch(path, *c == '/' ? '.' : *c);
	llmops_buf_addf(path, "%s%s-%.12s.jsonl", f->version ? "@" : "",
			f->version ? f->version : "", hex);
	return 0;
}

int llmops_prod_sample_write(struct llmops_ledger *lg, const struct llmops_prod_sample_opts *o,
			     struct llmops_prod_sample *out, struct llmops_err *err)
{
	const struct llmops_prod_filter *f = &o->filter;
	struct sample s = {LLMOPS_BUF_INIT, o->asserts, 0, 0};
	struct llmops_buf path = LLMOPS_BUF_INIT;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = llmops_ledger_prod_sample(lg, f, o->n, o->seed, add_case, &s, &out->population,
					    err)))
		goto out;
	if (!s.n) {
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "eval --production: no answered production records%s%s%s%s%s%s "
				    "in the ledger; 'llmops ingest' adds them",
				    f->prompt ? " of " : "", f->prompt ? f->prompt : "",
				    f->version ? "@" : "", f->version ? f->version : "",
				    f->since ? " since " : "", f->since ? f->since : "");
		goto out;
	}
	if (!o->asserts && !o->have_metrics && s.with_reference < s.n) {
		rc = llmops_err_set(
			err, LLMOPS_E_USAGE,
			"eval --production: nothing to score %zu of the %zu answers by: "
			"give --assert FILE (assertions for every record) or --metric "
			"judge:RUBRIC; records with a \"reference\" are scored against it",
			s.n - s.with_reference, s.n);
		goto out;
	}
	if ((rc = sample_path(o, &s.out, &path, err)) ||
	    (rc = llmops_write_atomic(path.data, s.out.data, s.out.len, err)))
		goto out;
	out->n = s.n;
	out->path = llmops_buf_detach(&path, NULL);
out:
	llmops_buf_release(&s.out);
	llmops_buf_release(&path);
	return rc;
}

void llmops_prod_sample_release(struct llmops_prod_sample *s)
{
	free(s->path);
	memset(s, 0, sizeof(*s));
}
