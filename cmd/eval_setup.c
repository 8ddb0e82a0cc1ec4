/*
 * eval_setup.c - everything `llmops eval` checks before it sends a single
 * request: the dataset and its cases, the metrics and assertions, the
 * prompts and providers, and every job rendered (so that a missing
 * variable is reported up front); then the run in the ledger, and resume.
 */
#include "llmops.h"

#include "config.h"
#include "eval.h"
#include "eval_opts.h"
#include "json.h"
#include "models.h"
#include "pincheck.h"
#include "workspace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *field_str(const cJSON *fields, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A reserved value as text: strings as they are, other JSON compact. */
static char *field_text(const cJSON *fields, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields, k);
	if (!v || cJSON_IsNull(v))
		return NULL;
	return cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
}

static int parse_metric(const char *name, const char *where)
{
	int m = llmops_metric_parse(name);
	if (m < 0)
		llmops_error("%s: unknown metric '%s' (known: exact, levenshtein, jaccard, cosine, "
			     "rouge_l, bleu, chrf, embedding)",
			     where, name);
	else if (m == LLMOPS_METRIC_JUDGE) {
		llmops_error("%s: the judge metric is not available yet: use assertions or a "
			     "similarity metric",
			     where);
		m = -1;
	}
	return m;
}

static int setup_metrics(struct eval *ev, const struct eval_opts *o)
{
	const cJSON *cm = config_get(ev->cfg, "eval", "metric");
	if (!o->metrics.nr) {
		const char *dflt = cJSON_IsString(cm) ? cm->valuestring : "rouge_l";
		llmops_strlist_append(&ev->metrics, dflt);
	}
	for (size_t i = 0; i < o->metrics.nr; i++)
		llmops_strlist_append(&ev->metrics, o->metrics.items[i]);
	for (size_t i = 0; i < ev->metrics.nr; i++) {
		int m = parse_metric(ev->metrics.items[i],
				     o->metrics.nr ? "--metric" : "llmops.json: eval.metric");
		if (m < 0)
			return LLMOPS_EXIT_USAGE;
		int dup = 0;
		for (size_t k = 0; k < ev->nmetric_ids; k++)
			dup |= ev->metric_ids[k] == m;
		if (!dup)
			ev->metric_ids[ev->nmetric_ids++] = m;
	}
	return 0;
}

