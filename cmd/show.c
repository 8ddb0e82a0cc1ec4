/*
 * show.c - `llmops show RUN`: one run's summary and its cases.
 */
#include "llmops.h"

#include "runview.h"

#include "ledger.h"
#include "options.h"
#include "output.h"
#include "repeats_view.h"
#include "results.h"
#include "run_fmt.h"
#include "rundata.h"
#include "stats.h"
#include "suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const synopsis[] = {
	"llmops show [RUN] [--dataset FILE] [--failed] [--case ID] [--format FORMAT]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops show",
	synopsis,
	"Show a run's summary (what ran, on which commit, pass rate with its 95%\n"
	"interval, mean score, latency, tokens, cost) and one line per case.  RUN is a\n"
	"run id, a unique prefix of one (4 or more characters), 'last' (the default)\n"
	"or 'last~N' (N runs before the last); with --dataset FILE, 'last' and\n"
	"'last~N' count that dataset's runs only.  --failed lists only the cases that did\n"
	"not pass; --case ID shows that case in full: expected, output and the request.",
};

#define Z95 1.959963984540054

static void print_summary(const struct llmops_run_data *d, int repeated, struct llmops_ctx *ctx)
{
	const struct llmops_run *r = d->run;
	char when[32], prompt[256], model[256], commit[16];
	const char *st = llmops_run_status_name(r->status);
	double lo, hi;

	llmops_runfmt_when(r->started_at, when, sizeof(when));
	llmops_runfmt_prompt(r, prompt, sizeof(prompt));
	llmops_runfmt_model(r, model, sizeof(model));
	llmops_runfmt_commit(r, commit, sizeof(commit));
	printf("%srun %s%s %s%s%s\n", llmops_color(ctx, LLMOPS_SGR_BOLD), r->id,
	       llmops_color(ctx, LLMOPS_SGR_RESET),
	       llmops_color(ctx,
			    r->status == LLMOPS_RUN_PASSED ? LLMOPS_SGR_GREEN : LLMOPS_SGR_RED),
	       st ? st : "?", llmops_color(ctx, LLMOPS_SGR_RESET));
	printf("  kind      %s\n", r->kind);
	printf("  started   %s", when);
	if (!isnan(r->duration_ms))
		printf(", took %.1f s", r->duration_ms / 1000.0);
	printf("\n");
	if (r->command)
		printf("  command   %s\n", r->command);
	printf("  commit    %s%s\n", commit,
	       r->git_dirty == 1 ? " (the prompt files differed from it)" : "");
	printf("  prompt    %s\n", prompt);
	printf("  provider  %s\n", model);
	if (r->dataset_path)
		printf("  dataset   %s (sha256 %.12s)\n", r->dataset_path,
		       r->dataset_sha256 ? r->dataset_sha256 : "?");
	llmops_wilson((long)r->passed, (long)r->cases, Z95, &lo, &hi);
	int reps = llmops_runfmt_repeats(r);
	printf("  cases     %lld", (long long)r->cases);
	if (reps > 1)
		printf(" (%lld cases x %d repeats)", (long long)r->cases / reps, reps);
	printf(": %lld passed, %lld failed, %lld %s", (long long)r->passed, (long long)r->failed,
	       (long long)r->errored, llmops_runfmt_plural((long)r->errored, "error", "errors"));
	if (r->skipped)
		printf(", %lld not sent (--max-cost reached)", (long long)r->skipped);
	if (r->cases && repeated) /* the interval that knows repeats follows */
		printf("; pass rate %.1f%%", 100.0 * (double)r->passed / (double)r->cases);
	else if (r->cases)
		printf("; pass rate %.1f%% (95%% CI %.1f%%-%.1f%%)",
		       100.0 * (double)r->passed / (double)r->cases, 100 * lo, 100 * hi);
	printf("\n");
	if (!isnan(r->score_mean))
		printf("  score     mean %.3f\n", r->score_mean);
	if (!isnan(r->latency_p50))
		printf("  latency   p50 %.0f ms, p95 %.0f ms", r->latency_p50, r->latency_p95);
	else
		printf("  latency   -");
	printf(" (%lld requests, %lld cache hits)\n", (long long)r->requests,
	       (long long)r->cache_hits);
	char money[64];
	printf("  tokens    %lld in, %lld out; cost %s\n", (long long)r->tokens_in,
	       (long long)r->tokens_out, llmops_runfmt_money(money, sizeof(money), r->cost_usd));
}

