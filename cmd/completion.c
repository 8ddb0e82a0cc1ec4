/*
 * completion.c - `llmops completion bash|zsh|fish`: shell completion
 * scripts generated from the command table and each command's own option
 * table (read by running each command with llmops_option_dump set, so the
 * scripts cannot drift from the parser), and `llmops __complete
 * prompts|runs`, which the scripts call for prompt names and versions and
 * run ids.
 */
#include "llmops.h"

#include "buf.h"
#include "ledger.h"
#include "options.h"
#include "promptref.h"
#include "store.h"
#include "workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmdinfo {
	const struct llmops_command *cmd;
	struct llmops_strlist opts;   /* "--name", "--name=", "--name=a|b", "-c" */
	struct llmops_strlist verbs;  /* "NAME\tSUMMARY" */
	struct llmops_strlist *vopts; /* per verb */
};

/* Run fn with argv {a, b} in dump mode; what it appended. */
static void dump(const struct llmops_command *c, const char *verb, struct llmops_strlist *out,
		 struct llmops_ctx *ctx)
{
	char a[64], b[64];
	char *argv[3] = {a, verb ? b : NULL, NULL};
	snprintf(a, sizeof(a), "%s", c->name);
	if (verb)
		snprintf(b, sizeof(b), "%s", verb);
	llmops_option_dump = out;
	c->fn(verb ? 2 : 1, argv, ctx);
	llmops_option_dump = NULL;
}

static int is_hidden(const char *name)
{
	return !strncmp(name, "__", 2);
}

static struct cmdinfo *collect(struct llmops_ctx *ctx)
{
	struct cmdinfo *ci = calloc(llmops_ncommands, sizeof(*ci));
	for (size_t i = 0; ci && i < llmops_ncommands; i++) {
		struct llmops_strlist all = LLMOPS_STRLIST_INIT;
		ci[i].cmd = &llmops_commands[i];
		if (is_hidden(ci[i].cmd->name))
			continue;
		dump(ci[i].cmd, NULL, &all, ctx);
		for (size_t k = 0; k < all.nr; k++)
			llmops_strlist_append(
				!strncmp(all.items[k], "verb:", 5) ? &ci[i].verbs : &ci[i].opts,
				all.items[k] + (strncmp(all.items[k], "verb:", 5) ? 0 : 5));
		llmops_strlist_release(&all);
		if (ci[i].verbs.nr && !(ci[i].vopts = calloc(ci[i].verbs.nr, sizeof(*ci[i].vopts))))
			break;
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char name[64];
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(ci[i].verbs.items[v], "\t"), ci[i].verbs.items[v]);
			dump(ci[i].cmd, name, &ci[i].vopts[v], ctx);
		}
	}
	return ci;
}

static void release(struct cmdinfo *ci)
{
	for (size_t i = 0; ci && i < llmops_ncommands; i++) {
		for (size_t v = 0; ci[i].vopts && v < ci[i].verbs.nr; v++)
			llmops_strlist_release(&ci[i].vopts[v]);
		free(ci[i].vopts);
		llmops_strlist_release(&ci[i].opts);
		llmops_strlist_release(&ci[i].verbs);
	}
	free(ci);
}

/* name of "name\tsummary" */
static void verb_name(const char *v, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)strcspn(v, "\t"), v);
}

/* Options as words: names without "=..." (with_values: only those that take a value). */
static void option_words(struct llmops_buf *b, const struct llmops_strlist *opts, int with_values)
{
	for (size_t k = 0; k < opts->nr; k++) {
		const char *o = opts->items[k], *eq = strchr(o, '=');
		if (with_values && !eq && o[1] == '-')
			continue;
		if (with_values && o[1] != '-')
			continue; /* a short option: its long form says it */
		llmops_buf_addf(b, "%s%.*s", b->len ? " " : "",
				(int)(eq ? eq - o : (long)strlen(o)), o);
	}
}

