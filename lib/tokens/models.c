/*
 * models.c - model name -> encoding, after tiktoken's MODEL_PREFIX_TO_ENCODING
 * and MODEL_TO_ENCODING (tiktoken/model.py) for OpenAI models; the chat
 * overhead from OpenAI's cookbook "How to count tokens with tiktoken"
 * (3 tokens per message, 1 more for a name, 3 to prime the reply).
 */
#include "models.h"

#include "tokenizer.h"

#include <cjson/cJSON.h>
#include <string.h>
#include <strings.h>

struct prefix_rule {
	const char *prefix;
	const char *encoding;
	const char *vendor;
	int exact;
};

static const char est_anthropic[] =
	"Anthropic's tokenizer is not public: counted with o200k_base (an estimate)";
static const char est_google[] =
	"Google's tokenizer is not built in: counted with o200k_base (an estimate)";
static const char est_mistral[] =
	"Mistral's tokenizer is not built in: counted with o200k_base (an estimate)";
static const char est_llama[] =
	"Llama 3's vocabulary extends cl100k_base: counted with cl100k_base (an estimate)";
static const char est_other[] =
	"this vendor's tokenizer is not built in: counted with o200k_base (an estimate)";

/* Longest prefix first where prefixes overlap (gpt-4o before gpt-4). */
static const struct prefix_rule rules[] = {
	{"gpt-4o", "o200k_base", "openai", 1},
	{"gpt-4.1", "o200k_base", "openai", 1},
	{"gpt-4.5", "o200k_base", "openai", 1},
	{"gpt-5", "o200k_base", "openai", 1},
	{"gpt-oss", "o200k_base", "openai", 1},
	{"chatgpt-4o", "o200k_base", "openai", 1},
	{"codex-", "o200k_base", "openai", 1},
	{"o1", "o200k_base", "openai", 1},
	{"o3", "o200k_base", "openai", 1},
	{"o4", "o200k_base", "openai", 1},
	{"gpt-4", "cl100k_base", "openai", 1},
	{"gpt-3.5", "cl100k_base", "openai", 1},
	{"gpt-35", "cl100k_base", "openai", 1}, /* Azure deployment names */
	{"text-embedding-3", "cl100k_base", "openai", 1},
	{"text-embedding-ada-002", "cl100k_base", "openai", 1},
	/* tiktoken's model table (model.py) maps the two base completion models
	   still served to cl100k_base */
	{"davinci-002", "cl100k_base", "openai", 1},
	{"babbage-002", "cl100k_base", "openai", 1},
	{"claude", "o200k_base", "anthropic", 0},
	{"gemini", "o200k_base", "google", 0},
	{"gemma", "o200k_base", "google", 0},
	{"mistral", "o200k_base", "mistral", 0},
	{"mixtral", "o200k_base", "mistral", 0},
	{"codestral", "o200k_base", "mistral", 0},
	{"ministral", "o200k_base", "mistral", 0},
	{"magistral", "o200k_base", "mistral", 0},
	{"pixtral", "o200k_base", "mistral", 0},
	{"devstral", "o200k_base", "mistral", 0},
	{"open-mistral", "o200k_base", "mistral", 0},
	{"llama", "cl100k_base", "meta", 0},
	{"meta-llama", "cl100k_base", "meta", 0},
};

const char *const llmops_model_examples[] = {
	"gpt-4o",
	"gpt-4o-mini",
	"gpt-4.1",
	"gpt-4.1-mini",
	"gpt-5",
	"gpt-5-mini",
	"o1",
	"o3",
	"o3-mini",
	"o4-mini",
	"gpt-4",
	"gpt-4-turbo",
	"gpt-3.5-turbo",
	"text-embedding-3-small",
	"claude-sonnet-4",
	"claude-opus-4",
	"claude-3-5-haiku",
	"gemini-2.5-pro",
	"gemini-2.5-flash",
	"mistral-large",
	"llama-3.1-70b",
	NULL,
};

static const char *basis_for(const char *vendor, const char *encoding)
{
	if (!strcmp(vendor, "anthropic"))
		return est_anthropic;
	if (!strcmp(vendor, "google"))
		return est_google;
	if (!strcmp(vendor, "mistral"))
		return est_mistral;
	if (!strcmp(vendor, "meta") && !strcmp(encoding, "cl100k_base"))
		return est_llama;
	return est_other;
}

