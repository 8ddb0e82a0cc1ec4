/*
 * eval.h - the evaluation engine: every case of a dataset on every
 * variant (prompt x provider), each repeat, through the response cache,
 * a recorded output or the runner; scored, priced, written to the ledger
 * as it completes, and totalled for the gate.
 *
 * The caller fills a struct llmops_eval (the spec fields below, the
 * dataset, the prompts as variants, the providers), then:
 *
 *   llmops_eval_cases()    the cases of the dataset (limit, shard), validated
 *   llmops_eval_render()   every job rendered (missing variables reported)
 *   llmops_eval_scoring()  the IDF table and the tokenizer
 *   llmops_eval_begin()    the run in the ledger (or llmops_eval_take_up() to resume)
 *   llmops_eval_run()      the requests, with progress and results through callbacks
 *   llmops_eval_totals()   the gate
 *   llmops_eval_finish()   the run's status in the ledger
 *   llmops_eval_release()  frees what the engine owns
 *
 * Nothing here prints, exits or reads the environment.
 */
#ifndef LLMOPS_EVAL_H
#define LLMOPS_EVAL_H

#include "assertions.h"
#include "dataset.h"
#include "error.h"
#include "ledger.h"
#include "metrics.h"
#include "pricing.h"
#include "prompt.h"
#include "provider.h"
#include "repeats.h"
#include "rundiff.h"
#include "runner.h"
#include "store.h"
#include "template.h"
#include "strlist.h"
#include "tokenizer.h"

#include <cjson/cJSON.h>
#include <signal.h>

struct llmops_eval_cb;

/* One prompt x provider pair. */
struct llmops_eval_variant {
	char label[LLMOPS_NAME_MAX + 400]; /* "summarize@v1.0.0 x openai:gpt-4o-mini" */
	char prompt[LLMOPS_NAME_MAX + 80]; /* "summarize@v1.0.0", or "(input)" */
	struct llmops_prompt *p;	   /* borrowed from protos; NULL: "input" is the message */
	char blob[LLMOPS_OID_HEX];	   /* the prompt file's blob id */
	struct llmops_provider *prov;	   /* borrowed from provs */
	struct llmops_provider *fallback;  /* borrowed from provs; NULL when none */
	const struct llmops_price *price;  /* borrowed from prices; NULL when unpriced */
	/* totals */
	long cases, passed, failed, errors, cache_hits, scored;
	long tokens_in, tokens_out;
	double cost;
	double metric_sum[LLMOPS_METRIC_COUNT];
	long metric_n[LLMOPS_METRIC_COUNT];
	double *lat; /* owned: latencies of requests actually made */
	size_t nlat, caplat;
};

/* What one case needs to be scored (from the case and the defaults). */
struct llmops_eval_case {
	int metric;	  /* the gating metric; -1: assertions only */
	double threshold; /* in [0,1] */
	char *expected;	  /* owned; NULL when the case has none */
	char *recorded;	  /* owned: the case's "output"; NULL when none */
	struct llmops_assertions asserts;
	cJSON *vars;	/* borrowed from the dataset */
	const char *id; /* borrowed from the dataset */
	int line;	/* where the case starts in the dataset */
};

/* One case on one variant, one repeat. */
struct llmops_eval_job {
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
	struct llmops_call follow; /* the embedding call */
};

/* The run compared with (--baseline) and the comparison. */
struct llmops_eval_baseline {
	struct llmops_run_data *a, *b; /* owned */
	struct llmops_diff diff;
	double significance; /* < 0: any flip is a regression */
	int done;	     /* 1 once diff is filled */
};

struct llmops_eval {
	/* ---- the spec, filled by the caller */
	struct llmops_ledger *ledger; /* borrowed */
	struct llmops_store *store;   /* borrowed, NULL outside a repository (git state) */
	/* loads a partial for rendering (see template.h); NULL: none */
	llmops_partial_fn partial;
	void *partial_ud;
	struct llmops_dataset ds; /* owned */
	const char *dataset_path; /* borrowed */
	int64_t dataset_id;
	struct llmops_pricing *prices; /* owned */
	struct llmops_provider **provs; /* owned */
	size_t nprovs;
	struct llmops_eval_variant *protos; /* one per prompt: owns the parsed prompt */
	size_t nprotos;
	struct llmops_eval_variant *vars; /* protos x providers */
	size_t nvars;
	struct llmops_strlist metrics; /* reported metrics; the first is the default gate */
	int metric_ids[LLMOPS_METRIC_COUNT];
	size_t nmetric_ids;
	double threshold, min_pass_rate, max_cost, review_below; /* < 0: no max, no review */
	int no_cache, offline;
	struct llmops_runner_opts ropts;
	const char *embedding_spec;	  /* borrowed; NULL without the embedding metric */
	struct llmops_provider *embedder; /* owned */
	int repeats;			  /* 1 .. 100 */
	long limit;			  /* only the first N cases; <= 0: all */
	long shard_index, shard_count;	  /* the I-th of N slices; 0 without */
	volatile sig_atomic_t *stop;	  /* non-zero: stop (borrowed; may be NULL) */

