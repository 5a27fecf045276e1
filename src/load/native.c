/*
 * The native scenario dialect (seeds 000 and 001): a scenario's top level,
 * its vars and resource, and the span tree under `root`. Every key is in a
 * table below; the walker (load/schema.c) checks and fills, the handlers
 * here check what a table cannot (names, the span tree's limits, services,
 * links) and lower everything to model/model.h.
 */
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "load/loader.h"
#include "load/scopes.h"
#include "load/workflow.h"
#include "model/agent.h"
#include "load/semconv.h"
#include "load/tree.h"
#include "load/values.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"
#include "util/tracestate.h"
#include "util/workload.h"

struct native {
	struct load_state *ls;
	struct scenario *sc;
	struct gen_env env;    /* every var (for the span tree) */
	struct tree_refs tree; /* what tree_check needs */
	int depth;
	const struct ynode *count_node; /* while a span is filled: its count */
	struct session_draft session;   /* context, conversation, redaction_applied */
	struct wf_input wf;             /* data_plane, control_plane, goal, overrides */
	struct ydoc gen;                /* the tree workflow.c wrote, while loading */
	bool has_gen;
};

static struct native *st(struct schema_ctx *c)
{
	return c->state;
}

struct load_state *native_load_state(struct schema_ctx *c)
{
	return st(c)->ls;
}

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

/* ---- span: error ---- */

static int fill_error_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)k;
	return value_error_type(c, v, "error type", &((struct error_spec *)obj)->type);
}

static int fill_error_message(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			      void *obj)
{
	struct error_spec *e = obj;
	struct gen g;
	int rc;

	(void)k;
	if (!tmpl_has_expr(v->str, v->len))
		return value_string(c, v, &e->message);
	rc = value_gen(c, NULL, v, &st(c)->env, &g);
	if (rc)
		return rc;
	e->message_tmpl = g.tmpl;
	return value_string(c, v, &e->message);
}

static int fill_propagate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	bool b = false;

	(void)k;
	if (v->style == YS_PLAIN && !strcmp(v->str, "raise")) {
		((struct error_spec *)obj)->propagate = ERR_RAISE;
		return 0;
	}
	if (ynode_bool(v, &b))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'propagate' must be true, false or raise, not %s",
				    ynode_kind(v));
	((struct error_spec *)obj)->propagate = b ? ERR_MARK_ANCESTORS : ERR_LOCAL;
	return 0;
}

static int fill_error_stacktrace(struct schema_ctx *c, const struct key_def *k,
				 const struct ynode *v, void *obj)
{
	struct error_spec *e = obj;
	struct gen g;
	int rc;

	(void)k;
	if (!tmpl_has_expr(v->str, v->len))
		return value_string(c, v, &e->stacktrace);
	rc = value_gen(c, NULL, v, &st(c)->env, &g);
	if (rc)
		return rc;
	e->stacktrace_tmpl = g.tmpl;
	return value_string(c, v, &e->stacktrace);
}

static int fill_error_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	struct error_spec *e = obj;
	int rc;

	(void)k;
	st(c)->tree.in_self = true;
	rc = value_attrs(c, v, &st(c)->env, &e->attrs, &e->nattrs);
	st(c)->tree.in_self = false;
	return rc;
}

static const struct key_def error_keys[] = {
	{ "rate", KT_PROB, KF_REQUIRED, NULL, NULL, NULL, offsetof(struct error_spec, rate),
	  "probability (0..1) that the span fails" },
	{ "type", KT_STRING, 0, NULL, NULL, fill_error_type, SCHEMA_NOFILL,
	  "error.type of a failed span: on agent spans (vendor conventions) timeout, "
	  "unavailable, invalid_arguments, tool_error or protocol_error (default unavailable); "
	  "elsewhere any name (default _OTHER)" },
	{ "message", KT_STRING, 0, NULL, NULL, fill_error_message, SCHEMA_NOFILL,
	  "status message of a failed span (may hold {{...}})" },
	{ "propagate", KT_SCALAR, 0, NULL, NULL, fill_propagate, SCHEMA_NOFILL,
	  "true: a failure marks every ancestor ERROR with the same error.type; raise: like "
	  "an exception, the span makes no children and the spans after it in its ancestors "
	  "are not made (each ancestor fails the same way)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_error_attrs, SCHEMA_NOFILL,
	  "attributes the failed span gets over what its conventions set "
	  "(http.response.status_code: 404, rpc.response.status_code, db.response.status_code...)" },
	{ "stacktrace", KT_STRING, 0, NULL, NULL, fill_error_stacktrace, SCHEMA_NOFILL,
	  "exception.stacktrace of the exception record (may hold {{...}})" },
};

/* ---- span: retry and backoff ---- */

static const char *const backoff_types[] = { "exponential", NULL };

static int fill_nonneg_ms(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	double d;

	ynode_double(v, &d);
	if (d < 0)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be negative", k->key);
	if (d > LOAD_MAX_MS)
		return schema_error(c, OTELSIM_ELIMIT, v,
				    "'%s' is too large (at most 31536000000 ms, one year)", k->key);
	memcpy((char *)obj + k->offset, &d, sizeof(d));
	return 0;
}

static int fill_multiplier(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	double d;

	ynode_double(v, &d);
	if (d < 1 || d > 100)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be between 1 and 100", k->key);
	memcpy((char *)obj + k->offset, &d, sizeof(d));
	return 0;
}

static int fill_unit(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	double d;

	ynode_double(v, &d);
	if (d < 0 || d > 1)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be between 0 and 1", k->key);
	memcpy((char *)obj + k->offset, &d, sizeof(d));
	return 0;
}

static const struct key_def backoff_keys[] = {
	{ "type", KT_ENUM, 0, backoff_types, NULL, NULL, SCHEMA_NOFILL,
	  "exponential (the only kind so far)" },
	{ "base_ms", KT_NUMBER, 0, NULL, NULL, fill_nonneg_ms,
	  offsetof(struct retry_spec, backoff_base_ms),
	  "wait before the second attempt (default 100)" },
	{ "multiplier", KT_NUMBER, 0, NULL, NULL, fill_multiplier,
	  offsetof(struct retry_spec, backoff_multiplier),
	  "growth of the wait per attempt (1..100, default 2)" },
	{ "jitter", KT_NUMBER, 0, NULL, NULL, fill_unit,
	  offsetof(struct retry_spec, backoff_jitter),
	  "each wait varies by up to this fraction (0..1, default 0.1)" },
};

SCHEMA_TABLE(error_table, "error", "how a span fails", error_keys);
SCHEMA_TABLE(backoff_table, "backoff", "waits between retry attempts", backoff_keys);

static int fill_backoff(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)k;
	return schema_walk(c, &backoff_table, v, obj);
}

static int fill_attempts(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	int64_t i;

	(void)k;
	ynode_int(v, &i);
	if (i < 1 || i > LOAD_MAX_ATTEMPTS)
		return schema_error(c, OTELSIM_EINPUT, v, "'max_attempts' must be between 1 and %d",
				    LOAD_MAX_ATTEMPTS);
	((struct retry_spec *)obj)->max_attempts = (uint32_t)i;
	return 0;
}

