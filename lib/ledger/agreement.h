/*
 * agreement.h - how far a judge (the judge metric's verdicts) agrees with
 * the human reviewers who decided the same results in the review queue:
 * per rubric version, the confusion matrix of the judge's pass (its
 * normalised score at or above the result's threshold) against the
 * reviewer's accept, the observed agreement and Cohen's kappa with its 95%
 * interval (stats.h).  Nothing here prints.
 */
#ifndef LLMOPS_AGREEMENT_H
#define LLMOPS_AGREEMENT_H

#include "error.h"
#include "ledger.h"

#include <stddef.h>

/* Below this kappa a judge agrees weakly with its reviewers (eval warns). */
#define LLMOPS_JUDGE_KAPPA_MIN 0.6
/* ... once at least this many of its results were reviewed. */
#define LLMOPS_JUDGE_MIN_REVIEWS 10

struct llmops_agreement {
	char rubric[280];	  /* "relevance@v1.0.0" */
	long c[2][2];		  /* [the judge passed it][the reviewer accepted it] */
	long n;			  /* results with a verdict and a decided review */
	double po, kappa, lo, hi; /* NAN where undefined (llmops_kappa) */
};

/*
 * The agreement of every rubric (or of the one named rubric: "relevance"
 * for every version, "relevance@v1.0.0" for one) with the reviews, the
 * latest decided review of each result counting once.  *out (the
 * caller's: free()) holds *n entries sorted by rubric; none is not an
 * error.
 */
int llmops_judge_agreement(struct llmops_ledger *lg, const char *rubric,
			   struct llmops_agreement **out, size_t *n, struct llmops_err *err);

#endif
