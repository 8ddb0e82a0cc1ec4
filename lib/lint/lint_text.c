/*
 * lint_text.c - rules over a file's characters: encoding, bidirectional
 * and invisible characters, line endings, trailing whitespace and the
 * final newline; the llmops-disable comments; and --fix for the three
 * rules that can be mended safely.
 */
#include "internal.h"

#include "mem.h"

#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whitespace is data in CSV (quoted cells span lines): no whitespace rules there. */
static int whitespace_rules_apply(const struct lint_file *f)
{
	return !(f->kind == LINT_DATASET && llmops_str_ends_with(f->path, ".csv"));
}

/* ---------------------------------------------------------------- suppressions */

static void add_supp(struct llmops_lint *l, struct lint_file *f, int line, uint64_t rules)
{
	if (f->nsupp && f->supp[f->nsupp - 1].line == line) {
		f->supp[f->nsupp - 1].rules |= rules;
		return;
	}
	if (LLMOPS_GROW(f->supp, f->nsupp, f->capsupp, 8)) {
		l->oom = 1;
		return;
	}
	f->supp[f->nsupp].line = line;
	f->supp[f->nsupp].rules = rules;
	f->nsupp++;
}

/* Rules named in s[0..n) ("a, b c"); none named means every rule. */
static uint64_t parse_rule_list(struct llmops_lint *l, struct lint_file *f, const char *s, size_t n,
				int line, int col)
{
	uint64_t rules = 0;
	size_t i = 0;
	int any = 0;

	while (i < n) {
		char id[64];
		size_t j;
		int r;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		for (j = i; j < n && s[j] != ' ' && s[j] != '\t' && s[j] != ','; j++)
			;
		if (j == i)
			break;
		any = 1;
		snprintf(id, sizeof(id), "%.*s", (int)(j - i < 63 ? j - i : 63), s + i);
		if ((r = llmops_lint_rule_find(id)) >= 0)
			rules |= 1ull << r;
		else
			lint_report(l, f, line, col, LR_TEMPLATE_SYNTAX,
				    "unknown rule '%s' in an llmops-disable comment; `llmops lint "
				    "--list-rules` lists them",
				    id);
		i = j;
	}
	return any ? rules : ~0ull;
}

void lint_scan_suppressions(struct llmops_lint *l, struct lint_file *f)
{
	static const char key[] = "llmops-disable";
	const char *t = f->text, *end = t + f->len, *p = t;

	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		const char *ls = p, *open, *close, *le, *args;
		int line, col, alone, mode = 0; /* 0 line, 1 next line, 2 file */

		while (ls > t && ls[-1] != '\n')
			ls--;
		/* the comment that holds it: "{{!" before on the line, "}}" after */
		open = NULL;
		for (const char *q = p; q >= ls + 3; q--)
			if (q[-3] == '{' && q[-2] == '{' && q[-1] == '!') {
				open = q - 3;
				break;
			}
		if (open && memmem(open, (size_t)(p - open), "}}", 2))
			open = NULL; /* that comment closed before */
		le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			le = end;
		close = memmem(p, (size_t)(le - p), "}}", 2);
		args = p + sizeof(key) - 1;
		p = args;
		if (!open || open < ls || !close)
			continue;
		if (!strncmp(args, "-file", 5)) {
			mode = 2;
			args += 5;
		} else if (!strncmp(args, "-next-line", 10)) {
			mode = 1;
			args += 10;
		}
		if (args < close && *args != ' ' && *args != '\t')
			continue; /* llmops-disabled, llmops-disable-foo: not ours */
		llmops_text_pos(t, (size_t)(open - t), &line, &col);
		{
			uint64_t rules =
				parse_rule_list(l, f, args, (size_t)(close - args), line, col);
			const char *a = ls, *b = close + 2;

			while (a < open && (*a == ' ' || *a == '\t'))
				a++;
			while (b < le && (*b == ' ' || *b == '\t' || *b == '\r'))
				b++;
			alone = a == open && b == le;
			if (mode == 2)
				f->off_rules |= rules;
			if (mode == 0)
				add_supp(l, f, line, rules);
			if (mode == 1 || (mode == 0 && alone))
				add_supp(l, f, line + 1, rules);
		}
	}
}

/* ---------------------------------------------------------------- characters */

/* Decode the (valid) UTF-8 sequence at s; *n gets its length. */
static unsigned decode(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	}
	*n = 4;
	return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
	       (s[3] & 0x3fu);
}

