/*
 * textsafe.h - text that came from outside (a model's answer, a log, a
 * remote's snapshot) made safe to show, and names checked where they enter.
 *
 * A terminal acts on control characters: ESC starts sequences that move the
 * cursor, clear the screen, set the window title or hide text; CR
 * overwrites a line; the C1 controls (U+0080 to U+009F) are a second way to
 * write ESC sequences.  Shown escaped, they are harmless and still visible.
 */
#ifndef LLMOPS_TEXTSAFE_H
#define LLMOPS_TEXTSAFE_H

#include "buf.h"

#include <stddef.h>

/* The longest name (a provider, a model, a case id, a metric) kept: 512 bytes. */
#define LLMOPS_LABEL_MAX 512

/*
 * What is wrong with s[0..n) as a name of one line ("not valid UTF-8", "a NUL
 * character", "a control character", "longer than 512 bytes"), or NULL when it
 * is fine.  The string returned is static.
 */
const char *llmops_label_problem(const char *s, size_t n);

/*
 * Append s[0..n) to out with every control character escaped: C0 but
 * newline and tab, and DEL, as \xHH; C1 as \u00HH; a byte that is not part of
 * valid UTF-8 as \xHH.  When !final, a UTF-8 sequence cut at the end of s is
 * left unwritten (for the next piece of a stream).  Returns the bytes of s
 * consumed (n when final).
 */
size_t llmops_escape_controls(struct llmops_buf *out, const char *s, size_t n, int final);

/* Whether s is a name of 1 to max letters, digits, '_' and '-' (a catalogue's id, an
   attribute, a category: they end case ids and name files). */
int llmops_word_ok(const char *s, size_t max);

#endif
