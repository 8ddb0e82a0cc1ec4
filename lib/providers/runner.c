/*
 * runner.c - the request loop of runner.h: HTTP over a libcurl multi
 * handle, exec: children over their pipes, retries, backoff and rate
 * limits.  Child processes are in runner_exec.c.
 */
#include "runner.h"

#include "env.h"

#include "internal.h"

#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <strings.h>
#include <time.h>

void llmops_call_release(struct llmops_call *c)
{
	if (!c)
		return;
	llmops_request_release(&c->rq);
	llmops_answer_release(&c->answer);
	free(c->vecs);
	llmops_buf_release(&c->raw);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ HTTP */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct slot *s = ud;
	size_t len = size * n;
	if (llmops_buf_add(&s->c->raw, p, len))
		return 0;
	if (s->c->prov && s->c->prov->stream && isnan(s->c->ttft_ms) &&
	    llmops_stream_has_content(s->c->prov->type, s->c->raw.data, s->c->raw.len,
				      &s->sse_scanned))
		s->c->ttft_ms = llmops_mono_ms() - s->start_ms;
	return len;
}

double llmops_retry_after_ms(const char *p, size_t len)
{
	char v[128];
	int ms = 0;
	if (len > 15 && !strncasecmp(p, "retry-after-ms:", 15))
		ms = 1;
	else if (!(len > 12 && !strncasecmp(p, "retry-after:", 12)))
		return -1;
	size_t off = ms ? 15 : 12;
	snprintf(v, sizeof(v), "%.*s", (int)(len - off), p + off);
	v[strcspn(v, "\r\n")] = 0;
	char *end;
	double x = strtod(v, &end);
	if (end != v && x >= 0 && x < 1e9)
		return ms ? x : x * 1000.0;
	time_t when = curl_getdate(v, NULL);
	if (when > 0) {
		double d = difftime(when, time(NULL)) * 1000.0;
		return d > 0 ? d : 0;
	}
	return -1;
}

int llmops_http_retryable(long status)
{
	return status == 408 || status == 409 || status == 429 || status >= 500;
}

double llmops_retry_wait_ms(int attempt, double backoff_ms, double backoff_max_ms,
			    double retry_after_ms, double retry_after_max_ms)
{
	double base = backoff_ms * pow(2.0, attempt > 1 ? attempt - 1 : 0);
	if (base > backoff_max_ms)
		base = backoff_max_ms;
	double wait = base * (0.5 + 0.5 * ((double)rand() / RAND_MAX));
	if (retry_after_ms > wait)
		wait = retry_after_ms < retry_after_max_ms ? retry_after_ms : retry_after_max_ms;
	return wait;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct slot *s = ud;
	size_t len = size * n;
	double ms = llmops_retry_after_ms(p, len);
	if (ms >= 0)
		s->retry_after_ms = ms;
	return len;
}

/* Called by libcurl each time it is about to send the request, including the
   silent re-send on a fresh connection when a reused one turned out dead: the
   server saw (and may bill) each of those, so each counts as an attempt. */
static int on_prereq(void *ud, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
		     int conn_local_port)
{
	struct slot *s = ud;
	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	s->sends++;
	return CURL_PREREQFUNC_OK;
}

