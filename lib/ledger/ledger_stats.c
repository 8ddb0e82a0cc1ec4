/*
 * ledger_stats.c - aggregate questions other commands ask of the ledger.
 */
#include "internal.h"

#include "mem.h"

#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The provider and model that answered a result r of run u: its own where it names them
   (a fallback, or a run of several providers), else the run's. */
#define ANSWERED_BY                                                                                \
	" CASE WHEN r.provider IS NULL AND r.model IS NULL THEN u.provider ELSE r.provider END,"   \
	" CASE WHEN r.provider IS NULL AND r.model IS NULL THEN u.model ELSE r.model END"

static int observed_of(struct llmops_ledger *lg, const char *sql, const char *name,
		       const char *model, int production, struct llmops_observed *out,
		       struct llmops_err *err);

int llmops_ledger_observed(struct llmops_ledger *lg, const char *name, const char *model,
			   struct llmops_observed *out, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT count(r.tokens_out), avg(r.tokens_out),"
		"  sum(r.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')),"
		"  julianday(max(r.created_at)) - julianday(min(CASE WHEN r.created_at >="
		"    strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') THEN r.created_at END))"
		" FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE u.prompt_name = ?1 AND (?2 IS NULL OR ?2 = CASE WHEN r.provider IS NULL"
		"   AND r.model IS NULL THEN u.model ELSE r.model END)"
		"   AND r.tokens_out IS NOT NULL AND r.error IS NULL AND r.cache_hit = 0"
		"   AND (u.kind = 'production') = ?3";
	int rc;

	memset(out, 0, sizeof(*out));
	/* production traffic (llmops ingest) where the ledger has some in the last 30 days:
	   what the application sends; else the evaluations' */
	if ((rc = observed_of(lg, sql, name, model, 1, out, err)))
		return rc;
	out->production = 1;
	if (out->recent > 0)
		return LLMOPS_OK;
	struct llmops_observed ev;
	if ((rc = observed_of(lg, sql, name, model, 0, &ev, err)))
		return rc;
	if (ev.requests || !out->requests) /* older production records: their tokens, at least */
		*out = ev;
	return LLMOPS_OK;
}

static int observed_of(struct llmops_ledger *lg, const char *sql, const char *name,
		       const char *model, int production, struct llmops_observed *out,
		       struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_int(st, 3, production);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (model)
		sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = ledger_fail(lg, rc, "reading observed tokens", err);
		sqlite3_finalize(st);
		return rc;
	}
	out->requests = sqlite3_column_int64(st, 0);
	out->mean_tokens_out = sqlite3_column_double(st, 1);
	out->recent = sqlite3_column_int64(st, 2);
	double span = sqlite3_column_double(st, 3);
	if (out->recent > 0)
		out->per_day = (double)out->recent / (span > 1 ? span : 1);
	sqlite3_finalize(st);
	return LLMOPS_OK;
}

int llmops_ledger_figures_each(struct llmops_ledger *lg, const char *since, llmops_figures_fn fn,
			       void *ctx, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT r.id, r.kind, r.started_at, r.status, r.prompt_name, r.prompt_version,"
		" r.provider, r.model, r.dataset_id, d.path, r.cases, r.passed, r.errored,"
		" r.requests, r.cache_hits, r.tokens_in, r.tokens_out, r.cost_usd, r.score_mean,"
		" r.latency_p50, r.latencies, r.skipped"
		" FROM runs r LEFT JOIN datasets d ON d.id = r.dataset_id"
		" WHERE ?1 IS NULL OR r.started_at >= ?1 ORDER BY r.id";
	sqlite3_stmt *st = NULL;
	int rc, lrc = LLMOPS_OK;

	if ((lrc = ledger_prepare(lg, sql, &st, err)))
		return lrc;
	ledger_bind_text(st, 1, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_run_figures f;
		struct llmops_run run;
		double *lat = NULL;
		size_t nlat = 0;
		int frc;

#define TEXT(i) ((const char *)sqlite3_column_text(st, (i)))
		memset(&f, 0, sizeof(f));
		f.id = TEXT(0);
		f.kind = TEXT(1);
		f.started_at = TEXT(2);
		f.status = llmops_run_status_parse(TEXT(3));
		f.prompt_name = TEXT(4);
		f.prompt_version = TEXT(5);
		f.provider = TEXT(6);
		f.model = TEXT(7);
		f.dataset_id = sqlite3_column_int64(st, 8);
		f.dataset_path = TEXT(9);
#undef TEXT
		f.cases = sqlite3_column_int64(st, 10);
		f.passed = sqlite3_column_int64(st, 11);
		f.errored = sqlite3_column_int64(st, 12);
		f.skipped = sqlite3_column_int64(st, 21);
		f.tokens_in = sqlite3_column_int64(st, 15);
		f.tokens_out = sqlite3_column_int64(st, 16);
		f.cost_usd = sqlite3_column_double(st, 17);
		if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
			f.requests = sqlite3_column_int64(st, 13);
			f.cache_hits = sqlite3_column_int64(st, 14);
			f.score_mean = sqlite3_column_type(st, 18) == SQLITE_NULL
					       ? NAN
					       : sqlite3_column_double(st, 18);
			f.latency_p50 = sqlite3_column_type(st, 19) == SQLITE_NULL
						? NAN
						: sqlite3_column_double(st, 19);
			if (ledger_latencies_decode(sqlite3_column_blob(st, 20),
						    (size_t)sqlite3_column_bytes(st, 20), &lat,
						    &nlat)) {
				lrc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
		} else { /* running, or finished under schema 1: from the results */
			memset(&run, 0, sizeof(run));
			snprintf(run.id, sizeof(run.id), "%s", f.id ? f.id : "");
			if ((lrc = ledger_summary_compute(lg, &run, &lat, &nlat, err)))
				break;
			f.requests = run.requests;
			f.cache_hits = run.cache_hits;
			f.score_mean = run.score_mean;
			f.latency_p50 = run.latency_p50;
		}
		f.lat = lat;
		f.nlat = nlat;
		frc = fn(&f, ctx);
		free(lat);
		if (frc) {
			sqlite3_finalize(st);
			return frc;
		}
	}
	sqlite3_finalize(st);
	if (lrc)
		return lrc;
	return rc == SQLITE_DONE ? LLMOPS_OK : ledger_fail(lg, rc, "cannot read runs", err);
}

