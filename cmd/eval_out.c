/*
 * eval_out.c - what `llmops eval` prints: the engine's text summary on
 * stdout with the comparison to the baseline, or the run as `llmops
 * report` writes it (the run view, read back from the ledger).
 */
#include "llmops.h"

#include "diff_text.h"
#include "eval_cmd.h"
#include "outfile.h"
#include "report.h"

#include <sys/ioctl.h>

static int term_width(void)
{
	struct winsize ws;
	if (isatty(1) && !ioctl(1, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 100;
}

void eval_print_text(struct eval_host *h, int interrupted)
{
	const struct llmops_ctx *ctx = h->ctx;
	const struct llmops_eval_text t = {
		term_width(),
		llmops_color(ctx, LLMOPS_SGR_BOLD),
		llmops_color(ctx, LLMOPS_SGR_GREEN),
		llmops_color(ctx, LLMOPS_SGR_RED),
		llmops_color(ctx, LLMOPS_SGR_RESET),
		interrupted,
	};
	const struct llmops_run_data *a, *b;
	const struct llmops_diff *d;
	const char *note;
	double significance;
	llmops_eval_print(stdout, h->ev, &t);
	if (!llmops_eval_baseline_view(h->ev, &a, &b, &d, &significance, &note))
		return;
	printf("\nagainst the baseline%s%s\n", note[0] ? " " : "", note);
	const struct llmops_sgr c = llmops_sgr_of(h->ctx);
	llmops_diff_print(stdout, d, a, b, 0.05, significance, 20, &c);
}

int eval_write_report(struct eval_host *h, const char *path, const char *format)
{
	struct llmops_report r;
	struct llmops_err err = {0};
	struct outfile of;
	int rc = 0;
	if (llmops_report_load(h->ledger, llmops_eval_run_id(h->ev), NULL, format, &r, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = outfile_open(&of, path, "eval: -o", 1)))
		goto out;
	if (llmops_report_write(of.f, format, &r)) {
		llmops_error("eval: -o %s: out of memory", path);
		outfile_abort(&of);
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	rc = outfile_close(&of, "eval: -o");
out:
	llmops_report_release(&r);
	return rc;
}
