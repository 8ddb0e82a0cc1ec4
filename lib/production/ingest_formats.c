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
#include "internal.h"

#include "buf.h"
#include "hash.h"
#include "since.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int llmops_ingest_format_parse(const char *s)
{
	static const char *const names[] = {"auto", "openai", "otlp", "litellm", "feedback"};
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* A time the record gives (v may be NULL or null: none): its ms, or NAN; a time that is
   there and is none (or before 1970, after 9999) is kept in r->bad_time, which refuses the
   record, rather than be taken as "unknown" and replaced by the time of reading. */
static double when(struct llmops_prod_record *r, const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0]))
		return NAN;
	double t = ingest_time_ms(v);
	if (!(t >= 0 && t < 253402300800000.0) && !r->bad_time)
		r->bad_time =
			cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
	return t;
}

/* The answer of a chat completions body or an Anthropic Messages body. */
static void answer_of(const cJSON *body, struct llmops_prod_record *r)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	const cJSON *choices = ingest_get(body, "choices"), *usage = ingest_get(body, "usage");
	const cJSON *content = ingest_get(body, "content");
	if (cJSON_IsArray(choices)) {
		const cJSON *msg = ingest_get(cJSON_GetArrayItem(choices, 0), "message");
		const cJSON *tc = ingest_get(msg, "tool_calls");
		ingest_content_text(ingest_get(msg, "content"), &b);
		r->output = ingest_buf_take(&b);
		if (!r->output && cJSON_IsArray(tc) && cJSON_GetArraySize(tc))
			r->output = ingest_printed(tc);
		if (!r->output && !ingest_get(msg, "content")) /* a completion: choices[0].text */
			r->output = ingest_dup(ingest_str(cJSON_GetArrayItem(choices, 0), "text"));
	} else if (cJSON_IsArray(content)) { /* Anthropic */
		const cJSON *blk;
		cJSON *uses = NULL;
		cJSON_ArrayForEach (blk, content) {
			const char *t = ingest_str(blk, "type");
			if (t && !strcmp(t, "tool_use")) {
				if (!uses)
					uses = cJSON_CreateArray();
				cJSON_AddItemToArray(uses, cJSON_Duplicate(blk, 1));
			} else if (t && !strcmp(t, "text") && ingest_str(blk, "text")) {
				if (b.len)
					llmops_buf_addch(&b, '\n');
				llmops_buf_add(&b, ingest_str(blk, "text"),
					       strlen(ingest_str(blk, "text")));
			}
		}
		r->output = ingest_buf_take(&b);
		if (!r->output && uses)
			r->output = ingest_printed(uses);
		cJSON_Delete(uses);
		if (!r->provider && ingest_str(body, "type") &&
		    !strcmp(ingest_str(body, "type"), "message"))
			r->provider = strdup("anthropic");
	} else if (cJSON_IsString(body)) {
		r->output = strdup(body->valuestring);
	}
	llmops_buf_release(&b);
	if (usage) {
		int64_t in = ingest_count(ingest_get(usage, "prompt_tokens")),
			out = ingest_count(ingest_get(usage, "completion_tokens"));
		if (in < 0) /* Anthropic: input excludes the cache's reads and writes */
			in = ingest_count(ingest_get(usage, "input_tokens"));
		if (out < 0)
			out = ingest_count(ingest_get(usage, "output_tokens"));
		if (r->tokens_in < 0)
			r->tokens_in = in;
		if (r->tokens_out < 0)
			r->tokens_out = out;
		int64_t cached = ingest_count(
			ingest_get(ingest_get(usage, "prompt_tokens_details"), "cached_tokens"));
		if (cached > 0)
			r->cached_in = cached;
	}
	if (!r->model && ingest_str(body, "model"))
		r->model = strdup(ingest_str(body, "model"));
}

static void error_of(const cJSON *e, struct llmops_prod_record *r)
{
	if (r->error || !e || cJSON_IsNull(e) || cJSON_IsFalse(e))
		return;
	if (cJSON_IsString(e))
		r->error = strdup(e->valuestring[0] ? e->valuestring : "failed");
	else if (ingest_str(e, "message"))
		r->error = strdup(ingest_str(e, "message"));
	else
		r->error = ingest_printed(e);
}

