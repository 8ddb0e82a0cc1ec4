/*
 * ingest.c - production records into the ledger (ingest.h): reading files
 * a line at a time, attributing, counting and pricing what records lack,
 * storing them in production runs.
 */
#include "ingest.h"

#include "attrib.h"
#include "internal.h"
#include "buf.h"
#include "feedback.h"
#include "feedbackdb.h"
#include "json.h"
#include "ledger.h"
#include "models.h"
#include "pricing.h"
#include "promptref.h"
#include "redact.h"
#include "runid.h"
#include "since.h"
#include "textsafe.h"
#include "tokenizer.h"
#include "utf8.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Results per transaction: large enough that commits cost little. */
#define INGEST_BATCH 8192

struct run_slot {
	char *key; /* day, prompt, version, provider, model joined by \x1f */
	char id[LLMOPS_RUNID_LEN + 1];
};

struct llmops_ingest {
	struct llmops_ledger *lg;
	struct llmops_ingest_opts o;
	struct llmops_ingest_stats st;
	struct run_slot *runs;
	size_t nruns, capruns, last;
	struct llmops_tokenizer *tok[2]; /* o200k_base, cl100k_base: opened when needed */
	struct llmops_buf key;
	const char *model; /* the model priced last (borrowed from pricing's table: price) */
	const struct llmops_price *price;
	const char *label;	  /* the file being read */
	long line;		  /* its line of the record being read */
	char now[32];		  /* the time of records that do not say when they were answered */
	struct ingest_join *join; /* OTLP spans waiting for their log events; NULL: none yet */
	struct llmops_err *err;
};

int llmops_ingest_start(struct llmops_ingest **out, struct llmops_ledger *lg,
			const struct llmops_ingest_opts *opts, struct llmops_err *err)
{
	struct llmops_ingest *in = calloc(1, sizeof(*in));
	uint64_t ms = llmops_now_ms();
	*out = NULL;
	if (!in)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	in->lg = lg;
	in->o = *opts;
	llmops_time_iso(in->now, ms);
	llmops_ledger_set_batch(lg, INGEST_BATCH);
	*out = in;
	return 0;
}

static const char *tag(const cJSON *md, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, a);
	if (!cJSON_IsString(v) || !v->valuestring[0])
		v = cJSON_GetObjectItemCaseSensitive(md, b);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static void problem(struct llmops_ingest *in, long line, const char *why)
{
	in->st.malformed++;
	if (in->o.problem)
		in->o.problem(in->o.problem_ud, in->label, line, why);
}

/* Room for one more run slot. */
static int room_for_run(struct llmops_ingest *in)
{
	if (in->nruns < in->capruns)
		return 0;
	size_t nc = in->capruns ? 2 * in->capruns : 16;
	struct run_slot *nr = realloc(in->runs, nc * sizeof(*nr));
	if (!nr)
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	in->runs = nr;
	in->capruns = nc;
	return 0;
}

/* The run of this record's day, prompt version, provider and model. */
static int run_for(struct llmops_ingest *in, const struct llmops_prod_run_key *k, const char **id)
{
	struct llmops_buf *b = &in->key;
	llmops_buf_reset(b);
	llmops_buf_addf(b, "%s\x1f%s\x1f%s\x1f%s\x1f%s", k->day, k->prompt ? k->prompt : "\x02",
			k->version ? k->version : "\x02", k->provider ? k->provider : "\x02",
			k->model ? k->model : "\x02");
	if (in->nruns && !strcmp(in->runs[in->last].key, b->data)) {
		*id = in->runs[in->last].id;
		return 0;
	}
	for (size_t i = 0; i < in->nruns; i++) {
		if (!strcmp(in->runs[i].key, b->data)) {
			in->last = i;
			*id = in->runs[i].id;
			return 0;
		}
	}
	if (room_for_run(in))
		return LLMOPS_E_NOMEM;
	struct run_slot *s = &in->runs[in->nruns];
	int rc = llmops_ledger_prod_run(in->lg, k, in->o.command, s->id, in->err);
	if (rc)
		return rc;
	if (!(s->key = strdup(b->data)))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	in->last = in->nruns++;
	*id = s->id;
	return 0;
}

