/*
 * eval_setup.c - everything `llmops eval` checks before it sends a single
 * request: the dataset and its cases, the metrics and assertions, the
 * prompts and providers, and every job rendered (so that a missing
 * variable is reported up front); then the run in the ledger, and resume.
 */
#include "llmops.h"

#include "agreement.h"
#include "config.h"
#include "eval_cmd.h"
#include "eval_opts.h"
#include "json.h"
#include "models.h"
#include "pincheck.h"
#include "suggest.h"
#include "workspace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The rubric of the judge metric the run asks for ("judge:RUBRIC"), or NULL; more than one
   is an error (exit status in *rc). */
static const char *judge_rubric(const struct llmops_eval *ev, int *rc)
{
	const char *rubric = NULL;
	*rc = 0;
	for (size_t i = 0; i < ev->metrics.nr; i++) {
		const char *m = ev->metrics.items[i], *r = llmops_metric_rubric(m);
		if (llmops_metric_parse(m) != LLMOPS_METRIC_JUDGE)
			continue;
		if (!r) {
			llmops_error("eval: --metric judge needs a rubric: judge:RUBRIC, one of "
				     "prompts/_judges/ (llmops init writes relevance, coherence, "
				     "correctness, faithfulness and pairwise)");
			*rc = LLMOPS_EXIT_USAGE;
			return NULL;
		}
		if (rubric && strcmp(rubric, r)) {
			llmops_error(
				"eval: judge:%s and judge:%s: a run has one judge metric; a case "
				"may name another rubric for itself (\"metric\": \"judge:NAME\")",
				rubric, r);
			*rc = LLMOPS_EXIT_USAGE;
			return NULL;
		}
		rubric = r;
	}
	return rubric;
}

static int setup_metrics(struct eval_host *h, const struct eval_opts *o)
{
	struct llmops_eval *ev = &h->ev;
	const cJSON *cm = config_get(h->cfg, "eval", "metric");
	if (!o->metrics.nr) {
		const char *dflt = cJSON_IsString(cm) ? cm->valuestring : "rouge_l";
		llmops_strlist_append(&ev->metrics, dflt);
	}
	for (size_t i = 0; i < o->metrics.nr; i++)
		llmops_strlist_append(&ev->metrics, o->metrics.items[i]);
	for (size_t i = 0; i < ev->metrics.nr; i++) {
		struct llmops_err err = {0};
		int m = llmops_metric_check(ev->metrics.items[i],
					    o->metrics.nr ? "--metric" : "llmops.json: eval.metric",
					    &err);
		if (m < 0) {
			llmops_report(&err);
			return LLMOPS_EXIT_USAGE;
		}
		int dup = 0;
		for (size_t k = 0; k < ev->nmetric_ids; k++)
			dup |= ev->metric_ids[k] == m;
		if (!dup)
			ev->metric_ids[ev->nmetric_ids++] = m;
	}
	int rc;
	ev->judge_rubric = judge_rubric(ev, &rc);
	return rc;
}

/* The moderation assertion's endpoint: --moderation-provider, else eval.moderation_provider
   (resolved before the cases, which it is checked against). */
static int setup_moderator(struct eval_host *h, const struct eval_opts *o)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_provider_overrides ov = {0};
	struct llmops_err err = {0};
	const cJSON *cm = config_get(h->cfg, "eval", "moderation_provider");
	const char *spec = o->moderation	? o->moderation
			   : cJSON_IsString(cm) ? cm->valuestring
						: NULL;
	if (!spec)
		return 0;
	ov.temperature = NAN;
	ov.max_tokens = ov.seed = -1;
	ov.base_url = o->base_url;
	ov.env = h->ctx->env;
	if (llmops_provider_resolve(&ev->moderator, spec, config_get(h->cfg, "providers", NULL),
				    &ov, &err) ||
	    llmops_provider_usable(ev->moderator, &err))
		return llmops_report(&err);
	if (ev->moderator->type != LLMOPS_PROVIDER_OPENAI) {
		llmops_error("eval: --moderation-provider %s: a moderation endpoint is an openai: "
			     "provider (/moderations)",
			     spec);
		return LLMOPS_EXIT_USAGE;
	}
	return 0;
}

