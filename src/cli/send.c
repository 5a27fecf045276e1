/*
 * --endpoint: stream what otelsim renders into an OTLP endpoint as it is
 * rendered, one iteration's records at a time, paced in real time by the
 * interval (iteration i leaves at start + i * interval), as the earlier
 * telemetry simulators send. The sending is the replay library's
 * (replay/live.h on replay/stream.h: endpoint settings, pacing, free slots,
 * retries, accounting); this file wires the render to it and says what
 * happened. One render thread: the records and the progress that sends
 * them run on the sending thread, and the pacing is real time anyway.
 * Every wait looks at cli_interrupted every 100 ms, so Ctrl-C stops at
 * once, what is in flight ending as "cancelled".
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
#include "replay/live.h"
#include "util/error.h"
#include "util/timefmt.h"

struct send_state {
	struct cli *c;
	const char *label;
	struct live *live;
	struct progress *bar;
	uint64_t spans_done;
};

/* The live sender's lines: its settings' warnings, and why a request is retried. */
static void on_message(void *ctx, const char *line)
{
	struct send_state *st = ctx;
	bool warning = !strncmp(line, "warning: ", 9);

	if (!warning && st->c->quiet)
		return;
	progress_clear(st->bar);
	fprintf(stderr, "%s: %s\n", warning ? st->c->prog : st->label, line);
}

/* After each iteration (a block of one): send its records on time. */
static void on_iteration(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	struct send_state *st = ctx;

	live_unit(st->live, spans - st->spans_done); /* an error is kept for live_finish */
	st->spans_done = spans;
	progress_update(st->bar, done, total, spans);
}

/* The plan; with --count 0, as many iterations as fit before 2262. */
static int plan(struct otelsim *os, struct otelsim_render_options *ro, bool forever,
		struct otelsim_render_result *res, struct otelsim_error *err)
{
	int64_t room = INT64_MAX - ro->start_ns - 86400000000000LL; /* a day for jitter */
	int rc;

	if (forever)
		ro->count = 1; /* for the interval */
	if ((rc = otelsim_plan(os, ro, res, err)) || !forever)
		return rc;
	ro->count = 1000000000000ULL;
	ro->max_spans = UINT64_MAX; /* sent until stopped: no size to expect, nothing kept */
	if (res->interval_ns > 0 && room / res->interval_ns < (int64_t)ro->count)
		ro->count = room > 0 ? (uint64_t)(room / res->interval_ns) : 1;
	return otelsim_plan(os, ro, res, err);
}

