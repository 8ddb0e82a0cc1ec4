/*
 * feedbackdb.h - feedback on production records in the ledger (schema 8's
 * feedback table): kept as ingest reads it, read back per prompt version and
 * model by `llmops stats --feedback` and by the canary.
 *
 * A feedback row names the record it is about by the record's id; it may come
 * before the record does.  The join is made when it is read: a row is about
 * the production result whose record_key is "id:" record_id, and, when it
 * has a trace_id, every result whose key is "id:" trace_id "-" SPAN.
 *
 * Ownership: the structs are the caller's; llmops_feedback_stats_release()
 * frees what one holds.
 */
#ifndef LLMOPS_FEEDBACKDB_H
#define LLMOPS_FEEDBACKDB_H

#include "ledger.h"

/* One feedback to keep.  Strings are borrowed; NULL means absent. */
struct llmops_feedback_row {
	const char *key;       /* required: "SOURCE:ID" or "sha256:HEX" */
	const char *source;    /* required: "llmops", "langfuse" or "langsmith" */
	const char *record_id; /* required */
	const char *trace_id, *name, *label, *comment;
	const char *at; /* when it was given (ISO 8601 UTC); NULL: not said (the time of
			   ingest when new; kept as it was when the same feedback comes again) */
	double value;	/* NAN: none */
};

enum llmops_feedback_outcome {
	LLMOPS_FEEDBACK_PRESENT = 0, /* the same key with the same content: nothing changed */
	LLMOPS_FEEDBACK_ADDED = 1,
	LLMOPS_FEEDBACK_UPDATED = 2, /* the same key, changed (a re-export after an edit) */
};

/*
 * Keep f: added, or replacing what the same key held (the later ingest wins),
 * *outcome says which.  Grouped into transactions as llmops_ledger_set_batch()
 * says, with the production records of the same ingest.
 */
int llmops_ledger_feedback_put(struct llmops_ledger *lg, const struct llmops_feedback_row *f,
			       int *outcome, struct llmops_err *err);

/* The feedback on one prompt version and model's production records. */
struct llmops_feedback_group {
	char *prompt, *version, *model; /* NULL: unknown (unattributed, no model) */
	long records;			/* production records answered in the window */
	long rated;			/* of them, those with feedback */
	long feedback;			/* feedback on them (a record may have several) */
	long scored;			/* of the feedback, those with a value */
	double rate;			/* rated / records; NAN without records */
	double mean, sd;		/* of the values; NAN without any */
	long up, down;			/* values of 1 and of 0 (thumbs and booleans among them) */
};

struct llmops_feedback_stats {
	struct llmops_feedback_group *groups; /* sorted by prompt, version, model */
	size_t n;
	struct llmops_feedback_group total;
	long feedback_rows; /* every feedback in the ledger */
	long unmatched;	    /* of them, those about no production record in the ledger */
};

/* The feedback on production records answered at or after since (NULL: all), name its
   feedback name only (NULL: every name). */
int llmops_ledger_feedback_stats(struct llmops_ledger *lg, const char *since, const char *name,
				 struct llmops_feedback_stats *out, struct llmops_err *err);
void llmops_feedback_stats_release(struct llmops_feedback_stats *s);

/* The SQL of the matches (rid: a result's id, value: the feedback's value, name its name):
   for queries of the ledger modules. */
extern const char llmops_feedback_matches_sql[];

#endif
