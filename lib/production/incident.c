/*
 * incident.c - a failed result or a production record made into a dataset
 * case (incident.h).
 */
#include "incident.h"

#include "buf.h"
#include "dataset.h"
#include "dataset_log.h"
#include "hash.h"
#include "rundata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An accepted review of result rid (its output is then the right answer): its id, else 0. */
static int64_t accepted_review(struct llmops_ledger *lg, const char *run_id, int64_t rid,
			       struct llmops_err *err, int *rc)
{
	struct llmops_review **v = NULL;
	size_t n = 0;
	int64_t id = 0;
	if ((*rc = llmops_ledger_reviews_list(lg, "accepted", run_id, &v, &n, err)))
		return 0;
	for (size_t i = 0; i < n && !id; i++)
		if (v[i]->result_id == rid)
			id = v[i]->id;
	llmops_reviews_free(v, n);
	return id;
}

/* The dataset version whose content hashes to sha (the work tree's file, else one in its
   history): its bytes in text, parsed into d; from says which. */
static int dataset_version(struct llmops_store *s, const char *path, const char *sha,
			   struct llmops_buf *text, struct llmops_dataset *d,
			   struct llmops_incident_from *from, struct llmops_err *err)
{
	struct llmops_dataset_history h = {0};
	char full[4200], hex[LLMOPS_SHA256_HEX_LEN + 1], label[4300];
	int rc;
	snprintf(from->dataset, sizeof(from->dataset), "%s", path);
	snprintf(full, sizeof(full), "%s/%s", llmops_store_root(s), path);
	if (llmops_sha256_file_hex(hex, full) && !strcmp(hex, sha) &&
	    !llmops_buf_read_file(text, full)) {
		snprintf(from->version, sizeof(from->version), "work tree");
		return llmops_dataset_parse(d, path, text->data ? text->data : "", text->len, err);
	}
	if ((rc = llmops_dataset_history(s, path, &h, err)))
		return rc == LLMOPS_E_NOTFOUND ? llmops_err_set(err, rc,
								"the run's dataset %s is neither "
								"in the work tree nor in git",
								path)
					       : rc;
	rc = LLMOPS_E_NOTFOUND;
	for (size_t i = 0; i < h.n && rc == LLMOPS_E_NOTFOUND; i++) {
		const struct llmops_dataset_version *v = &h.v[i];
		if (strcmp(v->sha256, sha) || !v->commit[0])
			continue;
		if ((rc = llmops_store_read_blob(s, v->blob, text, err)))
			break;
		snprintf(from->version, sizeof(from->version), "%.12s", v->commit);
		snprintf(label, sizeof(label), "%.12s:%s", v->commit, path);
		rc = llmops_dataset_parse(d, label, text->data ? text->data : "", text->len, err);
	}
	if (rc == LLMOPS_E_NOTFOUND)
		llmops_err_set(err, rc,
			       "the version of %s the run used (sha256 %.12s) is neither the work "
			       "tree's nor a committed one: the case cannot be rebuilt",
			       path, sha);
	llmops_dataset_history_release(&h);
	return rc;
}

/* The result of the case to take from d: its first that did not pass, else its first. */
static const struct llmops_result *pick(const struct llmops_run_data *d, const char *case_id)
{
	const struct llmops_result *first = NULL;
	for (size_t i = 0; i < d->n; i++) {
		const struct llmops_result *r = &d->results[i];
		if (strcmp(r->case_id, case_id))
			continue;
		if (r->passed != 1)
			return r;
		if (!first)
			first = r;
	}
	return first;
}

/* The case c of a dataset whose bytes are text, as the file writes it (its keys in their
   order, variables inside "vars" or not), without what was recorded of an answer: the new
   case is sent again, not replayed.  A CSV row: its variables as keys of their own. */
