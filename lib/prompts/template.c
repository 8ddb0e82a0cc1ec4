/*
 * template.c - a mustache parser and renderer (see template.h).
 *
 * Parsing turns the source into a tree of nodes once; the tree keeps each
 * tag's position so that later errors and lint findings can point at it.
 * Standalone tags (a section, inverted, closing, comment, partial or
 * set-delimiter tag alone on its line) are resolved at parse time: their
 * whole line, newline included, is dropped, and a standalone partial keeps
 * the line's indentation to prefix every line of the partial.
 */
#include "template.h"

#include "mem.h"

#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_type { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_COMMENT };

struct node {
	int type;	     /* enum node_type */
	int line, col;	     /* where the tag (or text) starts */
	char *str;	     /* text, variable/section/partial name, comment */
	size_t len;	     /* bytes in str */
	char *indent;	     /* N_PARTIAL: standalone indentation, else NULL */
	struct node *kids;   /* N_SECTION, N_INVERTED: the contents */
	size_t nkids, akids; /* used and allocated entries of kids */
};

struct llmops_template {
	struct node root; /* an N_SECTION holding the whole template */
	char *label;	  /* the source's name in errors */
};

#define MAX_DELIM	  32
#define MAX_PARTIAL_DEPTH 64

/* ---- parsing ---- */

struct parser {
	const char *src;      /* whole source */
	size_t len;	      /* its length */
	const char *label;    /* for errors */
	int line0, col0;      /* position of src[0] */
	char otag[MAX_DELIM]; /* current opening delimiter */
	char ctag[MAX_DELIM]; /* current closing delimiter */
	size_t olen, clen;    /* their lengths */
	struct llmops_err *err;
	struct llmops_text_cursor pos; /* positions in one pass, not one each */
};

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n->indent);
}

static void pos_of(struct parser *p, size_t off, int *line, int *col)
{
	llmops_text_cursor_pos(&p->pos, p->src, off, line, col);
	if (*line == 1)
		*col += p->col0 - 1;
	*line += p->line0 - 1;
}

static int perr(struct parser *p, size_t off, const char *fmt, const char *a, const char *b)
{
	char msg[512];
	int line, col;

	pos_of(p, off, &line, &col);
	snprintf(msg, sizeof(msg), fmt, a, b ? b : "");
	return llmops_err_at(p->err, LLMOPS_E_INPUT, p->label, line, col, "%s", msg);
}

static struct node *add_kid(struct node *parent, int type, const char *s, size_t len)
{
	struct node *n;

