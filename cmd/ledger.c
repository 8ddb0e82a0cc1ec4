/*
 * ledger.c - `llmops ledger create|info|check|backup|merge`: make, look
 * at, copy and merge ledgers.
 */
#include "llmops.h"

#include "json.h"

#include "ledger_view.h"

#include "ledger_cmd.h"
#include "output.h"
#include "verbs.h"

static int ledger_create(int argc, char **argv, struct llmops_ctx *ctx);
static int ledger_info(int argc, char **argv, struct llmops_ctx *ctx);
static int ledger_check(int argc, char **argv, struct llmops_ctx *ctx);
static int ledger_backup(int argc, char **argv, struct llmops_ctx *ctx);
static int ledger_merge(int argc, char **argv, struct llmops_ctx *ctx);

static const struct llmops_verb verbs[] = {
	{"backup", ledger_backup, "write a consistent copy of the ledger to FILE"},
	{"check", ledger_check, "run SQLite's integrity and foreign-key checks"},
	{"create", ledger_create, "make an empty ledger at the path (kept when it exists)"},
	{"fetch", ledger_fetch, "fetch the runs pushed to the git remote and merge them in"},
	{"info", ledger_info, "path, schema version, size and rows per table"},
	{"merge", ledger_merge,
	 "copy other ledgers in (no duplicates); fold sharded runs into one"},
	{"push", ledger_push, "push the finished runs to the git remote, each as its own ref"},
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

LLMOPS_USAGE(usage, "llmops ledger",
	     "Inspect the ledger (.llmops/ledger.db at the repository root unless --ledger\n"
	     "or LLMOPS_LEDGER says otherwise).  A ledger named by --ledger or\n"
	     "LLMOPS_LEDGER must exist except for eval, 'create' and 'merge', which make\n"
	     "it.  'check' exits 1 when it finds damage;\n"
	     "'backup' copies a consistent snapshot while other processes write and never\n"
	     "overwrites FILE.  'merge' copies in what other ledgers have that this one\n"
	     "lacks and folds the shards of an 'eval --shard I/N' back into one run.\n"
	     "'push' and 'fetch' carry runs through the project's git remote.",
	     "llmops ledger create", "llmops ledger info [--format FORMAT]",
	     "llmops ledger check [--format FORMAT]", "llmops ledger backup FILE",
	     "llmops ledger merge FILE... [--format FORMAT]",
	     "llmops ledger push|fetch [REMOTE] [--format FORMAT]");

/* Parse a verb's options (only --format and --help) and check it has min..max operands: their
   number, or < 0 (LLMOPS_OPT_EXIT gives the exit status). */
static int verb_options(int argc, char **argv, const char **format, const struct llmops_usage *u,
			int min, int max)
{
	const struct llmops_option with_format[] = {
		OPT_FORMAT_ENTRY(format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	const struct llmops_option plain[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};

	return llmops_parse_command(argc, argv, format ? with_format : plain, u, min, max);
}

static int ledger_info(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops ledger info",
		     "Show the ledger's path, schema version, journal mode, size and the rows\n"
		     "in each table.  Creates the ledger if it does not exist yet.",
		     "llmops ledger info [--format FORMAT]");
	const char *format = "text";
	struct llmops_ledger_info info;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	cJSON *out;
	int n = verb_options(argc, argv, &format, &u, 0, 0), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_ledger_info(lg, &info, &err))
		return llmops_report(&err);
	out = llmops_ledger_info_json(lg, &info);
	return llmops_emit_out(out, llmops_format_from(format));
}

static int ledger_create(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops ledger create",
		     "Make an empty ledger at the path (--ledger, LLMOPS_LEDGER or the\n"
		     "project's .llmops/ledger.db); one that exists is kept as it is (and\n"
		     "migrated when its schema is older).  Commands that only read a ledger\n"
		     "named by --ledger never make one: a mistyped path is an error.",
		     "llmops ledger create");
	struct llmops_ledger *lg;
	int n = verb_options(argc, argv, NULL, &u, 0, 0), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = llmops_ctx_ledger(ctx, &lg)))
		return rc;
	printf("%s\n", llmops_ledger_path(lg));
	return 0;
}

