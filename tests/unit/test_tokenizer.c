/*
 * test_tokenizer.c - the BPE tokenizer against tiktoken's own ids, and the
 * pre-tokenizers against PCRE2 running tiktoken's split patterns.
 */
#include "testutil.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <cjson/cJSON.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "models.h"
#include "pretokenize.h"
#include "tokenizer.h"

static const char *const encs[] = {"cl100k_base", "o200k_base"};

static cJSON *load_golden(void)
{
	const char *root = getenv("LLMOPS_SOURCE_ROOT");
	char path[4096];
	struct llmops_buf b = LLMOPS_BUF_INIT;
	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/fixtures/tokens/golden.json", root);
	assert_int_equal(llmops_buf_read_file(&b, path), 0);
	cJSON *j = cJSON_Parse(b.data);
	llmops_buf_release(&b);
	assert_non_null(j);
	return j;
}

/* Every case of golden.json gives tiktoken's ids, for both encodings. */
static void test_golden_cases(void **state)
{
	(void)state;
	cJSON *g = load_golden();
	cJSON *cases = cJSON_GetObjectItem(g, "cases");
	int checked = 0, failed = 0;
	assert_true(cJSON_GetArraySize(cases) > 80);
	for (int e = 0; e < 2; e++) {
		struct llmops_tokenizer *t;
		struct llmops_err err = {0};
		assert_int_equal(llmops_tokenizer_open(&t, encs[e], &err), 0);
		cJSON *c;
		cJSON_ArrayForEach (c, cases) {
			const char *text = cJSON_GetObjectItem(c, "text")->valuestring;
			cJSON *want = cJSON_GetObjectItem(c, encs[e]);
			struct llmops_token_ids ids = {0};
			size_t count = 99;
			assert_int_equal(llmops_tokenize(t, text, strlen(text), 0, "case", &ids,
							 &count, &err),
					 0);
			int ok = (int)count == cJSON_GetArraySize(want) && ids.n == count;
			for (size_t i = 0; ok && i < ids.n; i++)
				ok = ids.v[i] ==
				     (uint32_t)cJSON_GetArrayItem(want, (int)i)->valueint;
			if (!ok) {
				char *w = cJSON_PrintUnformatted(want);
				fprintf(stderr, "%s: %s: want %s, got", encs[e], text, w);
				for (size_t i = 0; i < ids.n; i++)
					fprintf(stderr, " %u", ids.v[i]);
				fputc('\n', stderr);
				free(w);
				failed++;
			}
			free(ids.v);
			checked++;
		}
		llmops_tokenizer_close(t);
	}
	cJSON_Delete(g);
	assert_int_equal(failed, 0);
	assert_true(checked > 160);
}

/* Decoding the ids gives back the text, byte for byte. */
static void roundtrip(struct llmops_tokenizer *t, const char *text, size_t len)
{
	struct llmops_token_ids ids = {0};
	struct llmops_err err = {0};
	size_t count = 0, at = 0;
	assert_int_equal(llmops_tokenize(t, text, len, 0, "rt", &ids, &count, &err), 0);
	assert_int_equal(count, ids.n);
	for (size_t i = 0; i < ids.n; i++) {
		size_t n = 0;
		const unsigned char *p = llmops_token_bytes(t, ids.v[i], &n);
		assert_non_null(p);
		assert_true(at + n <= len);
		assert_memory_equal(p, text + at, n);
		at += n;
	}
	assert_int_equal(at, len);
	free(ids.v);
}

/* 1 MB runs that would be quadratic in a naive BPE finish, and round-trip. */
static void test_pathological_runs(void **state)
{
	(void)state;
	const size_t len = 1 << 20;
	char *s = malloc(len);
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int e = 0; e < 2; e++) {
		struct llmops_tokenizer *t;
		struct llmops_err err = {0};
		assert_int_equal(llmops_tokenizer_open(&t, encs[e], &err), 0);
		memset(s, 'a', len);
		roundtrip(t, s, len);
		memset(s, ' ', len);
		roundtrip(t, s, len);
		for (size_t i = 0; i < len; i++)
			s[i] = (char)('0' + (i * 7919 % 10));
		roundtrip(t, s, len);
		unsigned x = 12345;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			s[i] = b64[(x >> 16) & 63];
		}
		roundtrip(t, s, len);
		for (size_t i = 0; i < len; i++)
			s[i] = " \t\n\r"[(i * 31 / 7) % 4];
		roundtrip(t, s, len);
		llmops_tokenizer_close(t);
	}
	free(s);
}

