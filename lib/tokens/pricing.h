/*
 * pricing.h - model prices: the built-in table (lib/data/prices.json, from
 * @pydantic/genai-prices; source and date inside the file), extended or
 * overridden by the user's own entries.
 *
 * Prices are USD per 1,000,000 tokens.  An unknown model is an error that
 * names the nearest known ones: a cost is never silently zero.
 */
#ifndef LLMOPS_PRICING_H
#define LLMOPS_PRICING_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strlist.h"

struct llmops_price_tier {
	long above_input_tokens; /* the tier applies when input tokens exceed this */
	double input, cached_input, output;
};

/* Prices in force at some hours of the day (DeepSeek's peak hours): from, to in minutes of
   the UTC day (to < from: the window runs past midnight). */
struct llmops_price_hours {
	int from, to;
	double input, cached_input, output; /* USD per Mtok; cached_input < 0: input's */
};

struct llmops_price {
	const char *id;		/* canonical model id */
	const char *provider;	/* "openai", "anthropic", ... or "user" */
	const char *origin;	/* "built-in", or the file the entry came from */
	double input;		/* USD per Mtok */
	double cached_input;	/* USD per Mtok; < 0 when the model has no cached price */
	double output;		/* USD per Mtok */
	long context_window;	/* tokens; 0 when unknown */
	long max_output_tokens; /* tokens; 0 when unknown */
	struct llmops_price_tier *tiers;
	size_t ntiers;
	struct llmops_price_hours *hours; /* windows of the day with their own prices */
	size_t nhours;
	/* private */
	cJSON *aliases, *prefixes; /* borrowed from the owning document */
};

struct llmops_pricing;

/* An empty table (for llmops_pricing_add_json); *out is the caller's (llmops_pricing_free). */
int llmops_pricing_new(struct llmops_pricing **out, struct llmops_err *err);
/* Load the built-in table; *out is the caller's (llmops_pricing_free). */
int llmops_pricing_builtin(struct llmops_pricing **out, struct llmops_err *err);
void llmops_pricing_free(struct llmops_pricing *p);

/*
 * Add the entries of a JSON document text[0..len) named label: either a
 * prices.json-shaped object ({"models": [{"id": ..., ...}]}) or an object
 * mapping model id -> {"input": ..., "output": ..., ...}.  `input` and
 * `output` are required, the rest optional; an entry replaces a built-in
 * one with the same id.  Errors name label:line:col.
 */
int llmops_pricing_add_json(struct llmops_pricing *p, const char *text, size_t len,
			    const char *label, struct llmops_err *err);
/* The same from an already parsed object; when obj is a member of the
   document in text (llmops.json's "prices"), key names it, so that errors
   point into text at the right place (NULL: obj is the whole document). */
int llmops_pricing_add(struct llmops_pricing *p, const cJSON *obj, const char *text, size_t len,
		       const char *label, const char *key, struct llmops_err *err);

/*
 * Find model ("gpt-4o", "openai:gpt-4o", "groq/llama-3.3-70b-versatile",
 * a dated snapshot).  User entries win over built-in ones; then exact ids
 * and aliases, then the longest matching prefix.  *out is borrowed from p.
 * LLMOPS_E_NOTFOUND with the nearest known ids in the message.
 */
int llmops_pricing_find(const struct llmops_pricing *p, const char *model,
			const struct llmops_price **out, struct llmops_err *err);

/* The table's entries, in the order they were added (user entries after the built-in
   ones); borrowed from p.  NULL past the last. */
size_t llmops_pricing_count(const struct llmops_pricing *p);
const struct llmops_price *llmops_pricing_at(const struct llmops_pricing *p, size_t i);
/* The i-th other name of pr ("gpt-4o-mini-2024-07-18"; borrowed), NULL past the last. */
const char *llmops_price_alias(const struct llmops_price *pr, size_t i);

/* The table's source line ("@pydantic/genai-prices 0.1.8 ...") and date; static or borrowed. */
const char *llmops_pricing_source(const struct llmops_pricing *p);
const char *llmops_pricing_date(const struct llmops_pricing *p);

/*
 * USD for one request of `input` tokens (of which `cached` are cache reads)
 * and `output` tokens, with tiers applied, answered at `minute` of the UTC
 * day (0 to 1439: a window of pr->hours that holds it sets the prices);
 * minute < 0: the time is not known, and a model with windows is priced at
 * the day's mean (each window for its share of the 24 hours).
 * llmops_price_request is llmops_price_request_at with minute -1.
 */
double llmops_price_request_at(const struct llmops_price *pr, double input, double cached,
			       double output, int minute);
double llmops_price_request(const struct llmops_price *pr, double input, double cached,
			    double output);
/* The minute of the UTC day of ms since the epoch. */
int llmops_minute_of_day(uint64_t ms);

#endif
