/*
 * ingest.c - `llmops ingest`: production request/response records into the
 * ledger as production runs (lib/ingest.h does the reading and storing).
 */
#include "llmops.h"

#include "ingest_view.h"

#include "attrib.h"
#include "bundle.h"
#include "cmdconfig.h"
#include "json.h"
#include "ledger.h"
#include "options.h"
#include "output.h"
#include "prompt_cmd.h"
#include "workspace.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

LLMOPS_USAGE(
	usage, "llmops ingest",
	"Read production request/response records and keep them in the ledger as\n"
	"production runs (one per UTC day, prompt version, provider and model):\n"
	"OpenAI-style JSONL ({\"id\", \"request\", \"response\", \"latency_ms\",\n"
	"\"metadata\"} and OpenAI Batch output), OTLP/JSON spans and GenAI log\n"
	"events (the GenAI semantic conventions, OpenInference), and LiteLLM's\n"
	"logging payloads and spend logs; the format is told per record unless\n"
	"--from names it.  A record is attributed to a prompt version by its\n"
	"llmops.prompt and llmops.version tags, else by its messages matching a\n"
	"version prompts.lock pins or pinned in git history (or --bundle's); the rest\n"
	"are kept unattributed.  The same record again (by id, or by its bytes when it has\n"
	"none) is never added twice.  Tokens and cost come from the record, else are\n"
	"counted and priced.  Malformed records are reported with their line and\n"
	"skipped (exit 2 with --strict, after the others are stored), as are GenAI\n"
	"log events whose span was in none of the files: OTLP spans and their log\n"
	"events are joined by trace and span id, in any order and any file.  Feedback\n"
	"records ({\"record_id\", \"score\" or \"thumbs\", \"comment\", \"timestamp\"},\n"
	"Langfuse scores, LangSmith feedback) are kept beside the records they are\n"
	"about, which may come before or after them; the same feedback again is kept\n"
	"once, the later one winning when it changed (llmops stats --feedback).",
	"llmops ingest [--from FORMAT] [--bundle FILE] [--strict] [--format FORMAT] FILE...|-");

static const char *const from_names[] = {"auto", "openai", "otlp", "litellm", "feedback", NULL};

struct reporter {
	long shown;
};

#define MAX_SHOWN 20

static void on_problem(void *ud, const char *file, long line, const char *why)
{
	struct reporter *r = ud;
	if (r->shown++ < MAX_SHOWN)
		fprintf(stderr, "llmops: %s:%ld: skipped: %s\n", file, line, why);
}

static void on_progress(void *ud, long read)
{
	(void)ud;
	fprintf(stderr, "\r%ld records...", read);
}

/* How many commits back ingest looks for versions prompts.lock pinned. */
#define ATTRIB_HISTORY 5000

/* The pinned versions to match text against: --bundle's, else prompts.lock's and those it
   pinned in git history (none outside a repository).  *a NULL when there are none. */
static int load_attrib(struct llmops_ctx *ctx, const char *bundle_path, struct llmops_attrib **a)
{
	struct llmops_err err = {0};
	struct llmops_workspace *ws;
	cJSON *b = NULL;
	int rc;
	*a = NULL;
	if (bundle_path) {
		struct llmops_buf text = LLMOPS_BUF_INIT;
		if (llmops_buf_read_file(&text, bundle_path)) {
			llmops_error("--bundle: cannot read '%s': %s", bundle_path,
				     strerror(errno));
			return LLMOPS_EXIT_USAGE;
		}
		rc = llmops_json_parse(&b, text.data, text.len, bundle_path, &err);
		if (!rc)
			rc = llmops_json_check_strict(b, text.data, text.len, bundle_path, &err);
		llmops_buf_release(&text);
		if (rc) {
			cJSON_Delete(b);
			return llmops_report(&err);
		}
		const cJSON *bv = cJSON_GetObjectItemCaseSensitive(b, "bundle_version");
		if (!cJSON_IsObject(b) || !cJSON_IsNumber(bv) ||
		    bv->valuedouble != LLMOPS_BUNDLE_VERSION ||
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(b, "prompts"))) {
			cJSON_Delete(b);
			llmops_error(
				"--bundle: '%s' is not a bundle of version %d (an object with "
				"\"bundle_version\" and \"prompts\", as 'llmops prompt bundle' "
				"writes)",
				bundle_path, LLMOPS_BUNDLE_VERSION);
			return LLMOPS_EXIT_USAGE;
		}
	} else {
		/* the lock as it is, and every lock committed before it (history) */
		struct llmops_prompt_env env;
		struct llmops_head h;
		size_t from_history = 0;
		if ((rc = llmops_ctx_workspace(ctx, &ws)))
			return rc;
		if (!ws->in_repo)
			return 0;
		if ((rc = prompt_env_open(&env, ctx)))
			return rc;
		if (llmops_store_head(env.store, &h, &err) ||
		    (env.lock.n && llmops_bundle_make(env.store, &env.lock,
						      h.unborn ? "" : h.commit, &b, &err)) ||
		    llmops_attrib_from_history(a, env.store, b, ATTRIB_HISTORY, &from_history,
					       &err)) {
			cJSON_Delete(b);
			llmops_prompt_env_close(&env);
			return llmops_report(&err);
		}
		cJSON_Delete(b);
		llmops_prompt_env_close(&env);
		return 0;
	}
	rc = llmops_attrib_new(a, b, &err) ? llmops_report(&err) : 0;
	cJSON_Delete(b);
	return rc;
}