/* A run records left (moved to their version's run): finished again with the others. */
static int refinish(struct llmops_ingest *in, const char *run_id)
{
	struct llmops_buf *b = &in->key;
	llmops_buf_reset(b);
	llmops_buf_addf(b, "\x03left\x1f%s", run_id); /* a key no record's run has */
	for (size_t i = 0; i < in->nruns; i++)
		if (!strcmp(in->runs[i].key, b->data) || !strcmp(in->runs[i].id, run_id))
			return 0;
	if (room_for_run(in))
		return LLMOPS_E_NOMEM;
	struct run_slot *s = &in->runs[in->nruns];
	if (!(s->key = strdup(b->data)))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	snprintf(s->id, sizeof(s->id), "%s", run_id);
	in->nruns++;
	return 0;
}

/* Count what the record lacks with the model's tokenizer; price what it did not cost. */
static int count_and_price(struct llmops_ingest *in, struct llmops_prod_record *r)
{
	struct llmops_model_tokens mt;
	const struct llmops_price *pr = NULL;
	struct llmops_err e = {0};
	int counted = 0;
	if ((r->tokens_in < 0 || r->tokens_out < 0) && r->model &&
	    llmops_model_tokens(r->model, r->provider, &mt)) {
		int k = strcmp(mt.encoding, "o200k_base") ? 1 : 0;
		if (!in->tok[k] && llmops_tokenizer_open(&in->tok[k], mt.encoding, in->err))
			return in->err->code;
		if (r->tokens_in < 0 && r->messages) {
			struct llmops_chat_count cc;
			if (!llmops_count_chat_ex(in->tok[k], &mt, r->messages, &cc, &e)) {
				r->tokens_in = cc.total;
				counted = 1;
			}
		}
		if (r->tokens_out < 0 && r->output && !r->error) {
			size_t n = 0;
			if (!llmops_tokenize(in->tok[k], r->output, strlen(r->output),
					     LLMOPS_TOK_LOSSY, "output", NULL, &n, &e)) {
				r->tokens_out = (int64_t)n;
				counted = 1;
			}
		}
	}
	in->st.counted += counted;
	if (!isnan(r->cost_usd))
		return 0;
	if (in->o.pricing && r->model && r->tokens_in >= 0 && in->model &&
	    !strcmp(in->model, r->model)) {
		pr = in->price; /* the same model as the record before */
	} else if (in->o.pricing && r->model && r->tokens_in >= 0 &&
		   !llmops_pricing_find(in->o.pricing, r->model, &pr, &e)) {
		free((char *)in->model);
		in->model = strdup(r->model);
		in->price = in->model ? pr : NULL;
	}
	if (pr) {
		/* at the hour it was answered (ISO 8601: HH:MM at 11 and 14) */
		const char *at = r->at ? r->at : in->now;
		int minute = strlen(at) >= 16 ? ((at[11] - '0') * 10 + at[12] - '0') * 60 +
							(at[14] - '0') * 10 + at[15] - '0'
					      : -1;
		r->cost_usd = llmops_price_request_at(
			pr, (double)r->tokens_in, (double)r->cached_in,
			(double)(r->tokens_out > 0 ? r->tokens_out : 0), minute);
		in->st.priced++;
	} else {
		in->st.unpriced++;
	}
	return 0;
}

/* What makes a record impossible (the message into why[n]); 0 when it is not.  Names become
   runs' names, file names (eval --production) and words shells complete; figures are summed
   into budgets and percentiles, so a negative or absurd one is refused, not kept. */