/* ----------------------------------------------------------------- models */

/* A model p sends to, checked against llmops.json's approved models (exec and replay name
   none). */
static int allowed(const struct eval_host *h, const struct llmops_approval *a,
		   const struct llmops_provider *p)
{
	if (!p || !p->model || p->type == LLMOPS_PROVIDER_EXEC || p->type == LLMOPS_PROVIDER_REPLAY)
		return 0;
	return config_model_allowed(a, h->ev.prices, p->model, "eval");
}

/* Every model the run may send to approved: variants, fallbacks, judges, moderator, embedder. */
static int check_models(struct eval_host *h)
{
	const struct llmops_eval *ev = &h->ev;
	struct llmops_approval a;
	int rc = config_approval(h->cfg, &h->cfg_text, ev->prices, &a);
	for (size_t i = 0; !rc && i < ev->nprovs; i++) /* variants' and fallbacks' */
		rc = allowed(h, &a, ev->provs[i]);
	if (!rc)
		rc = allowed(h, &a, ev->judge.prov);
	for (size_t i = 0; !rc && i < ev->njudges; i++) /* the rubrics cases name */
		rc = allowed(h, &a, ev->judges[i].prov);
	if (!rc)
		rc = allowed(h, &a, ev->refusal.prov);
	if (!rc)
		rc = allowed(h, &a, ev->moderator);
	if (!rc)
		rc = allowed(h, &a, ev->embedder);
	llmops_approval_release(&a);
	return rc;
}

/* ---------------------------------------------------------------- prompts */

/* The family the dataset belongs to by the one pairing rule (llmops_dataset_pairs), with the
   dataset's path made relative to the project root. */
static int prompt_named_like_dataset(const struct eval_host *h, const struct llmops_catalog *cat,
				     struct llmops_strlist *out)
{
	char rel[4096];
	llmops_prompt_root_relative(&h->penv, h->ev.dataset_path, rel, sizeof(rel));
	for (size_t i = 0; i < cat->n; i++)
		if (llmops_dataset_pairs(rel, cat->fam[i].name)) {
			llmops_strlist_append(out, cat->fam[i].name);
			break;
		}
	return 0;
}

static int add_variant_prompt(struct eval_host *h, const char *ref_s, struct llmops_catalog *cat,
			      struct llmops_eval_variant *proto, size_t *np)
{
	struct llmops_promptref ref;
	struct llmops_err err = {0};
	const struct llmops_version_file *vf = NULL;
	struct llmops_prompt_source src = {&h->penv, NULL, NULL};
	int rc;
	if (llmops_promptref_parse(&ref, ref_s, 0, 0, &err))
		return llmops_report(&err);
	if ((rc = prompt_resolve(&h->penv, cat, &ref, &vf)))
		return rc;
	/* the pinned version is what production sends: run it only when it is
	   still what prompts.lock says (the check prompt verify makes) */
	const struct llmops_lock_entry *pin =
		ref.version[0] ? NULL : llmops_lock_find(&h->penv.lock, ref.name);
	if (pin) {
		char msg[1200];
		int loaded = 1;
		int kind =
			llmops_pin_check(h->penv.store, NULL, pin, cat, &loaded, msg, sizeof(msg));
		if (kind != LLMOPS_PIN_OK) {
			llmops_error("eval: the pinned %s@%s is not what prompts.lock pins: %s",
				     ref.name, pin->version, msg);
			return LLMOPS_EXIT_CHECK;
		}
	}
	struct llmops_eval_variant *v = &proto[(*np)++];
	if ((rc = prompt_load(&src, vf->path, vf->json, &v->p, v->blob)))
		return rc;
	snprintf(v->prompt, sizeof(v->prompt), "%s@%s", ref.name, vf->version);
	return 0;
}

