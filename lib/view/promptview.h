/*
 * promptview.h - prompts as the prompt verbs print them: a family with its
 * versions, pin and canary (JSON, or a line of text); a version's front
 * matter and templates as JSON; rendered messages as text.
 */
#ifndef LLMOPS_VIEW_PROMPTVIEW_H
#define LLMOPS_VIEW_PROMPTVIEW_H

#include "lock.h"
#include "prompt.h"
#include "sgr.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* A family with its pin and canary (f or pin may be NULL, not both: a pin of a missing
   family); the caller's. */
cJSON *llmops_prompt_family_json(const struct llmops_family *f, const struct llmops_lock_entry *pin,
				 const struct llmops_lock_entry *cy);
/* The same as a line of text, the name padded to width. */
void llmops_prompt_family_text(FILE *out, const struct llmops_family *f,
			       const struct llmops_lock_entry *pin,
			       const struct llmops_lock_entry *cy, int width,
			       const struct llmops_sgr *c);
/* A version's front matter, and its messages as the file has them (templates unrendered);
   the caller's. */
cJSON *llmops_prompt_meta_json(const struct llmops_prompt *p);
cJSON *llmops_prompt_templates_json(const struct llmops_prompt *p);
/*
 * Rendered messages as text: a lone user message as it is, several with a [role] line each
 * (its name, the id a tool message answers); parts, tool calls and the extras (tools,
 * tool_choice, response_format) a line each.
 */
void llmops_prompt_messages_text(FILE *out, const cJSON *msgs, const cJSON *extra);

/* One event of a prompt's history (prompt log) as JSON (the caller's), or as a line. */
cJSON *llmops_prompt_log_json(const struct llmops_log_event *ev);
void llmops_prompt_log_print(FILE *f, const struct llmops_log_event *ev,
			     const struct llmops_sgr *c);
/* A unified diff, added lines green, removed red, hunk headers yellow. */
void llmops_patch_print(FILE *f, const char *patch, const struct llmops_sgr *c);

#endif
