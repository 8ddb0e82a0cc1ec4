/*
 * eval_run.c - running an evaluation: each job (a case on a variant, a
 * repeat) is made when the runner has room for it, goes to the response
 * cache, a recorded output, or the runner; each answer is scored, written
 * to the ledger and freed as it completes.
 */
#include "eval.h"

#include "mem.h"

#include "costmodel.h"
#include "internal.h"
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Score j unless a worker has. */
static int score(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	return !j->scored && llmops_eval_score_compute(ev, j) ? -1 : 0;
}

/* j's scores added to its variant's sums (its last answer's: a cascade's tiers before it
   are not the variant's). */
static void add_scores(struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	struct llmops_eval_variant *v = &ev->vars[j->vi];
	for (int i = 0; i < j->nscores; i++) {
		v->metric_sum[j->score_ids[i]] += j->score_vals[i];
		v->metric_n[j->score_ids[i]]++;
	}
}

/* Unlink j from the live list and free it (and its case once that has no other job). */
static void job_free(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	struct llmops_eval_case *c = j->c;
	if (j->prev)
		j->prev->next = j->next;
	else if (ev->live == j)
		ev->live = j->next;
	if (j->next)
		j->next->prev = j->prev;
	cJSON_Delete(j->messages);
	cJSON_Delete(j->extra);
	cJSON_Delete(j->steps);
	cJSON_Delete(j->calls);
	cJSON_Delete(j->turn_texts);
	cJSON_Delete(j->tiers);
	llmops_eval_tools_release(j);
	llmops_call_release(&j->call);
	llmops_call_release(&j->follow);
	llmops_call_release(&j->judge);
	llmops_call_release(&j->moderate);
	llmops_call_release(&j->refusal);
	cJSON_Delete(j->moderation);
	LLMOPS_FREE_ALL(j->refusal_why, j->refusal_verdict, j->follow_error, j->verdict,
			j->judge_note);
	llmops_eval_res_release(&j->res);
	free(j);
	if (c) {
		c->pending--;
		llmops_eval_case_done(ev, c);
	}
}

int llmops_eval_record(struct llmops_eval *ev, const struct llmops_eval_job *j,
		       struct llmops_err *err)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	const struct llmops_eval_case *c = j->c;
	struct llmops_result r = j->res; /* what the job recorded, with the case's own */
	int64_t rid = 0;
	size_t reps = (size_t)(ev->repeats > 0 ? ev->repeats : 1);
	r.case_id = c->id;
	r.variant = ev->nvars > 1 ? v->label : "";
	r.repeat_index = j->rep;
	r.position = (int64_t)((c->pos * ev->nvars + j->vi) * reps + (size_t)j->rep);
	r.metric = c->metric >= 0 ? llmops_metric_name(c->metric) : NULL;
	r.threshold = c->metric >= 0 ? c->threshold : NAN;
	r.expected = c->expected;
	if (j->res.passed < 0)
		r.scores_json = NULL;
	char *verdicts = llmops_eval_verdicts(j);
	r.judge = verdicts;
	r.judge_cost_usd = j->judge_cost;
	char *steps = j->steps ? cJSON_PrintUnformatted(j->steps) : NULL;
	r.steps = steps;
	/* who answered, where the run's provider and model do not say it: a fallback,
	   or a run of several providers (whose own row names none) */
	if (j->res.passed != LLMOPS_SKIPPED &&
	    (ev->many_providers || j->on_fallback || v->cascade)) {
		const struct llmops_provider *p = llmops_eval_job_prov(ev, j, NULL);
		r.provider = llmops_provider_type_name(p->type);
		r.model = p->model;
	}
	char *tiers = j->tiers ? cJSON_PrintUnformatted(j->tiers) : NULL;
	r.tiers = tiers;
	int rc = llmops_ledger_result_append(ev->ledger, ev->run_id, &r, &rid, err);
	free(verdicts);
	free(steps);
	free(tiers);
	if (!rc && j->res.passed >= 0 && ev->review_below >= 0 && !isnan(j->res.score) &&
	    j->res.score < ev->review_below) {
		int64_t review = 0;
		rc = llmops_ledger_review_add(ev->ledger, rid, "score below --review-below",
					      &review, err);
		if (!rc && review)
			ev->reviews_queued++;
		else if (!rc)
			ev->reviews_dup++;
	}
	return rc;
}

