/*
 * ledger.h - the SQLite ledger: every run, every case result, datasets by
 * content hash, the response cache and the human review queue.
 *
 * One database file (by default .llmops/ledger.db at the workspace root),
 * in WAL mode with a busy timeout and foreign keys on.  Its schema version
 * lives in PRAGMA user_version and is brought forward by migrations when an
 * older ledger is opened; a ledger with a newer schema than this binary
 * knows is refused and never altered.  PRAGMA application_id marks the file
 * as an llmops ledger, so that some other application's SQLite database at
 * the ledger path is refused rather than written into.
 *
 * Concurrency: several processes may append to one ledger at once.  Every
 * write transaction is taken with BEGIN IMMEDIATE (so two writers never
 * deadlock upgrading read locks) and waits up to the busy timeout for the
 * write lock instead of failing with "database is locked".
 *
 * Durability: by default each appended result is its own transaction, so a
 * killed process loses only what had not been appended yet.  With
 * llmops_ledger_set_batch(lg, N) appends are grouped N to a transaction
 * (for bulk scoring); llmops_ledger_flush(), llmops_ledger_run_finish() and
 * llmops_ledger_free() commit whatever is pending.
 *
 * Ownership: the ledger handle is the caller's, from llmops_ledger_open()
 * to llmops_ledger_free().  Strings passed in are borrowed for the call.
 * Structs returned by the get and list calls are owned by the caller and freed with
 * the matching free call.  A handle must be used by one thread at a time.
 */
#ifndef LLMOPS_LEDGER_H
#define LLMOPS_LEDGER_H

#include "error.h"
#include "runid.h"
#include "strlist.h"

#include <stddef.h>
#include <stdint.h>

struct llmops_ledger;
struct llmops_buf;

/* The schema version this binary creates and understands. */
#define LLMOPS_LEDGER_SCHEMA_VERSION 8
/* PRAGMA application_id of an llmops ledger ("LLMO"). */
#define LLMOPS_LEDGER_APPLICATION_ID 0x4C4C4D4F
/* Default busy timeout in milliseconds. */
#define LLMOPS_LEDGER_BUSY_TIMEOUT_MS 30000

enum llmops_ledger_flags {
	LLMOPS_LEDGER_MKDIR = 1 << 0, /* create the file's parent directory if missing */
	/* the caller only reads: where the ledger exists but it or its directory
	   cannot be written, open it read-only instead of failing */
	LLMOPS_LEDGER_READER = 1 << 1,
	/* the ledger must exist already: a command that only reads or settles
	   what was recorded never creates one (a mistyped path is an error) */
	LLMOPS_LEDGER_EXISTING = 1 << 2,
};

/*
 * Open (creating and migrating as needed) the ledger at path.
 * Errors: LLMOPS_E_NOTADB (the file exists but is not an llmops ledger; it is
 * left untouched), LLMOPS_E_SCHEMA (newer schema than this binary),
 * LLMOPS_E_IO (cannot create or read the file), LLMOPS_E_LEDGER (SQLite
 * error, including corruption).  On success *out is the caller's.
 */
/*
 * Permissions: a directory the open creates is made 0700 and a ledger file it
 * creates 0600 (SQLite gives its -wal and -shm files the file's mode), as ssh
 * and gpg do, since the ledger holds prompts, outputs and cached answers.
 * Existing files and directories keep their modes.
 *
 * Read-only (LLMOPS_LEDGER_READER, and only when the file or its directory is
 * not writable): opened with mode=ro; where SQLite cannot then read the WAL
 * index (no -shm and no right to create one) and no -wal file with content
 * exists, with immutable=1, which is exact because every committed write is
 * in the main file; with a non-empty -wal that cannot be read, the open fails
 * and says why.  A read-only ledger is never migrated: an older schema is
 * refused with a message.  llmops_ledger_readonly() tells which it was.
 */
int llmops_ledger_open(struct llmops_ledger **out, const char *path, unsigned flags,
		       struct llmops_err *err);
/* Commit pending batched appends and close. NULL is a no-op. */
void llmops_ledger_free(struct llmops_ledger *lg);
/* The path the ledger was opened with (borrowed from lg). */
const char *llmops_ledger_path(const struct llmops_ledger *lg);
/* 0 when open for writing; else a short static note on how it was opened
   read-only ("read-only", "read-only, immutable"). */
