/*
 * eval_job.c - the engine's base: what every part of it does to a job, its
 * keys and the run's totals (below the driver eval_run.c, the judges, the
 * pairing, the pool and the ledger writer, so none of them calls back up).
 */
#include "eval.h"

#include "mem.h"

#include "internal.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int llmops_eval_push_call(struct llmops_eval *ev, struct llmops_call *c)
{
	if (LLMOPS_GROW(ev->requeue, ev->nrequeue, ev->caprequeue, 16))
		return -1;
	ev->requeue[ev->nrequeue++] = c;
	return 0;
}

/* The job's result holds const pointers (what the ledger appends) to strings the
   job owns (internal.h): these three functions are the only ones that free them. */
void llmops_eval_own_str(const char **dst, char *s)
{
	free((char *)*dst);
	*dst = s;
}

void llmops_eval_set_str(const char **dst, const char *s)
{
	llmops_eval_own_str(dst, s ? strdup(s) : NULL);
}

void llmops_eval_res_release(struct llmops_result *r)
{
	llmops_eval_own_str(&r->input, NULL);
	llmops_eval_own_str(&r->output, NULL);
	llmops_eval_own_str(&r->error, NULL);
	llmops_eval_own_str(&r->scores_json, NULL);
}

/* ---------------------------------------------------------------- scoring */

static void add_latency(struct llmops_eval_variant *v, double ms)
{
	if (isnan(ms))
		return;
	if (LLMOPS_GROW(v->lat, v->nlat, v->caplat, 64))
		return;
	v->lat[v->nlat++] = ms;
}

void llmops_eval_account(struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	struct llmops_eval_variant *v = &ev->vars[j->vi];
	v->cases++;
	if (j->res.passed == 1)
		v->passed++;
	else if (j->res.passed == 0)
		v->failed++;
	else if (j->res.passed == LLMOPS_SKIPPED)
		v->skipped++;
	else
		v->errors++;
	if (j->res.passed >= 0)
		v->scored++;
	if (j->on_fallback && j->res.passed >= 0)
		v->fallback_answers++;
	v->pair_wins += j->pair_outcome == LLMOPS_PAIR_WIN;
	v->pair_ties += j->pair_outcome == LLMOPS_PAIR_TIE;
	v->pair_losses += j->pair_outcome == LLMOPS_PAIR_LOSS;
	v->pair_inconsistent += j->pair_outcome == LLMOPS_PAIR_TIE && !j->pair_consistent;
	v->cache_hits += j->res.cache_hit;
	if (j->res.tokens_in > 0)
		v->tokens_in += j->res.tokens_in;
	if (j->res.tokens_out > 0)
		v->tokens_out += j->res.tokens_out;
	if (!isnan(j->res.cost_usd))
		v->cost += j->res.cost_usd;
	if (!j->res.cache_hit && j->res.attempts > 0 && cJSON_GetArraySize(j->steps) > 1) {
		/* a tool loop: each request it sent, not the case's sum (show and the ledger's
		   percentiles are over requests) */
		const cJSON *st;
		cJSON_ArrayForEach (st, j->steps) {
			const cJSON *ms = cJSON_GetObjectItemCaseSensitive(st, "latency_ms");
			if (cJSON_IsNumber(ms) &&
			    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "cache_hit")))
				add_latency(v, ms->valuedouble);
		}
	} else if (cJSON_GetArraySize(j->tiers) > 1) {
		/* a cascade that escalated: each tier's request (its sum is the case's) */
		const cJSON *t;
		cJSON_ArrayForEach (t, j->tiers) {
			const cJSON *ms = cJSON_GetObjectItemCaseSensitive(t, "latency_ms");
			if (cJSON_IsNumber(ms) &&
			    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "cache_hit")))
				add_latency(v, ms->valuedouble);
		}
	} else if (!j->res.cache_hit && j->res.attempts > 0) {
		add_latency(v, j->res.latency_ms);
	}
	ev->done++;
	ev->attempts += j->res.attempts;
	if (!isnan(j->res.score)) {
		ev->score_sum += j->res.score;
		ev->scored++;
	}
	ev->passed += j->res.passed == 1;
	ev->errors += j->res.passed == LLMOPS_ERRORED;
	ev->skipped += j->res.passed == LLMOPS_SKIPPED;
	ev->tokens += (j->res.tokens_in > 0 ? j->res.tokens_in : 0) +
		      (j->res.tokens_out > 0 ? j->res.tokens_out : 0);
	ev->cost += isnan(j->res.cost_usd) ? 0 : j->res.cost_usd;
}

