/*
 * rundiff.c - pairing two runs' results and the statistics of the pairs
 * (see rundiff.h).
 */
#include "rundiff.h"

#include "mem.h"

#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A result with the rank of its variant in its run (first seen = 0). */
struct keyed {
	const struct llmops_result *r;
	size_t vrank;
	size_t pos; /* index in its run */
	int matched;
};

static int cmp_str(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "");
}

static int cmp_id(const void *p, const void *q)
{
	const struct keyed *x = p, *y = q;
	int c;
	if (x->vrank != y->vrank)
		return x->vrank < y->vrank ? -1 : 1;
	if ((c = cmp_str(x->r->case_id, y->r->case_id)))
		return c;
	return (x->r->repeat_index > y->r->repeat_index) -
	       (x->r->repeat_index < y->r->repeat_index);
}

static int cmp_content(const void *p, const void *q)
{
	const struct keyed *x = p, *y = q;
	if (x->vrank != y->vrank)
		return x->vrank < y->vrank ? -1 : 1;
	return cmp_str(x->r->expected, y->r->expected);
}

/* The variants of d in order of first appearance (borrowed strings); *n of them. */
static const char **variants(const struct llmops_run_data *d, size_t *n)
{
	const char **v = calloc(d->n ? d->n : 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; v && i < d->n; i++) {
		size_t k = 0;
		while (k < *n && strcmp(v[k], d->results[i].variant))
			k++;
		if (k == *n)
			v[(*n)++] = d->results[i].variant;
	}
	return v;
}

static size_t rank_of(const char **v, size_t n, const char *label)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(v[k], label))
			return k;
	return n;
}

static int same_sets(const char **x, size_t nx, const char **y, size_t ny)
{
	if (nx != ny)
		return 0;
	for (size_t i = 0; i < nx; i++)
		if (rank_of(y, ny, x[i]) == ny)
			return 0;
	return 1;
}

/* The keyed results of d, *n of them: those not skipped (--max-cost), which were never
   asked and take no part in the comparison; variants ranked by ref's order when by_name,
   else by d's own. */
static struct keyed *keyed(const struct llmops_run_data *d, const char **ref, size_t nref,
			   const char **own, size_t nown, int by_name, size_t *n)
{
	struct keyed *k = calloc(d->n ? d->n : 1, sizeof(*k));
	*n = 0;
	for (size_t i = 0; k && i < d->n; i++) {
		if (d->results[i].passed == LLMOPS_SKIPPED)
			continue;
		struct keyed *x = &k[(*n)++];
		x->r = &d->results[i];
		x->pos = i;
		x->vrank = by_name ? rank_of(ref, nref, d->results[i].variant)
				   : rank_of(own, nown, d->results[i].variant);
	}
	return k;
}

static int cmp_pair_pos(const void *p, const void *q)
{
	const struct llmops_diff_pair *x = p, *y = q;
	return (x->b > y->b) - (x->b < y->b);
}

static void side(const struct llmops_run_data *d, struct llmops_diff_side *s)
{
	double *lat = malloc((d->n ? d->n : 1) * sizeof(double));
	size_t nlat = 0;
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *r = &d->results[i];
		s->cases++;
		s->passed += r->passed == 1;
		s->errors += r->passed == LLMOPS_ERRORED;
		s->skipped += r->passed == LLMOPS_SKIPPED;
		if (!isnan(r->cost_usd)) {
			s->cost_usd += r->cost_usd;
			s->cost_known++;
		}
		s->tokens_in += r->tokens_in > 0 ? r->tokens_in : 0;
		s->tokens_out += r->tokens_out > 0 ? r->tokens_out : 0;
		if (lat && !r->cache_hit && !isnan(r->latency_ms))
			lat[nlat++] = r->latency_ms;
	}
	s->pass_rate = s->cases ? (double)s->passed / (double)s->cases : NAN;
	llmops_sort_doubles(lat, nlat);
	s->latency_p50 = llmops_quantile_sorted(lat, nlat, 0.50);
	s->latency_p95 = llmops_quantile_sorted(lat, nlat, 0.95);
	free(lat);
}

