/*
 * dataset_at.h - a dataset as the command line names it: PATH (the work
 * tree's file) or REV:PATH (the file as committed at a git revision).
 */
#ifndef LLMOPS_DATASET_AT_H
#define LLMOPS_DATASET_AT_H

#include "dataset.h"
#include "error.h"
#include "promptenv.h"
#include "store.h"

/* Where a dataset was read from. */
struct llmops_dataset_source {
	char rev[256];		     /* the revision as given; "" for the work tree */
	char commit[LLMOPS_OID_HEX]; /* REV's commit (hex); "" for the work tree */
	char blob[LLMOPS_OID_HEX];   /* the file's blob at REV; "" for the work tree */
	char path[4096];	     /* relative to the repository root */
};

/*
 * Load the dataset arg names into d: "REV:PATH" when arg has a ':' and no
 * work-tree file has that whole name, else PATH.  PATH is relative to the
 * directory env was opened for (as paths given to every command are), or
 * absolute inside the repository.  Errors name arg: LLMOPS_E_NOTFOUND (no such
 * file, or none at REV), LLMOPS_E_USAGE (an unknown revision), LLMOPS_E_INPUT
 * (a dataset that does not parse: file, line and column).  Release d with
 * llmops_dataset_release() either way.
 */
int llmops_dataset_at_load(struct llmops_dataset *d, struct llmops_dataset_source *src,
			   const struct llmops_prompt_env *env, const char *arg,
			   struct llmops_err *err);

#endif
