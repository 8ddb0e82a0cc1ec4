/*
 * eval_score.c - a job scored: its metrics, its assertions (turn by turn),
 * the judge's verdicts, whether it passed; what the scoring pool's workers
 * run (eval_pool.c) and the driver for recorded outputs.
 */
#include "eval.h"

#include "internal.h"
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long llmops_eval_count_tokens(struct llmops_tokenizer *tok, const char *s)
{
	size_t n = 0;
	struct llmops_err err = {0};
	if (!tok || !s)
		return -1;
	if (llmops_tokenize(tok, s, strlen(s), LLMOPS_TOK_LOSSY, "output", NULL, &n, &err))
		return -1;
	return (long)n;
}

/* The assertions of turn t (from 1) on that turn's answer, its calls and steps: how many
   failed, or -1 out of memory. */
static int turn_check(const struct llmops_eval_job *j, int t, struct llmops_buf *why)
{
	const cJSON *text = cJSON_GetArrayItem(j->turn_texts, t - 1), *s, *c;
	cJSON *calls = cJSON_CreateArray();
	long tokens_out = -1;
	int steps = 0;
	if (!calls)
		return -1;
	cJSON_ArrayForEach (s, j->steps) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(s, "turn");
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(s, "tokens_out");
		if (!cJSON_IsNumber(st) || (int)st->valuedouble != t)
			continue;
		steps++;
		tokens_out = cJSON_IsNumber(to) ? (long)to->valuedouble : -1;
		cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(s, "tool_calls"))
			cJSON_AddItemToArray(calls, cJSON_Duplicate(c, 1));
	}
	const char *out = cJSON_IsString(text) ? text->valuestring : "";
	struct llmops_observation ob = {out,  strlen(out), tokens_out, NAN,   NAN,
					NULL, -1,	   NULL,       calls, steps ? steps : 1};
	int failed;
	if (!text) { /* never answered: the run ended before it */
		failed = 0;
		for (size_t i = 0; i < j->c->asserts.n; i++)
			failed += j->c->asserts.a[i].turn == t;
		llmops_buf_addf(why, "%sturn %d: not answered", why->len ? "; " : "", t);
	} else {
		struct llmops_buf w = LLMOPS_BUF_INIT;
		failed = llmops_assertions_check_turn(&j->c->asserts, &ob, t, &w);
		if (failed > 0)
			llmops_buf_addf(why, "%s%s", why->len ? "; " : "", w.data);
		llmops_buf_release(&w);
	}
	cJSON_Delete(calls);
	return failed;
}

/* Score j's output: metrics, assertions, pass.  Returns 0 or -1 (out of memory). */
int llmops_eval_score_compute(const struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_eval_case *c = j->c;
	int *ids = j->score_ids;
	double *vals = j->score_vals;
	size_t n = 0;
	struct llmops_err err = {0};
	const char *out = j->res.output ? j->res.output : "";

	if (c->expected) {
		for (size_t i = 0; i < ev->nmetric_ids; i++)
			if (llmops_metric_is_local(ev->metric_ids[i]))
				ids[n++] = ev->metric_ids[i];
		int seen = 0;
		for (size_t i = 0; i < n; i++)
			seen |= ids[i] == c->metric;
		if (!seen && llmops_metric_is_local(c->metric))
			ids[n++] = c->metric;
		if (llmops_similarity_many(ids, n, out, strlen(out), c->expected,
					   strlen(c->expected), ev->idf, vals, &err))
			return -1;
		if (!isnan(j->embed_score)) {
			ids[n] = LLMOPS_METRIC_EMBEDDING;
			vals[n++] = j->embed_score;
		}
	}
	if (!isnan(j->judge_score)) { /* a judge needs no expected output */
		ids[n] = LLMOPS_METRIC_JUDGE;
		vals[n++] = j->judge_score;
	}
	struct llmops_buf sc = LLMOPS_BUF_INIT;
	j->res.score = NAN;
	llmops_buf_addch(&sc, '{');
	for (size_t i = 0; i < n; i++) {
		/* metric names need no escaping; the shortest text that reads back the same */
		llmops_buf_addf(&sc, "%s\"%s\":", i ? "," : "", llmops_metric_name(ids[i]));
		llmops_json_add_number(&sc, vals[i]);
		if (ids[i] == c->metric)
			j->res.score = vals[i];
	}
	llmops_buf_addch(&sc, '}');
	llmops_eval_own_str(&j->res.scores_json, sc.oom ? NULL : llmops_buf_detach(&sc, NULL));
	llmops_buf_release(&sc);
	if (!j->res.scores_json)
		return -1;

	struct llmops_observation ob = {out,
					strlen(out),
					j->res.tokens_out,
					j->res.latency_ms,
					j->res.cost_usd,
					j->moderation,
					j->refused,
					j->refusal_why,
					j->calls,
					j->nsteps ? j->nsteps : 1};
	struct llmops_buf why = LLMOPS_BUF_INIT;
	int failed = llmops_assertions_check(&c->asserts, &ob, &why);
	if (failed < 0) {
		llmops_buf_release(&why);
		return -1;
	}
	for (int t = 1; failed >= 0 && t <= llmops_assertions_max_turn(&c->asserts); t++) {
		int f = turn_check(j, t, &why);
		failed = f < 0 ? -1 : failed + f;
	}
	if (failed < 0) {
		llmops_buf_release(&why);
		return -1;
	}
	if (j->stopped) { /* the loop was cut off: no final answer */
		llmops_buf_addf(&why,
				"%smax_steps: stopped after %d requests, the model still "
				"calling tools",
				why.len ? "; " : "", j->nsteps);
		failed++;
	}
	/* a pairwise verdict (1 win, 0.5 tie, 0 loss) gates the run by its sign test, not each
	   result by the threshold: one of the two variants loses every case the other wins */
	int metric_ok =
		c->metric < 0 || (!isnan(j->res.score) &&
				  (j->res.score >= c->threshold ||
				   (c->metric == LLMOPS_METRIC_JUDGE && ev->judge.preference)));
	if (!metric_ok) {
		struct llmops_buf m = LLMOPS_BUF_INIT;
		if (isnan(j->res.score))
			llmops_buf_addf(&m, "%s: no score", llmops_metric_name(c->metric));
		else
			llmops_buf_addf(&m, "%s %.3f < %.2f", llmops_metric_name(c->metric),
					j->res.score, c->threshold);
		if (c->metric == LLMOPS_METRIC_JUDGE && j->judge_note) /* what the judge said */
			llmops_buf_addf(&m, " (%s)", j->judge_note);
		if (why.len)
			llmops_buf_addf(&m, "; %s", why.data);
		llmops_buf_release(&why);
		why = m;
	}
	j->res.passed = metric_ok && failed == 0;
	llmops_eval_set_str(&j->res.error, why.len ? why.data : NULL);
	llmops_buf_release(&why);
	j->nscores = (int)n;
	j->scored = 1;
	return 0;
}

void llmops_eval_score(const struct llmops_eval *ev, struct llmops_eval_job *j,
		       struct llmops_tokenizer *tok)
{
	if (j->count_out) {
		j->res.tokens_out = llmops_eval_count_tokens(tok, j->res.output);
		j->count_out = 0;
	}
	if (llmops_eval_score_compute(ev, j)) {
		j->res.passed = -1;
		llmops_eval_set_str(&j->res.error, "out of memory while scoring");
	}
	j->scored = 1;
}
