/*
 * assertions.h - pass/fail checks on one output.
 *
 * A case's "assert" is a list of objects {"type": T, "value": V} (a bare
 * string "is_json" is short for {"type": "is_json"}):
 *
 *   equals        the output equals V (a string) exactly
 *   contains      the output contains V (a string, or a list: every item)
 *   not_contains  the output contains none of V (a string or a list)
 *   regex         V, a PCRE2 pattern (UTF, Unicode properties), matches
 *                 somewhere in the output
 *   is_json       the output is one JSON value
 *   json_schema   the output is JSON valid against V (see jsonschema.h)
 *   max_tokens    the output has at most V tokens
 *   max_latency_ms the request took at most V milliseconds
 *   max_cost      the request cost at most V US dollars
 *   no_secret     the output holds no key or token (detect.h's secrets)
 *   moderation    a moderation endpoint's category scores for the output stay
 *                 under V's thresholds ({"harassment": 0.7}; "any": every
 *                 category); no V: under 0.5 in every category
 *   refusal       a judge (the refusal rubric) finds that the output refuses
 *   not_refusal   ... that it does not refuse (it answers)
 *   no_pii        the output holds no e-mail address, telephone or card
 *                 number; V (optional) narrows it to some of "email",
 *                 "phone", "card".  A finding names its kind and line:column
 *                 in the output, never its value.
 *   tool_called   the answer called tool V (a name), or V {"name", and one
 *                 of "arguments" (equal JSON), "arguments_schema" (a JSON
 *                 Schema they are valid against), "arguments_contain" (a
 *                 subset of them)}: some call matches
 *   tool_not_called  no call of tool V; no V: no tool called at all
 *   tool_sequence the calls include V's names in that order (others may come
 *                 between); with "strict": true, exactly those calls
 *   max_steps     the answer took at most V requests (a tool loop's steps)
 *
 * equals, contains, not_contains and regex take "ignore_case": true.  A
 * check whose measurement is unknown (the latency of a recorded or cached
 * output, the cost of a model without a price) is not applicable and
 * holds; the reason says so.
 */
#ifndef LLMOPS_ASSERTIONS_H
#define LLMOPS_ASSERTIONS_H

#include "buf.h"
#include "error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

enum llmops_assert_type {
	LLMOPS_ASSERT_EQUALS = 0,
	LLMOPS_ASSERT_CONTAINS,
	LLMOPS_ASSERT_NOT_CONTAINS,
	LLMOPS_ASSERT_REGEX,
	LLMOPS_ASSERT_IS_JSON,
	LLMOPS_ASSERT_JSON_SCHEMA,
	LLMOPS_ASSERT_MAX_TOKENS,
	LLMOPS_ASSERT_MAX_LATENCY_MS,
	LLMOPS_ASSERT_MAX_COST,
	LLMOPS_ASSERT_NO_SECRET,
	LLMOPS_ASSERT_NO_PII,
	LLMOPS_ASSERT_MODERATION,
	LLMOPS_ASSERT_REFUSAL,
	LLMOPS_ASSERT_NOT_REFUSAL,
	LLMOPS_ASSERT_TOOL_CALLED,
	LLMOPS_ASSERT_TOOL_NOT_CALLED,
	LLMOPS_ASSERT_TOOL_SEQUENCE,
	LLMOPS_ASSERT_MAX_STEPS,
	LLMOPS_ASSERT_COUNT,
};

/* The names, NULL-terminated, in enum order. */
extern const char *const llmops_assert_names[];

struct llmops_assertion {
	int type;	 /* enum llmops_assert_type */
	cJSON *value;	 /* owned copy of "value" (NULL for is_json) */
	int ignore_case; /* equals, contains, not_contains, regex */
	int strict;	 /* tool_sequence: exactly the calls listed */
	int turn;	 /* "turn": N checks the answer to turn N (from 1); 0: the final answer */
	void *re;	 /* owned: the compiled pattern of regex */
	unsigned kinds;	 /* no_secret, no_pii: what is looked for (detect.h's mask) */
};

struct llmops_assertions {
	struct llmops_assertion *a; /* owned array */
	size_t n;
};

/*
 * Parse and check a list (a cJSON array, or NULL for none), appending to
 * out: unknown types, missing or mistyped values, patterns that do not
 * compile and schemas that llmops_schema_check() refuses are errors
 * (LLMOPS_E_INPUT) prefixed with where ("evals/x.json:12: case 'k8s':
 * assert[1] (regex): ...").  Release out with llmops_assertions_release()
 * whatever the result.
 */
int llmops_assertions_parse(struct llmops_assertions *out, const cJSON *list, const char *where,
			    struct llmops_err *err);
void llmops_assertions_release(struct llmops_assertions *as);
/* Whether as has an assertion of type. */
int llmops_assertions_has(const struct llmops_assertions *as, int type);
/* The highest turn an assertion of as checks (0: none names a turn). */
int llmops_assertions_max_turn(const struct llmops_assertions *as);

/* What one output is checked against; NAN or -1 mark unknown measurements. */
struct llmops_observation {
	const char *output;
	size_t len;
	long tokens_out; /* -1: unknown */
	double latency_ms;
	double cost_usd;
	const cJSON *moderation; /* the moderation category scores; NULL: not asked */
	int refused;		 /* the refusal judge's verdict: 1, 0; -1: not asked */
	const char *refusal_why; /* its reason, or NULL */
	const cJSON *tool_calls; /* every call the answer made, in order (OpenAI's shape); NULL */
	int steps;		 /* the requests it took (1 without a tool loop) */
};

/*
 * Check every assertion of as on o.  Returns the number that failed (0: all
 * hold) or -1 when out of memory.  For each failure a line is appended to
 * why (caller-owned): "contains 'Kubernetes': not found".
 */
int llmops_assertions_check(const struct llmops_assertions *as, const struct llmops_observation *o,
			    struct llmops_buf *why);
/* The same for the assertions of one turn (0: those of the final answer); the lines of why
   say the turn ("turn 2: contains 'x': not found"). */
int llmops_assertions_check_turn(const struct llmops_assertions *as,
				 const struct llmops_observation *o, int turn,
				 struct llmops_buf *why);

#endif
