/*
 * errors.c - how the commands say what went wrong: one line on standard error,
 * control characters escaped, and the exit code DESIGN.md gives each kind of
 * error.  Below the option parser and every command (no loop back to main.c).
 */
#include "llmops.h"

#include "textsafe.h"

void llmops_error(const char *fmt, ...)
{
	va_list ap;

	struct llmops_buf msg = LLMOPS_BUF_INIT, safe = LLMOPS_BUF_INIT;
	va_start(ap, fmt);
	llmops_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	/* a message quotes names and text from outside: never a control character raw */
	llmops_escape_controls(&safe, msg.data ? msg.data : "", msg.len, 1);
	fprintf(stderr, "llmops: %s\n", safe.data ? safe.data : "");
	llmops_buf_release(&msg);
	llmops_buf_release(&safe);
}

int llmops_exit_for(int code)
{
	switch (code) {
	case LLMOPS_OK: return LLMOPS_EXIT_OK;
	case LLMOPS_E_CHECK: return LLMOPS_EXIT_CHECK;
	case LLMOPS_E_USAGE:
	case LLMOPS_E_INPUT:
	case LLMOPS_E_NOTFOUND:
	case LLMOPS_E_EXISTS: return LLMOPS_EXIT_USAGE;
	default: /* IO, NOMEM, LEDGER, NOTADB, SCHEMA, GIT, NET */ return LLMOPS_EXIT_RUNTIME;
	}
}

int llmops_report(const struct llmops_err *err)
{
	llmops_error("%s", err->msg[0] ? err->msg : llmops_code_name(err->code));
	return llmops_exit_for(err->code);
}
