/*
 * eval_ledger.c - an evaluation's run in the ledger: begin it with what it
 * is (and what a resume needs to redo it), take up an interrupted one,
 * compare it with a baseline, finish it.
 */
#include "eval.h"

#include "mem.h"

#include "internal.h"
#include "rundata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ resume */

void llmops_eval_resumable_release(struct llmops_eval_resumable *r)
{
	llmops_strlist_release(&r->argv);
	llmops_strlist_release(&r->prompts);
	memset(r, 0, sizeof(*r));
}

int llmops_eval_resumable(struct llmops_ledger *lg, const char *ref,
			  struct llmops_eval_resumable *out, struct llmops_err *err)
{
	struct llmops_run *run = NULL;
	const cJSON *x;
	memset(out, 0, sizeof(*out));
	out->argv = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
	out->prompts = (struct llmops_strlist)LLMOPS_STRLIST_INIT;
	int rc = llmops_ledger_run_get(lg, ref, &run, err);
	if (rc)
		return rc;
	cJSON *params = run->params_json ? cJSON_Parse(run->params_json) : NULL;
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(params, "argv");
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(params, "prompts");
	const cJSON *sha = cJSON_GetObjectItemCaseSensitive(params, "dataset_sha256");
	if (!run->kind || strcmp(run->kind, "eval") || !cJSON_IsArray(av))
		rc = llmops_err_set(err, LLMOPS_E_USAGE, "--resume %s: run %s is not an evaluation",
				    ref, run->id);
	/* an error run stopped before its end (a full disk, a ledger that failed): the cases
	   with no result are what is left to do */
	else if (run->status != LLMOPS_RUN_INTERRUPTED && run->status != LLMOPS_RUN_RUNNING &&
		 run->status != LLMOPS_RUN_ERROR)
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "--resume %s: run %s is finished (%s): nothing to resume", ref,
				    run->id, llmops_run_status_name(run->status));
	if (!rc) {
		cJSON_ArrayForEach (x, av)
			llmops_strlist_append(&out->argv, cJSON_IsString(x) ? x->valuestring : "");
		/* the versions the run resolved, not today's pins */
		out->have_prompts = cJSON_IsArray(pr);
		cJSON_ArrayForEach (x, pr)
			if (cJSON_IsString(x))
				llmops_strlist_append(&out->prompts, x->valuestring);
		snprintf(out->run_id, sizeof(out->run_id), "%s", run->id);
		if (cJSON_IsString(sha))
			snprintf(out->dataset_sha256, sizeof(out->dataset_sha256), "%s",
				 sha->valuestring);
	}
	cJSON_Delete(params);
	llmops_run_free(run);
	if (rc)
		llmops_eval_resumable_release(out);
	return rc;
}

/* Whether the variants send to more than one provider (a fallback is not one of them:
   a result it answered names it). */
static void many_providers(struct llmops_eval *ev)
{
	ev->many_providers = ev->nvars && ev->vars[0].cascade; /* tiers are several */
	for (size_t i = 1; i < ev->nvars; i++)
		ev->many_providers |= ev->vars[i].prov != ev->vars[0].prov || ev->vars[i].cascade;
}

struct restore {
	struct llmops_eval *ev;
	size_t cap;
};

/* A scored result of the interrupted run: counted, and kept from being asked again. */
static int restore_one(const struct llmops_result *r, void *ud)
{
	struct restore *rs = ud;
	struct llmops_eval *ev = rs->ev;
	const struct llmops_eval_variant *v = llmops_eval_variant_of(ev, r);
	if (r->passed < 0 || !v)
		return 0; /* an error (run it again), or not a variant of this run */
	if (LLMOPS_GROW(ev->done_keys, ev->ndone_keys, rs->cap, 256))
		return LLMOPS_E_NOMEM;
	ev->done_keys[ev->ndone_keys++] = llmops_eval_key(r->variant, r->case_id, r->repeat_index);
	/* a job on the stack that borrows the recorded result, to count it as the run's */
	struct llmops_eval_job j = {.vi = (size_t)(v - ev->vars), .res = *r};
	cJSON *sc = r->scores_json ? cJSON_Parse(r->scores_json) : NULL;
	const cJSON *x;
	cJSON_ArrayForEach (x, sc) {
		int k = llmops_metric_parse(x->string);
		if (k >= 0 && cJSON_IsNumber(x)) {
			ev->vars[j.vi].metric_sum[k] += x->valuedouble;
			ev->vars[j.vi].metric_n[k]++;
		}
	}
	cJSON_Delete(sc);
	if (r->judge) { /* the verdict, and what it cost apart */
		cJSON *jv = cJSON_Parse(r->judge);
		const cJSON *oc = cJSON_GetObjectItemCaseSensitive(jv, "outcome");
		const char *o = cJSON_IsString(oc) ? oc->valuestring : "";
		/* judge:pairwise: how the pair came out */
		j.pair_outcome = !strcmp(o, "win")    ? LLMOPS_PAIR_WIN
				 : !strcmp(o, "tie")  ? LLMOPS_PAIR_TIE
				 : !strcmp(o, "loss") ? LLMOPS_PAIR_LOSS
						      : 0;
		j.pair_consistent =
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jv, "consistent"));
		/* the verdicts read: the metric's and the refusal judge's */
		ev->vars[j.vi].judged +=
			cJSON_HasObjectItem(jv, "rubric") + cJSON_HasObjectItem(jv, "refusal");
		cJSON_Delete(jv);
		if (!isnan(r->judge_cost_usd)) {
			ev->vars[j.vi].judge_cost += r->judge_cost_usd;
			ev->judge_spent += r->judge_cost_usd;
		}
	}
	llmops_eval_cascade_restore(ev, j.vi, r->tiers);
	llmops_eval_account(ev, &j);
	ev->restored++;
	return 0;
}

