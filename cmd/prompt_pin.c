/*
 * prompt_pin.c - the verbs that change the store: new, pin, unpin, and
 * verify, the CI gate over what pin records.
 */
#include "prompt_cmd.h"
#include "pincheck.h"
#include "pinclosure.h"

#include "buf.h"
#include "bundle.h"
#include "hash.h"
#include "json.h"
#include "options.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

static int write_new(const char *root, const char *path, const struct llmops_buf *text)
{
	struct llmops_buf full = LLMOPS_BUF_INIT;
	int fd, rc = 0;

	llmops_buf_addf(&full, "%s/%s", root, path);
	if (make_dirs(root, path)) {
		llmops_error("cannot create the directory for '%s': %s", path, strerror(errno));
		llmops_buf_release(&full);
		return LLMOPS_EXIT_RUNTIME;
	}
	fd = open(full.data, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			llmops_error("'%s' already exists; edit it, or bump past it with --bump",
				     path);
		else
			llmops_error("cannot create '%s': %s", path, strerror(errno));
		llmops_buf_release(&full);
		return errno == EEXIST ? LLMOPS_EXIT_USAGE : LLMOPS_EXIT_RUNTIME;
	}
	if (write(fd, text->data, text->len) != (ssize_t)text->len || close(fd)) {
		llmops_error("cannot write '%s': %s", path, strerror(errno));
		unlink(full.data);
		rc = LLMOPS_EXIT_RUNTIME;
	}
	llmops_buf_release(&full);
	return rc;
}

int prompt_new(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const bumps[] = {"major", "minor", "patch", NULL};
	static const char *const syn[] = {"llmops prompt new NAME [--bump major|minor|patch]",
					  NULL};
	static const struct llmops_usage u = {
		"llmops prompt new",
		syn,
		"Write the next version of NAME, copied from its newest version (work tree\n"
		"copy if there is one), for editing: --bump minor (the default) turns v1.2.3\n"
		"into v1.3.0.  A new family starts at v1.0.0 from a small template.  Prints\n"
		"the new file's path.",
	};
	const char *bump = "minor";
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "bump", &bump, "PART", "major, minor (default) or patch", bumps, 0,
		 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_buf path = LLMOPS_BUF_INIT, text = LLMOPS_BUF_INIT;
	const struct llmops_family *f;
	struct llmops_promptref ref;
	struct llmops_catalog cat;
	struct llmops_err err = {0};
	struct llmops_semver next = {1, 0, 0};
	struct llmops_prompt_env env;
	char version[64], from[64] = "";
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc, json = 0;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 0, 0, &err))
		return llmops_report(&err);
	if (ref.version[0]) {
		llmops_error("new: give the family name only ('%s'); the version comes from "
			     "--bump",
			     ref.name);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_store_catalog(env.store, NULL, 1, &cat, &err)) {
		llmops_prompt_env_close(&env);
		return llmops_report(&err);
	}
	f = llmops_catalog_find(&cat, ref.name);
	if (f && f->n) {
		const struct llmops_version_file *v = &f->files[f->n - 1];
		struct llmops_prompt_source wt = {&env, NULL, NULL};
		struct llmops_snapshot *head = NULL;
		struct llmops_prompt_source hs = {&env, NULL, NULL};
		struct llmops_prompt *p = NULL;

		next = v->sv;
		if (!strcmp(bump, "major"))
			next.major++, next.minor = 0, next.patch = 0;
		else if (!strcmp(bump, "minor"))
			next.minor++, next.patch = 0;
		else
			next.patch++;
		json = v->json;
		memcpy(from, v->version, sizeof(from));
		if (v->state == LLMOPS_FILE_DELETED) {
			if (llmops_snapshot_open(&head, env.store, NULL, &err))
				rc = llmops_report(&err);
			hs.snap = head;
			if (!rc)
				rc = prompt_load(&hs, v->path, v->json, &p, NULL);
		} else {
			rc = prompt_load(&wt, v->path, v->json, &p, NULL);
		}
		llmops_semver_format(&next, version, sizeof(version));
		if (!rc)
			copy_with_version(&text, p, version);
		llmops_prompt_free(p);
		llmops_snapshot_free(head);
	} else {
		llmops_semver_format(&next, version, sizeof(version));
		llmops_buf_adds(&text, starter);
	}
	llmops_buf_addf(&path, LLMOPS_PROMPTS_DIR "/%s/%s.%s", ref.name, version,
			json ? "json" : "txt");
	if (!rc && !(rc = write_new(llmops_store_root(env.store), path.data, &text))) {
		printf("%s\n", path.data);
		if (from[0])
			fprintf(stderr,
				"copied from %s@%s; edit it, commit it, then 'llmops prompt "
				"pin %s@%s'\n",
				ref.name, from, ref.name, version);
		else
			fprintf(stderr,
				"new prompt '%s'; edit it, commit it, then 'llmops prompt "
				"pin %s@%s'\n",
				ref.name, ref.name, version);
	}
	llmops_buf_release(&path);
	llmops_buf_release(&text);
	llmops_catalog_release(&cat);
	llmops_prompt_env_close(&env);
	return rc;
}

