/*
 * lint_project.c - rules that need more than one file: versions of a
 * family (duplicates, pins), a prompt against its datasets (variables,
 * rendered size), and "latest" in prompts.lock and llmops.json.
 */
#include "internal.h"
#include "promptref.h"

#include "json.h"
#include "models.h"
#include "pincheck.h"
#include "pricing.h"
#include "tokenizer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lint_read_lock(struct llmops_lint *l)
{
	struct llmops_buf path = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	int exists = 0;

	if (l->lock_read)
		return;
	l->lock_read = 1;
	llmops_buf_addf(&path, "%s/%s", l->opts.root, LLMOPS_LOCK_FILE);
	if (path.oom || llmops_lock_read(&l->lock, path.data, &exists, &err))
		llmops_lock_release(&l->lock); /* broken: lint_lock_file says why */
	llmops_buf_release(&path);
}

/* ---------------------------------------------------------------- "latest" */

static void find_latest(struct llmops_lint *l, const struct lint_file *f, const cJSON *node,
			const char **steps, size_t depth)
{
	char idx[32];
	size_t i = 0;

	if (depth >= 32)
		return;
	if (cJSON_IsString(node) && depth &&
	    (!strcasecmp(node->valuestring, "latest") ||
	     llmops_str_ends_with(node->valuestring, "@latest"))) {
		int line, col;

		llmops_json_locate(f->text, f->len, steps, depth, 0, &line, &col);
		lint_report(l, f, line, col, LR_VERSION_LATEST,
			    "'%s' is not a version: \"latest\" changes under you, so runs cannot "
			    "be compared; name a version (vMAJOR.MINOR.PATCH) or pin one",
			    node->valuestring);
		return;
	}
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		if (c->string && c->string[0] == '$')
			continue;
		snprintf(idx, sizeof(idx), "%zu", i);
		steps[depth] = c->string ? c->string : idx;
		find_latest(l, f, c, steps, depth + 1);
	}
}

void lint_config_file(struct llmops_lint *l, struct lint_file *f)
{
	const char *steps[32];
	cJSON *root = NULL;
	struct llmops_err err = {0};

	/* a malformed llmops.json stops the command before the run (it holds lint's settings) */
	if (llmops_json_parse(&root, f->text, f->len, f->path, &err))
		return;
	find_latest(l, f, root, steps, 0);
	cJSON_Delete(root);
}

void lint_lock_file(struct llmops_lint *l, struct lint_file *f)
{
	const char *steps[32];
	cJSON *root = NULL;
	struct llmops_err err = {0};
	struct llmops_lock lock = {0};
	size_t before = l->nf;

	if (llmops_json_parse(&root, f->text, f->len, f->path, &err)) {
		lint_report_err(l, f, LR_VERSION_PINNED, &err);
		return;
	}
	find_latest(l, f, root, steps, 0);
	cJSON_Delete(root);
	if (llmops_lock_parse(&lock, f->text, f->len, f->path, &err) && l->nf == before)
		lint_report_err(l, f, LR_VERSION_PINNED, &err);
	llmops_lock_release(&lock);
}

/* ---------------------------------------------------------------- versions */

static const struct lint_prompt *sort_prompts;

