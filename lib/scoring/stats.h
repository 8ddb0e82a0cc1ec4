/*
 * stats.h - the statistics a run's summary reports.
 */
#ifndef LLMOPS_STATS_H
#define LLMOPS_STATS_H

#include <stddef.h>

/*
 * The Wilson score interval (Wilson 1927) for k successes in n trials at
 * z standard deviations (1.959964 for 95%): *lo and *hi in [0,1].  n = 0
 * gives [0,1].
 */
void llmops_wilson(long k, long n, double z, double *lo, double *hi);
/* The same for a proportion p over a sample size n that need not be whole
 * (an effective sample size). */
void llmops_wilson_p(double p, double n, double z, double *lo, double *hi);

/*
 * The q-quantile (q in [0,1]) of v[0..n) by linear interpolation between
 * closest ranks (the "type 7" rule of Hyndman and Fan 1996, numpy's
 * default).  Sorts v in place.  NAN when n = 0.
 */
double llmops_quantile(double *v, size_t n, double q);

/* Sort v ascending (NAN-free input). */
void llmops_sort_doubles(double *v, size_t n);
/* The same in linear time, without sorting (the order of v changes). */
double llmops_quantile_select(double *v, size_t n, double q);
/* The same for v already sorted ascending (v is not touched). */
double llmops_quantile_sorted(const double *v, size_t n, double q);

/*
 * The exact McNemar test (McNemar 1947; the binomial form): b pairs changed
 * one way, c the other.  The two-sided p-value 2 * P(X <= min(b, c)) for
 * X ~ Binomial(b + c, 1/2), at most 1; 1 when b + c = 0.
 */
double llmops_mcnemar_exact(long b, long c);

/* The CDF of Student's t distribution with df degrees of freedom at t. */
double llmops_t_cdf(double t, double df);
/* Its inverse: the t with P(T <= t) = p, for p in (0,1). */
double llmops_t_quantile(double p, double df);

/*
 * The mean of v[0..n) and its two-sided confidence interval at level
 * (0.95) from Student's t.  Returns 0, or -1 when n < 2 (then *lo and *hi
 * are NAN; *mean is set when n = 1).
 */
int llmops_mean_ci(const double *v, size_t n, double level, double *mean, double *lo, double *hi);

/*
 * The two-proportion z test (pooled variance) of k1 of n1 against k2 of n2:
 * the two-sided p-value; NAN when either n is 0.
 */
double llmops_two_prop_p(double k1, double n1, double k2, double n2);

/*
 * Welch's unequal-variance t test of the means of a and b: the two-sided
 * p-value, or NAN when either has fewer than 2 values.
 */
double llmops_welch_p(const double *a, size_t na, const double *b, size_t nb);

/*
 * Cohen's kappa of two raters' yes/no verdicts on the same items: c[a][b]
 * counts the items rater A said a (1 yes, 0 no) and rater B said b.  *po
 * is the observed agreement, *kappa (po - pe) / (1 - pe) with pe the
 * agreement expected by chance from each rater's own rates, and [*lo,
 * *hi] its 95% interval from the large-sample standard error
 * sqrt(po (1 - po) / (n (1 - pe)^2)) (Cohen 1960), clipped to [-1, 1].
 * With no items, or when both raters always give one and the same verdict
 * (pe = 1), kappa and its interval are NAN.
 */
void llmops_kappa(const long c[2][2], double *po, double *kappa, double *lo, double *hi);

#endif
