/*
 * eval_new.c - a run from its options (eval.h): the figures (the options,
 * else llmops.json's "eval", else the defaults), the dataset and its cases,
 * the metrics, the prompts and providers as variants, every job rendered
 * (so that a missing variable is reported before anything is sent), the
 * judges (eval_new_judge.c) and the baseline (eval_base.c).
 */
#include "eval.h"

#include "mem.h"

#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int oom(struct eval_setup *h)
{
	return llmops_err_set(h->err, LLMOPS_E_NOMEM, "out of memory");
}

/* ---------------------------------------------------------------- figures */

/* The options' numbers, else llmops.json's "eval" (its types and ranges are checked), else
   the defaults. */
static int settle_numbers(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_eval_options *o = h->o;
	const struct llmops_config_eval *c = &h->cfg->eval;
	struct {
		double flag, conf, dflt, *dst;
	} nums[] = {
		{o->threshold, c->threshold, LLMOPS_EVAL_DEFAULT_THRESHOLD, &ev->threshold},
		{o->min_pass_rate, c->min_pass_rate, LLMOPS_EVAL_DEFAULT_MIN_PASS_RATE,
		 &ev->min_pass_rate},
		{o->max_cost, c->max_cost, -1, &ev->max_cost},
		{o->review_below, c->review_below, -1, &ev->review_below},
		{o->rpm, c->rpm, 0, &ev->ropts.rpm},
		{o->tpm, c->tpm, 0, &ev->ropts.tpm},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		*nums[i].dst = !isnan(nums[i].flag)   ? nums[i].flag
			       : !isnan(nums[i].conf) ? nums[i].conf
						      : nums[i].dflt;
	double timeout = !isnan(o->timeout_s)	 ? o->timeout_s
			 : !isnan(c->timeout_ms) ? c->timeout_ms / 1000.0
						 : LLMOPS_EVAL_DEFAULT_TIMEOUT_S;
	ev->ropts.timeout_ms = (long)(timeout * 1000.0);
	ev->ropts.concurrency = o->concurrency > 0   ? (unsigned)o->concurrency
				: c->concurrency > 0 ? (unsigned)c->concurrency
						     : LLMOPS_EVAL_DEFAULT_CONCURRENCY;
	ev->ropts.retries = o->retries >= 0   ? (int)o->retries
			    : c->retries >= 0 ? (int)c->retries
					      : LLMOPS_EVAL_DEFAULT_RETRIES;
	/* errors: the option, else "max_errors" (3 or "5%"), else none allowed */
	const char *me = o->max_errors ? o->max_errors : c->max_errors;
	struct llmops_err e = {0};
	ev->max_errors = 0;
	ev->max_errors_frac = 0;
	if (me && llmops_eval_max_errors(ev, me, &e))
		return llmops_err_set(h->err, LLMOPS_E_USAGE, "eval: %s%s",
				      o->max_errors ? "" : "llmops.json: eval.", e.msg);
	ev->repeats = o->repeat > 0 ? (int)o->repeat : 1;
	ev->limit = o->limit;
	ev->pair_alpha = isnan(o->significance) ? 0.05 : o->significance;
	ev->significance = isnan(o->significance) ? -1 : o->significance;
	return 0;
}

/* --shard I/N: the I-th of N slices. */
static int settle_shard(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	char *end;
	if (!h->o->shard)
		return 0;
	ev->shard_index = strtol(h->o->shard, &end, 10);
	ev->shard_count = *end == '/' ? strtol(end + 1, &end, 10) : 0;
	if (*end || ev->shard_index < 1 || ev->shard_count < 1 ||
	    ev->shard_index > ev->shard_count || ev->shard_count > 100000)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --shard: '%s' is not I/N with 1 <= I <= N (e.g. 2/4)",
				      h->o->shard);
	return 0;
}

/* ---------------------------------------------------------------- metrics */

/* The rubric of the judge metric the run asks for ("judge:RUBRIC"), or NULL (0); more than
   one is an error. */
