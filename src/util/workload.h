/*
 * util/workload.h - the rate and duration of a time-based workload, as
 * every front end writes them (the native dialect's `rate:`/`duration:`,
 * the Dreamweaver dialect's `workload:`, the CLI's --rate/--duration).
 *
 * Rates: "<count>/<unit>", count a decimal number above 0 ("20", "2.5",
 * "360000"), unit s, m or h (also sec, min, hr, hour, d, day and their
 * plurals): "100/s", "6000/m" and "360000/h" are the same 100 per second.
 * At most WORKLOAD_MAX_RATE per second.
 *
 * Durations: "<number><unit>", parts may follow one another ("1h30m"),
 * units s/sec/secs, m/min/mins, h/hr/hrs/hour/hours, d/day/days (and ms);
 * a bare number is in `bare_unit_ns` units (0: refused, a unit is needed).
 * Above 0 and at most WORKLOAD_MAX_DURATION_NS (one year); "10^30 hours"
 * is refused as too long, not as bad syntax.
 *
 * Both return WORKLOAD_OK or a WORKLOAD_E* code and, on an error, write a
 * message that names no key and no position into msg (the caller adds
 * them: "'rate': <msg>"), e.g. "a rate needs a count per unit, like 100/s,
 * not 'fast'". msg may be NULL.
 *
 * Using it from a loader (what load/workload.c does for the native keys):
 *
 *     char msg[200];
 *     double per_s;
 *     if (workload_rate_parse(v->str, &per_s, msg, sizeof(msg)))
 *             return schema_error(c, OTELSIM_EINPUT, v, "'rate': %s", msg);
 *     sc->workload.rate_per_s = per_s;
 *
 * and the same with workload_duration_parse for sc->workload.duration_ns
 * (model/model.h struct workload_spec; set has_rate / has_duration).
 */
#ifndef UTIL_WORKLOAD_H
#define UTIL_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define WORKLOAD_MAX_RATE        1000000.0              /* per second */
#define WORKLOAD_MAX_DURATION_NS 31536000000000000LL    /* 365 days */
#define WORKLOAD_WINDOW_NS       1000000000LL           /* the engine's window: 1 s */

enum {
	WORKLOAD_OK = 0,
	WORKLOAD_ESYNTAX = -1, /* not a rate / duration */
	WORKLOAD_EZERO = -2,   /* 0 (or negative) */
	WORKLOAD_ELARGE = -3,  /* above the bound */
};

int workload_rate_parse(const char *s, double *per_s, char *msg, size_t size);
int workload_duration_parse(const char *s, int64_t bare_unit_ns, int64_t *ns, char *msg,
			    size_t size);

/* "20/s", "2.5/s", "0.001/s": a rate as --rate reads it back (%.17g per second). */
void workload_rate_format(double per_s, char *buf, size_t size);

#endif
