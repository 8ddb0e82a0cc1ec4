/*
 * test_lock.c - prompts.lock: round trip, stable output, atomic
 * replacement, and errors that point into a hand-edited file.
 */
#include "testutil.h"

#include "buf.h"
#include "lock.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct llmops_lock_entry entry(const char *name, const char *version)
{
	struct llmops_lock_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.version, sizeof(e.version), "%s", version);
	snprintf(e.path, sizeof(e.path), "prompts/%s/%s.txt", name, version);
	memset(e.commit, 'a', 40);
	memset(e.blob, 'b', 40);
	memset(e.sha256, 'c', 64);
	return e;
}

static void round_trip(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "prompts.lock");
	struct llmops_lock l = {0}, back;
	struct llmops_lock_entry z = entry("zeta", "v1.0.0"), a = entry("team/alpha", "v2.3.1");
	struct llmops_err err = {0};
	struct llmops_buf first = LLMOPS_BUF_INIT, second = LLMOPS_BUF_INIT;
	int exists;
	DIR *d;
	struct dirent *de;

	(void)state;
	assert_int_equal(llmops_lock_read(&l, path, &exists, &err), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(llmops_lock_set(&l, &z), 0);
	assert_int_equal(llmops_lock_set(&l, &a), 0);
	assert_int_equal(llmops_lock_write(&l, path, &err), 0);
	assert_int_equal(llmops_lock_read(&back, path, &exists, &err), 0);
	assert_int_equal(exists, 1);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.e[0].name, "team/alpha"); /* sorted */
	assert_string_equal(llmops_lock_find(&back, "zeta")->version, "v1.0.0");
	/* Writing what was read gives the same bytes: pins are small diffs. */
	llmops_buf_read_file(&first, path);
	assert_int_equal(llmops_lock_write(&back, path, &err), 0);
	llmops_buf_read_file(&second, path);
	assert_string_equal(first.data, second.data);
	assert_int_equal(llmops_lock_remove(&back, "zeta"), 1);
	assert_int_equal(llmops_lock_remove(&back, "zeta"), 0);
	assert_int_equal(llmops_lock_write(&back, path, &err), 0);
	/* No temporary file is left behind. */
	d = opendir(dir);
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, "tmp"));
	closedir(d);
	llmops_buf_release(&first);
	llmops_buf_release(&second);
	llmops_lock_release(&l);
	llmops_lock_release(&back);
	free(path);
	tu_tmpdir_remove(dir);
}

static void expect(const char *text, const char *msg)
{
	struct llmops_lock l;
	struct llmops_err err = {0};

	assert_int_equal(llmops_lock_parse(&l, text, strlen(text), "prompts.lock", &err),
			 LLMOPS_E_INPUT);
	llmops_lock_release(&l);
	if (!strstr(err.msg, msg))
		fail_msg("wanted '%s' in '%s'", msg, err.msg);
}

#define ENTRY(body) "{\"lockfile_version\": 1, \"prompts\": {\"a\": {" body "}}}"
#define GOOD                                                                                       \
	"\"version\": \"v1.0.0\", \"path\": \"prompts/a/v1.0.0.txt\", \"commit\": "                \
	"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"blob\": "                                 \
	"\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\", \"sha256\": "                               \
	"\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\""

static void errors(void **state)
{
	struct llmops_lock l;
	struct llmops_err err = {0};
	const char *good = ENTRY(GOOD);

	(void)state;
	assert_int_equal(llmops_lock_parse(&l, good, strlen(good), "prompts.lock", &err), 0);
	assert_int_equal(l.n, 1);
	llmops_lock_release(&l);
	expect("[]", "prompts.lock:1:1: a lock is an object");
	expect("{\"lockfile_version\": 2, \"prompts\": {}}", "lockfile_version 2 is not known");
	expect("{\"prompts\": {}}", "\"lockfile_version\" must be the number 1");
	expect("{\"lockfile_version\": 1, \"prompt\": {}}",
	       "prompts.lock:1:25: unknown key 'prompt'");
	expect(ENTRY(GOOD ", \"note\": \"x\""), "unknown key 'note'");
	expect("{\"lockfile_version\": 1, \"prompts\": {\"A\": {}}}",
	       "prompts.lock:1:37: prompt name 'A'");
	expect(ENTRY("\"version\": \"latest\""), "has no \"path\"");
	expect("{\"lockfile_version\": 1, \"prompts\": {\"a\": {" GOOD "}, \"a\": {" GOOD "}}}",
	       "'a' is pinned twice");
}

static void field_checks(void **state)
{
	char text[2048];
	const char *cases[][3] = {
		{"v1.0.0", "latest", "'latest' is not a version"},
		{"prompts/a/v1.0.0.txt", "prompts/b/v1.0.0.txt", "does not match the entry"},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "HEAD",
		 "\"commit\" of 'a' must be 40"},
		{"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "abc",
		 "\"sha256\" of 'a' must be 64"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *good = ENTRY(GOOD);
		const char *at = strstr(good, cases[i][0]);
		size_t pre = (size_t)(at - good);

		snprintf(text, sizeof(text), "%.*s%s%s", (int)pre, good, cases[i][1],
			 at + strlen(cases[i][0]));
		expect(text, cases[i][2]);
	}
}

