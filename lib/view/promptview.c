/*
 * promptview.c - prompts as `llmops prompt list`, `show` and `render`
 * print them (promptview.h).
 */
#include "promptview.h"

#include "runfmt.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A family with its pin; either may be NULL, not both (a pin of a missing family). */
cJSON *llmops_prompt_family_json(const struct llmops_family *f, const struct llmops_lock_entry *pin,
				 const struct llmops_lock_entry *cy)
{
	cJSON *o = cJSON_CreateObject(), *vs;

	assert(f || pin);
	cJSON_AddStringToObject(o, "name", f ? f->name : pin ? pin->name : "");
	if (pin)
		cJSON_AddStringToObject(o, "pinned", pin->version);
	else
		cJSON_AddNullToObject(o, "pinned");
	if (cy) { /* the canary beside it and the shares of the traffic */
		cJSON *c = cJSON_AddObjectToObject(o, "canary");
		cJSON_AddStringToObject(c, "version", cy->version);
		cJSON_AddNumberToObject(c, "weight", cy->weight);
		cJSON_AddNumberToObject(o, "pinned_weight", 100 - cy->weight);
	} else {
		cJSON_AddNullToObject(o, "canary");
	}
	vs = cJSON_AddArrayToObject(o, "versions");
	for (size_t i = 0; f && i < f->n; i++) {
		const struct llmops_version_file *v = &f->files[i];
		cJSON *jv = cJSON_CreateObject();

		cJSON_AddStringToObject(jv, "version", v->version);
		cJSON_AddStringToObject(jv, "path", v->path);
		cJSON_AddStringToObject(jv, "state", llmops_file_state_name(v->state));
		if (v->blob[0])
			cJSON_AddStringToObject(jv, "blob", v->blob);
		else
			cJSON_AddNullToObject(jv, "blob");
		cJSON_AddBoolToObject(jv, "pinned", pin && !strcmp(pin->version, v->version));
		cJSON_AddBoolToObject(jv, "canary", cy && !strcmp(cy->version, v->version));
		cJSON_AddItemToArray(vs, jv);
	}
	return o;
}

void llmops_prompt_family_text(FILE *out, const struct llmops_family *f,
			       const struct llmops_lock_entry *pin,
			       const struct llmops_lock_entry *cy, int width,
			       const struct llmops_sgr *c)
{
	assert(f || pin);
	fprintf(out, "%-*s  %s%-8s%s", width,
		f     ? f->name
		: pin ? pin->name
		      : "",
		pin ? c->green : "", pin ? pin->version : "-", pin ? c->reset : "");
	if (cy)
		fprintf(out, " %d%%, canary %s%s%s %d%%", 100 - cy->weight, c->yellow, cy->version,
			c->reset, cy->weight);
	for (size_t i = 0; f && i < f->n; i++) {
		const struct llmops_version_file *v = &f->files[i];

		fprintf(out, " %s", v->version);
		if (v->state != LLMOPS_FILE_COMMITTED)
			fprintf(out, " %s(%s)%s", c->yellow, llmops_file_state_name(v->state),
				c->reset);
	}
	if (!f)
		fprintf(out, " %s(pinned, but no version files)%s", c->red, c->reset);
	fputc('\n', out);
}

cJSON *llmops_prompt_meta_json(const struct llmops_prompt *p)
{
	const struct llmops_prompt_meta *m = &p->meta;
	cJSON *o = cJSON_CreateObject();

	if (m->model)
		cJSON_AddStringToObject(o, "model", m->model);
	if (m->has_temperature)
		cJSON_AddNumberToObject(o, "temperature", m->temperature);
	if (m->has_max_tokens)
		cJSON_AddNumberToObject(o, "max_tokens", (double)m->max_tokens);
	if (m->owner)
		cJSON_AddStringToObject(o, "owner", m->owner);
	if (m->description)
		cJSON_AddStringToObject(o, "description", m->description);
	if (m->version)
		cJSON_AddStringToObject(o, "version", m->version);
	return o;
}

static const char *str_or(const cJSON *o, const char *k, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : dflt;
}

/* A text with its own line end. */
static void put_text(FILE *out, const char *s)
{
	size_t len = strlen(s);
	fputs(s, out);
	if (!len || s[len - 1] != '\n')
		fputc('\n', out);
}

/*
 * Messages as text: a lone user message as it is, several with a [role] line each (its
 * name, the id a tool message answers); parts, tool calls and the extras (tools,
 * tool_choice, response_format) a line each.
 */
