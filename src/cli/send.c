/*
 * --endpoint: stream what otelsim renders into an OTLP endpoint, paced in
 * real time by the interval (trace i leaves at start + i * interval), the
 * way the earlier telemetry simulators send. One trace per request; the
 * sender (src/net) retries what the OTLP specification calls retryable.
 *
 * --count 0 sends until stopped (Ctrl-C, SIGTERM), as the trace generator's
 * service does: the run is as long as the virtual time after --start can
 * hold, and an interrupt ends it normally, with the usual summary.
 *
 * Everything runs on the calling thread (one render thread: the pacing is
 * real time anyway, and the sender calls done() on the thread that drives
 * it). Nothing here blocks for long without looking at cli_interrupted:
 * while the endpoint is down, requests wait for a free slot and for their
 * retries in 100 ms polls, so Ctrl-C (or SIGTERM) stops within a fraction
 * of a second, the requests still in flight ending as "cancelled".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/endpoint.h"
#include "net/sender.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/rng.h"
#include "util/timefmt.h"

struct send_state {
	struct sender *s;
	unsigned concurrency;
	int json;
	int64_t t0_mono, interval_ns;
	uint64_t spans_done;
	uint64_t traces_sent, spans_sent; /* whose requests were all submitted */
	struct strbuf pending;            /* this trace's records, each len-prefixed */
	size_t npending;
	/* outcome */
	uint64_t requests, accepted, rejected, failed, failed_requests, retries;
	char last_error[1200];
	const char *url;
	struct progress *bar;
	int submit_error;
	struct otelsim_error err;
	const char *label;
	int quiet;
	char last_retry[512]; /* the reason last said for a retry */
	unsigned retry_notes;
};

/*
 * A request will be retried: say why as soon as it happens (once per new
 * reason, a few times at most), not only when the retries run out 30 s
 * later: a wrong host name or a closed port shows at once.
 */
static void on_retry(void *ctx, const struct send_result *r, int64_t delay_ms)
{
	struct send_state *st = ctx;

	if (st->quiet || st->retry_notes >= 5 || !strcmp(st->last_retry, r->message))
		return;
	snprintf(st->last_retry, sizeof(st->last_retry), "%s", r->message);
	st->retry_notes++;
	progress_clear(st->bar);
	if (r->http_status)
		fprintf(stderr,
			"%s: %s answered HTTP %d: %s; retrying in %.1fs (each request for up to "
			"30s)\n",
			st->label, st->url, r->http_status, r->message, (double)delay_ms / 1e3);
	else if (r->grpc_status > 0)
		fprintf(stderr,
			"%s: %s answered grpc-status %d: %s; retrying in %.1fs (each request for "
			"up to 30s)\n",
			st->label, st->url, r->grpc_status, r->message, (double)delay_ms / 1e3);
	else
		fprintf(stderr, "%s: %s: %s; retrying in %.1fs (each request for up to 30s)\n",
			st->label, st->url, r->message, (double)delay_ms / 1e3);
}

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct send_state *st = ctx;

	(void)tag;
	st->retries += r->retries;
	if (r->outcome == SEND_OK) {
		st->accepted += r->items;
	} else if (r->outcome == SEND_PARTIAL) {
		st->rejected += (uint64_t)r->rejected;
		st->accepted += r->items - (uint64_t)r->rejected;
		snprintf(st->last_error, sizeof(st->last_error), "partial success: %s", r->message);
	} else {
		st->failed += r->items;
		st->failed_requests++;
		if (r->http_status)
			snprintf(st->last_error, sizeof(st->last_error), "%s answered HTTP %d: %s",
				 st->url, r->http_status, r->message);
		else if (r->grpc_status > 0)
			snprintf(st->last_error, sizeof(st->last_error),
				 "%s answered grpc-status %d: %s", st->url, r->grpc_status,
				 r->message);
		else
			snprintf(st->last_error, sizeof(st->last_error), "%s: %s", st->url,
				 r->message);
	}
}

/* Records of the current trace wait here until its send time. */
static int on_record(void *ctx, int signal, const void *bytes, size_t len)
{
	struct send_state *st = ctx;
	const char *p = bytes;
	uint32_t n;

	(void)signal;
	if (st->json) { /* the request body is the JSON line without its newline */
		if (len && p[len - 1] == '\n')
			len--;
	} else { /* and the protobuf message without its 4-byte length */
		p += 4;
		len -= 4;
	}
	n = (uint32_t)len;
	if (strbuf_add(&st->pending, &n, sizeof(n)) || strbuf_add(&st->pending, p, len))
		return -1;
	st->npending++;
	return 0;
}

static void sleep_until(int64_t target)
{
	for (;;) {
		int64_t left = target - time_mono_ns();
		struct timespec ts;

		if (left <= 0 || atomic_load(&cli_interrupted))
			return;
		if (left > 100000000)
			left = 100000000; /* wake to notice Ctrl-C */
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		nanosleep(&ts, NULL);
	}
}

/*
 * Wait (driving transfers) until a request slot is free, so that
 * sender_submit does not block; 0, or -1 when interrupted first.
 */
