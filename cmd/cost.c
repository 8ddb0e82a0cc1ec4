/*
 * cost.c - `llmops cost`: tokens and money per prompt, per dataset run and
 * per month, for the work tree and (with --base) a git revision.
 */
#include "llmops.h"

#include "cmdconfig.h"
#include "cost.h"

#include "casecheck.h"
#include "options.h"
#include "output.h"
#include "prompt_cmd.h"
#include "provider.h"
#include "workspace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

LLMOPS_USAGE(usage, "llmops cost",
	     "For each pinned prompt (or each --prompt), the input tokens of the rendered\n"
	     "prompt (with each case of --dataset, or the template alone), the output\n"
	     "tokens, and the cost of one request for its model, per month at its traffic,\n"
	     "and of one run of the dataset.  With --base REV, the same for the prompts as\n"
	     "they are at REV, and the change.  Exit 1 when --budget or --max-increase is\n"
	     "exceeded.  Token counts of OpenAI models are exact; others are estimates.\n"
	     "--cascade SPEC prices a model cascade (cascade:A,B, or one named in\n"
	     "llmops.json): each tier's cost weighted by the share of requests that reached\n"
	     "it in the cascade's newest evaluation (every tier in full without one).",
	     "llmops cost [--prompt NAME[@VERSION]]... [--dataset FILE] [--base REV]",
	     "            [--model MODEL | --cascade SPEC]",
	     "            [--output-tokens N] [--requests-per-day N] [--prices FILE]",
	     "            [--budget USD] [--max-increase PCT] [--format text|json|markdown]");

static const char *const cost_formats[] = {"text", "json", "markdown", NULL};

static int open_ledger_if_any(struct llmops_ledger **lg, struct llmops_ctx *ctx)
{
	struct llmops_workspace *ws;
	struct stat st;
	int rc;
	const char *path = ctx->ledger_flag;
	char *dflt = NULL;
	if (!path) {
		if ((rc = llmops_ctx_workspace(ctx, &ws)))
			return rc;
		path = dflt = llmops_workspace_ledger_path(ws);
	}
	int exists = path && stat(path, &st) == 0;
	free(dflt);
	if (!exists)
		return 0; /* nothing observed yet; cost never creates a ledger */
	return llmops_ctx_ledger(ctx, lg);
}

/* What cost reads before it prices: the store and lock, prices, llmops.json, the dataset. */
struct cost_inputs {
	struct llmops_prompt_env penv;
	struct llmops_config cfg;
	struct llmops_pricing *prices;
	struct llmops_dataset ds;
	int have_ds;
	char dataset_rel[4096];	      /* --dataset relative to the root; "" without one */
	struct llmops_ledger *ledger; /* NULL when there is no ledger yet */
};

/* The prices: built in, llmops.json's, --prices FILE's; the approved models against them. */
static int load_prices(struct cost_inputs *in, const char *prices_file)
{
	struct llmops_buf pf = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	int rc = 0;
	if ((rc = config_load(llmops_store_root(in->penv.store), &in->cfg, &in->prices)) ||
	    !prices_file)
		return rc;
	if (llmops_buf_read_file(&pf, prices_file)) {
		llmops_error("cost: cannot read --prices file '%s'", prices_file);
		rc = LLMOPS_EXIT_USAGE;
	} else if (llmops_pricing_add_json(in->prices, pf.data, pf.len, prices_file, &err) ||
		   llmops_config_reapprove(&in->cfg, in->prices, &err)) {
		rc = llmops_report(&err);
	}
	llmops_buf_release(&pf);
	return rc;
}

/* --dataset: its cases checked as eval and lint check them (a case eval would refuse is
   refused here, in the same words). */
static int load_dataset(struct cost_inputs *in, const char *dataset, int named_prompts)
{
	struct llmops_buf dt = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	int rc = 0;
	if (llmops_buf_read_file(&dt, dataset)) {
		llmops_error("cost: cannot read dataset '%s'", dataset);
		rc = LLMOPS_EXIT_USAGE;
	} else if (llmops_dataset_parse(&in->ds, dataset, dt.data ? dt.data : "", dt.len, &err) ||
		   llmops_dataset_check(&in->ds, dt.data, dt.len, 0, &err)) {
		rc = llmops_report(&err);
	}
	llmops_buf_release(&dt);
	in->have_ds = !rc;
	if (!rc && !named_prompts)
		llmops_prompt_root_relative(&in->penv, dataset, in->dataset_rel,
					    sizeof(in->dataset_rel));
	return rc;
}

