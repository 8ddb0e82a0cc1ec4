/*
 * internal.h - what the project module's own files share: the store's
 * repository (store.c opens it, store_pathlog.c walks it).  Not for other
 * modules or cmd/.
 */
#ifndef LLMOPS_PROJECT_INTERNAL_H
#define LLMOPS_PROJECT_INTERNAL_H

#include "error.h"

#include "store.h"

#include <git2.h>
#include <stdint.h>

struct llmops_store {
	git_repository *repo; /* open repository */
	char *root;	      /* work tree root, no trailing '/' */
	int shallow;	      /* 1 for a shallow clone */
};

/* The oid of path (a blob or a tree) in c's tree, or zero when c is NULL or has none. */
void llmops_store_path_oid(git_commit *c, const char *path, git_oid *out);

/* c's id (hex), commit time, its offset, author and summary (both borrowed from c). */
void llmops_store_commit_fields(git_commit *c, char id[LLMOPS_OID_HEX], int64_t *time,
				int *tz_minutes, const char **author, const char **summary);

/*
 * Visit every commit reachable from HEAD once, newest commit time first, with its
 * first parent (NULL for a root commit, or when it is missing); boundary is 1 when
 * a parent is missing (a shallow clone's edge).  Stops when visit returns non-zero
 * (returned).  An unborn branch: LLMOPS_OK with no visit.
 */
int llmops_store_walk(struct llmops_store *s,
		      int (*visit)(void *ud, git_commit *c, git_commit *first_parent, int boundary),
		      void *ud, struct llmops_err *err);

#endif
