/*
 * lint_secrets.c - secrets and personal data in text that would reach a
 * model: the findings of detect.h as lint rules.  A finding names the kind
 * and length, never the value.  Personal data is looked for in prompt
 * text only.
 */
#include "internal.h"

#include "detect.h"

struct scan {
	struct llmops_lint *l;
	const struct lint_file *f;
};

static int report(const struct llmops_detection *x, void *ud)
{
	struct scan *sc = ud;
	switch (x->kind) {
	case LLMOPS_DETECT_SECRET:
		lint_report_at(sc->l, sc->f, x->off, LR_SECRET,
			       "%s (%zu characters); remove it and rotate it: secrets belong in "
			       "the environment, and anything here is sent to a model",
			       x->what, x->len);
		break;
	case LLMOPS_DETECT_SECRET_ENTROPY:
		lint_report_at(sc->l, sc->f, x->off, LR_SECRET_ENTROPY,
			       "a high-entropy value (%zu characters) assigned to a "
			       "secret-sounding name; keep secrets in the environment, "
			       "never in files a model sees",
			       x->len);
		break;
	case LLMOPS_DETECT_EMAIL:
		lint_report_at(sc->l, sc->f, x->off, LR_PII_EMAIL,
			       "an e-mail address: personal data sent to a model with every "
			       "request; use a variable or a reserved domain (example.com)");
		break;
	case LLMOPS_DETECT_PHONE:
		lint_report_at(sc->l, sc->f, x->off, LR_PII_PHONE,
			       "a telephone number (%zu digits): personal data sent to a "
			       "model with every request; use a variable or a fictional "
			       "number",
			       x->digits);
		break;
	case LLMOPS_DETECT_CARD:
		lint_report_at(sc->l, sc->f, x->off, LR_PII_CARD,
			       "a %s card number (%zu digits, valid check digit); remove "
			       "it: card data must never reach a model",
			       x->what, x->digits);
		break;
	}
	return 0;
}

/* The findings of the kinds in mask whose rules are on, in f's [off, end). */
static int scan(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end,
		unsigned mask)
{
	static const int rule[LLMOPS_DETECT_COUNT] = {
		[LLMOPS_DETECT_SECRET] = LR_SECRET,
		[LLMOPS_DETECT_SECRET_ENTROPY] = LR_SECRET_ENTROPY,
		[LLMOPS_DETECT_EMAIL] = LR_PII_EMAIL,
		[LLMOPS_DETECT_PHONE] = LR_PII_PHONE,
		[LLMOPS_DETECT_CARD] = LR_PII_CARD,
	};
	struct scan sc = {l, f};
	for (int k = 0; k < LLMOPS_DETECT_COUNT; k++)
		if (!lint_on(l, rule[k]))
			mask &= ~(1u << k);
	if (!f->utf8_ok) /* the patterns read UTF-8; e-mail addresses are found in bytes */
		mask &= 1u << LLMOPS_DETECT_EMAIL;
	if (!mask)
		return LLMOPS_OK;
	int rc = llmops_detect(f->text, off, end, mask, report, &sc);
	if (rc == LLMOPS_E_NOMEM)
		l->oom = 1;
	return rc;
}

int lint_secrets(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end)
{
	return scan(l, f, off, end, LLMOPS_DETECT_SECRETS);
}

int lint_pii(struct llmops_lint *l, const struct lint_file *f, size_t off, size_t end)
{
	return scan(l, f, off, end, LLMOPS_DETECT_PII);
}
