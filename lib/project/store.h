/*
 * store.h - the prompt store: prompts/ as git has it, read through
 * libgit2 (never by running git).
 *
 * Reads come from git objects: a snapshot is one commit's tree (HEAD or
 * any revision), so what a command shows is what is committed, not what
 * happens to be in the working tree.  The working tree is consulted only
 * for its state (modified, untracked) and where a command says so.
 * Nothing here walks history through libgit2's revwalk, which in the
 * libgit2 of Debian 12 fails on shallow clones; the log walks commits
 * itself and stops cleanly at the shallow boundary.
 */
#ifndef LLMOPS_STORE_H
#define LLMOPS_STORE_H

#include "buf.h"
#include "error.h"
#include "promptref.h"
#include "strlist.h"

#include <stdint.h>

#define LLMOPS_OID_HEX 41 /* 40 hex digits and a NUL */

struct llmops_store;
struct llmops_snapshot;

/*
 * Open the repository whose work tree is at root.  *out is the caller's:
 * llmops_store_free().  Errors: LLMOPS_E_USAGE when root is not in a git
 * work tree or the repository is bare (both say what to do), LLMOPS_E_GIT.
 */
int llmops_store_open(struct llmops_store **out, const char *root, struct llmops_err *err);
void llmops_store_free(struct llmops_store *s);
/* The work tree root, borrowed, without a trailing '/'. */
const char *llmops_store_root(const struct llmops_store *s);

struct llmops_head {
	char commit[LLMOPS_OID_HEX]; /* "" on an unborn branch */
	char branch[256];	     /* "main"; "" when detached */
	int unborn;		     /* 1: no commit yet */
	int detached;		     /* 1: HEAD is a commit, not a branch */
	int shallow;		     /* 1: a shallow clone */
};
int llmops_store_head(struct llmops_store *s, struct llmops_head *h, struct llmops_err *err);

/*
 * A commit's tree: rev is anything git accepts ("HEAD", "origin/main",
 * "v2.3.1", a hash), NULL for HEAD.  *out is the caller's:
 * llmops_snapshot_free().  Errors: LLMOPS_E_NOTFOUND on an unborn branch,
 * LLMOPS_E_USAGE for an unknown revision (with a hint for shallow clones),
 * LLMOPS_E_GIT.
 */
int llmops_snapshot_open(struct llmops_snapshot **out, struct llmops_store *s, const char *rev,
			 struct llmops_err *err);
void llmops_snapshot_free(struct llmops_snapshot *snap);
/* The commit id (hex) and the revision as given, both borrowed. */
const char *llmops_snapshot_commit(const struct llmops_snapshot *snap);
const char *llmops_snapshot_rev(const struct llmops_snapshot *snap);

/*
 * Read the blob at path (relative to the root) into out (replacing it) and
 * write its id to blob (may be NULL).  Errors: LLMOPS_E_NOTFOUND (err says
 * the path and the revision), LLMOPS_E_GIT.
 */
int llmops_snapshot_read(struct llmops_snapshot *snap, const char *path, struct llmops_buf *out,
			 char blob[LLMOPS_OID_HEX], struct llmops_err *err);

/* The blob id at path without reading the blob.  Errors as llmops_snapshot_read(). */
int llmops_snapshot_blob_id(struct llmops_snapshot *snap, const char *path,
			    char blob[LLMOPS_OID_HEX], struct llmops_err *err);

/* State of a file relative to HEAD and the index. */
enum llmops_file_state {
	LLMOPS_FILE_COMMITTED = 0, /* in HEAD and unchanged in index and work tree */
	LLMOPS_FILE_MODIFIED,	   /* in HEAD, changed in the index or work tree */
	LLMOPS_FILE_ADDED,	   /* staged, not committed */
	LLMOPS_FILE_UNTRACKED,	   /* only in the work tree */
	LLMOPS_FILE_DELETED,	   /* in HEAD, gone from the work tree or index */
};
/* "committed", "modified", ... */
const char *llmops_file_state_name(int state);

/* One version file of a family. */
struct llmops_version_file {
	char version[64];	   /* "v1.2.0" */
	struct llmops_semver sv;   /* parsed version */
	char *path;		   /* owned: "prompts/NAME/v1.2.0.txt" */
	int json;		   /* 1 for .json */
	char blob[LLMOPS_OID_HEX]; /* id in the snapshot, "" when not in it */
	int state;		   /* enum llmops_file_state (COMMITTED without status) */
};

struct llmops_family {
	char *name;			   /* owned */
	struct llmops_version_file *files; /* owned, ascending by version */
	size_t n;
};

struct llmops_catalog {
	struct llmops_family *fam; /* owned, sorted by name */
	size_t n;
	struct llmops_strlist strays; /* files under prompts/ that are not versions or partials */
	struct llmops_strlist dupes;  /* "NAME@VERSION" present as both .txt and .json */
};

/*
 * Every version file under prompts/ in snap (NULL: HEAD, or nothing on an
 * unborn branch).  With status, the work tree and index are compared to
 * HEAD as well, so untracked and staged files appear and each file has
 * its state.  Release out with llmops_catalog_release().
 */
int llmops_store_catalog(struct llmops_store *s, struct llmops_snapshot *snap, int status,
			 struct llmops_catalog *out, struct llmops_err *err);
void llmops_catalog_release(struct llmops_catalog *c);
/* Borrowed lookups; NULL when absent. */
const struct llmops_family *llmops_catalog_find(const struct llmops_catalog *c, const char *name);
const struct llmops_version_file *llmops_family_find(const struct llmops_family *f,
						     const char *version);