/* --cascade: the tiers' models and the share of requests reaching each. */
struct cost_cascade {
	struct llmops_provider *p;			   /* the cascade */
	struct llmops_provider *tiers[LLMOPS_CASCADE_MAX]; /* owned */
	struct llmops_cost_cascade c;
};

static void cost_cascade_release(struct cost_cascade *k)
{
	llmops_provider_free(k->p);
	for (size_t i = 0; i < LLMOPS_CASCADE_MAX; i++)
		llmops_provider_free(k->tiers[i]);
}

static int cost_cascade(struct cost_inputs *in, const char *spec, struct cost_cascade *k,
			struct llmops_strlist *notes)
{
	struct llmops_err err = {0};
	long answered[LLMOPS_CASCADE_MAX] = {0};
	size_t n = 0;
	if (llmops_provider_resolve(&k->p, spec, in->cfg.providers, NULL, &err))
		return llmops_report(&err);
	if (k->p->type != LLMOPS_PROVIDER_CASCADE) {
		llmops_error("cost: --cascade %s: not a cascade (cascade:SMALL,LARGE, or one named "
			     "in llmops.json); --model prices one model",
			     spec);
		return LLMOPS_EXIT_USAGE;
	}
	k->c.label = k->p->label;
	k->c.n = k->p->tiers.nr;
	for (size_t t = 0; t < k->c.n; t++) {
		if (llmops_provider_resolve(&k->tiers[t], k->p->tiers.items[t], in->cfg.providers,
					    NULL, &err))
			return llmops_report(&err);
		if (!(k->c.models[t] = k->tiers[t]->model)) {
			llmops_error("cost: --cascade %s: tier %zu '%s' has no model to price",
				     spec, t + 1, k->p->tiers.items[t]);
			return LLMOPS_EXIT_USAGE;
		}
		k->c.reach[t] = 1; /* without an evaluation: every tier in full */
	}
	if (in->ledger && llmops_ledger_cascade_last(in->ledger, k->c.label, answered,
						     LLMOPS_CASCADE_MAX, &n, k->c.run_id, &err))
		return llmops_report(&err);
	long all = 0;
	for (size_t t = 0; t < n; t++)
		all += answered[t];
	if (n == k->c.n && all > 0) {
		long reached = all; /* those answered last by a tier reached every one before */
		for (size_t t = 0; t < n; t++) {
			k->c.reach[t] = (double)reached / (double)all;
			reached -= answered[t];
		}
	} else {
		k->c.run_id[0] = 0;
		char msg[400];
		snprintf(
			msg, sizeof(msg),
			"cost: no evaluation of %s in the ledger%s: priced as if every request "
			"went through every tier (llmops eval --provider %s gives its escalations)",
			spec, n ? " with these tiers" : "", spec);
		llmops_strlist_append(notes, msg);
	}
	return 0;
}

