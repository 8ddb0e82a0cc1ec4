/*
 * estimate.c - what prompts cost before they run (cost.h): each side (the
 * work tree, the base revision) rendered, counted with the model's
 * tokenizer, priced per request, month and dataset run; then the gates.
 */
#include "cost.h"

#include "costmodel.h"
#include "image.h"
#include "models.h"
#include "tokenizer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One estimate's state. */
struct estimate {
	const struct llmops_cost_options *o;
	struct llmops_tokenizer *tok[2]; /* cl100k_base, o200k_base, opened on demand */
	struct llmops_strlist *notes;
	struct llmops_err *err;
	int in_base; /* the side being priced is the base revision's */
};

static struct llmops_tokenizer *tokenizer_for(struct estimate *ce, const char *encoding)
{
	int i = strcmp(encoding, "cl100k_base") ? 1 : 0;
	if (!ce->tok[i])
		llmops_tokenizer_open(&ce->tok[i], encoding, ce->err);
	return ce->tok[i];
}

/* What the options, the prompt, llmops.json and the ledger say (the precedence is
   costmodel.h's). */
static void sources_for(const struct estimate *ce, const struct llmops_prompt *p, const char *name,
			const struct llmops_observed *obs, struct llmops_cost_sources *s)
{
	const struct llmops_cost_options *o = ce->o;
	llmops_cost_sources_init(s);
	s->model_flag = o->model;
	s->model_prompt = p->meta.model;
	s->model_config = o->cfg->default_model;
	s->output_flag = o->output_tokens >= 0 ? (double)o->output_tokens : -1;
	s->output_prompt = p->meta.has_max_tokens ? (double)p->meta.max_tokens : -1;
	s->output_observed = obs && obs->requests > 0 ? obs->mean_tokens_out : -1;
	s->output_config = o->cfg->default_max_tokens;
	s->traffic_flag = o->requests_per_day;
	s->traffic_day = llmops_config_requests(o->cfg, name, 0);
	s->traffic_month = llmops_config_requests(o->cfg, name, 1);
	s->traffic_observed = obs ? obs->per_day : -1;
	s->traffic_production = obs && obs->production;
}

/* Tokens of p rendered with vars (NULL: the template alone), its tools' included. */
static int render_count(struct estimate *ce, const struct llmops_prompt_source *src,
			struct llmops_prompt *p, const cJSON *vars, struct llmops_tokenizer *tok,
			const struct llmops_model_tokens *mt, long *out)
{
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_render_opts ropts = {llmops_prompt_partial, (void *)src, &missing};
	cJSON *msgs = NULL, *extra = NULL;
	long tools = 0;
	int rc = llmops_prompt_render(p, vars, &ropts, &msgs, ce->err);
	if (!rc)
		rc = llmops_prompt_render_extra(p, vars, &ropts, &extra, ce->err);
	if (!rc) /* the images' sizes are their tokens */
		rc = llmops_images_resolve(msgs, llmops_store_root(src->env->store), ce->err);
	if (!rc)
		rc = llmops_count_chat(tok, mt, msgs, out, ce->err);
	/* the tool definitions are sent with every request: billed as prompt tokens */
	if (!rc &&
	    (rc = llmops_count_tools(tok, mt, cJSON_GetObjectItemCaseSensitive(extra, "tools"),
				     &tools, ce->err)) == 0)
		*out += tools;
	cJSON_Delete(msgs);
	cJSON_Delete(extra);
	llmops_strlist_release(&missing);
	return rc;
}

/* The model a side is priced for, checked against the approved ones, and its price. */
static int model_for(struct estimate *ce, const char *path, const char *model,
		     const struct llmops_price **pr)
{
	struct llmops_err e = {0};
	/* what the change would put in production is checked (the base is history) */
	if (!ce->in_base && llmops_config_model_allowed(ce->o->cfg, ce->o->prices, model, "cost",
							ce->notes, ce->err))
		return ce->err->code;
	if (llmops_pricing_find(ce->o->prices, model, pr, &e))
		return llmops_err_set(ce->err, LLMOPS_E_USAGE, "cost: %s: %s", path, e.msg);
	return 0;
}

