/*
 * promptenv.h - a command's view of the project's prompts: the store (git
 * through libgit2), prompts.lock, resolving NAME[@VERSION] to one version
 * file, and reading a prompt (or a partial) from a commit or the work tree.
 * What `llmops prompt`, eval and cost share.
 */
#ifndef LLMOPS_PROJECT_PROMPTENV_H
#define LLMOPS_PROJECT_PROMPTENV_H

#include "buf.h"
#include "error.h"
#include "lock.h"
#include "prompt.h"
#include "promptref.h"
#include "store.h"
#include "strlist.h"

#include <cjson/cJSON.h>

struct llmops_prompt_env {
	struct llmops_store *store; /* owned */
	struct llmops_lock lock;    /* prompts.lock, empty when there is none */
	int lock_exists;	    /* 1 when prompts.lock exists */
	char *lock_path;	    /* owned: ROOT/prompts.lock */
	char *prefix;		    /* owned: the current directory under ROOT ("" at ROOT) */
};

/*
 * Open the store of the work tree at root and read its lock; cwd (may be
 * NULL) is the directory paths given by the user are relative to.  On
 * failure env is left closed; on success close it with
 * llmops_prompt_env_close().
 */
int llmops_prompt_env_open(struct llmops_prompt_env *env, const char *root, const char *cwd,
			   struct llmops_err *err);
void llmops_prompt_env_close(struct llmops_prompt_env *env);

/*
 * The family name in cat (borrowed), or NULL with err naming the families
 * that exist and the nearest (LLMOPS_E_NOTFOUND).
 */
const struct llmops_family *llmops_prompt_find_family(const struct llmops_catalog *cat,
						      const char *name, struct llmops_err *err);

/*
 * One version of a family: ref's version when it names one, else the
 * pinned one.  *out is borrowed from cat.  Errors: LLMOPS_E_NOTFOUND (no
 * such family or version), LLMOPS_E_USAGE (not pinned and no version
 * named), each naming what exists.
 */
int llmops_prompt_resolve(const struct llmops_prompt_env *env, const struct llmops_catalog *cat,
			  const struct llmops_promptref *ref,
			  const struct llmops_version_file **out, struct llmops_err *err);

/* Where a prompt's text comes from: a commit (snap) or the work tree (snap NULL). */
struct llmops_prompt_source {
	const struct llmops_prompt_env *env;
	struct llmops_snapshot *snap; /* borrowed; NULL means the work tree */
	/* borrowed, may be NULL: the lock entry of the pinned version being rendered,
	   whose partials come as they were at the pin (by their recorded blobs) */
	const struct llmops_lock_entry *pin;
};

/*
 * Read and parse the file at path (from the root) from src; blob receives
 * its git blob id (may be NULL).  *out is the caller's (llmops_prompt_free).
 */
int llmops_prompt_load(const struct llmops_prompt_source *src, const char *path, int json,
		       struct llmops_prompt **out, char blob[LLMOPS_OID_HEX],
		       struct llmops_err *err);

/* A partial loader over a source (prompts/_partials/NAME.txt), for template.h. */
int llmops_prompt_partial(void *src, const char *name, struct llmops_buf *text,
			  struct llmops_buf *label, struct llmops_err *err);

/* path (as the user gave it, from the current directory) relative to the project root, into
   out[0..n): what the pairing rule of datasets and prompts reads (llmops_dataset_pairs). */
void llmops_prompt_root_relative(const struct llmops_prompt_env *env, const char *path, char *out,
				 size_t n);

/* One version as the reading verbs (show, render, diff) find it: at a revision or in the
   work tree. */
struct llmops_prompt_at {
	struct llmops_prompt_env env; /* opened by the caller first */
	struct llmops_promptref ref;  /* what the user named */
	struct llmops_snapshot *snap; /* NULL for the work tree */
	struct llmops_catalog cat;
	const struct llmops_version_file *vf; /* borrowed from cat */
	struct llmops_prompt_source src;      /* where its text (and partials) come from */
};

/*
 * The version arg names (NAME[@VERSION], else the pinned one) at rev (NULL:
 * HEAD), or in the work tree.  r->env must be open; release with
 * llmops_prompt_at_release() whatever this returns.
 */
int llmops_prompt_at_open(struct llmops_prompt_at *r, const char *arg, const char *rev,
			  int worktree, struct llmops_err *err);
/* A version read from git whose work-tree file differs, or (pinned) whose partials differ
   from the pin: 1 with a note for the user in note[0..n); 0 when there is nothing to say. */
int llmops_prompt_at_note(const struct llmops_prompt_at *r, int rendered, char *note, size_t n);
void llmops_prompt_at_release(struct llmops_prompt_at *r);

/* The variables a prompt renders with: a JSON object file (NULL: none), then each "KEY=VALUE"
   of pairs over it.  *out is the caller's.  Errors: LLMOPS_E_USAGE / LLMOPS_E_INPUT. */
int llmops_prompt_vars(const char *file, const struct llmops_strlist *pairs, cJSON **out,
		       struct llmops_err *err);

#endif
