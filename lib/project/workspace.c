#include "workspace.h"

#include "buf.h"

#include <curl/curl.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int llmops_global_init(struct llmops_err *err)
{
	if (git_libgit2_init() < 0)
		return llmops_err_set(err, LLMOPS_E_GIT, "cannot initialise libgit2");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		git_libgit2_shutdown();
		return llmops_err_set(err, LLMOPS_E_NET, "cannot initialise libcurl");
	}
	return LLMOPS_OK;
}

void llmops_global_shutdown(void)
{
	curl_global_cleanup();
	git_libgit2_shutdown();
}

static char *strip_slash(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

int llmops_workspace_find(struct llmops_workspace *ws, const char *start_dir,
			  struct llmops_err *err)
{
	git_repository *repo = NULL;
	char *abs;
	int rc;

	memset(ws, 0, sizeof(*ws));
	abs = realpath(start_dir, NULL);
	if (!abs)
		return llmops_err_set(err, LLMOPS_E_IO, "cannot resolve directory '%s'", start_dir);
	rc = git_repository_open_ext(&repo, abs, 0, NULL);
	if (rc == GIT_ENOTFOUND) {
		ws->root = abs;
		return LLMOPS_OK;
	}
	if (rc < 0) {
		const git_error *e = git_error_last();

		llmops_err_set(err, LLMOPS_E_GIT, "cannot open the git repository at '%s': %s", abs,
			       e ? e->message : "unknown libgit2 error");
		free(abs);
		return LLMOPS_E_GIT;
	}
	if (git_repository_is_bare(repo)) {
		ws->bare = 1;
		ws->root = abs;
	} else {
		ws->in_repo = 1;
		free(abs);
		ws->root = strdup(git_repository_workdir(repo));
		if (ws->root)
			strip_slash(ws->root);
	}
	git_repository_free(repo);
	if (!ws->root)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	return LLMOPS_OK;
}

void llmops_workspace_release(struct llmops_workspace *ws)
{
	free(ws->root);
	memset(ws, 0, sizeof(*ws));
}

char *llmops_workspace_ledger_path(const struct llmops_workspace *ws)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	llmops_buf_addf(&b, "%s/.llmops/ledger.db", ws->root);
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL);
}
