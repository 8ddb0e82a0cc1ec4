/*
 * eval_setup.c - what the engine settles before a request is sent: the
 * cases that run (limit, shard) and what each is checked with, every job
 * rendered, the scoring tables; and the totals, the repeats and the
 * release once it is over.
 */
#include "eval.h"

#include "casecheck.h"
#include "internal.h"
#include "image.h"
#include "json.h"
#include "stats.h"
#include "textsim.h"

#include <errno.h>
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
char *llmops_eval_field_text(const cJSON *fields, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields, k);
	if (!v || cJSON_IsNull(v))
		return NULL;
	return cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
}

/* One case: what it is checked with.  0 or an error naming where. */
/*
 * One case: what it is checked with.  check: validate it as eval, cost and
 * lint do (the first pass); else it was, and only what scoring needs is set.
 * 0 or an error naming where.
 */
int llmops_eval_setup_case(const struct llmops_eval *ev, const struct llmops_case *dc,
			   struct llmops_eval_case *c, int check, struct llmops_err *err)
{
	c->id = dc->id;
	c->vars = dc->vars;
	c->line = dc->line;
	c->expected = llmops_eval_field_text(dc->fields, "expected");
	c->recorded = llmops_eval_field_text(dc->fields, "output");
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(dc->fields, "recorded");
	const cJSON *rl = cJSON_GetObjectItemCaseSensitive(rec, "latency_ms");
	const cJSON *rcost = cJSON_GetObjectItemCaseSensitive(rec, "cost_usd");
	const cJSON *rto = cJSON_GetObjectItemCaseSensitive(rec, "tokens_out");
	c->rec_latency_ms = cJSON_IsNumber(rl) && rl->valuedouble >= 0 ? rl->valuedouble : NAN;
	c->rec_cost_usd =
		cJSON_IsNumber(rcost) && rcost->valuedouble >= 0 ? rcost->valuedouble : NAN;
	c->rec_tokens_out = cJSON_IsNumber(rto) && rto->valuedouble >= 0 && rto->valuedouble < 1e15
				    ? (long)rto->valuedouble
				    : -1;
	c->metric = ev->metric_ids[0];
	c->threshold = ev->threshold;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(dc->fields, "metric");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(dc->fields, "threshold");
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(dc->fields, "max_steps");
	c->tools = cJSON_GetObjectItemCaseSensitive(dc->fields, "tools");
	c->max_steps = cJSON_IsNumber(ms) ? (int)ms->valuedouble : 8;
	c->conv = cJSON_GetObjectItemCaseSensitive(dc->fields, "messages");
	c->turns = cJSON_GetObjectItemCaseSensitive(dc->fields, "turns");
	if (check) {
		int rc = llmops_case_first_problem(dc, ev->file.label, ev->file.text, ev->file.len,
						   ev->metric_ids[0] == LLMOPS_METRIC_JUDGE
							   ? LLMOPS_JUDGING_BY_RUN
							   : LLMOPS_JUDGING_CASES,
						   &c->asserts, err);
		if (rc)
			return rc;
	} else {
		int rc = llmops_assertions_parse(
			&c->asserts, cJSON_GetObjectItemCaseSensitive(dc->fields, "assert"), c->id,
			err);
		if (rc)
			return rc;
	}
	if (check && (c->conv || c->turns || llmops_assertions_max_turn(&c->asserts))) {
		char where[512];
		snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
		int rc = llmops_eval_conv_check(c->conv, c->turns, &c->asserts, where, err);
		if (rc)
			return rc;
	}
	if (check && (c->tools || ms)) {
		char where[512];
		snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
		int rc = llmops_eval_tools_check(c->tools, where, err);
		if (rc)
			return rc;
		if (ms && (!cJSON_IsNumber(ms) || ms->valuedouble < 1 || ms->valuedouble > 100 ||
			   ms->valuedouble != (int)ms->valuedouble))
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"%s: \"max_steps\" is a whole number from 1 to 100 (the "
				"tool loop's most requests)",
				where);
	}
	if (cJSON_IsString(m))
		c->metric = llmops_metric_parse(m->valuestring);
	if (cJSON_IsNumber(t))
		c->threshold = t->valuedouble;
	if (!c->expected && c->metric != LLMOPS_METRIC_JUDGE)
		c->metric = -1; /* a judge needs no expected output; the other metrics do */
	if (check && !ev->moderator &&
	    llmops_assertions_has(&c->asserts, LLMOPS_ASSERT_MODERATION)) {
		char where[512];
		snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s: the moderation assertion needs a moderation endpoint: "
				      "--moderation-provider SPEC (an openai: provider) or "
				      "eval.moderation_provider",
				      where);
	}
	c->judge_ix = -1;
	if (c->metric == LLMOPS_METRIC_JUDGE) {
		/* a rubric of its own (loaded once the render pass has named it), else the run's */
		const char *want = cJSON_IsString(m) ? llmops_metric_rubric(m->valuestring) : NULL;
		const char *have = ev->judge_rubric;
		if (check && !want && !have) {
			char where[512];
			snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line,
				 dc->id);
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"%s: the judge metric needs a rubric: --metric "
				"judge:RUBRIC (prompts/_judges/RUBRIC/) or the case's "
				"\"metric\": \"judge:RUBRIC\", and a judge (--judge "
				"SPEC or eval.judge)",
				where);
		}
		if (want && (!have || strcmp(want, have)))
			c->judge_ix = llmops_strlist_find(&ev->case_rubrics, want);
	}
	if (c->metric == LLMOPS_METRIC_EMBEDDING && !ev->embedding_spec) {
		char where[512];
		snprintf(where, sizeof(where), "%s:%d: case '%s'", ev->ds.label, dc->line, dc->id);
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s: the embedding metric needs --embedding-provider SPEC "
				      "(an OpenAI-compatible /embeddings endpoint)",
				      where);
	}
	return 0;
}