static int cmp_version(const void *a, const void *b)
{
	const struct lint_prompt *x = &sort_prompts[*(const size_t *)a];
	const struct lint_prompt *y = &sort_prompts[*(const size_t *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : llmops_semver_cmp(&x->sv, &y->sv);
}

static int cmp_hash(const void *a, const void *b)
{
	const struct lint_prompt *x = &sort_prompts[*(const size_t *)a];
	const struct lint_prompt *y = &sort_prompts[*(const size_t *)b];
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return llmops_semver_cmp(&x->sv, &y->sv);
}

static int versions(struct llmops_lint *l)
{
	size_t *ix = l->nprompts ? malloc(l->nprompts * sizeof(*ix)) : NULL;

	if (l->nprompts && !ix)
		return LLMOPS_E_NOMEM;
	for (size_t i = 0; i < l->nprompts; i++)
		ix[i] = i;
	sort_prompts = l->prompts;
	if (l->nprompts)
		qsort(ix, l->nprompts, sizeof(*ix), cmp_version);
	for (size_t i = 0; i < l->nprompts; i++) {
		struct lint_prompt *lp = &l->prompts[ix[i]];
		const struct llmops_lock_entry *e =
			lp->name[0] ? llmops_lock_find(&l->lock, lp->name) : NULL;

		if (!lp->name[0])
			continue;
		lp->is_newest =
			i + 1 == l->nprompts || strcmp(l->prompts[ix[i + 1]].name, lp->name);
		lp->is_pinned = e && !strcmp(e->version, lp->version);
	}
	if (l->nprompts)
		qsort(ix, l->nprompts, sizeof(*ix), cmp_hash);
	for (size_t i = 1, first = 0; i < l->nprompts; i++) {
		const struct lint_prompt *a = &l->prompts[ix[first]], *b = &l->prompts[ix[i]];

		if (!b->name[0] || !b->p || strcmp(a->name, b->name) || a->hash != b->hash ||
		    !a->p) {
			first = i;
			continue;
		}
		lint_report(l, b->file, 1, 1, LR_VERSION_DUPLICATE,
			    "%s@%s has the same text as %s (apart from its version); a new version "
			    "should change something",
			    b->name, b->version, a->version);
	}
	free(ix);
	return LLMOPS_OK;
}

static int linted(const struct llmops_lint *l, const char *path)
{
	for (size_t i = 0; i < l->nfiles; i++)
		if (!strcmp(l->files[i]->path, path))
			return 1;
	return 0;
}

static int pins(struct llmops_lint *l, struct llmops_err *err)
{
	struct llmops_snapshot *head = NULL;
	struct llmops_catalog cat = {0};
	struct lint_file lockf = {0};
	struct llmops_buf lock_text = LLMOPS_BUF_INIT;
	int cat_loaded = 0, rc, lock_linted = linted(l, LLMOPS_LOCK_FILE);

	if (!l->opts.store || !l->lock.n || !lint_on(l, LR_VERSION_PINNED))
		return LLMOPS_OK;
	rc = llmops_snapshot_open(&head, l->opts.store, NULL, err);
	if (rc && rc != LLMOPS_E_NOTFOUND)
		return rc;
	lockf.path = (char *)LLMOPS_LOCK_FILE;
	for (size_t i = 0; i < l->lock.n; i++) {
		const struct llmops_lock_entry *e = &l->lock.e[i];
		char msg[1200];
		int kind, line = 1, col = 1;

		if (!lock_linted && !linted(l, e->path))
			continue;
		kind = llmops_pin_check(l->opts.store, head, e, &cat, &cat_loaded, msg,
					sizeof(msg));
		if (kind == LLMOPS_PIN_OK)
			continue;
		if (!lock_text.len) { /* read once, for the positions of the entries */
			struct llmops_buf path = LLMOPS_BUF_INIT;

			llmops_buf_addf(&path, "%s/%s", l->opts.root, LLMOPS_LOCK_FILE);
			if (!path.oom)
				llmops_buf_read_file(&lock_text, path.data);
			llmops_buf_release(&path);
		}
		if (lock_text.len) {
			const char *steps[2] = {"prompts", e->name};

			llmops_json_locate(lock_text.data, lock_text.len, steps, 2, 1, &line, &col);
		}
		lint_report(l, &lockf, line, col, LR_VERSION_PINNED, "%s (prompt verify: %s)", msg,
			    llmops_pin_problem_name(kind));
	}
	llmops_buf_release(&lock_text);
	llmops_catalog_release(&cat);
	llmops_snapshot_free(head);
	return LLMOPS_OK;
}

/* ---------------------------------------------------------------- partials */

static int read_partial(struct llmops_lint *l, const char *name, struct llmops_buf *text,
			struct llmops_buf *label)
{
	struct llmops_buf path = LLMOPS_BUF_INIT;
	int rc;

	if (strstr(name, "..") || name[0] == '/')
		return LLMOPS_E_NOTFOUND;
	llmops_buf_addf(&path, "%s/%s/%s.txt", l->opts.root, LLMOPS_PARTIALS_DIR, name);
	llmops_buf_reset(label);
	llmops_buf_addf(label, "%s/%s.txt", LLMOPS_PARTIALS_DIR, name);
	rc = path.oom ? LLMOPS_E_NOMEM : llmops_buf_read_file(text, path.data);
	llmops_buf_release(&path);
	return rc ? LLMOPS_E_NOTFOUND : LLMOPS_OK;
}

static int partial_loader(void *ud, const char *name, struct llmops_buf *src,
			  struct llmops_buf *label, struct llmops_err *err)
{
	(void)err;
	llmops_buf_reset(src);
	return read_partial(ud, name, src, label);
}

struct partial_vars {
	struct llmops_lint *l;
	struct llmops_strlist *vars;
	int depth;
};

static int partial_vars_tag(void *ud, const struct llmops_tag *t)
{
	struct partial_vars *pv = ud;
	struct llmops_buf text = LLMOPS_BUF_INIT, label = LLMOPS_BUF_INIT;
	struct llmops_template *tmpl = NULL;
	struct llmops_err err = {0};

	if (t->kind != LLMOPS_TAG_PARTIAL || pv->depth > 8)
		return 0;
	if (!read_partial(pv->l, t->name, &text, &label) &&
	    !llmops_template_parse(&tmpl, text.data, text.len, label.data, 1, 1, &err)) {
		struct partial_vars sub = {pv->l, pv->vars, pv->depth + 1};

		llmops_template_variables(tmpl, pv->vars);
		llmops_template_tags(tmpl, partial_vars_tag, &sub);
	}
	llmops_template_free(tmpl);
	llmops_buf_release(&text);
	llmops_buf_release(&label);
	return 0;
}

/* ---------------------------------------------------------------- datasets */

static int forced_dataset(const struct llmops_lint *l, const char *path)
{
	return l->opts.datasets && llmops_strlist_find(l->opts.datasets, path) >= 0;
}

/* The datasets a prompt is checked against; extra holds ones loaded from evals/ for it. */
static size_t datasets_for(struct llmops_lint *l, const char *name,
			   const struct llmops_dataset **out, size_t max,
			   struct llmops_dataset *extra)
{
	static const char *const exts[] = {"json", "jsonl", "csv"};
	size_t n = 0;

	/* a judge's rubric is rendered with the engine's variables (input, output, expected,
	   context), never with a dataset's own: --dataset is not its dataset */
	if (!strncmp(name, LLMOPS_JUDGES_DIR "/", sizeof(LLMOPS_JUDGES_DIR)))
		return 0;
	for (size_t i = 0; i < l->ndatasets && n < max; i++) {
		struct lint_dataset *d = &l->datasets[i];

		if (d->ok && (l->opts.datasets && l->opts.datasets->nr
				      ? forced_dataset(l, d->file->path)
				      : name[0] && llmops_dataset_pairs(d->file->path, name)))
			out[n++] = &d->ds;
	}
	if (n || !name[0] || (l->opts.datasets && l->opts.datasets->nr))
		return n;
	for (size_t i = 0; i < 3; i++) {
		struct llmops_buf path = LLMOPS_BUF_INIT;
		struct llmops_err err = {0};

		llmops_buf_addf(&path, "%s/evals/%s.%s", l->opts.root, name, exts[i]);
		if (!path.oom && !llmops_dataset_load(extra, path.data, &err)) {
			out[n++] = extra;
			llmops_buf_release(&path);
			return n;
		}
		llmops_dataset_release(extra);
		llmops_buf_release(&path);
	}
	return n;
}

/* ---------------------------------------------------------------- variables */

struct first_use {
	const char *var;
	int line, col, found;
};

static int first_use_tag(void *ud, const struct llmops_tag *t)
{
	struct first_use *u = ud;
	size_t n = strlen(u->var);

	if ((t->kind == LLMOPS_TAG_VARIABLE || t->kind == LLMOPS_TAG_SECTION ||
	     t->kind == LLMOPS_TAG_INVERTED) &&
	    !strncmp(t->name, u->var, n) && (t->name[n] == '\0' || t->name[n] == '.')) {
		u->line = t->line;
		u->col = t->col;
		u->found = 1;
		return 1;
	}
	return 0;
}

/* Where var is first used in lp: in a .json prompt, the message's content. */
static void var_position(const struct lint_prompt *lp, const char *var, int *line, int *col)
{
	const struct llmops_prompt *p = lp->p;

	*line = *col = 1;
	for (size_t i = 0; i < p->nmsgs; i++) {
		struct first_use u = {var, 0, 0, 0};

		llmops_template_tags(p->msgs[i].tmpl, first_use_tag, &u);
		if (!u.found)
			continue;
		if (p->json) {
			lint_json_content_pos(lp->file, p, i, u.line, u.col, line, col);
		} else {
			*line = u.line;
			*col = u.col;
		}
		return;
	}
}

static int provided_vars(const struct llmops_dataset *const *ds, size_t nds,
			 struct llmops_strlist *out)
{
	for (size_t d = 0; d < nds; d++)
		for (size_t i = 0; i < ds[d]->n; i++)
			for (const cJSON *k = ds[d]->cases[i].vars->child; k; k = k->next)
				if (llmops_strlist_find(out, k->string) < 0 &&
				    llmops_strlist_append(out, k->string))
					return LLMOPS_E_NOMEM;
	return LLMOPS_OK;
}

static int used_vars(struct llmops_lint *l, const struct llmops_prompt *p,
		     struct llmops_strlist *out)
{
	if (llmops_prompt_variables(p, out))
		return LLMOPS_E_NOMEM;
	for (size_t i = 0; i < p->nmsgs; i++) {
		struct partial_vars pv = {l, out, 0};

		llmops_template_tags(p->msgs[i].tmpl, partial_vars_tag, &pv);
	}
	return LLMOPS_OK;
}

static void undefined_vars(struct llmops_lint *l, const struct lint_prompt *lp,
			   const struct llmops_strlist *used, const struct llmops_strlist *given,
			   const struct llmops_dataset *const *ds, size_t nds)
{
	for (size_t i = 0; i < used->nr; i++) {
		int line, col;

		if (llmops_strlist_find(given, used->items[i]) >= 0)
			continue;
		var_position(lp, used->items[i], &line, &col);
		lint_report(
			l, lp->file, line, col, LR_VARIABLE_UNDEFINED,
			"{{%s}} is used, but no case of %s%s provides '%s'; add it to the cases "
			"or drop it from the template",
			used->items[i], ds[0]->label, nds > 1 ? " (or the other datasets)" : "",
			used->items[i]);
	}
}

/* Dataset variables no checked version of its prompt uses, once per dataset. */
static int unused_vars(struct llmops_lint *l)
{
	for (size_t d = 0; d < l->ndatasets; d++) {
		struct lint_dataset *ld = &l->datasets[d];
		struct llmops_strlist used = LLMOPS_STRLIST_INIT, given = LLMOPS_STRLIST_INIT;
		const struct llmops_dataset *one = &ld->ds;
		const char *who = NULL;
		int any = 0;

		if (!ld->ok || !lint_on(l, LR_VARIABLE_UNUSED))
			continue;
		for (size_t i = 0; i < l->nprompts; i++) {
			struct lint_prompt *lp = &l->prompts[i];

			if (!lp->p || !lp->checked)
				continue;
			if (!(l->opts.datasets && l->opts.datasets->nr
				      ? forced_dataset(l, ld->file->path)
				      : lp->name[0] &&
						llmops_dataset_pairs(ld->file->path, lp->name)))
				continue;
			any = 1;
			who = lp->name[0] ? lp->name : lp->file->path;
			for (size_t k = 0; k < lp->used.nr; k++)
				if (llmops_strlist_find(&used, lp->used.items[k]) < 0)
					llmops_strlist_append(&used, lp->used.items[k]);
		}
		if (any && provided_vars(&one, 1, &given) == LLMOPS_OK) {
			for (size_t k = 0; k < given.nr; k++) {
				int line = 1, col = 1;

				if (llmops_strlist_find(&used, given.items[k]) >= 0)
					continue;
				for (size_t c = 0; c < ld->ds.n; c++)
					if (cJSON_GetObjectItemCaseSensitive(ld->ds.cases[c].vars,
									     given.items[k])) {
						line = ld->ds.cases[c].line;
						break;
					}
				lint_report(
					l, ld->file, line, col, LR_VARIABLE_UNUSED,
					"variable '%s' is never used by %s; drop it or use it as "
					"{{%s}}",
					given.items[k], who, given.items[k]);
			}
		}
		llmops_strlist_release(&used);
		llmops_strlist_release(&given);
	}
	return LLMOPS_OK;
}

/* ---------------------------------------------------------------- size */

static struct llmops_tokenizer *tokenizer(struct llmops_lint *l, const char *encoding)
{
	int i = strcmp(encoding, "cl100k_base") ? 1 : 0;
	struct llmops_err err = {0};

	if (!l->tok[i] && llmops_tokenizer_open(&l->tok[i], encoding, &err))
		return NULL;
	return l->tok[i];
}

static long budget_for(const struct llmops_lint *l, const char *name)
{
	const cJSON *b = l->budget;

	if (cJSON_IsNumber(b))
		return llmops_json_long(b, 0, LONG_MAX / 2, 0);
	if (!cJSON_IsObject(b))
		return 0;
	const cJSON *v = name[0] ? cJSON_GetObjectItemCaseSensitive(b, name) : NULL;

	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(b, "*");
	return llmops_json_long(v, 0, LONG_MAX / 2, 0);
}

static const cJSON *default_provider(const struct llmops_lint *l, const char *key)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(l->opts.config, "providers");

	p = cJSON_GetObjectItemCaseSensitive(p, "default");
	return cJSON_GetObjectItemCaseSensitive(p, key);
}

static size_t rendered_bytes(const cJSON *msgs)
{
	size_t n = 0;
	const cJSON *m;

	cJSON_ArrayForEach (m, msgs) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "content");

		n += cJSON_IsString(c) ? strlen(c->valuestring) + 16 : 16;
	}
	return n + 16;
}

