/*
 * config.c - llmops.json for the commands (cmdconfig.h).
 */
#include "llmops.h"

#include "cmdconfig.h"

int config_load(const char *root, struct llmops_config *c, struct llmops_pricing **prices)
{
	struct llmops_err err = {0};
	if (llmops_pricing_builtin(prices, &err) || llmops_config_load(c, root, *prices, &err))
		return llmops_report(&err);
	return 0;
}

int config_model_allowed(const struct llmops_config *c, const struct llmops_pricing *prices,
			 const char *model, const char *who)
{
	struct llmops_strlist warnings = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	int rc = llmops_config_model_allowed(c, prices, model, who, &warnings, &err);
	for (size_t i = 0; i < warnings.nr; i++)
		llmops_error("%s", warnings.items[i]);
	llmops_strlist_release(&warnings);
	return rc ? llmops_report(&err) : 0;
}
