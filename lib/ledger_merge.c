/*
 * ledger_merge.c - `llmops ledger merge`: ledgers written by sharded CI jobs
 * (or on other machines) copied into one, without duplicates, and the
 * shards of one evaluation folded into one run.
 */
#include "json.h"
#include "ledger_internal.h"

#include "buf.h"
#include "hash.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "file:PATH?mode=ro" with PATH percent-encoded where a URI needs it. */
static int ro_uri(struct llmops_buf *b, const char *path)
{
	llmops_buf_adds(b, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			llmops_buf_addch(b, *p);
		else
			llmops_buf_addf(b, "%%%02X", *p);
	}
	return llmops_buf_adds(b, "?mode=ro");
}

static int exec(struct llmops_ledger *lg, const char *sql, long *changes, struct llmops_err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(lg->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return ledger_fail(lg, rc, "cannot merge", err);
	if (changes)
		*changes += sqlite3_changes(lg->db);
	return LLMOPS_OK;
}

static int src_pragma(struct llmops_ledger *lg, const char *sql, int64_t *out,
		      struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, sql, &st, err);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? LLMOPS_OK : ledger_fail(lg, rc, "cannot read the ledger", err);
}

/* The runs just copied that have no figures (a source of schema 1): compute them. */
static int fill_figures(struct llmops_ledger *lg, struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	struct llmops_strlist ids = LLMOPS_STRLIST_INIT;
	int rc = ledger_prepare(lg,
				"SELECT id FROM main.runs WHERE requests IS NULL AND status <> "
				"'running'",
				&st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW)
		llmops_strlist_append(&ids, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < ids.nr; i++)
		rc = ledger_summary_store(lg, ids.items[i], err);
	llmops_strlist_release(&ids);
	return rc;
}

static int copy_all(struct llmops_ledger *lg, int64_t version, struct llmops_merge_stats *st,
		    struct llmops_err *err)
{
	/* schema 1 has no kept figures: they are computed once copied */
	const char *figures = version >= 2
				      ? "r.requests, r.cache_hits, r.score_mean, r.latency_p50,"
					" r.latency_p95, r.latencies"
				      : "NULL, NULL, NULL, NULL, NULL, NULL";
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	long runs = 0;
	int64_t in_src = 0;
	int rc;

