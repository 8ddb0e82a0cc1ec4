/*
 * report_html.c - the HTML report: one file, no network (inline CSS and
 * SVG, one small inline script for the case filter, and a
 * Content-Security-Policy that forbids loading anything).
 */
#include "report.h"

#include "repeats_view.h"
#include "runfmt.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054
/* Text longer than this is cut in the case table (the ledger has it all). */
#define CELL_MAX 600
/* Newly failing or passing cases listed in a comparison, each. */
#define FLIPS_MAX 100

static void esc(FILE *f, const char *s, size_t max)
{
	size_t n = 0;
	for (; s && *s && n < max; s++, n++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
	if (s && *s) {
		/* do not cut a UTF-8 sequence in half */
		while ((*s & 0xC0) == 0x80)
			fputc(*s++, f);
		fputs("\xE2\x80\xA6", f); /* ... */
	}
}

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}"
	"h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
	"table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;vertical-align:top}"
	".kv td:first-child{color:#666}.cases{width:100%;table-layout:fixed}"
	".cases th{position:sticky;top:0;background:#f4f4f4}"
	".cases td{border-top:1px solid #eee;word-wrap:break-word;white-space:pre-wrap}"
	".cases th:nth-child(1){width:14%}.cases th:nth-child(2),.cases th:nth-child(3),"
	".cases th:nth-child(4){width:7%}"
	"tr.p td:nth-child(2){color:#1a7f37}tr.f td:nth-child(2),tr.e "
	"td:nth-child(2){color:#cf222e}tr.s td:nth-child(2),.matrix td.s{color:#666}"
	".charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0}"
	"figcaption{color:#666;font-size:12px}svg text{font-size:10px;fill:#555}"
	".bad{color:#cf222e}.good{color:#1a7f37}#q{width:300px}"
	".num,.kv td,.matrix td{white-space:nowrap}.matrix td,.matrix th{border-top:1px solid #eee}"
	".matrix td.p{color:#1a7f37}.matrix td.f,.matrix td.e{color:#cf222e}"
	".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}"
	"svg .axis{font-size:11px;fill:#333}";

/*
 * A bar chart of counts: the x axis labelled at its ends (lo, hi) and
 * titled xtitle, the y axis from 0 to the largest count, titled "results".
 */
static void bars(FILE *f, const long *v, size_t n, const char *lo, const char *hi,
		 const char *xtitle, const char *color)
{
	const int w = 420, h = 160, left = 40, bottom = 34;
	long max = 1;
	for (size_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	fprintf(f, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">", left + w,
		h + bottom, xtitle);
	for (size_t i = 0; i < n; i++) {
		double bh = (double)v[i] / (double)max * h, bw = (double)(w - 2) / (double)n;
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			"<title>%ld</title></rect>",
			left + 1 + (double)i * bw, h - bh, bw - 1, bh, color, v[i]);
	}
	fprintf(f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
		"<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
		"<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
		"text-anchor=\"end\">%s</text>"
		"<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>"
		"<text x=\"%d\" y=\"10\" text-anchor=\"end\">%ld</text>"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>"
		"<text class=\"axis\" transform=\"translate(12,%d) rotate(-90)\" "
		"text-anchor=\"middle\">results</text></svg>",
		left, h, left + w, h, left, left, h, left, h + 14, lo, left + w, h + 14, hi,
		left + w / 2, h + 30, xtitle, left - 4, max, left - 4, h, h / 2);
}

static void score_histogram(FILE *f, const struct llmops_run_data *d)
{
	long bins[20] = {0};
	for (size_t i = 0; i < d->n; i++)
		if (!isnan(d->results[i].score)) {
			int b = (int)(d->results[i].score * 20);
			bins[b > 19 ? 19 : b < 0 ? 0 : b]++;
		}
	fputs("<figure>", f);
	bars(f, bins, 20, "0", "1", "score of the gating metric", "#4c78a8");
	fputs("<figcaption>scores, 20 bins of 0.05</figcaption></figure>", f);
}

