/*
 * diff_out.c - two runs compared, as text and JSON (see diff_out.h).
 */
#include "diff_out.h"

#include "run_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void change_line(const char *what, double a, double b, const char *unit, int money)
{
	double r = llmops_rel_change(a, b);
	char x[64], y[64];
	if (isnan(a) && isnan(b))
		return;
	/* one side unknown (a run served from the cache has no latency): "-" */
	if (money)
		printf("  %-9s %s -> %s", what, llmops_runfmt_money(x, sizeof(x), a),
		       llmops_runfmt_money(y, sizeof(y), b));
	else
		printf("  %-9s %s -> %s", what, llmops_runfmt_num(x, sizeof(x), a, "%.0f", unit),
		       llmops_runfmt_num(y, sizeof(y), b, "%.0f", unit));
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
		printf("  %-24s %-5s -> %-5s", name, llmops_runfmt_verdict(p->a->passed),
		       llmops_runfmt_verdict(p->b->passed));
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

	llmops_runfmt_prompt(a->run, pa, sizeof(pa));
	llmops_runfmt_prompt(b->run, pb, sizeof(pb));
	llmops_runfmt_model(a->run, ma, sizeof(ma));
	llmops_runfmt_model(b->run, mb, sizeof(mb));
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
