/*
 * fuzz_template.c - lib/template: parse, list variables and tags, and
 * render against fixed data whose names fuzzed templates will find.
 */
#include "fuzz.h"
#include "template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int partial(void *ud, const char *name, struct llmops_buf *text, struct llmops_buf *label,
		   struct llmops_err *err)
{
	(void)ud;
	(void)err;
	llmops_buf_addf(label, "_partials/%s.txt", name);
	/* a partial that opens sections and includes itself: recursion is bounded */
	llmops_buf_adds(text, name[0] == 'r' ? "{{#a}}[{{> r}}]{{/a}}" : "p:{{x}}");
	return 0;
}

static int count_tag(void *ud, const struct llmops_tag *t)
{
	(void)t;
	(*(size_t *)ud)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cJSON *vars;
	struct llmops_template *t = NULL;
	struct llmops_err err = {0};
	struct llmops_strlist names = LLMOPS_STRLIST_INIT, missing = LLMOPS_STRLIST_INIT;
	struct llmops_buf out = LLMOPS_BUF_INIT;
	struct llmops_render_opts opts = {partial, NULL, &missing};
	size_t ntags = 0;

	if (!vars)
		vars = cJSON_Parse("{\"a\": [1, {\"b\": \"x\"}, true], \"x\": 8.5e77, \"y\": -0.0,"
				   " \"n\": null, \"s\": \"\", \"o\": {\"a\": {\"a\": 1}}}");
	if (llmops_template_parse(&t, (const char *)data, size, "t.txt", 1, 1, &err) == 0) {
		llmops_template_variables(t, &names);
		llmops_template_tags(t, count_tag, &ntags);
		llmops_template_render(t, vars, &opts, &out, &err);
		llmops_template_free(t);
	}
	llmops_strlist_release(&names);
	llmops_strlist_release(&missing);
	llmops_buf_release(&out);
	return 0;
}