static int size_rules(struct llmops_lint *l, const struct lint_prompt *lp,
		      const struct llmops_dataset *const *ds, size_t nds)
{
	const struct llmops_prompt *p = lp->p;
	const cJSON *cm = default_provider(l, "model"), *cmax = default_provider(l, "max_tokens");
	const char *model = p->meta.model	 ? p->meta.model
			    : cJSON_IsString(cm) ? cm->valuestring
						 : NULL;
	long max_tokens = p->meta.has_max_tokens ? p->meta.max_tokens
			  : cJSON_IsNumber(cmax) ? llmops_json_long(cmax, 0, LONG_MAX / 2, 0)
						 : 0;
	long budget = lint_on(l, LR_SIZE_BUDGET) ? budget_for(l, lp->name) : 0, window = 0;
	long worst = -1;
	const char *worst_case = NULL;
	const struct llmops_price *price = NULL;
	struct llmops_model_tokens mt;
	struct llmops_tokenizer *tok;
	struct llmops_err err = {0};
	struct llmops_render_opts ropts = {partial_loader, l, NULL};
	size_t total = 0;

	if (model && l->opts.prices && !llmops_pricing_find(l->opts.prices, model, &price, &err) &&
	    lint_on(l, LR_SIZE_CONTEXT))
		window = price->context_window;
	if (!window && !budget)
		return LLMOPS_OK;
	if (!model || !llmops_model_tokens(model, price ? price->provider : NULL, &mt))
		llmops_model_tokens("gpt-4o", NULL, &mt);
	if (!(tok = tokenizer(l, mt.encoding)))
		return LLMOPS_OK;
	for (size_t d = 0; d < nds; d++)
		total += ds[d]->n;
	for (size_t d = 0, k = 0; k < (total ? total : 1); k++) {
		const struct llmops_case *c = NULL;
		cJSON *msgs = NULL;
		long n = 0;
		size_t bytes;

		if (total) {
			size_t idx = k;

			for (d = 0; idx >= ds[d]->n; d++)
				idx -= ds[d]->n;
			c = &ds[d]->cases[idx];
		}
		if (llmops_prompt_render(p, c ? c->vars : NULL, &ropts, &msgs, &err)) {
			cJSON_Delete(msgs);
			continue;
		}
		bytes = rendered_bytes(msgs);
		/* a token is at least one byte: the exact count is needed only near a limit */
		if ((!window || (long)bytes + max_tokens <= window) &&
		    (!budget || (long)bytes <= budget)) {
			cJSON_Delete(msgs);
			continue;
		}
		if (!llmops_count_chat(tok, &mt, msgs, &n, &err) && n > worst) {
			worst = n;
			worst_case = c ? c->id : NULL;
		}
		cJSON_Delete(msgs);
	}
	if (worst < 0)
		return LLMOPS_OK;
	if (window && worst + max_tokens > window)
		lint_report(l, lp->file, 1, 1, LR_SIZE_CONTEXT,
			    "rendered%s%s%s, the prompt is %ld tokens (%s%s); with max_tokens %ld "
			    "that is over %s's context window of %ld",
			    worst_case ? " with case '" : "", worst_case ? worst_case : "",
			    worst_case ? "'" : "", worst, mt.encoding,
			    mt.exact ? "" : ", estimated", max_tokens, model, window);
	if (budget && worst > budget)
		lint_report(l, lp->file, 1, 1, LR_SIZE_BUDGET,
			    "rendered%s%s%s, the prompt is %ld tokens (%s%s), over the token "
			    "budget of %ld in llmops.json (lint.token_budget)",
			    worst_case ? " with case '" : "", worst_case ? worst_case : "",
			    worst_case ? "'" : "", worst, mt.encoding,
			    mt.exact ? "" : ", estimated", budget);
	return LLMOPS_OK;
}

