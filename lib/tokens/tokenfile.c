/*
 * tokenfile.c - counting files and chat requests (tokenfile.h).
 */
#include "tokenfile.h"

#include "image.h"

#include <errno.h>
#include <string.h>

int llmops_tokenize_file(struct llmops_tokenizer *tok, FILE *f, const char *label, unsigned flags,
			 struct llmops_token_ids *ids,
			 void (*on_ids)(struct llmops_token_ids *ids, void *ud), void *ud,
			 size_t *count, size_t *sliced, struct llmops_err *err)
{
	static char chunk[1 << 20];
	struct llmops_tok_stream ts;
	int rc = 0, last = 0;
	llmops_tok_stream_init(&ts);
	*count = 0;
	while (!rc && !last) {
		size_t nread = fread(chunk, 1, sizeof(chunk), f);
		last = nread < sizeof(chunk);
		if (last && ferror(f)) {
			rc = llmops_err_set(err, LLMOPS_E_IO, "cannot read %s: %s", label,
					    strerror(errno));
			break;
		}
		rc = llmops_tokenize_feed(tok, &ts, chunk, nread, last, flags, label, ids, count,
					  err);
		if (!rc && on_ids && ids) { /* out as they come, nothing kept */
			on_ids(ids, ud);
			ids->n = 0;
		}
	}
	*sliced += ts.sliced;
	llmops_tok_stream_release(&ts);
	return rc;
}

int llmops_count_chat_request(struct llmops_tokenizer *tok, const struct llmops_model_tokens *mt,
			      cJSON *doc, const char *label, const char *root,
			      struct llmops_chat_request_count *out, struct llmops_err *err)
{
	int rc = 0;
	memset(out, 0, sizeof(*out));
	cJSON *msgs = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "messages");
	if (!cJSON_IsArray(msgs)) {
		rc = llmops_err_set(err, LLMOPS_E_INPUT,
				    "%s: a chat request is an array of messages or an object with "
				    "\"messages\"",
				    label);
	} else {
		struct llmops_err e = {0};
		if (llmops_images_resolve(msgs, root, &e) ||
		    llmops_count_chat_ex(tok, mt, msgs, &out->cc, &e) ||
		    llmops_count_tools(tok, mt, cJSON_GetObjectItemCaseSensitive(doc, "tools"),
				       &out->tools, &e))
			rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s: %s", label, e.msg);
		out->total = out->cc.total + out->tools;
	}
	return rc;
}
