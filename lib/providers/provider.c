/*
 * provider.c - resolving a provider spec (see provider.h); the wire
 * formats are in provider_wire.c.
 */
#include "provider.h"

#include "mem.h"

#include "redact.h"

#include "env.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {"openai", "anthropic", "ollama", "exec",
					 "replay", "cascade",	NULL};

const char *llmops_provider_type_name(int type)
{
	return type >= 0 && type <= LLMOPS_PROVIDER_CASCADE ? type_names[type] : "?";
}

void llmops_argv_free(char **argv)
{
	for (char **a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

int llmops_split_argv(const char *cmd, char ***out, struct llmops_err *err)
{
	size_t n = 0, len = strlen(cmd);
	char **argv = calloc(len / 2 + 2, sizeof(*argv));
	char *word = malloc(len + 1);
	const char *s = cmd;
	if (!argv || !word) {
		free(argv);
		free(word);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	while (*s) {
		size_t w = 0;
		int have = 0;
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
			have = 1;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				if (!e)
					goto unclosed;
				memcpy(word + w, s + 1, (size_t)(e - s - 1));
				w += (size_t)(e - s - 1);
				s = e + 1;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && s[1] && strchr("\"\\$`\n", s[1]))
						s++;
					word[w++] = *s++;
				}
				if (*s != '"')
					goto unclosed;
				s++;
			} else if (*s == '\\' && s[1]) {
				word[w++] = s[1];
				s += 2;
			} else {
				word[w++] = *s++;
			}
		}
		if (have) {
			argv[n] = strndup(word, w);
			if (!argv[n++]) {
				free(word);
				llmops_argv_free(argv);
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			}
		}
	}
	free(word);
	if (!n) {
		llmops_argv_free(argv);
		return llmops_err_set(err, LLMOPS_E_USAGE, "exec: the command is empty");
	}
	*out = argv;
	return 0;
unclosed:
	free(word);
	llmops_argv_free(argv);
	return llmops_err_set(err, LLMOPS_E_USAGE, "exec:%s: unclosed quote", cmd);
}

void llmops_provider_free(struct llmops_provider *p)
{
	if (!p)
		return;
	LLMOPS_FREE_ALL(p->label, p->model, p->base_url, p->api_key_env);
	llmops_argv_free(p->argv);
	llmops_strlist_release(&p->stop);
	llmops_strlist_release(&p->tiers);
	LLMOPS_FREE_ALL(p->fallback, p->check);
	free(p);
}

/* base without trailing slashes on its path (a query such as Azure's
   ?api-version=... is kept after it), with http:// when it has no scheme */
static char *clean_url(const char *base)
{
	char *u;
	if (strstr(base, "://"))
		u = strdup(base);
	else if (asprintf(&u, "http://%s", base) < 0)
		u = NULL;
	if (u) {
		size_t q = strcspn(u, "?#"), n = q;
		while (n && u[n - 1] == '/' && !(n >= 3 && !strncmp(u + n - 3, "://", 3)))
			n--;
		memmove(u + n, u + q, strlen(u + q) + 1);
	}
	return u;
}

static const char *env_or(const struct llmops_provider *p, const char *name, const char *dflt)
{
	const char *v = llmops_env_get(p->env, name);
	return v && *v ? v : dflt;
}

