/*
 * incident.h - a failed result or a production record made into a dataset
 * case (`llmops dataset add --from`): how an incident becomes a regression
 * case.
 */
#ifndef LLMOPS_INCIDENT_H
#define LLMOPS_INCIDENT_H

#include "error.h"
#include "ledger.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct llmops_incident_opts {
	const char *source;   /* RUN:CASE (a run as `show` names it, a case id), or a
				 production record key: id:ID or sha256:HEX */
	const char *expected; /* NULL: an accepted review's output, else the record's
				 reference or the case's own expected */
	const char *id;	      /* NULL: the case's id, or prod-KEY for a record */
};

/* Where the case came from, for the caller to say. */
struct llmops_incident_from {
	char run[64];	    /* the run's id; "" for a record */
	char case_id[256];  /* the case (or the record's case) id */
	char record[300];   /* the record key; "" for a result */
	int passed;	    /* the result's: 1, 0, LLMOPS_ERRORED, LLMOPS_SKIPPED */
	char expected[32];  /* "--expected", "review N", "reference", "the case" */
	char dataset[4096]; /* a result's: the dataset version its case came from */
	char version[16];   /* "work tree" or the commit (12 hex) of that version */
};

/*
 * The case o->source names, as a JSON object for llmops_dataset_append() (*out, the
 * caller's: cJSON_Delete it).  A result's case is its dataset's own, read from the
 * version the run recorded (the work tree's file when its SHA-256 matches, else the
 * commit of the file's history that does), without its recorded "output"; a record's
 * case holds the request's messages.  Errors: LLMOPS_E_USAGE (a malformed source, no
 * expected answer to give the case), LLMOPS_E_NOTFOUND (no such run, case, record, or
 * dataset version), LLMOPS_E_NOMEM.
 */
int llmops_incident_case(struct llmops_ledger *lg, struct llmops_store *s,
			 const struct llmops_incident_opts *o, cJSON **out,
			 struct llmops_incident_from *from, struct llmops_err *err);

#endif
