/*
 * scaffold.h - what `llmops init` lays down in a project.
 */
#ifndef LLMOPS_SCAFFOLD_H
#define LLMOPS_SCAFFOLD_H

#include "error.h"
#include "strlist.h"

/*
 * What a scaffold did, as paths relative to the root.  The caller owns the
 * struct and releases it with llmops_scaffold_report_release().
 */
struct llmops_scaffold_report {
	struct llmops_strlist created; /* files and directories made */
	struct llmops_strlist updated; /* existing files appended to (.gitignore) */
	struct llmops_strlist kept;    /* already there: left exactly as they were */
};

void llmops_scaffold_report_init(struct llmops_scaffold_report *rep);
void llmops_scaffold_report_release(struct llmops_scaffold_report *rep);

/*
 * Create under root (an existing directory): prompts/ with an example
 * prompt, evals/ with an example dataset, llmops.json, and a `.llmops/`
 * line in .gitignore.  Never overwrites or truncates a file: each file is
 * created exclusively, and .gitignore is only appended to.  On error the
 * report still lists what was done before it.
 * Errors: LLMOPS_E_IO (with the path), LLMOPS_E_NOMEM.
 */
int llmops_scaffold(const char *root, struct llmops_scaffold_report *rep, struct llmops_err *err);

/* One directory under root (rel), or one file created exclusively with content; an existing
   one is kept as it is and reported so. */
int llmops_scaffold_dir(const char *root, const char *rel, struct llmops_scaffold_report *rep,
			struct llmops_err *err);
int llmops_scaffold_file(const char *root, const char *rel, const char *content,
			 struct llmops_scaffold_report *rep, struct llmops_err *err);

/*
 * The CI pipeline of the merge gate (scaffold_ci.c) for kind "github"
 * (.github/workflows/llmops.yml) or "gitlab" (.gitlab-ci.yml), never over an
 * existing file.  LLMOPS_E_USAGE for another kind.
 */
int llmops_scaffold_ci(const char *root, const char *kind, struct llmops_scaffold_report *rep,
		       struct llmops_err *err);

/*
 * What to run after init, appended to out as shell commands (the caller's
 * list): "cd DIR" when dir is not NULL, "git init" outside a repository, the
 * git add and commit of what init made (rep), the pin of the example prompt
 * and the commit of prompts.lock when it is not pinned yet, and the example's
 * evaluation; together they reach a pinned prompt and a passing eval.
 */
int llmops_scaffold_next_steps(const char *root, const char *dir, int in_repo,
			       const struct llmops_scaffold_report *rep,
			       struct llmops_strlist *out);

#endif
