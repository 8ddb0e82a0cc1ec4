/*
 * eval_bias.c - bias probes: each attribute's counterfactual cases
 * ("ID~ATTRIBUTE", dataset/counterfactual.h) paired with their originals
 * once the run is over, read from the ledger (eval.h, llmops_eval_bias).
 */
#include "internal.h"

#include "mem.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One result, as much as the pairing needs. */
struct entry {
	char *key; /* variant \x1f repeat \x1f case id */
	int passed;
	double score;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static char *key_of(const char *variant, int rep, const char *id, size_t idlen)
{
	size_t n = strlen(variant) + idlen + 16;
	char *k = malloc(n);
	if (k)
		snprintf(k, n, "%s\x1f%d\x1f%.*s", variant, rep, (int)idlen, id);
	return k;
}

static int take(const struct llmops_result *r, void *ud)
{
	struct entries *es = ud;
	if (LLMOPS_GROW(es->e, es->n, es->cap, 256))
		return LLMOPS_E_NOMEM;
	struct entry *x = &es->e[es->n];
	if (!(x->key = key_of(r->variant ? r->variant : "", r->repeat_index, r->case_id,
			      strlen(r->case_id))))
		return LLMOPS_E_NOMEM;
	x->passed = r->passed;
	x->score = r->score;
	es->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* The attribute of a counterfactual's id ("ID~ATTR"), its index in attrs; -1: an original. */
static int attr_of(const struct llmops_strlist *attrs, const char *id, size_t *base_len)
{
	const char *t = strrchr(id, '~');
	if (!t || t == id)
		return -1;
	for (size_t i = 0; i < attrs->nr; i++)
		if (!strcmp(t + 1, attrs->items[i])) {
			*base_len = (size_t)(t - id);
			return (int)i;
		}
	return -1;
}

/* Mean and two-sided paired t test p of d[0..n). */
static void paired(const double *d, size_t n, double *mean, double *p)
{
	double s = 0, ss = 0;
	*mean = *p = NAN;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		s += d[i];
	*mean = s / (double)n;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		ss += (d[i] - *mean) * (d[i] - *mean);
	double sd = sqrt(ss / (double)(n - 1));
	if (sd == 0) {
		*p = *mean == 0 ? 1 : 0;
		return;
	}
	double t = *mean / (sd / sqrt((double)n));
	*p = 2 * (1 - llmops_t_cdf(fabs(t), (double)(n - 1)));
}

/* The pairs of entries, by attribute, into b (its arrays sized for attrs). */
static int pair_up(struct llmops_eval *ev, struct entries *es, double **diffs)
{
	struct llmops_eval_bias *b = &ev->bias;
	size_t *nd = calloc(b->n, sizeof(*nd));
	if (!nd)
		return -1;
	for (size_t i = 0; i < es->n; i++) {
		const char *k = es->e[i].key, *id = strrchr(k, '\x1f') + 1;
		size_t blen = 0;
		int a = attr_of(&ev->bias_attrs, id, &blen);
		if (a < 0)
			continue;
		struct entry want = {NULL, 0, 0};
		if (!(want.key = malloc((size_t)(id - k) + blen + 1))) {
			free(nd);
			return -1;
		}
		memcpy(want.key, k, (size_t)(id - k) + blen);
		want.key[(size_t)(id - k) + blen] = 0;
		const struct entry *o = bsearch(&want, es->e, es->n, sizeof(*es->e), cmp_entry);
		free(want.key);
		const struct entry *x = &es->e[i];
		if (!o || o->passed < 0 || x->passed < 0)
			continue; /* an error on either side: no pair */
		struct llmops_eval_bias_attr *at = &b->a[a];
		at->pairs++;
		at->original_passed += o->passed;
		at->swapped_passed += x->passed;
		at->to_fail += o->passed && !x->passed;
		at->to_pass += !o->passed && x->passed;
		if (!isnan(o->score) && !isnan(x->score))
			diffs[a][nd[a]++] = x->score - o->score;
	}
	for (size_t a = 0; a < b->n; a++) {
		struct llmops_eval_bias_attr *at = &b->a[a];
		at->scored = (long)nd[a];
		paired(diffs[a], nd[a], &at->score_gap, &at->score_p);
	}
	free(nd);
	return 0;
}

int llmops_eval_bias_compute(struct llmops_eval *ev, struct llmops_err *err)
{
	struct llmops_eval_bias *b = &ev->bias;
	struct entries es = {0};
	double **diffs = NULL;
	int rc = 0;
	if (!ev->bias_attrs.nr || !ev->run_id[0])
		return 0;
	free(b->a);
	memset(b, 0, sizeof(*b));
	b->n = ev->bias_attrs.nr;
	b->alpha = ev->pair_alpha;
	b->max_gap = ev->max_bias_gap;
	if (!(b->a = calloc(b->n, sizeof(*b->a))) || !(diffs = calloc(b->n, sizeof(*diffs))))
		goto nomem;
	if ((rc = llmops_ledger_results_each(ev->ledger, ev->run_id, take, &es, err)))
		goto out;
	for (size_t a = 0; a < b->n; a++)
		if (!(diffs[a] = malloc((es.n ? es.n : 1) * sizeof(**diffs))))
			goto nomem;
	if (es.n)
		qsort(es.e, es.n, sizeof(*es.e), cmp_entry);
	if (pair_up(ev, &es, diffs))
		goto nomem;
	for (size_t a = 0; a < b->n; a++) {
		struct llmops_eval_bias_attr *at = &b->a[a];
		snprintf(at->name, sizeof(at->name), "%s", ev->bias_attrs.items[a]);
		at->gap = at->pairs ? (double)(at->swapped_passed - at->original_passed) /
					      (double)at->pairs
				    : NAN;
		at->p = llmops_mcnemar_exact(at->to_fail, at->to_pass);
		at->significant = at->p < b->alpha;
		at->over = b->max_gap >= 0 && at->pairs && fabs(at->gap) > b->max_gap + 1e-12;
		b->over |= at->over;
	}
	ev->have_bias = 1;
	goto out;
nomem:
	rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
out:
	for (size_t i = 0; i < es.n; i++)
		free(es.e[i].key);
	free(es.e);
	for (size_t a = 0; diffs && a < b->n; a++)
		free(diffs[a]);
	free(diffs);
	return rc;
}

int llmops_eval_bias_view(const struct llmops_eval *ev, const struct llmops_eval_bias **out)
{
	*out = ev->have_bias ? &ev->bias : NULL;
	return ev->have_bias;
}
