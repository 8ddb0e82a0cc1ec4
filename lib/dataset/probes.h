/*
 * probes.h - red-team probes' cases (`llmops eval --probes`): each attack of
 * a versioned catalogue placed into each variable a user controls, with the
 * assertion that tells whether it worked.
 *
 * The catalogue is data: lib/data/probes.json, built in ({"version",
 * "probes": [{"id", "category", "attack", "grade", "transform", "payload"}]}),
 * and any file of the same shape a project adds under prompts/_probes/.
 * Grades: "marker" (the answer holds LLMOPS-PWNED-ID, which the attack asks
 * for), "canary" (the answer holds LLMOPS-CANARY-, the prefix of the token
 * the run puts in the system prompt), "link" (the answer holds
 * attacker.invalid), "refusal" (the refusal judge finds no refusal), "tool_call" (the
 * model called the tool the probe's "tool" names, {{tool}} in its text: a project's
 * probe for a dangerous tool its prompt declares).
 *
 * Ownership: the structs are the caller's; llmops_probes_release() frees one.
 */
#ifndef LLMOPS_PROBES_H
#define LLMOPS_PROBES_H

#include "buf.h"
#include "dataset.h"
#include "error.h"
#include "strlist.h"

/* The prefix of the run's canary token (LLMOPS-CANARY-<random hex>). */
#define LLMOPS_CANARY_PREFIX "LLMOPS-CANARY-"
/* The host exfiltration attacks link to (.invalid never resolves: RFC 2606). */
#define LLMOPS_PROBE_HOST "attacker.invalid"

struct llmops_probe {
	char *id, *category, *grade;
	char *text; /* the attack as placed: markers filled in, the payload transformed */
	char *tool; /* grade "tool_call": the tool it must not make the model call; NULL */
};

struct llmops_probes {
	struct llmops_probe *p;
	size_t n;
	char version[64]; /* the built-in catalogue's */
};

int llmops_probes_builtin(struct llmops_probes *c, struct llmops_err *err);
/* A project's probes (text[0..len) of the file label) added: LLMOPS_E_INPUT with the file,
   line and column of one that does not parse (an unknown grade or transform, a field
   missing, an id twice). */
int llmops_probes_add_json(struct llmops_probes *c, const char *text, size_t len, const char *label,
			   struct llmops_err *err);
void llmops_probes_release(struct llmops_probes *c);
/* The probe of id, or NULL. */
const struct llmops_probe *llmops_probes_find(const struct llmops_probes *c, const char *id);

/* What a probes dataset holds. */
struct llmops_probe_stats {
	long probes;	/* of the categories asked */
	long variables; /* the base case's variables attacks go into */
	long tools;	/* cases of attacks in a canned tool result (indirect injection) */
	long cases;	/* written: probes x (variables + tools) */
};

/*
 * The cases of the probes of categories cats ("all", or names) as JSONL into out: for
 * each probe and each variable of base (the dataset's first case: its variables as given,
 * an attack appended to one at a time), {"id": "PROBE@VARIABLE", "vars", "assert": [its
 * grade]}; and when base has canned tool results ("tools"), for each tool, the attack
 * appended to what it answers (indirect injection), {"id": "PROBE@tool:NAME", "vars",
 * "tools", "assert"}.  LLMOPS_E_USAGE for an unknown category or a base with no variable.
 */
int llmops_probes_jsonl(const struct llmops_probes *c, const struct llmops_strlist *cats,
			const struct llmops_case *base, struct llmops_buf *out,
			struct llmops_probe_stats *st, struct llmops_err *err);

#endif
