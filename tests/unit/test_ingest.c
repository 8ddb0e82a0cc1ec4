/*
 * test_ingest.c - lib/ingest_formats and lib/attrib: each record shape read
 * into the same fields (times in every form the formats use, Anthropic and
 * Batch bodies, OTLP attributes, LiteLLM's text columns), refusals with
 * their reason, and attribution by text with wildcards, roles, the most
 * specific version and ties; feedback records in the three shapes (feedback.h).
 */
#include "testutil.h"

#include "attrib.h"
#include "feedback.h"
#include "ingest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct got {
	struct llmops_prod_record r[4];
	int n;
};

/* keep copies of what each record says (the record is borrowed for the call) */
static int keep(struct llmops_prod_record *r, void *ud)
{
	struct got *g = ud;
	struct llmops_prod_record *k = &g->r[g->n++];
	*k = *r;
	k->key = r->key ? strdup(r->key) : NULL;
	k->id = r->id ? strdup(r->id) : NULL;
	k->at = r->at ? strdup(r->at) : NULL;
	k->bad_time = r->bad_time ? strdup(r->bad_time) : NULL;
	k->provider = r->provider ? strdup(r->provider) : NULL;
	k->model = r->model ? strdup(r->model) : NULL;
	k->output = r->output ? strdup(r->output) : NULL;
	k->expected = r->expected ? strdup(r->expected) : NULL;
	k->error = r->error ? strdup(r->error) : NULL;
	k->own_messages = r->messages ? cJSON_Duplicate(r->messages, 1) : NULL;
	k->messages = k->own_messages;
	k->own_metadata = r->metadata ? cJSON_Duplicate(r->metadata, 1) : NULL;
	k->metadata = k->own_metadata;
	return 0;
}

static int read_one(const char *text, struct got *g, long *ignored, struct llmops_err *err)
{
	cJSON *v = cJSON_Parse(text);
	int rc;
	memset(g, 0, sizeof(*g));
	assert_non_null(v);
	rc = llmops_ingest_value(v, text, strlen(text), LLMOPS_INGEST_AUTO, keep, g, ignored, err);
	cJSON_Delete(v);
	return rc;
}

static void release(struct got *g)
{
	for (int i = 0; i < g->n; i++)
		llmops_prod_record_release(&g->r[i]);
}

static const char *md(const struct llmops_prod_record *r, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->metadata, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void openai_shapes(void **state)
{
	struct llmops_err err = {0};
	struct got g;
	(void)state;
	/* seconds since the epoch in response.created; the answering model wins */
	assert_int_equal(
		read_one(
			"{\"id\":\"r1\",\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":"
			"\"user\",\"content\":\"hi\"}],\"metadata\":{\"a\":\"1\",\"b\":\"req\"}},"
			"\"response\":{\"model\":\"gpt-4o-2024-08-06\",\"created\":1764460800,"
			"\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}"
			","
			"{\"type\":\"text\",\"text\":\"y\"}]}}],\"usage\":{\"prompt_tokens\":7,"
			"\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":4}}},"
			"\"metadata\":{\"b\":\"rec\"},\"latency_ms\":12.5}",
			&g, NULL, &err),
		0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.r[0].key, "id:r1");
	assert_string_equal(g.r[0].at, "2025-11-30T00:00:00.000Z");
	assert_string_equal(g.r[0].model, "gpt-4o-2024-08-06");
	assert_string_equal(g.r[0].provider, "openai");
	assert_string_equal(g.r[0].output, "x\ny");
	assert_int_equal(g.r[0].tokens_in, 7);
	assert_int_equal(g.r[0].cached_in, 4);
	assert_true(g.r[0].latency_ms == 12.5);
	assert_string_equal(md(&g.r[0], "a"), "1");
	assert_string_equal(md(&g.r[0], "b"), "rec"); /* the record's over the request's */
	release(&g);

	/* an Anthropic body, an ISO time with an offset, a system string */
	assert_int_equal(
		read_one("{\"request\":{\"model\":\"claude-3-5-haiku\",\"system\":\"S\","
			 "\"messages\":"
			 "[{\"role\":\"user\",\"content\":\"q\"}]},\"response\":{\"type\":"
			 "\"message\","
			 "\"content\":[{\"type\":\"text\",\"text\":\"a\"}],\"usage\":{\"input_"
			 "tokens\":"
			 "9,\"output_tokens\":1}},\"timestamp\":\"2026-11-30 10:00:00.250+02:00\"}",
			 &g, NULL, &err),
		0);
	assert_string_equal(g.r[0].provider, "anthropic");
	assert_string_equal(g.r[0].at, "2026-11-30T08:00:00.250Z");
	assert_int_equal(cJSON_GetArraySize(g.r[0].messages), 2);
	assert_int_equal(strncmp(g.r[0].key, "sha256:", 7), 0);
	assert_int_equal(strlen(g.r[0].id), 16);
	assert_int_equal(g.r[0].tokens_out, 1);
	release(&g);

	/* OpenAI Batch output: a failed line; milliseconds as a number */
	assert_int_equal(
		read_one("{\"custom_id\":\"c-9\",\"response\":{\"status_code\":429,"
			 "\"body\":{\"error\":{\"message\":\"slow down\"}}},\"created_at\":"
			 "1764460800123}",
			 &g, NULL, &err),
		0);
	assert_string_equal(g.r[0].id, "c-9");
	assert_string_equal(g.r[0].error, "slow down");
	assert_string_equal(g.r[0].at, "2025-11-30T00:00:00.123Z");
	release(&g);
}

