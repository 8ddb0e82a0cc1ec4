/*
 * tokenizer.c - byte-level BPE over the built-in rank tables.
 *
 * A text is cut into pieces by the encoding's pre-tokenizer
 * (pretokenize.c); each piece becomes tokens by tiktoken's merge rule:
 * repeatedly merge the adjacent pair whose concatenation has the lowest
 * rank, the leftmost such pair on a tie, until no pair is a token.
 *
 *   - a piece that is itself a token (most words) is one table lookup;
 *   - a short piece uses tiktoken's own loop (scan for the minimum), which
 *     is quadratic in the piece but fastest below a few dozen bytes;
 *   - a long piece (a run of one character, a long CJK sentence, base64)
 *     uses a heap of candidate pairs over a linked list of parts, so it is
 *     O(n log n).  Keys are (rank, start offset), so ties go to the
 *     leftmost pair exactly as in the quadratic loop.
 */
#include "tokenizer.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pretokenize.h"
#include "tokdata.h"
#include "utf8.h"

extern const unsigned char llmops_tokdata_cl100k_base[];
extern const unsigned char llmops_tokdata_o200k_base[];

struct encoding {
	const char *name;
	const unsigned char *blob;
	llmops_pretok_fn pretok;
};

static const struct encoding encodings[] = {
	{"cl100k_base", llmops_tokdata_cl100k_base, llmops_pretok_cl100k},
	{"o200k_base", llmops_tokdata_o200k_base, llmops_pretok_o200k},
};

const char *const llmops_encoding_names[] = {"cl100k_base", "o200k_base", NULL};

#define NO_RANK UINT32_MAX
/* Pieces up to this many bytes use the quadratic loop. */
#define SMALL_PIECE 48

struct part {
	uint32_t start; /* byte offset in the piece */
	uint32_t rank;	/* rank of this part merged with the next, NO_RANK if none */
	uint32_t tok;	/* this part's own token */
	uint32_t next, prev;
};

struct llmops_tokenizer {
	const struct encoding *enc;
	const struct llmops_tokdata_header *hdr;
	const uint32_t *offsets;
	const uint64_t *table;
	const uint32_t *pairs;
	const uint64_t *filter;
	const unsigned char *pool;
	uint32_t mask;
	uint32_t byte_rank[256];
	struct part *parts;
	size_t parts_cap;
	uint64_t *heap;
	size_t heap_cap;
	struct llmops_buf clean; /* lossy mode: the text with bad bytes replaced */
};

/* memcmp(a, b, n) == 0, inlined for the short strings tokens are. */
static inline int same(const unsigned char *a, const unsigned char *b, size_t n)
{
	if (n <= 8) {
		if (n >= 4) {
			uint32_t a0, b0, a1, b1;
			memcpy(&a0, a, 4);
			memcpy(&b0, b, 4);
			memcpy(&a1, a + n - 4, 4);
			memcpy(&b1, b + n - 4, 4);
			return a0 == b0 && a1 == b1;
		}
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	return !memcmp(a, b, n);
}

static uint32_t lookup(const struct llmops_tokenizer *t, const unsigned char *p, size_t n)
{
	if (n > t->hdr->max_token_len)
		return NO_RANK;
	uint64_t h = llmops_tokhash(p, n);
	uint32_t bit = LLMOPS_TOKDATA_FILTER_BIT(h);
	if (!(t->filter[bit >> 6] >> (bit & 63) & 1))
		return NO_RANK;
	const uint64_t key_mask = 0xffff000000000000ull | 0xffull << 18;
	uint64_t want = LLMOPS_TOKDATA_E_TAG(h) | (uint64_t)n << 18;
	for (uint32_t slot = (uint32_t)h & t->mask;; slot = (slot + 1) & t->mask) {
		uint64_t e = t->table[slot];
		if (!e)
			return NO_RANK;
		if ((e & key_mask) == want && same(t->pool + LLMOPS_TOKDATA_E_OFF(e), p, n))
			return LLMOPS_TOKDATA_E_RANK(e);
	}
}

int llmops_tokenizer_open(struct llmops_tokenizer **out, const char *name, struct llmops_err *err)
{
	*out = NULL;
	const struct encoding *enc = NULL;
	for (size_t i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++)
		if (name && !strcmp(encodings[i].name, name))
			enc = &encodings[i];
	if (!enc)
		return llmops_err_set(err, LLMOPS_E_NOTFOUND,
				      "unknown encoding '%s' (known: cl100k_base, o200k_base)",
				      name ? name : "");
	struct llmops_tokenizer *t = calloc(1, sizeof(*t));
	if (!t)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	t->enc = enc;
	t->hdr = (const struct llmops_tokdata_header *)(const void *)enc->blob;
	if (t->hdr->magic != LLMOPS_TOKDATA_MAGIC || t->hdr->version != LLMOPS_TOKDATA_VERSION) {
		free(t);
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "built-in table for %s is damaged (rebuild llmops)", name);
	}
	t->offsets = (const uint32_t *)(const void *)(enc->blob + sizeof(*t->hdr));
	t->table = (const uint64_t *)(const void *)(t->offsets +
						    LLMOPS_TOKDATA_OFFSETS(t->hdr->n_ranks));
	t->mask = (1u << t->hdr->table_bits) - 1;
	t->pairs = (const uint32_t *)(const void *)(t->table + t->mask + 1);
	t->filter = (const uint64_t *)(const void *)(t->pairs + 65536);
	t->pool = (const unsigned char *)(t->filter + (1u << (LLMOPS_TOKDATA_FILTER_BITS - 6)));
	for (int b = 0; b < 256; b++) {
		unsigned char c = (unsigned char)b;
		t->byte_rank[b] = lookup(t, &c, 1);
	}
	llmops_buf_init(&t->clean);
	*out = t;
	return LLMOPS_OK;
}