static void latency_histogram(FILE *f, const struct llmops_run_data *d)
{
	/* 24 bins, log scale from 10 ms to 100 s */
	long bins[24] = {0};
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		if (x->cache_hit || isnan(x->latency_ms))
			continue;
		double k = (log10(x->latency_ms > 10 ? x->latency_ms : 10) - 1) * 6;
		bins[k >= 23 ? 23 : (int)k]++;
		n++;
	}
	fputs("<figure>", f);
	bars(f, bins, 24, "10 ms", "100 s", "latency (log scale)", "#f58518");
	fprintf(f, "<figcaption>latency of %zu answered requests (log scale)</figcaption></figure>",
		n);
}

/* Pass rate (line) and cost (dots) of the prompt's past runs, oldest left. */
static void trend(FILE *f, const struct llmops_report *r)
{
	const int w = 520, h = 160, pad = 28;
	size_t n = r->ntrend;
	double maxc = 0;
	if (n < 2) {
		fputs("<figure><p>one run of this prompt so far: no trend yet</p></figure>", f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		maxc = r->trend[i]->cost_usd > maxc ? r->trend[i]->cost_usd : maxc;
	fprintf(f,
		"<figure><svg width=\"%d\" height=\"%d\" role=\"img\"><polyline fill=\"none\" "
		"stroke=\"#4c78a8\" stroke-width=\"2\" points=\"",
		w, h + pad);
	for (size_t k = 0; k < n; k++) {
		const struct llmops_run *u = r->trend[n - 1 - k];
		double rate = u->cases ? (double)u->passed / (double)u->cases : 0;
		fprintf(f, "%.1f,%.1f ", 4 + (double)k * (w - 8) / (double)(n - 1),
			h - rate * (h - 4));
	}
	fputs("\"/>", f);
	for (size_t k = 0; k < n; k++) {
		const struct llmops_run *u = r->trend[n - 1 - k];
		double x = 4 + (double)k * (w - 8) / (double)(n - 1);
		double rate = u->cases ? (double)u->passed / (double)u->cases : 0;
		int self = !strcmp(u->id, r->run->run->id);
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>%s: %.1f%% "
			"passed</title></circle>",
			x, h - rate * (h - 4), self ? 5 : 3, self ? "#cf222e" : "#4c78a8", u->id,
			100 * rate);
		if (maxc > 0)
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"4\" height=\"4\" "
				"fill=\"#f58518\">"
				"<title>%s: $%.6f</title></rect>",
				x - 2, h - u->cost_usd / maxc * (h - 4) - 2, u->id, u->cost_usd);
	}
	fprintf(f,
		"<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/><text x=\"0\" "
		"y=\"10\">100%%</text><text x=\"0\" y=\"%d\">oldest of %zu runs</text><text "
		"x=\"%d\" y=\"%d\" text-anchor=\"end\">newest</text></svg>",
		h, w, h, h + 14, n, w, h + 14);
	fprintf(f,
		"<figcaption class=\"legend\"><span style=\"background:#4c78a8\"></span>pass rate "
		"(0&ndash;100%%)<span style=\"background:#f58518\"></span>cost (0&ndash;$%.6f)"
		"<span style=\"background:#cf222e\"></span>this run; x: this prompt's runs, oldest "
		"first</figcaption></figure>",
		maxc);
}

/* One variant's repeats: the figures, pass@k and pass^k, the flaky cases. */
static void repeats_variant(const char *variant, const struct llmops_repeats *r, void *ud)
{
	FILE *f = ud;
	long shown = 0;
	fputs("<h2>Repeats", f);
	if (*variant) {
		fputs(" of ", f);
		esc(f, variant, 300);
	}
	fprintf(f,
		"</h2><p>%zu cases &times; %d repeats: %ld always passed, %ld never passed, "
		"<span class=\"%s\">%ld flaky</span>. Pass rate %.1f%% (95%% CI "
		"%.1f%%&ndash;%.1f%%, counting cases, not repeats: design effect %.2f).</p>",
		r->ncases, r->max_runs, r->always, r->never, r->flaky ? "bad" : "good", r->flaky,
		100 * r->rate, 100 * r->lo, 100 * r->hi, isnan(r->deff) ? 1.0 : r->deff);
	fputs("<table class=\"kv\"><tr><th>k<th>pass@k<th>pass^k", f);
	for (size_t i = 0; i < r->nks; i++)
		fprintf(f, "<tr><td>%d<td>%.3f<td>%.3f", r->ks[i].k, r->ks[i].pass_at_k,
			r->ks[i].pass_hat_k);
	fputs("</table>", f);
	if (!r->flaky)
		return;
	fputs("<table class=\"kv\"><tr><th>flaky case<th>passed<th>score mean<th>sd<th>range", f);
	for (size_t i = 0; i < r->ncases; i++) {
		const struct llmops_rep_case *x = &r->cases[i];
		if (!x->flaky)
			continue;
		if (shown++ == FLIPS_MAX) {
			fprintf(f, "<tr><td colspan=\"5\">&hellip; and %ld more",
				r->flaky - FLIPS_MAX);
			break;
		}
		fputs("<tr><td>", f);
		esc(f, x->case_id, 200);
		fprintf(f, "<td>%ld/%ld<td>", x->passed, x->runs);
		if (!isnan(x->score_mean))
			fprintf(f, "%.3f", x->score_mean);
		fputs("<td>", f);
		if (!isnan(x->score_sd))
			fprintf(f, "%.3f<td>%.3f&ndash;%.3f", x->score_sd, x->score_min,
				x->score_max);
		else
			fputs("<td>", f);
	}
	fputs("</table>", f);
}

