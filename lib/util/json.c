#include "json.h"

#include <math.h>

#include "strlist.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

struct scan {
	const char *s;	 /* the text */
	size_t len, pos; /* its length, the read position */
	const char *msg; /* first error, NULL while none */
	size_t at;	 /* where it is */
	char detail[96]; /* a message with the offending text in it */
};

static int fail(struct scan *sc, size_t at, const char *msg)
{
	if (!sc->msg) {
		sc->msg = msg;
		sc->at = at;
	}
	return -1;
}

static void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

static int peek(struct scan *sc)
{
	skip_ws(sc);
	return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits of the \\u escape at off into *u; -1 when they are not there. */
static int hex4(const struct scan *sc, size_t off, unsigned *u)
{
	*u = 0;
	for (size_t k = 2; k < 6; k++) {
		int h = off + k < sc->len ? hexval(sc->s[off + k]) : -1;

		if (h < 0)
			return -1;
		*u = *u * 16 + (unsigned)h;
	}
	return 0;
}

static int scan_string(struct scan *sc)
{
	size_t start = sc->pos++;

	while (sc->pos < sc->len) {
		unsigned char c = (unsigned char)sc->s[sc->pos];

		if (c == '"') {
			sc->pos++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, c == '\n' ? start : sc->pos,
				    c == '\n' ? "string runs past the end of the line; close it "
						"with '\"' or write a newline as \\n"
					      : "control character in string; escape it");
		if (c == '\\') {
			char e = sc->pos + 1 < sc->len ? sc->s[sc->pos + 1] : '\0';

			if (e == 'u') {
				unsigned u = 0;
				size_t at = sc->pos;

				if (hex4(sc, sc->pos, &u))
					return fail(sc, sc->pos, "'\\u' needs four hex digits");
				sc->pos += 6;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return fail(
						sc, at,
						"lone low surrogate in a \\u escape; a character "
						"above U+FFFF is written as a \\uD800-\\uDBFF "
						"\\uDC00-\\uDFFF pair");
				if (u >= 0xD800 && u <= 0xDBFF) {
					unsigned lo = 0;

					if (sc->pos + 1 >= sc->len || sc->s[sc->pos] != '\\' ||
					    sc->s[sc->pos + 1] != 'u' || hex4(sc, sc->pos, &lo) ||
					    lo < 0xDC00 || lo > 0xDFFF)
						return fail(
							sc, at,
							"lone high surrogate in a \\u escape; it "
							"must be followed by a \\uDC00-\\uDFFF "
							"escape (or write the character as UTF-8)");
					sc->pos += 6;
				}
				continue;
			}
			if (!e || !strchr("\"\\/bfnrt", e))
				return fail(sc, sc->pos,
					    "invalid escape; JSON knows \\\" \\\\ \\/ \\b \\f \\n "
					    "\\r \\t and \\uXXXX");
			sc->pos += 2;
			continue;
		}
		sc->pos++;
	}
	return fail(sc, start, "string is never closed; expected '\"'");
}

static int scan_number(struct scan *sc)
{
	size_t p = sc->pos, start = p;
	const char *s = sc->s;

	if (p < sc->len && s[p] == '-')
		p++;
	if (p < sc->len && s[p] == '0') {
		p++;
		if (p < sc->len && s[p] >= '0' && s[p] <= '9')
			return fail(sc, start, "malformed number: leading zeros are not allowed");
	} else if (p < sc->len && s[p] >= '1' && s[p] <= '9') {
		while (p < sc->len && s[p] >= '0' && s[p] <= '9')
			p++;
	} else {
		return fail(sc, start, "malformed number");
	}
	if (p < sc->len && s[p] == '.') {
		p++;
		if (p >= sc->len || s[p] < '0' || s[p] > '9')
			return fail(sc, start, "malformed number: digits must follow '.'");
		while (p < sc->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p < sc->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < sc->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= sc->len || s[p] < '0' || s[p] > '9')
			return fail(sc, start, "malformed number: digits must follow the exponent");
		while (p < sc->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	sc->pos = p;
	return 0;
}

static int scan_value(struct scan *sc, int depth);

static int scan_container(struct scan *sc, int depth, char close)
{
	int obj = close == '}', first = 1;

	sc->pos++; /* the '{' or '[' */
	for (;;) {
		int c = peek(sc);

		if (c == close && first) { /* empty; a ',' before close is caught below */
			sc->pos++;
			return 0;
		}
		if (obj) {
			if (c != '"')
				return fail(sc, sc->pos,
					    c < 0   ? "object is never closed; expected '}'"
					    : first ? "expected a string key or '}'"
						    : "expected a string key (keys are quoted "
						      "with \")");
			if (scan_string(sc))
				return -1;
			if (peek(sc) != ':')
				return fail(sc, sc->pos, "expected ':' after the key");
			sc->pos++;
		} else if (c < 0) {
			return fail(sc, sc->pos, "array is never closed; expected ']'");
		}
		if (scan_value(sc, depth + 1))
			return -1;
		c = peek(sc);
		if (c == close) {
			sc->pos++;
			return 0;
		}
		if (c != ',')
			return fail(sc, sc->pos,
				    obj ? (c < 0 ? "object is never closed; expected '}'"
						 : "expected ',' or '}' after an object member")
					: (c < 0 ? "array is never closed; expected ']'"
						 : "expected ',' or ']' after an array element"));
		sc->pos++;
		first = 0;
		if (peek(sc) == close)
			return fail(sc, sc->pos,
				    obj ? "trailing ',' before '}' is not allowed in JSON"
					: "trailing ',' before ']' is not allowed in JSON");
	}
}

static int scan_value(struct scan *sc, int depth)
{
	static const char *const words[] = {"true", "false", "null"};
	int c = peek(sc);

	if (depth > MAX_DEPTH)
		return fail(sc, sc->pos, "nested deeper than 512 levels");
	if (c < 0)
		return fail(sc, sc->pos, "unexpected end of file; expected a value");
	if (c == '{')
		return scan_container(sc, depth, '}');
	if (c == '[')
		return scan_container(sc, depth, ']');
	if (c == '"')
		return scan_string(sc);
	if (c == '-' || (c >= '0' && c <= '9'))
		return scan_number(sc);
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);

		if (sc->len - sc->pos >= n && !memcmp(sc->s + sc->pos, words[i], n)) {
			sc->pos += n;
			return 0;
		}
	}
	{
		size_t n = 0;

		while (sc->pos + n < sc->len && n < 20 &&
		       ((sc->s[sc->pos + n] >= 'a' && sc->s[sc->pos + n] <= 'z') ||
			(sc->s[sc->pos + n] >= 'A' && sc->s[sc->pos + n] <= 'Z')))
			n++;
		if (n) {
			snprintf(sc->detail, sizeof(sc->detail),
				 "unknown word '%.*s'; JSON values are strings in \"double "
				 "quotes\", "
				 "numbers, true, false and null",
				 (int)n, sc->s + sc->pos);
			return fail(sc, sc->pos, sc->detail);
		}
	}
	if (c == '\'')
		return fail(sc, sc->pos, "strings in JSON use double quotes, not single quotes");
	return fail(sc, sc->pos,
		    "expected a value (object, array, string, number, true, false "
		    "or null)");
}

/* The strict scan of text[0..len) whose first invalid UTF-8 byte is at bad (len: none). */
static int check_text(const char *text, size_t len, size_t bad, const char *label,
		      struct llmops_err *err)
{
	struct scan sc = {text, len, 0, NULL, 0, {0}};
	int line, col;
	if (bad < len) {
		llmops_text_pos(text, bad, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
				     "invalid UTF-8 (byte 0x%02x at offset %zu); save the file "
				     "as UTF-8",
				     (unsigned char)text[bad], bad);
	}
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		return llmops_err_at(err, LLMOPS_E_INPUT, label, 1, 1,
				     "file starts with a byte-order mark; save it as UTF-8 "
				     "without BOM");
	if (peek(&sc) < 0)
		return llmops_err_at(err, LLMOPS_E_INPUT, label, 1, 1,
				     "empty file; expected a JSON value");
	if (!scan_value(&sc, 0) && peek(&sc) >= 0)
		fail(&sc, sc.pos, "unexpected text after the JSON value");
	if (sc.msg) {
		llmops_text_pos(text, sc.at, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col, "%s", sc.msg);
	}
	return 0;
}

int llmops_json_check(const char *text, size_t len, const char *label, struct llmops_err *err)
{
	return check_text(text, len, llmops_utf8_invalid(text, len), label, err);
}

int llmops_json_array_each(const char *text, size_t len,
			   int (*fn)(void *ud, size_t start, size_t end), void *ud)
{
	struct scan sc = {text, len, 0, NULL, 0, {0}};
	if (peek(&sc) != '[')
		return -1;
	sc.pos++;
	if (peek(&sc) == ']')
		return 0;
	for (;;) {
		peek(&sc);
		size_t start = sc.pos;
		if (scan_value(&sc, 1))
			return -1;
		int rc = fn(ud, start, sc.pos);
		if (rc)
			return rc;
		int c = peek(&sc);
		if (c != ',')
			return c == ']' ? 0 : -1;
		sc.pos++;
	}
}

size_t llmops_json_find_nul(const char *text, size_t len)
{
	int in_string = 0;
	/* text is valid JSON: a backslash in a string always starts an escape, and outside
	   strings there is none */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"') {
			in_string = !in_string;
		} else if (in_string && text[i] == '\\') {
			if (i + 5 < len && text[i + 1] == 'u' && !memcmp(text + i + 2, "0000", 4))
				return i;
			i++; /* the escaped character (the rest of \uXXXX is plain hex) */
		}
	}
	return len;
}

