/*
 * internal.h - the evaluation engine inside: its state (struct llmops_eval),
 * its jobs and cases, and what its files share.  Nothing outside lib/eval/
 * includes it (the engine's unit tests do, as eval/internal.h).
 */
#ifndef LLMOPS_EVAL_INTERNAL_H
#define LLMOPS_EVAL_INTERNAL_H

#include "eval.h"

#include "assertions.h"
#include "dataset.h"
#include "detect.h"
#include "judge.h"
#include "metrics.h"
#include "pricing.h"
#include "projectconfig.h"
#include "prompt.h"
#include "promptenv.h"
#include "provider.h"
#include "repeats.h"
#include "runner.h"
#include "store.h"
#include "template.h"
#include "tokenizer.h"

#include <stdint.h>

struct llmops_eval_cb;
struct llmops_eval_pool;

/* One prompt x provider pair. */
struct llmops_eval_variant {
	char label[LLMOPS_NAME_MAX + 400]; /* "summarize@v1.0.0 x openai:gpt-4o-mini" */
	char prompt[LLMOPS_NAME_MAX + 80]; /* "summarize@v1.0.0", or "(input)" */
	struct llmops_prompt *p;	   /* borrowed from protos; NULL: "input" is the message */
	char blob[LLMOPS_OID_HEX];	   /* the prompt file's blob id */
	struct llmops_provider *prov;	   /* borrowed from provs */
	struct llmops_provider *fallback;  /* borrowed from provs; NULL when none */
	const struct llmops_price *price;  /* borrowed from prices; NULL when unpriced */
	const struct llmops_price *fallback_price; /* the fallback's model's; NULL when none */
	/* totals */
	long cases, passed, failed, errors, cache_hits, scored;
	long skipped;	       /* not sent: the run had reached max_cost */
	long fallback_answers; /* answered by the fallback provider */
	/* a cascade (prov is its first tier): the cascade, its tiers and their prices
	   (borrowed from provs and prices), the check (LLMOPS_CHECK_*) and its schema
	   (owned), and the cases each tier gave the last answer to */
	struct llmops_provider *cascade; /* NULL: no cascade */
	struct llmops_provider *tiers[LLMOPS_CASCADE_MAX];
	const struct llmops_price *tier_price[LLMOPS_CASCADE_MAX];
	size_t ntiers;
	int check;
	cJSON *check_schema;
	double check_min; /* LLMOPS_CHECK_LOGPROB's least mean log-probability */
	long tier_answers[LLMOPS_CASCADE_MAX];
	long escalations; /* answers that went on to the next tier */
	/* the judge's verdicts on this variant's outputs, apart from what the variant cost */
	long judged, judge_tokens_in, judge_tokens_out;
	double judge_cost;
	/* judge:pairwise: this variant's outputs against the other's, and how many of the ties
	   were orders that disagreed (a position bias) */
	long pair_wins, pair_ties, pair_losses, pair_inconsistent;
	long tokens_in, tokens_out;
	double cost;
	double metric_sum[LLMOPS_METRIC_COUNT];
	long metric_n[LLMOPS_METRIC_COUNT];
	double *lat; /* owned: latencies of requests actually made */
	size_t nlat, caplat;
};

/* When a cascade's answer escalates to its next tier. */
enum {
	LLMOPS_CHECK_PASS,    /* the case failed (or erred): its gating metric and assertions */
	LLMOPS_CHECK_SCHEMA,  /* the answer is no JSON valid against the cascade's schema */
	LLMOPS_CHECK_LOGPROB, /* the answer's mean token log-probability is under check_min */
};

/* What one case needs to be scored (from the case and the defaults). */
struct llmops_eval_case {
	int metric;	  /* the gating metric; -1: assertions only */
	double threshold; /* in [0,1] */
	char *expected;	  /* owned; NULL when the case has none */
	char *recorded;	  /* owned: the case's "output"; NULL when none */
	/* what the recorded output took, cost and held ("recorded": {"latency_ms", "cost_usd",
	   "tokens_out"}, as eval --production writes them): NAN and -1 when unknown */
	double rec_latency_ms, rec_cost_usd;
	long rec_tokens_out;
	struct llmops_assertions asserts;
	cJSON *vars;	       /* borrowed from dc */
	const char *id;	       /* borrowed from dc */
	int line;	       /* where the case starts in the dataset */
	struct llmops_case dc; /* owned: the case as read */
	size_t pos;	       /* its place in the dataset, from 0 */
	size_t pending;	       /* its jobs made and not finished */
	int open;	       /* more jobs of it are to be made */
	/* judge:pairwise, per repeat (owned; NULL until needed): a job of the pair ended with
	   no output to compare, so the other one cannot wait for it */
	unsigned char *pair_gone;
	const cJSON *tools; /* borrowed from dc: the canned results of its tools; NULL: none */
	int max_steps;	    /* the tool loop's most requests (8) */
	/* borrowed from dc: the conversation so far ("messages", after the prompt's) and the
	   user turns sent one after another ("turns"); NULL: none */
	const cJSON *conv, *turns;
	int judge_ix; /* its own rubric: ev->judges[judge_ix]; -1: the run's (ev->judge) */
};

