/*
 * show_text.c - a run as `llmops show` prints it (show_text.h): the
 * summary, the repeats, one line per case, or one case in full.
 */
#include "show_text.h"

#include "repeats_view.h"
#include "runfmt.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054

static void print_summary(FILE *f, const struct llmops_run_data *d, int repeated,
			  const struct llmops_sgr *c)
{
	const struct llmops_run *r = d->run;
	char when[32], prompt[256], model[256], commit[16];
	const char *st = llmops_run_status_name(r->status);
	double lo, hi;

	llmops_runfmt_when(r->started_at, when, sizeof(when));
	llmops_runfmt_prompt(r, prompt, sizeof(prompt));
	llmops_runfmt_model(r, model, sizeof(model));
	llmops_runfmt_commit(r, commit, sizeof(commit));
	fprintf(f, "%srun %s%s %s%s%s\n", c->bold, r->id, c->reset,
		r->status == LLMOPS_RUN_PASSED ? c->green : c->red, st ? st : "?", c->reset);
	fprintf(f, "  kind      %s\n", r->kind);
	fprintf(f, "  started   %s", when);
	if (!isnan(r->duration_ms))
		fprintf(f, ", took %.1f s", r->duration_ms / 1000.0);
	fprintf(f, "\n");
	if (r->command)
		fprintf(f, "  command   %s\n", r->command);
	fprintf(f, "  commit    %s%s\n", commit,
		r->git_dirty == 1 ? " (the prompt files differed from it)" : "");
	fprintf(f, "  prompt    %s\n", prompt);
	fprintf(f, "  provider  %s\n", model);
	if (r->dataset_path)
		fprintf(f, "  dataset   %s (sha256 %.12s)\n", r->dataset_path,
			r->dataset_sha256 ? r->dataset_sha256 : "?");
	llmops_wilson((long)r->passed, (long)r->cases, Z95, &lo, &hi);
	int reps = llmops_runfmt_repeats(r);
	fprintf(f, "  cases     %lld", (long long)r->cases);
	if (reps > 1)
		fprintf(f, " (%lld cases x %d repeats)", (long long)r->cases / reps, reps);
	fprintf(f, ": %lld passed, %lld failed, %lld %s", (long long)r->passed,
		(long long)r->failed, (long long)r->errored,
		llmops_runfmt_plural((long)r->errored, "error", "errors"));
	if (r->skipped)
		fprintf(f, ", %lld not sent (--max-cost reached)", (long long)r->skipped);
	if (r->cases && repeated) /* the interval that knows repeats follows */
		fprintf(f, "; pass rate %.1f%%", 100.0 * (double)r->passed / (double)r->cases);
	else if (r->cases)
		fprintf(f, "; pass rate %.1f%% (95%% CI %.1f%%-%.1f%%)",
			100.0 * (double)r->passed / (double)r->cases, 100 * lo, 100 * hi);
	fprintf(f, "\n");
	if (!isnan(r->score_mean))
		fprintf(f, "  score     mean %.3f\n", r->score_mean);
	if (!isnan(r->latency_p50))
		fprintf(f, "  latency   p50 %.0f ms, p95 %.0f ms", r->latency_p50, r->latency_p95);
	else
		fprintf(f, "  latency   -");
	fprintf(f, " (%lld requests, %lld cache hits)\n", (long long)r->requests,
		(long long)r->cache_hits);
	char money[64];
	fprintf(f, "  tokens    %lld in, %lld out; cost %s\n", (long long)r->tokens_in,
		(long long)r->tokens_out, llmops_runfmt_money(money, sizeof(money), r->cost_usd));
}

static void one_line(FILE *f, const struct llmops_result *x, int variants, int repeated,
		     const struct llmops_sgr *c)
{
	const char *col = x->passed == 1 ? c->green : c->red;
	char name[512];
	if (repeated)
		snprintf(name, sizeof(name), "%s #%d", x->case_id, x->repeat_index);
	else
		snprintf(name, sizeof(name), "%s", x->case_id);
	fprintf(f, "  %s%-5s%s %-24s", col, llmops_runfmt_verdict(x->passed), c->reset, name);
	if (isnan(x->score))
		fprintf(f, " %6s", "-");
	else
		fprintf(f, " %6.3f", x->score);
	if (x->cache_hit)
		fprintf(f, " %8s", "cached");
	else if (isnan(x->latency_ms))
		fprintf(f, " %8s", "-");
	else
		fprintf(f, " %5.0f ms", x->latency_ms);
	if (!isnan(x->cost_usd))
		fprintf(f, "  $%.6f", x->cost_usd);
	if (variants && x->variant && *x->variant)
		fprintf(f, "  [%s]", x->variant);
	if (x->error)
		fprintf(f, "  %s", x->error);
	fprintf(f, "\n");
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* " ($COST)" when the verdict v says what it cost. */
static void verdict_cost(FILE *f, const cJSON *v)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "cost_usd");
	if (cJSON_IsNumber(c))
		fprintf(f, " ($%.6f)", c->valuedouble);
}

