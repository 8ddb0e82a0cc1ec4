/*
 * ledger_review.c - the human review queue: list, read and decide.
 */
#include "internal.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVIEW_SELECT                                                                              \
	"SELECT v.id, v.result_id, v.status, v.reason, v.reviewer, v.note, v.created_at,"          \
	" v.decided_at, r.run_id, r.case_id, r.variant, r.input, r.output, r.expected,"            \
	" r.scores, r.repeat_index, r.passed, r.score, d.path"                                     \
	" FROM reviews v JOIN results r ON r.id = v.result_id JOIN runs u ON u.id = r.run_id"      \
	" LEFT JOIN datasets d ON d.id = u.dataset_id"

void llmops_review_free(struct llmops_review *r)
{
	if (!r)
		return;
	LLMOPS_FREE_ALL(r->status, r->reason, r->reviewer, r->note, r->created_at, r->decided_at,
			r->case_id, r->variant, r->input, r->output, r->expected, r->scores_json,
			r->dataset_path, r);
}

void llmops_reviews_free(struct llmops_review **r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		llmops_review_free(r[i]);
	free(r);
}

static struct llmops_review *review_from_row(sqlite3_stmt *st)
{
	struct llmops_review *r = calloc(1, sizeof(*r));
	const unsigned char *run;

	if (!r)
		return NULL;
	r->id = sqlite3_column_int64(st, 0);
	r->result_id = sqlite3_column_int64(st, 1);
	r->status = ledger_column_strdup(st, 2);
	r->reason = ledger_column_strdup(st, 3);
	r->reviewer = ledger_column_strdup(st, 4);
	r->note = ledger_column_strdup(st, 5);
	r->created_at = ledger_column_strdup(st, 6);
	r->decided_at = ledger_column_strdup(st, 7);
	run = sqlite3_column_text(st, 8);
	snprintf(r->run_id, sizeof(r->run_id), "%s", run ? (const char *)run : "");
	r->case_id = ledger_column_strdup(st, 9);
	r->variant = ledger_column_strdup(st, 10);
	r->input = ledger_column_strdup(st, 11);
	r->output = ledger_column_strdup(st, 12);
	r->expected = ledger_column_strdup(st, 13);
	r->scores_json = ledger_column_strdup(st, 14);
	r->repeat_index = sqlite3_column_int(st, 15);
	r->passed = sqlite3_column_type(st, 16) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 16);
	r->score = sqlite3_column_type(st, 17) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 17);
	r->dataset_path = ledger_column_strdup(st, 18);
	if (!r->status || !r->case_id) {
		llmops_review_free(r);
		return NULL;
	}
	return r;
}

int llmops_ledger_reviews_list(struct llmops_ledger *lg, const char *status, const char *run_id,
			       struct llmops_review ***out, size_t *n, struct llmops_err *err)
{
	static const char sql[] = REVIEW_SELECT " WHERE (?1 IS NULL OR v.status = ?1)"
						" AND (?2 IS NULL OR r.run_id = ?2) ORDER BY v.id";
	struct llmops_review **v = NULL;
	size_t nr = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	ledger_bind_text(st, 1, status);
	ledger_bind_text(st, 2, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_review *r;
		if (LLMOPS_GROW(v, nr, cap, 16))
			break;
		if (!(r = review_from_row(st)))
			break;
		v[nr++] = r;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		llmops_reviews_free(v, nr);
		return rc == SQLITE_ROW ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
					: ledger_fail(lg, rc, "cannot read reviews", err);
	}
	*out = v;
	*n = nr;
	return LLMOPS_OK;
}

int llmops_ledger_review_get(struct llmops_ledger *lg, int64_t id, struct llmops_review **out,
			     struct llmops_err *err)
{
	static const char sql[] = REVIEW_SELECT " WHERE v.id = ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = (*out = review_from_row(st))
			     ? LLMOPS_OK
			     : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	else if (rc == SQLITE_DONE)
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "there is no review %lld in the ledger '%s'; 'llmops review "
				    "list' shows the queue",
				    (long long)id, lg->path);
	else
		rc = ledger_fail(lg, rc, "cannot read reviews", err);
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_review_decide(struct llmops_ledger *lg, int64_t id, const char *status,
				const char *reviewer, const char *note, struct llmops_err *err)
{
	static const char sql[] = "UPDATE reviews SET status = ?2, reviewer = ?3, note = ?4,"
				  " decided_at = ?5 WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	char ts[32];
	int rc;

	if (!status || (strcmp(status, "accepted") && strcmp(status, "rejected")))
		return llmops_err_set(err, LLMOPS_E_USAGE, "a verdict is accepted or rejected");
	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	ledger_bind_text(st, 3, reviewer);
	ledger_bind_text(st, 4, note);
	sqlite3_bind_text(st, 5, ts, -1, SQLITE_STATIC);
	if ((rc = ledger_write_one(lg, st, "cannot record the verdict", err)))
		goto out;
	if (sqlite3_changes(lg->db) != 1) {
		ledger_rollback(lg);
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "there is no review %lld in the ledger '%s'; 'llmops review "
				    "list' shows the queue",
				    (long long)id, lg->path);
		goto out;
	}
	sqlite3_reset(st);
	/* the same verdict for every other pending review of the same case, prompt
	   version and output (queued twice by an llmops that did not deduplicate) */
	static const char dups[] =
		"UPDATE reviews SET status = ?2, reviewer = ?3, note = ?4, decided_at = ?5"
		" WHERE status = 'pending' AND id != ?1 AND result_id IN ("
		"  SELECT o.id FROM reviews d JOIN results n ON n.id = d.result_id"
		"   JOIN runs rn ON rn.id = n.run_id, results o JOIN runs ro ON ro.id = o.run_id"
		"  WHERE d.id = ?1 AND o.case_id = n.case_id AND o.output IS n.output"
		"   AND ro.prompt_name IS rn.prompt_name AND ro.prompt_version IS rn.prompt_version"
		"   AND (SELECT path FROM datasets WHERE id = ro.dataset_id)"
		"    IS (SELECT path FROM datasets WHERE id = rn.dataset_id))";
	sqlite3_stmt *ds = NULL;
	if (!(rc = ledger_prepare(lg, dups, &ds, err))) {
		sqlite3_bind_int64(ds, 1, id);
		sqlite3_bind_text(ds, 2, status, -1, SQLITE_STATIC);
		ledger_bind_text(ds, 3, reviewer);
		ledger_bind_text(ds, 4, note);
		sqlite3_bind_text(ds, 5, ts, -1, SQLITE_STATIC);
		if (sqlite3_step(ds) != SQLITE_DONE)
			rc = ledger_fail(lg, sqlite3_errcode(lg->db), "cannot settle duplicates",
					 err);
		sqlite3_finalize(ds);
	}
	if (rc) {
		ledger_rollback(lg);
		goto out;
	}
	rc = ledger_commit(lg, err);
out:
	sqlite3_finalize(st);
	return rc;
}
