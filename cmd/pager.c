/*
 * pager.c - long outputs through a pager when stdout is a terminal, as git
 * does: $LLMOPS_PAGER, else $PAGER, else less; LESS=FRX unless LESS is set
 * (quit when it fits one screen, keep colours, leave the text on screen);
 * never with --no-pager, an empty pager or "cat".
 */
#include "llmops.h"

#include "env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static pid_t pager_pid;

void llmops_pager_start(const struct llmops_ctx *ctx)
{
	const char *pager = llmops_env_get(ctx->env, "LLMOPS_PAGER");
	int fds[2];
	if (pager_pid || ctx->no_pager || !isatty(STDOUT_FILENO))
		return;
	if (!pager)
		pager = llmops_env_get(ctx->env, "PAGER");
	if (!pager)
		pager = "less";
	if (!*pager || !strcmp(pager, "cat"))
		return;
	fflush(stdout);
	if (pipe(fds) < 0)
		return;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("LESS", "FRX", 0);
		setenv("LV", "-c", 0);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	signal(SIGPIPE, SIG_IGN); /* the user quit the pager: writes fail, we finish quietly */
	pager_pid = pid;
}

void llmops_pager_stop(void)
{
	if (!pager_pid)
		return;
	fflush(stdout);
	close(STDOUT_FILENO); /* end of input for the pager; stdout writes nothing more */
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = 0;
}
