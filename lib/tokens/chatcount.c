/*
 * chatcount.c - the prompt tokens of a chat request (see models.h): its
 * messages with the chat format's overhead, the tool calls and results in
 * them, and the tool definitions beside them.
 *
 * Sources: OpenAI's cookbook "How to count tokens with tiktoken"
 * (github.com/openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb):
 * num_tokens_from_messages (3 tokens per message, 1 more per name, 3 to
 * prime the reply; every string field of a message counted) and
 * num_tokens_for_tools (per function 7 tokens for gpt-4o-era models, 10 for
 * gpt-3.5 / gpt-4, then "name:description" with a final '.' dropped; 3
 * when it has properties, then per property 3 and "name:type:description";
 * an enum -3 and per item 3 and the item; 12 after the last function).
 * OpenAI documents neither a tool call's nor a tool result's count: they
 * are counted as the cookbook counts every string of a message (a call's
 * id, name and arguments), which the man page states as an estimate.
 */
#include "models.h"

#include "buf.h"
#include "image.h"
#include "tokenizer.h"

#include <cjson/cJSON.h>
#include <string.h>

static int count_text(struct llmops_tokenizer *t, const char *s, size_t n, const char *what,
		      long *sum, struct llmops_err *err)
{
	size_t k = 0;
	int rc = llmops_tokenize(t, s, n, 0, what, NULL, &k, err);
	*sum += (long)k;
	return rc;
}

static int count_str(struct llmops_tokenizer *t, const cJSON *v, const char *what, long *sum,
		     struct llmops_err *err)
{
	if (!cJSON_IsString(v))
		return llmops_err_set(err, LLMOPS_E_INPUT, "a message's %s is not a string", what);
	return count_text(t, v->valuestring, strlen(v->valuestring), what, sum, err);
}

/* An image part's tokens for mt (image.h), or -1 when they cannot be known. */
static long image_tokens(const struct llmops_model_tokens *mt, const cJSON *part)
{
	const cJSON *iu = cJSON_GetObjectItemCaseSensitive(part, "image_url");
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(iu, "url");
	const cJSON *detail = cJSON_GetObjectItemCaseSensitive(iu, "detail");
	struct llmops_image im;
	if (!cJSON_IsString(url) || llmops_image_of_url(url->valuestring, &im))
		return -1;
	if (mt->img_anthropic)
		return llmops_image_tokens_anthropic(im.width, im.height);
	if (mt->img_patch_mult > 0)
		return llmops_image_tokens_patches(im.width, im.height, mt->img_patch_mult);
	if (!mt->img_base)
		return -1;
	return llmops_image_tokens_openai(im.width, im.height,
					  cJSON_IsString(detail) ? detail->valuestring : NULL,
					  mt->img_base, mt->img_tile);
}

/* A message's content: a string, or its parts (text, and images where their size and the
   model's pricing of them are known). */
static int count_content(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
			 const cJSON *c, long *sum, struct llmops_chat_count *out,
			 struct llmops_err *err)
{
	const cJSON *part;
	if (!c || cJSON_IsNull(c))
		return 0;
	if (!cJSON_IsArray(c))
		return count_str(t, c, "content", sum, err);
	cJSON_ArrayForEach (part, c) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
		if (cJSON_IsString(type) && !strcmp(type->valuestring, "image_url")) {
			long k = image_tokens(mt, part);
			if (k < 0) {
				out->images_uncounted++;
			} else {
				*sum += k;
				out->images += k;
			}
			continue;
		}
		int rc = count_str(t, cJSON_GetObjectItemCaseSensitive(part, "text"), "text", sum,
				   err);
		if (rc)
			return rc;
	}
	return 0;
}

