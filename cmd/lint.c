/*
 * lint.c - `llmops lint`: check prompts, partials, datasets, the lock and
 * llmops.json before they reach a model.
 */
#include "llmops.h"

#include "cmdconfig.h"
#include "lint_report.h"
#include "options.h"
#include "store.h"
#include "suggest.h"
#include "workspace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

LLMOPS_USAGE(usage, "llmops lint",
	     "Check prompts and datasets before they reach a model: template syntax and\n"
	     "partials, variables against the datasets, version files and pins, secrets,\n"
	     "personal data, invisible and bidirectional characters, injection-prone\n"
	     "placement of variables, rendered size against the context window, front\n"
	     "matter, and dataset cases.  PATH defaults to prompts/ and evals/ (with\n"
	     "llmops.json and prompts.lock).  Findings print as path:line:col: severity:\n"
	     "message [rule]; exit 1 when any has severity error.  Nothing is sent over\n"
	     "the network.",
	     "llmops lint [--format text|json|sarif|github] [--enable RULE[=SEVERITY]]... "
	     "[--disable RULE]... [--dataset FILE]... [--fix] [PATH...]",
	     "llmops lint --list-rules [--format text|json]");

static const char *const format_choices[] = {"text", "json", "sarif", "github", NULL};

/* The current directory under root ("" at it); malloc'd. */
static char *cwd_prefix(const char *root)
{
	char *cwd = realpath(".", NULL);
	size_t rl = strlen(root);
	char *p = strdup(cwd && !strncmp(cwd, root, rl) && (cwd[rl] == '/' || !cwd[rl])
				 ? cwd + rl + (cwd[rl] == '/')
				 : "");

	free(cwd);
	return p;
}

/* PATH as the run names it: root-relative inside the workspace, else absolute; malloc'd. */
static char *run_path(const char *root, const char *arg, int *missing)
{
	char *abs = realpath(arg, NULL);
	size_t rl = strlen(root);
	char *out;

	*missing = 0;
	if (!abs) {
		*missing = errno;
		return NULL;
	}
	if (!strcmp(abs, root))
		out = strdup(".");
	else if (!strncmp(abs, root, rl) && abs[rl] == '/')
		out = strdup(abs + rl + 1);
	else
		out = strdup(abs);
	free(abs);
	return out;
}

static int unknown_rule(const char *flag, const char *id)
{
	const char *ids[LR_COUNT];
	struct llmops_strlist near = LLMOPS_STRLIST_INIT;

	for (int i = 0; i < LR_COUNT; i++)
		ids[i] = llmops_lint_rules[i].id;
	llmops_suggest(&near, id, ids, LR_COUNT);
	llmops_error("lint: %s: unknown rule '%s'%s%s%s; `llmops lint --list-rules` lists them",
		     flag, id, near.nr ? " (did you mean '" : "", near.nr ? near.items[0] : "",
		     near.nr ? "'?)" : "");
	llmops_strlist_release(&near);
	return LLMOPS_EXIT_USAGE;
}

/* --enable RULE[=SEVERITY] and --disable RULE. */
static int apply_flags(struct llmops_lint *l, const struct llmops_strlist *enable,
		       const struct llmops_strlist *disable)
{
	for (size_t i = 0; i < enable->nr; i++) {
		char id[128];
		const char *eq = strchr(enable->items[i], '=');
		int r, sev;

		snprintf(id, sizeof(id), "%.*s",
			 (int)(eq ? (size_t)(eq - enable->items[i]) : strlen(enable->items[i])),
			 enable->items[i]);
		if ((r = llmops_lint_rule_find(id)) < 0)
			return unknown_rule("--enable", id);
		sev = eq ? llmops_severity_parse(eq + 1, llmops_lint_rules[r].severity)
			 : llmops_lint_rules[r].severity;
		if (sev < 0) {
			llmops_error(
				"lint: --enable %s: severity '%s' is not one of note, warning, "
				"error",
				enable->items[i], eq + 1);
			return LLMOPS_EXIT_USAGE;
		}
		llmops_lint_set_severity(l, r, sev);
	}
	for (size_t i = 0; i < disable->nr; i++) {
		int r = llmops_lint_rule_find(disable->items[i]);

		if (r < 0)
			return unknown_rule("--disable", disable->items[i]);
		llmops_lint_set_severity(l, r, LLMOPS_SEV_OFF);
	}
	return 0;
}

static int add_paths(struct llmops_lint *l, const char *root, char **argv, int n,
		     const struct llmops_strlist *datasets_arg, struct llmops_strlist *datasets)
{
	static const char *const defaults[] = {"prompts", "evals", "llmops.json", "prompts.lock"};
	struct llmops_err err = {0};
	int rc;

	for (size_t i = 0; i < datasets_arg->nr; i++) {
		int missing;
		char *p = run_path(root, datasets_arg->items[i], &missing);

		if (!p) {
			llmops_error("lint: --dataset %s: %s", datasets_arg->items[i],
				     strerror(missing));
			return LLMOPS_EXIT_USAGE;
		}
		rc = llmops_strlist_append(datasets, p) || llmops_lint_add_path(l, p, &err);
		free(p);
		if (rc)
			return llmops_report(&err);
	}
	for (int i = 0; i < n; i++) {
		int missing;
		char *p = run_path(root, argv[i], &missing);

		if (!p) {
			llmops_error("lint: cannot lint '%s': %s", argv[i], strerror(missing));
			return LLMOPS_EXIT_USAGE;
		}
		rc = llmops_lint_add_path(l, p, &err);
		free(p);
		if (rc)
			return llmops_report(&err);
	}
	if (n)
		return 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		struct llmops_buf abs = LLMOPS_BUF_INIT;

		llmops_buf_addf(&abs, "%s/%s", root, defaults[i]);
		rc = !abs.oom && access(abs.data, F_OK) == 0;
		llmops_buf_release(&abs);
		if (rc && llmops_lint_add_path(l, defaults[i], &err))
			return llmops_report(&err);
	}
	return 0;
}

