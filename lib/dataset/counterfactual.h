/*
 * counterfactual.h - bias probes' cases (`llmops eval --bias`): each case of a
 * dataset again with the words of one attribute swapped (he and she, a name
 * and another, young and old), both ways, whole words, keeping their case.
 *
 * The pairs are data: lib/data/bias_pairs.json, built in and versioned
 * ({"version", "attributes": {"NAME": [["word", "other"], ...]}}), and any
 * file of the same shape a project adds (prompts/_bias/NAME.json: new attributes,
 * or more pairs for one).
 *
 * Ownership: the structs are the caller's; llmops_swaps_release() frees one.
 */
#ifndef LLMOPS_COUNTERFACTUAL_H
#define LLMOPS_COUNTERFACTUAL_H

#include "buf.h"
#include "dataset.h"
#include "error.h"
#include "strlist.h"

/* One attribute's pairs: from[i] and to[i] swap with each other. */
struct llmops_swap_attr {
	char *name;
	struct llmops_strlist from, to;
};

struct llmops_swaps {
	struct llmops_swap_attr *a;
	size_t n;
	char version[64]; /* the built-in list's */
};

/* The built-in pairs into s (zeroed by the caller). */
int llmops_swaps_builtin(struct llmops_swaps *s, struct llmops_err *err);
/* A project's pairs (text[0..len) of a file named label) added to s: LLMOPS_E_INPUT with the
   file, line and column of what is not the shape. */
int llmops_swaps_add_json(struct llmops_swaps *s, const char *text, size_t len, const char *label,
			  struct llmops_err *err);
/* The attribute named name, or NULL. */
const struct llmops_swap_attr *llmops_swaps_find(const struct llmops_swaps *s, const char *name);
void llmops_swaps_release(struct llmops_swaps *s);

/* s with a's words swapped (malloc'd; NULL when out of memory); *changed the words swapped. */
char *llmops_swap_text(const struct llmops_swap_attr *a, const char *s, long *changed);

/* What the counterfactual dataset holds. */
struct llmops_counterfactual_stats {
	long cases;    /* cases of the dataset */
	long paired;   /* of them, with at least one counterfactual (written, with theirs) */
	long made;     /* counterfactual cases written */
	long recorded; /* recorded outputs left out (both sides are asked) */
};

/*
 * The counterfactual dataset of d for the attributes attrs (names of s's) as JSONL into
 * out: each case one of whose variables (or expected answer, or assertion values) holds a
 * word of an attribute, as it is ({"id", "vars", and its fields}) and then, for each such
 * attribute, with its words swapped, id "ID~ATTRIBUTE".  A case's recorded output is left
 * out, so that both are asked.  LLMOPS_E_USAGE for an attribute s does not have.
 */
int llmops_counterfactual_jsonl(const struct llmops_dataset *d, const struct llmops_swaps *s,
				const struct llmops_strlist *attrs, struct llmops_buf *out,
				struct llmops_counterfactual_stats *st, struct llmops_err *err);

#endif
