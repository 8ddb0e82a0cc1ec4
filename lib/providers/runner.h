/*
 * runner.h - many provider requests at once, over one libcurl multi handle.
 *
 * The runner pulls calls from its caller (next), runs up to `concurrency`
 * of them at a time, and hands each back when it is finished (done), so
 * that the caller can record it, queue a follow-up (a judge, a fallback) or
 * stop.  HTTP calls go over one multi handle (connections reused, HTTP/2
 * multiplexed where the server offers it); exec: calls are child processes
 * whose pipes are polled in the same loop.
 *
 * Retries: a connection fault (refused, reset, timed out, a truncated
 * body), HTTP 408, 409, 429 and 5xx, and a 200 whose body cannot be parsed
 * are retried up to `retries` times after waiting backoff_ms * 2^(k-1)
 * (capped at backoff_max_ms) times a random factor in [0.5, 1] ("equal
 * jitter"), or the server's Retry-After (seconds or an HTTP date) when
 * that is longer (capped at retry_after_max_ms).  Other statuses (400,
 * 401, 403, 404, ...) are final at once.
 *
 * Circuit breaker: once LLMOPS_RUNNER_BREAKER connection attempts in a row
 * to one provider have failed (refused, unresolvable) with no answer of
 * any kind in between, the provider is taken as down for the rest of the
 * run: an attempt in flight that cannot connect is not retried, and every
 * call to it still queued or waiting for a retry fails at once, unsent
 * (attempts not incremented), with an error that says so.  Any HTTP
 * answer, even a 500, closes the breaker again.
 *
 * Attempts: `attempts` counts requests sent, including the re-send libcurl
 * makes on its own when a reused keep-alive connection turns out dead, so
 * that recorded attempts equal what the server saw.
 *
 * exec: calls run in a process group of their own.  The runner is the
 * "child subreaper" of what they start (prctl PR_SET_CHILD_SUBREAPER), so a
 * process that detaches from its group (setsid, a double fork) still comes
 * back to it once its parent ends: when an exec call ends, and when the run
 * does, every such stray is killed and reaped.  Nothing an exec call (or a
 * case's $exec tool) starts outlives it.
 *
 * Rate limits: with rpm, request starts are spaced 60000/rpm ms apart;
 * with tpm, each start advances the same kind of clock by the call's
 * est_tokens * 60000/tpm ms.  Neither ever lets more through in any
 * minute than asked.
 *
 * The runner never prints and never reads the terminal.  API keys are
 * read from the environment when a request starts and live only in its
 * header list.  An answer that contains the value of a key variable has it
 * replaced (llmops_redact_keys, in answer.text and raw) before done() sees
 * it; `redactions` says how many.
 */
#ifndef LLMOPS_RUNNER_H
#define LLMOPS_RUNNER_H

#include "buf.h"
#include "clock.h"
#include "error.h"
#include "provider.h"

#include <stddef.h>

/* Connection failures in a row after which a provider is taken as down. */
#define LLMOPS_RUNNER_BREAKER 5

struct llmops_call {
	/* set by the caller */
	const struct llmops_provider
		*prov;		    /* NULL: a plain POST of rq to rq.url (any 2xx answers) */
	const char *const *headers; /* extra "Name: value" lines; NULL-terminated, may be NULL */
	int embed; /* 1: an embeddings request for n_inputs texts; LLMOPS_CALL_JSON: any JSON
		      answer (a moderation), read by the caller from raw */
	size_t n_inputs;
	struct llmops_request rq; /* owned by the call */
	double est_tokens;	  /* tokens it will use, for tpm */
	void *user;		  /* the caller's */
	/* exec: where the child runs (NULL: here), its environment (NULL: prov->env, which
	   also says which key values to cut from its output), and the most it may print
	   (0: no limit; more is a failure, the child killed) */
	const char *dir;
	char *const *child_env;
	size_t out_max;

