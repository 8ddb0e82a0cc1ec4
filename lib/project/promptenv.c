/*
 * promptenv.c - a command's view of the project's prompts (promptenv.h).
 */
#include "promptenv.h"

#include "json.h"
#include "safepath.h"
#include "suggest.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int llmops_prompt_env_open(struct llmops_prompt_env *env, const char *root, const char *cwd,
			   struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	size_t rl = strlen(root);
	memset(env, 0, sizeof(*env));
	if (llmops_store_open(&env->store, root, err))
		goto fail;
	llmops_buf_addf(&b, "%s/" LLMOPS_LOCK_FILE, root);
	env->lock_path = llmops_buf_detach(&b, NULL);
	env->prefix = strdup(cwd && !strncmp(cwd, root, rl) && (cwd[rl] == '/' || !cwd[rl])
				     ? cwd + rl + (cwd[rl] == '/')
				     : "");
	if (!env->lock_path || !env->prefix) {
		llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto fail;
	}
	if (llmops_lock_read(&env->lock, env->lock_path, &env->lock_exists, err))
		goto fail;
	return 0;
fail:
	llmops_prompt_env_close(env);
	return err->code;
}

void llmops_prompt_env_close(struct llmops_prompt_env *env)
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

const struct llmops_family *llmops_prompt_find_family(const struct llmops_catalog *cat,
						      const char *name, struct llmops_err *err)
{
	const struct llmops_family *f = llmops_catalog_find(cat, name);
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	struct llmops_buf all = LLMOPS_BUF_INIT;
	const char **names;

	if (f)
		return f;
	if (!cat->n) {
		llmops_err_set(err, LLMOPS_E_NOTFOUND,
			       "unknown prompt '%s': there are no prompts yet under prompts/; "
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
		llmops_err_set(err, LLMOPS_E_NOTFOUND,
			       "unknown prompt '%s'; did you mean '%s'? (prompts: %s)", name,
			       near.items[0], all.data);
	else
		llmops_err_set(err, LLMOPS_E_NOTFOUND, "unknown prompt '%s' (prompts: %s)", name,
			       all.data);
	llmops_buf_release(&all);
	llmops_strlist_release(&near);
	return NULL;
}

static void join_versions(struct llmops_buf *b, const struct llmops_family *f)
{
	for (size_t i = 0; i < f->n; i++)
		llmops_buf_addf(b, "%s%s", i ? ", " : "", f->files[i].version);
}

int llmops_prompt_resolve(const struct llmops_prompt_env *env, const struct llmops_catalog *cat,
			  const struct llmops_promptref *ref,
			  const struct llmops_version_file **out, struct llmops_err *err)
{
	const struct llmops_family *f = llmops_prompt_find_family(cat, ref->name, err);
	const struct llmops_lock_entry *pin;
	struct llmops_buf vs = LLMOPS_BUF_INIT;
	const char *version = ref->version;

	*out = NULL;
	if (!f)
		return err->code;
	join_versions(&vs, f);
	if (!version[0]) {
		pin = llmops_lock_find(&env->lock, ref->name);
		if (!pin) {
			llmops_err_set(err, LLMOPS_E_USAGE,
				       "'%s' is not pinned; name a version (%s@%s) or pin one "
				       "('llmops prompt pin %s@%s'); versions: %s",
				       ref->name, ref->name, f->files[f->n - 1].version, ref->name,
				       f->files[f->n - 1].version, vs.data);
			llmops_buf_release(&vs);
			return LLMOPS_E_USAGE;
		}
		version = pin->version;
	}
	*out = llmops_family_find(f, version);
	if (!*out)
		llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' has no version %s%s; versions: %s",
			       ref->name, version,
			       ref->version[0] ? "" : " (the one prompts.lock pins)", vs.data);
	llmops_buf_release(&vs);
	return *out ? 0 : LLMOPS_E_NOTFOUND;
}

static int read_source(const struct llmops_prompt_source *src, const char *path,
		       struct llmops_buf *out, char blob[LLMOPS_OID_HEX], struct llmops_err *err)
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

int llmops_prompt_load(const struct llmops_prompt_source *src, const char *path, int json,
		       struct llmops_prompt **out, char blob[LLMOPS_OID_HEX],
		       struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	int rc = read_source(src, path, &text, blob, err);

	if (!rc)
		rc = llmops_prompt_parse(out, path, text.data, text.len, json, err);
	llmops_buf_release(&text);
	return rc;
}

int llmops_prompt_partial(void *ud, const char *name, struct llmops_buf *text,
			  struct llmops_buf *label, struct llmops_err *err)
{
	const struct llmops_prompt_source *src = ud;
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

void llmops_prompt_root_relative(const struct llmops_prompt_env *env, const char *path, char *out,
				 size_t n)
{
	const char *root = llmops_store_root(env->store);
	size_t rl = strlen(root);
	if (path[0] == '/')
		snprintf(out, n, "%s",
			 !strncmp(path, root, rl) && path[rl] == '/' ? path + rl + 1 : path);
	else
		snprintf(out, n, "%s%s%s", env->prefix, env->prefix[0] ? "/" : "", path);
}

int llmops_prompt_at_open(struct llmops_prompt_at *r, const char *arg, const char *rev,
			  int worktree, struct llmops_err *err)
{
	int rc;
	if ((rc = llmops_promptref_parse(&r->ref, arg, 0, 0, err)))
		return rc;
	if (!worktree && (rc = llmops_snapshot_open(&r->snap, r->env.store, rev, err))) {
		if (rc == LLMOPS_E_NOTFOUND && !rev) {
			char why[LLMOPS_ERR_MSG_MAX];
			snprintf(why, sizeof(why), "%s", err->msg);
			llmops_err_set(err, rc,
				       "%.900s; or read the work tree's copy with --worktree", why);
		}
		return rc;
	}
	if ((rc = llmops_store_catalog(r->env.store, r->snap, worktree, &r->cat, err)) ||
	    (rc = llmops_prompt_resolve(&r->env, &r->cat, &r->ref, &r->vf, err)))
		return rc;
	if (worktree && r->vf->state == LLMOPS_FILE_DELETED)
		return llmops_err_set(err, LLMOPS_E_USAGE, "'%s' was deleted from the work tree",
				      r->vf->path);
	r->src.env = &r->env;
	r->src.snap = r->snap;
	return 0;
}

int llmops_prompt_at_note(const struct llmops_prompt_at *r, int rendered, char *note, size_t n)
{
	struct llmops_err err = {0};
	char blob[LLMOPS_OID_HEX], have[LLMOPS_OID_HEX];
	if (!r->snap || llmops_snapshot_blob_id(r->snap, r->vf->path, blob, &err))
		return 0;
	int rc = llmops_store_hash_worktree(r->env.store, r->vf->path, blob, have, NULL, &err);
	if (rc == LLMOPS_E_NOTFOUND || (!rc && strcmp(have, blob))) {
		snprintf(note, n,
			 "note: %s %s in the work tree; this is the committed version (%s)",
			 r->vf->path, rc ? "is missing" : "differs",
			 rendered ? "--worktree renders the work tree's"
				  : "prompt render --worktree renders the work tree's");
		return 1;
	}
	for (size_t i = 0; r->src.pin && i < r->src.pin->npartials; i++) {
		const struct llmops_lock_partial *lp = &r->src.pin->partials[i];
		char path[LLMOPS_NAME_MAX + 64];
		snprintf(path, sizeof(path), LLMOPS_PARTIALS_DIR "/%s.txt", lp->name);
		rc = llmops_store_hash_worktree(r->env.store, path, lp->blob[0] ? lp->blob : NULL,
						have, NULL, &err);
		if (lp->blob[0] ? (rc || strcmp(have, lp->blob)) : !rc) {
			snprintf(note, n,
				 "note: %s, which the pinned %s@%s includes, is rendered as it was "
				 "at the pin; the work tree's differs (render --worktree shows it, "
				 "prompt verify fails on it)",
				 path, r->ref.name, r->vf->version);
			return 1;
		}
	}
	return 0;
}

void llmops_prompt_at_release(struct llmops_prompt_at *r)
{
	llmops_catalog_release(&r->cat);
	llmops_snapshot_free(r->snap);
	llmops_prompt_env_close(&r->env);
}

int llmops_prompt_vars(const char *file, const struct llmops_strlist *pairs, cJSON **out,
		       struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	cJSON *vars = NULL;
	int rc = 0;
	*out = NULL;
	if (file) {
		if (llmops_buf_read_file(&b, file))
			return llmops_err_set(err, LLMOPS_E_USAGE, "--vars: cannot read '%s': %s",
					      file, strerror(errno));
		rc = llmops_json_parse(&vars, b.data, b.len, file, err);
		llmops_buf_release(&b);
		if (rc)
			return rc;
		if (!cJSON_IsObject(vars)) {
			cJSON_Delete(vars);
			return llmops_err_set(err, LLMOPS_E_USAGE,
					      "%s:1:1: --vars needs a JSON object of variables, "
					      "such as {\"input\": \"...\"}",
					      file);
		}
	} else if (!(vars = cJSON_CreateObject())) {
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < pairs->nr; i++) {
		const char *kv = pairs->items[i], *eq = strchr(kv, '=');
		if (!eq || eq == kv) {
			cJSON_Delete(vars);
			return llmops_err_set(err, LLMOPS_E_USAGE, "--var '%s': expected KEY=VALUE",
					      kv);
		}
		char *key = strndup(kv, (size_t)(eq - kv));
		if (!key) {
			cJSON_Delete(vars);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
		cJSON_DeleteItemFromObjectCaseSensitive(vars, key);
		cJSON_AddStringToObject(vars, key, eq + 1);
		free(key);
	}
	*out = vars;
	return 0;
}