static void summary(FILE *f, const struct llmops_run *u, int repeated, size_t nvariants)
{
	char prompt[256], model[256], commit[16], when[32];
	double lo, hi;
	llmops_runfmt_prompt(u, prompt, sizeof(prompt));
	llmops_runfmt_model(u, model, sizeof(model));
	llmops_runfmt_commit(u, commit, sizeof(commit));
	llmops_runfmt_when(u->started_at, when, sizeof(when));
	llmops_wilson((long)u->passed, (long)u->cases, Z95, &lo, &hi);
	fputs("<table class=\"kv\">", f);
	fprintf(f, "<tr><td>run<td>%s<tr><td>status<td class=\"%s\">%s", u->id,
		u->status == LLMOPS_RUN_PASSED ? "good" : "bad",
		llmops_run_status_name(u->status) ? llmops_run_status_name(u->status) : "?");
	fputs("<tr><td>prompt<td>", f);
	esc(f, prompt, 400);
	fputs("<tr><td>provider<td>", f);
	esc(f, model, 400);
	fputs("<tr><td>dataset<td>", f);
	esc(f, u->dataset_path ? u->dataset_path : "-", 400);
	fprintf(f, "<tr><td>commit<td>%s<tr><td>started<td>%s", commit, when);
	if (nvariants > 1) /* the pooled figures are results of several variants */
		fprintf(f,
			"<tr><td>results<td>%lld over %zu variants (side by side below): %lld "
			"passed, %lld failed, %lld %s",
			(long long)u->cases, nvariants, (long long)u->passed, (long long)u->failed,
			(long long)u->errored,
			llmops_runfmt_plural((long)u->errored, "error", "errors"));
	else
		fprintf(f, "<tr><td>cases<td>%lld: %lld passed, %lld failed, %lld %s",
			(long long)u->cases, (long long)u->passed, (long long)u->failed,
			(long long)u->errored,
			llmops_runfmt_plural((long)u->errored, "error", "errors"));
	if (u->cases && repeated) /* the interval that counts cases is under Repeats */
		fprintf(f, "<tr><td>pass rate<td>%.1f%%",
			100.0 * (double)u->passed / (double)u->cases);
	else if (u->cases)
		fprintf(f, "<tr><td>pass rate<td>%.1f%% (95%% CI %.1f%%&ndash;%.1f%%)",
			100.0 * (double)u->passed / (double)u->cases, 100 * lo, 100 * hi);
	if (!isnan(u->score_mean))
		fprintf(f, "<tr><td>mean score<td>%.3f", u->score_mean);
	if (!isnan(u->latency_p50))
		fprintf(f, "<tr><td>latency<td>p50 %.0f ms, p95 %.0f ms", u->latency_p50,
			u->latency_p95);
	fprintf(f, "<tr><td>tokens<td>%lld in, %lld out<tr><td>cost<td>$%.6f</table>",
		(long long)u->tokens_in, (long long)u->tokens_out, u->cost_usd);
}

