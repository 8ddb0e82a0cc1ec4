/*
 * approval.c - approved models and moving aliases (see approval.h).
 */
#include "approval.h"

#include "buf.h"
#include "json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* model without its "vendor:" prefix */
static const char *bare(const char *model)
{
	const char *c = strchr(model, ':');
	return c && c > model ? c + 1 : model;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* An id that names a snapshot: it ends in -YYYY-MM-DD, -YYYYMMDD or -MMDD. */
static int dated(const char *id)
{
	size_t n = strlen(id);
	if (n > 11 && id[n - 11] == '-' && digits(id + n - 10, 4) && id[n - 6] == '-' &&
	    digits(id + n - 5, 2) && id[n - 3] == '-' && digits(id + n - 2, 2))
		return 1;
	if (n > 9 && id[n - 9] == '-' && digits(id + n - 8, 8) && id[n - 8] == '2')
		return 1;
	if (n > 5 && id[n - 5] == '-' && digits(id + n - 4, 4)) {
		int mm = (id[n - 4] - '0') * 10 + (id[n - 3] - '0');
		int dd = (id[n - 2] - '0') * 10 + (id[n - 1] - '0');
		return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
	}
	return 0;
}

/* The price entry whose id or an alias is exactly name, or NULL. */
static const struct llmops_price *exact(const struct llmops_pricing *prices, const char *name)
{
	size_t n = llmops_pricing_count(prices);
	for (size_t i = n; i-- > 0;) {
		const struct llmops_price *e = llmops_pricing_at(prices, i);
		const char *al;
		if (!strcmp(e->id, name))
			return e;
		for (size_t k = 0; (al = llmops_price_alias(e, k)); k++)
			if (!strcmp(al, name))
				return e;
	}
	return NULL;
}

int llmops_model_moving(const struct llmops_pricing *prices, const char *model, char *out, size_t n)
{
	const char *name = bare(model);
	size_t len = strlen(name);
	int latest = len > 7 && !strcmp(name + len - 7, "-latest");
	if (out && n)
		out[0] = 0;
	if (!latest && dated(name))
		return 0;
	const struct llmops_price *e = exact(prices, name);
	const char *snap = NULL, *al;
	if (e && dated(e->id))
		snap = e->id;
	for (size_t k = 0; e && !snap && (al = llmops_price_alias(e, k)); k++)
		if (dated(al))
			snap = al;
	if (snap && out && n)
		snprintf(out, n, "%s", snap);
	return latest || snap != NULL;
}

const struct llmops_approved *llmops_approval_find(const struct llmops_approval *a,
						   const char *model)
{
	const char *name = bare(model);
	for (size_t i = 0; a && i < a->n; i++)
		if (!strcmp(a->v[i].id, name))
			return &a->v[i];
	return NULL;
}

/* An error at models.approved[i] (key: NULL for the entry, or one of its keys). */
static int bad(struct llmops_err *err, const char *text, size_t len, const char *file, size_t i,
	       const char *key, const char *fmt, const char *a1, const char *a2)
{
	char idx[24];
	const char *steps[4] = {"models", "approved", idx, key};
	int line = 1, col = 1;
	snprintf(idx, sizeof(idx), "%zu", i);
	llmops_json_locate(text, len, steps, key ? 4 : 3, 0, &line, &col);
	char msg[600];
	snprintf(msg, sizeof(msg), fmt, a1 ? a1 : "", a2 ? a2 : "");
	return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col, "models.approved[%zu]%s%s: %s",
			     i, key ? "." : "", key ? key : "", msg);
}

