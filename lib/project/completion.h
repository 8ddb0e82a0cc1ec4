/*
 * completion.h - shell completion scripts for bash, zsh and fish, written
 * from a description of the commands: each command's options ("--name",
 * "--name=" for one that takes a value, "--name=a|b" for a choice, "-c"),
 * its verbs ("NAME\tSUMMARY") and each verb's options.  The scripts call
 * `llmops __complete` for prompt names, versions and run ids.  Commands
 * whose name starts with "__" are left out.
 */
#ifndef LLMOPS_PROJECT_COMPLETION_H
#define LLMOPS_PROJECT_COMPLETION_H

#include "strlist.h"

#include <stddef.h>
#include <stdio.h>

struct llmops_completion_cmd {
	const char *name, *summary;   /* borrowed */
	struct llmops_strlist opts;   /* "--name", "--name=", "--name=a|b", "-c" */
	struct llmops_strlist verbs;  /* "NAME\tSUMMARY" */
	struct llmops_strlist *vopts; /* per verb, as opts */
};

/* The script for each shell of the n commands ci, on f. */
void llmops_completion_bash(FILE *f, const struct llmops_completion_cmd *ci, size_t n);
void llmops_completion_zsh(FILE *f, const struct llmops_completion_cmd *ci, size_t n);
void llmops_completion_fish(FILE *f, const struct llmops_completion_cmd *ci, size_t n);

#endif
