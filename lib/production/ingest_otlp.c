/*
 * ingest_otlp.c - production records from OTLP/JSON (ingest.h): GenAI spans
 * and the GenAI log events that carry their messages.
 *
 * Sources: the OTLP/JSON encoding (opentelemetry.io/docs/specs/otlp/
 * #json-protobuf-encoding: ExportTraceServiceRequest, ExportLogsServiceRequest,
 * AnyValue), the GenAI semantic conventions (opentelemetry.io/docs/specs/
 * semconv/gen-ai/: span attributes gen_ai.*, the events gen_ai.system.message,
 * gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message,
 * gen_ai.choice and gen_ai.client.inference.operation.details, the message
 * shape {"role", "parts": [{"type": "text", "content"}]} and
 * gen_ai.system_instructions), the older gen_ai.prompt.N.* attributes, and
 * OpenInference's (github.com/Arize-ai/openinference, spec/
 * semantic_conventions.md: llm.input_messages.N.message.role/content,
 * llm.output_messages.N..., llm.model_name, llm.token_count.prompt/completion,
 * llm.provider, llm.system, openinference.span.kind).
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANY_DEPTH 32 /* deeper AnyValues are cut: no message is that deep */

/* An OTLP AnyValue as JSON (a new item): string, int (text in OTLP/JSON), double, bool,
   arrayValue as an array, kvlistValue as an object, bytes as their base64 text. */
static cJSON *any_value(const cJSON *val, int depth)
{
	const cJSON *x, *e;
	if ((x = ingest_get(val, "stringValue")) && cJSON_IsString(x))
		return cJSON_CreateString(x->valuestring);
	if ((x = ingest_get(val, "intValue")) && !isnan(ingest_num(x)))
		return cJSON_CreateNumber(ingest_num(x));
	if ((x = ingest_get(val, "doubleValue")) && !isnan(ingest_num(x)))
		return cJSON_CreateNumber(ingest_num(x));
	if ((x = ingest_get(val, "boolValue")) && cJSON_IsBool(x))
		return cJSON_CreateBool(cJSON_IsTrue(x));
	if ((x = ingest_get(val, "bytesValue")) && cJSON_IsString(x))
		return cJSON_CreateString(x->valuestring);
	if (depth >= ANY_DEPTH)
		return NULL;
	if ((x = ingest_get(val, "arrayValue"))) {
		cJSON *a = cJSON_CreateArray();
		cJSON_ArrayForEach (e, ingest_get(x, "values")) {
			cJSON *item = any_value(e, depth + 1);
			cJSON_AddItemToArray(a, item ? item : cJSON_CreateNull());
		}
		return a;
	}
	if ((x = ingest_get(val, "kvlistValue"))) {
		cJSON *o = cJSON_CreateObject();
		cJSON_ArrayForEach (e, ingest_get(x, "values")) {
			const char *k = ingest_str(e, "key");
			cJSON *item = k ? any_value(ingest_get(e, "value"), depth + 1) : NULL;
			if (item) {
				cJSON_DeleteItemFromObjectCaseSensitive(o, k);
				cJSON_AddItemToObject(o, k, item);
			}
		}
		return o;
	}
	return NULL;
}

/* Attributes [{"key", "value"}] as one object key -> value (the caller's). */
static cJSON *attrs_object(const cJSON *attrs)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *a, *list = cJSON_IsArray(attrs) ? attrs : NULL;
	cJSON_ArrayForEach (a, list) {
		const char *k = ingest_str(a, "key");
		cJSON *v = k ? any_value(ingest_get(a, "value"), 0) : NULL;
		if (v) {
			cJSON_DeleteItemFromObjectCaseSensitive(o, k);
			cJSON_AddItemToObject(o, k, v);
		}
	}
	return o;
}

/* v when it is an array, else NULL (for cJSON_ArrayForEach). */
static const cJSON *array_of(const cJSON *v)
{
	return cJSON_IsArray(v) ? v : NULL;
}

