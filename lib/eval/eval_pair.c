/*
 * eval_pair.c - judge:pairwise in a run of two variants: once both outputs
 * of a case (and repeat) are known, the judge is asked twice, each job's
 * output shown first in its own request, and the pair is settled once both
 * verdicts are in: a win only when both orders prefer the same output.
 *
 * The first job to answer is parked (held by one follow-up count) until
 * its partner answers.  A job that ends with no output sets the case's
 * pair_gone mark for its repeat, or releases a parked partner with an
 * error, so no job waits for a partner that will not come.
 */
#include "eval.h"

#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The label results of v are recorded under (see llmops_eval_record). */
static const char *label_of(const struct llmops_eval *ev, size_t vi)
{
	return ev->nvars > 1 ? ev->vars[vi].label : "";
}

/* The live job of j's case and repeat on the other variant, parked for j; or NULL. */
static struct llmops_eval_job *parked(const struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	for (struct llmops_eval_job *x = ev->live; x; x = x->next)
		if (x != j && x->c == j->c && x->rep == j->rep && x->vi != j->vi &&
		    x->pair_state == LLMOPS_PAIR_PARKED)
			return x;
	return NULL;
}

/* Ask the judge about x's order (x's output first): the verdict lands now (from the cache,
   or failed) or when its call comes back. */
static void ask(struct llmops_eval *ev, struct llmops_eval_job *x)
{
	struct llmops_err err = {0};
	x->pair_state = LLMOPS_PAIR_ASKED;
	x->awaiting++; /* its call's hold, let go where the verdict lands */
	if (llmops_eval_judge_request(ev, x, LLMOPS_JUDGE_METRIC, &err))
		llmops_eval_follow_failed(x, "pairwise judge", err.msg);
	else if (llmops_eval_follow_secret(ev, x, &x->judge, "pairwise judge"))
		;
	else if (llmops_eval_judge_cached(ev, x, LLMOPS_JUDGE_METRIC))
		;
	else if (ev->offline)
		llmops_eval_follow_failed(
			x, "pairwise judge",
			"not in the response cache, and --offline sends no requests");
	else if (llmops_eval_push_call(ev, &x->judge))
		llmops_eval_follow_failed(x, "pairwise judge", "out of memory");
	else
		return;
	llmops_eval_pair_landed(ev, x);
}

void llmops_eval_pair_answered(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_eval_case *c = j->c;
	size_t other = j->vi ^ 1;
	struct llmops_eval_job *p = parked(ev, j);
	char why[LLMOPS_NAME_MAX + 600];
	if (p) {
		j->pair = p;
		p->pair = j;
		j->awaiting++; /* its settlement's hold; the parked job's is p's */
		ask(ev, j);
		/* one order that cannot be asked fails the pair: the other is not sent */
		if (j->prefer < 0 && j->pair_state == LLMOPS_PAIR_LANDED) {
			p->pair_state = LLMOPS_PAIR_ASKED;
			p->awaiting++;
			llmops_eval_follow_failed(p, "pairwise judge",
						  "the other order could not be asked");
			llmops_eval_pair_landed(ev, p);
		} else {
			ask(ev, p); /* p may be finished and freed here */
		}
		return;
	}
	if (c->pair_gone && c->pair_gone[j->rep]) {
		snprintf(why, sizeof(why), "%s has no output of this case to compare with",
			 ev->vars[other].label);
		j->pair_state = LLMOPS_PAIR_SETTLED;
		llmops_eval_follow_failed(j, "pairwise judge", why);
		return;
	}
	if (ev->resumed &&
	    llmops_eval_keys_has(ev->done_keys, ev->ndone_keys,
				 llmops_eval_key(label_of(ev, other), c->id, j->rep))) {
		snprintf(why, sizeof(why),
			 "%s's result of this case was kept from the interrupted run and its "
			 "output is not asked again: run the case anew for a verdict",
			 ev->vars[other].label);
		j->pair_state = LLMOPS_PAIR_SETTLED;
		llmops_eval_follow_failed(j, "pairwise judge", why);
		return;
	}
	j->pair_state = LLMOPS_PAIR_PARKED;
	j->awaiting++; /* held until the other output is known (its settlement's hold) */
}

/* An order's verdict, as recorded inside the pair's (the caller's: cJSON_Delete). */
static cJSON *order_json(const struct llmops_eval_job *x)
{
	cJSON *o = x->verdict ? cJSON_Parse(x->verdict) : NULL;
	return o ? o : cJSON_CreateObject();
}

