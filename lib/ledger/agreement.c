/*
 * agreement.c - a judge's verdicts against the reviewers' (see agreement.h).
 */
#include "agreement.h"

#include "internal.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether rubric "name@version" is the one asked for (NULL: any). */
static int wanted(const char *rubric, const char *want)
{
	size_t n;
	if (!want)
		return 1;
	if (strchr(want, '@'))
		return !strcmp(rubric, want);
	n = strlen(want);
	return !strncmp(rubric, want, n) && rubric[n] == '@';
}

static struct llmops_agreement *entry(struct llmops_agreement **v, size_t *n, size_t *cap,
				      const char *rubric)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].rubric, rubric))
			return &(*v)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct llmops_agreement *p = realloc(*v, c * sizeof(*p));
		if (!p)
			return NULL;
		*v = p;
		*cap = c;
	}
	struct llmops_agreement *a = &(*v)[(*n)++];
	memset(a, 0, sizeof(*a));
	snprintf(a->rubric, sizeof(a->rubric), "%s", rubric);
	return a;
}

static int by_rubric(const void *x, const void *y)
{
	return strcmp(((const struct llmops_agreement *)x)->rubric,
		      ((const struct llmops_agreement *)y)->rubric);
}

int llmops_judge_agreement(struct llmops_ledger *lg, const char *rubric,
			   struct llmops_agreement **out, size_t *n, struct llmops_err *err)
{
	/* the latest decided review of each result that has a verdict */
	static const char sql[] =
		"SELECT r.judge, r.threshold, v.status FROM reviews v"
		" JOIN results r ON r.id = v.result_id"
		" WHERE v.status IN ('accepted', 'rejected') AND r.judge IS NOT NULL"
		" AND v.id = (SELECT max(x.id) FROM reviews x WHERE x.result_id = v.result_id"
		"  AND x.status IN ('accepted', 'rejected'))"
		" ORDER BY v.id";
	struct llmops_agreement *v = NULL;
	size_t nv = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_prepare(lg, sql, &st, err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *j = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		const cJSON *rb = cJSON_GetObjectItemCaseSensitive(j, "rubric");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "score");
		const cJSON *lo = cJSON_GetObjectItemCaseSensitive(j, "scale_min");
		const cJSON *hi = cJSON_GetObjectItemCaseSensitive(j, "scale_max");
		double thr = sqlite3_column_type(st, 1) == SQLITE_NULL
				     ? 0.5
				     : sqlite3_column_double(st, 1);
		int accepted = !strcmp((const char *)sqlite3_column_text(st, 2), "accepted");
		if (cJSON_IsString(rb) && cJSON_IsNumber(sc) && cJSON_IsNumber(lo) &&
		    cJSON_IsNumber(hi) && hi->valuedouble > lo->valuedouble &&
		    wanted(rb->valuestring, rubric)) {
			double s = (sc->valuedouble - lo->valuedouble) /
				   (hi->valuedouble - lo->valuedouble);
			struct llmops_agreement *a = entry(&v, &nv, &cap, rb->valuestring);
			if (!a) {
				cJSON_Delete(j);
				rc = SQLITE_NOMEM;
				break;
			}
			a->c[s + 1e-12 >= thr][accepted]++;
			a->n++;
		}
		cJSON_Delete(j);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return rc == SQLITE_NOMEM ? llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory")
					  : ledger_fail(lg, rc, "cannot read the reviews", err);
	}
	for (size_t i = 0; i < nv; i++)
		llmops_kappa((const long(*)[2])v[i].c, &v[i].po, &v[i].kappa, &v[i].lo, &v[i].hi);
	if (nv > 1)
		qsort(v, nv, sizeof(*v), by_rubric);
	*out = v;
	*n = nv;
	return LLMOPS_OK;
}
