/*
 * atomicfile.h - a file replaced whole or not at all: the one writer for
 * every file llmops writes in place (prompts.lock, datasets, lint --fix,
 * reports and exports).
 *
 * Content goes to a new file beside the path, which is flushed, fsync'd
 * and renamed over the path, and the directory is fsync'd: a reader sees
 * the old content or the new, never a mix, and a failure or an interrupted
 * process leaves the path as it was.  A replaced file keeps its mode; a
 * new one gets 0666 less the umask, as fopen would give it.
 */
#ifndef LLMOPS_ATOMICFILE_H
#define LLMOPS_ATOMICFILE_H

#include "error.h"

#include <stddef.h>
#include <stdio.h>

/* A file being written; the caller owns it (on its stack, usually). */
struct llmops_atomic {
	FILE *f;    /* write the content here */
	char *path; /* owned: where it goes */
	char *tmp;  /* owned: where it is being written */
};

/*
 * Start writing path.  On success a->f is open for writing and the caller
 * ends with llmops_atomic_commit() or llmops_atomic_abort().  LLMOPS_E_IO
 * (naming the file: a missing directory, no permission) or LLMOPS_E_NOMEM.
 */
int llmops_atomic_open(struct llmops_atomic *a, const char *path, struct llmops_err *err);
/* Put the content in place; a failed write shows here.  a is released either way.
   LLMOPS_E_IO naming path. */
int llmops_atomic_commit(struct llmops_atomic *a, struct llmops_err *err);
/* Give up: the temporary file is removed and path is untouched.  a is released. */
void llmops_atomic_abort(struct llmops_atomic *a);

/* The whole content at once: open, write, commit.  Errors as above. */
int llmops_write_atomic(const char *path, const char *data, size_t len, struct llmops_err *err);

#endif