/* x's side of the settled pair: outcome o (1 win, 0 tie, -1 loss) against y. */
static void settle_side(struct llmops_eval *ev, struct llmops_eval_job *x,
			const struct llmops_eval_job *y, int o, int consistent, cJSON *own,
			cJSON *theirs)
{
	const struct llmops_eval_judge *g = &ev->judge;
	x->pair_outcome = o > 0 ? LLMOPS_PAIR_WIN : o < 0 ? LLMOPS_PAIR_LOSS : LLMOPS_PAIR_TIE;
	x->pair_consistent = consistent;
	x->judge_score = o > 0 ? 1 : o < 0 ? 0 : 0.5;
	cJSON *v = cJSON_CreateObject(), *orders;
	cJSON_AddStringToObject(v, "rubric", g->name);
	cJSON_AddStringToObject(v, "judge", g->prov->label);
	cJSON_AddStringToObject(v, "against", ev->vars[y->vi].label);
	cJSON_AddStringToObject(v, "outcome", o > 0 ? "win" : o < 0 ? "loss" : "tie");
	cJSON_AddBoolToObject(v, "consistent", consistent);
	/* what judging this result cost: its own order (the other's is the other result's) */
	const cJSON *cost = cJSON_GetObjectItemCaseSensitive(own, "cost_usd");
	cJSON_AddItemToObject(v, "cost_usd", cost ? cJSON_Duplicate(cost, 0) : cJSON_CreateNull());
	orders = cJSON_AddArrayToObject(v, "orders");
	cJSON_AddItemToArray(orders, cJSON_Duplicate(own, 1));
	cJSON_AddItemToArray(orders, cJSON_Duplicate(theirs, 1));
	free(x->verdict);
	x->verdict = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	if (!x->verdict)
		llmops_eval_follow_failed(x, "pairwise judge", "out of memory");
}

/* Both orders are in: the outcome into both jobs, or both fail when either order did. */
static void settle(struct llmops_eval *ev, struct llmops_eval_job *a, struct llmops_eval_job *b)
{
	if (a->prefer < 0 || b->prefer < 0) {
		struct llmops_eval_job *bad = a->prefer < 0 ? a : b, *ok = bad == a ? b : a;
		char why[LLMOPS_NAME_MAX + 600];
		snprintf(why, sizeof(why), "the order with %s first failed: %s",
			 ev->vars[bad->vi].label, bad->follow_error ? bad->follow_error : "?");
		llmops_eval_follow_failed(ok, "pairwise judge", why);
		return;
	}
	int consistent = 0;
	int o = llmops_preference_outcome(a->prefer, b->prefer, &consistent);
	cJSON *oa = order_json(a), *ob = order_json(b);
	settle_side(ev, a, b, o, consistent, oa, ob);
	settle_side(ev, b, a, -o, consistent, ob, oa);
	cJSON_Delete(oa);
	cJSON_Delete(ob);
}

void llmops_eval_pair_landed(struct llmops_eval *ev, struct llmops_eval_job *x)
{
	struct llmops_eval_job *p = x->pair;
	x->pair_state = LLMOPS_PAIR_LANDED;
	if (p && p->pair_state == LLMOPS_PAIR_LANDED) {
		settle(ev, x, p);
		x->pair = p->pair = NULL;
		x->pair_state = p->pair_state = LLMOPS_PAIR_SETTLED;
		x->awaiting--; /* its settlement's hold (its call's is let go below) */
		llmops_eval_follow_done(ev, p); /* p's settlement's hold: p may end here */
	}
	llmops_eval_follow_done(ev, x);
}

void llmops_eval_pair_ended(struct llmops_eval *ev, struct llmops_eval_job *x)
{
	struct llmops_eval_case *c = x->c;
	struct llmops_eval_job *p = parked(ev, x);
	x->pair_state = LLMOPS_PAIR_SETTLED;
	if (p) {
		char why[LLMOPS_NAME_MAX + 600];
		snprintf(why, sizeof(why), "%s has no output of this case to compare with%s%s",
			 ev->vars[x->vi].label, x->res.error ? ": " : "",
			 x->res.error ? x->res.error : "");
		p->pair_state = LLMOPS_PAIR_SETTLED;
		llmops_eval_follow_failed(p, "pairwise judge", why);
		llmops_eval_follow_done(ev, p); /* its parking hold: p ends here */
		return;
	}
	if (!c->pair_gone) {
		size_t n = (size_t)(ev->repeats > 0 ? ev->repeats : 1);
		c->pair_gone = calloc(n, 1);
	}
	if (c->pair_gone)
		c->pair_gone[x->rep] = 1;
	/* out of memory: the partner, when it answers, parks for good and is freed at the
	   end unrecorded; the run then reports it as interrupted */
}
