/*
 * redact.c - key material kept out of what is stored and printed (see
 * redact.h).
 */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char mark[] = "[redacted]";

/* the environment whose key values messages never show (llmops_redact_use_env) */
static char *const *key_env;

/* variables holding keys whatever their names (a provider's api_key_env), and the values of
   every key variable of key_env: what is never sent, stored or printed */
#define HELD_MAX 64
static char *held_names[HELD_MAX];
static size_t nheld_names;
static struct held {
	const char *name; /* "NAME=value" in key_env */
	size_t name_len;
	const char *value;
	size_t len;
} held[HELD_MAX];
static size_t nheld;

static int secretish_name(const char *name, size_t n);
static int cut_all(char *s, const char *v, size_t vl);

static void held_refresh(void)
{
	nheld = 0;
	for (char *const *e = key_env; e && *e && nheld < HELD_MAX; e++) {
		const char *eq = strchr(*e, '=');
		if (eq && secretish_name(*e, (size_t)(eq - *e)) && strlen(eq + 1) >= 8)
			held[nheld++] =
				(struct held){*e, (size_t)(eq - *e), eq + 1, strlen(eq + 1)};
	}
}

void llmops_redact_use_env(char *const *env)
{
	key_env = env;
	held_refresh();
}

void llmops_redact_hold(const char *var)
{
	if (!var || !*var || nheld_names >= HELD_MAX)
		return;
	for (size_t i = 0; i < nheld_names; i++)
		if (!strcmp(held_names[i], var))
			return;
	if ((held_names[nheld_names] = strdup(var)))
		nheld_names++;
	held_refresh();
}

const char *llmops_redact_held_in(const char *s, size_t *name_len)
{
	for (size_t i = 0; s && i < nheld; i++)
		if (strstr(s, held[i].value)) {
			if (name_len)
				*name_len = held[i].name_len;
			return held[i].name;
		}
	return NULL;
}

char *llmops_redact_held_dup(const char *s)
{
	if (!llmops_redact_held_in(s, NULL))
		return NULL;
	char *d = strdup(s);
	for (size_t i = 0; d && i < nheld; i++)
		cut_all(d, held[i].value, held[i].len);
	return d;
}
#define MARK_LEN (sizeof(mark) - 1)

/* Replace s[at, at+n) by the mark (or '*'s when it is shorter than the mark). */
static void cut(char *s, size_t at, size_t n)
{
	if (n >= MARK_LEN) {
		memcpy(s + at, mark, MARK_LEN);
		memmove(s + at + MARK_LEN, s + at + n, strlen(s + at + n) + 1);
	} else {
		memset(s + at, '*', n);
	}
}

static int already(const char *s, size_t at, size_t n)
{
	if (n >= MARK_LEN)
		return !strncmp(s + at, mark, MARK_LEN) && n == MARK_LEN;
	for (size_t i = 0; i < n; i++)
		if (s[at + i] != '*')
			return 0;
	return 1;
}

static int key_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '*' || c == '.';
}

static int secretish_name(const char *name, size_t n)
{
	static const char *const ends[] = {"_API_KEY",	  "_KEY",	  "_TOKEN",
					   "_SECRET",	  "_PASSWORD",	  "_PASSWD",
					   "_CREDENTIAL", "_CREDENTIALS", NULL};
	for (size_t i = 0; ends[i]; i++) {
		size_t e = strlen(ends[i]);
		if (n >= e && !memcmp(name + n - e, ends[i], e))
			return 1;
	}
	for (size_t i = 0; i < nheld_names; i++)
		if (strlen(held_names[i]) == n && !memcmp(held_names[i], name, n))
			return 1;
	return 0;
}