/* ---- pin ---- */

/* Pick the family for a bare VERSION: from the directory, or the only one with it. */
static int family_for_version(struct llmops_prompt_env *env, const struct llmops_catalog *cat,
			      struct llmops_promptref *ref)
{
	size_t plen = strlen(LLMOPS_PROMPTS_DIR);
	struct llmops_buf cands = LLMOPS_BUF_INIT;
	const char *only = NULL;
	size_t hits = 0;

	if (!strncmp(env->prefix, LLMOPS_PROMPTS_DIR "/", plen + 1) &&
	    llmops_catalog_find(cat, env->prefix + plen + 1)) {
		snprintf(ref->name, sizeof(ref->name), "%s", env->prefix + plen + 1);
		return 0;
	}
	for (size_t i = 0; i < cat->n; i++) {
		if (llmops_family_find(&cat->fam[i], ref->version)) {
			llmops_buf_addf(&cands, "\n  llmops prompt pin %s@%s", cat->fam[i].name,
					ref->version);
			only = cat->fam[i].name;
			hits++;
		}
	}
	if (hits == 1) {
		snprintf(ref->name, sizeof(ref->name), "%s", only);
		llmops_buf_release(&cands);
		return 0;
	}
	if (!hits)
		llmops_error("no prompt has a version %s; 'llmops prompt list' shows what exists",
			     ref->version);
	else
		llmops_error("%zu prompts have a version %s; say which:%s", hits, ref->version,
			     cands.data);
	llmops_buf_release(&cands);
	return LLMOPS_EXIT_USAGE;
}

/* e, as old's canary taking pct% of the traffic: written; an exit status. */
static int pin_canary(struct llmops_prompt_env *env, struct llmops_lock_entry *e,
		      const struct llmops_lock_entry *old, double pct)
{
	struct llmops_err err = {0};
	const struct llmops_lock_entry *was = llmops_lock_canary(&env->lock, e->name);
	if (pct != (int)pct) {
		llmops_error("pin: --canary %g: a whole percentage from 1 to 99", pct);
		return LLMOPS_EXIT_USAGE;
	}
	if (!old) {
		llmops_error("pin: %s has no stable version for a canary to stand beside: pin one "
			     "first (llmops prompt pin %s@VERSION)",
			     e->name, e->name);
		return LLMOPS_EXIT_USAGE;
	}
	if (!strcmp(old->version, e->version)) {
		llmops_error("pin: %s@%s is the stable version; a canary is another version",
			     e->name, e->version);
		return LLMOPS_EXIT_USAGE;
	}
	e->weight = (int)pct;
	if (was && !strcmp(was->version, e->version) && !strcmp(was->blob, e->blob) &&
	    was->weight == e->weight) {
		printf("%s@%s is already the canary at %d%%\n", e->name, e->version, e->weight);
		return 0;
	}
	if (llmops_lock_set_canary(&env->lock, e)) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	if (llmops_lock_write(&env->lock, env->lock_path, &err))
		return llmops_report(&err);
	printf("pinned %s@%s as a canary: %d%% of the traffic, %d%% on %s (blob %.12s, commit "
	       "%.12s)\n",
	       e->name, e->version, e->weight, 100 - e->weight, old->version, e->blob, e->commit);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
	return 0;
}

