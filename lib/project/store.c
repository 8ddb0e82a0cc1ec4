/*
 * store.c - the prompt store over libgit2 (see store.h).
 */
#include "store.h"

#include "mem.h"
#include "safepath.h"

#include "hash.h"
#include "internal.h"
#include "lock.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct llmops_snapshot {
	struct llmops_store *s;
	git_commit *commit;	 /* the commit */
	git_tree *tree;		 /* its tree */
	char id[LLMOPS_OID_HEX]; /* its id */
	char *rev;		 /* the revision as given */
};

static int git_fail(struct llmops_err *err, const char *what)
{
	const git_error *e = git_error_last();

	return llmops_err_set(err, LLMOPS_E_GIT, "%s: %s", what,
			      e && e->message ? e->message : "unknown libgit2 error");
}

int llmops_store_open(struct llmops_store **out, const char *root, struct llmops_err *err)
{
	struct llmops_store *s;
	git_repository *repo = NULL;
	const char *wd;
	int rc;

	*out = NULL;
	/*
	 * libgit2 caches only trees under 4 KiB by default; prompts/ with a
	 * thousand families is ~40 KiB and would be inflated again for every
	 * path looked up under it (80 ms for 1,000 lookups).
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)GIT_OBJECT_TREE, (size_t)1 << 22);
	rc = git_repository_open_ext(&repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "'%s' is not in a git repository; prompts are versioned in "
				      "git: run 'git init' (and 'llmops init'), or -C DIR",
				      root);
	if (rc < 0)
		return git_fail(err, "cannot open the git repository");
	if (git_repository_is_bare(repo) || !(wd = git_repository_workdir(repo))) {
		git_repository_free(repo);
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "'%s' is a bare repository, which has no work tree; run "
				      "llmops in a clone or a 'git worktree add' checkout",
				      root);
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->root = strdup(wd))) {
		free(s);
		git_repository_free(repo);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	for (size_t n = strlen(s->root); n > 1 && s->root[n - 1] == '/';)
		s->root[--n] = '\0';
	s->repo = repo;
	s->shallow = git_repository_is_shallow(repo) == 1;
	*out = s;
	return LLMOPS_OK;
}

void llmops_store_free(struct llmops_store *s)
{
	if (!s)
		return;
	git_repository_free(s->repo);
	free(s->root);
	free(s);
}

const char *llmops_store_root(const struct llmops_store *s)
{
	return s->root;
}

int llmops_store_head(struct llmops_store *s, struct llmops_head *h, struct llmops_err *err)
{
	git_reference *ref = NULL;
	int rc;

	memset(h, 0, sizeof(*h));
	h->shallow = s->shallow;
	rc = git_repository_head(&ref, s->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		git_reference *sym = NULL;

		h->unborn = 1;
		if (!git_reference_lookup(&sym, s->repo, "HEAD") &&
		    git_reference_type(sym) == GIT_REFERENCE_SYMBOLIC) {
			const char *t = git_reference_symbolic_target(sym);

			if (!strncmp(t, "refs/heads/", 11))
				t += 11;
			snprintf(h->branch, sizeof(h->branch), "%s", t);
		}
		git_reference_free(sym);
		return LLMOPS_OK;
	}
	if (rc < 0)
		return git_fail(err, "cannot read HEAD");
	h->detached = git_repository_head_detached(s->repo) == 1;
	if (!h->detached)
		snprintf(h->branch, sizeof(h->branch), "%s", git_reference_shorthand(ref));
	if (git_reference_target(ref))
		git_oid_tostr(h->commit, sizeof(h->commit), git_reference_target(ref));
	git_reference_free(ref);
	return LLMOPS_OK;
}

int llmops_snapshot_open(struct llmops_snapshot **out, struct llmops_store *s, const char *rev,
			 struct llmops_err *err)
{
	struct llmops_snapshot *snap;
	git_object *obj = NULL, *peeled = NULL;
	int rc;

	*out = NULL;
	if (!rev) {
		struct llmops_head h;

		if ((rc = llmops_store_head(s, &h, err)))
			return rc;
		if (h.unborn)
			return llmops_err_set(err, LLMOPS_E_NOTFOUND,
					      "no commits yet on branch '%s'; commit the prompts "
					      "first (git add prompts && git commit)",
					      h.branch[0] ? h.branch : "HEAD");
		rev = "HEAD";
	}
	rc = git_revparse_single(&obj, s->repo, rev);
	if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
		return llmops_err_set(err, LLMOPS_E_USAGE, "unknown revision '%s'%s", rev,
				      s->shallow ? "; this is a shallow clone: fetch it first, "
						   "e.g. git fetch --depth=1 origin main"
						 : "");
	if (rc < 0)
		return git_fail(err, "cannot resolve the revision");
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return llmops_err_set(err, LLMOPS_E_USAGE, "'%s' does not name a commit", rev);
	snap = calloc(1, sizeof(*snap));
	if (!snap || !(snap->rev = strdup(rev))) {
		free(snap);
		git_object_free(peeled);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	snap->s = s;
	snap->commit = (git_commit *)peeled;
	git_oid_tostr(snap->id, sizeof(snap->id), git_commit_id(snap->commit));
	if (git_commit_tree(&snap->tree, snap->commit) < 0) {
		llmops_snapshot_free(snap);
		return git_fail(err, "cannot read the commit's tree");
	}
	*out = snap;
	return LLMOPS_OK;
}

void llmops_snapshot_free(struct llmops_snapshot *snap)
{
	if (!snap)
		return;
	git_tree_free(snap->tree);
	git_commit_free(snap->commit);
	free(snap->rev);
	free(snap);
}

const char *llmops_snapshot_commit(const struct llmops_snapshot *snap)
{
	return snap->id;
}

const char *llmops_snapshot_rev(const struct llmops_snapshot *snap)
{
	return snap->rev;
}

static int read_blob_oid(struct llmops_store *s, const git_oid *oid, struct llmops_buf *out,
			 struct llmops_err *err)
{
	git_blob *blob = NULL;
	int rc = git_blob_lookup(&blob, s->repo, oid);

	if (rc == GIT_ENOTFOUND)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "blob %s is not in the repository",
				      git_oid_tostr_s(oid));
	if (rc < 0)
		return git_fail(err, "cannot read a blob");
	llmops_buf_reset(out);
	rc = llmops_buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return rc ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

int llmops_snapshot_read(struct llmops_snapshot *snap, const char *path, struct llmops_buf *out,
			 char blob[LLMOPS_OID_HEX], struct llmops_err *err)
{
	char id[LLMOPS_OID_HEX];
	int rc = llmops_snapshot_blob_id(snap, path, id, err);
	git_tree_entry *e = NULL;

	if (rc)
		return rc;
	/* a committed link's blob is its target's name, not a prompt: whatever
	   it names (perhaps outside the repository) is not read either */
	if (!git_tree_entry_bypath(&e, snap->tree, path)) {
		int link = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK;

		git_tree_entry_free(e);
		if (link)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "'%s' is a symbolic link at %s; llmops reads only "
					      "regular files: commit the file itself",
					      path, snap->rev);
	}
	if (blob)
		memcpy(blob, id, sizeof(id));
	return llmops_store_read_blob(snap->s, id, out, err);
}

