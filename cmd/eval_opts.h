/*
 * eval_opts.h - the options of `llmops eval` as parsed, handed to the engine
 * as its options, and the steps before it is made (--resume, --production).
 */
#ifndef LLMOPS_CMD_EVAL_OPTS_H
#define LLMOPS_CMD_EVAL_OPTS_H

#include "eval_cmd.h"
#include "eval.h"
#include "strlist.h"

#include <math.h>

struct eval_opts {
	const char *dataset, *fallback, *base_url, *embedding, *judge, *moderation;
	const char *compare; /* with a cascade: the same cases on this provider alone */
	const char *bias;    /* bias probes: "ATTR[,ATTR]" or "all"; NULL: none */
	struct llmops_strlist bias_attrs; /* its attributes, once the pairs are read */
	char *bias_dataset;		  /* the counterfactual dataset written (owned) */
	double max_bias_gap;
	const char *probes; /* red-team probes: "CATEGORY[,CATEGORY]" or "all"; NULL: none */
	const char *sarif;  /* --sarif FILE: the attacks that worked, for code scanning */
	char *probes_dataset, *system_note; /* written for --probes (owned) */
	char *probes_source;		    /* --probes: the dataset the attacks came from */
	struct llmops_strlist probe_ids, probe_cats;
	double max_attack_success;
	const char *resume, *output, *format, *baseline, *shard, *max_errors;
	const char *since, *assert_file; /* --production's */
	long sample;
	int production;
	char *production_dataset; /* --production: the sample written as a dataset (owned) */
	char *production_prompt;  /* --production: NAME and VER of --prompt (owned) */
	/* numbers: NAN when not given */
	double threshold, min_pass_rate, max_cost, review_below, rpm, tpm, timeout, temperature;
	double significance;
	struct llmops_strlist prompts, providers, metrics, stop;
	long concurrency, retries, max_tokens, seed, limit, repeat;
	int stream, no_cache, offline, no_progress, fail_on_regression, allow_secrets;
	int baseline_missing_ok; /* --baseline-missing-ok */
	char **argv;		 /* resume: the stored arguments (owned) */
	char **argv_in; /* the arguments as given, NULL-terminated (owned array), for the record */
};

#define EVAL_OPTS_INIT                                                                             \
	{                                                                                          \
		.prompts = LLMOPS_STRLIST_INIT, .providers = LLMOPS_STRLIST_INIT,                  \
		.metrics = LLMOPS_STRLIST_INIT, .stop = LLMOPS_STRLIST_INIT, .concurrency = -1,    \
		.retries = -1, .max_tokens = -1, .seed = -1, .limit = -1, .repeat = -1,            \
		.sample = -1, .threshold = NAN, .min_pass_rate = NAN, .max_cost = NAN,             \
		.review_below = NAN, .rpm = NAN, .tpm = NAN, .timeout = NAN, .temperature = NAN,   \
		.significance = NAN, .bias_attrs = LLMOPS_STRLIST_INIT, .max_bias_gap = NAN,       \
		.probe_ids = LLMOPS_STRLIST_INIT, .probe_cats = LLMOPS_STRLIST_INIT,               \
		.max_attack_success = NAN,                                                         \
	}

/* Parse argv; 0, -1 when --help was shown, or an exit status. */
int eval_parse_options(int argc, char **argv, struct eval_opts *o);
void eval_opts_release(struct eval_opts *o);

/* The engine's options from o (lib/eval/eval.h), borrowing o's strings and lists. */
void eval_engine_options(const struct eval_opts *o, struct llmops_eval_options *eo);
/* The options of the run o->resume names, into ro (its id and dataset hash into h). */
int eval_resume_options(struct eval_host *h, const struct eval_opts *o, struct eval_opts *ro);
/* --production: sample the ledger's production records into a dataset under
   .llmops/production/ and point o at it (replayed, labelled with the prompt in h).  Prints
   errors; 0 or an exit status. */
int eval_production(struct eval_host *h, struct eval_opts *o);
/* Each ROOT/SUB/NAME.json, in name order, given to add (its text and its path from the
   root); an unreadable file or add's error printed (who: "--bias") as the exit status. */
typedef int (*eval_json_fn)(void *ud, const char *text, size_t len, const char *label,
			    struct llmops_err *err);
int eval_load_project_json(const char *root, const char *sub, const char *who, eval_json_fn add,
			   void *ud);
/* --bias: the dataset's cases with their counterfactuals written under .llmops/bias/ and o
   pointed at it.  Prints errors; 0 or an exit status. */
int eval_bias(struct eval_host *h, struct eval_opts *o);
/* --probes: the catalogue's attacks written as a dataset under .llmops/probes/, o pointed at
   it with the run's canary.  Prints errors; 0 or an exit status. */
int eval_probes(struct eval_host *h, struct eval_opts *o);
/* --sarif FILE: the probes' findings written (nothing without --sarif); 0 or an exit status. */
int eval_probes_sarif(struct eval_host *h, const struct eval_opts *o);

#endif
