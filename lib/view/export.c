/*
 * export.c - the ledger's results for other tools (export.h): Prometheus
 * text exposition, OpenTelemetry traces (OTLP/JSON, written or POSTed to a
 * collector in batches), CSV and JSONL.
 */
#include "export.h"

#include "results.h"
#include "runfmt.h"
#include "runid.h"
#include "since.h"
#include "version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- labels */

struct labels {
	char prompt[128], version[64], model[128], provider[64];
	char source[16]; /* "production" (llmops ingest) or "eval" (every other run) */
};

/* The labels of a result: its run's, or parsed from its variant ("p@v x prov:model"). */
static void labels_of(const struct llmops_request_row *w, struct labels *l)
{
	const char *v = w->r.variant && *w->r.variant ? w->r.variant : NULL;
	memset(l, 0, sizeof(*l)); /* series are told apart by memcmp */
	snprintf(l->prompt, sizeof(l->prompt), "%s", w->prompt_name ? w->prompt_name : "");
	snprintf(l->version, sizeof(l->version), "%s", w->prompt_version ? w->prompt_version : "");
	snprintf(l->model, sizeof(l->model), "%s", w->model ? w->model : "");
	snprintf(l->provider, sizeof(l->provider), "%s", w->provider ? w->provider : "");
	snprintf(l->source, sizeof(l->source), "%s",
		 w->kind && !strcmp(w->kind, "production") ? "production" : "eval");
	if (!v)
		return;
	const char *x = strstr(v, " x "), *at = strchr(v, '@');
	if (!w->prompt_name && x) {
		size_t n = (size_t)((at && at < x ? at : x) - v);
		snprintf(l->prompt, sizeof(l->prompt), "%.*s", (int)n, v);
		if (at && at < x)
			snprintf(l->version, sizeof(l->version), "%.*s", (int)(x - at - 1), at + 1);
	}
	if (!w->model && x) {
		const char *spec = x + 3, *colon = strchr(spec, ':');
		if (colon) {
			snprintf(l->provider, sizeof(l->provider), "%.*s", (int)(colon - spec),
				 spec);
			snprintf(l->model, sizeof(l->model), "%s", colon + 1);
		} else {
			snprintf(l->provider, sizeof(l->provider), "%s", spec);
		}
	}
}

/* ---------------------------------------------------------- prometheus */

