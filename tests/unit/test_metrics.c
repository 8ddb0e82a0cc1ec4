/*
 * test_metrics.c - each metric against values worked out by hand (the
 * arithmetic is in the comments), Wilson intervals and quantiles against
 * textbook values, and the assertions and JSON Schema checks.
 */
#include "testutil.h"

#include "assertions.h"
#include "jsonschema.h"
#include "metrics.h"
#include "stats.h"

#include <math.h>
#include <string.h>

static double sim(int m, const char *a, const char *b, const struct llmops_idf *idf)
{
	double s = -1;
	struct llmops_err err = {0};
	assert_int_equal(llmops_similarity(m, a, strlen(a), b, strlen(b), idf, &s, &err), 0);
	return s;
}

#define near(x, y) assert_true(fabs((x) - (y)) < 1e-6)

static void test_exact(void **state)
{
	(void)state;
	near(sim(LLMOPS_METRIC_EXACT, "  Paris\n", "Paris", NULL), 1);
	near(sim(LLMOPS_METRIC_EXACT, "paris", "Paris", NULL), 0); /* case matters */
	near(sim(LLMOPS_METRIC_EXACT, "", " ", NULL), 1);
	/* Unicode white space at the ends: no-break space, ideographic space, NEL */
	near(sim(LLMOPS_METRIC_EXACT, "yes", "yes\xc2\xa0", NULL), 1);
	near(sim(LLMOPS_METRIC_EXACT, "\u3000yes\u2003", "yes", NULL), 1);
	near(sim(LLMOPS_METRIC_EXACT, "\xc2\x85yes", "yes", NULL), 1);
	near(sim(LLMOPS_METRIC_EXACT,
		 "y\xc2\xa0"
		 "es",
		 "yes", NULL),
	     0); /* only at the ends */
	near(sim(LLMOPS_METRIC_EXACT, "\xc2\xa0", "", NULL), 1);
	/* a lone continuation byte at the end is not white space */
	near(sim(LLMOPS_METRIC_EXACT, "yes\x80", "yes", NULL), 0);
}

/* Texts with no words: two that differ never score 1 on any metric. */
static void test_wordless(void **state)
{
	(void)state;
	static const char *const differ[][2] = {
		{"\U0001F44D", "\U0001F44E"}, {"", "..."}, {"...", "!!!"},
		{"", "\U0001F44D"},	      {"  ", "-"}, {"\U0001F44D", "thumbs up"},
	};
	for (int m = 0; m < LLMOPS_METRIC_COUNT; m++) {
		if (!llmops_metric_is_local(m))
			continue;
		for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
			double x = sim(m, differ[i][0], differ[i][1], NULL);
			if (x >= 1)
				fail_msg("%s('%s', '%s') = %g", llmops_metric_name(m), differ[i][0],
					 differ[i][1], x);
			double y = sim(m, differ[i][1], differ[i][0], NULL);
			if (y >= 1)
				fail_msg("%s('%s', '%s') = %g", llmops_metric_name(m), differ[i][1],
					 differ[i][0], y);
		}
		/* the same wordless text (white space at the ends aside) is a match */
		near(sim(m, "\U0001F44D", "\U0001F44D", NULL), 1);
		near(sim(m, "...", " ...\n", NULL), m == LLMOPS_METRIC_LEVENSHTEIN ? 0.6 : 1);
		near(sim(m, "", "", NULL), 1);
	}
}

static void test_levenshtein(void **state)
{
	(void)state;
	/* kitten -> sitting: 3 edits over 7 code points */
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "kitten", "sitting", NULL), 1.0 - 3.0 / 7.0);
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "KITTEN", "kitten", NULL), 1);
	/* full case folding: sharp s folds to "ss" */
	near(sim(LLMOPS_METRIC_LEVENSHTEIN,
		 "Stra\xc3\x9f"
		 "e",
		 "STRASSE", NULL),
	     1);
	/* NFC: e + combining acute equals precomposed e-acute */
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "cafe\xcc\x81", "caf\xc3\xa9", NULL), 1);
	/* code points, not bytes: one substitution in 4 */
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "caf\xc3\xa9", "cafe", NULL), 0.75);
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "", "", NULL), 1);
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "", "x", NULL), 0);
}