static int fill_success_rate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	struct retry_spec *r = obj;
	size_t n = v->type == YN_SEQ ? v->n : 1;
	int rc;

	(void)k;
	if (v->type == YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'success_rate_per_attempt' must be a number or a list of "
				    "numbers, not a mapping");
	if (!n)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'success_rate_per_attempt' needs at least one number");
	r->success_rate = ARENA_NEWN(&c->m->arena, double, n);
	if (!r->success_rate)
		return oom(c);
	for (size_t i = 0; i < n; i++) {
		const struct ynode *it = v->type == YN_SEQ ? v->items[i] : v;

		rc = value_prob(c, it, &r->success_rate[i]);
		if (rc)
			return rc;
	}
	r->nsuccess_rate = (uint32_t)n;
	return 0;
}

static int fill_retry_error_type(struct schema_ctx *c, const struct key_def *k,
				 const struct ynode *v, void *obj)
{
	(void)k;
	return value_error_type(c, v, "error type", &((struct retry_spec *)obj)->error_type);
}

static const struct key_def retry_keys[] = {
	{ "enabled", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct retry_spec, enabled),
	  "retry at all (default true when the block is there)" },
	{ "max_attempts", KT_INT, 0, NULL, NULL, fill_attempts, SCHEMA_NOFILL,
	  "attempts in all, the first included (1..1000, default 3)" },
	{ "force_initial_failure", KT_BOOL, 0, NULL, NULL, NULL,
	  offsetof(struct retry_spec, force_initial_failure), "the first attempt always fails" },
	{ "success_rate_per_attempt", KT_ANY, 0, NULL, NULL, fill_success_rate, SCHEMA_NOFILL,
	  "probability that attempt i succeeds: one number, or a list (the last repeats)" },
	{ "backoff", KT_MAP, 0, NULL, NULL, fill_backoff, SCHEMA_NOFILL,
	  "{type: exponential, base_ms, multiplier, jitter}" },
	{ "error_type", KT_STRING, 0, NULL, NULL, fill_retry_error_type, SCHEMA_NOFILL,
	  "error.type of failed attempts (default: the span's error type, else timeout)" },
};

SCHEMA_TABLE(retry_table, "retry", "retried attempts with backoff", retry_keys);

/* ---- span: events and links ---- */

static int fill_event_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	struct event_spec *e = obj;
	struct native *ns = st(c);
	uint32_t len;
	int rc;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'name' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "event name longer than %d bytes",
				    LOAD_MAX_KEY);
	ns->tree.in_self = true;
	rc = value_name(c, v, &ns->env, &e->name, &len, &e->name_tmpl);
	ns->tree.in_self = false;
	return rc;
}

static int fill_event_offset(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	struct event_spec *e = obj;
	double d;

	(void)k;
	if (!ynode_double(v, &d)) {
		if (!(d >= 0) || d > LOAD_MAX_MS)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'offset' must be between 0 and 31536000000 ms");
		e->offset_ms = d;
		return 0;
	}
	if (v->len >= 2 && v->str[v->len - 1] == '%') {
		struct ynode num = *v;
		char buf[32];

		if (v->len - 1 < sizeof(buf)) {
			memcpy(buf, v->str, v->len - 1);
			buf[v->len - 1] = '\0';
			num.str = buf;
			num.len = v->len - 1;
			num.style = YS_PLAIN;
			num.tag = NULL;
			if (!ynode_double(&num, &d) && d >= 0 && d <= 100) {
				e->is_frac = true;
				e->offset_frac = d / 100;
				return 0;
			}
		}
	}
	return schema_error(c, OTELSIM_EINPUT, v,
			    "'offset' must be milliseconds (a number) or a share of the span like "
			    "\"50%%\" (got '%.100s')",
			    v->str);
}

static int fill_event_log(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	bool b = false;

	(void)c, (void)k;
	ynode_bool(v, &b);
	((struct event_spec *)obj)->log = b ? EVENT_LOG_YES : EVENT_LOG_NO;
	return 0;
}

static int fill_event_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	struct event_spec *e = obj;
	int rc;

	(void)k;
	st(c)->tree.in_self = true;
	rc = value_attrs(c, v, &st(c)->env, &e->attrs, &e->nattrs);
	st(c)->tree.in_self = false;
	return rc;
}

static const struct key_def event_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_event_name, SCHEMA_NOFILL,
	  "the event's name (vendor.* is rewritten)" },
	{ "offset", KT_SCALAR, 0, NULL, NULL, fill_event_offset, SCHEMA_NOFILL,
	  "when, from the span's start: ms, or \"50%\" of its duration (default 0)" },
	{ "probability", KT_PROB, 0, NULL, NULL, NULL, offsetof(struct event_spec, probability),
	  "chance the event is recorded (default 1)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_event_attrs, SCHEMA_NOFILL,
	  "the event's attributes (same forms as a span's)" },
	{ "log", KT_BOOL, 0, NULL, NULL, fill_event_log, SCHEMA_NOFILL,
	  "also write it as a log record (INFO, body: the event's name, its attributes; default: "
	  "the scenario's emit_logs)" },
};

SCHEMA_TABLE(event_table, "event", "a span event", event_keys);

/* ---- span: logs ---- */

static const char *const severity_members[] = { "trace", "debug", "info",
						"warn",	 "error", "fatal", NULL };

static uint8_t native_severity(const char *name)
{
	for (int i = 0; severity_members[i]; i++)
		if (!strcmp(name, severity_members[i]))
			return (uint8_t)(1 + 4 * i);
	return 0;
}

static int fill_severity(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)c;
	*((uint8_t *)obj + k->offset) = native_severity(v->str);
	return 0;
}

/* The longest the span at s can last from its own latency, or -1 (unknown: children, tails). */
static double span_max_ms(const struct span_spec *s)
{
	const struct dist *d = &s->latency;

	if (s->nchildren || s->retry.enabled)
		return -1;
	if (d->kind == DIST_CONSTANT)
		return d->p1;
	if (d->kind == DIST_UNIFORM)
		return d->has_max && d->max < d->p2 ? d->max : d->p2;
	return d->has_max ? d->max : -1;
}

static int fill_log_at(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	static const char *const words[] = { "start", "end", "error" };
	static const uint8_t when[] = { LOG_AT_START, LOG_AT_END, LOG_AT_ERROR };
	struct log_spec *l = obj;
	struct event_spec e;
	double max;
	int rc;

	(void)k;
	for (int i = 0; i < 3; i++)
		if ((v->style == YS_PLAIN || v->style == YS_QUOTED) && !strcmp(v->str, words[i])) {
			l->when = when[i];
			return 0;
		}
	memset(&e, 0, sizeof(e));
	rc = fill_event_offset(c, k, v, &e);
	if (rc)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'at' must be start, end, error, milliseconds from the span's "
				    "start or a share of it like \"50%%\" (got '%.100s')",
				    v->str);
	l->when = LOG_AT_OFFSET;
	l->is_frac = e.is_frac;
	l->offset_ms = e.offset_ms;
	l->offset_frac = e.offset_frac;
	max = st(c)->tree.cur_span ? span_max_ms(st(c)->tree.cur_span) : -1;
	if (!e.is_frac && max >= 0 && e.offset_ms > max)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'at' %s ms is outside the span, which lasts at most %s ms "
				    "(give a share like \"90%%\" or a smaller offset)",
				    v->str, values_num_text(max, (char[32]){ 0 }));
	return 0;
}

