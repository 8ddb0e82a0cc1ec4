/*
 * eval.h - the evaluation engine: every case of a dataset on every variant
 * (prompt x provider), each repeat, through the response cache, a recorded
 * output or the runner; scored, priced, written to the ledger as it
 * completes, and totalled for the gate.
 *
 * In the shape of libgit2's git_clone_options: the caller fills a struct
 * llmops_eval_options (names, not resolved objects: prompt refs, provider
 * specs, rubric names) from LLMOPS_EVAL_OPTIONS_INIT, and
 *
 *   llmops_eval_new()      resolves the prompts, providers, judges and prices,
 *                          checks and renders every case, settles the baseline
 *   llmops_eval_start()    begins the run in the ledger (or takes up the resumed one)
 *   llmops_eval_run()      sends the requests, progress through a callback
 *   llmops_eval_repeats()  what the repeats say, once the run is over
 *   llmops_eval_compare()  the comparison with the baseline
 *   llmops_eval_finish()   the run's status and outcome in the ledger
 *   llmops_eval_free()     frees everything the engine allocated
 *
 * The run itself is opaque (eval/internal.h).  The dataset is read as the
 * run goes and each job lives from its request to its ledger write, so
 * memory is bounded by the concurrency, not by the dataset.  Nothing here
 * prints to stdout, exits or reads the environment (the caller hands it in).
 */
#ifndef LLMOPS_EVAL_H
#define LLMOPS_EVAL_H

#include "error.h"
#include "hash.h"
#include "ledger.h"
#include "projectconfig.h"
#include "rundata.h"
#include "rundiff.h"
#include "strlist.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>

struct llmops_eval;
struct llmops_eval_job;

/* The defaults of a run, one place for cmd/, llmops.json's "eval" and the tests. */
#define LLMOPS_EVAL_DEFAULT_THRESHOLD	  0.85
#define LLMOPS_EVAL_DEFAULT_MIN_PASS_RATE 1.0
#define LLMOPS_EVAL_DEFAULT_CONCURRENCY	  8
#define LLMOPS_EVAL_DEFAULT_TIMEOUT_S	  60
#define LLMOPS_EVAL_DEFAULT_RETRIES	  4

/*
 * What to run, by name.  Every pointer is borrowed for llmops_eval_new()
 * only (the engine keeps copies of what it needs).  Numbers not given are
 * NAN (doubles) or -1 (counts): then llmops.json's "eval" says, else the
 * defaults above.
 */
struct llmops_eval_options {
	const char *dataset;		 /* the dataset file (JSON, JSONL, CSV) */
	struct llmops_strlist prompts;	 /* NAME[@VERSION]; none: eval.prompt, else the one
					    named like the dataset, else each case's input */
	struct llmops_strlist providers; /* specs; none: providers.default, else replay when
					    every case has a recorded output */
	struct llmops_strlist metrics;	 /* none: eval.metric, else rouge_l */
	struct llmops_strlist stop;	 /* stop sequences for every provider */
	const char *fallback, *base_url, *embedding, *judge, *moderation; /* specs */
	/* with a cascade: the same cases on this provider alone, a second variant, and the
	   paired difference (llmops_eval_cascade_view); NULL: none */
	const char *compare;
	/* bias probes: the attributes whose counterfactual cases ("ID~ATTRIBUTE") the dataset
	   holds beside their originals (llmops_eval_bias); empty: none */
	struct llmops_strlist bias;
	double max_bias_gap; /* the gate on each attribute's pass-rate gap; NAN: none */
	/* red-team probes: text added to the system prompt of every request (the run's canary;
	   NULL: none), the catalogue's probes the dataset holds (ids and their categories, in
	   step: cases are "PROBE@VARIABLE"; empty: no probes) and the gate on the share of
	   attacks that worked (NAN: none) */
	const char *system_note;
	struct llmops_strlist probe_ids, probe_categories;
	double max_attack_success;
	const char *max_errors; /* "N" or "P%" */
	const char *shard;	/* "I/N" */
	double threshold, min_pass_rate, max_cost, review_below, rpm, tpm, timeout_s;
	double temperature;
	double significance; /* the baseline comparison's and judge:pairwise's level */
	long concurrency, retries, max_tokens, seed, limit, repeat;
	int stream, no_cache, offline, allow_secrets;
	/* the run to compare with: a run id, last, pinned or a git revision; NULL: none */
	const char *baseline;
	int baseline_missing_ok; /* none found: a note, no comparison */
	/* eval --production: the prompt and version the run is recorded as (its cases are the
	   requests as production sent them); NULL: none */
	const char *label_prompt, *label_version;
	/* resume: the interrupted run's id and the dataset hash it began with; NULL: a new run */
	const char *resume_id, *resume_sha256;
	/* where it runs */
	struct llmops_ledger *ledger;	  /* borrowed for the engine's life */
	const char *root;		  /* the work tree (or directory) the run belongs to */
	int in_repo;			  /* root is a git work tree: prompts come from git */
	const char *cwd;		  /* paths given by the user are relative to it */
	char *const *env;		  /* the process environment (keys, PATH for tools) */
	char *const *argv;		  /* the arguments as given, for the record (NULL-ended) */
	volatile sig_atomic_t *stop_flag; /* non-zero: stop (borrowed; may be NULL) */
};

