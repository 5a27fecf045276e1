/*
 * otlp-replay - post OTLP files to an OTLP endpoint.
 *
 * One thread drives it all: inputs are read record by record (read/reader),
 * each record's items are time-shifted and given new ids in place and
 * queued for splitting (read/transform, read/split), requests are cut from
 * the queue, converted to OTLP/JSON when the endpoint wants JSON
 * (read/otlpjson), paced, and handed to the sender (net/sender), whose
 * done() callback counts the outcome and moves the --resume watermark.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net/endpoint.h"
#include "net/reply.h"
#include "net/sender.h"
#include "otelsim/otelsim.h"
#include "read/manifest.h"
#include "read/otlpjson.h"
#include "read/reader.h"
#include "read/split.h"
#include "read/transform.h"
#include "replay.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

#define SPEED_WINDOW_NS     20000000 /* a paced request covers at most 20 ms of wall time */
#define RATE_REQUESTS_PER_S 20       /* --rate: requests of rate/20 items, 20 a second */
#define MAX_MESSAGES        5        /* server messages printed before going quiet */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (interrupted) {
		/* a second signal: stop now */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	interrupted = 1;
}

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
	int rc;
	struct otelsim_error err;
	pthread_t thread;
	bool running, done;
};

struct replay {
	struct replay_options *o;
	struct sender_config cfg;
	const char *shown_url[3]; /* each target's URL as messages show it */
	struct sender *snd;
	struct arena arena;
	char **paths;
	size_t npaths;
	struct lane *lanes;
	struct manifest *mans;
	size_t nmans;
	struct state st;
	bool use_state;
	struct totals tot;
	struct xform x;
	uint64_t max_items;
	bool have_range, shift_pending, has_stdin;
	uint64_t range_min, range_max;
	int64_t pass_start_ns;
	uint64_t pass_base_ts;
	bool pass_base_set;
	int64_t rate_start_ns;
	uint64_t rate_items;
	bool progress;
	int64_t last_progress_ns;
	bool endpoint_down;
	int messages;
	struct strbuf json;
	struct verify_job verify;
	struct otelsim_error err; /* the first fatal error */
	int fatal;
};

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

static void say_error(const struct otelsim_error *err)
{
	char buf[2048];

	/* at a place in a file: "file:line:col: message", as compilers write it */
	if (err->file[0] && err->line > 0)
		fprintf(stderr, "%s\n", otelsim_error_format(err, buf, sizeof(buf)));
	else
		fprintf(stderr, "otlp-replay: %s\n", otelsim_error_format(err, buf, sizeof(buf)));
}

static void *verify_thread(void *arg)
{
	struct verify_job *j = arg;

	for (size_t i = 0; i < j->nmans && !j->rc && !interrupted; i++)
		j->rc = manifest_verify(&j->mans[i], &j->err);
	return NULL;
}