const char *llmops_ledger_readonly(const struct llmops_ledger *lg);

/* ------------------------------------------------------------------ runs */

enum llmops_run_status {
	LLMOPS_RUN_RUNNING = 0,
	LLMOPS_RUN_PASSED,	/* finished; the gate held */
	LLMOPS_RUN_FAILED,	/* finished; the gate failed */
	LLMOPS_RUN_ERROR,	/* stopped by a runtime failure */
	LLMOPS_RUN_INTERRUPTED, /* stopped by a signal; resumable */
};

/* "running", "passed", ... (static); NULL for an out-of-range value. */
const char *llmops_run_status_name(int status);
/* The status named s, or -1. */
int llmops_run_status_parse(const char *s);

/* What a run is, given when it begins.  All strings are borrowed; NULL means unknown. */
struct llmops_run_spec {
	const char *kind;	/* "eval", "cost", "lint", ...; required */
	const char *git_commit; /* hex commit id of HEAD */
	int git_dirty;		/* 1 dirty, 0 clean, -1 unknown */
	const char *prompt_name;
	const char *prompt_version; /* "v2.3.1" */
	const char *prompt_blob;    /* git blob id of the prompt file */
	int64_t dataset_id;	    /* from llmops_ledger_dataset_put(); 0 for none */
	const char *provider;	    /* "openai", "anthropic", "replay", ... */
	const char *model;
	const char *params_json; /* model parameters as a JSON object */
	const char *command;	 /* the command line, for the record */
};

/* One case result.  Strings are borrowed; NULL means absent. */
struct llmops_result {
	const char *case_id; /* required */
	const char *variant; /* prompt x provider pair label; NULL or "" for one variant */
	int repeat_index;    /* 0 unless --repeat */
	const char *input;   /* the rendered request */
	const char *output;  /* the model's (or recorded) output */
	const char *expected;
	const char *scores_json; /* {"metric": score, ...} */
	double score;		 /* the gating metric's score; NAN when none */
	int passed;		 /* 1 pass, 0 fail, LLMOPS_ERRORED, LLMOPS_SKIPPED */
	double latency_ms;	 /* NAN when unknown */
	double ttft_ms;		 /* time to first token; NAN when unknown */
	int64_t tokens_in;	 /* -1 when unknown */
	int64_t tokens_out;	 /* -1 when unknown */
	double cost_usd;	 /* NAN when unknown */
	int attempts;		 /* requests made, retries included */
	const char *error;	 /* why the case could not be scored */
	int cache_hit;		 /* 1 when the output came from the response cache */
	int64_t position;	 /* the result's place in the run; -1 when unknown */
	const char *metric;	 /* the gating metric's name; NULL: none (assertions only) */
	double threshold;	 /* its pass mark; NAN when none */
	/* who answered: appended, only where not the run's own provider and model (a
	   fallback, or a run of several providers; NULL: the run's); read back by
	   llmops_ledger_results_each/_some, always (the run's where the result names none;
	   NULL when neither is known) */
	const char *provider;
	const char *model;
	const char *judge;     /* the judge's verdict as JSON (judge.h); NULL: not judged */
	double judge_cost_usd; /* what the verdict cost, apart from cost_usd; NAN: unknown */
	const char *steps;     /* a tool loop's steps (JSON array); NULL: one plain request */
	const char *tiers;     /* a cascade's tiers it went through (JSON array); NULL: none */
	int64_t id;	       /* set by reads; ignored by append */
};

/* result.passed beside 1 (pass) and 0 (fail) */
enum {
	LLMOPS_ERRORED = -1, /* not scored: the request or the scoring failed (see error) */
	LLMOPS_SKIPPED = -2, /* not sent: the run reached --max-cost (error says so) */
};

/* A result with every optional field set to "unknown". */
void llmops_result_init(struct llmops_result *r);

/*
 * Begin a run: insert it with status "running" and write its new id
 * (sortable by time) into id_out.  Commits at once.
 */
int llmops_ledger_run_begin(struct llmops_ledger *lg, const struct llmops_run_spec *spec,
			    char id_out[LLMOPS_RUNID_LEN + 1], struct llmops_err *err);

