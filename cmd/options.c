#include "options.h"

#include "buf.h"

#include "llmops.h"
#include "suggest.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const llmops_format_choices[] = {"text", "json", NULL};

static void opt_name(char *out, size_t n, const struct llmops_option *o)
{
	if (o->long_name)
		snprintf(out, n, "--%s", o->long_name);
	else
		snprintf(out, n, "-%c", o->short_name);
}

/* "ledger info" for "llmops ledger info": messages already start with "llmops: " */
/* "eval: " for `llmops eval` in messages; nothing for llmops itself (they start "llmops: "). */
static const char *who(const struct llmops_usage *usage, char *buf, size_t n)
{
	if (!strcmp(usage->command, "llmops"))
		return "";
	snprintf(buf, n, "%s: ",
		 strncmp(usage->command, "llmops ", 7) ? usage->command : usage->command + 7);
	return buf;
}

static void hint(const struct llmops_usage *usage)
{
	fprintf(stderr, "llmops: try '%s --help' for usage\n", usage->command);
}

static void unknown_option(const char *arg, const struct llmops_option *opts,
			   const struct llmops_usage *usage)
{
	char wbuf[128];
	struct llmops_strlist names = LLMOPS_STRLIST_INIT, near = LLMOPS_STRLIST_INIT;
	const char *eq = strchr(arg, '=');
	char word[128];

	snprintf(word, sizeof(word), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	/* llmops's own options, given after the command: say where they go */
	static const char *const global[] = {"--no-pager", "--no-color", "--ledger",
					     "-C",	   "--version",	 NULL};
	for (const char *const *g = global; strcmp(usage->command, "llmops") && *g; g++)
		if (!strcmp(word, *g)) {
			llmops_error("%s'%s' is an option of llmops itself, not of '%s': put it "
				     "before the command ('llmops %s%s %s ...')",
				     who(usage, wbuf, sizeof(wbuf)), word, usage->command + 7, word,
				     strcmp(word, "--ledger") && strcmp(word, "-C") ? ""
				     : !strcmp(word, "-C")			    ? " DIR"
										    : " PATH",
				     usage->command + 7);
			return;
		}
	for (const struct llmops_option *o = opts; o->type != OPT_END; o++) {
		if (o->long_name)
			llmops_strlist_appendf(&names, "--%s", o->long_name);
		if (o->short_name)
			llmops_strlist_appendf(&names, "-%c", o->short_name);
	}
	llmops_suggest(&near, word, (const char *const *)names.items, names.nr);
	if (near.nr)
		llmops_error("%sunknown option '%s'; did you mean '%s'?",
			     who(usage, wbuf, sizeof(wbuf)), word, near.items[0]);
	else
		llmops_error("%sunknown option '%s'", who(usage, wbuf, sizeof(wbuf)), word);
	hint(usage);
	llmops_strlist_release(&near);
	llmops_strlist_release(&names);
}

/* Store value for o; prints and returns non-zero when it is not acceptable. */
static int set_value(const struct llmops_option *o, const char *value,
		     const struct llmops_usage *usage)
{
	char wbuf[128];
	char name[64];

	opt_name(name, sizeof(name), o);
	switch (o->type) {
	case OPT_STRING: *(const char **)o->value = value; return 0;
	case OPT_LIST:
		if (llmops_strlist_append(o->value, value)) {
			llmops_error("out of memory");
			return -1;
		}
		return 0;
	case OPT_CHOICE:
		for (const char *const *c = o->choices; *c; c++)
			if (!strcmp(*c, value)) {
				*(const char **)o->value = *c;
				return 0;
			}
		llmops_error("%s%s does not accept '%s'; choose one of:",
			     who(usage, wbuf, sizeof(wbuf)), name, value);
		for (const char *const *c = o->choices; *c; c++)
			fprintf(stderr, "%s%s", c == o->choices ? " " : ", ", *c);
		fputc('\n', stderr);
		return -1;
	case OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || (double)v < o->min || (double)v > o->max) {
			llmops_error("%s%s needs a whole number from %.0f to %.0f, not '%s'",
				     who(usage, wbuf, sizeof(wbuf)), name, o->min, o->max, value);
			return -1;
		}
		*(long *)o->value = v;
		return 0;
	}
	case OPT_NUMBER: {
		char *end;
		double v;

		errno = 0;
		v = strtod(value, &end);
		if (errno || end == value || *end || isnan(v) || isinf(v) || v < o->min ||
		    v > o->max) {
			llmops_error("%s%s needs a number from %g to %g, not '%s'",
				     who(usage, wbuf, sizeof(wbuf)), name, o->min, o->max, value);
			return -1;
		}
		*(double *)o->value = v;
		return 0;
	}
	default: return -1;
	}
}