/* Open a cursor over the dataset file (read whole once by llmops_eval_cases: checked). */
int llmops_eval_cursor(struct llmops_eval *ev, struct llmops_dataset_cursor **cur,
		       struct llmops_err *err)
{
	unsigned flags = (ev->file.mapped ? LLMOPS_CURSOR_RELEASE : 0) |
			 (ev->ds.n ? LLMOPS_CURSOR_CHECKED : 0);
	return llmops_dataset_cursor_open(cur, ev->file.label, ev->file.text, ev->file.len, flags,
					  err);
}

void llmops_eval_case_clear(struct llmops_eval_case *c)
{
	free(c->expected);
	free(c->recorded);
	free(c->pair_gone);
	llmops_assertions_release(&c->asserts);
	llmops_case_release(&c->dc);
	memset(c, 0, sizeof(*c));
}

int llmops_eval_case_at(struct llmops_eval *ev, size_t pos, struct llmops_case *out,
			struct llmops_err *err)
{
	struct llmops_dataset_cursor *cur = NULL;
	int rc = llmops_eval_cursor(ev, &cur, err);
	for (size_t p = 0; !rc; p++) {
		rc = llmops_dataset_cursor_next(cur, out, err);
		if (rc == 1 && p == pos) {
			rc = 0;
			break;
		}
		if (rc == 1) {
			llmops_case_release(out);
			rc = 0;
		} else if (rc == 0) {
			rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s: no case %zu",
					    ev->file.label, pos + 1);
		}
	}
	llmops_dataset_cursor_free(cur);
	return rc;
}

/* The messages of case c on variant v; a problem goes to problems. */
/* The conversation c starts with on v: the prompt rendered, then the case's "messages" and
   its first turn (with all_turns, every turn: what the whole conversation will send). */
/* note at the end of the system prompt (its first message, when that is the system's and
   text), else a system message of its own before the rest; -1 when out of memory. */
static int add_system_note(cJSON *messages, const char *note)
{
	cJSON *first = cJSON_GetArrayItem(messages, 0);
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(first, "role");
	cJSON *content = cJSON_GetObjectItemCaseSensitive(first, "content");
	if (cJSON_IsString(role) && !strcmp(role->valuestring, "system") &&
	    cJSON_IsString(content)) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		llmops_buf_addf(&b, "%s\n\n%s", content->valuestring, note);
		int ok = !b.oom && cJSON_SetValuestring(content, b.data) != NULL;
		llmops_buf_release(&b);
		return ok ? 0 : -1;
	}
	cJSON *m = cJSON_CreateObject();
	if (!m || !cJSON_AddStringToObject(m, "role", "system") ||
	    !cJSON_AddStringToObject(m, "content", note)) {
		cJSON_Delete(m);
		return -1;
	}
	return cJSON_InsertItemInArray(messages, 0, m) ? 0 : -1;
}

