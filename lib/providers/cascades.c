/*
 * cascades.c - the cascades llmops.json names, as `llmops prompt bundle`
 * ships them to an application (provider.h).
 */
#include "provider.h"

#include "buf.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One tier as an application needs it: its spec, and the type and model it names. */
static cJSON *tier_json(const char *spec, const cJSON *providers, struct llmops_err *err)
{
	struct llmops_provider *p = NULL;
	if (llmops_provider_resolve(&p, spec, providers, NULL, err))
		return NULL;
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "provider", spec);
	cJSON_AddStringToObject(t, "type", llmops_provider_type_name(p->type));
	cJSON_AddItemToObject(t, "model",
			      p->model ? cJSON_CreateString(p->model) : cJSON_CreateNull());
	llmops_provider_free(p);
	return t;
}

/* check "schema:FILE": the schema itself (an application has no repository to read it from). */
static int add_schema(cJSON *c, const char *name, const char *file, const char *root,
		      struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	char path[4096];
	cJSON *schema = NULL;
	snprintf(path, sizeof(path), "%s%s%s", file[0] == '/' || !root ? "" : root,
		 file[0] == '/' || !root ? "" : "/", file);
	if (llmops_buf_read_file(&text, path))
		return llmops_err_set(err, LLMOPS_E_USAGE, "cascade '%s': check schema:%s: %s",
				      name, file, strerror(errno));
	int rc = llmops_json_parse(&schema, text.data, text.len, path, err);
	llmops_buf_release(&text);
	if (!rc)
		cJSON_AddItemToObject(c, "schema", schema);
	return rc;
}

int llmops_cascades_json(const cJSON *providers, const char *root, cJSON **out,
			 struct llmops_err *err)
{
	const cJSON *e;
	cJSON *all = NULL;
	*out = NULL;
	const cJSON *list = cJSON_IsObject(providers) ? providers : NULL;
	cJSON_ArrayForEach (e, list) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "cascade"))
			continue;
		struct llmops_provider *p = NULL;
		if (llmops_provider_resolve(&p, e->string, providers, NULL, err))
			goto fail;
		cJSON *c = cJSON_CreateObject(), *tiers = cJSON_AddArrayToObject(c, "tiers");
		if (!all)
			all = cJSON_CreateObject();
		cJSON_AddItemToObject(all, e->string, c);
		for (size_t i = 0; i < p->tiers.nr; i++) {
			cJSON *t = tier_json(p->tiers.items[i], providers, err);
			if (!t) {
				llmops_provider_free(p);
				goto fail;
			}
			cJSON_AddItemToArray(tiers, t);
		}
		cJSON_AddStringToObject(c, "check", p->check);
		int rc = !strncmp(p->check, "schema:", 7)
				 ? add_schema(c, e->string, p->check + 7, root, err)
				 : 0;
		llmops_provider_free(p);
		if (rc)
			goto fail;
	}
	*out = all;
	return 0;
fail:
	cJSON_Delete(all);
	return err->code;
}
