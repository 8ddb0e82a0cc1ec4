/*
 * results.c - a run's results one row per result (see results.h).
 */
#include "results.h"

#include "json.h"

#include "runfmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int data_each(void *ud, int (*fn)(const struct llmops_result *r, void *fnud), void *fnud)
{
	const struct llmops_run_data *d = ud;
	for (size_t i = 0; i < d->n; i++) {
		int rc = fn(&d->results[i], fnud);
		if (rc)
			return rc;
	}
	return 0;
}

void llmops_results_src_data(struct llmops_results_src *src, const struct llmops_run_data *d)
{
	memset(src, 0, sizeof(*src));
	src->each = data_each;
	src->ud = (void *)d;
	src->run_id = d->run->id;
	src->dataset = d->run->dataset_path;
	src->repeated = llmops_run_data_repeated(d);
}

cJSON *llmops_results_json(const struct llmops_result *r, int with_text, int repeated)
{
	cJSON *o = cJSON_CreateObject(), *sc;
	cJSON_AddStringToObject(o, "case", r->case_id);
	if (r->variant && *r->variant)
		cJSON_AddStringToObject(o, "variant", r->variant);
	if (repeated || r->repeat_index)
		cJSON_AddNumberToObject(o, "repeat", r->repeat_index);
	if (r->passed < 0)
		cJSON_AddNullToObject(o, "passed");
	else
		cJSON_AddBoolToObject(o, "passed", r->passed);
	cJSON_AddStringToObject(o, "outcome", llmops_runfmt_verdict(r->passed));
	llmops_runfmt_add_str(o, "provider", r->provider);
	llmops_runfmt_add_str(o, "model", r->model);
	if (r->metric)
		cJSON_AddStringToObject(o, "metric", r->metric);
	llmops_runfmt_add_num(o, "score", r->score);
	llmops_runfmt_add_num(o, "threshold", r->threshold);
	sc = r->scores_json ? cJSON_Parse(r->scores_json) : NULL;
	cJSON_AddItemToObject(o, "scores", sc ? sc : cJSON_CreateObject());
	LLMOPS_JSON_NUMS(o, {"latency_ms", r->latency_ms}, {"ttft_ms", r->ttft_ms},
			 {"tokens_in", r->tokens_in >= 0 ? (double)r->tokens_in : NAN},
			 {"tokens_out", r->tokens_out >= 0 ? (double)r->tokens_out : NAN},
			 {"cost_usd", r->cost_usd});
	cJSON *jv = r->judge ? cJSON_Parse(r->judge) : NULL;
	if (jv) /* the judge's verdict, and what it cost apart from cost_usd */
		cJSON_AddItemToObject(o, "judge", jv);
	cJSON *steps = r->steps ? cJSON_Parse(r->steps) : NULL;
	if (steps) /* a tool loop: each request, its calls and the tools' results */
		cJSON_AddItemToObject(o, "steps", steps);
	cJSON *tiers = r->tiers ? cJSON_Parse(r->tiers) : NULL;
	if (tiers) /* a cascade: each tier's answer on the way up */
		cJSON_AddItemToObject(o, "tiers", tiers);
	cJSON_AddNumberToObject(o, "attempts", r->attempts);
	cJSON_AddBoolToObject(o, "cache_hit", r->cache_hit);
	if (r->error)
		cJSON_AddStringToObject(o, r->passed == LLMOPS_ERRORED ? "error" : "reason",
					r->error);
	if (with_text) {
		llmops_runfmt_add_str(o, "expected", r->expected);
		llmops_runfmt_add_str(o, "output", r->output);
		llmops_runfmt_add_str(o, "input", r->input);
	}
	return o;
}

/* ------------------------------------------------------------------- CSV */

const char llmops_results_csv_columns[] =
	"case,variant,repeat,outcome,metric,score,threshold,latency_ms,ttft_ms,tokens_in,"
	"tokens_out,cost_usd,attempts,cache_hit,reason,expected,output";