static int metric_rubric(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const char *rubric = NULL;
	for (size_t i = 0; i < ev->metrics.nr; i++) {
		const char *m = ev->metrics.items[i], *r = llmops_metric_rubric(m);
		if (llmops_metric_parse(m) != LLMOPS_METRIC_JUDGE)
			continue;
		if (!r)
			return llmops_err_set(
				h->err, LLMOPS_E_USAGE,
				"eval: --metric judge needs a rubric: judge:RUBRIC, one of "
				"prompts/_judges/ (llmops init writes relevance, coherence, "
				"correctness, faithfulness and pairwise)");
		if (rubric && strcmp(rubric, r))
			return llmops_err_set(
				h->err, LLMOPS_E_USAGE,
				"eval: judge:%s and judge:%s: a run has one judge metric; a case "
				"may name another rubric for itself (\"metric\": \"judge:NAME\")",
				rubric, r);
		rubric = r;
	}
	ev->judge_rubric = rubric;
	return 0;
}

static int setup_metrics(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_eval_options *o = h->o;
	if (!o->metrics.nr &&
	    llmops_strlist_append(&ev->metrics,
				  h->cfg->eval.metric ? h->cfg->eval.metric : "rouge_l"))
		return oom(h);
	for (size_t i = 0; i < o->metrics.nr; i++)
		if (llmops_strlist_append(&ev->metrics, o->metrics.items[i]))
			return oom(h);
	for (size_t i = 0; i < ev->metrics.nr; i++) {
		int m = llmops_metric_check(ev->metrics.items[i],
					    o->metrics.nr ? "--metric" : "llmops.json: eval.metric",
					    h->err);
		if (m < 0)
			return h->err->code ? h->err->code : LLMOPS_E_USAGE;
		int dup = 0;
		for (size_t k = 0; k < ev->nmetric_ids; k++)
			dup |= ev->metric_ids[k] == m;
		if (!dup)
			ev->metric_ids[ev->nmetric_ids++] = m;
	}
	return metric_rubric(h);
}

/* ---------------------------------------------------------------- prompts */

/* The family the dataset belongs to by the one pairing rule (llmops_dataset_pairs), with the
   dataset's path made relative to the project root. */
static int prompt_named_like_dataset(struct eval_setup *h, const struct llmops_catalog *cat,
				     struct llmops_strlist *out)
{
	char rel[4096];
	llmops_prompt_root_relative(&h->ev->penv, h->ev->dataset_path, rel, sizeof(rel));
	for (size_t i = 0; i < cat->n; i++)
		if (llmops_dataset_pairs(rel, cat->fam[i].name))
			return llmops_strlist_append(out, cat->fam[i].name) ? oom(h) : 0;
	return 0;
}

/* No prompt: each case's "input" is the user message (eval --production: the requests as
   production sent them). */
static int no_prompt(struct eval_setup *h, struct llmops_eval_variant *proto)
{
	struct llmops_eval *ev = h->ev;
	struct llmops_case dc = {0};
	int rc = 0;
	if (ev->no_input_pos >= 0 &&
	    !(rc = llmops_eval_case_at(ev, (size_t)ev->no_input_pos, &dc, h->err)))
		rc = llmops_err_set(
			h->err, LLMOPS_E_USAGE,
			"eval: %s: case '%s' has no \"input\", and no prompt was given: "
			"use --prompt NAME, or name the dataset after its prompt "
			"(evals/NAME.json)",
			ev->ds.label, dc.id);
	llmops_case_release(&dc);
	if (ev->label_prompt)
		snprintf(proto->prompt, sizeof(proto->prompt), "%s%s%s (production)",
			 ev->label_prompt, ev->label_version ? "@" : "",
			 ev->label_version ? ev->label_version : "");
	else
		snprintf(proto->prompt, sizeof(proto->prompt), "(input)");
	return rc;
}

/* The prompts, as variants with no provider yet. */
static int setup_prompts(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_eval_options *o = h->o;
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT;
	struct llmops_catalog cat = {0};
	/* eval --production sends the requests as production did: no template */
	const struct llmops_strlist *conf = ev->label_prompt ? NULL : &h->cfg->eval.prompts;
	int rc = 0;

	if (o->in_repo) {
		if ((rc = llmops_prompt_env_open(&ev->penv, o->root, o->cwd, h->err)))
			return rc;
		ev->have_penv = 1;
		if ((rc = llmops_store_catalog(ev->penv.store, NULL, 1, &cat, h->err)))
			goto out;
	} else if (o->prompts.nr || (conf && conf->nr)) {
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: %s needs a git work tree (prompts are read through "
				      "git); without one, each case's \"input\" is sent as is",
				      o->prompts.nr ? "--prompt" : "llmops.json's eval.prompt");
	}
	const struct llmops_strlist *from = o->prompts.nr ? &o->prompts : conf;
	for (size_t i = 0; from && i < from->nr && !rc; i++)
		rc = llmops_strlist_append(&refs, from->items[i]) ? oom(h) : 0;
	if (!rc && !refs.nr && ev->have_penv && !ev->label_prompt)
		rc = prompt_named_like_dataset(h, &cat, &refs);
	if (!rc && !(ev->protos = calloc(refs.nr ? refs.nr : 1, sizeof(*ev->protos))))
		rc = oom(h);
	for (size_t i = 0; !rc && i < refs.nr; i++)
		rc = llmops_eval_add_prompt(h, refs.items[i], &cat, ev->protos, &ev->nprotos);
	if (!rc && !refs.nr) {
		ev->nprotos = 1;
		rc = no_prompt(h, &ev->protos[0]);
	}
out:
	llmops_catalog_release(&cat);
	llmops_strlist_release(&refs);
	return rc;
}

