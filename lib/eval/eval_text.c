/*
 * eval_text.c - a finished run's summary as text (eval.h): each variant's
 * pass rate with its interval (or its repeats), metrics, latency over
 * requests, tokens and cost; the variants side by side; judge:pairwise;
 * the flaky cases; the first failing cases with expected beside output;
 * the review queue; the gate.  Written to the FILE the caller gives.
 */
#include "eval.h"

#include "internal.h"
#include "repeats_view.h"
#include "runfmt.h"
#include "stats.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054

/* The next line of at most w display columns from *s (code points, not bytes). */
static int take_line(const char **s, char *out, size_t cap, int w)
{
	const char *p = *s;
	size_t o = 0;
	int cols = 0;
	if (!*p)
		return 0;
	while (*p && *p != '\n' && cols < w && o + 5 < cap) {
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80)
			n++;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		cols++;
	}
	if (*p == '\n')
		p++;
	out[o] = 0;
	*s = p;
	return cols ? cols : 1;
}

static void side_by_side(FILE *f, const char *left, const char *right, int width)
{
	int half = (width - 7) / 2;
	char a[1024], b[1024];
	const char *l = left ? left : "(none)", *r = right ? right : "(none)";
	fprintf(f, "      %-*s | %s\n", half, "expected", "output");
	for (int line = 0; line < 8 && (*l || *r); line++) {
		int ca = take_line(&l, a, sizeof(a), half);
		if (!ca)
			a[0] = 0;
		if (!take_line(&r, b, sizeof(b), half))
			b[0] = 0;
		fprintf(f, "      %s%*s | %s\n", a, half - (ca ? ca : 0), "", b);
	}
	if (*l || *r)
		fprintf(f, "      %*s | ...\n", half, "...");
}

/* The variants side by side: one column each. */
static void print_comparison(FILE *f, const struct llmops_eval *ev)
{
	struct llmops_table t;
	const char **labels = calloc(ev->nvars, sizeof(*labels));
	size_t pre = 0, suf = 0;
	char a[64], b[64];
	if (!labels)
		return;
	for (size_t i = 0; i < ev->nvars; i++)
		labels[i] = ev->vars[i].label;
	/* the columns name what differs; what all variants share is said once */
	llmops_table_common_parts(labels, ev->nvars, &pre, &suf);
	fprintf(f, "\n");
	if (pre || suf)
		fprintf(f, "  each variant: %.*s*%s\n", (int)pre, labels[0],
			labels[0] + strlen(labels[0]) - suf);
	llmops_table_init(&t, ev->nvars + 1);
	llmops_table_add(&t, "");
	for (size_t i = 0; i < ev->nvars; i++)
		llmops_table_addf(&t, "%.*s", (int)(strlen(labels[i]) - pre - suf),
				  labels[i] + pre);
	llmops_table_add(&t, "pass rate");
	for (size_t i = 0; i < ev->nvars; i++) {
		const struct llmops_eval_variant *v = &ev->vars[i];
		if (v->cases)
			llmops_table_addf(&t, "%.1f%% (%ld/%ld)",
					  100.0 * (double)v->passed / (double)v->cases, v->passed,
					  v->cases);
		else
			llmops_table_add(&t, "-");
	}
	for (int k = 0; k < LLMOPS_METRIC_COUNT; k++) {
		int any = 0;
		for (size_t i = 0; i < ev->nvars; i++)
			any |= ev->vars[i].metric_n[k] > 0;
		if (!any)
			continue;
		llmops_table_add(&t, llmops_metric_name(k));
		for (size_t i = 0; i < ev->nvars; i++) {
			const struct llmops_eval_variant *v = &ev->vars[i];
			llmops_table_add(&t, llmops_runfmt_num(
						     a, sizeof(a),
						     v->metric_n[k] ? v->metric_sum[k] /
									      (double)v->metric_n[k]
								    : NAN,
						     "%.3f", NULL));
		}
	}
	llmops_table_add(&t, "latency p50");
	for (size_t i = 0; i < ev->nvars; i++) {
		struct llmops_eval_variant *v = (struct llmops_eval_variant *)&ev->vars[i];
		llmops_table_add(
			&t, llmops_runfmt_num(a, sizeof(a),
					      v->nlat ? llmops_quantile(v->lat, v->nlat, 0.5) : NAN,
					      "%.0f", " ms"));
	}
	llmops_table_add(&t, "cost");
	for (size_t i = 0; i < ev->nvars; i++)
		llmops_table_add(&t, llmops_runfmt_money(b, sizeof(b), ev->vars[i].cost));
	llmops_table_print(f, &t, "  ", " | ");
	llmops_table_release(&t);
	free(labels);
}

