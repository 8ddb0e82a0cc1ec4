#include "testutil.h"

#include "buf.h"
#include "ledger.h"
#include "ledger/internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

struct fixture {
	char *dir;
	char *path;
	struct llmops_ledger *lg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct llmops_err err = {0};

	f->dir = tu_tmpdir();
	f->path = tu_path(f->dir, ".llmops/ledger.db");
	assert_int_equal(llmops_ledger_open(&f->lg, f->path, LLMOPS_LEDGER_MKDIR, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	llmops_ledger_free(f->lg);
	free(f->path);
	tu_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void begin_run(struct llmops_ledger *lg, char *id)
{
	struct llmops_run_spec spec = {.kind = "eval",
				       .git_dirty = -1,
				       .provider = "replay",
				       .model = "gpt-4o-mini",
				       .prompt_name = "summarize",
				       .prompt_version = "v1.0.0"};
	struct llmops_err err = {0};

	assert_int_equal(llmops_ledger_run_begin(lg, &spec, id, &err), 0);
}

static void append_case(struct llmops_ledger *lg, const char *run, const char *case_id, int passed,
			double score)
{
	struct llmops_result r;
	struct llmops_err err = {0};

	llmops_result_init(&r);
	r.case_id = case_id;
	r.output = "out";
	r.passed = passed;
	r.score = score;
	r.tokens_in = 10;
	r.tokens_out = 5;
	r.cost_usd = 0.001;
	r.latency_ms = 12.5;
	r.attempts = 1;
	assert_int_equal(llmops_ledger_result_append(lg, run, &r, NULL, &err), 0);
}

static void test_created_with_pragmas(void **state)
{
	struct fixture *f = *state;
	struct llmops_ledger_info info;
	struct llmops_err err = {0};

	assert_int_equal(llmops_ledger_info(f->lg, &info, &err), 0);
	assert_int_equal(info.schema_version, LLMOPS_LEDGER_SCHEMA_VERSION);
	assert_string_equal(info.journal_mode, "wal");
	assert_int_equal(info.ntables, 7);
	assert_string_equal(info.tables[0].name, "runs");
	assert_int_equal(info.tables[0].rows, 0);
	assert_int_equal(tu_sql_int(f->path, "PRAGMA application_id"),
			 LLMOPS_LEDGER_APPLICATION_ID);
	assert_string_equal(llmops_ledger_path(f->lg), f->path);

	/* reopening an existing, current ledger changes nothing */
	struct llmops_ledger *again;
	assert_int_equal(llmops_ledger_open(&again, f->path, 0, &err), 0);
	llmops_ledger_free(again);
	assert_int_equal(tu_sql_int(f->path, "PRAGMA user_version"), LLMOPS_LEDGER_SCHEMA_VERSION);
}

static void test_run_lifecycle(void **state)
{
	struct fixture *f = *state;
	char id[LLMOPS_RUNID_LEN + 1];
	struct llmops_err err = {0};
	struct llmops_run *run;

	begin_run(f->lg, id);
	assert_true(llmops_runid_valid(id));
	assert_int_equal(llmops_ledger_run_get(f->lg, id, &run, &err), 0);
	assert_int_equal(run->status, LLMOPS_RUN_RUNNING);
	assert_null(run->finished_at);
	assert_true(isnan(run->duration_ms));
	assert_int_equal(run->git_dirty, -1);
	llmops_run_free(run);

	append_case(f->lg, id, "a", 1, 0.9);
	append_case(f->lg, id, "b", 0, 0.2);
	append_case(f->lg, id, "c", -1, NAN); /* errored */
	/* a resumed run retries "c": the row is replaced, not duplicated */
	append_case(f->lg, id, "c", 1, 1.0);
	append_case(f->lg, id, "d", -1, NAN);
	assert_int_equal(llmops_ledger_run_finish(f->lg, id, LLMOPS_RUN_FAILED, &err), 0);

	assert_int_equal(llmops_ledger_run_get(f->lg, "last", &run, &err), 0);
	assert_string_equal(run->id, id);
	assert_int_equal(run->status, LLMOPS_RUN_FAILED);
	assert_int_equal(run->cases, 4);
	assert_int_equal(run->passed, 2);
	assert_int_equal(run->failed, 1);
	assert_int_equal(run->errored, 1);
	assert_int_equal(run->tokens_in, 40);
	assert_int_equal(run->tokens_out, 20);
	assert_true(fabs(run->cost_usd - 0.004) < 1e-12);
	assert_non_null(run->finished_at);
	assert_true(run->duration_ms >= 0);
	assert_string_equal(run->model, "gpt-4o-mini");
	assert_string_equal(run->kind, "eval");
	assert_non_null(run->llmops_version);
	llmops_run_free(run);
}

struct collected {
	int n;
	char ids[8][8];
	int passed[8];
	double score[8];
};

static int collect(const struct llmops_result *r, void *ctx)
{
	struct collected *c = ctx;

	snprintf(c->ids[c->n], sizeof(c->ids[0]), "%s", r->case_id);
	c->passed[c->n] = r->passed;
	c->score[c->n] = r->score;
	c->n++;
	return 0;
}

static int stop_early(const struct llmops_result *r, void *ctx)
{
	(void)r;
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void test_results_each(void **state)
{
	struct fixture *f = *state;
	char id[LLMOPS_RUNID_LEN + 1];
	struct llmops_err err = {0};
	struct collected c = {0};
	int seen = 0;

	begin_run(f->lg, id);
	append_case(f->lg, id, "x", 1, 0.5);
	append_case(f->lg, id, "y", -1, NAN);
	append_case(f->lg, id, "z", 0, 0.0);
	assert_int_equal(llmops_ledger_results_each(f->lg, id, collect, &c, &err), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.ids[0], "x");
	assert_int_equal(c.passed[1], -1);
	assert_true(isnan(c.score[1]));
	assert_true(c.score[0] == 0.5);
	assert_int_equal(llmops_ledger_results_each(f->lg, id, stop_early, &seen, &err), 42);
	assert_int_equal(seen, 2);
}

static void test_bad_results(void **state)
{
	struct fixture *f = *state;
	struct llmops_result r;
	struct llmops_err err = {0};
	char id[LLMOPS_RUNID_LEN + 1];

	llmops_result_init(&r);
	r.case_id = "a";
	assert_int_equal(
		llmops_ledger_result_append(f->lg, "01ARYZ6S41TSV4RRFFQ69G5FAV", &r, NULL, &err),
		LLMOPS_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "no run"));
	begin_run(f->lg, id);
	r.score = 1.5;
	assert_int_equal(llmops_ledger_result_append(f->lg, id, &r, NULL, &err), LLMOPS_E_USAGE);
	r.score = NAN;
	r.case_id = NULL;
	assert_int_equal(llmops_ledger_result_append(f->lg, id, &r, NULL, &err), LLMOPS_E_USAGE);
	assert_int_equal(llmops_ledger_run_finish(f->lg, "01ARYZ6S41TSV4RRFFQ69G5FAV",
						  LLMOPS_RUN_PASSED, &err),
			 LLMOPS_E_NOTFOUND);
	assert_int_equal(llmops_ledger_run_finish(f->lg, id, 99, &err), LLMOPS_E_USAGE);
	struct llmops_run_spec nokind = {0};
	assert_int_equal(llmops_ledger_run_begin(f->lg, &nokind, id, &err), LLMOPS_E_USAGE);
	/* the ledger is still usable after the failures */
	append_case(f->lg, id, "ok", 1, 1.0);
}

static void test_run_refs_and_list(void **state)
{
	struct fixture *f = *state;
	char ids[3][LLMOPS_RUNID_LEN + 1];
	struct llmops_err err = {0};
	struct llmops_run *run, **runs;
	struct llmops_run_filter filter = {0};
	char prefix[LLMOPS_RUNID_LEN + 1];
	size_t n;

	for (int i = 0; i < 3; i++)
		begin_run(f->lg, ids[i]);
	assert_int_equal(llmops_ledger_run_get(f->lg, "last~2", &run, &err), 0);
	assert_string_equal(run->id, ids[0]);
	llmops_run_free(run);
	assert_int_equal(llmops_ledger_run_get(f->lg, "last~3", &run, &err), LLMOPS_E_NOTFOUND);
	assert_int_equal(llmops_ledger_run_get(f->lg, "last~x", &run, &err), LLMOPS_E_USAGE);
	/* a full id in lower case (Crockford base32 is case-insensitive) */
	snprintf(prefix, sizeof(prefix), "%s", ids[2]);
	{
		char lower[LLMOPS_RUNID_LEN + 1];

		for (size_t i = 0; i <= LLMOPS_RUNID_LEN; i++)
			lower[i] = (char)(ids[2][i] >= 'A' && ids[2][i] <= 'Z' ? ids[2][i] + 32
									       : ids[2][i]);
		assert_int_equal(llmops_ledger_run_get(f->lg, lower, &run, &err), 0);
		assert_string_equal(run->id, ids[2]);
		llmops_run_free(run);
	}
	/* the first 4 characters (milliseconds >> 30) are shared by all three: ambiguous */
	prefix[4] = '\0';
	assert_int_equal(llmops_ledger_run_get(f->lg, prefix, &run, &err), LLMOPS_E_USAGE);
	assert_non_null(strstr(err.msg, "ambiguous"));
	assert_int_equal(llmops_ledger_run_get(f->lg, "ZZZZZZ", &run, &err), LLMOPS_E_NOTFOUND);
	assert_int_equal(llmops_ledger_run_get(f->lg, "0", &run, &err), LLMOPS_E_USAGE);

	assert_int_equal(llmops_ledger_runs_list(f->lg, &filter, &runs, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(runs[0]->id, ids[2]); /* newest first */
	llmops_runs_free(runs, n);
	filter.limit = 2;
	filter.prompt_name = "summarize";
	assert_int_equal(llmops_ledger_runs_list(f->lg, &filter, &runs, &n, &err), 0);
	assert_int_equal(n, 2);
	llmops_runs_free(runs, n);
	filter.prompt_name = "other";
	assert_int_equal(llmops_ledger_runs_list(f->lg, &filter, &runs, &n, &err), 0);
	assert_int_equal(n, 0);
	llmops_runs_free(runs, n);
	filter.prompt_name = NULL;
	filter.since = "2999-01-01";
	assert_int_equal(llmops_ledger_runs_list(f->lg, &filter, &runs, &n, &err), 0);
	assert_int_equal(n, 0);
	llmops_runs_free(runs, n);
}

static void test_batched_appends(void **state)
{
	struct fixture *f = *state;
	char id[LLMOPS_RUNID_LEN + 1], cid[16];
	struct llmops_err err = {0};
	struct llmops_run *run;

	begin_run(f->lg, id);
	llmops_ledger_set_batch(f->lg, 100);
	for (int i = 0; i < 250; i++) {
		snprintf(cid, sizeof(cid), "c%d", i);
		append_case(f->lg, id, cid, i % 2, 0.5);
	}
	/* 200 committed in two batches; 50 pending, invisible to another connection */
	assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM results"), 200);
	assert_int_equal(llmops_ledger_run_finish(f->lg, id, LLMOPS_RUN_PASSED, &err), 0);
	assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM results"), 250);
	assert_int_equal(llmops_ledger_run_get(f->lg, id, &run, &err), 0);
	assert_int_equal(run->cases, 250);
	assert_int_equal(run->passed, 125);
	llmops_run_free(run);
	/* pending appends are committed by free, too */
	append_case(f->lg, id, "late", 1, 1.0);
	llmops_ledger_free(f->lg);
	f->lg = NULL;
	assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM results"), 251);
}

/* The size of a file (0 when it does not exist). */
static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? 0 : (long long)st.st_size;
}

/*
 * Batched appends checkpoint on a thread of their own, and the WAL does not
 * grow with the run: it starts again once a checkpoint has caught up.
 */
static void test_batched_checkpoints(void **state)
{
	struct fixture *f = *state;
	char id[LLMOPS_RUNID_LEN + 1], cid[16], *wal = tu_path(f->dir, ".llmops/ledger.db-wal");
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	static char out[4001];
	long long most = 0;

	memset(out, 'o', sizeof(out) - 1);
	begin_run(f->lg, id);
	llmops_ledger_set_batch(f->lg, 64);
	ledger_ckpt_tune(f->lg, 256); /* 2 MiB of 8 KiB pages */
	for (int i = 0; i < 5000; i++) {
		struct llmops_result r;
		llmops_result_init(&r);
		snprintf(cid, sizeof(cid), "c%d", i);
		r.case_id = cid;
		r.output = out;
		r.passed = 1;
		r.score = 1;
		assert_int_equal(llmops_ledger_result_append(f->lg, id, &r, NULL, &err), 0);
		long long w = file_size(wal);
		most = w > most ? w : most;
	}
	assert_int_equal(llmops_ledger_flush(f->lg, &err), 0);
	/* 20 MB of outputs went through a WAL that stayed a few MiB */
	assert_true(file_size(f->path) > 20000000);
	if (most > 8 << 20)
		fail_msg("the WAL grew to %lld bytes", most);
	assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM results"), 5000);
	llmops_ledger_set_batch(f->lg, 1); /* stops the checkpointer */
	append_case(f->lg, id, "late", 1, 1.0);
	assert_int_equal(llmops_ledger_check(f->lg, &problems, &err), 0);
	assert_int_equal(problems.nr, 0);
	llmops_strlist_release(&problems);
	free(wal);
}

static void test_datasets_by_hash(void **state)
{
	struct fixture *f = *state;
	struct llmops_err err = {0};
	char hex[65];
	int64_t a, b, c;

	assert_int_equal(llmops_ledger_dataset_put(f->lg, "evals/x.json", "json", "[1]", 3, 1, &a,
						   hex, &err),
			 0);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(llmops_ledger_dataset_put(f->lg, "evals/moved.json", "json", "[1]", 3, 1,
						   &b, NULL, &err),
			 0);
	assert_int_equal(a, b); /* same content: same row */
	assert_int_equal(llmops_ledger_dataset_put(f->lg, "evals/x.json", "json", "[1,2]", 5, 2, &c,
						   NULL, &err),
			 0);
	assert_true(c != a);
	assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM datasets"), 2);
}

static void test_cache_and_review(void **state)
{
	struct fixture *f = *state;
	struct llmops_buf resp = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char id[LLMOPS_RUNID_LEN + 1];
	struct llmops_result r;
	int64_t rid, rev;
	int hit = -1;

	assert_int_equal(llmops_ledger_cache_get(f->lg, "k1", &resp, &hit, &err), 0);
	assert_int_equal(hit, 0);
	assert_int_equal(llmops_ledger_cache_put(f->lg, "k1", "openai", "m", "{\"a\":1}", &err), 0);
	assert_int_equal(llmops_ledger_cache_get(f->lg, "k1", &resp, &hit, &err), 0);
	assert_int_equal(hit, 1);
	assert_string_equal(resp.data, "{\"a\":1}");
	assert_int_equal(llmops_ledger_cache_put(f->lg, "k1", "openai", "m", "{\"a\":2}", &err), 0);
	llmops_ledger_cache_get(f->lg, "k1", &resp, &hit, &err);
	assert_string_equal(resp.data, "{\"a\":2}");
	assert_int_equal(tu_sql_int(f->path, "SELECT hits FROM cache WHERE key = 'k1'"), 2);
	llmops_buf_release(&resp);

	begin_run(f->lg, id);
	llmops_result_init(&r);
	r.case_id = "q";
	assert_int_equal(llmops_ledger_result_append(f->lg, id, &r, &rid, &err), 0);
	assert_true(rid > 0);
	assert_int_equal(llmops_ledger_review_add(f->lg, rid, "low score", &rev, &err), 0);
	assert_true(rev > 0);
	assert_int_equal(llmops_ledger_review_add(f->lg, 999999, NULL, NULL, &err),
			 LLMOPS_E_NOTFOUND);
	assert_int_equal(
		tu_sql_int(f->path, "SELECT count(*) FROM reviews WHERE status = 'pending'"), 1);
}

static void test_check_and_backup(void **state)
{
	struct fixture *f = *state;
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	char id[LLMOPS_RUNID_LEN + 1];
	char *dest = tu_path(f->dir, "backup.db");
	struct llmops_ledger *copy;
	struct llmops_run *run;

	begin_run(f->lg, id);
	append_case(f->lg, id, "a", 1, 1.0);
	assert_int_equal(llmops_ledger_check(f->lg, &problems, &err), 0);
	assert_int_equal(problems.nr, 0);

	assert_int_equal(llmops_ledger_backup(f->lg, dest, &err), 0);
	assert_int_equal(llmops_ledger_backup(f->lg, dest, &err), LLMOPS_E_EXISTS);
	assert_int_equal(llmops_ledger_open(&copy, dest, 0, &err), 0);
	assert_int_equal(llmops_ledger_run_get(copy, id, &run, &err), 0);
	llmops_run_free(run);
	llmops_ledger_free(copy);

	/* a dangling reference (written behind the ledger's back) is found */
	sql_exec(f->path, "PRAGMA foreign_keys = OFF; INSERT INTO results (run_id, case_id, "
			  "created_at) VALUES ('NOPE', 'x', 'now')");
	assert_int_equal(llmops_ledger_check(f->lg, &problems, &err), 0);
	assert_int_equal(problems.nr, 1);
	assert_non_null(strstr(problems.items[0], "results row"));
	llmops_strlist_release(&problems);
	free(dest);
}

static void assert_file_is(const char *path, const char *content, size_t len)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	assert_int_equal(llmops_buf_read_file(&b, path), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, content, len);
	llmops_buf_release(&b);
}

static void test_refuses_what_is_not_a_ledger(void **state)
{
	struct fixture *f = *state;
	struct llmops_err err = {0};
	struct llmops_ledger *lg = NULL;
	char *text = tu_path(f->dir, "notes.txt");
	char *foreign = tu_path(f->dir, "other.db");
	char *newer = tu_path(f->dir, "newer.db");
	static const char notes[] = "these are my notes, not a database\n";

	tu_write_file(text, notes, sizeof(notes) - 1);
	assert_int_equal(llmops_ledger_open(&lg, text, 0, &err), LLMOPS_E_NOTADB);
	assert_null(lg);
	assert_non_null(strstr(err.msg, "not an SQLite database"));
	assert_file_is(text, notes, sizeof(notes) - 1); /* untouched */

	sql_exec(foreign, "CREATE TABLE photos (id INTEGER PRIMARY KEY)");
	assert_int_equal(llmops_ledger_open(&lg, foreign, 0, &err), LLMOPS_E_NOTADB);
	assert_non_null(strstr(err.msg, "not an llmops ledger"));
	assert_int_equal(tu_sql_int(foreign, "PRAGMA user_version"), 0);

	/* a ledger from a newer llmops: refused, and not altered */
	llmops_ledger_backup(f->lg, newer, &err);
	sql_exec(newer, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99");
	assert_int_equal(llmops_ledger_open(&lg, newer, 0, &err), LLMOPS_E_SCHEMA);
	assert_non_null(strstr(err.msg, "schema version 99"));
	assert_int_equal(tu_sql_int(newer, "PRAGMA user_version"), 99);
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		sqlite3_open(newer, &db);
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
		sqlite3_step(st);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	/* a directory, and a path whose directory does not exist */
	assert_int_equal(llmops_ledger_open(&lg, f->dir, 0, &err), LLMOPS_E_IO);
	free(text);
	text = tu_path(f->dir, "no/such/dir/ledger.db");
	assert_int_equal(llmops_ledger_open(&lg, text, 0, &err), LLMOPS_E_IO);
	assert_int_equal(llmops_ledger_open(&lg, "", 0, &err), LLMOPS_E_USAGE);
	free(text);
	free(foreign);
	free(newer);
}

static void test_empty_file_becomes_ledger(void **state)
{
	struct fixture *f = *state;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	char *p = tu_path(f->dir, "empty.db");

	tu_write_file(p, "", 0); /* e.g. made by touch */
	assert_int_equal(llmops_ledger_open(&lg, p, 0, &err), 0);
	llmops_ledger_free(lg);
	assert_int_equal(tu_sql_int(p, "PRAGMA user_version"), LLMOPS_LEDGER_SCHEMA_VERSION);
	free(p);
}

static void test_corrupt_is_reported(void **state)
{
	struct fixture *f = *state;
	struct llmops_err err = {0};
	struct llmops_ledger *lg = NULL;
	char *p = tu_path(f->dir, "corrupt.db");
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc;

	/* a real SQLite header followed by garbage pages */
	llmops_buf_add(&b, "SQLite format 3", 16);
	for (int i = 0; i < 8192; i++)
		llmops_buf_addch(&b, (i * 7919) & 0xff);
	tu_write_file(p, b.data, b.len);
	rc = llmops_ledger_open(&lg, p, 0, &err);
	assert_true(rc == LLMOPS_E_LEDGER || rc == LLMOPS_E_NOTADB);
	assert_null(lg);
	assert_true(err.msg[0] != '\0');
	llmops_buf_release(&b);
	free(p);
}

static void test_status_names(void **state)
{
	(void)state;
	for (int i = LLMOPS_RUN_RUNNING; i <= LLMOPS_RUN_INTERRUPTED; i++)
		assert_int_equal(llmops_run_status_parse(llmops_run_status_name(i)), i);
	assert_null(llmops_run_status_name(-1));
	assert_int_equal(llmops_run_status_parse("bogus"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_created_with_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_refs_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batched_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batched_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datasets_by_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_and_review, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_and_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file_becomes_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_is_reported, setup, teardown),
		cmocka_unit_test(test_status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