void llmops_tokenizer_close(struct llmops_tokenizer *t)
{
	if (!t)
		return;
	free(t->parts);
	free(t->heap);
	llmops_buf_release(&t->clean);
	free(t);
}

const char *llmops_tokenizer_name(const struct llmops_tokenizer *t)
{
	return t->enc->name;
}

uint32_t llmops_tokenizer_vocab(const struct llmops_tokenizer *t)
{
	return t->hdr->n_ranks;
}

const unsigned char *llmops_token_bytes(const struct llmops_tokenizer *t, uint32_t id, size_t *len)
{
	if (id >= t->hdr->n_ranks)
		return NULL;
	*len = t->offsets[id + 1] - t->offsets[id];
	return t->pool + t->offsets[id];
}

/* Where tokens go: appended to ids (if any) and counted. */
struct sink {
	struct llmops_token_ids *ids;
	size_t count;
	int oom;
};

static inline void emit(struct sink *k, uint32_t tok)
{
	k->count++;
	if (!k->ids)
		return;
	if (LLMOPS_GROW(k->ids->v, k->ids->n, k->ids->cap, 256)) {
		k->oom = 1;
		return;
	}
	k->ids->v[k->ids->n++] = tok;
}

static int reserve(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *np = realloc(*p, c * size);
	if (!np)
		return -1;
	*p = np;
	*cap = c;
	return 0;
}

/* Rank of p[start..end), a merge candidate. */
static inline uint32_t pair_rank(const struct llmops_tokenizer *t, const unsigned char *p,
				 uint32_t start, uint32_t end)
{
	if (end - start == 2)
		return t->pairs[p[start] << 8 | p[start + 1]];
	return lookup(t, p + start, end - start);
}

/* tiktoken's loop: parts[0..m) in an array; scan for the minimum each time. */
static void bpe_small(struct llmops_tokenizer *t, const unsigned char *p, size_t n, struct sink *k)
{
	struct part *pt = t->parts;
	size_t m = n;
	for (size_t i = 0; i < n; i++) {
		pt[i].start = (uint32_t)i;
		pt[i].tok = t->byte_rank[p[i]];
	}
	pt[n].start = (uint32_t)n;
	for (size_t i = 0; i + 1 < n; i++)
		pt[i].rank = pair_rank(t, p, (uint32_t)i, (uint32_t)i + 2);
	pt[n - 1].rank = NO_RANK;
	for (;;) {
		uint32_t best = NO_RANK;
		size_t bi = 0;
		for (size_t i = 0; i + 1 < m; i++)
			if (pt[i].rank < best) {
				best = pt[i].rank;
				bi = i;
			}
		if (best == NO_RANK)
			break;
		pt[bi].tok = best;
		memmove(&pt[bi + 1], &pt[bi + 2], (m - bi - 1) * sizeof(*pt));
		m--;
		pt[bi].rank =
			bi + 1 < m ? pair_rank(t, p, pt[bi].start, pt[bi + 2].start) : NO_RANK;
		if (bi > 0)
			pt[bi - 1].rank = pair_rank(t, p, pt[bi - 1].start, pt[bi + 1].start);
	}
	for (size_t i = 0; i < m; i++)
		emit(k, pt[i].tok);
}

/* Min-heap of (rank << 32 | start) keys. */
static void heap_push(uint64_t *h, size_t *n, uint64_t key)
{
	size_t i = (*n)++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h[up] <= key)
			break;
		h[i] = h[up];
		i = up;
	}
	h[i] = key;
}

static uint64_t heap_pop(uint64_t *h, size_t *n)
{
	uint64_t top = h[0], last = h[--*n];
	size_t i = 0, m = *n;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= m)
			break;
		if (c + 1 < m && h[c + 1] < h[c])
			c++;
		if (last <= h[c])
			break;
		h[i] = h[c];
		i = c;
	}
	if (m)
		h[i] = last;
	return top;
}

