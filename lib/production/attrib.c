/*
 * attrib.c - a production request's prompt version by its text (attrib.h).
 */
#include "attrib.h"

#include "mem.h"

#include "buf.h"
#include "prompt.h"
#include "strlist.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a variable renders as: a byte no prompt or request text holds. */
#define WILD "\x01"

struct pattern {     /* one rendered message */
	char *role;  /* owned */
	char **frag; /* owned: the literal pieces between wildcards (nfrag = wildcards + 1) */
	size_t *fraglen;
	size_t nfrag;
};

struct version {
	char *name, *version; /* owned */
	struct pattern *msgs; /* owned */
	size_t nmsgs;
	size_t literal; /* bytes of literal text: the more, the more specific */
};

struct llmops_attrib {
	struct version *v;
	size_t n, cap;
};

static void pattern_free(struct pattern *p)
{
	for (size_t i = 0; i < p->nfrag; i++)
		free(p->frag[i]);
	free(p->frag);
	free(p->fraglen);
	free(p->role);
}

void llmops_attrib_free(struct llmops_attrib *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		for (size_t k = 0; k < a->v[i].nmsgs; k++)
			pattern_free(&a->v[i].msgs[k]);
		free(a->v[i].msgs);
		free(a->v[i].name);
		free(a->v[i].version);
	}
	free(a->v);
	free(a);
}

size_t llmops_attrib_count(const struct llmops_attrib *a)
{
	return a ? a->n : 0;
}

/* A message's content as text: a string, or its text parts joined by newlines. */
static void content_text(const cJSON *c, struct llmops_buf *b)
{
	const cJSON *p, *list = cJSON_IsArray(c) ? c : NULL;
	if (cJSON_IsString(c)) {
		llmops_buf_adds(b, c->valuestring);
		return;
	}
	cJSON_ArrayForEach (p, list) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
		if (!cJSON_IsString(t))
			continue;
		if (b->len)
			llmops_buf_addch(b, '\n');
		llmops_buf_adds(b, t->valuestring);
	}
}

static int pattern_make(struct pattern *p, const char *role, const char *text, size_t *literal)
{
	size_t cap = 1;
	for (const char *s = text; (s = strchr(s, WILD[0])); s++)
		cap++;
	memset(p, 0, sizeof(*p));
	if (!(p->role = strdup(role)) || !(p->frag = calloc(cap, sizeof(*p->frag))) ||
	    !(p->fraglen = calloc(cap, sizeof(*p->fraglen))))
		return LLMOPS_E_NOMEM;
	for (const char *s = text;; s++) {
		const char *e = strchr(s, WILD[0]);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!(p->frag[p->nfrag] = strndup(s, n)))
			return LLMOPS_E_NOMEM;
		p->fraglen[p->nfrag++] = n;
		*literal += n;
		if (!e)
			break;
		s = e;
	}
	return 0;
}

/* Partials from the bundle's version object: {"partials": {"NAME": {"text"} | null}}. */
static int partial_of(void *ud, const char *name, struct llmops_buf *src, struct llmops_buf *label,
		      struct llmops_err *err)
{
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(ud, "partials");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(parts, name), "text");
	(void)err;
	if (!cJSON_IsString(t))
		return LLMOPS_E_NOTFOUND;
	llmops_buf_adds(src, t->valuestring);
	llmops_buf_adds(label, name);
	return 0;
}

static int version_make(struct version *out, const char *name, const cJSON *v,
			struct llmops_err *err)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(v, "version");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(v, "text");
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(v, "format");
	struct llmops_strlist vars = LLMOPS_STRLIST_INIT;
	struct llmops_prompt *p = NULL;
	struct llmops_render_opts ro = {partial_of, (void *)v, NULL};
	cJSON *data = NULL, *msgs = NULL, *m;
	char label[300];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsString(ver) || !cJSON_IsString(text))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "bundle: a version of '%s' has no version or text", name);
	snprintf(label, sizeof(label), "%s@%s", name, ver->valuestring);
	if ((rc = llmops_prompt_parse(&p, label, text->valuestring, strlen(text->valuestring),
				      cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "json"),
				      err)))
		return rc;
	if ((rc = llmops_prompt_variables(p, &vars)))
		goto out;
	data = cJSON_CreateObject();
	for (size_t i = 0; i < vars.nr; i++)
		cJSON_AddStringToObject(data, vars.items[i], WILD);
	if ((rc = llmops_prompt_render(p, data, &ro, &msgs, err)))
		goto out;
	if (!(out->name = strdup(name)) || !(out->version = strdup(ver->valuestring)) ||
	    !(out->msgs = calloc((size_t)cJSON_GetArraySize(msgs) + 1, sizeof(*out->msgs)))) {
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach (m, msgs) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
		content_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &b);
		rc = pattern_make(&out->msgs[out->nmsgs++],
				  cJSON_IsString(role) ? role->valuestring : "user", b.data,
				  &out->literal);
		llmops_buf_release(&b);
		if (rc) {
			rc = llmops_err_set(err, rc, "out of memory");
			goto out;
		}
	}