static void test_jaccard(void **state)
{
	(void)state;
	/* {the, cat, sat} vs {the, cat, ran}: 2 shared of 4 */
	near(sim(LLMOPS_METRIC_JACCARD, "the cat sat", "The cat ran.", NULL), 0.5);
	/* sets: repeats do not count */
	near(sim(LLMOPS_METRIC_JACCARD, "a a a b", "b a", NULL), 1);
	near(sim(LLMOPS_METRIC_JACCARD,
		 "\xc3\x9c"
		 "ber Caf\xc3\xa9",
		 "\xc3\xbc"
		 "ber caf\xc3\xa9",
		 NULL),
	     1);
	/* each CJK character is a word: {東,京,タ,ワ,ー} vs {東,京} = 2/5 */
	near(sim(LLMOPS_METRIC_JACCARD, "東京タワー", "東京", NULL), 0.4);
}

static void test_cosine(void **state)
{
	struct llmops_idf *idf = NULL;
	struct llmops_err err = {0};
	(void)state;
	/* no idf: (2,1).(1,2) / (sqrt5 sqrt5) = 4/5 */
	near(sim(LLMOPS_METRIC_COSINE, "a a b", "a b b", NULL), 0.8);
	/* idf over {"a b", "a c"}: idf(a) = ln(3/3)+1 = 1, idf(b) = ln(3/2)+1;
	   "a b" vs "a": 1 / sqrt(1 + idf(b)^2) */
	assert_int_equal(llmops_idf_new(&idf, &err), 0);
	assert_int_equal(llmops_idf_add(idf, "a b", 3, &err), 0);
	assert_int_equal(llmops_idf_add(idf, "a c", 3, &err), 0);
	double ib = log(1.5) + 1;
	near(sim(LLMOPS_METRIC_COSINE, "a b", "a", idf), 1 / sqrt(1 + ib * ib));
	near(sim(LLMOPS_METRIC_COSINE, "x y", "z", idf), 0);
	/* the same text is 1 exactly, so a threshold of 1 passes it (issue 30: sqrt(2)^2 is
	   2.0000000000000004, which made 0.9999999999999998) */
	assert_true(sim(LLMOPS_METRIC_COSINE, "alpha beta", "alpha beta", NULL) == 1.0);
	assert_true(sim(LLMOPS_METRIC_COSINE, "a b", "a b", idf) == 1.0);
	assert_true(sim(LLMOPS_METRIC_COSINE, "one two three two", "one two three two", NULL) ==
		    1.0);
	llmops_idf_free(idf);
}

static void test_rouge_l(void **state)
{
	(void)state;
	/* LCS "the cat on the mat" = 5 of 6 and 6 words: P = R = F1 = 5/6 */
	near(sim(LLMOPS_METRIC_ROUGE_L, "the cat sat on the mat", "the cat is on the mat", NULL),
	     5.0 / 6.0);
	/* LCS 2 ("a c"): P = 2/3, R = 2/2, F1 = 2PR/(P+R) = 0.8 */
	near(sim(LLMOPS_METRIC_ROUGE_L, "a b c", "a c", NULL), 0.8);
	near(sim(LLMOPS_METRIC_ROUGE_L, "x", "y", NULL), 0);
}

static void test_bleu(void **state)
{
	(void)state;
	/* p1 = 5/6; p2 = (3+1)/(5+1); p3 = (1+1)/(4+1); p4 = (0+1)/(3+1); BP = 1:
	   (5/6 * 4/6 * 2/5 * 1/4)^(1/4) */
	near(sim(LLMOPS_METRIC_BLEU, "the cat sat on the mat", "the cat is on the mat", NULL),
	     pow(5.0 / 6 * 4.0 / 6 * 2.0 / 5 * 1.0 / 4, 0.25));
	/* every precision 1, but 2 words against 6: BP = exp(1 - 6/2) */
	near(sim(LLMOPS_METRIC_BLEU, "the cat", "the cat sat on the mat", NULL), exp(-2.0));
	near(sim(LLMOPS_METRIC_BLEU, "x y z", "a b c", NULL), 0); /* no unigram in common */
	near(sim(LLMOPS_METRIC_BLEU, "same words here", "Same words here", NULL), 1);
}

