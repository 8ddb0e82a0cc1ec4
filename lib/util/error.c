#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void llmops_err_clear(struct llmops_err *err)
{
	if (!err)
		return;
	err->code = LLMOPS_OK;
	err->msg[0] = '\0';
}

static int err_vset(struct llmops_err *err, int code, size_t off, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	if (off < sizeof(err->msg))
		vsnprintf(err->msg + off, sizeof(err->msg) - off, fmt, ap);
	return code;
}

int llmops_err_set(struct llmops_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int llmops_err_at(struct llmops_err *err, int code, const char *path, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return code;
	n = snprintf(err->msg, sizeof(err->msg), "%s:%d:%d: ", path, line, col);
	va_start(ap, fmt);
	err_vset(err, code, n < 0 ? 0 : (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

const char *llmops_code_name(int code)
{
	switch (code) {
	case LLMOPS_OK: return "success";
	case LLMOPS_E_USAGE: return "usage error";
	case LLMOPS_E_INPUT: return "input error";
	case LLMOPS_E_NOTFOUND: return "not found";
	case LLMOPS_E_EXISTS: return "already exists";
	case LLMOPS_E_IO: return "i/o error";
	case LLMOPS_E_NOMEM: return "out of memory";
	case LLMOPS_E_LEDGER: return "ledger error";
	case LLMOPS_E_NOTADB: return "not a ledger";
	case LLMOPS_E_SCHEMA: return "ledger schema too new";
	case LLMOPS_E_GIT: return "git error";
	case LLMOPS_E_NET: return "network error";
	case LLMOPS_E_CHECK: return "check failed";
	default: return "unknown error";
	}
}
