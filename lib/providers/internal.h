/*
 * runner_internal.h - what runner.c (the loop, HTTP) and runner_exec.c
 * (child processes) share.  Not part of the library's interface.
 */
#ifndef LLMOPS_RUNNER_INTERNAL_H
#define LLMOPS_RUNNER_INTERNAL_H

#include "config.h"
#include "runner.h"

#include <curl/curl.h>
#include <sys/types.h>

#define LLMOPS_RUNNER_MAX_CONC 512
#define LLMOPS_RUNNER_VERSION  LLMOPS_VERSION_STRING

struct slot {
	struct llmops_call *c; /* NULL: free */
	double start_ms;
	double retry_after_ms; /* from the answer's Retry-After; < 0: none */
	size_t sse_scanned;
	/* HTTP */
	CURL *easy;
	struct curl_slist *hdrs;
	int in_multi;
	int sends; /* requests libcurl sent for this attempt (it re-sends on a dead reused
		      connection) */
	char curl_err[CURL_ERROR_SIZE];
	/* exec */
	pid_t pid; /* 0: none */
	int in_fd, out_fd, err_fd;
	size_t in_off;
	struct llmops_buf errbuf;
	double deadline;
	int timed_out;
	int too_much; /* it printed more than its call's out_max, and was killed */
	int status;   /* from waitpid */
	int reaped;
};

/* The circuit breaker of one provider: connection failures in a row. */
struct breaker {
	const struct llmops_provider *prov;
	int fails; /* connection attempts that failed since the last answer of any kind */
};

struct pending {
	struct llmops_call *c;
	double due;
};

struct runner {
	const struct llmops_runner_cb *cb;
	/* hands a finished attempt back (runner_retire): what the exec side calls, so that it
	   needs nothing of runner.c's */
	void (*retire)(struct runner *r, struct slot *s, int outcome);
	CURLM *multi;
	struct slot *slots;
	unsigned conc, active;
	struct pending *retry;
	size_t nretry;
	struct llmops_call *held; /* taken from next() but not started (rate limit) */
	double rpm, tpm, rpm_next, tpm_next;
	long timeout_ms;
	int retries;
	double backoff_ms, backoff_max_ms, retry_after_max_ms;
	struct breaker breakers[32]; /* per provider; more providers than that share none */
	size_t nbreakers;
};

/* outcome for runner->retire: 0 answered, 1 retry if allowed, -1 failed. */
/* Free the slot (leaving the call alone). */
void slot_clear(struct runner *r, struct slot *s);
/* 1 when the provider's breaker is open: queued calls to it fail unsent. */
int breaker_open(const struct runner *r, const struct llmops_provider *p);
/* Record how an attempt went: conn_failed 1 (could not connect) or 0 (answered). */
void breaker_note(struct runner *r, const struct llmops_provider *p, int conn_failed);

/* exec: children */
int exec_start(struct runner *r, struct slot *s);
unsigned exec_fds(struct runner *r, struct curl_waitfd *fds);
void exec_service(struct runner *r);
void exec_kill(struct slot *s);
void exec_clear(struct slot *s);
/* Kill and reap the processes that came back to us (the subreaper) from exec calls that
   ended: a child of ours outside our process group that is no running slot's. */
void exec_strays(struct runner *r);

#endif
