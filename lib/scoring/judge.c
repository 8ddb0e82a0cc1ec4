/*
 * judge.c - rubrics and verdicts (see judge.h).
 */
#include "judge.h"

#include "buf.h"
#include "hash.h"

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

/* The first JSON object in text whose key passes is (parsed; the caller's), or NULL. */
static cJSON *first_object(const char *text, const char *key, cJSON_bool (*is)(const cJSON *))
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		cJSON *o = cJSON_ParseWithOpts(p, NULL, 0);
		if (cJSON_IsObject(o) && is(cJSON_GetObjectItemCaseSensitive(o, key)))
			return o;
		cJSON_Delete(o);
	}
	return NULL;
}

/* The start of an answer on one line (at most n - 1 bytes, cut at a character, line breaks
   and tabs as spaces) and "..." in more when it goes on. */
static void answer_start(const char *text, char *out, size_t n, const char **more)
{
	copy_text(out, n, text);
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	*more = strlen(text) >= n ? "..." : "";
}

/*
 * The next line of *p that reads "LABEL: VALUE" (any case; Markdown's "**" and "#" and
 * separators ':' '=' '*' around the label allowed): VALUE (up to the line's end, *n bytes),
 * *p moved past that line; NULL when no line is left.
 */
static const char *labelled(const char **p, const char *label, size_t *n)
{
	size_t ll = strlen(label);
	while (**p) {
		const char *line = *p, *eol = strchr(line, '\n'), *q = line;
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		*p = line + len + (eol != NULL);
		while (q < line + len && (isspace((unsigned char)*q) || *q == '*' || *q == '#'))
			q++;
		if ((size_t)(line + len - q) <= ll || strncasecmp(q, label, ll))
			continue;
		q += ll;
		while (q < line + len && (*q == '*' || *q == ' ' || *q == ':' || *q == '='))
			q++;
		*n = (size_t)(line + len - q);
		return q;
	}
	return NULL;
}

/* The answer as one JSON object, white space and a Markdown code fence around it allowed
   (what a judge asked for a structured verdict writes): parsed (the caller's), or NULL. */
static cJSON *whole_object(const char *text)
{
	const char *p = text, *e = text + strlen(text);
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	if (e - p >= 6 && !strncmp(p, "```", 3) && !strncmp(e - 3, "```", 3)) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			return NULL;
		p = nl + 1;
		e -= 3;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
	}
	if (p >= e || *p != '{')
		return NULL;
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(p, (size_t)(e - p), &end, 0);
	if (!cJSON_IsObject(o) || end != e) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* "no WHAT in the judge's answer ('its start...'): it must answer SHAPE" */
static int no_verdict(struct llmops_err *err, const char *what, const char *text, const char *shape)
{
	char start[80];
	const char *more;
	answer_start(text, start, sizeof(start), &more);
	return llmops_err_set(err, LLMOPS_E_INPUT,
			      "no %s in the judge's answer ('%s%s'): it must answer %s", what,
			      start, more, shape);
}

#define MAX_SEEN 16

/* Every value the answer gives under label: its JSON objects' (is(value) for key label),
   then its "LABEL: VALUE" lines, through take (which keeps what it reads in seen; 0 when a
   value is not one); the number seen. */
struct seen {
	double v[MAX_SEEN];
	size_t n;
};

static void saw(struct seen *s, double v)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == v)
			return;
	if (s->n < MAX_SEEN)
		s->v[s->n++] = v;
}

static void scan_scores(const char *text, struct seen *s)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		cJSON *o = cJSON_ParseWithOpts(p, NULL, 0);
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "score");
		if (cJSON_IsObject(o) && cJSON_IsNumber(x))
			saw(s, x->valuedouble);
		cJSON_Delete(o);
	}
	const char *q;
	size_t n;
	while ((q = labelled(&text, "score", &n))) {
		char *end;
		double v = strtod(q, &end);
		if (end > q && isfinite(v))
			saw(s, v);
	}
}

int llmops_verdict_parse(const char *text, long lo, long hi, struct llmops_verdict *v,
			 struct llmops_err *err)
{
	memset(v, 0, sizeof(*v));
	v->weighted = NAN;
	text = text ? text : "";
	double raw;
	/* the judge's own verdict: the structured answer it was asked for, else the one score
	   its answer gives (an answer that quotes the output can quote a score too: two
	   different scores are no verdict) */
	cJSON *o = whole_object(text);
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(o, "score");
	if (cJSON_IsNumber(sc)) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reason");
		raw = sc->valuedouble;
		if (cJSON_IsString(r))
			copy_text(v->reason, sizeof(v->reason), r->valuestring);
		cJSON_Delete(o);
	} else {
		struct seen s = {{0}, 0};
		cJSON_Delete(o);
		scan_scores(text, &s);
		if (s.n > 1)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "the judge's answer gives different scores (%g, then "
					      "%g): no verdict is read from it; it must answer "
					      "{\"score\": N, \"reason\": \"...\"} alone",
					      s.v[0], s.v[1]);
		if (!s.n)
			return no_verdict(err, "score", text,
					  "{\"score\": N, \"reason\": \"...\"}");
		raw = s.v[0];
		cJSON *r = first_object(text, "reason", cJSON_IsString);
		if (r)
			copy_text(v->reason, sizeof(v->reason),
				  cJSON_GetObjectItemCaseSensitive(r, "reason")->valuestring);
		cJSON_Delete(r);
	}
	if (!(raw >= (double)lo && raw <= (double)hi))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "the judge's score %g is off its scale %ld-%ld", raw, lo, hi);
	if (raw != floor(raw)) /* 4.9999 is not a 5 */
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "the judge's score %.17g is not a whole number of its scale "
				      "%ld-%ld",
				      raw, lo, hi);
	v->raw = raw;
	v->score = (raw - (double)lo) / (double)(hi - lo);
	return 0;
}

