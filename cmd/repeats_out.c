/*
 * repeats_out.c - a repeated run's figures as text (the JSON and Markdown are lib/view's).
 */
#include "repeats_out.h"

#include "runfmt.h"

#include <math.h>
#include <stdio.h>

/* k = 1, the middle, the most: the figures a reader compares. */
static void print_ks(const struct llmops_repeats *r, const char *name, int hat)
{
	int want[3] = {1, (r->max_runs + 1) / 2, r->max_runs}, prev = 0;
	printf("%s", name);
	for (int i = 0; i < 3; i++) {
		if (want[i] <= prev || want[i] > (int)r->nks)
			continue;
		const struct llmops_rep_k *k = &r->ks[want[i] - 1];
		printf("%s k=%d %.3f", prev ? "," : "", k->k, hat ? k->pass_hat_k : k->pass_at_k);
		prev = want[i];
	}
}

void repeats_print(const struct llmops_repeats *r, const char *indent, const char *green,
		   const char *red, const char *reset)
{
	printf("%spassed  %s%ld/%ld%s results (%.1f%%, 95%% CI %.1f%%-%.1f%%: %zu cases x %d "
	       "repeats",
	       indent, r->passed == r->results ? green : red, r->passed, r->results, reset,
	       r->results ? 100 * r->rate : 0.0, 100 * r->lo, 100 * r->hi, r->ncases, r->max_runs);
	if (!isnan(r->deff))
		printf(", design effect %.2f", r->deff);
	printf("), %ld failed, %ld errors\n", r->failed, r->errors);
	printf("%scases   %ld always passed, %ld never passed, %s%ld flaky%s", indent, r->always,
	       r->never, r->flaky ? red : "", r->flaky, r->flaky ? reset : "");
	if (r->partial)
		printf(", %ld passed except for errors", r->partial);
	printf("\n%s", indent);
	print_ks(r, "pass@k ", 0);
	print_ks(r, "; pass^k", 1);
	printf("\n");
}

void repeats_print_flaky(const struct llmops_repeats *r, const char *indent, const char *variant,
			 size_t max, size_t *shown)
{
	for (size_t i = 0; i < r->ncases && *shown < max; i++) {
		const struct llmops_rep_case *x = &r->cases[i];
		if (!x->flaky)
			continue;
		(*shown)++;
		printf("%s%s%s%s: %ld/%ld passed", indent, x->case_id, variant ? " on " : "",
		       variant ? variant : "", x->passed, x->runs);
		if (x->errors)
			printf(" (%ld errors)", x->errors);
		if (!isnan(x->score_mean))
			printf(", score %.3f", x->score_mean);
		if (!isnan(x->score_sd))
			printf(" sd %.3f (%.3f-%.3f)", x->score_sd, x->score_min, x->score_max);
		printf("\n");
	}
}
