/*
 * test_detect.c - lib/detect: each kind of secret and personal data found
 * where it is, with its length and never more; documentation values,
 * reserved domains and numbers that fail the Luhn check left alone; many
 * threads scanning at once.
 */
#include "testutil.h"

#include "detect.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct hits {
	int n;
	int kind[16];
	size_t off[16], len[16], digits[16];
	const char *what[16];
};

static int take(const struct llmops_detection *d, void *ud)
{
	struct hits *h = ud;
	if (h->n < 16) {
		h->kind[h->n] = d->kind;
		h->off[h->n] = d->off;
		h->len[h->n] = d->len;
		h->digits[h->n] = d->digits;
		h->what[h->n] = d->what;
	}
	h->n++;
	return 0;
}

static struct hits scan(const char *text, unsigned mask)
{
	struct hits h = {0};
	assert_int_equal(llmops_detect(text, 0, strlen(text), mask, take, &h), 0);
	return h;
}

static void secrets(void **state)
{
	(void)state;
	const char *t = "key: sk-proj-AbC123dEf456GhI789jKl012MnO345 and AKIAZ3MSJV4WWNKWW5FA.";
	struct hits h = scan(t, LLMOPS_DETECT_SECRETS);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.kind[0], LLMOPS_DETECT_SECRET);
	assert_string_equal(h.what[0], "OpenAI API key");
	assert_int_equal(h.off[0], 5);
	assert_int_equal(h.len[0], 38);
	assert_string_equal(h.what[1], "AWS access key id");
	assert_int_equal(h.off[1], strstr(t, "AKIA") - t);
	/* a name given a random value; placeholders and documentation values are not secrets */
	h = scan("password = \"Zx81kQ0pLm3Nv7Rt2Yw9\"", LLMOPS_DETECT_SECRETS);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.kind[0], LLMOPS_DETECT_SECRET_ENTROPY);
	assert_int_equal(h.off[0], 12);
	assert_int_equal(h.len[0], 20);
	h = scan("api_key=YOUR_API_KEY_HERE AKIAIOSFODNN7EXAMPLE sk-learn-is-a-python-library",
		 LLMOPS_DETECT_SECRETS);
	assert_int_equal(h.n, 0);
	/* only the kinds asked for */
	h = scan("api_key=Zx81kQ0pLm3Nv7Rt2Yw9", 1u << LLMOPS_DETECT_SECRET);
	assert_int_equal(h.n, 0);
}

static void personal_data(void **state)
{
	(void)state;
	const char *t = "Mail jane.doe@acme.io, not info@example.com; call +1 415 555 0132 "
			"or pay with 4111 1111 1111 1111 (not 4111 1111 1111 1112).";
	struct hits h = scan(t, LLMOPS_DETECT_PII);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.kind[0], LLMOPS_DETECT_EMAIL);
	assert_int_equal(h.off[0], 5);
	assert_int_equal(h.len[0], strlen("jane.doe@acme.io"));
	assert_int_equal(h.kind[1], LLMOPS_DETECT_CARD);
	assert_string_equal(h.what[1], "Visa");
	assert_int_equal(h.digits[1], 16);
	assert_int_equal(h.off[1], strstr(t, "4111") - t);
	assert_int_equal(h.kind[2], LLMOPS_DETECT_PHONE);
	assert_int_equal(h.digits[2], 11);
	/* a range of a longer text: nothing before off is reported */
	h = (struct hits){0};
	assert_int_equal(llmops_detect(t, 30, strlen(t), 1u << LLMOPS_DETECT_EMAIL, take, &h), 0);
	assert_int_equal(h.n, 0);
	assert_string_equal(llmops_detection_name(LLMOPS_DETECT_CARD), "card");
}

static void *scanner(void *arg)
{
	const char *t = arg;
	for (int i = 0; i < 200; i++) {
		struct hits h = {0};
		if (llmops_detect(t, 0, strlen(t), LLMOPS_DETECT_SECRETS | LLMOPS_DETECT_PII, take,
				  &h) ||
		    h.n != 2)
			return (void *)1;
	}
	return NULL;
}

/* The patterns are compiled once and shared: threads scan side by side. */
static void threads(void **state)
{
	(void)state;
	static const char t[] = "token ghp_0123456789abcdefghijABCDEFGHIJabcdef12 to ops@acme.io";
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, scanner, (void *)t), 0);
	for (int i = 0; i < 4; i++) {
		void *r = NULL;
		pthread_join(th[i], &r);
		assert_null(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secrets),
		cmocka_unit_test(personal_data),
		cmocka_unit_test(threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
