/*
 * bench_ledger - the ledger's append rate, and the same inserts done with
 * bare SQLite (one prepared statement, same schema, same batch size) as the
 * peer figure from the same run: the difference is what the typed API costs.
 *
 *   bench_ledger [N]      (default 100000 results)
 */
#include "ledger.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char output[] =
	"Kubernetes is an open-source platform that automates the deployment, scaling and "
	"management of containerized applications.";

static int ledger_rate(const char *path, long n, unsigned batch, double *rate)
{
	struct llmops_run_spec spec = {.kind = "bench", .git_dirty = -1, .model = "m"};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	char id[LLMOPS_RUNID_LEN + 1], cid[32];
	double t0;

	if (llmops_ledger_open(&lg, path, 0, &err) || llmops_ledger_run_begin(lg, &spec, id, &err))
		goto fail;
	llmops_ledger_set_batch(lg, batch);
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		struct llmops_result r;

		llmops_result_init(&r);
		snprintf(cid, sizeof(cid), "case-%ld", i);
		r.case_id = cid;
		r.output = output;
		r.expected = output;
		r.scores_json = "{\"rouge_l\":0.93}";
		r.score = 0.93;
		r.passed = 1;
		r.latency_ms = 812.5;
		r.tokens_in = 120;
		r.tokens_out = 24;
		r.cost_usd = 0.0000324;
		r.attempts = 1;
		if (llmops_ledger_result_append(lg, id, &r, NULL, &err))
			goto fail;
	}
	if (llmops_ledger_flush(lg, &err))
		goto fail;
	*rate = (double)n / (now_s() - t0);
	if (llmops_ledger_run_finish(lg, id, LLMOPS_RUN_PASSED, &err))
		goto fail;
	llmops_ledger_free(lg);
	return 0;
fail:
	fprintf(stderr, "bench_ledger: %s\n", err.msg);
	llmops_ledger_free(lg);
	return 1;
}

static int sqlite_rate(const char *path, long n, double *rate)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char cid[32];
	double t0;

	if (sqlite3_open(path, &db) ||
	    sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "CREATE TABLE results (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL,"
			 " case_id TEXT NOT NULL, variant TEXT NOT NULL DEFAULT '',"
			 " repeat_index INTEGER NOT NULL DEFAULT 0, output TEXT, expected TEXT,"
			 " scores TEXT, score REAL, passed INTEGER, latency_ms REAL,"
			 " tokens_in INTEGER, tokens_out INTEGER, cost_usd REAL, attempts INTEGER,"
			 " created_at TEXT, UNIQUE (run_id, variant, case_id, repeat_index))",
			 NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(
		    db,
		    "INSERT INTO results (run_id, case_id, output, expected, scores,"
		    " score, passed, latency_ms, tokens_in, tokens_out, cost_usd, attempts,"
		    " created_at) VALUES ('R', ?1, ?2, ?2, ?3, 0.93, 1, 812.5, 120, 24,"
		    " 0.0000324, 1, '2026-11-22T00:00:00.000Z')",
		    -1, &st, NULL)) {
		fprintf(stderr, "bench_ledger: sqlite: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (i % BATCH == 0)
			sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		snprintf(cid, sizeof(cid), "case-%ld", i);
		sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, output, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "{\"rouge_l\":0.93}", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return 1;
		sqlite3_reset(st);
		if (i % BATCH == BATCH - 1 || i == n - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	*rate = (double)n / (now_s() - t0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	char dir[] = "/tmp/llmops-bench-XXXXXX", a[64], b[64], c[64];
	double batched, live, peer;
	long nlive = n / 10 > 0 ? n / 10 : 1;

	if (n <= 0 || !mkdtemp(dir))
		return 2;
	snprintf(a, sizeof(a), "%s/batched.db", dir);
	snprintf(b, sizeof(b), "%s/live.db", dir);
	snprintf(c, sizeof(c), "%s/sqlite.db", dir);
	if (ledger_rate(a, n, BATCH, &batched) || ledger_rate(b, nlive, 1, &live) ||
	    sqlite_rate(c, n, &peer))
		return 1;
	printf("ledger append, batched (%d/txn), %ld results: %9.0f results/s\n", BATCH, n,
	       batched);
	printf("ledger append, live (1/txn),  %ld results: %9.0f results/s\n", nlive, live);
	printf("peer: bare SQLite insert, same batches:  %9.0f results/s (ledger/peer = %.2f)\n",
	       peer, batched / peer);
	for (const char *p[] = {a, b, c, NULL}, **q = p; *q; q++) {
		char side[80];

		unlink(*q);
		snprintf(side, sizeof(side), "%s-wal", *q);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", *q);
		unlink(side);
	}
	rmdir(dir);
	return 0;
}
