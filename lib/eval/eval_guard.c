/*
 * eval_guard.c - what a run would send, checked before anything is sent:
 * a key or token in a request stops the run (unless the caller allows
 * secrets), personal data is counted for a warning.  A finding names the
 * case, the message and the kind, never the value.
 */
#include "eval.h"

#include "detect.h"
#include "internal.h"
#include "redact.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

struct scan {
	struct llmops_eval *ev;
	const struct llmops_eval_case *c;
	const struct llmops_eval_variant *v;
	int message; /* from 1 */
	unsigned pii_seen;
};

static int take(const struct llmops_detection *d, void *ud)
{
	struct scan *s = ud;
	struct llmops_eval_guard *g = &s->ev->guard;
	if (d->kind == LLMOPS_DETECT_SECRET || d->kind == LLMOPS_DETECT_SECRET_ENTROPY) {
		char msg[LLMOPS_NAME_MAX + 512];
		g->secrets++;
		if (g->secret_notes.nr >= 20)
			return 0;
		snprintf(msg, sizeof(msg), "%s:%d: case '%s' would send %s%s (message %d) to %s",
			 s->ev->ds.label, s->c->line, s->c->id,
			 !strncmp(d->what, "the ", 4)	    ? ""
			 : strchr("AEIOUaeiou", d->what[0]) ? "an "
							    : "a ",
			 d->what, s->message, s->v->prov->label);
		for (size_t i = 0; i < g->secret_notes.nr; i++)
			if (!strcmp(g->secret_notes.items[i], msg))
				return 0;
		return llmops_strlist_append(&g->secret_notes, msg) ? LLMOPS_E_NOMEM : 0;
	}
	g->pii[d->kind]++;
	s->pii_seen |= 1u << d->kind;
	if (!g->pii_first[0])
		snprintf(g->pii_first, sizeof(g->pii_first), "%s", s->c->id);
	return 0;
}

/* Every string of a message but its role and name, scanned. */
static int scan_value(struct scan *s, const cJSON *x)
{
	const cJSON *k;
	if (cJSON_IsString(x) && x->valuestring) {
		size_t len = strlen(x->valuestring);
		if (llmops_utf8_invalid(x->valuestring, len) < len)
			return 0; /* a provider refuses it before anything else */
		/* the value of a key llmops holds, whatever its shape (a dataset can hold one) */
		size_t nl = 0;
		const char *held = llmops_redact_held_in(x->valuestring, &nl);
		if (held) {
			char what[160];
			snprintf(what, sizeof(what), "the value of %.*s",
				 (int)(nl < 100 ? nl : 100), held);
			struct llmops_detection d = {LLMOPS_DETECT_SECRET, what, 0, 0, 0};
			int rc = take(&d, s);
			if (rc)
				return rc;
		}
		return llmops_detect(x->valuestring, 0, len,
				     LLMOPS_DETECT_SECRETS | LLMOPS_DETECT_PII, take, s);
	}
	cJSON_ArrayForEach (k, x) {
		if (k->string && (!strcmp(k->string, "role") || !strcmp(k->string, "name")))
			continue;
		int rc = scan_value(s, k);
		if (rc)
			return rc;
	}
	return 0;
}

int llmops_eval_guard_case(struct llmops_eval *ev, const struct llmops_eval_case *c,
			   const struct llmops_eval_variant *v, const cJSON *messages)
{
	struct scan s = {ev, c, v, 0, 0};
	const cJSON *m;
	cJSON_ArrayForEach (m, messages) {
		s.message++;
		int rc = scan_value(&s, m);
		if (rc)
			return rc;
	}
	ev->guard.pii_cases += s.pii_seen != 0;
	return 0;
}

void llmops_eval_guard_release(struct llmops_eval_guard *g)
{
	llmops_strlist_release(&g->secret_notes);
	memset(g, 0, sizeof(*g));
}
