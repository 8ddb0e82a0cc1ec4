/*
 * tokens.c - `llmops tokens`: count (or list) the tokens of files or stdin.
 */
#include "llmops.h"

#include "buf.h"
#include "models.h"
#include "options.h"
#include "output.h"
#include "suggest.h"
#include "tokenizer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const synopsis[] = {
	"llmops tokens [--model MODEL | --encoding ENCODING] [--ids] [--lossy] [--format FORMAT] "
	"[FILE... | -]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops tokens",
	synopsis,
	"Count the tokens of each FILE (or of stdin, with no FILE or '-') with the\n"
	"tiktoken encoding of MODEL (cl100k_base, o200k_base; o200k_base by default).\n"
	"Counts of OpenAI models are exact; other vendors' are estimates and are\n"
	"marked '~'.  Text is encoded as ordinary text: '<|endoftext|>' counts as\n"
	"the characters it is made of, as tiktoken's encode_ordinary does.",
};

/* Read path ("-" is stdin) into b; prints its own error. */
static int read_input(struct llmops_buf *b, const char *path)
{
	if (!strcmp(path, "-")) {
		char chunk[65536];
		size_t n;
		llmops_buf_reset(b);
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (llmops_buf_add(b, chunk, n)) {
				llmops_error("tokens: out of memory reading stdin");
				return LLMOPS_EXIT_RUNTIME;
			}
		if (ferror(stdin)) {
			llmops_error("tokens: cannot read stdin: %s", strerror(errno));
			return LLMOPS_EXIT_USAGE;
		}
		return 0;
	}
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		llmops_error("tokens: '%s' is a directory (give files, or '-' for stdin)", path);
		return LLMOPS_EXIT_USAGE;
	}
	int rc = llmops_buf_read_file(b, path);
	if (rc) {
		llmops_error("tokens: cannot read '%s': %s", path,
			     rc == LLMOPS_E_NOMEM ? "out of memory" : strerror(errno));
		return rc == LLMOPS_E_NOMEM ? LLMOPS_EXIT_RUNTIME : LLMOPS_EXIT_USAGE;
	}
	return 0;
}

static int unknown_model(const char *model)
{
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	size_t n = 0;
	while (llmops_model_examples[n])
		n++;
	llmops_suggest(&near, model, llmops_model_examples, n);
	if (near.nr) {
		struct llmops_buf s = LLMOPS_BUF_INIT;
		for (size_t i = 0; i < near.nr; i++)
			llmops_buf_addf(&s, "%s'%s'", i ? ", " : "", near.items[i]);
		llmops_error("tokens: unknown model '%s'; did you mean %s? (or give --encoding)",
			     model, s.data);
		llmops_buf_release(&s);
	} else {
		llmops_error("tokens: unknown model '%s': give --encoding cl100k_base or "
			     "o200k_base, or a model such as gpt-4o, gpt-4, claude-sonnet-4",
			     model);
	}
	llmops_strlist_release(&near);
	return LLMOPS_EXIT_USAGE;
}

static void print_ids(const struct llmops_token_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		printf("%s%u", i ? " " : "", ids->v[i]);
	putchar('\n');
}