/* ------------------------------------------------------------------ judge */

/* A warning when the rubric's verdicts agree weakly with the reviews recorded (at least
   LLMOPS_JUDGE_MIN_REVIEWS of them): kappa below LLMOPS_JUDGE_KAPPA_MIN. */
static void judge_calibration(struct llmops_eval *ev, const struct llmops_eval_judge *g)
{
	struct llmops_agreement *a = NULL;
	struct llmops_err err = {0};
	size_t n = 0;
	if (llmops_judge_agreement(ev->ledger, g->name, &a, &n, &err) == 0 && n &&
	    a[0].n >= LLMOPS_JUDGE_MIN_REVIEWS &&
	    (isnan(a[0].kappa) || a[0].kappa < LLMOPS_JUDGE_KAPPA_MIN))
		llmops_error("warning: eval: judge %s agrees with its %ld reviewed results at "
			     "Cohen's kappa %s%.2f, below %.1f: its verdicts are weak evidence "
			     "(llmops judge agreement --rubric %s)",
			     g->name, a[0].n, isnan(a[0].kappa) ? "(undefined) " : "",
			     isnan(a[0].kappa) ? 0.0 : a[0].kappa, LLMOPS_JUDGE_KAPPA_MIN, g->name);
	free(a);
}

/* The judge metric's rubric (prompts/_judges/RUBRIC, its pinned version when pinned, else the
   newest) and provider (--judge, else eval.judge; temperature 0). */
/* Rubric (prompts/_judges/RUBRIC: its pinned version when pinned) and its judge spec into
   g, asked at temperature 0; what, for messages ("judge:relevance", "the refusal assertion"). */
static int load_judge(struct eval_host *h, const char *spec, const char *rubric, const char *what,
		      const struct llmops_provider_overrides *ov, struct llmops_eval_judge *g)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_err err = {0};
	int rc;
	if (!spec) {
		llmops_error("eval: %s needs a judge: --judge SPEC (openai:gpt-4o-mini, a provider "
			     "named in llmops.json, exec:COMMAND) or eval.judge",
			     what);
		return LLMOPS_EXIT_USAGE;
	}
	if (!h->have_penv) {
		llmops_error("eval: %s needs a git work tree (rubrics are read through git from "
			     "prompts/_judges/)",
			     what);
		return LLMOPS_EXIT_USAGE;
	}
	char ref[LLMOPS_NAME_MAX + 1];
	struct llmops_catalog cat = {0};
	snprintf(ref, sizeof(ref), "%s/%s", LLMOPS_JUDGES_DIR, rubric);
	if (llmops_store_catalog(h->penv.store, NULL, 1, &cat, &err)) {
		llmops_catalog_release(&cat);
		return llmops_report(&err);
	}
	struct llmops_eval_variant tmp[1];
	size_t n = 0;
	memset(tmp, 0, sizeof(tmp));
	rc = add_variant_prompt(h, ref, &cat, tmp, &n);
	llmops_catalog_release(&cat);
	if (rc)
		return rc;
	g->rubric = tmp[0].p;
	snprintf(g->name, sizeof(g->name), "%.*s", (int)sizeof(g->name) - 1,
		 tmp[0].prompt + sizeof(LLMOPS_JUDGES_DIR));
	memcpy(g->blob, tmp[0].blob, sizeof(g->blob));
	llmops_judge_scale(g->rubric, &g->lo, &g->hi);
	g->preference = g->rubric->meta.preference;
	struct llmops_provider_overrides jov = *ov;
	jov.temperature = 0; /* a verdict is asked for the same way every time */
	jov.stream = 0;
	if (llmops_provider_resolve(&g->prov, spec, config_get(h->cfg, "providers", NULL), &jov,
				    &err) ||
	    llmops_provider_usable(g->prov, &err))
		return llmops_report(&err);
	if (g->prov->type == LLMOPS_PROVIDER_REPLAY) {
		llmops_error("eval: --judge replay: a judge must answer; name a provider");
		return LLMOPS_EXIT_USAGE;
	}
	if (g->prov->model && llmops_pricing_find(ev->prices, g->prov->model, &g->price, &err))
		g->price = NULL; /* unpriced: its verdicts' cost is unknown */
	g->extra = g->preference ? llmops_preference_request_extra()
				 : llmops_judge_request_extra(
					   g->lo, g->hi, g->prov->type == LLMOPS_PROVIDER_OPENAI);
	if (!g->extra)
		return LLMOPS_EXIT_RUNTIME;
	return 0;
}

