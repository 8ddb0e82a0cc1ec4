/*
 * stats_view.c - `llmops stats` tables as JSON and text (stats_view.h).
 */
#include "stats_view.h"

#include "json.h"

#include "runfmt.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static cJSON *row_json(const struct llmops_stats_row *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", r->key);
	LLMOPS_JSON_NUMS(o, {"runs", r->runs}, {"cases", r->cases}, {"passed", r->passed},
			 {"errors", r->errored}, {"requests", r->requests},
			 {"cache_hits", r->cache_hits}, {"tokens_in", r->tokens_in},
			 {"tokens_out", r->tokens_out}, {"cost_usd", r->cost_usd},
			 {"latency_p50_ms", r->latency_p50}, {"latency_p95_ms", r->latency_p95},
			 {"error_rate", r->error_rate}, {"pass_rate", r->pass_rate});
	return o;
}

static void row_text(FILE *f, const struct llmops_stats_row *r)
{
	char p50[16] = "-", p95[16] = "-", er[16] = "-", pr[16] = "-";
	if (!isnan(r->latency_p50)) {
		snprintf(p50, sizeof(p50), "%.0f", r->latency_p50);
		snprintf(p95, sizeof(p95), "%.0f", r->latency_p95);
	}
	if (r->cases) {
		snprintf(er, sizeof(er), "%.1f%%", 100 * r->error_rate);
		snprintf(pr, sizeof(pr), "%.1f%%", 100 * r->pass_rate);
	}
	fprintf(f, "%-24.24s %6ld %8ld %9lld %11lld %11lld %12.6f %8s %8s %7s %7s\n", r->key,
		r->runs, r->cases, (long long)r->requests, (long long)r->tokens_in,
		(long long)r->tokens_out, r->cost_usd, p50, p95, er, pr);
}

cJSON *llmops_stats_json(const struct llmops_stats *s, const char *by, const char *since)
{
	cJSON *o = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(o, "rows"), *dr;
	cJSON_AddStringToObject(o, "by", by);
	if (since)
		cJSON_AddStringToObject(o, "since", since);
	for (size_t i = 0; i < s->nrows; i++)
		cJSON_AddItemToArray(rows, row_json(&s->rows[i]));
	cJSON_AddItemToObject(o, "total", row_json(&s->total));
	cJSON_AddNumberToObject(o, "series_tested", (double)s->series);
	dr = cJSON_AddArrayToObject(o, "drift");
	for (size_t i = 0; i < s->ndrift; i++) {
		const struct llmops_drift *d = &s->drift[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "prompt", d->prompt);
		cJSON_AddStringToObject(x, "dataset", d->dataset);
		cJSON_AddStringToObject(x, "model", d->model);
		cJSON_AddStringToObject(x, "metric", d->metric);
		LLMOPS_JSON_NUMS(x, {"before", d->before}, {"recent", d->after}, {"p", d->p},
				 {"runs_before", d->nbefore}, {"runs_recent", d->nafter});
		cJSON_AddItemToArray(dr, x);
	}
	return o;
}

void llmops_stats_print(FILE *f, const struct llmops_stats *s, const char *by, int tag,
			const struct llmops_sgr *c)
{
	fprintf(f, "%-24s %6s %8s %9s %11s %11s %12s %8s %8s %7s %7s\n", by, "RUNS", "CASES",
		"REQUESTS", "TOKENS IN", "TOKENS OUT", "COST USD", "P50 MS", "P95 MS", "ERRORS",
		"PASS");
	for (size_t i = 0; i < s->nrows; i++)
		row_text(f, &s->rows[i]);
	row_text(f, &s->total);
	if (s->ndrift) {
		fprintf(f, "\n%sdrift%s (newest third of a series against the runs before)\n",
			c->yellow, c->reset);
		for (size_t i = 0; i < s->ndrift; i++) {
			const struct llmops_drift *d = &s->drift[i];
			fprintf(f,
				"  %s on %s with %s: %s %.4g -> %.4g (p = %.2g; %zu recent runs "
				"against %zu)\n",
				d->prompt, d->dataset, d->model, d->metric, d->before, d->after,
				d->p, d->nafter, d->nbefore);
		}
	} else if (!tag) {
		fprintf(f, "\nno drift in %zu series of %d or more runs\n", s->series,
			LLMOPS_DRIFT_MIN_RUNS);
	}
}

/* ------------------------------------------------------------------ canary */

static void fmt_metric(char *out, size_t n, const char *metric, double v)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else if (!strcmp(metric, "latency_ms"))
		snprintf(out, n, "%.0f ms", v);
	else if (!strcmp(metric, "cost_usd"))
		snprintf(out, n, "$%.6f", v);
	else if (!strcmp(metric, "feedback_score"))
		snprintf(out, n, "%.3f", v);
	else
		snprintf(out, n, "%.1f%%", 100 * v);
}

