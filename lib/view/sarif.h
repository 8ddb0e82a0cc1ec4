/*
 * sarif.h - red-team findings (eval --probes) as SARIF 2.1.0 (OASIS), the
 * format code scanning reads: a rule per category, a result per attack that
 * worked, located at the dataset the attacks were built from.
 */
#ifndef LLMOPS_VIEW_SARIF_H
#define LLMOPS_VIEW_SARIF_H

#include "eval.h"

#include <cjson/cJSON.h>

/* The log (the caller's): p's attacks that worked; uri the dataset (relative to the
   repository), target what was attacked ("summarize@v1.0.0"), run_id the ledger's run. */
cJSON *llmops_probes_sarif(const struct llmops_eval_probes *p, const char *uri, const char *target,
			   const char *run_id);

#endif