void llmops_prompt_messages_text(FILE *out, const cJSON *msgs, const cJSON *extra)
{
	int n = cJSON_GetArraySize(msgs), i = 0;
	const cJSON *m, *x;

	cJSON_ArrayForEach (m, msgs) {
		const char *role = str_or(m, "role", "?");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");

		if (n > 1 || strcmp(role, "user") || extra)
			fprintf(out, "%s[%s%s%s%s%s]\n", i ? "\n" : "", role,
				str_or(m, "name", NULL) ? " " : "", str_or(m, "name", ""),
				str_or(m, "tool_call_id", NULL) ? " answering " : "",
				str_or(m, "tool_call_id", ""));
		if (cJSON_IsString(content))
			put_text(out, content->valuestring);
		const cJSON *parts = cJSON_IsArray(content) ? content : NULL;
		cJSON_ArrayForEach (x, parts) {
			if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "path")))
				fprintf(out, "[image %s]\n", str_or(x, "path", ""));
			else if (cJSON_GetObjectItemCaseSensitive(x, "image_url"))
				fprintf(out, "[image %s]\n",
					str_or(cJSON_GetObjectItemCaseSensitive(x, "image_url"),
					       "url", ""));
			else
				put_text(out, str_or(x, "text", ""));
		}
		cJSON_ArrayForEach (x, cJSON_GetObjectItemCaseSensitive(m, "tool_calls")) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "function");
			fprintf(out, "[call %s] %s(%s)\n", str_or(x, "id", ""),
				str_or(f, "name", ""), str_or(f, "arguments", ""));
		}
		i++;
	}
	cJSON_ArrayForEach (x, cJSON_GetObjectItemCaseSensitive(extra, "tools")) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "function");
		fprintf(out, "\n[tool %s] %s\n", str_or(f, "name", ""),
			str_or(f, "description", ""));
	}
	for (const char *k = "tool_choice"; k;
	     k = strcmp(k, "tool_choice") ? NULL : "response_format") {
		x = cJSON_GetObjectItemCaseSensitive(extra, k);
		if (!x)
			continue;
		char *s = cJSON_PrintUnformatted(x);
		fprintf(out, "\n[%s] %s\n", k, s ? s : "");
		free(s);
	}
}

cJSON *llmops_prompt_templates_json(const struct llmops_prompt *p)
{
	if (p->json) /* the messages as the file has them (templates unrendered) */
		return cJSON_Duplicate(cJSON_IsArray(p->json) ? p->json
							      : cJSON_GetObjectItemCaseSensitive(
									p->json, "messages"),
				       1);

	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < p->nmsgs; i++) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "role", p->msgs[i].role);
		cJSON_AddStringToObject(m, "content", p->msgs[i].source);
		cJSON_AddItemToArray(arr, m);
	}
	return arr;
}

static const char *kind_name(int kind)
{
	static const char *const names[] = {"added",	"changed",  "deleted",	      "pinned",
					    "unpinned", "boundary", "partial-changed"};

	return names[kind];
}

cJSON *llmops_prompt_log_json(const struct llmops_log_event *ev)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "commit", ev->commit);
	cJSON_AddNumberToObject(o, "time", (double)ev->time);
	cJSON_AddStringToObject(o, "author", ev->author);
	cJSON_AddStringToObject(o, "summary", ev->summary);
	cJSON_AddStringToObject(o, "event", kind_name(ev->kind));
	if (ev->version[0])
		cJSON_AddStringToObject(o, "version", ev->version);
	if (ev->kind == LLMOPS_LOG_PINNED && ev->previous[0])
		cJSON_AddStringToObject(o, "previous", ev->previous);
	if (ev->kind == LLMOPS_LOG_PARTIAL)
		cJSON_AddStringToObject(o, "partial", ev->partial);
	return o;
}

void llmops_prompt_log_print(FILE *f, const struct llmops_log_event *ev, const struct llmops_sgr *c)
{
	char when[32];

	llmops_runfmt_commit_time(when, sizeof(when), ev->time, ev->tz_minutes);
	fprintf(f, "%s%.10s%s %s  ", c->yellow, ev->commit, c->reset, when);
	switch (ev->kind) {
	case LLMOPS_LOG_PINNED:
		if (ev->previous[0])
			fprintf(f, "pinned %s (was %s)", ev->version, ev->previous);
		else
			fprintf(f, "pinned %s", ev->version);
		break;
	case LLMOPS_LOG_UNPINNED: fprintf(f, "unpinned (was %s)", ev->version); break;
	case LLMOPS_LOG_BOUNDARY: fprintf(f, "history stops here (shallow clone)"); break;
	case LLMOPS_LOG_PARTIAL: fprintf(f, "partial %s changed", ev->partial); break;
	default: fprintf(f, "%s %s", kind_name(ev->kind), ev->version); break;
	}
	fprintf(f, "  %s: %s\n", ev->author, ev->summary);
}

void llmops_patch_print(FILE *f, const char *patch, const struct llmops_sgr *c)
{
	for (const char *line = patch; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		const char *col = "";

		if (line[0] == '+' && strncmp(line, "+++", 3))
			col = c->green;
		else if (line[0] == '-' && strncmp(line, "---", 3))
			col = c->red;
		else if (!strncmp(line, "@@", 2))
			col = c->yellow;
		fputs(col, f);
		fwrite(line, 1, len - (nl ? 1 : 0), f);
		fputs(*col ? c->reset : "", f);
		if (nl)
			fputc('\n', f);
		line += len;
	}
}
