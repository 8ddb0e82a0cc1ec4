/*
 * lint_dataset.c - one dataset: it parses, its ids are unique, and each
 * case can be judged (the check eval and cost make: an expected output
 * where the metric needs one, a threshold in [0, 1], a metric that
 * exists, assertions that parse).
 */
#include "internal.h"

#include "mem.h"

#include "casecheck.h"
#include "json.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where key of case i is: by the case's text (JSON, JSONL), else its line (CSV). */
static void locate(const struct lint_file *f, const struct llmops_dataset *d, size_t i,
		   const char *key, int *line, int *col)
{
	llmops_case_locate(&d->cases[i], f->text, f->len, key, line, col);
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

struct case_report {
	struct llmops_lint *l;
	const struct lint_file *f;
};

/* A problem the shared case check found, as the finding of its rule. */
static void report_problem(void *ud, int kind, int line, int col, const char *msg)
{
	const struct case_report *cr = ud;
	static const int rule[] = {
		[LLMOPS_CASE_THRESHOLD] = LR_DATASET_THRESHOLD,
		[LLMOPS_CASE_METRIC] = LR_DATASET_METRIC,
		[LLMOPS_CASE_ASSERT] = LR_DATASET_ASSERT,
		[LLMOPS_CASE_UNUSED] = LR_DATASET_EXPECTED,
		[LLMOPS_CASE_NOTHING] = LR_DATASET_EXPECTED,
	};
	lint_report(cr->l, cr->f, line, col, rule[kind], "%s", msg);
}

/* One case, checked as eval and cost check it (lib/casecheck.c). */
static void check_case(struct llmops_lint *l, const struct lint_file *f,
		       const struct llmops_dataset *d, size_t i)
{
	struct case_report cr = {l, f};
	llmops_case_check(&d->cases[i], f->text, f->len, report_problem, &cr, NULL);
}

int lint_dataset_file(struct llmops_lint *l, struct lint_file *f)
{
	struct lint_dataset *ld;
	struct llmops_err err = {0};
	int rc;

	if (LLMOPS_GROW(l->datasets, l->ndatasets, l->capdatasets, 16))
		return LLMOPS_E_NOMEM;
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
