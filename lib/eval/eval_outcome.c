/*
 * eval_outcome.c - what an evaluation decided, kept beside its run in the
 * ledger (runs.outcome) so that every reader of the run (eval's own output,
 * show, report) prints the same: the distinct cases, the variants' figures,
 * the gate, the pairwise comparison, the baseline comparison, the review
 * queue, the redactions and what a resumed run took over.
 */
#include "eval.h"

#include "json.h"

#include "diff_json.h"
#include "internal.h"
#include "repeats_view.h"
#include "runfmt.h"
#include "stats.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>

#define Z95 1.959963984540054

const struct llmops_eval_judge *llmops_eval_first_judge(const struct llmops_eval *ev)
{
	return ev->judge.rubric	    ? &ev->judge
	       : ev->njudges	    ? &ev->judges[0]
	       : ev->refusal.rubric ? &ev->refusal
				    : NULL;
}

static void judge_json(cJSON *o, const struct llmops_eval *ev, const struct llmops_eval_variant *v)
{
	const struct llmops_eval_judge *g = llmops_eval_first_judge(ev);
	if (!g)
		return;
	cJSON *jg = cJSON_AddObjectToObject(o, "judge"); /* what the verdicts cost, apart */
	cJSON_AddStringToObject(jg, "rubric", g->name);
	if (ev->njudges) {
		cJSON *cr = cJSON_AddArrayToObject(jg, "case_rubrics");
		for (size_t i = 0; i < ev->njudges; i++)
			cJSON_AddItemToArray(cr, cJSON_CreateString(ev->judges[i].name));
	}
	if (ev->refusal.rubric)
		cJSON_AddStringToObject(jg, "refusal_rubric", ev->refusal.name);
	cJSON_AddStringToObject(jg, "provider", g->prov->label);
	LLMOPS_JSON_NUMS(jg, {"verdicts", v->judged}, {"tokens_in", v->judge_tokens_in},
			 {"tokens_out", v->judge_tokens_out}, {"cost_usd", v->judge_cost});
	cJSON_AddBoolToObject(jg, "cost_known", g->price != NULL);
}

/* A cascade's escalations: cases the first tier did not settle, and who answered last. */
static cJSON *cascade_json(const struct llmops_eval_variant *v)
{
	cJSON *c = cJSON_CreateObject(), *tiers;
	long answered = 0, escalated = 0;
	for (size_t t = 0; t < v->ntiers; t++) {
		answered += v->tier_answers[t];
		escalated += t ? v->tier_answers[t] : 0;
	}
	cJSON_AddStringToObject(c, "check", v->cascade->check);
	LLMOPS_JSON_NUMS(
		c, {"escalated", escalated}, {"escalations", v->escalations},
		{"escalation_rate", answered ? (double)escalated / (double)answered : NAN});
	tiers = cJSON_AddArrayToObject(c, "tiers");
	for (size_t t = 0; t < v->ntiers; t++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "provider", v->tiers[t]->label);
		cJSON_AddNumberToObject(x, "answered", (double)v->tier_answers[t]);
		cJSON_AddBoolToObject(x, "cost_known", v->tier_price[t] != NULL);
		cJSON_AddItemToArray(tiers, x);
	}
	return c;
}

static cJSON *variant_json(const struct llmops_eval *ev, size_t vi)
{
	const struct llmops_eval_variant *v = &ev->vars[vi];
	cJSON *o = cJSON_CreateObject(), *m, *lat;
	double lo, hi;
	cJSON_AddStringToObject(o, "variant", v->label);
	cJSON_AddStringToObject(o, "prompt", v->prompt);
	cJSON_AddStringToObject(o, "provider", (v->cascade ? v->cascade : v->prov)->label);
	LLMOPS_JSON_NUMS(o, {"cases", v->cases}, {"passed", v->passed}, {"failed", v->failed},
			 {"errors", v->errors}, {"skipped", v->skipped},
			 {"fallback_answers", v->fallback_answers});
	if (v->fallback)
		cJSON_AddStringToObject(o, "fallback", v->fallback->label);
	if (v->cascade)
		cJSON_AddItemToObject(o, "cascade", cascade_json(v));
	llmops_runfmt_add_num(o, "pass_rate",
			      v->cases ? (double)v->passed / (double)v->cases : NAN);
	llmops_wilson(v->passed, v->cases, Z95, &lo, &hi);
	if (ev->reps) { /* the interval that knows repeats */
		lo = ev->reps[vi].lo;
		hi = ev->reps[vi].hi;
		cJSON_AddItemToObject(o, "repeats", llmops_repeats_json(&ev->reps[vi], 1));
	}
	llmops_runfmt_add_interval(o, "pass_rate_ci95", lo, hi);
	m = cJSON_AddObjectToObject(o, "metrics");
	for (int k = 0; k < LLMOPS_METRIC_COUNT; k++)
		if (v->metric_n[k])
			cJSON_AddNumberToObject(m, llmops_metric_name(k),
						v->metric_sum[k] / (double)v->metric_n[k]);
	lat = cJSON_AddObjectToObject(o, "latency_ms"); /* over requests */
	LLMOPS_JSON_NUMS(lat, {"p50", llmops_quantile(v->lat, v->nlat, 0.50)},
			 {"p95", llmops_quantile(v->lat, v->nlat, 0.95)},
			 {"p99", llmops_quantile(v->lat, v->nlat, 0.99)}, {"requests", v->nlat});
	LLMOPS_JSON_NUMS(o, {"tokens_in", v->tokens_in}, {"tokens_out", v->tokens_out},
			 {"cost_usd", v->cost});
	cJSON_AddBoolToObject(o, "cost_known", v->price != NULL);
	cJSON_AddNumberToObject(o, "cache_hits", (double)v->cache_hits);
	judge_json(o, ev, v);
	if (ev->judge.preference) { /* this variant's outputs against the other's */
		cJSON *pw = cJSON_AddObjectToObject(o, "pairwise");
		LLMOPS_JSON_NUMS(pw, {"wins", v->pair_wins}, {"ties", v->pair_ties},
				 {"ties_inconsistent", v->pair_inconsistent},
				 {"losses", v->pair_losses});
	}
	return o;
}

