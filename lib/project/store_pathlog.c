/*
 * store_pathlog.c - the commits that added, changed or deleted one file
 * (store.h's llmops_store_path_log): a dataset's history.
 */
#include "store.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

static int emit(git_commit *c, int kind, const git_oid *blob,
		int (*fn)(void *ud, const struct llmops_path_event *ev), void *ud)
{
	struct llmops_path_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	llmops_store_commit_fields(c, ev.commit, &ev.time, &ev.tz_minutes, &ev.author, &ev.summary);
	if (blob && !git_oid_is_zero(blob))
		git_oid_tostr(ev.blob, sizeof(ev.blob), blob);
	return fn(ud, &ev);
}

struct path_walk {
	const char *path;
	int (*fn)(void *ud, const struct llmops_path_event *ev);
	void *ud;
};

/* What c did to the path, compared with its first parent p, unless another parent has
   the same blob (a merge that took the file from it); at a shallow clone's edge, where
   the parent is unknown, BOUNDARY when the file is there. */
static int visit(void *ud, git_commit *c, git_commit *p, int boundary)
{
	struct path_walk *w = ud;
	git_oid now, before, other;
	llmops_store_path_oid(c, w->path, &now);
	if (boundary)
		return git_oid_is_zero(&now) ? 0 : emit(c, LLMOPS_LOG_BOUNDARY, NULL, w->fn, w->ud);
	llmops_store_path_oid(p, w->path, &before);
	if (!git_oid_cmp(&now, &before))
		return 0;
	for (unsigned i = 1; i < git_commit_parentcount(c); i++) {
		git_commit *q = NULL;
		if (git_commit_parent(&q, c, i) < 0)
			continue;
		llmops_store_path_oid(q, w->path, &other);
		git_commit_free(q);
		if (!git_oid_cmp(&now, &other))
			return 0;
	}
	return emit(c,
		    git_oid_is_zero(&before) ? LLMOPS_LOG_ADDED
		    : git_oid_is_zero(&now)  ? LLMOPS_LOG_DELETED
					     : LLMOPS_LOG_CHANGED,
		    &now, w->fn, w->ud);
}

int llmops_store_path_log(struct llmops_store *s, const char *path,
			  int (*fn)(void *ud, const struct llmops_path_event *ev), void *ud,
			  struct llmops_err *err)
{
	struct path_walk w = {path, fn, ud};
	return llmops_store_walk(s, visit, &w, err);
}
