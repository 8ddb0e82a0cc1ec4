/*
 * eval.c - `llmops eval`: the options handed to the engine (lib/eval/eval.h)
 * with llmops.json and the environment, the progress line, the signals,
 * the gate's exit status, and what is printed.
 */
#include "llmops.h"

#include "cmdconfig.h"
#include "eval_opts.h"
#include "report.h"
#include "workspace.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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
	struct llmops_eval_progress p;
	char eta[32];
	(void)ud;
	llmops_eval_progress(ev, &p);
	fmt_eta(eta, sizeof(eta),
		p.done ? p.elapsed_s / (double)p.done * (double)(p.total - p.done) : NAN);
	fprintf(stderr, "\r\033[K%ld/%ld done, %ld passing, %ld errors, %ld tokens, $%.4f, ETA %s",
		p.done, p.total, p.passed, p.errors, p.tokens, p.cost, eta);
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

/* What the options say that the engine cannot know: the format of -o, --production's. */
static int check_options(const struct eval_opts *use, const struct eval_opts *o, const char **fmt)
{
	if (!use->production && (use->since || use->assert_file || use->sample >= 0)) {
		llmops_error("eval: --since, --sample and --assert go with --production");
		return LLMOPS_EXIT_USAGE;
	}
	*fmt = o->format;
	if (o->output && !*fmt && !(*fmt = llmops_report_format_for(o->output))) {
		llmops_error("eval: -o %s: cannot tell the format from the extension: use .json, "
			     ".jsonl, .csv, .xml (JUnit), .md or .html, or give --format",
			     o->output);
		return LLMOPS_EXIT_USAGE;
	}
	if (o->output && !strcmp(*fmt, "text")) {
		llmops_error("eval: -o writes json, jsonl, csv, junit, markdown or html, not text");
		return LLMOPS_EXIT_USAGE;
	}
	if (use->fail_on_regression && !use->baseline) {
		llmops_error("eval: --fail-on-regression compares with a baseline: give --baseline "
			     "RUN|last|pinned");
		return LLMOPS_EXIT_USAGE;
	}
	return 0;
}

/* The engine from the options, llmops.json and the environment; its notes printed. */
static int make_engine(struct eval_host *h, const struct eval_opts *use)
{
	struct llmops_eval_options eo;
	struct llmops_config cfg = {0};
	struct llmops_pricing *prices = NULL; /* the approved models are read against it */
	struct llmops_strlist notes = LLMOPS_STRLIST_INIT;
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	char *cwd = NULL;
	int rc;
	if ((rc = llmops_ctx_workspace(h->ctx, &ws)))
		goto out;
	if ((rc = config_load(ws->root, &cfg, &prices)))
		goto out;
	eval_engine_options(use, &eo);
	eo.ledger = h->ledger;
	eo.root = ws->root;
	eo.in_repo = ws->in_repo;
	eo.cwd = cwd = realpath(".", NULL);
	eo.env = h->ctx->env;
	eo.stop_flag = &interrupted;
	eo.label_prompt = h->label_prompt;
	eo.label_version = h->label_version;
	eo.resume_id = h->resume_id[0] ? h->resume_id : NULL;
	eo.resume_sha256 = h->resume_sha;
	rc = llmops_eval_new(&h->ev, &eo, &cfg, &notes, &err);
	for (size_t i = 0; i < notes.nr; i++)
		llmops_error("%s", notes.items[i]);
	if (rc)
		rc = llmops_report(&err);
out:
	free(cwd);
	llmops_strlist_release(&notes);
	llmops_config_release(&cfg);
	llmops_pricing_free(prices);
	return rc;
}

/* Open files up to the hard limit: each request in flight holds a socket, and a command
   tool three pipes (--concurrency 512 with tools needs about 2,100; the usual soft
   limit is 1,024).  A limit still too low shows as requests that fail, recorded. */
static void raise_open_files(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max || rl.rlim_cur >= 65536)
		return;
	rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* Send the requests (SIGINT and SIGTERM stop them), with a progress line on a terminal. */