/* ---------------------------------------------------------------- the run */

static int check_prompt(struct llmops_lint *l, struct lint_prompt *lp)
{
	const struct llmops_dataset *ds[64];
	struct llmops_dataset extra = {0};
	struct llmops_strlist given = LLMOPS_STRLIST_INIT;
	size_t nds;
	int rc;

	if (!lp->p || !(lp->is_newest || lp->is_pinned || lp->file->explicit_file))
		return LLMOPS_OK;
	lp->checked = 1;
	if ((rc = used_vars(l, lp->p, &lp->used)))
		return rc;
	nds = datasets_for(l, lp->name, ds, 64, &extra);
	if (nds && lint_on(l, LR_VARIABLE_UNDEFINED)) {
		if ((rc = provided_vars(ds, nds, &given)) == LLMOPS_OK)
			undefined_vars(l, lp, &lp->used, &given, ds, nds);
	}
	if (!rc)
		rc = size_rules(l, lp, ds, nds);
	llmops_strlist_release(&given);
	llmops_dataset_release(&extra);
	return rc;
}

int lint_project(struct llmops_lint *l, struct llmops_err *err)
{
	int rc;

	lint_read_lock(l);
	if ((rc = versions(l)))
		return rc;
	if ((rc = pins(l, err)))
		return rc;
	for (size_t i = 0; i < l->nprompts; i++)
		if ((rc = check_prompt(l, &l->prompts[i])))
			return rc;
	return unused_vars(l);
}
