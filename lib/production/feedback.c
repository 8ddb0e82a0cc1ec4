/*
 * feedback.c - feedback records read in llmops's, Langfuse's and LangSmith's
 * shapes (feedback.h).
 */
#include "feedback.h"

#include "internal.h"

#include "hash.h"
#include "mem.h"
#include "textsafe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void llmops_feedback_release(struct llmops_feedback *f)
{
	LLMOPS_FREE_ALL(f->key, f->record_id, f->trace_id, f->name, f->label, f->comment, f->at,
			f->bad);
	memset(f, 0, sizeof(*f));
}

const cJSON *llmops_feedback_page(const cJSON *v)
{
	const cJSON *d = ingest_get(v, "data");
	return cJSON_IsArray(d) && cJSON_IsObject(ingest_get(v, "meta")) ? d : NULL;
}

/* Set f->bad (the first reason wins); -1 when out of memory. */
static int refuse(struct llmops_feedback *f, const char *fmt, const char *arg)
{
	char why[200];
	if (f->bad)
		return 0;
	snprintf(why, sizeof(why), fmt, arg ? arg : "");
	return (f->bad = strdup(why)) ? 0 : -1;
}

/* A thumbs: "up" / "down", true / false, 1 / 0 / -1; NAN when it is none of them. */
static double thumbs_of(const cJSON *t)
{
	if (cJSON_IsBool(t))
		return cJSON_IsTrue(t) ? 1 : 0;
	if (cJSON_IsNumber(t))
		return t->valuedouble == 1			     ? 1
		       : t->valuedouble == 0 || t->valuedouble == -1 ? 0
								     : NAN;
	if (cJSON_IsString(t)) {
		static const char *const up[] = {"up", "thumbs_up", "+1", "positive", "good"};
		static const char *const down[] = {"down", "thumbs_down", "-1", "negative", "bad"};
		for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
			if (!strcasecmp(t->valuestring, up[i]))
				return 1;
			if (!strcasecmp(t->valuestring, down[i]))
				return 0;
		}
	}
	return NAN;
}

/* A score: a number, or true / false (1 / 0); NAN for anything else. */
static double score_of(const cJSON *s)
{
	return cJSON_IsBool(s)	   ? (cJSON_IsTrue(s) ? 1 : 0)
	       : cJSON_IsNumber(s) ? s->valuedouble
				   : NAN;
}

/* Which shape v has: 1 llmops, 2 Langfuse, 3 LangSmith; 0 none. */
static int shape_of(const cJSON *v)
{
	if (!cJSON_IsObject(v) || ingest_get(v, "request") || ingest_get(v, "response"))
		return 0;
	if (ingest_str(v, "record_id") && (ingest_get(v, "score") || ingest_get(v, "thumbs")))
		return 1;
	if (ingest_str(v, "traceId") && ingest_str(v, "name") &&
	    (ingest_get(v, "value") || ingest_get(v, "stringValue") || ingest_get(v, "dataType")))
		return 2;
	if ((ingest_str(v, "run_id") || ingest_str(v, "trace_id")) && ingest_str(v, "key") &&
	    !ingest_get(v, "inputs") && !ingest_get(v, "outputs") &&
	    (ingest_get(v, "score") || ingest_get(v, "value") || ingest_get(v, "comment") ||
	     ingest_get(v, "correction")))
		return 3;
	return 0;
}

/* The value (and label) of each shape; a value that is there and is none refuses f. */
static int value_of(const cJSON *v, int shape, struct llmops_feedback *f)
{
	const cJSON *x;
	f->value = NAN;
	if (shape == 1) {
		if ((x = ingest_get(v, "score"))) {
			if (isnan(f->value = score_of(x)))
				return refuse(f, "its score is not a number", NULL);
		} else if (isnan(f->value = thumbs_of(ingest_get(v, "thumbs")))) {
			return refuse(f, "its thumbs is none of up, down, true, false, 1, 0, -1",
				      NULL);
		}
	} else if (shape == 2) {
		const char *type = ingest_str(v, "dataType");
		const char *sv = ingest_str(v, "stringValue");
		x = ingest_get(v, "value");
		if (type && !strcmp(type, "CATEGORICAL")) {
			sv = sv ? sv : cJSON_IsString(x) ? x->valuestring : NULL;
			if (sv && !(f->label = strdup(sv)))
				return -1;
			if (cJSON_IsNumber(x))
				f->value = x->valuedouble;
			if (!f->label && isnan(f->value))
				return refuse(f, "a CATEGORICAL score without a value", NULL);
		} else if (type && strcmp(type, "NUMERIC") && strcmp(type, "BOOLEAN")) {
			return refuse(
				f, "its dataType '%.40s' is none of NUMERIC, BOOLEAN, CATEGORICAL",
				type);
		} else if (isnan(f->value = score_of(x))) {
			return refuse(f, "its value is not a number", NULL);
		} else if (type && !strcmp(type, "BOOLEAN") && f->value != 0 && f->value != 1) {
			return refuse(f, "a BOOLEAN score that is neither 0 nor 1", NULL);
		}
	} else {
		const cJSON *s = ingest_get(v, "score");
		x = ingest_get(v, "value");
		if (s && isnan(f->value = score_of(s)))
			return refuse(f, "its score is not a number", NULL);
		if (cJSON_IsString(x) && x->valuestring[0] && !(f->label = strdup(x->valuestring)))
			return -1;
		if (!s && cJSON_IsNumber(x))
			f->value = x->valuedouble;
		if (isnan(f->value) && !f->label && !ingest_str(v, "comment"))
			return refuse(f, "a feedback with no score, value or comment", NULL);
	}
	if (!isnan(f->value) && !(fabs(f->value) <= LLMOPS_FEEDBACK_VALUE_MAX))
		return refuse(f, "its score is out of range (at most 1e9 either way)", NULL);
	return 0;
}

