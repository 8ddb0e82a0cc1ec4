/*
 * lint_base.c - what every lint rule file shares with the driver (lint.c):
 * the rules and their severities, whether a rule is on, and findings
 * reported at a line and column, a byte offset, or from an error.
 */
#include "lint.h"

#include "mem.h"

#include "internal.h"
#include "json.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define E LLMOPS_SEV_ERROR
#define W LLMOPS_SEV_WARNING

const struct llmops_lint_rule llmops_lint_rules[LR_COUNT] = {
	[LR_FILE_UNREADABLE] =
		{"file-unreadable", "files", E, 0,
		 "a file that cannot be checked: unreadable, binary, too large, or a "
		 "symbolic link that leads out of the repository"},
	[LR_UNICODE_ENCODING] = {"unicode-encoding", "unicode", E, 0,
				 "bytes that are not UTF-8 (models receive them mangled)"},
	[LR_UNICODE_BIDI] = {"unicode-bidi", "unicode", E, 0,
			     "bidirectional control characters that reorder what a reviewer "
			     "sees (Trojan Source)"},
	[LR_UNICODE_INVISIBLE] = {"unicode-invisible", "unicode", E, 0,
				  "zero-width, tag and other invisible characters that can hide "
				  "instructions"},
	[LR_LINE_ENDINGS] = {"line-endings", "unicode", W, 1,
			     "a file that mixes CRLF and LF line endings"},
	[LR_TRAILING_WHITESPACE] = {"trailing-whitespace", "unicode", W, 1,
				    "spaces or tabs at the end of a line"},
	[LR_FINAL_NEWLINE] = {"final-newline", "unicode", W, 1,
			      "a text file that does not end with a newline"},
	[LR_SECRET] = {"secret", "secrets", E, 0,
		       "an API key, token or private key (OpenAI, Anthropic, AWS, GitHub, Slack, "
		       "Google, JWT, ...)"},
	[LR_SECRET_ENTROPY] = {"secret-entropy", "secrets", E, 0,
			       "a high-entropy value assigned to a key, token, secret or "
			       "password"},
	[LR_PII_EMAIL] = {"pii-email", "personal data", W, 0,
			  "an e-mail address in a prompt (reserved example domains excepted)"},
	[LR_PII_PHONE] = {"pii-phone", "personal data", W, 0, "a telephone number in a prompt"},
	[LR_PII_CARD] = {"pii-card", "personal data", E, 0,
			 "a payment card number (Luhn-checked) in a prompt"},
	[LR_TEMPLATE_SYNTAX] = {"template-syntax", "template", E, 0,
				"a template that does not parse: unclosed or mismatched section, "
				"bad tag or delimiters"},
	[LR_TEMPLATE_PARTIAL] = {"template-partial", "template", E, 0,
				 "{{> name}} with no prompts/_partials/name.txt"},
	[LR_FRONTMATTER_SYNTAX] = {"frontmatter-syntax", "front matter", E, 0,
				   "a front matter block that does not parse"},
	[LR_FRONTMATTER_KEY] = {"frontmatter-key", "front matter", W, 0,
				"a metadata key llmops does not know (a typo is ignored silently)"},
	[LR_FRONTMATTER_RANGE] = {"frontmatter-range", "front matter", E, 0,
				  "temperature outside 0..2, max_tokens below 1 or above the "
				  "model's output limit"},
	[LR_FRONTMATTER_MODEL] = {"frontmatter-model", "front matter", E, 0,
				  "a model the price table does not know"},
	[LR_TOOL_SCHEMA] = {"tool-schema", "tools", W, 0,
			    "a tool's parameters or a response format's schema using JSON "
			    "Schema keywords llmops does not check"},
	[LR_IMAGE_FILE] = {"image-file", "tools", E, 0,
			   "an image part whose file is missing, outside the repository or not a "
			   "PNG, JPEG, GIF or WebP image"},
	[LR_MODEL_UNAPPROVED] = {"model-unapproved", "front matter", E, 0,
				 "a model llmops.json's models.approved does not list, or a moving "
				 "alias (-latest, an undated id with a dated snapshot)"},
	[LR_INJECTION] = {"injection", "injection", W, 0,
			  "a variable placed where its text can pass for instructions "
			  "(undelimited, or last in the prompt)"},
	[LR_VARIABLE_UNDEFINED] = {"variable-undefined", "variables", E, 0,
				   "a variable the template uses that no case of its dataset "
				   "provides"},
	[LR_VARIABLE_UNUSED] = {"variable-unused", "variables", W, 0,
				"a dataset variable the prompt never uses"},
	[LR_SIZE_CONTEXT] = {"size-context", "size", E, 0,
			     "rendered prompt plus max_tokens over the model's context window"},
	[LR_SIZE_BUDGET] = {"size-budget", "size", E, 0,
			    "rendered prompt over lint.token_budget in llmops.json"},
	[LR_VERSION_FILENAME] = {"version-filename", "versioning", E, 0,
				 "a prompt file not named vMAJOR.MINOR.PATCH.txt or .json"},
	[LR_VERSION_MISMATCH] = {"version-mismatch", "versioning", E, 0,
				 "a version in the file that disagrees with its file name"},
	[LR_VERSION_DUPLICATE] = {"version-duplicate", "versioning", W, 0,
				  "a version whose text is identical to another version's"},
	[LR_VERSION_PINNED] = {"version-pinned", "versioning", E, 0,
			       "a pinned version that `llmops prompt verify` would reject"},
	[LR_VERSION_LATEST] = {"version-latest", "versioning", E, 0,
			       "\"latest\" used as a version in prompts.lock or llmops.json"},
	[LR_DATASET_SYNTAX] = {"dataset-syntax", "datasets", E, 0, "a dataset that does not parse"},
	[LR_DATASET_DUPLICATE_ID] = {"dataset-duplicate-id", "datasets", E, 0,
				     "two cases with the same id"},
	[LR_DATASET_EXPECTED] = {"dataset-expected", "datasets", E, 0,
				 "a case with no expected output where its metric needs one"},
	[LR_DATASET_THRESHOLD] = {"dataset-threshold", "datasets", E, 0,
				  "a threshold that is not a number in [0, 1]"},
	[LR_DATASET_METRIC] = {"dataset-metric", "datasets", E, 0,
			       "a case that names a metric llmops does not have"},
	[LR_DATASET_ASSERT] = {"dataset-assert", "datasets", E, 0,
			       "an assertion of unknown type or with a value it cannot use"},
};

