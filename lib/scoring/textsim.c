/*
 * textsim.c - Unicode analysis for the similarity metrics (see textsim.h).
 */
#include "textsim.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

uint64_t llmops_mix64(uint64_t h)
{
	/* the finaliser of MurmurHash3's 64-bit variant (public domain constants) */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void llmops_text_release(struct llmops_text *t)
{
	if (!t)
		return;
	free(t->cp);
	free(t->words);
	memset(t, 0, sizeof(*t));
}

/* A copy of s with every invalid UTF-8 sequence replaced by U+FFFD. */
static char *sanitize(const char *s, size_t len, size_t *outlen)
{
	char *o = malloc(len * 3 + 1), *p = o;
	size_t i = 0;
	if (!o)
		return NULL;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0) { /* NUL also counts as bad: utf8proc_map stops at it */
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
			i++;
			continue;
		}
		memcpy(p, s + i, (size_t)n);
		p += n;
		i += (size_t)n;
	}
	*p = 0;
	*outlen = (size_t)(p - o);
	return o;
}

/* ASCII word characters: 0-9, A-Z, a-z, _ */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1,
	['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
	['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1,
	['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1,
	['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1,
	['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

static int is_word_cp(uint32_t c)
{
	if (c < 0x80)
		return ascii_word[c];
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_PC: return 1;
	default: return 0;
	}
}

/* Characters of scripts written without spaces: each is a word by itself. */
static int is_solo_cp(uint32_t c)
{
	return c >= 0x3040 && ((c >= 0x3040 && c <= 0x30FF) ||	 /* Hiragana, Katakana */
			       (c >= 0x3400 && c <= 0x4DBF) ||	 /* CJK Extension A */
			       (c >= 0x4E00 && c <= 0x9FFF) ||	 /* CJK Unified Ideographs */
			       (c >= 0xF900 && c <= 0xFAFF) ||	 /* CJK Compatibility Ideographs */
			       (c >= 0x3130 && c <= 0x318F) ||	 /* Hangul Compatibility Jamo */
			       (c >= 0x20000 && c <= 0x3134F) || /* CJK Extensions B-G */
			       (c >= 0xFF66 && c <= 0xFF9F));	 /* half-width Katakana */
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

/* 1 when s[0..len) is ASCII without NUL: NFC and case folding only lower A-Z there. */
static int plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] - 1u >= 0x7Fu) /* 0 or >= 0x80 */
			return 0;
	return 1;
}

/* The folded code points of s into t->cp (and room for the words); 0 or an error. */
static int fold(struct llmops_text *t, const char *s, size_t len, size_t *n_out,
		struct llmops_err *err)
{
	if (plain_ascii(s, len)) { /* the common case, without utf8proc's tables */
		t->cp = malloc((len + 1) * sizeof(*t->cp));
		t->words = malloc((len / 2 + 1) * sizeof(*t->words));
		if (!t->cp || !t->words)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		for (size_t i = 0; i < len; i++) {
			uint32_t c = (unsigned char)s[i];
			t->cp[i] = c >= 'A' && c <= 'Z' ? c + 32 : c;
		}
		t->ncp = len;
		*n_out = len;
		return 0;
	}
	size_t clen = 0;
	utf8proc_uint8_t *folded = NULL;
	char *clean = sanitize(s, len, &clen);
	if (!clean)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	utf8proc_ssize_t n =
		utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)clen, &folded,
			     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	free(clean);
	if (n < 0)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "cannot normalise text: %s",
				      utf8proc_errmsg(n));
	t->cp = malloc(((size_t)n + 1) * sizeof(*t->cp));
	t->words = malloc(((size_t)n / 2 + 1) * sizeof(*t->words));
	if (!t->cp || !t->words) {
		free(folded);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(folded + i, n - i, &c);
		if (k <= 0)
			break; /* cannot happen: utf8proc_map's output is valid */
		t->cp[t->ncp++] = (uint32_t)c;
		i += k;
	}
	free(folded);
	*n_out = (size_t)n;
	return 0;
}

int llmops_text_analyse(struct llmops_text *t, const char *s, size_t len, struct llmops_err *err)
{
	size_t n = 0;
	memset(t, 0, sizeof(*t));
	int rc = fold(t, s ? s : "", s ? len : 0, &n, err);
	if (rc)
		return rc;

	/* words */
	size_t cap = n / 2 + 1;
	for (size_t i = 0; i < t->ncp;) {
		uint32_t c = t->cp[i];
		if (c < 0x80 && !ascii_word[c]) { /* the common case, without the call */
			i++;
			continue;
		}
		if (!is_word_cp(c)) {
			i++;
			continue;
		}
		uint64_t h = FNV_OFFSET;
		if (c < 0x80) {
			while (i < t->ncp && t->cp[i] < 0x80 && ascii_word[t->cp[i]]) {
				h = (h ^ t->cp[i]) * FNV_PRIME;
				i++;
			}
			while (i < t->ncp && is_word_cp(t->cp[i]) && !is_solo_cp(t->cp[i])) {
				h = (h ^ t->cp[i]) * FNV_PRIME;
				i++;
			}
		} else if (is_solo_cp(c)) {
			h = (h ^ c) * FNV_PRIME;
			i++;
		} else {
			while (i < t->ncp && is_word_cp(t->cp[i]) && !is_solo_cp(t->cp[i])) {
				h = (h ^ t->cp[i]) * FNV_PRIME;
				i++;
			}
		}
		if (t->nwords == cap) {
			uint64_t *w = realloc(t->words, 2 * cap * sizeof(*w));
			if (!w)
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			t->words = w;
			cap *= 2;
		}
		t->words[t->nwords++] = llmops_mix64(h);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void llmops_sort_u64(uint64_t *v, size_t n, uint64_t *tmp)
{
	if (n < 2)
		return;
	if (n < 256) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	/* LSD radix sort, 8 passes of 8 bits; an even number of passes ends in v */
	uint64_t *src = v, *dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = {0};
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		size_t sum = 0;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		uint64_t *x = src;
		src = dst;
		dst = x;
	}
}
