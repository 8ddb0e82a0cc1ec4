/*
 * cost.c - `llmops cost`: tokens and money per prompt, per dataset run and
 * per month, for the work tree and (with --base) a git revision.
 */
#include "llmops.h"

#include "buf.h"
#include "cmdconfig.h"
#include "cost.h"

#include "casecheck.h"
#include "costmodel.h"
#include "dataset.h"
#include "json.h"
#include "ledger.h"
#include "models.h"
#include "options.h"
#include "output.h"
#include "pricing.h"
#include "prompt_cmd.h"
#include "tokenizer.h"
#include "workspace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const synopsis[] = {
	"llmops cost [--prompt NAME[@VERSION]]... [--dataset FILE] [--base REV] [--model MODEL]",
	"            [--output-tokens N] [--requests-per-day N] [--prices FILE]",
	"            [--budget USD] [--max-increase PCT] [--format text|json|markdown]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops cost",
	synopsis,
	"For each pinned prompt (or each --prompt), the input tokens of the rendered\n"
	"prompt (with each case of --dataset, or the template alone), the output\n"
	"tokens, and the cost of one request for its model, per month at its traffic,\n"
	"and of one run of the dataset.  With --base REV, the same for the prompts as\n"
	"they are at REV, and the change.  Exit 1 when --budget or --max-increase is\n"
	"exceeded.  Token counts of OpenAI models are exact; others are estimates.",
};

static const char *const cost_formats[] = {"text", "json", "markdown", NULL};

struct cost_env {
	struct llmops_prompt_env penv;
	struct llmops_config cfg; /* llmops.json */
	struct llmops_pricing *prices;
	struct llmops_tokenizer *tok[2]; /* cl100k_base, o200k_base, opened on demand */
	struct llmops_ledger *ledger;	 /* NULL when there is no ledger yet */
	struct llmops_dataset ds;
	char dataset_rel[4096]; /* --dataset relative to the root; "" without one */
	int have_ds;
	const char *model_flag;
	long output_flag; /* -1: none */
	double rpd_flag;  /* < 0: none */
	int in_base;	  /* the side being priced is the git base's */
};

static struct llmops_tokenizer *tokenizer_for(struct cost_env *ce, const char *encoding)
{
	int i = strcmp(encoding, "cl100k_base") ? 1 : 0;
	struct llmops_err err = {0};
	if (!ce->tok[i] && llmops_tokenizer_open(&ce->tok[i], encoding, &err))
		llmops_report(&err);
	return ce->tok[i];
}

/* What the flags, the prompt, llmops.json and the ledger say (the precedence is lib's). */
static void sources_for(const struct cost_env *ce, const struct llmops_prompt *p, const char *name,
			const struct llmops_observed *obs, struct llmops_cost_sources *s)
{
	llmops_cost_sources_init(s);
	s->model_flag = ce->model_flag;
	s->model_prompt = p->meta.model;
	s->model_config = ce->cfg.default_model;
	s->output_flag = ce->output_flag >= 0 ? (double)ce->output_flag : -1;
	s->output_prompt = p->meta.has_max_tokens ? (double)p->meta.max_tokens : -1;
	s->output_observed = obs && obs->requests > 0 ? obs->mean_tokens_out : -1;
	s->output_config = ce->cfg.default_max_tokens;
	s->traffic_flag = ce->rpd_flag;
	s->traffic_day = llmops_config_requests(&ce->cfg, name, 0);
	s->traffic_month = llmops_config_requests(&ce->cfg, name, 1);
	s->traffic_observed = obs ? obs->per_day : -1;
	s->traffic_production = obs && obs->production;
}

