#include "testutil.h"

#include "buf.h"
#include "error.h"
#include "mem.h"
#include "strlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_empty_is_valid_string(void **state)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	(void)state;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	llmops_buf_release(&b); /* releasing the static "" must not free it */
	assert_string_equal(b.data, "");
}

static void test_add_and_grow(void **state)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	(void)state;
	for (int i = 0; i < 10000; i++)
		assert_int_equal(llmops_buf_addch(&b, 'a' + i % 26), LLMOPS_OK);
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[b.len], '\0');
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[27], 'b');
	llmops_buf_truncate(&b, 3);
	assert_string_equal(b.data, "abc");
	llmops_buf_truncate(&b, 99); /* no-op past the end */
	assert_int_equal(b.len, 3);
	llmops_buf_release(&b);
}

static void test_addf_long_and_binary(void **state)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char big[5000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(llmops_buf_addf(&b, "%d-%s", 42, big), LLMOPS_OK);
	assert_int_equal(b.len, 3 + 4999);
	assert_memory_equal(b.data, "42-xxx", 6);
	llmops_buf_reset(&b);
	assert_int_equal(llmops_buf_add(&b, "a\0b", 3), LLMOPS_OK);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[1], '\0');
	assert_int_equal(b.data[3], '\0');
	llmops_buf_release(&b);
}

static void test_detach(void **state)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	s = llmops_buf_detach(&b, &len); /* empty: still a fresh allocation */
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	llmops_buf_adds(&b, "hello");
	s = llmops_buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_string_equal(b.data, "");
	free(s);
}

static void test_read_file(void **state)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char *dir = tu_tmpdir(), *p = tu_path(dir, "f");

	(void)state;
	assert_int_equal(llmops_buf_read_file(&b, p), LLMOPS_E_NOTFOUND);
	tu_write_file(p, "x\0y", 3);
	assert_int_equal(llmops_buf_read_file(&b, p), LLMOPS_OK);
	assert_int_equal(b.len, 3);
	llmops_buf_release(&b);
	free(p);
	tu_tmpdir_remove(dir);
}

static void test_strlist(void **state)
{
	struct llmops_strlist l = LLMOPS_STRLIST_INIT;

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(llmops_strlist_appendf(&l, "item-%d", i), LLMOPS_OK);
	assert_int_equal(l.nr, 100);
	assert_null(l.items[100]);
	assert_string_equal(l.items[42], "item-42");
	assert_int_equal(llmops_strlist_find(&l, "item-7"), 7);
	assert_int_equal(llmops_strlist_find(&l, "nope"), -1);
	llmops_strlist_release(&l);
	assert_int_equal(l.nr, 0);
}

static void test_err_messages(void **state)
{
	struct llmops_err err = {0};

	(void)state;
	assert_int_equal(
		llmops_err_at(&err, LLMOPS_E_INPUT, "evals/c.json", 14, 3, "expected '%c'", ','),
		LLMOPS_E_INPUT);
	assert_string_equal(err.msg, "evals/c.json:14:3: expected ','");
	assert_int_equal(err.code, LLMOPS_E_INPUT);
	llmops_err_clear(&err);
	assert_int_equal(err.code, LLMOPS_OK);
	assert_int_equal(llmops_err_set(NULL, LLMOPS_E_IO, "ignored"), LLMOPS_E_IO);
	assert_string_equal(llmops_code_name(LLMOPS_E_SCHEMA), "ledger schema too new");
	assert_string_equal(llmops_code_name(12345), "unknown error");
}

/* LLMOPS_GROW: first allocation, doubling, the elements kept; no growth while there is room */
static void test_grow(void **state)
{
	struct item {
		int v;
		char pad[12];
	} *items = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(LLMOPS_GROW(items, n, cap, 4), LLMOPS_OK);
		assert_true(cap > n);
		assert_true(cap == 4 || (cap & (cap - 1)) == 0); /* 4, 8, 16, ... */
		items[n++].v = i;
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(items[i].v, i);
	struct item *same = items;
	assert_int_equal(LLMOPS_GROW(items, 999, cap, 4), LLMOPS_OK); /* room: untouched */
	assert_ptr_equal(items, same);
	assert_int_equal(cap, 1024);
	/* a size that cannot be allocated: refused, the array and its capacity kept */
	size_t huge = SIZE_MAX / 2 + 1;
	assert_int_equal(llmops_grow(&items, huge, &huge, 4, 1), LLMOPS_E_NOMEM);
	assert_int_equal(huge, SIZE_MAX / 2 + 1);
	assert_ptr_equal(items, same);
	free(items);
}

/* LLMOPS_FREE_ALL frees each, NULL included (run under ASan/valgrind: no leak) */
static void test_free_all(void **state)
{
	char *a = strdup("a"), *b = NULL, *c = malloc(100);

	(void)state;
	LLMOPS_FREE_ALL(a, b, c);
	LLMOPS_FREE_ALL(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_valid_string),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_addf_long_and_binary),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_err_messages),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_free_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
