/*
 * tokenfile.h - counting what `llmops tokens` is given: a file (or stdin)
 * of any size, tokenized a chunk at a time so memory stays bounded, and a
 * chat request file (a JSON array of messages, or an object with
 * "messages" and "tools"), counted with the chat format's overhead.
 */
#ifndef LLMOPS_TOKENS_TOKENFILE_H
#define LLMOPS_TOKENS_TOKENFILE_H

#include "error.h"
#include "models.h"
#include "tokenizer.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/*
 * Tokenize f to its end (label names it in errors).  The ids go to *ids
 * (may be NULL); on_ids, when set, is called after each chunk to take them
 * (then ids->n is reset).  *count gets the tokens, *sliced adds the pieces
 * too long to encode whole.  Errors: LLMOPS_E_IO (reading), LLMOPS_E_INPUT
 * (invalid UTF-8 without LLMOPS_TOK_LOSSY), LLMOPS_E_NOMEM.
 */
int llmops_tokenize_file(struct llmops_tokenizer *tok, FILE *f, const char *label, unsigned flags,
			 struct llmops_token_ids *ids,
			 void (*on_ids)(struct llmops_token_ids *ids, void *ud), void *ud,
			 size_t *count, size_t *sliced, struct llmops_err *err);

/* A chat request's prompt tokens: its messages' (cc) and its tool definitions'. */
struct llmops_chat_request_count {
	struct llmops_chat_count cc;
	long tools; /* the tool definitions' tokens */
	long total; /* cc.total + tools */
};

/*
 * Count the chat request doc (label: its file, for errors, "LABEL: why"; image parts'
 * paths are read under root, their data put into doc).  Errors: LLMOPS_E_INPUT (not a chat
 * request, a message that does not count), LLMOPS_E_NOMEM.
 */
int llmops_count_chat_request(struct llmops_tokenizer *tok, const struct llmops_model_tokens *mt,
			      cJSON *doc, const char *label, const char *root,
			      struct llmops_chat_request_count *out, struct llmops_err *err);

#endif
