/*
 * assertions.c - the pass/fail checks of assertions.h.
 */
#include "assertions.h"

#include "assert_tools.h"

#include "detect.h"
#include "jsonschema.h"
#include "suggest.h"
#include "utf8.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const llmops_assert_names[] = {
	"equals",	   "contains",	    "not_contains",   "regex",	     "is_json",
	"json_schema",	   "max_tokens",    "max_latency_ms", "max_cost",    "no_secret",
	"no_pii",	   "moderation",    "refusal",	      "not_refusal", "tool_called",
	"tool_not_called", "tool_sequence", "max_steps",      NULL,
};
_Static_assert(sizeof(llmops_assert_names) / sizeof(llmops_assert_names[0]) ==
		       LLMOPS_ASSERT_COUNT + 1,
	       "a name for every assertion type");

void llmops_assertions_release(struct llmops_assertions *as)
{
	if (!as)
		return;
	for (size_t i = 0; i < as->n; i++) {
		cJSON_Delete(as->a[i].value);
		pcre2_code_free(as->a[i].re);
	}
	free(as->a);
	as->a = NULL;
	as->n = 0;
}

static int is_string_or_list(const cJSON *v)
{
	const cJSON *x;
	if (cJSON_IsString(v))
		return 1;
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v))
		return 0;
	cJSON_ArrayForEach (x, v)
		if (!cJSON_IsString(x))
			return 0;
	return 1;
}

/* The detect.h mask of no_pii's value (a kind or a list of kinds); 0 for an unknown one. */
static unsigned pii_kinds(const cJSON *v)
{
	static const int kinds[] = {LLMOPS_DETECT_EMAIL, LLMOPS_DETECT_PHONE, LLMOPS_DETECT_CARD};
	unsigned mask = 0;
	const cJSON *x = cJSON_IsString(v) ? v : v->child;
	for (; x; x = cJSON_IsString(v) ? NULL : x->next) {
		unsigned one = 0;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strcmp(x->valuestring, llmops_detection_name(kinds[k])))
				one = 1u << kinds[k];
		if (!one)
			return 0;
		mask |= one;
	}
	return mask;
}

/* The assertion type named (a->type), or an error naming the nearest and every known one. */
static int parse_type(struct llmops_assertion *a, const cJSON *type, const char *where, int idx,
		      struct llmops_err *err)
{
	for (int t = 0; llmops_assert_names[t]; t++)
		if (!strcmp(type->valuestring, llmops_assert_names[t]))
			a->type = t;
	if (a->type < 0) {
		struct llmops_strlist near = LLMOPS_STRLIST_INIT;
		llmops_suggest(&near, type->valuestring, llmops_assert_names, LLMOPS_ASSERT_COUNT);
		struct llmops_buf known = LLMOPS_BUF_INIT;
		for (int t = 0; llmops_assert_names[t]; t++)
			llmops_buf_addf(&known, "%s%s", t ? ", " : "", llmops_assert_names[t]);
		llmops_err_set(err, LLMOPS_E_INPUT,
			       "%s: assert[%d]: unknown type '%s'%s%s%s (known: %s)", where, idx,
			       type->valuestring, near.nr ? "; did you mean '" : "",
			       near.nr ? near.items[0] : "", near.nr ? "'?" : "",
			       known.data ? known.data : "");
		llmops_buf_release(&known);
		llmops_strlist_release(&near);
		return LLMOPS_E_INPUT;
	}
	return 0;
}

/* The keys every assertion may have: only known ones, "turn" and "ignore_case". */
static int parse_common(struct llmops_assertion *a, const cJSON *item, const char *where, int idx,
			struct llmops_err *err)
{
	const cJSON *ic =
		cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "ignore_case") : NULL;
	const cJSON *k;
	const char *tn = llmops_assert_names[a->type];
	if (cJSON_IsObject(item))
		cJSON_ArrayForEach (k, item)
			if (strcmp(k->string, "type") && strcmp(k->string, "value") &&
			    strcmp(k->string, "ignore_case") && strcmp(k->string, "strict") &&
			    strcmp(k->string, "turn"))
				return llmops_err_set(
					err, LLMOPS_E_INPUT,
					"%s: assert[%d] (%s): unknown key '%s' "
					"(known: type, value, ignore_case, strict, turn)",
					where, idx, tn, k->string);
	const cJSON *turn =
		cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "turn") : NULL;
	if (turn && (!cJSON_IsNumber(turn) || turn->valuedouble < 1 || turn->valuedouble > 1000 ||
		     turn->valuedouble != (int)turn->valuedouble))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: assert[%d] (%s): \"turn\" is the turn whose answer it "
				      "checks, from 1",
				      where, idx, tn);
	a->turn = turn ? (int)turn->valuedouble : 0;
	if (ic && !cJSON_IsBool(ic))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: assert[%d] (%s): ignore_case must be true or false",
				      where, idx, tn);
	a->ignore_case = cJSON_IsTrue(ic);
	return 0;
}

