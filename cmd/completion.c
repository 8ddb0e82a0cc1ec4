/*
 * completion.c - `llmops completion bash|zsh|fish`: shell completion
 * scripts generated from the command table and each command's own option
 * table (read by running each command with llmops_option_dump set, so the
 * scripts cannot drift from the parser), and `llmops __complete
 * prompts|runs`, which the scripts call for prompt names and versions and
 * run ids.
 */
#include "llmops.h"

#include "completion.h"

#include "ledger.h"
#include "options.h"
#include "store.h"
#include "workspace.h"

#include <stdlib.h>
#include <string.h>

/* Run fn with argv {a, b} in dump mode; what it appended. */
static void dump(const struct llmops_command *c, const char *verb, struct llmops_strlist *out,
		 struct llmops_ctx *ctx)
{
	char a[64], b[64];
	char *argv[3] = {a, verb ? b : NULL, NULL};
	snprintf(a, sizeof(a), "%s", c->name);
	if (verb)
		snprintf(b, sizeof(b), "%s", verb);
	llmops_option_dump = out;
	c->fn(verb ? 2 : 1, argv, ctx);
	llmops_option_dump = NULL;
}

static int is_hidden(const char *name)
{
	return !strncmp(name, "__", 2);
}

static struct llmops_completion_cmd *collect(struct llmops_ctx *ctx)
{
	struct llmops_completion_cmd *ci = calloc(llmops_ncommands, sizeof(*ci));
	for (size_t i = 0; ci && i < llmops_ncommands; i++) {
		struct llmops_strlist all = LLMOPS_STRLIST_INIT;
		const struct llmops_command *cmd = &llmops_commands[i];
		ci[i].name = cmd->name;
		ci[i].summary = cmd->summary;
		if (is_hidden(cmd->name))
			continue;
		dump(cmd, NULL, &all, ctx);
		for (size_t k = 0; k < all.nr; k++)
			llmops_strlist_append(
				!strncmp(all.items[k], "verb:", 5) ? &ci[i].verbs : &ci[i].opts,
				all.items[k] + (strncmp(all.items[k], "verb:", 5) ? 0 : 5));
		llmops_strlist_release(&all);
		if (ci[i].verbs.nr && !(ci[i].vopts = calloc(ci[i].verbs.nr, sizeof(*ci[i].vopts))))
			break;
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char name[64];
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(ci[i].verbs.items[v], "\t"), ci[i].verbs.items[v]);
			dump(cmd, name, &ci[i].vopts[v], ctx);
		}
	}
	return ci;
}

static void release(struct llmops_completion_cmd *ci)
{
	for (size_t i = 0; ci && i < llmops_ncommands; i++) {
		for (size_t v = 0; ci[i].vopts && v < ci[i].verbs.nr; v++)
			llmops_strlist_release(&ci[i].vopts[v]);
		free(ci[i].vopts);
		llmops_strlist_release(&ci[i].opts);
		llmops_strlist_release(&ci[i].verbs);
	}
	free(ci);
}

int cmd_completion(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		usage, "llmops completion",
		"Print a completion script for the shell, generated from llmops's own\n"
		"command and option tables: commands, verbs, options and the values they\n"
		"choose from, prompt names and versions, run ids.  bash: source it, or put it\n"
		"in ~/.local/share/bash-completion/completions/llmops; zsh: as _llmops in a\n"
		"directory of $fpath; fish: ~/.config/fish/completions/llmops.fish.  meson\n"
		"install puts all three in the system's places.",
		"llmops completion bash|zsh|fish");
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	int n = llmops_parse_command(argc, argv, opts, &usage, 1, 1);
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	const char *sh = argv[0];
	if (strcmp(sh, "bash") && strcmp(sh, "zsh") && strcmp(sh, "fish")) {
		llmops_error("completion: no script for '%s'; bash, zsh or fish", sh);
		return LLMOPS_EXIT_USAGE;
	}
	/* the commands print nothing in dump mode; anything that slips out goes nowhere */
	fflush(stdout);
	FILE *saved = stdout, *null = fopen("/dev/null", "w");
	if (null)
		stdout = null;
	struct llmops_completion_cmd *ci = collect(ctx);
	stdout = saved;
	if (null)
		fclose(null);
	if (!ci) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	if (!strcmp(sh, "fish"))
		llmops_completion_fish(stdout, ci, llmops_ncommands);
	else if (!strcmp(sh, "zsh"))
		llmops_completion_zsh(stdout, ci, llmops_ncommands);
	else
		llmops_completion_bash(stdout, ci, llmops_ncommands);
	release(ci);
	return fflush(stdout) ? LLMOPS_EXIT_RUNTIME : 0;
}

