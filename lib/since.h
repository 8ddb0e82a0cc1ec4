/*
 * since.h - the --since argument of the commands that read the ledger.
 */
#ifndef LLMOPS_SINCE_H
#define LLMOPS_SINCE_H

#include "error.h"

#include <stdint.h>

/*
 * Turn s into the ISO 8601 UTC timestamp ("2026-11-22T00:00:00.000Z") the
 * ledger compares with, written to out[32].  Accepted: a date
 * (2026-11-22, midnight UTC), a date and time (2026-11-22T14:30[:05][Z]),
 * an age before now_ms (90m, 36h, 7d, 2w), "today" and "yesterday" (UTC).
 * LLMOPS_E_USAGE, with a message saying what is accepted, otherwise.
 */
int llmops_since_parse(const char *s, uint64_t now_ms, char out[32], struct llmops_err *err);

/* ms since the epoch as that timestamp ("2026-11-22T14:03:05.123Z"), into out[32]. */
void llmops_time_iso(char out[32], uint64_t ms);

#endif
