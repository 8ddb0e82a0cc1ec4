/*
 * ingest_formats.c - one production record from each input shape that
 * ingest.h lists.  Field names come from the formats' documentation:
 * OpenAI's chat completions and Batch output objects
 * (platform.openai.com/docs/api-reference), Anthropic's Messages response
 * (docs.anthropic.com/en/api/messages), OTLP/JSON
 * (opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) with the GenAI
 * semantic conventions (opentelemetry.io/docs/specs/semconv/gen-ai/), and
 * LiteLLM's StandardLoggingPayload (docs.litellm.ai/docs/proxy/logging_spec)
 * and LiteLLM_SpendLogs table.
 */
#include "ingest.h"

#include "buf.h"
#include "hash.h"
#include "since.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void llmops_prod_record_release(struct llmops_prod_record *r)
{
	free(r->key);
	free(r->id);
	free(r->at);
	free(r->bad_time);
	free(r->provider);
	free(r->model);
	cJSON_Delete(r->own_messages);
	free(r->output);
	free(r->expected);
	free(r->error);
	cJSON_Delete(r->own_metadata);
	memset(r, 0, sizeof(*r));
}

int llmops_ingest_format_parse(const char *s)
{
	static const char *const names[] = {"auto", "openai", "otlp", "litellm"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static void rec_init(struct llmops_prod_record *r)
{
	memset(r, 0, sizeof(*r));
	r->latency_ms = r->ttft_ms = r->cost_usd = NAN;
	r->tokens_in = r->tokens_out = -1;
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A number, or a number written as a string (OTLP's int64, SpendLogs' text columns). */
static double num(const cJSON *v)
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

static int64_t count(const cJSON *v)
{
	double d = num(v);
	return isnan(d) || d < 0 || d > 1e15 ? -1 : (int64_t)d;
}

/*
 * Milliseconds since the epoch from a time: a number of seconds, ms, us or
 * ns (told apart by size), or ISO 8601 text ("2026-11-22T14:03:05.123Z",
 * "2026-11-22 14:03:05.123456+00:00", a date).  NAN when it is neither.
 */
static double time_ms(const cJSON *v)
{
	double d = num(v);
	if (!isnan(d)) {
		if (d <= 0)
			return NAN;
		return d > 1e17 ? d / 1e6 : d > 1e14 ? d / 1e3 : d > 1e11 ? d : d * 1e3;
	}
	if (!cJSON_IsString(v))
		return NAN;
	const char *s = v->valuestring;
	struct tm tm = {0};
	int n = 0;
	double frac = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
		return NAN;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 3)
			return NAN;
		s += 1 + n;
		if (*s == '.') {
			char *end;
			frac = strtod(s, &end);
			s = end;
		}
	}
	long off = 0;
	if (*s == '+' || *s == '-') {
		int hh = 0, mm = 0;
		if (sscanf(s + 1, "%2d:%2d", &hh, &mm) < 1)
			return NAN;
		off = (hh * 60L + mm) * 60 * (*s == '+' ? 1 : -1);
	} else if (*s && strcmp(s, "Z")) {
		return NAN;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return NAN;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return ((double)timegm(&tm) - (double)off + frac) * 1000.0;
}

/* A time the record gives (v may be NULL or null: none): its ms, or NAN; a time that is
   there and is none (or before 1970, after 9999) is kept in r->bad_time, which refuses the
   record, rather than be taken as "unknown" and replaced by the time of reading. */
static double when(struct llmops_prod_record *r, const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0]))
		return NAN;
	double t = time_ms(v);
	if (!(t >= 0 && t < 253402300800000.0) && !r->bad_time)
		r->bad_time =
			cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
	return t;
}

static char *iso(double ms)
{
	char t[32];
	if (isnan(ms) || ms < 0 || ms >= 253402300800000.0) /* 1970 to 9999 */
		return NULL;
	llmops_time_iso(t, (uint64_t)ms);
	return strdup(t);
}

