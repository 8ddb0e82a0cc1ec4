/*
 * sgr.h - the colours lib's text writers take: SGR sequences chosen by the
 * caller (a terminal, NO_COLOR), or "" each for none.
 */
#ifndef LLMOPS_UTIL_SGR_H
#define LLMOPS_UTIL_SGR_H

struct llmops_sgr {
	const char *bold, *red, *green, *yellow, *reset;
};
#define LLMOPS_SGR_NONE                                                                            \
	{                                                                                          \
		"", "", "", "", ""                                                                 \
	}

#endif