	if ((rc = exec(lg,
		       "INSERT OR IGNORE INTO main.datasets (sha256, path, format, cases, bytes,"
		       " created_at) SELECT sha256, path, format, cases, bytes, created_at"
		       " FROM src.datasets",
		       &st->datasets, err)))
		return rc;
	llmops_buf_addf(
		&sql,
		"INSERT OR IGNORE INTO main.runs (id, kind, status, started_at, finished_at,"
		" duration_ms, git_commit, git_dirty, prompt_name, prompt_version, prompt_blob,"
		" dataset_id, provider, model, params, command, llmops_version, cases, passed,"
		" failed, errored, tokens_in, tokens_out, cost_usd, requests, cache_hits,"
		" score_mean, latency_p50, latency_p95, latencies, skipped, judge_cost_usd)"
		" SELECT r.id, r.kind, r.status, r.started_at, r.finished_at, r.duration_ms,"
		" r.git_commit, r.git_dirty, r.prompt_name, r.prompt_version, r.prompt_blob,"
		" (SELECT m.id FROM main.datasets m JOIN src.datasets s ON s.sha256 = m.sha256"
		"  WHERE s.id = r.dataset_id), r.provider, r.model, r.params, r.command,"
		" r.llmops_version, r.cases, r.passed, r.failed, r.errored, r.tokens_in,"
		" r.tokens_out, r.cost_usd, %s, %s FROM src.runs r"
		" WHERE r.id NOT IN (SELECT alias FROM main.run_aliases)",
		figures, version >= 4 ? "r.skipped, r.judge_cost_usd" : "0, 0");
	if ((rc = src_pragma(lg, "SELECT count(*) FROM src.runs", &in_src, err)) ||
	    (rc = exec(lg, sql.data, &runs, err)))
		goto out;
	st->runs += runs;
	st->runs_skipped += (long)in_src - runs;
	/* results of runs the ledger has (new or not); a folded shard's are already there */
	llmops_buf_reset(&sql);
	/* schema 2 and older do not say where a result stands or what judged it; schema 3
	   and older who answered it or whether it was sent */
	llmops_buf_addf(
		&sql,
		"INSERT OR IGNORE INTO main.results (run_id, case_id, variant,"
		" repeat_index, input, output, expected, scores, score, passed, latency_ms,"
		" ttft_ms, tokens_in, tokens_out, cost_usd, attempts, error, cache_hit,"
		" created_at, position, metric, threshold, provider, model, skipped, judge,"
		" judge_cost_usd, steps, record_key, metadata)"
		" SELECT run_id, case_id, variant, repeat_index, input, output, expected,"
		" scores, score, passed, latency_ms, ttft_ms, tokens_in, tokens_out,"
		" cost_usd, attempts, error, cache_hit, created_at, %s, %s, %s, %s FROM src.results"
		" WHERE run_id IN (SELECT id FROM main.runs)"
		" ORDER BY run_id, id",
		version >= 3 ? "position, metric, threshold" : "NULL, NULL, NULL",
		version >= 4 ? "provider, model, skipped, judge, judge_cost_usd"
			     : "NULL, NULL, 0, NULL, NULL",
		version >= 5 ? "steps" : "NULL", version >= 6 ? "record_key, metadata" : "NULL, NULL");
	if ((rc = exec(lg, sql.data, &st->results, err)) ||
	    (rc = exec(lg,
		       "INSERT OR IGNORE INTO main.cache (key, provider, model, response,"
		       " created_at, hits, last_hit_at) SELECT key, provider, model, response,"
		       " created_at, hits, last_hit_at FROM src.cache",
		       &st->cache, err)) ||
	    (rc = exec(lg,
		       "INSERT INTO main.reviews (result_id, status, reason, reviewer, note,"
		       " created_at, decided_at)"
		       " SELECT m.id, v.status, v.reason, v.reviewer, v.note, v.created_at,"
		       " v.decided_at FROM src.reviews v JOIN src.results s ON s.id = v.result_id"
		       " JOIN main.results m ON m.run_id = s.run_id AND m.variant = s.variant"
		       "  AND m.case_id = s.case_id AND m.repeat_index = s.repeat_index"
		       " WHERE NOT EXISTS (SELECT 1 FROM main.reviews x WHERE x.result_id = m.id"
		       "  AND x.created_at = v.created_at)",
		       &st->reviews, err)))
		goto out;
	if (version >= 2) /* run_aliases came with schema 2 */
		rc = exec(lg,
			  "INSERT OR IGNORE INTO main.run_aliases (alias, run_id)"
			  " SELECT alias, run_id FROM src.run_aliases"
			  " WHERE run_id IN (SELECT id FROM main.runs)",
			  NULL, err);
	if (!rc)
		rc = fill_figures(lg, err);
out:
	llmops_buf_release(&sql);
	return rc;
}

int llmops_ledger_merge(struct llmops_ledger *lg, const char *src, struct llmops_merge_stats *st,
			struct llmops_err *err)
{
	struct llmops_buf uri = LLMOPS_BUF_INIT;
	sqlite3_stmt *at = NULL;
	struct stat sb;
	char head[16] = "";
	int64_t app = 0, version = 0;
	int rc, fd;

	if (stat(src, &sb) < 0)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "cannot read ledger '%s': %s", src,
				      strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return llmops_err_set(err, LLMOPS_E_NOTADB, "'%s' is not a ledger file", src);
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (read(fd, head, sizeof(head)) != (ssize_t)sizeof(head))
			head[0] = 0;
		close(fd);
	}
	if (memcmp(head, "SQLite format 3", 16))
		return llmops_err_set(err, LLMOPS_E_NOTADB,
				      "'%s' is not an llmops ledger (not an SQLite database)", src);
	if ((rc = llmops_ledger_flush(lg, err)))
		return rc;
	ro_uri(&uri, src);
	if ((rc = ledger_prepare(lg, "ATTACH DATABASE ?1 AS src", &at, err)))
		goto out;
	sqlite3_bind_text(at, 1, uri.data, -1, SQLITE_STATIC);
	rc = sqlite3_step(at);
	sqlite3_finalize(at);
	if (rc != SQLITE_DONE) {
		rc = ledger_fail(lg, rc, "cannot open the ledger to merge", err);
		goto out;
	}
	if ((rc = src_pragma(lg, "PRAGMA src.application_id", &app, err)) ||
	    (rc = src_pragma(lg, "PRAGMA src.user_version", &version, err)))
		goto detach;
	if (app != LLMOPS_LEDGER_APPLICATION_ID || version < 1) {
		rc = llmops_err_set(err, LLMOPS_E_NOTADB,
				    "'%s' is an SQLite database but not an llmops ledger", src);
		goto detach;
	}
	if (version > LLMOPS_LEDGER_SCHEMA_VERSION) {
		rc = llmops_err_set(err, LLMOPS_E_SCHEMA,
				    "ledger '%s' has schema version %lld, newer than the %d this "
				    "llmops knows; upgrade llmops to merge it",
				    src, (long long)version, LLMOPS_LEDGER_SCHEMA_VERSION);
		goto detach;
	}
	if ((rc = ledger_begin(lg, err)))
		goto detach;
	if ((rc = copy_all(lg, version, st, err)))
		ledger_rollback(lg);
	else
		rc = ledger_commit(lg, err);
