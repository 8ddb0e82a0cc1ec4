/*
 * eval_internal.h - what the files of the evaluation engine share and
 * nothing else uses.
 */
#ifndef LLMOPS_EVAL_INTERNAL_H
#define LLMOPS_EVAL_INTERNAL_H

#include "eval.h"

/* Free the jobs still live and the requeue (eval_run.c). */
void llmops_eval_jobs_release(struct llmops_eval *ev);

/* eval_setup.c: one case, and the run's feed of jobs. */
/* What the first pass notes of each case of the dataset (ev->flags_). */
enum {
	LLMOPS_EVAL_HAS_OUTPUT = 1,
	LLMOPS_EVAL_HAS_INPUT = 2,
	LLMOPS_EVAL_HAS_REFUSAL = 4,
	LLMOPS_EVAL_HAS_RUBRIC = 8, /* "metric": "judge:RUBRIC" of its own */
};
/* The hash of an id (or of any text). */
uint64_t llmops_eval_id_hash(const char *s);
/* A reserved field of a case as text (strings as they are, other JSON compact; the
   caller's: free()), NULL when it is absent or null. */
char *llmops_eval_field_text(const cJSON *fields, const char *k);
/* Set c up from dc (borrowing its id and vars); with check, validate it as eval, cost and
   lint do. 0 or an error naming where; safe on any thread (reads ev only). */
int llmops_eval_setup_case(const struct llmops_eval *ev, const struct llmops_case *dc,
			   struct llmops_eval_case *c, int check, struct llmops_err *err);
/* Free what c holds (not c itself) and zero it. */
void llmops_eval_case_clear(struct llmops_eval_case *c);
/* A cursor over the whole dataset (checked once the first pass has read it). */
int llmops_eval_cursor(struct llmops_eval *ev, struct llmops_dataset_cursor **cur,
		       struct llmops_err *err);
/* The next job to run, made from the next case as needed; NULL at the end or on an error
   (then ev->feed_failed is set and err says why). */
