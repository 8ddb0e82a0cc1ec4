/*
 * lock.h - prompts.lock: which version of each prompt production uses.
 *
 *     {
 *       "lockfile_version": 1,
 *       "prompts": {
 *         "summarize": {
 *           "version": "v1.0.0",
 *           "path": "prompts/summarize/v1.0.0.txt",
 *           "commit": "<40 hex: HEAD when it was pinned>",
 *           "blob": "<40 hex: the git blob id of the file>",
 *           "sha256": "<64 hex: SHA-256 of the file's bytes>",
 *           "partials": {
 *             "signature": {"blob": "<40 hex>", "sha256": "<64 hex>"},
 *             "footer": null
 *           }
 *         }
 *       }
 *     }
 *
 * "partials" (present when the version includes any) is the render
 * closure at the pin: every partial the version includes, directly or
 * through other partials, with its blob and SHA-256 at the pinned commit,
 * or null for one that did not exist there (it rendered as nothing).
 *
 * An entry may carry a "canary": another version of the same prompt with
 * the same fields and a "weight", its share of the traffic in percent
 * (1..99; the stable version takes the rest).  A lock without canaries is
 * written exactly as before, and older locks read unchanged.
 *
 * Written sorted and indented the same way every time, so a pin is a
 * small, reviewable diff; replaced atomically (a temporary file in the
 * same directory, fsync, rename), so a crash never leaves half a lock.
 */
#ifndef LLMOPS_LOCK_H
#define LLMOPS_LOCK_H

#include "error.h"
#include "store.h"

#define LLMOPS_LOCKFILE_VERSION 1

/* A partial of a pinned version's render closure; blob "" when it did not exist at the pin. */
struct llmops_lock_partial {
	char name[LLMOPS_NAME_MAX + 1];
	char blob[LLMOPS_OID_HEX];
	char sha256[65];
};
#define LLMOPS_LOCK_MAX_PARTIALS 32

struct llmops_lock_entry {
	char name[LLMOPS_NAME_MAX + 1];
	char version[64];
	char path[LLMOPS_NAME_MAX + 96];
	char commit[LLMOPS_OID_HEX];
	char blob[LLMOPS_OID_HEX];
	char sha256[65];
	struct llmops_lock_partial partials[LLMOPS_LOCK_MAX_PARTIALS]; /* sorted by name */
	size_t npartials;
	int has_partials; /* the entry has "partials" (pinned by an llmops that records them) */
	int weight;	  /* a canary's share of the traffic, in percent (1..99); 0 for stable */
};

/* The closure's partial name in e, borrowed, or NULL. */
const struct llmops_lock_partial *llmops_lock_partial_find(const struct llmops_lock_entry *e,
							   const char *name);

struct llmops_lock {
	struct llmops_lock_entry *e; /* owned, sorted by name */
	size_t n;
	/* owned, sorted by name: canary versions beside their stable entries (weight set) */
	struct llmops_lock_entry *canary;
	size_t ncanary;
};

/*
 * Parse a lock's text; label names it in errors.  Every field is checked
 * (names, versions, a path that matches name and version, hex ids) and
 * unknown keys are refused with a suggestion.  Release with
 * llmops_lock_release() in every case.
 * Errors: LLMOPS_E_INPUT ("label:line:col: ..."), LLMOPS_E_NOMEM.
 */
int llmops_lock_parse(struct llmops_lock *l, const char *text, size_t len, const char *label,
		      struct llmops_err *err);
/*
 * Read the lock at path; a missing file is an empty lock (*exists = 0).
 * Errors as llmops_lock_parse(), and LLMOPS_E_IO.
 */
int llmops_lock_read(struct llmops_lock *l, const char *path, int *exists, struct llmops_err *err);
/* Replace the file at path atomically with l.  Errors: LLMOPS_E_IO, LLMOPS_E_NOMEM. */
int llmops_lock_write(const struct llmops_lock *l, const char *path, struct llmops_err *err);
void llmops_lock_release(struct llmops_lock *l);

/* The entry for name, borrowed, or NULL (binary search: entries are sorted). */
const struct llmops_lock_entry *llmops_lock_find(const struct llmops_lock *l, const char *name);
/* Add or replace (by name) a copy of e, keeping the order.  Errors: LLMOPS_E_NOMEM. */
int llmops_lock_set(struct llmops_lock *l, const struct llmops_lock_entry *e);
/* Remove name; returns 1 when it was there, 0 when not. */
int llmops_lock_remove(struct llmops_lock *l, const char *name);

/* The canary beside name's stable version (borrowed), or NULL.  Set (a copy of e, weight
   set) or replace it: 0 or LLMOPS_E_NOMEM.  Remove it: 1 when there was one.  Removing an
   entry removes its canary. */
const struct llmops_lock_entry *llmops_lock_canary(const struct llmops_lock *l, const char *name);
int llmops_lock_set_canary(struct llmops_lock *l, const struct llmops_lock_entry *e);
int llmops_lock_remove_canary(struct llmops_lock *l, const char *name);

/*
 * The bucket of key (a user id, a conversation id) for prompt name, in
 * 0..9999: the first 16 hexadecimal digits of SHA-256(name "\n" key) as
 * an unsigned 64-bit number, modulo 10000.  A key whose bucket is below
 * 100 x the canary's weight gets the canary, any other the stable version,
 * so the split is the same in any language and a key keeps its version
 * while the weight does not change.  -1 out of memory.
 */
int llmops_lock_bucket(const char *name, const char *key);

/* The version key gets of name (borrowed; NULL when name is not pinned), its bucket into
 *bucket. */
const struct llmops_lock_entry *llmops_lock_resolve(const struct llmops_lock *l, const char *name,
						    const char *key, int *bucket);

#endif