/* Input tokens and cost of p: over the dataset's cases, or of the template alone. */
static int count_input(struct estimate *ce, const struct llmops_prompt_source *src,
		       struct llmops_prompt *p, const struct llmops_price *pr,
		       const struct llmops_model_tokens *mt, struct llmops_cost_side *s)
{
	const struct llmops_dataset *ds = ce->o->ds;
	struct llmops_tokenizer *tok = tokenizer_for(ce, mt->encoding);
	double sum = 0, cost_sum = 0;
	long n = 0;
	int rc = 0;
	if (!tok)
		return ce->err->code;
	if (!ds) {
		rc = render_count(ce, src, p, NULL, tok, mt, &n);
		s->input_tokens = (double)n;
		s->per_request = llmops_cost_request(pr, s->input_tokens, s->output_tokens);
		return rc;
	}
	for (size_t i = 0; i < ds->n && !rc; i++) {
		if ((rc = render_count(ce, src, p, ds->cases[i].vars, tok, mt, &n)))
			break;
		sum += (double)n;
		cost_sum += llmops_cost_request(pr, (double)n, s->output_tokens);
	}
	s->cases = (long)ds->n;
	s->input_tokens = ds->n ? sum / (double)ds->n : 0;
	s->dataset_cost = cost_sum;
	s->per_request = ds->n ? cost_sum / (double)ds->n
			       : llmops_cost_request(pr, s->input_tokens, s->output_tokens);
	return rc;
}

/* A cascade: what a request costs on each tier (counted with that tier's tokenizer),
   weighted by the share of requests that reach it. */
static int cascade_cost(struct estimate *ce, const struct llmops_prompt_source *src,
			struct llmops_prompt *p, const char *path, struct llmops_cost_side *s)
{
	const struct llmops_cost_cascade *c = ce->o->cascade;
	double per_request = 0, dataset = 0;
	int rc = 0;
	for (size_t k = 0; k < c->n && !rc; k++) {
		const struct llmops_price *pr = NULL;
		struct llmops_model_tokens mt;
		struct llmops_cost_side t = *s;
		if ((rc = model_for(ce, path, c->models[k], &pr)))
			break;
		if (!llmops_model_tokens(c->models[k], pr->provider, &mt))
			llmops_model_tokens(c->models[k], "other", &mt);
		if ((rc = count_input(ce, src, p, pr, &mt, &t)))
			break;
		per_request += c->reach[k] * t.per_request;
		dataset += c->reach[k] * t.dataset_cost;
		s->estimate |= !mt.exact;
	}
	s->per_request = per_request;
	s->dataset_cost = dataset;
	return rc;
}

static int compute_side(struct estimate *ce, const char *name,
			const struct llmops_prompt_source *src, const char *path, int json,
			const char *version, struct llmops_cost_side *s)
{
	struct llmops_prompt *p = NULL;
	const struct llmops_price *pr = NULL;
	struct llmops_model_tokens mt;
	struct llmops_cost_sources srcs;
	struct llmops_observed obs = {0};
	int rc;

	if ((rc = llmops_prompt_load(src, path, json, &p, NULL, ce->err)))
		return rc;
	s->present = 1;
	snprintf(s->version, sizeof(s->version), "%s", version);
	sources_for(ce, p, name, NULL, &srcs);
	const char *model = llmops_cost_model(&srcs);
	if (!model) {
		rc = llmops_err_set(ce->err, LLMOPS_E_USAGE,
				    "cost: %s has no model: set 'model:' in its front matter, a "
				    "default provider in llmops.json, or give --model",
				    path);
		goto out;
	}
	if (ce->o->cascade) /* its first tier's tokenizer counts; each tier's price weighs in */
		model = ce->o->cascade->models[0];
	snprintf(s->model, sizeof(s->model), "%s", ce->o->cascade ? ce->o->cascade->label : model);
	if ((rc = model_for(ce, path, model, &pr)))
		goto out;
	if (!llmops_model_tokens(model, pr->provider, &mt))
		llmops_model_tokens(model, "other", &mt);
	s->encoding = mt.encoding;
	s->estimate = !mt.exact;
	/* output tokens: what the options, the prompt, the ledger or llmops.json say */
	if (ce->o->ledger &&
	    (rc = llmops_ledger_observed(ce->o->ledger, name, model, &obs, ce->err)))
		goto out;
	sources_for(ce, p, name, &obs, &srcs);
	s->output_tokens = llmops_cost_output_tokens(&srcs, &s->output_source);
	if ((rc = count_input(ce, src, p, pr, &mt, s)))
		goto out;
	if (ce->o->cascade && (rc = cascade_cost(ce, src, p, path, s)))
		goto out;
	/* traffic */
	s->per_day = llmops_cost_traffic(&srcs, &s->traffic_source);
	s->per_month = s->per_request * s->per_day * 30.0;
	s->context_window = pr->context_window;
	double max_out = p->meta.has_max_tokens ? (double)p->meta.max_tokens : s->output_tokens;
	s->over_context =
		pr->context_window > 0 && s->input_tokens + max_out > (double)pr->context_window;
out:
	llmops_prompt_free(p);
	return rc;
}

