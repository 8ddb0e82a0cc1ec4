/*
 * bundle.h - the prompts production uses, in one JSON file an application
 * loads at runtime without git:
 *
 *   {"bundle_version": 1, "commit": "<HEAD when it was made>",
 *    "prompts": {"NAME": {"versions": [
 *      {"version", "role": "stable"|"canary", "weight": <percent of the traffic>,
 *       "path", "commit", "blob", "sha256", "format": "txt"|"json",
 *       "text": "<the file as committed>", "parameters": {<front matter: model,
 *       temperature, max_tokens...>}, "partials": {"NAME": {"text", "sha256"} | null}}]}},
 *    "cascades": {"NAME": {"tiers": [{"provider", "type", "model"}], "check",
 *      "schema"}}}
 *
 * "cascades" (the model cascades llmops.json names, provider.h) is there only when
 * llmops.json names one; the caller adds it (llmops_cascades_json).
 *
 * Every text is read by the blob id the lock records (the partials by
 * theirs), so a bundle holds exactly what was pinned.  A key's version is
 * chosen as llmops_lock_bucket() says.
 */
#ifndef LLMOPS_BUNDLE_H
#define LLMOPS_BUNDLE_H

#include "error.h"
#include "lock.h"
#include "store.h"
#include "strlist.h"

#include <cjson/cJSON.h>

#define LLMOPS_BUNDLE_VERSION 1

/* The bundle of lock l (its texts read from s) into *out (the caller's: cJSON_Delete); commit
   is HEAD's id.  0 or an error naming the entry whose blob cannot be read. */
int llmops_bundle_make(struct llmops_store *s, const struct llmops_lock *l, const char *commit,
		       cJSON **out, struct llmops_err *err);

/*
 * Check the bundle text[0..len) (named label in messages) against lock l, whose texts are
 * read from s.  It is parsed strictly (a key twice, or \u0000 in a string, is refused:
 * loaders disagree on them), then held to what llmops_bundle_make writes for l at the
 * bundle's own commit: every prompt, every version in its place (stable, then canary),
 * every field (version, role, weight, path, commit, blob, sha256, format, text,
 * parameters, partials) equal, nothing else; its "cascades" equal to cascades (what
 * llmops.json names now; NULL: none); and, when every field is, every byte.  Each
 * difference is appended to problems (the caller's).  Returns 0 (problems or none),
 * LLMOPS_E_INPUT (not JSON, or refused by the strict reading: err says where), or an
 * error reading a pinned blob, or LLMOPS_E_NOMEM.
 */
int llmops_bundle_verify(struct llmops_store *s, const char *text, size_t len, const char *label,
			 const struct llmops_lock *l, const cJSON *cascades,
			 struct llmops_strlist *problems, struct llmops_err *err);

#endif
