/*
 * prompt_cmd.h - what the `llmops prompt` verbs share: the open store, the
 * lock, resolving NAME[@VERSION], and reading a prompt from git.
 */
#ifndef LLMOPS_CMD_PROMPT_H
#define LLMOPS_CMD_PROMPT_H

#include "llmops.h"
#include "lock.h"
#include "prompt.h"
#include "promptref.h"
#include "store.h"

/* One verb's view of the repository; prompt_env_open() fills it, prompt_env_close() frees it. */
struct prompt_env {
	struct llmops_ctx *ctx;
	struct llmops_store *store; /* owned */
	struct llmops_lock lock;    /* prompts.lock, empty when there is none */
	int lock_exists;	    /* 1 when prompts.lock exists */
	char *lock_path;	    /* owned: ROOT/prompts.lock */
	char *prefix;		    /* owned: the current directory under ROOT ("" at ROOT) */
};

/*
 * Open the store and read the lock.  On failure print, leave env closed and
 * return the exit status; on success close it with prompt_env_close().
 */
int prompt_env_open(struct prompt_env *env, struct llmops_ctx *ctx);
void prompt_env_close(struct prompt_env *env);

/*
 * The family named in ref from cat, or print an error naming the families
 * that exist (with a suggestion) and return NULL.
 */
const struct llmops_family *prompt_find_family(const struct llmops_catalog *cat, const char *name);

/*
 * Resolve a reference to one version of a family in cat: its version when
 * given, else the pinned one.  On failure prints the error and returns
 * the exit status; on success *out is borrowed from cat.
 */
int prompt_resolve(struct prompt_env *env, const struct llmops_catalog *cat,
		   const struct llmops_promptref *ref, const struct llmops_version_file **out);

/* Where a prompt's text comes from: a commit (snap) or the work tree (snap NULL). */
struct prompt_source {
	struct prompt_env *env;
	struct llmops_snapshot *snap; /* borrowed; NULL means the work tree */
	/* borrowed, may be NULL: the lock entry of the pinned version being rendered,
	   whose partials come as they were at the pin (by their recorded blobs) */
	const struct llmops_lock_entry *pin;
};

/*
 * Read and parse the file at path from src.  blob receives the id (may be
 * NULL).  Prints errors; returns 0 or an exit status.
 */
int prompt_load(const struct prompt_source *src, const char *path, int json,
		struct llmops_prompt **out, char blob[LLMOPS_OID_HEX]);

/* path (as the user gave it, from the current directory) relative to the project root, into
   out[0..n): what the pairing rule of datasets and prompts reads (llmops_dataset_pairs). */
void prompt_root_relative(const struct prompt_env *env, const char *path, char *out, size_t n);

/* The image parts of rendered messages read from the repository's files (image.h): 0, or
   an exit status (the problem printed). */
int prompt_images(const struct prompt_env *env, cJSON *messages);

/* A partial loader over a source (prompts/_partials/NAME.txt). */
int prompt_partial(void *ud, const char *name, struct llmops_buf *text, struct llmops_buf *label,
		   struct llmops_err *err);

/* The verbs. */
int prompt_list(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_show(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_render(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_diff(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_log(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_new(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_pin(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_unpin(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_promote(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_rollback(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_bundle(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_resolve_cmd(int argc, char **argv, struct llmops_ctx *ctx);
int prompt_verify(int argc, char **argv, struct llmops_ctx *ctx);

#endif
