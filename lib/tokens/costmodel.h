/*
 * costmodel.h - how llmops prices a prompt before it runs (`llmops cost`)
 * and a request once answered (`llmops eval`): which model, how many
 * output tokens and how much traffic, each from the first source that
 * knows, and the one formula for a request's price.
 */
#ifndef LLMOPS_COSTMODEL_H
#define LLMOPS_COSTMODEL_H

#include "pricing.h"

/* What each source says; NULL or negative: it says nothing. */
struct llmops_cost_sources {
	const char *model_flag;	  /* --model */
	const char *model_prompt; /* the prompt's front matter */
	const char *model_config; /* llmops.json providers.default.model */
	double output_flag;	  /* --output-tokens */
	double output_prompt;	  /* the prompt's max_tokens */
	double output_observed;	  /* the mean output of its earlier requests in the ledger */
	double output_config;	  /* llmops.json providers.default.max_tokens */
	double traffic_flag;	  /* --requests-per-day */
	double traffic_day;	  /* llmops.json cost.requests_per_day.NAME */
	double traffic_month;	  /* llmops.json cost.requests_per_month.NAME */
	double traffic_observed;  /* requests a day in the ledger */
	int traffic_production;	  /* 1: those are production traffic (llmops ingest) */
};

/* The sources, all saying nothing. */
void llmops_cost_sources_init(struct llmops_cost_sources *s);

/* The model: the flag, else the prompt's, else llmops.json's; NULL when none says. */
const char *llmops_cost_model(const struct llmops_cost_sources *s);

/*
 * Output tokens a request: the flag, the prompt's max_tokens, what the
 * ledger observed, llmops.json's max_tokens, else 0.  *source gets
 * "--output-tokens", "max_tokens", "ledger", "llmops.json" or "unknown".
 */
double llmops_cost_output_tokens(const struct llmops_cost_sources *s, const char **source);

/*
 * Requests a day: the flag, llmops.json's per day, its per month / 30,
 * what the ledger observed, else 0.  *source gets "--requests-per-day",
 * "llmops.json", "production" (the ledger's production runs: the application's traffic),
 * "evaluation-runs" (the ledger's evaluation runs: not production) or "none".
 */
double llmops_cost_traffic(const struct llmops_cost_sources *s, const char **source);

/*
 * USD for one request of in input and out output tokens at price p (NAN
 * when p is NULL or a count is unknown, i.e. negative): what cost
 * estimates and what eval records for an answer.  A model whose prices
 * change with the hour (pricing.h) is priced, by llmops_cost_request, at the
 * day's mean (a projection); by _now, at this minute's (an answer just
 * received); by _at, at minute of the UTC day (< 0: the mean).
 */
double llmops_cost_request(const struct llmops_price *p, double in, double out);
double llmops_cost_request_now(const struct llmops_price *p, double in, double out);
double llmops_cost_request_at(const struct llmops_price *p, double in, double out, int minute);

#endif
