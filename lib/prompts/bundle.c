/*
 * bundle.c - a bundle of the pinned prompts, and its check against the
 * lock (see bundle.h).
 */
#include "bundle.h"

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "utf8.h"
#include "prompt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One pinned version e (stable or canary, taking weight percent) as a bundle entry. */
static cJSON *version_json(struct llmops_store *s, const struct llmops_lock_entry *e,
			   const char *role, int weight, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT, pt = LLMOPS_BUF_INIT;
	struct llmops_prompt *p = NULL;
	int json = strlen(e->path) > 5 && !strcmp(e->path + strlen(e->path) - 5, ".json");
	cJSON *v = NULL;
	if (llmops_store_read_blob(s, e->blob, &text, err))
		goto out;
	v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "version", e->version);
	cJSON_AddStringToObject(v, "role", role);
	cJSON_AddNumberToObject(v, "weight", weight);
	cJSON_AddStringToObject(v, "path", e->path);
	cJSON_AddStringToObject(v, "commit", e->commit);
	cJSON_AddStringToObject(v, "blob", e->blob);
	cJSON_AddStringToObject(v, "sha256", e->sha256);
	cJSON_AddStringToObject(v, "format", json ? "json" : "txt");
	cJSON_AddStringToObject(v, "text", text.data ? text.data : "");
	cJSON *params = cJSON_AddObjectToObject(v, "parameters");
	/* the front matter an application sends with it (lenient: the pin parsed it whole) */
	if (!llmops_prompt_parse_ex(&p, e->path, text.data ? text.data : "", text.len, json,
				    LLMOPS_PROMPT_LENIENT_META, NULL)) {
		if (p->meta.model)
			cJSON_AddStringToObject(params, "model", p->meta.model);
		if (p->meta.has_temperature)
			cJSON_AddNumberToObject(params, "temperature", p->meta.temperature);
		if (p->meta.has_max_tokens)
			cJSON_AddNumberToObject(params, "max_tokens", (double)p->meta.max_tokens);
	}
	llmops_prompt_free(p);
	cJSON *parts = cJSON_AddObjectToObject(v, "partials");
	for (size_t i = 0; i < e->npartials; i++) {
		const struct llmops_lock_partial *lp = &e->partials[i];
		if (!lp->blob[0]) { /* none at the pin: it rendered as nothing */
			cJSON_AddNullToObject(parts, lp->name);
			continue;
		}
		if (llmops_store_read_blob(s, lp->blob, &pt, err)) {
			cJSON_Delete(v);
			v = NULL;
			goto out;
		}
		cJSON *o = cJSON_AddObjectToObject(parts, lp->name);
		cJSON_AddStringToObject(o, "text", pt.data ? pt.data : "");
		cJSON_AddStringToObject(o, "sha256", lp->sha256);
	}
out:
	llmops_buf_release(&text);
	llmops_buf_release(&pt);
	return v;
}

