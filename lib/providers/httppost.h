/*
 * httppost.h - one JSON document POSTed to an HTTP endpoint, with retries:
 * how `llmops export --otlp-endpoint` hands traces to a collector.
 *
 * Needs llmops_global_init() (libcurl's global set-up) to have run.
 */
#ifndef LLMOPS_HTTPPOST_H
#define LLMOPS_HTTPPOST_H

#include "error.h"

#include <stddef.h>

struct llmops_post {
	const char *url;
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated; may be NULL */
	long timeout_ms;	    /* per attempt */
	int retries;		    /* after the first attempt */
	long backoff_ms;	    /* before the first retry (0: 200); doubled each time */
};

/*
 * POST body (len bytes of JSON) as p says.  A connection failure, a timeout
 * and HTTP 408, 409, 429 and 5xx are retried with the runner's policy
 * (llmops_retry_wait_ms: doubling from backoff_ms with jitter, or the
 * server's Retry-After, at most a minute); any other status, and a failure
 * that cannot change (llmops_curl_retryable: TLS verification, a bad URL),
 * is final.
 * Returns LLMOPS_OK on a 2xx (*status gets it), LLMOPS_E_NET when the
 * endpoint could not be reached, kept failing or refused the credentials
 * (401, 403), LLMOPS_E_INPUT when it refused the document (another 4xx).  The message names the URL
 * (never a header).
 */
int llmops_post_json(const struct llmops_post *p, const char *body, size_t len, long *status,
		     struct llmops_err *err);

#endif
