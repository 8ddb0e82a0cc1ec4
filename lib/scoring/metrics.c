/*
 * metrics.c - the local similarity metrics (see metrics.h for the
 * definitions and their sources).
 */
#include "metrics.h"

#include "buf.h"
#include "strlist.h"
#include "suggest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const llmops_metric_names[] = {
	"exact", "levenshtein", "jaccard",   "cosine", "rouge_l",
	"bleu",	 "chrf",	"embedding", "judge",  NULL,
};

const char *llmops_metric_name(int m)
{
	return m >= 0 && m < LLMOPS_METRIC_COUNT ? llmops_metric_names[m] : NULL;
}

int llmops_metric_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < LLMOPS_METRIC_COUNT; i++)
		if (!strcmp(s, llmops_metric_names[i]))
			return i;
	if (!strcmp(s, "rouge-l") || !strcmp(s, "rougeL") || !strcmp(s, "rouge"))
		return LLMOPS_METRIC_ROUGE_L;
	if (!strncmp(s, "judge:", 6) && s[6]) /* judge:RUBRIC */
		return LLMOPS_METRIC_JUDGE;
	return -1;
}

const char *llmops_metric_rubric(const char *s)
{
	return s && !strncmp(s, "judge:", 6) && s[6] ? s + 6 : NULL;
}

int llmops_metric_is_local(int m)
{
	return m >= 0 && m < LLMOPS_METRIC_EMBEDDING;
}

/* ------------------------------------------------------------------- idf */

struct llmops_idf {
	uint64_t *keys; /* 0: empty slot (a word hash of 0 is stored as 1) */
	uint32_t *df;
	size_t cap, used;
	size_t ndocs;
};

int llmops_idf_new(struct llmops_idf **out, struct llmops_err *err)
{
	struct llmops_idf *t = calloc(1, sizeof(*t));
	if (t) {
		t->cap = 1024;
		t->keys = calloc(t->cap, sizeof(*t->keys));
		t->df = calloc(t->cap, sizeof(*t->df));
	}
	if (!t || !t->keys || !t->df) {
		llmops_idf_free(t);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

void llmops_idf_free(struct llmops_idf *t)
{
	if (!t)
		return;
	free(t->keys);
	free(t->df);
	free(t);
}

static size_t idf_slot(const struct llmops_idf *t, uint64_t k)
{
	size_t i = (size_t)k & (t->cap - 1);
	while (t->keys[i] && t->keys[i] != k)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int idf_grow(struct llmops_idf *t)
{
	struct llmops_idf n = *t;
	n.cap = t->cap * 2;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.df = calloc(n.cap, sizeof(*n.df));
	if (!n.keys || !n.df) {
		free(n.keys);
		free(n.df);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->keys[i]) {
			size_t j = idf_slot(&n, t->keys[i]);
			n.keys[j] = t->keys[i];
			n.df[j] = t->df[i];
		}
	free(t->keys);
	free(t->df);
	*t = n;
	return 0;
}

static uint32_t idf_df(const struct llmops_idf *t, uint64_t k)
{
	k = k ? k : 1;
	size_t i = idf_slot(t, k);
	return t->keys[i] ? t->df[i] : 0;
}

/* Sorted copy of a text's words (tmp: scratch of the same size). */
static uint64_t *sorted_words(const struct llmops_text *t)
{
	uint64_t *v = malloc((t->nwords + 1) * sizeof(*v) * 2);
	if (!v)
		return NULL;
	if (t->nwords)
		memcpy(v, t->words, t->nwords * sizeof(*v));
	llmops_sort_u64(v, t->nwords, v + t->nwords);
	return v;
}

int llmops_idf_add(struct llmops_idf *t, const char *doc, size_t len, struct llmops_err *err)
{
	struct llmops_text x;
	int rc = llmops_text_analyse(&x, doc, len, err);
	uint64_t *w = rc ? NULL : sorted_words(&x);
	if (!rc && !w)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < x.nwords; i++) {
		if (i && w[i] == w[i - 1])
			continue;
		if ((t->used + 1) * 2 > t->cap && idf_grow(t)) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		uint64_t k = w[i] ? w[i] : 1;
		size_t j = idf_slot(t, k);
		if (!t->keys[j]) {
			t->keys[j] = k;
			t->used++;
		}
		t->df[j]++;
	}
	if (!rc)
		t->ndocs++;
	free(w);
	llmops_text_release(&x);
	return rc;
}

/* --------------------------------------------------------------- helpers */

/* Count of common elements of two sorted multisets (each counted min times). */
static size_t clipped(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, m = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			m++;
			i++;
			j++;
		}
	}
	return m;
}

