/*
 * approval.h - the models a team has approved (llmops.json "models"):
 *
 *   "models": {
 *     "approved": [{"id": "gpt-4o-mini-2024-07-18", "run": "01J..."}, ...],
 *     "unapproved": "refuse"            (default; or "warn")
 *   }
 *
 * Each approved id is exact and dated, with the id of the run that
 * qualified it.  With a list, eval, cost and lint refuse (or warn about) a
 * model that is not on it and any moving alias: an id ending in -latest,
 * or an undated id (gpt-4o-mini) where the price table knows a dated one
 * (gpt-4o-mini-2024-07-18), since what such a name answers with changes
 * under the team.  Without a list nothing is checked.  Nothing here prints.
 */
#ifndef LLMOPS_APPROVAL_H
#define LLMOPS_APPROVAL_H

#include "error.h"
#include "pricing.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct llmops_approved {
	const char *id, *run; /* borrowed from the configuration */
};

struct llmops_approval {
	struct llmops_approved *v; /* owned array of n */
	size_t n;
	int active; /* a list is given: models are checked */
	int warn;   /* "unapproved": "warn" (else refuse) */
};

/*
 * Read llmops.json's "models" (models may be NULL: no policy) whose file
 * text is text[0..len), named file in errors.  Entries borrow from
 * models, which must outlive a.  Errors (LLMOPS_E_INPUT, at the line and
 * column of the value): the shape, an id approved twice, an approved id
 * that is a moving alias (naming a dated one where the price table knows
 * it).  Release a with llmops_approval_release() whatever the result.
 */
int llmops_approval_load(struct llmops_approval *a, const cJSON *models,
			 const struct llmops_pricing *prices, const char *text, size_t len,
			 const char *file, struct llmops_err *err);
void llmops_approval_release(struct llmops_approval *a);

/*
 * 1 when model (with or without "vendor:") is a moving alias: it ends in
 * -latest, or it is undated and the price table lists it beside a dated
 * id; dated (n bytes, may be NULL) then gets a dated id of it when the
 * table has one (else "").  0 otherwise.
 */
int llmops_model_moving(const struct llmops_pricing *prices, const char *model, char *dated,
			size_t n);

/* The approval of model (exact id, "vendor:" ignored), or NULL. */
const struct llmops_approved *llmops_approval_find(const struct llmops_approval *a,
						   const char *model);

/*
 * Whether model may be used: 0 (no policy, or approved and not moving),
 * else 1 with why[0..n) saying what is wrong and what to use instead
 * ("'gpt-4o' is not approved in llmops.json models.approved (approved:
 * ...)", "'gpt-4o-mini' is a moving alias; ...").
 */
int llmops_approval_check(const struct llmops_approval *a, const struct llmops_pricing *prices,
			  const char *model, char *why, size_t n);

#endif
