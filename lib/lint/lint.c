/*
 * lint.c - the rule table, a run's files and findings, configuration, and
 * the order in which the modules see each file.
 */
#include "internal.h"

#include "mem.h"
#include "safepath.h"

#include "atomicfile.h"

#include "json.h"
#include "suggest.h"
#include "tokenizer.h"
#include "utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int llmops_lint_new(struct llmops_lint **out, const struct llmops_lint_opts *opts,
		    struct llmops_err *err)
{
	struct llmops_lint *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	l->opts = *opts;
	for (int i = 0; i < LR_COUNT; i++)
		l->sev[i] = llmops_lint_rules[i].severity;
	*out = l;
	return LLMOPS_OK;
}

static void file_free(struct lint_file *f)
{
	if (!f)
		return;
	LLMOPS_FREE_ALL(f->path, f->text, f->supp, f->cursor, f);
}

void llmops_lint_free(struct llmops_lint *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nfiles; i++)
		file_free(l->files[i]);
	free(l->files);
	for (size_t i = 0; i < l->nprompts; i++) {
		llmops_prompt_free(l->prompts[i].p);
		llmops_strlist_release(&l->prompts[i].used);
	}
	free(l->prompts);
	for (size_t i = 0; i < l->ndatasets; i++)
		llmops_dataset_release(&l->datasets[i].ds);
	free(l->datasets);
	for (size_t i = 0; i < l->nf; i++) {
		free(l->f[i].path);
		free(l->f[i].message);
	}
	free(l->f);
	cJSON_Delete(l->budget);
	llmops_tokenizer_close(l->tok[0]);
	llmops_tokenizer_close(l->tok[1]);
	llmops_lock_release(&l->lock);
	free(l);
}

void llmops_lint_set_severity(struct llmops_lint *l, int rule, int sev)
{
	if (rule >= 0 && rule < LR_COUNT)
		l->sev[rule] = sev;
}

int llmops_lint_severity(const struct llmops_lint *l, int rule)
{
	return rule >= 0 && rule < LR_COUNT ? l->sev[rule] : LLMOPS_SEV_OFF;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct llmops_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return strcmp(x->message, y->message);
}

const struct llmops_finding *llmops_lint_findings(const struct llmops_lint *l, size_t *n)
{
	*n = l->nf;
	return l->f;
}

size_t llmops_lint_files(const struct llmops_lint *l)
{
	return l->nfiles;
}

/* ---------------------------------------------------------------- config */

static int config_err(const char *label, const char *text, size_t len, const char *a, const char *b,
		      const char *c, struct llmops_err *err, const char *msg)
{
	const char *steps[3] = {a, b, c};
	size_t n = c ? 3 : b ? 2 : 1;
	int line = 1, col = 1;

	if (text)
		llmops_json_locate(text, len, steps, n, 0, &line, &col);
	return llmops_err_at(err, LLMOPS_E_INPUT, label, line, col, "%s", msg);
}

