/*
 * lint_report.c - lint findings as text, JSON, SARIF 2.1.0 and GitHub
 * annotations.
 *
 * SARIF follows the OASIS SARIF 2.1.0 specification (sarifLog, run,
 * tool.driver with reportingDescriptor rules, result with physicalLocation
 * and region); columns are Unicode code points, declared with columnKind.
 * GitHub annotations follow the workflow-commands syntax
 * (`::error file=F,line=L,col=C,title=T::message`, with %, CR, LF, and in
 * properties ':' and ',' percent-encoded).
 */
#include "lint_report.h"

#include "json.h"

#include "buf.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

char *llmops_lint_display_path(const char *prefix, const char *path)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	size_t pl = strlen(prefix);

	if (path[0] == '/' || !pl)
		llmops_buf_adds(&b, path);
	else if (!strncmp(path, prefix, pl) && path[pl] == '/')
		llmops_buf_adds(&b, path + pl + 1);
	else {
		for (const char *p = prefix; *p; p++)
			if (p == prefix || p[-1] == '/')
				llmops_buf_adds(&b, "../");
		llmops_buf_adds(&b, path);
	}
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL);
}

void llmops_lint_counts(const struct llmops_lint_report *r, size_t c[4])
{
	memset(c, 0, 4 * sizeof(*c));
	for (size_t i = 0; i < r->n; i++)
		c[r->f[i].severity]++;
}

void llmops_lint_print_summary(FILE *out, const struct llmops_lint_report *r)
{
	size_t c[4];
	llmops_lint_counts(r, c);
	for (size_t i = 0; r->fixed && i < r->fixed->nr; i++)
		fprintf(out, "llmops: fixed %s\n", r->fixed->items[i]);
	fprintf(out, "llmops: %zu file%s checked: %zu error%s, %zu warning%s, %zu note%s\n",
		r->files, r->files == 1 ? "" : "s", c[LLMOPS_SEV_ERROR],
		c[LLMOPS_SEV_ERROR] == 1 ? "" : "s", c[LLMOPS_SEV_WARNING],
		c[LLMOPS_SEV_WARNING] == 1 ? "" : "s", c[LLMOPS_SEV_NOTE],
		c[LLMOPS_SEV_NOTE] == 1 ? "" : "s");
}

int llmops_lint_print_text(FILE *out, const struct llmops_lint_report *r,
			   const struct llmops_sgr *colors)
{
	const char *const sgr[] = {"", colors->bold, colors->yellow, colors->red};

	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_finding *f = &r->f[i];
		char *path = llmops_lint_display_path(r->prefix, f->path);

		if (!path)
			return -1;
		fprintf(out, "%s:%d:%d: %s%s%s: %s [%s]\n", path, f->line, f->col, sgr[f->severity],
			llmops_severity_name(f->severity), colors->reset, f->message,
			llmops_lint_rules[f->rule].id);
		free(path);
	}
	return 0;
}

static int emit(FILE *out, cJSON *root)
{
	char *s = root ? llmops_json_print(root) : NULL;

	cJSON_Delete(root);
	if (!s)
		return -1;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}

int llmops_lint_print_json(FILE *out, const struct llmops_lint_report *r)
{
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray(),
	      *fixed = cJSON_CreateArray();
	size_t c[4];

	llmops_lint_counts(r, c);
	LLMOPS_JSON_NUMS(root, {"files", r->files}, {"errors", c[LLMOPS_SEV_ERROR]},
			 {"warnings", c[LLMOPS_SEV_WARNING]}, {"notes", c[LLMOPS_SEV_NOTE]});
	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_finding *f = &r->f[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "path", f->path);
		cJSON_AddNumberToObject(o, "line", f->line);
		cJSON_AddNumberToObject(o, "column", f->col);
		cJSON_AddStringToObject(o, "severity", llmops_severity_name(f->severity));
		cJSON_AddStringToObject(o, "rule", llmops_lint_rules[f->rule].id);
		cJSON_AddStringToObject(o, "message", f->message);
		cJSON_AddItemToArray(arr, o);
	}
	for (size_t i = 0; r->fixed && i < r->fixed->nr; i++)
		cJSON_AddItemToArray(fixed, cJSON_CreateString(r->fixed->items[i]));
	cJSON_AddItemToObject(root, "findings", arr);
	cJSON_AddItemToObject(root, "fixed", fixed);
	return emit(out, root);
}

