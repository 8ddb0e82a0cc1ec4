/*
 * fuzz_lock.c - lib/lock: prompts.lock, with canaries: parsed, and every
 * entry resolved for a key; a canary always stands beside a stable version
 * of the same name, with a weight of 1 to 99, and a key gets one of the two.
 */
#include "fuzz.h"
#include "lock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_lock l;
	struct llmops_err err = {0};

	memset(&l, 0, sizeof(l));
	if (!llmops_lock_parse(&l, (const char *)data, size, "prompts.lock", &err)) {
		for (size_t i = 0; i < l.ncanary; i++)
			if (!llmops_lock_find(&l, l.canary[i].name) || l.canary[i].weight < 1 ||
			    l.canary[i].weight > 99)
				abort();
		for (size_t i = 0; i < l.n; i++) {
			int bucket = -1;
			const struct llmops_lock_entry *e =
				llmops_lock_resolve(&l, l.e[i].name, "key", &bucket);
			const struct llmops_lock_entry *cy = llmops_lock_canary(&l, l.e[i].name);
			if (!e || bucket < 0 || bucket > 9999 || (e != &l.e[i] && e != cy))
				abort();
		}
	}
	llmops_lock_release(&l);
	return 0;
}
