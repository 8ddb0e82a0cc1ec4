/*
 * eval_baseline.c - `llmops eval --baseline RUN|last|pinned`: the pinned
 * version from prompts.lock handed to the engine (which settles the run
 * before any request is sent and compares once it is done, as `llmops diff`
 * does), and the comparison printed.
 */
#include "llmops.h"

#include "diff_out.h"
#include "eval_cmd.h"
#include "ledgersync.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* How far back --baseline REV looks for a commit with an evaluation. */
#define BASELINE_DEPTH 1000

/*
 * --baseline REV: the newest evaluation of the same dataset and prompt at REV or its nearest
 * ancestor that has one; when the ledger has none, the runs pushed to origin are fetched
 * first (llmops ledger fetch) and looked at again.
 */
static int baseline_rev(struct eval_host *h, const char *spec)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_strlist commits = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	struct llmops_sync_stats st;
	const struct llmops_eval_variant *v = ev->nprotos == 1 ? &ev->protos[0] : NULL;
	char name[sizeof(v->prompt)] = "", *at, fetched[160] = "";
	size_t which = 0;
	int rc;

	if (llmops_store_ancestors(h->penv.store, spec, BASELINE_DEPTH, &commits, &err)) {
		llmops_error("eval: --baseline %s is neither a run (a run id or 4 or more of its "
			     "first characters, last, last~N, pinned) nor a git revision here",
			     spec);
		return LLMOPS_EXIT_USAGE;
	}
	if (v && v->p) {
		snprintf(name, sizeof(name), "%s", v->prompt);
		if ((at = strchr(name, '@')))
			*at = 0;
	}
	rc = llmops_eval_baseline_at(ev, &commits, name[0] ? name : NULL, &which, &err);
	if (rc == LLMOPS_E_NOTFOUND) {
		/* none here: what others pushed may have one */
		struct llmops_err ferr = {0};
		if (llmops_ledger_fetch(ev->ledger, llmops_store_root(h->penv.store), "origin",
					h->ctx->env, &st, &ferr) &&
		    ferr.code == LLMOPS_E_USAGE) {
			/* no remote called origin: nothing was pushed anywhere to look at */
			snprintf(fetched, sizeof(fetched), "; no remote 'origin' to fetch from");
		} else if (ferr.code) {
			/* not "no baseline yet": the gate would compare with nothing unseen */
			llmops_error(
				"eval: --baseline %s: no run here, and fetching the runs pushed "
				"to origin failed: %s; a CI job needs the remote's credentials "
				"(llmops-init(1), CI PIPELINES)",
				spec, ferr.msg);
			llmops_sync_stats_release(&st);
			llmops_strlist_release(&commits);
			return LLMOPS_EXIT_USAGE;
		} else if (st.refused.nr) {
			/* what was refused may be the baseline: no gate passes without it */
			for (size_t i = 0; i < st.refused.nr; i++)
				llmops_error("eval: --baseline %s: fetching from origin refused %s",
					     spec, st.refused.items[i]);
			llmops_error(
				"eval: --baseline %s: %zu snapshot%s on origin refused, so the "
				"baseline cannot be trusted to be there; delete the bad refs on "
				"origin ('git push origin --delete REF')",
				spec, st.refused.nr, st.refused.nr == 1 ? "" : "s");
			llmops_sync_stats_release(&st);
			llmops_strlist_release(&commits);
			return LLMOPS_EXIT_USAGE;
		} else {
			snprintf(fetched, sizeof(fetched), "; %ld runs fetched from origin",
				 st.merged);
			rc = llmops_eval_baseline_at(ev, &commits, name[0] ? name : NULL, &which,
						     &err);
		}
		llmops_sync_stats_release(&st);
	}
	if (rc == LLMOPS_E_NOTFOUND && h->baseline_missing_ok) {
		fprintf(stderr,
			"llmops: note: --baseline %s: %s (%s and its ancestors)%s; nothing "
			"to compare with yet\n",
			spec, err.msg, spec, fetched);
		llmops_strlist_release(&commits);
		return 0;
	}
	if (rc == LLMOPS_E_NOTFOUND) {
		llmops_error("eval: --baseline %s: %s (%s and its ancestors)%s; record one there, "
			     "or 'llmops ledger push' it from where it ran",
			     spec, err.msg, spec, fetched);
		llmops_strlist_release(&commits);
		return LLMOPS_EXIT_USAGE;
	}
	if (rc) {
		llmops_strlist_release(&commits);
		return llmops_report(&err);
	}
	if (which)
		snprintf(ev->baseline_note, sizeof(ev->baseline_note),
			 "%s: run %s at commit %.12s, %zu commit%s back", spec, ev->baseline_id,
			 commits.items[which], which, which == 1 ? "" : "s");
	else
		snprintf(ev->baseline_note, sizeof(ev->baseline_note), "%s: run %s at commit %.12s",
			 spec, ev->baseline_id, commits.items[which]);
	llmops_strlist_release(&commits);
	return 0;
}

int eval_baseline_resolve(struct eval_host *h, const char *spec)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_err err = {0};
	const struct llmops_lock_entry *e = NULL;
	if (!strcmp(spec, "pinned")) { /* which version is pinned is prompts.lock's to say */
		const struct llmops_eval_variant *v = ev->nprotos == 1 ? &ev->protos[0] : NULL;
		char name[sizeof(v->prompt)], *at;
		if (!v || !v->p) {
			llmops_error("eval: --baseline pinned compares one prompt with its pinned "
				     "version: give one --prompt NAME[@VERSION]");
			return LLMOPS_EXIT_USAGE;
		}
		snprintf(name, sizeof(name), "%s", v->prompt);
		if ((at = strchr(name, '@')))
			*at = 0;
		e = h->have_penv ? llmops_lock_find(&h->penv.lock, name) : NULL;
		if (!e) {
			llmops_error("eval: --baseline pinned: '%s' is not pinned in prompts.lock; "
				     "pin it ('llmops prompt pin %s@VERSION') or give a run id",
				     name, name);
			return LLMOPS_EXIT_USAGE;
		}
	}
	if (!llmops_eval_baseline(ev, spec, e ? e->name : NULL, e ? e->version : NULL, &err))
		return 0;
	if ((err.code == LLMOPS_E_NOTFOUND || err.code == LLMOPS_E_USAGE) && h->have_penv &&
	    !strstr(err.msg, "not an evaluation")) /* not a run: a git revision? */
		return baseline_rev(h, spec);
	if (err.code != LLMOPS_E_USAGE)
		return llmops_report(&err);
	if (h->baseline_missing_ok && strstr(err.msg, "has no finished evaluation")) {
		fprintf(stderr, "llmops: note: %s; nothing to compare with yet\n", err.msg);
		return 0;
	}
	llmops_error("eval: %s", err.msg);
	return LLMOPS_EXIT_USAGE;
}

void eval_baseline_print(const struct llmops_eval *ev, struct llmops_ctx *ctx)
{
	const struct llmops_eval_baseline *b = &ev->baseline;
	if (!b->done)
		return;
	printf("\nagainst the baseline%s%s\n", ev->baseline_note[0] ? " " : "", ev->baseline_note);
	diff_print(&b->diff, b->a, b->b, 0.05, b->significance, 20, ctx);
}