static void test_chrf(void **state)
{
	(void)state;
	/* n=1: 2/3 both ways; n=2: 1/2; n=3: 0; no 4-grams: 3 orders.
	   P = R = (2/3 + 1/2 + 0)/3, and with P = R the F-score is P */
	near(sim(LLMOPS_METRIC_CHRF, "abc", "abd", NULL), (2.0 / 3 + 0.5) / 3);
	/* white space is removed before counting */
	near(sim(LLMOPS_METRIC_CHRF, "a b c", "abd", NULL), (2.0 / 3 + 0.5) / 3);
	near(sim(LLMOPS_METRIC_CHRF, "Hello world", "hello world", NULL), 1);
	/* P != R: "ab" vs "abcd": n=1 P=1 R=1/2; n=2 P=1 R=1/3; 2 orders:
	   P = 1, R = 5/12, F2 = 5PR/(4P+R) */
	double p = 1, r = 5.0 / 12;
	near(sim(LLMOPS_METRIC_CHRF, "ab", "abcd", NULL), 5 * p * r / (4 * p + r));
}

static void test_names(void **state)
{
	struct llmops_err err = {0};
	double s;
	(void)state;
	assert_int_equal(llmops_metric_parse("rouge_l"), LLMOPS_METRIC_ROUGE_L);
	assert_int_equal(llmops_metric_parse("rougeL"), LLMOPS_METRIC_ROUGE_L);
	assert_int_equal(llmops_metric_parse("rogue"), -1);
	assert_int_equal(llmops_similarity(LLMOPS_METRIC_EMBEDDING, "a", 1, "a", 1, NULL, &s, &err),
			 LLMOPS_E_USAGE);
	/* invalid UTF-8 is scored, not refused */
	near(sim(LLMOPS_METRIC_LEVENSHTEIN, "a\xff", "a\xef\xbf\xbd", NULL), 1);
}

static void test_wilson_quantile(void **state)
{
	double lo, hi, v[] = {4, 1, 3, 2}, w[] = {4, 1, 3, 2};
	(void)state;
	/* 8 of 10 at 95%: (0.4902, 0.9433), the textbook value */
	llmops_wilson(8, 10, 1.959964, &lo, &hi);
	assert_true(fabs(lo - 0.4902) < 1e-4 && fabs(hi - 0.9433) < 1e-4);
	llmops_wilson(0, 0, 1.96, &lo, &hi);
	near(lo, 0);
	near(hi, 1);
	llmops_wilson(5, 5, 1.959964, &lo, &hi);
	near(hi, 1);
	assert_true(fabs(lo - 0.5655) < 1e-4);
	near(llmops_quantile(v, 4, 0.5), 2.5);
	near(llmops_quantile(w, 4, 0.95), 3.85);
	assert_true(isnan(llmops_quantile(NULL, 0, 0.5)));
}

static int check(const char *asserts_json, const char *output, long tokens, double lat,
		 struct llmops_buf *why)
{
	struct llmops_assertions as = {0};
	struct llmops_err err = {0};
	cJSON *list = cJSON_Parse(asserts_json);
	assert_non_null(list);
	assert_int_equal(llmops_assertions_parse(&as, list, "t", &err), 0);
	struct llmops_observation o = {output, strlen(output), tokens, lat, NAN, NULL, -1, NULL, NULL, 1};
	llmops_buf_reset(why);
	int failed = llmops_assertions_check(&as, &o, why);
	llmops_assertions_release(&as);
	cJSON_Delete(list);
	return failed;
}