/* Repeated runs: the cases compared by pass fraction (rundiff.h). */
static void comparison_by_case(FILE *f, const struct llmops_diff *d)
{
	long listed = 0;
	fprintf(f,
		"<tr><td>per case<td>%zu in both: <span class=\"bad\">%ld worse</span>, <span "
		"class=\"good\">%ld better</span> by pass fraction; mean change %+.3f",
		d->ncases, d->cases_worse, d->cases_better, isnan(d->frac_mean) ? 0 : d->frac_mean);
	if (!isnan(d->frac_lo))
		fprintf(f, " (95%% CI %+.3f to %+.3f)", d->frac_lo, d->frac_hi);
	fprintf(f, ", paired t p = %.4g (the McNemar test above counts repeats as independent)",
		d->frac_p);
	if (!d->cases_lost)
		return;
	fprintf(f, "<tr><td>no longer passing every repeat<td class=\"bad\">");
	for (size_t i = 0; i < d->ncases; i++) {
		const struct llmops_diff_case *x = &d->cases[i];
		if (!x->lost)
			continue;
		if (listed++ == FLIPS_MAX) {
			fprintf(f, " &hellip; and %ld more", d->cases_lost - FLIPS_MAX);
			break;
		}
		fputs(listed > 1 ? ", " : "", f);
		esc(f, x->b->case_id, 200);
		fprintf(f, " %ld/%ld&rarr;%ld/%ld", x->passed_a, x->runs_a, x->passed_b, x->runs_b);
	}
}

static void comparison(FILE *f, const struct llmops_report *r)
{
	const struct llmops_diff *d = r->diff;
	fprintf(f, "<h2>Compared with %s</h2><table class=\"kv\">", r->vs->run->id);
	fprintf(f,
		"<tr><td>paired cases<td>%zu (%ld by content); %zu only in the other run, %zu "
		"only in this one",
		d->npairs, d->by_content, d->nonly_a, d->nonly_b);
	if (d->npairs)
		fprintf(f,
			"<tr><td>pass rate<td>%.1f%% &rarr; %.1f%% (%+.1f points)"
			"<tr><td>flips<td><span class=\"bad\">%ld newly failing</span>, <span "
			"class=\"good\">%ld newly passing</span>; exact McNemar p = %.4g",
			100 * d->paired_rate_a, 100 * d->paired_rate_b,
			100 * (d->paired_rate_b - d->paired_rate_a), d->pass_to_fail,
			d->fail_to_pass, d->mcnemar_p);
	if (d->repeated)
		comparison_by_case(f, d);
	if (d->nscored >= 2)
		fprintf(f, "<tr><td>score change<td>%+.4f (95%% CI %+.4f to %+.4f)", d->dscore_mean,
			d->dscore_lo, d->dscore_hi);
	fprintf(f, "<tr><td>cost<td>$%.6f &rarr; $%.6f</table>", d->a.cost_usd, d->b.cost_usd);
	for (int pass = 0; pass < 2; pass++) {
		unsigned mask = pass ? LLMOPS_CHANGE_NEWLY_PASSING : LLMOPS_CHANGE_NEWLY_FAILING;
		long n = pass ? d->fail_to_pass : d->pass_to_fail;
		if (!n)
			continue;
		fprintf(f,
			"<h2>Newly %s (%ld)</h2><table class=\"cases\"><tr><th>case<th>before"
			"<th>now<th>score<th>expected<th>output",
			pass ? "passing" : "failing", n);
		long listed = 0;
		for (size_t i = 0; i < d->npairs; i++) {
			const struct llmops_diff_pair *p = &d->pairs[i];
			if (!(p->change & mask))
				continue;
			if (listed++ == FLIPS_MAX) {
				fprintf(f,
					"<tr><td colspan=\"6\">&hellip; and %ld more ('llmops diff "
					"--format json' lists them all)",
					n - FLIPS_MAX);
				break;
			}
			fputs("<tr><td>", f);
			esc(f, p->b->case_id, 200);
			fprintf(f, "<td>%s<td>%s<td>", llmops_runfmt_verdict(p->a->passed),
				llmops_runfmt_verdict(p->b->passed));
			if (!isnan(p->dscore))
				fprintf(f, "%.3f&rarr;%.3f", p->a->score, p->b->score);
			fputs("<td>", f);
			esc(f, p->b->expected, CELL_MAX);
			fputs("<td>", f);
			esc(f, p->b->output, CELL_MAX);
		}
		fputs("</table>", f);
	}
}

