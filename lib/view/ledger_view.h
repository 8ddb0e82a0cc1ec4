/*
 * ledger_view.h - the ledger itself as `llmops ledger info` and `check`
 * print it: its path, schema, journal, size and rows; its soundness.
 */
#ifndef LLMOPS_VIEW_LEDGER_VIEW_H
#define LLMOPS_VIEW_LEDGER_VIEW_H

#include "ledger.h"
#include "sgr.h"
#include "strlist.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* info as JSON (the caller's). */
cJSON *llmops_ledger_info_json(const struct llmops_ledger *lg,
			       const struct llmops_ledger_info *info);
/* The integrity check's problems (none: sound) as JSON (the caller's), or as text. */
cJSON *llmops_ledger_check_json(const struct llmops_ledger *lg,
				const struct llmops_strlist *problems);
void llmops_ledger_check_print(FILE *f, const struct llmops_ledger *lg,
			       const struct llmops_strlist *problems, const struct llmops_sgr *c);

#endif