/*
 * Heap merging: part i starts at byte i (parts are indexed by their start,
 * so the key's offset names the part); next/prev link the live parts.
 */
static void bpe_large(struct llmops_tokenizer *t, const unsigned char *p, size_t n, struct sink *k)
{
	struct part *pt = t->parts;
	uint64_t *h = t->heap;
	size_t hn = 0;
	for (uint32_t i = 0; i < n; i++) {
		pt[i].start = i;
		pt[i].tok = t->byte_rank[p[i]];
		pt[i].next = i + 1;
		pt[i].prev = i ? i - 1 : UINT32_MAX;
	}
	for (uint32_t i = 0; i + 1 < n; i++) {
		pt[i].rank = pair_rank(t, p, i, i + 2);
		if (pt[i].rank != NO_RANK)
			heap_push(h, &hn, (uint64_t)pt[i].rank << 32 | i);
	}
	pt[n - 1].rank = NO_RANK;
	while (hn) {
		uint64_t key = heap_pop(h, &hn);
		uint32_t i = (uint32_t)key, r = (uint32_t)(key >> 32);
		if (pt[i].rank != r || pt[i].tok == NO_RANK)
			continue; /* stale: the part merged away or its pair changed */
		uint32_t j = pt[i].next;
		uint32_t after = pt[j].next; /* start of the part after the pair */
		pt[i].tok = r;
		pt[j].tok = NO_RANK; /* dead */
		pt[i].next = after;
		if (after < n)
			pt[after].prev = i;
		pt[i].rank = after < n ? pair_rank(t, p, i, pt[after].next) : NO_RANK;
		if (pt[i].rank != NO_RANK)
			heap_push(h, &hn, (uint64_t)pt[i].rank << 32 | i);
		if (pt[i].prev != UINT32_MAX) {
			uint32_t q = pt[i].prev;
			pt[q].rank = pair_rank(t, p, q, after);
			if (pt[q].rank != NO_RANK)
				heap_push(h, &hn, (uint64_t)pt[q].rank << 32 | q);
		}
	}
	for (uint32_t i = 0; i < n; i = pt[i].next)
		emit(k, pt[i].tok);
}

static int encode_piece(struct llmops_tokenizer *t, const unsigned char *p, size_t n,
			struct sink *k)
{
	if (n == 1) {
		emit(k, t->byte_rank[p[0]]);
		return 0;
	}
	uint32_t r = lookup(t, p, n);
	if (r != NO_RANK) {
		emit(k, r);
		return 0;
	}
	if (reserve((void **)&t->parts, &t->parts_cap, n + 1, sizeof(*t->parts)))
		return -1;
	if (n <= SMALL_PIECE) {
		bpe_small(t, p, n, k);
		return 0;
	}
	/* each merge pushes at most two keys; n initial ones */
	if (reserve((void **)&t->heap, &t->heap_cap, 3 * n, sizeof(*t->heap)))
		return -1;
	bpe_large(t, p, n, k);
	return 0;
}

/*
 * Length of the maximal subpart at s[0] (an invalid sequence): the lead
 * byte plus the continuation bytes that still form a valid prefix, at
 * least 1.  One U+FFFD replaces each, as Unicode recommends (and Python's
 * errors="replace" and the WHATWG decoder do).
 */
static size_t maximal_subpart(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else
		return 1;
	size_t k = 1;
	while (k <= need && k < avail) {
		unsigned char b = s[k];
		if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			break;
		k++;
	}
	return k;
}

/* Copy text to t->clean with each maximal invalid subpart as U+FFFD. */
static int make_clean(struct llmops_tokenizer *t, const char *text, size_t len)
{
	llmops_buf_reset(&t->clean);
	size_t i = 0;
	while (i < len) {
		size_t bad = i + llmops_utf8_invalid(text + i, len - i);
		if (llmops_buf_add(&t->clean, text + i, bad - i))
			return -1;
		if (bad == len)
			break;
		if (llmops_buf_add(&t->clean, "\xef\xbf\xbd", 3))
			return -1;
		i = bad + maximal_subpart((const unsigned char *)text + bad, len - bad);
	}
	return 0;
}

void llmops_tok_stream_init(struct llmops_tok_stream *st)
{
	memset(st, 0, sizeof(*st));
	llmops_buf_init(&st->carry);
	st->line = st->col = 1;
}

void llmops_tok_stream_release(struct llmops_tok_stream *st)
{
	llmops_buf_release(&st->carry);
}

