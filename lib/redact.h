/*
 * redact.h - keeping key material out of what llmops stores and prints.
 *
 * Everything here rewrites a NUL-terminated string in place and never
 * makes it longer: a secret of 10 or more bytes becomes "[redacted]", a
 * shorter one as many '*'.  What counts as a key variable: an environment
 * variable whose name ends in _API_KEY, _KEY, _TOKEN or _SECRET and whose
 * value is at least 8 bytes long (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...).
 * The caller owns s; nothing is allocated.
 */
#ifndef LLMOPS_REDACT_H
#define LLMOPS_REDACT_H

#include <stddef.h>

/*
 * For messages, commands and settings: the values of key variables; the
 * credentials of URLs (user:password@ and the values of query parameters
 * named like keys: key, api-key, api_key, apikey, token, access_token,
 * secret, password, sig, signature, code); and words shaped like keys
 * (sk-..., Bearer ...).  Returns how many were redacted; s may be NULL.
 */
int llmops_redact(char *s);

/*
 * The environment (as env.h) whose key variables' values llmops_redact
 * cuts; cmd/ hands the process's over once at start (borrowed; NULL: none).
 */
void llmops_redact_use_env(char *const *env);

/*
 * For model outputs: only the values of key variables (a model that echoes
 * a key it was sent, or one that leaked into a prompt), since shape rules
 * would mangle ordinary text.  Returns how many were redacted; s may be
 * NULL.
 */
int llmops_redact_keys(char *s, char *const *env);

/*
 * The entries of env that are key variables (borrowed from env), in a
 * malloc'd NULL-terminated array the caller frees (not the strings): the
 * same env for llmops_redact_keys, filtered once for a caller that redacts
 * a million texts.  NULL when out of memory.
 */
char **llmops_redact_key_vars(char *const *env);

#endif
