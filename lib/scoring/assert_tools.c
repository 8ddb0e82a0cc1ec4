/*
 * assert_tools.c - the assertions on the tools an answer called (see
 * assertions.h): tool_called, tool_not_called, tool_sequence, max_steps.
 */
#include "assert_tools.h"

#include "jsonschema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int bad(struct llmops_err *err, const char *where, int idx, const char *tn, const char *what)
{
	return llmops_err_set(err, LLMOPS_E_INPUT, "%s: assert[%d] (%s): %s", where, idx, tn, what);
}

int llmops_assert_tools_parse(int type, const cJSON *value, const cJSON *strict, const char *where,
			      int idx, struct llmops_err *err)
{
	const cJSON *x;
	const char *tn = llmops_assert_names[type];
	if (strict && (type != LLMOPS_ASSERT_TOOL_SEQUENCE || !cJSON_IsBool(strict)))
		return bad(err, where, idx, tn, "\"strict\" is tool_sequence's, true or false");
	switch (type) {
	case LLMOPS_ASSERT_TOOL_CALLED: {
		const char *name =
			cJSON_IsString(value) ? value->valuestring : str_of(value, "name");
		int forms = 0;
		if (!name || !*name)
			return bad(err, where, idx, tn,
				   "\"value\" is the tool's name, or {\"name\": ..., and one of "
				   "\"arguments\" (equal), \"arguments_schema\" (a JSON Schema) or "
				   "\"arguments_contain\" (a subset)}");
		const cJSON *obj = cJSON_IsObject(value) ? value : NULL;
		cJSON_ArrayForEach (x, obj) {
			if (!strcmp(x->string, "name"))
				continue;
			if (strcmp(x->string, "arguments") &&
			    strcmp(x->string, "arguments_schema") &&
			    strcmp(x->string, "arguments_contain"))
				return llmops_err_set(
					err, LLMOPS_E_INPUT,
					"%s: assert[%d] (tool_called): unknown key "
					"'%s' (known: name, arguments, arguments_schema, "
					"arguments_contain)",
					where, idx, x->string);
			forms++;
		}
		if (forms > 1)
			return bad(err, where, idx, tn,
				   "give one of arguments, arguments_schema and arguments_contain");
		x = cJSON_GetObjectItemCaseSensitive(value, "arguments_schema");
		if (x) {
			struct llmops_err e2 = {0};
			if (llmops_schema_check(x, &e2))
				return llmops_err_set(err, LLMOPS_E_INPUT,
						      "%s: assert[%d] (tool_called): "
						      "arguments_schema: %s",
						      where, idx, e2.msg);
		}
		x = cJSON_GetObjectItemCaseSensitive(value, "arguments_contain");
		if (x && !cJSON_IsObject(x))
			return bad(err, where, idx, tn, "\"arguments_contain\" is an object");
		return 0;
	}
	case LLMOPS_ASSERT_TOOL_NOT_CALLED:
		if (value && (!cJSON_IsString(value) || !*value->valuestring))
			return bad(err, where, idx, tn,
				   "\"value\" is the tool's name (none: no tool at all)");
		return 0;
	case LLMOPS_ASSERT_TOOL_SEQUENCE: {
		int ok = cJSON_IsArray(value) && value->child;
		const cJSON *list = ok ? value : NULL;
		cJSON_ArrayForEach (x, list)
			ok &= cJSON_IsString(x) && *x->valuestring;
		if (!ok)
			return bad(err, where, idx, tn,
				   "\"value\" is a non-empty list of tool names, in the order "
				   "they are to be called");
		return 0;
	}
	case LLMOPS_ASSERT_MAX_STEPS:
		if (!cJSON_IsNumber(value) || value->valuedouble < 1)
			return bad(err, where, idx, tn,
				   "\"value\" is the most requests the answer may take (>= 1)");
		return 0;
	default: return 0;
	}
}

/* Whether every member of want is in have, equal (objects: recursively a subset). */
static int subset(const cJSON *want, const cJSON *have)
{
	const cJSON *w;
	if (!cJSON_IsObject(want) || !cJSON_IsObject(have))
		return cJSON_Compare(want, have, 1);
	cJSON_ArrayForEach (w, want)
		if (!subset(w, cJSON_GetObjectItemCaseSensitive(have, w->string)))
			return 0;
	return 1;
}

