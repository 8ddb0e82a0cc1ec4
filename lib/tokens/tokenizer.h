/*
 * tokenizer.h - tiktoken-compatible byte-level BPE (cl100k_base, o200k_base).
 *
 * The token ids are exactly those of OpenAI's tiktoken encode_ordinary():
 * text that looks like a special token ("<|endoftext|>") is encoded as
 * ordinary text.  The rank tables are the standard .tiktoken files in
 * lib/data/ (source and SHA-256 in lib/data/README.md), built into the
 * binary: nothing is read or downloaded at run time.
 *
 * Cost is O(n log n) in the worst case (a long piece of one repeated
 * character), O(n) for ordinary text.
 */
#ifndef LLMOPS_TOKENIZER_H
#define LLMOPS_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

/* The built-in encodings' names, NULL-terminated; static. */
extern const char *const llmops_encoding_names[];

/* Invalid UTF-8 is replaced by U+FFFD (one per maximal bad subsequence) instead of failing. */
#define LLMOPS_TOK_LOSSY 1u

struct llmops_tokenizer;

/* Growable array of token ids; the caller owns v (free() it). */
struct llmops_token_ids {
	uint32_t *v;
	size_t n, cap;
};

/*
 * Open a tokenizer for the encoding called `name`.  *out is the caller's:
 * release it with llmops_tokenizer_close().  A tokenizer keeps scratch space
 * and a cache between calls, so reuse one for many texts; it is not safe to
 * use one from two threads at once.  LLMOPS_E_NOTFOUND for an unknown name
 * (the message lists the known ones).
 */
int llmops_tokenizer_open(struct llmops_tokenizer **out, const char *name, struct llmops_err *err);
void llmops_tokenizer_close(struct llmops_tokenizer *t);

/* The encoding's name (static) and its vocabulary size (ordinary tokens). */
const char *llmops_tokenizer_name(const struct llmops_tokenizer *t);
uint32_t llmops_tokenizer_vocab(const struct llmops_tokenizer *t);

/*
 * Tokenize text[0..len).  The ids are appended to *ids when ids is not
 * NULL; *count (when not NULL) gets the number of tokens of this text.
 * Invalid UTF-8 fails with LLMOPS_E_INPUT naming `label`, line, column and
 * byte offset, unless flags has LLMOPS_TOK_LOSSY.
 */
int llmops_tokenize(struct llmops_tokenizer *t, const char *text, size_t len, unsigned flags,
		    const char *label, struct llmops_token_ids *ids, size_t *count,
		    struct llmops_err *err);

/*
 * Streaming: text fed in chunks of any size (a file read piece by piece)
 * gives the same tokens as the whole text in one llmops_tokenize() call,
 * in memory bounded by the chunk size plus LLMOPS_TOK_MAX_PIECE: a chunk's
 * last pre-token piece (and up to 3 bytes of an unfinished UTF-8 sequence)
 * waits for the next chunk, since more text could extend it.
 *
 * The one difference: a single pre-token piece longer than
 * LLMOPS_TOK_MAX_PIECE bytes (a run of one letter, digit-free and
 * space-free, of over a mebibyte, which no natural text has) is encoded in
 * slices of that size cut on character boundaries, where one BPE over the
 * whole piece would need memory and time in proportion to it; the count can
 * then differ from tiktoken's by a few tokens per slice.  `sliced` counts
 * the slices so that callers can say so.
 *
 * Each feed looks again at what is carried over, so chunks far smaller than
 * the text's pieces cost time in proportion to piece length times chunks:
 * feed kibibytes at a time (the CLI feeds a mebibyte).
 *
 * The stream's fields are the library's; init before the first feed and
 * release after the last.  Invalid UTF-8 is reported with its line, column
 * and byte offset in the whole input.
 */
#define LLMOPS_TOK_MAX_PIECE (1u << 20)

struct llmops_tok_stream {
	struct llmops_buf carry; /* input not yet tokenized */
	size_t offset;		 /* input bytes before carry[0] */
	int line, col;		 /* the position of carry[0] */
	size_t sliced;		 /* over-long pieces cut (see above) */
};

void llmops_tok_stream_init(struct llmops_tok_stream *st);
void llmops_tok_stream_release(struct llmops_tok_stream *st);

/*
 * Feed data[0..len) (final: 1 for the last chunk, which may be empty).
 * Ids are appended to *ids when ids is not NULL; *count (when not NULL)
 * is increased by the tokens this call produced.  Errors as for
 * llmops_tokenize(), and LLMOPS_E_NOMEM.
 */
int llmops_tokenize_feed(struct llmops_tokenizer *t, struct llmops_tok_stream *st, const char *data,
			 size_t len, int final, unsigned flags, const char *label,
			 struct llmops_token_ids *ids, size_t *count, struct llmops_err *err);

/*
 * The bytes of token `id` (pointing into the built-in table: do not free),
 * or NULL when id is not an ordinary token of this encoding.
 */
const unsigned char *llmops_token_bytes(const struct llmops_tokenizer *t, uint32_t id, size_t *len);

#endif