int llmops_snapshot_blob_id(struct llmops_snapshot *snap, const char *path,
			    char blob[LLMOPS_OID_HEX], struct llmops_err *err)
{
	git_tree_entry *e = NULL;
	int rc = git_tree_entry_bypath(&e, snap->tree, path);

	if (rc == GIT_ENOTFOUND)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' does not exist at %s (%.7s)",
				      path, snap->rev, snap->id);
	if (rc < 0)
		return git_fail(err, "cannot read the tree");
	rc = git_tree_entry_type(e) == GIT_OBJECT_BLOB ? LLMOPS_OK : LLMOPS_E_NOTFOUND;
	if (!rc)
		git_oid_tostr(blob, LLMOPS_OID_HEX, git_tree_entry_id(e));
	else
		llmops_err_set(err, rc, "'%s' is not a file at %s", path, snap->rev);
	git_tree_entry_free(e);
	return rc;
}

const char *llmops_file_state_name(int state)
{
	static const char *const names[] = {"committed", "modified", "added", "untracked",
					    "deleted"};

	return state >= 0 && state <= LLMOPS_FILE_DELETED ? names[state] : "unknown";
}

/* ---- the catalog ---- */

struct entry {
	char *path;  /* owned until the catalog takes it */
	git_oid oid; /* the blob in the snapshot, valid when has_oid */
	int has_oid;
	int state; /* enum llmops_file_state */
};

struct entries {
	struct entry *v;
	size_t n, a;
};

static int entries_add(struct entries *es, const char *path, const git_oid *oid, int state)
{
	struct entry *e;

	if (LLMOPS_GROW(es->v, es->n, es->a, 256))
		return -1;
	e = &es->v[es->n];
	if (!(e->path = strdup(path)))
		return -1;
	e->has_oid = oid != NULL;
	if (oid)
		e->oid = *oid;
	e->state = state;
	es->n++;
	return 0;
}

struct walk_ctx {
	struct entries *es;
	int oom;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	static const char prefix[] = LLMOPS_PROMPTS_DIR "/";
	struct walk_ctx *w = payload;
	const char *name = git_tree_entry_name(e);
	size_t rl = strlen(root), nl = strlen(name);
	char path[4096];

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	if (sizeof(prefix) + rl + nl > sizeof(path))
		return 0; /* longer than any version path can be */
	memcpy(path, prefix, sizeof(prefix) - 1);
	memcpy(path + sizeof(prefix) - 1, root, rl);
	memcpy(path + sizeof(prefix) - 1 + rl, name, nl + 1);
	if (entries_add(w->es, path, git_tree_entry_id(e), LLMOPS_FILE_COMMITTED)) {
		w->oom = 1;
		return -1;
	}
	return 0;
}

