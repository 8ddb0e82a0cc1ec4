/*
 * ledger_merge.c - `llmops ledger merge`: ledgers written by sharded CI jobs
 * (or on other machines) copied into one, without duplicates, and the
 * shards of one evaluation folded into one run.
 */
#include "json.h"

#include "mem.h"
#include "internal.h"

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

/* An SQLite failure while copying: the source's when it is the source that is at fault. */
static int merge_fail(struct llmops_ledger *lg, int rc, const char *src, struct llmops_err *err)
{
	int e = rc & 0xff;
	if (e == SQLITE_CORRUPT || e == SQLITE_NOTADB || e == SQLITE_INTERRUPT)
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: cannot be read: %s", src,
				      sqlite3_errmsg(lg->db));
	return ledger_fail(lg, rc, "cannot merge", err);
}

static int exec(struct llmops_ledger *lg, const char *sql, long *changes, const char *src,
		struct llmops_err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(lg->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return merge_fail(lg, rc, src, err);
	if (changes)
		*changes += sqlite3_changes(lg->db);
	return LLMOPS_OK;
}

/*
 * A run both ledgers have must come with the same content: the same summary and no
 * result that differs from ours or that we lack, but for a production run's records
 * (each known by its key) that we lack.  The first conflict refuses the merge.
 */
static int check_conflicts(struct llmops_ledger *lg, int64_t version, const char *src,
			   struct llmops_err *err)
{
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;
	llmops_buf_addf(
		&sql,
		"SELECT s.id, 'its summary differs from ours' FROM src.runs s"
		" JOIN main.runs m ON m.id = s.id"
		" WHERE m.kind IS NOT s.kind OR m.started_at IS NOT s.started_at"
		"  OR m.prompt_name IS NOT s.prompt_name OR m.prompt_version IS NOT "
		"s.prompt_version"
		"  OR m.prompt_blob IS NOT s.prompt_blob OR m.provider IS NOT s.provider"
		"  OR m.model IS NOT s.model OR m.git_commit IS NOT s.git_commit"
		" UNION ALL"
		" SELECT s.run_id, 'case ' || quote(s.case_id) || ' differs from ours or is one we"
		" do not have' FROM src.results s JOIN main.runs m ON m.id = s.run_id"
		" WHERE NOT EXISTS (SELECT 1 FROM main.results x WHERE x.run_id = s.run_id"
		"  AND x.variant = s.variant AND x.case_id = s.case_id"
		"  AND x.repeat_index = s.repeat_index AND x.output IS s.output"
		"  AND x.input IS s.input AND x.expected IS s.expected AND x.score IS s.score"
		"  AND x.passed IS s.passed AND x.error IS s.error AND x.scores IS s.scores"
		"  AND x.latency_ms IS s.latency_ms AND x.tokens_in IS s.tokens_in"
		"  AND x.tokens_out IS s.tokens_out AND x.cost_usd IS s.cost_usd%s)",
		version >= 6 ? " AND x.record_key IS s.record_key" : "");
	if (version >= 6)
		llmops_buf_adds(
			&sql, /* a production record we lack, by its key and its place, or one we
				 hold already, in whichever run (a record is its key: merging a
				 ledger again, or one that ingested the same records, is no clash)
			       */
			"  AND NOT (m.kind = 'production' AND s.record_key IS NOT NULL"
			"  AND (EXISTS (SELECT 1 FROM main.results y"
			"   WHERE y.record_key = s.record_key)"
			"  OR NOT EXISTS (SELECT 1 FROM main.results z WHERE z.run_id = s.run_id"
			"   AND z.variant = s.variant AND z.case_id = s.case_id"
			"   AND z.repeat_index = s.repeat_index)))");
	llmops_buf_adds(&sql, " LIMIT 1");
	rc = ledger_prepare(lg, sql.data, &st, err);
	llmops_buf_release(&sql);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = llmops_err_set(
			err, LLMOPS_E_INPUT,
			"%s: refused as conflicting: run %s is in the ledger already and "
			"%s (a run, once recorded, does not change)",
			src, sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	else
		rc = rc == SQLITE_DONE ? LLMOPS_OK : merge_fail(lg, rc, src, err);
	sqlite3_finalize(st);
	return rc;
}

/* The runs just merged (new, or production runs that gained records): their totals and
   figures computed from their results, whatever src said of them. */
static int refigure(struct llmops_ledger *lg, struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	struct llmops_strlist ids = LLMOPS_STRLIST_INIT;
	int rc = ledger_prepare(lg, "SELECT id FROM temp.merged", &st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW)
		llmops_strlist_append(&ids, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < ids.nr; i++)
		if (!(rc = ledger_totals_store(lg, ids.items[i], err)))
			rc = ledger_summary_store(lg, ids.items[i], err);
	llmops_strlist_release(&ids);
	return rc;
}

static int copy_all(struct llmops_ledger *lg, int64_t version, const char *src,
		    struct llmops_merge_stats *st, struct llmops_err *err)
{
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	long runs = 0, in_src = 0;
	int rc;

	if ((rc = check_conflicts(lg, version, src, err)))
		return rc;
	/* the runs this merge adds to or creates, and where the results it adds begin */
	if ((rc = exec(
		     lg,
		     "CREATE TEMP TABLE IF NOT EXISTS merged (id TEXT PRIMARY KEY);"
		     " DELETE FROM temp.merged;"
		     " CREATE TEMP TABLE IF NOT EXISTS merged_from (id INTEGER);"
		     " DELETE FROM temp.merged_from;"
		     " INSERT INTO temp.merged_from SELECT coalesce(max(id), 0) FROM main.results;",
		     NULL, src, err)))
		return rc;
	{
		sqlite3_stmt *c = NULL;
		if ((rc = ledger_prepare(lg, "SELECT count(*) FROM src.runs", &c, err)))
			return rc;
		if (sqlite3_step(c) == SQLITE_ROW)
			in_src = (long)sqlite3_column_int64(c, 0);
		sqlite3_finalize(c);
	}
	llmops_buf_addf(&sql,
			"INSERT INTO temp.merged SELECT id FROM src.runs"
			" WHERE id NOT IN (SELECT id FROM main.runs)"
			" AND id NOT IN (SELECT alias FROM main.run_aliases)%s",
			version >= 6 ? " UNION SELECT s.id FROM src.runs s JOIN main.runs m"
				       " ON m.id = s.id WHERE m.kind = 'production'"
				       " AND s.kind = 'production'"
				     : "");
	if ((rc = exec(lg, sql.data, NULL, src, err)) ||
	    (rc = exec(lg,
		       "INSERT OR IGNORE INTO main.datasets (sha256, path, format, cases, bytes,"
		       " created_at) SELECT sha256, path, format, cases, bytes, created_at"
		       " FROM src.datasets",
		       &st->datasets, src, err)))
		goto out;
	llmops_buf_reset(&sql);
	/* the figures are computed once the results are in (refigure) */
	llmops_buf_addf(
		&sql,
		"INSERT OR IGNORE INTO main.runs (id, kind, status, started_at, finished_at,"
		" duration_ms, git_commit, git_dirty, prompt_name, prompt_version, prompt_blob,"
		" dataset_id, provider, model, params, command, llmops_version, outcome)"
		" SELECT r.id, r.kind, r.status, r.started_at, r.finished_at, r.duration_ms,"
		" r.git_commit, r.git_dirty, r.prompt_name, r.prompt_version, r.prompt_blob,"
		" (SELECT m.id FROM main.datasets m JOIN src.datasets s ON s.sha256 = m.sha256"
		"  WHERE s.id = r.dataset_id), r.provider, r.model, r.params, r.command,"
		" r.llmops_version, %s FROM src.runs r"
		" WHERE r.id IN (SELECT id FROM temp.merged)",
		version >= 7 ? "r.outcome" : "NULL"); /* the outcome came with schema 7 */
	if ((rc = exec(lg, sql.data, &runs, src, err)))
		goto out;
	st->runs += runs;
	st->runs_skipped += in_src - runs;
	/* results of the runs merged: all of a new run's, a production run's new records
	   (the rest are ours already, as check_conflicts made sure) */
	llmops_buf_reset(&sql);
	/* schema 2 and older do not say where a result stands or what judged it; schema 3
	   and older who answered it or whether it was sent */
	llmops_buf_addf(&sql,
			"INSERT OR IGNORE INTO main.results (run_id, case_id, variant,"
			" repeat_index, input, output, expected, scores, score, passed, latency_ms,"
			" ttft_ms, tokens_in, tokens_out, cost_usd, attempts, error, cache_hit,"
			" created_at, position, metric, threshold, provider, model, skipped, judge,"
			" judge_cost_usd, steps, record_key, metadata, tiers)"
			" SELECT run_id, case_id, variant, repeat_index, input, output, expected,"
			" scores, score, passed, latency_ms, ttft_ms, tokens_in, tokens_out,"
			" cost_usd, attempts, error, cache_hit, created_at, %s, %s, %s, %s, %s "
			"FROM src.results"
			" WHERE run_id IN (SELECT id FROM temp.merged)"
			" ORDER BY run_id, id",
			version >= 3 ? "position, metric, threshold" : "NULL, NULL, NULL",
			version >= 4 ? "provider, model, skipped, judge, judge_cost_usd"
				     : "NULL, NULL, 0, NULL, NULL",
			version >= 5 ? "steps" : "NULL",
			version >= 6 ? "record_key, metadata" : "NULL, NULL",
			version >= 8 ? "tiers" : "NULL");
	/* reviews of the results this merge added, and no others: a run already here keeps
	   its own queue */
	if ((rc = exec(lg, sql.data, &st->results, src, err)) ||
	    (rc = exec(lg,
		       "INSERT INTO main.reviews (result_id, status, reason, reviewer, note,"
		       " created_at, decided_at)"
		       " SELECT m.id, v.status, v.reason, v.reviewer, v.note, v.created_at,"
		       " v.decided_at FROM src.reviews v JOIN src.results s ON s.id = v.result_id"
		       " JOIN main.results m ON m.run_id = s.run_id AND m.variant = s.variant"
		       "  AND m.case_id = s.case_id AND m.repeat_index = s.repeat_index"
		       " WHERE m.id > (SELECT id FROM temp.merged_from)"
		       " AND NOT EXISTS (SELECT 1 FROM main.reviews x WHERE x.result_id = m.id"
		       "  AND x.created_at = v.created_at)",
		       &st->reviews, src, err)))
		goto out;
	if (version >= 2) /* run_aliases came with schema 2 */
		rc = exec(lg,
			  "INSERT OR IGNORE INTO main.run_aliases (alias, run_id)"
			  " SELECT alias, run_id FROM src.run_aliases"
			  " WHERE run_id IN (SELECT id FROM temp.merged)"
			  " AND alias NOT IN (SELECT id FROM main.runs)",
			  NULL, src, err);
	if (!rc && version >= 8) /* users' feedback came with schema 8: ours wins a clash */
		rc = exec(lg,
			  "INSERT INTO main.feedback (feedback_key, source, record_id, trace_id,"
			  " name, value, label, comment, at, created_at)"
			  " SELECT feedback_key, source, record_id, trace_id, name, value, label,"
			  " comment, at, created_at FROM src.feedback WHERE true"
			  " ON CONFLICT (feedback_key) DO NOTHING",
			  &st->feedback, src, err);
	if (!rc)
		rc = refigure(lg, err);
out:
	llmops_buf_release(&sql);
	return rc;
}

int llmops_ledger_merge_vetted(struct llmops_ledger *lg, const char *src,
			       const struct llmops_vet_opts *o, struct llmops_merge_stats *st,
			       struct llmops_err *err)
{
	char *uri = NULL;
	sqlite3_stmt *at = NULL;
	const char *name = o && o->name ? o->name : src;
	int64_t version = 0;
	int rc;

	/* nothing of src is read into the ledger before it is known to be one of ours */
	if ((rc = llmops_ledger_vet(src, o, &version, err)) || (rc = llmops_ledger_flush(lg, err)))
		return rc;
	if (!(uri = ledger_file_uri(src, "mode=ro")))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if ((rc = ledger_prepare(lg, "ATTACH DATABASE ?1 AS src", &at, err)))
		goto out;
	sqlite3_bind_text(at, 1, uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(at);
	sqlite3_finalize(at);
	if (rc != SQLITE_DONE) {
		rc = merge_fail(lg, rc, name, err);
		goto out;
	}
	if ((rc = ledger_begin(lg, err)))
		goto detach;
	if ((rc = copy_all(lg, version, name, st, err)))
		ledger_rollback(lg);
	else
		rc = ledger_commit(lg, err);
detach:
	sqlite3_exec(lg->db, "DETACH DATABASE src", NULL, NULL, NULL);
out:
	free(uri);
	return rc;
}

int llmops_ledger_merge(struct llmops_ledger *lg, const char *src, struct llmops_merge_stats *st,
			struct llmops_err *err)
{
	return llmops_ledger_merge_vetted(lg, src, NULL, st, err);
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
		if (!(rc = ledger_prepare(
			      lg,
			      /* one shard's outcome is not the merged run's */
			      "UPDATE runs SET params = ?2, status = ?3, outcome = NULL,"
			      " duration_ms ="
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
		if (LLMOPS_GROW(runs, n, cap, 16)) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
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