static int escalate(struct llmops_eval *ev, struct llmops_eval_job *j);

/* Score j, add it to the totals, record it and free it. */
static void finish(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	if (j->count_out) {
		j->res.tokens_out = llmops_eval_count_tokens(ev->tok, j->res.output);
		j->count_out = 0;
	}
	if (ev->judge.preference && j->pair_state == LLMOPS_PAIR_NONE)
		llmops_eval_pair_ended(ev, j); /* a parked partner is not to wait for it */
	if (j->res.passed >= 0 && score(ev, j)) {
		j->res.passed = -1;
		llmops_eval_set_str(&j->res.error, "out of memory while scoring");
	}
	if (llmops_eval_cascade_escalates(ev, j) && escalate(ev, j))
		return; /* asked of the next tier (or gone, when that failed at once) */
	if (ev->vars[j->vi].cascade) { /* the tier that answered last, and the sums */
		if (llmops_eval_cascade_keep(ev, j)) {
			j->res.passed = -1;
			llmops_eval_set_str(&j->res.error, "out of memory");
		}
		llmops_eval_cascade_total(ev, j);
	}
	if (j->res.passed >= 0)
		add_scores(ev, j);
	ev->unsettled -= j->unsettled; /* its cost enters ev->cost */
	j->unsettled = 0;
	llmops_eval_account(ev, j);
	if (ev->cb && ev->cb->result)
		ev->cb->result(ev, j, ev->cb->ud);
	if (!ev->ledger_failed && llmops_eval_record(ev, j, &ev->ledger_err))
		ev->ledger_failed = 1;
	job_free(ev, j);
}

static void fail_job(struct llmops_eval *ev, struct llmops_eval_job *j, const char *why)
{
	j->res.passed = -1;
	llmops_eval_set_str(&j->res.error, why);
	finish(ev, j);
}

/* --max-cost: what p's request for j is expected to cost (its price, the request's size,
   the answer's limit), or 0 when unpriced. */
static double estimate(const struct llmops_price *price, const struct llmops_eval_job *j,
		       const struct llmops_provider *p)
{
	double c = llmops_cost_request_now(price, (double)j->call.rq.len / 4,
					   p->max_tokens > 0 ? (double)p->max_tokens : 256);
	return isnan(c) ? 0 : c;
}

/* What --max-cost lets the run do with one more request. */
enum budget { SEND, WAIT, SKIP };

static enum budget budget(const struct llmops_eval *ev)
{
	double bound = ev->cost + ev->unsettled + ev->judge_spent;
	if (ev->max_cost < 0)
		return SEND;
	if (bound >= ev->max_cost)
		return SKIP; /* spent: nothing more is sent */
	/* what is in flight may leave room: wait until it lands */
	return bound + ev->inflight_cost >= ev->max_cost && ev->inflight ? WAIT : SEND;
}

/* Record j as not sent: the run reached --max-cost. */
static void skip_job(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	char why[160];
	snprintf(why, sizeof(why), "not sent: the run reached --max-cost $%.6g", ev->max_cost);
	j->res.passed = LLMOPS_SKIPPED;
	j->res.latency_ms = j->res.ttft_ms = NAN;
	j->res.cost_usd = NAN;
	llmops_eval_set_str(&j->res.error, why);
	finish(ev, j);
}

/* j's request is about to be sent: counted in flight against --max-cost. */
static struct llmops_call *send_job(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_price *price = NULL;
	llmops_eval_job_prov(ev, j, &price);
	j->est_cost = estimate(price, j, j->call.prov);
	ev->inflight_cost += j->est_cost;
	ev->inflight++;
	return &j->call;
}

/* j's request under --max-cost: sent (its call), held back (NULL, j waiting), or
   recorded as skipped (NULL, j gone). */
static struct llmops_call *send_or_hold(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	switch (budget(ev)) {
	case SEND: return send_job(ev, j);
	case WAIT: ev->waiting = j; return NULL;
	case SKIP: skip_job(ev, j); return NULL;
	}
	return NULL;
}

