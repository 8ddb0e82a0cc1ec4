/*
 * verbs.h - commands with verbs (`llmops ledger check`, `llmops prompt pin`):
 * one small table per command, and one dispatcher that finds the verb,
 * prints the usage for --help, and suggests a near verb for a typo.
 */
#ifndef LLMOPS_VERBS_H
#define LLMOPS_VERBS_H

#include "llmops.h"
#include "options.h"

#include <stddef.h>

struct llmops_verb {
	const char *name;					  /* "pin" */
	int (*fn)(int argc, char **argv, struct llmops_ctx *ctx); /* argv[0] is the verb */
	const char *summary;					  /* one line */
};

/*
 * Run the verb named by argv[1] (argv[0] is the command) from the table
 * of n verbs, sorted by name.  Returns the verb's exit status, or prints
 * what is wrong (missing or unknown verb, with the list) and returns
 * LLMOPS_EXIT_USAGE.  `-h` before a verb prints usage and returns 0.
 */
int llmops_run_verb(const char *command, const struct llmops_verb *verbs, size_t n, int argc,
		    char **argv, struct llmops_ctx *ctx, const struct llmops_usage *usage);

#endif
