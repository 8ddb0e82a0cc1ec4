/*
 * outfile.h - an output file written whole or not at all: written beside
 * its path under a temporary name and renamed into place on success, so a
 * failed or interrupted write never leaves half a report.  "-" is stdout.
 */
#ifndef LLMOPS_CMD_OUTFILE_H
#define LLMOPS_CMD_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *f;
	const char *path; /* borrowed */
	char tmp[4096];	  /* "" for stdout */
};

/* Open path for writing ("-": stdout).  Prints the error (naming who) and returns 3. */
int outfile_open(struct outfile *o, const char *path, const char *who);
/* Finish: flush, close and rename into place.  Prints the error, returns 0 or 3. */
int outfile_close(struct outfile *o, const char *who);
/* Give up: close and remove the temporary file. */
void outfile_abort(struct outfile *o);

#endif
