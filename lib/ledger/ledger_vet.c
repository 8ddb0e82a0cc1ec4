/*
 * ledger_vet.c - a ledger file this process did not write (a snapshot
 * fetched from the git remote, a file handed to `ledger merge`) checked
 * before anything of it is read into the ledger (ledger.h).
 *
 * It is opened in a connection of its own, read-only, with SQLite's
 * defensive settings (https://www.sqlite.org/security.html: no trusted
 * schema, no views or triggers, defensive mode, tight limits, a progress
 * handler that caps the work), so a file built to run code, loop or fill
 * the disk does neither.  Its schema must be exactly what our migrations
 * make for its version, its pages must pass SQLite's integrity check, and
 * every row must hold what this ledger writes: ids of the right shape,
 * names without control characters, finite numbers in range, valid UTF-8
 * without NUL, JSON where JSON belongs, and references that resolve.
 */
#include "internal.h"

#include "buf.h"
#include "promptref.h"
#include "runid.h"
#include "textsafe.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a column may hold. */
enum rule {
	R_ROWID = 1, /* INTEGER > 0 */
	R_RUNID,     /* a run id (ULID) */
	R_KIND,	     /* [a-z][a-z0-9_-]*, at most 32 */
	R_STATUS,    /* a run status */
	R_RSTATUS,   /* a review status */
	R_TIME,	     /* ISO 8601 UTC: 2026-11-22T14:03:05.123Z */
	R_TIME_NULL,
	R_COUNT,      /* INTEGER >= 0 */
	R_COUNT_NULL, /* NULL or INTEGER >= 0 */
	R_BOOL,	      /* 0 or 1 */
	R_BOOL_NULL,
	R_NUM_NULL,    /* NULL or a finite number >= 0 */
	R_NUM,	       /* a finite number >= 0 */
	R_REAL_NULL,   /* NULL or any finite number */
	R_UNIT_NULL,   /* NULL or a number in [0, 1] */
	R_LABEL,       /* text of one line: no control characters, at most 512 bytes */
	R_LABEL_NULL,  /* the same or NULL */
	R_PROMPT_NULL, /* NULL or a prompt name */
	R_HEX_NULL,    /* NULL or 40 or 64 lower-case hex digits */
	R_SHA256,      /* 64 lower-case hex digits */
	R_TEXT_NULL,   /* NULL or UTF-8 text without NUL */
	R_OBJECT_NULL, /* NULL or a JSON object */
	R_ARRAY_NULL,  /* NULL or a JSON array */
	R_JSON_NULL,   /* NULL or any JSON value */
	R_LATENCIES,   /* NULL or sorted finite float64s >= 0 (8 bytes each) */
	R_FORMAT_NULL, /* NULL, json, jsonl or csv */
	R_ANY,	       /* not read (the cache, which is never imported) */
};

struct column_rule {
	const char *table, *column;
	enum rule rule;
};

