/*
 * redact.h - keeping key material out of what llmops stores and prints.
 *
 * Everything here rewrites a NUL-terminated string in place and never
 * makes it longer: a secret of 10 or more bytes becomes "[redacted]", a
 * shorter one as many '*'.  What counts as a key variable: an environment
 * variable whose name ends in _API_KEY, _KEY, _TOKEN, _SECRET, _PASSWORD,
 * _PASSWD, _CREDENTIAL or _CREDENTIALS, or that a provider names as its
 * api_key_env (llmops_redact_hold), and whose value is at least 8 bytes
 * long.  The caller owns s; nothing is allocated unless said.
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
 * Count the variable var (a provider's api_key_env: MYCO_CREDENTIAL) as a key
 * variable whatever its name, from now on (llmops_redact_use_env's env and
 * every env handed to the functions here).  Called while setting up, before
 * any thread; var is copied.
 */
void llmops_redact_hold(const char *var);

/*
 * Whether s holds the value of a key variable of the environment handed to
 * llmops_redact_use_env: its "NAME=..." entry (borrowed; the name is the
 * first *name_len bytes), or NULL.  What is never sent nor stored.
 */
const char *llmops_redact_held_in(const char *s, size_t *name_len);

/*
 * A copy of s with those values redacted (the caller's: free()), or NULL
 * when s holds none (or out of memory): the ledger binds it instead of s.
 */
char *llmops_redact_held_dup(const char *s);

/*
 * For model outputs: only the values of key variables (a model that echoes
 * a key it was sent, or one that leaked into a prompt), since shape rules
 * would mangle ordinary text.  Returns how many were redacted; s may be
 * NULL.
 */
int llmops_redact_keys(char *s, char *const *env);

#endif
