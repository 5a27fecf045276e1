/*
 * engine/failure.h - a failure as instrumented code records it
 * (semconv-facts.md): what a span's conventions set when it fails, and the
 * exception record. Pure functions of the span and the failure: no draw.
 *
 * A span's conventions are read from its attributes: http.request.method
 * (HTTP), rpc.system.name or rpc.system (RPC), db.system.name or db.system
 * (database). On failure:
 *   - HTTP: http.response.status_code from the error type (a status code
 *     given as the type, e.g. "503", is itself; timeout 504, unavailable
 *     503, invalid_arguments 400, a rate limit 429, else 500). A server span
 *     with a 4xx is not failed (status UNSET, no error.type); a client span
 *     fails on 4xx and 5xx.
 *   - RPC: rpc.response.status_code, a gRPC code name (DEADLINE_EXCEEDED,
 *     UNAVAILABLE, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, else UNKNOWN); a
 *     server span fails only on UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED,
 *     INTERNAL, UNAVAILABLE and DATA_LOSS.
 *   - database (SQL systems): db.response.status_code, a SQLSTATE (57014
 *     timeout, 08006 unavailable, 22023 invalid_arguments, else XX000).
 *   - error.attributes (own failure) are set over those; the status code
 *     they leave decides as above.
 *   - error.type: the type the scenario gave; a failure without one takes
 *     the status code its conventions set (HTTP code, RPC code, SQLSTATE),
 *     else _OTHER.
 * A span that fails gets status ERROR, the status message and error.type
 * (replacing an error.type it has).
 */
#ifndef ENGINE_FAILURE_H
#define ENGINE_FAILURE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/batch.h"
#include "util/arena.h"

struct failure {
	const char *type, *msg, *stack; /* stack: exception.stacktrace, NULL: none */
	uint32_t type_len, msg_len, stack_len;
	bool typed; /* the scenario named the type (else the conventions' code does) */
	const struct keyval *attrs; /* error.attributes (the failing span's own) */
	uint32_t nattrs;
};

/*
 * Record failure f on s (spare attribute slots: 2 + f->nattrs; texts in a). own: the
 * span's own failure (always applied); else a propagated one, which marks a
 * span once. Returns 1 when s is now failed (ERROR), 0 when its conventions
 * say it is not (a 4xx on an HTTP server: then a span a failing descendant
 * marked ERROR keeps that mark, its code and error.type); *as_propagated (may be NULL)
 * gets the failure its callers see: the type s ended with, typed, without
 * attributes.
 */
int failure_mark(struct span_out *s, const struct failure *f, bool own, struct arena *a,
		 struct failure *as_propagated);

/* The failure recorded on a failed span (its error.type and status message), for its exception. */
void failure_of(const struct span_out *s, struct failure *f);

/* The `exception` span event of f at time t (attributes in arena a). 0 or -1 (memory). */
int failure_event(const struct failure *f, int64_t t, struct arena *a, struct event_out *ev);

/*
 * The exception log record of f on span s at its end: exception.type,
 * exception.message (and exception.stacktrace), body the message, ERROR on
 * server, consumer and internal spans, WARN on client and producer spans.
 * 0 or -1 (memory).
 */
int failure_log(const struct failure *f, const struct span_out *s, struct batch *out);

/* SeverityText of a SeverityNumber range's first number (9 -> "INFO"), or NULL. */
const char *severity_text(uint8_t severity, uint32_t *len);

#endif
