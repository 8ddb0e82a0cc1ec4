/*
 * pincheck.h - is a pinned prompt still what prompts.lock says: the one
 * check behind `llmops prompt verify` and lint's version-pinned rule.
 */
#ifndef LLMOPS_PINCHECK_H
#define LLMOPS_PINCHECK_H

#include "lock.h"
#include "store.h"

enum llmops_pin_problem {
	LLMOPS_PIN_OK = 0,
	LLMOPS_PIN_MISSING,	    /* in HEAD, gone from the work tree */
	LLMOPS_PIN_NO_SUCH_VERSION, /* the lock names a version that does not exist */
	LLMOPS_PIN_UNREADABLE,	    /* the file cannot be hashed */
	LLMOPS_PIN_CHANGED,	    /* its blob is not the pinned blob */
	LLMOPS_PIN_SHA256,	    /* the lock's SHA-256 does not match the content */
	LLMOPS_PIN_NO_COMMIT,	    /* the commit it was pinned from is not in the repository */
	LLMOPS_PIN_PARTIAL,	    /* a partial of its render closure is not as pinned */
};

/* "missing", "no-such-version", "unreadable", "changed", "sha256", "no-commit",
   "partial-changed" (static; "" for OK). */
const char *llmops_pin_problem_name(int problem);

/*
 * Check entry e against the work tree and head (HEAD's snapshot, NULL on
 * an unborn branch): the version's file, then each partial of its render
 * closure (changed, deleted, or created where the pin had none).  cat is read on first need (*cat_loaded says whether
 * it was) to name the versions that exist; the caller releases it.
 * Returns the problem (LLMOPS_PIN_OK when none) and, for a problem, a
 * message that says what to do in msg[0..n).
 */
int llmops_pin_check(struct llmops_store *s, struct llmops_snapshot *head,
		     const struct llmops_lock_entry *e, struct llmops_catalog *cat, int *cat_loaded,
		     char *msg, size_t n);

#endif