/* -------------------------------------------------------------- providers */

int llmops_eval_add_provider(struct eval_setup *h, const char *spec, struct llmops_provider **out)
{
	struct llmops_eval *ev = h->ev;
	for (size_t i = 0; i < ev->nprovs; i++)
		if (!strcmp(ev->provs[i]->label, spec)) {
			*out = ev->provs[i];
			return 0;
		}
	struct llmops_provider **ps = realloc(ev->provs, (ev->nprovs + 1) * sizeof(*ps));
	if (!ps)
		return oom(h);
	ev->provs = ps;
	if (llmops_provider_resolve(&ps[ev->nprovs], spec, h->cfg->providers, &h->ov, h->err))
		return h->err->code;
	*out = ps[ev->nprovs++];
	return 0;
}

/* The provider specs: the options', else "default", else replay when every case is
   recorded; and what every provider is asked with. */
static int setup_providers(struct eval_setup *h, struct llmops_strlist *specs)
{
	const struct llmops_eval_options *o = h->o;
	const struct llmops_eval *ev = h->ev;
	int all_recorded = ev->nrecorded == ev->ncases;
	for (size_t i = 0; i < o->providers.nr; i++)
		if (llmops_strlist_append(specs, o->providers.items[i]))
			return oom(h);
	if (!specs->nr && cJSON_GetObjectItemCaseSensitive(h->cfg->providers, "default") &&
	    llmops_strlist_append(specs, "default"))
		return oom(h);
	if (!specs->nr && all_recorded && llmops_strlist_append(specs, "replay"))
		return oom(h);
	if (!specs->nr)
		return llmops_err_set(
			h->err, LLMOPS_E_USAGE,
			"eval: no provider: give --provider openai:MODEL (OPENAI_API_KEY, or "
			"--base-url for a local server), anthropic:MODEL, ollama:MODEL or "
			"exec:COMMAND, or define \"default\" under \"providers\" in "
			"llmops.json; --provider replay scores recorded outputs offline");
	h->ov.temperature = o->temperature; /* NAN: not given */
	h->ov.base_url = o->base_url;
	h->ov.max_tokens = o->max_tokens;
	h->ov.seed = o->seed;
	h->ov.stop = &o->stop;
	h->ov.stream = o->stream;
	return 0;
}

/* One variant: prompt pi on specs[si], with its fallback and prices. */
static int make_variant(struct eval_setup *h, struct llmops_eval_variant *v,
			const struct llmops_eval_variant *proto, const char *spec)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_price *price = NULL;
	struct llmops_err e = {0};
	int rc;
	*v = *proto; /* borrows the prompt: ev->protos owns it */
	if ((rc = llmops_eval_add_provider(h, spec, &v->prov)))
		return rc;
	if (v->prov->type == LLMOPS_PROVIDER_CASCADE) {
		snprintf(v->label, sizeof(v->label), "%s x %s", v->prompt, v->prov->label);
		return llmops_eval_cascade_setup(h, v);
	}
	const char *fb = h->o->fallback	     ? h->o->fallback
			 : v->prov->fallback ? v->prov->fallback
					     : h->cfg->eval.fallback;
	if (fb && strcmp(fb, spec) && (rc = llmops_eval_add_provider(h, fb, &v->fallback)))
		return rc;
	if (v->prov->model && !llmops_pricing_find(ev->prices, v->prov->model, &price, &e))
		v->price = price;
	if (v->fallback && v->fallback->model &&
	    !llmops_pricing_find(ev->prices, v->fallback->model, &price, &e))
		v->fallback_price = price;
	snprintf(v->label, sizeof(v->label), "%s x %s", v->prompt, v->prov->label);
	return 0;
}