/* Hand one part of a split run to fn, its latencies sorted; the part is emptied. */
static int split_part(struct llmops_run_figures *part, double *lat, size_t nlat, double score_sum,
		      int64_t scored, llmops_figures_fn fn, void *ctx)
{
	llmops_sort_doubles(lat, nlat);
	part->lat = lat;
	part->nlat = nlat;
	part->score_mean = scored ? score_sum / (double)scored : NAN;
	part->latency_p50 = llmops_quantile_sorted(lat, nlat, 0.50);
	return fn(part, ctx);
}

int llmops_ledger_figures_split(struct llmops_ledger *lg, const struct llmops_run_figures *f,
				llmops_figures_fn fn, void *ctx, int *split, struct llmops_err *err)
{
	static const char any[] = "SELECT EXISTS (SELECT 1 FROM results WHERE run_id = ?1"
				  " AND (provider IS NOT NULL OR model IS NOT NULL))";
	static const char rows[] =
		"SELECT" ANSWERED_BY ", r.passed, r.skipped, r.attempts, r.cache_hit,"
		" r.tokens_in, r.tokens_out, r.cost_usd, r.score, r.latency_ms"
		" FROM results r JOIN runs u ON u.id = r.run_id WHERE r.run_id = ?1"
		" ORDER BY 1, 2";
	sqlite3_stmt *st = NULL;
	struct llmops_run_figures part;
	char *prov = NULL, *model = NULL;
	double *lat = NULL, score_sum = 0;
	size_t nlat = 0, cap = 0;
	int64_t scored = 0;
	int rc, frc = 0, have = 0;

	*split = 0;
	if ((rc = ledger_prepare(lg, any, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, f->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	int mixed = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ledger_fail(lg, rc, "cannot read results", err);
	if (!mixed)
		return LLMOPS_OK;
	*split = 1;
	if ((rc = ledger_prepare(lg, rows, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, f->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		const char *m = (const char *)sqlite3_column_text(st, 1);
		if (have && (strcmp(p ? p : "", prov ? prov : "") ||
			     strcmp(m ? m : "", model ? model : ""))) {
			if ((frc = split_part(&part, lat, nlat, score_sum, scored, fn, ctx)))
				break;
			have = 0;
		}
		if (!have) {
			free(prov);
			free(model);
			prov = p ? strdup(p) : NULL;
			model = m ? strdup(m) : NULL;
			if ((p && !prov) || (m && !model)) {
				frc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
			part = *f;
			part.provider = prov;
			part.model = model;
			part.cases = part.passed = part.errored = part.skipped = 0;
			part.requests = part.cache_hits = part.tokens_in = part.tokens_out = 0;
			part.cost_usd = 0;
			nlat = 0;
			score_sum = 0;
			scored = 0;
			have = 1;
		}
		int null_passed = sqlite3_column_type(st, 2) == SQLITE_NULL;
		int skipped = sqlite3_column_int(st, 3);
		part.cases++;
		part.passed += !null_passed && sqlite3_column_int(st, 2) == 1;
		part.errored += null_passed && !skipped;
		part.skipped += skipped != 0;
		part.requests += sqlite3_column_int64(st, 4);
		part.cache_hits += sqlite3_column_int(st, 5) != 0;
		part.tokens_in += sqlite3_column_int64(st, 6);
		part.tokens_out += sqlite3_column_int64(st, 7);
		part.cost_usd += sqlite3_column_double(st, 8);
		if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
			score_sum += sqlite3_column_double(st, 9);
			scored++;
		}
		if (!sqlite3_column_int(st, 5) && sqlite3_column_type(st, 10) != SQLITE_NULL) {
			if (LLMOPS_GROW(lat, nlat, cap, 64)) {
				frc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
			lat[nlat++] = sqlite3_column_double(st, 10);
		}
	}
	if (!frc && rc == SQLITE_DONE && have)
		frc = split_part(&part, lat, nlat, score_sum, scored, fn, ctx);
	sqlite3_finalize(st);
	free(prov);
	free(model);
	free(lat);
	if (frc)
		return frc;
	return rc == SQLITE_DONE ? LLMOPS_OK : ledger_fail(lg, rc, "cannot read results", err);
}

int llmops_ledger_requests_each(struct llmops_ledger *lg, const char *since, const char *run_id,
				int with_text, llmops_request_fn fn, void *ctx,
				struct llmops_err *err)
{
	static const char plain[] =
		"SELECT u.id, u.kind, u.prompt_name, u.prompt_version," ANSWERED_BY ","
		" r.created_at, r.id, r.case_id, r.variant, r.repeat_index, r.scores, r.score,"
		" r.passed, r.latency_ms, r.ttft_ms, r.tokens_in, r.tokens_out, r.cost_usd,"
		" r.attempts, r.error, r.cache_hit, NULL, NULL, NULL, r.skipped, NULL"
		" FROM runs u JOIN results r ON r.run_id = u.id"
		" WHERE (?1 IS NULL OR u.started_at >= ?1) AND (?2 IS NULL OR u.id = ?2)"
		" ORDER BY u.id, r.id";
	static const char text[] =
		"SELECT u.id, u.kind, u.prompt_name, u.prompt_version," ANSWERED_BY ","
		" r.created_at, r.id, r.case_id, r.variant, r.repeat_index, r.scores, r.score,"
		" r.passed, r.latency_ms, r.ttft_ms, r.tokens_in, r.tokens_out, r.cost_usd,"
		" r.attempts, r.error, r.cache_hit, r.input, r.output, r.expected, r.skipped,"
		" r.steps"
		" FROM runs u JOIN results r ON r.run_id = u.id"
		" WHERE (?1 IS NULL OR u.started_at >= ?1) AND (?2 IS NULL OR u.id = ?2)"
		" ORDER BY u.id, r.id";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_prepare(lg, with_text ? text : plain, &st, err)))
		return rc;
	ledger_bind_text(st, 1, since);
	ledger_bind_text(st, 2, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_request_row w;
		int frc;

#define TEXT(i)	 ((const char *)sqlite3_column_text(st, (i)))
#define REAL(i)	 (sqlite3_column_type(st, (i)) == SQLITE_NULL ? NAN : sqlite3_column_double(st, (i)))
#define COUNT(i) (sqlite3_column_type(st, (i)) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, (i)))
		memset(&w, 0, sizeof(w));
		llmops_result_init(&w.r);
		w.run_id = TEXT(0);
		w.kind = TEXT(1);
		w.prompt_name = TEXT(2);
		w.prompt_version = TEXT(3);
		w.provider = TEXT(4);
		w.model = TEXT(5);
		w.created_at = TEXT(6);
		w.r.id = sqlite3_column_int64(st, 7);
		w.r.case_id = TEXT(8);
		w.r.variant = TEXT(9);
		w.r.repeat_index = sqlite3_column_int(st, 10);
		w.r.scores_json = TEXT(11);
		w.r.score = REAL(12);
		w.r.passed = sqlite3_column_type(st, 13) != SQLITE_NULL ? sqlite3_column_int(st, 13)
			     : sqlite3_column_int(st, 25)		? LLMOPS_SKIPPED
									: LLMOPS_ERRORED;
		w.r.latency_ms = REAL(14);
		w.r.ttft_ms = REAL(15);
		w.r.tokens_in = COUNT(16);
		w.r.tokens_out = COUNT(17);
		w.r.cost_usd = REAL(18);
		w.r.attempts = sqlite3_column_int(st, 19);
		w.r.error = TEXT(20);
		w.r.cache_hit = sqlite3_column_int(st, 21);
		w.r.input = TEXT(22);
		w.r.output = TEXT(23);
		w.r.expected = TEXT(24);
		w.r.steps = TEXT(26); /* a tool loop's requests, with the text */
#undef TEXT
#undef REAL
#undef COUNT
		if ((frc = fn(&w, ctx))) {
			sqlite3_finalize(st);
			return frc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LLMOPS_OK : ledger_fail(lg, rc, "cannot read results", err);
}
