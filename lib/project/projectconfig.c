/*
 * projectconfig.c - llmops.json read once and typed (projectconfig.h).
 */
#include "projectconfig.h"

#include "configshape.h"
#include "json.h"
#include "redact.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const cJSON *member(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = member(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = member(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* "eval", whose types and ranges the shape check has settled. */
static int type_eval(struct llmops_config_eval *e, const cJSON *s)
{
	const cJSON *p = member(s, "prompt"), *x, *me = member(s, "max_errors");
	e->metric = str(s, "metric");
	e->threshold = num(s, "threshold");
	e->min_pass_rate = num(s, "min_pass_rate");
	e->max_cost = num(s, "max_cost");
	e->review_below = num(s, "review_below");
	e->rpm = num(s, "rpm");
	e->tpm = num(s, "tpm");
	e->timeout_ms = num(s, "timeout_ms");
	e->concurrency = llmops_json_long(member(s, "concurrency"), 1, 100000, -1);
	e->retries = llmops_json_long(member(s, "retries"), 0, 1000, -1);
	if (cJSON_IsNumber(me)) {
		snprintf(e->max_errors_num_, sizeof(e->max_errors_num_), "%.17g", me->valuedouble);
		e->max_errors = e->max_errors_num_;
	} else {
		e->max_errors = str(s, "max_errors");
	}
	e->embedding_provider = str(s, "embedding_provider");
	e->judge = str(s, "judge");
	e->moderation_provider = str(s, "moderation_provider");
	e->fallback = str(s, "fallback");
	if (cJSON_IsString(p) && llmops_strlist_append(&e->prompts, p->valuestring))
		return -1;
	if (cJSON_IsArray(p))
		cJSON_ArrayForEach (x, p)
			if (cJSON_IsString(x) && llmops_strlist_append(&e->prompts, x->valuestring))
				return -1;
	return 0;
}

static void init(struct llmops_config *c)
{
	memset(c, 0, sizeof(*c));
	c->text = (struct llmops_buf)LLMOPS_BUF_INIT;
	c->eval.prompts = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
	type_eval(&c->eval, NULL);
	c->cost.budget_usd = NAN;
	c->default_max_tokens = -1;
}

int llmops_config_load(struct llmops_config *c, const char *root, struct llmops_pricing *prices,
		       struct llmops_err *err)
{
	char path[4096];
	struct stat st;
	const cJSON *prov;
	init(c);
	snprintf(path, sizeof(path), "%s/llmops.json", root);
	if (stat(path, &st) != 0)
		return llmops_approval_load(&c->approval, NULL, prices, "", 0, "llmops.json", err);
	c->present = 1;
	if (llmops_buf_read_file(&c->text, path))
		return llmops_err_set(err, LLMOPS_E_USAGE, "cannot read %s", path);
	if (llmops_json_parse(&c->json, c->text.data, c->text.len, "llmops.json", err) ||
	    llmops_config_check_shape(c->json, c->text.data, c->text.len, "llmops.json", err))
		return err->code;
	/* a provider's key variable is a key whatever its name: never sent elsewhere, stored,
	   printed, exported or pushed */
	cJSON_ArrayForEach (prov, member(c->json, "providers")) {
		const char *k = str(prov, "api_key_env");
		if (k)
			llmops_redact_hold(k);
	}
	c->providers = member(c->json, "providers");
	c->lint = member(c->json, "lint");
	if (prices && llmops_config_add_prices(c, prices, err))
		return err->code;
	/* the approved models are checked by every command that reads the file */
	if (llmops_approval_load(&c->approval, member(c->json, "models"), prices, c->text.data,
				 c->text.len, "llmops.json", err))
		return err->code;
	if (type_eval(&c->eval, member(c->json, "eval")))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	const cJSON *cost = member(c->json, "cost");
	c->cost.budget_usd = num(cost, "budget_usd");
	c->cost.requests_per_day_ = member(cost, "requests_per_day");
	c->cost.requests_per_month_ = member(cost, "requests_per_month");
	const cJSON *dflt = member(c->providers, "default");
	c->default_model = str(dflt, "model");
	c->default_max_tokens = cJSON_IsNumber(member(dflt, "max_tokens"))
					? member(dflt, "max_tokens")->valuedouble
					: -1;
	return 0;
}

void llmops_config_release(struct llmops_config *c)
{
	llmops_approval_release(&c->approval);
	llmops_strlist_release(&c->eval.prompts);
	cJSON_Delete(c->json);
	llmops_buf_release(&c->text);
	memset(c, 0, sizeof(*c));
}

int llmops_config_add_prices(const struct llmops_config *c, struct llmops_pricing *prices,
			     struct llmops_err *err)
{
	const cJSON *p = member(c->json, "prices");
	if (!p)
		return 0;
	return llmops_pricing_add(prices, p, c->text.data, c->text.len, "llmops.json", "prices",
				  err);
}

int llmops_config_reapprove(struct llmops_config *c, const struct llmops_pricing *prices,
			    struct llmops_err *err)
{
	llmops_approval_release(&c->approval);
	return llmops_approval_load(&c->approval, member(c->json, "models"), prices,
				    c->text.data ? c->text.data : "", c->text.len, "llmops.json",
				    err);
}

double llmops_config_requests(const struct llmops_config *c, const char *name, int month)
{
	double n = num(month ? c->cost.requests_per_month_ : c->cost.requests_per_day_, name);
	return isnan(n) ? -1 : n;
}

int llmops_config_model_allowed(const struct llmops_config *c, const struct llmops_pricing *prices,
				const char *model, const char *who, struct llmops_strlist *warnings,
				struct llmops_err *err)
{
	char why[900];
	if (!llmops_approval_check(&c->approval, prices, model, why, sizeof(why)))
		return 0;
	if (c->approval.warn) {
		char w[1024];
		snprintf(w, sizeof(w), "warning: %s: %s", who, why);
		llmops_strlist_append(warnings, w);
		return 0;
	}
	return llmops_err_set(err, LLMOPS_E_USAGE,
			      "%s: %s (llmops.json models.unapproved: \"warn\" only warns)", who,
			      why);
}
