/*
 * report.c - `llmops report [RUN] [--vs RUN] -o FILE`: a run, or a run
 * compared with another, written by lib/view/report.h (a self-contained HTML
 * page, JSON, JSONL, CSV, JUnit XML or Markdown) from what the ledger recorded.
 */
#include "llmops.h"

#include "env.h"
#include "options.h"
#include "outfile.h"
#include "report.h"
#include "run_fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

LLMOPS_USAGE(
	usage, "llmops report",
	"Write a run (default: the last; with --dataset FILE, that dataset's last)\n"
	"as one self-contained HTML page: summary, the pass-rate and cost trend of\n"
	"its prompt, the score histogram, the latency distribution and a filterable table of cases "
	"with expected and actual side\n"
	"by side; with --vs RUN, the comparison (flips, McNemar p, score change).  No\n"
	"network: inline CSS and SVG, nothing loaded.  The format comes from -o's\n"
	"extension (.html, .json, .jsonl, .csv, .xml for JUnit, .md) or --format;\n"
	"json is the run view show --format json prints; without -o the\n"
	"report goes to standard output.  --open opens it with the platform's opener\n"
	"(xdg-open; open on macOS; $LLMOPS_OPENER first), written to a temporary file\n"
	"when no -o is given.",
	"llmops report [RUN] [--dataset FILE] [--vs RUN] [-o FILE] [--open] [--format "
	"html|json|jsonl|csv|junit|markdown]");

/* Open path with $LLMOPS_OPENER, else the platform's opener, and wait for it (an opener hands
   the file to the browser and returns).  0 or an exit status, said. */
static int open_file(const struct llmops_ctx *ctx, const char *path)
{
	const char *opener = llmops_env_get(ctx->env, "LLMOPS_OPENER");
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

/* A temporary file of our own (0600) for --open without -o, named for the format. */
static int temp_path(const struct llmops_ctx *ctx, const char *format, char *out, size_t n)
{
	static const char *const ext[][2] = {{"html", "html"},	 {"json", "json"},
					     {"jsonl", "jsonl"}, {"csv", "csv"},
					     {"junit", "xml"},	 {"markdown", "md"}};
	const char *tmpdir = llmops_env_get(ctx->env, "TMPDIR"), *e = "html";
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcmp(format, ext[i][0]))
			e = ext[i][1];
	snprintf(out, n, "%s/llmops-report-XXXXXX.%s",
		 tmpdir && *tmpdir && strlen(tmpdir) < 200 ? tmpdir : "/tmp", e);
	int fd = mkstemps(out, (int)strlen(e) + 1);
	if (fd < 0) {
		llmops_error("report: cannot make a temporary file: %s", strerror(errno));
		return LLMOPS_EXIT_RUNTIME;
	}
	close(fd);
	return 0;
}

int cmd_report(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *path = "-", *format = NULL, *vs_ref = NULL, *dataset = NULL, *run_ref;
	char tmp_path[300], id[LLMOPS_RUNID_LEN + 1];
	int open_it = 0;
	struct llmops_report r = {0};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct outfile of = {0};
	int rc;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "vs", &vs_ref, "RUN", "compare with this run", NULL, 0, 0},
		{OPT_FLAG, 0, "open", &open_it, NULL,
		 "open it with the platform's opener (a temporary file without -o)", NULL, 0, 0},
		{OPT_STRING, 'o', "output", &path, "FILE", "write here (default: stdout)", NULL, 0,
		 0},
		{OPT_CHOICE, 0, "format", &format, "FORMAT",
		 "html, json, jsonl, csv, junit or markdown", llmops_report_formats, 0, 0},
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "RUN among this dataset's runs: the default 'last' is its newest", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!format && strcmp(path, "-") && !(format = llmops_report_format_for(path))) {
		llmops_error("report: -o %s: cannot tell the format from the extension: use .html, "
			     ".json, .jsonl, .csv, .xml (JUnit) or .md, or give --format",
			     path);
		return LLMOPS_EXIT_USAGE;
	}
	if (!format)
		format = "html";
	if (open_it && !strcmp(path, "-")) { /* a file to open: a temporary one */
		if ((rc = temp_path(ctx, format, tmp_path, sizeof(tmp_path))))
			return rc;
		path = tmp_path;
	}
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (!(run_ref = runfmt_pick(lg, argv[0], dataset, id, &rc)))
		goto out;
	if (llmops_report_load(lg, run_ref, vs_ref, format, &r, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = outfile_open(&of, path, "report", 1)))
		goto out;
	if (llmops_report_write(of.f, format, &r)) {
		llmops_error("report: out of memory");
		outfile_abort(&of);
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if ((rc = outfile_close(&of, "report")))
		goto out;
	if (strcmp(path, "-"))
		fprintf(stderr, "llmops: wrote %s (%s, %zu cases)\n", path, format, r.run->n);
	if (open_it)
		rc = open_file(ctx, path);
out:
	llmops_report_release(&r);
	return rc;
}
