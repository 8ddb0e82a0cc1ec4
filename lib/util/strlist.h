/*
 * strlist.h - a growable list of owned C strings.
 *
 * The list owns every string in it (copied on append) and the array that
 * holds them; llmops_strlist_release() frees both.  items[nr] is NULL, so
 * items can be passed where a NULL-terminated argv is expected.
 */
#ifndef LLMOPS_STRLIST_H
#define LLMOPS_STRLIST_H

#include <stddef.h>

struct llmops_strlist {
	char **items; /* nr strings followed by NULL; NULL only when alloc == 0 */
	size_t nr;    /* strings in use */
	size_t alloc; /* slots allocated */
};

#define LLMOPS_STRLIST_INIT                                                                        \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void llmops_strlist_init(struct llmops_strlist *l);
void llmops_strlist_release(struct llmops_strlist *l);
/* Append a copy of s. Returns LLMOPS_OK or LLMOPS_E_NOMEM. */
int llmops_strlist_append(struct llmops_strlist *l, const char *s);
int llmops_strlist_appendf(struct llmops_strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop every string equal to an earlier one, keeping the order of the
   rest, in O(n log n).  Returns LLMOPS_OK or LLMOPS_E_NOMEM (l unchanged). */
int llmops_strlist_dedupe(struct llmops_strlist *l);
/* Index of the first string equal to s, or -1. */
/* 1 when s ends with suffix. */
int llmops_str_ends_with(const char *s, const char *suffix);

long llmops_strlist_find(const struct llmops_strlist *l, const char *s);
/* The non-empty parts of s between sep characters appended to l ("a,,b" -> a, b).
   LLMOPS_OK or LLMOPS_E_NOMEM. */
int llmops_strlist_split(struct llmops_strlist *l, const char *s, char sep);

#endif
