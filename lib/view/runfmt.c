/*
 * runfmt.c - naming runs and results, and their cells in CSV, XML and Markdown (runfmt.h).
 */
#include "runfmt.h"

#include "json.h"

#include "buf.h"
#include "since.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void llmops_runfmt_when(const char *iso, char *out, size_t n)
{
	double ms = llmops_iso_ms(iso);
	struct tm tm;
	time_t t;

	if (isnan(ms)) {
		snprintf(out, n, "%s", iso ? iso : "-");
		return;
	}
	t = (time_t)(ms / 1000.0);
	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

void llmops_runfmt_commit_time(char *out, size_t n, int64_t t, int tz_minutes)
{
	time_t at = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	if (!gmtime_r(&at, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, n, "-");
}

/* "first +N" from the array params[key] ("-" when empty). */
static void first_and_more(const char *params, const char *key, char *out, size_t n)
{
	cJSON *p = params ? cJSON_Parse(params) : NULL;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, key), *x = cJSON_GetArrayItem(a, 0);
	int more = cJSON_GetArraySize(a) - 1;
	const char *first = cJSON_IsString(x) ? x->valuestring : NULL;

	if (first && more > 0)
		snprintf(out, n, "%s +%d", first, more);
	else
		snprintf(out, n, "%s", first ? first : "-");
	cJSON_Delete(p);
}

void llmops_runfmt_prompt(const struct llmops_run *r, char *out, size_t n)
{
	if (r->prompt_name)
		snprintf(out, n, "%s%s%s", r->prompt_name, r->prompt_version ? "@" : "",
			 r->prompt_version ? r->prompt_version : "");
	else
		first_and_more(r->params_json, "prompts", out, n);
}

void llmops_runfmt_model(const struct llmops_run *r, char *out, size_t n)
{
	if (r->provider || r->model)
		snprintf(out, n, "%s%s%s", r->provider ? r->provider : "",
			 r->provider && r->model ? "/" : "", r->model ? r->model : "");
	else
		first_and_more(r->params_json, "providers", out, n);
}

int llmops_runfmt_repeats(const struct llmops_run *r)
{
	int reps = 1;
	if (!r->params_json || !strstr(r->params_json, "\"repeat\"")) /* most runs: no parse */
		return 1;
	cJSON *p = cJSON_Parse(r->params_json);
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(p, "repeat");
	if (cJSON_IsNumber(x) && x->valuedouble >= 1 && x->valuedouble <= 1e6)
		reps = (int)x->valuedouble;
	cJSON_Delete(p);
	return reps;
}

void llmops_runfmt_cases(const struct llmops_run *r, char *out, size_t n)
{
	int reps = llmops_runfmt_repeats(r);
	if (reps > 1 && r->cases % reps == 0)
		snprintf(out, n, "%lldx%d", (long long)(r->cases / reps), reps);
	else
		snprintf(out, n, "%lld", (long long)r->cases);
}

void llmops_runfmt_commit(const struct llmops_run *r, char *out, size_t n)
{
	if (!r->git_commit)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.7s%s", r->git_commit, r->git_dirty == 1 ? "*" : "");
}

void llmops_runfmt_add_num(cJSON *o, const char *key, double x)
{
	if (isnan(x))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, x);
}

void llmops_runfmt_add_interval(cJSON *o, const char *key, double lo, double hi)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	if (isnan(lo))
		return;
	cJSON_AddItemToArray(a, cJSON_CreateNumber(lo));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(hi));
}

