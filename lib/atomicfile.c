/*
 * atomicfile.c - replace a file whole or not at all (see atomicfile.h).
 */
#include "atomicfile.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int llmops_write_atomic(const char *path, const char *data, size_t len, struct llmops_err *err)
{
	struct llmops_buf tmp = LLMOPS_BUF_INIT;
	struct stat st;
	int fd, rc = LLMOPS_OK;
	size_t done = 0;

	llmops_buf_addf(&tmp, "%s.llmops-tmp.%ld", path, (long)getpid());
	if (tmp.oom)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  stat(path, &st) == 0 ? st.st_mode & 07777 : 0644);
	if (fd < 0) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot write '%s': %s", tmp.data,
				    strerror(errno));
		llmops_buf_release(&tmp);
		return rc;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		done += (size_t)n;
	}
	if (done < len || fsync(fd) || close(fd) || rename(tmp.data, path)) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot replace '%s': %s", path,
				    strerror(errno));
		unlink(tmp.data);
	}
	llmops_buf_release(&tmp);
	return rc;
}