static int tree_entries(git_tree *tree, struct entries *es, struct llmops_err *err)
{
	git_tree_entry *pe = NULL;
	git_tree *sub = NULL;
	struct walk_ctx w = {es, 0};
	int rc = git_tree_entry_bypath(&pe, tree, LLMOPS_PROMPTS_DIR);

	if (rc == GIT_ENOTFOUND)
		return LLMOPS_OK;
	if (rc < 0)
		return git_fail(err, "cannot read the tree");
	if (git_tree_entry_type(pe) != GIT_OBJECT_TREE) {
		git_tree_entry_free(pe);
		return LLMOPS_OK;
	}
	rc = git_tree_lookup(&sub, git_tree_owner(tree), git_tree_entry_id(pe));
	git_tree_entry_free(pe);
	if (rc < 0)
		return git_fail(err, "cannot read prompts/");
	rc = git_tree_walk(sub, GIT_TREEWALK_PRE, walk_cb, &w);
	git_tree_free(sub);
	if (w.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (rc < 0)
		return git_fail(err, "cannot walk prompts/");
	return LLMOPS_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* Search the first n entries, which are sorted. */
static struct entry *entries_find(struct entries *es, size_t n, const char *path)
{
	struct entry key = {0};

	key.path = (char *)path;

	return n ? bsearch(&key, es->v, n, sizeof(*es->v), entry_cmp) : NULL;
}

/*
 * The state of every file under prompts/, from the index and the work
 * tree, compared with the HEAD entries es->v[0..base) (sorted).
 *
 * libgit2's git_status_list_new() gives the same answer but costs ~50 ms
 * on 20,000 files (it diffs whole trees and iterates the work tree with
 * pathspec matching per entry); this does what git does for the one
 * directory we need: compare index ids with HEAD's, stat each indexed file
 * against the index's cached stat data (hashing only when that differs or
 * is racy), and read the directories for files the index does not know.
 * The index, hashing and ignore rules are still libgit2's.
 */
struct status_walk {
	struct llmops_store *s;
	const git_index_entry **ents; /* index entries under prompts/, sorted by path */
	size_t nents;
	struct entries *es;
	struct llmops_buf path; /* root-relative path being walked */
	int failed;		/* LLMOPS_E_NOMEM or LLMOPS_E_GIT */
};

static int hash_differs(struct llmops_store *s, const char *full, const git_oid *want)
{
	git_oid got;

	if (git_repository_hashfile(&got, s->repo, full, GIT_OBJECT_BLOB, NULL) < 0)
		return 1;
	return git_oid_cmp(&got, want) != 0;
}

static int indexed(const struct status_walk *sw, const char *path)
{
	size_t lo = 0, hi = sw->nents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sw->ents[mid]->path, path);

		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Add work-tree files under sw->path that the index does not track. */
static void find_untracked(struct status_walk *sw, const char *root)
{
	struct llmops_buf full = LLMOPS_BUF_INIT;
	size_t keep = sw->path.len;
	struct dirent *de;
	DIR *d;

	llmops_buf_addf(&full, "%s/%s", root, sw->path.data);
	d = full.oom ? NULL : opendir(full.data);
	llmops_buf_release(&full);
	if (!d)
		return;
	while ((de = readdir(d)) && !sw->failed) {
		int dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		llmops_buf_truncate(&sw->path, keep);
		llmops_buf_addf(&sw->path, "/%s", de->d_name);
		if (sw->path.oom) {
			sw->failed = LLMOPS_E_NOMEM;
			break;
		}
		dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			struct llmops_buf p = LLMOPS_BUF_INIT;

			llmops_buf_addf(&p, "%s/%s", root, sw->path.data);
			dir = !lstat(p.data, &st) && S_ISDIR(st.st_mode);
			llmops_buf_release(&p);
		}
		if (dir) {
			find_untracked(sw, root);
		} else if (!indexed(sw, sw->path.data)) {
			int ignored = 0;

			if (git_ignore_path_is_ignored(&ignored, sw->s->repo, sw->path.data) < 0)
				ignored = 0;
			if (!ignored &&
			    entries_add(sw->es, sw->path.data, NULL, LLMOPS_FILE_UNTRACKED))
				sw->failed = LLMOPS_E_NOMEM;
		}
	}
	llmops_buf_truncate(&sw->path, keep);
	closedir(d);
}

/* One stat per indexed file: the work is split between two threads. */
struct stat_job {
	const char *root;	      /* work tree root */
	const git_index_entry **ents; /* the entries to check */
	unsigned char *verdict;	      /* per entry: 0 same, 1 hash it, 2 missing */
	size_t from, to;	      /* the slice [from, to) this job takes */
	time_t index_mtime;	      /* files this new are racy: always hashed */
};

static void *stat_slice(void *arg)
{
	struct stat_job *j = arg;
	char path[4096];

	for (size_t i = j->from; i < j->to; i++) {
		const git_index_entry *ie = j->ents[i];
		struct stat st;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", j->root, ie->path) >=
			    sizeof(path) ||
		    lstat(path, &st))
			j->verdict[i] = 2;
		else
			j->verdict[i] = (uint32_t)st.st_size != ie->file_size ||
					(int32_t)st.st_mtim.tv_sec != ie->mtime.seconds ||
					(uint32_t)st.st_mtim.tv_nsec != ie->mtime.nanoseconds ||
					st.st_mtime >= j->index_mtime;
	}
	return NULL;
}

