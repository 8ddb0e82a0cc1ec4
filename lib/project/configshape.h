/*
 * configshape.h - the shape llmops.json must have before anything reads it.
 *
 * Checks structure (which sections are objects, which members are
 * objects), so that no reader ever walks a value of the wrong kind, and
 * every key of the file, "eval" and "cost" (known, holding what it must);
 * the keys of a provider and of "lint" are checked by their readers.  A key
 * starting with '$' ("$comment") is allowed anywhere.
 */
#ifndef LLMOPS_CONFIGSHAPE_H
#define LLMOPS_CONFIGSHAPE_H

#include "error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * 0 when root (parsed from text, len bytes, named file in messages) has the
 * shape of llmops.json: an object of providers, eval, cost, lint and prices
 * only, whose "providers" (if present) maps names to objects and whose
 * "eval", "cost", "lint" and "prices" (if present) are objects, "eval" and
 * "cost" with known keys of the right type and range.  Else LLMOPS_E_INPUT
 * with "file:line:col: " at the value (or the unknown key, with the nearest
 * known one) at fault in err.  Borrows everything; allocates nothing that outlives the call.
 */
int llmops_config_check_shape(const cJSON *root, const char *text, size_t len, const char *file,
			      struct llmops_err *err);

#endif
