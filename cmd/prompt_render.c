/*
 * prompt_render.c - `llmops prompt render` (the messages a model receives,
 * variables filled in) and `llmops prompt diff` (two versions from git).
 */
#include "prompt_cmd.h"
#include "promptview.h"

#include "options.h"
#include "output.h"

#include <string.h>

/* ---- render ---- */

int prompt_render(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops prompt render",
		"Render a version with variables into the messages a model receives.  Reads\n"
		"the committed text at HEAD (or REV); --worktree renders the file on disk,\n"
		"for iterating before a commit.  A variable or partial with no value is\n"
		"warned about on stderr and renders empty; --strict makes it an error.\n"
		"--format json prints the OpenAI messages array.",
		"llmops prompt render NAME[@VERSION] [--var K=V]... [--vars FILE.json] [--rev REV]",
		"                     [--worktree] [--strict] [--format FORMAT]");
	struct llmops_strlist pairs = LLMOPS_STRLIST_INIT, missing = LLMOPS_STRLIST_INIT;
	const char *format = "text", *rev = NULL, *vars_file = NULL;
	int worktree = 0, strict = 0;
	const struct llmops_option opts[] = {
		{OPT_LIST, 0, "var", &pairs, "K=V", "set variable K to the string V (repeatable)",
		 NULL, 0, 0},
		{OPT_STRING, 0, "vars", &vars_file, "FILE", "variables from a JSON object", NULL, 0,
		 0},
		{OPT_STRING, 0, "rev", &rev, "REV", "read at this commit, branch or tag", NULL, 0,
		 0},
		{OPT_FLAG, 0, "worktree", &worktree, NULL, "render the work tree's file", NULL, 0,
		 0},
		{OPT_FLAG, 0, "strict", &strict, NULL, "a missing variable or partial is an error",
		 NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_render_opts ropts = {llmops_prompt_partial, NULL, &missing};
	struct llmops_prompt *p = NULL;
	struct llmops_err err = {0};
	cJSON *vars = NULL, *msgs = NULL, *extra = NULL;
	struct llmops_prompt_at r;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0) {
		llmops_strlist_release(&pairs);
		return LLMOPS_OPT_EXIT(n);
	}
	if (worktree && rev) {
		llmops_error("render: --rev and --worktree exclude each other");
		llmops_strlist_release(&pairs);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = llmops_prompt_vars(vars_file, &pairs, &vars, &err)))
		rc = llmops_report(&err);
	if (!rc)
		rc = prompt_at(&r, ctx, argv[0], rev, worktree);
	else
		memset(&r, 0, sizeof(r));
	if (!rc && !worktree && !rev) {
		/* the pinned version renders with its partials as they were at the pin */
		const struct llmops_lock_entry *pe = llmops_lock_find(&r.env.lock, r.ref.name);
		if (pe && pe->has_partials && !strcmp(pe->version, r.vf->version))
			r.src.pin = pe;
	}
	if (!rc)
		rc = prompt_load(&r.src, r.vf->path, r.vf->json, &p, NULL);
	if (!rc && !worktree && !rev)
		prompt_at_note(&r, 1);
	ropts.partial_ud = &r.src;
	if (!rc && (llmops_prompt_render(p, vars, &ropts, &msgs, &err) ||
		    llmops_prompt_render_extra(p, vars, &ropts, &extra, &err)))
		rc = llmops_report(&err);
	/* JSON is what a request sends: images as their bytes */
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON)
		rc = prompt_images(&r.env, msgs);
	for (size_t i = 0; !rc && i < missing.nr; i++) {
		if (missing.items[i][0] == '>')
			llmops_error("%s: partial '%s' not found (" LLMOPS_PARTIALS_DIR
				     "/%s.txt); it renders as nothing",
				     strict ? "error" : "warning", missing.items[i] + 1,
				     missing.items[i] + 1);
		else
			llmops_error("%s: variable '%s' has no value; it renders as nothing "
				     "(--var %s=... or --vars FILE)",
				     strict ? "error" : "warning", missing.items[i],
				     missing.items[i]);
	}
	if (!rc && strict && missing.nr)
		rc = LLMOPS_EXIT_USAGE;
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		/* what would be sent: the messages, and with a prompt's tools an object of them */
		if (extra) {
			cJSON_AddItemToObject(extra, "messages", msgs);
			msgs = NULL;
			rc = llmops_emit_out(extra, LLMOPS_FORMAT_JSON);
			extra = NULL;
		} else {
			rc = llmops_emit_out(msgs, LLMOPS_FORMAT_JSON);
			msgs = NULL;
		}
	} else if (!rc) {
		llmops_prompt_messages_text(stdout, msgs, extra);
	}
	cJSON_Delete(msgs);
	cJSON_Delete(extra);
	cJSON_Delete(vars);
	llmops_prompt_free(p);
	llmops_strlist_release(&pairs);
	llmops_strlist_release(&missing);
	llmops_prompt_at_release(&r);
	return rc;
}