/* Text of a content value: a string, or the text parts of a list joined by newlines. */
static void content_text(const cJSON *c, struct llmops_buf *b)
{
	const cJSON *p;
	if (cJSON_IsString(c)) {
		llmops_buf_add(b, c->valuestring, strlen(c->valuestring));
		return;
	}
	cJSON_ArrayForEach (p, c) {
		const char *t = str(p, "text");
		if (!t && cJSON_IsString(p))
			t = p->valuestring;
		if (!t)
			continue;
		if (b->len)
			llmops_buf_addch(b, '\n');
		llmops_buf_add(b, t, strlen(t));
	}
}

static char *buf_take(struct llmops_buf *b)
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
static char *printed(const cJSON *v)
{
	return v ? cJSON_PrintUnformatted(v) : NULL;
}

/* The answer of a chat completions body or an Anthropic Messages body. */
static void answer_of(const cJSON *body, struct llmops_prod_record *r)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	const cJSON *choices = get(body, "choices"), *usage = get(body, "usage");
	const cJSON *content = get(body, "content");
	if (cJSON_IsArray(choices)) {
		const cJSON *msg = get(cJSON_GetArrayItem(choices, 0), "message");
		const cJSON *tc = get(msg, "tool_calls");
		content_text(get(msg, "content"), &b);
		r->output = buf_take(&b);
		if (!r->output && cJSON_IsArray(tc) && cJSON_GetArraySize(tc))
			r->output = printed(tc);
		if (!r->output && !get(msg, "content")) /* a completion: choices[0].text */
			r->output = dup(str(cJSON_GetArrayItem(choices, 0), "text"));
	} else if (cJSON_IsArray(content)) { /* Anthropic */
		const cJSON *blk;
		cJSON *uses = NULL;
		cJSON_ArrayForEach (blk, content) {
			const char *t = str(blk, "type");
			if (t && !strcmp(t, "tool_use")) {
				if (!uses)
					uses = cJSON_CreateArray();
				cJSON_AddItemToArray(uses, cJSON_Duplicate(blk, 1));
			} else if (t && !strcmp(t, "text") && str(blk, "text")) {
				if (b.len)
					llmops_buf_addch(&b, '\n');
				llmops_buf_add(&b, str(blk, "text"), strlen(str(blk, "text")));
			}
		}
		r->output = buf_take(&b);
		if (!r->output && uses)
			r->output = printed(uses);
		cJSON_Delete(uses);
		if (!r->provider && str(body, "type") && !strcmp(str(body, "type"), "message"))
			r->provider = strdup("anthropic");
	} else if (cJSON_IsString(body)) {
		r->output = strdup(body->valuestring);
	}
	llmops_buf_release(&b);
	if (usage) {
		int64_t in = count(get(usage, "prompt_tokens")),
			out = count(get(usage, "completion_tokens"));
		if (in < 0) /* Anthropic: input excludes the cache's reads and writes */
			in = count(get(usage, "input_tokens"));
		if (out < 0)
			out = count(get(usage, "output_tokens"));
		if (r->tokens_in < 0)
			r->tokens_in = in;
		if (r->tokens_out < 0)
			r->tokens_out = out;
		int64_t cached = count(get(get(usage, "prompt_tokens_details"), "cached_tokens"));
		if (cached > 0)
			r->cached_in = cached;
	}
	if (!r->model && str(body, "model"))
		r->model = strdup(str(body, "model"));
}

static void error_of(const cJSON *e, struct llmops_prod_record *r)
{
	if (r->error || !e || cJSON_IsNull(e) || cJSON_IsFalse(e))
		return;
	if (cJSON_IsString(e))
		r->error = strdup(e->valuestring[0] ? e->valuestring : "failed");
	else if (str(e, "message"))
		r->error = strdup(str(e, "message"));
	else
		r->error = printed(e);
}

/* The record's own metadata object, made from what it points at when it does not own one. */
static cJSON *own_metadata(struct llmops_prod_record *r)
{
	if (!r->own_metadata) {
		r->own_metadata =
			r->metadata ? cJSON_Duplicate(r->metadata, 1) : cJSON_CreateObject();
		r->metadata = r->own_metadata;
	}
	return r->own_metadata;
}

