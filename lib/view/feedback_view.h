/*
 * feedback_view.h - `llmops stats --feedback`: what users said of production
 * answers, per prompt version and model (ledger/feedbackdb.h).
 */
#ifndef LLMOPS_VIEW_FEEDBACK_VIEW_H
#define LLMOPS_VIEW_FEEDBACK_VIEW_H

#include "feedbackdb.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* As JSON (the caller's): since and name (NULL: none), groups, total, feedback, unmatched. */
cJSON *llmops_feedback_stats_json(const struct llmops_feedback_stats *s, const char *since,
				  const char *name);
/* As a table (one row a version and model, then the total) with a line on unmatched feedback. */
void llmops_feedback_stats_print(FILE *f, const struct llmops_feedback_stats *s, const char *since,
				 const char *name);

#endif
