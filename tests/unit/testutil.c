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