static const char *bidi_name(unsigned c)
{
	switch (c) {
	case 0x202a: return "LEFT-TO-RIGHT EMBEDDING";
	case 0x202b: return "RIGHT-TO-LEFT EMBEDDING";
	case 0x202c: return "POP DIRECTIONAL FORMATTING";
	case 0x202d: return "LEFT-TO-RIGHT OVERRIDE";
	case 0x202e: return "RIGHT-TO-LEFT OVERRIDE";
	case 0x2066: return "LEFT-TO-RIGHT ISOLATE";
	case 0x2067: return "RIGHT-TO-LEFT ISOLATE";
	case 0x2068: return "FIRST STRONG ISOLATE";
	case 0x2069: return "POP DIRECTIONAL ISOLATE";
	default: return NULL;
	}
}

/*
 * Invisible characters worth a finding; prev is the code point before.
 * ZERO WIDTH (NON-)JOINER is needed in Indic and Arabic scripts and emoji,
 * so it counts only after ASCII, where it has no use but hiding.
 */
static const char *invisible_name(unsigned c, unsigned prev, int at_start)
{
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
		return "control character";
	if (c >= 0x80 && c <= 0x9f)
		return "C1 control character";
	switch (c) {
	case 0x00ad: return "SOFT HYPHEN";
	case 0x180e: return "MONGOLIAN VOWEL SEPARATOR";
	case 0x200b: return "ZERO WIDTH SPACE";
	case 0x200c: return prev < 0x80 ? "ZERO WIDTH NON-JOINER" : NULL;
	case 0x200d: return prev < 0x80 ? "ZERO WIDTH JOINER" : NULL;
	case 0x2060: return "WORD JOINER";
	case 0x2061:
	case 0x2062:
	case 0x2063:
	case 0x2064: return "invisible mathematical operator";
	case 0xfeff: return at_start ? "BYTE ORDER MARK" : "ZERO WIDTH NO-BREAK SPACE";
	case 0x115f:
	case 0x1160:
	case 0x3164:
	case 0xffa0: return "HANGUL FILLER";
	default: break;
	}
	if (c >= 0xe0000 && c <= 0xe007f)
		return "TAG character (can spell hidden ASCII text)";
	if (c >= 0xe0100 && c <= 0xe01ef)
		return "VARIATION SELECTOR SUPPLEMENT character (can carry hidden data)";
	return NULL;
}

static void report_encoding(struct llmops_lint *l, const struct lint_file *f)
{
	size_t bad = llmops_utf8_invalid(f->text, f->len), nbad = 0, off = bad;

	while (off < f->len) {
		nbad++;
		off++;
		off += llmops_utf8_invalid(f->text + off, f->len - off);
	}
	lint_report_at(l, f, bad, LR_UNICODE_ENCODING,
		       "not UTF-8: byte 0x%02x at offset %zu%s; save the file as UTF-8",
		       (unsigned char)f->text[bad], bad, nbad > 1 ? " and more after it" : "");
}

static void character_rules(struct llmops_lint *l, const struct lint_file *f)
{
	const unsigned char *s = (const unsigned char *)f->text;
	unsigned prev = 0;
	size_t i = 0;
	int tags_reported = 0;

	while (i < f->len) {
		unsigned c;
		size_t n;
		const char *what;

		if (s[i] >= 0x20 && s[i] < 0x7f) {
			prev = s[i++];
			continue;
		}
		if (s[i] >= 0x80 && !f->utf8_ok &&
		    llmops_utf8_invalid(f->text + i, f->len - i) == 0) {
			i++; /* a bad byte: reported once by report_encoding() */
			continue;
		}
		c = decode(s + i, &n);
		if ((what = bidi_name(c)))
			lint_report_at(l, f, i, LR_UNICODE_BIDI,
				       "U+%04X %s: it reorders how the text around it is shown, "
				       "so what a reviewer reads is not what the model gets",
				       c, what);
		else if ((what = invisible_name(c, prev, i == 0))) {
			int tag = c >= 0xe0000 && c <= 0xe007f;

			if (!tag || !tags_reported++)
				lint_report_at(l, f, i, LR_UNICODE_INVISIBLE,
					       "U+%04X %s: invisible in editors and reviews; "
					       "remove it",
					       c, what);
		}
		prev = c;
		i += n;
	}
}

