/*
 * configshape.c - the shape of llmops.json (see configshape.h).
 */
#include "configshape.h"

#include "buf.h"
#include "json.h"
#include "strlist.h"
#include "suggest.h"

#include <stdio.h>
#include <string.h>

/* v's type with its article: "an array", "a string", "null" */
static void kind(const cJSON *v, char *out, size_t n)
{
	const char *t = llmops_json_type_name(v);
	if (cJSON_IsNumber(v)) /* the value says more than its type */
		snprintf(out, n, "%g", v->valuedouble);
	else
		snprintf(out, n, "%s%s",
			 !strcmp(t, "null")	 ? ""
			 : strchr("aeiou", t[0]) ? "an "
						 : "a ",
			 t);
}

static int at(struct llmops_err *err, const char *text, size_t len, const char *file,
	      const char *const *steps, size_t n, const char *fmt_what, const char *what,
	      const cJSON *v)
{
	int line = 1, col = 1;
	char k[32];
	kind(v, k, sizeof(k));
	llmops_json_locate(text, len, steps, n, 0, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col, "%s must be %s, not %s",
			     fmt_what, what, k);
}

/* What a key of a section must hold. */
enum want { W_NUMBER, W_STRING, W_COUNTS, W_STRINGS, W_NUMBER_OR_STRING };

struct key {
	const char *name;
	enum want want;
	double lo, hi;
};

/* llmops.json's sections and what each reads (see llmops-eval(1), llmops-cost(1)). */
static const char *const top_keys[] = {"providers", "eval",   "cost", "lint",
				       "prices",    "models", NULL};
static const struct key eval_keys[] = {
	{"metric", W_STRING, 0, 0},
	{"threshold", W_NUMBER, 0, 1},
	{"min_pass_rate", W_NUMBER, 0, 1},
	{"max_cost", W_NUMBER, 0, 1e12},
	{"review_below", W_NUMBER, 0, 1},
	{"rpm", W_NUMBER, 0, 1e9},
	{"tpm", W_NUMBER, 0, 1e12},
	{"timeout_ms", W_NUMBER, 1, 86400000},
	{"concurrency", W_NUMBER, 1, 100000},
	{"retries", W_NUMBER, 0, 1000},
	{"max_errors", W_NUMBER_OR_STRING, 0, 1e12},
	{"embedding_provider", W_STRING, 0, 0},
	{"judge", W_STRING, 0, 0},
	{"moderation_provider", W_STRING, 0, 0},
	{"fallback", W_STRING, 0, 0},
	{"prompt", W_STRINGS, 0, 0},
	{NULL, W_NUMBER, 0, 0},
};
static const struct key cost_keys[] = {
	{"budget_usd", W_NUMBER, 0, 1e15},
	{"requests_per_day", W_COUNTS, 0, 1e15},
	{"requests_per_month", W_COUNTS, 0, 1e15},
	{NULL, W_NUMBER, 0, 0},
};

/* "unknown key 'K' in SECTION; did you mean 'N'? (known: ...)" at the key. */
static int unknown_key(struct llmops_err *err, const char *text, size_t len, const char *file,
		       const char *const *steps, size_t n, const char *section,
		       const char *const *names, size_t nnames)
{
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	struct llmops_buf known = LLMOPS_BUF_INIT;
	int line = 1, col = 1;
	const char *k = steps[n - 1];
	llmops_json_locate(text, len, steps, n, 1, &line, &col);
	(void)llmops_suggest(&near, k, names, nnames);
	for (size_t i = 0; i < nnames; i++)
		llmops_buf_addf(&known, "%s%s", i ? ", " : "", names[i]);
	int rc = llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
			       "unknown key '%.100s' in %s%s%s%s (known: %s)", k, section,
			       near.nr ? "; did you mean '" : "", near.nr ? near.items[0] : "",
			       near.nr ? "'?" : "", known.data ? known.data : "");
	llmops_strlist_release(&near);
	llmops_buf_release(&known);
	return rc;
}

