/*
 * error.h - the one set of return codes used across libllmops.
 *
 * Every fallible lib function returns LLMOPS_OK (0) or one negative code
 * from enum llmops_code, and writes a human-readable message into a
 * caller-supplied struct llmops_err.  The message follows the project
 * style: lower-case, no final full stop, the thing at fault quoted, and
 * (for input errors) prefixed by "file:line:col: ".  lib/ never prints; the
 * CLI decides how to show the message and which exit status it maps to.
 */
#ifndef LLMOPS_ERROR_H
#define LLMOPS_ERROR_H

#include <stddef.h>

enum llmops_code {
	LLMOPS_OK = 0,
	LLMOPS_E_USAGE = -1,	/* caller passed a bad argument or option */
	LLMOPS_E_INPUT = -2,	/* malformed input file or value */
	LLMOPS_E_NOTFOUND = -3, /* a named thing does not exist */
	LLMOPS_E_EXISTS = -4,	/* refusing to overwrite something */
	LLMOPS_E_IO = -5,	/* a system call failed */
	LLMOPS_E_NOMEM = -6,	/* allocation failed */
	LLMOPS_E_LEDGER = -7,	/* SQLite reported an error */
	LLMOPS_E_NOTADB = -8,	/* the ledger path holds something that is not a ledger */
	LLMOPS_E_SCHEMA = -9,	/* the ledger's schema is newer than this binary */
	LLMOPS_E_GIT = -10,	/* libgit2 reported an error */
	LLMOPS_E_NET = -11,	/* network or provider failure */
	LLMOPS_E_CHECK = -12,	/* a check ran and failed (e.g. integrity_check) */
};

/* Room for one message; longer messages are truncated, never overflow. */
#define LLMOPS_ERR_MSG_MAX 1024

/*
 * The caller owns this struct (usually on its stack).  Zero-initialise it
 * or call llmops_err_clear() before use.  After a failing call, code holds
 * the returned code and msg the message.
 */
struct llmops_err {
	int code;		      /* last code set, LLMOPS_OK when clear */
	char msg[LLMOPS_ERR_MSG_MAX]; /* NUL-terminated message */
};

void llmops_err_clear(struct llmops_err *err);

/*
 * Set err (which may be NULL) to code and a printf-style message; returns
 * code so that callers can write `return llmops_err_set(err, ...)`.
 */
int llmops_err_set(struct llmops_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, with a "path:line:col: " prefix for input errors. */
int llmops_err_at(struct llmops_err *err, int code, const char *path, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A short static name for a code ("ledger error"); never NULL. */
const char *llmops_code_name(int code);

#endif