void llmops_runfmt_add_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *llmops_runfmt_run_json(const struct llmops_run *r)
{
	cJSON *o = cJSON_CreateObject(), *p;

	cJSON_AddStringToObject(o, "id", r->id);
	llmops_runfmt_add_str(o, "kind", r->kind);
	llmops_runfmt_add_str(o, "status", llmops_run_status_name(r->status));
	llmops_runfmt_add_str(o, "started_at", r->started_at);
	llmops_runfmt_add_str(o, "finished_at", r->finished_at);
	llmops_runfmt_add_num(o, "duration_ms", r->duration_ms);
	llmops_runfmt_add_str(o, "git_commit", r->git_commit);
	if (r->git_dirty < 0)
		cJSON_AddNullToObject(o, "git_dirty");
	else
		cJSON_AddBoolToObject(o, "git_dirty", r->git_dirty);
	llmops_runfmt_add_str(o, "prompt", r->prompt_name);
	llmops_runfmt_add_str(o, "prompt_version", r->prompt_version);
	llmops_runfmt_add_str(o, "prompt_blob", r->prompt_blob);
	llmops_runfmt_add_str(o, "provider", r->provider);
	llmops_runfmt_add_str(o, "model", r->model);
	llmops_runfmt_add_str(o, "dataset", r->dataset_path);
	llmops_runfmt_add_str(o, "dataset_sha256", r->dataset_sha256);
	p = r->params_json ? cJSON_Parse(r->params_json) : NULL;
	cJSON_AddItemToObject(o, "params", p ? p : cJSON_CreateNull());
	llmops_runfmt_add_str(o, "command", r->command);
	llmops_runfmt_add_str(o, "llmops_version", r->llmops_version);
	LLMOPS_JSON_NUMS(o, {"cases", r->cases}, {"passed", r->passed}, {"failed", r->failed},
			 {"errors", r->errored}, {"skipped", r->skipped});
	llmops_runfmt_add_num(o, "pass_rate",
			      r->cases ? (double)r->passed / (double)r->cases : NAN);
	LLMOPS_JSON_NUMS(o, {"score_mean", r->score_mean}, {"requests", r->requests},
			 {"cache_hits", r->cache_hits}, {"latency_p50_ms", r->latency_p50},
			 {"latency_p95_ms", r->latency_p95}, {"tokens_in", r->tokens_in},
			 {"tokens_out", r->tokens_out}, {"cost_usd", r->cost_usd});
	return o;
}

const char *llmops_runfmt_verdict(int passed)
{
	return passed == LLMOPS_SKIPPED ? "skipped"
	       : passed < 0		? "error"
	       : passed			? "pass"
					: "fail";
}

char llmops_runfmt_verdict_class(int passed)
{
	return passed == LLMOPS_SKIPPED ? 's' : passed < 0 ? 'e' : passed ? 'p' : 'f';
}

void llmops_runfmt_csv_field(FILE *f, const char *s)
{
	/* a cell a spreadsheet would run as a formula (=, +, -, @, or a tab or CR
	   in front of one) gets a leading ' as OWASP's CSV injection advice says,
	   and is quoted; the text after the ' is the text as it was */
	int formula = s && *s && strchr("=+-@\t\r", *s);
	if (!s)
		return;
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void llmops_runfmt_csv_num(FILE *f, double x, const char *fmt)
{
	if (!isnan(x))
		fprintf(f, fmt, x);
}

void llmops_runfmt_xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			fputc('?', f); /* not allowed in XML 1.0 */
		else
			fputc(c, f);
	}
}