int llmops_bundle_make(struct llmops_store *s, const struct llmops_lock *l, const char *commit,
		       cJSON **out, struct llmops_err *err)
{
	cJSON *b = cJSON_CreateObject(), *ps;
	*out = NULL;
	cJSON_AddNumberToObject(b, "bundle_version", LLMOPS_BUNDLE_VERSION);
	cJSON_AddStringToObject(b, "commit", commit ? commit : "");
	ps = cJSON_AddObjectToObject(b, "prompts");
	for (size_t i = 0; i < l->n; i++) {
		const struct llmops_lock_entry *e = &l->e[i];
		const struct llmops_lock_entry *cy = llmops_lock_canary(l, e->name);
		cJSON *f = cJSON_AddObjectToObject(ps, e->name);
		cJSON *vs = cJSON_AddArrayToObject(f, "versions");
		cJSON *v = version_json(s, e, "stable", cy ? 100 - cy->weight : 100, err);
		cJSON *c = v && cy ? version_json(s, cy, "canary", cy->weight, err) : NULL;
		if (!v || (cy && !c)) {
			cJSON_Delete(v);
			cJSON_Delete(b);
			return err && err->code ? err->code : LLMOPS_E_NOMEM;
		}
		cJSON_AddItemToArray(vs, v);
		if (c)
			cJSON_AddItemToArray(vs, c);
	}
	*out = b;
	return 0;
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

#define PROBLEM(...)                                                                               \
	do {                                                                                       \
		snprintf(msg, sizeof(msg), __VA_ARGS__);                                           \
		if (llmops_strlist_append(problems, msg))                                          \
			return LLMOPS_E_NOMEM;                                                     \
	} while (0)

/* A value shown in a message: short, on one line. */
static void shown(char *out, size_t n, const cJSON *v)
{
	char *t = v ? cJSON_PrintUnformatted(v) : NULL;
	snprintf(out, n, "%.60s%s", t ? t : "nothing", t && strlen(t) > 60 ? "..." : "");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	cJSON_free(t);
}

/* have (a bundle's entry) against want (the lock's, as llmops_bundle_make writes it): a
   problem per field that differs, is missing or is not the lock's. */
static int check_entry(const cJSON *have, const cJSON *want, const char *who,
		       struct llmops_strlist *problems)
{
	char msg[700], a[80], b[80];
	const cJSON *f, *w = cJSON_GetObjectItemCaseSensitive(have, "weight");
	if (cJSON_IsNumber(w) && w->valuedouble != floor(w->valuedouble))
		PROBLEM("%s: weight %.6g is not a whole percentage", who, w->valuedouble);
	cJSON_ArrayForEach (f, want) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(have, f->string);
		if (h && cJSON_Compare(h, f, 1) &&
		    !(cJSON_IsNumber(h) && h->valuedouble != f->valuedouble))
			continue;
		if (cJSON_IsString(h) && cJSON_IsString(f) && strlen(f->valuestring) > 60) {
			char hh[LLMOPS_SHA256_HEX_LEN + 1], fh[LLMOPS_SHA256_HEX_LEN + 1];
			llmops_sha256_hex(hh, h->valuestring, strlen(h->valuestring));
			llmops_sha256_hex(fh, f->valuestring, strlen(f->valuestring));
			PROBLEM("%s: its %s does not hash to the pinned SHA-256 (%.12s in the "
				"bundle, %.12s as pinned)",
				who, f->string, hh, fh);
			continue;
		}
		shown(a, sizeof(a), h);
		shown(b, sizeof(b), f);
		PROBLEM("%s: its %s is %s in the bundle, %s as pinned", who, f->string, a, b);
	}
	cJSON_ArrayForEach (f, have)
		if (!cJSON_GetObjectItemCaseSensitive(want, f->string))
			PROBLEM("%s: \"%s\" is in the bundle and in no bundle llmops writes", who,
				f->string);
	return 0;
}

/* Every prompt of want (the lock's bundle) against have's, field by field. */
static int check_prompts(const cJSON *have, const cJSON *want, struct llmops_strlist *problems)
{
	char msg[700];
	const cJSON *hp = cJSON_GetObjectItemCaseSensitive(have, "prompts");
	const cJSON *wp = cJSON_GetObjectItemCaseSensitive(want, "prompts"), *f, *x;
	cJSON_ArrayForEach (f, wp) {
		const cJSON *hf = cJSON_GetObjectItemCaseSensitive(hp, f->string);
		const cJSON *hv = cJSON_GetObjectItemCaseSensitive(hf, "versions");
		const cJSON *wv = cJSON_GetObjectItemCaseSensitive(f, "versions");
		int nh = cJSON_GetArraySize(hv), nw = cJSON_GetArraySize(wv), i = 0;
		if (!hf) {
			PROBLEM("%s is pinned but not in the bundle", f->string);
			continue;
		}
		cJSON_ArrayForEach (x, hf)
			if (strcmp(x->string, "versions"))
				PROBLEM("%s: \"%s\" is in the bundle and in no bundle llmops "
					"writes",
					f->string, x->string);
		if (!cJSON_IsArray(hv) || nh != nw)
			PROBLEM("%s: the bundle has %d version%s, the lock pins %d (a stable "
				"one%s)",
				f->string, nh, nh == 1 ? "" : "s", nw,
				nw > 1 ? " and a canary, in that order" : "");
		cJSON_ArrayForEach (x, wv) {
			const cJSON *h = cJSON_GetArrayItem(hv, i++);
			char who[LLMOPS_NAME_MAX + 120];
			snprintf(who, sizeof(who), "%s@%s (%s)", f->string, str_of(x, "version"),
				 str_of(x, "role"));
			if (!cJSON_IsObject(h))
				PROBLEM("%s is pinned but not at its place in the bundle", who);
			else if (check_entry(h, x, who, problems))
				return LLMOPS_E_NOMEM;
		}
	}
	cJSON_ArrayForEach (f, hp)
		if (!cJSON_GetObjectItemCaseSensitive(wp, f->string))
			PROBLEM("%s is in the bundle, not in the lock", f->string);
	return 0;
}