static int need_object(const cJSON *v, const char *what, struct llmops_err *err)
{
	if (v && !cJSON_IsObject(v))
		return llmops_err_set(err, LLMOPS_E_INPUT, "\"%s\" is %s, where an object belongs",
				      what,
				      cJSON_IsArray(v)	  ? "an array"
				      : cJSON_IsString(v) ? "a string"
				      : cJSON_IsNumber(v) ? "a number"
							  : "a boolean");
	return 0;
}

/* ------------------------------------------------------------ openai */

static int from_openai(const cJSON *v, const char *raw, size_t len, struct llmops_prod_record *r,
		       struct llmops_err *err)
{
	const cJSON *req = ingest_get(v, "request"), *resp = ingest_get(v, "response"),
		    *body = resp;
	const char *id = ingest_str(v, "id");
	int rc;
	if ((rc = need_object(req, "request", err)) ||
	    (resp && !cJSON_IsString(resp) && (rc = need_object(resp, "response", err))))
		return rc;
	if (ingest_get(req, "body") && cJSON_IsObject(ingest_get(req, "body")))
		req = ingest_get(req, "body");
	if (ingest_get(resp,
		       "body")) { /* OpenAI Batch output: {"status_code", "request_id", "body"} */
		body = ingest_get(resp, "body");
		double sc = ingest_num(ingest_get(resp, "status_code"));
		if (!isnan(sc) && sc >= 400)
			error_of(ingest_get(body, "error") ? ingest_get(body, "error")
							   : ingest_get(resp, "status_code"),
				 r);
	}
	if (!id)
		id = ingest_str(v, "custom_id");
	if (!id)
		id = ingest_str(body, "id");
	if (!req && !body)
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "no \"request\" or \"response\" in the record");
	r->provider = ingest_dup(ingest_str(v, "provider"));
	const cJSON *msgs = ingest_get(req, "messages");
	if (msgs && !cJSON_IsArray(msgs))
		return llmops_err_set(err, LLMOPS_E_INPUT, "\"request.messages\" is not an array");
	if (msgs)
		r->messages = msgs;
	else if (ingest_str(req, "prompt")) { /* a completions request */
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", ingest_str(req, "prompt"));
		cJSON_AddItemToArray(ingest_own_messages(r), m);
	}
	if (cJSON_IsArray(msgs) && ingest_str(req, "system")) { /* an Anthropic request */
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "system");
		cJSON_AddStringToObject(m, "content", ingest_str(req, "system"));
		cJSON_InsertItemInArray(ingest_own_messages(r), 0, m);
	}
	error_of(ingest_get(v, "error"), r);
	error_of(ingest_get(body, "error"), r);
	if (body && !r->error)
		answer_of(body, r);
	if (!r->model)
		r->model = ingest_dup(ingest_str(req, "model"));
	if (ingest_str(resp, "model") && r->model && strcmp(r->model, ingest_str(resp, "model"))) {
		free(r->model); /* the model that answered (a dated snapshot) */
		r->model = strdup(ingest_str(resp, "model"));
	}
	if (!r->provider)
		r->provider = strdup("openai");
	r->latency_ms = ingest_num(ingest_get(v, "latency_ms"));
	if (isnan(r->latency_ms))
		r->latency_ms = ingest_num(ingest_get(v, "duration_ms"));
	r->ttft_ms = ingest_num(ingest_get(v, "ttft_ms"));
	r->cost_usd = ingest_num(ingest_get(v, "cost_usd"));
	if (isnan(r->cost_usd))
		r->cost_usd = ingest_num(ingest_get(v, "cost"));
	if (cJSON_IsTrue(ingest_get(v, "cache_hit")))
		r->cache_hit = 1;
	double t = when(r, ingest_get(v, "timestamp"));
	if (isnan(t))
		t = when(r, ingest_get(v, "created_at"));
	if (isnan(t))
		t = when(r, ingest_get(body, "created"));
	r->at = ingest_iso(t);
	const char *ref = ingest_str(v, "reference");
	r->expected = ingest_dup(ref ? ref : ingest_str(v, "expected"));
	ingest_metadata_merge(
		r, ingest_get(req, "metadata")); /* OpenAI's stored-completion metadata */
	ingest_metadata_merge(r, ingest_get(v, "metadata"));
	return ingest_identify(r, id, raw, len);
}

