/*
 * jsonschema.c - the JSON Schema subset of jsonschema.h.
 */
#include "jsonschema.h"

#include "json.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <stdarg.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[] = {"object",  "array",   "string", "number",
					 "integer", "boolean", "null",	 NULL};
static const char *const annotations[] = {"title",    "description", "$schema",	 "$id",
					  "$comment", "default",     "examples", NULL};
static const char *const numeric_kw[] = {"minimum", "maximum", "exclusiveMinimum",
					 "exclusiveMaximum", NULL};
static const char *const count_kw[] = {"minItems", "maxItems", "minLength", "maxLength", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int check_at(const cJSON *s, const char *ptr, struct llmops_err *err);

static int bad(struct llmops_err *err, const char *ptr, const char *kw, const char *what)
{
	return llmops_err_set(err, LLMOPS_E_INPUT, "schema %s/%s: %s", ptr, kw, what);
}

static int check_kw(const cJSON *kw, const char *ptr, struct llmops_err *err)
{
	const char *k = kw->string;
	char sub[512];
	if (in_list(k, annotations))
		return 0;
	if (!strcmp(k, "type")) {
		if (cJSON_IsString(kw))
			return in_list(kw->valuestring, type_names)
				       ? 0
				       : bad(err, ptr, k,
					     "unknown type (object, array, string, number, "
					     "integer, boolean, null)");
		if (!cJSON_IsArray(kw) || !cJSON_GetArraySize(kw))
			return bad(err, ptr, k, "must be a type name or a list of them");
		const cJSON *t;
		cJSON_ArrayForEach (t, kw)
			if (!cJSON_IsString(t) || !in_list(t->valuestring, type_names))
				return bad(err, ptr, k, "unknown type in the list");
		return 0;
	}
	if (!strcmp(k, "enum"))
		return cJSON_IsArray(kw) ? 0 : bad(err, ptr, k, "must be an array");
	if (!strcmp(k, "const"))
		return 0;
	if (!strcmp(k, "required")) {
		const cJSON *t;
		if (!cJSON_IsArray(kw))
			return bad(err, ptr, k, "must be an array of property names");
		cJSON_ArrayForEach (t, kw)
			if (!cJSON_IsString(t))
				return bad(err, ptr, k, "must be an array of property names");
		return 0;
	}
	if (!strcmp(k, "properties")) {
		const cJSON *p;
		if (!cJSON_IsObject(kw))
			return bad(err, ptr, k, "must be an object of schemas");
		cJSON_ArrayForEach (p, kw) {
			snprintf(sub, sizeof(sub), "%s/properties/%s", ptr, p->string);
			if (check_at(p, sub, err))
				return err->code;
		}
		return 0;
	}
	if (!strcmp(k, "additionalProperties") || !strcmp(k, "items")) {
		if (cJSON_IsBool(kw) && !strcmp(k, "additionalProperties"))
			return 0;
		snprintf(sub, sizeof(sub), "%s/%s", ptr, k);
		return check_at(kw, sub, err);
	}
	if (in_list(k, numeric_kw))
		return cJSON_IsNumber(kw) ? 0 : bad(err, ptr, k, "must be a number");
	if (in_list(k, count_kw))
		return cJSON_IsNumber(kw) && kw->valuedouble >= 0 &&
				       kw->valuedouble == floor(kw->valuedouble)
			       ? 0
			       : bad(err, ptr, k, "must be a non-negative integer");
	if (!strcmp(k, "pattern")) {
		int ec;
		PCRE2_SIZE off;
		if (!cJSON_IsString(kw))
			return bad(err, ptr, k, "must be a regular expression string");
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)kw->valuestring, PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF, &ec, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "schema %s/pattern: at offset %zu: %s", ptr,
					      (size_t)off, (const char *)msg);
		}
		pcre2_code_free(re);
		return 0;
	}
	return llmops_err_set(err, LLMOPS_E_INPUT,
			      "schema %s: keyword '%s' is not supported (supported: type, enum, "
			      "const, properties, required, additionalProperties, items, "
			      "minItems, maxItems, minLength, maxLength, pattern, minimum, "
			      "maximum, exclusiveMinimum, exclusiveMaximum)",
			      ptr[0] ? ptr : "/", k);
}

static int check_at(const cJSON *s, const char *ptr, struct llmops_err *err)
{
	const cJSON *kw;
	if (cJSON_IsBool(s))
		return 0; /* true accepts anything, false nothing */
	if (!cJSON_IsObject(s))
		return llmops_err_set(err, LLMOPS_E_INPUT, "schema %s: must be an object",
				      ptr[0] ? ptr : "/");
	cJSON_ArrayForEach (kw, s)
		if (check_kw(kw, ptr, err))
			return err->code;
	return 0;
}

int llmops_schema_check(const cJSON *schema, struct llmops_err *err)
{
	if (!schema)
		return llmops_err_set(err, LLMOPS_E_INPUT, "schema: missing");
	return check_at(schema, "", err);
}

/* ------------------------------------------------------------ validation */

