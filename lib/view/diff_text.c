/*
 * diff_text.c - two runs compared, as text (diff_text.h).
 */
#include "diff_text.h"

#include "diff_json.h"
#include "runfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void change_line(FILE *f, const char *what, double a, double b, const char *unit, int money)
{
	double r = llmops_rel_change(a, b);
	char x[64], y[64];
	if (isnan(a) && isnan(b))
		return;
	/* one side unknown (a run served from the cache has no latency): "-" */
	if (money)
		fprintf(f, "  %-9s %s -> %s", what, llmops_runfmt_money(x, sizeof(x), a),
			llmops_runfmt_money(y, sizeof(y), b));
	else
		fprintf(f, "  %-9s %s -> %s", what,
			llmops_runfmt_num(x, sizeof(x), a, "%.0f", unit),
			llmops_runfmt_num(y, sizeof(y), b, "%.0f", unit));
	if (!isnan(r))
		fprintf(f, " (%+.1f%%)", r);
	fprintf(f, "\n");
}

static void list(FILE *f, const struct llmops_diff *d, const char *title, unsigned mask,
		 unsigned skip, size_t limit, const struct llmops_sgr *c, const char *col)
{
	size_t n = 0, shown = 0;
	for (size_t i = 0; i < d->npairs; i++)
		n += (d->pairs[i].change & mask) && !(d->pairs[i].change & skip);
	if (!n)
		return;
	fprintf(f, "\n%s%s%s (%zu)\n", col, title, c->reset, n);
	for (size_t i = 0; i < d->npairs; i++) {
		const struct llmops_diff_pair *p = &d->pairs[i];
		if (!(p->change & mask) || (p->change & skip))
			continue;
		if (limit && shown++ >= limit) {
			fprintf(f, "  ... and %zu more (--limit 0 or --format json lists all)\n",
				n - limit);
			break;
		}
		char name[512];
		if (d->repeated)
			snprintf(name, sizeof(name), "%s #%d", p->b->case_id, p->b->repeat_index);
		else
			snprintf(name, sizeof(name), "%s", p->b->case_id);
		fprintf(f, "  %-24s %-5s -> %-5s", name, llmops_runfmt_verdict(p->a->passed),
			llmops_runfmt_verdict(p->b->passed));
		if (!isnan(p->dscore))
			fprintf(f, "  score %.3f -> %.3f (%+.3f)", p->a->score, p->b->score,
				p->dscore);
		if (*p->b->variant)
			fprintf(f, "  [%s]", p->b->variant);
		if (p->change & LLMOPS_CHANGE_BY_CONTENT)
			fprintf(f, "  (was %s, matched by content)", p->a->case_id);
		if ((mask & LLMOPS_CHANGE_NEWLY_FAILING) && p->b->error)
			fprintf(f, "  %s", p->b->error);
		fprintf(f, "\n");
	}
}

static void only(FILE *f, const char *title, const struct llmops_result *const *r, size_t n,
		 size_t limit)
{
	if (!n)
		return;
	fprintf(f, "\n%s (%zu):", title, n);
	for (size_t i = 0; i < n && (!limit || i < limit); i++)
		fprintf(f, " %s", r[i]->case_id);
	if (limit && n > limit)
		fprintf(f, " ... and %zu more", n - limit);
	fprintf(f, "\n");
}

static void print_cases_summary(FILE *f, const struct llmops_diff *d, double significance)
{
	fprintf(f,
		"  per case  %zu in both: %ld worse, %ld better by pass fraction; mean change "
		"%+.3f",
		d->ncases, d->cases_worse, d->cases_better, isnan(d->frac_mean) ? 0 : d->frac_mean);
	if (!isnan(d->frac_lo))
		fprintf(f, " (95%% CI %+.3f to %+.3f)", d->frac_lo, d->frac_hi);
	fprintf(f, ", paired t p = %.4g", d->frac_p);
	if (significance >= 0)
		fprintf(f, " (%s at %g)",
			d->frac_p < significance ? "significant" : "not significant", significance);
	fprintf(f, "\n");
}

/* Repeated runs: the cases that passed every repeat in A and not in B. */
static void print_lost(FILE *f, const struct llmops_diff *d, size_t limit,
		       const struct llmops_sgr *c)
{
	size_t shown = 0;
	if (!d->cases_lost)
		return;
	fprintf(f, "\n%sno longer passing every repeat%s (%ld)\n", c->red, c->reset, d->cases_lost);
	for (size_t i = 0; i < d->ncases; i++) {
		const struct llmops_diff_case *x = &d->cases[i];
		if (!x->lost)
			continue;
		if (limit && shown++ >= limit) {
			fprintf(f, "  ... and %zu more (--limit 0 or --format json lists all)\n",
				(size_t)d->cases_lost - limit);
			break;
		}
		fprintf(f, "  %-24s %ld/%ld -> %ld/%ld passed", x->b->case_id, x->passed_a,
			x->runs_a, x->passed_b, x->runs_b);
		if (*x->b->variant)
			fprintf(f, "  [%s]", x->b->variant);
		fprintf(f, "\n");
	}
}