static cJSON *render_one(struct llmops_eval *ev, const struct llmops_eval_case *c,
			 const struct llmops_eval_variant *v, struct llmops_strlist *problems,
			 int all_turns)
{
	struct llmops_err err = {0};
	cJSON *messages = NULL;
	if (!v->p) {
		const char *in = field_str(c->vars, "input");
		messages = cJSON_CreateArray();
		if (in || (!c->turns && !cJSON_GetArraySize(c->conv))) {
			cJSON *m = cJSON_CreateObject();
			cJSON_AddStringToObject(m, "role", "user");
			cJSON_AddStringToObject(m, "content", in ? in : "");
			cJSON_AddItemToArray(messages, m);
		}
		if ((ev->system_note && add_system_note(messages, ev->system_note)) ||
		    llmops_eval_conv_start(c, messages, all_turns)) {
			cJSON_Delete(messages);
			return NULL;
		}
		return messages;
	}
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_render_opts ropts = {ev->partial, ev->partial_ud, &missing};
	if (llmops_prompt_render(v->p, c->vars, &ropts, &messages, &err)) {
		if (problems)
			llmops_strlist_append(problems, err.msg);
	} else if (missing.nr && !c->recorded && problems) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		llmops_buf_addf(&b, "%s:%d: case '%s' lacks ", ev->ds.label, c->line, c->id);
		for (size_t k = 0; k < missing.nr; k++)
			llmops_buf_addf(&b, "%s'%s'", k ? ", " : "", missing.items[k]);
		llmops_buf_addf(&b, ", which %s uses", v->prompt);
		llmops_strlist_append(problems, b.data);
		llmops_buf_release(&b);
	}
	llmops_strlist_release(&missing);
	if (messages && ev->system_note && add_system_note(messages, ev->system_note)) {
		cJSON_Delete(messages);
		return NULL;
	}
	if (messages && llmops_eval_conv_start(c, messages, all_turns)) {
		cJSON_Delete(messages);
		return NULL;
	}
	return messages;
}

/* A rubric c names that is not the run's: noted, to be loaded (ev->case_rubrics). */
static int note_rubric(struct llmops_eval *ev, const struct llmops_eval_case *c,
		       struct llmops_err *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(c->dc.fields, "metric");
	const char *want = cJSON_IsString(m) ? llmops_metric_rubric(m->valuestring) : NULL;
	if (c->metric != LLMOPS_METRIC_JUDGE || !want ||
	    (ev->judge_rubric && !strcmp(want, ev->judge_rubric)) ||
	    llmops_strlist_find(&ev->case_rubrics, want) >= 0)
		return 0;
	if (ev->case_rubrics.nr >= 16)
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "%s:%d: case '%s': judge:%s: a run judges with 17 rubrics at "
				      "most",
				      ev->ds.label, c->line, c->id, want);
	return llmops_strlist_append(&ev->case_rubrics, want) ||
			       llmops_strlist_appendf(&ev->case_rubrics_at, "%s:%d: case '%s'",
						      ev->ds.label, c->line, c->id)
		       ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
		       : 0;
}

/* The image parts of messages read from their files (image.h); 0, or -1 with the problem
   added to problems (may be NULL), naming c and v. */
static int resolve_images(struct llmops_eval *ev, const struct llmops_eval_case *c,
			  const struct llmops_eval_variant *v, cJSON *messages,
			  struct llmops_strlist *problems)
{
	struct llmops_err err = {0};
	if (!llmops_images_resolve(messages, ev->root, &err))
		return 0;
	if (problems) {
		char msg[LLMOPS_ERR_MSG_MAX + 600];
		snprintf(msg, sizeof(msg), "%s:%d: case '%s' on %s: %s", ev->ds.label, c->line,
			 c->id, v->prompt, err.msg);
		llmops_strlist_append(problems, msg);
	}
	return -1;
}

/* Add a problem once; past the first 20 count it. */
static void add_problem(struct llmops_strlist *problems, size_t *more, const char *msg)
{
	for (size_t i = 0; i < problems->nr; i++)
		if (!strcmp(problems->items[i], msg))
			return;
	if (problems->nr < 20)
		llmops_strlist_append(problems, msg);
	else
		(*more)++;
}