static void line_rules(struct llmops_lint *l, const struct lint_file *f)
{
	const char *t = f->text;
	size_t crlf = 0, lf = 0, cr = 0, i, ls = 0;
	int line = 1, first_lf = 0, first_crlf = 0, first_cr = 0;

	for (i = 0; i < f->len; i++) {
		size_t e;

		if (t[i] != '\n' && t[i] != '\r')
			continue;
		e = i;
		if (t[i] == '\r' && i + 1 < f->len && t[i + 1] == '\n') {
			crlf++;
			if (!first_crlf)
				first_crlf = line;
		} else if (t[i] == '\r') {
			cr++;
			if (!first_cr)
				first_cr = line;
		} else {
			lf++;
			if (!first_lf)
				first_lf = line;
		}
		if (e > ls && (t[e - 1] == ' ' || t[e - 1] == '\t') &&
		    lint_on(l, LR_TRAILING_WHITESPACE)) {
			size_t w = e;

			while (w > ls && (t[w - 1] == ' ' || t[w - 1] == '\t'))
				w--;
			lint_report(l, f, line, llmops_utf8_columns(t + ls, w - ls) + 1,
				    LR_TRAILING_WHITESPACE, "trailing whitespace (%zu character%s)",
				    e - w, e - w == 1 ? "" : "s");
		}
		if (t[i] == '\r' && i + 1 < f->len && t[i + 1] == '\n')
			i++;
		line++;
		ls = i + 1;
	}
	if (ls < f->len && (t[f->len - 1] == ' ' || t[f->len - 1] == '\t') &&
	    lint_on(l, LR_TRAILING_WHITESPACE)) {
		size_t w = f->len;

		while (w > ls && (t[w - 1] == ' ' || t[w - 1] == '\t'))
			w--;
		lint_report(l, f, line, llmops_utf8_columns(t + ls, w - ls) + 1,
			    LR_TRAILING_WHITESPACE, "trailing whitespace (%zu character%s)",
			    f->len - w, f->len - w == 1 ? "" : "s");
	}
	if ((crlf > 0) + (lf > 0) + (cr > 0) > 1) {
		/* point at the first line that breaks the majority's convention */
		int at = crlf >= lf ? (lf ? first_lf : first_cr) : (crlf ? first_crlf : first_cr);

		lint_report(l, f, at, 1, LR_LINE_ENDINGS,
			    "mixed line endings: %zu CRLF, %zu LF%s%.0zu%s; use one (--fix "
			    "converts to the most common)",
			    crlf, lf, cr ? ", " : "", cr, cr ? " lone CR" : "");
	}
	if (f->len && t[f->len - 1] != '\n')
		lint_report(l, f, line, llmops_utf8_columns(t + ls, f->len - ls) + 1,
			    LR_FINAL_NEWLINE, "no newline at the end of the file");
}

void lint_text_rules(struct llmops_lint *l, struct lint_file *f)
{
	if (!f->utf8_ok && lint_on(l, LR_UNICODE_ENCODING))
		report_encoding(l, f);
	if (lint_on(l, LR_UNICODE_BIDI) || lint_on(l, LR_UNICODE_INVISIBLE))
		character_rules(l, f);
	if (whitespace_rules_apply(f))
		line_rules(l, f);
}

/* ---------------------------------------------------------------- --fix */

int lint_fix_text(const struct llmops_lint *l, const struct lint_file *f, struct llmops_buf *out,
		  int *changed)
{
	const char *t = f->text;
	size_t crlf = 0, lf = 0, i = 0;
	int line = 1, mixed, use_crlf, fix_ws = lint_on(l, LR_TRAILING_WHITESPACE);
	int fix_eol = lint_on(l, LR_LINE_ENDINGS), fix_nl = lint_on(l, LR_FINAL_NEWLINE);

	*changed = 0;
	if (!whitespace_rules_apply(f))
		return LLMOPS_OK;
	for (i = 0; i < f->len; i++) {
		if (t[i] == '\r' && i + 1 < f->len && t[i + 1] == '\n') {
			crlf++;
			i++;
		} else if (t[i] == '\n' || t[i] == '\r') {
			lf++;
		}
	}
	mixed = crlf && lf;
	use_crlf = crlf > lf;
	for (i = 0; i < f->len;) {
		size_t e = i, w, next;
		const char *eol;

		while (e < f->len && t[e] != '\n' && t[e] != '\r')
			e++;
		if (e == f->len)
			eol = "", next = e;
		else if (t[e] == '\r' && e + 1 < f->len && t[e + 1] == '\n')
			eol = "\r\n", next = e + 2;
		else
			eol = t[e] == '\r' ? "\r" : "\n", next = e + 1;
		w = e;
		if (fix_ws && !lint_silenced(f, line, LR_TRAILING_WHITESPACE))
			while (w > i && (t[w - 1] == ' ' || t[w - 1] == '\t'))
				w--;
		llmops_buf_add(out, t + i, w - i);
		if (*eol && mixed && fix_eol && !lint_silenced(f, line, LR_LINE_ENDINGS))
			eol = use_crlf ? "\r\n" : "\n";
		else if (!*eol && w > i && fix_nl && !lint_silenced(f, line, LR_FINAL_NEWLINE))
			eol = use_crlf ? "\r\n" : "\n";
		llmops_buf_adds(out, eol);
		line++;
		i = next;
	}
	if (out->oom)
		return LLMOPS_E_NOMEM;
	*changed = out->len != f->len || memcmp(out->data, f->text, f->len);
	return LLMOPS_OK;
}
