/*
 * The replay engine of replay/replay.h, on the calling thread: inputs are
 * read record by record (read/reader), each record's items are
 * time-shifted and given new ids in place and queued for splitting
 * (replay/transform, replay/split), requests are cut from the queue,
 * converted to OTLP/JSON when the endpoint wants JSON (read/otlpjson),
 * paced and posted by the stream (replay/stream), whose done() callback
 * counts the outcome and moves the --resume watermark.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/manifest.h"
#include "read/otlpjson.h"
#include "read/reader.h"
#include "replay/replay.h"
#include "replay/replay_int.h"
#include "replay/split.h"
#include "replay/stream.h"
#include "replay/transform.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"

#define SPEED_WINDOW_NS     20000000 /* a paced request covers at most 20 ms of wall time */
#define RATE_REQUESTS_PER_S 20       /* --rate: requests of rate/20 items, 20 a second */

struct inflight;

struct lane {
	size_t idx;
	const char *path;
	struct reader *rd;
	struct splitter *sp;
	bool open, eof, finished;
	uint64_t skip_record, skip_leaf;
	uint64_t in_bytes;         /* reader_bytes_in already counted */
	struct split_request next; /* peeked, valid until the lane's splitter moves */
	bool has_next;
	struct inflight *head, *tail; /* submitted, in order */
};

struct inflight {
	struct lane *lane;
	int signal; /* the target's: OTELSIM_TRACES, _METRICS or _LOGS */
	uint64_t end_record, end_leaf, items;
	bool finished, acked;
	struct inflight *next;
};

/*
 * Manifest SHA-256 checks run on a second thread from the start; the first
 * request waits for them (nothing is sent from a dataset that changed), a
 * dry run at the end.
 */
struct verify_job {
	const struct manifest *mans;
	size_t nmans;
	const otelsim_cancel_flag *cancel;
	int rc;
	struct otelsim_error err;
	pthread_t thread;
	bool running, done;
};

struct replay {
	const struct replay_config *o;
	struct sender_config cfg;
	const char *shown_url[3]; /* each target's URL as messages show it */
	struct stream *st_send;
	struct arena arena;
	char **paths;
	size_t npaths;
	struct lane *lanes;
	struct manifest *mans;
	size_t nmans;
	struct state st;
	bool use_state;
	struct replay_totals *tot;
	struct xform x;
	uint64_t max_items;
	bool have_range, shift_pending, has_stdin;
	uint64_t range_min, range_max;
	int64_t last_progress_ns;
	bool endpoint_down;
	struct strbuf json;
	struct verify_job verify;
	struct otelsim_error err; /* the first fatal error */
	int fatal;
};

void replay_config_init(struct replay_config *c)
{
	memset(c, 0, sizeof(*c));
	c->concurrency = 4;
	c->retry_max_elapsed_ms = -1;
	c->loop = 1;
	c->max_request_bytes = SPLIT_MAX_BYTES_DEFAULT;
	c->verify = true;
	c->shift_text = "auto";
}

static bool interrupted(const struct replay *r)
{
	return r->o->cancel && atomic_load(r->o->cancel);
}

/*
 * Timestamps come from the files (any uint64), factors from the command
 * line: the arithmetic on them saturates instead of overflowing (signed
 * overflow and out-of-range double conversions are undefined in C).
 */
static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* A non-negative count of ns from a double: 0 for negatives, INT64_MAX past it (or NaN). */
static int64_t ns_from_double(double v)
{
	if (!(v < 9.2e18))
		return INT64_MAX;
	return v > 0 ? (int64_t)v : 0;
}

/* The shift that moves timestamp ts to now. */
static int64_t shift_to_now(uint64_t ts)
{
	int64_t now = time_now_ns();
	uint64_t d;

	if (now >= 0 && ts <= (uint64_t)now)
		return now - (int64_t)ts;
	d = ts - (uint64_t)now; /* now < ts: a negative shift */
	return d > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)d;
}

static void say(const struct replay *r, const char *fmt, ...) OS_PRINTF(2, 3);

static void say(const struct replay *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!r->o->message)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->o->message(r->o->ctx, line);
}

static void *verify_thread(void *arg)
{
	struct verify_job *j = arg;

	for (size_t i = 0; i < j->nmans && !j->rc && !(j->cancel && atomic_load(j->cancel)); i++)
		j->rc = manifest_verify(&j->mans[i], &j->err);
	return NULL;
}

