/* The paced send path of replay/stream.h. */
#include "replay/stream.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/reply.h"
#include "util/error.h"
#include "util/timefmt.h"

#define POLL_MS 100 /* the longest wait between looks at cancel */

struct stream {
	struct stream_config c;
	struct sender *snd;
	struct stream_counts n;
	int64_t rate_start; /* monotonic ns of the first paced request; 0: none yet */
	uint64_t units;     /* paced so far */
	bool base_set;      /* --speed: the first timestamp of the pass and when it left */
	uint64_t base_ts;
	int64_t base_ns;
	int64_t last_idle_ns;
};

static bool cancelled(const struct stream *s)
{
	return s->c.cancel && atomic_load(s->c.cancel);
}

static void idle(struct stream *s)
{
	int64_t now;

	if (!s->c.idle)
		return;
	now = time_mono_ns();
	if (now - s->last_idle_ns < POLL_MS * 1000000ll)
		return;
	s->last_idle_ns = now;
	s->c.idle(s->c.ctx);
}

/* A non-negative count of ns from a double: 0 for negatives, INT64_MAX past it (or NaN). */
static int64_t ns_from_double(double v)
{
	if (!(v < 9.2e18))
		return INT64_MAX;
	return v > 0 ? (int64_t)v : 0;
}

static int64_t add_sat(int64_t a, int64_t b)
{
	return b > 0 && a > INT64_MAX - b ? INT64_MAX : a + b;
}

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct stream *s = ctx;
	struct stream_counts *n = &s->n;

	n->wire_bytes += r->bytes;
	n->retries += r->retries;
	if (r->retries)
		n->items_retried += r->items;
	if (r->cancelled) {
		/* neither sent nor failed: a resumed replay sends it again */
		n->items_cancelled += r->items;
		n->requests_cancelled++;
	} else if (r->outcome == SEND_OK) {
		n->items_sent += r->items;
		n->items_accepted += r->items;
	} else if (r->outcome == SEND_PARTIAL) {
		uint64_t rej = r->rejected < 0 ? 0 : (uint64_t)r->rejected;

		if (rej > r->items)
			rej = r->items;
		n->items_sent += r->items;
		n->items_rejected += rej;
		n->items_accepted += r->items - rej;
	} else {
		n->items_failed += r->items;
		n->requests_failed++;
		/* a final answer: the items reached the server, which refused them;
		 * items still failing past the retry budget were not sent */
		if (r->http_status > 0 && !r->gave_up)
			n->items_sent += r->items;
		n->gave_up |= r->gave_up;
	}
	if (s->c.done)
		s->c.done(s->c.ctx, tag, r);
}

static void on_retry(void *ctx, const struct send_result *r, int64_t delay_ms)
{
	struct stream *s = ctx;

	if (s->c.on_retry)
		s->c.on_retry(s->c.ctx, r, delay_ms);
}

int stream_new(const struct stream_config *c, struct stream **out, struct otelsim_error *err)
{
	struct stream *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	s->c = *c;
	if (c->sender) {
		struct sender_config cfg = *c->sender;

		cfg.on_retry = on_retry;
		if ((rc = sender_new(&cfg, on_done, s, &s->snd, err))) {
			free(s);
			return rc;
		}
	}
	*out = s;
	return 0;
}

/* Wait until the monotonic time target, driving transfers; false when cancelled. */
static bool wait_until(struct stream *s, int64_t target)
{
	for (;;) {
		int64_t left = target - time_mono_ns();

		if (cancelled(s))
			return false;
		if (left <= 0)
			return true;
		if (left > POLL_MS * 1000000ll)
			left = POLL_MS * 1000000ll;
		/* drive transfers while waiting; sleep when none is in flight */
		if (!s->snd || sender_poll(s->snd, left / 1000000 ? left / 1000000 : 1) == 0) {
			int64_t rest = target - time_mono_ns();
			struct timespec ts = { 0, (long)(rest < 0      ? 0
							 : rest < left ? rest
								       : left) };

			nanosleep(&ts, NULL);
		}
		idle(s);
	}
}

bool stream_pace(struct stream *s, uint64_t units, uint64_t ts)
{
	bool go = true;

	if (s->c.per_second > 0) {
		if (!s->rate_start)
			s->rate_start = time_mono_ns();
		go = wait_until(s, add_sat(s->rate_start, ns_from_double((double)s->units /
									 s->c.per_second * 1e9)));
		if (go)
			s->units += units;
	} else if (s->c.speed > 0 && ts) {
		if (!s->base_set) {
			s->base_ts = ts;
			s->base_set = true;
			s->base_ns = time_mono_ns();
		}
		if (ts > s->base_ts)
			go = wait_until(
				s, add_sat(s->base_ns,
					   ns_from_double((double)(ts - s->base_ts) / s->c.speed)));
	}
	return go && !cancelled(s);
}

bool stream_wait(struct stream *s, int64_t mono_ns)
{
	return wait_until(s, mono_ns) && !cancelled(s);
}

void stream_restart(struct stream *s)
{
	s->base_set = false;
}

int stream_send(struct stream *s, const struct send_req *req, struct otelsim_error *err)
{
	unsigned slots;

	if (!s->snd)
		return 0;
	slots = s->c.sender->concurrency ? s->c.sender->concurrency : 1;
	/* sender_submit blocks while every slot is busy: wait here, looking at cancel */
	while (!cancelled(s) && sender_poll(s->snd, 0) >= slots) {
		sender_poll(s->snd, POLL_MS);
		idle(s);
	}
	if (cancelled(s))
		return 1;
	s->n.requests++;
	return sender_submit(s->snd, req, err);
}

int stream_drain(struct stream *s)
{
	/* like sender_drain, but stop at cancel: stream_free then cancels the rest */
	while (s->snd && sender_poll(s->snd, 0) > 0) {
		if (cancelled(s))
			return -1;
		sender_poll(s->snd, POLL_MS);
		idle(s);
	}
	return cancelled(s) ? -1 : 0;
}

const struct stream_counts *stream_counts(const struct stream *s)
{
	return &s->n;
}

void stream_free(struct stream *s, struct stream_counts *last)
{
	if (!s)
		return;
	if (s->snd)
		sender_free(s->snd);
	if (last)
		*last = s->n;
	free(s);
}

void stream_describe(const struct send_result *r, char *buf, size_t size)
{
	const char *m = r->message[0] ? r->message : "request failed";

	if (r->grpc_status > 0)
		snprintf(buf, size, "grpc-status %d %s: %s", r->grpc_status,
			 reply_grpc_code_name(r->grpc_status), m);
	else if (r->http_status > 0)
		snprintf(buf, size, "HTTP %d: %s", r->http_status, m);
	else
		snprintf(buf, size, "%s", m);
}