static int needs_arg(const struct llmops_option *o)
{
	return o->type == OPT_STRING || o->type == OPT_INT || o->type == OPT_CHOICE ||
	       o->type == OPT_LIST || o->type == OPT_NUMBER;
}

/* Handle one option; *i is advanced past a separate value.  0, HELP_SHOWN or ERROR. */
static int take(const struct llmops_option *o, const char *inline_val, int argc, char **argv,
		int *i, const struct llmops_option *opts, const struct llmops_usage *usage)
{
	char wbuf[128];
	char name[64];

	opt_name(name, sizeof(name), o);
	if (o->type == OPT_HELP) {
		llmops_print_usage(stdout, opts, usage);
		return LLMOPS_OPT_HELP_SHOWN;
	}
	if (!needs_arg(o)) {
		if (inline_val) {
			llmops_error("%s%s takes no value", who(usage, wbuf, sizeof(wbuf)), name);
			hint(usage);
			return LLMOPS_OPT_ERROR;
		}
		*(int *)o->value = 1;
		return 0;
	}
	if (!inline_val) {
		if (*i + 1 >= argc) {
			llmops_error("%s%s needs a value (%s)", who(usage, wbuf, sizeof(wbuf)),
				     name, o->argh);
			hint(usage);
			return LLMOPS_OPT_ERROR;
		}
		inline_val = argv[++*i];
	}
	return set_value(o, inline_val, usage) ? LLMOPS_OPT_ERROR : 0;
}

/*
 * An option that takes one value, given twice with two values: an error
 * (the first would be dropped without a word: "--dataset a.json --dataset
 * b.json" ran b alone).  The same value twice is harmless.  seen[k] holds
 * the value opts[k] was given, NULL before.
 */
static int given_twice(const struct llmops_option *o, const char *value, const char **seen,
		       const struct llmops_option *opts, const struct llmops_usage *usage)
{
	char wbuf[128], name[64];
	const char **was = &seen[o - opts];
	if (o->type == OPT_LIST || !needs_arg(o) || !value)
		return 0;
	if (*was && strcmp(*was, value)) {
		opt_name(name, sizeof(name), o);
		llmops_error("%s%s given twice ('%s', then '%s'): give it once",
			     who(usage, wbuf, sizeof(wbuf)), name, *was, value);
		hint(usage);
		return LLMOPS_OPT_ERROR;
	}
	*was = value;
	return 0;
}

/* parse()'s loop; seen: see given_twice. */
static int parse_with(int argc, char **argv, const struct llmops_option *opts,
		      const struct llmops_usage *usage, int stop, const char **seen)
{
	int nout = 0, rc;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct llmops_option *o = NULL;
		const char *val = NULL;

		if (!strcmp(arg, "--")) {
			if (stop)
				return i + 1;
			for (i++; i < argc; i++)
				argv[nout++] = argv[i];
			break;
		}
		if (arg[0] != '-' || !arg[1]) { /* operand, or "-" for stdin */
			if (stop)
				return i;
			argv[nout++] = argv[i];
			continue;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

			for (const struct llmops_option *p = opts; p->type != OPT_END; p++)
				if (p->long_name && strlen(p->long_name) == len &&
				    !strncmp(p->long_name, arg + 2, len))
					o = p;
			val = eq ? eq + 1 : NULL;
		} else {
			for (const struct llmops_option *p = opts; p->type != OPT_END; p++)
				if (p->short_name == arg[1])
					o = p;
			if (o && arg[2])
				val = arg + 2;
			if (o && val && !needs_arg(o) && o->type != OPT_HELP)
				o = NULL; /* no bundling of short flags: "-ab" is an error */
		}
		if (!o) {
			unknown_option(arg, opts, usage);
			return LLMOPS_OPT_ERROR;
		}
		if ((rc = take(o, val, argc, argv, &i, opts, usage)))
			return rc;
		if ((rc = given_twice(o, val ? val : argv[i], seen, opts, usage)))
			return rc;
	}
	if (stop)
		return argc;
	argv[nout] = NULL;
	return nout;
}

/* stop: at the first operand, which is left in place (leading options only). */
struct llmops_strlist *llmops_option_dump;

/* Table dump (completion.c): the options' names instead of parsing. */
/*
 * What a valued option's argument is, for completion, from its metavar: alternatives in
 * lower case ("day|prompt|tag:KEY": "day|prompt|tag:"), "@files", "@dirs", "@runs",
 * "@prompts" or "@none" (free text: nothing to offer, never file names).
 */
