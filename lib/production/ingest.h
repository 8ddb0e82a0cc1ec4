/*
 * ingest.h - production request/response records into the ledger
 * (`llmops ingest`).
 *
 * Three shapes of record are read, each one JSON object (JSONL: one a line;
 * a file may also be one whole JSON document):
 *
 *  - llmops's own, OpenAI-style: {"id", "request": {a chat completions
 *    request body}, "response": {a chat completions response body, or an
 *    Anthropic Messages one}, "latency_ms", "ttft_ms", "timestamp",
 *    "metadata": {...}, "cost_usd", "provider", "reference", "error"}; an
 *    OpenAI Batch output line ({"custom_id", "response": {"status_code",
 *    "body"}, "error"}) has the same fields one level down.
 *  - OTLP/JSON traces (an ExportTraceServiceRequest: {"resourceSpans": ...})
 *    whose spans carry the OpenTelemetry GenAI semantic conventions
 *    (gen_ai.request.model, gen_ai.usage.input_tokens, gen_ai.input.messages,
 *    gen_ai.prompt.N.content, ...): what `llmops export --format otlp` and a
 *    collector's file exporter write.  Spans without gen_ai attributes are
 *    another operation's and are ignored (counted).
 *  - LiteLLM's StandardLoggingPayload (its logging callbacks, one object a
 *    line) and rows of its LiteLLM_SpendLogs table exported as JSON
 *    (request_id, spend, startTime, messages, response, ...).
 *
 * Every record becomes one struct llmops_prod_record; the driver
 * (llmops_ingest_stream) attributes it, counts and prices what it lacks and
 * stores it (ledger_prod.c).  lib never prints: problems go to a callback.
 */
#ifndef LLMOPS_INGEST_H
#define LLMOPS_INGEST_H

#include "error.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

struct llmops_ledger;
struct llmops_pricing;
struct llmops_attrib;

/* One production request, as read.  Owned by the record (llmops_prod_record_release). */
struct llmops_prod_record {
	char *key;	/* "id:ID" or "sha256:HEX": what makes it the same record again */
	char *id;	/* the case id: the record's id, else the first 16 hex of its hash */
	char *at;	/* ISO 8601 UTC with ms: when it was answered; NULL: unknown */
	char *bad_time; /* a time the record gives that is none (its text): it is refused */
	char *provider, *model; /* NULL: unknown */
	const cJSON *messages;	/* the request's messages (OpenAI's shape); NULL: none */
	char *output;		/* the answer's text (tool calls as JSON when no text); NULL */
	char *expected;		/* a reference answer the record carries; NULL */
	char *error;		/* why the request failed; NULL: it was answered */
	const cJSON *metadata;	/* the application's tags (an object); NULL: none */
	/* messages and metadata point into the value read, or at these when they were built
	   for the record (owned) */
	cJSON *own_messages, *own_metadata;
	double latency_ms, ttft_ms, cost_usd; /* NAN: unknown */
	int64_t tokens_in, tokens_out;	      /* -1: unknown */
	int64_t cached_in;		      /* cache-read input tokens; 0 when unknown */
	int cache_hit;			      /* 1: the gateway answered from its cache */
};

void llmops_prod_record_release(struct llmops_prod_record *r);

/*
 * What a record may hold, beyond which it is refused (a problem at its line, never
 * stored): a cost of 0 to LLMOPS_INGEST_COST_MAX USD, latencies of 0 to
 * LLMOPS_INGEST_LATENCY_MAX_MS (a week), a time that reads as one, text in valid
 * UTF-8 without \u0000, and at most LLMOPS_INGEST_RECORD_MAX bytes of JSON (a line,
 * or an element of an array of records).
 */
#define LLMOPS_INGEST_COST_MAX	     1e6
#define LLMOPS_INGEST_LATENCY_MAX_MS 604800000.0
#define LLMOPS_INGEST_RECORD_MAX     (16u << 20)

/* The input formats; detection is per record (a file may mix them). */
enum llmops_ingest_format {
	LLMOPS_INGEST_AUTO = 0,
	LLMOPS_INGEST_OPENAI,	/* llmops's JSONL shape and OpenAI Batch output */
	LLMOPS_INGEST_OTLP,	/* OTLP/JSON spans with GenAI attributes */
	LLMOPS_INGEST_LITELLM,	/* LiteLLM StandardLoggingPayload or SpendLogs rows */
	LLMOPS_INGEST_FEEDBACK, /* feedback records only (feedback.h) */
};

/* "auto", "openai", "otlp", "litellm", "feedback" -> the enum; -1 when unknown. */
int llmops_ingest_format_parse(const char *s);

/*
 * The records in one JSON value v (an object, from a line or a whole file):
 * fn is called with each (borrowed for the call) in order.  raw[0..len) is
 * the value's text (hashed for records without an id).  *ignored is
 * incremented for OTLP spans of other operations.  A record that cannot be
 * read is an LLMOPS_E_INPUT error saying why (for OTLP, which span); the
 * records before it were given to fn already.  fn's non-zero return stops.
 */