static struct llmops_cost_row *row_for(struct llmops_cost_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].name, name))
			return &r->rows[i];
	struct llmops_cost_row *rows = realloc(r->rows, (r->n + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	r->rows = rows;
	memset(&rows[r->n], 0, sizeof(rows[r->n]));
	snprintf(rows[r->n].name, sizeof(rows[r->n].name), "%s", name);
	return &rows[r->n++];
}

/* The version file a ref names on a side: the work tree's as resolved, the base's as it
   was there (NULL: the prompt or its pin did not exist yet, which is not an error). */
static int ref_file(struct estimate *ce, const struct llmops_catalog *cat,
		    const struct llmops_lock *lock, const struct llmops_promptref *ref,
		    const struct llmops_version_file **vf)
{
	const struct llmops_family *f = llmops_catalog_find(cat, ref->name);
	*vf = NULL;
	if (!ce->in_base)
		return llmops_prompt_resolve(ce->o->env, cat, ref, vf, ce->err);
	if (!f)
		return 0; /* added since the base */
	if (ref->version[0]) {
		*vf = llmops_family_find(f, ref->version);
		return 0;
	}
	const struct llmops_lock_entry *e = llmops_lock_find(lock, ref->name);
	*vf = e ? llmops_family_find(f, e->version) : NULL;
	return 0;
}

/* The prompts the options name on one side. */
static int compute_refs(struct estimate *ce, struct llmops_cost_report *r,
			const struct llmops_prompt_source *src, const struct llmops_lock *lock)
{
	const struct llmops_strlist *refs = ce->o->refs;
	struct llmops_catalog cat = {0};
	int rc = llmops_store_catalog(ce->o->env->store, src->snap, src->snap == NULL, &cat,
				      ce->err);
	for (size_t i = 0; i < refs->nr && !rc; i++) {
		struct llmops_promptref ref;
		const struct llmops_version_file *vf = NULL;
		if ((rc = llmops_promptref_parse(&ref, refs->items[i], 0, 0, ce->err)) ||
		    (rc = ref_file(ce, &cat, lock, &ref, &vf)) || !vf)
			continue;
		struct llmops_cost_row *row = row_for(r, ref.name);
		rc = !row ? llmops_err_set(ce->err, LLMOPS_E_NOMEM, "out of memory")
			  : compute_side(ce, ref.name, src, vf->path, vf->json, vf->version,
					 ce->in_base ? &row->base : &row->cur);
	}
	llmops_catalog_release(&cat);
	return rc;
}

/* One side: the prompts named, or every pinned one in lock. */
static int compute_all(struct estimate *ce, struct llmops_cost_report *r,
		       struct llmops_snapshot *snap, const struct llmops_lock *lock, int base)
{
	const struct llmops_prompt_source src = {ce->o->env, snap, NULL};
	const char *rel = ce->o->dataset_rel;
	int rc = 0;
	ce->in_base = base;
	if (ce->o->refs->nr)
		return compute_refs(ce, r, &src, lock);
	for (size_t i = 0; i < lock->n && !rc; i++) {
		const struct llmops_lock_entry *e = &lock->e[i];
		/* a judge's rubric is evaluation, not production traffic: priced only when
		   named */
		if (!strncmp(e->name, LLMOPS_JUDGES_DIR "/", sizeof(LLMOPS_JUDGES_DIR)))
			continue;
		/* with a dataset: only the prompts it belongs to (eval's pairing rule) */
		if (rel && rel[0] && !llmops_dataset_pairs(rel, e->name))
			continue;
		struct llmops_cost_row *row = row_for(r, e->name);
		size_t pl = strlen(e->path);
		rc = !row ? llmops_err_set(ce->err, LLMOPS_E_NOMEM, "out of memory")
			  : compute_side(ce, e->name, &src, e->path,
					 pl > 5 && !strcmp(e->path + pl - 5, ".json"), e->version,
					 base ? &row->base : &row->cur);
	}
	return rc;
}

/* The lock as committed at snap (empty when it has none). */
static int lock_at(struct llmops_snapshot *snap, struct llmops_lock *lock, struct llmops_err *err)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	char label[128];
	int rc = llmops_snapshot_read(snap, LLMOPS_LOCK_FILE, &text, NULL, err);
	memset(lock, 0, sizeof(*lock));
	if (rc == LLMOPS_E_NOTFOUND) {
		llmops_err_clear(err);
		llmops_buf_release(&text);
		return 0;
	}
	snprintf(label, sizeof(label), "%s:" LLMOPS_LOCK_FILE, llmops_snapshot_rev(snap));
	if (!rc)
		rc = llmops_lock_parse(lock, text.data, text.len, label, err);
	llmops_buf_release(&text);
	return rc;
}

