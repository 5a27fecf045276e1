/*
 * --endpoint: stream what otelsim renders into an OTLP endpoint, one trace
 * per request, paced in real time by the interval (trace i leaves at start
 * + i * interval), as the earlier telemetry simulators send. The requests
 * go through otlp-replay's send path (replay/stream.h: pacing, free slots,
 * retries, accounting), on this thread (one render thread: the pacing is
 * real time anyway); every wait looks at cli_interrupted every 100 ms, so
 * Ctrl-C stops at once, what is in flight ending as "cancelled".
 *
 * --count 0 sends until stopped (Ctrl-C, SIGTERM), as the trace generator's
 * service does: the run is as long as the virtual time after --start can
 * hold, and an interrupt ends it normally, with the usual summary of what
 * was sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/endpoint.h"
#include "replay/stream.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

struct send_state {
	struct stream *s;
	int json, quiet, submit_error;
	uint64_t spans_done;
	uint64_t traces_sent, spans_sent; /* whose requests were all submitted */
	struct strbuf pending;            /* this trace's records, each len-prefixed */
	size_t npending;
	char last_error[1200];
	const char *url;
	struct progress *bar;
	struct otelsim_error err;
	const char *label;
	char last_retry[512]; /* the reason last said for a retry */
	unsigned retry_notes;
};

/* "URL answered HTTP 503: message", or "URL: what failed" */
static void describe(const struct send_state *st, const struct send_result *r, char *buf,
		     size_t size)
{
	char what[600];

	stream_describe(r, what, sizeof(what));
	snprintf(buf, size, "%s%s %s", st->url,
		 r->http_status > 0 || r->grpc_status > 0 ? " answered" : ":", what);
}

/*
 * A request will be retried: say why as soon as it happens (once per new
 * reason, a few times at most), not only when the retries run out 30 s
 * later: a wrong host name or a closed port shows at once.
 */
static void on_retry(void *ctx, const struct send_result *r, int64_t delay_ms)
{
	struct send_state *st = ctx;
	char what[700];

	if (st->quiet || st->retry_notes >= 5 || !strcmp(st->last_retry, r->message))
		return;
	snprintf(st->last_retry, sizeof(st->last_retry), "%s", r->message);
	st->retry_notes++;
	progress_clear(st->bar);
	describe(st, r, what, sizeof(what));
	fprintf(stderr, "%s: %s; retrying in %.1fs (each request for up to 30s)\n", st->label, what,
		(double)delay_ms / 1e3);
}

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct send_state *st = ctx;
	char what[700];

	(void)tag;
	if (r->outcome == SEND_OK || r->cancelled)
		return;
	if (r->outcome == SEND_PARTIAL) {
		snprintf(st->last_error, sizeof(st->last_error), "partial success: %s", r->message);
		return;
	}
	describe(st, r, what, sizeof(what));
	snprintf(st->last_error, sizeof(st->last_error), "%s", what);
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

/* Called after each trace (one block of one trace): send it on time. */
static void on_trace(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	struct send_state *st = ctx;
	size_t pos = 0;
	uint64_t items = spans - st->spans_done;

	st->spans_done = spans;
	/* one unit per trace at 1/interval a second: trace i leaves at i * interval */
	for (size_t i = 0; i < st->npending && !st->submit_error && (i || stream_pace(st->s, 1, 0));
	     i++) {
		struct send_req req;
		uint32_t n;
		int rc;

		memcpy(&n, st->pending.buf + pos, sizeof(n));
		memset(&req, 0, sizeof(req));
		req.signal = OTELSIM_TRACES;
		req.body = st->pending.buf + pos + sizeof(n);
		req.len = n;
		req.json = st->json;
		req.items = i == 0 ? items : 0;
		rc = stream_send(st->s, &req, &st->err);
		if (rc == 1)
			break; /* interrupted: the render sees the flag next and stops */
		if (rc)
			st->submit_error = 1;
		pos += sizeof(n) + n;
	}
	if (!atomic_load(&cli_interrupted) && !st->submit_error) {
		st->traces_sent++;
		st->spans_sent += items;
	}
	strbuf_reset(&st->pending);
	st->npending = 0;
	progress_update(st->bar, done, total, spans);
}

/* The sender's settings: net/endpoint.c decides the precedence. */
static int resolve(struct cli *c, struct send_state *st, struct arena *a, struct sender_config *cfg,
		   struct otelsim_error *err)
{
	struct endpoint_flags ef;
	int rc;

	memset(&ef, 0, sizeof(ef));
	ef.endpoint = c->endpoint;
	ef.protocol = c->protocol;
	ef.headers = (const char *const *)c->headers.v;
	ef.nheaders = c->headers.n;
	if ((rc = endpoint_resolve(&ef, NULL, NULL, a, cfg, err)))
		return rc;
	for (const char *w = cfg->warnings; w && *w;) {
		size_t n = strcspn(w, "\n");

		fprintf(stderr, "otelsim: warning: %.*s\n", (int)n, w);
		w += n + (w[n] == '\n');
	}
	cfg->concurrency = 4;
	/*
	 * Live data goes stale: give up on a request after 30 s of retries (the
	 * replay tool's budget is 5 minutes), so a wrong port fails in seconds.
	 */
	cfg->retry_max_elapsed_ms = 30000;
	st->json = cfg->target[OTELSIM_TRACES].protocol == SENDER_HTTP_JSON;
	st->url = endpoint_shown_url(cfg->target[OTELSIM_TRACES].url, a);
	if (!st->url)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

/* The replay engine's send path, one trace per interval. */
static int open_stream(struct send_state *st, const struct sender_config *cfg, int64_t interval_ns,
		       struct otelsim_error *err)
{
	struct stream_config sc;

