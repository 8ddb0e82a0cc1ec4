/*
 * report.c - a run as one document (report.h): the Markdown written here,
 * the HTML page in report_html.c, the rest from results.h and runview.h.
 */
#include "report.h"

#include "json.h"
#include "repeats_view.h"
#include "results.h"
#include "runfmt.h"
#include "runview.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const llmops_report_formats[] = {"html",  "json",	  "jsonl", "csv",
					     "junit", "markdown", NULL};

const char *llmops_report_format_for(const char *path)
{
	static const struct {
		const char *ext, *fmt;
	} map[] = {{".html", "html"},	{".htm", "html"},     {".json", "json"},
		   {".jsonl", "jsonl"}, {".ndjson", "jsonl"}, {".csv", "csv"},
		   {".xml", "junit"},	{".md", "markdown"},  {".markdown", "markdown"}};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(dot, map[i].ext))
			return map[i].fmt;
	return NULL;
}

/* A number member of o, NAN when it is not one (the outcome may come from a fetched ledger). */
static double num(const cJSON *o, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(x) ? x->valuestring : "-";
}

static void md_num(FILE *f, double x, const char *fmt)
{
	if (isnan(x))
		fputs("-", f);
	else
		fprintf(f, fmt, x);
}

/* One row of the variants table (the outcome's "variants"). */
static void md_variant(FILE *f, const cJSON *v)
{
	const cJSON *ci = cJSON_GetObjectItemCaseSensitive(v, "pass_rate_ci95"), *m, *lat;
	double rate = num(v, "pass_rate");
	fputs("| ", f);
	llmops_runfmt_md_cell(f, str(v, "variant"), 200);
	fputs(" | ", f);
	md_num(f, num(v, "passed"), "%.0f");
	fputs("/", f);
	md_num(f, num(v, "cases"), "%.0f");
	fputs(" | ", f);
	md_num(f, 100 * rate, "%.1f%%");
	if (cJSON_GetArraySize(ci) == 2 && cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1)))
		fprintf(f, " (%.1f-%.1f%%)", 100 * cJSON_GetArrayItem(ci, 0)->valuedouble,
			100 * cJSON_GetArrayItem(ci, 1)->valuedouble);
	fputs(" | ", f);
	int any = 0;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(v, "metrics"))
		if (cJSON_IsNumber(m) && m->string) {
			fputs(any++ ? ", " : "", f);
			llmops_runfmt_md_cell(f, m->string, 40);
			fprintf(f, " %.3f", m->valuedouble);
		}
	lat = cJSON_GetObjectItemCaseSensitive(v, "latency_ms");
	fputs(" | ", f);
	if (isnan(num(lat, "p50")) || isnan(num(lat, "p95")))
		fputs("-", f);
	else
		fprintf(f, "%.0f / %.0f ms", num(lat, "p50"), num(lat, "p95"));
	fputs(" | ", f);
	md_num(f, num(v, "tokens_in"), "%.0f");
	fputs(" / ", f);
	md_num(f, num(v, "tokens_out"), "%.0f");
	fputs(" | ", f);
	md_num(f, num(v, "cost_usd"), "$%.6f");
	fputs(" |\n", f);
}

/* The variants an evaluation ran, with latency percentiles over requests. */
static void md_variants(FILE *f, const cJSON *vs)
{
	const cJSON *v;
	if (!cJSON_IsArray(vs) || !cJSON_GetArraySize(vs))
		return;
	fputs("\n| variant | passed | pass rate (95% CI) | metrics | p50 / p95 latency per request "
	      "| tokens in / out | cost |\n| --- | --- | --- | --- | --- | --- | --- |\n",
	      f);
	cJSON_ArrayForEach (v, vs)
		if (cJSON_IsObject(v))
			md_variant(f, v);
}