/* A rubric a case names is one of prompts/_judges/ (else exit 2 at the case, with the nearest
   name and the rubrics there are). */
static int rubric_exists(struct eval_host *h, const char *rubric, const char *at)
{
	struct llmops_catalog cat = {0};
	struct llmops_strlist names = LLMOPS_STRLIST_INIT, near = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	size_t prefix = strlen(LLMOPS_JUDGES_DIR) + 1;
	int found = 0;
	if (!h->have_penv || llmops_store_catalog(h->penv.store, NULL, 1, &cat, &err)) {
		llmops_catalog_release(&cat);
		return 0; /* load_judge says what is missing */
	}
	for (size_t i = 0; i < cat.n; i++)
		if (!strncmp(cat.fam[i].name, LLMOPS_JUDGES_DIR "/", prefix)) {
			found |= !strcmp(cat.fam[i].name + prefix, rubric);
			llmops_strlist_append(&names, cat.fam[i].name + prefix);
		}
	llmops_catalog_release(&cat);
	if (!found) {
		struct llmops_buf all = LLMOPS_BUF_INIT;
		llmops_suggest(&near, rubric, (const char *const *)names.items, names.nr);
		for (size_t i = 0; i < names.nr; i++)
			llmops_buf_addf(&all, "%s%s", i ? ", " : "", names.items[i]);
		llmops_error("eval: %s: judge:%s: there is no rubric prompts/%s/%s/%s%s%s (rubrics: %s)",
			     at, rubric, LLMOPS_JUDGES_DIR, rubric, near.nr ? "; did you mean '" : "",
			     near.nr ? near.items[0] : "", near.nr ? "'?" : "",
			     all.data ? all.data : "none");
		llmops_buf_release(&all);
	}
	llmops_strlist_release(&names);
	llmops_strlist_release(&near);
	return found ? 0 : LLMOPS_EXIT_USAGE;
}

