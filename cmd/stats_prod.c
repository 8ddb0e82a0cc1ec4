/*
 * stats_prod.c - `llmops stats --canary` and `--budget`: the production
 * views of stats, printed as a verdict a deploy script can gate on.
 */
#include "llmops.h"

#include "json.h"

#include "prompt_cmd.h"
#include "stats_prod.h"
#include "stats_view.h"

/* The canary of name from prompts.lock and its stable version, or an error (exit status). */
static int lock_versions(struct llmops_ctx *ctx, const char *name, char *stable, char *canary,
			 size_t n, int *weight)
{
	struct llmops_prompt_env env;
	int rc = prompt_env_open(&env, ctx);
	if (rc)
		return rc;
	const struct llmops_lock_entry *s = llmops_lock_find(&env.lock, name);
	const struct llmops_lock_entry *c = llmops_lock_canary(&env.lock, name);
	if (!s || !c) {
		llmops_error("stats --canary: %s has %s in %s; pin one with 'llmops prompt pin "
			     "%s@VERSION --canary PCT'",
			     name, s ? "no canary" : "no pinned version", LLMOPS_LOCK_FILE, name);
		llmops_prompt_env_close(&env);
		return LLMOPS_EXIT_USAGE;
	}
	snprintf(stable, n, "%s", s->version);
	snprintf(canary, n, "%s", c->version);
	*weight = c->weight;
	llmops_prompt_env_close(&env);
	return 0;
}

int stats_canary(struct llmops_ctx *ctx, struct llmops_ledger *lg, const struct stats_prod *o,
		 int json, cJSON *doc, int *regression)
{
	struct llmops_err err = {0};
	struct llmops_canary c;
	char stable[128], canary[128];
	int weight = 0, rc;

	*regression = 0;
	if ((rc = lock_versions(ctx, o->canary, stable, canary, sizeof(stable), &weight)))
		return rc;
	if (llmops_ledger_canary(lg, o->canary, stable, canary, o->since, o->alpha, &c, &err))
		return llmops_report(&err);
	*regression = c.regression;
	const struct llmops_canary_view v = {o->canary, stable, canary, weight, o->since, o->alpha};
	if (json) {
		cJSON_AddItemToObject(doc, "canary", llmops_canary_json(&c, &v));
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_canary_print(stdout, &c, &v, &sgr);
	}
	llmops_canary_release(&c);
	return 0;
}

int stats_budget(struct llmops_ledger *lg, const struct stats_prod *o, int json, cJSON *doc,
		 int *over)
{
	struct llmops_err err = {0};
	double prod, eval;
	if (llmops_ledger_spend(lg, o->since, &prod, &eval, &err))
		return llmops_report(&err);
	*over = prod + eval > o->budget;
	if (json) {
		cJSON *x = cJSON_AddObjectToObject(doc, "budget");
		LLMOPS_JSON_NUMS(x, {"budget_usd", o->budget}, {"production_usd", prod},
				 {"evaluation_usd", eval}, {"spent_usd", prod + eval});
		cJSON_AddBoolToObject(x, "over", *over);
		return 0;
	}
	printf("\nspend%s%s: $%.6f production + $%.6f evaluation = $%.6f of a $%g budget: %s\n",
	       o->since ? " since " : "", o->since ? o->since : "", prod, eval, prod + eval,
	       o->budget, *over ? "over" : "within");
	return 0;
}
