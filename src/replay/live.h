/*
 * replay/live.h - sending what is being rendered (otelsim --endpoint), on
 * the replay engine's one send path (replay/stream.h).
 *
 * A render hands its records to live_record (an otelsim_record_fn) as it
 * makes them: length-prefixed protobuf (OTELSIM_FRAMING_BE32) or OTLP/JSON
 * lines (render OTLP/JSON when live_json says the endpoint wants it). They
 * wait, as request bodies of their signal's endpoint, until the unit they
 * belong to (an iteration) is complete; live_unit then waits for that
 * unit's turn (unit i leaves at i * interval after the first, or at once
 * without an interval) and submits them, one request per record (the
 * render's traces_per_record sizes them). Every request's outcome is
 * counted (live_finish).
 *
 * Windows (a time-based run, whose unit is a window of virtual time): the
 * run's first request is waited for, and the clock starts again when it
 * came back (a connection's setup is not taken from the first window);
 * window w starts at w * interval, an empty one too, and the j-th of a
 * signal's n records in it leaves at j/n of the window, so its requests
 * spread over their window instead of leaving at its start as one burst
 * (no second then carries much more than the rate). A window's items are
 * counted on its last request (on its first for other units). The run
 * lasts until its last window ends (live_finish waits for it).
 *
 * Settings: net/endpoint.c decides the endpoint from the flags and the
 * OTEL_EXPORTER_OTLP_* environment (no manifest defaults: nothing was
 * written yet). Live data goes stale, so a request is retried for at most
 * LIVE_RETRY_MS (the replay tool's budget is minutes) and a wrong port
 * fails in seconds; LIVE_CONCURRENCY requests are in flight at most.
 *
 * Messages go to `message`, one line each, without a program name: the
 * endpoint settings' warnings ("warning: ..."), and a retry's reason when
 * it happens ("URL answered HTTP 503: ...; retrying in 1.2s (...)"), each
 * new reason once, LIVE_RETRY_NOTES at most, so a wrong host shows at once
 * rather than when its retries run out.
 *
 * Errors: live_new returns 0 or a negative otelsim code with *err (a bad
 * setting: OTELSIM_EUSAGE naming the flag or variable; OTELSIM_ENOMEM).
 * live_record fails (-1) only when out of memory. A submission error (out
 * of memory) is sticky: later units send nothing and live_finish returns
 * it. An endpoint that fails is not an error: its items are counted failed
 * and live_result.last_error says why.
 *
 * Ownership: the live sender owns its stream, its queued records and its
 * strings (live_free). Threads: one thread drives it (the render's record
 * and progress callbacks must run on it: render with one thread); every
 * callback runs on it. `cancel` may be set from a signal handler: waits
 * look at it at least every 100 ms.
 */
#ifndef REPLAY_LIVE_H
#define REPLAY_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/endpoint.h"
#include "otelsim/otelsim.h"
#include "replay/stream.h"

#define LIVE_RETRY_MS    30000
#define LIVE_CONCURRENCY 4
#define LIVE_RETRY_NOTES 5

struct live_config {
	const struct endpoint_flags *net;             /* what the command line said */
	const otelsim_cancel_flag *cancel;            /* may be NULL */
	void (*message)(void *ctx, const char *line); /* may be NULL */
	void *ctx;
};

struct live_result {
	struct stream_counts n;
	uint64_t units, items; /* units whose requests were all submitted, their items */
	char last_error[1200]; /* the last failure or partial success; "" none */
};

struct live;

/* Resolve the endpoint settings (nothing is sent before live_start). */
int live_new(const struct live_config *c, struct live **out, struct otelsim_error *err);
/* Render OTLP/JSON lines for it (the traces endpoint's protocol is http/json). */
bool live_json(const struct live *l);
/* The traces endpoint's URL as messages may show it, and its protocol's name. */
const char *live_url(const struct live *l);
const char *live_protocol_name(const struct live *l);
/*
 * Open the send path: one unit every interval_ns (0: as fast as possible);
 * `windows`: each unit a window of interval_ns, its requests spread over it.
 */
int live_start(struct live *l, int64_t interval_ns, bool windows, struct otelsim_error *err);
/* An otelsim_record_fn (ctx: the live sender): queue a record of the current unit. */
int live_record(void *ctx, int signal, const void *bytes, size_t len);
/*
 * The current unit is complete (`items` spans, log records, data points in
 * it): wait for its turn, submit its records. 0; 1 when cancelled first
 * (the rest of the unit is not sent); a negative code (sticky) on error.
 */
int live_unit(struct live *l, uint64_t items);
/*
 * Wait for the requests in flight (when `drain` and nothing failed), then
 * close the send path (requests still in flight end as cancelled) and fill
 * *out. 0; the sticky submission error; OTELSIM_EIO "interrupted" when
 * cancelled while draining.
 */
int live_finish(struct live *l, bool drain, struct live_result *out, struct otelsim_error *err);
void live_free(struct live *l);

#endif