static const struct column_rule rules[] = {
	{"datasets", "id", R_ROWID},
	{"datasets", "sha256", R_SHA256},
	{"datasets", "path", R_LABEL},
	{"datasets", "format", R_FORMAT_NULL},
	{"datasets", "cases", R_COUNT},
	{"datasets", "bytes", R_COUNT},
	{"datasets", "created_at", R_TIME},
	{"runs", "id", R_RUNID},
	{"runs", "kind", R_KIND},
	{"runs", "status", R_STATUS},
	{"runs", "started_at", R_TIME},
	{"runs", "finished_at", R_TIME_NULL},
	{"runs", "duration_ms", R_NUM_NULL},
	{"runs", "git_commit", R_HEX_NULL},
	{"runs", "git_dirty", R_BOOL_NULL},
	{"runs", "prompt_name", R_PROMPT_NULL},
	{"runs", "prompt_version", R_LABEL_NULL},
	{"runs", "prompt_blob", R_HEX_NULL},
	{"runs", "dataset_id", R_COUNT_NULL},
	{"runs", "provider", R_LABEL_NULL},
	{"runs", "model", R_LABEL_NULL},
	{"runs", "params", R_OBJECT_NULL},
	{"runs", "command", R_TEXT_NULL},
	{"runs", "llmops_version", R_LABEL},
	{"runs", "cases", R_COUNT},
	{"runs", "passed", R_COUNT},
	{"runs", "failed", R_COUNT},
	{"runs", "errored", R_COUNT},
	{"runs", "tokens_in", R_COUNT},
	{"runs", "tokens_out", R_COUNT},
	{"runs", "cost_usd", R_NUM},
	{"runs", "requests", R_COUNT_NULL},
	{"runs", "cache_hits", R_COUNT_NULL},
	{"runs", "score_mean", R_UNIT_NULL},
	{"runs", "latency_p50", R_NUM_NULL},
	{"runs", "latency_p95", R_NUM_NULL},
	{"runs", "latencies", R_LATENCIES},
	{"runs", "skipped", R_COUNT},
	{"runs", "judge_cost_usd", R_NUM},
	{"runs", "outcome", R_OBJECT_NULL},
	{"results", "id", R_ROWID},
	{"results", "run_id", R_RUNID},
	{"results", "case_id", R_LABEL},
	{"results", "variant", R_LABEL},
	{"results", "repeat_index", R_COUNT},
	{"results", "input", R_TEXT_NULL},
	{"results", "output", R_TEXT_NULL},
	{"results", "expected", R_TEXT_NULL},
	{"results", "scores", R_OBJECT_NULL},
	{"results", "score", R_UNIT_NULL},
	{"results", "passed", R_BOOL_NULL},
	{"results", "latency_ms", R_NUM_NULL},
	{"results", "ttft_ms", R_NUM_NULL},
	{"results", "tokens_in", R_COUNT_NULL},
	{"results", "tokens_out", R_COUNT_NULL},
	{"results", "cost_usd", R_NUM_NULL},
	{"results", "attempts", R_COUNT},
	{"results", "error", R_TEXT_NULL},
	{"results", "cache_hit", R_BOOL},
	{"results", "created_at", R_TIME},
	{"results", "position", R_COUNT_NULL},
	{"results", "metric", R_LABEL_NULL},
	{"results", "threshold", R_REAL_NULL},
	{"results", "provider", R_LABEL_NULL},
	{"results", "model", R_LABEL_NULL},
	{"results", "skipped", R_BOOL},
	{"results", "judge", R_JSON_NULL},
	{"results", "judge_cost_usd", R_NUM_NULL},
	{"results", "steps", R_ARRAY_NULL},
	{"results", "record_key", R_LABEL_NULL},
	{"results", "metadata", R_OBJECT_NULL},
	{"results", "tiers", R_ARRAY_NULL},
	{"reviews", "id", R_ROWID},
	{"reviews", "result_id", R_ROWID},
	{"reviews", "status", R_RSTATUS},
	{"reviews", "reason", R_TEXT_NULL},
	{"reviews", "reviewer", R_LABEL_NULL},
	{"reviews", "note", R_TEXT_NULL},
	{"reviews", "created_at", R_TIME},
	{"reviews", "decided_at", R_TIME_NULL},
	{"run_aliases", "alias", R_RUNID},
	{"run_aliases", "run_id", R_RUNID},
	{"feedback", "id", R_ROWID},
	{"feedback", "feedback_key", R_LABEL},
	{"feedback", "source", R_LABEL},
	{"feedback", "record_id", R_LABEL},
	{"feedback", "trace_id", R_LABEL_NULL},
	{"feedback", "name", R_LABEL},
	{"feedback", "value", R_REAL_NULL},
	{"feedback", "label", R_TEXT_NULL},
	{"feedback", "comment", R_TEXT_NULL},
	{"feedback", "at", R_TIME},
	{"feedback", "created_at", R_TIME},
};

/* Integers above 2^53 are not exact as the doubles JSON readers make of them. */
#define MAX_EXACT 9007199254740992LL

struct vet {
	sqlite3 *db;
	const char *path; /* as the user knows it, for messages */
	struct llmops_err *err;
	uint64_t budget; /* progress-handler calls left */
};

