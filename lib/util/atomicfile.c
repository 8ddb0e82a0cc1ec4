/*
 * atomicfile.c - files replaced whole or not at all (see atomicfile.h).
 */
#include "atomicfile.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void release(struct llmops_atomic *a)
{
	free(a->path);
	free(a->tmp);
	a->f = NULL;
	a->path = a->tmp = NULL;
}

int llmops_atomic_open(struct llmops_atomic *a, const char *path, struct llmops_err *err)
{
	struct llmops_buf tmp = LLMOPS_BUF_INIT;
	struct stat st;
	int fd;

	memset(a, 0, sizeof(*a));
	/* O_EXCL on a name unique to this process and call: never someone else's file */
	for (int k = 0;; k++) {
		llmops_buf_reset(&tmp);
		llmops_buf_addf(&tmp, "%s.llmops-tmp.%ld.%d", path, (long)getpid(), k);
		if (tmp.oom)
			goto nomem;
		fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  stat(path, &st) == 0 ? st.st_mode & 07777 : 0666);
		if (fd >= 0 || errno != EEXIST || k == 100)
			break;
	}
	if (fd < 0) {
		int rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write '%s': %s", path,
					strerror(errno));
		llmops_buf_release(&tmp);
		return rc;
	}
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777); /* the umask applied to the mode above */
	if (!(a->f = fdopen(fd, "w")) || !(a->path = strdup(path))) {
		if (a->f)
			fclose(a->f);
		else
			close(fd);
		unlink(tmp.data);
		release(a);
		goto nomem;
	}
	a->tmp = llmops_buf_detach(&tmp, NULL);
	if (!a->tmp) {
		fclose(a->f);
		release(a);
		goto nomem;
	}
	return LLMOPS_OK;
nomem:
	llmops_buf_release(&tmp);
	return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}

int llmops_atomic_commit(struct llmops_atomic *a, struct llmops_err *err)
{
	int rc = LLMOPS_OK, bad;

	bad = fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0;
	bad |= fclose(a->f) != 0;
	if (bad || rename(a->tmp, a->path)) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write '%s': %s", a->path,
				    strerror(errno ? errno : EIO));
		unlink(a->tmp);
	} else {
		/* make the rename itself durable */
		char *d = strdup(a->path);
		int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(d);
	}
	release(a);
	return rc;
}

void llmops_atomic_abort(struct llmops_atomic *a)
{
	if (a->f) {
		fclose(a->f);
		unlink(a->tmp);
	}
	release(a);
}

int llmops_write_atomic(const char *path, const char *data, size_t len, struct llmops_err *err)
{
	struct llmops_atomic a;
	int rc = llmops_atomic_open(&a, path, err);

	if (rc)
		return rc;
	if (len && fwrite(data, 1, len, a.f) != len) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write '%s': %s", path,
				    strerror(errno));
		llmops_atomic_abort(&a);
		return rc;
	}
	return llmops_atomic_commit(&a, err);
}