static void verify_start(struct replay *r)
{
	struct verify_job *j = &r->verify;

	j->mans = r->mans;
	j->nmans = r->nmans;
	j->cancel = r->o->cancel;
	if (!r->o->verify || !r->nmans) {
		j->done = true;
		return;
	}
	j->running = pthread_create(&j->thread, NULL, verify_thread, j) == 0;
	if (!j->running) {
		verify_thread(j);
		j->done = true;
	}
}

/* Wait for the checks; 0, or their error (recorded as fatal). */
static int verify_wait(struct replay *r)
{
	struct verify_job *j = &r->verify;

	if (j->running) {
		pthread_join(j->thread, NULL);
		j->running = false;
		j->done = true;
	}
	if (j->rc && !r->fatal) {
		r->err = j->err;
		r->fatal = j->rc;
	}
	return j->rc;
}

/* The stream's counts into the totals the hooks and the summary read. */
static void take_counts(struct replay *r, const struct stream_counts *n)
{
	struct replay_totals *t = r->tot;

	if (r->o->dry_run)
		return;
	t->items_sent = n->items_sent;
	t->items_accepted = n->items_accepted;
	t->items_rejected = n->items_rejected;
	t->items_failed = n->items_failed;
	t->items_retried = n->items_retried;
	t->items_cancelled = n->items_cancelled;
	t->retries = n->retries;
	t->requests = n->requests;
	t->requests_failed = n->requests_failed;
	t->requests_cancelled = n->requests_cancelled;
	t->wire_bytes = n->wire_bytes;
}

static void tick(void *ctx)
{
	struct replay *r = ctx;
	int64_t now;

	if (!r->o->progress)
		return;
	now = time_mono_ns();
	if (now - r->last_progress_ns < 200000000)
		return;
	r->last_progress_ns = now;
	take_counts(r, stream_counts(r->st_send));
	r->o->progress(r->o->ctx, r->tot);
}

/* ------------------------------------------------------------------ */
/* acknowledgements and the resume watermark                          */

static void advance(struct replay *r, struct lane *l)
{
	bool moved = false;

	while (l->head && l->head->finished && l->head->acked) {
		struct inflight *f = l->head;

		if (r->use_state) {
			r->st.inputs[l->idx].record = f->end_record;
			r->st.inputs[l->idx].leaf = f->end_leaf;
		}
		l->head = f->next;
		if (!l->head)
			l->tail = NULL;
		free(f);
		moved = true;
	}
	if (l->eof && !l->has_next && !l->head && (!l->sp || split_pending(l->sp) == 0) &&
	    !l->finished) {
		l->finished = true;
		if (r->use_state)
			r->st.inputs[l->idx].done = true;
		moved = true;
	}
	if (moved && r->use_state) {
		struct otelsim_error err;

		if (state_save(&r->st, false, &err) && !r->fatal) {
			r->err = err;
			r->fatal = err.code;
		}
	}
}

/* A request's outcome, counted by the stream: messages, the stop, the watermark. */
static void on_done(void *ctx, void *tag, const struct send_result *res)
{
	struct replay *r = ctx;
	struct inflight *f = tag;
	struct replay_totals *t = r->tot;
	char what[700];

	f->finished = true;
	if (res->cancelled) {
		/*
		 * Interrupted while in flight or waiting for a retry: neither sent
		 * nor failed, and never acknowledged, so the --resume watermark
		 * stays before it and a resumed replay sends it again.
		 */
		advance(r, f->lane);
		return;
	}
	stream_describe(res, what, sizeof(what));
	if (res->outcome == SEND_OK) {
		f->acked = true;
		/* accepted with a message: a warning (or a reply that could not be read) */
		if (res->message[0] && t->messages++ < REPLAY_MESSAGES_SHOWN)
			say(r, "warning: %s", res->message);
	} else if (res->outcome == SEND_PARTIAL) {
		uint64_t rej = res->rejected < 0 ? 0 : (uint64_t)res->rejected;

		f->acked = true;
		if (t->messages++ < REPLAY_MESSAGES_SHOWN)
			say(r, "partial success: %llu of %llu items rejected%s%s",
			    (unsigned long long)(rej > f->items ? f->items : rej),
			    (unsigned long long)f->items, res->message[0] ? ": " : "",
			    res->message);
	} else if (res->gave_up) {
		/* the endpoint is unreachable or overloaded past our retries: stop */
		if (!r->endpoint_down) {
			snprintf(t->stop_reason, sizeof(t->stop_reason), "%.590s", what);
			say(r, "%llu items failed: %s (%s)", (unsigned long long)f->items,
			    t->stop_reason, r->shown_url[f->signal]);
		}
		r->endpoint_down = true;
		t->stopped = true;
	} else {
		/* a final answer: the server refused these items; resending would not help */
		f->acked = true;
		if (t->messages++ < REPLAY_MESSAGES_SHOWN)
			say(r, "%llu items failed: %s (%s)", (unsigned long long)f->items, what,
			    r->shown_url[f->signal]);
	}
	advance(r, f->lane);
}

