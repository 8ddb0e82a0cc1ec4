/*
 * report.c - `llmops report [RUN] [--vs RUN] -o FILE`: a run, or a run
 * compared with another, as a self-contained HTML page (report_html.c),
 * CSV, JUnit XML or Markdown, from what the ledger recorded.
 */
#include "llmops.h"

#include "diff_out.h"
#include "options.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "report.h"
#include "repeats_out.h"
#include "results_out.h"
#include "run_fmt.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const synopsis[] = {
	"llmops report [RUN] [--dataset FILE] [--vs RUN] [-o FILE] [--open] [--format html|csv|junit|markdown]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops report",
	synopsis,
	"Write a run (default: the last; with --dataset FILE, that dataset's last)\n"
	"as one self-contained HTML page: summary, the pass-rate and cost trend of\n"
	"its prompt, the score histogram, the latency distribution and a filterable table of cases with expected and actual side\n"
	"by side; with --vs RUN, the comparison (flips, McNemar p, score change).  No\n"
	"network: inline CSS and SVG, nothing loaded.  The format comes from -o's\n"
	"extension (.html, .csv, .xml for JUnit, .md) or --format; without -o the\n"
	"report goes to standard output.  --open opens it with the platform's opener\n"
	"(xdg-open; open on macOS; $LLMOPS_OPENER first), written to a temporary file\n"
	"when no -o is given.",
};

static const char *const formats[] = {"html", "csv", "junit", "markdown", NULL};

/* Open path with $LLMOPS_OPENER, else the platform's opener, and wait for it (an opener hands
   the file to the browser and returns).  0 or an exit status, said. */
static int open_file(const char *path)
{
	const char *opener = getenv("LLMOPS_OPENER");
#ifdef __APPLE__
	const char *platform = "open";
#else
	const char *platform = "xdg-open";
#endif
	int status = 0;
	if (!opener || !*opener)
		opener = platform;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null,
			     STDOUT_FILENO); /* stdout is llmops's: the opener's chatter is not */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", opener, path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		llmops_error("report: '%s' could not open %s%s; the report is there", opener, path,
			     pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127
				     ? " (not installed? set LLMOPS_OPENER)"
				     : "");
		return LLMOPS_EXIT_RUNTIME;
	}
	return 0;
}

static const char *format_for(const char *path)
{
	static const struct {
		const char *ext, *fmt;
	} map[] = {{".html", "html"}, {".htm", "html"},	   {".csv", "csv"},
		   {".xml", "junit"}, {".md", "markdown"}, {".markdown", "markdown"}};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(dot, map[i].ext))
			return map[i].fmt;
	return NULL;
}

