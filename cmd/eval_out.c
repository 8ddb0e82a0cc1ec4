/*
 * eval_out.c - what `llmops eval` shows: the summary (text or JSON), and
 * the results as JSON, JSONL, CSV, JUnit XML or Markdown.
 */
#include "llmops.h"

#include "eval_cmd.h"
#include "outfile.h"
#include "output.h"
#include "repeats_out.h"
#include "run_fmt.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define Z95 1.959963984540054

const char *eval_format_for(const char *path)
{
	static const struct {
		const char *ext, *fmt;
	} map[] = {{".json", "json"},	     {".jsonl", "jsonl"}, {".ndjson", "jsonl"},
		   {".csv", "csv"},	     {".xml", "junit"},	  {".md", "markdown"},
		   {".markdown", "markdown"}};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(dot, map[i].ext))
			return map[i].fmt;
	return NULL;
}

static void add_num(cJSON *o, const char *k, double x)
{
	if (isnan(x))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, x);
}

static cJSON *variant_json(const struct llmops_eval *ev, size_t vi)
{
	const struct llmops_eval_variant *v = &ev->vars[vi];
	cJSON *o = cJSON_CreateObject(), *m, *lat;
	double lo, hi;
	cJSON_AddStringToObject(o, "variant", v->label);
	cJSON_AddStringToObject(o, "prompt", v->prompt);
	cJSON_AddStringToObject(o, "provider", v->prov->label);
	cJSON_AddNumberToObject(o, "cases", (double)v->cases);
	cJSON_AddNumberToObject(o, "passed", (double)v->passed);
	cJSON_AddNumberToObject(o, "failed", (double)v->failed);
	cJSON_AddNumberToObject(o, "errors", (double)v->errors);
	add_num(o, "pass_rate", v->cases ? (double)v->passed / (double)v->cases : NAN);
	llmops_wilson(v->passed, v->cases, Z95, &lo, &hi);
	if (ev->reps) { /* the interval that knows repeats */
		lo = ev->reps[vi].lo;
		hi = ev->reps[vi].hi;
		cJSON_AddItemToObject(o, "repeats", repeats_json(&ev->reps[vi], 1));
	}
	runfmt_add_interval(o, "pass_rate_ci95", lo, hi);
	m = cJSON_AddObjectToObject(o, "metrics");
	for (int k = 0; k < LLMOPS_METRIC_COUNT; k++)
		if (v->metric_n[k])
			cJSON_AddNumberToObject(m, llmops_metric_name(k),
						v->metric_sum[k] / (double)v->metric_n[k]);
	lat = cJSON_AddObjectToObject(o, "latency_ms");
	add_num(lat, "p50", llmops_quantile(v->lat, v->nlat, 0.50));
	add_num(lat, "p95", llmops_quantile(v->lat, v->nlat, 0.95));
	add_num(lat, "p99", llmops_quantile(v->lat, v->nlat, 0.99));
	cJSON_AddNumberToObject(lat, "requests", (double)v->nlat);
	cJSON_AddNumberToObject(o, "tokens_in", (double)v->tokens_in);
	cJSON_AddNumberToObject(o, "tokens_out", (double)v->tokens_out);
	cJSON_AddNumberToObject(o, "cost_usd", v->cost);
	cJSON_AddBoolToObject(o, "cost_known", v->price != NULL);
	cJSON_AddNumberToObject(o, "cache_hits", (double)v->cache_hits);
	return o;
}

