/*
 * termsafe.c - what llmops prints on a terminal shows control characters
 * escaped (lib/textsafe.h), whatever text it prints came from: a model's
 * answer, a production log, a name from a fetched run.  stdout is replaced
 * by a stream that escapes them on the way to file descriptor 1 (so the
 * pager, which takes that descriptor over, gets the same), and lets through
 * only the few colour sequences llmops itself writes (llmops.h's
 * LLMOPS_SGR_*): the worst a text that holds one of those can do is colour
 * what follows until the next reset.
 */
#include "llmops.h"

#include "textsafe.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static const char *const ours[] = {LLMOPS_SGR_RESET, LLMOPS_SGR_BOLD, LLMOPS_SGR_RED,
				   LLMOPS_SGR_GREEN, LLMOPS_SGR_YELLOW};

struct termsafe {
	int fd;
	char pend[8]; /* the start of a sequence cut by a buffer's end */
	size_t npend;
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 1: s[0..n) starts with one of ours (its length in *len); 0: cannot; -1: may, when
   more comes. */
static int ours_at(const char *s, size_t n, size_t *len)
{
	int maybe = 0;
	for (size_t k = 0; k < sizeof(ours) / sizeof(ours[0]); k++) {
		size_t l = strlen(ours[k]);
		if (n >= l && !memcmp(s, ours[k], l)) {
			*len = l;
			return 1;
		}
		if (n < l && !memcmp(s, ours[k], n))
			maybe = 1;
	}
	return maybe ? -1 : 0;
}

/* Escape s[0..n) into out; returns the bytes consumed (the rest waits for more). */
static size_t filter(struct llmops_buf *out, const char *s, size_t n, int final)
{
	size_t i = 0;
	while (i < n) {
		const char *esc = memchr(s + i, '\033', n - i);
		size_t upto = esc ? (size_t)(esc - s) : n, used, len;
		used = llmops_escape_controls(out, s + i, upto - i, final || esc != NULL);
		i += used;
		if (i < upto || !esc)
			return i; /* a UTF-8 sequence cut at the end */
		int o = ours_at(s + i, n - i, &len);
		if (o < 0 && !final)
			return i;
		if (o > 0) {
			llmops_buf_add(out, s + i, len);
			i += len;
		} else {
			llmops_buf_adds(out, "\\x1b");
			i++;
		}
	}
	return i;
}

static ssize_t ts_write(void *cookie, const char *buf, size_t size)
{
	struct termsafe *t = cookie;
	struct llmops_buf in = LLMOPS_BUF_INIT, out = LLMOPS_BUF_INIT;
	llmops_buf_add(&in, t->pend, t->npend);
	llmops_buf_add(&in, buf, size);
	size_t used = filter(&out, in.data, in.len, 0);
	size_t rest = in.len - used;
	if (rest > sizeof(t->pend)) { /* cannot be: sequences are short */
		llmops_escape_controls(&out, in.data + used, rest, 1);
		rest = 0;
	}
	memcpy(t->pend, in.data + used, rest);
	t->npend = rest;
	int rc = in.oom || out.oom ? -1 : write_all(t->fd, out.data ? out.data : "", out.len);
	llmops_buf_release(&in);
	llmops_buf_release(&out);
	return rc ? -1 : (ssize_t)size;
}

static int ts_close(void *cookie)
{
	struct termsafe *t = cookie;
	int rc = 0;
	if (t->npend) {
		struct llmops_buf out = LLMOPS_BUF_INIT;
		filter(&out, t->pend, t->npend, 1);
		rc = write_all(t->fd, out.data ? out.data : "", out.len);
		llmops_buf_release(&out);
		t->npend = 0;
	}
	return rc;
}

static struct termsafe t;
static int installed;

int llmops_termsafe_end(void)
{
	return installed ? ts_close(&t) : 0;
}

void llmops_termsafe_stdout(void)
{
	static const cookie_io_functions_t io = {NULL, ts_write, NULL, ts_close};
	if (!isatty(STDOUT_FILENO))
		return;
	fflush(stdout);
	t.fd = STDOUT_FILENO;
	FILE *f = fopencookie(&t, "w", io);
	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 1 << 14); /* a terminal's stdout is line-buffered */
	stdout = f;
	installed = 1;
}
