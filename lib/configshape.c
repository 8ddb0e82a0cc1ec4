/*
 * configshape.c - the shape of llmops.json (see configshape.h).
 */
#include "configshape.h"

#include "json.h"

#include <stdio.h>
#include <string.h>

/* v's type with its article: "an array", "a string", "null" */
static void kind(const cJSON *v, char *out, size_t n)
{
	const char *t = llmops_json_type_name(v);
	snprintf(out, n, "%s%s", t[0] == 'n' && t[1] == 'u' ? "" : strchr("aeiou", t[0]) ? "an " : "a ",
		 t);
}

static int at(struct llmops_err *err, const char *text, size_t len, const char *file,
	      const char *const *steps, size_t n, const char *fmt_what, const char *what,
	      const cJSON *v)
{
	int line = 1, col = 1;
	char k[32];
	kind(v, k, sizeof(k));
	llmops_json_locate(text, len, steps, n, 0, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col, "%s must be %s, not %s",
			     fmt_what, what, k);
}

int llmops_config_check_shape(const cJSON *root, const char *text, size_t len, const char *file,
			      struct llmops_err *err)
{
	static const char *const sections[] = {"eval", "cost", "lint", "prices"};
	const char *steps[2];
	const cJSON *p, *e;
	char where[300];

	if (!cJSON_IsObject(root))
		return at(err, text, len, file, steps, 0, "llmops.json",
			  "an object of settings ({\"providers\": {...}, \"eval\": {...}})", root);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		e = cJSON_GetObjectItemCaseSensitive(root, sections[i]);
		steps[0] = sections[i];
		if (e && !cJSON_IsObject(e))
			return at(err, text, len, file, steps, 1, sections[i], "an object", e);
	}
	p = cJSON_GetObjectItemCaseSensitive(root, "providers");
	steps[0] = "providers";
	if (!p)
		return LLMOPS_OK;
	if (!cJSON_IsObject(p))
		return at(err, text, len, file, steps, 1, "providers",
			  "an object that maps names to provider settings "
			  "({\"local\": {\"type\": \"openai\", \"model\": ...}})",
			  p);
	cJSON_ArrayForEach (e, p) {
		if (e->string[0] == '$' || cJSON_IsObject(e))
			continue;
		steps[1] = e->string;
		snprintf(where, sizeof(where), "providers.%.200s", e->string);
		return at(err, text, len, file, steps, 2, where,
			  "an object ({\"type\": ..., \"model\": ...})", e);
	}
	return LLMOPS_OK;
}