const char *llmops_json_type_name(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "number";
}

long llmops_json_long(const cJSON *v, long lo, long hi, long dflt)
{
	double d;

	if (!cJSON_IsNumber(v))
		return dflt;
	d = v->valuedouble;
	/* !(a && b) is also true for NaN */
	if (!(d >= (double)lo && d <= (double)hi))
		return dflt;
	return (long)d;
}

int llmops_json_parse(cJSON **out, const char *text, size_t len, const char *label,
		      struct llmops_err *err)
{
	return llmops_json_parse_checked(out, text, len, llmops_utf8_invalid(text, len), label,
					 err);
}

int llmops_json_parse_checked(cJSON **out, const char *text, size_t len, size_t bad,
			      const char *label, struct llmops_err *err)
{
	int line, col, rc;

	*out = NULL;
	if ((rc = check_text(text, len, bad, label, err)))
		return rc;
	*out = cJSON_ParseWithLength(text, len);
	if (!*out) {
		const char *at = cJSON_GetErrorPtr();

		/* the scan above accepts only what cJSON does; should they ever
		   disagree, it is still the input that is at fault */
		if (at && at >= text && at <= text + len) {
			llmops_text_pos(text, (size_t)(at - text), &line, &col);
			return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
					     "cannot parse the JSON here");
		}
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory parsing '%s'", label);
	}
	return LLMOPS_OK;
}