/*
 * Data shown to a judge cannot close the rubric's delimiters: "</" is written "<\/" (a
 * rubric that puts the output between <answer> and </answer> keeps it there), and the
 * variable "boundary" is a token no data holds (the first 16 hex digits of the SHA-256 of
 * all of it), for rubrics that delimit with it.  Deterministic, so a verdict stays cached.
 */
static char *neutral(const char *s)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++) {
		llmops_buf_addch(&b, *p);
		if (p[0] == '<' && p[1] == '/')
			llmops_buf_addch(&b, '\\');
	}
	return b.oom ? (llmops_buf_release(&b), NULL) : llmops_buf_detach(&b, NULL);
}

static int add_neutral(cJSON *o, const char *key, const char *value)
{
	char *n = neutral(value);
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	int ok = n && cJSON_AddStringToObject(o, key, n);
	free(n);
	return ok ? 0 : -1;
}

/* Every string of o (the case's variables) neutral, and the boundary over them all. */
static int finish_vars(cJSON *o)
{
	cJSON *x;
	char hex[LLMOPS_SHA256_HEX_LEN + 1];
	cJSON_ArrayForEach (x, o)
		if (cJSON_IsString(x) && strstr(x->valuestring, "</")) {
			char *n = neutral(x->valuestring);
			if (!n || !cJSON_SetValuestring(x, n)) {
				free(n);
				return -1;
			}
			free(n);
		}
	char *text = cJSON_PrintUnformatted(o);
	if (!text)
		return -1;
	llmops_sha256_hex(hex, text, strlen(text));
	cJSON_free(text);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "boundary");
	return cJSON_AddStringToObject(o, "boundary", (hex[16] = 0, hex)) ? 0 : -1;
}