	/* ---- the engine's */
	struct llmops_tokenizer *tok; /* o200k_base, for outputs with no reported count */
	struct llmops_idf *idf;
	struct llmops_eval_case *cases;
	size_t ncases;
	size_t shard_first; /* the dataset position of the first case */
	struct llmops_eval_job *jobs; /* case by case, each case's variants, each variant's repeats */
	size_t njobs, next_job;
	struct llmops_repeats *reps; /* per variant once the run is over (repeats > 1); owned */
	struct llmops_call **requeue; /* calls to send before new ones: fallbacks, follow-ups */
	size_t nrequeue, caprequeue;
	char run_id[LLMOPS_RUNID_LEN + 1];
	int resumed;
	char resume_sha[LLMOPS_SHA256_HEX_LEN + 1]; /* the dataset the resumed run began with */
	long restored;				    /* results taken over from it */
	long done, passed, errors;
	long tokens;
	double cost;
	double t0;	 /* when the run began (llmops_mono_ms) */
	long redactions; /* key values cut from answers before they were stored */
	int ledger_failed;
	struct llmops_err ledger_err;
	const struct llmops_eval_cb *cb;	/* borrowed, while llmops_eval_run runs */
	char baseline_id[LLMOPS_RUNID_LEN + 1]; /* "" without a baseline */
	struct llmops_eval_baseline baseline;
};

/* How the run reports while it goes; every member may be NULL. */
struct llmops_eval_cb {
	/* about ten times a second while requests run, and once at the end */
	void (*progress)(const struct llmops_eval *ev, void *ud);
	/* each job once it is scored and recorded */
	void (*result)(const struct llmops_eval *ev, const struct llmops_eval_job *j, void *ud);
	void *ud;
};

/*
 * The cases of ev->ds that run (ev->limit, then the shard's slice), each
 * validated: its metric and threshold, its assertions, something to check.
 * Uses ev->metric_ids[0], ev->threshold and ev->embedding_spec.  Returns 0
 * or an error naming the case ("FILE:LINE: case 'ID': ...").
 */
int llmops_eval_cases(struct llmops_eval *ev, struct llmops_err *err);

/*
 * Render every job (cases x variants x repeats).  Each problem (a prompt
 * that cannot render, a case lacking a variable) is added once to
 * problems (the caller's); returns 0 (problems may be non-empty: then
 * nothing must be sent) or LLMOPS_E_NOMEM.
 */
int llmops_eval_render(struct llmops_eval *ev, struct llmops_strlist *problems,
		       struct llmops_err *err);

/* The IDF table over the expected outputs, and the tokenizer.  0 or an error. */
int llmops_eval_scoring(struct llmops_eval *ev, struct llmops_err *err);

/* What the run is recorded as beyond the spec. */
struct llmops_eval_record {
	char *const *argv; /* the arguments as given, NULL-terminated (borrowed) */
};

/* Begin the run in the ledger: its id into ev->run_id.  0 or an error. */
int llmops_eval_begin(struct llmops_eval *ev, const struct llmops_eval_record *rec,
		      struct llmops_err *err);

/*
 * Take up the interrupted run ev->run_id (ev->resume_sha: the dataset it
 * began with): its scored results count as done.  0, or an error (the
 * dataset changed: LLMOPS_E_USAGE).
 */
int llmops_eval_take_up(struct llmops_eval *ev, struct llmops_err *err);

/*
 * Run every job that is not done.  Returns 0, 1 when ev->stop was set
 * (the jobs in flight are not recorded), or an error (a ledger write
 * failed, or the runner could not start).
 */
int llmops_eval_run(struct llmops_eval *ev, const struct llmops_eval_cb *cb,
		    struct llmops_err *err);

/* Add a finished job to the totals (the run does; also for restored results). */
void llmops_eval_account(struct llmops_eval *ev, struct llmops_eval_job *j);

/* The run's totals over every variant, and whether the gate holds on them. */
struct llmops_eval_totals {
	long cases, passed, scored, errors;
	double cost;
	double rate; /* passed / cases; 1 when there are no cases */
	int gate_ok; /* pass rate >= min_pass_rate and cost <= max_cost */
};
void llmops_eval_totals(const struct llmops_eval *ev, struct llmops_eval_totals *t);

/*
 * Once the run is over: what the repeats of each variant say, into
 * ev->reps (repeats > 1 only); 0, or -1 when out of memory (ev->reps
 * stays NULL).
 */
int llmops_eval_repeats(struct llmops_eval *ev);

/*
 * Compare the finished run with ev->baseline_id as `llmops diff` does,
 * into ev->baseline: 1 regressed (a pass became a fail; with significance
 * in (0,1) only a significant drop), 0 not, or an error.
 */
int llmops_eval_compare(struct llmops_eval *ev, double significance, struct llmops_err *err);

/* Finish the run in the ledger with status (enum llmops_run_status).  0 or an error. */
int llmops_eval_finish(struct llmops_eval *ev, int status, struct llmops_err *err);

/* Free everything ev owns (not ev itself); ev is all zero afterwards. */
void llmops_eval_release(struct llmops_eval *ev);

#endif
