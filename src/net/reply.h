/*
 * net/reply.h - reading what an OTLP endpoint answered, and deciding what
 * to do next: partial success, error messages, Retry-After, RetryInfo,
 * which statuses are retryable, and the backoff delay.
 *
 * Pure functions (reply_retry_after_ms takes the wall clock as an
 * argument), so every rule is unit-tested without a network. Messages
 * written here are sanitized for a terminal: control characters become
 * spaces, invalid UTF-8 becomes '?', and they are cut on a character
 * boundary to fit.
 */
#ifndef NET_REPLY_H
#define NET_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"

/*
 * An Export{Trace,Metrics,Logs}ServiceResponse for `signal` (protobuf, or
 * OTLP/JSON when json: rejected counts as numbers or strings, lowerCamelCase
 * or snake_case keys): *rejected and its error message into msg. An empty
 * body is a full success. Returns 0, or -1 when the body cannot be read.
 */
int reply_parse_export(int signal, bool json, const void *body, size_t len, int64_t *rejected,
		       char *msg, size_t size);

/*
 * The message of an error response body: a google.rpc.Status (protobuf,
 * its field 2) or JSON {"message": ...} as content_type says (may be NULL),
 * else the first 200 bytes as text. msg is "" when there is nothing.
 */
void reply_error_message(const char *content_type, const void *body, size_t len, char *msg,
			 size_t size);

/*
 * A google.rpc.Status: *code, its message into msg, and *retry_delay_ms
 * from a google.rpc.RetryInfo detail (-1 when there is none). 0 or -1.
 */
int reply_rpc_status(const void *buf, size_t len, int *code, char *msg, size_t size,
		     int64_t *retry_delay_ms);

/*
 * Retry-After as delta seconds or an HTTP date, as a delay from now_ms
 * (Unix ms) in ms, never negative; -1 when unreadable.
 */
int64_t reply_retry_after_ms(const char *value, int64_t now_ms);

/* HTTP 429, 502, 503, 504. */
bool reply_http_retryable(int status);
/* CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
 * DATA_LOSS; RESOURCE_EXHAUSTED only with RetryInfo. */
bool reply_grpc_retryable(int code, bool retry_info);
/* The gRPC code for a non-200 HTTP status (gRPC's HTTP mapping). */
int reply_grpc_from_http(int status);
/* "UNAVAILABLE" ...; "UNKNOWN" past 16. */
const char *reply_grpc_code_name(int code);

/*
 * Backoff before retry number `retry` (0 = the first): d = initial * 2^retry
 * capped at max_interval, then a draw from [d/2, 3d/2), capped at
 * max_interval again.
 */
int64_t reply_backoff_ms(int64_t initial, int64_t max_interval, uint32_t retry, struct rng *r);

/* Terminal-safe copy of in[0..len) into out (always NUL-terminated). */
void reply_sanitize(const void *in, size_t len, char *out, size_t size);

#endif
