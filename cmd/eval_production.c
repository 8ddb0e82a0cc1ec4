/*
 * eval_production.c - `llmops eval --production`: a reproducible sample of
 * the ledger's production records written as a dataset, scored like any
 * other (the answers replayed as production gave them).
 */
#include "eval_opts.h"

#include "atomicfile.h"
#include "hash.h"
#include "json.h"
#include "ledger.h"
#include "promptref.h"
#include "since.h"
#include "workspace.h"

#include <errno.h>
#include <math.h>
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

/* --assert FILE: a JSON array of assertions, read with its errors' positions. */
static int read_asserts(const char *path, cJSON **out)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	*out = NULL;
	if (llmops_buf_read_file(&text, path)) {
		llmops_error("eval: --assert: cannot read '%s': %s", path, strerror(errno));
		return LLMOPS_EXIT_USAGE;
	}
	int rc = llmops_json_parse(out, text.data, text.len, path, &err);
	llmops_buf_release(&text);
	if (rc)
		return llmops_report(&err);
	if (!cJSON_IsArray(*out)) {
		llmops_error("eval: --assert: %s:1:1: assertions are a JSON array ([{\"type\": "
			     "\"contains\", \"value\": ...}, ...]), not %s",
			     path, llmops_json_type_name(*out));
		cJSON_Delete(*out);
		*out = NULL;
		return LLMOPS_EXIT_USAGE;
	}
	return 0;
}

static int check_options(const struct eval_opts *o)
{
	if (o->dataset) {
		llmops_error(
			"eval: --production samples its cases from the ledger; drop --dataset");
		return LLMOPS_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->providers.nr; i++)
		if (strcmp(o->providers.items[i], "replay")) {
			llmops_error(
				"eval: --production scores what production answered, replayed; "
				"--provider does not apply (a judge is --judge SPEC)");
			return LLMOPS_EXIT_USAGE;
		}
	if (o->prompts.nr > 1) {
		llmops_error("eval: --production scores one prompt (or version) at a time; run it "
			     "once for each, e.g. the stable version and the canary");
		return LLMOPS_EXIT_USAGE;
	}
	return 0;
}

int eval_production(struct eval_host *h, struct eval_opts *o)
{
	struct llmops_err err = {0};
	struct llmops_workspace *ws;
	struct sample s = {LLMOPS_BUF_INIT, NULL, 0, 0};
	struct llmops_prod_filter f = {0};
	struct llmops_buf path = LLMOPS_BUF_INIT;
	char since[32], hex[LLMOPS_SHA256_HEX_LEN + 1];
	cJSON *asserts = NULL;
	size_t population = 0, n = o->sample > 0 ? (size_t)o->sample : 100;
	uint64_t seed = o->seed >= 0 ? (uint64_t)o->seed : 0;
	int rc;

	if ((rc = check_options(o)) || (rc = llmops_ctx_workspace(h->ctx, &ws)))
		return rc;
	if (o->prompts.nr) {
		char *at;
		if (!(o->production_prompt = strdup(o->prompts.items[0])))
			return LLMOPS_EXIT_RUNTIME;
		if ((at = strchr(o->production_prompt, '@')))
			*at++ = 0;
		/* a name and a version, never a path: they name the sample's file under
		   .llmops/production/ */
		if (llmops_prompt_name_check(o->production_prompt, "--prompt", &err) ||
		    (at && *at && llmops_version_tag_check(at) &&
		     llmops_err_set(
			     &err, LLMOPS_E_USAGE,
			     "--prompt: '%s' is not a version (vMAJOR.MINOR.PATCH, or letters, "
			     "digits and ._+-)",
			     at))) {
			llmops_error("eval --production: %s", err.msg);
			return LLMOPS_EXIT_USAGE;
		}
		f.prompt = o->production_prompt;
		f.version = at && *at ? at : NULL;
	}
	if (o->since && llmops_since_parse(o->since, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	f.since = o->since ? since : NULL;
	if (o->assert_file && (rc = read_asserts(o->assert_file, &asserts)))
		return rc;
	s.asserts = asserts;
	if (llmops_ledger_prod_sample(h->ledger, &f, n, seed, add_case, &s, &population, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!s.n) {
		llmops_error("eval --production: no answered production records%s%s%s%s%s%s in the "
			     "ledger; 'llmops ingest' adds them",
			     f.prompt ? " of " : "", f.prompt ? f.prompt : "", f.version ? "@" : "",
			     f.version ? f.version : "", f.since ? " since " : "",
			     f.since ? f.since : "");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (!asserts && !o->metrics.nr && s.with_reference < s.n) {
		llmops_error(
			"eval --production: nothing to score %zu of the %zu answers by: give "
			"--assert FILE (assertions for every record) or --metric judge:RUBRIC; "
			"records with a \"reference\" are scored against it",
			s.n - s.with_reference, s.n);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	/* the same sample is the same file (and the same dataset in the ledger) */
	llmops_sha256_hex(hex, s.out.data, s.out.len);
	llmops_buf_addf(&path, "%s/.llmops", ws->root);
	mkdir(path.data, 0700);
	llmops_buf_adds(&path, "/production");
	if (mkdir(path.data, 0700) && errno != EEXIST) {
		llmops_error("eval --production: cannot make %s: %s", path.data, strerror(errno));
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	llmops_buf_adds(&path, "/");
	/* a nested name's '/' (prompt names have no '.') kept out of the path */
	for (const char *c = f.prompt ? f.prompt : "all"; *c; c++)
		llmops_buf_addch(&path, *c == '/' ? '.' : *c);
	llmops_buf_addf(&path, "%s%s-%.12s.jsonl", f.version ? "@" : "", f.version ? f.version : "",
			hex);
	if (llmops_write_atomic(path.data, s.out.data, s.out.len, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	fprintf(stderr,
		"llmops: eval --production: %zu of %zu answered records%s%s%s%s%s%s (seed "
		"%llu) in %s\n",
		s.n, population, f.prompt ? " of " : "", f.prompt ? f.prompt : "",
		f.version ? "@" : "", f.version ? f.version : "", f.since ? " since " : "",
		f.since ? f.since : "", (unsigned long long)seed, path.data);
	o->production_dataset = llmops_buf_detach(&path, NULL);
	o->dataset = o->production_dataset;
	llmops_strlist_release(&o->providers);
	llmops_strlist_append(&o->providers, "replay");
	llmops_strlist_release(&o->prompts);
	if ((f.prompt && !(h->label_prompt = strdup(f.prompt))) ||
	    (f.version && !(h->label_version = strdup(f.version)))) {
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
	}
out:
	cJSON_Delete(asserts);
	llmops_buf_release(&s.out);
	llmops_buf_release(&path);
	return rc;
}
