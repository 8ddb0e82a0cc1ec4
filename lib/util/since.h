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

/*
 * ms since the epoch from ISO 8601 text: a date, or a date and time with 'T' or ' ',
 * optional fractional seconds, and 'Z', an offset (+01:00) or nothing (UTC):
 * "2026-11-22T14:03:05.123Z", "2026-11-22 14:03:05.123456+00:00".  NAN when s is
 * NULL or none of these.  The one reader of the ledger's and the logs' times.
 */
double llmops_iso_ms(const char *s);

/* ms since the epoch as that timestamp ("2026-11-22T14:03:05.123Z"), into out[32]. */
void llmops_time_iso(char out[32], uint64_t ms);

#endif
