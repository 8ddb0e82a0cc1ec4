/*
 * fuzz_provider.c - what a provider sends back: OpenAI and Anthropic
 * bodies, plain and as server-sent events, embeddings, error bodies, and
 * the redaction applied to what is kept of them.
 */
#include "fuzz.h"
#include "provider.h"
#include "redact.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct llmops_provider *prov[2];
	struct llmops_err err = {0};
	struct llmops_answer a;
	struct llmops_buf t = LLMOPS_BUF_INIT;
	double *vecs = NULL;
	size_t dims = 0, scanned = 0;
	char *copy;

	if (!prov[0]) {
		struct llmops_provider_overrides ov = {"http://127.0.0.1:9/v1", NAN, -1, -1, NULL, 0, NULL};
		if (llmops_provider_resolve(&prov[0], "openai:m", NULL, &ov, &err) ||
		    llmops_provider_resolve(&prov[1], "anthropic:m", NULL, &ov, &err))
			abort();
	}
	if (size < 1)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	int which = data[0] & 1, streamed = (data[0] >> 1) & 1;
	memset(&a, 0, sizeof(a));
	llmops_provider_parse_chat(prov[which], body, len, streamed, &a, &err);
	llmops_answer_release(&a);
	llmops_stream_has_content(prov[which]->type, body, len, &scanned);
	if (!llmops_provider_parse_embed(body, len, 1 + (data[0] >> 2 & 3), &vecs, &dims, &err))
		free(vecs);
	llmops_provider_error_text(body, len, &t);
	llmops_buf_release(&t);
	if ((copy = fuzz_cstr(data + 1, len))) {
		size_t before = strlen(copy);
		static char *const env[] = {"FUZZ_API_KEY=sk-fuzz-0123456789", NULL};
		llmops_redact(copy);
		llmops_redact_keys(copy, env);
		if (strlen(copy) > before) /* redaction never lengthens */
			abort();
		free(copy);
	}
	return 0;
}
