/*
 * lint_dataset.c - one dataset: it parses, its ids are unique, and each
 * case can be judged (an expected output where the metric needs one, a
 * threshold in [0, 1], a metric that exists).
 */
#include "lint_internal.h"

#include "json.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where key of case i is: JSON arrays by path, JSONL within the case's line, CSV its line. */
static void locate(const struct lint_file *f, const struct llmops_dataset *d, size_t i,
		   const char *key, int *line, int *col)
{
	const struct llmops_case *c = &d->cases[i];

	*line = c->line;
	*col = 1;
	if (!strcmp(d->format, "json")) {
		char idx[32];
		const char *steps[2] = {idx, key};

		snprintf(idx, sizeof(idx), "%zu", i);
		llmops_json_locate(f->text, f->len, steps, key ? 2 : 1, key != NULL, line, col);
	} else if (!strcmp(d->format, "jsonl") && key) {
		size_t off = 0;
		int l = 1, dummy;

		while (l < c->line && off < f->len) {
			const char *nl = memchr(f->text + off, '\n', f->len - off);

			if (!nl)
				break;
			off = (size_t)(nl - f->text) + 1;
			l++;
		}
		const char *nl = memchr(f->text + off, '\n', f->len - off);
		size_t end = nl ? (size_t)(nl - f->text) : f->len;

		llmops_json_locate(f->text + off, end - off, &key, 1, 1, &dummy, col);
	}
}

static int duplicate_ids(struct llmops_lint *l, const struct lint_file *f,
			 const struct llmops_dataset *d)
{
	size_t *ix;

	if (!lint_on(l, LR_DATASET_DUPLICATE_ID) || d->n < 2)
		return LLMOPS_OK;
	if (!(ix = llmops_dataset_by_id(d)))
		return LLMOPS_E_NOMEM;
	for (size_t i = 1, first = 0; i < d->n; i++) {
		if (strcmp(d->cases[ix[i]].id, d->cases[ix[first]].id)) {
			first = i;
			continue;
		}
		int line, col;

		locate(f, d, ix[i], "id", &line, &col);
		lint_report(l, f, line, col, LR_DATASET_DUPLICATE_ID,
			    "case id '%s' repeats the case at line %d; results are matched by id, "
			    "so each must be unique",
			    d->cases[ix[i]].id, d->cases[ix[first]].line);
	}
	free(ix);
	return LLMOPS_OK;
}

static void check_case(struct llmops_lint *l, const struct lint_file *f,
		       const struct llmops_dataset *d, size_t i)
{
	const struct llmops_case *c = &d->cases[i];
	const cJSON *expected = cJSON_GetObjectItemCaseSensitive(c->fields, "expected");
	const cJSON *threshold = cJSON_GetObjectItemCaseSensitive(c->fields, "threshold");
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(c->fields, "metric");
	const cJSON *asserts = cJSON_GetObjectItemCaseSensitive(c->fields, "assert");
	int line, col, has_expected = expected && !cJSON_IsNull(expected);

	if (threshold && !cJSON_IsNull(threshold) &&
	    (!cJSON_IsNumber(threshold) || threshold->valuedouble < 0 ||
	     threshold->valuedouble > 1)) {
		locate(f, d, i, "threshold", &line, &col);
		if (cJSON_IsNumber(threshold))
			lint_report(
				l, f, line, col, LR_DATASET_THRESHOLD,
				"case '%s': threshold %g is outside [0, 1] (scores are in [0, 1], "
				"so it %s)",
				c->id, threshold->valuedouble,
				threshold->valuedouble > 1 ? "can never pass" : "always passes");
		else
			lint_report(l, f, line, col, LR_DATASET_THRESHOLD,
				    "case '%s': threshold must be a number in [0, 1]", c->id);
	}
	if (metric && !cJSON_IsNull(metric) &&
	    (!cJSON_IsString(metric) || llmops_metric_parse(metric->valuestring) < 0)) {
		struct llmops_buf names = LLMOPS_BUF_INIT;

		for (size_t k = 0; llmops_metric_names[k]; k++)
			llmops_buf_addf(&names, "%s%s", k ? ", " : "", llmops_metric_names[k]);
		locate(f, d, i, "metric", &line, &col);
		lint_report(l, f, line, col, LR_DATASET_METRIC,
			    "case '%s': unknown metric '%s'; one of %s", c->id,
			    cJSON_IsString(metric) ? metric->valuestring : "(not a string)",
			    names.data);
		llmops_buf_release(&names);
	}
	if (has_expected)
		return;
	locate(f, d, i, NULL, &line, &col);
	if ((metric && !cJSON_IsNull(metric)) || (threshold && !cJSON_IsNull(threshold)))
		lint_report(l, f, line, col, LR_DATASET_EXPECTED,
			    "case '%s' sets a %s but has no \"expected\" to score against; add "
			    "one, or judge it by assertions alone",
			    c->id, metric && !cJSON_IsNull(metric) ? "metric" : "threshold");
	else if (!cJSON_IsArray(asserts) || !asserts->child)
		lint_report(l, f, line, col, LR_DATASET_EXPECTED,
			    "case '%s' has neither \"expected\" nor \"assert\": nothing to judge "
			    "its output by",
			    c->id);
}

int lint_dataset_file(struct llmops_lint *l, struct lint_file *f)
{
	struct lint_dataset *ld;
	struct llmops_err err = {0};
	int rc;

	if (l->ndatasets == l->capdatasets) {
		size_t cap = l->capdatasets ? 2 * l->capdatasets : 16;
		struct lint_dataset *n = realloc(l->datasets, cap * sizeof(*n));

		if (!n)
			return LLMOPS_E_NOMEM;
		l->datasets = n;
		l->capdatasets = cap;
	}
	ld = &l->datasets[l->ndatasets++];
	memset(ld, 0, sizeof(*ld));
	ld->file = f;
	rc = llmops_dataset_parse_ex(&ld->ds, f->path, f->text, f->len,
				     LLMOPS_DATASET_ALLOW_DUPLICATE_IDS, &err);
	if (rc == LLMOPS_E_NOMEM)
		return rc;
	if (rc) {
		lint_report_err(l, f, LR_DATASET_SYNTAX, &err);
		return LLMOPS_OK;
	}
	ld->ok = 1;
	if ((rc = duplicate_ids(l, f, &ld->ds)))
		return rc;
	for (size_t i = 0; i < ld->ds.n; i++)
		check_case(l, f, &ld->ds, i);
	return LLMOPS_OK;
}
