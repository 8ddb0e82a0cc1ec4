/*
 * cost_out.c - `llmops cost` as a table, as Markdown for a pull-request
 * comment, and as JSON.
 */
#include "cost.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "$0.000123" with enough digits for sub-cent figures. */
static const char *usd(char *buf, size_t n, double v)
{
	double a = fabs(v);
	snprintf(buf, n, a == 0 ? "$0" : a < 0.01 ? "$%.6f" : a < 100 ? "$%.4f" : "$%.2f", v);
	return buf;
}

static const char *tokens(char *buf, size_t n, const struct llmops_cost_side *s, double v)
{
	snprintf(buf, n, "%s%.0f", s->estimate ? "~" : "", v);
	return buf;
}

static const char *status_of(const struct llmops_cost_row *w, const struct llmops_cost_report *r)
{
	if (!r->base_rev)
		return "";
	if (!w->base.present)
		return "added";
	if (!w->cur.present)
		return "removed";
	if (strcmp(w->cur.version, w->base.version) || strcmp(w->cur.model, w->base.model))
		return "changed";
	return w->delta_request != 0 ? "changed" : "unchanged";
}

/* What fails the gate (exit 1), labelled as such: never a mere note. */
static void gate_failures(const struct llmops_cost_report *r, FILE *out, const char *bullet)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_cost_row *w = &r->rows[i];
		if (w->over_increase)
			fprintf(out,
				"%s%s: cost per request up %.1f%%, over --max-increase %.1f%%\n",
				bullet, w->name, w->delta_pct, r->max_increase);
	}
	if (r->over_budget)
		fprintf(out, "%sover budget: %.2f USD per month, budget %.2f USD\n", bullet,
			r->total_month, r->budget);
}

static void notes(const struct llmops_cost_report *r, FILE *out, const char *bullet)
{
	int est = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_cost_row *w = &r->rows[i];
		const struct llmops_cost_side *s = w->cur.present ? &w->cur : &w->base;
		est |= s->estimate;
		if (s->over_context)
			fprintf(out,
				"%s%s: %.0f input tokens plus max output exceed %s's context "
				"window "
				"of %ld\n",
				bullet, w->name, s->input_tokens, s->model, s->context_window);
		if (!strcmp(s->traffic_source, "production"))
			fprintf(out,
				"%s%s: requests per day are the production traffic ingested into "
				"the ledger (last 30 days)\n",
				bullet, w->name);
		if (!strcmp(s->traffic_source, "evaluation-runs"))
			fprintf(out,
				"%s%s: requests per day are those of the evaluation runs in the "
				"ledger (last 30 days), not production traffic: set "
				"cost.requests_per_day in llmops.json\n",
				bullet, w->name);
		if (!strcmp(s->output_source, "unknown"))
			fprintf(out,
				"%s%s: output tokens unknown (no max_tokens, no runs in the "
				"ledger): give --output-tokens N; output is priced as 0\n",
				bullet, w->name);
	}
	if (est)
		fprintf(out,
			"%s~: an estimate (the model's vendor does not publish its tokenizer)\n",
			bullet);
	fprintf(out, "%sprices: %s, as of %s; a month is 30 days\n", bullet, r->prices_source,
		r->prices_date);
}

/* "cascade:a,b priced with tier 2 reached by 30.0% of requests (run X)" */
static void cascade_line(FILE *f, const struct llmops_cost_cascade *c)
{
	fprintf(f, "%s priced as", c->label);
	for (size_t k = 0; k < c->n; k++)
		fprintf(f, "%s %s on %.1f%% of requests", k ? "," : "", c->models[k],
			100 * c->reach[k]);
	if (c->run_id[0])
		fprintf(f, " (the escalations of run %s)\n", c->run_id);
	else
		fprintf(f, " (no evaluation of it in the ledger: every request through every "
			   "tier, the most it can cost)\n");
}

