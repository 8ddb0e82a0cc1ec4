/*
 * since.c - --since DATE|AGE (see since.h).
 */
#include "since.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void iso(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int llmops_since_parse(const char *s, uint64_t now_ms, char out[32], struct llmops_err *err)
{
	time_t now = (time_t)(now_ms / 1000);
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char *end;

	if (!s || !*s)
		goto bad;
	if (!strcmp(s, "today") || !strcmp(s, "yesterday")) {
		time_t t = now - (now % 86400) - (s[0] == 'y' ? 86400 : 0);
		iso(out, t);
		return LLMOPS_OK;
	}
	if (isdigit((unsigned char)s[0])) {
		long v = strtol(s, &end, 10);
		long unit = !strcmp(end, "m")	? 60
			    : !strcmp(end, "h") ? 3600
			    : !strcmp(end, "d") ? 86400
			    : !strcmp(end, "w") ? 7 * 86400
						: 0;
		if (unit && v >= 0 && v <= 100L * 366 * 86400 / unit) {
			iso(out, now - (time_t)(v * unit));
			return LLMOPS_OK;
		}
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		const char *t = s + 10;
		int m2 = 0;
		if (*t == 'T' || *t == ' ') {
			if (sscanf(t + 1, "%2d:%2d%n", &h, &mi, &m2) != 2 || m2 != 5)
				goto bad;
			t += 1 + m2;
			if (*t == ':') {
				if (sscanf(t + 1, "%2d%n", &sec, &m2) != 1 || m2 != 2)
					goto bad;
				t += 3;
			}
			if (*t == 'Z')
				t++;
		}
		if (*t || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
		    mi > 59 || sec > 59)
			goto bad;
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y % 10000, mo % 100,
			 d % 100, h % 100, mi % 100, sec % 100);
		return LLMOPS_OK;
	}
bad:
	return llmops_err_set(err, LLMOPS_E_USAGE,
			      "--since: '%s' is neither a date (2026-11-22, 2026-11-22T14:30Z) "
			      "nor an age (90m, 36h, 7d, 2w, today, yesterday)",
			      s ? s : "");
}

void llmops_time_iso(char out[32], uint64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03uZ", (unsigned)(ms % 1000));
}

double llmops_iso_ms(const char *s)
{
	if (!s)
		return NAN;
	struct tm tm = {0};
	int n = 0;
	double frac = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
		return NAN;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 3)
			return NAN;
		s += 1 + n;
		if (*s == '.') {
			char *end;
			frac = strtod(s, &end);
			s = end;
		}
	}
	long off = 0;
	if (*s == '+' || *s == '-') {
		int hh = 0, mm = 0;
		if (sscanf(s + 1, "%2d:%2d", &hh, &mm) < 1)
			return NAN;
		off = (hh * 60L + mm) * 60 * (*s == '+' ? 1 : -1);
	} else if (*s && strcmp(s, "Z")) {
		return NAN;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return NAN;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return ((double)timegm(&tm) - (double)off + frac) * 1000.0;
}
