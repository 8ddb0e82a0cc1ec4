/*
 * eval_judge.c - the judge metric in a run: once an output is known, the
 * rubric is rendered with the case and the output and sent to the judge
 * (through the same runner: concurrency, retries, rate limits; answers
 * cached by the judge's request), and its verdict is read into the job.
 * What the judge cost is kept apart from what the output cost.
 */
#include "eval.h"

#include "costmodel.h"
#include "detect.h"
#include "internal.h"
#include "buf.h"
#include "json.h"
#include "redact.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The judge of case c's metric: its own rubric's, else the run's. */
static const struct llmops_eval_judge *case_judge(const struct llmops_eval *ev,
						  const struct llmops_eval_case *c)
{
	return c->judge_ix >= 0 && (size_t)c->judge_ix < ev->njudges ? &ev->judges[c->judge_ix]
								     : &ev->judge;
}

int llmops_eval_judges(const struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	if (j->c->metric == LLMOPS_METRIC_JUDGE)
		return case_judge(ev, j->c)->rubric != NULL;
	if (!ev->judge.rubric)
		return 0;
	for (size_t i = 0; i < ev->nmetric_ids; i++)
		if (ev->metric_ids[i] == LLMOPS_METRIC_JUDGE)
			return 1;
	return 0;
}

/* The text of the last user message of j's request: what the model was asked. */
static const char *asked(const struct llmops_eval_job *j)
{
	const char *text = NULL;
	const cJSON *m;
	cJSON_ArrayForEach (m, j->messages) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		if (cJSON_IsString(role) && !strcmp(role->valuestring, "user") &&
		    cJSON_IsString(content))
			text = content->valuestring;
	}
	return text;
}

/* The judge `which` and the call of j it answers. */
static const struct llmops_eval_judge *judge_of(const struct llmops_eval *ev,
						struct llmops_eval_job *j, int which,
						struct llmops_call **call)
{
	*call = which == LLMOPS_JUDGE_REFUSAL ? &j->refusal : &j->judge;
	return which == LLMOPS_JUDGE_REFUSAL ? &ev->refusal : case_judge(ev, j->c);
}

int llmops_eval_judge_request(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			      struct llmops_err *err)
{
	struct llmops_call *call;
	const struct llmops_eval_judge *g = judge_of(ev, j, which, &call);
	const struct llmops_eval_case *c = j->c;
	cJSON *messages = NULL;
	if (!j->messages && llmops_eval_messages(ev, j))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	cJSON *vars;
	if (g->preference && which == LLMOPS_JUDGE_METRIC) {
		/* this output first, the other's second; both orders see the first variant's
		   question, so the two differ in the order alone */
		const struct llmops_eval_job *first = j->vi == 0 ? j : j->pair;
		if (!j->pair)
			return llmops_err_set(err, LLMOPS_E_USAGE, "no pair to compare");
		vars = llmops_judge_pair_vars(c->vars, asked(first), j->res.output,
					      j->pair->res.output, c->expected);
	} else {
		vars = llmops_judge_vars(c->vars, asked(j), j->res.output, c->expected);
	}
	struct llmops_render_opts ropts = {ev->partial, ev->partial_ud, NULL};
	int rc = vars ? llmops_prompt_render(g->rubric, vars, &ropts, &messages, err)
		      : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	cJSON_Delete(vars);
	llmops_call_release(call);
	if (!rc)
		rc = llmops_provider_chat_request_extra(g->prov, messages, NULL, g->extra,
							&call->rq, err);
	cJSON_Delete(messages);
	if (rc)
		return rc;
	call->prov = g->prov;
	call->user = j;
	call->embed = 0;
	call->est_tokens = (double)call->rq.len / 4 + 200;
	return 0;
}

