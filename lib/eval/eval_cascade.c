/*
 * eval_cascade.c - model cascades: a variant whose provider is a cascade asks
 * each case of its first tier; an answer that fails the cascade's check is
 * kept as that tier's and the case is asked of the next tier, until one
 * passes or the last tier has answered.  The result is the last tier's
 * answer, with what every tier took (tokens, cost, latency, requests) added
 * up, and each tier's answer kept (results.tiers).
 */
#include "internal.h"

#include "buf.h"
#include "json.h"
#include "jsonschema.h"
#include "mem.h"
#include "runfmt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The check's schema: FILE relative to the repository root (absolute as it is), a JSON
   Schema this module can apply. */
static int load_schema(struct eval_setup *h, struct llmops_eval_variant *v, const char *file)
{
	struct llmops_eval *ev = h->ev;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	char path[4096];
	struct llmops_err e = {0};
	if (file[0] == '/' || !ev->root)
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", ev->root, file);
	if (llmops_buf_read_file(&text, path))
		return llmops_err_set(h->err, LLMOPS_E_USAGE, "provider '%s': check schema:%s: %s",
				      v->cascade->label, file, strerror(errno));
	int rc = llmops_json_parse(&v->check_schema, text.data, text.len, path, &e);
	llmops_buf_release(&text);
	if (!rc && (rc = llmops_schema_check(v->check_schema, &e)))
		return llmops_err_set(h->err, LLMOPS_E_USAGE, "provider '%s': check schema:%s: %s",
				      v->cascade->label, file, e.msg);
	if (rc)
		return llmops_err_set(h->err, rc, "%s", e.msg);
	return 0;
}

int llmops_eval_cascade_setup(struct eval_setup *h, struct llmops_eval_variant *v)
{
	struct llmops_eval *ev = h->ev;
	const struct llmops_price *price = NULL;
	struct llmops_err e = {0};
	int rc;
	v->cascade = v->prov;
	v->ntiers = v->cascade->tiers.nr;
	if (h->o->fallback)
		return llmops_err_set(h->err, LLMOPS_E_USAGE,
				      "--fallback with the cascade '%s': its next tier is its "
				      "fallback already",
				      v->cascade->label);
	for (size_t t = 0; t < v->ntiers; t++) {
		if ((rc = llmops_eval_add_provider(h, v->cascade->tiers.items[t], &v->tiers[t])))
			return rc;
		v->tier_price[t] =
			v->tiers[t]->model && !llmops_pricing_find(ev->prices, v->tiers[t]->model,
								   &price, &e)
				? price
				: NULL;
	}
	v->prov = v->tiers[0];
	v->price = v->tier_price[0];
	v->fallback = NULL;
	v->check = !strncmp(v->cascade->check, "schema:", 7)	? LLMOPS_CHECK_SCHEMA
		   : !strncmp(v->cascade->check, "logprob:", 8) ? LLMOPS_CHECK_LOGPROB
								: LLMOPS_CHECK_PASS;
	if (v->check == LLMOPS_CHECK_SCHEMA)
		return load_schema(h, v, v->cascade->check + 7);
	if (v->check == LLMOPS_CHECK_LOGPROB) {
		v->check_min = strtod(v->cascade->check + 8, NULL);
		/* every tier that may escalate must say how sure it is */
		for (size_t t = 0; t + 1 < v->ntiers; t++)
			if (v->tiers[t]->type != LLMOPS_PROVIDER_OPENAI &&
			    v->tiers[t]->type != LLMOPS_PROVIDER_OLLAMA)
				return llmops_err_set(
					h->err, LLMOPS_E_USAGE,
					"provider '%s': check %s: tier %zu '%s' gives "
					"no log-probabilities (openai: and ollama: "
					"tiers do)",
					v->cascade->label, v->cascade->check, t + 1,
					v->tiers[t]->label);
	}
	return 0;
}

const cJSON *llmops_eval_cascade_extra(const struct llmops_eval *ev,
				       const struct llmops_eval_job *j, cJSON **own)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	*own = NULL;
	if (!v->cascade || v->check != LLMOPS_CHECK_LOGPROB || (size_t)j->tier + 1 >= v->ntiers)
		return j->extra; /* the last tier's answer is the case's however sure it is */
	*own = j->extra ? cJSON_Duplicate(j->extra, 1) : cJSON_CreateObject();
	if (*own && !cJSON_HasObjectItem(*own, "logprobs"))
		cJSON_AddTrueToObject(*own, "logprobs");
	return *own;
}

