/*
 * eval_ledger.c - `llmops eval --resume RUN`: the options the run was
 * started with; and the engine's begin, take-up and finish with their
 * errors printed.
 */
#include "llmops.h"

#include "eval_cmd.h"
#include "eval_opts.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ resume */

int eval_resume_options(struct eval_host *h, const struct eval_opts *o, struct eval_opts *ro)
{
	struct llmops_eval *ev = &h->ev;
	struct llmops_eval_resumable r;
	struct llmops_err err = {0};
	char **view = NULL;
	int rc = 0;
	if (llmops_eval_resumable(ev->ledger, o->resume, &r, &err)) {
		if (err.code != LLMOPS_E_USAGE)
			return llmops_report(&err);
		llmops_error("eval: %s", err.msg);
		return LLMOPS_EXIT_USAGE;
	}
	int n = (int)r.argv.nr;
	if (!(ro->argv = calloc((size_t)n + 2, sizeof(char *))) ||
	    !(view = calloc((size_t)n + 2, sizeof(char *))))
		rc = LLMOPS_EXIT_RUNTIME;
	if (!rc) {
		int i = 0;
		ro->argv[i++] = strdup("eval");
		for (size_t k = 0; k < r.argv.nr; k++)
			ro->argv[i++] = strdup(r.argv.items[k]);
		/* parsing reorders its argv: give it a view, keep ro->argv for freeing */
		memcpy(view, ro->argv, (size_t)i * sizeof(char *));
		rc = eval_parse_options(i, view, ro);
		if (rc < 0)
			rc = LLMOPS_EXIT_USAGE;
	}
	free(view);
	if (!rc && r.have_prompts) {
		llmops_strlist_release(&ro->prompts);
		for (size_t k = 0; k < r.prompts.nr; k++)
			llmops_strlist_append(&ro->prompts, r.prompts.items[k]);
	}
	if (!rc) {
		snprintf(ev->resume_sha, sizeof(ev->resume_sha), "%s", r.dataset_sha256);
		snprintf(ev->run_id, sizeof(ev->run_id), "%s", r.run_id);
		ev->resumed = 1;
	}
	llmops_eval_resumable_release(&r);
	return rc;
}

int eval_begin(struct eval_host *h, const struct eval_opts *o)
{
	struct llmops_err err = {0};
	const struct llmops_eval_record rec = {o->argv_in};
	int rc = h->ev.resumed ? llmops_eval_take_up(&h->ev, &err)
			       : llmops_eval_begin(&h->ev, &rec, &err);
	return rc ? llmops_report(&err) : 0;
}

void eval_end(struct eval_host *h, int status)
{
	struct llmops_err err = {0};
	if (llmops_eval_finish(&h->ev, status, &err))
		llmops_report(&err);
}

void eval_teardown(struct eval_host *h)
{
	llmops_eval_release(&h->ev);
	cJSON_Delete(h->cfg);
	llmops_buf_release(&h->cfg_text);
	if (h->have_penv)
		llmops_prompt_env_close(&h->penv);
}