static cJSON *case_object(const struct llmops_buf *text, const struct llmops_case *c)
{
	cJSON *obj = c->span && c->off + c->span <= text->len
			     ? cJSON_ParseWithLength(text->data + c->off, c->span)
			     : NULL,
	      *m;
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		obj = cJSON_Duplicate(c->fields, 1);
		cJSON_ArrayForEach (m, c->vars)
			if (cJSON_HasObjectItem(obj,
						m->string)) /* a reserved name: keep it apart */
				break;
		if (m)
			cJSON_AddItemToObject(obj, "vars", cJSON_Duplicate(c->vars, 1));
		else
			cJSON_ArrayForEach (m, c->vars)
				cJSON_AddItemToObject(obj, m->string, cJSON_Duplicate(m, 1));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "output");
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "recorded");
	return obj;
}

/* RUN:CASE: the case as its dataset holds it, without what was recorded of an answer. */
static int from_result(struct llmops_ledger *lg, struct llmops_store *s,
		       const struct llmops_incident_opts *o, const char *colon, cJSON **out,
		       struct llmops_incident_from *from, struct llmops_err *err)
{
	char ref[64];
	struct llmops_run_data *rd = NULL;
	struct llmops_dataset d = {0};
	struct llmops_buf text = LLMOPS_BUF_INIT;
	const struct llmops_result *r;
	const struct llmops_case *c = NULL;
	int rc;
	snprintf(ref, sizeof(ref), "%.*s", (int)(colon - o->source), o->source);
	snprintf(from->case_id, sizeof(from->case_id), "%s", colon + 1);
	if ((rc = llmops_run_data_load(lg, ref, &rd, err)))
		return rc;
	snprintf(from->run, sizeof(from->run), "%s", rd->run->id);
	if (!(r = pick(rd, colon + 1))) {
		char some[400] = "";
		size_t k = 0;
		for (size_t i = 0; i < rd->n && k < 5; i++) {
			if (i && !strcmp(rd->results[i].case_id, rd->results[i - 1].case_id))
				continue; /* its other variants and repeats */
			size_t at = strlen(some);
			snprintf(some + at, sizeof(some) - at, "%s%.60s", k++ ? ", " : "",
				 rd->results[i].case_id);
		}
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "run %s has no case '%s' (it has %s%s)",
				    rd->run->id, colon + 1, rd->n ? some : "none",
				    k == 5 && rd->n > 5 ? ", ..." : "");
		goto out;
	}
	from->passed = r->passed;
	if (!rd->run->dataset_path || !rd->run->dataset_sha256) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "run %s recorded no dataset",
				    rd->run->id);
		goto out;
	}
	if ((rc = dataset_version(s, rd->run->dataset_path, rd->run->dataset_sha256, &text, &d,
				  from, err)))
		goto out;
	for (size_t i = 0; i < d.n && !c; i++)
		if (!strcmp(d.cases[i].id, r->case_id))
			c = &d.cases[i];
	if (!c) {
		rc = llmops_err_set(err, LLMOPS_E_NOTFOUND, "%s (%s) has no case '%s'",
				    from->dataset, from->version, r->case_id);
		goto out;
	}
	cJSON *obj = case_object(&text, c);
	int64_t review = o->expected ? 0 : accepted_review(lg, rd->run->id, r->id, err, &rc);
	if (rc) {
		cJSON_Delete(obj);
		goto out;
	}
	if (o->expected || review) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "expected");
		cJSON_AddStringToObject(obj, "expected", o->expected ? o->expected : r->output);
		if (o->expected)
			snprintf(from->expected, sizeof(from->expected), "--expected");
		else
			snprintf(from->expected, sizeof(from->expected), "review %lld",
				 (long long)review);
	} else if (cJSON_HasObjectItem(obj, "expected") || cJSON_HasObjectItem(obj, "assert")) {
		snprintf(from->expected, sizeof(from->expected), "the case");
	} else {
		cJSON_Delete(obj);
		rc = llmops_err_set(err, LLMOPS_E_USAGE,
				    "case '%s' has no expected answer or assertions: give "
				    "--expected TEXT (or accept a review of the result first)",
				    r->case_id);
		goto out;
	}
	*out = obj;
out:
	llmops_buf_release(&text);
	llmops_dataset_release(&d);
	llmops_run_data_free(rd);
	return rc;
}

