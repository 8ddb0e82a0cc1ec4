/*
 * test_detect.c - lib/detect: each kind of secret and personal data found
 * where it is, with its length and never more; documentation values,
 * reserved domains and numbers that fail the Luhn check left alone; many
 * threads scanning at once.
 */
#include "testutil.h"

#include "detect.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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

/* ------------------------------------------------------------- the corpus */

/* A fixed pseudo-random sequence (xorshift64*), so the corpus is the same on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ULL) >> 33);
}

/* n characters drawn from set, appended to b. */
static void rnd(char *b, size_t cap, const char *set, int n)
{
	size_t l = strlen(b), k = strlen(set);
	for (int i = 0; i < n && l + 1 < cap; i++)
		b[l++] = set[next_rand() % k];
	b[l] = 0;
}

#define ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define B64	ALNUM "+/"
#define URLSAFE ALNUM "_-"
#define UPNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define HEX	"0123456789abcdef"

struct sample {
	char text[400];
	int secret;
};

static size_t add(struct sample *c, size_t n, int secret, const char *pre, const char *set, int len,
		  const char *post)
{
	snprintf(c[n].text, sizeof(c[n].text), "%s", pre);
	rnd(c[n].text, sizeof(c[n].text), set, len);
	strncat(c[n].text, post, sizeof(c[n].text) - strlen(c[n].text) - 1);
	c[n].secret = secret;
	return n + 1;
}

/*
 * Secrets of every kind the detector knows (issuers' shapes, random bodies) in the sentences
 * they turn up in, and look-alikes that are no secrets (UUIDs, hashes, base64 images,
 * documentation placeholders, URLs without passwords, words that start like keys).
 */