static int record_problem(const struct llmops_prod_record *r, const char *prompt,
			  const char *version, char *why, size_t n)
{
	const char *p;
	if (r->bad_time) {
		snprintf(why, n, "its time '%.60s' is not a time (ISO 8601, or seconds since 1970)",
			 r->bad_time);
		return 1;
	}
	if (!isnan(r->cost_usd) && !(r->cost_usd >= 0 && r->cost_usd <= LLMOPS_INGEST_COST_MAX)) {
		snprintf(why, n, "its cost %.6g is not a cost (0 to %g USD a request)", r->cost_usd,
			 LLMOPS_INGEST_COST_MAX);
		return 1;
	}
	const char *lw[] = {"latency", "time to first token"};
	const double lv[] = {r->latency_ms, r->ttft_ms};
	for (size_t i = 0; i < 2; i++)
		if (!isnan(lv[i]) && !(lv[i] >= 0 && lv[i] <= LLMOPS_INGEST_LATENCY_MAX_MS)) {
			snprintf(why, n, "its %s %.6g ms is not one (0 to %.0f ms)", lw[i], lv[i],
				 LLMOPS_INGEST_LATENCY_MAX_MS);
			return 1;
		}
	if (prompt && llmops_prompt_name_check(prompt, "prompt name", NULL)) {
		snprintf(why, n, "llmops.prompt: '%.80s' is not a prompt name", prompt);
		return 1;
	}
	if (version && llmops_version_tag_check(version)) {
		snprintf(
			why, n,
			"llmops.version: '%.80s' is not a version (vMAJOR.MINOR.PATCH, or letters, "
			"digits and ._+-)",
			version);
		return 1;
	}
	const char *what[] = {"id", "provider", "model"};
	const char *val[] = {r->id, r->provider, r->model};
	for (size_t i = 0; i < 3; i++)
		if (val[i] && (p = llmops_label_problem(val[i], strlen(val[i])))) {
			snprintf(why, n, "its %s has %s", what[i], p);
			return 1;
		}
	return 0;
}

static int take(struct llmops_prod_record *r, void *ud)
{
	struct llmops_ingest *in = ud;
	const char *prompt = tag(r->metadata, "llmops.prompt", "llmops.prompt.name");
	const char *version = tag(r->metadata, "llmops.version", "llmops.prompt.version");
	const char *run_id = NULL, *mn = NULL, *mv = NULL;
	char *input = NULL, *metadata = NULL;
	char day[11];
	int rc, added = 0;

	in->st.read++;
	char why[200];
	if (record_problem(r, prompt, version, why, sizeof(why))) {
		problem(in, in->line, why);
		return 0;
	}
	long *how; /* the count this record adds to when it is new */
	if (prompt && version) {
		how = &in->st.by_tag;
	} else if (llmops_attrib_match(in->o.attrib, r->messages, prompt, &mn, &mv)) {
		prompt = mn;
		version = mv;
		how = &in->st.by_text;
	} else if (prompt) {
		how = &in->st.by_tag; /* the prompt by its tag, the version unknown */
	} else {
		how = &in->st.unattributed;
	}
	if (!r->error && (rc = count_and_price(in, r))) /* a failed request is not billed */
		return rc;
	const char *at = r->at ? r->at : in->now;
	memcpy(day, at, 10);
	day[10] = 0;
	struct llmops_prod_run_key k = {day, prompt, version, r->provider, r->model};
	if ((rc = run_for(in, &k, &run_id)))
		return rc;
	if (r->messages && !(input = cJSON_PrintUnformatted(r->messages)))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	if (r->metadata && cJSON_GetArraySize(r->metadata) &&
	    !(metadata = cJSON_PrintUnformatted(r->metadata))) {
		free(input);
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	}
	/* a key the application sent or the model echoed is never stored: the ledger cuts
	   every held key's value from what it binds (redact.h); a provider's error may quote
	   the key it refused, whatever its variable */
	llmops_redact(r->error);
	struct llmops_prod_result p = {
		.case_id = r->id,
		.record_key = r->key,
		.at = at,
		.input = input,
		.output = r->output,
		.expected = r->expected,
		.error = r->error,
		.metadata = metadata,
		.latency_ms = r->latency_ms,
		.ttft_ms = r->ttft_ms,
		.cost_usd = r->cost_usd,
		.tokens_in = r->tokens_in,
		.tokens_out = r->tokens_out,
		.cache_hit = r->cache_hit,
	};
	rc = llmops_ledger_prod_add(in->lg, run_id, &p, &added, in->err);
	free(input);
	free(metadata);
	if (rc)
		return rc;
	if (added) {
		in->st.added++;
		(*how)++;
		in->st.errors += r->error != NULL;
	} else {
		in->st.present++;
		/* kept unattributed before: its version known now (a newer lock, a bundle) */
		char from[LLMOPS_RUNID_LEN + 1];
		int moved = 0;
		if (prompt &&
		    (rc = llmops_ledger_prod_move(in->lg, r->key, run_id, from, &moved, in->err)))
			return rc;
		if (moved) {
			in->st.reattributed++;
			if ((rc = refinish(in, from)))
				return rc;
		}
	}
	if (in->o.progress && !(in->st.read & 0xffff))
		in->o.progress(in->o.progress_ud, in->st.read);
	return 0;
}

