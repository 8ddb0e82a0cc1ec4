/*
 * env.h - the environment as cmd/ hands it to lib/: a NULL-terminated
 * array of "NAME=VALUE" strings (the process's environ, or one a test
 * makes).  lib/ never reads the process environment itself.
 */
#ifndef LLMOPS_ENV_H
#define LLMOPS_ENV_H

/* NAME's value in env (borrowed from env), or NULL when unset or env is NULL. */
const char *llmops_env_get(char *const *env, const char *name);

#endif
