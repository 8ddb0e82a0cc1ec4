/*
 * eval_production.c - `llmops eval --production`: a reproducible sample of
 * the ledger's production records written as a dataset, scored like any
 * other (the answers replayed as production gave them).
 */
#include "eval_opts.h"

#include "json.h"
#include "sample.h"
#include "promptref.h"
#include "since.h"
#include "workspace.h"

#include <errno.h>
#include <string.h>

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

/* --prompt NAME[@VERSION]: a name and a version, never a path (they name the sample's file
   under .llmops/production/). */
static int prompt_filter(struct eval_opts *o, struct llmops_prod_filter *f)
{
	struct llmops_err err = {0};
	char *at;
	if (!(o->production_prompt = strdup(o->prompts.items[0])))
		return LLMOPS_EXIT_RUNTIME;
	if ((at = strchr(o->production_prompt, '@')))
		*at++ = 0;
	if (llmops_prompt_name_check(o->production_prompt, "--prompt", &err) ||
	    (at && *at && llmops_version_tag_check(at) &&
	     llmops_err_set(&err, LLMOPS_E_USAGE,
			    "--prompt: '%s' is not a version (vMAJOR.MINOR.PATCH, or letters, "
			    "digits and ._+-)",
			    at))) {
		llmops_error("eval --production: %s", err.msg);
		return LLMOPS_EXIT_USAGE;
	}
	f->prompt = o->production_prompt;
	f->version = at && *at ? at : NULL;
	return 0;
}

int eval_production(struct eval_host *h, struct eval_opts *o)
{
	struct llmops_err err = {0};
	struct llmops_workspace *ws;
	struct llmops_prod_sample_opts so = {{0}, 0, 0, NULL, o->metrics.nr > 0, NULL};
	struct llmops_prod_sample sample = {0};
	struct llmops_prod_filter *f = &so.filter;
	char since[32];
	cJSON *asserts = NULL;
	int rc;

	if ((rc = check_options(o)) || (rc = llmops_ctx_workspace(h->ctx, &ws)))
		return rc;
	if (o->prompts.nr && (rc = prompt_filter(o, f)))
		return rc;
	if (o->since && llmops_since_parse(o->since, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	f->since = o->since ? since : NULL;
	if (o->assert_file && (rc = read_asserts(o->assert_file, &asserts)))
		return rc;
	so.n = o->sample > 0 ? (size_t)o->sample : 100;
	so.seed = o->seed >= 0 ? (uint64_t)o->seed : 0;
	so.asserts = asserts;
	so.root = ws->root;
	if (llmops_prod_sample_write(h->ledger, &so, &sample, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	fprintf(stderr,
		"llmops: eval --production: %zu of %zu answered records%s%s%s%s%s%s (seed "
		"%llu) in %s\n",
		sample.n, sample.population, f->prompt ? " of " : "", f->prompt ? f->prompt : "",
		f->version ? "@" : "", f->version ? f->version : "", f->since ? " since " : "",
		f->since ? f->since : "", (unsigned long long)so.seed, sample.path);
	o->production_dataset = sample.path;
	sample.path = NULL;
	o->dataset = o->production_dataset;
	llmops_strlist_release(&o->providers);
	llmops_strlist_append(&o->providers, "replay");
	llmops_strlist_release(&o->prompts);
	if ((f->prompt && !(h->label_prompt = strdup(f->prompt))) ||
	    (f->version && !(h->label_version = strdup(f->version)))) {
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
	}
out:
	llmops_prod_sample_release(&sample);
	cJSON_Delete(asserts);
	return rc;
}
