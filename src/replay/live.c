/* Sending what is being rendered: replay/live.h. */
#include "replay/live.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

/* A queued record: its signal and the request body's length, then the body. */
struct rec_head {
	int32_t signal;
	uint32_t len;
};

struct live {
	struct live_config c;
	struct arena a; /* the resolved settings' strings */
	struct sender_config cfg;
	const char *url[3]; /* per signal, as messages show them */
	struct stream *s;
	struct strbuf pending; /* this unit's records */
	int failed;            /* the sticky submission error's code */
	struct otelsim_error err;
	struct live_result r;
	char last_retry[512]; /* the reason last said for a retry */
	unsigned retry_notes;
	/* windows (live_start): a unit is window `window` of interval_ns from clock0 */
	bool windows;
	int64_t interval_ns;
	int64_t clock0; /* monotonic ns; 0: no unit yet */
	uint64_t window;
	bool first_back; /* the first request came back: the clock moved by its latency */
};

/* A signal's records in the unit being sent: the next one's place and index, how many. */
struct cursor {
	size_t pos;
	uint64_t j, n;
};

static void say(struct live *l, const char *line)
{
	if (l->c.message)
		l->c.message(l->c.ctx, line);
}

/* "URL answered HTTP 503: message", or "URL: what failed" */
static void describe(const struct live *l, const struct send_result *r, int signal, char *buf,
		     size_t size)
{
	char what[600];

	stream_describe(r, what, sizeof(what));
	snprintf(buf, size, "%s%s %s", l->url[signal],
		 r->http_status > 0 || r->grpc_status > 0 ? " answered" : ":", what);
}

static int tag_signal(void *tag)
{
	return (int)(intptr_t)tag;
}

static void on_retry(void *ctx, const struct send_result *r, int64_t delay_ms)
{
	struct live *l = ctx;
	char what[700], line[800];

	if (l->retry_notes >= LIVE_RETRY_NOTES || !strcmp(l->last_retry, r->message))
		return;
	snprintf(l->last_retry, sizeof(l->last_retry), "%s", r->message);
	l->retry_notes++;
	/* the sender's retry hook has no tag: traces, the signal live data starts with */
	describe(l, r, OTELSIM_TRACES, what, sizeof(what));
	snprintf(line, sizeof(line), "%s; retrying in %.1fs (each request for up to %llds)", what,
		 (double)delay_ms / 1e3, (long long)(LIVE_RETRY_MS / 1000));
	say(l, line);
}

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct live *l = ctx;
	char what[700];

	if (r->outcome == SEND_OK || r->cancelled)
		return;
	if (r->outcome == SEND_PARTIAL) {
		snprintf(l->r.last_error, sizeof(l->r.last_error), "partial success: %s",
			 r->message);
		return;
	}
	describe(l, r, tag_signal(tag), what, sizeof(what));
	snprintf(l->r.last_error, sizeof(l->r.last_error), "%s", what);
}

int live_new(const struct live_config *c, struct live **out, struct otelsim_error *err)
{
	struct live *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (!l)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	l->c = *c;
	arena_init(&l->a, 4096);
	if ((rc = endpoint_resolve(c->net, NULL, NULL, &l->a, &l->cfg, err)))
		goto fail;
	for (int s = 0; s < 3; s++) {
		l->url[s] = endpoint_shown_url(l->cfg.target[s].url, &l->a);
		if (!l->url[s]) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			goto fail;
		}
	}
	for (const char *w = l->cfg.warnings; w && *w;) {
		size_t n = strcspn(w, "\n");
		char line[600];

		snprintf(line, sizeof(line), "warning: %.*s", (int)n, w);
		say(l, line);
		w += n + (w[n] == '\n');
	}
	l->cfg.concurrency = LIVE_CONCURRENCY;
	l->cfg.retry_max_elapsed_ms = LIVE_RETRY_MS;
	*out = l;
	return 0;
fail:
	live_free(l);
	return rc;
}

