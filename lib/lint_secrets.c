/*
 * lint_secrets.c - secrets and personal data in text that would reach a
 * model.
 *
 * Secret formats are the issuers' published ones: OpenAI "sk-" and
 * "sk-proj-" keys, Anthropic "sk-ant-api03-", AWS access key ids
 * (AKIA/ASIA...), GitHub "ghp_"-style and "github_pat_" tokens, Slack
 * "xox?-" tokens and webhooks, Google "AIza" API keys, "GOCSPX-" client
 * secrets and "ya29." access tokens, Stripe live keys, Hugging Face "hf_"
 * tokens, PEM private key blocks (RFC 7468) and JWTs (RFC 7519: three
 * base64url parts, the first two JSON objects, so "eyJ").  One PCRE2
 * pattern with a (*MARK) per kind runs over the file once, JIT-compiled.
 * A finding names the kind and length, never the value.
 *
 * Personal data (prompt text only): e-mail addresses (the RFC 2606
 * example domains excepted), telephone numbers of 10-15 digits in a
 * grouped form, and payment card numbers with an issuer prefix, a length
 * the issuer uses, and a valid Luhn check digit.
 */
#include "lint_internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lint_regexes {
	pcre2_code *secret, *phone, *card;
	pcre2_match_data *md;
	int failed;
};

#define B "(?<![A-Za-z0-9_-])"
#define E "(?![A-Za-z0-9_-])"
static const char secret_pattern[] =
	B "sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{20,}(*MARK:Anthropic API key)"
	  "|" B "sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}" E "(*MARK:OpenAI API key)"
	  "|" B "(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}" E "(*MARK:AWS access key id)"
	  "|" B "gh[pousr]_[A-Za-z0-9]{36,255}" E "(*MARK:GitHub token)"
	  "|" B "github_pat_[A-Za-z0-9_]{22,255}" E "(*MARK:GitHub fine-grained token)"
	  "|" B "xox[abposr]-[A-Za-z0-9-]{10,}" E "(*MARK:Slack token)"
	  "|https://hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"
	  "(*MARK:Slack webhook URL)"
	  "|" B "AIza[0-9A-Za-z_-]{35}" E "(*MARK:Google API key)"
	  "|" B "GOCSPX-[A-Za-z0-9_-]{28}" E "(*MARK:Google OAuth client secret)"
	  "|" B "ya29\\.[0-9A-Za-z_-]{20,}" E "(*MARK:Google OAuth access token)"
	  "|" B "(?:sk|rk)_live_[A-Za-z0-9]{20,}" E "(*MARK:Stripe live key)"
	  "|" B "hf_[A-Za-z0-9]{30,}" E "(*MARK:Hugging Face token)"
	  "|-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(*MARK:private key block)"
	  "|" B "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}" E "(*MARK:JWT)"
	  /* generic: a secret-sounding name assigned a value (group 1) */
	  "|(?i:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|credential|"
	  "auth[_-]?key|access[_-]?key|private[_-]?key)"
	  "[A-Za-z0-9_.-]*[\"']?[ \\t]*(?::=|=>|=|:)[ \\t]*[\"'`]?"
	  "([A-Za-z0-9+/_.=~!@#$%^&*-]{12,})(?![A-Za-z0-9+/_.=~!@#$%^&*(-])(*MARK:generic)";
#undef B
#undef E

static const char phone_pattern[] = "(?<![\\w+.\\-/:])(?<![0-9] )(?:\\+[0-9]{1,3}[ "
				    ".-]?)?(?:\\([0-9]{2,4}\\)[ .-]?|[0-9]{2,4}[ .-])"
				    "[0-9]{3,4}[ .-][0-9]{3,4}(?![\\w\\-/]|\\.[0-9]| [0-9])";
static const char card_pattern[] = "(?<![0-9-])[2-6](?:[ -]?[0-9]){12,18}(?![0-9-])";

void lint_regexes_free(struct lint_regexes *re)
{
	if (!re)
		return;
	pcre2_code_free(re->secret);
	pcre2_code_free(re->phone);
	pcre2_code_free(re->card);
	pcre2_match_data_free(re->md);
	free(re);
}

static pcre2_code *compile(const char *pat)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode,
				      &erroff, NULL);

	if (c)
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* without JIT it still works */
	return c;
}

static struct lint_regexes *regexes(struct llmops_lint *l)
{
	struct lint_regexes *re = l->re;