void llmops_results_csv_cells(FILE *f, const struct llmops_result *x)
{
	llmops_runfmt_csv_field(f, x->case_id);
	fputc(',', f);
	llmops_runfmt_csv_field(f, x->variant);
	fprintf(f, ",%d,%s,", x->repeat_index, llmops_runfmt_verdict(x->passed));
	llmops_runfmt_csv_field(f, x->metric);
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->score, "%.6f");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->threshold, "%g");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->latency_ms, "%.1f");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->ttft_ms, "%.1f");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->tokens_in >= 0 ? (double)x->tokens_in : NAN, "%.0f");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->tokens_out >= 0 ? (double)x->tokens_out : NAN, "%.0f");
	fputc(',', f);
	llmops_runfmt_csv_num(f, x->cost_usd, "%.8f");
	fprintf(f, ",%d,%s,", x->attempts, x->cache_hit ? "true" : "false");
	llmops_runfmt_csv_field(f, x->error);
	fputc(',', f);
	llmops_runfmt_csv_field(f, x->expected);
	fputc(',', f);
	llmops_runfmt_csv_field(f, x->output);
}

static int csv_row(const struct llmops_result *x, void *ud)
{
	FILE *f = ud;
	llmops_results_csv_cells(f, x);
	fputc(',', f); /* who answered: export has it among its run's columns */
	llmops_runfmt_csv_field(f, x->provider);
	fputc(',', f);
	llmops_runfmt_csv_field(f, x->model);
	fputs("\r\n", f);
	return 0;
}

int llmops_results_csv(FILE *f, const struct llmops_results_src *src)
{
	fprintf(f, "%s,provider,model\r\n", llmops_results_csv_columns);
	return src->each(src->ud, csv_row, f);
}

/* ----------------------------------------------------------------- JSONL */

struct jsonl {
	FILE *f;
	const struct llmops_results_src *src;
};

static int jsonl_row(const struct llmops_result *x, void *ud)
{
	const struct jsonl *j = ud;
	cJSON *o = llmops_results_json(x, 1, j->src->repeated);
	cJSON_AddStringToObject(o, "run", j->src->run_id);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		return LLMOPS_E_NOMEM;
	fprintf(j->f, "%s\n", s);
	free(s);
	return 0;
}

int llmops_results_jsonl(FILE *f, const struct llmops_results_src *src)
{
	struct jsonl j = {f, src};
	return src->each(src->ud, jsonl_row, &j);
}

/* ----------------------------------------------------------------- JUnit */

struct suite {
	char *variant;
	long tests, failures, errors, skipped;
	double time;
};

struct junit {
	FILE *f;
	const struct llmops_results_src *src;
	struct suite *s;
	size_t n;
	const char *only; /* the second pass: this variant's rows */
};

static int junit_count(const struct llmops_result *x, void *ud)
{
	struct junit *j = ud;
	const char *v = x->variant ? x->variant : "";
	size_t i = 0;
	while (i < j->n && strcmp(j->s[i].variant, v))
		i++;
	if (i == j->n) {
		struct suite *s = realloc(j->s, (j->n + 1) * sizeof(*s));
		if (!s)
			return LLMOPS_E_NOMEM;
		j->s = s;
		memset(&s[i], 0, sizeof(*s));
		if (!(s[i].variant = strdup(v)))
			return LLMOPS_E_NOMEM;
		j->n++;
	}
	j->s[i].tests++;
	j->s[i].failures += x->passed == 0;
	j->s[i].errors += x->passed == LLMOPS_ERRORED;
	j->s[i].skipped += x->passed == LLMOPS_SKIPPED;
	if (!isnan(x->latency_ms))
		j->s[i].time += x->latency_ms / 1000.0;
	return 0;
}