	if (LLMOPS_GROW(parent->kids, parent->nkids, parent->akids, 8))
		return NULL;
	n = &parent->kids[parent->nkids];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->str = malloc(len + 1);
	if (!n->str)
		return NULL;
	memcpy(n->str, s, len);
	n->str[len] = '\0';
	n->len = len;
	parent->nkids++;
	return n;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
	if (m == 0 || n < m)
		return NULL;
	for (size_t i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

/* Trim whitespace from both ends of s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len)
{
	while (*len && is_space(*s))
		s++, (*len)--;
	while (*len && is_space(s[*len - 1]))
		(*len)--;
	return s;
}

static int set_delimiters(struct parser *p, const char *s, size_t n, size_t tag_off)
{
	const char *a = trim(s, &n), *b;
	size_t alen = 0, blen;

	while (alen < n && !is_space(a[alen]))
		alen++;
	b = a + alen;
	blen = n - alen;
	b = trim(b, &blen);
	for (size_t i = 0; i < blen; i++)
		if (is_space(b[i]))
			blen = 0;
	if (!alen || !blen || alen >= MAX_DELIM || blen >= MAX_DELIM || memchr(a, '=', alen) ||
	    memchr(b, '=', blen))
		return perr(p, tag_off,
			    "malformed set-delimiter tag; write it as {{=<%% %%>=}}: two "
			    "delimiters without spaces or '=' in them, separated by a space%s%s",
			    "", NULL);
	memcpy(p->otag, a, alen);
	p->otag[alen] = '\0';
	p->olen = alen;
	memcpy(p->ctag, b, blen);
	p->ctag[blen] = '\0';
	p->clen = blen;
	return LLMOPS_OK;
}

/*
 * The body of the parser: one pass over the source, a stack of open
 * sections (stack[0] is the root).  `text_from` is where the pending
 * literal text starts; `line_start` is the start of the current line and
 * `line_tags` the tags seen on it, for the standalone rule.
 */
/* The sections open while parsing: node[0] is the root, at[] where each opened. */
struct sections {
	struct node **node;
	size_t *at;
	size_t depth, cap;
};

static int sections_push(struct sections *s, struct node *n, size_t at)
{
	if (s->depth + 1 >= s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct node **ns = realloc(s->node, nc * sizeof(*ns));
		if (!ns)
			return -1;
		s->node = ns;
		size_t *na = realloc(s->at, nc * sizeof(*na));
		if (!na)
			return -1;
		s->at = na;
		s->cap = nc;
	}
	s->node[++s->depth] = n;
	s->at[s->depth] = at;
	return 0;
}

/* One tag of the source. */
struct tag {
	size_t at;		 /* its opening delimiter */
	size_t inner, inner_len; /* what is between the delimiters */
	size_t end;		 /* just past its closing delimiter */
	size_t after;		 /* where the text after it starts (past a standalone line) */
	char sigil;		 /* # ^ / ! = > & or 0 for a variable */
	const char *name;
	size_t name_len;
	int standalone; /* alone on its line but for whitespace */
};

/* Where the tag opening at t->at ends, and its sigil.  0 or an error. */
static int tag_bounds(struct parser *p, struct tag *t)
{
	const char *close;
	t->inner = t->at + p->olen;
	t->sigil = t->inner < p->len ? p->src[t->inner] : '\0';
	if (t->sigil == '{' && !strcmp(p->otag, "{{")) {
		close = find(p->src + t->inner + 1, p->len - t->inner - 1, "}}}", 3);
		if (!close)
			return perr(p, t->at, "'{{{' is never closed; expected '}}}'%s%s", "",
				    NULL);
		t->inner_len = (size_t)(close - p->src) - t->inner;
		t->end = (size_t)(close - p->src) + 3;
		t->sigil = '&'; /* {{{x}}} is {{&x}}: inner starts at the '{' like a sigil */
	} else if (t->sigil == '=') {
		char want[MAX_DELIM + 1];
		snprintf(want, sizeof(want), "=%s", p->ctag);
		close = find(p->src + t->inner + 1, p->len - t->inner - 1, want, p->clen + 1);
		if (!close)
			return perr(p, t->at, "set-delimiter tag is never closed; expected '%s'",
				    want, NULL);
		t->inner_len = (size_t)(close - p->src) - t->inner;
		t->end = (size_t)(close - p->src) + p->clen + 1;
	} else {
		close = find(p->src + t->inner, p->len - t->inner, p->ctag, p->clen);
		if (!close)
			return perr(p, t->at, "tag is never closed; expected '%s'", p->ctag, NULL);
		t->inner_len = (size_t)(close - p->src) - t->inner;
		t->end = (size_t)(close - p->src) + p->clen;
	}
	if (!t->inner_len)
		t->sigil = 0; /* "{{}}": what follows is the closing delimiter, not a sigil */
	if (strchr("#^/!=>&", t->sigil) && t->sigil) {
		t->name = p->src + t->inner + 1;
		t->name_len = t->inner_len - 1;
	} else {
		t->name = p->src + t->inner;
		t->name_len = t->inner_len;
		t->sigil = 0;
	}
	t->name = trim(t->name, &t->name_len);
	return 0;
}

/* Standalone: only whitespace around the tag on its line, and alone there; sets t->after. */
static void tag_standalone(const struct parser *p, struct tag *t, size_t line_start, int line_tags,
			   size_t text_from)
{
	size_t after = t->end, i = line_start;
	t->standalone = 0;
	t->after = t->end;
	if (!t->sigil || t->sigil == '&' || line_tags != 0)
		return;
	while (i < t->at && is_blank(p->src[i]))
		i++;
	if (i != t->at || text_from > line_start)
		return;
	while (after < p->len && is_blank(p->src[after]))
		after++;
	if (after == p->len)
		t->standalone = 1;
	else if (p->src[after] == '\n')
		after++, t->standalone = 1;
	else if (p->src[after] == '\r' && after + 1 < p->len && p->src[after + 1] == '\n')
		after += 2, t->standalone = 1;
	if (t->standalone)
		t->after = after;
}

/* A tag that names something names it with one word.  0 or an error. */
static int tag_check_name(struct parser *p, const struct tag *t)
{
	if (t->sigil == '!' || t->sigil == '=')
		return 0;
	if (!t->name_len)
		return perr(p, t->at, "empty tag: a name is needed between '%s' and '%s'", p->otag,
			    p->ctag);
	for (size_t i = 0; i < t->name_len; i++)
		if (is_space(t->name[i])) {
			char nm[128];
			snprintf(nm, sizeof(nm), "%.*s", (int)t->name_len, t->name);
			return perr(p, t->at,
				    "tag name '%s' contains a space; names are one word such as "
				    "'user.name'%s",
				    nm, NULL);
		}
	return 0;
}

static int oom(struct parser *p)
{
	return llmops_err_set(p->err, LLMOPS_E_NOMEM, "out of memory");
}

/* {{/name}}: close the innermost section, which must be name's.  0 or an error. */
static int close_section(struct parser *p, struct sections *s, const struct tag *t)
{
	struct node *top = s->node[s->depth];
	char nm[128], want[128];
	snprintf(nm, sizeof(nm), "%.*s", (int)t->name_len, t->name);
	if (s->depth == 0)
		return perr(p, t->at, "'%s' closes a section that was never opened%s", nm, NULL);
	if (top->len != t->name_len || memcmp(top->str, t->name, t->name_len)) {
		int l, c;
		pos_of(p, s->at[s->depth], &l, &c);
		snprintf(want, sizeof(want), "'%s' (opened at %d:%d)", top->str, l, c);
		return perr(p, t->at,
			    "'/%s' does not close the open section; expected the close of %s", nm,
			    want);
	}
	s->depth--;
	return 0;
}

/* The node a tag makes (or the delimiters it sets, or the section it closes). */
static int tag_node(struct parser *p, struct sections *s, const struct tag *t, size_t line_start)
{
	struct node *n;
	switch (t->sigil) {
	case '=': return set_delimiters(p, p->src + t->inner + 1, t->inner_len - 1, t->at);
	case '!':
	case 0:
	case '&':
	case '>':
		n = add_kid(s->node[s->depth],
			    t->sigil == '!'   ? N_COMMENT
			    : t->sigil == '>' ? N_PARTIAL
					      : N_VAR,
			    t->name, t->name_len);
		if (!n)
			return oom(p);
		pos_of(p, t->at, &n->line, &n->col);
		if (t->sigil == '>' && t->standalone && t->at > line_start) {
			if (!(n->indent = malloc(t->at - line_start + 1)))
				return oom(p);
			memcpy(n->indent, p->src + line_start, t->at - line_start);
			n->indent[t->at - line_start] = '\0';
		}
		return 0;
	case '#':
	case '^':
		if (s->depth >= LLMOPS_TEMPLATE_MAX_DEPTH)
			return perr(p, t->at,
				    "sections nest more than %s deep here; flatten the template%s",
				    LLMOPS_TEMPLATE_MAX_DEPTH_STR, NULL);
		n = add_kid(s->node[s->depth], t->sigil == '#' ? N_SECTION : N_INVERTED, t->name,
			    t->name_len);
		if (!n)
			return oom(p);
		pos_of(p, t->at, &n->line, &n->col);
		return sections_push(s, n, t->at) ? oom(p) : 0;
	case '/': return close_section(p, s, t);
	default: return 0;
	}
}

/* The literal text from..to as a node of parent (none when empty).  0 or an error. */
static int add_text(struct parser *p, struct node *parent, size_t from, size_t to)
{
	if (to <= from)
		return 0;
	struct node *n = add_kid(parent, N_TEXT, p->src + from, to - from);
	if (!n)
		return oom(p);
	pos_of(p, from, &n->line, &n->col);
	return 0;
}

static int parse(struct parser *p, struct node *root)
{
	struct sections s = {0};
	size_t text_from = 0, line_start = 0, pos = 0;
	int line_tags = 0, rc;

	s.node = malloc(16 * sizeof(*s.node));
	s.at = malloc(16 * sizeof(*s.at));
	if (!s.node || !s.at) {
		rc = oom(p);
		goto out;
	}
	s.cap = 16;
	s.node[0] = root; /* the root is open from the start */
	s.at[0] = 0;
	for (;;) {
		const char *o = find(p->src + pos, p->len - pos, p->otag, p->olen);
		struct tag t = {o ? (size_t)(o - p->src) : p->len, 0, 0, 0, 0, 0, NULL, 0, 0};

		/* Advance the line bookkeeping over the text before the tag. */
		for (size_t i = pos; i < t.at; i++)
			if (p->src[i] == '\n') {
				line_start = i + 1;
				line_tags = 0;
			}
		if (!o)
			break;
		if ((rc = tag_bounds(p, &t)))
			goto out;
		tag_standalone(p, &t, line_start, line_tags, text_from);
		line_tags++;
		/* Flush the literal text before the tag (minus a standalone indent). */
		if ((rc = add_text(p, s.node[s.depth], text_from,
				   t.standalone ? line_start : t.at)) ||
		    (rc = tag_check_name(p, &t)) || (rc = tag_node(p, &s, &t, line_start)))
			goto out;
		pos = text_from = t.after;
		if (t.after > t.end) { /* a standalone tag swallowed its newline */
			line_start = t.after;
			line_tags = 0;
		}
	}
	if (s.depth > 0) {
		struct node *top = s.node[s.depth];
		rc = perr(p, s.at[s.depth],
			  "section '%s' is never closed; add '{{/%s}}' where it should end",
			  top->str, top->str);
		goto out;
	}
	rc = add_text(p, root, text_from, p->len);
out:
	free(s.node);
	free(s.at);
	return rc;
}

int llmops_template_parse(struct llmops_template **out, const char *src, size_t len,
			  const char *label, int line0, int col0, struct llmops_err *err)
{
	struct llmops_template *t = calloc(1, sizeof(*t));
	struct parser p = {0};
	int rc;

	*out = NULL;
	if (!t || !(t->label = strdup(label ? label : "template"))) {
		free(t);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	t->root.type = N_SECTION;
	p.src = src;
	p.len = len;
	p.label = t->label;
	p.line0 = line0 > 0 ? line0 : 1;
	p.col0 = col0 > 0 ? col0 : 1;
	memcpy(p.otag, "{{", 3);
	memcpy(p.ctag, "}}", 3);
	p.olen = p.clen = 2;
	p.err = err;
	if ((rc = parse(&p, &t->root))) {
		llmops_template_free(t);
		return rc;
	}
	*out = t;
	return LLMOPS_OK;
}

void llmops_template_free(struct llmops_template *t)
{
	if (!t)
		return;
	node_release(&t->root);
	free(t->label);
	free(t);
}

/* ---- rendering ---- */

struct partial_cache {
	char *name;		      /* partial name */
	char *indent;		      /* indentation it was parsed with ("" if none) */
	struct llmops_template *tmpl; /* parsed, NULL when missing */
};

struct chain {
	const char *name; /* partial being rendered */
	size_t sections;  /* sections entered when it started */
};

struct render {
	const struct llmops_render_opts *opts;
	struct llmops_buf *out;
	const cJSON **stack; /* context stack, [0] is the data */
	size_t depth, cap;   /* used and allocated entries */
	size_t sections;     /* sections entered so far on the current path */
	struct partial_cache *cache;
	size_t ncache, acache;
	struct chain chain[MAX_PARTIAL_DEPTH];
	size_t nchain;
	size_t steps; /* nodes visited, against LLMOPS_TEMPLATE_MAX_STEPS */
	size_t out0;  /* out's length when the render began */
	struct llmops_err *err;
};

static int push(struct render *r, const cJSON *v)
{
	if (LLMOPS_GROW(r->stack, r->depth, r->cap, 16))
		return llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
	r->stack[r->depth++] = v;
	return LLMOPS_OK;
}

static const cJSON *member(const cJSON *obj, const char *key, size_t len)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	for (const cJSON *c = obj->child; c; c = c->next)
		if (c->string && strlen(c->string) == len && !memcmp(c->string, key, len))
			return c;
	return NULL;
}

/* Resolve a (dotted) name against the context stack; NULL when it misses. */
static const cJSON *lookup(const struct render *r, const char *name)
{
	const char *dot;
	const cJSON *v = NULL;
	size_t first;

	if (!strcmp(name, "."))
		return r->depth ? r->stack[r->depth - 1] : NULL;
	dot = strchr(name, '.');
	first = dot ? (size_t)(dot - name) : strlen(name);
	for (size_t i = r->depth; i-- > 0;)
		if ((v = member(r->stack[i], name, first)))
			break;
	while (v && dot) {
		const char *part = dot + 1;

		dot = strchr(part, '.');
		v = member(v, part, dot ? (size_t)(dot - part) : strlen(part));
	}
	return v;
}

static int falsey(const cJSON *v)
{
	return !v || cJSON_IsNull(v) || cJSON_IsFalse(v) || (cJSON_IsArray(v) && !v->child) ||
	       (cJSON_IsString(v) && (!v->valuestring || !v->valuestring[0]));
}

static int note_missing(struct render *r, const char *prefix, const char *name)
{
	struct llmops_strlist *m = r->opts ? r->opts->missing : NULL;
	char key[512];

	if (!m)
		return LLMOPS_OK;
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	if (llmops_strlist_find(m, key) >= 0)
		return LLMOPS_OK;
	if (llmops_strlist_append(m, key))
		return llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
	return LLMOPS_OK;
}

static void add_number(struct llmops_buf *out, double d)
{
	char tmp[64];

	/* range first: casting 8.5e77 to an integer is undefined */
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
		llmops_buf_addf(out, "%lld", (long long)d);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	llmops_buf_adds(out, tmp);
}

static int interpolate(struct render *r, const struct node *n)
{
	const cJSON *v = lookup(r, n->str);
	char *json;

	if (!v)
		return note_missing(r, "", n->str);
	if (cJSON_IsString(v))
		llmops_buf_adds(r->out, v->valuestring ? v->valuestring : "");
	else if (cJSON_IsNumber(v))
		add_number(r->out, v->valuedouble);
	else if (cJSON_IsTrue(v))
		llmops_buf_adds(r->out, "true");
	else if (cJSON_IsFalse(v))
		llmops_buf_adds(r->out, "false");
	else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		if (!(json = cJSON_PrintUnformatted(v)))
			return llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
		llmops_buf_adds(r->out, json);
		cJSON_free(json);
	}
	return r->out->oom ? llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory") : LLMOPS_OK;
}

static int render_nodes(struct render *r, const struct node *parent);

/* The partial's source with indent put before every line that has text. */
static int indent_source(struct llmops_buf *dst, const struct llmops_buf *src, const char *indent)
{
	int bol = 1;

	for (size_t i = 0; i < src->len; i++) {
		if (bol)
			llmops_buf_adds(dst, indent);
		llmops_buf_addch(dst, src->data[i]);
		bol = src->data[i] == '\n';
	}
	return dst->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
}

static int load_partial(struct render *r, const struct node *n, struct llmops_template **out)
{
	const char *indent = n->indent ? n->indent : "";
	struct llmops_buf src = LLMOPS_BUF_INIT, label = LLMOPS_BUF_INIT, ind = LLMOPS_BUF_INIT;
	struct partial_cache *c;
	int rc = LLMOPS_OK;

	for (size_t i = 0; i < r->ncache; i++) {
		if (!strcmp(r->cache[i].name, n->str) && !strcmp(r->cache[i].indent, indent)) {
			*out = r->cache[i].tmpl;
			return LLMOPS_OK;
		}
	}
	if (LLMOPS_GROW(r->cache, r->ncache, r->acache, 8))
		return llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
	c = &r->cache[r->ncache];
	memset(c, 0, sizeof(*c));
	if (!(c->name = strdup(n->str)) || !(c->indent = strdup(indent))) {
		free(c->name);
		free(c->indent);
		return llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
	}
	r->ncache++;
	if (r->opts && r->opts->partial)
		rc = r->opts->partial(r->opts->partial_ud, n->str, &src, &label, r->err);
	else
		rc = LLMOPS_E_NOTFOUND;
	if (rc == LLMOPS_OK) {
		const struct llmops_buf *text = &src;

		if (*indent) {
			if (indent_source(&ind, &src, indent))
				rc = llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
			text = &ind;
		}
		if (!rc)
			rc = llmops_template_parse(&c->tmpl, text->data, text->len,
						   label.len ? label.data : n->str, 1, 1, r->err);
	} else if (rc == LLMOPS_E_NOTFOUND) {
		llmops_err_clear(r->err);
		rc = LLMOPS_OK;
	}
	llmops_buf_release(&src);
	llmops_buf_release(&label);
	llmops_buf_release(&ind);
	*out = c->tmpl;
	return rc;
}

static int chain_error(struct render *r, const struct node *n, const char *why)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	for (size_t i = 0; i < r->nchain; i++)
		llmops_buf_addf(&b, "%s > ", r->chain[i].name);
	llmops_buf_adds(&b, n->str);
	llmops_err_set(r->err, LLMOPS_E_INPUT, "partial '%s' %s (%s)", n->str, why, b.data);
	llmops_buf_release(&b);
	return LLMOPS_E_INPUT;
}

