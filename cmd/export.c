/*
 * export.c - `llmops export`: the ledger's results for other tools:
 * Prometheus text exposition, OpenTelemetry traces (OTLP/JSON, printed or
 * POSTed to a collector), CSV and JSONL.
 */
#include "llmops.h"

#include "env.h"
#include "export.h"
#include "options.h"
#include "outfile.h"
#include "since.h"

#include <string.h>

LLMOPS_USAGE(usage, "llmops export",
	     "Write the ledger's results for other tools.  prometheus: counters and\n"
	     "histograms of requests, cases, tokens, cost and latency by prompt, version,\n"
	     "model, provider and source (eval, or production from llmops ingest), in the\n"
	     "text exposition format.  otlp: one OpenTelemetry\n"
	     "span per request with the GenAI semantic-convention attributes, as OTLP/JSON;\n"
	     "with --otlp-endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) they are POSTed to the\n"
	     "collector's /v1/traces in batches, with OTEL_EXPORTER_OTLP_HEADERS sent as\n"
	     "headers.  csv and jsonl: one line per result with its run.",
	     "llmops export --format prometheus|otlp|csv|jsonl [--since DATE|AGE] [--run RUN]",
	     "              [-o FILE | --otlp-endpoint URL]");

static const char *const formats[] = {"prometheus", "otlp", "csv", "jsonl", NULL};

/* ------------------------------------------------------------- command */

int cmd_export(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = NULL, *since_s = NULL, *run_ref = NULL, *path = "-", *endpoint = NULL;
	struct llmops_strlist hdrs = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run *run = NULL;
	struct outfile of = {0};
	char since[32], url[2048];
	int rc;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "format", &format, "FORMAT", "prometheus, otlp, csv or jsonl",
		 formats, 0, 0},
		{OPT_STRING, 0, "since", &since_s, "DATE|AGE", "runs started at or after", NULL, 0,
		 0},
		{OPT_STRING, 0, "run", &run_ref, "RUN", "one run only", NULL, 0, 0},
		{OPT_STRING, 'o', "output", &path, "FILE", "write to FILE (default: stdout)", NULL,
		 0, 0},
		{OPT_STRING, 0, "otlp-endpoint", &endpoint, "URL",
		 "POST the traces to this collector (/v1/traces)", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!format) {
		llmops_error("export: which format? give --format prometheus, otlp, csv or jsonl");
		return LLMOPS_EXIT_USAGE;
	}
	if (!endpoint && !strcmp(format, "otlp") && strcmp(path, "-") == 0) {
		const char *e = llmops_env_get(ctx->env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
		if (!e || !*e)
			e = llmops_env_get(ctx->env, "OTEL_EXPORTER_OTLP_ENDPOINT");
		if (e && *e)
			endpoint = e;
	}
	if (endpoint && strcmp(format, "otlp")) {
		llmops_error("export: --otlp-endpoint sends OTLP traces: use --format otlp");
		return LLMOPS_EXIT_USAGE;
	}
	if (endpoint && strcmp(path, "-")) {
		llmops_error("export: give -o FILE or --otlp-endpoint URL, not both");
		return LLMOPS_EXIT_USAGE;
	}
	if (endpoint && strncmp(endpoint, "http://", 7) && strncmp(endpoint, "https://", 8)) {
		llmops_error("export: --otlp-endpoint: '%s' is not an http:// or https:// URL",
			     endpoint);
		return LLMOPS_EXIT_USAGE;
	}
	if (since_s && llmops_since_parse(since_s, llmops_now_ms(), since, &err))
		return llmops_report(&err);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (run_ref && llmops_ledger_run_get(lg, run_ref, &run, &err))
		return llmops_report(&err);
	if (!endpoint && (rc = outfile_open(&of, path, "export", 1)))
		goto out;
	struct llmops_post post = {0};
	struct llmops_export x = {0};
	x.since = since_s ? since : NULL;
	x.run_id = run ? run->id : NULL;
	x.f = of.f;
	x.format = !strcmp(format, "prometheus") ? LLMOPS_EXPORT_PROMETHEUS
		   : !strcmp(format, "otlp")	 ? LLMOPS_EXPORT_OTLP
		   : !strcmp(format, "csv")	 ? LLMOPS_EXPORT_CSV
						 : LLMOPS_EXPORT_JSONL;
	if (endpoint) {
		const char *hs = llmops_env_get(ctx->env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS");
		llmops_otlp_traces_url(endpoint, url, sizeof(url));
		llmops_otlp_headers(
			hs && *hs ? hs : llmops_env_get(ctx->env, "OTEL_EXPORTER_OTLP_HEADERS"),
			&hdrs);
		post.url = url;
		post.headers = (const char *const *)hdrs.items;
		post.timeout_ms = 30000;
		post.retries = 3;
		post.backoff_ms = 250;
		x.post = &post;
	}
	rc = llmops_export_write(lg, &x, &err);
	if (x.post_failed) {
		llmops_error("export: %s (%ld spans sent before it)", err.msg, x.sent);
		rc = err.code == LLMOPS_E_INPUT ? LLMOPS_EXIT_USAGE : LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if (!rc && endpoint)
		fprintf(stderr, "llmops: sent %ld span%s to %s in %ld request%s\n", x.sent,
			x.sent == 1 ? "" : "s", url, x.posts, x.posts == 1 ? "" : "s");
	if (rc) {
		if (rc == LLMOPS_E_NOMEM || rc == LLMOPS_E_IO)
			llmops_error("export: %s", rc == LLMOPS_E_NOMEM
							   ? "out of memory"
							   : "cannot write the output");
		else
			llmops_report(&err);
		rc = rc == LLMOPS_E_NOMEM || rc == LLMOPS_E_IO ? LLMOPS_EXIT_RUNTIME
							       : llmops_exit_for(rc);
		if (of.f)
			outfile_abort(&of);
		goto out;
	}
	if (of.f)
		rc = outfile_close(&of, "export");
out:
	llmops_strlist_release(&hdrs);
	llmops_run_free(run);
	return rc;
}