/* The call j's request made has come back: no longer in flight. */
static void landed(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	if (!ev->inflight)
		return;
	ev->inflight--;
	ev->inflight_cost = ev->inflight ? ev->inflight_cost - j->est_cost : 0;
	j->est_cost = 0;
}

/* Ask the judge `which` about j's output: served from the cache, or queued (a follow-up). */
static void ask_judge(struct llmops_eval *ev, struct llmops_eval_job *j, int which)
{
	struct llmops_err err = {0};
	const char *what = which == LLMOPS_JUDGE_REFUSAL ? "refusal judge" : "judge";
	struct llmops_call *call = which == LLMOPS_JUDGE_REFUSAL ? &j->refusal : &j->judge;
	if (llmops_eval_judge_request(ev, j, which, &err))
		llmops_eval_follow_failed(j, what, err.msg);
	else if (llmops_eval_follow_secret(ev, j, call, what))
		;
	else if (llmops_eval_judge_cached(ev, j, which))
		return;
	else if (ev->offline)
		llmops_eval_follow_failed(
			j, what, "not in the response cache, and --offline sends no requests");
	else if (llmops_eval_push_call(ev, call))
		llmops_eval_follow_failed(j, what, "out of memory");
	else
		j->awaiting++;
}

/* The output is known; ask for embeddings, a moderation and the judges' verdicts where the
   metrics and assertions need them. */
static void answered(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_eval_case *c = j->c;
	int embed = c->expected && (c->metric == LLMOPS_METRIC_EMBEDDING);
	int judge = llmops_eval_judges(ev, j);
	int moderate =
		ev->moderator && llmops_assertions_has(&c->asserts, LLMOPS_ASSERT_MODERATION);
	int refuse = ev->refusal.rubric &&
		     (llmops_assertions_has(&c->asserts, LLMOPS_ASSERT_REFUSAL) ||
		      llmops_assertions_has(&c->asserts, LLMOPS_ASSERT_NOT_REFUSAL));
	j->res.passed = 0; /* to be scored */
	for (size_t i = 0; i < ev->nmetric_ids && c->expected; i++)
		embed |= ev->metric_ids[i] == LLMOPS_METRIC_EMBEDDING;
	embed = embed && ev->embedder;
	if (!embed && !judge && !moderate && !refuse) {
		if (j->res.attempts == 0 && !j->res.cache_hit && llmops_eval_pool_push(ev, j))
			return; /* a recorded output: scored by a worker, finished later */
		finish(ev, j);
		return;
	}
	struct llmops_err err = {0};
	j->awaiting = 1; /* this function's own hold, let go at the end */
	if (embed) {
		const char *texts[2] = {j->res.output ? j->res.output : "", c->expected};
		struct llmops_call *f = &j->follow;
		llmops_call_release(f);
		if (llmops_provider_embed_request(ev->embedder, texts, 2, &f->rq, &err)) {
			llmops_eval_follow_failed(j, "embedding", err.msg);
		} else {
			f->prov = ev->embedder;
			f->embed = 1;
			f->n_inputs = 2;
			f->user = j;
			f->est_tokens = (double)(strlen(texts[0]) + strlen(texts[1])) / 4;
			if (llmops_eval_push_call(ev, f))
				llmops_eval_follow_failed(j, "embedding", "out of memory");
			else
				j->awaiting++;
		}
	}
	if (moderate && !j->follow_error) {
		struct llmops_call *m = &j->moderate;
		llmops_call_release(m);
		if (ev->offline)
			llmops_eval_follow_failed(j, "moderation", "--offline sends no requests");
		else if (llmops_provider_moderation_request(ev->moderator, j->res.output, &m->rq,
							    &err))
			llmops_eval_follow_failed(j, "moderation", err.msg);
		else if (llmops_eval_follow_secret(ev, j, m, "moderation"))
			;
		else {
			m->prov = ev->moderator;
			m->embed = LLMOPS_CALL_JSON;
			m->user = j;
			m->est_tokens = (double)m->rq.len / 4;
			if (llmops_eval_push_call(ev, m))
				llmops_eval_follow_failed(j, "moderation", "out of memory");
			else
				j->awaiting++;
		}
	}
	if (judge && ev->judge.preference) /* paired whatever else failed: the other waits */
		llmops_eval_pair_answered(ev, j);
	else if (judge && !j->follow_error)
		ask_judge(ev, j, LLMOPS_JUDGE_METRIC);
	if (refuse && !j->follow_error)
		ask_judge(ev, j, LLMOPS_JUDGE_REFUSAL);
	llmops_eval_follow_done(ev, j);
}

