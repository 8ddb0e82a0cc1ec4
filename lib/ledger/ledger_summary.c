/*
 * ledger_summary.c - the per-run figures kept in the runs row at finish
 * (requests, cache hits, mean score, latency quantiles and the sorted
 * latencies themselves), so that listing and aggregating runs reads the
 * runs table only.  A run not yet finished, or finished by a ledger of
 * schema 1, has none stored: its figures are computed from its results when
 * read.
 */
#include "internal.h"

#include "mem.h"

#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The latencies of results answered by a request (cache hits excluded), sorted. */
static int latencies_from_results(struct llmops_ledger *lg, const char *run_id, double **out,
				  size_t *n, struct llmops_err *err)
{
	static const char sql[] = "SELECT latency_ms FROM results WHERE run_id = ?1"
				  " AND cache_hit = 0 AND latency_ms IS NOT NULL";
	sqlite3_stmt *st = NULL;
	size_t nr = 0, cap = 0;
	double *v = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (LLMOPS_GROW(v, nr, cap, 64)) {
			free(v);
			sqlite3_finalize(st);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
		v[nr++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return ledger_fail(lg, rc, "cannot read latencies", err);
	}
	llmops_sort_doubles(v, nr);
	*out = v;
	*n = nr;
	return LLMOPS_OK;
}

/* float64 little-endian, whatever the host's byte order */
static void put_f64(unsigned char *p, double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof(u));
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(u >> (8 * i));
}

/* Sorted latencies as the runs.latencies blob (malloc'd; NULL when n is 0). 0 or NOMEM. */
static int latency_blob(const double *sorted, size_t n, unsigned char **out, struct llmops_err *err)
{
	*out = NULL;
	if (!n)
		return 0;
	if (!(*out = malloc(n * 8)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		put_f64(*out + 8 * i, sorted[i]);
	return 0;
}

static double get_f64(const unsigned char *p)
{
	uint64_t u = 0;
	double x;
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	memcpy(&x, &u, sizeof(x));
	return x;
}

int ledger_latencies_decode(const void *blob, size_t bytes, double **out, size_t *n)
{
	size_t k = bytes / 8;
	*out = NULL;
	*n = 0;
	if (!k)
		return LLMOPS_OK;
	if (!(*out = malloc(k * sizeof(double))))
		return LLMOPS_E_NOMEM;
	for (size_t i = 0; i < k; i++)
		(*out)[i] = get_f64((const unsigned char *)blob + 8 * i);
	*n = k;
	return LLMOPS_OK;
}

int ledger_summary_compute(struct llmops_ledger *lg, struct llmops_run *run, double **lat,
			   size_t *nlat, struct llmops_err *err)
{
	static const char sql[] = "SELECT coalesce(sum(attempts), 0), coalesce(sum(cache_hit), 0),"
				  " avg(score) FROM results WHERE run_id = ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run->id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = ledger_fail(lg, rc, "cannot summarize a run", err);
		sqlite3_finalize(st);
		return rc;
	}
	run->requests = sqlite3_column_int64(st, 0);
	run->cache_hits = sqlite3_column_int64(st, 1);
	run->score_mean =
		sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
	sqlite3_finalize(st);
	if ((rc = latencies_from_results(lg, run->id, lat, nlat, err)))
		return rc;
	run->latency_p50 = llmops_quantile_sorted(*lat, *nlat, 0.50);
	run->latency_p95 = llmops_quantile_sorted(*lat, *nlat, 0.95);
	return LLMOPS_OK;
}

int ledger_summary_store(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err)
{
	static const char sql[] = "UPDATE runs SET requests = ?2, cache_hits = ?3,"
				  " score_mean = ?4, latency_p50 = ?5, latency_p95 = ?6,"
				  " latencies = ?7 WHERE id = ?1";
	struct llmops_run run;
	sqlite3_stmt *st = NULL;
	unsigned char *blob = NULL;
	double *lat = NULL;
	size_t nlat = 0;
	int rc;

	memset(&run, 0, sizeof(run));
	snprintf(run.id, sizeof(run.id), "%s", run_id);
	if ((rc = ledger_summary_compute(lg, &run, &lat, &nlat, err)))
		return rc;
	rc = latency_blob(lat, nlat, &blob, err);
	free(lat);
	if (rc || (rc = ledger_prepare(lg, sql, &st, err))) {
		free(blob);
		return rc;
	}
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run.requests);
	sqlite3_bind_int64(st, 3, run.cache_hits);
	ledger_bind_double(st, 4, run.score_mean);
	ledger_bind_double(st, 5, run.latency_p50);
	ledger_bind_double(st, 6, run.latency_p95);
	sqlite3_bind_blob64(st, 7, blob ? (const void *)blob : "", (sqlite3_uint64)(nlat * 8),
			    SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(blob);
	return rc == SQLITE_DONE ? LLMOPS_OK
				 : ledger_fail(lg, rc, "cannot store a run's figures", err);
}

int ledger_figures_store(struct llmops_ledger *lg, const char *run_id,
			 const struct llmops_run_counts *f, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE runs SET cases = ?2, passed = ?3, failed = ?4, errored = ?5,"
		" tokens_in = ?6, tokens_out = ?7, cost_usd = ?8, requests = ?9, cache_hits = ?10,"
		" score_mean = ?11, latency_p50 = ?12, latency_p95 = ?13, latencies = ?14,"
		" skipped = ?15, judge_cost_usd = ?16 WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	double *lat = f->nlatencies ? malloc(f->nlatencies * sizeof(*lat)) : NULL;
	unsigned char *blob = NULL;
	int rc;
	if (f->nlatencies && !lat)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < f->nlatencies; i++)
		lat[i] = f->latencies[i];
	llmops_sort_doubles(lat, f->nlatencies);
	if ((rc = latency_blob(lat, f->nlatencies, &blob, err)) ||
	    (rc = ledger_prepare(lg, sql, &st, err))) {
		free(lat);
		free(blob);
		return rc;
	}
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->cases);
	sqlite3_bind_int64(st, 3, f->passed);
	sqlite3_bind_int64(st, 4, f->failed);
	sqlite3_bind_int64(st, 5, f->errored);
	sqlite3_bind_int64(st, 6, f->tokens_in);
	sqlite3_bind_int64(st, 7, f->tokens_out);
	sqlite3_bind_double(st, 8, f->cost_usd);
	sqlite3_bind_int64(st, 9, f->requests);
	sqlite3_bind_int64(st, 10, f->cache_hits);
	ledger_bind_double(st, 11, f->scored ? f->score_sum / (double)f->scored : NAN);
	ledger_bind_double(st, 12, llmops_quantile_sorted(lat, f->nlatencies, 0.50));
	ledger_bind_double(st, 13, llmops_quantile_sorted(lat, f->nlatencies, 0.95));
	sqlite3_bind_blob64(st, 14, blob ? (const void *)blob : "",
			    (sqlite3_uint64)(f->nlatencies * 8), SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, f->skipped);
	sqlite3_bind_double(st, 16, f->judge_cost_usd);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(lat);
	free(blob);
	return rc == SQLITE_DONE ? LLMOPS_OK
				 : ledger_fail(lg, rc, "cannot store a run's figures", err);
}

