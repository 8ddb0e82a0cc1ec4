#include "output.h"

#include "llmops.h"

#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int llmops_format_from(const char *name)
{
	return name && !strcmp(name, "json") ? LLMOPS_FORMAT_JSON : LLMOPS_FORMAT_TEXT;
}

static void put_label(FILE *out, int indent, const char *key)
{
	fprintf(out, "%*s", indent, "");
	for (const char *k = key; k && *k; k++)
		fputc(*k == '_' ? ' ' : *k, out);
	fputc(':', out);
}

static void put_scalar(FILE *out, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		fputs(v->valuestring, out);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == floor(d) && fabs(d) < 9007199254740992.0)
			fprintf(out, "%.0f", d);
		else
			fprintf(out, "%.6g", d);
	} else if (cJSON_IsBool(v)) {
		fputs(cJSON_IsTrue(v) ? "yes" : "no", out);
	} else if (cJSON_IsNull(v)) {
		fputs("-", out);
	}
}

static int is_scalar(const cJSON *v)
{
	return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

static void put_object(FILE *out, const cJSON *obj, int indent);

static void put_member(FILE *out, const cJSON *v, int indent)
{
	put_label(out, indent, v->string);
	if (is_scalar(v)) {
		fputc(' ', out);
		put_scalar(out, v);
		fputc('\n', out);
	} else if (cJSON_IsObject(v)) {
		fputc('\n', out);
		put_object(out, v, indent + 2);
	} else {
		const cJSON *e;
		int all_scalar = 1, first = 1;

		cJSON_ArrayForEach (e, v)
			all_scalar &= is_scalar(e);
		if (all_scalar) {
			cJSON_ArrayForEach (e, v) {
				fputs(first ? " " : ", ", out);
				put_scalar(out, e);
				first = 0;
			}
			fputc('\n', out);
			return;
		}
		fputc('\n', out);
		cJSON_ArrayForEach (e, v) {
			if (!first)
				fputc('\n', out);
			first = 0;
			if (cJSON_IsObject(e)) {
				put_object(out, e, indent + 2);
			} else {
				fprintf(out, "%*s", indent + 2, "");
				put_scalar(out, e);
				fputc('\n', out);
			}
		}
	}
}

static void put_object(FILE *out, const cJSON *obj, int indent)
{
	const cJSON *v;

	cJSON_ArrayForEach (v, obj)
		put_member(out, v, indent);
}

int llmops_emit(FILE *out, const cJSON *root, int format)
{
	if (format == LLMOPS_FORMAT_JSON) {
		char *s = llmops_json_print(root);

		if (!s)
			return -1;
		fputs(s, out);
		fputc('\n', out);
		free(s);
		return 0;
	}
	if (cJSON_IsObject(root))
		put_object(out, root, 0);
	else if (is_scalar(root)) {
		put_scalar(out, root);
		fputc('\n', out);
	} else {
		const cJSON *e;

		cJSON_ArrayForEach (e, root) {
			if (cJSON_IsObject(e))
				put_object(out, e, 0);
			else {
				put_scalar(out, e);
				fputc('\n', out);
			}
		}
	}
	return 0;
}

int llmops_emit_out(cJSON *o, int format)
{
	int rc = 0;
	if (!o || llmops_emit(stdout, o, format)) {
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
	}
	cJSON_Delete(o);
	return rc;
}
