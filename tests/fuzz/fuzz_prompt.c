/*
 * fuzz_prompt.c - lib/prompt and lib/frontmatter: a version file as text
 * (front matter and template) or JSON (messages), parsed and rendered.
 */
#include "fuzz.h"
#include "frontmatter.h"
#include "prompt.h"

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
		if (!llmops_prompt_render(p, vars, &opts, &msgs, &err))
			cJSON_Delete(msgs);
		llmops_prompt_free(p);
	}
	llmops_strlist_release(&missing);
	return 0;
}
