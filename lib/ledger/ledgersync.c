/*
 * ledgersync.c - runs as git objects under refs/llmops/runs/, pushed and
 * fetched with libgit2 (ledgersync.h).
 */
#include "ledgersync.h"

#include "env.h"

#include "buf.h"
#include "ledger.h"
#include "runid.h"
#include "strlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FETCH_SPEC "+refs/llmops/runs/*:refs/llmops/runs/*"
#define MAX_PUSHES 4 /* a push, and up to three after a fetch */

struct sync {
	struct llmops_ledger *lg;
	git_repository *repo;
	git_remote *remote;
	char tmp[64];			   /* a directory of our own for run.db files */
	struct llmops_strlist remote_refs; /* the remote's refs under LLMOPS_SYNC_REFS, sorted */
	struct llmops_strlist rejected;
	unsigned flags;	   /* enum llmops_sync_flags */
	int merged_copies; /* the remote's other copies of production runs merged already */
	struct llmops_strlist unmerged; /* refs that merge refused: never deleted on the remote */
	int cred_tries;
	struct llmops_strlist headers; /* git's http.extraHeader values for the remote's URL */
	git_strarray header_arr;
	struct llmops_err *err;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_list(struct llmops_strlist *l)
{
	if (l->nr)
		qsort(l->items, l->nr, sizeof(*l->items), cmp_str);
}

static int git_fail(struct llmops_err *err, const char *what)
{
	const git_error *e = git_error_last();
	return llmops_err_set(err, LLMOPS_E_GIT, "%s: %s", what,
			      e && e->message ? e->message : "git failed");
}

/* ------------------------------------------------------------- credentials */

/* `git credential fill` for url: the user's helpers (and what they read from the
   environment) give username and password; 0 when it answered with both. */
static int credential_fill(const char *url, struct llmops_buf *user, struct llmops_buf *pass)
{
	int in[2], out[2], status = 0;
	pid_t pid;
	if (pipe(in) < 0)
		return -1;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(in[1]);
		close(out[0]);
		setenv("GIT_TERMINAL_PROMPT", "0", 1); /* never ask on a terminal: fail instead */
		execlp("git", "git", "credential", "fill", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	struct llmops_buf q = LLMOPS_BUF_INIT, a = LLMOPS_BUF_INIT;
	llmops_buf_addf(&q, "url=%s\n\n", url);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	ssize_t w = write(in[1], q.data, q.len);
	close(in[1]);
	char chunk[512];
	ssize_t n;
	while ((n = read(out[0], chunk, sizeof(chunk))) > 0)
		llmops_buf_add(&a, chunk, (size_t)n);
	close(out[0]);
	waitpid(pid, &status, 0);
	signal(SIGPIPE, old);
	llmops_buf_release(&q);
	int ok = w > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	for (char *line = a.data, *nl; ok && line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(line, "username=", 9))
			llmops_buf_adds(user, line + 9);
		else if (!strncmp(line, "password=", 9))
			llmops_buf_adds(pass, line + 9);
	}
	explicit_bzero(a.data, a.len);
	llmops_buf_release(&a);
	return ok && user->len && pass->len ? 0 : -1;
}

static int credentials(git_credential **out, const char *url, const char *user_from_url,
		       unsigned int allowed, void *payload)
{
	struct sync *s = payload;
	if (s->cred_tries++ >= 2) /* asked again: what was given did not work */
		return GIT_EUSER;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
							 user_from_url ? user_from_url : "git");
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		struct llmops_buf u = LLMOPS_BUF_INIT, p = LLMOPS_BUF_INIT;
		int rc = credential_fill(url, &u, &p)
				 ? GIT_PASSTHROUGH
				 : git_credential_userpass_plaintext_new(out, u.data, p.data);
		explicit_bzero(p.data, p.len);
		llmops_buf_release(&u);
		llmops_buf_release(&p);
		return rc;
	}
	if (allowed & GIT_CREDENTIAL_DEFAULT)
		return git_credential_default_new(out);
	return GIT_PASSTHROUGH;
}

/* -------------------------------------------------------- extra headers */