int llmops_approval_load(struct llmops_approval *a, const cJSON *models,
			 const struct llmops_pricing *prices, const char *text, size_t len,
			 const char *file, struct llmops_err *err)
{
	const cJSON *list, *mode, *k, *x;
	memset(a, 0, sizeof(*a));
	if (!models)
		return 0;
	int line = 1, col = 1;
	const char *steps[2] = {"models", NULL};
	if (!cJSON_IsObject(models)) {
		llmops_json_locate(text, len, steps, 1, 0, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
				     "models must be an object ({\"approved\": [...]})");
	}
	cJSON_ArrayForEach (k, models) {
		if (k->string[0] == '$' || !strcmp(k->string, "approved") ||
		    !strcmp(k->string, "unapproved"))
			continue;
		steps[1] = k->string;
		llmops_json_locate(text, len, steps, 2, 0, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
				     "unknown key '%.100s' in models (known: approved, unapproved)",
				     k->string);
	}
	mode = cJSON_GetObjectItemCaseSensitive(models, "unapproved");
	if (mode && !(cJSON_IsString(mode) && (!strcmp(mode->valuestring, "refuse") ||
					       !strcmp(mode->valuestring, "warn")))) {
		steps[1] = "unapproved";
		llmops_json_locate(text, len, steps, 2, 0, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
				     "models.unapproved must be \"refuse\" or \"warn\"");
	}
	a->warn = mode && !strcmp(mode->valuestring, "warn");
	list = cJSON_GetObjectItemCaseSensitive(models, "approved");
	if (!list)
		return 0;
	if (!cJSON_IsArray(list)) {
		steps[1] = "approved";
		llmops_json_locate(text, len, steps, 2, 0, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
				     "models.approved must be a list of {\"id\": MODEL, \"run\": "
				     "RUN}");
	}
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	if (n && !(a->v = calloc(n, sizeof(*a->v))))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	a->active = 1;
	cJSON_ArrayForEach (x, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
		const cJSON *run = cJSON_GetObjectItemCaseSensitive(x, "run");
		char snap[200];
		if (!cJSON_IsObject(x))
			return bad(err, text, len, file, i, NULL,
				   "must be {\"id\": MODEL, \"run\": RUN}%s%s", NULL, NULL);
		cJSON_ArrayForEach (k, x)
			if (strcmp(k->string, "id") && strcmp(k->string, "run") &&
			    k->string[0] != '$')
				return bad(err, text, len, file, i, k->string,
					   "unknown key (known: id, run)%s%s", NULL, NULL);
		if (!cJSON_IsString(id) || !id->valuestring[0])
			return bad(err, text, len, file, i, id ? "id" : NULL,
				   "needs \"id\": the exact, dated model id%s%s", NULL, NULL);
		if (!cJSON_IsString(run) || !run->valuestring[0])
			return bad(err, text, len, file, i, run ? "run" : NULL,
				   "needs \"run\": the id of the run that qualified %s%s",
				   id->valuestring, NULL);
		if (llmops_model_moving(prices, id->valuestring, snap, sizeof(snap))) {
			char hint[240] = "";
			if (snap[0])
				snprintf(hint, sizeof(hint), " (%s)", snap);
			return bad(err, text, len, file, i, "id",
				   "'%s' is a moving alias: approve a dated id%s", id->valuestring,
				   hint);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->v[j].id, bare(id->valuestring)))
				return bad(err, text, len, file, i, "id",
					   "'%s' is approved twice%s", id->valuestring, NULL);
		a->v[i].id = bare(id->valuestring);
		a->v[i].run = run->valuestring;
		a->n = ++i;
	}
	return 0;
}

void llmops_approval_release(struct llmops_approval *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int llmops_approval_check(const struct llmops_approval *a, const struct llmops_pricing *prices,
			  const char *model, char *why, size_t n)
{
	char snap[200];
	if (!a || !a->active || !model)
		return 0;
	if (llmops_model_moving(prices, model, snap, sizeof(snap))) {
		snprintf(why, n,
			 "'%s' is a moving alias: what it answers with changes under you; use a "
			 "dated, approved id%s%s%s",
			 model, snap[0] ? " (" : "", snap, snap[0] ? ")" : "");
		return 1;
	}
	if (llmops_approval_find(a, model))
		return 0;
	struct llmops_buf list = LLMOPS_BUF_INIT;
	for (size_t i = 0; i < a->n && i < 6; i++)
		llmops_buf_addf(&list, "%s%s", i ? ", " : "", a->v[i].id);
	if (a->n > 6)
		llmops_buf_adds(&list, ", ...");
	snprintf(why, n,
		 "'%s' is not approved in llmops.json models.approved (approved: %s); qualify it "
		 "with an eval run and add it with that run's id",
		 model, list.data ? list.data : "none");
	llmops_buf_release(&list);
	return 1;
}
