#include "prompt.h"

#include "buf.h"
#include "json.h"
#include "utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const llmops_prompt_meta_keys[] = {
	"description", "max_tokens", "model",	"owner", "scale",
	"temperature", "verdict",    "version", NULL,
};

static const char *const roles[] = {"system", "developer", "user", "assistant", "tool", NULL};

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
	rc = add_msg(p, "user", p->text + p->body_off, p->len - p->body_off, p->label,
		     p->fm.body_line, 1, err);
	if (p->nmsgs) {
		p->msgs[0].is_content = 1;
		p->nmessages = p->nmsg_tmpls = 1;
	}
	return rc;
}

static int json_err(struct llmops_prompt *p, const char *const *steps, size_t n, int key,
		    const char *msg, struct llmops_err *err)
{
	int line, col;

	llmops_json_locate(p->text, p->len, steps, n, key, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, p->label, line, col, "%s", msg);
}

/* A JSON path being walked: steps as text, with room for array indices. */
struct jpath {
	const char *steps[16];
	char idx[16][24];
	size_t n;
};

static void jp_push(struct jpath *jp, const char *key, long index)
{
	if (jp->n == sizeof(jp->steps) / sizeof(*jp->steps))
		return; /* deeper than any path reported: positions fall back to the parent */
	if (key) {
		jp->steps[jp->n++] = key;
	} else {
		snprintf(jp->idx[jp->n], sizeof(jp->idx[0]), "%ld", index);
		jp->steps[jp->n] = jp->idx[jp->n];
		jp->n++;
	}
}