static const double lat_bounds[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
static const double tok_bounds[] = {16, 64, 256, 1024, 4096, 16384};
static const double cost_bounds[] = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
#define NLAT  (sizeof(lat_bounds) / sizeof(lat_bounds[0]))
#define NTOK  (sizeof(tok_bounds) / sizeof(tok_bounds[0]))
#define NCOST (sizeof(cost_bounds) / sizeof(cost_bounds[0]))

struct hist {
	double sum;
	long count;
	long bucket[16]; /* cumulative when printed */
};

struct series {
	struct labels l;
	long requests, pass, fail, error, skipped, cache_hits;
	double tokens_in, tokens_out, cost;
	struct hist lat, tok, cst;
};

struct prom {
	struct series *s;
	size_t n;
};

static void observe(struct hist *h, const double *bounds, size_t nb, double x)
{
	size_t i = 0;
	while (i < nb && x > bounds[i])
		i++;
	h->bucket[i]++;
	h->sum += x;
	h->count++;
}

static int prom_take(const struct llmops_request_row *w, void *ctx)
{
	struct prom *p = ctx;
	struct labels l;
	struct series *s = NULL;

	labels_of(w, &l);
	for (size_t i = p->n; i-- > 0;)
		if (!memcmp(&p->s[i].l, &l, sizeof(l))) {
			s = &p->s[i];
			break;
		}
	if (!s) {
		struct series *q = realloc(p->s, (p->n + 1) * sizeof(*q));
		if (!q)
			return LLMOPS_E_NOMEM;
		p->s = q;
		s = &p->s[p->n++];
		memset(s, 0, sizeof(*s));
		s->l = l;
	}
	s->requests += w->r.attempts;
	if (w->r.passed == LLMOPS_SKIPPED)
		s->skipped++;
	else if (w->r.passed < 0)
		s->error++;
	else if (w->r.passed)
		s->pass++;
	else
		s->fail++;
	s->cache_hits += w->r.cache_hit;
	if (w->r.tokens_in > 0)
		s->tokens_in += (double)w->r.tokens_in;
	if (w->r.tokens_out > 0)
		s->tokens_out += (double)w->r.tokens_out;
	if (!isnan(w->r.cost_usd))
		s->cost += w->r.cost_usd;
	if (w->r.cache_hit)
		return 0; /* no request: no latency, tokens or cost of one */
	if (!isnan(w->r.latency_ms))
		observe(&s->lat, lat_bounds, NLAT, w->r.latency_ms / 1000.0);
	if (w->r.tokens_out >= 0)
		observe(&s->tok, tok_bounds, NTOK, (double)w->r.tokens_out);
	if (!isnan(w->r.cost_usd))
		observe(&s->cst, cost_bounds, NCOST, w->r.cost_usd);
	return 0;
}

static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void labels_out(FILE *f, const struct labels *l, const char *extra_k, const char *extra_v)
{
	fputs("{prompt=\"", f);
	label_value(f, l->prompt);
	fputs("\",version=\"", f);
	label_value(f, l->version);
	fputs("\",model=\"", f);
	label_value(f, l->model);
	fputs("\",provider=\"", f);
	label_value(f, l->provider);
	fputs("\",source=\"", f);
	label_value(f, l->source);
	fputc('"', f);
	if (extra_k)
		fprintf(f, ",%s=\"%s\"", extra_k, extra_v);
	fputc('}', f);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The counters and histograms of a series, by name. */
enum { C_REQUESTS, C_CACHE_HITS, C_TOKENS_IN, C_TOKENS_OUT, C_COST };
enum { H_LATENCY, H_TOKENS, H_COST };

static double counter_of(const struct series *s, int which)
{
	switch (which) {
	case C_REQUESTS: return (double)s->requests;
	case C_CACHE_HITS: return (double)s->cache_hits;
	case C_TOKENS_IN: return s->tokens_in;
	case C_TOKENS_OUT: return s->tokens_out;
	default: return s->cost;
	}
}

static const struct hist *hist_of(const struct series *s, int which)
{
	return which == H_LATENCY ? &s->lat : which == H_TOKENS ? &s->tok : &s->cst;
}

static void counter(FILE *f, const struct prom *p, const char *name, const char *help, int which)
{
	head(f, name, "counter", help);
	for (size_t i = 0; i < p->n; i++) {
		fputs(name, f);
		labels_out(f, &p->s[i].l, NULL, NULL);
		fprintf(f, " %.17g\n", counter_of(&p->s[i], which));
	}
}

static void histogram(FILE *f, const struct prom *p, const char *name, const char *help, int which,
		      const double *bounds, size_t nb)
{
	head(f, name, "histogram", help);
	for (size_t i = 0; i < p->n; i++) {
		const struct hist *h = hist_of(&p->s[i], which);
		long cum = 0;
		char le[32];
		for (size_t b = 0; b <= nb; b++) {
			cum += h->bucket[b];
			if (b < nb)
				snprintf(le, sizeof(le), "%g", bounds[b]);
			else
				snprintf(le, sizeof(le), "+Inf");
			fprintf(f, "%s_bucket", name);
			labels_out(f, &p->s[i].l, "le", le);
			fprintf(f, " %ld\n", cum);
		}
		fprintf(f, "%s_sum", name);
		labels_out(f, &p->s[i].l, NULL, NULL);
		fprintf(f, " %.17g\n%s_count", h->sum, name);
		labels_out(f, &p->s[i].l, NULL, NULL);
		fprintf(f, " %ld\n", h->count);
	}
}

static void prom_write(FILE *f, const struct prom *p)
{
	counter(f, p, "llmops_requests_total", "HTTP requests sent to providers, retries included.",
		C_REQUESTS);
	head(f, "llmops_cases_total", "counter", "Case results recorded, by outcome.");
	for (size_t i = 0; i < p->n; i++) {
		static const char *const oc[] = {"pass", "fail", "error", "skipped"};
		const long v[] = {p->s[i].pass, p->s[i].fail, p->s[i].error, p->s[i].skipped};
		for (int k = 0; k < 4; k++) {
			fputs("llmops_cases_total", f);
			labels_out(f, &p->s[i].l, "outcome", oc[k]);
			fprintf(f, " %ld\n", v[k]);
		}
	}
	counter(f, p, "llmops_cache_hits_total", "Results answered from the response cache.",
		C_CACHE_HITS);
	counter(f, p, "llmops_input_tokens_total", "Prompt tokens.", C_TOKENS_IN);
	counter(f, p, "llmops_output_tokens_total", "Completion tokens.", C_TOKENS_OUT);
	counter(f, p, "llmops_cost_usd_total", "Cost in US dollars.", C_COST);
	histogram(f, p, "llmops_request_duration_seconds",
		  "Latency of answered requests (cache hits excluded).", H_LATENCY, lat_bounds,
		  NLAT);
	histogram(f, p, "llmops_request_output_tokens", "Completion tokens per answered request.",
		  H_TOKENS, tok_bounds, NTOK);
	histogram(f, p, "llmops_request_cost_usd", "Cost per answered request in US dollars.",
		  H_COST, cost_bounds, NCOST);
}

/* ------------------------------------------------------------------ otlp */

struct otlp {
	cJSON *doc, *spans;
	size_t nspans, batch;
	const struct llmops_post *post; /* NULL: write to f */
	FILE *f;
	long sent, posts;
	struct llmops_err err;
	int failed;
};

/* ms since the epoch from the ledger's "2026-11-22T14:03:05.123Z"; 0 when none */
static double iso_ms(const char *s)
{
	double ms = llmops_iso_ms(s);
	return isnan(ms) ? 0 : round(ms); /* the ledger's times are whole ms */
}

/* A ULID is 128 bits: its 16 bytes as 32 hex digits make the trace id. */
static void trace_id(const char *ulid, char out[33])
{
	unsigned char b[16];
	llmops_runid_bytes(ulid, b);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void attr(cJSON *a, const char *key, const char *type, cJSON *v)
{
	cJSON *o = cJSON_CreateObject(), *val;
	cJSON_AddStringToObject(o, "key", key);
	val = cJSON_AddObjectToObject(o, "value");
	cJSON_AddItemToObject(val, type, v);
	cJSON_AddItemToArray(a, o);
}

static void attr_str(cJSON *a, const char *key, const char *s)
{
	if (s && *s)
		attr(a, key, "stringValue", cJSON_CreateString(s));
}

static void attr_int(cJSON *a, const char *key, int64_t v)
{
	char n[32];
	snprintf(n, sizeof(n), "%lld", (long long)v); /* OTLP/JSON: int64 as a string */
	attr(a, key, "intValue", cJSON_CreateString(n));
}

static cJSON *new_doc(cJSON **spans)
{
	cJSON *doc = cJSON_CreateObject(), *rs = cJSON_AddArrayToObject(doc, "resourceSpans");
	cJSON *r = cJSON_CreateObject(), *res = cJSON_AddObjectToObject(r, "resource");
	cJSON *ra = cJSON_AddArrayToObject(res, "attributes");
	cJSON *ss = cJSON_AddArrayToObject(r, "scopeSpans"), *sc = cJSON_CreateObject();
	cJSON *scope = cJSON_AddObjectToObject(sc, "scope");
	attr_str(ra, "service.name", "llmops");
	cJSON_AddStringToObject(scope, "name", "llmops");
	cJSON_AddStringToObject(scope, "version", llmops_version());
	*spans = cJSON_AddArrayToObject(sc, "spans");
	cJSON_AddItemToArray(ss, sc);
	cJSON_AddItemToArray(rs, r);
	return doc;
}

static int otlp_flush(struct otlp *o)
{
	char *s;
	long status;
	int rc = 0;
	if (!o->nspans)
		return 0;
	if (!(s = cJSON_PrintUnformatted(o->doc)))
		return LLMOPS_E_NOMEM;
	if (o->post) {
		if (llmops_post_json(o->post, s, strlen(s), &status, &o->err)) {
			o->failed = 1;
			rc = o->err.code;
		} else {
			o->sent += (long)o->nspans;
			o->posts++;
		}
	} else {
		fprintf(o->f, "%s\n", s);
		o->sent += (long)o->nspans;
	}
	free(s);
	cJSON_Delete(o->doc);
	o->doc = new_doc(&o->spans);
	o->nspans = 0;
	return rc;
}

static int otlp_take(const struct llmops_request_row *w, void *ctx)
{
	struct otlp *o = ctx;
	struct labels l;
	char tid[33], sid[17], name[200], t[32];
	if (w->r.passed == LLMOPS_SKIPPED)
		return 0; /* never sent (--max-cost): no request to trace */
	cJSON *sp = cJSON_CreateObject(), *a;
	double end = iso_ms(w->created_at);
	double start = end - (isnan(w->r.latency_ms) ? 0 : w->r.latency_ms);

	labels_of(w, &l);
	trace_id(w->run_id, tid);
	snprintf(sid, sizeof(sid), "%016llx", (unsigned long long)w->r.id);
	snprintf(name, sizeof(name), "chat %s", l.model);
	cJSON_AddStringToObject(sp, "traceId", tid);
	cJSON_AddStringToObject(sp, "spanId", sid);
	cJSON_AddStringToObject(sp, "name", name);
	cJSON_AddNumberToObject(sp, "kind", 3); /* SPAN_KIND_CLIENT */
	snprintf(t, sizeof(t), "%.0f000000", start);
	cJSON_AddStringToObject(sp, "startTimeUnixNano", t);
	snprintf(t, sizeof(t), "%.0f000000", end);
	cJSON_AddStringToObject(sp, "endTimeUnixNano", t);
	a = cJSON_AddArrayToObject(sp, "attributes");
	attr_str(a, "gen_ai.operation.name", "chat");
	attr_str(a, "gen_ai.system", l.provider);
	attr_str(a, "gen_ai.request.model", l.model);
	if (w->r.tokens_in >= 0)
		attr_int(a, "gen_ai.usage.input_tokens", w->r.tokens_in);
	if (w->r.tokens_out >= 0)
		attr_int(a, "gen_ai.usage.output_tokens", w->r.tokens_out);
	attr_str(a, "llmops.run.id", w->run_id);
	attr_str(a, "llmops.case.id", w->r.case_id);
	attr_str(a, "llmops.prompt.name", l.prompt);
	attr_str(a, "llmops.prompt.version", l.version);
	attr_str(a, "llmops.variant", w->r.variant);
	if (w->r.passed >= 0)
		attr(a, "llmops.eval.passed", "boolValue", cJSON_CreateBool(w->r.passed));
	if (!isnan(w->r.score))
		attr(a, "llmops.eval.score", "doubleValue", cJSON_CreateNumber(w->r.score));
	if (!isnan(w->r.cost_usd))
		attr(a, "llmops.cost_usd", "doubleValue", cJSON_CreateNumber(w->r.cost_usd));
	attr(a, "llmops.cache_hit", "boolValue", cJSON_CreateBool(w->r.cache_hit));
	attr_int(a, "llmops.attempts", w->r.attempts);
	if (!isnan(w->r.ttft_ms))
		attr(a, "llmops.ttft_ms", "doubleValue", cJSON_CreateNumber(w->r.ttft_ms));
	if (w->r.passed < 0) {
		cJSON *st = cJSON_AddObjectToObject(sp, "status");
		attr_str(a, "error.type", "request_failed");
		cJSON_AddStringToObject(st, "message", w->r.error ? w->r.error : "not scored");
		cJSON_AddNumberToObject(st, "code", 2); /* STATUS_CODE_ERROR */
	}
	cJSON_AddItemToArray(o->spans, sp);
	if (++o->nspans >= o->batch)
		return otlp_flush(o);
	return 0;
}

/* --------------------------------------------------------- csv, jsonl */

static int csv_take(const struct llmops_request_row *w, void *ctx)
{
	FILE *f = ctx;
	struct labels l;
	labels_of(w, &l);
	const char *const cols[] = {w->run_id,	w->kind, l.prompt,     l.version,
				    l.provider, l.model, w->created_at};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		llmops_runfmt_csv_field(f, cols[i]);
		fputc(',', f);
	}
	llmops_results_csv_cells(f, &w->r);
	fputs("\r\n", f);
	return ferror(f) ? LLMOPS_E_IO : 0;
}

static int jsonl_take(const struct llmops_request_row *w, void *ctx)
{
	FILE *f = ctx;
	struct labels l;
	cJSON *o = llmops_results_json(&w->r, 1, 0);
	char *s;
	labels_of(w, &l);
	cJSON_AddStringToObject(o, "run", w->run_id);
	cJSON_AddStringToObject(o, "kind", w->kind);
	cJSON_AddStringToObject(o, "prompt", l.prompt);
	cJSON_AddStringToObject(o, "prompt_version", l.version);
	/* the result's own (null when it has none) replaced: each key once */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "provider", cJSON_CreateString(l.provider));
	cJSON_ReplaceItemInObjectCaseSensitive(o, "model", cJSON_CreateString(l.model));
	cJSON_AddStringToObject(o, "created_at", w->created_at);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		return LLMOPS_E_NOMEM;
	fprintf(f, "%s\n", s);
	free(s);
	return ferror(f) ? LLMOPS_E_IO : 0;
}

/* --------------------------------------------------------------- driver */

static int export_otlp(struct llmops_ledger *lg, struct llmops_export *x, struct llmops_err *err)
{
	struct otlp o = {0};
	o.batch = x->post ? 1000 : (size_t)-1;
	o.f = x->f;
	o.post = x->post;
	o.doc = new_doc(&o.spans);
	int rc = llmops_ledger_requests_each(lg, x->since, x->run_id, 0, otlp_take, &o, err);
	if (!rc)
		rc = otlp_flush(&o);
	cJSON_Delete(o.doc);
	x->sent = o.sent;
	x->posts = o.posts;
	if (o.failed) {
		x->post_failed = 1;
		*err = o.err;
		return o.err.code;
	}
	return rc;
}

int llmops_export_write(struct llmops_ledger *lg, struct llmops_export *x, struct llmops_err *err)
{
	int rc;
	x->sent = x->posts = 0;
	x->post_failed = 0;
	switch (x->format) {
	case LLMOPS_EXPORT_PROMETHEUS: {
		struct prom p = {0};
		rc = llmops_ledger_requests_each(lg, x->since, x->run_id, 0, prom_take, &p, err);
		if (!rc)
			prom_write(x->f, &p);
		free(p.s);
		return rc;
	}
	case LLMOPS_EXPORT_OTLP: return export_otlp(lg, x, err);
	case LLMOPS_EXPORT_CSV:
		/* the run's columns, then a result's as eval -o and report write them */
		fprintf(x->f, "run,kind,prompt,prompt_version,provider,model,created_at,%s\r\n",
			llmops_results_csv_columns);
		return llmops_ledger_requests_each(lg, x->since, x->run_id, 1, csv_take, x->f, err);
	default:
		return llmops_ledger_requests_each(lg, x->since, x->run_id, 1, jsonl_take, x->f,
						   err);
	}
}

void llmops_otlp_traces_url(const char *base, char *out, size_t n)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	if (len >= 10 && !strncmp(base + len - 10, "/v1/traces", 10))
		snprintf(out, n, "%.*s", (int)len, base);
	else
		snprintf(out, n, "%.*s/v1/traces", (int)len, base);
}

int llmops_otlp_headers(const char *spec, struct llmops_strlist *out)
{
	for (const char *p = spec; p && *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && eq > p &&
		    llmops_strlist_appendf(out, "%.*s: %.*s", (int)(eq - p), p, (int)(end - eq - 1),
					   eq + 1))
			return -1;
		p = comma ? comma + 1 : end;
	}
	return 0;
}
