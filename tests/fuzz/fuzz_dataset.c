/*
 * fuzz_dataset.c - lib/dataset: JSON, JSONL and CSV datasets (the first
 * byte picks the format), with and without duplicate ids allowed.
 */
#include "fuzz.h"
#include "dataset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = {"d.json", "d.jsonl", "d.csv", "d.txt"};
	struct llmops_dataset d;
	struct llmops_err err = {0};
	char *text;

	if (size < 1)
		return 0;
	if (!(text = fuzz_cstr(data + 1, size - 1)))
		return 0;
	memset(&d, 0, sizeof(d));
	llmops_dataset_parse_ex(&d, labels[data[0] & 3], text, size - 1,
				data[0] & 4 ? LLMOPS_DATASET_ALLOW_DUPLICATE_IDS : 0, &err);
	free(llmops_dataset_by_id(&d));
	llmops_dataset_release(&d);
	free(text);
	return 0;
}
