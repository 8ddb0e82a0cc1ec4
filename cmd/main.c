/*
 * main.c - the llmops binary: global options, the one command table, help
 * (errors.c turns lib's error codes into exit statuses).
 */
#include "llmops.h"

#include "runfmt.h"

#include "options.h"
#include "redact.h"
#include "suggest.h"
#include "version.h"
#include "workspace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sorted by name; `llmops help` prints it in this order. */
const struct llmops_command llmops_commands[] = {
	{"__complete", cmd_complete, NEED_NOTHING, "candidates for the completion scripts"},
	{"completion", cmd_completion, NEED_NOTHING,
	 "a bash, zsh or fish completion script, from llmops's own tables"},
	{"cost", cmd_cost, NEED_WORKSPACE | NEED_REPO,
	 "tokens and money per prompt, per dataset run and per month; against a git base"},
	{"dataset", cmd_dataset, NEED_WORKSPACE | NEED_REPO,
	 "datasets as versioned files: add failures as cases, diff versions, log runs"},
	{"diff", cmd_diff, NEED_LEDGER,
	 "compare two runs case by case: flips, McNemar test, score change"},
	{"eval", cmd_eval, NEED_WORKSPACE | NEED_LEDGER,
	 "run a dataset through prompt x provider variants, score, gate, record"},
	{"export", cmd_export, NEED_LEDGER,
	 "results as Prometheus metrics, OTLP traces, CSV or JSONL"},
	{"help", cmd_help, NEED_NOTHING, "show help for llmops or one of its commands"},
	{"ingest", cmd_ingest, NEED_WORKSPACE | NEED_LEDGER,
	 "production request/response logs (JSONL, OTLP, LiteLLM) into the ledger"},
	{"init", cmd_init, NEED_WORKSPACE,
	 "scaffold prompts/, evals/, llmops.json and ignore .llmops/"},
	{"judge", cmd_judge, NEED_LEDGER,
	 "the judge metric against human review: agreement, Cohen's kappa"},
	{"ledger", cmd_ledger, NEED_LEDGER, "inspect, check, back up and merge ledgers"},
	{"lint", cmd_lint, NEED_WORKSPACE,
	 "check prompts and datasets: secrets, templates, variables"},
	{"models", cmd_models, NEED_WORKSPACE,
	 "the priced models: prices, context, tokenizer, and which are approved"},
	{"prompt", cmd_prompt, NEED_WORKSPACE | NEED_REPO,
	 "the prompt store over git: list, show, new, pin, verify, diff, log, render"},
	{"report", cmd_report, NEED_LEDGER,
	 "a run or a comparison as a self-contained HTML page, CSV, JUnit or Markdown"},
	{"review", cmd_review, NEED_LEDGER, "the human review queue: list, show, accept, reject"},
	{"runs", cmd_runs, NEED_LEDGER, "list the runs in the ledger, newest first"},
	{"show", cmd_show, NEED_LEDGER, "one run: its summary and its cases"},
	{"stats", cmd_stats, NEED_LEDGER,
	 "spend, latency, error and pass rates by day, prompt or model; drift"},
	{"tokens", cmd_tokens, NEED_NOTHING,
	 "count or list the tokens of files or stdin for an encoding or model"},
};
const size_t llmops_ncommands = sizeof(llmops_commands) / sizeof(llmops_commands[0]);

#define global_synopsis                                                                            \
	"llmops [--version] [-C DIR] [--ledger PATH] [--no-color] [--no-pager] <command> [<args>]"
static const char global_usage[] = "usage: " global_synopsis "\n";

const char *llmops_color(const struct llmops_ctx *ctx, const char *seq)
{
	return ctx->color ? seq : "";
}

struct llmops_sgr llmops_sgr_of(const struct llmops_ctx *ctx)
{
	const struct llmops_sgr c = {
		llmops_color(ctx, LLMOPS_SGR_BOLD),  llmops_color(ctx, LLMOPS_SGR_RED),
		llmops_color(ctx, LLMOPS_SGR_GREEN), llmops_color(ctx, LLMOPS_SGR_YELLOW),
		llmops_color(ctx, LLMOPS_SGR_RESET),
	};
	return c;
}

