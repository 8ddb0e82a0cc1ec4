#include "runid.h"

#include "error.h"

#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char crockford[] = LLMOPS_RUNID_ALPHABET;

static pthread_mutex_t runid_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static unsigned char last_rand[10];

uint64_t llmops_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int fill_random(unsigned char *p, size_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);

		if (got <= 0)
			return LLMOPS_E_IO;
		p += got;
		n -= (size_t)got;
	}
	return LLMOPS_OK;
}

int llmops_runid_new(char out[LLMOPS_RUNID_LEN + 1], uint64_t now_ms)
{
	unsigned char bytes[16];
	int rc = LLMOPS_OK;

	pthread_mutex_lock(&runid_lock);
	if (now_ms <= last_ms) {
		/* same (or earlier: clock stepped back) millisecond: stay monotonic */
		now_ms = last_ms;
		for (int i = 9; i >= 0 && ++last_rand[i] == 0; i--)
			;
	} else {
		rc = fill_random(last_rand, sizeof(last_rand));
		last_ms = now_ms;
	}
	for (int i = 0; i < 6; i++)
		bytes[i] = (unsigned char)(now_ms >> (8 * (5 - i)));
	memcpy(bytes + 6, last_rand, 10);
	pthread_mutex_unlock(&runid_lock);
	if (rc) {
		out[0] = '\0';
		return rc;
	}
	/* 128 bits as 26 base32 digits, most significant first (2 pad bits) */
	for (int i = 0; i < LLMOPS_RUNID_LEN; i++) {
		int bit =
			128 - 5 * (LLMOPS_RUNID_LEN - i); /* first bit of this digit, may be < 0 */
		unsigned v = 0;

		for (int k = 0; k < 5; k++, bit++) {
			v <<= 1;
			if (bit >= 0)
				v |= (bytes[bit / 8] >> (7 - bit % 8)) & 1u;
		}
		out[i] = crockford[v];
	}
	out[LLMOPS_RUNID_LEN] = '\0';
	return LLMOPS_OK;
}

int llmops_runid_valid(const char *s)
{
	size_t n = strlen(s);

	if (n != LLMOPS_RUNID_LEN || s[0] > '7')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr(crockford, s[i]) || !s[i])
			return 0;
	return 1;
}

void llmops_runid_bytes(const char *s, unsigned char out[16])
{
	memset(out, 0, 16);
	for (size_t i = 0; s && i < LLMOPS_RUNID_LEN && s[i]; i++) {
		const char *p = strchr(crockford, s[i]);
		unsigned carry = p ? (unsigned)(p - crockford) : 0;
		for (int k = 15; k >= 0; k--) { /* out = out * 32 + digit */
			unsigned v = (unsigned)out[k] * 32 + carry;
			out[k] = (unsigned char)(v & 0xff);
			carry = v >> 8;
		}
	}
}
