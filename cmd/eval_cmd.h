/*
 * eval_cmd.h - what the parts of `llmops eval` share: eval.c (options, the
 * gate, the exit status), eval_setup.c (the spec from options, llmops.json,
 * prompts and providers), eval_out.c (the summary and the report files).
 * The engine itself is lib/eval.h.
 */
#ifndef LLMOPS_CMD_EVAL_CMD_H
#define LLMOPS_CMD_EVAL_CMD_H

#include "eval.h"
#include "prompt_cmd.h"

#include <cjson/cJSON.h>

/* What `llmops eval` holds beside the engine. */
struct eval_host {
	struct llmops_eval ev; /* the engine, with the spec cmd/ fills */
	struct llmops_ctx *ctx;
	cJSON *cfg; /* llmops.json, or NULL */
	struct llmops_buf cfg_text;
	struct llmops_prompt_env penv;
	int have_penv;
	struct llmops_prompt_source src; /* partials from the work tree, for rendering */
	int progress;		  /* a progress line on stderr */
	int baseline_missing_ok;  /* --baseline that finds no run: a note, no comparison */
};

/* eval_baseline.c */
/* Settle --baseline RUN|last|pinned into ev->baseline_id; prints errors, returns an exit status. */
int eval_baseline_resolve(struct eval_host *h, const char *spec);
void eval_baseline_print(const struct llmops_eval *ev, struct llmops_ctx *ctx);

/* eval_out.c */
/* The summary on stdout; interrupted: the run stopped before every result was in. */
void eval_print_text(struct llmops_eval *ev, int color, int interrupted);
/* Write the run as `llmops report --format FORMAT` writes it (lib/view/report.h) to path
 * ("-": stdout); json is the run view show --format json prints.  Prints errors; returns 0
 * or an exit status. */
int eval_write_report(struct llmops_eval *ev, const char *path, const char *format);

#endif