int cmd_ingest(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text", *from = "auto", *bundle = NULL;
	int strict = 0, no_progress = 0;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "from", &from, "FORMAT",
		 "the records' format: auto (default), openai, otlp, litellm or feedback",
		 from_names, 0, 0},
		{OPT_STRING, 0, "bundle", &bundle, "FILE",
		 "attribute by the versions of this bundle (llmops prompt bundle), not "
		 "prompts.lock",
		 NULL, 0, 0},
		{OPT_FLAG, 0, "strict", &strict, NULL,
		 "exit 2 when a record was malformed or an event had no span", NULL, 0, 0},
		{OPT_FLAG, 0, "no-progress", &no_progress, NULL, "no progress on stderr", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_buf command = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	struct llmops_ingest_stats st = {0};
	struct llmops_pricing *prices = NULL;
	struct llmops_attrib *attrib = NULL;
	struct llmops_ingest *in = NULL;
	struct llmops_workspace *ws;
	struct llmops_ledger *lg;
	struct reporter rep = {0};
	struct llmops_config cfg = {0};
	int n, rc;

	llmops_buf_adds(&command, "llmops ingest");
	for (int i = 1; i < argc; i++)
		llmops_buf_addf(&command, " %s", argv[i]);
	if ((n = llmops_parse_command(argc, argv, opts, &usage, 1, -1)) < 0) {
		llmops_buf_release(&command);
		return LLMOPS_OPT_EXIT(n);
	}
	for (int i = 0; i < n; i++) { /* every file readable before anything is stored */
		if (strcmp(argv[i], "-") && access(argv[i], R_OK)) {
			llmops_error("cannot read '%s': %s", argv[i], strerror(errno));
			rc = LLMOPS_EXIT_USAGE;
			goto out;
		}
	}
	if ((rc = load_attrib(ctx, bundle, &attrib)) || (rc = llmops_ctx_workspace(ctx, &ws)) ||
	    (rc = llmops_ctx_ledger(ctx, &lg)))
		goto out;
	if ((rc = config_load(ws->root, &cfg, &prices))) /* llmops.json's own prices */
		goto out;
	const struct llmops_ingest_opts io = {
		.format = llmops_ingest_format_parse(from),
		.attrib = attrib,
		.pricing = prices,
		.command = command.data,
		.problem = on_problem,
		.problem_ud = &rep,
		.progress = !no_progress && isatty(2) ? on_progress : NULL,
	};
	if (llmops_ingest_start(&in, lg, &io, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	for (int i = 0; !rc && i < n; i++) {
		int std = !strcmp(argv[i], "-");
		FILE *f = std ? stdin : fopen(argv[i], "r");
		if (!f) {
			llmops_error("cannot open '%s': %s", argv[i], strerror(errno));
			rc = LLMOPS_E_IO;
			err.code = 0;
			break;
		}
		rc = llmops_ingest_file(in, f, std ? "<stdin>" : argv[i], &err);
		if (!std)
			fclose(f);
	}
	if (io.progress)
		fputs("\r\033[K", stderr);
	rc = llmops_ingest_finish(in, rc, &st, &err);
	if (rc) {
		rc = err.code ? llmops_report(&err) : LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if (rep.shown > MAX_SHOWN)
		fprintf(stderr, "llmops: ... and %ld more malformed records\n",
			rep.shown - MAX_SHOWN);
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		cJSON *o = llmops_ingest_summary_json(&st);
		rc = llmops_emit(stdout, o, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(o);
	} else {
		llmops_ingest_summary_print(stdout, &st, llmops_ledger_path(lg));
	}
	if (!rc && strict && (st.malformed || st.orphaned))
		rc = LLMOPS_EXIT_USAGE;
out:
	llmops_attrib_free(attrib);
	llmops_pricing_free(prices);
	llmops_config_release(&cfg);
	llmops_buf_release(&command);
	return rc;
}