static cJSON *result_json(const struct llmops_eval *ev, const struct llmops_eval_job *j)
{
	const struct llmops_eval_case *c = &ev->cases[j->ci];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "case", c->id);
	if (ev->nvars > 1)
		cJSON_AddStringToObject(o, "variant", ev->vars[j->vi].label);
	if (ev->repeats > 1)
		cJSON_AddNumberToObject(o, "repeat", j->rep);
	if (j->passed < 0)
		cJSON_AddNullToObject(o, "passed");
	else
		cJSON_AddBoolToObject(o, "passed", j->passed);
	if (c->metric >= 0)
		cJSON_AddStringToObject(o, "metric", llmops_metric_name(c->metric));
	add_num(o, "score", j->score);
	add_num(o, "threshold", c->metric >= 0 ? c->threshold : NAN);
	cJSON *sc = j->scores_json ? cJSON_Parse(j->scores_json) : NULL;
	cJSON_AddItemToObject(o, "scores", sc ? sc : cJSON_CreateObject());
	if (c->expected)
		cJSON_AddStringToObject(o, "expected", c->expected);
	else
		cJSON_AddNullToObject(o, "expected");
	if (j->output)
		cJSON_AddStringToObject(o, "output", j->output);
	else
		cJSON_AddNullToObject(o, "output");
	add_num(o, "latency_ms", j->latency_ms);
	add_num(o, "ttft_ms", j->ttft_ms);
	add_num(o, "tokens_in", j->tokens_in >= 0 ? (double)j->tokens_in : NAN);
	add_num(o, "tokens_out", j->tokens_out >= 0 ? (double)j->tokens_out : NAN);
	add_num(o, "cost_usd", j->cost);
	cJSON_AddNumberToObject(o, "attempts", j->attempts);
	cJSON_AddBoolToObject(o, "cache_hit", j->cache_hit);
	if (j->error)
		cJSON_AddStringToObject(o, j->passed < 0 ? "error" : "reason", j->error);
	return o;
}

cJSON *eval_summary_json(const struct llmops_eval *ev)
{
	cJSON *o = cJSON_CreateObject(), *vs, *fl, *g;
	struct llmops_eval_totals t;
	llmops_eval_totals(ev, &t);
	cJSON_AddStringToObject(o, "run", ev->run_id);
	cJSON_AddStringToObject(o, "dataset", ev->ds.label);
	cJSON_AddStringToObject(o, "dataset_sha256", ev->ds.sha256);
	cJSON_AddNumberToObject(o, "cases", (double)ev->ncases);
	cJSON_AddNumberToObject(o, "total", (double)t.cases); /* cases x variants x repeats */
	if (ev->repeats > 1)
		cJSON_AddNumberToObject(o, "repeat", ev->repeats);
	cJSON_AddNumberToObject(o, "passed", (double)t.passed);
	add_num(o, "pass_rate", t.cases ? t.rate : NAN);
	cJSON_AddNumberToObject(o, "cost_usd", t.cost);
	cJSON_AddNumberToObject(o, "redactions", (double)ev->redactions);
	if (ev->resumed)
		cJSON_AddNumberToObject(o, "resumed_results", (double)ev->restored);
	vs = cJSON_AddArrayToObject(o, "variants");
	for (size_t i = 0; i < ev->nvars; i++)
		cJSON_AddItemToArray(vs, variant_json(ev, i));
	g = cJSON_AddObjectToObject(o, "gate");
	cJSON_AddNumberToObject(g, "min_pass_rate", ev->min_pass_rate);
	add_num(g, "max_cost_usd", ev->max_cost >= 0 ? ev->max_cost : NAN);
	cJSON_AddBoolToObject(g, "passed", t.gate_ok && t.cases == (long)ev->njobs);
	cJSON *base = eval_baseline_json(ev);
	if (base)
		cJSON_AddItemToObject(o, "baseline", base);
	fl = cJSON_AddArrayToObject(o, "failures");
	for (size_t i = 0; i < ev->njobs; i++)
		if (ev->jobs[i].finished && ev->jobs[i].passed != 1)
			cJSON_AddItemToArray(fl, result_json(ev, &ev->jobs[i]));
	return o;
}

/* ------------------------------------------------------------------ text */

