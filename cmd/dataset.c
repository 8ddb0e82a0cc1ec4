/*
 * dataset.c - `llmops dataset add|diff|log`: failures made cases, two versions compared
 * case by case, a dataset's versions with their runs.
 */
#include "llmops.h"

#include "dataset_view.h"
#include "incident.h"

#include "output.h"
#include "prompt_cmd.h"
#include "verbs.h"

#include <stdlib.h>

static int dataset_add(int argc, char **argv, struct llmops_ctx *ctx);
static int dataset_diff(int argc, char **argv, struct llmops_ctx *ctx);
static int dataset_log(int argc, char **argv, struct llmops_ctx *ctx);

static const struct llmops_verb verbs[] = {
	{"add", dataset_add, "a failed result or a production record as a new case"},
	{"diff", dataset_diff, "two versions of a dataset: cases added, removed, changed, by id"},
	{"log", dataset_log, "a dataset's versions in git, each with its hash and its runs"},
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

LLMOPS_USAGE(usage, "llmops dataset",
	     "Datasets as versioned files: add a failed result or a production record as a\n"
	     "case, compare two versions case by case, and list the versions git has with\n"
	     "the runs the ledger recorded of each.",
	     "llmops dataset add DATASET --from RUN:CASE|RECORD [--expected TEXT] [--id ID] "
	     "[--format FORMAT]",
	     "llmops dataset diff A B [--exit-code] [--format FORMAT]",
	     "llmops dataset log FILE [--format FORMAT]");

static int dataset_add(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops dataset add",
		"Add a case to DATASET (JSON, JSONL or CSV; a new .json or .jsonl file is\n"
		"made) from a result that went wrong or a production record, so the failure\n"
		"becomes a regression case.  RUN:CASE takes the case as the run's dataset\n"
		"held it (the version the run recorded, from the work tree or git), without\n"
		"its recorded output; a record (id:ID or sha256:HEX, as ingest keeps it)\n"
		"becomes its request's messages.  The expected answer: --expected, else the\n"
		"output an accepted review approved, else the record's reference or the\n"
		"case's own.  The file is edited minimally (the rest byte for byte as it\n"
		"was); a case whose id or content the dataset has already is refused.",
		"llmops dataset add DATASET --from RUN:CASE|RECORD [--expected TEXT] [--id ID] "
		"[--format FORMAT]");
	const char *format = "text";
	struct llmops_incident_opts io = {0};
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "from", &io.source, "RUN:CASE|RECORD",
		 "the result (e.g. last:c07) or production record (id:ID) to add", NULL, 0, 0},
		{OPT_STRING, 0, "expected", &io.expected, "TEXT", "the right answer", NULL, 0, 0},
		{OPT_STRING, 0, "id", &io.id, "ID", "the new case's id", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_prompt_env env;
	struct llmops_incident_from from;
	struct llmops_ledger *lg;
	struct llmops_err err = {0};
	cJSON *c = NULL;
	char rel[4096];
	int rc, line = 0;

	if ((rc = llmops_parse_command(argc, argv, opts, &u, 1, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!io.source) {
		llmops_error("dataset add: --from RUN:CASE or --from RECORD is required");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	llmops_prompt_root_relative(&env, argv[0], rel, sizeof(rel));
	if (!(rc = llmops_ctx_ledger_read(ctx, &lg)) &&
	    (llmops_incident_case(lg, env.store, &io, &c, &from, &err) ||
	     llmops_dataset_append(argv[0], c, &line, &err)))
		rc = llmops_report(&err);
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON)
		rc = llmops_emit_out(llmops_incident_json(rel, line, c, &from), LLMOPS_FORMAT_JSON);
	else if (!rc)
		llmops_incident_print(stdout, rel, line, c, &from);
	cJSON_Delete(c);
	llmops_prompt_env_close(&env);
	return rc;
}

static int dataset_diff(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops dataset diff",
		     "Compare two versions of a dataset case by case, matched by id: the cases\n"
		     "B adds, the cases it removes, and for each case in both, the keys whose\n"
		     "values differ (expected, vars.question, assert, ...).  A and B are each a\n"
		     "file in the work tree (PATH) or as committed at a git revision (REV:PATH,\n"
		     "PATH relative to the current directory): HEAD~1:evals/qa.json\n"
		     "evals/qa.json shows what the uncommitted edits and the last commit did.\n"
		     "JSON, JSONL and CSV files compare with each other.  --exit-code: exit 1\n"
		     "when they differ.",
		     "llmops dataset diff A B [--exit-code] [--format FORMAT]");
	const char *format = "text";
	int exit_code = 0, rc;
	const struct llmops_option opts[] = {
		{OPT_FLAG, 0, "exit-code", &exit_code, NULL, "exit 1 when the datasets differ",
		 NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_prompt_env env;
	struct llmops_dataset a = {0}, b = {0};
	struct llmops_dataset_source sa, sb;
	struct llmops_dataset_diff d = {0};
	struct llmops_err err = {0};

	if ((rc = llmops_parse_command(argc, argv, opts, &u, 2, 2)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_dataset_at_load(&a, &sa, &env, argv[0], &err) ||
	    llmops_dataset_at_load(&b, &sb, &env, argv[1], &err) ||
	    llmops_dataset_diff(&a, &b, &d, &err)) {
		rc = llmops_report(&err);
	} else {
		const struct llmops_dataset_side x = {argv[0], &sa, &a}, y = {argv[1], &sb, &b};
		if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
			rc = llmops_emit_out(llmops_dataset_diff_json(&x, &y, &d),
					     LLMOPS_FORMAT_JSON);
		} else {
			const struct llmops_sgr sgr = llmops_sgr_of(ctx);
			llmops_pager_start(ctx);
			llmops_dataset_diff_print(stdout, &x, &y, &d, &sgr);
		}
		if (!rc && exit_code && d.n)
			rc = LLMOPS_EXIT_CHECK;
	}
	llmops_dataset_diff_release(&d);
	llmops_dataset_release(&a);
	llmops_dataset_release(&b);
	llmops_prompt_env_close(&env);
	return rc;
}

static int dataset_log(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops dataset log",
		     "The versions of the dataset FILE, newest first: the work tree's when it\n"
		     "differs from HEAD's, then each commit that added, changed or deleted it,\n"
		     "with the SHA-256 of its content (what a run records as its dataset), its\n"
		     "case count, and the runs in the ledger of exactly that content: how many,\n"
		     "and the newest with its status and pass count.",
		     "llmops dataset log FILE [--format FORMAT]");
	const char *format = "text";
	const struct llmops_option opts[] = {OPT_FORMAT_ENTRY(&format), OPT_HELP_ENTRY,
					     OPT_END_ENTRY};
	struct llmops_prompt_env env;
	struct llmops_dataset_history h = {0};
	struct llmops_version_runs *vr = NULL;
	struct llmops_ledger *lg;
	struct llmops_err err = {0};
	char path[4096];
	int rc;

	if ((rc = llmops_parse_command(argc, argv, opts, &u, 1, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	llmops_prompt_root_relative(&env, argv[0], path, sizeof(path));
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		goto out;
	if (llmops_dataset_history(env.store, path, &h, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!(vr = calloc(h.n ? h.n : 1, sizeof(*vr)))) {
		llmops_err_set(&err, LLMOPS_E_NOMEM, "out of memory");
		rc = llmops_report(&err);
		goto out;
	}
	for (size_t i = 0; i < h.n && !rc; i++) {
		struct llmops_run_filter f = {.dataset_sha256 = h.v[i].sha256};
		struct llmops_run **runs = NULL;
		if (h.v[i].sha256[0] && llmops_ledger_runs_list(lg, &f, &runs, &vr[i].n, &err))
			rc = llmops_report(&err);
		vr[i].runs = runs;
	}
	if (!rc && llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		rc = llmops_emit_out(llmops_dataset_log_json(path, &h, vr), LLMOPS_FORMAT_JSON);
	} else if (!rc) {
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_pager_start(ctx);
		llmops_dataset_log_print(stdout, path, &h, vr, &sgr);
	}
out:
	for (size_t i = 0; vr && i < h.n; i++)
		llmops_runs_free((struct llmops_run **)vr[i].runs, vr[i].n);
	free(vr);
	llmops_dataset_history_release(&h);
	llmops_prompt_env_close(&env);
	return rc;
}

int cmd_dataset(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("dataset", verbs, NVERBS, argc, argv, ctx, &usage);
}
