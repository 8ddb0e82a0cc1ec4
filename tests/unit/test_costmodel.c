/*
 * test_costmodel.c - the cost model's precedence (flag, prompt, ledger,
 * llmops.json) and the price of one request, as cost and eval use them.
 */
#include "testutil.h"

#include "costmodel.h"

#include <math.h>
#include <string.h>

static void model_precedence(void **state)
{
	struct llmops_cost_sources s;
	(void)state;
	llmops_cost_sources_init(&s);
	assert_null(llmops_cost_model(&s));
	s.model_config = "gpt-4o-mini";
	assert_string_equal(llmops_cost_model(&s), "gpt-4o-mini");
	s.model_prompt = "claude-3-5-haiku";
	assert_string_equal(llmops_cost_model(&s), "claude-3-5-haiku");
	s.model_flag = "gpt-4o";
	assert_string_equal(llmops_cost_model(&s), "gpt-4o");
}

static void output_precedence(void **state)
{
	struct llmops_cost_sources s;
	const char *src = NULL;
	(void)state;
	llmops_cost_sources_init(&s);
	assert_true(llmops_cost_output_tokens(&s, &src) == 0);
	assert_string_equal(src, "unknown");
	s.output_config = 512;
	assert_true(llmops_cost_output_tokens(&s, &src) == 512);
	assert_string_equal(src, "llmops.json");
	s.output_observed = 87.5; /* what the model really answered beats a configured cap */
	assert_true(llmops_cost_output_tokens(&s, &src) == 87.5);
	assert_string_equal(src, "ledger");
	s.output_prompt = 200;
	assert_true(llmops_cost_output_tokens(&s, &src) == 200);
	assert_string_equal(src, "max_tokens");
	s.output_flag = 0; /* a flag of 0 is a statement, not silence */
	assert_true(llmops_cost_output_tokens(&s, &src) == 0);
	assert_string_equal(src, "--output-tokens");
}

static void traffic_precedence(void **state)
{
	struct llmops_cost_sources s;
	const char *src = NULL;
	(void)state;
	llmops_cost_sources_init(&s);
	assert_true(llmops_cost_traffic(&s, &src) == 0);
	assert_string_equal(src, "none");
	s.traffic_observed = 40;
	assert_true(llmops_cost_traffic(&s, &src) == 40);
	assert_string_equal(src, "evaluation-runs");
	s.traffic_month = 3000;
	assert_true(llmops_cost_traffic(&s, &src) == 100);
	assert_string_equal(src, "llmops.json");
	s.traffic_day = 250;
	assert_true(llmops_cost_traffic(&s, &src) == 250);
	s.traffic_flag = 1000;
	assert_true(llmops_cost_traffic(&s, &src) == 1000);
	assert_string_equal(src, "--requests-per-day");
}

static void request_price(void **state)
{
	struct llmops_pricing *p = NULL;
	const struct llmops_price *pr = NULL;
	struct llmops_err err = {0};
	(void)state;
	assert_int_equal(llmops_pricing_builtin(&p, &err), 0);
	assert_int_equal(llmops_pricing_find(p, "gpt-4o-mini", &pr, &err), 0);
	/* 1M in, 1M out: the table's two prices summed */
	double one = llmops_cost_request(pr, 1e6, 1e6);
	assert_true(fabs(one - (pr->input + pr->output)) < 1e-9);
	assert_true(isnan(llmops_cost_request(pr, -1, 10)));   /* an unknown count */
	assert_true(isnan(llmops_cost_request(NULL, 10, 10))); /* no price */
	llmops_pricing_free(p);
}

/* A model several providers sell under one id (issue 30, finding 11): the maker's price unless
   a provider is named (genai-prices: gpt-oss-120b at OpenAI's, not the last reseller's). */
