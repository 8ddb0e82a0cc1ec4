/*
 * safepath.c - reads kept inside the repository (see safepath.h).
 */
#include "safepath.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int llmops_path_check_inside(const char *root, const char *full, const char *rel,
			     struct llmops_err *err)
{
	char *r = realpath(root, NULL), *t = realpath(full, NULL);
	int rc = LLMOPS_OK;

	if (r && t) {
		size_t n = strlen(r);
		int inside = !strncmp(t, r, n) && (t[n] == '/' || t[n] == '\0' || !strcmp(r, "/"));
		if (!inside)
			rc = llmops_err_set(err, LLMOPS_E_INPUT,
					    "'%s' is a symbolic link that leads out of the "
					    "repository (to '%s'); llmops reads prompts only from "
					    "inside it: commit the file itself",
					    rel, t);
	}
	free(r);
	free(t);
	return rc;
}
