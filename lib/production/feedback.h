/*
 * feedback.h - what users said of production answers, as records `llmops
 * ingest` reads beside the requests themselves: a thumbs up or down, a score,
 * a label, a comment, about one production record (or every record of a
 * trace).
 *
 * Three shapes are read (each one JSON object, told apart by its members):
 *
 *  - llmops's own: {"record_id", "score" (a number) or "thumbs" ("up",
 *    "down", true, false, 1, 0, -1), "name", "comment", "timestamp", "id"};
 *  - a Langfuse score, as its API lists them (GET /api/public/scores) and its
 *    exports write them: {"id", "traceId", "observationId", "name", "value",
 *    "stringValue", "dataType" (NUMERIC, BOOLEAN, CATEGORICAL), "comment",
 *    "timestamp"}; a list page {"data": [...], "meta": {...}} holds several;
 *  - a LangSmith feedback (its "feedback data format"): {"id", "run_id",
 *    "trace_id", "key", "score", "value", "comment", "created_at"}.
 *
 * A feedback is about the record whose id is record_id (the id ingest gives
 * a record: its own "id", an OTLP span's "TRACEID-SPANID", ...); a Langfuse
 * score of a whole trace (no observationId) and a LangSmith feedback with
 * only a trace_id are about every record of that trace as well.
 */
#ifndef LLMOPS_FEEDBACK_H
#define LLMOPS_FEEDBACK_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* One feedback as read.  Owned by the struct: llmops_feedback_release(). */
struct llmops_feedback {
	char *key;	    /* "SOURCE:ID", else "sha256:HEX" of its bytes: the same again */
	const char *source; /* "llmops", "langfuse" or "langsmith" (static) */
	char *record_id;    /* the record it is about */
	char *trace_id;	    /* and every record of this trace; NULL: only record_id */
	char *name;	    /* what was rated; "" when the feedback does not say */
	double value;	    /* the score (thumbs up 1, down 0); NAN: a label only */
	char *label;	    /* a categorical value; NULL: none */
	char *comment;	    /* NULL: none */
	char *at;	    /* when it was given (ISO 8601 UTC, ms); NULL: not said */
	char *bad;	    /* why it is refused (a message); NULL: it is not */
};

/* Values a feedback may hold: a score's magnitude at most this. */
#define LLMOPS_FEEDBACK_VALUE_MAX 1e9

/*
 * Whether v (raw[0..len) its text, hashed for a feedback without an id) is a
 * feedback: 1 and *f filled (f->bad set when it is one that cannot be kept:
 * no record, no score, a value or time that is none), 0 when it is not one
 * (*f untouched), -1 when out of memory.
 */
int llmops_feedback_read(const cJSON *v, const char *raw, size_t len, struct llmops_feedback *f);
/* Whether v is a Langfuse list page {"data": [scores], "meta": {...}}: its data array, or NULL. */
const cJSON *llmops_feedback_page(const cJSON *v);
void llmops_feedback_release(struct llmops_feedback *f);

#endif