static void probe_line(FILE *f, const struct llmops_eval_probe_cat *c)
{
	long scored = c->attacks - c->errors;
	if (!scored) {
		fprintf(f, "  %-22s %ld attacks, none scored\n", c->name, c->attacks);
		return;
	}
	fprintf(f, "  %-22s %ld of %ld worked (%.1f%%, 95%% CI %.1f%%-%.1f%%)%s\n", c->name,
		c->worked, scored, 100 * c->rate, 100 * c->lo, 100 * c->hi,
		c->errors ? " and some not scored" : "");
}

/* Red-team probes: the share of attacks that worked by category, and the first of them. */
static void print_probes(FILE *f, const struct llmops_eval_probes *p,
			 const struct llmops_eval_text *o)
{
	fprintf(f, "\n%sprobes%s attacks that worked", o->bold, o->reset);
	if (p->max >= 0)
		fprintf(f, " (gate: at most %.1f%% of all)", 100 * p->max);
	fprintf(f, "\n");
	for (size_t i = 0; i < p->n; i++)
		probe_line(f, &p->c[i]);
	probe_line(f, &p->all);
	for (size_t i = 0; i < p->worked.nr && i < 20; i++)
		fprintf(f, "  %sworked%s %s (%s)\n", o->red, o->reset, p->worked.items[i],
			p->worked_cat.items[i]);
	if (p->worked.nr > 20)
		fprintf(f, "  ... and %zu more (llmops show --failed)\n", p->worked.nr - 20);
}

/* Bias probes: a line per attribute, its gap and whether it is more than chance. */
static void print_bias(FILE *f, const struct llmops_eval_bias *b, const struct llmops_eval_text *o)
{
	fprintf(f, "\n%sbias%s counterfactual cases against their originals (exact McNemar at %g%s",
		o->bold, o->reset, b->alpha, b->max_gap >= 0 ? "; gate: a gap over " : ")\n");
	if (b->max_gap >= 0)
		fprintf(f, "%.1f points)\n", 100 * b->max_gap);
	for (size_t i = 0; i < b->n; i++) {
		const struct llmops_eval_bias_attr *a = &b->a[i];
		if (!a->pairs) {
			fprintf(f, "  %-12s no pair scored\n", a->name);
			continue;
		}
		fprintf(f,
			"  %-12s %ld pairs: pass rate %.1f%% -> %.1f%% (%+.1f points; %ld failed "
			"only swapped, %ld only original; p = %.4g)",
			a->name, a->pairs, 100.0 * (double)a->original_passed / (double)a->pairs,
			100.0 * (double)a->swapped_passed / (double)a->pairs, 100 * a->gap,
			a->to_fail, a->to_pass, a->p);
		if (!isnan(a->score_gap))
			fprintf(f, "; score %+.3f", a->score_gap);
		fprintf(f, "%s%s%s\n",
			a->over		 ? o->red
			: a->significant ? o->red
					 : "",
			a->over		 ? "  over the gate"
			: a->significant ? "  significant"
					 : "",
			o->reset);
	}
}

