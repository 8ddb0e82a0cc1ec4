/*
 * models.c - `llmops models`: the price table's models with their prices,
 * context window and tokenizer, and which the project has approved (with
 * the pass rate of the run that qualified each).
 */
#include "llmops.h"

#include "models_view.h"

#include "cmdconfig.h"
#include "options.h"
#include "output.h"
#include "workspace.h"

#include <stdlib.h>

LLMOPS_USAGE(usage, "llmops models",
	     "The models llmops knows a price for (the built-in table, then llmops.json's\n"
	     "\"prices\"): price per million tokens in and out, context window, the tokenizer\n"
	     "that counts their tokens (exact, or an estimate), whether the id is a moving\n"
	     "alias, and whether llmops.json's models.approved lists it, with the pass rate of\n"
	     "the run that qualified it.  --approved: the approved models alone.",
	     "llmops models [--approved] [--format FORMAT]");

int cmd_models(int argc, char **argv, struct llmops_ctx *ctx)
{
	const char *format = "text";
	int approved_only = 0, rc;
	const struct llmops_option opts[] = {
		{OPT_FLAG, 0, "approved", &approved_only, NULL,
		 "only the models llmops.json's models.approved lists", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_workspace *ws;
	struct llmops_pricing *prices = NULL;
	struct llmops_err err = {0};
	struct llmops_ledger *lg = NULL;
	struct llmops_config cfg = {0};
	const struct llmops_approval *ap = &cfg.approval;
	cJSON *arr = NULL;
	struct llmops_model_standing *st = NULL;

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = llmops_ctx_workspace(ctx, &ws)))
		return rc;
	if ((rc = config_load(ws->root, &cfg, &prices)))
		goto out;
	if (approved_only && !ap->active) {
		llmops_error("models: llmops.json lists no models.approved; without --approved "
			     "every priced model is listed");
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	/* each approval's qualifying run, when there is a ledger to find it in */
	st = calloc(ap->n ? ap->n : 1, sizeof(*st));
	if (!st) {
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if (ap->n && llmops_ctx_ledger_read(ctx, &lg))
		lg = NULL;
	for (size_t i = 0; i < ap->n; i++) {
		st[i].ap = &ap->v[i];
		if (lg && llmops_ledger_run_get(lg, ap->v[i].run, &st[i].run, &err))
			st[i].run = NULL;
	}
	int json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	if (json)
		arr = cJSON_CreateArray();
	else
		printf("%-38s %-10s %9s %10s %9s %-13s %s\n", "MODEL", "PROVIDER", "IN $/M",
		       "OUT $/M", "CONTEXT", "TOKENIZER", "APPROVED");
	size_t n = approved_only ? ap->n : llmops_pricing_count(prices);
	for (size_t i = 0; i < n; i++) {
		const struct llmops_price *e = NULL;
		const char *id;
		struct llmops_model_standing none = {0}, *s = &none;
		if (approved_only) {
			id = ap->v[i].id;
			s = &st[i];
			if (llmops_pricing_find(prices, id, &e, &err))
				e = NULL;
		} else {
			e = llmops_pricing_at(prices, i);
			id = e->id;
			const struct llmops_approved *x = llmops_model_approval(ap, e);
			for (size_t k = 0; x && k < ap->n; k++)
				if (st[k].ap == x)
					s = &st[k];
		}
		/* the entry, then the ids it also prices (the dated ids a refusal of a moving
		   alias points to are among them) */
		llmops_model_row(stdout, arr, prices, id, e, s);
		const char *al;
		for (size_t k = 0; !approved_only && e && (al = llmops_price_alias(e, k)); k++)
			llmops_model_row(stdout, arr, prices, al, e, s);
	}
	if (json)
		rc = llmops_emit(stdout, arr, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME : 0;
	else
		printf("\n~: counted with the nearest public tokenizer (an estimate); prices from "
		       "%s\n",
		       llmops_pricing_source(prices));
out:
	for (size_t i = 0; st && i < ap->n; i++)
		llmops_run_free(st[i].run);
	free(st);
	cJSON_Delete(arr);
	llmops_config_release(&cfg);
	llmops_pricing_free(prices);
	return rc;
}