static int start_http(struct runner *r, struct slot *s, struct llmops_err *err)
{
	const struct llmops_provider *p = s->c->prov; /* NULL: a plain POST */
	const char *key = p && p->api_key_env ? llmops_env_get(p->env, p->api_key_env) : NULL;
	char hdr[4096];

	if (!s->easy && !(s->easy = curl_easy_init()))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "cannot create a curl handle");
	curl_easy_reset(s->easy);
	curl_slist_free_all(s->hdrs);
	s->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	for (const char *const *x = s->c->headers; x && *x; x++)
		s->hdrs = curl_slist_append(s->hdrs, *x);
	if (key && *key && p->type == LLMOPS_PROVIDER_ANTHROPIC) {
		snprintf(hdr, sizeof(hdr), "x-api-key: %s", key);
		s->hdrs = curl_slist_append(s->hdrs, hdr);
	} else if (key && *key) {
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", key);
		s->hdrs = curl_slist_append(s->hdrs, hdr);
	}
	memset(hdr, 0, sizeof(hdr));
	if (p && p->type == LLMOPS_PROVIDER_ANTHROPIC)
		s->hdrs = curl_slist_append(s->hdrs, "anthropic-version: 2023-06-01");
	if (p && p->stream)
		s->hdrs = curl_slist_append(s->hdrs, "Accept: text/event-stream");
	s->hdrs = curl_slist_append(s->hdrs, "Expect:");
	if (!s->hdrs)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	long timeout = p && p->timeout_ms > 0 ? p->timeout_ms : r->timeout_ms;
	curl_easy_setopt(s->easy, CURLOPT_URL, s->c->rq.url);
	curl_easy_setopt(s->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->c->rq.body);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->c->rq.len);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->hdrs);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->easy, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(s->easy, CURLOPT_PREREQDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->curl_err);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, timeout < 10000 ? timeout : 10000L);
	curl_easy_setopt(s->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(s->easy, CURLOPT_USERAGENT, "llmops/" LLMOPS_RUNNER_VERSION);
	curl_easy_setopt(s->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	s->curl_err[0] = 0;
	if (curl_multi_add_handle(r->multi, s->easy) != CURLM_OK)
		return llmops_err_set(err, LLMOPS_E_NET,
				      "cannot add a request to the multi handle");
	s->in_multi = 1;
	return 0;
}

static int connect_fault(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	       rc == CURLE_COULDNT_RESOLVE_PROXY;
}

int llmops_curl_retryable(int code)
{
	switch ((CURLcode)code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_WRITE_ERROR: return 0;
	default: return 1;
	}
}

static const char *status_hint(long status, const struct llmops_provider *p)
{
	if (!p) /* a plain POST */
		return status == 401 || status == 403
			       ? "the credentials were refused: check the headers configured for it"
			       : NULL;
	switch (status) {
	case 401:
	case 403:
		return p->api_key_env ? "the API key was refused: check the variable that holds it"
				      : "the server wants an API key";
	case 404: return "unknown model or wrong base URL";
	case 429: return "rate limited";
	default: return NULL;
	}
}

/* The outcome of one HTTP attempt: 0 answered, 1 retry, -1 final failure. */
static int judge_http(struct runner *r, struct slot *s, CURLcode rc)
{
	struct llmops_call *c = s->c;
	struct llmops_err e = {0};
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &c->status);
	if (s->sends > 1)
		c->attempts += s->sends - 1;
	c->latency_ms = llmops_mono_ms() - s->start_ms; /* the same clock as ttft_ms */
	if (rc != CURLE_OK) {
		int conn = connect_fault(rc);
		snprintf(c->error, sizeof(c->error), "%.400s: %.300s%s", c->rq.url,
			 s->curl_err[0] ? s->curl_err : curl_easy_strerror(rc),
			 !conn	   ? ""
			 : c->prov ? " (is the server running? point --base-url or the provider's "
				     "base_url at it; --provider replay scores recorded outputs "
				     "offline)"
				   : " (is the server running?)");
		breaker_note(r, c->prov, conn);
		if (conn && breaker_open(r, c->prov))
			return -1;
		return llmops_curl_retryable(rc) ? 1 : -1;
	}
	breaker_note(r, c->prov, 0);
	if (c->status >= 200 && c->status < 300 && !c->prov)
		return 0; /* a plain POST: any 2xx is the answer */
	if (c->status >= 200 && c->status < 300) {
		cJSON *json = NULL;
		int prc = c->embed == LLMOPS_CALL_JSON ? llmops_provider_parse_moderation(
								 c->raw.data, c->raw.len, &json, &e)
			  : c->embed
				  ? llmops_provider_parse_embed(c->raw.data, c->raw.len,
								c->n_inputs, &c->vecs, &c->dims, &e)
				  : llmops_provider_parse_chat(c->prov, c->raw.data, c->raw.len,
							       c->prov->stream, &c->answer, &e);
		cJSON_Delete(json); /* checked here; the caller reads it from raw */
		if (!prc)
			return 0;
		snprintf(c->error, sizeof(c->error), "%.300s: HTTP %ld, but %.600s", c->rq.url,
			 c->status, e.msg);
		/* an error object inside a 200 is the provider's answer, not a fault */
		return strstr(e.msg, "answered with an error") ? -1 : 1;
	}
	struct llmops_buf t = LLMOPS_BUF_INIT;
	const char *hint = status_hint(c->status, c->prov);
	llmops_provider_error_text(c->raw.data, c->raw.len, &t);
	snprintf(c->error, sizeof(c->error), "%s: HTTP %ld: %s%s%s%s", c->rq.url, c->status,
		 t.len ? t.data : "(no message)", hint ? " (" : "", hint ? hint : "",
		 hint ? ")" : "");
	llmops_buf_release(&t);
	return llmops_http_retryable(c->status) ? 1 : -1;
}

