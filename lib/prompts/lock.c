#include "lock.h"

#include "atomicfile.h"

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "suggest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* an entry's keys; a canary's are the same with a weight and without a canary */
static const char *const entry_keys[] = {"version", "path",	"commit", "blob",
					 "sha256",  "partials", "canary", "weight"};
#define NKEYS	    (sizeof(entry_keys) / sizeof(entry_keys[0]))
#define STABLE_KEYS (NKEYS - 1)

struct ctx {
	const char *text;
	size_t len;
	const char *label;
	struct llmops_err *err;
};

static int at(const struct ctx *c, const char *const *steps, size_t n, int key, const char *fmt,
	      const char *a, const char *b)
{
	int line, col;

	llmops_json_locate(c->text, c->len, steps, n, key, &line, &col);
	return llmops_err_at(c->err, LLMOPS_E_INPUT, c->label, line, col, fmt, a, b ? b : "");
}

static int is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Where an entry (or its canary) is in the lock: "prompts", NAME[, "canary"]. */
struct where {
	const char *steps[6];
	size_t n;
};

static int field(const struct ctx *c, const cJSON *obj, const struct where *w, const char *key,
		 char *dst, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct where k = *w;
	const char *name = w->steps[1];

	k.steps[k.n++] = key;
	if (!v)
		return at(c, w->steps, w->n, 0, "entry '%s' has no \"%s\"", name, key);
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= n)
		return at(c, k.steps, k.n, 0, "\"%s\" of '%s' must be a string", key, name);
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

static int cmp_partial(const void *a, const void *b)
{
	return strcmp(((const struct llmops_lock_partial *)a)->name,
		      ((const struct llmops_lock_partial *)b)->name);
}

/* An entry's "partials": {NAME: {"blob": HEX, "sha256": HEX} or null, ...}. */
static int parse_partials(const struct ctx *c, const cJSON *ps, const struct where *w,
			  struct llmops_lock_entry *e)
{
	struct where pw = *w;
	const char **steps = pw.steps;
	size_t base = pw.n;
	struct llmops_err nerr = {0};
	if (!ps)
		return 0;
	steps[base] = "partials";
	e->has_partials = 1;
	if (!cJSON_IsObject(ps))
		return at(c, steps, base + 1, 0,
			  "\"partials\" of '%s' must be an object of partials (as prompt pin "
			  "writes it)%s",
			  e->name, NULL);
	for (const cJSON *p = ps->child; p; p = p->next) {
		struct llmops_lock_partial *lp = &e->partials[e->npartials];
		steps[base + 1] = p->string;
		if (strlen(p->string) > LLMOPS_NAME_MAX ||
		    llmops_prompt_name_check(p->string, "partial name", &nerr))
			return at(c, steps, base + 2, 1, "%s%s",
				  nerr.msg[0] ? nerr.msg : "partial name too long", NULL);
		if (e->npartials == LLMOPS_LOCK_MAX_PARTIALS)
			return at(c, steps, base + 2, 1, "'%s' has more than 32 partials%s",
				  e->name, NULL);
		memset(lp, 0, sizeof(*lp));
		memcpy(lp->name, p->string, strlen(p->string) + 1);
		if (!cJSON_IsNull(p)) {
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(p, "blob"),
				    *h = cJSON_GetObjectItemCaseSensitive(p, "sha256");
			if (!cJSON_IsObject(p) || cJSON_GetArraySize(p) != 2 ||
			    !cJSON_IsString(b) || !cJSON_IsString(h) ||
			    !is_hex(b->valuestring, 40) || !is_hex(h->valuestring, 64))
				return at(c, steps, base + 2, 0,
					  "partial '%s' of '%s' must be {\"blob\": 40 hex digits, "
					  "\"sha256\": 64 hex digits} or null",
					  p->string, e->name);
			memcpy(lp->blob, b->valuestring, 41);
			memcpy(lp->sha256, h->valuestring, 65);
		}
		e->npartials++;
	}
	qsort(e->partials, e->npartials, sizeof(e->partials[0]), cmp_partial);
	return 0;
}

