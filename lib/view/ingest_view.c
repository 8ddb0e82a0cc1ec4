/*
 * ingest_view.c - what `llmops ingest` says it did (ingest_view.h).
 */
#include "ingest_view.h"

#include <stdio.h>

void llmops_ingest_summary_print(FILE *f, const struct llmops_ingest_stats *s, const char *ledger)
{
	fprintf(f, "read %ld record%s: %ld added, %ld already present, %ld malformed\n", s->read,
		s->read == 1 ? "" : "s", s->added, s->present, s->malformed);
	long fb = s->feedback + s->feedback_updated + s->feedback_present;
	if (fb)
		fprintf(f, "feedback: %ld added, %ld updated, %ld already present\n", s->feedback,
			s->feedback_updated, s->feedback_present);
	if (!fb || s->added || s->present)
		fprintf(f, "attributed: %ld by tag, %ld by text, %ld unattributed\n", s->by_tag,
			s->by_text, s->unattributed);
	if (s->counted || s->priced || s->unpriced)
		fprintf(f, "tokens counted for %ld, cost priced for %ld, %ld without a price\n",
			s->counted, s->priced, s->unpriced);
	if (s->errors)
		fprintf(f, "%ld failed request%s kept as error%s\n", s->errors,
			s->errors == 1 ? "" : "s", s->errors == 1 ? "" : "s");
	if (s->reattributed)
		fprintf(f, "%ld record%s kept unattributed before, attributed now\n",
			s->reattributed, s->reattributed == 1 ? "" : "s");
	if (s->events)
		fprintf(f, "%ld GenAI log event%s joined to their spans\n", s->events,
			s->events == 1 ? "" : "s");
	if (s->orphaned)
		fprintf(f, "%ld GenAI log event%s without their span, not stored\n", s->orphaned,
			s->orphaned == 1 ? "" : "s");
	if (s->ignored)
		fprintf(f, "%ld span%s or log record%s of other operations ignored\n", s->ignored,
			s->ignored == 1 ? "" : "s", s->ignored == 1 ? "" : "s");
	fprintf(f, "%ld production run%s in %s\n", s->runs, s->runs == 1 ? "" : "s", ledger);
}

cJSON *llmops_ingest_summary_json(const struct llmops_ingest_stats *s)
{
	cJSON *o = cJSON_CreateObject();
	const struct {
		const char *k;
		long v;
	} f[] = {{"read", s->read},
		 {"added", s->added},
		 {"present", s->present},
		 {"malformed", s->malformed},
		 {"ignored", s->ignored},
		 {"events", s->events},
		 {"orphaned", s->orphaned},
		 {"reattributed", s->reattributed},
		 {"by_tag", s->by_tag},
		 {"by_text", s->by_text},
		 {"unattributed", s->unattributed},
		 {"tokens_counted", s->counted},
		 {"priced", s->priced},
		 {"unpriced", s->unpriced},
		 {"errors", s->errors},
		 {"runs", s->runs},
		 {"feedback", s->feedback},
		 {"feedback_updated", s->feedback_updated},
		 {"feedback_present", s->feedback_present}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		cJSON_AddNumberToObject(o, f[i].k, (double)f[i].v);
	return o;
}
