/*
 * prompt_read.c - the verbs that read the prompt store: list, show,
 * render, diff and log.
 */
#include "prompt_cmd.h"
#include "promptview.h"
#include "pinclosure.h"

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "options.h"
#include "output.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- list ---- */

int prompt_list(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt list [--format FORMAT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt list",
		syn,
		"List every prompt family under prompts/, its versions in semver order, the\n"
		"version prompts.lock pins, and each file's state against HEAD: committed,\n"
		"modified, added (staged), untracked or deleted.",
	};
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
static int resolve_at(struct llmops_prompt_at *r, struct llmops_ctx *ctx, const char *arg,
		      const char *rev, int worktree)
{
	struct llmops_err err = {0};
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = prompt_env_open(&r->env, ctx)))
		return rc;
	return llmops_prompt_at_open(r, arg, rev, worktree, &err) ? llmops_report(&err) : 0;
}

/* The note llmops_prompt_at_note has, on stderr. */
static void note_worktree(const struct llmops_prompt_at *r, int rendered)
{
	char note[1024];
	if (llmops_prompt_at_note(r, rendered, note, sizeof(note)))
		llmops_error("%s", note);
}

int prompt_show(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {
		"llmops prompt show NAME[@VERSION] [--rev REV] [--raw] [--format FORMAT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt show",
		syn,
		"Print a version's template as committed: read from the git object database\n"
		"at HEAD (or REV), never from the work tree.  Without @VERSION, the version\n"
		"prompts.lock pins.  --raw prints the whole file, front matter included.",
	};
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
	if (!(rc = resolve_at(&r, ctx, argv[0], rev, 0)))
		rc = prompt_load(&r.src, r.vf->path, r.vf->json, &p, blob);
	if (!rc && !rev)
		note_worktree(&r, 0);
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

/* ---- render ---- */

int prompt_render(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {
		"llmops prompt render NAME[@VERSION] [--var K=V]... [--vars FILE.json] [--rev REV]",
		"                     [--worktree] [--strict] [--format FORMAT]",
		NULL,
	};
	static const struct llmops_usage u = {
		"llmops prompt render",
		syn,
		"Render a version with variables into the messages a model receives.  Reads\n"
		"the committed text at HEAD (or REV); --worktree renders the file on disk,\n"
		"for iterating before a commit.  A variable or partial with no value is\n"
		"warned about on stderr and renders empty; --strict makes it an error.\n"
		"--format json prints the OpenAI messages array.",
	};
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
		rc = resolve_at(&r, ctx, argv[0], rev, worktree);
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
		note_worktree(&r, 1);
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
	static const char *const syn[] = {
		"llmops prompt diff NAME@A NAME@B [--rev REV] [--format FORMAT]",
		"llmops prompt diff NAME@A..B [--rev REV] [--format FORMAT]",
		NULL,
	};
	static const struct llmops_usage u = {
		"llmops prompt diff",
		syn,
		"A unified diff between two versions, computed from the git objects at HEAD\n"
		"(or REV).  Exit 0 whether or not they differ.",
	};
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
	if (!(rc = resolve_at(&r, ctx, first, rev, 0))) {
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

/* ---- log ---- */

struct log_out {
	cJSON *events; /* JSON mode: collected here */
	struct llmops_ctx *ctx;
	size_t count;
};

static int log_event(void *ud, const struct llmops_log_event *ev)
{
	struct log_out *lo = ud;
	lo->count++;
	if (lo->events) {
		cJSON_AddItemToArray(lo->events, llmops_prompt_log_json(ev));
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(lo->ctx);
		llmops_prompt_log_print(stdout, ev, &sgr);
	}
	return 0;
}

/* The render closure whose partials prompt log follows: the pin's, else the newest version's
   at HEAD (nothing when neither can be read). */
static void log_partials(struct llmops_prompt_env *env, const char *name,
			 struct llmops_lock_entry *cl)
{
	const struct llmops_lock_entry *pe = llmops_lock_find(&env->lock, name);
	struct llmops_snapshot *head = NULL;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	if (pe && pe->has_partials) {
		*cl = *pe;
		return;
	}
	if (!llmops_snapshot_open(&head, env->store, NULL, &err) &&
	    !llmops_store_catalog(env->store, head, 0, &cat, &err)) {
		const struct llmops_family *f = llmops_catalog_find(&cat, name);
		const char *path = pe ? pe->path : f && f->n ? f->files[f->n - 1].path : NULL;
		if (path)
			(void)llmops_pin_closure_at(head, path, cl, &err);
	}
	llmops_catalog_release(&cat);
	llmops_snapshot_free(head);
}

int prompt_log(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt log NAME [--format FORMAT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt log",
		syn,
		"The commits that added, changed or deleted each version of NAME, that\n"
		"changed a partial the pinned version (else the newest) includes, and that\n"
		"moved its pin in prompts.lock, newest first.  In a shallow clone the\n"
		"history stops at the clone's boundary, and says so.",
	};
	const char *format = "text";
	const struct llmops_option opts[] = {OPT_FORMAT_ENTRY(&format), OPT_HELP_ENTRY,
					     OPT_END_ENTRY};
	struct log_out lo = {NULL, ctx, 0};
	struct llmops_promptref ref;
	struct llmops_catalog cat;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 0, 0, &err))
		return llmops_report(&err);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON)
		lo.events = cJSON_CreateArray();
	/* the partials the pinned version renders (else the newest version's) */
	struct llmops_lock_entry *cl = calloc(1, sizeof(*cl));
	char paths[LLMOPS_LOCK_MAX_PARTIALS][LLMOPS_NAME_MAX + 64];
	const char *pp[LLMOPS_LOCK_MAX_PARTIALS];
	size_t np = 0;
	if (!cl) {
		llmops_prompt_env_close(&env);
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	log_partials(&env, ref.name, cl);
	for (size_t i = 0; i < cl->npartials; i++) {
		snprintf(paths[np], sizeof(paths[np]), LLMOPS_PARTIALS_DIR "/%s.txt",
			 cl->partials[i].name);
		pp[np] = paths[np];
		np++;
	}
	free(cl);
	if (!lo.events)
		llmops_pager_start(ctx);
	if (llmops_store_log_ex(env.store, ref.name, pp, np, log_event, &lo, &err)) {
		rc = llmops_report(&err);
	} else if (!lo.count) {
		/* Nothing in history: an unknown name gets the list; a new family a note. */
		if (llmops_store_catalog(env.store, NULL, 1, &cat, &err)) {
			rc = llmops_report(&err);
		} else {
			if (!prompt_find_family(&cat, ref.name))
				rc = LLMOPS_EXIT_USAGE;
			else
				llmops_error("note: '%s' has no commits yet", ref.name);
			llmops_catalog_release(&cat);
		}
	}
	if (!rc && lo.events) {
		rc = llmops_emit_out(lo.events, LLMOPS_FORMAT_JSON);
		lo.events = NULL;
	}
	cJSON_Delete(lo.events);
	llmops_prompt_env_close(&env);
	return rc;
}
