/*
 * test_redact.c - lib/redact: key material is cut from messages, commands
 * and outputs; lib/provider: URLs keep their query after the endpoint path,
 * a mis-shaped providers object and absurd usage numbers are survived.
 */
#include "testutil.h"

#include "provider.h"
#include "redact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check(const char *in, const char *want, int want_n)
{
	char *s = strdup(in);
	int n = llmops_redact(s);

	if (strcmp(s, want) || n != want_n)
		fail_msg("redact(%s) = %s (%d), wanted %s (%d)", in, s, n, want, want_n);
	free(s);
}

static void urls(void **state)
{
	(void)state;
	check("http://u:hunter2pass@h:8/v1", "http://[redacted]@h:8/v1", 1);
	check("GET https://me@example.org/x ok", "GET https://**@example.org/x ok", 1);
	check("http://h/v1?api-version=2024&api-key=QSECRET42 failed",
	      "http://h/v1?api-version=2024&api-key=********* failed", 1);
	check("http://h/chat/completions?key=abc&sig=0123456789abcdef",
	      "http://h/chat/completions?key=***&sig=[redacted]", 2);
	check("x http://a:b@h/p?token=T y http://h2/q?code=zz",
	      "x http://***@h/p?token=* y http://h2/q?code=**", 3);
	check("no url here: a=b&key=c", "no url here: a=b&key=c", 0);
	check("http://h/v1?model=gpt-4o", "http://h/v1?model=gpt-4o", 0);
	/* redacting twice changes nothing more */
	check("http://[redacted]@h/v1?api-key=[redacted]",
	      "http://[redacted]@h/v1?api-key=[redacted]", 0);
	check("key sk-abcdefghijkl in text", "key sk-[redacted] in text", 1);
}

static void key_values(void **state)
{
	char out[] = "here it is: sk-live-0123456789ABCDEF, twice sk-live-0123456789ABCDEF; "
		     "sk-learn stays";
	char *s;
	/* the environment as cmd/ hands it over (lib/ never reads the process's) */
	char *const env[] = {"HOME=/root", "TEST_REDACT_API_KEY=sk-live-0123456789ABCDEF", NULL};

	(void)state;
	assert_int_equal(llmops_redact_keys(out, env), 2);
	assert_string_equal(out, "here it is: [redacted], twice [redacted]; sk-learn stays");
	/* shape rules are not applied to outputs */
	s = strdup("use sk-learning-rate 0.1");
	assert_int_equal(llmops_redact_keys(s, env), 0);
	assert_string_equal(s, "use sk-learning-rate 0.1");
	free(s);
	assert_int_equal(llmops_redact_keys(NULL, env), 0);
	s = strdup("sk-live-0123456789ABCDEF");
	assert_int_equal(llmops_redact_keys(s, NULL), 0); /* no environment: no key values */
	free(s);
	assert_int_equal(llmops_redact(NULL), 0);
}

/* The environment cmd/ hands to llmops_redact_use_env is searched once: its key values cut
   from outputs as from any other environment, a held variable (an api_key_env) included */
static void key_values_of_the_used_env(void **state)
{
	static char *env[] = {"HOME=/root", "TEST_REDACT_TOKEN=tok-0123456789abcdef",
			      "ODD_NAME=odd-0123456789abcdef", "SHORT_API_KEY=abc", NULL};
	char out[] = "tok-0123456789abcdef then odd-0123456789abcdef then abc";

	(void)state;
	llmops_redact_use_env(env);
	assert_int_equal(llmops_redact_keys(out, env), 1);
	assert_string_equal(out, "[redacted] then odd-0123456789abcdef then abc");
	llmops_redact_hold("ODD_NAME"); /* a provider's api_key_env, whatever its name */
	char out2[] = "odd-0123456789abcdef and tok-0123456789abcdef";
	assert_int_equal(llmops_redact_keys(out2, env), 2);
	assert_string_equal(out2, "[redacted] and [redacted]");
	/* another environment is searched as it is */
	char *const other[] = {"X_SECRET=xsecret-0123456789", NULL};
	char out3[] = "xsecret-0123456789 tok-0123456789abcdef";
	assert_int_equal(llmops_redact_keys(out3, other), 1);
	assert_string_equal(out3, "[redacted] tok-0123456789abcdef");
	llmops_redact_use_env(NULL);
}

static struct llmops_provider *resolve(const char *spec, const cJSON *cfg, const char *base,
				       struct llmops_err *err)
{
	struct llmops_provider *p = NULL;
	struct llmops_provider_overrides ov = {base, NAN, -1, -1, NULL, 0, NULL};

	if (llmops_provider_resolve(&p, spec, cfg, &ov, err))
		return NULL;
	return p;
}

static void endpoint_before_query(void **state)
{
	static const struct {
		const char *spec, *base, *url;
	} cases[] = {
		{"openai:m", "http://h/openai/v1/?api-version=2024-10-21",
		 "http://h/openai/v1/chat/completions?api-version=2024-10-21"},
		{"anthropic:m", "https://h/?x=1", "https://h/v1/messages?x=1"},
		{"anthropic:m", "https://h/v1", "https://h/v1/messages"},
		{"openai:m", "h:8080/v1#frag", "http://h:8080/v1/chat/completions#frag"},
	};
	struct llmops_err err = {0};
	cJSON *msgs = cJSON_Parse("[{\"role\": \"user\", \"content\": \"hi\"}]");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct llmops_request rq;
		struct llmops_provider *p = resolve(cases[i].spec, NULL, cases[i].base, &err);

		assert_non_null(p);
		assert_int_equal(llmops_provider_chat_request(p, msgs, NULL, &rq, &err), 0);
		assert_string_equal(rq.url, cases[i].url);
		llmops_request_release(&rq);
		llmops_provider_free(p);
	}
	cJSON_Delete(msgs);
}

static void hostile_config_and_answers(void **state)
{
	struct llmops_err err = {0};
	struct llmops_answer a = {0};
	cJSON *cfg = cJSON_Parse("[1, \"x\", {\"a\": 1}]");
	struct llmops_provider *p;
	static const char body[] =
		"{\"choices\": [{\"message\": {\"content\": \"ok\"}, \"finish_reason\": \"stop\"}],"
		" \"usage\": {\"prompt_tokens\": 3e94, \"completion_tokens\": -5}}";

	(void)state;
	/* "providers": [1] and an unknown name: an error naming nothing, no crash */
	assert_null(resolve("nope", cfg, NULL, &err));
	assert_non_null(strstr(err.msg, "unknown provider 'nope'"));
	cJSON_Delete(cfg);
	p = resolve("openai:m", NULL, "http://h/v1", &err);
	assert_non_null(p);
	assert_int_equal(llmops_provider_parse_chat(p, body, strlen(body), 0, &a, &err), 0);
	assert_string_equal(a.text, "ok");
	assert_int_equal(a.tokens_in, -1); /* 3e94: not a count, "not reported" */
	assert_int_equal(a.tokens_out, -1);
	llmops_answer_release(&a);
	llmops_provider_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls),
		cmocka_unit_test(key_values),
		cmocka_unit_test(key_values_of_the_used_env),
		cmocka_unit_test(endpoint_before_query),
		cmocka_unit_test(hostile_config_and_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