/* Fed in chunks of any size, a text gives exactly the ids it gives whole. */
static void stream_matches_whole(struct llmops_tokenizer *t, const char *text, size_t len,
				 unsigned flags)
{
	static const size_t sizes[] = {1, 2, 3, 5, 7, 64, 4099};
	struct llmops_token_ids whole = {0};
	struct llmops_err err = {0};
	size_t wcount = 0;

	assert_int_equal(llmops_tokenize(t, text, len, flags, "w", &whole, &wcount, &err), 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct llmops_tok_stream st;
		struct llmops_token_ids ids = {0};
		size_t count = 0;

		llmops_tok_stream_init(&st);
		for (size_t at = 0; at < len; at += sizes[k]) {
			size_t n = len - at < sizes[k] ? len - at : sizes[k];
			assert_int_equal(llmops_tokenize_feed(t, &st, text + at, n, 0, flags, "s",
							      &ids, &count, &err),
					 0);
		}
		assert_int_equal(llmops_tokenize_feed(t, &st, NULL, 0, 1, flags, "s", &ids, &count,
						      &err),
				 0);
		if (count != wcount || ids.n != whole.n ||
		    (whole.n && memcmp(ids.v, whole.v, whole.n * sizeof(*whole.v))))
			fail_msg("chunks of %zu: %zu tokens, whole: %zu, for %.60s", sizes[k], count,
				 wcount, text);
		assert_int_equal(st.sliced, 0);
		llmops_tok_stream_release(&st);
		free(ids.v);
	}
	free(whole.v);
}

static void test_streaming(void **state)
{
	(void)state;
	cJSON *g = load_golden();
	cJSON *cases = cJSON_GetObjectItem(g, "cases"), *c;
	struct llmops_buf all = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	/* every golden case, then all of them run together, then lossy bytes */
	cJSON_ArrayForEach (c, cases)
		llmops_buf_adds(&all, cJSON_GetObjectItem(c, "text")->valuestring);
	for (int e = 0; e < 2; e++) {
		struct llmops_tokenizer *t;
		assert_int_equal(llmops_tokenizer_open(&t, encs[e], &err), 0);
		cJSON_ArrayForEach (c, cases) {
			const char *text = cJSON_GetObjectItem(c, "text")->valuestring;
			stream_matches_whole(t, text, strlen(text), 0);
		}
		stream_matches_whole(t, all.data, all.len, 0);
		static const char lossy[] = "caf\xc3\xa9 \xe2\x82 x\xf0\x9f\x98 \xff\xfe ok";
		stream_matches_whole(t, lossy, sizeof(lossy) - 1, LLMOPS_TOK_LOSSY);
		llmops_tokenizer_close(t);
	}
	llmops_buf_release(&all);
	cJSON_Delete(g);
}

