/*
 * httppost.c - POST a JSON document with retries (see httppost.h): one
 * call through the runner, so a collector gets the same transport, retry
 * policy, Retry-After handling and circuit breaker as a model provider.
 */
#include "httppost.h"

#include "redact.h"
#include "runner.h"

#include <stdlib.h>
#include <string.h>

struct one {
	struct llmops_call *c;
	int given, done;
};

static struct llmops_call *next(void *ud)
{
	struct one *o = ud;
	if (o->given)
		return NULL;
	o->given = 1;
	return o->c;
}

static void done(void *ud, struct llmops_call *c)
{
	(void)c;
	((struct one *)ud)->done = 1;
}

int llmops_post_json(const struct llmops_post *p, const char *body, size_t len, long *status,
		     struct llmops_err *err)
{
	struct llmops_call c = {0};
	struct one o = {&c, 0, 0};
	const struct llmops_runner_cb cb = {.next = next, .done = done, .ud = &o};
	const struct llmops_runner_opts ro = {
		.concurrency = 1,
		.timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 30000,
		.retries = p->retries,
		.backoff_ms = p->backoff_ms > 0 ? (double)p->backoff_ms : 200,
		.backoff_max_ms = 30000,
		.retry_after_max_ms = 60000,
	};
	int rc;

	*status = 0;
	c.headers = p->headers;
	c.rq.url = strdup(p->url);
	c.rq.body = malloc(len + 1);
	if (!c.rq.url || !c.rq.body) {
		llmops_call_release(&c);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	memcpy(c.rq.body, body, len);
	c.rq.body[len] = 0;
	c.rq.len = len;
	if ((rc = llmops_runner_run(&ro, &cb, err)) < 0) {
		llmops_call_release(&c);
		return rc;
	}
	*status = c.status;
	if (c.ok)
		rc = LLMOPS_OK;
	else if (!c.status) /* the runner says "(after N attempts)" past the first */
		rc = llmops_err_set(err, LLMOPS_E_NET, "%s%s", c.error,
				    c.attempts <= 1 ? " after 1 attempt" : "");
	else if (c.status == 401 || c.status == 403)
		rc = llmops_err_set(err, LLMOPS_E_NET,
				    "%s refused the credentials: HTTP %ld (check the headers "
				    "configured for it)",
				    p->url, c.status);
	else if (c.status >= 400 && !llmops_http_retryable(c.status))
		rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s refused the document: HTTP %ld",
				    p->url, c.status);
	else
		rc = llmops_err_set(err, LLMOPS_E_NET, "%s: HTTP %ld after %d attempt%s", p->url,
				    c.status, c.attempts, c.attempts == 1 ? "" : "s");
	if (rc)
		llmops_redact(err->msg); /* a collector URL may carry credentials */
	llmops_call_release(&c);
	return rc;
}