typedef int (*llmops_prod_fn)(struct llmops_prod_record *r, void *ud);
int llmops_ingest_value(const cJSON *v, const char *raw, size_t len, int format, llmops_prod_fn fn,
			void *ud, long *ignored, struct llmops_err *err);

/*
 * One GenAI log event of an OTLP/JSON logs request (gen_ai.user.message,
 * gen_ai.choice, gen_ai.client.inference.operation.details, ...), borrowed for
 * the call: the official OpenTelemetry instrumentations write the messages of
 * a request there, joined to its span by trace and span id.
 */
struct llmops_genai_event {
	const char *span_key; /* "TRACEID-SPANID": the id of its span's record */
	const char *name;     /* the event's name */
	long long time_ns;    /* timeUnixNano, else observedTimeUnixNano; 0: unknown */
	const cJSON *body;    /* the body, its AnyValue as JSON; NULL: none */
	const cJSON *attrs;   /* the attributes as one object (never NULL) */
};

/* Where the records of a value go (llmops_ingest_value_to). */
struct llmops_ingest_sink {
	llmops_prod_fn record; /* a record, whole */
	/* an OTLP span whose messages or answer may be in log events: r's contents are the
	   callee's (r is left empty); NULL: such spans go to record at once */
	int (*span)(struct llmops_prod_record *r, void *ud);
	/* a span given to record that had its content: its log events need no join */
	int (*seen)(const char *span_key, void *ud);
	/* a GenAI log event; NULL: ignored */
	int (*event)(const struct llmops_genai_event *e, void *ud);
	void *ud;
	long *ignored; /* spans and log records that are not GenAI's (NULL: not counted) */
};

/* llmops_ingest_value with spans and log events to be joined (sink). */
int llmops_ingest_value_to(const cJSON *v, const char *raw, size_t len, int format,
			   const struct llmops_ingest_sink *sink, struct llmops_err *err);

/* What an ingest did. */
struct llmops_ingest_stats {
	long read;	   /* records read (malformed ones included) */
	long added;	   /* new in the ledger */
	long present;	   /* already there (the same id, or the same bytes) */
	long malformed;	   /* reported and skipped */
	long ignored;	   /* OTLP spans and log records that are not GenAI's */
	long events;	   /* GenAI log events joined to their spans */
	long orphaned;	   /* GenAI log events whose span was in no file (reported, not stored) */
	long reattributed; /* records kept unattributed before, attributed now */
	long by_tag;	   /* attributed by llmops.prompt / llmops.version tags */
	long by_text;	   /* attributed by matching a pinned version's text */
	long unattributed; /* kept with no prompt */
	long counted;	   /* tokens counted here (the record had none) */
	long priced;	   /* cost priced here (the record had none) */
	long unpriced;	   /* no cost in the record and a model the price table lacks */
	long errors;	   /* records of failed requests */
	long runs;	   /* production runs added to */
	/* feedback records (feedback.h), counted in read and malformed as well */
	long feedback;	       /* new in the ledger */
	long feedback_updated; /* the same feedback again, changed: the later one kept */
	long feedback_present; /* the same feedback again, unchanged */
};

/* Called for each malformed record: where it is (file, line from 1) and why. */
typedef void (*llmops_ingest_problem_fn)(void *ud, const char *file, long line, const char *why);

struct llmops_ingest_opts {
	int format;			      /* enum llmops_ingest_format */
	const struct llmops_attrib *attrib;   /* pinned versions to match text against; NULL */
	const struct llmops_pricing *pricing; /* for records without a cost; NULL: none */
	const char *command;		      /* the command line, for the runs' record */
	llmops_ingest_problem_fn problem;
	void *problem_ud;
	/* progress: called every 65,536 records with the count so far; NULL */
	void (*progress)(void *ud, long read);
	void *progress_ud;
};

/* An ingest in progress over one ledger.  Owned by the caller: llmops_ingest_finish(). */
struct llmops_ingest;

int llmops_ingest_start(struct llmops_ingest **out, struct llmops_ledger *lg,
			const struct llmops_ingest_opts *opts, struct llmops_err *err);
/*
 * Read every record of f (label: its name in problems), streaming: a line at
 * a time, or, when the first line is not a whole JSON value, the file as one
 * document.  Malformed records go to opts->problem and are counted; the
 * return is non-zero only for what stops the ingest (the ledger, memory, a
 * read error).
 */
int llmops_ingest_file(struct llmops_ingest *in, FILE *f, const char *label,
		       struct llmops_err *err);
/* Commit, bring the runs added to up to date, copy the counts to *st and free in (NULL: no-op).
   With a non-zero rc (the ingest failed), what was committed stays and nothing else is done. */
int llmops_ingest_finish(struct llmops_ingest *in, int rc, struct llmops_ingest_stats *st,
			 struct llmops_err *err);

#endif