	/* set by the runner */
	int attempts;		     /* requests sent, retries and libcurl's re-sends included */
	long status;		     /* last HTTP status (0: none); exec: exit status */
	double latency_ms;	     /* of the attempt that answered */
	double ttft_ms;		     /* streamed: time to the first output text; else NAN */
	struct llmops_answer answer; /* a chat call's answer (when ok) */
	double *vecs;		     /* an embed call's vectors, n_inputs x dims (when ok) */
	size_t dims;
	struct llmops_buf raw;		/* the body that answered (for the cache) */
	int ok;				/* 1: answered and parsed */
	int redactions;			/* key values cut from the answer (llmops_redact_keys) */
	int aborted;			/* 1: cut off by a stop; nothing to record */
	char error[LLMOPS_ERR_MSG_MAX]; /* when !ok: why, key material redacted */

	void *priv_; /* the runner's */
};

#define LLMOPS_CALL_JSON 2

/* Free what a call owns (not the struct itself) and zero it. */
void llmops_call_release(struct llmops_call *c);

struct llmops_runner_opts {
	unsigned concurrency;	   /* at least 1 */
	double rpm, tpm;	   /* 0: no limit */
	long timeout_ms;	   /* per attempt; 0: 60000 */
	int retries;		   /* after the first attempt */
	double backoff_ms;	   /* first wait; 0: 500 */
	double backoff_max_ms;	   /* 0: 30000 */
	double retry_after_max_ms; /* 0: 120000 */
};

struct llmops_runner_cb {
	/* The next call to run, or NULL when there is none right now. */
	struct llmops_call *(*next)(void *ud);
	/* A call is finished (ok, failed, or aborted); it is the caller's again. */
	void (*done)(void *ud, struct llmops_call *c);
	/* Non-zero: stop now (in-flight calls are aborted). May be NULL. */
	int (*stop)(void *ud);
	/* Called about ten times a second while calls are running. May be NULL. */
	void (*tick)(void *ud);
	/* Called once a pass of the loop, before it waits for the network, a command tool
	   or a timer, to settle what the calls that finished left behind (the engine
	   commits its results here, in groups).  Returns how long the wait may last at
	   most, in ms, to be called again by then; < 0: no limit.  May be NULL. */
	double (*idle)(void *ud);
	void *ud;
};

/*
 * 1 when a libcurl result (a CURLcode) is worth retrying: a connection or
 * transfer fault.  0 when trying again cannot help: a bad or unsupported
 * URL, a certificate that fails verification, a TLS set-up problem, out of
 * memory, a write error.  Every HTTP retry loop in lib asks this.
 */
int llmops_curl_retryable(int code);

/* 1 when an HTTP status is worth retrying: 408, 409, 429 and 5xx. */
int llmops_http_retryable(long status);

/*
 * The wait before retry number `attempt` (1 for the first retry):
 * backoff_ms * 2^(attempt-1), capped at backoff_max_ms, times a random
 * factor in [0.5, 1] ("equal jitter"); or retry_after_ms (the server's
 * Retry-After, < 0 when it sent none) when that is longer, capped at
 * retry_after_max_ms.  The one retry policy of every HTTP loop in lib.
 */
double llmops_retry_wait_ms(int attempt, double backoff_ms, double backoff_max_ms,
			    double retry_after_ms, double retry_after_max_ms);

/*
 * The wait a response header line asks for, in milliseconds: "Retry-After:
 * SECONDS", "Retry-After: HTTP-DATE" or "retry-after-ms: MS"; -1 for any
 * other line (or a value that is neither).  line need not be NUL-terminated.
 */
double llmops_retry_after_ms(const char *line, size_t len);

/*
 * Run until next() has nothing more and every call is done: returns 0.
 * Returns 1 when stop() asked to stop (in-flight calls are handed to done()
 * with aborted set), or an error code when the multi handle itself fails.
 */
int llmops_runner_run(const struct llmops_runner_opts *o, const struct llmops_runner_cb *cb,
		      struct llmops_err *err);

#endif
