/*
 * prompt.c - `llmops prompt`: the verb table and what the verbs share.
 */
#include "prompt_cmd.h"

#include "options.h"

#include "image.h"

#include "verbs.h"
#include "workspace.h"

#include <stdlib.h>
#include <string.h>

static const struct llmops_verb verbs[] = {
	{"bundle", prompt_bundle, "every pinned version in one JSON file, for applications"},
	{"diff", prompt_diff, "a unified diff of two versions, from git objects"},
	{"list", prompt_list, "families, versions, the pinned one, and each file's state"},
	{"log", prompt_log, "commits that added or changed versions and moved the pin"},
	{"new", prompt_new, "write the next version file, copied from the newest"},
	{"pin", prompt_pin, "record a committed version in prompts.lock (or a canary beside it)"},
	{"promote", prompt_promote, "make a prompt's canary its stable version"},
	{"render", prompt_render, "the messages a model receives, with variables filled in"},
	{"resolve", prompt_resolve_cmd, "the version a key (a user, a conversation) is served"},
	{"rollback", prompt_rollback, "return a prompt to the stable version pinned before"},
	{"show", prompt_show, "a version's text as committed (HEAD or --rev)"},
	{"unpin", prompt_unpin, "remove a family from prompts.lock"},
	{"verify", prompt_verify, "the CI gate: pins match their blobs; releases unchanged"},
};

LLMOPS_USAGE(usage, "llmops prompt",
	     "The prompt store: prompts/NAME/vX.Y.Z.txt (or .json) read from git through\n"
	     "libgit2.  prompts.lock pins the version production uses; 'verify' is the CI\n"
	     "gate that fails when a pinned or released version changed.",
	     "llmops prompt list [--format FORMAT]",
	     "llmops prompt show NAME[@VERSION] [--rev REV] [--raw]",
	     "llmops prompt new NAME [--bump major|minor|patch]",
	     "llmops prompt pin [NAME@]VERSION [--canary PCT]", "llmops prompt promote NAME",
	     "llmops prompt rollback NAME", "llmops prompt bundle [-o FILE]",
	     "llmops prompt resolve NAME --key KEY", "llmops prompt unpin NAME",
	     "llmops prompt verify [--base REV]", "llmops prompt diff NAME@A NAME@B | NAME@A..B",
	     "llmops prompt log NAME",
	     "llmops prompt render NAME[@VERSION] [--var K=V]... [--vars FILE.json]");

int cmd_prompt(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("prompt", verbs, sizeof(verbs) / sizeof(verbs[0]), argc, argv, ctx,
			       &usage);
}

int prompt_images(const struct llmops_prompt_env *env, cJSON *messages)
{
	struct llmops_err err = {0};
	return llmops_images_resolve(messages, llmops_store_root(env->store), &err)
		       ? llmops_report(&err)
		       : 0;
}

int prompt_env_open(struct llmops_prompt_env *env, struct llmops_ctx *ctx)
{
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	int rc = llmops_ctx_workspace(ctx, &ws);
	memset(env, 0, sizeof(*env));
	if (rc)
		return rc;
	char *cwd = realpath(".", NULL);
	rc = llmops_prompt_env_open(env, ws->root, cwd, &err);
	free(cwd);
	return rc ? llmops_report(&err) : 0;
}

const struct llmops_family *prompt_find_family(const struct llmops_catalog *cat, const char *name)
{
	struct llmops_err err = {0};
	const struct llmops_family *f = llmops_prompt_find_family(cat, name, &err);
	if (!f)
		llmops_report(&err);
	return f;
}

int prompt_resolve(struct llmops_prompt_env *env, const struct llmops_catalog *cat,
		   const struct llmops_promptref *ref, const struct llmops_version_file **out)
{
	struct llmops_err err = {0};
	return llmops_prompt_resolve(env, cat, ref, out, &err) ? llmops_report(&err) : 0;
}

int prompt_load(const struct llmops_prompt_source *src, const char *path, int json,
		struct llmops_prompt **out, char blob[LLMOPS_OID_HEX])
{
	struct llmops_err err = {0};
	return llmops_prompt_load(src, path, json, out, blob, &err) ? llmops_report(&err) : 0;
}

int prompt_lock_verb(int argc, char **argv, const struct llmops_usage *u, struct llmops_ctx *ctx,
		     int (*change)(struct llmops_prompt_env *env, const char *name,
				   struct llmops_pin_result *r, struct llmops_err *err),
		     struct llmops_pin_result *r)
{
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, u, 1, 1), rc;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n) ? LLMOPS_OPT_EXIT(n) : -1;
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (change(&env, argv[0], r, &err))
		rc = llmops_report(&err);
	llmops_prompt_env_close(&env);
	return rc;
}