static int status_entries(struct llmops_store *s, struct entries *es, struct llmops_err *err)
{
	struct status_walk sw = {s, NULL, 0, es, LLMOPS_BUF_INIT, 0};
	git_index *idx = NULL;
	struct llmops_buf full = LLMOPS_BUF_INIT;
	const size_t plen = strlen(LLMOPS_PROMPTS_DIR "/");
	const git_index_entry **ents = NULL;
	unsigned char *seen = NULL, *verdict = NULL;
	size_t base = es->n, pos, count, n = 0;
	struct stat_job jobs[2];
	pthread_t worker;
	int threaded = 0, rc = LLMOPS_OK;
	struct stat ist;
	time_t index_mtime;

	if (es->n) /* qsort's base must not be NULL, even for no elements */
		qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
	if (git_repository_index(&idx, s->repo) < 0)
		return git_fail(err, "cannot read the index");
	count = git_index_entrycount(idx);
	if (git_index_find_prefix(&pos, idx, LLMOPS_PROMPTS_DIR "/") < 0)
		pos = count;
	seen = calloc(base ? base : 1, 1);
	ents = malloc((count - pos + 1) * sizeof(*ents));
	verdict = calloc(count - pos + 1, 1);
	if (!seen || !ents || !verdict) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	/* Stage 0 entries under prompts/, and one entry per conflicted path. */
	for (const char *last = NULL; pos < count; pos++) {
		const git_index_entry *ie = git_index_get_byindex(idx, pos);

		if (strncmp(ie->path, LLMOPS_PROMPTS_DIR "/", plen))
			break;
		if (last && !strcmp(last, ie->path))
			continue;
		last = ie->path;
		ents[n++] = ie;
	}
	sw.ents = ents;
	sw.nents = n;
	index_mtime = !stat(git_index_path(idx), &ist) ? ist.st_mtime : 0;
	/* The worker takes two thirds; this thread reads the directories, then the rest. */
	for (int k = 0; k < 2; k++) {
		jobs[k].root = s->root;
		jobs[k].ents = ents;
		jobs[k].verdict = verdict;
		jobs[k].from = k ? n * 2 / 3 : 0;
		jobs[k].to = k ? n : n * 2 / 3;
		jobs[k].index_mtime = index_mtime;
	}
	/* Stats are system calls that wait on the kernel: two threads halve the wall time. */
	threaded = n >= 512 && !pthread_create(&worker, NULL, stat_slice, &jobs[0]);
	if (!threaded)
		stat_slice(&jobs[0]);
	llmops_buf_adds(&sw.path, LLMOPS_PROMPTS_DIR);
	find_untracked(&sw, s->root);
	stat_slice(&jobs[1]);
	if (threaded)
		pthread_join(worker, NULL);
	if (sw.failed || sw.path.oom) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const git_index_entry *ie = ents[i];
		struct entry *head = entries_find(es, base, ie->path);
		int state;

		if (head)
			seen[head - es->v] = 1;
		if (GIT_INDEX_ENTRY_STAGE(ie))
			state = LLMOPS_FILE_MODIFIED; /* a merge conflict */
		else if (!head)
			state = LLMOPS_FILE_ADDED;
		else
			state = git_oid_equal(&ie->id, &head->oid) ? LLMOPS_FILE_COMMITTED
								   : LLMOPS_FILE_MODIFIED;
		if (verdict[i] == 2) {
			state = LLMOPS_FILE_DELETED;
		} else if (verdict[i] == 1 && state == LLMOPS_FILE_COMMITTED) {
			llmops_buf_reset(&full);
			llmops_buf_addf(&full, "%s/%s", s->root, ie->path);
			if (hash_differs(s, full.data, &ie->id))
				state = LLMOPS_FILE_MODIFIED;
		}
		if (head)
			head->state = state;
		else if (entries_add(es, ie->path, NULL, state))
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	/* In HEAD but not in the index: deleted (staged). */
	for (size_t i = 0; i < base && !rc; i++)
		if (!seen[i])
			es->v[i].state = LLMOPS_FILE_DELETED;
out:
	free(seen);
	free(ents);
	free(verdict);
	llmops_buf_release(&full);
	llmops_buf_release(&sw.path);
	git_index_free(idx);
	return rc;
}

static int fam_cmp(const void *a, const void *b)
{
	return strcmp(((const struct llmops_family *)a)->name,
		      ((const struct llmops_family *)b)->name);
}

static int file_cmp(const void *a, const void *b)
{
	return llmops_semver_cmp(&((const struct llmops_version_file *)a)->sv,
				 &((const struct llmops_version_file *)b)->sv);
}