detach:
	sqlite3_exec(lg->db, "DETACH DATABASE src", NULL, NULL, NULL);
out:
	llmops_buf_release(&uri);
	return rc;
}

/* ------------------------------------------------------------ folding */

struct shard_run {
	char id[LLMOPS_RUNID_LEN + 1];
	char group[17];
	int status;
	cJSON *params;
};

static const int status_rank[] = {
	[LLMOPS_RUN_PASSED] = 0,  [LLMOPS_RUN_FAILED] = 1, [LLMOPS_RUN_INTERRUPTED] = 2,
	[LLMOPS_RUN_RUNNING] = 3, [LLMOPS_RUN_ERROR] = 4,
};

static int run_exec(struct llmops_ledger *lg, const char *sql, const char *a, const char *b,
		    struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LLMOPS_OK : ledger_fail(lg, rc, "cannot fold shards", err);
}

/* The indexes a run covers: its own, or those it was folded from. */
static void add_indexes(cJSON *into, const cJSON *params)
{
	const cJSON *sh = cJSON_GetObjectItemCaseSensitive(params, "shard");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(sh, "merged"), *x;
	if (cJSON_IsArray(m)) {
		cJSON_ArrayForEach (x, m)
			cJSON_AddItemToArray(into, cJSON_CreateNumber(x->valuedouble));
	} else {
		x = cJSON_GetObjectItemCaseSensitive(sh, "index");
		if (cJSON_IsNumber(x))
			cJSON_AddItemToArray(into, cJSON_CreateNumber(x->valuedouble));
	}
}

void llmops_shard_group(char out[17], const char *dataset_sha256, const char *commit,
			long shard_count, long limit, int repeats, const char *const *labels,
			size_t nlabels)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char hex[LLMOPS_SHA256_HEX_LEN + 1] = "";
	llmops_buf_addf(&b, "%s\n%s\n%ld\n%ld\n", dataset_sha256, commit ? commit : "", shard_count,
			limit);
	if (repeats > 1)
		llmops_buf_addf(&b, "repeat %d\n", repeats);
	for (size_t i = 0; i < nlabels; i++)
		llmops_buf_addf(&b, "%s\n", labels[i]);
	llmops_sha256_hex(hex, b.data ? b.data : "", b.len);
	snprintf(out, 17, "%.16s", hex);
	llmops_buf_release(&b);
}

static int fold_group(struct llmops_ledger *lg, struct shard_run *r, size_t n,
		      struct llmops_merge_stats *st, struct llmops_err *err)
{
	cJSON *params = cJSON_Duplicate(r[0].params, 1), *merged = cJSON_CreateArray(), *x;
	cJSON *sh = cJSON_GetObjectItemCaseSensitive(params, "shard");
	int worst = r[0].status, rc = LLMOPS_OK;
	char *text = NULL;