static int setup_cases(struct eval *ev, const struct eval_opts *o)
{
	struct llmops_err err = {0};
	size_t n = ev->ds.n, first = 0;
	if (o->limit > 0 && (size_t)o->limit < n)
		n = (size_t)o->limit;
	if (ev->shard_count) { /* the I-th of N contiguous slices, sizes differing by at most 1 */
		size_t all = n, i = (size_t)ev->shard_index, k = (size_t)ev->shard_count;
		first = (i - 1) * all / k;
		n = i * all / k - first;
	}
	ev->shard_first = first;
	ev->cases = calloc(n ? n : 1, sizeof(*ev->cases));
	if (!ev->cases)
		return LLMOPS_EXIT_RUNTIME;
	ev->ncases = n;
	for (size_t i = 0; i < n; i++) {
		const struct llmops_case *dc = &ev->ds.cases[first + i];
		struct eval_case *c = &ev->cases[i];
		char where[512];
		snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
		c->id = dc->id;
		c->vars = dc->vars;
		c->expected = field_text(dc->fields, "expected");
		c->recorded = field_text(dc->fields, "output");
		c->metric = ev->metric_ids[0];
		c->threshold = ev->threshold;
		const char *m = field_str(dc->fields, "metric");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(dc->fields, "threshold");
		if (cJSON_GetObjectItemCaseSensitive(dc->fields, "metric") && !m) {
			llmops_error("%s: \"metric\" must be a metric name", where);
			return LLMOPS_EXIT_USAGE;
		}
		if (m && (c->metric = parse_metric(m, where)) < 0)
			return LLMOPS_EXIT_USAGE;
		if (t) {
			double x = cJSON_IsNumber(t)   ? t->valuedouble
				   : cJSON_IsString(t) ? strtod(t->valuestring, NULL)
						       : -1;
			if (x < 0 || x > 1 || (cJSON_IsString(t) && !t->valuestring[0])) {
				llmops_error("%s: \"threshold\" must be a number in [0, 1]", where);
				return LLMOPS_EXIT_USAGE;
			}
			c->threshold = x;
		}
		if (llmops_assertions_parse(&c->asserts,
					    cJSON_GetObjectItemCaseSensitive(dc->fields, "assert"),
					    where, &err))
			return llmops_report(&err);
		if (!c->expected)
			c->metric = -1;
		if (!c->expected && !c->asserts.n) {
			llmops_error(
				"%s: nothing to check: give it \"expected\" (scored with %s) or "
				"\"assert\"",
				where, llmops_metric_name(ev->metric_ids[0]));
			return LLMOPS_EXIT_USAGE;
		}
		if (c->metric == LLMOPS_METRIC_EMBEDDING && !ev->embedding_spec) {
			llmops_error("%s: the embedding metric needs --embedding-provider SPEC (an "
				     "OpenAI-compatible /embeddings endpoint)",
				     where);
			return LLMOPS_EXIT_USAGE;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- prompts */

static int prompt_named_like_dataset(struct eval *ev, const struct llmops_catalog *cat,
				     struct llmops_strlist *out)
{
	const char *base = strrchr(ev->dataset_path, '/');
	char name[256];
	base = base ? base + 1 : ev->dataset_path;
	snprintf(name, sizeof(name), "%s", base);
	char *dot = strchr(name, '.');
	if (dot)
		*dot = 0;
	if (llmops_catalog_find(cat, name))
		llmops_strlist_append(out, name);
	return 0;
}

static int add_variant_prompt(struct eval *ev, const char *ref_s, struct llmops_catalog *cat,
			      struct eval_variant *proto, size_t *np)
{
	struct llmops_promptref ref;
	struct llmops_err err = {0};
	const struct llmops_version_file *vf = NULL;
	struct prompt_source src = {&ev->penv, NULL};
	int rc;
	if (llmops_promptref_parse(&ref, ref_s, 0, 0, &err))
		return llmops_report(&err);
	if ((rc = prompt_resolve(&ev->penv, cat, &ref, &vf)))
		return rc;
	/* the pinned version is what production sends: run it only when it is
	   still what prompts.lock says (the check prompt verify makes) */
	const struct llmops_lock_entry *pin =
		ref.version[0] ? NULL : llmops_lock_find(&ev->penv.lock, ref.name);
	if (pin) {
		char msg[1200];
		int loaded = 1;
		int kind = llmops_pin_check(ev->penv.store, NULL, pin, cat, &loaded, msg,
					    sizeof(msg));
		if (kind != LLMOPS_PIN_OK) {
			llmops_error("eval: the pinned %s@%s is not what prompts.lock pins: %s", ref.name,
				     pin->version, msg);
			return LLMOPS_EXIT_CHECK;
		}
	}
	struct eval_variant *v = &proto[(*np)++];
	if ((rc = prompt_load(&src, vf->path, vf->json, &v->p, v->blob)))
		return rc;
	snprintf(v->prompt, sizeof(v->prompt), "%s@%s", ref.name, vf->version);
	return 0;
}

/* The prompts, as variants with no provider yet. */
static int setup_prompts(struct eval *ev, const struct eval_opts *o, struct eval_variant **protos,
			 size_t *np)
{
	struct llmops_strlist refs = LLMOPS_STRLIST_INIT;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	int rc = 0, need_store = o->prompts.nr > 0;
	struct llmops_workspace *ws;

	if ((rc = llmops_ctx_workspace(ev->ctx, &ws)))
		return rc;
	if (ws->in_repo) {
		if ((rc = prompt_env_open(&ev->penv, ev->ctx)))
			return rc;
		ev->have_penv = 1;
		if (llmops_store_catalog(ev->penv.store, NULL, 1, &cat, &err)) {
			llmops_catalog_release(&cat);
			return llmops_report(&err);
		}
	} else if (need_store) {
		llmops_error("eval: --prompt needs a git work tree (prompts are read through git); "
			     "without one, each case's \"input\" is sent as is");
		return LLMOPS_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->prompts.nr; i++)
		llmops_strlist_append(&refs, o->prompts.items[i]);
	if (!refs.nr && ev->have_penv)
		prompt_named_like_dataset(ev, &cat, &refs);
	*protos = calloc(refs.nr ? refs.nr : 1, sizeof(**protos));
	if (!*protos)
		rc = LLMOPS_EXIT_RUNTIME;
	for (size_t i = 0; !rc && i < refs.nr; i++)
		rc = add_variant_prompt(ev, refs.items[i], &cat, *protos, np);
	if (!rc && !refs.nr) { /* no prompt: each case's "input" is the user message */
		for (size_t i = 0; i < ev->ncases && !rc; i++)
			if (!cJSON_IsString(
				    cJSON_GetObjectItemCaseSensitive(ev->cases[i].vars, "input")) &&
			    !ev->cases[i].recorded) {
				llmops_error(
					"eval: %s: case '%s' has no \"input\", and no prompt was "
					"given: use --prompt NAME, or name the dataset after "
					"its prompt (evals/NAME.json)",
					ev->ds.label, ev->cases[i].id);
				rc = LLMOPS_EXIT_USAGE;
			}
		snprintf((*protos)[0].prompt, sizeof((*protos)[0].prompt), "(input)");
		*np = 1;
	}
	llmops_catalog_release(&cat);
	llmops_strlist_release(&refs);
	return rc;
}

/* -------------------------------------------------------------- providers */

static int add_provider(struct eval *ev, const char *spec, struct llmops_provider **out,
			const struct llmops_provider_overrides *ov)
{
	struct llmops_err err = {0};
	for (size_t i = 0; i < ev->nprovs; i++)
		if (!strcmp(ev->provs[i]->label, spec)) {
			*out = ev->provs[i];
			return 0;
		}
	struct llmops_provider **ps = realloc(ev->provs, (ev->nprovs + 1) * sizeof(*ps));
	if (!ps)
		return LLMOPS_EXIT_RUNTIME;
	ev->provs = ps;
	if (llmops_provider_resolve(&ps[ev->nprovs], spec, config_get(ev->cfg, "providers", NULL),
				    ov, &err))
		return llmops_report(&err);
	*out = ps[ev->nprovs++];
	return 0;
}

static int setup_providers(struct eval *ev, const struct eval_opts *o, struct llmops_strlist *specs,
			   struct llmops_provider_overrides *ov)
{
	const cJSON *dflt = config_get(ev->cfg, "providers", "default");
	int all_recorded = 1;
	for (size_t i = 0; i < ev->ncases; i++)
		all_recorded &= ev->cases[i].recorded != NULL;
	for (size_t i = 0; i < o->providers.nr; i++)
		llmops_strlist_append(specs, o->providers.items[i]);
	if (!specs->nr && dflt)
		llmops_strlist_append(specs, "default");
	if (!specs->nr && all_recorded)
		llmops_strlist_append(specs, "replay");
	if (!specs->nr) {
		llmops_error("eval: no provider: give --provider openai:MODEL (OPENAI_API_KEY, or "
			     "--base-url for a local server), anthropic:MODEL, ollama:MODEL or "
			     "exec:COMMAND, or define \"default\" under \"providers\" in "
			     "llmops.json; --provider replay scores recorded outputs offline");
		return LLMOPS_EXIT_USAGE;
	}
	ov->temperature = NAN;
	if (o->temperature_s) {
		char *end;
		ov->temperature = strtod(o->temperature_s, &end);
		if (*end || end == o->temperature_s || ov->temperature < 0 || ov->temperature > 2) {
			llmops_error("--temperature: '%s' is not a number in [0, 2]",
				     o->temperature_s);
			return LLMOPS_EXIT_USAGE;
		}
	}
	ov->base_url = o->base_url;
	ov->max_tokens = o->max_tokens;
	ov->seed = o->seed;
	ov->stop = &o->stop;
	ov->stream = o->stream;
	return 0;
}

/* ------------------------------------------------------------------- jobs */

static int render_jobs(struct eval *ev)
{
	struct prompt_source src = {&ev->penv, NULL};
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	int rc = 0;
	size_t reps = (size_t)ev->repeats;
	ev->njobs = ev->ncases * ev->nvars * reps;
	ev->jobs = calloc(ev->njobs ? ev->njobs : 1, sizeof(*ev->jobs));
	if (!ev->jobs)
		return LLMOPS_EXIT_RUNTIME;
	for (size_t ci = 0; ci < ev->ncases; ci++) {
		const struct eval_case *c = &ev->cases[ci];
		for (size_t vi = 0; vi < ev->nvars; vi++) {
			struct eval_job *j = &ev->jobs[(ci * ev->nvars + vi) * reps];
			const struct eval_variant *v = &ev->vars[vi];
			struct llmops_err err = {0};
			j->ci = ci;
			j->vi = vi;
			j->passed = -1;
			j->score = NAN;
			if (!v->p) {
				const char *in = field_str(c->vars, "input");
				j->messages = cJSON_CreateArray();
				cJSON *m = cJSON_CreateObject();
				cJSON_AddStringToObject(m, "role", "user");
				cJSON_AddStringToObject(m, "content", in ? in : "");
				cJSON_AddItemToArray(j->messages, m);
			} else {
				struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
				struct llmops_render_opts ropts = {prompt_partial, &src, &missing};
				if (llmops_prompt_render(v->p, c->vars, &ropts, &j->messages, &err))
					llmops_strlist_append(&problems, err.msg);
				else if (missing.nr && !c->recorded) {
					struct llmops_buf b = LLMOPS_BUF_INIT;
					llmops_buf_addf(&b, "%s:%d: case '%s' lacks ", ev->ds.label,
							ev->ds.cases[ci].line, c->id);
					for (size_t k = 0; k < missing.nr; k++)
						llmops_buf_addf(&b, "%s'%s'", k ? ", " : "",
								missing.items[k]);
					llmops_buf_addf(&b, ", which %s uses", v->prompt);
					llmops_strlist_append(&problems, b.data);
					llmops_buf_release(&b);
				}
				llmops_strlist_release(&missing);
			}
			j->input = j->messages ? cJSON_PrintUnformatted(j->messages) : NULL;
			for (size_t r = 1; r < reps; r++) { /* the same request, asked again */
				struct eval_job *k = j + r;
				k->ci = ci;
				k->vi = vi;
				k->rep = (int)r;
				k->passed = -1;
				k->score = NAN;
				k->messages = j->messages ? cJSON_Duplicate(j->messages, 1) : NULL;
				k->input = j->input ? strdup(j->input) : NULL;
			}
		}
	}
	if (problems.nr) {
		/* a prompt that cannot render fails the same way for every case: once */
		(void)llmops_strlist_dedupe(&problems); /* unchanged when out of memory */
		for (size_t i = 0; i < problems.nr && i < 20; i++)
			llmops_error("%s", problems.items[i]);
		if (problems.nr > 20)
			llmops_error("... and %zu more", problems.nr - 20);
		llmops_error("eval: nothing was sent: fix the prompts or cases named above");
		rc = LLMOPS_EXIT_USAGE;
	}
	llmops_strlist_release(&problems);
	return rc;
}

static int need_requests(const struct eval *ev, const struct llmops_provider *p)
{
	if (p->type == LLMOPS_PROVIDER_REPLAY)
		return 0;
	for (size_t i = 0; i < ev->ncases; i++)
		if (!ev->cases[i].recorded)
			return 1;
	return 0;
}

int eval_setup(struct eval *ev, const struct eval_opts *o)
{
	struct llmops_workspace *ws;
	struct llmops_err err = {0};
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_strlist specs = LLMOPS_STRLIST_INIT;
	struct llmops_provider_overrides ov = {0};
	int rc;

	if ((rc = llmops_ctx_workspace(ev->ctx, &ws)))
		return rc;
	if (llmops_pricing_builtin(&ev->prices, &err))
		return llmops_report(&err);
	if ((rc = config_load(ws->root, &ev->cfg, &ev->cfg_text, ev->prices)))
		return rc;
	ev->dataset_path = o->dataset;
	ev->repeats = o->repeat > 0 ? (int)o->repeat : 1;
	ev->no_cache = o->no_cache;
	ev->offline = o->offline;
	const cJSON *emb = config_get(ev->cfg, "eval", "embedding_provider");
	ev->embedding_spec = o->embedding	   ? o->embedding
			     : cJSON_IsString(emb) ? emb->valuestring
						   : NULL;
	if (llmops_buf_read_file(&text, o->dataset)) {
		llmops_error("eval: cannot read dataset '%s'", o->dataset);
		llmops_buf_release(&text);
		return LLMOPS_EXIT_USAGE;
	}
	rc = llmops_dataset_parse(&ev->ds, o->dataset, text.data ? text.data : "", text.len, &err);
	if (!rc && !ev->ds.n)
		rc = llmops_err_set(&err, LLMOPS_E_INPUT, "%s: the dataset has no cases",
				    o->dataset);
	if (!rc)
		rc = llmops_ledger_dataset_put(ev->ledger, o->dataset, ev->ds.format,
					       text.data ? text.data : "", text.len,
					       (int64_t)ev->ds.n, &ev->dataset_id, NULL, &err);
	llmops_buf_release(&text);
	if (rc)
		return llmops_report(&err);

	if ((rc = eval_settle_numbers(ev, o)) || (rc = setup_metrics(ev, o)) ||
	    (rc = setup_cases(ev, o)) || (rc = setup_prompts(ev, o, &ev->protos, &ev->nprotos)) ||
	    (rc = setup_providers(ev, o, &specs, &ov)))
		goto out;

	/* variants: prompts x providers */
	struct eval_variant *protos = ev->protos;
	size_t np = ev->nprotos;
	ev->nvars = np * specs.nr;
	ev->vars = calloc(ev->nvars, sizeof(*ev->vars));
	if (!ev->vars) {
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	const char *fb = o->fallback;
	for (size_t pi = 0; pi < np && !rc; pi++)
		for (size_t si = 0; si < specs.nr && !rc; si++) {
			struct eval_variant *v = &ev->vars[pi * specs.nr + si];
			const struct llmops_price *price = NULL;
			*v = protos[pi]; /* borrows the prompt: ev->protos owns it */
			if ((rc = add_provider(ev, specs.items[si], &v->prov, &ov)))
				break;
			const char *vfb = fb ? fb : v->prov->fallback;
			if (!vfb) {
				const cJSON *f = config_get(ev->cfg, "eval", "fallback");
				vfb = cJSON_IsString(f) ? f->valuestring : NULL;
			}
			if (vfb && strcmp(vfb, specs.items[si]) &&
			    (rc = add_provider(ev, vfb, &v->fallback, &ov)))
				break;
			if (v->prov->model &&
			    !llmops_pricing_find(ev->prices, v->prov->model, &price, &err))
				v->price = price;
			snprintf(v->label, sizeof(v->label), "%s x %s", v->prompt, v->prov->label);
		}
	if (rc || (rc = render_jobs(ev)))
		goto out;
	int asks = 0;
	for (size_t i = 0; i < ev->nprovs; i++)
		asks |= need_requests(ev, ev->provs[i]);
	if (ev->repeats > 1 && !asks)
		llmops_error(
			"warning: eval: --repeat %d: every case has a recorded output, and the "
			"repeats score the same output again",
			ev->repeats);
	for (size_t i = 0; i < ev->nprovs; i++)
		if (need_requests(ev, ev->provs[i]) && llmops_provider_usable(ev->provs[i], &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	if (ev->embedding_spec) {
		if (llmops_provider_resolve(&ev->embedder, ev->embedding_spec,
					    config_get(ev->cfg, "providers", NULL), &ov, &err) ||
		    llmops_provider_usable(ev->embedder, &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	}
	if (llmops_idf_new(&ev->idf, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	for (size_t i = 0; i < ev->ncases; i++)
		if (ev->cases[i].expected && llmops_idf_add(ev->idf, ev->cases[i].expected,
							    strlen(ev->cases[i].expected), &err)) {
			rc = llmops_report(&err);
			goto out;
		}
	if (llmops_tokenizer_open(&ev->tok, "o200k_base", &err))
		rc = llmops_report(&err);
out:
	llmops_strlist_release(&specs);
	return rc;
}
