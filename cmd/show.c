/*
 * show.c - `llmops show RUN`: one run's summary and its cases.
 */
#include "llmops.h"

#include "runview.h"
#include "show_text.h"

#include "options.h"
#include "output.h"
#include "run_fmt.h"
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

LLMOPS_USAGE(usage, "llmops show",
	     "Show a run's summary (what ran, on which commit, pass rate with its 95%\n"
	     "interval, mean score, latency, tokens, cost) and one line per case.  RUN is a\n"
	     "run id, a unique prefix of one (4 or more characters), 'last' (the default)\n"
	     "or 'last~N' (N runs before the last); with --dataset FILE, 'last' and\n"
	     "'last~N' count that dataset's runs only.  --failed lists only the cases that did\n"
	     "not pass; --case ID shows that case in full: expected, output and the request.",
	     "llmops show [RUN] [--dataset FILE] [--failed] [--case ID] [--format FORMAT]");

/* The case ids of d, for a suggestion. */
static int no_such_case(const struct llmops_run_data *d, const char *id)
{
	const char **ids = malloc((d->n ? d->n : 1) * sizeof(*ids));
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;

	for (size_t i = 0; ids && i < d->n; i++)
		ids[i] = d->results[i].case_id;
	if (ids)
		llmops_suggest(&near, id, ids, d->n);
	llmops_error("show: run %s has no case '%s'%s%s", d->run->id, id,
		     near.nr ? "; did you mean " : "", near.nr ? near.items[0] : "");
	llmops_strlist_release(&near);
	free(ids);
	return LLMOPS_EXIT_USAGE;
}

int cmd_show(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *case_id = NULL, *dataset = NULL, *run_ref;
	char id[LLMOPS_RUNID_LEN + 1];
	int failed_only = 0, rc, json;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_run_data *d = NULL;
	size_t shown = 0;
	const struct llmops_option opts[] = {
		{OPT_FLAG, 0, "failed", &failed_only, NULL, "only cases that did not pass", NULL, 0,
		 0},
		{OPT_STRING, 'c', "case", &case_id, "ID", "one case in full", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "RUN among this dataset's runs: the default 'last' is its newest", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (!(run_ref = runfmt_pick(lg, argv[0], dataset, id, &rc)))
		return rc;
	if (llmops_run_data_load(lg, run_ref, &d, &err))
		return llmops_report(&err);
	for (size_t i = 0; case_id && i < d->n; i++)
		shown += !strcmp(d->results[i].case_id, case_id);
	if (case_id && !shown) {
		rc = no_such_case(d, case_id);
		llmops_run_data_free(d);
		return rc;
	}
	if (json) {
		const struct llmops_run_view_opts vo = {failed_only, case_id};
		cJSON *o = llmops_run_view_json(d, &vo);
		rc = !o || llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		if (!o)
			llmops_error("show: out of memory");
		cJSON_Delete(o);
		llmops_run_data_free(d);
		return rc;
	}
	const struct llmops_sgr sgr = llmops_sgr_of(ctx);
	const struct llmops_show_opts so = {failed_only, case_id, &sgr};
	llmops_pager_start(ctx);
	if (llmops_show_print(stdout, d, &so))
		llmops_error("show: out of memory while summarising the repeats");
	llmops_run_data_free(d);
	return 0;
}
