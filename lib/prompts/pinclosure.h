/*
 * pinclosure.h - the render closure of a pinned version: every partial it
 * includes, directly or through other partials, as it is at a commit.
 */
#ifndef LLMOPS_PINCLOSURE_H
#define LLMOPS_PINCLOSURE_H

#include "lock.h"
#include "prompt.h"
#include "store.h"

/*
 * Fill e->partials (and has_partials when there is any) with the partials
 * p includes as they are in snap: each with its blob and SHA-256, or with
 * blob "" when snap has no such partial (it renders as nothing).  Every
 * branch counts, sections included whatever the data.  Errors:
 * LLMOPS_E_INPUT (a partial that does not parse; more than
 * LLMOPS_LOCK_MAX_PARTIALS), LLMOPS_E_GIT, LLMOPS_E_NOMEM.
 */
int llmops_pin_closure(struct llmops_snapshot *snap, const struct llmops_prompt *p,
		       struct llmops_lock_entry *e, struct llmops_err *err);

/*
 * The same for the version file at path as snap has it (read and parsed
 * here; .json by its name).  Errors as llmops_snapshot_read() and
 * llmops_prompt_parse(), and as above.
 */
int llmops_pin_closure_at(struct llmops_snapshot *snap, const char *path,
			  struct llmops_lock_entry *e, struct llmops_err *err);

#endif