static int vet_fail(struct vet *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vet_fail(struct vet *v, const char *fmt, ...)
{
	char msg[LLMOPS_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return llmops_err_set(v->err, LLMOPS_E_INPUT, "%s: %s", v->path, msg);
}

/* An SQLite failure on the file: it is the file's fault (corrupt, hostile, too costly). */
static int vet_sqlite(struct vet *v, int rc, const char *what)
{
	if ((rc & 0xff) == SQLITE_NOMEM)
		return llmops_err_set(v->err, LLMOPS_E_NOMEM, "out of memory");
	if ((rc & 0xff) == SQLITE_INTERRUPT)
		return vet_fail(v,
				"%s: refused: reading it took more work than a ledger of its "
				"size needs",
				what);
	return vet_fail(v, "%s: not a ledger this llmops can read: %s", what,
			v->db ? sqlite3_errmsg(v->db) : sqlite3_errstr(rc));
}

static int on_progress(void *p)
{
	struct vet *v = p;
	if (!v->budget)
		return 1; /* interrupt */
	v->budget--;
	return 0;
}

/* ------------------------------------------------------------- values */

static int is_time(const char *s, size_t n)
{
	/* YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t k = sizeof(shape) - 1;
	if (n < k + 1 || n > k + 11 || s[n - 1] != 'Z')
		return 0;
	for (size_t i = 0; i < k; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return 0;
	int mo = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
	int h = (s[11] - '0') * 10 + s[12] - '0', mi = (s[14] - '0') * 10 + s[15] - '0';
	int sec = (s[17] - '0') * 10 + s[18] - '0';
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	if (n == k + 1)
		return 1;
	if (s[k] != '.' || n < k + 3)
		return 0;
	for (size_t i = k + 1; i < n - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int is_kind(const char *s, size_t n)
{
	if (n < 1 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int json_kind(const char *s, size_t n, enum rule r)
{
	cJSON *j = cJSON_ParseWithLength(s, n);
	int ok = j &&
		 (r == R_JSON_NULL || (r == R_OBJECT_NULL ? cJSON_IsObject(j) : cJSON_IsArray(j)));
	cJSON_Delete(j);
	return ok;
}

static int latencies_ok(const unsigned char *b, size_t n)
{
	double prev = 0;
	if (n % 8)
		return 0;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t u = 0;
		double d;
		for (int k = 7; k >= 0; k--)
			u = u << 8 | b[i + (size_t)k];
		memcpy(&d, &u, sizeof(d));
		if (!isfinite(d) || d < prev)
			return 0;
		prev = d;
	}
	return 1;
}

/* What is wrong with column col of the row st is on, under rule r; NULL when nothing. */
static const char *check_value(sqlite3_stmt *st, int col, enum rule r)
{
	int type = sqlite3_column_type(st, col);
	int nullable = r == R_TIME_NULL || r == R_COUNT_NULL || r == R_BOOL_NULL ||
		       r == R_NUM_NULL || r == R_REAL_NULL || r == R_UNIT_NULL ||
		       r == R_LABEL_NULL || r == R_PROMPT_NULL || r == R_HEX_NULL ||
		       r == R_TEXT_NULL || r == R_OBJECT_NULL || r == R_ARRAY_NULL ||
		       r == R_JSON_NULL || r == R_LATENCIES || r == R_FORMAT_NULL;
	if (r == R_ANY)
		return NULL;
	if (type == SQLITE_NULL)
		return nullable ? NULL : "NULL where a value is required";
	switch (r) {
	case R_ROWID:
	case R_COUNT:
	case R_COUNT_NULL:
	case R_BOOL:
	case R_BOOL_NULL: {
		if (type != SQLITE_INTEGER)
			return "not an integer";
		sqlite3_int64 x = sqlite3_column_int64(st, col);
		if (r == R_BOOL || r == R_BOOL_NULL)
			return x == 0 || x == 1 ? NULL : "neither 0 nor 1";
		if (x < (r == R_ROWID ? 1 : 0) || x > MAX_EXACT)
			return "an integer out of range";
		return NULL;
	}
	case R_NUM:
	case R_NUM_NULL:
	case R_REAL_NULL:
	case R_UNIT_NULL: {
		if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
			return "not a number";
		double d = sqlite3_column_double(st, col);
		if (!isfinite(d))
			return "not a finite number";
		if (r != R_REAL_NULL && d < 0)
			return "a negative number";
		if (r == R_UNIT_NULL && d > 1)
			return "a number above 1";
		return NULL;
	}
	case R_LATENCIES:
		if (type != SQLITE_BLOB)
			return "not a blob";
		return latencies_ok(sqlite3_column_blob(st, col),
				    (size_t)sqlite3_column_bytes(st, col))
			       ? NULL
			       : "not a sorted list of latencies";
	default: break;
	}
	/* the rest are text */
	if (type != SQLITE_TEXT)
		return "not text";
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	if (!s)
		return "unreadable text";
	if (memchr(s, 0, n))
		return "text with a NUL character";
	if (llmops_utf8_invalid(s, n) != n)
		return "text that is not valid UTF-8";
	switch (r) {
	case R_RUNID: return llmops_runid_valid(s) ? NULL : "not a run id";
	case R_KIND: return is_kind(s, n) ? NULL : "not a run kind";
	case R_STATUS: return llmops_run_status_parse(s) >= 0 ? NULL : "not a run status";
	case R_RSTATUS:
		return !strcmp(s, "pending") || !strcmp(s, "accepted") || !strcmp(s, "rejected")
			       ? NULL
			       : "not a review status";
	case R_TIME:
	case R_TIME_NULL: return is_time(s, n) ? NULL : "not an ISO 8601 UTC time";
	case R_SHA256: return n == 64 && is_hex(s, n) ? NULL : "not a SHA-256";
	case R_HEX_NULL: return (n == 40 || n == 64) && is_hex(s, n) ? NULL : "not an object id";
	case R_FORMAT_NULL:
		return !strcmp(s, "json") || !strcmp(s, "jsonl") || !strcmp(s, "csv")
			       ? NULL
			       : "not a dataset format";
	case R_PROMPT_NULL:
		if (llmops_prompt_name_check(s, "prompt name", NULL) &&
		    (strncmp(s, LLMOPS_JUDGES_DIR "/", sizeof(LLMOPS_JUDGES_DIR)) ||
		     llmops_prompt_name_check(s + sizeof(LLMOPS_JUDGES_DIR), "prompt name", NULL)))
			return "not a prompt name";
		return NULL;
	case R_LABEL:
	case R_LABEL_NULL: {
		const char *why = llmops_label_problem(s, n);
		if (!why)
			return NULL;
		return !strcmp(why, "a control character") ? "a name with control characters"
							   : "a name longer than 512 bytes";
	}
	case R_OBJECT_NULL:
	case R_ARRAY_NULL:
	case R_JSON_NULL:
		return json_kind(s, n, r)   ? NULL
		       : r == R_OBJECT_NULL ? "not a JSON object"
		       : r == R_ARRAY_NULL  ? "not a JSON array"
					    : "not JSON";
	default: return NULL;
	}
}

static enum rule rule_of(const char *table, const char *column)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].table, table) && !strcmp(rules[i].column, column))
			return rules[i].rule;
	return 0;
}

