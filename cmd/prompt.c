/*
 * prompt.c - `llmops prompt`: the verb table and what the verbs share.
 */
#include "prompt_cmd.h"

#include "image.h"
#include "safepath.h"

#include "buf.h"
#include "suggest.h"
#include "utf8.h"
#include "verbs.h"
#include "workspace.h"

#include <errno.h>
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

static const char *const synopsis[] = {
	"llmops prompt list [--format FORMAT]",
	"llmops prompt show NAME[@VERSION] [--rev REV] [--raw]",
	"llmops prompt new NAME [--bump major|minor|patch]",
	"llmops prompt pin [NAME@]VERSION [--canary PCT]",
	"llmops prompt promote NAME",
	"llmops prompt rollback NAME",
	"llmops prompt bundle [-o FILE]",
	"llmops prompt resolve NAME --key KEY",
	"llmops prompt unpin NAME",
	"llmops prompt verify [--base REV]",
	"llmops prompt diff NAME@A NAME@B | NAME@A..B",
	"llmops prompt log NAME",
	"llmops prompt render NAME[@VERSION] [--var K=V]... [--vars FILE.json]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops prompt",
	synopsis,
	"The prompt store: prompts/NAME/vX.Y.Z.txt (or .json) read from git through\n"
	"libgit2.  prompts.lock pins the version production uses; 'verify' is the CI\n"
	"gate that fails when a pinned or released version changed.",
};

int cmd_prompt(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("prompt", verbs, sizeof(verbs) / sizeof(verbs[0]), argc, argv, ctx,
			       &usage);
}

int prompt_images(const struct prompt_env *env, cJSON *messages)
{
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	int rc = llmops_ctx_workspace(env->ctx, &ws);
	if (rc)
		return rc;
	return llmops_images_resolve(messages, ws->root, &err) ? llmops_report(&err) : 0;
}

static int env_open(struct prompt_env *env, struct llmops_ctx *ctx)
{
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char *cwd;
	size_t rl;
	int rc;

	memset(env, 0, sizeof(*env));
	env->ctx = ctx;
	if ((rc = llmops_ctx_workspace(ctx, &ws)))
		return rc;
	if (llmops_store_open(&env->store, ws->root, &err))
		return llmops_report(&err);
	llmops_buf_addf(&b, "%s/" LLMOPS_LOCK_FILE, ws->root);
	env->lock_path = llmops_buf_detach(&b, NULL);
	cwd = realpath(".", NULL);
	rl = strlen(ws->root);
	env->prefix = strdup(cwd && !strncmp(cwd, ws->root, rl) && (cwd[rl] == '/' || !cwd[rl])
				     ? cwd + rl + (cwd[rl] == '/')
				     : "");
	free(cwd);
	if (!env->lock_path || !env->prefix) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	if (llmops_lock_read(&env->lock, env->lock_path, &env->lock_exists, &err))
		return llmops_report(&err);
	return 0;
}

int prompt_env_open(struct prompt_env *env, struct llmops_ctx *ctx)
{
	int rc = env_open(env, ctx);

	if (rc)
		prompt_env_close(env);
	return rc;
}

void prompt_env_close(struct prompt_env *env)
{
	llmops_lock_release(&env->lock);
	llmops_store_free(env->store);
	free(env->lock_path);
	free(env->prefix);
	memset(env, 0, sizeof(*env));
}

/* "a, b, c" (at most 12, then "..."), for messages. */
static void join_names(struct llmops_buf *b, const struct llmops_catalog *cat)
{
	for (size_t i = 0; i < cat->n && i < 12; i++)
		llmops_buf_addf(b, "%s%s", i ? ", " : "", cat->fam[i].name);
	if (cat->n > 12)
		llmops_buf_addf(b, ", ... (%zu in all)", cat->n);
}

const struct llmops_family *prompt_find_family(const struct llmops_catalog *cat, const char *name)
{
	const struct llmops_family *f = llmops_catalog_find(cat, name);
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	struct llmops_buf all = LLMOPS_BUF_INIT;
	const char **names;

	if (f)
		return f;
	if (!cat->n) {
		llmops_error("unknown prompt '%s': there are no prompts yet under prompts/; "
			     "'llmops prompt new %s' starts one",
			     name, name);
		return NULL;
	}
	names = malloc(cat->n * sizeof(*names));
	for (size_t i = 0; names && i < cat->n; i++)
		names[i] = cat->fam[i].name;
	if (names)
		llmops_suggest(&near, name, names, cat->n);
	free(names);
	join_names(&all, cat);
	if (near.nr)
		llmops_error("unknown prompt '%s'; did you mean '%s'? (prompts: %s)", name,
			     near.items[0], all.data);
	else
		llmops_error("unknown prompt '%s' (prompts: %s)", name, all.data);
	llmops_buf_release(&all);
	llmops_strlist_release(&near);
	return NULL;
}

