/*
 * test_wire.c - lib/wire: OpenAI-shaped messages passed through whole, and
 * translated for Anthropic's Messages API (system text, image blocks,
 * tool_use and tool_result blocks, tools, tool_choice, a response format as
 * a forced tool); an Anthropic answer's content read back into text and
 * OpenAI-shaped tool calls; the prompt file's tools and messages parsed and
 * rendered.
 */
#include "testutil.h"

#include "prompt.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

/* j as compact JSON text must equal want. */
static void same_json(const cJSON *j, const char *want)
{
	cJSON *w = cJSON_Parse(want);
	char *got = cJSON_PrintUnformatted(j);
	assert_non_null(w);
	if (!cJSON_Compare(j, w, 1))
		fail_msg("got  %s\nwant %s", got, want);
	free(got);
	cJSON_Delete(w);
}

static const char conversation[] =
	"[{\"role\": \"system\", \"content\": \"Be brief.\"},"
	" {\"role\": \"developer\", \"content\": [{\"type\": \"text\", \"text\": \"Use tools.\"}]},"
	" {\"role\": \"user\", \"name\": \"ann\", \"content\": [{\"type\": \"text\", \"text\": "
	"\"What is this?\"},"
	"   {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,iVBOR\"}},"
	"   {\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/a.jpg\"}}]},"
	" {\"role\": \"assistant\", \"content\": null, \"tool_calls\": ["
	"   {\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"look\", "
	"\"arguments\": \"{\\\"q\\\": 1}\"}},"
	"   {\"id\": \"c2\", \"type\": \"function\", \"function\": {\"name\": \"time\", "
	"\"arguments\": \"\"}}]},"
	" {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"a cat\"},"
	" {\"role\": \"tool\", \"tool_call_id\": \"c2\", \"content\": \"noon\"},"
	" {\"role\": \"user\", \"content\": \"Thanks.\"}]";

static void anthropic_messages(void **state)
{
	(void)state;
	cJSON *msgs = cJSON_Parse(conversation), *b = cJSON_CreateObject();
	struct llmops_err err = {0};
	assert_int_equal(llmops_wire_anthropic(b, msgs, NULL, &err), 0);
	same_json(b,
		  "{\"system\": \"Be brief.\\n\\nUse tools.\", \"messages\": ["
		  "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"What is "
		  "this?\"},"
		  " {\"type\": \"image\", \"source\": {\"type\": \"base64\", \"media_type\": "
		  "\"image/png\", \"data\": \"iVBOR\"}},"
		  " {\"type\": \"image\", \"source\": {\"type\": \"url\", \"url\": "
		  "\"https://example.com/a.jpg\"}}]},"
		  "{\"role\": \"assistant\", \"content\": ["
		  " {\"type\": \"tool_use\", \"id\": \"c1\", \"name\": \"look\", \"input\": "
		  "{\"q\": 1}},"
		  " {\"type\": \"tool_use\", \"id\": \"c2\", \"name\": \"time\", \"input\": {}}]},"
		  "{\"role\": \"user\", \"content\": ["
		  " {\"type\": \"tool_result\", \"tool_use_id\": \"c1\", \"content\": \"a cat\"},"
		  " {\"type\": \"tool_result\", \"tool_use_id\": \"c2\", \"content\": \"noon\"}]},"
		  "{\"role\": \"user\", \"content\": \"Thanks.\"}]}");
	cJSON_Delete(b);

	/* arguments that are not a JSON object cannot be a tool_use input */
	cJSON *bad = cJSON_Parse("[{\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
				 "[{\"id\": \"x\", \"type\": \"function\", \"function\": "
				 "{\"name\": \"f\", \"arguments\": \"[1]\"}}]}]");
	b = cJSON_CreateObject();
	assert_int_equal(llmops_wire_anthropic(b, bad, NULL, &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "tool call 'f': its arguments are not a JSON object"));
	cJSON_Delete(b);
	cJSON_Delete(bad);

	/* OpenAI: as they are, role and content first, content null beside tool calls */
	cJSON *o = llmops_wire_openai_messages(msgs);
	const cJSON *u = cJSON_GetArrayItem(o, 2), *a = cJSON_GetArrayItem(o, 3);
	assert_string_equal(u->child->string, "role");
	assert_string_equal(u->child->next->string, "content");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(u, "name")->valuestring, "ann");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a, "content")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "tool_calls")), 2);
	cJSON_Delete(o);
	cJSON_Delete(msgs);
}

