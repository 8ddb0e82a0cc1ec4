/*
 * eval_cases.c - the first pass over a run's dataset, before anything is
 * sent: every case checked as eval, cost and lint check it (the first
 * problem stops the run with its position), ids unique, which cases have
 * a recorded output or an input, the document frequencies cosine needs;
 * then the cases that run (limit, shard).
 *
 * A large JSONL dataset is read in slices side by side, one thread per
 * processor (up to MAX_SLICES): each slice keeps its own ids, flags and
 * first problem, and the problem reported is the first in the file, as
 * one reader would find it.
 */
#include "eval.h"

#include "internal.h"
#include "textsim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Slices at most, and the smallest dataset that is sliced. */
#define MAX_SLICES	4
#define SLICE_MIN_BYTES (4u << 20)

/*
 * Ids whose hashes repeat: read the dataset again for the cases with those
 * hashes and report the earliest true repeat as the whole-file parse does.
 */
static int duplicate_ids(struct llmops_eval *ev, const uint64_t *dups, size_t ndups,
			 struct llmops_err *err)
{
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_dataset d = {0};
	struct llmops_case one;
	int rc = llmops_eval_cursor(ev, &cur, err);
	while (!rc && (rc = llmops_dataset_cursor_next(cur, &one, err)) == 1) {
		rc = 0;
		if (!llmops_eval_keys_has(dups, ndups, llmops_eval_id_hash(one.id))) {
			llmops_case_release(&one);
			continue;
		}
		struct llmops_case *nc = realloc(d.cases, (d.n + 1) * sizeof(*nc));
		if (!nc) {
			llmops_case_release(&one);
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
			break;
		}
		d.cases = nc;
		d.cases[d.n++] = one;
	}
	llmops_dataset_cursor_free(cur);
	size_t *ix = rc ? NULL : llmops_dataset_by_id(&d);
	size_t best = (size_t)-1, first = 0, group = 0;
	for (size_t i = 1; ix && i < d.n; i++) {
		if (strcmp(d.cases[ix[i]].id, d.cases[ix[i - 1]].id)) {
			group = i;
			continue;
		}
		if (best == (size_t)-1 || d.cases[ix[i]].line < d.cases[best].line) {
			best = ix[i];
			first = ix[group];
		}
	}
	if (!rc && !ix)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!rc && best != (size_t)-1)
		rc = llmops_err_at(err, LLMOPS_E_INPUT, ev->file.label, d.cases[best].line, 1,
				   "duplicate case id '%s' (first at line %d)", d.cases[best].id,
				   d.cases[first].line);
	free(ix);
	for (size_t i = 0; i < d.n; i++)
		llmops_case_release(&d.cases[i]);
	free(d.cases);
	return rc;
}

/* The ids of the n cases hashed in ids (sorted here): 0, or the duplicate's error. */
static int check_ids(struct llmops_eval *ev, uint64_t *ids, size_t n, struct llmops_err *err)
{
	size_t nd = 0;
	llmops_eval_keys_sort(ids, n);
	for (size_t i = 1; i < n; i++) /* the repeated hashes, compacted to the front */
		if (ids[i] == ids[i - 1] && (!nd || ids[nd - 1] != ids[i]))
			ids[nd++] = ids[i];
	return nd ? duplicate_ids(ev, ids, nd, err) : 0;
}

/*
 * The document frequencies of the expected outputs of every case of the
 * dataset: a --limit, a shard or a case's own metric never changes what a
 * cosine score is relative to (merged shards reproduce the whole run).
 */
static int idf_pass(struct llmops_eval *ev, struct llmops_err *err)
{
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_case one;
	int rc = llmops_eval_cursor(ev, &cur, err);
	while (!rc && (rc = llmops_dataset_cursor_next(cur, &one, err)) == 1) {
		char *e = llmops_eval_field_text(one.fields, "expected");
		rc = e ? llmops_idf_add(ev->idf, e, strlen(e), err) : 0;
		free(e);
		llmops_case_release(&one);
	}
	llmops_dataset_cursor_free(cur);
	return rc < 0 ? rc : 0;
}

/* One slice of the first pass: its bytes, and what it found. */
struct slice {
	struct llmops_eval *ev;
	size_t start, end; /* bytes of the dataset (the whole of it when not sliced) */
	int sliced;
	size_t limit;  /* cases set up and checked (the rest only counted and hashed) */
	int idf;       /* add each expected output to the document frequencies */
	uint64_t *ids; /* the slice's cases' id hashes */
	unsigned char *flags;
	size_t n, cap;
	int late_idf; /* a case gates on cosine though the run's metrics do not */
	int rc;
	struct llmops_err err;
};

/* Can the case be sent without a prompt: an "input" (the user message), or "messages" or
   "turns" of its own (a production record made into a case: its request as it was)? */
