#include "hash.h"

#include "buf.h"
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

int llmops_sha256_file_hex(char out[LLMOPS_SHA256_HEX_LEN + 1], const char *path)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int ok = !llmops_buf_read_file(&b, path) &&
		 !llmops_sha256_hex(out, b.data ? b.data : "", b.len);
	llmops_buf_release(&b);
	return ok;
}