static int fill_log_body(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct log_spec *l = obj;
	struct gen g;
	int rc = 0;

	(void)k;
	st(c)->tree.in_self = true;
	if (tmpl_has_expr(v->str, v->len))
		rc = value_gen(c, NULL, v, &st(c)->env, &g);
	st(c)->tree.in_self = false;
	if (rc)
		return rc;
	if (tmpl_has_expr(v->str, v->len))
		l->body_tmpl = g.tmpl;
	return value_string(c, v, &l->body);
}

static int fill_log_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct log_spec *l = obj;
	int rc;

	(void)k;
	st(c)->tree.in_self = true;
	rc = value_attrs(c, v, &st(c)->env, &l->attrs, &l->nattrs);
	st(c)->tree.in_self = false;
	return rc;
}

static const struct key_def log_keys[] = {
	{ "at", KT_SCALAR, 0, NULL, NULL, fill_log_at, SCHEMA_NOFILL,
	  "when: start, end, error (at the end, only when the span failed), ms from the span's "
	  "start or a share of it like \"50%\" (default start)" },
	{ "severity", KT_ENUM, 0, severity_members, NULL, fill_severity,
	  offsetof(struct log_spec, severity),
	  "trace, debug, info, warn, error or fatal (severity number 1, 5, 9, 13, 17, 21; default "
	  "info)" },
	{ "body", KT_STRING, 0, NULL, NULL, fill_log_body, SCHEMA_NOFILL,
	  "the message (may hold {{...}}, like attributes)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_log_attrs, SCHEMA_NOFILL,
	  "the record's attributes (same forms as a span's)" },
};

SCHEMA_TABLE(log_table, "log", "a log record a span writes", log_keys);

struct link_parse {
	const struct ynode *span, *trace, *trace_id, *span_id;
};

static const char *const link_trace_members[] = { "previous", NULL };

/* what the link table fills: the nodes of the forms, and the link itself */
struct link_fill {
	struct link_spec *link;
	struct link_parse p;
};

static int fill_link_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	struct link_spec *l = ((struct link_fill *)obj)->link;
	int rc;

	(void)k;
	st(c)->tree.in_self = true;
	rc = value_attrs(c, v, &st(c)->env, &l->attrs, &l->nattrs);
	st(c)->tree.in_self = false;
	return rc;
}

/* A W3C tracestate (util/tracestate.h), checked here: a bad one is refused at its place. */
static int trace_state_text(struct schema_ctx *c, const struct ynode *v, const char **out)
{
	char why[200];

	if (tracestate_check(v->str, v->len, why, sizeof(why)))
		return schema_error(c, OTELSIM_EINPUT, v, "'trace_state' is not a W3C tracestate: %s",
				    why);
	*out = arena_strndup(&c->m->arena, v->str, v->len);
	return *out ? 0 : schema_error(c, OTELSIM_ENOMEM, v, "out of memory");
}

static int fill_link_trace_state(struct schema_ctx *c, const struct key_def *k,
				 const struct ynode *v, void *obj)
{
	(void)k;
	return trace_state_text(c, v, &((struct link_fill *)obj)->link->trace_state);
}

static int fill_trace_state(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	(void)k;
	return trace_state_text(c, v, &((struct span_spec *)obj)->trace_state);
}

static int fill_span_scope(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)k;
	return load_scope_fill(c, v, &((struct span_spec *)obj)->scope_set);
}

static int fill_scen_scopes(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	(void)k;
	return load_scopes_new(c, v, &((struct scenario *)obj)->scope_kinds);
}

#define LF(f) offsetof(struct link_fill, p.f)

static const struct key_def link_keys[] = {
	{ "span", KT_STRING, 0, NULL, NULL, schema_fill_node, LF(span),
	  "links to the span of this type in the same trace" },
	{ "trace", KT_ENUM, 0, link_trace_members, NULL, schema_fill_node, LF(trace),
	  "previous: links to the root span of the run's previous trace" },
	{ "trace_id", KT_STRING, 0, NULL, NULL, schema_fill_node, LF(trace_id),
	  "a fixed trace id (32 hex digits; with span_id)" },
	{ "span_id", KT_STRING, 0, NULL, NULL, schema_fill_node, LF(span_id),
	  "a fixed span id (16 hex digits; with trace_id)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_link_attrs, offsetof(struct link_fill, link),
	  "the link's attributes" },
	{ "trace_state", KT_STRING, 0, NULL, NULL, fill_link_trace_state,
	  offsetof(struct link_fill, link), "the link's W3C tracestate (\"vendor=value,...\")" },
};

SCHEMA_TABLE(link_table, "link", "a span link: exactly one of span, trace or trace_id + span_id",
	     link_keys);

static int parse_hex_id(struct schema_ctx *c, const struct ynode *v, const char *what,
			size_t nbytes, uint8_t *out)
{
	bool zero = true;

	if (v->len != nbytes * 2 || hex_decode(v->str, v->len, out, nbytes))
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be %zu hex digits", what,
				    nbytes * 2);
	for (size_t i = 0; i < nbytes; i++)
		if (out[i])
			zero = false;
	if (zero)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be all zeros", what);
	return 0;
}

static int parse_link(struct schema_ctx *c, const struct ynode *v, struct link_spec *l)
{
	struct native *ns = st(c);
	struct link_fill f;
	int rc, forms = 0;
	const struct ynode *second = NULL;
	const struct ynode *order[3];

	memset(&f, 0, sizeof(f));
	f.link = l;
	l->pos.file = c->file;
	l->pos.line = v->line;
	l->pos.col = v->col;
	if (v->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, v, "a link must be a mapping, not %s",
				    ynode_kind(v));
	rc = schema_walk(c, &link_table, v, &f);
	if (rc)
		return rc;
	order[0] = f.p.span;
	order[1] = f.p.trace;
	order[2] = f.p.trace_id ? f.p.trace_id : f.p.span_id;
	for (int i = 0; i < 3; i++) {
		if (!order[i])
			continue;
		if (forms++ && (!second || order[i]->line > second->line ||
				(order[i]->line == second->line && order[i]->col > second->col)))
			second = order[i];
	}
	if (!forms)
		return schema_error(
			c, OTELSIM_EINPUT, v,
			"a link needs one of 'span', 'trace' or 'trace_id' with 'span_id'");
	if (forms > 1)
		return schema_error(
			c, OTELSIM_EINPUT, second,
			"a link takes only one of 'span', 'trace' or 'trace_id' with 'span_id'");
	if (f.p.span) {
		l->kind = LINK_SPAN;
		if (!f.p.span->len)
			return schema_error(c, OTELSIM_EINPUT, f.p.span,
					    "'span' must not be empty");
		if (tmpl_has_expr(f.p.span->str, f.p.span->len))
			return schema_error(
				c, OTELSIM_EINPUT, f.p.span,
				"'span' names a span type as written: templates are not "
				"allowed here");
		l->span_name = vendor_rewrite(c->m, f.p.span->str, f.p.span->len, NULL);
		if (!l->span_name)
			return oom(c);
		return tree_note_link(c, &ns->tree, l->span_name, f.p.span);
	}
	if (f.p.trace) {
		l->kind = LINK_PREVIOUS_TRACE;
		return 0;
	}
	if (!f.p.trace_id)
		return schema_error(
			c, OTELSIM_EINPUT, v,
			"missing required key 'trace_id' (a link with 'span_id' needs it)");
	if (!f.p.span_id)
		return schema_error(
			c, OTELSIM_EINPUT, v,
			"missing required key 'span_id' (a link with 'trace_id' needs it)");
	l->kind = LINK_CONST;
	rc = parse_hex_id(c, f.p.trace_id, "trace_id", 16, l->trace_id);
	return rc ? rc : parse_hex_id(c, f.p.span_id, "span_id", 8, l->span_id);
}