struct record {
	const struct llmops_incident_opts *o;
	struct llmops_incident_from *from;
	cJSON *obj;
	struct llmops_err *err;
};

/* A case id from a record key: prod- and the key's text past its kind, in safe characters. */
static void record_id(char *out, size_t n, const char *key)
{
	const char *p = strchr(key, ':');
	size_t k = (size_t)snprintf(out, n, "prod-");
	for (p = p ? p + 1 : key; *p && k + 1 < n && k < 5 + 24; p++)
		out[k++] = isalnum((unsigned char)*p) || strchr("._-", *p) ? *p : '_';
	out[k] = 0;
}

static int on_record(const struct llmops_prod_row *row, void *ud)
{
	struct record *rec = ud;
	cJSON *msgs = row->input ? cJSON_Parse(row->input) : NULL;
	const char *expected = rec->o->expected ? rec->o->expected : row->expected;
	char id[64];
	if (!cJSON_IsArray(msgs)) {
		cJSON_Delete(msgs);
		return llmops_err_set(rec->err, LLMOPS_E_NOTFOUND,
				      "record %s kept no request messages to make a case of",
				      row->record_key);
	}
	if (!expected) {
		cJSON_Delete(msgs);
		return llmops_err_set(rec->err, LLMOPS_E_USAGE,
				      "record %s has no reference answer: give --expected TEXT",
				      row->record_key);
	}
	record_id(id, sizeof(id), row->record_key);
	snprintf(rec->from->case_id, sizeof(rec->from->case_id), "%s",
		 row->case_id ? row->case_id : "");
	snprintf(rec->from->expected, sizeof(rec->from->expected), "%s",
		 rec->o->expected ? "--expected" : "reference");
	rec->obj = cJSON_CreateObject();
	cJSON_AddStringToObject(rec->obj, "id", id);
	cJSON_AddItemToObject(rec->obj, "messages", msgs);
	cJSON_AddStringToObject(rec->obj, "expected", expected);
	return LLMOPS_OK;
}

int llmops_incident_case(struct llmops_ledger *lg, struct llmops_store *s,
			 const struct llmops_incident_opts *o, cJSON **out,
			 struct llmops_incident_from *from, struct llmops_err *err)
{
	const char *colon = o->source ? strchr(o->source, ':') : NULL;
	int rc;
	*out = NULL;
	memset(from, 0, sizeof(*from));
	if (!colon || colon == o->source || !colon[1])
		return llmops_err_set(err, LLMOPS_E_USAGE,
				      "--from '%s': name a result as RUN:CASE (a run as 'llmops "
				      "show' names it, e.g. last:c07) or a production record "
				      "as id:ID or sha256:HEX",
				      o->source ? o->source : "");
	if (!strncmp(o->source, "id:", 3) || !strncmp(o->source, "sha256:", 7)) {
		struct record r = {o, from, NULL, err};
		snprintf(from->record, sizeof(from->record), "%s", o->source);
		if ((rc = llmops_ledger_prod_record(lg, o->source, on_record, &r, err)))
			return rc;
		*out = r.obj;
	} else if ((rc = from_result(lg, s, o, colon, out, from, err))) {
		return rc;
	}
	/* the id first, then the rest as the case had them: --id, the case's own, or the id
	   eval gave a case without one (its place) */
	const cJSON *had = cJSON_GetObjectItemCaseSensitive(*out, "id");
	cJSON *c = cJSON_CreateObject(), *m;
	if (o->id)
		cJSON_AddStringToObject(c, "id", o->id);
	else if (had)
		cJSON_AddItemToObject(c, "id", cJSON_Duplicate(had, 1));
	else
		cJSON_AddStringToObject(c, "id", from->case_id);
	cJSON_ArrayForEach (m, *out)
		if (strcmp(m->string, "id"))
			cJSON_AddItemToObject(c, m->string, cJSON_Duplicate(m, 1));
	cJSON_Delete(*out);
	*out = c;
	return c && cJSON_GetArraySize(c) ? LLMOPS_OK
					  : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
}
