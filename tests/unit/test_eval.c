/*
 * test_eval.c - the evaluation engine (lib/eval.h) driven directly, with a
 * real ledger file and the test LLM server on 127.0.0.1: a live run and
 * its cache hits, retries, fallback, repeats, shards, resume; a large JSONL
 * dataset read in slices side by side, and the dataset cursor's slices.
 */
#include "testutil.h"

#include "buf.h"
#include "dataset.h"
#include "eval.h"
#include "eval/internal.h" /* the engine's state, which its tests fill in */
#include "hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fx {
	char *dir, *db;
	struct llmops_ledger *lg;
	struct tu_server srv;
};

static int fx_setup(void **state, const char *server_args)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct llmops_err err = {0};
	assert_non_null(f);
	f->dir = tu_tmpdir();
	f->db = tu_path(f->dir, "ledger.db");
	assert_int_equal(llmops_ledger_open(&f->lg, f->db, LLMOPS_LEDGER_MKDIR, &err), 0);
	if (server_args)
		assert_int_equal(tu_server_start(&f->srv, server_args), 0);
	*state = f;
	return 0;
}

static int setup_plain(void **state)
{
	return fx_setup(state, "");
}

static int setup_failing(void **state)
{
	return fx_setup(state, "--fail-first 2");
}

static int setup_noserver(void **state)
{
	return fx_setup(state, NULL);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_server_stop(&f->srv);
	llmops_ledger_free(f->lg);
	free(f->db);
	tu_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct llmops_provider *provider(struct llmops_eval *ev, const char *spec, const char *base)
{
	struct llmops_err err = {0};
	static char *const env[] = {"OPENAI_API_KEY=sk-test-not-a-real-key", NULL};
	struct llmops_provider_overrides ov = {
		.base_url = base, .temperature = NAN, .max_tokens = -1, .seed = -1, .env = env};
	struct llmops_provider **ps = realloc(ev->provs, (ev->nprovs + 1) * sizeof(*ps));
	assert_non_null(ps);
	ev->provs = ps;
	assert_int_equal(llmops_provider_resolve(&ps[ev->nprovs], spec, NULL, &ov, &err), 0);
	return ps[ev->nprovs++];
}

/*
 * An engine over the JSONL cases: each case's "input" is the message, one
 * variant answered by spec (and fallback) at base, rouge_l at 0.85.
 */
static void engine(struct llmops_eval *ev, struct fx *f, const char *jsonl, const char *spec,
		   const char *fallback)
{
	struct llmops_err err = {0};
	char *path = tu_path(f->dir, "cases.jsonl");
	llmops_eval_init(ev); /* the defaults; then this fixture's */
	ev->ledger = f->lg;
	tu_write_file(path, jsonl, strlen(jsonl));
	assert_int_equal(llmops_dataset_file_open(&ev->file, path, &err), 0);
	free(path);
	ev->dataset_path = ev->file.label;
	assert_int_equal(llmops_pricing_builtin(&ev->prices, &err), 0);
	llmops_strlist_append(&ev->metrics, "rouge_l");
	ev->metric_ids[0] = LLMOPS_METRIC_ROUGE_L;
	ev->nmetric_ids = 1;
	ev->ropts = (struct llmops_runner_opts){.concurrency = 4,
						.timeout_ms = 10000,
						.retries = 3,
						.backoff_ms = 1,
						.backoff_max_ms = 5};
	ev->protos = calloc(1, sizeof(*ev->protos));
	ev->vars = calloc(1, sizeof(*ev->vars));
	assert_true(ev->protos && ev->vars);
	snprintf(ev->protos[0].prompt, sizeof(ev->protos[0].prompt), "(input)");
	ev->nprotos = 1;
	ev->vars[0] = ev->protos[0];
	ev->vars[0].prov = provider(ev, spec, f->srv.port ? f->srv.base : NULL);
	if (fallback) {
		ev->vars[0].fallback = provider(ev, fallback, f->srv.base);
		(void)llmops_pricing_find(ev->prices, ev->vars[0].fallback->model,
					  &ev->vars[0].fallback_price, &err);
	}
	if (ev->vars[0].prov->model)
		(void)llmops_pricing_find(ev->prices, ev->vars[0].prov->model, &ev->vars[0].price,
					  &err);
	snprintf(ev->vars[0].label, sizeof(ev->vars[0].label), "(input) x %s", spec);
	ev->nvars = 1;
}

/* Cases, rendering, scoring tables and the run begun: ready to run. */
static void ready(struct llmops_eval *ev)
{
	struct llmops_err err = {0};
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	const struct llmops_eval_record rec = {NULL};
	size_t more = 0;
	assert_int_equal(llmops_eval_cases(ev, &err), 0);
	assert_int_equal(llmops_eval_render(ev, &problems, &more, &err), 0);
	assert_int_equal((int)problems.nr, 0);
	assert_int_equal(llmops_eval_scoring(ev, &err), 0);
	if (ev->resumed)
		assert_int_equal(llmops_eval_take_up(ev, &err), 0);
	else
		assert_int_equal(llmops_eval_begin(ev, &rec, &err), 0);
	llmops_strlist_release(&problems);
}

/* What the result callback saw of each job. */
struct seen {
	int n;
	int attempts[16], on_fallback[16], cache_hit[16];
};

static void see(const struct llmops_eval *ev, const struct llmops_eval_job *j, void *ud)
{
	struct seen *s = ud;
	(void)ev;
	if (s->n < 16) {
		s->attempts[s->n] = j->res.attempts;
		s->on_fallback[s->n] = j->on_fallback;
		s->cache_hit[s->n] = j->res.cache_hit;
		s->n++;
	}
}

/* Who answered the results read back. */
struct answered {
	int n, fallback;
};

static int take_answered(const struct llmops_result *r, void *ud)
{
	struct answered *a = ud;
	a->n++;
	a->fallback += r->provider && !strcmp(r->provider, "openai") && r->model &&
		       !strcmp(r->model, "gpt-4o-mini");
	return 0;
}

/* A run's figures split by who answered its results. */
struct parts {
	struct llmops_ledger *lg;
	int split, n;
	char model[4][64];
	int64_t cases[4], requests[4], run_requests;
	double cost[4];
};

static int take_part(const struct llmops_run_figures *x, void *ud)
{
	struct parts *p = ud;
	if (p->n < 4) {
		snprintf(p->model[p->n], sizeof(p->model[0]), "%s", x->model ? x->model : "");
		p->cases[p->n] = x->cases;
		p->requests[p->n] = x->requests;
		p->cost[p->n] = x->cost_usd;
	}
	p->n++;
	return 0;
}

static int split_run(const struct llmops_run_figures *x, void *ud)
{
	struct parts *p = ud;
	struct llmops_err err = {0};
	p->run_requests = x->requests;
	return llmops_ledger_figures_split(p->lg, x, take_part, p, &p->split, &err);
}

static int run(struct llmops_eval *ev, const struct llmops_eval_cb *cb)
{
	struct llmops_err err = {0};
	int rc = llmops_eval_run(ev, cb, &err);
	if (rc < 0)
		fail_msg("run: %s", err.msg);
	return rc;
}

static long results_of(struct fx *f, const char *run_id)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "select count(*) from results where run_id = '%s'", run_id);
	return tu_sql_int(f->db, sql);
}

