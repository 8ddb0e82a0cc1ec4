/*
 * textsafe.c - control characters escaped for display, names checked
 * (textsafe.h).
 */
#include "textsafe.h"

#include "utf8.h"

#include <ctype.h>
#include <string.h>

const char *llmops_label_problem(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n > LLMOPS_LABEL_MAX)
		return "longer than 512 bytes";
	if (memchr(s, 0, n))
		return "a NUL character";
	if (llmops_utf8_invalid(s, n) != n)
		return "not valid UTF-8";
	for (size_t i = 0; i < n; i++)
		if (u[i] < 0x20 || u[i] == 0x7f ||
		    (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f))
			return "a control character";
	return NULL;
}

/* Bytes in the UTF-8 sequence led by c; 0 when c leads none. */
static size_t seq_len(unsigned char c)
{
	return c >= 0xc2 && c <= 0xdf	? 2
	       : c >= 0xe0 && c <= 0xef ? 3
	       : c >= 0xf0 && c <= 0xf4 ? 4
					: 0;
}

size_t llmops_escape_controls(struct llmops_buf *out, const char *s, size_t n, int final)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c == '\n' || c == '\t') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t k = seq_len(c);
			if (k && n - i < k && !final) {
				/* cut at the end of this piece: the rest comes with the next */
				int prefix = 1;
				for (size_t j = i + 1; j < n; j++)
					prefix &= (u[j] & 0xc0) == 0x80;
				if (prefix)
					break;
			}
			if (k && n - i >= k && llmops_utf8_invalid(s + i, k) == k &&
			    !(c == 0xc2 && u[i + 1] <= 0x9f)) {
				i += k;
				continue;
			}
		}
		/* c needs escaping: what ran before it goes out as it is */
		llmops_buf_add(out, s + run, i - run);
		if (c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f) {
			llmops_buf_addf(out, "\\u00%02x", u[i + 1]);
			i += 2;
		} else {
			llmops_buf_addf(out, "\\x%02x", c);
			i++;
		}
		run = i;
	}
	llmops_buf_add(out, s + run, i - run);
	return i;
}

int llmops_word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (!n || n > max)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}
