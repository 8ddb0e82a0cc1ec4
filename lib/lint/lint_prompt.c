/*
 * lint_prompt.c - one template file: its syntax, front matter, partials,
 * personal data, and variables placed where they can pass for
 * instructions.  Prompt versions are kept for the rules that look across
 * files (lint_project.c).
 */
#include "internal.h"

#include "mem.h"

#include "image.h"
#include "json.h"
#include "jsonschema.h"
#include "pricing.h"
#include "suggest.h"
#include "utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One metadata entry, from front matter or a .json prompt's object. */
struct meta_item {
	const char *key;
	char value[256];
	int line, col; /* of the value */
	int number;    /* 1: a JSON number */
};

static size_t collect_meta_fm(const struct llmops_frontmatter *fm, struct meta_item *out,
			      size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < fm->n && n < max; i++, n++) {
		out[n].key = fm->items[i].key;
		snprintf(out[n].value, sizeof(out[n].value), "%s", fm->items[i].value);
		out[n].line = fm->items[i].line;
		out[n].col = fm->items[i].value_col;
		out[n].number = 0;
	}
	return n;
}

static size_t collect_meta_json(const struct lint_file *f, const cJSON *json, struct meta_item *out,
				size_t max)
{
	size_t n = 0;

	if (!cJSON_IsObject(json))
		return 0;
	for (const cJSON *k = json->child; k && n < max; k = k->next) {
		const char *step = k->string;

		if (!strcmp(k->string, "messages") || !strcmp(k->string, "tools") ||
		    !strcmp(k->string, "tool_choice") || !strcmp(k->string, "response_format"))
			continue; /* what a request sends, not metadata */
		out[n].key = k->string;
		if (cJSON_IsString(k))
			snprintf(out[n].value, sizeof(out[n].value), "%s", k->valuestring);
		else if (cJSON_IsNumber(k))
			snprintf(out[n].value, sizeof(out[n].value), "%.17g", k->valuedouble);
		else
			snprintf(out[n].value, sizeof(out[n].value), "(%s)",
				 cJSON_IsObject(k)  ? "an object"
				 : cJSON_IsArray(k) ? "an array"
						    : "not a string");
		out[n].number = cJSON_IsNumber(k);
		llmops_json_locate(f->text, f->len, &step, 1, 0, &out[n].line, &out[n].col);
		n++;
	}
	return n;
}

static int known_key(const char *k)
{
	for (size_t i = 0; llmops_prompt_meta_keys[i]; i++)
		if (!strcmp(llmops_prompt_meta_keys[i], k))
			return 1;
	return 0;
}

static void check_meta(struct llmops_lint *l, struct lint_file *f, const struct meta_item *items,
		       size_t n, const char *file_version)
{
	const struct llmops_price *price = NULL;
	const char *model = NULL;
	long max_tokens = 0;

	for (size_t i = 0; i < n; i++) {
		const struct meta_item *it = &items[i];
		char *end;

		if (!known_key(it->key)) {
			struct llmops_strlist near = LLMOPS_STRLIST_INIT;
			size_t nk = 0;

			while (llmops_prompt_meta_keys[nk])
				nk++;
			llmops_suggest(&near, it->key, llmops_prompt_meta_keys, nk);
			lint_report(l, f, it->line, it->col, LR_FRONTMATTER_KEY,
				    "unknown key '%s'%s%s%s; known keys: model, temperature, "
				    "max_tokens, owner, description, version, scale and verdict "
				    "(a judge's)",
				    it->key, near.nr ? " (did you mean '" : "",
				    near.nr ? near.items[0] : "", near.nr ? "'?)" : "");
			llmops_strlist_release(&near);
		} else if (!strcmp(it->key, "temperature")) {
			double d = strtod(it->value, &end);

			if (!it->value[0] || *end || !isfinite(d) || d < 0 || d > 2)
				lint_report(l, f, it->line, it->col, LR_FRONTMATTER_RANGE,
					    "temperature '%s' is not a number from 0 to 2",
					    it->value);
		} else if (!strcmp(it->key, "max_tokens")) {
			long v = strtol(it->value, &end, 10);

			if (!it->value[0] || *end || v < 1)
				lint_report(l, f, it->line, it->col, LR_FRONTMATTER_RANGE,
					    "max_tokens '%s' is not a whole number of at least 1",
					    it->value);
			else
				max_tokens = v;
		} else if (!strcmp(it->key, "model")) {
			struct llmops_err err = {0};

			model = it->value;
			if (l->opts.prices &&
			    llmops_pricing_find(l->opts.prices, it->value, &price, &err)) {
				price = NULL;
				lint_report(l, f, it->line, it->col, LR_FRONTMATTER_MODEL, "%s",
					    err.msg);
			}
			char why[1024];
			if (llmops_approval_check(l->opts.approval, l->opts.prices, it->value, why,
						  sizeof(why)))
				lint_report(l, f, it->line, it->col, LR_MODEL_UNAPPROVED, "%s",
					    why);
		} else if (!strcmp(it->key, "version") && file_version &&
			   strcmp(it->value, file_version)) {
			lint_report(l, f, it->line, it->col, LR_VERSION_MISMATCH,
				    "the file says version '%s' but is named %s; a version is its "
				    "file name: drop the key or make them agree",
				    it->value, file_version);
		}
	}
	if (price && max_tokens > 0 && price->max_output_tokens > 0 &&
	    max_tokens > price->max_output_tokens)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(items[i].key, "max_tokens"))
				lint_report(l, f, items[i].line, items[i].col, LR_FRONTMATTER_RANGE,
					    "max_tokens %ld is above the %ld output tokens %s can "
					    "produce",
					    max_tokens, price->max_output_tokens, model);
}

