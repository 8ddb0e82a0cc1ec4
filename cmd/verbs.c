#include "verbs.h"

#include "suggest.h"

#include <string.h>

static void verb_names(const struct llmops_verb *verbs, size_t n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int k = snprintf(out + used, size - used, "%s%s", i ? ", " : "", verbs[i].name);

		used += k > 0 ? (size_t)k : 0;
	}
}

static void print_verbs(FILE *out, const struct llmops_verb *verbs, size_t n)
{
	fputs("\nverbs:\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
}

int llmops_run_verb(const char *command, const struct llmops_verb *verbs, size_t n, int argc,
		    char **argv, struct llmops_ctx *ctx, const struct llmops_usage *usage)
{
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	const char *names[32];
	char all[512];

	verb_names(verbs, n, all, sizeof(all));
	if (llmops_option_dump && argc < 2) {
		for (size_t i = 0; i < n; i++)
			llmops_strlist_appendf(llmops_option_dump, "verb:%s\t%s", verbs[i].name,
					       verbs[i].summary);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2) {
			int k = llmops_parse_options(argc, argv, opts, usage);

			if (k == LLMOPS_OPT_HELP_SHOWN) {
				print_verbs(stdout, verbs, n);
				return 0;
			}
			if (k < 0)
				return LLMOPS_EXIT_USAGE;
		}
		llmops_error("%s: missing verb; one of: %s", command, all);
		llmops_print_usage(stderr, opts, usage);
		print_verbs(stderr, verbs, n);
		return LLMOPS_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1, ctx);
		if (i < sizeof(names) / sizeof(names[0]))
			names[i] = verbs[i].name;
	}
	llmops_suggest(&near, argv[1], names, n < 32 ? n : 32);
	if (near.nr)
		llmops_error("%s: unknown verb '%s'; did you mean '%s'? (one of: %s)", command,
			     argv[1], near.items[0], all);
	else
		llmops_error("%s: unknown verb '%s'; one of: %s", command, argv[1], all);
	llmops_strlist_release(&near);
	return LLMOPS_EXIT_USAGE;
}