/* judge:pairwise: where a job is in its pairing, and how its output fared. */
enum {
	LLMOPS_PAIR_NONE,
	LLMOPS_PAIR_PARKED,
	LLMOPS_PAIR_ASKED,
	LLMOPS_PAIR_LANDED,
	LLMOPS_PAIR_SETTLED
};
enum { LLMOPS_PAIR_WIN = 1, LLMOPS_PAIR_TIE = 2, LLMOPS_PAIR_LOSS = 3 };

/* One case on one variant, one repeat: made when it is sent, freed once recorded. */
struct llmops_eval_tools_wait;

struct llmops_eval_job {
	struct llmops_eval_case *c; /* borrowed: alive while any of its jobs is */
	size_t vi;
	int rep; /* the repeat, 0 .. repeats - 1 */
	cJSON *messages;
	cJSON *extra; /* owned: the prompt's tools, tool_choice, response_format; NULL: none */
	/* the tool loop (eval_tools.c): every answer a step; the calls of them all */
	cJSON *steps, *calls; /* owned; NULL: a plain answer */
	int nsteps;
	int stopped;	   /* max_steps reached with tools still called */
	int turn;	   /* the turn being answered, from 0 */
	cJSON *turn_texts; /* owned: each finished turn's answer; NULL: no turns */
	struct llmops_eval_tools_wait *tools_wait; /* owned: command tools running; NULL */
	long acc_tokens_in, acc_tokens_out;
	double acc_latency, acc_cost, first_ttft;
	int acc_attempts, acc_cached, acc_unknown;
	struct llmops_call call;
	int on_fallback;
	/* a cascade: the tier asked (0 first); the earlier tiers' answers (owned JSON array,
	   NULL before an escalation) and what they took, added to the final answer's own */
	int tier;
	cJSON *tiers;
	double logprob; /* the last answer's mean token log-probability; NAN: none given */
	double casc_cost, casc_latency, casc_judge_cost;
	long casc_in, casc_out;
	int casc_attempts, casc_unpriced;
	double est_cost;  /* what its request in flight is expected to cost (max_cost) */
	double unsettled; /* its answer's cost, counted in ev->unsettled until recorded */
	/* the outcome, as the ledger records it: the rendered messages (input, JSON),
	   output, tokens, latency, cost, attempts, cache_hit, error (why it failed or
	   could not be scored), scores_json, score (the gating metric's; NAN when none),
	   passed (1, 0, LLMOPS_ERRORED, LLMOPS_SKIPPED).  The job owns res.input,
	   .output, .error and .scores_json (llmops_eval_set_str; freed with the job);
	   llmops_eval_record fills in what the case and the variant say. */
	struct llmops_result res;
	double embed_score;	     /* NAN until the embedding call answers */
	struct llmops_call follow;   /* the embedding call */
	struct llmops_call judge;    /* the judge's call */
	struct llmops_call moderate; /* the moderation call */
	struct llmops_call refusal;  /* the refusal judge's call */
	int refused;		     /* its verdict: 1, 0; -1 until it answers */
	char *refusal_why;	     /* its reason */
	char *refusal_verdict;	     /* its verdict as recorded (JSON; results.judge's "refusal") */
	cJSON *moderation;	     /* its category scores; NULL until it answers */
	int awaiting;		     /* follow-up calls (embedding, judge) not back */
	char *follow_error;	     /* the first follow-up's failure */
	double judge_score;	     /* normalised; NAN until the judge answers */
	char *verdict;		     /* the judge's verdict as recorded (JSON) */
	char *judge_note;	     /* "2 on 1-5: its reason", for a failure's reason */
	double judge_cost;	     /* NAN: unpriced */
	/* judge:pairwise: the other variant's job of the same case and repeat, once both have
	   answered; this job's state (LLMOPS_PAIR_*); the verdict of its order (its output
	   shown first: LLMOPS_PREFER_*, -1 when the call failed); how the pair came out
	   (LLMOPS_PAIR_WIN/TIE/LOSS, 0 before) and whether both orders agreed */
	struct llmops_eval_job *pair;
	int pair_state, prefer, pair_outcome, pair_consistent;
	struct llmops_eval_job *prev, *next; /* the engine's list of live jobs */
	struct llmops_eval_job *qnext;	     /* the scoring pool's queues */
	int scored;			     /* scores below computed (by a worker) */
	int count_out;			     /* tokens_out is to be counted from output */
	int nscores;
	int score_ids[LLMOPS_METRIC_COUNT + 1];
	double score_vals[LLMOPS_METRIC_COUNT + 1];
};

