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
 * on stdin (toolexec.h).
 */
#include "eval.h"

#include "eval_internal.h"
#include "toolexec.h"

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

/* The case's result for the nth call (from 0) of tool name with args (the caller's: free()),
   or NULL with why; a command tool runs in root. */
static char *canned(const cJSON *tools, const char *name, int nth, const char *args,
		    const char *root, char *why, size_t cap)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(tools, name);
	const cJSON *each = cJSON_GetObjectItemCaseSensitive(t, "$each");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(t, "$exec");
	if (cJSON_IsString(ex)) {
		struct llmops_buf out = LLMOPS_BUF_INIT;
		struct llmops_err err = {0};
		if (llmops_tool_exec(ex->valuestring, root, args, 30000, &out, &err)) {
			snprintf(why, cap, "tool '%.64s' ($exec '%.80s'): %.900s", name,
				 ex->valuestring, err.msg);
			llmops_buf_release(&out);
			return NULL;
		}
		char *s = out.data ? llmops_buf_detach(&out, NULL) : strdup("");
		llmops_buf_release(&out);
		if (!s)
			snprintf(why, cap, "out of memory");
		return s;
	}
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
	if (j->tokens_in >= 0)
		cJSON_AddNumberToObject(s, "tokens_in", (double)j->tokens_in);
	if (j->tokens_out >= 0)
		cJSON_AddNumberToObject(s, "tokens_out", (double)j->tokens_out);
	if (!isnan(j->latency_ms))
		cJSON_AddNumberToObject(s, "latency_ms", j->latency_ms);
	if (!isnan(j->cost))
		cJSON_AddNumberToObject(s, "cost_usd", j->cost);
	cJSON_AddNumberToObject(s, "attempts", j->attempts);
	cJSON_AddBoolToObject(s, "cache_hit", j->cache_hit);
	/* what the steps add up to; the job's own fields say the last step's */
	if (!j->nsteps) {
		j->acc_tokens_in = j->acc_tokens_out = 0;
		j->acc_latency = j->acc_cost = 0;
		j->acc_attempts = 0;
		j->acc_cached = 1;
		j->acc_unknown = 0;
		j->first_ttft = j->ttft_ms;
	}
	j->nsteps++;
	j->acc_unknown |= (j->tokens_in < 0) | ((j->tokens_out < 0) << 1) |
			  ((isnan(j->cost) && !j->cache_hit) << 2);
	j->acc_tokens_in += j->tokens_in > 0 ? j->tokens_in : 0;
	j->acc_tokens_out += j->tokens_out > 0 ? j->tokens_out : 0;
	j->acc_latency += isnan(j->latency_ms) ? 0 : j->latency_ms;
	j->acc_cost += isnan(j->cost) ? 0 : j->cost;
	j->acc_attempts += j->attempts;
	j->acc_cached &= j->cache_hit;
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
	j->tokens_in = j->acc_unknown & 1 ? -1 : j->acc_tokens_in;
	j->tokens_out = j->acc_unknown & 2 ? -1 : j->acc_tokens_out;
	j->cost = j->acc_unknown & 4 ? NAN : j->acc_cost;
	j->latency_ms = j->acc_cached ? NAN : j->acc_latency;
	j->ttft_ms = j->first_ttft;
	j->attempts = j->acc_attempts;
	j->cache_hit = j->acc_cached;
}

int llmops_eval_tools_answer(struct llmops_eval_job *j, const cJSON *calls, const char *text,
			     const char *root, struct llmops_err *err)
{
	const cJSON *c;
	cJSON *m = cJSON_CreateObject(), *results = cJSON_CreateArray();
	char why[LLMOPS_ERR_MSG_MAX + 300];
	int rc = 0;
	/* the model's turn as it came, then one tool message per call */
	cJSON_AddStringToObject(m, "role", "assistant");
	if (text && *text)
		cJSON_AddStringToObject(m, "content", text);
	else
		cJSON_AddNullToObject(m, "content");
	cJSON_AddItemToObject(m, "tool_calls", cJSON_Duplicate(calls, 1));
	cJSON_AddItemToArray(j->messages, m);
	cJSON_ArrayForEach (c, calls) {
		const char *name = str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
		/* this step's earlier calls of it count too */
		int nth = calls_of(j, name) - 1;
		for (const cJSON *k = c->next; k; k = k->next)
			nth -= !strcmp(
				str_of(cJSON_GetObjectItemCaseSensitive(k, "function"), "name"),
				name);
		const char *args =
			str_of(cJSON_GetObjectItemCaseSensitive(c, "function"), "arguments");
		char *res = canned(j->c->tools, name, nth, args, root, why, sizeof(why));
		if (!res) {
			rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s", why);
			break;
		}
		cJSON *t = cJSON_CreateObject(), *r = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "role", "tool");
		cJSON_AddStringToObject(t, "tool_call_id", str_of(c, "id"));
		cJSON_AddStringToObject(t, "content", res);
		cJSON_AddItemToArray(j->messages, t);
		cJSON_AddStringToObject(r, "id", str_of(c, "id"));
		cJSON_AddStringToObject(r, "name", name);
		cJSON_AddStringToObject(r, "content", res);
		cJSON_AddItemToArray(results, r);
		free(res);
	}
	/* the results go with the step that called for them */
	cJSON *last = cJSON_GetArrayItem(j->steps, cJSON_GetArraySize(j->steps) - 1);
	if (last)
		cJSON_AddItemToObject(last, "tool_results", results);
	else
		cJSON_Delete(results);
	return rc;
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