const struct llmops_lock_partial *llmops_lock_partial_find(const struct llmops_lock_entry *e,
							   const char *name)
{
	for (size_t i = 0; i < e->npartials; i++)
		if (!strcmp(e->partials[i].name, name))
			return &e->partials[i];
	return NULL;
}

/*
 * One pinned version at w (a stable entry, or with canary set its "canary"
 * object, which has a weight and no canary of its own) into e.
 */
static int parse_pin(const struct ctx *c, const cJSON *item, const struct where *w, int canary,
		     struct llmops_lock_entry *e)
{
	const char *name = w->steps[1];
	struct where k = *w;
	struct llmops_err nerr = {0};
	/* room for "prompts/NAME/VERSION.json" at the longest name and version */
	char expect_txt[LLMOPS_NAME_MAX + sizeof(e->version) + 16];
	char expect_json[sizeof(expect_txt)];
	size_t nkeys = canary ? NKEYS : STABLE_KEYS;

	if (!cJSON_IsObject(item))
		return at(c, w->steps, w->n, 0,
			  canary ? "the canary of '%s' must be an object with weight, version, "
				   "path, commit, blob and sha256%s"
				 : "entry '%s' must be an object with version, path, commit, blob "
				   "and sha256%s",
			  name, NULL);
	for (const cJSON *x = item->child; x; x = x->next) {
		struct llmops_strlist near = LLMOPS_STRLIST_INIT;
		size_t i;

		for (i = 0; i < nkeys && strcmp(x->string, entry_keys[i]); i++)
			;
		if (i < nkeys && !(canary && !strcmp(x->string, "canary")))
			continue;
		k.steps[w->n] = x->string;
		llmops_suggest(&near, x->string, entry_keys, nkeys);
		if (near.nr && strcmp(near.items[0], x->string)) {
			char hint[80];

			snprintf(hint, sizeof(hint), "; did you mean '%s'?", near.items[0]);
			llmops_strlist_release(&near);
			return at(c, k.steps, w->n + 1, 1, "unknown key '%s' in a lock entry%s",
				  x->string, hint);
		}
		llmops_strlist_release(&near);
		return at(c, k.steps, w->n + 1, 1,
			  canary ? "unknown key '%s' in a canary; a canary has weight, version, "
				   "path, commit, blob and sha256%s"
				 : "unknown key '%s' in a lock entry; entries have version, path, "
				   "commit, blob and sha256 (and a canary)%s",
			  x->string, NULL);
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, strlen(name) + 1);
	if (field(c, item, w, "version", e->version, sizeof(e->version)) ||
	    field(c, item, w, "path", e->path, sizeof(e->path)) ||
	    field(c, item, w, "commit", e->commit, sizeof(e->commit)) ||
	    field(c, item, w, "blob", e->blob, sizeof(e->blob)) ||
	    field(c, item, w, "sha256", e->sha256, sizeof(e->sha256)))
		return LLMOPS_E_INPUT;
	k.n = w->n + 1;
	k.steps[w->n] = "version";
	if (llmops_version_check(e->version, NULL, &nerr))
		return at(c, k.steps, k.n, 0, "%s%s", nerr.msg, NULL);
	snprintf(expect_txt, sizeof(expect_txt), "prompts/%s/%s.txt", name, e->version);
	snprintf(expect_json, sizeof(expect_json), "prompts/%s/%s.json", name, e->version);
	k.steps[w->n] = "path";
	if (strcmp(e->path, expect_txt) && strcmp(e->path, expect_json))
		return at(c, k.steps, k.n, 0, "path '%s' does not match the entry; expected '%s'",
			  e->path, expect_txt);
	k.steps[w->n] = "commit";
	if (!is_hex(e->commit, 40))
		return at(c, k.steps, k.n, 0,
			  "\"commit\" of '%s' must be 40 lower-case hex digits%s", name, NULL);
	k.steps[w->n] = "blob";
	if (!is_hex(e->blob, 40))
		return at(c, k.steps, k.n, 0, "\"blob\" of '%s' must be 40 lower-case hex digits%s",
			  name, NULL);
	k.steps[w->n] = "sha256";
	if (!is_hex(e->sha256, 64))
		return at(c, k.steps, k.n, 0,
			  "\"sha256\" of '%s' must be 64 lower-case hex digits%s", name, NULL);
	if (canary) {
		const cJSON *wt = cJSON_GetObjectItemCaseSensitive(item, "weight");
		k.steps[w->n] = "weight";
		if (!cJSON_IsNumber(wt) || wt->valuedouble < 1 || wt->valuedouble > 99 ||
		    wt->valuedouble != (int)wt->valuedouble)
			return at(c, k.steps, wt ? k.n : w->n, 0,
				  "the canary of '%s' needs \"weight\": its share of the traffic, "
				  "a whole percentage from 1 to 99%s",
				  name, NULL);
		e->weight = (int)wt->valuedouble;
	}
	return parse_partials(c, cJSON_GetObjectItemCaseSensitive(item, "partials"), w, e);
}