/* Release a list of secrets, overwritten first; it is empty (and usable) after. */
static void wipe(struct llmops_strlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		explicit_bzero(l->items[i], strlen(l->items[i]));
	llmops_strlist_release(l);
	llmops_strlist_init(l);
}

struct header_match {
	const char *url; /* the remote's */
	struct llmops_strlist *out;
};

/* One http[.<url>].extraheader entry: kept when it applies to the remote's URL as git
   applies it (no <url>, or a prefix of it ending at a '/' or at its end); an empty value
   clears what came before, as in git. */
static int header_entry(const git_config_entry *e, void *payload)
{
	struct header_match *m = payload;
	const char *name = e->name + 5, *end = strrchr(e->name, '.'); /* after "http." */

	if (end > name) { /* http.<url>.extraheader */
		size_t n = (size_t)(end - name);
		if (n > 0 && name[n - 1] == '/')
			n--;
		if (strncmp(m->url, name, n) || (m->url[n] && m->url[n] != '/'))
			return 0;
	}
	if (!e->value || !*e->value)
		wipe(m->out);
	else if (!strpbrk(e->value, "\r\n"))
		llmops_strlist_append(m->out, e->value);
	return 0;
}

/*
 * The headers git would send to the remote's URL: http.extraHeader and
 * http.<url>.extraHeader, where actions/checkout puts the job's token
 * (AUTHORIZATION: basic ...).  Only for http(s) remotes; the values are
 * secrets, never printed, and wiped in sync_close().
 */
static void extra_headers(struct sync *s)
{
	const char *url = git_remote_url(s->remote);
	git_config *cfg = NULL;
	struct header_match m = {url, &s->headers};

	if (!url || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
	    git_repository_config_snapshot(&cfg, s->repo) < 0)
		return;
	git_config_foreach_match(cfg, "^http\\.(.*\\.)?extraheader$", header_entry, &m);
	git_config_free(cfg);
	s->header_arr.strings = s->headers.items;
	s->header_arr.count = s->headers.nr;
}

/* ------------------------------------------------------------------ set-up */

static int sync_open(struct sync *s, struct llmops_ledger *lg, const char *root, const char *remote,
		     char *const *env, int push, struct llmops_err *err)
{
	memset(s, 0, sizeof(*s));
	s->lg = lg;
	s->err = err;
	llmops_strlist_init(&s->remote_refs);
	llmops_strlist_init(&s->rejected);
	llmops_strlist_init(&s->unmerged);
	llmops_strlist_init(&s->headers);
	if (git_repository_open_ext(&s->repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return git_fail(err, root);
	/* a configured name: its URL (pushurl for a push) as an anonymous remote, whose only
	   refspecs are ours (the remote's configured ones would fetch its branches too); a
	   relative path in the configuration is relative to the repository, not to where we are */
	char key[300];
	git_config *cfg = NULL;
	git_buf url = GIT_BUF_INIT_CONST(NULL, 0);
	int rc = GIT_ENOTFOUND;
	if (git_repository_config_snapshot(&cfg, s->repo) == 0) {
		snprintf(key, sizeof(key), "remote.%s.pushurl", remote);
		if (!push || git_config_get_string_buf(&url, cfg, key) < 0) {
			snprintf(key, sizeof(key), "remote.%s.url", remote);
			git_buf_dispose(&url);
			if (git_config_get_string_buf(&url, cfg, key) < 0)
				git_buf_dispose(&url);
		}
		git_config_free(cfg);
	}
	if (!url.size) {
		/* not configured (a disposed buffer points at a shared empty string) */
	} else if (url.ptr[0] != '/' && !strstr(url.ptr, "://") && !strchr(url.ptr, ':')) {
		char abs[4096];
		snprintf(abs, sizeof(abs), "%s/%s", root, url.ptr);
		rc = git_remote_create_anonymous(&s->remote, s->repo, abs);
	} else {
		rc = git_remote_create_anonymous(&s->remote, s->repo, url.ptr);
	}
	git_buf_dispose(&url);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		struct stat sb;
		/* not a configured name: a URL or a path */
		if (strstr(remote, "://") || strchr(remote, '@') || !stat(remote, &sb))
			rc = git_remote_create_anonymous(&s->remote, s->repo, remote);
		else
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"no remote '%s': name one 'git remote -v' lists, or give "
				"a path or URL",
				remote);
	}
	if (rc < 0)
		return git_fail(err, remote);
	extra_headers(s);
	const char *t = llmops_env_get(env, "TMPDIR");
	snprintf(s->tmp, sizeof(s->tmp), "%s/llmops-sync-XXXXXX",
		 t && *t && strlen(t) < 40 ? t : "/tmp");
	if (!mkdtemp(s->tmp))
		return llmops_err_set(err, LLMOPS_E_IO, "cannot make a temporary directory: %s",
				      strerror(errno));
	return 0;
}

