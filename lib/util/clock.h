/*
 * clock.h - the monotonic clock every timer of llmops reads.
 */
#ifndef LLMOPS_UTIL_CLOCK_H
#define LLMOPS_UTIL_CLOCK_H

/* Milliseconds of the monotonic clock (not wall time: for durations only). */
double llmops_mono_ms(void);

#endif
