/*
 * repeats.h - what running each case N times says: per case, the pass
 * fraction and the spread of its score; which cases are flaky; the pass
 * rate with an interval that knows repeats of one case are not independent
 * trials; and the pass@k and pass^k figures.
 *
 * The pass rate is passed results over all results (an error counts as not
 * passing, as the gate counts it).  Its 95% interval is Wilson's (1927) at
 * an effective sample size: the number of results divided by the design
 * effect (Kish 1965), the ratio of the between-case (cluster-robust)
 * variance of the rate to the binomial variance,
 *
 *   var = m / (m - 1) * sum_i (c_i - p n_i)^2 / N^2,   n_eff = p (1 - p) / var,
 *
 * for m cases, case i passing c_i of its n_i results, N = sum n_i.  n_eff
 * is at most N (repeats never count for more than independent cases).
 * When every result passed, or every one failed, the spread between cases
 * cannot be estimated, and n_eff is m: the interval counts cases, not
 * results.
 *
 * pass@k, the chance that at least one of k repeats passes, and pass^k, the
 * chance that all k pass, are the means over cases of the unbiased
 * estimators 1 - C(n-c, k) / C(n, k) (Chen et al. 2021, "Evaluating Large
 * Language Models Trained on Code") and C(c, k) / C(n, k) (Yao et al. 2024,
 * "tau-bench"), over the cases with at least k results.
 *
 * A case is flaky when at least one of its scored results passed and at
 * least one failed (errors are neither: they are the provider's, not the
 * model's).
 */
#ifndef LLMOPS_REPEATS_H
#define LLMOPS_REPEATS_H

#include "error.h"

#include <stddef.h>

/* One result: a case (by id), whether it passed (1, 0, -1 error), its score (NAN: none). */
struct llmops_rep_obs {
	const char *case_id; /* borrowed */
	int passed;
	double score;
};

struct llmops_rep_case {
	const char *case_id; /* borrowed from the observations */
	size_t first;	     /* the index of its first observation */
	long runs, passed, failed, errors;
	double pass_fraction;	     /* passed / runs */
	long scored;		     /* results with a score */
	double score_mean, score_sd; /* sd: sample (n - 1); NAN with < 2 scores */
	double score_min, score_max; /* NAN without scores */
	int flaky;
};

struct llmops_rep_k {
	int k;
	long cases; /* cases with at least k results */
	double pass_at_k, pass_hat_k;
};

struct llmops_repeats {
	struct llmops_rep_case *cases; /* owned; in order of first observation */
	size_t ncases;
	long results, passed, failed, errors; /* results */
	long flaky, always, never;	      /* cases: flaky, passed every time, never passed */
	long partial;  /* cases that passed except for errors (neither flaky nor always) */
	int max_runs;  /* the most results of one case */
	double rate;   /* passed / results; NAN without results */
	double lo, hi; /* 95% interval */
	double n_eff;  /* the effective sample size the interval uses */
	double deff;   /* design effect: results / n_eff */
	struct llmops_rep_k *ks; /* owned: k = 1 .. max_runs */
	size_t nks;
};

/*
 * Group obs[0..n) by case id and compute the figures into *out (which the
 * caller releases with llmops_repeats_release, also after a failure).
 */
int llmops_repeats_compute(const struct llmops_rep_obs *obs, size_t n, struct llmops_repeats *out,
			   struct llmops_err *err);
void llmops_repeats_release(struct llmops_repeats *r);

/* The unbiased pass@k and pass^k of one case with c passes in n results (k <= n). */
double llmops_pass_at_k(long n, long c, int k);
double llmops_pass_hat_k(long n, long c, int k);

#endif
