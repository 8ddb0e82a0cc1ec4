/*
 * eval.c - `llmops eval`: options, llmops.json defaults, the progress
 * line, the gate and the exit status.  The spec is filled in
 * eval_setup.c, the run is lib/eval.h's, the output is eval_out.c's.
 */
#include "llmops.h"

#include "eval_cmd.h"
#include "eval_opts.h"
#include "options.h"
#include "report.h"
#include "workspace.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void fmt_eta(char *buf, size_t n, double s)
{
	if (s < 0 || isnan(s) || isinf(s))
		snprintf(buf, n, "--");
	else if (s < 60)
		snprintf(buf, n, "%.0fs", s);
	else
		snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
}

/* The progress line on stderr (a terminal only). */
static void progress_line(const struct llmops_eval *ev, void *ud)
{
	char eta[32];
	(void)ud;
	double el = (llmops_mono_ms() - ev->t0) / 1000.0;
	long total = (long)ev->njobs;
	fmt_eta(eta, sizeof(eta),
		ev->done ? el / (double)ev->done * (double)(total - ev->done) : NAN);
	fprintf(stderr, "\r\033[K%ld/%ld done, %ld passing, %ld errors, %ld tokens, $%.4f, ETA %s",
		ev->done, total, ev->passed, ev->errors, ev->tokens, ev->cost, eta);
	fflush(stderr);
}

static int gate_and_exit(const struct llmops_eval *ev, int run_rc)
{
	struct llmops_eval_totals t;
	llmops_eval_totals(ev, &t);
	if (run_rc == 1)
		return LLMOPS_EXIT_INTERRUPTED;
	if (t.cases > 0 && t.scored == 0 && t.errors > 0)
		return LLMOPS_EXIT_RUNTIME;
	return t.gate_ok ? 0 : LLMOPS_EXIT_CHECK;
}

int cmd_eval(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct eval_opts o = EVAL_OPTS_INIT, ro = EVAL_OPTS_INIT;
	struct eval_host h = {0};

	llmops_eval_init(&h.ev);
	struct llmops_eval *ev = &h.ev;
	int rc = eval_parse_options(argc, argv, &o);
	if (rc) {
		eval_opts_release(&o);
		return rc < 0 ? 0 : rc;
	}
	h.ctx = ctx;
	ev->stop = &interrupted;
	const struct eval_opts *use = &o;
	if ((rc = llmops_ctx_ledger(ctx, &ev->ledger)))
		goto out;
	if (o.resume && (rc = eval_resume_options(&h, &o, &ro)))
		goto out;
	if (o.resume)
		use = &ro;
	if (use->production && (rc = eval_production(&h, use == &o ? &o : &ro)))
		goto out;
	if (!use->production && (use->since || use->assert_file || use->sample >= 0)) {
		llmops_error("eval: --since, --sample and --assert go with --production");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (!use->dataset) {
		llmops_error("eval: which cases? give --dataset FILE (JSON, JSONL or CSV)");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (use->no_cache && use->offline) {
		llmops_error("eval: --offline needs the cache: drop --no-cache");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	const char *fmt = o.format;
	if (o.output && !fmt && !(fmt = llmops_report_format_for(o.output))) {
		llmops_error("eval: -o %s: cannot tell the format from the extension: use .json, "
			     ".jsonl, .csv, .xml (JUnit), .md or .html, or give --format",
			     o.output);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (o.output && !strcmp(fmt, "text")) {
		llmops_error("eval: -o writes json, jsonl, csv, junit, markdown or html, not text");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	double significance = isnan(use->significance) ? -1 : use->significance;
	if (use->fail_on_regression && !use->baseline) {
		llmops_error("eval: --fail-on-regression compares with a baseline: give --baseline "
			     "RUN|last|pinned");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (use->shard) {
		char *end;
		ev->shard_index = strtol(use->shard, &end, 10);
		ev->shard_count = *end == '/' ? strtol(end + 1, &end, 10) : 0;
		if (*end || ev->shard_index < 1 || ev->shard_count < 1 ||
		    ev->shard_index > ev->shard_count || ev->shard_count > 100000) {
			llmops_error("eval: --shard: '%s' is not I/N with 1 <= I <= N (e.g. 2/4)",
				     use->shard);
			rc = LLMOPS_EXIT_USAGE;
			goto out;
		}
	}
	ev->pair_alpha = isnan(use->significance) ? 0.05 : use->significance;
	if ((rc = eval_setup(&h, use)))
		goto out;
	if (!isnan(use->significance) && !use->baseline && !ev->judge.preference) {
		llmops_error("eval: --significance is the level of the baseline comparison "
			     "(--baseline RUN|last|pinned) or of judge:pairwise's sign test");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	h.baseline_missing_ok = use->baseline_missing_ok;
	if ((use->baseline && (rc = eval_baseline_resolve(&h, use->baseline))) ||
	    (rc = eval_begin(&h, use)))
		goto out;
	h.progress = !o.no_progress && isatty(2);
	const struct llmops_eval_cb cb = {h.progress ? progress_line : NULL, NULL, &h};

	struct sigaction sa = {0}, old_int, old_term;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct llmops_err err = {0};
	int run_rc = llmops_eval_run(ev, &cb, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (h.progress)
		fprintf(stderr, "\r\033[K");
	if (run_rc < 0) {
		rc = llmops_report(&err);
		eval_end(&h, LLMOPS_RUN_ERROR);
		goto out;
	}
	if (llmops_eval_repeats(ev))
		llmops_error("eval: out of memory while summarising the repeats");
	rc = gate_and_exit(ev, run_rc);
	if (ev->baseline_id[0] && rc != LLMOPS_EXIT_INTERRUPTED) {
		int reg = llmops_eval_compare(ev, significance, &err);
		if (reg < 0)
			llmops_report(&err);
		if (reg < 0 && !rc)
			rc = LLMOPS_EXIT_RUNTIME;
		else if (reg > 0 && use->fail_on_regression && !rc)
			rc = LLMOPS_EXIT_CHECK;
	}
	eval_end(&h, rc == LLMOPS_EXIT_INTERRUPTED ? LLMOPS_RUN_INTERRUPTED
		     : rc == LLMOPS_EXIT_RUNTIME   ? LLMOPS_RUN_ERROR
		     : rc == LLMOPS_EXIT_CHECK	   ? LLMOPS_RUN_FAILED
						   : LLMOPS_RUN_PASSED);
	if (o.output) {
		int wrc = eval_write_report(ev, o.output, fmt);
		if (wrc && !rc)
			rc = wrc;
	}
	if (!o.output && fmt && strcmp(fmt, "text")) {
		int wrc = eval_write_report(ev, "-", fmt);
		if (wrc && !rc)
			rc = wrc;
	} else {
		eval_print_text(ev, ctx->color, rc == LLMOPS_EXIT_INTERRUPTED);
		eval_baseline_print(ev, ctx);
	}
	if (ev->redactions)
		llmops_error(
			"eval: answers held the value of a key variable (*_KEY, *_TOKEN, *_SECRET, "
			"*_PASSWORD, *_CREDENTIAL, a provider's api_key_env) %ld time%s; each was "
			"replaced by [redacted] before anything was stored (the requests too), and "
			"those answers were not cached",
			ev->redactions, ev->redactions == 1 ? "" : "s");
	if (rc == LLMOPS_EXIT_INTERRUPTED)
		llmops_error("eval: interrupted; %ld results recorded: llmops eval --resume %s",
			     ev->done, ev->run_id);
out:
	eval_teardown(&h);
	eval_opts_release(&o);
	eval_opts_release(&ro);
	return rc;
}