/* An error in a later chunk names its place in the whole input. */
static void test_streaming_errors_and_slices(void **state)
{
	(void)state;
	struct llmops_tokenizer *t;
	struct llmops_tok_stream st;
	struct llmops_err err = {0};
	size_t count = 0;
	char *big;

	assert_int_equal(llmops_tokenizer_open(&t, "cl100k_base", &err), 0);
	llmops_tok_stream_init(&st);
	assert_int_equal(llmops_tokenize_feed(t, &st, "one\ntwo \xc3", 9, 0, 0, "f", NULL, &count,
					      &err),
			 0);
	assert_int_equal(llmops_tokenize_feed(t, &st, "\xa9t\xe9\n", 4, 1, 0, "f", NULL, &count,
					      &err),
			 LLMOPS_E_INPUT);
	if (!strstr(err.msg, "f:2:7: invalid UTF-8 at byte offset 11 (byte 0xe9)"))
		fail_msg("got %s", err.msg);
	llmops_tok_stream_release(&st);
	/* a run of one letter over the piece limit: bounded, sliced, counted */
	big = malloc(3 * LLMOPS_TOK_MAX_PIECE);
	memset(big, 'a', 3 * LLMOPS_TOK_MAX_PIECE);
	llmops_tok_stream_init(&st);
	count = 0;
	for (int i = 0; i < 3; i++)
		assert_int_equal(llmops_tokenize_feed(t, &st, big + i * LLMOPS_TOK_MAX_PIECE,
						      LLMOPS_TOK_MAX_PIECE, i == 2, 0, "f", NULL,
						      &count, &err),
				 0);
	assert_int_equal(st.sliced, 2);
	assert_true(st.carry.cap <= 4 * LLMOPS_TOK_MAX_PIECE); /* a piece and a chunk, doubled */
	assert_int_equal(count, 3 * LLMOPS_TOK_MAX_PIECE / 8); /* "aaaaaaaa" is one token */
	llmops_tok_stream_release(&st);
	free(big);
	llmops_tokenizer_close(t);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct llmops_tokenizer *t;
	struct llmops_err err = {0};
	struct llmops_token_ids a = {0}, b = {0};
	size_t n = 0;
	assert_int_equal(llmops_tokenizer_open(&t, "o200k_base", &err), 0);
	assert_int_equal(llmops_tokenize(t,
					 "ok\nab\xff"
					 "c",
					 6, 0, "f.txt", NULL, &n, &err),
			 LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "f.txt:2:3:"));
	assert_non_null(strstr(err.msg, "byte offset 5"));
	/* lossy: each maximal bad subpart becomes one U+FFFD */
	assert_int_equal(llmops_tokenize(t,
					 "ab\xff"
					 "c\xe2\x82"
					 "d\x80\x80",
					 9, LLMOPS_TOK_LOSSY, "x", &a, NULL, &err),
			 0);
	const char *want = "ab\xef\xbf\xbd"
			   "c\xef\xbf\xbd"
			   "d\xef\xbf\xbd\xef\xbf\xbd";
	assert_int_equal(llmops_tokenize(t, want, strlen(want), 0, "x", &b, NULL, &err), 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.v, b.v, a.n * sizeof(uint32_t));
	free(a.v);
	free(b.v);
	/* a NUL byte is an ordinary character (tiktoken: 64 188 65) */
	memset(&a, 0, sizeof(a));
	assert_int_equal(llmops_tokenize(t, "a\0b", 3, 0, "x", &a, NULL, &err), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.v[1], 188);
	free(a.v);
	llmops_tokenizer_close(t);
	assert_int_equal(llmops_tokenizer_open(&t, "p50k_base", &err), LLMOPS_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "cl100k_base, o200k_base"));
	assert_null(t);
}

/* The split patterns as tiktoken's packages ship them (pretokenize.h). */
static const char pat_cl100k[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
	"?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char pat_o200k[] =
	"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
	"[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| "
	"?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/*
 * Characters whose classes are the same in PCRE2's Unicode tables and
 * utf8proc's (long-assigned ones), one of each kind the patterns tell apart.
 */
static const char *const alphabet[] = {
	"a",
	"b",
	"s",
	"t",
	"d",
	"m",
	"l",
	"r",
	"e",
	"v",
	"A",
	"S",
	"L",
	"E",
	"'",
	"'",
	"'",
	" ",
	" ",
	" ",
	"\t",
	"\n",
	"\r",
	"\v",
	"\xc2\xa0",
	"\xe3\x80\x80",
	"\xe2\x80\x83",
	"0",
	"7",
	"\xd9\xa3",
	"\xe2\x85\xa0",
	"\xc2\xbd",
	".",
	",",
	"!",
	"/",
	"/",
	"-",
	"+",
	"=",
	"\xc3\xa9",
	"\xc3\x89",
	"\xc7\x85",
	"\xca\xb0",
	"\xe4\xb8\xad",
	"\xe3\x81\x82",
	"\xcc\x81",
	"\xe2\x83\x9d",
	"\xd0\x96",
	"\xd0\xb6",
	"\xc5\xbf",
	"\xf0\x9f\x98\x80",
	"\xe2\x80\x8d",
	"\x01",
	"\xc2\x85",
	"\xe2\x80\xa8",
};

static size_t pcre_end(pcre2_code *re, pcre2_match_data *md, const char *s, size_t len, size_t i)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, i, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, md,
			     NULL);
	assert_true(rc > 0);
	return pcre2_get_ovector_pointer(md)[1];
}