/* ----------------------------------------------------------- litellm */

static int from_litellm(const cJSON *v, const char *raw, size_t len, struct llmops_prod_record *r,
			struct llmops_err *err)
{
	const char *id = ingest_str(v, "id"), *status = ingest_str(v, "status");
	const cJSON *msgs = ingest_get(v, "messages"), *resp = ingest_get(v, "response"),
		    *md = ingest_get(v, "metadata");
	cJSON *parsed_msgs = NULL, *parsed_resp = NULL, *parsed_md = NULL;
	int rc;
	if (!id)
		id = ingest_str(v, "request_id");
	/* SpendLogs rows exported from the database hold JSON columns as text */
	if (cJSON_IsString(msgs) && (parsed_msgs = cJSON_Parse(msgs->valuestring)))
		msgs = parsed_msgs;
	if (cJSON_IsString(resp) && (parsed_resp = cJSON_Parse(resp->valuestring)))
		resp = parsed_resp;
	if (cJSON_IsString(md) && (parsed_md = cJSON_Parse(md->valuestring)))
		md = parsed_md;
	/* "{}": what litellm stores for messages and response when prompts are not kept */
	if (cJSON_IsObject(msgs) && !cJSON_GetArraySize(msgs))
		msgs = NULL;
	if (cJSON_IsObject(resp) && !cJSON_GetArraySize(resp))
		resp = NULL;
	rc = need_object(md, "metadata", err);
	if (!rc && msgs && !cJSON_IsArray(msgs) && !cJSON_IsString(msgs))
		rc = llmops_err_set(err, LLMOPS_E_INPUT, "\"messages\" is not an array");
	if (rc)
		goto out;
	if (cJSON_IsArray(msgs)) {
		r->messages = msgs;
		ingest_own_messages(r); /* msgs may be parsed here and freed below */
	} else if (cJSON_IsString(msgs) && msgs->valuestring[0]) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", msgs->valuestring);
		cJSON_AddItemToArray(ingest_own_messages(r), m);
	}
	if (status && strcmp(status, "success")) {
		const char *e = ingest_str(v, "error_str");
		if (!e)
			e = ingest_str(ingest_get(v, "error_information"), "error_message");
		r->error = strdup(e ? e : status);
	}
	if (!r->error && resp)
		answer_of(resp, r);
	if (!r->model) /* the response's model (the one that answered) before the request's */
		r->model = ingest_dup(ingest_str(v, "model"));
	const char *prov = ingest_str(v, "custom_llm_provider");
	if (!prov)
		prov = ingest_str(ingest_get(v, "hidden_params"), "custom_llm_provider");
	if (prov || !r->provider) {
		free(r->provider);
		r->provider = ingest_dup(prov ? prov : "litellm");
	}
	int64_t in = ingest_count(ingest_get(v, "prompt_tokens")),
		out = ingest_count(ingest_get(v, "completion_tokens"));
	if (in >= 0)
		r->tokens_in = in;
	if (out >= 0)
		r->tokens_out = out;
	r->cost_usd = ingest_num(ingest_get(v, "response_cost"));
	if (isnan(r->cost_usd))
		r->cost_usd = ingest_num(ingest_get(v, "spend"));
	double t0 = when(r, ingest_get(v, "startTime")), t1 = when(r, ingest_get(v, "endTime"));
	double tf = when(r, ingest_get(v, "completionStartTime"));
	if (!isnan(t0) && !isnan(t1) && t1 >= t0)
		r->latency_ms = t1 - t0;
	if (!isnan(t0) && !isnan(tf) && tf > t0 && tf < t1)
		r->ttft_ms = tf - t0;
	r->at = ingest_iso(isnan(t1) ? t0 : t1);
	const cJSON *ch = ingest_get(v, "cache_hit");
	r->cache_hit =
		cJSON_IsTrue(ch) || (cJSON_IsString(ch) && !strcasecmp(ch->valuestring, "true"));
	/* the caller's own metadata is under requester_metadata (the proxy adds its keys) */
	const cJSON *mine = ingest_get(md, "requester_metadata");
	int has_mine = cJSON_IsObject(mine) && cJSON_GetArraySize(mine);
	ingest_metadata_merge(r, has_mine ? mine : md);
	cJSON *own = ingest_own_metadata(r); /* md may be parsed here and freed below */
	if (has_mine)
		cJSON_DeleteItemFromObjectCaseSensitive(own, "requester_metadata");
	const cJSON *tags = ingest_get(v, "request_tags");
	if (cJSON_IsString(tags)) {
		cJSON *pt = cJSON_Parse(tags->valuestring);
		if (cJSON_IsArray(pt) && cJSON_GetArraySize(pt))
			cJSON_AddItemToObject(own, "tags", pt);
		else
			cJSON_Delete(pt);
	} else if (cJSON_IsArray(tags) && cJSON_GetArraySize(tags)) {
		cJSON_AddItemToObject(own, "tags", cJSON_Duplicate(tags, 1));
	}
	rc = ingest_identify(r, id, raw, len);