int llmops_bundle_verify(struct llmops_store *s, const char *text, size_t len, const char *label,
			 const struct llmops_lock *l, const cJSON *cascades,
			 struct llmops_strlist *problems, struct llmops_err *err)
{
	cJSON *have = NULL, *want = NULL;
	char msg[700];
	int rc;
	/* strictly: a key twice or a NUL is read differently by different loaders */
	if ((rc = llmops_json_parse(&have, text, len, label, err)) ||
	    (rc = llmops_json_check_strict(have, text, len, label, err))) {
		cJSON_Delete(have);
		return rc;
	}
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(have, "bundle_version"), *k;
	const char *commit = str_of(have, "commit");
	size_t cl = strlen(commit);
	if (!cJSON_IsNumber(ver) || ver->valuedouble != LLMOPS_BUNDLE_VERSION ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(have, "prompts"))) {
		cJSON_Delete(have);
		return llmops_strlist_append(problems,
					     "not a bundle of version 1 (\"bundle_version\""
					     " and \"prompts\")")
			       ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
			       : 0;
	}
	cJSON_ArrayForEach (k, have)
		if (strcmp(k->string, "bundle_version") && strcmp(k->string, "commit") &&
		    strcmp(k->string, "prompts") && strcmp(k->string, "cascades")) {
			snprintf(msg, sizeof(msg),
				 "\"%.80s\" is in the bundle and in no bundle llmops writes",
				 k->string);
			llmops_strlist_append(problems, msg);
		}
	int hex = 1; /* lower-case, as git writes ids (and as a bundle is written) */
	for (size_t i = 0; i < cl; i++)
		hex &= (commit[i] >= '0' && commit[i] <= '9') ||
		       (commit[i] >= 'a' && commit[i] <= 'f');
	if (cl && ((cl != 40 && cl != 64) || !hex)) {
		snprintf(msg, sizeof(msg), "its commit '%.80s' is not a commit id", commit);
		llmops_strlist_append(problems, msg);
		commit = "";
	} else if (cl) {
		/* the commit it says it was made at is one of this repository's */
		struct llmops_snapshot *snap = NULL;
		struct llmops_err e = {0};
		if (llmops_snapshot_open(&snap, s, commit, &e)) {
			snprintf(msg, sizeof(msg),
				 "its commit %.64s is not a commit of this repository", commit);
			llmops_strlist_append(problems, msg);
		}
		llmops_snapshot_free(snap);
	}
	/* what `prompt bundle` writes for this lock (at the bundle's own commit): every field
	   compared, then every byte */
	if ((rc = llmops_bundle_make(s, l, commit, &want, err))) {
		cJSON_Delete(have);
		return rc;
	}
	if (cascades)
		cJSON_AddItemToObject(want, "cascades", cJSON_Duplicate(cascades, 1));
	size_t before = problems->nr;
	const cJSON *hc = cJSON_GetObjectItemCaseSensitive(have, "cascades");
	if (!cJSON_Compare(hc, cascades, 1) && (hc || cascades))
		llmops_strlist_append(
			problems, !hc	      ? "it has no \"cascades\"; llmops.json names some"
				  : !cascades ? "it has \"cascades\"; llmops.json names none"
					      : "its \"cascades\" are not llmops.json's (tiers, "
						"models, checks or schemas differ)");
	if (check_prompts(have, want, problems)) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	} else if (problems->nr == before) {
		char *t = llmops_json_print(want);
		size_t tl = t ? strlen(t) : 0, i = 0;
		if (!t) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		} else {
			while (i < tl && i < len && t[i] == text[i])
				i++;
			if (!(i == tl && (len == tl || (len == tl + 1 && text[tl] == '\n')))) {
				int line, col;
				llmops_text_pos(text, i < len ? i : len, &line, &col);
				snprintf(msg, sizeof(msg),
					 "%s:%d:%d: not byte for byte what 'llmops prompt bundle' "
					 "writes for this lock (the order of keys or versions, "
					 "spacing or escapes differ here)",
					 label, line, col);
				llmops_strlist_append(problems, msg);
			}
		}
		free(t);
	}
	cJSON_Delete(want);
	cJSON_Delete(have);
	return rc;
}