static const char three[] =
	"{\"id\":\"a\",\"input\":\"REPLY: paris is the capital\",\"expected\":\"paris is the "
	"capital\"}\n"
	"{\"id\":\"b\",\"input\":\"REPLY: berlin\",\"expected\":\"berlin\"}\n"
	"{\"id\":\"c\",\"input\":\"REPLY: rome\",\"expected\":\"london\"}\n";

/* A live run is scored, priced and recorded; the same run again is served by the cache. */
static void test_live_then_cache(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_eval_totals t;
	struct llmops_err err = {0};

	engine(&ev, f, three, "openai:gpt-4o-mini", NULL);
	ready(&ev);
	assert_int_equal(run(&ev, NULL), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(t.cases, 3);
	assert_int_equal(t.passed, 2);
	assert_int_equal(t.errors, 0);
	assert_false(t.gate_ok); /* every case must pass by default */
	assert_int_equal(ev.vars[0].cache_hits, 0);
	assert_true(t.cost > 0); /* gpt-4o-mini has a price */
	assert_int_equal(ev.vars[0].nlat, 3);
	assert_int_equal(tu_server_stat(&f->srv, "answered"), 3);
	assert_int_equal(results_of(f, ev.run_id), 3);
	assert_int_equal(llmops_eval_finish(&ev, LLMOPS_RUN_FAILED, &err), 0);
	llmops_eval_release(&ev);

	struct seen s = {0};
	const struct llmops_eval_cb cb = {NULL, see, &s};
	engine(&ev, f, three, "openai:gpt-4o-mini", NULL);
	ev.min_pass_rate = 0.6;
	ready(&ev);
	assert_int_equal(run(&ev, &cb), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(t.passed, 2);
	assert_true(t.gate_ok);
	assert_int_equal(ev.vars[0].cache_hits, 3);
	assert_true(t.cost == 0);	      /* a cached answer costs nothing */
	assert_int_equal(ev.vars[0].nlat, 0); /* and has no latency */
	assert_int_equal(tu_server_stat(&f->srv, "answered"), 3);
	assert_int_equal(s.n, 3);
	for (int i = 0; i < s.n; i++) {
		assert_int_equal(s.attempts[i], 0);
		assert_true(s.cache_hit[i]);
	}
	llmops_eval_release(&ev);
}

/* Two 500s, then an answer: one result, three attempts, counted once. */
static void test_retries(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_eval_totals t;
	engine(&ev, f, "{\"id\":\"x\",\"input\":\"REPLY: ok\",\"expected\":\"ok\"}\n",
	       "openai:gpt-4o-mini", NULL);
	struct seen s = {0};
	const struct llmops_eval_cb cb = {NULL, see, &s};
	ev.ropts.concurrency = 1;
	ready(&ev);
	assert_int_equal(run(&ev, &cb), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(t.passed, 1);
	assert_int_equal(s.attempts[0], 3);
	assert_int_equal(tu_server_stat(&f->srv, "api_requests"), 3);
	assert_int_equal(results_of(f, ev.run_id), 1);
	llmops_eval_release(&ev);
}

/*
 * A model the server does not know answers 404 with an error body: the
 * fallback answers instead (the runner used to parse the fallback's answer
 * appended to the 404's body, and recorded the 404's message as the error).
 */
static void test_fallback(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_eval_totals t;
	struct seen s = {0};
	const struct llmops_eval_cb cb = {NULL, see, &s};
	engine(&ev, f, three, "openai:no-such-model", "openai:gpt-4o-mini");
	ready(&ev);
	assert_int_equal(run(&ev, &cb), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(t.cases, 3);
	assert_int_equal(t.passed, 2);
	assert_int_equal(t.errors, 0);
	assert_int_equal(s.n, 3);
	for (int i = 0; i < s.n; i++) {
		assert_true(s.on_fallback[i]);
		assert_true(s.attempts[i] >= 2); /* the 404 and the fallback's answer */
	}
	/* priced by the model that answered (the primary has no price) */
	assert_null(ev.vars[0].price);
	assert_true(t.cost > 0);
	assert_int_equal(ev.vars[0].fallback_answers, 3);
	assert_int_equal(tu_server_stat(&f->srv, "answered"), 3);
	/* the run is the primary's; each result names the fallback that answered it */
	struct answered a = {0};
	struct llmops_err err = {0};
	assert_int_equal(llmops_ledger_results_each(f->lg, ev.run_id, take_answered, &a, &err), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.fallback, 3);
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "select count(*) from runs where id = '%s' and model = "
		 "'no-such-model'",
		 ev.run_id);
	assert_int_equal(tu_sql_int(f->db, sql), 1);
	/* and the run's figures split by who answered: all of it the fallback's */
	assert_int_equal(llmops_eval_finish(&ev, LLMOPS_RUN_FAILED, &err), 0);
	struct parts pt = {.lg = f->lg};
	assert_int_equal(llmops_ledger_figures_each(f->lg, NULL, split_run, &pt, &err), 0);
	assert_int_equal(pt.split, 1);
	assert_int_equal(pt.n, 1);
	assert_string_equal(pt.model[0], "gpt-4o-mini");
	assert_int_equal(pt.cases[0], 3);
	assert_int_equal(pt.requests[0], pt.run_requests);
	assert_true(fabs(pt.cost[0] - t.cost) < 1e-12);
	llmops_eval_release(&ev);
}

/* --max-cost: once what was spent and what is in flight reach it, nothing more is sent;
   the rest is recorded as skipped (not errors), and the gate fails. */
static void test_max_cost(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_eval_totals t;
	struct llmops_err err = {0};
	struct llmops_buf cases = LLMOPS_BUF_INIT;
	for (int i = 0; i < 30; i++)
		llmops_buf_addf(&cases,
				"{\"id\":\"c%02d\",\"input\":\"REPLY: answer %d\","
				"\"expected\":\"answer %d\"}\n",
				i, i, i);
	engine(&ev, f, cases.data, "openai:gpt-4o", NULL);
	ev.max_cost = 0.0003; /* a few requests of gpt-4o at 256 answer tokens estimated */
	ev.min_pass_rate = 0;
	ready(&ev);
	assert_int_equal(llmops_eval_budget_check(&ev, &err), 0);
	assert_int_equal(run(&ev, NULL), 0);
	llmops_eval_totals(&ev, &t);
	long sent = tu_server_stat(&f->srv, "api_requests");
	assert_true(sent > 0 && sent < 30);
	assert_int_equal(t.cases, 30);
	assert_int_equal(t.skipped, 30 - sent);
	assert_int_equal(t.errors, 0);
	assert_int_equal(t.passed, sent);
	assert_false(t.gate_ok); /* what was not sent fails the gate */
	/* within the maximum and what the requests sent last cost */
	assert_true(t.cost < ev.max_cost + 4 * t.cost / (double)sent);
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "select count(*) from results where run_id = '%s' and "
		 "skipped = 1 and passed is null and attempts = 0",
		 ev.run_id);
	assert_int_equal(tu_sql_int(f->db, sql), 30 - sent);
	assert_int_equal(llmops_eval_finish(&ev, LLMOPS_RUN_FAILED, &err), 0);
	snprintf(sql, sizeof(sql), "select skipped * 100 + errored from runs where id = '%s'",
		 ev.run_id);
	assert_int_equal(tu_sql_int(f->db, sql), (30 - sent) * 100);
	llmops_eval_release(&ev);

	/* nothing left to spend: not one request */
	engine(&ev, f, cases.data, "openai:gpt-4o", NULL);
	ev.max_cost = 0;
	ev.no_cache = 1;
	ready(&ev);
	assert_int_equal(run(&ev, NULL), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(tu_server_stat(&f->srv, "api_requests"), sent);
	assert_int_equal(t.skipped, 30);
	llmops_eval_release(&ev);

	/* a fallback's request is counted in flight from the moment it is queued, and a
	   request held back waits for it: every case still ends recorded */
	long before = tu_server_stat(&f->srv, "api_requests");
	engine(&ev, f, cases.data, "openai:no-such-model", "openai:gpt-4o");
	ev.vars[0].price = ev.vars[0].fallback_price; /* its requests in flight hold others back */
	ev.max_cost = 0.0003;
	ev.no_cache = 1;
	ready(&ev);
	assert_int_equal(run(&ev, NULL), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(ev.done, (long)ev.njobs);
	assert_int_equal(t.cases, 30);
	assert_true(t.skipped > 0 && t.skipped < 30);
	assert_int_equal(t.passed + t.skipped, 30);
	assert_int_equal(ev.vars[0].fallback_answers, t.passed);
	/* each case sent twice: the 404 and the fallback's answer */
	assert_int_equal(tu_server_stat(&f->srv, "api_requests") - before, 2 * t.passed);
	llmops_eval_release(&ev);

	/* a billed model with no price cannot be capped */
	engine(&ev, f, cases.data, "openai:my-own-model", NULL);
	ev.max_cost = 1;
	assert_int_equal(llmops_eval_budget_check(&ev, &err), LLMOPS_E_USAGE);
	assert_non_null(strstr(err.msg, "no price is known for openai:my-own-model"));
	llmops_eval_release(&ev);
	llmops_buf_release(&cases);
}

/* Three repeats of a case whose answer changes: 2 of 3 pass, and it is flaky. */
static void test_repeat(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_eval_totals t;
	engine(&ev, f,
	       "{\"id\":\"q\",\"input\":\"REPLY-CYCLE: paris | rome | paris\","
	       "\"expected\":\"paris\"}\n",
	       "openai:gpt-4o-mini", NULL);
	ev.repeats = 3;
	ready(&ev);
	assert_int_equal(ev.njobs, 3);
	assert_int_equal(run(&ev, NULL), 0);
	llmops_eval_totals(&ev, &t);
	assert_int_equal(t.cases, 3);
	assert_int_equal(t.passed, 2);
	assert_int_equal(llmops_eval_repeats(&ev), 0);
	assert_non_null(ev.reps);
	assert_int_equal(ev.reps[0].flaky, 1);
	assert_int_equal(tu_server_stat(&f->srv, "answered"), 3); /* each repeat was asked */
	assert_int_equal(results_of(f, ev.run_id), 3);
	llmops_eval_release(&ev);
}

/* The second of three shards of seven recorded cases: cases 3 and 4, nothing sent. */
static void test_shard(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_buf cases = LLMOPS_BUF_INIT;
	for (int i = 1; i <= 7; i++)
		llmops_buf_addf(&cases,
				"{\"id\":\"c%d\",\"output\":\"same\",\"expected\":\"same\"}\n", i);
	engine(&ev, f, cases.data, "replay", NULL);
	ev.shard_index = 2;
	ev.shard_count = 3;
	ready(&ev);
	assert_int_equal(ev.ncases, 2);
	assert_int_equal(ev.shard_first, 2);
	assert_int_equal(run(&ev, NULL), 0);
	assert_int_equal(ev.passed, 2);
	assert_int_equal(results_of(f, ev.run_id), 2);
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "select count(*) from results where run_id = '%s' and case_id in ('c3', 'c4')"
		 " and position in (2, 3)",
		 ev.run_id);
	assert_int_equal(tu_sql_int(f->db, sql), 2); /* positions in the whole dataset */
	llmops_eval_release(&ev);
	llmops_buf_release(&cases);
}

/* Stop after two results; a resume runs only the other four. */
static void stop_after_two(const struct llmops_eval *ev, const struct llmops_eval_job *j, void *ud)
{
	(void)j;
	if (ev->done >= 2)
		*(volatile sig_atomic_t *)ud = 1;
}

static void test_resume(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	struct llmops_err err = {0};
	volatile sig_atomic_t stop = 0;
	struct llmops_buf cases = LLMOPS_BUF_INIT;
	char run_id[LLMOPS_RUNID_LEN + 1], sha[LLMOPS_SHA256_HEX_LEN + 1];
	for (int i = 1; i <= 6; i++)
		llmops_buf_addf(&cases,
				"{\"id\":\"r%d\",\"input\":\"REPLY: w%d\",\"expected\":\"w%d\"}\n",
				i, i, i);
	engine(&ev, f, cases.data, "openai:gpt-4o-mini", NULL);
	ev.ropts.concurrency = 1;
	ev.stop = &stop;
	ready(&ev);
	const struct llmops_eval_cb cb = {NULL, stop_after_two, (void *)&stop};
	assert_int_equal(run(&ev, &cb), 1);
	assert_int_equal(ev.done, 2);
	assert_int_equal(llmops_eval_finish(&ev, LLMOPS_RUN_INTERRUPTED, &err), 0);
	memcpy(run_id, ev.run_id, sizeof(run_id));
	memcpy(sha, ev.ds.sha256, sizeof(sha));
	llmops_eval_release(&ev);
	assert_int_equal(results_of(f, run_id), 2);

	engine(&ev, f, cases.data, "openai:gpt-4o-mini", NULL);
	memcpy(ev.run_id, run_id, sizeof(run_id));
	memcpy(ev.resume_sha, sha, sizeof(sha));
	ev.resumed = 1;
	ready(&ev);
	assert_int_equal(ev.restored, 2);
	assert_int_equal(run(&ev, NULL), 0);
	assert_int_equal(ev.done, 6);
	assert_int_equal(ev.passed, 6);
	assert_int_equal(results_of(f, run_id), 6);
	llmops_eval_release(&ev);

	/* a changed dataset is not taken up */
	llmops_buf_adds(&cases, "{\"id\":\"r7\",\"input\":\"x\",\"expected\":\"x\"}\n");
	engine(&ev, f, cases.data, "openai:gpt-4o-mini", NULL);
	memcpy(ev.run_id, run_id, sizeof(run_id));
	memcpy(ev.resume_sha, sha, sizeof(sha));
	assert_int_equal(llmops_eval_cases(&ev, &err), 0);
	assert_int_equal(llmops_eval_take_up(&ev, &err), LLMOPS_E_USAGE);
	assert_non_null(strstr(err.msg, "has changed since the run began"));
	llmops_eval_release(&ev);
	llmops_buf_release(&cases);
}

/* Case validation: what each bad case gets. */
static void test_case_errors(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *line, *want;
	} bad[] = {
		{"{\"id\":\"m\",\"expected\":\"x\",\"output\":\"x\",\"metric\":\"blue\"}",
		 "cases.jsonl:1:39: case 'm': unknown metric 'blue'; did you mean 'bleu'?"},
		{"{\"id\":\"t\",\"expected\":\"x\",\"output\":\"x\",\"threshold\":\"0.3\"}",
		 "\"threshold\" must be a number in [0, 1]"},
		{"{\"id\":\"t\",\"expected\":\"x\",\"output\":\"x\",\"threshold\":1.5}",
		 "\"threshold\" 1.5 is outside [0, 1] (scores are in [0, 1], so it can never "
		 "pass)"},
		{"{\"id\":\"a\",\"expected\":\"x\",\"output\":\"x\",\"assert\":[{\"type\":"
		 "\"contians\"}]}",
		 "case 'a': assert[0]"},
		{"{\"id\":\"n\",\"output\":\"x\"}", "nothing to judge its output by"},
		{"{\"id\":\"e\",\"expected\":\"x\",\"output\":\"x\",\"metric\":\"embedding\"}",
		 "needs --embedding-provider"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct llmops_eval ev;
		struct llmops_err err = {0};
		char text[256];
		snprintf(text, sizeof(text), "%s\n", bad[i].line);
		engine(&ev, f, text, "replay", NULL);
		assert_true(llmops_eval_cases(&ev, &err) < 0);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("%s: got '%s', want '%s'", bad[i].line, err.msg, bad[i].want);
		llmops_eval_release(&ev);
	}
}

/*
 * A JSONL text of n lines (more than 4 MiB for n = 20,000: sliced): line L
 * is a case with id "c<L>" unless a rule below makes it blank, id-less or
 * something else.  The caller's: free().
 */
static char *big_jsonl(int n, const int *blank, const int *noid, int special_line,
		       const char *special)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	char pad[201];
	memset(pad, 'w', 200);
	pad[200] = 0;
	for (int line = 1; line <= n; line++) {
		int is_blank = 0, is_noid = 0;
		for (const int *p = blank; p && *p; p++)
			is_blank |= *p == line;
		for (const int *p = noid; p && *p; p++)
			is_noid |= *p == line;
		if (line == special_line)
			llmops_buf_addf(&b, "%s\n", special);
		else if (is_blank)
			llmops_buf_adds(&b, "  \n");
		else if (is_noid)
			llmops_buf_addf(&b, "{\"expected\":\"a %s\",\"output\":\"a %s\"}\n", pad,
					pad);
		else
			llmops_buf_addf(
				&b, "{\"id\":\"c%d\",\"expected\":\"a %s\",\"output\":\"a %s\"}\n",
				line, pad, pad);
	}
	assert_false(b.oom);
	return llmops_buf_detach(&b, NULL);
}

/* The first pass over text: 0 and the run's figures, or the error's message in msg. */
static int first_pass(struct fx *f, const char *text, struct llmops_eval *ev, char *msg,
		      size_t msgsz)
{
	struct llmops_err err = {0};
	engine(ev, f, text, "replay", NULL);
	int rc = llmops_eval_cases(ev, &err);
	snprintf(msg, msgsz, "%s", rc ? err.msg : "");
	return rc;
}

static void test_sliced_first_pass(void **state)
{
	struct fx *f = *state;
	struct llmops_eval ev;
	char msg[sizeof(((struct llmops_err *)0)->msg)], sha[LLMOPS_SHA256_HEX_LEN + 1];
	static const int blank[] = {100, 101, 0}, noid[] = {15003, 0};

	/* whole and valid: every case counted, the hash of the whole file */
	char *text = big_jsonl(20000, blank, NULL, 0, NULL);
	assert_true(strlen(text) > (5u << 20) - (1u << 20));
	assert_int_equal(first_pass(f, text, &ev, msg, sizeof(msg)), 0);
	assert_int_equal(ev.ds.n, 19998);
	assert_int_equal(ev.nrecorded, 19998);
	assert_int_equal(llmops_sha256_hex(sha, text, strlen(text)), 0);
	assert_string_equal(ev.ds.sha256, sha);
	llmops_eval_release(&ev);
	free(text);

	/* an error late in the file: its own line, counted across the slices */
	text = big_jsonl(
		20000, blank, NULL, 17500,
		"{\"id\":\"t\",\"expected\":\"x\",\"output\":\"x\",\"threshold\":\"0.3\"}");
	assert_true(first_pass(f, text, &ev, msg, sizeof(msg)) < 0);
	if (!strstr(msg, "cases.jsonl:17500:"))
		fail_msg("got '%s'", msg);
	llmops_eval_release(&ev);
	free(text);

	/* errors early and late: the first in the file is the one reported */
	text = big_jsonl(20000, blank, NULL, 19000, "{\"id\": oops}");
	char *early = strstr(text, "{\"id\":\"c3\"");
	assert_non_null(early);
	memcpy(early, "[   ", 4); /* line 3 is no longer an object */
	assert_true(first_pass(f, text, &ev, msg, sizeof(msg)) < 0);
	if (!strstr(msg, "cases.jsonl:3:"))
		fail_msg("got '%s'", msg);
	llmops_eval_release(&ev);
	free(text);

	/* a default id late in the file is numbered by cases, not lines, from the
	   file's start (two blank lines before it): case-15001 repeats line 200's id */
	text = big_jsonl(20000, blank, noid, 200,
			 "{\"id\":\"case-15001\",\"expected\":\"x\",\"output\":\"x\"}");
	assert_true(first_pass(f, text, &ev, msg, sizeof(msg)) < 0);
	if (!strstr(msg, "cases.jsonl:15003:1: duplicate case id 'case-15001' (first at line 200)"))
		fail_msg("got '%s'", msg);
	llmops_eval_release(&ev);
	free(text);
}

/* An accepted output written into a dataset: the value's bytes, or one member added. */
static void test_set_expected(void **state)
{
	(void)state;
	char *dir = tu_tmpdir(), *j = tu_path(dir, "d.json"), *l = tu_path(dir, "d.jsonl");
	struct llmops_err err = {0};
	struct llmops_buf b = LLMOPS_BUF_INIT;
	tu_write_file(
		j,
		"[\n  {\"id\": \"a\",  \"expected\": \"x\", \"n\": 1.50},\n  {\"id\": \"b\"}\n]\n",
		strlen("[\n  {\"id\": \"a\",  \"expected\": \"x\", \"n\": 1.50},\n  {\"id\": "
		       "\"b\"}\n]\n"));
	assert_int_equal(llmops_dataset_set_expected(j, "a", "x", "say \"hi\"\n", &err), 0);
	assert_int_equal(llmops_dataset_set_expected(j, "b", NULL, "y", &err), 0);
	llmops_buf_read_file(&b, j);
	assert_string_equal(
		b.data, "[\n  {\"id\": \"a\",  \"expected\": \"say \\\"hi\\\"\\n\", \"n\": 1.50},\n"
			"  {\"id\": \"b\", \"expected\": \"y\"}\n]\n");
	llmops_buf_reset(&b);
	tu_write_file(l, "{\"id\": \"a\", \"expected\": \"x\",  \"z\": 2.0}\r\n{}\n",
		      strlen("{\"id\": \"a\", \"expected\": \"x\",  \"z\": 2.0}\r\n{}\n"));
	assert_int_equal(llmops_dataset_set_expected(l, "a", "x", "w", &err), 0);
	assert_int_equal(llmops_dataset_set_expected(l, "case-2", NULL, "v", &err), 0);
	llmops_buf_read_file(&b, l);
	assert_string_equal(
		b.data,
		"{\"id\": \"a\", \"expected\": \"w\",  \"z\": 2.0}\r\n{\"expected\": \"v\"}\n");
	llmops_buf_release(&b);
	free(j);
	free(l);
	tu_tmpdir_remove(dir);
}

/* k cursors over slices read what one cursor reads: ids, lines, errors' lines. */
static void test_cursor_slices(void **state)
{
	(void)state;
	static const char text[] = "{\"id\":\"a\"}\n"
				   "\n"
				   "{\"expected\":\"x\"}\n"
				   "  \t\n"
				   "{\"id\":\"b\",\"v\":\"\xc3\xa9\"}\n"
				   "{\"expected\":\"y\"}\n"
				   "{\"id\":7}\n";
	static const char *const want_id[] = {"a", "case-2", "b", "case-4", "7"};
	static const int want_line[] = {1, 3, 5, 6, 7};
	size_t len = strlen(text);
	for (unsigned k = 1; k <= 6; k++) {
		size_t got = 0;
		for (unsigned i = 0; i < k; i++) {
			struct llmops_dataset_cursor *cur = NULL;
			struct llmops_case one;
			struct llmops_err err = {0};
			size_t before = 99;
			size_t a = llmops_dataset_jsonl_slice(text, len, i, k),
			       b = llmops_dataset_jsonl_slice(text, len, i + 1, k);
			assert_true(a <= b && (a == 0 || text[a - 1] == '\n'));
			assert_int_equal(llmops_dataset_cursor_open_slice(&cur, "d.jsonl", text, a,
									  b, 0, &before, &err),
					 0);
			assert_int_equal(before, got);
			while (llmops_dataset_cursor_next(cur, &one, &err) == 1) {
				assert_true(got < 5);
				assert_string_equal(one.id, want_id[got]);
				assert_int_equal(one.line, want_line[got]);
				got++;
				llmops_case_release(&one);
			}
			assert_int_equal(err.code, 0);
			llmops_dataset_cursor_free(cur);
		}
		assert_int_equal(got, 5);
	}
	/* a slice's error names the line in the whole file */
	static const char bad[] = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\": nope}\n";
	struct llmops_dataset_cursor *cur = NULL;
	struct llmops_case one;
	struct llmops_err err = {0};
	size_t before = 0, at = llmops_dataset_jsonl_slice(bad, strlen(bad), 1, 2);
	assert_int_equal(llmops_dataset_cursor_open_slice(&cur, "d.jsonl", bad, at, strlen(bad), 0,
							  &before, &err),
			 0);
	int rc;
	while ((rc = llmops_dataset_cursor_next(cur, &one, &err)) == 1)
		llmops_case_release(&one);
	assert_true(rc < 0);
	if (!strstr(err.msg, "d.jsonl:3:"))
		fail_msg("got '%s'", err.msg);
	llmops_dataset_cursor_free(cur);
	/* a JSON array cannot be sliced */
	assert_int_equal(
		llmops_dataset_cursor_open_slice(&cur, "d.json", "[{}]", 0, 4, 0, &before, &err),
		LLMOPS_E_USAGE);
	assert_null(cur);
}

/* cascade specs: inline and named, and each refusal with its reason */
static void test_cascade_specs(void **state)
{
	(void)state;
	struct llmops_err err = {0};
	struct llmops_provider *p = NULL;
	cJSON *cfg = cJSON_Parse(
		"{\"triage\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"big\"],"
		" \"check\": \"schema:s.json\"}, \"big\": {\"type\": \"openai\", \"model\": \"b\"},"
		" \"loop\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"loop\"]},"
		" \"nest\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"triage\"]},"
		" \"bad\": {\"type\": \"cascade\", \"tiers\": \"openai:a\"},"
		" \"lp1\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"openai:b\"],"
		" \"check\": \"logprob:0.5\"},"
		" \"lp2\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"openai:b\"],"
		" \"check\": \"logprob:sure\"},"
		" \"lp3\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"openai:b\"],"
		" \"check\": \"logprob:-0.25\"},"
		" \"odd\": {\"type\": \"cascade\", \"tiers\": [\"openai:a\", \"openai:b\"],"
		" \"check\": \"judge:x\"}}");
	assert_non_null(cfg);
	assert_int_equal(
		llmops_provider_resolve(&p, "cascade: openai:a , ollama:b", cfg, NULL, &err), 0);
	assert_int_equal(p->type, LLMOPS_PROVIDER_CASCADE);
	assert_string_equal(llmops_provider_type_name(p->type), "cascade");
	assert_int_equal(p->tiers.nr, 2);
	assert_string_equal(p->tiers.items[0], "openai:a");
	assert_string_equal(p->tiers.items[1], "ollama:b");
	assert_string_equal(p->check, "pass");
	assert_null(p->model);
	assert_int_equal(llmops_provider_usable(p, &err), 0);
	llmops_provider_free(p);
	assert_int_equal(llmops_provider_resolve(&p, "triage", cfg, NULL, &err), 0);
	assert_string_equal(p->check, "schema:s.json");
	assert_string_equal(p->tiers.items[1], "big");
	llmops_provider_free(p);
	assert_int_equal(llmops_provider_resolve(&p, "lp3", cfg, NULL, &err), 0);
	assert_string_equal(p->check, "logprob:-0.25");
	llmops_provider_free(p);
	const char *bad[][2] = {
		{"cascade:openai:a", "a cascade of 1 tier"},
		{"cascade:openai:a,,openai:b", "an empty tier"},
		{"cascade:openai:a,openai:a", "'openai:a' is tier 1 and tier 2"},
		{"cascade:openai:a,replay", "tier 2 is replay"},
		{"cascade:openai:a,cascade:openai:b,openai:c", "is a cascade"},
		{"loop", "tier 2 is the cascade itself (a cycle)"},
		{"nest", "tier 2 'triage' is a cascade"},
		{"bad", "providers.bad.tiers: must be a list"},
		{"cascade:a,b,c,d,e,f,g,h,i", "9 tiers, more than the 8"},
		{"lp1", "logprob:MIN takes the least mean log-probability"},
		{"lp2", "logprob:MIN takes the least mean log-probability"},
		{"odd", "unknown check 'judge:x'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		p = NULL;
		assert_int_equal(llmops_provider_resolve(&p, bad[i][0], cfg, NULL, &err),
				 LLMOPS_E_USAGE);
		assert_null(p);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("%s: %s", bad[i][0], err.msg);
	}
	cJSON_Delete(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_then_cache, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_retries, setup_failing, teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_max_cost, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_repeat, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_shard, setup_noserver, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_case_errors, setup_noserver, teardown),
		cmocka_unit_test_setup_teardown(test_sliced_first_pass, setup_noserver, teardown),
		cmocka_unit_test(test_cursor_slices),
		cmocka_unit_test(test_set_expected),
		cmocka_unit_test(test_cascade_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