static void sync_close(struct sync *s)
{
	if (s->tmp[0]) {
		char p[128];
		snprintf(p, sizeof(p), "%s/run.db", s->tmp);
		unlink(p);
		snprintf(p, sizeof(p), "%s/empty.db", s->tmp);
		unlink(p);
		rmdir(s->tmp);
	}
	git_remote_free(s->remote);
	git_repository_free(s->repo);
	llmops_strlist_release(&s->remote_refs);
	llmops_strlist_release(&s->rejected);
	llmops_strlist_release(&s->unmerged);
	wipe(&s->headers);
}

/* libgit2 writes a pack into a repository as objects/pack/pack_git2_* and renames it once
   whole: a push or fetch killed part way leaves it there, and git's own clean-up does not
   know the name.  Those older than an hour (so none of an operation under way) are removed
   from the repository at git_dir (a .git directory or a bare repository). */
static void drop_stale_packs(const char *git_dir)
{
	char dir[4200], path[4600];
	struct stat sb;
	snprintf(dir, sizeof(dir), "%s/objects/pack", git_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "pack_git2_", 10)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (!lstat(path, &sb) && S_ISREG(sb.st_mode) && now - sb.st_mtime > 3600)
				unlink(path);
		}
	closedir(d);
}

/* The same for the remote when it is a repository on this machine (a path, file://). */
static void drop_remote_stale_packs(struct sync *s)
{
	const char *url = git_remote_url(s->remote);
	char dir[4200];
	struct stat sb;
	if (!url)
		return;
	if (!strncmp(url, "file://", 7))
		url += 7;
	else if (strstr(url, "://") || (url[0] != '/' && strchr(url, ':')))
		return; /* another machine: its own git cleans up after a broken push */
	snprintf(dir, sizeof(dir), "%s/.git", url);
	drop_stale_packs(!stat(dir, &sb) && S_ISDIR(sb.st_mode) ? dir : url);
}

/* The callbacks of one operation (a listing, a push, a fetch): credentials asked afresh. */
static void callbacks(struct sync *s, git_remote_callbacks *cb)
{
	cb->credentials = credentials;
	cb->payload = s;
	s->cred_tries = 0;
}

/* The remote's refs under LLMOPS_SYNC_REFS into s->remote (sorted). */
static int list_remote(struct sync *s)
{
	git_remote_callbacks cb;
	const git_remote_head **heads;
	size_t n;
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	callbacks(s, &cb);
	llmops_strlist_release(&s->remote_refs);
	if (git_remote_connect(s->remote, GIT_DIRECTION_PUSH, &cb, NULL, &s->header_arr) < 0)
		return git_fail(s->err, "cannot reach the remote");
	if (git_remote_ls(&heads, &n, s->remote) < 0) {
		git_remote_disconnect(s->remote);
		return git_fail(s->err, "cannot list the remote's refs");
	}
	for (size_t i = 0; i < n; i++)
		if (!strncmp(heads[i]->name, LLMOPS_SYNC_REFS, strlen(LLMOPS_SYNC_REFS)))
			llmops_strlist_append(&s->remote_refs, heads[i]->name);
	git_remote_disconnect(s->remote);
	sort_list(&s->remote_refs);
	return 0;
}

/* ------------------------------------------------------------------- push */