/* ---- span ---- */

static const char *const kind_members[] = { "internal", "server",   "client",
					    "producer", "consumer", NULL };

static int fill_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct span_spec *s = obj;
	uint32_t len;

	int rc;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'type' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "span type longer than %d bytes",
				    LOAD_MAX_KEY);
	rc = value_name(c, v, &st(c)->env, &s->name, &len, &s->name_tmpl);
	if (!rc && c->m->semconv) {
		const struct sc_span *sp = semconv_span(c->m->semconv, s->name);

		/* the keys after `type` (error, attributes...) see its conventions */
		c->vendor_span = sp && sp->vendor;
	}
	return rc;
}

static int fill_kind(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	const char *s = v->str;

	(void)k;
	if (!strncasecmp(s, "SPAN_KIND_", 10))
		s += 10;
	for (int i = 0; kind_members[i]; i++) {
		if (!strcasecmp(s, kind_members[i])) {
			((struct span_spec *)obj)->kind = (uint8_t)(i + 1); /* OTLP: INTERNAL = 1 */
			return 0;
		}
	}
	return schema_enum_error(c, v, "kind", v->str, kind_members, 5);
}

static int fill_service(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct native *ns = st(c);
	const char *name;
	int rc;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'service' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "service name longer than %d bytes",
				    LOAD_MAX_KEY);
	if (tmpl_has_expr(v->str, v->len))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'service' is a fixed name (each service is a resource made "
				    "when the file loads): templates are not allowed here");
	rc = value_string(c, v, &name);
	if (rc)
		return rc;
	return tree_note_service(c, &ns->tree, obj, name);
}

static int fill_latency(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)k;
	return value_latency(c, v, &((struct span_spec *)obj)->latency);
}

static int fill_count(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)k;
	st(c)->count_node = v;
	return value_count(c, v, &((struct span_spec *)obj)->count);
}

/*
 * `error: {rate: 0.02}` without a type (as the earlier simulators wrote it):
 * on an agent span (vendor conventions, whose error.type is narrowed)
 * "unavailable" when they allow it, else their first value; elsewhere
 * NULL: the engine follows the span's conventions (an HTTP span's status
 * code, an RPC span's status, else "_OTHER"). Without conventions,
 * "unavailable".
 */
static const char *default_error_type(struct schema_ctx *c)
{
	const struct sc_attr *a = values_sc_attr(c, "error.type");

	if (a && a->type == SC_ENUM && a->closed) {
		for (size_t i = 0; i < a->nmembers; i++)
			if (!strcmp(a->members[i].value, "unavailable"))
				return "unavailable";
		return a->nmembers ? a->members[0].value : "_OTHER";
	}
	return a ? NULL : "unavailable";
}

static int fill_error(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;
	struct error_spec *e = ARENA_NEW(&c->m->arena, struct error_spec);
	int rc;

	(void)k;
	if (!e)
		return oom(c);
	e->pos.file = c->file;
	e->pos.line = v->line;
	e->pos.col = v->col;
	rc = schema_walk(c, &error_table, v, e);
	if (!rc && !e->type)
		e->type = default_error_type(c);
	s->errors = e;
	s->nerrors = 1;
	return rc;
}

static int fill_retry(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;
	struct retry_spec *r = &s->retry;
	int rc;

	(void)k;
	r->enabled = true;
	r->max_attempts = 3;
	r->backoff_base_ms = 100;
	r->backoff_multiplier = 2;
	r->backoff_jitter = 0.1;
	rc = schema_walk(c, &retry_table, v, r);
	if (rc)
		return rc;
	if (r->enabled && !r->error_type) {
		if (s->nerrors) {
			r->error_type = s->errors[0].type;
		} else {
			const struct sc_attr *a = values_sc_attr(c, "error.type");
			bool ok = !(a && a->type == SC_ENUM && a->closed);

			for (size_t i = 0; !ok && i < a->nmembers; i++)
				if (!strcmp(a->members[i].value, "timeout"))
					ok = true;
			if (!ok)
				return schema_error(c, OTELSIM_EINPUT, v,
						    "missing required key 'error_type' (the "
						    "conventions' error.type has no 'timeout')");
			r->error_type = "timeout";
		}
	}
	return 0;
}

static int fill_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;

	(void)k;
	return value_attrs(c, v, &st(c)->env, &s->attrs, &s->nattrs);
}

static int fill_events(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct span_spec *s = obj;
	int rc;

	(void)k;
	s->events = ARENA_NEWN(&c->m->arena, struct event_spec, v->n ? v->n : 1);
	if (!s->events)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct event_spec *e = &s->events[i];

		e->probability = 1;
		e->pos.file = c->file;
		e->pos.line = v->items[i]->line;
		e->pos.col = v->items[i]->col;
		if (v->items[i]->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, v->items[i],
					    "an event must be a mapping, not %s",
					    ynode_kind(v->items[i]));
		rc = schema_walk(c, &event_table, v->items[i], e);
		if (rc)
			return rc;
	}
	s->nevents = (uint32_t)v->n;
	return 0;
}

static int fill_logs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct span_spec *s = obj;
	int rc;

	(void)k;
	s->logs = ARENA_NEWN(&c->m->arena, struct log_spec, v->n ? v->n : 1);
	if (!s->logs)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct log_spec *l = &s->logs[i];

		l->severity = SEV_INFO;
		l->when = LOG_AT_START;
		l->pos.file = c->file;
		l->pos.line = v->items[i]->line;
		l->pos.col = v->items[i]->col;
		if (v->items[i]->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, v->items[i],
					    "a log must be a mapping, not %s",
					    ynode_kind(v->items[i]));
		rc = schema_walk(c, &log_table, v->items[i], l);
		if (rc)
			return rc;
	}
	s->nlogs = (uint32_t)v->n;
	return 0;
}

static int fill_links(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;
	int rc;

	(void)k;
	s->links = ARENA_NEWN(&c->m->arena, struct link_spec, v->n ? v->n : 1);
	if (!s->links)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		rc = parse_link(c, v->items[i], &s->links[i]);
		if (rc)
			return rc;
	}
	s->nlinks = (uint32_t)v->n;
	return 0;
}

static int parse_span(struct schema_ctx *c, const struct ynode *v, struct span_spec *s);

