/*
 * runs.c - `llmops runs`: one line per run in the ledger, newest first.
 */
#include "llmops.h"

#include "hash.h"
#include "options.h"
#include "output.h"
#include "run_fmt.h"
#include "since.h"

LLMOPS_USAGE(usage, "llmops runs",
	     "List the runs in the ledger, newest first: id, when (local time), kind, git\n"
	     "commit (* when the prompt files differed from it), prompt@version,\n"
	     "provider/model, cases, pass rate, cost and status.  --dataset matches runs of\n"
	     "the file at that path (any version of it) or of its current content.  --since\n"
	     "takes a date (2026-11-22, 2026-11-22T14:30Z) or an age (90m, 36h, 7d, 2w,\n"
	     "today).  --limit defaults to 50; 0 lists every run.",
	     "llmops runs [--prompt NAME] [--dataset FILE] [--kind KIND] [--status STATUS]",
	     "            [--since DATE|AGE] [--limit N] [--format FORMAT]");

static const char *const statuses[] = {"running", "passed", "failed", "error", "interrupted", NULL};

int cmd_runs(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *since_s = NULL, *status = NULL;
	struct llmops_run_filter f = {0};
	long limit = 50;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run **runs = NULL;
	char since[32], sha[LLMOPS_SHA256_HEX_LEN + 1];
	size_t n = 0;
	int rc;
	const struct llmops_option opts[] = {
		{OPT_STRING, 'p', "prompt", &f.prompt_name, "NAME", "runs of this prompt", NULL, 0,
		 0},
		{OPT_STRING, 'd', "dataset", &f.dataset_path, "FILE", "runs of this dataset", NULL,
		 0, 0},
		{OPT_STRING, 0, "kind", &f.kind, "KIND", "runs of this kind (eval, ...)", NULL, 0,
		 0},
		{OPT_CHOICE, 0, "status", &status, "STATUS", "runs that ended so", statuses, 0, 0},
		{OPT_STRING, 0, "since", &since_s, "DATE|AGE", "runs started at or after", NULL, 0,
		 0},
		{OPT_INT, 'n', "limit", &limit, "N", "at most N runs (default 50; 0: all)", NULL, 0,
		 100000000},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	n = 0;
	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (since_s) {
		if (llmops_since_parse(since_s, llmops_now_ms(), since, &err))
			return llmops_report(&err);
		f.since = since;
	}
	if (f.dataset_path && llmops_sha256_file_hex(sha, f.dataset_path))
		f.dataset_sha256 = sha;
	f.status = status;
	f.limit = (size_t)limit;
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_ledger_runs_list(lg, &f, &runs, &n, &err))
		return llmops_report(&err);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, llmops_runfmt_run_json(runs[i]));
		rc = llmops_emit(stdout, a, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(a);
	} else if (!n) {
		if (f.prompt_name || f.dataset_path || f.since || f.kind || f.status)
			fprintf(stderr, "llmops: no runs match those filters in %s\n",
				llmops_ledger_path(lg));
		else
			fprintf(stderr, "llmops: no runs yet in %s; 'llmops eval' records one\n",
				llmops_ledger_path(lg));
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_runs_print(stdout, runs, n, &sgr);
		if (limit && n == (size_t)limit)
			fprintf(stderr, "llmops: showing the newest %zu; --limit 0 shows all\n", n);
	}
	llmops_runs_free(runs, n);
	return rc;
}
