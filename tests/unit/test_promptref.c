/*
 * test_promptref.c - prompt names, versions and references.
 */
#include "testutil.h"

#include "promptref.h"

#include <string.h>

static void names(void **state)
{
	const char *good[] = {"summarize", "team/summarize", "a", "a1_b-c/d2", "0x"};
	const char *bad[] = {"",     "/abs", "../x", "a/../b", "A",   "a b",
			     "a//b", "a/",   "_a",   "a/-b",   "a.b", "naïve"};
	struct llmops_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(llmops_prompt_name_check(good[i], "name", &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (llmops_prompt_name_check(bad[i], "name", &err) != LLMOPS_E_USAGE)
			fail_msg("'%s' was accepted", bad[i]);
}

static void versions(void **state)
{
	struct llmops_semver a, b;
	struct llmops_err err = {0};
	char out[64];

	(void)state;
	assert_int_equal(llmops_semver_parse("v1.2.3", 6, &a), 0);
	assert_int_equal(llmops_semver_parse("v1.10.0", 7, &b), 0);
	assert_true(llmops_semver_cmp(&a, &b) < 0);
	assert_int_equal(llmops_semver_parse("v0.0.0", 6, &a), 0);
	llmops_semver_format(&b, out, sizeof(out));
	assert_string_equal(out, "v1.10.0");
	for (const char *const *s = (const char *const[]){"1.2.3", "v1.2", "v01.2.3", "v1.2.3-rc1",
							  "v1.2.3.4", "v1..3", "V1.2.3", NULL};
	     *s; s++)
		assert_int_not_equal(llmops_semver_parse(*s, strlen(*s), &a), 0);
	assert_int_equal(llmops_version_check("latest", NULL, &err), LLMOPS_E_USAGE);
	assert_non_null(strstr(err.msg, "'latest' is not a version"));
	assert_int_equal(llmops_version_check("1.0.0", NULL, &err), LLMOPS_E_USAGE);
	assert_non_null(strstr(err.msg, "'v1.0.0'"));
}

static void references(void **state)
{
	struct llmops_promptref r;
	struct llmops_err err = {0};

	(void)state;
	assert_int_equal(llmops_promptref_parse(&r, "team/a@v1.0.0", 0, 0, &err), 0);
	assert_string_equal(r.name, "team/a");
	assert_string_equal(r.version, "v1.0.0");
	assert_int_equal(llmops_promptref_parse(&r, "v2.3.1", 1, 0, &err), 0);
	assert_string_equal(r.name, "");
	assert_string_equal(r.version, "v2.3.1");
	assert_int_equal(llmops_promptref_parse(&r, "a@v1.0.0..v1.2.0", 0, 1, &err), 0);
	assert_string_equal(r.version2, "v1.2.0");
	assert_int_equal(llmops_promptref_parse(&r, "a@", 0, 0, &err), LLMOPS_E_USAGE);
	assert_int_equal(llmops_promptref_parse(&r, "a@latest", 0, 0, &err), LLMOPS_E_USAGE);
	assert_int_equal(llmops_promptref_parse(&r, "latest", 1, 0, &err), LLMOPS_E_USAGE);
}

static void paths(void **state)
{
	char name[LLMOPS_NAME_MAX + 1];
	struct llmops_semver v;
	const char *ext;

	(void)state;
	assert_int_equal(llmops_version_path_split("prompts/team/a/v1.2.3.json", name, &v, &ext),
			 0);
	assert_string_equal(name, "team/a");
	assert_string_equal(ext, "json");
	assert_int_equal(v.minor, 2);
	assert_int_equal(llmops_version_path_split("prompts/a/latest.txt", name, &v, &ext), -1);
	assert_int_equal(llmops_version_path_split("prompts/_partials/v1.0.0.txt", name, &v, &ext),
			 -1);
	assert_int_equal(llmops_version_path_split("prompts/v1.0.0.txt", name, &v, &ext), -1);
	assert_int_equal(llmops_version_path_split("prompts/A/v1.0.0.txt", name, &v, &ext), -1);
	assert_int_equal(llmops_version_path_split("prompts/a/v1.0.0.md", name, &v, &ext), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(versions),
		cmocka_unit_test(references),
		cmocka_unit_test(paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
