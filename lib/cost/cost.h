/*
 * cost.h - what prompts cost before they run (`llmops cost`): each pinned
 * prompt (or each one named) rendered with a dataset's cases or alone,
 * its tokens counted with its model's tokenizer, priced per request, per
 * month at its traffic and per run of the dataset; with a base revision,
 * the same at the base and the change, and the gates (a budget, a largest
 * increase).  estimate.c computes, cost_out.c writes the report.
 */
#ifndef LLMOPS_COST_COST_H
#define LLMOPS_COST_COST_H

#include "dataset.h"
#include "error.h"
#include "ledger.h"
#include "pricing.h"
#include "projectconfig.h"
#include "promptenv.h"
#include "sgr.h"
#include "strlist.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* One prompt's figures on one side (the work tree, or the base). */
struct llmops_cost_side {
	int present;
	char version[64];
	char model[128];
	const char *encoding; /* static */
	int estimate;	      /* token counts are an estimate (not an OpenAI model) */
	double input_tokens;  /* per request: the template alone, or the mean over the cases */
	double output_tokens;
	const char *output_source; /* "--output-tokens", "max_tokens", "ledger", "llmops.json",
				      "unknown" */
	double per_request;	   /* USD */
	double per_day;		   /* requests per day */
	const char *
		traffic_source; /* "--requests-per-day", "llmops.json", "evaluation-runs", "none" */
	double per_month;	/* USD, 30 days */
	long context_window;	/* 0: unknown */
	int over_context;	/* input + max output > context window */
	long cases;		/* with --dataset */
	double dataset_cost;	/* USD for one run of the dataset */
};

struct llmops_cost_row {
	char name[256];
	struct llmops_cost_side cur, base;
	double delta_request, delta_month, delta_pct; /* with --base; pct NAN when base is 0 */
	int over_increase;
};

/* A model cascade priced as one model: each tier's price weighted by the share of requests
   that reach it (1 for the first), from the cascade's newest evaluation. */
struct llmops_cost_cascade {
	const char *label;     /* the cascade's spec or name */
	const char *models[8]; /* each tier's model */
	double reach[8];       /* the share of requests that reach each tier */
	size_t n;	       /* tiers */
	char run_id[32];       /* the evaluation the shares come from; "": none (all 1) */
};

struct llmops_cost_report {
	struct llmops_cost_row *rows;
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
	const struct llmops_cost_cascade *cascade; /* borrowed from the options; NULL: none */
};

/* What to price, and with what (all borrowed for the call). */
struct llmops_cost_options {
	struct llmops_prompt_env *env;	 /* the store and the lock */
	const struct llmops_config *cfg; /* llmops.json: default model, traffic, approvals */
	const struct llmops_pricing *prices;
	struct llmops_ledger *ledger;	   /* what production and runs observed; NULL: none */
	const struct llmops_dataset *ds;   /* render with each case; NULL: the template alone */
	const char *dataset;		   /* its path as given (the report names it); NULL */
	const char *dataset_rel;	   /* relative to the root: only the prompts it pairs with
					      are priced when none is named; "" or NULL: all */
	const struct llmops_strlist *refs; /* NAME[@VERSION]; empty: every pinned prompt */
	const char *model;		   /* every prompt priced for this model; NULL */
	/* every prompt priced for this cascade (model is NULL then); NULL: none */
	const struct llmops_cost_cascade *cascade;
	long output_tokens;	     /* per request; -1: from the prompt, the ledger... */
	double requests_per_day;     /* every prompt's traffic; < 0: from llmops.json... */
	const char *base;	     /* the revision to compare with; NULL: none */
	double budget, max_increase; /* USD a month, percent; < 0: no gate */
};

/*
 * Price what o names into *r (the caller's: llmops_cost_report_release(),
 * whatever this returns), with the gates decided (r->failed).  Warnings
 * (a model that is only allowed with a warning) are appended to notes.
 * Errors: LLMOPS_E_USAGE (nothing to price, no model, an unknown model, a
 * dataset that pairs with no pinned prompt), the store's and the ledger's.
 */
int llmops_cost_estimate(const struct llmops_cost_options *o, struct llmops_cost_report *r,
			 struct llmops_strlist *notes, struct llmops_err *err);
void llmops_cost_report_release(struct llmops_cost_report *r);

/* The report as text (colours from c), as Markdown, or as a JSON object (the caller's). */
void llmops_cost_print_text(FILE *f, const struct llmops_cost_report *r,
			    const struct llmops_sgr *c);
void llmops_cost_print_markdown(FILE *f, const struct llmops_cost_report *r);
cJSON *llmops_cost_json(const struct llmops_cost_report *r);

#endif