out:
	cJSON_Delete(parsed_msgs);
	cJSON_Delete(parsed_resp);
	cJSON_Delete(parsed_md);
	return rc;
}

int llmops_ingest_value_to(const cJSON *v, const char *raw, size_t len, int format,
			   const struct llmops_ingest_sink *sink, struct llmops_err *err)
{
	struct llmops_prod_record r;
	int rc;
	if (!cJSON_IsObject(v))
		return llmops_err_set(err, LLMOPS_E_INPUT, "a record is a JSON object, not %s",
				      cJSON_IsArray(v) ? "an array" : "a scalar");
	if (format == LLMOPS_INGEST_AUTO) {
		if (ingest_get(v, "resourceSpans") || ingest_get(v, "resourceLogs"))
			format = LLMOPS_INGEST_OTLP;
		else if (ingest_get(v, "call_type") || ingest_get(v, "startTime") ||
			 ingest_get(v, "request_id") || ingest_get(v, "standard_logging_object"))
			format = LLMOPS_INGEST_LITELLM;
		else if (ingest_get(v, "request") || ingest_get(v, "response") ||
			 cJSON_GetObjectItemCaseSensitive(v, "response"))
			format = LLMOPS_INGEST_OPENAI;
		else
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"not a record llmops reads: no \"request\"/\"response\""
				" (OpenAI-style), \"resourceSpans\"/\"resourceLogs\" (OTLP) or "
				"\"call_type\"/\"startTime\" (LiteLLM)");
	}
	if (format == LLMOPS_INGEST_OTLP)
		return ingest_otlp(v, raw, len, sink, err);
	ingest_rec_init(&r);
	if (format == LLMOPS_INGEST_LITELLM) {
		const cJSON *slo =
			ingest_get(v, "standard_logging_object"); /* a callback's kwargs */
		rc = from_litellm(cJSON_IsObject(slo) ? slo : v, raw, len, &r, err);
	} else {
		rc = from_openai(v, raw, len, &r, err);
	}
	/* a record without its messages and answer (a gateway that keeps no prompts) still
	   tells the model, tokens, cost, latency and whether it failed */
	if (!rc && !r.messages && !r.output && !r.error && r.tokens_in < 0 && isnan(r.cost_usd) &&
	    isnan(r.latency_ms))
		rc = llmops_err_set(err, LLMOPS_E_INPUT,
				    "the record has no request messages, no answer and no error, "
				    "nor usage, cost or latency");
	if (!rc)
		rc = sink->record(&r, sink->ud);
	llmops_prod_record_release(&r);
	return rc;
}

int llmops_ingest_value(const cJSON *v, const char *raw, size_t len, int format, llmops_prod_fn fn,
			void *ud, long *ignored, struct llmops_err *err)
{
	const struct llmops_ingest_sink sink = {fn, NULL, NULL, NULL, ud, ignored};
	return llmops_ingest_value_to(v, raw, len, format, &sink, err);
}