static int wait_for_slot(struct send_state *st)
{
	while (sender_poll(st->s, 0) >= st->concurrency) {
		if (atomic_load(&cli_interrupted))
			return -1;
		sender_poll(st->s, 100);
	}
	return atomic_load(&cli_interrupted) ? -1 : 0;
}

/*
 * Wait until nothing is in flight, like sender_drain, but stop when
 * interrupted: 0, or -1 (then sender_free cancels what is left).
 */
static int wait_for_all(struct send_state *st)
{
	while (sender_poll(st->s, 0) > 0) {
		if (atomic_load(&cli_interrupted))
			return -1;
		sender_poll(st->s, 100);
	}
	return 0;
}

/* Called after each trace (one block of one trace): send it on time. */
static void on_trace(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	struct send_state *st = ctx;
	size_t pos = 0;
	uint64_t items = spans - st->spans_done;

	st->spans_done = spans;
	sleep_until(st->t0_mono + (int64_t)(done - 1) * st->interval_ns);
	for (size_t i = 0; i < st->npending && !st->submit_error; i++) {
		struct send_req req;
		uint32_t n;

		if (wait_for_slot(st))
			break; /* the render sees the flag next and stops */

		memcpy(&n, st->pending.buf + pos, sizeof(n));
		memset(&req, 0, sizeof(req));
		req.signal = OTELSIM_TRACES;
		req.body = st->pending.buf + pos + sizeof(n);
		req.len = n;
		req.json = st->json;
		req.items = i == 0 ? items : 0;
		if (sender_submit(st->s, &req, &st->err))
			st->submit_error = 1;
		st->requests++;
		pos += sizeof(n) + n;
	}
	if (!atomic_load(&cli_interrupted) && !st->submit_error) {
		st->traces_sent++;
		st->spans_sent += items;
	}
	strbuf_reset(&st->pending);
	st->npending = 0;
	sender_poll(st->s, 0);
	progress_update(st->bar, done, total, spans);
}

int cli_live_seed(struct cli *c, const struct otelsim *os, const char *scenario)
{
	struct otelsim_render_options ro = c->ro;
	struct otelsim_render_result res;
	struct otelsim_error err;
	uint64_t now;

	memset(&err, 0, sizeof(err));
	ro.scenario = scenario;
	ro.tags = (const char *const *)c->tags.v;
	ro.ntags = c->tags.n;
	if (otelsim_plan(os, &ro, &res, &err))
		return cli_fail(c, &err);
	if (res.seed_origin != OTELSIM_SEED_FROM_CONFIG)
		return EXIT_OK;
	/*
	 * Live runs repeated for load tests must not send the same trace ids
	 * every time: without --seed (or a scenario seed) the seed comes from
	 * the clock, and is printed so a run can be repeated.
	 */
	now = (uint64_t)time_now_ns() ^ ((uint64_t)getpid() << 32);
	c->ro.seed_set = true;
	c->ro.seed = rng_hash(&now, sizeof(now));
	return EXIT_OK;
}