/* Workflow-command escaping: data gets %, CR, LF; properties also ':' and ','. */
static void gh_escape(FILE *out, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

int llmops_lint_print_github(FILE *out, const struct llmops_lint_report *r)
{
	static const char *const cmd[] = {"notice", "notice", "warning", "error"};

	for (size_t i = 0; i < r->n; i++) {
		const struct llmops_finding *f = &r->f[i];

		fprintf(out, "::%s file=", cmd[f->severity]);
		gh_escape(out, f->path, 1);
		fprintf(out, ",line=%d,col=%d,title=", f->line, f->col);
		gh_escape(out, llmops_lint_rules[f->rule].id, 1);
		fputs("::", out);
		gh_escape(out, f->message, 0);
		fprintf(out, " [%s]\n", llmops_lint_rules[f->rule].id);
	}
	return 0;
}

/* ---------------------------------------------------------------- SARIF */

static const char *sarif_level(int sev)
{
	static const char *const levels[] = {"none", "note", "warning", "error"};

	return levels[sev];
}

/* A relative URI reference (RFC 3986): unreserved characters and '/' kept, the rest %XX. */
static char *uri_path(const char *path)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			llmops_buf_addch(&b, *p);
		else
			llmops_buf_addf(&b, "%%%02X", *p);
	}
	if (b.oom) {
		llmops_buf_release(&b);
		return NULL;
	}
	return llmops_buf_detach(&b, NULL);
}

/* "unicode-bidi" -> "UnicodeBidi": SARIF's optional human-readable rule name. */
static void camel(const char *id, char *out, size_t n)
{
	size_t k = 0;
	int up = 1;

	for (; *id && k + 1 < n; id++) {
		if (*id == '-') {
			up = 1;
			continue;
		}
		out[k++] = up && *id >= 'a' && *id <= 'z' ? (char)(*id - 32) : *id;
		up = 0;
	}
	out[k] = '\0';
}

static cJSON *sarif_rules(const struct llmops_lint *l)
{
	cJSON *rules = cJSON_CreateArray();

	for (int i = 0; i < LR_COUNT; i++) {
		const struct llmops_lint_rule *r = &llmops_lint_rules[i];
		cJSON *o = cJSON_CreateObject(), *sd = cJSON_CreateObject(),
		      *cfg = cJSON_CreateObject(), *props = cJSON_CreateObject(),
		      *tags = cJSON_CreateArray();
		char name[64];

		camel(r->id, name, sizeof(name));
		cJSON_AddStringToObject(o, "id", r->id);
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddStringToObject(sd, "text", r->summary);
		cJSON_AddItemToObject(o, "shortDescription", sd);
		int sev = llmops_lint_severity(l, i);

		cJSON_AddBoolToObject(cfg, "enabled", sev != LLMOPS_SEV_OFF);
		cJSON_AddStringToObject(cfg, "level", sarif_level(sev ? sev : r->severity));
		cJSON_AddItemToObject(o, "defaultConfiguration", cfg);
		cJSON_AddItemToArray(tags, cJSON_CreateString(r->group));
		if (i == LR_SECRET || i == LR_SECRET_ENTROPY || i == LR_UNICODE_BIDI ||
		    i == LR_UNICODE_INVISIBLE || i == LR_INJECTION)
			cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
		cJSON_AddItemToObject(props, "tags", tags);
		cJSON_AddItemToObject(o, "properties", props);
		cJSON_AddItemToArray(rules, o);
	}
	return rules;
}