int llmops_lint_configure(struct llmops_lint *l, const cJSON *lint, const char *label,
			  const char *text, size_t len, struct llmops_err *err)
{
	const cJSON *rules, *it, *budget;
	char msg[600];

	if (!lint)
		return LLMOPS_OK;
	if (!cJSON_IsObject(lint))
		return config_err(label, text, len, "lint", NULL, NULL, err,
				  "\"lint\" must be an object: {\"rules\": {...}}");
	for (it = lint->child; it; it = it->next)
		if (it->string[0] != '$' && strcmp(it->string, "rules") &&
		    strcmp(it->string, "token_budget")) {
			snprintf(msg, sizeof(msg),
				 "unknown key 'lint.%.100s'; lint has rules and token_budget",
				 it->string);
			return config_err(label, text, len, "lint", it->string, NULL, err, msg);
		}
	rules = cJSON_GetObjectItemCaseSensitive(lint, "rules");
	if (rules && !cJSON_IsObject(rules))
		return config_err(label, text, len, "lint", "rules", NULL, err,
				  "\"lint.rules\" must be an object mapping rule ids to off, on, "
				  "note, warning or error");
	for (it = rules ? rules->child : NULL; it; it = it->next) {
		int r = llmops_lint_rule_find(it->string), sev;

		if (it->string[0] == '$')
			continue;
		if (r < 0) {
			const char *ids[LR_COUNT];
			struct llmops_strlist near = LLMOPS_STRLIST_INIT;

			for (int i = 0; i < LR_COUNT; i++)
				ids[i] = llmops_lint_rules[i].id;
			llmops_suggest(&near, it->string, ids, LR_COUNT);
			snprintf(msg, sizeof(msg),
				 "unknown rule '%.100s'%s%s%s; `llmops lint --list-rules` lists "
				 "them",
				 it->string, near.nr ? " (did you mean '" : "",
				 near.nr ? near.items[0] : "", near.nr ? "'?)" : "");
			llmops_strlist_release(&near);
			return config_err(label, text, len, "lint", "rules", it->string, err, msg);
		}
		sev = cJSON_IsString(it) ? llmops_severity_parse(it->valuestring,
								 llmops_lint_rules[r].severity)
		      : cJSON_IsBool(it) ? (cJSON_IsTrue(it) ? llmops_lint_rules[r].severity : 0)
					 : -1;
		if (sev < 0)
			return config_err(label, text, len, "lint", "rules", it->string, err,
					  "a rule's setting is one of \"off\", \"on\", \"note\", "
					  "\"warning\", \"error\"");
		l->sev[r] = sev;
	}
	budget = cJSON_GetObjectItemCaseSensitive(lint, "token_budget");
	if (budget) {
		int ok = cJSON_IsNumber(budget) ? budget->valuedouble >= 1 : cJSON_IsObject(budget);

		for (it = cJSON_IsObject(budget) ? budget->child : NULL; it && ok; it = it->next)
			ok = cJSON_IsNumber(it) && it->valuedouble >= 1;
		if (!ok)
			return config_err(
				label, text, len, "lint", "token_budget", NULL, err,
				"\"lint.token_budget\" is a number of tokens (at least 1), "
				"or an object mapping prompt names (or \"*\") to one");
		cJSON_Delete(l->budget);
		if (!(l->budget = cJSON_Duplicate(budget, 1)))
			return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	return LLMOPS_OK;
}

/* ---------------------------------------------------------------- files */

static int is_dataset_name(const char *p)
{
	return llmops_str_ends_with(p, ".json") || llmops_str_ends_with(p, ".jsonl") ||
	       llmops_str_ends_with(p, ".ndjson") || llmops_str_ends_with(p, ".csv");
}

static int is_template_name(const char *p)
{
	return llmops_str_ends_with(p, ".txt") || llmops_str_ends_with(p, ".json") ||
	       llmops_str_ends_with(p, ".md") || llmops_str_ends_with(p, ".mustache") ||
	       llmops_str_ends_with(p, ".prompt");
}

/* The kind of a file, or -1 when a walk should skip it. */
static int classify(const char *path, int explicit_file)
{
	char name[LLMOPS_NAME_MAX + 1];
	struct llmops_semver sv;
	const char *ext;

	if (!strcmp(path, "llmops.json"))
		return LINT_CONFIG;
	if (!strcmp(path, LLMOPS_LOCK_FILE))
		return LINT_LOCK;
	if (!strncmp(path, LLMOPS_PARTIALS_DIR "/", sizeof(LLMOPS_PARTIALS_DIR)))
		return llmops_str_ends_with(path, ".txt") ? LINT_PARTIAL
		       : explicit_file			  ? LINT_TEXT
							  : -1;
	if (!strncmp(path, LLMOPS_PROMPTS_DIR "/", sizeof(LLMOPS_PROMPTS_DIR))) {
		if (!llmops_version_path_split(path, name, &sv, &ext))
			return LINT_PROMPT;
		if (llmops_str_ends_with(path, ".txt") || llmops_str_ends_with(path, ".json"))
			return LINT_STRAY;
		return explicit_file ? LINT_TEXT : -1;
	}
	if (is_dataset_name(path))
		return LINT_DATASET;
	if (is_template_name(path))
		return explicit_file ? LINT_TEMPLATE : -1;
	return explicit_file ? LINT_TEXT : -1;
}

static char *join_path(const char *root, const char *path)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	if (path[0] == '/')
		llmops_buf_adds(&b, path);
	else
		llmops_buf_addf(&b, "%s/%s", root, path);
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL);
}

