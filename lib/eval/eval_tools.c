/*
 * eval_tools.c - a case's tool loop: each answer of a job is a step (its
 * tool calls, tokens, latency, cost); where the case's "tools" answers the
 * calls, their canned results go back into the conversation and it is
 * asked again, until an answer calls no tool or max_steps is reached.
 *
 * A case's "tools" maps each tool name to its result: any JSON value,
 * returned on every call (a string as it is, anything else as JSON text);
 * {"$each": [...]}, one result per successive call of that tool; or
 * {"$exec": COMMAND}, what the command prints given the call's arguments
 * on stdin, run by the runner beside the other requests (llmops_eval_tools_begin).
 */
#include "eval.h"

#include "mem.h"

#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

int llmops_eval_tools_check(const cJSON *tools, const char *where, struct llmops_err *err)
{
	const cJSON *t;
	if (!tools)
		return 0;
	if (!cJSON_IsObject(tools) || !tools->child)
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: \"tools\" maps each tool's name to its result", where);
	cJSON_ArrayForEach (t, tools) {
		const cJSON *each = cJSON_GetObjectItemCaseSensitive(t, "$each");
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(t, "$exec");
		if (ex && (!cJSON_IsString(ex) || !*ex->valuestring || t->child->next))
			return llmops_err_set(
				err, LLMOPS_E_INPUT,
				"%s: tools.%s: \"$exec\" is a command (run by /bin/sh "
				"with the call's arguments on stdin), and the object's "
				"only key",
				where, t->string);
		if (each && (!cJSON_IsArray(each) || !each->child || t->child->next))
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: tools.%s: \"$each\" is a non-empty list of "
					      "results, one per call, and the object's only key",
					      where, t->string);
	}
	return 0;
}

/* The case's result for the nth call (from 0) of tool name (the caller's: free()), or NULL
   with why.  A command tool ($exec) is not answered here (tools_begin runs it). */
static char *canned(const cJSON *tools, const char *name, int nth, char *why, size_t cap)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(tools, name);
	const cJSON *each = cJSON_GetObjectItemCaseSensitive(t, "$each");
	if (!t) {
		snprintf(
			why, cap,
			"the model called tool '%.64s', which the case's \"tools\" does not answer",
			name);
		return NULL;
	}
	if (each) {
		int n = cJSON_GetArraySize(each);
		if (nth >= n) {
			snprintf(why, cap,
				 "the model called tool '%.64s' %d times; its \"$each\" has %d "
				 "results",
				 name, nth + 1, n);
			return NULL;
		}
		t = cJSON_GetArrayItem(each, nth);
	}
	char *s = cJSON_IsString(t) ? strdup(t->valuestring) : cJSON_PrintUnformatted(t);
	if (!s)
		snprintf(why, cap, "out of memory");
	return s;
}

