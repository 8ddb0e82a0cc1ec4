/*
 * eval_base.c - --baseline RUN|last|pinned|REV settled before anything is
 * sent: a run of the ledger, the pinned version's newest run (prompts.lock
 * says which), or the newest evaluation at a git revision or its nearest
 * ancestor that has one, fetching what was pushed to origin when the ledger
 * has none.  The comparison itself is made once the run is over
 * (eval_ledger.c), as `llmops diff` makes it.
 */
#include "eval.h"

#include "internal.h"
#include "ledgersync.h"

#include <stdio.h>
#include <string.h>

/* How far back --baseline REV looks for a commit with an evaluation. */
#define BASELINE_DEPTH 1000

/* The one prompt of the run, without its version, into name ("" when it has none or more). */
static void one_prompt(const struct llmops_eval *ev, char *name, size_t n)
{
	const struct llmops_eval_variant *v = ev->nprotos == 1 ? &ev->protos[0] : NULL;
	char *at;
	name[0] = 0;
	if (v && v->p) {
		snprintf(name, n, "%s", v->prompt);
		if ((at = strchr(name, '@')))
			*at = 0;
	}
}

/* None here: what others pushed to origin may have one.  0 (fetched: look again, *fetched
   says what happened) or an error: the fetch failed or refused snapshots, and a gate must
   not pass without what it could not see. */
static int fetch_origin(struct llmops_eval *ev, const char *spec, char *fetched, size_t n,
			struct llmops_strlist *notes, struct llmops_err *err)
{
	struct llmops_sync_stats st;
	struct llmops_err ferr = {0};
	int rc = 0;
	if (llmops_ledger_fetch(ev->ledger, llmops_store_root(ev->penv.store), "origin", ev->env,
				&st, &ferr) &&
	    ferr.code == LLMOPS_E_USAGE) {
		/* no remote called origin: nothing was pushed anywhere to look at */
		snprintf(fetched, n, "; no remote 'origin' to fetch from");
	} else if (ferr.code) {
		rc = llmops_err_set(
			err, LLMOPS_E_USAGE,
			"eval: --baseline %s: no run here, and fetching the runs pushed "
			"to origin failed: %s; a CI job needs the remote's credentials "
			"(llmops-init(1), CI PIPELINES)",
			spec, ferr.msg);
	} else if (st.refused.nr) {
		for (size_t i = 0; i < st.refused.nr; i++)
			llmops_strlist_appendf(
				notes, "eval: --baseline %s: fetching from origin refused %s", spec,
				st.refused.items[i]);
		rc = llmops_err_set(
			err, LLMOPS_E_USAGE,
			"eval: --baseline %s: %zu snapshot%s on origin refused, so the "
			"baseline cannot be trusted to be there; delete the bad refs on "
			"origin ('git push origin --delete REF')",
			spec, st.refused.nr, st.refused.nr == 1 ? "" : "s");
	} else {
		snprintf(fetched, n, "; %ld runs fetched from origin", st.merged);
		rc = 1;
	}
	llmops_sync_stats_release(&st);
	return rc;
}

/* --baseline REV: the newest evaluation of the same dataset and prompt at REV or its nearest
   ancestor that has one. */
static int baseline_rev(struct llmops_eval *ev, const char *spec, int missing_ok,
			struct llmops_strlist *notes, struct llmops_err *err)
{
	struct llmops_strlist commits = LLMOPS_STRLIST_INIT;
	char name[LLMOPS_NAME_MAX + 80], fetched[160] = "";
	size_t which = 0;
	int rc;

	if (llmops_store_ancestors(ev->penv.store, spec, BASELINE_DEPTH, &commits, err))
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "eval: --baseline %s is neither a run (a run id or 4 or more "
				      "of its first characters, last, last~N, pinned) nor a git "
				      "revision here",
				      spec);
	one_prompt(ev, name, sizeof(name));
	rc = llmops_eval_baseline_at(ev, &commits, name[0] ? name : NULL, &which, err);
	if (rc == LLMOPS_E_NOTFOUND) {
		struct llmops_err lerr = *err;
		int f = fetch_origin(ev, spec, fetched, sizeof(fetched), notes, err);
		if (f == 1)
			rc = llmops_eval_baseline_at(ev, &commits, name[0] ? name : NULL, &which,
						     err);
		else if (f)
			rc = f;
		else
			*err = lerr; /* nothing fetched: the first answer stands */
	}
	if (rc == LLMOPS_E_NOTFOUND && missing_ok) {
		llmops_strlist_appendf(notes,
				       "note: --baseline %s: %s (%s and its ancestors)%s; nothing "
				       "to compare with yet",
				       spec, err->msg, spec, fetched);
		llmops_err_clear(err);
		rc = 0;
	} else if (rc == LLMOPS_E_NOTFOUND) {
		char why[LLMOPS_ERR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err->msg);
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "eval: --baseline %s: %s (%s and its ancestors)%s; record one "
				    "there, or 'llmops ledger push' it from where it ran",
				    spec, why, spec, fetched);
	} else if (!rc && ev->baseline_id[0]) {
		if (which)
			snprintf(ev->baseline_note, sizeof(ev->baseline_note),
				 "%s: run %s at commit %.12s, %zu commit%s back", spec,
				 ev->baseline_id, commits.items[which], which,
				 which == 1 ? "" : "s");
		else
			snprintf(ev->baseline_note, sizeof(ev->baseline_note),
				 "%s: run %s at commit %.12s", spec, ev->baseline_id,
				 commits.items[which]);
	}
	llmops_strlist_release(&commits);
	return rc;
}

int llmops_eval_settle_baseline(struct llmops_eval *ev, const char *spec, int missing_ok,
				struct llmops_strlist *notes, struct llmops_err *err)
{
	const struct llmops_lock_entry *e = NULL;
	if (!strcmp(spec, "pinned")) { /* which version is pinned is prompts.lock's to say */
		char name[LLMOPS_NAME_MAX + 80];
		one_prompt(ev, name, sizeof(name));
		if (!name[0])
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"eval: --baseline pinned compares one prompt with its "
				"pinned version: give one --prompt NAME[@VERSION]");
		e = ev->have_penv ? llmops_lock_find(&ev->penv.lock, name) : NULL;
		if (!e)
			return llmops_err_set(
				err, LLMOPS_E_USAGE,
				"eval: --baseline pinned: '%s' is not pinned in "
				"prompts.lock; pin it ('llmops prompt pin %s@VERSION') "
				"or give a run id",
				name, name);
	}
	if (!llmops_eval_baseline(ev, spec, e ? e->name : NULL, e ? e->version : NULL, err))
		return 0;
	if ((err->code == LLMOPS_E_NOTFOUND || err->code == LLMOPS_E_USAGE) && ev->have_penv &&
	    !strstr(err->msg, "not an evaluation")) { /* not a run: a git revision? */
		llmops_err_clear(err);
		return baseline_rev(ev, spec, missing_ok, notes, err);
	}
	if (err->code != LLMOPS_E_USAGE)
		return err->code;
	if (missing_ok && strstr(err->msg, "has no finished evaluation")) {
		llmops_strlist_appendf(notes, "note: %s; nothing to compare with yet", err->msg);
		llmops_err_clear(err);
		return 0;
	}
	char why[LLMOPS_ERR_MSG_MAX];
	snprintf(why, sizeof(why), "%s", err->msg);
	return llmops_err_set(err, LLMOPS_E_USAGE, "eval: %.1000s", why);
}