/*
 * Append (or, for the same run, variant, case and repeat, replace: a resumed
 * run retries a case) one result.  *id_out (may be NULL) receives the
 * result's row id.  Commits at once unless batching.
 */
int llmops_ledger_result_append(struct llmops_ledger *lg, const char *run_id,
				const struct llmops_result *r, int64_t *id_out,
				struct llmops_err *err);

/*
 * Group appends n to a transaction (n <= 1: each append commits).  Pending
 * appends are committed by flush, run_finish and free.
 */
void llmops_ledger_set_batch(struct llmops_ledger *lg, unsigned n);

/* How many appends wait in the open batch (0: none; committed by flush). */
unsigned llmops_ledger_pending(const struct llmops_ledger *lg);
int llmops_ledger_flush(struct llmops_ledger *lg, struct llmops_err *err);

/*
 * Finish a run: commit pending appends, set its status and end time, and
 * store its totals (cases, passed, failed, errored, tokens, cost) computed
 * from its results.
 */
int llmops_ledger_run_finish(struct llmops_ledger *lg, const char *run_id, int status,
			     struct llmops_err *err);

/* A finished run's counts, as the one who ran it counted them. */
struct llmops_run_counts {
	int64_t cases, passed, failed, errored;
	int64_t skipped; /* not sent (--max-cost): counted in cases, not in errored */
	int64_t tokens_in, tokens_out;
	double cost_usd;
	double judge_cost_usd; /* the judge's verdicts, apart from cost_usd */
	int64_t requests, cache_hits;
	double score_sum; /* of the results with a score */
	int64_t scored;
	const double *latencies; /* of results answered by a request; borrowed, any order */
	size_t nlatencies;
};

/*
 * The same with the figures given (they must be what the run's results say:
 * a complete run counted as it was recorded), so that finishing a run of a
 * million results does not read them all back.
 */
int llmops_ledger_run_finish_with(struct llmops_ledger *lg, const char *run_id, int status,
				  const struct llmops_run_counts *fig, struct llmops_err *err);

/* A run as read back.  Owned by the caller: llmops_run_free(). */
struct llmops_run {
	char id[LLMOPS_RUNID_LEN + 1];
	char *kind;
	char *started_at;  /* ISO 8601 UTC, millisecond precision */
	char *finished_at; /* NULL while running */
	int status;	   /* enum llmops_run_status */
	char *git_commit;
	int git_dirty;
	char *prompt_name;
	char *prompt_version;
	char *prompt_blob;
	int64_t dataset_id;
	char *provider;
	char *model;
	char *params_json;
	char *command;
	char *llmops_version;
	int64_t cases, passed, failed, errored;
	int64_t skipped; /* not sent (--max-cost): counted in cases, not in errored */
	int64_t tokens_in, tokens_out;
	double cost_usd;
	double judge_cost_usd; /* the judge's verdicts, apart from cost_usd */
	double duration_ms;    /* NAN while running */
	/* figures kept at finish (computed from the results for a run still running) */
	int64_t requests;		 /* HTTP requests made, retries included */
	int64_t cache_hits;		 /* results answered from the response cache */
	double score_mean;		 /* mean of the gating metric's scores; NAN when none */
	double latency_p50, latency_p95; /* ms, over answered requests; NAN when none */
	int summarized;			 /* 1 when the figures were stored at finish */
	char *dataset_path;		 /* where the dataset was first seen; NULL: none */
	char *dataset_sha256;
	/* what the evaluation decided (JSON object: gate, variants, pairwise, baseline,
	   review, ...), as llmops_ledger_run_outcome() stored it; NULL: none */
	char *outcome_json;
};

void llmops_run_free(struct llmops_run *run);

/*
 * Keep what the run decided, a JSON object (borrowed), beside it: what
 * show, report and eval's own output print of it besides the results.
 * Replaces what was kept.  Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_LEDGER.
 */
int llmops_ledger_run_outcome(struct llmops_ledger *lg, const char *run_id, const char *json,
			      struct llmops_err *err);

/*
 * Look up a run by reference: a full id, a unique prefix of one (at least 4
 * characters), "last", or "last~N" (N runs before the last).
 * Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_USAGE (ambiguous prefix, malformed ref).
 */
