/*
 * eval_opts.c - `llmops eval`'s options: its usage, the parse of its flags into
 * struct eval_opts, and those the engine takes handed over as its options
 * (lib/eval/eval.h).  Below eval.c, eval_production.c and eval_resume.c.
 */
#include "llmops.h"

#include "mem.h"

#include "eval_opts.h"
#include "options.h"

#include <stdlib.h>

LLMOPS_USAGE(
	usage, "llmops eval",
	"Run every case of a dataset through each prompt x provider variant, score the\n"
	"outputs (similarity metrics and assertions), record every result in the ledger\n"
	"as it completes, and gate: exit 1 when the pass rate is under --min-pass-rate\n"
	"(default: every case must pass), the cost over --max-cost or the errors over\n"
	"--max-errors (default: none); 3 when no case\n"
	"could be scored because requests failed; 130 when interrupted (resume with\n"
	"--resume RUN).  SPEC is openai:MODEL, anthropic:MODEL, ollama:MODEL,\n"
	"exec:COMMAND, replay, cascade:SMALL,LARGE (each case asked of the first tier,\n"
	"escalated to the next when its answer fails) or a provider named in\n"
	"llmops.json; --compare SPEC runs the cascade's cases on SPEC alone beside it\n"
	"and gives the paired difference in pass rate (exact McNemar) and cost.\n"
	"--bias runs each case also with an attribute's words swapped (he/she, names,\n"
	"young/old: llmops's list and prompts/_bias/) and gives each attribute's\n"
	"pass-rate gap and its exact McNemar p; --max-bias-gap gates on the gap.\n"
	"--probes places red-team attacks (llmops's catalogue and prompts/_probes/) into\n"
	"the first case's variables, with a canary in the system prompt, and gives the\n"
	"share that worked per category; --max-attack-success gates on it, --sarif\n"
	"writes the findings for code scanning.\n"
	"--baseline compares the run with an earlier one as 'llmops diff' does: a run\n"
	"id, 'last' (the newest finished evaluation of the same dataset), 'pinned'\n"
	"(the newest of the prompt's pinned version on it) or a git revision (the\n"
	"newest at it or its nearest ancestor, fetched with 'ledger fetch' when\n"
	"needed); --fail-on-regression then exits 1 when a case went from pass to fail\n"
	"(with --significance P: only when the drop is significant by an exact McNemar\n"
	"test).  --shard I/N runs the I-th of N contiguous slices of the cases, for N\n"
	"CI jobs whose ledgers 'llmops ledger merge' folds back into one run.",
	"llmops eval --dataset FILE [--prompt NAME[@VER]]... [--provider SPEC]...",
	"            [--metric NAME|judge:RUBRIC]... [--judge SPEC] [--threshold X]",
	"            [--min-pass-rate X] [--max-cost USD]", "            [--max-errors N|PCT]",
	"            [--concurrency N] [--rpm N] [--tpm N] [--timeout SEC] [--retries N]",
	"            [--fallback SPEC] [--compare SPEC] [--bias ATTR[,ATTR]|all]",
	"            [--max-bias-gap X] [--probes CATEGORY[,CATEGORY]|all]",
	"            [--max-attack-success RATE] [--sarif FILE] [--no-cache | --offline]",
	"            [--allow-secrets]", "            [-o FILE] [--format FORMAT]",
	"            [--baseline RUN|last|pinned|REV [--fail-on-regression] [--significance P]]",
	"            [--shard I/N]",
	"llmops eval --production [--prompt NAME[@VER]] [--since DATE|AGE] [--sample N]",
	"            [--seed S] [--assert FILE] [--metric NAME|judge:RUBRIC]... [--judge SPEC]",
	"llmops eval --resume RUN");

static const char *const formats[] = {"text", "json", "jsonl", "csv", "junit", "markdown", NULL};