static void refusals(void **state)
{
	struct llmops_err err = {0};
	struct got g;
	(void)state;
	assert_int_equal(read_one("{\"foo\":1}", &g, NULL, &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "not a record llmops reads"));
	assert_int_equal(read_one("{\"request\":[1]}", &g, NULL, &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "\"request\" is an array, where an object belongs"));
	assert_int_equal(read_one("{\"request\":{\"messages\":{}}}", &g, NULL, &err),
			 LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "\"request.messages\" is not an array"));
	assert_int_equal(read_one("{\"request\":{\"model\":\"m\"}}", &g, NULL, &err),
			 LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "no request messages, no answer and no error"));
	/* null where a field may be absent is absent: a failed request's "response": null */
	assert_int_equal(read_one("{\"id\":\"n1\",\"request\":{\"model\":\"m\",\"messages\":[{"
				  "\"role\":\"user\",\"content\":\"hi\"}]},\"response\":null,"
				  "\"error\":{\"message\":\"overloaded\"},\"metadata\":null,"
				  "\"latency_ms\":null}",
				  &g, NULL, &err),
			 0);
	assert_string_equal(g.r[0].error, "overloaded");
	release(&g);
	/* a SpendLogs row of a gateway that keeps no prompts: "{}" messages and response */
	assert_int_equal(
		read_one("{\"request_id\":\"sl-1\",\"call_type\":\"acompletion\","
			 "\"model\":\"gpt-4o-mini\",\"messages\":\"{}\",\"response\":\"{}\","
			 "\"metadata\":\"{}\",\"prompt_tokens\":12,\"completion_tokens\":3,"
			 "\"spend\":0.00001,\"status\":\"success\",\"startTime\":"
			 "\"2026-11-30T00:00:00Z\",\"endTime\":\"2026-11-30T00:00:01Z\"}",
			 &g, NULL, &err),
		0);
	assert_null(g.r[0].messages);
	assert_int_equal(g.r[0].tokens_in, 12);
	assert_true(g.r[0].latency_ms == 1000);
	release(&g);
	assert_int_equal(read_one("{\"resourceSpans\":{}}", &g, NULL, &err), LLMOPS_E_INPUT);
	assert_int_equal(g.n, 0);
	/* a bad time is no time, not an error: the record is kept */
	assert_int_equal(read_one("{\"id\":\"t\",\"response\":{\"choices\":[{\"message\":{"
				  "\"content\":\"a\"}}]},\"timestamp\":\"2026-13-40\"}",
				  &g, NULL, &err),
			 0);
	assert_null(g.r[0].at);
	release(&g);
}

