/*
 * fuzz_verdict.c - what a model answers is untrusted: lib/judge reads a
 * verdict (a score, or a pairwise preference) from any text and
 * lib/detect scans any UTF-8 text for secrets and personal data.  Neither
 * crashes; a score read is on its scale and normalised into [0, 1], a
 * preference is A, B or a tie; every finding lies inside the text.
 */
#include "detect.h"
#include "fuzz.h"
#include "judge.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t text_len;

static int inside(const struct llmops_detection *d, void *ud)
{
	(void)ud;
	if (d->off > text_len || d->len > text_len - d->off || !d->what)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct llmops_verdict v;
	struct llmops_err err = {0};
	if (!text)
		return 0;
	long lo = size ? data[0] % 4 : 1, hi = lo + 1 + (size > 1 ? data[1] % 9 : 4);
	int rc = llmops_verdict_parse(text, lo, hi, &v, &err);
	if (rc == 0 && (v.raw < (double)lo || v.raw > (double)hi || v.score < 0 || v.score > 1 ||
			strlen(v.reason) >= sizeof(v.reason)))
		abort();
	if (rc != 0 && (rc != LLMOPS_E_INPUT || !err.msg[0]))
		abort();
	struct llmops_preference pref;
	rc = llmops_preference_parse(text, &pref, &err);
	if (rc == 0 && (pref.winner < LLMOPS_PREFER_TIE || pref.winner > LLMOPS_PREFER_B ||
			strlen(pref.reason) >= sizeof(pref.reason)))
		abort();
	if (rc != 0 && (rc != LLMOPS_E_INPUT || !err.msg[0]))
		abort();
	text_len = strlen(text);
	if (llmops_utf8_invalid(text, text_len) == text_len &&
	    llmops_detect(text, 0, text_len, LLMOPS_DETECT_SECRETS | LLMOPS_DETECT_PII, inside,
			  NULL))
		abort();
	free(text);
	return 0;
}
