/*
 * eval_ledger.c - an evaluation's run in the ledger: begin it with what
 * it is (and what a resume needs to redo it), take up an interrupted one,
 * finish it, and free the evaluation.
 */
#include "llmops.h"

#include "eval.h"
#include "eval_opts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ resume */

int eval_resume_options(struct eval *ev, const struct eval_opts *o, struct eval_opts *ro)
{
	struct llmops_run *run = NULL;
	struct llmops_err err = {0};
	int rc = 0;
	if (llmops_ledger_run_get(ev->ledger, o->resume, &run, &err))
		return llmops_report(&err);
	cJSON *params = run->params_json ? cJSON_Parse(run->params_json) : NULL;
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(params, "argv");
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(params, "prompts"), *x;
	if (!run->kind || strcmp(run->kind, "eval") || !cJSON_IsArray(av)) {
		llmops_error("eval: --resume %s: run %s is not an evaluation", o->resume, run->id);
		rc = LLMOPS_EXIT_USAGE;
	} else if (run->status != LLMOPS_RUN_INTERRUPTED && run->status != LLMOPS_RUN_RUNNING) {
		llmops_error("eval: --resume %s: run %s is finished (%s): nothing to resume",
			     o->resume, run->id, llmops_run_status_name(run->status));
		rc = LLMOPS_EXIT_USAGE;
	}
	int n = rc ? 0 : cJSON_GetArraySize(av);
	char **view = NULL;
	if (!rc && (!(ro->argv = calloc((size_t)n + 2, sizeof(char *))) ||
		    !(view = calloc((size_t)n + 2, sizeof(char *)))))
		rc = LLMOPS_EXIT_RUNTIME;
	if (!rc) {
		int i = 0;
		ro->argv[i++] = strdup("eval");
		cJSON_ArrayForEach (x, av)
			ro->argv[i++] = strdup(cJSON_IsString(x) ? x->valuestring : "");
		/* parsing reorders its argv: give it a view, keep ro->argv for freeing */
		memcpy(view, ro->argv, (size_t)i * sizeof(char *));
		rc = eval_parse_options(i, view, ro);
		if (rc < 0)
			rc = LLMOPS_EXIT_USAGE;
	}
	free(view);
	if (!rc && cJSON_IsArray(pr)) { /* the versions the run resolved, not today's pins */
		llmops_strlist_release(&ro->prompts);
		cJSON_ArrayForEach (x, pr)
			if (cJSON_IsString(x))
				llmops_strlist_append(&ro->prompts, x->valuestring);
	}
	const cJSON *sha = cJSON_GetObjectItemCaseSensitive(params, "dataset_sha256");
	if (!rc && cJSON_IsString(sha))
		snprintf(ev->resume_sha, sizeof(ev->resume_sha), "%s", sha->valuestring);
	if (!rc) {
		snprintf(ev->run_id, sizeof(ev->run_id), "%s", run->id);
		ev->resumed = 1;
	}
	cJSON_Delete(params);
	llmops_run_free(run);
	return rc;
}

struct restore {
	struct eval *ev;
	struct eval_job **index; /* sorted by (variant, case id, repeat) */
};

static const char *job_variant(const struct eval *ev, const struct eval_job *j)
{
	return ev->nvars > 1 ? ev->vars[j->vi].label : "";
}

static struct eval *sort_ev;

static int cmp_job(const void *a, const void *b)
{
	const struct eval_job *x = *(struct eval_job *const *)a, *y = *(struct eval_job *const *)b;
	int c = strcmp(job_variant(sort_ev, x), job_variant(sort_ev, y));
	if (!c)
		c = strcmp(sort_ev->cases[x->ci].id, sort_ev->cases[y->ci].id);
	return c ? c : (x->rep > y->rep) - (x->rep < y->rep);
}

static void restore_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
}

