/*
 * repeats.c - the figures of a run whose cases ran more than once (see
 * repeats.h for the definitions and their sources).
 */
#include "repeats.h"

#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054

double llmops_pass_at_k(long n, long c, int k)
{
	/* 1 - prod_{i<k} (n-c-i)/(n-i): no factorials, no overflow */
	if (k <= 0 || n <= 0 || k > n)
		return NAN;
	if (n - c < k)
		return 1.0;
	double none = 1.0;
	for (int i = 0; i < k; i++)
		none *= (double)(n - c - i) / (double)(n - i);
	return 1.0 - none;
}

double llmops_pass_hat_k(long n, long c, int k)
{
	if (k <= 0 || n <= 0 || k > n)
		return NAN;
	if (c < k)
		return 0.0;
	double all = 1.0;
	for (int i = 0; i < k; i++)
		all *= (double)(c - i) / (double)(n - i);
	return all;
}

static const struct llmops_rep_obs *sort_obs;

/* By case id, then by position (so a case's first observation leads). */
static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_obs[x].case_id, sort_obs[y].case_id);
	return c ? c : (x > y) - (x < y);
}

static int cmp_first(const void *a, const void *b)
{
	const struct llmops_rep_case *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

/* The figures of one case from its observations obs[idx[0..n)]. */
static void one_case(const struct llmops_rep_obs *obs, const size_t *idx, size_t n,
		     struct llmops_rep_case *c)
{
	double sum = 0, sq = 0;
	memset(c, 0, sizeof(*c));
	c->case_id = obs[idx[0]].case_id;
	c->first = idx[0];
	c->score_min = c->score_max = NAN;
	for (size_t i = 0; i < n; i++) {
		const struct llmops_rep_obs *o = &obs[idx[i]];
		c->runs++;
		c->passed += o->passed == 1;
		c->failed += o->passed == 0;
		c->errors += o->passed < 0;
		if (isnan(o->score))
			continue;
		c->scored++;
		sum += o->score;
		if (isnan(c->score_min) || o->score < c->score_min)
			c->score_min = o->score;
		if (isnan(c->score_max) || o->score > c->score_max)
			c->score_max = o->score;
	}
	c->pass_fraction = (double)c->passed / (double)c->runs;
	c->score_mean = c->scored ? sum / (double)c->scored : NAN;
	c->score_sd = NAN;
	if (c->scored >= 2) {
		for (size_t i = 0; i < n; i++)
			if (!isnan(obs[idx[i]].score))
				sq += (obs[idx[i]].score - c->score_mean) *
				      (obs[idx[i]].score - c->score_mean);
		c->score_sd = sqrt(sq / (double)(c->scored - 1));
	}
	c->flaky = c->passed > 0 && c->failed > 0;
}

/* The rate's interval from the per-case counts (repeats.h). */
static void interval(struct llmops_repeats *r)
{
	double p = r->rate, N = (double)r->results, m = (double)r->ncases;
	if (!r->results) {
		r->lo = 0;
		r->hi = 1;
		r->n_eff = r->deff = NAN;
		return;
	}
	if (p <= 0 || p >= 1) {
		r->n_eff = m;
	} else if (r->ncases < 2) {
		r->n_eff = N;
	} else {
		double ss = 0;
		for (size_t i = 0; i < r->ncases; i++) {
			double d = (double)r->cases[i].passed - p * (double)r->cases[i].runs;
			ss += d * d;
		}
		double var = m / (m - 1) * ss / (N * N);
		r->n_eff = var > 0 ? p * (1 - p) / var : N;
		if (r->n_eff > N)
			r->n_eff = N;
		if (r->n_eff < 1)
			r->n_eff = 1;
	}
	r->deff = N / r->n_eff;
	llmops_wilson_p(p, r->n_eff, Z95, &r->lo, &r->hi);
}

int llmops_repeats_compute(const struct llmops_rep_obs *obs, size_t n, struct llmops_repeats *out,
			   struct llmops_err *err)
{
	memset(out, 0, sizeof(*out));
	out->rate = out->n_eff = out->deff = NAN;
	out->lo = 0;
	out->hi = 1;
	if (!n)
		return LLMOPS_OK;
	size_t *idx = malloc(n * sizeof(*idx));
	out->cases = calloc(n, sizeof(*out->cases));
	if (!idx || !out->cases) {
		free(idx);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_obs = obs;
	qsort(idx, n, sizeof(*idx), cmp_index);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(obs[idx[j]].case_id, obs[idx[i]].case_id); j++)
			;
		struct llmops_rep_case *c = &out->cases[out->ncases++];
		one_case(obs, idx + i, j - i, c);
		out->results += c->runs;
		out->passed += c->passed;
		out->failed += c->failed;
		out->errors += c->errors;
		out->flaky += c->flaky;
		out->always += c->passed == c->runs;
		out->never += c->passed == 0;
		out->partial += c->passed > 0 && c->passed < c->runs && !c->flaky;
		if (c->runs > out->max_runs)
			out->max_runs = (int)c->runs;
	}
	free(idx);
	qsort(out->cases, out->ncases, sizeof(*out->cases), cmp_first);
	out->rate = (double)out->passed / (double)out->results;
	interval(out);

	out->ks = calloc((size_t)out->max_runs, sizeof(*out->ks));
	if (!out->ks)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	out->nks = (size_t)out->max_runs;
	for (int k = 1; k <= out->max_runs; k++) {
		struct llmops_rep_k *x = &out->ks[k - 1];
		double at = 0, hat = 0;
		x->k = k;
		for (size_t i = 0; i < out->ncases; i++) {
			const struct llmops_rep_case *c = &out->cases[i];
			if (c->runs < k)
				continue;
			x->cases++;
			at += llmops_pass_at_k(c->runs, c->passed, k);
			hat += llmops_pass_hat_k(c->runs, c->passed, k);
		}
		x->pass_at_k = x->cases ? at / (double)x->cases : NAN;
		x->pass_hat_k = x->cases ? hat / (double)x->cases : NAN;
	}
	return LLMOPS_OK;
}

void llmops_repeats_release(struct llmops_repeats *r)
{
	free(r->cases);
	free(r->ks);
	memset(r, 0, sizeof(*r));
}
