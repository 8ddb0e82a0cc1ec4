/*
 * fuzz_lock.c - lib/lock: prompts.lock.
 */
#include "fuzz.h"
#include "lock.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_lock l;
	struct llmops_err err = {0};

	memset(&l, 0, sizeof(l));
	if (!llmops_lock_parse(&l, (const char *)data, size, "prompts.lock", &err) && l.n)
		(void)llmops_lock_find(&l, l.e[0].name);
	llmops_lock_release(&l);
	return 0;
}
