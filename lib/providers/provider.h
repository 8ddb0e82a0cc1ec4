/*
 * provider.h - who answers a prompt, and the wire formats to ask them.
 *
 * Specs:
 *   openai:MODEL     an OpenAI-compatible /chat/completions endpoint: the
 *                    base URL from --base-url, else $OPENAI_BASE_URL, else
 *                    https://api.openai.com/v1; the key from $OPENAI_API_KEY
 *                    (or the variable api_key_env names)
 *   anthropic:MODEL  the Anthropic Messages API ($ANTHROPIC_BASE_URL, else
 *                    https://api.anthropic.com; key $ANTHROPIC_API_KEY)
 *   ollama:MODEL     a local Ollama's OpenAI-compatible endpoint at
 *                    $OLLAMA_HOST (default 127.0.0.1:11434) + /v1; no key
 *   exec:COMMAND     COMMAND split into argv as a POSIX shell would split
 *                    words (quotes and backslashes; no expansion, no shell),
 *                    the prompt on its stdin, the output from its stdout
 *   replay           the case's recorded "output"; nothing is sent
 *   cascade:A,B[,C]  tiers asked one after another: each case goes to A; its
 *                    answer escalates to B when it fails the cascade's check
 *                    (the case's own verdict, "pass"), and so on; named in
 *                    llmops.json as {"type": "cascade", "tiers": [...],
 *                    "check": "pass", "schema:FILE" or "logprob:MIN"}; a tier
 *                    is no cascade
 *   NAME             a provider named in llmops.json "providers": an object
 *                    with type (openai, anthropic, ollama, exec), model,
 *                    base_url, api_key_env, command (exec), temperature,
 *                    max_tokens, seed, stop, timeout_ms, stream, fallback
 *
 * API keys are read from the environment when a request is sent and go
 * only into its headers: never into a struct here, a message, the cache
 * key or the ledger.  Provider error messages are passed through
 * llmops_redact() before they are shown.
 */
#ifndef LLMOPS_PROVIDER_H
#define LLMOPS_PROVIDER_H

#include "buf.h"
#include "redact.h"
#include "error.h"
#include "hash.h"
#include "strlist.h"

#include <cjson/cJSON.h>
#include <stddef.h>

enum llmops_provider_type {
	LLMOPS_PROVIDER_OPENAI = 0,
	LLMOPS_PROVIDER_ANTHROPIC,
	LLMOPS_PROVIDER_OLLAMA,
	LLMOPS_PROVIDER_EXEC,
	LLMOPS_PROVIDER_REPLAY,
	LLMOPS_PROVIDER_CASCADE, /* never sent to: its tiers are (tiers, check) */
};

/* The most tiers a cascade has. */
#define LLMOPS_CASCADE_MAX 8

/* "openai", "anthropic", "ollama", "exec", "replay", "cascade" (static). */
const char *llmops_provider_type_name(int type);

struct llmops_provider {
	char *label;	   /* owned: the spec as given ("openai:gpt-4o-mini", "default") */
	int type;	   /* enum llmops_provider_type */
	char *model;	   /* owned; NULL for exec and replay */
	char *base_url;	   /* owned: no trailing '/'; NULL for exec and replay */
	char *api_key_env; /* owned: the variable holding the key; NULL when none is used */
	char **argv;	   /* owned, NULL-terminated: exec */
	double temperature;
	int has_temperature;
	long max_tokens; /* -1: unset */
	long seed;
	int has_seed;
	struct llmops_strlist stop;
	long timeout_ms; /* 0: the runner's default */
	int stream;	 /* ask for a streamed answer (time to first token) */
	char *fallback;	 /* owned: the spec of the fallback provider from llmops.json, or NULL */
	/* a cascade: its tiers' specs, in order (2 to LLMOPS_CASCADE_MAX), and when an answer
	   escalates: "pass" (the case's verdict), "schema:FILE" (the answer is JSON that
	   validates against the JSON Schema in FILE) or "logprob:MIN" (the mean
	   log-probability of the answer's tokens is at least MIN); owned */
	struct llmops_strlist tiers;
	char *check;
	char *const *env; /* borrowed: the environment keys and the exec child come from */
};

/* Overrides from the command line; NULL / negative fields leave the spec's value. */
struct llmops_provider_overrides {
	const char *base_url;
	double temperature; /* NAN: unset */
	long max_tokens;    /* < 0: unset */
	long seed;	    /* < 0: unset */
	const struct llmops_strlist *stop;
	int stream;	  /* 1: stream */
	char *const *env; /* the environment ("NAME=VALUE", as environ; see env.h): base URLs,
			     keys; borrowed, and must outlive the provider */
};

/*
 * Resolve spec against llmops.json's "providers" object (cfg, may be NULL)
 * and the environment.  *out is the caller's: llmops_provider_free().
 * Errors (LLMOPS_E_USAGE): an unknown type or name (naming what exists), a
 * malformed exec command, a llmops.json entry with a bad field.
 */
int llmops_provider_resolve(struct llmops_provider **out, const char *spec, const cJSON *cfg,
			    const struct llmops_provider_overrides *ov, struct llmops_err *err);