/* The judges: the judge metric's rubric, and the refusal rubric when cases assert refusal. */
static int setup_judge(struct eval_host *h, const struct eval_opts *o,
		       const struct llmops_provider_overrides *ov)
{
	struct llmops_eval *ev = &h->ev;
	const cJSON *cj = config_get(h->cfg, "eval", "judge");
	const char *spec = o->judge ? o->judge : cJSON_IsString(cj) ? cj->valuestring : NULL;
	int rc = 0;
	if (ev->judge_rubric) {
		char what[LLMOPS_NAME_MAX + 16];
		snprintf(what, sizeof(what), "judge:%s", ev->judge_rubric);
		if ((rc = load_judge(h, spec, ev->judge_rubric, what, ov, &ev->judge)))
			return rc;
		if (ev->judge.preference && ev->nvars != 2) {
			llmops_error(
				"eval: %s compares the outputs of two variants, and this run has "
				"%zu: give two prompt versions (--prompt NAME@V1 --prompt "
				"NAME@V2) or two providers (--provider A --provider B); the "
				"first is the reference",
				what, ev->nvars);
			return LLMOPS_EXIT_USAGE;
		}
		if (!ev->judge.preference) /* reviews judge one output, not a pair */
			judge_calibration(ev, &ev->judge);
	}
	/* the rubrics cases name for themselves, each with the same judge */
	if (ev->case_rubrics.nr && ev->judge.preference) {
		llmops_error("eval: judge:%s judges every case of the run by the pair; a case "
			     "naming judge:%s belongs in a run of its own",
			     ev->judge_rubric, ev->case_rubrics.items[0]);
		return LLMOPS_EXIT_USAGE;
	}
	if (ev->case_rubrics.nr &&
	    !(ev->judges = calloc(ev->case_rubrics.nr, sizeof(*ev->judges)))) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	for (size_t i = 0; i < ev->case_rubrics.nr; i++) {
		char what[LLMOPS_NAME_MAX + 64];
		struct llmops_eval_judge *g = &ev->judges[ev->njudges];
		const char *at = i < ev->case_rubrics_at.nr ? ev->case_rubrics_at.items[i] : "a case";
		if ((rc = rubric_exists(h, ev->case_rubrics.items[i], at)))
			return rc;
		snprintf(what, sizeof(what), "a case's judge:%s", ev->case_rubrics.items[i]);
		if ((rc = load_judge(h, spec, ev->case_rubrics.items[i], what, ov, g))) {
			/* what load_judge set up before it failed is released with the rest */
			ev->njudges++;
			return rc;
		}
		ev->njudges++;
		if (g->preference) {
			llmops_error("eval: %s compares two variants' outputs: give it to the run "
				     "(--metric judge:%s), not to a case",
				     what, ev->case_rubrics.items[i]);
			return LLMOPS_EXIT_USAGE;
		}
		judge_calibration(ev, g);
	}
	if (ev->nrefusal &&
	    (rc = load_judge(h, spec, "refusal", "the refusal assertion", ov, &ev->refusal)))
		return rc;
	return 0;
}

/* The prompts, as variants with no provider yet. */
static int setup_prompts(struct eval_host *h, const struct eval_opts *o,
			 struct llmops_eval_variant **protos, size_t *np)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	int rc = 0, need_store = o->prompts.nr > 0 || config_get(h->cfg, "eval", "prompt");
	struct llmops_workspace *ws;

	if ((rc = llmops_ctx_workspace(h->ctx, &ws)))
		return rc;
	if (ws->in_repo) {
		if ((rc = prompt_env_open(&h->penv, h->ctx)))
			return rc;
		h->have_penv = 1;
		if (llmops_store_catalog(h->penv.store, NULL, 1, &cat, &err)) {
			llmops_catalog_release(&cat);
			return llmops_report(&err);
		}
	} else if (need_store) {
		llmops_error("eval: %s needs a git work tree (prompts are read through git); "
			     "without one, each case's \"input\" is sent as is",
			     o->prompts.nr ? "--prompt" : "llmops.json's eval.prompt");
		return LLMOPS_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->prompts.nr; i++)
		llmops_strlist_append(&refs, o->prompts.items[i]);
	/* eval --production sends the requests as production did: no template */
	const cJSON *cp = ev->label_prompt ? NULL : config_get(h->cfg, "eval", "prompt"), *x;
	if (!refs.nr && cJSON_IsString(cp)) /* llmops.json's default: one prompt or a list */
		llmops_strlist_append(&refs, cp->valuestring);
	if (!refs.nr && cJSON_IsArray(cp))
		cJSON_ArrayForEach (x, cp)
			llmops_strlist_append(&refs, x->valuestring);
	if (!refs.nr && h->have_penv && !ev->label_prompt)
		prompt_named_like_dataset(h, &cat, &refs);
	*protos = calloc(refs.nr ? refs.nr : 1, sizeof(**protos));
	if (!*protos)
		rc = LLMOPS_EXIT_RUNTIME;
	for (size_t i = 0; !rc && i < refs.nr; i++)
		rc = add_variant_prompt(h, refs.items[i], &cat, *protos, np);
	if (!rc && !refs.nr) { /* no prompt: each case's "input" is the user message */
		struct llmops_case dc = {0};
		if (ev->no_input_pos >= 0 &&
		    llmops_eval_case_at(ev, (size_t)ev->no_input_pos, &dc, &err)) {
			rc = llmops_report(&err);
		} else if (ev->no_input_pos >= 0) {
			llmops_error(
				"eval: %s: case '%s' has no \"input\", and no prompt was given: "
				"use --prompt NAME, or name the dataset after its prompt "
				"(evals/NAME.json)",
				ev->ds.label, dc.id);
			rc = LLMOPS_EXIT_USAGE;
		}
		llmops_case_release(&dc);
		if (ev->label_prompt) /* eval --production: the requests as production sent them */
			snprintf((*protos)[0].prompt, sizeof((*protos)[0].prompt),
				 "%s%s%s (production)", ev->label_prompt,
				 ev->label_version ? "@" : "",
				 ev->label_version ? ev->label_version : "");
		else
			snprintf((*protos)[0].prompt, sizeof((*protos)[0].prompt), "(input)");
		*np = 1;
	}
	llmops_catalog_release(&cat);
	llmops_strlist_release(&refs);
	return rc;
}

