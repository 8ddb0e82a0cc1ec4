/*
 * fuzz_prompt.c - lib/prompt and lib/frontmatter: a version file as text
 * (front matter and template) or JSON (messages, tools), parsed and
 * rendered; what it renders translated for Anthropic (lib/wire) and
 * counted (lib/chatcount).
 */
#include "fuzz.h"
#include "frontmatter.h"
#include "models.h"
#include "prompt.h"
#include "tokenizer.h"
#include "wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_prompt *p = NULL;
	struct llmops_frontmatter fm;
	struct llmops_err err = {0};
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_render_opts opts = {NULL, NULL, &missing};
	static cJSON *vars;
	cJSON *msgs = NULL;
	int json;

	if (!vars)
		vars = cJSON_Parse("{\"input\": \"hello\", \"items\": [1, 2]}");
	if (size < 1)
		return 0;
	json = data[0] & 1;
	memset(&fm, 0, sizeof(fm));
	llmops_frontmatter_parse(&fm, (const char *)data + 1, size - 1, "v1.0.0.txt", &err);
	llmops_frontmatter_release(&fm);
	if (!llmops_prompt_parse_ex(&p, json ? "v1.0.0.json" : "v1.0.0.txt",
				    (const char *)data + 1, size - 1, json,
				    data[0] & 2 ? LLMOPS_PROMPT_LENIENT_META : 0, &err)) {
		cJSON *extra = NULL;
		if (!llmops_prompt_render(p, vars, &opts, &msgs, &err) &&
		    !llmops_prompt_render_extra(p, vars, &opts, &extra, &err)) {
			static struct llmops_tokenizer *tok;
			struct llmops_model_tokens mt;
			struct llmops_chat_count cc;
			long tools = 0;
			cJSON *b = cJSON_CreateObject(), *o = llmops_wire_openai_messages(msgs);
			llmops_wire_anthropic(b, msgs, extra, &err);
			if (!tok && llmops_tokenizer_open(&tok, "o200k_base", &err))
				abort();
			llmops_model_tokens("gpt-4o", NULL, &mt);
			if (!llmops_count_chat_ex(tok, &mt, msgs, &cc, &err) &&
			    (cc.tool_calls < 0 || cc.tool_results < 0 || cc.total < 3))
				abort();
			llmops_count_tools(tok, &mt, cJSON_GetObjectItemCaseSensitive(extra, "tools"),
					   &tools, &err);
			cJSON_Delete(o);
			cJSON_Delete(b);
		}
		cJSON_Delete(msgs);
		cJSON_Delete(extra);
		llmops_prompt_free(p);
	}
	llmops_strlist_release(&missing);
	return 0;
}
