#include "prompt.h"

#include "buf.h"
#include "json.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const llmops_prompt_meta_keys[] = {
	"description", "max_tokens", "model",	"owner", "scale",
	"temperature", "verdict",    "version", NULL,
};

static const char *const roles[] = {"system", "developer", "user", "assistant", NULL};

static int known_role(const char *r)
{
	for (size_t i = 0; roles[i]; i++)
		if (!strcmp(roles[i], r))
			return 1;
	return 0;
}

/* Set one metadata field from its text; line/col point at the value for errors. */
static int set_meta(struct llmops_prompt *p, const char *key, const char *val, int line, int col,
		    struct llmops_err *err)
{
	struct llmops_prompt_meta *m = &p->meta;
	char *end;

	if (llmops_strlist_append(&p->meta_keys, key))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!strcmp(key, "model"))
		m->model = val;
	else if (!strcmp(key, "owner"))
		m->owner = val;
	else if (!strcmp(key, "description"))
		m->description = val;
	else if (!strcmp(key, "version"))
		m->version = val;
	else if (!strcmp(key, "temperature")) {
		double d = strtod(val, &end);

		if (!*val || *end || !isfinite(d) || d < 0 || d > 2) {
			if (p->lenient)
				return LLMOPS_OK;
			return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col,
					     "temperature '%s' must be a number from 0 to 2", val);
		}
		m->temperature = d;
		m->has_temperature = 1;
	} else if (!strcmp(key, "max_tokens")) {
		long n = strtol(val, &end, 10);

		if (!*val || *end || n < 1 || n > 100000000) {
			if (p->lenient)
				return LLMOPS_OK;
			return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col,
					     "max_tokens '%s' must be a whole number of at least 1",
					     val);
		}
		m->max_tokens = n;
		m->has_max_tokens = 1;
	} else if (!strcmp(key, "scale")) {
		long lo = strtol(val, &end, 10), hi = -1;
		if (*val && *end == '-' && end[1])
			hi = strtol(end + 1, &end, 10);
		if (!*val || *end || lo < 0 || hi <= lo || hi > 1000) {
			if (p->lenient)
				return LLMOPS_OK;
			return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col,
					     "scale '%s' must be the lowest and the highest score, "
					     "whole numbers from 0 to 1000 (1-5)",
					     val);
		}
		m->scale_lo = lo;
		m->scale_hi = hi;
		m->has_scale = 1;
	} else if (!strcmp(key, "verdict")) {
		if (strcmp(val, "score") && strcmp(val, "preference")) {
			if (p->lenient)
				return LLMOPS_OK;
			return llmops_err_at(
				err, LLMOPS_E_INPUT, p->label, line, col,
				"verdict '%s' must be score (one output rated on the "
				"scale) or preference (which of two outputs is better)",
				val);
		}
		m->preference = !strcmp(val, "preference");
	}
	return LLMOPS_OK;
}