const struct llmops_command *llmops_command_find(const char *name)
{
	for (size_t i = 0; i < llmops_ncommands; i++)
		if (!strcmp(llmops_commands[i].name, name))
			return &llmops_commands[i];
	return NULL;
}

int llmops_ctx_workspace(struct llmops_ctx *ctx, struct llmops_workspace **out)
{
	struct llmops_err err = {0};

	if (!ctx->workspace) {
		struct llmops_workspace *ws = calloc(1, sizeof(*ws));

		if (!ws) {
			llmops_error("out of memory");
			return LLMOPS_EXIT_RUNTIME;
		}
		if (llmops_workspace_find(ws, ".", &err)) {
			free(ws);
			return llmops_report(&err);
		}
		ctx->workspace = ws;
	}
	if ((ctx->cmd->needs & NEED_REPO) && !ctx->workspace->in_repo) {
		if (ctx->workspace->bare)
			llmops_error("%s: '%s' is a bare repository, which has no work tree; run "
				     "it in a clone or a 'git worktree add' checkout",
				     ctx->cmd->name, ctx->workspace->root);
		else
			llmops_error("%s: not inside a git work tree; run it in one ('git init' "
				     "starts one), or give -C DIR",
				     ctx->cmd->name);
		return LLMOPS_EXIT_USAGE;
	}
	*out = ctx->workspace;
	return 0;
}

static int open_ledger(struct llmops_ctx *ctx, struct llmops_ledger **out, unsigned flags);

int llmops_ctx_ledger(struct llmops_ctx *ctx, struct llmops_ledger **out)
{
	return open_ledger(ctx, out, 0);
}

int llmops_ctx_ledger_existing(struct llmops_ctx *ctx, struct llmops_ledger **out)
{
	return open_ledger(ctx, out, LLMOPS_LEDGER_EXISTING);
}

int llmops_ctx_ledger_read(struct llmops_ctx *ctx, struct llmops_ledger **out)
{
	int rc = open_ledger(ctx, out, LLMOPS_LEDGER_READER | LLMOPS_LEDGER_EXISTING);
	const char *ro = rc ? NULL : llmops_ledger_readonly(*out);
	if (ro)
		llmops_error(
			"note: ledger '%s' opened %s: it or its directory cannot be written here",
			llmops_ledger_path(*out), ro);
	return rc;
}

static int open_ledger(struct llmops_ctx *ctx, struct llmops_ledger **out, unsigned flags)
{
	struct llmops_err err = {0};
	struct llmops_workspace *ws;
	char *path = NULL;
	int rc;

	if (ctx->ledger) {
		*out = ctx->ledger;
		return 0;
	}
	if (ctx->ledger_flag) {
		rc = llmops_ledger_open(&ctx->ledger, ctx->ledger_flag, flags, &err);
	} else {
		if ((rc = llmops_ctx_workspace(ctx, &ws)))
			return rc;
		if (!(path = llmops_workspace_ledger_path(ws))) {
			llmops_error("out of memory");
			return LLMOPS_EXIT_RUNTIME;
		}
		/* the project's own ledger (.llmops/, ignored by git) is made on first use by
		   any command; only a path the user typed must exist (a typo is not a new,
		   empty ledger) */
		rc = llmops_ledger_open(&ctx->ledger, path,
					LLMOPS_LEDGER_MKDIR | (flags & ~LLMOPS_LEDGER_EXISTING),
					&err);
		free(path);
	}
	if (rc)
		return llmops_report(&err);
	*out = ctx->ledger;
	return 0;
}