/* ------------------------------------------------------------------ */
/* lanes: one input file each                                         */

/* A lane's file ends inside a record: keep what came before, say where. */
static void note_truncated(struct replay *r, struct lane *l, const struct otelsim_error *err)
{
	struct replay_totals *t = r->tot;
	uint64_t off = 0, missing = 0;
	char buf[1200];

	reader_truncated(l->rd, &off, &missing);
	if (t->inputs_truncated < REPLAY_TRUNCATED_KEPT) {
		struct replay_cut *c = &t->truncated[t->inputs_truncated];

		snprintf(c->file, sizeof(c->file), "%s", l->path);
		c->offset = off;
		c->missing = missing;
	}
	t->inputs_truncated++;
	say(r, "%s%s (a file still being written? the records before it are read%s)",
	    r->o->allow_truncated ? "warning: " : "", otelsim_error_format(err, buf, sizeof(buf)),
	    r->o->allow_truncated ? "" : "; --allow-truncated accepts this");
}

/* Flat NDJSON lines the reader skipped as bad (first pass only): counted, the first said. */
static void note_bad_records(struct replay *r, struct lane *l)
{
	struct replay_totals *t = r->tot;
	char first[sizeof(t->first_bad_record)];
	uint64_t n = reader_skipped(l->rd, first, sizeof(first));

	if (!n || t->passes > 1)
		return;
	if (!t->bad_records_skipped)
		memcpy(t->first_bad_record, first, sizeof(first));
	t->bad_records_skipped += n;
	say(r, "warning: %s: %llu bad line%s skipped (the first: %s)", l->path,
	    (unsigned long long)n, n == 1 ? "" : "s", first);
}

static int input_error(struct replay *r, struct lane *l, uint64_t record, struct otelsim_error *err)
{
	if (!err->file[0]) {
		error_prefix(err, "record %llu", (unsigned long long)record);
		snprintf(err->file, sizeof(err->file), "%s", l->path);
	}
	r->err = *err;
	r->fatal = err->code;
	return err->code;
}

static int lane_open(struct replay *r, struct lane *l)
{
	struct read_options ro = { r->o->framing, true, 0, r->o->cancel, r->o->skip_bad_records };
	struct split_config sc = { (size_t)r->o->max_request_bytes, r->max_items };
	struct otelsim_error err;
	int rc;

	l->eof = l->finished = l->has_next = false;
	l->in_bytes = 0;
	if (r->use_state) {
		struct state_input *in = &r->st.inputs[l->idx];

		if (in->done) {
			l->eof = l->finished = true;
			return 0;
		}
		l->skip_record = in->record;
		l->skip_leaf = in->leaf;
	} else {
		l->skip_record = l->skip_leaf = 0;
	}
	rc = reader_open(l->path, &ro, &l->rd, &err);
	if (rc && interrupted(r))
		return rc; /* a signal while waiting for a FIFO's writer: not an input error */
	if (rc) {
		r->err = err;
		r->fatal = rc;
		return rc;
	}
	l->sp = split_new(&sc);
	if (!l->sp) {
		reader_free(l->rd); /* the lane is not open: lane_close would not free it */
		l->rd = NULL;
		error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
		r->fatal = OTELSIM_ENOMEM;
		return r->fatal;
	}
	l->open = true;
	return 0;
}

static void lane_close(struct lane *l)
{
	reader_free(l->rd);
	split_free(l->sp);
	l->rd = NULL;
	l->sp = NULL;
	l->open = false;
}

static int submit(struct replay *r, struct lane *l);

