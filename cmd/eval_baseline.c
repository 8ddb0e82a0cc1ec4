/*
 * eval_baseline.c - `llmops eval --baseline RUN|last|pinned`: the pinned
 * version from prompts.lock handed to the engine (which settles the run
 * before any request is sent and compares once it is done, as `llmops diff`
 * does), and the comparison printed.
 */
#include "llmops.h"

#include "diff_out.h"
#include "eval_cmd.h"

#include <stdlib.h>
#include <string.h>

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
	if (err.code != LLMOPS_E_USAGE)
		return llmops_report(&err);
	llmops_error("eval: %s", err.msg);
	return LLMOPS_EXIT_USAGE;
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
