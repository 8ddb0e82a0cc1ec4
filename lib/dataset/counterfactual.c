/*
 * counterfactual.c - bias probes' cases: the swap pairs read and applied,
 * the counterfactual dataset written (counterfactual.h).
 */
#include "counterfactual.h"

#include "json.h"
#include "mem.h"
#include "textsafe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const char llmops_bias_pairs_json[]; /* lib/data/bias_pairs.json, NUL-terminated */

void llmops_swaps_release(struct llmops_swaps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->a[i].name);
		llmops_strlist_release(&s->a[i].from);
		llmops_strlist_release(&s->a[i].to);
	}
	free(s->a);
	memset(s, 0, sizeof(*s));
}

const struct llmops_swap_attr *llmops_swaps_find(const struct llmops_swaps *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->a[i].name, name))
			return &s->a[i];
	return NULL;
}

/* A word of a pair: letters only (ASCII, or any byte of a UTF-8 sequence), so that it is
   one whole word wherever it stands. */
static int word_ok(const char *w)
{
	if (!*w || strlen(w) > 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (!isalpha(*p) && *p < 0x80)
			return 0;
	return 1;
}

/* The attribute named name in s, added when s has none. */
static struct llmops_swap_attr *attr_for(struct llmops_swaps *s, const char *name)
{
	struct llmops_swap_attr *a = (struct llmops_swap_attr *)llmops_swaps_find(s, name), *na;
	if (a)
		return a;
	if (!(na = realloc(s->a, (s->n + 1) * sizeof(*na))))
		return NULL;
	s->a = na;
	a = &s->a[s->n];
	memset(a, 0, sizeof(*a));
	if (!(a->name = strdup(name)))
		return NULL;
	s->n++;
	return a;
}

/* "where: what it must be" at the position of the JSON path steps[0..n) in text. */
static int bad(struct llmops_err *err, const char *text, size_t len, const char *label,
	       const char *const *steps, size_t n, const char *what)
{
	int line = 1, col = 1;
	llmops_json_locate(text, len, steps, n, 1, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col, "%s", what);
}

int llmops_swaps_add_json(struct llmops_swaps *s, const char *text, size_t len, const char *label,
			  struct llmops_err *err)
{
	cJSON *doc = NULL;
	const cJSON *attrs, *a, *pair;
	int rc = llmops_json_parse(&doc, text, len, label, err);
	if (rc)
		return rc;
	const char *steps[4] = {"attributes", NULL, NULL, NULL};
	attrs = cJSON_GetObjectItemCaseSensitive(doc, "attributes");
	if (!cJSON_IsObject(attrs)) {
		rc = bad(err, text, len, label, steps, 0,
			 "an object with \"attributes\": {\"NAME\": [[\"word\", \"other\"], ...]}");
		goto out;
	}
	cJSON_ArrayForEach (a, attrs) {
		struct llmops_swap_attr *at;
		char idx[24];
		int i = 0;
		steps[1] = a->string;
		if (!cJSON_IsArray(a) || !llmops_word_ok(a->string, 60)) {
			rc = bad(err, text, len, label, steps, 2,
				 "an attribute is a name (letters, digits, _ and -) with a list of "
				 "pairs");
			goto out;
		}
		if (!(at = attr_for(s, a->string))) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			goto out;
		}
		cJSON_ArrayForEach (pair, a) {
			const cJSON *x = cJSON_GetArrayItem(pair, 0),
				    *y = cJSON_GetArrayItem(pair, 1);
			snprintf(idx, sizeof(idx), "%d", i++);
			steps[2] = idx;
			if (cJSON_GetArraySize(pair) != 2 || !cJSON_IsString(x) ||
			    !cJSON_IsString(y) || !word_ok(x->valuestring) ||
			    !word_ok(y->valuestring) ||
			    !strcasecmp(x->valuestring, y->valuestring)) {
				rc = bad(err, text, len, label, steps, 3,
					 "a pair is two different words of letters: [\"he\", "
					 "\"she\"]");
				goto out;
			}
			if (llmops_strlist_append(&at->from, x->valuestring) ||
			    llmops_strlist_append(&at->to, y->valuestring)) {
				rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				goto out;
			}
		}
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	if (cJSON_IsString(v) && !s->version[0])
		snprintf(s->version, sizeof(s->version), "%s", v->valuestring);
out:
	cJSON_Delete(doc);
	return rc;
}

int llmops_swaps_builtin(struct llmops_swaps *s, struct llmops_err *err)
{
	return llmops_swaps_add_json(s, llmops_bias_pairs_json, strlen(llmops_bias_pairs_json),
				     "bias_pairs.json", err);
}

/* The word w[0..n) swapped by a (its other side, NULL: none); the first pair wins. */
static const char *other(const struct llmops_swap_attr *a, const char *w, size_t n)
{
	for (size_t i = 0; i < a->from.nr; i++)
		if (strlen(a->from.items[i]) == n && !strncasecmp(a->from.items[i], w, n))
			return a->to.items[i];
	for (size_t i = 0; i < a->to.nr; i++)
		if (strlen(a->to.items[i]) == n && !strncasecmp(a->to.items[i], w, n))
			return a->from.items[i];
	return NULL;
}

/* rep written as w was: all capitals (two letters or more), a capital first (the rest as
   listed), or all small. */
static void add_cased(struct llmops_buf *b, const char *w, size_t n, const char *rep)
{
	int upper = n > 1, first = isupper((unsigned char)w[0]) != 0;
	for (size_t i = 0; i < n; i++)
		if (isalpha((unsigned char)w[i]) && !isupper((unsigned char)w[i]))
			upper = 0;
	for (size_t i = 0; rep[i]; i++) {
		int c = (unsigned char)rep[i];
		if (upper)
			c = toupper(c);
		else if (i == 0)
			c = first ? toupper(c) : tolower(c);
		else if (!first)
			c = tolower(c);
		llmops_buf_addch(b, (char)c);
	}
}

static int letter(unsigned char c)
{
	return isalpha(c) || c >= 0x80;
}

char *llmops_swap_text(const struct llmops_swap_attr *a, const char *s, long *changed)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	const char *p = s;
	while (*p) {
		if (!letter((unsigned char)*p)) {
			llmops_buf_addch(&b, *p++);
			continue;
		}
		const char *w = p;
		while (*p && letter((unsigned char)*p))
			p++;
		const char *rep = other(a, w, (size_t)(p - w));
		if (rep) {
			add_cased(&b, w, (size_t)(p - w), rep);
			(*changed)++;
		} else {
			llmops_buf_add(&b, w, (size_t)(p - w));
		}
	}
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL); /* "" for an empty text, the caller's too */
}

