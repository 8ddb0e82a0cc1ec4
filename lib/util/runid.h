/*
 * runid.h - run identifiers that sort by creation time.
 *
 * A run id is a ULID (https://github.com/ulid/spec): 26 characters of
 * Crockford base32, the first 10 encoding milliseconds since the Unix epoch
 * and the last 16 eighty random bits.  Ids made in one process within the
 * same millisecond are strictly increasing (the random part is incremented),
 * so byte order is creation order; ids from different processes in the same
 * millisecond are distinct with overwhelming probability.
 */
#ifndef LLMOPS_RUNID_H
#define LLMOPS_RUNID_H

#include <stdint.h>

#define LLMOPS_RUNID_LEN 26

/*
 * Fill out (caller's, LLMOPS_RUNID_LEN + 1 bytes) with a new id for the
 * time now_ms (milliseconds since the epoch).  Thread-safe.
 * Returns LLMOPS_OK or LLMOPS_E_IO when no randomness is available.
 */
int llmops_runid_new(char out[LLMOPS_RUNID_LEN + 1], uint64_t now_ms);

/* Milliseconds since the Unix epoch from the real-time clock. */
uint64_t llmops_now_ms(void);

/* Crockford's base32 alphabet, the digits of a run id. */
#define LLMOPS_RUNID_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/* The 128 bits of run id s (26 digits; others count as 0) into out, most significant first. */
void llmops_runid_bytes(const char *s, unsigned char out[16]);

/* Non-zero when s has the shape of a run id (26 Crockford base32 chars). */
int llmops_runid_valid(const char *s);

#endif