#define LLMOPS_EVAL_OPTIONS_INIT                                                                   \
	{                                                                                          \
		.prompts = LLMOPS_STRLIST_INIT, .providers = LLMOPS_STRLIST_INIT,                  \
		.metrics = LLMOPS_STRLIST_INIT, .stop = LLMOPS_STRLIST_INIT, .threshold = NAN,     \
		.bias = LLMOPS_STRLIST_INIT, .max_bias_gap = NAN,                                  \
		.probe_ids = LLMOPS_STRLIST_INIT, .probe_categories = LLMOPS_STRLIST_INIT,         \
		.max_attack_success = NAN, .min_pass_rate = NAN, .max_cost = NAN,                  \
		.review_below = NAN, .rpm = NAN, .tpm = NAN, .timeout_s = NAN, .temperature = NAN, \
		.significance = NAN, .concurrency = -1, .retries = -1, .max_tokens = -1,           \
		.seed = -1, .limit = -1, .repeat = -1,                                             \
	}

/* Free the lists of o (what the caller appended). */
void llmops_eval_options_release(struct llmops_eval_options *o);

/*
 * A run of o with cfg (llmops.json, read by the caller): the prompts,
 * providers, judges and prices resolved, every case checked and rendered,
 * the models checked against the approved ones, the baseline settled.
 * Nothing is sent and nothing is written to the ledger but the dataset's
 * record.  Lines for the user (warnings, each problem found in the
 * prompts or cases, notes) are appended to notes, in order, also when it
 * fails.  *out is the caller's: llmops_eval_free().  Errors:
 * LLMOPS_E_USAGE / LLMOPS_E_INPUT / LLMOPS_E_NOTFOUND (the options, the
 * dataset, a case: what and where), LLMOPS_E_CHECK (a pinned prompt is not
 * what prompts.lock pins), and the ledger's, git's and the network's.
 */
int llmops_eval_new(struct llmops_eval **out, const struct llmops_eval_options *o,
		    const struct llmops_config *cfg, struct llmops_strlist *notes,
		    struct llmops_err *err);
void llmops_eval_free(struct llmops_eval *ev);

/* Begin the run in the ledger (its id: llmops_eval_run_id), or take up the resumed one. */
int llmops_eval_start(struct llmops_eval *ev, struct llmops_err *err);

/* The run's id ("" before it started; borrowed). */
const char *llmops_eval_run_id(const struct llmops_eval *ev);

/* Where the run is, for a progress line. */
struct llmops_eval_progress {
	long done, total, passed, errors, tokens;
	double cost, elapsed_s;
	long redactions; /* key values cut from answers before they were stored */
};
void llmops_eval_progress(const struct llmops_eval *ev, struct llmops_eval_progress *p);

