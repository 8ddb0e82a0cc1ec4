/*
 * detect.c - secrets and personal data in a text (see detect.h).
 *
 * Secret formats are the issuers' published ones: OpenAI "sk-" and
 * "sk-proj-" keys, Anthropic "sk-ant-api03-", AWS access key ids
 * (AKIA/ASIA...), GitHub "ghp_"-style and "github_pat_" tokens, Slack
 * "xox?-" tokens and webhooks, Google "AIza" API keys, "GOCSPX-" client
 * secrets and "ya29." access tokens, Stripe live keys, Hugging Face "hf_"
 * tokens, PEM private key blocks (RFC 7468) and JWTs (RFC 7519: three
 * base64url parts, the first two JSON objects, so "eyJ"), Azure Storage and
 * Service Bus keys in connection strings (AccountKey=, SharedAccessKey=),
 * AWS secret access keys (40 characters named as one), HTTP bearer tokens
 * (RFC 6750) and passwords in URLs (RFC 3986 userinfo), these three only when
 * the value is random enough to be no placeholder.  One PCRE2
 * pattern with a (*MARK) per kind runs over the text once, JIT-compiled.
 *
 * Personal data: e-mail addresses (the RFC 2606 example domains excepted),
 * telephone numbers of 10-15 digits in a grouped form, and payment card
 * numbers with an issuer prefix (ISO/IEC 7812), a length the issuer uses,
 * and a valid Luhn check digit.
 */
#include "detect.h"

#include "error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	  /* Azure Storage and Service Bus connection strings (their documented keys) */
	  "|(?i:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])"
	  "(*MARK:Azure account key)"
	  /* AWS's secret access key: 40 characters, said to be one */
	  "|(?i:aws)[A-Za-z0-9_ .-]{0,24}(?i:secret)[A-Za-z0-9_ .-]{0,24}[\"']?[ \t]*"
	  "(?::=|=>|=|:|\\bis\\b)?[ \t]*[\"'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
	  "(*MARK:AWS secret access key)"
	  /* an HTTP bearer token (RFC 6750), and a URL's password (RFC 3986 userinfo) */
	  "|(?i:bearer)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])(*MARK:bearer token)"
	  "|" B "[A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@\"'<>]{1,64}:([^\\s/@\"'<>]{3,128})@"
	  "(*MARK:password in a URL)"
	  /* generic: a secret-sounding name assigned a value (group 1) */
	  "|(?i:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|credential|"
	  "auth[_-]?key|access[_-]?key|private[_-]?key|account[_-]?key)"
	  "[A-Za-z0-9_.-]*[\"']?[ \\t]*(?::=|=>|=|:)[ \\t]*[\"'`]?"
	  "([A-Za-z0-9+/_.=~!@#$%^&*-]{12,})(?![A-Za-z0-9+/_.=~!@#$%^&*(-])(*MARK:generic)";
#undef B
#undef E

static const char phone_pattern[] = "(?<![\\w+.\\-/:])(?<![0-9] )(?:\\+[0-9]{1,3}[ "
				    ".-]?)?(?:\\([0-9]{2,4}\\)[ .-]?|[0-9]{2,4}[ .-])"
				    "[0-9]{3,4}[ .-][0-9]{3,4}(?![\\w\\-/]|\\.[0-9]| [0-9])";
static const char card_pattern[] = "(?<![0-9-])[2-6](?:[ -]?[0-9]){12,18}(?![0-9-])";

static pcre2_code *re_secret, *re_phone, *re_card;
static pthread_once_t compiled = PTHREAD_ONCE_INIT;

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

