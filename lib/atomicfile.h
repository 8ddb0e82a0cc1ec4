/*
 * atomicfile.h - replace a file whole or not at all.
 */
#ifndef LLMOPS_ATOMICFILE_H
#define LLMOPS_ATOMICFILE_H

#include "error.h"

#include <stddef.h>

/*
 * Write data to a new file beside path (keeping path's permissions, 0644
 * for a new file), fsync it and rename it over path: a reader sees the old
 * content or the new, never a mix; a failure leaves path as it was.
 * LLMOPS_E_IO (naming the file) or LLMOPS_E_NOMEM.
 */
int llmops_write_atomic(const char *path, const char *data, size_t len, struct llmops_err *err);

#endif