static int junit_row(const struct llmops_result *x, void *ud)
{
	const struct junit *j = ud;
	FILE *f = j->f;
	if (strcmp(x->variant ? x->variant : "", j->only))
		return 0;
	fputs("    <testcase classname=\"", f);
	llmops_runfmt_xml_text(f, j->src->dataset ? j->src->dataset : j->src->run_id);
	fputs("\" name=\"", f);
	llmops_runfmt_xml_text(f, x->case_id);
	if (j->src->repeated) /* names stay unique: one testcase per repeat */
		fprintf(f, " #%d", x->repeat_index);
	fprintf(f, "\" time=\"%.3f\"", isnan(x->latency_ms) ? 0.0 : x->latency_ms / 1000.0);
	if (x->passed == 1) {
		fputs("/>\n", f);
		return 0;
	}
	if (x->passed == LLMOPS_SKIPPED) {
		fputs(">\n      <skipped message=\"", f);
		llmops_runfmt_xml_text(f, x->error ? x->error : "not sent");
		fputs("\"/>\n    </testcase>\n", f);
		return 0;
	}
	fprintf(f, ">\n      <%s message=\"", x->passed < 0 ? "error" : "failure");
	llmops_runfmt_xml_text(f, x->error ? x->error : "failed");
	fputs("\">", f);
	if (x->passed == 0) {
		fputs("expected:\n", f);
		llmops_runfmt_xml_text(f, x->expected ? x->expected : "(none)");
		fputs("\n\noutput:\n", f);
		llmops_runfmt_xml_text(f, x->output ? x->output : "");
	}
	fprintf(f, "</%s>\n    </testcase>\n", x->passed < 0 ? "error" : "failure");
	return 0;
}

int llmops_results_junit(FILE *f, const struct llmops_results_src *src)
{
	struct junit j = {f, src, NULL, 0, NULL};
	int rc = src->each(src->ud, junit_count, &j);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"llmops run ", f);
	llmops_runfmt_xml_text(f, src->run_id);
	fputs("\">\n", f);
	for (size_t i = 0; !rc && i < j.n; i++) {
		const struct suite *s = &j.s[i];
		fputs("  <testsuite name=\"", f);
		llmops_runfmt_xml_text(f, *s->variant ? s->variant
						      : (src->dataset ? src->dataset : ""));
		fprintf(f,
			"\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\" "
			"time=\"%.3f\">\n",
			s->tests, s->failures, s->errors, s->skipped, s->time);
		j.only = s->variant;
		rc = src->each(src->ud, junit_row, &j);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	for (size_t i = 0; i < j.n; i++)
		free(j.s[i].variant);
	free(j.s);
	return rc;
}

/* -------------------------------------------------------------- Markdown */

struct md {
	FILE *f;
	const struct llmops_results_src *src;
	long n;
};

static int md_count(const struct llmops_result *x, void *ud)
{
	((struct md *)ud)->n += x->passed != 1;
	return 0;
}

static int md_row(const struct llmops_result *x, void *ud)
{
	const struct md *m = ud;
	FILE *f = m->f;
	if (x->passed == 1)
		return 0;
	fputs("| ", f);
	llmops_runfmt_md_cell(f, x->case_id, 100);
	if (m->src->repeated)
		fprintf(f, " #%d", x->repeat_index);
	if (x->variant && *x->variant) {
		fputs(" on ", f);
		llmops_runfmt_md_cell(f, x->variant, 100);
	}
	if (isnan(x->score))
		fputs(" | - | ", f);
	else
		fprintf(f, " | %.3f | ", x->score);
	llmops_runfmt_md_cell(f, x->error, 200);
	fputs(" | ", f);
	llmops_runfmt_md_cell(f, x->expected, 200);
	fputs(" | ", f);
	char *ans = llmops_runfmt_answered(x->steps, x->output);
	llmops_runfmt_md_cell(f, ans ? ans : x->output, 400);
	free(ans);
	fputs(" |\n", f);
	return 0;
}

long llmops_results_markdown_failing(FILE *f, const struct llmops_results_src *src,
				     const char *title)
{
	struct md m = {f, src, 0};
	if (src->each(src->ud, md_count, &m))
		return -1;
	if (!m.n) {
		fputs("\nEvery case passed.\n", f);
		return 0;
	}
	fprintf(f,
		"\n### %s (%ld)\n\n| case | score | why | expected | output |\n"
		"| --- | --- | --- | --- | --- |\n",
		title, m.n);
	return src->each(src->ud, md_row, &m) ? -1 : m.n;
}
