/*
 * feedback_view.c - the feedback per prompt version and model as `llmops
 * stats --feedback` prints it (feedback_view.h).
 */
#include "feedback_view.h"

#include "json.h"
#include "table.h"

#include <math.h>

static cJSON *group_json(const struct llmops_feedback_group *g)
{
	cJSON *o = cJSON_CreateObject();
	const char *keys[] = {"prompt", "version", "model"};
	const char *vals[] = {g->prompt, g->version, g->model};
	for (size_t i = 0; i < 3; i++)
		cJSON_AddItemToObject(o, keys[i],
				      vals[i] ? cJSON_CreateString(vals[i]) : cJSON_CreateNull());
	LLMOPS_JSON_NUMS(o, {"records", g->records}, {"rated", g->rated}, {"rate", g->rate},
			 {"feedback", g->feedback}, {"scored", g->scored}, {"mean", g->mean},
			 {"sd", g->sd}, {"up", g->up}, {"down", g->down});
	return o;
}

cJSON *llmops_feedback_stats_json(const struct llmops_feedback_stats *s, const char *since,
				  const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "since", since ? cJSON_CreateString(since) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "name", name ? cJSON_CreateString(name) : cJSON_CreateNull());
	cJSON *a = cJSON_AddArrayToObject(o, "groups");
	for (size_t i = 0; i < s->n; i++)
		cJSON_AddItemToArray(a, group_json(&s->groups[i]));
	cJSON_AddItemToObject(o, "total", group_json(&s->total));
	LLMOPS_JSON_NUMS(o, {"feedback", s->feedback_rows}, {"unmatched", s->unmatched});
	return o;
}

static void row(struct llmops_table *t, const struct llmops_feedback_group *g, const char *label)
{
	if (label) {
		llmops_table_add(t, label);
		llmops_table_add(t, "");
	} else {
		llmops_table_addf(t, "%s@%s", g->prompt ? g->prompt : "(unattributed)",
				  g->version ? g->version : "?");
		llmops_table_add(t, g->model ? g->model : "-");
	}
	llmops_table_addf(t, "%ld", g->records);
	llmops_table_addf(t, "%ld", g->rated);
	if (isnan(g->rate))
		llmops_table_add(t, "-");
	else
		llmops_table_addf(t, "%.1f%%", 100 * g->rate);
	llmops_table_addf(t, "%ld", g->feedback);
	if (isnan(g->mean))
		llmops_table_add(t, "-");
	else if (isnan(g->sd))
		llmops_table_addf(t, "%.3f", g->mean);
	else
		llmops_table_addf(t, "%.3f ± %.3f", g->mean, g->sd);
	if (g->up + g->down)
		llmops_table_addf(t, "%ld / %ld", g->up, g->down);
	else
		llmops_table_add(t, "-");
}

void llmops_feedback_stats_print(FILE *f, const struct llmops_feedback_stats *s, const char *since,
				 const char *name)
{
	static const char *const head[] = {"prompt", "model",	 "records",    "rated",
					   "rate",   "feedback", "mean score", "up / down"};
	struct llmops_table t;
	fprintf(f, "feedback%s%s%s on production records%s%s:\n", name ? " '" : "",
		name ? name : "", name ? "'" : "", since ? " answered since " : "",
		since ? since : "");
	llmops_table_init(&t, 8);
	for (size_t i = 0; i < 8; i++)
		llmops_table_add(&t, head[i]);
	for (size_t i = 0; i < s->n; i++)
		row(&t, &s->groups[i], NULL);
	row(&t, &s->total, "total");
	llmops_table_print(f, &t, "  ", "  ");
	llmops_table_release(&t);
	if (s->unmatched)
		fprintf(f,
			"%ld of %ld feedback%s about no production record in the ledger (ingest "
			"the records they rate; they count once those are there)\n",
			s->unmatched, s->feedback_rows, s->unmatched == 1 ? " is" : " are");
}