/* n-gram hashes of seq[0..len) (n >= 1), sorted, into out (room for len + len); count returned. */
static size_t ngrams(const uint64_t *seq, size_t len, unsigned n, uint64_t *out)
{
	if (len < n)
		return 0;
	size_t k = len - n + 1;
	for (size_t i = 0; i < k; i++) {
		uint64_t h = 0x9E3779B97F4A7C15ULL * n;
		for (unsigned j = 0; j < n; j++)
			h = llmops_mix64(h ^ seq[i + j]) + j;
		out[i] = h;
	}
	llmops_sort_u64(out, k, out + k);
	return k;
}

static double both_empty(size_t a, size_t b)
{
	return a == 0 && b == 0 ? 1.0 : 0.0;
}

/* --------------------------------------------------------------- metrics */

static int is_space_cp(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

/* The code point at s[0, n) (n >= 1) and its length; an invalid byte is itself, length 1. */
static uint32_t cp_at(const char *s, size_t n, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	*len = k > 0 ? (size_t)k : 1;
	return k > 0 ? (uint32_t)c : (unsigned char)s[0];
}

/* s[0, *n) without the Unicode white space at its ends (the same set chrf ignores). */
static const char *trim_space(const char *s, size_t *n)
{
	size_t len;
	while (*n && is_space_cp(cp_at(s, *n, &len))) {
		s += len;
		*n -= len;
	}
	while (*n) {
		size_t start = *n - 1, k;
		while (start && *n - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
			start--;
		uint32_t c = cp_at(s + start, *n - start, &k);
		if (start + k != *n || !is_space_cp(c))
			break;
		*n = start;
	}
	return s;
}

/* The texts are the same but for white space at their ends (Unicode's, U+00A0 and U+3000
   included). */
static int exact(const char *a, size_t na, const char *b, size_t nb)
{
	a = trim_space(a, &na);
	b = trim_space(b, &nb);
	return na == nb && (na == 0 || !memcmp(a, b, na));
}

static double levenshtein(const struct llmops_text *a, const struct llmops_text *b, int *nomem)
{
	size_t n = a->ncp, m = b->ncp;
	if (!n || !m)
		return both_empty(n, m);
	if (m > n) { /* the shorter one indexes the row */
		const struct llmops_text *t = a;
		a = b;
		b = t;
		n = a->ncp;
		m = b->ncp;
	}
	size_t *row = malloc((m + 1) * sizeof(*row));
	if (!row) {
		*nomem = 1;
		return 0;
	}
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		uint32_t c = a->cp[i - 1];
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (c != b->cp[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	double d = (double)row[m];
	free(row);
	return 1.0 - d / (double)n;
}

/* distinct values of a sorted array, in place; new length */
static size_t uniq(uint64_t *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

/* The word metrics below are called with words on both sides (the caller applies the wordless
   rule). */
static double jaccard(uint64_t *wa, size_t na, uint64_t *wb, size_t nb)
{
	na = uniq(wa, na);
	nb = uniq(wb, nb);
	size_t inter = clipped(wa, na, wb, nb);
	return (double)inter / (double)(na + nb - inter);
}

static double idf_of(const struct llmops_idf *idf, uint64_t w)
{
	if (!idf || !idf->ndocs)
		return 1.0;
	return log((1.0 + (double)idf->ndocs) / (1.0 + (double)idf_df(idf, w))) + 1.0;
}

static double cosine(const uint64_t *wa, size_t na, const uint64_t *wb, size_t nb,
		     const struct llmops_idf *idf)
{
	double dot = 0, sa = 0, sb = 0;
	size_t i = 0, j = 0;
	/* the same words as often: 1 exactly (the sums below can round to 0.9999999999999999,
	   which fails a threshold of 1) */
	if (na == nb && !memcmp(wa, wb, na * sizeof(*wa)))
		return 1.0;
	while (i < na || j < nb) {
		uint64_t w = i < na && (j >= nb || wa[i] <= wb[j]) ? wa[i] : wb[j];
		double ca = 0, cb = 0;
		while (i < na && wa[i] == w)
			ca++, i++;
		while (j < nb && wb[j] == w)
			cb++, j++;
		double x = idf_of(idf, w);
		dot += ca * cb * x * x;
		sa += ca * ca * x * x;
		sb += cb * cb * x * x;
	}
	double c = dot / (sqrt(sa) * sqrt(sb));
	return c > 1.0 ? 1.0 : c;
}

static double rouge_l(const struct llmops_text *o, const struct llmops_text *e, int *nomem)
{
	size_t n = o->nwords, m = e->nwords;
	size_t *row = calloc(m + 1, sizeof(*row));
	if (!row) {
		*nomem = 1;
		return 0;
	}
	for (size_t i = 1; i <= n; i++) {
		size_t diag = 0;
		uint64_t w = o->words[i - 1];
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			if (w == e->words[j - 1])
				row[j] = diag + 1;
			else if (row[j - 1] > up)
				row[j] = row[j - 1];
			diag = up;
		}
	}
	double lcs = (double)row[m];
	free(row);
	if (lcs == 0)
		return 0;
	double p = lcs / (double)n, r = lcs / (double)m;
	return 2 * p * r / (p + r);
}

static double bleu(const struct llmops_text *o, const struct llmops_text *e, uint64_t *ta,
		   uint64_t *tb)
{
	size_t c = o->nwords, r = e->nwords;
	double logsum = 0;
	for (unsigned n = 1; n <= 4; n++) {
		size_t hn = ngrams(o->words, c, n, ta);
		size_t rn = ngrams(e->words, r, n, tb);
		size_t m = clipped(ta, hn, tb, rn);
		double p;
		if (n == 1) {
			if (m == 0)
				return 0;
			p = (double)m / (double)hn;
		} else {
			p = ((double)m + 1.0) / ((double)hn + 1.0);
		}
		logsum += log(p);
	}
	double bp = c >= r ? 1.0 : exp(1.0 - (double)r / (double)c);
	return bp * exp(logsum / 4.0);
}

/* code points without white space, widened to 64 bits for ngrams() */
static size_t chars(const struct llmops_text *t, uint64_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < t->ncp; i++)
		if (!is_space_cp(t->cp[i]))
			out[k++] = t->cp[i];
	return k;
}

static double chrf(const struct llmops_text *o, const struct llmops_text *e, uint64_t *ca,
		   uint64_t *cb, uint64_t *ta, uint64_t *tb, double same)
{
	size_t na = chars(o, ca), nb = chars(e, cb);
	if (!na || !nb) /* nothing but white space on a side: the texts' own comparison */
		return same;
	double sp = 0, sr = 0;
	int orders = 0;
	for (unsigned n = 1; n <= 6; n++) {
		size_t hn = ngrams(ca, na, n, ta), rn = ngrams(cb, nb, n, tb);
		if (!hn || !rn)
			break;
		size_t m = clipped(ta, hn, tb, rn);
		sp += (double)m / (double)hn;
		sr += (double)m / (double)rn;
		orders++;
	}
	double p = sp / orders, r = sr / orders, beta2 = 4.0;
	if (p == 0 && r == 0)
		return 0;
	return (1 + beta2) * p * r / (beta2 * p + r);
}

int llmops_similarity_many(const int *metrics, size_t nm, const char *output, size_t olen,
			   const char *expected, size_t elen, const struct llmops_idf *idf,
			   double *scores, struct llmops_err *err)
{
	struct llmops_text o = {0}, e = {0};
	uint64_t *scratch = NULL;
	int rc = 0, analysed = 0, nomem = 0;

	for (size_t k = 0; k < nm && !rc; k++) {
		int m = metrics[k];
		if (!llmops_metric_is_local(m)) {
			rc = llmops_err_set(err, LLMOPS_E_USAGE, "'%s' is not a local metric",
					    llmops_metric_name(m) ? llmops_metric_name(m) : "?");
			break;
		}
		if (m == LLMOPS_METRIC_EXACT) {
			scores[k] = exact(output ? output : "", output ? olen : 0,
					  expected ? expected : "", expected ? elen : 0);
			continue;
		}
		if (!analysed) {
			if ((rc = llmops_text_analyse(&o, output, olen, err)) ||
			    (rc = llmops_text_analyse(&e, expected, elen, err)))
				break;
			analysed = 1;
			/* scratch: 2 sorted word lists, 2 char lists, 2 n-gram lists (with tmp) */
			size_t big = (o.ncp > e.ncp ? o.ncp : e.ncp) + 1;
			scratch = malloc(big * 8 * sizeof(*scratch));
			if (!scratch) {
				rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
		}
		size_t big = (o.ncp > e.ncp ? o.ncp : e.ncp) + 1;
		uint64_t *a = scratch, *b = scratch + big, *ta = scratch + 2 * big,
			 *tb = scratch + 4 * big, *tc = scratch + 6 * big;
		/* a text with no word gives the word metrics nothing to count: 1 when the two
		   texts are the same (white space at their ends aside), else 0 ("👍" is not
		   "👎", "" is not "..."); chrf applies it to a side of white space alone */
		int wordless = !o.nwords || !e.nwords;
		double same = wordless ? exact(output ? output : "", output ? olen : 0,
					       expected ? expected : "", expected ? elen : 0)
				       : 0;
		if (wordless && m != LLMOPS_METRIC_LEVENSHTEIN && m != LLMOPS_METRIC_CHRF) {
			scores[k] = same;
			continue;
		}
		switch (m) {
		case LLMOPS_METRIC_LEVENSHTEIN: scores[k] = levenshtein(&o, &e, &nomem); break;
		case LLMOPS_METRIC_JACCARD:
		case LLMOPS_METRIC_COSINE:
			memcpy(a, o.words, o.nwords * sizeof(*a));
			memcpy(b, e.words, e.nwords * sizeof(*b));
			llmops_sort_u64(a, o.nwords, ta);
			llmops_sort_u64(b, e.nwords, ta);
			scores[k] = m == LLMOPS_METRIC_JACCARD
					    ? jaccard(a, o.nwords, b, e.nwords)
					    : cosine(a, o.nwords, b, e.nwords, idf);
			break;
		case LLMOPS_METRIC_ROUGE_L: scores[k] = rouge_l(&o, &e, &nomem); break;
		case LLMOPS_METRIC_BLEU: scores[k] = bleu(&o, &e, ta, tb); break;
		case LLMOPS_METRIC_CHRF: scores[k] = chrf(&o, &e, a, b, ta, tc, same); break;
		default: break;
		}
		if (nomem)
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		else if (scores[k] < 0)
			scores[k] = 0;
		else if (scores[k] > 1)
			scores[k] = 1;
	}
	free(scratch);
	llmops_text_release(&o);
	llmops_text_release(&e);
	return rc;
}

int llmops_similarity(int m, const char *output, size_t olen, const char *expected, size_t elen,
		      const struct llmops_idf *idf, double *score, struct llmops_err *err)
{
	return llmops_similarity_many(&m, 1, output, olen, expected, elen, idf, score, err);
}

int llmops_metric_check(const char *s, const char *where, struct llmops_err *err)
{
	if (!s)
		return llmops_err_set(err, LLMOPS_E_INPUT, "%s: \"metric\" must be a metric name",
				      where);
	int m = llmops_metric_parse(s);
	if (m >= 0)
		return m;
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	struct llmops_buf known = LLMOPS_BUF_INIT;
	size_t n = 0;
	while (llmops_metric_names[n])
		n++;
	(void)llmops_suggest(&near, s, llmops_metric_names, n);
	for (size_t i = 0; i < n; i++)
		llmops_buf_addf(&known, "%s%s", known.len ? ", " : "",
				i == LLMOPS_METRIC_JUDGE ? "judge:RUBRIC" : llmops_metric_names[i]);
	llmops_err_set(err, LLMOPS_E_INPUT, "%s: unknown metric '%s'%s%s%s (known: %s)", where, s,
		       near.nr ? "; did you mean '" : "", near.nr ? near.items[0] : "",
		       near.nr ? "'?" : "", known.data ? known.data : "");
	llmops_strlist_release(&near);
	llmops_buf_release(&known);
	return LLMOPS_E_INPUT;
}
