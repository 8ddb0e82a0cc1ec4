/*
 * bench_server_load - drive an OpenAI-compatible server with C concurrent
 * keep-alive connections on one libcurl multi handle; print requests/s and
 * latency percentiles.
 *
 *   bench_server_load URL TOTAL CONCURRENCY
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return sz * n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const char body[] =
	"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Summarise: "
	"Kubernetes automates deployment, scaling and management of containers.\"}]}";

int main(int argc, char **argv)
{
	long total = argc > 3 ? atol(argv[2]) : 0, conc = argc > 3 ? atol(argv[3]) : 0;
	long started = 0, done = 0, failed = 0;
	CURL **easy;
	double *start, *lat, t0, secs;
	struct curl_slist *hdr = NULL;
	CURLM *multi;
	int running = 0;

	if (total <= 0 || conc <= 0) {
		fprintf(stderr, "usage: bench_server_load URL TOTAL CONCURRENCY\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, conc);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	easy = calloc((size_t)conc, sizeof(*easy));
	start = calloc((size_t)conc, sizeof(*start));
	lat = calloc((size_t)total, sizeof(*lat));
	if (!easy || !start || !lat)
		return 1;
	t0 = now_ms();
	for (long i = 0; i < conc && started < total; i++, started++) {
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, argv[1]);
		curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (void *)i);
		curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 30L);
		start[i] = now_ms();
		curl_multi_add_handle(multi, easy[i]);
	}
	while (done < total) {
		CURLMsg *m;
		int left;

		/* perform, collect what finished (re-adding at once), then wait */
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &left))) {
			void *priv;
			long slot, code = 0;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
			slot = (long)priv;
			curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			if (m->data.result != CURLE_OK || code != 200)
				failed++;
			lat[done++] = now_ms() - start[slot];
			curl_multi_remove_handle(multi, m->easy_handle);
			if (started < total) { /* reuse the handle: its connection stays alive */
				started++;
				start[slot] = now_ms();
				curl_multi_add_handle(multi, m->easy_handle);
			}
		}
		if (done < total)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	secs = (now_ms() - t0) / 1e3;
	qsort(lat, (size_t)total, sizeof(*lat), cmp);
	printf("%ld requests, %ld connections: %.0f requests/s, latency p50 %.1f ms, p99 %.1f ms, "
	       "%ld failed\n",
	       total, conc, (double)total / secs, lat[total / 2], lat[(total * 99) / 100], failed);
	for (long i = 0; i < conc; i++)
		if (easy[i])
			curl_easy_cleanup(easy[i]);
	curl_multi_cleanup(multi);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	free(easy);
	free(start);
	free(lat);
	return failed ? 1 : 0;
}
