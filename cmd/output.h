/*
 * output.h - one structure, two renderings.
 *
 * A command builds its result as a cJSON tree and hands it to
 * llmops_emit(), which writes either the JSON (for --format json) or a
 * readable text view of the same tree, so the two never drift apart.
 * Text view: "label: value" per member (underscores in keys become
 * spaces), nested objects indented by two spaces, arrays of scalars joined
 * with ", ", arrays of objects as indented blocks.
 */
#ifndef LLMOPS_OUTPUT_H
#define LLMOPS_OUTPUT_H

#include <cjson/cJSON.h>
#include <stdio.h>

enum llmops_format {
	LLMOPS_FORMAT_TEXT = 0,
	LLMOPS_FORMAT_JSON,
};

/* "text" -> TEXT, "json" -> JSON; NULL -> TEXT. */
int llmops_format_from(const char *name);

/* Write root (borrowed) to out.  Returns 0, or -1 when out of memory. */
int llmops_emit(FILE *out, const cJSON *root, int format);

/* Write o to stdout in format and free it: 0, or the exit status of a failure ("out of
   memory" printed). */
int llmops_emit_out(cJSON *o, int format);

#endif
