#include "testutil.h"

#include "buf.h"
#include "textsafe.h"

#include <stdlib.h>
#include <string.h>

static void test_label_problem(void **state)
{
	(void)state;
	assert_null(llmops_label_problem("gpt-4o-mini", 11));
	assert_null(llmops_label_problem("caf\xc3\xa9 \xe2\x9c\x93", 9));
	assert_string_equal(llmops_label_problem("a\nb", 3), "a control character");
	assert_string_equal(llmops_label_problem("a\033[2Jb", 6), "a control character");
	assert_string_equal(llmops_label_problem("a\xc2\x9b"
						 "1m",
						 5),
			    "a control character");
	assert_string_equal(llmops_label_problem("a\0b", 3), "a NUL character");
	assert_string_equal(llmops_label_problem("a\xff", 2), "not valid UTF-8");
	char big[600];
	memset(big, 'x', sizeof(big));
	assert_string_equal(llmops_label_problem(big, sizeof(big)), "longer than 512 bytes");
	assert_null(llmops_label_problem(big, 512));
}

static char *escaped(const char *s, size_t n)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	llmops_escape_controls(&b, s, n, 1);
	return llmops_buf_detach(&b, NULL);
}

static void test_escape(void **state)
{
	(void)state;
	char *e = escaped("ok\033]0;t\007 \r\n\tx\x7f", 14);
	assert_string_equal(e, "ok\\x1b]0;t\\x07 \\x0d\n\tx\\x7f");
	free(e);
	static const char c1[] = "\xc2\x9b"
				 "31m \xc3\xa9 \xff \xe2\x82";
	e = escaped(c1, sizeof(c1) - 1);
	assert_string_equal(e, "\\u009b31m \xc3\xa9 \\xff \\xe2\\x82");
	free(e);
}

/* A stream in pieces of every size escapes exactly as the whole text does. */
static void test_escape_in_pieces(void **state)
{
	static const char text[] =
		"a\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80\033[1m\xc2\x9b\xc2\xa0z\r";
	size_t n = sizeof(text) - 1;
	char *whole = escaped(text, n);
	(void)state;
	for (size_t piece = 1; piece <= n; piece++) {
		struct llmops_buf b = LLMOPS_BUF_INIT, carry = LLMOPS_BUF_INIT;
		for (size_t off = 0; off < n; off += piece) {
			size_t len = off + piece <= n ? piece : n - off;
			llmops_buf_add(&carry, text + off, len);
			int final = off + len == n;
			size_t used = llmops_escape_controls(&b, carry.data, carry.len, final);
			struct llmops_buf rest = LLMOPS_BUF_INIT;
			llmops_buf_add(&rest, carry.data + used, carry.len - used);
			llmops_buf_release(&carry);
			carry = rest;
		}
		assert_int_equal(carry.len, 0);
		assert_string_equal(b.data, whole);
		llmops_buf_release(&b);
		llmops_buf_release(&carry);
	}
	free(whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_problem),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_in_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