static void test_assertions(void **state)
{
	struct llmops_buf why = LLMOPS_BUF_INIT;
	(void)state;
	assert_int_equal(check("[{\"type\":\"contains\",\"value\":\"Paris\"}]", "It is Paris.", -1,
			       NAN, &why),
			 0);
	assert_int_equal(
		check("[{\"type\":\"contains\",\"value\":[\"a\",\"zz\"]}]", "abc", -1, NAN, &why),
		1);
	assert_string_equal(why.data, "contains 'zz': not found");
	assert_int_equal(
		check("[{\"type\":\"contains\",\"value\":\"STRASSE\",\"ignore_case\":true}]",
		      "die Stra\xc3\x9f"
		      "e",
		      -1, NAN, &why),
		0);
	assert_int_equal(check("[{\"type\":\"regex\",\"value\":\"^\\\\p{Lu}\\\\w+$\"}]",
			       "\xc3\x89t\xc3\xa9", -1, NAN, &why),
			 0);
	assert_int_equal(check("[\"is_json\", {\"type\":\"max_tokens\",\"value\":3}]", "[1, 2] x",
			       5, NAN, &why),
			 2);
	assert_int_equal(check("[{\"type\":\"max_latency_ms\",\"value\":10}]", "x", -1, NAN, &why),
			 0); /* unknown latency: not applicable */
	assert_int_equal(check("[{\"type\":\"max_latency_ms\",\"value\":10}]", "x", -1, 11, &why),
			 1);
	assert_int_equal(check("[{\"type\":\"equals\",\"value\":\"x\"},{\"type\":\"not_contains\","
			       "\"value\":\"y\"}]",
			       "x", -1, NAN, &why),
			 0);
	llmops_buf_release(&why);

	struct llmops_assertions as = {0};
	struct llmops_err err = {0};
	cJSON *bad = cJSON_Parse("[{\"type\":\"regex\",\"value\":\"(a\"}]");
	assert_int_equal(llmops_assertions_parse(&as, bad, "f.json:3: case 'x'", &err),
			 LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "f.json:3: case 'x': assert[0] (regex): invalid pattern"));
	llmops_assertions_release(&as);
	cJSON_Delete(bad);
}

static void test_schema(void **state)
{
	struct llmops_err err = {0};
	struct llmops_buf why = LLMOPS_BUF_INIT;
	(void)state;
	cJSON *s =
		cJSON_Parse("{\"type\":\"object\",\"required\":[\"name\"],\"additionalProperties\":"
			    "false,\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":2},"
			    "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},"
			    "\"maxItems\":2},\"n\":{\"type\":\"integer\",\"minimum\":0}}}");
	assert_int_equal(llmops_schema_check(s, &err), 0);
	struct {
		const char *doc, *why;
	} cases[] = {
		{"{\"name\":\"ok\",\"tags\":[\"a\"],\"n\":3}", NULL},
		{"{\"tags\":[]}", "/: required property 'name' is missing"},
		{"{\"name\":\"x\"}", "/name: string is shorter than 2 characters"},
		{"{\"name\":\"ok\",\"tags\":[\"a\",\"c\"]}",
		 "/tags/1: value is not one of the enum's"},
		{"{\"name\":\"ok\",\"n\":1.5}", "/n: expected integer, got number"},
		{"{\"name\":\"ok\",\"n\":-1}", "/n: -1 is below the minimum 0"},
		{"{\"name\":\"ok\",\"extra\":1}", "/: property 'extra' is not allowed"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *d = cJSON_Parse(cases[i].doc);
		llmops_buf_reset(&why);
		int ok = llmops_schema_validate(s, d, &why);
		assert_int_equal(ok, cases[i].why == NULL);
		if (cases[i].why)
			assert_string_equal(why.data, cases[i].why);
		cJSON_Delete(d);
	}
	cJSON_Delete(s);
	const char *bad[] = {"{\"type\":\"strnig\"}", "{\"oneOf\":[]}", "{\"minimum\":\"1\"}",
			     "{\"properties\":{\"a\":{\"pattern\":\"(\"}}}", "[]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *b = cJSON_Parse(bad[i]);
		assert_int_equal(llmops_schema_check(b, &err), LLMOPS_E_INPUT);
		cJSON_Delete(b);
	}
	llmops_buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),	    cmocka_unit_test(test_wordless),
		cmocka_unit_test(test_levenshtein), cmocka_unit_test(test_jaccard),
		cmocka_unit_test(test_cosine),	    cmocka_unit_test(test_rouge_l),
		cmocka_unit_test(test_bleu),	    cmocka_unit_test(test_chrf),
		cmocka_unit_test(test_names),	    cmocka_unit_test(test_wilson_quantile),
		cmocka_unit_test(test_assertions),  cmocka_unit_test(test_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