/* Every occurrence of v[0..vl) in s cut; how many. */
static int cut_all(char *s, const char *v, size_t vl)
{
	size_t from = 0;
	char *hit;
	int n = 0;
	while ((hit = strstr(s + from, v))) {
		cut(s, (size_t)(hit - s), vl);
		from = (size_t)(hit - s) + (vl < MARK_LEN ? vl : MARK_LEN);
		n++;
	}
	return n;
}

int llmops_redact_keys(char *s, char *const *env)
{
	int n = 0;
	if (!s)
		return 0;
	if (env && env == key_env && nheld < HELD_MAX) { /* its key values, found once */
		for (size_t i = 0; i < nheld; i++)
			n += cut_all(s, held[i].value, held[i].len);
		return n;
	}
	for (char *const *e = env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || !secretish_name(*e, (size_t)(eq - *e)) || strlen(eq + 1) < 8)
			continue;
		n += cut_all(s, eq + 1, strlen(eq + 1));
	}
	return n;
}

/* The value of a query parameter named like a key? */
static int secret_param(const char *name, size_t n)
{
	static const char *const names[] = {
		"key",		 "api-key", "api_key",	"apikey", "token",
		"access_token",	 "secret",  "password", "sig",	  "signature",
		"client_secret", "code",    "auth",	NULL};
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(name, names[i], n))
			return 1;
	return 0;
}

/* user:password@ after "://", and key-named query parameters, in every URL of s. */
static int redact_urls(char *s)
{
	int count = 0;
	char *p = s;
	while ((p = strstr(p, "://"))) {
		size_t at = (size_t)(p - s) + 3, end = at;
		/* the authority runs to the first '/', '?', '#' or a space */
		while (s[end] && !strchr("/?# \t\r\n\"'<>", s[end]))
			end++;
		char *amp = memchr(s + at, '@', end - at);
		if (amp && (size_t)(amp - s) > at && !already(s, at, (size_t)(amp - s) - at)) {
			size_t n = (size_t)(amp - s) - at;
			cut(s, at, n);
			count++;
			end -= n - (n >= MARK_LEN ? MARK_LEN : n);
		}
		/* the query, up to a space, a quote or a fragment */
		size_t q = end;
		while (s[q] && !strchr("? \t\r\n\"'<>#", s[q]))
			q++;
		if (s[q] == '?') {
			size_t i = q + 1;
			while (s[i] && !strchr(" \t\r\n\"'<>#", s[i])) {
				size_t ks = i;
				while (s[i] && !strchr("=& \t\r\n\"'<>#", s[i]))
					i++;
				size_t ke = i;
				if (s[i] != '=')
					goto next;
				size_t vs = ++i;
				while (s[i] && !strchr("& \t\r\n\"'<>#", s[i]))
					i++;
				if (secret_param(s + ks, ke - ks) && i > vs &&
				    !already(s, vs, i - vs)) {
					size_t n = i - vs;
					cut(s, vs, n);
					count++;
					i = vs + (n >= MARK_LEN ? MARK_LEN : n);
				}
			next:
				if (s[i] == '&')
					i++;
			}
			q = i;
		}
		p = s + (q > at ? q : at);
	}
	return count;
}

int llmops_redact(char *s)
{
	int n;
	if (!s)
		return 0;
	n = llmops_redact_keys(s, key_env) + redact_urls(s);
	/* key-shaped words: sk-..., Bearer ... */
	static const char *const prefixes[] = {"sk-", "Bearer ", "bearer ", NULL};
	for (size_t p = 0; prefixes[p]; p++) {
		size_t pl = strlen(prefixes[p]), from = 0;
		char *hit;
		while ((hit = strstr(s + from, prefixes[p]))) {
			size_t at = (size_t)(hit - s) + pl, k = 0;
			int word_start = hit == s || !isalnum((unsigned char)hit[-1]);
			while (key_char(s[at + k]))
				k++;
			if (word_start && k >= 6 && strncmp(s + at, mark, MARK_LEN)) {
				cut(s, at, k);
				n++;
			}
			from = at;
		}
	}
	return n;
}
