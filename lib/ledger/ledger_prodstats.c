/*
 * ledger_prodstats.c - production traffic read from the ledger: a canary
 * against its stable version, rows by metadata tag, spend by kind
 * (prodstats.h).
 */
#include "internal.h"

#include "buf.h"
#include "feedbackdb.h"
#include "mem.h"

#include "prodstats.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(double **v, size_t *n, double x)
{
	if (!*n || (*n >= 64 && !(*n & (*n - 1)))) { /* full at 64, 128, 256, ... */
		size_t cap = *n ? 2 * *n : 64;
		double *p = realloc(*v, cap * sizeof(*p));
		if (!p)
			return -1;
		*v = p;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static double mean(const double *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return n ? s / (double)n : NAN;
}

void llmops_canary_release(struct llmops_canary *c)
{
	LLMOPS_FREE_ALL(c->stable.lat, c->stable.cost, c->stable.fb, c->canary.lat, c->canary.cost,
			c->canary.fb);
	memset(c, 0, sizeof(*c));
}

/* sql with ?1 the prompt, ?2 and ?3 the stable and canary versions, ?4 since (or NULL). */
static int prepare_sides(struct llmops_ledger *lg, const char *sql, const char *name,
			 const struct llmops_canary *c, const char *since, sqlite3_stmt **st,
			 struct llmops_err *err)
{
	int rc = ledger_prepare(lg, sql, st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(*st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 2, c->stable.version, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 3, c->canary.version, -1, SQLITE_STATIC);
	ledger_bind_text(*st, 4, since);
	return 0;
}

/* The side a row is about, by the version in its first column. */
static struct llmops_canary_side *side_of(struct llmops_canary *c, sqlite3_stmt *st)
{
	const char *v = (const char *)sqlite3_column_text(st, 0);
	return v && !strcmp(v, c->canary.version) ? &c->canary : &c->stable;
}

static int read_traffic(struct llmops_ledger *lg, const char *name, const char *since,
			struct llmops_canary *c, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT u.prompt_version, r.passed IS NULL, r.latency_ms, r.cost_usd"
		" FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE u.kind = 'production' AND u.prompt_name = ?1"
		" AND u.prompt_version IN (?2, ?3) AND (?4 IS NULL OR r.created_at >= ?4)";
	sqlite3_stmt *st = NULL;
	int rc = prepare_sides(lg, sql, name, c, since, &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_canary_side *s = side_of(c, st);
		s->requests++;
		if (sqlite3_column_int(st, 1)) {
			s->errors++;
			continue;
		}
		if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
		    push(&s->lat, &s->nlat, sqlite3_column_double(st, 2)))
			goto nomem;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL &&
		    push(&s->cost, &s->ncost, sqlite3_column_double(st, 3)))
			goto nomem;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot read production traffic", err);
nomem:
	sqlite3_finalize(st);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

/* Online evaluations: runs of eval --production (their datasets under .llmops/production/). */
static int read_online(struct llmops_ledger *lg, const char *name, const char *since,
		       struct llmops_canary *c, struct llmops_err *err)
{
	/* a record scored by several runs counts once, by its newest verdict */
	static const char sql[] =
		"SELECT v, count(*), count(*) FILTER (WHERE passed = 1) FROM ("
		" SELECT u.prompt_version AS v, r.passed AS passed, row_number() OVER ("
		"  PARTITION BY u.prompt_version, r.case_id ORDER BY u.started_at DESC, r.id DESC) "
		"AS k"
		" FROM results r JOIN runs u ON u.id = r.run_id"
		" JOIN datasets d ON d.id = u.dataset_id"
		" WHERE u.kind = 'eval' AND d.path LIKE '%.llmops/production/%'"
		" AND u.prompt_name = ?1 AND u.prompt_version IN (?2, ?3) AND r.passed IS NOT NULL"
		" AND (?4 IS NULL OR u.started_at >= ?4)) WHERE k = 1 GROUP BY v";
	sqlite3_stmt *st = NULL;
	int rc = prepare_sides(lg, sql, name, c, since, &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_canary_side *s = side_of(c, st);
		s->scored = sqlite3_column_int64(st, 1);
		s->passed = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot read online evaluations", err);
}

/* Users' feedback on each side's production records (feedbackdb.h). */
static int read_feedback(struct llmops_ledger *lg, const char *name, const char *since,
			 struct llmops_canary *c, struct llmops_err *err)
{
	static const char fmt[] =
		"SELECT u.prompt_version, m.value FROM (%s) m JOIN results r ON r.id = m.rid"
		" JOIN runs u ON u.id = r.run_id"
		" WHERE u.kind = 'production' AND u.prompt_name = ?1"
		" AND u.prompt_version IN (?2, ?3) AND (?4 IS NULL OR r.created_at >= ?4)"
		" AND m.value IS NOT NULL";
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;
	llmops_buf_addf(&sql, fmt, llmops_feedback_matches_sql);
	rc = sql.oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
		     : prepare_sides(lg, sql.data, name, c, since, &st, err);
	llmops_buf_release(&sql);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_canary_side *s = side_of(c, st);
		if (push(&s->fb, &s->nfb, sqlite3_column_double(st, 1))) {
			sqlite3_finalize(st);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot read the feedback", err);
}

static void side_finish(struct llmops_canary_side *s)
{
	s->error_rate = s->requests ? (double)s->errors / (double)s->requests : NAN;
	s->latency_mean = mean(s->lat, s->nlat);
	s->cost_mean = mean(s->cost, s->ncost);
	s->pass_rate = s->scored ? (double)s->passed / (double)s->scored : NAN;
	s->feedback_mean = mean(s->fb, s->nfb);
	llmops_sort_doubles(s->lat, s->nlat);
	s->latency_p50 = llmops_quantile_sorted(s->lat, s->nlat, 0.50);
	s->latency_p95 = llmops_quantile_sorted(s->lat, s->nlat, 0.95);
}

/* Means compared by Welch's t test; worse when the canary's is higher (lower with
   higher_is_better) by LLMOPS_CANARY_MIN_CHANGE of the stable's or more, with p < alpha. */
static void mean_test(struct llmops_canary *c, const char *metric, const double *a, size_t na,
		      const double *b, size_t nb, size_t min, int higher_is_better, double alpha)
{
	struct llmops_canary_test *t = &c->tests[c->ntests++];
	t->metric = metric;
	t->stable = mean(a, na);
	t->canary = mean(b, nb);
	t->p = NAN;
	t->tested = na >= min && nb >= min;
	if (!t->tested)
		return;
	double va = 0, vb = 0;
	for (size_t i = 0; i < na; i++)
		va += (a[i] - t->stable) * (a[i] - t->stable);
	for (size_t i = 0; i < nb; i++)
		vb += (b[i] - t->canary) * (b[i] - t->canary);
	if (va + vb <= 1e-18 * (t->stable * t->stable + t->canary * t->canary) * (double)(na + nb))
		/* no spread on either side (a flat price): the means are equal or they are not */
		t->p = fabs(t->canary - t->stable) <= 1e-9 * fabs(t->stable) ? 1 : 0;
	else
		t->p = llmops_welch_p(a, na, b, nb);
	double margin = fabs(t->stable) * LLMOPS_CANARY_MIN_CHANGE;
	t->worse = t->p < alpha && (higher_is_better ? t->canary < t->stable - margin
						     : t->canary > t->stable + margin);
}

static void prop_test(struct llmops_canary *c, const char *metric, long ka, long na, long kb,
		      long nb, long min, int higher_is_worse, double alpha)
{
	struct llmops_canary_test *t = &c->tests[c->ntests++];
	t->metric = metric;
	t->stable = na ? (double)ka / (double)na : NAN;
	t->canary = nb ? (double)kb / (double)nb : NAN;
	t->p = NAN;
	t->tested = na >= min && nb >= min;
	if (!t->tested)
		return;
	t->p = llmops_two_prop_p((double)ka, (double)na, (double)kb, (double)nb);
	t->worse =
		t->p < alpha && (higher_is_worse ? t->canary > t->stable : t->canary < t->stable);
}

int llmops_ledger_canary(struct llmops_ledger *lg, const char *name, const char *stable,
			 const char *canary, const char *since, double alpha,
			 struct llmops_canary *out, struct llmops_err *err)
{
	int rc;
	memset(out, 0, sizeof(*out));
	snprintf(out->stable.version, sizeof(out->stable.version), "%s", stable);
	snprintf(out->canary.version, sizeof(out->canary.version), "%s", canary);
	if ((rc = read_traffic(lg, name, since, out, err)) ||
	    (rc = read_online(lg, name, since, out, err)) ||
	    (rc = read_feedback(lg, name, since, out, err))) {
		llmops_canary_release(out);
		return rc;
	}
	struct llmops_canary_side *s = &out->stable, *k = &out->canary;
	prop_test(out, "error_rate", s->errors, s->requests, k->errors, k->requests,
		  LLMOPS_CANARY_MIN_REQUESTS, 1, alpha);
	mean_test(out, "latency_ms", s->lat, s->nlat, k->lat, k->nlat, LLMOPS_CANARY_MIN_REQUESTS,
		  0, alpha);
	mean_test(out, "cost_usd", s->cost, s->ncost, k->cost, k->ncost, LLMOPS_CANARY_MIN_REQUESTS,
		  0, alpha);
	prop_test(out, "pass_rate", s->passed, s->scored, k->passed, k->scored,
		  LLMOPS_CANARY_MIN_SCORED, 0, alpha);
	mean_test(out, "feedback_score", s->fb, s->nfb, k->fb, k->nfb, LLMOPS_CANARY_MIN_FEEDBACK,
		  1, alpha);
	side_finish(s);
	side_finish(k);
	for (int i = 0; i < out->ntests; i++) {
		out->regression |= out->tests[i].worse;
		out->conclusive |= out->tests[i].tested;
	}
	return 0;
}

/* ----------------------------------------------------------------- tags */

static int add_latency(struct llmops_stats_row *r, double v)
{
	if (LLMOPS_GROW(r->lat, r->nlat, r->caplat, 256))
		return -1;
	r->lat[r->nlat++] = v;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct llmops_stats_row *)a)->key,
		      ((const struct llmops_stats_row *)b)->key);
}

int llmops_ledger_stats_by_tag(struct llmops_ledger *lg, const char *key, const char *since,
			       struct llmops_stats *out, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT json_extract(r.metadata, ?1), r.run_id, r.passed, r.skipped, r.attempts,"
		" r.cache_hit, r.tokens_in, r.tokens_out, r.cost_usd, r.judge_cost_usd, "
		"r.latency_ms"
		" FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE (?2 IS NULL OR u.started_at >= ?2) ORDER BY r.run_id";
	sqlite3_stmt *st = NULL;
	char path[300];
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->total.key, sizeof(out->total.key), "total");
	if (!*key || strchr(key, '"') || strlen(key) > 256)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "tag:%s: a tag name is 1 to 256 characters without '\"'",
				      key);
	snprintf(path, sizeof(path), "$.\"%s\"", key);
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	ledger_bind_text(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *run = (const char *)sqlite3_column_text(st, 1);
		struct llmops_stats_row *rows[2] = {llmops_stats_row_for(out, k && *k ? k : "-"),
						    &out->total};
		if (!rows[0])
			goto nomem;
		for (int i = 0; i < 2; i++) {
			struct llmops_stats_row *w = rows[i];
			if (strcmp(w->last_run, run)) {
				w->runs++;
				snprintf(w->last_run, sizeof(w->last_run), "%s", run);
			}
			w->cases++;
			if (sqlite3_column_int(st, 2) == 1)
				w->passed++;
			else if (sqlite3_column_type(st, 2) == SQLITE_NULL &&
				 !sqlite3_column_int(st, 3))
				w->errored++;
			w->requests += sqlite3_column_int64(st, 4);
			w->cache_hits += sqlite3_column_int64(st, 5);
			w->tokens_in += sqlite3_column_int64(st, 6);
			w->tokens_out += sqlite3_column_int64(st, 7);
			w->cost_usd += sqlite3_column_double(st, 8) + sqlite3_column_double(st, 9);
			if (sqlite3_column_type(st, 10) != SQLITE_NULL &&
			    !sqlite3_column_int(st, 5) &&
			    add_latency(w, sqlite3_column_double(st, 10)))
				goto nomem;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		llmops_stats_release(out);
		return ledger_fail(lg, rc, "cannot read the results", err);
	}
	for (size_t i = 0; i < out->nrows; i++)
		llmops_stats_row_finish(&out->rows[i]);
	llmops_stats_row_finish(&out->total);
	if (out->nrows)
		qsort(out->rows, out->nrows, sizeof(*out->rows), cmp_key);
	return 0;
nomem:
	sqlite3_finalize(st);
	llmops_stats_release(out);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

int llmops_ledger_spend(struct llmops_ledger *lg, const char *since, double *production,
			double *evaluation, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT kind = 'production', sum(cost_usd + judge_cost_usd) FROM runs"
		" WHERE (?1 IS NULL OR started_at >= ?1) GROUP BY 1";
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, sql, &st, err);
	*production = *evaluation = 0;
	if (rc)
		return rc;
	ledger_bind_text(st, 1, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*(sqlite3_column_int(st, 0) ? production : evaluation) =
			sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot read the runs", err);
}
