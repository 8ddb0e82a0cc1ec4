/*
 * config.h - llmops.json, the optional project configuration at the
 * workspace root, as commands read it.
 */
#ifndef LLMOPS_CMD_CONFIG_H
#define LLMOPS_CMD_CONFIG_H

#include "approval.h"
#include "buf.h"
#include "pricing.h"

#include <cjson/cJSON.h>

/*
 * Read ROOT/llmops.json when it exists into *cfg (the caller's, cJSON_Delete;
 * NULL when there is no file), its text into text (caller-owned), and add
 * its "prices" to prices (may be NULL).  Prints errors (with line and
 * column); returns 0 or an exit status.
 */
int config_load(const char *root, cJSON **cfg, struct llmops_buf *text,
		struct llmops_pricing *prices);

/*
 * The approved models of cfg (llmops.json "models"; see approval.h) into
 * *a (the caller's: llmops_approval_release, whatever the result; it
 * borrows from cfg).  Prints errors; 0 or an exit status.
 */
int config_approval(const cJSON *cfg, const struct llmops_buf *text,
		    const struct llmops_pricing *prices, struct llmops_approval *a);

/*
 * Whether who ("eval", "cost") may use model under a: 0, or (printed) a
 * warning and 0 under "unapproved": "warn", or the refusal and exit 2.
 */
int config_model_allowed(const struct llmops_approval *a, const struct llmops_pricing *prices,
			 const char *model, const char *who);

/* cfg.a.b (b may be NULL), borrowed; NULL when absent. */
const cJSON *config_get(const cJSON *cfg, const char *a, const char *b);

#endif
