/*
 * replay/stream.h - the one paced send path: otlp-replay (replay/run.c) and
 * otelsim --endpoint (src/cli/send.c) both post through it.
 *
 * A stream wraps a net/sender (which retries what the OTLP specification
 * calls retryable) with what both programs need around it: pacing (a fixed
 * number of units per second, or the data's own timestamps sped up), a
 * free request slot before each submission (sender_submit would block
 * while every slot is busy, maybe for minutes of retries), waits that
 * drive transfers and look at `cancel` at least every 100 ms, and the
 * accounting of every outcome (stream_counts). Without a sender config it
 * is a dry stream: it paces and counts requests, and sends nothing.
 *
 * Ownership: the stream owns its sender; request bodies are copied by
 * stream_send. Errors: stream_new and stream_send return 0 or a negative
 * otelsim code with *err (bad settings, out of memory); an endpoint that
 * fails reaches `done` as a failed request, never as an error here.
 * Threads: one thread drives a stream; every callback runs on it, from
 * inside a stream call. `cancel` may be set from a signal handler.
 */
#ifndef REPLAY_STREAM_H
#define REPLAY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sender.h"
#include "otelsim/otelsim.h"

struct stream_counts {
	uint64_t requests;        /* handed to the sender */
	uint64_t items_sent;      /* in requests the server gave a final answer on */
	uint64_t items_accepted;  /* all of a request, or what a partial success kept */
	uint64_t items_rejected;  /* partial success: rejected */
	uint64_t items_failed;    /* refused, or still failing past the retry budget */
	uint64_t items_retried;   /* in requests that needed a retry */
	uint64_t items_cancelled; /* in requests cancelled in flight (not sent) */
	uint64_t retries, requests_failed, requests_cancelled, wire_bytes;
	bool gave_up; /* a request still failed when the retry budget ran out */
};

struct stream_config {
	const struct sender_config *sender; /* resolved (net/endpoint.h); NULL: a dry stream */
	const otelsim_cancel_flag *cancel;  /* may be NULL */
	/* pacing, at most one: units per second (items for --rate, traces for an
	 * interval), or the timestamps' pace times `speed` */
	double per_second, speed;
	void *ctx;
	/* after the counts took a request's outcome (tag as given to stream_send) */
	void (*done)(void *ctx, void *tag, const struct send_result *r);
	/* an attempt failed retryably; the next follows after delay_ms */
	void (*on_retry)(void *ctx, const struct send_result *r, int64_t delay_ms);
	/* while waiting, every ~100 ms (progress) */
	void (*idle)(void *ctx);
};

struct stream;

int stream_new(const struct stream_config *c, struct stream **out, struct otelsim_error *err);
/*
 * Wait until the next request is due: `units` more units at per_second
 * (the first request leaves at once), or its earliest timestamp `ts` at
 * `speed` (the first timestamp seen since stream_restart leaves at once;
 * ts 0: no wait). Drives transfers meanwhile. false when cancelled.
 */
bool stream_pace(struct stream *s, uint64_t units, uint64_t ts);
/*
 * Wait until the monotonic time `mono_ns` (time_mono_ns), driving
 * transfers meanwhile, for a caller that paces by its own clock (a stream
 * without per_second or speed). false when cancelled.
 */
bool stream_wait(struct stream *s, int64_t mono_ns);
/* A new pass over the data: the timestamps' pace starts again. */
void stream_restart(struct stream *s);
/* Wait for a free slot and submit: 0, 1 when cancelled first (not sent), or an error. */
int stream_send(struct stream *s, const struct send_req *req, struct otelsim_error *err);
/* Wait until nothing is in flight: 0, or -1 when cancelled first. */
int stream_drain(struct stream *s);
const struct stream_counts *stream_counts(const struct stream *s);
/*
 * Requests still in flight end as cancelled (through done); the final
 * counts go to *last (may be NULL); then frees.
 */
void stream_free(struct stream *s, struct stream_counts *last);

/* "HTTP 400: message", "grpc-status 3 INVALID_ARGUMENT: message" or the message. */
void stream_describe(const struct send_result *r, char *buf, size_t size);

#endif