static struct ingest_join *join_of(struct llmops_ingest *in)
{
	if (!in->join && !(in->join = ingest_join_new()))
		llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	return in->join;
}

/* A span whose messages may be in log events: it waits for the end of the input. */
static int wait_span(struct llmops_prod_record *r, void *ud)
{
	struct llmops_ingest *in = ud;
	if (!join_of(in))
		return LLMOPS_E_NOMEM;
	if (ingest_join_span(in->join, r, in->label, in->line))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	return 0;
}

static int seen_span(const char *key, void *ud)
{
	struct llmops_ingest *in = ud;
	if (!in->join) /* no event read yet, and maybe none to come: keep it anyway */
		if (!join_of(in))
			return LLMOPS_E_NOMEM;
	if (ingest_join_seen(in->join, key))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	return 0;
}

static int genai_event(const struct llmops_genai_event *e, void *ud)
{
	struct llmops_ingest *in = ud;
	if (!join_of(in))
		return LLMOPS_E_NOMEM;
	if (ingest_join_event(in->join, e, in->label, in->line))
		return llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	return 0;
}

/* A waiting span, joined: taken where it was read. */
static int joined_record(void *ud, struct llmops_prod_record *r, const char *label, long line)
{
	struct llmops_ingest *in = ud;
	in->label = label;
	in->line = line;
	return take(r, in);
}

static void orphans(void *ud, const char *label, long line, const char *key, long n)
{
	struct llmops_ingest *in = ud;
	char why[200];
	snprintf(why, sizeof(why),
		 "%ld GenAI log event%s of span %.60s, which is in no file read: give the "
		 "traces with their logs, in one ingest (any order)",
		 n, n == 1 ? "" : "s", key);
	in->st.orphaned += n; /* not records: reported, and counted apart */
	if (in->o.problem)
		in->o.problem(in->o.problem_ud, label, line, why);
}

/* A feedback read: kept, or a problem at the line being read. */
static int take_feedback(struct llmops_ingest *in, struct llmops_feedback *f)
{
	int outcome, rc;
	in->st.read++;
	if (f->bad) {
		char why[300];
		snprintf(why, sizeof(why), "feedback (%s's shape): %s", f->source, f->bad);
		problem(in, in->line, why);
		return 0;
	}
	const struct llmops_feedback_row row = {
		.key = f->key,
		.source = f->source,
		.record_id = f->record_id,
		.trace_id = f->trace_id,
		.name = f->name,
		.label = f->label,
		.comment = f->comment,
		.at = f->at,
		.value = f->value,
	};
	if ((rc = llmops_ledger_feedback_put(in->lg, &row, &outcome, in->err)))
		return rc;
	*(outcome == LLMOPS_FEEDBACK_ADDED     ? &in->st.feedback
	  : outcome == LLMOPS_FEEDBACK_UPDATED ? &in->st.feedback_updated
					       : &in->st.feedback_present) += 1;
	return 0;
}

