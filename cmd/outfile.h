/*
 * outfile.h - an output file (a report, an export) written whole or not at
 * all, through lib's one atomic writer; "-" is stdout.
 */
#ifndef LLMOPS_CMD_OUTFILE_H
#define LLMOPS_CMD_OUTFILE_H

#include "atomicfile.h"

#include <stdio.h>

struct outfile {
	FILE *f;		/* write here */
	struct llmops_atomic a; /* a.f == NULL for stdout */
};

/* Open path for writing ("-": stdout); private: a new file is made 0600 (it holds what the
   ledger holds: outputs, the users' text).  Prints the error (naming who) and returns 3. */
int outfile_open(struct outfile *o, const char *path, const char *who, int private);
/* Finish: flush, close and put into place.  Prints the error, returns 0 or 3. */
int outfile_close(struct outfile *o, const char *who);
/* Give up: the file is not written. */
void outfile_abort(struct outfile *o);

#endif
