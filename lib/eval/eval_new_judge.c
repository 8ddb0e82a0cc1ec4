/*
 * eval_new_judge.c - a prompt version resolved and loaded (variants and rubrics
 * alike), and who a run asks besides its variants: the moderation
 * endpoint, the judges (the judge metric's rubric, the rubrics cases name,
 * the refusal rubric), and every model checked against the approved ones.
 */
#include "eval.h"

#include "agreement.h"
#include "internal.h"
#include "pincheck.h"
#include "suggest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The moderation assertion's endpoint: the option, else eval.moderation_provider (resolved
   before the cases, which it is checked against). */
int llmops_eval_setup_moderator(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const char *spec = h->o->moderation ? h->o->moderation : h->cfg->eval.moderation_provider;
	struct llmops_provider_overrides ov = {0};
	if (!spec)
		return 0;
	ov.temperature = NAN;
	ov.max_tokens = ov.seed = -1;
	ov.base_url = h->o->base_url;
	ov.env = h->o->env;
	if (llmops_provider_resolve(&ev->moderator, spec, h->cfg->providers, &ov, h->err) ||
	    llmops_provider_usable(ev->moderator, h->err))
		return h->err->code;
	if (ev->moderator->type != LLMOPS_PROVIDER_OPENAI)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --moderation-provider %s: a moderation endpoint is an "
				      "openai: provider (/moderations)",
				      spec);
	return 0;
}

/* ---------------------------------------------------------------- prompts */

int llmops_eval_add_prompt(struct eval_setup *h, const char *ref_s, struct llmops_catalog *cat,
			   struct llmops_eval_variant *proto, size_t *np)
{
	struct llmops_eval *ev = h->ev;
	struct llmops_promptref ref;
	const struct llmops_version_file *vf = NULL;
	const struct llmops_prompt_source src = {&ev->penv, NULL, NULL};
	int rc;
	if ((rc = llmops_promptref_parse(&ref, ref_s, 0, 0, h->err)) ||
	    (rc = llmops_prompt_resolve(&ev->penv, cat, &ref, &vf, h->err)))
		return rc;
	/* the pinned version is what production sends: run it only when it is
	   still what prompts.lock says (the check prompt verify makes) */
	const struct llmops_lock_entry *pin =
		ref.version[0] ? NULL : llmops_lock_find(&ev->penv.lock, ref.name);
	if (pin) {
		char msg[800];
		int loaded = 1;
		int kind =
			llmops_pin_check(ev->penv.store, NULL, pin, cat, &loaded, msg, sizeof(msg));
		if (kind != LLMOPS_PIN_OK)
			return llmops_err_set(h->err, LLMOPS_E_CHECK,
					      "eval: the pinned %s@%s is not what prompts.lock "
					      "pins: %s",
					      ref.name, pin->version, msg);
	}
	struct llmops_eval_variant *v = &proto[(*np)++];
	if ((rc = llmops_prompt_load(&src, vf->path, vf->json, &v->p, v->blob, h->err)))
		return rc;
	snprintf(v->prompt, sizeof(v->prompt), "%s@%s", ref.name, vf->version);
	return 0;
}

/* ------------------------------------------------------------------ judge */

/* A warning when the rubric's verdicts agree weakly with the reviews recorded (at least
   LLMOPS_JUDGE_MIN_REVIEWS of them): kappa below LLMOPS_JUDGE_KAPPA_MIN. */
static void judge_calibration(struct eval_setup *h, const struct llmops_eval_judge *g)
{
	struct llmops_agreement *a = NULL;
	struct llmops_err e = {0};
	size_t n = 0;
	if (llmops_judge_agreement(h->ev->ledger, g->name, &a, &n, &e) == 0 && n &&
	    a[0].n >= LLMOPS_JUDGE_MIN_REVIEWS &&
	    (isnan(a[0].kappa) || a[0].kappa < LLMOPS_JUDGE_KAPPA_MIN))
		llmops_strlist_appendf(h->notes,
				       "warning: eval: judge %s agrees with its %ld reviewed "
				       "results at Cohen's kappa %s%.2f, below %.1f: its verdicts "
				       "are weak evidence (llmops judge agreement --rubric %s)",
				       g->name, a[0].n, isnan(a[0].kappa) ? "(undefined) " : "",
				       isnan(a[0].kappa) ? 0.0 : a[0].kappa, LLMOPS_JUDGE_KAPPA_MIN,
				       g->name);
	free(a);
}

