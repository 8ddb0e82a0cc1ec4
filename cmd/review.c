/*
 * review.c - `llmops review list|show|accept|reject`: the human review
 * queue that `eval --review-below X` fills.
 */
#include "llmops.h"

#include "env.h"

#include "review_view.h"

#include "dataset.h"
#include "output.h"
#include "verbs.h"

#include <stdlib.h>
#include <string.h>

static int review_list(int argc, char **argv, struct llmops_ctx *ctx);
static int review_show(int argc, char **argv, struct llmops_ctx *ctx);
static int review_accept(int argc, char **argv, struct llmops_ctx *ctx);
static int review_reject(int argc, char **argv, struct llmops_ctx *ctx);

static const struct llmops_verb verbs[] = {
	{"accept", review_accept, "accept an output (--update-dataset: make it the expected)"},
	{"list", review_list, "the queue: pending reviews, or --status accepted|rejected|all"},
	{"reject", review_reject, "reject an output, with a note"},
	{"show", review_show, "one review: the case, its output, score and verdict"},
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

LLMOPS_USAGE(usage, "llmops review",
	     "The human review queue: results that 'eval --review-below X' queued because\n"
	     "their score was under X.  A reviewer reads the case, the output and its score\n"
	     "and records a verdict and a note.  An accepted output can become the case's\n"
	     "expected text in its dataset (--update-dataset), written atomically and only\n"
	     "when the case still expects what the run scored against.",
	     "llmops review list [--status STATUS] [--run RUN] [--format FORMAT]",
	     "llmops review show ID [--format FORMAT]",
	     "llmops review accept ID [--note TEXT] [--reviewer NAME] [--update-dataset [--dataset "
	     "FILE]]",
	     "llmops review reject ID [--note TEXT] [--reviewer NAME]");

static const char *const statuses[] = {"pending", "accepted", "rejected", "all", NULL};

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || end == s || *end || v <= 0) {
		llmops_error("review: '%s' is not a review id (a number from 'llmops review list')",
			     s ? s : "");
		return LLMOPS_EXIT_USAGE;
	}
	*id = v;
	return 0;
}

static int review_list(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops review list",
		     "The review queue, oldest first: pending reviews by "
		     "default.",
		     "llmops review list [--status STATUS] [--run RUN] [--format FORMAT]");
	const char *format = "text", *status = "pending", *run_ref = NULL;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_review **v = NULL;
	struct llmops_run *run = NULL;
	size_t n = 0;
	int rc;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "status", &status, "STATUS",
		 "pending (default), accepted, rejected "
		 "or all",
		 statuses, 0, 0},
		{OPT_STRING, 0, "run", &run_ref, "RUN", "reviews of one run", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, &u, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (run_ref && llmops_ledger_run_get(lg, run_ref, &run, &err))
		return llmops_report(&err);
	rc = llmops_ledger_reviews_list(lg, strcmp(status, "all") ? status : NULL,
					run ? run->id : NULL, &v, &n, &err);
	llmops_run_free(run);
	if (rc)
		return llmops_report(&err);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, llmops_review_json(v[i], 0));
		rc = llmops_emit_out(a, LLMOPS_FORMAT_JSON);
	} else if (!n) {
		fprintf(stderr, "llmops: no %s reviews%s\n", strcmp(status, "all") ? status : "",
			!strcmp(status, "pending") ? "; 'llmops eval --review-below X' queues some"
						   : "");
	} else {
		llmops_reviews_print(stdout, v, n);
	}
	llmops_reviews_free(v, n);
	return rc;
}

static int review_show(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops review show",
		     "One review: the case, the expected text and the "
		     "output side by side, the scores and any verdict.",
		     "llmops review show ID [--format FORMAT]");
	const char *format = "text";
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_review *r = NULL;
	int64_t id;
	int rc;
	const struct llmops_option opts[] = {OPT_FORMAT_ENTRY(&format), OPT_HELP_ENTRY,
					     OPT_END_ENTRY};

	if ((rc = llmops_parse_command(argc, argv, opts, &u, 1, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = parse_id(argv[0], &id)) || (rc = llmops_ctx_ledger_read(ctx, &lg)))
		return rc;
	if (llmops_ledger_review_get(lg, id, &r, &err))
		return llmops_report(&err);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		rc = llmops_emit_out(llmops_review_json(r, 1), LLMOPS_FORMAT_JSON);
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(ctx);
		llmops_review_print(stdout, r, &sgr);
	}
	llmops_review_free(r);
	return rc;
}