/* v as feedback: 1 when it is (kept, or a problem), 0 when it is not, <0 on failure.  A
   Langfuse list page is each of its scores. */
static int feedback_value(struct llmops_ingest *in, const cJSON *v, const char *raw, size_t len,
			  int *rc)
{
	struct llmops_feedback f;
	const cJSON *page = llmops_feedback_page(v), *x;
	*rc = 0;
	if (page) {
		cJSON_ArrayForEach (x, page) {
			char *text = cJSON_PrintUnformatted(x);
			int is = text ? llmops_feedback_read(x, text, strlen(text), &f) : -1;
			free(text);
			if (is < 0)
				return *rc = llmops_err_set(in->err, LLMOPS_E_NOMEM,
							    "out of memory");
			if (!is) {
				in->st.read++;
				problem(in, in->line,
					"an element of a list page's data is no score");
				continue;
			}
			*rc = take_feedback(in, &f);
			llmops_feedback_release(&f);
			if (*rc)
				return *rc;
		}
		return 1;
	}
	int is = llmops_feedback_read(v, raw, len, &f);
	if (is < 0)
		return *rc = llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory");
	if (is) {
		*rc = take_feedback(in, &f);
		llmops_feedback_release(&f);
	}
	return is;
}

/* One JSON value's records; what cannot be read is a problem at line (the rest go on). */
static int value(struct llmops_ingest *in, const cJSON *v, const char *raw, size_t len, long line)
{
	struct llmops_err e = {0};
	long before = in->st.read;
	const struct llmops_ingest_sink sink = {take,	     wait_span, seen_span,
						genai_event, in,	&in->st.ignored};
	int rc;
	in->line = line;
	if (in->o.format == LLMOPS_INGEST_AUTO || in->o.format == LLMOPS_INGEST_FEEDBACK) {
		if (feedback_value(in, v, raw, len, &rc))
			return rc;
		if (in->o.format == LLMOPS_INGEST_FEEDBACK) {
			in->st.read++;
			problem(in, line,
				"not a feedback record (llmops's {\"record_id\", \"score\" or "
				"\"thumbs\"}, a Langfuse score, a LangSmith feedback)");
			return 0;
		}
	}
	rc = llmops_ingest_value_to(v, raw, len, in->o.format, &sink, &e);
	if (rc == LLMOPS_E_INPUT) {
		if (in->st.read > before) { /* an OTLP request: the spans before were taken */
			char why[sizeof(e.msg) + 64];
			snprintf(why, sizeof(why), "after %ld span%s: %s", in->st.read - before,
				 in->st.read - before == 1 ? "" : "s", e.msg);
			in->st.read++;
			problem(in, line, why);
		} else {
			in->st.read++;
			problem(in, line, e.msg);
		}
		return 0;
	}
	return rc;
}

static void bad_line(struct llmops_ingest *in, const char *s, size_t n, long line);

/* One record's JSON text s[0..n) at line: checked before it is parsed (its size, UTF-8,
   \u0000), parsed, taken; what is wrong is a problem at its line (the rest go on). */
/* A record refused unread: why, at the byte bad of s[0..n) (n: no column to name). */
static int skip(struct llmops_ingest *in, const char *s, size_t n, long line, size_t bad,
		const char *what)
{
	char why[300];
	int l = 1, c = 1;
	if (bad < n) {
		llmops_text_pos(s, bad, &l, &c);
		snprintf(why, sizeof(why), "column %d: %s", c, what);
	} else {
		snprintf(why, sizeof(why), "%s", what);
	}
	in->st.read++;
	problem(in, line + l - 1, why);
	return 0;
}