/* Bytes at the end of s[0..n) that begin a UTF-8 sequence more input could finish. */
static size_t unfinished_tail(const unsigned char *s, size_t n)
{
	for (size_t j = 1; j <= 3 && j <= n; j++) {
		unsigned char c = s[n - j];
		if (c < 0x80)
			return 0;
		if (c >= 0xc0) { /* the lead byte: is the rest a valid, too short prefix? */
			size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			return want > j && maximal_subpart(s + n - j, j) == j ? j : 0;
		}
	}
	return 0;
}

/* Move st's position over the n bytes at the start of its carry. */
static void stream_advance(struct llmops_tok_stream *st, size_t n)
{
	const char *s = st->carry.data;
	size_t from = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			st->line++;
			from = i + 1;
			st->col = 1;
		}
	st->col += llmops_utf8_columns(s + from, n - from);
	st->offset += n;
}

/* The length of the longest prefix of s[0..n) that ends on a character boundary, at most max. */
static size_t char_cut(const unsigned char *s, size_t n, size_t max)
{
	size_t k = n < max ? n : max;
	while (k > 0 && k < n && (s[k] & 0xc0) == 0x80)
		k--;
	return k ? k : (n < max ? n : max);
}

int llmops_tokenize_feed(struct llmops_tokenizer *t, struct llmops_tok_stream *st, const char *data,
			 size_t len, int final, unsigned flags, const char *label,
			 struct llmops_token_ids *ids, size_t *count, struct llmops_err *err)
{
	if (len && llmops_buf_add(&st->carry, data, len))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	size_t n = st->carry.len;
	const unsigned char *s = (const unsigned char *)st->carry.data;
	size_t m = n - (final ? 0 : unfinished_tail(s, n));
	size_t bad = m ? llmops_utf8_invalid((const char *)s, m) : 0;
	if (m && bad < m) {
		if (!(flags & LLMOPS_TOK_LOSSY)) {
			struct llmops_tok_stream at = *st;
			int line, col;
			at.offset = 0;
			stream_advance(&at, bad);
			line = at.line;
			col = at.col;
			return llmops_err_at(err, LLMOPS_E_INPUT, label ? label : "<input>", line,
					     col, "invalid UTF-8 at byte offset %zu (byte 0x%02x)",
					     st->offset + bad, s[bad]);
		}
		/* the carry's checked part, cleaned, then what was held back */
		if (make_clean(t, (const char *)s, m) ||
		    llmops_buf_add(&t->clean, (const char *)s + m, n - m))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		llmops_buf_reset(&st->carry);
		if (llmops_buf_add(&st->carry, t->clean.data, t->clean.len))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		m += st->carry.len - n;
		n = st->carry.len;
		s = (const unsigned char *)st->carry.data;
	}
	struct sink k = {ids, 0, 0};
	/* a piece that reaches into the text's trailing whitespace is not final:
	   more whitespace can move where it ends (\s*[\r\n]+ ends at the run's
	   last line break, \s+(?!\S) depends on what follows the run) */
	size_t ws = final ? m : llmops_pretok_space_tail(s, m);
	size_t i = 0;
	while (i < m) {
		size_t e = t->enc->pretok(s, m, i);
		if (e - i > LLMOPS_TOK_MAX_PIECE) {
			size_t cut = char_cut(s + i, e - i, LLMOPS_TOK_MAX_PIECE);
			if (encode_piece(t, s + i, cut, &k))
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			st->sliced++;
			i += cut;
			continue;
		}
		/* o200k's words take a contraction ('ll, 're, ...) after them: a
		   piece is final once 16 bytes (4 characters at least) follow it */
		if (!final && (e > ws || m - e < 16))
			break; /* more text could extend or move it */
		if (encode_piece(t, s + i, e - i, &k))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		i = e;
	}
	if (k.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (i) {
		stream_advance(st, i);
		memmove(st->carry.data, st->carry.data + i, n - i + 1);
		st->carry.len = n - i;
	}
	if (count)
		*count += k.count;
	return LLMOPS_OK;
}

int llmops_tokenize(struct llmops_tokenizer *t, const char *text, size_t len, unsigned flags,
		    const char *label, struct llmops_token_ids *ids, size_t *count,
		    struct llmops_err *err)
{
	size_t bad = llmops_utf8_invalid(text, len);
	if (bad < len) {
		if (!(flags & LLMOPS_TOK_LOSSY)) {
			int line, col;
			llmops_text_pos(text, bad, &line, &col);
			return llmops_err_at(err, LLMOPS_E_INPUT, label ? label : "<input>", line,
					     col, "invalid UTF-8 at byte offset %zu (byte 0x%02x)",
					     bad, (unsigned char)text[bad]);
		}
		if (make_clean(t, text, len))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		text = t->clean.data;
		len = t->clean.len;
	}
	struct sink k = {ids, 0, 0};
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		size_t e = t->enc->pretok(s, len, i);
		if (encode_piece(t, s + i, e - i, &k))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		i = e;
	}
	if (k.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (count)
		*count = k.count;
	return LLMOPS_OK;
}