int llmops_eval_render(struct llmops_eval *ev, struct llmops_strlist *problems, size_t *more,
		       struct llmops_err *err)
{
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_eval_case c = {0};
	int any = 0, rc;
	*more = 0;
	ev->njobs = ev->ncases * ev->nvars * (size_t)(ev->repeats > 0 ? ev->repeats : 1);
	for (size_t vi = 0; vi < ev->nvars; vi++)
		any |= ev->vars[vi].p != NULL;
	/* "input" as the message: nothing can go wrong, unless a case names a rubric to load */
	if (!any && !ev->guard_inputs && !ev->nrubric)
		return 0;
	if ((rc = llmops_eval_cursor(ev, &cur, err)))
		return rc;
	for (size_t p = 0; p < ev->shard_first + ev->ncases; p++) {
		if ((rc = llmops_dataset_cursor_next(cur, &c.dc, err)) != 1)
			break;
		rc = 0;
		if (p < ev->shard_first) {
			llmops_case_release(&c.dc);
			continue;
		}
		if ((rc = llmops_eval_setup_case(ev, &c.dc, &c, 0, err))) {
			llmops_eval_case_clear(&c);
			break;
		}
		if ((rc = note_rubric(ev, &c, err))) {
			llmops_eval_case_clear(&c);
			break;
		}
		for (size_t vi = 0; vi < ev->nvars && !rc; vi++) {
			struct llmops_strlist found = LLMOPS_STRLIST_INIT;
			const struct llmops_eval_variant *v = &ev->vars[vi];
			int sent = ev->guard_inputs && !c.recorded &&
				   v->prov->type != LLMOPS_PROVIDER_REPLAY;
			if (!v->p && !sent)
				continue;
			cJSON *messages = render_one(ev, &c, v, &found, 1);
			/* what is sent, scanned with its images as paths (not their bytes) */
			if (messages && sent && llmops_eval_guard_case(ev, &c, v, messages))
				rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			if (messages && sent)
				resolve_images(ev, &c, v, messages, &found);
			cJSON_Delete(messages);
			for (size_t k = 0; k < found.nr; k++)
				add_problem(problems, more, found.items[k]);
			llmops_strlist_release(&found);
		}
		llmops_eval_case_clear(&c);
	}
	llmops_dataset_cursor_free(cur);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------- the run's case feed */

static const char *variant_key(const struct llmops_eval *ev, size_t vi)
{
	return ev->nvars > 1 ? ev->vars[vi].label : "";
}

void llmops_eval_case_done(struct llmops_eval *ev, struct llmops_eval_case *c)
{
	(void)ev;
	if (c->open || c->pending)
		return;
	llmops_eval_case_clear(c);
	free(c);
}

/* Read the run's next case; NULL at the end (or on an error: ev->feed_failed). */
static struct llmops_eval_case *read_case(struct llmops_eval *ev, struct llmops_err *err)
{
	while (ev->read < ev->shard_first + ev->ncases) {
		struct llmops_eval_case *c = calloc(1, sizeof(*c));
		int rc = c ? 0 : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		if (!rc && !ev->cur)
			rc = llmops_eval_cursor(ev, &ev->cur, err);
		if (!rc && (rc = llmops_dataset_cursor_next(ev->cur, &c->dc, err)) == 0)
			rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s: ended before case %zu",
					    ev->file.label, ev->read + 1);
		if (rc == 1)
			rc = 0;
		if (c)
			c->pos = ev->read++;
		if (!rc && c->pos < ev->shard_first) {
			llmops_eval_case_clear(c);
			free(c);
			continue;
		}
		if (!rc)
			rc = llmops_eval_setup_case(ev, &c->dc, c, 0, err);
		if (rc) {
			if (c)
				llmops_eval_case_clear(c);
			free(c);
			ev->feed_failed = 1;
			return NULL;
		}
		c->open = 1;
		return c;
	}
	return NULL;
}

