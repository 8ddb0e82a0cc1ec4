/*
 * runstats.c - aggregation of runs by day, prompt, model or provider, and
 * drift within a series of evaluations (see runstats.h).
 */
#include "runstats.h"

#include "mem.h"

#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int llmops_stats_by_parse(const char *s)
{
	static const char *const names[] = {"day",	"prompt",  "model",
					    "provider", "version", "kind"};
	for (int i = 0; s && i < 6; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* One finished evaluation, as a point of its series. */
struct point {
	char key[512]; /* prompt \x1f dataset id \x1f model */
	size_t seq;    /* order of arrival: time order */
	char prompt[128], model[128], dataset[256];
	int64_t cases, passed;
	double pass_rate, score_mean, latency_p50, cost_per_case;
};

struct acc {
	struct llmops_stats *s;
	struct llmops_ledger *lg;
	struct llmops_err *err;
	int by;
	struct point *pts;
	size_t npts, cappts;
	int nomem;
};

static int add_lat(struct llmops_stats_row *r, const double *lat, size_t n)
{
	if (r->nlat + n > r->caplat) {
		size_t cap = r->caplat ? r->caplat : 256;
		while (cap < r->nlat + n)
			cap *= 2;
		double *p = realloc(r->lat, cap * sizeof(*p));
		if (!p)
			return -1;
		r->lat = p;
		r->caplat = cap;
	}
	if (n)
		memcpy(r->lat + r->nlat, lat, n * sizeof(*lat));
	r->nlat += n;
	return 0;
}

static int add_to_row(struct llmops_stats_row *r, const struct llmops_run_figures *f)
{
	/* the parts of a run split by who answered count it once in a row they share */
	if (!f->id || strcmp(r->last_run, f->id))
		r->runs++;
	snprintf(r->last_run, sizeof(r->last_run), "%s", f->id ? f->id : "");
	r->cases += (long)f->cases;
	r->passed += (long)f->passed;
	r->errored += (long)f->errored;
	r->requests += f->requests;
	r->cache_hits += f->cache_hits;
	r->tokens_in += f->tokens_in;
	r->tokens_out += f->tokens_out;
	r->cost_usd += f->cost_usd;
	return add_lat(r, f->lat, f->nlat);
}

struct llmops_stats_row *llmops_stats_row_for(struct llmops_stats *s, const char *key)
{
	/* runs come oldest first, so a day's row is nearly always the last one */
	for (size_t i = s->nrows; i-- > 0;)
		if (!strcmp(s->rows[i].key, key))
			return &s->rows[i];
	struct llmops_stats_row *p = realloc(s->rows, (s->nrows + 1) * sizeof(*p));
	if (!p)
		return NULL;
	s->rows = p;
	p = &s->rows[s->nrows++];
	memset(p, 0, sizeof(*p));
	snprintf(p->key, sizeof(p->key), "%s", key);
	return p;
}

/* f (a run, or the part of one a provider and model answered) into the row of its key. */
static int take_row(const struct llmops_run_figures *f, void *ctx)
{
	struct acc *a = ctx;
	char key[192];
	const char *k;

	switch (a->by) {
	case LLMOPS_STATS_BY_PROMPT: k = f->prompt_name; break;
	case LLMOPS_STATS_BY_MODEL: k = f->model; break;
	case LLMOPS_STATS_BY_PROVIDER: k = f->provider; break;
	case LLMOPS_STATS_BY_VERSION:
		snprintf(key, sizeof(key), "%s@%s", f->prompt_name ? f->prompt_name : "-",
			 f->prompt_version ? f->prompt_version : "-");
		k = f->prompt_name ? key : NULL;
		break;
	case LLMOPS_STATS_BY_KIND: k = f->kind; break;
	default: snprintf(key, sizeof(key), "%.10s", f->started_at ? f->started_at : "-"); k = key;
	}
	struct llmops_stats_row *r = llmops_stats_row_for(a->s, k && *k ? k : "-");
	if (!r || add_to_row(r, f)) {
		a->nomem = 1;
		return LLMOPS_E_NOMEM;
	}
	return 0;
}

static int take(const struct llmops_run_figures *f, void *ctx)
{
	struct acc *a = ctx;
	int split = 0, rc;

	/* by model or provider, a run whose results were answered by several (a fallback,
	   a matrix of providers) counts in the row of each, with what each answered */
	if ((a->by == LLMOPS_STATS_BY_MODEL || a->by == LLMOPS_STATS_BY_PROVIDER) &&
	    (rc = llmops_ledger_figures_split(a->lg, f, take_row, a, &split, a->err)))
		return rc;
	if ((!split && take_row(f, a)) || add_to_row(&a->s->total, f))
		goto nomem;
	/* a series: the evaluations of one prompt on one dataset with one model, or one prompt
	   version's production traffic with one model (a run a day) */
	int prod = !strcmp(f->kind, "production");
	if ((strcmp(f->kind, "eval") && !prod) || f->cases <= 0 ||
	    (f->status != LLMOPS_RUN_PASSED && f->status != LLMOPS_RUN_FAILED))
		return 0;
	if (LLMOPS_GROW(a->pts, a->npts, a->cappts, 64))
		goto nomem;
	struct point *p = &a->pts[a->npts];
	p->seq = a->npts++;
	snprintf(p->prompt, sizeof(p->prompt), "%s%s%s", f->prompt_name ? f->prompt_name : "-",
		 prod && f->prompt_version ? "@" : "",
		 prod && f->prompt_version ? f->prompt_version : "");
	snprintf(p->model, sizeof(p->model), "%s", f->model ? f->model : "-");
	if (prod)
		snprintf(p->dataset, sizeof(p->dataset), "production");
	else if (f->dataset_path)
		snprintf(p->dataset, sizeof(p->dataset), "%s", f->dataset_path);
	else
		snprintf(p->dataset, sizeof(p->dataset), "#%lld", (long long)f->dataset_id);
	snprintf(p->key, sizeof(p->key), "%s\x1f%lld\x1f%s", p->prompt,
		 prod ? -1LL : (long long)f->dataset_id, p->model);
	p->cases = f->cases;
	p->passed = f->passed;
	p->pass_rate = (double)f->passed / (double)f->cases;
	p->score_mean = f->score_mean;
	p->latency_p50 = f->latency_p50;
	p->cost_per_case = f->cost_usd / (double)f->cases;
	return 0;
nomem:
	a->nomem = 1;
	return LLMOPS_E_NOMEM;
}

void llmops_stats_row_finish(struct llmops_stats_row *r)
{
	r->pass_rate = r->cases ? (double)r->passed / (double)r->cases : NAN;
	r->error_rate = r->cases ? (double)r->errored / (double)r->cases : NAN;
	r->latency_p50 = llmops_quantile_select(r->lat, r->nlat, 0.50);
	r->latency_p95 = llmops_quantile_select(r->lat, r->nlat, 0.95);
}

static int cmp_row(const void *x, const void *y)
{
	return strcmp(((const struct llmops_stats_row *)x)->key,
		      ((const struct llmops_stats_row *)y)->key);
}

/* stable: points keep their time order within a series */
static int cmp_point(const void *x, const void *y)
{
	const struct point *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int flag(struct llmops_stats *s, const struct point *first, const char *metric,
		double before, double after, double p, size_t nb, size_t na)
{
	double scale = fabs(before) > 1e-12 ? fabs(before) : 1;
	if (isnan(p) || p >= LLMOPS_DRIFT_P ||
	    fabs(after - before) / scale < LLMOPS_DRIFT_MIN_CHANGE)
		return 0;
	struct llmops_drift *d = realloc(s->drift, (s->ndrift + 1) * sizeof(*d));
	if (!d)
		return -1;
	s->drift = d;
	d = &s->drift[s->ndrift++];
	memset(d, 0, sizeof(*d));
	snprintf(d->prompt, sizeof(d->prompt), "%s", first->prompt);
	snprintf(d->model, sizeof(d->model), "%s", first->model);
	snprintf(d->dataset, sizeof(d->dataset), "%s", first->dataset);
	d->metric = metric;
	d->before = before;
	d->after = after;
	d->p = p;
	d->nbefore = nb;
	d->nafter = na;
	return 0;
}

enum { M_SCORE, M_LATENCY, M_COST };

static double metric_of(const struct point *p, int which)
{
	return which == M_SCORE	    ? p->score_mean
	       : which == M_LATENCY ? p->latency_p50
				    : p->cost_per_case;
}

/* Test one metric of a series split at `split` with Welch's t on per-run values. */
static int welch_metric(struct llmops_stats *s, const struct point *pts, size_t n, size_t split,
			const char *metric, int which)
{
	double *v = malloc(n * sizeof(*v));
	size_t nb = 0, na = 0;
	double mb = 0, ma = 0;
	int rc = 0;
	if (!v)
		return -1;
	/* before in v[0..nb), after packed behind them */
	for (size_t i = 0; i < split; i++) {
		double x = metric_of(&pts[i], which);
		if (!isnan(x))
			v[nb++] = x;
	}
	for (size_t i = split; i < n; i++) {
		double x = metric_of(&pts[i], which);
		if (!isnan(x))
			v[nb + na++] = x;
	}
	for (size_t i = 0; i < nb; i++)
		mb += v[i] / (double)nb;
	for (size_t i = 0; i < na; i++)
		ma += v[nb + i] / (double)na;
	if (nb >= 3 && na >= 3)
		rc = flag(s, pts, metric, mb, ma, llmops_welch_p(v, nb, v + nb, na), nb, na);
	free(v);
	return rc;
}

static int drift(struct llmops_stats *s, struct point *pts, size_t n)
{
	if (n)
		qsort(pts, n, sizeof(*pts), cmp_point);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(pts[j].key, pts[i].key);)
			j++;
		size_t len = j - i, recent = len / 3 < 3 ? 3 : len / 3;
		if (len < LLMOPS_DRIFT_MIN_RUNS)
			continue;
		s->series++;
		size_t split = len - recent;
		double kb = 0, nb = 0, ka = 0, na = 0;
		for (size_t t = 0; t < len; t++) {
			double *k = t < split ? &kb : &ka, *m = t < split ? &nb : &na;
			*k += (double)pts[i + t].passed;
			*m += (double)pts[i + t].cases;
		}
		if (flag(s, &pts[i], "pass_rate", kb / nb, ka / na,
			 llmops_two_prop_p(kb, nb, ka, na), split, recent) ||
		    welch_metric(s, pts + i, len, split, "score_mean", M_SCORE) ||
		    welch_metric(s, pts + i, len, split, "latency_p50_ms", M_LATENCY) ||
		    welch_metric(s, pts + i, len, split, "cost_per_case_usd", M_COST))
			return -1;
	}
	return 0;
}

int llmops_ledger_stats(struct llmops_ledger *lg, int by, const char *since,
			struct llmops_stats *out, struct llmops_err *err)
{
	struct acc a = {out, lg, err, by, NULL, 0, 0, 0};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->total.key, sizeof(out->total.key), "total");
	rc = llmops_ledger_figures_each(lg, since, take, &a, err);
	if (a.nomem)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!rc) {
		for (size_t i = 0; i < out->nrows; i++)
			llmops_stats_row_finish(&out->rows[i]);
		llmops_stats_row_finish(&out->total);
		if (out->nrows)
			qsort(out->rows, out->nrows, sizeof(*out->rows), cmp_row);
		if (drift(out, a.pts, a.npts))
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	free(a.pts);
	if (rc)
		llmops_stats_release(out);
	return rc;
}

void llmops_stats_release(struct llmops_stats *s)
{
	for (size_t i = 0; i < s->nrows; i++)
		free(s->rows[i].lat);
	free(s->rows);
	free(s->total.lat);
	free(s->drift);
	memset(s, 0, sizeof(*s));
}