/* A follow-up call of j (its embedding or its judge) could not be made or failed: kept as j's
   error, which it ends with once every follow-up is back. */
void llmops_eval_follow_failed(struct llmops_eval_job *j, const char *what, const char *why)
{
	char msg[LLMOPS_ERR_MSG_MAX + 32];
	if (j->follow_error)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", what, why);
	j->follow_error = strdup(msg);
}

/* A follow-up of j is back (or was never sent): j ends once none is out. */
void llmops_eval_follow_done(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	if (j->awaiting > 0 && --j->awaiting > 0)
		return;
	if (j->follow_error) {
		char *why = j->follow_error;
		j->follow_error = NULL;
		ev->job_end(ev, j, why);
		free(why);
		return;
	}
	ev->job_end(ev, j, NULL);
}

uint64_t llmops_eval_id_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return llmops_mix64(h);
}

/* The key of a result kept from the interrupted run. */
uint64_t llmops_eval_key(const char *variant, const char *case_id, int rep)
{
	uint64_t h = llmops_eval_id_hash(variant ? variant : "");
	h = llmops_mix64(h ^ llmops_eval_id_hash(case_id));
	return llmops_mix64(h + (uint64_t)rep);
}

void llmops_eval_totals(const struct llmops_eval *ev, struct llmops_eval_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < ev->nvars; i++) {
		t->cases += ev->vars[i].cases;
		t->passed += ev->vars[i].passed;
		t->scored += ev->vars[i].scored;
		t->errors += ev->vars[i].errors;
		t->skipped += ev->vars[i].skipped;
		t->cost += ev->vars[i].cost;
	}
	t->rate = t->cases ? (double)t->passed / (double)t->cases : 1.0;
	t->errors_ok = ev->max_errors >= 0
			       ? t->errors <= ev->max_errors
			       : (double)t->errors <= ev->max_errors_frac * (double)t->cases + 1e-9;
	t->p_sign = 1;
	if (ev->judge.preference && ev->nvars == 2) {
		const struct llmops_eval_variant *b = &ev->vars[1];
		t->pairwise = 1;
		t->wins = b->pair_wins;
		t->ties = b->pair_ties;
		t->losses = b->pair_losses;
		t->ties_inconsistent = b->pair_inconsistent;
		t->p_sign = llmops_mcnemar_exact(t->wins, t->losses);
		t->worse = t->losses > t->wins && t->p_sign < ev->pair_alpha;
		t->better = t->wins > t->losses && t->p_sign < ev->pair_alpha;
	}
	t->bias_over = ev->have_bias && ev->bias.over;
	t->probes_over = ev->have_probes && ev->probes.over;
	t->gate_ok = t->rate + 1e-12 >= ev->min_pass_rate &&
		     (ev->max_cost < 0 || t->cost <= ev->max_cost) && !t->skipped && t->errors_ok &&
		     !t->worse && !t->bias_over && !t->probes_over;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void llmops_eval_keys_sort(uint64_t *v, size_t n)
{
	uint64_t *tmp = n > 1 ? malloc(n * sizeof(*tmp)) : NULL;
	if (tmp) /* the metrics' radix sort */
		llmops_sort_u64(v, n, tmp);
	else if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u64);
	free(tmp);
}

int llmops_eval_keys_has(const uint64_t *v, size_t n, uint64_t k)
{
	return n && bsearch(&k, v, n, sizeof(*v), cmp_u64) != NULL;
}

const struct llmops_eval_variant *llmops_eval_variant_of(const struct llmops_eval *ev,
							 const struct llmops_result *r)
{
	if (ev->nvars == 1)
		return &ev->vars[0];
	for (size_t i = 0; r->variant && i < ev->nvars; i++)
		if (!strcmp(ev->vars[i].label, r->variant))
			return &ev->vars[i];
	return NULL;
}
