/*
 * eval_setup.c - what the engine settles before a request is sent: the
 * cases that run (limit, shard) and what each is checked with, every job
 * rendered, the scoring tables; and the totals, the repeats and the
 * release once it is over.
 */
#include "eval.h"

#include "eval_internal.h"

#include <math.h>
#include <stdio.h>
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

/* One case: what it is checked with.  0 or an error naming where. */
static int setup_case(struct llmops_eval *ev, const struct llmops_case *dc,
		      struct llmops_eval_case *c, struct llmops_err *err)
{
	char where[512];
	snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
	c->id = dc->id;
	c->vars = dc->vars;
	c->line = dc->line;
	c->expected = field_text(dc->fields, "expected");
	c->recorded = field_text(dc->fields, "output");
	c->metric = ev->metric_ids[0];
	c->threshold = ev->threshold;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(dc->fields, "metric");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(dc->fields, "threshold");
	if (m && !cJSON_IsNull(m) &&
	    (c->metric = llmops_metric_check(cJSON_IsString(m) ? m->valuestring : NULL, where,
					     err)) < 0)
		return c->metric;
	if (t && !cJSON_IsNull(t)) {
		if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0 && t->valuedouble <= 1))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: \"threshold\" must be a number in [0, 1]",
					      where);
		c->threshold = t->valuedouble;
	}
	int rc = llmops_assertions_parse(
		&c->asserts, cJSON_GetObjectItemCaseSensitive(dc->fields, "assert"), where, err);
	if (rc)
		return rc;
	if (!c->expected)
		c->metric = -1;
	if (!c->expected && !c->asserts.n)
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: nothing to check: give it \"expected\" (scored with "
				      "%s) or \"assert\"",
				      where, llmops_metric_name(ev->metric_ids[0]));
	if (c->metric == LLMOPS_METRIC_EMBEDDING && !ev->embedding_spec)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s: the embedding metric needs --embedding-provider SPEC "
				      "(an OpenAI-compatible /embeddings endpoint)",
				      where);
	return 0;
}