bool live_json(const struct live *l)
{
	return l->cfg.target[OTELSIM_TRACES].protocol == SENDER_HTTP_JSON;
}

const char *live_url(const struct live *l)
{
	return l->url[OTELSIM_TRACES];
}

const char *live_protocol_name(const struct live *l)
{
	return sender_protocol_name(l->cfg.target[OTELSIM_TRACES].protocol);
}

int live_start(struct live *l, int64_t interval_ns, bool windows, struct otelsim_error *err)
{
	struct stream_config sc;

	memset(&sc, 0, sizeof(sc));
	sc.sender = &l->cfg;
	sc.cancel = l->c.cancel;
	l->windows = windows && interval_ns > 0;
	l->interval_ns = interval_ns;
	/* windows pace by the live sender's clock; units by the stream's */
	sc.per_second = interval_ns > 0 && !l->windows ? 1e9 / (double)interval_ns : 0;
	sc.ctx = l;
	sc.done = on_done;
	sc.on_retry = on_retry;
	return stream_new(&sc, &l->s, err);
}

int live_record(void *ctx, int signal, const void *bytes, size_t len)
{
	struct live *l = ctx;
	const char *p = bytes;
	struct rec_head h;

	if (live_json(l)) { /* the request body is the JSON line without its newline */
		if (len && p[len - 1] == '\n')
			len--;
	} else { /* and the protobuf message without its 4-byte length */
		if (len < 4)
			return -1;
		p += 4;
		len -= 4;
	}
	/* events are log records: the logs endpoint takes them */
	h.signal = signal == OTELSIM_EVENTS ? OTELSIM_LOGS : signal;
	h.len = (uint32_t)len;
	if (h.signal < 0 || h.signal > 2 || len > UINT32_MAX)
		return -1;
	return strbuf_add(&l->pending, &h, sizeof(h)) || strbuf_add(&l->pending, p, len) ? -1 : 0;
}

static struct rec_head head_at(const struct live *l, size_t pos)
{
	struct rec_head h;

	memcpy(&h, l->pending.buf + pos, sizeof(h));
	return h;
}

static size_t after(const struct live *l, size_t pos)
{
	return pos + sizeof(struct rec_head) + head_at(l, pos).len;
}

/* Submit the queued record at pos (carrying `items`): 0, 1 when cancelled, or an error. */
static int submit(struct live *l, size_t pos, uint64_t items)
{
	struct rec_head h = head_at(l, pos);
	struct send_req req;
	int rc;

	memset(&req, 0, sizeof(req));
	req.signal = h.signal;
	req.body = l->pending.buf + pos + sizeof(h);
	req.len = h.len;
	req.json = live_json(l);
	req.items = items;
	req.tag = (void *)(intptr_t)h.signal;
	rc = stream_send(l->s, &req, &l->err);
	if (rc < 0)
		l->failed = rc;
	return rc;
}

/* Units: unit i leaves at i * interval after the first, its records at once. */
static int unit_burst(struct live *l, uint64_t items)
{
	size_t pos = 0;
	int rc = 0;

	if (!l->failed && l->pending.len && !stream_pace(l->s, 1, 0))
		rc = 1;
	/* the unit's items count once, on its first request */
	for (bool first = true; !rc && !l->failed && pos < l->pending.len; first = false) {
		rc = submit(l, pos, first ? items : 0);
		pos = after(l, pos);
	}
	return rc;
}

static int64_t window_start(const struct live *l, uint64_t w)
{
	double at = (double)l->clock0 + (double)w * (double)l->interval_ns;

	return at < 9.2e18 ? (int64_t)at : INT64_MAX;
}

/* The cursor's record of signal s at or after pos (pending.len: none left). */
static size_t seek(const struct live *l, size_t pos, int s)
{
	while (pos < l->pending.len && head_at(l, pos).signal != s)
		pos = after(l, pos);
	return pos;
}