static int has_request(const struct llmops_eval_case *c)
{
	const cJSON *f = c->dc.fields;
	return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c->vars, "input")) ||
	       cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "messages")) > 0 ||
	       cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "turns")) > 0;
}

/* Read a slice's cases; the outcome in s->rc and s->err. */
static void *slice_read(void *arg)
{
	struct slice *s = arg;
	struct llmops_eval *ev = s->ev;
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_case one;
	size_t before = 0;
	unsigned flags = ev->file.mapped ? LLMOPS_CURSOR_RELEASE : 0;
	int rc = s->sliced ? llmops_dataset_cursor_open_slice(&cur, ev->file.label, ev->file.text,
							      s->start, s->end, flags, &before,
							      &s->err)
			   : llmops_eval_cursor(ev, &cur, &s->err);
	while (!rc && (rc = llmops_dataset_cursor_next(cur, &one, &s->err)) == 1) {
		rc = 0;
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			uint64_t *ni = realloc(s->ids, s->cap * sizeof(*ni));
			unsigned char *nf = realloc(s->flags, s->cap);
			if (ni)
				s->ids = ni;
			if (nf)
				s->flags = nf;
			if (!ni || !nf) {
				llmops_case_release(&one);
				rc = llmops_err_set(&s->err, LLMOPS_E_NOMEM, "out of memory");
				break;
			}
		}
		s->ids[s->n] = llmops_eval_id_hash(one.id);
		s->flags[s->n] = 0;
		if (before + s->n < s->limit) {
			struct llmops_eval_case c = {0};
			c.dc = one;
			rc = llmops_eval_setup_case(ev, &c.dc, &c, 1, &s->err);
			s->late_idf |= !s->idf && c.metric == LLMOPS_METRIC_COSINE;
			if (!rc && s->idf && c.expected)
				rc = llmops_idf_add(ev->idf, c.expected, strlen(c.expected),
						    &s->err);
			s->flags[s->n] =
				(unsigned char)((c.recorded ? LLMOPS_EVAL_HAS_OUTPUT : 0) |
						(llmops_assertions_has(&c.asserts,
								       LLMOPS_ASSERT_REFUSAL) ||
								 llmops_assertions_has(
									 &c.asserts,
									 LLMOPS_ASSERT_NOT_REFUSAL)
							 ? LLMOPS_EVAL_HAS_REFUSAL
							 : 0) |
						(has_request(&c) ? LLMOPS_EVAL_HAS_INPUT : 0) |
						(c.metric == LLMOPS_METRIC_JUDGE &&
								 cJSON_GetObjectItemCaseSensitive(
									 c.dc.fields, "metric")
							 ? LLMOPS_EVAL_HAS_RUBRIC
							 : 0));
			llmops_eval_case_clear(&c);
		} else {
			/* past --limit: not run, but its expected output is part of the
			   dataset the document frequencies describe */
			char *e = s->idf ? llmops_eval_field_text(one.fields, "expected") : NULL;
			if (e)
				rc = llmops_idf_add(ev->idf, e, strlen(e), &s->err);
			free(e);
			llmops_case_release(&one);
		}
		s->n++;
	}
	llmops_dataset_cursor_free(cur);
	s->rc = rc < 0 ? rc : 0;
	return NULL;
}

/* How many slices to read the dataset in: 1 unless it is a large JSONL file. */
static unsigned slices_for(const struct llmops_eval *ev, int idf)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* document frequencies are one table: a run that needs them reads it whole */
	if (idf || cpus < 2 || ev->file.len < SLICE_MIN_BYTES || strcmp(ev->ds.format, "jsonl"))
		return 1;
	return cpus < MAX_SLICES ? (unsigned)cpus : MAX_SLICES;
}

/* Read the dataset in k slices (the first on this thread); 0 or the first error in the file. */
static int read_slices(struct llmops_eval *ev, struct slice *sl, unsigned k, int idf, size_t limit,
		       struct llmops_err *err)
{
	pthread_t th[MAX_SLICES];
	int started[MAX_SLICES] = {0};
	for (unsigned i = 0; i < k; i++) {
		sl[i].ev = ev;
		sl[i].sliced = k > 1;
		sl[i].start = llmops_dataset_jsonl_slice(ev->file.text, ev->file.len, i, k);
		sl[i].end = llmops_dataset_jsonl_slice(ev->file.text, ev->file.len, i + 1, k);
		sl[i].limit = limit;
		sl[i].idf = idf;
	}
	for (unsigned i = 1; i < k; i++)
		started[i] = !pthread_create(&th[i], NULL, slice_read, &sl[i]);
	slice_read(&sl[0]);
	for (unsigned i = 1; i < k; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else /* no thread: read it here */
			slice_read(&sl[i]);
	}
	for (unsigned i = 0; i < k; i++)
		if (sl[i].rc) {
			*err = sl[i].err;
			return sl[i].rc;
		}
	return 0;
}