static void anthropic_tools(void **state)
{
	(void)state;
	cJSON *msgs = cJSON_Parse("[{\"role\": \"user\", \"content\": \"hi\"}]");
	struct llmops_err err = {0};
	static const char tools[] =
		"\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"look\", "
		"\"description\": \"Look it up\", \"parameters\": {\"type\": \"object\", "
		"\"properties\": {\"q\": {\"type\": \"string\"}}}}},"
		" {\"type\": \"function\", \"function\": {\"name\": \"time\"}}]";
	static const struct {
		const char *choice, *want;
	} choices[] = {
		{"\"auto\"", "{\"type\": \"auto\"}"},
		{"\"required\"", "{\"type\": \"any\"}"},
		{"\"none\"", "{\"type\": \"none\"}"},
		{"{\"type\": \"function\", \"function\": {\"name\": \"time\"}}",
		 "{\"type\": \"tool\", \"name\": \"time\"}"},
	};
	for (size_t i = 0; i < sizeof(choices) / sizeof(*choices); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "{%s, \"tool_choice\": %s}", tools, choices[i].choice);
		cJSON *extra = cJSON_Parse(text), *b = cJSON_CreateObject();
		assert_int_equal(llmops_wire_anthropic(b, msgs, extra, &err), 0);
		same_json(cJSON_GetObjectItemCaseSensitive(b, "tool_choice"), choices[i].want);
		same_json(
			cJSON_GetObjectItemCaseSensitive(b, "tools"),
			"[{\"name\": \"look\", \"description\": \"Look it up\", \"input_schema\": "
			"{\"type\": \"object\", \"properties\": {\"q\": {\"type\": \"string\"}}}},"
			" {\"name\": \"time\", \"input_schema\": {\"type\": \"object\", "
			"\"properties\": {}}}]");
		cJSON_Delete(b);
		cJSON_Delete(extra);
	}
	/* a JSON-schema response format: a tool the request forces */
	cJSON *extra = cJSON_Parse("{\"response_format\": {\"type\": \"json_schema\", "
				   "\"json_schema\": {\"name\": \"v\", \"schema\": {\"type\": "
				   "\"object\"}}}}");
	cJSON *b = cJSON_CreateObject();
	assert_int_equal(llmops_wire_anthropic(b, msgs, extra, &err), 0);
	same_json(cJSON_GetObjectItemCaseSensitive(b, "tools"),
		  "[{\"name\": \"" LLMOPS_WIRE_FORMAT_TOOL "\", \"description\": \"Give the answer "
		  "as this object.\", \"input_schema\": {\"type\": \"object\"}}]");
	same_json(cJSON_GetObjectItemCaseSensitive(b, "tool_choice"),
		  "{\"type\": \"tool\", \"name\": \"" LLMOPS_WIRE_FORMAT_TOOL "\"}");
	cJSON_Delete(b);
	cJSON_Delete(extra);
	extra = cJSON_Parse("{\"response_format\": {\"type\": \"json_object\"}}");
	b = cJSON_CreateObject();
	assert_int_equal(llmops_wire_anthropic(b, msgs, extra, &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "json_object has no Anthropic translation"));
	cJSON_Delete(b);
	cJSON_Delete(extra);
	cJSON_Delete(msgs);
}

static void anthropic_answers(void **state)
{
	(void)state;
	struct llmops_buf text = LLMOPS_BUF_INIT;
	cJSON *calls = NULL;
	cJSON *content = cJSON_Parse(
		"[{\"type\": \"text\", \"text\": \"Let me look.\"},"
		" {\"type\": \"tool_use\", \"id\": \"t1\", \"name\": \"look\", \"input\": {\"q\": "
		"\"cats\"}},"
		" {\"type\": \"tool_use\", \"id\": \"t2\", \"name\": \"" LLMOPS_WIRE_FORMAT_TOOL
		"\", \"input\": {\"answer\": 4}}]");
	assert_int_equal(llmops_wire_anthropic_content(content, &text, &calls), 0);
	/* the format tool's input is the answer's text; the rest are calls */
	assert_string_equal(text.data, "Let me look.{\"answer\":4}");
	same_json(calls, "[{\"id\": \"t1\", \"type\": \"function\", \"function\": {\"name\": "
			 "\"look\", \"arguments\": \"{\\\"q\\\":\\\"cats\\\"}\"}}]");
	cJSON_Delete(calls);
	cJSON_Delete(content);
	llmops_buf_release(&text);
}

