/*
 * costmodel.c - pricing a prompt and a request (see costmodel.h).
 */
#include "costmodel.h"

#include "runid.h"

#include <math.h>

void llmops_cost_sources_init(struct llmops_cost_sources *s)
{
	*s = (struct llmops_cost_sources){NULL, NULL, NULL, -1, -1, -1, -1, -1, -1, -1, -1, 0};
}

const char *llmops_cost_model(const struct llmops_cost_sources *s)
{
	return s->model_flag ? s->model_flag : s->model_prompt ? s->model_prompt : s->model_config;
}

double llmops_cost_output_tokens(const struct llmops_cost_sources *s, const char **source)
{
	static const char *const names[] = {"--output-tokens", "max_tokens", "ledger",
					    "llmops.json"};
	const double v[] = {s->output_flag, s->output_prompt, s->output_observed, s->output_config};
	for (int i = 0; i < 4; i++)
		if (v[i] >= 0) {
			*source = names[i];
			return v[i];
		}
	*source = "unknown";
	return 0;
}

double llmops_cost_traffic(const struct llmops_cost_sources *s, const char **source)
{
	if (s->traffic_flag >= 0) {
		*source = "--requests-per-day";
		return s->traffic_flag;
	}
	if (s->traffic_day >= 0) {
		*source = "llmops.json";
		return s->traffic_day;
	}
	if (s->traffic_month >= 0) {
		*source = "llmops.json";
		return s->traffic_month / 30.0;
	}
	if (s->traffic_observed > 0) {
		*source = s->traffic_production ? "production" : "evaluation-runs";
		return s->traffic_observed;
	}
	*source = "none";
	return 0;
}

double llmops_cost_request_at(const struct llmops_price *p, double in, double out, int minute)
{
	if (!p || in < 0 || out < 0 || isnan(in) || isnan(out))
		return NAN;
	return llmops_price_request_at(p, in, 0, out, minute);
}

double llmops_cost_request(const struct llmops_price *p, double in, double out)
{
	return llmops_cost_request_at(p, in, out, -1);
}

double llmops_cost_request_now(const struct llmops_price *p, double in, double out)
{
	return llmops_cost_request_at(p, in, out, llmops_minute_of_day(llmops_now_ms()));
}
