/*
 * provider_wire.c - request bodies and response parsing for the OpenAI
 * chat-completions and embeddings APIs and the Anthropic Messages API, as
 * their vendors document them (platform.openai.com/docs/api-reference,
 * docs.anthropic.com/en/api/messages and .../messages-streaming).
 */
#include "json.h"
#include "provider.h"
#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void llmops_request_release(struct llmops_request *rq)
{
	if (!rq)
		return;
	free(rq->url);
	free(rq->body);
	memset(rq, 0, sizeof(*rq));
}

void llmops_answer_release(struct llmops_answer *a)
{
	if (!a)
		return;
	free(a->text);
	free(a->finish);
	cJSON_Delete(a->tool_calls);
	memset(a, 0, sizeof(*a));
}

static const char *msg_text(const cJSON *m, const char *key)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, key);
	return cJSON_IsString(c) ? c->valuestring : "";
}

/* The key: SHA-256 over a versioned, unambiguous record of the request. */
static int finish_request(struct llmops_request *rq, const struct llmops_provider *p,
			  const char *salt, struct llmops_err *err)
{
	struct llmops_buf k = LLMOPS_BUF_INIT;
	llmops_buf_addf(&k, "llmops-cache-1\n%s\n%s\n", llmops_provider_type_name(p->type),
			rq->url ? rq->url : "");
	for (char **a = p->argv; a && *a; a++)
		llmops_buf_add(&k, *a, strlen(*a) + 1);
	llmops_buf_addf(&k, "\n%zu\n", rq->len);
	llmops_buf_add(&k, rq->body, rq->len);
	llmops_buf_addf(&k, "\n%s", salt ? salt : "");
	int rc = k.data ? llmops_sha256_hex(rq->key, k.data, k.len) : -1;
	llmops_buf_release(&k);
	return rc ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : 0;
}

static int takes_completion_tokens(const char *model)
{
	return !strncmp(model, "o1", 2) || !strncmp(model, "o3", 2) || !strncmp(model, "o4", 2) ||
	       !strncmp(model, "gpt-5", 5);
}

static cJSON *openai_body(const struct llmops_provider *p, const cJSON *messages)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", p->model);
	cJSON_AddItemToObject(b, "messages", llmops_wire_openai_messages(messages));
	if (p->has_temperature)
		cJSON_AddNumberToObject(b, "temperature", p->temperature);
	if (p->max_tokens > 0)
		cJSON_AddNumberToObject(b,
					p->type == LLMOPS_PROVIDER_OPENAI &&
							takes_completion_tokens(p->model)
						? "max_completion_tokens"
						: "max_tokens",
					(double)p->max_tokens);
	if (p->has_seed)
		cJSON_AddNumberToObject(b, "seed", (double)p->seed);
	if (p->stop.nr) {
		cJSON *st = cJSON_AddArrayToObject(b, "stop");
		for (size_t i = 0; i < p->stop.nr; i++)
			cJSON_AddItemToArray(st, cJSON_CreateString(p->stop.items[i]));
	}
	if (p->stream) {
		cJSON_AddTrueToObject(b, "stream");
		cJSON_AddTrueToObject(cJSON_AddObjectToObject(b, "stream_options"),
				      "include_usage");
	}
	return b;
}

static cJSON *anthropic_body(const struct llmops_provider *p, const cJSON *messages,
			     const cJSON *extra, struct llmops_err *err)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", p->model);
	cJSON_AddNumberToObject(b, "max_tokens",
				(double)(p->max_tokens > 0 ? p->max_tokens : 1024));
	if (llmops_wire_anthropic(b, messages, extra, err)) {
		cJSON_Delete(b);
		return NULL;
	}
	if (p->has_temperature)
		cJSON_AddNumberToObject(b, "temperature", p->temperature > 1 ? 1 : p->temperature);
	if (p->stop.nr) {
		cJSON *st = cJSON_AddArrayToObject(b, "stop_sequences");
		for (size_t i = 0; i < p->stop.nr; i++)
			cJSON_AddItemToArray(st, cJSON_CreateString(p->stop.items[i]));
	}
	if (p->stream)
		cJSON_AddTrueToObject(b, "stream");
	return b;
}

