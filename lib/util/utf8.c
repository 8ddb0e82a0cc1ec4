#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t llmops_utf8_invalid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t need;
		unsigned cp, min;

		if (c < 0x80) {
			uint64_t w;
			i++;
			/* ASCII runs eight bytes at a time */
			while (len - i >= 8 && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ULL)))
				i += 8;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return i; /* continuation byte, C0/C1 overlong lead, or F5..FF */
		}
		if (len - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return len;
}

int llmops_utf8_columns(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

void llmops_text_cursor_pos(struct llmops_text_cursor *cur, const char *s, size_t off, int *line,
			    int *col)
{
	size_t nl = (size_t)-1;

	if (cur->line == 0 || off < cur->off) {
		cur->off = cur->line_start = 0;
		cur->line = cur->col = 1;
	}
	for (size_t i = cur->off; i < off; i++) {
		if (s[i] == '\n') {
			cur->line++;
			nl = i;
		}
	}
	if (nl != (size_t)-1) {
		cur->line_start = nl + 1;
		cur->col = llmops_utf8_columns(s + nl + 1, off - nl - 1) + 1;
	} else {
		/* offsets fall on character starts, so the columns add up */
		cur->col += llmops_utf8_columns(s + cur->off, off - cur->off);
	}
	cur->off = off;
	*line = cur->line;
	*col = cur->col;
}

void llmops_text_pos(const char *s, size_t off, int *line, int *col)
{
	size_t start = 0;
	int l = 1;

	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			start = i + 1;
		}
	}
	*line = l;
	*col = llmops_utf8_columns(s + start, off - start) + 1;
}