/* -------------------------------------------------------------- providers */

static int add_provider(struct eval_host *h, const char *spec, struct llmops_provider **out,
			const struct llmops_provider_overrides *ov)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_err err = {0};
	for (size_t i = 0; i < ev->nprovs; i++)
		if (!strcmp(ev->provs[i]->label, spec)) {
			*out = ev->provs[i];
			return 0;
		}
	struct llmops_provider **ps = realloc(ev->provs, (ev->nprovs + 1) * sizeof(*ps));
	if (!ps)
		return LLMOPS_EXIT_RUNTIME;
	ev->provs = ps;
	if (llmops_provider_resolve(&ps[ev->nprovs], spec, config_get(h->cfg, "providers", NULL),
				    ov, &err))
		return llmops_report(&err);
	*out = ps[ev->nprovs++];
	return 0;
}

static int setup_providers(struct eval_host *h, const struct eval_opts *o,
			   struct llmops_strlist *specs, struct llmops_provider_overrides *ov)
{
	struct llmops_eval *ev = &h->ev;
	const cJSON *dflt = config_get(h->cfg, "providers", "default");
	int all_recorded = ev->nrecorded == ev->ncases;
	for (size_t i = 0; i < o->providers.nr; i++)
		llmops_strlist_append(specs, o->providers.items[i]);
	if (!specs->nr && dflt)
		llmops_strlist_append(specs, "default");
	if (!specs->nr && all_recorded)
		llmops_strlist_append(specs, "replay");
	if (!specs->nr) {
		llmops_error("eval: no provider: give --provider openai:MODEL (OPENAI_API_KEY, or "
			     "--base-url for a local server), anthropic:MODEL, ollama:MODEL or "
			     "exec:COMMAND, or define \"default\" under \"providers\" in "
			     "llmops.json; --provider replay scores recorded outputs offline");
		return LLMOPS_EXIT_USAGE;
	}
	ov->temperature = o->temperature; /* NAN: not given */
	ov->base_url = o->base_url;
	ov->max_tokens = o->max_tokens;
	ov->seed = o->seed;
	ov->stop = &o->stop;
	ov->stream = o->stream;
	return 0;
}

/* ------------------------------------------------------------------- jobs */

/* The dataset in the ledger (by its hash: once however often it runs). */
static int record_dataset(struct llmops_eval *ev)
{
	struct llmops_err err = {0};
	if (!ev->ds.n)
		llmops_err_set(&err, LLMOPS_E_INPUT, "%s: the dataset has no cases", ev->ds.label);
	else if (!llmops_ledger_dataset_put_hashed(ev->ledger, ev->ds.label, ev->ds.format,
						   ev->ds.sha256, ev->ds.bytes, (int64_t)ev->ds.n,
						   &ev->dataset_id, &err))
		return 0;
	return llmops_report(&err);
}