/* Tokens of p rendered with vars (NULL: the template alone). */
static int render_count(struct llmops_prompt_source *src, struct llmops_prompt *p,
			const cJSON *vars, struct llmops_tokenizer *tok,
			const struct llmops_model_tokens *mt, long *out)
{
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_render_opts ropts = {llmops_prompt_partial, src, &missing};
	struct llmops_err err = {0};
	cJSON *msgs = NULL, *extra = NULL;
	long tools = 0;
	int rc = llmops_prompt_render(p, vars, &ropts, &msgs, &err);
	if (!rc)
		rc = llmops_prompt_render_extra(p, vars, &ropts, &extra, &err);
	if (!rc && (rc = prompt_images(src->env, msgs))) { /* their sizes are their tokens */
		cJSON_Delete(msgs);
		cJSON_Delete(extra);
		llmops_strlist_release(&missing);
		return rc;
	}
	if (!rc)
		rc = llmops_count_chat(tok, mt, msgs, out, &err);
	/* the tool definitions are sent with every request: billed as prompt tokens */
	if (!rc &&
	    (rc = llmops_count_tools(tok, mt, cJSON_GetObjectItemCaseSensitive(extra, "tools"),
				     &tools, &err)) == 0)
		*out += tools;
	cJSON_Delete(msgs);
	cJSON_Delete(extra);
	llmops_strlist_release(&missing);
	return rc ? llmops_report(&err) : 0;
}

static int compute_side(struct cost_env *ce, const char *name, struct llmops_prompt_source *src,
			const char *path, int json, const char *version, struct cost_side *s)
{
	struct llmops_prompt *p = NULL;
	struct llmops_err err = {0};
	const struct llmops_price *pr;
	struct llmops_model_tokens mt;
	int rc;

	if ((rc = prompt_load(src, path, json, &p, NULL)))
		return rc;
	s->present = 1;
	snprintf(s->version, sizeof(s->version), "%s", version);
	struct llmops_cost_sources srcs;
	sources_for(ce, p, name, NULL, &srcs);
	const char *model = llmops_cost_model(&srcs);
	if (!model) {
		llmops_error("cost: %s has no model: set 'model:' in its front matter, a default "
			     "provider in llmops.json, or give --model",
			     path);
		llmops_prompt_free(p);
		return LLMOPS_EXIT_USAGE;
	}
	snprintf(s->model, sizeof(s->model), "%s", model);
	/* what the change would put in production is checked (the base is history) */
	if (!ce->in_base && (rc = config_model_allowed(&ce->cfg, ce->prices, model, "cost"))) {
		llmops_prompt_free(p);
		return rc;
	}
	if (llmops_pricing_find(ce->prices, model, &pr, &err)) {
		llmops_prompt_free(p);
		llmops_error("cost: %s: %s", path, err.msg);
		return LLMOPS_EXIT_USAGE;
	}
	if (!llmops_model_tokens(model, pr->provider, &mt))
		llmops_model_tokens(model, "other", &mt);
	s->encoding = mt.encoding;
	s->estimate = !mt.exact;
	struct llmops_tokenizer *tok = tokenizer_for(ce, mt.encoding);
	if (!tok) {
		llmops_prompt_free(p);
		return LLMOPS_EXIT_RUNTIME;
	}

	/* output tokens */
	struct llmops_observed obs = {0};
	if (ce->ledger && llmops_ledger_observed(ce->ledger, name, model, &obs, &err)) {
		llmops_prompt_free(p);
		return llmops_report(&err);
	}
	sources_for(ce, p, name, &obs, &srcs);
	s->output_tokens = llmops_cost_output_tokens(&srcs, &s->output_source);

	/* input tokens: each case, or the template alone */
	long n = 0;
	double sum = 0, cost_sum = 0;
	if (ce->have_ds) {
		for (size_t i = 0; i < ce->ds.n; i++) {
			if ((rc = render_count(src, p, ce->ds.cases[i].vars, tok, &mt, &n)))
				break;
			sum += (double)n;
			cost_sum += llmops_cost_request(pr, (double)n, s->output_tokens);
		}
		s->cases = (long)ce->ds.n;
		s->input_tokens = ce->ds.n ? sum / (double)ce->ds.n : 0;
		s->dataset_cost = cost_sum;
	} else {
		rc = render_count(src, p, NULL, tok, &mt, &n);
		s->input_tokens = (double)n;
	}
	if (rc) {
		llmops_prompt_free(p);
		return rc;
	}
	s->per_request = ce->have_ds && ce->ds.n
				 ? cost_sum / (double)ce->ds.n
				 : llmops_cost_request(pr, s->input_tokens, s->output_tokens);

	/* traffic */
	s->per_day = llmops_cost_traffic(&srcs, &s->traffic_source);
	s->per_month = s->per_request * s->per_day * 30.0;
	s->context_window = pr->context_window;
	double max_out = p->meta.has_max_tokens ? (double)p->meta.max_tokens : s->output_tokens;
	s->over_context =
		pr->context_window > 0 && s->input_tokens + max_out > (double)pr->context_window;
	llmops_prompt_free(p);
	return 0;
}

