/*
 * dataset_file.c - a dataset file opened for streaming (see dataset.h):
 * mapped, checked to be UTF-8 and hashed a window at a time, each window
 * given back to the kernel once read, so a dataset of any size costs a
 * window of memory.
 */
#include "dataset.h"

#include "buf.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW (8u << 20)

void llmops_dataset_file_close(struct llmops_dataset_file *f)
{
	if (f->map_)
		munmap(f->map_, f->len);
	free(f->heap_);
	free(f->label);
	memset(f, 0, sizeof(*f));
}

static int map_or_read(struct llmops_dataset_file *f, const char *path, struct llmops_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
			       ? llmops_err_set(err, LLMOPS_E_NOTFOUND,
						"dataset '%s' does not exist", path)
			       : llmops_err_set(err, LLMOPS_E_IO, "cannot read dataset '%s': %s",
						path, strerror(errno));
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			close(fd);
			(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			f->map_ = m;
			f->text = m;
			f->len = (size_t)st.st_size;
			f->mapped = 1;
			return 0;
		}
	}
	close(fd);
	/* a pipe, an empty file, a file that cannot be mapped: read it */
	struct llmops_buf b = LLMOPS_BUF_INIT;
	int rc = llmops_buf_read_file(&b, path);
	if (rc) {
		llmops_buf_release(&b);
		return llmops_err_set(err, rc, "cannot read dataset '%s': %s", path,
				      strerror(errno));
	}
	f->len = b.len;
	f->heap_ = llmops_buf_detach(&b, NULL);
	f->text = f->heap_ ? f->heap_ : "";
	return 0;
}

/* Give the whole pages of a mapping's [lo, hi) back to the kernel: read once, not kept. */
void llmops_dataset_give_back(const char *text, size_t from, size_t upto)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		return;
	uintptr_t lo = ((uintptr_t)(text + from) + (uintptr_t)pg - 1) / (uintptr_t)pg *
		       (uintptr_t)pg,
		  hi = (uintptr_t)(text + upto) / (uintptr_t)pg * (uintptr_t)pg;
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* Give a window back when f is a mapping (a file read into memory keeps its bytes). */
static void give_back(const struct llmops_dataset_file *f, size_t lo, size_t hi)
{
	if (f->mapped)
		llmops_dataset_give_back(f->text, lo, hi);
}

int llmops_dataset_file_open(struct llmops_dataset_file *f, const char *path,
			     struct llmops_err *err)
{
	memset(f, 0, sizeof(*f));
	if (!(f->label = strdup(path)))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	int rc = map_or_read(f, path, err);
	if (rc) {
		llmops_dataset_file_close(f);
		return rc;
	}
	size_t a = 0, checked = 0;
	while (a < f->len) {
		size_t b = f->len - a > WINDOW ? a + WINDOW : f->len;
		/* validate up to a character boundary; the rest goes with the next window */
		size_t v = b;
		while (v < f->len && v > checked && v + 4 > b &&
		       ((unsigned char)f->text[v] & 0xC0) == 0x80)
			v--;
		size_t bad = checked + llmops_utf8_invalid(f->text + checked, v - checked);
		if (bad < v) {
			int line, col;
			llmops_text_pos(f->text, bad, &line, &col);
			rc = llmops_err_at(err, LLMOPS_E_INPUT, path, line, col,
					   "not valid UTF-8 (byte offset %zu)", bad);
			llmops_dataset_file_close(f);
			return rc;
		}
		give_back(f, a, v);
		checked = v;
		a = b;
	}
	return 0;
}

int llmops_dataset_file_hash(struct llmops_dataset_file *f, struct llmops_err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	for (size_t a = 0; a < f->len; a += WINDOW) {
		size_t b = f->len - a > WINDOW ? a + WINDOW : f->len;
		EVP_DigestUpdate(md, f->text + a, b - a);
		give_back(f, a, b);
	}
	EVP_DigestFinal_ex(md, dg, &dlen);
	EVP_MD_CTX_free(md);
	for (unsigned i = 0; i < dlen && i < 32; i++)
		snprintf(f->sha256 + 2 * i, 3, "%02x", dg[i]);
	if (dlen < 32)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "cannot hash '%s'", f->label);
	return 0;
}