	memset(&sc, 0, sizeof(sc));
	sc.sender = cfg;
	sc.cancel = &cli_interrupted;
	sc.per_second = interval_ns > 0 ? 1e9 / (double)interval_ns : 0;
	sc.ctx = st;
	sc.done = on_done;
	sc.on_retry = on_retry;
	return stream_new(&sc, &st->s, err);
}

/* What was sent, on stderr; the exit status. */
static int report(struct cli *c, struct send_state *st, const struct stream_counts *n,
		  const struct otelsim_render_result *res, uint64_t total, int64_t t0, int rc,
		  bool stopped, struct otelsim_error *err)
{
	char accepted[32], spans[32];
	double secs = (double)(time_mono_ns() - t0) / 1e9;

	human_count(accepted, sizeof(accepted), n->items_accepted);
	human_count(spans, sizeof(spans), res->spans);
	if (rc)
		fprintf(stderr,
			"%s: stopped after %llu of %llu traces in %.1fs: %s accepted, %llu "
			"rejected, %llu failed or cancelled, %llu retries\n",
			st->label, (unsigned long long)res->traces, (unsigned long long)total, secs,
			accepted, (unsigned long long)n->items_rejected,
			(unsigned long long)(n->items_failed + n->items_cancelled),
			(unsigned long long)n->retries);
	else if (!c->quiet || n->items_failed || n->items_rejected)
		fprintf(stderr,
			"%s: %llu trace%s (%s spans) in %.1fs: %s spans accepted, %llu rejected, "
			"%llu failed, %llu retries%s\n",
			st->label, (unsigned long long)res->traces, res->traces == 1 ? "" : "s",
			spans, secs, accepted, (unsigned long long)n->items_rejected,
			(unsigned long long)n->items_failed, (unsigned long long)n->retries,
			!stopped             ? ""
			: n->items_cancelled ? "; stopped (the requests in flight were cancelled)"
					     : "; stopped");
	if (rc)
		return cli_fail(c, err);
	if (n->items_failed || n->items_rejected) {
		fprintf(stderr, "%s: %s\n", c->prog, st->last_error);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cli_send(struct cli *c, struct otelsim *os, const char *scenario, const char *label)
{
	struct sender_config cfg;
	struct send_state st;
	struct stream_counts n;
	struct otelsim_render_options ro = c->ro;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct arena a;
	int rc;
	int64_t t0;
	uint64_t total;
	bool forever = c->ro.count_set && !c->ro.count, stopped = false;

	memset(&st, 0, sizeof(st));
	memset(&err, 0, sizeof(err));
	memset(&n, 0, sizeof(n));
	arena_init(&a, 4096);
	st.label = label;
	st.quiet = c->quiet;
	ro.scenario = scenario;
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
	if (resolve(c, &st, &a, &cfg, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
	ro.format = st.json ? OTELSIM_FORMAT_OTLP_JSON : OTELSIM_FORMAT_OTLP;
	if (forever)
		ro.count = 1; /* for the interval; the count comes below */
	if (otelsim_plan(os, &ro, &res, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
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
	if (open_stream(&st, &cfg, res.interval_ns, &err)) {
		rc = cli_fail(c, &err);
		goto out;
	}
	if (!c->quiet && forever)
		fprintf(stderr,
			"%s: sending traces until stopped (Ctrl-C), one every %.3gs, to %s (%s), "
			"seed %llu\n",
			label, (double)res.interval_ns / 1e9, st.url,
			sender_protocol_name(cfg.target[OTELSIM_TRACES].protocol),
			(unsigned long long)res.seed);
	else if (!c->quiet)
		fprintf(stderr,
			"%s: sending %llu trace%s, one every %.3gs, to %s (%s), seed %llu\n", label,
			(unsigned long long)res.traces, res.traces == 1 ? "" : "s",
			(double)res.interval_ns / 1e9, st.url,
			sender_protocol_name(cfg.target[OTELSIM_TRACES].protocol),
			(unsigned long long)res.seed);
	st.bar = progress_new(label, !c->quiet && isatty(2));
	t0 = time_mono_ns();
	total = res.traces;

	rc = otelsim_render(os, &ro, on_record, &st, &res, &err);
	if (!rc && st.submit_error) {
		err = st.err;
		rc = err.code;
	}
	if (forever && rc == OTELSIM_EIO && atomic_load(&cli_interrupted) && !st.submit_error) {
		/* until stopped: the interrupt is the end; count what was sent */
		res.traces = st.traces_sent;
		res.spans = st.spans_sent;
		memset(&err, 0, sizeof(err));
		rc = 0;
		stopped = true;
	} else if (!rc && stream_drain(st.s)) {
		/* after an interrupt or an error, what is in flight is not waited for */
		rc = error_set(&err, OTELSIM_EIO, "interrupted");
	}
	stream_free(st.s, &n); /* requests still in flight end as "cancelled" */
	st.s = NULL;
	progress_done(st.bar);
	rc = report(c, &st, &n, &res, total, t0, rc, stopped, &err);
out:
	stream_free(st.s, NULL);
	strbuf_release(&st.pending);
	arena_release(&a);
	return rc;
}
