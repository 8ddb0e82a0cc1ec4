/*
 * casecheck.c - the one check of a dataset case (see casecheck.h).
 */
#include "casecheck.h"

#include "json.h"
#include "metrics.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

void llmops_case_locate(const struct llmops_case *c, const char *text, size_t len, const char *key,
			int *line, int *col)
{
	*line = c->line;
	*col = 1;
	if (!text || !c->span || c->off + c->span > len)
		return;
	int l = 1, k = 1;
	if (key)
		llmops_json_locate(text + c->off, c->span, &key, 1, 1, &l, &k);
	/* the case starts at (c->line, its column): add what is within it */
	const char *ls = text + c->off;
	while (ls > text && ls[-1] != '\n')
		ls--;
	int base_col = llmops_utf8_columns(ls, (size_t)(text + c->off - ls)) + 1;
	*line = c->line + l - 1;
	*col = l == 1 ? base_col + k - 1 : k;
}

static void problem(llmops_case_problem_fn fn, void *ud, const struct llmops_case *c,
		    const char *text, size_t len, const char *key, int kind, const char *msg)
{
	int line, col;
	llmops_case_locate(c, text, len, key, &line, &col);
	fn(ud, kind, line, col, msg);
}

int llmops_case_check(const struct llmops_case *c, const char *text, size_t len,
		      llmops_case_problem_fn fn, void *ud, struct llmops_assertions *asserts)
{
	const cJSON *expected = cJSON_GetObjectItemCaseSensitive(c->fields, "expected");
	const cJSON *threshold = cJSON_GetObjectItemCaseSensitive(c->fields, "threshold");
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(c->fields, "metric");
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(c->fields, "assert");
	int has_expected = expected && !cJSON_IsNull(expected), n = 0;
	int has_metric = metric && !cJSON_IsNull(metric);
	int has_threshold = threshold && !cJSON_IsNull(threshold);
	char msg[LLMOPS_ERR_MSG_MAX + 64], where[300];
	struct llmops_err err = {0};
	struct llmops_assertions mine = {0};

	snprintf(where, sizeof(where), "case '%.200s'", c->id);
	if (has_threshold && !cJSON_IsNumber(threshold)) {
		snprintf(msg, sizeof(msg), "%s: \"threshold\" must be a number in [0, 1]", where);
		problem(fn, ud, c, text, len, "threshold", LLMOPS_CASE_THRESHOLD, msg), n++;
	} else if (has_threshold && !(threshold->valuedouble >= 0 && threshold->valuedouble <= 1)) {
		snprintf(msg, sizeof(msg),
			 "%s: \"threshold\" %g is outside [0, 1] (scores are in [0, 1], so it %s)",
			 where, threshold->valuedouble,
			 threshold->valuedouble > 1 ? "can never pass" : "always passes");
		problem(fn, ud, c, text, len, "threshold", LLMOPS_CASE_THRESHOLD, msg), n++;
	}
	if (has_metric && llmops_metric_check(cJSON_IsString(metric) ? metric->valuestring : NULL,
					      where, &err) < 0) {
		problem(fn, ud, c, text, len, "metric", LLMOPS_CASE_METRIC, err.msg), n++;
		llmops_err_clear(&err);
	}
	struct llmops_assertions *a = asserts ? asserts : &mine;
	if (llmops_assertions_parse(a, as, where, &err)) {
		problem(fn, ud, c, text, len, "assert", LLMOPS_CASE_ASSERT, err.msg), n++;
		llmops_assertions_release(a);
	}
	if (!asserts)
		llmops_assertions_release(&mine);
	/* a judge scores an output against its rubric: "expected" is for the rubrics that
	   compare (correctness), not a need of every case */
	if (has_expected || (cJSON_IsString(metric) &&
			     llmops_metric_parse(metric->valuestring) == LLMOPS_METRIC_JUDGE))
		return n;
	if (has_metric || has_threshold) {
		snprintf(msg, sizeof(msg),
			 "%s sets a %s but has no \"expected\" to score against; add one, or "
			 "judge it by assertions alone",
			 where, has_metric ? "metric" : "threshold");
		problem(fn, ud, c, text, len, NULL, LLMOPS_CASE_UNUSED, msg), n++;
	} else if (!cJSON_IsArray(as) || !as->child) {
		snprintf(msg, sizeof(msg),
			 "%s has neither \"expected\" nor \"assert\": nothing to judge its output "
			 "by",
			 where);
		problem(fn, ud, c, text, len, NULL, LLMOPS_CASE_NOTHING, msg), n++;
	}
	return n;
}

struct first {
	const char *file;
	struct llmops_err *err;
	int judging;
	int found;
};

static void take_first(void *ud, int kind, int line, int col, const char *msg)
{
	struct first *fp = ud;
	if (fp->found || kind == LLMOPS_CASE_UNUSED ||
	    (kind == LLMOPS_CASE_NOTHING && fp->judging != LLMOPS_JUDGING_CASES))
		return;
	fp->found = 1;
	llmops_err_at(fp->err, LLMOPS_E_INPUT, fp->file, line, col, "%s", msg);
}

int llmops_case_first_problem(const struct llmops_case *c, const char *file, const char *text,
			      size_t len, int judging, struct llmops_assertions *asserts,
			      struct llmops_err *err)
{
	struct first fp = {file, err, judging, 0};
	llmops_case_check(c, text, len, take_first, &fp, asserts);
	return fp.found ? (err && err->code ? err->code : LLMOPS_E_INPUT) : 0;
}

int llmops_dataset_check(const struct llmops_dataset *d, const char *text, size_t len, int judging,
			 struct llmops_err *err)
{
	for (size_t i = 0; i < d->n; i++) {
		int rc = llmops_case_first_problem(&d->cases[i], d->label, text, len, judging, NULL,
						   err);
		if (rc)
			return rc;
	}
	return 0;
}
