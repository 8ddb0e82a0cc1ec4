/*
 * prompt_read.c - the verbs that read the prompt store: list, show,
 * render, diff and log.
 */
#include "prompt_cmd.h"
#include "promptview.h"

#include "hash.h"
#include "options.h"
#include "output.h"

#include <string.h>

/* ---- list ---- */

int prompt_list(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt list",
		     "List every prompt family under prompts/, its versions in semver order, the\n"
		     "version prompts.lock pins, and each file's state against HEAD: committed,\n"
		     "modified, added (staged), untracked or deleted.",
		     "llmops prompt list [--format FORMAT]");
	const char *format = "text";
	const struct llmops_option opts[] = {OPT_FORMAT_ENTRY(&format), OPT_HELP_ENTRY,
					     OPT_END_ENTRY};
	struct llmops_catalog cat;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 0, 0), rc, width = 4;
	int json;
	const struct llmops_sgr sgr = llmops_sgr_of(ctx);

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_store_catalog(env.store, NULL, 1, &cat, &err)) {
		llmops_prompt_env_close(&env);
		return llmops_report(&err);
	}
	for (size_t i = 0; i < cat.n; i++)
		if ((int)strlen(cat.fam[i].name) > width)
			width = (int)strlen(cat.fam[i].name);
	if (width > 40)
		width = 40;
	if (json) {
		cJSON *out = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(out, "prompts");

		for (size_t i = 0; i < cat.n; i++)
			cJSON_AddItemToArray(
				arr,
				llmops_prompt_family_json(
					&cat.fam[i], llmops_lock_find(&env.lock, cat.fam[i].name),
					llmops_lock_canary(&env.lock, cat.fam[i].name)));
		for (size_t i = 0; i < env.lock.n; i++)
			if (!llmops_catalog_find(&cat, env.lock.e[i].name))
				cJSON_AddItemToArray(
					arr,
					llmops_prompt_family_json(
						NULL, &env.lock.e[i],
						llmops_lock_canary(&env.lock, env.lock.e[i].name)));
		cJSON_AddItemToObject(out, "not_versions",
				      cJSON_CreateStringArray((const char *const *)cat.strays.items,
							      (int)cat.strays.nr));
		rc = llmops_emit_out(out, LLMOPS_FORMAT_JSON);
	} else {
		for (size_t i = 0; i < cat.n; i++)
			llmops_prompt_family_text(
				stdout, &cat.fam[i], llmops_lock_find(&env.lock, cat.fam[i].name),
				llmops_lock_canary(&env.lock, cat.fam[i].name), width, &sgr);
		for (size_t i = 0; i < env.lock.n; i++)
			if (!llmops_catalog_find(&cat, env.lock.e[i].name))
				llmops_prompt_family_text(
					stdout, NULL, &env.lock.e[i],
					llmops_lock_canary(&env.lock, env.lock.e[i].name), width,
					&sgr);
		if (!cat.n && !env.lock.n)
			fputs("no prompts yet; 'llmops prompt new NAME' starts one\n", stderr);
	}
	for (size_t i = 0; i < cat.dupes.nr; i++)
		llmops_error("warning: %s exists as both .txt and .json; keep one",
			     cat.dupes.items[i]);
	if (cat.strays.nr && !json)
		llmops_error(
			"note: %zu file%s under prompts/ %s not vMAJOR.MINOR.PATCH.txt or .json "
			"(first: %s); 'llmops prompt list --format json' lists them",
			cat.strays.nr, cat.strays.nr == 1 ? "" : "s",
			cat.strays.nr == 1 ? "is" : "are", cat.strays.items[0]);
	llmops_catalog_release(&cat);
	llmops_prompt_env_close(&env);
	return rc;
}

/* ---- show ---- */

/*
 * The part every reading verb shares: the snapshot at rev (or the work
 * tree), its catalog, and the version ref names.  Returns an exit status.
 */
/* Open the store, then the version arg names at rev (or the work tree); prints errors. */
int prompt_at(struct llmops_prompt_at *r, struct llmops_ctx *ctx, const char *arg, const char *rev,
	      int worktree)
{
	struct llmops_err err = {0};
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = prompt_env_open(&r->env, ctx)))
		return rc;
	return llmops_prompt_at_open(r, arg, rev, worktree, &err) ? llmops_report(&err) : 0;
}

/* The note llmops_prompt_at_note has, on stderr. */
void prompt_at_note(const struct llmops_prompt_at *r, int rendered)
{
	char note[1024];
	if (llmops_prompt_at_note(r, rendered, note, sizeof(note)))
		llmops_error("%s", note);
}

int prompt_show(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt show",
		     "Print a version's template as committed: read from the git object database\n"
		     "at HEAD (or REV), never from the work tree.  Without @VERSION, the version\n"
		     "prompts.lock pins.  --raw prints the whole file, front matter included.",
		     "llmops prompt show NAME[@VERSION] [--rev REV] [--raw] [--format FORMAT]");
	const char *format = "text", *rev = NULL;
	int raw = 0;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "rev", &rev, "REV", "read at this commit, branch or tag", NULL, 0,
		 0},
		{OPT_FLAG, 0, "raw", &raw, NULL, "the whole file, front matter included", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_prompt *p = NULL;
	struct llmops_prompt_at r;
	char blob[LLMOPS_OID_HEX], sha[65];
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (!(rc = prompt_at(&r, ctx, argv[0], rev, 0)))
		rc = prompt_load(&r.src, r.vf->path, r.vf->json, &p, blob);
	if (!rc && !rev)
		prompt_at_note(&r, 0);
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *out = cJSON_CreateObject();
		struct llmops_strlist vars = LLMOPS_STRLIST_INIT;

		llmops_sha256_hex(sha, p->text, p->len);
		llmops_prompt_variables(p, &vars);
		cJSON_AddStringToObject(out, "name", r.ref.name);
		cJSON_AddStringToObject(out, "version", r.vf->version);
		cJSON_AddStringToObject(out, "path", r.vf->path);
		cJSON_AddStringToObject(out, "rev", llmops_snapshot_rev(r.snap));
		cJSON_AddStringToObject(out, "commit", llmops_snapshot_commit(r.snap));
		cJSON_AddStringToObject(out, "blob", blob);
		cJSON_AddStringToObject(out, "sha256", sha);
		cJSON_AddItemToObject(out, "meta", llmops_prompt_meta_json(p));
		cJSON_AddItemToObject(
			out, "variables",
			cJSON_CreateStringArray((const char *const *)vars.items, (int)vars.nr));
		cJSON_AddItemToObject(out, "messages", llmops_prompt_templates_json(p));
		if (raw)
			cJSON_AddStringToObject(out, "text", p->text);
		llmops_strlist_release(&vars);
		rc = llmops_emit_out(out, LLMOPS_FORMAT_JSON);
	} else if (!rc && raw) {
		fwrite(p->text, 1, p->len, stdout);
	} else if (!rc) {
		cJSON *msgs = llmops_prompt_templates_json(p);

		llmops_prompt_messages_text(stdout, msgs, p->has_extras ? p->json : NULL);
		cJSON_Delete(msgs);
	}
	llmops_prompt_free(p);
	llmops_prompt_at_release(&r);
	return rc;
}