/* An entry of "prompts" into e, and its canary (if any) into *canary (has_canary set). */
static int parse_entry(const struct ctx *c, const cJSON *item, struct llmops_lock_entry *e,
		       struct llmops_lock_entry *canary, int *has_canary)
{
	const char *name = item->string;
	struct where w = {{"prompts", name}, 2};
	struct llmops_err nerr = {0};
	const cJSON *cy;

	*has_canary = 0;
	if (strlen(name) > LLMOPS_NAME_MAX || llmops_prompt_name_check(name, "prompt name", &nerr))
		return at(c, w.steps, 2, 1, "%s%s", nerr.msg[0] ? nerr.msg : "name too long", NULL);
	if (parse_pin(c, item, &w, 0, e))
		return LLMOPS_E_INPUT;
	if (!(cy = cJSON_GetObjectItemCaseSensitive(item, "canary")))
		return 0;
	w.steps[w.n++] = "canary";
	if (parse_pin(c, cy, &w, 1, canary))
		return LLMOPS_E_INPUT;
	if (!strcmp(canary->version, e->version))
		return at(c, w.steps, w.n, 0, "the canary of '%s' is its stable version %s", name,
			  e->version);
	*has_canary = 1;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct llmops_lock_entry *)a)->name,
		      ((const struct llmops_lock_entry *)b)->name);
}

int llmops_lock_parse(struct llmops_lock *l, const char *text, size_t len, const char *label,
		      struct llmops_err *err)
{
	struct ctx c = {text, len, label, err};
	const char *steps[2] = {"prompts", NULL};
	cJSON *root = NULL;
	const cJSON *ver, *prompts;
	int rc, n = 0;

	memset(l, 0, sizeof(*l));
	if ((rc = llmops_json_parse(&root, text, len, label, err)))
		return rc;
	rc = LLMOPS_E_INPUT;
	if (!cJSON_IsObject(root)) {
		at(&c, NULL, 0, 0,
		   "a lock is an object with \"lockfile_version\" and \"prompts\"%s%s", "", NULL);
		goto out;
	}
	for (const cJSON *k = root->child; k; k = k->next) {
		if (strcmp(k->string, "lockfile_version") && strcmp(k->string, "prompts")) {
			steps[0] = k->string;
			at(&c, steps, 1, 1,
			   "unknown key '%s'; a lock has \"lockfile_version\" and \"prompts\"%s",
			   k->string, NULL);
			goto out;
		}
	}
	ver = cJSON_GetObjectItemCaseSensitive(root, "lockfile_version");
	steps[0] = "lockfile_version";
	if (!cJSON_IsNumber(ver)) {
		at(&c, steps, ver ? 1 : 0, 0, "\"lockfile_version\" must be the number 1%s%s", "",
		   NULL);
		goto out;
	}
	if (ver->valuedouble != LLMOPS_LOCKFILE_VERSION) {
		char num[32];

		snprintf(num, sizeof(num), "%g", ver->valuedouble);
		at(&c, steps, 1, 0,
		   "lockfile_version %s is not known to this llmops (it reads version 1); "
		   "upgrade llmops%s",
		   num, NULL);
		goto out;
	}
	prompts = cJSON_GetObjectItemCaseSensitive(root, "prompts");
	steps[0] = "prompts";
	if (!cJSON_IsObject(prompts)) {
		at(&c, steps, prompts ? 1 : 0, 0, "\"prompts\" must be an object of entries%s%s",
		   "", NULL);
		goto out;
	}
	n = cJSON_GetArraySize(prompts);
	l->e = calloc(n ? (size_t)n : 1, sizeof(*l->e));
	l->canary = calloc(n ? (size_t)n : 1, sizeof(*l->canary));
	if (!l->e || !l->canary) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	for (const cJSON *it = prompts->child; it; it = it->next) {
		int has_canary = 0;
		if (parse_entry(&c, it, &l->e[l->n], &l->canary[l->ncanary], &has_canary))
			goto out;
		l->n++;
		l->ncanary += has_canary;
	}
	qsort(l->canary, l->ncanary, sizeof(*l->canary), cmp_entry);
	/* Sorted, a name pinned twice sits next to itself (linear, not quadratic). */
	qsort(l->e, l->n, sizeof(*l->e), cmp_entry);
	for (size_t i = 1; i < l->n; i++) {
		if (!strcmp(l->e[i].name, l->e[i - 1].name)) {
			steps[1] = l->e[i].name;
			at(&c, steps, 2, 1, "'%s' is pinned twice; keep one entry%s", l->e[i].name,
			   NULL);
			goto out;
		}
	}
	rc = LLMOPS_OK;
out:
	cJSON_Delete(root);
	return rc;
}