/* Read records into the splitter until a full request is queued or the file ends. */
static int lane_fill(struct replay *r, struct lane *l)
{
	struct read_record rec;
	struct otelsim_error err;
	int rc;

	while (!l->eof && !split_ready(l->sp) && !interrupted(r)) {
		struct xform_stats xs = XFORM_STATS_INIT;
		uint64_t skip = 0, now_in;

		rc = reader_next(l->rd, &rec, &err);
		now_in = reader_bytes_in(l->rd);
		r->tot->in_bytes += now_in - l->in_bytes;
		l->in_bytes = now_in;
		if (rc < 0 && interrupted(r))
			break; /* a signal while a read waited: the summary says interrupted */
		if (rc < 0 && reader_truncated(l->rd, &(uint64_t){ 0 }, &(uint64_t){ 0 })) {
			note_truncated(r, l, &err);
			l->eof = true; /* every complete record is in */
			break;
		}
		if (rc < 0)
			return input_error(r, l, 0, &err);
		if (rc == 0) {
			l->eof = true;
			note_bad_records(r, l);
			if (reader_records(l->rd) == 0 && r->tot->passes <= 1) {
				say(r, "warning: %s: no items (an empty file)", l->path);
				r->tot->inputs_empty++;
			}
			break;
		}
		if (rec.index < l->skip_record) {
			xform_record(rec.signal, rec.data, rec.len, NULL, &xs, NULL);
			r->tot->items_skipped += xs.items;
			continue;
		}
		if (rec.index == l->skip_record)
			skip = l->skip_leaf;
		if (r->shift_pending) {
			/* standard input with --time-shift auto: its first record sets the shift */
			xform_record(rec.signal, rec.data, rec.len, NULL, &xs, NULL);
			if (xs.min_ts != UINT64_MAX) {
				r->x.shift = true;
				r->x.shift_ns = shift_to_now(xs.min_ts);
			}
			r->shift_pending = false;
			xs = (struct xform_stats)XFORM_STATS_INIT;
		}
		if (split_signal(l->sp) >= 0 && split_signal(l->sp) != rec.signal) {
			/* a file changing signal: send what is queued first (rare: JSON lines) */
			struct read_record copy = rec;
			struct strbuf keep = STRBUF_INIT;

			if (strbuf_add(&keep, rec.data, rec.len)) {
				error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
				return r->fatal = OTELSIM_ENOMEM;
			}
			while (split_pending(l->sp) > 0 && !r->fatal && !interrupted(r)) {
				if (split_peek(l->sp, 0, 0, &l->next)) {
					strbuf_release(&keep);
					error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
					return r->fatal = OTELSIM_ENOMEM;
				}
				l->has_next = true;
				rc = submit(r, l);
				if (rc) {
					strbuf_release(&keep);
					return rc;
				}
			}
			if (split_pending(l->sp) > 0) {
				/* interrupted while flushing: the record waits for a resume */
				strbuf_release(&keep);
				return r->fatal;
			}
			copy.data = (uint8_t *)keep.buf;
			rc = split_add(l->sp, copy.signal, copy.data, copy.len, copy.index, skip,
				       &r->x, &xs, &err);
			strbuf_release(&keep);
		} else {
			rc = split_add(l->sp, rec.signal, rec.data, rec.len, rec.index, skip, &r->x,
				       &xs, &err);
		}
		if (rc)
			return input_error(r, l, rec.index, &err);
		if (skip)
			r->tot->items_skipped += skip;
		r->tot->items_read += xs.items;
		r->tot->clamped += xs.clamped;
	}
	return 0;
}

/* Peek the lane's next request (filling as needed); false when the lane has no more. */
static bool lane_next(struct replay *r, struct lane *l)
{
	if (l->has_next)
		return true;
	if (!l->open || r->fatal)
		return false;
	if (lane_fill(r, l))
		return false;
	if (split_pending(l->sp) == 0)
		return false;
	if (split_peek(l->sp, 0,
		       r->o->speed > 0 ? (uint64_t)ns_from_double(SPEED_WINDOW_NS * r->o->speed)
				       : 0,
		       &l->next)) {
		error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
		r->fatal = OTELSIM_ENOMEM;
		return false;
	}
	l->has_next = true;
	return true;
}

/* JSON is larger than protobuf: the peeked request as JSON, halved until it fits. */
static int to_json(struct replay *r, struct lane *l, struct split_request *req)
{
	struct otelsim_error err;

	for (;;) {
		strbuf_reset(&r->json);
		if (otlpjson_from_protobuf(otlpjson_descriptor(req->signal), req->body, req->len,
					   &r->json, &err))
			return input_error(r, l, req->end_record, &err);
		if (r->json.len <= r->o->max_request_bytes || req->leaves <= 1)
			return 0;
		if (split_peek(l->sp, req->leaves / 2, 0, req)) {
			error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
			return r->fatal = OTELSIM_ENOMEM;
		}
	}
}

