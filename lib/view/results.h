/*
 * results.h - a run's results written one row per result, the same
 * way whichever command writes them (eval -o, report, show): CSV, JSON
 * Lines, JUnit XML and the Markdown table of the results that did not
 * pass.  The rows come from a source that walks them in order (the
 * ledger as eval leaves it, or a run loaded in memory), so a writer never
 * needs the whole run in memory.
 */
#ifndef LLMOPS_VIEW_RESULTS_H
#define LLMOPS_VIEW_RESULTS_H

#include "ledger.h"
#include "rundata.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* Where rows come from: each(ud, fn, fnud) calls fn for every result in order. */
struct llmops_results_src {
	int (*each)(void *ud, int (*fn)(const struct llmops_result *r, void *fnud), void *fnud);
	void *ud;
	const char *run_id;  /* borrowed */
	const char *dataset; /* borrowed: the dataset's path (JUnit class names); may be NULL */
	int repeated;	     /* the run has repeats: rows name theirs */
};

/* A source over a run loaded in memory (d borrowed; it must outlive src). */
void llmops_results_src_data(struct llmops_results_src *src, const struct llmops_run_data *d);

/* One result as JSON (the caller's): the keys every command uses for a result. */
cJSON *llmops_results_json(const struct llmops_result *r, int with_text, int repeated);

/* The columns: case,variant,repeat,outcome,metric,score,threshold,latency_ms,ttft_ms,
   tokens_in,tokens_out,cost_usd,attempts,cache_hit,reason,expected,output,provider,model
   (the provider and model that answered). */
int llmops_results_csv(FILE *f, const struct llmops_results_src *src);
/* Those column names but the last two (no line end), and one result's cells (no line
   end), for a writer that puts columns of its own before them (export: the run's, with
   the provider and model that answered). */
extern const char llmops_results_csv_columns[];
void llmops_results_csv_cells(FILE *f, const struct llmops_result *r);
/* One JSON object per line: llmops_results_json with the text, and "run". */
int llmops_results_jsonl(FILE *f, const struct llmops_results_src *src);
/* One <testsuite> per variant, one <testcase> per result. */
int llmops_results_junit(FILE *f, const struct llmops_results_src *src);
/* "### title (N)" and a table of the results that did not pass; "Every case passed." when
   none.  Returns the rows written, or -1 on an error. */
long llmops_results_markdown_failing(FILE *f, const struct llmops_results_src *src,
				     const char *title);

#endif
