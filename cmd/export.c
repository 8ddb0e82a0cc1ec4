/*
 * export.c - `llmops export`: the ledger's results for other tools:
 * Prometheus text exposition, OpenTelemetry traces (OTLP/JSON, printed or
 * POSTed to a collector), CSV and JSONL.
 */
#include "llmops.h"

#include "httppost.h"
#include "ledger.h"
#include "options.h"
#include "outfile.h"
#include "results_out.h"
#include "run_fmt.h"
#include "runid.h"
#include "since.h"
#include "strlist.h"
#include "version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const synopsis[] = {
	"llmops export --format prometheus|otlp|csv|jsonl [--since DATE|AGE] [--run RUN]",
	"              [-o FILE | --otlp-endpoint URL]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops export",
	synopsis,
	"Write the ledger's results for other tools.  prometheus: counters and\n"
	"histograms of requests, cases, tokens, cost and latency by prompt, version,\n"
	"model, provider and source (eval, or production from llmops ingest), in the\n"
	"text exposition format.  otlp: one OpenTelemetry\n"
	"span per request with the GenAI semantic-convention attributes, as OTLP/JSON;\n"
	"with --otlp-endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) they are POSTed to the\n"
	"collector's /v1/traces in batches, with OTEL_EXPORTER_OTLP_HEADERS sent as\n"
	"headers.  csv and jsonl: one line per result with its run.",
};

static const char *const formats[] = {"prometheus", "otlp", "csv", "jsonl", NULL};

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
	struct llmops_post post; /* url NULL: write to f */
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
	if (o->post.url) {
		if (llmops_post_json(&o->post, s, strlen(s), &status, &o->err)) {
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
		runfmt_csv_field(f, cols[i]);
		fputc(',', f);
	}
	results_csv_cells(f, &w->r);
	fputs("\r\n", f);
	return ferror(f) ? LLMOPS_E_IO : 0;
}

static int jsonl_take(const struct llmops_request_row *w, void *ctx)
{
	FILE *f = ctx;
	struct labels l;
	cJSON *o = results_json(&w->r, 1, 0);
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

/* ------------------------------------------------------------- command */

/* The endpoint's traces URL: URL as given when it ends in /v1/traces, else URL + /v1/traces. */
static void traces_url(const char *base, char *out, size_t n)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	if (len >= 10 && !strncmp(base + len - 10, "/v1/traces", 10))
		snprintf(out, n, "%.*s", (int)len, base);
	else
		snprintf(out, n, "%.*s/v1/traces", (int)len, base);
}

/* OTEL_EXPORTER_OTLP_HEADERS "k=v,k2=v2" as "k: v" lines (never printed). */
static void otel_headers(struct llmops_strlist *out)
{
	const char *env = getenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS");
	if (!env || !*env)
		env = getenv("OTEL_EXPORTER_OTLP_HEADERS");
	for (const char *p = env; p && *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && eq > p) {
			char line[1024];
			snprintf(line, sizeof(line), "%.*s: %.*s", (int)(eq - p), p,
				 (int)(end - eq - 1), eq + 1);
			llmops_strlist_append(out, line);
		}
		p = comma ? comma + 1 : end;
	}
}