/* Variants: prompts x providers. */
static int setup_variants(struct eval_setup *h, const struct llmops_strlist *specs)
{
	struct llmops_eval *ev = h->ev;
	int rc = 0, cmp = h->o->compare != NULL;
	if (cmp && (ev->nprotos != 1 || specs->nr != 1))
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --compare sets one cascade beside one provider: give "
				      "one prompt and one --provider (the cascade)");
	if (cmp && ev->repeats > 1)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --compare pairs each case once: without --repeat");
	ev->nvars = ev->nprotos * specs->nr + (size_t)cmp;
	if (!(ev->vars = calloc(ev->nvars, sizeof(*ev->vars))))
		return oom(h);
	for (size_t pi = 0; pi < ev->nprotos && !rc; pi++)
		for (size_t si = 0; si < specs->nr && !rc; si++)
			rc = make_variant(h, &ev->vars[pi * specs->nr + si], &ev->protos[pi],
					  specs->items[si]);
	if (!rc && cmp && !ev->vars[0].cascade)
		rc = llmops_err_set(h->err, LLMOPS_E_USAGE,
				    "eval: --compare %s: the provider '%s' is no cascade "
				    "(cascade:SMALL,LARGE, or one named in llmops.json)",
				    h->o->compare, ev->vars[0].prov->label);
	if (!rc && cmp && !(rc = make_variant(h, &ev->vars[1], &ev->protos[0], h->o->compare)) &&
	    ev->vars[1].cascade)
		rc = llmops_err_set(h->err, LLMOPS_E_USAGE,
				    "eval: --compare %s: compare with one provider, not a cascade",
				    h->o->compare);
	if (ev->have_penv) {
		ev->src = (struct llmops_prompt_source){&ev->penv, NULL, NULL};
		ev->store = ev->penv.store;
		ev->partial = llmops_prompt_partial;
		ev->partial_ud = &ev->src;
	}
	return rc;
}

/* ------------------------------------------------------------------- jobs */

/* The dataset in the ledger (by its hash: once however often it runs). */
static int record_dataset(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	if (!ev->ds.n)
		return llmops_err_set(h->err, LLMOPS_E_INPUT, "%s: the dataset has no cases",
				      ev->ds.label);
	return llmops_ledger_dataset_put_hashed(ev->ledger, ev->ds.label, ev->ds.format,
						ev->ds.sha256, ev->ds.bytes, (int64_t)ev->ds.n,
						&ev->dataset_id, h->err);
}

/* The dataset opened and its cases validated (a problem reading it is the user's). */
static int setup_cases(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	int rc = llmops_dataset_file_open(&ev->file, h->o->dataset, h->err);
	if (rc == LLMOPS_E_NOTFOUND || rc == LLMOPS_E_IO)
		return llmops_err_set(h->err, LLMOPS_E_USAGE, "eval: cannot read dataset '%s'",
				      h->o->dataset);
	if (rc)
		return rc;
	rc = llmops_eval_cases(ev, h->err);
	if (rc && rc != LLMOPS_E_NOMEM)
		h->err->code = LLMOPS_E_INPUT;
	return rc ? h->err->code : record_dataset(h);
}

/* A provider whose answers the run needs from the network (not replay, cases unrecorded). */
static int need_requests(const struct llmops_eval *ev, const struct llmops_provider *p)
{
	return p->type != LLMOPS_PROVIDER_REPLAY && ev->nrecorded < ev->ncases;
}

/* What the guard found in the requests: secrets refused (unless allowed), personal data
   warned about. */
