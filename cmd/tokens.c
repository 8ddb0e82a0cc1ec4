/*
 * tokens.c - `llmops tokens`: count (or list) the tokens of files or stdin.
 */
#include "llmops.h"

#include "json.h"
#include "options.h"
#include "output.h"
#include "suggest.h"
#include "tokenfile.h"
#include "workspace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

LLMOPS_USAGE(
	usage, "llmops tokens",
	"Count the tokens of each FILE (or of stdin, with no FILE or '-') with the\n"
	"tiktoken encoding of MODEL (cl100k_base, o200k_base; o200k_base by default).\n"
	"Counts of OpenAI models are exact; other vendors' are estimates and are\n"
	"marked '~'.  Text is encoded as ordinary text: '<|endoftext|>' counts as\n"
	"the characters it is made of, as tiktoken's encode_ordinary does.\n"
	"\n"
	"With --chat, each FILE is a chat request (a JSON array of messages, or an\n"
	"object with \"messages\" and \"tools\") and the count is its prompt tokens:\n"
	"the chat format's overhead, names, tool calls and results, and the tool\n"
	"definitions, as llmops-tokens(1) says how.",
	"llmops tokens [--model MODEL | --encoding ENCODING] [--ids] [--lossy] [--format FORMAT] "
	"[FILE... | -]",
	"llmops tokens --chat [--model MODEL] [--format FORMAT] FILE...");

/* One chat request file counted; prints its own errors.  0 or an exit status. */
static int chat_file(struct llmops_tokenizer *tok, const struct llmops_model_tokens *mt,
		     const char *path, const char *repo, struct llmops_chat_request_count *c)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	cJSON *doc = NULL;
	int rc = 0;
	if (llmops_buf_read_file(&text, path)) {
		llmops_error("tokens: cannot read '%s': %s", path, strerror(errno));
		rc = LLMOPS_EXIT_USAGE;
	} else if (llmops_json_parse(&doc, text.data ? text.data : "", text.len, path, &err)) {
		rc = llmops_report(&err);
	} else if (llmops_count_chat_request(tok, mt, doc, path, repo, c, &err)) {
		llmops_error("tokens: %s", err.msg);
		rc = LLMOPS_EXIT_USAGE;
	}
	cJSON_Delete(doc);
	llmops_buf_release(&text);
	return rc;
}

static cJSON *chat_json(const char *path, const struct llmops_chat_request_count *c)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "path", path);
	LLMOPS_JSON_NUMS(f, {"count", c->total}, {"messages", c->cc.messages}, {"tools", c->tools},
			 {"tool_calls", c->cc.tool_calls}, {"tool_results", c->cc.tool_results},
			 {"images", c->cc.images}, {"images_not_counted", c->cc.images_uncounted});
	return f;
}

/* --chat: the prompt tokens of each chat request file; prints its own errors. */
static int chat_files(struct llmops_tokenizer *tok, const struct llmops_model_tokens *mt,
		      const char *model, char **paths, int n, int json, const char *repo)
{
	cJSON *root = json ? cJSON_CreateObject() : NULL, *files = cJSON_CreateArray();
	long total = 0;
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		struct llmops_chat_request_count c;
		if ((rc = chat_file(tok, mt, paths[i], repo, &c)))
			break;
		total += c.total;
		if (json)
			cJSON_AddItemToArray(files, chat_json(paths[i], &c));
		else
			printf("%s%ld %s (messages %ld, of which tool calls %ld and tool "
			       "results %ld; tool definitions %ld)\n",
			       mt->exact && !c.tools && !c.cc.tool_calls ? "" : "~", c.total,
			       paths[i], c.cc.messages, c.cc.tool_calls, c.cc.tool_results,
			       c.tools);
		if (c.cc.images_uncounted)
			llmops_error("note: %s: %ld image %s not counted (a URL: its size is "
				     "unknown; or a model whose images llmops does not price)",
				     paths[i], c.cc.images_uncounted,
				     c.cc.images_uncounted == 1 ? "part is" : "parts are");
	}
	if (!rc && json) {
		cJSON_AddStringToObject(root, "encoding", mt->encoding);
		if (model)
			cJSON_AddStringToObject(root, "model", model);
		cJSON_AddNumberToObject(root, "count", (double)total);
		cJSON_AddItemToObject(root, "files", files);
		files = NULL;
		if (llmops_emit(stdout, root, LLMOPS_FORMAT_JSON))
			rc = LLMOPS_EXIT_RUNTIME;
	} else if (!rc && n > 1) {
		printf("~%ld total\n", total);
	}
	cJSON_Delete(files);
	cJSON_Delete(root);
	return rc;
}

/* --ids as text: out as they come. */
struct id_printer {
	size_t printed;
};

static void print_ids(struct llmops_token_ids *ids, void *ud)
{
	struct id_printer *p = ud;
	for (size_t i = 0; i < ids->n; i++)
		printf("%s%u", p->printed++ ? " " : "", ids->v[i]);
}

/*
 * Tokenize path ("-" is stdin) a chunk at a time, so that memory stays bounded whatever
 * the input's size.  Ids go to *ids (json) or, when print is set, straight to stdout.
 * Prints its own errors; returns 0 or an exit status.
 */