static int set_defaults(struct llmops_provider *p, const char *base_flag)
{
	const char *base = NULL, *keyenv = NULL;
	char ollama[512];
	switch (p->type) {
	case LLMOPS_PROVIDER_OPENAI:
		base = env_or(p, "OPENAI_BASE_URL", "https://api.openai.com/v1");
		keyenv = "OPENAI_API_KEY";
		break;
	case LLMOPS_PROVIDER_ANTHROPIC:
		base = env_or(p, "ANTHROPIC_BASE_URL", "https://api.anthropic.com");
		keyenv = "ANTHROPIC_API_KEY";
		break;
	case LLMOPS_PROVIDER_OLLAMA:
		snprintf(ollama, sizeof(ollama), "%s", env_or(p, "OLLAMA_HOST", "127.0.0.1:11434"));
		for (size_t n = strlen(ollama); n && ollama[n - 1] == '/'; n--)
			ollama[n - 1] = 0;
		if (strlen(ollama) < 3 || strcmp(ollama + strlen(ollama) - 3, "/v1"))
			strncat(ollama, "/v1", sizeof(ollama) - strlen(ollama) - 1);
		base = ollama;
		break;
	default: return 0;
	}
	if (base_flag)
		base = base_flag;
	if (!p->base_url && !(p->base_url = clean_url(base)))
		return -1;
	if (!p->api_key_env && keyenv && !(p->api_key_env = strdup(keyenv)))
		return -1;
	return 0;
}

static int type_from(const char *s)
{
	for (int i = 0; type_names[i]; i++)
		if (!strcmp(s, type_names[i]))
			return i;
	return -1;
}

static int bad_field(struct llmops_err *err, const char *name, const char *field, const char *want)
{
	return llmops_err_set(err, LLMOPS_E_USAGE, "llmops.json: providers.%s.%s: must be %s", name,
			      field, want);
}

/* A cascade's tiers and check from llmops.json ({"type": "cascade", "tiers": [...], "check"}). */
static int cascade_from_config(struct llmops_provider *p, const char *name, const cJSON *o,
			       struct llmops_err *err)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tiers"), *x;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "check");
	if (!cJSON_IsArray(t))
		return bad_field(err, name, "tiers", "a list of the providers asked in turn");
	cJSON_ArrayForEach (x, t) {
		if (!cJSON_IsString(x) || !x->valuestring[0])
			return bad_field(err, name, "tiers", "a list of provider names (strings)");
		llmops_strlist_append(&p->tiers, x->valuestring);
	}
	if (c && (!cJSON_IsString(c) || !c->valuestring[0]))
		return bad_field(err, name, "check",
				 "\"pass\", \"schema:FILE\" or \"logprob:MIN\"");
	if (!(p->check = strdup(c ? c->valuestring : "pass")))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	return 0;
}