static double cos_sim(const double *a, const double *b, size_t d)
{
	double dot = 0, na = 0, nb = 0;
	for (size_t i = 0; i < d; i++) {
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (na == 0 || nb == 0)
		return na == nb ? 1.0 : 0.0;
	double c = dot / (sqrt(na) * sqrt(nb));
	return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* Take a chat answer (fresh or from the cache) into j. */
static void take_answer(struct llmops_eval *ev, struct llmops_eval_job *j,
			const struct llmops_call *c, int cached)
{
	const struct llmops_price *price = NULL;
	llmops_eval_job_prov(ev, j, &price);
	llmops_eval_set_str(&j->res.output, c->answer.text);
	if (ev->vars[j->vi].check == LLMOPS_CHECK_LOGPROB) /* how sure the tier was */
		j->logprob = llmops_eval_mean_logprob(c->raw.data, c->raw.len);
	j->res.tokens_in = c->answer.tokens_in;
	j->res.tokens_out = c->answer.tokens_out >= 0
				    ? c->answer.tokens_out
				    : llmops_eval_count_tokens(ev->tok, j->res.output);
	j->res.cache_hit = cached;
	if (!cached)
		ev->redactions += c->redactions;
	j->res.attempts = cached ? 0 : c->attempts;
	j->res.latency_ms = cached ? NAN : c->latency_ms;
	j->res.ttft_ms = cached ? NAN : c->ttft_ms;
	/* a cached answer costs nothing; otherwise what cost estimates it at (the price of the
	   model that answered: a fallback's, a cascade tier's; NULL: no price) */
	j->res.cost_usd = cached ? 0
				 : llmops_cost_request_now(price, (double)j->res.tokens_in,
							   (double)j->res.tokens_out);
	if (!isnan(j->res.cost_usd)) { /* spent from now on, though recorded later */
		j->unsettled += j->res.cost_usd;
		ev->unsettled += j->res.cost_usd;
	}
}

/* ------------------------------------------------------- runner callbacks */

static int build_request(struct llmops_eval *ev, struct llmops_eval_job *j,
			 const struct llmops_provider *p)
{
	struct llmops_err err = {0};
	char salt[32];
	/* repeat 0 is the request a run without --repeat makes, and shares its cache entry */
	snprintf(salt, sizeof(salt), "repeat %d", j->rep);
	llmops_request_release(&j->call.rq);
	if (llmops_eval_messages(ev, j)) {
		fail_job(ev, j, "out of memory while rendering");
		return -1;
	}
	cJSON *own = NULL;
	const cJSON *extra = llmops_eval_cascade_extra(ev, j, &own);
	int rc = llmops_provider_chat_request_extra(p, j->messages, j->rep ? salt : NULL, extra,
						    &j->call.rq, &err);
	cJSON_Delete(own);
	if (rc) {
		fail_job(ev, j, err.msg);
		return -1;
	}
	j->call.prov = p;
	j->call.user = j;
	j->call.embed = 0;
	j->call.est_tokens =
		(double)j->call.rq.len / 4 + (p->max_tokens > 0 ? (double)p->max_tokens : 256);
	return 0;
}

static int from_cache(struct llmops_eval *ev, struct llmops_eval_job *j);
static void ask_again(struct llmops_eval *ev, struct llmops_eval_job *j);

/*
 * j's answer a is in (take_answer): a step of its tool loop or its conversation, which goes
 * on: 1 when it does (the next request asked, or j ended), 0 when a is j's final answer (the
 * steps' sums in j's fields).  The loop goes on while the answer calls tools the case
 * answers and max_steps (every request of the case) allows; the conversation while the case
 * has turns left.
 */
static int tool_loop(struct llmops_eval *ev, struct llmops_eval_job *j,
		     const struct llmops_answer *a)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	struct llmops_err err = {0};
	const cJSON *calls = a->tool_calls;
	if (!calls && !j->steps && !j->c->turns)
		return 0; /* a plain answer */
	if (llmops_eval_tools_step(j, calls, a->text)) {
		fail_job(ev, j, "out of memory");
		return 1;
	}
	if (calls && j->c->tools && j->nsteps >= j->c->max_steps) {
		j->stopped = 1; /* cut off: no final answer */
		llmops_eval_tools_total(j);
		return 0;
	}
	if (calls && j->c->tools) {
		int n = llmops_eval_tools_begin(j, calls, a->text, ev->root, v->prov, &err);
		if (n < 0) {
			llmops_eval_tools_total(j);
			fail_job(ev, j, err.msg);
			return 1;
		}
		/* commands run beside the other requests; j goes on once they are back */
		for (int k = 0; k < n; k++)
			if (llmops_eval_push_call(ev, llmops_eval_tools_call(j, k))) {
				llmops_eval_tools_release(j);
				llmops_eval_tools_total(j);
				fail_job(ev, j, "out of memory");
				return 1;
			}
		if (n > 0)
			return 1;
	} else { /* this turn's answer: the next turn, or the end */
		int next = llmops_eval_conv_next(j, a->text);
		if (next <= 0) {
			llmops_eval_tools_total(j);
			if (next < 0) {
				fail_job(ev, j, "out of memory");
				return 1;
			}
			return 0;
		}
	}
	ask_again(ev, j);
	return 1;
}

/* j's conversation with the tools' results or the next turn: asked again of whoever
   answered (or served by the cache, or stopped by the budget). */
static void ask_again(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	if (build_request(ev, j, llmops_eval_job_prov(ev, j, NULL)))
		return;
	j->call.attempts = 0; /* a new request: its own attempts (the step's count is kept) */
	if (from_cache(ev, j))
		return;
	if (ev->offline) {
		llmops_eval_tools_total(j);
		fail_job(ev, j, "not in the response cache, and --offline sends no requests");
	} else if (budget(ev) == SKIP) { /* its earlier steps were paid for: kept */
		char why[160];
		snprintf(why, sizeof(why),
			 "the conversation stopped: the run reached --max-cost $%.6g",
			 ev->max_cost);
		llmops_eval_tools_total(j);
		fail_job(ev, j, why);
	} else if (llmops_eval_push_call(ev, send_job(ev, j))) {
		fail_job(ev, j, "out of memory");
	}
}

/* Serve j from the cache when it can: 1 served, 0 not. */
static int from_cache(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	struct llmops_buf body = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	int hit = 0;
	if (ev->no_cache)
		return 0;
	if (llmops_ledger_cache_get(ev->ledger, j->call.rq.key, &body, &hit, &err) || !hit) {
		llmops_buf_release(&body);
		return 0;
	}
	struct llmops_call tmp = {0};
	tmp.prov = j->call.prov;
	int rc = j->call.prov->type == LLMOPS_PROVIDER_EXEC
			 ? ((tmp.answer.text = strndup(body.data ? body.data : "", body.len)) ? 0
											      : -1)
			 : llmops_provider_parse_chat(j->call.prov, body.data ? body.data : "",
						      body.len, j->call.prov->stream, &tmp.answer,
						      &err);
	if (j->call.prov->type == LLMOPS_PROVIDER_EXEC)
		tmp.answer.tokens_in = tmp.answer.tokens_out = -1;
	tmp.raw = body; /* the answer as it came (a cascade's check reads its log-probabilities) */
	if (rc) {
		llmops_call_release(&tmp);
		return 0; /* an unreadable entry: ask again */
	}
	take_answer(ev, j, &tmp, 1);
	if (!tool_loop(ev, j, &tmp.answer))
		answered(ev, j);
	llmops_call_release(&tmp);
	return 1;
}

static void replay(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_eval_case *c = j->c;
	if (!c->recorded) {
		fail_job(ev, j, "no recorded \"output\" to replay");
		return;
	}
	llmops_eval_set_str(&j->res.output, c->recorded);
	j->res.tokens_in = -1;
	/* what the answer took and cost where it was recorded (production), else unknown */
	j->res.tokens_out = c->rec_tokens_out;
	j->count_out = c->rec_tokens_out < 0; /* else counted where it is scored */
	j->res.latency_ms = c->rec_latency_ms;
	j->res.ttft_ms = NAN;
	j->res.cost_usd = c->rec_cost_usd;
	j->res.attempts = 0;
	answered(ev, j);
}

static void tick(void *ud);

/* Between requests (recorded outputs replayed one after another, where the runner has nothing
   in flight to tick for) the progress is told about ten times a second too. */
static void maybe_tick(struct llmops_eval *ev)
{
	if ((ev->done & 1023) || !ev->cb || !ev->cb->progress)
		return;
	double now = llmops_mono_ms();
	if (now - ev->last_tick >= 100) {
		ev->last_tick = now;
		tick(ev);
	}
}

/* Record the jobs the workers have scored; with wait, every one still out. */
static void take_scored(struct llmops_eval *ev, int wait)
{
	struct llmops_eval_job *j;
	while ((j = llmops_eval_pool_take(ev, wait)))
		finish(ev, j);
}

static struct llmops_call *next_call(void *ud)
{
	struct llmops_eval *ev = ud;
	/* queued calls first: a fallback's request is counted in flight from the moment it is
	   queued, and a request held back for --max-cost waits for what is in flight */
	if (ev->nrequeue)
		return ev->requeue[--ev->nrequeue];
	if (ev->waiting) { /* a request held back by --max-cost: room now? */
		struct llmops_eval_job *w = ev->waiting;
		ev->waiting = NULL;
		struct llmops_call *c = send_or_hold(ev, w);
		if (c || ev->waiting)
			return c;
	}
	take_scored(ev, 0);
	while (!(ev->stop && *ev->stop) && !ev->ledger_failed && !ev->feed_failed) {
		if (llmops_eval_pool_full(ev)) { /* the workers are behind: wait for one */
			struct llmops_eval_job *s = llmops_eval_pool_take(ev, 1);
			if (s)
				finish(ev, s);
			continue;
		}
		struct llmops_eval_job *j = llmops_eval_next_job(ev, &ev->feed_err);
		if (!j)
			break;
		maybe_tick(ev);
		j->next = ev->live;
		if (ev->live)
			ev->live->prev = j;
		ev->live = j;
		const struct llmops_eval_case *c = j->c;
		const struct llmops_eval_variant *v = &ev->vars[j->vi];
		if (c->recorded || v->prov->type == LLMOPS_PROVIDER_REPLAY) {
			replay(ev, j);
			if (ev->nrequeue)
				return ev->requeue[--ev->nrequeue];
			continue;
		}
		if (build_request(ev, j, v->prov))
			continue;
		if (from_cache(ev, j)) {
			if (ev->nrequeue)
				return ev->requeue[--ev->nrequeue];
			continue;
		}
		if (ev->offline) {
			fail_job(ev, j,
				 "not in the response cache, and --offline sends no requests");
			continue;
		}
		struct llmops_call *call = send_or_hold(ev, j);
		if (call || ev->waiting)
			return call;
	}
	take_scored(ev, 1); /* nothing more to send: what the workers hold is all that is left */
	return ev->nrequeue ? ev->requeue[--ev->nrequeue] : NULL;
}

static void call_done(void *ud, struct llmops_call *c)
{
	struct llmops_eval *ev = ud;
	struct llmops_eval_job *j = c->user;
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	struct llmops_err err = {0};

	if (c == &j->call)
		landed(ev, j);
	if (c->aborted)
		return; /* interrupted: not recorded (freed at release); a resume runs it again */
	if (llmops_eval_tools_is_call(j, c)) { /* a command tool of j's step */
		int rc = llmops_eval_tools_landed(j, c, &err);
		if (rc < 0) {
			llmops_eval_tools_total(j);
			fail_job(ev, j, err.msg);
		} else if (rc == 0) {
			ask_again(ev, j);
		}
		return;
	}
	if (c == &j->follow) {
		if (!c->ok)
			llmops_eval_follow_failed(j, "embedding", c->error);
		else
			j->embed_score = cos_sim(c->vecs, c->vecs + c->dims, c->dims);
		llmops_eval_follow_done(ev, j);
		return;
	}
	if (c == &j->moderate) {
		if (!c->ok)
			llmops_eval_follow_failed(j, "moderation", c->error);
		else if (llmops_provider_parse_moderation(c->raw.data, c->raw.len, &j->moderation,
							  &err))
			llmops_eval_follow_failed(j, "moderation", err.msg);
		llmops_eval_follow_done(ev, j);
		return;
	}
	if (c == &j->judge || c == &j->refusal) {
		int which = c == &j->refusal ? LLMOPS_JUDGE_REFUSAL : LLMOPS_JUDGE_METRIC;
		const char *what = which == LLMOPS_JUDGE_REFUSAL ? "refusal judge"
				   : ev->judge.preference	 ? "pairwise judge"
								 : "judge";
		if (!c->ok) {
			llmops_eval_follow_failed(j, what, c->error);
		} else if (llmops_eval_judge_take(ev, j, which, &c->answer, c->raw.data, c->raw.len,
						  c->attempts, 0, &err)) {
			llmops_eval_follow_failed(j, what, err.msg);
		} else if (!ev->no_cache && !c->redactions &&
			   llmops_ledger_cache_put(
				   ev->ledger, c->rq.key, llmops_provider_type_name(c->prov->type),
				   c->prov->model, c->raw.data ? c->raw.data : "", &err)) {
			ev->ledger_failed = 1;
			ev->ledger_err = err;
		}
		if (which == LLMOPS_JUDGE_METRIC && ev->judge.preference)
			llmops_eval_pair_landed(ev, j); /* the pair settles once both are in */
		else
			llmops_eval_follow_done(ev, j);
		return;
	}
	if (!c->ok) {
		if (v->fallback && !j->on_fallback) {
			int attempts = c->attempts;
			j->on_fallback = 1;
			if (build_request(ev, j, v->fallback))
				return;
			j->call.attempts = attempts;
			if (from_cache(ev, j))
				return;
			/* the fallback's request is a new one: it costs */
			if (budget(ev) == SKIP) {
				j->res.attempts = attempts;
				skip_job(ev, j);
				return;
			}
			/* queued first: next_call sends it before any new case */
			if (llmops_eval_push_call(ev, send_job(ev, j)))
				fail_job(ev, j, "out of memory");
			return;
		}
		if (j->nsteps) { /* a later step of a tool loop failed: what the loop spent */
			llmops_eval_tools_total(j);
			j->res.attempts += c->attempts;
		} else {
			j->res.attempts = c->attempts;
			j->res.latency_ms = NAN;
		}
		fail_job(ev, j, c->error);
		return;
	}
	/* an answer that held a key is not cached: a streamed body can hold it
	   split across events, where redaction cannot see it */
	if (!ev->no_cache && !c->redactions &&
	    llmops_ledger_cache_put(ev->ledger, c->rq.key, llmops_provider_type_name(c->prov->type),
				    c->prov->model, c->raw.data ? c->raw.data : "", &err)) {
		ev->ledger_failed = 1;
		ev->ledger_err = err;
	}
	take_answer(ev, j, c, 0);
	if (!tool_loop(ev, j, &c->answer))
		answered(ev, j);
}

/* j's answer failed its cascade's check: asked of the next tier (1; j may be gone, recorded
   already), or kept as it is (0: the run reached --max-cost, or memory ran out). */
static int escalate(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	if (!ev->offline && budget(ev) == SKIP)
		return 0; /* the budget is spent: this tier's answer is the case's */
	if (llmops_eval_cascade_next(ev, j))
		return 0;
	if (build_request(ev, j, llmops_eval_job_prov(ev, j, NULL)))
		return 1; /* failed, and recorded */
	j->call.attempts = 0;
	if (from_cache(ev, j))
		return 1;
	if (ev->offline)
		fail_job(ev, j, "not in the response cache, and --offline sends no requests");
	else if (llmops_eval_push_call(ev, send_job(ev, j)))
		fail_job(ev, j, "out of memory");
	return 1;
}

static int should_stop(void *ud)
{
	struct llmops_eval *ev = ud;
	return (ev->stop && *ev->stop) || ev->ledger_failed || ev->feed_failed;
}

/* The runner's tick: the caller's progress callback. */
static void tick(void *ud)
{
	const struct llmops_eval *ev = ud;
	const struct llmops_eval_cb *cb = ev->cb;
	if (cb && cb->progress)
		cb->progress(ev, cb->ud);
}

/* A job whose follow-ups are all back: failed (why) or finished. */
static void job_end(struct llmops_eval *ev, struct llmops_eval_job *j, const char *why)
{
	if (why)
		fail_job(ev, j, why);
	else
		finish(ev, j);
}

/* How long an answer may wait in the open transaction: a kill loses the requests in
   flight and at most this much of what was answered before it. */
#define GROUP_COMMIT_MS 100.0

/* The runner is about to wait: commit the results recorded since the last commit once
   the oldest has waited GROUP_COMMIT_MS, else ask to be woken by then. */
static double settle(void *ud)
{
	struct llmops_eval *ev = ud;
	struct llmops_err err = {0};
	double now = llmops_mono_ms();
	if (!llmops_ledger_pending(ev->ledger)) {
		ev->group_since = now; /* the next group begins with its first result */
		return -1;
	}
	if (now - ev->group_since < GROUP_COMMIT_MS)
		return GROUP_COMMIT_MS - (now - ev->group_since);
	if (llmops_ledger_flush(ev->ledger, &err) && !ev->ledger_failed) {
		ev->ledger_failed = 1;
		ev->ledger_err = err;
	}
	ev->group_since = now;
	return -1;
}

int llmops_eval_run(struct llmops_eval *ev, const struct llmops_eval_cb *cb, struct llmops_err *err)
{
	const struct llmops_runner_cb rcb = {.next = next_call,
					     .done = call_done,
					     .stop = should_stop,
					     .tick = tick,
					     .idle = settle,
					     .ud = ev};
	ev->cb = cb;
	ev->job_end = job_end;
	ev->t0 = llmops_mono_ms();
	/* results commit in groups: when the runner waits and the group's oldest is
	   GROUP_COMMIT_MS old (settle), else 4096 at a time */
	llmops_ledger_set_batch(ev->ledger, 4096);
	llmops_eval_pool_start(ev);
	int rc = llmops_runner_run(&ev->ropts, &rcb, err);
	take_scored(ev, 1);
	llmops_eval_pool_stop(ev);
	/* a stop that came while recorded outputs were replayed ended the feed, not the
	   runner: the run is as interrupted as when requests were cut off */
	if (rc == 0 && ev->stop && *ev->stop && ev->done < (long)ev->njobs)
		rc = 1;
	tick(ev);
	struct llmops_err ferr = {0};
	if (llmops_ledger_flush(ev->ledger, &ferr) && !ev->ledger_failed) {
		ev->ledger_failed = 1;
		ev->ledger_err = ferr;
	}
	ev->cb = NULL;
	llmops_eval_feed_release(ev);
	if (ev->feed_failed && !ev->ledger_failed) {
		if (err)
			*err = ev->feed_err;
		return ev->feed_err.code < 0 ? ev->feed_err.code : LLMOPS_E_INPUT;
	}
	if (ev->ledger_failed) {
		if (err)
			*err = ev->ledger_err;
		return ev->ledger_err.code < 0 ? ev->ledger_err.code : LLMOPS_E_LEDGER;
	}
	return rc; /* 0, 1 (interrupted) or an error */
}

void llmops_eval_jobs_release(struct llmops_eval *ev)
{
	while (ev->live) /* jobs in flight when the run stopped */
		job_free(ev, ev->live);
	free(ev->requeue);
	ev->requeue = NULL;
	ev->nrequeue = ev->caprequeue = 0;
}