static int render_partial(struct render *r, const struct node *n)
{
	struct llmops_template *pt = NULL;
	int rc;

	/*
	 * Re-entering a partial with no section opened since it was entered
	 * can never end: the context is the same, so the same path repeats.
	 * Recursion through a section ends when the data does, within a limit.
	 */
	for (size_t i = 0; i < r->nchain; i++)
		if (!strcmp(r->chain[i].name, n->str) && r->chain[i].sections == r->sections)
			return chain_error(r, n, "includes itself with no section to end it");
	if (r->nchain == MAX_PARTIAL_DEPTH)
		return chain_error(r, n, "nests more than 64 partials deep");
	if ((rc = load_partial(r, n, &pt)))
		return rc;
	if (!pt)
		return note_missing(r, ">", n->str);
	r->chain[r->nchain].name = n->str;
	r->chain[r->nchain].sections = r->sections;
	r->nchain++;
	rc = render_nodes(r, &pt->root);
	r->nchain--;
	return rc;
}

static int render_section(struct render *r, const struct node *n)
{
	const cJSON *v = lookup(r, n->str);
	int rc = LLMOPS_OK;

	if (r->sections >= LLMOPS_TEMPLATE_MAX_RENDER_DEPTH)
		return llmops_err_set(r->err, LLMOPS_E_INPUT,
				      "section '%s' at %d:%d: sections nest more than %d deep "
				      "across partials; flatten the templates",
				      n->str, n->line, n->col, LLMOPS_TEMPLATE_MAX_RENDER_DEPTH);

	if (n->type == N_INVERTED) {
		if (!v && (rc = note_missing(r, "", n->str)))
			return rc;
		return falsey(v) ? render_nodes(r, n) : LLMOPS_OK;
	}
	if (!v && (rc = note_missing(r, "", n->str)))
		return rc;
	if (falsey(v))
		return LLMOPS_OK;
	r->sections++;
	if (cJSON_IsArray(v)) {
		for (const cJSON *it = v->child; it && !rc; it = it->next) {
			if ((rc = push(r, it)))
				break;
			rc = render_nodes(r, n);
			r->depth--;
		}
	} else if (!(rc = push(r, v))) {
		rc = render_nodes(r, n);
		r->depth--;
	}
	r->sections--;
	return rc;
}

