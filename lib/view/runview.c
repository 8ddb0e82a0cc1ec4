/*
 * runview.c - the run view (runview.h).
 */
#include "runview.h"

#include "repeats_view.h"
#include "results.h"
#include "runfmt.h"
#include "stats.h"

#include <math.h>
#include <string.h>

#define Z95 1.959963984540054

/* The members of runs.outcome the view takes, with the type each must have. */
static const struct {
	const char *key;
	int type; /* cJSON_Number, cJSON_Object or cJSON_Array */
} outcome_members[] = {
	{"dataset_cases", cJSON_Number},
	{"repeat", cJSON_Number},
	{"redactions", cJSON_Number},
	{"review", cJSON_Object},
	{"resumed_results", cJSON_Number},
	{"variants", cJSON_Array},
	{"gate", cJSON_Object},
	{"pairwise", cJSON_Object},
	{"compare", cJSON_Object},
	{"bias", cJSON_Object},
	{"probes", cJSON_Object},
	{"baseline", cJSON_Object},
};

static void add_outcome(cJSON *o, const char *json)
{
	cJSON *oc = json ? cJSON_Parse(json) : NULL;
	for (size_t i = 0; oc && i < sizeof(outcome_members) / sizeof(outcome_members[0]); i++) {
		cJSON *x = cJSON_GetObjectItemCaseSensitive(oc, outcome_members[i].key);
		if (x && (x->type & 0xff) == outcome_members[i].type)
			cJSON_AddItemToObject(o, outcome_members[i].key, cJSON_Duplicate(x, 1));
	}
	cJSON_Delete(oc);
}

/* The dataset as this run named it (its params), else where it was first seen. */
static void set_dataset(cJSON *o, const struct llmops_run *u)
{
	cJSON *p = u->params_json ? cJSON_Parse(u->params_json) : NULL;
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(p, "dataset");
	if (cJSON_IsString(ds))
		cJSON_ReplaceItemInObjectCaseSensitive(o, "dataset",
						       cJSON_CreateString(ds->valuestring));
	cJSON_Delete(p);
}

static void one_variant(const char *v, const struct llmops_repeats *r, void *ud)
{
	cJSON *x = llmops_repeats_json(r, 1);
	cJSON_AddStringToObject(x, "variant", v);
	cJSON_AddItemToArray(ud, x);
}

cJSON *llmops_run_view_json(const struct llmops_run_data *d, const struct llmops_run_view_opts *o)
{
	static const struct llmops_run_view_opts all = {0};
	const struct llmops_run *u = d->run;
	int repeated = llmops_run_data_repeated(d);
	double lo = NAN, hi = NAN;
	if (!o)
		o = &all;
	cJSON *v = llmops_runfmt_run_json(u);
	if (!v)
		return NULL;
	set_dataset(v, u);
	cJSON_AddStringToObject(v, "run", u->id); /* eval's name for the id: kept for scripts */
	cJSON_AddNumberToObject(v, "total", (double)u->cases);
	/* the interval the text shows (for repeated runs the one in "repeats") */
	if (u->cases && !repeated)
		llmops_wilson((long)u->passed, (long)u->cases, Z95, &lo, &hi);
	llmops_runfmt_add_interval(v, "pass_rate_ci95", lo, hi);
	add_outcome(v, u->outcome_json);
	if (repeated && !o->case_id &&
	    llmops_repeats_each_variant(d, one_variant, cJSON_AddArrayToObject(v, "repeats"))) {
		cJSON_Delete(v);
		return NULL;
	}
	cJSON *failures = cJSON_AddArrayToObject(v, "failures");
	cJSON *results = cJSON_AddArrayToObject(v, "results");
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		if (x->passed != 1)
			cJSON_AddItemToArray(failures, llmops_results_json(x, 1, repeated));
		if ((o->failed_only && x->passed == 1) ||
		    (o->case_id && strcmp(x->case_id, o->case_id)))
			continue;
		cJSON_AddItemToArray(results, llmops_results_json(x, 1, repeated));
	}
	return v;
}