	if (re)
		return re->failed ? NULL : re;
	if (!(re = l->re = calloc(1, sizeof(*re)))) {
		l->oom = 1;
		return NULL;
	}
	re->secret = compile(secret_pattern);
	re->phone = compile(phone_pattern);
	re->card = compile(card_pattern);
	re->md = pcre2_match_data_create(4, NULL);
	re->failed = !re->secret || !re->phone || !re->card || !re->md;
	return re->failed ? NULL : re;
}

/* Shannon entropy of s[0..n) in bits per character. */
static double entropy(const char *s, size_t n)
{
	unsigned counts[256] = {0};
	double h = 0;

	for (size_t i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++)
		if (counts[c]) {
			double p = (double)counts[c] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

static int is_uuid(const char *s, size_t n)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (n != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int contains_ci(const char *s, size_t n, const char *word)
{
	size_t m = strlen(word);

	for (size_t i = 0; i + m <= n; i++)
		if (!strncasecmp(s + i, word, m))
			return 1;
	return 0;
}

/*
 * Is a value assigned to a secret-sounding name a secret?  Not when it is
 * a placeholder, an environment variable's name, a UUID or a plain word;
 * yes when it mixes letters and digits with enough entropy.
 */
static int generic_is_secret(const char *v, size_t n)
{
	static const char *const placeholders[] = {"example",	  "xxxx",     "your",  "changeme",
						   "placeholder", "redacted", "dummy", "sample",
						   "****",	  "<",	      NULL};
	int digit = 0, alpha = 0, upper_only = 1;
	double h = entropy(v, n);

	if (is_uuid(v, n))
		return 0;
	for (size_t i = 0; placeholders[i]; i++)
		if (contains_ci(v, n, placeholders[i]))
			return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		digit |= isdigit(c) != 0;
		alpha |= isalpha(c) != 0;
		if (!(isupper(c) || isdigit(c) || c == '_'))
			upper_only = 0;
	}
	if (upper_only && !digit)
		return 0; /* OPENAI_API_KEY: the name of a variable, not its value */
	return (digit && alpha && h >= 3.0) || h >= 4.2;
}

int lint_secrets(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end)
{
	struct lint_regexes *re;
	size_t pos = off;

	if ((!lint_on(l, LR_SECRET) && !lint_on(l, LR_SECRET_ENTROPY)) || !f->utf8_ok)
		return LLMOPS_OK;
	if (!(re = regexes(l)))
		return l->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
	while (pos < end) {
		int rc = pcre2_match(re->secret, (PCRE2_SPTR)f->text, end, pos, 0, re->md, NULL);
		PCRE2_SIZE *ov;
		const char *kind;
		size_t s, e;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(re->md);
		kind = (const char *)pcre2_get_mark(re->md);
		s = ov[0];
		e = ov[1];
		pos = e > s ? e : s + 1;
		if (!kind)
			continue;
		if (!strcmp(kind, "generic")) {
			s = ov[2];
			e = ov[3];
			if (generic_is_secret(f->text + s, e - s))
				lint_report_at(
					l, f, s, LR_SECRET_ENTROPY,
					"a high-entropy value (%zu characters) assigned to a "
					"secret-sounding name; keep secrets in the environment, "
					"never in files a model sees",
					e - s);
			continue;
		}
		if (contains_ci(f->text + s, e - s, "example"))
			continue; /* AKIAIOSFODNN7EXAMPLE and the like: documentation values */
		if (!strcmp(kind, "OpenAI API key") && !generic_is_secret(f->text + s, e - s))
			continue; /* sk-learn-style words */
		lint_report_at(l, f, s, LR_SECRET,
			       "%s (%zu characters); remove it and rotate it: secrets belong in "
			       "the environment, and anything here is sent to a model",
			       kind, e - s);
	}
	return LLMOPS_OK;
}

/* ---------------------------------------------------------------- personal data */

static int local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("._%+-", c));
}

static int domain_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.';
}

/* RFC 2606 and RFC 6761 names that never belong to anyone. */
static int reserved_domain(const char *d, size_t n)
{
	static const char *const names[] = {"example.com", "example.org", "example.net",
					    ".example",	   ".test",	  ".invalid",
					    ".localhost",  "localhost",	  NULL};

	for (size_t i = 0; names[i]; i++) {
		size_t m = strlen(names[i]);

		if (n >= m && !strncasecmp(d + n - m, names[i], m) &&
		    (n == m || names[i][0] == '.' || d[n - m - 1] == '.'))
			return 1;
	}
	return 0;
}