void llmops_provider_free(struct llmops_provider *p);

/*
 * Check that p can be used as configured: a hosted endpoint needs its key.
 * The error says which variable or flag to set, and that `--provider
 * replay` scores recorded outputs offline.
 */
int llmops_provider_usable(const struct llmops_provider *p, struct llmops_err *err);

/* A request ready to send (or to look up in the cache).  Owned by the caller. */
struct llmops_request {
	char *url;  /* owned; NULL for exec */
	char *body; /* owned: the JSON body, or the text for exec's stdin */
	size_t len;
	char key[LLMOPS_SHA256_HEX_LEN + 1]; /* cache key: SHA-256 of the canonical request */
};

void llmops_request_release(struct llmops_request *rq);

/*
 * The chat request for messages (a cJSON array of {role, content}).  The
 * body is canonical (fixed key order, no insignificant white space), so the
 * same request always has the same cache key; salt (may be NULL) is mixed
 * into the key only (e.g. the repeat index).
 */
int llmops_provider_chat_request(const struct llmops_provider *p, const cJSON *messages,
				 const char *salt, struct llmops_request *rq,
				 struct llmops_err *err);

/*
 * The same with extra members of the body (extra: an object, may be NULL;
 * a member the body has already is not replaced), for OpenAI-compatible
 * APIs (OpenAI, Ollama): "response_format" for a structured answer,
 * "logprobs" and "top_logprobs".  Anthropic's Messages API has no such
 * fields, and the request goes without them (the prompt must ask for the
 * shape).
 */
int llmops_provider_chat_request_extra(const struct llmops_provider *p, const cJSON *messages,
				       const char *salt, const cJSON *extra,
				       struct llmops_request *rq, struct llmops_err *err);

/* The embeddings request for texts[0..n) (OpenAI /embeddings). */
int llmops_provider_embed_request(const struct llmops_provider *p, const char *const *texts,
				  size_t n, struct llmops_request *rq, struct llmops_err *err);

/* A moderation request for text (OpenAI /moderations; the provider's model, else
   omni-moderation-latest).  LLMOPS_E_USAGE for a provider that has none. */
int llmops_provider_moderation_request(const struct llmops_provider *p, const char *text,
				       struct llmops_request *rq, struct llmops_err *err);

/* The category scores of a moderation answer (results[0].category_scores: an object of
   category -> number; the caller's: cJSON_Delete).  0, or LLMOPS_E_NET saying what is wrong. */
int llmops_provider_parse_moderation(const char *body, size_t len, cJSON **scores,
				     struct llmops_err *err);

/* What a chat answer says. */
struct llmops_answer {
	char *text;	 /* owned: the output */
	long tokens_in;	 /* -1: not reported */
	long tokens_out; /* -1: not reported */
	char *finish;	 /* owned: finish / stop reason, or NULL */
	/* owned: the tools it calls, OpenAI's shape [{"id", "type": "function", "function":
	   {"name", "arguments": "<JSON text>"}}] whatever the API; NULL when none */
	cJSON *tool_calls;
};

void llmops_answer_release(struct llmops_answer *a);

/*
 * Parse a complete (non-streamed or streamed) chat response body.
 * Errors: LLMOPS_E_NET with what is wrong ("the body is not JSON at byte
 * 12", "no choices in the answer").
 */
int llmops_provider_parse_chat(const struct llmops_provider *p, const char *body, size_t len,
			       int streamed, struct llmops_answer *a, struct llmops_err *err);

/*
 * Parse an embeddings response: *vecs (malloc'd, caller frees) holds n
 * vectors of *dims floats each, in input order.
 */
int llmops_provider_parse_embed(const char *body, size_t len, size_t n, double **vecs, size_t *dims,
				struct llmops_err *err);

/*
 * A provider's error response as one line: its message when the body is
 * an OpenAI or Anthropic error object, else the start of the body; key
 * material redacted.  Appended to out.
 */
void llmops_provider_error_text(const char *body, size_t len, struct llmops_buf *out);

/*
 * In a streamed body, whether the first piece of output text has arrived
 * (used for time to first token): scans the complete lines of s[0..len)
 * from *scanned on for a data: event that carries non-empty text, and
 * moves *scanned past the lines it read.
 */
int llmops_stream_has_content(int type, const char *s, size_t len, size_t *scanned);

/* llmops_redact() and llmops_redact_keys() are in redact.h. */

/*
 * Split an exec command line into argv (NULL-terminated, malloc'd; free
 * with llmops_argv_free).  Errors (LLMOPS_E_USAGE): an unclosed quote, an
 * empty command.
 */
int llmops_split_argv(const char *cmd, char ***argv, struct llmops_err *err);
void llmops_argv_free(char **argv);

/*
 * The cascades llmops.json's providers object names, as a bundle ships them: {"NAME":
 * {"tiers": [{"provider", "type", "model"}], "check", "schema" (the JSON Schema of a
 * schema:FILE check, read from FILE under root)}}, in the file's order, into *out (the
 * caller's; NULL when it names none).  An error for a cascade that cannot run.
 */
int llmops_cascades_json(const cJSON *providers, const char *root, cJSON **out,
			 struct llmops_err *err);

#endif