/* base + path, the path going before base's query or fragment, if any */
static char *url_join(const char *base, const char *path)
{
	size_t q = strcspn(base, "?#");
	char *u;
	if (asprintf(&u, "%.*s%s%s", (int)q, base, path, base + q) < 0)
		return NULL;
	return u;
}

int llmops_provider_chat_request(const struct llmops_provider *p, const cJSON *messages,
				 const char *salt, struct llmops_request *rq,
				 struct llmops_err *err)
{
	return llmops_provider_chat_request_extra(p, messages, salt, NULL, rq, err);
}

int llmops_provider_chat_request_extra(const struct llmops_provider *p, const cJSON *messages,
				       const char *salt, const cJSON *extra,
				       struct llmops_request *rq, struct llmops_err *err)
{
	cJSON *body = NULL;
	memset(rq, 0, sizeof(*rq));
	switch (p->type) {
	case LLMOPS_PROVIDER_OPENAI:
	case LLMOPS_PROVIDER_OLLAMA:
		body = openai_body(p, messages);
		for (const cJSON *x = extra ? extra->child : NULL; body && x; x = x->next)
			if (!cJSON_GetObjectItemCaseSensitive(body, x->string))
				cJSON_AddItemToObject(body, x->string, cJSON_Duplicate(x, 1));
		rq->url = url_join(p->base_url, "/chat/completions");
		break;
	case LLMOPS_PROVIDER_ANTHROPIC: {
		size_t n = strcspn(p->base_url, "?#");
		if (!(body = anthropic_body(p, messages, extra, err)) && err && err->code)
			return err->code;
		/* the base may or may not end in /v1 */
		rq->url = url_join(p->base_url, n >= 3 && !strncmp(p->base_url + n - 3, "/v1", 3)
							? "/messages"
							: "/v1/messages");
		break;
	}
	case LLMOPS_PROVIDER_EXEC: {
		struct llmops_buf in = LLMOPS_BUF_INIT;
		const cJSON *m;
		cJSON_ArrayForEach (m, messages) {
			if (in.len)
				llmops_buf_adds(&in, "\n\n");
			llmops_wire_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &in);
		}
		rq->len = in.len;
		rq->body = in.data ? llmops_buf_detach(&in, NULL) : strdup("");
		if (!rq->body)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		return finish_request(rq, p, salt, err);
	}
	default:
		return llmops_err_set(err, LLMOPS_E_USAGE, "provider '%s' sends no requests",
				      p->label);
	}
	rq->body = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON_Delete(body);
	if (!rq->body || !rq->url) {
		llmops_request_release(rq);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	rq->len = strlen(rq->body);
	return finish_request(rq, p, salt, err);
}

/* rq: body b (consumed) POSTed to the provider's base URL + path. */
static int post_json(const struct llmops_provider *p, cJSON *b, const char *path,
		     struct llmops_request *rq, struct llmops_err *err)
{
	rq->body = b ? cJSON_PrintUnformatted(b) : NULL;
	cJSON_Delete(b);
	rq->url = url_join(p->base_url, path);
	if (!rq->body || !rq->url) {
		llmops_request_release(rq);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	rq->len = strlen(rq->body);
	return finish_request(rq, p, NULL, err);
}

int llmops_provider_embed_request(const struct llmops_provider *p, const char *const *texts,
				  size_t n, struct llmops_request *rq, struct llmops_err *err)
{
	memset(rq, 0, sizeof(*rq));
	if (p->type != LLMOPS_PROVIDER_OPENAI && p->type != LLMOPS_PROVIDER_OLLAMA)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s' has no embeddings endpoint: use an openai: "
				      "or ollama: provider",
				      p->label);
	cJSON *b = cJSON_CreateObject(), *in = cJSON_AddArrayToObject(b, "input");
	cJSON_AddStringToObject(b, "model", p->model);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(in, cJSON_CreateString(texts[i]));
	return post_json(p, b, "/embeddings", rq, err);
}