static int fill_children(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct span_spec *s = obj;
	struct native *ns = st(c);
	const struct ynode *count_node = ns->count_node;
	int rc;

	(void)k;
	s->children = ARENA_NEWN(&c->m->arena, struct span_spec, v->n ? v->n : 1);
	if (!s->children)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		if (ns->depth + 1 >= LOAD_MAX_SPAN_DEPTH)
			return schema_error(c, OTELSIM_ELIMIT, v->items[i],
					    "spans nested deeper than %d levels",
					    LOAD_MAX_SPAN_DEPTH);
		ns->depth++;
		rc = parse_span(c, v->items[i], &s->children[i]);
		ns->depth--;
		if (rc)
			return rc;
	}
	s->nchildren = (uint32_t)v->n;
	ns->count_node = count_node;
	return 0;
}

static const struct key_def span_keys[] = {
	{ "type", KT_STRING, KF_REQUIRED, NULL, NULL, fill_type, SCHEMA_NOFILL,
	  "the span's name: any dotted name (vendor.* is rewritten; may hold {{vars.x}})" },
	{ "kind", KT_STRING, 0, kind_members, NULL, fill_kind, SCHEMA_NOFILL,
	  "internal, server, client, producer or consumer (default: the conventions' kind for the "
	  "type, else server at the root and internal below)" },
	{ "service", KT_STRING, 0, NULL, NULL, fill_service, SCHEMA_NOFILL,
	  "service.name of this span and its descendants (each service is its own resource)" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct span_spec, description),
	  "free text for readers" },
	{ "trace_state", KT_STRING, 0, NULL, NULL, fill_trace_state, SCHEMA_NOFILL,
	  "the span's W3C tracestate (\"vendor=value,...\"), checked when the file loads" },
	{ "scope", KT_MAP, 0, NULL, NULL, fill_span_scope, SCHEMA_NOFILL,
	  "{name, version}: the instrumentation scope of this span (default: by its kind, see "
	  "the scopes table)" },
	{ "latency", KT_ANY, 0, NULL, NULL, fill_latency, SCHEMA_NOFILL,
	  "duration: ms, or {distribution: "
	  "log_normal|normal|uniform|exponential|constant|percentiles, ...} (default: the "
	  "config's)" },
	{ "probability", KT_PROB, 0, NULL, NULL, NULL, offsetof(struct span_spec, probability),
	  "chance the span (and its subtree) happens at all (default 1)" },
	{ "count", KT_ANY, 0, NULL, NULL, fill_count, SCHEMA_NOFILL,
	  "how many times: N, or {distribution: poisson (mean, max) | uniform (min, max) | fixed "
	  "(value)}" },
	{ "parallel", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct span_spec, parallel),
	  "children overlap (true) or run one after another with gaps (false, the default)" },
	{ "error", KT_MAP, 0, NULL, NULL, fill_error, SCHEMA_NOFILL,
	  "{rate, type, message, propagate}" },
	{ "retry", KT_MAP, 0, NULL, NULL, fill_retry, SCHEMA_NOFILL,
	  "{enabled, max_attempts, force_initial_failure, success_rate_per_attempt, backoff, "
	  "error_type}" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_attrs, SCHEMA_NOFILL,
	  "key: constant | \"{{template}}\" | {distribution: ...} | {choice: ...} | {value: ..., "
	  "type: ...}" },
	{ "events", KT_LIST, 0, NULL, NULL, fill_events, SCHEMA_NOFILL,
	  "span events: [{name, offset, probability, attributes, log}]" },
	{ "logs", KT_LIST, 0, NULL, NULL, fill_logs, SCHEMA_NOFILL,
	  "log records tied to the span: [{at, severity, body, attributes}]" },
	{ "links", KT_LIST, 0, NULL, NULL, fill_links, SCHEMA_NOFILL,
	  "span links: [{span: type} | {trace: previous} | {trace_id, span_id}] (+ attributes)" },
	{ "children", KT_LIST, 0, NULL, NULL, fill_children, SCHEMA_NOFILL,
	  "child spans (same keys)" },
};

SCHEMA_TABLE(span_table, "span", "one span of the tree (root and every child)", span_keys);

static int parse_span(struct schema_ctx *c, const struct ynode *v, struct span_spec *s)
{
	struct native *ns = st(c);
	int rc;

	memset(s, 0, sizeof(*s));
	s->probability = 1;
	s->count.kind = COUNT_FIXED;
	s->count.n = s->count.min = s->count.max = 1;
	s->service = -1;
	s->pos.file = c->file;
	s->pos.line = v->line;
	s->pos.col = v->col;
	if (v->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, v, "a span must be a mapping, not %s",
				    ynode_kind(v));
	ns->count_node = NULL;
	{
		const struct span_spec *span = ns->tree.cur_span, *parent = ns->tree.cur_parent;
		bool vendor = c->vendor_span;

		ns->tree.cur_parent = span;
		ns->tree.cur_span = s;
		c->vendor_span = false; /* until its `type` says */
		rc = schema_walk(c, &span_table, v, s);
		c->vendor_span = vendor;
		ns->tree.cur_span = span;
		ns->tree.cur_parent = parent;
	}
	if (rc)
		return rc;
	rc = tree_note_span(c, &ns->tree, s, ns->count_node ? ns->count_node : v);
	if (rc)
		return rc;
	if (!s->kind && c->m->semconv) {
		const struct sc_span *sp = semconv_span(c->m->semconv, s->name);

		if (sp && sp->kind > 0 && sp->kind <= 5)
			s->kind = (uint8_t)sp->kind;
	}
	return 0;
}

/* ---- scenario top level ---- */

static int fill_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;
	const char *s = v->str;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "scenario name must not be empty");
	if (v->len > LOAD_MAX_NAME)
		return schema_error(c, OTELSIM_ELIMIT, v, "scenario name longer than %d bytes",
				    LOAD_MAX_NAME);
	if (!strcmp(s, ".") || !strcmp(s, "..") || strstr(s, "../") || strstr(s, "..\\") ||
	    s[0] == '/' || s[0] == '\\')
		return schema_error(c, OTELSIM_EINPUT, v,
				    "scenario name '%s' would write outside --out", s);
	if (s[0] == '.')
		return schema_error(
			c, OTELSIM_EINPUT, v,
			"scenario name '%s' must not start with '.' (hidden folders are "
			"otelsim's temporary ones)",
			s);
	if (strchr(s, '/') || strchr(s, '\\'))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "scenario name '%s' is a path: a name is one folder name (the "
				    "file's folder under the scenarios folder gives its category)",
				    s);
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "scenario name '%s' may only hold letters, digits, "
					    "'_', '.' and '-'",
					    s);
	}
	sc->name = arena_strndup(&c->m->arena, s, v->len);
	sc->stream = rng_hash(s, v->len);
	return sc->name ? 0 : oom(c);
}

static int fill_tags(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;
	int rc;

	(void)k;
	sc->tags = ARENA_NEWN(&c->m->arena, const char *, v->n ? v->n : 1);
	if (!sc->tags)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *t = v->items[i];

		if (t->type != YN_SCALAR || !ynode_is_string(t) || !t->len)
			return schema_error(c, OTELSIM_EINPUT, t,
					    "a tag must be a non-empty string, not %s",
					    ynode_kind(t));
		if (t->len > LOAD_MAX_NAME)
			return schema_error(c, OTELSIM_ELIMIT, t, "tag longer than %d bytes",
					    LOAD_MAX_NAME);
		rc = value_string(c, t, &sc->tags[i]);
		if (rc)
			return rc;
	}
	sc->ntags = (uint32_t)v->n;
	return 0;
}

