/*
 * init.c - `llmops init [DIR]`: scaffold a project, never overwriting.
 */
#include "llmops.h"

#include "options.h"
#include "output.h"
#include "scaffold.h"
#include "workspace.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

LLMOPS_USAGE(usage, "llmops init",
	     "Create prompts/ with an example prompt, evals/ with an example dataset,\n"
	     "llmops.json, and a '.llmops/' line in .gitignore, at the root of the git\n"
	     "work tree (or in DIR).  Existing files are never overwritten: each is\n"
	     "reported as kept.  --ci github|gitlab also writes the merge gate as a\n"
	     "pipeline (.github/workflows/llmops.yml or .gitlab-ci.yml): lint as SARIF,\n"
	     "prompt verify and cost against the target branch, eval in 4 shards compared\n"
	     "with the target branch's runs, the shards merged and reported, and ledger push\n"
	     "on the default branch.",
	     "llmops init [--ci github|gitlab] [--format FORMAT] [DIR]");

static cJSON *paths_json(const struct llmops_strlist *l)
{
	return cJSON_CreateStringArray((const char *const *)l->items, (int)l->nr);
}

static void print_text(const struct llmops_scaffold_report *rep, const char *root,
		       const struct llmops_strlist *next)
{
	for (size_t i = 0; i < rep->created.nr; i++)
		printf("created %s\n", rep->created.items[i]);

	for (size_t i = 0; i < rep->updated.nr; i++)
		printf("updated %s (added .llmops/)\n", rep->updated.items[i]);
	for (size_t i = 0; i < rep->kept.nr; i++)
		printf("kept    %s (already there, left as it was)\n", rep->kept.items[i]);
	if (!rep->created.nr && !rep->updated.nr)
		printf("%s already has everything llmops init makes; nothing changed\n", root);
	else if (rep->kept.nr)
		printf("\nllmops init added %zu path%s to this project and appended to %zu file%s "
		       "(the lines above); the %zu it found are as they were\n",
		       rep->created.nr, rep->created.nr == 1 ? "" : "s", rep->updated.nr,
		       rep->updated.nr == 1 ? "" : "s", rep->kept.nr);
	if (next->nr) {
		printf("\nnext steps:\n");
		for (size_t i = 0; i < next->nr; i++)
			printf("  %s\n", next->items[i]);
	}
}

int cmd_init(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const ci_kinds[] = {"github", "gitlab", NULL};
	const char *format = "text", *ci = NULL;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "ci", &ci, "KIND",
		 "also write the merge gate's pipeline: github or gitlab", ci_kinds, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_scaffold_report rep;
	struct llmops_strlist next = LLMOPS_STRLIST_INIT;
	struct llmops_workspace *ws, dir_ws = {0};
	struct llmops_err err = {0};
	const char *root;
	cJSON *out;
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, 1), rc, in_repo;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (n == 1) {
		if (mkdir(argv[0], 0777) < 0 && errno != EEXIST) {
			llmops_error("init: cannot create directory '%s': %s", argv[0],
				     strerror(errno));
			return LLMOPS_EXIT_USAGE;
		}
		if (llmops_workspace_find(&dir_ws, argv[0], &err))
			return llmops_report(&err);
		/* DIR itself, even inside a larger work tree: the user named it */
		root = argv[0];
		in_repo = dir_ws.in_repo;
	} else {
		if ((rc = llmops_ctx_workspace(ctx, &ws)))
			return rc;
		root = ws->root;
		in_repo = ws->in_repo;
	}
	llmops_scaffold_report_init(&rep);
	rc = llmops_scaffold(root, &rep, &err);
	if (!rc && ci)
		rc = llmops_scaffold_ci(root, ci, &rep, &err);
	if (!rc)
		llmops_scaffold_next_steps(root, n == 1 ? argv[0] : NULL, in_repo, &rep, &next);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "root", root);
		cJSON_AddBoolToObject(out, "in_git_repository", in_repo);
		cJSON_AddItemToObject(out, "created", paths_json(&rep.created));
		cJSON_AddItemToObject(out, "updated", paths_json(&rep.updated));
		cJSON_AddItemToObject(out, "kept", paths_json(&rep.kept));
		cJSON_AddItemToObject(out, "next_steps", paths_json(&next));
		if (llmops_emit(stdout, out, LLMOPS_FORMAT_JSON))
			llmops_error("out of memory");
		cJSON_Delete(out);
	} else {
		print_text(&rep, root, &next);
	}
	llmops_scaffold_report_release(&rep);
	llmops_strlist_release(&next);
	llmops_workspace_release(&dir_ws);
	if (rc)
		return llmops_report(&err);
	if (!in_repo)
		fprintf(stderr,
			"llmops: note: '%s' is not inside a git work tree; llmops versions "
			"prompts with git: run 'git init' there\n",
			root);
	return 0;
}
