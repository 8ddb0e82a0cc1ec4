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

/*
 * The q-quantile (q in [0,1]) of v[0..n) by linear interpolation between
 * closest ranks (the "type 7" rule of Hyndman and Fan 1996, numpy's
 * default).  Sorts v in place.  NAN when n = 0.
 */
double llmops_quantile(double *v, size_t n, double q);

#endif
