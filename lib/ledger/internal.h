/*
 * ledger_internal.h - shared by the lib/ledger_*.c files only.
 */
#ifndef LLMOPS_LEDGER_INTERNAL_H
#define LLMOPS_LEDGER_INTERNAL_H

#include "ledger.h"

#include <sqlite3.h>

struct llmops_ledger {
	sqlite3 *db;		   /* the connection, owned */
	char *path;		   /* as opened, owned */
	unsigned batch;		   /* appends per transaction; <= 1: each commits */
	unsigned pending;	   /* appends in the open batch transaction */
	sqlite3_stmt *append_stmt; /* prepared once, reused by every append */
	sqlite3_stmt *prod_stmt;   /* the same for ingested production records */
	sqlite3_stmt *fb_stmt[2];  /* and for feedback: its insert and its update */
	char ts[32];		   /* the last result's time as text, and that time */
	uint64_t ts_ms;
	int readonly;		  /* 0 read-write; 1 mode=ro; 2 immutable (no WAL pending) */
	struct ledger_ckpt *ckpt; /* while appends are batched: the checkpointer */
	int64_t prod_from;	  /* the first production result of the open batch; 0: none */
	/* what the open batch must settle before it commits (ledger_prod.c sets it with its
	   first production record), so that the flush needs nothing of the modules above */
	int (*settle)(struct llmops_ledger *lg, struct llmops_err *err);
};

/* ledger_prod.c: the open batch's production results added to their runs' totals, in its
   transaction, so that a run's totals always count what is committed (a killed ingest
   leaves no run that says 0 cases). */
int ledger_prod_settle(struct llmops_ledger *lg, struct llmops_err *err);

/* ledger_ckpt.c: checkpoints on a thread of their own while appends are
   batched (start: nothing changes when it cannot; stop: SQLite's own again). */
void ledger_ckpt_start(struct llmops_ledger *lg);
void ledger_ckpt_stop(struct llmops_ledger *lg);
/* Before a write transaction: when the WAL has grown large, wait for the
   checkpointer to copy all of it, so that the transaction starts it again. */
void ledger_ckpt_settle(struct llmops_ledger *lg);
/* Tests: the WAL frames at which settle waits (64 MiB of pages otherwise). */
void ledger_ckpt_tune(struct llmops_ledger *lg, int settle_pages);

/* The migration from version from_version to from_version + 1, or NULL. */
const char *ledger_migration(int from_version);
/* Names of the ledger's tables, NULL-terminated. */
extern const char *const ledger_tables[];

/* Turn an SQLite failure into an llmops code and message ("what: sqlite's message"). */
int ledger_fail(struct llmops_ledger *lg, int rc, const char *what, struct llmops_err *err);
/* BEGIN IMMEDIATE (waiting for the write lock) / COMMIT / ROLLBACK. */
int ledger_begin(struct llmops_ledger *lg, struct llmops_err *err);
int ledger_commit(struct llmops_ledger *lg, struct llmops_err *err);
void ledger_rollback(struct llmops_ledger *lg);
/*
 * Commit pending batched appends, BEGIN IMMEDIATE and step st once.  On
 * success the transaction is left open (the caller reads any RETURNING row,
 * resets st and calls ledger_commit); on failure it is rolled back.  A
 * foreign-key violation is LLMOPS_E_NOTFOUND.
 */
int ledger_write_one(struct llmops_ledger *lg, sqlite3_stmt *st, const char *what,
		     struct llmops_err *err);
/* path as a file: URI ending in ?query (RFC 3986: %, ?, # and the like escaped); the
   caller's (free()), NULL when out of memory. */
char *ledger_file_uri(const char *path, const char *query);
/* A connection of ours: no trusted schema, no views, no triggers (SQLite's
   defensive settings that cost our own schema nothing). */
void ledger_harden(sqlite3 *db);
/* Prepare sql (caller finalizes the statement). */
int ledger_prepare(struct llmops_ledger *lg, const char *sql, sqlite3_stmt **st,
		   struct llmops_err *err);
/* The current UTC time as ISO 8601 with milliseconds, into out[32]. */
void ledger_timestamp(char out[32], uint64_t ms);
/* Bind s, or NULL when s is NULL. */
int ledger_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Bind v, or NULL when v is NAN. */
void ledger_bind_double(sqlite3_stmt *st, int idx, double v);
/* strdup of a column's text, NULL for SQL NULL. */
char *ledger_column_strdup(sqlite3_stmt *st, int col);

/* ledger_summary.c */
/*
 * A run's figures from its results: requests, cache_hits, score_mean and
 * the latency quantiles into run (whose id names it); *lat (the caller's,
 * free()) the sorted latencies of answered requests.
 */
int ledger_summary_compute(struct llmops_ledger *lg, struct llmops_run *run, double **lat,
			   size_t *nlat, struct llmops_err *err);
/* Store a run's totals (cases, passed, ..., cost) from its results (caller's transaction). */
/* Store figures the caller counted (see llmops_ledger_run_finish_with). */
int ledger_figures_store(struct llmops_ledger *lg, const char *run_id,
			 const struct llmops_run_counts *f, struct llmops_err *err);
int ledger_totals_store(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err);
/* Compute and store a run's figures in its row (inside the caller's transaction). */
int ledger_summary_store(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err);
/* The latencies blob as doubles: *out malloc'd (NULL when empty).  LLMOPS_E_NOMEM or OK. */
int ledger_latencies_decode(const void *blob, size_t bytes, double **out, size_t *n);

#endif
