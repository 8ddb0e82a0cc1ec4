/*
 * fuzz_ingestfile.c - lib/ingest: a whole file as `llmops ingest` reads it
 * (JSONL, one JSON document, an array of records on one line or many), into
 * a ledger.  Every record read is added, already present or malformed, never
 * lost or counted twice; no run's totals disagree with what it holds.
 */
#include "fuzz.h"
#include "ingest.h"
#include "ledger.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct llmops_ledger *lg;
static char dir[64];

static void remove_dir(void)
{
	char p[128];
	llmops_ledger_free(lg);
	lg = NULL;
	const char *ext[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/ledger.db%s", dir, ext[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void quiet(void *ud, const char *file, long line, const char *why)
{
	(void)ud, (void)file, (void)line, (void)why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_err err = {0};
	struct llmops_ingest *in = NULL;
	struct llmops_ingest_stats st;
	if (!lg) {
		char path[128];
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/fuzz-ingest-XXXXXX", t && strlen(t) < 32 ? t : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/ledger.db", dir);
		if (llmops_ledger_open(&lg, path, 0, &err))
			abort();
		atexit(remove_dir);
	}
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");
	if (!f)
		return 0;
	if (!size) { /* fmemopen needs a size: an empty file is one byte past its end */
		fclose(f);
		return 0;
	}
	struct llmops_ingest_opts o = {0};
	o.problem = quiet;
	if (llmops_ingest_start(&in, lg, &o, &err))
		abort();
	int rc = llmops_ingest_file(in, f, "fuzz.jsonl", &err);
	rc = llmops_ingest_finish(in, rc, &st, &err);
	fclose(f);
	if (rc && rc != LLMOPS_E_INPUT)
		abort(); /* a ledger or memory failure: not the input's doing */
	if (!rc && st.read != st.added + st.present + st.malformed)
		abort();
	return 0;
}
