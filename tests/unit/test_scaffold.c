#include "testutil.h"

#include "buf.h"
#include "scaffold.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *slurp(const char *dir, const char *name)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char *p = tu_path(dir, name);

	assert_int_equal(llmops_buf_read_file(&b, p), 0);
	free(p);
	return llmops_buf_detach(&b, NULL);
}

static void test_fresh_directory(void **state)
{
	struct llmops_scaffold_report rep;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *s;

	(void)state;
	llmops_scaffold_report_init(&rep);
	assert_int_equal(llmops_scaffold(dir, &rep, &err), 0);
	assert_int_equal(rep.created.nr, 20); /* with prompts/_judges/: 6 rubrics in 7 folders */
	assert_int_equal(rep.kept.nr, 0);
	assert_true(llmops_strlist_find(&rep.created, "prompts/_judges/relevance/v1.0.0.txt") >= 0);
	s = slurp(dir, "prompts/_judges/faithfulness/v1.0.0.txt");
	assert_non_null(strstr(s, "{{context}}"));
	assert_non_null(strstr(s, "scale: 1-5"));
	free(s);
	s = slurp(dir, "prompts/_judges/pairwise/v1.0.0.txt");
	assert_non_null(strstr(s, "\nverdict: preference\n"));
	assert_non_null(strstr(s, "{{output_a}}"));
	assert_non_null(strstr(s, "{{output_b}}"));
	free(s);
	assert_true(llmops_strlist_find(&rep.created, "prompts/summarize/v1.0.0.txt") >= 0);
	assert_true(llmops_strlist_find(&rep.created, ".gitignore") >= 0);
	s = slurp(dir, ".gitignore");
	assert_non_null(strstr(s, "\n.llmops/\n"));
	free(s);
	s = slurp(dir, "prompts/summarize/v1.0.0.txt");
	assert_non_null(strstr(s, "{{input}}"));
	assert_memory_equal(s, "---\n", 4);
	free(s);
	llmops_scaffold_report_release(&rep);

	/* a second run creates nothing and changes nothing */
	llmops_scaffold_report_init(&rep);
	assert_int_equal(llmops_scaffold(dir, &rep, &err), 0);
	assert_int_equal(rep.created.nr, 0);
	assert_int_equal(rep.updated.nr, 0);
	assert_int_equal(rep.kept.nr, 20);
	llmops_scaffold_report_release(&rep);
	tu_tmpdir_remove(dir);
}

static void test_never_overwrites(void **state)
{
	struct llmops_scaffold_report rep;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *p, *s;

	(void)state;
	p = tu_path(dir, "llmops.json");
	tu_write_file(p, "{\"mine\": true}\n", 15);
	free(p);
	p = tu_path(dir, ".gitignore");
	tu_write_file(p, "node_modules", 12); /* no final newline */
	free(p);
	llmops_scaffold_report_init(&rep);
	assert_int_equal(llmops_scaffold(dir, &rep, &err), 0);
	assert_true(llmops_strlist_find(&rep.kept, "llmops.json") >= 0);
	assert_true(llmops_strlist_find(&rep.updated, ".gitignore") >= 0);
	s = slurp(dir, "llmops.json");
	assert_string_equal(s, "{\"mine\": true}\n");
	free(s);
	s = slurp(dir, ".gitignore");
	assert_memory_equal(s, "node_modules\n# llmops", 21);
	assert_non_null(strstr(s, "\n.llmops/\n"));
	free(s);
	llmops_scaffold_report_release(&rep);
	tu_tmpdir_remove(dir);
}

static void test_gitignore_forms(void **state)
{
	static const char *const forms[] = {"/.llmops/\n", ".llmops\n", "x\n.llmops/  \r\n"};
	struct llmops_scaffold_report rep;
	struct llmops_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *dir = tu_tmpdir(), *p = tu_path(dir, ".gitignore"), *s;

		tu_write_file(p, forms[i], strlen(forms[i]));
		llmops_scaffold_report_init(&rep);
		assert_int_equal(llmops_scaffold(dir, &rep, &err), 0);
		assert_true(llmops_strlist_find(&rep.kept, ".gitignore") >= 0);
		s = slurp(dir, ".gitignore");
		assert_string_equal(s, forms[i]);
		free(s);
		free(p);
		llmops_scaffold_report_release(&rep);
		tu_tmpdir_remove(dir);
	}
}

static void test_file_in_the_way(void **state)
{
	struct llmops_scaffold_report rep;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *p = tu_path(dir, "prompts");

	(void)state;
	tu_write_file(p, "not a dir", 9);
	llmops_scaffold_report_init(&rep);
	assert_int_equal(llmops_scaffold(dir, &rep, &err), LLMOPS_E_IO);
	assert_non_null(strstr(err.msg, "a file is in the way"));
	llmops_scaffold_report_release(&rep);
	free(p);
	tu_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_directory),
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_gitignore_forms),
		cmocka_unit_test(test_file_in_the_way),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