#undef E
#undef W

static const char *const sev_names[] = {"off", "note", "warning", "error"};

const char *llmops_severity_name(int sev)
{
	return sev >= 0 && sev <= LLMOPS_SEV_ERROR ? sev_names[sev] : "?";
}

int llmops_severity_parse(const char *s, int dflt)
{
	if (!strcmp(s, "on"))
		return dflt;
	if (!strcmp(s, "info"))
		return LLMOPS_SEV_NOTE;
	for (int i = 0; i <= LLMOPS_SEV_ERROR; i++)
		if (!strcmp(s, sev_names[i]))
			return i;
	return -1;
}

int llmops_lint_rule_find(const char *id)
{
	for (int i = 0; i < LR_COUNT; i++)
		if (!strcmp(llmops_lint_rules[i].id, id))
			return i;
	return -1;
}

int lint_on(const struct llmops_lint *l, int rule)
{
	return l->sev[rule] != LLMOPS_SEV_OFF;
}

/* ---------------------------------------------------------------- findings */

int lint_silenced(const struct lint_file *f, int line, int rule)
{
	size_t lo = 0, hi = f->nsupp;

	if (f->off_rules & (1ull << rule))
		return 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->supp[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nsupp && f->supp[lo].line == line && (f->supp[lo].rules & (1ull << rule));
}

static void vreport(struct llmops_lint *l, const struct lint_file *f, int line, int col, int rule,
		    const char *fmt, va_list ap)
{
	struct llmops_finding *x;
	char msg[1024];

	if (!lint_on(l, rule) || (f && lint_silenced(f, line, rule)))
		return;
	if (LLMOPS_GROW(l->f, l->nf, l->capf, 64)) {
		l->oom = 1;
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	x = &l->f[l->nf];
	x->path = strdup(f ? f->path : "llmops.json");
	x->message = strdup(msg);
	if (!x->path || !x->message) {
		free(x->path);
		free(x->message);
		l->oom = 1;
		return;
	}
	x->line = line > 0 ? line : 1;
	x->col = col > 0 ? col : 1;
	x->rule = rule;
	x->severity = l->sev[rule];
	l->nf++;
}

/* The byte offset of line:col (columns in code points) in s[0, n). */
static size_t offset_at(const char *s, size_t n, int line, int col)
{
	size_t i = 0;
	for (int l = 1; l < line && i < n; i++)
		if (s[i] == '\n')
			l++;
	for (int c = 1; c < col && i < n; c++) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

void lint_json_content_pos(const struct lint_file *f, const struct llmops_prompt *p, size_t i,
			   int line, int col, int *fline, int *fcol)
{
	const char *steps[16];
	size_t n = llmops_prompt_msg_steps(&p->msgs[i], steps, 16);
	size_t s, e;
	*fline = *fcol = 1;
	if (llmops_json_span(f->text, f->len, steps, n, &s, &e) || e <= s || f->text[s] != '"') {
		llmops_json_locate(f->text, f->len, steps, n, 0, fline, fcol);
		return;
	}
	const char *src = p->msgs[i].source;
	size_t d = offset_at(src, strlen(src), line, col);
	llmops_text_pos(f->text, s + llmops_json_string_offset(f->text + s, e - s, d), fline, fcol);
}

void lint_report(struct llmops_lint *l, const struct lint_file *f, int line, int col, int rule,
		 const char *fmt, ...)
{
	va_list ap;

	if (f && f->json_of) { /* a .json prompt's message: the file's own position */
		lint_json_content_pos(f->json_of, f->json_p, f->json_msg, line, col, &line, &col);
		f = f->json_of;
	}
	va_start(ap, fmt);
	vreport(l, f, line, col, rule, fmt, ap);
	va_end(ap);
}

void lint_report_at(struct llmops_lint *l, const struct lint_file *f, size_t off, int rule,
		    const char *fmt, ...)
{
	int line = 1, col = 1;
	va_list ap;

	if (!lint_on(l, rule))
		return;
	if (f->json_of) {
		llmops_text_pos(f->text, off <= f->len ? off : f->len, &line, &col);
		lint_json_content_pos(f->json_of, f->json_p, f->json_msg, line, col, &line, &col);
		f = f->json_of;
	} else if (f->base_line) {
		line = f->base_line;
		col = f->base_col;
	} else if (f->text && f->cursor) {
		llmops_text_cursor_pos(f->cursor, f->text, off <= f->len ? off : f->len, &line,
				       &col);
	} else if (f->text) {
		llmops_text_pos(f->text, off <= f->len ? off : f->len, &line, &col);
	}
	va_start(ap, fmt);
	vreport(l, f, line, col, rule, fmt, ap);
	va_end(ap);
}

void lint_report_err(struct llmops_lint *l, const struct lint_file *f, int rule,
		     const struct llmops_err *err)
{
	const char *m = err->msg;
	size_t n = strlen(f->path);
	int line = 1, col = 1, used = 0;

	/* "path:line:col: message" -> a finding at line:col */
	if (!strncmp(m, f->path, n) && m[n] == ':' &&
	    sscanf(m + n, ":%d:%d: %n", &line, &col, &used) == 2 && used > 0)
		m += n + (size_t)used;
	lint_report(l, f, line, col, rule, "%s", m);
}