/* Why a case did not pass, in a sentence: its assertions' or the error's words, else its score
   against its threshold; "" for one that passed. */
static void why_of(const struct llmops_result *x, char *out, size_t n)
{
	out[0] = 0;
	if (x->passed == 1)
		return;
	if (x->error && *x->error)
		snprintf(out, n, "%s", x->error);
	else if (x->passed == 0 && !isnan(x->score) && !isnan(x->threshold))
		snprintf(out, n, "score %.4f below the threshold %.4g", x->score, x->threshold);
	else if (x->passed == 0)
		snprintf(out, n, "failed");
}

/*
 * The case table.  The first SHOWN cases are rows of the page; every case
 * is also in a JSON block, from which the filter builds the rows it shows
 * (at most SHOWN).  Laying out a 10,000-row table takes Chromium seconds;
 * parsing the same text as JSON takes milliseconds.
 */
#define SHOWN 500
static const char script[] =
	"(function(){var q=document.getElementById('q'),s=document.getElementById('s'),"
	"tb=document.getElementById('cases').tBodies[0],c=document.getElementById('n'),max=500,"
	"data=JSON.parse(document.getElementById('data').textContent),V={p:'pass',f:'fail',"
	"e:'error',s:'skipped'};function row(x){var "
	"r=document.createElement('tr');r.className=x[1];"
	"[x[0],V[x[1]],x[2],x[3],x[6],x[4],x[5]].forEach(function(v){var "
	"d=document.createElement('td');"
	"d.textContent=v;r.appendChild(d);});return r;}"
	"function count(n,m){c.textContent=n+' shown of '+m+' matching'+(m>n?' (filter to see "
	"the others)':'');}"
	"function go(){var t=q.value.toLowerCase(),k=s.value,n=0,m=0,f=document."
	"createDocumentFragment();for(var i=0;i<data.length;i++){var x=data[i];if((!k||x[1]===k)"
	"&&(!t||(x[0]+' '+x[4]+' '+x[5]+' '+x[6]).toLowerCase().indexOf(t)>=0)){m++;if(n<max){"
	"f.appendChild(row(x));n++;}}}while(tb.rows.length>1)tb.deleteRow(1);tb.appendChild(f);"
	"count(n,m);}q.addEventListener('input',go);s.addEventListener('change',go);"
	"count(Math.min(data.length,max),data.length);})();";

/* s as a JSON string safe inside <script>: <, >, & and U+2028/9 as \u escapes. */
static void json_str(FILE *f, const char *s, size_t max)
{
	size_t n = 0;
	fputc('"', f);
	for (; s && *s && n < max; s++, n++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&')
			fprintf(f, "\\u%04x", ch);
		else if (ch == 0xE2 && (unsigned char)s[1] == 0x80 &&
			 ((unsigned char)s[2] == 0xA8 || (unsigned char)s[2] == 0xA9)) {
			fprintf(f, "\\u20%s", (unsigned char)s[2] == 0xA8 ? "28" : "29");
			s += 2;
		} else
			fputc(ch, f);
	}
	if (s && *s) {
		while ((*s & 0xC0) == 0x80)
			fputc(*s++, f);
		fputs("\xE2\x80\xA6", f);
	}
	fputc('"', f);
}

/* The score and latency cells of x (16 bytes each). */
static void cells(const struct llmops_result *x, char *score, char *lat)
{
	score[0] = lat[0] = 0;
	if (!isnan(x->score))
		snprintf(score, 16, "%.3f", x->score);
	if (x->cache_hit)
		snprintf(lat, 16, "cached");
	else if (!isnan(x->latency_ms))
		snprintf(lat, 16, "%.0f ms", x->latency_ms);
}

