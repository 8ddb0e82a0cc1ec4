/*
 * stats_prod.h - the production views of `llmops stats` (stats_prod.c).
 */
#ifndef LLMOPS_CMD_STATS_PROD_H
#define LLMOPS_CMD_STATS_PROD_H

#include "llmops.h"

#include <cjson/cJSON.h>

struct llmops_ledger;

struct stats_prod {
	const char *canary; /* --canary NAME, or NULL */
	const char *since;  /* the ISO timestamp --since gave, or NULL */
	double alpha;	    /* --significance */
	double budget;	    /* --budget USD; NAN: none */
};

/* The canary of o->canary against its stable version: printed, or added to doc as "canary"
   when json.  *regression 1 when the canary is worse.  0 or an exit status (printed). */
int stats_canary(struct llmops_ctx *ctx, struct llmops_ledger *lg, const struct stats_prod *o,
		 int json, cJSON *doc, int *regression);
/* Spend against o->budget, the same way ("budget"); *over 1 when over. */
int stats_budget(struct llmops_ledger *lg, const struct stats_prod *o, int json, cJSON *doc,
		 int *over);

#endif
