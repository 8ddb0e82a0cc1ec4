#include "frontmatter.h"

#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* Is text[off..] a line holding only "---" (and trailing blanks)? Sets *next. */
static int fence_line(const char *text, size_t len, size_t off, size_t *next)
{
	size_t i = off;

	if (len - off < 3 || memcmp(text + off, "---", 3))
		return 0;
	i += 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i < len && text[i] != '\n')
		return 0;
	*next = i < len ? i + 1 : i;
	return 1;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int add_item(struct llmops_frontmatter *fm, const char *key, size_t klen, const char *val,
		    size_t vlen)
{
	struct llmops_fm_item *items = realloc(fm->items, (fm->n + 1) * sizeof(*items));
	struct llmops_fm_item *it;

	if (!items)
		return -1;
	fm->items = items;
	it = &items[fm->n];
	memset(it, 0, sizeof(*it));
	it->key = dup_range(key, klen);
	it->value = dup_range(val, vlen);
	if (!it->key || !it->value) {
		free(it->key);
		free(it->value);
		return -1;
	}
	fm->n++;
	return 0;
}

int llmops_frontmatter_parse(struct llmops_frontmatter *fm, const char *text, size_t len,
			     const char *label, struct llmops_err *err)
{
	size_t off, next;
	int line = 2;

	memset(fm, 0, sizeof(*fm));
	fm->body_line = 1;
	if (!fence_line(text, len, 0, &off))
		return LLMOPS_OK;
	fm->present = 1;
	for (;; line++) {
		const char *l = text + off, *nl, *colon, *k, *v;
		size_t llen, klen, vlen;

		if (off >= len)
			return llmops_err_at(err, LLMOPS_E_INPUT, label, 1, 1,
					     "front matter opened here is never closed; end it "
					     "with a line holding only '---'");
		if (fence_line(text, len, off, &next)) {
			fm->body_off = next;
			fm->body_line = line + 1;
			return LLMOPS_OK;
		}
		nl = memchr(l, '\n', len - off);
		llen = nl ? (size_t)(nl - l) : len - off;
		next = off + llen + (nl ? 1 : 0);
		while (llen && (l[llen - 1] == '\r' || l[llen - 1] == ' ' || l[llen - 1] == '\t'))
			llen--;
		k = l;
		while (k < l + llen && (*k == ' ' || *k == '\t'))
			k++;
		if (k == l + llen || *k == '#') {
			off = next;
			continue;
		}
		colon = memchr(k, ':', llen - (size_t)(k - l));
		klen = colon ? (size_t)(colon - k) : 0;
		while (klen && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
			klen--;
		if (!colon || !klen)
			return llmops_err_at(err, LLMOPS_E_INPUT, label, line,
					     llmops_utf8_columns(l, (size_t)(k - l)) + 1,
					     "expected 'key: value' in front matter");
		for (size_t i = 0; i < klen; i++) {
			char c = k[i];

			if (!((c >= 'a' && c <= 'z') || c == '_' || (i && c >= '0' && c <= '9')))
				return llmops_err_at(err, LLMOPS_E_INPUT, label, line,
						     llmops_utf8_columns(l, (size_t)(k - l) + i) +
							     1,
						     "front matter key '%.*s' must be lower-case "
						     "letters, digits "
						     "and '_'",
						     (int)klen, k);
		}
		v = colon + 1;
		while (v < l + llen && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(l + llen - v);
		for (size_t i = 0; i < fm->n; i++)
			if (strlen(fm->items[i].key) == klen && !memcmp(fm->items[i].key, k, klen))
				return llmops_err_at(
					err, LLMOPS_E_INPUT, label, line,
					llmops_utf8_columns(l, (size_t)(k - l)) + 1,
					"front matter key '%s' appears twice (first on "
					"line %d)",
					fm->items[i].key, fm->items[i].line);
		if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
			v++;
			vlen -= 2;
		}
		if (add_item(fm, k, klen, v, vlen)) {
			llmops_frontmatter_release(fm);
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
		fm->items[fm->n - 1].line = line;
		fm->items[fm->n - 1].col = llmops_utf8_columns(l, (size_t)(k - l)) + 1;
		fm->items[fm->n - 1].value_col = llmops_utf8_columns(l, (size_t)(v - l)) + 1;
		off = next;
	}
}

void llmops_frontmatter_release(struct llmops_frontmatter *fm)
{
	for (size_t i = 0; i < fm->n; i++) {
		free(fm->items[i].key);
		free(fm->items[i].value);
	}
	free(fm->items);
	memset(fm, 0, sizeof(*fm));
}

const struct llmops_fm_item *llmops_frontmatter_get(const struct llmops_frontmatter *fm,
						    const char *key)
{
	for (size_t i = 0; i < fm->n; i++)
		if (!strcmp(fm->items[i].key, key))
			return &fm->items[i];
	return NULL;
}