int cmd_tokens(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *model = NULL, *encoding = NULL, *format = "text";
	int show_ids = 0, lossy = 0;
	const struct llmops_option opts[] = {
		{OPT_STRING, 'm', "model", &model, "MODEL",
		 "count as MODEL does (gpt-4o, gpt-4, claude-sonnet-4, ...)", NULL, 0, 0},
		{OPT_STRING, 'e', "encoding", &encoding, "ENCODING", "cl100k_base or o200k_base",
		 NULL, 0, 0},
		{OPT_FLAG, 0, "ids", &show_ids, NULL, "print the token ids", NULL, 0, 0},
		{OPT_FLAG, 0, "lossy", &lossy, NULL,
		 "replace invalid UTF-8 with U+FFFD instead of failing", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	int n = llmops_parse_options(argc, argv, opts, &usage);
	struct llmops_model_tokens mt = {0};
	struct llmops_tokenizer *tok = NULL;
	struct llmops_err err = {0};
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_token_ids ids = {0};
	char *stdin_arg[] = {"-"};
	cJSON *root = NULL, *files = NULL;
	size_t total = 0;
	int rc = 0, json;

	(void)ctx;
	if (n == LLMOPS_OPT_HELP_SHOWN)
		return 0;
	if (n < 0)
		return LLMOPS_EXIT_USAGE;
	if (model && encoding) {
		llmops_error("tokens: give --model or --encoding, not both");
		return LLMOPS_EXIT_USAGE;
	}
	if (model && !llmops_model_tokens(model, NULL, &mt))
		return unknown_model(model);
	if (!model) {
		mt.encoding = encoding ? encoding : "o200k_base";
		mt.exact = 1;
	}
	if (llmops_tokenizer_open(&tok, mt.encoding, &err)) {
		llmops_error("tokens: %s", err.msg);
		return LLMOPS_EXIT_USAGE;
	}
	json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if (n == 0) {
		argv = stdin_arg;
		n = 1;
	}
	if (json) {
		root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "encoding", mt.encoding);
		if (model)
			cJSON_AddStringToObject(root, "model", model);
		cJSON_AddBoolToObject(root, "estimate", !mt.exact);
		if (!mt.exact)
			cJSON_AddStringToObject(root, "estimate_basis", mt.basis);
		cJSON_AddNumberToObject(root, "count", 0); /* set below, once known */
		files = cJSON_CreateArray();
	}
	for (int i = 0; i < n && !rc; i++) {
		const char *label = strcmp(argv[i], "-") ? argv[i] : "<stdin>";
		size_t count = 0;
		ids.n = 0;
		if ((rc = read_input(&text, argv[i])))
			break;
		if (llmops_tokenize(tok, text.data, text.len, lossy ? LLMOPS_TOK_LOSSY : 0, label,
				    show_ids ? &ids : NULL, &count, &err)) {
			llmops_error("tokens: %s%s", err.msg,
				     err.code == LLMOPS_E_INPUT
					     ? " (--lossy replaces it with U+FFFD)"
					     : "");
			rc = llmops_exit_for(err.code);
			break;
		}
		total += count;
		if (json) {
			cJSON *f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "path", label);
			cJSON_AddNumberToObject(f, "count", (double)count);
			if (show_ids) {
				cJSON *a = cJSON_CreateArray();
				for (size_t k = 0; k < ids.n; k++)
					cJSON_AddItemToArray(a, cJSON_CreateNumber(ids.v[k]));
				cJSON_AddItemToObject(f, "ids", a);
				if (n == 1)
					cJSON_AddItemToObject(root, "ids", cJSON_Duplicate(a, 1));
			}
			cJSON_AddItemToArray(files, f);
		} else if (show_ids) {
			if (n > 1)
				printf("%s: ", label);
			print_ids(&ids);
		} else {
			printf("%s%zu %s\n", mt.exact ? "" : "~", count, label);
		}
	}
	if (!rc) {
		if (json) {
			cJSON_SetNumberValue(cJSON_GetObjectItem(root, "count"), (double)total);
			cJSON_AddItemToObject(root, "files", files);
			files = NULL;
			if (llmops_emit(stdout, root, LLMOPS_FORMAT_JSON))
				rc = LLMOPS_EXIT_RUNTIME;
		} else if (!show_ids && n > 1) {
			printf("%s%zu total\n", mt.exact ? "" : "~", total);
		}
		if (!mt.exact && !json)
			fprintf(stderr, "llmops: note: %s\n", mt.basis);
	}
	cJSON_Delete(files);
	cJSON_Delete(root);
	free(ids.v);
	llmops_buf_release(&text);
	llmops_tokenizer_close(tok);
	return rc;
}