/* Turn sorted entries into families; takes ownership of paths it keeps. */
static int build_catalog(struct entries *es, struct llmops_catalog *c)
{
	char name[LLMOPS_NAME_MAX + 1];
	size_t fam_alloc = 0;

	if (es->n) /* qsort's base must not be NULL, even for no elements */
		qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
	for (size_t i = 0; i < es->n; i++) {
		struct entry *e = &es->v[i];
		struct llmops_family *f = c->n ? &c->fam[c->n - 1] : NULL;
		struct llmops_version_file *vf;
		struct llmops_semver sv;
		const char *ext;

		if (llmops_version_path_split(e->path, name, &sv, &ext)) {
			if (strncmp(e->path, LLMOPS_PARTIALS_DIR "/",
				    strlen(LLMOPS_PARTIALS_DIR) + 1) &&
			    llmops_strlist_append(&c->strays, e->path))
				return -1;
			continue;
		}
		/* Paths sort by directory first, so a family's files are adjacent. */
		if (!f || strcmp(f->name, name)) {
			if (LLMOPS_GROW(c->fam, c->n, fam_alloc, 64))
				return -1;
			f = &c->fam[c->n];
			memset(f, 0, sizeof(*f));
			if (!(f->name = strdup(name)))
				return -1;
			c->n++;
		}
		for (size_t k = 0; k < f->n; k++) {
			if (!llmops_semver_cmp(&f->files[k].sv, &sv) &&
			    llmops_strlist_appendf(&c->dupes, "%s@%s", name, f->files[k].version))
				return -1;
		}
		if ((f->n & (f->n - 1)) == 0 && f->n >= 4) { /* 4, 8, 16, ... slots: double */
			vf = realloc(f->files, f->n * 2 * sizeof(*vf));
			if (!vf)
				return -1;
			f->files = vf;
		} else if (!f->files && !(f->files = malloc(4 * sizeof(*vf)))) {
			return -1;
		}
		vf = &f->files[f->n++];
		memset(vf, 0, sizeof(*vf));
		llmops_semver_format(&sv, vf->version, sizeof(vf->version));
		vf->sv = sv;
		vf->path = e->path;
		e->path = NULL;
		vf->json = !strcmp(ext, "json");
		if (e->has_oid)
			git_oid_tostr(vf->blob, sizeof(vf->blob), &e->oid);
		vf->state = e->state;
	}
	if (c->n)
		qsort(c->fam, c->n, sizeof(*c->fam), fam_cmp);
	for (size_t i = 0; i < c->n; i++)
		qsort(c->fam[i].files, c->fam[i].n, sizeof(*c->fam[i].files), file_cmp);
	return 0;
}

int llmops_store_catalog(struct llmops_store *s, struct llmops_snapshot *snap, int status,
			 struct llmops_catalog *out, struct llmops_err *err)
{
	struct llmops_snapshot *head = NULL;
	struct entries es = {0};
	int rc = LLMOPS_OK;

	memset(out, 0, sizeof(*out));
	if (!snap) {
		rc = llmops_snapshot_open(&head, s, NULL, err);
		if (rc == LLMOPS_E_NOTFOUND) /* unborn: nothing committed */
			rc = LLMOPS_OK;
		else if (rc)
			return rc;
		snap = head;
	}
	if (snap)
		rc = tree_entries(snap->tree, &es, err);
	if (!rc && status)
		rc = status_entries(s, &es, err);
	if (!rc && build_catalog(&es, out))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < es.n; i++)
		free(es.v[i].path);
	free(es.v);
	llmops_snapshot_free(head);
	if (rc)
		llmops_catalog_release(out);
	return rc;
}

void llmops_catalog_release(struct llmops_catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->fam[i].n; k++)
			free(c->fam[i].files[k].path);
		free(c->fam[i].files);
		free(c->fam[i].name);
	}
	free(c->fam);
	llmops_strlist_release(&c->strays);
	llmops_strlist_release(&c->dupes);
	memset(c, 0, sizeof(*c));
}

const struct llmops_family *llmops_catalog_find(const struct llmops_catalog *c, const char *name)
{
	struct llmops_family key = {(char *)name, NULL, 0};

	return c->n ? bsearch(&key, c->fam, c->n, sizeof(*c->fam), fam_cmp) : NULL;
}

const struct llmops_version_file *llmops_family_find(const struct llmops_family *f,
						     const char *version)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (!strcmp(f->files[i].version, version))
			return &f->files[i];
	return NULL;
}

int llmops_store_hash_worktree(struct llmops_store *s, const char *path, const char *expect,
			       char blob[LLMOPS_OID_HEX], char sha256[65], struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT, full = LLMOPS_BUF_INIT;
	git_oid oid;
	int rc = LLMOPS_OK;

	llmops_buf_addf(&full, "%s/%s", s->root, path);
	if (full.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if ((rc = llmops_path_check_inside(s->root, full.data, path, err)))
		goto out;
	if (llmops_buf_read_file(&b, full.data)) {
		rc = errno == ENOENT || errno == ENOTDIR
			     ? llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' does not exist", path)
			     : llmops_err_set(err, LLMOPS_E_IO, "cannot read '%s': %s", path,
					      strerror(errno));
		goto out;
	}
	/*
	 * As git stores it.  The bytes as they are first: that is the answer
	 * unless a filter (core.autocrlf, eol, a clean filter) applies, and it
	 * costs no attribute lookups (a dozen system calls per file).  When
	 * it does not give the expected id, hash through the filters.
	 */
	if (git_odb_hash(&oid, b.data, b.len, GIT_OBJECT_BLOB) < 0) {
		rc = git_fail(err, "cannot hash the file");
		goto out;
	}
	git_oid_tostr(blob, LLMOPS_OID_HEX, &oid);
	if (!expect || strcmp(blob, expect)) {
		if (git_repository_hashfile(&oid, s->repo, full.data, GIT_OBJECT_BLOB, NULL) < 0) {
			rc = git_fail(err, "cannot hash the file");
			goto out;
		}
		git_oid_tostr(blob, LLMOPS_OID_HEX, &oid);
	}
	if (sha256 && llmops_sha256_hex(sha256, b.data, b.len))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "cannot compute SHA-256");
out:
	llmops_buf_release(&b);
	llmops_buf_release(&full);
	return rc;
}

int llmops_store_commit_exists(struct llmops_store *s, const char *hex)
{
	git_oid oid;
	git_commit *c = NULL;
	int rc;

	if (strlen(hex) != 40 || git_oid_fromstr(&oid, hex) < 0)
		return -1;
	rc = git_commit_lookup(&c, s->repo, &oid);
	git_commit_free(c);
	if (rc == 0)
		return 1;
	return s->shallow ? -1 : 0;
}