static int tokenize_input(struct llmops_tokenizer *tok, const char *path, const char *label,
			  unsigned flags, struct llmops_token_ids *ids, int print, size_t *count,
			  size_t *sliced)
{
	struct id_printer p = {0};
	struct llmops_err err = {0};
	FILE *f = stdin;
	int rc;
	if (strcmp(path, "-")) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			llmops_error("tokens: '%s' is a directory (give files, or '-' for stdin)",
				     path);
			return LLMOPS_EXIT_USAGE;
		}
		if (!(f = fopen(path, "rb"))) {
			llmops_error("tokens: cannot read '%s': %s", path, strerror(errno));
			return LLMOPS_EXIT_USAGE;
		}
	}
	rc = llmops_tokenize_file(tok, f, label, flags, ids, print ? print_ids : NULL, &p, count,
				  sliced, &err);
	if (f != stdin)
		fclose(f);
	if (rc == LLMOPS_E_IO)
		llmops_error("tokens: %s", err.msg);
	else if (rc)
		llmops_error("tokens: %s%s", err.msg,
			     err.code == LLMOPS_E_INPUT ? " (--lossy replaces it with U+FFFD)"
							: "");
	return rc == LLMOPS_E_IO ? LLMOPS_EXIT_USAGE : rc ? llmops_exit_for(rc) : 0;
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

/* The plain count of each file (or stdin), with --ids the ids; prints its own errors. */
static int count_files(struct llmops_tokenizer *tok, const struct llmops_model_tokens *mtp,
		       const char *model, char **argv, int n, int json, int show_ids, int lossy)
{
	const struct llmops_model_tokens mt = *mtp;
	struct llmops_token_ids ids = {0};
	cJSON *root = NULL, *files = NULL;
	size_t total = 0, sliced = 0;
	int rc = 0;
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
		if (show_ids && !json && n > 1)
			printf("%s: ", label);
		if ((rc = tokenize_input(tok, argv[i], label, lossy ? LLMOPS_TOK_LOSSY : 0,
					 show_ids ? &ids : NULL, show_ids && !json, &count,
					 &sliced)))
			break;
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
			putchar('\n');
		} else {
			printf("%s%zu %s\n", mt.exact ? "" : "~", count, label);
		}
	}
	if (!rc) {
		if (json) {
			cJSON_SetNumberValue(cJSON_GetObjectItem(root, "count"), (double)total);
			if (sliced)
				cJSON_AddNumberToObject(root, "sliced_pieces", (double)sliced);
			cJSON_AddItemToObject(root, "files", files);
			files = NULL;
			if (llmops_emit(stdout, root, LLMOPS_FORMAT_JSON))
				rc = LLMOPS_EXIT_RUNTIME;
		} else if (!show_ids && n > 1) {
			printf("%s%zu total\n", mt.exact ? "" : "~", total);
		}
		if (!mt.exact && !json)
			fprintf(stderr, "llmops: note: %s\n", mt.basis);
		if (sliced)
			llmops_error(
				"note: text with no break (one pre-token piece) over %u bytes "
				"long is encoded %u bytes at a time to bound memory (%zu slice%s "
				"here); its count may differ from tiktoken's by a few tokens "
				"per slice",
				LLMOPS_TOK_MAX_PIECE, LLMOPS_TOK_MAX_PIECE, sliced,
				sliced == 1 ? "" : "s");
	}
	cJSON_Delete(files);
	cJSON_Delete(root);
	free(ids.v);
	return rc;
}

int cmd_tokens(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *model = NULL, *encoding = NULL, *format = "text";
	int show_ids = 0, lossy = 0, chat = 0;
	const struct llmops_option opts[] = {
		{OPT_STRING, 'm', "model", &model, "MODEL",
		 "count as MODEL does (gpt-4o, gpt-4, claude-sonnet-4, ...)", NULL, 0, 0},
		{OPT_STRING, 'e', "encoding", &encoding, "ENCODING", "cl100k_base or o200k_base",
		 NULL, 0, 0},
		{OPT_FLAG, 0, "ids", &show_ids, NULL, "print the token ids", NULL, 0, 0},
		{OPT_FLAG, 0, "chat", &chat, NULL,
		 "each FILE is a chat request: count its prompt tokens with the overhead", NULL, 0,
		 0},
		{OPT_FLAG, 0, "lossy", &lossy, NULL,
		 "replace invalid UTF-8 with U+FFFD instead of failing", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, -1);
	struct llmops_model_tokens mt = {0};
	struct llmops_tokenizer *tok = NULL;
	struct llmops_err err = {0};
	char *stdin_arg[] = {"-"};
	int rc = 0, json;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
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
	if (chat) {
		if (!n || show_ids || encoding) {
			llmops_error("tokens: --chat counts chat request FILEs for a --model; "
				     "%s",
				     !n ? "give one or more" : "it takes no --ids or --encoding");
			rc = LLMOPS_EXIT_USAGE;
		} else {
			if (!model) { /* the chat overhead is OpenAI's: gpt-4o's by default */
				llmops_model_tokens("gpt-4o", NULL, &mt);
			}
			struct llmops_workspace *ws = NULL;
			/* image parts' paths are the repository's (found with libgit2, set up
			   here: plain counting needs none) */
			if (!ctx->global_init && llmops_global_init(&err))
				rc = llmops_report(&err);
			else
				ctx->global_init = 1;
			if (!rc)
				rc = llmops_ctx_workspace(ctx, &ws);
			if (!rc)
				rc = chat_files(tok, &mt, model, argv, n, json, ws->root);
		}
		llmops_tokenizer_close(tok);
		return rc;
	}
	if (n == 0) {
		argv = stdin_arg;
		n = 1;
	}
	rc = count_files(tok, &mt, model, argv, n, json, show_ids, lossy);
	llmops_tokenizer_close(tok);
	return rc;
}
