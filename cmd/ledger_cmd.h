/*
 * ledger_cmd.h - the verbs of `llmops ledger` kept apart from ledger.c.
 */
#ifndef LLMOPS_CMD_LEDGER_H
#define LLMOPS_CMD_LEDGER_H

#include "llmops.h"

#include <cjson/cJSON.h>

/* ledger_sync.c: push and fetch runs through the git remote */
int ledger_push(int argc, char **argv, struct llmops_ctx *ctx);
int ledger_fetch(int argc, char **argv, struct llmops_ctx *ctx);

#endif