/* Fill p from a llmops.json provider object. */
static int from_config(struct llmops_provider *p, const char *name, const cJSON *o,
		       struct llmops_err *err)
{
	static const char *const known[] = {
		"type",	       "model", "base_url", "api_key_env", "command", "temperature",
		"max_tokens",  "seed",	"stop",	    "timeout_ms",  "stream",  "fallback",
		"description", "tiers", "check",    NULL};
	const cJSON *f;
	if (!cJSON_IsObject(o))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "llmops.json: providers.%s: must be an object", name);
	cJSON_ArrayForEach (f, o) {
		int ok = f->string[0] == '$';
		for (size_t i = 0; !ok && known[i]; i++)
			ok = !strcmp(f->string, known[i]);
		if (!ok)
			return llmops_err_set(err, LLMOPS_E_USAGE,
					      "llmops.json: providers.%s: unknown key '%s' (known: "
					      "type, model, base_url, api_key_env, command, "
					      "temperature, max_tokens, seed, stop, timeout_ms, "
					      "stream, fallback, tiers, check)",
					      name, f->string);
	}
	f = cJSON_GetObjectItemCaseSensitive(o, "type");
	if (!cJSON_IsString(f) || (p->type = type_from(f->valuestring)) < 0 ||
	    p->type == LLMOPS_PROVIDER_REPLAY)
		return bad_field(err, name, "type", "openai, anthropic, ollama, exec or cascade");
	if (p->type == LLMOPS_PROVIDER_CASCADE)
		return cascade_from_config(p, name, o, err);
	struct {
		const char *key;
		char **dst;
	} strs[] = {{"model", &p->model},
		    {"base_url", &p->base_url},
		    {"api_key_env", &p->api_key_env},
		    {"fallback", &p->fallback}};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		f = cJSON_GetObjectItemCaseSensitive(o, strs[i].key);
		if (!f)
			continue;
		if (!cJSON_IsString(f) || !f->valuestring[0])
			return bad_field(err, name, strs[i].key, "a non-empty string");
		char *v = !strcmp(strs[i].key, "base_url") ? clean_url(f->valuestring)
							   : strdup(f->valuestring);
		if (!v)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		*strs[i].dst = v;
	}
	if ((f = cJSON_GetObjectItemCaseSensitive(o, "temperature"))) {
		if (!cJSON_IsNumber(f) || f->valuedouble < 0 || f->valuedouble > 2)
			return bad_field(err, name, "temperature", "a number in [0, 2]");
		p->temperature = f->valuedouble;
		p->has_temperature = 1;
	}
	struct {
		const char *key;
		long *dst;
		long min;
	} nums[] = {{"max_tokens", &p->max_tokens, 1},
		    {"seed", &p->seed, 0},
		    {"timeout_ms", &p->timeout_ms, 1}};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		f = cJSON_GetObjectItemCaseSensitive(o, nums[i].key);
		if (!f)
			continue;
		if (!cJSON_IsNumber(f) || f->valuedouble != floor(f->valuedouble) ||
		    f->valuedouble < (double)nums[i].min || f->valuedouble > 1e12)
			return bad_field(err, name, nums[i].key,
					 nums[i].min ? "a positive integer"
						     : "a non-negative integer");
		*nums[i].dst = (long)f->valuedouble;
		if (nums[i].dst == &p->seed)
			p->has_seed = 1;
	}
	if ((f = cJSON_GetObjectItemCaseSensitive(o, "stream"))) {
		if (!cJSON_IsBool(f))
			return bad_field(err, name, "stream", "true or false");
		p->stream = cJSON_IsTrue(f);
	}
	if ((f = cJSON_GetObjectItemCaseSensitive(o, "stop"))) {
		const cJSON *x;
		if (cJSON_IsString(f))
			llmops_strlist_append(&p->stop, f->valuestring);
		else if (cJSON_IsArray(f)) {
			cJSON_ArrayForEach (x, f) {
				if (!cJSON_IsString(x))
					return bad_field(err, name, "stop",
							 "a string or a list of strings");
				llmops_strlist_append(&p->stop, x->valuestring);
			}
		} else
			return bad_field(err, name, "stop", "a string or a list of strings");
	}
	if (p->type == LLMOPS_PROVIDER_EXEC) {
		f = cJSON_GetObjectItemCaseSensitive(o, "command");
		if (!cJSON_IsString(f))
			return bad_field(err, name, "command", "the command line to run");
		return llmops_split_argv(f->valuestring, &p->argv, err);
	}
	if (!p->model)
		return bad_field(err, name, "model", "the model to ask");
	return 0;
}

static int unknown(const char *spec, const cJSON *cfg, struct llmops_err *err)
{
	struct llmops_buf names = LLMOPS_BUF_INIT;
	const cJSON *x;
	if (cJSON_IsObject(cfg)) /* a mis-shaped "providers" names nothing */
		cJSON_ArrayForEach (x, cfg)
			if (x->string && x->string[0] != '$')
				llmops_buf_addf(&names, "%s%s", names.len ? ", " : "", x->string);
	llmops_err_set(err, LLMOPS_E_USAGE,
		       "unknown provider '%s': use openai:MODEL, anthropic:MODEL, ollama:MODEL, "
		       "exec:COMMAND, replay, cascade:A,B%s%s",
		       spec, names.len ? ", or one named in llmops.json: " : "",
		       names.len ? names.data : "");
	llmops_buf_release(&names);
	return LLMOPS_E_USAGE;
}

