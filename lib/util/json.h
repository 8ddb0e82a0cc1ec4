/*
 * json.h - JSON files with positions: syntax errors and semantic errors
 * that name the file, line and column, on top of cJSON.
 *
 * cJSON parses; it does not say where a value is or what it expected, so
 * a small strict scanner runs first: it reports the first syntax error
 * with a message that says what was expected, and it can find the line
 * and column of any value by its path afterwards.
 */
#ifndef LLMOPS_JSON_H
#define LLMOPS_JSON_H

#include "error.h"

#include "buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * Parse text[0..len) (strict RFC 8259 JSON, UTF-8).  On success *out is
 * the caller's (cJSON_Delete it).  Errors: LLMOPS_E_INPUT with
 * "label:line:col: what was expected", LLMOPS_E_NOMEM.
 */
/* JSON Schema's name of v's type: "object", "array", "string", "boolean",
   "null" or "number" (static). */
const char *llmops_json_type_name(const cJSON *v);

/*
 * v's number truncated to an integer when v is a number in [lo, hi], else
 * dflt.  Never casts a value out of range (or NaN): a huge or negative
 * number from a file or a server gives dflt, not undefined behaviour.
 * hi must be at most LONG_MAX / 2 (LONG_MAX itself rounds up as a double).
 */
long llmops_json_long(const cJSON *v, long lo, long hi, long dflt);

/*
 * Parse text (len bytes, valid JSON in UTF-8) into *out (the caller's:
 * cJSON_Delete), or an error at label:line:col: invalid UTF-8, a
 * byte-order mark, an empty text, a syntax error, a lone surrogate escape.
 */
int llmops_json_parse(cJSON **out, const char *text, size_t len, const char *label,
		      struct llmops_err *err);
/* The same, for a text whose first invalid UTF-8 byte is known to be at bad
   (len when it is all valid): a caller that checked the text already. */
int llmops_json_parse_checked(cJSON **out, const char *text, size_t len, size_t bad,
			      const char *label, struct llmops_err *err);

/*
 * llmops_json_parse without the tree: 0 when text[0..len) is one valid JSON
 * value in UTF-8, else LLMOPS_E_INPUT at label:line:col.  Linear time, no
 * allocation: for a file that is then read a part at a time.
 */
int llmops_json_check(const char *text, size_t len, const char *label, struct llmops_err *err);

/*
 * The elements of the array that text[0..len) is (valid JSON: checked
 * before), in order, as fn(ud, start, end) with text[start, end) the
 * element's own text; linear time, nothing allocated.  0, fn's non-zero
 * return, or -1 when the value is not an array.
 */
int llmops_json_array_each(const char *text, size_t len,
			   int (*fn)(void *ud, size_t start, size_t end), void *ud);

/* The offset of the first \u0000 escape in a string of text[0..len) (valid JSON), or len. */
size_t llmops_json_find_nul(const char *text, size_t len);

/*
 * What a reader that trusts no file asks beyond RFC 8259 of root, parsed from
 * text[0..len): no object with a key twice (readers disagree on which one
 * wins: cJSON the first, Python and JavaScript the last), and no \u0000 in a
 * string (C readers stop there, so what is hashed is not what is loaded).
 * 0, or LLMOPS_E_INPUT at label:line:col (a duplicate key: its path).
 */
int llmops_json_check_strict(const cJSON *root, const char *text, size_t len, const char *label,
			     struct llmops_err *err);

/*
 * Where the decoded byte d of the JSON string raw[0, n) (raw[0] its
 * opening quote) is written in raw: escapes (\n, \", \uXXXX, surrogate
 * pairs) counted as the bytes they decode to; the closing quote (or n) when
 * d is past the string.
 */
size_t llmops_json_string_offset(const char *raw, size_t n, size_t d);

/*
 * The bytes text[*start, *end) of the value at a path (steps as for
 * llmops_json_locate), in text that must be valid JSON: 0, or -1 when the
 * path does not exist.
 */
int llmops_json_span(const char *text, size_t len, const char *const *steps, size_t nsteps,
		     size_t *start, size_t *end);

/*
 * Where the value at a path is in text (which must be valid JSON): steps
 * are object keys, or decimal indices for arrays.  With want_key, the
 * position of the last step's key instead of its value.  When the path
 * does not exist, the position of the deepest part that does.
 */
void llmops_json_locate(const char *text, size_t len, const char *const *steps, size_t nsteps,
			int want_key, int *line, int *col);

/*
 * v as indented JSON text: two spaces a level, "key": value, a list of
 * scalars on one line, {} and [] when empty, numbers with the digits that
 * read back exactly; malloc'd, the caller frees; NULL when out of memory.
 */
char *llmops_json_print(const cJSON *v);

/*
 * Append x as a JSON number: 15 significant digits when they read back
 * exactly, else 17 (null for NAN and infinities).  LLMOPS_OK or
 * LLMOPS_E_NOMEM.
 */
int llmops_json_add_number(struct llmops_buf *b, double x);

/*
 * Append s as a JSON string (quoted; ", \\ and control characters escaped
 * as cJSON escapes them, the rest as it is) to b.  Returns LLMOPS_OK or
 * LLMOPS_E_NOMEM.
 */
int llmops_json_add_string(struct llmops_buf *b, const char *s);

/* One number member of an object built from a table (LLMOPS_JSON_NUMS). */
struct llmops_json_num {
	const char *key;
	double value; /* NAN: unknown, added as null */
};

/*
 * Add nums[0..n) to the object o in order, each as a number, or null when
 * it is NAN.  o keeps what is added; an allocation that fails leaves the
 * member out (as cJSON_AddNumberToObject does).
 */
void llmops_json_add_nums(cJSON *o, const struct llmops_json_num *nums, size_t n);

/* LLMOPS_JSON_NUMS(o, {"cases", s->cases}, {"pass_rate", s->rate}, ...) */
#define LLMOPS_JSON_NUMS(o, ...)                                                                   \
	llmops_json_add_nums((o), (const struct llmops_json_num[]){__VA_ARGS__},                   \
			     sizeof((const struct llmops_json_num[]){__VA_ARGS__}) /               \
				     sizeof(struct llmops_json_num))

#endif