static void verify_start(struct replay *r)
{
	struct verify_job *j = &r->verify;

	j->mans = r->mans;
	j->nmans = r->nmans;
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

static void tick(struct replay *r, bool force)
{
	int64_t now;

	if (!r->progress)
		return;
	now = time_mono_ns();
	if (!force && now - r->last_progress_ns < 200000000)
		return;
	r->last_progress_ns = now;
	report_progress(&r->tot, false);
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

static void on_done(void *ctx, void *tag, const struct send_result *res)
{
	struct replay *r = ctx;
	struct inflight *f = tag;
	struct totals *t = &r->tot;

	t->wire_bytes += res->bytes;
	t->retries += res->retries;
	if (res->retries)
		t->items_retried += f->items;
	f->finished = true;
	if (res->cancelled) {
		/*
		 * Interrupted while in flight or waiting for a retry: neither sent
		 * nor failed, and never acknowledged, so the --resume watermark
		 * stays before it and a resumed replay sends it again.
		 */
		t->items_cancelled += f->items;
		t->requests_cancelled++;
		advance(r, f->lane);
		return;
	}
	switch (res->outcome) {
	case SEND_OK:
		t->items_sent += f->items;
		t->items_accepted += f->items;
		f->acked = true;
		/* accepted with a message: a warning (or a reply that could not be read) */
		if (res->message[0] && r->messages++ < MAX_MESSAGES)
			fprintf(stderr, "%sotlp-replay: warning: %s\n",
				r->progress ? "\r\033[K" : "", res->message);
		break;
	case SEND_PARTIAL: {
		uint64_t rej = res->rejected < 0 ? 0 : (uint64_t)res->rejected;

		if (rej > f->items)
			rej = f->items;
		t->items_sent += f->items;
		t->items_rejected += rej;
		t->items_accepted += f->items - rej;
		f->acked = true;
		if (r->messages++ < MAX_MESSAGES)
			fprintf(stderr,
				"%sotlp-replay: partial success: %llu of %llu items rejected%s%s\n",
				r->progress ? "\r\033[K" : "", (unsigned long long)rej,
				(unsigned long long)f->items, res->message[0] ? ": " : "",
				res->message);
		break;
	}
	default: {
		char what[128] = "";

		t->items_failed += f->items;
		t->requests_failed++;
		/*
		 * The server answered for good: the items reached it, and it refused
		 * them. Items still failing past the retry budget were not sent.
		 */
		if (res->http_status > 0 && !res->gave_up)
			t->items_sent += f->items;
		if (res->grpc_status >= 0)
			snprintf(what, sizeof(what), "grpc-status %d %s%s", res->grpc_status,
				 reply_grpc_code_name(res->grpc_status),
				 res->message[0] ? ": " : "");
		else if (res->http_status > 0)
			snprintf(what, sizeof(what), "HTTP %d%s", res->http_status,
				 res->message[0] ? ": " : "");
		if (res->gave_up) {
			/* the endpoint is unreachable or overloaded past our retries: stop */
			if (!r->endpoint_down) {
				snprintf(t->stop_reason, sizeof(t->stop_reason), "%s%.400s", what,
					 res->message[0] ? res->message : "request failed");
				fprintf(stderr, "%sotlp-replay: %llu items failed: %s (%s)\n",
					r->progress ? "\r\033[K" : "", (unsigned long long)f->items,
					t->stop_reason, r->shown_url[f->signal]);
			}
			r->endpoint_down = true;
			t->stopped = true;
		} else {
			/* a final answer: the server refused these items; resending would not help */
			f->acked = true;
			if (r->messages++ < MAX_MESSAGES)
				fprintf(stderr, "%sotlp-replay: %llu items failed: %s%s (%s)\n",
					r->progress ? "\r\033[K" : "", (unsigned long long)f->items,
					what, res->message[0] ? res->message : "request failed",
					r->shown_url[f->signal]);
		}
		break;
	}
	}
	advance(r, f->lane);
}

/* ------------------------------------------------------------------ */
/* pacing                                                             */

static void wait_until(struct replay *r, int64_t target)
{
	for (;;) {
		int64_t now = time_mono_ns(), left = target - now;

		if (left <= 0 || interrupted)
			return;
		if (left > 100000000)
			left = 100000000;
		/* drive transfers while waiting; sleep when none is in flight */
		if (!r->snd || sender_poll(r->snd, left / 1000000 ? left / 1000000 : 1) == 0) {
			int64_t rest = target - time_mono_ns();
			struct timespec ts = { 0, (long)(rest < 0      ? 0
							 : rest < left ? rest
								       : left) };

			nanosleep(&ts, NULL);
		}
		tick(r, false);
	}
}

static void pace(struct replay *r, const struct split_request *req)
{
	if (r->o->rate > 0) {
		if (!r->rate_start_ns)
			r->rate_start_ns = time_mono_ns();
		wait_until(r, add_sat(r->rate_start_ns,
				      ns_from_double((double)r->rate_items / r->o->rate * 1e9)));
	} else if (r->o->speed > 0 && req->min_ts) {
		if (!r->pass_base_set) {
			r->pass_base_ts = req->min_ts;
			r->pass_base_set = true;
			r->pass_start_ns = time_mono_ns();
		}
		if (req->min_ts > r->pass_base_ts)
			wait_until(r,
				   add_sat(r->pass_start_ns,
					   ns_from_double((double)(req->min_ts - r->pass_base_ts) /
							  r->o->speed)));
	}
}

/* ------------------------------------------------------------------ */
/* lanes: one input file each                                         */

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
	struct read_options ro = { r->o->framing, true, 0 };
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

	while (!l->eof && !split_ready(l->sp) && !interrupted) {
		struct xform_stats xs = XFORM_STATS_INIT;
		uint64_t skip = 0, now_in;

		rc = reader_next(l->rd, &rec, &err);
		now_in = reader_bytes_in(l->rd);
		r->tot.in_bytes += now_in - l->in_bytes;
		l->in_bytes = now_in;
		if (rc < 0)
			return input_error(r, l, 0, &err);
		if (rc == 0) {
			l->eof = true;
			break;
		}
		if (rec.index < l->skip_record) {
			xform_record(rec.signal, rec.data, rec.len, NULL, &xs, NULL);
			r->tot.items_skipped += xs.items;
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
			while (split_pending(l->sp) > 0 && !r->fatal && !interrupted) {
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
			r->tot.items_skipped += skip;
		r->tot.items_read += xs.items;
		r->tot.clamped += xs.clamped;
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

/* Send (or in a dry run, encode and count) the lane's peeked request. */
static int submit(struct replay *r, struct lane *l)
{
	struct split_request *req = &l->next;
	const void *body = req->body;
	size_t len = req->len;
	bool json = r->cfg.target[req->signal].protocol == SENDER_HTTP_JSON;
	struct otelsim_error err;
	int rc;

	pace(r, req);
	/*
	 * sender_submit blocks while every slot is busy (a request waiting for
	 * its retry holds one, maybe for minutes): wait here instead, looking
	 * at Ctrl-C; the request stays queued in the splitter when interrupted.
	 */
	while (!interrupted && r->snd && sender_poll(r->snd, 0) >= r->cfg.concurrency) {
		sender_poll(r->snd, 100);
		tick(r, false);
	}
	if (interrupted)
		return 0;
	if (json) {
		for (;;) {
			strbuf_reset(&r->json);
			rc = otlpjson_from_protobuf(otlpjson_descriptor(req->signal), req->body,
						    req->len, &r->json, &err);
			if (rc)
				return input_error(r, l, req->end_record, &err);
			if (r->json.len <= r->o->max_request_bytes || req->leaves <= 1)
				break;
			/* JSON is larger than protobuf: halve until it fits */
			if (split_peek(l->sp, req->leaves / 2, 0, req)) {
				error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
				return r->fatal = OTELSIM_ENOMEM;
			}
		}
		body = r->json.buf;
		len = r->json.len;
	}
	if (len > r->o->max_request_bytes) {
		/* one item larger than the limit: it cannot be split, so it goes alone */
		r->tot.oversize_requests++;
		if (len > r->tot.oversize_max)
			r->tot.oversize_max = len;
		r->tot.oversize_signals |= 1u << (req->signal & 7);
	}
	r->tot.requests += r->o->dry_run ? 1 : 0;
	r->tot.bytes += len;
	r->rate_items += req->items;
	if (r->o->dry_run) {
		split_consume(l->sp, req);
		l->has_next = false;
		return 0;
	}
	/* nothing leaves before the manifest's checksums are known to hold */
	if (!r->verify.done && verify_wait(r))
		return r->fatal;
	struct inflight *f = calloc(1, sizeof(*f));

	if (!f) {
		error_set(&r->err, OTELSIM_ENOMEM, "out of memory");
		return r->fatal = OTELSIM_ENOMEM;
	}
	f->lane = l;
	f->signal = req->signal == OTELSIM_EVENTS ? OTELSIM_LOGS : req->signal;
	if (f->signal < OTELSIM_TRACES || f->signal > OTELSIM_LOGS)
		f->signal = OTELSIM_TRACES; /* sender_submit refuses it below */
	f->end_record = req->end_record;
	f->end_leaf = req->end_leaf;
	f->items = req->items;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	struct send_req sr = { req->signal, body, len, json, req->items, f };

	r->tot.requests++;
	/* the body is copied by the sender; consume only after */
	rc = sender_submit(r->snd, &sr, &err);
	split_consume(l->sp, req);
	l->has_next = false;
	if (rc) {
		r->err = err;
		r->fatal = rc;
		return rc;
	}
	tick(r, false);
	return 0;
}

static bool stopping(const struct replay *r)
{
	return r->fatal || r->endpoint_down || interrupted;
}

/* One pass over every lane: in order, or merged by time with --speed. */
static int run_pass(struct replay *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->npaths; i++)
		r->lanes[i].eof = false; /* lane_open sets it again; unopened lanes stay unread */

	if (r->o->speed > 0) {
		for (size_t i = 0; i < r->npaths && !r->fatal; i++)
			lane_open(r, &r->lanes[i]);
		while (!stopping(r)) {
			struct lane *best = NULL;

			for (size_t i = 0; i < r->npaths && !r->fatal; i++) {
				struct lane *l = &r->lanes[i];

				if (!lane_next(r, l))
					continue;
				if (!best ||
				    (l->next.min_ts &&
				     (!best->next.min_ts || l->next.min_ts < best->next.min_ts)))
					best = l;
			}
			if (!best || r->fatal)
				break;
			rc = submit(r, best);
			if (rc)
				break;
		}
	} else {
		for (size_t i = 0; i < r->npaths && !stopping(r); i++) {
			struct lane *l = &r->lanes[i];

			if (lane_open(r, l))
				break;
			while (!stopping(r) && lane_next(r, l)) {
				rc = submit(r, l);
				if (rc)
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
	/*
	 * Wait for what is in flight, like sender_drain, but stop at Ctrl-C:
	 * sender_free (in main) then cancels what is left, at once.
	 */
	while (r->snd && sender_poll(r->snd, 0) > 0 && !interrupted) {
		sender_poll(r->snd, 100);
		tick(r, false);
	}
	for (size_t i = 0; i < r->npaths; i++) {
		if (!r->lanes[i].eof)
			r->tot.input_unread = true;
		advance(r, &r->lanes[i]);
		if (r->lanes[i].open)
			lane_close(&r->lanes[i]);
	}
	return r->fatal;
}

/* ------------------------------------------------------------------ */
/* set-up                                                             */

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

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

/* grpc or not: the transport a protocol name means (unknown names are left to endpoint.c) */
static bool is_grpc(const char *protocol)
{
	size_t n;

	while (*protocol == ' ' || *protocol == '\t')
		protocol++;
	n = strcspn(protocol, " \t\r\n");
	return n == 4 && strncmp(protocol, "grpc", 4) == 0;
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * The manifest's replay defaults (endpoint, protocol) come after flags and
 * the environment. Its endpoint belongs to its protocol: it applies only
 * when the protocol in effect for every signal uses the same transport
 * (grpc, or http: http/protobuf and http/json share one endpoint);
 * otherwise the protocol's own default applies (localhost:4317 for grpc).
 */
static int resolve_endpoint(struct replay *r, struct otelsim_error *err)
{
	static const char *const proto_env[3] = { "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
						  "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
						  "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL" };
	struct endpoint_flags fl = r->o->net;
	const struct manifest *m = r->nmans ? &r->mans[0] : NULL;
	bool user_endpoint = fl.endpoint || fl.signal_endpoint[0] || fl.signal_endpoint[1] ||
			     fl.signal_endpoint[2] || env_set("OTEL_EXPORTER_OTLP_ENDPOINT") ||
			     env_set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ||
			     env_set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") ||
			     env_set("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") ||
			     env_set("OTLP_HTTP_ENDPOINT");
	bool user_protocol = fl.protocol || env_set("OTEL_EXPORTER_OTLP_PROTOCOL") ||
			     env_set(proto_env[0]) || env_set(proto_env[1]) ||
			     env_set(proto_env[2]);

	if (m && m->protocol && !user_protocol &&
	    !(fl.endpoint && strncmp(fl.endpoint, "grpc://", 7) == 0))
		fl.protocol = m->protocol;
	if (m && m->endpoint && !user_endpoint) {
		/* the manifest's own transport: its protocol, or what its endpoint says */
		bool m_grpc = m->protocol ? is_grpc(m->protocol)
					  : strncmp(m->endpoint, "grpc://", 7) == 0;
		bool same = true;

		for (int s = 0; s < 3; s++) {
			const char *p = fl.protocol ? fl.protocol
					: env_value(proto_env[s])
						? env_value(proto_env[s])
						: env_value("OTEL_EXPORTER_OTLP_PROTOCOL");

			/* no protocol anywhere: the endpoint decides (grpc:// or http) */
			if (p ? is_grpc(p) != m_grpc
			      : m_grpc != (strncmp(m->endpoint, "grpc://", 7) == 0))
				same = false;
		}
		if (same)
			fl.endpoint = m->endpoint;
	}
	int rc = endpoint_resolve(&fl, NULL, &r->arena, &r->cfg, err);

	if (rc)
		return rc;
	for (int s = 0; s < 3; s++) {
		r->shown_url[s] = endpoint_shown_url(r->cfg.target[s].url, &r->arena);
		if (!r->shown_url[s])
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	for (const char *w = r->cfg.warnings; w && *w;) {
		size_t n = strcspn(w, "\n");

		fprintf(stderr, "otlp-replay: warning: %.*s\n", (int)n, w);
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
	struct read_options ro = { r->o->framing, true, 0 };
	struct xform_stats xs = XFORM_STATS_INIT;
	uint64_t items = 0;

	for (size_t i = 0; i < r->npaths && !interrupted; i++) {
		struct reader *rd;
		struct read_record rec;
		int rc = reader_open(r->paths[i], &ro, &rd, err);

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
		reader_free(rd);
		if (rc)
			return rc;
	}
	items = xs.items;
	r->have_range = xs.min_ts != UINT64_MAX;
	r->range_min = xs.min_ts;
	r->range_max = xs.max_ts;
	r->tot.items_total = mul_sat(items, r->o->loop);
	return 0;
}

static void pass_transform(struct replay *r, uint64_t pass, bool resumed_pass)
{
	const struct replay_options *o = r->o;

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
	case SHIFT_AUTO:
		if (r->have_range) {
			r->x.shift = true;
			r->x.shift_ns = shift_to_now(r->range_min);
		} else if (r->has_stdin) {
			r->shift_pending = true;
		}
		break;
	case SHIFT_BY:
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

static int run(struct replay *r)
{
	struct replay_options *o = r->o;
	struct otelsim_error *err = &r->err;
	char fp[256];
	bool found = false;
	int rc;

	rc = read_expand((const char *const *)o->inputs, o->ninputs, &r->paths, &r->npaths, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->npaths; i++)
		if (strcmp(r->paths[i], "-") == 0)
			r->has_stdin = true;
	rc = load_manifests(r, err);
	if (rc)
		return rc;
	rc = resolve_endpoint(r, err);
	if (rc)
		return rc;
	r->max_items = o->max_items_set ? o->max_items : r->nmans ? r->mans[0].batch_size : 0;
	if (o->rate > 0) {
		uint64_t cap = (uint64_t)(o->rate / RATE_REQUESTS_PER_S);

		if (cap < 1)
			cap = 1;
		if (!r->max_items || r->max_items > cap)
			r->max_items = cap;
	}
	r->lanes = calloc(r->npaths, sizeof(*r->lanes));
	if (!r->lanes)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->npaths; i++) {
		struct stat sb;

		r->lanes[i].idx = i;
		r->lanes[i].path = r->paths[i];
		if (strcmp(r->paths[i], "-") != 0 && stat(r->paths[i], &sb) == 0)
			r->tot.in_total += (uint64_t)sb.st_size;
	}
	r->tot.in_total = mul_sat(r->tot.in_total, o->loop);

	/* what must not change between a run and its resumption */
	snprintf(fp, sizeof(fp), "time-shift=%s new-ids=%d loop=%llu framing=%s", o->shift_text,
		 o->new_ids ? 1 : 0, (unsigned long long)o->loop, read_framing_name(o->framing));
	if (o->resume) {
		rc = state_open(&r->st, o->resume, fp, r->paths, r->npaths, &found, err);
		if (rc)
			return rc;
		r->use_state = true;
		if (found && r->st.complete) {
			if (!o->quiet)
				fprintf(stderr,
					"otlp-replay: '%s' says this replay is complete: "
					"nothing left to send\n",
					o->resume);
			return 0;
		}
	} else {
		memset(&r->st, 0, sizeof(r->st));
	}
	if (!found)
		r->st.seed = o->seed_set ? o->seed
					 : rng_hash(&(int64_t){ time_now_ns() }, 8) ^
						   (uint64_t)getpid();

	/* a pre-scan when time must be known up front (and to validate before sending) */
	verify_start(r);
	if (!r->has_stdin &&
	    (o->shift_mode == SHIFT_AUTO || (o->loop != 1 && o->shift_mode == SHIFT_BY))) {
		rc = prescan(r, err);
		if (rc) {
			verify_wait(r);
			return r->verify.rc ? r->verify.rc : rc;
		}
	}
	if (!o->dry_run) {
		rc = sender_new(&r->cfg, on_done, r, &r->snd, err);
		if (rc)
			return rc;
	}
	r->tot.start_ns = time_mono_ns();
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
		if (r->use_state) {
			rc = state_save(&r->st, true, err);
			if (rc)
				return rc;
		}
		r->pass_base_set = false;
		r->tot.passes++;
		r->tot.input_unread = false;
		rc = run_pass(r);
		if (rc || stopping(r)) {
			/* a file whose end was not reached may still have been read whole */
			if (r->tot.input_unread && r->tot.in_total &&
			    r->tot.in_bytes >= r->tot.in_total)
				r->tot.input_unread = false;
			if (o->loop == 0 || pass + 1 < o->loop)
				r->tot.input_unread = true; /* passes were left */
			break;
		}
	}
	if (verify_wait(r))
		return r->fatal;
	if (r->use_state && !r->fatal) {
		bool all = !r->endpoint_down && !interrupted;

		for (size_t i = 0; i < r->st.ninputs; i++)
			all = all && r->st.inputs[i].done;
		r->st.complete = all;
		rc = state_save(&r->st, true, err);
		if (rc)
			return rc;
	}
	return r->fatal;
}

int main(int argc, char **argv)
{
	struct replay_options o;
	struct replay r;
	int rc, code = 0;

	memset(&r, 0, sizeof(r));
	rc = options_parse(&o, argc, argv, &r.err);
	if (rc == 1) {
		options_release(&o);
		return 0;
	}
	if (rc) {
		say_error(&r.err);
		options_release(&o);
		return 2;
	}
	if (o.dry_run && o.resume) {
		fprintf(stderr, "otlp-replay: --dry-run sends nothing, so --resume has nothing to "
				"record\n");
		options_release(&o);
		return 2;
	}
	r.o = &o;
	r.tot.dry_run = o.dry_run;
	r.tot.max_request_bytes = o.max_request_bytes;
	r.tot.start_ns = time_mono_ns();
	r.progress = !o.quiet && (o.progress == 1 || (o.progress == -1 && isatty(2)));
	arena_init(&r.arena, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal); /* a closed terminal or a dropped ssh session */
	signal(SIGPIPE, SIG_IGN);

	rc = run(&r);
	if (r.verify.running)
		pthread_join(r.verify.thread, NULL); /* run() stopped early: only wait */
	r.tot.interrupted = interrupted != 0;
	r.tot.end_ns = time_mono_ns(); /* one figure of seconds and items/s for every report */
	if (r.snd) {
		sender_free(r.snd);
		r.snd = NULL;
	}
	if (r.progress)
		report_progress(&r.tot, true);
	if (rc) {
		say_error(&r.err);
		code = otelsim_exit_status(rc);
	} else if (r.endpoint_down || interrupted) {
		code = 1;
	} else if (!o.dry_run && (r.tot.items_accepted != r.tot.items_read || r.tot.items_failed ||
				  r.tot.items_rejected)) {
		code = 1;
	}
	/* after an error before anything was read or sent, the message says it all */
	if (!o.quiet && (!rc || r.tot.items_read || r.tot.requests)) {
		if (r.messages > MAX_MESSAGES)
			fprintf(stderr,
				"otlp-replay: %d more message%s from the server not shown\n",
				r.messages - MAX_MESSAGES,
				r.messages - MAX_MESSAGES == 1 ? "" : "s");
		report_summary(stderr, &r.tot);
	}
	if (o.summary_json) {
		struct otelsim_error err;

		if (report_json(o.summary_json, &r.tot, code, &err)) {
			say_error(&err);
			code = code ? code : 1;
		}
	}
	for (size_t i = 0; r.lanes && i < r.npaths; i++) {
		struct lane *l = &r.lanes[i];

		while (l->head) {
			struct inflight *f = l->head;

			l->head = f->next;
			free(f);
		}
		if (l->open)
			lane_close(l);
	}
	free(r.lanes);
	for (size_t i = 0; i < r.nmans; i++)
		manifest_release(&r.mans[i]);
	free(r.mans);
	read_paths_free(r.paths, r.npaths);
	if (r.use_state)
		state_release(&r.st);
	strbuf_release(&r.json);
	arena_release(&r.arena);
	options_release(&o);
	return code;
}