static void one_line(const struct llmops_result *x, int variants, int repeated,
		     struct llmops_ctx *ctx)
{
	const char *col = x->passed == 1 ? LLMOPS_SGR_GREEN : LLMOPS_SGR_RED;
	char name[512];
	if (repeated)
		snprintf(name, sizeof(name), "%s #%d", x->case_id, x->repeat_index);
	else
		snprintf(name, sizeof(name), "%s", x->case_id);
	printf("  %s%-5s%s %-24s", llmops_color(ctx, col), llmops_runfmt_verdict(x->passed),
	       llmops_color(ctx, LLMOPS_SGR_RESET), name);
	if (isnan(x->score))
		printf(" %6s", "-");
	else
		printf(" %6.3f", x->score);
	if (x->cache_hit)
		printf(" %8s", "cached");
	else if (isnan(x->latency_ms))
		printf(" %8s", "-");
	else
		printf(" %5.0f ms", x->latency_ms);
	if (!isnan(x->cost_usd))
		printf("  $%.6f", x->cost_usd);
	if (variants && x->variant && *x->variant)
		printf("  [%s]", x->variant);
	if (x->error)
		printf("  %s", x->error);
	printf("\n");
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* " ($COST)" when the verdict v says what it cost. */
static void verdict_cost(const cJSON *v)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "cost_usd");
	if (cJSON_IsNumber(c))
		printf(" ($%.6f)", c->valuedouble);
}

/* The judges' verdicts on a result, as recorded (results.judge): the metric's (a rubric's
   score, or a pairwise outcome with both orders) and the refusal judge's. */
static void judge_lines(const char *verdict)
{
	cJSON *j = cJSON_Parse(verdict);
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "score");
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(j, "orders"), *o;
	const cJSON *rf = cJSON_GetObjectItemCaseSensitive(j, "refusal");
	if (cJSON_HasObjectItem(j, "rubric")) {
		printf("  judge     %s by %s: ", jstr(j, "rubric"), jstr(j, "judge"));
		if (cJSON_IsNumber(sc)) {
			const cJSON *lo = cJSON_GetObjectItemCaseSensitive(j, "scale_min");
			const cJSON *hi = cJSON_GetObjectItemCaseSensitive(j, "scale_max");
			const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "weighted");
			printf("%g", sc->valuedouble);
			if (cJSON_IsNumber(w) && fabs(w->valuedouble - sc->valuedouble) >= 0.005)
				printf(" (weighted %.2f)", w->valuedouble);
			if (cJSON_IsNumber(lo) && cJSON_IsNumber(hi))
				printf(" on %g-%g", lo->valuedouble, hi->valuedouble);
			if (*jstr(j, "reason"))
				printf(": %s", jstr(j, "reason"));
		} else {
			printf("%s against %s%s", jstr(j, "outcome"), jstr(j, "against"),
			       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "consistent"))
				       ? ""
				       : " (the orders disagreed)");
		}
		verdict_cost(j);
		printf("\n");
		cJSON_ArrayForEach (o, orders)
			printf("            %s first: %s%s%s\n", jstr(o, "first"),
			       jstr(o, "winner"), *jstr(o, "reason") ? ", " : "",
			       jstr(o, "reason"));
	}
	if (cJSON_IsObject(rf)) {
		printf("  refusal   %s by %s: %s%s%s", jstr(rf, "rubric"), jstr(rf, "judge"),
		       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rf, "refused")) ? "refuses"
										     : "answers",
		       *jstr(rf, "reason") ? ": " : "", jstr(rf, "reason"));
		verdict_cost(rf);
		printf("\n");
	}
	cJSON_Delete(j);
}

