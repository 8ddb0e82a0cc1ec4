/*
 * diff_json.c - two runs compared, as JSON (diff --format json, eval's baseline, the run view).
 */
#include "diff_json.h"

#include "runfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double llmops_rel_change(double a, double b)
{
	return a > 0 && !isnan(a) && !isnan(b) ? 100.0 * (b - a) / a : NAN;
}

static cJSON *side_json(const struct llmops_run_data *r, const struct llmops_diff_side *s)
{
	cJSON *o = cJSON_CreateObject();
	char prompt[256], model[256];
	llmops_runfmt_prompt(r->run, prompt, sizeof(prompt));
	llmops_runfmt_model(r->run, model, sizeof(model));
	cJSON_AddStringToObject(o, "run", r->run->id);
	cJSON_AddStringToObject(o, "prompt", prompt);
	cJSON_AddStringToObject(o, "provider", model);
	cJSON_AddNumberToObject(o, "cases", (double)s->cases);
	cJSON_AddNumberToObject(o, "passed", (double)s->passed);
	cJSON_AddNumberToObject(o, "errors", (double)s->errors);
	cJSON_AddNumberToObject(o, "skipped", (double)s->skipped);
	llmops_runfmt_add_num(o, "pass_rate", s->pass_rate);
	llmops_runfmt_add_num(o, "latency_p50_ms", s->latency_p50);
	llmops_runfmt_add_num(o, "latency_p95_ms", s->latency_p95);
	cJSON_AddNumberToObject(o, "cost_usd", s->cost_usd);
	cJSON_AddNumberToObject(o, "tokens_in", (double)s->tokens_in);
	cJSON_AddNumberToObject(o, "tokens_out", (double)s->tokens_out);
	return o;
}

static cJSON *pair_json(const struct llmops_diff_pair *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "case", p->b->case_id);
	if (strcmp(p->a->case_id, p->b->case_id))
		cJSON_AddStringToObject(o, "case_a", p->a->case_id);
	if (p->b->repeat_index)
		cJSON_AddNumberToObject(o, "repeat", p->b->repeat_index);
	if (*p->b->variant)
		cJSON_AddStringToObject(o, "variant", p->b->variant);
	cJSON_AddStringToObject(o, "a", llmops_runfmt_verdict(p->a->passed));
	cJSON_AddStringToObject(o, "b", llmops_runfmt_verdict(p->b->passed));
	llmops_runfmt_add_num(o, "score_a", p->a->score);
	llmops_runfmt_add_num(o, "score_b", p->b->score);
	llmops_runfmt_add_num(o, "score_change", p->dscore);
	cJSON_AddBoolToObject(o, "output_changed", !!(p->change & LLMOPS_CHANGE_OUTPUT));
	cJSON_AddBoolToObject(o, "matched_by_content", !!(p->change & LLMOPS_CHANGE_BY_CONTENT));
	if (p->b->error)
		cJSON_AddStringToObject(o, "reason_b", p->b->error);
	return o;
}

static void add_list(cJSON *o, const char *key, const struct llmops_diff *d, unsigned mask)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < d->npairs; i++)
		if (d->pairs[i].change & mask)
			cJSON_AddItemToArray(a, pair_json(&d->pairs[i]));
}

static void add_ids(cJSON *o, const char *key, const struct llmops_result *const *r, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r[i]->case_id));
}

static cJSON *case_json(const struct llmops_diff_case *x)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "case", x->b->case_id);
	if (*x->b->variant)
		cJSON_AddStringToObject(o, "variant", x->b->variant);
	cJSON_AddNumberToObject(o, "passed_a", (double)x->passed_a);
	cJSON_AddNumberToObject(o, "runs_a", (double)x->runs_a);
	cJSON_AddNumberToObject(o, "passed_b", (double)x->passed_b);
	cJSON_AddNumberToObject(o, "runs_b", (double)x->runs_b);
	cJSON_AddNumberToObject(o, "pass_fraction_change", x->change);
	return o;
}