/* ---- diff ---- */

int prompt_diff(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt diff",
		     "A unified diff between two versions, computed from the git objects at HEAD\n"
		     "(or REV).  Exit 0 whether or not they differ.",
		     "llmops prompt diff NAME@A NAME@B [--rev REV] [--format FORMAT]",
		     "llmops prompt diff NAME@A..B [--rev REV] [--format FORMAT]");
	const char *format = "text", *rev = NULL;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "rev", &rev, "REV", "read at this commit, branch or tag", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_promptref a, b, range;
	char first[LLMOPS_NAME_MAX + 80];
	const struct llmops_version_file *va = NULL, *vb = NULL;
	struct llmops_buf patch = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	struct llmops_prompt_at r;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 2), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (n == 1) {
		if (llmops_promptref_parse(&range, argv[0], 0, 1, &err))
			return llmops_report(&err);
		if (!range.version2[0]) {
			llmops_error("diff: give two versions: %s@A..B or %s@A %s@B", range.name,
				     range.name, range.name);
			return LLMOPS_EXIT_USAGE;
		}
		a = range;
		b = range;
		memcpy(b.version, range.version2, sizeof(b.version));
	} else if (llmops_promptref_parse(&a, argv[0], 0, 0, &err) ||
		   llmops_promptref_parse(&b, argv[1], 0, 0, &err)) {
		return llmops_report(&err);
	}
	if (!a.version[0] || !b.version[0]) {
		llmops_error("diff: name both versions, such as %s@v1.0.0", a.name);
		return LLMOPS_EXIT_USAGE;
	}
	snprintf(first, sizeof(first), "%s@%s", a.name, a.version);
	if (!(rc = prompt_at(&r, ctx, first, rev, 0))) {
		va = r.vf;
		rc = prompt_resolve(&r.env, &r.cat, &b, &vb);
	}
	if (!rc &&
	    llmops_store_diff(r.env.store, va->blob, va->path, vb->blob, vb->path, 3, &patch, &err))
		rc = llmops_report(&err);
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *out = cJSON_CreateObject();

		cJSON_AddStringToObject(out, "from", va->path);
		cJSON_AddStringToObject(out, "to", vb->path);
		cJSON_AddStringToObject(out, "from_blob", va->blob);
		cJSON_AddStringToObject(out, "to_blob", vb->blob);
		cJSON_AddBoolToObject(out, "identical", patch.len == 0);
		cJSON_AddStringToObject(out, "patch", patch.data);
		rc = llmops_emit_out(out, LLMOPS_FORMAT_JSON);
	} else if (!rc) {
		llmops_pager_start(ctx);
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_patch_print(stdout, patch.data, &sgr);
	}
	llmops_buf_release(&patch);
	llmops_prompt_at_release(&r);
	return rc;
}