static const cJSON *array_at(const cJSON *o, const char *key)
{
	return array_of(ingest_get(o, key));
}

/* The text of a message's parts ([{"type": "text", "content"}], or {"text"}) into b. */
static void parts_text(const cJSON *parts, struct llmops_buf *b)
{
	const cJSON *p;
	cJSON_ArrayForEach (p, array_of(parts)) {
		const char *type = ingest_str(p, "type"), *t = ingest_str(p, "content");
		if (!t)
			t = ingest_str(p, "text");
		if (!t && cJSON_IsString(p))
			t = p->valuestring;
		if (!t || (type && strcmp(type, "text")))
			continue;
		if (b->len)
			llmops_buf_addch(b, '\n');
		llmops_buf_adds(b, t);
	}
}

/* v as JSON: itself, or the value of the JSON text it is (*parsed: that value, the caller's). */
static const cJSON *json_of(const cJSON *v, cJSON **parsed)
{
	*parsed = NULL;
	if (cJSON_IsString(v) && (*parsed = cJSON_Parse(v->valuestring)))
		return *parsed;
	return v;
}

/* Messages in the conventions' shape ([{"role", "parts"}] or [{"role", "content"}]), as JSON
   text or as a value, in OpenAI's ({"role", "content"}); NULL when v holds none. */
static cJSON *semconv_messages(const cJSON *v)
{
	cJSON *parsed, *out = NULL;
	const cJSON *in = json_of(v, &parsed), *m;
	if (cJSON_IsArray(in)) {
		out = cJSON_CreateArray();
		cJSON_ArrayForEach (m, in) {
			struct llmops_buf b = LLMOPS_BUF_INIT;
			cJSON *o = cJSON_CreateObject();
			const char *role = ingest_str(m, "role");
			cJSON_AddStringToObject(o, "role", role ? role : "user");
			if (ingest_get(m, "content"))
				ingest_content_text(ingest_get(m, "content"), &b);
			else
				parts_text(ingest_get(m, "parts"), &b);
			cJSON_AddStringToObject(o, "content", b.data ? b.data : "");
			llmops_buf_release(&b);
			cJSON_AddItemToArray(out, o);
		}
	}
	cJSON_Delete(parsed);
	return out;
}

/* gen_ai.system_instructions: parts (JSON text or a value), or the instructions' own text
   (what instrumentations of OpenAI's Responses API write); NULL when none. */
static char *system_text(const cJSON *v)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	cJSON *parsed;
	const cJSON *in = json_of(v, &parsed);
	if (cJSON_IsArray(in))
		parts_text(in, &b);
	else if (cJSON_IsString(v))
		llmops_buf_adds(&b, v->valuestring);
	cJSON_Delete(parsed);
	return ingest_buf_take(&b);
}

/* The system instructions before r's messages, unless they begin with them already. */
static void add_system(struct llmops_prod_record *r, const cJSON *instructions)
{
	char *text = instructions ? system_text(instructions) : NULL;
	cJSON *msgs, *m;
	if (!text)
		return;
	const cJSON *first = cJSON_GetArrayItem(r->messages, 0);
	const char *role = ingest_str(first, "role"), *content = ingest_str(first, "content");
	if (!(role && content && !strcmp(role, "system") && !strcmp(content, text))) {
		msgs = ingest_own_messages(r);
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "system");
		cJSON_AddStringToObject(m, "content", text);
		cJSON_InsertItemInArray(msgs, 0, m);
	}
	free(text);
}

/* r's messages, when it has none, from v (conventions' shape); 1 when set. */
static int set_messages(struct llmops_prod_record *r, const cJSON *v)
{
	cJSON *m = v && !r->messages ? semconv_messages(v) : NULL;
	if (!m)
		return 0;
	r->messages = r->own_messages = m;
	return 1;
}