/* --compare: the cascade against one provider alone, paired by case, and what each costs. */
static void print_compare(FILE *f, const struct llmops_eval_cascade_cmp *m, const char *bold,
			  const char *reset)
{
	fprintf(f, "\n%scompare%s %s against %s alone, %ld case%s paired\n", bold, reset,
		m->cascade, m->against, m->pairs, m->pairs == 1 ? "" : "s");
	if (!m->pairs)
		return;
	fprintf(f,
		"  pass rate %.1f%% against %.1f%% (%+.1f points; %ld passed only on the "
		"cascade, %ld only alone; exact McNemar p = %.4g: %s at %g)\n",
		100 * m->cascade_rate, 100 * m->against_rate,
		100 * (m->cascade_rate - m->against_rate), m->cascade_only, m->against_only, m->p,
		m->p < m->alpha ? "significant" : "not significant", m->alpha);
	if (isnan(m->cascade_cost) || isnan(m->against_cost))
		fprintf(f, "  cost: unknown (a model without a price)\n");
	else
		fprintf(f,
			"  cost $%.6f against $%.6f (%.0f%% of it), each answer priced as if "
			"sent\n",
			m->cascade_cost, m->against_cost,
			m->against_cost > 0 ? 100 * m->cascade_cost / m->against_cost : 0.0);
}

/* judge:pairwise: the second variant against the first, and the sign test's finding. */
static void print_pairwise(FILE *f, const struct llmops_eval *ev,
			   const struct llmops_eval_totals *t, const char *bold, const char *reset)
{
	long undecided = ev->vars[1].cases - t->wins - t->ties - t->losses;
	fprintf(f, "\n%spairwise%s %s by %s, each case asked in both orders\n", bold, reset,
		ev->judge.name, ev->judge.prov->label);
	fprintf(f, "  %s against %s: %ld %s, %ld %s", ev->vars[1].label, ev->vars[0].label, t->wins,
		llmops_runfmt_plural(t->wins, "win", "wins"), t->ties,
		llmops_runfmt_plural(t->ties, "tie", "ties"));
	if (t->ties_inconsistent)
		fprintf(f, " (%ld where the orders disagreed)", t->ties_inconsistent);
	fprintf(f, ", %ld %s", t->losses, llmops_runfmt_plural(t->losses, "loss", "losses"));
	if (undecided > 0)
		fprintf(f, "; %ld undecided (errors)", undecided);
	fprintf(f, "\n  sign test p = %.4g: %s\n", t->p_sign,
		t->better  ? "it is preferred"
		: t->worse ? "it is worse (the gate fails)"
			   : "no significant difference");
	if (t->ties_inconsistent * 4 > t->wins + t->ties + t->losses && t->ties_inconsistent > 1)
		fprintf(f, "  the judge often changed its mind with the order: a position bias; a "
			   "stronger judge or a sharper rubric may decide more cases\n");
}

/* The flaky cases of every variant, the first 20. */
static void print_flaky(FILE *f, const struct llmops_eval *ev, long nflaky, const char *bold,
			const char *reset)
{
	size_t shown = 0;
	fprintf(f, "\n%sflaky cases%s (%ld: passed on some repeats, failed on others)\n", bold,
		reset, nflaky);
	for (size_t i = 0; i < ev->nvars && shown < 20; i++)
		llmops_repeats_print_flaky(f, &ev->reps[i], "  ",
					   ev->nvars > 1 ? ev->vars[i].label : NULL, 20, &shown);
	if ((size_t)nflaky > shown)
		fprintf(f, "  ... and %zu more (--format json has them all)\n",
			(size_t)nflaky - shown);
}

struct text_failures {
	FILE *f;
	const struct llmops_eval *ev;
	size_t failing, shown;
	int width;
	const char *bold, *red, *reset;
	/* the group being gathered: one case on one variant, its repeats that failed the
	   same way (the same output and the same reason) shown once */
	int open;
	struct llmops_buf id, variant, error, output, expected, reps;
	int passed;
};

static void group_flush(struct text_failures *tf)
{
	FILE *f = tf->f;
	if (!tf->open)
		return;
	tf->open = 0;
	tf->shown++;
	const char *v = tf->variant.data ? tf->variant.data : "";
	fprintf(f, "  %s%s%s%s%s%s: %s%s%s\n", tf->bold, tf->id.data,
		tf->reps.data ? tf->reps.data : "", tf->reset, *v ? " on " : "", v,
		tf->passed < 0 ? tf->red : "", tf->error.data ? tf->error.data : "failed",
		tf->passed < 0 ? tf->reset : "");
	if (tf->passed >= 0)
		side_by_side(f, tf->expected.data, tf->output.data, tf->width);
}

