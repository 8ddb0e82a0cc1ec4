/*
 * ledger.c - opening, migrating, inspecting and copying the ledger.
 * Runs and results are in ledger_runs.c; datasets, cache and reviews in
 * ledger_store.c.
 */
#include "internal.h"

#include "buf.h"
#include "redact.h"
#include "since.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char sqlite_magic[16] = "SQLite format 3";

int ledger_fail(struct llmops_ledger *lg, int rc, const char *what, struct llmops_err *err)
{
	const char *msg = lg && lg->db ? sqlite3_errmsg(lg->db) : sqlite3_errstr(rc);
	const char *path = lg ? lg->path : "?";

	switch (rc & 0xff) {
	case SQLITE_NOMEM: return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	case SQLITE_NOTADB:
		return llmops_err_set(err, LLMOPS_E_NOTADB,
				      "ledger '%s' is not an SQLite database; move it aside or "
				      "choose another path with --ledger",
				      path);
	case SQLITE_CORRUPT:
		return llmops_err_set(err, LLMOPS_E_LEDGER,
				      "ledger '%s' is corrupt (%s); run 'llmops ledger check' "
				      "and restore it from a backup",
				      path, msg);
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return llmops_err_set(err, LLMOPS_E_IO, "%s: ledger '%s': %s", what, path, msg);
	default:
		return llmops_err_set(err, LLMOPS_E_LEDGER, "%s: ledger '%s': %s", what, path, msg);
	}
}

void ledger_harden(sqlite3 *db)
{
	/* the ledger has no view or trigger and calls no function from its schema, so
	   none of a file attached to it (a ledger to merge) runs either */
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
}

int ledger_prepare(struct llmops_ledger *lg, const char *sql, sqlite3_stmt **st,
		   struct llmops_err *err)
{
	int rc = sqlite3_prepare_v2(lg->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK)
		return ledger_fail(lg, rc, "cannot prepare a query", err);
	return LLMOPS_OK;
}

static int ledger_exec(struct llmops_ledger *lg, const char *sql, const char *what,
		       struct llmops_err *err)
{
	int rc = sqlite3_exec(lg->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? LLMOPS_OK : ledger_fail(lg, rc, what, err);
}

int ledger_begin(struct llmops_ledger *lg, struct llmops_err *err)
{
	/* IMMEDIATE takes the write lock now, waiting under the busy timeout */
	return ledger_exec(lg, "BEGIN IMMEDIATE", "cannot start a write transaction", err);
}

int ledger_commit(struct llmops_ledger *lg, struct llmops_err *err)
{
	int rc = ledger_exec(lg, "COMMIT", "cannot commit", err);

	if (rc)
		ledger_rollback(lg);
	return rc;
}

int ledger_write_one(struct llmops_ledger *lg, sqlite3_stmt *st, const char *what,
		     struct llmops_err *err)
{
	int rc;

	if ((rc = llmops_ledger_flush(lg, err)) || (rc = ledger_begin(lg, err)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return LLMOPS_OK;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s: a row it refers to does not exist",
				    what);
	else
		rc = ledger_fail(lg, rc, what, err);
	ledger_rollback(lg);
	return rc;
}

void ledger_rollback(struct llmops_ledger *lg)
{
	if (!sqlite3_get_autocommit(lg->db))
		sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
}

void ledger_timestamp(char out[32], uint64_t ms)
{
	llmops_time_iso(out, ms);
}

int ledger_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	/* a key's value is never stored, whatever text brought it (a request, an answer, a
	   dataset, a log): the one place every text of a row is bound */
	char *safe = s ? llmops_redact_held_dup(s) : NULL;
	if (safe) {
		int rc = sqlite3_bind_text(st, idx, safe, -1, SQLITE_TRANSIENT);
		free(safe);
		return rc;
	}
	return s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, idx);
}

char *ledger_column_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static int64_t pragma_int(struct llmops_ledger *lg, const char *sql, int *rc_out)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc = sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	*rc_out = rc;
	return v;
}

/*
 * Refuse, before SQLite touches it, a non-empty file that does not start
 * with SQLite's header: SQLite would report "not a database" anyway, but
 * only after we had asked it to change journal modes.
 */