int llmops_ledger_run_get(struct llmops_ledger *lg, const char *ref, struct llmops_run **out,
			  struct llmops_err *err);

/* Filters for llmops_ledger_runs_list(); zero/NULL fields do not filter. */
struct llmops_run_filter {
	const char *kind;
	const char *prompt_name;
	const char *since; /* ISO 8601 timestamp or date: runs started at or after */
	size_t limit;	   /* 0: no limit */
	/* runs of a dataset first seen at this path, or of exactly this content */
	const char *dataset_path, *dataset_sha256;
	const char *status;	    /* "passed", "failed", ... */
	const char *prompt_version; /* with prompt_name: runs of that version */
	int finished;		    /* 1: only runs that passed or failed their gate */
	const char *git_commit;	    /* runs made at this commit (40 hex digits) */
};

/*
 * Runs matching f, newest first.  *out is a malloc'd array of *n runs,
 * freed with llmops_runs_free(*out, *n).
 */
int llmops_ledger_runs_list(struct llmops_ledger *lg, const struct llmops_run_filter *f,
			    struct llmops_run ***out, size_t *n, struct llmops_err *err);
void llmops_runs_free(struct llmops_run **runs, size_t n);

/*
 * The run ref ('last', 'last~N') names among the runs of the dataset at path
 * (first recorded at that path, or of the file's content now), newest first,
 * into id.  LLMOPS_E_NOTFOUND when the dataset has no such run,
 * LLMOPS_E_USAGE when ref is not 'last' or 'last~N'.
 */
int llmops_ledger_run_of_dataset(struct llmops_ledger *lg, const char *ref, const char *path,
				 char id[LLMOPS_RUNID_LEN + 1], struct llmops_err *err);

/*
 * Call fn for each result of run_id in the run's order: by position (the
 * case's place in the dataset, the variant, the repeat), results recorded
 * before schema 3 as they were recorded.  The result and its
 * strings are borrowed, valid only during the call.  A non-zero return from
 * fn stops the walk and is returned.
 */
typedef int (*llmops_result_fn)(const struct llmops_result *r, void *ctx);
int llmops_ledger_results_each(struct llmops_ledger *lg, const char *run_id, llmops_result_fn fn,
			       void *ctx, struct llmops_err *err);
/*
 * The same, only the results that did not pass (failed_only) and only the
 * first limit of them (0: all).  Results come in the run's order: by
 * position, then as recorded.
 */
int llmops_ledger_results_some(struct llmops_ledger *lg, const char *run_id, int failed_only,
			       size_t limit, llmops_result_fn fn, void *ctx,
			       struct llmops_err *err);

/*
 * The latencies (ms) of run_id's answered requests, sorted ascending: from
 * the figures kept at finish, else from its results.  *out is the caller's
 * (free()); NULL when there are none.
 */
int llmops_ledger_run_latencies(struct llmops_ledger *lg, const char *run_id, double **out,
				size_t *n, struct llmops_err *err);

/* One run's kept figures, for aggregation.  Borrowed: valid during the callback. */
struct llmops_run_figures {
	const char *id, *kind, *started_at;
	int status;
	const char *prompt_name, *prompt_version, *provider, *model;
	int64_t dataset_id;
	const char *dataset_path; /* NULL when the run had no dataset */
	int64_t cases, passed, errored, skipped, requests, cache_hits, tokens_in, tokens_out;
	double cost_usd, score_mean, latency_p50;
	const double *lat; /* sorted latencies of answered requests */
	size_t nlat;
};

/*
 * Call fn for every run started at or after since (NULL: all), oldest
 * first, with its figures (computed from the results for a run that has
 * none kept).  A non-zero return from fn stops the walk and is returned.
 */
typedef int (*llmops_figures_fn)(const struct llmops_run_figures *f, void *ctx);
int llmops_ledger_figures_each(struct llmops_ledger *lg, const char *since, llmops_figures_fn fn,
			       void *ctx, struct llmops_err *err);