/* How many calls of name j's steps made before this step. */
static int calls_of(const struct llmops_eval_job *j, const char *name)
{
	const cJSON *c;
	int n = 0;
	cJSON_ArrayForEach (c, j->calls)
		n += !strcmp(str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name"), name);
	return n;
}

int llmops_eval_tools_step(struct llmops_eval_job *j, const cJSON *calls, const char *text)
{
	cJSON *s = cJSON_CreateObject();
	if (!s || (!j->steps && !(j->steps = cJSON_CreateArray())))
		goto nomem;
	cJSON_AddItemToArray(j->steps, s);
	if (j->c->turns)
		cJSON_AddNumberToObject(s, "turn", j->turn + 1);
	if (text && *text)
		cJSON_AddStringToObject(s, "text", text);
	if (calls && !cJSON_AddItemToObject(s, "tool_calls", cJSON_Duplicate(calls, 1)))
		return -1;
	if (j->res.tokens_in >= 0)
		cJSON_AddNumberToObject(s, "tokens_in", (double)j->res.tokens_in);
	if (j->res.tokens_out >= 0)
		cJSON_AddNumberToObject(s, "tokens_out", (double)j->res.tokens_out);
	if (!isnan(j->res.latency_ms))
		cJSON_AddNumberToObject(s, "latency_ms", j->res.latency_ms);
	if (!isnan(j->res.cost_usd))
		cJSON_AddNumberToObject(s, "cost_usd", j->res.cost_usd);
	cJSON_AddNumberToObject(s, "attempts", j->res.attempts);
	cJSON_AddBoolToObject(s, "cache_hit", j->res.cache_hit);
	/* what the steps add up to; the job's own fields say the last step's */
	if (!j->nsteps) {
		j->acc_tokens_in = j->acc_tokens_out = 0;
		j->acc_latency = j->acc_cost = 0;
		j->acc_attempts = 0;
		j->acc_cached = 1;
		j->acc_unknown = 0;
		j->first_ttft = j->res.ttft_ms;
	}
	j->nsteps++;
	j->acc_unknown |= (j->res.tokens_in < 0) | ((j->res.tokens_out < 0) << 1) |
			  ((isnan(j->res.cost_usd) && !j->res.cache_hit) << 2);
	j->acc_tokens_in += j->res.tokens_in > 0 ? j->res.tokens_in : 0;
	j->acc_tokens_out += j->res.tokens_out > 0 ? j->res.tokens_out : 0;
	j->acc_latency += isnan(j->res.latency_ms) ? 0 : j->res.latency_ms;
	j->acc_cost += isnan(j->res.cost_usd) ? 0 : j->res.cost_usd;
	j->acc_attempts += j->res.attempts;
	j->acc_cached &= j->res.cache_hit;
	const cJSON *c;
	cJSON_ArrayForEach (c, calls) {
		if (!j->calls && !(j->calls = cJSON_CreateArray()))
			goto nomem;
		cJSON_AddItemToArray(j->calls, cJSON_Duplicate(c, 1));
	}
	return 0;
nomem:
	if (s && !j->steps)
		cJSON_Delete(s);
	return -1;
}

void llmops_eval_tools_total(struct llmops_eval_job *j)
{
	if (!j->nsteps)
		return;
	j->res.tokens_in = j->acc_unknown & 1 ? -1 : j->acc_tokens_in;
	j->res.tokens_out = j->acc_unknown & 2 ? -1 : j->acc_tokens_out;
	j->res.cost_usd = j->acc_unknown & 4 ? NAN : j->acc_cost;
	j->res.latency_ms = j->acc_cached ? NAN : j->acc_latency;
	j->res.ttft_ms = j->first_ttft;
	j->res.attempts = j->acc_attempts;
	j->res.cache_hit = j->acc_cached;
}

/* A step's tool calls being answered: canned results at once, command tools as exec calls
   the runner runs beside the others (each in the repository's root, with the call's arguments
   on stdin, a few variables of ours and no key, 30 s and 1 MiB at most). */
struct llmops_eval_tools_wait {
	const cJSON *calls; /* the step's calls: borrowed from the job's conversation */
	size_t n;
	char **results;		      /* owned: call i's result once known */
	struct llmops_call *exec;     /* call i's command, when it has one (exec[i].prov) */
	struct llmops_provider *prov; /* what exec[i] runs: /bin/sh -c COMMAND */
	char *(*argv)[4];
	char *env[8]; /* the command's environment, pointing into the process's */
	int pending;  /* commands not back */
	char *error;  /* the first failure */
};

static void wait_free(struct llmops_eval_tools_wait *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->results[i]);
		llmops_call_release(&w->exec[i]);
	}
	LLMOPS_FREE_ALL(w->results, w->exec, w->prov, w->argv, w->error, w);
}

void llmops_eval_tools_release(struct llmops_eval_job *j)
{
	wait_free(j->tools_wait);
	j->tools_wait = NULL;
}