static int guard_report(struct eval_setup *h)
{
	const struct llmops_eval_guard *g = &h->ev->guard;
	static const char *const pii_names[][2] = {
		[LLMOPS_DETECT_EMAIL] = {"e-mail address", "e-mail addresses"},
		[LLMOPS_DETECT_PHONE] = {"telephone number", "telephone numbers"},
		[LLMOPS_DETECT_CARD] = {"card number", "card numbers"},
	};
	if (g->pii_cases) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		for (int k = LLMOPS_DETECT_EMAIL; k < LLMOPS_DETECT_COUNT; k++)
			if (g->pii[k])
				llmops_buf_addf(&b, "%s%ld %s", b.len ? ", " : "", g->pii[k],
						pii_names[k][g->pii[k] != 1]);
		llmops_strlist_appendf(
			h->notes,
			"warning: eval: %ld %s personal data (%s), the first of case "
			"'%s'; it is sent to the provider",
			g->pii_cases, g->pii_cases == 1 ? "request holds" : "requests hold",
			b.data ? b.data : "", g->pii_first);
		llmops_buf_release(&b);
	}
	if (!g->secrets || h->o->allow_secrets)
		return 0;
	for (size_t i = 0; i < g->secret_notes.nr; i++)
		llmops_strlist_append(h->notes, g->secret_notes.items[i]);
	if (g->secrets > (long)g->secret_notes.nr)
		llmops_strlist_appendf(h->notes, "... and %ld more",
				       g->secrets - (long)g->secret_notes.nr);
	return llmops_err_set(h->err, LLMOPS_E_USAGE,
			      "eval: nothing was sent: the requests above hold a key or token; "
			      "keep secrets in the environment, or --allow-secrets to send them "
			      "anyway");
}

/* Render every job: what cannot be rendered is named, and nothing is sent. */
static int render_jobs(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	size_t more = 0;
	/* what would be sent is checked for secrets first (nothing is sent offline) */
	for (size_t i = 0; i < ev->nvars && !h->o->offline; i++)
		ev->guard_inputs |= need_requests(ev, ev->vars[i].prov);
	int rc = llmops_eval_render(ev, &problems, &more, h->err);
	if (!rc && problems.nr) {
		for (size_t i = 0; i < problems.nr; i++)
			llmops_strlist_append(h->notes, problems.items[i]);
		if (more)
			llmops_strlist_appendf(h->notes, "... and %zu more", more);
		rc = llmops_err_set(h->err, LLMOPS_E_USAGE,
				    "eval: nothing was sent: fix the prompts or cases named above");
	}
	llmops_strlist_release(&problems);
	return rc ? rc : guard_report(h);
}

/* The providers that will be asked can be (keys, endpoints), and max_cost can be kept. */
static int check_senders(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	int asks = 0;
	for (size_t i = 0; i < ev->nprovs; i++)
		asks |= need_requests(ev, ev->provs[i]);
	if (ev->repeats > 1 && !asks)
		llmops_strlist_appendf(h->notes,
				       "warning: eval: --repeat %d: every case has a recorded "
				       "output, and the repeats score the same output again",
				       ev->repeats);
	for (size_t i = 0; i < ev->nprovs; i++)
		if (need_requests(ev, ev->provs[i]) && llmops_provider_usable(ev->provs[i], h->err))
			return h->err->code;
	return asks ? llmops_eval_budget_check(ev, h->err) : 0;
}

/* ------------------------------------------------------------------- the run */

/* What the engine keeps of the options: its own copies. */
static int keep_options(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_eval_options *o = h->o;
	const char *emb = o->embedding ? o->embedding : h->cfg->eval.embedding_provider;
	struct {
		const char *from;
		char **to;
	} strs[] = {{o->dataset, &ev->dataset_path_},
		    {o->root, &ev->root_},
		    {emb, &ev->embedding_spec_},
		    {o->label_prompt, &ev->label_prompt_},
		    {o->label_version, &ev->label_version_}};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].from && !(*strs[i].to = strdup(strs[i].from)))
			return oom(h);
	for (char *const *a = o->argv; a && *a; a++)
		if (llmops_strlist_append(&ev->argv, *a))
			return oom(h);
	ev->ledger = o->ledger;
	ev->stop = o->stop_flag;
	ev->env = o->env;
	ev->dataset_path = ev->dataset_path_;
	ev->root = ev->root_;
	ev->embedding_spec = ev->embedding_spec_;
	ev->label_prompt = ev->label_prompt_;
	ev->label_version = ev->label_version_;
	ev->no_cache = o->no_cache;
	ev->offline = o->offline;
	ev->allow_secrets = o->allow_secrets;
	ev->pinned_baseline = o->baseline && !strcmp(o->baseline, "pinned");
	for (size_t i = 0; i < o->bias.nr; i++)
		if (llmops_strlist_append(&ev->bias_attrs, o->bias.items[i]))
			return oom(h);
	ev->max_bias_gap = isnan(o->max_bias_gap) ? -1 : o->max_bias_gap;
	if (o->system_note && !(ev->system_note = strdup(o->system_note)))
		return oom(h);
	for (size_t i = 0; i < o->probe_ids.nr && i < o->probe_categories.nr; i++)
		if (llmops_strlist_append(&ev->probe_ids, o->probe_ids.items[i]) ||
		    llmops_strlist_append(&ev->probe_cats, o->probe_categories.items[i]))
			return oom(h);
	ev->max_attack_success = isnan(o->max_attack_success) ? -1 : o->max_attack_success;
	if (o->resume_id) {
		snprintf(ev->run_id, sizeof(ev->run_id), "%s", o->resume_id);
		snprintf(ev->resume_sha, sizeof(ev->resume_sha), "%s",
			 o->resume_sha256 ? o->resume_sha256 : "");
		ev->resumed = 1;
	}
	h->ov.temperature = NAN;
	h->ov.max_tokens = h->ov.seed = -1;
	h->ov.env = o->env;
	return 0;
}