static int add_file(struct llmops_lint *l, const char *path, int kind, int explicit_file,
		    struct llmops_err *err)
{
	struct lint_file *f;

	if (LLMOPS_GROW(l->files, l->nfiles, l->capfiles, 64))
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	if (!(f = calloc(1, sizeof(*f))) || !(f->path = strdup(path)) ||
	    !(f->cursor = calloc(1, sizeof(*f->cursor)))) {
		if (f)
			free(f->path);
		free(f);
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	}
	f->kind = kind;
	f->explicit_file = explicit_file;
	l->files[l->nfiles++] = f;
	return LLMOPS_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct llmops_lint *l, const char *path, int depth, struct llmops_err *err)
{
	char *abs = join_path(l->opts.root, path);
	struct llmops_strlist names = LLMOPS_STRLIST_INIT;
	struct dirent *de;
	DIR *d;
	int rc = LLMOPS_OK;

	if (!abs)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	d = opendir(abs);
	free(abs);
	if (!d) {
		/* a directory we cannot list is a finding, like an unreadable file */
		if ((rc = add_file(l, path, LINT_TEXT, 0, err)))
			return rc;
		l->files[l->nfiles - 1]->utf8_ok = -errno;
		return LLMOPS_OK;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && llmops_strlist_append(&names, de->d_name))
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	closedir(d);
	if (names.nr)
		qsort(names.items, names.nr, sizeof(*names.items), cmp_str);
	for (size_t i = 0; i < names.nr && !rc; i++) {
		struct llmops_buf sub = LLMOPS_BUF_INIT;
		struct stat st;
		char *a;

		if (!strcmp(path, "."))
			llmops_buf_adds(&sub, names.items[i]);
		else
			llmops_buf_addf(&sub, "%s/%s", path, names.items[i]);
		a = sub.oom ? NULL : join_path(l->opts.root, sub.data);
		if (!a) {
			rc = llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		} else if (lstat(a, &st) != 0) {
			; /* gone since readdir */
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < 64 && strcmp(names.items[i], "node_modules"))
				rc = walk(l, sub.data, depth + 1, err);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			/* a link is read through (and reported when it leaves the tree) */
			int kind = classify(sub.data, 0);

			if (kind >= 0)
				rc = add_file(l, sub.data, kind, 0, err);
		}
		free(a);
		llmops_buf_release(&sub);
	}
	llmops_strlist_release(&names);
	return rc;
}

