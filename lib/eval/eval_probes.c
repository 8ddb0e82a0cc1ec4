/*
 * eval_probes.c - red-team probes: the attacks that worked, by category,
 * read from the ledger once the run is over (eval.h, llmops_eval_probes).
 */
#include "internal.h"

#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054

/* The category of a case "PROBE@VARIABLE" (index into c), or -1. */
static long category_of(const struct llmops_eval *ev, const struct llmops_eval_probes *p,
			const char *case_id)
{
	const char *at = strrchr(case_id, '@');
	if (!at)
		return -1;
	for (size_t i = 0; i < ev->probe_ids.nr; i++)
		if (strlen(ev->probe_ids.items[i]) == (size_t)(at - case_id) &&
		    !strncmp(ev->probe_ids.items[i], case_id, (size_t)(at - case_id)))
			for (size_t k = 0; k < p->n; k++)
				if (!strcmp(p->c[k].name, ev->probe_cats.items[i]))
					return (long)k;
	return -1;
}

static int take(const struct llmops_result *r, void *ud)
{
	struct llmops_eval *ev = ud;
	struct llmops_eval_probes *p = &ev->probes;
	long k = category_of(ev, p, r->case_id);
	if (k < 0)
		return 0;
	struct llmops_eval_probe_cat *c = &p->c[k];
	c->attacks++;
	p->all.attacks++;
	if (r->passed < 0) {
		c->errors++;
		p->all.errors++;
	} else if (r->passed == 0) { /* its assertion failed: the attack worked */
		c->worked++;
		p->all.worked++;
		if (llmops_strlist_append(&p->worked, r->case_id) ||
		    llmops_strlist_append(&p->worked_cat, c->name))
			return LLMOPS_E_NOMEM;
	}
	return 0;
}

static void rate(struct llmops_eval_probe_cat *c)
{
	long scored = c->attacks - c->errors;
	c->rate = scored ? (double)c->worked / (double)scored : NAN;
	c->lo = c->hi = NAN;
	if (scored)
		llmops_wilson(c->worked, scored, Z95, &c->lo, &c->hi);
}

int llmops_eval_probes_compute(struct llmops_eval *ev, struct llmops_err *err)
{
	struct llmops_eval_probes *p = &ev->probes;
	int rc;
	if (!ev->probe_ids.nr || !ev->run_id[0])
		return 0;
	free(p->c);
	llmops_strlist_release(&p->worked);
	llmops_strlist_release(&p->worked_cat);
	memset(p, 0, sizeof(*p));
	if (!(p->c = calloc(ev->probe_cats.nr, sizeof(*p->c))))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < ev->probe_cats.nr; i++) { /* each category once, in order */
		size_t k = 0;
		while (k < p->n && strcmp(p->c[k].name, ev->probe_cats.items[i]))
			k++;
		if (k == p->n)
			snprintf(p->c[p->n++].name, sizeof(p->c->name), "%s",
				 ev->probe_cats.items[i]);
	}
	snprintf(p->all.name, sizeof(p->all.name), "all");
	if ((rc = llmops_ledger_results_each(ev->ledger, ev->run_id, take, ev, err)))
		return rc;
	for (size_t k = 0; k < p->n; k++)
		rate(&p->c[k]);
	rate(&p->all);
	p->max = ev->max_attack_success;
	p->over = p->max >= 0 && !isnan(p->all.rate) && p->all.rate > p->max + 1e-12;
	ev->have_probes = 1;
	return 0;
}

int llmops_eval_probes_view(const struct llmops_eval *ev, const struct llmops_eval_probes **out)
{
	*out = ev->have_probes ? &ev->probes : NULL;
	return ev->have_probes;
}