/* The commands' names, space-separated, into b (the caller's). */
static void command_names(struct llmops_buf *b, struct cmdinfo *ci)
{
	for (size_t i = 0; i < llmops_ncommands; i++)
		if (!is_hidden(ci[i].cmd->name))
			llmops_buf_addf(b, "%s%s", b->len ? " " : "", ci[i].cmd->name);
}

/* ------------------------------------------------------------ bash, zsh */

/* The tables as two shell functions bash and zsh both read: _llmops_table KIND CMD [VERB]
   (KIND verbs, opts or valued) and _llmops_choices CMD VERB OPTION. */
static void shell_tables(FILE *f, struct cmdinfo *ci)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	fputs("_llmops_table() { # KIND CMD [VERB]: the words the option tables give\n"
	      "\tcase \"$1 $2 $3\" in\n",
	      f);
	for (size_t i = 0; i < llmops_ncommands; i++) {
		const char *name = ci[i].cmd->name;
		if (is_hidden(name))
			continue;
		llmops_buf_reset(&b);
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char vn[64];
			verb_name(ci[i].verbs.items[v], vn, sizeof(vn));
			llmops_buf_addf(&b, "%s%s", v ? " " : "", vn);
		}
		if (b.len)
			fprintf(f, "\tverbs\\ %s\\ ) echo '%s' ;;\n", name, b.data);
		llmops_buf_reset(&b);
		option_words(&b, &ci[i].opts, 0);
		fprintf(f, "\topts\\ %s\\ ) echo '%s' ;;\n", name, b.data);
		llmops_buf_reset(&b);
		option_words(&b, &ci[i].opts, 1);
		fprintf(f, "\tvalued\\ %s\\ ) echo '%s' ;;\n", name, b.data);
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char vn[64];
			verb_name(ci[i].verbs.items[v], vn, sizeof(vn));
			llmops_buf_reset(&b);
			option_words(&b, &ci[i].vopts[v], 0);
			fprintf(f, "\topts\\ %s\\ %s) echo '%s' ;;\n", name, vn, b.data);
			llmops_buf_reset(&b);
			option_words(&b, &ci[i].vopts[v], 1);
			fprintf(f, "\tvalued\\ %s\\ %s) echo '%s' ;;\n", name, vn, b.data);
		}
	}
	fputs("\tesac\n}\n"
	      "_llmops_choices() { # CMD VERB OPTION: the values an option chooses from\n"
	      "\tcase \"$1 $2 $3\" in\n",
	      f);
	for (size_t i = 0; i < llmops_ncommands; i++) {
		const char *name = ci[i].cmd->name;
		for (size_t v = 0; !is_hidden(name) && v <= ci[i].verbs.nr; v++) {
			const struct llmops_strlist *o =
				v < ci[i].verbs.nr ? &ci[i].vopts[v] : &ci[i].opts;
			char vn[64] = "";
			if (v < ci[i].verbs.nr)
				verb_name(ci[i].verbs.items[v], vn, sizeof(vn));
			for (size_t k = 0; k < o->nr; k++) {
				const char *eq = strchr(o->items[k], '=');
				if (!eq || !eq[1])
					continue;
				llmops_buf_reset(&b);
				llmops_buf_adds(&b, eq + 1);
				for (char *p = b.data; *p; p++)
					if (*p == '|')
						*p = ' ';
				fprintf(f, "\t%s\\ %s\\ %.*s) echo '%s' ;;\n", name, vn,
					(int)(eq - o->items[k]), o->items[k], b.data);
			}
		}
	}
	fputs("\tesac\n}\n", f);
	llmops_buf_release(&b);
}

/* How bash and zsh find the command and the verb typed so far: the first words that are not
   options (nor the values of -C and --ledger); pre is llmops with those global options, for
   asking `llmops __complete` about the same repository and ledger. */