static int jp_err(struct llmops_prompt *p, const struct jpath *jp, int key, struct llmops_err *err,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int jp_err(struct llmops_prompt *p, const struct jpath *jp, int key, struct llmops_err *err,
		  const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_err(p, jp->steps, jp->n, key, msg, err);
}

int llmops_tool_name_ok(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return 0;
	return n >= 1 && n <= 64;
}

/* One template: the string s at path jp, in message msg (-1: not in one) of role. */
static int add_tmpl(struct llmops_prompt *p, const struct jpath *jp, const char *role, long msg,
		    int is_content, const char *s, struct llmops_err *err)
{
	char label[1200];
	int line, col;
	size_t plen = 0;
	llmops_json_locate(p->text, p->len, jp->steps, jp->n, 0, &line, &col);
	snprintf(label, sizeof(label), "%s:%d:%d: ", p->label, line, col);
	if (jp->n && isdigit((unsigned char)jp->steps[0][0]))
		strcat(label, "messages"); /* a bare array of messages */
	for (size_t i = 0; i < jp->n; i++) {
		size_t k = strlen(label);
		if (isdigit((unsigned char)jp->steps[i][0]))
			snprintf(label + k, sizeof(label) - k, "[%s]", jp->steps[i]);
		else
			snprintf(label + k, sizeof(label) - k, "%s%s", i ? "." : "", jp->steps[i]);
	}
	int rc = add_msg(p, role, s, strlen(s), label, 1, 1, err);
	if (rc && rc != LLMOPS_E_INPUT)
		return rc;
	struct llmops_prompt_msg *m = &p->msgs[p->nmsgs - 1];
	m->msg = msg;
	m->is_content = is_content;
	for (size_t i = 0; i < jp->n; i++)
		plen += strlen(jp->steps[i]) + 1;
	m->path = malloc(plen ? plen : 1);
	if (!m->path)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	plen = 0;
	for (size_t i = 0; i < jp->n; i++) {
		size_t k = strlen(jp->steps[i]) + 1;
		memcpy(m->path + plen, jp->steps[i], k);
		plen += k;
	}
	m->npath = jp->n;
	return rc;
}

/*
 * Every string under node (a message, or tools / tool_choice / response_format), depth
 * first: with p, each becomes a template; with out (a copy of node, walked in step), each
 * string of out is rendered from the next template (*next).  A message's role is no
 * template.
 */
struct walk {
	struct llmops_prompt *p; /* parsing: make templates */
	const struct llmops_prompt *rp;
	const cJSON *vars;
	const struct llmops_render_opts *opts;
	size_t next;
	const char *role;
	long msg;
	struct llmops_err *err;
};

static int walk_strings(struct walk *w, cJSON *node, struct jpath *jp, int top)
{
	int rc = 0;
	if (cJSON_IsString(node)) {
		if (w->p)
			return add_tmpl(w->p, jp, w->role, w->msg,
					w->msg >= 0 && jp->n == 3 &&
						!strcmp(jp->steps[2], "content"),
					node->valuestring, w->err);
		struct llmops_buf out = LLMOPS_BUF_INIT;
		if (w->next >= w->rp->nmsgs)
			return llmops_err_set(w->err, LLMOPS_E_INPUT, "%s: a template is missing",
					      w->rp->label);
		rc = llmops_template_render(w->rp->msgs[w->next++].tmpl, w->vars, w->opts, &out,
					    w->err);
		if (!rc && !cJSON_SetValuestring(node, out.data ? out.data : ""))
			rc = llmops_err_set(w->err, LLMOPS_E_NOMEM, "out of memory");
		llmops_buf_release(&out);
		return rc;
	}
	long i = 0;
	for (cJSON *c = node->child; c && !rc; c = c->next, i++) {
		if (top && c->string && !strcmp(c->string, "role"))
			continue;
		size_t n = jp->n;
		jp_push(jp, cJSON_IsArray(node) ? NULL : c->string, i);
		rc = walk_strings(w, c, jp, 0);
		jp->n = n;
	}
	return rc;
}

/* The message m (index i of the messages at jp) checked: its shape, not its strings. */
/* A message's content parts: text, image_url or an image of the repository. */
static int check_parts(struct llmops_prompt *p, const cJSON *content, struct jpath *jp,
		       struct llmops_err *err)
{
	const cJSON *part;
	long i = 0;
	cJSON_ArrayForEach (part, content) {
		const char *t =
			cJSON_IsString(cJSON_GetObjectItemCaseSensitive(part, "type"))
				? cJSON_GetObjectItemCaseSensitive(part, "type")->valuestring
				: "";
		const cJSON *iu = cJSON_GetObjectItemCaseSensitive(part, "image_url");
		const cJSON *detail = cJSON_GetObjectItemCaseSensitive(iu, "detail");
		jp_push(jp, NULL, i++);
		if (!strcmp(t, "text") &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(part, "text"))) {
		} else if ((!strcmp(t, "image_url") &&
			    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(iu, "url"))) ||
			   (!strcmp(t, "image") &&
			    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(part, "path")))) {
			if (!strcmp(t, "image"))
				detail = cJSON_GetObjectItemCaseSensitive(part, "detail");
			if (detail &&
			    (!cJSON_IsString(detail) || (strcmp(detail->valuestring, "low") &&
							 !strstr(detail->valuestring, "{{") &&
							 strcmp(detail->valuestring, "high") &&
							 strcmp(detail->valuestring, "auto"))))
				return jp_err(p, jp, 0, err,
					      "an image's \"detail\" is low, high or auto");
		} else {
			return jp_err(p, jp, 0, err,
				      "a content part is {\"type\": \"text\", \"text\": "
				      "\"...\"}, {\"type\": \"image_url\", \"image_url\": "
				      "{\"url\": \"...\"}} or {\"type\": \"image\", "
				      "\"path\": \"a file of the repository\"}");
		}
		jp->n--;
	}
	if (!content->child)
		return jp_err(p, jp, 0, err, "\"content\" has no parts");
	return 0;
}

/* An assistant message's tool calls, each with an id, a name and JSON arguments. */
static int check_calls(struct llmops_prompt *p, const cJSON *calls, int assistant, struct jpath *jp,
		       size_t n, struct llmops_err *err)
{
	long i = 0;
	const cJSON *c;
	jp_push(jp, "tool_calls", 0);
	if (!assistant || !cJSON_IsArray(calls) || !calls->child)
		return jp_err(p, jp, 0, err,
			      "\"tool_calls\" is a non-empty list, on an assistant message");
	cJSON_ArrayForEach (c, calls) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		jp_push(jp, NULL, i++);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "id")) ||
		    !cJSON_IsString(name) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(f, "arguments")))
			return jp_err(p, jp, 0, err,
				      "a tool call is {\"id\": \"...\", \"type\": \"function\", "
				      "\"function\": {\"name\": \"...\", \"arguments\": "
				      "\"{...}\"}} "
				      "(arguments as a JSON string)");
		jp->n--;
	}
	jp->n = n;
	return 0;
}