static int print_report(const struct llmops_cost_report *rep, const char *format,
			const struct llmops_ctx *ctx)
{
	const struct llmops_sgr sgr = llmops_sgr_of(ctx);
	if (!strcmp(format, "json")) {
		cJSON *j = llmops_cost_json(rep);
		int rc = !j || llmops_emit(stdout, j, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
		cJSON_Delete(j);
		return rc;
	}
	if (!strcmp(format, "markdown"))
		llmops_cost_print_markdown(stdout, rep);
	else
		llmops_cost_print_text(stdout, rep, &sgr);
	return 0;
}

int cmd_cost(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT, notes = LLMOPS_STRLIST_INIT;
	const char *format = "text", *dataset = NULL, *base = NULL, *prices_file = NULL;
	const char *model = NULL, *cascade_spec = NULL;
	struct cost_cascade casc = {0};
	double budget = NAN, increase = NAN, rpd = NAN; /* NAN: not given */
	long output_tokens = -1;
	struct cost_inputs in = {0};
	const struct llmops_option opts[] = {
		{OPT_LIST, 'p', "prompt", &refs, "NAME[@VER]",
		 "this prompt (repeatable; default: every pinned one)", NULL, 0, 0},
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "render with each case's variables: the cost of running it", NULL, 0, 0},
		{OPT_STRING, 0, "base", &base, "REV", "compare with the prompts as they are at REV",
		 NULL, 0, 0},
		{OPT_STRING, 'm', "model", &model, "MODEL", "price every prompt for MODEL", NULL, 0,
		 0},
		{OPT_STRING, 0, "cascade", &cascade_spec, "SPEC",
		 "price every prompt for a cascade, at the escalations of its newest evaluation",
		 NULL, 0, 0},
		{OPT_INT, 0, "output-tokens", &output_tokens, "N", "output tokens per request",
		 NULL, 0, 100000000},
		OPT_NUMBER_ENTRY(0, "requests-per-day", &rpd, "N", "traffic of every prompt", 0,
				 1e15),
		{OPT_STRING, 0, "prices", &prices_file, "FILE",
		 "prices that extend or override the built-in table", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "budget", &budget, "USD", "exit 1 above this much per month", 0,
				 1e15),
		OPT_NUMBER_ENTRY(
			0, "max-increase", &increase, "PCT",
			"exit 1 when a prompt's cost per request rises more than PCT% over "
			"--base",
			0, 1e9),
		{OPT_CHOICE, 0, "format", &format, "FORMAT", "text, json or markdown", cost_formats,
		 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_cost_report rep = {0};
	struct llmops_err err = {0};
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, 0), rc = 0;

	if (n < 0) {
		llmops_strlist_release(&refs);
		return LLMOPS_OPT_EXIT(n);
	}
	if (model && cascade_spec) {
		llmops_error("cost: --model and --cascade both name what to price for; give one");
		llmops_strlist_release(&refs);
		return LLMOPS_EXIT_USAGE;
	}
	if (!isnan(increase) && !base) {
		llmops_error("cost: --max-increase compares with a base: give --base REV too");
		llmops_strlist_release(&refs);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&in.penv, ctx))) {
		llmops_strlist_release(&refs);
		return rc;
	}
	if ((rc = load_prices(&in, prices_file)) ||
	    (dataset && (rc = load_dataset(&in, dataset, refs.nr > 0))) ||
	    (rc = open_ledger_if_any(&in.ledger, ctx)))
		goto out;
	if (cascade_spec && (rc = cost_cascade(&in, cascade_spec, &casc, &notes)))
		goto out;
	const struct llmops_cost_options o = {
		.env = &in.penv,
		.cfg = &in.cfg,
		.prices = in.prices,
		.ledger = in.ledger,
		.ds = in.have_ds ? &in.ds : NULL,
		.dataset = dataset,
		.dataset_rel = in.dataset_rel,
		.refs = &refs,
		.model = model,
		.cascade = cascade_spec ? &casc.c : NULL,
		.output_tokens = output_tokens,
		.requests_per_day = isnan(rpd) ? -1 : rpd,
		.base = base,
		.budget = !isnan(budget)		   ? budget
			  : !isnan(in.cfg.cost.budget_usd) ? in.cfg.cost.budget_usd
							   : -1,
		.max_increase = isnan(increase) ? -1 : increase,
	};
	rc = llmops_cost_estimate(&o, &rep, &notes, &err);
	for (size_t i = 0; i < notes.nr; i++)
		llmops_error("%s", notes.items[i]);
	if (rc)
		rc = llmops_report(&err);
	else if (!(rc = print_report(&rep, format, ctx)) && rep.failed)
		rc = LLMOPS_EXIT_CHECK;
out:
	cost_cascade_release(&casc);
	llmops_cost_report_release(&rep);
	llmops_strlist_release(&notes);
	llmops_dataset_release(&in.ds);
	llmops_pricing_free(in.prices);
	llmops_config_release(&in.cfg);
	llmops_prompt_env_close(&in.penv);
	llmops_strlist_release(&refs);
	return rc;
}
