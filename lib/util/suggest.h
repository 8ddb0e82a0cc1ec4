/*
 * suggest.h - "did you mean" suggestions by edit distance.
 */
#ifndef LLMOPS_SUGGEST_H
#define LLMOPS_SUGGEST_H

#include "strlist.h"

#include <stddef.h>

/*
 * Optimal-string-alignment distance between a and b (insertions, deletions,
 * substitutions and adjacent transpositions each cost 1), compared
 * case-insensitively for ASCII.  Returns (size_t)-1 on allocation failure.
 */
size_t llmops_edit_distance(const char *a, const char *b);

/*
 * Append to out (caller-owned, caller releases) the candidates nearest to
 * word: those at the smallest distance, provided it is small enough to be
 * a plausible typo (at most a third of the longer word, at least 1; a
 * candidate that starts with word also counts).  cands is an array of n
 * strings, borrowed.  Returns LLMOPS_OK or LLMOPS_E_NOMEM.
 */
int llmops_suggest(struct llmops_strlist *out, const char *word, const char *const *cands,
		   size_t n);

#endif