static void case_table(FILE *f, const struct llmops_run_data *d)
{
	char score[16], lat[16];
	int repeated = llmops_run_data_repeated(d);
	char why[1024];
	fputs("<table class=\"cases\" id=\"cases\"><tr><th>case<th>verdict<th>score<th>latency"
	      "<th>why<th>expected<th>actual",
	      f);
	for (size_t i = 0; i < d->n && i < SHOWN; i++) {
		const struct llmops_result *x = &d->results[i];
		cells(x, score, lat);
		fprintf(f, "<tr class=\"%c\"><td>", llmops_runfmt_verdict_class(x->passed));
		esc(f, x->case_id, 200);
		if (repeated)
			fprintf(f, " #%d", x->repeat_index);
		if (x->variant && *x->variant) {
			fputs(" ", f);
			esc(f, x->variant, 200);
		}
		fprintf(f, "<td>%s<td>%s<td>%s<td>", llmops_runfmt_verdict(x->passed), score, lat);
		why_of(x, why, sizeof(why));
		esc(f, why, CELL_MAX);
		fputs("<td>", f);
		esc(f, x->expected, CELL_MAX);
		fputs("<td>", f);
		char *ans = x->passed < 0 ? NULL : llmops_runfmt_answered(x->steps, x->output);
		esc(f, x->passed < 0 ? x->error : ans, CELL_MAX);
		free(ans);
	}
	fputs("</table><script type=\"application/json\" id=\"data\">[", f);
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		char id[512], rep[24] = "";
		cells(x, score, lat);
		if (repeated)
			snprintf(rep, sizeof(rep), " #%d", x->repeat_index);
		snprintf(id, sizeof(id), "%s%s%s%s", x->case_id, rep,
			 x->variant && *x->variant ? " " : "", x->variant ? x->variant : "");
		fputs(i ? ",\n[" : "[", f);
		json_str(f, id, 400);
		fprintf(f, ",\"%c\",\"%s\",\"%s\",", llmops_runfmt_verdict_class(x->passed), score,
			lat);
		json_str(f, x->expected, CELL_MAX);
		fputc(',', f);
		char *ans = x->passed < 0 ? NULL : llmops_runfmt_answered(x->steps, x->output);
		json_str(f, x->passed < 0 ? x->error : ans, CELL_MAX);
		free(ans);
		fputc(',', f);
		why_of(x, why, sizeof(why));
		json_str(f, why, CELL_MAX);
		fputc(']', f);
	}
	fputs("]</script>", f);
}

/* The variants of a run in the order their results first come. */
static size_t variants_of(const struct llmops_run_data *d, const char **v, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const char *x = d->results[i].variant ? d->results[i].variant : "";
		size_t k = 0;
		while (k < n && strcmp(v[k], x))
			k++;
		if (k == n && n < cap)
			v[n++] = x;
	}
	return n;
}