/* The judges' verdicts on a result, as recorded (results.judge): the metric's (a rubric's
   score, or a pairwise outcome with both orders) and the refusal judge's. */
static void judge_lines(FILE *f, const char *verdict)
{
	cJSON *j = cJSON_Parse(verdict);
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "score");
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(j, "orders"), *o;
	const cJSON *rf = cJSON_GetObjectItemCaseSensitive(j, "refusal");
	if (cJSON_HasObjectItem(j, "rubric")) {
		fprintf(f, "  judge     %s by %s: ", jstr(j, "rubric"), jstr(j, "judge"));
		if (cJSON_IsNumber(sc)) {
			const cJSON *lo = cJSON_GetObjectItemCaseSensitive(j, "scale_min");
			const cJSON *hi = cJSON_GetObjectItemCaseSensitive(j, "scale_max");
			const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "weighted");
			fprintf(f, "%g", sc->valuedouble);
			if (cJSON_IsNumber(w) && fabs(w->valuedouble - sc->valuedouble) >= 0.005)
				fprintf(f, " (weighted %.2f)", w->valuedouble);
			if (cJSON_IsNumber(lo) && cJSON_IsNumber(hi))
				fprintf(f, " on %g-%g", lo->valuedouble, hi->valuedouble);
			if (*jstr(j, "reason"))
				fprintf(f, ": %s", jstr(j, "reason"));
		} else {
			fprintf(f, "%s against %s%s", jstr(j, "outcome"), jstr(j, "against"),
				cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "consistent"))
					? ""
					: " (the orders disagreed)");
		}
		verdict_cost(f, j);
		fprintf(f, "\n");
		cJSON_ArrayForEach (o, orders)
			fprintf(f, "            %s first: %s%s%s\n", jstr(o, "first"),
				jstr(o, "winner"), *jstr(o, "reason") ? ", " : "",
				jstr(o, "reason"));
	}
	if (cJSON_IsObject(rf)) {
		fprintf(f, "  refusal   %s by %s: %s%s%s", jstr(rf, "rubric"), jstr(rf, "judge"),
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rf, "refused")) ? "refuses"
										      : "answers",
			*jstr(rf, "reason") ? ": " : "", jstr(rf, "reason"));
		verdict_cost(f, rf);
		fprintf(f, "\n");
	}
	cJSON_Delete(j);
}

/* A tool loop's steps: each request's tool calls and what the tools answered. */
static void step_lines(FILE *f, const char *json)
{
	cJSON *steps = cJSON_Parse(json);
	const cJSON *s, *c;
	int k = 1;
	cJSON_ArrayForEach (s, steps) {
		const cJSON *lat = cJSON_GetObjectItemCaseSensitive(s, "latency_ms");
		const cJSON *results = cJSON_GetObjectItemCaseSensitive(s, "tool_results");
		fprintf(f, "  step %-4d", k++);
		if (cJSON_IsNumber(lat))
			fprintf(f, " %.0f ms", lat->valuedouble);
		else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "cache_hit")))
			fprintf(f, " cached");
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(s, "turn")))
			fprintf(f, ", turn %g",
				cJSON_GetObjectItemCaseSensitive(s, "turn")->valuedouble);
		if (!cJSON_GetObjectItemCaseSensitive(s, "tool_calls"))
			fprintf(f, ", the answer");
		fprintf(f, "\n");
		if (*jstr(s, "text"))
			fprintf(f, "            %s\n", jstr(s, "text"));
		cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(s, "tool_calls")) {
			const cJSON *fn = cJSON_GetObjectItemCaseSensitive(c, "function");
			const cJSON *r;
			fprintf(f, "            call %s(%s)", jstr(fn, "name"),
				jstr(fn, "arguments"));
			cJSON_ArrayForEach (r, results)
				if (!strcmp(jstr(r, "id"), jstr(c, "id")))
					fprintf(f, " -> %s", jstr(r, "content"));
			fprintf(f, "\n");
		}
	}
	cJSON_Delete(steps);
}

/* A cascade's tiers: who was asked, what each answered and whether it passed. */
static void tier_lines(FILE *f, const char *json)
{
	cJSON *tiers = cJSON_Parse(json);
	const cJSON *t;
	cJSON_ArrayForEach (t, tiers) {
		const cJSON *passed = cJSON_GetObjectItemCaseSensitive(t, "passed");
		const cJSON *cost = cJSON_GetObjectItemCaseSensitive(t, "cost_usd");
		const cJSON *lat = cJSON_GetObjectItemCaseSensitive(t, "latency_ms");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "tier");
		fprintf(f, "  tier %-4g %s: %s", cJSON_IsNumber(n) ? n->valuedouble : 0,
			jstr(t, "provider"),
			cJSON_IsTrue(passed)	? "passed"
			: cJSON_IsFalse(passed) ? "failed"
						: "error");
		if (cJSON_IsNumber(lat))
			fprintf(f, ", %.0f ms", lat->valuedouble);
		else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "cache_hit")))
			fprintf(f, ", cached");
		if (cJSON_IsNumber(cost))
			fprintf(f, ", $%.6f", cost->valuedouble);
		fprintf(f, "\n");
		if (*jstr(t, "error"))
			fprintf(f, "            %s\n", jstr(t, "error"));
		if (*jstr(t, "output"))
			fprintf(f, "            %s\n", jstr(t, "output"));
	}
	cJSON_Delete(tiers);
}