static void otlp_and_litellm(void **state)
{
	struct llmops_err err = {0};
	struct got g;
	long ignored = 0;
	(void)state;
	assert_int_equal(
		read_one(
			"{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service."
			"name\","
			"\"value\":{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"spans\":["
			"{\"traceId\":\"t1\",\"spanId\":\"s1\",\"startTimeUnixNano\":"
			"\"1764460800000000000\",\"endTimeUnixNano\":\"1764460800250000000\","
			"\"status\":{\"code\":2,\"message\":\"boom\"},\"attributes\":[{\"key\":"
			"\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},{\"key\":"
			"\"gen_ai.prompt.0.role\",\"value\":{\"stringValue\":\"system\"}},{\"key\":"
			"\"gen_ai.prompt.0.content\",\"value\":{\"stringValue\":\"S\"}},{\"key\":"
			"\"gen_ai.prompt.1.content\",\"value\":{\"stringValue\":\"U\"}},{\"key\":"
			"\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"5\"}},{\"key\":"
			"\"app.tier\",\"value\":{\"stringValue\":\"pro\"}}]},"
			"{\"name\":\"db\",\"attributes\":[]}]}]}]}",
			&g, &ignored, &err),
		0);
	assert_int_equal(g.n, 1);
	assert_int_equal(ignored, 1);
	assert_string_equal(g.r[0].id, "t1-s1");
	assert_string_equal(g.r[0].error, "boom");
	assert_true(g.r[0].latency_ms == 250);
	assert_int_equal(g.r[0].tokens_in, 5);
	assert_int_equal(cJSON_GetArraySize(g.r[0].messages), 2);
	assert_string_equal(md(&g.r[0], "service.name"), "svc");
	assert_string_equal(md(&g.r[0], "app.tier"), "pro");
	release(&g);

	/* a SpendLogs row: JSON columns as text, ISO times, the spend */
	assert_int_equal(
		read_one("{\"request_id\":\"sp\",\"model\":\"gpt-4o\",\"spend\":0.25,\"startTime\":"
			 "\"2026-11-30T08:00:00Z\",\"endTime\":\"2026-11-30T08:00:01.5Z\","
			 "\"messages\":"
			 "\"[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"q\\\"}]\",\"response\":"
			 "\"{\\\"choices\\\":[{\\\"message\\\":{\\\"content\\\":\\\"r\\\"}}]}\","
			 "\"metadata\":\"{\\\"requester_metadata\\\":{\\\"f\\\":\\\"x\\\"}}\","
			 "\"request_tags\":\"[\\\"beta\\\"]\",\"status\":\"success\"}",
			 &g, NULL, &err),
		0);
	assert_string_equal(g.r[0].id, "sp");
	assert_true(g.r[0].cost_usd == 0.25);
	assert_true(g.r[0].latency_ms == 1500);
	assert_string_equal(g.r[0].output, "r");
	assert_string_equal(md(&g.r[0], "f"), "x");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(g.r[0].metadata, "tags"));
	assert_int_equal(cJSON_GetArraySize(g.r[0].messages), 1);
	release(&g);
}

static cJSON *bundle(void)
{
	/* v1 and v2 of "sum" (v2 more specific), "other" equal to v1's text: a tie for v1 */
	return cJSON_Parse(
		"{\"prompts\":{\"sum\":{\"versions\":["
		"{\"version\":\"v1\",\"format\":\"txt\",\"text\":\"Summarise: {{input}}\","
		"\"partials\":{}},"
		"{\"version\":\"v2\",\"format\":\"json\",\"text\":\"[{\\\"role\\\":\\\"system\\\","
		"\\\"content\\\":\\\"{{> rules}} Be brief.\\\"},{\\\"role\\\":\\\"user\\\","
		"\\\"content\\\":\\\"Summarise: {{input}} for {{who}}\\\"}]\","
		"\"partials\":{\"rules\":{\"text\":\"No lies.\"}}}]},"
		"\"alt\":{\"versions\":[{\"version\":\"v9\",\"format\":\"txt\",\"text\":"
		"\"Translate "
		"{{text}} into {{lang}}.\",\"partials\":{}}]}}}");
}