/* The findings in format: 1 when one is an error, else 0, or an exit status. */
static int report(struct llmops_lint *l, const char *format, const struct llmops_strlist *fixed,
		  const char *prefix, const char *root, const struct llmops_ctx *ctx)
{
	int rc;
	const struct llmops_sgr sgr = llmops_sgr_of(ctx);
	struct llmops_lint_report r = {l, NULL, 0, llmops_lint_files(l), fixed, prefix, root};
	int failed = 0;

	r.f = llmops_lint_findings(l, &r.n);
	if (!strcmp(format, "json"))
		rc = llmops_lint_print_json(stdout, &r);
	else if (!strcmp(format, "sarif"))
		rc = llmops_lint_print_sarif(stdout, &r);
	else if (!strcmp(format, "github"))
		rc = llmops_lint_print_github(stdout, &r);
	else if (!(rc = llmops_lint_print_text(stdout, &r, &sgr)))
		llmops_lint_print_summary(stderr, &r);
	if (rc) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	for (size_t i = 0; i < r.n; i++)
		failed |= r.f[i].severity == LLMOPS_SEV_ERROR;
	return failed ? LLMOPS_EXIT_CHECK : 0;
}

int cmd_lint(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text";
	int list = 0, fix = 0, n, rc;
	struct llmops_strlist enable = LLMOPS_STRLIST_INIT, disable = LLMOPS_STRLIST_INIT;
	struct llmops_strlist datasets_arg = LLMOPS_STRLIST_INIT, datasets = LLMOPS_STRLIST_INIT;
	struct llmops_strlist fixed = LLMOPS_STRLIST_INIT;
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "format", &format, "FORMAT", "text, json, sarif or github",
		 format_choices, 0, 0},
		{OPT_LIST, 0, "enable", &enable, "RULE[=SEVERITY]",
		 "turn a rule on, or set its severity (note, warning, error)", NULL, 0, 0},
		{OPT_LIST, 0, "disable", &disable, "RULE", "turn a rule off", NULL, 0, 0},
		{OPT_LIST, 0, "dataset", &datasets_arg, "FILE",
		 "check the prompts' variables against FILE (default: evals/NAME.*)", NULL, 0, 0},
		{OPT_FLAG, 0, "fix", &fix, NULL,
		 "mend trailing whitespace, mixed line endings and final newlines first", NULL, 0,
		 0},
		{OPT_FLAG, 0, "list-rules", &list, NULL, "list the rules and their severities",
		 NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_workspace *ws;
	struct llmops_pricing *prices = NULL;
	struct llmops_store *store = NULL;
	struct llmops_lint *l = NULL;
	struct llmops_err err = {0};
	struct llmops_config cfg = {0};
	char *prefix = NULL;

	n = llmops_parse_command(argc, argv, opts, &usage, 0, -1);
	if (n < 0) {
		rc = LLMOPS_OPT_EXIT(n);
		goto out;
	}
	if (list && (n || fix || !strcmp(format, "sarif") || !strcmp(format, "github"))) {
		llmops_error("lint: --list-rules takes no paths, no --fix, and --format text or "
			     "json");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if ((rc = llmops_ctx_workspace(ctx, &ws)))
		goto out;
	if ((rc = config_load(ws->root, &cfg, &prices)))
		goto out;
	if (ws->in_repo && llmops_store_open(&store, ws->root, &err))
		store = NULL; /* not fatal: only the version-pinned rule needs git */
	{
		struct llmops_lint_opts lo = {ws->root,	 store,		prices,
					      cfg.json,	 cfg.text.data, cfg.text.len,
					      &datasets, &cfg.approval};

		if (llmops_lint_new(&l, &lo, &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	}
	if (cfg.approval.warn) /* models.unapproved: "warn"; lint.rules may still re-grade it */
		llmops_lint_set_severity(l, LR_MODEL_UNAPPROVED, LLMOPS_SEV_WARNING);
	if (llmops_lint_configure(l, cfg.lint, "llmops.json", cfg.text.data, cfg.text.len, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if ((rc = apply_flags(l, &enable, &disable)))
		goto out;
	if (list) {
		rc = llmops_lint_print_rules(stdout, l, !strcmp(format, "json"))
			     ? LLMOPS_EXIT_RUNTIME
			     : 0;
		goto out;
	}
	if ((rc = add_paths(l, ws->root, argv, n, &datasets_arg, &datasets)))
		goto out;
	if (fix && llmops_lint_fix(l, &fixed, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (llmops_lint_run(l, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!(prefix = cwd_prefix(ws->root))) {
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	rc = report(l, format, &fixed, prefix, ws->root, ctx);
out:
	free(prefix);
	llmops_lint_free(l);
	llmops_store_free(store);
	llmops_pricing_free(prices);
	llmops_config_release(&cfg);
	llmops_strlist_release(&enable);
	llmops_strlist_release(&disable);
	llmops_strlist_release(&datasets_arg);
	llmops_strlist_release(&datasets);
	llmops_strlist_release(&fixed);
	return rc;
}
