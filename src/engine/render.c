/*
 * engine/render.c - an iteration's traces from its scenario's span tree.
 *
 * Draw order is part of the output contract (a change shifts every later
 * value of the iteration). Iteration i draws only from
 * rng_seed(seed, stream, i) (engine.h). An iteration yields one trace,
 * or, for an agent session with turns (model/agent.h), one trace per
 * turn, drawn in turn order. For each trace:
 *   trace id (16 bytes, redrawn while zero), root span id (8, non-zero),
 *   then, for the iteration's first trace, the arrival draws of
 *   plan_arrival (the start jitter, when jitter_ns > 0) and, for a
 *   session, session_begin's draws (engine/session.h: tenant, session
 *   id, end-user id, sample); for a later turn, the turn gap (one latency
 *   draw: it starts that long after the previous turn ended); then, for a
 *   session, the trace's request id; then the vars in file order, then,
 *   with several roots (a Dreamweaver config's entry points), the root
 *   (one rng_below draw), then the spans depth first. For each span:
 *     span id (not the root), name template, attributes in order (with
 *     attrs_first: the attributes, then the name), then, for an MCP tool
 *     span with several possible servers (wrong_division without a
 *     target), the server draw, then the session's attributes (an MCP
 *     tool span's tool call id), own latency (not with
 *     retry), the error draw (one, when the span has error conditions and
 *     no retry; condition i fires when the draw is below the sum of the
 *     rates up to i) and, when one fires, its message template; then,
 *     when none fired and a failing phase (errors, down, cascade,
 *     deployment, scattered_errors: engine.h struct phase_rt) targets the
 *     span at its start time, the phase draw (one rng_double: the first
 *     phase whose cumulative rate passes it fails the span; an open
 *     circuit breaker fails it without a draw); then either the retry
 *     attempts or the children (none when the failure raises or fails
 *     fast), then events, then links. Latency phases multiply the own
 *     latency without a draw; a retried span is left to its retry.
 *   For each child spec: its count, then per instance the probability draw
 *   (skipped at >= 1), the gap before it, and the child itself; after the
 *   last child one more gap (the parent's tail). A span without rendered
 *   children draws no tail gap: it lasts exactly its own latency. With
 *   latency_first the children start when the span's latency ends and
 *   follow one another: no gaps are drawn. A raising failure ends the
 *   children of every span it passes through (no more counts, draws or
 *   children).
 *   For each retry attempt: its span id (and the session's attributes,
 *   which draw nothing there), the failure draw (skipped for a
 *   forced first failure), its latency, then the backoff jitter draw
 *   (when jitter > 0) unless it is the last attempt. A retried span draws
 *   no latency of its own: it lasts from its first attempt's start to its
 *   last attempt's end.
 * The root's count and probability are not used: a trace has one root.
 *   For each event: the probability draw (skipped at >= 1), attributes;
 *   the `exception` event of a failure (scenario exceptions: span events)
 *   comes last, at the span's end, and draws nothing.
 *   For each link: attributes (a link that finds nothing is left out and
 *   draws nothing). A context link renders the earlier iteration it points
 *   to from that iteration's own stream: it draws nothing from this one.
 * Logs a span emits take their draws inside that span, after its links
 * (a log with several bodies: which one, one rng_below draw, then that
 * body's template); derived signals (engine_source) draw nothing from this
 * stream. A trace's log records are written in time order (records of one
 * time in the order they were made: a span's before its parent's, which
 * ends later).
 *
 * Failures: a span's own failure sets status ERROR, error.type and the
 * status message; ERR_MARK_ANCESTORS marks every ancestor the same way
 * (the first failing descendant wins); ERR_RAISE behaves like an exception
 * thrown through the call stack: each ancestor fails with it (its own
 * failure, had it one, would have stopped its children first) and records
 * the exception too.
 *
 * Spans are appended parent first; a parent's slot is reserved before its
 * children and finished after them. batch_add_span may move the array, so
 * spans are held by index.
 *
 * Times never wrap or clamp silently: every sum of a time and a duration is
 * time_add, and a trace with a time past INT64_MAX ns (2262-04-11) is
 * refused with OTELSIM_ELIMIT (api/run_spec.c refuses runs whose trace
 * starts do not fit before rendering). A retry
 * backoff wait grows by its multiplier up to one year (MAX_WAIT_MS, the
 * longest duration the loader accepts) and then stays there; the jitter
 * applies to the capped wait.
 */
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/failure.h"
#include "engine/gen.h"
#include "engine/num.h"
#include "engine/session.h"
#include "engine/template.h"
#include "otelsim/error.h"
#include "util/detmath.h"
#include "util/rng.h"

#define KIND_INTERNAL 1
#define KIND_SERVER   2
#define STATUS_ERROR  2
#define FLAGS_LOCAL   (SPAN_FLAGS_SAMPLED | SPAN_FLAGS_HAS_IS_REMOTE)
#define FLAGS_REMOTE  (FLAGS_LOCAL | SPAN_FLAGS_IS_REMOTE)

static const char retry_attempt_key[] = "retry.attempt";
#define MAX_WAIT_MS 31536000000.0 /* one year: load/loader.h LOAD_MAX_MS */

struct frame;

/* A span exported under `name` (export_context) by an earlier trace of a window. */
#define TIMED_EXPORTS 16
struct exported {
	const char *name;
	uint8_t tid[16], sid[8];
};

struct render {
	const struct plan *p;
	const struct model *m;
	const struct scenario *sc;
	struct batch *out;
	struct rng rng;
	struct tmpl_ctx ctx;
	struct session_state ses; /* an agent session's ids and content (engine/session.h) */
	uint8_t trace_id[16];
	uint8_t root_id[8];
	uint32_t turn;                              /* the trace's number in its iteration */
	uint8_t prev_trace_id[16], prev_root_id[8]; /* the iteration's trace before (turn > 0) */
	size_t first;                               /* index of the trace's root in out->spans */
	size_t first_hit;        /* the trace's first ground-truth hit in out->hits */
	bool past_max;           /* a time would pass INT64_MAX ns (2262-04-11) */
	uint64_t index;          /* the iteration's global index */
	int64_t start;           /* where the iteration's next trace starts */
	const struct frame *cur; /* the span whose values are being made (TP_ATTR) */
	bool raised;             /* an ERR_RAISE failure is on its way up */
	struct failure raise_err;
	/* finding an exported span (context_span): its name, and what was found */
	const char *find;
	bool found;
	uint8_t found_tid[16], found_sid[8];
	/* time-based workloads: the arrival's start, and what earlier arrivals of the window left */
	int64_t arrival;
	uint64_t narrivals;       /* arrivals of the window rendered so far */
	uint8_t arr_tid[16], arr_sid[8]; /* the latest arrival's first trace's root */
	struct exported exp[TIMED_EXPORTS], pend[TIMED_EXPORTS];
	uint32_t nexp, npend;
};

/* The chain of open spans, innermost first, for error propagation. */
struct frame {
	size_t idx;
	const struct frame *up;
};