static cJSON *side_json(const struct llmops_canary_side *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", s->version);
	LLMOPS_JSON_NUMS(o, {"requests", s->requests}, {"errors", s->errors},
			 {"error_rate", s->error_rate}, {"latency_mean_ms", s->latency_mean},
			 {"latency_p50_ms", s->latency_p50}, {"latency_p95_ms", s->latency_p95},
			 {"cost_mean_usd", s->cost_mean}, {"scored", s->scored},
			 {"passed", s->passed}, {"pass_rate", s->pass_rate},
			 {"feedback", (double)s->nfb}, {"feedback_mean", s->feedback_mean});
	return o;
}

static const char *verdict_of(const struct llmops_canary *c)
{
	return c->regression ? "regression" : c->conclusive ? "no regression" : "inconclusive";
}

cJSON *llmops_canary_json(const struct llmops_canary *c, const struct llmops_canary_view *v)
{
	cJSON *x = cJSON_CreateObject(), *tests;
	cJSON_AddStringToObject(x, "prompt", v->prompt);
	cJSON_AddNumberToObject(x, "weight", v->weight);
	cJSON_AddItemToObject(x, "stable", side_json(&c->stable));
	cJSON_AddItemToObject(x, "canary", side_json(&c->canary));
	cJSON_AddNumberToObject(x, "significance", v->alpha);
	tests = cJSON_AddArrayToObject(x, "tests");
	for (int i = 0; i < c->ntests; i++) {
		const struct llmops_canary_test *t = &c->tests[i];
		cJSON *y = cJSON_CreateObject();
		cJSON_AddStringToObject(y, "metric", t->metric);
		cJSON_AddBoolToObject(y, "tested", t->tested);
		LLMOPS_JSON_NUMS(y, {"stable", t->stable}, {"canary", t->canary}, {"p", t->p});
		cJSON_AddBoolToObject(y, "worse", t->worse);
		cJSON_AddItemToArray(tests, y);
	}
	cJSON_AddStringToObject(x, "verdict", verdict_of(c));
	return x;
}

void llmops_canary_print(FILE *f, const struct llmops_canary *c, const struct llmops_canary_view *v,
			 const struct llmops_sgr *sgr)
{
	const char *verdict = verdict_of(c);
	fprintf(f, "canary %s@%s (%d%%) against stable %s, on production%s%s:\n", v->prompt,
		v->canary, v->weight, v->stable, v->since ? " since " : "",
		v->since ? v->since : "");
	struct llmops_table t;
	llmops_table_init(&t, 5);
	llmops_table_add(&t, "");
	llmops_table_addf(&t, "%s", v->stable);
	llmops_table_addf(&t, "%s", v->canary);
	llmops_table_add(&t, "p");
	llmops_table_add(&t, "");
	llmops_table_add(&t, "requests");
	llmops_table_addf(&t, "%ld", c->stable.requests);
	llmops_table_addf(&t, "%ld", c->canary.requests);
	llmops_table_add(&t, "");
	llmops_table_add(&t, "");
	for (int i = 0; i < c->ntests; i++) {
		const struct llmops_canary_test *x = &c->tests[i];
		char a[32], b[32];
		fmt_metric(a, sizeof(a), x->metric, x->stable);
		fmt_metric(b, sizeof(b), x->metric, x->canary);
		llmops_table_add(&t, x->metric);
		llmops_table_add(&t, a);
		llmops_table_add(&t, b);
		if (x->tested)
			llmops_table_addf(&t, "%.3g", x->p);
		else
			llmops_table_add(&t, "-");
		llmops_table_add(&t, x->worse	 ? "worse"
				     : x->tested ? ""
				     : !strcmp(x->metric, "pass_rate")
					     ? "too few scored (llmops eval --production)"
				     : !strcmp(x->metric, "feedback_score")
					     ? "too little feedback (llmops ingest)"
					     : "too little traffic");
	}
	llmops_table_print(f, &t, "  ", "  ");
	llmops_table_release(&t);
	fprintf(f, "verdict: %s%s%s", c->regression ? sgr->red : sgr->green, verdict, sgr->reset);
	if (c->regression) {
		const char *sep = " (";
		for (int i = 0; i < c->ntests; i++) {
			if (!c->tests[i].worse)
				continue;
			fprintf(f, "%s%s p = %.3g", sep, c->tests[i].metric, c->tests[i].p);
			sep = "; ";
		}
		fprintf(f, ")");
	} else if (!c->conclusive) {
		fprintf(f, " (fewer than %d requests on a side)", LLMOPS_CANARY_MIN_REQUESTS);
	}
	fprintf(f, " at p < %g\n", v->alpha);
}