static void emails(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end)
{
	const char *t = f->text;
	const char *at = t + off;

	while ((at = memchr(at, '@', (size_t)(t + end - at)))) {
		size_t a = (size_t)(at - t), s = a, e = a + 1, dot = 0;

		while (s > off && local_char((unsigned char)t[s - 1]))
			s--;
		while (e < end && domain_char((unsigned char)t[e]))
			e++;
		while (e > a + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
			e--; /* a sentence's full stop */
		for (size_t i = a + 1; i < e; i++)
			if (t[i] == '.')
				dot = i;
		at++;
		if (s == a || !dot || e - dot < 3 || !isalpha((unsigned char)t[e - 1]) ||
		    t[a + 1] == '.' || t[s] == '.')
			continue;
		if (reserved_domain(t + a + 1, e - a - 1))
			continue;
		lint_report_at(l, f, s, LR_PII_EMAIL,
			       "an e-mail address: personal data sent to a model with every "
			       "request; use a variable or a reserved domain (example.com)");
	}
}

static size_t digits_of(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			out[k++] = s[i];
	out[k] = '\0';
	return k;
}

static int luhn(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int x = d[n - 1 - i] - '0';

		if (i % 2) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	return sum % 10 == 0;
}

/* An issuer whose cards have n digits starts with d (ISO/IEC 7812 prefixes in use). */
static const char *card_issuer(const char *d, size_t n)
{
	int p2, p4;

	if (n < 13)
		return NULL;
	p2 = (d[0] - '0') * 10 + (d[1] - '0');
	p4 = p2 * 100 + (d[2] - '0') * 10 + (d[3] - '0');

	if (d[0] == '4' && (n == 13 || n == 16 || n == 19))
		return "Visa";
	if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n == 16)
		return "Mastercard";
	if ((p2 == 34 || p2 == 37) && n == 15)
		return "American Express";
	if ((p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499)) && n >= 16 && n <= 19)
		return "Discover";
	if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19)
		return "JCB";
	if ((p2 == 36 || p2 == 38 || (p4 >= 3000 && p4 <= 3059)) && n == 14)
		return "Diners Club";
	return NULL;
}

/* Groups separated by one kind of separator, or none at all. */
static int consistent_groups(const char *s, size_t n)
{
	char sep = 0;

	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i])) {
			if (sep && s[i] != sep)
				return 0;
			sep = s[i];
		}
	return 1;
}

static void regex_rule(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end,
		       pcre2_code *code, pcre2_match_data *md, int rule)
{
	size_t pos = off;

	while (pos < end) {
		int rc = pcre2_match(code, (PCRE2_SPTR)f->text, end, pos, 0, md, NULL);
		PCRE2_SIZE *ov;
		char d[64] = "";
		size_t n, len;
		const char *issuer;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		len = ov[1] - ov[0];
		pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (len >= sizeof(d))
			continue;
		n = digits_of(f->text + ov[0], len, d);
		if (rule == LR_PII_PHONE && n >= 10 && n <= 15)
			lint_report_at(l, f, ov[0], rule,
				       "a telephone number (%zu digits): personal data sent to a "
				       "model with every request; use a variable or a fictional "
				       "number",
				       n);
		if (rule == LR_PII_CARD && consistent_groups(f->text + ov[0], len) &&
		    (issuer = card_issuer(d, n)) && luhn(d, n))
			lint_report_at(l, f, ov[0], rule,
				       "a %s card number (%zu digits, valid check digit); remove "
				       "it: card data must never reach a model",
				       issuer, n);
	}
}

int lint_pii(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end)
{
	struct lint_regexes *re;

	if (lint_on(l, LR_PII_EMAIL))
		emails(l, f, off, end);
	if (!lint_on(l, LR_PII_PHONE) && !lint_on(l, LR_PII_CARD))
		return LLMOPS_OK;
	if (!(re = regexes(l)))
		return l->oom ? LLMOPS_E_NOMEM : LLMOPS_OK;
	if (lint_on(l, LR_PII_CARD))
		regex_rule(l, f, off, end, re->card, re->md, LR_PII_CARD);
	if (lint_on(l, LR_PII_PHONE))
		regex_rule(l, f, off, end, re->phone, re->md, LR_PII_PHONE);
	return LLMOPS_OK;
}