/* The metadata: m's members over what it had (the first object is pointed at, not copied). */
static void metadata_merge(struct llmops_prod_record *r, const cJSON *m)
{
	const cJSON *x;
	if (!cJSON_IsObject(m) || !cJSON_GetArraySize(m))
		return;
	if (!r->metadata) {
		r->metadata = m;
		return;
	}
	cJSON *md = own_metadata(r);
	cJSON_ArrayForEach (x, m) {
		if (!x->string)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(md, x->string);
		cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
	}
}

static cJSON *own_messages(struct llmops_prod_record *r)
{
	if (!r->own_messages) {
		r->own_messages =
			r->messages ? cJSON_Duplicate(r->messages, 1) : cJSON_CreateArray();
		r->messages = r->own_messages;
	}
	return r->own_messages;
}

static int need_object(const cJSON *v, const char *what, struct llmops_err *err)
{
	if (v && !cJSON_IsObject(v))
		return llmops_err_set(err, LLMOPS_E_INPUT, "\"%s\" is %s, not an object", what,
				      cJSON_IsArray(v)	  ? "an array"
				      : cJSON_IsString(v) ? "a string"
							  : "not an object");
	return 0;
}

/* The key and case id: the record's own id, else the hash of its bytes. */
static int identify(struct llmops_prod_record *r, const char *id, const char *raw, size_t len)
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

/* ------------------------------------------------------------ openai */

static int from_openai(const cJSON *v, const char *raw, size_t len, struct llmops_prod_record *r,
		       struct llmops_err *err)
{
	const cJSON *req = get(v, "request"), *resp = get(v, "response"), *body = resp;
	const char *id = str(v, "id");
	int rc;
	if ((rc = need_object(req, "request", err)) ||
	    (resp && !cJSON_IsString(resp) && (rc = need_object(resp, "response", err))))
		return rc;
	if (get(req, "body") && cJSON_IsObject(get(req, "body")))
		req = get(req, "body");
	if (get(resp, "body")) { /* OpenAI Batch output: {"status_code", "request_id", "body"} */
		body = get(resp, "body");
		double sc = num(get(resp, "status_code"));
		if (!isnan(sc) && sc >= 400)
			error_of(get(body, "error") ? get(body, "error") : get(resp, "status_code"),
				 r);
	}
	if (!id)
		id = str(v, "custom_id");
	if (!id)
		id = str(body, "id");
	if (!req && !body)
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "no \"request\" or \"response\" in the record");
	r->provider = dup(str(v, "provider"));
	const cJSON *msgs = get(req, "messages");
	if (msgs && !cJSON_IsArray(msgs))
		return llmops_err_set(err, LLMOPS_E_INPUT, "\"request.messages\" is not an array");
	if (msgs)
		r->messages = msgs;
	else if (str(req, "prompt")) { /* a completions request */
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", str(req, "prompt"));
		cJSON_AddItemToArray(own_messages(r), m);
	}
	if (cJSON_IsArray(msgs) && str(req, "system")) { /* an Anthropic request */
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "system");
		cJSON_AddStringToObject(m, "content", str(req, "system"));
		cJSON_InsertItemInArray(own_messages(r), 0, m);
	}
	error_of(get(v, "error"), r);
	error_of(get(body, "error"), r);
	if (body && !r->error)
		answer_of(body, r);
	if (!r->model)
		r->model = dup(str(req, "model"));
	if (str(resp, "model") && r->model && strcmp(r->model, str(resp, "model"))) {
		free(r->model); /* the model that answered (a dated snapshot) */
		r->model = strdup(str(resp, "model"));
	}
	if (!r->provider)
		r->provider = strdup("openai");
	r->latency_ms = num(get(v, "latency_ms"));
	if (isnan(r->latency_ms))
		r->latency_ms = num(get(v, "duration_ms"));
	r->ttft_ms = num(get(v, "ttft_ms"));
	r->cost_usd = num(get(v, "cost_usd"));
	if (isnan(r->cost_usd))
		r->cost_usd = num(get(v, "cost"));
	if (cJSON_IsTrue(get(v, "cache_hit")))
		r->cache_hit = 1;
	double t = when(r, get(v, "timestamp"));
	if (isnan(t))
		t = when(r, get(v, "created_at"));
	if (isnan(t))
		t = when(r, get(body, "created"));
	r->at = iso(t);
	const char *ref = str(v, "reference");
	r->expected = dup(ref ? ref : str(v, "expected"));
	metadata_merge(r, get(req, "metadata")); /* OpenAI's stored-completion metadata */
	metadata_merge(r, get(v, "metadata"));
	return identify(r, id, raw, len);
}