/* The snapshot of run r as a commit, and its ref name; the ref made locally. */
static int snapshot(struct sync *s, const struct llmops_run *r, const char *name, git_oid *oid,
		    double *bytes)
{
	char path[128], msg[512];
	git_oid blob, tree;
	git_treebuilder *tb = NULL;
	git_tree *t = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	struct stat sb;
	int rc;

	if (git_reference_name_to_id(oid, s->repo, name) == 0)
		return 0; /* made by an earlier push that did not get through */
	snprintf(path, sizeof(path), "%s/run.db", s->tmp);
	char empty[128];
	snprintf(empty, sizeof(empty), "%s/empty.db", s->tmp);
	if ((rc = llmops_ledger_extract(s->lg, r->id, path, empty, s->err)))
		return rc;
	if (!stat(path, &sb))
		*bytes += (double)sb.st_size;
	snprintf(msg, sizeof(msg),
		 "llmops run %s\n\nkind: %s\nstatus: %s\ncommit: %s\nprompt: %s%s%s\ncases: %lld\n",
		 r->id, r->kind, llmops_run_status_name(r->status),
		 r->git_commit ? r->git_commit : "-", r->prompt_name ? r->prompt_name : "-",
		 r->prompt_version ? "@" : "", r->prompt_version ? r->prompt_version : "",
		 (long long)r->cases);
	if (git_blob_create_from_disk(&blob, s->repo, path) < 0 ||
	    git_treebuilder_new(&tb, s->repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, "run.db", &blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree, tb) < 0 || git_tree_lookup(&t, s->repo, &tree) < 0 ||
	    git_signature_now(&sig, "llmops", "llmops@localhost") < 0 ||
	    git_commit_create(oid, s->repo, NULL, sig, sig, NULL, msg, t, 0, NULL) < 0 ||
	    git_reference_create(&ref, s->repo, name, oid, 1, "llmops ledger push") < 0)
		rc = git_fail(s->err, "cannot store the run in git");
	unlink(path);
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(t);
	git_treebuilder_free(tb);
	return rc;
}

static int on_update(const char *refname, const char *status, void *payload)
{
	struct sync *s = payload;
	if (status)
		llmops_strlist_append(&s->rejected, refname);
	return 0;
}

static int in_sorted(const struct llmops_strlist *l, const char *s)
{
	return l->nr && bsearch(&s, l->items, l->nr, sizeof(*l->items), cmp_str) != NULL;
}

static int fetch_merge(struct sync *s, struct llmops_sync_stats *st);

/* The remote's refs of run rid other than name (another count: a copy with fewer or other
   records) into out, when it has fewer cases than `cases`. */
static void partial_copies(const struct sync *s, const char *rid, const char *name, long long cases,
			   struct llmops_strlist *out)
{
	char prefix[96];
	size_t pl = (size_t)snprintf(prefix, sizeof(prefix), LLMOPS_SYNC_REFS "%s/", rid);
	for (size_t i = 0; i < s->remote_refs.nr; i++) {
		const char *r = s->remote_refs.items[i];
		if (strncmp(r, prefix, pl) || !strcmp(r, name) || cases < 0 ||
		    atoll(r + pl) >= cases || llmops_strlist_find(&s->unmerged, r) >= 0)
			continue; /* a copy that could not be merged is not ours to delete */
		llmops_strlist_append(out, r);
	}
}

static int is_production(const struct llmops_run *r)
{
	return r->kind && !strcmp(r->kind, "production");
}