static void gate_json(cJSON *o, const struct llmops_eval *ev, const struct llmops_eval_totals *t)
{
	cJSON *g = cJSON_AddObjectToObject(o, "gate");
	cJSON_AddNumberToObject(g, "min_pass_rate", ev->min_pass_rate);
	llmops_runfmt_add_num(g, "max_cost_usd", ev->max_cost >= 0 ? ev->max_cost : NAN);
	if (ev->max_errors >= 0)
		cJSON_AddNumberToObject(g, "max_errors", (double)ev->max_errors);
	else
		cJSON_AddNumberToObject(g, "max_errors_percent", 100 * ev->max_errors_frac);
	cJSON_AddNumberToObject(g, "errors", (double)t->errors);
	cJSON_AddNumberToObject(g, "skipped", (double)t->skipped);
	if (t->pairwise)
		cJSON_AddBoolToObject(g, "pairwise_worse", t->worse);
	if (ev->have_bias && ev->max_bias_gap >= 0)
		cJSON_AddBoolToObject(g, "bias_over", t->bias_over);
	if (ev->have_probes && ev->max_attack_success >= 0)
		cJSON_AddBoolToObject(g, "probes_over", t->probes_over);
	cJSON_AddBoolToObject(g, "passed", t->gate_ok && t->cases == (long)ev->njobs);
}

static void pairwise_json(cJSON *o, const struct llmops_eval *ev,
			  const struct llmops_eval_totals *t)
{
	cJSON *pw = cJSON_AddObjectToObject(o, "pairwise");
	cJSON_AddStringToObject(pw, "rubric", ev->judge.name);
	cJSON_AddStringToObject(pw, "judge", ev->judge.prov->label);
	cJSON_AddStringToObject(pw, "variant", ev->vars[1].label);
	cJSON_AddStringToObject(pw, "against", ev->vars[0].label);
	LLMOPS_JSON_NUMS(pw, {"wins", t->wins}, {"ties", t->ties},
			 {"ties_inconsistent", t->ties_inconsistent}, {"losses", t->losses},
			 {"p_value", t->p_sign}, {"alpha", ev->pair_alpha});
	cJSON_AddStringToObject(pw, "finding",
				t->better  ? "better"
				: t->worse ? "worse"
					   : "no_difference");
}

/* --compare: the cascade against one provider alone, paired by case. */
static void compare_json(cJSON *o, const struct llmops_eval_cascade_cmp *m)
{
	cJSON *c = cJSON_AddObjectToObject(o, "compare");
	cJSON_AddStringToObject(c, "cascade", m->cascade);
	cJSON_AddStringToObject(c, "against", m->against);
	LLMOPS_JSON_NUMS(
		c, {"pairs", m->pairs}, {"both", m->both}, {"cascade_only", m->cascade_only},
		{"against_only", m->against_only}, {"neither", m->neither},
		{"cascade_pass_rate", m->cascade_rate}, {"against_pass_rate", m->against_rate},
		{"difference", m->cascade_rate - m->against_rate}, {"p_value", m->p},
		{"alpha", m->alpha}, {"cascade_cost_usd", m->cascade_cost},
		{"against_cost_usd", m->against_cost},
		{"cost_ratio", m->against_cost > 0 ? m->cascade_cost / m->against_cost : NAN});
	cJSON_AddStringToObject(c, "finding",
				m->p >= m->alpha		    ? "no_significant_difference"
				: m->cascade_only > m->against_only ? "cascade_better"
								    : "cascade_worse");
}