/* Every row of table, every column by its rule. */
static int check_table(struct vet *v, const char *table)
{
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;
	llmops_buf_addf(&sql, "SELECT rowid, * FROM \"%s\"", table);
	rc = sqlite3_prepare_v2(v->db, sql.data, -1, &st, NULL);
	llmops_buf_release(&sql);
	if (rc != SQLITE_OK)
		return vet_sqlite(v, rc, table);
	int ncol = sqlite3_column_count(st);
	enum rule r[64];
	if (ncol > 64) {
		sqlite3_finalize(st);
		return vet_fail(v, "table %s has %d columns", table, ncol);
	}
	for (int c = 1; c < ncol; c++)
		if (!(r[c] = rule_of(table, sqlite3_column_name(st, c)))) {
			/* the schema was compared already: a column we do not know is ours */
			sqlite3_finalize(st);
			return vet_fail(v, "table %s: column %s is not one this llmops checks",
					table, sqlite3_column_name(st, c));
		}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 1; c < ncol; c++) {
			const char *bad = check_value(st, c, r[c]);
			if (bad) {
				int e = vet_fail(v, "table %s, row %lld, column %s: %s", table,
						 (long long)sqlite3_column_int64(st, 0),
						 sqlite3_column_name(st, c), bad);
				sqlite3_finalize(st);
				return e;
			}
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LLMOPS_OK : vet_sqlite(v, rc, table);
}

