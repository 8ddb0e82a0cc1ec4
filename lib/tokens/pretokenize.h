/*
 * pretokenize.h - the pre-tokenizers of cl100k_base and o200k_base.
 *
 * Each function returns the end of the piece that starts at byte i of
 * s[0..len) (i < len), exactly as tiktoken's split pattern for that
 * encoding would cut it with leftmost-first regex semantics.  The patterns,
 * as tiktoken's packages ship them:
 *
 * cl100k_base
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *    ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * o200k_base
 *   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?|
 *   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?|
 *   \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *
 * Hand-written scanners rather than a regex engine: each alternative's
 * backtracking is worked out once (see the comments in pretokenize.c), so a
 * piece costs one pass over its characters and nothing is quadratic.  The
 * unit tests check them against PCRE2 running the patterns themselves.
 *
 * s must be valid UTF-8 (the tokenizer checks it first).
 */
#ifndef LLMOPS_PRETOKENIZE_H
#define LLMOPS_PRETOKENIZE_H

#include <stddef.h>
#include <stdint.h>

typedef size_t (*llmops_pretok_fn)(const uint8_t *s, size_t len, size_t i);

size_t llmops_pretok_cl100k(const uint8_t *s, size_t len, size_t i);
size_t llmops_pretok_o200k(const uint8_t *s, size_t len, size_t i);

/*
 * Where the run of whitespace (\s) that ends s[0..len) starts (len when s
 * does not end in whitespace).  Both encodings' whitespace rules look
 * across a whole run (\s*[\r\n]+ ends at its last line break), so a
 * streaming caller must not split pieces inside a run more text could
 * extend.  s must be valid UTF-8.
 */
size_t llmops_pretok_space_tail(const uint8_t *s, size_t len);

#endif