static int check_message(struct llmops_prompt *p, const cJSON *m, struct jpath *jp,
			 struct llmops_err *err)
{
	static const char *const keys[] = {"role",	 "content",	 "name",
					   "tool_calls", "tool_call_id", NULL};
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(m, "tool_calls");
	const cJSON *k;
	size_t n = jp->n;
	int rc = 0;
	if (!cJSON_IsObject(m))
		return jp_err(p, jp, 0, err,
			      "a message is an object with \"role\" and \"content\"");
	jp_push(jp, "role", 0);
	if (!cJSON_IsString(role))
		return jp_err(p, jp, !role, err,
			      "message needs \"role\": one of system, developer, user, assistant, "
			      "tool");
	if (!known_role(role->valuestring))
		return jp_err(p, jp, 0, err,
			      "unknown role '%.100s'; one of system, developer, user, assistant, "
			      "tool",
			      role->valuestring);
	jp->n = n;
	for (k = m->child; k; k = k->next) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k->string))
			i++;
		if (!keys[i]) {
			jp_push(jp, k->string, 0);
			return jp_err(
				p, jp, 1, err,
				"unknown message key '%.100s'; a message has role, content "
				"and optionally name, tool_calls (assistant) and tool_call_id "
				"(tool)",
				k->string);
		}
	}
	int assistant = !strcmp(role->valuestring, "assistant");
	int tool = !strcmp(role->valuestring, "tool");
	jp_push(jp, "content", 0);
	if (cJSON_IsArray(content)) {
		if ((rc = check_parts(p, content, jp, err)))
			return rc;
	} else if (!cJSON_IsString(content) &&
		   !(assistant && calls && (!content || cJSON_IsNull(content)))) {
		jp->n = n;
		if (content)
			jp_push(jp, "content", 0);
		return jp_err(p, jp, 0, err,
			      "message needs \"content\": a string (the template) or a list of "
			      "parts (null only for an assistant message with tool_calls)");
	}
	jp->n = n;
	if (calls && (rc = check_calls(p, calls, assistant, jp, n, err)))
		return rc;
	k = cJSON_GetObjectItemCaseSensitive(m, "tool_call_id");
	if (tool != (k != NULL) || (k && !cJSON_IsString(k))) {
		jp_push(jp, k ? "tool_call_id" : "role", 0);
		return jp_err(p, jp, 0, err,
			      tool ? "a tool message needs \"tool_call_id\": the id of the call it "
				     "answers"
				   : "\"tool_call_id\" belongs on a tool message");
	}
	k = cJSON_GetObjectItemCaseSensitive(m, "name");
	if (k && !cJSON_IsString(k)) {
		jp_push(jp, "name", 0);
		return jp_err(p, jp, 0, err, "\"name\" is a string");
	}
	return rc;
}