static int add_msg(struct llmops_prompt *p, const char *role, const char *src, size_t len,
		   const char *label, int line0, int col0, struct llmops_err *err)
{
	struct llmops_prompt_msg *m = realloc(p->msgs, (p->nmsgs + 1) * sizeof(*m));

	if (!m)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	p->msgs = m;
	m = &p->msgs[p->nmsgs];
	memset(m, 0, sizeof(*m));
	m->role = strdup(role);
	m->source = malloc(len + 1);
	if (!m->role || !m->source) {
		free(m->role);
		free(m->source);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	memcpy(m->source, src, len);
	m->source[len] = '\0';
	p->nmsgs++;
	return llmops_template_parse(&m->tmpl, src, len, label, line0, col0, err);
}

static int parse_txt(struct llmops_prompt *p, struct llmops_err *err)
{
	int rc = llmops_frontmatter_parse(&p->fm, p->text, p->len, p->label, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < p->fm.n; i++) {
		const struct llmops_fm_item *it = &p->fm.items[i];

		if ((rc = set_meta(p, it->key, it->value, it->line, it->value_col, err)))
			return rc;
	}
	p->body_off = p->fm.body_off;
	return add_msg(p, "user", p->text + p->body_off, p->len - p->body_off, p->label,
		       p->fm.body_line, 1, err);
}

static int json_err(struct llmops_prompt *p, const char *const *steps, size_t n, int key,
		    const char *msg, struct llmops_err *err)
{
	int line, col;

	llmops_json_locate(p->text, p->len, steps, n, key, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col, "%s", msg);
}

static int parse_messages(struct llmops_prompt *p, const cJSON *arr, const char *outer,
			  struct llmops_err *err)
{
	const cJSON *m;
	size_t i = 0;
	char idx[32], label[1200];
	int rc;

	if (!cJSON_IsArray(arr) || !arr->child)
		return json_err(p, &outer, outer ? 1 : 0, 0,
				"expected a non-empty array of {\"role\": ..., \"content\": ...} "
				"messages",
				err);
	cJSON_ArrayForEach (m, arr) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		const char *steps[3] = {outer, idx, NULL};
		const char **path = outer ? steps : steps + 1;
		size_t depth = outer ? 2 : 1;
		int line, col;

		snprintf(idx, sizeof(idx), "%zu", i);
		if (!cJSON_IsObject(m))
			return json_err(p, path, depth, 0,
					"a message is an object with \"role\" and \"content\"",
					err);
		path[depth] = "role";
		if (!cJSON_IsString(role))
			return json_err(p, path, role ? depth + 1 : depth, 0,
					"message needs \"role\": one of system, developer, user, "
					"assistant",
					err);
		if (!known_role(role->valuestring)) {
			char msg[300];

			snprintf(msg, sizeof(msg),
				 "unknown role '%.100s'; one of system, developer, user, assistant",
				 role->valuestring);
			return json_err(p, path, depth + 1, 0, msg, err);
		}
		path[depth] = "content";
		if (!cJSON_IsString(content))
			return json_err(p, path, content ? depth + 1 : depth, 0,
					"message needs \"content\" as a string (the template)",
					err);
		for (const cJSON *k = m->child; k; k = k->next) {
			if (strcmp(k->string, "role") && strcmp(k->string, "content") &&
			    strcmp(k->string, "name")) {
				char msg[300];

				path[depth] = k->string;
				snprintf(msg, sizeof(msg),
					 "unknown message key '%.100s'; a message has role, "
					 "content and optionally name",
					 k->string);
				return json_err(p, path, depth + 1, 1, msg, err);
			}
		}
		path[depth] = "content";
		llmops_json_locate(p->text, p->len, path, depth + 1, 0, &line, &col);
		snprintf(label, sizeof(label), "%s:%d:%d: %s%s[%zu].content", p->label, line, col,
			 outer ? outer : "", outer ? "" : "messages", i);
		if ((rc = add_msg(p, role->valuestring, content->valuestring,
				  strlen(content->valuestring), label, 1, 1, err)))
			return rc;
		i++;
	}
	return LLMOPS_OK;
}

static int parse_json(struct llmops_prompt *p, struct llmops_err *err)
{
	const cJSON *msgs;
	int rc = llmops_json_parse(&p->json, p->text, p->len, p->label, err);

	if (rc)
		return rc;
	if (cJSON_IsArray(p->json))
		return parse_messages(p, p->json, NULL, err);
	if (!cJSON_IsObject(p->json))
		return json_err(p, NULL, 0, 0,
				"a .json prompt is an array of messages or an object with "
				"\"messages\"",
				err);
	for (const cJSON *k = p->json->child; k; k = k->next) {
		const char *step = k->string;
		char num[64];
		int line, col;

		if (!strcmp(k->string, "messages"))
			continue;
		llmops_json_locate(p->text, p->len, &step, 1, 0, &line, &col);
		if (cJSON_IsString(k)) {
			rc = set_meta(p, k->string, k->valuestring, line, col, err);
		} else if (cJSON_IsNumber(k)) {
			/* set_meta keeps the pointer: only numeric keys take this path. */
			if (strcmp(k->string, "temperature") && strcmp(k->string, "max_tokens")) {
				if (p->lenient)
					continue;
				return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col,
						     "'%s' must be a string", k->string);
			}
			snprintf(num, sizeof(num), "%.17g", k->valuedouble);
			rc = set_meta(p, k->string, num, line, col, err);
		} else if (p->lenient) {
			continue; /* the caller checks metadata itself */
		} else {
			return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col,
					     "'%s' must be a string or a number", k->string);
		}
		if (rc)
			return rc;
	}
	msgs = cJSON_GetObjectItemCaseSensitive(p->json, "messages");
	if (!msgs)
		return json_err(p, NULL, 0, 0, "object has no \"messages\" array", err);
	return parse_messages(p, msgs, "messages", err);
}

