#include "util/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int64_t time_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int time_parse_rfc3339(const char *s, int64_t *out_ns)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	int64_t frac = 0, days, total;

	if (!strcmp(s, "now")) {
		*out_ns = time_now_ns();
		return 0;
	}
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (*p == '\0')
		goto done;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec))
		return -1;
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == '.') {
		int n = 0;

		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (n < 9) {
				frac = frac * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		while (n++ < 9)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;

		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 60 + om);
	} else {
		return -1;
	}
	if (*p)
		return -1;
done:
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	total = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	if (total > INT64_MAX / 1000000000 - 1 || total < INT64_MIN / 1000000000 + 1)
		return -2;
	*out_ns = total * 1000000000 + frac;
	return 0;
}

void time_format_rfc3339(int64_t ns, char *buf, size_t size)
{
	int64_t secs = ns / 1000000000, frac = ns % 1000000000, days, rem, y;
	unsigned m, d;

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (frac) {
		char f[16];
		int n = 9;

		snprintf(f, sizeof(f), "%09lld", (long long)frac);
		while (n > 1 && f[n - 1] == '0')
			n--;
		f[n] = '\0';
		snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%sZ", (long long)y, m, d,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), f);
	} else {
		snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	}
}

struct unit {
	const char *name;
	int64_t ns;
};

static const struct unit units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "µs", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "sec", 1000000000 },
	{ "secs", 1000000000 },
	{ "m", 60000000000 },
	{ "min", 60000000000 },
	{ "mins", 60000000000 },
	{ "h", 3600000000000 },
	{ "hr", 3600000000000 },
	{ "hrs", 3600000000000 },
	{ "hour", 3600000000000 },
	{ "hours", 3600000000000 },
	{ "d", 86400000000000 },
	{ "day", 86400000000000 },
	{ "days", 86400000000000 },
};

int duration_parse(const char *s, int64_t bare_unit_ns, int64_t *out_ns)
{
	const char *p = s;
	int64_t total = 0;
	int sign = 1, parts = 0;

	if (*p == '-') {
		sign = -1;
		p++;
	} else if (*p == '+') {
		p++;
	}
	if (!*p)
		return -1;
	while (*p) {
		int64_t whole = 0, frac = 0, fscale = 1, unit_ns = 0;
		const char *u;
		size_t ulen;
		int any = 0;

		while (isdigit((unsigned char)*p)) {
			if (whole > (INT64_MAX - 9) / 10)
				return -1;
			whole = whole * 10 + (*p++ - '0');
			any = 1;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				if (fscale < 1000000000000000000 / 10) {
					frac = frac * 10 + (*p - '0');
					fscale *= 10;
				}
				p++;
				any = 1;
			}
		}
		if (!any)
			return -1;
		u = p;
		while (*p && !isdigit((unsigned char)*p) && *p != '.')
			p++;
		ulen = (size_t)(p - u);
		if (ulen == 0) {
			if (parts || *p)
				return -1;
			unit_ns = bare_unit_ns;
		} else {
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (strlen(units[i].name) == ulen &&
				    !strncmp(units[i].name, u, ulen))
					unit_ns = units[i].ns;
			if (!unit_ns)
				return -1;
		}
		if (whole && unit_ns > INT64_MAX / whole)
			return -1;
		if (total > INT64_MAX - whole * unit_ns)
			return -1;
		total += whole * unit_ns;
		/* fraction: frac/fscale * unit_ns, computed without overflow */
		if (frac) {
			int64_t add = (int64_t)((__int128)frac * unit_ns / fscale);

			if (total > INT64_MAX - add)
				return -1;
			total += add;
		}
		parts++;
	}
	*out_ns = sign * total;
	return 0;
}
