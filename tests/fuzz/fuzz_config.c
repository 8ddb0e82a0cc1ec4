/*
 * fuzz_config.c - llmops.json: its shape, every provider named in it (and
 * an unknown one), and a "prices" section, as the commands read them.
 */
#include "fuzz.h"
#include "configshape.h"
#include "json.h"
#include "pricing.h"
#include "provider.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct llmops_pricing *prices;
	struct llmops_err err = {0};
	cJSON *root = NULL;
	char *text = fuzz_cstr(data, size);

	if (!text)
		return 0;
	if (!prices && llmops_pricing_builtin(&prices, &err))
		abort();
	if (!llmops_json_parse(&root, text, size, "llmops.json", &err)) {
		const cJSON *provs = cJSON_GetObjectItemCaseSensitive(root, "providers"), *p;
		struct llmops_provider_overrides ov = {NULL, NAN, -1, -1, NULL, 0, NULL};
		struct llmops_provider *out = NULL;
		/* what happens before the shape check too: a lookup must not crash */
		if (!llmops_provider_resolve(&out, "no-such-provider", provs, &ov, &err))
			llmops_provider_free(out);
		if (!llmops_config_check_shape(root, text, size, "llmops.json", &err)) {
			cJSON_ArrayForEach (p, provs) {
				out = NULL;
				if (p->string &&
				    !llmops_provider_resolve(&out, p->string, provs, &ov, &err))
					llmops_provider_free(out);
			}
		}
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(root, "prices");
		if (pr)
			llmops_pricing_add(prices, pr, text, size, "llmops.json", "prices", &err);
	}
	cJSON_Delete(root);
	free(text);
	return 0;
}
