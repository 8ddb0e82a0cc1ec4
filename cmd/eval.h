/*
 * eval.h - what the parts of `llmops eval` share: eval.c (options, set-up,
 * resume), eval_run.c (requests, cache, scoring, the ledger), eval_out.c
 * (the summary and the report files).
 */
#ifndef LLMOPS_CMD_EVAL_H
#define LLMOPS_CMD_EVAL_H

#include "assertions.h"
#include "dataset.h"
#include "ledger.h"
#include "metrics.h"
#include "pricing.h"
#include "prompt_cmd.h"
#include "provider.h"
#include "repeats.h"
#include "rundiff.h"
#include "runner.h"
#include "strlist.h"
#include "tokenizer.h"

#include <cjson/cJSON.h>
#include <signal.h>

/* One prompt x provider pair. */
struct eval_variant {
	char label[LLMOPS_NAME_MAX + 400]; /* "summarize@v1.0.0 x openai:gpt-4o-mini" */
	char prompt[LLMOPS_NAME_MAX + 80]; /* "summarize@v1.0.0", or "(input)" */
	struct llmops_prompt *p;      /* borrowed from eval.protos; NULL: "input" is the message */
	char blob[LLMOPS_OID_HEX];    /* the prompt file's blob id */
	struct llmops_provider *prov; /* borrowed from the eval's provider list */
	struct llmops_provider *fallback; /* borrowed; NULL when none */
	const struct llmops_price *price; /* NULL when the model has no price */
	/* totals */
	long cases, passed, failed, errors, cache_hits, scored;
	long tokens_in, tokens_out;
	double cost;
	double metric_sum[LLMOPS_METRIC_COUNT];
	long metric_n[LLMOPS_METRIC_COUNT];
	double *lat; /* latencies of requests actually made */
	size_t nlat, caplat;
};

/* What one case needs to be scored (from the case and the defaults). */
struct eval_case {
	int metric;	  /* the gating metric; -1: assertions only */
	double threshold; /* in [0,1] */
	char *expected;	  /* owned; NULL when the case has none */
	char *recorded;	  /* owned: the case's "output"; NULL when none */
	struct llmops_assertions asserts;
	cJSON *vars; /* borrowed from the dataset */
	const char *id;
};

/* One case on one variant. */
struct eval_job {
	size_t ci, vi;
	int rep;     /* the repeat, 0 .. repeats - 1 */
	char *input; /* owned: the rendered messages (JSON), as recorded */
	cJSON *messages;
	struct llmops_call call;
	int on_fallback;
	int finished;
	/* the outcome */
	char *output;
	long tokens_in, tokens_out;
	double latency_ms, ttft_ms, cost;
	int attempts, cache_hit;
	char *error;		   /* why it failed (assertions) or could not be scored */
	char *scores_json;	   /* {"metric": score, ...} */
	double score;		   /* the gating metric's, NAN when none */
	int passed;		   /* 1, 0, or -1 (not scored) */
	double embed_score;	   /* NAN until the embedding call answers */
	struct llmops_call follow; /* the embedding or judge call */
};

/* The run compared with (--baseline) and the comparison. */
struct eval_baseline {
	struct llmops_run_data *a, *b; /* owned */
	struct llmops_diff diff;
	double significance; /* < 0: any flip is a regression */
	int done;	     /* 1 once diff is filled */
};

struct eval {
	struct llmops_ctx *ctx;
	cJSON *cfg; /* llmops.json, or NULL */
	struct llmops_buf cfg_text;
	struct prompt_env penv;
	int have_penv;
	struct llmops_ledger *ledger; /* borrowed from ctx */
	struct llmops_dataset ds;
	const char *dataset_path;
	int64_t dataset_id;
	struct llmops_pricing *prices;
	struct llmops_tokenizer *tok; /* o200k_base, for outputs with no reported count */
	struct llmops_idf *idf;

	struct llmops_provider **provs; /* owned */
	size_t nprovs;
	struct eval_variant *protos; /* one per prompt: owns the parsed prompt */
	size_t nprotos;
	struct eval_variant *vars; /* protos x providers */
	size_t nvars;
	struct eval_case *cases;
	size_t ncases;
	struct eval_job *jobs; /* case by case, each case's variants, each variant's repeats */
	size_t njobs, next_job;
	int repeats;		      /* --repeat N; 1 without */
	struct llmops_repeats *reps;  /* per variant once the run is over (repeats > 1); owned */
	struct llmops_call **requeue; /* calls to send before new ones: fallbacks, follow-ups */
	size_t nrequeue, caprequeue;

	/* options */
	struct llmops_strlist metrics; /* reported metrics; the first is the default gate */
	int metric_ids[LLMOPS_METRIC_COUNT];
	size_t nmetric_ids;
	double threshold, min_pass_rate, max_cost, review_below;
	int no_cache, offline, progress;
	struct llmops_runner_opts ropts;
	const char *embedding_spec;
	struct llmops_provider *embedder; /* owned */
	char run_id[LLMOPS_RUNID_LEN + 1];
	int resumed;
	char resume_sha[LLMOPS_SHA256_HEX_LEN + 1]; /* the dataset the resumed run began with */
	long restored;				    /* results taken over from it */

	/* progress and totals */
	long done, passed, errors;
	long tokens;
	double cost;
	double t0;
	long redactions; /* key values cut from answers before they were stored */
	int ledger_failed;
	struct llmops_err ledger_err;
	volatile sig_atomic_t *stop;

	char baseline_id[LLMOPS_RUNID_LEN + 1]; /* "" without --baseline */
	long shard_index, shard_count;		/* --shard I/N; 0 without */
	size_t shard_first;			/* the dataset position of its first case */
	struct eval_baseline baseline;
};

/* eval_run.c: run every job that is not done; 0, 1 when interrupted, or an exit status. */
int eval_run(struct eval *ev);
/* Free what the jobs own. */
void eval_jobs_release(struct eval *ev);

/* eval_baseline.c */
/* Settle --baseline RUN|last|pinned into ev->baseline_id; prints errors, returns an exit status. */
int eval_baseline_resolve(struct eval *ev, const char *spec);
/* Compare the finished run with the baseline: 1 regressed, 0 not, -1 failed (printed). */
int eval_baseline_compare(struct eval *ev, double significance);
/* The comparison as JSON (the caller's), NULL without one. */
cJSON *eval_baseline_json(const struct eval *ev);
void eval_baseline_print(const struct eval *ev);
void eval_baseline_release(struct eval *ev);

/* eval_out.c */
/* The run's totals over every variant, and whether the gate holds on them. */
struct eval_totals {
	long cases, passed, scored, errors;
	double cost;
	double rate; /* passed / cases; 1 when there are no cases */
	int gate_ok; /* pass rate >= --min-pass-rate and cost <= --max-cost */
};
void eval_totals(const struct eval *ev, struct eval_totals *t);
/* Once the run is over: what the repeats of each variant say, into ev->reps (--repeat N > 1
 * only); 0, or -1 when out of memory (then ev->reps stays NULL and the summary omits them). */
int eval_repeats_settle(struct eval *ev);
void eval_repeats_release(struct eval *ev);
cJSON *eval_summary_json(const struct eval *ev);
void eval_print_text(const struct eval *ev, int color);
/* Write the results of the run as format ("json", "jsonl", "csv", "junit", "markdown") to path
 * ("-": stdout).  Prints errors; returns 0 or an exit status. */
int eval_write_report(struct eval *ev, const char *path, const char *format);
/* The format named by a file's extension, or NULL. */
const char *eval_format_for(const char *path);

#endif