/* The keys of section (an object) against keys: known, and holding what they must. */
static int check_section(const cJSON *sec, const char *name, const struct key *keys,
			 const char *text, size_t len, const char *file, struct llmops_err *err)
{
	const char *names[32];
	size_t nn = 0;
	const cJSON *e;
	char where[300];
	for (; nn < 32 && keys[nn].name; nn++)
		names[nn] = keys[nn].name;
	cJSON_ArrayForEach (e, sec) {
		const char *steps[3] = {name, e->string, NULL};
		const struct key *k = NULL;
		if (e->string[0] == '$') /* "$comment" and the like */
			continue;
		for (size_t i = 0; i < nn && !k; i++)
			if (!strcmp(keys[i].name, e->string))
				k = &keys[i];
		if (!k)
			return unknown_key(err, text, len, file, steps, 2, name, names, nn);
		snprintf(where, sizeof(where), "%s.%s", name, k->name);
		if (k->want == W_STRING && !cJSON_IsString(e))
			return at(err, text, len, file, steps, 2, where, "a string", e);
		if (k->want == W_NUMBER_OR_STRING && !cJSON_IsString(e) &&
		    !(cJSON_IsNumber(e) && e->valuedouble >= k->lo && e->valuedouble <= k->hi))
			return at(err, text, len, file, steps, 2, where,
				  "a count (3) or a percentage (\"5%\")", e);
		if (k->want == W_STRINGS && !cJSON_IsString(e)) {
			const cJSON *x;
			char idx[24];
			size_t i = 0;
			if (!cJSON_IsArray(e))
				return at(err, text, len, file, steps, 2, where,
					  "a string or a list of strings", e);
			cJSON_ArrayForEach (x, e) {
				snprintf(idx, sizeof(idx), "%zu", i++);
				steps[2] = idx;
				if (!cJSON_IsString(x))
					return at(err, text, len, file, steps, 3, where, "a string",
						  x);
			}
		}
		if (k->want == W_NUMBER &&
		    (!cJSON_IsNumber(e) || e->valuedouble < k->lo || e->valuedouble > k->hi)) {
			char range[96];
			snprintf(range, sizeof(range), "a number in [%g, %g]", k->lo, k->hi);
			if (cJSON_IsNumber(e)) {
				int line = 1, col = 1;
				llmops_json_locate(text, len, steps, 2, 0, &line, &col);
				return llmops_err_at(err, LLMOPS_E_INPUT, file, line, col,
						     "%s must be %s, not %g", where, range,
						     e->valuedouble);
			}
			return at(err, text, len, file, steps, 2, where, range, e);
		}
		if (k->want == W_COUNTS) {
			const cJSON *x;
			if (!cJSON_IsObject(e))
				return at(err, text, len, file, steps, 2, where,
					  "an object of requests by prompt ({\"summarize\": 1000})",
					  e);
			cJSON_ArrayForEach (x, e) {
				steps[2] = x->string;
				if (x->string[0] == '$' ||
				    (cJSON_IsNumber(x) && x->valuedouble >= 0))
					continue;
				snprintf(where, sizeof(where), "%s.%s.%.100s", name, k->name,
					 x->string);
				return at(err, text, len, file, steps, 3, where,
					  "a number of requests (0 or more)", x);
			}
		}
	}
	return 0;
}

int llmops_config_check_shape(const cJSON *root, const char *text, size_t len, const char *file,
			      struct llmops_err *err)
{
	static const char *const sections[] = {"eval", "cost", "lint", "prices"};
	const char *steps[2];
	const cJSON *p, *e;
	char where[300];

	if (!cJSON_IsObject(root))
		return at(err, text, len, file, steps, 0, "llmops.json",
			  "an object of settings ({\"providers\": {...}, \"eval\": {...}})", root);
	cJSON_ArrayForEach (e, root) {
		size_t k = 0;
		while (top_keys[k] && strcmp(top_keys[k], e->string))
			k++;
		steps[0] = e->string;
		if (!top_keys[k] && e->string[0] != '$')
			return unknown_key(err, text, len, file, steps, 1, "llmops.json", top_keys,
					   k);
	}
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		e = cJSON_GetObjectItemCaseSensitive(root, sections[i]);
		steps[0] = sections[i];
		if (e && !cJSON_IsObject(e))
			return at(err, text, len, file, steps, 1, sections[i], "an object", e);
	}
	int rc = check_section(cJSON_GetObjectItemCaseSensitive(root, "eval"), "eval", eval_keys,
			       text, len, file, err);
	if (!rc)
		rc = check_section(cJSON_GetObjectItemCaseSensitive(root, "cost"), "cost",
				   cost_keys, text, len, file, err);
	if (rc)
		return rc;
	p = cJSON_GetObjectItemCaseSensitive(root, "providers");
	steps[0] = "providers";
	if (!p)
		return LLMOPS_OK;
	if (!cJSON_IsObject(p))
		return at(err, text, len, file, steps, 1, "providers",
			  "an object that maps names to provider settings "
			  "({\"local\": {\"type\": \"openai\", \"model\": ...}})",
			  p);
	cJSON_ArrayForEach (e, p) {
		if (e->string[0] == '$' || cJSON_IsObject(e))
			continue;
		steps[1] = e->string;
		snprintf(where, sizeof(where), "providers.%.200s", e->string);
		return at(err, text, len, file, steps, 2, where,
			  "an object ({\"type\": ..., \"model\": ...})", e);
	}
	return LLMOPS_OK;
}