int llmops_eval_take_up(struct llmops_eval *ev, struct llmops_err *err)
{
	struct restore rs = {ev, 0};
	many_providers(ev);
	if (ev->resume_sha[0] && strcmp(ev->resume_sha, ev->file.sha256))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "--resume %s: %s has changed since the run began: start a "
				      "new run instead",
				      ev->run_id, ev->file.label);
	int rc = llmops_ledger_results_each(ev->ledger, ev->run_id, restore_one, &rs, err);
	if (rc == LLMOPS_E_NOMEM)
		return llmops_err_set(err, rc, "out of memory");
	if (!rc)
		llmops_eval_keys_sort(ev->done_keys, ev->ndone_keys);
	return rc;
}

int llmops_eval_results(struct llmops_eval *ev, int failed_only, size_t limit,
			int (*fn)(const struct llmops_result *r, void *ud), void *ud,
			struct llmops_err *err)
{
	return llmops_ledger_results_some(ev->ledger, ev->run_id, failed_only, limit, fn, ud, err);
}

/* ------------------------------------------------------------------ begin */

static void git_state(struct llmops_eval *ev, struct llmops_run_spec *spec,
		      char commit[LLMOPS_OID_HEX])
{
	struct llmops_head h;
	struct llmops_snapshot *snap = NULL;
	struct llmops_err err = {0};
	spec->git_dirty = -1;
	if (!ev->store || llmops_store_head(ev->store, &h, &err) || h.unborn)
		return;
	memcpy(commit, h.commit, LLMOPS_OID_HEX);
	spec->git_commit = commit;
	if (llmops_snapshot_open(&snap, ev->store, NULL, &err))
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
static void shard_group(const struct llmops_eval *ev, const char *commit, char out[17])
{
	const char **labels = calloc(ev->nvars ? ev->nvars : 1, sizeof(*labels));
	for (size_t i = 0; labels && i < ev->nvars; i++)
		labels[i] = ev->vars[i].label;
	llmops_shard_group(out, ev->ds.sha256, commit, ev->shard_count, ev->limit, ev->repeats,
			   labels, labels ? ev->nvars : 0);
	free(labels);
}

static char *params_json(const struct llmops_eval *ev, const struct llmops_eval_record *rec,
			 const char *commit)
{
	cJSON *p = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(p, "argv");
	cJSON *pr = cJSON_AddArrayToObject(p, "prompts"),
	      *pv = cJSON_AddArrayToObject(p, "providers");
	for (char *const *x = rec->argv; x && *x; x++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*x));
	for (size_t i = 0; i < ev->nprotos; i++)
		if (ev->protos[i].p)
			cJSON_AddItemToArray(pr, cJSON_CreateString(ev->protos[i].prompt));
	for (size_t i = 0; i < ev->nprovs; i++)
		cJSON_AddItemToArray(pv, cJSON_CreateString(ev->provs[i]->label));
	cJSON_AddStringToObject(p, "dataset", ev->ds.label);
	cJSON_AddStringToObject(p, "dataset_sha256", ev->ds.sha256);
	cJSON_AddStringToObject(p, "metric", llmops_metric_name(ev->metric_ids[0]));
	if (ev->judge.rubric) {
		cJSON *jg = cJSON_AddObjectToObject(p, "judge");
		cJSON_AddStringToObject(jg, "rubric", ev->judge.name);
		cJSON_AddStringToObject(jg, "rubric_blob", ev->judge.blob);
		cJSON_AddStringToObject(jg, "provider", ev->judge.prov->label);
		cJSON_AddNumberToObject(jg, "scale_min", (double)ev->judge.lo);
		cJSON_AddNumberToObject(jg, "scale_max", (double)ev->judge.hi);
	}
	if (ev->njudges) { /* the rubrics cases named for themselves */
		cJSON *js = cJSON_AddArrayToObject(p, "case_judges");
		for (size_t i = 0; i < ev->njudges; i++) {
			cJSON *jg = cJSON_CreateObject();
			cJSON_AddStringToObject(jg, "rubric", ev->judges[i].name);
			cJSON_AddStringToObject(jg, "rubric_blob", ev->judges[i].blob);
			cJSON_AddItemToArray(js, jg);
		}
	}
	cJSON_AddNumberToObject(p, "threshold", ev->threshold);
	if (ev->repeats > 1)
		cJSON_AddNumberToObject(p, "repeat", ev->repeats);
	if (ev->shard_count) {
		cJSON *sh = cJSON_AddObjectToObject(p, "shard");
		char group[17];
		shard_group(ev, commit, group);
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

int llmops_eval_begin(struct llmops_eval *ev, const struct llmops_eval_record *rec,
		      struct llmops_err *err)
{
	struct llmops_run_spec spec = {0};
	char commit[LLMOPS_OID_HEX] = "";
	struct llmops_buf cmd = LLMOPS_BUF_INIT;
	llmops_buf_adds(&cmd, "llmops eval");
	for (char *const *x = rec->argv; x && *x; x++)
		llmops_buf_addf(&cmd, " %s", *x);
	spec.kind = "eval";
	git_state(ev, &spec, commit);
	const struct llmops_eval_variant *v0 = &ev->vars[0];
	int one_prompt = ev->nprotos == 1 && v0->p;
	many_providers(ev);
	char name[sizeof(v0->prompt)] = "", *at;
	if (one_prompt) {
		snprintf(name, sizeof(name), "%s", v0->prompt);
		if ((at = strchr(name, '@')))
			*at++ = 0;
		spec.prompt_name = name;
		spec.prompt_version = at;
		spec.prompt_blob = v0->blob;
	} else if (ev->label_prompt) {
		spec.prompt_name = ev->label_prompt;
		spec.prompt_version = ev->label_version;
	}
	spec.dataset_id = ev->dataset_id;
	if (!ev->many_providers) {
		spec.provider = llmops_provider_type_name(v0->prov->type);
		spec.model = v0->prov->model;
	}
	char *params = params_json(ev, rec, spec.git_commit);
	spec.params_json = params;
	spec.command = cmd.data;
	int rc = llmops_ledger_run_begin(ev->ledger, &spec, ev->run_id, err);
	free(params);
	llmops_buf_release(&cmd);
	return rc;
}

/* The newest finished evaluation of the run's dataset matching f, into ev->baseline_id. */
static int newest(struct llmops_eval *ev, struct llmops_run_filter *f, const char *what,
		  struct llmops_err *err)
{
	struct llmops_run **runs = NULL;
	size_t n = 0;
	f->kind = "eval";
	f->finished = 1;
	f->limit = 1;
	f->dataset_path = ev->dataset_path;
	f->dataset_sha256 = ev->ds.sha256;
	int rc = llmops_ledger_runs_list(ev->ledger, f, &runs, &n, err);
	if (rc)
		return rc;
	if (!n)
		return llmops_err_set(
			err, LLMOPS_E_USAGE,
			"--baseline: the ledger has no finished evaluation of %s%s%s; "
			"run one first, or give a run id",
			ev->ds.label, what ? " with " : "", what ? what : "");
	snprintf(ev->baseline_id, sizeof(ev->baseline_id), "%s", runs[0]->id);
	llmops_runs_free(runs, n);
	return 0;
}

int llmops_eval_baseline_at(struct llmops_eval *ev, const struct llmops_strlist *commits,
			    const char *prompt_name, size_t *which, struct llmops_err *err)
{
	for (size_t i = 0; i < commits->nr; i++) {
		struct llmops_run_filter f = {0};
		struct llmops_run **runs = NULL;
		size_t n = 0;
		f.kind = "eval";
		f.finished = 1;
		f.limit = 1;
		f.dataset_path = ev->dataset_path;
		f.dataset_sha256 = ev->ds.sha256;
		f.prompt_name = prompt_name;
		f.git_commit = commits->items[i];
		int rc = llmops_ledger_runs_list(ev->ledger, &f, &runs, &n, err);
		if (rc)
			return rc;
		if (n) {
			snprintf(ev->baseline_id, sizeof(ev->baseline_id), "%s", runs[0]->id);
			*which = i;
			llmops_runs_free(runs, n);
			return 0;
		}
	}
	return llmops_err_set(err, LLMOPS_E_NOTFOUND,
			      "no finished evaluation of %s%s%s at any of %zu commits",
			      ev->ds.label, prompt_name ? " with " : "",
			      prompt_name ? prompt_name : "", commits->nr);
}

int llmops_eval_baseline(struct llmops_eval *ev, const char *spec, const char *pin_name,
			 const char *pin_version, struct llmops_err *err)
{
	struct llmops_run_filter f = {0};
	struct llmops_run *run = NULL;
	if (!strcmp(spec, "last"))
		return newest(ev, &f, NULL, err);
	if (!strcmp(spec, "pinned")) {
		char what[LLMOPS_NAME_MAX + 96];
		if (!pin_name || !pin_version)
			return llmops_err_set(err, LLMOPS_E_USAGE,
					      "--baseline pinned: the prompt is not pinned in "
					      "prompts.lock; pin it or give a run id");
		snprintf(what, sizeof(what), "%s@%s (the pinned version)", pin_name, pin_version);
		f.prompt_name = pin_name;
		f.prompt_version = pin_version;
		return newest(ev, &f, what, err);
	}
	int rc = llmops_ledger_run_get(ev->ledger, spec, &run, err);
	if (rc)
		return rc;
	if (!run->kind || strcmp(run->kind, "eval"))
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "--baseline %s: run %s is a %s run, not an evaluation", spec,
				    run->id, run->kind ? run->kind : "?");
	else
		snprintf(ev->baseline_id, sizeof(ev->baseline_id), "%s", run->id);
	llmops_run_free(run);
	return rc;
}

int llmops_eval_compare_at(struct llmops_eval *ev, double significance, struct llmops_err *err)
{
	struct llmops_eval_baseline *b = &ev->baseline;
	if (b->done)
		return llmops_diff_regressed(&b->diff, b->significance);
	if (llmops_run_data_load(ev->ledger, ev->baseline_id, &b->a, err) ||
	    llmops_run_data_load(ev->ledger, ev->run_id, &b->b, err) ||
	    llmops_diff_runs(b->a, b->b, NULL, &b->diff, err))
		return err && err->code < 0 ? err->code : LLMOPS_E_LEDGER;
	b->done = 1;
	b->significance = significance;
	return llmops_diff_regressed(&b->diff, significance);
}

/* What the run decided, beside it in the ledger (runs.outcome). */
static int keep_outcome(struct llmops_eval *ev, struct llmops_err *err)
{
	cJSON *o = llmops_eval_outcome(ev);
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!text)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	int rc = llmops_ledger_run_outcome(ev->ledger, ev->run_id, text, err);
	free(text);
	return rc;
}