/* A matrix run: each variant's figures side by side, then each case across them. */
static void variants(FILE *f, const struct llmops_run_data *d, const char **v, size_t nv)
{
	fputs("<h2>Variants side by side</h2><table class=\"kv matrix\"><tr><th>", f);
	for (size_t k = 0; k < nv; k++) {
		fputs("<th>", f);
		esc(f, v[k], 200);
	}
	/* each variant's figures, in one pass over the results */
	struct vfig {
		long n, passed, ns;
		double score, cost;
	} *vf = calloc(nv, sizeof(*vf));
	double *lat = calloc(d->n ? d->n : 1, sizeof(*lat));
	if (!vf || !lat) {
		free(vf);
		free(lat);
		fputs("</table>", f);
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *x = &d->results[i];
		size_t k = 0;
		while (k < nv && strcmp(x->variant ? x->variant : "", v[k]))
			k++;
		if (k == nv)
			continue;
		vf[k].n++;
		vf[k].passed += x->passed == 1;
		if (!isnan(x->score))
			vf[k].score += x->score, vf[k].ns++;
		if (!isnan(x->cost_usd))
			vf[k].cost += x->cost_usd;
	}
	static const char *const rows[] = {"results", "pass rate (95% CI)", "mean score",
					   "latency p50", "cost"};
	for (size_t row = 0; row < 5; row++) {
		fprintf(f, "<tr><td>%s", rows[row]);
		for (size_t k = 0; k < nv; k++) {
			const struct vfig *q = &vf[k];
			double lo, hi;
			fputs("<td class=\"num\">", f);
			if (row == 0)
				fprintf(f, "%ld (%ld passed)", q->n, q->passed);
			else if (row == 1 && q->n) {
				llmops_wilson(q->passed, q->n, Z95, &lo, &hi);
				fprintf(f, "%.1f%% (%.1f&ndash;%.1f%%)",
					100.0 * (double)q->passed / (double)q->n, 100 * lo,
					100 * hi);
			} else if (row == 2 && q->ns)
				fprintf(f, "%.3f", q->score / (double)q->ns);
			else if (row == 3) {
				size_t nl = 0; /* this variant's answered latencies */
				for (size_t i = 0; i < d->n; i++) {
					const struct llmops_result *x = &d->results[i];
					if (!x->cache_hit && !isnan(x->latency_ms) &&
					    !strcmp(x->variant ? x->variant : "", v[k]))
						lat[nl++] = x->latency_ms;
				}
				if (nl)
					fprintf(f, "%.0f ms", llmops_quantile(lat, nl, 0.5));
				else
					fputs("-", f);
			} else if (row == 4)
				fprintf(f, "$%.6f", q->cost);
			else
				fputs("-", f);
		}
	}
	free(vf);
	free(lat);
	fputs("</table>", f);
	/* each case across the variants (results come by case, variant, repeat) */
	fputs("<h2>Cases across the variants</h2><table class=\"matrix\"><tr><th>case", f);
	for (size_t k = 0; k < nv; k++) {
		fputs("<th>", f);
		esc(f, v[k], 200);
	}
	size_t rows_out = 0;
	for (size_t i = 0; i < d->n && rows_out < SHOWN; rows_out++) {
		const struct llmops_result *first = &d->results[i];
		fputs("<tr><td>", f);
		esc(f, first->case_id, 200);
		if (llmops_run_data_repeated(d))
			fprintf(f, " #%d", first->repeat_index);
		const struct llmops_result *cell[64] = {0};
		size_t j = i;
		for (; j < d->n && !strcmp(d->results[j].case_id, first->case_id) &&
		       d->results[j].repeat_index == first->repeat_index;
		     j++)
			for (size_t k = 0; k < nv && k < 64; k++)
				if (!strcmp(d->results[j].variant ? d->results[j].variant : "",
					    v[k]))
					cell[k] = &d->results[j];
		for (size_t k = 0; k < nv && k < 64; k++) {
			const struct llmops_result *x = cell[k];
			if (!x) {
				fputs("<td>-", f);
				continue;
			}
			fprintf(f, "<td class=\"num %c\">%s",
				llmops_runfmt_verdict_class(x->passed),
				llmops_runfmt_verdict(x->passed));
			if (!isnan(x->score))
				fprintf(f, " %.3f", x->score);
		}
		i = j > i ? j : i + 1;
	}
	if (rows_out >= SHOWN)
		fputs("<tr><td colspan=\"99\">&hellip; the rest in the table below", f);
	fputs("</table>", f);
}

int llmops_report_html(FILE *f, const struct llmops_report *r)
{
	const struct llmops_run_data *d = r->run;
	char prompt[256];
	llmops_runfmt_prompt(d->run, prompt, sizeof(prompt));
	fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
	      f);
	fprintf(f, "<title>llmops run %s</title><style>%s</style></head><body>", d->run->id, css);
	fputs("<h1>llmops run ", f);
	esc(f, d->run->id, 64);
	fputs(" &middot; ", f);
	esc(f, prompt, 300);
	fputs("</h1>", f);
	int repeated = llmops_run_data_repeated(d);
	const char *vs[64];
	size_t nv = variants_of(d, vs, 64);
	summary(f, d->run, repeated, nv);
	if (repeated && llmops_repeats_each_variant(d, repeats_variant, f))
		return -1;
	if (nv > 1)
		variants(f, d, vs, nv);
	if (r->diff)
		comparison(f, r);
	fputs("<h2>Charts</h2><div class=\"charts\">", f);
	trend(f, r);
	score_histogram(f, d);
	latency_histogram(f, d);
	fputs("</div>", f);
	fprintf(f,
		"<h2>Cases (%zu)</h2><p><input id=\"q\" type=\"search\" placeholder=\"filter: "
		"case, text\" aria-label=\"filter\"> <select id=\"s\" aria-label=\"verdict\">"
		"<option value=\"\">all</option><option value=\"p\">pass</option>"
		"<option value=\"f\">fail</option><option value=\"e\">error</option>"
		"<option value=\"s\">skipped</option></select> "
		"<span id=\"n\"></span></p>",
		d->n);
	case_table(f, d);
	fprintf(f, "<script>%s</script></body></html>\n", script);
	return ferror(f) ? -1 : 0;
}