/* ---------------------------------------------------------------- tags */

/* A version header: a comment "{{! version: v1.2.0 }}" before any other tag. */
struct header_scan {
	const char *version;
	int line, col, seen_other;
};

static int header_tag(void *ud, const struct llmops_tag *t)
{
	struct header_scan *h = ud;

	if (t->kind != LLMOPS_TAG_COMMENT) {
		h->seen_other = 1;
		return 1;
	}
	if (!strncmp(t->name, "version", 7) && (t->name[7] == ':' || t->name[7] == ' ')) {
		h->version = t->name + 8;
		while (*h->version == ' ' || *h->version == ':')
			h->version++;
		h->line = t->line;
		h->col = t->col;
		return 1;
	}
	return 0;
}

struct partial_scan {
	struct llmops_lint *l;
	struct lint_file *f;
};

static int partial_tag(void *ud, const struct llmops_tag *t)
{
	struct partial_scan *ps = ud;
	struct llmops_buf path = LLMOPS_BUF_INIT;

	if (t->kind != LLMOPS_TAG_PARTIAL)
		return 0;
	if (strstr(t->name, "..") || t->name[0] == '/' || !t->name[0]) {
		lint_report(ps->l, ps->f, t->line, t->col, LR_TEMPLATE_PARTIAL,
			    "partial name '%s' must be a relative name under %s/", t->name,
			    LLMOPS_PARTIALS_DIR);
		return 0;
	}
	llmops_buf_addf(&path, "%s/%s/%s.txt", ps->l->opts.root, LLMOPS_PARTIALS_DIR, t->name);
	if (path.oom)
		ps->l->oom = 1;
	else if (access(path.data, R_OK))
		lint_report(ps->l, ps->f, t->line, t->col, LR_TEMPLATE_PARTIAL,
			    "partial '%s' does not exist (no %s/%s.txt); it would render as "
			    "nothing",
			    t->name, LLMOPS_PARTIALS_DIR, t->name);
	llmops_buf_release(&path);
	return 0;
}

/* ---------------------------------------------------------------- injection */

struct source_lines {
	const char *s;
	size_t len;
	int first; /* line number of s's first line in the tags' numbering */
	/* the place last found, so that tags in source order cost one pass
	   over s in all, not one each (line 0: none yet) */
	int at_line, at_col;
	size_t at_off;
};

