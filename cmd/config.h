/*
 * config.h - llmops.json, the optional project configuration at the
 * workspace root, as commands read it.
 */
#ifndef LLMOPS_CMD_CONFIG_H
#define LLMOPS_CMD_CONFIG_H

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

/* cfg.a.b (b may be NULL), borrowed; NULL when absent. */
const cJSON *config_get(const cJSON *cfg, const char *a, const char *b);

#endif