/* What the run would send, checked by llmops_eval_render (when ev->guard_inputs is set). */
struct llmops_eval_guard {
	long secrets; /* keys and tokens found in requests */
	struct llmops_strlist
		secret_notes;	       /* the first 20: case, message, kind (never the value) */
	long pii[LLMOPS_DETECT_COUNT]; /* personal data found, by detect.h kind */
	long pii_cases;		       /* requests (case x variant) holding any */
	char pii_first[128];	       /* the first case that does */
};

/* The judge of the judge metric (--metric judge:RUBRIC); rubric NULL: the run has none. */
struct llmops_eval_judge {
	struct llmops_prompt *rubric;	  /* owned: prompts/_judges/NAME/vX.Y.Z */
	char name[LLMOPS_NAME_MAX + 80];  /* "relevance@v1.0.0" (its name under _judges/) */
	char blob[LLMOPS_OID_HEX];	  /* the rubric file's blob id */
	struct llmops_provider *prov;	  /* owned: who judges (temperature 0) */
	const struct llmops_price *price; /* borrowed from prices; NULL when unpriced */
	long lo, hi;			  /* the rubric's scale */
	int preference;			  /* it compares two outputs ("verdict: preference") */
	cJSON *extra; /* owned: what its requests add (llmops_judge_request_extra) */
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
	/* owned: the dataset, opened by the caller with llmops_dataset_file_open() */
	struct llmops_dataset_file file;
	const char *dataset_path; /* borrowed */
	const char *root;	  /* borrowed: where image parts' paths are (the repository) */
	int64_t dataset_id;
	struct llmops_pricing *prices;	/* owned */
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
	/* errors the gate allows: a count (max_errors >= 0), else a fraction of the results
	   (max_errors < 0, max_errors_frac in [0, 1]); a zeroed spec allows none */
	long max_errors;
	double max_errors_frac;
	int no_cache, offline;
	struct llmops_runner_opts ropts;
	const char *embedding_spec;	  /* borrowed; NULL without the embedding metric */
	struct llmops_provider *embedder; /* owned */
	const char *judge_rubric;	  /* borrowed: the judge metric's rubric name; NULL: none */
	struct llmops_provider *moderator; /* owned: the moderation assertion's endpoint; NULL */
	struct llmops_eval_judge judge;	   /* the judge metric's rubric and provider */
	/* the other rubrics cases name ("metric": "judge:NAME"), in case_rubrics' order:
	   named by the render pass, loaded by the caller like judge (owned) */
	struct llmops_strlist case_rubrics;
	struct llmops_strlist case_rubrics_at; /* where the first case naming each is: FILE:LINE */
	struct llmops_eval_judge *judges;
	size_t njudges;
	struct llmops_eval_judge refusal; /* the refusal assertions' (prompts/_judges/refusal) */
	size_t nrefusal;		  /* cases of the run with a refusal assertion */
	size_t nrubric;			  /* cases of the run naming a judge rubric themselves */
	double pair_alpha;		  /* judge:pairwise: the sign test's level (0.05) */
	/* eval --production: the prompt and version the run is recorded as, its cases being
	   production requests sent as they were (no template); borrowed, NULL: none */
	const char *label_prompt, *label_version;
	int repeats;	   /* 1 .. 100 */
	long limit;	   /* only the first N cases; <= 0: all */
	int guard_inputs;  /* llmops_eval_render scans what would be sent */
	int allow_secrets; /* 1: a judge's or moderator's request holding a key is sent */
	long shard_index, shard_count; /* the I-th of N slices; 0 without */
	volatile sig_atomic_t *stop;   /* non-zero: stop (borrowed; may be NULL) */

