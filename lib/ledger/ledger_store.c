/*
 * ledger_store.c - datasets by content hash, the response cache and the
 * review queue.
 */
#include "internal.h"

#include "buf.h"
#include "hash.h"

#include <string.h>

int llmops_ledger_dataset_put(struct llmops_ledger *lg, const char *path, const char *format,
			      const void *content, size_t len, int64_t cases, int64_t *id_out,
			      char *hex_out, struct llmops_err *err)
{
	char hex[LLMOPS_SHA256_HEX_LEN + 1];
	int rc;
	if (!path || cases < 0)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "a dataset needs a path and a case count");
	if ((rc = llmops_sha256_hex(hex, content, len)))
		return llmops_err_set(err, rc, "cannot hash dataset '%s'", path);
	rc = llmops_ledger_dataset_put_hashed(lg, path, format, hex, len, cases, id_out, err);
	if (!rc && hex_out)
		memcpy(hex_out, hex, sizeof(hex));
	return rc;
}

int llmops_ledger_dataset_put_hashed(struct llmops_ledger *lg, const char *path, const char *format,
				     const char *sha256, size_t bytes, int64_t cases,
				     int64_t *id_out, struct llmops_err *err)
{
	/* the no-op update makes RETURNING yield the existing row's id too */
	static const char sql[] =
		"INSERT INTO datasets (sha256, path, format, cases, bytes, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id";
	char ts[32];
	sqlite3_stmt *st = NULL;
	int rc;

	if (!path || !sha256 || cases < 0)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "a dataset needs a path, a hash and a case count");
	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	ledger_bind_text(st, 3, format);
	sqlite3_bind_int64(st, 4, cases);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)bytes);
	sqlite3_bind_text(st, 6, ts, -1, SQLITE_STATIC);
	if (!(rc = ledger_write_one(lg, st, "cannot record the dataset", err))) {
		if (id_out)
			*id_out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		rc = ledger_commit(lg, err);
	}
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_cache_get(struct llmops_ledger *lg, const char *key, struct llmops_buf *response,
			    int *hit, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE cache SET hits = hits + 1, last_hit_at = ?2 WHERE key = ?1"
		" RETURNING response";
	sqlite3_stmt *st = NULL;
	char ts[32];
	int rc;

	*hit = 0;
	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ts, -1, SQLITE_STATIC);
	if (!(rc = ledger_write_one(lg, st, "cannot read the response cache", err))) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			llmops_buf_reset(response);
			llmops_buf_add(response, sqlite3_column_text(st, 0),
				       (size_t)sqlite3_column_bytes(st, 0));
			*hit = !response->oom;
		}
		sqlite3_reset(st);
		rc = ledger_commit(lg, err);
		if (!rc && response->oom)
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_cache_put(struct llmops_ledger *lg, const char *key, const char *provider,
			    const char *model, const char *response, struct llmops_err *err)
{
	static const char sql[] = "INSERT INTO cache (key, provider, model, response, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)"
				  " ON CONFLICT (key) DO UPDATE SET provider = excluded.provider,"
				  " model = excluded.model, response = excluded.response,"
				  " created_at = excluded.created_at";
	sqlite3_stmt *st = NULL;
	char ts[32];
	int rc;

	if (!key || !response)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "a cache entry needs a key and a response");
	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	ledger_bind_text(st, 2, provider);
	ledger_bind_text(st, 3, model);
	sqlite3_bind_text(st, 4, response, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ts, -1, SQLITE_STATIC);
	if (!(rc = ledger_write_one(lg, st, "cannot write the response cache", err)))
		rc = ledger_commit(lg, err);
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_review_add(struct llmops_ledger *lg, int64_t result_id, const char *reason,
			     int64_t *id_out, struct llmops_err *err)
{
	/* one pending review per (case, prompt version, output) */
	static const char sql[] =
		"INSERT INTO reviews (result_id, reason, created_at)"
		" SELECT ?1, ?2, ?3 WHERE NOT EXISTS ("
		"  SELECT 1 FROM results n JOIN runs rn ON rn.id = n.run_id,"
		"   reviews v JOIN results o ON o.id = v.result_id JOIN runs ro ON ro.id = o.run_id"
		"  WHERE n.id = ?1 AND v.status = 'pending' AND o.case_id = n.case_id"
		"   AND o.output IS n.output AND ro.prompt_name IS rn.prompt_name"
		"   AND ro.prompt_version IS rn.prompt_version"
		"   AND (SELECT path FROM datasets WHERE id = ro.dataset_id)"
		"    IS (SELECT path FROM datasets WHERE id = rn.dataset_id))"
		" RETURNING id";
	sqlite3_stmt *st = NULL;
	char ts[32];
	int rc;

	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, result_id);
	ledger_bind_text(st, 2, reason);
	sqlite3_bind_text(st, 3, ts, -1, SQLITE_STATIC);
	rc = ledger_write_one(lg, st, "cannot queue a review", err);
	if (rc == LLMOPS_E_NOTFOUND)
		rc = llmops_err_set(err, rc, "no result %lld in ledger '%s'", (long long)result_id,
				    lg->path);
	if (!rc) {
		/* no row: the same case, prompt version and output is already queued */
		if (id_out)
			*id_out = sqlite3_data_count(st) > 0 ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		rc = ledger_commit(lg, err);
	}
	sqlite3_finalize(st);
	return rc;
}