static int record_text(struct llmops_ingest *in, const char *s, size_t n, long line, int reprint)
{
	char what[120];
	size_t bad;
	if (n > LLMOPS_INGEST_RECORD_MAX) {
		snprintf(what, sizeof(what),
			 "a record of %zu bytes, more than the %u a record may have", n,
			 LLMOPS_INGEST_RECORD_MAX);
		return skip(in, s, n, line, n, what);
	}
	if ((bad = llmops_utf8_invalid(s, n)) < n) {
		snprintf(what, sizeof(what), "invalid UTF-8 (byte 0x%02x)", (unsigned char)s[bad]);
		return skip(in, s, n, line, bad, what);
	}
	cJSON *v = cJSON_ParseWithLength(s, n);
	if (!v) {
		bad_line(in, s, n, line);
		return 0;
	}
	if ((bad = llmops_json_find_nul(s, n)) < n) {
		cJSON_Delete(v);
		return skip(in, s, n, line, bad,
			    "\\u0000 (NUL) in a string, where text would be cut");
	}
	/* an element of an array is hashed as printed: the same record hashes the same
	   whichever way its file lays it out */
	char *raw = reprint ? cJSON_PrintUnformatted(v) : NULL;
	int rc = reprint && !raw ? llmops_err_set(in->err, LLMOPS_E_NOMEM, "out of memory")
		 : raw		 ? value(in, v, raw, strlen(raw), line)
				 : value(in, v, s, n, line);
	free(raw);
	cJSON_Delete(v);
	return rc;
}

/* A line that is not JSON: where and why, from the strict parser. */
static void bad_line(struct llmops_ingest *in, const char *s, size_t n, long line)
{
	struct llmops_err e = {0};
	cJSON *v = NULL;
	char why[sizeof(e.msg) + 32];
	if (!llmops_json_parse(&v, s, n, "", &e)) {
		cJSON_Delete(v); /* cJSON refused what the strict parser took: say so plainly */
		snprintf(why, sizeof(why), "not a JSON value cJSON can read");
	} else {
		int l = 0, c = 0, off = 0;
		if (sscanf(e.msg, ":%d:%d:%n", &l, &c, &off) >= 2 && off)
			snprintf(why, sizeof(why), "column %d:%s", c, e.msg + off);
		else
			snprintf(why, sizeof(why), "%s", e.msg);
	}
	in->st.read++;
	problem(in, line, why);
}

/* An array of records, element by element: each parsed on its own (memory is the largest
   one's), its line found by a cursor that only moves forward (linear in the text). */
struct elements {
	struct llmops_ingest *in;
	const char *text;
	long base; /* the line of text's first byte */
	struct llmops_text_cursor cur;
};

static int element(void *ud, size_t start, size_t end)
{
	struct elements *e = ud;
	int line = 1, col = 1;
	llmops_text_cursor_pos(&e->cur, e->text, start, &line, &col);
	return record_text(e->in, e->text + start, end - start, e->base + line - 1, 1);
}

/* text[0..len), valid JSON starting at line base: an array of records, or one record. */
static int document(struct llmops_ingest *in, const char *text, size_t len, long base)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	if (i == len || text[i] != '[')
		return record_text(in, text, len, base, 0);
	struct elements e = {in, text, base, LLMOPS_TEXT_CURSOR_INIT};
	int rc = llmops_json_array_each(text, len, element, &e);
	return rc < 0 && rc != LLMOPS_E_NOMEM && !in->err->code ? 0 : rc;
}

/* Lines of text[0..len) (a file read whole), one record each. */
static int lines_of(struct llmops_ingest *in, const char *text, size_t len)
{
	long line = 0;
	int rc = 0;
	for (size_t at = 0; at < len && !rc;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *s = text + at;
		line++;
		at += n + 1;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		rc = record_text(in, s, n, line, 0);
	}
	return rc;
}

/* The next line of f into b (its '\n' dropped), at most max bytes of it kept: *over says it
   was longer (the rest is read and dropped, so one huge line costs no memory).  0, or -1 at
   the end of f. */