/* The variables a command tool gets, from the environment cmd/ handed in (from: the asking
   provider's, see env.h): NULL-terminated (no key reaches it). */
static void tool_env(char **env, size_t cap, char *const *from)
{
	static const char *const keep[] = {"PATH=", "HOME=", "LANG=", "LC_ALL=", "TMPDIR=", "TZ="};
	size_t n = 0;
	for (char *const *e = from; e && *e && n + 1 < cap; e++)
		for (size_t k = 0; k < sizeof(keep) / sizeof(*keep); k++)
			if (!strncmp(*e, keep[k], strlen(keep[k])))
				env[n++] = *e;
	env[n] = NULL;
}

/* The results into j's conversation and its last step, in the calls' order; w is freed. */
static void tools_finish(struct llmops_eval_job *j)
{
	struct llmops_eval_tools_wait *w = j->tools_wait;
	cJSON *results = cJSON_CreateArray();
	const cJSON *c;
	size_t i = 0;
	cJSON_ArrayForEach (c, w->calls) {
		const char *name = str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
		const char *res = w->results[i] ? w->results[i] : "";
		cJSON *t = cJSON_CreateObject(), *r = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "role", "tool");
		cJSON_AddStringToObject(t, "tool_call_id", str_of(c, "id"));
		cJSON_AddStringToObject(t, "content", res);
		cJSON_AddItemToArray(j->messages, t);
		cJSON_AddStringToObject(r, "id", str_of(c, "id"));
		cJSON_AddStringToObject(r, "name", name);
		cJSON_AddStringToObject(r, "content", res);
		cJSON_AddItemToArray(results, r);
		i++;
	}
	/* the results go with the step that called for them */
	cJSON *last = cJSON_GetArrayItem(j->steps, cJSON_GetArraySize(j->steps) - 1);
	if (last)
		cJSON_AddItemToObject(last, "tool_results", results);
	else
		cJSON_Delete(results);
	llmops_eval_tools_release(j);
}

int llmops_eval_tools_begin(struct llmops_eval_job *j, const cJSON *calls, const char *text,
			    const char *root, const struct llmops_provider *asker,
			    struct llmops_err *err)
{
	struct llmops_eval_tools_wait *w = calloc(1, sizeof(*w));
	size_t n = (size_t)cJSON_GetArraySize(calls);
	const cJSON *c;
	char why[LLMOPS_ERR_MSG_MAX + 300];
	if (!w || !(w->results = calloc(n ? n : 1, sizeof(*w->results))) ||
	    !(w->exec = calloc(n ? n : 1, sizeof(*w->exec))) ||
	    !(w->prov = calloc(n ? n : 1, sizeof(*w->prov))) ||
	    !(w->argv = calloc(n ? n : 1, sizeof(*w->argv)))) {
		wait_free(w);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	w->n = n;
	tool_env(w->env, sizeof(w->env) / sizeof(*w->env), asker ? asker->env : NULL);
	llmops_eval_tools_release(j);
	j->tools_wait = w;
	/* the model's turn as it came, then (once all are answered) one tool message per call */
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "assistant");
	if (text && *text)
		cJSON_AddStringToObject(m, "content", text);
	else
		cJSON_AddNullToObject(m, "content");
	cJSON_AddItemToObject(m, "tool_calls", cJSON_Duplicate(calls, 1));
	cJSON_AddItemToArray(j->messages, m);
	w->calls = cJSON_GetObjectItemCaseSensitive(m, "tool_calls");
	size_t i = 0;
	cJSON_ArrayForEach (c, calls) {
		const char *name = str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
		const char *args =
			str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "arguments");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j->c->tools, name);
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(t, "$exec");
		if (cJSON_IsString(ex)) {
			struct llmops_call *x = &w->exec[i];
			struct llmops_provider *p = &w->prov[i];
			w->argv[i][0] = "/bin/sh";
			w->argv[i][1] = "-c";
			w->argv[i][2] = ex->valuestring; /* the case's: alive while j is */
			w->argv[i][3] = NULL;
			p->type = LLMOPS_PROVIDER_EXEC;
			p->argv = w->argv[i];
			p->timeout_ms = LLMOPS_TOOL_TIMEOUT_MS;
			p->env = asker ? asker->env : NULL; /* the keys cut from what it prints */
			p->max_tokens = -1;
			x->prov = p;
			x->child_env = w->env;
			x->dir = root;
			x->out_max = LLMOPS_TOOL_OUT_MAX;
			x->user = j;
			if (!(x->rq.body = strdup(args))) {
				llmops_eval_tools_release(j);
				return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			}
			x->rq.len = strlen(args);
			w->pending++;
		} else {
			/* this step's earlier calls of it count too */
			int nth = calls_of(j, name) - 1;
			for (const cJSON *k = c->next; k; k = k->next)
				nth -= !strcmp(
					str_of(cJSON_GetObjectItemCaseSensitive(k, "function"),
					       "name"),
					name);
			if (!(w->results[i] = canned(j->c->tools, name, nth, why, sizeof(why)))) {
				llmops_eval_tools_release(j);
				return llmops_err_set(err, LLMOPS_E_INPUT, "%s", why);
			}
		}
		i++;
	}
	if (!w->pending) {
		tools_finish(j);
		return 0;
	}
	return w->pending;
}