	/* ---- the engine's */
	struct llmops_dataset ds;     /* the dataset's label, format, hash and size (no cases) */
	struct llmops_tokenizer *tok; /* o200k_base, for outputs with no reported count */
	struct llmops_idf *idf;
	size_t ncases_all;     /* cases in the dataset up to limit */
	size_t ncases;	       /* cases this run (the shard's slice) */
	size_t shard_first;    /* the dataset position of the first */
	size_t njobs;	       /* ncases x nvars x repeats (once llmops_eval_render has run) */
	size_t nrecorded;      /* cases of the run with a recorded output */
	long no_input_pos;     /* the first case of the run with neither "input" nor "output"; -1 */
	unsigned char *flags_; /* per case of the dataset: has an output, has an input */
	/* the run's pass over the dataset */
	struct llmops_dataset_cursor *cur;
	size_t read;			 /* dataset positions read */
	struct llmops_eval_case *making; /* the case whose jobs are being made */
	size_t making_next;		 /* its next job: variant x repeats + repeat */
	uint64_t *done_keys;		 /* resumed: the results kept, sorted */
	size_t ndone_keys;
	int feed_failed; /* reading or validating a case failed mid-run */
	struct llmops_err feed_err;
	struct llmops_eval_job *live;  /* jobs made and not yet recorded */
	struct llmops_eval_pool *pool; /* workers scoring recorded outputs; NULL: none */
	struct llmops_repeats *reps;   /* per variant once the run is over (repeats > 1); owned */
	struct llmops_strlist rep_ids; /* the case ids reps borrow */
	struct llmops_call **requeue;  /* calls to send before new ones: fallbacks, follow-ups */
	size_t nrequeue, caprequeue;
	char run_id[LLMOPS_RUNID_LEN + 1];
	int resumed;
	int many_providers; /* the variants have more than one provider: the run names none */
	char resume_sha[LLMOPS_SHA256_HEX_LEN + 1]; /* the dataset the resumed run began with */
	long restored;				    /* results taken over from it */
	long done, passed, errors, skipped;
	long tokens;
	double cost;
	/* --max-cost: what the run is bound to spend beyond ev->cost: the estimates of the
	   requests in flight (inflight of them) and the costs of answers not yet recorded */
	double inflight_cost, unsettled;
	double judge_spent; /* what the judge's verdicts cost, apart from ev->cost */
	long inflight;
	struct llmops_eval_job *waiting; /* a request held back until those in flight land */
	long attempts;			 /* requests made, over every result counted */
	double score_sum;		 /* of the results with a gating score */
	long scored;
	double t0;	    /* when the run began (llmops_mono_ms) */
	double last_tick;   /* when progress was last told */
	double group_since; /* results recorded since then wait in the open transaction */
	long redactions;    /* key values cut from answers before they were stored */
	/* --review-below: results queued for review, and those whose case, prompt version
	   and output were already pending (not queued twice) */
	long reviews_queued, reviews_dup;
	int ledger_failed;
	struct llmops_err ledger_err;
	const struct llmops_eval_cb *cb;	/* borrowed, while llmops_eval_run runs */
	struct llmops_eval_guard guard;		/* what llmops_eval_render found */
	char baseline_id[LLMOPS_RUNID_LEN + 1]; /* "" without a baseline */
	char baseline_note[200]; /* --baseline REV: which commit's run it is (text); "" otherwise */
	struct llmops_eval_cascade_cmp cmp; /* --compare: filled by finish */
	int have_cmp;
	struct llmops_strlist bias_attrs; /* the bias probes' attributes; empty: none */
	double max_bias_gap;		  /* < 0: no gate */
	struct llmops_eval_bias bias;	  /* filled by llmops_eval_bias_compute */
	int have_bias;
	char *system_note; /* owned: added to every request's system prompt; NULL: none */
	struct llmops_strlist probe_ids, probe_cats; /* red-team probes: id -> category */
	double max_attack_success;		     /* < 0: no gate */
	struct llmops_eval_probes probes;	     /* filled by llmops_eval_probes_compute */
	int have_probes;
	struct llmops_eval_baseline baseline;

	/* ---- what llmops_eval_new() keeps of the options (owned copies) */
	char *dataset_path_, *root_, *embedding_spec_, *label_prompt_, *label_version_;
	struct llmops_strlist argv;    /* the arguments as given, for the record */
	char *const *env;	       /* the process environment (borrowed from the caller) */
	double significance;	       /* the baseline comparison's level; < 0: any flip */
	struct llmops_prompt_env penv; /* the store and lock (have_penv) */
	int have_penv;
	struct llmops_prompt_source src; /* partials from the work tree, for rendering */
	int pinned_baseline;		 /* --baseline pinned */
	/* the driver's (eval_run.c): a job whose follow-ups are all back ends, failed (why)
	   or finished (why NULL); what llmops_eval_follow_done calls */
	void (*job_end)(struct llmops_eval *ev, struct llmops_eval_job *j, const char *why);
};

/*
 * One pass over the dataset (ev->file; nothing of it is kept): every case
 * up to ev->limit validated (its metric and threshold, its assertions,
 * something to check; ids unique), counted, its expected output added to
 * the IDF table; then the shard's slice.  Uses ev->metric_ids[0],
 * ev->threshold and ev->embedding_spec.  Returns 0 or an error naming the
 * case ("FILE:LINE: case 'ID': ...").
 */
int llmops_eval_cases(struct llmops_eval *ev, struct llmops_err *err);

/*
 * The case at dataset position pos into *out (the caller's:
 * llmops_case_release()), read again from the file: 0 or an error.
 */
int llmops_eval_case_at(struct llmops_eval *ev, size_t pos, struct llmops_case *out,
			struct llmops_err *err);

/*
 * Render every case of the run on every variant that has a prompt (one
 * more pass, nothing kept).  Each problem (a prompt that cannot render, a
 * case lacking a variable) is added once to problems (the caller's), at
 * most 20 of them, and *more counts the rest; returns 0 (problems may be
 * non-empty: then nothing must be sent) or an error.  With
 * ev->guard_inputs, every request that would be sent (a case without a
 * recorded output, on a variant that is not replay) is also scanned for
 * secrets and personal data (detect.h) into ev->guard.
 */
