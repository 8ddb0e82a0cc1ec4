/*
 * eval_bias.c - `llmops eval --bias ATTR[,ATTR]`: the dataset's cases with
 * their counterfactuals (lib/dataset/counterfactual.h) written under
 * .llmops/bias/ and run in their place; the gaps come from the engine.
 */
#include "llmops.h"

#include "eval_cmd.h"
#include "eval_opts.h"

#include "atomicfile.h"
#include "counterfactual.h"
#include "workspace.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int eval_load_project_json(const char *root, const char *sub, const char *who, eval_json_fn add,
			   void *ud)
{
	struct llmops_err err = {0};
	struct llmops_strlist files = LLMOPS_STRLIST_INIT;
	char dir[4096];
	int rc = 0;
	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json"))
			llmops_strlist_append(&files, e->d_name);
	}
	if (d)
		closedir(d);
	if (files.nr)
		qsort(files.items, files.nr, sizeof(*files.items), cmp_name);
	for (size_t i = 0; !rc && i < files.nr; i++) {
		struct llmops_buf text = LLMOPS_BUF_INIT;
		char rel[4200], full[8400];
		snprintf(rel, sizeof(rel), "%s/%s", sub, files.items[i]);
		snprintf(full, sizeof(full), "%s/%s", root, rel);
		if (llmops_buf_read_file(&text, full)) {
			llmops_error("eval %s: cannot read %s: %s", who, rel, strerror(errno));
			rc = LLMOPS_EXIT_USAGE;
		} else if (add(ud, text.data ? text.data : "", text.len, rel, &err)) {
			rc = llmops_report(&err);
		}
		llmops_buf_release(&text);
	}
	llmops_strlist_release(&files);
	return rc;
}

static int add_pairs(void *ud, const char *text, size_t len, const char *label,
		     struct llmops_err *err)
{
	return llmops_swaps_add_json(ud, text, len, label, err);
}

/* The built-in pairs and the project's (ROOT/prompts/_bias/NAME.json, in name order). */
static int load_pairs(const char *root, struct llmops_swaps *s)
{
	struct llmops_err err = {0};
	if (llmops_swaps_builtin(s, &err))
		return llmops_report(&err);
	return eval_load_project_json(root, "prompts/_bias", "--bias", add_pairs, s);
}

/* "a,b" or "all" into attrs. */
static void split_attrs(const char *spec, const struct llmops_swaps *s,
			struct llmops_strlist *attrs)
{
	if (strcmp(spec, "all")) {
		llmops_strlist_split(attrs, spec, ',');
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		llmops_strlist_append(attrs, s->a[i].name);
}

/* ROOT/.llmops/bias/BASE.jsonl: the dataset's own name (a prompt named like it still pairs). */
static char *bias_path(const char *root, const char *dataset)
{
	const char *base = strrchr(dataset, '/');
	base = base ? base + 1 : dataset;
	size_t n = strcspn(base, ".");
	char *path = NULL;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/.llmops", root);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/.llmops/bias", root);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return NULL;
	if (asprintf(&path, "%s/%.*s.jsonl", dir, (int)n, base) < 0)
		return NULL;
	return path;
}

int eval_bias(struct eval_host *h, struct eval_opts *o)
{
	struct llmops_workspace *ws;
	struct llmops_swaps s = {0};
	struct llmops_dataset d = {0};
	struct llmops_buf text = LLMOPS_BUF_INIT, out = LLMOPS_BUF_INIT;
	struct llmops_counterfactual_stats st;
	struct llmops_err err = {0};
	char *path = NULL;
	int rc;
	if (!o->dataset || o->production) {
		llmops_error("eval --bias: give the --dataset whose cases are swapped (not with "
			     "--production)");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = llmops_ctx_workspace(h->ctx, &ws)) || (rc = load_pairs(ws->root, &s)))
		goto out;
	split_attrs(o->bias, &s, &o->bias_attrs);
	if (llmops_buf_read_file(&text, o->dataset)) {
		llmops_error("eval --bias: cannot read dataset '%s': %s", o->dataset,
			     strerror(errno));
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (llmops_dataset_parse(&d, o->dataset, text.data ? text.data : "", text.len, &err) ||
	    llmops_counterfactual_jsonl(&d, &s, &o->bias_attrs, &out, &st, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	if (!st.made) {
		llmops_error("eval --bias: no case of %s holds a word of %s (the pairs are in "
			     "llmops's bias list %s and prompts/_bias/): nothing to compare",
			     o->dataset, o->bias, s.version);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (!(path = bias_path(ws->root, o->dataset))) {
		llmops_error("eval --bias: cannot make %s/.llmops/bias: %s", ws->root,
			     strerror(errno));
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if (llmops_write_atomic(path, out.data, out.len, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	fprintf(stderr,
		"llmops: eval --bias: %ld of %ld cases hold words of %s: %ld counterfactual "
		"case%s beside them (bias list %s) in %s%s\n",
		st.paired, st.cases, o->bias, st.made, st.made == 1 ? "" : "s", s.version, path,
		st.recorded ? "; their recorded outputs left out, every case is asked" : "");
	free(o->bias_dataset);
	o->bias_dataset = path;
	o->dataset = path;
	path = NULL;
out:
	free(path);
	llmops_buf_release(&text);
	llmops_buf_release(&out);
	llmops_dataset_release(&d);
	llmops_swaps_release(&s);
	return rc;
}
