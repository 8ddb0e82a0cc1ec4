#include "testutil.h"

#include "suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(llmops_edit_distance("", ""), 0);
	assert_int_equal(llmops_edit_distance("eval", "eval"), 0);
	assert_int_equal(llmops_edit_distance("evl", "eval"), 1);
	assert_int_equal(llmops_edit_distance("eavl", "eval"), 1); /* transposition */
	assert_int_equal(llmops_edit_distance("EVAL", "eval"), 0);
	assert_int_equal(llmops_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(llmops_edit_distance("", "abc"), 3);
}

static void test_suggest_nearest(void **state)
{
	static const char *const cmds[] = {"cost", "diff",   "eval", "export", "init",	"ledger",
					   "lint", "prompt", "runs", "show",   "stats", "tokens"};
	struct llmops_strlist out = LLMOPS_STRLIST_INIT;

	(void)state;
	assert_int_equal(llmops_suggest(&out, "evl", cmds, 12), 0);
	assert_int_equal(out.nr, 1);
	assert_string_equal(out.items[0], "eval");
	llmops_strlist_release(&out);

	llmops_suggest(&out, "lnt", cmds, 12);
	assert_int_equal(out.nr, 1);
	assert_string_equal(out.items[0], "lint");
	llmops_strlist_release(&out);

	llmops_suggest(&out, "led", cmds, 12); /* a prefix */
	assert_int_equal(out.nr, 1);
	assert_string_equal(out.items[0], "ledger");
	llmops_strlist_release(&out);

	llmops_suggest(&out, "xyzzyplugh", cmds, 12); /* nothing plausible */
	assert_int_equal(out.nr, 0);
	llmops_strlist_release(&out);

	llmops_suggest(&out, "lnit", cmds, 12); /* ties: every nearest one */
	assert_int_equal(out.nr, 2);
	assert_true(llmops_strlist_find(&out, "init") >= 0);
	assert_true(llmops_strlist_find(&out, "lint") >= 0);
	llmops_strlist_release(&out);

	llmops_suggest(&out, "dist", cmds, 12); /* two edits in four letters: too far */
	assert_int_equal(out.nr, 0);
	llmops_strlist_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggest_nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