/* ------------------------------------------------------------- schema */

/* The schema's rows ("type name tbl_name sql", one per line) of db, sorted. */
static int schema_text(sqlite3 *db, struct llmops_buf *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
		db,
		/* the planner's statistics (PRAGMA optimize may leave them)
		   steer plans, never results */
		"SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema"
		" WHERE name NOT IN ('sqlite_stat1', 'sqlite_stat4')"
		" ORDER BY type, name",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		llmops_buf_addf(out, "%s\t%s\t%s\t%s\n", sqlite3_column_text(st, 0),
				sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
				sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The schema our migrations make for version. */
static int expected_schema(int64_t version, struct llmops_buf *out)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
	for (int i = 0; rc == SQLITE_OK && i < version; i++)
		rc = sqlite3_exec(db, ledger_migration(i), NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = schema_text(db, out);
	sqlite3_close(db);
	return rc;
}

static int header_pragma(struct vet *v, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? LLMOPS_OK : vet_sqlite(v, rc, "its header");
}

static int check_schema(struct vet *v, int64_t *version)
{
	struct llmops_buf have = LLMOPS_BUF_INIT, want = LLMOPS_BUF_INIT;
	int64_t app = 0;
	int rc;
	if ((rc = header_pragma(v, "PRAGMA application_id", &app)) ||
	    (rc = header_pragma(v, "PRAGMA user_version", version)))
		return rc;
	if (app != LLMOPS_LEDGER_APPLICATION_ID || *version < 1)
		return llmops_err_set(v->err, LLMOPS_E_NOTADB,
				      "'%s' is an SQLite database but not an llmops ledger",
				      v->path);
	if (*version > LLMOPS_LEDGER_SCHEMA_VERSION)
		return llmops_err_set(v->err, LLMOPS_E_SCHEMA,
				      "ledger '%s' has schema version %lld, newer than the %d this "
				      "llmops knows; upgrade llmops to read it",
				      v->path, (long long)*version, LLMOPS_LEDGER_SCHEMA_VERSION);
	{
		/* the worst first, by name: code that would run when the file is read */
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(v->db,
					"SELECT type, name FROM sqlite_schema WHERE type IN"
					" ('view', 'trigger') ORDER BY name LIMIT 1",
					-1, &st, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			rc = vet_fail(
				v, "refused: it has a %s '%s' (views and triggers are never ours)",
				sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
			sqlite3_finalize(st);
			return rc;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return vet_sqlite(v, rc, "its schema");
	}
	if ((rc = schema_text(v->db, &have)) != SQLITE_OK) {
		llmops_buf_release(&have);
		return vet_sqlite(v, rc, "its schema");
	}
	if ((rc = expected_schema(*version, &want)) != SQLITE_OK) {
		rc = llmops_err_set(v->err, LLMOPS_E_LEDGER,
				    "cannot make the schema to compare: %s", sqlite3_errstr(rc));
	} else if (have.len != want.len || memcmp(have.data, want.data, have.len)) {
		/* name the first object that differs */
		const char *a = have.data ? have.data : "", *b = want.data ? want.data : "";
		while (*a && *a == *b) {
			const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
			if (!na || !nb || na - a != nb - b || memcmp(a, b, (size_t)(na - a)))
				break;
			a = na + 1;
			b = nb + 1;
		}
		const char *t = *a ? a : b, *tab = strchr(t, '\t');
		const char *end = tab ? strchr(tab + 1, '\t') : NULL;
		rc = vet_fail(v,
			      "refused: its schema is not the one this llmops writes for version "
			      "%lld (its %.*s '%.*s' %s)",
			      (long long)*version, tab ? (int)(tab - t) : 0, t,
			      tab && end ? (int)(end - tab - 1) : 0, tab ? tab + 1 : "",
			      *a ? "is not ours" : "is missing");
	}
	llmops_buf_release(&have);
	llmops_buf_release(&want);
	return rc;
}

/* ------------------------------------------------------ references */

/* sql must return a row only when something is wrong: its first column names it. */
static int none(struct vet *v, const char *sql, const char *what, const char *bind)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return vet_sqlite(v, rc, what);
	if (bind)
		sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int e = vet_fail(
			v, "refused: %s (%s)", what,
			sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		sqlite3_finalize(st);
		return e;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LLMOPS_OK : vet_sqlite(v, rc, what);
}

static int check_references(struct vet *v, int64_t version)
{
	int rc;
	if ((rc = none(v,
		       "SELECT 'result ' || id || ' of run ' || run_id FROM results"
		       " WHERE run_id NOT IN (SELECT id FROM runs) LIMIT 1",
		       "a result of a run it does not hold", NULL)) ||
	    (rc = none(v,
		       "SELECT 'review ' || id FROM reviews"
		       " WHERE result_id NOT IN (SELECT id FROM results) LIMIT 1",
		       "a review of a result it does not hold", NULL)) ||
	    (rc = none(v,
		       "SELECT 'run ' || id FROM runs WHERE dataset_id IS NOT NULL"
		       " AND dataset_id NOT IN (SELECT id FROM datasets) LIMIT 1",
		       "a run of a dataset it does not hold", NULL)))
		return rc;
	if (version >= 2 &&
	    ((rc = none(v,
			"SELECT alias FROM run_aliases WHERE run_id NOT IN (SELECT id FROM runs)"
			" OR alias IN (SELECT id FROM runs) LIMIT 1",
			"an alias of a run it does not hold, or one that is a run's own id",
			NULL))))
		return rc;
	/* production records are known by their keys: each has one */
	if (version >= 6 &&
	    (rc = none(v,
		       "SELECT 'result ' || r.id FROM results r JOIN runs u ON u.id = r.run_id"
		       " WHERE u.kind = 'production' AND r.record_key IS NULL LIMIT 1",
		       "a production result without its record key", NULL)))
		return rc;
	return LLMOPS_OK;
}

/* A snapshot holds one finished run, all of whose rows are its own. */
static int check_snapshot(struct vet *v, const struct llmops_vet_opts *o, int64_t version)
{
	int rc;
	/* users' feedback is no run's: a snapshot that brings some would slip it past the
	   one-run rule into every canary verdict */
	if (version >= 8 &&
	    (rc = none(v, "SELECT count(*) || ' rows' FROM feedback HAVING count(*) > 0",
		       "a snapshot with users' feedback (never pushed)", NULL)))
		return rc;
	if ((rc = none(v, "SELECT 'run ' || id FROM runs WHERE id <> ?1 LIMIT 1",
		       "a snapshot of one run holds another", o->run_id)) ||
	    (rc = none(v, "SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM runs WHERE id = ?1)",
		       "the snapshot lacks the run its ref names", o->run_id)) ||
	    (rc = none(v, "SELECT 'run ' || id FROM runs WHERE status = 'running'",
		       "a snapshot of a run still running", NULL)) ||
	    (rc = none(v, "SELECT count(*) || ' entries' FROM cache HAVING count(*) > 0",
		       "a snapshot with a response cache (never pushed)", NULL)) ||
	    (rc = none(v,
		       "SELECT count(*) || ' datasets' FROM datasets HAVING count(*) > 1"
		       " OR count(*) > (SELECT count(dataset_id) FROM runs)",
		       "a snapshot with datasets its run did not use", NULL)))
		return rc;
	if (o->cases >= 0) {
		char q[200];
		snprintf(q, sizeof(q),
			 "SELECT 'its run says ' || cases || ', its results ' || (SELECT count(*)"
			 " FROM results) FROM runs WHERE cases <> %lld OR cases <> (SELECT count(*)"
			 " FROM results)",
			 o->cases);
		if ((rc = none(v, q, "the snapshot does not hold the cases its ref names", NULL)))
			return rc;
	}
	return LLMOPS_OK;
}

/* --------------------------------------------------------------- open */

static int harden(sqlite3 *db)
{
	/* ours (no trusted schema, views or triggers), and more: a file we did not write */
	ledger_harden(db);
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	/* our own queries are short and shallow; a text or blob above 256 MiB is no
	   result of ours */
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 256 << 20);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 64 << 10);
	sqlite3_limit(db, SQLITE_LIMIT_COLUMN, 100);
	sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 50);
	sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 4);
	sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 100000);
	sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 8);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
	sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 10);
	sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
	sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
				  "PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0;"
				  " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -4096",
				  NULL, NULL, NULL);
	return rc;
}

