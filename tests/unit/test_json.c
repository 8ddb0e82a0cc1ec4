/*
 * test_json.c - lib/json: syntax errors say where and what was expected;
 * values can be located by path.
 */
#include "testutil.h"

#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void expect(const char *text, const char *msg)
{
	struct llmops_err err = {0};
	cJSON *root = NULL;

	assert_int_equal(llmops_json_parse(&root, text, strlen(text), "f.json", &err),
			 LLMOPS_E_INPUT);
	assert_null(root);
	if (!strstr(err.msg, msg))
		fail_msg("for %s: wanted '%s' in '%s'", text, msg, err.msg);
}

static void syntax_errors(void **state)
{
	(void)state;
	expect("", "f.json:1:1: empty file");
	expect("{\"a\": 1,}", "f.json:1:9: trailing ','");
	expect("[1, 2,\n]", "f.json:2:1: trailing ','");
	expect("{\"a\" 1}", "f.json:1:6: expected ':'");
	expect("{\"a\": 1 \"b\": 2}", "f.json:1:9: expected ',' or '}'");
	expect("[1 2]", "f.json:1:4: expected ',' or ']'");
	expect("{'a': 1}", "f.json:1:2: expected a string key");
	expect("['a']", "f.json:1:2: strings in JSON use double quotes");
	expect("{\"a\": True}", "f.json:1:7: unknown word 'True'");
	expect("{\"a\": \"x\n\"}", "f.json:1:7: string runs past the end of the line");
	expect("{\"a\": \"\\q\"}", "f.json:1:8: invalid escape");
	expect("[01]", "f.json:1:2: malformed number: leading zeros");
	expect("[1.]", "malformed number: digits must follow '.'");
	expect("{\"a\": 1} x", "f.json:1:10: unexpected text after the JSON value");
	expect("{\"a\": [1, 2", "array is never closed");
	expect("{\"a\": \"\xff\"}", "f.json:1:8: invalid UTF-8 (byte 0xff");
	expect("\xEF\xBB\xBF{}", "byte-order mark");
	/* Columns count code points: "é" is one column. */
	expect("{\"é\": x}", "f.json:1:7: unknown word 'x'");
	/* Lone surrogates are input errors with a position, not "out of memory". */
	expect("[\"\\ud800\"]", "f.json:1:3: lone high surrogate");
	expect("{\"a\":\n \"x\\uD800\\u0041\"}", "f.json:2:4: lone high surrogate");
	expect("[\"\\ud800\\ud800\"]", "f.json:1:3: lone high surrogate");
	expect("[\"\\udc00\"]", "f.json:1:3: lone low surrogate");
	expect("[\"\\ud800", "f.json:1:3: lone high surrogate");
}

static void valid_documents(void **state)
{
	const char *ok[] = {"{}",
			    "[]",
			    "0",
			    "-1.5e+3",
			    "\"\\u00e9\"",
			    "\"\\ud83d\\ude00 \\uD83D\\uDE00\"",
			    "[true, false, null]",
			    "{\"a\": {\"b\": [1, {\"c\": \"d\"}]}}"};
	struct llmops_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cJSON *root = NULL;

		assert_int_equal(llmops_json_parse(&root, ok[i], strlen(ok[i]), "f", &err), 0);
		assert_non_null(root);
		cJSON_Delete(root);
	}
}

static void locate(void **state)
{
	const char *text =
		"{\n  \"a\": 1,\n  \"list\": [\n    {\"x\": 1},\n    {\"y\": \"z\"}\n  ]\n}";
	const char *p1[] = {"list", "1", "y"};
	const char *p2[] = {"a"};
	const char *p3[] = {"list", "7"};
	int line, col;

	(void)state;
	llmops_json_locate(text, strlen(text), p1, 3, 0, &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 11);
	llmops_json_locate(text, strlen(text), p1, 3, 1, &line, &col);
	assert_int_equal(col, 6); /* the key */
	llmops_json_locate(text, strlen(text), p2, 1, 0, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 8);
	/* A path that does not exist gives the deepest part that does. */
	llmops_json_locate(text, strlen(text), p3, 2, 0, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 11);
}

/* LLMOPS_JSON_NUMS: members in order, integers and fractions as numbers, NAN as null */
static void nums_table(void **state)
{
	cJSON *o = cJSON_CreateObject();
	long cases = 12;
	double rate = 0.75;

	(void)state;
	LLMOPS_JSON_NUMS(o, {"cases", cases}, {"pass_rate", rate}, {"p50", NAN});
	char *txt = cJSON_PrintUnformatted(o);
	assert_string_equal(txt, "{\"cases\":12,\"pass_rate\":0.75,\"p50\":null}");
	free(txt);
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(valid_documents),
		cmocka_unit_test(locate),
		cmocka_unit_test(nums_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