static int push_once(struct sync *s, struct llmops_sync_stats *st)
{
	struct llmops_run_filter f = {0};
	struct llmops_run **runs = NULL;
	struct llmops_strlist specs = LLMOPS_STRLIST_INIT, stale = LLMOPS_STRLIST_INIT;
	size_t n = 0;
	int rc;

	if ((rc = list_remote(s)) || (rc = llmops_ledger_runs_list(s->lg, &f, &runs, &n, s->err)))
		return rc;
	/* a production run the remote has under another count (machines that pushed the same
	   day's records at once): its records merged first, so that what is pushed is the
	   union and the partial copies can go */
	for (size_t i = 0; i < n && !s->merged_copies && (s->flags & LLMOPS_SYNC_PRODUCTION); i++) {
		char name[128], prefix[96];
		snprintf(name, sizeof(name), LLMOPS_SYNC_REFS "%s/%lld", runs[i]->id,
			 (long long)runs[i]->cases);
		int pl = snprintf(prefix, sizeof(prefix), LLMOPS_SYNC_REFS "%s/", runs[i]->id);
		for (size_t k = 0; is_production(runs[i]) && k < s->remote_refs.nr; k++)
			if (!strncmp(s->remote_refs.items[k], prefix, (size_t)pl) &&
			    strcmp(s->remote_refs.items[k], name))
				s->merged_copies = 1;
		if (s->merged_copies) {
			struct llmops_sync_stats fs = {0};
			llmops_runs_free(runs, n);
			runs = NULL;
			n = 0;
			rc = fetch_merge(s, &fs);
			for (size_t k = 0; k < fs.refused.nr; k++) { /* "REF: why" */
				const char *colon = strstr(fs.refused.items[k], ": ");
				char ref[300];
				snprintf(ref, sizeof(ref), "%.*s",
					 colon ? (int)(colon - fs.refused.items[k]) : 0,
					 fs.refused.items[k]);
				llmops_strlist_append(&s->unmerged, ref);
			}
			llmops_sync_stats_release(&fs);
			if (rc || (rc = list_remote(s)) ||
			    (rc = llmops_ledger_runs_list(s->lg, &f, &runs, &n, s->err)))
				return rc;
			break;
		}
	}
	st->runs = 0;
	st->present = 0;
	st->kept_local = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct llmops_run *r = runs[i];
		char name[128];
		git_oid oid;
		if (r->status == LLMOPS_RUN_RUNNING || r->status == LLMOPS_RUN_INTERRUPTED)
			continue; /* still changing: pushed once finished */
		if (!(s->flags & LLMOPS_SYNC_PRODUCTION) && r->kind &&
		    !strcmp(r->kind, "production")) {
			st->kept_local++;
			continue;
		}
		st->runs++;
		snprintf(name, sizeof(name), LLMOPS_SYNC_REFS "%s/%lld", r->id,
			 (long long)r->cases);
		if (is_production(r)) /* copies with fewer records: this one holds them */
			partial_copies(s, r->id, name, r->cases, &stale);
		if (in_sorted(&s->remote_refs, name)) {
			st->present++;
			continue;
		}
		if (!(rc = snapshot(s, r, name, &oid, &st->bytes))) {
			char spec[300];
			snprintf(spec, sizeof(spec), "%s:%s", name, name);
			llmops_strlist_append(&specs, spec);
		}
	}
	llmops_runs_free(runs, n);
	size_t adds = specs.nr;
	for (size_t i = 0; i < stale.nr; i++) {
		char spec[300];
		snprintf(spec, sizeof(spec), ":%s", stale.items[i]); /* deleted on the remote */
		llmops_strlist_append(&specs, spec);
	}
	if (!rc && specs.nr) {
		git_push_options po;
		git_strarray arr = {specs.items, specs.nr};
		git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
		po.pb_parallelism = 0; /* the pack's delta search on every core */
		callbacks(s, &po.callbacks);
		po.custom_headers = s->header_arr;
		po.callbacks.push_update_reference = on_update;
		llmops_strlist_release(&s->rejected);
		if (git_remote_push(s->remote, &arr, &po) < 0) {
			rc = git_fail(s->err, "cannot push the runs");
		} else {
			long refused = (long)s->rejected.nr;
			st->pushed += (long)adds - refused;
			st->replaced += (long)stale.nr;
		}
	}
	llmops_strlist_release(&specs);
	llmops_strlist_release(&stale);
	return rc;
}

