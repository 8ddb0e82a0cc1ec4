/*
 * dataset_diff.h - two versions of a dataset compared case by case, by id:
 * the cases added, removed and changed (and in what), for `llmops dataset diff`.
 */
#ifndef LLMOPS_DATASET_DIFF_H
#define LLMOPS_DATASET_DIFF_H

#include "dataset.h"
#include "error.h"
#include "strlist.h"

#include <stddef.h>

enum llmops_case_change {
	LLMOPS_CASE_REMOVED, /* in a, not in b */
	LLMOPS_CASE_ADDED,   /* in b, not in a */
	LLMOPS_CASE_CHANGED, /* in both, some key differs */
};

struct llmops_case_diff {
	int kind;		    /* enum llmops_case_change */
	const char *id;		    /* borrowed from the datasets compared */
	int line_a, line_b;	    /* where the case starts in each file; 0: not there */
	struct llmops_strlist keys; /* CHANGED: what differs, in b's key order then a's:
				       "expected", "vars.question", ... (owned) */
};

struct llmops_dataset_diff {
	struct llmops_case_diff *cases; /* owned: removed (a's order), then added and changed
					   (b's order) */
	size_t n;
	size_t removed, added, changed, same;
};

/*
 * Compare a with b by case id (a case without one is "case-N", its place in
 * the file, as the loader names it).  Values are compared as JSON values (1 and
 * 1.0 are the same; key order inside an object is not a change).  On success
 * release *out with llmops_dataset_diff_release(); on failure (out of memory)
 * it is left empty.  The result borrows ids from a and b: keep them until it is
 * released.
 */
int llmops_dataset_diff(const struct llmops_dataset *a, const struct llmops_dataset *b,
			struct llmops_dataset_diff *out, struct llmops_err *err);
void llmops_dataset_diff_release(struct llmops_dataset_diff *d);

/* The name of a change kind: "removed", "added", "changed". */
const char *llmops_case_change_name(int kind);

#endif