static void find_words(FILE *f, const char *words, int first, const char *last)
{
	fprintf(f,
		"\tlocal i w cmd= verb= skip=0\n"
		"\tlocal -a pre=(\"${%s[%d]}\")\n"
		"\tfor ((i = %d; i < %s; i++)); do\n"
		"\t\tw=${%s[i]}\n"
		"\t\tif ((skip)); then skip=0; pre+=(\"$w\"); continue; fi\n"
		"\t\tcase $w in\n"
		"\t\t-C | --ledger) [[ -z $cmd ]] && { skip=1; pre+=(\"$w\"); } ;;\n"
		"\t\t-*) ;;\n"
		"\t\t*) if [[ -z $cmd ]]; then cmd=$w\n"
		"\t\t   elif [[ -z $verb && \" $(_llmops_table verbs \"$cmd\") \" == *\" $w \"* "
		"]]; "
		"then verb=$w; fi ;;\n"
		"\t\tesac\n"
		"\tdone\n",
		words, first, first + 1, last, words);
}

#define GLOBAL_OPTIONS "-C --ledger --no-color --no-pager --version --help"

static void bash_script(FILE *f, struct cmdinfo *ci)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	fputs("# bash completion for llmops (generated by `llmops completion bash`)\n", f);
	shell_tables(f, ci);
	command_names(&b, ci);
	/* the candidates are data (run ids from the ledger, which came from a remote): split,
	   never expanded, as compgen -W would expand $(...) in them */
	fputs("_llmops_reply() {\n"
	      "\tlocal w\n"
	      "\tlocal -a list\n"
	      "\tCOMPREPLY=()\n"
	      "\tread -r -d '' -a list <<<\"$1\"\n"
	      "\tfor w in \"${list[@]}\"; do [[ $w == \"$2\"* ]] && COMPREPLY+=(\"$w\"); done\n"
	      "}\n"
	      "_llmops() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words\n",
	      f);
	find_words(f, "COMP_WORDS", 0, "COMP_CWORD");
	fprintf(f,
		"\t# the value of an option\n"
		"\tif [[ -n $cmd && $prev == -* && \" $(_llmops_table valued \"$cmd\" \"$verb\") "
		"\" "
		"== *\" $prev \"* ]]; then\n"
		"\t\tcase $prev in\n"
		"\t\t--prompt | -p) words=$(\"${pre[@]}\" __complete prompts 2>/dev/null) ;;\n"
		"\t\t*) words=$(_llmops_choices \"$cmd\" \"$verb\" \"$prev\")\n"
		"\t\t   case $words in\n"
		"\t\t   @files | '') COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
		"\t\t   @dirs) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
		"\t\t   @runs) words=$(\"${pre[@]}\" __complete runs 2>/dev/null) ;;\n"
		"\t\t   @prompts) words=$(\"${pre[@]}\" __complete prompts 2>/dev/null) ;;\n"
		"\t\t   @none) return ;;\n"
		"\t\t   esac ;;\n"
		"\t\tesac\n"
		"\t\t_llmops_reply \"$words\" \"$cur\"\n"
		"\t\treturn\n"
		"\tfi\n"
		"\tcase $prev in -C) COMPREPLY=($(compgen -d -- \"$cur\")); return ;; --ledger) "
		"COMPREPLY=($(compgen -f -- \"$cur\")); return ;; esac\n"
		"\tif [[ -z $cmd ]]; then\n"
		"\t\tif [[ $cur == -* ]]; then words='" GLOBAL_OPTIONS "'\n"
		"\t\telse words='%s'; fi\n"
		"\telif [[ $cur == -* ]]; then words=$(_llmops_table opts \"$cmd\" \"$verb\")\n"
		"\telif [[ -z $verb && -n $(_llmops_table verbs \"$cmd\") ]]; then "
		"words=$(_llmops_table "
		"verbs \"$cmd\")\n"
		"\telse\n"
		"\t\tcase \"$cmd $verb\" in\n"
		"\t\t'prompt '* | 'cost '*) words=$(\"${pre[@]}\" __complete prompts 2>/dev/null) "
		";;\n"
		"\t\t'show '* | 'diff '* | 'report '*) words=$(\"${pre[@]}\" __complete runs "
		"2>/dev/null) ;;\n"
		"\t\t'review show' | 'review accept' | 'review reject') words=$(\"${pre[@]}\" "
		"__complete reviews 2>/dev/null) ;;\n"
		"\t\t'review '*) return ;;\n"
		"\t\t'help '*) words='%s' ;;\n"
		"\t\t*) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
		"\t\tesac\n"
		"\tfi\n"
		"\t_llmops_reply \"$words\" \"$cur\"\n"
		"}\n"
		"complete -F _llmops llmops\n",
		b.data, b.data);
	llmops_buf_release(&b);
}

