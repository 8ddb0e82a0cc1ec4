/*
 * pinning.c - the changes to prompts.lock that release prompts (pinning.h).
 */
#include "pinning.h"

#include "hash.h"
#include "pinclosure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int oom(struct llmops_err *err)
{
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

/* Pick the family for a bare VERSION: from the directory, or the only one with it. */
static int family_for_version(const struct llmops_prompt_env *env, const struct llmops_catalog *cat,
			      struct llmops_promptref *ref, struct llmops_err *err)
{
	size_t plen = strlen(LLMOPS_PROMPTS_DIR), hits = 0;
	struct llmops_buf cands = LLMOPS_BUF_INIT;
	const char *only = NULL;
	int rc = 0;

	if (!strncmp(env->prefix, LLMOPS_PROMPTS_DIR "/", plen + 1) &&
	    llmops_catalog_find(cat, env->prefix + plen + 1)) {
		snprintf(ref->name, sizeof(ref->name), "%s", env->prefix + plen + 1);
		return 0;
	}
	for (size_t i = 0; i < cat->n; i++)
		if (llmops_family_find(&cat->fam[i], ref->version)) {
			llmops_buf_addf(&cands, "\n  llmops prompt pin %s@%s", cat->fam[i].name,
					ref->version);
			only = cat->fam[i].name;
			hits++;
		}
	if (hits == 1)
		snprintf(ref->name, sizeof(ref->name), "%s", only);
	else if (!hits)
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "no prompt has a version %s; 'llmops prompt list' shows what "
				    "exists",
				    ref->version);
	else
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "%zu prompts have a version %s; say which:%s", hits,
				    ref->version, cands.data);
	llmops_buf_release(&cands);
	return rc;
}

/* Write the lock.  0 or an error. */
static int write_lock(struct llmops_prompt_env *env, struct llmops_err *err)
{
	return llmops_lock_write(&env->lock, env->lock_path, err);
}

/* r->e as old's canary taking pct% of the traffic, written. */
static int pin_canary(struct llmops_prompt_env *env, struct llmops_pin_result *r,
		      const struct llmops_lock_entry *old, double pct, struct llmops_err *err)
{
	struct llmops_lock_entry *e = &r->e;
	const struct llmops_lock_entry *was = llmops_lock_canary(&env->lock, e->name);
	if (pct != (int)pct)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "pin: --canary %g: a whole percentage from 1 to 99", pct);
	if (!old)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "pin: %s has no stable version for a canary to stand beside: "
				      "pin one first (llmops prompt pin %s@VERSION)",
				      e->name, e->name);
	if (!strcmp(old->version, e->version))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "pin: %s@%s is the stable version; a canary is another "
				      "version",
				      e->name, e->version);
	e->weight = (int)pct;
	snprintf(r->stable, sizeof(r->stable), "%s", old->version);
	if (was && !strcmp(was->version, e->version) && !strcmp(was->blob, e->blob) &&
	    was->weight == e->weight) {
		r->unchanged = 1;
		return 0;
	}
	if (llmops_lock_set_canary(&env->lock, e))
		return oom(err);
	return write_lock(env, err);
}

/* e as NAME's stable version, alone (its canary dropped), written. */
static int set_stable(struct llmops_prompt_env *env, struct llmops_lock_entry *e,
		      struct llmops_err *err)
{
	e->weight = 0;
	llmops_lock_remove_canary(&env->lock, e->name);
	if (llmops_lock_set(&env->lock, e))
		return oom(err);
	return write_lock(env, err);
}

/* The version file ref names, committed as it is at HEAD (pin records committed content). */
static int committed_file(struct llmops_prompt_env *env, struct llmops_catalog *cat,
			  struct llmops_promptref *ref, const struct llmops_head *h,
			  const struct llmops_version_file **vf, struct llmops_err *err)
{
	int rc;
	if ((!ref->name[0] && (rc = family_for_version(env, cat, ref, err))) ||
	    (rc = llmops_prompt_resolve(env, cat, ref, vf, err)))
		return rc;
	const struct llmops_version_file *f = *vf;
	if (!h->unborn && f->state == LLMOPS_FILE_COMMITTED && f->blob[0])
		return 0;
	char hint[LLMOPS_NAME_MAX * 2 + 200] = "";
	if (f->state == LLMOPS_FILE_MODIFIED)
		snprintf(hint, sizeof(hint),
			 "\n  (or, if the edit is a new version: git checkout -- %s && llmops "
			 "prompt new %s)",
			 f->path, ref->name);
	return llmops_err_set(err, LLMOPS_E_CHECK,
			      "'%s' is %s: pin records committed content only; commit it first "
			      "(git add %s && git commit)%s",
			      f->path,
			      h->unborn ? "not committed (no commits yet)"
			      : f->state == LLMOPS_FILE_COMMITTED
				      ? "not committed"
				      : llmops_file_state_name(f->state),
			      f->path, hint);
}