/* One variant's repeats as Markdown: the figures and the flaky cases. */
static void markdown_repeats(const char *variant, const struct llmops_repeats *r, void *ud)
{
	FILE *f = ud;
	fputs("\n### Repeats", f);
	if (*variant) {
		fputs(" of ", f);
		runfmt_md_cell(f, variant, 200);
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
	fputs("\n| case | variant | passed | score (sd, range) |\n| --- | --- | --- | --- |\n", f);
	repeats_markdown_rows(f, r, variant);
}

static void write_markdown(FILE *f, const struct report *r)
{
	const struct llmops_run *u = r->run->run;
	char prompt[256], model[256];
	double lo, hi;
	runfmt_prompt(u, prompt, sizeof(prompt));
	runfmt_model(u, model, sizeof(model));
	llmops_wilson((long)u->passed, (long)u->cases, 1.959963984540054, &lo, &hi);
	fprintf(f, "## llmops run `%s`\n\n| | |\n| --- | --- |\n| prompt | ", u->id);
	runfmt_md_cell(f, prompt, 200);
	fputs(" |\n| provider | ", f);
	runfmt_md_cell(f, model, 200);
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
	if (r->diff) {
		const struct llmops_diff *d = r->diff;
		if (d->npairs)
			fprintf(f,
				"\n### Compared with `%s`\n\n%zu paired %s: pass rate %.1f%% -> "
				"%.1f%%, %ld newly failing, %ld newly passing (exact McNemar p = "
				"%.4g).\n",
				r->vs->run->id, d->npairs,
				runfmt_plural((long)d->npairs, "case", "cases"),
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
		repeats_each_variant(r->run, markdown_repeats, f);
	struct results_src src;
	results_src_data(&src, r->run);
	(void)results_markdown_failing(f, &src, "Cases that did not pass");
}

int cmd_report(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *path = "-", *format = NULL, *vs_ref = NULL, *dataset = NULL, *run_ref;
	char tmp_path[300], id[LLMOPS_RUNID_LEN + 1];
	int open_it = 0;
	struct llmops_run_data *run = NULL, *vs = NULL;
	struct llmops_run_filter tf = {0};
	struct llmops_diff diff;
	struct report r = {0};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct outfile of = {0};
	int rc, have_diff = 0;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "vs", &vs_ref, "RUN", "compare with this run", NULL, 0, 0},
		{OPT_FLAG, 0, "open", &open_it, NULL,
		 "open it with the platform's opener (a temporary file without -o)", NULL, 0, 0},
		{OPT_STRING, 'o', "output", &path, "FILE", "write here (default: stdout)", NULL, 0,
		 0},
		{OPT_CHOICE, 0, "format", &format, "FORMAT", "html, csv, junit or markdown",
		 formats, 0, 0},
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "RUN among this dataset's runs: the default 'last' is its newest", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!format && strcmp(path, "-") && !(format = format_for(path))) {
		llmops_error("report: -o %s: cannot tell the format from the extension: use .html, "
			     ".csv, .xml (JUnit) or .md, or give --format",
			     path);
		return LLMOPS_EXIT_USAGE;
	}
	if (!format)
		format = "html";
	if (open_it && !strcmp(path, "-")) { /* a file to open: a temporary one */
		static const char *const ext[][2] = {
			{"html", "html"}, {"csv", "csv"}, {"junit", "xml"}, {"markdown", "md"}};
		const char *tmpdir = getenv("TMPDIR"), *e = "html";
		for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
			if (!strcmp(format, ext[i][0]))
				e = ext[i][1];
		snprintf(tmp_path, sizeof(tmp_path), "%s/llmops-report-XXXXXX.%s",
			 tmpdir && *tmpdir && strlen(tmpdir) < 200 ? tmpdir : "/tmp", e);
		int fd = mkstemps(tmp_path, (int)strlen(e) + 1); /* a name of our own, made 0600 */
		if (fd < 0) {
			llmops_error("report: cannot make a temporary file: %s", strerror(errno));
			return LLMOPS_EXIT_RUNTIME;
		}
		close(fd);
		path = tmp_path;
	}
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (!(run_ref = runfmt_pick(lg, argv[0], dataset, id, &rc)))
		goto out;
	if (llmops_run_data_load(lg, run_ref, &run, &err) ||
	    (vs_ref && llmops_run_data_load(lg, vs_ref, &vs, &err))) {
		rc = llmops_report(&err);
		goto out;
	}
	r.run = run;
	if (vs) {
		if (llmops_diff_runs(vs, run, NULL, &diff, &err)) {
			rc = llmops_report(&err);
			goto out;
		}
		have_diff = 1;
		r.vs = vs;
		r.diff = &diff;
	}
	/* the trend: this prompt's runs (or this dataset's, for a run of several prompts) */
	tf.kind = run->run->kind;
	tf.prompt_name = run->run->prompt_name;
	if (!run->run->prompt_name) { /* any version of the dataset file */
		tf.dataset_path = run->run->dataset_path;
		tf.dataset_sha256 = run->run->dataset_sha256;
	}
	tf.limit = 100;
	if (!strcmp(format, "html") &&
	    llmops_ledger_runs_list(lg, &tf, &r.trend, &r.ntrend, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = outfile_open(&of, path, "report", 1)))
		goto out;
	if (!strcmp(format, "html"))
		report_html(of.f, &r);
	else if (!strcmp(format, "csv") || !strcmp(format, "junit")) {
		struct results_src src;
		results_src_data(&src, run);
		(void)(!strcmp(format, "csv") ? results_csv(of.f, &src)
					      : results_junit(of.f, &src));
	} else
		write_markdown(of.f, &r);
	if ((rc = outfile_close(&of, "report")))
		goto out;
	if (strcmp(path, "-"))
		fprintf(stderr, "llmops: wrote %s (%s, %zu cases)\n", path, format, run->n);
	if (open_it)
		rc = open_file(path);
out:
	if (have_diff)
		llmops_diff_release(&diff);
	llmops_runs_free(r.trend, r.ntrend);
	llmops_run_data_free(run);
	llmops_run_data_free(vs);
	return rc;
}