int llmops_provider_moderation_request(const struct llmops_provider *p, const char *text,
				       struct llmops_request *rq, struct llmops_err *err)
{
	memset(rq, 0, sizeof(*rq));
	if (p->type != LLMOPS_PROVIDER_OPENAI)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s' has no moderation endpoint: use an openai: "
				      "provider (/moderations)",
				      p->label);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", p->model ? p->model : "omni-moderation-latest");
	cJSON_AddStringToObject(b, "input", text ? text : "");
	return post_json(p, b, "/moderations", rq, err);
}

/* ------------------------------------------------------------- responses */

static int not_json(const char *body, size_t len, const char *end, struct llmops_err *err)
{
	size_t at = end && end >= body && end <= body + len ? (size_t)(end - body) : 0;
	if (!len)
		return llmops_err_set(err, LLMOPS_E_NET, "the answer's body is empty");
	return llmops_err_set(err, LLMOPS_E_NET,
			      "the answer is not valid JSON (at byte %zu of %zu: truncated or "
			      "not an API response)",
			      at, len);
}

int llmops_provider_parse_moderation(const char *body, size_t len, cJSON **scores,
				     struct llmops_err *err)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	*scores = NULL;
	if (!doc)
		return not_json(body, len, end, err);
	const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "results"), 0);
	cJSON *cs = cJSON_GetObjectItemCaseSensitive(r, "category_scores"), *x;
	int ok = cJSON_IsObject(cs);
	if (ok)
		cJSON_ArrayForEach (x, cs)
			ok &= cJSON_IsNumber(x);
	if (!ok) {
		cJSON_Delete(doc);
		return llmops_err_set(err, LLMOPS_E_NET,
				      "the moderation answer has no results[0].category_scores "
				      "of numbers");
	}
	*scores = cJSON_DetachItemViaPointer((cJSON *)r, cs);
	cJSON_Delete(doc);
	return *scores ? 0 : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

static long num_or(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return llmops_json_long(v, 0, 1000000000000000L, -1); /* 3e94 tokens: unknown */
}

static int error_in(const cJSON *doc, struct llmops_err *err)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	if (!e || cJSON_IsNull(e))
		return 0;
	const char *m = msg_text(e, "message");
	char *copy = strdup(m[0] ? m : "an error object without a message");
	if (copy)
		llmops_redact(copy);
	llmops_err_set(err, LLMOPS_E_NET, "the provider answered with an error: %s",
		       copy ? copy : "?");
	free(copy);
	return LLMOPS_E_NET;
}

static int parse_openai(const cJSON *doc, struct llmops_answer *a, struct llmops_buf *text,
			struct llmops_err *err)
{
	const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "choices"), 0);
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ch, "message");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(msg, "content");
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(doc, "usage");
	const cJSON *fin = cJSON_GetObjectItemCaseSensitive(ch, "finish_reason");
	if (!cJSON_IsObject(msg))
		return llmops_err_set(err, LLMOPS_E_NET, "the answer has no choices[0].message");
	if (cJSON_IsString(c))
		llmops_buf_adds(text, c->valuestring);
	else if (cJSON_IsArray(c)) {
		const cJSON *part;
		cJSON_ArrayForEach (part, c)
			llmops_buf_adds(text, msg_text(part, "text"));
	} else if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(msg, "refusal")))
		llmops_buf_adds(text, msg_text(msg, "refusal"));
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
	if (cJSON_IsArray(calls) && calls->child && !(a->tool_calls = cJSON_Duplicate(calls, 1)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	a->tokens_in = num_or(usage, "prompt_tokens");
	a->tokens_out = num_or(usage, "completion_tokens");
	if (cJSON_IsString(fin))
		a->finish = strdup(fin->valuestring);
	return 0;
}

static int parse_anthropic(const cJSON *doc, struct llmops_answer *a, struct llmops_buf *text,
			   struct llmops_err *err)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(doc, "content");
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(doc, "usage");
	const cJSON *fin = cJSON_GetObjectItemCaseSensitive(doc, "stop_reason");
	if (!cJSON_IsArray(content))
		return llmops_err_set(err, LLMOPS_E_NET, "the answer has no content list");
	if (llmops_wire_anthropic_content(content, text, &a->tool_calls))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	a->tokens_in = num_or(usage, "input_tokens");
	a->tokens_out = num_or(usage, "output_tokens");
	if (cJSON_IsString(fin))
		a->finish = strdup(fin->valuestring);
	return 0;
}

