/*
 * dataset_view.h - `llmops dataset diff` as JSON and as text.
 */
#ifndef LLMOPS_VIEW_DATASET_VIEW_H
#define LLMOPS_VIEW_DATASET_VIEW_H

#include "dataset_at.h"
#include "dataset_diff.h"
#include "dataset_log.h"
#include "incident.h"
#include "ledger.h"
#include "sgr.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* One side of the comparison: what the user named, where it was read, what it holds. */
struct llmops_dataset_side {
	const char *name; /* as given */
	const struct llmops_dataset_source *src;
	const struct llmops_dataset *d;
};

/* The comparison of a with b as JSON (man/schemas/dataset-diff.schema.json); the
   caller's; NULL when out of memory. */
cJSON *llmops_dataset_diff_json(const struct llmops_dataset_side *a,
				const struct llmops_dataset_side *b,
				const struct llmops_dataset_diff *d);

/* The same as text: a line of counts, then a line a case ("- id", "+ id",
   "~ id: expected, vars.question") with where it stands. */
void llmops_dataset_diff_print(FILE *f, const struct llmops_dataset_side *a,
			       const struct llmops_dataset_side *b,
			       const struct llmops_dataset_diff *d, const struct llmops_sgr *c);

/* The runs recorded for one version of a dataset (its SHA-256), newest first. */
struct llmops_version_runs {
	struct llmops_run *const *runs; /* borrowed */
	size_t n;
};

/* A dataset's versions (h) with the runs of each (runs[i] for h->v[i]) as JSON
   (man/schemas/dataset-log.schema.json); the caller's; NULL when out of memory. */
cJSON *llmops_dataset_log_json(const char *path, const struct llmops_dataset_history *h,
			       const struct llmops_version_runs *runs);

/* The same as text: a line a version, newest first, with its runs. */
void llmops_dataset_log_print(FILE *f, const char *path, const struct llmops_dataset_history *h,
			      const struct llmops_version_runs *runs, const struct llmops_sgr *c);

/* What `dataset add` did: the case c added to path at line, and where it came from, as
   JSON (man/schemas/dataset-add.schema.json; the caller's) and as text. */
cJSON *llmops_incident_json(const char *path, int line, const cJSON *c,
			    const struct llmops_incident_from *from);
void llmops_incident_print(FILE *f, const char *path, int line, const cJSON *c,
			   const struct llmops_incident_from *from);

#endif