static int term_width(void)
{
	struct winsize ws;
	if (isatty(1) && !ioctl(1, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 100;
}

/* The next line of at most w display columns from *s (code points, not bytes). */
static int take_line(const char **s, char *out, size_t cap, int w)
{
	const char *p = *s;
	size_t o = 0;
	int cols = 0;
	if (!*p)
		return 0;
	while (*p && *p != '\n' && cols < w && o + 5 < cap) {
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80)
			n++;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		cols++;
	}
	if (*p == '\n')
		p++;
	out[o] = 0;
	*s = p;
	return cols ? cols : 1;
}

static void side_by_side(const char *left, const char *right, int width)
{
	int half = (width - 7) / 2;
	char a[1024], b[1024];
	const char *l = left ? left : "(none)", *r = right ? right : "(none)";
	printf("      %-*s | %s\n", half, "expected", "output");
	for (int line = 0; line < 8 && (*l || *r); line++) {
		int ca = take_line(&l, a, sizeof(a), half);
		if (!ca)
			a[0] = 0;
		if (!take_line(&r, b, sizeof(b), half))
			b[0] = 0;
		printf("      %s%*s | %s\n", a, half - (ca ? ca : 0), "", b);
	}
	if (*l || *r)
		printf("      %*s | ...\n", half, "...");
}

/* The variants side by side: one column each. */
static void print_comparison(const struct llmops_eval *ev)
{
	printf("\n  %-14s", "");
	for (size_t i = 0; i < ev->nvars; i++)
		printf(" | %-22.22s", ev->vars[i].label);
	printf("\n  %-14s", "pass rate");
	for (size_t i = 0; i < ev->nvars; i++) {
		const struct llmops_eval_variant *v = &ev->vars[i];
		printf(" | %5.1f%% (%ld/%ld)%*s",
		       v->cases ? 100.0 * (double)v->passed / (double)v->cases : 0.0, v->passed,
		       v->cases, 1, "");
	}
	for (int k = 0; k < LLMOPS_METRIC_COUNT; k++) {
		int any = 0;
		for (size_t i = 0; i < ev->nvars; i++)
			any |= ev->vars[i].metric_n[k] > 0;
		if (!any)
			continue;
		printf("\n  %-14s", llmops_metric_name(k));
		for (size_t i = 0; i < ev->nvars; i++) {
			const struct llmops_eval_variant *v = &ev->vars[i];
			if (v->metric_n[k])
				printf(" | %-22.3f", v->metric_sum[k] / (double)v->metric_n[k]);
			else
				printf(" | %-22s", "-");
		}
	}
	printf("\n  %-14s", "latency p50");
	for (size_t i = 0; i < ev->nvars; i++) {
		struct llmops_eval_variant *v = (struct llmops_eval_variant *)&ev->vars[i];
		if (v->nlat)
			printf(" | %-19.0f ms", llmops_quantile(v->lat, v->nlat, 0.5));
		else
			printf(" | %-22s", "-");
	}
	printf("\n  %-14s", "cost");
	for (size_t i = 0; i < ev->nvars; i++)
		printf(" | $%-21.6f", ev->vars[i].cost);
	printf("\n");
}

/* The flaky cases of every variant, the first 20. */
static void print_flaky(const struct llmops_eval *ev, long nflaky, const char *bold, const char *reset)
{
	size_t shown = 0;
	printf("\n%sflaky cases%s (%ld: passed on some repeats, failed on others)\n", bold, reset,
	       nflaky);
	for (size_t i = 0; i < ev->nvars && shown < 20; i++)
		repeats_print_flaky(&ev->reps[i], "  ", ev->nvars > 1 ? ev->vars[i].label : NULL,
				    20, &shown);
	if ((size_t)nflaky > shown)
		printf("  ... and %zu more (--format json has them all)\n", (size_t)nflaky - shown);
}

void eval_print_text(const struct llmops_eval *ev, int color)
{
	const char *red = color ? LLMOPS_SGR_RED : "", *green = color ? LLMOPS_SGR_GREEN : "";
	const char *bold = color ? LLMOPS_SGR_BOLD : "", *reset = color ? LLMOPS_SGR_RESET : "";
	struct llmops_eval_totals t;
	int width = term_width();
	llmops_eval_totals(ev, &t);
	printf("%seval%s %s: %s, %zu cases x %zu variant%s", bold, reset, ev->run_id, ev->ds.label,
	       ev->ncases, ev->nvars, ev->nvars == 1 ? "" : "s");
	if (ev->repeats > 1)
		printf(" x %d repeats", ev->repeats);
	printf("\n");
	long nflaky = 0;
	for (size_t i = 0; i < ev->nvars; i++) {
		struct llmops_eval_variant *v = (struct llmops_eval_variant *)&ev->vars[i];
		double lo, hi;
		printf("\n  %s%s%s\n", bold, v->label, reset);
		if (ev->reps) {
			repeats_print(&ev->reps[i], "    ", green, red, reset);
			nflaky += ev->reps[i].flaky;
		} else {
			llmops_wilson(v->passed, v->cases, Z95, &lo, &hi);
			printf("    passed  %s%ld/%ld%s (%.1f%%, 95%% CI %.1f%%-%.1f%%)",
			       v->passed == v->cases ? green : red, v->passed, v->cases, reset,
			       v->cases ? 100.0 * (double)v->passed / (double)v->cases : 0.0,
			       100 * lo, 100 * hi);
			printf(", %ld failed, %ld errors\n", v->failed, v->errors);
		}
		printf("    metrics");
		int any = 0;
		for (int k = 0; k < LLMOPS_METRIC_COUNT; k++)
			if (v->metric_n[k]) {
				printf("%s %s %.3f", any ? "," : "", llmops_metric_name(k),
				       v->metric_sum[k] / (double)v->metric_n[k]);
				any = 1;
			}
		printf("%s\n", any ? "" : " (none: assertions only)");
		if (v->nlat)
			printf("    latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%zu requests)\n",
			       llmops_quantile(v->lat, v->nlat, 0.5),
			       llmops_quantile(v->lat, v->nlat, 0.95),
			       llmops_quantile(v->lat, v->nlat, 0.99), v->nlat);
		else
			printf("    latency (no requests sent)\n");
		printf("    tokens  %ld in, %ld out; cost $%.6f%s; cache hits %ld\n", v->tokens_in,
		       v->tokens_out, v->cost, v->price ? "" : " (no price for this model)",
		       v->cache_hits);
	}
	if (ev->nvars > 1)
		print_comparison(ev);
	if (nflaky)
		print_flaky(ev, nflaky, bold, reset);
	size_t shown = 0, failing = 0;
	for (size_t i = 0; i < ev->njobs; i++)
		failing += ev->jobs[i].finished && ev->jobs[i].passed != 1;
	if (failing)
		printf("\n%sfailing cases%s (%zu)\n", bold, reset, failing);
	for (size_t i = 0; i < ev->njobs && shown < 20; i++) {
		const struct llmops_eval_job *j = &ev->jobs[i];
		const struct llmops_eval_case *c = &ev->cases[j->ci];
		if (!j->finished || j->passed == 1)
			continue;
		shown++;
		char rep[24] = "";
		if (ev->repeats > 1)
			snprintf(rep, sizeof(rep), " #%d", j->rep);
		printf("  %s%s%s%s%s%s: %s%s%s\n", bold, c->id, rep, reset,
		       ev->nvars > 1 ? " on " : "", ev->nvars > 1 ? ev->vars[j->vi].label : "",
		       j->passed < 0 ? red : "", j->error ? j->error : "failed",
		       j->passed < 0 ? reset : "");
		if (j->passed >= 0)
			side_by_side(c->expected, j->output, width);
	}
	if (failing > shown)
		printf("  ... and %zu more (-o FILE has them all)\n", failing - shown);
	printf("\ngate: %s%s%s (pass rate %.1f%%, minimum %.1f%%", t.gate_ok ? green : red,
	       t.gate_ok ? "passed" : "failed", reset, 100 * t.rate, 100 * ev->min_pass_rate);
	if (ev->max_cost >= 0)
		printf("; cost $%.6f, maximum $%.6f", t.cost, ev->max_cost);
	printf(")\n");
}

/* ---------------------------------------------------------------- reports */

static void write_csv(FILE *f, const struct llmops_eval *ev)
{
	fputs("case,variant,repeat,passed,metric,score,threshold,latency_ms,ttft_ms,tokens_in,"
	      "tokens_out,"
	      "cost_usd,attempts,cache_hit,reason,expected,output\r\n",
	      f);
	for (size_t i = 0; i < ev->njobs; i++) {
		const struct llmops_eval_job *j = &ev->jobs[i];
		const struct llmops_eval_case *c = &ev->cases[j->ci];
		if (!j->finished)
			continue;
		runfmt_csv_field(f, c->id);
		fputc(',', f);
		runfmt_csv_field(f, ev->nvars > 1 ? ev->vars[j->vi].label : "");
		fprintf(f, ",%d,%s,", j->rep,
			j->passed < 0 ? "error"
			: j->passed   ? "true"
				      : "false");
		runfmt_csv_field(f, c->metric >= 0 ? llmops_metric_name(c->metric) : "");
		fputc(',', f);
		runfmt_csv_num(f, j->score, "%.6f");
		fputc(',', f);
		runfmt_csv_num(f, c->metric >= 0 ? c->threshold : NAN, "%g");
		fputc(',', f);
		runfmt_csv_num(f, j->latency_ms, "%.1f");
		fputc(',', f);
		runfmt_csv_num(f, j->ttft_ms, "%.1f");
		fputc(',', f);
		runfmt_csv_num(f, j->tokens_in >= 0 ? (double)j->tokens_in : NAN, "%.0f");
		fputc(',', f);
		runfmt_csv_num(f, j->tokens_out >= 0 ? (double)j->tokens_out : NAN, "%.0f");
		fputc(',', f);
		runfmt_csv_num(f, j->cost, "%.8f");
		fprintf(f, ",%d,%s,", j->attempts, j->cache_hit ? "true" : "false");
		runfmt_csv_field(f, j->error);
		fputc(',', f);
		runfmt_csv_field(f, c->expected);
		fputc(',', f);
		runfmt_csv_field(f, j->output);
		fputs("\r\n", f);
	}
}

static void write_junit(FILE *f, const struct llmops_eval *ev)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"llmops eval\">\n", f);
	for (size_t vi = 0; vi < ev->nvars; vi++) {
		const struct llmops_eval_variant *v = &ev->vars[vi];
		double time = 0;
		for (size_t i = 0; i < ev->njobs; i++)
			if (ev->jobs[i].vi == vi && !isnan(ev->jobs[i].latency_ms))
				time += ev->jobs[i].latency_ms / 1000.0;
		fputs("  <testsuite name=\"", f);
		runfmt_xml_text(f, v->label);
		fprintf(f, "\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" time=\"%.3f\">\n",
			v->cases, v->failed, v->errors, time);
		for (size_t i = 0; i < ev->njobs; i++) {
			const struct llmops_eval_job *j = &ev->jobs[i];
			const struct llmops_eval_case *c = &ev->cases[j->ci];
			if (j->vi != vi || !j->finished)
				continue;
			fputs("    <testcase classname=\"", f);
			runfmt_xml_text(f, ev->ds.label);
			fputs("\" name=\"", f);
			runfmt_xml_text(f, c->id);
			if (ev->repeats > 1) /* names stay unique: one testcase per repeat */
				fprintf(f, " #%d", j->rep);
			fprintf(f, "\" time=\"%.3f\"",
				isnan(j->latency_ms) ? 0.0 : j->latency_ms / 1000.0);
			if (j->passed == 1) {
				fputs("/>\n", f);
				continue;
			}
			fprintf(f, ">\n      <%s message=\"", j->passed < 0 ? "error" : "failure");
			runfmt_xml_text(f, j->error ? j->error : "failed");
			fputs("\">", f);
			if (j->passed == 0) {
				fputs("expected:\n", f);
				runfmt_xml_text(f, c->expected ? c->expected : "(none)");
				fputs("\n\noutput:\n", f);
				runfmt_xml_text(f, j->output ? j->output : "");
			}
			fprintf(f, "</%s>\n    </testcase>\n", j->passed < 0 ? "error" : "failure");
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

static void write_markdown(FILE *f, const struct llmops_eval *ev)
{
	fprintf(f, "## llmops eval `%s`\n\nDataset `%s`, %zu cases", ev->run_id, ev->ds.label,
		ev->ncases);
	if (ev->repeats > 1)
		fprintf(f, ", each run %d times", ev->repeats);
	fputs(".\n\n", f);
	long nflaky = 0;
	fputs("| variant | passed | pass rate (95% CI) | metrics | p50 / p95 latency | tokens in / "
	      "out | cost |\n| --- | --- | --- | --- | --- | --- | --- |\n",
	      f);
	for (size_t i = 0; i < ev->nvars; i++) {
		struct llmops_eval_variant *v = (struct llmops_eval_variant *)&ev->vars[i];
		double lo, hi;
		llmops_wilson(v->passed, v->cases, Z95, &lo, &hi);
		if (ev->reps) { /* the interval that knows repeats */
			lo = ev->reps[i].lo;
			hi = ev->reps[i].hi;
			nflaky += ev->reps[i].flaky;
		}
		fputs("| ", f);
		runfmt_md_cell(f, v->label, 200);
		fprintf(f, " | %ld/%ld | %.1f%% (%.1f-%.1f%%) | ", v->passed, v->cases,
			v->cases ? 100.0 * (double)v->passed / (double)v->cases : 0.0, 100 * lo,
			100 * hi);
		for (int k = 0, any = 0; k < LLMOPS_METRIC_COUNT; k++)
			if (v->metric_n[k]) {
				fprintf(f, "%s%s %.3f", any++ ? ", " : "", llmops_metric_name(k),
					v->metric_sum[k] / (double)v->metric_n[k]);
			}
		if (v->nlat)
			fprintf(f, " | %.0f / %.0f ms", llmops_quantile(v->lat, v->nlat, 0.5),
				llmops_quantile(v->lat, v->nlat, 0.95));
		else
			fputs(" | -", f);
		fprintf(f, " | %ld / %ld | $%.6f |\n", v->tokens_in, v->tokens_out, v->cost);
	}
	if (nflaky) {
		fprintf(f,
			"\n### Flaky cases (%ld)\n\n| case | variant | passed | score (sd, range) "
			"|\n"
			"| --- | --- | --- | --- |\n",
			nflaky);
		for (size_t i = 0; i < ev->nvars; i++)
			repeats_markdown_rows(f, &ev->reps[i], ev->vars[i].label);
	}
	size_t nf = 0;
	for (size_t i = 0; i < ev->njobs; i++)
		nf += ev->jobs[i].finished && ev->jobs[i].passed != 1;
	if (!nf) {
		fputs("\nEvery case passed.\n", f);
		return;
	}
	fprintf(f,
		"\n### Failing cases (%zu)\n\n| case | score | why | expected | output |\n"
		"| --- | --- | --- | --- | --- |\n",
		nf);
	for (size_t i = 0; i < ev->njobs; i++) {
		const struct llmops_eval_job *j = &ev->jobs[i];
		if (!j->finished || j->passed == 1)
			continue;
		fputs("| ", f);
		runfmt_md_cell(f, ev->cases[j->ci].id, 100);
		if (ev->repeats > 1)
			fprintf(f, " #%d", j->rep);
		if (isnan(j->score))
			fputs(" | - | ", f);
		else
			fprintf(f, " | %.3f | ", j->score);
		runfmt_md_cell(f, j->error, 200);
		fputs(" | ", f);
		runfmt_md_cell(f, ev->cases[j->ci].expected, 200);
		fputs(" | ", f);
		runfmt_md_cell(f, j->output, 200);
		fputs(" |\n", f);
	}
}

int eval_write_report(struct llmops_eval *ev, const char *path, const char *format)
{
	struct outfile of;
	FILE *f;
	int rc = outfile_open(&of, path, "eval: -o");
	if (rc)
		return rc;
	f = of.f;
	if (!strcmp(format, "json")) {
		cJSON *o = eval_summary_json(ev), *rs = cJSON_AddArrayToObject(o, "results");
		for (size_t i = 0; i < ev->njobs; i++)
			if (ev->jobs[i].finished)
				cJSON_AddItemToArray(rs, result_json(ev, &ev->jobs[i]));
		llmops_emit(f, o, LLMOPS_FORMAT_JSON);
		cJSON_Delete(o);
	} else if (!strcmp(format, "jsonl")) {
		for (size_t i = 0; i < ev->njobs; i++) {
			if (!ev->jobs[i].finished)
				continue;
			cJSON *o = result_json(ev, &ev->jobs[i]);
			cJSON_AddStringToObject(o, "run", ev->run_id);
			char *s = cJSON_PrintUnformatted(o);
			if (s)
				fprintf(f, "%s\n", s);
			free(s);
			cJSON_Delete(o);
		}
	} else if (!strcmp(format, "csv")) {
		write_csv(f, ev);
	} else if (!strcmp(format, "junit")) {
		write_junit(f, ev);
	} else {
		write_markdown(f, ev);
	}
	return outfile_close(&of, "eval: -o");
}