/* --------------------------------------------------------------- the loop */

/* Hand a finished attempt back: outcome 0 answered, 1 retry if allowed, -1 failed. */
static void runner_retire(struct runner *r, struct slot *s, int outcome)
{
	struct llmops_call *c = s->c;
	double retry_after = s->retry_after_ms;
	slot_clear(r, s);
	if (outcome == 1 && c->attempts <= r->retries) {
		double wait = llmops_retry_wait_ms(c->attempts, r->backoff_ms, r->backoff_max_ms,
						   retry_after, r->retry_after_max_ms);
		llmops_answer_release(&c->answer);
		llmops_buf_reset(&c->raw);
		struct pending *pd = realloc(r->retry, (r->nretry + 1) * sizeof(*pd));
		if (pd) {
			r->retry = pd;
			pd[r->nretry].c = c;
			pd[r->nretry++].due = llmops_mono_ms() + wait;
			return;
		}
	}
	c->ok = outcome == 0;
	if (c->ok) {
		/* a key the model echoes (or that leaked into a prompt) is never
		   stored: not in the output, not in the cached body */
		char *const *env = c->prov ? c->prov->env : NULL;
		c->redactions = llmops_redact_keys(c->answer.text, env);
		if (c->raw.data && llmops_redact_keys(c->raw.data, env))
			c->raw.len = strlen(c->raw.data);
	}
	if (!c->ok && c->attempts > 1) {
		size_t n = strlen(c->error);
		snprintf(c->error + n, sizeof(c->error) - n, " (after %d attempts)", c->attempts);
	}
	if (!c->ok)
		llmops_redact(c->error);
	r->cb->done(r->cb->ud, c);
}

static struct breaker *breaker_of(struct runner *r, const struct llmops_provider *p, int add)
{
	for (size_t i = 0; i < r->nbreakers; i++)
		if (r->breakers[i].prov == p)
			return &r->breakers[i];
	if (!add || r->nbreakers == sizeof(r->breakers) / sizeof(r->breakers[0]))
		return NULL;
	r->breakers[r->nbreakers] = (struct breaker){p, 0};
	return &r->breakers[r->nbreakers++];
}

int breaker_open(const struct runner *r, const struct llmops_provider *p)
{
	struct breaker *b = breaker_of((struct runner *)r, p, 0);
	return b && b->fails >= LLMOPS_RUNNER_BREAKER;
}

void breaker_note(struct runner *r, const struct llmops_provider *p, int conn_failed)
{
	struct breaker *b = breaker_of(r, p, conn_failed);
	if (b && !conn_failed)
		b->fails = 0;
	else if (b && b->fails < LLMOPS_RUNNER_BREAKER)
		b->fails++;
}

void slot_clear(struct runner *r, struct slot *s)
{
	if (s->in_multi) {
		curl_multi_remove_handle(r->multi, s->easy);
		s->in_multi = 0;
	}
	curl_slist_free_all(s->hdrs); /* the key lives no longer than its request */
	s->hdrs = NULL;
	exec_clear(s);
	s->c = NULL;
	r->active--;
}

static int rate_ok(const struct runner *r, double now)
{
	return now >= r->rpm_next && now >= r->tpm_next;
}

static void rate_take(struct runner *r, const struct llmops_call *c, double now)
{
	if (r->rpm > 0)
		r->rpm_next = (r->rpm_next > now ? r->rpm_next : now) + 60000.0 / r->rpm;
	if (r->tpm > 0)
		r->tpm_next = (r->tpm_next > now ? r->tpm_next : now) +
			      (c->est_tokens > 0 ? c->est_tokens : 1) * 60000.0 / r->tpm;
}