static void add_pair(struct llmops_diff *d, const struct llmops_result *a,
		     const struct llmops_result *b, double tol, unsigned extra)
{
	struct llmops_diff_pair *p = &d->pairs[d->npairs++];
	int pa = a->passed == 1, pb = b->passed == 1;
	p->a = a;
	p->b = b;
	p->change = extra;
	p->dscore = !isnan(a->score) && !isnan(b->score) ? b->score - a->score : NAN;
	if (pa && !pb)
		p->change |= LLMOPS_CHANGE_NEWLY_FAILING;
	if (!pa && pb)
		p->change |= LLMOPS_CHANGE_NEWLY_PASSING;
	if (!isnan(p->dscore) && fabs(p->dscore) > tol)
		p->change |= LLMOPS_CHANGE_SCORE;
	if ((a->output || b->output) && cmp_str(a->output, b->output))
		p->change |= LLMOPS_CHANGE_OUTPUT;
	d->both_pass += pa && pb;
	d->pass_to_fail += pa && !pb;
	d->fail_to_pass += !pa && pb;
	d->both_fail += !pa && !pb;
	d->score_changed += !!(p->change & LLMOPS_CHANGE_SCORE);
	d->output_changed += !!(p->change & LLMOPS_CHANGE_OUTPUT);
	d->by_content += !!(extra & LLMOPS_CHANGE_BY_CONTENT);
}

/* Match the unmatched of ka and kb by expected text, unique on both sides. */
static void match_content(struct llmops_diff *d, struct keyed *ka, size_t na, struct keyed *kb,
			  size_t nb, double tol)
{
	qsort(ka, na, sizeof(*ka), cmp_content);
	qsort(kb, nb, sizeof(*kb), cmp_content);
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		if (ka[i].matched || !ka[i].r->expected) {
			i++;
			continue;
		}
		if (kb[j].matched || !kb[j].r->expected) {
			j++;
			continue;
		}
		int c = cmp_content(&ka[i], &kb[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			int dup_a = (i + 1 < na && !cmp_content(&ka[i], &ka[i + 1])) ||
				    (i > 0 && !cmp_content(&ka[i], &ka[i - 1]));
			int dup_b = (j + 1 < nb && !cmp_content(&kb[j], &kb[j + 1])) ||
				    (j > 0 && !cmp_content(&kb[j], &kb[j - 1]));
			if (!dup_a && !dup_b) {
				ka[i].matched = kb[j].matched = 1;
				add_pair(d, ka[i].r, kb[j].r, tol, LLMOPS_CHANGE_BY_CONTENT);
			}
			i++;
			j++;
		}
	}
}

static int same_case(const struct keyed *x, const struct keyed *y)
{
	return x->vrank == y->vrank && !cmp_str(x->r->case_id, y->r->case_id);
}

/* The end of the group of k[i] (same variant and case id) in k sorted by cmp_id. */
static size_t group_end(const struct keyed *k, size_t n, size_t i, long *passed)
{
	size_t j = i;
	*passed = 0;
	for (; j < n && same_case(&k[i], &k[j]); j++)
		*passed += k[j].r->passed == 1;
	return j;
}

static int cmp_case_pos(const void *p, const void *q)
{
	const struct llmops_diff_case *x = p, *y = q;
	return (x->b > y->b) - (x->b < y->b);
}

