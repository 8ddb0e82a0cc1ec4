/*
 * toolexec.h - running a case's command tool ({"$exec": COMMAND}).
 */
#ifndef LLMOPS_TOOLEXEC_H
#define LLMOPS_TOOLEXEC_H

#include "buf.h"
#include "error.h"

/*
 * Run command with /bin/sh -c in dir (NULL: here), input on its stdin, and
 * append what it prints to out (the caller's; at most 1 MiB).  0 when it
 * exits 0; else LLMOPS_E_INPUT saying how it ended ("it exited with status
 * 2: <its first line on stderr>", "it ran over 30 s, and was stopped") or
 * LLMOPS_E_IO.  Waits for the command (timeout_ms at most).
 */
int llmops_tool_exec(const char *command, const char *dir, const char *input, double timeout_ms,
		     struct llmops_buf *out, struct llmops_err *err);

#endif