/* With sc positioned at a value, move into the member or element named step. */
static int step_into(struct scan *sc, const char *step, int want_key)
{
	int c = peek(sc);

	if (c == '{') {
		size_t klen = strlen(step);

		sc->pos++;
		while (peek(sc) == '"') {
			size_t kstart = sc->pos + 1, kend;
			int match;

			if (scan_string(sc))
				return -1;
			kend = sc->pos - 1;
			/* Keys with escapes do not match; lock and config keys have none. */
			match = kend - kstart == klen && !memcmp(sc->s + kstart, step, klen);
			peek(sc);
			sc->pos++; /* ':' */
			if (match) {
				if (want_key)
					sc->pos = kstart - 1;
				else
					peek(sc);
				return 0;
			}
			if (scan_value(sc, 0))
				return -1;
			if (peek(sc) == ',')
				sc->pos++;
		}
		return -1;
	}
	if (c == '[') {
		char *end;
		long idx = strtol(step, &end, 10);

		if (*end || idx < 0)
			return -1;
		sc->pos++;
		for (long i = 0; peek(sc) != ']' && peek(sc) >= 0; i++) {
			if (i == idx)
				return 0;
			if (scan_value(sc, 0))
				return -1;
			if (peek(sc) == ',')
				sc->pos++;
		}
	}
	return -1;
}

