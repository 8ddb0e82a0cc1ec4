#include "suggest.h"

#include "error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t llmops_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *rows, *pp, *p, *c, d;

	/* three rows: two back (for transpositions), previous, current */
	rows = malloc(3 * (lb + 1) * sizeof(*rows));
	if (!rows)
		return (size_t)-1;
	pp = rows;
	p = rows + lb + 1;
	c = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ai = tolower((unsigned char)a[i - 1]);
			int bj = tolower((unsigned char)b[j - 1]);
			size_t cost = ai != bj;

			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	d = p[lb];
	free(rows);
	return d;
}

int llmops_suggest(struct llmops_strlist *out, const char *word, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, wl = strlen(word);
	size_t *dist;
	int rc = LLMOPS_OK;

	if (!n || !wl)
		return LLMOPS_OK;
	dist = malloc(n * sizeof(*dist));
	if (!dist)
		return LLMOPS_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t cl = strlen(cands[i]), longer = cl > wl ? cl : wl;
		size_t limit = longer / 3 ? longer / 3 : 1;

		dist[i] = llmops_edit_distance(word, cands[i]);
		if (dist[i] == (size_t)-1) {
			free(dist);
			return LLMOPS_E_NOMEM;
		}
		/* a prefix ("led" for "ledger") is as good as a one-letter typo */
		if (wl >= 2 && cl > wl && !strncmp(cands[i], word, wl) && dist[i] > 1)
			dist[i] = 1;
		if (dist[i] > limit)
			dist[i] = (size_t)-1;
		else if (dist[i] < best)
			best = dist[i];
	}
	for (size_t i = 0; i < n && best != (size_t)-1 && !rc; i++)
		if (dist[i] == best)
			rc = llmops_strlist_append(out, cands[i]);
	free(dist);
	return rc;
}