/*
 * The figures of run f split by the provider and model that answered its
 * results, where its results name their own (a fallback answered, or the
 * run had several providers): fn is called once per provider and model
 * (f's fields with provider, model and the counts of that part; status and
 * kind are the run's) and *split is set to 1.  A run whose results all were
 * answered by its own provider calls nothing and sets *split to 0.  A
 * non-zero return from fn stops and is returned.
 */
int llmops_ledger_figures_split(struct llmops_ledger *lg, const struct llmops_run_figures *f,
				llmops_figures_fn fn, void *ctx, int *split,
				struct llmops_err *err);

/* One result with the run it belongs to.  Borrowed: valid during the callback. */
struct llmops_request_row {
	const char *run_id, *kind, *prompt_name, *prompt_version, *provider, *model;
	const char *created_at; /* when the result was recorded (its answer's end) */
	struct llmops_result r; /* input, output and expected only with_text */
};

/*
 * Call fn for every result of the runs started at or after since (NULL:
 * all) or, when run_id is given, of that run only; in run order, then
 * result order.  A non-zero return from fn stops the walk and is returned.
 */
typedef int (*llmops_request_fn)(const struct llmops_request_row *row, void *ctx);
int llmops_ledger_requests_each(struct llmops_ledger *lg, const char *since, const char *run_id,
				int with_text, llmops_request_fn fn, void *ctx,
				struct llmops_err *err);

/* ------------------------------------------------------------ production */

/*
 * Production traffic (`llmops ingest`): runs of kind "production", one per
 * UTC day, prompt version, provider and model, started_at the day's
 * midnight; their results are the day's records, each with its record key
 * (unique in the ledger: the same record is never added twice, whichever
 * run or file it comes from again) and the application's metadata tags.  A
 * record that was answered counts as passed (nothing scored it; `eval
 * --production` does), one that failed as an error.
 */
struct llmops_prod_run_key {
	const char *day;				 /* "2026-11-22" (UTC); required */
	const char *prompt, *version, *provider, *model; /* NULL: unknown */
};

/* The production run of k, found or begun (status "running" until
   llmops_ledger_prod_finish); id_out gets its id. */
int llmops_ledger_prod_run(struct llmops_ledger *lg, const struct llmops_prod_run_key *k,
			   const char *command, char id_out[LLMOPS_RUNID_LEN + 1],
			   struct llmops_err *err);

/* One ingested record.  Strings are borrowed; NULL means absent. */
struct llmops_prod_result {
	const char *case_id;	/* required */
	const char *record_key; /* required: "id:ID" or "sha256:HEX" */
	const char *at;		/* required: when it was answered (ISO 8601 UTC, ms) */
	const char *input;	/* the request's messages (JSON) */
	const char *output, *expected, *error, *metadata;
	double latency_ms, ttft_ms, cost_usd; /* NAN: unknown */
	int64_t tokens_in, tokens_out;	      /* -1: unknown */
	int cache_hit;
};

/*
 * Add p to run_id unless a record with its key is in the ledger already:
 * *added 1 or 0.  Grouped into transactions as llmops_ledger_set_batch()
 * says (flush, prod_finish and free commit).
 */
int llmops_ledger_prod_add(struct llmops_ledger *lg, const char *run_id,
			   const struct llmops_prod_result *p, int *added, struct llmops_err *err);

/* Commit, then bring a production run's totals and figures up to date (status "passed",
   finished_at its newest record). */
int llmops_ledger_prod_finish(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err);
/*
 * The production record record_key, when the ledger keeps it in a run without a prompt (it
 * was ingested unattributed), moved into run_id (a production run of the version it is
 * attributed to now), in the ingest's transaction: *moved 1 and from gets the run it left,
 * whose figures llmops_ledger_prod_finish() brings up to date (and drops when empty).
 */
int llmops_ledger_prod_move(struct llmops_ledger *lg, const char *record_key, const char *run_id,
			    char from[LLMOPS_RUNID_LEN + 1], int *moved, struct llmops_err *err);

/* Which production records: NULL fields do not filter. */
struct llmops_prod_filter {
	const char *prompt, *version;
	const char *since; /* ISO 8601: records answered at or after */
};

