/*
 * run_fmt.h - what the commands that read the ledger share beyond lib/view's
 * runfmt.h: the run a RUN argument picks, and a block of text on stdout.
 */
#ifndef LLMOPS_CMD_RUN_FMT_H
#define LLMOPS_CMD_RUN_FMT_H

#include "runfmt.h"

/*
 * The run a command's RUN argument names (default 'last'), among the runs of
 * dataset when it is not NULL (--dataset FILE: 'last' is that dataset's
 * newest run).  Returns ref, or id filled in; NULL after printing the error
 * (*rc the exit code).
 */
const char *runfmt_pick(struct llmops_ledger *lg, const char *ref, const char *dataset,
			char id[LLMOPS_RUNID_LEN + 1], int *rc);

#endif