/* `llmops __complete prompts|runs|reviews`: candidates, one a line; silent when there are none. */
int cmd_complete(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct llmops_err err = {0};
	if (argc != 2)
		return LLMOPS_EXIT_USAGE;
	if (!ctx->global_init) { /* libgit2 for the prompts; the table says NEED_NOTHING so that
				    an error is never printed */
		if (llmops_global_init(&err))
			return 0;
		ctx->global_init = 1;
	}
	if (!strcmp(argv[1], "prompts")) {
		struct llmops_workspace *ws;
		struct llmops_store *s = NULL;
		struct llmops_catalog cat;
		memset(&cat, 0, sizeof(cat));
		if (llmops_ctx_workspace(ctx, &ws) || !ws->in_repo ||
		    llmops_store_open(&s, ws->root, &err) ||
		    llmops_store_catalog(s, NULL, 0, &cat, &err)) {
			llmops_store_free(s);
			return 0;
		}
		for (size_t i = 0; i < cat.n; i++) {
			/* only names a prompt can have: a shell never gets anything else */
			if (llmops_prompt_name_check(cat.fam[i].name, "prompt name", NULL))
				continue;
			printf("%s\n", cat.fam[i].name);
			for (size_t k = 0; k < cat.fam[i].n; k++)
				printf("%s@%s\n", cat.fam[i].name, cat.fam[i].files[k].version);
		}
		llmops_catalog_release(&cat);
		llmops_store_free(s);
		return 0;
	}
	if (!strcmp(argv[1], "reviews")) { /* review ids, the pending first */
		struct llmops_ledger *lg;
		struct llmops_review **rv = NULL;
		size_t n = 0;
		FILE *saved = stderr;
		stderr = fopen("/dev/null", "w");
		int rc = llmops_ctx_ledger_read(ctx, &lg);
		if (stderr)
			fclose(stderr);
		stderr = saved;
		if (rc || llmops_ledger_reviews_list(lg, NULL, NULL, &rv, &n, &err))
			return 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n; i++)
				if ((pass == 0) == !strcmp(rv[i]->status, "pending"))
					printf("%lld\n", (long long)rv[i]->id);
		llmops_reviews_free(rv, n);
		return 0;
	}
	if (!strcmp(argv[1], "runs")) {
		struct llmops_ledger *lg;
		struct llmops_run_filter f = {0};
		struct llmops_run **runs = NULL;
		size_t n = 0;
		FILE *saved = stderr;
		f.limit = 100;
		stderr = fopen("/dev/null",
			       "w"); /* a note about a read-only ledger is no candidate */
		int rc = llmops_ctx_ledger_read(ctx, &lg);
		if (stderr)
			fclose(stderr);
		stderr = saved;
		if (rc || llmops_ledger_runs_list(lg, &f, &runs, &n, &err))
			return 0;
		puts("last");
		for (size_t i = 0; i < n; i++)
			if (llmops_runid_valid(runs[i]->id)) /* never a word a shell would act on */
				printf("%s\n", runs[i]->id);
		llmops_runs_free(runs, n);
		return 0;
	}
	return LLMOPS_EXIT_USAGE;
}
