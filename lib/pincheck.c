#include "pincheck.h"

#include "buf.h"
#include "hash.h"

#include <stdio.h>
#include <string.h>

const char *llmops_pin_problem_name(int problem)
{
	static const char *const names[] = {"",	   "missing", "no-such-version", "unreadable",
					    "changed", "sha256",  "no-commit"};

	return problem >= 0 && problem <= LLMOPS_PIN_NO_COMMIT ? names[problem] : "?";
}

int llmops_pin_check(struct llmops_store *s, struct llmops_snapshot *head,
		     const struct llmops_lock_entry *e, struct llmops_catalog *cat, int *cat_loaded,
		     char *msg, size_t n)
{
	struct llmops_buf content = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char wblob[LLMOPS_OID_HEX], wsha[65], hblob[LLMOPS_OID_HEX] = "", sha[65];
	int in_head = 0, rc, problem = LLMOPS_PIN_OK;

	/* Ids first: the blob itself is read only when the bytes on disk are not it. */
	if (head && !llmops_snapshot_blob_id(head, e->path, hblob, &err))
		in_head = 1;
	rc = llmops_store_hash_worktree(s, e->path, e->blob, wblob, wsha, &err);
	if (rc == LLMOPS_E_NOTFOUND) {
		const struct llmops_family *f;

		/* Only now is the whole catalog needed, to say what does exist. */
		if (!*cat_loaded && !llmops_store_catalog(s, head, 0, cat, &err))
			*cat_loaded = 1;
		f = *cat_loaded ? llmops_catalog_find(cat, e->name) : NULL;
		if (in_head) {
			snprintf(msg, n,
				 "pinned file '%s' is missing from the work tree (it is in HEAD); "
				 "restore it: git checkout -- %s",
				 e->path, e->path);
			return LLMOPS_PIN_MISSING;
		}
		if (f && f->n)
			snprintf(
				msg, n,
				"prompts.lock pins %s@%s, which does not exist (newest is %s); pin "
				"an existing version",
				e->name, e->version, f->files[f->n - 1].version);
		else
			snprintf(msg, n, "prompts.lock pins %s@%s, but there is no prompt '%s'",
				 e->name, e->version, e->name);
		return LLMOPS_PIN_NO_SUCH_VERSION;
	}
	if (rc) {
		snprintf(msg, n, "%s", err.msg);
		return LLMOPS_PIN_UNREADABLE;
	}
	if (strcmp(wblob, e->blob)) {
		snprintf(msg, n,
			 "%s changed after it was pinned (blob %.12s, pinned %.12s); released "
			 "versions are immutable: revert it and make a new version (llmops prompt "
			 "new %s)",
			 e->path, wblob, e->blob, e->name);
		problem = LLMOPS_PIN_CHANGED;
	} else if (in_head && strcmp(hblob, e->blob)) {
		snprintf(msg, n, "%s at HEAD (blob %.12s) is not the pinned blob %.12s", e->path,
			 hblob, e->blob);
		problem = LLMOPS_PIN_CHANGED;
	} else if (strcmp(wsha, e->sha256) &&
		   (!in_head || llmops_store_read_blob(s, hblob, &content, &err) ||
		    llmops_sha256_hex(sha, content.data, content.len) || strcmp(sha, e->sha256))) {
		snprintf(msg, n,
			 "the SHA-256 in prompts.lock for %s does not match the blob's content; "
			 "was the lock edited by hand? re-pin it: llmops prompt pin %s@%s",
			 e->name, e->name, e->version);
		problem = LLMOPS_PIN_SHA256;
	}
	if (!problem && llmops_store_commit_exists(s, e->commit) == 0) {
		/* a lock that names a commit git never had was not written by pin
		   from this history (edited, or taken from another repository) */
		snprintf(msg, n,
			 "prompts.lock pins %s@%s from commit %.12s, which is not in this "
			 "repository; re-pin it from a commit here: llmops prompt pin %s@%s",
			 e->name, e->version, e->commit, e->name, e->version);
		problem = LLMOPS_PIN_NO_COMMIT;
	}
	llmops_buf_release(&content);
	return problem;
}
