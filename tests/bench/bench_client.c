/*
 * bench_client.c - the least a libcurl multi client does to send N chat
 * completions requests at concurrency C and read their answers: the peer
 * figure of bench_engine.sh, against which llmops's engine (rendering,
 * scoring, the ledger) is measured.
 *
 *   bench_client URL N C
 *
 * One easy handle per slot, reused (keep-alive), each POSTing the same small
 * JSON body with an Authorization header; every answer's status is checked.
 * Prints "requests N ok K wall_ms W cpu_ms C" (CPU: user + system of this
 * process, from getrusage).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static size_t sink(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_client URL N C\n");
		return 2;
	}
	const char *url = argv[1];
	long n = atol(argv[2]), c = atol(argv[3]), sent = 0, done = 0, ok = 0;
	static const char req[] = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
				  "\"content\":\"say ok\"}]}";
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Authorization: Bearer sk-bench-not-a-real-key");
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, c);
	CURL **easy = calloc((size_t)c, sizeof(*easy));
	double t0 = now_ms();
	for (long i = 0; i < c && sent < n; i++, sent++) {
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, url);
		curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, req);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, sink);
		curl_multi_add_handle(m, easy[i]);
	}
	while (done < n) {
		int running, left;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *e = msg->easy_handle;
			long code = 0;
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
			ok += msg->data.result == CURLE_OK && code == 200;
			done++;
			curl_multi_remove_handle(m, e);
			if (sent < n) { /* the same handle again: its connection is kept */
				sent++;
				curl_multi_add_handle(m, e);
			}
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	double wall = now_ms() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	printf("requests %ld ok %ld wall_ms %.1f cpu_ms %.1f\n", n, ok, wall, cpu);
	for (long i = 0; i < c; i++)
		if (easy[i])
			curl_easy_cleanup(easy[i]);
	free(easy);
	curl_slist_free_all(h);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	return ok == n ? 0 : 1;
}