/* The streamed tool call at index (made as needed), in OpenAI's shape; NULL out of memory. */
static cJSON *stream_call(struct llmops_answer *a, long index)
{
	cJSON *c;
	if (!a->tool_calls && !(a->tool_calls = cJSON_CreateArray()))
		return NULL;
	cJSON_ArrayForEach (c, a->tool_calls)
		if (num_or(c, "_index") == index)
			return c;
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "id", "");
	cJSON_AddStringToObject(c, "type", "function");
	cJSON *f = cJSON_AddObjectToObject(c, "function");
	cJSON_AddStringToObject(f, "name", "");
	cJSON_AddStringToObject(f, "arguments", "");
	cJSON_AddNumberToObject(c, "_index", (double)index);
	cJSON_AddItemToArray(a->tool_calls, c);
	return c;
}

/* Append s to the string at o[k]. */
static void append_str(cJSON *o, const char *k, const char *s)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsString(v) || !s || !*s)
		return;
	size_t n = strlen(v->valuestring), m = strlen(s);
	char *t = malloc(n + m + 1);
	if (!t)
		return;
	memcpy(t, v->valuestring, n);
	memcpy(t + n, s, m + 1);
	cJSON_SetValuestring(v, t);
	free(t);
}

/* A streamed answer's tool calls, whole: the bookkeeping keys gone, the response format's
   call read as the text (Anthropic). */
static void stream_calls_done(struct llmops_answer *a, struct llmops_buf *text)
{
	cJSON *c = a->tool_calls ? a->tool_calls->child : NULL, *next;
	for (; c; c = next) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
		next = c->next;
		cJSON_DeleteItemFromObjectCaseSensitive(c, "_index");
		if (!strcmp(msg_text(f, "name"), LLMOPS_WIRE_FORMAT_TOOL)) {
			llmops_buf_adds(text, msg_text(f, "arguments"));
			cJSON_Delete(cJSON_DetachItemViaPointer(a->tool_calls, c));
		} else if (!*msg_text(f, "arguments")) {
			append_str((cJSON *)f, "arguments", "{}"); /* streamed with no input */
		}
	}
	if (a->tool_calls && !a->tool_calls->child) {
		cJSON_Delete(a->tool_calls);
		a->tool_calls = NULL;
	}
}