void llmops_runfmt_md_cell(FILE *f, const char *s, size_t max)
{
	size_t n = 0;
	for (; s && *s && n < max; s++, n++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	if (s && *s)
		fputs("...", f);
}

static const char *str_or_empty(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

char *llmops_runfmt_answered(const char *steps, const char *output)
{
	cJSON *doc = steps ? cJSON_Parse(steps) : NULL;
	const cJSON *s, *c, *r;
	struct llmops_buf b = LLMOPS_BUF_INIT;
	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return strdup(output ? output : "");
	}
	cJSON_ArrayForEach (s, doc) {
		const cJSON *turn = cJSON_GetObjectItemCaseSensitive(s, "turn");
		char tag[32] = "";
		if (cJSON_IsNumber(turn))
			snprintf(tag, sizeof(tag), "[turn %g] ", turn->valuedouble);
		cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(s, "tool_calls")) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function");
			llmops_buf_addf(&b, "%s%s(%s)", tag, str_or_empty(f, "name"),
					str_or_empty(f, "arguments"));
			cJSON_ArrayForEach (r, cJSON_GetObjectItemCaseSensitive(s, "tool_results"))
				if (!strcmp(str_or_empty(r, "id"), str_or_empty(c, "id")))
					llmops_buf_addf(&b, " -> %s", str_or_empty(r, "content"));
			llmops_buf_addch(&b, '\n');
		}
		if (*str_or_empty(s, "text") && s->next)
			llmops_buf_addf(&b, "%s%s\n", tag, str_or_empty(s, "text"));
	}
	llmops_buf_addf(&b, "= %s", output ? output : "");
	cJSON_Delete(doc);
	char *out = b.oom ? NULL : llmops_buf_detach(&b, NULL);
	llmops_buf_release(&b);
	return out;
}

const char *llmops_runfmt_money(char *buf, size_t n, double usd)
{
	double a = fabs(usd);
	if (isnan(usd))
		snprintf(buf, n, "-");
	else if (a == 0 || a >= 0.000001)
		snprintf(buf, n, "$%.6f", usd);
	else { /* below a millionth: enough places for two significant digits */
		int places = (int)ceil(-log10(a)) + 1;
		snprintf(buf, n, "$%.*f", places > 15 ? 15 : places, usd);
	}
	return buf;
}

const char *llmops_runfmt_num(char *buf, size_t n, double x, const char *fmt, const char *unit)
{
	if (isnan(x) || isinf(x))
		snprintf(buf, n, "-");
	else {
		int k = snprintf(buf, n, fmt, x);
		if (k >= 0 && (size_t)k < n && unit)
			snprintf(buf + k, n - (size_t)k, "%s", unit);
	}
	return buf;
}

const char *llmops_runfmt_plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void llmops_runfmt_block(FILE *f, const char *indent, const char *title, const char *text)
{
	fprintf(f, "%s%s:\n", indent, title);
	for (const char *p = text ? text : "(none)"; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(f, "%s  %.*s\n", indent, len, p);
		p += len + (nl ? 1 : 0);
	}
}

void llmops_runs_print(FILE *f, struct llmops_run *const *runs, size_t n,
		       const struct llmops_sgr *c)
{
	fprintf(f, "%-26s  %-16s  %-10s %-8s  %-22s  %-24s %6s %7s %10s  %s\n", "RUN", "WHEN",
		"KIND", "COMMIT", "PROMPT", "PROVIDER/MODEL", "CASES", "PASS", "COST", "STATUS");
	for (size_t i = 0; i < n; i++) {
		const struct llmops_run *r = runs[i];
		char when[32], prompt[256], model[256], commit[16], rate[16], cases[32];
		const char *st = llmops_run_status_name(r->status);
		const char *col = r->status == LLMOPS_RUN_PASSED    ? c->green
				  : r->status == LLMOPS_RUN_RUNNING ? ""
								    : c->red;

		llmops_runfmt_when(r->started_at, when, sizeof(when));
		llmops_runfmt_prompt(r, prompt, sizeof(prompt));
		llmops_runfmt_model(r, model, sizeof(model));
		llmops_runfmt_commit(r, commit, sizeof(commit));
		llmops_runfmt_cases(r, cases, sizeof(cases));
		if (r->cases)
			snprintf(rate, sizeof(rate), "%.1f%%",
				 100.0 * (double)r->passed / (double)r->cases);
		else
			snprintf(rate, sizeof(rate), "-");
		fprintf(f, "%-26s  %-16s  %-10s %-8s  %-22s  %-24s %6s %7s %10.6f  %s%s%s\n", r->id,
			when, r->kind, commit, prompt, model, cases, rate, r->cost_usd, col,
			st ? st : "?", c->reset);
	}
}