void llmops_eval_judge_usage(cJSON *o, const struct llmops_answer *a, double cost, int attempts,
			     int cached)
{
	if (a->tokens_in >= 0)
		cJSON_AddNumberToObject(o, "tokens_in", (double)a->tokens_in);
	if (a->tokens_out >= 0)
		cJSON_AddNumberToObject(o, "tokens_out", (double)a->tokens_out);
	if (isnan(cost))
		cJSON_AddNullToObject(o, "cost_usd");
	else
		cJSON_AddNumberToObject(o, "cost_usd", cost);
	cJSON_AddNumberToObject(o, "attempts", attempts);
	cJSON_AddBoolToObject(o, "cache_hit", cached);
}

int llmops_eval_judge_take(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			   const struct llmops_answer *a, const char *body, size_t len,
			   int attempts, int cached, struct llmops_err *err)
{
	struct llmops_call *call;
	const struct llmops_eval_judge *g = judge_of(ev, j, which, &call);
	struct llmops_verdict v;
	struct llmops_preference pref;
	int prefer = g->preference && which == LLMOPS_JUDGE_METRIC;
	int rc = prefer ? llmops_preference_parse(a->text, &pref, err)
			: llmops_verdict_parse(a->text, g->lo, g->hi, &v, err);
	if (!rc && !prefer) /* the likeliest scores, weighed, where the answer has them */
		llmops_verdict_weigh(body, len, g->lo, g->hi, &v);
	if (rc && cached)
		return rc; /* nothing was spent: it is asked again */
	double cost = cached ? 0
			     : llmops_cost_request_now(g->price, (double)a->tokens_in,
						       (double)a->tokens_out);
	struct llmops_eval_variant *var = &ev->vars[j->vi];
	var->judge_tokens_in += a->tokens_in > 0 ? a->tokens_in : 0;
	var->judge_tokens_out += a->tokens_out > 0 ? a->tokens_out : 0;
	if (!isnan(cost)) { /* every verdict of the job, metric and refusal, in one sum */
		var->judge_cost += cost;
		ev->judge_spent += cost;
		j->judge_cost = isnan(j->judge_cost) ? cost : j->judge_cost + cost;
	}
	if (rc)
		return rc;
	var->judged++;
	if (prefer) /* its order's verdict: the pair's outcome is made once both are in */
		return llmops_eval_pair_take(ev, j, &pref, a, cost, attempts, cached, err);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rubric", g->name);
	cJSON_AddStringToObject(o, "judge", g->prov->label);
	cJSON_AddNumberToObject(o, "score", v.raw);
	if (!isnan(v.weighted)) /* G-Eval: the probability-weighted score gates */
		cJSON_AddNumberToObject(o, "weighted", v.weighted);
	cJSON_AddNumberToObject(o, "scale_min", (double)g->lo);
	cJSON_AddNumberToObject(o, "scale_max", (double)g->hi);
	cJSON_AddStringToObject(o, "reason", v.reason);
	llmops_eval_judge_usage(o, a, cost, attempts, cached);
	if (which == LLMOPS_JUDGE_REFUSAL) { /* on 0-1: a refusal at the upper half */
		j->refused = v.raw >= (double)(g->lo + g->hi) / 2;
		free(j->refusal_why);
		j->refusal_why = strdup(v.reason);
		cJSON_AddBoolToObject(o, "refused", j->refused);
		free(j->refusal_verdict);
		j->refusal_verdict = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		return j->refusal_verdict && j->refusal_why
			       ? 0
			       : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	j->judge_score = v.score;
	free(j->judge_note);
	j->judge_note = NULL;
	struct llmops_buf note = LLMOPS_BUF_INIT;
	llmops_buf_addf(&note, "%g", v.raw);
	if (!isnan(v.weighted) && fabs(v.weighted - v.raw) >= 0.005)
		llmops_buf_addf(&note, " (weighted %.2f)", v.weighted);
	llmops_buf_addf(&note, " on %ld-%ld%s%s", g->lo, g->hi, v.reason[0] ? ": " : "", v.reason);
	j->judge_note = note.oom ? NULL : llmops_buf_detach(&note, NULL);
	llmops_buf_release(&note);
	free(j->verdict);
	j->verdict = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return j->verdict ? 0 : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

char *llmops_eval_verdicts(const struct llmops_eval_job *j)
{
	if (!j->refusal_verdict)
		return j->verdict ? strdup(j->verdict) : NULL;
	cJSON *o = j->verdict ? cJSON_Parse(j->verdict) : cJSON_CreateObject();
	cJSON *r = cJSON_Parse(j->refusal_verdict);
	char *s = NULL;
	if (o && r && cJSON_AddItemToObject(o, "refusal", r)) {
		r = NULL;
		s = cJSON_PrintUnformatted(o);
	}
	cJSON_Delete(r);
	cJSON_Delete(o);
	return s;
}

int llmops_eval_judge_cached(struct llmops_eval *ev, struct llmops_eval_job *j, int which)
{
	struct llmops_buf body = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	struct llmops_answer a = {0};
	struct llmops_call *call;
	const struct llmops_eval_judge *g = judge_of(ev, j, which, &call);
	int hit = 0;
	if (ev->no_cache || llmops_ledger_cache_get(ev->ledger, call->rq.key, &body, &hit, &err) ||
	    !hit ||
	    llmops_provider_parse_chat(g->prov, body.data ? body.data : "", body.len, 0, &a,
				       &err)) {
		llmops_buf_release(&body);
		llmops_answer_release(&a);
		return 0;
	}
	int rc = llmops_eval_judge_take(ev, j, which, &a, body.data, body.len, 0, 1, &err);
	llmops_buf_release(&body);
	llmops_answer_release(&a);
	return rc == 0; /* a cached verdict that no longer reads is asked again */
}

static int secret_kind(const struct llmops_detection *d, void *ud)
{
	*(const char **)ud = d->what;
	return 1;
}

int llmops_eval_follow_secret(struct llmops_eval *ev, struct llmops_eval_job *j,
			      const struct llmops_call *c, const char *who)
{
	const char *kind = NULL;
	size_t len = c->rq.body ? c->rq.len : 0;
	if (ev->allow_secrets || !len || llmops_utf8_invalid(c->rq.body, len) < len)
		return 0;
	char what[160];
	size_t nl = 0;
	const char *held = llmops_redact_held_in(c->rq.body, &nl);
	if (held) {
		snprintf(what, sizeof(what), "the value of %.*s", (int)(nl < 100 ? nl : 100), held);
		kind = what;
	} else {
		llmops_detect(c->rq.body, 0, len, LLMOPS_DETECT_SECRETS, secret_kind, &kind);
	}
	if (!kind)
		return 0;
	char why[300];
	snprintf(why, sizeof(why),
		 "its request would send %s%s (from the output or the case): not sent; "
		 "--allow-secrets sends it",
		 !strncmp(kind, "the ", 4)	 ? ""
		 : strchr("AEIOUaeiou", kind[0]) ? "an "
						 : "a ",
		 kind);
	llmops_eval_follow_failed(j, who, why);
	return 1;
}

int llmops_eval_pair_take(struct llmops_eval *ev, struct llmops_eval_job *j,
			  const struct llmops_preference *pref, const struct llmops_answer *a,
			  double cost, int attempts, int cached, struct llmops_err *err)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "first", ev->vars[j->vi].label);
	cJSON_AddStringToObject(o, "winner", llmops_eval_winner_name(pref->winner));
	cJSON_AddStringToObject(o, "reason", pref->reason);
	llmops_eval_judge_usage(o, a, cost, attempts, cached);
	free(j->verdict);
	j->verdict = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!j->verdict)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	j->prefer = pref->winner;
	return 0;
}

const char *llmops_eval_winner_name(int winner)
{
	static const char *const names[] = {"tie", "A", "B"};
	return winner >= 0 && winner <= 2 ? names[winner] : "?";
}
