/*
 * prompt_verify.c - `llmops prompt verify` (the CI gate over prompts.lock),
 * `resolve` (the version a key is served) and `rollback`.
 */
#include "prompt_cmd.h"
#include "pinning.h"
#include "verify.h"

#include "options.h"
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- verify ---- */

/* verify's findings as text: a line per problem and warning, then the verdict. */
static void verify_text(const cJSON *out, const struct llmops_prompt_env *env, const char *base,
			const struct llmops_ctx *ctx)
{
	const cJSON *it, *problems = cJSON_GetObjectItemCaseSensitive(out, "problems");
	cJSON_ArrayForEach (it, problems) {
		printf("%sFAIL%s %s@%s: %s\n", llmops_color(ctx, LLMOPS_SGR_RED),
		       llmops_color(ctx, LLMOPS_SGR_RESET),
		       cJSON_GetObjectItem(it, "prompt")->valuestring,
		       cJSON_GetObjectItem(it, "version")->valuestring,
		       cJSON_GetObjectItem(it, "message")->valuestring);
	}
	cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive(out, "warnings"))
		printf("%swarning%s %s\n", llmops_color(ctx, LLMOPS_SGR_YELLOW),
		       llmops_color(ctx, LLMOPS_SGR_RESET), it->valuestring);
	if (!env->lock_exists && !base)
		printf("nothing pinned (no %s)\n", LLMOPS_LOCK_FILE);
	else if (!cJSON_GetArraySize(problems))
		printf("%sok%s: %zu pinned prompt%s match%s %s%s%s\n",
		       llmops_color(ctx, LLMOPS_SGR_GREEN), llmops_color(ctx, LLMOPS_SGR_RESET),
		       env->lock.n, env->lock.n == 1 ? "" : "s", env->lock.n == 1 ? "es" : "",
		       env->lock.n == 1 ? "its blob" : "their blobs",
		       base ? "; no released version changed since " : "", base ? base : "");
}

int prompt_verify(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops prompt verify",
		"The CI gate.  Fails (exit 1) when a pinned file's content no longer matches\n"
		"its blob in prompts.lock, when a pinned file is missing, when the lock names\n"
		"a version that does not exist, and with --base, when a version file that\n"
		"exists at REV was changed since (released versions are immutable).  Needs\n"
		"only HEAD and REV themselves, so it works in a shallow clone.  With --bundle,\n"
		"also fail when FILE (llmops prompt bundle) does not hold exactly what the\n"
		"lock pins.",
		"llmops prompt verify [--base REV] [--bundle FILE] [--format FORMAT]");
	const char *format = "text", *base = NULL, *bundle = NULL;
	const struct llmops_option opts[] = {
		{OPT_STRING, 0, "base", &base, "REV",
		 "also fail when a version existing at REV changed", NULL, 0, 0},
		{OPT_STRING, 0, "bundle", &bundle, "FILE",
		 "also fail when the bundle FILE is not what the lock pins", NULL, 0, 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY,
	};
	struct llmops_err err = {0};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 0, 0), rc, np = 0;
	cJSON *out = NULL, *cascades = NULL;

	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		return rc;
	if (bundle && (rc = bundle_cascades(&env, &cascades)))
		goto out;
	if (!(out = llmops_pins_verify(&env, base, bundle, cascades, &err))) {
		rc = llmops_report(&err);
		goto out;
	}
	np = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "problems"));
	if (llmops_format_from(format) == LLMOPS_FORMAT_JSON) {
		if (llmops_emit(stdout, out, LLMOPS_FORMAT_JSON)) {
			llmops_error("out of memory");
			rc = LLMOPS_EXIT_RUNTIME;
		}
	} else {
		verify_text(out, &env, base, ctx);
	}
	if (!rc && np) {
		llmops_error("prompt verify: %d problem%s", np, np == 1 ? "" : "s");
		rc = LLMOPS_EXIT_CHECK;
	}
out:
	cJSON_Delete(out);
	cJSON_Delete(cascades);
	llmops_prompt_env_close(&env);
	return rc;
}

