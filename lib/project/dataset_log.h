/*
 * dataset_log.h - a dataset file's versions: the uncommitted one and each
 * commit that added, changed or deleted it, with the SHA-256 runs record as
 * their dataset, for `llmops dataset log`.
 */
#ifndef LLMOPS_DATASET_LOG_H
#define LLMOPS_DATASET_LOG_H

#include "error.h"
#include "hash.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* beside store.h's LLMOPS_LOG_ADDED, _CHANGED, _DELETED and _BOUNDARY */
#define LLMOPS_DATASET_WORKTREE 100 /* the work tree's file differs from HEAD's */

struct llmops_dataset_version {
	int kind;		     /* LLMOPS_LOG_* or LLMOPS_DATASET_WORKTREE */
	char commit[LLMOPS_OID_HEX]; /* "" for the work tree */
	int64_t time;		     /* commit time (seconds since the epoch); 0: work tree */
	int tz_minutes;
	char *author, *summary;			/* owned; "" for the work tree */
	char blob[LLMOPS_OID_HEX];		/* "" when deleted */
	char sha256[LLMOPS_SHA256_HEX_LEN + 1]; /* of the content; "" when deleted */
	long cases;				/* -1: deleted, or it does not parse */
	char *problem;				/* owned: why it does not parse; NULL */
};

struct llmops_dataset_history {
	struct llmops_dataset_version *v; /* owned: the work tree's first, then newest first */
	size_t n;
};

/*
 * The versions of the file at path (relative to the root).  On success release
 * h with llmops_dataset_history_release(); on failure it is left empty.  Errors:
 * LLMOPS_E_NOTFOUND (neither the work tree nor the history has the file),
 * LLMOPS_E_GIT, LLMOPS_E_NOMEM.
 */
int llmops_dataset_history(struct llmops_store *s, const char *path,
			   struct llmops_dataset_history *h, struct llmops_err *err);
void llmops_dataset_history_release(struct llmops_dataset_history *h);

/* "uncommitted", "added", "changed", "deleted", "boundary" */
const char *llmops_dataset_version_kind(int kind);

#endif