static struct cost_row *row_for(struct cost_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].name, name))
			return &r->rows[i];
	struct cost_row *rows = realloc(r->rows, (r->n + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	r->rows = rows;
	memset(&rows[r->n], 0, sizeof(rows[r->n]));
	snprintf(rows[r->n].name, sizeof(rows[r->n].name), "%s", name);
	return &rows[r->n++];
}

/* One side: the prompts named by refs, or every pinned one in lock. */
static int compute_all(struct cost_env *ce, struct cost_report *r, struct llmops_snapshot *snap,
		       const struct llmops_lock *lock, const struct llmops_strlist *refs, int base)
{
	struct llmops_prompt_source src = {&ce->penv, snap, NULL};
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	int rc = 0;

	ce->in_base = base;
	if (refs->nr && llmops_store_catalog(ce->penv.store, snap, snap == NULL, &cat, &err))
		return llmops_report(&err);
	if (refs->nr) {
		for (size_t i = 0; i < refs->nr && !rc; i++) {
			struct llmops_promptref ref;
			const struct llmops_version_file *vf = NULL;
			if (llmops_promptref_parse(&ref, refs->items[i], 0, 0, &err)) {
				rc = llmops_report(&err);
				break;
			}
			const struct llmops_family *f = llmops_catalog_find(&cat, ref.name);
			if (base && !f)
				continue; /* added since the base */
			if (!ref.version[0] && base) {
				const struct llmops_lock_entry *e =
					llmops_lock_find(lock, ref.name);
				if (!e)
					continue;
				vf = llmops_family_find(f, e->version);
			} else if (base) {
				vf = llmops_family_find(f, ref.version);
			} else {
				rc = prompt_resolve(&ce->penv, &cat, &ref, &vf);
			}
			if (rc || !vf)
				continue;
			struct cost_row *row = row_for(r, ref.name);
			if (!row)
				rc = LLMOPS_EXIT_RUNTIME;
			else
				rc = compute_side(ce, ref.name, &src, vf->path, vf->json,
						  vf->version, base ? &row->base : &row->cur);
		}
	} else {
		for (size_t i = 0; i < lock->n && !rc; i++) {
			const struct llmops_lock_entry *e = &lock->e[i];
			/* a judge's rubric is evaluation, not production traffic: priced only
			   when named with --prompt */
			if (!strncmp(e->name, LLMOPS_JUDGES_DIR "/", sizeof(LLMOPS_JUDGES_DIR)))
				continue;
			/* with --dataset: only the prompts it belongs to (eval's pairing rule) */
			if (ce->dataset_rel[0] && !llmops_dataset_pairs(ce->dataset_rel, e->name))
				continue;
			struct cost_row *row = row_for(r, e->name);
			size_t pl = strlen(e->path);
			if (!row)
				rc = LLMOPS_EXIT_RUNTIME;
			else
				rc = compute_side(ce, e->name, &src, e->path,
						  pl > 5 && !strcmp(e->path + pl - 5, ".json"),
						  e->version, base ? &row->base : &row->cur);
		}
	}
	llmops_catalog_release(&cat);
	return rc;
}

/* The lock as committed at snap (empty when it has none). */
static int lock_at(struct llmops_snapshot *snap, struct llmops_lock *lock)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char label[128];
	int rc = llmops_snapshot_read(snap, LLMOPS_LOCK_FILE, &text, NULL, &err);
	memset(lock, 0, sizeof(*lock));
	if (rc == LLMOPS_E_NOTFOUND) {
		llmops_buf_release(&text);
		return 0;
	}
	snprintf(label, sizeof(label), "%s:" LLMOPS_LOCK_FILE, llmops_snapshot_rev(snap));
	if (!rc)
		rc = llmops_lock_parse(lock, text.data, text.len, label, &err);
	llmops_buf_release(&text);
	return rc ? llmops_report(&err) : 0;
}

