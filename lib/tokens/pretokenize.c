/*
 * pretokenize.c - hand-written scanners for the tiktoken split patterns
 * (the patterns are quoted in pretokenize.h).
 *
 * Notation: a "run" of a class is the longest sequence of characters of
 * that class starting at a position.  The regex alternatives are tried in
 * order; for each, the first way a backtracking engine would find to match
 * is derived below, so the scanners return the same pieces.
 */
#include "pretokenize.h"

#include "tokdata.h"

/* Decode the code point at s[i] (valid UTF-8 assumed); *n gets its length. */
static inline uint32_t dec(const uint8_t *s, size_t i, int *n)
{
	uint32_t c = s[i];
	if (c < 0x80) {
		*n = 1;
		return c;
	}
	if (c < 0xe0) {
		*n = 2;
		return ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
	}
	if (c < 0xf0) {
		*n = 3;
		return ((c & 0x0f) << 12) | ((uint32_t)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
	}
	*n = 4;
	return ((c & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3f) << 12) |
	       ((uint32_t)(s[i + 2] & 0x3f) << 6) | (s[i + 3] & 0x3f);
}

/* ASCII classes, so the common case is one table load. */
static const uint8_t ascii_class[128] = {
	['\t'] = LLMOPS_UC_S,
	['\n'] = LLMOPS_UC_S,
	['\v'] = LLMOPS_UC_S,
	['\f'] = LLMOPS_UC_S,
	['\r'] = LLMOPS_UC_S,
	[' '] = LLMOPS_UC_S,
#define D(c) [c] = LLMOPS_UC_N
	D('0'),
	D('1'),
	D('2'),
	D('3'),
	D('4'),
	D('5'),
	D('6'),
	D('7'),
	D('8'),
	D('9'),
#undef D
#define U(c) [c] = LLMOPS_UC_L | LLMOPS_UC_UPPER
	U('A'),
	U('B'),
	U('C'),
	U('D'),
	U('E'),
	U('F'),
	U('G'),
	U('H'),
	U('I'),
	U('J'),
	U('K'),
	U('L'),
	U('M'),
	U('N'),
	U('O'),
	U('P'),
	U('Q'),
	U('R'),
	U('S'),
	U('T'),
	U('U'),
	U('V'),
	U('W'),
	U('X'),
	U('Y'),
	U('Z'),
#undef U
#define W(c) [c] = LLMOPS_UC_L | LLMOPS_UC_LOWER
	W('a'),
	W('b'),
	W('c'),
	W('d'),
	W('e'),
	W('f'),
	W('g'),
	W('h'),
	W('i'),
	W('j'),
	W('k'),
	W('l'),
	W('m'),
	W('n'),
	W('o'),
	W('p'),
	W('q'),
	W('r'),
	W('s'),
	W('t'),
	W('u'),
	W('v'),
	W('w'),
	W('x'),
	W('y'),
	W('z'),
#undef W
};

/* The class bits of the character at s[i]; *n gets its length. */
static inline unsigned cls_at(const uint8_t *s, size_t i, int *n)
{
	if (s[i] < 0x80) {
		*n = 1;
		return ascii_class[s[i]];
	}
	return llmops_uc_class(dec(s, i, n));
}

/* End of the run of characters having any of `bits`, from i. */
static inline size_t run(const uint8_t *s, size_t len, size_t i, unsigned bits)
{
	int n;
	while (i < len && (cls_at(s, i, &n) & bits))
		i += (size_t)n;
	return i;
}

/* "Other": not \s, \p{L} or \p{N} (marks, punctuation, symbols, controls, unassigned). */
#define OTHER_MASK (LLMOPS_UC_S | LLMOPS_UC_L | LLMOPS_UC_N)

static inline size_t run_other(const uint8_t *s, size_t len, size_t i)
{
	int n;
	while (i < len && !(cls_at(s, i, &n) & OTHER_MASK))
		i += (size_t)n;
	return i;
}

/*
 * (?i:'s|'t|'re|'ve|'m|'ll|'d) at s[i] == '\''; returns the match length or
 * 0.  Case-insensitive in Unicode mode: 's' also matches U+017F LONG S.
 */
static size_t contraction(const uint8_t *s, size_t len, size_t i)
{
	if (i + 1 >= len)
		return 0;
	uint8_t c = s[i + 1] | 0x20;
	if (s[i + 1] >= 0x80) {
		if (s[i + 1] == 0xc5 && i + 2 < len && s[i + 2] == 0xbf)
			return 3; /* 'ſ */
		return 0;
	}
	if (c == 's' || c == 't' || c == 'm' || c == 'd')
		return 2;
	if (i + 2 >= len || s[i + 2] >= 0x80)
		return 0;
	uint8_t c2 = s[i + 2] | 0x20;
	if ((c == 'r' && c2 == 'e') || (c == 'v' && c2 == 'e') || (c == 'l' && c2 == 'l'))
		return 3;
	return 0;
}

/* \p{N}{1,3} from i, where s[i] is a number. */
static inline size_t digits3(const uint8_t *s, size_t len, size_t i)
{
	int n;
	for (int k = 0; k < 3 && i < len && (cls_at(s, i, &n) & LLMOPS_UC_N); k++)
		i += (size_t)n;
	return i;
}

/*
 * The three whitespace alternatives, at a whitespace character s[i]:
 *   \s*[\r\n]+  greedy \s* gives back characters until [\r\n]+ can match,
 *               so the match ends just after the LAST CR or LF of the run
 *               (CR and LF are ASCII, so a byte scan backwards finds it);
 *   \s+(?!\S)   the whole run when it reaches the end of the text, else the
 *               run less its last character (if that leaves any);
 *   \s+         the whole run.
 */
static size_t whitespace(const uint8_t *s, size_t len, size_t i)
{
	size_t w = run(s, len, i, LLMOPS_UC_S);
	for (size_t k = w; k > i; k--)
		if (s[k - 1] == '\n' || s[k - 1] == '\r')
			return k;
	if (w == len)
		return w;
	size_t last = w - 1;
	while ((s[last] & 0xc0) == 0x80)
		last--;
	return last > i ? last : w;
}

/* [^\r\n\p{L}\p{N}]: may the character of class k, c0 be an optional prefix? */
static inline int prefix_ok(uint32_t c0, unsigned k)
{
	return c0 != '\r' && c0 != '\n' && !(k & (LLMOPS_UC_L | LLMOPS_UC_N));
}

/*
 * " ?[^\s\p{L}\p{N}]+" then `tail` characters: the optional space is taken
 * only when an "other" character follows it.  Returns 0 when it does not
 * match at i.
 */
static size_t punct(const uint8_t *s, size_t len, size_t i, uint32_t c0, unsigned k0, int slash)
{
	size_t j = i;
	int n;
	if (c0 == ' ' && i + 1 < len && !(cls_at(s, i + 1, &n) & OTHER_MASK))
		j = i + 1;
	else if (k0 & OTHER_MASK)
		return 0;
	j = run_other(s, len, j);
	while (j < len && (s[j] == '\r' || s[j] == '\n' || (slash && s[j] == '/')))
		j++;
	return j;
}

size_t llmops_pretok_space_tail(const uint8_t *s, size_t len)
{
	size_t i = len;
	while (i > 0) {
		size_t start = i - 1;
		int n;
		while (start > 0 && (s[start] & 0xc0) == 0x80)
			start--;
		if (!(cls_at(s, start, &n) & LLMOPS_UC_S))
			break;
		i = start;
	}
	return i;
}

size_t llmops_pretok_cl100k(const uint8_t *s, size_t len, size_t i)
{
	int n0, n1;
	unsigned k0 = cls_at(s, i, &n0);
	uint32_t c0 = s[i];
	size_t e;

	/* (?i:'s|'t|'re|'ve|'m|'ll|'d) */
	if (c0 == '\'' && (e = contraction(s, len, i)))
		return i + e;
	/* [^\r\n\p{L}\p{N}]?\p{L}+: the prefix is tried first, then none */
	if (k0 & LLMOPS_UC_L)
		return run(s, len, i + (size_t)n0, LLMOPS_UC_L);
	if (prefix_ok(c0, k0) && i + (size_t)n0 < len &&
	    (cls_at(s, i + (size_t)n0, &n1) & LLMOPS_UC_L))
		return run(s, len, i + (size_t)n0 + (size_t)n1, LLMOPS_UC_L);
	/* \p{N}{1,3} */
	if (k0 & LLMOPS_UC_N)
		return digits3(s, len, i);
	/*  ?[^\s\p{L}\p{N}]+[\r\n]* */
	if ((e = punct(s, len, i, c0, k0, 0)))
		return e;
	return whitespace(s, len, i);
}

/*
 * [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ from p (first
 * o200k alternative, after its prefix).  The greedy UPPER* takes the whole
 * UPPER run [p,u); if a LOWER character follows, LOWER+ takes its run.
 * Otherwise the engine gives back UPPER characters one by one until LOWER+
 * can start: at the last character q of the run that is also LOWER (Lm, Lo
 * or a mark), and LOWER+ then ends right after q, since every character
 * between q and u is Lu or Lt.  0 when neither exists.
 */
static size_t o200k_lower_word(const uint8_t *s, size_t len, size_t p)
{
	int n;
	size_t q = 0, qn = 0, u = p;
	unsigned k;
	while (u < len && ((k = cls_at(s, u, &n)) & LLMOPS_UC_UPPER)) {
		if (k & LLMOPS_UC_LOWER) {
			q = u;
			qn = (size_t)n;
		}
		u += (size_t)n;
	}
	if (u < len && (cls_at(s, u, &n) & LLMOPS_UC_LOWER))
		return run(s, len, u, LLMOPS_UC_LOWER);
	return qn ? q + qn : 0;
}

/* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* from p; 0 if none. */
static size_t o200k_upper_word(const uint8_t *s, size_t len, size_t p)
{
	size_t u = run(s, len, p, LLMOPS_UC_UPPER);
	return u > p ? run(s, len, u, LLMOPS_UC_LOWER) : 0;
}

size_t llmops_pretok_o200k(const uint8_t *s, size_t len, size_t i)
{
	int n0;
	unsigned k0 = cls_at(s, i, &n0);
	uint32_t c0 = s[i];
	size_t e = 0;
	int pre = prefix_ok(c0, k0) && i + (size_t)n0 < len;

	/*
	 * The two word alternatives, each with its optional prefix tried first
	 * and then without it, in the engine's order; each may end with a
	 * contraction.
	 */
	if ((k0 & (LLMOPS_UC_UPPER | LLMOPS_UC_LOWER)) || pre) {
		if (pre)
			e = o200k_lower_word(s, len, i + (size_t)n0);
		if (!e)
			e = o200k_lower_word(s, len, i);
		if (!e && pre)
			e = o200k_upper_word(s, len, i + (size_t)n0);
		if (!e)
			e = o200k_upper_word(s, len, i);
		if (e) {
			if (e < len && s[e] == '\'')
				e += contraction(s, len, e);
			return e;
		}
	}
	/* \p{N}{1,3} */
	if (k0 & LLMOPS_UC_N)
		return digits3(s, len, i);
	/*  ?[^\s\p{L}\p{N}]+[\r\n/]* */
	if ((e = punct(s, len, i, c0, k0, 1)))
		return e;
	return whitespace(s, len, i);
}
