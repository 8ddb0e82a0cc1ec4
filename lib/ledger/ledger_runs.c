/*
 * ledger_runs.c - runs and their case results.
 */
#include "internal.h"

#include "mem.h"
#include "redact.h"

#include "buf.h"
#include "hash.h"
#include "suggest.h"
#include "version.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	[LLMOPS_RUN_RUNNING] = "running",	  [LLMOPS_RUN_PASSED] = "passed",
	[LLMOPS_RUN_FAILED] = "failed",		  [LLMOPS_RUN_ERROR] = "error",
	[LLMOPS_RUN_INTERRUPTED] = "interrupted",
};
#define NSTATUS ((int)(sizeof(status_names) / sizeof(status_names[0])))

const char *llmops_run_status_name(int status)
{
	return status >= 0 && status < NSTATUS ? status_names[status] : NULL;
}

int llmops_run_status_parse(const char *s)
{
	for (int i = 0; s && i < NSTATUS; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

void llmops_result_init(struct llmops_result *r)
{
	memset(r, 0, sizeof(*r));
	r->judge_cost_usd = NAN;
	r->score = NAN;
	r->passed = -1;
	r->latency_ms = NAN;
	r->ttft_ms = NAN;
	r->tokens_in = -1;
	r->tokens_out = -1;
	r->cost_usd = NAN;
}

int llmops_ledger_run_begin(struct llmops_ledger *lg, const struct llmops_run_spec *spec,
			    char id_out[LLMOPS_RUNID_LEN + 1], struct llmops_err *err)
{
	static const char sql[] =
		"INSERT INTO runs (id, kind, started_at, git_commit, git_dirty, prompt_name,"
		" prompt_version, prompt_blob, dataset_id, provider, model, params, command,"
		" llmops_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
		"?14)";
	uint64_t now = llmops_now_ms();
	sqlite3_stmt *st = NULL;
	char ts[32];
	int rc;

	if (!spec || !spec->kind || !*spec->kind)
		return llmops_err_set(err, LLMOPS_E_USAGE, "a run needs a kind");
	if ((rc = llmops_runid_new(id_out, now)))
		return llmops_err_set(err, rc, "cannot make a run id: no randomness available");
	ledger_timestamp(ts, now);
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, spec->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ts, -1, SQLITE_STATIC);
	ledger_bind_text(st, 4, spec->git_commit);
	if (spec->git_dirty == 0 || spec->git_dirty == 1)
		sqlite3_bind_int(st, 5, spec->git_dirty);
	ledger_bind_text(st, 6, spec->prompt_name);
	ledger_bind_text(st, 7, spec->prompt_version);
	ledger_bind_text(st, 8, spec->prompt_blob);
	if (spec->dataset_id > 0)
		sqlite3_bind_int64(st, 9, spec->dataset_id);
	ledger_bind_text(st, 10, spec->provider);
	ledger_bind_text(st, 11, spec->model);
	/* a base URL's credentials or a key on the command line are never stored */
	char *params = spec->params_json ? strdup(spec->params_json) : NULL;
	char *command = spec->command ? strdup(spec->command) : NULL;
	if ((spec->params_json && !params) || (spec->command && !command)) {
		free(params);
		free(command);
		sqlite3_finalize(st);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	llmops_redact(params);
	llmops_redact(command);
	ledger_bind_text(st, 12, params);
	ledger_bind_text(st, 13, command);
	sqlite3_bind_text(st, 14, llmops_version(), -1, SQLITE_STATIC);
	if (!(rc = ledger_write_one(lg, st, "cannot record the run", err)))
		rc = ledger_commit(lg, err);
	sqlite3_finalize(st);
	free(params);
	free(command);
	return rc;
}

static void bind_count(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

/* The columns of a result, as bound by bind_result (?1 .. ?29). */
#define RESULT_COLUMNS                                                                             \
	"run_id, case_id, variant, repeat_index, input, output, expected, scores, score, passed,"  \
	" latency_ms, ttft_ms, tokens_in, tokens_out, cost_usd, attempts, error, cache_hit,"       \
	" created_at, position, metric, threshold, provider, model, skipped, judge, "              \
	"judge_cost_usd, steps, tiers"
#define RESULT_VALUES                                                                              \
	"?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"    \
	" ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29"

static void bind_result(sqlite3_stmt *st, const char *run_id, const struct llmops_result *r,
			const char *ts)
{
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->case_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->variant ? r->variant : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->repeat_index);
	ledger_bind_text(st, 5, r->input);
	ledger_bind_text(st, 6, r->output);
	ledger_bind_text(st, 7, r->expected);
	ledger_bind_text(st, 8, r->scores_json);
	ledger_bind_double(st, 9, r->score);
	if (r->passed == 0 || r->passed == 1)
		sqlite3_bind_int(st, 10, r->passed);
	else
		sqlite3_bind_null(st, 10);
	ledger_bind_double(st, 11, r->latency_ms);
	ledger_bind_double(st, 12, r->ttft_ms);
	bind_count(st, 13, r->tokens_in);
	bind_count(st, 14, r->tokens_out);
	ledger_bind_double(st, 15, r->cost_usd);
	sqlite3_bind_int(st, 16, r->attempts);
	ledger_bind_text(st, 17, r->error);
	sqlite3_bind_int(st, 18, r->cache_hit ? 1 : 0);
	sqlite3_bind_text(st, 19, ts, -1, SQLITE_STATIC);
	bind_count(st, 20, r->position);
	ledger_bind_text(st, 21, r->metric);
	ledger_bind_double(st, 22, r->threshold);
	ledger_bind_text(st, 23, r->provider);
	ledger_bind_text(st, 24, r->model);
	sqlite3_bind_int(st, 25, r->passed == LLMOPS_SKIPPED);
	ledger_bind_text(st, 26, r->judge);
	ledger_bind_double(st, 27, r->judge_cost_usd);
	ledger_bind_text(st, 28, r->steps);
	ledger_bind_text(st, 29, r->tiers);
}

/* The same time as text for every result of one millisecond (formatting costs more). */
static const char *result_time(struct llmops_ledger *lg)
{
	uint64_t now = llmops_now_ms();
	if (now != lg->ts_ms || !lg->ts[0]) {
		ledger_timestamp(lg->ts, now);
		lg->ts_ms = now;
	}
	return lg->ts;
}

int llmops_ledger_result_append(struct llmops_ledger *lg, const char *run_id,
				const struct llmops_result *r, int64_t *id_out,
				struct llmops_err *err)
{
	/* a plain insert for a new result; a result recorded again (a resumed run asks
	   an errored case anew) replaces the old one in place, keeping its id */
	static const char insert[] =
		"INSERT INTO results (" RESULT_COLUMNS ") VALUES (" RESULT_VALUES ")";
	static const char upsert[] =
		"INSERT INTO results (" RESULT_COLUMNS ") VALUES (" RESULT_VALUES ")"
		" ON CONFLICT (run_id, variant, case_id, repeat_index) DO UPDATE SET"
		" input = excluded.input, output = excluded.output, expected = excluded.expected,"
		" scores = excluded.scores, score = excluded.score, passed = excluded.passed,"
		" latency_ms = excluded.latency_ms, ttft_ms = excluded.ttft_ms,"
		" tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out,"
		" cost_usd = excluded.cost_usd, attempts = excluded.attempts,"
		" error = excluded.error, cache_hit = excluded.cache_hit,"
		" created_at = excluded.created_at, position = excluded.position,"
		" metric = excluded.metric, threshold = excluded.threshold,"
		" provider = excluded.provider, model = excluded.model, skipped = excluded.skipped,"
		" judge = excluded.judge, judge_cost_usd = excluded.judge_cost_usd,"
		" steps = excluded.steps, tiers = excluded.tiers RETURNING id";
	sqlite3_stmt *st, *up = NULL;
	const char *ts;
	int rc;

	if (!r->case_id)
		return llmops_err_set(err, LLMOPS_E_USAGE, "a result needs a case id");
	if (!isnan(r->score) && (r->score < 0 || r->score > 1))
		return llmops_err_set(err, LLMOPS_E_USAGE, "case '%s': score %g is outside [0,1]",
				      r->case_id, r->score);
	if (!lg->append_stmt && (rc = ledger_prepare(lg, insert, &lg->append_stmt, err)))
		return rc;
	st = lg->append_stmt;
	ts = result_time(lg);
	bind_result(st, run_id, r, ts);

	if (!lg->pending) {
		ledger_ckpt_settle(lg);
		if ((rc = ledger_begin(lg, err)))
			goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		if ((rc = ledger_prepare(lg, upsert, &up, err)))
			goto out;
		bind_result(up, run_id, r, ts);
		rc = sqlite3_step(up);
		if (rc == SQLITE_ROW && id_out)
			*id_out = sqlite3_column_int64(up, 0);
		rc = rc == SQLITE_ROW ? SQLITE_DONE : rc;
	} else if (rc == SQLITE_DONE && id_out) {
		*id_out = sqlite3_last_insert_rowid(lg->db);
	}
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
					    "cannot record case '%s': no run '%s' in ledger '%s'",
					    r->case_id, run_id, lg->path);
		else
			rc = ledger_fail(lg, rc, "cannot record a result", err);
		/* a failed statement inside a batch keeps the batch; alone, roll back */
		if (!lg->pending)
			ledger_rollback(lg);
		goto out;
	}
	sqlite3_reset(st); /* finish the statement before a commit */
	sqlite3_finalize(up);
	up = NULL;
	if (++lg->pending >= lg->batch)
		rc = llmops_ledger_flush(lg, err);
	else
		rc = LLMOPS_OK;
out:
	sqlite3_finalize(up);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Step st, an UPDATE of run run_id, by ledger_write_one (its transaction left open);
   NOTFOUND, rolled back, when no such run; st reset. */
static int update_run(struct llmops_ledger *lg, sqlite3_stmt *st, const char *run_id,
		      const char *what, struct llmops_err *err)
{
	int rc = ledger_write_one(lg, st, what, err);
	if (rc)
		return rc;
	if (sqlite3_changes(lg->db) != 1) {
		ledger_rollback(lg);
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "no run '%s' in ledger '%s'", run_id,
				      lg->path);
	}
	sqlite3_reset(st);
	return LLMOPS_OK;
}

