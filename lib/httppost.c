/*
 * httppost.c - POST a JSON document with retries (see httppost.h).
 */
#include "httppost.h"
#include "redact.h"
#include "runner.h"

#include <curl/curl.h>
#include <stdio.h>
#include <time.h>

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* The server's Retry-After, into the double ud points at. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	double ms = llmops_retry_after_ms(p, size * n);
	if (ms >= 0)
		*(double *)ud = ms;
	return size * n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

int llmops_post_json(const struct llmops_post *p, const char *body, size_t len, long *status,
		     struct llmops_err *err)
{
	struct curl_slist *hdr = NULL, *h;
	char errbuf[CURL_ERROR_SIZE] = "";
	double backoff = p->backoff_ms > 0 ? (double)p->backoff_ms : 200, retry_after = -1;
	long code = 0;
	CURLcode cc = CURLE_OK;
	CURL *c = curl_easy_init();
	int rc = LLMOPS_OK;

	*status = 0;
	if (!c)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!(hdr = curl_slist_append(NULL, "Content-Type: application/json")))
		goto nomem;
	for (const char *const *x = p->headers; x && *x; x++) {
		if (!(h = curl_slist_append(hdr, *x)))
			goto nomem;
		hdr = h;
	}
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, p->timeout_ms > 0 ? p->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &retry_after);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "llmops");
	int attempts = 0;
	for (int attempt = 0; attempt <= p->retries; attempt++) {
		/* the runner's policy: doubling with jitter, or the server's Retry-After */
		if (attempt)
			sleep_ms((long)llmops_retry_wait_ms(attempt, backoff, 30000, retry_after, 60000));
		retry_after = -1;
		errbuf[0] = 0;
		code = 0;
		cc = curl_easy_perform(c);
		attempts++;
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (cc == CURLE_OK && !llmops_http_retryable(code))
			break;
		if (cc != CURLE_OK && !llmops_curl_retryable(cc))
			break; /* a certificate that fails verification fails again */
	}
	*status = code;
	if (cc != CURLE_OK)
		rc = llmops_err_set(err, LLMOPS_E_NET, "%s: %s after %d attempt%s", p->url,
				    errbuf[0] ? errbuf : curl_easy_strerror(cc), attempts,
				    attempts == 1 ? "" : "s");
	else if (code == 401 || code == 403)
		rc = llmops_err_set(err, LLMOPS_E_NET,
				    "%s refused the credentials: HTTP %ld (check the headers "
				    "configured for it)",
				    p->url, code);
	else if (code >= 400 && !llmops_http_retryable(code))
		rc = llmops_err_set(err, LLMOPS_E_INPUT, "%s refused the document: HTTP %ld",
				    p->url, code);
	else if (code < 200 || code >= 300)
		rc = llmops_err_set(err, LLMOPS_E_NET, "%s: HTTP %ld after %d attempt%s", p->url,
				    code, attempts, attempts == 1 ? "" : "s");
	goto out;
nomem:
	rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
out:
	if (err && rc)
		llmops_redact(err->msg); /* a collector URL may carry credentials */
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc;
}
