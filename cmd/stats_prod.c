/*
 * stats_prod.c - `llmops stats --canary` and `--budget`: the production
 * views of stats, printed as a verdict a deploy script can gate on.
 */
#include "llmops.h"

#include "output.h"
#include "prodstats.h"
#include "prompt_cmd.h"
#include "run_fmt.h"
#include "stats_prod.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void fmt_metric(char *out, size_t n, const char *metric, double v)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else if (!strcmp(metric, "latency_ms"))
		snprintf(out, n, "%.0f ms", v);
	else if (!strcmp(metric, "cost_usd"))
		snprintf(out, n, "$%.6f", v);
	else
		snprintf(out, n, "%.1f%%", 100 * v);
}

static cJSON *side_json(const struct llmops_canary_side *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", s->version);
	cJSON_AddNumberToObject(o, "requests", (double)s->requests);
	cJSON_AddNumberToObject(o, "errors", (double)s->errors);
	llmops_runfmt_add_num(o, "error_rate", s->error_rate);
	llmops_runfmt_add_num(o, "latency_mean_ms", s->latency_mean);
	llmops_runfmt_add_num(o, "latency_p50_ms", s->latency_p50);
	llmops_runfmt_add_num(o, "latency_p95_ms", s->latency_p95);
	llmops_runfmt_add_num(o, "cost_mean_usd", s->cost_mean);
	cJSON_AddNumberToObject(o, "scored", (double)s->scored);
	cJSON_AddNumberToObject(o, "passed", (double)s->passed);
	llmops_runfmt_add_num(o, "pass_rate", s->pass_rate);
	return o;
}

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
	const char *verdict = c.regression   ? "regression"
			      : c.conclusive ? "no regression"
					     : "inconclusive";
	if (json) {
		cJSON *x = cJSON_AddObjectToObject(doc, "canary"), *tests;
		cJSON_AddStringToObject(x, "prompt", o->canary);
		cJSON_AddNumberToObject(x, "weight", weight);
		cJSON_AddItemToObject(x, "stable", side_json(&c.stable));
		cJSON_AddItemToObject(x, "canary", side_json(&c.canary));
		cJSON_AddNumberToObject(x, "significance", o->alpha);
		tests = cJSON_AddArrayToObject(x, "tests");
		for (int i = 0; i < c.ntests; i++) {
			const struct llmops_canary_test *t = &c.tests[i];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddStringToObject(y, "metric", t->metric);
			cJSON_AddBoolToObject(y, "tested", t->tested);
			llmops_runfmt_add_num(y, "stable", t->stable);
			llmops_runfmt_add_num(y, "canary", t->canary);
			llmops_runfmt_add_num(y, "p", t->p);
			cJSON_AddBoolToObject(y, "worse", t->worse);
			cJSON_AddItemToArray(tests, y);
		}
		cJSON_AddStringToObject(x, "verdict", verdict);
		llmops_canary_release(&c);
		return 0;
	}
	printf("canary %s@%s (%d%%) against stable %s, on production%s%s:\n", o->canary, canary,
	       weight, stable, o->since ? " since " : "", o->since ? o->since : "");
	struct llmops_table t;
	llmops_table_init(&t, 5);
	llmops_table_add(&t, "");
	llmops_table_addf(&t, "%s", stable);
	llmops_table_addf(&t, "%s", canary);
	llmops_table_add(&t, "p");
	llmops_table_add(&t, "");
	llmops_table_add(&t, "requests");
	llmops_table_addf(&t, "%ld", c.stable.requests);
	llmops_table_addf(&t, "%ld", c.canary.requests);
	llmops_table_add(&t, "");
	llmops_table_add(&t, "");
	for (int i = 0; i < c.ntests; i++) {
		const struct llmops_canary_test *x = &c.tests[i];
		char a[32], b[32];
		fmt_metric(a, sizeof(a), x->metric, x->stable);
		fmt_metric(b, sizeof(b), x->metric, x->canary);
		llmops_table_add(&t, x->metric);
		llmops_table_add(&t, a);
		llmops_table_add(&t, b);
		if (x->tested)
			llmops_table_addf(&t, "%.3g", x->p);
		else
			llmops_table_add(&t, "-");
		llmops_table_add(&t, x->worse	 ? "worse"
				     : x->tested ? ""
				     : !strcmp(x->metric, "pass_rate")
					     ? "too few scored (llmops eval --production)"
					     : "too little traffic");
	}
	llmops_table_print(stdout, &t, "  ", "  ");
	llmops_table_release(&t);
	printf("verdict: %s%s%s",
	       llmops_color(ctx, c.regression ? LLMOPS_SGR_RED : LLMOPS_SGR_GREEN), verdict,
	       llmops_color(ctx, LLMOPS_SGR_RESET));
	if (c.regression) {
		const char *sep = " (";
		for (int i = 0; i < c.ntests; i++) {
			if (!c.tests[i].worse)
				continue;
			printf("%s%s p = %.3g", sep, c.tests[i].metric, c.tests[i].p);
			sep = "; ";
		}
		printf(")");
	} else if (!c.conclusive) {
		printf(" (fewer than %d requests on a side)", LLMOPS_CANARY_MIN_REQUESTS);
	}
	printf(" at p < %g\n", o->alpha);
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
		cJSON_AddNumberToObject(x, "budget_usd", o->budget);
		cJSON_AddNumberToObject(x, "production_usd", prod);
		cJSON_AddNumberToObject(x, "evaluation_usd", eval);
		cJSON_AddNumberToObject(x, "spent_usd", prod + eval);
		cJSON_AddBoolToObject(x, "over", *over);
		return 0;
	}
	printf("\nspend%s%s: $%.6f production + $%.6f evaluation = $%.6f of a $%g budget: %s\n",
	       o->since ? " since " : "", o->since ? o->since : "", prod, eval, prod + eval,
	       o->budget, *over ? "over" : "within");
	return 0;
}