struct llmops_call *llmops_eval_tools_call(struct llmops_eval_job *j, int k)
{
	struct llmops_eval_tools_wait *w = j->tools_wait;
	for (size_t i = 0; w && i < w->n; i++)
		if (w->exec[i].prov && !k--)
			return &w->exec[i];
	return NULL;
}

int llmops_eval_tools_is_call(const struct llmops_eval_job *j, const struct llmops_call *c)
{
	const struct llmops_eval_tools_wait *w = j->tools_wait;
	return w && c >= w->exec && c < w->exec + w->n;
}

int llmops_eval_tools_landed(struct llmops_eval_job *j, struct llmops_call *c,
			     struct llmops_err *err)
{
	struct llmops_eval_tools_wait *w = j->tools_wait;
	size_t i = (size_t)(c - w->exec);
	const cJSON *call = cJSON_GetArrayItem(w->calls, (int)i);
	const char *name = str_of(cJSON_GetObjectItemCaseSensitive(call, "function"), "name");
	if (c->ok) {
		w->results[i] = c->answer.text ? strdup(c->answer.text) : strdup("");
	} else if (!w->error) {
		/* the runner's words for an exec child, said of the tool */
		const char *e = c->error;
		if (!strncmp(e, "exec: '/bin/sh' ", 16))
			e += 16;
		struct llmops_buf b = LLMOPS_BUF_INIT;
		llmops_buf_addf(&b, "tool '%.64s' ($exec '%.80s'): ", name, c->prov->argv[2]);
		if (!strncmp(e, "timed out", 9))
			llmops_buf_addf(&b,
					"it ran over %d s, and was stopped (with all it started)",
					LLMOPS_TOOL_TIMEOUT_MS / 1000);
		else
			llmops_buf_addf(&b, "%s%s", strncmp(e, "exec:", 5) ? "it " : "", e);
		w->error = llmops_buf_detach(&b, NULL);
	}
	if (--w->pending > 0)
		return 1;
	if (w->error) {
		int rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s", w->error);
		llmops_eval_tools_release(j);
		return rc;
	}
	tools_finish(j);
	return 0;
}

/* ---------------------------------------------------------- conversations */

/* A turn as a message (the caller's): a string is the user's; an object is copied. */
static cJSON *turn_message(const cJSON *t)
{
	if (cJSON_IsObject(t))
		return cJSON_Duplicate(t, 1);
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", cJSON_IsString(t) ? t->valuestring : "");
	return m;
}

