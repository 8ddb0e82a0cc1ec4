/*
 * rundata.c - a run's results in memory.  Strings are copied into large
 * blocks rather than allocated one by one: a 10,000-case run has 60,000 of
 * them.
 */
#include "rundata.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (256 * 1024)

struct rundata_block {
	struct rundata_block *next;
	size_t used, cap;
	char data[];
};

struct loader {
	struct llmops_run_data *d;
	size_t cap;
	int nomem;
	const char *prov, *model; /* the last copied: most results share their run's */
};

static const char *keep(struct llmops_run_data *d, const char *s)
{
	struct rundata_block *b = d->blocks;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	if (!b || b->cap - b->used < len) {
		size_t cap = len > BLOCK_BYTES ? len : BLOCK_BYTES;
		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* a string bigger than a block gets its own, behind the current one */
		if (len > BLOCK_BYTES && d->blocks) {
			b->next = d->blocks->next;
			d->blocks->next = b;
		} else {
			b->next = d->blocks;
			d->blocks = b;
		}
	}
	char *p = b->data + b->used;
	memcpy(p, s, len);
	b->used += len;
	return p;
}

/* s kept once for every result that names the same (*last: the copy made before). */
static const char *keep_same(struct llmops_run_data *d, const char **last, const char *s)
{
	if (s && !(*last && !strcmp(*last, s)))
		*last = keep(d, s);
	return s ? *last : NULL;
}

static int take(const struct llmops_result *r, void *ctx)
{
	struct loader *ld = ctx;
	struct llmops_run_data *d = ld->d;
	struct llmops_result *c;

	if (LLMOPS_GROW(d->results, d->n, ld->cap, 256))
		goto nomem;
	c = &d->results[d->n];
	*c = *r;
	c->case_id = keep(d, r->case_id);
	c->variant = keep(d, r->variant ? r->variant : "");
	c->input = keep(d, r->input);
	c->output = keep(d, r->output);
	c->expected = keep(d, r->expected);
	c->scores_json = keep(d, r->scores_json);
	c->error = keep(d, r->error);
	c->metric = keep(d, r->metric);
	c->judge = keep(d, r->judge);
	c->steps = keep(d, r->steps);
	c->tiers = keep(d, r->tiers);
	c->provider = keep_same(d, &ld->prov, r->provider);
	c->model = keep_same(d, &ld->model, r->model);
	if ((r->metric && !c->metric) || (r->provider && !c->provider) || (r->judge && !c->judge) ||
	    (r->model && !c->model) || (r->steps && !c->steps) || (r->tiers && !c->tiers) ||
	    !c->case_id || !c->variant || (r->input && !c->input) || (r->output && !c->output) ||
	    (r->expected && !c->expected) || (r->scores_json && !c->scores_json) ||
	    (r->error && !c->error))
		goto nomem;
	d->n++;
	return 0;
nomem:
	ld->nomem = 1;
	return LLMOPS_E_NOMEM;
}

int llmops_run_data_load(struct llmops_ledger *lg, const char *ref, struct llmops_run_data **out,
			 struct llmops_err *err)
{
	struct llmops_run_data *d = calloc(1, sizeof(*d));
	struct loader ld = {d, 0, 0, NULL, NULL};
	int rc;

	*out = NULL;
	if (!d)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if ((rc = llmops_ledger_run_get(lg, ref, &d->run, err))) {
		llmops_run_data_free(d);
		return rc;
	}
	rc = llmops_ledger_results_each(lg, d->run->id, take, &ld, err);
	if (ld.nomem)
		rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (rc) {
		llmops_run_data_free(d);
		return rc;
	}
	*out = d;
	return LLMOPS_OK;
}

void llmops_run_data_free(struct llmops_run_data *d)
{
	if (!d)
		return;
	while (d->blocks) {
		struct rundata_block *b = d->blocks;
		d->blocks = b->next;
		free(b);
	}
	free(d->results);
	llmops_run_free(d->run);
	free(d);
}

int llmops_run_data_repeated(const struct llmops_run_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->results[i].repeat_index > 0)
			return 1;
	return 0;
}
