/*
 * pricing.c - the price table: entries from documents (the built-in one,
 * then the user's), kept as parsed cJSON plus a flat array for lookups.
 */
#include "pricing.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "suggest.h"

extern const char llmops_prices_json[]; /* lib/data/prices.json, NUL-terminated */

struct llmops_pricing {
	struct llmops_price *v;
	size_t n, cap;
	cJSON **docs; /* documents the entries borrow from */
	size_t ndocs;
	char **labels;
	const char *source, *date;
	size_t nbuiltin; /* the first nbuiltin entries are the built-in table's */
};

void llmops_pricing_free(struct llmops_pricing *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].tiers);
		free(p->v[i].hours);
	}
	for (size_t i = 0; i < p->ndocs; i++) {
		cJSON_Delete(p->docs[i]);
		free(p->labels[i]);
	}
	LLMOPS_FREE_ALL(p->docs, p->labels, p->v, p);
}

static int fail_at(struct llmops_err *err, const char *text, size_t len, const char *label,
		   const char *const *steps, size_t n, const char *key, const char *what,
		   const char *id)
{
	int line = 1, col = 1;
	const char *path[8];
	size_t k = 0;
	for (; k < n && k < 7; k++)
		path[k] = steps[k];
	if (key)
		path[k++] = key;
	if (text)
		llmops_json_locate(text, len, path, k, key != NULL, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col, "model '%s': %s", id, what);
}

