/*
 * eval_baseline.c - `llmops eval --baseline RUN|last|pinned`: which run the
 * new one is compared with (settled before any request is sent), and the
 * comparison once the run is done (as `llmops diff` makes it).
 */
#include "llmops.h"

#include "diff_out.h"
#include "eval_cmd.h"

#include <stdlib.h>
#include <string.h>

/* The newest finished evaluation matching f; prints why when there is none. */
static int newest(struct llmops_eval *ev, struct llmops_run_filter *f, const char *what)
{
	struct llmops_err err = {0};
	struct llmops_run **runs = NULL;
	size_t n = 0;

	f->kind = "eval";
	f->finished = 1;
	f->limit = 1;
	f->dataset_path = ev->dataset_path;
	f->dataset_sha256 = ev->ds.sha256;
	if (llmops_ledger_runs_list(ev->ledger, f, &runs, &n, &err))
		return llmops_report(&err);
	if (!n) {
		llmops_error("eval: --baseline: the ledger has no finished evaluation of %s%s%s; "
			     "run one first, or give a run id",
			     ev->ds.label, what ? " with " : "", what ? what : "");
		return LLMOPS_EXIT_USAGE;
	}
	snprintf(ev->baseline_id, sizeof(ev->baseline_id), "%s", runs[0]->id);
	llmops_runs_free(runs, n);
	return 0;
}

int eval_baseline_resolve(struct eval_host *h, const char *spec)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_run_filter f = {0};
	struct llmops_err err = {0};
	struct llmops_run *run = NULL;

	if (!strcmp(spec, "last"))
		return newest(ev, &f, NULL);
	if (!strcmp(spec, "pinned")) {
		const struct llmops_eval_variant *v = ev->nprotos == 1 ? &ev->protos[0] : NULL;
		char name[sizeof(v->prompt)], what[LLMOPS_NAME_MAX + 96], *at;
		snprintf(name, sizeof(name), "%s", v ? v->prompt : "");
		if ((at = strchr(name, '@')))
			*at = 0;
		const struct llmops_lock_entry *e =
			v && v->p && h->have_penv ? llmops_lock_find(&h->penv.lock, name) : NULL;
		if (!v || !v->p) {
			llmops_error("eval: --baseline pinned compares one prompt with its pinned "
				     "version: give one --prompt NAME[@VERSION]");
			return LLMOPS_EXIT_USAGE;
		}
		if (!e) {
			llmops_error("eval: --baseline pinned: '%s' is not pinned in prompts.lock; "
				     "pin it ('llmops prompt pin %s@VERSION') or give a run id",
				     name, name);
			return LLMOPS_EXIT_USAGE;
		}
		snprintf(what, sizeof(what), "%s@%s (the pinned version)", e->name, e->version);
		f.prompt_name = e->name;
		f.prompt_version = e->version;
		return newest(ev, &f, what);
	}
	if (llmops_ledger_run_get(ev->ledger, spec, &run, &err))
		return llmops_report(&err);
	int rc = 0;
	if (strcmp(run->kind, "eval")) {
		llmops_error("eval: --baseline %s: run %s is a %s run, not an evaluation", spec,
			     run->id, run->kind);
		rc = LLMOPS_EXIT_USAGE;
	} else {
		snprintf(ev->baseline_id, sizeof(ev->baseline_id), "%s", run->id);
	}
	llmops_run_free(run);
	return rc;
}

cJSON *eval_baseline_json(const struct llmops_eval *ev)
{
	const struct llmops_eval_baseline *b = &ev->baseline;
	return b->done ? diff_json(&b->diff, b->a, b->b, 0.05, b->significance) : NULL;
}

void eval_baseline_print(const struct llmops_eval *ev, struct llmops_ctx *ctx)
{
	const struct llmops_eval_baseline *b = &ev->baseline;
	if (!b->done)
		return;
	printf("\nagainst the baseline\n");
	diff_print(&b->diff, b->a, b->b, 0.05, b->significance, 20, ctx);
}
