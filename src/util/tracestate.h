/*
 * util/tracestate.h - the W3C Trace Context `tracestate` header's grammar
 * (https://www.w3.org/TR/trace-context/#tracestate-header), for the
 * trace_state a scenario gives a span or a link.
 *
 * A value is 1 to 32 list members "key=value" joined by ',' (spaces and
 * tabs around each member allowed); a key is a simple key (a lowercase
 * letter, then up to 255 of a-z 0-9 _ - * /) or tenant@system (tenant: a
 * lowercase letter or digit then up to 240 of those characters, system: a
 * lowercase letter then up to 13); a value is 1 to 256 printable ASCII
 * characters but ',' and '=', not ending in a space; no key twice.
 *
 * tracestate_check returns 0 when `s` is valid, else -1 with a reason
 * ("member 2: key 'Bad' must start with a lowercase letter") in why[n].
 * Pure: no allocation, no state.
 */
#ifndef UTIL_TRACESTATE_H
#define UTIL_TRACESTATE_H

#include <stddef.h>

#define TRACESTATE_MAX_MEMBERS 32

int tracestate_check(const char *s, size_t len, char *why, size_t n);

#endif