/* judge:pairwise: the second variant against the first (the outcome's "pairwise"). */
static void md_pairwise(FILE *f, const cJSON *pw)
{
	if (!cJSON_IsObject(pw))
		return;
	const char *finding = str(pw, "finding");
	fputs("\n### Pairwise (", f);
	llmops_runfmt_md_cell(f, str(pw, "rubric"), 200);
	fputs(")\n\n", f);
	llmops_runfmt_md_cell(f, str(pw, "variant"), 200);
	fputs(" against ", f);
	llmops_runfmt_md_cell(f, str(pw, "against"), 200);
	fprintf(f,
		": %.0f wins, %.0f ties (%.0f where the orders disagreed), %.0f losses; sign "
		"test p = %.4g: %s.\n",
		num(pw, "wins"), num(pw, "ties"), num(pw, "ties_inconsistent"), num(pw, "losses"),
		num(pw, "p_value"),
		!strcmp(finding, "better")  ? "preferred"
		: !strcmp(finding, "worse") ? "worse"
					    : "no significant difference");
}

/* One variant's repeats as Markdown: the figures and the flaky cases. */
static void markdown_repeats(const char *variant, const struct llmops_repeats *r, void *ud)
{
	FILE *f = ud;
	fputs("\n### Repeats", f);
	if (*variant) {
		fputs(" of ", f);
		llmops_runfmt_md_cell(f, variant, 200);
	}
	fprintf(f,
		"\n\n%zu cases x %d repeats, %ld flaky; pass rate %.1f%% (95%% CI %.1f-%.1f%%, "
		"counting cases, not repeats)",
		r->ncases, r->max_runs, r->flaky, 100 * r->rate, 100 * r->lo, 100 * r->hi);
	if (r->nks)
		fprintf(f, "; pass@%d %.3f, pass^%d %.3f", r->ks[r->nks - 1].k,
			r->ks[r->nks - 1].pass_at_k, r->ks[r->nks - 1].k,
			r->ks[r->nks - 1].pass_hat_k);
	fputs(".\n", f);
	if (!r->flaky)
		return;
	fprintf(f,
		"\n#### Flaky cases (%ld)\n\n| case | variant | passed | score (sd, range) |\n"
		"| --- | --- | --- | --- |\n",
		r->flaky);
	llmops_repeats_markdown_rows(f, r, variant);
}

static void write_markdown(FILE *f, const struct llmops_report *r)
{
	const struct llmops_run *u = r->run->run;
	char prompt[256], model[256];
	double lo, hi;
	llmops_runfmt_prompt(u, prompt, sizeof(prompt));
	llmops_runfmt_model(u, model, sizeof(model));
	llmops_wilson((long)u->passed, (long)u->cases, 1.959963984540054, &lo, &hi);
	fprintf(f, "## llmops run `%s`\n\n| | |\n| --- | --- |\n| prompt | ", u->id);
	llmops_runfmt_md_cell(f, prompt, 200);
	fputs(" |\n| provider | ", f);
	llmops_runfmt_md_cell(f, model, 200);
	fprintf(f,
		" |\n| status | %s |\n| cases | %lld (%lld passed, %lld failed, %lld errors) |\n",
		llmops_run_status_name(u->status), (long long)u->cases, (long long)u->passed,
		(long long)u->failed, (long long)u->errored);
	int repeated = llmops_run_data_repeated(r->run);
	if (u->cases && repeated) /* the interval that counts cases is under Repeats */
		fprintf(f, "| pass rate | %.1f%% |\n",
			100.0 * (double)u->passed / (double)u->cases);
	else if (u->cases)
		fprintf(f, "| pass rate | %.1f%% (95%% CI %.1f-%.1f%%) |\n",
			100.0 * (double)u->passed / (double)u->cases, 100 * lo, 100 * hi);
	if (!isnan(u->latency_p50))
		fprintf(f, "| latency | p50 %.0f ms, p95 %.0f ms |\n", u->latency_p50,
			u->latency_p95);
	fprintf(f, "| cost | $%.6f |\n", u->cost_usd);
	cJSON *oc = u->outcome_json ? cJSON_Parse(u->outcome_json) : NULL;
	md_variants(f, cJSON_GetObjectItemCaseSensitive(oc, "variants"));
	md_pairwise(f, cJSON_GetObjectItemCaseSensitive(oc, "pairwise"));
	cJSON_Delete(oc);
	if (r->diff) {
		const struct llmops_diff *d = r->diff;
		if (d->npairs)
			fprintf(f,
				"\n### Compared with `%s`\n\n%zu paired %s: pass rate %.1f%% -> "
				"%.1f%%, %ld newly failing, %ld newly passing (exact McNemar p = "
				"%.4g).\n",
				r->vs->run->id, d->npairs,
				llmops_runfmt_plural((long)d->npairs, "case", "cases"),
				100 * d->paired_rate_a, 100 * d->paired_rate_b, d->pass_to_fail,
				d->fail_to_pass, d->mcnemar_p);
		else /* nothing to pair: no rates to compare */
			fprintf(f,
				"\n### Compared with `%s`\n\nNo case is in both runs (%zu only in "
				"that run, %zu only in this one).\n",
				r->vs->run->id, d->nonly_a, d->nonly_b);
		if (d->repeated)
			fprintf(f,
				"By case (repeats are not independent): %zu in both, %ld worse, "
				"%ld "
				"better by pass fraction, mean change %+.3f, paired t p = %.4g; "
				"%ld "
				"no longer passing every repeat.\n",
				d->ncases, d->cases_worse, d->cases_better,
				isnan(d->frac_mean) ? 0 : d->frac_mean, d->frac_p, d->cases_lost);
	}
	if (repeated)
		llmops_repeats_each_variant(r->run, markdown_repeats, f);
	struct llmops_results_src src;
	llmops_results_src_data(&src, r->run);
	(void)llmops_results_markdown_failing(f, &src, "Cases that did not pass");
}