/* One event of a stream; *done set at its end marker. */
static int stream_event(int type, const cJSON *ev, struct llmops_answer *a, struct llmops_buf *text,
			int *done, struct llmops_err *err)
{
	if (error_in(ev, err))
		return err->code;
	if (type != LLMOPS_PROVIDER_ANTHROPIC) {
		const cJSON *ch =
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ev, "choices"), 0);
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(ch, "delta");
		const cJSON *fin = cJSON_GetObjectItemCaseSensitive(ch, "finish_reason");
		const cJSON *usage = cJSON_GetObjectItemCaseSensitive(ev, "usage");
		llmops_buf_adds(text, msg_text(d, "content"));
		const cJSON *tc;
		cJSON_ArrayForEach (tc, cJSON_GetObjectItemCaseSensitive(d, "tool_calls")) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(tc, "function");
			cJSON *c = stream_call(a, num_or(tc, "index"));
			if (!c)
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			append_str(c, "id", msg_text(tc, "id"));
			append_str(cJSON_GetObjectItemCaseSensitive(c, "function"), "name",
				   msg_text(f, "name"));
			append_str(cJSON_GetObjectItemCaseSensitive(c, "function"), "arguments",
				   msg_text(f, "arguments"));
		}
		if (cJSON_IsString(fin) && !a->finish)
			a->finish = strdup(fin->valuestring);
		if (cJSON_IsObject(usage)) {
			a->tokens_in = num_or(usage, "prompt_tokens");
			a->tokens_out = num_or(usage, "completion_tokens");
		}
		return 0;
	}
	const char *t = msg_text(ev, "type");
	if (!strcmp(t, "message_start")) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(ev, "message"), "usage");
		a->tokens_in = num_or(u, "input_tokens");
	} else if (!strcmp(t, "content_block_start")) {
		const cJSON *cb = cJSON_GetObjectItemCaseSensitive(ev, "content_block");
		if (!strcmp(msg_text(cb, "type"), "tool_use")) {
			cJSON *c = stream_call(a, num_or(ev, "index"));
			if (!c)
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			append_str(c, "id", msg_text(cb, "id"));
			append_str(cJSON_GetObjectItemCaseSensitive(c, "function"), "name",
				   msg_text(cb, "name"));
		}
	} else if (!strcmp(t, "content_block_delta")) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "delta");
		if (!strcmp(msg_text(d, "type"), "text_delta"))
			llmops_buf_adds(text, msg_text(d, "text"));
		else if (!strcmp(msg_text(d, "type"), "input_json_delta")) {
			cJSON *c = stream_call(a, num_or(ev, "index"));
			if (!c)
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			append_str(cJSON_GetObjectItemCaseSensitive(c, "function"), "arguments",
				   msg_text(d, "partial_json"));
		}
	} else if (!strcmp(t, "message_delta")) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "delta");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(ev, "usage");
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(d, "stop_reason")) &&
		    !a->finish)
			a->finish = strdup(msg_text(d, "stop_reason"));
		if (num_or(u, "output_tokens") >= 0)
			a->tokens_out = num_or(u, "output_tokens");
	} else if (!strcmp(t, "message_stop")) {
		*done = 1;
	}
	return 0;
}

static int parse_stream(int type, const char *body, size_t len, struct llmops_answer *a,
			struct llmops_buf *text, struct llmops_err *err)
{
	int done = 0, events = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(body + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - body) : len, l = end;
		if (l > i && body[l - 1] == '\r')
			l--;
		if (l - i >= 5 && !memcmp(body + i, "data:", 5)) {
			size_t s = i + 5;
			while (s < l && body[s] == ' ')
				s++;
			if (l - s == 6 && !memcmp(body + s, "[DONE]", 6)) {
				done = 1;
			} else {
				const char *e = NULL;
				cJSON *ev = cJSON_ParseWithLengthOpts(body + s, l - s, &e, 0);
				if (!ev)
					return llmops_err_set(err, LLMOPS_E_NET,
							      "a streamed event is not valid JSON "
							      "(byte %zu of %zu)",
							      s, len);
				int rc = stream_event(type, ev, a, text, &done, err);
				cJSON_Delete(ev);
				if (rc)
					return rc;
				events++;
			}
		}
		i = end + 1;
	}
	if (!done)
		return llmops_err_set(err, LLMOPS_E_NET,
				      "the stream ended after %d events without its end marker "
				      "(truncated)",
				      events);
	return 0;
}