cJSON *llmops_judge_vars(const cJSON *vars, const char *input_text, const char *output,
			 const char *expected)
{
	cJSON *o = cJSON_IsObject(vars) ? cJSON_Duplicate(vars, 1) : cJSON_CreateObject();
	if (!o)
		return NULL;
	int rc = 0;
	if (!cJSON_GetObjectItemCaseSensitive(o, "input"))
		rc |= add_neutral(o, "input", input_text ? input_text : "");
	rc |= add_neutral(o, "output", output);
	rc |= add_neutral(o, "expected", expected);
	if (!cJSON_GetObjectItemCaseSensitive(o, "context"))
		rc |= add_neutral(o, "context", "");
	rc |= finish_vars(o);
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* f becomes a strict json_schema response format named name: its object schema,
   whose "properties" object is *props (NULL when out of memory). */
static cJSON *schema_format(cJSON *f, const char *name, cJSON **props)
{
	cJSON *js, *schema;
	cJSON_AddStringToObject(f, "type", "json_schema");
	js = cJSON_AddObjectToObject(f, "json_schema");
	cJSON_AddStringToObject(js, "name", name);
	cJSON_AddBoolToObject(js, "strict", 1);
	schema = cJSON_AddObjectToObject(js, "schema");
	cJSON_AddStringToObject(schema, "type", "object");
	*props = cJSON_AddObjectToObject(schema, "properties");
	return schema;
}

cJSON *llmops_verdict_format(long lo, long hi)
{
	cJSON *f = cJSON_CreateObject(), *props, *score, *reason, *req;
	cJSON *schema = schema_format(f, "llmops_verdict", &props);
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

/* ------------------------------------------------------------ preference */

/* "A", "answer a", "Output B", "tie"...: LLMOPS_PREFER_* , or -1. */
static int winner_word(const char *s, size_t n)
{
	static const char *const ties[] = {"tie", "equal", "both", "neither", "none", "draw"};
	static const char *const lead[] = {"answer", "output", "response", "assistant"};
	while (n && (isspace((unsigned char)*s) || *s == '"' || *s == '\'' || *s == '*')) {
		s++;
		n--;
	}
	while (n && (isspace((unsigned char)s[n - 1]) || strchr("\"'*.,;", s[n - 1])))
		n--;
	for (size_t i = 0; i < sizeof(lead) / sizeof(*lead); i++) {
		size_t k = strlen(lead[i]);
		if (n > k && !strncasecmp(s, lead[i], k) && isspace((unsigned char)s[k])) {
			s += k;
			n -= k;
			while (n && isspace((unsigned char)*s)) {
				s++;
				n--;
			}
			break;
		}
	}
	if (n == 1 && (*s == 'A' || *s == 'a'))
		return LLMOPS_PREFER_A;
	if (n == 1 && (*s == 'B' || *s == 'b'))
		return LLMOPS_PREFER_B;
	for (size_t i = 0; i < sizeof(ties) / sizeof(*ties); i++)
		if (n == strlen(ties[i]) && !strncasecmp(s, ties[i], n))
			return LLMOPS_PREFER_TIE;
	return -1;
}

int llmops_preference_parse(const char *text, struct llmops_preference *p, struct llmops_err *err)
{
	memset(p, 0, sizeof(*p));
	text = text ? text : "";
	cJSON *o = whole_object(text);
	const cJSON *win = cJSON_GetObjectItemCaseSensitive(o, "winner");
	struct seen s = {{0}, 0};
	int w;
	if (cJSON_IsString(win)) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reason");
		w = winner_word(win->valuestring, strlen(win->valuestring));
		if (w < 0) {
			char said[40];
			copy_text(said, sizeof(said), win->valuestring);
			cJSON_Delete(o);
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "the judge's winner '%s' is none of A, B and tie",
					      said);
		}
		if (cJSON_IsString(r))
			copy_text(p->reason, sizeof(p->reason), r->valuestring);
		cJSON_Delete(o);
		p->winner = w;
		return 0;
	}
	cJSON_Delete(o);
	/* no structured answer: every winner it names, which must be one */
	for (const char *q = strchr(text, '{'); q; q = strchr(q + 1, '{')) {
		cJSON *x = cJSON_ParseWithOpts(q, NULL, 0);
		const cJSON *y = cJSON_GetObjectItemCaseSensitive(x, "winner");
		if (cJSON_IsObject(x) && cJSON_IsString(y)) {
			int k = winner_word(y->valuestring, strlen(y->valuestring));
			saw(&s, k);
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(x, "reason");
			if (cJSON_IsString(r) && !p->reason[0])
				copy_text(p->reason, sizeof(p->reason), r->valuestring);
		}
		cJSON_Delete(x);
	}
	const char *line = text, *q;
	size_t n;
	while ((q = labelled(&line, "winner", &n)))
		saw(&s, winner_word(q, n));
	if (s.n > 1)
		return llmops_err_set(
			err, LLMOPS_E_INPUT,
			"the judge's answer names different winners: no verdict is "
			"read from it; it must answer {\"winner\": \"A\"|\"B\"|\"tie\", "
			"\"reason\": \"...\"} alone");
	if (!s.n || s.v[0] < 0)
		return no_verdict(err, "winner", text,
				  "{\"winner\": \"A\"|\"B\"|\"tie\", \"reason\": \"...\"}");
	p->winner = (int)s.v[0];
	return 0;
}

cJSON *llmops_preference_request_extra(void)
{
	cJSON *x = cJSON_CreateObject();
	cJSON *f = cJSON_AddObjectToObject(x, "response_format"), *props, *w, *e, *reason, *req;
	cJSON *schema = schema_format(f, "llmops_preference", &props);
	w = cJSON_AddObjectToObject(props, "winner");
	cJSON_AddStringToObject(w, "type", "string");
	e = cJSON_AddArrayToObject(w, "enum");
	cJSON_AddItemToArray(e, cJSON_CreateString("A"));
	cJSON_AddItemToArray(e, cJSON_CreateString("B"));
	cJSON_AddItemToArray(e, cJSON_CreateString("tie"));
	reason = cJSON_AddObjectToObject(props, "reason");
	cJSON_AddStringToObject(reason, "type", "string");
	req = cJSON_AddArrayToObject(schema, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString("winner"));
	cJSON_AddItemToArray(req, cJSON_CreateString("reason"));
	cJSON_AddBoolToObject(schema, "additionalProperties", 0);
	/* cJSON_Add* return NULL on allocation failure: the last one says whether all held */
	if (!req || !cJSON_GetArrayItem(req, 1)) {
		cJSON_Delete(x);
		return NULL;
	}
	return x;
}

cJSON *llmops_judge_pair_vars(const cJSON *vars, const char *input_text, const char *output_a,
			      const char *output_b, const char *expected)
{
	cJSON *o = llmops_judge_vars(vars, input_text, output_a, expected);
	if (!o)
		return NULL;
	int rc = add_neutral(o, "output_a", output_a) | add_neutral(o, "output_b", output_b) |
		 finish_vars(o);
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int llmops_preference_outcome(int own, int other, int *consistent)
{
	/* in the second order this output was B: its preference there, seen from this output */
	int own_first = own == LLMOPS_PREFER_A ? 1 : own == LLMOPS_PREFER_B ? -1 : 0;
	int own_second = other == LLMOPS_PREFER_B ? 1 : other == LLMOPS_PREFER_A ? -1 : 0;
	*consistent = own_first == own_second;
	return own_first == own_second ? own_first : 0;
}