/* The request in flight, in the lane's order, for the watermark. */
static struct inflight *track(struct replay *r, struct lane *l, const struct split_request *req)
{
	struct inflight *f = calloc(1, sizeof(*f));

	if (!f) {
		error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
		r->fatal = OTELSIM_ENOMEM;
		return NULL;
	}
	f->lane = l;
	f->signal = req->signal == OTELSIM_EVENTS ? OTELSIM_LOGS : req->signal;
	if (f->signal < OTELSIM_TRACES || f->signal > OTELSIM_LOGS)
		f->signal = OTELSIM_TRACES; /* the sender refuses it */
	f->end_record = req->end_record;
	f->end_leaf = req->end_leaf;
	f->items = req->items;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	return f;
}

/* Send (or in a dry run, encode and count) the lane's peeked request. */
static int submit(struct replay *r, struct lane *l)
{
	struct split_request *req = &l->next;
	struct replay_totals *t = r->tot;
	bool json = r->cfg.target[req->signal].protocol == SENDER_HTTP_JSON;
	struct send_req sr = { req->signal, req->body, req->len, json, req->items, NULL };
	struct otelsim_error err;
	int rc;

	/* the request stays queued in the splitter when interrupted */
	if (!stream_pace(r->st_send, req->items, req->min_ts))
		return 0;
	if (json) {
		if ((rc = to_json(r, l, req)))
			return rc;
		sr.body = r->json.buf;
		sr.len = r->json.len;
		sr.items = req->items;
	}
	if (sr.len > r->o->max_request_bytes) {
		/* one item larger than the limit: it cannot be split, so it goes alone */
		t->oversize_requests++;
		if (sr.len > t->oversize_max)
			t->oversize_max = sr.len;
		t->oversize_signals |= 1u << (req->signal & 7);
	}
	t->bytes += sr.len;
	if (r->o->dry_run) {
		t->requests++;
		split_consume(l->sp, req);
		l->has_next = false;
		return 0;
	}
	/* nothing leaves before the manifest's checksums are known to hold */
	if (!r->verify.done && verify_wait(r))
		return r->fatal;
	if (!(sr.tag = track(r, l, req)))
		return r->fatal;
	/* the body is copied by the sender; consume only after */
	rc = stream_send(r->st_send, &sr, &err);
	if (rc == 1) {
		/* cancelled before it left: it stays unacknowledged */
		((struct inflight *)sr.tag)->finished = true;
		return 0;
	}
	split_consume(l->sp, req);
	l->has_next = false;
	if (rc) {
		r->err = err;
		r->fatal = rc;
		return rc;
	}
	tick(r);
	return 0;
}

static bool stopping(const struct replay *r)
{
	return r->fatal || r->endpoint_down || interrupted(r);
}

/* --speed: every lane open, the request of the earliest time first. */
static void run_merged(struct replay *r)
{
	for (size_t i = 0; i < r->npaths && !r->fatal; i++)
		lane_open(r, &r->lanes[i]);
	while (!stopping(r)) {
		struct lane *best = NULL;

		for (size_t i = 0; i < r->npaths && !r->fatal; i++) {
			struct lane *l = &r->lanes[i];

			if (!lane_next(r, l))
				continue;
			if (!best || (l->next.min_ts &&
				      (!best->next.min_ts || l->next.min_ts < best->next.min_ts)))
				best = l;
		}
		if (!best || r->fatal || submit(r, best))
			break;
	}
}

/* Otherwise: lane after lane. */
static void run_in_order(struct replay *r)
{
	for (size_t i = 0; i < r->npaths && !stopping(r); i++) {
		struct lane *l = &r->lanes[i];

		if (lane_open(r, l))
			break;
		while (!stopping(r) && lane_next(r, l)) {
			if (submit(r, l))
				break;
		}
		if (!stopping(r)) {
			advance(r, l);
			/* the reader and splitter are done; keep the lane for its acks */
			reader_free(l->rd);
			l->rd = NULL;
		}
	}
}