int llmops_ledger_run_finish_with(struct llmops_ledger *lg, const char *run_id, int status,
				  const struct llmops_run_counts *fig, struct llmops_err *err)
{
	static const char sql[] =
		"UPDATE runs SET status = ?2, finished_at = ?3,"
		" duration_ms = round((julianday(?3) - julianday(started_at)) * 86400000.0, 3)"
		" WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	const char *name = llmops_run_status_name(status);
	char ts[32];
	int rc;

	if (!name)
		return llmops_err_set(err, LLMOPS_E_USAGE, "invalid run status %d", status);
	ledger_timestamp(ts, llmops_now_ms());
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ts, -1, SQLITE_STATIC);
	if ((rc = update_run(lg, st, run_id, "cannot finish the run", err)))
		goto out;
	if (fig ? (rc = ledger_figures_store(lg, run_id, fig, err))
		: ((rc = ledger_totals_store(lg, run_id, err)) ||
		   (rc = ledger_summary_store(lg, run_id, err)))) {
		ledger_rollback(lg);
		goto out;
	}
	rc = ledger_commit(lg, err);
out:
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_run_finish(struct llmops_ledger *lg, const char *run_id, int status,
			     struct llmops_err *err)
{
	return llmops_ledger_run_finish_with(lg, run_id, status, NULL, err);
}