int llmops_eval_render(struct llmops_eval *ev, struct llmops_strlist *problems, size_t *more,
		       struct llmops_err *err);

/* The tokenizer (the IDF table is llmops_eval_cases'). 0 or an error. */
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

/* Add a finished job to the totals (the run does; also for restored results). */
void llmops_eval_account(struct llmops_eval *ev, const struct llmops_eval_job *j);

/*
 * With max_cost set, every variant (and fallback) that sends billed
 * requests must have a price, or its spending could not be stopped: 0, or
 * LLMOPS_E_USAGE naming the model.
 */
int llmops_eval_budget_check(const struct llmops_eval *ev, struct llmops_err *err);

/*
 * --max-errors: "N" (a count) or "P%" (a percentage of the results, in
 * [0, 100]) into ev's max_errors / max_errors_frac.  0, or LLMOPS_E_USAGE
 * with what was wrong.
 */
int llmops_eval_max_errors(struct llmops_eval *ev, const char *s, struct llmops_err *err);

/*
 * ev zeroed, then every figure at its default: threshold, pass rate, no cost or
 * review limit (-1), one repeat, the runner's concurrency, timeout and retries.
 * Nothing is allocated; the caller fills in the rest and releases with
 * llmops_eval_release().
 */
void llmops_eval_init(struct llmops_eval *ev);

/*
 * The run to compare with for a git revision: the newest finished evaluation of the same
 * dataset (and prompt_name, when not NULL) made at commits[0], else at the
 * nearest of commits[1..n) that has one (commits nearest first, as
 * llmops_store_ancestors gives them).  *which gets the commit's index.
 * LLMOPS_E_NOTFOUND when none of them has one.
 */
int llmops_eval_baseline_at(struct llmops_eval *ev, const struct llmops_strlist *commits,
			    const char *prompt_name, size_t *which, struct llmops_err *err);
/*
 * Settle the run to compare with into ev->baseline_id, before anything is
 * sent: a run id (an evaluation), "last" (the newest finished evaluation of
 * the same dataset) or "pinned" (the newest of pin_name@pin_version on it;
 * the caller reads prompts.lock; NULL: not pinned).  0 or an error
 * (LLMOPS_E_NOTFOUND: no such run id; LLMOPS_E_USAGE: not an evaluation,
 * or no run to compare with).
 */
int llmops_eval_baseline(struct llmops_eval *ev, const char *spec, const char *pin_name,
			 const char *pin_version, struct llmops_err *err);
/* --baseline SPEC settled as the options say (eval_base.c): a run, pinned or a git revision,
   fetching what was pushed to origin when none is here; notes get what the user is told. */
int llmops_eval_settle_baseline(struct llmops_eval *ev, const char *spec, int missing_ok,
				struct llmops_strlist *notes, struct llmops_err *err);

/*
 * Compare the finished run with ev->baseline_id as `llmops diff` does,
 * into ev->baseline: 1 regressed (a pass became a fail; with significance
 * in (0,1) only a significant drop), 0 not, or an error.
 */
int llmops_eval_compare_at(struct llmops_eval *ev, double significance, struct llmops_err *err);

/*
 * What the run decided, as the JSON object kept beside it (runs.outcome):
 * dataset_cases, repeat, redactions, review, resumed_results, variants,
 * gate, pairwise and baseline (man/schemas/eval.schema.json).  The caller's
 * (cJSON_Delete); NULL when out of memory.
 */
cJSON *llmops_eval_outcome(const struct llmops_eval *ev);
/* The judge a summary names first (the run's, a case's, the refusal one; borrowed), or NULL. */
const struct llmops_eval_judge *llmops_eval_first_judge(const struct llmops_eval *ev);

/*
 * The results of the run from the ledger in dataset order (case,
 * variant, repeat): fn(result, ud) for each one (a non-zero return stops
 * and is returned).  failed_only: those that did not pass; limit: only the
 * first so many (0: all).
 */
int llmops_eval_results(struct llmops_eval *ev, int failed_only, size_t limit,
			int (*fn)(const struct llmops_result *r, void *ud), void *ud,
			struct llmops_err *err);

/* The variant a result belongs to (by its label), or NULL. */
const struct llmops_eval_variant *llmops_eval_variant_of(const struct llmops_eval *ev,
							 const struct llmops_result *r);

/* Free everything ev owns (not ev itself); ev is all zero afterwards. */
void llmops_eval_release(struct llmops_eval *ev);

/* llmops_eval_new()'s state while it sets the run up (eval_new.c, eval_new_judge.c). */
struct eval_setup {
	struct llmops_eval *ev;
	const struct llmops_eval_options *o;
	const struct llmops_config *cfg;
	struct llmops_strlist *notes; /* what the user is told, in order */
	struct llmops_err *err;
	struct llmops_provider_overrides ov; /* what every provider is asked with */
};
/* A prompt ref (pinned, or a version) resolved and loaded into proto[(*np)++]. */
int llmops_eval_add_prompt(struct eval_setup *h, const char *ref_s, struct llmops_catalog *cat,
			   struct llmops_eval_variant *proto, size_t *np);