/* One pass over every lane: in order, or merged by time with --speed. */
static int run_pass(struct replay *r)
{
	for (size_t i = 0; i < r->npaths; i++)
		r->lanes[i].eof = false; /* lane_open sets it again; unopened lanes stay unread */
	stream_restart(r->st_send);
	if (r->o->speed > 0)
		run_merged(r);
	else
		run_in_order(r);
	/* what is in flight, unless interrupted: stream_free then cancels the rest */
	stream_drain(r->st_send);
	for (size_t i = 0; i < r->npaths; i++) {
		if (!r->lanes[i].eof)
			r->tot->input_unread = true;
		advance(r, &r->lanes[i]);
		if (r->lanes[i].open)
			lane_close(&r->lanes[i]);
	}
	return r->fatal;
}

/* ------------------------------------------------------------------ */
/* set-up                                                             */

static int load_manifests(struct replay *r, struct otelsim_error *err)
{
	for (size_t i = 0; i < r->npaths; i++) {
		char *dir;
		const char *slash;
		bool known = false, found;
		struct manifest m;
		int rc;

		if (strcmp(r->paths[i], "-") == 0)
			continue;
		slash = strrchr(r->paths[i], '/');
		dir = slash ? strndup(r->paths[i],
				      slash > r->paths[i] ? (size_t)(slash - r->paths[i]) : 1)
			    : strdup(".");
		if (!dir)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		for (size_t k = 0; k < r->nmans; k++)
			if (strcmp(r->mans[k].dir, dir) == 0)
				known = true;
		if (known) {
			free(dir);
			continue;
		}
		rc = manifest_load(dir, &m, &found, err);
		free(dir);
		if (rc)
			return rc;
		if (!found)
			continue;
		struct manifest *nm = realloc(r->mans, (r->nmans + 1) * sizeof(*nm));

		if (!nm) {
			manifest_release(&m);
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		}
		r->mans = nm;
		r->mans[r->nmans++] = m;
	}
	return 0;
}

/*
 * Where to send: net/endpoint.c decides, from the flags, the environment
 * and (the lowest layer) the first manifest's endpoint and protocol.
 */