double llmops_eval_mean_logprob(const char *body, size_t len)
{
	cJSON *b = body ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b, "choices"), 0);
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(ch, "logprobs"), *t;
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(lp, "content");
	double sum = 0;
	long n = 0;
	cJSON_ArrayForEach (t, content) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(t, "logprob");
		if (cJSON_IsNumber(x) && isfinite(x->valuedouble) && x->valuedouble <= 0) {
			sum += x->valuedouble;
			n++;
		}
	}
	cJSON_Delete(b);
	return n ? sum / (double)n : NAN;
}

const struct llmops_provider *llmops_eval_job_prov(const struct llmops_eval *ev,
						   const struct llmops_eval_job *j,
						   const struct llmops_price **price)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	const struct llmops_price *pr = v->price;
	const struct llmops_provider *p = v->prov;
	if (v->cascade) {
		p = v->tiers[j->tier];
		pr = v->tier_price[j->tier];
	} else if (j->on_fallback && v->fallback) {
		p = v->fallback;
		pr = v->fallback_price;
	}
	if (price)
		*price = pr;
	return p;
}

/* Whether the answer is one JSON value the schema accepts. */
static int schema_ok(const cJSON *schema, const char *out)
{
	const char *end = NULL;
	size_t len = out ? strlen(out) : 0;
	cJSON *doc = out ? cJSON_ParseWithLengthOpts(out, len, &end, 0) : NULL;
	while (doc && end && *end && strchr(" \t\r\n", *end))
		end++;
	int ok = doc && end && !*end;
	if (ok) {
		struct llmops_buf why = LLMOPS_BUF_INIT;
		ok = llmops_schema_validate(schema, doc, &why) == 1;
		llmops_buf_release(&why);
	}
	cJSON_Delete(doc);
	return ok;
}

int llmops_eval_cascade_escalates(const struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	if (!v->cascade || (size_t)j->tier + 1 >= v->ntiers || j->res.passed == LLMOPS_SKIPPED ||
	    ev->judge.preference) /* judge:pairwise compares the pair's first answers */
		return 0;
	if (j->res.passed == LLMOPS_ERRORED)
		return 1; /* no answer to keep: the next tier is the fallback */
	if (v->check == LLMOPS_CHECK_SCHEMA)
		return !schema_ok(v->check_schema, j->res.output);
	if (v->check == LLMOPS_CHECK_LOGPROB) /* no log-probabilities: it cannot tell, ask on */
		return isnan(j->logprob) || j->logprob < v->check_min;
	return j->res.passed != 1;
}

/* Why j's answer escalates, into why[n] (it does: llmops_eval_cascade_escalates). */
static void escalated_because(const struct llmops_eval *ev, const struct llmops_eval_job *j,
			      char *why, size_t n)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	if (j->res.passed == LLMOPS_ERRORED)
		snprintf(why, n, "the request failed");
	else if (v->check == LLMOPS_CHECK_SCHEMA)
		snprintf(why, n, "the answer is not JSON that %s accepts", v->cascade->check + 7);
	else if (v->check == LLMOPS_CHECK_LOGPROB && isnan(j->logprob))
		snprintf(why, n, "the answer gave no log-probabilities");
	else if (v->check == LLMOPS_CHECK_LOGPROB)
		snprintf(why, n, "mean token log-probability %.3f < %g", j->logprob, v->check_min);
	else
		snprintf(why, n, "the case did not pass");
}

/* The answer j holds, as its tier's entry of results.tiers. */
static cJSON *tier_json(const struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	const struct llmops_provider *p = llmops_eval_job_prov(ev, j, NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "tier", j->tier + 1);
	cJSON_AddStringToObject(o, "provider", p->label);
	cJSON_AddItemToObject(o, "model",
			      p->model ? cJSON_CreateString(p->model) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "output",
			      j->res.output ? cJSON_CreateString(j->res.output)
					    : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "passed",
			      j->res.passed >= 0 ? cJSON_CreateBool(j->res.passed)
						 : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "error",
			      j->res.error ? cJSON_CreateString(j->res.error) : cJSON_CreateNull());
	LLMOPS_JSON_NUMS(o, {"score", j->res.score},
			 {"tokens_in", j->res.tokens_in >= 0 ? (double)j->res.tokens_in : NAN},
			 {"tokens_out", j->res.tokens_out >= 0 ? (double)j->res.tokens_out : NAN},
			 {"cost_usd", j->res.cost_usd}, {"latency_ms", j->res.latency_ms},
			 {"attempts", j->res.attempts});
	cJSON_AddBoolToObject(o, "cache_hit", j->res.cache_hit);
	if (ev->vars[j->vi].check == LLMOPS_CHECK_LOGPROB)
		llmops_runfmt_add_num(o, "logprob", j->logprob);
	return o;
}