/* What the feedback is about, for each shape. */
static int target_of(const cJSON *v, int shape, struct llmops_feedback *f)
{
	const char *rec = NULL, *trace = NULL;
	if (shape == 1) {
		rec = ingest_str(v, "record_id");
	} else if (shape == 2) {
		const char *obs = ingest_str(v, "observationId"), *t = ingest_str(v, "traceId");
		if (obs) { /* a span: the record an OTLP span becomes, "TRACEID-SPANID" */
			size_t n = strlen(t) + strlen(obs) + 2;
			if (!(f->record_id = malloc(n)))
				return -1;
			snprintf(f->record_id, n, "%s-%s", t, obs);
		} else {
			rec = trace = t;
		}
	} else {
		rec = ingest_str(v, "run_id");
		if (!rec)
			rec = trace = ingest_str(v, "trace_id");
	}
	if ((rec && !(f->record_id = strdup(rec))) || (trace && !(f->trace_id = strdup(trace))))
		return -1;
	const char *p = llmops_label_problem(f->record_id, strlen(f->record_id));
	return p ? refuse(f, "its record id has %s", p) : 0;
}

/* Its id and name are kept as names of one line (ledger vet holds the ledger to that). */
static int names_ok(struct llmops_feedback *f)
{
	const char *p;
	if ((p = llmops_label_problem(f->key, strlen(f->key))))
		return refuse(f, "its id has %s", p);
	if ((p = llmops_label_problem(f->name, strlen(f->name))))
		return refuse(f, "its name has %s", p);
	return 0;
}

int llmops_feedback_read(const cJSON *v, const char *raw, size_t len, struct llmops_feedback *f)
{
	static const char *const sources[] = {"", "llmops", "langfuse", "langsmith"};
	static const char *const names[] = {"", "name", "name", "key"};
	static const char *const times[] = {"", "timestamp", "timestamp", "created_at"};
	int shape = shape_of(v);
	if (!shape)
		return 0;
	memset(f, 0, sizeof(*f));
	f->source = sources[shape];
	const char *id = ingest_str(v, "id"), *name = ingest_str(v, names[shape]);
	const char *comment = ingest_str(v, "comment");
	if (id) {
		size_t n = strlen(f->source) + strlen(id) + 2;
		if (!(f->key = malloc(n)))
			goto nomem;
		snprintf(f->key, n, "%s:%s", f->source, id);
	} else {
		char hex[LLMOPS_SHA256_HEX_LEN + 1];
		if (llmops_sha256_hex(hex, raw, len) || !(f->key = malloc(8 + sizeof(hex))))
			goto nomem;
		snprintf(f->key, 8 + sizeof(hex), "sha256:%s", hex);
	}
	if (!(f->name = strdup(name ? name : "")) || (comment && !(f->comment = strdup(comment))) ||
	    target_of(v, shape, f) || value_of(v, shape, f) || names_ok(f))
		goto nomem;
	const cJSON *t = ingest_get(v, times[shape]);
	if (t && !(cJSON_IsString(t) && !t->valuestring[0])) {
		double ms = ingest_time_ms(t);
		if (!(f->at = ingest_iso(ms)) &&
		    refuse(f, "its time '%.60s' is not a time (ISO 8601, or seconds since 1970)",
			   cJSON_IsString(t) ? t->valuestring : "(not text)"))
			goto nomem;
	}
	return 1;
nomem:
	llmops_feedback_release(f);
	return -1;
}
