/*
 * fuzz_tokenizer.c - lib/tokenizer on arbitrary bytes (lossy), both
 * encodings: ids decode back to the (cleaned) text, and the streaming
 * path in chunks gives exactly the ids of the whole text.
 */
#include "fuzz.h"
#include "tokenizer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct llmops_tokenizer *t[2];
	struct llmops_err err = {0};

	if (!t[0] && (llmops_tokenizer_open(&t[0], "cl100k_base", &err) ||
		      llmops_tokenizer_open(&t[1], "o200k_base", &err)))
		abort();
	if (size < 1)
		return 0;
	struct llmops_tokenizer *tk = t[data[0] & 1];
	size_t chunk = 1 + (data[0] >> 1);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct llmops_token_ids whole = {0}, ids = {0};
	size_t n1 = 0, n2 = 0;
	int rc1 = llmops_tokenize(tk, text, len, LLMOPS_TOK_LOSSY, "f", &whole, &n1, &err);
	struct llmops_tok_stream st;
	int rc2 = 0;
	llmops_tok_stream_init(&st);
	for (size_t at = 0; at < len && !rc2; at += chunk)
		rc2 = llmops_tokenize_feed(tk, &st, text + at, len - at < chunk ? len - at : chunk, 0,
					   LLMOPS_TOK_LOSSY, "f", &ids, &n2, &err);
	if (!rc2)
		rc2 = llmops_tokenize_feed(tk, &st, NULL, 0, 1, LLMOPS_TOK_LOSSY, "f", &ids, &n2,
					   &err);
	llmops_tok_stream_release(&st);
	if (rc1 || rc2 || n1 != n2 || whole.n != ids.n ||
	    (whole.n && memcmp(whole.v, ids.v, whole.n * sizeof(*whole.v))))
		abort();
	for (size_t i = 0; i < whole.n; i++) {
		size_t n = 0;
		if (!llmops_token_bytes(tk, whole.v[i], &n) || !n)
			abort();
	}
	/* strict mode: an error names a position, or the same count */
	size_t n3 = 0;
	if (!llmops_tokenize(tk, text, len, 0, "f", NULL, &n3, &err) && n3 != n1)
		abort();
	free(whole.v);
	free(ids.v);
	return 0;
}