/* r's answer, when it has none: the first output message's text. */
static void set_output(struct llmops_prod_record *r, const cJSON *v)
{
	cJSON *om = v && !r->output ? semconv_messages(v) : NULL;
	if (om && cJSON_GetArraySize(om))
		r->output = ingest_dup(ingest_str(cJSON_GetArrayItem(om, 0), "content"));
	cJSON_Delete(om);
}

/* Messages from PREFIX.N.role/content (gen_ai.prompt, the convention before
   gen_ai.input.messages) or PREFIX.N.message.role/content with
   PREFIX.N.message.contents.M.message_content.text (OpenInference). */
static cJSON *indexed_messages(const cJSON *a, const char *prefix, int openinference)
{
	const char *mid = openinference ? ".message" : "";
	cJSON *msgs = NULL;
	char k[128];
	for (int i = 0; i < 10000; i++) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		snprintf(k, sizeof(k), "%s.%d%s.content", prefix, i, mid);
		const char *c = ingest_str(a, k);
		if (c)
			llmops_buf_adds(&b, c);
		for (int j = 0; !c && openinference && j < 1000; j++) {
			snprintf(k, sizeof(k), "%s.%d.message.contents.%d.message_content.text", prefix,
				 i, j);
			const char *t = ingest_str(a, k);
			snprintf(k, sizeof(k), "%s.%d.message.contents.%d.message_content.type", prefix,
				 i, j);
			if (!t && !ingest_str(a, k))
				break;
			if (t) {
				if (b.len)
					llmops_buf_addch(&b, '\n');
				llmops_buf_adds(&b, t);
			}
		}
		snprintf(k, sizeof(k), "%s.%d%s.role", prefix, i, mid);
		const char *role = ingest_str(a, k);
		if (!b.len && !role) {
			llmops_buf_release(&b);
			break;
		}
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", role ? role : "user");
		cJSON_AddStringToObject(m, "content", b.data ? b.data : "");
		llmops_buf_release(&b);
		if (!msgs)
			msgs = cJSON_CreateArray();
		cJSON_AddItemToArray(msgs, m);
	}
	return msgs;
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

/* Which span is a model request: one with GenAI attributes, or an OpenInference LLM span. */
static int is_request(const cJSON *a)
{
	const cJSON *x;
	const char *kind = ingest_str(a, "openinference.span.kind");
	if (kind)
		return !strcmp(kind, "LLM");
	cJSON_ArrayForEach (x, a) {
		if (!strncmp(x->string, "gen_ai.", 7))
			return 1;
	}
	return 0;
}

/* The first of the attributes keys[] that is a string. */
static const char *first_str(const cJSON *a, const char *const *keys)
{
	for (; *keys; keys++)
		if (ingest_str(a, *keys))
			return ingest_str(a, *keys);
	return NULL;
}

static int64_t first_count(const cJSON *a, const char *const *keys)
{
	for (; *keys; keys++)
		if (ingest_count(ingest_get(a, *keys)) >= 0)
			return ingest_count(ingest_get(a, *keys));
	return -1;
}

/* Whether an attribute is one the readers take (not copied into the metadata). */
static int own_attribute(const char *k)
{
	return !strncmp(k, "gen_ai.", 7) || !strncmp(k, "llm.", 4) || !strncmp(k, "input.", 6) ||
	       !strncmp(k, "output.", 7) || !strcmp(k, "openinference.span.kind");
}

static int from_span(const cJSON *span, const cJSON *res_attrs, const char *raw, size_t len,
		     struct llmops_prod_record *r, int *is_genai, int *joinable)
{
	static const char *const model_keys[] = {"gen_ai.response.model", "gen_ai.request.model",
						 "llm.model_name", NULL};
	static const char *const provider_keys[] = {"gen_ai.provider.name", "gen_ai.system",
						    "llm.provider", "llm.system", NULL};
	static const char *const in_keys[] = {"gen_ai.usage.input_tokens",
					      "gen_ai.usage.prompt_tokens",
					      "llm.token_count.prompt", NULL};
	static const char *const out_keys[] = {"gen_ai.usage.output_tokens",
					       "gen_ai.usage.completion_tokens",
					       "llm.token_count.completion", NULL};
	cJSON *a = attrs_object(ingest_get(span, "attributes")), *x;
	const char *tid = ingest_str(span, "traceId"), *sid = ingest_str(span, "spanId"), *s;
	char id[80];
	int rc = 0;