/* The cases, validated; print the first problem. */
static int setup_cases(struct llmops_eval *ev)
{
	struct llmops_err err = {0};
	int rc = llmops_eval_cases(ev, &err);
	if (!rc)
		return 0;
	llmops_report(&err);
	return rc == LLMOPS_E_NOMEM ? LLMOPS_EXIT_RUNTIME : LLMOPS_EXIT_USAGE;
}

/* Render every job; print what cannot be rendered. */
static int need_requests(const struct llmops_eval *ev, const struct llmops_provider *p)
{
	return p->type != LLMOPS_PROVIDER_REPLAY && ev->nrecorded < ev->ncases;
}

/* What the guard found in the requests: secrets refused (unless allowed), personal data
   warned about.  0 or an exit status. */
static int guard_report(const struct llmops_eval *ev, int allow_secrets)
{
	const struct llmops_eval_guard *g = &ev->guard;
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
		llmops_error("warning: eval: %ld %s personal data (%s), the first of case '%s'; it "
			     "is sent to the provider",
			     g->pii_cases, g->pii_cases == 1 ? "request holds" : "requests hold",
			     b.data ? b.data : "", g->pii_first);
		llmops_buf_release(&b);
	}
	if (!g->secrets || allow_secrets)
		return 0;
	for (size_t i = 0; i < g->secret_notes.nr; i++)
		llmops_error("%s", g->secret_notes.items[i]);
	if (g->secrets > (long)g->secret_notes.nr)
		llmops_error("... and %ld more", g->secrets - (long)g->secret_notes.nr);
	llmops_error("eval: nothing was sent: the requests above hold a key or token; keep "
		     "secrets in the environment, or --allow-secrets to send them anyway");
	return LLMOPS_EXIT_USAGE;
}

static int render_jobs(struct llmops_eval *ev, int allow_secrets)
{
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	size_t more = 0;
	int rc = 0;
	if (llmops_eval_render(ev, &problems, &more, &err))
		rc = llmops_report(&err);
	else if (problems.nr) {
		for (size_t i = 0; i < problems.nr; i++)
			llmops_error("%s", problems.items[i]);
		if (more)
			llmops_error("... and %zu more", more);
		llmops_error("eval: nothing was sent: fix the prompts or cases named above");
		rc = LLMOPS_EXIT_USAGE;
	}
	llmops_strlist_release(&problems);
	return rc ? rc : guard_report(ev, allow_secrets);
}