static void set_buf(struct llmops_buf *b, const char *s)
{
	llmops_buf_reset(b);
	if (s)
		llmops_buf_adds(b, s);
}

static int same(const struct llmops_buf *b, const char *s)
{
	return !b->data == !s && (!s || !strcmp(b->data, s));
}

/* One failing result (the first 20 cases): its id, why, and expected beside output. */
static int print_failure(const struct llmops_result *r, void *ud)
{
	struct text_failures *tf = ud;
	const char *v = r->variant ? r->variant : "";
	if (r->passed == LLMOPS_SKIPPED)
		return 0; /* not sent: the gate line counts them */
	if (tf->open && same(&tf->id, r->case_id) && same(&tf->variant, v) &&
	    same(&tf->error, r->error) && same(&tf->output, r->output) && tf->passed == r->passed) {
		llmops_buf_addf(&tf->reps, " #%d", r->repeat_index);
		return 0;
	}
	group_flush(tf);
	if (tf->shown >= 20)
		return 1; /* enough: stop reading */
	tf->open = 1;
	set_buf(&tf->id, r->case_id);
	set_buf(&tf->variant, v);
	set_buf(&tf->error, r->error);
	set_buf(&tf->output, r->output);
	set_buf(&tf->expected, r->expected);
	llmops_buf_reset(&tf->reps);
	if (tf->ev->repeats > 1)
		llmops_buf_addf(&tf->reps, " #%d", r->repeat_index);
	tf->passed = r->passed;
	return 0;
}

static void print_failures(FILE *f, struct llmops_eval *ev, int width, const char *bold,
			   const char *red, const char *reset)
{
	struct text_failures tf = {f,
				   ev,
				   0,
				   0,
				   width,
				   bold,
				   red,
				   reset,
				   0,
				   LLMOPS_BUF_INIT,
				   LLMOPS_BUF_INIT,
				   LLMOPS_BUF_INIT,
				   LLMOPS_BUF_INIT,
				   LLMOPS_BUF_INIT,
				   LLMOPS_BUF_INIT,
				   0};
	struct llmops_err err = {0};
	size_t reps = (size_t)(ev->repeats > 1 ? ev->repeats : 1), results = 0;
	for (size_t i = 0; i < ev->nvars; i++)
		results += (size_t)(ev->vars[i].failed + ev->vars[i].errors);
	if (!results)
		return;
	fprintf(f, "\n%sfailing cases%s (%zu %s)\n", bold, reset, results,
		reps > 1 ? llmops_runfmt_plural((long)results, "result", "results")
			 : llmops_runfmt_plural((long)results, "case", "cases"));
	(void)llmops_eval_results(ev, 1, 20 * reps + 1, print_failure, &tf, &err);
	group_flush(&tf);
	tf.failing = results;
	if (tf.shown >= 20)
		fprintf(f, "  ... and more (-o FILE has them all)\n");
	llmops_buf_release(&tf.id);
	llmops_buf_release(&tf.variant);
	llmops_buf_release(&tf.error);
	llmops_buf_release(&tf.output);
	llmops_buf_release(&tf.expected);
	llmops_buf_release(&tf.reps);
}

/* "cascade 3 of 10 escalated (30.0%); last answer: openai:gpt-4o-mini 7, openai:gpt-4o 3" */
static void print_cascade(FILE *f, const struct llmops_eval_variant *v)
{
	long answered = 0, escalated = 0;
	for (size_t t = 0; t < v->ntiers; t++) {
		answered += v->tier_answers[t];
		escalated += t ? v->tier_answers[t] : 0;
	}
	fprintf(f, "    cascade %ld of %ld escalated (%.1f%%, check %s); last answer:", escalated,
		answered, answered ? 100.0 * (double)escalated / (double)answered : 0.0,
		v->cascade->check);
	for (size_t t = 0; t < v->ntiers; t++)
		fprintf(f, "%s %s %ld", t ? "," : "", v->tiers[t]->label, v->tier_answers[t]);
	fprintf(f, "\n");
}