int llmops_lint_add_path(struct llmops_lint *l, const char *path, struct llmops_err *err)
{
	char *abs = join_path(l->opts.root, path);
	struct stat st;
	int rc;

	if (!abs)
		return llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	rc = stat(abs, &st);
	free(abs);
	if (rc)
		return llmops_err_set(err, errno == ENOENT ? LLMOPS_E_NOTFOUND : LLMOPS_E_IO,
				      "cannot lint '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk(l, path, 0, err);
	return add_file(l, path, classify(path, 1), 1, err);
}

/* Read f's bytes; a file that cannot be checked becomes a finding. */
static int read_file(struct llmops_lint *l, struct lint_file *f)
{
	char *abs;
	struct stat st;
	struct llmops_err perr = {0};
	int fd;

	if (f->utf8_ok < 0) { /* a directory the walk could not list */
		lint_report(l, f, 1, 1, LR_FILE_UNREADABLE, "cannot read directory: %s",
			    strerror(-f->utf8_ok));
		f->utf8_ok = 0;
		return 0;
	}
	if (!(abs = join_path(l->opts.root, f->path)))
		return LLMOPS_E_NOMEM;
	if (f->path[0] != '/' && llmops_path_check_inside(l->opts.root, abs, f->path, &perr)) {
		/* a link out of the work tree: what it leads to is not the project's */
		free(abs);
		lint_report(l, f, 1, 1, LR_FILE_UNREADABLE, "%s", perr.msg);
		return 0;
	}
	fd = open(abs, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
	free(abs);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		lint_report(l, f, 1, 1, LR_FILE_UNREADABLE, "cannot read: %s",
			    fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if ((unsigned long long)st.st_size > LINT_MAX_FILE_BYTES) {
		lint_report(l, f, 1, 1, LR_FILE_UNREADABLE,
			    "%.1f MiB is over the %u MiB a checked file may have; not checked",
			    (double)st.st_size / 1048576.0, LINT_MAX_FILE_BYTES >> 20);
		close(fd);
		return 0;
	}
	f->text = malloc((size_t)st.st_size + 1);
	if (!f->text) {
		close(fd);
		return LLMOPS_E_NOMEM;
	}
	while (f->len < (size_t)st.st_size) {
		ssize_t n = read(fd, f->text + f->len, (size_t)st.st_size - f->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				lint_report(l, f, 1, 1, LR_FILE_UNREADABLE, "cannot read: %s",
					    strerror(errno));
			break;
		}
		f->len += (size_t)n;
	}
	close(fd);
	f->text[f->len] = '\0';
	return 0;
}

/* Binary files (a NUL byte, as git decides) are reported once and not checked further. */
static int is_binary(struct llmops_lint *l, struct lint_file *f)
{
	const char *nul = memchr(f->text, '\0', f->len);

	if (!nul)
		return 0;
	if (f->len >= 2 && ((unsigned char)f->text[0] == 0xff || (unsigned char)f->text[0] == 0xfe))
		lint_report(l, f, 1, 1, LR_FILE_UNREADABLE,
			    "UTF-16 text (byte order mark %02X %02X); convert it to UTF-8",
			    (unsigned char)f->text[0], (unsigned char)f->text[1]);
	else
		lint_report_at(l, f, (size_t)(nul - f->text), LR_FILE_UNREADABLE,
			       "binary file (NUL byte at offset %zu); not checked",
			       (size_t)(nul - f->text));
	return 1;
}

static int check_file(struct llmops_lint *l, struct lint_file *f)
{
	int rc;

	if ((rc = read_file(l, f)) || !f->text)
		return rc;
	if (is_binary(l, f))
		return 0;
	f->utf8_ok = llmops_utf8_invalid(f->text, f->len) == f->len;
	if (f->kind == LINT_PROMPT || f->kind == LINT_PARTIAL || f->kind == LINT_STRAY ||
	    f->kind == LINT_TEMPLATE)
		lint_scan_suppressions(l, f);
	lint_text_rules(l, f);
	if ((rc = lint_secrets(l, f, 0, f->len)))
		return rc;
	switch (f->kind) {
	case LINT_PROMPT:
	case LINT_STRAY:
	case LINT_PARTIAL:
	case LINT_TEMPLATE: return f->utf8_ok ? lint_prompt_file(l, f) : 0;
	case LINT_DATASET: return f->utf8_ok ? lint_dataset_file(l, f) : 0;
	case LINT_CONFIG:
		if (f->utf8_ok)
			lint_config_file(l, f);
		return 0;
	case LINT_LOCK:
		if (f->utf8_ok)
			lint_lock_file(l, f);
		return 0;
	default: return 0;
	}
}

static int cmp_file(const void *a, const void *b)
{
	const struct lint_file *x = *(struct lint_file *const *)a,
			       *y = *(struct lint_file *const *)b;
	int c = strcmp(x->path, y->path);

	/* of a file named twice, the explicit entry first */
	return c ? c : y->explicit_file - x->explicit_file;
}

/* Sort the files by path and drop a file named twice (by overlapping paths). */
static void dedupe_files(struct llmops_lint *l)
{
	size_t k = 0;

	if (l->nfiles < 2)
		return;
	qsort(l->files, l->nfiles, sizeof(*l->files), cmp_file);
	for (size_t i = 0; i < l->nfiles; i++) {
		if (k && !strcmp(l->files[k - 1]->path, l->files[i]->path)) {
			file_free(l->files[i]);
			continue;
		}
		l->files[k++] = l->files[i];
	}
	l->nfiles = k;
}

int llmops_lint_run(struct llmops_lint *l, struct llmops_err *err)
{
	int rc = 0;

	dedupe_files(l);
	for (size_t i = 0; i < l->nfiles && !rc; i++)
		rc = check_file(l, l->files[i]);
	if (rc && rc != LLMOPS_E_NOMEM)
		return llmops_err_set(err, rc, "lint: internal error %d", rc);
	if (!rc)
		rc = lint_project(l, err);
	if (!rc && l->oom)
		rc = LLMOPS_E_NOMEM;
	if (rc == LLMOPS_E_NOMEM)
		return llmops_err_set(err, rc, "out of memory");
	if (l->nf)
		qsort(l->f, l->nf, sizeof(*l->f), cmp_finding);
	return rc;
}

/* ---------------------------------------------------------------- --fix */

static int pinned_path(struct llmops_lint *l, const char *path)
{
	for (size_t i = 0; i < l->lock.n; i++)
		if (!strcmp(l->lock.e[i].path, path))
			return 1;
	return 0;
}

int llmops_lint_fix(struct llmops_lint *l, struct llmops_strlist *fixed, struct llmops_err *err)
{
	int rc = LLMOPS_OK;

	dedupe_files(l);
	lint_read_lock(l);
	for (size_t i = 0; i < l->nfiles && !rc; i++) {
		struct lint_file *f = l->files[i];
		struct llmops_buf out = LLMOPS_BUF_INIT;
		int changed = 0;
		char *abs;

		if (f->kind == LINT_PROMPT && pinned_path(l, f->path))
			continue;
		if ((rc = read_file(l, f)))
			break;
		if (!f->text || memchr(f->text, '\0', f->len) ||
		    llmops_utf8_invalid(f->text, f->len) < f->len)
			goto next;
		lint_scan_suppressions(l, f);
		if ((rc = lint_fix_text(l, f, &out, &changed)))
			break;
		if (changed) {
			if (!(abs = join_path(l->opts.root, f->path))) {
				rc = LLMOPS_E_NOMEM;
				break;
			}
			rc = llmops_write_atomic(abs, out.data, out.len, err);
			free(abs);
			if (!rc && llmops_strlist_append(fixed, f->path))
				rc = LLMOPS_E_NOMEM;
		}
	next:
		/* the run reads the file again, as it now is */
		free(f->text);
		f->text = NULL;
		f->len = 0;
		*f->cursor = (struct llmops_text_cursor)LLMOPS_TEXT_CURSOR_INIT;
		free(f->supp);
		f->supp = NULL;
		f->nsupp = f->capsupp = 0;
		f->off_rules = 0;
		llmops_buf_release(&out);
	}
	/* findings of unreadable files are made again by the run */
	for (size_t i = 0; i < l->nf; i++) {
		free(l->f[i].path);
		free(l->f[i].message);
	}
	l->nf = 0;
	if (rc == LLMOPS_E_NOMEM)
		return llmops_err_set(err, rc, "out of memory");
	return rc;
}
