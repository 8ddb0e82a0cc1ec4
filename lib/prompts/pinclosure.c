/*
 * pinclosure.c - the partials a pinned version renders (its render
 * closure), as they are at a commit: what prompt pin records beside the
 * version's own blob, so that a pin covers everything it sends.
 */
#include "pinclosure.h"

#include "hash.h"
#include "promptref.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct walk {
	struct llmops_snapshot *snap;
	struct llmops_lock_entry *e;
	struct llmops_err *err;
	int depth;
	int rc;
};

static int walk_template(struct walk *w, const struct llmops_template *t);

/* One {{> name}}: record it once, then the partials it includes. */
static int on_tag(void *ud, const struct llmops_tag *tag)
{
	struct walk *w = ud;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_template *t = NULL;
	struct llmops_err nerr = {0};
	char path[LLMOPS_NAME_MAX + 64];

	if (tag->kind != LLMOPS_TAG_PARTIAL || llmops_lock_partial_find(w->e, tag->name))
		return 0;
	if (strlen(tag->name) > LLMOPS_NAME_MAX ||
	    llmops_prompt_name_check(tag->name, "partial name", &nerr))
		return 0; /* rendered as nothing, and lint says why */
	if (w->e->npartials == LLMOPS_LOCK_MAX_PARTIALS) {
		w->rc = llmops_err_set(
			w->err, LLMOPS_E_INPUT,
			"%s@%s includes more than %d partials: a pin records at most "
			"that many",
			w->e->name, w->e->version, LLMOPS_LOCK_MAX_PARTIALS);
		return 1;
	}
	struct llmops_lock_partial *lp = &w->e->partials[w->e->npartials++];
	memset(lp, 0, sizeof(*lp));
	snprintf(lp->name, sizeof(lp->name), "%s", tag->name);
	snprintf(path, sizeof(path), LLMOPS_PARTIALS_DIR "/%s.txt", tag->name);
	int rc = llmops_snapshot_read(w->snap, path, &text, lp->blob, w->err);
	if (rc == LLMOPS_E_NOTFOUND) { /* absent at the pin: recorded as such */
		lp->blob[0] = 0;
		llmops_buf_release(&text);
		return 0;
	}
	if (!rc && llmops_sha256_hex(lp->sha256, text.data, text.len))
		rc = llmops_err_set(w->err, LLMOPS_E_NOMEM, "out of memory");
	if (!rc && w->depth < LLMOPS_TEMPLATE_MAX_DEPTH) {
		/* a partial that does not parse renders as an error, never silently:
		   the pin refuses it as it refuses a version that does not parse */
		rc = llmops_template_parse(&t, text.data, text.len, path, 1, 1, w->err);
		if (!rc) {
			w->depth++;
			rc = walk_template(w, t);
			w->depth--;
		}
	}
	llmops_template_free(t);
	llmops_buf_release(&text);
	if (rc) {
		w->rc = rc;
		return 1;
	}
	return 0;
}

static int walk_template(struct walk *w, const struct llmops_template *t)
{
	llmops_template_tags(t, on_tag, w);
	return w->rc;
}

static int cmp_partial(const void *a, const void *b)
{
	return strcmp(((const struct llmops_lock_partial *)a)->name,
		      ((const struct llmops_lock_partial *)b)->name);
}

int llmops_pin_closure(struct llmops_snapshot *snap, const struct llmops_prompt *p,
		       struct llmops_lock_entry *e, struct llmops_err *err)
{
	struct walk w = {snap, e, err, 0, 0};
	e->npartials = 0;
	for (size_t i = 0; i < p->nmsgs && !w.rc; i++)
		walk_template(&w, p->msgs[i].tmpl);
	if (w.rc)
		return w.rc;
	qsort(e->partials, e->npartials, sizeof(e->partials[0]), cmp_partial);
	e->has_partials = e->npartials > 0;
	return 0;
}

int llmops_pin_closure_at(struct llmops_snapshot *snap, const char *path,
			  struct llmops_lock_entry *e, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_prompt *p = NULL;
	size_t len = strlen(path);
	int json = len > 5 && !strcmp(path + len - 5, ".json");
	int rc = llmops_snapshot_read(snap, path, &text, NULL, err);
	if (!rc)
		rc = llmops_prompt_parse(&p, path, text.data, text.len, json, err);
	if (!rc)
		rc = llmops_pin_closure(snap, p, e, err);
	llmops_prompt_free(p);
	llmops_buf_release(&text);
	return rc;
}
