#include "testutil.h"

#include "workspace.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	struct llmops_err err = {0};

	(void)state;
	return llmops_global_init(&err);
}

static int teardown(void **state)
{
	(void)state;
	llmops_global_shutdown();
	return 0;
}

static void test_outside_repo(void **state)
{
	struct llmops_workspace ws;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *real = realpath(dir, NULL), *ledger;

	(void)state;
	assert_int_equal(llmops_workspace_find(&ws, dir, &err), 0);
	assert_false(ws.in_repo);
	assert_string_equal(ws.root, real);
	ledger = llmops_workspace_ledger_path(&ws);
	assert_non_null(strstr(ledger, "/.llmops/ledger.db"));
	free(ledger);
	llmops_workspace_release(&ws);
	free(real);
	tu_tmpdir_remove(dir);
}

static void test_inside_repo_subdir(void **state)
{
	struct llmops_workspace ws;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *real = realpath(dir, NULL), *sub = tu_path(dir, "a/b");

	(void)state;
	assert_int_equal(tu_sh("git init -q '%s' && mkdir -p '%s'", dir, sub), 0);
	assert_int_equal(llmops_workspace_find(&ws, sub, &err), 0);
	assert_true(ws.in_repo);
	assert_string_equal(ws.root, real); /* the work tree root, without a trailing '/' */
	llmops_workspace_release(&ws);
	free(sub);
	free(real);
	tu_tmpdir_remove(dir);
}

static void test_bare_repo(void **state)
{
	struct llmops_workspace ws;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir();

	(void)state;
	assert_int_equal(tu_sh("git init -q --bare '%s'", dir), 0);
	assert_int_equal(llmops_workspace_find(&ws, dir, &err), 0);
	assert_true(ws.bare);
	assert_false(ws.in_repo);
	llmops_workspace_release(&ws);
	tu_tmpdir_remove(dir);
}

static void test_missing_dir(void **state)
{
	struct llmops_workspace ws;
	struct llmops_err err = {0};

	(void)state;
	assert_int_equal(llmops_workspace_find(&ws, "/nonexistent/llmops/dir", &err), LLMOPS_E_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/llmops/dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_repo),
		cmocka_unit_test(test_inside_repo_subdir),
		cmocka_unit_test(test_bare_repo),
		cmocka_unit_test(test_missing_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