/* What was sent, on stderr; the exit status. */
static int report(struct cli *c, const char *label, const struct live_result *lr,
		  const struct otelsim_render_result *res, uint64_t total, int64_t t0, int rc,
		  bool stopped, struct otelsim_error *err)
{
	const struct stream_counts *n = &lr->n;
	char accepted[32], spans[32], traces[40];
	double secs = (double)(time_mono_ns() - t0) / 1e9;

	human_count(accepted, sizeof(accepted), n->items_accepted);
	human_count(spans, sizeof(spans), res->spans);
	/* until stopped, a time-based run knows its windows, not its traces */
	if (c->until_stopped)
		traces[0] = '\0';
	else
		snprintf(traces, sizeof(traces), "%llu trace%s", (unsigned long long)res->traces,
			 res->traces == 1 ? "" : "s");
	if (rc && c->send_rate > 0 && !c->ro.count_set) /* time-based: total is windows */
		fprintf(stderr,
			"%s: stopped after %.1fs: %s accepted, %llu rejected, %llu failed or "
			"cancelled, %llu retries\n",
			label, secs, accepted, (unsigned long long)n->items_rejected,
			(unsigned long long)n->items_failed + n->items_cancelled,
			(unsigned long long)n->retries);
	else if (rc)
		fprintf(stderr,
			"%s: stopped after %llu of %llu traces in %.1fs: %s accepted, %llu "
			"rejected, %llu failed or cancelled, %llu retries\n",
			label, (unsigned long long)res->traces, (unsigned long long)total, secs,
			accepted, (unsigned long long)n->items_rejected,
			(unsigned long long)n->items_failed + n->items_cancelled,
			(unsigned long long)n->retries);
	else if (!c->quiet || n->items_failed || n->items_rejected)
		fprintf(stderr,
			"%s: %s%s%s spans%s in %.1fs: %s spans accepted, %llu rejected, "
			"%llu failed, %llu retries%s\n",
			label, traces, c->until_stopped ? "" : " (", spans,
			c->until_stopped ? "" : ")", secs, accepted, (unsigned long long)n->items_rejected,
			(unsigned long long)n->items_failed, (unsigned long long)n->retries,
			!stopped             ? ""
			: n->items_cancelled ? "; stopped (the requests in flight were cancelled)"
					     : "; stopped");
	if (rc)
		return cli_fail(c, err);
	if (n->items_failed || n->items_rejected) {
		fprintf(stderr, "%s: %s\n", c->prog, lr->last_error);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/*
 * The render options of a live send: one iteration per block (a time-based
 * run's iteration is a window of virtual time), one trace per request, or
 * c->batch (a Dreamweaver config's batch_size).
 */
static void live_options(const struct cli *c, struct otelsim_render_options *ro,
			 const char *scenario, struct send_state *st)
{
	*ro = c->ro;
	ro->scenario = scenario;
	ro->framing = OTELSIM_FRAMING_BE32;
	ro->gzip = false;
	ro->traces_per_record = c->batch > 1 ? c->batch : 1;
	ro->iterations_per_block = 1; /* on_iteration after every iteration (a time-based
					 run's: a window of virtual time) */
	ro->tags = (const char *const *)c->tags.v;
	ro->ntags = c->tags.n;
	ro->show_spans = 0;
	ro->text = NULL;
	ro->progress = on_iteration;
	ro->progress_ctx = st;
	ro->cancel = &cli_interrupted;
	ro->threads = 1;      /* the callbacks drive the sender: this thread */
	if (!ro->start_set) { /* live data: timestamps from now unless --start says */
		ro->start_set = true;
		ro->start_ns = time_now_ns();
	}
}

int cli_send(struct cli *c, struct otelsim *os, const char *scenario, const char *label)
{
	struct send_state st = { c, label, NULL, NULL, 0 };
	struct endpoint_flags ef;
	struct live_config lc = { &ef, &cli_interrupted, on_message, &st };
	struct live_result lr;
	struct otelsim_render_options ro;
	struct otelsim_render_result res;
	struct otelsim_error err, lerr;
	int rc, lrc;
	int64_t t0;
	uint64_t total;
	char what[128];
	bool forever_count = c->ro.count_set && !c->ro.count;
	bool forever = forever_count || c->until_stopped, stopped = false;

	memset(&err, 0, sizeof(err));
	memset(&ef, 0, sizeof(ef));
	ef.endpoint = c->endpoint;
	ef.protocol = c->protocol;
	ef.headers = (const char *const *)c->headers.v;
	ef.nheaders = c->headers.n;
	live_options(c, &ro, scenario, &st);
	if (live_new(&lc, &st.live, &err))
		goto fail;
	ro.format = live_json(st.live) ? OTELSIM_FORMAT_OTLP_JSON : OTELSIM_FORMAT_OTLP;
	/* a time-based file's unit is a window: its requests spread over it */
	if (plan(os, &ro, forever_count, &res, &err) ||
	    live_start(st.live, res.interval_ns, c->send_rate > 0 && !c->ro.count_set, &err))
		goto fail;
	total = res.traces;
	if (c->send_rate > 0 && !c->ro.count_set && forever) /* time-based: total is windows */
		snprintf(what, sizeof(what),
			 "requests at %.6g/s (Poisson arrivals) until stopped (Ctrl-C)", c->send_rate);
	else if (c->send_rate > 0 && !c->ro.count_set)
		snprintf(what, sizeof(what), "requests at %.6g/s (Poisson arrivals) for %.0fs",
			 c->send_rate, (double)res.interval_ns * (double)total / 1e9);
	else if (forever)
		snprintf(what, sizeof(what), "traces until stopped (Ctrl-C)");
	else
		snprintf(what, sizeof(what), "%llu trace%s", (unsigned long long)total,
			 total == 1 ? "" : "s");
	if (!c->quiet && c->batch)
		fprintf(stderr, "%s: sending %s, %u per export, to %s (%s), seed %llu\n", label,
			what, c->batch, live_url(st.live), live_protocol_name(st.live),
			(unsigned long long)res.seed);
	else if (!c->quiet)
		fprintf(stderr, "%s: sending %s, one every %.3gs, to %s (%s), seed %llu\n", label,
			what, (double)res.interval_ns / 1e9, live_url(st.live),
			live_protocol_name(st.live), (unsigned long long)res.seed);
	st.bar = progress_new(label, !c->quiet && isatty(2));
	t0 = time_mono_ns();
	rc = otelsim_render(os, &ro, live_record, st.live, &res, &err);
	lrc = live_finish(st.live, !rc, &lr, &lerr);
	if (forever && rc == OTELSIM_EIO && atomic_load(&cli_interrupted) && !lrc) {
		/* until stopped: the interrupt is the end; count what was sent */
		res.traces = lr.units;
		res.spans = lr.items;
		rc = 0;
		stopped = true;
	} else if (!rc && lrc) {
		rc = lrc;
		err = lerr;
	}
	progress_done(st.bar);
	rc = report(c, label, &lr, &res, total, t0, rc, stopped, &err);
	live_free(st.live);
	return rc;
fail:
	live_free(st.live);
	return cli_fail(c, &err);
}
