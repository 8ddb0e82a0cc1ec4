/*
 * hash.h - content hashes (SHA-256, via OpenSSL's libcrypto).
 */
#ifndef LLMOPS_HASH_H
#define LLMOPS_HASH_H

#include <stddef.h>

#define LLMOPS_SHA256_HEX_LEN 64

/*
 * Write the lower-case hex SHA-256 of data[0..len) into out, which the
 * caller provides with room for LLMOPS_SHA256_HEX_LEN + 1 bytes.
 * Returns LLMOPS_OK, or LLMOPS_E_NOMEM when libcrypto cannot allocate.
 */
int llmops_sha256_hex(char out[LLMOPS_SHA256_HEX_LEN + 1], const void *data, size_t len);

/* The same of the file at path as it is now: 1 when it could be read and hashed, else 0. */
int llmops_sha256_file_hex(char out[LLMOPS_SHA256_HEX_LEN + 1], const char *path);

#endif
