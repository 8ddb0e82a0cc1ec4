/*
 * ledger_cascade.c - a cascade's escalations as its newest evaluation
 * recorded them (runs.outcome), for pricing it (`llmops cost --cascade`).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int llmops_ledger_cascade_last(struct llmops_ledger *lg, const char *label, long *answered,
			       size_t max, size_t *n, char run_id[LLMOPS_RUNID_LEN + 1],
			       struct llmops_err *err)
{
	/* the newest finished evaluation with a variant of this cascade, and its tiers */
	static const char sql[] =
		"SELECT r.id, t.value ->> '$.answered' FROM runs r,"
		" json_each(r.outcome, '$.variants') v, json_each(v.value, '$.cascade.tiers') t"
		" WHERE r.kind = 'eval' AND r.status IN ('passed', 'failed')"
		" AND json_valid(r.outcome) AND v.value ->> '$.provider' = ?1"
		" AND r.id = (SELECT r2.id FROM runs r2, json_each(r2.outcome, '$.variants') v2"
		"  WHERE r2.kind = 'eval' AND r2.status IN ('passed', 'failed')"
		"  AND json_valid(r2.outcome) AND v2.value ->> '$.provider' = ?1"
		"  AND v2.value -> '$.cascade' IS NOT NULL ORDER BY r2.id DESC LIMIT 1)"
		" ORDER BY t.key";
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, sql, &st, err);
	*n = 0;
	run_id[0] = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!run_id[0])
			snprintf(run_id, LLMOPS_RUNID_LEN + 1, "%s", sqlite3_column_text(st, 0));
		if (*n < max)
			answered[(*n)++] = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot read the cascade's runs", err);
}