static cJSON *probe_cat_json(const struct llmops_eval_probe_cat *c)
{
	cJSON *y = cJSON_CreateObject();
	cJSON_AddStringToObject(y, "category", c->name);
	LLMOPS_JSON_NUMS(y, {"attacks", c->attacks}, {"worked", c->worked}, {"errors", c->errors},
			 {"attack_success_rate", c->rate});
	llmops_runfmt_add_interval(y, "attack_success_ci95", c->lo, c->hi);
	return y;
}

/* Red-team probes: the share of attacks that worked, by category, and which. */
static void probes_json(cJSON *o, const struct llmops_eval_probes *p)
{
	cJSON *x = cJSON_AddObjectToObject(o, "probes"), *cs, *w;
	cJSON_AddItemToObject(x, "total", probe_cat_json(&p->all));
	cs = cJSON_AddArrayToObject(x, "categories");
	for (size_t i = 0; i < p->n; i++)
		cJSON_AddItemToArray(cs, probe_cat_json(&p->c[i]));
	w = cJSON_AddArrayToObject(x, "worked");
	for (size_t i = 0; i < p->worked.nr; i++) {
		cJSON *y = cJSON_CreateObject();
		const char *id = p->worked.items[i], *at = strrchr(id, '@');
		cJSON_AddStringToObject(y, "case", id);
		cJSON_AddStringToObject(y, "category", p->worked_cat.items[i]);
		cJSON_AddItemToObject(y, "variable", cJSON_CreateString(at ? at + 1 : ""));
		cJSON_AddItemToArray(w, y);
	}
	llmops_runfmt_add_num(x, "max_attack_success", p->max >= 0 ? p->max : NAN);
	cJSON_AddBoolToObject(x, "over", p->over);
}

/* Bias probes: each attribute's counterfactual cases against their originals. */
static void bias_json(cJSON *o, const struct llmops_eval_bias *b)
{
	cJSON *x = cJSON_AddObjectToObject(o, "bias"), *as;
	LLMOPS_JSON_NUMS(x, {"alpha", b->alpha}, {"max_gap", b->max_gap >= 0 ? b->max_gap : NAN});
	cJSON_AddBoolToObject(x, "over", b->over);
	as = cJSON_AddArrayToObject(x, "attributes");
	for (size_t i = 0; i < b->n; i++) {
		const struct llmops_eval_bias_attr *a = &b->a[i];
		cJSON *y = cJSON_CreateObject();
		cJSON_AddStringToObject(y, "attribute", a->name);
		LLMOPS_JSON_NUMS(y, {"pairs", a->pairs},
				 {"original_pass_rate",
				  a->pairs ? (double)a->original_passed / (double)a->pairs : NAN},
				 {"swapped_pass_rate",
				  a->pairs ? (double)a->swapped_passed / (double)a->pairs : NAN},
				 {"gap", a->gap}, {"to_fail", a->to_fail}, {"to_pass", a->to_pass},
				 {"p_value", a->p}, {"scored", a->scored},
				 {"score_gap", a->score_gap}, {"score_p_value", a->score_p});
		cJSON_AddBoolToObject(y, "significant", a->significant);
		cJSON_AddBoolToObject(y, "over", a->over);
		cJSON_AddItemToArray(as, y);
	}
}

cJSON *llmops_eval_outcome(const struct llmops_eval *ev)
{
	cJSON *o = cJSON_CreateObject(), *vs;
	struct llmops_eval_totals t;
	llmops_eval_totals(ev, &t);
	cJSON_AddNumberToObject(o, "dataset_cases", (double)ev->ncases);
	if (ev->repeats > 1)
		cJSON_AddNumberToObject(o, "repeat", ev->repeats);
	cJSON_AddNumberToObject(o, "redactions", (double)ev->redactions);
	if (ev->review_below >= 0) {
		cJSON *rv = cJSON_AddObjectToObject(o, "review");
		LLMOPS_JSON_NUMS(rv, {"below", ev->review_below}, {"queued", ev->reviews_queued},
				 {"already_pending", ev->reviews_dup});
	}
	if (ev->resumed)
		cJSON_AddNumberToObject(o, "resumed_results", (double)ev->restored);
	vs = cJSON_AddArrayToObject(o, "variants");
	for (size_t i = 0; i < ev->nvars; i++)
		cJSON_AddItemToArray(vs, variant_json(ev, i));
	gate_json(o, ev, &t);
	if (t.pairwise)
		pairwise_json(o, ev, &t);
	if (ev->have_cmp)
		compare_json(o, &ev->cmp);
	if (ev->have_bias)
		bias_json(o, &ev->bias);
	if (ev->have_probes)
		probes_json(o, &ev->probes);
	const struct llmops_eval_baseline *b = &ev->baseline;
	cJSON *base =
		b->done ? llmops_diff_json(&b->diff, b->a, b->b, 0.05, b->significance) : NULL;
	if (base && ev->baseline_note[0])
		cJSON_AddStringToObject(base, "baseline_rev", ev->baseline_note);
	if (base)
		cJSON_AddItemToObject(o, "baseline", base);
	return o;
}