static void full_case(FILE *f, const struct llmops_result *x)
{
	fprintf(f, "\ncase %s", x->case_id);
	if (x->variant && *x->variant)
		fprintf(f, " on %s", x->variant);
	if (x->repeat_index)
		fprintf(f, ", repeat %d", x->repeat_index);
	fprintf(f, ": %s\n", llmops_runfmt_verdict(x->passed));
	if (!isnan(x->score))
		fprintf(f, "  score     %.4f %s\n", x->score, x->scores_json ? x->scores_json : "");
	if (x->error)
		fprintf(f, "  %s    %s\n", x->passed == LLMOPS_ERRORED ? "error " : "reason",
			x->error);
	if (!x->attempts && !x->cache_hit) { /* nothing was sent */
		if (x->passed == 0 || x->passed == 1)
			fprintf(f, "  answered  by its recorded output: no request sent\n");
	} else if (x->provider || x->model)
		fprintf(f, "  answered  %s%s%s\n", x->provider ? x->provider : "",
			x->provider && x->model ? ":" : "", x->model ? x->model : "");
	if (!isnan(x->latency_ms))
		fprintf(f, "  latency   %.1f ms%s\n", x->latency_ms,
			x->cache_hit ? " (cached)" : "");
	if (x->tokens_in >= 0 || x->tokens_out >= 0) {
		char in[32] = "-", out[32] = "-"; /* unknown: '-', never -1 */
		if (x->tokens_in >= 0)
			snprintf(in, sizeof(in), "%lld", (long long)x->tokens_in);
		if (x->tokens_out >= 0)
			snprintf(out, sizeof(out), "%lld", (long long)x->tokens_out);
		fprintf(f, "  tokens    %s in, %s out\n", in, out);
	}
	if (!isnan(x->cost_usd))
		fprintf(f, "  cost      $%.6f\n", x->cost_usd);
	fprintf(f, "  attempts  %d\n", x->attempts);
	if (x->judge)
		judge_lines(f, x->judge);
	if (x->steps)
		step_lines(f, x->steps);
	if (x->tiers)
		tier_lines(f, x->tiers);
	llmops_runfmt_block(f, "  ", "expected", x->expected);
	llmops_runfmt_block(f, "  ", "output", x->output);
	llmops_runfmt_block(f, "  ", "input", x->input);
}

struct show_rep {
	FILE *f;
	int variants;
	size_t shown;
	const struct llmops_sgr *c;
};

static void show_one_variant(const char *v, const struct llmops_repeats *r, void *ud)
{
	struct show_rep *s = ud;
	FILE *f = s->f;
	fprintf(f, "\nrepeats%s%s\n", s->variants ? " of " : "", s->variants ? v : "");
	llmops_repeats_print(f, r, "  ", s->c->green, s->c->red, s->c->reset);
	if (r->flaky)
		fprintf(f, "  flaky:\n");
	llmops_repeats_print_flaky(f, r, "    ", NULL, s->shown + 20, &s->shown);
}

/* A run made with --repeat: per variant, the pass fractions, flaky cases and pass@k. */
static int show_repeats(FILE *f, const struct llmops_run_data *d, int variants,
			const struct llmops_sgr *c)
{
	struct show_rep s = {f, variants, 0, c};
	return llmops_repeats_each_variant(d, show_one_variant, &s);
}

int llmops_show_print(FILE *f, const struct llmops_run_data *d, const struct llmops_show_opts *o)
{
	int variants = 0, repeated = llmops_run_data_repeated(d), rc = 0;
	size_t not_passed = 0, listed = 0;
	for (size_t i = 0; i < d->n; i++) {
		variants |= i && strcmp(d->results[i].variant, d->results[0].variant) != 0;
		not_passed += d->results[i].passed != 1;
	}
	if (!o->case_id)
		print_summary(f, d, repeated, o->sgr);
	if (!o->case_id && repeated)
		rc = show_repeats(f, d, variants, o->sgr);
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		if (o->case_id) {
			if (!strcmp(x->case_id, o->case_id))
				full_case(f, x);
			continue;
		}
		if (o->failed_only && x->passed == 1)
			continue;
		if (!listed++)
			fprintf(f, "\n%s (%lld)\n",
				o->failed_only ? "cases that did not pass" : "cases",
				(long long)(o->failed_only ? not_passed : d->n));
		one_line(f, x, variants, repeated, o->sgr);
	}
	if (!o->case_id && o->failed_only && !listed)
		fprintf(f, "\nevery case passed\n");
	return rc;
}
