/*
 * stats_view.h - what `llmops stats` prints of the ledger's figures
 * (scoring/runstats.h): a row per day, prompt, version, model, provider,
 * kind or tag, the total, and the series that drifted.
 */
#ifndef LLMOPS_VIEW_STATS_VIEW_H
#define LLMOPS_VIEW_STATS_VIEW_H

#include "prodstats.h"
#include "runstats.h"
#include "sgr.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* As JSON (the caller's): by, since (NULL: none), rows, total, series_tested, drift. */
cJSON *llmops_stats_json(const struct llmops_stats *s, const char *by, const char *since);
/* As a table with the drift below (tag: the rows are a tag's values, no drift test). */
void llmops_stats_print(FILE *f, const struct llmops_stats *s, const char *by, int tag,
			const struct llmops_sgr *c);

/* The canary comparison (ledger/prodstats.h) as stats --canary names it. */
struct llmops_canary_view {
	const char *prompt;	     /* its name */
	const char *stable, *canary; /* their versions */
	int weight;		     /* the canary's share, in percent */
	const char *since;	     /* the production since when; NULL: all */
	double alpha;		     /* the significance level */
};
/* As JSON (the caller's): prompt, weight, stable, canary, significance, tests, verdict. */
cJSON *llmops_canary_json(const struct llmops_canary *c, const struct llmops_canary_view *v);
/* As a table of the tests with the verdict under it. */
void llmops_canary_print(FILE *f, const struct llmops_canary *c, const struct llmops_canary_view *v,
			 const struct llmops_sgr *sgr);

#endif