static void join_versions(struct llmops_buf *b, const struct llmops_family *f)
{
	for (size_t i = 0; i < f->n; i++)
		llmops_buf_addf(b, "%s%s", i ? ", " : "", f->files[i].version);
}

int prompt_resolve(struct prompt_env *env, const struct llmops_catalog *cat,
		   const struct llmops_promptref *ref, const struct llmops_version_file **out)
{
	const struct llmops_family *f = prompt_find_family(cat, ref->name);
	const struct llmops_lock_entry *pin;
	struct llmops_buf vs = LLMOPS_BUF_INIT;
	const char *version = ref->version;

	*out = NULL;
	if (!f)
		return LLMOPS_EXIT_USAGE;
	join_versions(&vs, f);
	if (!version[0]) {
		pin = llmops_lock_find(&env->lock, ref->name);
		if (!pin) {
			llmops_error("'%s' is not pinned; name a version (%s@%s) or pin one "
				     "('llmops prompt pin %s@%s'); versions: %s",
				     ref->name, ref->name, f->files[f->n - 1].version, ref->name,
				     f->files[f->n - 1].version, vs.data);
			llmops_buf_release(&vs);
			return LLMOPS_EXIT_USAGE;
		}
		version = pin->version;
	}
	*out = llmops_family_find(f, version);
	if (!*out)
		llmops_error("'%s' has no version %s%s; versions: %s", ref->name, version,
			     ref->version[0] ? "" : " (the one prompts.lock pins)", vs.data);
	llmops_buf_release(&vs);
	return *out ? 0 : LLMOPS_EXIT_USAGE;
}

static int read_source(const struct prompt_source *src, const char *path, struct llmops_buf *out,
		       char blob[LLMOPS_OID_HEX], struct llmops_err *err)
{
	struct llmops_buf full = LLMOPS_BUF_INIT;
	int rc;

	if (src->snap)
		return llmops_snapshot_read(src->snap, path, out, blob, err);
	llmops_buf_addf(&full, "%s/%s", llmops_store_root(src->env->store), path);
	if ((rc = llmops_path_check_inside(llmops_store_root(src->env->store), full.data, path,
					   err))) {
		llmops_buf_release(&full);
		return rc;
	}
	if (llmops_buf_read_file(out, full.data)) {
		rc = errno == ENOENT ? llmops_err_set(err, LLMOPS_E_NOTFOUND,
						      "'%s' does not exist in the work tree", path)
				     : llmops_err_set(err, LLMOPS_E_IO, "cannot read '%s': %s",
						      path, strerror(errno));
		llmops_buf_release(&full);
		return rc;
	}
	llmops_buf_release(&full);
	return blob ? llmops_store_hash_worktree(src->env->store, path, NULL, blob, NULL, err)
		    : LLMOPS_OK;
}

int prompt_load(const struct prompt_source *src, const char *path, int json,
		struct llmops_prompt **out, char blob[LLMOPS_OID_HEX])
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	int rc = read_source(src, path, &text, blob, &err);

	if (!rc)
		rc = llmops_prompt_parse(out, path, text.data, text.len, json, &err);
	llmops_buf_release(&text);
	return rc ? llmops_report(&err) : 0;
}

int prompt_partial(void *ud, const char *name, struct llmops_buf *text, struct llmops_buf *label,
		   struct llmops_err *err)
{
	const struct prompt_source *src = ud;
	struct llmops_err nerr = {0};
	int rc;

	if (llmops_prompt_name_check(name, "partial name", &nerr))
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s", nerr.msg);
	llmops_buf_addf(label, LLMOPS_PARTIALS_DIR "/%s.txt", name);
	const struct llmops_lock_partial *lp =
		src->pin ? llmops_lock_partial_find(src->pin, name) : NULL;
	if (lp && !lp->blob[0]) /* absent at the pin: it rendered as nothing */
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "no partial '%s' at the pin", name);
	if (lp) {
		llmops_buf_reset(text);
		rc = llmops_store_read_blob(src->env->store, lp->blob, text, err);
	} else
		rc = read_source(src, label->data, text, NULL, err);
	if (!rc && llmops_utf8_invalid(text->data, text->len) < text->len)
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: not valid UTF-8", label->data);
	return rc;
}

void prompt_root_relative(const struct prompt_env *env, const char *path, char *out, size_t n)
{
	const char *root = llmops_store_root(env->store);
	size_t rl = strlen(root);
	if (path[0] == '/')
		snprintf(out, n, "%s",
			 !strncmp(path, root, rl) && path[rl] == '/' ? path + rl + 1 : path);
	else
		snprintf(out, n, "%s%s%s", env->prefix, env->prefix[0] ? "/" : "", path);
}