	*joinable = 0;
	if (!(*is_genai = is_request(a)))
		goto out;
	r->model = ingest_dup(first_str(a, model_keys));
	r->provider = ingest_dup(first_str(a, provider_keys));
	r->tokens_in = first_count(a, in_keys);
	r->tokens_out = first_count(a, out_keys);
	if (!set_messages(r, ingest_get(a, "gen_ai.input.messages")) &&
	    !(r->messages = r->own_messages = indexed_messages(a, "gen_ai.prompt", 0)) &&
	    !(r->messages = r->own_messages = indexed_messages(a, "llm.input_messages", 1)))
		set_messages(r, ingest_get(a, "gen_ai.prompt"));
	add_system(r, ingest_get(a, "gen_ai.system_instructions"));
	set_output(r, ingest_get(a, "gen_ai.output.messages"));
	if (!r->output)
		r->output = ingest_dup(ingest_str(a, "gen_ai.completion.0.content"));
	if (!r->output)
		r->output = ingest_dup(ingest_str(a, "llm.output_messages.0.message.content"));
	if (!r->output)
		r->output = ingest_dup(ingest_str(a, "gen_ai.completion"));
	/* nanoseconds as integers: a double holds them to 256 ns only */
	long long t0 = unix_nanos(ingest_get(span, "startTimeUnixNano"));
	long long t1 = unix_nanos(ingest_get(span, "endTimeUnixNano"));
	if (t0 > 0 && t1 >= t0)
		r->latency_ms = (double)(t1 - t0) / 1e6;
	r->at = ingest_iso(t1 > 0 ? (double)(t1 / 1000) / 1e3 : NAN);
	r->cost_usd = ingest_num(ingest_get(a, "llmops.cost_usd"));
	r->ttft_ms = ingest_num(ingest_get(a, "llmops.ttft_ms"));
	r->cache_hit = cJSON_IsTrue(ingest_get(a, "llmops.cache_hit"));
	const cJSON *st = ingest_get(span, "status");
	if (ingest_num(ingest_get(st, "code")) == 2 ||
	    (ingest_str(st, "code") && !strcmp(ingest_str(st, "code"), "STATUS_CODE_ERROR"))) {
		s = ingest_str(st, "message");
		if (!s)
			s = ingest_str(a, "error.type");
		r->error = strdup(s ? s : "error");
	}
	/* metadata: the resource's attributes, then the span's that are not the readers' own */
	cJSON *md = ingest_own_metadata(r);
	cJSON_ArrayForEach (x, res_attrs) {
		if (!cJSON_IsArray(x) && !cJSON_IsObject(x))
			cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
	}
	cJSON_ArrayForEach (x, a) {
		if (!own_attribute(x->string) && !cJSON_IsArray(x) && !cJSON_IsObject(x)) {
			cJSON_DeleteItemFromObjectCaseSensitive(md, x->string);
			cJSON_AddItemToObject(md, x->string, cJSON_Duplicate(x, 1));
		}
	}
	if (tid && sid) {
		snprintf(id, sizeof(id), "%.32s-%.16s", tid, sid);
		rc = ingest_identify(r, id, raw, len);
		*joinable = 1;
	} else {
		char *span_text = cJSON_PrintUnformatted(span);
		rc = span_text ? ingest_identify(r, NULL, span_text, strlen(span_text))
			       : LLMOPS_E_NOMEM;
		free(span_text);
	}
out:
	cJSON_Delete(a);
	return rc;
}

/* Each element of parent's member key, when that is an array. */
#define EACH(var, parent, key) cJSON_ArrayForEach (var, array_at(parent, key))

