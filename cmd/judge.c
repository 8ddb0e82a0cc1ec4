/*
 * judge.c - `llmops judge agreement`: how far the judge metric's verdicts
 * agree with the reviewers who decided the same results.
 */
#include "llmops.h"

#include "json.h"

#include "agreement.h"
#include "output.h"
#include "run_fmt.h"
#include "verbs.h"

#include <math.h>
#include <stdlib.h>

static int judge_agreement(int argc, char **argv, struct llmops_ctx *ctx);

static const struct llmops_verb verbs[] = {
	{"agreement", judge_agreement,
	 "the judge's verdicts against the reviewers': agreement, Cohen's kappa, confusion "
	 "matrix"},
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

LLMOPS_USAGE(usage, "llmops judge",
	     "The judge metric (eval --metric judge:RUBRIC) calibrated against human review:\n"
	     "the results a judge scored and a reviewer decided (eval --review-below X, then\n"
	     "review accept or reject) are compared, per rubric version.",
	     "llmops judge agreement [--rubric NAME[@VERSION]] [--format FORMAT]");

static cJSON *agreement_json(const struct llmops_agreement *a)
{
	cJSON *o = cJSON_CreateObject(), *m;
	cJSON_AddStringToObject(o, "rubric", a->rubric);
	LLMOPS_JSON_NUMS(o, {"results", a->n}, {"agreement", a->po}, {"kappa", a->kappa});
	llmops_runfmt_add_interval(o, "kappa_ci95", a->lo, a->hi);
	m = cJSON_AddObjectToObject(o, "confusion");
	LLMOPS_JSON_NUMS(m, {"judge_pass_accepted", a->c[1][1]},
			 {"judge_pass_rejected", a->c[1][0]}, {"judge_fail_accepted", a->c[0][1]},
			 {"judge_fail_rejected", a->c[0][0]});
	return o;
}

static void agreement_text(const struct llmops_agreement *a)
{
	printf("%s: %ld reviewed %s\n", a->rubric, a->n, a->n == 1 ? "result" : "results");
	printf("  agreement %.1f%%, Cohen's kappa ", 100 * a->po);
	if (isnan(a->kappa))
		printf("undefined (the judge and the reviewers each gave one verdict only)\n");
	else
		printf("%.2f (95%% CI %.2f to %.2f)%s\n", a->kappa, a->lo, a->hi,
		       a->kappa < LLMOPS_JUDGE_KAPPA_MIN ? ": below 0.6, weak agreement" : "");
	printf("  %-12s %9s %9s\n", "", "accepted", "rejected");
	printf("  %-12s %9ld %9ld\n", "judge pass", a->c[1][1], a->c[1][0]);
	printf("  %-12s %9ld %9ld\n", "judge fail", a->c[0][1], a->c[0][0]);
}

static int judge_agreement(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops judge agreement",
		"Per rubric version: how many results a judge scored and a reviewer decided,\n"
		"the share on which they agree, Cohen's kappa with its 95% interval (below 0.6\n"
		"the judge is weak, and eval warns), and the confusion matrix of the judge's\n"
		"pass (its score at or above the result's threshold) against the reviewer's\n"
		"accept.",
		"llmops judge agreement [--rubric NAME[@VERSION]] [--format FORMAT]");
	const char *format = "text", *rubric = NULL;
	struct llmops_agreement *v = NULL;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	size_t n = 0;
	int rc;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "rubric", &rubric, "NAME",
		 "one rubric (relevance), or one version of it (relevance@v1.0.0)", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	if ((rc = llmops_parse_command(argc, argv, opts, &u, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_judge_agreement(lg, rubric, &v, &n, &err))
		return llmops_report(&err);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, agreement_json(&v[i]));
		rc = llmops_emit(stdout, a, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(a);
	} else if (!n) {
		llmops_error("judge agreement: no judged result%s%s has a decided review yet: eval "
			     "--metric judge:RUBRIC --review-below X queues them, review accept "
			     "or reject decides them",
			     rubric ? " of " : "", rubric ? rubric : "");
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i)
				printf("\n");
			agreement_text(&v[i]);
		}
	}
	free(v);
	return rc;
}

int cmd_judge(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("judge", verbs, NVERBS, argc, argv, ctx, &usage);
}