static cJSON *sarif_result(const struct llmops_finding *f)
{
	cJSON *res = cJSON_CreateObject(), *msg = cJSON_CreateObject(), *locs = cJSON_CreateArray(),
	      *loc = cJSON_CreateObject(), *phys = cJSON_CreateObject(),
	      *art = cJSON_CreateObject(), *region = cJSON_CreateObject();
	char *uri = uri_path(f->path);

	cJSON_AddStringToObject(res, "ruleId", llmops_lint_rules[f->rule].id);
	cJSON_AddNumberToObject(res, "ruleIndex", f->rule);
	cJSON_AddStringToObject(res, "level", sarif_level(f->severity));
	cJSON_AddStringToObject(msg, "text", f->message);
	cJSON_AddItemToObject(res, "message", msg);
	cJSON_AddStringToObject(art, "uri", uri ? uri : "");
	if (f->path[0] != '/')
		cJSON_AddStringToObject(art, "uriBaseId", "%SRCROOT%");
	cJSON_AddItemToObject(phys, "artifactLocation", art);
	cJSON_AddNumberToObject(region, "startLine", f->line);
	cJSON_AddNumberToObject(region, "startColumn", f->col);
	cJSON_AddItemToObject(phys, "region", region);
	cJSON_AddItemToObject(loc, "physicalLocation", phys);
	cJSON_AddItemToArray(locs, loc);
	cJSON_AddItemToObject(res, "locations", locs);
	free(uri);
	return res;
}

int llmops_lint_print_sarif(FILE *out, const struct llmops_lint_report *r)
{
	cJSON *root = cJSON_CreateObject(), *runs = cJSON_CreateArray(),
	      *run = cJSON_CreateObject();
	cJSON *tool = cJSON_CreateObject(), *driver = cJSON_CreateObject();
	cJSON *bases = cJSON_CreateObject(), *src = cJSON_CreateObject();
	cJSON *results = cJSON_CreateArray(), *inv = cJSON_CreateArray(),
	      *one = cJSON_CreateObject();
	struct llmops_buf rooturi = LLMOPS_BUF_INIT;
	char *enc = uri_path(r->root);

	cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	cJSON_AddStringToObject(driver, "name", "llmops");
	cJSON_AddStringToObject(driver, "version", llmops_version());
	cJSON_AddItemToObject(driver, "rules", sarif_rules(r->lint));
	cJSON_AddItemToObject(tool, "driver", driver);
	cJSON_AddItemToObject(run, "tool", tool);
	llmops_buf_addf(&rooturi, "file://%s/", enc ? enc : "");
	free(enc);
	cJSON_AddStringToObject(src, "uri", rooturi.data);
	llmops_buf_release(&rooturi);
	cJSON_AddItemToObject(bases, "%SRCROOT%", src);
	cJSON_AddItemToObject(run, "originalUriBaseIds", bases);
	cJSON_AddBoolToObject(one, "executionSuccessful", 1);
	cJSON_AddItemToArray(inv, one);
	cJSON_AddItemToObject(run, "invocations", inv);
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(results, sarif_result(&r->f[i]));
	cJSON_AddItemToObject(run, "results", results);
	cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
	cJSON_AddItemToArray(runs, run);
	cJSON_AddItemToObject(root, "runs", runs);
	return emit(out, root);
}

/* ---------------------------------------------------------------- --list-rules */

int llmops_lint_print_rules(FILE *out, const struct llmops_lint *l, int json)
{
	if (json) {
		cJSON *arr = cJSON_CreateArray();

		for (int i = 0; i < LR_COUNT; i++) {
			const struct llmops_lint_rule *r = &llmops_lint_rules[i];
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "id", r->id);
			cJSON_AddStringToObject(o, "group", r->group);
			cJSON_AddStringToObject(o, "severity",
						llmops_severity_name(llmops_lint_severity(l, i)));
			cJSON_AddStringToObject(o, "default_severity",
						llmops_severity_name(r->severity));
			cJSON_AddBoolToObject(o, "fixable", r->fixable);
			cJSON_AddStringToObject(o, "summary", r->summary);
			cJSON_AddItemToArray(arr, o);
		}
		return emit(out, arr);
	}
	fprintf(out, "%-21s %-8s %-3s %s\n", "RULE", "SEVERITY", "FIX", "SUMMARY");
	for (int i = 0; i < LR_COUNT; i++) {
		const struct llmops_lint_rule *r = &llmops_lint_rules[i];

		fprintf(out, "%-21s %-8s %-3s %s\n", r->id,
			llmops_severity_name(llmops_lint_severity(l, i)), r->fixable ? "yes" : "",
			r->summary);
	}
	return 0;
}