void llmops_cost_print_text(FILE *f, const struct llmops_cost_report *r,
			    const struct llmops_sgr *sgr)
{
	char a[32], b[32], c[32], d[32], e[32];
	fprintf(f, "%-24s %-8s %-20s %9s %7s %11s %9s %11s", "PROMPT", "VERSION", "MODEL", "IN",
		"OUT", "$/REQUEST", "REQ/DAY", "$/MONTH");
	if (r->dataset)
		fprintf(f, " %11s", "$/DATASET");
	if (r->base_rev)
		fprintf(f, "  %-9s %11s %9s", "STATUS", "Δ$/REQUEST", "Δ%");
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_cost_row *w = &r->rows[i];
		const struct llmops_cost_side *s = w->cur.present ? &w->cur : &w->base;
		fprintf(f, "%-24s %-8s %-20s %9s %7s %11s %9.1f %11s", w->name, s->version,
			s->model, tokens(a, sizeof(a), s, s->input_tokens),
			tokens(b, sizeof(b), s, s->output_tokens),
			usd(c, sizeof(c), s->per_request), s->per_day,
			usd(d, sizeof(d), w->cur.present ? s->per_month : 0));
		if (r->dataset)
			fprintf(f, " %11s", usd(e, sizeof(e), w->cur.dataset_cost));
		if (r->base_rev) {
			const char *st = status_of(w, r);
			const char *col = w->over_increase ? sgr->red : "";
			fprintf(f, "  %s%-9s %11s %8s%s", col, st,
				usd(e, sizeof(e), w->delta_request), isnan(w->delta_pct) ? "-" : "",
				*col ? sgr->reset : "");
			if (!isnan(w->delta_pct))
				fprintf(f, "%+.1f%%", w->delta_pct);
		}
		fputc('\n', f);
	}
	if (r->cascade)
		cascade_line(f, r->cascade);
	fprintf(f, "total per month: %s", usd(a, sizeof(a), r->total_month));
	if (r->base_rev)
		fprintf(f, " (at %s: %s, change %s)", r->base_rev,
			usd(b, sizeof(b), r->base_total_month),
			usd(c, sizeof(c), r->total_month - r->base_total_month));
	if (r->dataset)
		fprintf(f, "; one run of %s: %s", r->dataset, usd(d, sizeof(d), r->total_dataset));
	fputc('\n', f);
	gate_failures(r, f, "gate failed: ");
	notes(r, f, "note: ");
}

void llmops_cost_print_markdown(FILE *f, const struct llmops_cost_report *r)
{
	char a[32], b[32], c[32], d[32];
	fprintf(f, "### llmops cost%s%s\n\n", r->base_rev ? " vs " : "",
		r->base_rev ? r->base_rev : "");
	fprintf(f,
		"| prompt | version | model | input tokens | output tokens | $/request | $/month "
		"|%s\n",
		r->base_rev ? " status | Δ $/request | Δ $/month |" : "");
	fprintf(f, "| --- | --- | --- | ---: | ---: | ---: | ---: |%s\n",
		r->base_rev ? " --- | ---: | ---: |" : "");
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_cost_row *w = &r->rows[i];
		const struct llmops_cost_side *s = w->cur.present ? &w->cur : &w->base;
		fprintf(f, "| `%s` | %s%s%s | %s | %s | %s | %s | %s |", w->name,
			r->base_rev && w->base.present && strcmp(w->base.version, s->version)
				? w->base.version
				: "",
			r->base_rev && w->base.present && strcmp(w->base.version, s->version)
				? " → "
				: "",
			s->version, s->model, tokens(a, sizeof(a), s, s->input_tokens),
			tokens(b, sizeof(b), s, s->output_tokens),
			usd(c, sizeof(c), s->per_request),
			usd(d, sizeof(d), w->cur.present ? s->per_month : 0));
		if (r->base_rev) {
			fprintf(f, " %s%s | %s", w->over_increase ? "⚠️ " : "", status_of(w, r),
				usd(a, sizeof(a), w->delta_request));
			if (!isnan(w->delta_pct))
				fprintf(f, " (%+.1f%%)", w->delta_pct);
			fprintf(f, " | %s |", usd(b, sizeof(b), w->delta_month));
		}
		fputc('\n', f);
	}
	fprintf(f, "\n**Total per month: %s**", usd(a, sizeof(a), r->total_month));
	if (r->base_rev)
		fprintf(f, " (was %s)", usd(b, sizeof(b), r->base_total_month));
	if (r->dataset)
		fprintf(f, " · one run of `%s`: %s", r->dataset,
			usd(c, sizeof(c), r->total_dataset));
	fprintf(f, "\n\n");
	gate_failures(r, f, "- **gate failed:** ");
	notes(r, f, "- ");
}

