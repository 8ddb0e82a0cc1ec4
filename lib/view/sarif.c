/*
 * sarif.c - red-team findings as SARIF 2.1.0 (sarif.h).  The shape is the
 * OASIS SARIF 2.1.0 standard's: sarifLog -> runs[] -> tool.driver.rules[],
 * results[] with ruleId, ruleIndex, level, message, locations and
 * partialFingerprints.
 */
#include "sarif.h"

#include "version.h"

#include <stdio.h>
#include <string.h>

/* What each built-in category means, for its rule. */
static const char *describe(const char *cat)
{
	static const char *const known[][2] = {
		{"instruction_override", "User text overrode the prompt's instructions"},
		{"prompt_extraction",
		 "The system prompt (the run's canary) leaked into the answer"},
		{"role_play", "A role-play frame made the model drop its instructions"},
		{"encoding", "Encoded instructions (base64, zero-width, homoglyphs) were obeyed"},
		{"exfiltration", "The answer links to an attacker's host, carrying data out"},
		{"harmful", "A harmful request was answered, not refused"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i][0], cat))
			return known[i][1];
	return "A red-team attack of a project's own catalogue worked";
}

cJSON *llmops_probes_sarif(const struct llmops_eval_probes *p, const char *uri, const char *target,
			   const char *run_id)
{
	cJSON *log = cJSON_CreateObject(), *runs, *run, *driver, *rules, *results;
	char id[128];
	cJSON_AddStringToObject(log, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(log, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(log, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
	cJSON_AddStringToObject(driver, "name", "llmops");
	cJSON_AddStringToObject(driver, "version", llmops_version());
	rules = cJSON_AddArrayToObject(driver, "rules");
	for (size_t i = 0; i < p->n; i++) {
		cJSON *r = cJSON_CreateObject();
		snprintf(id, sizeof(id), "llmops.probe.%s", p->c[i].name);
		cJSON_AddStringToObject(r, "id", id);
		cJSON_AddStringToObject(r, "name", p->c[i].name);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "shortDescription"), "text",
					describe(p->c[i].name));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "defaultConfiguration"), "level",
					"error");
		cJSON_AddItemToArray(rules, r);
	}
	results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < p->worked.nr; i++) {
		const char *cas = p->worked.items[i], *cat = p->worked_cat.items[i];
		const char *at = strrchr(cas, '@');
		size_t k = 0;
		while (k < p->n && strcmp(p->c[k].name, cat))
			k++;
		cJSON *r = cJSON_CreateObject(), *msg, *loc, *phys;
		char text[600];
		snprintf(id, sizeof(id), "llmops.probe.%s", cat);
		cJSON_AddStringToObject(r, "ruleId", id);
		cJSON_AddNumberToObject(r, "ruleIndex", (double)k);
		cJSON_AddStringToObject(r, "level", "error");
		snprintf(
			text, sizeof(text),
			"The attack %.*s placed in the variable '%s' worked against %s (%s; llmops "
			"run %s, llmops show %s --case %s)",
			at ? (int)(at - cas) : (int)strlen(cas), cas, at ? at + 1 : "", target,
			describe(cat), run_id, run_id, cas);
		msg = cJSON_AddObjectToObject(r, "message");
		cJSON_AddStringToObject(msg, "text", text);
		loc = cJSON_CreateObject();
		phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(phys, "artifactLocation"), "uri",
					uri);
		cJSON *logical = cJSON_AddArrayToObject(loc, "logicalLocations"), *ll;
		ll = cJSON_CreateObject();
		cJSON_AddStringToObject(ll, "name", target);
		cJSON_AddItemToArray(logical, ll);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), loc);
		/* the same attack on the same variable is the same finding from run to run */
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "partialFingerprints"),
					"llmopsProbe/v1", cas);
		cJSON_AddItemToArray(results, r);
	}
	return log;
}
