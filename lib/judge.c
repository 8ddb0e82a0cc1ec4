/*
 * judge.c - rubrics and verdicts (see judge.h).
 */
#include "judge.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void llmops_judge_scale(const struct llmops_prompt *rubric, long *lo, long *hi)
{
	*lo = rubric && rubric->meta.has_scale ? rubric->meta.scale_lo : 1;
	*hi = rubric && rubric->meta.has_scale ? rubric->meta.scale_hi : 5;
}

/* dst <- at most n - 1 bytes of s, never cutting a UTF-8 character. */
static void copy_text(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n) {
		len = n - 1;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = 0;
}

/* The first JSON object in text with a numeric "score" (parsed; the caller's), or NULL. */
static cJSON *first_verdict(const char *text)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = NULL;
		cJSON *o = cJSON_ParseWithOpts(p, &end, 0);
		if (cJSON_IsObject(o) &&
		    cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "score")))
			return o;
		cJSON_Delete(o);
	}
	return NULL;
}

/* A line "score: N" (any case, "**Score**: N" too): 1 and *out, or 0. */
static int score_line(const char *text, double *out)
{
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		while (q < p + len && (isspace((unsigned char)*q) || *q == '*' || *q == '#'))
			q++;
		if ((size_t)(p + len - q) > 5 && !strncasecmp(q, "score", 5)) {
			q += 5;
			while (q < p + len && (*q == '*' || *q == ' ' || *q == ':' || *q == '='))
				q++;
			char *end;
			double v = strtod(q, &end);
			if (end > q && isfinite(v)) {
				*out = v;
				return 1;
			}
		}
		p += len + (eol != NULL);
	}
	return 0;
}

int llmops_verdict_parse(const char *text, long lo, long hi, struct llmops_verdict *v,
			 struct llmops_err *err)
{
	memset(v, 0, sizeof(*v));
	text = text ? text : "";
	cJSON *o = first_verdict(text);
	double raw;
	if (o) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reason");
		raw = cJSON_GetObjectItemCaseSensitive(o, "score")->valuedouble;
		if (cJSON_IsString(r))
			copy_text(v->reason, sizeof(v->reason), r->valuestring);
		cJSON_Delete(o);
	} else if (!score_line(text, &raw)) {
		char start[80];
		copy_text(start, sizeof(start), text);
		for (char *c = start; *c; c++)
			if (*c == '\n' || *c == '\r' || *c == '\t')
				*c = ' ';
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "no score in the judge's answer ('%s%s'): it must answer "
				      "{\"score\": N, \"reason\": \"...\"}",
				      start, strlen(text) >= sizeof(start) ? "..." : "");
	}
	if (!(raw >= (double)lo && raw <= (double)hi))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "the judge's score %g is off its scale %ld-%ld", raw, lo, hi);
	v->raw = raw;
	v->score = (raw - (double)lo) / (double)(hi - lo);
	return 0;
}

cJSON *llmops_judge_vars(const cJSON *vars, const char *input_text, const char *output,
			 const char *expected)
{
	cJSON *o = cJSON_IsObject(vars) ? cJSON_Duplicate(vars, 1) : cJSON_CreateObject();
	if (!o)
		return NULL;
	if (!cJSON_GetObjectItemCaseSensitive(o, "input"))
		cJSON_AddStringToObject(o, "input", input_text ? input_text : "");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "output");
	cJSON_AddStringToObject(o, "output", output ? output : "");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "expected");
	cJSON_AddStringToObject(o, "expected", expected ? expected : "");
	if (!cJSON_GetObjectItemCaseSensitive(o, "context"))
		cJSON_AddStringToObject(o, "context", "");
	return o;
}

cJSON *llmops_verdict_format(long lo, long hi)
{
	cJSON *f = cJSON_CreateObject(), *js, *schema, *props, *score, *reason, *req;
	cJSON_AddStringToObject(f, "type", "json_schema");
	js = cJSON_AddObjectToObject(f, "json_schema");
	cJSON_AddStringToObject(js, "name", "llmops_verdict");
	cJSON_AddBoolToObject(js, "strict", 1);
	schema = cJSON_AddObjectToObject(js, "schema");
	cJSON_AddStringToObject(schema, "type", "object");
	props = cJSON_AddObjectToObject(schema, "properties");
	score = cJSON_AddObjectToObject(props, "score");
	cJSON_AddStringToObject(score, "type", "integer");
	cJSON_AddNumberToObject(score, "minimum", (double)lo);
	cJSON_AddNumberToObject(score, "maximum", (double)hi);
	reason = cJSON_AddObjectToObject(props, "reason");
	cJSON_AddStringToObject(reason, "type", "string");
	req = cJSON_AddArrayToObject(schema, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString("score"));
	cJSON_AddItemToArray(req, cJSON_CreateString("reason"));
	cJSON_AddBoolToObject(schema, "additionalProperties", 0);
	return f;
}
