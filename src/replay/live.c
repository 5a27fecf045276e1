/* Sending what is being rendered: replay/live.h. */
#include "replay/live.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

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

int live_start(struct live *l, int64_t interval_ns, struct otelsim_error *err)
{
	struct stream_config sc;

	memset(&sc, 0, sizeof(sc));
	sc.sender = &l->cfg;
	sc.cancel = l->c.cancel;
	sc.per_second = interval_ns > 0 ? 1e9 / (double)interval_ns : 0;
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

int live_unit(struct live *l, uint64_t items)
{
	size_t pos = 0;
	int rc = 0;

	/* unit i leaves at i * interval: one pacing unit per unit */
	if (!l->failed && l->pending.len && !stream_pace(l->s, 1, 0))
		rc = 1;
	for (bool first = true; !rc && !l->failed && pos < l->pending.len; first = false) {
		struct rec_head h;
		struct send_req req;

		memcpy(&h, l->pending.buf + pos, sizeof(h));
		memset(&req, 0, sizeof(req));
		req.signal = h.signal;
		req.body = l->pending.buf + pos + sizeof(h);
		req.len = h.len;
		req.json = live_json(l);
		req.items = first ? items : 0; /* the unit's items count once */
		req.tag = (void *)(intptr_t)h.signal;
		rc = stream_send(l->s, &req, &l->err);
		if (rc < 0)
			l->failed = rc;
		pos += sizeof(h) + h.len;
	}
	strbuf_reset(&l->pending);
	if (l->failed)
		return l->failed;
	if (!rc && !(l->c.cancel && atomic_load(l->c.cancel))) {
		l->r.units++;
		l->r.items += items;
	}
	return rc;
}

int live_finish(struct live *l, bool drain, struct live_result *out, struct otelsim_error *err)
{
	int rc = 0;

	if (l->failed) {
		if (err)
			*err = l->err;
		rc = l->failed;
	} else if (drain && l->s && stream_drain(l->s)) {
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