int eval_setup(struct eval_host *h, const struct eval_opts *o)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	struct llmops_strlist specs = LLMOPS_STRLIST_INIT;
	struct llmops_provider_overrides ov = {0};
	ov.env = h->ctx->env;
	int rc;

	if ((rc = llmops_ctx_workspace(h->ctx, &ws)))
		return rc;
	if (llmops_pricing_builtin(&ev->prices, &err))
		return llmops_report(&err);
	if ((rc = config_load(ws->root, &h->cfg, &h->cfg_text, ev->prices)))
		return rc;
	ev->dataset_path = o->dataset;
	ev->root = ws->root; /* image parts' files */
	ev->repeats = o->repeat > 0 ? (int)o->repeat : 1;
	ev->no_cache = o->no_cache;
	ev->offline = o->offline;
	ev->allow_secrets = o->allow_secrets;
	ev->limit = o->limit;
	const cJSON *emb = config_get(h->cfg, "eval", "embedding_provider");
	ev->embedding_spec = o->embedding	   ? o->embedding
			     : cJSON_IsString(emb) ? emb->valuestring
						   : NULL;
	if ((rc = llmops_dataset_file_open(&ev->file, o->dataset, &err))) {
		if (rc == LLMOPS_E_NOTFOUND || rc == LLMOPS_E_IO) {
			llmops_error("eval: cannot read dataset '%s'", o->dataset);
			return LLMOPS_EXIT_USAGE;
		}
		return llmops_report(&err);
	}
	if ((rc = eval_settle_numbers(h, o)) || (rc = setup_metrics(h, o)) ||
	    (rc = setup_moderator(h, o)) || (rc = setup_cases(ev)) || (rc = record_dataset(ev)) ||
	    (rc = setup_prompts(h, o, &ev->protos, &ev->nprotos)) ||
	    (rc = setup_providers(h, o, &specs, &ov)))
		goto out;

	/* variants: prompts x providers */
	struct llmops_eval_variant *protos = ev->protos;
	size_t np = ev->nprotos;
	ev->nvars = np * specs.nr;
	ev->vars = calloc(ev->nvars, sizeof(*ev->vars));
	if (!ev->vars) {
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	const char *fb = o->fallback;
	for (size_t pi = 0; pi < np && !rc; pi++)
		for (size_t si = 0; si < specs.nr && !rc; si++) {
			struct llmops_eval_variant *v = &ev->vars[pi * specs.nr + si];
			const struct llmops_price *price = NULL;
			*v = protos[pi]; /* borrows the prompt: ev->protos owns it */
			if ((rc = add_provider(h, specs.items[si], &v->prov, &ov)))
				break;
			const char *vfb = fb ? fb : v->prov->fallback;
			if (!vfb) {
				const cJSON *f = config_get(h->cfg, "eval", "fallback");
				vfb = cJSON_IsString(f) ? f->valuestring : NULL;
			}
			if (vfb && strcmp(vfb, specs.items[si]) &&
			    (rc = add_provider(h, vfb, &v->fallback, &ov)))
				break;
			if (v->prov->model &&
			    !llmops_pricing_find(ev->prices, v->prov->model, &price, &err))
				v->price = price;
			if (v->fallback && v->fallback->model &&
			    !llmops_pricing_find(ev->prices, v->fallback->model, &price, &err))
				v->fallback_price = price;
			snprintf(v->label, sizeof(v->label), "%s x %s", v->prompt, v->prov->label);
		}
	if (h->have_penv) {
		h->src = (struct llmops_prompt_source){&h->penv, NULL, NULL};
		ev->store = h->penv.store;
		ev->partial = llmops_prompt_partial;
		ev->partial_ud = &h->src;
	}
	/* what would be sent is checked for secrets first (nothing is sent offline) */
	for (size_t i = 0; !rc && i < ev->nvars && !o->offline; i++)
		ev->guard_inputs |= need_requests(ev, ev->vars[i].prov);
	if (rc || (rc = render_jobs(ev, o->allow_secrets)))
		goto out;
	int asks = 0;
	for (size_t i = 0; i < ev->nprovs; i++)
		asks |= need_requests(ev, ev->provs[i]);
	if (ev->repeats > 1 && !asks)
		llmops_error(
			"warning: eval: --repeat %d: every case has a recorded output, and the "
			"repeats score the same output again",
			ev->repeats);
	for (size_t i = 0; i < ev->nprovs; i++)
		if (need_requests(ev, ev->provs[i]) && llmops_provider_usable(ev->provs[i], &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	if (asks && llmops_eval_budget_check(ev, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = setup_judge(h, o, &ov)))
		goto out;
	if (ev->embedding_spec) {
		if (llmops_provider_resolve(&ev->embedder, ev->embedding_spec,
					    config_get(h->cfg, "providers", NULL), &ov, &err) ||
		    llmops_provider_usable(ev->embedder, &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	}
	if ((rc = check_models(h)))
		goto out;
	if (llmops_eval_scoring(ev, &err))
		rc = llmops_report(&err);
out:
	llmops_strlist_release(&specs);
	return rc;
}