/* Whether m is a message as a prompt's are (role, content; tool fields where they belong). */
static const char *message_problem(const cJSON *m)
{
	static const char *const roles[] = {"system", "developer", "user", "assistant", "tool"};
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
	int known = 0;
	if (!cJSON_IsObject(m))
		return "a message is an object {\"role\": ..., \"content\": ...}";
	for (size_t i = 0; cJSON_IsString(role) && i < sizeof(roles) / sizeof(*roles); i++)
		known |= !strcmp(role->valuestring, roles[i]);
	if (!known)
		return "a message's role is system, developer, user, assistant or tool";
	if (!cJSON_IsString(content) && !cJSON_IsArray(content) &&
	    !(cJSON_GetObjectItemCaseSensitive(m, "tool_calls") &&
	      (!content || cJSON_IsNull(content))))
		return "a message's content is a string or a list of parts";
	if (!strcmp(role->valuestring, "tool") &&
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "tool_call_id")))
		return "a tool message needs tool_call_id";
	return NULL;
}

int llmops_eval_conv_check(const cJSON *conv, const cJSON *turns,
			   const struct llmops_assertions *as, const char *where,
			   struct llmops_err *err)
{
	const cJSON *m;
	int i = 0;
	if (conv && (!cJSON_IsArray(conv) || !conv->child))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: \"messages\" is a list of messages (the conversation so "
				      "far)",
				      where);
	cJSON_ArrayForEach (m, conv) {
		const char *p = message_problem(m);
		if (p)
			return llmops_err_set(err, LLMOPS_E_INPUT, "%s: messages[%d]: %s", where, i,
					      p);
		i++;
	}
	if (turns && (!cJSON_IsArray(turns) || !turns->child))
		return llmops_err_set(err, LLMOPS_E_INPUT,
				      "%s: \"turns\" is a list of user turns (strings or "
				      "messages)",
				      where);
	i = 0;
	cJSON_ArrayForEach (m, turns) {
		const char *p = cJSON_IsString(m) ? NULL : message_problem(m);
		if (p)
			return llmops_err_set(err, LLMOPS_E_INPUT, "%s: turns[%d]: %s", where, i,
					      p);
		i++;
	}
	for (size_t k = 0; as && k < as->n; k++)
		if (as->a[k].turn > i)
			return llmops_err_set(err, LLMOPS_E_INPUT,
					      "%s: assert[%zu] checks turn %d, and the case has %d",
					      where, k, as->a[k].turn, i);
	return 0;
}

int llmops_eval_conv_start(const struct llmops_eval_case *c, cJSON *messages, int all_turns)
{
	const cJSON *m;
	cJSON_ArrayForEach (m, c->conv)
		if (!cJSON_AddItemToArray(messages, cJSON_Duplicate(m, 1)))
			return -1;
	cJSON_ArrayForEach (m, c->turns) {
		if (!cJSON_AddItemToArray(messages, turn_message(m)))
			return -1;
		if (!all_turns)
			break;
	}
	return 0;
}

int llmops_eval_conv_next(struct llmops_eval_job *j, const char *text)
{
	int n = cJSON_GetArraySize(j->c->turns);
	if (!j->c->turns)
		return 0;
	if (!j->turn_texts && !(j->turn_texts = cJSON_CreateArray()))
		return -1;
	cJSON_AddItemToArray(j->turn_texts, cJSON_CreateString(text ? text : ""));
	if (j->turn + 1 >= n)
		return 0;
	cJSON *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "role", "assistant");
	cJSON_AddStringToObject(a, "content", text ? text : "");
	cJSON_AddItemToArray(j->messages, a);
	j->turn++;
	if (!cJSON_AddItemToArray(j->messages,
				  turn_message(cJSON_GetArrayItem(j->c->turns, j->turn))))
		return -1;
	return 1;
}
