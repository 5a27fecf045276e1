/* util/workload.c - rates and durations of time-based workloads (util/workload.h). */
#include "util/workload.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/timefmt.h"

struct unit {
	const char *name;
	double secs;
};

static const struct unit units[] = {
	{ "ms", 0.001 },  { "s", 1 },       { "sec", 1 },        { "secs", 1 },
	{ "m", 60 },      { "min", 60 },    { "mins", 60 },      { "h", 3600 },
	{ "hr", 3600 },   { "hrs", 3600 },  { "hour", 3600 },    { "hours", 3600 },
	{ "d", 86400 },   { "day", 86400 }, { "days", 86400 },
};

static int fail(int code, char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int code, char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (msg && size) {
		va_start(ap, fmt);
		vsnprintf(msg, size, fmt, ap);
		va_end(ap);
	}
	return code;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A decimal number at *p ("12", "2.5", ".5"): its value, *p past it. -1
 * when there is none. Up to 18 significant digits are kept (then one
 * division: the same double on every machine, whatever the locale).
 */
static int number(const char **p, double *out)
{
	const char *s = *p;
	uint64_t mant = 0;
	int digits = 0, scale = 0, exp10 = 0;
	bool any = false;
	double v;

	for (; is_digit(*s); s++, any = true)
		if (digits < 18) {
			mant = mant * 10 + (uint64_t)(*s - '0');
			digits += mant != 0;
		} else {
			exp10++;
		}
	if (*s == '.')
		for (s++; is_digit(*s); s++, any = true)
			if (digits < 18) {
				mant = mant * 10 + (uint64_t)(*s - '0');
				digits += mant != 0;
				scale++;
			}
	if (!any)
		return -1;
	v = (double)mant;
	for (int i = 0; i < exp10 && i < 400; i++)
		v *= 10;
	if (scale) {
		double d = 1;

		for (int i = 0; i < scale; i++)
			d *= 10;
		v /= d;
	}
	*out = v;
	*p = s;
	return 0;
}

/* Seconds per unit of the letters at *p (then *p past them), or 0. */
static double unit_secs(const char **p)
{
	const char *s = *p;
	size_t n = 0;

	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))
		n++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && !strncmp(units[i].name, s, n)) {
			*p = s + n;
			return units[i].secs;
		}
	return 0;
}

int workload_rate_parse(const char *s, double *per_s, char *msg, size_t size)
{
	const char *p = s;
	double n, secs;

	while (*p == ' ')
		p++;
	if (number(&p, &n) || *p++ != '/')
		return fail(WORKLOAD_ESYNTAX, msg, size,
			    "a rate is a count per unit, like 100/s, 6000/m or 360000/h, not '%s'",
			    s);
	secs = unit_secs(&p);
	while (*p == ' ')
		p++;
	if (!secs || *p || secs < 1)
		return fail(WORKLOAD_ESYNTAX, msg, size,
			    "'%s': a rate's unit is s, m or h (per second, minute, hour), like "
			    "100/s",
			    s);
	if (!(n > 0))
		return fail(WORKLOAD_EZERO, msg, size,
			    "a rate of 0 makes no traffic: give a count above 0, like 1/s");
	if (!(n / secs <= WORKLOAD_MAX_RATE))
		return fail(WORKLOAD_ELARGE, msg, size,
			    "'%s' is more than %.0f per second (the most a workload may run)", s,
			    WORKLOAD_MAX_RATE);
	*per_s = n / secs;
	return WORKLOAD_OK;
}

/* Seconds of "<number><unit>..." as a double (no bound), or -1 on bad syntax. */
static double duration_secs(const char *s, int64_t bare_unit_ns)
{
	const char *p = s;
	double total = 0;

	if (!*p)
		return -1;
	while (*p) {
		double n, u;

		if (number(&p, &n))
			return -1;
		if (!*p && p == s + strspn(s, "0123456789.")) {
			if (!bare_unit_ns)
				return -1;
			return n * (double)bare_unit_ns / 1e9;
		}
		u = unit_secs(&p);
		if (!u)
			return -1;
		total += n * u;
	}
	return total;
}

int workload_duration_parse(const char *s, int64_t bare_unit_ns, int64_t *ns, char *msg,
			    size_t size)
{
	double secs = duration_secs(s, bare_unit_ns);
	int64_t v;

	if (secs < 0)
		return fail(WORKLOAD_ESYNTAX, msg, size,
			    "a duration is a number and a unit (s, m, h or d), like 30s, 5m, "
			    "1h or 1d, not '%s'",
			    s);
	if (!(secs <= (double)WORKLOAD_MAX_DURATION_NS / 1e9))
		return fail(WORKLOAD_ELARGE, msg, size,
			    "'%s' is longer than a year (365d, the longest workload)", s);
	if (duration_parse(s, bare_unit_ns ? bare_unit_ns : 1000000000, &v) || v < 0)
		return fail(WORKLOAD_ESYNTAX, msg, size,
			    "a duration is a number and a unit (s, m, h or d), like 30s, 5m, "
			    "1h or 1d, not '%s'",
			    s);
	if (v == 0)
		return fail(WORKLOAD_EZERO, msg, size, "a duration of 0 makes no traffic");
	if (v > WORKLOAD_MAX_DURATION_NS)
		return fail(WORKLOAD_ELARGE, msg, size,
			    "'%s' is longer than a year (365d, the longest workload)", s);
	*ns = v;
	return WORKLOAD_OK;
}

void workload_rate_format(double per_s, char *buf, size_t size)
{
	snprintf(buf, size, "%.17g/s", per_s);
}