/* tools, tool_choice and response_format checked: their shape (schemas are lint's). */
static int check_extras(struct llmops_prompt *p, struct llmops_err *err)
{
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(p->json, "tools");
	const cJSON *choice = cJSON_GetObjectItemCaseSensitive(p->json, "tool_choice");
	const cJSON *rf = cJSON_GetObjectItemCaseSensitive(p->json, "response_format");
	struct jpath jp = {0};
	const cJSON *t;
	long i = 0;
	if (tools) {
		jp_push(&jp, "tools", 0);
		if (!cJSON_IsArray(tools) || !tools->child)
			return jp_err(p, &jp, 0, err, "\"tools\" is a non-empty list of functions");
		cJSON_ArrayForEach (t, tools) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
			const cJSON *params = cJSON_GetObjectItemCaseSensitive(f, "parameters");
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(t, "type");
			jp_push(&jp, NULL, i++);
			if (!cJSON_IsString(type) || strcmp(type->valuestring, "function") ||
			    !cJSON_IsObject(f))
				return jp_err(p, &jp, 0, err,
					      "a tool is {\"type\": \"function\", \"function\": "
					      "{\"name\", \"description\", \"parameters\"}}");
			jp_push(&jp, "function", 0);
			jp_push(&jp, "name", 0);
			if (!cJSON_IsString(name) || !llmops_tool_name_ok(name->valuestring))
				return jp_err(
					p, &jp, !name, err,
					"a tool's name is 1 to 64 letters, digits, '_' or '-'");
			for (const cJSON *o = tools->child; o != t; o = o->next) {
				const cJSON *on = cJSON_GetObjectItemCaseSensitive(
					cJSON_GetObjectItemCaseSensitive(o, "function"), "name");
				if (cJSON_IsString(on) &&
				    !strcmp(on->valuestring, name->valuestring))
					return jp_err(p, &jp, 0, err,
						      "tool '%.64s' is defined twice",
						      name->valuestring);
			}
			jp.n--;
			if (params && !cJSON_IsObject(params)) {
				jp_push(&jp, "parameters", 0);
				return jp_err(p, &jp, 0, err,
					      "a tool's \"parameters\" is a JSON Schema object");
			}
			jp.n -= 2;
		}
		jp.n = 0;
	}
	if (choice) {
		const cJSON *fn = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(choice, "function"), "name");
		int named = 0;
		jp_push(&jp, "tool_choice", 0);
		if (cJSON_IsString(choice)) {
			if (strcmp(choice->valuestring, "auto") &&
			    strcmp(choice->valuestring, "none") &&
			    strcmp(choice->valuestring, "required"))
				return jp_err(
					p, &jp, 0, err,
					"\"tool_choice\" is auto, none, required or {\"type\": "
					"\"function\", \"function\": {\"name\": ...}}");
		} else if (!cJSON_IsString(fn)) {
			return jp_err(p, &jp, 0, err,
				      "\"tool_choice\" is auto, none, required or {\"type\": "
				      "\"function\", \"function\": {\"name\": ...}}");
		} else {
			cJSON_ArrayForEach (t, tools)
				named |= !strcmp(
					cJSON_GetObjectItemCaseSensitive(
						cJSON_GetObjectItemCaseSensitive(t, "function"),
						"name")
						->valuestring,
					fn->valuestring);
			if (!named)
				return jp_err(
					p, &jp, 0, err,
					"\"tool_choice\" names '%.64s', which is not among the "
					"tools",
					fn->valuestring);
		}
		if (!tools && strcmp(cJSON_IsString(choice) ? choice->valuestring : "", "none"))
			return jp_err(p, &jp, 0, err, "\"tool_choice\" without \"tools\"");
		jp.n = 0;
	}
	if (rf) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(rf, "type");
		const cJSON *js = cJSON_GetObjectItemCaseSensitive(rf, "json_schema");
		jp_push(&jp, "response_format", 0);
		if (!cJSON_IsString(type) || (strcmp(type->valuestring, "text") &&
					      strcmp(type->valuestring, "json_object") &&
					      strcmp(type->valuestring, "json_schema")))
			return jp_err(p, &jp, 0, err,
				      "\"response_format\" is {\"type\": \"text\"}, {\"type\": "
				      "\"json_object\"} or {\"type\": \"json_schema\", "
				      "\"json_schema\": {\"name\", \"schema\"}}");
		if (!strcmp(type->valuestring, "json_schema") &&
		    (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(js, "name")) ||
		     !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(js, "schema"))))
			return jp_err(p, &jp, 0, err,
				      "a json_schema response format needs \"json_schema\": "
				      "{\"name\": \"...\", \"schema\": {...}}");
	}
	p->has_extras = tools || choice || rf;
	return 0;
}

static const char *const extra_keys[] = {"tools", "tool_choice", "response_format"};

static int parse_messages(struct llmops_prompt *p, cJSON *arr, const char *outer,
			  struct llmops_err *err)
{
	struct jpath jp = {0};
	cJSON *m;
	long i = 0;
	int rc;