static int resolve_endpoint(struct replay *r, struct otelsim_error *err)
{
	struct endpoint_defaults d = { NULL, NULL, NULL };
	int rc;

	if (r->nmans) {
		d.endpoint = r->mans[0].endpoint;
		d.protocol = r->mans[0].protocol;
		d.source = arena_printf(&r->arena, "%s/manifest.json", r->mans[0].dir);
		if (!d.source)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	if ((rc = endpoint_resolve(&r->o->net, &d, NULL, &r->arena, &r->cfg, err)))
		return rc;
	for (int s = 0; s < 3; s++) {
		r->shown_url[s] = endpoint_shown_url(r->cfg.target[s].url, &r->arena);
		if (!r->shown_url[s])
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	for (const char *w = r->cfg.warnings; w && *w;) {
		size_t n = strcspn(w, "\n");

		say(r, "warning: %.*s", (int)n, w);
		w += n + (w[n] == '\n');
	}
	r->cfg.concurrency = r->o->concurrency;
	if (r->o->retry_max_elapsed_ms >= 0)
		r->cfg.retry_max_elapsed_ms = r->o->retry_max_elapsed_ms;
	r->cfg.jitter_seed = (uint64_t)time_now_ns() ^ ((uint64_t)getpid() << 32);
	r->cfg.retry_budget_name = "--retry-max-elapsed";
	return 0;
}

/* Earliest and latest timestamp and the item count of every input. */
static int prescan(struct replay *r, struct otelsim_error *err)
{
	struct read_options ro = { r->o->framing, true, 0, r->o->cancel, r->o->skip_bad_records };
	struct xform_stats xs = XFORM_STATS_INIT;
	uint64_t items = 0;

	for (size_t i = 0; i < r->npaths && !interrupted(r); i++) {
		struct reader *rd;
		struct read_record rec;
		int rc = reader_open(r->paths[i], &ro, &rd, err);

		if (rc && interrupted(r))
			return 0;
		if (rc)
			return rc;
		while ((rc = reader_next(rd, &rec, err)) == 1) {
			rc = xform_record(rec.signal, rec.data, rec.len, NULL, &xs, err);
			if (rc) {
				error_prefix(err, "record %llu", (unsigned long long)rec.index);
				snprintf(err->file, sizeof(err->file), "%s", r->paths[i]);
				break;
			}
		}
		if (rc < 0 && reader_truncated(rd, &(uint64_t){ 0 }, &(uint64_t){ 0 }))
			rc = 0; /* the lane reports it when it gets there */
		reader_free(rd);
		if (rc && interrupted(r))
			return 0;
		if (rc)
			return rc;
	}
	items = xs.items;
	r->have_range = xs.min_ts != UINT64_MAX;
	r->range_min = xs.min_ts;
	r->range_max = xs.max_ts;
	r->tot->items_total = mul_sat(items, r->o->loop);
	return 0;
}

static void pass_transform(struct replay *r, uint64_t pass, bool resumed_pass)
{
	const struct replay_config *o = r->o;

	r->x.new_ids = o->new_ids || o->loop != 1;
	r->x.id_key = xform_pass_key(r->st.seed, pass);
	r->x.shift = false;
	r->x.shift_ns = 0;
	r->shift_pending = false;
	if (resumed_pass && r->st.shift_known) {
		r->x.shift = r->st.shift_ns != 0;
		r->x.shift_ns = r->st.shift_ns;
		return;
	}
	switch (o->shift_mode) {
	case REPLAY_SHIFT_AUTO:
		if (r->have_range) {
			r->x.shift = true;
			r->x.shift_ns = shift_to_now(r->range_min);
		} else if (r->has_stdin) {
			r->shift_pending = true;
		}
		break;
	case REPLAY_SHIFT_BY:
		r->x.shift = true;
		r->x.shift_ns = o->shift_ns;
		if (r->have_range && pass > 0) {
			/* each pass after the one before: the files' time span (+1 ns) further */
			uint64_t step = mul_sat(pass, r->range_max - r->range_min + 1);

			r->x.shift_ns = add_sat(o->shift_ns, step > (uint64_t)INT64_MAX
								     ? INT64_MAX
								     : (int64_t)step);
		}
		break;
	}
	r->st.shift_known = !r->shift_pending;
	r->st.shift_ns = r->x.shift ? r->x.shift_ns : 0;
}

/* The inputs, their manifests, the endpoint, the lanes and the resume state. */
static int set_up(struct replay *r, bool *found, struct otelsim_error *err)
{
	const struct replay_config *o = r->o;
	char fp[256];
	int rc;

	struct dir_list skipped = { 0 };

	rc = read_expand((const char *const *)o->inputs, o->ninputs, &r->paths, &r->npaths,
			 &skipped, err);
	for (size_t i = 0; i < skipped.n; i++) /* one line each, and a count in the summary */
		say(r, "warning: skipped %s", skipped.v[i]);
	r->tot->inputs_not_telemetry = skipped.n;
	dir_list_release(&skipped);
	if (rc || (rc = load_manifests(r, err)) || (rc = resolve_endpoint(r, err)))
		return rc;
	r->max_items = o->max_items_set ? o->max_items : r->nmans ? r->mans[0].batch_size : 0;
	if (o->rate > 0) {
		uint64_t cap = (uint64_t)(o->rate / RATE_REQUESTS_PER_S);

		if (cap < 1)
			cap = 1;
		if (!r->max_items || r->max_items > cap)
			r->max_items = cap;
	}
	r->lanes = calloc(r->npaths ? r->npaths : 1, sizeof(*r->lanes));
	if (!r->lanes)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->npaths; i++) {
		struct stat sb;

		r->lanes[i].idx = i;
		r->lanes[i].path = r->paths[i];
		if (strcmp(r->paths[i], "-") == 0)
			r->has_stdin = true;
		else if (stat(r->paths[i], &sb) == 0 && !S_ISREG(sb.st_mode))
			r->has_stdin = true; /* a FIFO: read once, as a stream, like stdin */
		else if (stat(r->paths[i], &sb) == 0)
			r->tot->in_total += (uint64_t)sb.st_size;
	}
	r->tot->in_total = mul_sat(r->tot->in_total, o->loop);

	/* what must not change between a run and its resumption */
	snprintf(fp, sizeof(fp), "time-shift=%s new-ids=%d loop=%llu framing=%s", o->shift_text,
		 o->new_ids ? 1 : 0, (unsigned long long)o->loop, read_framing_name(o->framing));
	if (o->resume) {
		if ((rc = state_open(&r->st, o->resume, fp, r->paths, r->npaths, found, err)))
			return rc;
		r->use_state = true;
	}
	if (!*found)
		r->st.seed = o->seed_set ? o->seed
					 : rng_hash(&(int64_t){ time_now_ns() }, 8) ^
						   (uint64_t)getpid();
	return 0;
}

/* Every pass (from the resumed one), until done, stopped or interrupted. */
static int run_passes(struct replay *r, bool found, struct otelsim_error *err)
{
	const struct replay_config *o = r->o;
	int rc;

	for (uint64_t pass = found ? r->st.pass : 0; o->loop == 0 || pass < o->loop; pass++) {
		bool resumed = found && pass == r->st.pass;

		if (!resumed && r->use_state) {
			for (size_t i = 0; i < r->st.ninputs; i++) {
				r->st.inputs[i].record = r->st.inputs[i].leaf = 0;
				r->st.inputs[i].done = false;
			}
		}
		r->st.pass = pass;
		pass_transform(r, pass, resumed);
		if (r->use_state && (rc = state_save(&r->st, true, err)))
			return rc;
		r->tot->passes++;
		r->tot->input_unread = false;
		if (run_pass(r) || stopping(r)) {
			/* a file whose end was not reached may still have been read whole */
			if (r->tot->input_unread && r->tot->in_total &&
			    r->tot->in_bytes >= r->tot->in_total)
				r->tot->input_unread = false;
			if (o->loop == 0 || pass + 1 < o->loop)
				r->tot->input_unread = true; /* passes were left */
			break;
		}
	}
	return 0;
}

static int run(struct replay *r)
{
	const struct replay_config *o = r->o;
	struct otelsim_error *err = &r->err;
	struct stream_config sc;
	bool found = false;
	int rc;

	if ((rc = set_up(r, &found, err)))
		return rc;
	if (found && r->st.complete) {
		r->tot->complete = true;
		return 0;
	}
	/* a pre-scan when time must be known up front (and to validate before sending) */
	verify_start(r);
	if (!r->has_stdin &&
	    (o->shift_mode == REPLAY_SHIFT_AUTO ||
	     (o->loop != 1 && o->shift_mode == REPLAY_SHIFT_BY)) &&
	    (rc = prescan(r, err))) {
		verify_wait(r);
		return r->verify.rc ? r->verify.rc : rc;
	}
	memset(&sc, 0, sizeof(sc));
	sc.sender = o->dry_run ? NULL : &r->cfg;
	sc.cancel = o->cancel;
	sc.per_second = o->rate;
	sc.speed = o->speed;
	sc.ctx = r;
	sc.done = on_done;
	sc.idle = tick;
	if ((rc = stream_new(&sc, &r->st_send, err)))
		return rc;
	r->tot->start_ns = time_mono_ns();
	if ((rc = run_passes(r, found, err)))
		return rc;
	if (verify_wait(r))
		return r->fatal;
	if (r->use_state && !r->fatal) {
		bool all = !r->endpoint_down && !interrupted(r);

		for (size_t i = 0; i < r->st.ninputs; i++)
			all = all && r->st.inputs[i].done;
		r->st.complete = all;
		if ((rc = state_save(&r->st, true, err)))
			return rc;
	}
	return r->fatal;
}

static void release(struct replay *r)
{
	for (size_t i = 0; r->lanes && i < r->npaths; i++) {
		struct lane *l = &r->lanes[i];

		while (l->head) {
			struct inflight *f = l->head;

			l->head = f->next;
			free(f);
		}
		if (l->open)
			lane_close(l);
	}
	free(r->lanes);
	for (size_t i = 0; i < r->nmans; i++)
		manifest_release(&r->mans[i]);
	free(r->mans);
	read_paths_free(r->paths, r->npaths);
	if (r->use_state)
		state_release(&r->st);
	strbuf_release(&r->json);
	arena_release(&r->arena);
}

int replay_run(const struct replay_config *c, struct replay_totals *tot, struct otelsim_error *err)
{
	struct replay r;
	struct stream_counts last;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(tot, 0, sizeof(*tot));
	r.o = c;
	r.tot = tot;
	tot->dry_run = c->dry_run;
	tot->truncation_allowed = c->allow_truncated;
	tot->max_request_bytes = c->max_request_bytes;
	tot->start_ns = time_mono_ns();
	arena_init(&r.arena, 0);
	rc = util_text_init(&r.err);
	if (!rc)
		rc = run(&r);
	if (r.verify.running)
		pthread_join(r.verify.thread, NULL); /* run() stopped early: only wait */
	tot->interrupted = interrupted(&r);
	tot->end_ns = time_mono_ns(); /* one figure of seconds and items/s for every report */
	/* requests still in flight are cancelled: counted, never acknowledged */
	if (r.st_send) {
		stream_free(r.st_send, &last);
		r.st_send = NULL;
		take_counts(&r, &last);
	}
	if (rc && err)
		*err = r.err;
	release(&r);
	return rc;
}
