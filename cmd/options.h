/*
 * options.h - one option table per command: it parses argv and prints the
 * usage, so the two cannot drift apart.
 *
 * Accepted forms: -x, -x VALUE, -xVALUE, --name, --name VALUE, --name=VALUE,
 * and "--" to end options.  Options and operands may be interleaved; long
 * names must be given in full (no abbreviations: scripts must not break
 * when an option is added).
 */
#ifndef LLMOPS_OPTIONS_H
#define LLMOPS_OPTIONS_H

#include "strlist.h"

#include <stdio.h>

enum llmops_opt_type {
	OPT_END = 0,
	OPT_FLAG,   /* value: int *, set to 1 */
	OPT_STRING, /* value: const char **, borrowed from argv */
	OPT_INT,    /* value: long *, a decimal integer within [min, max] */
	OPT_CHOICE, /* value: const char **, one of choices */
	OPT_LIST,   /* value: struct llmops_strlist *, appended each time */
	OPT_HELP,   /* -h/--help: prints the usage */
	OPT_NUMBER, /* value: double *, a finite number within [min, max]; untouched when absent
		       (start it at NAN to tell "not given") */
};

struct llmops_option {
	int type;		    /* enum llmops_opt_type */
	int short_name;		    /* 0 when none */
	const char *long_name;	    /* NULL when none */
	void *value;		    /* where the value goes (see type) */
	const char *argh;	    /* placeholder in usage ("PATH"); NULL for flags */
	const char *help;	    /* one line */
	const char *const *choices; /* OPT_CHOICE: NULL-terminated list */
	double min, max;	    /* OPT_INT, OPT_NUMBER: accepted range */
};

/* An OPT_NUMBER entry: --name X within [lo, hi] into the double *v. */
#define OPT_NUMBER_ENTRY(s, name, v, argh, help, lo, hi)                                           \
	{                                                                                          \
		OPT_NUMBER, (s), (name), (v), (argh), (help), NULL, (lo), (hi)                     \
	}

extern const char *const llmops_format_choices[]; /* "text", "json" */

#define OPT_HELP_ENTRY                                                                             \
	{                                                                                          \
		OPT_HELP, 'h', "help", NULL, NULL, "show this help", NULL, 0, 0                    \
	}
#define OPT_FORMAT_ENTRY(v)                                                                        \
	{                                                                                          \
		OPT_CHOICE, 0, "format", (v), "FORMAT", "output format: text or json",             \
			llmops_format_choices, 0, 0                                                \
	}
#define OPT_END_ENTRY                                                                              \
	{                                                                                          \
		OPT_END, 0, NULL, NULL, NULL, NULL, NULL, 0, 0                                     \
	}

/* What a command's usage says about it. */
struct llmops_usage {
	const char *command;	     /* "llmops ledger info" */
	const char *const *synopsis; /* NULL-terminated: "llmops ledger info [--format FORMAT]" */
	const char *description;     /* a short paragraph, may be NULL */
};

/*
 * Define `static const struct llmops_usage NAME` (and its NULL-terminated
 * synopsis, NAME_synopsis): the command's words, its paragraph (or NULL),
 * then one string per synopsis line.
 */
#define LLMOPS_USAGE(name, command, description, ...)                                              \
	static const char *const name##_synopsis[] = {__VA_ARGS__, NULL};                          \
	static const struct llmops_usage name = {command, name##_synopsis, description}

#define LLMOPS_OPT_HELP_SHOWN (-1) /* usage printed on stdout: exit 0 */
#define LLMOPS_OPT_ERROR      (-2) /* error printed on stderr: exit 2 */

/*
 * Parse argv[1..argc) against opts.  On success, returns the number of
 * operands left and moves them to argv[0..n).  Prints its own errors
 * (naming the option and suggesting a near one) and the usage for -h.
 */
int llmops_parse_options(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage);

/*
 * The same for options that come before a command (llmops's own): parsing
 * stops at the first operand (or after "--"), which stays where it is.
 * Returns its index (argc when there is none), or HELP_SHOWN / ERROR.
 */
int llmops_parse_leading(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage);

/* Print usage and option help for a command to out. */
void llmops_print_usage(FILE *out, const struct llmops_option *opts,
			const struct llmops_usage *usage);

/*
 * The prologue of every command: parse argv against opts (usage shown for
 * --help), then check for between min and max operands (max < 0: no
 * limit).  Returns the number of operands, now in argv[0..n), or
 * LLMOPS_OPT_HELP_SHOWN / LLMOPS_OPT_ERROR (printed): return
 * LLMOPS_OPT_EXIT(rc) then.
 */
int llmops_parse_command(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage, int min, int max);
#define LLMOPS_OPT_EXIT(rc) ((rc) == LLMOPS_OPT_HELP_SHOWN ? 0 : 2 /* LLMOPS_EXIT_USAGE */)

/*
 * Check that argv[0..n) holds between min and max operands (max < 0: no
 * limit); otherwise print what is missing or unexpected, and the synopsis,
 * and return non-zero.
 */
int llmops_check_operands(char **argv, int n, int min, int max, const struct llmops_usage *usage);

/*
 * Set (by completion.c, the program's one thread) to collect the option
 * tables: while it is not NULL, every parse appends its options ("--name"
 * for a flag, "--name=" for one that takes a value, "-c") and returns
 * LLMOPS_OPT_HELP_SHOWN without parsing; verb dispatch without a verb
 * appends the verbs ("verb:NAME").
 */
extern struct llmops_strlist *llmops_option_dump;

#endif
