/*
 * wire.h - chat messages as each API takes them (lib/provider's own).
 *
 * The messages a prompt renders are OpenAI's chat shape: role, content (a
 * string or a list of text and image_url parts, null beside tool_calls),
 * name, tool_calls, tool_call_id; the tools, tool_choice and
 * response_format beside them too.  OpenAI-compatible APIs take them as
 * they are.  Anthropic's Messages API (docs.anthropic.com/en/api/messages,
 * .../tool-use) takes them translated:
 *
 *   system and developer messages   the "system" text, joined
 *   content parts                   text blocks; an image_url becomes an
 *                                   image block (a data: URL its base64
 *                                   source with its media type, else a url
 *                                   source)
 *   an assistant's tool_calls       tool_use blocks {id, name, input} (the
 *                                   arguments parsed: they must be JSON)
 *   tool messages                   tool_result blocks {tool_use_id,
 *                                   content} in one user message
 *   name                            dropped (the API has none)
 *   tools                           {name, description, input_schema}
 *   tool_choice                     auto, none, required (any), or
 *                                   {"type": "tool", "name"}
 *   response_format json_schema     a tool named LLMOPS_WIRE_FORMAT_TOOL
 *                                   whose input_schema is the schema, the
 *                                   choice forced to it; the answer's call
 *                                   of it is read back as the answer's text
 *
 * A json_object response format has no Anthropic equivalent and is refused.
 */
#ifndef LLMOPS_WIRE_H
#define LLMOPS_WIRE_H

#include "buf.h"
#include "error.h"

#include <cjson/cJSON.h>

#define LLMOPS_WIRE_FORMAT_TOOL "llmops_response_format"

/* The text of a message's content: a string, or its text parts joined (no separator). */
void llmops_wire_text(const cJSON *content, struct llmops_buf *out);

/* messages as an OpenAI body takes them (the caller's): each with role and content first. */
cJSON *llmops_wire_openai_messages(const cJSON *messages);

/*
 * Fill an Anthropic body b with messages and extra (tools, tool_choice,
 * response_format; may be NULL): "system", "messages", "tools",
 * "tool_choice".  0, or LLMOPS_E_INPUT saying what cannot be translated.
 */
int llmops_wire_anthropic(cJSON *b, const cJSON *messages, const cJSON *extra,
			  struct llmops_err *err);

/*
 * An Anthropic answer's content blocks into the text and the tool calls
 * (OpenAI's shape, arguments as JSON text; *calls the caller's, NULL when
 * none): the text blocks joined, and a call of LLMOPS_WIRE_FORMAT_TOOL read
 * as the text.  0, or LLMOPS_E_NOMEM.
 */
int llmops_wire_anthropic_content(const cJSON *content, struct llmops_buf *text, cJSON **calls);

#endif
