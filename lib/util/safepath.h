/*
 * safepath.h - keeping reads inside the repository.
 *
 * A committed symbolic link can point anywhere (~/.ssh/id_rsa, /etc/...);
 * following it would send that file's content to a provider and record the
 * run as clean.  Before llmops reads a work-tree file it asks here where the
 * path really leads.
 */
#ifndef LLMOPS_SAFEPATH_H
#define LLMOPS_SAFEPATH_H

#include "error.h"

#include <stddef.h>

/*
 * Where full (a path under root) leads once every symbolic link in it is
 * resolved: LLMOPS_OK when inside root (root itself or below it), or when
 * it does not resolve at all (it does not exist: the caller's read reports
 * that); LLMOPS_E_INPUT when it leads out of root, with a message naming
 * rel (the path as the user knows it) and the target in err.  Borrows
 * everything; allocates nothing that outlives the call.
 */
int llmops_path_check_inside(const char *root, const char *full, const char *rel,
			     struct llmops_err *err);

#endif