static int check_header(const char *path, struct llmops_err *err)
{
	char head[16];
	struct stat st;
	ssize_t got;
	int fd;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return LLMOPS_OK;
		return llmops_err_set(err, LLMOPS_E_IO, "cannot read ledger '%s': %s", path,
				      strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return llmops_err_set(err, LLMOPS_E_IO,
				      "ledger path '%s' is a directory; give a file path", path);
	if (st.st_size == 0)
		return LLMOPS_OK;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return llmops_err_set(err, LLMOPS_E_IO, "cannot read ledger '%s': %s", path,
				      strerror(errno));
	got = read(fd, head, sizeof(head));
	close(fd);
	if (got != (ssize_t)sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)))
		return llmops_err_set(
			err, LLMOPS_E_NOTADB,
			"ledger '%s' is not an SQLite database; it was left "
			"untouched: move it aside or choose another path with --ledger",
			path);
	return LLMOPS_OK;
}

/* The directory path is in, into dir ("." for a bare name, "/" for the root's files). */
static void parent_dir(const char *path, struct llmops_buf *dir)
{
	const char *slash = strrchr(path, '/');
	if (slash == path)
		llmops_buf_adds(dir, "/");
	else if (slash)
		llmops_buf_add(dir, path, (size_t)(slash - path));
	else
		llmops_buf_adds(dir, ".");
}

static int make_parent_dir(const char *path, struct llmops_err *err)
{
	struct llmops_buf dir = LLMOPS_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int rc = LLMOPS_OK;

	if (!slash || slash == path)
		return LLMOPS_OK;
	parent_dir(path, &dir);
	if (dir.oom)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	else if (mkdir(dir.data, 0700) < 0 && errno != EEXIST) /* outputs are private */
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot create directory '%s': %s", dir.data,
				    strerror(errno));
	llmops_buf_release(&dir);
	return rc;
}

/*
 * The file's identity, read in one statement so that it is one snapshot:
 * another process may be migrating the file at this very moment.
 */
struct identity {
	int version;	 /* PRAGMA user_version */
	int64_t app_id;	 /* PRAGMA application_id */
	int64_t objects; /* rows in sqlite_schema: a foreign database has some */
};

