/*
 * ledger_ckpt.c - checkpoints on a thread of their own while appends are
 * batched.
 *
 * In WAL mode every committed page is written twice: into the WAL, then
 * (by a checkpoint) into the database.  SQLite's automatic checkpoint runs
 * inside the COMMIT of the connection that crossed 1,000 WAL pages, so a
 * bulk run of appends copied its own pages on the thread that appends.
 * Here a second connection does it: the appender's WAL hook wakes a thread
 * that runs a PASSIVE checkpoint (it never waits for a lock and never
 * blocks the writer).  A WAL is reused from its start only by a write
 * transaction that begins when every frame has been copied, which a
 * checkpoint running beside the writer never quite achieves; so when the
 * WAL has grown to CKPT_SETTLE pages, the appender waits, between two
 * transactions, for one checkpoint to catch up (the few pages of the last
 * commit), and the next transaction starts the WAL again.  The WAL so
 * stays under about 64 MiB (CKPT_SETTLE_BYTES) however long the run.  Stopping restores
 * SQLite's automatic checkpoint; the last connection to close checkpoints
 * what is left.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

/* WAL pages that wake the checkpointer (SQLite's automatic threshold). */
#define CKPT_PAGES 1000
/* WAL bytes at which the appender waits for a checkpoint to catch up. */
#define CKPT_SETTLE_BYTES (64 << 20)

struct ledger_ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* to the checkpointer: asked, stop */
	pthread_cond_t done_cv; /* to the appender: done */
	sqlite3 *db;		/* the checkpointer's own connection */
	unsigned asked, done;	/* checkpoints asked for, and the last one done */
	int stop;
	int pages;  /* WAL frames after the appender's last commit */
	int settle; /* frames at which the appender waits */
};

static void *ckpt_main(void *arg)
{
	struct ledger_ckpt *k = arg;
	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (k->done == k->asked && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		unsigned now = k->asked;
		pthread_mutex_unlock(&k->mu);
		/* a failure (busy, I/O) leaves the pages in the WAL for the next one */
		(void)sqlite3_wal_checkpoint_v2(k->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL,
						NULL);
		pthread_mutex_lock(&k->mu);
		k->done = now;
		pthread_cond_broadcast(&k->done_cv);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

/* The appender's WAL hook, after each commit: wake the checkpointer. */
static int ckpt_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
	struct ledger_ckpt *k = ud;
	(void)db;
	(void)name;
	k->pages = pages;
	if (pages >= CKPT_PAGES) {
		pthread_mutex_lock(&k->mu);
		k->asked++;
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
	}
	return SQLITE_OK;
}

void ledger_ckpt_settle(struct llmops_ledger *lg)
{
	struct ledger_ckpt *k = lg->ckpt;
	if (!k || k->pages < k->settle)
		return;
	/* no commit comes while this waits, so the checkpoint asked for here
	   copies the whole WAL (unless a reader elsewhere holds an old snapshot:
	   then the WAL goes on growing, as it would with SQLite's own) */
	pthread_mutex_lock(&k->mu);
	unsigned want = ++k->asked;
	pthread_cond_signal(&k->cv);
	while (k->done - want > 0x7fffffffu) /* done < want, wrapping */
		pthread_cond_wait(&k->done_cv, &k->mu);
	pthread_mutex_unlock(&k->mu);
	k->pages = 0;
}

void ledger_ckpt_start(struct llmops_ledger *lg)
{
	struct ledger_ckpt *k;
	if (lg->ckpt || lg->readonly || !lg->db || !(k = calloc(1, sizeof(*k))))
		return;
	/* anything that fails here keeps SQLite's own checkpoints, as before */
	if (sqlite3_open_v2(lg->path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(k->db, "PRAGMA synchronous = NORMAL;", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close_v2(k->db);
		free(k);
		return;
	}
	sqlite3_busy_timeout(k->db, 0);
	sqlite3_stmt *st = NULL;
	int page = 4096;
	if (sqlite3_prepare_v2(lg->db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
		page = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	k->settle = CKPT_SETTLE_BYTES / page;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	pthread_cond_init(&k->done_cv, NULL);
	if (pthread_create(&k->thread, NULL, ckpt_main, k)) {
		pthread_cond_destroy(&k->done_cv);
		pthread_cond_destroy(&k->cv);
		pthread_mutex_destroy(&k->mu);
		sqlite3_close_v2(k->db);
		free(k);
		return;
	}
	lg->ckpt = k;
	sqlite3_wal_hook(lg->db, ckpt_hook, k);
}

void ledger_ckpt_tune(struct llmops_ledger *lg, int settle_pages)
{
	if (lg->ckpt)
		lg->ckpt->settle = settle_pages;
}

void ledger_ckpt_stop(struct llmops_ledger *lg)
{
	struct ledger_ckpt *k = lg->ckpt;
	if (!k)
		return;
	sqlite3_wal_autocheckpoint(lg->db, CKPT_PAGES); /* SQLite's hook again */
	pthread_mutex_lock(&k->mu);
	k->stop = 1;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	pthread_cond_destroy(&k->done_cv);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	sqlite3_close_v2(k->db);
	free(k);
	lg->ckpt = NULL;
}
