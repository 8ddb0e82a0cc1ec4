/*
 * stats.c - `llmops stats`: spend, latency, error and pass rates from the
 * ledger by day, prompt, model or provider, and drift.
 */
#include "llmops.h"

#include "feedback_view.h"
#include "stats_view.h"

#include "options.h"
#include "output.h"
#include "since.h"
#include "stats_prod.h"

#include <math.h>
#include <string.h>

LLMOPS_USAGE(
	usage, "llmops stats",
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
	"--fail-on-regression exits 1 on a regression; feedback users gave (llmops\n"
	"ingest of feedback records) is a fifth test, its mean score (Welch).\n"
	"--feedback shows that feedback per prompt version and model: production\n"
	"records, those rated and the rate, feedback, mean score with its standard\n"
	"deviation, thumbs up and down; --feedback-name counts one kind of feedback.",
	"llmops stats [--by day|prompt|version|model|provider|kind|tag:KEY] [--since DATE|AGE]",
	"             [--budget USD] [--format FORMAT]",
	"llmops stats --canary NAME [--fail-on-regression] [--significance P] [--since DATE|AGE]",
	"llmops stats --feedback [--feedback-name NAME] [--since DATE|AGE] [--format FORMAT]");

static const char by_help[] = "day (default), prompt, version, model, provider, kind or tag:KEY";

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
		cJSON *o = llmops_stats_json(&s, by_s, since_s ? since : NULL);
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
	const struct llmops_sgr sgr = llmops_sgr_of(ctx);
	llmops_stats_print(stdout, &s, tag ? by_s + 4 : by_s, tag, &sgr);
	llmops_stats_release(&s);
	return isnan(sp->budget) ? 0 : stats_budget(lg, sp, 0, NULL, over);
}

/* stats --feedback: the feedback per prompt version and model. */
static int feedback_view(struct llmops_ledger *lg, const char *since, const char *name, int json)
{
	struct llmops_err err = {0};
	struct llmops_feedback_stats s;
	int rc = 0;
	if (llmops_ledger_feedback_stats(lg, since, name, &s, &err))
		return llmops_report(&err);
	if (json) {
		cJSON *o = llmops_feedback_stats_json(&s, since, name);
		rc = llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(o);
	} else if (!s.total.records && !s.feedback_rows) {
		fprintf(stderr, "llmops: no production records%s in %s (llmops ingest)\n",
			since ? " since then" : "", llmops_ledger_path(lg));
	} else {
		llmops_feedback_stats_print(stdout, &s, since, name);
	}
	llmops_feedback_stats_release(&s);
	return rc;
}

int cmd_stats(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *by_s = NULL, *since_s = NULL;
	struct stats_prod sp = {NULL, NULL, 0.05, NAN};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	int fail = 0, rc, bad = 0, feedback = 0;
	const char *fb_name = NULL;
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
		{OPT_FLAG, 0, "feedback", &feedback, NULL,
		 "users' feedback per prompt version and model, on production", NULL, 0, 0},
		{OPT_STRING, 0, "feedback-name", &fb_name, "NAME",
		 "with --feedback: only the feedback of this name (a Langfuse score's name, a "
		 "LangSmith key)",
		 NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (feedback && (by_s || !isnan(sp.budget))) {
		llmops_error("stats: --feedback is a view of its own: %s is the table's",
			     by_s ? "--by" : "--budget");
		return LLMOPS_EXIT_USAGE;
	}
	by_s = by_s ? by_s : "day";
	if (strncmp(by_s, "tag:", 4) && llmops_stats_by_parse(by_s) < 0) {
		llmops_error("stats: unknown --by '%s': %s", by_s, by_help);
		return LLMOPS_EXIT_USAGE;
	}
	if (fail && !sp.canary) {
		llmops_error("stats: --fail-on-regression needs --canary NAME");
		return LLMOPS_EXIT_USAGE;
	}
	if (fb_name && !feedback) {
		llmops_error("stats: --feedback-name needs --feedback");
		return LLMOPS_EXIT_USAGE;
	}
	if (feedback && sp.canary) {
		llmops_error("stats: --feedback and --canary are two views; the canary tests the "
			     "feedback already");
		return LLMOPS_EXIT_USAGE;
	}
	if (since_s && llmops_since_parse(since_s, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	sp.since = since_s ? since : NULL;
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	int json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if (feedback)
		return feedback_view(lg, sp.since, fb_name, json);
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
