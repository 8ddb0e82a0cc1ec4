/*
 * Four processes create and append to one ledger at the same moment: every
 * result lands, no process sees "database is locked".
 */
#include "testutil.h"

#include "ledger.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS		   4
#define RESULTS_PER_WRITER 400

/* One writer: open (racing the others to create), one run, appends, finish. */
static int writer(const char *path, int which, int batch)
{
	struct llmops_run_spec spec = {.kind = "eval", .git_dirty = -1, .model = "m"};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	char id[LLMOPS_RUNID_LEN + 1], cid[32];

	if (llmops_ledger_open(&lg, path, LLMOPS_LEDGER_MKDIR, &err)) {
		fprintf(stderr, "writer %d: %s\n", which, err.msg);
		return 1;
	}
	llmops_ledger_set_batch(lg, (unsigned)batch);
	if (llmops_ledger_run_begin(lg, &spec, id, &err))
		goto fail;
	for (int i = 0; i < RESULTS_PER_WRITER; i++) {
		struct llmops_result r;

		llmops_result_init(&r);
		snprintf(cid, sizeof(cid), "w%d-c%d", which, i);
		r.case_id = cid;
		r.passed = 1;
		r.score = 1.0;
		r.output = "a reasonably sized output string to make the rows realistic";
		if (llmops_ledger_result_append(lg, id, &r, NULL, &err))
			goto fail;
	}
	if (llmops_ledger_run_finish(lg, id, LLMOPS_RUN_PASSED, &err))
		goto fail;
	llmops_ledger_free(lg);
	return 0;
fail:
	fprintf(stderr, "writer %d: %s\n", which, err.msg);
	llmops_ledger_free(lg);
	return 1;
}

static void run_writers(int batch)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, ".llmops/ledger.db");
	int pipefd[2];
	pid_t pids[WRITERS];

	/* children wait on a pipe so that all start (and create the file) together */
	assert_int_equal(pipe(pipefd), 0);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			char c;

			close(pipefd[1]);
			if (read(pipefd[0], &c, 1) < 0)
				_exit(2);
			_exit(writer(path, w, batch));
		}
	}
	close(pipefd[0]);
	close(pipefd[1]); /* EOF releases every child at once */
	for (int w = 0; w < WRITERS; w++) {
		int st;

		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM results"),
			 WRITERS * RESULTS_PER_WRITER);
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM runs WHERE status = 'passed' AND "
					  "cases = "
					  "400"),
			 WRITERS);
	assert_int_equal(tu_sql_int(path, "PRAGMA user_version"), LLMOPS_LEDGER_SCHEMA_VERSION);
	free(path);
	tu_tmpdir_remove(dir);
}

static void test_four_live_writers(void **state)
{
	(void)state;
	run_writers(1); /* each append its own transaction */
}

static void test_four_batched_writers(void **state)
{
	(void)state;
	run_writers(50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_live_writers),
		cmocka_unit_test(test_four_batched_writers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