void llmops_json_locate(const char *text, size_t len, const char *const *steps, size_t nsteps,
			int want_key, int *line, int *col)
{
	struct scan sc = {text, len, 0, NULL, 0, {0}};
	size_t found = 0;

	peek(&sc);
	found = sc.pos;
	for (size_t i = 0; i < nsteps; i++) {
		size_t here = sc.pos;

		if (step_into(&sc, steps[i], want_key && i + 1 == nsteps)) {
			sc.pos = here;
			break;
		}
		found = sc.pos;
	}
	llmops_text_pos(text, found, line, col);
}

size_t llmops_json_string_offset(const char *raw, size_t n, size_t d)
{
	struct scan sc = {raw, n, 0, NULL, 0, {0}};
	size_t r = 1, got = 0;
	unsigned u, lo;
	while (r < n && raw[r] != '"' && got < d) {
		if (raw[r] != '\\') {
			r++, got++;
		} else if (r + 1 < n && raw[r + 1] == 'u' && !hex4(&sc, r, &u)) {
			r += 6;
			if (u >= 0xD800 && u <= 0xDBFF && r + 1 < n && raw[r] == '\\' &&
			    raw[r + 1] == 'u' && !hex4(&sc, r, &lo)) {
				r += 6; /* a surrogate pair: one character, four bytes */
				got += 4;
			} else
				got += u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
		} else {
			r += 2, got++;
		}
	}
	return r;
}

int llmops_json_span(const char *text, size_t len, const char *const *steps, size_t nsteps,
		     size_t *start, size_t *end)
{
	struct scan sc = {text, len, 0, NULL, 0, {0}};
	peek(&sc);
	for (size_t i = 0; i < nsteps; i++)
		if (step_into(&sc, steps[i], 0))
			return -1;
	peek(&sc);
	*start = sc.pos;
	if (scan_value(&sc, 0))
		return -1;
	*end = sc.pos;
	return 0;
}

int llmops_json_add_string(struct llmops_buf *b, const char *s)
{
	llmops_buf_addch(b, '"');
	for (const char *p = s; *p; p++) {
		const char *run = p;
		while (*p && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			p++;
		llmops_buf_add(b, run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': llmops_buf_adds(b, "\\\""); break;
		case '\\': llmops_buf_adds(b, "\\\\"); break;
		case '\b': llmops_buf_adds(b, "\\b"); break;
		case '\f': llmops_buf_adds(b, "\\f"); break;
		case '\n': llmops_buf_adds(b, "\\n"); break;
		case '\r': llmops_buf_adds(b, "\\r"); break;
		case '\t': llmops_buf_adds(b, "\\t"); break;
		default: llmops_buf_addf(b, "\\u%04x", (unsigned char)*p); break;
		}
	}
	llmops_buf_addch(b, '"');
	return b->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
}

int llmops_json_add_number(struct llmops_buf *b, double x)
{
	char s[40];
	if (isnan(x) || isinf(x)) {
		llmops_buf_adds(b, "null");
		return b->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
	}
	snprintf(s, sizeof(s), "%1.15g", x);
	if (strtod(s, NULL) != x)
		snprintf(s, sizeof(s), "%1.17g", x);
	llmops_buf_adds(b, s);
	return b->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
}

static int scalar(const cJSON *v)
{
	return !cJSON_IsArray(v) && !cJSON_IsObject(v);
}

static void put(struct llmops_buf *b, const cJSON *v, int depth)
{
	const cJSON *x;
	if (cJSON_IsString(v))
		llmops_json_add_string(b, v->valuestring ? v->valuestring : "");
	else if (cJSON_IsNumber(v))
		llmops_json_add_number(b, v->valuedouble);
	else if (cJSON_IsBool(v))
		llmops_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsRaw(v))
		llmops_buf_adds(b, v->valuestring ? v->valuestring : "null");
	else if (scalar(v))
		llmops_buf_adds(b, "null");
	else if (!v->child)
		llmops_buf_adds(b, cJSON_IsArray(v) ? "[]" : "{}");
	else {
		int flat = cJSON_IsArray(v); /* a list of scalars stays on one line */
		for (x = v->child; flat && x; x = x->next)
			flat = scalar(x);
		llmops_buf_addch(b, cJSON_IsArray(v) ? '[' : '{');
		for (x = v->child; x; x = x->next) {
			if (flat) {
				if (x != v->child)
					llmops_buf_adds(b, ", ");
			} else {
				llmops_buf_adds(b, x != v->child ? ",\n" : "\n");
				for (int i = 0; i <= depth; i++)
					llmops_buf_adds(b, "  ");
			}
			if (cJSON_IsObject(v)) {
				llmops_json_add_string(b, x->string ? x->string : "");
				llmops_buf_adds(b, ": ");
			}
			put(b, x, depth + 1);
		}
		if (!flat) {
			llmops_buf_addch(b, '\n');
			for (int i = 0; i < depth; i++)
				llmops_buf_adds(b, "  ");
		}
		llmops_buf_addch(b, cJSON_IsArray(v) ? ']' : '}');
	}
}

