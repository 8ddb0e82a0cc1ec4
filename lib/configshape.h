/*
 * configshape.h - the shape llmops.json must have before anything reads it.
 *
 * Checks only structure (which sections are objects, which members are
 * objects), so that no reader ever walks a value of the wrong kind; the
 * keys inside a section are checked by the section's reader.
 */
#ifndef LLMOPS_CONFIGSHAPE_H
#define LLMOPS_CONFIGSHAPE_H

#include "error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * 0 when root (parsed from text, len bytes, named file in messages) has the
 * shape of llmops.json: an object whose "providers" (if present) maps names
 * to objects and whose "eval", "cost", "lint" and "prices" (if present) are
 * objects.  Else LLMOPS_E_INPUT with "file:line:col: " at the value at fault
 * in err.  Borrows everything; allocates nothing that outlives the call.
 */
int llmops_config_check_shape(const cJSON *root, const char *text, size_t len, const char *file,
			      struct llmops_err *err);

#endif