static int fill_repeat(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct scenario *sc = obj;
	int64_t i;

	(void)k;
	if (ynode_int(v, &i) || i < 0 || i > LOAD_MAX_REPEAT)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'repeat_count' must be between 0 and 1000000000000");
	sc->has_repeat_count = true;
	sc->repeat_count = i;
	return 0;
}

static int ms_to_ns(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		    int64_t *out)
{
	double ms;

	ynode_double(v, &ms);
	if (ms < 0)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be negative", k->key);
	if (ms > LOAD_MAX_MS)
		return schema_error(c, OTELSIM_ELIMIT, v,
				    "'%s' is too large (at most 31536000000 ms, one year)", k->key);
	*out = (int64_t)(ms * 1e6 + 0.5);
	return 0;
}

static int fill_interval(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct scenario *sc = obj;

	sc->has_interval = true;
	return ms_to_ns(c, k, v, &sc->interval_ns);
}

static int fill_jitter(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	return ms_to_ns(c, k, v, &((struct scenario *)obj)->interval_jitter_ns);
}

/* `duration: 10m` (util/workload.h): the scenario is time-based */
static int fill_duration(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct scenario *sc = obj;
	char msg[200];

	(void)k;
	if (workload_duration_parse(v->str, 0, &sc->workload.duration_ns, msg, sizeof(msg)))
		return schema_error(c, OTELSIM_EINPUT, v, "'duration': %s", msg);
	sc->workload.has_duration = true;
	return 0;
}

/* `rate: 20/s` */
static int fill_rate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;
	char msg[200];

	(void)k;
	if (workload_rate_parse(v->str, &sc->workload.rate_per_s, msg, sizeof(msg)))
		return schema_error(c, OTELSIM_EINPUT, v, "'rate': %s", msg);
	sc->workload.has_rate = true;
	return 0;
}

static const char *const arrivals_members[] = { "poisson", "uniform", NULL };

static int fill_arrivals(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct scenario *sc = obj;

	for (int i = 0; arrivals_members[i]; i++)
		if (!strcmp(v->str, arrivals_members[i])) {
			sc->workload.arrivals = (uint8_t)i;
			sc->workload.has_arrivals = true;
			return 0;
		}
	return schema_enum_error(c, v, k->key, v->str, arrivals_members, 2);
}

/* `dataset: incidents/outage`: relative folder names of [A-Za-z0-9_.-] parts */
static int fill_dataset(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct scenario *sc = obj;
	const char *s = v->str;
	size_t n = strlen(s);
	bool ok = n > 0 && n <= 256 && s[0] != '/' && s[n - 1] != '/';

	(void)k;
	for (size_t i = 0; ok && i < n; i++) {
		char ch = s[i];

		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		     ch == '_' || ch == '-' || (ch == '.' && i > 0 && s[i - 1] != '/' && s[i - 1] != '.') ||
		     (ch == '/' && s[i - 1] != '/');
	}
	if (!ok)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'dataset' is a relative folder like incidents/outage (parts of "
				    "letters, digits, '_', '-', '.'; no '..', no leading '/'), not '%s'",
				    s);
	return value_string(c, v, &sc->dataset);
}

static int fill_seed(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;
	int64_t i;
	int rc = ynode_int(v, &i);

	(void)k;
	if (rc == -2)
		return schema_error(c, OTELSIM_ELIMIT, v, "integer out of range for 'seed'");
	if (!rc && i < 0)
		return schema_error(c, OTELSIM_EINPUT, v, "'seed' must not be negative");
	if (!rc)
		sc->seed = (uint64_t)i;
	else if (ynode_is_string(v))
		sc->seed = rng_hash(v->str, v->len);
	else
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'seed' must be an integer or a string, not %s", ynode_kind(v));
	sc->has_seed = true;
	return 0;
}

static int fill_weight(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	double d;

	(void)k;
	ynode_double(v, &d);
	if (d > 1e9)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'workload_weight' is too large (at most 1000000000)");
	((struct scenario *)obj)->weight = d;
	return 0;
}

static int fill_vars(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	return value_vars(c, v, &st(c)->tree, obj, &st(c)->env);
}

/* scenario `resource: {replace, attributes}` */
static int fill_res_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct native *ns = obj;
	struct keyval *kv = NULL;
	int rc;

	(void)k;
	rc = value_const_attrs(c, v, &kv, &ns->tree.nres_attrs);
	ns->tree.res_attrs = kv;
	return rc;
}

static const struct key_def resource_keys[] = {
	{ "replace", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct native, tree.res_replace),
	  "true: leave out the config's resource and per-service attributes (service.name stays)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_res_attrs, SCHEMA_NOFILL,
	  "resource attributes of this scenario's services (constants; they win over the "
	  "config's)" },
};

SCHEMA_TABLE(resource_table, "scenario.resource",
	     "this scenario's resource attributes (a native extension)", resource_keys);

static int fill_resource(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)k;
	(void)obj;
	return schema_walk(c, &resource_table, v, st(c));
}

static int fill_root(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;

	(void)k;
	/* every trace has its one root: a chance or a repeat of it would be ignored */
	for (size_t i = 0; v->type == YN_MAP && i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key;

		if (key->type == YN_SCALAR &&
		    (!strcmp(key->str, "probability") || !strcmp(key->str, "count")))
			return schema_error(c, OTELSIM_EINPUT, key,
					    "'%s' does not apply to the root span: every trace "
					    "has exactly one root",
					    key->str);
	}
	sc->root = ARENA_NEW(&c->m->arena, struct span_spec);
	if (!sc->root)
		return oom(c);
	st(c)->depth = 0;
	return parse_span(c, v, sc->root);
}

/* seed 000's keys that build a tree: kept until the walk ends */
static int fill_wf(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		   void *obj)
{
	struct wf_input *w = &st(c)->wf;

	(void)obj;
	if (!strcmp(k->key, "data_plane"))
		w->data_plane = v;
	else if (!strcmp(k->key, "control_plane"))
		w->control_plane = v;
	else if (!strcmp(k->key, "simulation_goal")) {
		const char *const *goals = platform_goal_names();

		for (int i = 0; goals[i]; i++)
			if (!strcmp(goals[i], v->str)) {
				w->goal = v;
				return 0;
			}
		return schema_enum_error(c, v, "simulation goal", v->str, goals, 5);
	}
	else if (!strcmp(k->key, "realistic_overrides"))
		w->overrides = v;
	else
		w->correct_flow = v;
	return 0;
}

/* The built tree: one root, or a list of them (a trace draws one). */
static int built_roots(struct schema_ctx *c, const struct ynode *v, struct scenario *sc)
{
	int rc;

	if (v->type != YN_SEQ)
		return fill_root(c, NULL, v, sc);
	sc->root = ARENA_NEWN(&c->m->arena, struct span_spec, v->n);
	if (!sc->root)
		return oom(c);
	sc->nroots = (uint32_t)v->n;
	for (size_t i = 0; i < v->n; i++) {
		st(c)->depth = 0;
		if ((rc = parse_span(c, v->items[i], &sc->root[i])))
			return rc;
	}
	return 0;
}

