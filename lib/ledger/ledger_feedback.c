/*
 * ledger_feedback.c - feedback on production records: kept, and read back
 * per prompt version and model (feedbackdb.h).
 */
#include "internal.h"

#include "buf.h"
#include "feedbackdb.h"
#include "mem.h"
#include "runid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each match of a feedback with a production result: by the record's id, and for a trace's
   feedback by every span of the trace ('id:TRACE-...' sorts between 'id:TRACE-' and
   'id:TRACE.', a range the unique index on record_key answers). */
const char llmops_feedback_matches_sql[] =
	"SELECT r.id AS rid, f.value AS value, f.name AS name FROM feedback f"
	" JOIN results r ON r.record_key = 'id:' || f.record_id"
	" UNION ALL"
	" SELECT r.id, f.value, f.name FROM feedback f"
	" JOIN results r ON r.record_key > 'id:' || f.trace_id || '-'"
	"  AND r.record_key < 'id:' || f.trace_id || '.'"
	" WHERE f.trace_id IS NOT NULL";

/* ?1 key, ?2 source, ?3 record, ?4 trace, ?5 name, ?6 value, ?7 label, ?8 comment, ?9 at,
   ?10 now (the insert only) */
static void bind_row(sqlite3_stmt *st, const struct llmops_feedback_row *f, const char *now)
{
	sqlite3_bind_text(st, 1, f->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->record_id, -1, SQLITE_STATIC);
	ledger_bind_text(st, 4, f->trace_id);
	ledger_bind_text(st, 5, f->name ? f->name : "");
	ledger_bind_double(st, 6, f->value);
	ledger_bind_text(st, 7, f->label);
	ledger_bind_text(st, 8, f->comment);
	ledger_bind_text(st, 9, f->at);
	if (now)
		sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
}

/* Step st (prepared in *slot from sql when it is not yet) with f bound: the rows it changed,
   or -1 with err set. */
static int step_row(struct llmops_ledger *lg, sqlite3_stmt **slot, const char *sql,
		    const struct llmops_feedback_row *f, const char *now, struct llmops_err *err)
{
	int rc;
	if (!*slot && ledger_prepare(lg, sql, slot, err))
		return -1;
	bind_row(*slot, f, now);
	rc = sqlite3_step(*slot);
	sqlite3_reset(*slot);
	sqlite3_clear_bindings(*slot);
	if (rc != SQLITE_DONE) {
		ledger_fail(lg, rc, "cannot record a feedback", err);
		return -1;
	}
	return sqlite3_changes(lg->db);
}

int llmops_ledger_feedback_put(struct llmops_ledger *lg, const struct llmops_feedback_row *f,
			       int *outcome, struct llmops_err *err)
{
	static const char insert[] =
		"INSERT INTO feedback (feedback_key, source, record_id, trace_id, name, value,"
		" label, comment, at, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, ?10), ?10)"
		" ON CONFLICT (feedback_key) DO NOTHING";
	/* the same key again: what it says now, when that differs */
	static const char update[] =
		"UPDATE feedback SET source = ?2, record_id = ?3, trace_id = ?4, name = ?5,"
		" value = ?6, label = ?7, comment = ?8, at = coalesce(?9, at) WHERE feedback_key = "
		"?1"
		" AND (source, record_id, trace_id, name, value, label, comment, at)"
		" IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, at))";
	char now[32];
	int n, rc;

	*outcome = LLMOPS_FEEDBACK_PRESENT;
	if (!lg->pending && (rc = ledger_begin(lg, err)))
		return rc;
	ledger_timestamp(now, llmops_now_ms());
	if ((n = step_row(lg, &lg->fb_stmt[0], insert, f, now, err)) > 0)
		*outcome = LLMOPS_FEEDBACK_ADDED;
	else if (!n && (n = step_row(lg, &lg->fb_stmt[1], update, f, NULL, err)) > 0)
		*outcome = LLMOPS_FEEDBACK_UPDATED;
	if (n < 0) {
		ledger_rollback(lg);
		lg->pending = 0;
		lg->prod_from = 0;
		return err->code;
	}
	if (++lg->pending >= (lg->batch > 1 ? lg->batch : 1))
		return llmops_ledger_flush(lg, err);
	return 0;
}

