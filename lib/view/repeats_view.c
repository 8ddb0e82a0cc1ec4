/*
 * repeats_view.c - a repeated run's figures by variant, as JSON and Markdown rows.
 */
#include "repeats_view.h"

#include "json.h"

#include "runfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int llmops_repeats_each_variant(const struct llmops_run_data *d,
				void (*each)(const char *variant, const struct llmops_repeats *r,
					     void *ud),
				void *ud)
{
	struct llmops_rep_obs *obs = malloc((d->n ? d->n : 1) * sizeof(*obs));
	int rc = obs ? 0 : -1;
	for (size_t first = 0; !rc && first < d->n; first++) {
		const char *v = d->results[first].variant;
		size_t n = 0, seen = 0;
		for (size_t i = 0; i < first && !seen; i++)
			seen = !strcmp(d->results[i].variant, v);
		if (seen)
			continue;
		for (size_t i = first; i < d->n; i++) {
			const struct llmops_result *x = &d->results[i];
			if (!strcmp(x->variant, v))
				obs[n++] = (struct llmops_rep_obs){x->case_id, x->passed, x->score};
		}
		struct llmops_repeats r;
		struct llmops_err err = {0};
		if (llmops_repeats_compute(obs, n, &r, &err))
			rc = -1;
		else
			each(v, &r, ud);
		llmops_repeats_release(&r);
	}
	free(obs);
	return rc;
}

static cJSON *case_json(const struct llmops_rep_case *x)
{
	cJSON *o = cJSON_CreateObject(), *s;
	cJSON_AddStringToObject(o, "case", x->case_id);
	LLMOPS_JSON_NUMS(o, {"runs", x->runs}, {"passed", x->passed}, {"failed", x->failed},
			 {"errors", x->errors}, {"pass_fraction", x->pass_fraction});
	cJSON_AddBoolToObject(o, "flaky", x->flaky);
	s = cJSON_AddObjectToObject(o, "score");
	LLMOPS_JSON_NUMS(s, {"mean", x->score_mean}, {"sd", x->score_sd}, {"min", x->score_min},
			 {"max", x->score_max});
	return o;
}

cJSON *llmops_repeats_json(const struct llmops_repeats *r, int per_case)
{
	cJSON *o = cJSON_CreateObject(), *ks, *fl;
	cJSON_AddNumberToObject(o, "runs_per_case", r->max_runs); /* the most */
	LLMOPS_JSON_NUMS(o, {"cases", r->ncases}, {"results", r->results}, {"passed", r->passed},
			 {"pass_rate", r->rate});
	llmops_runfmt_add_interval(o, "pass_rate_ci95", r->lo, r->hi);
	LLMOPS_JSON_NUMS(o, {"effective_n", r->n_eff}, {"design_effect", r->deff},
			 {"always_passed", r->always}, {"never_passed", r->never},
			 {"flaky", r->flaky}, {"passed_with_errors", r->partial});
	ks = cJSON_AddArrayToObject(o, "pass_at_k");
	for (size_t i = 0; i < r->nks; i++) {
		cJSON *k = cJSON_CreateObject();
		LLMOPS_JSON_NUMS(k, {"k", r->ks[i].k}, {"cases", r->ks[i].cases},
				 {"pass_at_k", r->ks[i].pass_at_k},
				 {"pass_hat_k", r->ks[i].pass_hat_k});
		cJSON_AddItemToArray(ks, k);
	}
	fl = cJSON_AddArrayToObject(o, "flaky_cases");
	for (size_t i = 0; i < r->ncases; i++)
		if (r->cases[i].flaky)
			cJSON_AddItemToArray(fl, cJSON_CreateString(r->cases[i].case_id));
	if (per_case) {
		cJSON *pc = cJSON_AddArrayToObject(o, "per_case");
		for (size_t i = 0; i < r->ncases; i++)
			cJSON_AddItemToArray(pc, case_json(&r->cases[i]));
	}
	return o;
}

void llmops_repeats_markdown_rows(FILE *f, const struct llmops_repeats *r, const char *variant)
{
	for (size_t i = 0; i < r->ncases; i++) {
		const struct llmops_rep_case *x = &r->cases[i];
		if (!x->flaky)
			continue;
		fputs("| ", f);
		llmops_runfmt_md_cell(f, x->case_id, 100);
		fputs(" | ", f);
		llmops_runfmt_md_cell(f, variant, 200);
		fprintf(f, " | %ld/%ld | ", x->passed, x->runs);
		if (isnan(x->score_sd))
			fputs("- |\n", f);
		else
			fprintf(f, "%.3f sd %.3f (%.3f-%.3f) |\n", x->score_mean, x->score_sd,
				x->score_min, x->score_max);
	}
}

static void print_ks(FILE *f, const struct llmops_repeats *r, const char *name, int hat)
{
	int want[3] = {1, (r->max_runs + 1) / 2, r->max_runs}, prev = 0;
	fprintf(f, "%s", name);
	for (int i = 0; i < 3; i++) {
		if (want[i] <= prev || want[i] > (int)r->nks)
			continue;
		const struct llmops_rep_k *k = &r->ks[want[i] - 1];
		fprintf(f, "%s k=%d %.3f", prev ? "," : "", k->k,
			hat ? k->pass_hat_k : k->pass_at_k);
		prev = want[i];
	}
}

void llmops_repeats_print(FILE *f, const struct llmops_repeats *r, const char *indent,
			  const char *green, const char *red, const char *reset)
{
	fprintf(f,
		"%spassed  %s%ld/%ld%s results (%.1f%%, 95%% CI %.1f%%-%.1f%%: %zu cases x %d "
		"repeats",
		indent, r->passed == r->results ? green : red, r->passed, r->results, reset,
		r->results ? 100 * r->rate : 0.0, 100 * r->lo, 100 * r->hi, r->ncases, r->max_runs);
	if (!isnan(r->deff))
		fprintf(f, ", design effect %.2f", r->deff);
	fprintf(f, "), %ld failed, %ld errors\n", r->failed, r->errors);
	fprintf(f, "%scases   %ld always passed, %ld never passed, %s%ld flaky%s", indent,
		r->always, r->never, r->flaky ? red : "", r->flaky, r->flaky ? reset : "");
	if (r->partial)
		fprintf(f, ", %ld passed except for errors", r->partial);
	fprintf(f, "\n%s", indent);
	print_ks(f, r, "pass@k ", 0);
	print_ks(f, r, "; pass^k", 1);
	fprintf(f, "\n");
}

void llmops_repeats_print_flaky(FILE *f, const struct llmops_repeats *r, const char *indent,
				const char *variant, size_t max, size_t *shown)
{
	for (size_t i = 0; i < r->ncases && *shown < max; i++) {
		const struct llmops_rep_case *x = &r->cases[i];
		if (!x->flaky)
			continue;
		(*shown)++;
		fprintf(f, "%s%s%s%s: %ld/%ld passed", indent, x->case_id, variant ? " on " : "",
			variant ? variant : "", x->passed, x->runs);
		if (x->errors)
			fprintf(f, " (%ld errors)", x->errors);
		if (!isnan(x->score_mean))
			fprintf(f, ", score %.3f", x->score_mean);
		if (!isnan(x->score_sd))
			fprintf(f, " sd %.3f (%.3f-%.3f)", x->score_sd, x->score_min, x->score_max);
		fprintf(f, "\n");
	}
}
