/*
 * dataset_at.c - a dataset as the command line names it, from the work tree
 * or from a commit (dataset_at.h).
 */
#include "dataset_at.h"

#include "buf.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* path with its "." and ".." steps and repeated slashes taken out, in place; -1 when a
   ".." climbs above where path starts (out of the repository). */
static int normalize(char *path)
{
	char *out = path, *p = path;
	while (*p) {
		char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (out == path)
				return -1;
			out--; /* back over the last kept step and its slash */
			while (out > path && out[-1] != '/')
				out--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			memmove(out, p, n);
			out += n;
			*out++ = '/';
		}
		p += n + (end ? 1 : 0);
	}
	if (out > path)
		out--; /* the last slash */
	*out = 0;
	return 0;
}

int llmops_dataset_at_load(struct llmops_dataset *d, struct llmops_dataset_source *src,
			   const struct llmops_prompt_env *env, const char *arg,
			   struct llmops_err *err)
{
	const char *colon = strchr(arg, ':');
	char abs[4200], label[4400];
	int rc;
	memset(d, 0, sizeof(*d));
	memset(src, 0, sizeof(*src));
	if (!colon || !access(arg, F_OK)) { /* the work tree's file */
		llmops_prompt_root_relative(env, arg, src->path, sizeof(src->path));
		snprintf(abs, sizeof(abs), "%s/%s", llmops_store_root(env->store), src->path);
		rc = llmops_dataset_load(d, arg[0] == '/' ? arg : abs, err);
		if (rc == LLMOPS_E_NOTFOUND)
			return llmops_err_set(err, rc, "no dataset '%s' in the work tree", arg);
		return rc;
	}
	if ((size_t)(colon - arg) >= sizeof(src->rev) || !colon[1])
		return llmops_err_set(
			err, LLMOPS_E_USAGE,
			"'%s': name a dataset as PATH or REV:PATH (HEAD~1:evals/qa.json)", arg);
	memcpy(src->rev, arg, (size_t)(colon - arg));
	llmops_prompt_root_relative(env, colon + 1, src->path, sizeof(src->path));
	if (normalize(src->path) || !src->path[0])
		return llmops_err_set(err, LLMOPS_E_USAGE, "%s: not a file inside the repository",
				      arg);
	struct llmops_snapshot *snap = NULL;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	if (!(rc = llmops_snapshot_open(&snap, env->store, src->rev, err)) &&
	    !(rc = llmops_snapshot_read(snap, src->path, &text, src->blob, err))) {
		snprintf(src->commit, sizeof(src->commit), "%s", llmops_snapshot_commit(snap));
		snprintf(label, sizeof(label), "%s:%s", src->rev, src->path);
		rc = llmops_dataset_parse(d, label, text.data ? text.data : "", text.len, err);
	}
	llmops_buf_release(&text);
	llmops_snapshot_free(snap);
	if (rc && rc != LLMOPS_E_INPUT && rc != LLMOPS_E_NOMEM) { /* name what was asked for */
		char why[LLMOPS_ERR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		llmops_err_set(err, rc, "%.200s: %.800s", arg, why);
	}
	return rc;
}