/* The "value" each type takes (and a tool check's "strict"). */
static int parse_value(struct llmops_assertion *a, const cJSON *item, const cJSON *value,
		       const char *where, int idx, struct llmops_err *err)
{
	const char *tn = llmops_assert_names[a->type];
	switch (a->type) {
	case LLMOPS_ASSERT_EQUALS:
	case LLMOPS_ASSERT_REGEX:
		if (!cJSON_IsString(value))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (%s): \"value\" must be a string",
					      where, idx, tn);
		break;
	case LLMOPS_ASSERT_CONTAINS:
	case LLMOPS_ASSERT_NOT_CONTAINS:
		if (!is_string_or_list(value))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (%s): \"value\" must be a string or "
					      "a non-empty list of strings",
					      where, idx, tn);
		break;
	case LLMOPS_ASSERT_IS_JSON: break;
	case LLMOPS_ASSERT_REFUSAL:
	case LLMOPS_ASSERT_NOT_REFUSAL:
		if (value)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (%s): takes no \"value\"", where, idx,
					      tn);
		break;
	case LLMOPS_ASSERT_NO_SECRET:
		if (value)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (no_secret): takes no \"value\"",
					      where, idx);
		a->kinds = LLMOPS_DETECT_SECRETS;
		break;
	case LLMOPS_ASSERT_MODERATION: {
		const cJSON *t;
		int ok = !value || (cJSON_IsObject(value) && value->child);
		if (ok && value)
			cJSON_ArrayForEach (t, value)
				ok &= cJSON_IsNumber(t) && t->valuedouble >= 0 &&
				      t->valuedouble <= 1;
		if (!ok)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (moderation): \"value\" must be an "
					      "object of category thresholds in [0, 1] "
					      "({\"harassment\": 0.7}, \"any\" for every category)",
					      where, idx);
		break;
	}
	case LLMOPS_ASSERT_NO_PII:
		if (!value) {
			a->kinds = LLMOPS_DETECT_PII;
			break;
		}
		if (!is_string_or_list(value) || !(a->kinds = pii_kinds(value)))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (no_pii): \"value\" must be one of "
					      "email, phone, card, or a list of them",
					      where, idx);
		break;
	case LLMOPS_ASSERT_TOOL_CALLED:
	case LLMOPS_ASSERT_TOOL_NOT_CALLED:
	case LLMOPS_ASSERT_TOOL_SEQUENCE:
	case LLMOPS_ASSERT_MAX_STEPS: {
		const cJSON *strict = cJSON_IsObject(item)
					      ? cJSON_GetObjectItemCaseSensitive(item, "strict")
					      : NULL;
		int rc = llmops_assert_tools_parse(a->type, value, strict, where, idx, err);
		if (rc)
			return rc;
		a->strict = cJSON_IsTrue(strict);
		break;
	}
	case LLMOPS_ASSERT_JSON_SCHEMA: {
		struct llmops_err e2 = {0};
		if (!value)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (json_schema): \"value\" must be the "
					      "schema",
					      where, idx);
		if (llmops_schema_check(value, &e2))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%d] (json_schema): %s", where, idx,
					      e2.msg);
		break;
	}
	default: /* the max_ checks */
		if (!cJSON_IsNumber(value) || value->valuedouble < 0)
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"%s: assert[%d] (%s): \"value\" must be a number >= 0", where, idx,
				tn);
		break;
	}
	return 0;
}

/* The regex assertion's pattern, compiled once. */
static int compile_regex(struct llmops_assertion *a, const cJSON *value, const char *where, int idx,
			 struct llmops_err *err)
{
	int ec;
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | (a->ignore_case ? PCRE2_CASELESS : 0);
	a->re = pcre2_compile((PCRE2_SPTR)value->valuestring, PCRE2_ZERO_TERMINATED, opts, &ec,
			      &off, NULL);
	if (!a->re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: assert[%d] (regex): invalid pattern '%s' at "
				      "offset %zu: %s",
				      where, idx, value->valuestring, (size_t)off,
				      (const char *)msg);
	}
	return 0;
}

