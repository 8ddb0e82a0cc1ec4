/*
 * cost.h - what cost.c (the computation) and cost_out.c (the renderings)
 * of `llmops cost` share.
 */
#ifndef LLMOPS_CMD_COST_H
#define LLMOPS_CMD_COST_H

#include <cjson/cJSON.h>

/* One prompt's figures on one side (the work tree, or the base). */
struct cost_side {
	int present;
	char version[64];
	char model[128];
	const char *encoding; /* static */
	int estimate;	      /* token counts are an estimate (not an OpenAI model) */
	double input_tokens;  /* per request: the template alone, or the mean over the cases */
	double output_tokens;
	const char *output_source;  /* "--output-tokens", "max_tokens", "ledger", "llmops.json",
				       "unknown" */
	double per_request;	    /* USD */
	double per_day;		    /* requests per day */
	const char *traffic_source; /* "--requests-per-day", "llmops.json", "evaluation-runs", "none" */
	double per_month;	    /* USD, 30 days */
	long context_window;	    /* 0: unknown */
	int over_context;	    /* input + max output > context window */
	long cases;		    /* with --dataset */
	double dataset_cost;	    /* USD for one run of the dataset */
};

struct cost_row {
	char name[256];
	struct cost_side cur, base;
	double delta_request, delta_month, delta_pct; /* with --base; pct NAN when base is 0 */
	int over_increase;
};

struct cost_report {
	struct cost_row *rows;
	size_t n;
	const char *base_rev; /* NULL without --base */
	const char *dataset;  /* NULL without --dataset */
	double total_month, base_total_month;
	double total_dataset;
	double budget;	     /* < 0: none */
	double max_increase; /* < 0: none */
	int over_budget;
	int failed; /* a gate failed */
	const char *prices_source, *prices_date;
};

/* Print the report as text, Markdown, or build the JSON object (caller deletes). */
void cost_print_text(const struct cost_report *r, int color);
void cost_print_markdown(const struct cost_report *r);
cJSON *cost_json(const struct cost_report *r);

#endif
