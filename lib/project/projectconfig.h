/*
 * projectconfig.h - llmops.json read once: checked against the shape configshape.c
 * holds (every key, its type and range, unknown keys named with the nearest
 * one), then typed into struct llmops_config.  Commands read the structure,
 * never the JSON; the two sections other modules own as data (providers,
 * read by providers/provider.h; lint, read by lint/lint.h) are handed over
 * as they are.
 */
#ifndef LLMOPS_PROJECT_PROJECTCONFIG_H
#define LLMOPS_PROJECT_PROJECTCONFIG_H

#include "approval.h"
#include "buf.h"
#include "error.h"
#include "pricing.h"
#include "strlist.h"

#include <cjson/cJSON.h>

/* "eval": what a run uses when its flags do not say; NAN, -1 or NULL: not set. */
struct llmops_config_eval {
	const char *metric;	       /* the default metric */
	struct llmops_strlist prompts; /* "prompt": one prompt or a list */
	double threshold, min_pass_rate, max_cost, review_below, rpm, tpm, timeout_ms;
	long concurrency, retries;
	const char *max_errors; /* "3" or "5%" */
	const char *embedding_provider, *judge, *moderation_provider, *fallback;
	char max_errors_num_[32];
};

/* "cost": the budget and the traffic a cost estimate scales to. */
struct llmops_config_cost {
	double budget_usd; /* NAN: none */
	/* per prompt name: requests a day / a month (objects of counts, borrowed), NULL: none;
	   read them with llmops_config_requests() */
	const cJSON *requests_per_day_, *requests_per_month_;
};

struct llmops_config {
	int present;		/* llmops.json exists */
	struct llmops_buf text; /* its text, for positions in messages */
	cJSON *json;		/* owned: the parsed file; NULL without one */
	const cJSON *providers; /* "providers" (provider.h), borrowed from json; may be NULL */
	const cJSON *lint;	/* "lint" (lint.h), borrowed from json; may be NULL */
	struct llmops_approval approval; /* "models": the approved models */
	/* providers.default's model and max_tokens: NULL, -1 when not set */
	const char *default_model;
	double default_max_tokens;
	struct llmops_config_eval eval;
	struct llmops_config_cost cost;
};

/*
 * Read ROOT/llmops.json (none is an empty configuration) into c: its shape
 * checked, the providers' key variables held back from every output
 * (redact.h), its "prices" added to prices (may be NULL: not read) and its
 * approved models loaded.  Release c with llmops_config_release() whatever
 * this returns.  Errors: LLMOPS_E_INPUT at FILE:LINE:COL, LLMOPS_E_IO.
 */
int llmops_config_load(struct llmops_config *c, const char *root, struct llmops_pricing *prices,
		       struct llmops_err *err);
void llmops_config_release(struct llmops_config *c);

/* Add the file's "prices" to prices (errors at their place in llmops.json); 0 without any. */
int llmops_config_add_prices(const struct llmops_config *c, struct llmops_pricing *prices,
			     struct llmops_err *err);

/* The approved models read again, against prices grown since the load (--prices FILE). */
int llmops_config_reapprove(struct llmops_config *c, const struct llmops_pricing *prices,
			    struct llmops_err *err);

/* cost.requests_per_month (month) or cost.requests_per_day of prompt name; -1: not set. */
double llmops_config_requests(const struct llmops_config *c, const char *name, int month);

/*
 * Whether model may be sent to under the approved models: 0 when it may,
 * or (with "unapproved": "warn") when it may with a warning, appended to
 * warnings as "warning: WHO: why"; LLMOPS_E_USAGE when it is refused (err
 * says why).
 */
int llmops_config_model_allowed(const struct llmops_config *c, const struct llmops_pricing *prices,
				const char *model, const char *who, struct llmops_strlist *warnings,
				struct llmops_err *err);

#endif
