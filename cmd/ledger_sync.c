/*
 * ledger_sync.c - `llmops ledger push` and `ledger fetch`: the ledger's runs
 * through the project's git remote (lib/ledgersync.h).
 */
#include "llmops.h"

#include "json.h"

#include "ledger.h"
#include "ledger_cmd.h"
#include "ledgersync.h"
#include "options.h"
#include "output.h"
#include "workspace.h"

static cJSON *stats_json(const struct llmops_sync_stats *s, const char *remote)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "remote", remote);
	LLMOPS_JSON_NUMS(o, {"runs", s->runs}, {"pushed", s->pushed}, {"present", s->present},
			 {"merged", s->merged}, {"results", s->results}, {"retries", s->retries},
			 {"kept_local", s->kept_local}, {"replaced", s->replaced},
			 {"bytes", s->bytes});
	return o;
}

static int sync_verb(int argc, char **argv, struct llmops_ctx *ctx, int push)
{
	LLMOPS_USAGE(push_u, "llmops ledger push",
		     "Store every finished run the remote (default origin) lacks as a git object\n"
		     "under refs/llmops/runs/<RUN>/<CASES> of this repository and push those\n"
		     "refs: its summary, results, dataset and reviews, never the response cache.\n"
		     "Each run has its own ref, so pushes from several machines never conflict; a\n"
		     "push refused because another machine pushed the same run with other records\n"
		     "is fetched, merged and pushed again.  Production runs (llmops ingest: the\n"
		     "application's traffic, its users' text) stay local unless --with-production\n"
		     "says otherwise: what is pushed to git stays in its history.",
		     "llmops ledger push [REMOTE] [--with-production] [--format FORMAT]");
	LLMOPS_USAGE(fetch_u, "llmops ledger fetch",
		     "Fetch refs/llmops/runs/* from the remote (default origin) and merge every\n"
		     "run the ledger lacks, as 'llmops ledger merge' does: nothing twice.  Each\n"
		     "snapshot is untrusted input: one that is not exactly a ledger this llmops\n"
		     "writes, holds another run than its ref names, or changes a run the ledger\n"
		     "has is refused, named and not kept, the others are merged, and the exit\n"
		     "status is 2.  Never the response cache.",
		     "llmops ledger fetch [REMOTE] [--format FORMAT]");
	const char *format = "text";
	int production = 0;
	const struct llmops_option push_opts[] = {
		{OPT_FLAG, 0, "with-production", &production, NULL,
		 "push production runs too (the application's traffic: its users' text)", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY};
	const struct llmops_option *opts = push ? push_opts : push_opts + 1;
	struct llmops_sync_stats st;
	struct llmops_err err = {0};
	struct llmops_workspace *ws;
	struct llmops_ledger *lg;
	int n = llmops_parse_command(argc, argv, opts, push ? &push_u : &fetch_u, 0, 1), rc;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	const char *remote = n ? argv[0] : "origin";
	if ((rc = llmops_ctx_workspace(ctx, &ws)))
		return rc;
	if (!ws->in_repo) {
		llmops_error(
			"ledger %s: runs travel through a git remote; run it inside a git work "
			"tree",
			push ? "push" : "fetch");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = push ? llmops_ctx_ledger_existing(ctx, &lg) : llmops_ctx_ledger(ctx, &lg)))
		return rc;
	if (push ? llmops_ledger_push(lg, ws->root, remote, ctx->env,
				      production ? LLMOPS_SYNC_PRODUCTION : 0, &st, &err)
		 : llmops_ledger_fetch(lg, ws->root, remote, ctx->env, &st, &err)) {
		llmops_sync_stats_release(&st);
		return llmops_report(&err);
	}
	/* a refused snapshot is bad input from the remote: said, and the exit status says
	   so, so that nothing downstream (a gate comparing with these runs) passes unaware */
	for (size_t i = 0; i < st.refused.nr; i++)
		llmops_error("ledger fetch: refused %s", st.refused.items[i]);
	rc = st.refused.nr ? LLMOPS_EXIT_USAGE : 0;
	if (st.refused.nr)
		llmops_error("ledger fetch: %zu snapshot%s refused and not kept; the other runs "
			     "were fetched.  Delete a bad ref on the remote with 'git push %s "
			     "--delete REF'",
			     st.refused.nr, st.refused.nr == 1 ? "" : "s", remote);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *o = stats_json(&st, remote), *arr = cJSON_AddArrayToObject(o, "refused");
		for (size_t i = 0; i < st.refused.nr; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(st.refused.items[i]));
		llmops_sync_stats_release(&st);
		int e = llmops_emit_out(o, llmops_format_from(format));
		return e ? e : rc;
	}
	if (push) {
		printf("pushed %ld run%s to %s (%ld already there, of %ld finished; %.1f KB before "
		       "git's compression)%s\n",
		       st.pushed, st.pushed == 1 ? "" : "s", remote, st.present, st.runs,
		       st.bytes / 1024, st.retries ? "; retried after a fetch" : "");
		if (st.replaced)
			printf("%ld partial cop%s of production runs replaced by the union of "
			       "their "
			       "records\n",
			       st.replaced, st.replaced == 1 ? "y" : "ies");
		if (st.kept_local)
			printf("%ld production run%s kept local (--with-production pushes them)\n",
			       st.kept_local, st.kept_local == 1 ? "" : "s");
	} else {
		printf("fetched %ld run%s from %s: %ld merged (%ld results), %ld already in %s%s\n",
		       st.runs, st.runs == 1 ? "" : "s", remote, st.merged, st.results, st.present,
		       llmops_ledger_path(lg), st.refused.nr ? ", some refused" : "");
	}
	llmops_sync_stats_release(&st);
	return rc;
}

int ledger_push(int argc, char **argv, struct llmops_ctx *ctx)
{
	return sync_verb(argc, argv, ctx, 1);
}

int ledger_fetch(int argc, char **argv, struct llmops_ctx *ctx)
{
	return sync_verb(argc, argv, ctx, 0);
}