int cmd_export(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = NULL, *since_s = NULL, *run_ref = NULL, *path = "-", *endpoint = NULL;
	struct llmops_strlist hdrs = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run *run = NULL;
	struct outfile of = {0};
	char since[32], url[2048];
	int rc;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "format", &format, "FORMAT", "prometheus, otlp, csv or jsonl",
		 formats, 0, 0},
		{OPT_STRING, 0, "since", &since_s, "DATE|AGE", "runs started at or after", NULL, 0,
		 0},
		{OPT_STRING, 0, "run", &run_ref, "RUN", "one run only", NULL, 0, 0},
		{OPT_STRING, 'o', "output", &path, "FILE", "write to FILE (default: stdout)", NULL,
		 0, 0},
		{OPT_STRING, 0, "otlp-endpoint", &endpoint, "URL",
		 "POST the traces to this collector (/v1/traces)", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!format) {
		llmops_error("export: which format? give --format prometheus, otlp, csv or jsonl");
		return LLMOPS_EXIT_USAGE;
	}
	if (!endpoint && !strcmp(format, "otlp") && strcmp(path, "-") == 0) {
		const char *e = getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
		if (!e || !*e)
			e = getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
		if (e && *e)
			endpoint = e;
	}
	if (endpoint && strcmp(format, "otlp")) {
		llmops_error("export: --otlp-endpoint sends OTLP traces: use --format otlp");
		return LLMOPS_EXIT_USAGE;
	}
	if (endpoint && strcmp(path, "-")) {
		llmops_error("export: give -o FILE or --otlp-endpoint URL, not both");
		return LLMOPS_EXIT_USAGE;
	}
	if (endpoint && strncmp(endpoint, "http://", 7) && strncmp(endpoint, "https://", 8)) {
		llmops_error("export: --otlp-endpoint: '%s' is not an http:// or https:// URL",
			     endpoint);
		return LLMOPS_EXIT_USAGE;
	}
	if (since_s && llmops_since_parse(since_s, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (run_ref && llmops_ledger_run_get(lg, run_ref, &run, &err))
		return llmops_report(&err);
	if (!endpoint && (rc = outfile_open(&of, path, "export", 1)))
		goto out;
	const char *s_arg = since_s ? since : NULL, *r_arg = run ? run->id : NULL;
	if (!strcmp(format, "prometheus")) {
		struct prom p = {0};
		rc = llmops_ledger_requests_each(lg, s_arg, r_arg, 0, prom_take, &p, &err);
		if (!rc)
			prom_write(of.f, &p);
		free(p.s);
	} else if (!strcmp(format, "otlp")) {
		struct otlp o = {0};
		o.batch = endpoint ? 1000 : (size_t)-1;
		o.f = of.f;
		if (endpoint) {
			traces_url(endpoint, url, sizeof(url));
			otel_headers(&hdrs);
			o.post.url = url;
			o.post.headers = (const char *const *)hdrs.items;
			o.post.timeout_ms = 30000;
			o.post.retries = 3;
			o.post.backoff_ms = 250;
		}
		o.doc = new_doc(&o.spans);
		rc = llmops_ledger_requests_each(lg, s_arg, r_arg, 0, otlp_take, &o, &err);
		if (!rc)
			rc = otlp_flush(&o);
		cJSON_Delete(o.doc);
		if (o.failed) {
			llmops_error("export: %s (%ld spans sent before it)", o.err.msg, o.sent);
			rc = o.err.code == LLMOPS_E_INPUT ? LLMOPS_EXIT_USAGE : LLMOPS_EXIT_RUNTIME;
			goto out;
		}
		if (!rc && endpoint)
			fprintf(stderr, "llmops: sent %ld span%s to %s in %ld request%s\n", o.sent,
				o.sent == 1 ? "" : "s", url, o.posts, o.posts == 1 ? "" : "s");
	} else if (!strcmp(format, "csv")) {
		/* the run's columns, then a result's as eval -o and report write them */
		fprintf(of.f, "run,kind,prompt,prompt_version,provider,model,created_at,%s\r\n",
			results_csv_columns);
		rc = llmops_ledger_requests_each(lg, s_arg, r_arg, 1, csv_take, of.f, &err);
	} else {
		rc = llmops_ledger_requests_each(lg, s_arg, r_arg, 1, jsonl_take, of.f, &err);
	}
	if (rc) {
		if (rc == LLMOPS_E_NOMEM || rc == LLMOPS_E_IO)
			llmops_error("export: %s", rc == LLMOPS_E_NOMEM
							   ? "out of memory"
							   : "cannot write the output");
		else
			llmops_report(&err);
		rc = rc == LLMOPS_E_NOMEM || rc == LLMOPS_E_IO ? LLMOPS_EXIT_RUNTIME
							       : llmops_exit_for(rc);
		if (of.f)
			outfile_abort(&of);
		goto out;
	}
	if (of.f)
		rc = outfile_close(&of, "export");
out:
	llmops_strlist_release(&hdrs);
	llmops_run_free(run);
	return rc;
}
