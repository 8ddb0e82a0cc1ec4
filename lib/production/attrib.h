/*
 * attrib.h - which pinned prompt version a production request was rendered
 * from, by its text.
 *
 * Each version of a bundle (bundle.h: every version prompts.lock pins, stable
 * and canary, with its partials) is rendered once with every top-level
 * variable replaced by a wildcard.  A request's messages match a version
 * when, at some place in the request, consecutive messages have the
 * rendered messages' roles and each content is the rendered one with each
 * wildcard standing for any text (the literal pieces anchored at both
 * ends and found in order).  Of the versions that match, the one with the
 * most literal text wins; two that match equally well attribute nothing.
 *
 * What a wildcard cannot stand for: a dotted name ({{user.name}}) and a
 * loop over a list render as nothing, an inverted section as absent, so a
 * prompt that uses them is attributed by tags (ingest.h) instead.
 *
 * Ownership: llmops_attrib_new()'s result is the caller's
 * (llmops_attrib_free); names and versions returned are borrowed from it.
 */
#ifndef LLMOPS_ATTRIB_H
#define LLMOPS_ATTRIB_H

#include "error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct llmops_attrib;

/*
 * Matchers for every version in bundle b (NULL: none yet).  A version whose
 * text cannot be parsed or rendered is an error naming it.
 */
int llmops_attrib_new(struct llmops_attrib **out, const cJSON *bundle, struct llmops_err *err);
/* Those of bundle's versions a lacks (by name and version), added to a. */
int llmops_attrib_add(struct llmops_attrib *a, const cJSON *bundle, struct llmops_err *err);
void llmops_attrib_free(struct llmops_attrib *a);
/*
 * Matchers for the versions of bundle current (the lock as it is now; may be
 * NULL) and of every lock committed in the history of HEAD, at most max
 * commits back (stable and canary, as pinned then): records logged before a
 * promote or rollback keep their version.  Old locks that cannot be read are
 * passed over.  *from_history counts the versions only history had; *out is
 * NULL when there is no version at all.  Errors: a version of current that
 * cannot be rendered, LLMOPS_E_NOMEM.
 */
struct llmops_store;
int llmops_attrib_from_history(struct llmops_attrib **out, struct llmops_store *s,
			       const cJSON *current, size_t max, size_t *from_history,
			       struct llmops_err *err);

/* How many versions a matches against. */
size_t llmops_attrib_count(const struct llmops_attrib *a);

/*
 * The version messages (OpenAI's shape) were rendered from: 1 with *name and
 * *version set (borrowed from a), else 0.  only_name (may be NULL) limits
 * the candidates to that prompt's versions.
 */
int llmops_attrib_match(const struct llmops_attrib *a, const cJSON *messages, const char *only_name,
			const char **name, const char **version);

#endif