/* zsh: the same tables, and zsh's own completion functions, with the summaries of commands
   and verbs as descriptions. */
static void zsh_script(FILE *f, struct cmdinfo *ci)
{
	fputs("#compdef llmops\n"
	      "# zsh completion for llmops (generated by `llmops completion zsh`)\n",
	      f);
	shell_tables(f, ci);
	fputs("_llmops_described() { # CMD: the commands (no CMD) or CMD's verbs, NAME:SUMMARY\n"
	      "\tcase \"$1\" in\n\t'')\n",
	      f);
	for (size_t i = 0; i < llmops_ncommands; i++) {
		if (is_hidden(ci[i].cmd->name))
			continue;
		fprintf(f, "\t\techo '%s:", ci[i].cmd->name);
		for (const char *p = ci[i].cmd->summary; *p; p++)
			fputs(*p == '\'' ? "'\\''" : *p == ':' ? "\\:" : (char[]){*p, 0}, f);
		fputs("'\n", f);
	}
	fputs("\t\t;;\n", f);
	for (size_t i = 0; i < llmops_ncommands; i++) {
		if (is_hidden(ci[i].cmd->name) || !ci[i].verbs.nr)
			continue;
		fprintf(f, "\t%s)\n", ci[i].cmd->name);
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			const char *item = ci[i].verbs.items[v];
			fputs("\t\techo '", f);
			for (const char *p = item; *p; p++)
				fputs(*p == '\t'   ? ":"
				      : *p == '\'' ? "'\\''"
				      : *p == ':'  ? "\\:"
						   : (char[]){*p, 0},
				      f);
			fputs("'\n", f);
		}
		fputs("\t\t;;\n", f);
	}
	fputs("\tesac\n}\n"
	      "_llmops() {\n"
	      "\tlocal cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n"
	      "\tlocal -a vals described\n",
	      f);
	find_words(f, "words", 1, "CURRENT");
	fputs("\tif [[ -n $cmd && $prev == -* && \" $(_llmops_table valued \"$cmd\" \"$verb\") \" "
	      "== "
	      "*\" $prev \"* ]]; then\n"
	      "\t\tcase $prev in\n"
	      "\t\t--prompt | -p) vals=(${(f)\"$(\"${pre[@]}\" __complete prompts 2>/dev/null)\"}) "
	      ";;\n"
	      "\t\t*) vals=(${=\"$(_llmops_choices \"$cmd\" \"$verb\" \"$prev\")\"})\n"
	      "\t\t   case \"${vals[1]}\" in\n"
	      "\t\t   @files | '') _files; return ;;\n"
	      "\t\t   @dirs) _files -/; return ;;\n"
	      "\t\t   @runs) vals=(${(f)\"$(\"${pre[@]}\" __complete runs 2>/dev/null)\"}) ;;\n"
	      "\t\t   @prompts) vals=(${(f)\"$(\"${pre[@]}\" __complete prompts 2>/dev/null)\"}) "
	      ";;\n"
	      "\t\t   @none) return ;;\n"
	      "\t\t   esac ;;\n"
	      "\t\tesac\n"
	      "\t\tcompadd -a vals\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $prev in -C) _files -/; return ;; --ledger) _files; return ;; esac\n"
	      "\tif [[ -z $cmd ]]; then\n"
	      "\t\tif [[ $cur == -* ]]; then vals=(" GLOBAL_OPTIONS "); compadd -a vals\n"
	      "\t\telse described=(${(f)\"$(_llmops_described)\"}); _describe command described; "
	      "fi\n"
	      "\telif [[ $cur == -* ]]; then vals=(${=\"$(_llmops_table opts \"$cmd\" "
	      "\"$verb\")\"}); "
	      "compadd -a vals\n"
	      "\telif [[ -z $verb && -n $(_llmops_table verbs \"$cmd\") ]]; then\n"
	      "\t\tdescribed=(${(f)\"$(_llmops_described \"$cmd\")\"}); _describe verb described\n"
	      "\telse\n"
	      "\t\tcase \"$cmd $verb\" in\n"
	      "\t\t'prompt '* | 'cost '*) vals=(${(f)\"$(\"${pre[@]}\" __complete prompts "
	      "2>/dev/null)\"}); compadd -a vals ;;\n"
	      "\t\t'show '* | 'diff '* | 'report '*) vals=(${(f)\"$(\"${pre[@]}\" "
	      "__complete runs 2>/dev/null)\"}); compadd -a vals ;;\n"
	      "\t\t'review show' | 'review accept' | 'review reject') "
	      "vals=(${(f)\"$(\"${pre[@]}\" __complete reviews 2>/dev/null)\"}); compadd -a vals "
	      ";;\n"
	      "\t\t'review '*) ;;\n"
	      "\t\t'help '*) described=(${(f)\"$(_llmops_described)\"}); _describe command "
	      "described ;;\n"
	      "\t\t*) _files ;;\n"
	      "\t\tesac\n"
	      "\tfi\n"
	      "}\n"
	      "compdef _llmops llmops\n",
	      f);
}