struct llmops_eval_job *llmops_eval_next_job(struct llmops_eval *ev, struct llmops_err *err);
/* Free c once no job of it is pending and no more will be made. */
void llmops_eval_case_done(struct llmops_eval *ev, struct llmops_eval_case *c);
/* The messages of j rendered (once); 0, or -1 when they cannot be. */
int llmops_eval_messages(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Close the feed (the case being expanded, the cursor). */
void llmops_eval_feed_release(struct llmops_eval *ev);
/* eval_guard.c: the secrets and personal data in c's messages on v, into ev->guard; 0 or
   LLMOPS_E_NOMEM.  And free what the guard holds. */
int llmops_eval_guard_case(struct llmops_eval *ev, const struct llmops_eval_case *c,
			   const struct llmops_eval_variant *v, const cJSON *messages);
void llmops_eval_guard_release(struct llmops_eval_guard *g);
/* eval_judge.c: the judge metric (LLMOPS_JUDGE_METRIC) and the refusal assertions
   (LLMOPS_JUDGE_REFUSAL).  Whether j's output is to be judged for the metric; j's request
   to the judge `which` into its call (0 or an error); the judge's answer a (body[0..len): the
   response, for the log-probabilities) into j (its score or verdict, and cost; 0, or an error
   when the verdict does not read); j served from the cache (1) or not (0). */
enum { LLMOPS_JUDGE_METRIC = 0, LLMOPS_JUDGE_REFUSAL = 1 };
int llmops_eval_judges(const struct llmops_eval *ev, const struct llmops_eval_job *j);
int llmops_eval_judge_request(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			      struct llmops_err *err);
int llmops_eval_judge_take(struct llmops_eval *ev, struct llmops_eval_job *j, int which,
			   const struct llmops_answer *a, const char *body, size_t len,
			   int attempts, int cached, struct llmops_err *err);
int llmops_eval_judge_cached(struct llmops_eval *ev, struct llmops_eval_job *j, int which);
/* What a verdict's call used, into its JSON o: tokens_in, tokens_out (where known), cost_usd
   (null: unpriced), attempts, cache_hit. */
void llmops_eval_judge_usage(cJSON *o, const struct llmops_answer *a, double cost, int attempts,
			     int cached);
/* What j's result records as its judge's verdicts (results.judge; the caller's: free()): the
   metric's verdict with the refusal judge's under "refusal", either alone, or NULL when it
   has none (or out of memory). */
char *llmops_eval_verdicts(const struct llmops_eval_job *j);
/* eval_pair.c: judge:pairwise (a rubric with "verdict: preference", two variants).  j's
   output is known: paired with the other variant's job of its case and repeat (both orders
   asked) or parked until that one answers.  x's order's verdict is in (or x's follow_error
   says why not): the pair settled once both are.  x ended before it was paired: a parked
   partner fails, or the case remembers it.  The verdict pref of j's order (the judge's
   answer a, its cost) into j (0, or LLMOPS_E_NOMEM). */
void llmops_eval_pair_answered(struct llmops_eval *ev, struct llmops_eval_job *j);
void llmops_eval_pair_landed(struct llmops_eval *ev, struct llmops_eval_job *x);
void llmops_eval_pair_ended(struct llmops_eval *ev, struct llmops_eval_job *x);
int llmops_eval_pair_take(struct llmops_eval *ev, struct llmops_eval_job *j,
			  const struct llmops_preference *pref, const struct llmops_answer *a,
			  double cost, int attempts, int cached, struct llmops_err *err);

/* eval_run.c: the follow-up calls of a job.  Queue c before any new request (0, or -1 out
   of memory); keep why as j's error (the first only), which it ends with; a follow-up of j
   is back: j ends once none is out (it may be freed here). */
int llmops_eval_push_call(struct llmops_eval *ev, struct llmops_call *c);
/* A follow-up's request c (a judge's, a moderator's) that would send a key or token (the
   output goes there, and a model can echo one) is not sent: 1 and j's follow-up failed as
   who's, naming the kind (never the value); 0 when c may go (or ev->allow_secrets). */
int llmops_eval_follow_secret(struct llmops_eval *ev, struct llmops_eval_job *j,
			      const struct llmops_call *c, const char *who);
void llmops_eval_follow_failed(struct llmops_eval_job *j, const char *what, const char *why);
void llmops_eval_follow_done(struct llmops_eval *ev, struct llmops_eval_job *j);

/* eval_tools.c: a case's tool loop.  Check a case's "tools" (0, or LLMOPS_E_INPUT naming
   where).  j's answer (the job's fields say its tokens, latency, cost) is a step: recorded
   with its calls (may be NULL), its text and its turn, and counted; 0 or -1 out of
   memory.  The steps' sums into
   j's fields.  The canned results of calls appended to j's conversation after the model's
   turn (text, calls): 0, or LLMOPS_E_INPUT when the case does not answer a call. */
int llmops_eval_tools_check(const cJSON *tools, const char *where, struct llmops_err *err);
int llmops_eval_tools_step(struct llmops_eval_job *j, const cJSON *calls, const char *text);
void llmops_eval_tools_total(struct llmops_eval_job *j);
/*
 * The answers to a step's tool calls (the model's turn: text, calls): canned results at
 * once; command tools ({"$exec": COMMAND}) as exec calls for the runner, run in root, with
 * asker's environment saying which key values to cut from what they print.  Returns 0 when
 * every call is answered (the results appended to j's conversation after the model's
 * turn), N > 0 when N commands are to run (llmops_eval_tools_call(j, 0 .. N-1), pushed by
 * the caller; each back through llmops_eval_tools_landed), or LLMOPS_E_INPUT (the case does
 * not answer a call) / LLMOPS_E_NOMEM.  What the wait holds is j's until
 * llmops_eval_tools_release (job_free calls it).
 */
#define LLMOPS_TOOL_TIMEOUT_MS 30000
#define LLMOPS_TOOL_OUT_MAX    (1u << 20)
int llmops_eval_tools_begin(struct llmops_eval_job *j, const cJSON *calls, const char *text,
			    const char *root, const struct llmops_provider *asker,
			    struct llmops_err *err);
struct llmops_call *llmops_eval_tools_call(struct llmops_eval_job *j, int k);
/* 1 when c is one of j's running command tools. */
int llmops_eval_tools_is_call(const struct llmops_eval_job *j, const struct llmops_call *c);
/* A command tool c of j is back: 1 while others are out; 0 when all are (the results
   appended, in the calls' order); LLMOPS_E_INPUT when one failed (err says which and how). */
int llmops_eval_tools_landed(struct llmops_eval_job *j, struct llmops_call *c,
			     struct llmops_err *err);
void llmops_eval_tools_release(struct llmops_eval_job *j);
/* A case's conversation: check its "messages" and "turns" (and that as's turn selectors name
   turns it has): 0, or LLMOPS_E_INPUT naming where.  Append c's messages and its first turn
   (all_turns: every turn) to messages: 0 or -1 out of memory.  j's turn is answered with
   text: kept, and the next turn appended after it (1), or the conversation is over (0); -1
   out of memory. */
int llmops_eval_conv_check(const cJSON *conv, const cJSON *turns,
			   const struct llmops_assertions *as, const char *where,
			   struct llmops_err *err);
int llmops_eval_conv_start(const struct llmops_eval_case *c, cJSON *messages, int all_turns);
int llmops_eval_conv_next(struct llmops_eval_job *j, const char *text);

/* eval_cases.c: sort keys (ascending), and find one in a sorted list. */
void llmops_eval_keys_sort(uint64_t *v, size_t n);
int llmops_eval_keys_has(const uint64_t *v, size_t n, uint64_t k);
/* The key of a result (by variant label, "" for one variant; case id; repeat). */
uint64_t llmops_eval_key(const char *variant, const char *case_id, int rep);

/* eval_run.c: count j's output tokens (with tok) when it has no count, and score it; safe on a
   worker thread (touches j alone). */
void llmops_eval_score(const struct llmops_eval *ev, struct llmops_eval_job *j,
		       struct llmops_tokenizer *tok);

/* eval_pool.c: workers that score recorded outputs. */
/* Start them when the run is large enough and has recorded outputs (else nothing: 0). */
int llmops_eval_pool_start(struct llmops_eval *ev);
/* Hand j to a worker: 1, or 0 when there is no pool (score it here). */
int llmops_eval_pool_push(struct llmops_eval *ev, struct llmops_eval_job *j);
/* Jobs out with the workers; 1 when no more should be pushed before some come back. */
size_t llmops_eval_pool_out(const struct llmops_eval *ev);
int llmops_eval_pool_full(const struct llmops_eval *ev);
/* A scored job back (waiting for one when wait and any is out), or NULL. */
struct llmops_eval_job *llmops_eval_pool_take(struct llmops_eval *ev, int wait);
/* Stop and join the workers (the jobs stay on the live list). */
void llmops_eval_pool_stop(struct llmops_eval *ev);

/* eval_run.c: j's result (and its review entry) into the ledger; 0 or an error. */
int llmops_eval_record(struct llmops_eval *ev, const struct llmops_eval_job *j,
		       struct llmops_err *err);

#endif