int eval_parse_options(int argc, char **argv, struct eval_opts *o)
{
	/* keep the arguments as given (parsing reorders argv) for the record and --resume */
	free(o->argv_in);
	if (!(o->argv_in = calloc((size_t)argc + 1, sizeof(char *))))
		return LLMOPS_EXIT_RUNTIME;
	for (int i = 1; i < argc; i++)
		o->argv_in[i - 1] = argv[i];
	const struct llmops_option opts[] = {
		{OPT_STRING, 'd', "dataset", &o->dataset, "FILE",
		 "the cases: JSON array, JSONL or CSV", NULL, 0, 0},
		{OPT_LIST, 'p', "prompt", &o->prompts, "NAME[@VER]",
		 "a prompt to evaluate (repeatable; default: the one named like the dataset)", NULL,
		 0, 0},
		{OPT_LIST, 0, "provider", &o->providers, "SPEC",
		 "who answers (repeatable; default: llmops.json's \"default\")", NULL, 0, 0},
		{OPT_STRING, 0, "fallback", &o->fallback, "SPEC",
		 "used for a request once the provider has given up on it", NULL, 0, 0},
		{OPT_STRING, 0, "compare", &o->compare, "SPEC",
		 "with a cascade: the cases on SPEC alone, paired", NULL, 0, 0},
		{OPT_STRING, 0, "bias", &o->bias, "ATTR[,ATTR]|all",
		 "each case also with an attribute's words swapped", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "max-bias-gap", &o->max_bias_gap, "X",
				 "exit 1 when --bias moves a pass rate by more", 0, 1),
		{OPT_STRING, 0, "probes", &o->probes, "CATEGORY[,CATEGORY]|all",
		 "red-team attacks in the first case's variables", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "max-attack-success", &o->max_attack_success, "RATE",
				 "with --probes: exit 1 when more of the attacks worked", 0, 1),
		{OPT_STRING, 0, "sarif", &o->sarif, "FILE",
		 "with --probes: the attacks that worked as SARIF", NULL, 0, 0},
		{OPT_STRING, 0, "base-url", &o->base_url, "URL",
		 "the OpenAI- or Anthropic-compatible endpoint", NULL, 0, 0},
		{OPT_LIST, 'm', "metric", &o->metrics, "NAME",
		 "score with NAME (repeatable; the first gates)", NULL, 0, 0},
		OPT_NUMBER_ENTRY('t', "threshold", &o->threshold, "X",
				 "a case passes when its metric is at least X (default 0.85)", 0,
				 1),
		OPT_NUMBER_ENTRY(0, "min-pass-rate", &o->min_pass_rate, "X",
				 "exit 1 under this pass rate (default 1: every case)", 0, 1),
		{OPT_STRING, 0, "max-errors", &o->max_errors, "N|PCT",
		 "errors the gate allows: a count or a percentage such as 5% (default 0)", NULL, 0,
		 0},
		OPT_NUMBER_ENTRY(0, "max-cost", &o->max_cost, "USD",
				 "exit 1 when the run costs more", 0, 1e12),
		OPT_NUMBER_ENTRY(0, "review-below", &o->review_below, "X",
				 "queue cases scoring under X for human review", 0, 1),
		{OPT_INT, 'j', "concurrency", &o->concurrency, "N", "requests at once (default 8)",
		 NULL, 1, 512},
		OPT_NUMBER_ENTRY(0, "rpm", &o->rpm, "N", "at most N requests a minute", 0, 1e9),
		OPT_NUMBER_ENTRY(0, "tpm", &o->tpm, "N", "at most N tokens a minute", 0, 1e12),
		OPT_NUMBER_ENTRY(0, "timeout", &o->timeout, "SEC", "per request (default 60)",
				 0.001, 86400),
		{OPT_INT, 0, "retries", &o->retries, "N", "retries of a failed request (default 4)",
		 NULL, 0, 100},
		OPT_NUMBER_ENTRY(0, "temperature", &o->temperature, "X", "model temperature", 0, 2),
		{OPT_INT, 0, "max-tokens", &o->max_tokens, "N", "output token limit", NULL, 1,
		 10000000},
		{OPT_INT, 0, "seed", &o->seed, "N",
		 "sampling seed (with --production: which records are sampled)", NULL, 0,
		 2147483647},
		{OPT_LIST, 0, "stop", &o->stop, "TEXT", "stop sequence (repeatable)", NULL, 0, 0},
		{OPT_FLAG, 0, "stream", &o->stream, NULL,
		 "stream answers (measures time to first token)", NULL, 0, 0},
		{OPT_STRING, 0, "embedding-provider", &o->embedding, "SPEC",
		 "embeddings for the embedding metric", NULL, 0, 0},
		{OPT_STRING, 0, "moderation-provider", &o->moderation, "SPEC",
		 "the moderation endpoint of the moderation assertion (openai:)", NULL, 0, 0},
		{OPT_STRING, 0, "judge", &o->judge, "SPEC",
		 "the provider that judges for --metric judge:RUBRIC (temperature 0)", NULL, 0, 0},
		{OPT_FLAG, 0, "no-cache", &o->no_cache, NULL, "neither read nor write the cache",
		 NULL, 0, 0},
		{OPT_FLAG, 0, "offline", &o->offline, NULL,
		 "send nothing: only the cache and recorded outputs", NULL, 0, 0},
		{OPT_FLAG, 0, "allow-secrets", &o->allow_secrets, NULL,
		 "send requests that hold a key or token (refused by default)", NULL, 0, 0},
		{OPT_STRING, 0, "resume", &o->resume, "RUN",
		 "finish an interrupted, killed or failed run without repeating its finished cases",
		 NULL, 0, 0},
		{OPT_INT, 0, "limit", &o->limit, "N", "only the first N cases", NULL, 1, 100000000},
		{OPT_INT, 0, "repeat", &o->repeat, "N",
		 "run each case N times: pass fractions, flaky cases, pass@k", NULL, 1, 100},
		{OPT_STRING, 'o', "output", &o->output, "FILE",
		 "write the results to FILE (format from its extension or --format)", NULL, 0, 0},
		{OPT_CHOICE, 0, "format", &o->format, "FORMAT",
		 "text, json, jsonl, csv, junit or markdown (-o: also html)", formats, 0, 0},
		{OPT_FLAG, 0, "no-progress", &o->no_progress, NULL, "no progress line on stderr",
		 NULL, 0, 0},
		{OPT_STRING, 0, "baseline", &o->baseline, "RUN",
		 "compare with a run: an id, last, pinned, or a git revision's", NULL, 0, 0},
		{OPT_FLAG, 0, "baseline-missing-ok", &o->baseline_missing_ok, NULL,
		 "a --baseline with no run yet (a new dataset) is a note, not an error", NULL, 0,
		 0},
		{OPT_FLAG, 0, "fail-on-regression", &o->fail_on_regression, NULL,
		 "exit 1 when a case went from pass to fail against the baseline", NULL, 0, 0},
		OPT_NUMBER_ENTRY(0, "significance", &o->significance, "P",
				 "only a drop significant at P fails --fail-on-regression; "
				 "judge:pairwise's sign test level (0.05)",
				 1e-12, 0.999999),
		{OPT_FLAG, 0, "production", &o->production, NULL,
		 "score a sample of ingested production records (llmops ingest)", NULL, 0, 0},
		{OPT_STRING, 0, "since", &o->since, "DATE|AGE",
		 "with --production: records answered at or after", NULL, 0, 0},
		{OPT_INT, 0, "sample", &o->sample, "N",
		 "with --production: how many records (default 100)", NULL, 1, 10000000},
		{OPT_STRING, 0, "assert", &o->assert_file, "FILE",
		 "with --production: assertions (a JSON array) for every record", NULL, 0, 0},
		{OPT_STRING, 0, "shard", &o->shard, "I/N", "only the I-th of N slices of the cases",
		 NULL, 0, 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	int n = llmops_parse_command(argc, argv, opts, &usage, 0, 0);
	if (n == LLMOPS_OPT_HELP_SHOWN)
		return -1;
	return n < 0 ? LLMOPS_OPT_EXIT(n) : 0;
}

void eval_opts_release(struct eval_opts *o)
{
	for (char **a = o->argv; a && *a; a++)
		free(*a);
	LLMOPS_FREE_ALL(o->argv, o->argv_in, o->production_dataset, o->production_prompt,
			o->bias_dataset, o->probes_dataset, o->system_note, o->probes_source);
	llmops_strlist_release(&o->bias_attrs);
	llmops_strlist_release(&o->probe_ids);
	llmops_strlist_release(&o->probe_cats);
	llmops_strlist_release(&o->prompts);
	llmops_strlist_release(&o->providers);
	llmops_strlist_release(&o->metrics);
	llmops_strlist_release(&o->stop);
}

/* Numbers from flags, else llmops.json "eval", else the defaults. */

void eval_engine_options(const struct eval_opts *o, struct llmops_eval_options *eo)
{
	struct llmops_eval_options d = LLMOPS_EVAL_OPTIONS_INIT;
	*eo = d;
	eo->dataset = o->dataset;
	eo->prompts = o->prompts; /* the lists are borrowed: o keeps them */
	eo->providers = o->providers;
	eo->metrics = o->metrics;
	eo->stop = o->stop;
	eo->fallback = o->fallback;
	eo->compare = o->compare;
	eo->bias = o->bias_attrs;
	eo->max_bias_gap = o->max_bias_gap;
	eo->system_note = o->system_note;
	eo->probe_ids = o->probe_ids;
	eo->probe_categories = o->probe_cats;
	eo->max_attack_success = o->max_attack_success;
	eo->base_url = o->base_url;
	eo->embedding = o->embedding;
	eo->judge = o->judge;
	eo->moderation = o->moderation;
	eo->max_errors = o->max_errors;
	eo->shard = o->shard;
	eo->threshold = o->threshold;
	eo->min_pass_rate = o->min_pass_rate;
	eo->max_cost = o->max_cost;
	eo->review_below = o->review_below;
	eo->rpm = o->rpm;
	eo->tpm = o->tpm;
	eo->timeout_s = o->timeout;
	eo->temperature = o->temperature;
	eo->significance = o->significance;
	eo->concurrency = o->concurrency;
	eo->retries = o->retries;
	eo->max_tokens = o->max_tokens;
	eo->seed = o->seed;
	eo->limit = o->limit;
	eo->repeat = o->repeat;
	eo->stream = o->stream;
	eo->no_cache = o->no_cache;
	eo->offline = o->offline;
	eo->allow_secrets = o->allow_secrets;
	eo->baseline = o->baseline;
	eo->baseline_missing_ok = o->baseline_missing_ok;
	eo->argv = o->argv_in;
}