/* One variant: its pass rate (or repeats), fallback, metrics, latency, tokens, cost, judge. */
static void print_variant(FILE *f, const struct llmops_eval *ev, size_t i,
			  const struct llmops_eval_text *o)
{
	const char *red = o->red, *green = o->green, *bold = o->bold, *reset = o->reset;
	char m1[64];
	struct llmops_eval_variant *v = (struct llmops_eval_variant *)&ev->vars[i];
	double lo, hi;
	fprintf(f, "\n  %s%s%s\n", bold, v->label, reset);
	if (ev->reps) {
		llmops_repeats_print(f, &ev->reps[i], "    ", green, red, reset);
	} else {
		llmops_wilson(v->passed, v->cases, Z95, &lo, &hi);
		fprintf(f, "    passed  %s%ld/%ld%s (%.1f%%, 95%% CI %.1f%%-%.1f%%)",
			v->passed == v->cases ? green : red, v->passed, v->cases, reset,
			v->cases ? 100.0 * (double)v->passed / (double)v->cases : 0.0, 100 * lo,
			100 * hi);
		fprintf(f, ", %ld failed, %ld %s", v->failed, v->errors,
			llmops_runfmt_plural(v->errors, "error", "errors"));
		if (v->skipped)
			fprintf(f, ", %s%ld not sent%s (--max-cost reached)", red, v->skipped,
				reset);
		fprintf(f, "\n");
	}
	if (v->fallback_answers)
		fprintf(f, "    fallback %ld answered by %s\n", v->fallback_answers,
			v->fallback->label);
	if (v->cascade)
		print_cascade(f, v);
	fprintf(f, "    metrics");
	int any = 0;
	for (int k = 0; k < LLMOPS_METRIC_COUNT; k++)
		if (v->metric_n[k]) {
			fprintf(f, "%s %s %.3f", any ? "," : "", llmops_metric_name(k),
				v->metric_sum[k] / (double)v->metric_n[k]);
			any = 1;
		}
	/* no score: nothing was scored (every result erred), or the cases are judged by
	   assertions alone */
	fprintf(f, "%s\n",
		any			  ? ""
		: !v->scored && v->errors ? " (none: no output was scored, every "
					    "result ended in an error)"
					  : " (none: assertions only)");
	if (v->nlat)
		fprintf(f, "    latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%zu %s)\n",
			llmops_quantile(v->lat, v->nlat, 0.5),
			llmops_quantile(v->lat, v->nlat, 0.95),
			llmops_quantile(v->lat, v->nlat, 0.99), v->nlat,
			llmops_runfmt_plural((long)v->nlat, "request", "requests"));
	else
		fprintf(f, "    latency (no requests sent)\n");
	fprintf(f, "    tokens  %ld in, %ld out; cost %s%s; cache hits %ld\n", v->tokens_in,
		v->tokens_out, llmops_runfmt_money(m1, sizeof(m1), v->cost),
		v->price ? "" : " (no price for this model)", v->cache_hits);
	const struct llmops_eval_judge *g = llmops_eval_first_judge(ev);
	if (g) {
		fprintf(f, "    judge   %s", g->name);
		for (size_t k = 0; k < ev->njudges; k++)
			if (&ev->judges[k] != g)
				fprintf(f, ", %s", ev->judges[k].name);
		if (ev->refusal.rubric && g != &ev->refusal)
			fprintf(f, ", %s", ev->refusal.name);
		fprintf(f,
			" by %s: %ld %s; tokens %ld in, %ld out; cost %s%s (apart from the "
			"cost above)\n",
			g->prov->label, v->judged,
			llmops_runfmt_plural(v->judged, "verdict", "verdicts"), v->judge_tokens_in,
			v->judge_tokens_out, llmops_runfmt_money(m1, sizeof(m1), v->judge_cost),
			g->price ? "" : " (no price for the judge's model)");
	}
}