/* The totals, the changes and the gates. */
static void gates(struct llmops_cost_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct llmops_cost_row *w = &r->rows[i];
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

/* A dataset priced against prompts it does not belong to is no run of anything. */
static int no_pairing(struct estimate *ce)
{
	const struct llmops_lock *lock = &ce->o->env->lock;
	struct llmops_buf names = LLMOPS_BUF_INIT;
	for (size_t i = 0; i < lock->n; i++)
		llmops_buf_addf(&names, "%s%s", i ? ", " : "", lock->e[i].name);
	int rc = llmops_err_set(ce->err, LLMOPS_E_USAGE,
				"cost: %s belongs to no pinned prompt (pinned: %s; a dataset "
				"belongs to NAME as evals/NAME.json): name its prompt with "
				"--prompt NAME",
				ce->o->dataset, names.data ? names.data : "none");
	llmops_buf_release(&names);
	return rc;
}

/* The base revision's side. */
static int compute_base(struct estimate *ce, struct llmops_cost_report *r)
{
	struct llmops_snapshot *snap = NULL;
	struct llmops_lock lock = {0};
	int rc = llmops_snapshot_open(&snap, ce->o->env->store, ce->o->base, ce->err);
	if (!rc && !(rc = lock_at(snap, &lock, ce->err)))
		rc = compute_all(ce, r, snap, &lock, 1);
	r->base_rev = ce->o->base;
	llmops_lock_release(&lock);
	llmops_snapshot_free(snap);
	return rc;
}

int llmops_cost_estimate(const struct llmops_cost_options *o, struct llmops_cost_report *r,
			 struct llmops_strlist *notes, struct llmops_err *err)
{
	struct estimate ce = {o, {NULL, NULL}, notes, err, 0};
	const char *rel = o->dataset_rel;
	int rc = 0;
	memset(r, 0, sizeof(*r));
	r->budget = o->budget;
	r->max_increase = o->max_increase;
	r->cascade = o->cascade;
	if (!o->refs->nr && !o->env->lock.n && !o->base)
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "cost: no prompt is pinned in prompts.lock: pin one (llmops "
				    "prompt pin NAME@VERSION) or name one with --prompt "
				    "NAME[@VERSION]");
	if (!rc)
		rc = compute_all(&ce, r, NULL, &o->env->lock, 0);
	if (!rc && rel && rel[0] && !r->n)
		rc = no_pairing(&ce);
	if (!rc && o->base)
		rc = compute_base(&ce, r);
	if (!rc) {
		r->dataset = o->dataset;
		r->prices_source = llmops_pricing_source(o->prices);
		r->prices_date = llmops_pricing_date(o->prices);
		gates(r);
	}
	for (int i = 0; i < 2; i++)
		llmops_tokenizer_close(ce.tok[i]);
	return rc;
}

void llmops_cost_report_release(struct llmops_cost_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}
