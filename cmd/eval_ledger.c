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
	struct llmops_run *run = NULL;
	struct llmops_err err = {0};
	int rc = 0;
	if (llmops_ledger_run_get(ev->ledger, o->resume, &run, &err))
		return llmops_report(&err);
	cJSON *params = run->params_json ? cJSON_Parse(run->params_json) : NULL;
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(params, "argv");
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(params, "prompts"), *x;
	if (!run->kind || strcmp(run->kind, "eval") || !cJSON_IsArray(av)) {
		llmops_error("eval: --resume %s: run %s is not an evaluation", o->resume, run->id);
		rc = LLMOPS_EXIT_USAGE;
	} else if (run->status != LLMOPS_RUN_INTERRUPTED && run->status != LLMOPS_RUN_RUNNING) {
		llmops_error("eval: --resume %s: run %s is finished (%s): nothing to resume",
			     o->resume, run->id, llmops_run_status_name(run->status));
		rc = LLMOPS_EXIT_USAGE;
	}
	int n = rc ? 0 : cJSON_GetArraySize(av);
	char **view = NULL;
	if (!rc && (!(ro->argv = calloc((size_t)n + 2, sizeof(char *))) ||
		    !(view = calloc((size_t)n + 2, sizeof(char *)))))
		rc = LLMOPS_EXIT_RUNTIME;
	if (!rc) {
		int i = 0;
		ro->argv[i++] = strdup("eval");
		cJSON_ArrayForEach (x, av)
			ro->argv[i++] = strdup(cJSON_IsString(x) ? x->valuestring : "");
		/* parsing reorders its argv: give it a view, keep ro->argv for freeing */
		memcpy(view, ro->argv, (size_t)i * sizeof(char *));
		rc = eval_parse_options(i, view, ro);
		if (rc < 0)
			rc = LLMOPS_EXIT_USAGE;
	}
	free(view);
	if (!rc && cJSON_IsArray(pr)) { /* the versions the run resolved, not today's pins */
		llmops_strlist_release(&ro->prompts);
		cJSON_ArrayForEach (x, pr)
			if (cJSON_IsString(x))
				llmops_strlist_append(&ro->prompts, x->valuestring);
	}
	const cJSON *sha = cJSON_GetObjectItemCaseSensitive(params, "dataset_sha256");
	if (!rc && cJSON_IsString(sha))
		snprintf(ev->resume_sha, sizeof(ev->resume_sha), "%s", sha->valuestring);
	if (!rc) {
		snprintf(ev->run_id, sizeof(ev->run_id), "%s", run->id);
		ev->resumed = 1;
	}
	cJSON_Delete(params);
	llmops_run_free(run);
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
		prompt_env_close(&h->penv);
}
