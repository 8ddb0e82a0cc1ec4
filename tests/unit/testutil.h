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
#include <stdio.h>

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

/* The test LLM server (tests/llm_server.py, $LLM_SERVER) on a free port of 127.0.0.1. */
struct tu_server {
	FILE *out; /* the server's stdout */
	int port;
	char base[64]; /* "http://127.0.0.1:PORT/v1" */
};
/* Start it with extra arguments (faults); returns once it listens: 0, or -1. */
int tu_server_start(struct tu_server *s, const char *args);
/* Ask it to stop and wait until it has. */
void tu_server_stop(struct tu_server *s);
/* A counter from its /_stats ("answered", "api_requests", ...), or -1. */
long tu_server_stat(const struct tu_server *s, const char *key);

#endif
