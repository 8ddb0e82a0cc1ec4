/*
 * prompt_pin.c - the verbs that change the store: new, pin, promote and unpin
 * (their rules are lib/project's pinning.c and newversion.c).
 */
#include "prompt_cmd.h"
#include "newversion.h"
#include "pinning.h"

#include "options.h"

#include <math.h>

int prompt_new(int argc, char **argv, struct llmops_ctx *ctx)
{
	static const char *const bumps[] = {"major", "minor", "patch", NULL};
	LLMOPS_USAGE(u, "llmops prompt new",
		     "Write the next version of NAME, copied from its newest version (work tree\n"
		     "copy if there is one), for editing: --bump minor (the default) turns v1.2.3\n"
		     "into v1.3.0.  A new family starts at v1.0.0 from a small template.  Prints\n"
		     "the new file's path.",
		     "llmops prompt new NAME [--bump major|minor|patch]");
	const char *bump = "minor";
	const struct llmops_option opts[] = {
		{OPT_CHOICE, 0, "bump", &bump, "PART", "major, minor (default) or patch", bumps, 0,
		 0},
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_new_version nv;
	struct llmops_promptref ref;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (llmops_promptref_parse(&ref, argv[0], 0, 0, &err))
		return llmops_report(&err);
	if (ref.version[0]) {
		llmops_error("new: give the family name only ('%s'); the version comes from "
			     "--bump",
			     ref.name);
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_prompt_new_version(&env, ref.name, bump, &nv, &err)) {
		rc = llmops_report(&err);
	} else {
		printf("%s\n", nv.path);
		if (nv.from[0])
			fprintf(stderr,
				"copied from %s@%s; edit it, commit it, then 'llmops prompt pin "
				"%s@%s'\n",
				ref.name, nv.from, ref.name, nv.version);
		else
			fprintf(stderr,
				"new prompt '%s'; edit it, commit it, then 'llmops prompt pin "
				"%s@%s'\n",
				ref.name, ref.name, nv.version);
	}
	llmops_prompt_env_close(&env);
	return rc;
}

/* ---- pin ---- */

int prompt_promote(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt promote",
		     "Make NAME's canary its stable version (all of the traffic): the canary's\n"
		     "entry, as it was pinned, replaces the stable one in prompts.lock.",
		     "llmops prompt promote NAME");
	struct llmops_pin_result r;
	int rc = prompt_lock_verb(argc, argv, &u, ctx, llmops_pin_promote, &r);
	if (rc)
		return rc < 0 ? 0 : rc;
	printf("promoted %s@%s to stable (was %s)\n", r.e.name, r.e.version, r.was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
	return 0;
}

/* What pin did, on stdout; what to do next on stderr. */
static void pin_said(const struct llmops_pin_result *r, int canary)
{
	const struct llmops_lock_entry *e = &r->e;
	if (canary && r->unchanged) {
		printf("%s@%s is already the canary at %d%%\n", e->name, e->version, e->weight);
		return;
	}
	if (r->unchanged) {
		printf("%s@%s is already pinned (blob %.12s)\n", e->name, e->version, e->blob);
		return;
	}
	if (canary)
		printf("pinned %s@%s as a canary: %d%% of the traffic, %d%% on %s (blob %.12s, "
		       "commit %.12s)\n",
		       e->name, e->version, e->weight, 100 - e->weight, r->stable, e->blob,
		       e->commit);
	else
		printf("pinned %s@%s (blob %.12s, commit %.12s%s)%s%s\n", e->name, e->version,
		       e->blob, e->commit, r->detached ? ", detached HEAD" : "",
		       r->was[0] ? "; was " : "", r->was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
}

int prompt_pin(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt pin",
		     "Record in prompts.lock the version production uses: its path, the HEAD\n"
		     "commit, the git blob id and the SHA-256 of the committed content.  Without\n"
		     "NAME, the family is the directory you are in (prompts/NAME/) or the only\n"
		     "one with that version.  Refuses uncommitted or modified files, and anything\n"
		     "that is not vMAJOR.MINOR.PATCH (\"latest\" is not a version).  With\n"
		     "--canary PCT, the version is pinned beside the stable one to take PCT% of\n"
		     "the traffic (llmops prompt resolve says which version a key gets; llmops\n"
		     "prompt promote makes it stable).",
		     "llmops prompt pin [NAME@]VERSION [--canary PCT]");
	double canary = NAN;
	const struct llmops_option opts[] = {
		OPT_NUMBER_ENTRY(0, "canary", &canary, "PCT",
				 "pin it as a canary taking PCT% of the traffic (1 to 99)", 1, 99),
		OPT_HELP_ENTRY, OPT_END_ENTRY};
	struct llmops_pin_result r;
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (llmops_pin(&env, argv[0], canary, &r, &err))
		rc = llmops_report(&err);
	else
		pin_said(&r, !isnan(canary));
	llmops_prompt_env_close(&env);
	return rc;
}

int prompt_unpin(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(u, "llmops prompt unpin", "Remove NAME from prompts.lock (atomically).",
		     "llmops prompt unpin NAME");
	struct llmops_pin_result r;
	int rc = prompt_lock_verb(argc, argv, &u, ctx, llmops_pin_remove, &r);
	if (rc)
		return rc < 0 ? 0 : rc;
	printf("unpinned %s (was %s)\n", r.e.name, r.was);
	return 0;
}