static int start(struct runner *r, struct llmops_call *c, struct llmops_err *err)
{
	struct slot *s = NULL;
	for (unsigned i = 0; i < r->conc && !s; i++)
		if (!r->slots[i].c)
			s = &r->slots[i];
	if (!s)
		return llmops_err_set(err, LLMOPS_E_NET, "no free slot");
	int exec = c->prov && c->prov->type == LLMOPS_PROVIDER_EXEC;
	if (!exec && breaker_open(r, c->prov)) {
		/* the provider is down: fail now, unsent, rather than queue more
		   connection attempts that will be refused too */
		c->ok = 0;
		c->error[0] = 0;
		snprintf(c->error, sizeof(c->error),
			 "%.400s: not sent: the last %d connection attempts to this provider "
			 "failed (circuit breaker; is the server running?)",
			 c->rq.url ? c->rq.url
			 : c->prov ? c->prov->model
				   : "?",
			 LLMOPS_RUNNER_BREAKER);
		llmops_redact(c->error);
		r->cb->done(r->cb->ud, c);
		return 0;
	}
	s->c = c;
	s->start_ms = llmops_mono_ms();
	s->retry_after_ms = -1;
	s->sse_scanned = 0;
	s->sends = 0;
	r->active++;
	c->attempts++;
	c->ttft_ms = NAN;
	c->error[0] = 0;
	/* each attempt starts from nothing: a call sent again (a fallback after a
	   failed answer) must not parse the body of the attempt before */
	c->ok = 0;
	llmops_answer_release(&c->answer);
	llmops_buf_reset(&c->raw);
	if (exec)
		return exec_start(r, s);
	int rc = start_http(r, s, err);
	if (rc) {
		slot_clear(r, s);
		return rc;
	}
	return 0;
}

/* Take the next call to start: a retry that is due, else a new one. */
static struct llmops_call *take(struct runner *r, double now, int *wait_rate)
{
	size_t best = r->nretry;
	for (size_t i = 0; i < r->nretry; i++)
		if (r->retry[i].due <= now &&
		    (best == r->nretry || r->retry[i].due < r->retry[best].due))
			best = i;
	struct llmops_call *c = NULL;
	if (best < r->nretry)
		c = r->retry[best].c;
	else if (!r->held)
		r->held = r->cb->next(r->cb->ud);
	if (!c)
		c = r->held;
	if (!c)
		return NULL;
	/* the rate limits are a provider's: a local command (exec, a case's tool) has none */
	int local = c->prov && c->prov->type == LLMOPS_PROVIDER_EXEC;
	if (!local && !rate_ok(r, now)) {
		*wait_rate = 1;
		return NULL;
	}
	if (best < r->nretry)
		r->retry[best] = r->retry[--r->nretry];
	else
		r->held = NULL;
	if (!local)
		rate_take(r, c, now);
	return c;
}

static void abort_all(struct runner *r)
{
	for (unsigned i = 0; i < r->conc; i++) {
		struct slot *s = &r->slots[i];
		if (!s->c)
			continue;
		struct llmops_call *c = s->c;
		exec_kill(s);
		slot_clear(r, s);
		c->aborted = 1;
		r->cb->done(r->cb->ud, c);
	}
	for (size_t i = 0; i < r->nretry; i++) {
		r->retry[i].c->aborted = 1;
		r->cb->done(r->cb->ud, r->retry[i].c);
	}
	r->nretry = 0;
	if (r->held) {
		r->held->aborted = 1;
		r->cb->done(r->cb->ud, r->held);
		r->held = NULL;
	}
}