static void suggest_commands(const char *name)
{
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;
	const char *names[64];
	size_t n = 0;

	for (size_t i = 0; i < llmops_ncommands && n < 64; i++)
		if (strncmp(llmops_commands[i].name, "__", 2))
			names[n++] = llmops_commands[i].name;
	llmops_suggest(&near, name, names, n);
	llmops_error("'%s' is not an llmops command; 'llmops help' lists them", name);
	if (near.nr == 1) {
		fprintf(stderr, "did you mean '%s'?\n", near.items[0]);
	} else if (near.nr > 1) {
		fputs("did you mean one of these?\n", stderr);
		for (size_t i = 0; i < near.nr; i++)
			fprintf(stderr, "\t%s\n", near.items[i]);
	}
	llmops_strlist_release(&near);
}

static void list_commands(FILE *out)
{
	fputs(global_usage, out);
	fputs("\ncommands:\n", out);
	for (size_t i = 0; i < llmops_ncommands; i++)
		if (strncmp(llmops_commands[i].name, "__", 2)) /* the scripts' helper is hidden */
			fprintf(out, "  %-10s %s\n", llmops_commands[i].name,
				llmops_commands[i].summary);
	fputs("\nglobal options:\n"
	      "  -C DIR           run as if started in DIR\n"
	      "  --ledger PATH    the ledger database (default .llmops/ledger.db at the\n"
	      "                   repository root; also LLMOPS_LEDGER)\n"
	      "  --no-color       no colour in output (also NO_COLOR)\n"
	      "  --no-pager       show, diff, prompt diff and log never through a pager\n"
	      "  --version        print the versions of llmops and its libraries\n"
	      "  -h, --help       show this help\n"
	      "\n'llmops help <command>' or 'llmops <command> --help' shows a command's usage;\n"
	      "'man llmops' the whole manual. Exit status: 0 success, 1 a check failed,\n"
	      "2 usage or input error, 3 runtime failure.\n",
	      out);
}

int cmd_help(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(usage, "llmops help", "Show the list of commands, or one command's usage.",
		     "llmops help [<command> [<verb>]]");
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	const struct llmops_command *cmd;
	char *sub[4];
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, 2);

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (n == 0) {
		list_commands(stdout);
		return 0;
	}
	if (!(cmd = llmops_command_find(argv[0]))) {
		suggest_commands(argv[0]);
		return LLMOPS_EXIT_USAGE;
	}
	sub[0] = argv[0];
	sub[1] = n == 2 ? argv[1] : (char *)"--help";
	sub[2] = n == 2 ? (char *)"--help" : NULL;
	sub[3] = NULL;
	ctx->cmd = cmd;
	return cmd->fn(n == 2 ? 3 : 2, sub, ctx);
}

static void print_version(void)
{
	struct llmops_dep_version deps[8];
	int n = llmops_dep_versions(deps, 8);

	printf("llmops %s (commit %s)\n", llmops_version(), llmops_commit());
	for (int i = 0; i < n; i++)
		printf("  %-8s %s\n", deps[i].name, deps[i].version);
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]; NULL when arg is not --name. */
static int finish(struct llmops_ctx *ctx, int status)
{
	llmops_ledger_free(ctx->ledger);
	if (ctx->workspace) {
		llmops_workspace_release(ctx->workspace);
		free(ctx->workspace);
	}
	if (ctx->global_init)
		llmops_global_shutdown();
	/* a result that could not be written is a failure, not a success */
	if (fflush(stdout) != 0 || ferror(stdout) || llmops_termsafe_end()) {
		if (errno != EPIPE)
			llmops_error("cannot write to standard output: %s", strerror(errno));
		llmops_pager_stop();
		return status ? status : LLMOPS_EXIT_RUNTIME;
	}
	llmops_pager_stop();
	return status;
}

