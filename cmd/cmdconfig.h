/*
 * cmdconfig.h - llmops.json for the commands: lib/project/projectconfig.h read with
 * its errors and warnings printed.
 */
#ifndef LLMOPS_CMD_CMDCONFIG_H
#define LLMOPS_CMD_CMDCONFIG_H

#include "projectconfig.h"

/*
 * The built-in price table into *prices (the caller's: llmops_pricing_free it,
 * NULL or not), then ROOT/llmops.json into c (lib/project/projectconfig.h),
 * the file's "prices" added to *prices.  Prints the error and returns the
 * exit status; release c with llmops_config_release() either way.
 */
int config_load(const char *root, struct llmops_config *c, struct llmops_pricing **prices);

/* model checked against the approved models for who ("eval", "cost"): 0 (a warning printed
   when it only warns), or the exit status with the refusal printed. */
int config_model_allowed(const struct llmops_config *c, const struct llmops_pricing *prices,
			 const char *model, const char *who);

#endif