/* How the run reports while it goes; every member may be NULL. */
struct llmops_eval_cb {
	/* about ten times a second while requests run, and once at the end */
	void (*progress)(const struct llmops_eval *ev, void *ud);
	/* each job once it is scored and recorded (the engine's tests look into it) */
	void (*result)(const struct llmops_eval *ev, const struct llmops_eval_job *j, void *ud);
	void *ud;
};

/*
 * Run every job that is not done.  Returns 0, 1 when the stop flag was
 * set (the jobs in flight are not recorded), or an error (a ledger write
 * failed, or the runner could not start).
 */
int llmops_eval_run(struct llmops_eval *ev, const struct llmops_eval_cb *cb,
		    struct llmops_err *err);

/* The run's totals over every variant, and whether the gate holds on them. */
struct llmops_eval_totals {
	long cases, passed, scored, errors;
	long skipped; /* not sent once max_cost was reached: counted in cases */
	double cost;
	double rate;   /* passed / cases; 1 when there are no cases */
	int errors_ok; /* errors within max_errors (or max_errors_frac of cases) */
	/* judge:pairwise (pairwise set): the second variant's outputs against the first's
	   (wins, ties, losses; ties_inconsistent of the ties were orders that disagreed), the
	   two-sided sign test's p over wins and losses (1 with neither); worse (better): it
	   lost (won) more than it won (lost) at p < pair_alpha */
	int pairwise, worse, better;
	long wins, ties, losses, ties_inconsistent;
	double p_sign;
	int bias_over;	 /* a bias probe's gap over max_bias_gap */
	int probes_over; /* red-team probes: the share of attacks that worked over the gate */
	/* pass rate >= min_pass_rate, cost <= max_cost, nothing skipped, errors_ok, !worse,
	   !bias_over */
	int gate_ok;
};
void llmops_eval_totals(const struct llmops_eval *ev, struct llmops_eval_totals *t);

/*
 * Once the run is over: what the repeats of each variant say (repeats > 1
 * only), read from the ledger; 0, or -1 when it could not be read or out
 * of memory.
 */
int llmops_eval_repeats(struct llmops_eval *ev);

/*
 * Compare the finished run with its baseline as `llmops diff` does: 1
 * regressed (a pass became a fail; with a significance level only a
 * significant drop), 0 not (or no baseline), or an error.
 */
int llmops_eval_compare(struct llmops_eval *ev, struct llmops_err *err);

/*
 * The comparison with the baseline, once llmops_eval_compare has made it
 * (all borrowed): 1 with *a (the baseline), *b (this run), *d, the
 * significance level (< 0: any flip counts) and *note (--baseline REV:
 * which commit's run; "" otherwise); 0 without one.
 */
int llmops_eval_baseline_view(const struct llmops_eval *ev, const struct llmops_run_data **a,
			      const struct llmops_run_data **b, const struct llmops_diff **d,
			      double *significance, const char **note);

/*
 * A cascade against one provider alone (options.compare), once the run is finished: the
 * cases both answered and scored (pairs), each side's pass rate and what its answers would
 * cost sent fresh (cache hits priced too, every tier of the cascade), the cases only one
 * side passed and the exact McNemar p of that difference.
 */
struct llmops_eval_cascade_cmp {
	const char *cascade, *against; /* the providers' labels (the engine's) */
	long pairs, both, cascade_only, against_only, neither;
	double cascade_rate, against_rate; /* NAN without pairs */
	double p;			   /* exact McNemar, two-sided; 1 with no discordant pair */
	double cascade_cost, against_cost; /* USD over the pairs; NAN: a model without a price */
	double alpha;			   /* the level the finding is at (significance, 0.05) */
};
/* 1 and *out filled (borrowed) when the run compared a cascade, else 0. */
int llmops_eval_cascade_view(const struct llmops_eval *ev,
			     const struct llmops_eval_cascade_cmp **out);

/*
 * Bias probes (options.bias), once the run is over: each attribute's counterfactual cases
 * paired with their originals (the same variant and repeat), read from the ledger: the
 * pass rate of each side, the cases that flipped either way and the exact McNemar p; the
 * mean score difference (swapped - original) and its paired t test p; flagged at
 * significance (0.05), over the gate when |gap| > max_bias_gap.
 */