/* Compare the cases of ka and kb (both sorted by cmp_id) by pass fraction. */
static int compare_cases(struct llmops_diff *d, const struct keyed *ka, size_t na,
			 const struct keyed *kb, size_t nb)
{
	size_t cap = (na < nb ? na : nb) + 1;
	double *ch = calloc(cap, sizeof(*ch));
	d->cases = calloc(cap, sizeof(*d->cases));
	if (!ch || !d->cases) {
		free(ch);
		return -1;
	}
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		int c = ka[i].vrank != kb[j].vrank ? (ka[i].vrank < kb[j].vrank ? -1 : 1)
						   : cmp_str(ka[i].r->case_id, kb[j].r->case_id);
		long pa, pb;
		size_t ei = group_end(ka, na, i, &pa), ej = group_end(kb, nb, j, &pb);
		if (c) {
			if (c < 0)
				i = ei;
			else
				j = ej;
			continue;
		}
		struct llmops_diff_case *x = &d->cases[d->ncases++];
		x->a = ka[i].r;
		x->b = kb[j].r;
		x->runs_a = (long)(ei - i);
		x->passed_a = pa;
		x->runs_b = (long)(ej - j);
		x->passed_b = pb;
		x->change = (double)pb / (double)x->runs_b - (double)pa / (double)x->runs_a;
		ch[d->ncases - 1] = x->change;
		d->cases_worse += x->change < 0;
		d->cases_better += x->change > 0;
		x->lost = pa == x->runs_a && pb < x->runs_b;
		d->cases_lost += x->lost;
		i = ei;
		j = ej;
	}
	if (d->ncases > 1)
		qsort(d->cases, d->ncases, sizeof(*d->cases), cmp_case_pos);
	llmops_mean_ci(ch, d->ncases, 0.95, &d->frac_mean, &d->frac_lo, &d->frac_hi);
	if (fabs(d->frac_mean) < 1e-12) /* thirds that cancel leave a rounding error, not a fall */
		d->frac_mean = 0;
	d->frac_p = 1;
	if (d->ncases >= 2 && (d->cases_worse || d->cases_better)) { /* paired t, cases as units */
		double ss = 0, n = (double)d->ncases;
		for (size_t i = 0; i < d->ncases; i++)
			ss += (ch[i] - d->frac_mean) * (ch[i] - d->frac_mean);
		double se = sqrt(ss / (n - 1) / n);
		d->frac_p = se > 0 ? 2 * (1 - llmops_t_cdf(fabs(d->frac_mean) / se, n - 1))
				   : 0; /* every case moved the same way by the same amount */
	}
	free(ch);
	return 0;
}

int llmops_diff_runs(const struct llmops_run_data *a, const struct llmops_run_data *b,
		     const struct llmops_diff_opts *opts, struct llmops_diff *d,
		     struct llmops_err *err)
{
	double tol = opts && opts->tolerance >= 0 ? opts->tolerance : 0.05;
	size_t nva = 0, nvb = 0;
	const char **va = variants(a, &nva), **vb = variants(b, &nvb);
	struct keyed *ka = NULL, *kb = NULL;
	double *ds = NULL;
	int by_name, rc = LLMOPS_OK;

	memset(d, 0, sizeof(*d));
	if (!va || !vb)
		goto nomem;
	by_name = same_sets(va, nva, vb, nvb);
	d->variants_renamed = !by_name;
	size_t na = 0, nb = 0;
	ka = keyed(a, va, nva, va, nva, 1, &na);
	kb = keyed(b, va, nva, vb, nvb, by_name, &nb);
	d->pairs = calloc((na < nb ? na : nb) + 1, sizeof(*d->pairs));
	d->only_a = calloc(na + 1, sizeof(*d->only_a));
	d->only_b = calloc(nb + 1, sizeof(*d->only_b));
	ds = calloc((na < nb ? na : nb) + 1, sizeof(*ds));
	if (!ka || !kb || !d->pairs || !d->only_a || !d->only_b || !ds)
		goto nomem;
	if (na)
		qsort(ka, na, sizeof(*ka), cmp_id);
	if (nb)
		qsort(kb, nb, sizeof(*kb), cmp_id);
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		int c = cmp_id(&ka[i], &kb[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			ka[i].matched = kb[j].matched = 1;
			add_pair(d, ka[i].r, kb[j].r, tol, 0);
			i++;
			j++;
		}
	}
	d->repeated = llmops_run_data_repeated(a) || llmops_run_data_repeated(b);
	if (d->repeated && compare_cases(d, ka, na, kb, nb)) /* before content re-sorts */
		goto nomem;
	match_content(d, ka, na, kb, nb, tol);
	for (size_t i = 0; i < na; i++)
		if (!ka[i].matched)
			d->only_a[d->nonly_a++] = ka[i].r;
	for (size_t j = 0; j < nb; j++)
		if (!kb[j].matched)
			d->only_b[d->nonly_b++] = kb[j].r;
	if (d->npairs)
		qsort(d->pairs, d->npairs, sizeof(*d->pairs), cmp_pair_pos);

