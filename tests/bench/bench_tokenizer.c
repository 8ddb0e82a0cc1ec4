/*
 * bench_tokenizer.c - tokenizer throughput, the llmops side of the peer
 * comparison in run.sh.
 *
 *   bench_tokenizer ENCODING CORPUS RUNS [IDS_OUT]
 *
 * Prints one JSON line: bytes, tokens, the time to open the tokenizer,
 * and the median of RUNS timed encodings (single thread, load excluded)
 * with its MB/s.  IDS_OUT gets the ids, one per line, for comparison with
 * tiktoken's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "tokenizer.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	struct llmops_tokenizer *t;
	struct llmops_token_ids ids = {0};
	int runs = argc > 3 ? atoi(argv[3]) : 0;
	if (argc < 4 || runs < 1) {
		fprintf(stderr, "usage: bench_tokenizer ENCODING CORPUS RUNS [IDS_OUT]\n");
		return 2;
	}
	if (llmops_buf_read_file(&text, argv[2])) {
		fprintf(stderr, "bench_tokenizer: cannot read %s\n", argv[2]);
		return 2;
	}
	double t0 = now();
	if (llmops_tokenizer_open(&t, argv[1], &err)) {
		fprintf(stderr, "bench_tokenizer: %s\n", err.msg);
		return 2;
	}
	double load = now() - t0;
	double *times = calloc((size_t)runs, sizeof(double));
	size_t count = 0;
	/* one untimed run fills the ids and warms the caches, as for the peers */
	if (llmops_tokenize(t, text.data, text.len, 0, argv[2], &ids, &count, &err)) {
		fprintf(stderr, "bench_tokenizer: %s\n", err.msg);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		double a = now();
		llmops_tokenize(t, text.data, text.len, 0, argv[2], NULL, &count, &err);
		times[i] = now() - a;
	}
	qsort(times, (size_t)runs, sizeof(double), cmp);
	double med = times[runs / 2];
	printf("{\"name\":\"llmops\",\"encoding\":\"%s\",\"bytes\":%zu,\"tokens\":%zu,"
	       "\"load_ms\":%.3f,\"median_s\":%.6f,\"mb_per_s\":%.2f}\n",
	       argv[1], text.len, count, load * 1e3, med, (double)text.len / 1e6 / med);
	if (argc > 4) {
		FILE *f = fopen(argv[4], "w");
		for (size_t i = 0; f && i < ids.n; i++)
			fprintf(f, "%u\n", ids.v[i]);
		if (f)
			fclose(f);
	}
	free(times);
	free(ids.v);
	llmops_tokenizer_close(t);
	llmops_buf_release(&text);
	return 0;
}
