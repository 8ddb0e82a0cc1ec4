/*
 * bundle.c - a bundle of the pinned prompts, and its check against the
 * lock (see bundle.h).
 */
#include "bundle.h"

#include "buf.h"
#include "hash.h"
#include "prompt.h"

#include <stdio.h>
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

/* v (a bundle entry) against e: a problem per difference. */
static int check_version(const cJSON *v, const struct llmops_lock_entry *e, int weight,
			 struct llmops_strlist *problems)
{
	char msg[600], h[LLMOPS_SHA256_HEX_LEN + 1];
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "weight");
	const char *text = str_of(v, "text");
	int rc = 0;
#define PROBLEM(...)                                                                               \
	do {                                                                                       \
		snprintf(msg, sizeof(msg), __VA_ARGS__);                                           \
		if (llmops_strlist_append(problems, msg))                                          \
			return LLMOPS_E_NOMEM;                                                     \
	} while (0)
	if (strcmp(str_of(v, "blob"), e->blob) || strcmp(str_of(v, "sha256"), e->sha256))
		PROBLEM("%s@%s: the bundle's blob or SHA-256 is not the lock's", e->name,
			e->version);
	if (llmops_sha256_hex(h, text, strlen(text)) || strcmp(h, e->sha256))
		PROBLEM("%s@%s: its text does not hash to the pinned SHA-256 %.12s", e->name,
			e->version, e->sha256);
	if (!cJSON_IsNumber(w) || (int)w->valuedouble != weight)
		PROBLEM("%s@%s: weight %s in the bundle, %d in the lock", e->name, e->version,
			cJSON_IsNumber(w) ? "differs" : "missing", weight);
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(v, "partials");
	for (size_t i = 0; i < e->npartials; i++) {
		const struct llmops_lock_partial *lp = &e->partials[i];
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(parts, lp->name);
		const char *pt = str_of(p, "text");
		if (!lp->blob[0] ? !cJSON_IsNull(p)
				 : (llmops_sha256_hex(h, pt, strlen(pt)) || strcmp(h, lp->sha256)))
			PROBLEM("%s@%s: partial '%s' is not as pinned", e->name, e->version,
				lp->name);
	}
	if (cJSON_GetArraySize(parts) != (int)e->npartials)
		PROBLEM("%s@%s: the bundle has %d partials, the pin %zu", e->name, e->version,
			cJSON_GetArraySize(parts), e->npartials);
#undef PROBLEM
	return rc;
}

int llmops_bundle_verify(const cJSON *b, const struct llmops_lock *l,
			 struct llmops_strlist *problems)
{
	const cJSON *ps = cJSON_GetObjectItemCaseSensitive(b, "prompts"), *f;
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(b, "bundle_version");
	char msg[600];
	if (!cJSON_IsNumber(ver) || ver->valuedouble != LLMOPS_BUNDLE_VERSION ||
	    !cJSON_IsObject(ps))
		return llmops_strlist_append(problems,
					     "not a bundle of version 1 (\"bundle_version\""
					     " and \"prompts\")")
			       ? LLMOPS_E_NOMEM
			       : 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct llmops_lock_entry *e = &l->e[i];
		const struct llmops_lock_entry *cy = llmops_lock_canary(l, e->name);
		const cJSON *vs = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(ps, e->name), "versions");
		const cJSON *stable = NULL, *canary = NULL, *v;
		cJSON_ArrayForEach (v, vs) {
			if (!strcmp(str_of(v, "role"), "stable") &&
			    !strcmp(str_of(v, "version"), e->version))
				stable = v;
			else if (cy && !strcmp(str_of(v, "role"), "canary") &&
				 !strcmp(str_of(v, "version"), cy->version))
				canary = v;
			else {
				snprintf(msg, sizeof(msg),
					 "%s@%s (%s) is in the bundle, not in the lock", e->name,
					 str_of(v, "version"), str_of(v, "role"));
				if (llmops_strlist_append(problems, msg))
					return LLMOPS_E_NOMEM;
			}
		}
		if (!stable) {
			snprintf(msg, sizeof(msg), "%s@%s is pinned but not in the bundle", e->name,
				 e->version);
			if (llmops_strlist_append(problems, msg))
				return LLMOPS_E_NOMEM;
		} else if (check_version(stable, e, cy ? 100 - cy->weight : 100, problems)) {
			return LLMOPS_E_NOMEM;
		}
		if (cy && !canary) {
			snprintf(msg, sizeof(msg), "%s@%s is the canary but not in the bundle",
				 e->name, cy->version);
			if (llmops_strlist_append(problems, msg))
				return LLMOPS_E_NOMEM;
		} else if (canary && check_version(canary, cy, cy->weight, problems)) {
			return LLMOPS_E_NOMEM;
		}
	}
	cJSON_ArrayForEach (f, ps)
		if (!llmops_lock_find(l, f->string)) {
			snprintf(msg, sizeof(msg), "%s is in the bundle, not in the lock",
				 f->string);
			if (llmops_strlist_append(problems, msg))
				return LLMOPS_E_NOMEM;
		}
	return 0;
}