int llmops_ledger_run_outcome(struct llmops_ledger *lg, const char *run_id, const char *json,
			      struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = ledger_prepare(lg, "UPDATE runs SET outcome = ?2 WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	if (!(rc = update_run(lg, st, run_id, "cannot keep the run's outcome", err)))
		rc = ledger_commit(lg, err);
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------- reading */

#define RUN_COLUMNS                                                                                \
	"id, kind, started_at, finished_at, status, git_commit, git_dirty, prompt_name,"           \
	" prompt_version, prompt_blob, dataset_id, provider, model, params, command,"              \
	" llmops_version, cases, passed, failed, errored, tokens_in, tokens_out, cost_usd,"        \
	" duration_ms, requests, cache_hits, score_mean, latency_p50, latency_p95,"                \
	" (SELECT path FROM datasets d WHERE d.id = runs.dataset_id),"                             \
	" (SELECT sha256 FROM datasets d WHERE d.id = runs.dataset_id), skipped, judge_cost_usd,"  \
	" outcome"

void llmops_run_free(struct llmops_run *run)
{
	if (!run)
		return;
	LLMOPS_FREE_ALL(run->kind, run->started_at, run->finished_at, run->git_commit,
			run->prompt_name, run->prompt_version, run->prompt_blob, run->provider,
			run->model, run->params_json, run->outcome_json, run->command,
			run->llmops_version, run->dataset_path, run->dataset_sha256, run);
}

void llmops_runs_free(struct llmops_run **runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		llmops_run_free(runs[i]);
	free(runs);
}

static double column_double_or_nan(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static struct llmops_run *run_from_row(sqlite3_stmt *st)
{
	struct llmops_run *r = calloc(1, sizeof(*r));
	const unsigned char *id;

	if (!r)
		return NULL;
	id = sqlite3_column_text(st, 0);
	snprintf(r->id, sizeof(r->id), "%s", id ? (const char *)id : "");
	r->kind = ledger_column_strdup(st, 1);
	r->started_at = ledger_column_strdup(st, 2);
	r->finished_at = ledger_column_strdup(st, 3);
	r->status = llmops_run_status_parse((const char *)sqlite3_column_text(st, 4));
	r->git_commit = ledger_column_strdup(st, 5);
	r->git_dirty = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
	r->prompt_name = ledger_column_strdup(st, 7);
	r->prompt_version = ledger_column_strdup(st, 8);
	r->prompt_blob = ledger_column_strdup(st, 9);
	r->dataset_id = sqlite3_column_int64(st, 10);
	r->provider = ledger_column_strdup(st, 11);
	r->model = ledger_column_strdup(st, 12);
	r->params_json = ledger_column_strdup(st, 13);
	r->command = ledger_column_strdup(st, 14);
	r->llmops_version = ledger_column_strdup(st, 15);
	r->cases = sqlite3_column_int64(st, 16);
	r->passed = sqlite3_column_int64(st, 17);
	r->failed = sqlite3_column_int64(st, 18);
	r->errored = sqlite3_column_int64(st, 19);
	r->tokens_in = sqlite3_column_int64(st, 20);
	r->tokens_out = sqlite3_column_int64(st, 21);
	r->cost_usd = sqlite3_column_double(st, 22);
	r->duration_ms = column_double_or_nan(st, 23);
	r->summarized = sqlite3_column_type(st, 24) != SQLITE_NULL;
	r->requests = sqlite3_column_int64(st, 24);
	r->cache_hits = sqlite3_column_int64(st, 25);
	r->score_mean = column_double_or_nan(st, 26);
	r->latency_p50 = column_double_or_nan(st, 27);
	r->latency_p95 = column_double_or_nan(st, 28);
	r->dataset_path = ledger_column_strdup(st, 29);
	r->dataset_sha256 = ledger_column_strdup(st, 30);
	r->skipped = sqlite3_column_int64(st, 31);
	r->judge_cost_usd = sqlite3_column_double(st, 32);
	r->outcome_json = ledger_column_strdup(st, 33);
	if (!r->kind || !r->started_at || !r->llmops_version) {
		llmops_run_free(r);
		return NULL;
	}
	return r;
}

/* A run without stored figures (running, or finished by schema 1) gets them computed. */
static int fill_figures(struct llmops_ledger *lg, struct llmops_run *r, struct llmops_err *err)
{
	double *lat = NULL;
	size_t n = 0;
	int rc;

	if (r->summarized)
		return LLMOPS_OK;
	rc = ledger_summary_compute(lg, r, &lat, &n, err);
	free(lat);
	return rc;
}

/*
 * "no such run", with the ids nearest to ref (compared over its length)
 * or, for an empty ledger, how to make a run.  len 0: ref is last~N.
 */
static int not_found(struct llmops_ledger *lg, const char *ref, size_t len, struct llmops_err *err)
{
	struct llmops_strlist ids = LLMOPS_STRLIST_INIT, near = LLMOPS_STRLIST_INIT;
	struct llmops_buf msg = LLMOPS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char up[LLMOPS_RUNID_LEN + 1];
	int rc;

	if ((rc = ledger_prepare(lg, "SELECT id FROM runs ORDER BY id DESC", &st, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		char cut[LLMOPS_RUNID_LEN + 1];
		snprintf(cut, sizeof(cut), "%.*s", (int)(len ? len : LLMOPS_RUNID_LEN),
			 id ? id : "");
		llmops_strlist_append(&ids, cut);
	}
	sqlite3_finalize(st);
	if (!ids.nr) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "the ledger '%s' has no runs yet; 'llmops eval' records one",
				    lg->path);
		goto out;
	}
	if (!len) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "'%s' goes back further than the ledger '%s': it has %zu run%s",
				    ref, lg->path, ids.nr, ids.nr == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i <= len; i++)
		up[i] = (char)toupper((unsigned char)ref[i]);
	llmops_suggest(&near, up, (const char *const *)ids.items, ids.nr);
	for (size_t i = 0; i < near.nr && i < 3; i++)
		llmops_buf_addf(&msg, "%s%s", i ? ", " : "; did you mean ", near.items[i]);
	rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
			    "the ledger '%s' has no run '%s'%s ('llmops runs' lists them)",
			    lg->path, ref, msg.data ? msg.data : "");
out:
	llmops_strlist_release(&ids);
	llmops_strlist_release(&near);
	llmops_buf_release(&msg);
	return rc;
}

/* The run a folded shard's id now names (`ledger merge`); 0 when id is no alias. */
static int alias_of(struct llmops_ledger *lg, const char *id, char out[LLMOPS_RUNID_LEN + 1])
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(lg->db, "SELECT run_id FROM run_aliases WHERE alias = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(out, LLMOPS_RUNID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* Parse "last" or "last~N" into N; -1 when ref is neither. */
static long parse_last(const char *ref)
{
	char *end;
	long n;

	if (strncmp(ref, "last", 4))
		return -1;
	if (!ref[4])
		return 0;
	if (ref[4] != '~' || !isdigit((unsigned char)ref[5]))
		return -1;
	n = strtol(ref + 5, &end, 10);
	return *end || n < 0 ? -1 : n;
}

int llmops_ledger_run_get(struct llmops_ledger *lg, const char *ref, struct llmops_run **out,
			  struct llmops_err *err)
{
	sqlite3_stmt *st = NULL;
	char prefix[LLMOPS_RUNID_LEN + 1];
	size_t len = strlen(ref);
	long back = parse_last(ref);
	int rc;

	*out = NULL;
	if (back >= 0) {
		if ((rc = ledger_prepare(lg,
					 "SELECT " RUN_COLUMNS " FROM runs ORDER BY id DESC"
					 " LIMIT 1 OFFSET ?1",
					 &st, err)))
			return rc;
		sqlite3_bind_int64(st, 1, back);
	} else {
		for (size_t i = 0; i <= len && len <= LLMOPS_RUNID_LEN; i++)
			prefix[i] = (char)toupper((unsigned char)ref[i]);
		if (len < 4 || len > LLMOPS_RUNID_LEN ||
		    strspn(prefix, LLMOPS_RUNID_ALPHABET) != len)
			return llmops_err_set(err, LLMOPS_E_USAGE,
					      "'%s' is not a run reference; give a run id (or its "
					      "first 4 or more characters), 'last' or 'last~N'",
					      ref);
		if ((rc = ledger_prepare(lg,
					 "SELECT " RUN_COLUMNS " FROM runs"
					 " WHERE substr(id, 1, ?2) = ?1 ORDER BY id LIMIT 2",
					 &st, err)))
			return rc;
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = run_from_row(st);
		rc = *out ? LLMOPS_OK : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		if (!rc && back < 0 && sqlite3_step(st) == SQLITE_ROW) {
			llmops_run_free(*out);
			*out = NULL;
			rc = llmops_err_set(err, LLMOPS_E_USAGE,
					    "run id prefix '%s' is ambiguous; give more characters",
					    ref);
		}
		if (!rc && (rc = fill_figures(lg, *out, err))) {
			llmops_run_free(*out);
			*out = NULL;
		}
	} else if (rc == SQLITE_DONE) {
		char target[LLMOPS_RUNID_LEN + 1];
		if (back < 0 && len == LLMOPS_RUNID_LEN && alias_of(lg, prefix, target)) {
			sqlite3_finalize(st);
			return llmops_ledger_run_get(lg, target, out, err);
		}
		rc = not_found(lg, ref, back >= 0 ? 0 : len, err);
	} else {
		rc = ledger_fail(lg, rc, "cannot read runs", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int llmops_ledger_run_of_dataset(struct llmops_ledger *lg, const char *ref, const char *path,
				 char id[LLMOPS_RUNID_LEN + 1], struct llmops_err *err)
{
	struct llmops_run_filter f = {0};
	struct llmops_run **runs = NULL;
	char sha[LLMOPS_SHA256_HEX_LEN + 1];
	long back = parse_last(ref);
	size_t n = 0;
	int rc;

	if (back < 0)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "'%s' with a dataset: give 'last' or 'last~N' (the runs of "
				      "the dataset, newest first), or a run id without the dataset",
				      ref);
	f.dataset_path = path;
	if (llmops_sha256_file_hex(sha, path))
		f.dataset_sha256 = sha;
	f.limit = (size_t)back + 1;
	if ((rc = llmops_ledger_runs_list(lg, &f, &runs, &n, err)))
		return rc;
	if (n > (size_t)back)
		snprintf(id, LLMOPS_RUNID_LEN + 1, "%s", runs[back]->id);
	else if (n)
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "dataset %s has only %zu run%s in %s",
				    path, n, n == 1 ? "" : "s", llmops_ledger_path(lg));
	else
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "dataset %s has no runs in %s", path,
				    llmops_ledger_path(lg));
	llmops_runs_free(runs, n);
	return rc;
}

int llmops_ledger_runs_list(struct llmops_ledger *lg, const struct llmops_run_filter *f,
			    struct llmops_run ***out, size_t *n, struct llmops_err *err)
{
	static const char sql[] =
		"SELECT " RUN_COLUMNS " FROM runs"
		" WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR prompt_name = ?2)"
		" AND (?3 IS NULL OR started_at >= ?3)"
		" AND ((?5 IS NULL AND ?6 IS NULL) OR dataset_id IN"
		"      (SELECT id FROM datasets WHERE path = ?5 OR sha256 = ?6))"
		" AND (?7 IS NULL OR status = ?7) AND (?8 IS NULL OR prompt_version = ?8)"
		" AND (?9 = 0 OR status IN ('passed', 'failed'))"
		" AND (?10 IS NULL OR git_commit = ?10)"
		" ORDER BY id DESC LIMIT ?4";
	struct llmops_run **runs = NULL;
	size_t nr = 0, alloc = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	ledger_bind_text(st, 1, f ? f->kind : NULL);
	ledger_bind_text(st, 2, f ? f->prompt_name : NULL);
	ledger_bind_text(st, 3, f ? f->since : NULL);
	sqlite3_bind_int64(st, 4, f && f->limit ? (sqlite3_int64)f->limit : -1);
	ledger_bind_text(st, 5, f ? f->dataset_path : NULL);
	ledger_bind_text(st, 6, f ? f->dataset_sha256 : NULL);
	ledger_bind_text(st, 7, f ? f->status : NULL);
	ledger_bind_text(st, 8, f ? f->prompt_version : NULL);
	sqlite3_bind_int(st, 9, f ? f->finished : 0);
	ledger_bind_text(st, 10, f ? f->git_commit : NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_run *r;

		if (LLMOPS_GROW(runs, nr, alloc, 16))
			break;
		if (!(r = run_from_row(st)))
			break;
		runs[nr++] = r;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		llmops_runs_free(runs, nr);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	if (rc != SQLITE_DONE) {
		llmops_runs_free(runs, nr);
		return ledger_fail(lg, rc, "cannot list runs", err);
	}
	for (size_t i = 0; i < nr; i++)
		if ((rc = fill_figures(lg, runs[i], err))) {
			llmops_runs_free(runs, nr);
			return rc;
		}
	*out = runs;
	*n = nr;
	return LLMOPS_OK;
}

static int64_t column_count(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, col);
}

#define RESULT_SELECT                                                                              \
	"SELECT id, case_id, variant, repeat_index, input, output, expected, scores,"              \
	" score, passed, latency_ms, ttft_ms, tokens_in, tokens_out, cost_usd, attempts,"          \
	" error, cache_hit, position, metric, threshold, provider, model, skipped, judge,"         \
	" judge_cost_usd, steps, tiers FROM results"

static void read_result(sqlite3_stmt *st, struct llmops_result *r)
{
	llmops_result_init(r);
	r->id = sqlite3_column_int64(st, 0);
	r->case_id = (const char *)sqlite3_column_text(st, 1);
	r->variant = (const char *)sqlite3_column_text(st, 2);
	r->repeat_index = sqlite3_column_int(st, 3);
	r->input = (const char *)sqlite3_column_text(st, 4);
	r->output = (const char *)sqlite3_column_text(st, 5);
	r->expected = (const char *)sqlite3_column_text(st, 6);
	r->scores_json = (const char *)sqlite3_column_text(st, 7);
	r->score = column_double_or_nan(st, 8);
	r->passed = sqlite3_column_type(st, 9) != SQLITE_NULL ? sqlite3_column_int(st, 9)
		    : sqlite3_column_int(st, 23)	      ? LLMOPS_SKIPPED
							      : LLMOPS_ERRORED;
	r->latency_ms = column_double_or_nan(st, 10);
	r->ttft_ms = column_double_or_nan(st, 11);
	r->tokens_in = column_count(st, 12);
	r->tokens_out = column_count(st, 13);
	r->cost_usd = column_double_or_nan(st, 14);
	r->attempts = sqlite3_column_int(st, 15);
	r->error = (const char *)sqlite3_column_text(st, 16);
	r->cache_hit = sqlite3_column_int(st, 17);
	r->position = column_count(st, 18);
	r->metric = (const char *)sqlite3_column_text(st, 19);
	r->threshold = column_double_or_nan(st, 20);
	r->provider = (const char *)sqlite3_column_text(st, 21);
	r->model = (const char *)sqlite3_column_text(st, 22);
	r->judge = (const char *)sqlite3_column_text(st, 24);
	r->judge_cost_usd = column_double_or_nan(st, 25);
	r->steps = (const char *)sqlite3_column_text(st, 26);
	r->tiers = (const char *)sqlite3_column_text(st, 27);
}

int llmops_ledger_results_each(struct llmops_ledger *lg, const char *run_id, llmops_result_fn fn,
			       void *ctx, struct llmops_err *err)
{
	return llmops_ledger_results_some(lg, run_id, 0, 0, fn, ctx, err);
}

int llmops_ledger_results_some(struct llmops_ledger *lg, const char *run_id, int failed_only,
			       size_t limit, llmops_result_fn fn, void *ctx, struct llmops_err *err)
{
	static const char all[] = RESULT_SELECT " WHERE run_id = ?1"
						" ORDER BY position IS NULL, position, id";
	static const char failed[] = RESULT_SELECT " WHERE run_id = ?1 AND passed IS NOT 1"
						   " ORDER BY position IS NULL, position, id";
	/* the first few: find their ids without moving whole rows through a sort */
	static const char first_ids[] = "SELECT id FROM results WHERE run_id = ?1"
					" AND (?2 = 0 OR passed IS NOT 1)"
					" ORDER BY position IS NULL, position, id LIMIT ?3";
	static const char by_id[] = RESULT_SELECT " WHERE id = ?1";
	static const char run_sql[] = "SELECT provider, model FROM runs WHERE id = ?1";
	sqlite3_stmt *st = NULL, *one = NULL;
	char *run_prov = NULL, *run_model = NULL;
	int rc, frc = 0;

	/* who answered a result that does not name its own: the run's provider and model */
	if ((rc = ledger_prepare(lg, run_sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		run_prov = ledger_column_strdup(st, 0);
		run_model = ledger_column_strdup(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = ledger_prepare(lg, limit ? first_ids : failed_only ? failed : all, &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	if (limit) {
		sqlite3_bind_int(st, 2, failed_only);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
		if ((rc = ledger_prepare(lg, by_id, &one, err))) {
			sqlite3_finalize(st);
			goto out;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct llmops_result r;
		sqlite3_stmt *row = st;
		if (one) {
			sqlite3_reset(one);
			sqlite3_bind_int64(one, 1, sqlite3_column_int64(st, 0));
			if ((rc = sqlite3_step(one)) != SQLITE_ROW)
				break;
			row = one;
		}
		read_result(row, &r);
		if (!r.provider && !r.model) {
			r.provider = run_prov;
			r.model = run_model;
		}
		if ((frc = fn(&r, ctx)))
			break;
	}
	sqlite3_finalize(one);
	sqlite3_finalize(st);
	if (frc)
		rc = frc;
	else
		rc = rc == SQLITE_DONE ? LLMOPS_OK
				       : ledger_fail(lg, rc, "cannot read results", err);
out:
	free(run_prov);
	free(run_model);
	return rc;
}
