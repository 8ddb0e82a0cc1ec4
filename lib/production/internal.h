/*
 * ingest_internal.h - what the readers of production records share
 * (ingest_formats.c: OpenAI-style and LiteLLM; ingest_otlp.c: OTLP spans and
 * GenAI log events; ingest_join.c: spans joined to their events).  Not part
 * of lib's interface.
 */
#ifndef LLMOPS_INGEST_INTERNAL_H
#define LLMOPS_INGEST_INTERNAL_H

#include "buf.h"
#include "ingest.h"

#include <cjson/cJSON.h>
#include <stdint.h>

/* A record with nothing known: every figure unknown (NAN, -1). */
void ingest_rec_init(struct llmops_prod_record *r);
/* o's member k; NULL when o is no object, k is absent or k is null (absent, in every format). */
const cJSON *ingest_get(const cJSON *o, const char *k);
/* o's member k when it is a non-empty string, else NULL. */
const char *ingest_str(const cJSON *o, const char *k);
/* strdup(s), NULL for NULL. */
char *ingest_dup(const char *s);
/* A number, or a number written as a string; NAN otherwise. */
double ingest_num(const cJSON *v);
/* A count (0 to 1e15), else -1. */
int64_t ingest_count(const cJSON *v);
/* Milliseconds since 1970 of a time: a number of seconds, ms, us or ns (told apart by size),
   or ISO 8601 text; NAN when it is neither. */
double ingest_time_ms(const cJSON *v);
/* ISO 8601 UTC of ms since 1970 (malloc'd), NULL out of 1970-9999. */
char *ingest_iso(double ms);
/* A message content's text into b: a string, or the text parts of a list joined by newlines. */
void ingest_content_text(const cJSON *c, struct llmops_buf *b);
/* b's text (the caller's), NULL when empty; b is released. */
char *ingest_buf_take(struct llmops_buf *b);
/* v printed compactly (malloc'd), NULL for NULL. */
char *ingest_printed(const cJSON *v);
/* r's own metadata and messages (made from what they point at, when they do not own one). */
cJSON *ingest_own_metadata(struct llmops_prod_record *r);
cJSON *ingest_own_messages(struct llmops_prod_record *r);
/* m's members over r's metadata. */
void ingest_metadata_merge(struct llmops_prod_record *r, const cJSON *m);
/* r's key and case id: "id:ID", else the SHA-256 of raw[0..len). */
int ingest_identify(struct llmops_prod_record *r, const char *id, const char *raw, size_t len);

/* The records of an OTLP/JSON value (resourceSpans, resourceLogs or both) into sink. */
int ingest_otlp(const cJSON *v, const char *raw, size_t len, const struct llmops_ingest_sink *sink,
		struct llmops_err *err);
/*
 * The request messages and the answer of r (a span's record that had none)
 * from its GenAI log events ev[0..n), in the order they were emitted; those
 * r already has are kept.
 */
void ingest_otlp_apply_events(struct llmops_prod_record *r, const struct llmops_genai_event *ev,
			      size_t n);

/*
 * The join of spans that wait for their content with GenAI log events
 * (ingest_join.c).  ingest_join_new's result is the caller's
 * (ingest_join_free); labels given are borrowed and must outlive it.
 */
struct ingest_join;
struct ingest_join_out {
	/* a span's record with its events applied (borrowed for the call) */
	int (*record)(void *ud, struct llmops_prod_record *r, const char *label, long line);
	/* n events of the span key, the first read at label:line, whose span never came */
	void (*orphans)(void *ud, const char *label, long line, const char *key, long n);
	void *ud;
};
struct ingest_join *ingest_join_new(void);
/* r's contents become the join's (r is left empty). */
int ingest_join_span(struct ingest_join *j, struct llmops_prod_record *r, const char *label,
		     long line);
/* A span given on at once, whose events need no join. */
int ingest_join_seen(struct ingest_join *j, const char *key);
/* An event, copied. */
int ingest_join_event(struct ingest_join *j, const struct llmops_genai_event *e, const char *label,
		      long line);
/* Every waiting span, with its events, to out->record; events without a span to out->orphans;
 *joined counts the events that found their span. */
int ingest_join_finish(struct ingest_join *j, const struct ingest_join_out *out, long *joined);
void ingest_join_free(struct ingest_join *j);

#endif