static int render_nodes(struct render *r, const struct node *parent)
{
	int rc = LLMOPS_OK;

	for (size_t i = 0; i < parent->nkids && !rc; i++) {
		const struct node *n = &parent->kids[i];

		if (++r->steps > LLMOPS_TEMPLATE_MAX_STEPS ||
		    r->out->len - r->out0 > LLMOPS_TEMPLATE_MAX_OUTPUT)
			return llmops_err_set(
				r->err, LLMOPS_E_INPUT,
				"the template renders too much (over %u steps or %u MiB) at %d:%d: "
				"sections nested over lists multiply; flatten them",
				LLMOPS_TEMPLATE_MAX_STEPS, LLMOPS_TEMPLATE_MAX_OUTPUT >> 20,
				n->line, n->col);
		switch (n->type) {
		case N_TEXT:
			if (llmops_buf_add(r->out, n->str, n->len))
				rc = llmops_err_set(r->err, LLMOPS_E_NOMEM, "out of memory");
			break;
		case N_VAR: rc = interpolate(r, n); break;
		case N_SECTION:
		case N_INVERTED: rc = render_section(r, n); break;
		case N_PARTIAL: rc = render_partial(r, n); break;
		default: break;
		}
	}
	return rc;
}

int llmops_template_render(const struct llmops_template *t, const cJSON *data,
			   const struct llmops_render_opts *opts, struct llmops_buf *out,
			   struct llmops_err *err)
{
	struct render r = {0};
	int rc;