static bool all_zero(const uint8_t *b, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

/* 8 bytes of one non-zero draw, low byte first: what rng_bytes writes */
static void draw_span_id(struct rng *r, uint8_t id[8])
{
	uint64_t x;

	do
		x = rng_next(r);
	while (!x);
	for (int i = 0; i < 8; i++)
		id[i] = (uint8_t)(x >> (8 * i));
}

/* The first draws of every trace: so a later trace can recompute them. */
static void draw_trace_ids(struct rng *r, uint8_t tid[16], uint8_t sid[8])
{
	do
		rng_bytes(r, tid, 16);
	while (all_zero(tid, 16));
	draw_span_id(r, sid);
}

/* a time plus a duration; past INT64_MAX ns the trace is refused (past_max) */
static int64_t time_add(struct render *R, int64_t t, int64_t d)
{
	int64_t r;

	if (__builtin_add_overflow(t, d, &r)) {
		R->past_max = true;
		return INT64_MAX;
	}
	return r;
}

/*
 * det_round(ms * 1e6) as an integer, clamped to [0, INT64_MAX], inline:
 * this runs a few times per span. For 0 < ns < 2^63 the truncation's
 * remainder ns - i is exact, so adding (remainder >= 0.5) rounds half away
 * from zero exactly as det_round does (the largest double below 2^63 is an
 * integer: no carry past INT64_MAX).
 */
static int64_t ms_to_ns(double ms)
{
	double ns = ms * 1e6;
	int64_t i;

	if (!(ns > 0))
		return 0;
	if (ns >= 9223372036854775808.0)
		return INT64_MAX;
	i = (int64_t)ns;
	return i + (ns - (double)i >= 0.5);
}

static int64_t latency_ns(struct render *R, const struct dist *d)
{
	if (d->kind == DIST_NONE)
		d = &R->m->config.default_latency;
	return ms_to_ns(dist_sample(d, &R->rng));
}

static int64_t gap_ns(struct render *R)
{
	return ms_to_ns(dist_sample(&R->m->config.gap, &R->rng));
}

static struct span_out *span_at(struct render *R, size_t idx)
{
	return &R->out->spans[idx];
}

/* A new span under `up` (NULL: the root), its ids, kind and resource set. */
static int open_span(struct render *R, const struct frame *up, uint8_t kind, int32_t service,
		     int64_t start, size_t *idx)
{
	struct span_out *s = batch_add_span(R->out);
	const struct span_out *parent;

	if (!s)
		return -1;
	*idx = (size_t)(s - R->out->spans);
	memcpy(s->trace_id, R->trace_id, 16);
	s->start_ns = (uint64_t)start;
	s->flags = FLAGS_LOCAL;
	if (!up) {
		memcpy(s->span_id, R->root_id, 8);
		s->kind = kind ? kind : KIND_SERVER;
		s->resource = service >= 0 ? (uint32_t)service : 0;
		return 0;
	}
	draw_span_id(&R->rng, s->span_id);
	parent = span_at(R, up->idx);
	s = span_at(R, *idx);
	memcpy(s->parent_span_id, parent->span_id, 8);
	s->has_parent = 1;
	s->kind = kind ? kind : KIND_INTERNAL;
	s->resource = service >= 0 ? (uint32_t)service : parent->resource;
	if (s->resource != parent->resource)
		s->flags = FLAGS_REMOTE;
	return 0;
}

/* Attributes from specs into a fresh array with `extra` spare slots. */
static int eval_attrs(struct render *R, const struct attr_spec *specs, uint32_t n, uint32_t extra,
		      const struct keyval *pattrs, uint32_t npattrs, struct keyval **out)
{
	struct keyval *kv = NULL;

	*out = NULL;
	if (n + extra == 0)
		return 0;
	kv = arena_alloc(&R->out->arena, sizeof(*kv) * (n + extra));
	if (!kv)
		return -1;
	R->ctx.parent_attrs = pattrs;
	R->ctx.nparent_attrs = npattrs;
	for (uint32_t k = 0; k < n; k++) {
		kv[k].key = specs[k].key;
		kv[k].key_len = specs[k].key_len;
		if (gen_eval(&specs[k].gen, &R->ctx, &kv[k].value) < 0)
			return -1;
	}
	*out = kv;
	return 0;
}

/*
 * Status ERROR on s. `own`: the span's own error, which always wins (it is
 * applied after its children, so over anything they propagated). A
 * propagated error marks an ancestor once: the first failing descendant
 * sets its error.type (replacing an attribute of that key rather than
 * adding a second) and its message.
 */
/*
 * A failed span does not report success: its <vendor>.turn.status.code
 * SUCCESS becomes FAILURE and its <vendor>.step.outcome success becomes
 * fail (other values stay: PARTIAL, BLOCKED, skipped...).
 */
static void follow_outcome(const struct render *R, struct span_out *s)
{
	const struct agent_model *am = R->m->agent;

	for (uint32_t k = 0; am && k < s->nattrs; k++) {
		struct keyval *kv = &s->attrs[k];

		if (kv->value.type != VAL_STRING)
			continue;
		if (kv->key_len == am->turn_status_key_len &&
		    !memcmp(kv->key, am->turn_status_key, kv->key_len) &&
		    kv->value.u.s.len == 7 && !memcmp(kv->value.u.s.ptr, "SUCCESS", 7)) {
			kv->value.u.s.ptr = "FAILURE";
		} else if (kv->key_len == am->step_outcome_key_len &&
			   !memcmp(kv->key, am->step_outcome_key, kv->key_len) &&
			   kv->value.u.s.len == 7 && !memcmp(kv->value.u.s.ptr, "success", 7)) {
			kv->value.u.s.ptr = "fail";
			kv->value.u.s.len = 4;
		}
	}
}

/*
 * failure_mark (engine/failure.h) on s, then its outcome attributes. 1: s
 * failed; 0: its conventions say it did not (a 4xx on an HTTP server).
 * *seen (may be NULL): the failure its callers see.
 */
static int mark_error(const struct render *R, struct span_out *s, const struct failure *e,
		      bool own, struct failure *seen)
{
	bool was = s->status_code == STATUS_ERROR;
	int failed = failure_mark(s, e, own, &R->out->arena, seen);

	if (failed && !was)
		follow_outcome(R, s);
	return failed;
}

/* A propagated failure marks each ancestor; each passes on what it became. */
static void propagate(struct render *R, const struct frame *up, const struct failure *e)
{
	struct failure cur = *e, next;

	for (; up; up = up->up) {
		struct span_out *s = span_at(R, up->idx);

		if (s->status_code == STATUS_ERROR)
			return; /* marked already, by an earlier failing descendant */
		if (mark_error(R, s, &cur, false, &next))
			cur = next;
	}
}

/* The condition the error draw u picks (the first whose cumulative rate passes u), or NULL. */
static const struct error_spec *error_for(const struct span_spec *sp, double u)
{
	double cum = 0;

	for (uint32_t i = 0; i < sp->nerrors; i++) {
		cum += sp->errors[i].rate;
		if (u < cum)
			return &sp->errors[i];
	}
	return NULL;
}

/* The chance that one of the span's conditions fires. */
static double error_rate(const struct span_spec *sp)
{
	double sum = 0;

	for (uint32_t i = 0; i < sp->nerrors; i++)
		sum += sp->errors[i].rate;
	return sum;
}

static int render_span(struct render *R, const struct span_spec *sp, const struct frame *up,
		       int64_t start, int64_t *end);

/* Ground truth: injection `inj` (1-based; 0: none) failed the span at idx. */
static int hit(struct render *R, uint32_t inj, size_t idx)
{
	const struct span_out *s = span_at(R, idx);

	if (!inj)
		return 0;
	return batch_add_hit(R->out, R->first_hit, inj, s->trace_id, (int64_t)s->start_ns,
			     (int64_t)s->end_ns);
}

/*
 * sp's children under the span at f, from `start`. *end: when the last
 * child ends plus the tail gap, or `start` when no child was rendered.
 * With latency_first, children follow one another without gaps (and no
 * tail); a child that raises (R->raised) ends them.
 */
static int render_children(struct render *R, const struct span_spec *sp, const struct frame *f,
			   int64_t start, int64_t *end)
{
	int64_t cursor = start, latest = start;
	bool any = false, gaps = !sp->latency_first;

	for (uint32_t c = 0; c < sp->nchildren && !R->raised; c++) {
		const struct span_spec *child = &sp->children[c];
		int64_t n = count_sample(&child->count, &R->rng);

		for (int64_t k = 0; k < n && !R->raised; k++) {
			int64_t cs, ce;

			if (child->probability < 1.0 && !(rng_double(&R->rng) < child->probability))
				continue;
			cs = sp->parallel && gaps ? start : cursor;
			if (gaps)
				cs = time_add(R, cs, gap_ns(R));
			if (render_span(R, child, f, cs, &ce) < 0)
				return -1;
			cursor = ce;
			if (ce > latest)
				latest = ce;
			any = true;
		}
	}
	*end = any && gaps ? time_add(R, latest, gap_ns(R)) : any ? latest : start;
	return 0;
}

/*
 * "<name>.attempt": the model's (model_finish) for a static name, else
 * built once per retried span, in the batch arena.
 */
static const char *attempt_name(struct render *R, const struct span_spec *sp, const char *name,
				uint32_t len)
{
	char *an;

	if (sp->attempt_name && !sp->name_tmpl)
		return sp->attempt_name;
	an = arena_alloc(&R->out->arena, (size_t)len + sizeof(".attempt"));
	if (!an)
		return NULL;
	memcpy(an, name, len);
	memcpy(an + len, ".attempt", sizeof(".attempt"));
	return an;
}

/* An MCP tool call's attempt in a session: <vendor>.attempt.number (1-based). */
static void attempt_number(const struct render *R, const struct span_spec *sp,
			   struct span_out *s, uint32_t k)
{
	const struct agent_model *am = R->m->agent;
	struct keyval *kv;

	if (!R->ses.spec || sp->role != SPAN_ROLE_MCP_TOOL || !am)
		return;
	kv = &s->attrs[s->nattrs++];
	kv->key = am->attempt_number_key;
	kv->key_len = am->attempt_number_key_len;
	kv->value.type = VAL_INT;
	kv->value.u.i = k;
}

/* ... and <vendor>.attempt.outcome: success or failure. */
static void attempt_outcome(const struct render *R, const struct span_spec *sp,
			    struct span_out *s, bool fail)
{
	const struct agent_model *am = R->m->agent;
	struct keyval *kv;

	if (!R->ses.spec || sp->role != SPAN_ROLE_MCP_TOOL || !am)
		return;
	kv = &s->attrs[s->nattrs++];
	kv->key = am->attempt_outcome_key;
	kv->key_len = am->attempt_outcome_key_len;
	kv->value.type = VAL_STRING;
	kv->value.u.s.ptr = fail ? "failure" : "success";
	kv->value.u.s.len = 7; /* both words */
}

static bool exceptions_as_events(const struct render *R)
{
	return R->sc->exceptions == EXCEPTIONS_SPAN_EVENT || R->sc->exceptions == EXCEPTIONS_BOTH;
}

static bool exceptions_as_logs(const struct render *R)
{
	return R->sc->exceptions == EXCEPTIONS_LOG || R->sc->exceptions == EXCEPTIONS_BOTH;
}

/* A failed attempt's exception record(s), at its end (it has no events of its own). */
static int attempt_exception(struct render *R, size_t idx, const struct failure *f)
{
	struct span_out *s = span_at(R, idx);

	if (exceptions_as_events(R)) {
		struct event_out *ev = arena_alloc(&R->out->arena, sizeof(*ev));

		if (!ev || failure_event(f, (int64_t)s->end_ns, &R->out->arena, ev) < 0)
			return -1;
		s = span_at(R, idx);
		s->events = ev;
		s->nevents = 1;
	}
	return exceptions_as_logs(R) ? failure_log(f, span_at(R, idx), R->out) : 0;
}

/*
 * The retry attempts of the span at f (its children under the last one).
 * *end: when the last attempt ends; *failed with the error when all failed.
 */
static int render_attempts(struct render *R, const struct span_spec *sp, const struct frame *f,
			   int64_t start, int64_t *end, bool *failed, struct failure *err)
{
	const struct retry_spec *rt = &sp->retry;
	const char *type = rt->error_type                      ? rt->error_type
			   : sp->nerrors && sp->errors[0].type ? sp->errors[0].type
							       : "timeout";
	uint32_t max = rt->max_attempts ? rt->max_attempts : 1;
	int64_t at = start;
	const struct span_out *logical = span_at(R, f->idx);
	uint32_t aname_len = logical->name_len + 8;
	const char *aname = attempt_name(R, sp, logical->name, logical->name_len);
	uint8_t kind = logical->kind;
	int32_t service = (int32_t)logical->resource;
	uint32_t scope = logical->scope; /* the instrumentation that retries */
	double next_wait = rt->backoff_base_ms; /* uncapped: base * mult^(k-1) */

	if (!aname)
		return -1;

	memset(err, 0, sizeof(*err));
	err->type = err->msg = type;
	err->type_len = err->msg_len = (uint32_t)strlen(type);
	err->typed = true;
	*failed = true;
	for (uint32_t k = 1; k <= max; k++) {
		struct frame af;
		struct span_out *s;
		bool fail, forced = k == 1 && rt->force_initial_failure;
		int64_t lat, aend;

		if (open_span(R, f, kind, service, at, &af.idx) < 0)
			return -1;
		af.up = f;
		s = span_at(R, af.idx);
		s->scope = scope;
		s->name = aname;
		s->name_len = aname_len;
		s->attrs = arena_alloc(&R->out->arena, (5 + (R->ses.spec ? SESSION_MAX_ATTRS : 0)) *
							       sizeof(struct keyval));
		if (!s->attrs)
			return -1;
		s->attrs[0].key = retry_attempt_key;
		s->attrs[0].key_len = sizeof(retry_attempt_key) - 1;
		s->attrs[0].value.type = VAL_INT;
		s->attrs[0].value.u.i = k;
		s->nattrs = 1;
		if (session_attrs(&R->ses, SPAN_ROLE_NONE, false, s->attrs, &s->nattrs, &R->rng,
				  &R->out->arena) < 0)
			return -1;
		attempt_number(R, sp, s, k);
		if (forced) {
			fail = true;
		} else {
			double rate;

			if (rt->nsuccess_rate)
				rate = rt->success_rate[(k < rt->nsuccess_rate
								 ? k
								 : rt->nsuccess_rate) -
							1];
			else
				rate = 1.0 - error_rate(sp);
			fail = rng_double(&R->rng) >= rate;
		}
		attempt_outcome(R, sp, span_at(R, af.idx), fail);
		lat = latency_ns(R, &sp->latency);
		aend = time_add(R, at, lat);
		if (fail)
			mark_error(R, span_at(R, af.idx), err, true, NULL);
		if (!fail || k == max) {
			int64_t cend;

			if (render_children(R, sp, &af, at, &cend) < 0)
				return -1;
			if (cend > aend)
				aend = cend;
			span_at(R, af.idx)->end_ns = (uint64_t)aend;
			if (fail && (hit(R, forced ? rt->inj_forced : rt->inj_retry, af.idx) < 0 ||
				     attempt_exception(R, af.idx, err) < 0))
				return -1;
			*failed = fail;
			*end = aend;
			return 0;
		}
		span_at(R, af.idx)->end_ns = (uint64_t)aend;
		if (hit(R, forced ? rt->inj_forced : rt->inj_retry, af.idx) < 0 ||
		    attempt_exception(R, af.idx, err) < 0)
			return -1;
		{
			double wait = next_wait < MAX_WAIT_MS ? next_wait : MAX_WAIT_MS;

			next_wait *= rt->backoff_multiplier;
			if (rt->backoff_jitter > 0)
				wait *= 1.0 +
					rt->backoff_jitter * (2.0 * rng_double(&R->rng) - 1.0);
			at = time_add(R, aend, ms_to_ns(wait));
		}
	}
	*end = at; /* not reached: the last attempt returns above */
	return 0;
}

/* det_round(frac * (end - start)) as an integer, saturating. */
static int64_t frac_ns(double frac, int64_t start, int64_t end)
{
	int64_t dur;
	double x;

	if (__builtin_sub_overflow(end, start, &dur))
		dur = INT64_MAX;
	x = det_round(frac * (double)dur);
	if (!(x > 0))
		return 0;
	return x >= 9223372036854775808.0 ? INT64_MAX : (int64_t)x;
}

static int value_text(struct render *R, struct value *v, const char **ptr, uint32_t *len);

/* A log record of the span at idx, at time t (body: NULL for none). */
static int add_log(struct render *R, size_t idx, int64_t t, uint8_t severity, const char *body,
		   uint32_t body_len, struct keyval *attrs, uint32_t nattrs)
{
	struct log_out *l = batch_add_log(R->out, OTELSIM_LOGS);
	const struct span_out *s = span_at(R, idx);

	if (!l)
		return -1;
	l->time_ns = l->observed_ns = (uint64_t)t;
	memcpy(l->trace_id, s->trace_id, 16);
	memcpy(l->span_id, s->span_id, 8);
	l->has_trace_id = l->has_span_id = 1;
	l->flags = s->flags & 0xffu;
	l->resource = s->resource;
	l->severity = severity;
	l->severity_text = severity_text(severity, &l->severity_text_len);
	if (body) {
		l->body.type = VAL_STRING;
		l->body.u.s.ptr = body;
		l->body.u.s.len = body_len;
	}
	l->attrs = attrs;
	l->nattrs = nattrs;
	return 0;
}

/*
 * The span's `logs:` records: for each that applies (`at: error` only on a
 * failed span), its body template, then its attributes.
 */
static int render_logs(struct render *R, const struct span_spec *sp, size_t idx)
{
	for (uint32_t k = 0; k < sp->nlogs; k++) {
		const struct log_spec *ls = &sp->logs[k];
		const struct span_out *s = span_at(R, idx);
		int64_t start = (int64_t)s->start_ns, end = (int64_t)s->end_ns, t = start;
		const char *body = ls->body;
		uint32_t body_len = body ? (uint32_t)strlen(body) : 0;
		struct keyval *attrs;

		if (ls->when == LOG_AT_ERROR && s->status_code != STATUS_ERROR)
			continue;
		if (ls->when == LOG_AT_END || ls->when == LOG_AT_ERROR)
			t = end;
		else if (ls->when == LOG_AT_OFFSET)
			t = time_add(R, start,
				     ls->is_frac ? frac_ns(ls->offset_frac, start, end)
						 : ms_to_ns(ls->offset_ms));
		t = t < start ? start : t > end ? end : t;
		R->ctx.parent_attrs = s->attrs;
		R->ctx.nparent_attrs = s->nattrs;
		if (ls->body_tmpl) {
			const struct tmpl *bt = ls->nbodies > 1
							? ls->bodies[rng_below(&R->rng, ls->nbodies)]
							: ls->body_tmpl;
			struct value v;

			if (tmpl_eval(bt, &R->ctx, &v) < 0 ||
			    value_text(R, &v, &body, &body_len) < 0)
				return -1;
			s = span_at(R, idx);
		}
		if (eval_attrs(R, ls->attrs, ls->nattrs, 0, s->attrs, s->nattrs, &attrs) < 0 ||
		    add_log(R, idx, t, ls->severity, body, body_len, attrs, ls->nattrs) < 0)
			return -1;
	}
	return 0;
}

/* The span's events, then the `exception` event of `exc` (NULL: none) at its end. */
static int render_events(struct render *R, const struct span_spec *sp, size_t idx,
			 const struct failure *exc)
{
	struct event_out *ev;
	uint32_t n = 0;
	int64_t start, end;

	if (!sp->nevents && !exc)
		return 0;
	ev = arena_alloc(&R->out->arena, sizeof(*ev) * (sp->nevents + (exc ? 1 : 0)));
	if (!ev)
		return -1;
	start = (int64_t)span_at(R, idx)->start_ns;
	end = (int64_t)span_at(R, idx)->end_ns;
	for (uint32_t k = 0; k < sp->nevents; k++) {
		const struct event_spec *es = &sp->events[k];
		const struct span_out *s;
		int64_t t;

		if (es->probability < 1.0 && !(rng_double(&R->rng) < es->probability))
			continue;
		if (es->is_frac)
			t = time_add(R, start, frac_ns(es->offset_frac, start, end));
		else
			t = time_add(R, start, ms_to_ns(es->offset_ms));
		t = t < start ? start : t > end ? end : t;
		ev[n].time_ns = (uint64_t)t;
		s = span_at(R, idx);
		if (es->name_tmpl) {
			struct value v;

			/* {{parent.attributes.x}} in an event means its span's */
			R->ctx.parent_attrs = s->attrs;
			R->ctx.nparent_attrs = s->nattrs;
			if (tmpl_eval(es->name_tmpl, &R->ctx, &v) < 0 ||
			    value_text(R, &v, &ev[n].name, &ev[n].name_len) < 0)
				return -1;
			s = span_at(R, idx);
		} else {
			ev[n].name = es->name;
			ev[n].name_len = es->name_len ? es->name_len : (uint32_t)strlen(es->name);
		}
		if (eval_attrs(R, es->attrs, es->nattrs, 0, s->attrs, s->nattrs, &ev[n].attrs) < 0)
			return -1;
		ev[n].nattrs = es->nattrs;
		if ((es->log == EVENT_LOG_YES || (es->log == EVENT_LOG_DEFAULT && R->sc->emit_logs)) &&
		    add_log(R, idx, t, SEV_INFO, ev[n].name, ev[n].name_len, ev[n].attrs,
			    ev[n].nattrs) < 0)
			return -1;
		n++;
	}
	if (exc && failure_event(exc, end, &R->out->arena, &ev[n++]) < 0)
		return -1;
	span_at(R, idx)->events = ev;
	span_at(R, idx)->nevents = n;
	return 0;
}

static int render_iteration(const struct plan *p, uint64_t index, struct batch *out,
			    const char *find, struct render *R);

/*
 * Time-based: the root ids of the previous arrival's first trace, in this
 * window or, for its first arrival, in the latest earlier window that has
 * one (rendered again on its own, at most CONTEXT_LOOKBACK windows back).
 */
#define CONTEXT_LOOKBACK 100000
static bool timed_previous_root(const struct render *R, uint8_t tid[16], uint8_t sid[8])
{
	if (R->find)
		return false; /* finding: links are left out */
	if (R->narrivals > 1) {
		memcpy(tid, R->arr_tid, 16);
		memcpy(sid, R->arr_sid, 8);
		return true;
	}
	for (uint64_t j = R->index, seen = 0; j-- > 0 && seen < CONTEXT_LOOKBACK; seen++) {
		struct batch scratch;
		struct render F;
		int rc;

		batch_init(&scratch);
		rc = render_iteration(R->p, j, &scratch, "", &F);
		batch_release(&scratch);
		if (rc)
			return false;
		if (F.narrivals) {
			memcpy(tid, F.arr_tid, 16);
			memcpy(sid, F.arr_sid, 8);
			return true;
		}
	}
	return false;
}

/*
 * The root ids of the previous iteration's first trace (false for the
 * first iteration): its first draws, recomputed from its stream.
 */
static bool previous_root(const struct render *R, uint8_t tid[16], uint8_t sid[8])
{
	const struct scenario *prev;
	struct rng r;

	if (R->p->timed)
		return timed_previous_root(R, tid, sid);
	if (R->index == 0)
		return false;
	prev = plan_scenario_for(R->p, R->index - 1);
	if (!prev)
		return false;
	rng_seed(&r, R->p->seed, prev->stream, R->index - 1);
	draw_trace_ids(&r, tid, sid);
	return true;
}

static bool exports(const struct scenario *sc, const char *name)
{
	for (uint32_t i = 0; sc && i < sc->nexports; i++)
		if (!strcmp(sc->exports[i], name))
			return true;
	return false;
}

/*
 * The ids of the span exported as `name` by the latest earlier trace of
 * the run that made it (1), else 0; -1 out of memory. Traces are looked at
 * from index - 1 back, at most CONTEXT_LOOKBACK of them and CONTEXT_RENDERS
 * of those whose scenario exports the name (each rendered again, on its
 * own, with its context links left out: they never reach further back).
 * While finding, links to contexts are not resolved at all.
 */
#define CONTEXT_RENDERS 16

static int context_span(struct render *R, const char *name, uint8_t tid[16], uint8_t sid[8])
{
	const struct plan *p = R->p;
	uint32_t renders = 0;
	bool any = p->scenario ? exports(p->scenario, name) : false;

	if (R->find)
		return 0;
	for (uint32_t i = 0; !p->scenario && i < p->npool && !any; i++)
		any = exports(p->pool[i], name);
	if (p->timed) /* the window's earlier traces first, then earlier windows' */
		for (uint32_t i = 0; i < R->nexp; i++)
			if (!strcmp(R->exp[i].name, name)) {
				memcpy(tid, R->exp[i].tid, 16);
				memcpy(sid, R->exp[i].sid, 8);
				return 1;
			}
	for (uint64_t j = R->index, seen = 0; any && j-- > 0 && seen < CONTEXT_LOOKBACK; seen++) {
		struct batch scratch;
		struct render F;
		int rc;

		if (!p->timed && !exports(plan_scenario_for(p, j), name))
			continue;
		batch_init(&scratch);
		rc = render_iteration(p, j, &scratch, name, &F);
		batch_release(&scratch);
		if (rc == OTELSIM_ENOMEM)
			return -1;
		if (!rc && F.found) {
			memcpy(tid, F.found_tid, 16);
			memcpy(sid, F.found_sid, 8);
			return 1;
		}
		if (++renders == CONTEXT_RENDERS)
			break;
	}
	return 0;
}

static int render_links(struct render *R, const struct span_spec *sp, size_t idx)
{
	struct link_out *ln;
	uint32_t n = 0;

	if (!sp->nlinks)
		return 0;
	ln = arena_alloc(&R->out->arena, sizeof(*ln) * sp->nlinks);
	if (!ln)
		return -1;
	for (uint32_t k = 0; k < sp->nlinks; k++) {
		const struct link_spec *ls = &sp->links[k];
		const struct span_out *s;
		bool found = false;

		if (ls->kind == LINK_SPAN) {
			size_t len = ls->span_name_len ? ls->span_name_len : strlen(ls->span_name);

			for (size_t j = idx; j-- > R->first;) {
				const struct span_out *o = span_at(R, j);

				if (o->name_len == len &&
				    memcmp(o->name, ls->span_name, len) == 0) {
					memcpy(ln[n].trace_id, o->trace_id, 16);
					memcpy(ln[n].span_id, o->span_id, 8);
					found = true;
					break;
				}
			}
		} else if (ls->kind == LINK_PREVIOUS_TRACE && R->turn) {
			memcpy(ln[n].trace_id, R->prev_trace_id, 16);
			memcpy(ln[n].span_id, R->prev_root_id, 8);
			found = true;
		} else if (ls->kind == LINK_PREVIOUS_TRACE) {
			found = previous_root(R, ln[n].trace_id, ln[n].span_id);
		} else if (ls->kind == LINK_CONTEXT) {
			int rc = context_span(R, ls->context, ln[n].trace_id, ln[n].span_id);

			if (rc < 0)
				return -1;
			found = rc == 1;
		} else {
			memcpy(ln[n].trace_id, ls->trace_id, 16);
			memcpy(ln[n].span_id, ls->span_id, 8);
			found = true;
		}
		if (!found)
			continue;
		/* a context carried over from another trace (a queue, a message) is remote */
		ln[n].flags = ls->kind == LINK_CONTEXT ? FLAGS_REMOTE : FLAGS_LOCAL;
		ln[n].trace_state = ls->trace_state;
		ln[n].trace_state_len = ls->trace_state ? (uint32_t)strlen(ls->trace_state) : 0;
		s = span_at(R, idx);
		if (eval_attrs(R, ls->attrs, ls->nattrs, 0, s->attrs, s->nattrs, &ln[n].attrs) < 0)
			return -1;
		ln[n].nattrs = ls->nattrs;
		n++;
	}
	span_at(R, idx)->links = ln;
	span_at(R, idx)->nlinks = n;
	return 0;
}

/* Text of a template result that is not a string (a lone number as a name). */
static int value_text(struct render *R, struct value *v, const char **ptr, uint32_t *len)
{
	if (v->type != VAL_STRING) {
		struct gen g;

		memset(&g, 0, sizeof(g));
		g.kind = GEN_CONST;
		g.type = VAL_STRING;
		g.constant = *v;
		if (gen_eval(&g, &R->ctx, v) < 0)
			return -1;
	}
	if (v->type != VAL_STRING) {
		*ptr = "";
		*len = 0;
		return 0;
	}
	*ptr = v->u.s.ptr;
	*len = v->u.s.len;
	return 0;
}

/* The span's name: as written, or its template made (NULL parent attributes already set). */
static int make_name(struct render *R, const struct span_spec *sp, size_t idx)
{
	struct span_out *s;

	if (sp->name_tmpl) {
		struct value v;
		const char *name;
		uint32_t len;

		if (tmpl_eval(sp->name_tmpl, &R->ctx, &v) < 0 || value_text(R, &v, &name, &len) < 0)
			return -1;
		s = span_at(R, idx);
		s->name = name;
		s->name_len = len;
		return 0;
	}
	s = span_at(R, idx);
	s->name = sp->name;
	s->name_len = sp->name_len ? sp->name_len : (uint32_t)strlen(sp->name);
	return 0;
}

/* The span's trace_state, as the scenario gives it (no draw). */
static void make_trace_state(struct render *R, const struct span_spec *sp, size_t idx)
{
	struct span_out *s = span_at(R, idx);

	s->trace_state = sp->trace_state;
	s->trace_state_len = sp->trace_state ? (uint32_t)strlen(sp->trace_state) : 0;
}

/* The span's attributes, then its session's (spare slots for what a failure sets). */
static int make_attrs(struct render *R, const struct span_spec *sp, size_t idx,
		      const struct keyval *pattrs, uint32_t npattrs)
{
	struct keyval *attrs;
	struct span_out *s;
	uint32_t n = sp->nattrs, spare = 2; /* error.type, a status code */
	int rc;

	for (uint32_t k = 0; k < sp->nerrors; k++)
		if (sp->errors[k].nattrs > spare - 2)
			spare = 2 + sp->errors[k].nattrs;
	if (eval_attrs(R, sp->attrs, sp->nattrs, spare + (R->ses.spec ? SESSION_MAX_ATTRS : 0),
		       pattrs, npattrs, &attrs) < 0)
		return -1;
	/* wrong_division without a target: one draw picks the server */
	R->ses.server_over = sp->nmcp_servers == 1 ? sp->mcp_servers[0]
			     : sp->nmcp_servers    ? sp->mcp_servers[rng_below(&R->rng, sp->nmcp_servers)]
						   : NULL;
	rc = session_attrs(&R->ses, sp->role, idx == R->first, attrs, &n, &R->rng, &R->out->arena);
	R->ses.server_over = NULL;
	if (rc < 0)
		return -1;
	s = span_at(R, idx);
	s->attrs = attrs;
	s->nattrs = n;
	return 0;
}

static int make_failure(struct render *R, const struct error_spec *e, size_t idx,
			const struct keyval *pattrs, uint32_t npattrs, struct failure *err);

/* The error draw: the condition that fires (NULL: none) and, for it, *err. */
static int draw_error(struct render *R, const struct span_spec *sp, size_t idx,
		      const struct keyval *pattrs, uint32_t npattrs, const struct error_spec **fired,
		      struct failure *err)
{
	*fired = sp->nerrors ? error_for(sp, rng_double(&R->rng)) : NULL;
	return *fired ? make_failure(R, *fired, idx, pattrs, npattrs, err) : 0;
}

/* *err: what condition e's failure of the span at idx says (its message and attributes made). */
static int make_failure(struct render *R, const struct error_spec *e, size_t idx,
			const struct keyval *pattrs, uint32_t npattrs, struct failure *err)
{
	memset(err, 0, sizeof(*err));
	err->typed = e->type != NULL;
	err->type = e->type ? e->type : "_OTHER";
	err->type_len = (uint32_t)strlen(err->type);
	R->ctx.parent_attrs = pattrs;
	R->ctx.nparent_attrs = npattrs;
	if (e->message_tmpl) {
		struct value v;

		if (tmpl_eval(e->message_tmpl, &R->ctx, &v) < 0 ||
		    value_text(R, &v, &err->msg, &err->msg_len) < 0)
			return -1;
	} else {
		err->msg = e->message ? e->message : err->type;
		err->msg_len = (uint32_t)strlen(err->msg);
	}
	if (e->nattrs) {
		const struct span_out *s = span_at(R, idx);
		struct keyval *kv;

		/* {{parent.attributes.x}} in error.attributes means the span's own */
		if (eval_attrs(R, e->attrs, e->nattrs, 0, s->attrs, s->nattrs, &kv) < 0)
			return -1;
		err->attrs = kv;
		err->nattrs = e->nattrs;
		R->ctx.parent_attrs = pattrs;
		R->ctx.nparent_attrs = npattrs;
	}
	if (e->stacktrace_tmpl) {
		struct value v;

		if (tmpl_eval(e->stacktrace_tmpl, &R->ctx, &v) < 0 ||
		    value_text(R, &v, &err->stack, &err->stack_len) < 0)
			return -1;
	} else if (e->stacktrace) {
		err->stack = e->stacktrace;
		err->stack_len = (uint32_t)strlen(e->stacktrace);
	}
	return 0;
}

/*
 * After the span at f ended: its own failure (status, error.type, the
 * conventions' attributes, the ancestors it marks or raises to), a raise
 * from a child passing through it, or the mark a failing descendant left
 * on it. *exc (in *buf, or R's): the exception to record on it, NULL when
 * it did not fail. Returns whether its own failure failed it.
 */
static bool settle_error(struct render *R, const struct span_spec *sp, const struct frame *f,
			 const struct error_spec *fired, bool err_now, const struct failure *err,
			 struct failure *buf, const struct failure **exc)
{
	struct span_out *s = span_at(R, f->idx);
	struct failure seen;

	*exc = NULL;
	/* a 4xx on an HTTP server is no failure: it goes on as if none fired */
	if (err_now && mark_error(R, s, err, true, &seen)) {
		/* a retried span fails as its first condition says */
		if (!fired && sp->nerrors)
			fired = &sp->errors[0];
		if (fired && fired->propagate == ERR_MARK_ANCESTORS)
			propagate(R, f->up, &seen);
		if (fired && fired->propagate == ERR_RAISE) {
			R->raised = true;
			R->raise_err = seen;
		}
		*buf = *err;
		buf->type = seen.type;
		buf->type_len = seen.type_len;
		buf->msg = seen.msg;
		buf->msg_len = seen.msg_len;
		*exc = buf;
		return true;
	}
	if (R->raised) {
		if (mark_error(R, s, &R->raise_err, false, &seen)) {
			R->raise_err = seen;
			*exc = &R->raise_err;
		}
	} else if (s->status_code == STATUS_ERROR) {
		failure_of(s, buf); /* marked by a failing descendant */
		*exc = buf;
	}
	return false;
}

/* ---- phases (engine/phase.c) ---- */

#define PHASE_HITS 8
struct phase_hits {
	uint32_t inj[PHASE_HITS];
	uint32_t n;
};

/*
 * The span's own latency under the phases active at its start t: latency
 * phases' factors, and a deployment's after its restart, multiply it (each
 * such phase is noted in *hits for the ground truth). No draw.
 */
static int64_t phase_latency(struct render *R, size_t idx, int64_t t, int64_t lat,
			     struct phase_hits *hits)
{
	const struct span_out *s = span_at(R, idx);
	double f = 1, ns;

	for (uint32_t i = 0; i < R->p->nphases; i++) {
		const struct phase_rt *r = &R->p->phases[i];
		int k = r->ph->kind;
		double g;

		if (r->sc != R->sc || t < r->start_ns || t >= r->end_ns ||
		    (k != PHASE_LATENCY && k != PHASE_DEPLOYMENT) ||
		    (k == PHASE_DEPLOYMENT && t - r->start_ns < r->ph->restart_ns) ||
		    !phase_targets(r, s->resource, s->name, s->name_len))
			continue;
		g = phase_factor(r, t);
		if (g == 1)
			continue;
		f *= g;
		if (hits->n < PHASE_HITS)
			hits->inj[hits->n++] = r->ph->inj;
	}
	ns = (double)lat * f;
	return f == 1 ? lat : ns >= 9223372036854775807.0 ? INT64_MAX : (int64_t)(ns + 0.5);
}

/*
 * The phase that fails the span at idx (started at t), or NULL. An open
 * circuit breaker fails it without a draw; else, when any failing phase
 * targets it, one draw u (rng_double) picks the first whose cumulative
 * rate passes u. *fast: it fails fast (down, an open breaker), its latency
 * then x *fast_factor and no children.
 */
#define PHASE_MAX_ACTIVE 16
static const struct error_spec *phase_error(struct render *R, size_t idx, int64_t t, bool *fast,
					    double *fast_factor)
{
	const struct span_out *s = span_at(R, idx);
	const struct phase_rt *act[PHASE_MAX_ACTIVE];
	uint32_t n = 0;
	double u, cum = 0;

	*fast = false;
	for (uint32_t i = 0; i < R->p->nphases && n < PHASE_MAX_ACTIVE; i++) {
		const struct phase_rt *r = &R->p->phases[i];
		int k = r->ph->kind;
		int64_t brk;

		if (r->sc != R->sc || t < r->start_ns || t >= r->end_ns || !(r->rate > 0 || k == PHASE_CASCADE))
			continue;
		if (k == PHASE_CASCADE) {
			if (t < phase_cascade_at(r, s->resource, &brk))
				continue;
			if (t >= brk) {
				*fast = true;
				*fast_factor = r->ph->fast_factor;
				return &r->ph->breaker_err;
			}
		} else if (k == PHASE_ERRORS || k == PHASE_SCATTERED || k == PHASE_DOWN ||
			   (k == PHASE_DEPLOYMENT && t - r->start_ns >= r->ph->restart_ns)) {
			if (!phase_targets(r, s->resource, s->name, s->name_len))
				continue;
		} else {
			continue;
		}
		if (r->rate > 0)
			act[n++] = r;
	}
	if (!n)
		return NULL;
	u = rng_double(&R->rng);
	for (uint32_t i = 0; i < n; i++) {
		cum += act[i]->rate;
		if (u < cum) {
			*fast = act[i]->ph->kind == PHASE_DOWN;
			*fast_factor = act[i]->ph->fast_factor;
			return &act[i]->ph->err;
		}
	}
	return NULL;
}

/* Keep the latest span exported under `name` in tab (a full table drops it). */
static void note_export(struct exported *tab, uint32_t *n, const char *name,
			const struct span_out *s)
{
	uint32_t i = 0;

	while (i < *n && strcmp(tab[i].name, name))
		i++;
	if (i == TIMED_EXPORTS)
		return;
	if (i == *n)
		(*n)++;
	tab[i].name = name;
	memcpy(tab[i].tid, s->trace_id, 16);
	memcpy(tab[i].sid, s->span_id, 8);
}

/* The trace's exported spans become what later traces of the window find. */
static void commit_exports(struct render *R)
{
	for (uint32_t k = 0; k < R->npend; k++) {
		uint32_t i = 0;

		while (i < R->nexp && strcmp(R->exp[i].name, R->pend[k].name))
			i++;
		if (i == TIMED_EXPORTS)
			continue;
		if (i == R->nexp)
			R->nexp++;
		R->exp[i] = R->pend[k];
	}
	R->npend = 0;
}

static int render_span(struct render *R, const struct span_spec *sp, const struct frame *up,
		       int64_t start, int64_t *end)
{
	struct frame f;
	const struct keyval *pattrs = NULL;
	uint32_t npattrs = 0;
	struct failure err, exc_buf;
	const struct failure *exc;
	const struct error_spec *fired = NULL;
	struct phase_hits hits = { { 0 }, 0 };
	bool err_now = false, failed;
	int64_t e;

	if (open_span(R, up, sp->kind, sp->service, start, &f.idx) < 0)
		return -1;
	span_at(R, f.idx)->scope = sp->scope;
	f.up = up;
	if (R->find && (!R->found || R->p->timed) && sp->export_context &&
	    !strcmp(sp->export_context, R->find)) {
		memcpy(R->found_tid, span_at(R, f.idx)->trace_id, 16);
		memcpy(R->found_sid, span_at(R, f.idx)->span_id, 8);
		R->found = true;
	}
	if (R->p->timed && !R->find && sp->export_context)
		note_export(R->pend, &R->npend, sp->export_context, span_at(R, f.idx));
	if (up) {
		const struct span_out *ps = span_at(R, up->idx);

		pattrs = ps->attrs;
		npattrs = ps->nattrs;
	}
	R->cur = &f;
	R->ctx.parent_attrs = pattrs;
	R->ctx.nparent_attrs = npattrs;
	if (sp->attrs_first
		    ? make_attrs(R, sp, f.idx, pattrs, npattrs) < 0 || make_name(R, sp, f.idx) < 0
		    : make_name(R, sp, f.idx) < 0 || make_attrs(R, sp, f.idx, pattrs, npattrs) < 0)
		return -1;
	make_trace_state(R, sp, f.idx);
	if (!sp->retry.enabled) {
		int64_t cend, lat = latency_ns(R, &sp->latency);
		double fast_factor = 1;
		bool fast = false;

		if (R->p->nphases)
			lat = phase_latency(R, f.idx, start, lat, &hits);
		if (draw_error(R, sp, f.idx, pattrs, npattrs, &fired, &err) < 0)
			return -1;
		if (!fired && R->p->nphases &&
		    (fired = phase_error(R, f.idx, start, &fast, &fast_factor)) &&
		    make_failure(R, fired, f.idx, pattrs, npattrs, &err) < 0)
			return -1;
		if (fast)
			lat = (int64_t)((double)lat * fast_factor + 0.5);
		e = time_add(R, start, lat);
		err_now = fired != NULL;
		/* a raised failure makes none of the span's children; nor does a fast one */
		if (!(fired && fired->propagate == ERR_RAISE) && !fast) {
			if (render_children(R, sp, &f, sp->latency_first ? e : start, &cend) < 0)
				return -1;
			if (cend > e)
				e = cend;
		}
	} else {
		if (render_attempts(R, sp, &f, start, &e, &err_now, &err) < 0)
			return -1;
	}
	span_at(R, f.idx)->end_ns = (uint64_t)e;
	failed = settle_error(R, sp, &f, fired, err_now, &err, &exc_buf, &exc);
	if (fired && failed && hit(R, fired->inj, f.idx) < 0)
		return -1;
	for (uint32_t k = 0; k < hits.n; k++)
		if (!(fired && failed && hits.inj[k] == fired->inj) && hit(R, hits.inj[k], f.idx) < 0)
			return -1;
	R->cur = &f;
	if (render_events(R, sp, f.idx, exceptions_as_events(R) ? exc : NULL) < 0 ||
	    render_links(R, sp, f.idx) < 0 || render_logs(R, sp, f.idx) < 0)
		return -1;
	if (exc && exceptions_as_logs(R) && failure_log(exc, span_at(R, f.idx), R->out) < 0)
		return -1;
	R->cur = up;
	*end = e;
	return 0;
}

/* For templates: the attributes of the span `up` levels above R->cur. */
static const struct keyval *attrs_at(const struct tmpl_ctx *ctx, uint32_t up, size_t *n)
{
	const struct render *R = ctx->attrs_arg;
	const struct frame *f = R->cur;
	const struct span_out *s;

	while (f && up--)
		f = f->up;
	if (!f) {
		*n = 0;
		return NULL;
	}
	s = &R->out->spans[f->idx];
	*n = s->nattrs;
	return s->attrs;
}

/*
 * One trace of the iteration R->index: its spans, then the sources' (not
 * while finding an exported span).
 */
/*
 * The log records of one trace, v[0..n), in time order; records of one time
 * keep the order they were made in (a stable merge sort, tmp: n spare).
 */
static void sort_logs(struct log_out *v, struct log_out *tmp, size_t n)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = v[j].time_ns < v[i].time_ns ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

/* This trace's log records (from `first` on) in time order. 0 or -1 (memory). */
static int order_logs(struct batch *out, size_t first)
{
	size_t n = out->nlogs - first;
	struct log_out *tmp;
	bool sorted = true;

	for (size_t k = first + 1; sorted && k < out->nlogs; k++)
		sorted = out->logs[k - 1].time_ns <= out->logs[k].time_ns;
	if (sorted)
		return 0;
	tmp = arena_alloc(&out->arena, n * sizeof(*tmp));
	if (!tmp)
		return -1;
	sort_logs(out->logs + first, tmp, n);
	return 0;
}

static int render_trace(struct render *R, uint32_t turn)
{
	bool first_of_iteration = turn == 0;
	const struct plan *p = R->p;
	const struct scenario *sc = R->sc;
	struct batch *out = R->out;
	struct value *vars = NULL;
	int64_t start, end;

	if (batch_begin_trace(out))
		return OTELSIM_ENOMEM;
	out->marks[out->nmarks - 1].iteration = turn == 0;
	R->first = out->nspans;
	R->first_hit = out->nhits;
	R->turn = turn;
	if (turn) {
		memcpy(R->prev_trace_id, R->trace_id, 16);
		memcpy(R->prev_root_id, R->root_id, 8);
	}
	draw_trace_ids(&R->rng, R->trace_id, R->root_id);
	if (first_of_iteration) {
		start = p->timed ? R->arrival : plan_arrival(p, R->index, &R->rng, &R->past_max);
		if (session_begin(&R->ses, R->m, sc, &R->rng, &out->arena) < 0)
			return OTELSIM_ENOMEM;
	} else {
		start = time_add(R, R->start,
				 ms_to_ns(dist_sample(&sc->session->turn_gap, &R->rng)));
	}
	if (session_trace(&R->ses, turn, &R->rng, &out->arena) < 0)
		return OTELSIM_ENOMEM;
	if (sc->nvars) {
		vars = arena_zalloc(&out->arena, sizeof(*vars) * sc->nvars);
		if (!vars)
			return OTELSIM_ENOMEM;
	}
	R->ctx.rng = &R->rng;
	R->ctx.arena = &out->arena;
	R->ctx.vars = vars;
	R->ctx.parent_attrs = NULL;
	R->ctx.nparent_attrs = 0;
	R->ctx.attrs_at = attrs_at;
	R->ctx.attrs_arg = R;
	R->cur = NULL;
	R->raised = false;
	for (uint32_t k = 0; k < sc->nvars; k++)
		if (gen_eval(&sc->vars[k].gen, &R->ctx, &vars[k]) < 0)
			return OTELSIM_ENOMEM;
	if (!R->past_max &&
	    render_span(R, sc->nroots > 1 ? &sc->root[rng_below(&R->rng, sc->nroots)] : sc->root,
			NULL, start, &end) < 0)
		return OTELSIM_ENOMEM;
	for (uint32_t k = 0; k < p->nphases; k++) {
		const struct phase_rt *r = &p->phases[k];

		if (r->ph->kind == PHASE_TRAFFIC && r->sc == sc && start >= r->start_ns &&
		    start < r->end_ns && hit(R, r->ph->inj, R->first) < 0)
			return OTELSIM_ENOMEM;
	}
	if (R->past_max)
		return OTELSIM_ELIMIT;
	if (order_logs(out, out->marks[out->nmarks - 1].first[OTELSIM_LOGS]) < 0)
		return OTELSIM_ENOMEM;
	for (size_t k = R->first; k < out->nspans; k++)
		out->nerror_spans += out->spans[k].status_code == STATUS_ERROR;
	out->ntraces++;
	if (start < out->min_start_ns)
		out->min_start_ns = start;
	if (end > out->max_end_ns)
		out->max_end_ns = end;
	R->start = end; /* a next trace of the iteration follows this one */
	commit_exports(R);
	for (uint32_t k = 0; !R->find && k < p->nsources; k++) {
		const struct engine_source *src = p->sources[k];

		if (src->after_trace && src->after_trace(p, out, R->first) < 0)
			return OTELSIM_ENOMEM;
	}
	return 0;
}

/* One arrival of R->sc: its traces (one, or one per turn of a session). */
static int render_arrival(struct render *R)
{
	const struct scenario *sc = R->sc;
	uint32_t ntraces = sc->session && sc->session->nturns ? sc->session->nturns : 1;

	for (uint32_t t = 0; t < ntraces; t++) {
		int rc = render_trace(R, t);

		if (rc)
			return rc;
		if (t == 0) {
			memcpy(R->arr_tid, R->out->spans[R->first].trace_id, 16);
			memcpy(R->arr_sid, R->out->spans[R->first].span_id, 8);
		}
	}
	return 0;
}

/*
 * A time-based window (engine.h): its arrivals, then each arrival's
 * scenario pick (a mixed run) and traces, all from the window's stream.
 */
static int render_window(const struct plan *p, struct render *R)
{
	int64_t *times = NULL, n;
	size_t cap = 0;
	int rc = 0;

	rng_seed(&R->rng, p->seed, p->scenario ? p->scenario->stream : p->window_stream, R->index);
	n = plan_arrivals(p, R->index, &R->rng, &times, &cap);
	if (n < 0)
		return OTELSIM_ENOMEM;
	for (int64_t k = 0; k < n && !rc; k++) {
		R->sc = p->scenario ? p->scenario
				    : p->pool[num_pick_weighted(p->cum_weights, p->npool, &R->rng)];
		if (!R->sc || !R->sc->root) {
			rc = OTELSIM_EINTERNAL;
			break;
		}
		R->arrival = times[k];
		R->narrivals++;
		rc = render_arrival(R);
	}
	free(times);
	return rc;
}

/*
 * Iteration `index` appended to *out; with `find`, also the ids of the
 * first span exported under that name (R->found; time-based: the last),
 * and context links are left out.
 */
static int render_iteration(const struct plan *p, uint64_t index, struct batch *out,
			    const char *find, struct render *R)
{
	const struct scenario *sc = p->timed ? NULL : plan_scenario_for(p, index);
	int rc;

	if (!p->timed && (!sc || !sc->root))
		return OTELSIM_EINTERNAL;
	memset(R, 0, sizeof(*R));
	R->p = p;
	R->m = p->model;
	R->sc = sc;
	R->out = out;
	R->index = index;
	R->find = find;
	if (p->timed) {
		rc = render_window(p, R);
	} else {
		rng_seed(&R->rng, p->seed, sc->stream, index);
		rc = render_arrival(R);
	}
	if (rc)
		return rc;
	out->niterations++;
	return 0;
}

int engine_render_iteration(const struct plan *p, uint64_t index, struct batch *out)
{
	struct render R;

	return render_iteration(p, index, out, NULL, &R);
}

int engine_render_block(const struct plan *p, uint64_t block, struct batch *out)
{
	uint64_t b = p->iterations_per_block, first = block * b, last = first + b;

	batch_reset(out, first);
	if (last > p->count)
		last = p->count;
	for (uint64_t i = first; i < last; i++) {
		int rc = engine_render_iteration(p, i, out);

		if (rc < 0)
			return rc;
	}
	for (uint32_t k = 0; k < p->nsources; k++) {
		const struct engine_source *src = p->sources[k];

		if (src->after_block && src->after_block(p, block, out) < 0)
			return OTELSIM_ENOMEM;
	}
	return 0;
}
