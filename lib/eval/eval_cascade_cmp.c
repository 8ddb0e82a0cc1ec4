/*
 * eval_cascade_cmp.c - eval --compare: a cascade against one provider alone,
 * the two variants of the run paired case by case from the ledger once the
 * run is over (eval.h, llmops_eval_cascade_view).
 */
#include "internal.h"

#include "costmodel.h"
#include "mem.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cmp_read {
	const struct llmops_eval *ev;
	signed char *passed; /* [case x 2]: 1, 0; -1 not scored (or not seen) */
	double *cost;	     /* [case x 2]: what it would cost sent fresh; NAN: unpriced */
	size_t n;	     /* cases */
};

/* What model answering tokens in and out would cost now; NAN without a price. */
static double list_cost(const struct llmops_eval *ev, const char *model, int64_t in, int64_t out)
{
	const struct llmops_price *price = NULL;
	struct llmops_err e = {0};
	if (!model || llmops_pricing_find(ev->prices, model, &price, &e))
		return NAN;
	return llmops_cost_request_now(price, in > 0 ? (double)in : 0, out > 0 ? (double)out : 0);
}

/* Every tier the cascade asked, priced. */
static double tiers_cost(const struct llmops_eval *ev, const char *tiers)
{
	cJSON *a = tiers ? cJSON_Parse(tiers) : NULL;
	const cJSON *t;
	double sum = a ? 0 : NAN;
	cJSON_ArrayForEach (t, a) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(t, "model");
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "tokens_in");
		const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "tokens_out");
		if (!cJSON_IsNumber(in) && !cJSON_IsNumber(out))
			continue; /* nothing was answered (a failed request): nothing billed */
		sum += list_cost(ev, cJSON_IsString(m) ? m->valuestring : NULL,
				 cJSON_IsNumber(in) ? (int64_t)in->valuedouble : 0,
				 cJSON_IsNumber(out) ? (int64_t)out->valuedouble : 0);
	}
	cJSON_Delete(a);
	return sum;
}

static int cmp_one(const struct llmops_result *r, void *ud)
{
	struct cmp_read *c = ud;
	if (r->position < 0 || (size_t)r->position >= 2 * c->n)
		return 0;
	size_t k = (size_t)r->position; /* (case x 2 + variant): one repeat */
	c->passed[k] = r->passed == 0 || r->passed == 1 ? (signed char)r->passed : -1;
	c->cost[k] = k % 2 ? list_cost(c->ev, r->model ? r->model : c->ev->vars[1].prov->model,
				       r->tokens_in, r->tokens_out)
			   : tiers_cost(c->ev, r->tiers);
	return 0;
}

int llmops_eval_cascade_compare(struct llmops_eval *ev, struct llmops_err *err)
{
	struct llmops_eval_cascade_cmp *m = &ev->cmp;
	struct cmp_read c = {ev, NULL, NULL, ev->ncases_all};
	int rc;
	if (ev->nvars != 2 || !ev->vars[0].cascade || ev->vars[1].cascade)
		return 0;
	c.passed = malloc(2 * (c.n ? c.n : 1));
	c.cost = malloc(2 * (c.n ? c.n : 1) * sizeof(*c.cost));
	if (!c.passed || !c.cost) {
		LLMOPS_FREE_ALL(c.passed, c.cost);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	memset(c.passed, -1, 2 * c.n);
	if ((rc = llmops_ledger_results_each(ev->ledger, ev->run_id, cmp_one, &c, err))) {
		LLMOPS_FREE_ALL(c.passed, c.cost);
		return rc;
	}
	memset(m, 0, sizeof(*m));
	m->cascade = ev->vars[0].cascade->label;
	m->against = ev->vars[1].prov->label;
	m->alpha = ev->pair_alpha;
	for (size_t i = 0; i < c.n; i++) {
		int a = c.passed[2 * i], b = c.passed[2 * i + 1];
		if (a < 0 || b < 0)
			continue;
		m->pairs++;
		m->both += a && b;
		m->cascade_only += a && !b;
		m->against_only += !a && b;
		m->neither += !a && !b;
		m->cascade_cost += c.cost[2 * i];
		m->against_cost += c.cost[2 * i + 1];
	}
	LLMOPS_FREE_ALL(c.passed, c.cost);
	m->cascade_rate = m->pairs ? (double)(m->both + m->cascade_only) / (double)m->pairs : NAN;
	m->against_rate = m->pairs ? (double)(m->both + m->against_only) / (double)m->pairs : NAN;
	m->p = llmops_mcnemar_exact(m->cascade_only, m->against_only);
	ev->have_cmp = 1;
	return 0;
}

int llmops_eval_cascade_view(const struct llmops_eval *ev,
			     const struct llmops_eval_cascade_cmp **out)
{
	*out = ev->have_cmp ? &ev->cmp : NULL;
	return ev->have_cmp;
}