/*
 * Without `root`: the tree workflow.c builds from data_plane/control_plane,
 * read like a written one (errors in it name "<file> (built from the
 * config)"). With `root`, those keys would build nothing: refused.
 */
static int built_root(struct schema_ctx *c, struct scenario *sc, const struct ynode *top)
{
	struct native *ns = st(c);
	struct wf_input *in = &ns->wf;
	struct wf_result res;
	struct strbuf sb = STRBUF_INIT;
	const struct ydoc *saved_doc = c->doc;
	const char *saved_file = c->file;
	char name[600];
	int rc;

	in->at = top;
	in->server = ns->session.server;
	in->context_workflow = ns->session.workflow ? ns->session.workflow->workflow : NULL;
	if (sc->root) {
		bool happy = in->goal && in->goal->type == YN_SCALAR &&
			     !strcmp(in->goal->str, "happy_path");
		const struct ynode *n = in->data_plane	  ? in->data_plane
					: in->control_plane ? in->control_plane
					: in->goal && !happy ? in->goal
					: in->overrides	  ? in->overrides
							  : in->correct_flow;

		if (!n)
			return 0;
		return schema_error(c, OTELSIM_EINPUT, n,
				    "the scenario gives its own 'root': data_plane, control_plane, "
				    "simulation_goal (but happy_path), realistic_overrides and "
				    "correct_flow build a tree only without one (remove one or the "
				    "other)");
	}
	if (!workflow_wanted(in) && !in->goal && !in->overrides && !in->correct_flow)
		return schema_error(c, OTELSIM_EINPUT, top, "missing required key 'root'");
	rc = workflow_root_json(c, in, &sb, &res);
	if (rc)
		goto out;
	snprintf(name, sizeof(name), "%s (built from the config)", c->file);
	rc = yaml_load_buffer(name, sb.buf, sb.len, NULL, &ns->gen, c->err);
	if (rc)
		goto out;
	ns->has_gen = true;
	c->doc = &ns->gen;
	c->file = arena_strdup(&c->m->arena, name);
	rc = c->file ? built_roots(c, ns->gen.root, sc) : oom(c);
	c->doc = saved_doc;
	c->file = saved_file;
	if (!rc) {
		workflow_apply(&res, sc->root, c->m->agent->mcp_type);
		/* seed 000's control plane records them as span events */
		if (res.exceptions && !ymap_get(top, "exceptions"))
			sc->exceptions = EXCEPTIONS_SPAN_EVENT;
	}
out:
	strbuf_release(&sb);
	return rc;
}

static const char *const redaction_members[] = { "none", "basic", "strict", NULL };

static int fill_exceptions(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)c, (void)k;
	for (int i = 0; exceptions_members[i]; i++)
		if (!strcmp(v->str, exceptions_members[i]))
			((struct scenario *)obj)->exceptions = (uint8_t)(EXCEPTIONS_SPAN_EVENT + i);
	return 0;
}

static int fill_context(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)k, (void)obj;
	return agent_fill_context(c, v, &st(c)->session);
}

static int fill_conversation(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	(void)k, (void)obj;
	return agent_fill_conversation(c, v, &st(c)->session);
}

/* the enum's index is enum redact_level (util/redact.h) */
static int fill_redaction(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct session_draft *d = &st(c)->session;

	(void)obj;
	for (int i = 0; redaction_members[i]; i++)
		if (!strcmp(v->str, redaction_members[i])) {
			d->redaction = i;
			d->redaction_at = v;
			return 0;
		}
	return schema_enum_error(c, v, k->key, v->str, redaction_members, 3);
}

static const struct key_def scenario_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_name, SCHEMA_NOFILL,
	  "unique name: 1..128 of [A-Za-z0-9_.-]; the dataset folder's name" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct scenario, description),
	  "what the scenario shows" },
	{ "tags", KT_LIST, 0, NULL, NULL, fill_tags, SCHEMA_NOFILL, "labels for --tags filtering" },
	{ "workload_weight", KT_NUMBER, 0, NULL, NULL, fill_weight, SCHEMA_NOFILL,
	  "relative weight in mixed runs (default 1, at most 10^9; <= 0: only runs by name)" },
	{ "repeat_count", KT_INT, KF_RANGE, NULL, NULL, fill_repeat, SCHEMA_NOFILL,
	  "traces when run alone without --count (default: the config's count)" },
	{ "interval_ms", KT_NUMBER, 0, NULL, NULL, fill_interval, SCHEMA_NOFILL,
	  "virtual time between trace starts (default: the config's)" },
	{ "interval_jitter_ms", KT_NUMBER, 0, NULL, NULL, fill_jitter, SCHEMA_NOFILL,
	  "each start moves later by up to this much (default 0)" },
	{ "duration", KT_SCALAR, 0, NULL, NULL, fill_duration, SCHEMA_NOFILL,
	  "time-based workload: how long traces arrive, in virtual time (30s, 10m, 1h, 1d; at "
	  "most 365d); needs `rate`, excludes repeat_count" },
	{ "rate", KT_SCALAR, 0, NULL, NULL, fill_rate, SCHEMA_NOFILL,
	  "time-based workload: traces per unit (20/s, 600/m, 3600/h)" },
	{ "arrivals", KT_ENUM, 0, arrivals_members, NULL, fill_arrivals, SCHEMA_NOFILL,
	  "time-based workload: poisson (default: random, exponential gaps) or uniform (evenly "
	  "spaced)" },
	{ "dataset", KT_STRING, 0, NULL, NULL, fill_dataset, SCHEMA_NOFILL,
	  "its dataset folder below --out (incidents/outage); default: its folder below the "
	  "scenarios dir, then its name" },
	{ "emit_metrics", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct scenario, emit_metrics),
	  "also write the metrics the conventions define for this scenario's spans "
	  "(http.server.request.duration, gen_ai.client.token.usage...) when it has no "
	  "`metrics:` rules" },
	{ "emit_logs", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct scenario, emit_logs),
	  "also write each span event as a log record tied to its span (an event's own `log:` "
	  "says otherwise)" },
	{ "exceptions", KT_ENUM, 0, exceptions_members, NULL, fill_exceptions, SCHEMA_NOFILL,
	  "where a failed span's exception is recorded: log (a log record, what the conventions "
	  "recommend), span_event (an `exception` span event, as older SDKs do) or both "
	  "(default: the config's defaults.exceptions, log)" },
	{ "seed", KT_SCALAR, 0, NULL, NULL, fill_seed, SCHEMA_NOFILL,
	  "this scenario's seed when --seed is not given (an integer, or a string that is "
	  "hashed)" },
	{ "vars", KT_MAP, 0, NULL, NULL, fill_vars, SCHEMA_NOFILL,
	  "values drawn once per trace, used as {{vars.name}} (same forms as attributes; later "
	  "vars may use earlier ones)" },
	{ "resource", KT_MAP, 0, NULL, NULL, fill_resource, SCHEMA_NOFILL,
	  "{replace, attributes}: resource attributes of this scenario's services" },
	{ "scopes", KT_MAP, 0, NULL, NULL, fill_scen_scopes, SCHEMA_NOFILL,
	  "instrumentation scopes of this scenario's spans by kind (see the scopes table), over "
	  "the config's" },
	{ "context", KT_MAP, 0, NULL, NULL, fill_context, SCHEMA_NOFILL,
	  "{tenant, agent, mcp_server, workflow} from the config: each iteration is an agent "
	  "session (session, tenant, user and request ids on every span)" },
	{ "redaction_applied", KT_ENUM, 0, redaction_members, NULL, fill_redaction, SCHEMA_NOFILL,
	  "none (default), basic or strict: LLM spans also carry gen_ai.input.redacted and "
	  "gen_ai.output.redacted" },
	{ "conversation", KT_MAP, 0, NULL, NULL, fill_conversation, SCHEMA_NOFILL,
	  "{turns (one trace each) | samples (one per session), turn_gap}: also makes each "
	  "iteration an agent session" },
	{ "data_plane", KT_MAP, 0, NULL, NULL, fill_wf, SCHEMA_NOFILL,
	  "{workflow, simulation_goal, control_plane_template, mcp_retry}: without `root`, the "
	  "tree is the config's workflow (realistic_scenarios.workflow_templates)" },
	{ "control_plane", KT_MAP, 0, NULL, NULL, fill_wf, SCHEMA_NOFILL,
	  "{template | request_outcome + block_reason}: a cp.request tree from the config's "
	  "control_plane templates" },
	{ "simulation_goal", KT_STRING, 0, NULL, NULL, fill_wf, SCHEMA_NOFILL,
	  "happy_path (default), 4xx_invalid_arguments, wrong_division, partial_workflow or "
	  "ungrounded_response" },
	{ "realistic_overrides", KT_MAP, 0, NULL, NULL, fill_wf, SCHEMA_NOFILL,
	  "{step_index_for_4xx, wrong_division_target, actual_steps, skip_steps}: fix what the "
	  "goal would choose" },
	{ "correct_flow", KT_MAP, 0, NULL, NULL, fill_wf, SCHEMA_NOFILL,
	  "{steps}: partial_workflow's full flow, which skip_steps shortens (default: the "
	  "workflow's)" },
	{ "root", KT_MAP, 0, NULL, NULL, fill_root, SCHEMA_NOFILL,
	  "the root span (see the span table); required unless data_plane or control_plane "
	  "builds the tree" },
	/* after root: the rules name its spans, attributes and services */
	{ "metrics", KT_LIST, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "metrics derived from the spans (see the metric_rule table)" },
	{ "series", KT_LIST, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "per-service gauges not tied to spans (see the metric_series table)" },
	{ "metric_interval", KT_SCALAR, 0, NULL, NULL, metrics_fill_interval, SCHEMA_NOFILL,
	  "virtual time per metric data point (10s, 500ms; default: --metric-interval, 10s)" },
	{ "phases", KT_LIST, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "changes over windows of the run: latency, errors, down, cascade, deployment, "
	  "traffic, spike, scattered_errors (see the phase table)" },
	{ "timeline", KT_LIST, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "events at virtual times of the run, written to events.* (see the timeline table)" },
};