/* ----------------------------------------------------------- litellm */

static int from_litellm(const cJSON *v, const char *raw, size_t len, struct llmops_prod_record *r,
			struct llmops_err *err)
{
	const char *id = str(v, "id"), *status = str(v, "status");
	const cJSON *msgs = get(v, "messages"), *resp = get(v, "response"),
		    *md = get(v, "metadata");
	cJSON *parsed_msgs = NULL, *parsed_resp = NULL, *parsed_md = NULL;
	int rc;
	if (!id)
		id = str(v, "request_id");
	/* SpendLogs rows exported from the database hold JSON columns as text */
	if (cJSON_IsString(msgs) && (parsed_msgs = cJSON_Parse(msgs->valuestring)))
		msgs = parsed_msgs;
	if (cJSON_IsString(resp) && (parsed_resp = cJSON_Parse(resp->valuestring)))
		resp = parsed_resp;
	if (cJSON_IsString(md) && (parsed_md = cJSON_Parse(md->valuestring)))
		md = parsed_md;
	rc = need_object(md, "metadata", err);
	if (!rc && msgs && !cJSON_IsArray(msgs) && !cJSON_IsString(msgs))
		rc = llmops_err_set(err, LLMOPS_E_INPUT, "\"messages\" is not an array");
	if (rc)
		goto out;
	if (cJSON_IsArray(msgs)) {
		r->messages = msgs;
		own_messages(r); /* msgs may be parsed here and freed below */
	} else if (cJSON_IsString(msgs) && msgs->valuestring[0]) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", msgs->valuestring);
		cJSON_AddItemToArray(own_messages(r), m);
	}
	if (status && strcmp(status, "success")) {
		const char *e = str(v, "error_str");
		if (!e)
			e = str(get(v, "error_information"), "error_message");
		r->error = strdup(e ? e : status);
	}
	if (!r->error && resp)
		answer_of(resp, r);
	if (!r->model) /* the response's model (the one that answered) before the request's */
		r->model = dup(str(v, "model"));
	const char *prov = str(v, "custom_llm_provider");
	if (!prov)
		prov = str(get(v, "hidden_params"), "custom_llm_provider");
	if (prov || !r->provider) {
		free(r->provider);
		r->provider = dup(prov ? prov : "litellm");
	}
	int64_t in = count(get(v, "prompt_tokens")), out = count(get(v, "completion_tokens"));
	if (in >= 0)
		r->tokens_in = in;
	if (out >= 0)
		r->tokens_out = out;
	r->cost_usd = num(get(v, "response_cost"));
	if (isnan(r->cost_usd))
		r->cost_usd = num(get(v, "spend"));
	double t0 = when(r, get(v, "startTime")), t1 = when(r, get(v, "endTime"));
	double tf = when(r, get(v, "completionStartTime"));
	if (!isnan(t0) && !isnan(t1) && t1 >= t0)
		r->latency_ms = t1 - t0;
	if (!isnan(t0) && !isnan(tf) && tf > t0 && tf < t1)
		r->ttft_ms = tf - t0;
	r->at = iso(isnan(t1) ? t0 : t1);
	const cJSON *ch = get(v, "cache_hit");
	r->cache_hit =
		cJSON_IsTrue(ch) || (cJSON_IsString(ch) && !strcasecmp(ch->valuestring, "true"));
	/* the caller's own metadata is under requester_metadata (the proxy adds its keys) */
	const cJSON *mine = get(md, "requester_metadata");
	int has_mine = cJSON_IsObject(mine) && cJSON_GetArraySize(mine);
	metadata_merge(r, has_mine ? mine : md);
	cJSON *own = own_metadata(r); /* md may be parsed here and freed below */
	if (has_mine)
		cJSON_DeleteItemFromObjectCaseSensitive(own, "requester_metadata");
	const cJSON *tags = get(v, "request_tags");
	if (cJSON_IsString(tags)) {
		cJSON *pt = cJSON_Parse(tags->valuestring);
		if (cJSON_IsArray(pt) && cJSON_GetArraySize(pt))
			cJSON_AddItemToObject(own, "tags", pt);
		else
			cJSON_Delete(pt);
	} else if (cJSON_IsArray(tags) && cJSON_GetArraySize(tags)) {
		cJSON_AddItemToObject(own, "tags", cJSON_Duplicate(tags, 1));
	}
	rc = identify(r, id, raw, len);