static int restore_one(const struct llmops_result *r, void *ud)
{
	struct restore *rs = ud;
	struct eval *ev = rs->ev;
	size_t lo = 0, hi = ev->njobs;
	if (r->passed < 0)
		return 0; /* an error: run it again */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct eval_job *j = rs->index[mid];
		int c = strcmp(job_variant(ev, j), r->variant ? r->variant : "");
		if (!c)
			c = strcmp(ev->cases[j->ci].id, r->case_id);
		if (!c)
			c = (j->rep > r->repeat_index) - (j->rep < r->repeat_index);
		if (!c) {
			struct eval_job *m = rs->index[mid];
			if (m->finished)
				return 0;
			restore_str(&m->output, r->output);
			restore_str(&m->error, r->error);
			restore_str(&m->scores_json, r->scores_json);
			m->score = r->score;
			m->passed = r->passed;
			m->latency_ms = r->latency_ms;
			m->ttft_ms = r->ttft_ms;
			m->tokens_in = r->tokens_in;
			m->tokens_out = r->tokens_out;
			m->cost = r->cost_usd;
			m->attempts = r->attempts;
			m->cache_hit = r->cache_hit;
			cJSON *sc = r->scores_json ? cJSON_Parse(r->scores_json) : NULL;
			const cJSON *x;
			cJSON_ArrayForEach (x, sc) {
				int k = llmops_metric_parse(x->string);
				if (k >= 0 && cJSON_IsNumber(x)) {
					ev->vars[m->vi].metric_sum[k] += x->valuedouble;
					ev->vars[m->vi].metric_n[k]++;
				}
			}
			cJSON_Delete(sc);
			eval_account(ev, m);
			ev->restored++;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int take_up(struct eval *ev)
{
	struct llmops_err err = {0};
	struct restore rs = {ev, calloc(ev->njobs ? ev->njobs : 1, sizeof(struct eval_job *))};
	if (ev->resume_sha[0] && strcmp(ev->resume_sha, ev->ds.sha256)) {
		llmops_error("eval: --resume %s: %s has changed since the run began: start a new "
			     "run instead",
			     ev->run_id, ev->ds.label);
		free(rs.index);
		return LLMOPS_EXIT_USAGE;
	}
	if (!rs.index)
		return LLMOPS_EXIT_RUNTIME;
	for (size_t i = 0; i < ev->njobs; i++)
		rs.index[i] = &ev->jobs[i];
	sort_ev = ev;
	qsort(rs.index, ev->njobs, sizeof(*rs.index), cmp_job);
	int rc = llmops_ledger_results_each(ev->ledger, ev->run_id, restore_one, &rs, &err);
	free(rs.index);
	return rc ? llmops_report(&err) : 0;
}

/* ------------------------------------------------------------------ begin */

static void git_state(struct eval *ev, struct llmops_run_spec *spec, char commit[LLMOPS_OID_HEX])
{
	struct llmops_head h;
	struct llmops_snapshot *snap = NULL;
	struct llmops_err err = {0};
	spec->git_dirty = -1;
	if (!ev->have_penv || llmops_store_head(ev->penv.store, &h, &err) || h.unborn)
		return;
	memcpy(commit, h.commit, LLMOPS_OID_HEX);
	spec->git_commit = commit;
	if (llmops_snapshot_open(&snap, ev->penv.store, NULL, &err))
		return;
	spec->git_dirty = 0;
	for (size_t i = 0; i < ev->nprotos; i++) {
		char blob[LLMOPS_OID_HEX];
		if (!ev->protos[i].p)
			continue;
		if (llmops_snapshot_blob_id(snap, ev->protos[i].p->label, blob, &err) ||
		    strcmp(blob, ev->protos[i].blob))
			spec->git_dirty = 1;
	}
	llmops_snapshot_free(snap);
}

/* The shard group (llmops_shard_group) of this run's variants. */
static void shard_group(const struct eval *ev, const struct eval_opts *o, const char *commit,
			char out[17])
{
	const char **labels = calloc(ev->nvars ? ev->nvars : 1, sizeof(*labels));
	for (size_t i = 0; labels && i < ev->nvars; i++)
		labels[i] = ev->vars[i].label;
	llmops_shard_group(out, ev->ds.sha256, commit, ev->shard_count, o->limit, ev->repeats,
			   labels, labels ? ev->nvars : 0);
	free(labels);
}

static char *params_json(const struct eval *ev, const struct eval_opts *o, const char *commit)
{
	cJSON *p = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(p, "argv");
	cJSON *pr = cJSON_AddArrayToObject(p, "prompts"),
	      *pv = cJSON_AddArrayToObject(p, "providers");
	for (char **x = o->argv_in; x && *x; x++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*x));
	for (size_t i = 0; i < ev->nprotos; i++)
		if (ev->protos[i].p)
			cJSON_AddItemToArray(pr, cJSON_CreateString(ev->protos[i].prompt));
	for (size_t i = 0; i < ev->nprovs; i++)
		cJSON_AddItemToArray(pv, cJSON_CreateString(ev->provs[i]->label));
	cJSON_AddStringToObject(p, "dataset", ev->ds.label);
	cJSON_AddStringToObject(p, "dataset_sha256", ev->ds.sha256);
	cJSON_AddStringToObject(p, "metric", llmops_metric_name(ev->metric_ids[0]));
	cJSON_AddNumberToObject(p, "threshold", ev->threshold);
	if (ev->repeats > 1)
		cJSON_AddNumberToObject(p, "repeat", ev->repeats);
	if (ev->shard_count) {
		cJSON *sh = cJSON_AddObjectToObject(p, "shard");
		char group[17];
		shard_group(ev, o, commit, group);
		cJSON_AddNumberToObject(sh, "index", (double)ev->shard_index);
		cJSON_AddNumberToObject(sh, "count", (double)ev->shard_count);
		cJSON_AddStringToObject(sh, "group", group);
		cJSON_AddNumberToObject(sh, "first_case", (double)ev->shard_first);
		cJSON_AddNumberToObject(sh, "cases", (double)ev->ncases);
	}
	const struct llmops_provider *q = ev->nprovs ? ev->provs[0] : NULL;
	if (q && q->has_temperature)
		cJSON_AddNumberToObject(p, "temperature", q->temperature);
	if (q && q->max_tokens > 0)
		cJSON_AddNumberToObject(p, "max_tokens", (double)q->max_tokens);
	if (q && q->has_seed)
		cJSON_AddNumberToObject(p, "seed", (double)q->seed);
	char *s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return s;
}

int eval_begin(struct eval *ev, const struct eval_opts *o, const char *resume)
{
	struct llmops_err err = {0};
	struct llmops_run_spec spec = {0};
	char commit[LLMOPS_OID_HEX] = "";
	if (resume)
		return take_up(ev);
	struct llmops_buf cmd = LLMOPS_BUF_INIT;
	llmops_buf_adds(&cmd, "llmops eval");
	for (char **x = o->argv_in; x && *x; x++)
		llmops_buf_addf(&cmd, " %s", *x);
	spec.kind = "eval";
	git_state(ev, &spec, commit);
	const struct eval_variant *v0 = &ev->vars[0];
	int one_prompt = ev->nprotos == 1 && v0->p, one_prov = ev->nprovs == 1;
	char name[sizeof(v0->prompt)] = "", *at;
	if (one_prompt) {
		snprintf(name, sizeof(name), "%s", v0->prompt);
		if ((at = strchr(name, '@')))
			*at++ = 0;
		spec.prompt_name = name;
		spec.prompt_version = at;
		spec.prompt_blob = v0->blob;
	}
	spec.dataset_id = ev->dataset_id;
	if (one_prov) {
		spec.provider = llmops_provider_type_name(v0->prov->type);
		spec.model = v0->prov->model;
	}
	char *params = params_json(ev, o, spec.git_commit);
	spec.params_json = params;
	spec.command = cmd.data;
	int rc = llmops_ledger_run_begin(ev->ledger, &spec, ev->run_id, &err);
	free(params);
	llmops_buf_release(&cmd);
	return rc ? llmops_report(&err) : 0;
}

void eval_end(struct eval *ev, int status)
{
	struct llmops_err err = {0};
	if (ev->run_id[0] && llmops_ledger_run_finish(ev->ledger, ev->run_id, status, &err))
		llmops_report(&err);
}

void eval_teardown(struct eval *ev)
{
	eval_repeats_release(ev);
	eval_jobs_release(ev);
	for (size_t i = 0; i < ev->ncases; i++) {
		free(ev->cases[i].expected);
		free(ev->cases[i].recorded);
		llmops_assertions_release(&ev->cases[i].asserts);
	}
	free(ev->cases);
	for (size_t i = 0; i < ev->nprotos; i++)
		llmops_prompt_free(ev->protos[i].p);
	free(ev->protos);
	for (size_t i = 0; i < ev->nvars; i++)
		free(ev->vars[i].lat);
	free(ev->vars);
	for (size_t i = 0; i < ev->nprovs; i++)
		llmops_provider_free(ev->provs[i]);
	free(ev->provs);
	llmops_provider_free(ev->embedder);
	llmops_idf_free(ev->idf);
	llmops_tokenizer_close(ev->tok);
	llmops_pricing_free(ev->prices);
	llmops_dataset_release(&ev->ds);
	cJSON_Delete(ev->cfg);
	llmops_buf_release(&ev->cfg_text);
	llmops_strlist_release(&ev->metrics);
	if (ev->have_penv)
		prompt_env_close(&ev->penv);
}
