/*
 * fuzz_snapshot.c - lib/ledger_vet: an untrusted ledger file (a snapshot
 * fetched from the git remote, a file to merge) vetted; what passes must
 * merge into an empty ledger without error, merge a second time adding
 * nothing, and leave that ledger sound (integrity and foreign keys).
 */
#include "fuzz.h"
#include "ledger.h"
#include "strlist.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void scratch(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void drop(const char *path)
{
	char p[128];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void remove_dir(void)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/in.db", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/ledger.db", dir);
	drop(p);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128], lpath[128];
	struct llmops_err err = {0};
	if (!dir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/fuzz-snapshot-XXXXXX",
			 t && strlen(t) < 32 ? t : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	scratch(in, sizeof(in), "in.db");
	scratch(lpath, sizeof(lpath), "ledger.db");
	int fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (llmops_ledger_vet(in, NULL, NULL, &err) == LLMOPS_OK) {
		struct llmops_ledger *lg = NULL;
		struct llmops_merge_stats st = {0}, again = {0};
		struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
		drop(lpath);
		if (llmops_ledger_open(&lg, lpath, 0, &err))
			abort();
		/* vetted: it merges, once */
		if (llmops_ledger_merge(lg, in, &st, &err) ||
		    llmops_ledger_merge(lg, in, &again, &err) || again.runs || again.results)
			abort();
		if (llmops_ledger_check(lg, &problems, &err) || problems.nr)
			abort();
		llmops_strlist_release(&problems);
		llmops_ledger_free(lg);
	}
	unlink(in);
	return 0;
}
