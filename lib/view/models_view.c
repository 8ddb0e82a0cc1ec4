/*
 * models_view.c - the models llmops can price, a row each (models_view.h).
 */
#include "models_view.h"

#include "models.h"
#include "runfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void standing_json(cJSON *o, const struct llmops_model_standing *s)
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

static void standing_text(char *out, size_t n, const struct llmops_model_standing *s)
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
const struct llmops_approved *llmops_model_approval(const struct llmops_approval *a,
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
		       int exact, int moving, const struct llmops_model_standing *s)
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

static void row_text(FILE *f, const char *id, const struct llmops_price *e, const char *tokenizer,
		     int exact, int moving, const struct llmops_model_standing *s)
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
	fprintf(f, "%-38s %-10s %9s %10s %9s %-13s %s%s\n", shown, e ? e->provider : "-", in, out,
		ctxw, tokenizer, moving ? "(moving) " : "", ap);
	(void)exact;
}

void llmops_model_row(FILE *f, cJSON *arr, const struct llmops_pricing *prices, const char *id,
		      const struct llmops_price *e, const struct llmops_model_standing *s)
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
		row_text(f, id, e, tk, mt.exact, moving, s);
}