static int read_line(FILE *f, struct llmops_buf *b, size_t max, int *over)
{
	int c, any = 0;
	char chunk[4096];
	size_t k = 0;
	llmops_buf_reset(b);
	*over = 0;
	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (b->len + k >= max) {
			*over = 1;
			continue;
		}
		chunk[k++] = (char)c;
		if (k == sizeof(chunk)) {
			llmops_buf_add(b, chunk, k);
			k = 0;
		}
	}
	funlockfile(f);
	llmops_buf_add(b, chunk, k);
	return any ? 0 : -1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int llmops_ingest_file(struct llmops_ingest *in, FILE *f, const char *label, struct llmops_err *err)
{
	struct llmops_buf line = LLMOPS_BUF_INIT;
	long lineno = 0;
	int rc = 0, first = 1, over;

	in->label = label;
	in->err = err;
	while (!rc && !read_line(f, &line, LLMOPS_INGEST_RECORD_MAX + 1, &over)) {
		char *s = line.data ? line.data : "";
		size_t n = line.len;
		lineno++;
		while (n && blank(s[n - 1]))
			n--;
		if (!n && !over)
			continue;
		if (over) { /* a record above the size a record may have: refused unread */
			char why[160];
			snprintf(why, sizeof(why),
				 "a line of more than %u bytes, the most a record may have",
				 LLMOPS_INGEST_RECORD_MAX);
			in->st.read++;
			problem(in, lineno, why);
			first = 0;
			continue;
		}
		struct llmops_err e = {0};
		int whole = !llmops_json_check(s, n, "", &e);
		if (!whole && first) {
			/* not a whole value on its first line: one JSON document (or a file whose
			   first record is broken, read the same way then, line by line) */
			struct llmops_buf all = LLMOPS_BUF_INIT;
			for (long k = 1; k < lineno; k++)
				llmops_buf_addch(&all, '\n');
			llmops_buf_add(&all, s, line.len);
			llmops_buf_addch(&all, '\n');
			char buf[65536];
			size_t got;
			while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
				llmops_buf_add(&all, buf, got);
			if (ferror(f) || all.oom) {
				llmops_buf_release(&all);
				rc = llmops_err_set(err, all.oom ? LLMOPS_E_NOMEM : LLMOPS_E_IO,
						    "%s: cannot read", label);
				break;
			}
			size_t i = 0;
			while (i < all.len && blank(all.data[i]))
				i++;
			if (!llmops_json_check(all.data, all.len, label, &e) && i < all.len &&
			    (all.data[i] == '[' || all.data[i] == '{'))
				rc = document(in, all.data, all.len, 1);
			else
				rc = lines_of(in, all.data, all.len);
			llmops_buf_release(&all);
			break;
		}
		first = 0;
		size_t i = 0;
		while (i < n && blank(s[i]))
			i++;
		/* an array of records on one line is a document of its own */
		rc = whole && s[i] == '[' ? document(in, s, n, lineno)
					  : record_text(in, s, n, lineno, 0);
	}
	if (!rc && ferror(f))
		rc = llmops_err_set(err, LLMOPS_E_IO, "%s: cannot read", label);
	llmops_buf_release(&line);
	return rc;
}

int llmops_ingest_finish(struct llmops_ingest *in, int rc, struct llmops_ingest_stats *st,
			 struct llmops_err *err)
{
	if (!in)
		return rc;
	in->err = err;
	if (!rc && in->join) {
		const struct ingest_join_out out = {joined_record, orphans, in};
		rc = ingest_join_finish(in->join, &out, &in->st.events);
		if (rc == LLMOPS_E_NOMEM && !err->code)
			llmops_err_set(err, rc, "out of memory");
	}
	ingest_join_free(in->join);
	if (!rc)
		rc = llmops_ledger_flush(in->lg, err);
	for (size_t i = 0; i < in->nruns; i++) {
		if (!rc)
			rc = llmops_ledger_prod_finish(in->lg, in->runs[i].id, err);
		free(in->runs[i].key);
	}
	llmops_ledger_set_batch(in->lg, 1);
	in->st.runs = (long)in->nruns;
	if (st)
		*st = in->st;
	free(in->runs);
	llmops_tokenizer_close(in->tok[0]);
	llmops_tokenizer_close(in->tok[1]);
	llmops_buf_release(&in->key);
	free((char *)in->model);
	free(in);
	return rc;
}