/* The render closure: read, written back byte for byte, and checked. */
static void partials(void **state)
{
	struct llmops_lock l;
	struct llmops_err err = {0};
	char *dir = tu_tmpdir(), *path = tu_path(dir, "prompts.lock");
	struct llmops_buf back = LLMOPS_BUF_INIT;
	const char *text =
		ENTRY(GOOD ",\n \"partials\": {\"sig\": {\"blob\": "
			   "\"dddddddddddddddddddddddddddddddddddddddd\", \"sha256\": "
			   "\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\"}, "
			   "\"footer\": null}");

	(void)state;
	assert_int_equal(llmops_lock_parse(&l, text, strlen(text), "prompts.lock", &err), 0);
	assert_int_equal(l.e[0].npartials, 2);
	assert_true(l.e[0].has_partials);
	assert_string_equal(l.e[0].partials[0].name, "footer"); /* sorted */
	assert_string_equal(l.e[0].partials[0].blob, "");
	assert_string_equal(llmops_lock_partial_find(&l.e[0], "sig")->blob,
			    "dddddddddddddddddddddddddddddddddddddddd");
	assert_null(llmops_lock_partial_find(&l.e[0], "other"));
	assert_int_equal(llmops_lock_write(&l, path, &err), 0);
	llmops_lock_release(&l);
	llmops_buf_read_file(&back, path);
	assert_non_null(strstr(back.data, "\"footer\": null,\n        \"sig\": {\"blob\""));
	assert_int_equal(llmops_lock_parse(&l, back.data, back.len, "prompts.lock", &err), 0);
	assert_int_equal(l.e[0].npartials, 2);
	llmops_lock_release(&l);
	llmops_buf_release(&back);
	free(path);
	tu_tmpdir_remove(dir);

	expect(ENTRY(GOOD ", \"partials\": []"), "\"partials\" of 'a' must be an object");
	expect(ENTRY(GOOD ", \"partials\": {\"sig\": {\"blob\": \"x\"}}"),
	       "partial 'sig' of 'a' must be {\"blob\"");
	expect(ENTRY(GOOD ", \"partials\": {\"Sig\": null}"), "partial name 'Sig'");
}

#define CANARY(w)                                                                                  \
	"\"canary\": {\"weight\": " w ", \"version\": \"v1.1.0\", \"path\": "                      \
	"\"prompts/a/v1.1.0.txt\", \"commit\": \"dddddddddddddddddddddddddddddddddddddddd\", "     \
	"\"blob\": \"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\", \"sha256\": "                     \
	"\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}"

/* A canary beside a stable version: read, written back the same, kept apart. */
static void canaries(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "prompts.lock");
	const char *text = ENTRY(GOOD ", " CANARY("10"));
	struct llmops_lock l, back;
	struct llmops_err err = {0};
	struct llmops_buf a = LLMOPS_BUF_INIT, b = LLMOPS_BUF_INIT;
	int exists;

	(void)state;
	assert_int_equal(llmops_lock_parse(&l, text, strlen(text), "prompts.lock", &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ncanary, 1);
	const struct llmops_lock_entry *cy = llmops_lock_canary(&l, "a");
	assert_non_null(cy);
	assert_int_equal(cy->weight, 10);
	assert_string_equal(cy->version, "v1.1.0");
	assert_int_equal(llmops_lock_find(&l, "a")->weight, 0);
	assert_int_equal(llmops_lock_write(&l, path, &err), 0);
	assert_int_equal(llmops_buf_read_file(&a, path), 0);
	assert_int_equal(llmops_lock_read(&back, path, &exists, &err), 0);
	assert_int_equal(llmops_lock_write(&back, path, &err), 0);
	assert_int_equal(llmops_buf_read_file(&b, path), 0);
	assert_string_equal(a.data, b.data); /* stable output */
	assert_non_null(strstr(a.data, "\"canary\": {\n        \"weight\": 10,"));
	/* removing the entry removes its canary */
	assert_int_equal(llmops_lock_remove(&back, "a"), 1);
	assert_null(llmops_lock_canary(&back, "a"));
	llmops_lock_release(&back);
	llmops_lock_release(&l);
	llmops_buf_release(&a);
	llmops_buf_release(&b);

	expect(ENTRY(GOOD ", " CANARY("0")), "prompts.lock:1:301: the canary of 'a' needs "
					     "\"weight\"");
	expect(ENTRY(GOOD ", " CANARY("100")), "a whole percentage from 1 to 99");
	expect(ENTRY(GOOD ", \"weight\": 5"), "unknown key 'weight' in a lock entry");
	expect(ENTRY(GOOD ", \"canary\": {" GOOD "}"), "needs \"weight\"");
	expect(ENTRY(GOOD ", \"canary\": {\"weight\": 5, " GOOD "}"),
	       "the canary of 'a' is its stable version v1.0.0");
	free(path);
	tu_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),	cmocka_unit_test(errors),
		cmocka_unit_test(field_checks), cmocka_unit_test(partials),
		cmocka_unit_test(canaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