void llmops_diff_print(FILE *f, const struct llmops_diff *d, const struct llmops_run_data *a,
		       const struct llmops_run_data *b, double tolerance, double significance,
		       size_t limit, const struct llmops_sgr *c)
{
	char pa[256], pb[256], ma[256], mb[256];
	int regressed = llmops_diff_regressed(d, significance);

	llmops_runfmt_prompt(a->run, pa, sizeof(pa));
	llmops_runfmt_prompt(b->run, pb, sizeof(pb));
	llmops_runfmt_model(a->run, ma, sizeof(ma));
	llmops_runfmt_model(b->run, mb, sizeof(mb));
	fprintf(f, "%sdiff%s %s (%s, %s)\n  -> %s (%s, %s)\n", c->bold, c->reset, a->run->id, pa,
		ma, b->run->id, pb, mb);
	fprintf(f, "  paired    %zu case%s", d->npairs, d->npairs == 1 ? "" : "s");
	if (d->by_content)
		fprintf(f, " (%ld by content)", d->by_content);
	fprintf(f, "; %zu only in A, %zu only in B%s", d->nonly_a, d->nonly_b,
		d->variants_renamed && d->npairs ? "; variants paired in order" : "");
	if (d->a.skipped || d->b.skipped) /* never asked: nothing to compare */
		fprintf(f, "; not sent (--max-cost), so not compared: %ld in A, %ld in B",
			d->a.skipped, d->b.skipped);
	fprintf(f, "\n");
	if (d->npairs) {
		fprintf(f, "  pass rate %.1f%% -> %.1f%% (%+.1f points)\n", 100 * d->paired_rate_a,
			100 * d->paired_rate_b, 100 * (d->paired_rate_b - d->paired_rate_a));
		fprintf(f,
			"  flips     %ld newly failing, %ld newly passing; exact McNemar p = %.4g",
			d->pass_to_fail, d->fail_to_pass, d->mcnemar_p);
		if (d->repeated)
			fprintf(f, " (over repeats, as if independent: see per case)");
		else if (significance >= 0)
			fprintf(f, " (%s at %g)",
				d->mcnemar_p < significance ? "significant" : "not significant",
				significance);
		fprintf(f, "\n");
	}
	if (d->repeated)
		print_cases_summary(f, d, significance);
	if (d->nscored >= 2)
		fprintf(f,
			"  score     mean change %+.4f (95%% CI %+.4f to %+.4f) over %zu pairs\n",
			d->dscore_mean, d->dscore_lo, d->dscore_hi, d->nscored);
	else if (d->nscored == 1)
		fprintf(f, "  score     change %+.4f (one scored pair: no interval)\n",
			d->dscore_mean);
	change_line(f, "latency", d->a.latency_p50, d->b.latency_p50, " ms p50", 0);
	change_line(f, "", d->a.latency_p95, d->b.latency_p95, " ms p95", 0);
	change_line(f, "cost", d->a.cost_usd, d->b.cost_usd, "", 1);
	fprintf(f, "  tokens    %ld/%ld -> %ld/%ld in/out\n", d->a.tokens_in, d->a.tokens_out,
		d->b.tokens_in, d->b.tokens_out);
	list(f, d, "newly failing", LLMOPS_CHANGE_NEWLY_FAILING, 0, limit, c, c->red);
	list(f, d, "newly passing", LLMOPS_CHANGE_NEWLY_PASSING, 0, limit, c, c->green);
	char title[64];
	snprintf(title, sizeof(title), "score moved more than %g", tolerance);
	list(f, d, title, LLMOPS_CHANGE_SCORE,
	     LLMOPS_CHANGE_NEWLY_FAILING | LLMOPS_CHANGE_NEWLY_PASSING, limit, c, "");
	list(f, d, "output changed", LLMOPS_CHANGE_OUTPUT,
	     LLMOPS_CHANGE_NEWLY_FAILING | LLMOPS_CHANGE_NEWLY_PASSING | LLMOPS_CHANGE_SCORE, limit,
	     c, "");
	if (d->repeated)
		print_lost(f, d, limit, c);
	only(f, "only in A", d->only_a, d->nonly_a, limit);
	only(f, "only in B", d->only_b, d->nonly_b, limit);
	fprintf(f, "\n%s%s%s\n", regressed ? c->red : c->green,
		regressed ? "regressed"
		: (d->repeated ? d->cases_lost > 0 : d->pass_to_fail > 0) && significance >= 0
			? "no significant regression"
			: "no regression",
		c->reset);
}
