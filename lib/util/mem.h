/*
 * mem.h - arrays that grow, and structures that free their members.
 */
#ifndef LLMOPS_MEM_H
#define LLMOPS_MEM_H

#include <stddef.h>

/*
 * Make room for one more element in the array *pitems (a pointer to any
 * element type) holding n of *cap allocated, each size bytes: when full, the
 * allocation doubles (first elements the first time).  Returns LLMOPS_OK, or
 * LLMOPS_E_NOMEM with the array and *cap as they were (the caller still owns
 * and frees the array).
 */
int llmops_grow(void *pitems, size_t n, size_t *cap, size_t size, size_t first);

/* if (LLMOPS_GROW(v->items, v->n, v->cap, 16)) ...out of memory...; v->items[v->n++] = x; */
#define LLMOPS_GROW(items, n, cap, first)                                                          \
	llmops_grow(&(items), (n), &(cap), sizeof(*(items)), (first))

/*
 * free() each of ptrs[0..n), in order (NULL is fine).  For a structure's
 * owned strings: LLMOPS_FREE_ALL(r->a, r->b, r->c).
 */
void llmops_free_all(void *const *ptrs, size_t n);

#define LLMOPS_FREE_ALL(...)                                                                       \
	llmops_free_all((void *const[]){__VA_ARGS__},                                              \
			sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