static void attribution(void **state)
{
	struct llmops_err err = {0};
	struct llmops_attrib *a = NULL;
	const char *n = NULL, *v = NULL;
	cJSON *b = bundle(), *m;
	(void)state;
	assert_int_equal(llmops_attrib_new(&a, b, &err), 0);
	assert_int_equal(llmops_attrib_count(a), 3);

	m = cJSON_Parse("[{\"role\":\"user\",\"content\":\"Summarise: a long\\ntext\"}]");
	assert_true(llmops_attrib_match(a, m, NULL, &n, &v));
	assert_string_equal(n, "sum");
	assert_string_equal(v, "v1");
	cJSON_Delete(m);
	/* v2 needs its system message (with the partial) before the user one */
	m = cJSON_Parse("[{\"role\":\"system\",\"content\":\"No lies. Be brief.\"},{\"role\":"
			"\"user\",\"content\":\"Summarise: x for y\"}]");
	assert_true(llmops_attrib_match(a, m, NULL, &n, &v));
	assert_string_equal(v, "v2");
	assert_false(llmops_attrib_match(a, m, "alt", &n, &v)); /* not among alt's */
	cJSON_Delete(m);
	/* wildcards in order, anchored at both ends */
	m = cJSON_Parse("[{\"role\":\"user\",\"content\":\"Translate ciao into English.\"}]");
	assert_true(llmops_attrib_match(a, m, NULL, &n, &v));
	assert_string_equal(n, "alt");
	cJSON_Delete(m);
	m = cJSON_Parse("[{\"role\":\"user\",\"content\":\"Translate ciao into English. Now!\"}]");
	assert_false(llmops_attrib_match(a, m, NULL, &n, &v));
	cJSON_Delete(m);
	m = cJSON_Parse("[{\"role\":\"assistant\",\"content\":\"Summarise: x\"}]");
	assert_false(llmops_attrib_match(a, m, NULL, &n, &v)); /* the role must match */
	cJSON_Delete(m);
	llmops_attrib_free(a);

	/* two versions with the same text: a tie attributes nothing */
	cJSON *vs = cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(b, "prompts"), "sum"), "versions");
	cJSON_AddItemToArray(vs, cJSON_Parse("{\"version\":\"v3\",\"format\":\"txt\",\"text\":"
					     "\"Summarise: {{input}}\",\"partials\":{}}"));
	assert_int_equal(llmops_attrib_new(&a, b, &err), 0);
	m = cJSON_Parse("[{\"role\":\"user\",\"content\":\"Summarise: q\"}]");
	assert_false(llmops_attrib_match(a, m, NULL, &n, &v));
	cJSON_Delete(m);
	llmops_attrib_free(a);

	/* a version that does not parse is named */
	cJSON_AddItemToArray(vs, cJSON_Parse("{\"version\":\"v4\",\"format\":\"txt\",\"text\":"
					     "\"{{#open}}\",\"partials\":{}}"));
	assert_int_not_equal(llmops_attrib_new(&a, b, &err), 0);
	assert_null(a);
	assert_non_null(strstr(err.msg, "sum@v4"));
	cJSON_Delete(b);
}

/* text read as a feedback: 1 (into *f), 0 when it is none */
static int fb(const char *text, struct llmops_feedback *f)
{
	cJSON *v = cJSON_Parse(text);
	assert_non_null(v);
	int is = llmops_feedback_read(v, text, strlen(text), f);
	cJSON_Delete(v);
	assert_true(is >= 0);
	return is;
}