int llmops_lock_read(struct llmops_lock *l, const char *path, int *exists, struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc;

	memset(l, 0, sizeof(*l));
	*exists = 0;
	if (llmops_buf_read_file(&b, path)) {
		if (errno == ENOENT)
			return LLMOPS_OK;
		return llmops_err_set(err, LLMOPS_E_IO, "cannot read '%s': %s", path,
				      strerror(errno));
	}
	*exists = 1;
	rc = llmops_lock_parse(l, b.data, b.len, LLMOPS_LOCK_FILE, err);
	llmops_buf_release(&b);
	return rc;
}

/* A pinned record's fields (a canary's weight first), each line at indent spaces. Every
   field was validated: names, versions, paths and hex need no escaping. */
static void write_pin(struct llmops_buf *b, const struct llmops_lock_entry *e, int indent)
{
	const int in = indent, pi = indent + 2;
	if (e->weight)
		llmops_buf_addf(b, "\n%*s\"weight\": %d,", in, "", e->weight);
	llmops_buf_addf(b,
			"\n%*s\"version\": \"%s\",\n%*s\"path\": \"%s\",\n%*s\"commit\": "
			"\"%s\",\n%*s\"blob\": \"%s\",\n%*s\"sha256\": \"%s\"",
			in, "", e->version, in, "", e->path, in, "", e->commit, in, "", e->blob, in,
			"", e->sha256);
	if (!e->has_partials)
		return;
	llmops_buf_addf(b, ",\n%*s\"partials\": {", in, "");
	for (size_t k = 0; k < e->npartials; k++) {
		const struct llmops_lock_partial *lp = &e->partials[k];
		if (lp->blob[0])
			llmops_buf_addf(b, "%s\n%*s\"%s\": {\"blob\": \"%s\", \"sha256\": \"%s\"}",
					k ? "," : "", pi, "", lp->name, lp->blob, lp->sha256);
		else
			llmops_buf_addf(b, "%s\n%*s\"%s\": null", k ? "," : "", pi, "", lp->name);
	}
	if (e->npartials)
		llmops_buf_addf(b, "\n%*s}", in, "");
	else
		llmops_buf_adds(b, "}");
}