out:
	cJSON_Delete(parsed_msgs);
	cJSON_Delete(parsed_resp);
	cJSON_Delete(parsed_md);
	return rc;
}

/* -------------------------------------------------------------- otlp */

/* An attribute's value as cJSON (a new item): string, int (text in OTLP/JSON), double, bool. */
static cJSON *attr_value(const cJSON *val)
{
	const cJSON *x;
	if ((x = get(val, "stringValue")) && cJSON_IsString(x))
		return cJSON_CreateString(x->valuestring);
	if ((x = get(val, "intValue")) && !isnan(num(x)))
		return cJSON_CreateNumber(num(x));
	if ((x = get(val, "doubleValue")) && !isnan(num(x)))
		return cJSON_CreateNumber(num(x));
	if ((x = get(val, "boolValue")) && cJSON_IsBool(x))
		return cJSON_CreateBool(cJSON_IsTrue(x));
	return NULL;
}

/* Attributes [{"key", "value"}] as one object key -> value (the caller's). */
static cJSON *attrs_object(const cJSON *attrs)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *a, *list = cJSON_IsArray(attrs) ? attrs : NULL;
	cJSON_ArrayForEach (a, list) {
		const char *k = str(a, "key");
		cJSON *v = k ? attr_value(get(a, "value")) : NULL;
		if (v) {
			cJSON_DeleteItemFromObjectCaseSensitive(o, k);
			cJSON_AddItemToObject(o, k, v);
		}
	}
	return o;
}

/* Messages from gen_ai.prompt.N.role/content (the convention before gen_ai.input.messages). */
static cJSON *indexed_messages(const cJSON *a, const char *prefix)
{
	cJSON *msgs = NULL;
	char k[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "%s.%d.content", prefix, i);
		const char *c = str(a, k);
		if (!c)
			break;
		snprintf(k, sizeof(k), "%s.%d.role", prefix, i);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", str(a, k) ? str(a, k) : "user");
		cJSON_AddStringToObject(m, "content", c);
		if (!msgs)
			msgs = cJSON_CreateArray();
		cJSON_AddItemToArray(msgs, m);
	}
	return msgs;
}

/* gen_ai.input.messages' shape ([{"role", "parts": [{"type": "text", "content"}]}]) in
   OpenAI's ({"role", "content"}). */
static cJSON *semconv_messages(const char *json)
{
	cJSON *in = cJSON_Parse(json), *out, *m;
	if (!cJSON_IsArray(in)) {
		cJSON_Delete(in);
		return NULL;
	}
	out = cJSON_CreateArray();
	cJSON_ArrayForEach (m, in) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		const cJSON *p;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "role", str(m, "role") ? str(m, "role") : "user");
		if (get(m, "content")) {
			content_text(get(m, "content"), &b);
		} else {
			cJSON_ArrayForEach (p, get(m, "parts")) {
				const char *t = str(p, "content");
				if (t) {
					if (b.len)
						llmops_buf_addch(&b, '\n');
					llmops_buf_add(&b, t, strlen(t));
				}
			}
		}
		cJSON_AddStringToObject(o, "content", b.data);
		llmops_buf_release(&b);
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(in);
	return out;
}