char *llmops_json_print(const cJSON *v)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	put(&b, v, 0);
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL);
}

static int cmp_names(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* The first object under v (depth first) with a key twice: that key's item; steps (the
   caller's) the path to its object. */
static const cJSON *duplicate(const cJSON *v, struct llmops_strlist *steps)
{
	const cJSON *c;
	if (cJSON_IsObject(v) && v->child && v->child->next) {
		size_t n = 0, i = 0;
		cJSON_ArrayForEach (c, v)
			n++;
		const cJSON **items = malloc(n * sizeof(*items));
		const cJSON *dup = NULL;
		if (items) {
			cJSON_ArrayForEach (c, v)
				items[i++] = c;
			qsort(items, n, sizeof(*items), cmp_names);
			for (i = 1; i < n && !dup; i++)
				if (!cmp_names(&items[i - 1], &items[i]))
					dup = items[i];
			free(items);
		}
		if (dup)
			return dup;
	}
	int k = 0;
	cJSON_ArrayForEach (c, v) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%d", k++);
		llmops_strlist_append(steps, cJSON_IsObject(v) ? c->string : idx);
		const cJSON *d = duplicate(c, steps);
		if (d)
			return d;
		free(steps->items[--steps->nr]);
		steps->items[steps->nr] = NULL;
	}
	return NULL;
}

int llmops_json_check_strict(const cJSON *root, const char *text, size_t len, const char *label,
			     struct llmops_err *err)
{
	int line, col;
	size_t nul = llmops_json_find_nul(text, len);
	if (nul < len) {
		llmops_text_pos(text, nul, &line, &col);
		return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col,
				     "a string holds \\u0000 (NUL), which C readers take as its "
				     "end: refused");
	}
	struct llmops_strlist steps = LLMOPS_STRLIST_INIT;
	const cJSON *d = duplicate(root, &steps);
	int rc = 0;
	if (d) {
		llmops_json_locate(text, len, (const char *const *)steps.items, steps.nr, 0, &line,
				   &col);
		rc = llmops_err_at(
			err, LLMOPS_E_INPUT, label, line, col,
			"this object has the key \"%s\" twice (readers disagree on which "
			"one counts): refused",
			d->string ? d->string : "");
	}
	llmops_strlist_release(&steps);
	return rc;
}

void llmops_json_add_nums(cJSON *o, const struct llmops_json_num *nums, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (isnan(nums[i].value))
			cJSON_AddNullToObject(o, nums[i].key);
		else
			cJSON_AddNumberToObject(o, nums[i].key, nums[i].value);
	}
}