static uint64_t cursors_init(const struct live *l, struct cursor cur[3])
{
	uint64_t total = 0;

	memset(cur, 0, 3 * sizeof(*cur));
	for (size_t pos = 0; pos < l->pending.len; pos = after(l, pos), total++)
		cur[head_at(l, pos).signal].n++;
	for (int s = 0; s < 3; s++)
		cur[s].pos = seek(l, 0, s);
	return total;
}

/* The signal whose next record is due first (j/n of the window; ties: traces first). */
static int due_first(const struct cursor cur[3])
{
	int best = -1;

	for (int s = 0; s < 3; s++)
		if (cur[s].j < cur[s].n &&
		    (best < 0 || cur[s].j * cur[best].n < cur[best].j * cur[s].n))
			best = s;
	return best;
}

/*
 * After the run's first request: wait until it came back, and move the
 * clock by the time that took (a connection set up), so the first window
 * does not land in the same second as the next. 0; 1 when cancelled.
 */
static int first_back(struct live *l, int64_t sent, int64_t *start)
{
	int64_t late;

	l->first_back = true;
	if (stream_drain(l->s))
		return 1;
	late = time_mono_ns() - sent;
	l->clock0 += late;
	*start += late;
	return 0;
}

/*
 * Windows: window w starts at clock0 + w * interval (an empty one is waited
 * for too, so the run keeps real time); record j of a signal's n in it
 * leaves at j/n of the window, so no second carries much more than a
 * window's worth.
 */
static int unit_window(struct live *l, uint64_t items)
{
	struct cursor cur[3];
	uint64_t total;
	int64_t start;
	int rc = 0;

	if (!l->clock0)
		l->clock0 = time_mono_ns();
	start = window_start(l, l->window++);
	total = cursors_init(l, cur);
	if (!total && !stream_wait(l->s, start))
		return 1;
	for (uint64_t k = 0; k < total && !rc && !l->failed; k++) {
		int s = due_first(cur);
		double off = (double)l->interval_ns * (double)cur[s].j / (double)cur[s].n;
		int64_t sent;

		if (!stream_wait(l->s, start + (int64_t)off))
			return 1;
		sent = time_mono_ns();
		/* the items count once, on the window's last request: a window
		 * cut short by a stop is not counted as accepted */
		rc = submit(l, cur[s].pos, k + 1 == total ? items : 0);
		if (!rc && !l->failed && !l->first_back)
			rc = first_back(l, sent, &start);
		cur[s].j++;
		cur[s].pos = seek(l, after(l, cur[s].pos), s);
	}
	return rc;
}

int live_unit(struct live *l, uint64_t items)
{
	int rc = 0;

	if (!l->failed)
		rc = l->windows ? unit_window(l, items) : unit_burst(l, items);
	strbuf_reset(&l->pending);
	if (l->failed)
		return l->failed;
	if (!rc && !(l->c.cancel && atomic_load(l->c.cancel))) {
		l->r.units++;
		l->r.items += items;
	}
	return rc;
}

/* Windows: the run lasts until its last window ends; then nothing in flight. -1: cancelled. */
static int drain_all(struct live *l)
{
	if (l->windows && l->clock0 && !stream_wait(l->s, window_start(l, l->window)))
		return -1;
	return stream_drain(l->s);
}

int live_finish(struct live *l, bool drain, struct live_result *out, struct otelsim_error *err)
{
	int rc = 0;

	if (l->failed) {
		if (err)
			*err = l->err;
		rc = l->failed;
	} else if (drain && l->s && drain_all(l)) {
		/* what is in flight is not waited for after an interrupt */
		rc = error_set(err, OTELSIM_EIO, "interrupted");
	}
	stream_free(l->s, &l->r.n); /* requests still in flight end as "cancelled" */
	l->s = NULL;
	*out = l->r;
	return rc;
}

void live_free(struct live *l)
{
	if (!l)
		return;
	stream_free(l->s, NULL);
	strbuf_release(&l->pending);
	arena_release(&l->a);
	free(l);
}