int llmops_ledger_vet(const char *path, const struct llmops_vet_opts *o, int64_t *version,
		      struct llmops_err *err)
{
	static const struct llmops_vet_opts defaults = {NULL, -1, 0, NULL};
	struct vet v = {NULL, path, err, 0};
	struct stat sb;
	char head[16] = "";
	int64_t ver = 0;
	int rc, fd;

	if (!o)
		o = &defaults;
	if (o->name)
		v.path = o->name;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return llmops_err_set(err, errno == ENOENT ? LLMOPS_E_NOTFOUND : LLMOPS_E_IO,
				      "cannot read ledger '%s': %s", v.path, strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return llmops_err_set(err, LLMOPS_E_NOTADB, "'%s' is not a ledger file", v.path);
	}
	if (read(fd, head, sizeof(head)) != (ssize_t)sizeof(head))
		head[0] = 0;
	close(fd);
	if (memcmp(head, "SQLite format 3", 16))
		return llmops_err_set(err, LLMOPS_E_NOTADB,
				      "'%s' is not an llmops ledger (not an SQLite database)",
				      v.path);
	if (o->max_bytes > 0 && sb.st_size > o->max_bytes)
		return vet_fail(&v, "refused: %lld bytes, more than the %lld a snapshot may have",
				(long long)sb.st_size, (long long)o->max_bytes);
	/* 1,000 VM steps a call; a linear read of a file costs a few hundred a row */
	v.budget = 100000 + (uint64_t)sb.st_size / 4;
	char *uri = ledger_file_uri(path, "mode=ro");
	if (!uri)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	rc = sqlite3_open_v2(uri, &v.db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW, NULL);
	free(uri);
	if (rc == SQLITE_OK)
		rc = harden(v.db);
	if (rc != SQLITE_OK) {
		rc = vet_sqlite(&v, rc, "opening it");
		goto out;
	}
	sqlite3_extended_result_codes(v.db, 1);
	sqlite3_progress_handler(v.db, 1000, on_progress, &v);
	if ((rc = check_schema(&v, &ver)))
		goto out;
	{
		sqlite3_stmt *st = NULL;
		int s = sqlite3_prepare_v2(v.db, "PRAGMA integrity_check(1)", -1, &st, NULL);
		if (s == SQLITE_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(st, 0);
			if (!m || strcmp(m, "ok"))
				rc = vet_fail(&v, "refused: it is damaged (%s)", m ? m : "?");
			s = SQLITE_OK;
		}
		sqlite3_finalize(st);
		if (!rc && s != SQLITE_OK)
			rc = vet_sqlite(&v, s, "checking its pages");
		if (rc)
			goto out;
	}
	static const char *const tables[] = {"datasets", "runs",	"results",
					     "reviews",	 "run_aliases", "feedback"};
	static const int since[] = {1, 1, 1, 1, 2, 8}; /* the schema each came with */
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (ver >= since[i] && (rc = check_table(&v, tables[i])))
			goto out;
	if ((rc = check_references(&v, ver)))
		goto out;
	if (o->run_id && (rc = check_snapshot(&v, o, ver)))
		goto out;
	if (version)
		*version = ver;
out:
	sqlite3_close_v2(v.db);
	return rc;
}