/* e as NAME's stable version, alone (its canary dropped), written: an exit status. */
static int set_stable(struct llmops_prompt_env *env, struct llmops_lock_entry *e)
{
	struct llmops_err err = {0};
	e->weight = 0;
	llmops_lock_remove_canary(&env->lock, e->name);
	if (llmops_lock_set(&env->lock, e)) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	return llmops_lock_write(&env->lock, env->lock_path, &err) ? llmops_report(&err) : 0;
}

int prompt_promote(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt promote NAME", NULL};
	static const struct llmops_usage u = {
		"llmops prompt promote",
		syn,
		"Make NAME's canary its stable version (all of the traffic): the canary's\n"
		"entry, as it was pinned, replaces the stable one in prompts.lock.",
	};
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	const struct llmops_lock_entry *cy = llmops_lock_canary(&env.lock, argv[0]);
	const struct llmops_lock_entry *old = llmops_lock_find(&env.lock, argv[0]);
	if (!cy) {
		llmops_error("promote: %s has no canary%s%s", argv[0],
			     old ? "; its stable version is " : " (it is not pinned)",
			     old ? old->version : "");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	struct llmops_lock_entry e = *cy;
	char was[64];
	snprintf(was, sizeof(was), "%s", old ? old->version : "?");
	if ((rc = set_stable(&env, &e)))
		goto out;
	printf("promoted %s@%s to stable (was %s)\n", e.name, e.version, was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
out:
	llmops_prompt_env_close(&env);
	return rc;
}

int prompt_pin(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt pin [NAME@]VERSION [--canary PCT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt pin",
		syn,
		"Record in prompts.lock the version production uses: its path, the HEAD\n"
		"commit, the git blob id and the SHA-256 of the committed content.  Without\n"
		"NAME, the family is the directory you are in (prompts/NAME/) or the only\n"
		"one with that version.  Refuses uncommitted or modified files, and anything\n"
		"that is not vMAJOR.MINOR.PATCH (\"latest\" is not a version).  With\n"
		"--canary PCT, the version is pinned beside the stable one to take PCT% of\n"
		"the traffic (llmops prompt resolve says which version a key gets; llmops\n"
		"prompt promote makes it stable).",
	};
	double canary = NAN;
	const struct llmops_option opts[] = {
		OPT_NUMBER_ENTRY(0, "canary", &canary, "PCT",
				 "pin it as a canary taking PCT% of the traffic (1 to 99)", 1, 99),
		OPT_HELP_ENTRY, OPT_END_ENTRY};
	const struct llmops_version_file *vf;
	const struct llmops_lock_entry *old;
	struct llmops_snapshot *head = NULL;
	struct llmops_prompt *p = NULL;
	struct llmops_lock_entry e;
	struct llmops_promptref ref;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	struct llmops_head h;
	struct llmops_prompt_env env;
	struct llmops_prompt_source src;
	char blob[LLMOPS_OID_HEX], was[64] = "";
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 1, 0, &err))
		return llmops_report(&err);
	if (!ref.version[0]) {
		llmops_error("pin: name a version: %s@vMAJOR.MINOR.PATCH ('llmops prompt list' "
			     "shows them)",
			     ref.name);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	if (llmops_store_head(env.store, &h, &err) ||
	    llmops_store_catalog(env.store, NULL, 1, &cat, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!ref.name[0] && (rc = family_for_version(&env, &cat, &ref)))
		goto out;
	if ((rc = prompt_resolve(&env, &cat, &ref, &vf)))
		goto out;
	if (h.unborn || vf->state != LLMOPS_FILE_COMMITTED || !vf->blob[0]) {
		llmops_error("'%s' is %s: pin records committed content only; commit it first "
			     "(git add %s && git commit)",
			     vf->path,
			     h.unborn ? "not committed (no commits yet)"
			     : vf->state == LLMOPS_FILE_COMMITTED
				     ? "not committed"
				     : llmops_file_state_name(vf->state),
			     vf->path);
		if (vf->state == LLMOPS_FILE_MODIFIED)
			fprintf(stderr,
				"  (or, if the edit is a new version: git checkout -- %s && "
				"llmops prompt new %s)\n",
				vf->path, ref.name);
		rc = LLMOPS_EXIT_CHECK;
		goto out;
	}
	/* A version that does not parse must never be what production runs. */
	if (llmops_snapshot_open(&head, env.store, NULL, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	src.env = &env;
	src.snap = head;
	if ((rc = prompt_load(&src, vf->path, vf->json, &p, blob)))
		goto out;
	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", ref.name);
	snprintf(e.version, sizeof(e.version), "%s", vf->version);
	snprintf(e.path, sizeof(e.path), "%s", vf->path);
	snprintf(e.commit, sizeof(e.commit), "%s", llmops_snapshot_commit(head));
	snprintf(e.blob, sizeof(e.blob), "%s", blob);
	llmops_sha256_hex(e.sha256, p->text, p->len);
	/* the partials it renders, as committed: a pin covers everything it sends */
	if (llmops_pin_closure(head, p, &e, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	old = llmops_lock_find(&env.lock, e.name);
	if (!isnan(canary)) {
		rc = pin_canary(&env, &e, old, canary);
		goto out;
	}
	if (old && !strcmp(old->version, e.version) && !strcmp(old->blob, e.blob) &&
	    !strcmp(old->sha256, e.sha256) && old->has_partials == e.has_partials &&
	    old->npartials == e.npartials &&
	    !memcmp(old->partials, e.partials, e.npartials * sizeof(e.partials[0]))) {
		printf("%s@%s is already pinned (blob %.12s)\n", e.name, e.version, e.blob);
		goto out;
	}
	if (old && old->has_partials && !strcmp(old->version, e.version) &&
	    !strcmp(old->blob, e.blob)) {
		/* the same version with other partials: what it sends would change under
		   the same name, which is what pinning exists to prevent */
		llmops_error("%s@%s is pinned with partials as they were at commit %.12s, and "
			     "they have changed since: a released version renders the same "
			     "forever; release the change as a new version (llmops prompt new %s) "
			     "and pin that",
			     e.name, e.version, old->commit, e.name);
		rc = LLMOPS_EXIT_CHECK;
		goto out;
	}
	if (old)
		snprintf(was, sizeof(was), "%s", old->version);
	if (llmops_lock_set(&env.lock, &e)) {
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if (llmops_lock_write(&env.lock, env.lock_path, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	printf("pinned %s@%s (blob %.12s, commit %.12s%s)%s%s\n", e.name, e.version, e.blob,
	       e.commit, h.detached ? ", detached HEAD" : "", was[0] ? "; was " : "", was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
out:
	llmops_prompt_free(p);
	llmops_snapshot_free(head);
	llmops_catalog_release(&cat);
	llmops_prompt_env_close(&env);
	return rc;
}

int prompt_unpin(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt unpin NAME", NULL};
	static const struct llmops_usage u = {
		"llmops prompt unpin",
		syn,
		"Remove NAME from prompts.lock (atomically).",
	};
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_buf names = LLMOPS_BUF_INIT;
	struct llmops_promptref ref;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	char was[64];
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;
	const struct llmops_lock_entry *e;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 0, 0, &err))
		return llmops_report(&err);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (!(e = llmops_lock_find(&env.lock, ref.name))) {
		for (size_t i = 0; i < env.lock.n; i++)
			llmops_buf_addf(&names, "%s%s", i ? ", " : "", env.lock.e[i].name);
		llmops_error("'%s' is not pinned (%s%s)", ref.name,
			     env.lock.n ? "pinned: " : "nothing is pinned",
			     env.lock.n ? names.data : "");
		llmops_buf_release(&names);
		llmops_prompt_env_close(&env);
		return LLMOPS_EXIT_USAGE;
	}
	snprintf(was, sizeof(was), "%s", e->version);
	llmops_lock_remove(&env.lock, ref.name);
	if (llmops_lock_write(&env.lock, env.lock_path, &err))
		rc = llmops_report(&err);
	else
		printf("unpinned %s (was %s)\n", ref.name, was);
	llmops_prompt_env_close(&env);
	return rc;
}

/* ---- verify ---- */

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

/* The bundle at path against the lock: each difference a problem of v; an exit status. */
static int check_bundle(struct verify *v, struct llmops_prompt_env *env, const char *path)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	int rc = 0;
	if (llmops_buf_read_file(&text, path)) {
		llmops_error("verify: cannot read the bundle '%s': %s", path, strerror(errno));
		rc = LLMOPS_EXIT_USAGE;
	} else if (llmops_bundle_verify(env->store, text.data ? text.data : "", text.len, path,
					&env->lock, &problems, &err)) {
		rc = llmops_report(&err);
	}
	for (size_t i = 0; !rc && i < problems.nr; i++)
		problem(v, "bundle", path, path, "bundle", "%s", problems.items[i]);
	llmops_strlist_release(&problems);
	llmops_buf_release(&text);
	return rc;
}

int prompt_verify(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {
		"llmops prompt verify [--base REV] [--bundle FILE] [--format FORMAT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt verify",
		syn,
		"The CI gate.  Fails (exit 1) when a pinned file's content no longer matches\n"
		"its blob in prompts.lock, when a pinned file is missing, when the lock names\n"
		"a version that does not exist, and with --base, when a version file that\n"
		"exists at REV was changed since (released versions are immutable).  Needs\n"
		"only HEAD and REV themselves, so it works in a shallow clone.  With --bundle,\n"
		"also fail when FILE (llmops prompt bundle) does not hold exactly what the\n"
		"lock pins.",
	};
	const char *format = "text", *base = NULL, *bundle = NULL;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "base", &base, "REV",
		 "also fail when a version existing at REV changed", NULL, 0, 0},
		{OPT_STRING, 0, "bundle", &bundle, "FILE",
		 "also fail when the bundle FILE is not what the lock pins", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_snapshot *head = NULL, *bsnap = NULL;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	struct verify v = {0};
	int n = llmops_parse_command(argc, argv, opts, &u, 0, 0), rc, np;
	cJSON *out = NULL;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	v.env = &env;
	v.base = base;
	v.problems = cJSON_CreateArray();
	v.warnings = cJSON_CreateArray();
	rc = llmops_snapshot_open(&head, env.store, NULL, &err);
	if (rc == LLMOPS_E_NOTFOUND)
		rc = 0; /* unborn: only the work tree can be checked */
	if (rc || (base && llmops_snapshot_open(&bsnap, env.store, base, &err))) {
		rc = llmops_report(&err);
		goto out;
	}
	for (size_t i = 0; i < env.lock.n; i++) {
		check_entry(&v, &env.lock.e[i], head, &cat);
		uncovered(&v, &env.lock.e[i], head);
		const struct llmops_lock_entry *cy =
			llmops_lock_canary(&env.lock, env.lock.e[i].name);
		if (cy) { /* the canary is released too: the same checks */
			check_entry(&v, cy, head, &cat);
			uncovered(&v, cy, head);
		}
	}
	if (bsnap && llmops_store_changed_since(env.store, bsnap, on_change, &v, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (bundle && (rc = check_bundle(&v, &env, bundle)))
		goto out;
	np = cJSON_GetArraySize(v.problems);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		out = cJSON_CreateObject();
		cJSON_AddBoolToObject(out, "ok", np == 0);
		cJSON_AddNumberToObject(out, "pinned", (double)env.lock.n);
		if (base)
			cJSON_AddStringToObject(out, "base", base);
		else
			cJSON_AddNullToObject(out, "base");
		if (bsnap)
			cJSON_AddStringToObject(out, "base_commit", llmops_snapshot_commit(bsnap));
		cJSON_AddItemToObject(out, "problems", v.problems);
		cJSON_AddItemToObject(out, "warnings", v.warnings);
		v.problems = v.warnings = NULL;
		if (llmops_emit(stdout, out, LLMOPS_FORMAT_JSON)) {
			llmops_error("out of memory");
			rc = LLMOPS_EXIT_RUNTIME;
		}
	} else {
		const cJSON *it;

		cJSON_ArrayForEach (it, v.problems) {
			printf("%sFAIL%s %s@%s: %s\n", llmops_color(ctx, LLMOPS_SGR_RED),
			       llmops_color(ctx, LLMOPS_SGR_RESET),
			       cJSON_GetObjectItem(it, "prompt")->valuestring,
			       cJSON_GetObjectItem(it, "version")->valuestring,
			       cJSON_GetObjectItem(it, "message")->valuestring);
		}
		cJSON_ArrayForEach (it, v.warnings)
			printf("%swarning%s %s\n", llmops_color(ctx, LLMOPS_SGR_YELLOW),
			       llmops_color(ctx, LLMOPS_SGR_RESET), it->valuestring);
		if (!env.lock_exists && !base)
			printf("nothing pinned (no %s)\n", LLMOPS_LOCK_FILE);
		else if (!np)
			printf("%sok%s: %zu pinned prompt%s match%s %s%s%s\n",
			       llmops_color(ctx, LLMOPS_SGR_GREEN),
			       llmops_color(ctx, LLMOPS_SGR_RESET), env.lock.n,
			       env.lock.n == 1 ? "" : "s", env.lock.n == 1 ? "es" : "",
			       env.lock.n == 1 ? "its blob" : "their blobs",
			       base ? "; no released version changed since " : "",
			       base ? base : "");
	}
	if (!rc && np) {
		llmops_error("prompt verify: %d problem%s", np, np == 1 ? "" : "s");
		rc = LLMOPS_EXIT_CHECK;
	}
out:
	cJSON_Delete(out);
	cJSON_Delete(v.problems);
	cJSON_Delete(v.warnings);
	llmops_catalog_release(&cat);
	llmops_snapshot_free(head);
	llmops_snapshot_free(bsnap);
	llmops_prompt_env_close(&env);
	return rc;
}

/* One key's version of NAME: a line "KEY VERSION BUCKET" (keys), else its own report. */
static void resolve_one(const struct llmops_lock *l, const char *name, const char *key, int json,
			int lines, cJSON *arr)
{
	int bucket = -1;
	const struct llmops_lock_entry *e = llmops_lock_resolve(l, name, key, &bucket);
	const struct llmops_lock_entry *cy = llmops_lock_canary(l, name);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "prompt", e->name);
		cJSON_AddStringToObject(o, "key", key);
		cJSON_AddNumberToObject(o, "bucket", bucket);
		cJSON_AddStringToObject(o, "version", e->version);
		cJSON_AddBoolToObject(o, "canary", e->weight > 0);
		cJSON_AddNumberToObject(o, "canary_weight", cy ? cy->weight : 0);
		cJSON_AddItemToArray(arr, o);
	} else if (lines) {
		printf("%s\t%s\t%d\n", key, e->version, bucket);
	} else {
		printf("%s@%s (bucket %d of 10000%s%s)\n", e->name, e->version, bucket,
		       e->weight ? "; the canary"
		       : cy	 ? "; stable"
				 : "",
		       cy ? (e->weight ? ", under its weight" : ", over the canary's weight") : "");
	}
}

int prompt_resolve_cmd(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {
		"llmops prompt resolve NAME (--key KEY | --keys FILE) [--format FORMAT]", NULL};
	static const struct llmops_usage u = {
		"llmops prompt resolve",
		syn,
		"The version prompts.lock serves KEY (a user or conversation id): its bucket\n"
		"is the first 16 hex digits of SHA-256(NAME \"\\n\" KEY) modulo 10000, and a\n"
		"bucket below 100 x the canary's weight gets the canary, any other the stable\n"
		"version (llmops-prompt(1) gives test vectors for other languages).  --keys\n"
		"FILE resolves one key per line (\"-\": stdin) to lines KEY, version, bucket.",
	};
	const char *key = NULL, *keys = NULL, *format = "text";
	const struct llmops_option opts[] = {
		{OPT_STRING, 'k', "key", &key, "KEY", "the user or conversation id", NULL, 0, 0},
		{OPT_STRING, 0, "keys", &keys, "FILE", "one key per line (- for stdin)", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;
	int json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	FILE *in = NULL;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (!key == !keys) {
		llmops_error("resolve: whose version? give --key KEY (a user or conversation id) "
			     "or --keys FILE, one of them");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	if (!llmops_lock_find(&env.lock, argv[0])) {
		llmops_error("resolve: '%s' is not pinned in %s; pin a version (llmops prompt pin "
			     "%s@VERSION)",
			     argv[0], LLMOPS_LOCK_FILE, argv[0]);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (keys && !(in = strcmp(keys, "-") ? fopen(keys, "r") : stdin)) {
		llmops_error("resolve: cannot read '%s': %s", keys, strerror(errno));
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	if (key) {
		resolve_one(&env.lock, argv[0], key, json, 0, arr);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, in)) >= 0) {
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = 0;
			if (len)
				resolve_one(&env.lock, argv[0], line, json, 1, arr);
		}
		free(line);
	}
	if (json) { /* one key: its object; --keys: the array */
		cJSON *one = key ? cJSON_DetachItemFromArray(arr, 0) : NULL;
		rc = llmops_emit(stdout, one ? one : arr, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME
									      : 0;
		cJSON_Delete(one);
	}
	cJSON_Delete(arr);
out:
	if (in && in != stdin)
		fclose(in);
	llmops_prompt_env_close(&env);
	return rc;
}

/* The oldest commit that pinned NAME's current stable version, and what it replaced: a
   version a rollback pinned again goes back past where it first came in, so each rollback
   is one more step back (v3, v2, v1), never a return to what was rolled back from. */
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

int prompt_rollback(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const syn[] = {"llmops prompt rollback NAME", NULL};
	static const struct llmops_usage u = {
		"llmops prompt rollback",
		syn,
		"Return NAME to the stable version pinned before the current one, found in\n"
		"the history of prompts.lock (the first commit that pinned the current version,\n"
		"and the lock at its parent): its record as it was pinned then, partials and\n"
		"all.  Rolling back again goes one more step back (v3, v2, v1).  A canary is\n"
		"dropped.",
	};
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_err err = {0};
	struct llmops_snapshot *snap = NULL;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_lock then = {0};
	struct llmops_prompt_env env;
	struct rollback rb = {0};
	char rev[LLMOPS_OID_HEX + 2];
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	const struct llmops_lock_entry *cur = llmops_lock_find(&env.lock, argv[0]);
	if (!cur) {
		llmops_error("rollback: '%s' is not pinned in %s", argv[0], LLMOPS_LOCK_FILE);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	rb.current = cur->version;
	if (llmops_store_log(env.store, cur->name, find_pin, &rb, &err) < 0) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!rb.found) {
		llmops_error("rollback: no commit pins %s@%s: commit %s first, then roll back",
			     cur->name, cur->version, LLMOPS_LOCK_FILE);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (!rb.previous[0]) {
		llmops_error("rollback: %s@%s is the first version pinned (commit %.12s): there is "
			     "no earlier one to return to",
			     cur->name, cur->version, rb.commit);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	/* the earlier record, exactly as the lock held it before that commit */
	snprintf(rev, sizeof(rev), "%s^", rb.commit);
	const struct llmops_lock_entry *prev = NULL;
	if (llmops_snapshot_open(&snap, env.store, rev, &err) ||
	    llmops_snapshot_read(snap, LLMOPS_LOCK_FILE, &text, NULL, &err) ||
	    llmops_lock_parse(&then, text.data ? text.data : "", text.len, LLMOPS_LOCK_FILE,
			      &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!(prev = llmops_lock_find(&then, cur->name)) || strcmp(prev->version, rb.previous)) {
		llmops_error("rollback: the lock before commit %.12s does not pin %s@%s", rb.commit,
			     cur->name, rb.previous);
		rc = LLMOPS_EXIT_CHECK;
		goto out;
	}
	struct llmops_lock_entry e = *prev;
	char was[64];
	snprintf(was, sizeof(was), "%s", cur->version);
	if ((rc = set_stable(&env, &e)))
		goto out;
	printf("rolled back %s to %s (as pinned before commit %.12s); was %s\n", e.name, e.version,
	       rb.commit, was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
out:
	llmops_lock_release(&then);
	llmops_buf_release(&text);
	llmops_snapshot_free(snap);
	llmops_prompt_env_close(&env);
	return rc;
}