/* "A,B,C" (after "cascade:"): the tiers, spaces around them dropped; the check "pass". */
static int cascade_inline(struct llmops_provider *p, const char *list, struct llmops_err *err)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		const char *a = list, *b = list + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b)
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"provider '%s': an empty tier (tiers are separated by "
				"commas: cascade:SMALL,LARGE)",
				p->label);
		char *t = strndup(a, (size_t)(b - a));
		if (!t)
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		llmops_strlist_append(&p->tiers, t);
		free(t);
		list += n + (list[n] == ',');
	}
	return (p->check = strdup("pass")) ? 0
					   : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

/* Whether spec names a cascade: inline, or an entry of cfg of that type. */
static int is_cascade(const char *spec, const cJSON *cfg)
{
	const cJSON *e = cJSON_IsObject(cfg) ? cJSON_GetObjectItemCaseSensitive(cfg, spec) : NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
	if (e)
		return cJSON_IsString(t) && !strcmp(t->valuestring, "cascade");
	return !strncmp(spec, "cascade:", 8);
}

/* A cascade as it may run: two tiers or more, none a cascade (which also rules out a cycle)
   nor replay, and a check it knows. */
static int cascade_check(const struct llmops_provider *p, const cJSON *cfg, struct llmops_err *err)
{
	if (p->tiers.nr < 2)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s': a cascade of %zu tier%s: give two or more, "
				      "the cheapest first (cascade:SMALL,LARGE)",
				      p->label, p->tiers.nr, p->tiers.nr == 1 ? "" : "s");
	if (p->tiers.nr > LLMOPS_CASCADE_MAX)
		return llmops_err_set(
			err, LLMOPS_E_USAGE,
			"provider '%s': %zu tiers, more than the %d a cascade may have", p->label,
			p->tiers.nr, LLMOPS_CASCADE_MAX);
	for (size_t i = 0; i < p->tiers.nr; i++) {
		const char *t = p->tiers.items[i];
		if (!strcmp(t, p->label))
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"provider '%s': tier %zu is the cascade itself (a cycle)", p->label,
				i + 1);
		if (is_cascade(t, cfg))
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"provider '%s': tier %zu '%s' is a cascade; a tier is one "
				"provider (a cascade in a cascade could loop)",
				p->label, i + 1, t);
		if (!strcmp(t, "replay"))
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"provider '%s': tier %zu is replay, which sends nothing "
				"to escalate to",
				p->label, i + 1);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(t, p->tiers.items[k]))
				return llmops_err_set(
					err, LLMOPS_E_USAGE,
					"provider '%s': '%s' is tier %zu and tier %zu", p->label, t,
					k + 1, i + 1);
	}
	if (!strncmp(p->check, "logprob:", 8)) {
		char *end;
		double min = strtod(p->check + 8, &end);
		if (end == p->check + 8 || *end || !(min <= 0))
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"provider '%s': check '%s': logprob:MIN takes the "
				"least mean log-probability of the answer's tokens, a "
				"number <= 0 (-0.3: about 74%% per token)",
				p->label, p->check);
		return 0;
	}
	if (strcmp(p->check, "pass") && (strncmp(p->check, "schema:", 7) || !p->check[7]))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s': unknown check '%s' (known: pass, the case's "
				      "own verdict; schema:FILE, the answer is JSON valid against "
				      "a JSON Schema; logprob:MIN, the answer's mean token "
				      "log-probability)",
				      p->label, p->check);
	return 0;
}