/* A number >= 0 (or null, when nullable) at key; *out = dflt when absent. */
static int get_num(const cJSON *e, const char *key, int required, double dflt, double *out,
		   const char **why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
	*out = dflt;
	if (!v || cJSON_IsNull(v)) {
		if (required) {
			*why = v ? "is null" : "is missing";
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
		*why = "must be a number >= 0";
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

static const char *const entry_keys[] = {
	"id",
	"provider",
	"input",
	"cached_input",
	"output",
	"context_window",
	"max_output_tokens",
	"tiers",
	"hours",
	"aliases",
	"prefixes",
	"deprecated",
	"name",
	NULL,
};

/* "HH:MM" (00:00 to 23:59, or 24:00) as minutes of the day: 0, or -1. */
static int hhmm(const cJSON *v, int *out)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : "";
	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int m = ((s[0] - '0') * 10 + s[1] - '0') * 60 + (s[3] - '0') * 10 + s[4] - '0';
	if (m > 24 * 60)
		return -1;
	*out = m;
	return 0;
}

/* Where an entry is, for its errors. */
struct entry_at {
	struct llmops_err *err;
	const char *text;
	size_t len;
	const char *label;
	const char *const *steps;
	size_t nsteps;
	const char *id;
};

static int entry_fail(const struct entry_at *at, const char *key, const char *msg)
{
	return fail_at(at->err, at->text, at->len, at->label, at->steps, at->nsteps, key, msg,
		       at->id);
}

/* The entry's keys are known ones; its prices and token limits are numbers in range. */
static int read_figures(struct llmops_price *pr, const cJSON *e, const struct entry_at *at)
{
	static const char *const fields[] = {"input", "output", "cached_input", "context_window",
					     "max_output_tokens"};
	const char *why = NULL;
	double cw, mo;
	char msg[256];
	for (cJSON *k = e->child; k; k = k->next) {
		size_t i;
		for (i = 0; entry_keys[i]; i++)
			if (!strcmp(entry_keys[i], k->string))
				break;
		if (!entry_keys[i]) {
			snprintf(msg, sizeof(msg),
				 "unknown key '%s' (known: input, cached_input, output, "
				 "context_window, max_output_tokens, tiers, hours, aliases, "
				 "prefixes)",
				 k->string);
			return entry_fail(at, k->string, msg);
		}
	}
	double *dst[] = {&pr->input, &pr->output, &pr->cached_input, &cw, &mo};
	for (int f = 0; f < 5; f++)
		if (get_num(e, fields[f], f < 2, f == 2 ? -1 : 0, dst[f], &why)) {
			snprintf(msg, sizeof(msg), "'%s' %s%s", fields[f], why,
				 f < 2 ? " (USD per 1M tokens)" : "");
			return entry_fail(at, fields[f], msg);
		}
	/* token counts become integers: a range check first (1e308 is a number >= 0) */
	if (cw > 1e12 || mo > 1e12) {
		const char *k = cw > 1e12 ? "context_window" : "max_output_tokens";
		snprintf(msg, sizeof(msg), "'%s' must be at most 1e12 tokens", k);
		return entry_fail(at, k, msg);
	}
	pr->context_window = (long)cw;
	pr->max_output_tokens = (long)mo;
	return 0;
}

/* "tiers": prices above an input size.  0 or an error (pr->tiers then freed). */
static int read_tiers(struct llmops_price *pr, const cJSON *e, const struct entry_at *at)
{
	const cJSON *tiers = cJSON_GetObjectItemCaseSensitive(e, "tiers");
	const char *why = NULL;
	if (tiers && !cJSON_IsArray(tiers))
		return entry_fail(at, "tiers", "'tiers' must be an array");
	if (!tiers || cJSON_GetArraySize(tiers) <= 0)
		return 0;
	pr->ntiers = (size_t)cJSON_GetArraySize(tiers);
	pr->tiers = calloc(pr->ntiers, sizeof(*pr->tiers));
	if (!pr->tiers)
		return llmops_err_set(at->err, LLMOPS_E_NOMEM, "out of memory");
	size_t i = 0;
	for (const cJSON *t = tiers->child; t; t = t->next, i++) {
		double above;
		if (get_num(t, "above_input_tokens", 1, 0, &above, &why) || above > 1e12) {
			free(pr->tiers);
			pr->tiers = NULL;
			return entry_fail(at, "tiers",
					  "a tier needs 'above_input_tokens', a number of tokens "
					  "from 0 to 1e12");
		}
		pr->tiers[i].above_input_tokens = (long)above;
		get_num(t, "input", 0, pr->input, &pr->tiers[i].input, &why);
		get_num(t, "cached_input", 0, pr->cached_input, &pr->tiers[i].cached_input, &why);
		get_num(t, "output", 0, pr->output, &pr->tiers[i].output, &why);
	}
	return 0;
}

/* "hours": prices in windows of the day (UTC).  0 or an error (pr->hours then freed). */
static int read_hours(struct llmops_price *pr, const cJSON *e, const struct entry_at *at)
{
	const cJSON *hours = cJSON_GetObjectItemCaseSensitive(e, "hours");
	const char *why = NULL;
	if (hours && (!cJSON_IsArray(hours) || cJSON_GetArraySize(hours) > 24))
		return entry_fail(at, "hours", "'hours' must be an array (at most 24 windows)");
	if (!hours || cJSON_GetArraySize(hours) <= 0)
		return 0;
	pr->nhours = (size_t)cJSON_GetArraySize(hours);
	pr->hours = calloc(pr->nhours, sizeof(*pr->hours));
	if (!pr->hours)
		return llmops_err_set(at->err, LLMOPS_E_NOMEM, "out of memory");
	size_t i = 0;
	for (const cJSON *h = hours->child; h; h = h->next, i++) {
		struct llmops_price_hours *w = &pr->hours[i];
		if (hhmm(cJSON_GetObjectItemCaseSensitive(h, "from"), &w->from) ||
		    hhmm(cJSON_GetObjectItemCaseSensitive(h, "to"), &w->to) || w->from == w->to ||
		    get_num(h, "input", 1, 0, &w->input, &why) ||
		    get_num(h, "output", 1, 0, &w->output, &why) ||
		    get_num(h, "cached_input", 0, -1, &w->cached_input, &why)) {
			free(pr->hours);
			pr->hours = NULL;
			return entry_fail(
				at, "hours",
				"a window of 'hours' has 'from' and 'to' (UTC, \"HH:MM\", "
				"not the same), 'input' and 'output' (USD per 1M tokens) "
				"and may have 'cached_input'");
		}
	}
	return 0;
}

static int add_entry(struct llmops_pricing *p, cJSON *e, const char *id, const char *origin,
		     const char *text, size_t len, const char *label, const char *const *steps,
		     size_t nsteps, struct llmops_err *err)
{
	const struct entry_at at = {err, text, len, label, steps, nsteps, id};
	struct llmops_price pr = {0};
	int rc;

	if (!cJSON_IsObject(e))
		return entry_fail(&at, NULL, "must be an object");
	if ((rc = read_figures(&pr, e, &at)) || (rc = read_tiers(&pr, e, &at)))
		return rc;
	if ((rc = read_hours(&pr, e, &at))) {
		free(pr.tiers);
		return rc;
	}
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(e, "provider");
	pr.id = id;
	pr.provider = cJSON_IsString(prov) ? prov->valuestring : "user";
	pr.origin = origin;
	pr.aliases = cJSON_GetObjectItemCaseSensitive(e, "aliases");
	pr.prefixes = cJSON_GetObjectItemCaseSensitive(e, "prefixes");
	if (LLMOPS_GROW(p->v, p->n, p->cap, 512)) {
		free(pr.tiers);
		free(pr.hours);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	p->v[p->n++] = pr;
	return LLMOPS_OK;
}

static int keep_doc(struct llmops_pricing *p, cJSON *doc, const char *label, char **kept)
{
	cJSON **d = realloc(p->docs, (p->ndocs + 1) * sizeof(*d));
	if (!d)
		return -1;
	p->docs = d;
	char **l = realloc(p->labels, (p->ndocs + 1) * sizeof(*l));
	if (!l)
		return -1;
	p->labels = l;
	if (!(*kept = strdup(label)))
		return -1;
	p->docs[p->ndocs] = doc;
	p->labels[p->ndocs] = *kept;
	p->ndocs++;
	return 0;
}

/*
 * Entries are added in order; user documents come after the built-in one,
 * and lookups scan from the end, so the user's entries win.
 */
int llmops_pricing_add(struct llmops_pricing *p, const cJSON *obj, const char *text, size_t len,
		       const char *label, const char *key, struct llmops_err *err)
{
	size_t k0 = key ? 1 : 0; /* steps below start with key when obj is a member */
	char *origin = NULL;
	cJSON *doc = cJSON_Duplicate(obj, 1);
	int rc;
	if (!doc || keep_doc(p, doc, label, &origin)) {
		cJSON_Delete(doc);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	if (!cJSON_IsObject(doc))
		return llmops_err_at(err, LLMOPS_E_INPUT, label, 1, 1,
				     "prices must be a JSON object");
	cJSON *models = cJSON_GetObjectItemCaseSensitive(doc, "models");
	if (models) {
		if (!cJSON_IsArray(models)) {
			const char *steps[] = {key, "models"};
			return fail_at(err, text, len, label, steps + 1 - k0, 1 + k0, NULL,
				       "'models' must be an array of entries", "(table)");
		}
		int i = 0;
		for (cJSON *e = models->child; e; e = e->next, i++) {
			char idx[16];
			snprintf(idx, sizeof(idx), "%d", i);
			const char *steps[] = {key, "models", idx};
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
			if (!cJSON_IsString(id) || !id->valuestring[0])
				return fail_at(err, text, len, label, steps + 1 - k0, 2 + k0, NULL,
					       "an entry needs a string 'id'", idx);
			if ((rc = add_entry(p, e, id->valuestring, origin, text, len, label,
					    steps + 1 - k0, 2 + k0, err)))
				return rc;
		}
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(doc, "source");
		const cJSON *date = cJSON_GetObjectItemCaseSensitive(doc, "generated");
		if (cJSON_IsString(src))
			p->source = src->valuestring;
		if (cJSON_IsString(date))
			p->date = date->valuestring;
		return LLMOPS_OK;
	}
	for (cJSON *e = doc->child; e; e = e->next) {
		const char *steps[] = {key, e->string};
		if ((rc = add_entry(p, e, e->string, origin, text, len, label, steps + 1 - k0,
				    1 + k0, err)))
			return rc;
	}
	return LLMOPS_OK;
}

int llmops_pricing_add_json(struct llmops_pricing *p, const char *text, size_t len,
			    const char *label, struct llmops_err *err)
{
	cJSON *doc = NULL;
	int rc = llmops_json_parse(&doc, text, len, label, err);
	if (rc)
		return rc;
	rc = llmops_pricing_add(p, doc, text, len, label, NULL, err);
	cJSON_Delete(doc);
	return rc;
}

int llmops_pricing_new(struct llmops_pricing **out, struct llmops_err *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? LLMOPS_OK : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

int llmops_pricing_builtin(struct llmops_pricing **out, struct llmops_err *err)
{
	struct llmops_pricing *p = calloc(1, sizeof(*p));
	int rc;
	*out = NULL;
	if (!p)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	rc = llmops_pricing_add_json(p, llmops_prices_json, strlen(llmops_prices_json),
				     "built-in prices.json", err);
	if (rc) {
		llmops_pricing_free(p);
		return rc;
	}
	p->nbuiltin = p->n;
	*out = p;
	return LLMOPS_OK;
}

const char *llmops_pricing_source(const struct llmops_pricing *p)
{
	return p->source ? p->source : "unknown";
}

const char *llmops_pricing_date(const struct llmops_pricing *p)
{
	return p->date ? p->date : "unknown";
}

static int in_list(const cJSON *list, const char *name, int prefix, size_t *best)
{
	int hit = 0;
	if (!cJSON_IsArray(list))
		return 0;
	for (const cJSON *a = list->child; a; a = a->next) {
		if (!cJSON_IsString(a))
			continue;
		size_t n = strlen(a->valuestring);
		if (prefix ? (!strncmp(name, a->valuestring, n) && n > *best)
			   : !strcmp(name, a->valuestring)) {
			if (prefix)
				*best = n;
			hit = 1;
		}
	}
	return hit;
}

static int provider_ok(const struct llmops_price *e, const char *prov, size_t plen)
{
	if (!prov)
		return 1;
	/* "openai:" in llmops means the OpenAI-compatible API, served by anyone */
	if (plen == 6 && !strncmp(prov, "openai", 6))
		return 1;
	return strlen(e->provider) == plen && !strncmp(e->provider, prov, plen);
}

int llmops_pricing_find(const struct llmops_pricing *p, const char *model,
			const struct llmops_price **out, struct llmops_err *err)
{
	const char *name = model, *prov = NULL;
	size_t plen = 0;
	const char *sep = strpbrk(model, ":/");
	*out = NULL;
	if (sep && sep > model) {
		prov = model;
		plen = (size_t)(sep - model);
		name = sep + 1;
	}
	/* a whole-string match first (ids may contain '/': "meta-llama/Llama-3").  Several
	   providers sell some models under one id (gpt-oss-120b, deepseek-v4-pro): a price the
	   user added wins, then the named provider's own row ("fireworks:gpt-oss-120b"), then
	   (no provider, or "openai:", which any server speaks) the model's maker's, which the
	   built-in table lists before the hosts that resell it (genai-prices' order) */
	int own = prov && !(plen == 6 && !strncmp(prov, "openai", 6));
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? model : name;
		const struct llmops_price *first = NULL, *named = NULL;
		if (pass == 1 && want == model)
			break;
		for (size_t i = 0; i < p->n; i++) {
			const struct llmops_price *e = &p->v[i];
			if (pass == 1 && !provider_ok(e, prov, plen))
				continue;
			if (strcmp(e->id, want) && !in_list(e->aliases, want, 0, NULL))
				continue;
			if (i >= p->nbuiltin) /* the user's, the last added */
				first = named = e;
			else if (!first)
				first = e;
			if (own && !strncmp(e->provider, prov, plen) && !e->provider[plen] &&
			    (!named || i >= p->nbuiltin))
				named = e;
		}
		if (named || first) {
			*out = named ? named : first;
			return LLMOPS_OK;
		}
	}
	/* then the longest prefix, and case-insensitive ids */
	size_t best = 0;
	for (size_t i = p->n; i-- > 0;) {
		const struct llmops_price *e = &p->v[i];
		size_t before = best;
		if (provider_ok(e, prov, plen) && in_list(e->prefixes, name, 1, &best) &&
		    best > before)
			*out = e;
	}
	if (*out)
		return LLMOPS_OK;
	for (size_t i = p->n; i-- > 0;)
		if (provider_ok(&p->v[i], prov, plen) && !strcasecmp(p->v[i].id, name)) {
			*out = &p->v[i];
			return LLMOPS_OK;
		}

	/* the names a model is priced under, aliases and whole prefixes too: the
	   nearest to "claude-sonet-4" is the alias "claude-sonnet-4" (one letter),
	   not the id "claude-sonnet-5" (two) */
	struct llmops_strlist names = LLMOPS_STRLIST_INIT, near = LLMOPS_STRLIST_INIT;
	char list[400] = "";
	for (size_t i = 0; i < p->n; i++) {
		const cJSON *x;
		llmops_strlist_append(&names, p->v[i].id);
		cJSON_ArrayForEach (x, p->v[i].aliases)
			if (cJSON_IsString(x))
				llmops_strlist_append(&names, x->valuestring);
		cJSON_ArrayForEach (x, p->v[i].prefixes) {
			size_t l = cJSON_IsString(x) ? strlen(x->valuestring) : 0;
			if (l && isalnum((unsigned char)x->valuestring[l - 1]))
				llmops_strlist_append(&names, x->valuestring);
		}
	}
	llmops_suggest(&near, name, (const char *const *)names.items, names.nr);
	llmops_strlist_dedupe(&near);
	llmops_strlist_release(&names);
	for (size_t i = 0; i < near.nr && i < 5; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s'%s'", i ? ", " : "", near.items[i]);
	}
	llmops_err_set(err, LLMOPS_E_NOTFOUND,
		       "no price for model '%s'%s%s%s; add it under \"prices\" in llmops.json or "
		       "with --prices FILE",
		       model, near.nr ? " (nearest: " : "", list, near.nr ? ")" : "");
	llmops_strlist_release(&near);
	return LLMOPS_E_NOTFOUND;
}

/* Whether minute m of the UTC day is in window w (which may run past midnight). */
static int in_window(const struct llmops_price_hours *w, int m)
{
	return w->from < w->to ? m >= w->from && m < w->to : m >= w->from || m < w->to;
}

static int window_minutes(const struct llmops_price_hours *w)
{
	return w->from < w->to ? w->to - w->from : 24 * 60 - w->from + w->to;
}

static double cost_at_rates(double input, double cached, double output, double in_rate,
			    double cached_rate, double out_rate)
{
	if (cached_rate < 0)
		cached_rate = in_rate;
	if (cached > input)
		cached = input;
	return ((input - cached) * in_rate + cached * cached_rate + output * out_rate) / 1e6;
}

static double base_cost(const struct llmops_price *pr, double input, double cached, double output)
{
	double in_rate = pr->input, cached_rate = pr->cached_input, out_rate = pr->output;
	for (size_t i = 0; i < pr->ntiers; i++)
		if (input > (double)pr->tiers[i].above_input_tokens) {
			in_rate = pr->tiers[i].input;
			cached_rate = pr->tiers[i].cached_input;
			out_rate = pr->tiers[i].output;
		}
	return cost_at_rates(input, cached, output, in_rate, cached_rate, out_rate);
}

double llmops_price_request_at(const struct llmops_price *pr, double input, double cached,
			       double output, int minute)
{
	if (minute < 0 && pr->nhours) {
		/* no time given: the day's mean, each window for its share of the day */
		double sum = 0;
		int covered = 0;
		for (size_t i = 0; i < pr->nhours; i++) {
			const struct llmops_price_hours *w = &pr->hours[i];
			int m = window_minutes(w);
			covered += m;
			sum += m * cost_at_rates(input, cached, output, w->input, w->cached_input,
						 w->output);
		}
		if (covered > 24 * 60)
			covered = 24 * 60;
		sum += (24 * 60 - covered) * base_cost(pr, input, cached, output);
		return sum / (24 * 60);
	}
	for (size_t i = 0; minute >= 0 && i < pr->nhours; i++)
		if (in_window(&pr->hours[i], minute % (24 * 60)))
			return cost_at_rates(input, cached, output, pr->hours[i].input,
					     pr->hours[i].cached_input, pr->hours[i].output);
	return base_cost(pr, input, cached, output);
}

double llmops_price_request(const struct llmops_price *pr, double input, double cached,
			    double output)
{
	return llmops_price_request_at(pr, input, cached, output, -1);
}

int llmops_minute_of_day(uint64_t ms)
{
	return (int)((ms / 60000) % (24 * 60));
}

size_t llmops_pricing_count(const struct llmops_pricing *p)
{
	return p ? p->n : 0;
}

const struct llmops_price *llmops_pricing_at(const struct llmops_pricing *p, size_t i)
{
	return p && i < p->n ? &p->v[i] : NULL;
}

const char *llmops_price_alias(const struct llmops_price *pr, size_t i)
{
	const cJSON *x =
		pr && cJSON_IsArray(pr->aliases) ? cJSON_GetArrayItem(pr->aliases, (int)i) : NULL;
	return cJSON_IsString(x) ? x->valuestring : NULL;
}