int llmops_store_read_blob(struct llmops_store *s, const char *blob, struct llmops_buf *out,
			   struct llmops_err *err)
{
	git_oid oid;

	if (git_oid_fromstr(&oid, blob) < 0)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' is not a blob id", blob);
	return read_blob_oid(s, &oid, out, err);
}

static int lookup_blob(struct llmops_store *s, const char *hex, git_blob **out,
		       struct llmops_err *err)
{
	git_oid oid;
	int rc;

	if (git_oid_fromstr(&oid, hex) < 0)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' is not a blob id", hex);
	rc = git_blob_lookup(out, s->repo, &oid);
	if (rc == GIT_ENOTFOUND)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "blob %s is not in the repository",
				      hex);
	return rc < 0 ? git_fail(err, "cannot read a blob") : LLMOPS_OK;
}

int llmops_store_diff(struct llmops_store *s, const char *blob_a, const char *path_a,
		      const char *blob_b, const char *path_b, int context_lines,
		      struct llmops_buf *out, struct llmops_err *err)
{
	git_diff_options opts;
	git_blob *a = NULL, *b = NULL;
	git_patch *patch = NULL;
	git_buf text = {0};
	int rc;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if ((rc = lookup_blob(s, blob_a, &a, err)) || (rc = lookup_blob(s, blob_b, &b, err)))
		goto out;
	opts.context_lines = (uint32_t)(context_lines < 0 ? 3 : context_lines);
	if (git_patch_from_blobs(&patch, a, path_a, b, path_b, &opts) < 0 ||
	    git_patch_to_buf(&text, patch) < 0) {
		rc = git_fail(err, "cannot compute the diff");
		goto out;
	}
	if (llmops_buf_add(out, text.ptr ? text.ptr : "", text.size))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
out:
	git_buf_dispose(&text);
	git_patch_free(patch);
	git_blob_free(a);
	git_blob_free(b);
	return rc;
}

struct changed_ctx {
	int (*fn)(void *ud, const struct llmops_change *c);
	void *ud;
	int stopped;
};

int llmops_store_changed_since(struct llmops_store *s, struct llmops_snapshot *base,
			       int (*fn)(void *ud, const struct llmops_change *c), void *ud,
			       struct llmops_err *err)
{
	git_diff_options opts;
	char *spec[] = {(char *)LLMOPS_PROMPTS_DIR};
	git_diff *diff = NULL;
	int rc = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.pathspec.strings = spec;
	opts.pathspec.count = 1;
	opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_workdir_with_index(&diff, s->repo, base->tree, &opts) < 0)
		return git_fail(err, "cannot compare the work tree with the base");
	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct llmops_change c;

		if (d->status == GIT_DELTA_MODIFIED)
			c.status = 'M';
		else if (d->status == GIT_DELTA_DELETED)
			c.status = 'D';
		else if (d->status == GIT_DELTA_TYPECHANGE)
			c.status = 'T';
		else
			continue;
		c.path = d->old_file.path;
		rc = fn(ud, &c);
	}
	git_diff_free(diff);
	return rc;
}

/* ---- the log ---- */

struct oidset {
	git_oid *v; /* open addressing; zero oid marks a free slot */
	size_t cap, n;
};

static int oidset_add(struct oidset *set, const git_oid *id)
{
	size_t h;

	if ((set->n + 1) * 2 > set->cap) {
		struct oidset big = {calloc(set->cap ? set->cap * 2 : 1024, sizeof(git_oid)),
				     set->cap ? set->cap * 2 : 1024, 0};

		if (!big.v)
			return -1;
		for (size_t i = 0; i < set->cap; i++)
			if (!git_oid_is_zero(&set->v[i]))
				oidset_add(&big, &set->v[i]);
		free(set->v);
		*set = big;
	}
	memcpy(&h, id->id, sizeof(h));
	for (h %= set->cap;; h = (h + 1) % set->cap) {
		if (git_oid_is_zero(&set->v[h])) {
			set->v[h] = *id;
			set->n++;
			return 1;
		}
		if (!git_oid_cmp(&set->v[h], id))
			return 0;
	}
}

void llmops_store_path_oid(git_commit *c, const char *path, git_oid *out)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;

	memset(out, 0, sizeof(*out));
	if (!c || git_commit_tree(&t, c) < 0)
		return;
	if (!git_tree_entry_bypath(&e, t, path)) {
		*out = *git_tree_entry_id(e);
		git_tree_entry_free(e);
	}
	git_tree_free(t);
}

/* The version pinned for name by the lock blob oid (lenient: "" when unreadable). */
static void pinned_in(struct llmops_store *s, const git_oid *lock_oid, const char *name, char *out,
		      size_t n)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	struct llmops_lock l;
	const struct llmops_lock_entry *e;

	out[0] = '\0';
	if (git_oid_is_zero(lock_oid) || read_blob_oid(s, lock_oid, &b, NULL))
		return;
	if (!llmops_lock_parse(&l, b.data, b.len, LLMOPS_LOCK_FILE, NULL) &&
	    (e = llmops_lock_find(&l, name)))
		snprintf(out, n, "%s", e->version);
	llmops_lock_release(&l);
	llmops_buf_release(&b);
}

