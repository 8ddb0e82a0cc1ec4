/*
 * ingest_join.c - OTLP spans joined to their GenAI log events (ingest.h):
 * the official OpenTelemetry instrumentations put a request's model, tokens
 * and timing on its span and its messages in log records carrying the span's
 * trace and span id, exported apart, in any order, to one file or two.  Spans
 * that lack their content wait here with every event until the whole input is
 * read; then each gets its events (in the order they were emitted) and goes
 * on as one record.  Events whose span never came are reported, not lost in
 * silence.
 */
#include "internal.h"

#include "mem.h"

#include "strlist.h"

#include <stdlib.h>
#include <string.h>

struct join_event {
	char *key, *name;
	long long t;
	long seq; /* the order it was read in: emission order among equal times */
	cJSON *body, *attrs;
	const char *label;
	long line;
};

struct join_span {
	struct llmops_prod_record r;
	const char *label;
	long line;
};

struct ingest_join {
	struct join_event *ev;
	size_t nev, capev;
	struct join_span *sp;
	size_t nsp, capsp;
	struct llmops_strlist seen; /* spans given on at once, with their content */
	long seq;
};

struct ingest_join *ingest_join_new(void)
{
	struct ingest_join *j = calloc(1, sizeof(*j));
	if (j)
		llmops_strlist_init(&j->seen);
	return j;
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 64;
	void *np = realloc(*p, nc * size);
	if (!np)
		return LLMOPS_E_NOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

int ingest_join_span(struct ingest_join *j, struct llmops_prod_record *r, const char *label,
		     long line)
{
	if (grow((void **)&j->sp, &j->capsp, j->nsp, sizeof(*j->sp)))
		return LLMOPS_E_NOMEM;
	struct join_span *s = &j->sp[j->nsp++];
	s->r = *r; /* its contents are all its own (ingest_otlp.c builds them) */
	memset(r, 0, sizeof(*r));
	s->label = label;
	s->line = line;
	return 0;
}

int ingest_join_seen(struct ingest_join *j, const char *key)
{
	return llmops_strlist_append(&j->seen, key) ? LLMOPS_E_NOMEM : 0;
}

int ingest_join_event(struct ingest_join *j, const struct llmops_genai_event *e, const char *label,
		      long line)
{
	if (grow((void **)&j->ev, &j->capev, j->nev, sizeof(*j->ev)))
		return LLMOPS_E_NOMEM;
	struct join_event *x = &j->ev[j->nev];
	memset(x, 0, sizeof(*x));
	x->key = strdup(e->span_key);
	x->name = strdup(e->name);
	x->body = e->body ? cJSON_Duplicate(e->body, 1) : NULL;
	x->attrs = cJSON_Duplicate(e->attrs, 1);
	if (!x->key || !x->name || (e->body && !x->body) || !x->attrs) {
		free(x->key);
		free(x->name);
		cJSON_Delete(x->body);
		cJSON_Delete(x->attrs);
		return LLMOPS_E_NOMEM;
	}
	x->t = e->time_ns;
	x->seq = j->seq++;
	x->label = label;
	x->line = line;
	j->nev++;
	return 0;
}

static int by_event(const void *a, const void *b)
{
	const struct join_event *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_span(const void *a, const void *b)
{
	const struct join_span *x = a, *y = b;
	return strcmp(x->r.id, y->r.id);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The events from e on whose key sorts before stop (NULL: all the rest) have no waiting span:
   those of a span given on at once are joined, the others told to out->orphans a span at a
   time.  Returns where it stopped. */
static size_t unwaited(const struct ingest_join *j, size_t e, const char *stop,
		       const struct ingest_join_out *out, long *joined)
{
	while (e < j->nev && (!stop || strcmp(j->ev[e].key, stop) < 0)) {
		char *const k = j->ev[e].key;
		size_t first = e;
		while (e < j->nev && !strcmp(j->ev[e].key, k))
			e++;
		if (j->seen.nr && bsearch(&k, j->seen.items, j->seen.nr, sizeof(char *), by_str))
			*joined += (long)(e - first);
		else
			out->orphans(out->ud, j->ev[first].label, j->ev[first].line, k,
				     (long)(e - first));
	}
	return e;
}

int ingest_join_finish(struct ingest_join *j, const struct ingest_join_out *out, long *joined)
{
	struct llmops_genai_event *arr = NULL;
	size_t e = 0, cap = 0;
	int rc = 0;

	if (j->nev)
		qsort(j->ev, j->nev, sizeof(*j->ev), by_event);
	if (j->nsp)
		qsort(j->sp, j->nsp, sizeof(*j->sp), by_span);
	if (j->seen.nr)
		qsort(j->seen.items, j->seen.nr, sizeof(*j->seen.items), by_str);
	for (size_t s = 0; s < j->nsp && !rc; s++) {
		struct join_span *sp = &j->sp[s];
		size_t n = 0;
		e = unwaited(j, e, sp->r.id, out, joined);
		for (; e + n < j->nev && !strcmp(j->ev[e + n].key, sp->r.id); n++) {
			if (LLMOPS_GROW(arr, n, cap, 16)) {
				rc = LLMOPS_E_NOMEM;
				break;
			}
			const struct join_event *x = &j->ev[e + n];
			arr[n] = (struct llmops_genai_event){x->key, x->name, x->t, x->body,
							     x->attrs};
		}
		if (rc)
			break;
		ingest_otlp_apply_events(&sp->r, arr, n);
		*joined += (long)n;
		e += n;
		rc = out->record(out->ud, &sp->r, sp->label, sp->line);
	}
	if (!rc) /* after the last waiting span */
		unwaited(j, e, NULL, out, joined);
	free(arr);
	return rc;
}

void ingest_join_free(struct ingest_join *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->nev; i++) {
		free(j->ev[i].key);
		free(j->ev[i].name);
		cJSON_Delete(j->ev[i].body);
		cJSON_Delete(j->ev[i].attrs);
	}
	for (size_t i = 0; i < j->nsp; i++)
		llmops_prod_record_release(&j->sp[i].r);
	free(j->ev);
	free(j->sp);
	llmops_strlist_release(&j->seen);
	free(j);
}