int llmops_provider_resolve(struct llmops_provider **out, const char *spec, const cJSON *cfg,
			    const struct llmops_provider_overrides *ov, struct llmops_err *err)
{
	struct llmops_provider *p = calloc(1, sizeof(*p));
	const char *colon = strchr(spec, ':');
	int rc = 0, named = 0;
	if (!p || !(p->label = strdup(spec))) {
		free(p);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	p->max_tokens = -1;
	p->env = ov ? ov->env : NULL;
	const cJSON *entry =
		cJSON_IsObject(cfg) ? cJSON_GetObjectItemCaseSensitive(cfg, spec) : NULL;
	if (entry) {
		named = 1;
		rc = from_config(p, spec, entry, err);
	} else if (!strcmp(spec, "replay")) {
		p->type = LLMOPS_PROVIDER_REPLAY;
	} else if (colon) {
		char type[32];
		snprintf(type, sizeof(type), "%.*s", (int)(colon - spec), spec);
		p->type = type_from(type);
		if (p->type < 0 || p->type == LLMOPS_PROVIDER_REPLAY)
			rc = unknown(spec, cfg, err);
		else if (!colon[1])
			rc = llmops_err_set(err, LLMOPS_E_USAGE,
					    "provider '%s': %s is missing after "
					    "the colon",
					    spec,
					    p->type == LLMOPS_PROVIDER_EXEC ? "the command"
									    : "the model");
		else if (p->type == LLMOPS_PROVIDER_EXEC)
			rc = llmops_split_argv(colon + 1, &p->argv, err);
		else if (p->type == LLMOPS_PROVIDER_CASCADE)
			rc = cascade_inline(p, colon + 1, err);
		else if (!(p->model = strdup(colon + 1)))
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	} else {
		rc = unknown(spec, cfg, err);
	}
	if (!rc && ov) {
		if (ov->base_url && !named && p->type != LLMOPS_PROVIDER_EXEC &&
		    p->type != LLMOPS_PROVIDER_REPLAY && !(p->base_url = clean_url(ov->base_url)))
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		if (!isnan(ov->temperature)) {
			p->temperature = ov->temperature;
			p->has_temperature = 1;
		}
		if (ov->max_tokens >= 0)
			p->max_tokens = ov->max_tokens;
		if (ov->seed >= 0) {
			p->seed = ov->seed;
			p->has_seed = 1;
		}
		if (ov->stop && ov->stop->nr) {
			llmops_strlist_release(&p->stop);
			for (size_t i = 0; i < ov->stop->nr; i++)
				llmops_strlist_append(&p->stop, ov->stop->items[i]);
		}
		if (ov->stream)
			p->stream = 1;
	}
	if (!rc && p->type == LLMOPS_PROVIDER_CASCADE)
		rc = cascade_check(p, cfg, err);
	if (!rc && set_defaults(p, NULL))
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (rc) {
		llmops_provider_free(p);
		return rc;
	}
	if (p->api_key_env) /* a key whatever its variable's name (redact.h) */
		llmops_redact_hold(p->api_key_env);
	*out = p;
	return 0;
}

static int hosted(const char *url, const char *host)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	return !strncmp(h, host, strlen(host));
}

int llmops_provider_usable(const struct llmops_provider *p, struct llmops_err *err)
{
	if (p->type != LLMOPS_PROVIDER_OPENAI && p->type != LLMOPS_PROVIDER_ANTHROPIC)
		return 0;
	const char *key = p->api_key_env ? llmops_env_get(p->env, p->api_key_env) : NULL;
	if (key && *key)
		return 0;
	if (p->type == LLMOPS_PROVIDER_OPENAI && hosted(p->base_url, "api.openai.com"))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s' needs an API key: set %s, or point "
				      "--base-url (or OPENAI_BASE_URL) at an OpenAI-compatible "
				      "server; --provider replay scores the cases' recorded "
				      "outputs offline",
				      p->label, p->api_key_env ? p->api_key_env : "OPENAI_API_KEY");
	if (p->type == LLMOPS_PROVIDER_ANTHROPIC && hosted(p->base_url, "api.anthropic.com"))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "provider '%s' needs an API key: set %s, or point "
				      "--base-url (or ANTHROPIC_BASE_URL) at a compatible server; "
				      "--provider replay scores the cases' recorded outputs "
				      "offline",
				      p->label,
				      p->api_key_env ? p->api_key_env : "ANTHROPIC_API_KEY");
	return 0;
}
