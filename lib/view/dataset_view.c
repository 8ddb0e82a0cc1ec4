/*
 * dataset_view.c - `llmops dataset diff` as JSON and as text (dataset_view.h).
 */
#include "dataset_view.h"

#include "json.h"
#include "runfmt.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

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

/* ISO 8601 with the commit's offset: "2026-12-08T14:02:11+01:00". */
static void iso(char *out, size_t n, int64_t t, int tz_minutes)
{
	time_t at = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	char base[32];
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	if (!gmtime_r(&at, &tm) || !strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm))
		base[0] = 0;
	snprintf(out, n, "%s%c%02d:%02d", base, tz_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

static cJSON *run_json(const struct llmops_run *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "started_at", r->started_at ? r->started_at : "");
	cJSON_AddStringToObject(o, "status", llmops_run_status_name(r->status));
	LLMOPS_JSON_NUMS(o, {"cases", r->cases}, {"passed", r->passed});
	return o;
}

cJSON *llmops_dataset_log_json(const char *path, const struct llmops_dataset_history *h,
			       const struct llmops_version_runs *runs)
{
	cJSON *o = cJSON_CreateObject(), *vs;
	cJSON_AddStringToObject(o, "path", path);
	vs = cJSON_AddArrayToObject(o, "versions");
	for (size_t i = 0; i < h->n; i++) {
		const struct llmops_dataset_version *v = &h->v[i];
		cJSON *x = cJSON_CreateObject();
		char t[64];
		cJSON_AddStringToObject(x, "change", llmops_dataset_version_kind(v->kind));
		if (v->commit[0]) {
			iso(t, sizeof(t), v->time, v->tz_minutes);
			cJSON_AddStringToObject(x, "commit", v->commit);
			cJSON_AddStringToObject(x, "time", t);
			cJSON_AddStringToObject(x, "author", v->author);
			cJSON_AddStringToObject(x, "summary", v->summary);
		} else {
			cJSON_AddNullToObject(x, "commit");
			cJSON_AddNullToObject(x, "time");
			cJSON_AddNullToObject(x, "author");
			cJSON_AddNullToObject(x, "summary");
		}
		llmops_runfmt_add_str(x, "blob", v->blob[0] ? v->blob : NULL);
		llmops_runfmt_add_str(x, "sha256", v->sha256[0] ? v->sha256 : NULL);
		LLMOPS_JSON_NUMS(x, {"cases", v->cases >= 0 ? (double)v->cases : NAN});
		if (v->problem)
			cJSON_AddStringToObject(x, "problem", v->problem);
		else
			cJSON_AddNullToObject(x, "problem");
		cJSON *rs = cJSON_AddArrayToObject(x, "runs");
		for (size_t k = 0; k < runs[i].n; k++)
			cJSON_AddItemToArray(rs, run_json(runs[i].runs[k]));
		cJSON_AddItemToArray(vs, x);
	}
	return o;
}

void llmops_dataset_log_print(FILE *f, const char *path, const struct llmops_dataset_history *h,
			      const struct llmops_version_runs *runs, const struct llmops_sgr *c)
{
	size_t total = 0;
	for (size_t i = 0; i < h->n; i++)
		total += runs[i].n;
	fprintf(f, "%s%s%s: %zu version%s, %zu run%s\n", c->bold, path, c->reset, h->n,
		h->n == 1 ? "" : "s", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < h->n; i++) {
		const struct llmops_dataset_version *v = &h->v[i];
		char t[32];
		if (v->commit[0]) {
			llmops_runfmt_commit_time(t, sizeof(t), v->time, v->tz_minutes);
			fprintf(f, "%s%.12s%s %s %-9s", c->yellow, v->commit, c->reset, t,
				llmops_dataset_version_kind(v->kind));
		} else {
			fprintf(f, "%-12s %-16s %-9s", "(work tree)", "", "uncommitted");
		}
		if (v->kind == LLMOPS_LOG_BOUNDARY) {
			fputs("  the history stops here (a shallow clone)\n", f);
			continue;
		}
		if (v->sha256[0])
			fprintf(f, "  sha256 %.12s", v->sha256);
		if (v->cases >= 0)
			fprintf(f, "  %ld case%s", v->cases, v->cases == 1 ? "" : "s");
		else if (v->blob[0])
			fputs("  does not parse", f);
		if (runs[i].n) {
			const struct llmops_run *r = runs[i].runs[0];
			fprintf(f, "  %zu run%s, newest %s %s %lld/%lld", runs[i].n,
				runs[i].n == 1 ? "" : "s", r->id, llmops_run_status_name(r->status),
				(long long)r->passed, (long long)r->cases);
		} else if (v->sha256[0]) {
			fputs("  no runs", f);
		}
		if (v->summary && v->summary[0])
			fprintf(f, "  %s", v->summary);
		fputc('\n', f);
	}
}

static const char *case_id_of(const cJSON *c)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
	return cJSON_IsString(id) ? id->valuestring : "";
}

cJSON *llmops_incident_json(const char *path, int line, const cJSON *c,
			    const struct llmops_incident_from *from)
{
	cJSON *o = cJSON_CreateObject(), *f;
	cJSON_AddStringToObject(o, "dataset", path);
	cJSON_AddStringToObject(o, "id", case_id_of(c));
	LLMOPS_JSON_NUMS(o, {"line", line});
	cJSON_AddItemToObject(o, "case", cJSON_Duplicate(c, 1));
	f = cJSON_AddObjectToObject(o, "from");
	llmops_runfmt_add_str(f, "run", from->run[0] ? from->run : NULL);
	llmops_runfmt_add_str(f, "case", from->case_id[0] ? from->case_id : NULL);
	llmops_runfmt_add_str(f, "record", from->record[0] ? from->record : NULL);
	llmops_runfmt_add_str(f, "dataset", from->dataset[0] ? from->dataset : NULL);
	llmops_runfmt_add_str(f, "version", from->version[0] ? from->version : NULL);
	cJSON_AddStringToObject(f, "expected", from->expected);
	return o;
}

void llmops_incident_print(FILE *f, const char *path, int line, const cJSON *c,
			   const struct llmops_incident_from *from)
{
	fprintf(f, "added case '%s' to %s:%d, from ", case_id_of(c), path, line);
	if (from->record[0])
		fprintf(f, "production record %s", from->record);
	else
		fprintf(f, "run %s case '%s' (%s, %s %s)", from->run, from->case_id,
			from->passed == 1   ? "passed"
			: from->passed == 0 ? "failed"
					    : "errored",
			from->dataset, from->version);
	fprintf(f, "; expected from %s\n", from->expected);
}