/* ------------------------------------------------------------------- fish */

static void fish_escape(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			fputc('\\', f);
		fputc(s[i], f);
	}
}

static void fish_options(FILE *f, const struct llmops_strlist *o, const char *cond)
{
	for (size_t k = 0; k < o->nr; k++) {
		const char *s = o->items[k], *eq = strchr(s, '=');
		if (s[1] != '-')
			continue;
		fprintf(f, "complete -c llmops -n '%s' -l %.*s", cond,
			(int)(eq ? eq - s - 2 : (long)strlen(s) - 2), s + 2);
		static const char *const kinds[][2] = {
			{"@files", " -r -F"},
			{"@dirs", " -x -a '(__fish_complete_directories)'"},
			{"@runs", " -x -a '(llmops __complete runs 2>/dev/null)'"},
			{"@prompts", " -x -a '(llmops __complete prompts 2>/dev/null)'"},
			{"@none", " -x"}};
		int done = 0;
		for (size_t i = 0; eq && i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (!strcmp(eq + 1, kinds[i][0])) {
				fputs(kinds[i][1], f);
				done = 1;
			}
		if (!done && eq && eq[1]) {
			fputs(" -x -a '", f);
			for (const char *p = eq + 1; *p; p++)
				fputc(*p == '|' ? ' ' : *p, f);
			fputc('\'', f);
		} else if (!done && eq) {
			fputs(" -r", f);
		}
		fputc('\n', f);
	}
}

static void fish_script(FILE *f, struct cmdinfo *ci)
{
	struct llmops_buf all = LLMOPS_BUF_INIT;
	for (size_t i = 0; i < llmops_ncommands; i++)
		if (!is_hidden(ci[i].cmd->name))
			llmops_buf_addf(&all, "%s%s", all.len ? " " : "", ci[i].cmd->name);
	fprintf(f,
		"# fish completion for llmops (generated by `llmops completion fish`)\n"
		"complete -c llmops -f\n"
		"complete -c llmops -n 'not __fish_seen_subcommand_from %s' -s C -x -a "
		"'(__fish_complete_directories)'\n"
		"complete -c llmops -n 'not __fish_seen_subcommand_from %s' -l ledger -r\n"
		"complete -c llmops -n 'not __fish_seen_subcommand_from %s' -l no-color\n"
		"complete -c llmops -n 'not __fish_seen_subcommand_from %s' -l version\n",
		all.data, all.data, all.data, all.data);
	for (size_t i = 0; i < llmops_ncommands; i++) {
		const char *name = ci[i].cmd->name;
		char cond[512];
		if (is_hidden(name))
			continue;
		fprintf(f, "complete -c llmops -n '__fish_use_subcommand' -a %s -d '", name);
		fish_escape(f, ci[i].cmd->summary, strlen(ci[i].cmd->summary));
		fputs("'\n", f);
		struct llmops_buf vs = LLMOPS_BUF_INIT;
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char vn[64];
			verb_name(ci[i].verbs.items[v], vn, sizeof(vn));
			llmops_buf_addf(&vs, "%s%s", vs.len ? " " : "", vn);
		}
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			const char *item = ci[i].verbs.items[v], *tab = strchr(item, '\t');
			char vn[64];
			verb_name(item, vn, sizeof(vn));
			fprintf(f,
				"complete -c llmops -n '__fish_seen_subcommand_from %s; and not "
				"__fish_seen_subcommand_from %s' -a %s -d '",
				name, vs.data, vn);
			if (tab)
				fish_escape(f, tab + 1, strlen(tab + 1));
			fputs("'\n", f);
			snprintf(cond, sizeof(cond),
				 "__fish_seen_subcommand_from %s; and __fish_seen_subcommand_from "
				 "%s",
				 name, vn);
			fish_options(f, &ci[i].vopts[v], cond);
		}
		llmops_buf_release(&vs);
		snprintf(cond, sizeof(cond), "__fish_seen_subcommand_from %s", name);
		if (!ci[i].verbs.nr)
			fish_options(f, &ci[i].opts, cond);
	}
	/* prompt names after a verb of prompt (not among the verbs), and after cost */
	for (size_t i = 0; i < llmops_ncommands; i++) {
		if (strcmp(ci[i].cmd->name, "prompt"))
			continue;
		fputs("complete -c llmops -n '__fish_seen_subcommand_from prompt; and "
		      "__fish_seen_subcommand_from",
		      f);
		for (size_t v = 0; v < ci[i].verbs.nr; v++) {
			char vn[64];
			verb_name(ci[i].verbs.items[v], vn, sizeof(vn));
			fprintf(f, " %s", vn);
		}
		fputs("' -a '(llmops __complete prompts 2>/dev/null)'\n", f);
	}
	fputs("complete -c llmops -n '__fish_seen_subcommand_from cost' -a '(llmops "
	      "__complete prompts 2>/dev/null)'\n"
	      "complete -c llmops -n '__fish_seen_subcommand_from show diff report; and not "
	      "__fish_seen_subcommand_from review' -a "
	      "'(llmops __complete runs 2>/dev/null)'\n"
	      "complete -c llmops -n '__fish_seen_subcommand_from review; and "
	      "__fish_seen_subcommand_from show accept reject' -a "
	      "'(llmops __complete reviews 2>/dev/null)'\n"
	      "complete -c llmops -n '__fish_seen_subcommand_from eval ingest lint tokens' -F\n",
	      f);
	llmops_buf_release(&all);
}