int llmops_ledger_push(struct llmops_ledger *lg, const char *root, const char *remote,
		       char *const *env, unsigned flags, struct llmops_sync_stats *st,
		       struct llmops_err *err)
{
	struct sync s;
	int rc = sync_open(&s, lg, root, remote, env, 1, err);
	s.flags = flags;
	memset(st, 0, sizeof(*st));
	if (!rc) {
		drop_stale_packs(git_repository_path(s.repo));
		drop_remote_stale_packs(&s);
	}
	for (int k = 0; !rc; k++) {
		if ((rc = push_once(&s, st)) || !s.rejected.nr)
			break;
		if (k + 1 >= MAX_PUSHES) {
			rc = llmops_err_set(
				err, LLMOPS_E_GIT,
				"the remote refused %zu run%s %d times (%s ...): another "
				"machine keeps pushing the same runs; try again",
				s.rejected.nr, s.rejected.nr == 1 ? "" : "s", MAX_PUSHES,
				s.rejected.items[0]);
			break;
		}
		/* someone pushed the same run with other records: take theirs, push the union */
		struct llmops_sync_stats fs = {0};
		st->retries++;
		rc = fetch_merge(&s, &fs);
		llmops_sync_stats_release(&fs);
	}
	sync_close(&s);
	return rc;
}

/* ------------------------------------------------------------------ fetch */

static int collect(const char *name, void *payload)
{
	llmops_strlist_append(payload, name);
	return 0;
}

void llmops_sync_stats_release(struct llmops_sync_stats *st)
{
	llmops_strlist_release(&st->refused);
}

/* Non-zero when name is LLMOPS_SYNC_REFS<RUN ID>/<CASES>: a run id and a count
   without sign or leading zero; the id into rid, the count into *cases. */
static int ref_parse(const char *name, char rid[LLMOPS_RUNID_LEN + 1], long long *cases)
{
	const char *id = name + strlen(LLMOPS_SYNC_REFS), *slash = strchr(id, '/'), *c;
	if (!slash || slash - id != LLMOPS_RUNID_LEN)
		return 0;
	memcpy(rid, id, LLMOPS_RUNID_LEN);
	rid[LLMOPS_RUNID_LEN] = 0;
	if (!llmops_runid_valid(rid))
		return 0;
	c = slash + 1;
	if (!*c || strlen(c) > 12 || (c[0] == '0' && c[1]))
		return 0;
	for (const char *p = c; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	*cases = atoll(c);
	return 1;
}

/* A snapshot refused: said in st, its ref gone from here (it is fetched again, and
   refused again, for as long as the remote has it). */
static void refuse(struct sync *s, const char *name, const char *why, struct llmops_sync_stats *st)
{
	git_reference *ref = NULL;
	struct llmops_buf line = LLMOPS_BUF_INIT;
	llmops_buf_addf(&line, "%s: %s", name, why);
	llmops_strlist_append(&st->refused, line.data);
	llmops_buf_release(&line);
	if (git_reference_lookup(&ref, s->repo, name) == 0) {
		git_reference_delete(ref);
		git_reference_free(ref);
	}
}

/* Whether a failure was the snapshot's (it is refused, the fetch goes on) or ours. */
static int snapshot_fault(int code)
{
	return code == LLMOPS_E_INPUT || code == LLMOPS_E_NOTADB || code == LLMOPS_E_SCHEMA ||
	       code == LLMOPS_E_CHECK;
}

/* Merge the snapshot at ref name unless the ledger has the run with as many cases. */
static int merge_ref(struct sync *s, const char *name, struct llmops_sync_stats *st)
{
	char rid[LLMOPS_RUNID_LEN + 1], path[128];
	struct llmops_run *have = NULL;
	struct llmops_err e = {0};
	git_object *obj = NULL;
	git_blob *blob = NULL;
	long long cases = 0;
	int rc = 0;

	if (!ref_parse(name, rid, &cases)) {
		refuse(s, name, "not a ref llmops writes (refs/llmops/runs/<RUN ID>/<CASES>)", st);
		return 0;
	}
	/* a run with as many cases is here; a production run only with exactly as many (a copy
	   with fewer can hold records this one lacks: another machine's of the same day) */
	if (!llmops_ledger_run_get(s->lg, rid, &have, &e) && !strcmp(have->id, rid) &&
	    (have->kind && !strcmp(have->kind, "production") ? have->cases == cases
							     : have->cases >= cases)) {
		llmops_run_free(have);
		st->present++;
		return 0;
	}
	llmops_run_free(have);
	char spec[200];
	snprintf(spec, sizeof(spec), "%s:run.db", name);
	if (git_revparse_single(&obj, s->repo, spec) < 0 ||
	    git_object_type(obj) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, s->repo, git_object_id(obj)) < 0) {
		git_object_free(obj);
		refuse(s, name, "no run.db blob in its commit", st);
		return 0;
	}
	size_t len = (size_t)git_blob_rawsize(blob);
	if ((long long)len > LLMOPS_SNAPSHOT_MAX_BYTES) {
		char why[160];
		snprintf(why, sizeof(why), "%zu bytes, more than the %lld a snapshot may have", len,
			 (long long)LLMOPS_SNAPSHOT_MAX_BYTES);
		git_blob_free(blob);
		git_object_free(obj);
		refuse(s, name, why, st);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/run.db", s->tmp);
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f || fwrite(git_blob_rawcontent(blob), 1, len, f) != len)
		rc = llmops_err_set(s->err, LLMOPS_E_IO, "cannot write %s's snapshot to %s: %s",
				    name, path, strerror(errno));
	if (f && fclose(f) && !rc)
		rc = llmops_err_set(s->err, LLMOPS_E_IO, "cannot write %s's snapshot to %s", name,
				    path);
	else if (!f && fd >= 0)
		close(fd);
	st->bytes += (double)len;
	git_blob_free(blob);
	git_object_free(obj);
	if (!rc) {
		struct llmops_merge_stats ms = {0};
		struct llmops_vet_opts vo = {rid, cases, LLMOPS_SNAPSHOT_MAX_BYTES, name};
		struct llmops_err me = {0};
		rc = llmops_ledger_merge_vetted(s->lg, path, &vo, &ms, &me);
		if (rc && snapshot_fault(rc)) {
			/* the message starts with the ref's name already */
			const char *why = me.msg;
			if (!strncmp(why, name, strlen(name)) && why[strlen(name)] == ':')
				why += strlen(name) + 2;
			refuse(s, name, why, st);
			rc = 0;
		} else if (rc) {
			*s->err = me;
		} else {
			st->merged++;
			st->results += ms.results;
			struct llmops_run *now = NULL;
			/* a production run's records came from both sides: count them again */
			if (!llmops_ledger_run_get(s->lg, rid, &now, &e) &&
			    !strcmp(now->kind, "production"))
				rc = llmops_ledger_prod_finish(s->lg, rid, s->err);
			llmops_run_free(now);
		}
	}
	unlink(path);
	return rc;
}