static int has_request(const struct llmops_prod_record *r);

static int spans_of(const cJSON *v, const char *raw, size_t len,
		    const struct llmops_ingest_sink *sink, struct llmops_err *err)
{
	const cJSON *rs, *ss, *sp;
	long nrs = 0;
	int rc = 0;
	EACH (rs, v, "resourceSpans") {
		cJSON *res = attrs_object(ingest_get(ingest_get(rs, "resource"), "attributes"));
		long nss = 0;
		EACH (ss, rs, "scopeSpans") {
			long nsp = 0;
			EACH (sp, ss, "spans") {
				struct llmops_prod_record r;
				int genai = 0, joinable = 0;
				ingest_rec_init(&r);
				if (!cJSON_IsObject(sp)) {
					rc = llmops_err_set(err, LLMOPS_E_INPUT,
							    "resourceSpans[%ld].scopeSpans[%ld].spans["
							    "%ld] is not an object",
							    nrs, nss, nsp);
				} else if (!(rc = from_span(sp, res, raw, len, &r, &genai,
							    &joinable))) {
					if (!genai) {
						if (sink->ignored)
							(*sink->ignored)++;
					} else if (joinable && sink->span &&
						   (!has_request(&r) || (!r.output && !r.error))) {
						rc = sink->span(&r, sink->ud); /* its content may
										  be in events */
					} else {
						if (joinable && sink->seen)
							rc = sink->seen(r.id, sink->ud);
						if (!rc)
							rc = sink->record(&r, sink->ud);
					}
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

/* Each log record of an ExportLogsServiceRequest: a GenAI event with its span's ids goes to
   sink->event, any other is not ours (counted). */
static int logs_of(const cJSON *v, const struct llmops_ingest_sink *sink)
{
	const cJSON *rl, *sl, *lr;
	int rc = 0;
	EACH (rl, v, "resourceLogs") {
		EACH (sl, rl, "scopeLogs") {
			EACH (lr, sl, "logRecords") {
				cJSON *attrs = attrs_object(ingest_get(lr, "attributes"));
				const char *name = ingest_str(lr, "eventName");
				const char *tid = ingest_str(lr, "traceId");
				const char *sid = ingest_str(lr, "spanId");
				char key[80];
				if (!name)
					name = ingest_str(attrs, "event.name");
				if (!name || strncmp(name, "gen_ai.", 7) || !tid || !sid ||
				    !sink->event) {
					if (sink->ignored)
						(*sink->ignored)++;
					cJSON_Delete(attrs);
					continue;
				}
				snprintf(key, sizeof(key), "%.32s-%.16s", tid, sid);
				cJSON *body = any_value(ingest_get(lr, "body"), 0);
				long long t = unix_nanos(ingest_get(lr, "timeUnixNano"));
				struct llmops_genai_event e = {
					key, name,
					t ? t : unix_nanos(ingest_get(lr, "observedTimeUnixNano")), body,
					attrs};
				rc = sink->event(&e, sink->ud);
				cJSON_Delete(body);
				cJSON_Delete(attrs);
				if (rc)
					return rc;
			}
		}
	}
	return rc;
}

int ingest_otlp(const cJSON *v, const char *raw, size_t len, const struct llmops_ingest_sink *sink,
		struct llmops_err *err)
{
	const cJSON *spans = ingest_get(v, "resourceSpans"), *logs = ingest_get(v, "resourceLogs");
	int rc;
	if (!cJSON_IsArray(spans) && !cJSON_IsArray(logs))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "neither \"resourceSpans\" (traces) nor \"resourceLogs\" "
				      "(logs) is an array");
	if ((rc = spans_of(v, raw, len, sink, err)))
		return rc;
	return logs_of(v, sink);
}

/* A message event's content (a string, or parts) as text into b. */
static void event_content(const cJSON *c, struct llmops_buf *b)
{
	if (cJSON_IsArray(c) && cJSON_IsObject(cJSON_GetArrayItem(c, 0)) &&
	    ingest_get(cJSON_GetArrayItem(c, 0), "content"))
		parts_text(c, b);
	else
		ingest_content_text(c, b);
}

/* Whether r's messages hold one that is not the system's (only system instructions: not). */
static int has_request(const struct llmops_prod_record *r)
{
	const cJSON *m;
	cJSON_ArrayForEach (m, r->messages) {
		const char *role = ingest_str(m, "role");
		if (!role || strcmp(role, "system"))
			return 1;
	}
	return 0;
}

void ingest_otlp_apply_events(struct llmops_prod_record *r, const struct llmops_genai_event *ev,
			      size_t n)
{
	static const char *const roles[][2] = {{"gen_ai.system.message", "system"},
					       {"gen_ai.user.message", "user"},
					       {"gen_ai.assistant.message", "assistant"},
					       {"gen_ai.tool.message", "tool"}};
	const cJSON *instructions = NULL;
	cJSON *evm = cJSON_CreateArray(), *whole = NULL, *m;

	for (size_t i = 0; i < n; i++) {
		const struct llmops_genai_event *e = &ev[i];
		const char *role = NULL;
		for (size_t k = 0; k < sizeof(roles) / sizeof(roles[0]); k++)
			if (!strcmp(e->name, roles[k][0]))
				role = roles[k][1];
		if (role) {
			struct llmops_buf b = LLMOPS_BUF_INIT;
			const char *own = ingest_str(e->body, "role");
			event_content(ingest_get(e->body, "content"), &b);
			m = cJSON_CreateObject();
			cJSON_AddStringToObject(m, "role", own ? own : role);
			cJSON_AddStringToObject(m, "content", b.data ? b.data : "");
			llmops_buf_release(&b);
			cJSON_AddItemToArray(evm, m);
		} else if (!strcmp(e->name, "gen_ai.choice") && !r->output &&
			   !(ingest_num(ingest_get(e->body, "index")) > 0)) {
			const cJSON *msg = ingest_get(e->body, "message");
			struct llmops_buf b = LLMOPS_BUF_INIT;
			event_content(ingest_get(msg, "content"), &b);
			r->output = ingest_buf_take(&b);
			if (!r->output && ingest_get(msg, "tool_calls"))
				r->output = ingest_printed(ingest_get(msg, "tool_calls"));
		}
		/* the current conventions: one event with the whole input, or the output */
		if (!whole && ingest_get(e->attrs, "gen_ai.input.messages"))
			whole = semconv_messages(ingest_get(e->attrs, "gen_ai.input.messages"));
		if (ingest_get(e->attrs, "gen_ai.output.messages"))
			set_output(r, ingest_get(e->attrs, "gen_ai.output.messages"));
		if (ingest_get(e->attrs, "gen_ai.system_instructions"))
			instructions = ingest_get(e->attrs, "gen_ai.system_instructions");
	}
	if (whole) {
		cJSON_Delete(evm);
		evm = whole;
	}
	if (!has_request(r) && cJSON_GetArraySize(evm)) {
		/* the span's system instructions (if any), then the events' messages */
		cJSON *msgs = ingest_own_messages(r);
		const cJSON *sys = cJSON_GetArrayItem(msgs, 0);
		const cJSON *first = cJSON_GetArrayItem(evm, 0);
		if (sys && ingest_str(first, "role") && !strcmp(ingest_str(first, "role"), "system") &&
		    ingest_str(sys, "content") && ingest_str(first, "content") &&
		    !strcmp(ingest_str(sys, "content"), ingest_str(first, "content")))
			cJSON_DeleteItemFromArray(evm, 0);
		while ((m = cJSON_DetachItemFromArray(evm, 0)))
			cJSON_AddItemToArray(msgs, m);
	}
	cJSON_Delete(evm);
	if (instructions && r->messages)
		add_system(r, instructions);
}
