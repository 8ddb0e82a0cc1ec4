/*
 * env.c - looking a variable up in a handed-in environment (see env.h).
 */
#include "env.h"

#include <string.h>

const char *llmops_env_get(char *const *env, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	for (char *const *e = env; n && e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}