struct vlist {
	char name[64];
	git_oid oid;
};

/* The version files directly in a family directory tree. */
static size_t family_files(struct llmops_store *s, const git_oid *dir, struct vlist *out,
			   size_t max)
{
	git_tree *t = NULL;
	size_t n = 0;

	if (git_oid_is_zero(dir) || git_tree_lookup(&t, s->repo, dir) < 0)
		return 0;
	for (size_t i = 0, k = git_tree_entrycount(t); i < k && n < max; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *nm = git_tree_entry_name(e), *dot = strrchr(nm, '.');
		struct llmops_semver sv;

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || !dot ||
		    (strcmp(dot, ".txt") && strcmp(dot, ".json")) ||
		    llmops_semver_parse(nm, (size_t)(dot - nm), &sv))
			continue;
		llmops_semver_format(&sv, out[n].name, sizeof(out[n].name));
		out[n].oid = *git_tree_entry_id(e);
		n++;
	}
	git_tree_free(t);
	return n;
}

#define MAX_LOG_FILES 4096

struct log_walk {
	struct llmops_store *s;
	const char *name;
	char dir[LLMOPS_NAME_MAX + 16];
	int (*fn)(void *ud, const struct llmops_log_event *ev);
	void *ud;
	struct vlist *a, *b;	     /* scratch for the two trees' files */
	const char *const *partials; /* paths of the partials to report, borrowed */
	size_t npartials;
};

void llmops_store_commit_fields(git_commit *c, char id[LLMOPS_OID_HEX], int64_t *time,
				int *tz_minutes, const char **author, const char **summary)
{
	const git_signature *au = git_commit_author(c);
	git_oid_tostr(id, LLMOPS_OID_HEX, git_commit_id(c));
	*time = (int64_t)git_commit_time(c);
	*tz_minutes = git_commit_time_offset(c);
	*author = au && au->name ? au->name : "";
	*summary = git_commit_summary(c) ? git_commit_summary(c) : "";
}

static int emit(struct log_walk *w, git_commit *c, int kind, const char *version,
		const char *previous)
{
	struct llmops_log_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	llmops_store_commit_fields(c, ev.commit, &ev.time, &ev.tz_minutes, &ev.author, &ev.summary);
	ev.version = version;
	ev.previous = previous;
	ev.partial = "";
	if (kind == LLMOPS_LOG_PARTIAL) {
		ev.partial = version;
		ev.version = "";
	}
	return w->fn(w->ud, &ev);
}

/* Report what c did to the family, relative to parent p (NULL: root or boundary). */
static int log_commit(struct log_walk *w, git_commit *c, git_commit *p)
{
	git_oid dir_c, dir_p, lock_c, lock_p;
	int rc = 0;

	for (size_t i = 0; i < w->npartials && !rc; i++) {
		git_oid pc, pp;
		llmops_store_path_oid(c, w->partials[i], &pc);
		llmops_store_path_oid(p, w->partials[i], &pp);
		if (git_oid_cmp(&pc, &pp))
			rc = emit(w, c, LLMOPS_LOG_PARTIAL, w->partials[i], "");
	}
	llmops_store_path_oid(c, w->dir, &dir_c);
	llmops_store_path_oid(p, w->dir, &dir_p);
	if (!rc && git_oid_cmp(&dir_c, &dir_p)) {
		size_t na = family_files(w->s, &dir_c, w->a, MAX_LOG_FILES);
		size_t nb = family_files(w->s, &dir_p, w->b, MAX_LOG_FILES);

		for (size_t i = 0; i < na && !rc; i++) {
			size_t k;

			for (k = 0; k < nb && strcmp(w->a[i].name, w->b[k].name); k++)
				;
			if (k == nb)
				rc = emit(w, c, LLMOPS_LOG_ADDED, w->a[i].name, "");
			else if (git_oid_cmp(&w->a[i].oid, &w->b[k].oid))
				rc = emit(w, c, LLMOPS_LOG_CHANGED, w->a[i].name, "");
		}
		for (size_t k = 0; k < nb && !rc; k++) {
			size_t i;

			for (i = 0; i < na && strcmp(w->a[i].name, w->b[k].name); i++)
				;
			if (i == na)
				rc = emit(w, c, LLMOPS_LOG_DELETED, w->b[k].name, "");
		}
	}
	llmops_store_path_oid(c, LLMOPS_LOCK_FILE, &lock_c);
	llmops_store_path_oid(p, LLMOPS_LOCK_FILE, &lock_p);
	if (!rc && git_oid_cmp(&lock_c, &lock_p)) {
		char now[64], before[64];

		pinned_in(w->s, &lock_c, w->name, now, sizeof(now));
		pinned_in(w->s, &lock_p, w->name, before, sizeof(before));
		if (strcmp(now, before))
			rc = emit(w, c, now[0] ? LLMOPS_LOG_PINNED : LLMOPS_LOG_UNPINNED,
				  now[0] ? now : before, before);
	}
	return rc;
}

