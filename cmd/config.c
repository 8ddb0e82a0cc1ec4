/*
 * config.c - reading llmops.json (see config.h).
 */
#include "llmops.h"

#include "config.h"

#include "redact.h"
#include "configshape.h"
#include "json.h"

#include <stdio.h>
#include <sys/stat.h>

const cJSON *config_get(const cJSON *cfg, const char *a, const char *b)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(cfg, a);
	return b ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

int config_load(const char *root, cJSON **cfg, struct llmops_buf *text,
		struct llmops_pricing *prices)
{
	struct llmops_err err = {0};
	char path[4096];
	struct stat st;
	*cfg = NULL;
	snprintf(path, sizeof(path), "%s/llmops.json", root);
	if (stat(path, &st) != 0)
		return 0;
	if (llmops_buf_read_file(text, path)) {
		llmops_error("cannot read %s", path);
		return LLMOPS_EXIT_USAGE;
	}
	if (llmops_json_parse(cfg, text->data, text->len, "llmops.json", &err) ||
	    llmops_config_check_shape(*cfg, text->data, text->len, "llmops.json", &err))
		return llmops_report(&err);
	/* a provider's key variable is a key whatever its name: never sent elsewhere, stored,
	   printed, exported or pushed */
	const cJSON *prov;
	cJSON_ArrayForEach (prov, cJSON_GetObjectItemCaseSensitive(*cfg, "providers")) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(prov, "api_key_env");
		if (cJSON_IsString(k))
			llmops_redact_hold(k->valuestring);
	}
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(*cfg, "prices");
	if (p && prices &&
	    llmops_pricing_add(prices, p, text->data, text->len, "llmops.json", "prices", &err))
		return llmops_report(&err);
	/* the approved models are checked by every command that reads the file */
	struct llmops_approval a;
	int rc = config_approval(*cfg, text, prices, &a);
	llmops_approval_release(&a);
	return rc;
}

int config_approval(const cJSON *cfg, const struct llmops_buf *text,
		    const struct llmops_pricing *prices, struct llmops_approval *a)
{
	struct llmops_err err = {0};
	if (llmops_approval_load(a, config_get(cfg, "models", NULL), prices,
				 text->data ? text->data : "", text->len, "llmops.json", &err))
		return llmops_report(&err);
	return 0;
}

int config_model_allowed(const struct llmops_approval *a, const struct llmops_pricing *prices,
			 const char *model, const char *who)
{
	char why[1024];
	if (!llmops_approval_check(a, prices, model, why, sizeof(why)))
		return 0;
	if (a->warn) {
		llmops_error("warning: %s: %s", who, why);
		return 0;
	}
	llmops_error("%s: %s (llmops.json models.unapproved: \"warn\" only warns)", who, why);
	return LLMOPS_EXIT_USAGE;
}
