/*
 * fuzz_bundle.c - lib/bundle: `prompt verify --bundle` of an untrusted
 * bundle against a lock pinning a stable version and a canary, in a git
 * repository the harness makes once (fixed contents and dates, so its ids
 * are the same on every machine).  The one invariant: a bundle that passes
 * is byte for byte the genuine one (llmops_bundle_make's), however it was
 * mutated; anything else is refused with an error or a problem.
 * FUZZ_BUNDLE_SEED=PATH writes the genuine bundle to PATH (tests/fuzz/run.sh
 * seeds the corpus with it).
 */
#include "bundle.h"
#include "fuzz.h"
#include "hash.h"
#include "json.h"
#include "workspace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct llmops_store *store;
static struct llmops_lock lock;
static char *genuine;
static char made[128]; /* the repository, removed at exit */

static void remove_made(void)
{
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", made);
	if (made[0] && system(cmd))
		made[0] = 0;
}

/* One line of a command's output (its first), or abort. */
static void run_line(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(out, (int)n, p))
		abort();
	out[strcspn(out, "\n")] = 0;
	pclose(p);
}

static void pin_json(char *out, size_t n, const char *dir, const char *ver, const char *commit)
{
	char cmd[512], blob[64], path[256], sha[LLMOPS_SHA256_HEX_LEN + 1];
	struct llmops_buf t = LLMOPS_BUF_INIT;
	snprintf(path, sizeof(path), "%s/prompts/greet/%s.txt", dir, ver);
	if (llmops_buf_read_file(&t, path))
		abort();
	llmops_sha256_hex(sha, t.data, t.len);
	llmops_buf_release(&t);
	snprintf(cmd, sizeof(cmd), "git -C %s rev-parse HEAD:prompts/greet/%s.txt", dir, ver);
	run_line(cmd, blob, sizeof(blob));
	snprintf(out, n,
		 "\"version\": \"%s\", \"path\": \"prompts/greet/%s.txt\", \"commit\": \"%s\","
		 " \"blob\": \"%s\", \"sha256\": \"%s\"",
		 ver, ver, commit, blob, sha);
}

static void setup(void)
{
	char dir[128], cmd[1024], commit[64], stable[512], canary[512];
	const char *t = getenv("TMPDIR");
	struct llmops_err err = {0};
	if (llmops_global_init(&err)) /* libgit2 */
		abort();
	snprintf(dir, sizeof(dir), "%s/fuzz-bundle-XXXXXX", t && strlen(t) < 64 ? t : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(made, sizeof(made), "%s", dir);
	atexit(remove_made);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && export GIT_AUTHOR_NAME=f GIT_AUTHOR_EMAIL=f@example.invalid "
		 "GIT_COMMITTER_NAME=f GIT_COMMITTER_EMAIL=f@example.invalid "
		 "GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' "
		 "GIT_CONFIG_NOSYSTEM=1 HOME=%s && git init -q -b main . && mkdir -p "
		 "prompts/greet prompts/_partials && printf -- '---\\nmodel: gpt-4o-mini\\n"
		 "temperature: 0.2\\n---\\nSay hello to {{name}}.\\n' >prompts/greet/v1.0.0.txt && "
		 "printf 'Say hello to {{name}}, briefly.\\n' >prompts/greet/v1.1.0.txt && "
		 "git add -A && git commit -qm pin",
		 dir, dir);
	if (system(cmd))
		abort();
	snprintf(cmd, sizeof(cmd), "git -C %s rev-parse HEAD", dir);
	run_line(cmd, commit, sizeof(commit));
	pin_json(stable, sizeof(stable), dir, "v1.0.0", commit);
	pin_json(canary, sizeof(canary), dir, "v1.1.0", commit);
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"lockfile_version\": 1, \"prompts\": {\"greet\": {%s, \"canary\": {\"weight\": "
		 "10, %s}}}}",
		 stable, canary);
	if (llmops_lock_parse(&lock, text, strlen(text), "prompts.lock", &err) ||
	    llmops_store_open(&store, dir, &err)) {
		fprintf(stderr, "fuzz_bundle: set-up: %s\n", err.msg);
		abort();
	}
	cJSON *b = NULL;
	if (llmops_bundle_make(store, &lock, commit, &b, &err) || !(genuine = llmops_json_print(b)))
		abort();
	cJSON_Delete(b);
	const char *seed = getenv("FUZZ_BUNDLE_SEED");
	if (seed) {
		FILE *f = fopen(seed, "w");
		if (!f || fprintf(f, "%s\n", genuine) < 0 || fclose(f))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llmops_strlist problems = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	if (!store)
		setup();
	int rc = llmops_bundle_verify(store, (const char *)data, size, "bundle.json", &lock, NULL,
				      &problems, &err);
	if (!rc && !problems.nr) {
		size_t g = strlen(genuine);
		if (!(size == g || (size == g + 1 && data[g] == '\n')) || memcmp(data, genuine, g))
			abort(); /* passed, and is not the genuine bundle */
	}
	llmops_strlist_release(&problems);
	return 0;
}