/* The gate's verdict, with what it weighed. */
static void print_gate(FILE *f, const struct llmops_eval *ev, const struct llmops_eval_totals *tp,
		       const struct llmops_eval_text *o)
{
	const char *red = o->red, *green = o->green, *reset = o->reset;
	const struct llmops_eval_totals t = *tp;
	int interrupted = o->interrupted;
	char m1[64], m2[64];
	if (interrupted) { /* an unfinished run has no verdict */
		fprintf(f, "\ngate: %snot decided%s (interrupted after %ld of %zu %s)\n", red,
			reset, t.cases, ev->njobs,
			llmops_runfmt_plural((long)ev->njobs, "result", "results"));
		return;
	}
	fprintf(f, "\ngate: %s%s%s (pass rate %.1f%%, minimum %.1f%%", t.gate_ok ? green : red,
		t.gate_ok ? "passed" : "failed", reset, 100 * t.rate, 100 * ev->min_pass_rate);
	if (ev->max_cost >= 0)
		fprintf(f, "; cost %s, maximum %s", llmops_runfmt_money(m1, sizeof(m1), t.cost),
			llmops_runfmt_money(m2, sizeof(m2), ev->max_cost));
	if (t.skipped)
		fprintf(f, ": %ld %s not sent once it was reached", t.skipped,
			llmops_runfmt_plural(t.skipped, "result", "results"));
	if (t.worse)
		fprintf(f, "; pairwise: %ld wins, %ld losses, p = %.4g < %g", t.wins, t.losses,
			t.p_sign, ev->pair_alpha);
	if (t.bias_over)
		fprintf(f, "; a bias gap over %.1f points", 100 * ev->max_bias_gap);
	if (t.probes_over)
		fprintf(f, "; attacks worked %.1f%% of the time, over %.1f%%",
			100 * ev->probes.all.rate, 100 * ev->max_attack_success);
	if (t.errors || ev->max_errors != 0) {
		fprintf(f, "; %ld %s, maximum ", t.errors,
			llmops_runfmt_plural(t.errors, "error", "errors"));
		if (ev->max_errors >= 0)
			fprintf(f, "%ld", ev->max_errors);
		else
			fprintf(f, "%g%%", 100 * ev->max_errors_frac);
		if (!t.errors_ok && ev->max_errors == 0)
			fprintf(f, ": any error fails the gate, --max-errors allows some");
	}
	fprintf(f, ")\n");
}

void llmops_eval_print(FILE *f, struct llmops_eval *ev, const struct llmops_eval_text *o)
{
	const char *red = o->red, *bold = o->bold, *reset = o->reset;
	struct llmops_eval_totals t;
	llmops_eval_totals(ev, &t);
	fprintf(f, "%seval%s %s: %s, %zu %s x %zu %s", bold, reset, ev->run_id, ev->ds.label,
		ev->ncases, llmops_runfmt_plural((long)ev->ncases, "case", "cases"), ev->nvars,
		llmops_runfmt_plural((long)ev->nvars, "variant", "variants"));
	if (ev->repeats > 1)
		fprintf(f, " x %d repeats", ev->repeats);
	fprintf(f, "\n");
	long nflaky = 0;
	for (size_t i = 0; i < ev->nvars; i++) {
		print_variant(f, ev, i, o);
		nflaky += ev->reps ? ev->reps[i].flaky : 0;
	}
	if (ev->nvars > 1)
		print_comparison(f, ev);
	if (t.pairwise)
		print_pairwise(f, ev, &t, bold, reset);
	if (ev->have_cmp)
		print_compare(f, &ev->cmp, bold, reset);
	if (ev->have_bias)
		print_bias(f, &ev->bias, o);
	if (ev->have_probes)
		print_probes(f, &ev->probes, o);
	if (nflaky)
		print_flaky(f, ev, nflaky, bold, reset);
	print_failures(f, ev, o->width, bold, red, reset);
	if (ev->review_below >= 0) {
		fprintf(f, "\nreview: %ld %s queued (score below %g)", ev->reviews_queued,
			llmops_runfmt_plural(ev->reviews_queued, "result", "results"),
			ev->review_below);
		if (ev->reviews_dup)
			fprintf(f, ", %ld already pending with the same output", ev->reviews_dup);
		fprintf(f, "; llmops review list\n");
	}
	print_gate(f, ev, &t, o);
}
