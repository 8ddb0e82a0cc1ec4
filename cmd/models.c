/*
 * models.c - `llmops models`: the price table's models with their prices,
 * context window and tokenizer, and which the project has approved (with
 * the pass rate of the run that qualified each).
 */
#include "llmops.h"

#include "approval.h"
#include "cmdconfig.h"
#include "ledger.h"
#include "models.h"
#include "options.h"
#include "output.h"
#include "run_fmt.h"
#include "workspace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const synopsis[] = {
	"llmops models [--approved] [--format FORMAT]",
	NULL,
};
static const struct llmops_usage usage = {
	"llmops models",
	synopsis,
	"The models llmops knows a price for (the built-in table, then llmops.json's\n"
	"\"prices\"): price per million tokens in and out, context window, the tokenizer\n"
	"that counts their tokens (exact, or an estimate), whether the id is a moving\n"
	"alias, and whether llmops.json's models.approved lists it, with the pass rate of\n"
	"the run that qualified it.  --approved: the approved models alone.",
};

/* What one approved id stands on: its qualifying run as the ledger has it. */
struct standing {
	const struct llmops_approved *ap;
	struct llmops_run *run; /* owned; NULL when the ledger has no such run */
};

static void standing_json(cJSON *o, const struct standing *s)
{
	if (!s->ap) {
		cJSON_AddNullToObject(o, "approved");
		return;
	}
	cJSON *a = cJSON_AddObjectToObject(o, "approved");
	cJSON_AddStringToObject(a, "id", s->ap->id);
	cJSON_AddStringToObject(a, "run", s->ap->run);
	cJSON_AddBoolToObject(a, "run_found", s->run != NULL);
	llmops_runfmt_add_num(
		a, "pass_rate",
		s->run && s->run->cases ? (double)s->run->passed / (double)s->run->cases : NAN);
	if (s->run)
		cJSON_AddStringToObject(a, "status", llmops_run_status_name(s->run->status));
}

static void standing_text(char *out, size_t n, const struct standing *s)
{
	if (!s->ap)
		snprintf(out, n, "-");
	else if (!s->run)
		snprintf(out, n, "%s (run %.12s: not in the ledger)", s->ap->id, s->ap->run);
	else
		snprintf(out, n, "%s (run %.12s, pass rate %.1f%%)", s->ap->id, s->run->id,
			 s->run->cases ? 100.0 * (double)s->run->passed / (double)s->run->cases
				       : 0.0);
}

/* The approval naming the entry e (its id or an alias), or NULL. */
static const struct llmops_approved *approval_of(const struct llmops_approval *a,
						 const struct llmops_price *e)
{
	const struct llmops_approved *x = llmops_approval_find(a, e->id);
	const char *al;
	for (size_t k = 0; !x && (al = llmops_price_alias(e, k)); k++)
		x = llmops_approval_find(a, al);
	return x;
}

/* An entry that prices a family of ids (fine-tunes: "ft:gpt-4o"; "ft:gpt-3.5-turbo-"), not a
   model one can name: shown as a pattern ("ft:gpt-4o*"), never as a model id. */
static int is_pattern(const char *id)
{
	size_t n = strlen(id);
	return !strncmp(id, "ft:", 3) || (n && strchr("-:/", id[n - 1]));
}

static cJSON *row_json(const char *id, const struct llmops_price *e, const char *tokenizer,
		       int exact, int moving, const struct standing *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddBoolToObject(o, "pattern", is_pattern(id));
	if (e && strcmp(e->id, id))
		cJSON_AddStringToObject(o, "alias_of", e->id);
	llmops_runfmt_add_str(o, "provider", e ? e->provider : NULL);
	llmops_runfmt_add_num(o, "input_usd_per_mtok", e ? e->input : NAN);
	llmops_runfmt_add_num(o, "output_usd_per_mtok", e ? e->output : NAN);
	llmops_runfmt_add_num(o, "cached_input_usd_per_mtok",
			      e && e->cached_input >= 0 ? e->cached_input : NAN);
	llmops_runfmt_add_num(o, "context_window",
			      e && e->context_window > 0 ? (double)e->context_window : NAN);
	cJSON_AddStringToObject(o, "tokenizer", tokenizer);
	cJSON_AddBoolToObject(o, "tokenizer_exact", exact);
	cJSON_AddBoolToObject(o, "moving", moving);
	standing_json(o, s);
	return o;
}

static void row_text(const char *id, const struct llmops_price *e, const char *tokenizer, int exact,
		     int moving, const struct standing *s)
{
	char in[32] = "-", out[32] = "-", ctxw[32] = "-", ap[200];
	if (e) {
		snprintf(in, sizeof(in), "%.4g", e->input);
		snprintf(out, sizeof(out), "%.4g", e->output);
		if (e->context_window > 0)
			snprintf(ctxw, sizeof(ctxw), "%ld", e->context_window);
	}
	standing_text(ap, sizeof(ap), s);
	char shown[300];
	snprintf(shown, sizeof(shown), "%s%s", id, is_pattern(id) ? "*" : "");
	printf("%-38s %-10s %9s %10s %9s %-13s %s%s\n", shown, e ? e->provider : "-", in, out, ctxw,
	       tokenizer, moving ? "(moving) " : "", ap);
	(void)exact;
}

/* One row for id, priced by e: into arr (JSON) when there is one, else printed. */
static void emit_row(cJSON *arr, const struct llmops_pricing *prices, const char *id,
		     const struct llmops_price *e, const struct standing *s)
{
	struct llmops_model_tokens mt;
	char tk[40];
	if (!llmops_model_tokens(id, e ? e->provider : NULL, &mt))
		llmops_model_tokens(id, "other", &mt);
	snprintf(tk, sizeof(tk), "%s%s", mt.encoding, mt.exact ? "" : "~");
	int moving = !is_pattern(id) && llmops_model_moving(prices, id, NULL, 0);
	if (arr)
		cJSON_AddItemToArray(arr, row_json(id, e, mt.encoding, mt.exact, moving, s));
	else
		row_text(id, e, tk, mt.exact, moving, s);
}

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
	struct standing *st = NULL;

	if ((rc = llmops_parse_command(argc, argv, opts, &usage, 0, 0)) < 0)
		return LLMOPS_OPT_EXIT(rc);
	if ((rc = llmops_ctx_workspace(ctx, &ws)))
		return rc;
	if (llmops_pricing_builtin(&prices, &err))
		return llmops_report(&err);
	if ((rc = config_load(ws->root, &cfg, prices)))
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
		struct standing none = {0}, *s = &none;
		if (approved_only) {
			id = ap->v[i].id;
			s = &st[i];
			if (llmops_pricing_find(prices, id, &e, &err))
				e = NULL;
		} else {
			e = llmops_pricing_at(prices, i);
			id = e->id;
			const struct llmops_approved *x = approval_of(ap, e);
			for (size_t k = 0; x && k < ap->n; k++)
				if (st[k].ap == x)
					s = &st[k];
		}
		/* the entry, then the ids it also prices (the dated ids a refusal of a moving
		   alias points to are among them) */
		emit_row(arr, prices, id, e, s);
		const char *al;
		for (size_t k = 0; !approved_only && e && (al = llmops_price_alias(e, k)); k++)
			emit_row(arr, prices, al, e, s);
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
