#include "testutil.h"

#include "hash.h"
#include "runid.h"
#include "since.h"

#include <math.h>
#include <string.h>

static void test_shape_and_time_prefix(void **state)
{
	char a[LLMOPS_RUNID_LEN + 1], b[LLMOPS_RUNID_LEN + 1];

	(void)state;
	assert_int_equal(llmops_runid_new(a, 1469918176385ULL), 0);
	assert_int_equal(strlen(a), 26);
	assert_true(llmops_runid_valid(a));
	/* the ULID spec's example: 1469918176385 ms encodes as 01ARYZ6S41 */
	assert_memory_equal(a, "01ARYZ6S41", 10);
	assert_int_equal(llmops_runid_new(b, 1469918176386ULL), 0);
	assert_true(strcmp(a, b) < 0);
}

static void test_monotonic_within_ms(void **state)
{
	char prev[LLMOPS_RUNID_LEN + 1], cur[LLMOPS_RUNID_LEN + 1];
	uint64_t now = llmops_now_ms() + 1000000; /* strictly later than earlier tests */

	(void)state;
	llmops_runid_new(prev, now);
	for (int i = 0; i < 10000; i++) {
		llmops_runid_new(cur, now); /* same millisecond every time */
		assert_true(strcmp(prev, cur) < 0);
		memcpy(prev, cur, sizeof(cur));
	}
	llmops_runid_new(cur, now - 5000); /* clock stepped back: still increasing */
	assert_true(strcmp(prev, cur) < 0);
}

static void test_valid(void **state)
{
	(void)state;
	assert_false(llmops_runid_valid(""));
	assert_false(llmops_runid_valid("01ARYZ6S41TSV4RRFFQ69G5FA"));	 /* 25 */
	assert_false(llmops_runid_valid("01ARYZ6S41TSV4RRFFQ69G5FAVI")); /* 27 */
	assert_false(llmops_runid_valid("01ARYZ6S41TSV4RRFFQ69G5FAU"));	 /* U is not Crockford */
	assert_false(llmops_runid_valid("81ARYZ6S41TSV4RRFFQ69G5FAV"));	 /* overflows 128 bits */
	assert_true(llmops_runid_valid("01ARYZ6S41TSV4RRFFQ69G5FAV"));
}

static void test_sha256(void **state)
{
	char hex[LLMOPS_SHA256_HEX_LEN + 1];

	(void)state;
	/* FIPS 180-2 test vectors */
	assert_int_equal(llmops_sha256_hex(hex, "abc", 3), 0);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	llmops_sha256_hex(hex, "", 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A run id decodes to its 128 bits, the time first (export's trace ids); ISO 8601 times
   read as the ledger and the logs write them. */
static void test_bytes_and_iso(void **state)
{
	char id[LLMOPS_RUNID_LEN + 1];
	unsigned char b[16];
	uint64_t t = 4102444800123ULL, back = 0; /* after every other test's time: ids are monotonic */
	(void)state;
	assert_int_equal(llmops_runid_new(id, t), 0);
	llmops_runid_bytes(id, b);
	for (int i = 0; i < 6; i++)
		back = back << 8 | b[i];
	assert_true(back == t);
	char iso[32];
	llmops_time_iso(iso, t);
	assert_true(llmops_iso_ms(iso) > t - 0.5 && llmops_iso_ms(iso) < t + 0.5);
	assert_true(llmops_iso_ms("2026-11-22") == 1795305600000.0);
	assert_true(llmops_iso_ms("2026-11-22 01:00:00+01:00") == 1795305600000.0);
	assert_true(llmops_iso_ms("2026-11-22T00:00:00.5Z") == 1795305600500.0);
	assert_true(isnan(llmops_iso_ms("2026-13-01")) && isnan(llmops_iso_ms("yesterday")) &&
		    isnan(llmops_iso_ms(NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_and_time_prefix),
		cmocka_unit_test(test_monotonic_within_ms),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bytes_and_iso),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