/* Vendor prefixes a model may carry ("openai:gpt-4o", "openai/gpt-4o"). */
static const char *strip_vendor(const char *model, const char **vendor, size_t *vlen)
{
	const char *sep = strpbrk(model, ":/");
	*vendor = NULL;
	*vlen = 0;
	if (sep && sep > model) {
		*vendor = model;
		*vlen = (size_t)(sep - model);
		return sep + 1;
	}
	return model;
}

static int vendor_is(const char *v, size_t n, const char *name)
{
	return v && strlen(name) == n && !strncmp(v, name, n);
}

int llmops_model_tokens(const char *model, const char *vendor_hint, struct llmops_model_tokens *out)
{
	const char *vendor;
	size_t vlen;
	const char *name = strip_vendor(model, &vendor, &vlen);

	memset(out, 0, sizeof(*out));
	out->per_message = 3;
	out->per_name = 1;
	out->per_reply = 3;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t n = strlen(rules[i].prefix);
		if (strncasecmp(name, rules[i].prefix, n) != 0)
			continue;
		/* "o1" must not match "o100-foo": a prefix ends at a separator */
		if (name[0] == 'o' && name[n] && name[n] != '-' && name[n] != '.')
			continue;
		out->encoding = rules[i].encoding;
		out->vendor = rules[i].vendor;
		out->exact = rules[i].exact;
		if (!strcmp(out->vendor, "openai")) { /* gpt-4o's figures; gpt-4o-mini's own */
			int mini = !strncasecmp(name, "gpt-4o-mini", 11);
			out->img_base = mini ? 2833 : 85;
			out->img_tile = mini ? 5667 : 170;
			/* OpenAI's "Calculating costs" for images: these count 32 px patches */
			static const struct {
				const char *prefix;
				double mult;
			} patch[] = {{"gpt-4.1-mini", 1.62},
				     {"gpt-4.1-nano", 2.46},
				     {"gpt-5-mini", 1.62},
				     {"gpt-5-nano", 2.46},
				     {"o4-mini", 1.72}};
			for (size_t k = 0; k < sizeof(patch) / sizeof(*patch); k++)
				if (!strncasecmp(name, patch[k].prefix, strlen(patch[k].prefix)))
					out->img_patch_mult = patch[k].mult;
		}
		/* tiktoken's cookbook: gpt-3.5-turbo-0301 wraps a message in 4 tokens, and a
		   name replaces the role (-1) */
		if (!strncasecmp(name, "gpt-3.5-turbo-0301", 18) ||
		    !strncasecmp(name, "gpt-35-turbo-0301", 17)) {
			out->per_message = 4;
			out->per_name = -1;
		}
		out->img_anthropic = !strcmp(out->vendor, "anthropic");
		/* an OpenAI model served by someone else is tokenized the same way */
		out->basis = out->exact ? NULL : basis_for(out->vendor, out->encoding);
		return 1;
	}
	/* unknown name: a vendor from the prefix or the price table decides */
	const char *hint = vendor_hint;
	char vbuf[32];
	if (!hint && vendor && vlen < sizeof(vbuf)) {
		memcpy(vbuf, vendor, vlen);
		vbuf[vlen] = 0;
		hint = vbuf;
	}
	if (!hint)
		return 0;
	if (vendor_is(hint, strlen(hint), "openai") || vendor_is(hint, strlen(hint), "azure")) {
		out->encoding = "o200k_base";
		out->vendor = "openai";
		out->exact = 0;
		out->basis = "an OpenAI model tiktoken does not list: counted with o200k_base "
			     "(an estimate)";
		return 1;
	}
	out->encoding = "o200k_base";
	out->exact = 0;
	out->vendor = "other";
	out->basis = basis_for(hint, out->encoding);
	if (!strcmp(hint, "anthropic"))
		out->vendor = "anthropic";
	else if (!strcmp(hint, "google") || !strcmp(hint, "gemini") || !strcmp(hint, "vertex_ai"))
		out->vendor = "google";
	else if (!strcmp(hint, "mistral"))
		out->vendor = "mistral";
	return 1;
}