int ledger_totals_store(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE runs SET cases = t.n, passed = t.p, failed = t.f, errored = t.e,"
		" skipped = t.s, tokens_in = t.ti, tokens_out = t.tou, cost_usd = t.c,"
		" judge_cost_usd = t.jc"
		" FROM (SELECT count(*) AS n,"
		"   count(*) FILTER (WHERE passed = 1) AS p,"
		"   count(*) FILTER (WHERE passed = 0) AS f,"
		"   count(*) FILTER (WHERE passed IS NULL AND skipped = 0) AS e,"
		"   count(*) FILTER (WHERE skipped = 1) AS s,"
		"   coalesce(sum(tokens_in), 0) AS ti, coalesce(sum(tokens_out), 0) AS tou,"
		"   coalesce(sum(cost_usd), 0) AS c, coalesce(sum(judge_cost_usd), 0) AS jc"
		"   FROM results WHERE run_id = ?1) AS t"
		" WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LLMOPS_OK : ledger_fail(lg, rc, "cannot total a run", err);
}

int llmops_ledger_run_latencies(struct llmops_ledger *lg, const char *run_id, double **out,
				size_t *n, struct llmops_err *err)
{
	static const char sql[] = "SELECT latencies FROM runs WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		rc = ledger_latencies_decode(sqlite3_column_blob(st, 0),
					     (size_t)sqlite3_column_bytes(st, 0), out, n);
		sqlite3_finalize(st);
		return rc ? llmops_err_set(err, rc, "out of memory") : LLMOPS_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_fail(lg, rc, "cannot read latencies", err);
	return latencies_from_results(lg, run_id, out, n, err);
}
