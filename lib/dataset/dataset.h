/*
 * dataset.h - evaluation datasets: a JSON array, JSONL, or CSV of cases.
 *
 * A case's reserved keys are id, vars, expected, output, threshold,
 * metric, assert and tags; every other top-level key is a template
 * variable (and so are the members of "vars", which win on a clash).  In
 * CSV the header names the columns; expected, id, output and threshold are
 * reserved, the rest are variables.
 */
#ifndef LLMOPS_DATASET_H
#define LLMOPS_DATASET_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "error.h"
#include "hash.h"
#include "strlist.h"

struct llmops_case {
	char *id;	  /* owned: the case's id, or "case-N" (1-based) when it has none */
	cJSON *vars;	  /* owned: object of template variables */
	cJSON *fields;	  /* owned: the case's reserved keys (expected, output, ...) */
	int line;	  /* where the case starts in the file */
	size_t off, span; /* its JSON text in the file (JSON and JSONL); span 0: none (CSV) */
};

struct llmops_dataset {
	char *label;  /* owned: the path used in messages */
	char *format; /* owned: "json", "jsonl" or "csv" */
	char sha256[LLMOPS_SHA256_HEX_LEN + 1];
	size_t bytes;
	struct llmops_case *cases; /* owned array */
	size_t n;
	struct llmops_strlist columns; /* CSV: the header's column names; empty otherwise */
};

/*
 * Parse text[0..len) named label; the format comes from the extension
 * (.json, .jsonl/.ndjson, .csv), else from the first character.  Errors
 * (LLMOPS_E_INPUT) name label:line:col.  Release d with
 * llmops_dataset_release() whatever the result.
 */
int llmops_dataset_parse(struct llmops_dataset *d, const char *label, const char *text, size_t len,
			 struct llmops_err *err);
/*
 * The same with flags: LLMOPS_DATASET_ALLOW_DUPLICATE_IDS parses a
 * dataset whose ids repeat (for lint, which reports every repeat).
 */
#define LLMOPS_DATASET_ALLOW_DUPLICATE_IDS 1u
int llmops_dataset_parse_ex(struct llmops_dataset *d, const char *label, const char *text,
			    size_t len, unsigned flags, struct llmops_err *err);
/*
 * The case indices sorted by id, then by line (so repeats of an id follow
 * its first use).  malloc'd, the caller frees; NULL when out of memory.
 */
size_t *llmops_dataset_by_id(const struct llmops_dataset *d);
/* ------------------------------------------------------------- streaming */

/*
 * A cursor over a dataset's text that yields one case at a time, for runs
 * that must not hold the whole dataset: JSON arrays element by element,
 * JSONL by line, CSV by record.  text is borrowed and must outlive the
 * cursor.  Flags: LLMOPS_CURSOR_RELEASE (text is a file mapping): the
 * pages already read are given back to the kernel as it goes;
 * LLMOPS_CURSOR_CHECKED: a cursor has read this text to its end without an
 * error before, so JSON is parsed without the strict pre-scan that
 * positions errors.  The text must be valid UTF-8 (see
 * llmops_dataset_file_open); duplicate ids are not checked.  Free with
 * llmops_dataset_cursor_free().
 */
struct llmops_dataset_cursor;
#define LLMOPS_CURSOR_RELEASE 1u
#define LLMOPS_CURSOR_CHECKED 2u
int llmops_dataset_cursor_open(struct llmops_dataset_cursor **out, const char *label,
			       const char *text, size_t len, unsigned flags,
			       struct llmops_err *err);
/*
 * JSONL read side by side: where the i-th of k slices of text starts (0
 * for the first, len for i >= k), at the start of a line.
 */
size_t llmops_dataset_jsonl_slice(const char *text, size_t len, unsigned i, unsigned k);
/*
 * A cursor over the lines of JSONL text[start, end) (start at the start of
 * a line), numbering lines and cases (for messages and default ids) as a
 * cursor that read from text's beginning would; *before: the cases before
 * start.  LLMOPS_E_USAGE when text is not JSONL.  Free as above.
 */
int llmops_dataset_cursor_open_slice(struct llmops_dataset_cursor **out, const char *label,
				     const char *text, size_t start, size_t end, unsigned flags,
				     size_t *before, struct llmops_err *err);