static void value_kind(const struct llmops_option *o, struct llmops_buf *b)
{
	const char *m = o->argh ? o->argh : "";
	if (strchr(m, '|') && m[0] >= 'a' && m[0] <= 'z') {
		for (const char *p = m; *p;) {
			size_t n = strcspn(p, "|");
			const char *colon = memchr(p, ':', n);
			llmops_buf_addf(b, "%s%.*s", p == m ? "" : "|",
					(int)(colon ? (size_t)(colon - p) + 1 : n), p);
			p += n + (p[n] == '|');
		}
	} else if (!strcmp(m, "FILE") || !strcmp(m, "PATH")) {
		llmops_buf_adds(b, "@files");
	} else if (!strcmp(m, "DIR")) {
		llmops_buf_adds(b, "@dirs");
	} else if (!strcmp(m, "RUN")) {
		llmops_buf_adds(b, "@runs");
	} else if (!strncmp(m, "NAME[@", 6) ||
		   (!strcmp(m, "NAME") && o->long_name &&
		    (!strcmp(o->long_name, "prompt") || !strcmp(o->long_name, "canary")))) {
		llmops_buf_adds(b, "@prompts");
	} else {
		llmops_buf_adds(b, "@none");
	}
}

static void dump_options(const struct llmops_option *opts)
{
	for (const struct llmops_option *o = opts; o->type != OPT_END; o++) {
		struct llmops_buf b = LLMOPS_BUF_INIT;
		for (const char *const *c = o->type == OPT_CHOICE ? o->choices : NULL; c && *c; c++)
			llmops_buf_addf(&b, "%s%s", c == o->choices ? "" : "|", *c);
		if (o->type != OPT_CHOICE && o->type != OPT_FLAG && o->type != OPT_HELP)
			value_kind(o, &b);
		if (o->long_name)
			llmops_strlist_appendf(
				llmops_option_dump, "--%s%s%s", o->long_name,
				o->type == OPT_FLAG || o->type == OPT_HELP ? "" : "=", b.data);
		llmops_buf_release(&b);
		if (o->short_name)
			llmops_strlist_appendf(llmops_option_dump, "-%c", o->short_name);
	}
}

static int parse(int argc, char **argv, const struct llmops_option *opts,
		 const struct llmops_usage *usage, int stop)
{
	int rc;
	size_t nopts = 0;
	if (llmops_option_dump) {
		dump_options(opts);
		return LLMOPS_OPT_HELP_SHOWN;
	}
	while (opts[nopts].type != OPT_END)
		nopts++;
	const char **seen = calloc(nopts + 1, sizeof(*seen));
	if (!seen) {
		llmops_error("out of memory");
		return LLMOPS_OPT_ERROR;
	}
	rc = parse_with(argc, argv, opts, usage, stop, seen);
	free(seen);
	return rc;
}

int llmops_parse_options(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage)
{
	return parse(argc, argv, opts, usage, 0);
}

int llmops_parse_leading(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage)
{
	return parse(argc, argv, opts, usage, 1);
}

void llmops_print_usage(FILE *out, const struct llmops_option *opts,
			const struct llmops_usage *usage)
{
	for (const char *const *s = usage->synopsis; s && *s; s++)
		fprintf(out, "%s %s\n", s == usage->synopsis ? "usage:" : "   or:", *s);
	if (usage->description)
		fprintf(out, "\n%s\n", usage->description);
	if (opts->type != OPT_END)
		fputs("\noptions:\n", out);
	for (const struct llmops_option *o = opts; o->type != OPT_END; o++) {
		char left[96];
		int n = 0;

		if (o->short_name && o->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->long_name);
		if (o->argh && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argh);
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
}

int llmops_check_operands(char **argv, int n, int min, int max, const struct llmops_usage *usage)
{
	char wbuf[128];
	if (n < min) {
		llmops_error("%smissing argument", who(usage, wbuf, sizeof(wbuf)));
	} else if (max >= 0 && n > max) {
		llmops_error("%sunexpected argument '%s'", who(usage, wbuf, sizeof(wbuf)),
			     argv[max]);
	} else {
		return 0;
	}
	for (const char *const *s = usage->synopsis; s && *s; s++)
		fprintf(stderr, "%s %s\n", s == usage->synopsis ? "usage:" : "   or:", *s);
	return -1;
}

int llmops_parse_command(int argc, char **argv, const struct llmops_option *opts,
			 const struct llmops_usage *usage, int min, int max)
{
	int n = llmops_parse_options(argc, argv, opts, usage);
	if (n >= 0 && llmops_check_operands(argv, n, min, max, usage))
		return LLMOPS_OPT_ERROR;
	return n;
}