int cmd_completion(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const synopsis[] = {"llmops completion bash|zsh|fish", NULL};
	static const struct llmops_usage usage = {
		"llmops completion",
		synopsis,
		"Print a completion script for the shell, generated from llmops's own\n"
		"command and option tables: commands, verbs, options and the values they\n"
		"choose from, prompt names and versions, run ids.  bash: source it, or put it\n"
		"in ~/.local/share/bash-completion/completions/llmops; zsh: as _llmops in a\n"
		"directory of $fpath; fish: ~/.config/fish/completions/llmops.fish.  meson\n"
		"install puts all three in the system's places.",
	};
	const struct llmops_option opts[] = {OPT_HELP_ENTRY, OPT_END_ENTRY};
	int n = llmops_parse_command(argc, argv, opts, &usage, 1, 1);
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	const char *sh = argv[0];
	if (strcmp(sh, "bash") && strcmp(sh, "zsh") && strcmp(sh, "fish")) {
		llmops_error("completion: no script for '%s'; bash, zsh or fish", sh);
		return LLMOPS_EXIT_USAGE;
	}
	/* the commands print nothing in dump mode; anything that slips out goes nowhere */
	fflush(stdout);
	FILE *saved = stdout, *null = fopen("/dev/null", "w");
	if (null)
		stdout = null;
	struct cmdinfo *ci = collect(ctx);
	stdout = saved;
	if (null)
		fclose(null);
	if (!ci) {
		llmops_error("out of memory");
		return LLMOPS_EXIT_RUNTIME;
	}
	if (!strcmp(sh, "fish"))
		fish_script(stdout, ci);
	else if (!strcmp(sh, "zsh"))
		zsh_script(stdout, ci);
	else
		bash_script(stdout, ci);
	release(ci);
	return fflush(stdout) ? LLMOPS_EXIT_RUNTIME : 0;
}

