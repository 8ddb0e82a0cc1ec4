/*
 * review_view.c - the review queue as JSON and text (review_view.h).
 */
#include "review_view.h"

#include "runfmt.h"

#include <math.h>
#include <stdio.h>

cJSON *llmops_review_json(const struct llmops_review *r, int full)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "status", r->status);
	cJSON_AddStringToObject(o, "run", r->run_id);
	cJSON_AddStringToObject(o, "case", r->case_id);
	if (r->variant && *r->variant)
		cJSON_AddStringToObject(o, "variant", r->variant);
	llmops_runfmt_add_num(o, "score", r->score);
	cJSON_AddStringToObject(o, "verdict_at_eval", llmops_runfmt_verdict(r->passed));
	cJSON_AddStringToObject(o, "reason", r->reason ? r->reason : "");
	cJSON_AddStringToObject(o, "queued_at", r->created_at ? r->created_at : "");
	if (r->decided_at) {
		cJSON_AddStringToObject(o, "decided_at", r->decided_at);
		cJSON_AddStringToObject(o, "reviewer", r->reviewer ? r->reviewer : "");
		cJSON_AddStringToObject(o, "note", r->note ? r->note : "");
	}
	if (full) {
		cJSON *sc = r->scores_json ? cJSON_Parse(r->scores_json) : NULL;
		cJSON_AddItemToObject(o, "scores", sc ? sc : cJSON_CreateObject());
		cJSON_AddStringToObject(o, "expected", r->expected ? r->expected : "");
		cJSON_AddStringToObject(o, "output", r->output ? r->output : "");
		cJSON_AddStringToObject(o, "input", r->input ? r->input : "");
		if (r->dataset_path)
			cJSON_AddStringToObject(o, "dataset", r->dataset_path);
	}
	return o;
}

void llmops_reviews_print(FILE *f, struct llmops_review *const *v, size_t n)
{
	fprintf(f, "%-6s %-9s %-26s %-24s %6s  %s\n", "ID", "STATUS", "RUN", "CASE", "SCORE",
		"REASON");
	for (size_t i = 0; i < n; i++) {
		char score[16] = "-";
		if (!isnan(v[i]->score))
			snprintf(score, sizeof(score), "%.3f", v[i]->score);
		fprintf(f, "%-6lld %-9s %-26s %-24s %6s  %s\n", (long long)v[i]->id, v[i]->status,
			v[i]->run_id, v[i]->case_id, score, v[i]->reason ? v[i]->reason : "");
	}
}

void llmops_review_print(FILE *f, const struct llmops_review *r, const struct llmops_sgr *c)
{
	fprintf(f, "%sreview %lld%s: %s\n", c->bold, (long long)r->id, c->reset, r->status);
	fprintf(f, "run %s, case %s%s%s\n", r->run_id, r->case_id,
		r->variant && *r->variant ? " on " : "", r->variant ? r->variant : "");
	if (!isnan(r->score))
		fprintf(f, "score %.4f %s (%s at eval time)\n", r->score,
			r->scores_json ? r->scores_json : "", llmops_runfmt_verdict(r->passed));
	fprintf(f, "queued %s: %s\n", r->created_at ? r->created_at : "?",
		r->reason ? r->reason : "");
	if (r->decided_at)
		fprintf(f, "%s %s by %s%s%s\n", r->status, r->decided_at,
			r->reviewer ? r->reviewer : "?", r->note ? ": " : "",
			r->note ? r->note : "");
	llmops_runfmt_block(f, "", "expected", r->expected);
	llmops_runfmt_block(f, "", "output", r->output);
}
