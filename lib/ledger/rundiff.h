/*
 * rundiff.h - two runs compared case by case: which cases flipped, whether
 * the change in pass rate is more than chance (exact McNemar test on the
 * paired cases), the mean change in score with its 95% interval, and the
 * change in latency and cost.
 *
 * Pairing: results are matched by (variant, case id, repeat).  When the
 * two runs do not have the same variants (another prompt version, another
 * model: the usual comparison), the i-th variant of one run is paired with
 * the i-th of the other, in the order they were first recorded.  Results
 * left unmatched by id are then matched by content: the same expected
 * text, when it is unique among the leftovers on both sides.
 *
 * Repeated runs (eval --repeat): when either run has more than one result
 * per case, the cases are compared as well, by pass fraction: the fraction
 * of its results that passed in A and in B, for every (variant, case id) in
 * both.  Repeats of one case are not independent, so this is the comparison
 * to trust: the mean change in pass fraction with its 95% t interval and the
 * paired t test's p-value (cases are the units), and the cases that passed
 * every repeat in A but not in B (newly failing or newly flaky).
 *
 * Ownership: llmops_diff_runs() fills a caller's struct whose arrays point
 * into the two run data sets (which must outlive it); free the arrays with
 * llmops_diff_release().
 */
#ifndef LLMOPS_RUNDIFF_H
#define LLMOPS_RUNDIFF_H

#include "rundata.h"

enum llmops_diff_change {
	LLMOPS_CHANGE_NEWLY_FAILING = 1 << 0, /* passed in A, not in B (failed or error) */
	LLMOPS_CHANGE_NEWLY_PASSING = 1 << 1,
	LLMOPS_CHANGE_SCORE = 1 << 2,	   /* |score B - score A| > tolerance */
	LLMOPS_CHANGE_OUTPUT = 1 << 3,	   /* the outputs differ */
	LLMOPS_CHANGE_BY_CONTENT = 1 << 4, /* paired by content, not by id */
};

struct llmops_diff_pair {
	const struct llmops_result *a, *b;
	unsigned change; /* enum llmops_diff_change */
	double dscore;	 /* score B - score A; NAN unless both were scored */
};

struct llmops_diff_side {
	long cases, passed, errors;	 /* over the whole run */
	long skipped;			 /* not sent (--max-cost): not compared */
	double pass_rate;		 /* passed / cases; NAN without cases */
	double latency_p50, latency_p95; /* answered requests; NAN when none */
	double cost_usd;		 /* sum of known costs */
	long cost_known;		 /* results with a cost */
	long tokens_in, tokens_out;
};

/* One case of repeated runs: its results in A and in B. */
struct llmops_diff_case {
	const struct llmops_result *a, *b; /* the first result of the case on each side */
	long runs_a, passed_a, runs_b, passed_b;
	double change; /* pass fraction B - pass fraction A */
	int lost;      /* passed every repeat in A, not every one in B */
};

struct llmops_diff {
	struct llmops_diff_pair *pairs; /* every matched pair, in B's order */
	size_t npairs;
	const struct llmops_result **only_a, **only_b; /* unmatched */
	size_t nonly_a, nonly_b;
	/* the paired cases as a 2x2 table: pass/pass, pass->not, not->pass, not/not */
	long both_pass, pass_to_fail, fail_to_pass, both_fail;
	long score_changed, output_changed, by_content;
	double paired_rate_a, paired_rate_b;	  /* pass rates over the pairs */
	double mcnemar_p;			  /* exact, two-sided; 1 when nothing flipped */
	size_t nscored;				  /* pairs with both scores */
	double dscore_mean, dscore_lo, dscore_hi; /* 95% t interval; NAN when < 2 */
	struct llmops_diff_side a, b;
	int variants_renamed; /* 1 when the variants were paired by position */
	/* repeated runs only (repeated = 1): the cases compared by pass fraction */
	int repeated;
	struct llmops_diff_case *cases; /* every case in both runs, in B's order */
	size_t ncases;
	long cases_worse, cases_better;	    /* pass fraction fell / rose */
	long cases_lost;		    /* passed every repeat in A, not every one in B */
	double frac_mean, frac_lo, frac_hi; /* mean change, 95% t interval (NAN when < 2) */
	double frac_p;			    /* paired t test, two-sided; 1 when nothing moved */
};

struct llmops_diff_opts {
	double tolerance; /* a score change counts above this (default 0.05) */
};

int llmops_diff_runs(const struct llmops_run_data *a, const struct llmops_run_data *b,
		     const struct llmops_diff_opts *opts, struct llmops_diff *out,
		     struct llmops_err *err);
void llmops_diff_release(struct llmops_diff *d);

/*
 * The runs `llmops diff` compares when none is named: B the last run, A the
 * newest earlier run of the same kind, prompt and dataset (path).  Errors:
 * LLMOPS_E_USAGE when there is no such earlier run (the message says so),
 * and llmops_ledger_run_get()'s.
 */
int llmops_diff_default_pair(struct llmops_ledger *lg, char a[LLMOPS_RUNID_LEN + 1],
			     char b[LLMOPS_RUNID_LEN + 1], struct llmops_err *err);
/* 1 when a and b are of the same dataset and prompt; else 0 and why in why[0..n). */
int llmops_diff_comparable(const struct llmops_run *a, const struct llmops_run *b, char *why,
			   size_t n);

/*
 * 1 when B regressed from A: with significance < 0, when any paired case
 * went from pass to not passing; otherwise when the paired pass rate fell
 * and the exact McNemar p-value is under significance.  Repeated runs are
 * judged by case instead (repeats of a case are not independent): any case
 * that passed every repeat in A and not every one in B; with significance,
 * a fall in the mean pass fraction whose paired t p-value is under it.
 */
int llmops_diff_regressed(const struct llmops_diff *d, double significance);

#endif