static int parse_one(struct llmops_assertion *a, const cJSON *item, const char *where, int idx,
		     struct llmops_err *err)
{
	const cJSON *type =
		cJSON_IsString(item) ? item : cJSON_GetObjectItemCaseSensitive(item, "type");
	const cJSON *value =
		cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "value") : NULL;
	int rc;
	memset(a, 0, sizeof(*a));
	a->type = -1;
	if (!cJSON_IsString(type))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: assert[%d]: must be an object with a \"type\" string",
				      where, idx);
	if ((rc = parse_type(a, type, where, idx, err)) ||
	    (rc = parse_common(a, item, where, idx, err)) ||
	    (rc = parse_value(a, item, value, where, idx, err)))
		return rc;
	if (value && !(a->value = cJSON_Duplicate(value, 1)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	return a->type == LLMOPS_ASSERT_REGEX ? compile_regex(a, value, where, idx, err) : 0;
}

int llmops_assertions_has(const struct llmops_assertions *as, int type)
{
	for (size_t i = 0; as && i < as->n; i++)
		if (as->a[i].type == type)
			return 1;
	return 0;
}

int llmops_assertions_parse(struct llmops_assertions *out, const cJSON *list, const char *where,
			    struct llmops_err *err)
{
	const cJSON *item;
	int idx = 0;
	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		list = NULL;
	if (!list)
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: \"assert\" must be a list", where);
	cJSON_ArrayForEach (item, list) {
		struct llmops_assertion *a = realloc(out->a, (out->n + 1) * sizeof(*a));
		if (!a)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		out->a = a;
		int rc = parse_one(&a[out->n], item, where, idx++, err);
		out->n++;
		if (rc)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- checks */

/* s case-folded (malloc'd), or NULL. */
static char *fold(const char *s, size_t len)
{
	utf8proc_uint8_t *o = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &o,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
		return NULL;
	return (char *)o;
}

static int contains(const char *hay, size_t hlen, const char *needle, int ic)
{
	if (!ic)
		return memmem(hay, hlen, needle, strlen(needle)) != NULL;
	char *h = fold(hay, hlen), *n = fold(needle, strlen(needle));
	int r = h && n ? strstr(h, n) != NULL : memmem(hay, hlen, needle, strlen(needle)) != NULL;
	free(h);
	free(n);
	return r;
}

static int equals(const char *a, size_t alen, const char *b, int ic)
{
	if (!ic)
		return alen == strlen(b) && !memcmp(a, b, alen);
	char *x = fold(a, alen), *y = fold(b, strlen(b));
	int r = x && y && !strcmp(x, y);
	free(x);
	free(y);
	return r;
}

static void quote(struct llmops_buf *why, const char *s)
{
	size_t n = strlen(s);
	llmops_buf_addf(why, "'%.*s%s'", (int)(n > 60 ? 60 : n), s, n > 60 ? "..." : "");
}

/* What a guard found: kinds and places, never values. */
struct found {
	const char *tn, *out;
	struct llmops_buf *why;
	struct llmops_text_cursor cur;
	int n;
};

static int found_one(const struct llmops_detection *d, void *ud)
{
	struct found *f = ud;
	int line, col;
	if (f->n++ >= 5)
		return 0; /* the count says the rest */
	llmops_text_cursor_pos(&f->cur, f->out, d->off, &line, &col);
	llmops_buf_addf(f->why, "%s%s%s at %d:%d", f->n > 1 ? ", " : "", d->what,
			d->kind == LLMOPS_DETECT_CARD ? " card number" : "", line, col);
	return 0;
}

/* no_secret, no_pii: 1 when the output holds none of a's kinds, 0 (why says what and where,
   never the value) or -1 (out of memory). */
static int guard(const struct llmops_assertion *a, const char *tn, const char *out, size_t len,
		 struct llmops_buf *why)
{
	struct llmops_buf found = LLMOPS_BUF_INIT;
	struct found f = {tn, out, &found, LLMOPS_TEXT_CURSOR_INIT, 0};
	size_t bad = llmops_utf8_invalid(out, len);
	if (bad < len) {
		llmops_buf_addf(why,
				"%s: the output is not valid UTF-8 (at byte %zu), so it cannot be "
				"checked",
				tn, bad);
		return 0;
	}
	if (llmops_detect(out, 0, len, a->kinds, found_one, &f) || found.oom) {
		llmops_buf_release(&found);
		return -1;
	}
	if (f.n) {
		llmops_buf_addf(why, "%s: %s", tn, found.data);
		if (f.n > 5)
			llmops_buf_addf(why, " and %d more", f.n - 5);
	}
	llmops_buf_release(&found);
	return f.n == 0;
}

/* The threshold of category c under a (its own, else "any", else 0.5 without a value); < 0:
   c is not checked. */
static double threshold_of(const struct llmops_assertion *a, const char *c)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(a->value, c);
	if (!a->value)
		return 0.5;
	if (!t)
		t = cJSON_GetObjectItemCaseSensitive(a->value, "any");
	return cJSON_IsNumber(t) ? t->valuedouble : -1;
}

/* moderation: every category of scores under its threshold (1), else 0 with the categories
   over theirs in why. */
static int moderated(const struct llmops_assertion *a, const cJSON *scores, struct llmops_buf *why)
{
	const cJSON *x;
	int over = 0;
	if (!cJSON_IsObject(scores)) {
		llmops_buf_adds(why, "moderation: no moderation answer to check");
		return 0;
	}
	cJSON_ArrayForEach (x, a->value) /* a category the endpoint does not score */
		if (strcmp(x->string, "any") &&
		    !cJSON_GetObjectItemCaseSensitive(scores, x->string)) {
			struct llmops_buf has = LLMOPS_BUF_INIT;
			const cJSON *y;
			cJSON_ArrayForEach (y, scores)
				llmops_buf_addf(&has, "%s%s", has.len ? ", " : "", y->string);
			llmops_buf_addf(why,
					"moderation: the endpoint has no category '%s' (it has: "
					"%s)",
					x->string, has.data ? has.data : "none");
			llmops_buf_release(&has);
			return 0;
		}
	cJSON_ArrayForEach (x, scores) {
		double t = threshold_of(a, x->string);
		if (t < 0 || !cJSON_IsNumber(x) || x->valuedouble < t)
			continue;
		llmops_buf_addf(why, "%s%s %.2f >= %.2f", over++ ? ", " : "moderation: ", x->string,
				x->valuedouble, t);
	}
	return over == 0;
}

/* is_json and json_schema: the output is one JSON value (that the schema accepts). */
static int check_json(const struct llmops_assertion *a, const char *out, size_t len, const char *tn,
		      struct llmops_buf *why)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(out, len, &end, 0);
	while (doc && end && end < out + len && strchr(" \t\r\n", *end) && *end)
		end++;
	if (doc && end && end < out + len) { /* something after the value */
		cJSON_Delete(doc);
		doc = NULL;
	}
	if (!doc) {
		llmops_buf_addf(why, "%s: the output is not JSON (at byte %zu)", tn,
				end && end >= out ? (size_t)(end - out) : (size_t)0);
		return 0;
	}
	int ok = 1;
	if (a->type == LLMOPS_ASSERT_JSON_SCHEMA) {
		struct llmops_buf w = LLMOPS_BUF_INIT;
		ok = llmops_schema_validate(a->value, doc, &w);
		if (ok == 0)
			llmops_buf_addf(why, "json_schema: %s", w.data ? w.data : "invalid");
		llmops_buf_release(&w);
	}
	cJSON_Delete(doc);
	return ok;
}