int llmops_eval_cascade_keep(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	cJSON *t = tier_json(ev, j);
	if (!t || (!j->tiers && !(j->tiers = cJSON_CreateArray()))) {
		cJSON_Delete(t);
		return -1;
	}
	cJSON_AddItemToArray(j->tiers, t);
	return 0;
}

int llmops_eval_cascade_next(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	struct llmops_eval_variant *v = &ev->vars[j->vi];
	char why[160];
	escalated_because(ev, j, why, sizeof(why));
	if (llmops_eval_cascade_keep(ev, j))
		return -1;
	cJSON_AddStringToObject(cJSON_GetArrayItem(j->tiers, cJSON_GetArraySize(j->tiers) - 1),
				"escalated", why);
	/* what this tier took, added to the final answer's own */
	if (!isnan(j->res.cost_usd))
		j->casc_cost += j->res.cost_usd;
	else if (j->res.attempts > 0 && !j->res.cache_hit)
		j->casc_unpriced = 1;
	if (!isnan(j->res.latency_ms))
		j->casc_latency += j->res.latency_ms;
	j->casc_in += j->res.tokens_in > 0 ? j->res.tokens_in : 0;
	j->casc_out += j->res.tokens_out > 0 ? j->res.tokens_out : 0;
	j->casc_attempts += j->res.attempts;
	v->escalations++;
	/* the next tier starts from the case as it was: no answer, steps, turns or verdicts */
	llmops_eval_own_str(&j->res.output, NULL);
	llmops_eval_own_str(&j->res.error, NULL);
	llmops_eval_own_str(&j->res.scores_json, NULL);
	j->res.passed = 0;
	j->res.score = j->res.latency_ms = j->res.ttft_ms = j->res.cost_usd = NAN;
	j->res.tokens_in = j->res.tokens_out = -1;
	j->res.attempts = j->res.cache_hit = 0;
	cJSON_Delete(j->messages);
	cJSON_Delete(j->steps);
	cJSON_Delete(j->calls);
	cJSON_Delete(j->turn_texts);
	cJSON_Delete(j->moderation);
	j->messages = j->steps = j->calls = j->turn_texts = j->moderation = NULL;
	j->nsteps = j->stopped = j->turn = 0;
	j->acc_tokens_in = j->acc_tokens_out = 0;
	j->acc_latency = j->acc_cost = j->first_ttft = 0;
	j->acc_attempts = j->acc_cached = j->acc_unknown = 0;
	llmops_call_release(&j->follow);
	llmops_call_release(&j->judge);
	llmops_call_release(&j->moderate);
	llmops_call_release(&j->refusal);
	LLMOPS_FREE_ALL(j->refusal_why, j->refusal_verdict, j->follow_error, j->verdict,
			j->judge_note);
	j->embed_score = j->judge_score = j->logprob = NAN;
	j->refused = -1;
	j->awaiting = j->scored = j->count_out = j->nscores = 0;
	j->tier++;
	return 0;
}

void llmops_eval_cascade_total(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	struct llmops_eval_variant *v = &ev->vars[j->vi];
	if (!v->cascade)
		return;
	if (j->res.passed != LLMOPS_SKIPPED)
		v->tier_answers[j->tier]++;
	if (!j->tier)
		return; /* the first tier's answer: nothing to add */
	j->res.cost_usd = j->casc_unpriced
				  ? NAN
				  : (isnan(j->res.cost_usd) ? 0 : j->res.cost_usd) + j->casc_cost;
	j->res.latency_ms = (isnan(j->res.latency_ms) ? 0 : j->res.latency_ms) + j->casc_latency;
	j->res.tokens_in = (j->res.tokens_in > 0 ? j->res.tokens_in : 0) + j->casc_in;
	j->res.tokens_out = (j->res.tokens_out > 0 ? j->res.tokens_out : 0) + j->casc_out;
	j->res.attempts += j->casc_attempts;
}

void llmops_eval_cascade_restore(struct llmops_eval *ev, size_t vi, const char *tiers)
{
	struct llmops_eval_variant *v = &ev->vars[vi];
	cJSON *a = v->cascade && tiers ? cJSON_Parse(tiers) : NULL;
	int n = cJSON_GetArraySize(a);
	if (n > 0 && (size_t)n <= v->ntiers) {
		v->tier_answers[n - 1]++;
		v->escalations += n - 1;
	}
	cJSON_Delete(a);
}