/* OTLP/JSON's fixed64 nanoseconds: a decimal string (or a number); 0 when absent or bad. */
static long long unix_nanos(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		char *end;
		long long n = strtoll(v->valuestring, &end, 10);
		return *end || n < 0 ? 0 : n;
	}
	return cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 9e18
		       ? (long long)v->valuedouble
		       : 0;
}

static int from_span(const cJSON *span, const cJSON *res_attrs, const char *raw, size_t len,
		     struct llmops_prod_record *r, int *is_genai, struct llmops_err *err)
{
	cJSON *a = attrs_object(get(span, "attributes")), *x, *msgs = NULL;
	const char *tid = str(span, "traceId"), *sid = str(span, "spanId"), *s;
	char id[80];
	int rc = 0, genai = 0;
	cJSON_ArrayForEach (x, a) {
		if (!strncmp(x->string, "gen_ai.", 7))
			genai = 1;
	}
	*is_genai = genai;
	if (!genai)
		goto out;
	if ((s = str(a, "gen_ai.response.model")) || (s = str(a, "gen_ai.request.model")))
		r->model = strdup(s);
	if ((s = str(a, "gen_ai.provider.name")) || (s = str(a, "gen_ai.system")))
		r->provider = strdup(s);
	r->tokens_in = count(get(a, "gen_ai.usage.input_tokens"));
	if (r->tokens_in < 0)
		r->tokens_in = count(get(a, "gen_ai.usage.prompt_tokens"));
	r->tokens_out = count(get(a, "gen_ai.usage.output_tokens"));
	if (r->tokens_out < 0)
		r->tokens_out = count(get(a, "gen_ai.usage.completion_tokens"));
	if ((s = str(a, "gen_ai.input.messages")))
		msgs = semconv_messages(s);
	if (!msgs)
		msgs = indexed_messages(a, "gen_ai.prompt");
	if (!msgs && (s = str(a, "gen_ai.prompt")))
		msgs = semconv_messages(s);
	r->messages = r->own_messages = msgs;
	if ((s = str(a, "gen_ai.output.messages"))) {
		cJSON *om = semconv_messages(s);
		if (om && cJSON_GetArraySize(om))
			r->output = dup(str(cJSON_GetArrayItem(om, 0), "content"));
		cJSON_Delete(om);
	}
	if (!r->output)
		r->output = dup(str(a, "gen_ai.completion.0.content"));
	if (!r->output)
		r->output = dup(str(a, "gen_ai.completion"));
	/* nanoseconds as integers: a double holds them to 256 ns only */
	long long t0 = unix_nanos(get(span, "startTimeUnixNano"));
	long long t1 = unix_nanos(get(span, "endTimeUnixNano"));
	if (t0 > 0 && t1 >= t0)
		r->latency_ms = (double)(t1 - t0) / 1e6;
	r->at = iso(t1 > 0 ? (double)(t1 / 1000) / 1e3 : NAN);
	r->cost_usd = num(get(a, "llmops.cost_usd"));
	r->ttft_ms = num(get(a, "llmops.ttft_ms"));
	r->cache_hit = cJSON_IsTrue(get(a, "llmops.cache_hit"));
	const cJSON *st = get(span, "status");
	if (num(get(st, "code")) == 2 ||
	    (str(st, "code") && !strcmp(str(st, "code"), "STATUS_CODE_ERROR"))) {
		s = str(st, "message");
		r->error = strdup(s ? s : str(a, "error.type") ? str(a, "error.type") : "error");
	}
	/* metadata: the resource's attributes, then the span's that are not gen_ai's own */
	cJSON *md = own_metadata(r);
	cJSON_ArrayForEach (x, res_attrs) {
		cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
	}
	cJSON_ArrayForEach (x, a) {
		if (strncmp(x->string, "gen_ai.", 7)) {
			cJSON_DeleteItemFromObjectCaseSensitive(md, x->string);
			cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
		}
	}
	if (tid && sid) {
		snprintf(id, sizeof(id), "%.32s-%.16s", tid, sid);
		rc = identify(r, id, raw, len);
	} else {
		char *span_text = cJSON_PrintUnformatted(span);
		rc = span_text ? identify(r, NULL, span_text, strlen(span_text)) : LLMOPS_E_NOMEM;
		free(span_text);
	}
out:
	cJSON_Delete(a);
	(void)err;
	return rc;
}