/* A .json prompt with tools: every string a template, rendered in place. */
static void prompt_with_tools(void **state)
{
	(void)state;
	static const char text[] =
		"{\"model\": \"gpt-4o\",\n"
		" \"messages\": [{\"role\": \"system\", \"content\": \"Unit: {{unit}}\"},\n"
		"  {\"role\": \"user\", \"name\": \"{{who}}\", \"content\": [{\"type\": \"text\", "
		"\"text\": \"{{q}}\"}]}],\n"
		" \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get\", "
		"\"description\": \"in {{unit}}\"}}],\n"
		" \"tool_choice\": \"auto\"}\n";
	struct llmops_prompt *p = NULL;
	struct llmops_err err = {0};
	assert_int_equal(llmops_prompt_parse(&p, "t.json", text, strlen(text), 1, &err), 0);
	assert_int_equal(p->nmessages, 2);
	assert_true(p->has_extras);
	/* unit, who, q in the messages; the tool's description, tool_choice's "auto" and
	   the tool's type and name as templates too (rendered as they are) */
	assert_true(p->nmsgs >= 5);
	assert_int_equal(p->msgs[0].is_content, 1);
	cJSON *vars = cJSON_Parse("{\"unit\": \"kelvin\", \"who\": \"ann\", \"q\": \"Hot?\"}");
	cJSON *msgs = NULL, *extra = NULL;
	assert_int_equal(llmops_prompt_render(p, vars, NULL, &msgs, &err), 0);
	assert_int_equal(llmops_prompt_render_extra(p, vars, NULL, &extra, &err), 0);
	same_json(msgs,
		  "[{\"role\": \"system\", \"content\": \"Unit: kelvin\"},"
		  " {\"role\": \"user\", \"name\": \"ann\", \"content\": [{\"type\": \"text\", "
		  "\"text\": \"Hot?\"}]}]");
	same_json(extra, "{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get\", "
			 "\"description\": \"in kelvin\"}}], \"tool_choice\": \"auto\"}");
	const char *steps[16];
	size_t n = llmops_prompt_msg_steps(&p->msgs[0], steps, 16);
	assert_int_equal(n, 3);
	assert_string_equal(steps[0], "messages");
	assert_string_equal(steps[1], "0");
	assert_string_equal(steps[2], "content");
	cJSON_Delete(msgs);
	cJSON_Delete(extra);
	cJSON_Delete(vars);
	llmops_prompt_free(p);

	/* malformed: each refused at its place */
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": "
		 "[{\"type\": "
		 "\"function\", \"function\": {\"name\": \"a b\"}}]}",
		 "a tool's name is 1 to 64 letters"},
		{"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": "
		 "[{\"type\": "
		 "\"function\", \"function\": {\"name\": \"a\"}}], \"tool_choice\": {\"type\": "
		 "\"function\", \"function\": {\"name\": \"b\"}}}",
		 "\"tool_choice\" names 'b', which is not among the tools"},
		{"[{\"role\": \"tool\", \"content\": \"x\"}]",
		 "a tool message needs \"tool_call_id\""},
		{"[{\"role\": \"user\", \"content\": [{\"type\": \"audio\"}]}]",
		 "a content part is {\"type\": \"text\""},
		{"[{\"role\": \"user\", \"content\": null}]", "message needs \"content\""},
		{"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": "
		 "{\"type\": \"json_schema\"}}",
		 "a json_schema response format needs \"json_schema\""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(llmops_prompt_parse(&p, "b.json", bad[i].text, strlen(bad[i].text),
						     1, &err),
				 LLMOPS_E_INPUT);
		if (!strstr(err.msg, bad[i].msg) || strncmp(err.msg, "b.json:1:", 9))
			fail_msg("%s: '%s' lacks '%s'", bad[i].text, err.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(anthropic_messages),
		cmocka_unit_test(anthropic_tools),
		cmocka_unit_test(anthropic_answers),
		cmocka_unit_test(prompt_with_tools),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