#if defined(__SANITIZE_ADDRESS__)
#define LLMOPS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LLMOPS_ASAN 1
#endif
#endif
#ifdef LLMOPS_ASAN
/*
 * LeakSanitizer builds only.  libgit2 1.5 (Debian 12's) returns from git_regexp_match without
 * freeing its PCRE2 match data when a configuration regex does not match (fixed upstream by
 * libgit2 pull request 6382, "Fix memory leak", after that release), and every remote's
 * set-up scans the configuration with one (url.*.insteadOf): `ledger push/fetch` would report
 * those blocks.  PCRE2 is built without frame pointers, so the leak's stack shows PCRE2's
 * frames alone and cannot be told apart by libgit2's: the suppression names PCRE2's
 * library.  llmops's own PCRE2 match data (detect.c, assertions.c, jsonschema.c) is freed
 * in the function that creates it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpcre2-8.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

extern char **environ;

int main(int argc, char **argv)
{
	struct llmops_ctx ctx = {0};
	struct llmops_err err = {0};
	const struct llmops_command *cmd;
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	const char *ledger = NULL;
	struct llmops_strlist dirs = LLMOPS_STRLIST_INIT;
	int i, no_color_flag = 0, no_pager = 0, version = 0, help = 0, status;
	const struct llmops_option opts[] = {
		{OPT_LIST, 'C', NULL, &dirs, "DIR", "run as if started in DIR", NULL, 0, 0},
		{OPT_STRING, 0, "ledger", &ledger, "PATH", "the ledger database", NULL, 0, 0},
		{OPT_FLAG, 0, "no-color", &no_color_flag, NULL, "no colour in output", NULL, 0, 0},
		{OPT_FLAG, 0, "no-pager", &no_pager, NULL, "long outputs never through a pager",
		 NULL, 0, 0},
		{OPT_FLAG, 0, "version", &version, NULL, "print the versions", NULL, 0, 0},
		{OPT_FLAG, 'h', "help", &help, NULL, "show this help", NULL, 0, 0},
		OPT_END_ENTRY,
	};
	LLMOPS_USAGE(usage, "llmops", NULL, global_synopsis);

	ctx.env = environ; /* lib/ reads the environment only as handed this */
	llmops_redact_use_env(ctx.env);
	/* llmops's own options come before the command; the table parses them */
	i = llmops_parse_leading(argc, argv, opts, &usage);
	if (i < 0) {
		llmops_strlist_release(&dirs);
		return LLMOPS_EXIT_USAGE;
	}
	if (version || help) {
		llmops_strlist_release(&dirs);
		if (help) {
			list_commands(stdout);
			return 0;
		}
		print_version();
		return fflush(stdout) || ferror(stdout) ? LLMOPS_EXIT_RUNTIME : 0;
	}
	for (size_t k = 0; k < dirs.nr; k++) /* each -C from where the one before went */
		if (*dirs.items[k] && chdir(dirs.items[k]) < 0) {
			llmops_error("cannot change to directory '%s': %s", dirs.items[k],
				     strerror(errno));
			llmops_strlist_release(&dirs);
			return LLMOPS_EXIT_USAGE;
		}
	llmops_strlist_release(&dirs);
	if (ledger && !*ledger) { /* a typed empty path is a mistake, not the default */
		llmops_error("--ledger: an empty path; give the ledger's path, or leave --ledger "
			     "out for the repository's (.llmops/ledger.db)");
		return LLMOPS_EXIT_USAGE;
	}
	ctx.ledger_flag = ledger ? ledger : getenv("LLMOPS_LEDGER");
	if (ctx.ledger_flag && !*ctx.ledger_flag) /* an empty variable is an unset one */
		ctx.ledger_flag = NULL;
	if (i >= argc) {
		fputs(global_usage, stderr);
		fputs("'llmops help' lists the commands\n", stderr);
		return LLMOPS_EXIT_USAGE;
	}
	if (!(cmd = llmops_command_find(argv[i]))) {
		suggest_commands(argv[i]);
		return LLMOPS_EXIT_USAGE;
	}
	ctx.cmd = cmd;
	ctx.no_pager = no_pager;
	ctx.color = !no_color_flag && !(no_color && *no_color) && isatty(STDOUT_FILENO) &&
		    !(term && !strcmp(term, "dumb"));
	llmops_termsafe_stdout();
	/* libgit2 and libcurl set-up costs milliseconds: only for commands that use them */
	if (cmd->needs != NEED_NOTHING) {
		if (llmops_global_init(&err))
			return llmops_report(&err);
		ctx.global_init = 1;
	}
	status = cmd->fn(argc - i, argv + i, &ctx);
	return finish(&ctx, status);
}
