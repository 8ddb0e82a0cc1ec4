/*
 * dataset_view.c - `llmops dataset diff` as JSON and as text (dataset_view.h).
 */
#include "dataset_view.h"

#include "json.h"

#include <math.h>

static cJSON *side_json(const struct llmops_dataset_side *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "path", s->src->path);
	if (s->src->rev[0]) {
		cJSON_AddStringToObject(o, "rev", s->src->rev);
		cJSON_AddStringToObject(o, "commit", s->src->commit);
		cJSON_AddStringToObject(o, "blob", s->src->blob);
	} else {
		cJSON_AddNullToObject(o, "rev");
		cJSON_AddNullToObject(o, "commit");
		cJSON_AddNullToObject(o, "blob");
	}
	cJSON_AddStringToObject(o, "format", s->d->format);
	cJSON_AddStringToObject(o, "sha256", s->d->sha256);
	LLMOPS_JSON_NUMS(o, {"cases", s->d->n}, {"bytes", s->d->bytes});
	return o;
}

cJSON *llmops_dataset_diff_json(const struct llmops_dataset_side *a,
				const struct llmops_dataset_side *b,
				const struct llmops_dataset_diff *d)
{
	cJSON *o = cJSON_CreateObject(), *cases;
	cJSON_AddItemToObject(o, "a", side_json(a));
	cJSON_AddItemToObject(o, "b", side_json(b));
	LLMOPS_JSON_NUMS(o, {"removed", d->removed}, {"added", d->added}, {"changed", d->changed},
			 {"unchanged", d->same});
	cases = cJSON_AddArrayToObject(o, "cases");
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_case_diff *c = &d->cases[i];
		cJSON *x = cJSON_CreateObject(), *keys;
		cJSON_AddStringToObject(x, "id", c->id);
		cJSON_AddStringToObject(x, "change", llmops_case_change_name(c->kind));
		LLMOPS_JSON_NUMS(x, {"line_a", c->line_a ? c->line_a : NAN},
				 {"line_b", c->line_b ? c->line_b : NAN});
		keys = cJSON_AddArrayToObject(x, "keys");
		for (size_t k = 0; k < c->keys.nr; k++)
			cJSON_AddItemToArray(keys, cJSON_CreateString(c->keys.items[k]));
		cJSON_AddItemToArray(cases, x);
	}
	return o;
}

static void side_print(FILE *f, const struct llmops_dataset_side *s)
{
	fprintf(f, "%s (%zu case%s", s->name, s->d->n, s->d->n == 1 ? "" : "s");
	if (s->src->rev[0])
		fprintf(f, ", commit %.12s", s->src->commit);
	else
		fputs(", work tree", f);
	fprintf(f, ", sha256 %.12s)", s->d->sha256);
}

void llmops_dataset_diff_print(FILE *f, const struct llmops_dataset_side *a,
			       const struct llmops_dataset_side *b,
			       const struct llmops_dataset_diff *d, const struct llmops_sgr *c)
{
	fputs("a: ", f);
	side_print(f, a);
	fputs("\nb: ", f);
	side_print(f, b);
	fprintf(f, "\n%zu removed, %zu added, %zu changed, %zu unchanged\n", d->removed, d->added,
		d->changed, d->same);
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_case_diff *x = &d->cases[i];
		const char *col = x->kind == LLMOPS_CASE_REMOVED ? c->red
				  : x->kind == LLMOPS_CASE_ADDED ? c->green
								 : c->yellow;
		const char mark = x->kind == LLMOPS_CASE_REMOVED ? '-'
				  : x->kind == LLMOPS_CASE_ADDED ? '+'
								 : '~';
		fprintf(f, "%s%c %s%s", col, mark, x->id, c->reset);
		for (size_t k = 0; k < x->keys.nr; k++)
			fprintf(f, "%s%s", k ? ", " : ": ", x->keys.items[k]);
		if (x->line_a && x->line_b)
			fprintf(f, "  (line %d -> %d)\n", x->line_a, x->line_b);
		else
			fprintf(f, "  (line %d)\n", x->line_a ? x->line_a : x->line_b);
	}
}