/* The provider of spec, resolved once however many variants name it (borrowed into *out). */
int llmops_eval_add_provider(struct eval_setup *h, const char *spec, struct llmops_provider **out);
int llmops_eval_setup_moderator(struct eval_setup *h);
int llmops_eval_setup_judges(struct eval_setup *h);
int llmops_eval_check_models(struct eval_setup *h);

/* eval_cascade.c: a variant whose provider (v->prov, as resolved) is a cascade: its tiers
   resolved and priced, its check's schema loaded, v->prov its first tier. */
int llmops_eval_cascade_setup(struct eval_setup *h, struct llmops_eval_variant *v);
/* Who answers j now (its cascade tier, its fallback or its variant's provider), and at
   what price into *price (NULL: not wanted; *price NULL: unpriced). */
const struct llmops_provider *llmops_eval_job_prov(const struct llmops_eval *ev,
						   const struct llmops_eval_job *j,
						   const struct llmops_price **price);
/* --compare: the cascade against the second variant, from the ledger (finish). */
int llmops_eval_cascade_compare(struct llmops_eval *ev, struct llmops_err *err);
/* The body of a request of j with what its cascade's check needs (logprobs): j->extra, or
 *own (the caller's, cJSON_Delete) made from it. */
const cJSON *llmops_eval_cascade_extra(const struct llmops_eval *ev,
				       const struct llmops_eval_job *j, cJSON **own);
/* The mean log-probability of an OpenAI-shaped answer's tokens (body[0..len)); NAN: none. */
double llmops_eval_mean_logprob(const char *body, size_t len);
/* Whether j's scored answer fails its cascade's check with a tier left to ask. */
int llmops_eval_cascade_escalates(const struct llmops_eval *ev, const struct llmops_eval_job *j);
/* j's answer kept as its tier's (j->tiers); -1 when out of memory. */
int llmops_eval_cascade_keep(struct llmops_eval *ev, struct llmops_eval_job *j);
/* j's answer kept and its figures set aside, j made ready for the next tier; -1 out of memory. */
int llmops_eval_cascade_next(struct llmops_eval *ev, struct llmops_eval_job *j);
/* A result of the run being resumed: the tier that answered it last counted (tiers: its
   results.tiers; NULL: no cascade). */
void llmops_eval_cascade_restore(struct llmops_eval *ev, size_t vi, const char *tiers);
/* j's last answer: the earlier tiers' figures added to it, the tier counted. */
void llmops_eval_cascade_total(struct llmops_eval *ev, struct llmops_eval_job *j);

/* eval_job.c: *dst = a copy of s (NULL: none), the old freed. */
void llmops_eval_set_str(const char **dst, const char *s);
/* eval_job.c: *dst = s (malloc'd or NULL; the job takes it), the old freed. */
void llmops_eval_own_str(const char **dst, char *s);
/* eval_job.c: free the strings a job owns in its result (res.input, .output, .error,
   .scores_json) and set them NULL. */
void llmops_eval_res_release(struct llmops_result *r);
/* eval_score.c: j's scores (metrics, assertions, verdicts) and whether it passed: 0, or -1
   out of memory. */
int llmops_eval_score_compute(const struct llmops_eval *ev, struct llmops_eval_job *j);
/* eval_setup.c: free what llmops_eval_repeats made. */
void llmops_eval_repeats_free(struct llmops_eval *ev);
/* eval_score.c: the tokens of s (o200k_base when tok is the run's), -1 when unknown. */
long llmops_eval_count_tokens(struct llmops_tokenizer *tok, const char *s);
/* eval_judge.c: "tie", "A" or "B" for a preference's winner. */
const char *llmops_eval_winner_name(int winner);

/* Free the jobs still live and the requeue (eval_run.c). */
void llmops_eval_jobs_release(struct llmops_eval *ev);

/* eval_setup.c: one case, and the run's feed of jobs. */
/* What the first pass notes of each case of the dataset (ev->flags_). */
enum {
	LLMOPS_EVAL_HAS_OUTPUT = 1,
	LLMOPS_EVAL_HAS_INPUT = 2,
	LLMOPS_EVAL_HAS_REFUSAL = 4,
	LLMOPS_EVAL_HAS_RUBRIC = 8, /* "metric": "judge:RUBRIC" of its own */
};
/* The hash of an id (or of any text). */
uint64_t llmops_eval_id_hash(const char *s);
/* A reserved field of a case as text (strings as they are, other JSON compact; the
   caller's: free()), NULL when it is absent or null. */
char *llmops_eval_field_text(const cJSON *fields, const char *k);
/* Set c up from dc (borrowing its id and vars); with check, validate it as eval, cost and
   lint do. 0 or an error naming where; safe on any thread (reads ev only). */