int llmops_eval_cases(struct llmops_eval *ev, struct llmops_err *err)
{
	size_t n = ev->ds.n, first = 0;
	if (ev->limit > 0 && (size_t)ev->limit < n)
		n = (size_t)ev->limit;
	if (ev->shard_count) { /* the I-th of N contiguous slices, sizes differing by at most 1 */
		size_t all = n, i = (size_t)ev->shard_index, k = (size_t)ev->shard_count;
		first = (i - 1) * all / k;
		n = i * all / k - first;
	}
	ev->shard_first = first;
	ev->cases = calloc(n ? n : 1, sizeof(*ev->cases));
	if (!ev->cases)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	ev->ncases = n;
	for (size_t i = 0; i < n; i++) {
		int rc = setup_case(ev, &ev->ds.cases[first + i], &ev->cases[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The messages of case c on variant v; a problem goes to problems. */
static cJSON *render_one(struct llmops_eval *ev, const struct llmops_eval_case *c,
			 const struct llmops_eval_variant *v, struct llmops_strlist *problems)
{
	struct llmops_err err = {0};
	cJSON *messages = NULL;
	if (!v->p) {
		const char *in = field_str(c->vars, "input");
		messages = cJSON_CreateArray();
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", in ? in : "");
		cJSON_AddItemToArray(messages, m);
		return messages;
	}
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_render_opts ropts = {ev->partial, ev->partial_ud, &missing};
	if (llmops_prompt_render(v->p, c->vars, &ropts, &messages, &err))
		llmops_strlist_append(problems, err.msg);
	else if (missing.nr && !c->recorded) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		llmops_buf_addf(&b, "%s:%d: case '%s' lacks ", ev->ds.label, c->line, c->id);
		for (size_t k = 0; k < missing.nr; k++)
			llmops_buf_addf(&b, "%s'%s'", k ? ", " : "", missing.items[k]);
		llmops_buf_addf(&b, ", which %s uses", v->prompt);
		llmops_strlist_append(problems, b.data);
		llmops_buf_release(&b);
	}
	llmops_strlist_release(&missing);
	return messages;
}

int llmops_eval_render(struct llmops_eval *ev, struct llmops_strlist *problems,
		       struct llmops_err *err)
{
	size_t reps = (size_t)(ev->repeats > 0 ? ev->repeats : 1);
	ev->njobs = ev->ncases * ev->nvars * reps;
	ev->jobs = calloc(ev->njobs ? ev->njobs : 1, sizeof(*ev->jobs));
	if (!ev->jobs)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t ci = 0; ci < ev->ncases; ci++) {
		const struct llmops_eval_case *c = &ev->cases[ci];
		for (size_t vi = 0; vi < ev->nvars; vi++) {
			struct llmops_eval_job *j = &ev->jobs[(ci * ev->nvars + vi) * reps];
			j->messages = render_one(ev, c, &ev->vars[vi], problems);
			j->input = j->messages ? cJSON_PrintUnformatted(j->messages) : NULL;
			for (size_t r = 0; r < reps; r++) { /* the same request, asked again */
				struct llmops_eval_job *k = j + r;
				k->ci = ci;
				k->vi = vi;
				k->rep = (int)r;
				k->passed = -1;
				k->score = NAN;
				if (r == 0)
					continue;
				k->messages = j->messages ? cJSON_Duplicate(j->messages, 1) : NULL;
				k->input = j->input ? strdup(j->input) : NULL;
			}
		}
	}
	/* a prompt that cannot render fails the same way for every case: once */
	(void)llmops_strlist_dedupe(problems); /* unchanged when out of memory */
	return 0;
}

int llmops_eval_scoring(struct llmops_eval *ev, struct llmops_err *err)
{
	int rc = llmops_idf_new(&ev->idf, err);
	for (size_t i = 0; !rc && i < ev->ncases; i++)
		if (ev->cases[i].expected)
			rc = llmops_idf_add(ev->idf, ev->cases[i].expected,
					    strlen(ev->cases[i].expected), err);
	if (!rc)
		rc = llmops_tokenizer_open(&ev->tok, "o200k_base", err);
	return rc;
}

void llmops_eval_totals(const struct llmops_eval *ev, struct llmops_eval_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < ev->nvars; i++) {
		t->cases += ev->vars[i].cases;
		t->passed += ev->vars[i].passed;
		t->scored += ev->vars[i].scored;
		t->errors += ev->vars[i].errors;
		t->cost += ev->vars[i].cost;
	}
	t->rate = t->cases ? (double)t->passed / (double)t->cases : 1.0;
	t->gate_ok = t->rate + 1e-12 >= ev->min_pass_rate &&
		     (ev->max_cost < 0 || t->cost <= ev->max_cost);
}

static void repeats_release(struct llmops_eval *ev)
{
	for (size_t i = 0; ev->reps && i < ev->nvars; i++)
		llmops_repeats_release(&ev->reps[i]);
	free(ev->reps);
	ev->reps = NULL;
}

int llmops_eval_repeats(struct llmops_eval *ev)
{
	struct llmops_err err = {0};
	struct llmops_rep_obs *obs;
	int rc = 0;
	if (ev->repeats < 2 || ev->reps)
		return 0;
	obs = calloc(ev->njobs ? ev->njobs : 1, sizeof(*obs));
	ev->reps = calloc(ev->nvars ? ev->nvars : 1, sizeof(*ev->reps));
	if (!obs || !ev->reps) {
		free(obs);
		free(ev->reps);
		ev->reps = NULL;
		return -1;
	}
	for (size_t vi = 0; vi < ev->nvars && !rc; vi++) {
		size_t n = 0;
		for (size_t i = 0; i < ev->njobs; i++) {
			const struct llmops_eval_job *j = &ev->jobs[i];
			if (j->vi == vi && j->finished)
				obs[n++] = (struct llmops_rep_obs){ev->cases[j->ci].id, j->passed,
								   j->score};
		}
		rc = llmops_repeats_compute(obs, n, &ev->reps[vi], &err);
	}
	free(obs);
	if (rc)
		repeats_release(ev);
	return rc ? -1 : 0;
}

void llmops_eval_release(struct llmops_eval *ev)
{
	struct llmops_eval_baseline *b = &ev->baseline;
	if (b->done)
		llmops_diff_release(&b->diff);
	llmops_run_data_free(b->a);
	llmops_run_data_free(b->b);
	repeats_release(ev);
	llmops_eval_jobs_release(ev);
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
	llmops_strlist_release(&ev->metrics);
	memset(ev, 0, sizeof(*ev));
}
