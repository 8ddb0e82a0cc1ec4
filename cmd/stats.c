/*
 * stats.c - `llmops stats`: spend, latency, error and pass rates from the
 * ledger by day, prompt, model or provider, and drift.
 */
#include "llmops.h"

#include "options.h"
#include "output.h"
#include "run_fmt.h"
#include "runid.h"
#include "runstats.h"
#include "prodstats.h"
#include "since.h"
#include "stats_prod.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const synopsis[] = {
	"llmops stats [--by day|prompt|version|model|provider|kind|tag:KEY] [--since DATE|AGE]",
	"             [--budget USD] [--format FORMAT]",
	"llmops stats --canary NAME [--fail-on-regression] [--significance P] [--since DATE|AGE]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops stats",
	synopsis,
	"What the ledger's runs add up to, evaluations and production traffic\n"
	"(llmops ingest) alike, one row per day (UTC; the default), prompt, prompt\n"
	"version, model, provider, kind of run or value of a metadata tag: runs, cases,\n"
	"requests, tokens, cost, latency p50 and p95 (exact, over answered requests),\n"
	"error rate and pass rate.  Then drift: for every prompt, dataset and model\n"
	"with at least 6 finished evaluations, and every prompt version and model with\n"
	"at least 6 days of production, the newest third of its runs is compared with\n"
	"the runs before; a pass rate, mean score, latency or cost per case that moved\n"
	"by 5% or more with p < 0.01 is flagged.  --budget exits 1 when what was spent\n"
	"(production and evaluation, shown apart) is over USD.  --canary compares the\n"
	"canary prompts.lock pins for NAME with its stable version on production:\n"
	"error rate and online pass rate (two-proportion test), latency and cost per\n"
	"request (Welch), and says regression, no regression or inconclusive;\n"
	"--fail-on-regression exits 1 on a regression.",
};

static const char by_help[] = "day (default), prompt, version, model, provider, kind or tag:KEY";

static cJSON *row_json(const struct llmops_stats_row *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", r->key);
	cJSON_AddNumberToObject(o, "runs", (double)r->runs);
	cJSON_AddNumberToObject(o, "cases", (double)r->cases);
	cJSON_AddNumberToObject(o, "passed", (double)r->passed);
	cJSON_AddNumberToObject(o, "errors", (double)r->errored);
	cJSON_AddNumberToObject(o, "requests", (double)r->requests);
	cJSON_AddNumberToObject(o, "cache_hits", (double)r->cache_hits);
	cJSON_AddNumberToObject(o, "tokens_in", (double)r->tokens_in);
	cJSON_AddNumberToObject(o, "tokens_out", (double)r->tokens_out);
	cJSON_AddNumberToObject(o, "cost_usd", r->cost_usd);
	llmops_runfmt_add_num(o, "latency_p50_ms", r->latency_p50);
	llmops_runfmt_add_num(o, "latency_p95_ms", r->latency_p95);
	llmops_runfmt_add_num(o, "error_rate", r->error_rate);
	llmops_runfmt_add_num(o, "pass_rate", r->pass_rate);
	return o;
}

static void row_text(const struct llmops_stats_row *r)
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
	printf("%-24.24s %6ld %8ld %9lld %11lld %11lld %12.6f %8s %8s %7s %7s\n", r->key, r->runs,
	       r->cases, (long long)r->requests, (long long)r->tokens_in, (long long)r->tokens_out,
	       r->cost_usd, p50, p95, er, pr);
}

