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
	v->weighted = NAN;
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

cJSON *llmops_judge_request_extra(long lo, long hi, int logprobs)
{
	cJSON *x = cJSON_CreateObject(), *f = llmops_verdict_format(lo, hi);
	if (!x || !f) {
		cJSON_Delete(x);
		cJSON_Delete(f);
		return NULL;
	}
	cJSON_AddItemToObject(x, "response_format", f);
	if (logprobs) {
		cJSON_AddTrueToObject(x, "logprobs");
		cJSON_AddNumberToObject(x, "top_logprobs", 5);
	}
	return x;
}

/* A token that is a value of the scale lo-hi (white space around it allowed): 1 and *out. */
static int scale_value(const char *tok, long lo, long hi, long *out)
{
	char *end;
	while (*tok == ' ')
		tok++;
	if (!isdigit((unsigned char)*tok))
		return 0;
	long v = strtol(tok, &end, 10);
	while (*end == ' ')
		end++;
	if (*end || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

int llmops_verdict_weigh(const char *body, size_t len, long lo, long hi, struct llmops_verdict *v)
{
	cJSON *doc = body ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "choices"), 0);
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(ch, "logprobs");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(lp, "content"), *t;
	int after_score = 0, done = 0;
	cJSON_ArrayForEach (t, content) {
		const cJSON *tok = cJSON_GetObjectItemCaseSensitive(t, "token");
		long val;
		if (!cJSON_IsString(tok))
			break;
		if (strstr(tok->valuestring, "score"))
			after_score = 1;
		if (!after_score || !scale_value(tok->valuestring, lo, hi, &val))
			continue;
		/* the score's token: weigh the scale's values among its likeliest */
		double num = 0, den = 0;
		const cJSON *alt, *top = cJSON_GetObjectItemCaseSensitive(t, "top_logprobs");
		cJSON_ArrayForEach (alt, top) {
			const cJSON *at = cJSON_GetObjectItemCaseSensitive(alt, "token");
			const cJSON *al = cJSON_GetObjectItemCaseSensitive(alt, "logprob");
			long x;
			if (cJSON_IsString(at) && cJSON_IsNumber(al) &&
			    scale_value(at->valuestring, lo, hi, &x)) {
				double p = exp(al->valuedouble);
				num += p * (double)x;
				den += p;
			}
		}
		if (den > 0) {
			v->weighted = num / den;
			v->score = (v->weighted - (double)lo) / (double)(hi - lo);
			done = 1;
		}
		break;
	}
	cJSON_Delete(doc);
	return done;
}