/* contains and not_contains: each string of the value found (or none of them). */
static int check_contains(const struct llmops_assertion *a, const char *out, size_t len,
			  const char *tn, struct llmops_buf *why)
{
	const cJSON *x;
	int want = a->type == LLMOPS_ASSERT_CONTAINS;
	const cJSON *v = a->value;
	if (cJSON_IsString(v)) {
		if (contains(out, len, v->valuestring, a->ignore_case) == want)
			return 1;
		llmops_buf_addf(why, "%s ", tn);
		quote(why, v->valuestring);
		llmops_buf_adds(why, want ? ": not found" : ": found");
		return 0;
	}
	cJSON_ArrayForEach (x, v)
		if (contains(out, len, x->valuestring, a->ignore_case) != want) {
			llmops_buf_addf(why, "%s ", tn);
			quote(why, x->valuestring);
			llmops_buf_adds(why, want ? ": not found" : ": found");
			return 0;
		}
	return 1;
}

static int check_one(const struct llmops_assertion *a, const struct llmops_observation *o,
		     struct llmops_buf *why)
{
	const char *out = o->output ? o->output : "";
	size_t len = o->output ? o->len : 0;
	const char *tn = llmops_assert_names[a->type];
	double lim = cJSON_IsNumber(a->value) ? a->value->valuedouble : 0;