SCHEMA_TABLE(scenario_table, "scenario", "a native scenario file's top level", scenario_keys);

const struct key_table *const native_key_tables[] = {
	&scenario_table, &resource_table, &span_table, &error_table, &retry_table,
	&backoff_table,  &event_table,    &log_table,  &link_table, &timeline_table, &phase_table,
	NULL
};

/* A scenario is count-based (repeat_count) or time-based (duration), never both. */
static int check_workload(struct schema_ctx *c, const struct scenario *sc,
			  const struct ynode *root)
{
	const struct ynode *d = schema_get(&scenario_table, root, "duration");
	const struct ynode *r = schema_get(&scenario_table, root, "rate");
	const struct ynode *a = schema_get(&scenario_table, root, "arrivals");

	if (d && schema_get(&scenario_table, root, "repeat_count"))
		return schema_error(c, OTELSIM_EINPUT, d,
				    "a scenario runs 'repeat_count' traces or for a 'duration', "
				    "not both (remove one)");
	if (r && !d)
		return schema_error(c, OTELSIM_EINPUT, r,
				    "'rate' needs a 'duration' (how long the traffic runs, like 10m)");
	if (a && !d)
		return schema_error(c, OTELSIM_EINPUT, a,
				    "'arrivals' needs a 'duration' and a 'rate' (a time-based "
				    "workload)");
	if (d && !r)
		return schema_error(c, OTELSIM_EINPUT, d,
				    "'duration' needs a 'rate' (how many traces arrive per unit, like "
				    "20/s)");
	(void)sc;
	return 0;
}

int native_load(struct load_state *ls, const struct load_file *f)
{
	const struct ydoc *doc = f->doc;
	struct scenario *sc;
	struct native ns;
	struct schema_ctx c;
	const struct ynode *mv;
	int rc;

	memset(&ns, 0, sizeof(ns));
	memset(&c, 0, sizeof(c));
	c.m = ls->m;
	c.doc = doc;
	c.err = ls->err;
	c.state = &ns;
	c.file = f->path;
	if (doc->ndocs > 1)
		return error_at(
			ls->err, OTELSIM_EINPUT, doc->file, doc->starts[1].line, doc->starts[1].col,
			"more than one YAML document in the file (remove the second '---')");
	if (doc->root && doc->root->type == YN_SEQ)
		return schema_error(&c, OTELSIM_EINPUT, doc->root,
				    "a native scenario file holds one scenario (a mapping), not a "
				    "list");
	rc = load_scenario_new(ls, f, &sc);
	if (rc)
		return rc;
	ns.ls = ls;
	ns.sc = sc;
	ns.env.note = tree_note_tmpl;
	ns.env.note_arg = &ns.tree;
	sc->dialect = DIALECT_NATIVE;
	sc->exceptions = ls->m->config.default_exceptions;
	rc = schema_walk(&c, &scenario_table, doc->root, sc);
	if (!rc)
		rc = check_workload(&c, sc, doc->root);
	if (rc)
		goto cleanup;
	rc = built_root(&c, sc, doc->root);
	if (!rc)
		rc = tree_check(&c, &ns.tree, ls, sc);
	if (!rc)
		rc = agent_session_finish(&c, sc, &ns.session);
	/* the metrics name the tree's spans and services: once it is complete */
	if (!rc && (mv = schema_get(&scenario_table, doc->root, "metrics")))
		rc = metrics_fill_rules(&c, NULL, mv, sc);
	if (!rc && (mv = schema_get(&scenario_table, doc->root, "series")))
		rc = metrics_fill_series(&c, NULL, mv, sc);
	if (!rc && (mv = schema_get(&scenario_table, doc->root, "timeline")))
		rc = timeline_fill(&c, ls, mv, sc);
	if (!rc && (mv = schema_get(&scenario_table, doc->root, "phases")))
		rc = phases_fill(&c, ls, mv, sc);
	if (!rc)
		rc = metrics_defaults(&c, sc);
	if (!rc && !schema_get(&scenario_table, doc->root, "metrics"))
		rc = agent_metrics_defaults(&c, sc);
	if (!rc)
		rc = conventions_fill(&c, sc);
	if (!rc)
		rc = load_scenario_add(ls, sc, doc, schema_get(&scenario_table, doc->root, "name"),
				       NULL);
cleanup:
	tree_refs_release(&ns.tree);
	if (ns.has_gen)
		ydoc_release(&ns.gen);
	return rc;
}
