/*
 * detect.h - secrets and personal data in a text: what lint looks for in
 * the files a model sees, what eval looks for in each request before it is
 * sent and, as the no_secret and no_pii assertions, in each output.
 *
 * Secrets: the issuers' published formats (OpenAI, Anthropic, AWS, GitHub,
 * Slack, Google, Stripe, Hugging Face keys and tokens, PEM private key
 * blocks, JWTs), and a high-entropy value assigned to a secret-sounding
 * name (api_key=..., password: ...).  Personal data: e-mail addresses (the
 * RFC 2606 / 6761 reserved domains excepted), telephone numbers of 10-15
 * digits in a grouped form, and payment card numbers with an issuer prefix,
 * a length the issuer uses and a valid Luhn check digit.
 *
 * A finding gives the kind, where it starts and how long it is: callers
 * name the kind and the position, never the value.  The patterns are
 * compiled once per process (JIT where available) and shared: any number
 * of threads may scan at once.  Nothing here prints.
 */
#ifndef LLMOPS_DETECT_H
#define LLMOPS_DETECT_H

#include <stddef.h>

enum llmops_detection_kind {
	LLMOPS_DETECT_SECRET = 0,     /* a key or token in its issuer's format */
	LLMOPS_DETECT_SECRET_ENTROPY, /* a high-entropy value given to a secret-sounding name */
	LLMOPS_DETECT_EMAIL,
	LLMOPS_DETECT_PHONE,
	LLMOPS_DETECT_CARD,
	LLMOPS_DETECT_COUNT,
};

#define LLMOPS_DETECT_SECRETS ((1u << LLMOPS_DETECT_SECRET) | (1u << LLMOPS_DETECT_SECRET_ENTROPY))
#define LLMOPS_DETECT_PII                                                                          \
	((1u << LLMOPS_DETECT_EMAIL) | (1u << LLMOPS_DETECT_PHONE) | (1u << LLMOPS_DETECT_CARD))

struct llmops_detection {
	int kind; /* enum llmops_detection_kind */
	/* static: the secret's kind ("OpenAI API key"), a card's issuer ("Visa"), else
	   "e-mail address", "telephone number" */
	const char *what;
	size_t off, len; /* the value's bytes in the text */
	size_t digits;	 /* a telephone or card number's digits; else 0 */
};

/* Called for each finding in text order per kind; non-zero stops the scan and is returned. */
typedef int (*llmops_detection_fn)(const struct llmops_detection *f, void *ud);

/*
 * Scan text[off, end) (text may go on before off: a match never starts
 * before it, but the edges of a word are seen) for the kinds in mask
 * (1u << kind, or LLMOPS_DETECT_SECRETS | LLMOPS_DETECT_PII).  text must be
 * valid UTF-8 (llmops_utf8_invalid).  Returns 0, fn's non-zero return, or
 * LLMOPS_E_NOMEM (also when the patterns cannot be compiled, which only memory
 * stops).
 */
int llmops_detect(const char *text, size_t off, size_t end, unsigned mask, llmops_detection_fn fn,
		  void *ud);

/* "secret", "secret-entropy", "email", "phone", "card": a kind's short name (static). */
const char *llmops_detection_name(int kind);

#endif
