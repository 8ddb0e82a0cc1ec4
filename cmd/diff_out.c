/*
 * diff_out.c - two runs compared, as text and JSON (see diff_out.h).
 */
#include "diff_out.h"

#include "run_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double rel(double a, double b)
{
	return a > 0 && !isnan(a) && !isnan(b) ? 100.0 * (b - a) / a : NAN;
}

static cJSON *side_json(const struct llmops_run_data *r, const struct llmops_diff_side *s)
{
	cJSON *o = cJSON_CreateObject();
	char prompt[256], model[256];
	runfmt_prompt(r->run, prompt, sizeof(prompt));
	runfmt_model(r->run, model, sizeof(model));
	cJSON_AddStringToObject(o, "run", r->run->id);
	cJSON_AddStringToObject(o, "prompt", prompt);
	cJSON_AddStringToObject(o, "provider", model);
	cJSON_AddNumberToObject(o, "cases", (double)s->cases);
	cJSON_AddNumberToObject(o, "passed", (double)s->passed);
	cJSON_AddNumberToObject(o, "errors", (double)s->errors);
	cJSON_AddNumberToObject(o, "skipped", (double)s->skipped);
	runfmt_add_num(o, "pass_rate", s->pass_rate);
	runfmt_add_num(o, "latency_p50_ms", s->latency_p50);
	runfmt_add_num(o, "latency_p95_ms", s->latency_p95);
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
	cJSON_AddStringToObject(o, "a", runfmt_verdict(p->a->passed));
	cJSON_AddStringToObject(o, "b", runfmt_verdict(p->b->passed));
	runfmt_add_num(o, "score_a", p->a->score);
	runfmt_add_num(o, "score_b", p->b->score);
	runfmt_add_num(o, "score_change", p->dscore);
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
	runfmt_add_num(o, "pass_fraction_change_mean", d->frac_mean);
	runfmt_add_interval(o, "pass_fraction_change_ci95", d->frac_lo, d->frac_hi);
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

cJSON *diff_json(const struct llmops_diff *d, const struct llmops_run_data *a,
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
	runfmt_add_num(p, "pass_rate_a", d->paired_rate_a);
	runfmt_add_num(p, "pass_rate_b", d->paired_rate_b);
	runfmt_add_num(p, "pass_rate_change", d->paired_rate_b - d->paired_rate_a);
	cJSON_AddNumberToObject(p, "both_passed", (double)d->both_pass);
	cJSON_AddNumberToObject(p, "newly_failing", (double)d->pass_to_fail);
	cJSON_AddNumberToObject(p, "newly_passing", (double)d->fail_to_pass);
	cJSON_AddNumberToObject(p, "both_failed", (double)d->both_fail);
	cJSON_AddNumberToObject(p, "mcnemar_p", d->mcnemar_p);
	cJSON_AddNumberToObject(p, "scored_pairs", (double)d->nscored);
	runfmt_add_num(p, "score_change_mean", d->dscore_mean);
	runfmt_add_interval(p, "score_change_ci95", d->dscore_lo, d->dscore_hi);
	cJSON_AddNumberToObject(p, "score_tolerance", tolerance);
	cJSON_AddNumberToObject(p, "score_changed", (double)d->score_changed);
	cJSON_AddNumberToObject(p, "output_changed", (double)d->output_changed);
	runfmt_add_num(o, "latency_p50_change_pct", rel(d->a.latency_p50, d->b.latency_p50));
	runfmt_add_num(o, "latency_p95_change_pct", rel(d->a.latency_p95, d->b.latency_p95));
	runfmt_add_num(o, "cost_change_pct", rel(d->a.cost_usd, d->b.cost_usd));
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

static void change_line(const char *what, double a, double b, const char *unit, int money)
{
	double r = rel(a, b);
	char x[64], y[64];
	if (isnan(a) && isnan(b))
		return;
	/* one side unknown (a run served from the cache has no latency): "-" */
	if (money)
		printf("  %-9s %s -> %s", what, runfmt_money(x, sizeof(x), a),
		       runfmt_money(y, sizeof(y), b));
	else
		printf("  %-9s %s -> %s", what, runfmt_num(x, sizeof(x), a, "%.0f", unit),
		       runfmt_num(y, sizeof(y), b, "%.0f", unit));
	if (!isnan(r))
		printf(" (%+.1f%%)", r);
	printf("\n");
}

static void list(const struct llmops_diff *d, const char *title, unsigned mask, unsigned skip,
		 size_t limit, struct llmops_ctx *ctx, const char *col)
{
	size_t n = 0, shown = 0;
	for (size_t i = 0; i < d->npairs; i++)
		n += (d->pairs[i].change & mask) && !(d->pairs[i].change & skip);
	if (!n)
		return;
	printf("\n%s%s%s (%zu)\n", llmops_color(ctx, col), title,
	       llmops_color(ctx, LLMOPS_SGR_RESET), n);
	for (size_t i = 0; i < d->npairs; i++) {
		const struct llmops_diff_pair *p = &d->pairs[i];
		if (!(p->change & mask) || (p->change & skip))
			continue;
		if (limit && shown++ >= limit) {
			printf("  ... and %zu more (--limit 0 or --format json lists all)\n",
			       n - limit);
			break;
		}
		char name[512];
		if (d->repeated)
			snprintf(name, sizeof(name), "%s #%d", p->b->case_id, p->b->repeat_index);
		else
			snprintf(name, sizeof(name), "%s", p->b->case_id);
		printf("  %-24s %-5s -> %-5s", name, runfmt_verdict(p->a->passed),
		       runfmt_verdict(p->b->passed));
		if (!isnan(p->dscore))
			printf("  score %.3f -> %.3f (%+.3f)", p->a->score, p->b->score, p->dscore);
		if (*p->b->variant)
			printf("  [%s]", p->b->variant);
		if (p->change & LLMOPS_CHANGE_BY_CONTENT)
			printf("  (was %s, matched by content)", p->a->case_id);
		if ((mask & LLMOPS_CHANGE_NEWLY_FAILING) && p->b->error)
			printf("  %s", p->b->error);
		printf("\n");
	}
}

static void only(const char *title, const struct llmops_result *const *r, size_t n, size_t limit)
{
	if (!n)
		return;
	printf("\n%s (%zu):", title, n);
	for (size_t i = 0; i < n && (!limit || i < limit); i++)
		printf(" %s", r[i]->case_id);
	if (limit && n > limit)
		printf(" ... and %zu more", n - limit);
	printf("\n");
}

static void print_cases_summary(const struct llmops_diff *d, double significance)
{
	printf("  per case  %zu in both: %ld worse, %ld better by pass fraction; mean change %+.3f",
	       d->ncases, d->cases_worse, d->cases_better, isnan(d->frac_mean) ? 0 : d->frac_mean);
	if (!isnan(d->frac_lo))
		printf(" (95%% CI %+.3f to %+.3f)", d->frac_lo, d->frac_hi);
	printf(", paired t p = %.4g", d->frac_p);
	if (significance >= 0)
		printf(" (%s at %g)", d->frac_p < significance ? "significant" : "not significant",
		       significance);
	printf("\n");
}

/* Repeated runs: the cases that passed every repeat in A and not in B. */
static void print_lost(const struct llmops_diff *d, size_t limit, struct llmops_ctx *ctx)
{
	size_t shown = 0;
	if (!d->cases_lost)
		return;
	printf("\n%sno longer passing every repeat%s (%ld)\n", llmops_color(ctx, LLMOPS_SGR_RED),
	       llmops_color(ctx, LLMOPS_SGR_RESET), d->cases_lost);
	for (size_t i = 0; i < d->ncases; i++) {
		const struct llmops_diff_case *x = &d->cases[i];
		if (!x->lost)
			continue;
		if (limit && shown++ >= limit) {
			printf("  ... and %zu more (--limit 0 or --format json lists all)\n",
			       (size_t)d->cases_lost - limit);
			break;
		}
		printf("  %-24s %ld/%ld -> %ld/%ld passed", x->b->case_id, x->passed_a, x->runs_a,
		       x->passed_b, x->runs_b);
		if (*x->b->variant)
			printf("  [%s]", x->b->variant);
		printf("\n");
	}
}

void diff_print(const struct llmops_diff *d, const struct llmops_run_data *a,
		const struct llmops_run_data *b, double tolerance, double significance,
		size_t limit, struct llmops_ctx *ctx)
{
	char pa[256], pb[256], ma[256], mb[256];
	int regressed = llmops_diff_regressed(d, significance);

	runfmt_prompt(a->run, pa, sizeof(pa));
	runfmt_prompt(b->run, pb, sizeof(pb));
	runfmt_model(a->run, ma, sizeof(ma));
	runfmt_model(b->run, mb, sizeof(mb));
	printf("%sdiff%s %s (%s, %s)\n  -> %s (%s, %s)\n", llmops_color(ctx, LLMOPS_SGR_BOLD),
	       llmops_color(ctx, LLMOPS_SGR_RESET), a->run->id, pa, ma, b->run->id, pb, mb);
	printf("  paired    %zu case%s", d->npairs, d->npairs == 1 ? "" : "s");
	if (d->by_content)
		printf(" (%ld by content)", d->by_content);
	printf("; %zu only in A, %zu only in B%s", d->nonly_a, d->nonly_b,
	       d->variants_renamed && d->npairs ? "; variants paired in order" : "");
	if (d->a.skipped || d->b.skipped) /* never asked: nothing to compare */
		printf("; not sent (--max-cost), so not compared: %ld in A, %ld in B", d->a.skipped,
		       d->b.skipped);
	printf("\n");
	if (d->npairs) {
		printf("  pass rate %.1f%% -> %.1f%% (%+.1f points)\n", 100 * d->paired_rate_a,
		       100 * d->paired_rate_b, 100 * (d->paired_rate_b - d->paired_rate_a));
		printf("  flips     %ld newly failing, %ld newly passing; exact McNemar p = %.4g",
		       d->pass_to_fail, d->fail_to_pass, d->mcnemar_p);
		if (d->repeated)
			printf(" (over repeats, as if independent: see per case)");
		else if (significance >= 0)
			printf(" (%s at %g)",
			       d->mcnemar_p < significance ? "significant" : "not significant",
			       significance);
		printf("\n");
	}
	if (d->repeated)
		print_cases_summary(d, significance);
	if (d->nscored >= 2)
		printf("  score     mean change %+.4f (95%% CI %+.4f to %+.4f) over %zu pairs\n",
		       d->dscore_mean, d->dscore_lo, d->dscore_hi, d->nscored);
	else if (d->nscored == 1)
		printf("  score     change %+.4f (one scored pair: no interval)\n", d->dscore_mean);
	change_line("latency", d->a.latency_p50, d->b.latency_p50, " ms p50", 0);
	change_line("", d->a.latency_p95, d->b.latency_p95, " ms p95", 0);
	change_line("cost", d->a.cost_usd, d->b.cost_usd, "", 1);
	printf("  tokens    %ld/%ld -> %ld/%ld in/out\n", d->a.tokens_in, d->a.tokens_out,
	       d->b.tokens_in, d->b.tokens_out);
	list(d, "newly failing", LLMOPS_CHANGE_NEWLY_FAILING, 0, limit, ctx, LLMOPS_SGR_RED);
	list(d, "newly passing", LLMOPS_CHANGE_NEWLY_PASSING, 0, limit, ctx, LLMOPS_SGR_GREEN);
	char title[64];
	snprintf(title, sizeof(title), "score moved more than %g", tolerance);
	list(d, title, LLMOPS_CHANGE_SCORE,
	     LLMOPS_CHANGE_NEWLY_FAILING | LLMOPS_CHANGE_NEWLY_PASSING, limit, ctx, "");
	list(d, "output changed", LLMOPS_CHANGE_OUTPUT,
	     LLMOPS_CHANGE_NEWLY_FAILING | LLMOPS_CHANGE_NEWLY_PASSING | LLMOPS_CHANGE_SCORE, limit,
	     ctx, "");
	if (d->repeated)
		print_lost(d, limit, ctx);
	only("only in A", d->only_a, d->nonly_a, limit);
	only("only in B", d->only_b, d->nonly_b, limit);
	printf("\n%s%s%s\n", llmops_color(ctx, regressed ? LLMOPS_SGR_RED : LLMOPS_SGR_GREEN),
	       regressed ? "regressed"
	       : (d->repeated ? d->cases_lost > 0 : d->pass_to_fail > 0) && significance >= 0
		       ? "no significant regression"
		       : "no regression",
	       llmops_color(ctx, LLMOPS_SGR_RESET));
}
