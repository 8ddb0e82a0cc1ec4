/*
 * runstats.h - what the ledger's runs add up to (`llmops stats`): requests,
 * tokens, cost, latency percentiles, error and pass rates per day, prompt,
 * model or provider; and drift: a metric whose recent runs differ from the
 * earlier runs of the same prompt, dataset and model beyond the noise.
 *
 * Everything is read from the runs table and the latencies kept there when
 * a run finishes, never from the results (a million of them would take
 * seconds); latency percentiles are exact all the same.
 *
 * Ownership: llmops_ledger_stats() fills a caller's struct; free its arrays
 * with llmops_stats_release().
 */
#ifndef LLMOPS_RUNSTATS_H
#define LLMOPS_RUNSTATS_H

#include "ledger.h"

enum llmops_stats_by {
	LLMOPS_STATS_BY_DAY = 0, /* the UTC day a run started */
	LLMOPS_STATS_BY_PROMPT,
	LLMOPS_STATS_BY_MODEL,
	LLMOPS_STATS_BY_PROVIDER,
	LLMOPS_STATS_BY_VERSION, /* prompt@version */
	LLMOPS_STATS_BY_KIND,	 /* eval, production, ... */
};

/* "day", "prompt", ... -> enum; -1 when unknown. */
int llmops_stats_by_parse(const char *s);

struct llmops_stats_row {
	char key[192]; /* "2026-11-22", "summarize", "gpt-4o-mini", "openai"; "-" for none */
	long runs, cases, passed, errored;
	int64_t requests, cache_hits, tokens_in, tokens_out;
	double cost_usd;
	double pass_rate, error_rate;	 /* over cases; NAN without cases */
	double latency_p50, latency_p95; /* ms over answered requests; NAN when none */
	double *lat;			 /* internal */
	size_t nlat, caplat;
	char last_run[32]; /* internal: the run counted last (a split run counts once) */
};

/* Drift of one metric in one series (prompt, dataset, model). */
struct llmops_drift {
	char prompt[128], model[128];
	char dataset[256];    /* the dataset's path, or its id */
	const char *metric;   /* "pass_rate", "score_mean", "latency_p50_ms", "cost_per_case_usd" */
	double before, after; /* mean over the earlier and the recent runs */
	double p;	      /* the test's two-sided p-value */
	size_t nbefore, nafter; /* runs on each side */
};

struct llmops_stats {
	struct llmops_stats_row *rows; /* by key: days ascending, others by name */
	size_t nrows;
	struct llmops_stats_row total;
	struct llmops_drift *drift;
	size_t ndrift;
	size_t series; /* series long enough to be tested for drift */
};

/* Drift is tested on series of at least this many finished evaluations. */
#define LLMOPS_DRIFT_MIN_RUNS 6
/* ... and flagged at this p-value, when the change is also this large (relative). */
#define LLMOPS_DRIFT_P		0.01
#define LLMOPS_DRIFT_MIN_CHANGE 0.05

/*
 * Aggregate the runs started at or after since (NULL: all) by `by`, and
 * test every series for drift: its last third of runs (at least 3) against
 * the runs before.  Pass rate by a two-proportion z test on the pooled
 * cases; mean score, latency p50 and cost per case by Welch's t test on the
 * per-run values.
 */
int llmops_ledger_stats(struct llmops_ledger *lg, int by, const char *since,
			struct llmops_stats *out, struct llmops_err *err);
void llmops_stats_release(struct llmops_stats *s);

/* The row of key in s, added (zeroed) when there is none; NULL when out of memory.  The
   pointer is valid until the next row is added. */
struct llmops_stats_row *llmops_stats_row_for(struct llmops_stats *s, const char *key);
/* A row's rates and latency percentiles from its counts and latencies (reorders r->lat). */
void llmops_stats_row_finish(struct llmops_stats_row *r);

#endif
