/*
 * scaffold_next.c - what `llmops init` tells a user to run next: from an
 * empty repository to a pinned prompt and a passing evaluation of the
 * example, with only the commands it prints.
 */
#include "scaffold.h"

#include "buf.h"
#include "lock.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Whether path (relative to root) exists. */
static int exists(const char *root, const char *rel)
{
	char p[4096];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return !stat(p, &sb);
}

/* s as one shell word: as it is when plain, else in single quotes ('\'' for a quote). */
static void shell_quote(const char *s, char *out, size_t n)
{
	size_t len = 0;
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-+,:@") ==
		      strlen(s)) {
		snprintf(out, n, "%s", s);
		return;
	}
	for (out[len++] = '\''; *s && len + 5 < n; s++) {
		if (*s == '\'') {
			memcpy(out + len, "'\\''", 4);
			len += 4;
		} else {
			out[len++] = *s;
		}
	}
	out[len++] = '\'';
	out[len] = 0;
}

/* Whether some other path in l is a directory above path. */
static int under_another(const struct llmops_strlist *l, const char *path)
{
	for (size_t i = 0; i < l->nr; i++) {
		size_t n = strlen(l->items[i]);
		if (strcmp(l->items[i], path) && !strncmp(path, l->items[i], n) && path[n] == '/')
			return 1;
	}
	return 0;
}

/* The git add of what init made (the topmost paths it created, the files it appended to). */
static void add_made(const struct llmops_scaffold_report *rep, struct llmops_strlist *out)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	llmops_buf_adds(&b, "git add");
	for (size_t i = 0; i < rep->created.nr; i++)
		if (!under_another(&rep->created, rep->created.items[i]))
			llmops_buf_addf(&b, " %s", rep->created.items[i]);
	for (size_t i = 0; i < rep->updated.nr; i++)
		llmops_buf_addf(&b, " %s", rep->updated.items[i]);
	llmops_buf_adds(&b, " && git commit -m 'llmops init'");
	if (b.data && !b.oom)
		llmops_strlist_append(out, b.data);
	llmops_buf_release(&b);
}

int llmops_scaffold_next_steps(const char *root, const char *dir, int in_repo,
			       const struct llmops_scaffold_report *rep,
			       struct llmops_strlist *out)
{
	struct llmops_lock lock;
	struct llmops_err err = {0};
	char lock_path[4096];
	int have_lock = 0, pinned = 0;

	if (dir) {
		char q[4096];
		shell_quote(dir, q, sizeof(q));
		llmops_strlist_appendf(out, "cd %s", q);
	}
	if (!in_repo)
		llmops_strlist_append(out, "git init");
	if (rep->created.nr || rep->updated.nr)
		add_made(rep, out);
	snprintf(lock_path, sizeof(lock_path), "%s/prompts.lock", root);
	memset(&lock, 0, sizeof(lock));
	if (!llmops_lock_read(&lock, lock_path, &have_lock, &err))
		pinned = have_lock && llmops_lock_find(&lock, "summarize") != NULL;
	llmops_lock_release(&lock);
	if (!pinned && exists(root, "prompts/summarize/v1.0.0.txt")) {
		llmops_strlist_append(out, "llmops prompt pin summarize@v1.0.0");
		llmops_strlist_append(out,
				      "git add prompts.lock && git commit -m 'pin summarize@v1.0.0'");
	}
	if (exists(root, "evals/summarize.json"))
		llmops_strlist_append(out, "llmops eval --dataset evals/summarize.json");
	return 0;
}