	for (size_t i = 0; i < d->npairs; i++)
		if (!isnan(d->pairs[i].dscore))
			ds[d->nscored++] = d->pairs[i].dscore;
	llmops_mean_ci(ds, d->nscored, 0.95, &d->dscore_mean, &d->dscore_lo, &d->dscore_hi);
	d->mcnemar_p = llmops_mcnemar_exact(d->pass_to_fail, d->fail_to_pass);
	d->paired_rate_a =
		d->npairs ? (double)(d->both_pass + d->pass_to_fail) / (double)d->npairs : NAN;
	d->paired_rate_b =
		d->npairs ? (double)(d->both_pass + d->fail_to_pass) / (double)d->npairs : NAN;
	side(a, &d->a);
	side(b, &d->b);
	goto out;
nomem:
	llmops_diff_release(d);
	rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
out:
	LLMOPS_FREE_ALL(va, vb, ka, kb, ds);
	return rc;
}

void llmops_diff_release(struct llmops_diff *d)
{
	LLMOPS_FREE_ALL(d->pairs, d->only_a, d->only_b, d->cases);
	memset(d, 0, sizeof(*d));
}

int llmops_diff_regressed(const struct llmops_diff *d, double significance)
{
	if (d->repeated && significance < 0)
		return d->cases_lost > 0;
	if (d->repeated)
		return d->frac_mean < 0 && d->frac_p < significance;
	if (significance < 0)
		return d->pass_to_fail > 0;
	return d->pass_to_fail > d->fail_to_pass && d->mcnemar_p < significance;
}

/* Two optional strings the same (NULL equals NULL only). */
static int same_str(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

int llmops_diff_default_pair(struct llmops_ledger *lg, char a[LLMOPS_RUNID_LEN + 1],
			     char b[LLMOPS_RUNID_LEN + 1], struct llmops_err *err)
{
	struct llmops_run *last = NULL, **runs = NULL;
	size_t n = 0;
	int rc = llmops_ledger_run_get(lg, "last", &last, err);
	if (rc)
		return rc;
	struct llmops_run_filter f = {0};
	f.kind = last->kind;
	f.dataset_path = last->dataset_path;
	rc = llmops_ledger_runs_list(lg, &f, &runs, &n, err);
	a[0] = 0;
	for (size_t i = 0; !rc && i < n && !a[0]; i++)
		if (strcmp(runs[i]->id, last->id) < 0 && /* ids sort by start time */
		    same_str(runs[i]->prompt_name, last->prompt_name) &&
		    same_str(runs[i]->dataset_path, last->dataset_path))
			memcpy(a, runs[i]->id, LLMOPS_RUNID_LEN + 1);
	memcpy(b, last->id, LLMOPS_RUNID_LEN + 1);
	if (!rc && !a[0])
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "no earlier run of %s%s on %s to compare the last run (%s) "
				    "with: name the two runs (llmops diff A B)",
				    last->prompt_name ? "prompt " : "no prompt",
				    last->prompt_name ? last->prompt_name : "",
				    last->dataset_path ? last->dataset_path : "no dataset",
				    last->id);
	llmops_runs_free(runs, n);
	llmops_run_free(last);
	return rc;
}

int llmops_diff_comparable(const struct llmops_run *a, const struct llmops_run *b, char *why,
			   size_t n)
{
	if (!same_str(a->dataset_path, b->dataset_path))
		snprintf(why, n, "the runs are of different datasets (%s and %s)",
			 a->dataset_path ? a->dataset_path : "none",
			 b->dataset_path ? b->dataset_path : "none");
	else if (!same_str(a->prompt_name, b->prompt_name))
		snprintf(why, n, "the runs are of different prompts (%s and %s)",
			 a->prompt_name ? a->prompt_name : "none",
			 b->prompt_name ? b->prompt_name : "none");
	else
		return 1;
	return 0;
}