/*
 * Hash the work-tree file at path as git would store it (through the
 * repository's filters): its blob id, and (sha256 may be NULL) the SHA-256
 * of the file's bytes.  expect (may be NULL) is the id the caller hopes
 * for: when the raw bytes already hash to it, the filters are not looked
 * up, which is much faster.  Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_IO.
 */
int llmops_store_hash_worktree(struct llmops_store *s, const char *path, const char *expect,
			       char blob[LLMOPS_OID_HEX], char sha256[65], struct llmops_err *err);
/*
 * Is hex (a full commit id) a commit in the repository: 1 yes, 0 no (not
 * an object, or not a commit), -1 cannot tell (a shallow clone may lack
 * it, or hex is not an id).
 */
int llmops_store_commit_exists(struct llmops_store *s, const char *hex);
/*
 * The commits of rev and its ancestors, nearest first (topological, then by
 * time), at most max, appended to out (the caller's) as 40 hex digits.
 * LLMOPS_E_NOTFOUND when rev names no commit.
 */
int llmops_store_ancestors(struct llmops_store *s, const char *rev, size_t max,
			   struct llmops_strlist *out, struct llmops_err *err);
/* Read a blob by id into out.  Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_GIT. */
int llmops_store_read_blob(struct llmops_store *s, const char *blob, struct llmops_buf *out,
			   struct llmops_err *err);

/*
 * A unified diff of two blobs, labelled with their paths, appended to out
 * (empty when they are equal).  Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_GIT.
 */
int llmops_store_diff(struct llmops_store *s, const char *blob_a, const char *path_a,
		      const char *blob_b, const char *path_b, int context_lines,
		      struct llmops_buf *out, struct llmops_err *err);

/* A file under prompts/ that differs between a base commit and the work tree. */
struct llmops_change {
	const char *path; /* borrowed for the callback's duration */
	char status;	  /* 'M' modified, 'D' deleted, 'T' type changed */
};
/*
 * Call fn for every file under prompts/ that exists in base and whose
 * content in the index or the work tree differs from it.  Needs only the
 * base commit itself, not the history between (shallow clones work).
 */
int llmops_store_changed_since(struct llmops_store *s, struct llmops_snapshot *base,
			       int (*fn)(void *ud, const struct llmops_change *c), void *ud,
			       struct llmops_err *err);

/* What a commit did to a family, as llmops_store_log() reports it. */
enum llmops_log_kind {
	LLMOPS_LOG_ADDED,    /* a version file appeared */
	LLMOPS_LOG_CHANGED,  /* a version file's content changed */
	LLMOPS_LOG_DELETED,  /* a version file was removed */
	LLMOPS_LOG_PINNED,   /* prompts.lock pins a (different) version */
	LLMOPS_LOG_UNPINNED, /* prompts.lock no longer pins the family */
	LLMOPS_LOG_BOUNDARY, /* the history stops here (shallow clone) */
	LLMOPS_LOG_PARTIAL,  /* a partial the family's versions include changed */
};
struct llmops_log_event {
	int kind;		     /* enum llmops_log_kind */
	char commit[LLMOPS_OID_HEX]; /* the commit */
	int64_t time;		     /* its commit time, seconds since the epoch */
	int tz_minutes;		     /* its time-zone offset */
	const char *author;	     /* borrowed: author name */
	const char *summary;	     /* borrowed: first line of the message */
	const char *version;	     /* the version concerned ("" for BOUNDARY) */
	const char *previous;	     /* PINNED: the version pinned before, or "" */
	const char *partial;	     /* PARTIAL: its path (prompts/_partials/NAME.txt), else "" */
};
/*
 * Walk history from HEAD, newest commit first, and call fn for each event
 * concerning the family `name`.  A commit is compared with its first
 * parent; a merge that takes the family unchanged from one parent reports
 * nothing.  Stops when fn returns non-zero (returned).
 */
int llmops_store_log(struct llmops_store *s, const char *name,
		     int (*fn)(void *ud, const struct llmops_log_event *ev), void *ud,
		     struct llmops_err *err);
/* The same, also reporting (LLMOPS_LOG_PARTIAL) each commit that added, changed or
   deleted one of the npartials files at partials (paths, borrowed). */
int llmops_store_log_ex(struct llmops_store *s, const char *name, const char *const *partials,
			size_t npartials, int (*fn)(void *ud, const struct llmops_log_event *ev),
			void *ud, struct llmops_err *err);

/* What one commit did to a file, as llmops_store_path_log() reports it. */
struct llmops_path_event {
	int kind;		     /* LLMOPS_LOG_ADDED, _CHANGED, _DELETED or _BOUNDARY */
	char commit[LLMOPS_OID_HEX]; /* the commit */
	int64_t time;		     /* its commit time, seconds since the epoch */
	int tz_minutes;		     /* its time-zone offset */
	const char *author;	     /* borrowed: author name */
	const char *summary;	     /* borrowed: first line of the message */
	char blob[LLMOPS_OID_HEX];   /* the file after the commit; "" when deleted (or BOUNDARY) */
};
/*
 * Walk history from HEAD, newest commit first, and call fn for each commit that
 * added, changed or deleted the file at path (relative to the root), compared with
 * its first parent; a merge that takes the file unchanged from one of its parents
 * reports nothing.  A shallow clone's boundary commit is reported as BOUNDARY (the
 * history stops there).  Stops when fn returns non-zero (returned).  An unborn
 * branch has no history: LLMOPS_OK with no call.
 */
int llmops_store_path_log(struct llmops_store *s, const char *path,
			  int (*fn)(void *ud, const struct llmops_path_event *ev), void *ud,
			  struct llmops_err *err);

#endif