static void shared_ids(void **state)
{
	static const struct {
		const char *spec, *provider;
	} want[] = {
		{"gpt-oss-120b", "openai"},
		{"openai:gpt-oss-120b", "openai"},
		{"gpt-oss-20b", "openai"},
		{"deepseek-v4-pro", "deepseek"},
		{"deepseek-v4-flash", "deepseek"},
		{"cerebras:gpt-oss-120b", "cerebras"},
		{"fireworks:deepseek-v4-pro", "fireworks"},
	};
	struct llmops_pricing *p = NULL;
	const struct llmops_price *pr = NULL;
	struct llmops_err err = {0};
	(void)state;
	assert_int_equal(llmops_pricing_builtin(&p, &err), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		assert_int_equal(llmops_pricing_find(p, want[i].spec, &pr, &err), 0);
		if (strcmp(pr->provider, want[i].provider))
			fail_msg("%s priced as %s's, not %s's", want[i].spec, pr->provider,
				 want[i].provider);
	}
	/* a price the user adds wins over the table's */
	static const char mine[] = "{\"models\": [{\"id\": \"gpt-oss-120b\", \"provider\": "
				   "\"openai\", \"input\": 1, \"output\": 2}]}";
	assert_int_equal(llmops_pricing_add_json(p, mine, strlen(mine), "llmops.json", &err), 0);
	assert_int_equal(llmops_pricing_find(p, "gpt-oss-120b", &pr, &err), 0);
	assert_true(pr->input == 1);
	llmops_pricing_free(p);
}

/* DeepSeek's peak hours (genai-prices' time-of-day windows): a request is priced at the hour
   it was answered, a projection at the day's mean (issue 30, finding 11). */
static void hours_of_day(void **state)
{
	struct llmops_pricing *p = NULL;
	const struct llmops_price *pr = NULL;
	struct llmops_err err = {0};
	(void)state;
	assert_int_equal(llmops_pricing_builtin(&p, &err), 0);
	assert_int_equal(llmops_pricing_find(p, "deepseek-chat", &pr, &err), 0);
	assert_true(pr->nhours == 1 && pr->hours[0].from == 30 && pr->hours[0].to == 990);
	/* 1M in, 1M out: off-peak (20:00 UTC) 0.135 + 0.55; peak (10:00 UTC) 0.27 + 1.1 */
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 1e6, 20 * 60) - 0.685) < 1e-12);
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 1e6, 10 * 60) - 1.37) < 1e-12);
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 1e6, 30) - 1.37) < 1e-12);
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 1e6, 29) - 0.685) < 1e-12);
	/* the day: 16 hours at peak, 8 off */
	assert_true(fabs(llmops_price_request(pr, 1e6, 0, 1e6) - (16 * 1.37 + 8 * 0.685) / 24) <
		    1e-12);
	/* two windows (deepseek-v4-pro: 01:00-04:00 and 06:00-10:00 at twice the price) */
	assert_int_equal(llmops_pricing_find(p, "deepseek-v4-pro", &pr, &err), 0);
	assert_true(pr->nhours == 2);
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 0, 7 * 60) - 1.32) < 1e-12);
	assert_true(fabs(llmops_price_request_at(pr, 1e6, 0, 0, 12 * 60) - 0.66) < 1e-12);
	assert_true(fabs(llmops_price_request(pr, 1e6, 0, 0) - (7 * 1.32 + 17 * 0.66) / 24) <
		    1e-12);
	/* a window past midnight */
	static const char mine[] = "{\"x\": {\"input\": 1, \"output\": 1, \"hours\": [{\"from\": "
				   "\"22:00\", \"to\": \"02:00\", \"input\": 3, \"output\": 3}]}}";
	assert_int_equal(llmops_pricing_add_json(p, mine, strlen(mine), "llmops.json", &err), 0);
	assert_int_equal(llmops_pricing_find(p, "x", &pr, &err), 0);
	assert_true(llmops_price_request_at(pr, 1e6, 0, 0, 23 * 60) == 3);
	assert_true(llmops_price_request_at(pr, 1e6, 0, 0, 60) == 3);
	assert_true(llmops_price_request_at(pr, 1e6, 0, 0, 3 * 60) == 1);
	static const char bad[] = "{\"y\": {\"input\": 1, \"output\": 1, \"hours\": [{\"from\": "
				  "\"25:00\", \"to\": \"02:00\", \"input\": 3, \"output\": 3}]}}";
	assert_int_equal(llmops_pricing_add_json(p, bad, strlen(bad), "llmops.json", &err),
			 LLMOPS_E_INPUT);
	llmops_pricing_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model_precedence),   cmocka_unit_test(output_precedence),
		cmocka_unit_test(traffic_precedence), cmocka_unit_test(request_price),
		cmocka_unit_test(shared_ids),	      cmocka_unit_test(hours_of_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