/* The dataset's hash, taken beside the first pass. */
struct hashing {
	struct llmops_dataset_file *file;
	int rc;
	struct llmops_err err;
};

static void *hash_file(void *arg)
{
	struct hashing *h = arg;
	h->rc = llmops_dataset_file_hash(h->file, &h->err);
	return NULL;
}

int llmops_eval_cases(struct llmops_eval *ev, struct llmops_err *err)
{
	struct hashing hs = {&ev->file, 0, {0}};
	pthread_t hth;
	struct slice sl[MAX_SLICES];
	uint64_t *ids = NULL;
	size_t n = 0, limit = ev->limit > 0 ? (size_t)ev->limit : (size_t)-1;
	int rc, idf = 0, late_idf = 0;
	/* document frequencies serve cosine alone: a run without it skips them */
	for (size_t i = 0; i < ev->nmetric_ids; i++)
		idf |= ev->metric_ids[i] == LLMOPS_METRIC_COSINE;

	free(ev->ds.label);
	free(ev->ds.format);
	if (!(ev->ds.label = strdup(ev->file.label)) ||
	    !(ev->ds.format = strdup(
		      llmops_dataset_format_of(ev->file.label, ev->file.text, ev->file.len))))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	ev->ds.bytes = ev->file.len;
	if ((rc = llmops_idf_new(&ev->idf, err)))
		return rc;
	unsigned nsl = slices_for(ev, idf);
	memset(sl, 0, sizeof(sl));
	/* the hash (one sequential pass) beside the slices of a large file; a small one
	   is hashed here, after them */
	int hashing =
		ev->file.len >= SLICE_MIN_BYTES && !pthread_create(&hth, NULL, hash_file, &hs);
	rc = read_slices(ev, sl, nsl, idf, limit, err);
	if (hashing)
		pthread_join(hth, NULL);
	else
		hash_file(&hs);
	if (!rc && hs.rc) {
		*err = hs.err;
		rc = hs.rc;
	}
	memcpy(ev->ds.sha256, ev->file.sha256, sizeof(ev->ds.sha256));
	/* the slices' ids and flags, end to end, in the first slice's arrays */
	for (unsigned i = 0; i < nsl; i++)
		n += sl[i].n;
	if (!rc && nsl > 1) {
		uint64_t *ni = realloc(sl[0].ids, (n ? n : 1) * sizeof(*ni));
		unsigned char *nf = realloc(sl[0].flags, n ? n : 1);
		if (ni)
			sl[0].ids = ni;
		if (nf)
			sl[0].flags = nf;
		if (!ni || !nf)
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		for (size_t i = 1, at = sl[0].n; !rc && i < nsl; at += sl[i].n, i++) {
			if (sl[i].n) {
				memcpy(sl[0].ids + at, sl[i].ids, sl[i].n * sizeof(*ni));
				memcpy(sl[0].flags + at, sl[i].flags, sl[i].n);
			}
		}
	}
	for (unsigned i = 0; i < nsl; i++) {
		late_idf |= sl[i].late_idf;
		if (i) {
			free(sl[i].ids);
			free(sl[i].flags);
		}
	}
	ids = sl[0].ids;
	free(ev->flags_);
	ev->flags_ = sl[0].flags;
	if (!rc)
		rc = check_ids(ev, ids, n, err);
	free(ids);
	if (!rc && late_idf) /* a case gates on cosine: one more pass for the frequencies */
		rc = idf_pass(ev, err);
	if (rc)
		return rc;
	ev->ds.n = n;

	size_t all = n < limit ? n : limit, first = 0, k = all;
	if (ev->shard_count) { /* the I-th of N contiguous slices, sizes differing by at most 1 */
		size_t i = (size_t)ev->shard_index, m = (size_t)ev->shard_count;
		first = (i - 1) * all / m;
		k = i * all / m - first;
	}
	ev->ncases_all = all;
	ev->shard_first = first;
	ev->ncases = k;
	ev->no_input_pos = -1;
	ev->nrecorded = 0;
	ev->nrefusal = 0;
	ev->nrubric = 0;
	for (size_t p = first; p < first + k; p++) {
		ev->nrubric += (ev->flags_[p] & LLMOPS_EVAL_HAS_RUBRIC) != 0;
		ev->nrecorded += (ev->flags_[p] & LLMOPS_EVAL_HAS_OUTPUT) != 0;
		ev->nrefusal += (ev->flags_[p] & LLMOPS_EVAL_HAS_REFUSAL) != 0;
		if (ev->no_input_pos < 0 &&
		    !(ev->flags_[p] & (LLMOPS_EVAL_HAS_OUTPUT | LLMOPS_EVAL_HAS_INPUT)))
			ev->no_input_pos = (long)p;
	}
	return 0;
}
