/*
 * ledgersync.h - the ledger's runs travel with the project's git remote
 * (`llmops ledger push` / `ledger fetch`).
 *
 * Each finished run is one commit (no parent) whose tree holds run.db: the
 * run extracted as a ledger of its own (llmops_ledger_extract: its row,
 * results, dataset, reviews and aliases; never the response cache, and
 * nothing the ledger itself does not keep, so no key).  Its ref is
 *
 *     refs/llmops/runs/<RUN ID>/<CASES>
 *
 * so a ref's name says what it holds: two machines never write the same
 * name with different content unless they both added records to one
 * production run (then the push is rejected, fetched, merged and pushed
 * again under the new count).  Pushing only adds refs, so pushes from many
 * machines at once do not conflict.  Git stores the blob compressed (zlib,
 * and deltas in packs).  Fetching merges each snapshot the ledger does not
 * have yet with the rules of llmops_ledger_merge (no duplicates).
 *
 * Remotes: a name from the repository's configuration (default "origin"),
 * or a path or URL that libgit2 reaches (local paths, file://, ssh with the
 * ssh agent, https with credentials from `git credential fill`, so the
 * user's credential helpers and their environment apply).
 *
 * A push or fetch killed part way leaves libgit2's temporary pack
 * (objects/pack/pack_git2_*) in the repository it wrote to; the next push or
 * fetch removes those older than an hour, here and in a remote on this
 * machine.
 *
 * Ownership: nothing returned is the caller's beyond *st (llmops_sync_stats_release).
 */
#ifndef LLMOPS_LEDGERSYNC_H
#define LLMOPS_LEDGERSYNC_H

#include "error.h"
#include "strlist.h"

#include <stddef.h>

struct llmops_ledger;

#define LLMOPS_SYNC_REFS "refs/llmops/runs/"

struct llmops_sync_stats {
	long runs;	 /* finished runs in the ledger (push) or snapshots on the remote (fetch) */
	long pushed;	 /* snapshots pushed */
	long present;	 /* already on the remote (push) or in the ledger (fetch) */
	long merged;	 /* snapshots merged into the ledger (fetch) */
	long results;	 /* results they added */
	long retries;	 /* pushes retried after a fetch */
	long kept_local; /* production runs not pushed (no LLMOPS_SYNC_PRODUCTION) */
	long replaced;	 /* push: the remote's partial copies of production runs deleted, the
			    union of their records pushed in their place */
	double bytes;	 /* snapshot bytes written (push) or read (fetch), uncompressed */
	/* fetch: the snapshots refused, one "REF: why" each (untrusted input that did not
	   pass llmops_ledger_vet, a conflict with a run the ledger has, a ref name not
	   ours); nothing of them is kept, not even the ref.  Owned by the struct: release
	   it with llmops_sync_stats_release() */
	struct llmops_strlist refused;
};

/* Free what st owns (st->refused); st may be zeroed or used again after. */
void llmops_sync_stats_release(struct llmops_sync_stats *st);

/* What llmops_ledger_push sends beside evaluations and the other runs. */
enum llmops_sync_flags {
	/* production runs (llmops ingest): the application's traffic, its users' text; kept
	   local unless asked for, since what is pushed to git stays in its history */
	LLMOPS_SYNC_PRODUCTION = 1 << 0,
};

/* Push the finished runs of lg the remote lacks (production runs only with
   LLMOPS_SYNC_PRODUCTION in flags), from the repository at root.  env is the environment
   as cmd/ hands it (env.h; its TMPDIR holds the scratch files; may be NULL). */
int llmops_ledger_push(struct llmops_ledger *lg, const char *root, const char *remote,
		       char *const *env, unsigned flags, struct llmops_sync_stats *st,
		       struct llmops_err *err);
/*
 * Fetch the remote's runs and merge those lg lacks.  Each snapshot is untrusted:
 * vetted (llmops_ledger_vet: one finished run, the one its ref names, with as many
 * results, no cache) and merged on its own; one that fails is refused, named in
 * st->refused and its ref deleted here, and the others are merged all the same.
 * Refs the remote no longer has are pruned.  Returns LLMOPS_OK when the fetch
 * itself worked, refusals or not: the caller must look at st->refused.nr (and
 * release st) before it trusts that the ledger holds what the remote has.  env as
 * for llmops_ledger_push.
 */
int llmops_ledger_fetch(struct llmops_ledger *lg, const char *root, const char *remote,
			char *const *env, struct llmops_sync_stats *st, struct llmops_err *err);

#endif
