/*
 * diff_out.h - a comparison of two runs as text or JSON, and the
 * regression rule; shared by `llmops diff` and `llmops eval --baseline`.
 */
#ifndef LLMOPS_CMD_DIFF_OUT_H
#define LLMOPS_CMD_DIFF_OUT_H

#include "llmops.h"
#include "diff_json.h"

#include <cjson/cJSON.h>

/* The comparison as text on stdout; at most limit cases per list (0: all). */
void diff_print(const struct llmops_diff *d, const struct llmops_run_data *a,
		const struct llmops_run_data *b, double tolerance, double significance,
		size_t limit, struct llmops_ctx *ctx);

#endif
