/*
 * verify.h - the CI gate over prompts.lock (`llmops prompt verify`): each
 * pinned file's content against its blob in the lock (and each canary's),
 * a missing file or version, what a pin made before partials were recorded
 * cannot cover, and with a base revision every version released there
 * unchanged since (released versions are immutable); with a bundle, the
 * bundle against what the lock pins.
 */
#ifndef LLMOPS_PROJECT_VERIFY_H
#define LLMOPS_PROJECT_VERIFY_H

#include "error.h"
#include "promptenv.h"

#include <cjson/cJSON.h>

/*
 * The findings as the JSON prompt verify prints: {"ok", "pinned", "base",
 * "base_commit", "problems": [{prompt, version, path, problem, message}],
 * "warnings": [text]}; the caller's (cJSON_Delete).  base and bundle may be
 * NULL; cascades is what the bundle's "cascades" must be (llmops_cascades_json; NULL:
 * none).  NULL on an error (the store, the base revision, the bundle's file).
 */
cJSON *llmops_pins_verify(struct llmops_prompt_env *env, const char *base, const char *bundle,
			  const cJSON *cascades, struct llmops_err *err);

#endif