static int loop(struct runner *r, struct llmops_err *err)
{
	double last_tick = 0;
	for (;;) {
		if (r->cb->stop && r->cb->stop(r->cb->ud)) {
			abort_all(r);
			return 1;
		}
		double now = llmops_mono_ms();
		int wait_rate = 0, started = 0;
		while (r->active < r->conc) {
			struct llmops_call *c = take(r, now, &wait_rate);
			if (!c)
				break;
			int rc = start(r, c, err);
			if (rc)
				return rc;
			started++;
		}
		int running = 0;
		/* kick new transfers off now: a handle only connects once perform has run, and
		   poll would otherwise sleep until some other transfer made progress */
		if (started && curl_multi_perform(r->multi, &running) != CURLM_OK)
			return llmops_err_set(err, LLMOPS_E_NET, "the curl multi handle failed");
		if (!r->active && !r->nretry && !r->held && !wait_rate) {
			r->held = r->cb->next(r->cb->ud);
			if (!r->held)
				return 0;
			continue;
		}
		/* how long to wait: the next retry, the rate clock, the tick */
		double timeout = 100;
		for (size_t i = 0; i < r->nretry; i++)
			if (r->retry[i].due - now < timeout)
				timeout = r->retry[i].due - now;
		if (wait_rate) {
			double t = (r->rpm_next > r->tpm_next ? r->rpm_next : r->tpm_next) - now;
			if (t < timeout)
				timeout = t;
		}
		/* transfers the kick above finished already (a server that answers at once, on a
		   reused connection) have nothing left to wake poll: read them now */
		if (started && running < (int)r->active)
			timeout = 0;
		struct curl_waitfd fds[3 * LLMOPS_RUNNER_MAX_CONC];
		unsigned nfds = exec_fds(r, fds);
		int numfds = 0;
		if (r->cb->idle) { /* every pass: a busy stream never waits, and still commits */
			double due = r->cb->idle(r->cb->ud);
			if (due >= 0 && due < timeout)
				timeout = due;
		}
		if (r->active || timeout > 0)
			curl_multi_poll(r->multi, fds, nfds, timeout < 0 ? 0 : (int)ceil(timeout),
					&numfds);
		if (curl_multi_perform(r->multi, &running) != CURLM_OK)
			return llmops_err_set(err, LLMOPS_E_NET, "the curl multi handle failed");
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(r->multi, &left))) {
			struct slot *s = NULL;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			if (s && s->c)
				runner_retire(r, s, judge_http(r, s, m->data.result));
		}
		exec_service(r);
		now = llmops_mono_ms();
		if (r->cb->tick && now - last_tick >= 100) {
			r->cb->tick(r->cb->ud);
			last_tick = now;
		}
	}
}

int llmops_runner_run(const struct llmops_runner_opts *o, const struct llmops_runner_cb *cb,
		      struct llmops_err *err)
{
	struct runner r = {0};
	struct sigaction ign = {0}, old;
	int rc;
	r.cb = cb;
	r.retire = runner_retire;
	r.conc = o->concurrency < 1 ? 1 : o->concurrency;
	if (r.conc > LLMOPS_RUNNER_MAX_CONC)
		r.conc = LLMOPS_RUNNER_MAX_CONC;
	r.rpm = o->rpm;
	r.tpm = o->tpm;
	r.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 60000;
	r.retries = o->retries < 0 ? 0 : o->retries;
	r.backoff_ms = o->backoff_ms > 0 ? o->backoff_ms : 500;
	r.backoff_max_ms = o->backoff_max_ms > 0 ? o->backoff_max_ms : 30000;
	r.retry_after_max_ms = o->retry_after_max_ms > 0 ? o->retry_after_max_ms : 120000;
	r.slots = calloc(r.conc, sizeof(*r.slots));
	r.multi = curl_multi_init();
	if (!r.slots || !r.multi) {
		free(r.slots);
		curl_multi_cleanup(r.multi);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	/* no pipes yet: a zeroed fd would be stdin, and exec_clear would close it
	   (and later whatever socket libcurl had been handed as fd 0) */
	for (unsigned i = 0; i < r.conc; i++)
		r.slots[i].in_fd = r.slots[i].out_fd = r.slots[i].err_fd = -1;
	curl_multi_setopt(r.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)r.conc);
	curl_multi_setopt(r.multi, CURLMOPT_MAXCONNECTS, (long)r.conc);
	srand((unsigned)llmops_mono_ms() ^ (unsigned)getpid());
	/* a child that exits before reading its stdin must not kill us with SIGPIPE */
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	/* what exec calls start and leave behind comes back to us, to be killed */
	int was_reaper = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &was_reaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rc = loop(&r, err);
	sigaction(SIGPIPE, &old, NULL);
	for (unsigned i = 0; i < r.conc; i++) {
		if (r.slots[i].c) {
			exec_kill(&r.slots[i]);
			slot_clear(&r, &r.slots[i]);
		}
		if (r.slots[i].easy)
			curl_easy_cleanup(r.slots[i].easy);
		curl_slist_free_all(r.slots[i].hdrs);
	}
	exec_strays(&r);
	if (!was_reaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0);
	free(r.slots);
	free(r.retry);
	curl_multi_cleanup(r.multi);
	return rc;
}
