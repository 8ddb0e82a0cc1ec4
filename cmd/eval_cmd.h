/*
 * eval_cmd.h - what the parts of `llmops eval` share: eval.c (the run from
 * start to exit status), eval_opts.c (the options), eval_resume.c (--resume),
 * eval_production.c (--production), eval_out.c (what is printed).  The
 * engine is lib/eval/eval.h's, opaque.
 */
#ifndef LLMOPS_CMD_EVAL_CMD_H
#define LLMOPS_CMD_EVAL_CMD_H

#include "eval.h"
#include "llmops.h"

/* What `llmops eval` holds beside the engine. */
struct eval_host {
	struct llmops_ctx *ctx;
	struct llmops_ledger *ledger; /* borrowed from ctx */
	struct llmops_eval *ev;	      /* the engine, once made */
	/* --resume: the run taken up and the dataset it began with */
	char resume_id[LLMOPS_RUNID_LEN + 1];
	char resume_sha[LLMOPS_SHA256_HEX_LEN + 1];
	/* --production: the prompt and version the run is recorded as (owned); NULL: none */
	char *label_prompt, *label_version;
};

/* eval_out.c */
/* The summary on stdout (colour when the context allows, the terminal's width); then the
   comparison with the baseline, when there is one. */
void eval_print_text(struct eval_host *h, int interrupted);
/* Write the run as `llmops report --format FORMAT` writes it (lib/view/report.h) to path
 * ("-": stdout); json is the run view show --format json prints.  Prints errors; returns 0
 * or an exit status. */
int eval_write_report(struct eval_host *h, const char *path, const char *format);

#endif
