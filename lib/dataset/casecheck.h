/*
 * casecheck.h - the one check of a dataset case that eval, cost and lint
 * share, so that a case is refused with the same words at the same
 * position whichever command reads it: its "metric" names a metric
 * llmops has, its "threshold" is a number in [0, 1], its "assert" list
 * parses (known types, well-formed values), and it has something to be
 * judged by.
 */
#ifndef LLMOPS_CASECHECK_H
#define LLMOPS_CASECHECK_H

#include "assertions.h"
#include "dataset.h"

#include <stddef.h>

enum llmops_case_problem {
	LLMOPS_CASE_THRESHOLD, /* not a number in [0, 1] */
	LLMOPS_CASE_METRIC,    /* not a metric llmops has */
	LLMOPS_CASE_ASSERT,    /* an assertion that does not parse */
	LLMOPS_CASE_UNUSED,    /* a metric or threshold with no "expected" to score */
	LLMOPS_CASE_NOTHING,   /* neither "expected" nor "assert" */
};

/*
 * Called for each problem of a case: kind, where (line and column in the
 * dataset file) and the message ("case 'ID': ...", lower case, borrowed).
 */
typedef void (*llmops_case_problem_fn)(void *ud, int kind, int line, int col, const char *msg);

/*
 * Check case c of the dataset whose whole text is text[0..len) (positions
 * by the case's span there; text NULL: the case's line, column 1).  Every
 * problem goes to fn; returns how many there were.  When asserts is not
 * NULL it receives the case's parsed assertions (the caller's: release
 * with llmops_assertions_release) whether or not the case is sound.
 */
int llmops_case_check(const struct llmops_case *c, const char *text, size_t len,
		      llmops_case_problem_fn fn, void *ud, struct llmops_assertions *asserts);

/*
 * The first problem of case c that stops a command, as an error
 * "file:line:col: case 'ID': ..." (LLMOPS_E_INPUT); 0 when there is none.
 * A metric or threshold with no "expected" never stops one (the case is
 * judged by its assertions).  judging: LLMOPS_JUDGING_CASES (eval: a case
 * with nothing to judge it by stops it), LLMOPS_JUDGING_NONE (cost: cases
 * as traffic) or LLMOPS_JUDGING_BY_RUN (a run whose judge metric scores
 * every case).  asserts as for llmops_case_check.
 */
enum { LLMOPS_JUDGING_NONE = 0, LLMOPS_JUDGING_CASES = 1, LLMOPS_JUDGING_BY_RUN = 2 };
int llmops_case_first_problem(const struct llmops_case *c, const char *file, const char *text,
			      size_t len, int judging, struct llmops_assertions *asserts,
			      struct llmops_err *err);

/* Every case of d (parsed from text[0..len)) by llmops_case_first_problem: 0 or the first. */
int llmops_dataset_check(const struct llmops_dataset *d, const char *text, size_t len, int judging,
			 struct llmops_err *err);

/* Where key of case c is (its value's key; key NULL: the case itself). */
void llmops_case_locate(const struct llmops_case *c, const char *text, size_t len, const char *key,
			int *line, int *col);

#endif