static void feedback_shapes(void **state)
{
	struct llmops_feedback f;
	(void)state;
	/* llmops's own: thumbs in each spelling, a score */
	const char *ups[] = {"\"up\"", "\"UP\"", "true", "1", "\"thumbs_up\""};
	const char *downs[] = {"\"down\"", "false", "0", "-1", "\"Bad\""};
	for (size_t i = 0; i < 5; i++) {
		char t[160];
		snprintf(t, sizeof(t), "{\"record_id\":\"r1\",\"thumbs\":%s}", ups[i]);
		assert_int_equal(fb(t, &f), 1);
		assert_null(f.bad);
		assert_true(f.value == 1);
		llmops_feedback_release(&f);
		snprintf(t, sizeof(t), "{\"record_id\":\"r1\",\"thumbs\":%s}", downs[i]);
		assert_int_equal(fb(t, &f), 1);
		assert_true(f.value == 0);
		llmops_feedback_release(&f);
	}
	assert_int_equal(fb("{\"id\":\"x\",\"record_id\":\"r1\",\"score\":4.5,\"name\":\"stars\","
			    "\"comment\":\"ok\",\"timestamp\":1764460800}",
			    &f),
			 1);
	assert_string_equal(f.key, "llmops:x");
	assert_string_equal(f.source, "llmops");
	assert_string_equal(f.record_id, "r1");
	assert_null(f.trace_id);
	assert_string_equal(f.name, "stars");
	assert_true(f.value == 4.5);
	assert_string_equal(f.comment, "ok");
	assert_string_equal(f.at, "2025-11-30T00:00:00.000Z");
	llmops_feedback_release(&f);
	/* no id: keyed by the SHA-256 of the bytes */
	assert_int_equal(fb("{\"record_id\":\"r1\",\"score\":1}", &f), 1);
	/* printf '{"record_id":"r1","score":1}' | sha256sum */
	assert_string_equal(f.key,
			    "sha256:"
			    "bb11ffa4e9e4851b903064d2e04634466c0ab02c72156eea3e33b18d2f64d59d");
	llmops_feedback_release(&f);

	/* Langfuse: an observation's score is its span's record; a trace's, every span's */
	assert_int_equal(fb("{\"id\":\"s1\",\"traceId\":\"t1\",\"observationId\":\"o1\","
			    "\"name\":\"accuracy\",\"value\":0.5,\"dataType\":\"NUMERIC\"}",
			    &f),
			 1);
	assert_string_equal(f.key, "langfuse:s1");
	assert_string_equal(f.record_id, "t1-o1");
	assert_null(f.trace_id);
	assert_true(f.value == 0.5);
	llmops_feedback_release(&f);
	assert_int_equal(fb("{\"id\":\"s2\",\"traceId\":\"t1\",\"name\":\"tone\","
			    "\"value\":2,\"stringValue\":\"calm\",\"dataType\":\"CATEGORICAL\"}",
			    &f),
			 1);
	assert_string_equal(f.record_id, "t1");
	assert_string_equal(f.trace_id, "t1");
	assert_string_equal(f.label, "calm");
	assert_true(f.value == 2);
	llmops_feedback_release(&f);
	assert_int_equal(fb("{\"id\":\"s3\",\"traceId\":\"t1\",\"name\":\"b\",\"value\":2,"
			    "\"dataType\":\"BOOLEAN\"}",
			    &f),
			 1);
	assert_non_null(strstr(f.bad, "neither 0 nor 1"));
	llmops_feedback_release(&f);

	/* LangSmith: score (a boolean too), a categorical value, a trace's feedback */
	assert_int_equal(fb("{\"id\":\"k1\",\"run_id\":\"u1\",\"key\":\"correct\",\"score\":true,"
			    "\"value\":\"yes\",\"created_at\":\"2026-12-01T10:00:00.5+01:00\"}",
			    &f),
			 1);
	assert_string_equal(f.key, "langsmith:k1");
	assert_string_equal(f.name, "correct");
	assert_true(f.value == 1);
	assert_string_equal(f.label, "yes");
	assert_string_equal(f.at, "2026-12-01T09:00:00.500Z");
	llmops_feedback_release(&f);
	assert_int_equal(fb("{\"trace_id\":\"t9\",\"key\":\"note\",\"comment\":\"slow\"}", &f), 1);
	assert_null(f.bad);
	assert_string_equal(f.trace_id, "t9");
	assert_true(isnan(f.value));
	llmops_feedback_release(&f);

	/* refusals say why */
	const char *bad[][2] = {
		{"{\"record_id\":\"r\",\"thumbs\":\"meh\"}", "thumbs is none of"},
		{"{\"record_id\":\"r\",\"score\":\"high\"}", "not a number"},
		{"{\"record_id\":\"r\",\"score\":1e300}", "out of range"},
		{"{\"record_id\":\"r\",\"score\":1,\"timestamp\":\"soon\"}",
		 "'soon' is not a time"},
		{"{\"record_id\":\"a\\nb\",\"score\":1}", "record id has"},
		{"{\"record_id\":\"r\",\"score\":1,\"name\":\"a\\u0001\"}", "name has"},
		{"{\"run_id\":\"u\",\"key\":\"k\",\"value\":null,\"score\":null,\"correction\":{}}",
		 "no score, value or comment"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fb(bad[i][0], &f), 1);
		assert_non_null(f.bad);
		if (!strstr(f.bad, bad[i][1]))
			fail_msg("%s: %s", bad[i][0], f.bad);
		llmops_feedback_release(&f);
	}
	/* not feedback: a request record, a LangSmith run, an object without a score */
	assert_int_equal(fb("{\"id\":\"q\",\"record_id\":\"r\",\"score\":1,\"request\":{}}", &f),
			 0);
	assert_int_equal(fb("{\"run_id\":\"u\",\"key\":\"k\",\"score\":1,\"inputs\":{}}", &f), 0);
	assert_int_equal(fb("{\"record_id\":\"r\"}", &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openai_shapes),    cmocka_unit_test(refusals),
		cmocka_unit_test(otlp_and_litellm), cmocka_unit_test(attribution),
		cmocka_unit_test(feedback_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
