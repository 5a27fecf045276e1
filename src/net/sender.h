/*
 * net/sender.h - posts OTLP export requests to an endpoint, losing nothing.
 *
 * Transport only: the caller hands over a finished request body (protobuf
 * Export*ServiceRequest bytes, or OTLP/JSON when `json`), already split to
 * size; the sender posts it over OTLP/HTTP (protobuf or JSON) or OTLP/gRPC
 * (HTTP/2 through libcurl), optionally gzip-compressed, with up to
 * `concurrency` requests in flight. It retries only what the specification
 * calls retryable (HTTP 429/502/503/504, connection failures and timeouts;
 * gRPC CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
 * DATA_LOSS, and RESOURCE_EXHAUSTED only with RetryInfo), with exponential
 * backoff and jitter, honouring Retry-After, until retry_max_elapsed_ms.
 * Partial success is reported, never retried. Each request ends in exactly
 * one call of `done` (from inside sender_submit/sender_drain, on the
 * caller's thread), in completion order.
 *
 * Header values and credentials never appear in messages.
 */
#ifndef NET_SENDER_H
#define NET_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

enum sender_protocol { SENDER_HTTP_PROTOBUF = 0, SENDER_HTTP_JSON, SENDER_GRPC };

struct sender_config {
	int protocol;                  /* enum sender_protocol */
	const char *url[3];            /* full URL per signal (OTELSIM_TRACES..LOGS) */
	const char *const *headers;    /* "Key: value" */
	size_t nheaders;
	bool gzip;
	int64_t timeout_ms;            /* per attempt; default 10000 */
	const char *cacert, *cert, *key;
	bool insecure;                 /* skip TLS verification (only when asked) */
	unsigned concurrency;          /* requests in flight; default 1 */
	int64_t retry_initial_ms;      /* default 500 */
	int64_t retry_max_interval_ms; /* default 30000 */
	int64_t retry_max_elapsed_ms;  /* default 300000; 0 = no retries */
	uint64_t jitter_seed;          /* backoff jitter stream */
};

enum send_outcome { SEND_OK = 0, SEND_PARTIAL, SEND_FAILED };

struct send_result {
	int outcome;           /* enum send_outcome */
	uint64_t items;        /* as given in the request */
	int64_t rejected;      /* partial success: rejected items */
	int http_status;       /* last HTTP status (0: none) */
	int grpc_status;       /* last grpc-status (-1: none) */
	uint32_t retries;      /* attempts after the first */
	uint64_t bytes;        /* body bytes sent on the wire (last attempt) */
	char message[512];     /* server's message / partial_success.error_message */
};

struct send_req {
	int signal;            /* OTELSIM_TRACES, OTELSIM_METRICS, OTELSIM_LOGS */
	const void *body;      /* copied by sender_submit */
	size_t len;
	bool json;             /* body is OTLP/JSON (protocol must be http/json) */
	uint64_t items;        /* spans, data points or log records in it */
	void *tag;             /* handed back in done() */
};

struct sender;
typedef void (*sender_done_fn)(void *ctx, void *tag, const struct send_result *r);

int sender_new(const struct sender_config *cfg, sender_done_fn done, void *ctx,
	       struct sender **out, struct otelsim_error *err);
/* Queue a request; blocks (driving transfers) while `concurrency` are in flight. */
int sender_submit(struct sender *s, const struct send_req *req, struct otelsim_error *err);
/* Drive transfers for up to timeout_ms (0: just poll); returns requests in flight. */
size_t sender_poll(struct sender *s, int64_t timeout_ms);
/* Wait until nothing is in flight. */
int sender_drain(struct sender *s, struct otelsim_error *err);
void sender_free(struct sender *s);

#endif
