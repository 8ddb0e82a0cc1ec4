/*
 * toolexec.c - a case's {"$exec": COMMAND} tool (see eval_tools.c): the
 * command run by /bin/sh in the repository's root, in a process group of
 * its own, with the call's arguments on stdin; what it prints is the
 * result.  Its environment is PATH, HOME, LANG, LC_ALL, TMPDIR and TZ alone
 * (no API key reaches it).  It is waited for (the run holds that case
 * meanwhile); a timeout kills the group.
 */
#include "toolexec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX (1u << 20)

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The variables a tool command gets, from ours: NULL-terminated, pointing into environ. */
static void child_env(char **env, size_t cap)
{
	static const char *const keep[] = {"PATH=", "HOME=", "LANG=", "LC_ALL=", "TMPDIR=", "TZ="};
	size_t n = 0;
	for (char **e = environ; e && *e && n + 1 < cap; e++)
		for (size_t k = 0; k < sizeof(keep) / sizeof(*keep); k++)
			if (!strncmp(*e, keep[k], strlen(keep[k])))
				env[n++] = *e;
	env[n] = NULL;
}

int llmops_tool_exec(const char *command, const char *dir, const char *input, double timeout_ms,
		     struct llmops_buf *out, struct llmops_err *err)
{
	int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, rc = 0, status = 0;
	struct llmops_buf errbuf = LLMOPS_BUF_INIT;
	char *env[8], *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	size_t off = 0, len = strlen(input ? input : "");
	if (pipe2(in, O_CLOEXEC) || pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC)) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot make pipes: %s", strerror(errno));
		goto out;
	}
	child_env(env, sizeof(env) / sizeof(*env));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	if (dir)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	int sp = posix_spawn(&pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (sp) {
		rc = llmops_err_set(err, LLMOPS_E_IO, "cannot run /bin/sh: %s", strerror(sp));
		goto out;
	}
	close(in[0]);
	close(o[1]);
	close(e[1]);
	in[0] = o[1] = e[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	/* a command that does not read its input must not kill us with SIGPIPE */
	struct sigaction ign = {0}, old;
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (!len) {
		close(in[1]);
		in[1] = -1;
	}
	double deadline = now_ms() + timeout_ms;
	while (o[0] >= 0 || e[0] >= 0) {
		struct pollfd p[3] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
		double left = deadline - now_ms();
		if (left <= 0) {
			kill(-pid, SIGKILL);
			rc = llmops_err_set(err, LLMOPS_E_INPUT,
					    "it ran over %.0f s, and was stopped",
					    timeout_ms / 1e3);
			break;
		}
		if (poll(p, 3, left > 1000 ? 1000 : (int)left + 1) < 0 && errno != EINTR) {
			rc = llmops_err_set(err, LLMOPS_E_IO, "poll: %s", strerror(errno));
			kill(-pid, SIGKILL);
			break;
		}
		if (in[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], input + off, len - off);
			if (w > 0)
				off += (size_t)w;
			if (off >= len || (w < 0 && errno != EAGAIN && errno != EINTR)) {
				close(in[1]);
				in[1] = -1;
			}
		}
		for (int k = 0; k < 2; k++) {
			int *fd = k ? &e[0] : &o[0];
			struct llmops_buf *b = k ? &errbuf : out;
			char chunk[4096];
			if (*fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(*fd, chunk, sizeof(chunk));
			if (r > 0 && b->len + (size_t)r <= OUT_MAX)
				llmops_buf_add(b, chunk, (size_t)r);
			else if (r > 0 && !k) {
				kill(-pid, SIGKILL);
				rc = llmops_err_set(err, LLMOPS_E_INPUT,
						    "it printed more than %u bytes", OUT_MAX);
			}
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				close(*fd);
				*fd = -1;
			}
		}
		if (rc)
			break;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		/* its first line of complaint, as a reason */
		char first[200] = "";
		if (errbuf.data) {
			size_t n = strcspn(errbuf.data, "\n");
			snprintf(first, sizeof(first), ": %.*s", (int)(n < 180 ? n : 180),
				 errbuf.data);
		}
		rc = WIFEXITED(status)
			     ? llmops_err_set(err, LLMOPS_E_INPUT, "it exited with status %d%s",
					      WEXITSTATUS(status), first)
			     : llmops_err_set(err, LLMOPS_E_INPUT, "it was killed by signal %d%s",
					      WTERMSIG(status), first);
	}
out:
	for (int *fd = in; fd < in + 2; fd++)
		if (*fd >= 0)
			close(*fd);
	for (int *fd = o; fd < o + 2; fd++)
		if (*fd >= 0)
			close(*fd);
	for (int *fd = e; fd < e + 2; fd++)
		if (*fd >= 0)
			close(*fd);
	llmops_buf_release(&errbuf);
	return rc;
}