static int decide(int argc, char **argv, struct llmops_ctx *ctx, const char *verdict)
{
	LLMOPS_USAGE(
		ua, "llmops review accept",
		"Accept the output.  --update-dataset makes it the case's expected text in its\n"
		"dataset (the run's, or --dataset FILE): JSONL changes one line, JSON is\n"
		"written again; only when the case still expects what the run scored against.",
		"llmops review accept ID [--note TEXT] [--reviewer "
		"NAME] [--update-dataset [--dataset FILE]]");
	LLMOPS_USAGE(ur, "llmops review reject", "Reject the output, with a note saying why.",
		     "llmops review reject ID [--note TEXT] [--reviewer NAME]");
	int accept = !strcmp(verdict, "accepted");
	const char *note = NULL, *reviewer = NULL, *dataset = NULL;
	int update = 0, rc;
	struct llmops_err err = {0};
	struct llmops_ledger *lg;
	struct llmops_review *r = NULL;
	int64_t id;
	const struct llmops_option opts[] = {
		{OPT_STRING, 'm', "note", &note, "TEXT", "why", NULL, 0, 0},
		{OPT_STRING, 0, "reviewer", &reviewer, "NAME", "who (default: $USER)", NULL, 0, 0},
		{OPT_FLAG, 0, "update-dataset", &update, NULL,
		 "accept: the output becomes the case's expected", NULL, 0, 0},
		{OPT_STRING, 0, "dataset", &dataset, "FILE",
		 "with --update-dataset: this file, not the run's", NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};

	if ((rc = llmops_parse_command(argc, argv, opts, accept ? &ua : &ur, 1, 1)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if (!accept && (update || dataset)) {
		llmops_error("review reject: --update-dataset goes with accept");
		return LLMOPS_EXIT_USAGE;
	}
	if (dataset && !update) {
		llmops_error("review accept: --dataset names the file --update-dataset changes");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = parse_id(argv[0], &id)) || (rc = llmops_ctx_ledger_existing(ctx, &lg)))
		return rc;
	if (!reviewer)
		reviewer = llmops_env_get(ctx->env, "USER");
	if (llmops_ledger_review_get(lg, id, &r, &err))
		return llmops_report(&err);
	if (update) {
		const char *path = dataset ? dataset : r->dataset_path;
		if (!path) {
			llmops_error(
				"review accept: run %s has no dataset on record: give --dataset "
				"FILE",
				r->run_id);
			rc = LLMOPS_EXIT_USAGE;
		} else if (!r->output) {
			llmops_error("review accept: review %lld has no output to make expected",
				     (long long)id);
			rc = LLMOPS_EXIT_USAGE;
		} else if (llmops_dataset_set_expected(path, r->case_id, r->expected, r->output,
						       &err)) {
			rc = llmops_report(&err);
		} else {
			printf("%s: case %s now expects the accepted output\n", path, r->case_id);
		}
	}
	if (!rc && llmops_ledger_review_decide(lg, id, verdict, reviewer, note, &err))
		rc = llmops_report(&err);
	if (!rc)
		printf("review %lld %s (case %s of run %s)\n", (long long)id, verdict, r->case_id,
		       r->run_id);
	llmops_review_free(r);
	return rc;
}

static int review_accept(int argc, char **argv, struct llmops_ctx *ctx)
{
	return decide(argc, argv, ctx, "accepted");
}

static int review_reject(int argc, char **argv, struct llmops_ctx *ctx)
{
	return decide(argc, argv, ctx, "rejected");
}

int cmd_review(int argc, char **argv, struct llmops_ctx *ctx)
{
	return llmops_run_verb("review", verbs, NVERBS, argc, argv, ctx, &usage);
}