int llmops_prompt_parse(struct llmops_prompt **out, const char *label, const char *text, size_t len,
			int json, struct llmops_err *err)
{
	return llmops_prompt_parse_ex(out, label, text, len, json, 0, err);
}

int llmops_prompt_parse_ex(struct llmops_prompt **out, const char *label, const char *text,
			   size_t len, int json, unsigned flags, struct llmops_err *err)
{
	struct llmops_prompt *p = calloc(1, sizeof(*p));
	size_t bad;
	int rc, line, col;

	*out = NULL;
	if (!p)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	p->lenient = (flags & LLMOPS_PROMPT_LENIENT_META) != 0;
	p->label = strdup(label);
	p->text = malloc(len + 1);
	if (!p->label || !p->text) {
		llmops_prompt_free(p);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	p->len = len;
	bad = llmops_utf8_invalid(text, len);
	if (bad < len) {
		llmops_text_pos(text, bad, &line, &col);
		rc = llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
				   "not valid UTF-8 (byte 0x%02x at offset %zu); prompts must be "
				   "UTF-8 text",
				   (unsigned char)text[bad], bad);
	} else if (memchr(text, '\0', len)) {
		llmops_text_pos(text, (size_t)((const char *)memchr(text, '\0', len) - text), &line,
				&col);
		rc = llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
				   "NUL byte in a prompt; is this a binary file?");
	} else {
		rc = json ? parse_json(p, err) : parse_txt(p, err);
	}
	if (rc) {
		llmops_prompt_free(p);
		return rc;
	}
	*out = p;
	return LLMOPS_OK;
}

void llmops_prompt_free(struct llmops_prompt *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nmsgs; i++) {
		free(p->msgs[i].role);
		free(p->msgs[i].source);
		llmops_template_free(p->msgs[i].tmpl);
	}
	free(p->msgs);
	llmops_frontmatter_release(&p->fm);
	llmops_strlist_release(&p->meta_keys);
	cJSON_Delete(p->json);
	free(p->label);
	free(p->text);
	free(p);
}

int llmops_prompt_render(const struct llmops_prompt *p, const cJSON *vars,
			 const struct llmops_render_opts *opts, cJSON **messages,
			 struct llmops_err *err)
{
	cJSON *arr = cJSON_CreateArray();
	int rc = LLMOPS_OK;

	*messages = NULL;
	if (!arr)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < p->nmsgs && !rc; i++) {
		struct llmops_buf out = LLMOPS_BUF_INIT;
		cJSON *m;

		rc = llmops_template_render(p->msgs[i].tmpl, vars, opts, &out, err);
		if (!rc) {
			m = cJSON_CreateObject();
			if (!m || !cJSON_AddStringToObject(m, "role", p->msgs[i].role) ||
			    !cJSON_AddStringToObject(m, "content", out.data) ||
			    !cJSON_AddItemToArray(arr, m)) {
				cJSON_Delete(m);
				rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			}
		}
		llmops_buf_release(&out);
	}
	if (rc) {
		cJSON_Delete(arr);
		return rc;
	}
	*messages = arr;
	return LLMOPS_OK;
}

int llmops_prompt_variables(const struct llmops_prompt *p, struct llmops_strlist *out)
{
	for (size_t i = 0; i < p->nmsgs; i++)
		if (llmops_template_variables(p->msgs[i].tmpl, out))
			return LLMOPS_E_NOMEM;
	return LLMOPS_OK;
}