int llmops_provider_parse_chat(const struct llmops_provider *p, const char *body, size_t len,
			       int streamed, struct llmops_answer *a, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	int rc;
	memset(a, 0, sizeof(*a));
	a->tokens_in = a->tokens_out = -1;
	if (streamed) {
		rc = parse_stream(p->type, body, len, a, &text, err);
		if (!rc)
			stream_calls_done(a, &text);
	} else {
		const char *end = NULL;
		cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
		if (!doc)
			rc = not_json(body, len, end, err);
		else if (!(rc = error_in(doc, err)))
			rc = p->type == LLMOPS_PROVIDER_ANTHROPIC
				     ? parse_anthropic(doc, a, &text, err)
				     : parse_openai(doc, a, &text, err);
		cJSON_Delete(doc);
	}
	if (!rc && !(a->text = text.data ? llmops_buf_detach(&text, NULL) : strdup("")))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_buf_release(&text);
	if (rc)
		llmops_answer_release(a);
	return rc;
}

int llmops_provider_parse_embed(const char *body, size_t len, size_t n, double **vecs, size_t *dims,
				struct llmops_err *err)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	const cJSON *data, *item;
	double *v = NULL;
	size_t d = 0, got = 0;
	if (!doc)
		return not_json(body, len, end, err);
	if (error_in(doc, err)) {
		cJSON_Delete(doc);
		return err->code;
	}
	data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	cJSON_ArrayForEach (item, data) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(item, "embedding"), *x;
		long idx = num_or(item, "index");
		size_t k = 0;
		if (!cJSON_IsArray(e) || idx < 0 || (size_t)idx >= n)
			break;
		if (!v) {
			d = (size_t)cJSON_GetArraySize(e);
			if (!d || !(v = calloc(n * d, sizeof(*v))))
				break;
		}
		if ((size_t)cJSON_GetArraySize(e) != d)
			break;
		cJSON_ArrayForEach (x, e)
			v[(size_t)idx * d + k++] = cJSON_IsNumber(x) ? x->valuedouble : 0;
		got++;
	}
	cJSON_Delete(doc);
	if (got != n) {
		free(v);
		return llmops_err_set(err, LLMOPS_E_NET,
				      "the embeddings answer has %zu usable vectors for %zu inputs",
				      got, n);
	}
	*vecs = v;
	*dims = d;
	return 0;
}

void llmops_provider_error_text(const char *body, size_t len, struct llmops_buf *out)
{
	cJSON *doc = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	const char *m = cJSON_IsString(e) ? e->valuestring : msg_text(e, "message");
	char *s;
	if (!m[0])
		m = msg_text(doc, "message");
	if (m[0]) {
		s = strdup(m);
	} else {
		size_t n = len > 200 ? 200 : len;
		s = malloc(n + 4);
		if (s) {
			for (size_t i = 0; i < n; i++)
				s[i] = isprint((unsigned char)body[i]) ? body[i] : ' ';
			strcpy(s + n, len > n ? "..." : "");
		}
	}
	cJSON_Delete(doc);
	if (!s)
		return;
	for (char *c = s; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	llmops_redact(s);
	llmops_buf_adds(out, s);
	free(s);
}

int llmops_stream_has_content(int type, const char *s, size_t len, size_t *scanned)
{
	size_t i = *scanned;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		if (!nl)
			break;
		size_t end = (size_t)(nl - s);
		if (end - i > 5 && !memcmp(s + i, "data:", 5)) {
			cJSON *ev = cJSON_ParseWithLength(s + i + 5, end - i - 5);
			struct llmops_answer a = {0};
			struct llmops_buf t = LLMOPS_BUF_INIT;
			struct llmops_err e = {0};
			int done = 0, got;
			if (ev)
				stream_event(type, ev, &a, &t, &done, &e);
			got = t.len > 0;
			cJSON_Delete(ev);
			llmops_buf_release(&t);
			llmops_answer_release(&a);
			if (got) {
				*scanned = end + 1;
				return 1;
			}
		}
		i = end + 1;
	}
	*scanned = i;
	return 0;
}
