/*
 * runview.h - a run as every reader prints it: the run row, what the
 * evaluation decided (runs.outcome), the pass-rate interval, the repeats,
 * the results that did not pass and the results.  `eval --format json`,
 * `show --format json` and `report --format json` print this one object, so
 * the same run is the same bytes (man/schemas/eval.schema.json).
 */
#ifndef LLMOPS_VIEW_RUNVIEW_H
#define LLMOPS_VIEW_RUNVIEW_H

#include "rundata.h"

#include <cjson/cJSON.h>

/* Which results the view lists under "results" (the others are still counted). */
struct llmops_run_view_opts {
	int failed_only;     /* only those that did not pass */
	const char *case_id; /* only this case (and no repeats summary); NULL: all */
};

/*
 * The run d as one JSON object; o may be NULL (every result).  The
 * caller's (cJSON_Delete); NULL when out of memory.  Of the outcome kept
 * with the run only the known members of the expected JSON types are taken
 * (a ledger fetched from a remote is not trusted to have written them).
 */
cJSON *llmops_run_view_json(const struct llmops_run_data *d, const struct llmops_run_view_opts *o);

#endif
