/*
 * fuzz_lint.c - lint of one file, as `llmops lint FILE` runs it: the input
 * is written to a scratch project (a prompt version as .txt or .json, a
 * partial, or a dataset, by the first byte) and every rule runs on it.
 */
#include "fuzz.h"
#include "lint.h"
#include "pricing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void write_file(const char *rel, const uint8_t *data, size_t size)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!(f = fopen(path, "wb")))
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = {"prompts/f/v1.0.0.txt", "prompts/f/v1.0.0.json",
					    "prompts/_partials/p.txt", "evals/f.json"};
	static struct llmops_pricing *prices;
	struct llmops_err err = {0};
	struct llmops_lint *l = NULL;
	char dir[128];

	if (!root[0]) {
		snprintf(root, sizeof(root), "%s", "/tmp/llmops-fuzz-lint-XXXXXX");
		if (!mkdtemp(root))
			abort();
		snprintf(dir, sizeof(dir), "%s/prompts", root);
		mkdir(dir, 0700);
		snprintf(dir, sizeof(dir), "%s/prompts/f", root);
		mkdir(dir, 0700);
		snprintf(dir, sizeof(dir), "%s/prompts/_partials", root);
		mkdir(dir, 0700);
		snprintf(dir, sizeof(dir), "%s/evals", root);
		mkdir(dir, 0700);
		if (llmops_pricing_builtin(&prices, &err))
			abort();
	}
	if (size < 1)
		return 0;
	const char *rel = files[data[0] & 3];
	write_file(rel, data + 1, size - 1);
	struct llmops_lint_opts o = {root, NULL, prices, NULL, NULL, 0, NULL, NULL};
	if (!llmops_lint_new(&l, &o, &err)) {
		size_t n;
		if (!llmops_lint_add_path(l, rel, &err) && !llmops_lint_run(l, &err))
			(void)llmops_lint_findings(l, &n);
		llmops_lint_free(l);
	}
	return 0;
}
