/*
 * eval_resume.c - `llmops eval --resume RUN`: the options the run was
 * started with, parsed again as they were given.
 */
#include "llmops.h"

#include "eval_opts.h"

#include <stdlib.h>
#include <string.h>

int eval_resume_options(struct eval_host *h, const struct eval_opts *o, struct eval_opts *ro)
{
	struct llmops_eval_resumable r;
	struct llmops_err err = {0};
	char **view = NULL;
	int rc = 0;
	if (llmops_eval_resumable(h->ledger, o->resume, &r, &err)) {
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
		snprintf(h->resume_sha, sizeof(h->resume_sha), "%s", r.dataset_sha256);
		snprintf(h->resume_id, sizeof(h->resume_id), "%s", r.run_id);
	}
	llmops_eval_resumable_release(&r);
	return rc;
}
