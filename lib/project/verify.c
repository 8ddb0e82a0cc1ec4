/*
 * verify.c - the CI gate over prompts.lock (verify.h): each pin (and
 * canary) against its blob, the versions released at a base revision
 * unchanged since, and a bundle against the lock.
 */
#include "verify.h"

#include "bundle.h"
#include "pincheck.h"
#include "pinclosure.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify {
	struct llmops_prompt_env *env;
	cJSON *problems; /* array of {prompt, version, path, problem, message} */
	cJSON *warnings; /* array of strings */
	const char *base;
	int cat_loaded; /* 1 once the catalog was read (only when a version is missing) */
};

static void problem(struct verify *v, const char *name, const char *version, const char *path,
		    const char *kind, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void problem(struct verify *v, const char *name, const char *version, const char *path,
		    const char *kind, const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "prompt", name);
	cJSON_AddStringToObject(o, "version", version);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "problem", kind);
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddItemToArray(v->problems, o);
}

static void check_entry(struct verify *v, const struct llmops_lock_entry *e,
			struct llmops_snapshot *head, struct llmops_catalog *cat)
{
	char msg[1200];
	int kind = llmops_pin_check(v->env->store, head, e, cat, &v->cat_loaded, msg, sizeof(msg));

	if (kind != LLMOPS_PIN_OK)
		problem(v, e->name, e->version, e->path, llmops_pin_problem_name(kind), "%s", msg);
}

/*
 * An entry pinned before llmops recorded partials whose version includes
 * some: verify cannot tell whether they changed since the pin, so it says
 * so (a warning: the lock predates the check, nothing is known to be wrong).
 */
static void uncovered(struct verify *v, const struct llmops_lock_entry *e,
		      struct llmops_snapshot *head)
{
	struct llmops_lock_entry *tmp;
	struct llmops_err err = {0};
	char msg[1200];
	if (e->has_partials || !head || !(tmp = calloc(1, sizeof(*tmp))))
		return;
	snprintf(tmp->name, sizeof(tmp->name), "%s", e->name);
	snprintf(tmp->version, sizeof(tmp->version), "%s", e->version);
	if (!llmops_pin_closure_at(head, e->path, tmp, &err) && tmp->npartials) {
		snprintf(msg, sizeof(msg),
			 "%s@%s includes partials but was pinned before llmops recorded them, "
			 "so a change to them cannot be seen: pin it again (llmops prompt pin "
			 "%s@%s) to cover them",
			 e->name, e->version, e->name, e->version);
		cJSON_AddItemToArray(v->warnings, cJSON_CreateString(msg));
	}
	free(tmp);
}

static int on_change(void *ud, const struct llmops_change *c)
{
	struct verify *v = ud;
	char name[LLMOPS_NAME_MAX + 1], version[64], msg[1200];
	struct llmops_semver sv;
	const char *ext;

	if (llmops_version_path_split(c->path, name, &sv, &ext)) {
		if (!strncmp(c->path, LLMOPS_PARTIALS_DIR "/", strlen(LLMOPS_PARTIALS_DIR) + 1)) {
			snprintf(msg, sizeof(msg),
				 "partial %s changed since %s: released versions that include it "
				 "now render differently",
				 c->path, v->base);
			cJSON_AddItemToArray(v->warnings, cJSON_CreateString(msg));
		}
		return 0;
	}
	llmops_semver_format(&sv, version, sizeof(version));
	if (c->status == 'D') {
		/* A pinned file that is gone is already a problem; others only a warning. */
		snprintf(msg, sizeof(msg),
			 "released version %s was deleted since %s; past runs of %s@%s can no "
			 "longer be reproduced",
			 c->path, v->base, name, version);
		cJSON_AddItemToArray(v->warnings, cJSON_CreateString(msg));
		return 0;
	}
	problem(v, name, version, c->path, "released-changed",
		"%s exists at %s and was changed since; released versions are immutable: "
		"revert it and make a new version (llmops prompt new %s)",
		c->path, v->base, name);
	return 0;
}

/* The bundle at path against the lock: each difference a problem of v; 0 or an error. */
static int check_bundle(struct verify *v, struct llmops_prompt_env *env, const char *path,
			const cJSON *cascades, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	int rc = 0;
	if (llmops_buf_read_file(&text, path))
		rc = llmops_err_set(err, LLMOPS_E_USAGE, "verify: cannot read the bundle '%s': %s",
				    path, strerror(errno));
	else
		rc = llmops_bundle_verify(env->store, text.data ? text.data : "", text.len, path,
					  &env->lock, cascades, &problems, err);
	for (size_t i = 0; !rc && i < problems.nr; i++)
		problem(v, "bundle", path, path, "bundle", "%s", problems.items[i]);
	llmops_strlist_release(&problems);
	llmops_buf_release(&text);
	return rc;
}

/* Every pin and canary checked against its blob; what a pin cannot cover, warned about. */
static void check_pins(struct verify *v, struct llmops_snapshot *head, struct llmops_catalog *cat)
{
	const struct llmops_lock *lock = &v->env->lock;
	for (size_t i = 0; i < lock->n; i++) {
		check_entry(v, &lock->e[i], head, cat);
		uncovered(v, &lock->e[i], head);
		const struct llmops_lock_entry *cy = llmops_lock_canary(lock, lock->e[i].name);
		if (cy) { /* the canary is released too: the same checks */
			check_entry(v, cy, head, cat);
			uncovered(v, cy, head);
		}
	}
}

cJSON *llmops_pins_verify(struct llmops_prompt_env *env, const char *base, const char *bundle,
			  const cJSON *cascades, struct llmops_err *err)
{
	struct llmops_snapshot *head = NULL, *bsnap = NULL;
	struct llmops_catalog cat = {0};
	struct verify v = {env, cJSON_CreateArray(), cJSON_CreateArray(), base, 0};
	cJSON *out = NULL;
	int rc = llmops_snapshot_open(&head, env->store, NULL, err);
	if (rc == LLMOPS_E_NOTFOUND) { /* unborn: only the work tree can be checked */
		llmops_err_clear(err);
		rc = 0;
	}
	if (!rc && base)
		rc = llmops_snapshot_open(&bsnap, env->store, base, err);
	if (!rc)
		check_pins(&v, head, &cat);
	if (!rc && bsnap)
		rc = llmops_store_changed_since(env->store, bsnap, on_change, &v, err);
	if (!rc && bundle)
		rc = check_bundle(&v, env, bundle, cascades, err);
	if (!rc && (out = cJSON_CreateObject())) {
		cJSON_AddBoolToObject(out, "ok", cJSON_GetArraySize(v.problems) == 0);
		cJSON_AddNumberToObject(out, "pinned", (double)env->lock.n);
		if (base)
			cJSON_AddStringToObject(out, "base", base);
		else
			cJSON_AddNullToObject(out, "base");
		if (bsnap)
			cJSON_AddStringToObject(out, "base_commit", llmops_snapshot_commit(bsnap));
		cJSON_AddItemToObject(out, "problems", v.problems);
		cJSON_AddItemToObject(out, "warnings", v.warnings);
		v.problems = v.warnings = NULL;
	} else if (!rc) {
		llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	cJSON_Delete(v.problems);
	cJSON_Delete(v.warnings);
	llmops_catalog_release(&cat);
	llmops_snapshot_free(head);
	llmops_snapshot_free(bsnap);
	return out;
}