/* A tool loop's steps: each request's tool calls and what the tools answered. */
static void step_lines(const char *json)
{
	cJSON *steps = cJSON_Parse(json);
	const cJSON *s, *c;
	int k = 1;
	cJSON_ArrayForEach (s, steps) {
		const cJSON *lat = cJSON_GetObjectItemCaseSensitive(s, "latency_ms");
		const cJSON *results = cJSON_GetObjectItemCaseSensitive(s, "tool_results");
		printf("  step %-4d", k++);
		if (cJSON_IsNumber(lat))
			printf(" %.0f ms", lat->valuedouble);
		else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "cache_hit")))
			printf(" cached");
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(s, "turn")))
			printf(", turn %g",
			       cJSON_GetObjectItemCaseSensitive(s, "turn")->valuedouble);
		if (!cJSON_GetObjectItemCaseSensitive(s, "tool_calls"))
			printf(", the answer");
		printf("\n");
		if (*jstr(s, "text"))
			printf("            %s\n", jstr(s, "text"));
		cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(s, "tool_calls")) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
			const cJSON *r;
			printf("            call %s(%s)", jstr(f, "name"), jstr(f, "arguments"));
			cJSON_ArrayForEach (r, results)
				if (!strcmp(jstr(r, "id"), jstr(c, "id")))
					printf(" -> %s", jstr(r, "content"));
			printf("\n");
		}
	}
	cJSON_Delete(steps);
}

static void full_case(const struct llmops_result *x)
{
	printf("\ncase %s", x->case_id);
	if (x->variant && *x->variant)
		printf(" on %s", x->variant);
	if (x->repeat_index)
		printf(", repeat %d", x->repeat_index);
	printf(": %s\n", llmops_runfmt_verdict(x->passed));
	if (!isnan(x->score))
		printf("  score     %.4f %s\n", x->score, x->scores_json ? x->scores_json : "");
	if (x->error)
		printf("  %s    %s\n", x->passed == LLMOPS_ERRORED ? "error " : "reason", x->error);
	if (!x->attempts && !x->cache_hit) { /* nothing was sent */
		if (x->passed == 0 || x->passed == 1)
			printf("  answered  by its recorded output: no request sent\n");
	} else if (x->provider || x->model)
		printf("  answered  %s%s%s\n", x->provider ? x->provider : "",
		       x->provider && x->model ? ":" : "", x->model ? x->model : "");
	if (!isnan(x->latency_ms))
		printf("  latency   %.1f ms%s\n", x->latency_ms, x->cache_hit ? " (cached)" : "");
	if (x->tokens_in >= 0 || x->tokens_out >= 0) {
		char in[32] = "-", out[32] = "-"; /* unknown: '-', never -1 */
		if (x->tokens_in >= 0)
			snprintf(in, sizeof(in), "%lld", (long long)x->tokens_in);
		if (x->tokens_out >= 0)
			snprintf(out, sizeof(out), "%lld", (long long)x->tokens_out);
		printf("  tokens    %s in, %s out\n", in, out);
	}
	if (!isnan(x->cost_usd))
		printf("  cost      $%.6f\n", x->cost_usd);
	printf("  attempts  %d\n", x->attempts);
	if (x->judge)
		judge_lines(x->judge);
	if (x->steps)
		step_lines(x->steps);
	runfmt_block("  ", "expected", x->expected);
	runfmt_block("  ", "output", x->output);
	runfmt_block("  ", "input", x->input);
}

struct show_rep {
	int variants;
	size_t shown;
	struct llmops_ctx *ctx;
};