int llmops_lock_write(const struct llmops_lock *l, const char *path, struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc;

	llmops_buf_addf(&b, "{\n  \"lockfile_version\": %d,\n  \"prompts\": {",
			LLMOPS_LOCKFILE_VERSION);
	for (size_t i = 0; i < l->n; i++) {
		const struct llmops_lock_entry *e = &l->e[i];
		const struct llmops_lock_entry *cy = llmops_lock_canary(l, e->name);

		llmops_buf_addf(&b, "%s\n    \"%s\": {", i ? "," : "", e->name);
		write_pin(&b, e, 6);
		if (cy) { /* beside the stable version: the canary and its share */
			llmops_buf_adds(&b, ",\n      \"canary\": {");
			write_pin(&b, cy, 8);
			llmops_buf_adds(&b, "\n      }");
		}
		llmops_buf_adds(&b, "\n    }");
	}
	llmops_buf_adds(&b, l->n ? "\n  }\n}\n" : "}\n}\n");
	rc = b.oom ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
		   : llmops_write_atomic(path, b.data, b.len, err);
	llmops_buf_release(&b);
	return rc;
}

void llmops_lock_release(struct llmops_lock *l)
{
	free(l->e);
	free(l->canary);
	memset(l, 0, sizeof(*l));
}

/* The entry named name in the sorted a[0..n) (binary search), or NULL. */
static struct llmops_lock_entry *find_in(struct llmops_lock_entry *a, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a[mid].name, name);

		if (!c)
			return &a[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* e into the sorted *a (*n of them), replacing the one of its name: 0 or LLMOPS_E_NOMEM. */
static int set_in(struct llmops_lock_entry **a, size_t *n, const struct llmops_lock_entry *e)
{
	struct llmops_lock_entry *old = find_in(*a, *n, e->name), *ne;

	if (old) {
		*old = *e;
		return LLMOPS_OK;
	}
	ne = realloc(*a, (*n + 1) * sizeof(*ne));
	if (!ne)
		return LLMOPS_E_NOMEM;
	*a = ne;
	ne[(*n)++] = *e;
	qsort(ne, *n, sizeof(*ne), cmp_entry);
	return LLMOPS_OK;
}

/* The entry named name out of the sorted a (*n of them): 1 when there was one. */
static int remove_in(struct llmops_lock_entry *a, size_t *n, const char *name)
{
	struct llmops_lock_entry *e = find_in(a, *n, name);

	if (!e)
		return 0;
	memmove(e, e + 1, (size_t)(a + *n - e - 1) * sizeof(*e));
	(*n)--;
	return 1;
}

const struct llmops_lock_entry *llmops_lock_find(const struct llmops_lock *l, const char *name)
{
	return find_in(l->e, l->n, name);
}

int llmops_lock_set(struct llmops_lock *l, const struct llmops_lock_entry *e)
{
	return set_in(&l->e, &l->n, e);
}

const struct llmops_lock_entry *llmops_lock_canary(const struct llmops_lock *l, const char *name)
{
	return find_in(l->canary, l->ncanary, name);
}

int llmops_lock_set_canary(struct llmops_lock *l, const struct llmops_lock_entry *e)
{
	return set_in(&l->canary, &l->ncanary, e);
}

int llmops_lock_remove_canary(struct llmops_lock *l, const char *name)
{
	return remove_in(l->canary, &l->ncanary, name);
}

int llmops_lock_remove(struct llmops_lock *l, const char *name)
{
	llmops_lock_remove_canary(l, name); /* a canary stands beside its stable version */
	return remove_in(l->e, &l->n, name);
}

int llmops_lock_bucket(const char *name, const char *key)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char hex[LLMOPS_SHA256_HEX_LEN + 1];
	uint64_t v = 0;
	llmops_buf_addf(&b, "%s\n%s", name, key);
	if (b.oom || llmops_sha256_hex(hex, b.data, b.len)) {
		llmops_buf_release(&b);
		return -1;
	}
	llmops_buf_release(&b);
	for (int i = 0; i < 16; i++)
		v = v << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return (int)(v % 10000);
}

const struct llmops_lock_entry *llmops_lock_resolve(const struct llmops_lock *l, const char *name,
						    const char *key, int *bucket)
{
	const struct llmops_lock_entry *e = llmops_lock_find(l, name);
	const struct llmops_lock_entry *cy = llmops_lock_canary(l, name);
	*bucket = llmops_lock_bucket(name, key);
	if (!e)
		return NULL;
	return cy && *bucket >= 0 && *bucket < cy->weight * 100 ? cy : e;
}