static int set_up(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	struct llmops_strlist specs = LLMOPS_STRLIST_INIT;
	int rc;
	if (h->o->no_cache && h->o->offline)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --offline needs the cache: drop --no-cache");
	if ((rc = keep_options(h)) || (rc = llmops_pricing_builtin(&ev->prices, h->err)) ||
	    (rc = llmops_config_add_prices(h->cfg, ev->prices, h->err)) ||
	    (rc = settle_numbers(h)) || (rc = settle_shard(h)) || (rc = setup_metrics(h)) ||
	    (rc = llmops_eval_setup_moderator(h)) || (rc = setup_cases(h)) ||
	    (rc = setup_prompts(h)) || (rc = setup_providers(h, &specs)) ||
	    (rc = setup_variants(h, &specs)) || (rc = render_jobs(h)) || (rc = check_senders(h)) ||
	    (rc = llmops_eval_setup_judges(h)))
		goto out;
	if (ev->embedding_spec && (llmops_provider_resolve(&ev->embedder, ev->embedding_spec,
							   h->cfg->providers, &h->ov, h->err) ||
				   llmops_provider_usable(ev->embedder, h->err))) {
		rc = h->err->code;
		goto out;
	}
	if ((rc = llmops_eval_check_models(h)) || (rc = llmops_eval_scoring(ev, h->err)))
		goto out;
	if (!isnan(h->o->significance) && !h->o->baseline && !ev->judge.preference &&
	    !h->o->compare) {
		rc = llmops_err_set(
			h->err, LLMOPS_E_USAGE,
			"eval: --significance is the level of the baseline comparison "
			"(--baseline RUN|last|pinned), of judge:pairwise's sign test or of "
			"--compare's McNemar test");
		goto out;
	}
	if (h->o->compare && ev->judge.preference) {
		rc = llmops_err_set(h->err, LLMOPS_E_USAGE,
				    "eval: --compare with judge:pairwise: the pair is the cascade "
				    "and the provider already; use one of them");
		goto out;
	}
	if (h->o->baseline)
		rc = llmops_eval_settle_baseline(ev, h->o->baseline, h->o->baseline_missing_ok,
						 h->notes, h->err);
out:
	llmops_strlist_release(&specs);
	return rc;
}