/* Once per process; the codes are kept to its end (matching them is thread-safe). */
static void compile_all(void)
{
	re_secret = compile(secret_pattern);
	re_phone = compile(phone_pattern);
	re_card = compile(card_pattern);
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

/* A bearer token's or a URL password's value: no placeholder, no variable, and random
   enough (a mix of letters and digits, or high entropy). */
static int value_is_secret(const char *v, size_t n)
{
	static const char *const words[] = {"password", "passwd", "pass", "secret", "token",
					    "pwd",	"user",	  "****", NULL};
	if (n && (v[0] == '$' || v[0] == '{' || v[0] == '<' || v[0] == '%'))
		return 0;
	for (size_t i = 0; words[i]; i++)
		if (n == strlen(words[i]) && !strncasecmp(v, words[i], n))
			return 0;
	return generic_is_secret(v, n);
}

/* Secrets in text[off, end). */
static int secrets(const char *text, size_t off, size_t end, unsigned mask, pcre2_match_data *md,
		   llmops_detection_fn fn, void *ud)
{
	size_t pos = off;

	while (pos < end) {
		int rc = pcre2_match(re_secret, (PCRE2_SPTR)text, end, pos, 0, md, NULL);
		PCRE2_SIZE *ov;
		const char *kind;
		size_t s, e;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		kind = (const char *)pcre2_get_mark(md);
		s = ov[0];
		e = ov[1];
		pos = e > s ? e : s + 1;
		if (!kind)
			continue;
		struct llmops_detection f = {LLMOPS_DETECT_SECRET, kind, s, e - s, 0};
		/* a kind whose value is a group of the match (the first one set) */
		for (int g = 1; g < rc; g++)
			if (ov[2 * g] != PCRE2_UNSET) {
				f.off = ov[2 * g];
				f.len = ov[2 * g + 1] - ov[2 * g];
				break;
			}
		if (!strcmp(kind, "bearer token") || !strcmp(kind, "password in a URL")) {
			/* "Bearer <token>", "Bearer $TOKEN", user:password@: examples, not keys */
			if (!(mask & (1u << f.kind)) || !value_is_secret(text + f.off, f.len))
				continue;
		} else if (!strcmp(kind, "generic")) {
			f = (struct llmops_detection){
				LLMOPS_DETECT_SECRET_ENTROPY,
				"high-entropy value given to a secret-sounding "
				"name",
				f.off, f.len, 0};
			if (!(mask & (1u << f.kind)) || !generic_is_secret(text + f.off, f.len))
				continue;
		} else if (!(mask & (1u << f.kind)) || contains_ci(text + s, e - s, "example") ||
			   /* AKIAIOSFODNN7EXAMPLE and the like: documentation values */
			   (!strcmp(kind, "OpenAI API key") &&
			    !generic_is_secret(text + s, e - s))) {
			continue; /* sk-learn-style words */
		}
		if ((rc = fn(&f, ud)))
			return rc;
	}
	return 0;
}

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

static int emails(const char *t, size_t off, size_t end, llmops_detection_fn fn, void *ud)
{
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
		struct llmops_detection f = {LLMOPS_DETECT_EMAIL, "e-mail address", s, e - s, 0};
		int rc = fn(&f, ud);
		if (rc)
			return rc;
	}
	return 0;
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

/* Telephone or card numbers (kind) in text[off, end). */
static int numbers(const char *text, size_t off, size_t end, int kind, pcre2_match_data *md,
		   llmops_detection_fn fn, void *ud)
{
	pcre2_code *code = kind == LLMOPS_DETECT_CARD ? re_card : re_phone;
	size_t pos = off;

	while (pos < end) {
		int rc = pcre2_match(code, (PCRE2_SPTR)text, end, pos, 0, md, NULL);
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
		n = digits_of(text + ov[0], len, d);
		struct llmops_detection f = {kind, "telephone number", ov[0], len, n};
		if (kind == LLMOPS_DETECT_PHONE && (n < 10 || n > 15))
			continue;
		if (kind == LLMOPS_DETECT_CARD) {
			if (!consistent_groups(text + ov[0], len) ||
			    !(issuer = card_issuer(d, n)) || !luhn(d, n))
				continue;
			f.what = issuer;
		}
		if ((rc = fn(&f, ud)))
			return rc;
	}
	return 0;
}

int llmops_detect(const char *text, size_t off, size_t end, unsigned mask, llmops_detection_fn fn,
		  void *ud)
{
	pcre2_match_data *md = NULL;
	int rc = 0;

	if (mask & (1u << LLMOPS_DETECT_EMAIL) && (rc = emails(text, off, end, fn, ud)))
		return rc;
	if (!(mask &
	      (LLMOPS_DETECT_SECRETS | (1u << LLMOPS_DETECT_PHONE) | (1u << LLMOPS_DETECT_CARD))))
		return 0;
	pthread_once(&compiled, compile_all);
	if (!re_secret || !re_phone || !re_card || !(md = pcre2_match_data_create(8, NULL)))
		return LLMOPS_E_NOMEM;
	if (mask & LLMOPS_DETECT_SECRETS)
		rc = secrets(text, off, end, mask, md, fn, ud);
	if (!rc && mask & (1u << LLMOPS_DETECT_CARD))
		rc = numbers(text, off, end, LLMOPS_DETECT_CARD, md, fn, ud);
	if (!rc && mask & (1u << LLMOPS_DETECT_PHONE))
		rc = numbers(text, off, end, LLMOPS_DETECT_PHONE, md, fn, ud);
	pcre2_match_data_free(md);
	return rc;
}

const char *llmops_detection_name(int kind)
{
	static const char *const names[] = {"secret", "secret-entropy", "email", "phone", "card"};
	return kind >= 0 && kind < LLMOPS_DETECT_COUNT ? names[kind] : "?";
}