/* One production record as read back; borrowed, valid during the callback. */
struct llmops_prod_row {
	const char *case_id, *record_key, *at;
	const char *input; /* the request's messages (JSON); NULL: none */
	const char *output, *expected, *metadata;
	double latency_ms, cost_usd; /* NAN: unknown */
	long tokens_out;	     /* -1: unknown */
};
typedef int (*llmops_prod_row_fn)(const struct llmops_prod_row *r, void *ud);

/* The production record key ("id:ID" or "sha256:HEX", as ingest keeps it) given to fn (its
   return returned).  LLMOPS_E_NOTFOUND when the ledger has no such record. */
int llmops_ledger_prod_record(struct llmops_ledger *lg, const char *key, llmops_prod_row_fn fn,
			      void *ud, struct llmops_err *err);

/* A record's rank in the sample of seed: FNV-1a (64 bits) of "SEED:RECORD_KEY". */
uint64_t llmops_prod_sample_hash(uint64_t seed, const char *key);

/*
 * A reproducible sample of n answered production records matching f: those
 * with the n smallest llmops_prod_sample_hash(seed, key), given to fn in that
 * order (so the same records, seed and n give the same sample in the same
 * order, however they were ingested).  *population gets how many matched.
 * fn's non-zero return stops and is returned.
 */
int llmops_ledger_prod_sample(struct llmops_ledger *lg, const struct llmops_prod_filter *f,
			      size_t n, uint64_t seed, llmops_prod_row_fn fn, void *ud,
			      size_t *population, struct llmops_err *err);

/* -------------------------------------------------------------- datasets */

/*
 * Register a dataset by the SHA-256 of its content: a new row only when that
 * content has not been seen; otherwise the existing row's id.  *id_out gets
 * the row id; hex_out (may be NULL, 65 bytes) the content hash.
 */
int llmops_ledger_dataset_put(struct llmops_ledger *lg, const char *path, const char *format,
			      const void *content, size_t len, int64_t cases, int64_t *id_out,
			      char *hex_out, struct llmops_err *err);
/* The same for content already hashed (sha256: its hex digest; bytes: its size). */
int llmops_ledger_dataset_put_hashed(struct llmops_ledger *lg, const char *path, const char *format,
				     const char *sha256, size_t bytes, int64_t cases,
				     int64_t *id_out, struct llmops_err *err);

/* ----------------------------------------------------------------- cache */

/*
 * Look up a cached response by key (the hash of the canonical request).
 * On a hit, *hit = 1 and response (caller's buffer) holds the body; the
 * entry's hit count is bumped.  On a miss, *hit = 0.
 */
int llmops_ledger_cache_get(struct llmops_ledger *lg, const char *key, struct llmops_buf *response,
			    int *hit, struct llmops_err *err);
/* Store (or replace) a cached response. */
int llmops_ledger_cache_put(struct llmops_ledger *lg, const char *key, const char *provider,
			    const char *model, const char *response, struct llmops_err *err);

/* ---------------------------------------------------------------- review */

/*
 * Queue a result for human review (status "pending"); *id_out (may be
 * NULL) gets the review's id, or 0 when the queue already holds a pending
 * review of the same case (id and dataset path), prompt version and output
 * (a rerun of the same eval queues nothing twice).
 */
int llmops_ledger_review_add(struct llmops_ledger *lg, int64_t result_id, const char *reason,
			     int64_t *id_out, struct llmops_err *err);

/* A review with the result it is about.  Owned by the caller: llmops_review_free(). */
struct llmops_review {
	int64_t id, result_id;
	char *status; /* "pending", "accepted", "rejected" */
	char *reason, *reviewer, *note, *created_at, *decided_at;
	char run_id[LLMOPS_RUNID_LEN + 1];
	char *case_id, *variant, *input, *output, *expected, *scores_json;
	int repeat_index, passed; /* passed: 1, 0, -1 not scored */
	double score;		  /* NAN when none */
	char *dataset_path;	  /* the run's dataset, NULL when none */
};

void llmops_review_free(struct llmops_review *r);
void llmops_reviews_free(struct llmops_review **r, size_t n);

/*
 * Reviews with status (NULL: any) of run_id (NULL: any run), oldest first.
 * *out is a malloc'd array of *n, freed with llmops_reviews_free().
 */
int llmops_ledger_reviews_list(struct llmops_ledger *lg, const char *status, const char *run_id,
			       struct llmops_review ***out, size_t *n, struct llmops_err *err);
