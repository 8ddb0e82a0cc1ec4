/*
 * diff.c - `llmops diff RUN_A RUN_B`: two runs compared case by case.
 */
#include "llmops.h"

#include "diff_json.h"
#include "diff_text.h"
#include "options.h"
#include "output.h"

#include <math.h>

LLMOPS_USAGE(usage, "llmops diff",
	     "Compare two runs case by case (B against A; by default the last run against\n"
	     "the newest earlier run of the same prompt and dataset).\n"
	     "Cases are paired by id (or, failing that, by identical expected text): the\n"
	     "newly failing and newly passing, scores that moved more than --tolerance\n"
	     "(default 0.05), changed outputs, and cases only in one run.  The change in\n"
	     "pass rate comes with an exact McNemar test on the paired cases, the mean\n"
	     "score change with its 95% interval.  --fail-on-regression exits 1 when any\n"
	     "case went from pass to fail or, with --significance P, only when the drop is\n"
	     "significant at P.",
	     "llmops diff [RUN_A] [RUN_B] [--tolerance X] [--fail-on-regression]",
	     "            [--significance P] [--limit N] [--format FORMAT]");

int cmd_diff(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text";
	int fail_on_regression = 0, rc;
	long limit = 20;
	double tol = 0.05, sig = NAN;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run_data *a = NULL, *b = NULL;
	struct llmops_diff d;
	struct llmops_diff_opts dopts;
	const struct llmops_option opts[] = {
		OPT_NUMBER_ENTRY(0, "tolerance", &tol, "X",
				 "a score change counts above X (default 0.05)", 0, 1),
		{OPT_FLAG, 0, "fail-on-regression", &fail_on_regression, NULL,
		 "exit 1 when B regressed from A", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "significance", &sig, "P",
				 "a regression must be significant at P (e.g. 0.05)", 1e-12,
				 0.999999),
		{OPT_INT, 'n', "limit", &limit, "N", "cases listed per kind of change (0: all)",
		 NULL, 0, 100000000},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 2)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (isnan(sig))
		sig = -1; /* any flip counts */
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	/* none: the last run against the newest earlier one of the same prompt and
	   dataset; one: it against last; two: A against B */
	char da[LLMOPS_RUNID_LEN + 1], db[LLMOPS_RUNID_LEN + 1], why[600];
	const char *ra = argv[0], *rb = argv[0] && argv[1] ? argv[1] : "last";
	if (!ra && llmops_diff_default_pair(lg, da, db, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!ra) {
		ra = da;
		rb = db;
	}
	if (llmops_run_data_load(lg, ra, &a, &err) || llmops_run_data_load(lg, rb, &b, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!llmops_diff_comparable(a->run, b->run, why, sizeof(why)))
		llmops_error("warning: %s: cases pair by id, which may not mean the same case",
			     why);
	dopts.tolerance = tol;
	if (llmops_diff_runs(a, b, &dopts, &d, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!d.npairs && (a->n || b->n)) {
		/* nothing pairs: no comparison, and never "no regression" */
		llmops_error("diff: no case of %s pairs with one of %s (no shared case id or "
			     "expected text): nothing to compare",
			     a->run->id, b->run->id);
		llmops_diff_release(&d);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *o = llmops_diff_json(&d, a, b, tol, sig);
		rc = llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(o);
	} else {
		llmops_pager_start(ctx);
		const struct llmops_sgr c = llmops_sgr_of(ctx);
		llmops_diff_print(stdout, &d, a, b, tol, sig, (size_t)limit, &c);
	}
	if (!rc && fail_on_regression && llmops_diff_regressed(&d, sig))
		rc = LLMOPS_EXIT_CHECK;
	llmops_diff_release(&d);
out:
	llmops_run_data_free(a);
	llmops_run_data_free(b);
	return rc;
}