int llmops_count_chat_ex(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
			 const cJSON *messages, struct llmops_chat_count *out,
			 struct llmops_err *err)
{
	long sum = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	for (const cJSON *m = messages ? messages->child : NULL; m; m = m->next) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "tool_call_id");
		const cJSON *c;
		long before = sum;
		sum += mt->per_message;
		if ((rc = count_str(t, cJSON_GetObjectItemCaseSensitive(m, "role"), "role", &sum,
				    err)) ||
		    (rc = count_content(t, mt, cJSON_GetObjectItemCaseSensitive(m, "content"), &sum,
					out, err)))
			return rc;
		if (name) {
			sum += mt->per_name;
			if ((rc = count_str(t, name, "name", &sum, err)))
				return rc;
		}
		if (id && (rc = count_str(t, id, "tool_call_id", &sum, err)))
			return rc;
		cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(m, "tool_calls")) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
			long calls = sum;
			if ((rc = count_str(t, cJSON_GetObjectItemCaseSensitive(c, "id"), "call id",
					    &sum, err)) ||
			    (rc = count_str(t, cJSON_GetObjectItemCaseSensitive(f, "name"),
					    "call name", &sum, err)) ||
			    (rc = count_str(t, cJSON_GetObjectItemCaseSensitive(f, "arguments"),
					    "call arguments", &sum, err)))
				return rc;
			out->tool_calls += sum - calls;
		}
		if (id)
			out->tool_results += sum - before;
	}
	out->messages = sum + mt->per_reply;
	out->total = out->messages;
	return LLMOPS_OK;
}

int llmops_count_chat(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
		      const cJSON *messages, long *out, struct llmops_err *err)
{
	struct llmops_chat_count cc;
	int rc = llmops_count_chat_ex(t, mt, messages, &cc, err);
	*out = rc ? 0 : cc.total;
	return rc;
}

/* s with one final '.' dropped, as the cookbook's counter does. */
static size_t undotted(const char *s)
{
	size_t n = strlen(s);
	return n && s[n - 1] == '.' ? n - 1 : n;
}

/* "a:b" or "a:b:c" (parts may be NULL: ""), tokenized. */
static int count_line(struct llmops_tokenizer *t, const char *a, const char *b, const char *c,
		      long *sum, struct llmops_err *err)
{
	struct llmops_buf line = LLMOPS_BUF_INIT;
	llmops_buf_adds(&line, a ? a : "");
	llmops_buf_addch(&line, ':');
	if (b)
		llmops_buf_add(&line, b, c ? strlen(b) : undotted(b));
	if (c) {
		llmops_buf_addch(&line, ':');
		llmops_buf_add(&line, c, undotted(c));
	}
	int rc = line.oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
			  : count_text(t, line.data, line.len, "tool", sum, err);
	llmops_buf_release(&line);
	return rc;
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int llmops_count_tools(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
		       const cJSON *tools, long *out, struct llmops_err *err)
{
	/* gpt-3.5 and gpt-4 (cl100k_base) open each function with 10 tokens, later models 7 */
	const long func_init = mt->encoding && !strcmp(mt->encoding, "cl100k_base") ? 10 : 7;
	const long prop_init = 3, prop_key = 3, enum_init = -3, enum_item = 3, func_end = 12;
	const cJSON *tool, *prop, *item;
	long sum = 0;
	int rc;
	*out = 0;
	cJSON_ArrayForEach (tool, tools) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(tool, "function");
		const cJSON *props = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(f, "parameters"), "properties");
		sum += func_init;
		if ((rc = count_line(t, str_of(f, "name"), str_of(f, "description"), NULL, &sum,
				     err)))
			return rc;
		if (cJSON_IsObject(props) && props->child)
			sum += prop_init;
		const cJSON *plist = cJSON_IsObject(props) ? props : NULL;
		cJSON_ArrayForEach (prop, plist) {
			const cJSON *en = cJSON_GetObjectItemCaseSensitive(prop, "enum");
			const char *type = str_of(prop, "type");
			sum += prop_key;
			if (en) {
				sum += enum_init;
				cJSON_ArrayForEach (item, en) {
					sum += enum_item;
					if (cJSON_IsString(item) &&
					    (rc = count_text(t, item->valuestring,
							     strlen(item->valuestring), "tool",
							     &sum, err)))
						return rc;
				}
			}
			if ((rc = count_line(
				     t, prop->string, type ? type : "",
				     str_of(prop, "description") ? str_of(prop, "description") : "",
				     &sum, err)))
				return rc;
		}
	}
	if (tools && tools->child)
		sum += func_end;
	*out = sum;
	return 0;
}