/*
 * The next case into *out (the caller's: llmops_case_release()): 1, 0 at
 * the end, or an error with label:line:col.
 */
int llmops_dataset_cursor_next(struct llmops_dataset_cursor *c, struct llmops_case *out,
			       struct llmops_err *err);
/* "json", "jsonl" or "csv" (static). */
const char *llmops_dataset_cursor_format(const struct llmops_dataset_cursor *c);
/* CSV: move the header's column names (read with the first case) into out, the caller's
   (llmops_strlist_release); out is left empty for JSON and JSONL. */
void llmops_dataset_cursor_take_columns(struct llmops_dataset_cursor *c,
					struct llmops_strlist *out);
void llmops_dataset_cursor_free(struct llmops_dataset_cursor *c);
void llmops_case_release(struct llmops_case *c);
/* The format of a dataset by its name, else by its first character (static). */
const char *llmops_dataset_format_of(const char *label, const char *text, size_t len);

/*
 * A dataset file opened for streaming: mapped (or read, when it cannot be
 * mapped) and checked to be UTF-8 in one pass that keeps none of it
 * resident.  text/len stay valid until llmops_dataset_file_close().
 * Errors: LLMOPS_E_NOTFOUND, LLMOPS_E_IO, LLMOPS_E_INPUT (not UTF-8, with
 * its position).  sha256 is empty until llmops_dataset_file_hash(), a
 * pass of its own (so that it can run beside another reader).
 */
struct llmops_dataset_file {
	char *label; /* owned: the path */
	const char *text;
	size_t len;
	char sha256[LLMOPS_SHA256_HEX_LEN + 1];
	int mapped; /* text is a mapping (pass LLMOPS_CURSOR_RELEASE to cursors) */
	void *map_;
	char *heap_;
};
int llmops_dataset_file_open(struct llmops_dataset_file *f, const char *path,
			     struct llmops_err *err);
/* f->sha256 from its text (no other field is touched: safe beside readers of it). */
int llmops_dataset_file_hash(struct llmops_dataset_file *f, struct llmops_err *err);
void llmops_dataset_file_close(struct llmops_dataset_file *f);
/* Give the whole pages of a mapping's text[from, upto) back to the kernel (read again from
   the page cache on use): what keeps a streamed dataset from staying resident. */
void llmops_dataset_give_back(const char *text, size_t from, size_t upto);

/* Read and parse the file at path (LLMOPS_E_NOTFOUND when it does not exist). */
int llmops_dataset_load(struct llmops_dataset *d, const char *path, struct llmops_err *err);
void llmops_dataset_release(struct llmops_dataset *d);

/*
 * Make text the "expected" of case case_id in the dataset file at path,
 * replacing the file atomically.  JSONL: only that case's line changes.
 * JSON: only the bytes of that value change (or one member is added when
 * the case has no "expected"), the file's layout kept.  CSV is refused
 * (LLMOPS_E_USAGE): a cell may hold anything, edit it by hand.  When was is
 * not NULL, the case's expected must still be was (what a run scored
 * against), else LLMOPS_E_CHECK and nothing is written.
 * Errors: LLMOPS_E_NOTFOUND (no such file or case), LLMOPS_E_INPUT, LLMOPS_E_IO.
 */
int llmops_dataset_set_expected(const char *path, const char *case_id, const char *was,
				const char *text, struct llmops_err *err);

/*
 * Add the case obj (a JSON object; its "id" names it) at the end of the dataset at
 * path, every other byte of the file as it was: JSONL a line, JSON an element after
 * the last (indented as it), CSV a row in the header's columns (each key of the case
 * must have one and be text or a number).  A missing .json or .jsonl file is made.
 * *line gets the line the case starts on.  Refused, nothing written:
 * LLMOPS_E_CHECK when the dataset has a case of that id or one with the same
 * content (every key but the id), LLMOPS_E_USAGE for what CSV cannot hold,
 * LLMOPS_E_NOTFOUND for a missing CSV, LLMOPS_E_INPUT when the file does not parse;
 * LLMOPS_E_IO when it cannot be written (atomically).
 */
int llmops_dataset_append(const char *path, const cJSON *obj, int *line, struct llmops_err *err);

#endif