/* Every string in v swapped in place; -1 when out of memory. */
static int swap_all(const struct llmops_swap_attr *a, cJSON *v, long *changed)
{
	cJSON *x;
	if (cJSON_IsString(v)) {
		char *t = llmops_swap_text(a, v->valuestring, changed);
		if (!t || !cJSON_SetValuestring(v, t)) {
			free(t);
			return -1;
		}
		free(t);
		return 0;
	}
	cJSON_ArrayForEach (x, v)
		if (swap_all(a, x, changed))
			return -1;
	return 0;
}

/* A case as a dataset line: {"id", "vars", and its fields but a recorded output}. */
static cJSON *case_json(const struct llmops_case *c, const char *id, long *recorded)
{
	cJSON *o = cJSON_CreateObject(), *f;
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddItemToObject(o, "vars",
			      c->vars ? cJSON_Duplicate(c->vars, 1) : cJSON_CreateObject());
	cJSON_ArrayForEach (f, c->fields) {
		if (!strcmp(f->string, "output") || !strcmp(f->string, "recorded")) {
			(*recorded)++;
			continue;
		}
		if (strcmp(f->string, "id"))
			cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	}
	return o;
}

/* What of a case is swapped: its variables, expected answer and assertions, not its
   metric, threshold or id. */
static int swap_case(const struct llmops_swap_attr *a, cJSON *o, long *changed)
{
	static const char *const keys[] = {"vars", "expected", "assert", "messages", "turns"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cJSON *x = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (x && swap_all(a, x, changed))
			return -1;
	}
	return 0;
}

static int emit(struct llmops_buf *out, const cJSON *o)
{
	char *t = cJSON_PrintUnformatted(o);
	if (!t)
		return -1;
	llmops_buf_adds(out, t);
	llmops_buf_addch(out, '\n');
	free(t);
	return out->oom ? -1 : 0;
}

int llmops_counterfactual_jsonl(const struct llmops_dataset *d, const struct llmops_swaps *s,
				const struct llmops_strlist *attrs, struct llmops_buf *out,
				struct llmops_counterfactual_stats *st, struct llmops_err *err)
{
	const struct llmops_swap_attr *use[64];
	size_t nuse = 0;
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < attrs->nr; i++) {
		const struct llmops_swap_attr *a = llmops_swaps_find(s, attrs->items[i]);
		if (!a) {
			struct llmops_buf known = LLMOPS_BUF_INIT;
			for (size_t k = 0; k < s->n; k++)
				llmops_buf_addf(&known, "%s%s", k ? ", " : "", s->a[k].name);
			llmops_err_set(err, LLMOPS_E_USAGE,
				       "--bias: no attribute '%s' (known: %s; add yours in "
				       "prompts/_bias/NAME.json)",
				       attrs->items[i], known.data ? known.data : "none");
			llmops_buf_release(&known);
			return LLMOPS_E_USAGE;
		}
		if (nuse < sizeof(use) / sizeof(use[0]))
			use[nuse++] = a;
	}
	st->cases = (long)d->n;
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_case *c = &d->cases[i];
		long rec = 0;
		cJSON *orig = case_json(c, c->id, &rec), *alt[64] = {0};
		int nalt = 0, rc = orig ? 0 : -1;
		for (size_t k = 0; k < nuse && !rc; k++) {
			char id[512];
			long changed = 0, r2 = 0;
			snprintf(id, sizeof(id), "%s~%s", c->id, use[k]->name);
			cJSON *x = case_json(c, id, &r2);
			if (!x || swap_case(use[k], x, &changed)) {
				cJSON_Delete(x);
				rc = -1;
			} else if (changed) {
				alt[nalt++] = x;
			} else {
				cJSON_Delete(x);
			}
		}
		if (!rc && nalt) {
			rc = emit(out, orig);
			for (int k = 0; k < nalt && !rc; k++)
				rc = emit(out, alt[k]);
			st->paired++;
			st->made += nalt;
			st->recorded += rec;
		}
		cJSON_Delete(orig);
		for (int k = 0; k < nalt; k++)
			cJSON_Delete(alt[k]);
		if (rc)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	return 0;
}