/* Whether call c (OpenAI's shape) matches the tool_called value; -1 out of memory. */
static int call_matches(const cJSON *value, const cJSON *c, struct llmops_buf *note)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
	const char *name = cJSON_IsString(value) ? value->valuestring : str_of(value, "name");
	const char *args = str_of(f, "arguments");
	const cJSON *eq = cJSON_GetObjectItemCaseSensitive(value, "arguments");
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(value, "arguments_schema");
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(value, "arguments_contain");
	if (!str_of(f, "name") || strcmp(str_of(f, "name"), name))
		return 0;
	if (!eq && !schema && !part)
		return 1;
	cJSON *got = cJSON_Parse(args && *args ? args : "{}");
	int ok;
	if (!got) {
		llmops_buf_reset(note);
		llmops_buf_addf(note, "its arguments are not JSON");
		return 0;
	}
	if (eq) {
		ok = cJSON_Compare(eq, got, 1);
		if (!ok) {
			llmops_buf_reset(note);
			llmops_buf_addf(note, "called with %s", args);
		}
	} else if (part) {
		ok = subset(part, got);
		if (!ok) {
			llmops_buf_reset(note);
			llmops_buf_addf(note, "called with %s", args);
		}
	} else {
		struct llmops_buf w = LLMOPS_BUF_INIT;
		ok = llmops_schema_validate(schema, got, &w);
		if (ok == 0) {
			llmops_buf_reset(note);
			llmops_buf_addf(note, "its arguments: %s", w.data ? w.data : "invalid");
		}
		llmops_buf_release(&w);
	}
	cJSON_Delete(got);
	return ok;
}

/* The names called, in order, "a, b, c" into out. */
static void names(const cJSON *calls, struct llmops_buf *out)
{
	const cJSON *c;
	cJSON_ArrayForEach (c, calls) {
		const char *n = str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
		llmops_buf_addf(out, "%s%s", out->len ? ", " : "", n ? n : "?");
	}
	if (!out->len)
		llmops_buf_adds(out, "none");
}

int llmops_assert_tools_check(const struct llmops_assertion *a, const cJSON *calls, int steps,
			      struct llmops_buf *why)
{
	const cJSON *c, *x;
	struct llmops_buf note = LLMOPS_BUF_INIT, called = LLMOPS_BUF_INIT;
	int ok = 0;
	switch (a->type) {
	case LLMOPS_ASSERT_TOOL_CALLED: {
		const char *name =
			cJSON_IsString(a->value) ? a->value->valuestring : str_of(a->value, "name");
		cJSON_ArrayForEach (c, calls)
			if ((ok = call_matches(a->value, c, &note)) != 0)
				break;
		if (ok == 0) {
			names(calls, &called);
			llmops_buf_addf(why, "tool_called %s: %s%s%s", name,
					note.len ? "" : "not called (called: ",
					note.len ? note.data : called.data, note.len ? "" : ")");
		}
		break;
	}
	case LLMOPS_ASSERT_TOOL_NOT_CALLED:
		ok = 1;
		cJSON_ArrayForEach (c, calls) {
			const char *n =
				str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
			if (!a->value || (n && !strcmp(n, a->value->valuestring)))
				ok = 0;
		}
		if (!ok)
			llmops_buf_addf(why, "tool_not_called%s%s: it was called",
					a->value ? " " : "", a->value ? a->value->valuestring : "");
		break;
	case LLMOPS_ASSERT_TOOL_SEQUENCE: {
		/* in order (others may come between), or with strict exactly these */
		int strict = a->strict;
		const cJSON *want = a->value->child;
		int extra = 0;
		cJSON_ArrayForEach (c, calls) {
			const char *n =
				str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
			if (want && n && !strcmp(n, want->valuestring))
				want = want->next;
			else
				extra = 1;
		}
		ok = !want && (!strict || !extra);
		if (!ok) {
			names(calls, &called);
			llmops_buf_addf(why, "tool_sequence ");
			cJSON_ArrayForEach (x, a->value)
				llmops_buf_addf(why, "%s%s", x == a->value->child ? "" : " > ",
						x->valuestring);
			llmops_buf_addf(why, "%s: called %s", strict ? " (strict)" : "",
					called.data);
		}
		break;
	}
	case LLMOPS_ASSERT_MAX_STEPS:
		ok = steps <= (int)a->value->valuedouble;
		if (!ok)
			llmops_buf_addf(why, "max_steps %g: took %d", a->value->valuedouble, steps);
		break;
	default: ok = 1;
	}
	llmops_buf_release(&note);
	llmops_buf_release(&called);
	return ok < 0 ? -1 : ok;
}