/* Byte offset of (line, col) in src, or (size_t)-1. */
static size_t offset_of(struct source_lines *src, int line, int col)
{
	size_t i = 0;
	int l = src->first, c = 1;

	if (src->at_line && line > src->at_line) {
		l = src->at_line;
		i = src->at_off;
	} else if (src->at_line && line == src->at_line && col >= src->at_col) {
		l = line;
		i = src->at_off;
		c = src->at_col;
	}
	for (; l < line; l++, c = 1) {
		const char *nl = memchr(src->s + i, '\n', src->len - i);

		if (!nl)
			return (size_t)-1;
		i = (size_t)(nl - src->s) + 1;
	}
	for (; c < col && i < src->len && src->s[i] != '\n'; c++) {
		i++;
		while (i < src->len && ((unsigned char)src->s[i] & 0xc0) == 0x80)
			i++;
	}
	src->at_line = line;
	src->at_col = c;
	src->at_off = i;
	return i;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A line made of one punctuation character repeated 3+ times: """, ---, ###, <<<. */
static int delimiter_line(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && blank(s[i]))
		i++;
	while (n > i && blank(s[n - 1]))
		n--;
	if (n - i < 3 || !strchr("\"'`-=#*~<>_+", s[i]))
		return 0;
	for (k = i; k < n; k++)
		if (s[k] != s[i])
			return 0;
	return 1;
}

/* The previous (dir -1) or next (dir 1) non-blank line around [ls, le); 0 when none. */
static int near_line(const char *s, size_t len, size_t ls, size_t le, int dir, size_t *a, size_t *b)
{
	for (;;) {
		if (dir < 0) {
			if (ls == 0)
				return 0;
			le = ls - 1;
			ls = le;
			while (ls > 0 && s[ls - 1] != '\n')
				ls--;
		} else {
			if (le >= len)
				return 0;
			ls = le + 1;
			le = ls;
			while (le < len && s[le] != '\n')
				le++;
		}
		size_t i = ls;

		while (i < le && blank(s[i]))
			i++;
		if (i < le) {
			*a = ls;
			*b = le;
			return 1;
		}
	}
}

/* Is the line starting at ls inside a ``` or ~~~ block?  Resumes from the
   line asked about last (*from, *open) when ls is not before it. */
static int in_fence(const char *s, size_t ls, size_t *from, int *open)
{
	size_t i = *from;

	if (ls < i) {
		i = 0;
		*open = 0;
	}
	while (i < ls) {
		size_t e = i, k = i;

		while (e < ls && s[e] != '\n')
			e++;
		while (k < e && blank(s[k]))
			k++;
		if (e - k >= 3 && (!strncmp(s + k, "```", 3) || !strncmp(s + k, "~~~", 3)))
			*open = !*open;
		i = e + 1;
	}
	*from = ls;
	return *open;
}

static int closing_quote(const char *s, size_t n)
{
	static const char *const pairs[][2] = {{"\"", "\""},
					       {"'", "'"},
					       {"`", "`"},
					       {"\xe2\x80\x9c", "\xe2\x80\x9d"},
					       {"\xc2\xab", "\xc2\xbb"},
					       {"\xe2\x80\x98", "\xe2\x80\x99"}};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		size_t m = strlen(pairs[i][1]);

		if (n >= m && !memcmp(s, pairs[i][1], m))
			return 1;
	}
	return 0;
}

static int opening_quote(const char *s, size_t n)
{
	static const char *const opens[] = {"\"",	    "'",	"`",
					    "\xe2\x80\x9c", "\xc2\xab", "\xe2\x80\x98"};

	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		size_t m = strlen(opens[i]);

		if (n >= m && !memcmp(s + n - m, opens[i], m))
			return 1;
	}
	return 0;
}

/*
 * What the injection rule asks of the line that holds a tag, found once
 * per line rather than once per tag, so that a line with thousands of tags
 * costs one pass over it.
 */
struct line_facts {
	size_t ls, le;	    /* the line: [ls, le), le at its '\n' or the end */
	size_t le_trim;	    /* le less trailing white space */
	size_t first_alnum; /* the first letter or digit on it, or le */
	size_t last_word;   /* one past its last letter, digit or non-ASCII byte, or ls */
	int fenced;	    /* inside a ``` or ~~~ block */
	int between;	    /* between delimiter lines */
};

struct inj_scan {
	struct llmops_lint *l;
	struct lint_file *f;
	struct source_lines src;
	const char *role;
	int last_message;
	struct line_facts line; /* of the line of the last tag (valid when have_line) */
	int have_line;
	size_t fence_from; /* in_fence's resume point and state */
	int fence_open;
	size_t text_end; /* after the last character that is neither space nor in a tag */
	int have_text_end;
};

static const struct line_facts *line_facts(struct inj_scan *is, size_t ts)
{
	const char *s = is->src.s;
	size_t len = is->src.len, a, b;
	struct line_facts *lf = &is->line;

	if (is->have_line && ts >= lf->ls && ts < lf->le)
		return lf;
	lf->ls = ts;
	lf->le = ts;
	while (lf->ls > 0 && s[lf->ls - 1] != '\n')
		lf->ls--;
	while (lf->le < len && s[lf->le] != '\n')
		lf->le++;
	lf->le_trim = lf->le;
	while (lf->le_trim > lf->ls && isspace((unsigned char)s[lf->le_trim - 1]))
		lf->le_trim--;
	lf->first_alnum = lf->le;
	for (size_t i = lf->ls; i < lf->le && lf->first_alnum == lf->le; i++)
		if (isalnum((unsigned char)s[i]))
			lf->first_alnum = i;
	lf->last_word = lf->ls;
	for (size_t i = lf->le; i > lf->ls && lf->last_word == lf->ls; i--)
		if (isalnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80)
			lf->last_word = i;
	lf->fenced = in_fence(s, lf->ls, &is->fence_from, &is->fence_open);
	/* alone on its line between delimiter lines */
	lf->between = near_line(s, len, lf->ls, lf->le, -1, &a, &b) &&
		      delimiter_line(s + a, b - a) &&
		      near_line(s, len, lf->ls, lf->le, 1, &a, &b) && delimiter_line(s + a, b - a);
	is->have_line = 1;
	return lf;
}

/*
 * Is the tag at [ts, te) of s delimited: quoted, inside <tag>...</tag>, in
 * a fenced block, or between delimiter lines?
 */
static int delimited(const char *s, size_t len, size_t ts, size_t te, const struct line_facts *lf)
{
	size_t ls = lf->ls, le = lf->le, i, j;

	/* quotes on the same line */
	for (i = ts; i > ls && blank(s[i - 1]); i--)
		;
	for (j = te; j < le && blank(s[j]); j++)
		;
	if (i > ls && j < le && opening_quote(s + ls, i - ls) && closing_quote(s + j, le - j))
		return 1;
	/* <tag> before (across blank space), </ after */
	for (i = ts; i > 0 && (blank(s[i - 1]) || s[i - 1] == '\n'); i--)
		;
	for (j = te; j < len && (blank(s[j]) || s[j] == '\n'); j++)
		;
	if (i > 0 && s[i - 1] == '>' && j + 1 < len && s[j] == '<' && s[j + 1] == '/') {
		size_t k = i - 1;

		while (k > 0 && s[k] != '<' && s[k] != '\n')
			k--;
		if (s[k] == '<' && s[k + 1] != '/' && isalpha((unsigned char)s[k + 1]))
			return 1;
	}
	return lf->fenced || lf->between;
}

/*
 * Words before it on the same line and, after it, more words or the
 * punctuation that ends a sentence: a parameter inside a sentence
 * ("Translate into {{language}}.").
 */
static int inline_param(const char *s, size_t ts, size_t te, const struct line_facts *lf)
{
	int before = lf->first_alnum<ts, after = lf->last_word> te;

	if (lf->le_trim > te && strspn(s + te, ".,;!?)") >= lf->le_trim - te)
		after = 1;
	return before && after;
}

/* Only whitespace and tags after te: the variable ends the text.  Where that
   tail starts is found in one pass, the first time it is asked. */
static int last_in_text(struct inj_scan *is, size_t te)
{
	const char *s = is->src.s;
	size_t len = is->src.len;

	if (!is->have_text_end) {
		is->text_end = 0;
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '{' && i + 1 < len && s[i + 1] == '{') {
				const char *close = strstr(s + i, "}}");

				if (!close)
					break;
				i = (size_t)(close - s) + 1;
				continue;
			}
			if (!isspace((unsigned char)s[i]))
				is->text_end = i + 1;
		}
		is->have_text_end = 1;
	}
	return te >= is->text_end;
}

static void tag_label(const char *name, char *out, size_t n)
{
	const char *dot = strrchr(name, '.');
	size_t k = 0;

	if (dot && dot[1])
		name = dot + 1;
	for (; *name && k + 1 < n; name++)
		if (isalnum((unsigned char)*name) || *name == '_' || *name == '-')
			out[k++] = *name;
	out[k] = '\0';
	if (!k)
		snprintf(out, n, "data");
}

static int injection_tag(void *ud, const struct llmops_tag *t)
{
	struct inj_scan *is = ud;
	const char *s = is->src.s;
	size_t ts, te;
	const char *close;
	char tag[64];

	if (t->kind != LLMOPS_TAG_VARIABLE)
		return 0;
	ts = offset_of(&is->src, t->line, t->col);
	if (ts == (size_t)-1 || ts + 2 > is->src.len || strncmp(s + ts, "{{", 2))
		return 0; /* custom delimiters: not judged */
	close = strstr(s + ts, s[ts + 2] == '{' ? "}}}" : "}}");
	if (!close)
		return 0;
	te = (size_t)(close - s) + (s[ts + 2] == '{' ? 3 : 2);
	const struct line_facts *lf = line_facts(is, ts);
	if (delimited(s, is->src.len, ts, te, lf))
		return 0;
	tag_label(t->name, tag, sizeof(tag));
	if (!strcmp(is->role, "system") || !strcmp(is->role, "developer")) {
		lint_report(is->l, is->f, t->line, t->col, LR_INJECTION,
			    "{{%s}} goes into the %s message undelimited, where its text has "
			    "%s authority; move it to a user message, or fence it as <%s>{{%s}}"
			    "</%s> and say the tags hold data",
			    t->name, is->role, is->role, tag, t->name, tag);
		return 0;
	}
	if (inline_param(s, ts, te, lf))
		return 0;
	if (is->last_message && last_in_text(is, te))
		lint_report(is->l, is->f, t->line, t->col, LR_INJECTION,
			    "{{%s}} is undelimited and the last thing the model reads, so text in "
			    "it can pass for instructions; fence it as <%s>{{%s}}</%s>, say the "
			    "tags hold data, and restate the task after it",
			    t->name, tag, t->name, tag);
	else
		lint_report(is->l, is->f, t->line, t->col, LR_INJECTION,
			    "{{%s}} is undelimited, so text in it can pass for instructions; fence "
			    "it as <%s>{{%s}}</%s> and say the tags hold data",
			    t->name, tag, t->name, tag);
	return 0;
}

/* ---------------------------------------------------------------- the file */

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The text without the line that claims a version, so two versions can be compared. */
static uint64_t content_hash(const struct lint_file *f, const struct llmops_prompt *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int skip = 0, line = 1;
	size_t i = 0;

	for (size_t k = 0; !p->json && k < p->fm.n; k++)
		if (!strcmp(p->fm.items[k].key, "version"))
			skip = p->fm.items[k].line;
	if (p->json && cJSON_GetObjectItemCaseSensitive(p->json, "version")) {
		const char *step = "version";
		int col;

		llmops_json_locate(f->text, f->len, &step, 1, 1, &skip, &col);
	}
	while (i < f->len) {
		const char *nl = memchr(f->text + i, '\n', f->len - i);
		size_t e = nl ? (size_t)(nl - f->text) + 1 : f->len;

		if (line != skip)
			h = hash_bytes(h, f->text + i, e - i);
		i = e;
		line++;
	}
	return h;
}

static int keep_prompt(struct llmops_lint *l, struct lint_file *f, struct llmops_prompt *p)
{
	struct lint_prompt *lp;
	const char *ext;

	if (LLMOPS_GROW(l->prompts, l->nprompts, l->capprompts, 64)) {
		llmops_prompt_free(p);
		return LLMOPS_E_NOMEM;
	}
	lp = &l->prompts[l->nprompts++];
	memset(lp, 0, sizeof(*lp));
	lp->file = f;
	lp->p = p;
	llmops_version_path_split(f->path, lp->name, &lp->sv, &ext);
	llmops_semver_format(&lp->sv, lp->version, sizeof(lp->version));
	if (p)
		lp->hash = content_hash(f, p);
	return LLMOPS_OK;
}

/* One schema of a prompt (at steps in its file): a finding when llmops cannot apply it. */
static void schema_check(struct llmops_lint *l, struct lint_file *f, const cJSON *schema,
			 const char *const *steps, size_t n, const char *what)
{
	struct llmops_err err = {0};
	int line, col;
	if (!schema || !llmops_schema_check(schema, &err))
		return;
	llmops_json_locate(f->text, f->len, steps, n, 0, &line, &col);
	lint_report(l, f, line, col, LR_TOOL_SCHEMA,
		    "%s: %s; the model still receives it, but llmops cannot check against it "
		    "(arguments_schema, json_schema)",
		    what, err.msg);
}

/* The tools' parameters and the response format's schema: within what llmops checks. */
static void schema_checks(struct llmops_lint *l, struct lint_file *f, const struct llmops_prompt *p)
{
	const cJSON *t;
	char idx[24], what[128];
	long i = 0;
	cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive(p->json, "tools")) {
		const char *steps[] = {"tools", idx, "function", "parameters"};
		const cJSON *fn = cJSON_GetObjectItemCaseSensitive(t, "function");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(fn, "name");
		snprintf(idx, sizeof(idx), "%ld", i++);
		snprintf(what, sizeof(what), "tool '%.64s' parameters",
			 cJSON_IsString(name) ? name->valuestring : "?");
		schema_check(l, f, cJSON_GetObjectItemCaseSensitive(fn, "parameters"), steps, 4,
			     what);
	}
	const char *rsteps[] = {"response_format", "json_schema", "schema"};
	schema_check(l, f,
		     cJSON_GetObjectItemCaseSensitive(
			     cJSON_GetObjectItemCaseSensitive(
				     cJSON_GetObjectItemCaseSensitive(p->json, "response_format"),
				     "json_schema"),
			     "schema"),
		     rsteps, 3, "the response format's schema");
}

/* Each image part's file: there, inside the repository, and an image. */
static void image_checks(struct llmops_lint *l, struct lint_file *f, const struct llmops_prompt *p)
{
	const cJSON *msgs = cJSON_IsArray(p->json)
				    ? p->json
				    : cJSON_GetObjectItemCaseSensitive(p->json, "messages");
	const cJSON *m, *part;
	char mi[24], pi[24];
	long i = 0;
	cJSON_ArrayForEach (m, msgs) {
		long k = 0;
		snprintf(mi, sizeof(mi), "%ld", i++);
		cJSON_ArrayForEach (part, cJSON_GetObjectItemCaseSensitive(m, "content")) {
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
			const cJSON *path = cJSON_GetObjectItemCaseSensitive(part, "path");
			snprintf(pi, sizeof(pi), "%ld", k++);
			if (!cJSON_IsString(type) || strcmp(type->valuestring, "image") ||
			    !cJSON_IsString(path) || strstr(path->valuestring, "{{"))
				continue; /* a templated path is known only once rendered */
			struct llmops_err err = {0};
			struct llmops_buf bytes = LLMOPS_BUF_INIT;
			struct llmops_image info;
			if (!llmops_image_file(l->opts.root, path->valuestring, &bytes, &info,
					       &err)) {
				const char *steps[] = {p->json == msgs ? mi : "messages", mi,
						       "content", pi, "path"};
				int line, col;
				llmops_json_locate(f->text, f->len,
						   p->json == msgs ? steps + 1 : steps,
						   p->json == msgs ? 4 : 5, 0, &line, &col);
				lint_report(l, f, line, col, LR_IMAGE_FILE, "%s", err.msg);
			}
			llmops_buf_release(&bytes);
		}
	}
}

static int message_checks(struct llmops_lint *l, struct lint_file *f, const struct llmops_prompt *p)
{
	for (size_t i = 0; i < p->nmsgs; i++) {
		const struct llmops_prompt_msg *m = &p->msgs[i];
		struct inj_scan is = {.l = l,
				      .f = f,
				      .src = {m->source, strlen(m->source), 1, 0, 0, 0},
				      .role = m->role,
				      .last_message =
					      m->msg >= 0 && (size_t)m->msg + 1 == p->nmessages};
		struct lint_file shadow = *f;
		int rc;

		if (!p->json) {
			is.src.first =
				p->fm.body_line; /* personal data: checked with the front matter */
		} else {
			const char *steps[16];
			size_t n = llmops_prompt_msg_steps(m, steps, 16);

			llmops_json_locate(f->text, f->len, steps, n, 0, &shadow.base_line,
					   &shadow.base_col);
			shadow.text = m->source;
			shadow.cursor = NULL; /* f's cursor is for f's text */
			shadow.json_of = f;
			shadow.json_p = p;
			shadow.json_msg = i;
			shadow.len = is.src.len;
			if ((rc = lint_pii(l, &shadow, 0, shadow.len)))
				return rc;
			is.f = &shadow;
		}
		if (lint_on(l, LR_INJECTION))
			llmops_template_tags(m->tmpl, injection_tag, &is);
		if (lint_on(l, LR_TEMPLATE_PARTIAL)) {
			struct partial_scan ps = {l, is.f};

			llmops_template_tags(m->tmpl, partial_tag, &ps);
		}
	}
	return LLMOPS_OK;
}

static int partial_file(struct llmops_lint *l, struct lint_file *f)
{
	struct llmops_template *t = NULL;
	struct llmops_err err = {0};
	int rc = llmops_template_parse(&t, f->text, f->len, f->path, 1, 1, &err);

	if (rc == LLMOPS_E_NOMEM)
		return rc;
	if (rc) {
		lint_report_err(l, f, LR_TEMPLATE_SYNTAX, &err);
		return LLMOPS_OK;
	}
	rc = lint_pii(l, f, 0, f->len);
	if (!rc && lint_on(l, LR_TEMPLATE_PARTIAL)) {
		struct partial_scan ps = {l, f};

		llmops_template_tags(t, partial_tag, &ps);
	}
	llmops_template_free(t);
	return rc;
}

int lint_prompt_file(struct llmops_lint *l, struct lint_file *f)
{
	struct llmops_prompt *p = NULL;
	struct llmops_err err = {0};
	struct llmops_frontmatter fm = {0};
	size_t n = strlen(f->path);
	int json = n > 5 && !strcmp(f->path + n - 5, ".json"), rc;
	char name[LLMOPS_NAME_MAX + 1], version[64] = "";
	struct llmops_semver sv;
	const char *ext;

	if (f->kind == LINT_PARTIAL)
		return partial_file(l, f);
	if (f->kind == LINT_STRAY)
		lint_report(l, f, 1, 1, LR_VERSION_FILENAME,
			    "'%s' is not named prompts/NAME/vMAJOR.MINOR.PATCH.txt (or .json), so "
			    "llmops does not see it as a version; rename it (e.g. with llmops "
			    "prompt new)",
			    f->path);
	if (f->kind == LINT_PROMPT && !llmops_version_path_split(f->path, name, &sv, &ext))
		llmops_semver_format(&sv, version, sizeof(version));
	if (!json) {
		struct meta_item items[64];

		rc = llmops_frontmatter_parse(&fm, f->text, f->len, f->path, &err);
		if (rc == LLMOPS_E_NOMEM)
			return rc;
		if (rc) {
			llmops_frontmatter_release(&fm);
			lint_report_err(l, f, LR_FRONTMATTER_SYNTAX, &err);
			return f->kind == LINT_PROMPT ? keep_prompt(l, f, NULL) : LLMOPS_OK;
		}
		/* metadata and personal data do not need the template to parse */
		check_meta(l, f, items, collect_meta_fm(&fm, items, 64),
			   version[0] ? version : NULL);
		rc = lint_pii(l, f, fm.body_off, f->len);
		llmops_frontmatter_release(&fm);
		if (rc)
			return rc;
	}
	rc = llmops_prompt_parse_ex(&p, f->path, f->text, f->len, json, LLMOPS_PROMPT_LENIENT_META,
				    &err);
	if (rc == LLMOPS_E_NOMEM)
		return rc;
	if (rc) {
		lint_report_err(l, f, LR_TEMPLATE_SYNTAX, &err);
		return f->kind == LINT_PROMPT ? keep_prompt(l, f, NULL) : LLMOPS_OK;
	}
	if (json) {
		struct meta_item items[64];

		check_meta(l, f, items, collect_meta_json(f, p->json, items, 64),
			   version[0] ? version : NULL);
	}
	if (version[0] && !p->json && p->nmsgs) {
		struct header_scan h = {0};

		llmops_template_tags(p->msgs[0].tmpl, header_tag, &h);
		if (h.version && strcmp(h.version, version))
			lint_report(l, f, h.line, h.col, LR_VERSION_MISMATCH,
				    "the version header says '%s' but the file is named %s; make "
				    "them agree",
				    h.version, version);
	}
	if ((rc = message_checks(l, f, p))) {
		llmops_prompt_free(p);
		return rc;
	}
	if (p->has_extras)
		schema_checks(l, f, p);
	if (p->json)
		image_checks(l, f, p);
	if (f->kind == LINT_PROMPT)
		return keep_prompt(l, f, p);
	if (f->kind == LINT_TEMPLATE || f->kind == LINT_STRAY) {
		/* kept for size and variables as a prompt of its own */
		return keep_prompt(l, f, p);
	}
	llmops_prompt_free(p);
	return LLMOPS_OK;
}
