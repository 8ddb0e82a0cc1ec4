/*
 * run_fmt.c - picking the run a command shows, and a block of text on stdout.
 */
#include "run_fmt.h"

#include "llmops.h"

const char *runfmt_pick(struct llmops_ledger *lg, const char *ref, const char *dataset,
			char id[LLMOPS_RUNID_LEN + 1], int *rc)
{
	struct llmops_err err = {0};

	if (!ref)
		ref = "last";
	if (!dataset)
		return ref;
	if (llmops_ledger_run_of_dataset(lg, ref, dataset, id, &err)) {
		*rc = llmops_report(&err);
		return NULL;
	}
	return id;
}
