/*
 * assert_tools.h - the assertions on the tools an answer called
 * (assertions.c's, apart): tool_called, tool_not_called, tool_sequence and
 * max_steps (see assertions.h for what each checks).
 */
#ifndef LLMOPS_ASSERT_TOOLS_H
#define LLMOPS_ASSERT_TOOLS_H

#include "assertions.h"

/*
 * Check the value (and strict, tool_sequence's; may be NULL) of an
 * assertion of type: 0, or LLMOPS_E_INPUT naming where ("FILE:LINE: case
 * 'k': assert[2] (tool_called): ...").
 */
int llmops_assert_tools_parse(int type, const cJSON *value, const cJSON *strict, const char *where,
			      int idx, struct llmops_err *err);

/*
 * Check a (a tool assertion) on the calls an answer made (OpenAI's shape,
 * every step's in order; NULL: none) and the requests it took: 1 holds, 0
 * fails (a line appended to why), -1 out of memory.
 */
int llmops_assert_tools_check(const struct llmops_assertion *a, const cJSON *calls, int steps,
			      struct llmops_buf *why);

#endif
