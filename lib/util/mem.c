/*
 * mem.c - arrays that grow, and structures that free their members (mem.h).
 */
#include "mem.h"

#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int llmops_grow(void *pitems, size_t n, size_t *cap, size_t size, size_t first)
{
	void *items, *p;
	size_t nc;

	if (n < *cap)
		return LLMOPS_OK;
	nc = *cap ? *cap * 2 : first;
	if (nc < n + 1 || nc > SIZE_MAX / size)
		return LLMOPS_E_NOMEM;
	memcpy(&items, pitems, sizeof(items)); /* *pitems is a T *, not a void * */
	if (!(p = realloc(items, nc * size)))
		return LLMOPS_E_NOMEM;
	memcpy(pitems, &p, sizeof(p));
	*cap = nc;
	return LLMOPS_OK;
}

void llmops_free_all(void *const *ptrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ptrs[i]);
}