int llmops_eval_finish(struct llmops_eval *ev, int status, struct llmops_err *err)
{
	struct llmops_run_counts f = {0};
	double *lat = NULL;
	size_t nlat = 0;
	int rc;
	if (!ev->run_id[0])
		return 0;
	if (status != LLMOPS_RUN_INTERRUPTED && !ev->ledger_failed &&
	    (rc = llmops_eval_cascade_compare(ev, err))) {
		struct llmops_err e2 = {0};
		llmops_ledger_run_finish(ev->ledger, ev->run_id, status, &e2);
		return rc;
	}
	if ((rc = keep_outcome(ev, err))) { /* still finish it */
		struct llmops_err e2 = {0};
		llmops_ledger_run_finish(ev->ledger, ev->run_id, status, &e2);
		return rc;
	}
	/* a run that is not complete (interrupted, or a ledger write failed) may have rows the
	   engine did not count: the ledger counts them */
	if (ev->done < (long)ev->njobs || ev->ledger_failed || status == LLMOPS_RUN_INTERRUPTED)
		return llmops_ledger_run_finish(ev->ledger, ev->run_id, status, err);
	for (size_t i = 0; i < ev->nvars; i++) {
		const struct llmops_eval_variant *v = &ev->vars[i];
		f.cases += v->cases;
		f.passed += v->passed;
		f.failed += v->failed;
		f.errored += v->errors;
		f.skipped += v->skipped;
		f.tokens_in += v->tokens_in;
		f.tokens_out += v->tokens_out;
		f.cost_usd += v->cost;
		f.judge_cost_usd += v->judge_cost;
		f.cache_hits += v->cache_hits;
		nlat += v->nlat;
	}
	if (nlat && !(lat = malloc(nlat * sizeof(*lat))))
		return llmops_ledger_run_finish(ev->ledger, ev->run_id, status, err);
	nlat = 0;
	for (size_t i = 0; i < ev->nvars; i++)
		for (size_t k = 0; k < ev->vars[i].nlat; k++)
			lat[nlat++] = ev->vars[i].lat[k];
	f.requests = ev->attempts;
	f.score_sum = ev->score_sum;
	f.scored = ev->scored;
	f.latencies = lat;
	f.nlatencies = nlat;
	rc = llmops_ledger_run_finish_with(ev->ledger, ev->run_id, status, &f, err);
	free(lat);
	return rc;
}
