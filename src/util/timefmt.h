/*
 * util/timefmt.h - RFC 3339 times and durations, without the C library's
 * time-zone machinery (no gmtime/localtime/mktime: results never depend on
 * TZ or locale). Times are int64 nanoseconds since the Unix epoch, UTC.
 */
#ifndef UTIL_TIMEFMT_H
#define UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123+02:00",
 * "2026-01-01" (midnight UTC) or "now" (the wall clock; the only place the
 * engine's inputs may touch it). Returns 0, -1 (not such a time) or -2 (a
 * well-formed time past what int64 nanoseconds hold: before 1677-09-21 or
 * after TIME_MAX_TEXT).
 */
#define TIME_MAX_TEXT "2262-04-11T23:47:15Z"

int time_parse_rfc3339(const char *s, int64_t *out_ns);

/* "2026-01-01T00:00:00Z" or with ".123456789" when there are nanoseconds. */
void time_format_rfc3339(int64_t ns, char *buf, size_t size);

/*
 * Durations: "500ms", "1.5s", "2m", "1h30m", "250us", "10ns", "1d", or a
 * bare number in `bare_unit_ns` units (pass 1000000 for milliseconds).
 * Returns 0 or -1 (bad syntax or int64 overflow).
 */
int duration_parse(const char *s, int64_t bare_unit_ns, int64_t *out_ns);

/* Days since 1970-01-01 for a civil date (proleptic Gregorian). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Wall clock (CLOCK_REALTIME) and a monotonic clock, in ns. */
int64_t time_now_ns(void);
int64_t time_mono_ns(void);

#endif