static int fetch_merge(struct sync *s, struct llmops_sync_stats *st)
{
	git_fetch_options fo;
	char *spec = FETCH_SPEC;
	git_strarray arr = {&spec, 1};
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT;
	int rc = 0;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(s, &fo.callbacks);
	fo.custom_headers = s->header_arr;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.prune = GIT_FETCH_PRUNE; /* a run the remote dropped is not fetched again from here */
	if (git_remote_fetch(s->remote, &arr, &fo, "llmops ledger fetch") < 0)
		return git_fail(s->err, "cannot fetch the runs");
	if (git_reference_foreach_glob(s->repo, LLMOPS_SYNC_REFS "*", collect, &refs) < 0) {
		llmops_strlist_release(&refs);
		return git_fail(s->err, "cannot list the runs fetched");
	}
	sort_list(&refs);
	st->runs = (long)refs.nr;
	/* each on its own: one bad snapshot stops none of the others */
	for (size_t i = 0; i < refs.nr && !rc; i++)
		rc = merge_ref(s, refs.items[i], st);
	llmops_strlist_release(&refs);
	return rc;
}

int llmops_ledger_fetch(struct llmops_ledger *lg, const char *root, const char *remote,
			char *const *env, struct llmops_sync_stats *st, struct llmops_err *err)
{
	struct sync s;
	int rc = sync_open(&s, lg, root, remote, env, 0, err);
	memset(st, 0, sizeof(*st));
	if (!rc) {
		drop_stale_packs(git_repository_path(s.repo));
		rc = fetch_merge(&s, st);
	}
	sync_close(&s);
	return rc;
}
