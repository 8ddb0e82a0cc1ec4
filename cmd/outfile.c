/*
 * outfile.c - output files written whole or not at all (see outfile.h).
 */
#include "outfile.h"

#include "llmops.h"

#include <string.h>
#include <sys/stat.h>

int outfile_open(struct outfile *o, const char *path, const char *who, int private)
{
	struct llmops_err err = {0};
	struct stat st;
	int fresh = stat(path, &st) != 0;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	if (llmops_atomic_open(&o->a, path, &err)) {
		llmops_error("%s: %s", who, err.msg);
		return LLMOPS_EXIT_RUNTIME;
	}
	o->f = o->a.f;
	/* what the ledger keeps 0600 (outputs, the users' text) is not less private in a
	   report or an export; a file there already keeps its mode */
	if (private && fresh)
		fchmod(fileno(o->f), 0600);
	return 0;
}

int outfile_close(struct outfile *o, const char *who)
{
	struct llmops_err err = {0};

	if (!o->a.f)
		return fflush(o->f) ? LLMOPS_EXIT_RUNTIME : 0;
	o->f = NULL;
	if (llmops_atomic_commit(&o->a, &err)) {
		llmops_error("%s: %s", who, err.msg);
		return LLMOPS_EXIT_RUNTIME;
	}
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->a.f)
		llmops_atomic_abort(&o->a);
	o->f = NULL;
}
