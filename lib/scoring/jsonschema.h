/*
 * jsonschema.h - the part of JSON Schema (draft 2020-12 vocabulary) that an
 * evaluation's output checks need.
 *
 * Keywords: type (a name or a list of names: object, array, string,
 * number, integer, boolean, null), enum, const, properties, required,
 * additionalProperties (a boolean or a schema), items (a schema),
 * minItems, maxItems, minLength, maxLength (in code points), pattern
 * (PCRE2, unanchored, UTF mode), minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum (numbers), and the annotations title, description,
 * $schema, $id, $comment, default and examples.  A schema using any other
 * keyword ($ref, oneOf, anyOf, allOf, not, format, ...) is refused by
 * llmops_schema_check() rather than silently half-applied.
 */
#ifndef LLMOPS_JSONSCHEMA_H
#define LLMOPS_JSONSCHEMA_H

#include "buf.h"
#include "error.h"

#include <cjson/cJSON.h>

/*
 * Check that schema is a schema this module can apply.  Errors
 * (LLMOPS_E_INPUT) name the offending keyword by its JSON pointer
 * ("/properties/age/minimum: must be a number").
 */
int llmops_schema_check(const cJSON *schema, struct llmops_err *err);

/*
 * Validate instance against a checked schema.  Returns 1 when it is valid,
 * 0 when not (why, caller-owned, receives the first violation with its
 * JSON pointer: "/age: 150 is above the maximum 120"), -1 when out of memory.
 */
int llmops_schema_validate(const cJSON *schema, const cJSON *instance, struct llmops_buf *why);

#endif
