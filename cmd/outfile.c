/*
 * outfile.c - output files written whole or not at all (see outfile.h).
 */
#include "outfile.h"

#include "llmops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int outfile_open(struct outfile *o, const char *path, const char *who)
{
	o->path = path;
	o->tmp[0] = 0;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    sizeof(o->tmp)) {
		llmops_error("%s: %s: the path is too long", who, path);
		return LLMOPS_EXIT_USAGE;
	}
	if (!(o->f = fopen(o->tmp, "w"))) {
		llmops_error("%s: cannot write %s: %s", who, path, strerror(errno));
		o->tmp[0] = 0;
		return LLMOPS_EXIT_RUNTIME;
	}
	return 0;
}

int outfile_close(struct outfile *o, const char *who)
{
	int bad;
	if (!o->tmp[0])
		return fflush(o->f) ? LLMOPS_EXIT_RUNTIME : 0;
	bad = ferror(o->f);
	bad |= fclose(o->f);
	o->f = NULL;
	if (bad || rename(o->tmp, o->path)) {
		llmops_error("%s: cannot write %s: %s", who, o->path, strerror(errno));
		unlink(o->tmp);
		return LLMOPS_EXIT_RUNTIME;
	}
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->tmp[0]) {
		fclose(o->f);
		unlink(o->tmp);
	}
	o->f = NULL;
}
