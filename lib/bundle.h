/*
 * bundle.h - the prompts production uses, in one JSON file an application
 * loads at runtime without git:
 *
 *   {"bundle_version": 1, "commit": "<HEAD when it was made>",
 *    "prompts": {"NAME": {"versions": [
 *      {"version", "role": "stable"|"canary", "weight": <percent of the traffic>,
 *       "path", "commit", "blob", "sha256", "format": "txt"|"json",
 *       "text": "<the file as committed>", "parameters": {<front matter: model,
 *       temperature, max_tokens...>}, "partials": {"NAME": {"text", "sha256"} | null}}]}}}
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

/* Check bundle b against lock l: every pinned version (stable and canary) present with the
   lock's blob, SHA-256 and weight, each text and partial hashing to what the lock records,
   nothing else.  Each problem is appended to problems (the caller's); 0, or LLMOPS_E_NOMEM. */
int llmops_bundle_verify(const cJSON *b, const struct llmops_lock *l,
			 struct llmops_strlist *problems);

#endif
