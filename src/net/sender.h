/*
 * net/sender.h - posts OTLP export requests to an endpoint, losing nothing.
 *
 * Transport only: the caller hands over a finished request body (protobuf
 * Export*ServiceRequest bytes, or OTLP/JSON when `json`), already split to
 * size; the sender posts it over OTLP/HTTP (protobuf or JSON) or OTLP/gRPC
 * (HTTP/2 through libcurl), optionally gzip-compressed, with up to
 * `concurrency` requests in flight over reused connections. It retries only
 * what the specification calls retryable (HTTP 429/502/503/504, connection
 * failures and timeouts; gRPC CANCELLED, DEADLINE_EXCEEDED, ABORTED,
 * OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED only with
 * RetryInfo), with exponential backoff and jitter (retry_initial_ms doubling
 * up to retry_max_interval_ms, each delay drawn from [d/2, 3d/2) out of a
 * util/rng stream seeded by jitter_seed), honouring Retry-After (HTTP
 * 429/503) and RetryInfo (gRPC), until retry_max_elapsed_ms after the first
 * attempt. Partial success is reported, never retried. Each request ends in
 * exactly one call of `done`, on the caller's thread, from inside
 * sender_submit, sender_poll, sender_drain or sender_free, in completion
 * order; `done` must not call back into the sender.
 *
 * Settings are per signal (`target[]`), because the OTLP environment
 * variables are (OTEL_EXPORTER_OTLP_TRACES_HEADERS ...); net/endpoint.h
 * fills them from flags and the environment.
 *
 * Header values and credentials never appear in messages: not in ours,
 * nor in a server's (a header value, or any word of 8 characters or more
 * of one, that a server echoes is replaced by "***").
 */
#ifndef NET_SENDER_H
#define NET_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

enum sender_protocol { SENDER_HTTP_PROTOBUF = 0, SENDER_HTTP_JSON, SENDER_GRPC };

struct send_result;

/* Where and how one signal is posted. */
struct sender_target {
	int protocol;               /* enum sender_protocol */
	const char *url;            /* full URL: http(s)://h:p/v1/traces, or
					  http(s)://h:p/<package>.<Service>/Export for gRPC */
	const char *const *headers; /* "Name: value" */
	size_t nheaders;
	bool gzip;
	int64_t timeout_ms;              /* per attempt; default 10000 */
	const char *cacert, *cert, *key; /* PEM files; NULL: system CAs, no client cert */
	bool insecure;                   /* skip TLS verification (only when asked) */
	const char *tls_hint;            /* added to TLS failures' messages, or NULL */
};

struct sender_config {
	struct sender_target target[3]; /* OTELSIM_TRACES, OTELSIM_METRICS, OTELSIM_LOGS */
	unsigned concurrency;           /* requests in flight; default 1 */
	int64_t retry_initial_ms;       /* default 500 */
	int64_t retry_max_interval_ms;  /* default 30000 */
	int64_t retry_max_elapsed_ms;   /* default 300000; 0 = no retries */
	uint64_t jitter_seed;           /* backoff jitter stream */
	const char *retry_budget_name;  /* how messages name retry_max_elapsed_ms
					  ("--retry-max-elapsed"); NULL: "the retry budget" */
	size_t max_response_bytes;      /* kept of each response body; default 4 MiB */
	/*
	 * Called (on the caller's thread, like done) each time an attempt
	 * failed retryably and the next is scheduled after delay_ms; r holds
	 * the failure (status, message, retries so far). NULL: not called. Must
	 * not call back into the sender.
	 */
	void (*on_retry)(void *ctx, const struct send_result *r, int64_t delay_ms);
	/*
	 * Set by endpoint_resolve: what it read leniently (e.g. an
	 * OTEL_EXPORTER_OTLP_INSECURE that is neither true nor false), one
	 * line each ('\n'-separated, no trailing newline), for the caller to
	 * print; NULL: none. The sender ignores it.
	 */
	const char *warnings;
};

/* The defaults above; every target http/protobuf to http://localhost:4318. */
void sender_config_init(struct sender_config *cfg);
/* "http/protobuf", "http/json", "grpc". */
const char *sender_protocol_name(int protocol);

enum send_outcome { SEND_OK = 0, SEND_PARTIAL, SEND_FAILED };

struct send_result {
	int outcome;        /* enum send_outcome */
	uint64_t items;     /* as given in the request */
	int64_t rejected;   /* partial success: rejected items */
	int http_status;    /* last HTTP status (0: none) */
	int grpc_status;    /* last grpc-status (-1: none) */
	int curl_code;      /* last transport error (CURLcode; 0: none) */
	uint32_t retries;   /* attempts after the first */
	bool cancelled;     /* SEND_FAILED by sender_free: the request was still in
				  flight or waiting for its next attempt; the
				  other fields describe its last attempt, if any */
	bool gave_up;       /* SEND_FAILED by a retryable failure: the retry budget
				  ran out (or a Retry-After went past it); the
				  message says so. Otherwise a failure is final. */
	uint64_t bytes;     /* body bytes sent on the wire (last attempt) */
	int64_t elapsed_ms; /* from the first attempt to the outcome */
	char message[512];  /* server's message, partial_success.error_message,
				  or what failed; "" when none */
};

struct send_req {
	int signal;       /* OTELSIM_TRACES, OTELSIM_METRICS, OTELSIM_LOGS
				  (OTELSIM_EVENTS goes to the logs target) */
	const void *body; /* copied by sender_submit */
	size_t len;
	bool json;      /* body is OTLP/JSON (target protocol must be http/json) */
	uint64_t items; /* spans, data points or log records in it */
	void *tag;      /* handed back in done() */
};

struct sender;
typedef void (*sender_done_fn)(void *ctx, void *tag, const struct send_result *r);

/* Checks the config (URLs, protocols, files named) and sets up libcurl. */
int sender_new(const struct sender_config *cfg, sender_done_fn done, void *ctx, struct sender **out,
	       struct otelsim_error *err);
/*
 * Queue a request; blocks (driving transfers) while `concurrency` are in
 * flight (a request waiting for its next retry counts as in flight).
 * Fails only for a bad request or out of memory; endpoint failures reach
 * done() as SEND_FAILED.
 */
int sender_submit(struct sender *s, const struct send_req *req, struct otelsim_error *err);
/*
 * Drive transfers for up to timeout_ms (0: just poll), returning early once
 * a request has finished; returns the requests still in flight.
 */
size_t sender_poll(struct sender *s, int64_t timeout_ms);
/* Wait until nothing is in flight. */
int sender_drain(struct sender *s, struct otelsim_error *err);
/*
 * Requests still in flight (or waiting for a retry) end as SEND_FAILED with
 * `cancelled` set (message "cancelled") through done().
 */
void sender_free(struct sender *s);

#endif
