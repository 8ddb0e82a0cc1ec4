/*
 * ledger_prod.c - production traffic in the ledger: runs of kind
 * "production", one per UTC day, prompt version, provider and model, whose
 * results are ingested records (ledger.h).
 */
#include "internal.h"

#include "redact.h"
#include "version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run's key as ?1 (its day's midnight) to ?5; the queries compare with IS, so that two
   unknowns (NULL) match. */
static void bind_key(sqlite3_stmt *st, const char *start, const struct llmops_prod_run_key *k)
{
	sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
	ledger_bind_text(st, 2, k->prompt);
	ledger_bind_text(st, 3, k->version);
	ledger_bind_text(st, 4, k->provider);
	ledger_bind_text(st, 5, k->model);
}

int llmops_ledger_prod_run(struct llmops_ledger *lg, const struct llmops_prod_run_key *k,
			   const char *command, char id_out[LLMOPS_RUNID_LEN + 1],
			   struct llmops_err *err)
{
	static const char find[] =
		"SELECT id FROM runs WHERE kind = 'production' AND started_at = ?1"
		" AND prompt_name IS ?2 AND prompt_version IS ?3 AND provider IS ?4 AND model IS ?5"
		" ORDER BY id LIMIT 1";
	static const char add[] =
		"INSERT INTO runs (id, kind, status, started_at, prompt_name, prompt_version,"
		" provider, model, command, llmops_version)"
		" VALUES (?6, 'production', 'running', ?1, ?2, ?3, ?4, ?5, ?7, ?8)";
	sqlite3_stmt *st = NULL;
	char start[32], *cmd = NULL;
	int rc;