	switch (a->type) {
	case LLMOPS_ASSERT_EQUALS:
		if (equals(out, len, a->value->valuestring, a->ignore_case))
			return 1;
		llmops_buf_adds(why, "equals ");
		quote(why, a->value->valuestring);
		llmops_buf_adds(why, ": the output differs");
		return 0;
	case LLMOPS_ASSERT_CONTAINS:
	case LLMOPS_ASSERT_NOT_CONTAINS: return check_contains(a, out, len, tn, why);
	case LLMOPS_ASSERT_REGEX: {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(a->re, NULL);
		if (!md)
			return -1;
		int r = pcre2_match(a->re, (PCRE2_SPTR)out, len, 0, 0, md, NULL);
		pcre2_match_data_free(md);
		if (r >= 0)
			return 1;
		llmops_buf_adds(why, "regex ");
		quote(why, a->value->valuestring);
		llmops_buf_adds(why, r == PCRE2_ERROR_NOMATCH ? ": no match"
							      : ": the output is not valid UTF-8");
		return 0;
	}
	case LLMOPS_ASSERT_IS_JSON:
	case LLMOPS_ASSERT_JSON_SCHEMA: return check_json(a, out, len, tn, why);
	case LLMOPS_ASSERT_MAX_TOKENS:
		if (o->tokens_out < 0 || (double)o->tokens_out <= lim)
			return 1;
		llmops_buf_addf(why, "max_tokens %g: the output has %ld", lim, o->tokens_out);
		return 0;
	case LLMOPS_ASSERT_MAX_LATENCY_MS:
		if (isnan(o->latency_ms) || o->latency_ms <= lim)
			return 1;
		llmops_buf_addf(why, "max_latency_ms %g: took %.0f ms", lim, o->latency_ms);
		return 0;
	case LLMOPS_ASSERT_MAX_COST:
		if (isnan(o->cost_usd) || o->cost_usd <= lim)
			return 1;
		llmops_buf_addf(why, "max_cost %g: cost $%.6f", lim, o->cost_usd);
		return 0;
	case LLMOPS_ASSERT_NO_SECRET:
	case LLMOPS_ASSERT_NO_PII: return guard(a, tn, out, len, why);
	case LLMOPS_ASSERT_MODERATION: return moderated(a, o->moderation, why);
	case LLMOPS_ASSERT_TOOL_CALLED:
	case LLMOPS_ASSERT_TOOL_NOT_CALLED:
	case LLMOPS_ASSERT_TOOL_SEQUENCE:
	case LLMOPS_ASSERT_MAX_STEPS:
		return llmops_assert_tools_check(a, o->tool_calls, o->steps > 0 ? o->steps : 1,
						 why);
	case LLMOPS_ASSERT_REFUSAL:
	case LLMOPS_ASSERT_NOT_REFUSAL: {
		int want = a->type == LLMOPS_ASSERT_REFUSAL;
		if (o->refused == want)
			return 1;
		if (o->refused < 0)
			llmops_buf_addf(why, "%s: no refusal verdict to check", tn);
		else
			llmops_buf_addf(why, "%s: the output %s%s%s%s", tn,
					want ? "does not refuse" : "refuses",
					o->refusal_why && *o->refusal_why ? " (the judge: " : "",
					o->refusal_why ? o->refusal_why : "",
					o->refusal_why && *o->refusal_why ? ")" : "");
		return 0;
	}
	default: return 1;
	}
}

int llmops_assertions_max_turn(const struct llmops_assertions *as)
{
	int t = 0;
	for (size_t i = 0; as && i < as->n; i++)
		t = as->a[i].turn > t ? as->a[i].turn : t;
	return t;
}

int llmops_assertions_check(const struct llmops_assertions *as, const struct llmops_observation *o,
			    struct llmops_buf *why)
{
	return llmops_assertions_check_turn(as, o, 0, why);
}

int llmops_assertions_check_turn(const struct llmops_assertions *as,
				 const struct llmops_observation *o, int turn,
				 struct llmops_buf *why)
{
	struct llmops_buf one = LLMOPS_BUF_INIT;
	int failed = 0;
	for (size_t i = 0; as && i < as->n; i++) {
		if (as->a[i].turn != turn)
			continue;
		llmops_buf_reset(&one);
		if (turn)
			llmops_buf_addf(&one, "turn %d: ", turn);
		int r = check_one(&as->a[i], o, &one);
		if (r < 0) {
			failed = -1;
			break;
		}
		if (r == 0) {
			if (why->len)
				llmops_buf_adds(why, "; ");
			llmops_buf_add(why, one.data ? one.data : "", one.len);
			failed++;
		}
	}
	llmops_buf_release(&one);
	return failed;
}