	for (size_t i = 0; i < n; i++) {
		add_indexes(merged, r[i].params);
		if (r[i].status >= 0 && r[i].status <= LLMOPS_RUN_INTERRUPTED && worst >= 0 &&
		    status_rank[r[i].status] > status_rank[worst])
			worst = r[i].status;
	}
	for (size_t i = 1; i < n && !rc; i++) {
		if ((rc = run_exec(lg, "UPDATE OR IGNORE results SET run_id = ?2 WHERE run_id = ?1",
				   r[i].id, r[0].id, err)) ||
		    (rc = run_exec(lg, "UPDATE run_aliases SET run_id = ?2 WHERE run_id = ?1",
				   r[i].id, r[0].id, err)) ||
		    (rc = run_exec(
			     lg,
			     "INSERT OR REPLACE INTO run_aliases (alias, run_id) VALUES (?1, ?2)",
			     r[i].id, r[0].id, err)) ||
		    (rc = run_exec(lg,
				   "UPDATE runs SET started_at = min(started_at, (SELECT started_at"
				   " FROM runs WHERE id = ?1)), finished_at = max(finished_at,"
				   " (SELECT finished_at FROM runs WHERE id = ?1)) WHERE id = ?2",
				   r[i].id, r[0].id, err)) ||
		    (rc = run_exec(lg, "DELETE FROM runs WHERE id = ?1", r[i].id, NULL, err)))
			break;
		st->folded++;
	}
	/* the indexes, once each, and whether every slice is there */
	int count =
		(int)llmops_json_long(cJSON_GetObjectItemCaseSensitive(sh, "count"), 0, 100000, 0);
	unsigned char *seen = calloc((size_t)(count > 0 ? count : 1) + 1, 1);
	cJSON *uniq = cJSON_CreateArray();
	int have = 0;
	cJSON_ArrayForEach (x, merged) {
		int k = (int)llmops_json_long(x, 0, 100000, 0);
		if (seen && k >= 1 && k <= count && !seen[k]) {
			seen[k] = 1;
			have++;
		}
	}
	for (int k = 1; seen && k <= count; k++)
		if (seen[k])
			cJSON_AddItemToArray(uniq, cJSON_CreateNumber(k));
	free(seen);
	cJSON_Delete(merged);
	cJSON_DeleteItemFromObjectCaseSensitive(sh, "merged");
	cJSON_DeleteItemFromObjectCaseSensitive(sh, "complete");
	cJSON_DeleteItemFromObjectCaseSensitive(sh, "index");
	cJSON_DeleteItemFromObjectCaseSensitive(sh, "first_case");
	cJSON_DeleteItemFromObjectCaseSensitive(sh, "cases");
	cJSON_AddItemToObject(sh, "merged", uniq);
	cJSON_AddBoolToObject(sh, "complete", have == count);
	if (!rc && !(text = cJSON_PrintUnformatted(params)))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!rc) {
		sqlite3_stmt *s = NULL;
		if (!(rc = ledger_prepare(lg,
					  "UPDATE runs SET params = ?2, status = ?3, duration_ms ="
					  " round((julianday(finished_at) - julianday(started_at))"
					  " * 86400000.0, 3) WHERE id = ?1",
					  &s, err))) {
			sqlite3_bind_text(s, 1, r[0].id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, llmops_run_status_name(worst < 0 ? 0 : worst), -1,
					  SQLITE_STATIC);
			rc = sqlite3_step(s) == SQLITE_DONE
				     ? LLMOPS_OK
				     : ledger_fail(lg, sqlite3_errcode(lg->db),
						   "cannot fold shards", err);
			sqlite3_finalize(s);
		}
	}
	if (!rc && !(rc = ledger_totals_store(lg, r[0].id, err)))
		rc = ledger_summary_store(lg, r[0].id, err);
	cJSON_free(text);
	cJSON_Delete(params);
	return rc;
}

static int cmp_shard(const void *a, const void *b)
{
	const struct shard_run *x = a, *y = b;
	int c = strcmp(x->group, y->group);
	return c ? c : strcmp(x->id, y->id);
}

int llmops_ledger_fold_shards(struct llmops_ledger *lg, struct llmops_merge_stats *st,
			      struct llmops_err *err)
{
	sqlite3_stmt *q = NULL;
	struct shard_run *runs = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if ((rc = llmops_ledger_flush(lg, err)) || (rc = ledger_begin(lg, err)))
		return rc;
	if ((rc = ledger_prepare(lg,
				 "SELECT id, json_extract(params, '$.shard.group'), status, params"
				 " FROM runs WHERE kind = 'eval' AND json_valid(params)"
				 " AND json_extract(params, '$.shard.group') IS NOT NULL",
				 &q, err)))
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (n == cap) {
			struct shard_run *p =
				realloc(runs, (cap = cap ? cap * 2 : 16) * sizeof(*p));
			if (!p) {
				rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
			runs = p;
		}
		struct shard_run *r = &runs[n++];
		snprintf(r->id, sizeof(r->id), "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(r->group, sizeof(r->group), "%s", (const char *)sqlite3_column_text(q, 1));
		r->status = llmops_run_status_parse((const char *)sqlite3_column_text(q, 2));
		r->params = cJSON_Parse((const char *)sqlite3_column_text(q, 3));
	}
	sqlite3_finalize(q);
	if (!rc && n)
		qsort(runs, n, sizeof(*runs), cmp_shard);
	for (size_t i = 0, j; !rc && i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(runs[j].group, runs[i].group);)
			j++;
		if (j - i > 1)
			rc = fold_group(lg, runs + i, j - i, st, err);
	}
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(runs[i].params);
	free(runs);
	if (!rc)
		return ledger_commit(lg, err);
fail:
	ledger_rollback(lg);
	return rc;
}
