#include "promptref.h"

#include <stdio.h>
#include <string.h>

static int seg_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '_' || c == '-');
}

int llmops_prompt_name_check(const char *name, const char *what, struct llmops_err *err)
{
	size_t n = strlen(name);
	int first = 1;

	if (!n)
		return llmops_err_set(err, LLMOPS_E_USAGE, "empty %s", what);
	if (n > LLMOPS_NAME_MAX)
		return llmops_err_set(err, LLMOPS_E_USAGE, "%s '%.40s...' is longer than %d bytes",
				      what, name, LLMOPS_NAME_MAX);
	if (name[0] == '/')
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s '%s' is an absolute path; give the name under prompts/, "
				      "such as 'summarize' or 'team/summarize'",
				      what, name);
	if (strstr(name, ".."))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s '%s' contains '..'; names stay inside prompts/", what,
				      name);
	/* judges' rubrics are a family of their own under prompts/_judges/ */
	size_t from = !strncmp(name, LLMOPS_JUDGES_DIR "/", sizeof(LLMOPS_JUDGES_DIR)) &&
				      n > sizeof(LLMOPS_JUDGES_DIR)
			      ? sizeof(LLMOPS_JUDGES_DIR)
			      : 0;
	for (size_t i = from; i < n; i++) {
		char c = name[i];

		if (c == '/') {
			if (first)
				return llmops_err_set(err, LLMOPS_E_USAGE,
						      "%s '%s' has an empty segment", what, name);
			first = 1;
			continue;
		}
		if (!seg_char(c, first)) {
			const char *hint = (c >= 'A' && c <= 'Z') ? "; names are lower-case"
					   : first && (c == '_' || c == '-')
						   ? "; each segment starts with a letter or digit"
						   : "";

			/* the whole character (a UTF-8 sequence), at its position in
			   characters: "résumé" has 'é' at position 2 */
			size_t len = 1, pos = 1;
			while (len < 4 && i + len < n &&
			       ((unsigned char)name[i + len] & 0xC0) == 0x80 &&
			       ((unsigned char)c & 0xC0) == 0xC0)
				len++;
			for (size_t k = 0; k < i; k++)
				pos += ((unsigned char)name[k] & 0xC0) != 0x80;
			return llmops_err_set(err, LLMOPS_E_USAGE,
					      "%s '%s' has '%.*s' at position %zu: names use "
					      "[a-z0-9_-], '/' between segments%s",
					      what, name, (int)len, name + i, pos, hint);
		}
		first = 0;
	}
	if (first)
		return llmops_err_set(err, LLMOPS_E_USAGE, "%s '%s' ends with '/'", what, name);
	return LLMOPS_OK;
}

static int number(const char **s, const char *end, unsigned long *out)
{
	const char *p = *s;
	unsigned long v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return -1; /* no leading zeros, as in semver */
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > 999999999UL)
			return -1;
		v = v * 10 + (unsigned long)(*p++ - '0');
	}
	*out = v;
	*s = p;
	return 0;
}

int llmops_semver_parse(const char *s, size_t len, struct llmops_semver *v)
{
	const char *end = s + len;

	if (len < 6 || *s != 'v')
		return -1;
	s++;
	if (number(&s, end, &v->major) || s >= end || *s++ != '.' || number(&s, end, &v->minor) ||
	    s >= end || *s++ != '.' || number(&s, end, &v->patch) || s != end)
		return -1;
	return 0;
}

int llmops_version_check(const char *s, struct llmops_semver *v, struct llmops_err *err)
{
	struct llmops_semver tmp;

	if (!llmops_semver_parse(s, strlen(s), v ? v : &tmp))
		return LLMOPS_OK;
	if (!strcmp(s, "latest") || !strcmp(s, "LATEST") || !strcmp(s, "head"))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "'%s' is not a version: what runs must be reproducible, so "
				      "name an exact vMAJOR.MINOR.PATCH ('llmops prompt list' "
				      "shows them)",
				      s);
	if (s[0] >= '0' && s[0] <= '9')
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "'%s' is not a version; versions start with 'v': 'v%s'", s,
				      s);
	return llmops_err_set(err, LLMOPS_E_USAGE,
			      "'%s' is not a version; write vMAJOR.MINOR.PATCH, such as v1.2.0", s);
}

