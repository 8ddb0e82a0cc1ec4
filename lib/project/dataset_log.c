/*
 * dataset_log.c - a dataset file's versions (dataset_log.h).
 */
#include "dataset_log.h"

#include "buf.h"
#include "dataset.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *llmops_dataset_version_kind(int kind)
{
	switch (kind) {
	case LLMOPS_DATASET_WORKTREE: return "uncommitted";
	case LLMOPS_LOG_ADDED: return "added";
	case LLMOPS_LOG_DELETED: return "deleted";
	case LLMOPS_LOG_BOUNDARY: return "boundary";
	default: return "changed";
	}
}

struct walk {
	struct llmops_store *s;
	const char *path;
	struct llmops_dataset_history *h;
	size_t cap;
	struct llmops_err *err;
};

/* v's SHA-256, case count (or why it does not parse) from its content. */
static int describe(struct llmops_dataset_version *v, const char *label, const char *text,
		    size_t len)
{
	struct llmops_dataset d;
	struct llmops_err perr = {0};
	if (llmops_sha256_hex(v->sha256, text, len))
		return LLMOPS_E_NOMEM;
	v->cases = -1;
	if (!llmops_dataset_parse(&d, label, text, len, &perr))
		v->cases = (long)d.n;
	else if (perr.code == LLMOPS_E_NOMEM || !(v->problem = strdup(perr.msg)))
		v->cases = -2;
	llmops_dataset_release(&d);
	return v->cases == -2 ? LLMOPS_E_NOMEM : LLMOPS_OK;
}

static struct llmops_dataset_version *add(struct walk *w)
{
	if (LLMOPS_GROW(w->h->v, w->h->n, w->cap, 16))
		return NULL;
	struct llmops_dataset_version *v = &w->h->v[w->h->n++];
	memset(v, 0, sizeof(*v));
	v->cases = -1;
	return v;
}

static int on_commit(void *ud, const struct llmops_path_event *ev)
{
	struct walk *w = ud;
	struct llmops_dataset_version *v = add(w);
	struct llmops_buf text = LLMOPS_BUF_INIT;
	char label[4200];
	int rc;
	if (!v || !(v->author = strdup(ev->author)) || !(v->summary = strdup(ev->summary)))
		return llmops_err_set(w->err, LLMOPS_E_NOMEM, "out of memory");
	v->kind = ev->kind;
	memcpy(v->commit, ev->commit, sizeof(v->commit));
	v->time = ev->time;
	v->tz_minutes = ev->tz_minutes;
	memcpy(v->blob, ev->blob, sizeof(v->blob));
	if (!v->blob[0])
		return LLMOPS_OK; /* deleted, or the history's end */
	if ((rc = llmops_store_read_blob(w->s, v->blob, &text, w->err)))
		return rc;
	snprintf(label, sizeof(label), "%.12s:%s", v->commit, w->path);
	rc = describe(v, label, text.data ? text.data : "", text.len);
	llmops_buf_release(&text);
	return rc ? llmops_err_set(w->err, rc, "out of memory") : LLMOPS_OK;
}

/* The work tree's file, when it is not HEAD's. */
static int worktree(struct walk *w)
{
	struct llmops_snapshot *snap = NULL;
	struct llmops_err e = {0};
	char head_blob[LLMOPS_OID_HEX] = "", blob[LLMOPS_OID_HEX], sha[65], full[4200];
	int present, rc = 0;
	if (!llmops_snapshot_open(&snap, w->s, NULL, &e))
		llmops_snapshot_blob_id(snap, w->path, head_blob, &e);
	llmops_snapshot_free(snap);
	present = !llmops_store_hash_worktree(w->s, w->path, head_blob[0] ? head_blob : NULL, blob,
					      sha, &e);
	if (present ? !strcmp(blob, head_blob) : !head_blob[0])
		return LLMOPS_OK; /* the same as HEAD's (or in neither) */
	struct llmops_dataset_version *v = add(w);
	if (!v || !(v->author = strdup("")) || !(v->summary = strdup("")))
		return llmops_err_set(w->err, LLMOPS_E_NOMEM, "out of memory");
	v->kind = LLMOPS_DATASET_WORKTREE;
	if (!present)
		return LLMOPS_OK; /* deleted in the work tree */
	memcpy(v->blob, blob, sizeof(v->blob));
	struct llmops_buf text = LLMOPS_BUF_INIT;
	snprintf(full, sizeof(full), "%s/%s", llmops_store_root(w->s), w->path);
	if (llmops_buf_read_file(&text, full))
		return llmops_err_set(w->err, LLMOPS_E_IO, "cannot read %s", w->path);
	rc = describe(v, w->path, text.data ? text.data : "", text.len);
	llmops_buf_release(&text);
	return rc ? llmops_err_set(w->err, rc, "out of memory") : LLMOPS_OK;
}

int llmops_dataset_history(struct llmops_store *s, const char *path,
			   struct llmops_dataset_history *h, struct llmops_err *err)
{
	struct walk w = {s, path, h, 0, err};
	int rc;
	memset(h, 0, sizeof(*h));
	if (!(rc = worktree(&w)))
		rc = llmops_store_path_log(s, path, on_commit, &w, err);
	if (!rc && !h->n)
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND,
				    "'%s' is neither in the work tree nor in the history of HEAD",
				    path);
	if (rc)
		llmops_dataset_history_release(h);
	return rc;
}

void llmops_dataset_history_release(struct llmops_dataset_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		LLMOPS_FREE_ALL(h->v[i].author, h->v[i].summary, h->v[i].problem);
	free(h->v);
	memset(h, 0, sizeof(*h));
}