struct llmops_eval_job *llmops_eval_next_job(struct llmops_eval *ev, struct llmops_err *err)
{
	size_t reps = (size_t)(ev->repeats > 0 ? ev->repeats : 1);
	for (;;) {
		struct llmops_eval_case *c = ev->making;
		if (c && ev->making_next < ev->nvars * reps) {
			size_t k = ev->making_next++;
			size_t vi = k / reps;
			int rep = (int)(k % reps);
			if (llmops_eval_keys_has(ev->done_keys, ev->ndone_keys,
						 llmops_eval_key(variant_key(ev, vi), c->id, rep)))
				continue; /* recorded by the run this one resumes */
			struct llmops_eval_job *j = calloc(1, sizeof(*j));
			if (!j) {
				llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
				ev->feed_failed = 1;
				return NULL;
			}
			j->c = c;
			j->vi = vi;
			j->rep = rep;
			/* unknown until an answer says: a failed request has no tokens or cost */
			llmops_result_init(&j->res);
			j->embed_score = NAN;
			j->judge_score = NAN;
			j->logprob = NAN;
			j->judge_cost = NAN;
			j->refused = -1;
			j->prefer = -1;
			if (ev->vars[vi].p || c->turns || c->conv) {
				j->messages = render_one(ev, c, &ev->vars[vi], NULL, 0);
				/* recorded with images as their paths, sent with their bytes */
				j->res.input =
					j->messages ? cJSON_PrintUnformatted(j->messages) : NULL;
				if (j->messages &&
				    resolve_images(ev, c, &ev->vars[vi], j->messages, NULL)) {
					cJSON_Delete(j->messages);
					j->messages = NULL;
				}
			} else { /* "input" as the message: its record without building it */
				struct llmops_buf b = LLMOPS_BUF_INIT;
				const char *in = field_str(c->vars, "input");
				llmops_buf_adds(&b, "[{\"role\":\"user\",\"content\":");
				llmops_json_add_string(&b, in ? in : "");
				llmops_buf_adds(&b, "}]");
				j->res.input = b.oom ? NULL : llmops_buf_detach(&b, NULL);
				llmops_buf_release(&b);
			}
			c->pending++;
			return j;
		}
		if (c) {
			c->open = 0;
			ev->making = NULL;
			llmops_eval_case_done(ev, c);
		}
		if (!(ev->making = read_case(ev, err)))
			return NULL;
		ev->making_next = 0;
	}
}

int llmops_eval_messages(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	const struct llmops_eval_variant *v = &ev->vars[j->vi];
	if (!j->messages) {
		j->messages = render_one(ev, j->c, v, NULL, 0);
		if (j->messages && resolve_images(ev, j->c, v, j->messages, NULL)) {
			cJSON_Delete(j->messages);
			j->messages = NULL;
		}
	}
	if (j->messages && !j->extra && v->p && v->p->has_extras) {
		struct llmops_err err = {0};
		struct llmops_render_opts ropts = {ev->partial, ev->partial_ud, NULL};
		if (llmops_prompt_render_extra(v->p, j->c->vars, &ropts, &j->extra, &err))
			return -1;
	}
	return j->messages ? 0 : -1;
}

void llmops_eval_feed_release(struct llmops_eval *ev)
{
	if (ev->making) {
		ev->making->open = 0;
		llmops_eval_case_done(ev, ev->making);
		ev->making = NULL;
	}
	llmops_dataset_cursor_free(ev->cur);
	ev->cur = NULL;
}

int llmops_eval_scoring(struct llmops_eval *ev, struct llmops_err *err)
{
	return llmops_tokenizer_open(&ev->tok, "o200k_base", err);
}

/* Whether p sends requests somebody bills. */
static int billed(const struct llmops_provider *p)
{
	return p && (p->type == LLMOPS_PROVIDER_OPENAI || p->type == LLMOPS_PROVIDER_ANTHROPIC);
}

int llmops_eval_budget_check(const struct llmops_eval *ev, struct llmops_err *err)
{
	if (ev->max_cost < 0)
		return 0;
	for (size_t i = 0; i < ev->nvars; i++) {
		const struct llmops_eval_variant *v = &ev->vars[i];
		const struct llmops_provider *p = billed(v->prov) && !v->price ? v->prov
						  : billed(v->fallback) && !v->fallback_price
							  ? v->fallback
							  : NULL;
		if (p)
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"--max-cost: no price is known for %s (%s), so what it spends "
				"cannot be capped; add its price to llmops.json \"prices\" or "
				"drop --max-cost",
				p->label, p->model ? p->model : "no model");
	}
	return 0;
}