int llmops_eval_setup_case(const struct llmops_eval *ev, const struct llmops_case *dc,
			   struct llmops_eval_case *c, int check, struct llmops_err *err);
/* Free what c holds (not c itself) and zero it. */
void llmops_eval_case_clear(struct llmops_eval_case *c);
/* A cursor over the whole dataset (checked once the first pass has read it). */
int llmops_eval_cursor(struct llmops_eval *ev, struct llmops_dataset_cursor **cur,
		       struct llmops_err *err);
/* The next job to run, made from the next case as needed; NULL at the end or on an error
   (then ev->feed_failed is set and err says why). */
struct llmops_eval_job *llmops_eval_next_job(struct llmops_eval *ev, struct llmops_err *err);
/* Free c once no job of it is pending and no more will be made. */
void llmops_eval_case_done(struct llmops_eval *ev, struct llmops_eval_case *c);
/* The messages of j rendered (once); 0, or -1 when they cannot be. */
int llmops_eval_messages(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Close the feed (the case being expanded, the cursor). */
void llmops_eval_feed_release(struct llmops_eval *ev);
/* eval_guard.c: the secrets and personal data in c's messages on v, into ev->guard; 0 or
   LLMOPS_E_NOMEM.  And free what the guard holds. */
int llmops_eval_guard_case(struct llmops_eval *ev, const struct llmops_eval_case *c,
			   const struct llmops_eval_variant *v, const cJSON *messages);
void llmops_eval_guard_release(struct llmops_eval_guard *g);
/* eval_judge.c: the judge metric (LLMOPS_JUDGE_METRIC) and the refusal assertions
   (LLMOPS_JUDGE_REFUSAL).  Whether j's output is to be judged for the metric; j's request
   to the judge `which` into its call (0 or an error); the judge's answer a (body[0..len): the
   response, for the log-probabilities) into j (its score or verdict, and cost; 0, or an error
   when the verdict does not read); j served from the cache (1) or not (0). */
enum { LLMOPS_JUDGE_METRIC = 0, LLMOPS_JUDGE_REFUSAL = 1 };
int llmops_eval_judges(const struct llmops_eval *ev, const struct llmops_eval_job *j);
int llmops_eval_judge_request(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			      struct llmops_err *err);
int llmops_eval_judge_take(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			   const struct llmops_answer *a, const char *body, size_t len,
			   int attempts, int cached, struct llmops_err *err);
int llmops_eval_judge_cached(struct llmops_eval *ev, struct llmops_eval_job *j, int which);
/* What a verdict's call used, into its JSON o: tokens_in, tokens_out (where known), cost_usd
   (null: unpriced), attempts, cache_hit. */
void llmops_eval_judge_usage(cJSON *o, const struct llmops_answer *a, double cost, int attempts,
			     int cached);
/* What j's result records as its judge's verdicts (results.judge; the caller's: free()): the
   metric's verdict with the refusal judge's under "refusal", either alone, or NULL when it
   has none (or out of memory). */
char *llmops_eval_verdicts(const struct llmops_eval_job *j);
/* eval_pair.c: judge:pairwise (a rubric with "verdict: preference", two variants).  j's
   output is known: paired with the other variant's job of its case and repeat (both orders
   asked) or parked until that one answers.  x's order's verdict is in (or x's follow_error
   says why not): the pair settled once both are.  x ended before it was paired: a parked
   partner fails, or the case remembers it.  The verdict pref of j's order (the judge's
   answer a, its cost) into j (0, or LLMOPS_E_NOMEM). */
void llmops_eval_pair_answered(struct llmops_eval *ev, struct llmops_eval_job *j);
void llmops_eval_pair_landed(struct llmops_eval *ev, struct llmops_eval_job *x);
void llmops_eval_pair_ended(struct llmops_eval *ev, struct llmops_eval_job *x);
int llmops_eval_pair_take(struct llmops_eval *ev, struct llmops_eval_job *j,
			  const struct llmops_preference *pref, const struct llmops_answer *a,
			  double cost, int attempts, int cached, struct llmops_err *err);

/* eval_run.c: the follow-up calls of a job.  Queue c before any new request (0, or -1 out
   of memory); keep why as j's error (the first only), which it ends with; a follow-up of j
   is back: j ends once none is out (it may be freed here). */
int llmops_eval_push_call(struct llmops_eval *ev, struct llmops_call *c);
/* A follow-up's request c (a judge's, a moderator's) that would send a key or token (the
   output goes there, and a model can echo one) is not sent: 1 and j's follow-up failed as
   who's, naming the kind (never the value); 0 when c may go (or ev->allow_secrets). */
int llmops_eval_follow_secret(struct llmops_eval *ev, struct llmops_eval_job *j,
			      const struct llmops_call *c, const char *who);
void llmops_eval_follow_failed(struct llmops_eval_job *j, const char *what, const char *why);
void llmops_eval_follow_done(struct llmops_eval *ev, struct llmops_eval_job *j);

/* eval_tools.c: a case's tool loop.  Check a case's "tools" (0, or LLMOPS_E_INPUT naming
   where).  j's answer (the job's fields say its tokens, latency, cost) is a step: recorded
   with its calls (may be NULL), its text and its turn, and counted; 0 or -1 out of
   memory.  The steps' sums into
   j's fields.  The canned results of calls appended to j's conversation after the model's
   turn (text, calls): 0, or LLMOPS_E_INPUT when the case does not answer a call. */
int llmops_eval_tools_check(const cJSON *tools, const char *where, struct llmops_err *err);
int llmops_eval_tools_step(struct llmops_eval_job *j, const cJSON *calls, const char *text);
void llmops_eval_tools_total(struct llmops_eval_job *j);
/*
 * The answers to a step's tool calls (the model's turn: text, calls): canned results at
 * once; command tools ({"$exec": COMMAND}) as exec calls for the runner, run in root, with
 * asker's environment saying which key values to cut from what they print.  Returns 0 when
 * every call is answered (the results appended to j's conversation after the model's
 * turn), N > 0 when N commands are to run (llmops_eval_tools_call(j, 0 .. N-1), pushed by
 * the caller; each back through llmops_eval_tools_landed), or LLMOPS_E_INPUT (the case does
 * not answer a call) / LLMOPS_E_NOMEM.  What the wait holds is j's until
 * llmops_eval_tools_release (job_free calls it).
 */
#define LLMOPS_TOOL_TIMEOUT_MS 30000
#define LLMOPS_TOOL_OUT_MAX    (1u << 20)
int llmops_eval_tools_begin(struct llmops_eval_job *j, const cJSON *calls, const char *text,
			    const char *root, const struct llmops_provider *asker,
			    struct llmops_err *err);
struct llmops_call *llmops_eval_tools_call(struct llmops_eval_job *j, int k);
/* 1 when c is one of j's running command tools. */
int llmops_eval_tools_is_call(const struct llmops_eval_job *j, const struct llmops_call *c);
/* A command tool c of j is back: 1 while others are out; 0 when all are (the results
   appended, in the calls' order); LLMOPS_E_INPUT when one failed (err says which and how). */
int llmops_eval_tools_landed(struct llmops_eval_job *j, struct llmops_call *c,
			     struct llmops_err *err);
void llmops_eval_tools_release(struct llmops_eval_job *j);
/* A case's conversation: check its "messages" and "turns" (and that as's turn selectors name
   turns it has): 0, or LLMOPS_E_INPUT naming where.  Append c's messages and its first turn
   (all_turns: every turn) to messages: 0 or -1 out of memory.  j's turn is answered with
   text: kept, and the next turn appended after it (1), or the conversation is over (0); -1
   out of memory. */
int llmops_eval_conv_check(const cJSON *conv, const cJSON *turns,
			   const struct llmops_assertions *as, const char *where,
			   struct llmops_err *err);
int llmops_eval_conv_start(const struct llmops_eval_case *c, cJSON *messages, int all_turns);
int llmops_eval_conv_next(struct llmops_eval_job *j, const char *text);

/* eval_cases.c: sort keys (ascending), and find one in a sorted list. */
void llmops_eval_keys_sort(uint64_t *v, size_t n);
int llmops_eval_keys_has(const uint64_t *v, size_t n, uint64_t k);
/* The key of a result (by variant label, "" for one variant; case id; repeat). */
uint64_t llmops_eval_key(const char *variant, const char *case_id, int rep);

/* eval_run.c: count j's output tokens (with tok) when it has no count, and score it; safe on a
   worker thread (touches j alone). */
void llmops_eval_score(const struct llmops_eval *ev, struct llmops_eval_job *j,
		       struct llmops_tokenizer *tok);

/* eval_pool.c: workers that score recorded outputs. */
/* Start them when the run is large enough and has recorded outputs (else nothing: 0). */
int llmops_eval_pool_start(struct llmops_eval *ev);
/* Hand j to a worker: 1, or 0 when there is no pool (score it here). */
int llmops_eval_pool_push(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Jobs out with the workers; 1 when no more should be pushed before some come back. */
size_t llmops_eval_pool_out(const struct llmops_eval *ev);
int llmops_eval_pool_full(const struct llmops_eval *ev);
/* A scored job back (waiting for one when wait and any is out), or NULL. */
struct llmops_eval_job *llmops_eval_pool_take(struct llmops_eval *ev, int wait);
/* Stop and join the workers (the jobs stay on the live list). */
void llmops_eval_pool_stop(struct llmops_eval *ev);

/* eval_run.c: j's result (and its review entry) into the ledger; 0 or an error. */
int llmops_eval_record(struct llmops_eval *ev, const struct llmops_eval_job *j,
		       struct llmops_err *err);

#endif