/* The lock entry of f as committed at head: its blob, SHA-256 and the partials it renders
   (a version that does not parse must never be what production runs). */
static int entry_of(struct llmops_prompt_env *env, struct llmops_snapshot *head,
		    const struct llmops_promptref *ref, const struct llmops_version_file *f,
		    struct llmops_lock_entry *e, struct llmops_err *err)
{
	const struct llmops_prompt_source src = {env, head, NULL};
	struct llmops_prompt *p = NULL;
	char blob[LLMOPS_OID_HEX];
	int rc = llmops_prompt_load(&src, f->path, f->json, &p, blob, err);
	if (rc)
		return rc;
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", ref->name);
	snprintf(e->version, sizeof(e->version), "%s", f->version);
	snprintf(e->path, sizeof(e->path), "%s", f->path);
	snprintf(e->commit, sizeof(e->commit), "%s", llmops_snapshot_commit(head));
	snprintf(e->blob, sizeof(e->blob), "%s", blob);
	llmops_sha256_hex(e->sha256, p->text, p->len);
	/* the partials it renders, as committed: a pin covers everything it sends */
	rc = llmops_pin_closure(head, p, e, err);
	llmops_prompt_free(p);
	return rc;
}

/* r->e as the stable version, unless it is already pinned so; old: the entry before. */
static int pin_stable(struct llmops_prompt_env *env, struct llmops_pin_result *r,
		      const struct llmops_lock_entry *old, struct llmops_err *err)
{
	struct llmops_lock_entry *e = &r->e;
	if (old && !strcmp(old->version, e->version) && !strcmp(old->blob, e->blob) &&
	    !strcmp(old->sha256, e->sha256) && old->has_partials == e->has_partials &&
	    old->npartials == e->npartials &&
	    !memcmp(old->partials, e->partials, e->npartials * sizeof(e->partials[0]))) {
		r->unchanged = 1;
		return 0;
	}
	if (old && old->has_partials && !strcmp(old->version, e->version) &&
	    !strcmp(old->blob, e->blob))
		/* the same version with other partials: what it sends would change under the
		   same name, which is what pinning exists to prevent */
		return llmops_err_set(err, LLMOPS_E_CHECK,
				      "%s@%s is pinned with partials as they were at commit %.12s, "
				      "and they have changed since: a released version renders the "
				      "same forever; release the change as a new version (llmops "
				      "prompt new %s) and pin that",
				      e->name, e->version, old->commit, e->name);
	if (old)
		snprintf(r->was, sizeof(r->was), "%s", old->version);
	if (llmops_lock_set(&env->lock, e))
		return oom(err);
	return write_lock(env, err);
}

int llmops_pin(struct llmops_prompt_env *env, const char *ref_s, double canary_pct,
	       struct llmops_pin_result *r, struct llmops_err *err)
{
	const struct llmops_version_file *vf;
	struct llmops_snapshot *head = NULL;
	struct llmops_promptref ref;
	struct llmops_catalog cat = {0};
	struct llmops_head h;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = llmops_promptref_parse(&ref, ref_s, 1, 0, err)))
		return rc;
	if (!ref.version[0])
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "pin: name a version: %s@vMAJOR.MINOR.PATCH ('llmops prompt "
				      "list' shows them)",
				      ref.name);
	if (!(rc = llmops_store_head(env->store, &h, err)) &&
	    !(rc = llmops_store_catalog(env->store, NULL, 1, &cat, err)) &&
	    !(rc = committed_file(env, &cat, &ref, &h, &vf, err)) &&
	    !(rc = llmops_snapshot_open(&head, env->store, NULL, err)) &&
	    !(rc = entry_of(env, head, &ref, vf, &r->e, err))) {
		const struct llmops_lock_entry *old = llmops_lock_find(&env->lock, r->e.name);
		r->detached = h.detached;
		rc = isnan(canary_pct) ? pin_stable(env, r, old, err)
				       : pin_canary(env, r, old, canary_pct, err);
	}
	llmops_snapshot_free(head);
	llmops_catalog_release(&cat);
	return rc;
}

int llmops_pin_promote(struct llmops_prompt_env *env, const char *name, struct llmops_pin_result *r,
		       struct llmops_err *err)
{
	const struct llmops_lock_entry *cy = llmops_lock_canary(&env->lock, name);
	const struct llmops_lock_entry *old = llmops_lock_find(&env->lock, name);
	memset(r, 0, sizeof(*r));
	if (!cy)
		return llmops_err_set(err, LLMOPS_E_USAGE, "promote: %s has no canary%s%s", name,
				      old ? "; its stable version is " : " (it is not pinned)",
				      old ? old->version : "");
	r->e = *cy;
	snprintf(r->was, sizeof(r->was), "%s", old ? old->version : "?");
	return set_stable(env, &r->e, err);
}

