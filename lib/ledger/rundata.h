/*
 * rundata.h - one run and all of its results, read from the ledger into
 * memory (for show, diff, report and the eval baseline).
 *
 * Ownership: llmops_run_data_load() gives the caller a set freed with
 * llmops_run_data_free(); the run, the results and every string they
 * point to belong to the set.
 */
#ifndef LLMOPS_RUNDATA_H
#define LLMOPS_RUNDATA_H

#include "ledger.h"

#include <stddef.h>

struct llmops_run_data {
	struct llmops_run *run;
	struct llmops_result *results; /* in the order they were recorded */
	size_t n;
	struct rundata_block *blocks; /* where the strings live (internal) */
};

/*
 * Load the run ref names (as llmops_ledger_run_get() resolves it) and its
 * results.  Errors as llmops_ledger_run_get(), and LLMOPS_E_NOMEM.
 */
int llmops_run_data_load(struct llmops_ledger *lg, const char *ref, struct llmops_run_data **out,
			 struct llmops_err *err);
void llmops_run_data_free(struct llmops_run_data *d);

/* 1 when some result of d has a repeat index above 0 (eval --repeat), else 0. */
int llmops_run_data_repeated(const struct llmops_run_data *d);

#endif
