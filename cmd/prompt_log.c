/*
 * prompt_log.c - `llmops prompt log NAME`: the commits that added or changed
 * its versions, moved its pin, or changed the partials it renders.
 */
#include "prompt_cmd.h"
#include "promptview.h"
#include "pinclosure.h"

#include "options.h"
#include "output.h"

#include <stdlib.h>

/* ---- log ---- */

struct log_out {
	cJSON *events; /* JSON mode: collected here */
	struct llmops_ctx *ctx;
	size_t count;
};

static int log_event(void *ud, const struct llmops_log_event *ev)
{
	struct log_out *lo = ud;
	lo->count++;
	if (lo->events) {
		cJSON_AddItemToArray(lo->events, llmops_prompt_log_json(ev));
	} else {
		const struct llmops_sgr sgr = llmops_sgr_of(lo->ctx);
		llmops_prompt_log_print(stdout, ev, &sgr);
	}
	return 0;
}

/* The render closure whose partials prompt log follows: the pin's, else the newest version's
   at HEAD (nothing when neither can be read). */
static void log_partials(struct llmops_prompt_env *env, const char *name,
			 struct llmops_lock_entry *cl)
{
	const struct llmops_lock_entry *pe = llmops_lock_find(&env->lock, name);
	struct llmops_snapshot *head = NULL;
	struct llmops_catalog cat = {0};
	struct llmops_err err = {0};
	if (pe && pe->has_partials) {
		*cl = *pe;
		return;
	}
	if (!llmops_snapshot_open(&head, env->store, NULL, &err) &&
	    !llmops_store_catalog(env->store, head, 0, &cat, &err)) {
		const struct llmops_family *f = llmops_catalog_find(&cat, name);
		const char *path = pe ? pe->path : f && f->n ? f->files[f->n - 1].path : NULL;
		if (path)
			(void)llmops_pin_closure_at(head, path, cl, &err);
	}
	llmops_catalog_release(&cat);
	llmops_snapshot_free(head);
}

int prompt_log(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt log",
		     "The commits that added, changed or deleted each version of NAME, that\n"
		     "changed a partial the pinned version (else the newest) includes, and that\n"
		     "moved its pin in prompts.lock, newest first.  In a shallow clone the\n"
		     "history stops at the clone's boundary, and says so.",
		     "llmops prompt log NAME [--format FORMAT]");
	const char *format = "text";
	const struct llmops_option opts[] = {OPT_FORMAT_ENTRY(&format), OPT_HELP_ENTRY,
					     OPT_END_ENTRY};
	struct log_out lo = {NULL, ctx, 0};
	struct llmops_promptref ref;
	struct llmops_catalog cat;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 0, 0, &err))
		return llmops_report(&err);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON)
		lo.events = cJSON_CreateArray();
	/* the partials the pinned version renders (else the newest version's) */
	struct llmops_lock_entry *cl = calloc(1, sizeof(*cl));
	char paths[LLMOPS_LOCK_MAX_PARTIALS][LLMOPS_NAME_MAX + 64];
	const char *pp[LLMOPS_LOCK_MAX_PARTIALS];
	size_t np = 0;
	if (!cl) {
		llmops_prompt_env_close(&env);
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	log_partials(&env, ref.name, cl);
	for (size_t i = 0; i < cl->npartials; i++) {
		snprintf(paths[np], sizeof(paths[np]), LLMOPS_PARTIALS_DIR "/%s.txt",
			 cl->partials[i].name);
		pp[np] = paths[np];
		np++;
	}
	free(cl);
	if (!lo.events)
		llmops_pager_start(ctx);
	if (llmops_store_log_ex(env.store, ref.name, pp, np, log_event, &lo, &err)) {
		rc = llmops_report(&err);
	} else if (!lo.count) {
		/* Nothing in history: an unknown name gets the list; a new family a note. */
		if (llmops_store_catalog(env.store, NULL, 1, &cat, &err)) {
			rc = llmops_report(&err);
		} else {
			if (!prompt_find_family(&cat, ref.name))
				rc = LLMOPS_EXIT_USAGE;
			else
				llmops_error("note: '%s' has no commits yet", ref.name);
			llmops_catalog_release(&cat);
		}
	}
	if (!rc && lo.events) {
		rc = llmops_emit_out(lo.events, LLMOPS_FORMAT_JSON);
		lo.events = NULL;
	}
	cJSON_Delete(lo.events);
	llmops_prompt_env_close(&env);
	return rc;
}
