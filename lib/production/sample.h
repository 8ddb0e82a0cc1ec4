/*
 * sample.h - `llmops eval --production`: a reproducible sample of the
 * ledger's answered production records written as a dataset (JSONL under
 * ROOT/.llmops/production/, named by prompt, version and content hash, so
 * the same sample is the same file and the same dataset in the ledger),
 * each case with its messages, the answer production gave (replayed), what
 * it took, cost and held, its reference when it has one, and the
 * assertions given for every record.
 */
#ifndef LLMOPS_PRODUCTION_SAMPLE_H
#define LLMOPS_PRODUCTION_SAMPLE_H

#include "error.h"
#include "ledger.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct llmops_prod_sample_opts {
	struct llmops_prod_filter filter; /* prompt, version, since (NULL: any) */
	size_t n;			  /* at most this many records */
	uint64_t seed;			  /* the same seed, the same sample */
	const cJSON *asserts;		  /* an array for every case; NULL: none */
	int have_metrics;		  /* metrics were named: records need no reference */
	const char *root;		  /* the project the sample goes under */
};

struct llmops_prod_sample {
	char *path;	   /* owned: the dataset written */
	size_t n;	   /* records in it */
	size_t population; /* records the filter matched */
};

/*
 * Sample and write.  Errors: LLMOPS_E_USAGE (no answered record matches;
 * records with nothing to be scored by: no assertions, no metric, no
 * reference), LLMOPS_E_IO, the ledger's.  Release out with
 * llmops_prod_sample_release() whatever this returns.
 */
int llmops_prod_sample_write(struct llmops_ledger *lg, const struct llmops_prod_sample_opts *o,
			     struct llmops_prod_sample *out, struct llmops_err *err);
void llmops_prod_sample_release(struct llmops_prod_sample *s);

#endif
