/*
 * export.h - the ledger's results for other tools (`llmops export`):
 * Prometheus counters and histograms by prompt, version, model, provider and
 * source; one OpenTelemetry span per request with the GenAI semantic
 * conventions' attributes (OTLP/JSON); CSV and JSONL rows with their run.
 */
#ifndef LLMOPS_VIEW_EXPORT_H
#define LLMOPS_VIEW_EXPORT_H

#include "error.h"
#include "httppost.h"
#include "ledger.h"
#include "strlist.h"

#include <stdio.h>

enum llmops_export_format {
	LLMOPS_EXPORT_PROMETHEUS,
	LLMOPS_EXPORT_OTLP,
	LLMOPS_EXPORT_CSV,
	LLMOPS_EXPORT_JSONL,
};

struct llmops_export {
	int format;	    /* enum llmops_export_format */
	const char *since;  /* the ledger's timestamp: runs started then or later; NULL: all */
	const char *run_id; /* one run's results; NULL: every run's */
	FILE *f;	    /* where it is written (not used when post is set) */
	const struct llmops_post
		*post; /* OTLP only: POST batches of 1,000 spans here; NULL: write */
	/* filled in */
	long sent, posts; /* spans written or POSTed, and the POSTs */
	int post_failed;  /* a POST failed (err says why; sent were taken before it) */
};

/*
 * Write (or POST) the results x selects as x->format.  0, or an error:
 * LLMOPS_E_NOMEM, LLMOPS_E_IO (writing f), the ledger's, or the POST's.
 */
int llmops_export_write(struct llmops_ledger *lg, struct llmops_export *x, struct llmops_err *err);

/* The collector's traces URL: base as given when it ends in /v1/traces, else base +
   /v1/traces (into out[0..n)). */
void llmops_otlp_traces_url(const char *base, char *out, size_t n);
/* OTEL_EXPORTER_OTLP_HEADERS' "k=v,k2=v2" (spec; NULL: none) as "k: v" lines appended to
   out.  0, or -1 when out of memory. */
int llmops_otlp_headers(const char *spec, struct llmops_strlist *out);

#endif