void llmops_feedback_stats_release(struct llmops_feedback_stats *s)
{
	for (size_t i = 0; i < s->n; i++)
		LLMOPS_FREE_ALL(s->groups[i].prompt, s->groups[i].version, s->groups[i].model);
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

/* Sums of the values, turned into the mean and sd at the end. */
struct sums {
	double s, ss;
};

static void finish(struct llmops_feedback_group *g, const struct sums *m)
{
	g->rate = g->records ? (double)g->rated / (double)g->records : NAN;
	g->mean = g->scored ? m->s / (double)g->scored : NAN;
	g->sd = g->scored > 1 ? sqrt(fmax(0, (m->ss - m->s * m->s / (double)g->scored) /
						     (double)(g->scored - 1)))
			      : NAN;
}

/* One group's row: prompt, version, model, records, rated, feedback, scored, sum, sum of
   squares, ups, downs. */
static int add_group(struct llmops_feedback_stats *out, size_t *cap, sqlite3_stmt *st,
		     struct sums *total)
{
	if (LLMOPS_GROW(out->groups, out->n, *cap, 16))
		return -1;
	struct llmops_feedback_group *g = &out->groups[out->n];
	memset(g, 0, sizeof(*g));
	g->prompt = ledger_column_strdup(st, 0);
	g->version = ledger_column_strdup(st, 1);
	g->model = ledger_column_strdup(st, 2);
	out->n++;
	if ((sqlite3_column_type(st, 0) != SQLITE_NULL && !g->prompt) ||
	    (sqlite3_column_type(st, 1) != SQLITE_NULL && !g->version) ||
	    (sqlite3_column_type(st, 2) != SQLITE_NULL && !g->model))
		return -1;
	long *counts[] = {&g->records, &g->rated, &g->feedback, &g->scored, &g->up, &g->down};
	long *sums[] = {&out->total.records, &out->total.rated, &out->total.feedback,
			&out->total.scored,  &out->total.up,	&out->total.down};
	const int cols[] = {3, 4, 5, 6, 9, 10};
	for (size_t i = 0; i < 6; i++) {
		*counts[i] = (long)sqlite3_column_int64(st, cols[i]);
		*sums[i] += *counts[i];
	}
	struct sums m = {sqlite3_column_double(st, 7), sqlite3_column_double(st, 8)};
	total->s += m.s;
	total->ss += m.ss;
	finish(g, &m);
	return 0;
}

int llmops_ledger_feedback_stats(struct llmops_ledger *lg, const char *since, const char *name,
				 struct llmops_feedback_stats *out, struct llmops_err *err)
{
	static const char groups[] =
		"WITH m AS MATERIALIZED (SELECT * FROM (%s) WHERE ?2 IS NULL OR name = ?2),"
		" per AS (SELECT rid, count(*) AS n, count(value) AS k, sum(value) AS s,"
		"  sum(value * value) AS ss, count(*) FILTER (WHERE value = 1) AS up,"
		"  count(*) FILTER (WHERE value = 0) AS down FROM m GROUP BY rid)"
		" SELECT u.prompt_name, u.prompt_version, coalesce(r.model, u.model), count(*),"
		" count(p.rid), coalesce(sum(p.n), 0), coalesce(sum(p.k), 0),"
		" coalesce(sum(p.s), 0), coalesce(sum(p.ss), 0), coalesce(sum(p.up), 0),"
		" coalesce(sum(p.down), 0)"
		" FROM results r JOIN runs u ON u.id = r.run_id LEFT JOIN per p ON p.rid = r.id"
		" WHERE u.kind = 'production' AND (?1 IS NULL OR r.created_at >= ?1)"
		" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
	static const char counts[] =
		"SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM results r"
		"  WHERE r.record_key = 'id:' || f.record_id) AND (f.trace_id IS NULL OR NOT EXISTS"
		"  (SELECT 1 FROM results r WHERE r.record_key > 'id:' || f.trace_id || '-'"
		"   AND r.record_key < 'id:' || f.trace_id || '.')))"
		" FROM feedback f WHERE ?1 IS NULL OR f.name = ?1";
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	struct sums total = {0, 0};
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	llmops_buf_addf(&sql, groups, llmops_feedback_matches_sql);
	if (sql.oom) {
		llmops_buf_release(&sql);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	rc = ledger_prepare(lg, sql.data, &st, err);
	llmops_buf_release(&sql);
	if (rc)
		return rc;
	ledger_bind_text(st, 1, since);
	ledger_bind_text(st, 2, name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (add_group(out, &cap, st, &total)) {
			sqlite3_finalize(st);
			llmops_feedback_stats_release(out);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		llmops_feedback_stats_release(out);
		return ledger_fail(lg, rc, "cannot read the feedback", err);
	}
	finish(&out->total, &total);
	if ((rc = ledger_prepare(lg, counts, &st, err))) {
		llmops_feedback_stats_release(out);
		return rc;
	}
	ledger_bind_text(st, 1, name);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->feedback_rows = (long)sqlite3_column_int64(st, 0);
		out->unmatched = (long)sqlite3_column_int64(st, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		llmops_feedback_stats_release(out);
		return ledger_fail(lg, rc, "cannot count the feedback", err);
	}
	return 0;
}
