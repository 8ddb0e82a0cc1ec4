/*
 * diff_json.c - two runs compared, as JSON (diff --format json, eval's baseline, the run view).
 */
#include "diff_json.h"

#include "json.h"

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
	LLMOPS_JSON_NUMS(o, {"cases", s->cases}, {"passed", s->passed}, {"errors", s->errors},
			 {"skipped", s->skipped}, {"pass_rate", s->pass_rate},
			 {"latency_p50_ms", s->latency_p50}, {"latency_p95_ms", s->latency_p95},
			 {"cost_usd", s->cost_usd}, {"tokens_in", s->tokens_in},
			 {"tokens_out", s->tokens_out});
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
	LLMOPS_JSON_NUMS(o, {"score_a", p->a->score}, {"score_b", p->b->score},
			 {"score_change", p->dscore});
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
	LLMOPS_JSON_NUMS(o, {"passed_a", x->passed_a}, {"runs_a", x->runs_a},
			 {"passed_b", x->passed_b}, {"runs_b", x->runs_b},
			 {"pass_fraction_change", x->change});
	return o;
}

/* The case-level comparison of repeated runs. */
static cJSON *repeats_json_of(const struct llmops_diff *d)
{
	cJSON *o = cJSON_CreateObject(), *lost, *moved;
	LLMOPS_JSON_NUMS(o, {"cases", d->ncases}, {"cases_worse", d->cases_worse},
			 {"cases_better", d->cases_better},
			 {"no_longer_always_passing", d->cases_lost},
			 {"pass_fraction_change_mean", d->frac_mean});
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
	LLMOPS_JSON_NUMS(p, {"cases", d->npairs}, {"matched_by_content", d->by_content},
			 {"only_in_a", d->nonly_a}, {"only_in_b", d->nonly_b});
	cJSON_AddBoolToObject(p, "variants_paired_by_position", d->variants_renamed);
	LLMOPS_JSON_NUMS(p, {"pass_rate_a", d->paired_rate_a}, {"pass_rate_b", d->paired_rate_b},
			 {"pass_rate_change", d->paired_rate_b - d->paired_rate_a},
			 {"both_passed", d->both_pass}, {"newly_failing", d->pass_to_fail},
			 {"newly_passing", d->fail_to_pass}, {"both_failed", d->both_fail},
			 {"mcnemar_p", d->mcnemar_p}, {"scored_pairs", d->nscored},
			 {"score_change_mean", d->dscore_mean});
	llmops_runfmt_add_interval(p, "score_change_ci95", d->dscore_lo, d->dscore_hi);
	LLMOPS_JSON_NUMS(p, {"score_tolerance", tolerance}, {"score_changed", d->score_changed},
			 {"output_changed", d->output_changed});
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
