/*
 * workspace.h - where a command runs: the git work tree around it.
 *
 * llmops keeps per-project state (the ledger, prompts.lock) at the root of
 * the git work tree that contains the current directory, or in the current
 * directory itself outside a repository.
 */
#ifndef LLMOPS_WORKSPACE_H
#define LLMOPS_WORKSPACE_H

#include "error.h"

/* Call once before anything else in libllmops (initialises libgit2 and libcurl). */
int llmops_global_init(struct llmops_err *err);
/* Undo llmops_global_init(). */
void llmops_global_shutdown(void);

struct llmops_workspace {
	char *root;  /* work tree root (or start directory), owned; no trailing '/' */
	int in_repo; /* 1 inside a non-bare git work tree */
	int bare;    /* 1 when start directory is inside a bare repository */
};

/*
 * Find the workspace around start_dir (an absolute or relative directory).
 * On success ws->root is malloc'd: release with llmops_workspace_release().
 * Errors: LLMOPS_E_GIT when a repository exists but cannot be opened,
 * LLMOPS_E_IO when start_dir cannot be resolved.
 */
int llmops_workspace_find(struct llmops_workspace *ws, const char *start_dir,
			  struct llmops_err *err);
void llmops_workspace_release(struct llmops_workspace *ws);

/*
 * The default ledger path for ws: ROOT/.llmops/ledger.db.  Returns a
 * malloc'd string the caller frees, or NULL on allocation failure.
 */
char *llmops_workspace_ledger_path(const struct llmops_workspace *ws);

#endif
