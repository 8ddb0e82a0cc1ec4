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
	LLMOPS_CHANGE_SCORE = 1 << 2,  /* |score B - score A| > tolerance */
	LLMOPS_CHANGE_OUTPUT = 1 << 3, /* the outputs differ */
	LLMOPS_CHANGE_BY_CONTENT = 1 << 4, /* paired by content, not by id */
};

struct llmops_diff_pair {
	const struct llmops_result *a, *b;
	unsigned change; /* enum llmops_diff_change */
	double dscore;	 /* score B - score A; NAN unless both were scored */
};

struct llmops_diff_side {
	long cases, passed, errors;	 /* over the whole run */
	double pass_rate;		 /* passed / cases; NAN without cases */
	double latency_p50, latency_p95; /* answered requests; NAN when none */
	double cost_usd;		 /* sum of known costs */
	long cost_known;		 /* results with a cost */
	long tokens_in, tokens_out;
};

struct llmops_diff {
	struct llmops_diff_pair *pairs; /* every matched pair, in B's order */
	size_t npairs;
	const struct llmops_result **only_a, **only_b; /* unmatched */
	size_t nonly_a, nonly_b;
	/* the paired cases as a 2x2 table: pass/pass, pass->not, not->pass, not/not */
	long both_pass, pass_to_fail, fail_to_pass, both_fail;
	long score_changed, output_changed, by_content;
	double paired_rate_a, paired_rate_b; /* pass rates over the pairs */
	double mcnemar_p;		     /* exact, two-sided; 1 when nothing flipped */
	size_t nscored;			     /* pairs with both scores */
	double dscore_mean, dscore_lo, dscore_hi; /* 95% t interval; NAN when < 2 */
	struct llmops_diff_side a, b;
	int variants_renamed; /* 1 when the variants were paired by position */
};

struct llmops_diff_opts {
	double tolerance; /* a score change counts above this (default 0.05) */
};

int llmops_diff_runs(const struct llmops_run_data *a, const struct llmops_run_data *b,
		     const struct llmops_diff_opts *opts, struct llmops_diff *out,
		     struct llmops_err *err);
void llmops_diff_release(struct llmops_diff *d);

#endif
