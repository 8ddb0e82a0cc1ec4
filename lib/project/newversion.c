/*
 * newversion.c - the next version of a prompt, written for editing
 * (newversion.h).
 */
#include "newversion.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char starter[] = "---\n"
			      "description: what this prompt is for\n"
			      "owner: your-team\n"
			      "---\n"
			      "{{input}}\n";

/* mkdir -p for the directories of path (relative to root). */
static int make_dirs(const char *root, const char *path)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc = 0;

	llmops_buf_addf(&b, "%s/%s", root, path);
	for (char *p = b.data + strlen(root) + 1; *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(b.data, 0777) && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	llmops_buf_release(&b);
	return rc;
}

/* Copy text, replacing the value of a front-matter "version:" line with version. */
static void copy_with_version(struct llmops_buf *out, const struct llmops_prompt *p,
			      const char *version)
{
	const struct llmops_fm_item *it = llmops_frontmatter_get(&p->fm, "version");
	const char *line = p->text;

	if (!it) {
		llmops_buf_add(out, p->text, p->len);
		return;
	}
	for (int l = 1; l < it->line && line; l++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (!line) {
		llmops_buf_add(out, p->text, p->len);
		return;
	}
	llmops_buf_add(out, p->text, (size_t)(line - p->text));
	llmops_buf_addf(out, "version: %s", version);
	line += strcspn(line, "\r\n");
	llmops_buf_adds(out, line);
}

/* Write text to ROOT/path, a file that must not exist yet (never overwritten). */
static int write_new(const char *root, const char *path, const struct llmops_buf *text,
		     struct llmops_err *err)
{
	struct llmops_buf full = LLMOPS_BUF_INIT;
	int fd, rc = 0;

	llmops_buf_addf(&full, "%s/%s", root, path);
	if (make_dirs(root, path)) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot create the directory for '%s': %s",
				    path, strerror(errno));
	} else if ((fd = open(full.data, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		rc = errno == EEXIST ? llmops_err_set(err, LLMOPS_E_EXISTS,
						      "'%s' already exists; edit it, or bump past "
						      "it with --bump",
						      path)
				     : llmops_err_set(err, LLMOPS_E_IO, "cannot create '%s': %s",
						      path, strerror(errno));
	} else if (write(fd, text->data, text->len) != (ssize_t)text->len || close(fd)) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write '%s': %s", path,
				    strerror(errno));
		unlink(full.data);
	}
	llmops_buf_release(&full);
	return rc;
}

/* The newest version's text (its work-tree copy; a deleted one's from HEAD) with version. */
static int copy_newest(struct llmops_prompt_env *env, const struct llmops_version_file *v,
		       const char *version, struct llmops_buf *text, struct llmops_err *err)
{
	struct llmops_prompt_source src = {env, NULL, NULL};
	struct llmops_snapshot *head = NULL;
	struct llmops_prompt *p = NULL;
	int rc = 0;
	if (v->state == LLMOPS_FILE_DELETED) {
		rc = llmops_snapshot_open(&head, env->store, NULL, err);
		src.snap = head;
	}
	if (!rc)
		rc = llmops_prompt_load(&src, v->path, v->json, &p, NULL, err);
	if (!rc)
		copy_with_version(text, p, version);
	llmops_prompt_free(p);
	llmops_snapshot_free(head);
	return rc;
}

int llmops_prompt_new_version(struct llmops_prompt_env *env, const char *name, const char *bump,
			      struct llmops_new_version *r, struct llmops_err *err)
{
	struct llmops_buf path = LLMOPS_BUF_INIT, text = LLMOPS_BUF_INIT;
	struct llmops_catalog cat;
	struct llmops_semver next = {1, 0, 0};
	int rc, json = 0;
	memset(r, 0, sizeof(*r));
	if ((rc = llmops_store_catalog(env->store, NULL, 1, &cat, err)))
		return rc;
	const struct llmops_family *f = llmops_catalog_find(&cat, name);
	if (f && f->n) {
		const struct llmops_version_file *v = &f->files[f->n - 1];
		next = v->sv;
		if (!strcmp(bump, "major"))
			next.major++, next.minor = 0, next.patch = 0;
		else if (!strcmp(bump, "minor"))
			next.minor++, next.patch = 0;
		else
			next.patch++;
		json = v->json;
		snprintf(r->from, sizeof(r->from), "%s", v->version);
		llmops_semver_format(&next, r->version, sizeof(r->version));
		rc = copy_newest(env, v, r->version, &text, err);
	} else {
		llmops_semver_format(&next, r->version, sizeof(r->version));
		llmops_buf_adds(&text, starter);
	}
	llmops_buf_addf(&path, LLMOPS_PROMPTS_DIR "/%s/%s.%s", name, r->version,
			json ? "json" : "txt");
	if (!rc && !(rc = write_new(llmops_store_root(env->store), path.data, &text, err)))
		snprintf(r->path, sizeof(r->path), "%s", path.data);
	llmops_buf_release(&path);
	llmops_buf_release(&text);
	llmops_catalog_release(&cat);
	return rc;
}
