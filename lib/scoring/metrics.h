/*
 * metrics.h - similarity metrics of an output against an expected text,
 * each a score in [0,1], computed locally with no network.
 *
 *   exact        1 when the texts are equal once surrounding white space is
 *                trimmed (case and inner spacing matter), else 0
 *   levenshtein  1 - edit distance / length of the longer text, over the
 *                folded code points (textsim.h)
 *   jaccard      |A n B| / |A u B| over the sets of words
 *   cosine       cosine of TF-IDF word vectors; tf is the raw count and
 *                idf(w) = ln((1 + N) / (1 + df(w))) + 1 over the N
 *                documents given to the idf table (the dataset's expected
 *                outputs), so words every case shares weigh least; with no
 *                table every idf is 1
 *   rouge_l      F1 of the longest common subsequence of words (Lin 2004)
 *   bleu         sentence BLEU-4 (Papineni et al. 2002) with the brevity
 *                penalty and add-one smoothing of the 2- to 4-gram
 *                precisions (Lin and Och 2004, "BLEU+1")
 *   chrf         chrF (Popovic 2015): character 1- to 6-grams with white
 *                space removed, precision and recall averaged over the
 *                orders both texts have, F-score with beta = 2
 *
 * Except for exact, texts are compared as textsim.h analyses them (NFC,
 * full case folding, Unicode word boundaries).  Two empty texts score 1; an
 * empty text against a non-empty one scores 0.
 *
 * `embedding` and `judge` are metrics too, but need a provider: their
 * scores come from lib/provider and are only named here.
 */
#ifndef LLMOPS_METRICS_H
#define LLMOPS_METRICS_H

#include "error.h"
#include "textsim.h"

#include <stddef.h>

enum llmops_metric {
	LLMOPS_METRIC_EXACT = 0,
	LLMOPS_METRIC_LEVENSHTEIN,
	LLMOPS_METRIC_JACCARD,
	LLMOPS_METRIC_COSINE,
	LLMOPS_METRIC_ROUGE_L,
	LLMOPS_METRIC_BLEU,
	LLMOPS_METRIC_CHRF,
	LLMOPS_METRIC_EMBEDDING, /* needs an embeddings provider */
	LLMOPS_METRIC_JUDGE,	 /* needs a judge provider */
	LLMOPS_METRIC_COUNT,
};

/* "exact", "levenshtein", ... (static); NULL out of range. */
const char *llmops_metric_name(int m);
/* The metric named s, or -1.  "rouge-l" and "rougeL" are accepted for rouge_l, "judge:RUBRIC"
   (a judge with a rubric of prompts/_judges/) for judge. */
int llmops_metric_parse(const char *s);
/* The rubric of "judge:RUBRIC" (borrowed from s), or NULL. */
const char *llmops_metric_rubric(const char *s);
/* 1 when m is computed by llmops_similarity(). */
int llmops_metric_is_local(int m);
/* The metric names, NULL-terminated (for messages and suggestions). */
extern const char *const llmops_metric_names[];
/*
 * The metric named s that a case or option may gate on, or a negative
 * code with err set to "WHERE: unknown metric 'S'; did you mean ...?
 * (known: ...)" or "WHERE: \"metric\" must be a metric name" (s NULL).
 * where is borrowed, e.g. "--metric".
 */
int llmops_metric_check(const char *s, const char *where, struct llmops_err *err);

/* Document frequencies of words over a set of documents (for cosine). */
struct llmops_idf;

/* A new, empty table (*out is the caller's: llmops_idf_free()). */
int llmops_idf_new(struct llmops_idf **out, struct llmops_err *err);
/* Count one document's distinct words. */
int llmops_idf_add(struct llmops_idf *idf, const char *doc, size_t len, struct llmops_err *err);
void llmops_idf_free(struct llmops_idf *idf);

/*
 * The score of output against expected for a local metric m.  idf is used
 * by cosine only and may be NULL.  Errors: LLMOPS_E_USAGE (not a local
 * metric), LLMOPS_E_NOMEM.
 */
int llmops_similarity(int m, const char *output, size_t olen, const char *expected, size_t elen,
		      const struct llmops_idf *idf, double *score, struct llmops_err *err);

/*
 * Several local metrics at once (the texts are analysed once): scores[i]
 * receives the score of metrics[i].
 */
int llmops_similarity_many(const int *metrics, size_t n, const char *output, size_t olen,
			   const char *expected, size_t elen, const struct llmops_idf *idf,
			   double *scores, struct llmops_err *err);

#endif
