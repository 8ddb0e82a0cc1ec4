/*
 * wire.c - chat messages, tools and response formats for the OpenAI and
 * Anthropic APIs (see wire.h), as their vendors document them
 * (platform.openai.com/docs/api-reference/chat, docs.anthropic.com/en/api/messages
 * and docs.anthropic.com/en/docs/build-with-claude/tool-use).
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

void llmops_wire_text(const cJSON *content, struct llmops_buf *out)
{
	const cJSON *part;
	if (cJSON_IsString(content)) {
		llmops_buf_adds(out, content->valuestring);
		return;
	}
	cJSON_ArrayForEach (part, content)
		if (!strcmp(str_of(part, "type"), "text"))
			llmops_buf_adds(out, str_of(part, "text"));
}

cJSON *llmops_wire_openai_messages(const cJSON *messages)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *m;
	cJSON_ArrayForEach (m, messages) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "content");
		cJSON_AddStringToObject(o, "role", str_of(m, "role"));
		/* role and content first: a plain prompt's body (and cache key) as it always was */
		if (c && !cJSON_IsString(c))
			cJSON_AddItemToObject(o, "content", cJSON_Duplicate(c, 1));
		else if (c || !cJSON_GetObjectItemCaseSensitive(m, "tool_calls"))
			cJSON_AddStringToObject(o, "content", str_of(m, "content"));
		for (const cJSON *k = m->child; k; k = k->next)
			if (strcmp(k->string, "role") && strcmp(k->string, "content"))
				cJSON_AddItemToObject(o, k->string, cJSON_Duplicate(k, 1));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* An image_url part as an Anthropic image block. */
static cJSON *image_block(const cJSON *part)
{
	const char *url = str_of(cJSON_GetObjectItemCaseSensitive(part, "image_url"), "url");
	cJSON *b = cJSON_CreateObject(), *src;
	cJSON_AddStringToObject(b, "type", "image");
	src = cJSON_AddObjectToObject(b, "source");
	const char *semi = strchr(url, ';');
	if (!strncmp(url, "data:", 5) && semi && !strncmp(semi, ";base64,", 8)) {
		char mt[128];
		size_t n = (size_t)(semi - url - 5);
		snprintf(mt, sizeof(mt), "%.*s", (int)(n < sizeof(mt) ? n : sizeof(mt) - 1),
			 url + 5);
		cJSON_AddStringToObject(src, "type", "base64");
		cJSON_AddStringToObject(src, "media_type", mt);
		cJSON_AddStringToObject(src, "data", semi + 8);
	} else {
		cJSON_AddStringToObject(src, "type", "url");
		cJSON_AddStringToObject(src, "url", url);
	}
	return b;
}

/* A message's content as Anthropic content blocks (a string stays a string). */
static cJSON *content_blocks(const cJSON *content)
{
	const cJSON *part;
	if (!cJSON_IsArray(content))
		return cJSON_CreateString(cJSON_IsString(content) ? content->valuestring : "");
	cJSON *arr = cJSON_CreateArray();
	cJSON_ArrayForEach (part, content) {
		if (!strcmp(str_of(part, "type"), "image_url")) {
			cJSON_AddItemToArray(arr, image_block(part));
		} else {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "type", "text");
			cJSON_AddStringToObject(t, "text", str_of(part, "text"));
			cJSON_AddItemToArray(arr, t);
		}
	}
	return arr;
}

/* An assistant message with tool_calls as content blocks: its text, then tool_use blocks. */
static int tool_use_blocks(const cJSON *m, cJSON *arr, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	const cJSON *c;
	llmops_wire_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &text);
	if (text.len) {
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "type", "text");
		cJSON_AddStringToObject(t, "text", text.data);
		cJSON_AddItemToArray(arr, t);
	}
	llmops_buf_release(&text);
	cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(m, "tool_calls")) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
		const char *args = str_of(f, "arguments");
		cJSON *input = cJSON_Parse(*args ? args : "{}");
		if (!cJSON_IsObject(input)) {
			cJSON_Delete(input);
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"tool call '%.64s': its arguments are not a JSON object, "
				"which Anthropic's tool_use input must be",
				str_of(f, "name"));
		}
		cJSON *u = cJSON_CreateObject();
		cJSON_AddStringToObject(u, "type", "tool_use");
		cJSON_AddStringToObject(u, "id", str_of(c, "id"));
		cJSON_AddStringToObject(u, "name", str_of(f, "name"));
		cJSON_AddItemToObject(u, "input", input);
		cJSON_AddItemToArray(arr, u);
	}
	return 0;
}

