/*
 * llmops.h - what the subcommands of the llmops binary share: exit codes,
 * the run context, and the cmd_* entry points named in main.c's table.
 */
#ifndef LLMOPS_CMD_H
#define LLMOPS_CMD_H

#include "error.h"
#include "sgr.h"

#include <stdio.h>

/* Exit statuses, for every command (DESIGN.md); the only place they are defined. */
enum llmops_exit {
	LLMOPS_EXIT_OK = 0,	       /* success */
	LLMOPS_EXIT_CHECK = 1,	       /* the check ran and failed */
	LLMOPS_EXIT_USAGE = 2,	       /* usage or input error */
	LLMOPS_EXIT_RUNTIME = 3,       /* runtime failure: network, auth, git, ledger */
	LLMOPS_EXIT_INTERRUPTED = 130, /* stopped by SIGINT */
};

/* What a command needs set up; the table in main.c declares it per command. */
enum llmops_needs {
	NEED_NOTHING = 0,
	NEED_WORKSPACE = 1 << 0, /* the git work tree (or directory) it runs in */
	NEED_LEDGER = 1 << 1,	 /* an open ledger (implies NEED_WORKSPACE) */
	NEED_REPO = 1 << 2,	 /* must run inside a git work tree */
};

struct llmops_ledger;
struct llmops_workspace;
struct llmops_command;

/*
 * Everything a command receives besides its arguments.  main.c owns it;
 * commands borrow it.  The workspace and ledger are set up on first use by
 * llmops_ctx_workspace() and llmops_ctx_ledger(), so `-h` never needs them.
 */
struct llmops_ctx {
	const struct llmops_command *cmd;   /* the command running */
	const char *ledger_flag;	    /* --ledger, else $LLMOPS_LEDGER, else NULL */
	int color;			    /* 1: colour on stdout is allowed */
	int global_init;		    /* 1 once llmops_global_init() has run */
	struct llmops_workspace *workspace; /* NULL until llmops_ctx_workspace() */
	struct llmops_ledger *ledger;	    /* NULL until llmops_ctx_ledger() */
	char *const *env; /* the process environment, read here once and handed to lib/ */
	int no_pager;	  /* --no-pager: long outputs straight to stdout even on a terminal */
};

struct llmops_command {
	const char *name;
	int (*fn)(int argc, char **argv, struct llmops_ctx *ctx);
	unsigned needs;	     /* enum llmops_needs */
	const char *summary; /* one line for `llmops help` */
};

/*
 * Set up on first use; on failure print the error and return the exit
 * status (non-zero).  *out is borrowed from ctx.
 */
int llmops_ctx_workspace(struct llmops_ctx *ctx, struct llmops_workspace **out);
int llmops_ctx_ledger(struct llmops_ctx *ctx, struct llmops_ledger **out);
/* The same for a command that only reads the ledger: where it cannot be
   written it is opened read-only, and a note on stderr says so.  Neither
   this nor _existing creates a ledger at a path given by --ledger or
   LLMOPS_LEDGER: with none there, "no ledger at PATH" and exit 3 (the
   project's own .llmops/ledger.db is made on first use by any command). */
int llmops_ctx_ledger_read(struct llmops_ctx *ctx, struct llmops_ledger **out);
/* A command that writes into what was recorded (review accept) but never creates a ledger. */
int llmops_ctx_ledger_existing(struct llmops_ctx *ctx, struct llmops_ledger **out);

/* Print "llmops: msg" for a lib error and return the exit status its code maps to. */
int llmops_report(const struct llmops_err *err);
/* The exit status for a lib code (the one place codes become statuses). */
int llmops_exit_for(int code);
/* Print "llmops: " and a formatted message on stderr. */
void llmops_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A long text output (show, diff, dataset diff, prompt diff, prompt log) through the pager when
 * stdout is a terminal (pager.c: $LLMOPS_PAGER, $PAGER or less, with LESS=FRX unless set; none with
 * --no-pager); call before printing.  main() stops it when the command returns.
 */
void llmops_pager_start(const struct llmops_ctx *ctx);
void llmops_pager_stop(void);

/*
 * termsafe.c: on a terminal, stdout shows every control character escaped but
 * the colour sequences below (what is printed may come from a model, a log or a
 * remote); llmops_termsafe_end() writes what is held back at the end (0, or -1
 * when that write fails).
 */
void llmops_termsafe_stdout(void);
int llmops_termsafe_end(void);

/* Colour: seq (one of the LLMOPS_SGR_* literals) when ctx->color, "" otherwise. */
const char *llmops_color(const struct llmops_ctx *ctx, const char *seq);
#define LLMOPS_SGR_RESET  "\033[0m"
#define LLMOPS_SGR_BOLD	  "\033[1m"
#define LLMOPS_SGR_RED	  "\033[31m"
#define LLMOPS_SGR_GREEN  "\033[32m"
#define LLMOPS_SGR_YELLOW "\033[33m"
/* The colours lib's text writers take (lib/view/runfmt.h), from ctx. */
struct llmops_sgr llmops_sgr_of(const struct llmops_ctx *ctx);

/* The subcommands. */
int cmd_cost(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_diff(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_eval(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_export(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_help(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_init(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_ledger(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_lint(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_prompt(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_report(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_dataset(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_review(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_judge(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_models(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_runs(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_show(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_complete(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_completion(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_ingest(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_stats(int argc, char **argv, struct llmops_ctx *ctx);
int cmd_tokens(int argc, char **argv, struct llmops_ctx *ctx);

/* The command table (main.c), for help and suggestions. */
extern const struct llmops_command llmops_commands[];
extern const size_t llmops_ncommands;
const struct llmops_command *llmops_command_find(const char *name);

#endif
