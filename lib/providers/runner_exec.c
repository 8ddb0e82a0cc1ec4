/*
 * runner_exec.c - exec: calls as child processes: the prompt written to
 * stdin, stdout collected as the output, stderr kept for the error, all
 * over non-blocking pipes polled in the runner's loop.  The child runs
 * without a shell, in its own process group, so that a timeout can kill
 * whatever it started.  A non-zero exit, a signal or a timeout is final
 * (a local command is not retried).
 */
#include "internal.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* the environment a child gets when none was handed over */
static char *const no_env[] = {NULL};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The parent of process pid (from /proc/PID/stat), and its process group; 0 when gone. */
static pid_t parent_of(pid_t pid, pid_t *pgrp)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces and parentheses */
	const char *p = strrchr(buf, ')');
	int ppid = 0, pg = 0;
	char state;
	if (!p || sscanf(p + 1, " %c %d %d", &state, &ppid, &pg) != 3)
		return 0;
	*pgrp = pg;
	return ppid;
}

/* A child of ours that is not ours to keep: killed and reaped. */
static void stray(struct runner *r, pid_t pid, pid_t me, pid_t mine)
{
	pid_t pg = 0;
	if (parent_of(pid, &pg) != me)
		return;
	/* ours (a pager, a helper we wait for) share our group; a running exec call's
	   processes share its group (its child's pid); anything else left its group or came
	   back to us from an exec call that ended */
	int owned = pg == mine;
	for (unsigned i = 0; r && i < r->conc && !owned; i++)
		owned = r->slots[i].c && r->slots[i].pid > 0 && !r->slots[i].reaped &&
			(r->slots[i].pid == pid || r->slots[i].pid == pg);
	if (owned)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Our children, from each thread's /proc/self/task/TID/children (a few numbers, where a
   scan of /proc reads every process); 0, or -1 when the kernel has no such file. */
static int children(struct runner *r, pid_t me, pid_t mine)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int rc = -1;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], buf[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		rc = 0;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		for (char *p = buf, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0)
				stray(r, (pid_t)pid, me, mine);
		}
	}
	closedir(d);
	return rc;
}

void exec_strays(struct runner *r)
{
	pid_t me = getpid(), mine = getpgrp();
	if (!children(r, me, mine))
		return;
	DIR *d = opendir("/proc"); /* no children files: every process, its parent read */
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (!*end && pid > 0)
			stray(r, (pid_t)pid, me, mine);
	}
	closedir(d);
}

void exec_clear(struct slot *s)
{
	close_fd(&s->in_fd);
	close_fd(&s->out_fd);
	close_fd(&s->err_fd);
	llmops_buf_release(&s->errbuf);
	s->pid = 0;
	s->in_off = 0;
	s->timed_out = 0;
	s->too_much = 0;
	s->reaped = 0;
	s->status = 0;
}

void exec_kill(struct slot *s)
{
	if (s->pid > 0 && !s->reaped) {
		kill(-s->pid, SIGKILL);
		waitpid(s->pid, &s->status, 0);
		s->reaped = 1;
	}
}

static void fail_now(struct runner *r, struct slot *s, const char *what, int e)
{
	snprintf(s->c->error, sizeof(s->c->error), "exec: cannot run '%s': %s", s->c->prov->argv[0],
		 what ? what : strerror(e));
	exec_kill(s);
	r->retire(r, s, -1);
}

int exec_start(struct runner *r, struct slot *s)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1}, rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	s->in_fd = s->out_fd = s->err_fd = -1;
	s->pid = 0;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			close_fd(&in[i]);
			close_fd(&out[i]);
			close_fd(&errp[i]);
		}
		fail_now(r, s, NULL, e);
		return 0;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (s->c->dir)
		posix_spawn_file_actions_addchdir_np(&fa, s->c->dir);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	char *const *env = s->c->child_env   ? s->c->child_env
			   : s->c->prov->env ? s->c->prov->env
					     : no_env;
	rc = posix_spawnp(&s->pid, s->c->prov->argv[0], &fa, &at, s->c->prov->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	s->in_fd = in[1];
	s->out_fd = out[0];
	s->err_fd = errp[0];
	if (rc) {
		s->pid = 0;
		fail_now(r, s, NULL, rc);
		return 0;
	}
	fcntl(s->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	long timeout = s->c->prov->timeout_ms > 0 ? s->c->prov->timeout_ms : r->timeout_ms;
	s->deadline = s->start_ms + (double)timeout;
	if (!s->c->rq.len)
		close_fd(&s->in_fd);
	return 0;
}

unsigned exec_fds(struct runner *r, struct curl_waitfd *fds)
{
	unsigned n = 0;
	for (unsigned i = 0; i < r->conc; i++) {
		struct slot *s = &r->slots[i];
		if (!s->c || s->pid <= 0)
			continue;
		if (s->in_fd >= 0)
			fds[n++] = (struct curl_waitfd){s->in_fd, CURL_WAIT_POLLOUT, 0};
		if (s->out_fd >= 0)
			fds[n++] = (struct curl_waitfd){s->out_fd, CURL_WAIT_POLLIN, 0};
		if (s->err_fd >= 0)
			fds[n++] = (struct curl_waitfd){s->err_fd, CURL_WAIT_POLLIN, 0};
	}
	return n;
}

/* Read what is there; close the fd at EOF or on an error. */
static void drain(int *fd, struct llmops_buf *into, size_t cap)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (into->len < cap)
				llmops_buf_add(into, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close_fd(fd);
		return;
	}
}