out:
	cJSON_Delete(data);
	cJSON_Delete(msgs);
	llmops_strlist_release(&vars);
	llmops_prompt_free(p);
	return rc;
}

/* Whether a holds name@version already. */
static int has_version(const struct llmops_attrib *a, const char *name, const cJSON *v)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(v, "version");
	for (size_t i = 0; cJSON_IsString(ver) && i < a->n; i++)
		if (!strcmp(a->v[i].name, name) && !strcmp(a->v[i].version, ver->valuestring))
			return 1;
	return 0;
}

int llmops_attrib_add(struct llmops_attrib *a, const cJSON *bundle, struct llmops_err *err)
{
	const cJSON *prompts = cJSON_GetObjectItemCaseSensitive(bundle, "prompts"), *pr, *v;
	int rc = 0;

	cJSON_ArrayForEach (pr, prompts) {
		cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(pr, "versions")) {
			if (has_version(a, pr->string, v))
				continue;
			if (LLMOPS_GROW(a->v, a->n, a->cap, 8))
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			if ((rc = version_make(&a->v[a->n], pr->string, v, err))) {
				struct version *bad = &a->v[a->n];
				for (size_t k = 0; k < bad->nmsgs; k++)
					pattern_free(&bad->msgs[k]);
				free(bad->msgs);
				free(bad->name);
				free(bad->version);
				return rc;
			}
			a->n++;
		}
	}
	return 0;
}

int llmops_attrib_new(struct llmops_attrib **out, const cJSON *bundle, struct llmops_err *err)
{
	struct llmops_attrib *a = calloc(1, sizeof(*a));
	int rc;

	*out = NULL;
	if (!a)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (bundle && (rc = llmops_attrib_add(a, bundle, err))) {
		llmops_attrib_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Whether t[0..n) is p's pieces with any text between them. */
static int text_matches(const struct pattern *p, const char *t, size_t n)
{
	size_t first = p->fraglen[0], last = p->fraglen[p->nfrag - 1];
	if (p->nfrag == 1)
		return n == first && !memcmp(t, p->frag[0], n);
	if (n < first + last || memcmp(t, p->frag[0], first) ||
	    memcmp(t + n - last, p->frag[p->nfrag - 1], last))
		return 0;
	const char *s = t + first, *end = t + n - last;
	for (size_t i = 1; i + 1 < p->nfrag; i++) { /* leftmost is right for '*' alone */
		if (!p->fraglen[i])
			continue;
		const char *hit = memmem(s, (size_t)(end - s), p->frag[i], p->fraglen[i]);
		if (!hit)
			return 0;
		s = hit + p->fraglen[i];
	}
	return 1;
}

static int version_matches(const struct version *v, const cJSON *messages)
{
	int n = cJSON_GetArraySize(messages);
	for (int off = 0; off + (int)v->nmsgs <= n; off++) {
		size_t k;
		for (k = 0; k < v->nmsgs; k++) {
			const cJSON *m = cJSON_GetArrayItem(messages, off + (int)k);
			const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
			struct llmops_buf b = LLMOPS_BUF_INIT;
			int ok;
			if (!cJSON_IsString(role) || strcmp(role->valuestring, v->msgs[k].role))
				break;
			content_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &b);
			ok = text_matches(&v->msgs[k], b.data, b.len);
			llmops_buf_release(&b);
			if (!ok)
				break;
		}
		if (k == v->nmsgs)
			return 1;
	}
	return 0;
}

int llmops_attrib_match(const struct llmops_attrib *a, const cJSON *messages, const char *only_name,
			const char **name, const char **version)
{
	const struct version *best = NULL;
	int tie = 0;
	if (!a || !cJSON_IsArray(messages))
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct version *v = &a->v[i];
		if ((only_name && strcmp(only_name, v->name)) || !v->nmsgs ||
		    (best && v->literal < best->literal) || !version_matches(v, messages))
			continue;
		tie = best && v->literal == best->literal;
		best = v;
	}
	if (!best || tie)
		return 0;
	*name = best->name;
	*version = best->version;
	return 1;
}
