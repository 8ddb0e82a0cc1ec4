/*
 * prodstats.h - what production traffic says (`llmops stats`): a canary
 * against its stable version, runs and spend grouped by a metadata tag, and
 * spend split between production and evaluation.
 *
 * Ownership: the structs are the caller's; llmops_canary_release() and
 * llmops_stats_release() (runstats.h) free what they hold.
 */
#ifndef LLMOPS_PRODSTATS_H
#define LLMOPS_PRODSTATS_H

#include "ledger.h"
#include "runstats.h"

/* A canary is judged on at least this many production requests on each side... */
#define LLMOPS_CANARY_MIN_REQUESTS 30
/* ... and on online evaluations (eval --production) of at least this many scored cases. */
#define LLMOPS_CANARY_MIN_SCORED 20
/* ... and on users' feedback (scores of ingested feedback) of at least this many a side. */
#define LLMOPS_CANARY_MIN_FEEDBACK 20
/* A latency, cost or feedback difference smaller than this (relative) is not a regression. */
#define LLMOPS_CANARY_MIN_CHANGE 0.05

/* One side of the comparison. */
struct llmops_canary_side {
	char version[128];
	long requests, errors; /* production records, and those that failed */
	double *lat, *cost;    /* per answered request; internal arrays */
	size_t nlat, ncost;
	double error_rate;			       /* NAN without requests */
	double latency_mean, latency_p50, latency_p95; /* ms; NAN without latencies */
	double cost_mean;    /* USD per answered request; NAN when none priced */
	long scored, passed; /* online evaluations' scored results */
	double pass_rate;    /* NAN without scored results */
	double *fb;	     /* feedback scores on its records; internal array */
	size_t nfb;
	double feedback_mean; /* NAN without feedback */
};

/* One metric's test: canary against stable. */
struct llmops_canary_test {
	const char *metric; /* "error_rate", "latency_ms", "cost_usd", "pass_rate",
			       "feedback_score" (static) */
	int tested;	    /* 0: too little data on a side */
	double stable, canary, p;
	int worse; /* 1: the canary is worse beyond the noise (p < alpha, and for latency, cost
		      and feedback by at least LLMOPS_CANARY_MIN_CHANGE) */
};

struct llmops_canary {
	struct llmops_canary_side stable, canary;
	struct llmops_canary_test tests[5];
	int ntests;
	int regression; /* some test is worse */
	int conclusive; /* at least one test had enough data */
};

/*
 * Compare the canary version of prompt name with its stable version on the
 * production records answered at or after since (NULL: all) and on online
 * evaluations of each: error rate and pass rate by a two-proportion z test,
 * mean latency, cost per request and feedback score (higher is better) by
 * Welch's t test, each at alpha.
 */
int llmops_ledger_canary(struct llmops_ledger *lg, const char *name, const char *stable,
			 const char *canary, const char *since, double alpha,
			 struct llmops_canary *out, struct llmops_err *err);
void llmops_canary_release(struct llmops_canary *c);

/*
 * Rows of results grouped by the value of metadata tag key (results without
 * it under "-"), of runs started at or after since (NULL: all): runs, cases,
 * requests, tokens, cost and latency as llmops_ledger_stats() gives them.
 * out->drift is empty.  LLMOPS_E_USAGE for a key with a double quote.
 */
int llmops_ledger_stats_by_tag(struct llmops_ledger *lg, const char *key, const char *since,
			       struct llmops_stats *out, struct llmops_err *err);

/* What runs started at or after since (NULL: all) cost, production apart from the rest
   (evaluations, their judges included). */
int llmops_ledger_spend(struct llmops_ledger *lg, const char *since, double *production,
			double *evaluation, struct llmops_err *err);

#endif