static int run(struct eval_host *h, int progress, int *run_rc)
{
	const struct llmops_eval_cb cb = {progress ? progress_line : NULL, NULL, h};
	struct sigaction sa = {0}, old_int, old_term;
	struct llmops_err err = {0};
	raise_open_files();
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	*run_rc = llmops_eval_run(h->ev, &cb, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (progress)
		fprintf(stderr, "\r\033[K");
	return *run_rc < 0 ? llmops_report(&err) : 0;
}

static void finish(struct eval_host *h, int rc)
{
	struct llmops_err err = {0};
	int status = rc == LLMOPS_EXIT_INTERRUPTED ? LLMOPS_RUN_INTERRUPTED
		     : rc == LLMOPS_EXIT_RUNTIME   ? LLMOPS_RUN_ERROR
		     : rc == LLMOPS_EXIT_CHECK	   ? LLMOPS_RUN_FAILED
						   : LLMOPS_RUN_PASSED;
	if (llmops_eval_finish(h->ev, status, &err))
		llmops_report(&err);
}

/* The gate, the comparison with the baseline, the run's end in the ledger. */
static int decide(struct eval_host *h, const struct eval_opts *use, int run_rc)
{
	struct llmops_err err = {0};
	if (llmops_eval_repeats(h->ev))
		llmops_error("eval: out of memory while summarising the repeats");
	if (llmops_eval_bias_compute(h->ev, &err) || /* their findings are part of the gate */
	    llmops_eval_probes_compute(h->ev, &err))
		llmops_report(&err);
	int rc = gate_and_exit(h->ev, run_rc);
	if (rc != LLMOPS_EXIT_INTERRUPTED) {
		int reg = llmops_eval_compare(h->ev, &err);
		if (reg < 0)
			llmops_report(&err);
		if (reg < 0 && !rc)
			rc = LLMOPS_EXIT_RUNTIME;
		else if (reg > 0 && use->fail_on_regression && !rc)
			rc = LLMOPS_EXIT_CHECK;
	}
	finish(h, rc);
	return rc;
}

/* What is printed: the run as a report (-o FILE, --format), else the text summary. */
static int show(struct eval_host *h, const struct eval_opts *o, const char *fmt, int rc)
{
	struct llmops_eval_progress p;
	if (o->output) {
		int wrc = eval_write_report(h, o->output, fmt);
		rc = rc ? rc : wrc;
	}
	if (!o->output && fmt && strcmp(fmt, "text")) {
		int wrc = eval_write_report(h, "-", fmt);
		rc = rc ? rc : wrc;
	} else {
		eval_print_text(h, rc == LLMOPS_EXIT_INTERRUPTED);
	}
	llmops_eval_progress(h->ev, &p);
	if (p.redactions)
		llmops_error(
			"eval: answers held the value of a key variable (*_KEY, *_TOKEN, *_SECRET, "
			"*_PASSWORD, *_CREDENTIAL, a provider's api_key_env) %ld time%s; each was "
			"replaced by [redacted] before anything was stored (the requests too), and "
			"those answers were not cached",
			p.redactions, p.redactions == 1 ? "" : "s");
	if (rc == LLMOPS_EXIT_INTERRUPTED)
		llmops_error("eval: interrupted; %ld results recorded: llmops eval --resume %s",
			     p.done, llmops_eval_run_id(h->ev));
	return rc;
}

int cmd_eval(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct eval_opts o = EVAL_OPTS_INIT, ro = EVAL_OPTS_INIT;
	struct eval_host h = {0};
	const struct eval_opts *use = &o;
	const char *fmt = NULL;
	struct llmops_err err = {0};
	int rc = eval_parse_options(argc, argv, &o), run_rc = 0;
	if (rc) {
		eval_opts_release(&o);
		return rc < 0 ? 0 : rc;
	}
	h.ctx = ctx;
	if ((rc = llmops_ctx_ledger(ctx, &h.ledger)))
		goto out;
	if (o.resume && (rc = eval_resume_options(&h, &o, &ro)))
		goto out;
	if (o.resume)
		use = &ro;
	if (use->production && (rc = eval_production(&h, use == &o ? &o : &ro)))
		goto out;
	if (!use->bias && !isnan(use->max_bias_gap)) {
		llmops_error("eval: --max-bias-gap gates the bias probes: give --bias ATTR too");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (use->bias && (rc = eval_bias(&h, use == &o ? &o : &ro)))
		goto out;
	if ((!use->probes && (!isnan(use->max_attack_success) || use->sarif))) {
		llmops_error("eval: --max-attack-success and --sarif are the probes': give "
			     "--probes CATEGORY too");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (use->probes && (rc = eval_probes(&h, use == &o ? &o : &ro)))
		goto out;
	if ((rc = check_options(use, &o, &fmt)) || (rc = make_engine(&h, use)))
		goto out;
	if (llmops_eval_start(h.ev, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = run(&h, !o.no_progress && isatty(2), &run_rc))) {
		finish(&h, LLMOPS_EXIT_RUNTIME);
		goto out;
	}
	rc = decide(&h, use, run_rc);
	int src = eval_probes_sarif(&h, use);
	rc = show(&h, &o, fmt, rc ? rc : src);
out:
	llmops_eval_free(h.ev);
	free(h.label_prompt);
	free(h.label_version);
	eval_opts_release(&o);
	eval_opts_release(&ro);
	return rc;
}
