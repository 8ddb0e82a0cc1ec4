/*
 * judge.h - a model as a metric: what a judge is asked (its rubric, a
 * prompt under prompts/_judges/NAME/, rendered with the case and the
 * output) and how its verdict is read back.
 *
 * A verdict is a JSON object {"score": N, "reason": "..."}, N on the
 * rubric's scale (front matter "scale: LO-HI", 1-5 by default).  It is
 * asked for with the provider's JSON-schema response format where the
 * provider has one (llmops_verdict_format), and read tolerantly: the first
 * JSON object with a numeric "score" anywhere in the text (a Markdown code
 * fence around it is fine), else a line "score: N".  The score is
 * normalised to [0, 1] as (N - LO) / (HI - LO).  A verdict with no score,
 * or a score off the scale, is an error: never a pass.
 */
#ifndef LLMOPS_JUDGE_H
#define LLMOPS_JUDGE_H

#include "error.h"
#include "prompt.h"

#include <cjson/cJSON.h>

#define LLMOPS_JUDGE_REASON_MAX 600

struct llmops_verdict {
	double raw;	 /* the score as the judge gave it */
	double weighted; /* its probability-weighted mean (llmops_verdict_weigh); NAN: none */
	double score;	 /* normalised to [0, 1]: from weighted where there is one */
	char reason[LLMOPS_JUDGE_REASON_MAX]; /* "" when it gave none; cut at a character */
};

/* The scale of a rubric: its front matter's, else 1-5. */
void llmops_judge_scale(const struct llmops_prompt *rubric, long *lo, long *hi);

/*
 * Read a verdict from text (the judge's whole answer) on the scale lo-hi.
 * 0, or LLMOPS_E_INPUT saying what was wrong ("no score in the judge's
 * answer: 'I cannot ...'", "the judge's score 7 is off its scale 1-5").
 */
int llmops_verdict_parse(const char *text, long lo, long hi, struct llmops_verdict *v,
			 struct llmops_err *err);

/*
 * The variables a rubric is rendered with (the caller's: cJSON_Delete):
 * the case's own (vars, may be NULL), then input (the case's, else the
 * rendered request's text, given as input_text), output, expected and
 * context ("" when the case has none).
 */
cJSON *llmops_judge_vars(const cJSON *vars, const char *input_text, const char *output,
			 const char *expected);

/*
 * The JSON-schema response format that asks for a verdict on lo-hi (an
 * OpenAI "response_format" object; the caller's: cJSON_Delete).
 */
cJSON *llmops_verdict_format(long lo, long hi);

/*
 * What a judge's request adds to an OpenAI-compatible body (the caller's:
 * cJSON_Delete): the response format and, with logprobs (OpenAI), the
 * log-probabilities of the five likeliest tokens at each place, for the
 * weighted score (llmops_verdict_weigh).
 */
cJSON *llmops_judge_request_extra(long lo, long hi, int logprobs);

/*
 * G-Eval (Liu et al. 2023): where body (a chat completions response) has
 * the log-probabilities of the answer's tokens, the score is the mean of
 * the scale's values weighted by their probabilities at the score's token
 * (the first token after "score" that is a value of the scale); values off
 * the scale are left out.  Sets v->weighted (and v->score, normalised from
 * it) and returns 1; 0 (v untouched) when the body has none.
 */
int llmops_verdict_weigh(const char *body, size_t len, long lo, long hi, struct llmops_verdict *v);

/*
 * Pairwise preference (a rubric with "verdict: preference"): the judge sees
 * two outputs, A and B, and answers {"winner": "A"|"B"|"tie", "reason":
 * "..."}.  Read tolerantly like a score: the first JSON object with a
 * string "winner" (a Markdown fence around it is fine), else a line
 * "winner: A"; "A"/"B" may be written "answer A", "output B" and the like
 * (any case); "tie", "equal", "both", "neither" and "none" are a tie.
 */
enum { LLMOPS_PREFER_TIE = 0, LLMOPS_PREFER_A = 1, LLMOPS_PREFER_B = 2 };

struct llmops_preference {
	int winner; /* LLMOPS_PREFER_* */
	char reason[LLMOPS_JUDGE_REASON_MAX];
};

/* Read a preference from text (the judge's whole answer): 0, or LLMOPS_E_INPUT saying why. */
int llmops_preference_parse(const char *text, struct llmops_preference *p, struct llmops_err *err);

/*
 * What a preference judge's request adds to an OpenAI-compatible body: the
 * JSON-schema response format named "llmops_preference" (the caller's:
 * cJSON_Delete).
 */
cJSON *llmops_preference_request_extra(void);

/*
 * The variables of a preference rubric (the caller's: cJSON_Delete): as
 * llmops_judge_vars, with output_a and output_b the two outputs in the
 * order asked ("output" is output_a).
 */
cJSON *llmops_judge_pair_vars(const cJSON *vars, const char *input_text, const char *output_a,
			      const char *output_b, const char *expected);

/*
 * A pair asked in both orders: own is the verdict with this output shown
 * first (as A), other the verdict with it shown second (as B).  The output
 * wins only when both orders prefer it, and loses only when both prefer the
 * other; any other pair (a tie in either order, or orders that disagree, the
 * sign of a position bias) is a tie.  Returns 1 (win), 0 (tie) or -1 (loss);
 * *consistent is 1 when the two orders agree.
 */
int llmops_preference_outcome(int own, int other, int *consistent);

#endif