int llmops_report_load(struct llmops_ledger *lg, const char *ref, const char *vs_ref,
		       const char *format, struct llmops_report *r, struct llmops_err *err)
{
	struct llmops_run_filter tf = {0};
	memset(r, 0, sizeof(*r));
	if (llmops_run_data_load(lg, ref, &r->run, err) ||
	    (vs_ref && llmops_run_data_load(lg, vs_ref, &r->vs, err)))
		return err->code;
	if (r->vs) {
		if (llmops_diff_runs(r->vs, r->run, NULL, &r->diff_, err))
			return err->code;
		r->diff = &r->diff_;
	}
	if (strcmp(format, "html"))
		return 0;
	/* the trend: this prompt's runs (or this dataset's, for a run of several prompts) */
	const struct llmops_run *u = r->run->run;
	tf.kind = u->kind;
	tf.prompt_name = u->prompt_name;
	if (!u->prompt_name) { /* any version of the dataset file */
		tf.dataset_path = u->dataset_path;
		tf.dataset_sha256 = u->dataset_sha256;
	}
	tf.limit = 100;
	return llmops_ledger_runs_list(lg, &tf, &r->trend, &r->ntrend, err);
}

void llmops_report_release(struct llmops_report *r)
{
	if (r->diff)
		llmops_diff_release(r->diff);
	llmops_runs_free(r->trend, r->ntrend);
	llmops_run_data_free(r->run);
	llmops_run_data_free(r->vs);
	memset(r, 0, sizeof(*r));
}

int llmops_report_write(FILE *f, const char *format, const struct llmops_report *r)
{
	struct llmops_results_src src;
	llmops_results_src_data(&src, r->run);
	if (!strcmp(format, "html"))
		return llmops_report_html(f, r);
	if (!strcmp(format, "csv"))
		return llmops_results_csv(f, &src) ? -1 : 0;
	if (!strcmp(format, "junit"))
		return llmops_results_junit(f, &src) ? -1 : 0;
	if (!strcmp(format, "jsonl"))
		return llmops_results_jsonl(f, &src) ? -1 : 0;
	if (!strcmp(format, "json")) {
		cJSON *v = llmops_run_view_json(r->run, NULL);
		char *s = v ? llmops_json_print(v) : NULL;
		cJSON_Delete(v);
		if (!s)
			return -1;
		fputs(s, f);
		fputc('\n', f);
		free(s);
		return 0;
	}
	write_markdown(f, r);
	return 0;
}