static size_t corpus(struct sample *c)
{
	size_t n = 0;
	for (int i = 0; i < 5; i++) {
		n = add(c, n, 1, "Use OPENAI key sk-proj-", URLSAFE, 48, " for the batch job.");
		n = add(c, n, 1, "export ANTHROPIC=sk-ant-api03-", URLSAFE, 93, "AA");
		n = add(c, n, 1, "id AKIA", UPNUM, 16, " in us-east-1");
		n = add(c, n, 1, "aws_secret_access_key = ", B64, 40, "");
		n = add(c, n, 1, "token ghp_", ALNUM, 36, " pushed");
		n = add(c, n, 1, "Authorization: Bearer ", URLSAFE, 40, "");
		n = add(c, n, 1, "DATABASE_URL=postgres://app:", ALNUM, 18,
			"@db.internal:5432/prod");
	}
	for (int i = 0; i < 4; i++) {
		n = add(c, n, 1, "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=", B64,
			86, "==;EndpointSuffix=core.windows.net");
		n = add(c, n, 1,
			"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;"
			"SharedAccessKey=",
			B64, 43, "=");
		n = add(c, n, 1, "slack xoxb-", "0123456789", 12, "-abcdEFGH1234ijkl");
		n = add(c, n, 1, "key=AIza", URLSAFE, 35, "");
		n = add(c, n, 1, "My AWS secret key is ", B64, 40, ", do not share");
	}
	for (int i = 0; i < 3; i++) {
		n = add(c, n, 1, "stripe sk_live_", ALNUM, 24, "");
		n = add(c, n, 1, "HF hf_", ALNUM, 34, "");
		n = add(c, n, 1, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", URLSAFE, 20, ".sig");
		strncat(c[n - 1].text, "nature0123456789abcdef", 40);
		n = add(c, n, 1, "curl https://deploy:", ALNUM, 20, "@ci.acme.io/hook");
		n = add(c, n, 1, "api_key: \"", ALNUM, 32, "\"");
	}
	n = add(c, n, 1, "-----BEGIN RSA PRIVATE KEY-----\nMIIE", B64, 60, "\n");
	n = add(c, n, 1, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl", B64, 60, "\n");
	size_t secrets = n;
	(void)secrets;
	for (int i = 0; i < 10; i++) {
		char u[64] = "";
		rnd(u, sizeof(u), HEX, 8);
		strcat(u, "-");
		rnd(u, sizeof(u), HEX, 4);
		strcat(u, "-4");
		rnd(u, sizeof(u), HEX, 3);
		strcat(u, "-a");
		rnd(u, sizeof(u), HEX, 3);
		strcat(u, "-");
		rnd(u, sizeof(u), HEX, 12);
		n = add(c, n, 0, "request id ", "", 0, u);
		n = add(c, n, 0, "commit ", HEX, 40, " fixed it");
		n = add(c, n, 0, "sha256: ", HEX, 64, "");
	}
	for (int i = 0; i < 6; i++) {
		n = add(c, n, 0, "<img src=\"data:image/png;base64,iVBORw0KGgo", B64, 200, "\">");
		n = add(c, n, 0, "session_id=", HEX, 32, "; path=/");
	}
	static const char *const fixed[] = {
		"Set OPENAI_API_KEY=sk-your-key-here before you run it.",
		"api_key = YOUR_API_KEY",
		"Authorization: Bearer <token>",
		"Authorization: Bearer $TOKEN",
		"Authorization: Bearer ${GITHUB_TOKEN}",
		"Bearer authentication is the scheme RFC 6750 describes.",
		"postgres://user:password@localhost:5432/app",
		"https://user:pass@example.com/",
		"mysql://root:****@db/app",
		"ssh://git@github.com/acme/repo.git",
		"https://alice@example.org/wiki",
		"AKIAIOSFODNN7EXAMPLE is the documentation's key id",
		"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"password: changeme",
		"We use scikit-learn (sk-learn) and task-manager-service-v2.",
		"risk-assessment-framework-2024-final-draft",
		"/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0",
		"Version 2026.11.3-rc1+build.4711 shipped.",
		"SGVsbG8gd29ybGQsIHRoaXMgaXMgcGxhaW4gdGV4dA==",
		"token counts: 1200 in, 340 out",
		"The AccountKey setting is in the portal.",
		"https://hooks.example.com/services/health",
		"Call +1 415 555 0132 for the bearer of this note.",
		"xoxo, Anna",
		"The secret to good soup is patience.",
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		n = add(c, n, 0, fixed[i], "", 0, "");
	return n;
}

static int any_secret(const struct llmops_detection *d, void *ud)
{
	*(int *)ud = 1;
	(void)d;
	return 0;
}

/* Recall and precision over the corpus: printed, and held to 0.95 each. */
static void recall_precision(void **state)
{
	(void)state;
	static struct sample c[256];
	size_t n = corpus(c), secrets = 0, tp = 0, fp = 0;
	for (size_t i = 0; i < n; i++) {
		int hit = 0;
		assert_int_equal(llmops_detect(c[i].text, 0, strlen(c[i].text),
					       LLMOPS_DETECT_SECRETS, any_secret, &hit),
				 0);
		secrets += c[i].secret;
		tp += hit && c[i].secret;
		fp += hit && !c[i].secret;
		if (hit != c[i].secret)
			print_message("# %s: %s\n", c[i].secret ? "missed" : "false alarm",
				      c[i].text);
	}
	assert_true(secrets >= 60 && n - secrets >= 60);
	double recall = (double)tp / (double)secrets, precision = (double)tp / (double)(tp + fp);
	print_message("# secrets corpus: %zu secrets, %zu look-alikes; recall %.3f (%zu/%zu), "
		      "precision %.3f (%zu/%zu)\n",
		      secrets, n - secrets, recall, tp, secrets, precision, tp, tp + fp);
	assert_true(recall >= 0.95);
	assert_true(precision >= 0.95);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secrets),
		cmocka_unit_test(personal_data),
		cmocka_unit_test(threads),
		cmocka_unit_test(recall_precision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
