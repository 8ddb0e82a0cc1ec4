/*
 * prompt_cmd.h - what the `llmops prompt` verbs share: the open store, the
 * lock, resolving NAME[@VERSION], and reading a prompt from git.
 */
#ifndef LLMOPS_CMD_PROMPT_H
#define LLMOPS_CMD_PROMPT_H

#include "llmops.h"
#include "lock.h"
#include "prompt.h"
#include "promptenv.h"
#include "promptref.h"
#include "store.h"

/*
 * Open the work tree's prompt store and read the lock (lib/project/promptenv.h),
 * paths relative to the current directory.  On failure print, leave env closed
 * and return the exit status; on success close it with llmops_prompt_env_close().
 */
int prompt_env_open(struct llmops_prompt_env *env, struct llmops_ctx *ctx);
/* The cascades llmops.json names, as a bundle holds them (*out the caller's; NULL: none);
   0, or the exit status with the error printed. */
int bundle_cascades(struct llmops_prompt_env *env, cJSON **out);

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
int prompt_resolve(struct llmops_prompt_env *env, const struct llmops_catalog *cat,
		   const struct llmops_promptref *ref, const struct llmops_version_file **out);

/*
 * Read and parse the file at path from src.  blob receives the id (may be
 * NULL).  Prints errors; returns 0 or an exit status.
 */
int prompt_load(const struct llmops_prompt_source *src, const char *path, int json,
		struct llmops_prompt **out, char blob[LLMOPS_OID_HEX]);

/* The image parts of rendered messages read from the repository's files (image.h): 0, or
   an exit status (the problem printed). */
int prompt_images(const struct llmops_prompt_env *env, cJSON *messages);

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

/* The store opened, then the version arg names at rev (or in the work tree): 0, or an exit
   status with the error printed (prompt_read.c; release r with llmops_prompt_at_release). */
int prompt_at(struct llmops_prompt_at *r, struct llmops_ctx *ctx, const char *arg, const char *rev,
	      int worktree);
/* What llmops_prompt_at_note has to say, on stderr. */
void prompt_at_note(const struct llmops_prompt_at *r, int rendered);

struct llmops_pin_result;
struct llmops_usage;
/*
 * A verb of one NAME and no options that changes prompts.lock (promote, unpin, rollback):
 * its arguments parsed, the store opened, change() made and its error printed.  0 (*r says
 * what changed), -1 when --help was printed, or an exit status.
 */
int prompt_lock_verb(int argc, char **argv, const struct llmops_usage *u, struct llmops_ctx *ctx,
		     int (*change)(struct llmops_prompt_env *env, const char *name,
				   struct llmops_pin_result *r, struct llmops_err *err),
		     struct llmops_pin_result *r);

#endif