/* The judge's provider for g (asked at temperature 0), its price and its request's extra. */
static int judge_provider(struct eval_setup *h, const char *spec, struct llmops_eval_judge *g)
{
	struct llmops_provider_overrides jov = h->ov;
	struct llmops_err e = {0};
	jov.temperature = 0; /* a verdict is asked for the same way every time */
	jov.stream = 0;
	if (llmops_provider_resolve(&g->prov, spec, h->cfg->providers, &jov, h->err) ||
	    llmops_provider_usable(g->prov, h->err))
		return h->err->code;
	if (g->prov->type == LLMOPS_PROVIDER_REPLAY)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: --judge replay: a judge must answer; name a provider");
	if (g->prov->model && llmops_pricing_find(h->ev->prices, g->prov->model, &g->price, &e))
		g->price = NULL; /* unpriced: its verdicts' cost is unknown */
	g->extra = g->preference ? llmops_preference_request_extra()
				 : llmops_judge_request_extra(
					   g->lo, g->hi, g->prov->type == LLMOPS_PROVIDER_OPENAI);
	return g->extra ? 0 : llmops_err_set(h->err, LLMOPS_E_NOMEM, "out of memory");
}

/* Rubric (prompts/_judges/RUBRIC: its pinned version when pinned) and its judge spec into
   g; what, for messages ("judge:relevance", "the refusal assertion"). */
static int load_judge(struct eval_setup *h, const char *spec, const char *rubric, const char *what,
		      struct llmops_eval_judge *g)
{
	struct llmops_eval *ev = h->ev;
	int rc;
	if (!spec)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: %s needs a judge: --judge SPEC (openai:gpt-4o-mini, a "
				      "provider named in llmops.json, exec:COMMAND) or eval.judge",
				      what);
	if (!ev->have_penv)
		return llmops_err_set(
			h->err, LLMOPS_E_USAGE,
			"eval: %s needs a git work tree (rubrics are read through git "
			"from prompts/_judges/)",
			what);
	char ref[LLMOPS_NAME_MAX + 1];
	struct llmops_catalog cat = {0};
	snprintf(ref, sizeof(ref), "%s/%s", LLMOPS_JUDGES_DIR, rubric);
	if ((rc = llmops_store_catalog(ev->penv.store, NULL, 1, &cat, h->err))) {
		llmops_catalog_release(&cat);
		return rc;
	}
	struct llmops_eval_variant tmp[1];
	size_t n = 0;
	memset(tmp, 0, sizeof(tmp));
	rc = llmops_eval_add_prompt(h, ref, &cat, tmp, &n);
	llmops_catalog_release(&cat);
	if (rc)
		return rc;
	g->rubric = tmp[0].p;
	snprintf(g->name, sizeof(g->name), "%.*s", (int)sizeof(g->name) - 1,
		 tmp[0].prompt + sizeof(LLMOPS_JUDGES_DIR));
	memcpy(g->blob, tmp[0].blob, sizeof(g->blob));
	llmops_judge_scale(g->rubric, &g->lo, &g->hi);
	g->preference = g->rubric->meta.preference;
	return judge_provider(h, spec, g);
}

/* A rubric a case names is one of prompts/_judges/ (else an error at the case, with the
   nearest name and the rubrics there are). */
static int rubric_exists(struct eval_setup *h, const char *rubric, const char *at)
{
	struct llmops_catalog cat = {0};
	struct llmops_strlist names = LLMOPS_STRLIST_INIT, near = LLMOPS_STRLIST_INIT;
	struct llmops_err e = {0};
	size_t prefix = strlen(LLMOPS_JUDGES_DIR) + 1;
	int found = 0, rc = 0;
	if (!h->ev->have_penv || llmops_store_catalog(h->ev->penv.store, NULL, 1, &cat, &e)) {
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
		rc = llmops_err_set(h->err, LLMOPS_E_USAGE,
				    "eval: %s: judge:%s: there is no rubric prompts/%s/%s/%s%s%s "
				    "(rubrics: %s)",
				    at, rubric, LLMOPS_JUDGES_DIR, rubric,
				    near.nr ? "; did you mean '" : "", near.nr ? near.items[0] : "",
				    near.nr ? "'?" : "", all.data ? all.data : "none");
		llmops_buf_release(&all);
	}
	llmops_strlist_release(&names);
	llmops_strlist_release(&near);
	return rc;
}

