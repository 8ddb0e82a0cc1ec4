/*
 * prompt_bundle.c - `llmops prompt bundle`: every pinned version (stable and
 * canary) in one JSON file an application loads without git (bundle.h).
 */
#include "prompt_cmd.h"

#include "bundle.h"
#include "cmdconfig.h"
#include "provider.h"
#include "options.h"
#include "pincheck.h"
#include "outfile.h"
#include "output.h"

#include <string.h>

int bundle_cascades(struct llmops_prompt_env *env, cJSON **out)
{
	struct llmops_config cfg = {0};
	struct llmops_pricing *prices = NULL;
	struct llmops_err err = {0};
	const char *root = llmops_store_root(env->store);
	int rc = config_load(root, &cfg, &prices);
	*out = NULL;
	if (!rc && llmops_cascades_json(cfg.providers, root, out, &err))
		rc = llmops_report(&err);
	llmops_config_release(&cfg);
	llmops_pricing_free(prices);
	return rc;
}

int prompt_bundle(int argc, char **argv, struct llmops_ctx *ctx)
{
	LLMOPS_USAGE(
		u, "llmops prompt bundle",
		"Write every version prompts.lock pins, stable and canary, to one JSON file\n"
		"an application loads at runtime without git: each version's text as\n"
		"committed (read by its pinned blob), its partials as pinned, its front-matter\n"
		"parameters, its weight, version, commit and content hash (stdout without\n"
		"-o).  llmops prompt verify --bundle FILE checks one against the lock.",
		"llmops prompt bundle [-o FILE]");
	const char *output = NULL;
	const struct llmops_option opts[] = {{OPT_STRING, 'o', "output", &output, "FILE",
					      "write the bundle to FILE", NULL, 0, 0},
					     OPT_HELP_ENTRY,
					     OPT_END_ENTRY};
	struct llmops_err err = {0};
	struct llmops_head h;
	struct llmops_prompt_env env;
	cJSON *b = NULL;
	int n = llmops_parse_command(argc, argv, opts, &u, 0, 0), rc;
	if (n < 0)
		return LLMOPS_OPT_EXIT(n);
	if ((rc = prompt_env_open(&env, ctx)))
		goto out;
	if (!env.lock.n) {
		llmops_error("bundle: nothing is pinned (%s); pin a version first (llmops prompt "
			     "pin NAME@VERSION)",
			     LLMOPS_LOCK_FILE);
		rc = LLMOPS_EXIT_USAGE;
		goto out;
	}
	/* a bundle of a lock that `prompt verify` rejects would ship what was never pinned */
	{
		struct llmops_snapshot *head = NULL;
		struct llmops_catalog cat = {0};
		int loaded = 0, bad = 0;
		char msg[1200];
		if (llmops_snapshot_open(&head, env.store, NULL, &err) &&
		    err.code != LLMOPS_E_NOTFOUND) {
			rc = llmops_report(&err);
			goto out;
		}
		for (size_t i = 0; i < env.lock.n; i++) {
			const struct llmops_lock_entry *es[2] = {
				&env.lock.e[i], llmops_lock_canary(&env.lock, env.lock.e[i].name)};
			for (int k = 0; k < 2 && es[k]; k++)
				if (llmops_pin_check(env.store, head, es[k], &cat, &loaded, msg,
						     sizeof(msg)) != LLMOPS_PIN_OK) {
					llmops_error("bundle: %s@%s: %s", es[k]->name,
						     es[k]->version, msg);
					bad++;
				}
		}
		llmops_catalog_release(&cat);
		llmops_snapshot_free(head);
		if (bad) {
			llmops_error("bundle: %d pin%s not what %s says ('llmops prompt verify' "
				     "fails too); no bundle written",
				     bad, bad == 1 ? " is" : "s are", LLMOPS_LOCK_FILE);
			rc = LLMOPS_EXIT_CHECK;
			goto out;
		}
	}
	if (llmops_store_head(env.store, &h, &err) ||
	    llmops_bundle_make(env.store, &env.lock, h.unborn ? "" : h.commit, &b, &err)) {
		rc = llmops_report(&err);
		goto out;
	}
	cJSON *cascades = NULL; /* the cascades llmops.json names: an application applies them */
	if ((rc = bundle_cascades(&env, &cascades)))
		goto out;
	if (cascades)
		cJSON_AddItemToObject(b, "cascades", cascades);
	struct outfile of;
	if ((rc = outfile_open(&of, output ? output : "-", "bundle", 0)))
		goto out;
	if (llmops_emit(of.f, b, LLMOPS_FORMAT_JSON)) {
		outfile_abort(&of);
		llmops_error("out of memory");
		rc = LLMOPS_EXIT_RUNTIME;
		goto out;
	}
	if ((rc = outfile_close(&of, "bundle")))
		goto out;
	if (output && strcmp(output, "-"))
		fprintf(stderr, "llmops: wrote %s (%zu prompt%s)\n", output, env.lock.n,
			env.lock.n == 1 ? "" : "s");
out:
	cJSON_Delete(b);
	llmops_prompt_env_close(&env);
	return rc;
}
