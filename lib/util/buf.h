/*
 * buf.h - the growable byte/string buffer used everywhere in llmops.
 *
 * Invariants, true after llmops_buf_init() and after every call below:
 *   - data is never NULL: an empty buffer points at a shared static "",
 *     so it can be printed or compared without a check;
 *   - data[len] == '\0', so data is always a C string (it may also hold
 *     embedded NUL bytes when used for binary data: len is authoritative);
 *   - cap == 0 exactly when data points at the static "" (nothing owned).
 *
 * Allocation failure does not abort: the call returns LLMOPS_E_NOMEM, the
 * buffer keeps its previous contents, and the sticky `oom` flag is set so a
 * caller that builds a long string may check once at the end.
 *
 * Ownership: the struct is the caller's (usually on the stack); the memory
 * behind data belongs to the buffer until llmops_buf_release() frees it or
 * llmops_buf_detach() hands it to the caller (free() it then).
 */
#ifndef LLMOPS_BUF_H
#define LLMOPS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct llmops_buf {
	char *data; /* contents, NUL-terminated; never NULL */
	size_t len; /* bytes in use, excluding the terminating NUL */
	size_t cap; /* bytes allocated; 0 when data is the static "" */
	int oom;    /* set once an allocation has failed */
};

extern char llmops_buf_empty[];
#define LLMOPS_BUF_INIT                                                                            \
	{                                                                                          \
		llmops_buf_empty, 0, 0, 0                                                          \
	}

void llmops_buf_init(struct llmops_buf *b);
/* Free the memory and return b to the empty state. */
void llmops_buf_release(struct llmops_buf *b);
/* Hand the contents to the caller (free() them); b becomes empty. Never NULL. */
char *llmops_buf_detach(struct llmops_buf *b, size_t *len);
/* Make room for `extra` more bytes (plus NUL). */
int llmops_buf_grow(struct llmops_buf *b, size_t extra);
void llmops_buf_reset(struct llmops_buf *b);
/* Shorten to len (no-op when len >= b->len). */
void llmops_buf_truncate(struct llmops_buf *b, size_t len);

int llmops_buf_add(struct llmops_buf *b, const void *data, size_t len);
int llmops_buf_adds(struct llmops_buf *b, const char *s);
int llmops_buf_addch(struct llmops_buf *b, int c);
int llmops_buf_addf(struct llmops_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int llmops_buf_vaddf(struct llmops_buf *b, const char *fmt, va_list ap);

/* Replace the contents with the whole file at path (binary-safe). */
int llmops_buf_read_file(struct llmops_buf *b, const char *path);

#endif
