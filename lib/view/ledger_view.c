/*
 * ledger_view.c - `llmops ledger info` and `check` (ledger_view.h).
 */
#include "ledger_view.h"

#include "json.h"

#include <stdio.h>

cJSON *llmops_ledger_info_json(const struct llmops_ledger *lg,
			       const struct llmops_ledger_info *info)
{
	cJSON *out = cJSON_CreateObject(), *rows;
	cJSON_AddStringToObject(out, "path", llmops_ledger_path(lg));
	cJSON_AddNumberToObject(out, "schema_version", info->schema_version);
	cJSON_AddNumberToObject(out, "supported_schema_version", info->known_version);
	cJSON_AddStringToObject(out, "journal_mode", info->journal_mode);
	cJSON_AddStringToObject(out, "access",
				llmops_ledger_readonly(lg) ? llmops_ledger_readonly(lg)
							   : "read-write");
	LLMOPS_JSON_NUMS(out, {"size_bytes", info->file_bytes}, {"wal_bytes", info->wal_bytes},
			 {"page_size", info->page_size}, {"pages", info->page_count},
			 {"free_pages", info->freelist_count});
	rows = cJSON_AddObjectToObject(out, "rows");
	for (size_t i = 0; i < info->ntables; i++)
		cJSON_AddNumberToObject(rows, info->tables[i].name, (double)info->tables[i].rows);
	return out;
}

cJSON *llmops_ledger_check_json(const struct llmops_ledger *lg,
				const struct llmops_strlist *problems)
{
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "path", llmops_ledger_path(lg));
	cJSON_AddStringToObject(out, "status", problems->nr ? "damaged" : "ok");
	cJSON_AddItemToObject(
		out, "problems",
		cJSON_CreateStringArray((const char *const *)problems->items, (int)problems->nr));
	return out;
}

void llmops_ledger_check_print(FILE *f, const struct llmops_ledger *lg,
			       const struct llmops_strlist *problems, const struct llmops_sgr *c)
{
	fprintf(f, "%s: %s%s%s", llmops_ledger_path(lg), problems->nr ? c->red : c->green,
		problems->nr ? "damaged" : "ok", c->reset);
	if (problems->nr)
		fprintf(f, " (%zu problem%s)\n", problems->nr, problems->nr == 1 ? "" : "s");
	else
		fputs(" (integrity and foreign keys checked)\n", f);
	for (size_t i = 0; i < problems->nr; i++)
		fprintf(f, "  %s\n", problems->items[i]);
}