int llmops_eval_new(struct llmops_eval **out, const struct llmops_eval_options *o,
		    const struct llmops_config *cfg, struct llmops_strlist *notes,
		    struct llmops_err *err)
{
	struct llmops_eval *ev = malloc(sizeof(*ev));
	*out = NULL;
	if (!ev)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_eval_init(ev);
	struct eval_setup h = {ev, o, cfg, notes, err, {0}};
	if (!o->dataset) {
		free(ev);
		return llmops_err_set(
			err, LLMOPS_E_USAGE,
			"eval: which cases? give --dataset FILE (JSON, JSONL or CSV)");
	}
	int rc = set_up(&h);
	if (rc) {
		llmops_eval_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

void llmops_eval_free(struct llmops_eval *ev)
{
	if (!ev)
		return;
	llmops_eval_release(ev);
	free(ev);
}

void llmops_eval_options_release(struct llmops_eval_options *o)
{
	llmops_strlist_release(&o->prompts);
	llmops_strlist_release(&o->providers);
	llmops_strlist_release(&o->metrics);
	llmops_strlist_release(&o->stop);
}

/* ------------------------------------------------------------- accessors */

int llmops_eval_start(struct llmops_eval *ev, struct llmops_err *err)
{
	if (ev->resumed)
		return llmops_eval_take_up(ev, err);
	const struct llmops_eval_record rec = {ev->argv.nr ? ev->argv.items : NULL};
	return llmops_eval_begin(ev, &rec, err);
}

const char *llmops_eval_run_id(const struct llmops_eval *ev)
{
	return ev->run_id;
}

void llmops_eval_progress(const struct llmops_eval *ev, struct llmops_eval_progress *p)
{
	p->done = ev->done;
	p->total = (long)ev->njobs;
	p->passed = ev->passed;
	p->errors = ev->errors;
	p->tokens = ev->tokens;
	p->cost = ev->cost;
	p->elapsed_s = (llmops_mono_ms() - ev->t0) / 1000.0;
	p->redactions = ev->redactions;
}

int llmops_eval_compare(struct llmops_eval *ev, struct llmops_err *err)
{
	return ev->baseline_id[0] ? llmops_eval_compare_at(ev, ev->significance, err) : 0;
}

int llmops_eval_baseline_view(const struct llmops_eval *ev, const struct llmops_run_data **a,
			      const struct llmops_run_data **b, const struct llmops_diff **d,
			      double *significance, const char **note)
{
	const struct llmops_eval_baseline *x = &ev->baseline;
	if (!x->done)
		return 0;
	*a = x->a;
	*b = x->b;
	*d = &x->diff;
	*significance = x->significance;
	*note = ev->baseline_note;
	return 1;
}

void llmops_eval_release(struct llmops_eval *ev)
{
	struct llmops_eval_baseline *b = &ev->baseline;
	if (b->done)
		llmops_diff_release(&b->diff);
	llmops_run_data_free(b->a);
	llmops_run_data_free(b->b);
	llmops_eval_repeats_free(ev);
	llmops_eval_pool_stop(ev);
	llmops_eval_feed_release(ev);
	llmops_eval_jobs_release(ev);
	free(ev->done_keys);
	free(ev->flags_);
	llmops_dataset_file_close(&ev->file);
	for (size_t i = 0; i < ev->nprotos; i++)
		llmops_prompt_free(ev->protos[i].p);
	free(ev->protos);
	for (size_t i = 0; i < ev->nvars; i++) {
		free(ev->vars[i].lat);
		cJSON_Delete(ev->vars[i].check_schema);
	}
	llmops_strlist_release(&ev->bias_attrs);
	free(ev->bias.a);
	free(ev->system_note);
	llmops_strlist_release(&ev->probe_ids);
	llmops_strlist_release(&ev->probe_cats);
	free(ev->probes.c);
	llmops_strlist_release(&ev->probes.worked);
	llmops_strlist_release(&ev->probes.worked_cat);
	free(ev->vars);
	for (size_t i = 0; i < ev->nprovs; i++)
		llmops_provider_free(ev->provs[i]);
	free(ev->provs);
	llmops_provider_free(ev->embedder);
	llmops_prompt_free(ev->judge.rubric);
	llmops_provider_free(ev->judge.prov);
	for (size_t i = 0; i < ev->njudges; i++) {
		llmops_prompt_free(ev->judges[i].rubric);
		llmops_provider_free(ev->judges[i].prov);
		cJSON_Delete(ev->judges[i].extra);
	}
	free(ev->judges);
	llmops_strlist_release(&ev->case_rubrics);
	llmops_strlist_release(&ev->case_rubrics_at);
	llmops_prompt_free(ev->refusal.rubric);
	llmops_provider_free(ev->refusal.prov);
	cJSON_Delete(ev->refusal.extra);
	llmops_provider_free(ev->moderator);
	cJSON_Delete(ev->judge.extra);
	llmops_idf_free(ev->idf);
	llmops_tokenizer_close(ev->tok);
	llmops_pricing_free(ev->prices);
	free(ev->ds.label); /* ds holds no cases */
	free(ev->ds.format);
	llmops_strlist_release(&ev->metrics);
	llmops_eval_guard_release(&ev->guard);
	if (ev->have_penv)
		llmops_prompt_env_close(&ev->penv);
	LLMOPS_FREE_ALL(ev->dataset_path_, ev->root_, ev->embedding_spec_, ev->label_prompt_,
			ev->label_version_);
	llmops_strlist_release(&ev->argv);
	memset(ev, 0, sizeof(*ev));
}
