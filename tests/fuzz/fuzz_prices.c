/*
 * fuzz_prices.c - lib/pricing: a price table document parsed from the
 * buffer into an empty table (no reload of the built-in table per input),
 * then looked up and priced.
 */
#include "fuzz.h"
#include "pricing.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_pricing *p = NULL;
	const struct llmops_price *price = NULL;
	struct llmops_err err = {0};

	if (llmops_pricing_new(&p, &err))
		abort();
	if (!llmops_pricing_add_json(p, (const char *)data, size, "prices.json", &err)) {
		static const char *const models[] = {"gpt-4o", "m", "openai:m", "a/b", "x-2024-01-01"};
		for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
			if (!llmops_pricing_find(p, models[i], &price, &err))
				(void)llmops_price_request(price, 1000, 10, 1000);
	}
	llmops_pricing_free(p);
	return 0;
}