/* The case-level comparison of repeated runs. */
static cJSON *repeats_json_of(const struct llmops_diff *d)
{
	cJSON *o = cJSON_CreateObject(), *lost, *moved;
	cJSON_AddNumberToObject(o, "cases", (double)d->ncases);
	cJSON_AddNumberToObject(o, "cases_worse", (double)d->cases_worse);
	cJSON_AddNumberToObject(o, "cases_better", (double)d->cases_better);
	cJSON_AddNumberToObject(o, "no_longer_always_passing", (double)d->cases_lost);
	llmops_runfmt_add_num(o, "pass_fraction_change_mean", d->frac_mean);
	llmops_runfmt_add_interval(o, "pass_fraction_change_ci95", d->frac_lo, d->frac_hi);
	cJSON_AddNumberToObject(o, "paired_t_p", d->frac_p);
	lost = cJSON_AddArrayToObject(o, "lost");
	moved = cJSON_AddArrayToObject(o, "changed");
	for (size_t i = 0; i < d->ncases; i++) {
		const struct llmops_diff_case *x = &d->cases[i];
		if (x->lost)
			cJSON_AddItemToArray(lost, case_json(x));
		if (x->change != 0)
			cJSON_AddItemToArray(moved, case_json(x));
	}
	return o;
}

cJSON *llmops_diff_json(const struct llmops_diff *d, const struct llmops_run_data *a,
			const struct llmops_run_data *b, double tolerance, double significance)
{
	cJSON *o = cJSON_CreateObject(), *p;
	cJSON_AddItemToObject(o, "a", side_json(a, &d->a));
	cJSON_AddItemToObject(o, "b", side_json(b, &d->b));
	p = cJSON_AddObjectToObject(o, "paired");
	cJSON_AddNumberToObject(p, "cases", (double)d->npairs);
	cJSON_AddNumberToObject(p, "matched_by_content", (double)d->by_content);
	cJSON_AddNumberToObject(p, "only_in_a", (double)d->nonly_a);
	cJSON_AddNumberToObject(p, "only_in_b", (double)d->nonly_b);
	cJSON_AddBoolToObject(p, "variants_paired_by_position", d->variants_renamed);
	llmops_runfmt_add_num(p, "pass_rate_a", d->paired_rate_a);
	llmops_runfmt_add_num(p, "pass_rate_b", d->paired_rate_b);
	llmops_runfmt_add_num(p, "pass_rate_change", d->paired_rate_b - d->paired_rate_a);
	cJSON_AddNumberToObject(p, "both_passed", (double)d->both_pass);
	cJSON_AddNumberToObject(p, "newly_failing", (double)d->pass_to_fail);
	cJSON_AddNumberToObject(p, "newly_passing", (double)d->fail_to_pass);
	cJSON_AddNumberToObject(p, "both_failed", (double)d->both_fail);
	cJSON_AddNumberToObject(p, "mcnemar_p", d->mcnemar_p);
	cJSON_AddNumberToObject(p, "scored_pairs", (double)d->nscored);
	llmops_runfmt_add_num(p, "score_change_mean", d->dscore_mean);
	llmops_runfmt_add_interval(p, "score_change_ci95", d->dscore_lo, d->dscore_hi);
	cJSON_AddNumberToObject(p, "score_tolerance", tolerance);
	cJSON_AddNumberToObject(p, "score_changed", (double)d->score_changed);
	cJSON_AddNumberToObject(p, "output_changed", (double)d->output_changed);
	llmops_runfmt_add_num(o, "latency_p50_change_pct",
			      llmops_rel_change(d->a.latency_p50, d->b.latency_p50));
	llmops_runfmt_add_num(o, "latency_p95_change_pct",
			      llmops_rel_change(d->a.latency_p95, d->b.latency_p95));
	llmops_runfmt_add_num(o, "cost_change_pct",
			      llmops_rel_change(d->a.cost_usd, d->b.cost_usd));
	if (d->repeated)
		cJSON_AddItemToObject(o, "repeats", repeats_json_of(d));
	cJSON_AddBoolToObject(o, "regressed", llmops_diff_regressed(d, significance));
	if (significance >= 0)
		cJSON_AddNumberToObject(o, "significance", significance);
	add_list(o, "newly_failing", d, LLMOPS_CHANGE_NEWLY_FAILING);
	add_list(o, "newly_passing", d, LLMOPS_CHANGE_NEWLY_PASSING);
	add_list(o, "score_changed", d, LLMOPS_CHANGE_SCORE);
	add_list(o, "output_changed", d, LLMOPS_CHANGE_OUTPUT);
	add_ids(o, "only_in_a", d->only_a, d->nonly_a);
	add_ids(o, "only_in_b", d->only_b, d->nonly_b);
	return o;
}