	if (outer)
		jp_push(&jp, outer, 0);
	if (!cJSON_IsArray(arr) || !arr->child)
		return jp_err(p, &jp, 0, err,
			      "expected a non-empty array of {\"role\": ..., \"content\": ...} "
			      "messages");
	cJSON_ArrayForEach (m, arr) {
		struct walk w = {p, NULL, NULL, NULL, 0, NULL, i, err};
		jp_push(&jp, NULL, i);
		if ((rc = check_message(p, m, &jp, err)))
			return rc;
		w.role = cJSON_GetObjectItemCaseSensitive(m, "role")->valuestring;
		if ((rc = walk_strings(&w, m, &jp, 1)))
			return rc;
		jp.n--;
		i++;
	}
	p->nmessages = (size_t)i;
	p->nmsg_tmpls = p->nmsgs;
	if (outer && (rc = check_extras(p, err)))
		return rc;
	for (size_t k = 0; outer && k < sizeof(extra_keys) / sizeof(*extra_keys); k++) {
		cJSON *x = cJSON_GetObjectItemCaseSensitive(p->json, extra_keys[k]);
		struct walk w = {p, NULL, NULL, NULL, 0, extra_keys[k], -1, err};
		jp.n = 0;
		jp_push(&jp, extra_keys[k], 0);
		if (x && (rc = walk_strings(&w, x, &jp, 0)))
			return rc;
	}
	return LLMOPS_OK;
}

static int parse_json(struct llmops_prompt *p, struct llmops_err *err)
{
	cJSON *msgs;
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
		int line, col, extra = 0;

		for (size_t i = 0; i < sizeof(extra_keys) / sizeof(*extra_keys); i++)
			extra |= !strcmp(k->string, extra_keys[i]);
		if (!strcmp(k->string, "messages") || extra)
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
		free(p->msgs[i].path);
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
	cJSON *arr;
	int rc = LLMOPS_OK;

	*messages = NULL;
	if (p->json) { /* the messages as the file has them, every string rendered */
		const cJSON *src = cJSON_IsArray(p->json)
					   ? p->json
					   : cJSON_GetObjectItemCaseSensitive(p->json, "messages");
		struct walk w = {NULL, p, vars, opts, 0, NULL, 0, err};
		struct jpath jp = {0};
		cJSON *m;
		if (!(arr = cJSON_Duplicate(src, 1)))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		cJSON_ArrayForEach (m, arr)
			if ((rc = walk_strings(&w, m, &jp, 1)))
				break;
		if (rc) {
			cJSON_Delete(arr);
			return rc;
		}
		*messages = arr;
		return LLMOPS_OK;
	}
	if (!(arr = cJSON_CreateArray()))
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

int llmops_prompt_render_extra(const struct llmops_prompt *p, const cJSON *vars,
			       const struct llmops_render_opts *opts, cJSON **extra,
			       struct llmops_err *err)
{
	struct walk w = {NULL, p, vars, opts, p->nmsg_tmpls, NULL, -1, err};
	cJSON *o;
	int rc = 0;
	*extra = NULL;
	if (!p->has_extras)
		return 0;
	if (!(o = cJSON_CreateObject()))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t k = 0; !rc && k < sizeof(extra_keys) / sizeof(*extra_keys); k++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(p->json, extra_keys[k]);
		struct jpath jp = {0};
		cJSON *copy = x ? cJSON_Duplicate(x, 1) : NULL;
		if (!x)
			continue;
		if (!copy || !cJSON_AddItemToObject(o, extra_keys[k], copy)) {
			cJSON_Delete(copy);
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		rc = walk_strings(&w, copy, &jp, 0);
	}
	if (rc) {
		cJSON_Delete(o);
		return rc;
	}
	*extra = o;
	return 0;
}

size_t llmops_prompt_msg_steps(const struct llmops_prompt_msg *m, const char **steps, size_t cap)
{
	const char *s = m->path;
	size_t n = 0;
	for (; s && n < m->npath && n < cap; n++, s += strlen(s) + 1)
		steps[n] = s;
	return n;
}

int llmops_prompt_variables(const struct llmops_prompt *p, struct llmops_strlist *out)
{
	for (size_t i = 0; i < p->nmsgs; i++)
		if (llmops_template_variables(p->msgs[i].tmpl, out))
			return LLMOPS_E_NOMEM;
	return LLMOPS_OK;
}
