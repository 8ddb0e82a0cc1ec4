/*
 * pinning.h - the changes to prompts.lock that release prompts: pin a
 * committed version (as the stable one, or as a canary beside it with a
 * share of the traffic), promote a canary, remove a pin, and roll back to
 * the version pinned before.  Each writes the lock atomically or not at all
 * and says what it did; the rules (committed content only, a released
 * version renders the same forever) are here, the printing is the caller's.
 */
#ifndef LLMOPS_PROJECT_PINNING_H
#define LLMOPS_PROJECT_PINNING_H

#include "error.h"
#include "lock.h"
#include "promptenv.h"

/* What a change did. */
struct llmops_pin_result {
	struct llmops_lock_entry e;  /* the entry now pinned (a canary: weight set) */
	char was[64];		     /* the version pinned before; "" when none */
	char stable[64];	     /* a canary: the stable version beside it */
	char commit[LLMOPS_OID_HEX]; /* rollback: the commit that pinned the version left */
	int unchanged;		     /* it was already so: nothing written */
	int detached;		     /* pin: HEAD is detached */
};

/*
 * Pin [NAME@]VERSION (ref) from HEAD: without NAME, the family is the
 * directory the user is in or the only one with that version.  canary_pct
 * (1..99, NAN: none) pins it beside the stable version with that share.
 * Errors: LLMOPS_E_USAGE (no such version, no stable version for a canary,
 * not a whole percentage), LLMOPS_E_CHECK (the file is not committed as it
 * is; the same version pinned with partials that changed since), the
 * store's and the lock's.
 */
int llmops_pin(struct llmops_prompt_env *env, const char *ref, double canary_pct,
	       struct llmops_pin_result *r, struct llmops_err *err);

/* NAME's canary becomes its stable version (its entry as pinned).  LLMOPS_E_USAGE: none. */
int llmops_pin_promote(struct llmops_prompt_env *env, const char *name, struct llmops_pin_result *r,
		       struct llmops_err *err);

/* NAME out of the lock (r->was its version).  LLMOPS_E_USAGE: not pinned (naming what is). */
int llmops_pin_remove(struct llmops_prompt_env *env, const char *ref, struct llmops_pin_result *r,
		      struct llmops_err *err);

/*
 * NAME back to the stable version pinned before the current one, as the
 * lock held it before the first commit that pinned the current one (its
 * canary dropped).  LLMOPS_E_USAGE: not pinned, never committed, nothing
 * earlier; LLMOPS_E_CHECK: that lock does not pin what the history says.
 */
int llmops_pin_rollback(struct llmops_prompt_env *env, const char *name,
			struct llmops_pin_result *r, struct llmops_err *err);

#endif
