/*
 * newversion.h - `llmops prompt new`: the next version of a family,
 * copied from its newest version (the work tree's copy when there is one,
 * HEAD's when the file was deleted) with its front matter's version
 * updated, or a new family's v1.0.0 from a small template; written for
 * editing, never over an existing file.
 */
#ifndef LLMOPS_PROJECT_NEWVERSION_H
#define LLMOPS_PROJECT_NEWVERSION_H

#include "error.h"
#include "promptenv.h"

struct llmops_new_version {
	char path[LLMOPS_NAME_MAX + 96]; /* the file written, from the root */
	char version[64];		 /* its version */
	char from[64];			 /* the version it was copied from; "" for a new family */
};

/*
 * Write name's next version (bump: "major", "minor" or "patch").  Errors:
 * LLMOPS_E_EXISTS (the file is there already), LLMOPS_E_IO, the store's.
 */
int llmops_prompt_new_version(struct llmops_prompt_env *env, const char *name, const char *bump,
			      struct llmops_new_version *r, struct llmops_err *err);

#endif