static int ledger_check(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops ledger check",
		     "Run SQLite's integrity check and a foreign-key check over the whole\n"
		     "ledger.  Exit 0 when it is sound, 1 when damage is found.",
		     "llmops ledger check [--format FORMAT]");
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	const char *format = "text";
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	int n = verb_options(argc, argv, &format, &u, 0, 0), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_ledger_check(lg, &problems, &err)) {
		llmops_strlist_release(&problems);
		return llmops_report(&err);
	}
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		rc = llmops_emit_out(llmops_ledger_check_json(lg, &problems),
				     llmops_format_from(format));
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_ledger_check_print(stdout, lg, &problems, &sgr);
	}
	if (!rc && problems.nr) {
		llmops_error("ledger '%s' is damaged (%zu problem%s); restore it from a backup "
			     "('llmops ledger backup' makes one)",
			     llmops_ledger_path(lg), problems.nr, problems.nr == 1 ? "" : "s");
		rc = LLMOPS_EXIT_CHECK;
	}
	llmops_strlist_release(&problems);
	return rc;
}

static int ledger_backup(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops ledger backup",
		     "Write a consistent copy of the ledger to FILE (a snapshot, even while\n"
		     "other processes write).  FILE must not exist.",
		     "llmops ledger backup FILE");
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	int n = verb_options(argc, argv, NULL, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_ledger_backup(lg, argv[0], &err))
		return llmops_report(&err);
	printf("backed up %s to %s\n", llmops_ledger_path(lg), argv[0]);
	return 0;
}

static int ledger_merge(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops ledger merge",
		     "Copy into the ledger everything the ledgers FILE... have that it lacks:\n"
		     "runs by id, results by run and case, datasets by content and reviews, never\n"
		     "the response cache.  FILE is untrusted: it is checked first (its schema\n"
		     "exactly ours, every row in range, nothing but tables) and a run the ledger\n"
		     "has must come with the same content, else nothing of FILE is merged.\n"
		     "Merging a file twice adds nothing, and FILE is only read.  Then the\n"
		     "runs of each sharded evaluation ('eval --shard I/N' in N jobs) are folded\n"
		     "into one run, whose id the others' ids keep pointing to.",
		     "llmops ledger merge FILE... [--format FORMAT]");
	const char *format = "text";
	struct llmops_merge_stats st = {0};
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	cJSON *out;
	int n = verb_options(argc, argv, &format, &u, 1, 100000), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = llmops_ctx_ledger(ctx, &lg)))
		return rc;
	for (int i = 0; i < n; i++) {
		struct llmops_merge_stats one = {0};
		if (llmops_ledger_merge(lg, argv[i], &one, &err)) {
			llmops_error("ledger merge: %s (nothing of it was merged%s)", err.msg,
				     i ? "; the files before it were" : "");
			return llmops_exit_for(err.code);
		}
		st.runs += one.runs;
		st.runs_skipped += one.runs_skipped;
		st.results += one.results;
		st.datasets += one.datasets;
		st.reviews += one.reviews;
		st.feedback += one.feedback;
	}
	if (llmops_ledger_fold_shards(lg, &st, &err))
		return llmops_report(&err);
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "ledger", llmops_ledger_path(lg));
	LLMOPS_JSON_NUMS(out, {"files", n}, {"runs_added", st.runs},
			 {"runs_already_there", st.runs_skipped}, {"results_added", st.results},
			 {"datasets_added", st.datasets}, {"reviews_added", st.reviews},
			 {"feedback_added", st.feedback}, {"shard_runs_folded", st.folded});
	return llmops_emit_out(out, llmops_format_from(format));
}

int cmd_ledger(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("ledger", verbs, NVERBS, argc, argv, ctx, &usage);
}
