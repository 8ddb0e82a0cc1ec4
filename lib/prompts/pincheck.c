#include "pincheck.h"

#include "promptref.h"

#include "buf.h"
#include "hash.h"

#include <stdio.h>
#include <string.h>

const char *llmops_pin_problem_name(int problem)
{
	static const char *const names[] = {"",		  "missing",	    "no-such-version",
					    "unreadable", "changed",	    "sha256",
					    "no-commit",  "partial-changed"};

	return problem >= 0 && problem <= LLMOPS_PIN_PARTIAL ? names[problem] : "?";
}

/* The partials of e's closure, in the work tree and at HEAD, against the pin. */
static int check_partials(struct llmops_store *s, struct llmops_snapshot *head,
			  const struct llmops_lock_entry *e, char *msg, size_t n)
{
	for (size_t i = 0; i < e->npartials; i++) {
		const struct llmops_lock_partial *lp = &e->partials[i];
		struct llmops_err err = {0};
		char path[LLMOPS_NAME_MAX + 64], wblob[LLMOPS_OID_HEX] = "",
						 hblob[LLMOPS_OID_HEX] = "";
		snprintf(path, sizeof(path), LLMOPS_PARTIALS_DIR "/%s.txt", lp->name);
		int in_tree = !llmops_store_hash_worktree(s, path, lp->blob[0] ? lp->blob : NULL,
							  wblob, NULL, &err);
		int in_head = head && !llmops_snapshot_blob_id(head, path, hblob, &err);
		/* the work tree first (what a run here sends), then HEAD (what is released) */
		const char *where = NULL, *now = NULL;
		if (!lp->blob[0] ? in_tree : (!in_tree || strcmp(wblob, lp->blob)))
			where = "in the work tree", now = in_tree ? wblob : NULL;
		else if (head && (!lp->blob[0] ? in_head : (!in_head || strcmp(hblob, lp->blob))))
			where = "at HEAD", now = in_head ? hblob : NULL;
		if (!where)
			continue;
		if (!lp->blob[0])
			snprintf(msg, n,
				 "%s, which %s@%s includes, did not exist when it was pinned (it "
				 "rendered as nothing) and now does %s: what the pinned version "
				 "sends changed; remove it, or release the change as a new version "
				 "(llmops prompt new %s) and pin that",
				 path, e->name, e->version, where, e->name);
		else if (!now)
			snprintf(msg, n,
				 "%s, which %s@%s includes, is gone %s: the pinned version would "
				 "render without it; restore it (git checkout %.12s -- %s)",
				 path, e->name, e->version, where, e->commit, path);
		else
			snprintf(msg, n,
				 "%s, which %s@%s includes, changed %s after the pin (blob %.12s, "
				 "pinned %.12s): what the pinned version sends changed; revert it, "
				 "or release the change as a new version (llmops prompt new %s) "
				 "and pin that",
				 path, e->name, e->version, where, now, lp->blob, e->name);
		return LLMOPS_PIN_PARTIAL;
	}
	return LLMOPS_PIN_OK;
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
	if (!problem)
		problem = check_partials(s, head, e, msg, n);
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