static int from_otlp(const cJSON *v, const char *raw, size_t len, llmops_prod_fn fn, void *ud,
		     long *ignored, struct llmops_err *err)
{
	const cJSON *rs, *ss, *sp;
	long nrs = 0;
	int rc = 0;
	cJSON_ArrayForEach (rs, get(v, "resourceSpans")) {
		cJSON *res = attrs_object(get(get(rs, "resource"), "attributes"));
		long nss = 0;
		cJSON_ArrayForEach (ss, get(rs, "scopeSpans")) {
			long nsp = 0;
			cJSON_ArrayForEach (sp, get(ss, "spans")) {
				struct llmops_prod_record r;
				int genai = 0;
				rec_init(&r);
				if (!cJSON_IsObject(sp)) {
					rc = llmops_err_set(
						err, LLMOPS_E_INPUT,
						"resourceSpans[%ld].scopeSpans[%ld].spans["
						"%ld] is not an object",
						nrs, nss, nsp);
				} else if (!(rc = from_span(sp, res, raw, len, &r, &genai, err))) {
					if (genai)
						rc = fn(&r, ud);
					else if (ignored)
						(*ignored)++;
				}
				llmops_prod_record_release(&r);
				nsp++;
				if (rc)
					break;
			}
			nss++;
			if (rc)
				break;
		}
		cJSON_Delete(res);
		nrs++;
		if (rc)
			break;
	}
	return rc;
}

int llmops_ingest_value(const cJSON *v, const char *raw, size_t len, int format, llmops_prod_fn fn,
			void *ud, long *ignored, struct llmops_err *err)
{
	struct llmops_prod_record r;
	int rc;
	if (!cJSON_IsObject(v))
		return llmops_err_set(err, LLMOPS_E_INPUT, "a record is a JSON object, not %s",
				      cJSON_IsArray(v) ? "an array" : "a scalar");
	if (format == LLMOPS_INGEST_AUTO) {
		if (get(v, "resourceSpans"))
			format = LLMOPS_INGEST_OTLP;
		else if (get(v, "call_type") || get(v, "startTime") || get(v, "request_id") ||
			 get(v, "standard_logging_object"))
			format = LLMOPS_INGEST_LITELLM;
		else if (get(v, "request") || get(v, "response"))
			format = LLMOPS_INGEST_OPENAI;
		else
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"not a record llmops reads: no \"request\"/\"response\""
				" (OpenAI-style), \"resourceSpans\" (OTLP) or "
				"\"call_type\"/\"startTime\" (LiteLLM)");
	}
	if (format == LLMOPS_INGEST_OTLP) {
		if (!cJSON_IsArray(get(v, "resourceSpans")))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "\"resourceSpans\" is missing or not an array");
		return from_otlp(v, raw, len, fn, ud, ignored, err);
	}
	rec_init(&r);
	if (format == LLMOPS_INGEST_LITELLM) {
		const cJSON *slo = get(v, "standard_logging_object"); /* a callback's kwargs */
		rc = from_litellm(cJSON_IsObject(slo) ? slo : v, raw, len, &r, err);
	} else {
		rc = from_openai(v, raw, len, &r, err);
	}
	if (!rc && !r.messages && !r.output && !r.error)
		rc = llmops_err_set(err, LLMOPS_E_INPUT,
				    "the record has no request messages, no "
				    "answer and no error");
	if (!rc)
		rc = fn(&r, ud);
	llmops_prod_record_release(&r);
	return rc;
}