/* The judge metric's rubric, judging one output or (pairwise) the two variants'. */
static int metric_judge(struct eval_setup *h, const char *spec)
{
	struct llmops_eval *ev = h->ev;
	char what[LLMOPS_NAME_MAX + 16];
	int rc;
	snprintf(what, sizeof(what), "judge:%s", ev->judge_rubric);
	if ((rc = load_judge(h, spec, ev->judge_rubric, what, &ev->judge)))
		return rc;
	if (ev->judge.preference && ev->nvars != 2)
		return llmops_err_set(
			h->err, LLMOPS_E_USAGE,
			"eval: %s compares the outputs of two variants, and this run "
			"has %zu: give two prompt versions (--prompt NAME@V1 --prompt "
			"NAME@V2) or two providers (--provider A --provider B); the "
			"first is the reference",
			what, ev->nvars);
	if (!ev->judge.preference) /* reviews judge one output, not a pair */
		judge_calibration(h, &ev->judge);
	return 0;
}

/* The rubrics cases name for themselves, each with the same judge. */
static int case_judges(struct eval_setup *h, const char *spec)
{
	struct llmops_eval *ev = h->ev;
	int rc;
	if (ev->case_rubrics.nr && ev->judge.preference)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "eval: judge:%s judges every case of the run by the pair; a "
				      "case naming judge:%s belongs in a run of its own",
				      ev->judge_rubric, ev->case_rubrics.items[0]);
	if (ev->case_rubrics.nr && !(ev->judges = calloc(ev->case_rubrics.nr, sizeof(*ev->judges))))
		return llmops_err_set(h->err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < ev->case_rubrics.nr; i++) {
		char what[LLMOPS_NAME_MAX + 64];
		struct llmops_eval_judge *g = &ev->judges[ev->njudges];
		const char *at =
			i < ev->case_rubrics_at.nr ? ev->case_rubrics_at.items[i] : "a case";
		if ((rc = rubric_exists(h, ev->case_rubrics.items[i], at)))
			return rc;
		snprintf(what, sizeof(what), "a case's judge:%s", ev->case_rubrics.items[i]);
		rc = load_judge(h, spec, ev->case_rubrics.items[i], what, g);
		ev->njudges++; /* what load_judge set up, also when it failed, is released */
		if (rc)
			return rc;
		if (g->preference)
			return llmops_err_set(h->err, LLMOPS_E_USAGE,
					      "eval: %s compares two variants' outputs: give it to "
					      "the run (--metric judge:%s), not to a case",
					      what, ev->case_rubrics.items[i]);
		judge_calibration(h, g);
	}
	return 0;
}

/* The judges: the judge metric's rubric, those cases name, and the refusal rubric when
   cases assert refusal; each asked by --judge, else eval.judge. */
int llmops_eval_setup_judges(struct eval_setup *h)
{
	struct llmops_eval *ev = h->ev;
	const char *spec = h->o->judge ? h->o->judge : h->cfg->eval.judge;
	int rc;
	if ((ev->judge_rubric && (rc = metric_judge(h, spec))) || (rc = case_judges(h, spec)))
		return rc;
	if (ev->nrefusal &&
	    (rc = load_judge(h, spec, "refusal", "the refusal assertion", &ev->refusal)))
		return rc;
	return 0;
}

/* ----------------------------------------------------------------- models */

/* A model p sends to, checked against llmops.json's approved models (exec and replay name
   none). */
static int allowed(struct eval_setup *h, const struct llmops_provider *p)
{
	if (!p || !p->model || p->type == LLMOPS_PROVIDER_EXEC || p->type == LLMOPS_PROVIDER_REPLAY)
		return 0;
	return llmops_config_model_allowed(h->cfg, h->ev->prices, p->model, "eval", h->notes,
					   h->err);
}

/* Every model the run may send to approved: variants, fallbacks, judges, moderator, embedder. */
int llmops_eval_check_models(struct eval_setup *h)
{
	const struct llmops_eval *ev = h->ev;
	int rc = 0;
	for (size_t i = 0; !rc && i < ev->nprovs; i++) /* variants' and fallbacks' */
		rc = allowed(h, ev->provs[i]);
	if (!rc)
		rc = allowed(h, ev->judge.prov);
	for (size_t i = 0; !rc && i < ev->njudges; i++) /* the rubrics cases name */
		rc = allowed(h, ev->judges[i].prov);
	if (!rc)
		rc = allowed(h, ev->refusal.prov);
	if (!rc)
		rc = allowed(h, ev->moderator);
	if (!rc)
		rc = allowed(h, ev->embedder);
	return rc;
}