static void gates(struct cost_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct cost_row *w = &r->rows[i];
		r->total_month += w->cur.per_month;
		r->base_total_month += w->base.per_month;
		r->total_dataset += w->cur.dataset_cost;
		w->delta_request = w->cur.per_request - w->base.per_request;
		w->delta_month = w->cur.per_month - w->base.per_month;
		w->delta_pct = w->base.present && w->cur.present && w->base.per_request > 0
				       ? 100.0 * w->delta_request / w->base.per_request
				       : NAN;
		if (r->max_increase >= 0 && r->base_rev && w->cur.present && w->base.present &&
		    w->delta_pct > r->max_increase) {
			w->over_increase = 1;
			r->failed = 1;
		}
	}
	if (r->budget >= 0 && r->total_month > r->budget) {
		r->over_budget = 1;
		r->failed = 1;
	}
}

static int open_ledger_if_any(struct cost_env *ce, struct llmops_ctx *ctx)
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
	return llmops_ctx_ledger(ctx, &ce->ledger);
}

int cmd_cost(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT;
	const char *format = "text", *dataset = NULL, *base = NULL, *prices_file = NULL;
	double budget = NAN, increase = NAN, rpd = NAN; /* NAN: not given */
	long output_tokens = -1;
	struct cost_env ce = {0};
	const struct llmops_option opts[] = {
		{OPT_LIST, 'p', "prompt", &refs, "NAME[@VER]",
		 "this prompt (repeatable; default: every pinned one)", NULL, 0, 0},
		{OPT_STRING, 'd', "dataset", &dataset, "FILE",
		 "render with each case's variables: the cost of running it", NULL, 0, 0},
		{OPT_STRING, 0, "base", &base, "REV", "compare with the prompts as they are at REV",
		 NULL, 0, 0},
		{OPT_STRING, 'm', "model", &ce.model_flag, "MODEL", "price every prompt for MODEL",
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
	struct cost_report rep = {0};
	struct llmops_buf pf = LLMOPS_BUF_INIT;
	struct llmops_snapshot *snap = NULL;
	struct llmops_lock base_lock = {0};
	struct llmops_err err = {0};
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, 0), rc = 0;

	if (n < 0) {
		llmops_strlist_release(&refs);
		return LLMOPS_OPT_EXIT(n);
	}
	rep.budget = isnan(budget) ? -1 : budget;
	rep.max_increase = isnan(increase) ? -1 : increase;
	ce.output_flag = output_tokens;
	ce.rpd_flag = isnan(rpd) ? -1 : rpd;
	if (!isnan(increase) && !base) {
		llmops_error("cost: --max-increase compares with a base: give --base REV too");
		llmops_strlist_release(&refs);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&ce.penv, ctx))) {
		llmops_strlist_release(&refs);
		return rc;
	}
	if (llmops_pricing_builtin(&ce.prices, &err))
		rc = llmops_report(&err);
	if (!rc)
		rc = config_load(llmops_store_root(ce.penv.store), &ce.cfg, ce.prices);
	if (!rc && prices_file) {
		if (llmops_buf_read_file(&pf, prices_file)) {
			llmops_error("cost: cannot read --prices file '%s'", prices_file);
			rc = LLMOPS_EXIT_USAGE;
		} else if (llmops_pricing_add_json(ce.prices, pf.data, pf.len, prices_file, &err)) {
			rc = llmops_report(&err);
		}
	}
	if (!rc && prices_file && llmops_config_reapprove(&ce.cfg, ce.prices, &err))
		rc = llmops_report(&err); /* the approved models against the prices given too */
	if (!rc && dataset) {
		struct llmops_buf dt = LLMOPS_BUF_INIT;
		/* the cases checked as eval and lint check them: a case eval would refuse
		   is refused here, in the same words */
		if (llmops_buf_read_file(&dt, dataset)) {
			llmops_error("cost: cannot read dataset '%s'", dataset);
			rc = LLMOPS_EXIT_USAGE;
		} else if (llmops_dataset_parse(&ce.ds, dataset, dt.data ? dt.data : "", dt.len,
						&err) ||
			   llmops_dataset_check(&ce.ds, dt.data, dt.len, 0, &err)) {
			rc = llmops_report(&err);
		}
		llmops_buf_release(&dt);
		ce.have_ds = !rc;
		if (!rc && !refs.nr)
			llmops_prompt_root_relative(&ce.penv, dataset, ce.dataset_rel,
						    sizeof(ce.dataset_rel));
	}
	if (!rc && isnan(budget)) {
		if (!isnan(ce.cfg.cost.budget_usd))
			rep.budget = ce.cfg.cost.budget_usd;
	}
	if (!rc)
		rc = open_ledger_if_any(&ce, ctx);
	if (!rc && !refs.nr && !ce.penv.lock.n && !base) {
		llmops_error(
			"cost: no prompt is pinned in prompts.lock: pin one (llmops prompt pin "
			"NAME@VERSION) or name one with --prompt NAME[@VERSION]");
		rc = LLMOPS_EXIT_USAGE;
	}
	if (!rc)
		rc = compute_all(&ce, &rep, NULL, &ce.penv.lock, &refs, 0);
	if (!rc && ce.dataset_rel[0] && !rep.n) {
		/* a dataset priced against prompts it does not belong to is no run of anything */
		struct llmops_buf names = LLMOPS_BUF_INIT;
		for (size_t i = 0; i < ce.penv.lock.n; i++)
			llmops_buf_addf(&names, "%s%s", i ? ", " : "", ce.penv.lock.e[i].name);
		llmops_error("cost: %s belongs to no pinned prompt (pinned: %s; a dataset belongs "
			     "to NAME as evals/NAME.json): name its prompt with --prompt NAME",
			     dataset, names.data ? names.data : "none");
		llmops_buf_release(&names);
		rc = LLMOPS_EXIT_USAGE;
	}
	if (!rc && base) {
		if (llmops_snapshot_open(&snap, ce.penv.store, base, &err))
			rc = llmops_report(&err);
		if (!rc)
			rc = lock_at(snap, &base_lock);
		if (!rc)
			rc = compute_all(&ce, &rep, snap, &base_lock, &refs, 1);
		rep.base_rev = base;
	}
	if (!rc) {
		rep.dataset = dataset;
		rep.prices_source = llmops_pricing_source(ce.prices);
		rep.prices_date = llmops_pricing_date(ce.prices);
		gates(&rep);
		if (!strcmp(format, "json")) {
			cJSON *j = cost_json(&rep);
			if (!j || llmops_emit(stdout, j, LLMOPS_FORMAT_JSON))
				rc = LLMOPS_EXIT_RUNTIME;
			cJSON_Delete(j);
		} else if (!strcmp(format, "markdown")) {
			cost_print_markdown(&rep);
		} else {
			cost_print_text(&rep, ctx->color);
		}
		if (!rc && rep.failed)
			rc = LLMOPS_EXIT_CHECK;
	}
	free(rep.rows);
	llmops_lock_release(&base_lock);
	llmops_snapshot_free(snap);
	llmops_dataset_release(&ce.ds);
	for (int i = 0; i < 2; i++)
		llmops_tokenizer_close(ce.tok[i]);
	llmops_pricing_free(ce.prices);
	llmops_config_release(&ce.cfg);
	llmops_buf_release(&pf);
	llmops_prompt_env_close(&ce.penv);
	llmops_strlist_release(&refs);
	return rc;
}