int cli_send(struct cli *c, struct otelsim *os, const char *scenario, const char *label)
{
	struct endpoint_flags ef;
	struct sender_config cfg;
	struct send_state st;
	struct otelsim_render_options ro = c->ro;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct arena a;
	const char *url;
	char accepted[32], spans[32];
	int rc = EXIT_OK;
	int64_t t0;
	uint64_t total;
	bool forever = c->ro.count_set && !c->ro.count;
	size_t cancelled = 0;

	memset(&ef, 0, sizeof(ef));
	memset(&st, 0, sizeof(st));
	memset(&err, 0, sizeof(err));
	arena_init(&a, 4096);
	ef.endpoint = c->endpoint;
	ef.protocol = c->protocol;
	ef.headers = (const char *const *)c->headers.v;
	ef.nheaders = c->headers.n;
	if (endpoint_resolve(&ef, NULL, &a, &cfg, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
	for (const char *w = cfg.warnings; w && *w;) {
		size_t n = strcspn(w, "\n");

		fprintf(stderr, "otelsim: warning: %.*s\n", (int)n, w);
		w += n + (w[n] == '\n');
	}
	cfg.concurrency = 4;
	/*
	 * Live data goes stale: give up on a request after 30 s of retries (the
	 * replay tool's budget is 5 minutes), so a wrong port fails in seconds.
	 */
	cfg.retry_max_elapsed_ms = 30000;
	cfg.on_retry = on_retry;
	st.label = label;
	st.quiet = c->quiet;
	st.concurrency = cfg.concurrency;
	st.json = cfg.target[OTELSIM_TRACES].protocol == SENDER_HTTP_JSON;
	url = endpoint_shown_url(cfg.target[OTELSIM_TRACES].url, &a);
	if (!url) {
		error_set(&err, OTELSIM_ENOMEM, "out of memory");
		rc = cli_fail(c, &err);
		goto out;
	}
	st.url = url;
	if (sender_new(&cfg, on_done, &st, &st.s, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
	ro.scenario = scenario;
	ro.format = st.json ? OTELSIM_FORMAT_OTLP_JSON : OTELSIM_FORMAT_OTLP;
	ro.framing = OTELSIM_FRAMING_BE32;
	ro.gzip = false;
	ro.traces_per_record = 1;
	ro.iterations_per_block = 1; /* progress (on_trace) after every iteration */
	ro.tags = (const char *const *)c->tags.v;
	ro.ntags = c->tags.n;
	ro.show_spans = 0;
	ro.text = NULL;
	ro.progress = on_trace;
	ro.progress_ctx = &st;
	ro.cancel = &cli_interrupted;
	/* on_record and on_trace drive the sender: they must run on this thread */
	ro.threads = 1;
	/* live data: timestamps from now unless --start says otherwise */
	if (!ro.start_set) {
		ro.start_set = true;
		ro.start_ns = time_now_ns();
	}
	if (forever)
		ro.count = 1; /* for the interval; the count comes below */
	if (otelsim_plan(os, &ro, &res, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
	st.interval_ns = res.interval_ns;
	if (forever) {
		/* as many as fit before 2262 (a day spare for jitter and durations) */
		int64_t room = INT64_MAX - ro.start_ns - 86400000000000LL;

		ro.count = 1000000000000ULL;
		if (res.interval_ns > 0 && room / res.interval_ns < (int64_t)ro.count)
			ro.count = room > 0 ? (uint64_t)(room / res.interval_ns) : 1;
		if (otelsim_plan(os, &ro, &res, &err)) {
			rc = cli_fail(c, &err);
			goto out;
		}
	}
	total = res.traces;
	if (!c->quiet && forever)
		fprintf(stderr,
			"%s: sending traces until stopped (Ctrl-C), one every %.3gs, to %s (%s), "
			"seed %llu\n",
			label, (double)st.interval_ns / 1e9, url,
			endpoint_protocol_name(cfg.target[OTELSIM_TRACES].protocol),
			(unsigned long long)res.seed);
	else if (!c->quiet)
		fprintf(stderr,
			"%s: sending %llu trace%s, one every %.3gs, to %s (%s), seed %llu\n", label,
			(unsigned long long)res.traces, res.traces == 1 ? "" : "s",
			(double)st.interval_ns / 1e9, url,
			endpoint_protocol_name(cfg.target[OTELSIM_TRACES].protocol),
			(unsigned long long)res.seed);
	st.bar = progress_new(label, !c->quiet && isatty(2));
	t0 = st.t0_mono = time_mono_ns();
	rc = otelsim_render(os, &ro, on_record, &st, &res, &err);
	if (!rc && st.submit_error) {
		err = st.err;
		rc = err.code;
	}
	/* until stopped: the interrupt is the end (what is in flight is cancelled) */
	if (forever && rc == OTELSIM_EIO && atomic_load(&cli_interrupted) && !st.submit_error) {
		/* what was sent: the trace rendered when the interrupt came was not */
		res.traces = st.traces_sent;
		res.spans = st.spans_sent;
		rc = 0;
		cancelled = sender_poll(st.s, 0);
		memset(&err, 0, sizeof(err));
	} else if (!rc && wait_for_all(&st)) {
		/* after an interrupt or an error, what is in flight is not waited for */
		rc = error_set(&err, OTELSIM_EIO, "interrupted");
	}
	sender_free(st.s); /* requests still in flight end as failed: "cancelled" */
	st.s = NULL;
	progress_done(st.bar);
	human_count(accepted, sizeof(accepted), st.accepted);
	human_count(spans, sizeof(spans), res.spans);
	if (rc)
		fprintf(stderr,
			"%s: stopped after %llu of %llu traces in %.1fs: %s accepted, %llu "
			"rejected, "
			"%llu failed or cancelled, %llu retries\n",
			label, (unsigned long long)res.traces, (unsigned long long)total,
			(double)(time_mono_ns() - t0) / 1e9, accepted,
			(unsigned long long)st.rejected, (unsigned long long)st.failed,
			(unsigned long long)st.retries);
	else if (!c->quiet || st.failed || st.rejected)
		fprintf(stderr,
			"%s: %llu trace%s (%s spans) in %.1fs: %s spans accepted, %llu rejected, "
			"%llu failed, %llu retries%s\n",
			label, (unsigned long long)res.traces, res.traces == 1 ? "" : "s", spans,
			(double)(time_mono_ns() - t0) / 1e9, accepted,
			(unsigned long long)st.rejected, (unsigned long long)st.failed,
			(unsigned long long)st.retries,
			forever ? (cancelled ? "; stopped (the requests in flight were cancelled)"
					     : "; stopped")
				: "");
	if (rc) {
		rc = cli_fail(c, &err);
		goto out;
	}
	if (st.failed || st.rejected) {
		fprintf(stderr, "%s: %s\n", c->prog, st.last_error);
		rc = EXIT_RUNTIME;
	}
out:
	if (st.s)
		sender_free(st.s);
	strbuf_release(&st.pending);
	arena_release(&a);
	return rc;
}