/* tools, tool_choice and response_format into b. */
static int anthropic_tools(cJSON *b, const cJSON *extra, struct llmops_err *err)
{
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(extra, "tools"), *t;
	const cJSON *choice = cJSON_GetObjectItemCaseSensitive(extra, "tool_choice");
	const cJSON *rf = cJSON_GetObjectItemCaseSensitive(extra, "response_format");
	const char *rft = str_of(rf, "type");
	cJSON *out = NULL, *ch = NULL;
	if (!strcmp(rft, "json_object"))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "response_format json_object has no Anthropic translation: "
				      "give a json_schema");
	if (tools || !strcmp(rft, "json_schema"))
		out = cJSON_AddArrayToObject(b, "tools");
	cJSON_ArrayForEach (t, tools) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
		const cJSON *params = cJSON_GetObjectItemCaseSensitive(f, "parameters");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", str_of(f, "name"));
		if (cJSON_GetObjectItemCaseSensitive(f, "description"))
			cJSON_AddStringToObject(o, "description", str_of(f, "description"));
		if (params)
			cJSON_AddItemToObject(o, "input_schema", cJSON_Duplicate(params, 1));
		else /* a function with no parameters: an empty object */
			cJSON_AddItemToObject(
				o, "input_schema",
				cJSON_Parse("{\"type\":\"object\",\"properties\":{}}"));
		cJSON_AddItemToArray(out, o);
	}
	if (!strcmp(rft, "json_schema")) { /* the schema as a tool the answer must call */
		const cJSON *js = cJSON_GetObjectItemCaseSensitive(rf, "json_schema");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", LLMOPS_WIRE_FORMAT_TOOL);
		cJSON_AddStringToObject(o, "description",
					*str_of(js, "description")
						? str_of(js, "description")
						: "Give the answer as this object.");
		cJSON_AddItemToObject(
			o, "input_schema",
			cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(js, "schema"), 1));
		cJSON_AddItemToArray(out, o);
		ch = cJSON_AddObjectToObject(b, "tool_choice");
		cJSON_AddStringToObject(ch, "type", "tool");
		cJSON_AddStringToObject(ch, "name", LLMOPS_WIRE_FORMAT_TOOL);
		return 0;
	}
	if (!choice)
		return 0;
	ch = cJSON_AddObjectToObject(b, "tool_choice");
	if (cJSON_IsString(choice)) {
		const char *c = choice->valuestring;
		cJSON_AddStringToObject(ch, "type", !strcmp(c, "required") ? "any" : c);
	} else {
		cJSON_AddStringToObject(ch, "type", "tool");
		cJSON_AddStringToObject(
			ch, "name",
			str_of(cJSON_GetObjectItemCaseSensitive(choice, "function"), "name"));
	}
	return 0;
}

int llmops_wire_anthropic(cJSON *b, const cJSON *messages, const cJSON *extra,
			  struct llmops_err *err)
{
	struct llmops_buf sys = LLMOPS_BUF_INIT;
	const cJSON *m;
	cJSON *ms, *results = NULL; /* the user message collecting tool results */
	int rc = 0;
	cJSON_ArrayForEach (m, messages) {
		const char *role = str_of(m, "role");
		if (!strcmp(role, "system") || !strcmp(role, "developer")) {
			if (sys.len)
				llmops_buf_adds(&sys, "\n\n");
			llmops_wire_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &sys);
		}
	}
	if (sys.len)
		cJSON_AddStringToObject(b, "system", sys.data);
	llmops_buf_release(&sys);
	ms = cJSON_AddArrayToObject(b, "messages");
	cJSON_ArrayForEach (m, messages) {
		const char *role = str_of(m, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		if (!strcmp(role, "system") || !strcmp(role, "developer"))
			continue;
		if (!strcmp(role, "tool")) { /* into the one user message after the tool_use */
			cJSON *r = cJSON_CreateObject(), *blocks;
			struct llmops_buf t = LLMOPS_BUF_INIT;
			if (!results) {
				results = cJSON_CreateObject();
				cJSON_AddStringToObject(results, "role", "user");
				cJSON_AddArrayToObject(results, "content");
				cJSON_AddItemToArray(ms, results);
			}
			blocks = cJSON_GetObjectItemCaseSensitive(results, "content");
			llmops_wire_text(content, &t);
			cJSON_AddStringToObject(r, "type", "tool_result");
			cJSON_AddStringToObject(r, "tool_use_id", str_of(m, "tool_call_id"));
			cJSON_AddStringToObject(r, "content", t.data ? t.data : "");
			llmops_buf_release(&t);
			cJSON_AddItemToArray(blocks, r);
			continue;
		}
		results = NULL;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "role", role);
		if (cJSON_GetObjectItemCaseSensitive(m, "tool_calls")) {
			cJSON *arr = cJSON_AddArrayToObject(o, "content");
			rc = tool_use_blocks(m, arr, err);
		} else {
			cJSON_AddItemToObject(o, "content", content_blocks(content));
		}
		cJSON_AddItemToArray(ms, o);
		if (rc)
			return rc;
	}
	return extra ? anthropic_tools(b, extra, err) : 0;
}

int llmops_wire_anthropic_content(const cJSON *content, struct llmops_buf *text, cJSON **calls)
{
	const cJSON *part;
	*calls = NULL;
	cJSON_ArrayForEach (part, content) {
		const char *type = str_of(part, "type");
		if (!strcmp(type, "text")) {
			llmops_buf_adds(text, str_of(part, "text"));
			continue;
		}
		if (strcmp(type, "tool_use"))
			continue;
		const cJSON *input = cJSON_GetObjectItemCaseSensitive(part, "input");
		char *args = input ? cJSON_PrintUnformatted(input) : strdup("{}");
		if (!args)
			return LLMOPS_E_NOMEM;
		if (!strcmp(str_of(part, "name"), LLMOPS_WIRE_FORMAT_TOOL)) {
			llmops_buf_adds(text, args); /* the structured answer is the answer */
			free(args);
			continue;
		}
		if (!*calls && !(*calls = cJSON_CreateArray())) {
			free(args);
			return LLMOPS_E_NOMEM;
		}
		cJSON *c = cJSON_CreateObject(), *f;
		cJSON_AddStringToObject(c, "id", str_of(part, "id"));
		cJSON_AddStringToObject(c, "type", "function");
		f = cJSON_AddObjectToObject(c, "function");
		cJSON_AddStringToObject(f, "name", str_of(part, "name"));
		cJSON_AddStringToObject(f, "arguments", args);
		free(args);
		cJSON_AddItemToArray(*calls, c);
	}
	return 0;
}