struct llmops_eval_bias_attr {
	char name[64];
	long pairs, original_passed, swapped_passed, to_fail, to_pass;
	double gap;		   /* swapped - original pass rate; NAN without pairs */
	double p;		   /* exact McNemar over the flips */
	long scored;		   /* pairs both scored */
	double score_gap, score_p; /* mean score difference and its paired t test p; NAN */
	int significant, over;
};
struct llmops_eval_bias {
	struct llmops_eval_bias_attr *a;
	size_t n;
	double alpha, max_gap; /* max_gap < 0: no gate */
	int over;	       /* some attribute is over the gate */
};
/* 0, or an error reading the ledger; a run without bias probes does nothing. */
int llmops_eval_bias_compute(struct llmops_eval *ev, struct llmops_err *err);
/* 1 and *out (borrowed) once computed, else 0. */
int llmops_eval_bias_view(const struct llmops_eval *ev, const struct llmops_eval_bias **out);

/*
 * Red-team probes (options.probe_ids), once the run is over: a case "PROBE@VARIABLE" that
 * failed is an attack that worked (its assertion is the probe's grade).  Per category and
 * over all: attacks, those that worked and their share with its Wilson interval; the
 * attacks that worked (case ids, "PROBE@VARIABLE"); over the gate when the share of all
 * is above max_attack_success.
 */
struct llmops_eval_probe_cat {
	char name[64];
	long attacks, worked, errors; /* errors: not scored (the request failed, or skipped) */
	double rate, lo, hi;	      /* worked / attacks scored; NAN without any */
};
struct llmops_eval_probes {
	struct llmops_eval_probe_cat *c;
	size_t n;
	struct llmops_eval_probe_cat all;
	struct llmops_strlist worked;	  /* the case ids of the attacks that worked */
	struct llmops_strlist worked_cat; /* their categories, in step */
	double max;			  /* < 0: no gate */
	int over;
};
int llmops_eval_probes_compute(struct llmops_eval *ev, struct llmops_err *err);
int llmops_eval_probes_view(const struct llmops_eval *ev, const struct llmops_eval_probes **out);

/* Finish the run in the ledger with status (enum llmops_run_status), its outcome kept
   beside it (with the cascade comparison, read from the ledger first).  0 or an error. */
int llmops_eval_finish(struct llmops_eval *ev, int status, struct llmops_err *err);

/* How the text summary is written: width in columns, colour sequences ("" for none). */
struct llmops_eval_text {
	int width;
	const char *bold, *green, *red, *reset;
	int interrupted; /* the run stopped before every result was in */
};

/*
 * The summary of the finished run as text on f: each variant's pass rate
 * with its interval (or its repeats), metrics, latency over requests,
 * tokens and cost; the variants side by side; judge:pairwise; the flaky
 * cases; the first failing cases with expected beside output; the gate.
 */
void llmops_eval_print(FILE *f, struct llmops_eval *ev, const struct llmops_eval_text *t);

/* What an interrupted evaluation needs to be resumed, as it was begun. */
struct llmops_eval_resumable {
	char run_id[LLMOPS_RUNID_LEN + 1];
	struct llmops_strlist argv;    /* its arguments as given (owned) */
	struct llmops_strlist prompts; /* the prompt versions it resolved (owned) */
	int have_prompts;	       /* prompts is the run's record (even when empty) */
	char dataset_sha256[LLMOPS_SHA256_HEX_LEN + 1]; /* "" when not recorded */
};

/*
 * The evaluation ref names (an id, a prefix, last...), if it can be
 * resumed: LLMOPS_E_USAGE when it is not an evaluation or is finished.
 * out is the caller's: llmops_eval_resumable_release().
 */
int llmops_eval_resumable(struct llmops_ledger *lg, const char *ref,
			  struct llmops_eval_resumable *out, struct llmops_err *err);
void llmops_eval_resumable_release(struct llmops_eval_resumable *r);

#endif