/* Does c take both the family and the lock unchanged from some parent other than the first? */
static int treesame_to_other_parent(struct log_walk *w, git_commit *c)
{
	git_oid dc, lc, dp, lp;

	llmops_store_path_oid(c, w->dir, &dc);
	llmops_store_path_oid(c, LLMOPS_LOCK_FILE, &lc);
	for (unsigned i = 1; i < git_commit_parentcount(c); i++) {
		git_commit *p = NULL;
		int same;

		if (git_commit_parent(&p, c, i) < 0)
			continue;
		llmops_store_path_oid(p, w->dir, &dp);
		llmops_store_path_oid(p, LLMOPS_LOCK_FILE, &lp);
		same = !git_oid_cmp(&dc, &dp) && !git_oid_cmp(&lc, &lp);
		git_commit_free(p);
		if (same)
			return 1;
	}
	return 0;
}

int llmops_store_log(struct llmops_store *s, const char *name,
		     int (*fn)(void *ud, const struct llmops_log_event *ev), void *ud,
		     struct llmops_err *err)
{
	return llmops_store_log_ex(s, name, NULL, 0, fn, ud, err);
}

int llmops_store_walk(struct llmops_store *s,
		      int (*visit)(void *ud, git_commit *c, git_commit *first_parent, int boundary),
		      void *ud, struct llmops_err *err)
{
	struct oidset seen = {0};
	git_commit **queue = NULL;
	size_t nq = 0, aq = 0;
	git_reference *head = NULL;
	git_commit *start = NULL;
	int rc = git_repository_head(&head, s->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
		return LLMOPS_OK; /* no history */
	if (rc < 0)
		return git_fail(err, "cannot read HEAD");
	rc = git_commit_lookup(&start, s->repo, git_reference_target(head));
	git_reference_free(head);
	if (rc < 0)
		return git_fail(err, "cannot read the HEAD commit");
	queue = malloc(64 * sizeof(*queue));
	if (!queue || oidset_add(&seen, git_commit_id(start)) < 0) {
		git_commit_free(start);
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	aq = 64;
	queue[nq++] = start;
	/* Newest commit first: take the latest commit time from the queue each round. */
	while (nq && !rc) {
		size_t best = 0;
		git_commit *c, *p = NULL;
		int missing = 0;

		for (size_t i = 1; i < nq; i++)
			if (git_commit_time(queue[i]) > git_commit_time(queue[best]))
				best = i;
		c = queue[best];
		queue[best] = queue[--nq];
		for (unsigned i = 0; i < git_commit_parentcount(c); i++) {
			git_commit *par = NULL;
			int r = git_commit_parent(&par, c, i);

			if (r == GIT_ENOTFOUND) {
				missing = 1; /* a shallow clone's boundary */
				continue;
			}
			if (r < 0) {
				rc = git_fail(err, "cannot read a parent commit");
				break;
			}
			if (i == 0)
				git_commit_parent(&p, c, 0);
			if (oidset_add(&seen, git_commit_id(par)) == 1) {
				if (LLMOPS_GROW(queue, nq, aq, 64)) {
					git_commit_free(par);
					rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
					break;
				}
				queue[nq++] = par;
			} else {
				git_commit_free(par);
			}
		}
		if (!rc)
			rc = visit(ud, c, p, missing);
		git_commit_free(p);
		git_commit_free(c);
	}
out:
	for (size_t i = 0; i < nq; i++)
		git_commit_free(queue[i]);
	LLMOPS_FREE_ALL(queue, seen.v);
	return rc;
}

/* One commit of a family's log: at a shallow boundary the parent is unknown, so say so
   and claim nothing. */
static int log_visit(void *ud, git_commit *c, git_commit *p, int boundary)
{
	struct log_walk *w = ud;
	if (boundary)
		return emit(w, c, LLMOPS_LOG_BOUNDARY, "", "");
	if (treesame_to_other_parent(w, c))
		return 0;
	return log_commit(w, c, p);
}

int llmops_store_log_ex(struct llmops_store *s, const char *name, const char *const *partials,
			size_t npartials, int (*fn)(void *ud, const struct llmops_log_event *ev),
			void *ud, struct llmops_err *err)
{
	struct log_walk w = {s, name, "", fn, ud, NULL, NULL, partials, npartials};
	int rc;

	snprintf(w.dir, sizeof(w.dir), LLMOPS_PROMPTS_DIR "/%s", name);
	w.a = malloc(MAX_LOG_FILES * sizeof(*w.a));
	w.b = malloc(MAX_LOG_FILES * sizeof(*w.b));
	if (!w.a || !w.b)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	else
		rc = llmops_store_walk(s, log_visit, &w, err);
	LLMOPS_FREE_ALL(w.a, w.b);
	return rc;
}

int llmops_store_ancestors(struct llmops_store *s, const char *rev, size_t max,
			   struct llmops_strlist *out, struct llmops_err *err)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_revwalk *w = NULL;
	git_oid oid;
	int rc = 0;

	if (git_revparse_single(&obj, s->repo, rev) < 0 ||
	    git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return llmops_err_set(err, LLMOPS_E_NOTFOUND, "'%s' is not a git revision here",
				      rev);
	}
	git_object_free(obj);
	if (git_revwalk_new(&w, s->repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(w, git_commit_id(c)) < 0) {
		rc = git_fail(err, "cannot walk the history");
		goto out;
	}
	while (out->nr < max && git_revwalk_next(&oid, w) == 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), &oid);
		if (llmops_strlist_append(out, hex)) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
	}
out:
	git_revwalk_free(w);
	git_commit_free(c);
	return rc;
}
