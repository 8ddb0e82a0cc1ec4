/*
 * ledger_stats.c - aggregate questions other commands ask of the ledger.
 */
#include "ledger_internal.h"

#include <string.h>

int llmops_ledger_observed(struct llmops_ledger *lg, const char *name, const char *model,
			   struct llmops_observed *out, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT count(r.tokens_out), avg(r.tokens_out),"
		"  sum(r.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')),"
		"  julianday(max(r.created_at)) - julianday(min(CASE WHEN r.created_at >="
		"    strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') THEN r.created_at END))"
		" FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE u.prompt_name = ?1 AND (?2 IS NULL OR u.model = ?2)"
		"   AND r.tokens_out IS NOT NULL AND r.error IS NULL AND r.cache_hit = 0";
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
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