	if (strlen(k->day) != 10)
		return llmops_err_set(err, LLMOPS_E_USAGE, "a production run needs a day");
	snprintf(start, sizeof(start), "%.10sT00:00:00.000Z", k->day);
	if ((rc = ledger_prepare(lg, find, &st, err)))
		return rc;
	bind_key(st, start, k);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(id_out, LLMOPS_RUNID_LEN + 1, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_fail(lg, rc, "cannot read the ledger", err);
	if ((rc = llmops_runid_new(id_out, llmops_now_ms())))
		return llmops_err_set(err, rc, "cannot make a run id: no randomness available");
	if (command && !(cmd = strdup(command)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_redact(cmd);
	if ((rc = ledger_prepare(lg, add, &st, err))) {
		free(cmd);
		return rc;
	}
	bind_key(st, start, k);
	sqlite3_bind_text(st, 6, id_out, -1, SQLITE_STATIC);
	ledger_bind_text(st, 7, cmd);
	sqlite3_bind_text(st, 8, llmops_version(), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(cmd);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot record a production run", err);
}

int llmops_ledger_prod_add(struct llmops_ledger *lg, const char *run_id,
			   const struct llmops_prod_result *p, int *added, struct llmops_err *err)
{
	static const char sql[] =
		"INSERT INTO results (run_id, case_id, input, output, expected, passed,"
		" latency_ms, ttft_ms, tokens_in, tokens_out, cost_usd, attempts, error, cache_hit,"
		" created_at, record_key, metadata)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?13, ?14, ?15, ?16)"
		" ON CONFLICT DO NOTHING";
	sqlite3_stmt *st;
	int rc;

	if (!lg->prod_stmt && (rc = ledger_prepare(lg, sql, &lg->prod_stmt, err)))
		return rc;
	st = lg->prod_stmt;
	if (!lg->pending && (rc = ledger_begin(lg, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->case_id, -1, SQLITE_STATIC);
	ledger_bind_text(st, 3, p->input);
	ledger_bind_text(st, 4, p->output);
	ledger_bind_text(st, 5, p->expected);
	if (p->error)
		sqlite3_bind_null(st, 6);
	else
		sqlite3_bind_int(st, 6, 1);
	ledger_bind_double(st, 7, p->latency_ms);
	ledger_bind_double(st, 8, p->ttft_ms);
	if (p->tokens_in >= 0)
		sqlite3_bind_int64(st, 9, p->tokens_in);
	else
		sqlite3_bind_null(st, 9);
	if (p->tokens_out >= 0)
		sqlite3_bind_int64(st, 10, p->tokens_out);
	else
		sqlite3_bind_null(st, 10);
	ledger_bind_double(st, 11, p->cost_usd);
	ledger_bind_text(st, 12, p->error);
	sqlite3_bind_int(st, 13, p->cache_hit ? 1 : 0);
	sqlite3_bind_text(st, 14, p->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, p->record_key, -1, SQLITE_STATIC);
	ledger_bind_text(st, 16, p->metadata);
	rc = sqlite3_step(st);
	*added = rc == SQLITE_DONE && sqlite3_changes(lg->db) > 0;
	if (*added && !lg->prod_from) {
		lg->prod_from = sqlite3_last_insert_rowid(lg->db);
		lg->settle = ledger_prod_settle;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		rc = ledger_fail(lg, rc, "cannot record a production record", err);
		ledger_rollback(lg);
		lg->pending = 0;
		lg->prod_from = 0;
		return rc;
	}
	if (++lg->pending >= (lg->batch > 1 ? lg->batch : 1)) {
		lg->pending = 0;
		if ((rc = ledger_prod_settle(lg, err))) {
			ledger_rollback(lg);
			return rc;
		}
		return ledger_commit(lg, err);
	}
	return 0;
}

int llmops_ledger_prod_move(struct llmops_ledger *lg, const char *record_key, const char *run_id,
			    char from[LLMOPS_RUNID_LEN + 1], int *moved, struct llmops_err *err)
{
	static const char find[] =
		"SELECT r.run_id FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE r.record_key = ?1 AND u.kind = 'production' AND u.prompt_name IS NULL"
		" AND r.run_id <> ?2";
	sqlite3_stmt *st = NULL;
	int rc;

	*moved = 0;
	if ((rc = ledger_prepare(lg, find, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, record_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(from, LLMOPS_RUNID_LEN + 1, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ledger_fail(lg, rc, "cannot read a production record", err);
	if (!lg->pending && (rc = ledger_begin(lg, err)))
		return rc;
	lg->pending++; /* committed with the batch it is part of */
	if ((rc = ledger_prepare(lg, "UPDATE results SET run_id = ?2 WHERE record_key = ?1", &st,
				 err)))
		return rc;
	sqlite3_bind_text(st, 1, record_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_fail(lg, rc, "cannot move a production record", err);
	*moved = 1;
	return 0;
}

int ledger_prod_settle(struct llmops_ledger *lg, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE runs SET cases = runs.cases + t.n, passed = runs.passed + t.p,"
		" failed = runs.failed + t.f, errored = runs.errored + t.e,"
		" skipped = runs.skipped + t.s, tokens_in = runs.tokens_in + t.ti,"
		" tokens_out = runs.tokens_out + t.tou, cost_usd = runs.cost_usd + t.c"
		" FROM (SELECT run_id, count(*) AS n,"
		"   count(*) FILTER (WHERE passed = 1) AS p,"
		"   count(*) FILTER (WHERE passed = 0) AS f,"
		"   count(*) FILTER (WHERE passed IS NULL AND skipped = 0) AS e,"
		"   count(*) FILTER (WHERE skipped = 1) AS s,"
		"   coalesce(sum(tokens_in), 0) AS ti, coalesce(sum(tokens_out), 0) AS tou,"
		"   coalesce(sum(cost_usd), 0) AS c"
		"   FROM results WHERE id >= ?1 GROUP BY run_id) AS t"
		" WHERE runs.id = t.run_id";
	sqlite3_stmt *st = NULL;
	int rc;
	if (!lg->prod_from)
		return 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, lg->prod_from);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	lg->prod_from = 0;
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot total production runs", err);
}

/* Drop run_id when it has no results (a run begun for records that were all in the ledger
   already), inside the caller's transaction. */
static int drop_if_empty(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(
		lg, "DELETE FROM runs WHERE id = ?1 AND kind = 'production' AND cases = 0", &st,
		err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ledger_fail(lg, rc, "cannot finish a production run", err);
}

int llmops_ledger_prod_finish(struct llmops_ledger *lg, const char *run_id, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE runs SET status = 'passed',"
		" finished_at = (SELECT max(created_at) FROM results WHERE run_id = ?1),"
		" duration_ms = NULL WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = llmops_ledger_flush(lg, err)) || (rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	rc = ledger_write_one(lg, st, "cannot finish a production run", err); /* rolls back */
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if ((rc = ledger_totals_store(lg, run_id, err)) ||
	    (rc = ledger_summary_store(lg, run_id, err)) || (rc = drop_if_empty(lg, run_id, err))) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg, err);
}

/* FNV-1a, 64 bits (Fowler, Noll, Vo; the IETF draft draft-eastlake-fnv): a record's place in
   the sample, from the seed in decimal, a colon and the record key. */
uint64_t llmops_prod_sample_hash(uint64_t seed, const char *key)
{
	char s[24];
	uint64_t h = 0xcbf29ce484222325ULL;
	snprintf(s, sizeof(s), "%llu:", (unsigned long long)seed);
	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

struct pick {
	uint64_t h;
	int64_t id;
};

/* a max-heap on h of the n smallest seen so far */
static void sift_down(struct pick *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && v[l].h > v[m].h)
			m = l;
		if (r < n && v[r].h > v[m].h)
			m = r;
		if (m == i)
			return;
		struct pick t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

static void sift_up(struct pick *v, size_t i)
{
	while (i && v[(i - 1) / 2].h < v[i].h) {
		struct pick t = v[i];
		v[i] = v[(i - 1) / 2];
		v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;
	return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->id > y->id) - (x->id < y->id);
}

#define ROW_COLUMNS                                                                                \
	"case_id, record_key, created_at, input, output, expected, metadata, latency_ms,"          \
	" cost_usd, tokens_out"

/* A record as the ROW_COLUMNS of st's current row (borrowed from st until it steps). */
static struct llmops_prod_row row_of(sqlite3_stmt *st)
{
	const struct llmops_prod_row row = {
		(const char *)sqlite3_column_text(st, 0),
		(const char *)sqlite3_column_text(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		(const char *)sqlite3_column_text(st, 3),
		(const char *)sqlite3_column_text(st, 4),
		(const char *)sqlite3_column_text(st, 5),
		(const char *)sqlite3_column_text(st, 6),
		sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 7),
		sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8),
		sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 9),
	};
	return row;
}

int llmops_ledger_prod_record(struct llmops_ledger *lg, const char *key, llmops_prod_row_fn fn,
			      void *ud, struct llmops_err *err)
{
	static const char sql[] = "SELECT " ROW_COLUMNS " FROM results WHERE id ="
				  " (SELECT r.id FROM results r JOIN runs u ON u.id = r.run_id"
				  "  WHERE u.kind = 'production' AND r.record_key = ?1"
				  "  ORDER BY r.id DESC LIMIT 1)";
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const struct llmops_prod_row row = row_of(st);
		rc = fn(&row, ud);
	} else if (rc == SQLITE_DONE) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "no production record '%s' in the ledger (llmops ingest keeps "
				    "them as id:ID or sha256:HEX)",
				    key);
	} else {
		rc = ledger_fail(lg, rc, "cannot read a production record", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_prod_sample(struct llmops_ledger *lg, const struct llmops_prod_filter *f,
			      size_t n, uint64_t seed, llmops_prod_row_fn fn, void *ud,
			      size_t *population, struct llmops_err *err)
{
	static const char scan[] =
		"SELECT r.id, r.record_key FROM results r JOIN runs u ON u.id = r.run_id"
		" WHERE u.kind = 'production' AND r.passed = 1 AND r.output IS NOT NULL"
		" AND (?1 IS NULL OR u.prompt_name = ?1) AND (?2 IS NULL OR u.prompt_version = ?2)"
		" AND (?3 IS NULL OR r.created_at >= ?3)";
	static const char one[] = "SELECT " ROW_COLUMNS " FROM results WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	struct pick *heap = NULL;
	size_t k = 0;
	int rc;

	*population = 0;
	if (!n)
		return 0;
	if (!(heap = malloc(n * sizeof(*heap))))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if ((rc = ledger_prepare(lg, scan, &st, err)))
		goto out;
	ledger_bind_text(st, 1, f->prompt);
	ledger_bind_text(st, 2, f->version);
	ledger_bind_text(st, 3, f->since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pick p = {
			llmops_prod_sample_hash(seed, (const char *)sqlite3_column_text(st, 1)),
			sqlite3_column_int64(st, 0)};
		(*population)++;
		if (k < n) {
			heap[k] = p;
			sift_up(heap, k++);
		} else if (p.h < heap[0].h) {
			heap[0] = p;
			sift_down(heap, k, 0);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		rc = ledger_fail(lg, rc, "cannot read production records", err);
		goto out;
	}
	qsort(heap, k, sizeof(*heap), cmp_pick);
	if ((rc = ledger_prepare(lg, one, &st, err)))
		goto out;
	for (size_t i = 0; i < k && !rc; i++) {
		sqlite3_bind_int64(st, 1, heap[i].id);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			rc = ledger_fail(lg, rc, "cannot read a production record", err);
			break;
		}
		const struct llmops_prod_row row = row_of(st);
		rc = fn(&row, ud);
		sqlite3_reset(st);
	}
out:
	sqlite3_finalize(st);
	free(heap);
	return rc;
}
