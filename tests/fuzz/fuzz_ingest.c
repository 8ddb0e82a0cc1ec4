/*
 * fuzz_ingest.c - lib/ingest_formats: any JSON value read as production
 * records (OpenAI-style, OTLP, LiteLLM, told by their keys); every record
 * it gives has a key ("id:" or "sha256:"), a case id, and a time that is
 * either absent or ISO 8601 with milliseconds.
 */
#include "fuzz.h"
#include "ingest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int check(struct llmops_prod_record *r, void *ud)
{
	(void)ud;
	if (!r->key || !r->id || (strncmp(r->key, "id:", 3) && strncmp(r->key, "sha256:", 7)))
		abort();
	if (r->at && (strlen(r->at) != 24 || r->at[10] != 'T' || r->at[23] != 'Z'))
		abort();
	if (r->messages && !cJSON_IsArray(r->messages))
		abort();
	if (r->metadata && !cJSON_IsObject(r->metadata))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_err err = {0};
	long ignored = 0;
	cJSON *v = cJSON_ParseWithLength((const char *)data, size);
	if (v)
		llmops_ingest_value(v, (const char *)data, size, LLMOPS_INGEST_AUTO, check, NULL,
				    &ignored, &err);
	cJSON_Delete(v);
	return 0;
}
