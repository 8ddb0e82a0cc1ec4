/*
 * ingest_record.c - what every reader of production records (ingest_formats.c,
 * ingest_otlp.c) builds a record with: field access where null is absent,
 * numbers and times as the formats write them, owned copies of messages and
 * metadata, and the record's key.
 */
#include "internal.h"

#include "mem.h"

#include "hash.h"
#include "since.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void llmops_prod_record_release(struct llmops_prod_record *r)
{
	LLMOPS_FREE_ALL(r->key, r->id, r->at, r->bad_time, r->provider, r->model);
	cJSON_Delete(r->own_messages);
	free(r->output);
	free(r->expected);
	free(r->error);
	cJSON_Delete(r->own_metadata);
	memset(r, 0, sizeof(*r));
}

void ingest_rec_init(struct llmops_prod_record *r)
{
	memset(r, 0, sizeof(*r));
	r->latency_ms = r->ttft_ms = r->cost_usd = NAN;
	r->tokens_in = r->tokens_out = -1;
}

const cJSON *ingest_get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
	return cJSON_IsNull(v) ? NULL : v; /* null: the field is absent, in every format */
}

const char *ingest_str(const cJSON *o, const char *k)
{
	const cJSON *v = ingest_get(o, k);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

char *ingest_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A number, or a number written as a string (OTLP's int64, SpendLogs' text columns). */
double ingest_num(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0]) {
		char *end;
		double d = strtod(v->valuestring, &end);
		if (!*end)
			return d;
	}
	return NAN;
}

int64_t ingest_count(const cJSON *v)
{
	double d = ingest_num(v);
	return isnan(d) || d < 0 || d > 1e15 ? -1 : (int64_t)d;
}

/*
 * Milliseconds since the epoch from a time: a number of seconds, ms, us or
 * ns (told apart by size), or ISO 8601 text ("2026-11-22T14:03:05.123Z",
 * "2026-11-22 14:03:05.123456+00:00", a date).  NAN when it is neither.
 */
double ingest_time_ms(const cJSON *v)
{
	double d = ingest_num(v);
	if (!isnan(d)) {
		if (d <= 0)
			return NAN;
		return d > 1e17 ? d / 1e6 : d > 1e14 ? d / 1e3 : d > 1e11 ? d : d * 1e3;
	}
	if (!cJSON_IsString(v))
		return NAN;
	return llmops_iso_ms(v->valuestring);
}

char *ingest_iso(double ms)
{
	char t[32];
	if (isnan(ms) || ms < 0 || ms >= 253402300800000.0) /* 1970 to 9999 */
		return NULL;
	llmops_time_iso(t, (uint64_t)ms);
	return strdup(t);
}

/* Text of a content value: a string, or the text parts of a list joined by newlines. */
void ingest_content_text(const cJSON *c, struct llmops_buf *b)
{
	const cJSON *p;
	if (cJSON_IsString(c)) {
		llmops_buf_add(b, c->valuestring, strlen(c->valuestring));
		return;
	}
	cJSON_ArrayForEach (p, c) {
		const char *t = ingest_str(p, "text");
		if (!t && cJSON_IsString(p))
			t = p->valuestring;
		if (!t)
			continue;
		if (b->len)
			llmops_buf_addch(b, '\n');
		llmops_buf_add(b, t, strlen(t));
	}
}

char *ingest_buf_take(struct llmops_buf *b)
{
	char *s;
	if (!b->len) {
		llmops_buf_release(b);
		return NULL;
	}
	s = llmops_buf_detach(b, NULL);
	return s;
}

/* A JSON value printed compactly, for tool calls that stand for the answer. */
char *ingest_printed(const cJSON *v)
{
	return v ? cJSON_PrintUnformatted(v) : NULL;
}

/* The record's own metadata object, made from what it points at when it does not own one. */
cJSON *ingest_own_metadata(struct llmops_prod_record *r)
{
	if (!r->own_metadata) {
		r->own_metadata =
			r->metadata ? cJSON_Duplicate(r->metadata, 1) : cJSON_CreateObject();
		r->metadata = r->own_metadata;
	}
	return r->own_metadata;
}

/* The metadata: m's members over what it had (the first object is pointed at, not copied). */
void ingest_metadata_merge(struct llmops_prod_record *r, const cJSON *m)
{
	const cJSON *x;
	if (!cJSON_IsObject(m) || !cJSON_GetArraySize(m))
		return;
	if (!r->metadata) {
		r->metadata = m;
		return;
	}
	cJSON *md = ingest_own_metadata(r);
	cJSON_ArrayForEach (x, m) {
		if (!x->string)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(md, x->string);
		cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
	}
}

cJSON *ingest_own_messages(struct llmops_prod_record *r)
{
	if (!r->own_messages) {
		r->own_messages =
			r->messages ? cJSON_Duplicate(r->messages, 1) : cJSON_CreateArray();
		r->messages = r->own_messages;
	}
	return r->own_messages;
}

/* The key and case id: the record's own id, else the hash of its bytes. */
int ingest_identify(struct llmops_prod_record *r, const char *id, const char *raw, size_t len)
{
	char hex[LLMOPS_SHA256_HEX_LEN + 1];
	if (id) {
		size_t n = strlen(id);
		if (!(r->key = malloc(n + 4)))
			return LLMOPS_E_NOMEM;
		memcpy(r->key, "id:", 3);
		memcpy(r->key + 3, id, n + 1);
		r->id = strdup(id);
	} else {
		if (llmops_sha256_hex(hex, raw, len))
			return LLMOPS_E_NOMEM;
		if (!(r->key = malloc(8 + sizeof(hex))))
			return LLMOPS_E_NOMEM;
		memcpy(r->key, "sha256:", 7);
		memcpy(r->key + 7, hex, sizeof(hex));
		r->id = strndup(hex, 16);
	}
	return r->id ? 0 : LLMOPS_E_NOMEM;
}
