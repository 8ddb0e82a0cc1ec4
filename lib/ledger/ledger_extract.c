/*
 * ledger_extract.c - one run as a ledger of its own (ledger.h): what
 * `ledger push` stores in git and `ledger fetch` merges back.
 */
#include "internal.h"

#include "atomicfile.h"
#include "buf.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int llmops_ledger_extract(struct llmops_ledger *lg, const char *run_id, const char *dest,
			  const char *empty, struct llmops_err *err)
{
	static const char *const copy[] = {
		"INSERT INTO dst.datasets SELECT * FROM main.datasets"
		" WHERE id = (SELECT dataset_id FROM main.runs WHERE id = ?1)",
		"INSERT INTO dst.runs SELECT * FROM main.runs WHERE id = ?1",
		"INSERT INTO dst.results SELECT * FROM main.results WHERE run_id = ?1",
		"INSERT INTO dst.reviews SELECT * FROM main.reviews"
		" WHERE result_id IN (SELECT id FROM main.results WHERE run_id = ?1)",
		"INSERT INTO dst.run_aliases SELECT * FROM main.run_aliases WHERE run_id = ?1",
	};
	struct llmops_ledger *d = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	unlink(dest);
	if (empty && !access(empty, R_OK)) { /* an empty ledger made before: its bytes */
		struct llmops_buf b = LLMOPS_BUF_INIT;
		if (llmops_buf_read_file(&b, empty) ||
		    (rc = llmops_write_atomic(dest, b.data, b.len, err))) {
			llmops_buf_release(&b);
			return err->code ? err->code
					 : llmops_err_set(err, LLMOPS_E_IO, "cannot read %s", empty);
		}
		llmops_buf_release(&b);
	} else {
		if ((rc = llmops_ledger_open(&d, dest, 0, err)))
			return rc;
		/* one file, no -wal beside it, once detached */
		rc = sqlite3_exec(d->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
		llmops_ledger_free(d);
		if (rc != SQLITE_OK)
			return llmops_err_set(err, LLMOPS_E_LEDGER, "%s: cannot set its journal",
					      dest);
		if (empty) { /* a copy kept for the next run, before a row is written */
			struct llmops_buf b = LLMOPS_BUF_INIT;
			if (!llmops_buf_read_file(&b, dest))
				llmops_write_atomic(empty, b.data, b.len, NULL);
			llmops_buf_release(&b);
		}
	}
	if ((rc = llmops_ledger_flush(lg, err)) ||
	    (rc = ledger_prepare(lg, "ATTACH DATABASE ?1 AS dst", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_fail(lg, rc, "cannot write the run's ledger", err);
	/* a file made to be read once: no journal, no waiting for the disk */
	sqlite3_exec(lg->db, "PRAGMA dst.journal_mode = OFF; PRAGMA dst.synchronous = OFF", NULL,
		     NULL, NULL);
	if ((rc = ledger_begin(lg, err)))
		goto detach;
	for (size_t i = 0; !rc && i < sizeof(copy) / sizeof(copy[0]); i++) {
		if ((rc = ledger_prepare(lg, copy[i], &st, err)))
			break;
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			rc = 0;
		else
			rc = ledger_fail(lg, rc, "cannot copy the run", err);
		sqlite3_finalize(st);
	}
	if (rc)
		ledger_rollback(lg);
	else
		rc = ledger_commit(lg, err);
detach:
	sqlite3_exec(lg->db, "DETACH DATABASE dst", NULL, NULL, NULL);
	return rc;
}
