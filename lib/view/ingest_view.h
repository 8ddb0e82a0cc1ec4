/*
 * ingest_view.h - what `llmops ingest` says it did: records read, added,
 * already present and malformed; how they were attributed; tokens and
 * prices; failed requests; GenAI events joined or orphaned; the runs.
 */
#ifndef LLMOPS_VIEW_INGEST_VIEW_H
#define LLMOPS_VIEW_INGEST_VIEW_H

#include "ingest.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* As lines of text (ledger: the ledger's path, named last). */
void llmops_ingest_summary_print(FILE *f, const struct llmops_ingest_stats *s, const char *ledger);
/* As a JSON object of counts (the caller's). */
cJSON *llmops_ingest_summary_json(const struct llmops_ingest_stats *s);

#endif