static int read_identity(struct llmops_ledger *lg, struct identity *id)
{
	static const char sql[] = "SELECT (SELECT user_version FROM pragma_user_version),"
				  " (SELECT application_id FROM pragma_application_id),"
				  " (SELECT count(*) FROM sqlite_schema)";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id->version = sqlite3_column_int(st, 0);
		id->app_id = sqlite3_column_int64(st, 1);
		id->objects = sqlite3_column_int64(st, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int refuse_foreign(struct llmops_ledger *lg, const struct identity *id,
			  struct llmops_err *err)
{
	if (id->version > LLMOPS_LEDGER_SCHEMA_VERSION)
		return llmops_err_set(err, LLMOPS_E_SCHEMA,
				      "ledger '%s' has schema version %d, newer than the %d this "
				      "llmops knows; upgrade llmops (the ledger was not changed)",
				      lg->path, id->version, LLMOPS_LEDGER_SCHEMA_VERSION);
	if (id->app_id == LLMOPS_LEDGER_APPLICATION_ID || (id->app_id == 0 && id->objects == 0))
		return LLMOPS_OK;
	return llmops_err_set(err, LLMOPS_E_NOTADB,
			      "'%s' is an SQLite database but not an llmops ledger; it was left "
			      "untouched: choose another path with --ledger",
			      lg->path);
}

static int migrate(struct llmops_ledger *lg, struct llmops_err *err)
{
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	struct identity id;
	int rc;

	if ((rc = ledger_begin(lg, err)))
		return rc;
	/* re-read under the write lock: another process may have migrated */
	if ((rc = read_identity(lg, &id)) != SQLITE_OK) {
		rc = ledger_fail(lg, rc, "cannot read the schema version", err);
		goto fail;
	}
	if ((rc = refuse_foreign(lg, &id, err)))
		goto fail;
	for (int v = id.version; v < LLMOPS_LEDGER_SCHEMA_VERSION; v++) {
		llmops_buf_reset(&sql);
		llmops_buf_adds(&sql, ledger_migration(v));
		llmops_buf_addf(&sql, ";\nPRAGMA user_version = %d;\nPRAGMA application_id = %d;",
				v + 1, LLMOPS_LEDGER_APPLICATION_ID);
		if (sql.oom) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			goto fail;
		}
		if ((rc = ledger_exec(lg, sql.data, "cannot migrate the schema", err)))
			goto fail;
	}
	llmops_buf_release(&sql);
	return ledger_commit(lg, err);
fail:
	llmops_buf_release(&sql);
	ledger_rollback(lg);
	return rc;
}

/*
 * Read the schema version, refuse what we must not touch, and switch to WAL.
 * Returns LLMOPS_OK, an llmops error, or (with *busy set) a lock conflict to
 * retry: SQLite returns SQLITE_BUSY at once, without calling the busy
 * handler, when two connections would deadlock (both creating the file and
 * switching it to WAL), so the busy timeout alone is not enough here.
 */
static int configure(struct llmops_ledger *lg, int *version, int *busy, struct llmops_err *err)
{
	struct identity id;
	int rc;

	*busy = 0;
	rc = read_identity(lg, &id);
	if (rc == SQLITE_OK) {
		/* refuse a newer or foreign database before changing anything in it */
		if ((rc = refuse_foreign(lg, &id, err)))
			return rc;
		*version = id.version;
		rc = sqlite3_exec(lg->db,
				  /* a new ledger takes 8 KiB pages (an existing one keeps its
				     own): half the WAL frames of 4 KiB for a bulk run (each
				     frame is two writes); larger pages cost a live run more, as
				     it commits each result on its own */
				  "PRAGMA page_size = 8192;"
				  "PRAGMA journal_mode = WAL;"
				  "PRAGMA synchronous = NORMAL;"
				  "PRAGMA foreign_keys = ON;"
				  /* 8 MiB of pages (2 by default): a run appending a million
				     results re-reads a third less of its own tables */
				  "PRAGMA cache_size = -8192;",
				  NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		return LLMOPS_OK;
	*busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
	return ledger_fail(lg, rc, "cannot open", err);
}

/* Sleep before retry number `attempt`: 1, 2, 4 ... 64 ms, with jitter. */
static void backoff(int attempt)
{
	unsigned ms = 1u << (attempt < 6 ? attempt : 6);
	struct timespec ts;

	ms += (unsigned)rand() % (ms + 1);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

char *ledger_file_uri(const char *path, const char *query)
{
	struct llmops_buf u = LLMOPS_BUF_INIT;
	llmops_buf_adds(&u, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~", *p))
			llmops_buf_add(&u, (const char *)p, 1);
		else
			llmops_buf_addf(&u, "%%%02X", *p);
	}
	llmops_buf_addf(&u, "?%s", query);
	return u.oom ? (llmops_buf_release(&u), NULL) : llmops_buf_detach(&u, NULL);
}

static int64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Bytes in path's -wal file (0 when there is none; -1 when out of memory). */
static int64_t wal_bytes(const char *path)
{
	struct llmops_buf w = LLMOPS_BUF_INIT;
	int64_t n = -1;
	llmops_buf_addf(&w, "%s-wal", path);
	if (!w.oom)
		n = file_size(w.data);
	llmops_buf_release(&w);
	return n;
}

/* 1 when the ledger exists and it or its directory cannot be written. */
static int not_writable(const char *path)
{
	struct llmops_buf dir = LLMOPS_BUF_INIT;
	int ro;
	if (access(path, F_OK) != 0)
		return 0;
	if (access(path, W_OK) != 0)
		return 1;
	parent_dir(path, &dir);
	ro = !dir.oom && access(dir.data, W_OK) != 0;
	llmops_buf_release(&dir);
	return ro;
}

/* Open read-only: mode=ro, else immutable when nothing is waiting in a WAL. */
static int open_readonly(struct llmops_ledger *lg, struct llmops_err *err)
{
	struct identity id;
	int rc;
	for (int mode = 1; mode <= 2; mode++) {
		char *uri = ledger_file_uri(lg->path, mode == 1 ? "mode=ro" : "immutable=1");
		if (!uri)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		rc = sqlite3_open_v2(uri, &lg->db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW,
				     NULL);
		free(uri);
		if (rc == SQLITE_OK) {
			sqlite3_extended_result_codes(lg->db, 1);
			sqlite3_busy_timeout(lg->db, LLMOPS_LEDGER_BUSY_TIMEOUT_MS);
			ledger_harden(lg->db);
			rc = read_identity(lg, &id);
		}
		if (rc == SQLITE_OK) {
			lg->readonly = mode;
			if ((rc = refuse_foreign(lg, &id, err)))
				return rc;
			if (id.version < LLMOPS_LEDGER_SCHEMA_VERSION)
				return llmops_err_set(
					err, LLMOPS_E_IO,
					"ledger '%s' has schema version %d and needs migrating to "
					"%d, which needs write access to it and its directory; it "
					"is read-only here: run llmops where it can be written, or "
					"copy it",
					lg->path, id.version, LLMOPS_LEDGER_SCHEMA_VERSION);
			sqlite3_exec(lg->db, "PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
			return LLMOPS_OK;
		}
		sqlite3_close_v2(lg->db);
		lg->db = NULL;
		/* immutable ignores the WAL: exact only when there is none to read */
		if (mode == 1 && wal_bytes(lg->path) != 0)
			return llmops_err_set(
				err, LLMOPS_E_IO,
				"ledger '%s' is read-only here and has writes not yet "
				"checkpointed in its -wal file, which cannot be read "
				"without write access to its directory: run llmops "
				"where it can be written (any command checkpoints it)",
				lg->path);
	}
	return llmops_err_set(err, LLMOPS_E_IO, "cannot open ledger '%s' read-only: %s", lg->path,
			      sqlite3_errstr(rc));
}

int llmops_ledger_open(struct llmops_ledger **out, const char *path, unsigned flags,
		       struct llmops_err *err)
{
	struct llmops_ledger *lg;
	uint64_t deadline;
	int rc, version = 0, busy, attempt = 0;

	*out = NULL;
	if (!path || !*path)
		return llmops_err_set(err, LLMOPS_E_USAGE, "empty ledger path");
	if (flags & LLMOPS_LEDGER_EXISTING) {
		struct stat st;
		if (stat(path, &st) && errno == ENOENT)
			return llmops_err_set(err, LLMOPS_E_IO,
					      "no ledger at '%s' (nothing was recorded there: eval "
					      "makes one, and so does 'llmops ledger create')",
					      path);
	}
	if ((flags & LLMOPS_LEDGER_MKDIR) && (rc = make_parent_dir(path, err)))
		return rc;
	if ((rc = check_header(path, err)))
		return rc;
	lg = calloc(1, sizeof(*lg));
	if (!lg || !(lg->path = strdup(path))) {
		free(lg);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	if ((flags & LLMOPS_LEDGER_READER) && not_writable(path)) {
		if ((rc = open_readonly(lg, err)))
			goto fail;
		*out = lg;
		return LLMOPS_OK;
	}
	/* a new ledger is private: created 0600 here (SQLite would follow the
	   umask), and SQLite gives its -wal and -shm the same mode */
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			close(fd);
	}
	rc = sqlite3_open_v2(path, &lg->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = ledger_fail(lg, rc, "cannot open", err);
		goto fail;
	}
	sqlite3_extended_result_codes(lg->db, 1);
	sqlite3_busy_timeout(lg->db, LLMOPS_LEDGER_BUSY_TIMEOUT_MS);
	ledger_harden(lg->db);

	deadline = llmops_now_ms() + LLMOPS_LEDGER_BUSY_TIMEOUT_MS;
	while ((rc = configure(lg, &version, &busy, err)) && busy && llmops_now_ms() < deadline)
		backoff(attempt++);
	if (rc)
		goto fail;
	if (version < LLMOPS_LEDGER_SCHEMA_VERSION && (rc = migrate(lg, err)))
		goto fail;
	*out = lg;
	return LLMOPS_OK;
fail:
	llmops_ledger_free(lg);
	return rc;
}

void llmops_ledger_free(struct llmops_ledger *lg)
{
	if (!lg)
		return;
	if (lg->db) {
		llmops_ledger_flush(lg, NULL);
		ledger_ckpt_stop(lg);
		sqlite3_finalize(lg->append_stmt);
		sqlite3_finalize(lg->prod_stmt);
		sqlite3_finalize(lg->fb_stmt[0]);
		sqlite3_finalize(lg->fb_stmt[1]);
		sqlite3_close_v2(lg->db);
	}
	free(lg->path);
	free(lg);
}

const char *llmops_ledger_path(const struct llmops_ledger *lg)
{
	return lg->path;
}

const char *llmops_ledger_readonly(const struct llmops_ledger *lg)
{
	return lg->readonly == 2 ? "read-only, immutable" : lg->readonly ? "read-only" : NULL;
}

int llmops_ledger_info(struct llmops_ledger *lg, struct llmops_ledger_info *out,
		       struct llmops_err *err)
{
	struct llmops_buf sql = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->known_version = LLMOPS_LEDGER_SCHEMA_VERSION;
	out->schema_version = (int)pragma_int(lg, "PRAGMA user_version", &rc);
	if (rc == SQLITE_OK)
		out->page_size = pragma_int(lg, "PRAGMA page_size", &rc);
	if (rc == SQLITE_OK)
		out->page_count = pragma_int(lg, "PRAGMA page_count", &rc);
	if (rc == SQLITE_OK)
		out->freelist_count = pragma_int(lg, "PRAGMA freelist_count", &rc);
	if (rc != SQLITE_OK)
		return ledger_fail(lg, rc, "cannot read", err);
	if ((rc = ledger_prepare(lg, "PRAGMA journal_mode", &st, err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out->journal_mode, sizeof(out->journal_mode), "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	out->file_bytes = file_size(lg->path);
	out->wal_bytes = wal_bytes(lg->path);
	if (out->wal_bytes < 0)
		out->wal_bytes = 0;

	for (size_t i = 0; i < LLMOPS_LEDGER_MAX_TABLES && ledger_tables[i]; i++) {
		llmops_buf_reset(&sql);
		llmops_buf_addf(&sql, "SELECT count(*) FROM %s", ledger_tables[i]);
		if (sql.oom) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		out->tables[i].name = ledger_tables[i];
		out->tables[i].rows = pragma_int(lg, sql.data, &rc);
		if (rc != SQLITE_OK) {
			rc = ledger_fail(lg, rc, "cannot count rows", err);
			break;
		}
		out->ntables = i + 1;
	}
	llmops_buf_release(&sql);
	return rc;
}

static int collect_rows(struct llmops_ledger *lg, const char *sql, int skip_ok,
			struct llmops_strlist *problems, struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		int ncol = sqlite3_column_count(st);

		if (skip_ok && a && !strcmp(a, "ok"))
			continue;
		if (ncol == 1) {
			rc = llmops_strlist_append(problems, a ? a : "");
		} else {
			/* foreign_key_check: table, rowid, parent, fkid */
			rc = llmops_strlist_appendf(
				problems, "%s row %lld refers to a missing row of %s", a ? a : "?",
				(long long)sqlite3_column_int64(st, 1),
				(const char *)sqlite3_column_text(st, 2));
		}
		if (rc) {
			sqlite3_finalize(st);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_fail(lg, rc, "cannot check", err);
	return LLMOPS_OK;
}

int llmops_ledger_check(struct llmops_ledger *lg, struct llmops_strlist *problems,
			struct llmops_err *err)
{
	int rc = collect_rows(lg, "PRAGMA integrity_check", 1, problems, err);

	if (!rc)
		rc = collect_rows(lg, "PRAGMA foreign_key_check", 0, problems, err);
	return rc;
}

int llmops_ledger_backup(struct llmops_ledger *lg, const char *dest, struct llmops_err *err)
{
	struct llmops_buf tmp = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc;

	if (lstat(dest, &sb) == 0)
		return llmops_err_set(err, LLMOPS_E_EXISTS,
				      "'%s' already exists; backup never overwrites a file: "
				      "remove it or choose another name",
				      dest);
	/* write beside dest, then link into place: dest appears whole or not at all */
	llmops_buf_addf(&tmp, "%s.tmp-%ld", dest, (long)getpid());
	if (tmp.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	unlink(tmp.data);
	if ((rc = ledger_prepare(lg, "VACUUM INTO ?1", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, tmp.data, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write backup '%s': %s", dest,
				    sqlite3_errmsg(lg->db));
		goto out;
	}
	chmod(tmp.data, 0600); /* a copy of the ledger is as private as the ledger */
	if (link(tmp.data, dest) < 0)
		rc = llmops_err_set(err, errno == EEXIST ? LLMOPS_E_EXISTS : LLMOPS_E_IO,
				    "cannot create backup '%s': %s", dest, strerror(errno));
	else
		rc = LLMOPS_OK;
out:
	unlink(tmp.data);
	llmops_buf_release(&tmp);
	return rc;
}

/* ------------------------------------------------------------- batches */

void ledger_bind_double(sqlite3_stmt *st, int idx, double v)
{
	if (!isnan(v))
		sqlite3_bind_double(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

void llmops_ledger_set_batch(struct llmops_ledger *lg, unsigned n)
{
	lg->batch = n;
	if (n > 1)
		ledger_ckpt_start(lg);
	else
		ledger_ckpt_stop(lg);
}

unsigned llmops_ledger_pending(const struct llmops_ledger *lg)
{
	return lg->pending;
}

int llmops_ledger_flush(struct llmops_ledger *lg, struct llmops_err *err)
{
	int rc;
	if (!lg->pending)
		return LLMOPS_OK;
	lg->pending = 0;
	if (lg->settle && (rc = lg->settle(lg, err))) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg, err);
}