static void show_one_variant(const char *v, const struct llmops_repeats *r, void *ud)
{
	struct show_rep *s = ud;
	printf("\nrepeats%s%s\n", s->variants ? " of " : "", s->variants ? v : "");
	llmops_repeats_print(stdout, r, "  ", llmops_color(s->ctx, LLMOPS_SGR_GREEN),
			     llmops_color(s->ctx, LLMOPS_SGR_RED),
			     llmops_color(s->ctx, LLMOPS_SGR_RESET));
	if (r->flaky)
		printf("  flaky:\n");
	llmops_repeats_print_flaky(stdout, r, "    ", NULL, s->shown + 20, &s->shown);
}

/* A run made with --repeat: per variant, the pass fractions, flaky cases and pass@k. */
static void show_repeats(const struct llmops_run_data *d, int variants, struct llmops_ctx *ctx)
{
	struct show_rep s = {variants, 0, ctx};
	if (llmops_repeats_each_variant(d, show_one_variant, &s))
		llmops_error("show: out of memory while summarising the repeats");
}

/* The case ids of d, for a suggestion. */
static int no_such_case(const struct llmops_run_data *d, const char *id)
{
	const char **ids = malloc((d->n ? d->n : 1) * sizeof(*ids));
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;

	for (size_t i = 0; ids && i < d->n; i++)
		ids[i] = d->results[i].case_id;
	if (ids)
		llmops_suggest(&near, id, ids, d->n);
	llmops_error("show: run %s has no case '%s'%s%s", d->run->id, id,
		     near.nr ? "; did you mean " : "", near.nr ? near.items[0] : "");
	llmops_strlist_release(&near);
	free(ids);
	return LLMOPS_EXIT_USAGE;
}

int cmd_show(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *case_id = NULL, *dataset = NULL, *run_ref;
	char id[LLMOPS_RUNID_LEN + 1];
	int failed_only = 0, rc, json;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run_data *d = NULL;
	size_t shown = 0, listed = 0;
	const struct llmops_option opts[] = {
		{OPT_FLAG, 0, "failed", &failed_only, NULL, "only cases that did not pass", NULL, 0,
		 0},
		{OPT_STRING, 'c', "case", &case_id, "ID", "one case in full", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "RUN among this dataset's runs: the default 'last' is its newest", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (!(run_ref = runfmt_pick(lg, argv[0], dataset, id, &rc)))
		return rc;
	if (llmops_run_data_load(lg, run_ref, &d, &err))
		return llmops_report(&err);
	for (size_t i = 0; case_id && i < d->n; i++)
		shown += !strcmp(d->results[i].case_id, case_id);
	if (case_id && !shown) {
		rc = no_such_case(d, case_id);
		llmops_run_data_free(d);
		return rc;
	}
	int variants = 0, repeated = llmops_run_data_repeated(d);
	size_t not_passed = 0;
	for (size_t i = 0; i < d->n; i++) {
		variants |= i && strcmp(d->results[i].variant, d->results[0].variant) != 0;
		not_passed += d->results[i].passed != 1;
	}
	if (json) {
		const struct llmops_run_view_opts vo = {failed_only, case_id};
		cJSON *o = llmops_run_view_json(d, &vo);
		rc = !o || llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		if (!o)
			llmops_error("show: out of memory");
		cJSON_Delete(o);
		llmops_run_data_free(d);
		return rc;
	}
	llmops_pager_start(ctx);
	if (!case_id)
		print_summary(d, repeated, ctx);
	if (!case_id && repeated)
		show_repeats(d, variants, ctx);
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		if (case_id) {
			if (!strcmp(x->case_id, case_id))
				full_case(x);
			continue;
		}
		if (failed_only && x->passed == 1)
			continue;
		if (!listed++)
			printf("\n%s (%lld)\n", failed_only ? "cases that did not pass" : "cases",
			       (long long)(failed_only ? not_passed : d->n));
		one_line(x, variants, repeated, ctx);
	}
	if (!case_id && failed_only && !listed)
		printf("\nevery case passed\n");
	llmops_run_data_free(d);
	return 0;
}
