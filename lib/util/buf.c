#include "buf.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char llmops_buf_empty[1];

void llmops_buf_init(struct llmops_buf *b)
{
	b->data = llmops_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

void llmops_buf_release(struct llmops_buf *b)
{
	if (b->cap)
		free(b->data);
	llmops_buf_init(b);
}

char *llmops_buf_detach(struct llmops_buf *b, size_t *len)
{
	char *out;

	if (len)
		*len = b->len;
	if (b->cap) {
		out = b->data;
	} else {
		out = calloc(1, 1);
		if (!out)
			return NULL;
	}
	llmops_buf_init(b);
	return out;
}

int llmops_buf_grow(struct llmops_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 - b->len - 1)
		goto oom;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return LLMOPS_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p)
		goto oom;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return LLMOPS_OK;
oom:
	b->oom = 1;
	return LLMOPS_E_NOMEM;
}

void llmops_buf_reset(struct llmops_buf *b)
{
	llmops_buf_truncate(b, 0);
}

void llmops_buf_truncate(struct llmops_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0'; /* cap > 0 here since len < b->len */
}

int llmops_buf_add(struct llmops_buf *b, const void *data, size_t len)
{
	if (!len)
		return LLMOPS_OK;
	if (llmops_buf_grow(b, len))
		return LLMOPS_E_NOMEM;
	memmove(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return LLMOPS_OK;
}

int llmops_buf_adds(struct llmops_buf *b, const char *s)
{
	return llmops_buf_add(b, s, strlen(s));
}

int llmops_buf_addch(struct llmops_buf *b, int c)
{
	char ch = (char)c;

	return llmops_buf_add(b, &ch, 1);
}

int llmops_buf_vaddf(struct llmops_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	/* an empty buffer has no storage yet: no pointer arithmetic on NULL */
	n = vsnprintf(b->data ? b->data + b->len : NULL, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return LLMOPS_E_INPUT;
	if ((size_t)n >= (b->cap ? b->cap - b->len : 0)) {
		if (llmops_buf_grow(b, (size_t)n))
			return LLMOPS_E_NOMEM;
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	return LLMOPS_OK;
}

int llmops_buf_addf(struct llmops_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = llmops_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int llmops_buf_read_file(struct llmops_buf *b, const char *path)
{
	char chunk[65536];
	FILE *f;
	size_t n;
	int rc = LLMOPS_OK;

	llmops_buf_reset(b);
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? LLMOPS_E_NOTFOUND : LLMOPS_E_IO;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = llmops_buf_add(b, chunk, n)))
			break;
	if (!rc && ferror(f))
		rc = LLMOPS_E_IO;
	fclose(f);
	return rc;
}
