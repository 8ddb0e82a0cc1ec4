#include "hash.h"

#include "error.h"

#include <openssl/evp.h>

int llmops_sha256_hex(char out[LLMOPS_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
		out[0] = '\0';
		return LLMOPS_E_NOMEM;
	}
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[LLMOPS_SHA256_HEX_LEN] = '\0';
	return LLMOPS_OK;
}