static cJSON *side_json(const struct llmops_cost_side *s, int dataset)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", s->version);
	cJSON_AddStringToObject(o, "model", s->model);
	cJSON_AddStringToObject(o, "encoding", s->encoding);
	cJSON_AddBoolToObject(o, "estimate", s->estimate);
	cJSON_AddNumberToObject(o, "input_tokens", s->input_tokens);
	cJSON_AddNumberToObject(o, "output_tokens", s->output_tokens);
	cJSON_AddStringToObject(o, "output_tokens_from", s->output_source);
	cJSON_AddNumberToObject(o, "cost_per_request_usd", s->per_request);
	cJSON_AddNumberToObject(o, "requests_per_day", s->per_day);
	cJSON_AddStringToObject(o, "requests_from", s->traffic_source);
	cJSON_AddNumberToObject(o, "cost_per_month_usd", s->per_month);
	if (s->context_window)
		cJSON_AddNumberToObject(o, "context_window", (double)s->context_window);
	else
		cJSON_AddNullToObject(o, "context_window");
	cJSON_AddBoolToObject(o, "over_context_window", s->over_context);
	if (dataset) {
		cJSON_AddNumberToObject(o, "dataset_cases", (double)s->cases);
		cJSON_AddNumberToObject(o, "dataset_cost_usd", s->dataset_cost);
	}
	return o;
}

/* The cascade priced: each tier's model and the share of requests that reach it. */
static cJSON *cascade_json(const struct llmops_cost_cascade *c)
{
	cJSON *o = cJSON_CreateObject(), *t = NULL;
	cJSON_AddStringToObject(o, "provider", c->label);
	cJSON_AddItemToObject(o, "run",
			      c->run_id[0] ? cJSON_CreateString(c->run_id) : cJSON_CreateNull());
	t = cJSON_AddArrayToObject(o, "tiers");
	for (size_t k = 0; k < c->n; k++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "model", c->models[k]);
		cJSON_AddNumberToObject(x, "reach", c->reach[k]);
		cJSON_AddItemToArray(t, x);
	}
	return o;
}

cJSON *llmops_cost_json(const struct llmops_cost_report *r)
{
	cJSON *o = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(o, "prompts");
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_cost_row *w = &r->rows[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", w->name);
		if (r->base_rev)
			cJSON_AddStringToObject(x, "status", status_of(w, r));
		if (w->cur.present)
			cJSON_AddItemToObject(x, "current", side_json(&w->cur, r->dataset != NULL));
		else
			cJSON_AddNullToObject(x, "current");
		if (r->base_rev) {
			if (w->base.present)
				cJSON_AddItemToObject(x, "base",
						      side_json(&w->base, r->dataset != NULL));
			else
				cJSON_AddNullToObject(x, "base");
			cJSON_AddNumberToObject(x, "change_per_request_usd", w->delta_request);
			cJSON_AddNumberToObject(x, "change_per_month_usd", w->delta_month);
			if (isnan(w->delta_pct))
				cJSON_AddNullToObject(x, "change_pct");
			else
				cJSON_AddNumberToObject(x, "change_pct", w->delta_pct);
			cJSON_AddBoolToObject(x, "over_max_increase", w->over_increase);
		}
		cJSON_AddItemToArray(rows, x);
	}
	cJSON_AddNumberToObject(o, "total_per_month_usd", r->total_month);
	if (r->cascade)
		cJSON_AddItemToObject(o, "cascade", cascade_json(r->cascade));
	if (r->base_rev) {
		cJSON_AddStringToObject(o, "base", r->base_rev);
		cJSON_AddNumberToObject(o, "base_total_per_month_usd", r->base_total_month);
	}
	if (r->dataset) {
		cJSON_AddStringToObject(o, "dataset", r->dataset);
		cJSON_AddNumberToObject(o, "dataset_cost_usd", r->total_dataset);
	}
	if (r->budget >= 0) {
		cJSON_AddNumberToObject(o, "budget_usd", r->budget);
		cJSON_AddBoolToObject(o, "over_budget", r->over_budget);
	}
	cJSON_AddBoolToObject(o, "failed", r->failed);
	cJSON *p = cJSON_AddObjectToObject(o, "prices");
	cJSON_AddStringToObject(p, "source", r->prices_source);
	cJSON_AddStringToObject(p, "date", r->prices_date);
	return o;
}