int llmops_eval_max_errors(struct llmops_eval *ev, const char *s, struct llmops_err *err)
{
	char *end = NULL;
	errno = 0;
	double v = s && *s ? strtod(s, &end) : NAN;
	int pct = end && *end == '%' && !end[1];
	if (isnan(v) || errno || (end && *end && !pct) || v < 0 || (pct && v > 100) ||
	    (!pct && (v != floor(v) || v > 1e12)))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "--max-errors '%s': give a count (3) or a percentage of the "
				      "results (5%%)",
				      s ? s : "");
	ev->max_errors = pct ? -1 : (long)v;
	ev->max_errors_frac = pct ? v / 100 : 0;
	return 0;
}

void llmops_eval_repeats_free(struct llmops_eval *ev)
{
	for (size_t i = 0; ev->reps && i < ev->nvars; i++)
		llmops_repeats_release(&ev->reps[i]);
	free(ev->reps);
	ev->reps = NULL;
	llmops_strlist_release(&ev->rep_ids);
}

struct rep_load {
	const struct llmops_eval *ev;
	struct llmops_rep_obs **obs; /* per variant */
	size_t *n, *cap;
	struct llmops_strlist *ids; /* the case ids the observations borrow (ev->rep_ids) */
};

static int rep_take(const struct llmops_result *r, void *ud)
{
	struct rep_load *rl = ud;
	const struct llmops_eval_variant *v = llmops_eval_variant_of(rl->ev, r);
	if (!v || r->passed == LLMOPS_SKIPPED) /* never asked: no observation */
		return 0;
	size_t vi = (size_t)(v - rl->ev->vars);
	if (rl->n[vi] == rl->cap[vi]) {
		size_t cap = rl->cap[vi] ? 2 * rl->cap[vi] : 256;
		struct llmops_rep_obs *o = realloc(rl->obs[vi], cap * sizeof(*o));
		if (!o)
			return LLMOPS_E_NOMEM;
		rl->obs[vi] = o;
		rl->cap[vi] = cap;
	}
	if (llmops_strlist_append(rl->ids, r->case_id))
		return LLMOPS_E_NOMEM;
	rl->obs[vi][rl->n[vi]++] =
		(struct llmops_rep_obs){rl->ids->items[rl->ids->nr - 1], r->passed, r->score};
	return 0;
}

int llmops_eval_repeats(struct llmops_eval *ev)
{
	struct llmops_err err = {0};
	int rc = 0;
	if (ev->repeats < 2 || ev->reps)
		return 0;
	size_t nv = ev->nvars ? ev->nvars : 1;
	struct rep_load rl = {ev, calloc(nv, sizeof(*rl.obs)), calloc(nv, sizeof(size_t)),
			      calloc(nv, sizeof(size_t)), &ev->rep_ids};
	ev->reps = calloc(nv, sizeof(*ev->reps));
	if (!rl.obs || !rl.n || !rl.cap || !ev->reps)
		rc = -1;
	if (!rc)
		rc = llmops_ledger_results_each(ev->ledger, ev->run_id, rep_take, &rl, &err) ? -1
											     : 0;
	for (size_t vi = 0; !rc && vi < ev->nvars; vi++)
		rc = llmops_repeats_compute(rl.obs[vi], rl.n[vi], &ev->reps[vi], &err) ? -1 : 0;
	for (size_t vi = 0; rl.obs && vi < nv; vi++)
		free(rl.obs[vi]);
	free(rl.obs);
	free(rl.n);
	free(rl.cap);
	if (rc)
		llmops_eval_repeats_free(ev);
	return rc;
}

void llmops_eval_init(struct llmops_eval *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->threshold = LLMOPS_EVAL_DEFAULT_THRESHOLD;
	ev->min_pass_rate = LLMOPS_EVAL_DEFAULT_MIN_PASS_RATE;
	ev->max_cost = -1;
	ev->review_below = -1;
	ev->repeats = 1;
	ev->ropts.concurrency = LLMOPS_EVAL_DEFAULT_CONCURRENCY;
	ev->ropts.timeout_ms = LLMOPS_EVAL_DEFAULT_TIMEOUT_S * 1000L;
	ev->ropts.retries = LLMOPS_EVAL_DEFAULT_RETRIES;
}