int llmops_semver_cmp(const struct llmops_semver *a, const struct llmops_semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

void llmops_semver_format(const struct llmops_semver *v, char *out, size_t n)
{
	snprintf(out, n, "v%lu.%lu.%lu", v->major, v->minor, v->patch);
}

static int copy(char *dst, size_t n, const char *src, size_t len)
{
	if (len >= n)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int llmops_promptref_parse(struct llmops_promptref *ref, const char *arg, int allow_bare_version,
			   int allow_range, struct llmops_err *err)
{
	const char *at = strrchr(arg, '@'), *dots;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (!at) {
		if (allow_bare_version && arg[0] == 'v' && arg[1] >= '0' && arg[1] <= '9') {
			if (copy(ref->version, sizeof(ref->version), arg, strlen(arg)))
				return llmops_err_set(err, LLMOPS_E_USAGE, "version too long");
			return llmops_version_check(ref->version, NULL, err);
		}
		if (allow_bare_version && !strcmp(arg, "latest"))
			return llmops_version_check(arg, NULL, err);
		if (copy(ref->name, sizeof(ref->name), arg, strlen(arg)))
			return llmops_err_set(err, LLMOPS_E_USAGE, "prompt name too long");
		return llmops_prompt_name_check(ref->name, "prompt name", err);
	}
	if (copy(ref->name, sizeof(ref->name), arg, (size_t)(at - arg)))
		return llmops_err_set(err, LLMOPS_E_USAGE, "prompt name too long");
	if ((rc = llmops_prompt_name_check(ref->name, "prompt name", err)))
		return rc;
	at++;
	dots = strstr(at, "..");
	if (dots && allow_range) {
		if (copy(ref->version, sizeof(ref->version), at, (size_t)(dots - at)) ||
		    copy(ref->version2, sizeof(ref->version2), dots + 2, strlen(dots + 2)))
			return llmops_err_set(err, LLMOPS_E_USAGE, "version too long");
		if ((rc = llmops_version_check(ref->version, NULL, err)))
			return rc;
		return llmops_version_check(ref->version2, NULL, err);
	}
	if (copy(ref->version, sizeof(ref->version), at, strlen(at)))
		return llmops_err_set(err, LLMOPS_E_USAGE, "version too long");
	if (!ref->version[0])
		return llmops_err_set(
			err, LLMOPS_E_USAGE,
			"'%s' has nothing after '@'; give a version such as %s@v1.0.0", arg,
			ref->name);
	return llmops_version_check(ref->version, NULL, err);
}

int llmops_version_path_split(const char *path, char *name, struct llmops_semver *v,
			      const char **ext)
{
	const char *rest, *slash, *dot;
	size_t plen = strlen(LLMOPS_PROMPTS_DIR);

	if (strncmp(path, LLMOPS_PROMPTS_DIR "/", plen + 1))
		return -1;
	rest = path + plen + 1;
	slash = strrchr(rest, '/');
	if (!slash || (size_t)(slash - rest) > LLMOPS_NAME_MAX)
		return -1;
	dot = strrchr(slash, '.');
	if (!dot || (strcmp(dot, ".txt") && strcmp(dot, ".json")))
		return -1;
	if (llmops_semver_parse(slash + 1, (size_t)(dot - slash - 1), v))
		return -1;
	memcpy(name, rest, (size_t)(slash - rest));
	name[slash - rest] = '\0';
	if (llmops_prompt_name_check(name, "name", NULL))
		return -1;
	*ext = dot + 1;
	return 0;
}

int llmops_dataset_pairs(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');
	size_t n;
	while (!strncmp(path, "./", 2))
		path += 2;
	base = base ? base + 1 : path;
	if (!strncmp(path, "evals/", 6)) { /* evals/NAME.EXT, NAME nested or not */
		const char *rel = path + 6, *dot = strrchr(rel, '.');
		n = dot && dot > rel ? (size_t)(dot - rel) : strlen(rel);
		if (strlen(name) == n && !strncmp(rel, name, n))
			return 1;
	}
	n = strcspn(base, "."); /* NAME.EXT anywhere, for a one-segment name */
	return !strchr(name, '/') && strlen(name) == n && !strncmp(base, name, n);
}

int llmops_version_tag_check(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64 ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9')))
		return -1;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._+-", s[i])))
			return -1;
	return strstr(s, "..") ? -1 : 0;
}
