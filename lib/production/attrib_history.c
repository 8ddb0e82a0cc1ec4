/*
 * attrib_history.c - matchers for every version prompts.lock has pinned in
 * git history (attrib.h), so that records logged before a promote or a
 * rollback, and ingested after it, keep the version that served them.
 */
#include "attrib.h"

#include "bundle.h"
#include "lock.h"
#include "store.h"
#include "strlist.h"

#include <string.h>

/* The lock as committed at commit (when it has one that parses and whose texts are there)
   into a's versions; what cannot be read is passed over: an old lock is history, not input. */
static void add_commit(struct llmops_attrib *a, struct llmops_store *s, const char *commit,
		       char last_blob[LLMOPS_OID_HEX], size_t *added)
{
	struct llmops_snapshot *snap = NULL;
	struct llmops_err e = {0};
	struct llmops_buf text = LLMOPS_BUF_INIT;
	struct llmops_lock lock;
	char blob[LLMOPS_OID_HEX];
	cJSON *b = NULL;

	memset(&lock, 0, sizeof(lock));
	if (llmops_snapshot_open(&snap, s, commit, &e) ||
	    llmops_snapshot_blob_id(snap, LLMOPS_LOCK_FILE, blob, &e) || !strcmp(blob, last_blob))
		goto out;
	memcpy(last_blob, blob, LLMOPS_OID_HEX);
	if (llmops_snapshot_read(snap, LLMOPS_LOCK_FILE, &text, NULL, &e) ||
	    llmops_lock_parse(&lock, text.data ? text.data : "", text.len, LLMOPS_LOCK_FILE, &e) ||
	    llmops_bundle_make(s, &lock, commit, &b, &e))
		goto out;
	size_t before = llmops_attrib_count(a);
	if (!llmops_attrib_add(a, b, &e))
		*added += llmops_attrib_count(a) - before;
out:
	cJSON_Delete(b);
	llmops_lock_release(&lock);
	llmops_buf_release(&text);
	llmops_snapshot_free(snap);
}

int llmops_attrib_from_history(struct llmops_attrib **out, struct llmops_store *s,
			       const cJSON *current, size_t max, size_t *from_history,
			       struct llmops_err *err)
{
	struct llmops_strlist commits = LLMOPS_STRLIST_INIT;
	struct llmops_attrib *a = NULL;
	struct llmops_err e = {0};
	char last_blob[LLMOPS_OID_HEX] = "";
	int rc;

	*out = NULL;
	*from_history = 0;
	if ((rc = llmops_attrib_new(&a, current, err)))
		return rc;
	if (!llmops_store_ancestors(s, "HEAD", max, &commits, &e))
		for (size_t i = 0; i < commits.nr; i++)
			add_commit(a, s, commits.items[i], last_blob, from_history);
	llmops_strlist_release(&commits);
	if (!llmops_attrib_count(a)) {
		llmops_attrib_free(a);
		a = NULL;
	}
	*out = a;
	return 0;
}
