#include "testutil.h"

#include "buf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	struct llmops_buf b = LLMOPS_BUF_INIT;

	llmops_buf_addf(&b, "%s/llmops-test-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(b.data));
	return llmops_buf_detach(&b, NULL);
}

void tu_tmpdir_remove(char *dir)
{
	if (dir && strstr(dir, "llmops-test-"))
		tu_sh("rm -rf '%s'", dir);
	free(dir);
}

char *tu_path(const char *dir, const char *name)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	llmops_buf_addf(&b, "%s/%s", dir, name);
	return llmops_buf_detach(&b, NULL);
}

void tu_write_file(const char *path, const char *content, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

int tu_sh(const char *fmt, ...)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	va_list ap;
	int st;

	va_start(ap, fmt);
	llmops_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	st = system(b.data);
	llmops_buf_release(&b);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

long long tu_sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int tu_server_start(struct tu_server *s, const char *args)
{
	const char *script = getenv("LLM_SERVER");
	char line[64];
	struct llmops_buf cmd = LLMOPS_BUF_INIT;
	memset(s, 0, sizeof(*s));
	if (!script || !*script)
		return -1;
	/* exec: the pipe's writer is the server itself; it prints "PORT n" once listening */
	llmops_buf_addf(&cmd, "exec python3 '%s' --port 0 --max-seconds 300 %s", script,
			args ? args : "");
	s->out = popen(cmd.data, "r");
	llmops_buf_release(&cmd);
	if (!s->out)
		return -1;
	while (fgets(line, sizeof(line), s->out))
		if (sscanf(line, "PORT %d", &s->port) == 1)
			break;
	if (!s->port) {
		pclose(s->out);
		s->out = NULL;
		return -1;
	}
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d/v1", s->port);
	return 0;
}

/* A POST with no body (curl is not needed for this: python answers the shutdown). */
void tu_server_stop(struct tu_server *s)
{
	if (!s->out)
		return;
	tu_sh("python3 -c 'import urllib.request; urllib.request.urlopen(urllib.request.Request("
	      "\"http://127.0.0.1:%d/_shutdown\", data=b\"\"))' >/dev/null 2>&1",
	      s->port);
	pclose(s->out); /* waits for the server to exit */
	s->out = NULL;
}

long tu_server_stat(const struct tu_server *s, const char *key)
{
	char cmd[512];
	long v = -1;
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,urllib.request; print(json.load(urllib.request.urlopen("
		 "\"http://127.0.0.1:%d/_stats\"))[\"%s\"])'",
		 s->port, key);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%ld", &v) != 1)
		v = -1;
	pclose(p);
	return v;
}