static int has_type(const cJSON *v, const char *t)
{
	if (!strcmp(t, "integer"))
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		       isfinite(v->valuedouble);
	return !strcmp(t, llmops_json_type_name(v));
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int fail(struct llmops_buf *why, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct llmops_buf *why, const char *ptr, const char *fmt, ...)
{
	va_list ap;
	llmops_buf_reset(why);
	llmops_buf_addf(why, "%s: ", ptr[0] ? ptr : "/");
	va_start(ap, fmt);
	llmops_buf_vaddf(why, fmt, ap);
	va_end(ap);
	return 0;
}

static int validate_at(const cJSON *s, const cJSON *v, const char *ptr, struct llmops_buf *why);

static int validate_object(const cJSON *s, const cJSON *v, const char *ptr, struct llmops_buf *why)
{
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	const cJSON *addl = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
	const cJSON *x;
	char sub[1024];
	cJSON_ArrayForEach (x, req)
		if (!cJSON_GetObjectItemCaseSensitive(v, x->valuestring))
			return fail(why, ptr, "required property '%s' is missing", x->valuestring);
	cJSON_ArrayForEach (x, v) {
		const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, x->string);
		snprintf(sub, sizeof(sub), "%s/%s", ptr, x->string);
		if (ps) {
			int r = validate_at(ps, x, sub, why);
			if (r != 1)
				return r;
		} else if (cJSON_IsFalse(addl)) {
			return fail(why, ptr, "property '%s' is not allowed", x->string);
		} else if (cJSON_IsObject(addl)) {
			int r = validate_at(addl, x, sub, why);
			if (r != 1)
				return r;
		}
	}
	return 1;
}

static int validate_at(const cJSON *s, const cJSON *v, const char *ptr, struct llmops_buf *why)
{
	const cJSON *kw;
	char sub[1024];
	if (cJSON_IsBool(s))
		return cJSON_IsTrue(s) ? 1 : fail(why, ptr, "no value is allowed here");
	if ((kw = cJSON_GetObjectItemCaseSensitive(s, "type"))) {
		int ok = 0;
		if (cJSON_IsString(kw))
			ok = has_type(v, kw->valuestring);
		else {
			const cJSON *t;
			cJSON_ArrayForEach (t, kw)
				ok |= has_type(v, t->valuestring);
		}
		if (!ok)
			return fail(why, ptr, "expected %s, got %s",
				    cJSON_IsString(kw) ? kw->valuestring
						       : "one of the listed types",
				    llmops_json_type_name(v));
	}
	if ((kw = cJSON_GetObjectItemCaseSensitive(s, "enum"))) {
		const cJSON *e;
		int ok = 0;
		cJSON_ArrayForEach (e, kw)
			ok |= cJSON_Compare(e, v, 1);
		if (!ok)
			return fail(why, ptr, "value is not one of the enum's");
	}
	if ((kw = cJSON_GetObjectItemCaseSensitive(s, "const")) && !cJSON_Compare(kw, v, 1))
		return fail(why, ptr, "value is not the const");
	if (cJSON_IsNumber(v)) {
		double x = v->valuedouble;
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "minimum")) && x < kw->valuedouble)
			return fail(why, ptr, "%g is below the minimum %g", x, kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "maximum")) && x > kw->valuedouble)
			return fail(why, ptr, "%g is above the maximum %g", x, kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "exclusiveMinimum")) &&
		    x <= kw->valuedouble)
			return fail(why, ptr, "%g is not above %g", x, kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "exclusiveMaximum")) &&
		    x >= kw->valuedouble)
			return fail(why, ptr, "%g is not below %g", x, kw->valuedouble);
	}
	if (cJSON_IsString(v)) {
		double n = (double)utf8_len(v->valuestring);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "minLength")) && n < kw->valuedouble)
			return fail(why, ptr, "string is shorter than %g characters",
				    kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "maxLength")) && n > kw->valuedouble)
			return fail(why, ptr, "string is longer than %g characters",
				    kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "pattern"))) {
			int ec, hit;
			PCRE2_SIZE off;
			pcre2_code *re =
				pcre2_compile((PCRE2_SPTR)kw->valuestring, PCRE2_ZERO_TERMINATED,
					      PCRE2_UTF, &ec, &off, NULL);
			pcre2_match_data *md =
				re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
			if (!md) {
				pcre2_code_free(re);
				return -1;
			}
			hit = pcre2_match(re, (PCRE2_SPTR)v->valuestring, PCRE2_ZERO_TERMINATED, 0,
					  0, md, NULL) >= 0;
			pcre2_match_data_free(md);
			pcre2_code_free(re);
			if (!hit)
				return fail(why, ptr, "string does not match the pattern '%s'",
					    kw->valuestring);
		}
	}
	if (cJSON_IsArray(v)) {
		double n = (double)cJSON_GetArraySize(v);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "minItems")) && n < kw->valuedouble)
			return fail(why, ptr, "array has fewer than %g items", kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "maxItems")) && n > kw->valuedouble)
			return fail(why, ptr, "array has more than %g items", kw->valuedouble);
		if ((kw = cJSON_GetObjectItemCaseSensitive(s, "items"))) {
			const cJSON *it;
			int i = 0;
			cJSON_ArrayForEach (it, v) {
				snprintf(sub, sizeof(sub), "%s/%d", ptr, i++);
				int r = validate_at(kw, it, sub, why);
				if (r != 1)
					return r;
			}
		}
	}
	if (cJSON_IsObject(v))
		return validate_object(s, v, ptr, why);
	return 1;
}

int llmops_schema_validate(const cJSON *schema, const cJSON *instance, struct llmops_buf *why)
{
	return validate_at(schema, instance, "", why);
}