int llmops_pin_remove(struct llmops_prompt_env *env, const char *ref_s, struct llmops_pin_result *r,
		      struct llmops_err *err)
{
	struct llmops_promptref ref;
	const struct llmops_lock_entry *e;
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = llmops_promptref_parse(&ref, ref_s, 0, 0, err)))
		return rc;
	if (!(e = llmops_lock_find(&env->lock, ref.name))) {
		struct llmops_buf names = LLMOPS_BUF_INIT;
		for (size_t i = 0; i < env->lock.n; i++)
			llmops_buf_addf(&names, "%s%s", i ? ", " : "", env->lock.e[i].name);
		rc = llmops_err_set(err, LLMOPS_E_USAGE, "'%s' is not pinned (%s%s)", ref.name,
				    env->lock.n ? "pinned: " : "nothing is pinned",
				    env->lock.n ? names.data : "");
		llmops_buf_release(&names);
		return rc;
	}
	snprintf(r->e.name, sizeof(r->e.name), "%s", ref.name);
	snprintf(r->was, sizeof(r->was), "%s", e->version);
	llmops_lock_remove(&env->lock, ref.name);
	return write_lock(env, err);
}

/* The newest commit that pinned the current version, and the version it replaced. */
struct rollback {
	const char *current;
	char commit[LLMOPS_OID_HEX];
	char previous[64];
	int found;
};

static int find_pin(void *ud, const struct llmops_log_event *ev)
{
	struct rollback *rb = ud;
	if (ev->kind != LLMOPS_LOG_PINNED || strcmp(ev->version, rb->current))
		return 0;
	snprintf(rb->commit, sizeof(rb->commit), "%s", ev->commit);
	snprintf(rb->previous, sizeof(rb->previous), "%s", ev->previous);
	rb->found = 1;
	return 0; /* on to older commits: the log goes from the newest */
}

/* The lock as it was at rev. */
static int lock_then(struct llmops_prompt_env *env, const char *rev, struct llmops_lock *then,
		     struct llmops_err *err)
{
	struct llmops_snapshot *snap = NULL;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	int rc = llmops_snapshot_open(&snap, env->store, rev, err);
	if (!rc)
		rc = llmops_snapshot_read(snap, LLMOPS_LOCK_FILE, &text, NULL, err);
	if (!rc)
		rc = llmops_lock_parse(then, text.data ? text.data : "", text.len, LLMOPS_LOCK_FILE,
				       err);
	llmops_buf_release(&text);
	llmops_snapshot_free(snap);
	return rc;
}

int llmops_pin_rollback(struct llmops_prompt_env *env, const char *name,
			struct llmops_pin_result *r, struct llmops_err *err)
{
	struct llmops_lock then = {0};
	struct rollback rb = {0};
	char rev[LLMOPS_OID_HEX + 2];
	int rc;
	memset(r, 0, sizeof(*r));
	const struct llmops_lock_entry *cur = llmops_lock_find(&env->lock, name), *prev;
	if (!cur)
		return llmops_err_set(err, LLMOPS_E_USAGE, "rollback: '%s' is not pinned in %s",
				      name, LLMOPS_LOCK_FILE);
	rb.current = cur->version;
	if (llmops_store_log(env->store, cur->name, find_pin, &rb, err) < 0)
		return err->code;
	if (!rb.found)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "rollback: no commit pins %s@%s: commit %s first, then roll "
				      "back",
				      cur->name, cur->version, LLMOPS_LOCK_FILE);
	if (!rb.previous[0])
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "rollback: %s@%s is the first version pinned (commit %.12s): "
				      "there is no earlier one to return to",
				      cur->name, cur->version, rb.commit);
	/* the earlier record, exactly as the lock held it before that commit */
	snprintf(rev, sizeof(rev), "%s^", rb.commit);
	if ((rc = lock_then(env, rev, &then, err)))
		goto out;
	if (!(prev = llmops_lock_find(&then, cur->name)) || strcmp(prev->version, rb.previous)) {
		rc = llmops_err_set(err, LLMOPS_E_CHECK,
				    "rollback: the lock before commit %.12s does not pin %s@%s",
				    rb.commit, cur->name, rb.previous);
		goto out;
	}
	r->e = *prev;
	snprintf(r->was, sizeof(r->was), "%s", cur->version);
	snprintf(r->commit, sizeof(r->commit), "%s", rb.commit);
	rc = set_stable(env, &r->e, err);
out:
	llmops_lock_release(&then);
	return rc;
}
