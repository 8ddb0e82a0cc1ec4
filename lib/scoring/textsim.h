/*
 * textsim.h - text as the similarity metrics see it: Unicode-normalised,
 * case-folded code points and the words among them.
 *
 * Analysis: invalid UTF-8 bytes become U+FFFD; the text is put in NFC and
 * case-folded with Unicode's full folding (utf8proc), so "Straße" and
 * "STRASSE" agree.  A word is a maximal run of letters, marks, numbers and
 * connector punctuation (Unicode categories L*, M*, N*, Pc); each Han,
 * Hiragana, Katakana and Hangul-compatibility character is a word of its
 * own, since those scripts do not put spaces between words.  Everything
 * else (spaces, punctuation, symbols) separates words.
 *
 * Words are compared by a 64-bit hash of their code points; a collision
 * between two different words of one comparison has probability about
 * n^2 / 2^64, negligible for texts of any realistic size.
 */
#ifndef LLMOPS_TEXTSIM_H
#define LLMOPS_TEXTSIM_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

struct llmops_text {
	uint32_t *cp; /* owned: folded code points */
	size_t ncp;
	uint64_t *words; /* owned: hash of each word, in order */
	size_t nwords;
};

/*
 * Analyse s[0..len).  t is the caller's; release it with
 * llmops_text_release() whatever the result.  Errors: LLMOPS_E_NOMEM.
 */
int llmops_text_analyse(struct llmops_text *t, const char *s, size_t len, struct llmops_err *err);
void llmops_text_release(struct llmops_text *t);

/*
 * Sort v[0..n) ascending (a radix sort: the metrics sort many hashes).
 * tmp must have room for n values.
 */
void llmops_sort_u64(uint64_t *v, size_t n, uint64_t *tmp);

/* Mix a 64-bit value (a finaliser for the hashes above). */
uint64_t llmops_mix64(uint64_t h);

#endif
