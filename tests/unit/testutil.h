/*
 * testutil.h - helpers shared by the cmocka unit tests.
 */
#ifndef LLMOPS_TESTUTIL_H
#define LLMOPS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * A fresh temporary directory for one test (under $TMPDIR or /tmp), made
 * with mkdtemp; tu_tmpdir_remove() deletes it and everything in it.
 * Returns a malloc'd path.
 */
char *tu_tmpdir(void);
void tu_tmpdir_remove(char *dir);
/* "dir/name" as a malloc'd string. */
char *tu_path(const char *dir, const char *name);
/* Write content to path (truncating). */
void tu_write_file(const char *path, const char *content, size_t len);
/*
 * Run sql through a separate SQLite connection to path (as another process
 * would see the file) and return the first column of the first row, or -1.
 */
long long tu_sql_int(const char *path, const char *sql);
/* Run a shell command line (test setup only: git init and the like); returns its status. */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