/* `llmops __complete prompts|runs|reviews`: candidates, one a line; silent when there are none. */
int cmd_complete(int argc, char **argv, struct llmops_ctx *ctx)
{
	struct llmops_err err = {0};
	if (argc != 2)
		return LLMOPS_EXIT_USAGE;
	if (!ctx->global_init) { /* libgit2 for the prompts; the table says NEED_NOTHING so that
				    an error is never printed */
		if (llmops_global_init(&err))
			return 0;
		ctx->global_init = 1;
	}
	if (!strcmp(argv[1], "prompts")) {
		struct llmops_workspace *ws;
		struct llmops_store *s = NULL;
		struct llmops_catalog cat;
		memset(&cat, 0, sizeof(cat));
		if (llmops_ctx_workspace(ctx, &ws) || !ws->in_repo ||
		    llmops_store_open(&s, ws->root, &err) ||
		    llmops_store_catalog(s, NULL, 0, &cat, &err)) {
			llmops_store_free(s);
			return 0;
		}
		for (size_t i = 0; i < cat.n; i++) {
			/* only names a prompt can have: a shell never gets anything else */
			if (llmops_prompt_name_check(cat.fam[i].name, "prompt name", NULL))
				continue;
			printf("%s\n", cat.fam[i].name);
			for (size_t k = 0; k < cat.fam[i].n; k++)
				printf("%s@%s\n", cat.fam[i].name, cat.fam[i].files[k].version);
		}
		llmops_catalog_release(&cat);
		llmops_store_free(s);
		return 0;
	}
	if (!strcmp(argv[1], "reviews")) { /* review ids, the pending first */
		struct llmops_ledger *lg;
		struct llmops_review **rv = NULL;
		size_t n = 0;
		FILE *saved = stderr;
		stderr = fopen("/dev/null", "w");
		int rc = llmops_ctx_ledger_read(ctx, &lg);
		if (stderr)
			fclose(stderr);
		stderr = saved;
		if (rc || llmops_ledger_reviews_list(lg, NULL, NULL, &rv, &n, &err))
			return 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n; i++)
				if ((pass == 0) == !strcmp(rv[i]->status, "pending"))
					printf("%lld\n", (long long)rv[i]->id);
		llmops_reviews_free(rv, n);
		return 0;
	}
	if (!strcmp(argv[1], "runs")) {
		struct llmops_ledger *lg;
		struct llmops_run_filter f = {0};
		struct llmops_run **runs = NULL;
		size_t n = 0;
		FILE *saved = stderr;
		f.limit = 100;
		stderr = fopen("/dev/null",
			       "w"); /* a note about a read-only ledger is no candidate */
		int rc = llmops_ctx_ledger_read(ctx, &lg);
		if (stderr)
			fclose(stderr);
		stderr = saved;
		if (rc || llmops_ledger_runs_list(lg, &f, &runs, &n, &err))
			return 0;
		puts("last");
		for (size_t i = 0; i < n; i++)
			if (llmops_runid_valid(runs[i]->id)) /* never a word a shell would act on */
				printf("%s\n", runs[i]->id);
		llmops_runs_free(runs, n);
		return 0;
	}
	return LLMOPS_EXIT_USAGE;
}