/* The stats table, drift and the budget (not with --canary). */
static int table_view(struct llmops_ledger *lg, const char *by_s, const char *since_s,
		      const char *since, const struct stats_prod *sp, int json,
		      struct llmops_ctx *ctx, int *over)
{
	struct llmops_err err = {0};
	struct llmops_stats s;
	int tag = !strncmp(by_s, "tag:", 4), rc = 0;
	if (tag ? llmops_ledger_stats_by_tag(lg, by_s + 4, sp->since, &s, &err)
		: llmops_ledger_stats(lg, llmops_stats_by_parse(by_s), sp->since, &s, &err))
		return llmops_report(&err);
	if (json) {
		cJSON *o = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(o, "rows"), *dr;
		cJSON_AddStringToObject(o, "by", by_s);
		if (since_s)
			cJSON_AddStringToObject(o, "since", since);
		for (size_t i = 0; i < s.nrows; i++)
			cJSON_AddItemToArray(rows, row_json(&s.rows[i]));
		cJSON_AddItemToObject(o, "total", row_json(&s.total));
		cJSON_AddNumberToObject(o, "series_tested", (double)s.series);
		dr = cJSON_AddArrayToObject(o, "drift");
		for (size_t i = 0; i < s.ndrift; i++) {
			const struct llmops_drift *d = &s.drift[i];
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "prompt", d->prompt);
			cJSON_AddStringToObject(x, "dataset", d->dataset);
			cJSON_AddStringToObject(x, "model", d->model);
			cJSON_AddStringToObject(x, "metric", d->metric);
			cJSON_AddNumberToObject(x, "before", d->before);
			cJSON_AddNumberToObject(x, "recent", d->after);
			cJSON_AddNumberToObject(x, "p", d->p);
			cJSON_AddNumberToObject(x, "runs_before", (double)d->nbefore);
			cJSON_AddNumberToObject(x, "runs_recent", (double)d->nafter);
			cJSON_AddItemToArray(dr, x);
		}
		if (!isnan(sp->budget))
			rc = stats_budget(lg, sp, 1, o, over);
		if (!rc)
			rc = llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(o);
		llmops_stats_release(&s);
		return rc;
	}
	if (!s.total.runs) {
		fprintf(stderr, "llmops: no runs%s in %s\n", since_s ? " since then" : " yet",
			llmops_ledger_path(lg));
		llmops_stats_release(&s);
		return isnan(sp->budget) ? 0 : stats_budget(lg, sp, 0, NULL, over);
	}
	printf("%-24s %6s %8s %9s %11s %11s %12s %8s %8s %7s %7s\n", tag ? by_s + 4 : by_s, "RUNS",
	       "CASES", "REQUESTS", "TOKENS IN", "TOKENS OUT", "COST USD", "P50 MS", "P95 MS",
	       "ERRORS", "PASS");
	for (size_t i = 0; i < s.nrows; i++)
		row_text(&s.rows[i]);
	row_text(&s.total);
	if (s.ndrift) {
		printf("\n%sdrift%s (newest third of a series against the runs before)\n",
		       llmops_color(ctx, LLMOPS_SGR_YELLOW), llmops_color(ctx, LLMOPS_SGR_RESET));
		for (size_t i = 0; i < s.ndrift; i++) {
			const struct llmops_drift *d = &s.drift[i];
			printf("  %s on %s with %s: %s %.4g -> %.4g (p = %.2g; %zu recent runs "
			       "against %zu)\n",
			       d->prompt, d->dataset, d->model, d->metric, d->before, d->after,
			       d->p, d->nafter, d->nbefore);
		}
	} else if (!tag) {
		printf("\nno drift in %zu series of %d or more runs\n", s.series,
		       LLMOPS_DRIFT_MIN_RUNS);
	}
	llmops_stats_release(&s);
	return isnan(sp->budget) ? 0 : stats_budget(lg, sp, 0, NULL, over);
}

int cmd_stats(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *by_s = "day", *since_s = NULL;
	struct stats_prod sp = {NULL, NULL, 0.05, NAN};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	int fail = 0, rc, bad = 0;
	char since[32] = "";
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "by", &by_s, "day|prompt|version|model|provider|kind|tag:KEY",
		 by_help, NULL, 0, 0},
		{OPT_STRING, 0, "since", &since_s, "DATE|AGE", "runs started at or after", NULL, 0,
		 0},
		OPT_NUMBER_ENTRY(0, "budget", &sp.budget, "USD",
				 "exit 1 when production and evaluation spent more", 0, 1e12),
		{OPT_STRING, 0, "canary", &sp.canary, "NAME",
		 "the canary of NAME against its stable version, on production", NULL, 0, 0},
		{OPT_FLAG, 0, "fail-on-regression", &fail, NULL,
		 "with --canary: exit 1 when the canary is worse", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "significance", &sp.alpha, "P",
				 "with --canary: the tests' level (0.05)", 1e-12, 0.5),
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (strncmp(by_s, "tag:", 4) && llmops_stats_by_parse(by_s) < 0) {
		llmops_error("stats: unknown --by '%s': %s", by_s, by_help);
		return LLMOPS_EXIT_USAGE;
	}
	if (fail && !sp.canary) {
		llmops_error("stats: --fail-on-regression needs --canary NAME");
		return LLMOPS_EXIT_USAGE;
	}
	if (since_s && llmops_since_parse(since_s, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	sp.since = since_s ? since : NULL;
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	int json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if (!sp.canary)
		return (rc = table_view(lg, by_s, since_s, since, &sp, json, ctx, &bad)) ? rc
		       : bad ? LLMOPS_EXIT_CHECK
			     : 0;
	cJSON *doc = json ? cJSON_CreateObject() : NULL;
	int regression = 0, over = 0;
	if (!(rc = stats_canary(ctx, lg, &sp, json, doc, &regression)) && !isnan(sp.budget))
		rc = stats_budget(lg, &sp, json, doc, &over);
	if (!rc && json)
		rc = llmops_emit(stdout, doc, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
	cJSON_Delete(doc);
	if (rc)
		return rc;
	return (fail && regression) || over ? LLMOPS_EXIT_CHECK : 0;
}