/* One review by id.  LLMOPS_E_NOTFOUND when there is none. */
int llmops_ledger_review_get(struct llmops_ledger *lg, int64_t id, struct llmops_review **out,
			     struct llmops_err *err);
/*
 * Record a verdict ("accepted" or "rejected"), who gave it and a note (may
 * be NULL) on review id, with the time.  A decided review may be decided
 * again; the last verdict stands.
 */
int llmops_ledger_review_decide(struct llmops_ledger *lg, int64_t id, const char *status,
				const char *reviewer, const char *note, struct llmops_err *err);

/* ------------------------------------------------------------ inspection */

#define LLMOPS_LEDGER_MAX_TABLES 8 /* ledger_tables has 7 */

/* What the ledger has seen of one prompt's requests (for `llmops cost`). */
struct llmops_observed {
	long requests;		/* results with a token count, cache hits and errors excluded */
	double mean_tokens_out; /* over those; valid when requests > 0 */
	long recent;		/* requests in the last 30 days */
	double per_day;		/* recent / days they span (at least 1); 0 when none */
	int production;		/* 1: from production runs (llmops ingest), the application's
				   traffic; 0: from evaluation runs */
};

/*
 * Observations for prompt `name` with `model` (NULL: any model): of its
 * production traffic where the last 30 days have some, else of its
 * evaluation runs (out->production says which).  A prompt never run gives
 * zeros, not an error.
 */
int llmops_ledger_observed(struct llmops_ledger *lg, const char *name, const char *model,
			   struct llmops_observed *out, struct llmops_err *err);

struct llmops_ledger_info {
	int schema_version;    /* PRAGMA user_version */
	int known_version;     /* LLMOPS_LEDGER_SCHEMA_VERSION */
	char journal_mode[16]; /* "wal" */
	int64_t file_bytes;    /* size of the main file */
	int64_t wal_bytes;     /* size of the -wal file, 0 when none */
	int64_t page_size, page_count, freelist_count;
	size_t ntables;
	struct {
		const char *name; /* static */
		int64_t rows;
	} tables[LLMOPS_LEDGER_MAX_TABLES];
};

int llmops_ledger_info(struct llmops_ledger *lg, struct llmops_ledger_info *out,
		       struct llmops_err *err);

/*
 * Run SQLite's integrity check and a foreign key check; append each problem
 * found to problems (caller-owned).  Returns LLMOPS_OK whether or not
 * problems were found (look at problems->nr); an error only when the checks
 * could not run.
 */
int llmops_ledger_check(struct llmops_ledger *lg, struct llmops_strlist *problems,
			struct llmops_err *err);

/*
 * Write a consistent copy of the ledger to dest while others may be
 * writing (a snapshot as of one read transaction).  Never overwrites:
 * LLMOPS_E_EXISTS when dest exists.
 */
int llmops_ledger_backup(struct llmops_ledger *lg, const char *dest, struct llmops_err *err);

/*
 * Write run run_id of lg (its row, results, dataset, reviews and aliases;
 * never the response cache) as a ledger of its own at dest (replaced), one
 * file with no journal beside it: what llmops_ledger_merge() reads back.
 * empty (may be NULL): where an empty ledger is kept between calls, so that
 * extracting many runs makes the schema once.
 */
int llmops_ledger_extract(struct llmops_ledger *lg, const char *run_id, const char *dest,
			  const char *empty, struct llmops_err *err);

/* ----------------------------------------------------------------- merge */

/*
 * The shard group of a sharded evaluation: what its N jobs share (the
 * dataset's content hash, the commit, N, the case limit, the repeats and
 * the variants' labels, in order), as 16 hex digits in out, which a run
 * records as params.shard.group so that llmops_ledger_fold_shards() folds
 * exactly those runs into one.  commit may be NULL or ""; repeats <= 1
 * means none.  Allocates nothing that outlives the call.
 */
void llmops_shard_group(char out[17], const char *dataset_sha256, const char *commit,
			long shard_count, long limit, int repeats, const char *const *labels,
			size_t nlabels);

