/*
 * models.h - which tokenizer counts a model's tokens, and the chat format's
 * overhead.
 *
 * OpenAI models are exact: their encoding is public (tiktoken's
 * model-to-encoding map) and OpenAI documents the chat overhead, so a
 * prompt's count matches the `prompt_tokens` the API bills.  Other
 * vendors' tokenizers are not public (Anthropic, Google, Mistral) or not
 * built in (Llama); their counts are an estimate with the nearest public
 * encoding, and `exact` is 0 so that every output can say so.
 */
#ifndef LLMOPS_MODELS_H
#define LLMOPS_MODELS_H

#include "error.h"

struct llmops_model_tokens {
	const char *encoding; /* "o200k_base" or "cl100k_base"; static */
	int exact;	      /* 1: the vendor's own tokenizer; 0: an estimate */
	const char *vendor;   /* "openai", "anthropic", ...; static */
	const char *basis;    /* for estimates, one line on how they are made; static */
	/* chat-format overhead (OpenAI's "How to count tokens with tiktoken") */
	int per_message; /* tokens around each message */
	int per_name;	 /* extra tokens when a message has a name */
	int per_reply;	 /* tokens that prime the reply */
	/* an image's tokens (image.h): OpenAI's base and per tile (0: not counted), or
	   Anthropic's width x height / 750 */
	long img_base, img_tile;
	int img_anthropic;
	/* OpenAI's patch models (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5-nano):
	   32 px patches, at most 1,536, times this; 0: tiles (img_base, img_tile) */
	double img_patch_mult;
};

/*
 * Look up model (with or without a "vendor:" prefix, e.g. "openai:gpt-4o").
 * vendor_hint (may be NULL) is the vendor a price table gives for a model
 * the built-in list does not know.  Returns 1 and fills *out when known,
 * 0 otherwise.
 */
int llmops_model_tokens(const char *model, const char *vendor_hint,
			struct llmops_model_tokens *out);

struct llmops_tokenizer;
struct cJSON;

/*
 * Tokens a chat request's messages (a cJSON array of {"role", "content",
 * optional "name"}) count as prompt tokens: each message's role and
 * content, mt's overhead per message (and per name), and the reply
 * priming.  *out gets the total.  Errors as llmops_tokenize().
 */
int llmops_count_chat(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
		      const struct cJSON *messages, long *out, struct llmops_err *err);

/* What a chat request's messages count, part by part (see chatcount.c for the sources). */
struct llmops_chat_count {
	long total;	       /* everything below that is counted, overhead included */
	long messages;	       /* the messages with their overhead (the same as total) */
	long tool_calls;       /* of which the assistant's tool calls (ids, names, arguments) */
	long tool_results;     /* of which tool messages, with their overhead */
	long images;	       /* of which image parts (data: URLs of known size, for the model) */
	long images_uncounted; /* image parts not counted: a URL, or a model whose images
				  llmops does not price */
};

/* The same as llmops_count_chat, part by part; content may be parts, messages may carry
   tool_calls and tool_call_id (OpenAI's shape). */
int llmops_count_chat_ex(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
			 const struct cJSON *messages, struct llmops_chat_count *out,
			 struct llmops_err *err);

/*
 * The prompt tokens of tool (function) definitions, OpenAI's shape
 * [{"type": "function", "function": {"name", "description", "parameters"}}],
 * by the accounting of OpenAI's cookbook (chatcount.c): an estimate OpenAI
 * does not document.  *out 0 for none.
 */
int llmops_count_tools(struct llmops_tokenizer *t, const struct llmops_model_tokens *mt,
		       const struct cJSON *tools, long *out, struct llmops_err *err);

/* The model name prefixes this table knows, NULL-terminated; for "did you mean". */
extern const char *const llmops_model_examples[];

#endif