static void test_pretokenizers_match_pcre2(void **state)
{
	(void)state;
	const char *pats[] = {pat_cl100k, pat_o200k};
	llmops_pretok_fn fns[] = {llmops_pretok_cl100k, llmops_pretok_o200k};
	size_t na = sizeof(alphabet) / sizeof(alphabet[0]);
	unsigned x = 20261122;
	char s[512];
	for (int e = 0; e < 2; e++) {
		int errcode;
		PCRE2_SIZE erroff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[e], PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
		assert_non_null(re);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
		long pieces = 0;
		for (int round = 0; round < 20000; round++) {
			size_t len = 0;
			x = x * 1103515245u + 12345u;
			int n = 1 + (int)((x >> 16) % 24);
			for (int k = 0; k < n; k++) {
				x = x * 1103515245u + 12345u;
				const char *c = alphabet[(x >> 16) % na];
				size_t cl = strlen(c);
				memcpy(s + len, c, cl);
				len += cl;
			}
			for (size_t i = 0; i < len;) {
				size_t want = pcre_end(re, md, s, len, i);
				size_t got = fns[e]((const uint8_t *)s, len, i);
				if (want != got) {
					fprintf(stderr, "%s: at %zu of \"", encs[e], i);
					for (size_t k = 0; k < len; k++)
						fprintf(stderr, "\\x%02x", (unsigned char)s[k]);
					fprintf(stderr, "\": pcre2 ends at %zu, we at %zu\n", want,
						got);
				}
				assert_int_equal(got, want);
				i = got;
				pieces++;
			}
		}
		assert_true(pieces > 100000);
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
}

static void test_models(void **state)
{
	(void)state;
	struct llmops_model_tokens m;
	assert_true(llmops_model_tokens("gpt-4o", NULL, &m));
	assert_string_equal(m.encoding, "o200k_base");
	assert_true(m.exact);
	assert_int_equal(m.per_message, 3);
	assert_int_equal(m.per_reply, 3);
	assert_true(llmops_model_tokens("openai:gpt-4o-mini-2024-07-18", NULL, &m));
	assert_string_equal(m.encoding, "o200k_base");
	assert_true(llmops_model_tokens("gpt-4-turbo", NULL, &m));
	assert_string_equal(m.encoding, "cl100k_base");
	assert_true(llmops_model_tokens("gpt-4.1-nano", NULL, &m));
	assert_string_equal(m.encoding, "o200k_base");
	assert_true(llmops_model_tokens("gpt-3.5-turbo", NULL, &m));
	assert_string_equal(m.encoding, "cl100k_base");
	assert_int_equal(m.per_message, 3);
	/* tiktoken's cookbook: gpt-3.5-turbo-0301 wraps each message in 4, a name replaces
	   the role (issue 30) */
	assert_true(llmops_model_tokens("gpt-3.5-turbo-0301", NULL, &m));
	assert_int_equal(m.per_message, 4);
	assert_int_equal(m.per_name, -1);
	/* the patch models count images their own way */
	assert_true(llmops_model_tokens("gpt-4.1-mini-2025-04-14", NULL, &m));
	assert_true(m.img_patch_mult == 1.62);
	assert_true(llmops_model_tokens("o4-mini", NULL, &m));
	assert_true(m.img_patch_mult == 1.72);
	assert_true(llmops_model_tokens("gpt-4.1", NULL, &m));
	assert_true(m.img_patch_mult == 0 && m.img_base == 85);
	assert_true(llmops_model_tokens("o3-mini", NULL, &m));
	assert_string_equal(m.encoding, "o200k_base");
	assert_true(llmops_model_tokens("gpt-5", NULL, &m));
	assert_true(llmops_model_tokens("text-embedding-3-small", NULL, &m));
	assert_string_equal(m.encoding, "cl100k_base");
	assert_true(llmops_model_tokens("claude-sonnet-4-5", NULL, &m));
	assert_false(m.exact);
	assert_string_equal(m.vendor, "anthropic");
	assert_non_null(strstr(m.basis, "estimate"));
	assert_true(llmops_model_tokens("meta-llama/Llama-3.1-8B-Instruct", NULL, &m));
	assert_string_equal(m.encoding, "cl100k_base");
	assert_false(m.exact);
	assert_false(llmops_model_tokens("o100-nonsense", NULL, &m));
	assert_false(llmops_model_tokens("mystery-model", NULL, &m));
	assert_true(llmops_model_tokens("mystery-model", "anthropic", &m));
	assert_false(m.exact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_cases),
		cmocka_unit_test(test_pathological_runs),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_streaming_errors_and_slices),
		cmocka_unit_test(test_pretokenizers_match_pcre2),
		cmocka_unit_test(test_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
