/*
 * fuzz_json.c - lib/json: the positioned scanner and cJSON must agree; no
 * input crashes either, and every error names a position.
 */
#include "fuzz.h"
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_err err = {0};
	cJSON *root = NULL;
	char *text = fuzz_cstr(data, size);

	if (!text)
		return 0;
	int rc = llmops_json_parse(&root, text, size, "f.json", &err);
	/* accepted: a tree; refused: an input error with a position, never "out of memory" */
	if (rc == 0 && !root)
		abort();
	if (rc != 0 && (rc != LLMOPS_E_INPUT || strncmp(err.msg, "f.json:", 7)))
		abort();
	if (root) {
		const char *steps[] = {"a", "0", "b"};
		int line, col;
		llmops_json_locate(text, size, steps, 3, 0, &line, &col);
		(void)llmops_json_long(cJSON_GetObjectItemCaseSensitive(root, "n"), 0, 1000, -1);
	}
	cJSON_Delete(root);
	free(text);
	return 0;
}