static void feed(struct slot *s)
{
	const struct llmops_request *rq = &s->c->rq;
	while (s->in_fd >= 0 && s->in_off < rq->len) {
		ssize_t n = write(s->in_fd, rq->body + s->in_off, rq->len - s->in_off);
		if (n > 0) {
			s->in_off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close_fd(&s->in_fd); /* EPIPE: the child does not read its input */
	}
	if (s->in_fd >= 0 && s->in_off >= rq->len)
		close_fd(&s->in_fd);
}

static void finish(struct runner *r, struct slot *s, double now)
{
	struct llmops_call *c = s->c;
	c->latency_ms = now - s->start_ms;
	kill(-s->pid, SIGKILL); /* what it started in its group ends with it */
	exec_strays(r);
	if (s->too_much) {
		snprintf(c->error, sizeof(c->error),
			 "exec: '%s' printed more than %zu bytes, and was stopped",
			 c->prov->argv[0], c->out_max);
		r->retire(r, s, -1);
		return;
	}
	if (s->timed_out) {
		snprintf(c->error, sizeof(c->error), "exec: '%s' timed out after %.0f ms (killed)",
			 c->prov->argv[0], c->latency_ms);
		r->retire(r, s, -1);
		return;
	}
	if (WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0) {
		c->status = 0;
		c->answer.tokens_in = c->answer.tokens_out = -1;
		c->answer.text = strndup(c->raw.data ? c->raw.data : "", c->raw.len);
		r->retire(r, s, c->answer.text ? 0 : -1);
		return;
	}
	/* the last non-empty line of stderr says why, usually */
	char *e = s->errbuf.data ? s->errbuf.data : (char *)"";
	size_t n = s->errbuf.len;
	while (n && (e[n - 1] == '\n' || e[n - 1] == '\r'))
		n--;
	size_t b = n;
	while (b && e[b - 1] != '\n')
		b--;
	if (WIFEXITED(s->status)) {
		c->status = WEXITSTATUS(s->status);
		snprintf(c->error, sizeof(c->error), "exec: '%s' exited with status %d%s%.*s",
			 c->prov->argv[0], WEXITSTATUS(s->status), n > b ? ": " : "",
			 (int)(n - b > 300 ? 300 : n - b), e + b);
	} else {
		c->status = 128 + WTERMSIG(s->status);
		snprintf(c->error, sizeof(c->error), "exec: '%s' was killed by signal %d",
			 c->prov->argv[0], WTERMSIG(s->status));
	}
	r->retire(r, s, -1);
}

void exec_service(struct runner *r)
{
	double now = llmops_mono_ms();
	for (unsigned i = 0; i < r->conc; i++) {
		struct slot *s = &r->slots[i];
		if (!s->c || s->pid <= 0)
			continue;
		feed(s);
		if (s->out_fd >= 0)
			drain(&s->out_fd, &s->c->raw, (size_t)-1);
		if (s->err_fd >= 0)
			drain(&s->err_fd, &s->errbuf, 65536);
		if (s->c->out_max && s->c->raw.len > s->c->out_max && !s->too_much) {
			kill(-s->pid, SIGKILL);
			s->too_much = 1;
			close_fd(&s->out_fd);
			close_fd(&s->err_fd);
		}
		if (!s->timed_out && now > s->deadline) {
			kill(-s->pid, SIGKILL);
			s->timed_out = 1;
		}
		if (!s->reaped && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
			s->reaped = 1;
		if (s->reaped && (s->timed_out || (s->out_fd < 0 && s->err_fd < 0))) {
			if (s->out_fd >= 0)
				drain(&s->out_fd, &s->c->raw, (size_t)-1);
			finish(r, s, now);
		}
	}
}