/* What one merge added. */
struct llmops_merge_stats {
	long runs, results, datasets, reviews; /* rows added */
	long feedback;			       /* users' feedback added (schema 8) */
	long runs_skipped;		       /* already in the ledger */
	long folded;			       /* shard runs folded into another */
};

/*
 * What llmops_ledger_vet() holds a file to.  Zero-initialise it (or use
 * LLMOPS_VET_OPTS_INIT); every field is borrowed for the call.
 */
struct llmops_vet_opts {
	const char *run_id; /* a snapshot of one run: exactly this finished run and its
			       rows, no cache; NULL: any number of runs */
	long long cases;    /* with run_id: the results its ref says it holds; < 0: unchecked */
	int64_t max_bytes;  /* a larger file is refused unread; 0: no limit */
	const char *name;   /* what messages call the file (a ref name); NULL: its path */
};
#define LLMOPS_VET_OPTS_INIT                                                                       \
	{                                                                                          \
		NULL, -1, 0, NULL                                                                  \
	}

/* The largest snapshot `ledger fetch` reads (a run of 100,000 long answers fits). */
#define LLMOPS_SNAPSHOT_MAX_BYTES (512LL << 20)

/*
 * Check the ledger file at path, which this process did not write (a
 * snapshot from the git remote, a file to merge), before anything of it is
 * read into a ledger: opened read-only in a connection of its own with
 * SQLite's defensive settings and a cap on the work done; its schema exactly
 * the one our migrations make for its version (no view, trigger or other
 * object); its pages intact; every row what this ledger writes (ids, names
 * without control characters, finite numbers in range, UTF-8 text without
 * NUL, JSON where JSON belongs) and every reference resolved.  o may be NULL.
 * *version (may be NULL) gets its schema version.  Errors: LLMOPS_E_INPUT
 * (what is wrong, and where), LLMOPS_E_NOTADB, LLMOPS_E_SCHEMA (newer),
 * LLMOPS_E_NOTFOUND, LLMOPS_E_IO, LLMOPS_E_NOMEM.  Changes nothing.
 */
int llmops_ledger_vet(const char *path, const struct llmops_vet_opts *o, int64_t *version,
		      struct llmops_err *err);

/*
 * Copy everything in the ledger at src (opened read-only, never changed)
 * that lg does not have yet: datasets (by content hash), runs (by id),
 * results (by run, variant, case and repeat) and reviews; never the
 * response cache (what answers a later run is never taken from another
 * file).  src is untrusted: it is vetted first (llmops_ledger_vet, with o,
 * which may be NULL), and a run lg already has must come with the same
 * content (a production run may add records it lacks), else the merge is
 * refused as conflicting (LLMOPS_E_INPUT, naming the run).  A merged run's
 * totals and figures are computed from its results, never taken from src.
 * Merging the same file twice adds nothing.  A source of an older schema is
 * read as it is; a newer one is refused (LLMOPS_E_SCHEMA), as is a file
 * that is not an llmops ledger (LLMOPS_E_NOTADB).  All or nothing.  Adds to
 * *st (the caller's, zeroed before the first file).
 */
int llmops_ledger_merge(struct llmops_ledger *lg, const char *src, struct llmops_merge_stats *st,
			struct llmops_err *err);
int llmops_ledger_merge_vetted(struct llmops_ledger *lg, const char *src,
			       const struct llmops_vet_opts *o, struct llmops_merge_stats *st,
			       struct llmops_err *err);

/*
 * Fold the runs of each sharded evaluation (`eval --shard I/N`, the same
 * shard group) into one run: the earliest keeps its id and gains the
 * others' results, totals and figures; the others' ids become aliases of
 * it.  Adds the number of runs folded to st->folded.
 */
int llmops_ledger_fold_shards(struct llmops_ledger *lg, struct llmops_merge_stats *st,
			      struct llmops_err *err);

/*
 * The newest finished evaluation of the cascade label (a variant whose provider it is):
 * *n tiers (at most max) with the cases each answered last into answered[], and the run's
 * id; *n 0 and run_id "" when there is none.
 */
int llmops_ledger_cascade_last(struct llmops_ledger *lg, const char *label, long *answered,
			       size_t max, size_t *n, char run_id[LLMOPS_RUNID_LEN + 1],
			       struct llmops_err *err);

#endif