/* One key's version of NAME: a line "KEY VERSION BUCKET" (keys), else its own report. */
static void resolve_one(const struct llmops_lock *l, const char *name, const char *key, int json,
			int lines, cJSON *arr)
{
	int bucket = -1;
	const struct llmops_lock_entry *e = llmops_lock_resolve(l, name, key, &bucket);
	const struct llmops_lock_entry *cy = llmops_lock_canary(l, name);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "prompt", e->name);
		cJSON_AddStringToObject(o, "key", key);
		cJSON_AddNumberToObject(o, "bucket", bucket);
		cJSON_AddStringToObject(o, "version", e->version);
		cJSON_AddBoolToObject(o, "canary", e->weight > 0);
		cJSON_AddNumberToObject(o, "canary_weight", cy ? cy->weight : 0);
		cJSON_AddItemToArray(arr, o);
	} else if (lines) {
		printf("%s\t%s\t%d\n", key, e->version, bucket);
	} else {
		printf("%s@%s (bucket %d of 10000%s%s)\n", e->name, e->version, bucket,
		       e->weight ? "; the canary"
		       : cy	 ? "; stable"
				 : "",
		       cy ? (e->weight ? ", under its weight" : ", over the canary's weight") : "");
	}
}

int prompt_resolve_cmd(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops prompt resolve",
		"The version prompts.lock serves KEY (a user or conversation id): its bucket\n"
		"is the first 16 hex digits of SHA-256(NAME \"\\n\" KEY) modulo 10000, and a\n"
		"bucket below 100 x the canary's weight gets the canary, any other the stable\n"
		"version (llmops-prompt(1) gives test vectors for other languages).  --keys\n"
		"FILE resolves one key per line (\"-\": stdin) to lines KEY, version, bucket.",
		"llmops prompt resolve NAME (--key KEY | --keys FILE) [--format FORMAT]");
	const char *key = NULL, *keys = NULL, *format = "text";
	const struct llmops_option opts[] = {
		{OPT_STRING, 'k', "key", &key, "KEY", "the user or conversation id", NULL, 0, 0},
		{OPT_STRING, 0, "keys", &keys, "FILE", "one key per line (- for stdin)", NULL, 0,
		 0},
		OPT_FORMAT_ENTRY(&format),
		OPT_HELP_ENTRY,
		OPT_END_ENTRY};
	struct llmops_prompt_env env;
	int n = llmops_parse_command(argc, argv, opts, &u, 1, 1), rc;
	int json = llmops_format_from(format) == LLMOPS_FORMAT_JSON;
	FILE *in = NULL;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if (!key == !keys) {
		llmops_error("resolve: whose version? give --key KEY (a user or conversation id) "
			     "or --keys FILE, one of them");
		return LLMOPS_EXIT_USAGE;
	}
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	if (!llmops_lock_find(&env.lock, argv[0])) {
		llmops_error("resolve: '%s' is not pinned in %s; pin a version (llmops prompt pin "
			     "%s@VERSION)",
			     argv[0], LLMOPS_LOCK_FILE, argv[0]);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	if (keys && !(in = strcmp(keys, "-") ? fopen(keys, "r") : stdin)) {
		llmops_error("resolve: cannot read '%s': %s", keys, strerror(errno));
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	if (key) {
		resolve_one(&env.lock, argv[0], key, json, 0, arr);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, in)) >= 0) {
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = 0;
			if (len)
				resolve_one(&env.lock, argv[0], line, json, 1, arr);
		}
		free(line);
	}
	if (json) { /* one key: its object; --keys: the array */
		cJSON *one = key ? cJSON_DetachItemFromArray(arr, 0) : NULL;
		rc = llmops_emit(stdout, one ? one : arr, LLMOPS_FORMAT_JSON) ? LLMOPS_EXIT_RUNTIME
									      : 0;
		cJSON_Delete(one);
	}
	cJSON_Delete(arr);
out:
	if (in && in != stdin)
		fclose(in);
	llmops_prompt_env_close(&env);
	return rc;
}

/* The oldest commit that pinned NAME's current stable version, and what it replaced: a
   version a rollback pinned again goes back past where it first came in, so each rollback
   is one more step back (v3, v2, v1), never a return to what was rolled back from. */
int prompt_rollback(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops prompt rollback",
		"Return NAME to the stable version pinned before the current one, found in\n"
		"the history of prompts.lock (the first commit that pinned the current version,\n"
		"and the lock at its parent): its record as it was pinned then, partials and\n"
		"all.  Rolling back again goes one more step back (v3, v2, v1).  A canary is\n"
		"dropped.",
		"llmops prompt rollback NAME");
	struct llmops_pin_result r;
	int rc = prompt_lock_verb(argc, argv, &u, ctx, llmops_pin_rollback, &r);
	if (rc)
		return rc < 0 ? 0 : rc;
	printf("rolled back %s to %s (as pinned before commit %.12s); was %s\n", r.e.name,
	       r.e.version, r.commit, r.was);
	fprintf(stderr, "commit %s to release it\n", LLMOPS_LOCK_FILE);
	return 0;
}