	r.opts = opts;
	r.out = out;
	r.out0 = out->len;
	r.err = err;
	rc = push(&r, data);
	if (!rc)
		rc = render_nodes(&r, &t->root);
	for (size_t i = 0; i < r.ncache; i++) {
		free(r.cache[i].name);
		free(r.cache[i].indent);
		llmops_template_free(r.cache[i].tmpl);
	}
	free(r.cache);
	free(r.stack);
	return rc;
}

/* ---- introspection ---- */

static int walk_tags(const struct node *parent, int depth, const char *pname,
		     int (*fn)(void *, const struct llmops_tag *), void *ud)
{
	static const int kind_of[] = {
		[N_VAR] = LLMOPS_TAG_VARIABLE,	    [N_SECTION] = LLMOPS_TAG_SECTION,
		[N_INVERTED] = LLMOPS_TAG_INVERTED, [N_PARTIAL] = LLMOPS_TAG_PARTIAL,
		[N_COMMENT] = LLMOPS_TAG_COMMENT,
	};
	int rc;

	for (size_t i = 0; i < parent->nkids; i++) {
		const struct node *n = &parent->kids[i];
		struct llmops_tag tag;

		if (n->type == N_TEXT)
			continue;
		tag.kind = kind_of[n->type];
		tag.name = n->str;
		tag.line = n->line;
		tag.col = n->col;
		tag.depth = depth;
		tag.parent = pname;
		if ((rc = fn(ud, &tag)))
			return rc;
		if ((n->type == N_SECTION || n->type == N_INVERTED) &&
		    (rc = walk_tags(n, depth + 1, n->str, fn, ud)))
			return rc;
	}
	return 0;
}

int llmops_template_tags(const struct llmops_template *t,
			 int (*fn)(void *ud, const struct llmops_tag *tag), void *ud)
{
	return walk_tags(&t->root, 0, NULL, fn, ud);
}

static int collect_var(void *ud, const struct llmops_tag *tag)
{
	struct llmops_strlist *out = ud;
	char name[256];
	size_t n;

	if (tag->kind == LLMOPS_TAG_PARTIAL || tag->kind == LLMOPS_TAG_COMMENT)
		return 0;
	if (tag->depth > 0 && tag->kind == LLMOPS_TAG_VARIABLE)
		return 0;
	if (!strcmp(tag->name, "."))
		return 0;
	n = strcspn(tag->name, ".");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, tag->name, n);
	name[n] = '\0';
	/* repeats are dropped once at the end (a find per tag is quadratic) */
	if (out->nr && !strcmp(out->items[out->nr - 1], name))
		return 0;
	return llmops_strlist_append(out, name) ? LLMOPS_E_NOMEM : 0;
}

int llmops_template_variables(const struct llmops_template *t, struct llmops_strlist *out)
{
	int rc = llmops_template_tags(t, collect_var, out);

	return rc ? rc : llmops_strlist_dedupe(out);
}
