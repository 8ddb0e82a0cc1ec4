/*
 * runfmt.h - how runs and results are named and written (runs, show, diff,
 * stats, report, export, eval), so that every output agrees with the others.
 * Writers write to the FILE they are given, never to stdout on their own.
 */
#ifndef LLMOPS_VIEW_RUNFMT_H
#define LLMOPS_VIEW_RUNFMT_H

#include "ledger.h"
#include "sgr.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "2026-11-22 14:03" in local time from the ledger's UTC timestamp. */
void llmops_runfmt_when(const char *iso, char *out, size_t n);
/* A commit's time t (seconds since the epoch) in its own zone (tz_minutes east of UTC):
   "2026-12-08 14:02" into out[0..n) ("-" when it cannot be told). */
void llmops_runfmt_commit_time(char *out, size_t n, int64_t t, int tz_minutes);
/* "summarize@v1.0.0", "summarize@v1.0.0 +1" for several prompts, "-" for none. */
void llmops_runfmt_prompt(const struct llmops_run *r, char *out, size_t n);
/* "openai/gpt-4o-mini", "openai:gpt-4o +1" for several providers, "-" for none. */
void llmops_runfmt_model(const struct llmops_run *r, char *out, size_t n);
/* "1a2b3c4" of the commit, with "*" when the prompt files were dirty; "-" without git. */
void llmops_runfmt_commit(const struct llmops_run *r, char *out, size_t n);
/* The N of the run's --repeat N (from its parameters); 1 for a run without. */
int llmops_runfmt_repeats(const struct llmops_run *r);
/* "10" cases, or "10x3" for 10 cases run 3 times each. */
void llmops_runfmt_cases(const struct llmops_run *r, char *out, size_t n);
/* The run as a JSON object (the caller's). */
cJSON *llmops_runfmt_run_json(const struct llmops_run *r);
/* "pass", "fail" or "error" for a result's passed field. */
const char *llmops_runfmt_verdict(int passed);
/* The same as one letter, for HTML classes: 'p', 'f', 'e' (error), 's' (skipped). */
char llmops_runfmt_verdict_class(int passed);
/* s as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break);
   a cell starting with =, +, -, @, tab or CR gets a leading ' (formula injection). */
void llmops_runfmt_csv_field(FILE *f, const char *s);
/* x with fmt, nothing when x is NAN (an empty CSV cell). */
void llmops_runfmt_csv_num(FILE *f, double x, const char *fmt);
/* s escaped for XML 1.0 text and attributes (characters XML forbids become '?'). */
void llmops_runfmt_xml_text(FILE *f, const char *s);
/* s as one Markdown table cell: '|' escaped, line breaks as spaces, cut at max bytes. */
void llmops_runfmt_md_cell(FILE *f, const char *s, size_t max);
/*
 * What a result answered, for a report's cell (the caller's: free()): its
 * output, or for a tool loop or a conversation (steps, results.steps' JSON)
 * each step on a line first: "[turn 2] get_weather({...}) -> 21C", "[turn 1]
 * one", then "= " and the output.  NULL when out of memory.
 */
char *llmops_runfmt_answered(const char *steps, const char *output);
/* Add s to o as a string, or null when s is NULL. */
void llmops_runfmt_add_str(cJSON *o, const char *key, const char *s);
/* Add x to o as a number, or null when x is NAN. */
void llmops_runfmt_add_num(cJSON *o, const char *key, double x);
/* Add [lo, hi] to o as an array; empty when lo is NAN (no interval). */
void llmops_runfmt_add_interval(cJSON *o, const char *key, double lo, double hi);

/* Dollars for text: "$0.000138" (six places), a non-zero amount under a millionth with the
   places it needs ("$0.00000010"), "-" for NAN.  Returns buf. */
const char *llmops_runfmt_money(char *buf, size_t n, double usd);
/* x with fmt then unit ("42 ms"), or "-" when x is unknown (NAN).  Returns buf. */
const char *llmops_runfmt_num(char *buf, size_t n, double x, const char *fmt, const char *unit);
/* one when n is 1, else many: "1 case", "2 cases". */
const char *llmops_runfmt_plural(long n, const char *one, const char *many);

/* "INDENTtitle:" and text (or "(none)") below it, each line indented two more, on f. */
void llmops_runfmt_block(FILE *f, const char *indent, const char *title, const char *text);

/* The runs as a table, newest first as given: id, when, kind, commit, prompt, model, cases,
   pass rate, cost, status. */
void llmops_runs_print(FILE *f, struct llmops_run *const *runs, size_t n,
		       const struct llmops_sgr *c);

#endif
