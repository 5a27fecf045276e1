/*
 * The Dreamweaver dialect (seed 004): a config read as it is, lowered to
 * model/model.h as one scenario named after the file's stem.
 *
 * The config describes a system: `templates` (what a kind of service emits:
 * traces, metrics, logs), `services` (instances of a template and the
 * services each calls, `downstream`), a `workload` (rate, duration), the
 * `seed` string and the `output` (endpoint, batch_size) `--send` uses.
 *
 * The graph's five rules, checked in this order once the file is read, each
 * at the offending node: service names unique ("duplicate service name"), a
 * `type` that names a template, a `downstream` that names a service, no
 * cycle (the message names the services on it), at least one entry point
 * (a service no other calls). Then the worst-case trace (every service once
 * per path, as the graph unrolls into a tree) must stay within
 * --max-spans-per-trace, reported at the entry point's name.
 *
 * Lowering. Each entry point is one root of the scenario (scenario.nroots):
 * a request starts at one of them, picked uniformly. A service's span has
 * its template's kind and one of its operations (picked per span), its own
 * time uniform in [50%, 200%] of base_duration_ms, then it calls each of its
 * downstream services once, in order (span_spec.latency_first: the span
 * lasts its own time plus its calls). Where the kinds call for it, the
 * caller gets a span of its own for the call: a CLIENT span (named after the
 * callee) before a SERVER callee, a PRODUCER span ("publish <callee>")
 * before a CONSUMER callee; a producer's downstream server or consumer is a
 * CONSUMER span without one. A template without `traces` gives INTERNAL
 * spans named after the service. error_rate fails the span like an
 * exception (ERR_RAISE): its calls are not made and every caller fails with
 * it (the callee's error is the caller's), error.type _OTHER, no exception
 * records (the dialect has none).
 *
 * Metrics: a counter counts the service's spans (+1 per request, integer
 * sum); a histogram records the span's duration (in the metric's unit: s,
 * ms, us, ns or min; any other unit, "" included, in ms; a name without
 * "duration" is warned about), with the conventions' buckets for that name,
 * else http.server.request.duration's, scaled to the unit; a gauge is a
 * series per service (model/metric.h) whose level comes from its name:
 * active requests (Little's law: the service's arrival rate times its mean
 * span duration), memory (256 MiB in bytes), cpu (0.35, or 35 with unit
 * "%"), connections (20), queue depth (5), else 50.
 *
 * Logs: each `logs` entry is one record per span of the service, at its
 * start (trace, debug, info) or end (warn, error, fatal), its body one of
 * the patterns (log_spec.bodies) with the dialect's placeholders {ip},
 * {duration} (1..500), {error} (one of a fixed list), {user_id}
 * (1000..9999), {request_id} (16 hex digits). Any other {name} is an
 * error; other braces are text.
 *
 * The seed string is hashed with SHA3-256 (libcrypto); the run's seed is
 * its first 8 bytes, little-endian.
 */
#include <math.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/loader.h"
#include "model/semconv.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"

#define DW_MAX_SERVICES  1000
#define DW_MAX_TEMPLATES 1000
#define DW_MAX_LIST      10000 /* operations, patterns, metrics, logs, downstream */
#define DW_MAX_DEPTH     64    /* nested spans of a trace */

struct dw_metric {
	const char *name, *unit;
	int type; /* index into metric_types */
	const struct ynode *at;
};

struct dw_log {
	struct tmpl **bodies;
	uint32_t nbodies;
	int severity; /* index into severities */
	bool has_severity;
};

struct dw_template {
	const char *name;
	const struct ynode *at;
	bool has_traces;
	int kind; /* index into span_kinds */
	const char **ops;
	uint32_t nops;
	double error_rate;
	int64_t base_ms;
	struct dw_metric *metrics;
	uint32_t nmetrics;
	struct dw_log *logs;
	uint32_t nlogs;
};

struct dw_service {
	const char *name, *type;
	const struct ynode *at, *name_at, *type_at;
	const struct ynode **down_at;
	const char **down;
	uint32_t ndown;
	uint32_t *edges; /* indices of down[] */
	int tmpl;        /* index into templates */
	bool called, by_producer;
	int32_t resource;
	uint8_t mark; /* cycle search: 0 new, 1 on the path, 2 done */
	bool memo;
	uint64_t worst, depth;
	double mean_ms, visits;
};

struct dw {
	struct load_state *ls;
	struct schema_ctx *c;
	struct scenario *sc;
	struct dw_template *t;
	uint32_t nt;
	struct dw_service *s;
	uint32_t ns;
	const struct ynode *services_at;
	const char *seed;
	size_t seed_len;
	double rate;     /* requests per second */
	double duration; /* seconds */
	const struct ynode *rate_at, *duration_at;
	const char *endpoint;
	int64_t batch;
};

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

static const char *const span_kinds[] = { "server", "client", "producer", "consumer", "internal",
					  NULL };
static const uint8_t otlp_kinds[] = { 2, 3, 4, 5, 1 }; /* OTLP SpanKind of each */
enum { K_INTERNAL = 1, K_SERVER = 2, K_CLIENT = 3, K_PRODUCER = 4, K_CONSUMER = 5 };
static const char *const metric_types[] = { "counter", "gauge", "histogram", NULL };
enum { MT_COUNTER = 0, MT_GAUGE, MT_HISTOGRAM };
static const char *const severities[] = { "trace", "debug", "info", "warn", "error", "fatal", NULL };
static const uint8_t severity_numbers[] = { SEV_TRACE, SEV_DEBUG, SEV_INFO,
					    SEV_WARN,  SEV_ERROR, SEV_FATAL };

/* ---- strings and lists ---------------------------------------------------------- */

static int nonempty_string(struct schema_ctx *c, const struct ynode *v, const char *what,
			   const char **out)
{
	if (v->type != YN_SCALAR || !ynode_is_string(v))
		return schema_error(c, OTELSIM_EINPUT, v, "%s must be a string, not %s", what,
				    ynode_kind(v));
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "%s must not be empty", what);
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "%s longer than %d bytes", what,
				    LOAD_MAX_KEY);
	return value_string(c, v, out);
}

static int check_list(struct schema_ctx *c, const struct ynode *v, const char *key, bool nonempty)
{
	if (v->n > DW_MAX_LIST)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d items in '%s'", DW_MAX_LIST,
				    key);
	if (nonempty && !v->n)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' needs at least one item", key);
	return 0;
}

/* ---- placeholders: a pattern into a template -------------------------------------- */

static const struct tmpl_str dw_errors[] = {
	{ "Connection timeout", 18 },    { "Connection refused", 18 },
	{ "Internal server error", 21 }, { "Service unavailable", 19 },
	{ "Deadline exceeded", 17 },     { "Resource exhausted", 18 },
	{ "Permission denied", 17 },     { "Not found", 9 },
};
#define DW_NERRORS (sizeof(dw_errors) / sizeof(dw_errors[0]))

static bool ident_char(char ch, bool first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* The length of a {name} at s[i] (0: not one), the name at s+i+1. */
static size_t placeholder_at(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;

	if (s[i] != '{' || j >= len || !ident_char(s[j], true))
		return 0;
	while (j < len && ident_char(s[j], false))
		j++;
	return j < len && s[j] == '}' ? j + 1 - i : 0;
}

/* A placeholder's part; false when the name is not one of the five. */
static bool placeholder_part(const char *name, size_t n, struct tmpl_part *p)
{
	memset(p, 0, sizeof(*p));
	if (n == 2 && !memcmp(name, "ip", 2)) {
		p->kind = TP_IPV4;
	} else if (n == 8 && !memcmp(name, "duration", 8)) {
		p->kind = TP_INT;
		p->lo = 1;
		p->hi = 500;
	} else if (n == 5 && !memcmp(name, "error", 5)) {
		p->kind = TP_CHOICE;
		p->choices = dw_errors;
		p->n = (uint32_t)DW_NERRORS;
	} else if (n == 7 && !memcmp(name, "user_id", 7)) {
		p->kind = TP_INT;
		p->lo = 1000;
		p->hi = 9999;
	} else if (n == 10 && !memcmp(name, "request_id", 10)) {
		p->kind = TP_HEX;
		p->n = 16;
	} else {
		return false;
	}
	return true;
}

static size_t part_max(const struct tmpl_part *p)
{
	size_t m = 0;

	switch (p->kind) {
	case TP_LIT:
	case TP_HEX:
		return p->n;
	case TP_INT:
		return 20;
	case TP_IPV4:
		return 15;
	case TP_CHOICE:
		for (uint32_t k = 0; k < p->n; k++)
			m = p->choices[k].len > m ? p->choices[k].len : m;
		return m;
	default:
		return 0;
	}
}

static int add_literal(struct schema_ctx *c, struct tmpl *t, const char *s, size_t n)
{
	struct tmpl_part *p = &t->parts[t->nparts];

	if (!n)
		return 0;
	memset(p, 0, sizeof(*p));
	p->kind = TP_LIT;
	p->n = (uint32_t)n;
	if (!(p->s = arena_strndup(&c->m->arena, s, n)))
		return oom(c);
	t->nparts++;
	return 0;
}

static int pattern_error(struct schema_ctx *c, const struct ynode *v, size_t off, size_t n)
{
	int line, col;

	ynode_offset_pos(c->doc, v, off, &line, &col);
	return error_at(c->err, OTELSIM_EINPUT, c->doc->file, line, col,
			"unknown placeholder '%.*s' (expected {ip}, {duration}, {error}, "
			"{user_id} or {request_id})",
			(int)(n > 64 ? 64 : n), v->str + off);
}

static int compile_pattern(struct schema_ctx *c, const struct ynode *v, struct tmpl **out)
{
	const char *s = v->str;
	size_t len = v->len, lit = 0, i = 0;
	struct tmpl *t = ARENA_NEW(&c->m->arena, struct tmpl);

	if (!t || !(t->parts = ARENA_NEWN(&c->m->arena, struct tmpl_part, len + 1)))
		return oom(c);
	while (i < len) {
		size_t n = placeholder_at(s, len, i);
		struct tmpl_part p;

		if (!n) {
			i++;
			continue;
		}
		if (!placeholder_part(s + i + 1, n - 2, &p))
			return pattern_error(c, v, i, n);
		if (add_literal(c, t, s + lit, i - lit))
			return c->err->code;
		p.off = (uint32_t)i;
		t->parts[t->nparts++] = p;
		i += n;
		lit = i;
	}
	if (add_literal(c, t, s + lit, len - lit))
		return c->err->code;
	for (uint32_t k = 0; k < t->nparts; k++)
		t->fixed_max += part_max(&t->parts[k]);
	t->lone = t->nparts == 1 && t->parts[0].kind != TP_LIT;
	t->natural = t->lone && t->parts[0].kind == TP_INT ? VAL_INT : VAL_STRING;
	*out = t;
	return 0;
}

/* ---- templates ----------------------------------------------------------------- */

static int fill_ops(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	struct dw_template *t = obj;
	int rc = check_list(c, v, k->key, true);

	if (rc)
		return rc;
	if (!(t->ops = ARENA_NEWN(&c->m->arena, const char *, v->n)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++)
		if ((rc = nonempty_string(c, v->items[i], "an operation", &t->ops[i])))
			return rc;
	t->nops = (uint32_t)v->n;
	return 0;
}

static int fill_error_rate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	double d;
	char buf[32];

	(void)k;
	ynode_double(v, &d);
	if (!(d >= 0 && d <= 1)) {
		buf[fmt_double(buf, d)] = '\0';
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'error_rate' must be between 0.0 and 1.0 (got %s)", buf);
	}
	((struct dw_template *)obj)->error_rate = d;
	return 0;
}

static int fill_base(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	int64_t ms;

	(void)k;
	if (ynode_int(v, &ms) || ms < 0)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'base_duration_ms' must be a whole number of milliseconds, "
				    "0 or more");
	if (ms > (int64_t)(LOAD_MAX_MS / 2))
		return schema_error(c, OTELSIM_ELIMIT, v,
				    "'base_duration_ms' is too large (at most %lld: twice it must "
				    "stay within a year)",
				    (long long)(LOAD_MAX_MS / 2));
	((struct dw_template *)obj)->base_ms = ms;
	return 0;
}

static const struct key_def traces_keys[] = {
	{ "span_kind", KT_ENUM, KF_REQUIRED, span_kinds, NULL, NULL,
	  offsetof(struct dw_template, kind),
	  "server, client, producer, consumer or internal: the kind of the service's spans" },
	{ "operations", KT_LIST, KF_REQUIRED, NULL, NULL, fill_ops, SCHEMA_NOFILL,
	  "span names, one picked at random per span" },
	{ "error_rate", KT_NUMBER, 0, NULL, NULL, fill_error_rate, SCHEMA_NOFILL,
	  "0.0..1.0: the chance a span fails (default 0.0); its callers fail with it" },
	{ "base_duration_ms", KT_INT, 0, NULL, NULL, fill_base, SCHEMA_NOFILL,
	  "milliseconds (default 50): a span's own time is 50%..200% of it, uniform" },
};

SCHEMA_TABLE(traces_table, "dreamweaver.traces", "a Dreamweaver template's spans", traces_keys);

static int fill_traces(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct dw_template *t = obj;

	(void)k;
	t->has_traces = true;
	return schema_walk(c, &traces_table, v, t);
}

static const struct key_def metric_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, NULL, offsetof(struct dw_metric, name),
	  "the metric's name" },
	{ "type", KT_ENUM, KF_REQUIRED, metric_types, NULL, NULL, offsetof(struct dw_metric, type),
	  "counter (+1 per request), gauge (a value from the name) or histogram (the request "
	  "duration)" },
	{ "unit", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct dw_metric, unit),
	  "the unit (default \"\"); a histogram's durations are in it (s, ms, us, ns, min; "
	  "else ms)" },
};

SCHEMA_TABLE(metric_table, "dreamweaver.metric", "a metric of a Dreamweaver template", metric_keys);

static int map_item(struct schema_ctx *c, const struct ynode *it, const char *what)
{
	if (it->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, it, "%s must be a mapping, not %s", what,
				    ynode_kind(it));
	return 0;
}

static int fill_metrics(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct dw_template *t = obj;
	int rc = check_list(c, v, k->key, false);

	if (rc)
		return rc;
	if (!(t->metrics = ARENA_NEWN(&c->m->arena, struct dw_metric, v->n + 1)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct dw_metric *m = &t->metrics[i];

		m->at = v->items[i];
		if ((rc = map_item(c, m->at, "a metric")) ||
		    (rc = schema_walk(c, &metric_table, m->at, m)))
			return rc;
		if (!m->name[0])
			return schema_error(c, OTELSIM_EINPUT, schema_get(&metric_table, m->at, "name"),
					    "a metric's 'name' must not be empty");
	}
	t->nmetrics = (uint32_t)v->n;
	return 0;
}

static int fill_patterns(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct dw_log *l = obj;
	int rc = check_list(c, v, k->key, true);

	if (rc)
		return rc;
	if (!(l->bodies = ARENA_NEWN(&c->m->arena, struct tmpl *, v->n)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (it->type != YN_SCALAR || !ynode_is_string(it))
			return schema_error(c, OTELSIM_EINPUT, it, "a pattern must be a string, not %s",
					    ynode_kind(it));
		if (it->len > LOAD_MAX_STRING)
			return schema_error(c, OTELSIM_ELIMIT, it, "pattern longer than %d bytes",
					    LOAD_MAX_STRING);
		if ((rc = compile_pattern(c, it, &l->bodies[i])))
			return rc;
	}
	l->nbodies = (uint32_t)v->n;
	return 0;
}

static const struct key_def log_keys[] = {
	{ "patterns", KT_LIST, KF_REQUIRED, NULL, NULL, fill_patterns, SCHEMA_NOFILL,
	  "log bodies, one picked per record; placeholders {ip}, {duration}, {error}, "
	  "{user_id}, {request_id}" },
	{ "severity", KT_ENUM, 0, severities, NULL, NULL, offsetof(struct dw_log, severity),
	  "trace, debug, info (the default), warn, error or fatal" },
};

SCHEMA_TABLE(log_table, "dreamweaver.log", "a log of a Dreamweaver template", log_keys);

static int fill_logs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct dw_template *t = obj;
	int rc = check_list(c, v, k->key, false);

	if (rc)
		return rc;
	if (!(t->logs = ARENA_NEWN(&c->m->arena, struct dw_log, v->n + 1)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct dw_log *l = &t->logs[i];

		l->severity = 2; /* info */
		if ((rc = map_item(c, v->items[i], "a log")) ||
		    (rc = schema_walk(c, &log_table, v->items[i], l)))
			return rc;
	}
	t->nlogs = (uint32_t)v->n;
	return 0;
}

static const struct key_def template_keys[] = {
	{ "traces", KT_MAP, 0, NULL, NULL, fill_traces, SCHEMA_NOFILL,
	  "span_kind, operations, error_rate, base_duration_ms (none: INTERNAL spans named "
	  "after the service)" },
	{ "metrics", KT_LIST, 0, NULL, NULL, fill_metrics, SCHEMA_NOFILL,
	  "[{name, type, unit}]: metrics of each service of this type" },
	{ "logs", KT_LIST, 0, NULL, NULL, fill_logs, SCHEMA_NOFILL,
	  "[{patterns, severity}]: a record per span for each" },
};

SCHEMA_TABLE(template_table, "dreamweaver.template",
	     "a Dreamweaver service template: what a type of service emits", template_keys);

static int fill_templates(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct dw *d = obj;
	int rc;

	(void)k;
	if (v->n > DW_MAX_TEMPLATES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d templates",
				    DW_MAX_TEMPLATES);
	if (!(d->t = ARENA_NEWN(&c->m->arena, struct dw_template, v->n + 1)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct dw_template *t = &d->t[i];
		const struct ynode *body = v->pairs[i].value;

		t->base_ms = 50;
		t->at = v->pairs[i].key;
		if ((rc = nonempty_string(c, t->at, "a template name", &t->name)))
			return rc;
		if (ynode_is_null(body))
			continue; /* a template that emits nothing of its own */
		if ((rc = map_item(c, body, "a template")) ||
		    (rc = schema_walk(c, &template_table, body, t)))
			return rc;
	}
	d->nt = (uint32_t)v->n;
	return 0;
}

/* ---- services ------------------------------------------------------------------- */

static int fill_down(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct dw_service *s = obj;
	int rc = check_list(c, v, k->key, false);

	if (rc)
		return rc;
	s->down = ARENA_NEWN(&c->m->arena, const char *, v->n + 1);
	s->down_at = ARENA_NEWN(&c->m->arena, const struct ynode *, v->n + 1);
	s->edges = ARENA_NEWN(&c->m->arena, uint32_t, v->n + 1);
	if (!s->down || !s->down_at || !s->edges)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		s->down_at[i] = v->items[i];
		if ((rc = nonempty_string(c, v->items[i], "a downstream service", &s->down[i])))
			return rc;
	}
	s->ndown = (uint32_t)v->n;
	return 0;
}

static int fill_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	return nonempty_string(c, v, "a service name", &((struct dw_service *)obj)->name);
}

static int fill_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	return nonempty_string(c, v, "a service type", &((struct dw_service *)obj)->type);
}

static const struct key_def service_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_name, SCHEMA_NOFILL,
	  "the service's name (service.name), unique" },
	{ "type", KT_STRING, KF_REQUIRED, NULL, NULL, fill_type, SCHEMA_NOFILL,
	  "the template it is an instance of" },
	{ "downstream", KT_LIST, 0, NULL, NULL, fill_down, SCHEMA_NOFILL,
	  "the services it calls, once each per request, in order (default [])" },
};

SCHEMA_TABLE(service_table, "dreamweaver.service", "a Dreamweaver service instance",
	     service_keys);

static int fill_services(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct dw *d = obj;
	int rc;

	(void)k;
	d->services_at = v;
	if (v->n > DW_MAX_SERVICES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d services", DW_MAX_SERVICES);
	if (!(d->s = ARENA_NEWN(&c->m->arena, struct dw_service, v->n + 1)))
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct dw_service *s = &d->s[i];

		s->at = v->items[i];
		if ((rc = map_item(c, s->at, "a service")) ||
		    (rc = schema_walk(c, &service_table, s->at, s)))
			return rc;
		s->name_at = schema_get(&service_table, s->at, "name");
		s->type_at = schema_get(&service_table, s->at, "type");
	}
	d->ns = (uint32_t)v->n;
	return 0;
}

/* ---- workload and output ------------------------------------------------------------ */

/* The leading number of s (digits, at most one '.'); its length (0: none). */
static size_t leading_number(const char *s, double *out)
{
	size_t i = 0, dots = 0;
	char buf[64];

	while ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !dots++))
		i++;
	if (!i || i >= sizeof(buf) || (i == 1 && s[0] == '.'))
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	*out = strtod(buf, NULL);
	return i;
}

static const struct {
	const char *name;
	double secs;
} duration_units[] = {
	{ "s", 1 },      { "sec", 1 },     { "secs", 1 },     { "m", 60 },        { "min", 60 },
	{ "mins", 60 },  { "h", 3600 },    { "hr", 3600 },    { "hrs", 3600 },    { "hour", 3600 },
	{ "hours", 3600 }, { "d", 86400 }, { "day", 86400 },  { "days", 86400 },
};

static int fill_rate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct dw *d = obj;
	double n = 0;
	size_t i = leading_number(v->str, &n);
	const char *u = v->str + i;

	(void)k;
	d->rate_at = v;
	if (!i || u[0] != '/' || (strcmp(u, "/s") && strcmp(u, "/m") && strcmp(u, "/h")))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'rate' must be <count>/<unit> with unit s, m or h (like "
				    "100/s), not '%.100s'",
				    v->str);
	if (!(n > 0))
		return schema_error(c, OTELSIM_EINPUT, v, "'rate' must be more than 0 (got '%s')",
				    v->str);
	d->rate = n / (u[1] == 's' ? 1 : u[1] == 'm' ? 60 : 3600);
	if (d->rate > 1e9)
		return schema_error(c, OTELSIM_ELIMIT, v,
				    "'rate' is too high (at most 1000000000/s)");
	return 0;
}

static int fill_duration(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct dw *d = obj;
	double n = 0;
	size_t i = leading_number(v->str, &n);

	(void)k;
	d->duration_at = v;
	for (size_t u = 0; i && u < sizeof(duration_units) / sizeof(duration_units[0]); u++) {
		if (strcmp(v->str + i, duration_units[u].name))
			continue;
		d->duration = n * duration_units[u].secs;
		if (!(d->duration > 0))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'duration' must be more than 0 (got '%s')", v->str);
		if (d->duration * 1000 > LOAD_MAX_MS)
			return schema_error(c, OTELSIM_ELIMIT, v,
					    "'duration' '%.100s' is too long (at most 365 days)",
					    v->str);
		return 0;
	}
	return schema_error(c, OTELSIM_EINPUT, v,
			    "'duration' must be <number><unit> with unit s, m, h or d (or sec, "
			    "min, hr, hour, day...; like 5m), not '%.100s'",
			    v->str);
}

static const struct key_def workload_keys[] = {
	{ "rate", KT_SCALAR, KF_REQUIRED, NULL, NULL, fill_rate, SCHEMA_NOFILL,
	  "requests per time unit: N/s, N/m or N/h" },
	{ "duration", KT_SCALAR, KF_REQUIRED, NULL, NULL, fill_duration, SCHEMA_NOFILL,
	  "how long to run: <number><unit>, units s/sec/secs, m/min/mins, h/hr/hrs/hour/hours, "
	  "d/day/days" },
};

SCHEMA_TABLE(workload_table, "dreamweaver.workload", "a Dreamweaver workload: rate and duration",
	     workload_keys);

static int fill_workload(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)k;
	return schema_walk(c, &workload_table, v, obj);
}

static int fill_endpoint(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'endpoint' must not be empty");
	if (v->len > 2048)
		return schema_error(c, OTELSIM_ELIMIT, v, "'endpoint' longer than 2048 bytes");
	return value_string(c, v, &((struct dw *)obj)->endpoint);
}

static int fill_batch(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	int64_t n;

	(void)k;
	if (ynode_int(v, &n) || n < 1 || n > 1000000)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'batch_size' must be a whole number from 1 to 1000000");
	((struct dw *)obj)->batch = n;
	return 0;
}

static const struct key_def output_keys[] = {
	{ "endpoint", KT_STRING, KF_REQUIRED, NULL, NULL, fill_endpoint, SCHEMA_NOFILL,
	  "the OTLP/gRPC endpoint --send uses: grpc://h:p, http://h:p, h:p (clear text) or "
	  "https://h:p" },
	{ "batch_size", KT_INT, 0, NULL, NULL, fill_batch, SCHEMA_NOFILL,
	  "requests per export (default 100)" },
};

SCHEMA_TABLE(output_table, "dreamweaver.output", "where a Dreamweaver config sends",
	     output_keys);

static int fill_output(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	(void)k;
	return schema_walk(c, &output_table, v, obj);
}

static int fill_seed(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct dw *d = obj;

	(void)k;
	if (v->len > LOAD_MAX_STRING)
		return schema_error(c, OTELSIM_ELIMIT, v, "seed longer than %d bytes",
				    LOAD_MAX_STRING);
	d->seed = v->str;
	d->seed_len = v->len;
	return 0;
}

static const struct key_def top_keys[] = {
	{ "seed", KT_SCALAR, KF_REQUIRED, NULL, NULL, fill_seed, SCHEMA_NOFILL,
	  "any string: hashed with SHA3-256 into the run's seed (same string, same bytes)" },
	{ "templates", KT_MAP, KF_REQUIRED, NULL, NULL, fill_templates, SCHEMA_NOFILL,
	  "name: {traces, metrics, logs}: what each type of service emits" },
	{ "services", KT_LIST, KF_REQUIRED, NULL, NULL, fill_services, SCHEMA_NOFILL,
	  "[{name, type, downstream}]: the system's services and whom they call" },
	{ "workload", KT_MAP, KF_REQUIRED, NULL, NULL, fill_workload, SCHEMA_NOFILL,
	  "rate and duration of the requests" },
	{ "output", KT_MAP, KF_REQUIRED, NULL, NULL, fill_output, SCHEMA_NOFILL,
	  "endpoint and batch_size for --send" },
};

SCHEMA_TABLE(top_table, "dreamweaver", "a Dreamweaver config (seed 004) at its top level",
	     top_keys);

const struct key_table *const dreamweaver_key_tables[] = {
	&top_table,    &traces_table,   &metric_table, &log_table, &template_table,
	&service_table, &workload_table, &output_table, NULL
};

/* ---- the graph's rules ------------------------------------------------------------- */

static int find_service(const struct dw *d, const char *name, uint32_t below)
{
	for (uint32_t i = 0; i < below; i++)
		if (!strcmp(d->s[i].name, name))
			return (int)i;
	return -1;
}

/* "(did you mean 'x'?)" or "(not one of: a, b, ...)" into buf. */
static const char *unknown_hint(char *buf, size_t cap, const char *word, const char *const *names,
				size_t n, const char *what)
{
	const char *best = suggest(word, names, n);
	size_t used;

	if (best) {
		snprintf(buf, cap, "did you mean '%s'?", best);
		return buf;
	}
	used = (size_t)snprintf(buf, cap, "%s: ", what);
	for (size_t i = 0; i < n && used < cap; i++) {
		if (used + strlen(names[i]) + 8 > cap) {
			snprintf(buf + used, cap - used, "...");
			break;
		}
		used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
	}
	return buf;
}

static int check_names(struct dw *d)
{
	for (uint32_t i = 0; i < d->ns; i++) {
		int j = find_service(d, d->s[i].name, i);

		if (j >= 0)
			return schema_error(d->c, OTELSIM_EINPUT, d->s[i].name_at,
					    "duplicate service name '%s' (first at line %d)",
					    d->s[i].name, d->s[j].name_at->line);
	}
	return 0;
}

static int check_types(struct dw *d)
{
	const char **names = malloc((d->nt + 1) * sizeof(*names));
	char hint[400];
	int rc = 0;

	if (!names)
		return oom(d->c);
	for (uint32_t i = 0; i < d->nt; i++)
		names[i] = d->t[i].name;
	for (uint32_t i = 0; i < d->ns && !rc; i++) {
		struct dw_service *s = &d->s[i];

		s->tmpl = -1;
		for (uint32_t t = 0; t < d->nt && s->tmpl < 0; t++)
			if (!strcmp(d->t[t].name, s->type))
				s->tmpl = (int)t;
		if (s->tmpl < 0)
			rc = schema_error(d->c, OTELSIM_EINPUT, s->type_at,
					  "unknown type '%s' for service '%s' (%s)", s->type,
					  s->name,
					  unknown_hint(hint, sizeof(hint), s->type, names, d->nt,
						       d->nt ? "templates" : "no templates"));
	}
	free(names);
	return rc;
}

static int check_downstream(struct dw *d)
{
	const char **names = malloc((d->ns + 1) * sizeof(*names));
	char hint[400];
	int rc = 0;

	if (!names)
		return oom(d->c);
	for (uint32_t i = 0; i < d->ns; i++)
		names[i] = d->s[i].name;
	for (uint32_t i = 0; i < d->ns && !rc; i++) {
		struct dw_service *s = &d->s[i];

		for (uint32_t e = 0; e < s->ndown && !rc; e++) {
			int j = find_service(d, s->down[e], d->ns);

			if (j < 0) {
				rc = schema_error(d->c, OTELSIM_EINPUT, s->down_at[e],
						  "unknown downstream service '%s' of '%s' (%s)",
						  s->down[e], s->name,
						  unknown_hint(hint, sizeof(hint), s->down[e],
							       names, d->ns, "services"));
				break;
			}
			s->edges[e] = (uint32_t)j;
			d->s[j].called = true;
		}
	}
	free(names);
	return rc;
}

/* The cycle closed by edge e of `from`: "a -> b -> a" from the path stack. */
static int cycle_error(struct dw *d, const uint32_t *path, size_t depth, uint32_t from, uint32_t e)
{
	uint32_t to = d->s[from].edges[e];
	size_t first = 0, used = 0;
	char buf[600];

	while (first < depth && path[first] != to)
		first++;
	for (size_t i = first; i < depth && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s -> ",
					 d->s[path[i]].name);
	if (used < sizeof(buf))
		snprintf(buf + used, sizeof(buf) - used, "%s", d->s[to].name);
	return schema_error(d->c, OTELSIM_EINPUT, d->s[from].down_at[e],
			    "cycle in the service graph: %s", buf);
}

static int visit(struct dw *d, uint32_t v, uint32_t *path, size_t depth)
{
	struct dw_service *s = &d->s[v];
	int rc;

	s->mark = 1;
	path[depth] = v;
	for (uint32_t e = 0; e < s->ndown; e++) {
		uint32_t w = s->edges[e];

		if (d->s[w].mark == 1)
			return cycle_error(d, path, depth + 1, v, e);
		if (!d->s[w].mark && (rc = visit(d, w, path, depth + 1)))
			return rc;
	}
	s->mark = 2;
	return 0;
}

static int check_cycles(struct dw *d)
{
	uint32_t *path = malloc((d->ns + 1) * sizeof(*path));
	int rc = 0;

	if (!path)
		return oom(d->c);
	for (uint32_t i = 0; i < d->ns && !rc; i++)
		if (!d->s[i].mark)
			rc = visit(d, i, path, 0);
	free(path);
	return rc;
}

static int check_entries(struct dw *d)
{
	for (uint32_t i = 0; i < d->ns; i++)
		if (!d->s[i].called)
			return 0;
	return schema_error(d->c, OTELSIM_EINPUT, d->services_at,
			    "no entry point: at least one service must be called by no other");
}

/* ---- the span tree -------------------------------------------------------------- */

static uint8_t own_kind(const struct dw *d, uint32_t v)
{
	const struct dw_template *t = &d->t[d->s[v].tmpl];

	return t->has_traces ? otlp_kinds[t->kind] : K_INTERNAL;
}

/*
 * The kind of callee v's span when a span of kind `caller` calls it, and of
 * the caller's own span for the call (*wrap, 0: none).
 */
static uint8_t call_kinds(const struct dw *d, uint8_t caller, uint32_t v, uint8_t *wrap)
{
	uint8_t k = own_kind(d, v);

	*wrap = 0;
	if (caller == K_PRODUCER)
		return k == K_SERVER || k == K_CONSUMER ? K_CONSUMER : k;
	if (k == K_SERVER && caller != K_CLIENT)
		*wrap = K_CLIENT;
	else if (k == K_CONSUMER)
		*wrap = K_PRODUCER;
	return k;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * Spans and nesting of service v's subtree when its span has kind `kind`
 * (a span of each kind is unrolled the same way, so the first result is
 * kept per service: a callee's kind changes only its own span's kind).
 */
static void measure(struct dw *d, uint32_t v, uint8_t kind)
{
	struct dw_service *s = &d->s[v];
	const struct dw_template *t = &d->t[s->tmpl];
	double base = t->has_traces ? (double)t->base_ms : 50;

	if (s->memo)
		return;
	s->worst = 1;
	s->depth = 1;
	s->mean_ms = base * 1.25; /* the mean of uniform [0.5, 2] x base */
	for (uint32_t e = 0; e < s->ndown; e++) {
		uint32_t w = s->edges[e];
		uint8_t wrap, ck = call_kinds(d, kind, w, &wrap);

		measure(d, w, ck);
		s->worst = sat_add(s->worst, sat_add(d->s[w].worst, wrap ? 1 : 0));
		if (d->s[w].depth + (wrap ? 1 : 0) + 1 > s->depth)
			s->depth = d->s[w].depth + (wrap ? 1 : 0) + 1;
		s->mean_ms += d->s[w].mean_ms * (1 - t->error_rate);
	}
	s->memo = true;
}

static int check_worst(struct dw *d)
{
	uint64_t limit = d->c->m->max_spans_per_trace;

	for (uint32_t i = 0; i < d->ns; i++) {
		struct dw_service *s = &d->s[i];

		if (s->called)
			continue;
		measure(d, i, own_kind(d, i));
		if (s->worst > limit)
			return schema_error(d->c, OTELSIM_ELIMIT, s->name_at,
					    "worst case of %llu spans per trace is above "
					    "--max-spans-per-trace (%llu)",
					    (unsigned long long)s->worst, (unsigned long long)limit);
		if (s->depth > DW_MAX_DEPTH)
			return schema_error(d->c, OTELSIM_ELIMIT, s->name_at,
					    "a trace from '%s' nests %llu spans (at most %d)", s->name,
					    (unsigned long long)s->depth, DW_MAX_DEPTH);
		if (s->worst > d->sc->max_spans)
			d->sc->max_spans = s->worst;
	}
	return 0;
}

static void span_init(struct span_spec *sp, const char *file, const struct dw_service *s,
		      uint8_t kind)
{
	memset(sp, 0, sizeof(*sp));
	sp->probability = 1;
	sp->count.kind = COUNT_FIXED;
	sp->count.n = sp->count.min = sp->count.max = 1;
	sp->kind = kind;
	sp->service = s->resource;
	sp->latency_first = true;
	sp->pos.file = file;
	sp->pos.line = s->at->line;
	sp->pos.col = s->at->col;
}

/* The span's name: its one operation, else a pick among them (TP_CHOICE). */
static int span_name(struct dw *d, const struct dw_service *s, struct span_spec *sp)
{
	const struct dw_template *t = &d->t[s->tmpl];
	struct tmpl_str *ch;
	struct tmpl *tm;

	if (!t->has_traces || t->nops == 1) {
		sp->name = t->has_traces ? t->ops[0] : s->name;
		return 0;
	}
	tm = ARENA_NEW(&d->c->m->arena, struct tmpl);
	ch = ARENA_NEWN(&d->c->m->arena, struct tmpl_str, t->nops);
	if (!tm || !ch || !(tm->parts = ARENA_NEW(&d->c->m->arena, struct tmpl_part)))
		return oom(d->c);
	for (uint32_t i = 0; i < t->nops; i++) {
		ch[i].ptr = t->ops[i];
		ch[i].len = (uint32_t)strlen(t->ops[i]);
	}
	tm->parts[0].kind = TP_CHOICE;
	tm->parts[0].choices = ch;
	tm->parts[0].n = t->nops;
	tm->nparts = 1;
	tm->lone = true;
	tm->natural = VAL_STRING;
	tm->fixed_max = part_max(&tm->parts[0]);
	sp->name_tmpl = tm;
	sp->name = s->name; /* what ground truth calls the spans */
	return 0;
}

static int span_logs(struct dw *d, const struct dw_template *t, struct span_spec *sp)
{
	if (!t->nlogs)
		return 0;
	if (!(sp->logs = ARENA_NEWN(&d->c->m->arena, struct log_spec, t->nlogs)))
		return oom(d->c);
	for (uint32_t i = 0; i < t->nlogs; i++) {
		struct log_spec *l = &sp->logs[i];

		l->severity = severity_numbers[t->logs[i].severity];
		l->when = l->severity >= SEV_WARN ? LOG_AT_END : LOG_AT_START;
		l->bodies = t->logs[i].bodies;
		l->nbodies = t->logs[i].nbodies;
		l->body_tmpl = l->bodies[0];
		l->pos = sp->pos;
	}
	sp->nlogs = t->nlogs;
	return 0;
}

static int build_span(struct dw *d, uint32_t v, uint8_t kind, struct span_spec *sp);

/* Caller's children: each downstream call, through a span of its own where needed. */
static int build_calls(struct dw *d, uint32_t v, struct span_spec *sp)
{
	const struct dw_service *s = &d->s[v];
	int rc;

	if (!s->ndown)
		return 0;
	if (!(sp->children = ARENA_NEWN(&d->c->m->arena, struct span_spec, s->ndown)))
		return oom(d->c);
	sp->nchildren = s->ndown;
	for (uint32_t e = 0; e < s->ndown; e++) {
		uint32_t w = s->edges[e];
		uint8_t wrap, ck = call_kinds(d, sp->kind, w, &wrap);
		struct span_spec *call = &sp->children[e];
		char name[LOAD_MAX_KEY + 16];

		if (!wrap) {
			if ((rc = build_span(d, w, ck, call)))
				return rc;
			continue;
		}
		span_init(call, d->c->file, s, wrap);
		call->pos = sp->pos;
		call->latency.kind = DIST_CONSTANT; /* it lasts its callee's span */
		snprintf(name, sizeof(name), "%s%s", wrap == K_PRODUCER ? "publish " : "",
			 d->s[w].name);
		if (!(call->name = arena_strdup(&d->c->m->arena, name)) ||
		    !(call->children = ARENA_NEW(&d->c->m->arena, struct span_spec)))
			return oom(d->c);
		call->nchildren = 1;
		if ((rc = build_span(d, w, ck, call->children)))
			return rc;
	}
	return 0;
}

static int build_span(struct dw *d, uint32_t v, uint8_t kind, struct span_spec *sp)
{
	const struct dw_service *s = &d->s[v];
	const struct dw_template *t = &d->t[s->tmpl];
	double base = t->has_traces ? (double)t->base_ms : 50;
	int rc;

	span_init(sp, d->c->file, s, kind);
	sp->latency.kind = DIST_UNIFORM;
	sp->latency.p1 = base * 0.5;
	sp->latency.p2 = base * 2;
	if ((rc = span_name(d, s, sp)) || (rc = span_logs(d, t, sp)))
		return rc;
	if (t->error_rate > 0) {
		if (!(sp->errors = ARENA_NEW(&d->c->m->arena, struct error_spec)))
			return oom(d->c);
		sp->errors->rate = t->error_rate;
		sp->errors->propagate = ERR_RAISE;
		sp->errors->pos = sp->pos;
		sp->nerrors = 1;
	}
	return build_calls(d, v, sp);
}

static int build_roots(struct dw *d)
{
	struct scenario *sc = d->sc;
	uint32_t n = 0, k = 0;
	int rc;

	for (uint32_t i = 0; i < d->ns; i++)
		n += !d->s[i].called;
	if (!(sc->root = ARENA_NEWN(&d->c->m->arena, struct span_spec, n)))
		return oom(d->c);
	for (uint32_t i = 0; i < d->ns; i++)
		if (!d->s[i].called && (rc = build_span(d, i, own_kind(d, i), &sc->root[k++])))
			return rc;
	sc->nroots = n;
	return 0;
}

/* ---- metrics ------------------------------------------------------------------- */

/* ns per unit of a duration histogram (anything else: ms). */
static double unit_ns(const char *unit)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 }, { "min", 60e9 } };

	for (size_t i = 0; unit && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			return units[i].ns;
	return 1e6;
}

/* http.server.request.duration's boundaries (s), when the conventions have none. */
static const double default_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
					 0.5,   0.75, 1,     2.5,  5,     7.5, 10 };

static int histogram_bounds(struct dw *d, const struct dw_metric *dm, struct metric_rule *r)
{
	const struct sc_metric *m = d->c->m->semconv ? semconv_metric(d->c->m->semconv, dm->name)
						      : NULL;
	const double *b = default_bounds;
	size_t n = sizeof(default_bounds) / sizeof(default_bounds[0]);
	double scale = 1e9 / r->duration_div;
	double *out;

	if (m && m->nbuckets) {
		b = m->buckets;
		n = m->nbuckets;
		scale = unit_ns(m->unit) / r->duration_div;
	}
	if (!(out = ARENA_NEWN(&d->c->m->arena, double, n)))
		return oom(d->c);
	for (size_t i = 0; i < n; i++)
		out[i] = b[i] * scale;
	r->bounds = out;
	r->nbounds = (uint32_t)n;
	return 0;
}

static int add_rule(struct dw *d, const struct dw_service *s, const struct dw_metric *dm,
		    uint8_t kind)
{
	struct scenario *sc = d->sc;
	struct metric_rule *r = &sc->metric_rules[sc->nmetric_rules++];

	memset(r, 0, sizeof(*r));
	r->name = dm->name;
	r->unit = dm->unit && dm->unit[0] ? dm->unit : NULL;
	r->service = s->name;
	r->kind = kind;
	r->max_scale = 20;
	r->max_size = 160;
	r->file = d->c->file;
	r->line = dm->at->line;
	r->col = dm->at->col;
	if (dm->type == MT_COUNTER) {
		r->instrument = MI_COUNTER;
		r->value = MV_ONE;
		r->is_int = true;
		return 0;
	}
	r->instrument = MI_HISTOGRAM;
	r->value = MV_DURATION;
	r->duration_div = unit_ns(r->unit);
	return histogram_bounds(d, dm, r);
}

/* A gauge's level for service s, from its name (see the top of the file). */
static void gauge_level(const struct dw *d, const struct dw_service *s, const struct dw_metric *m,
			struct series_spec *g, double *level)
{
	const char *n = m->name;
	bool pct = m->unit && !strcmp(m->unit, "%");

	g->has_min = true;
	g->min = 0;
	if (strstr(n, "active") || strstr(n, "in_flight") || strstr(n, "inflight") ||
	    strstr(n, "concurrent"))
		*level = d->rate * s->visits * s->mean_ms / 1000;
	else if (strstr(n, "memory") || strstr(n, "heap") || strstr(n, "mem."))
		*level = 268435456.0;
	else if (strstr(n, "cpu")) {
		*level = pct ? 35 : 0.35;
		g->has_max = true;
		g->max = pct ? 100 : 1;
	} else if (strstr(n, "connection"))
		*level = 20;
	else if (strstr(n, "queue") || strstr(n, "depth") || strstr(n, "backlog"))
		*level = 5;
	else
		*level = 50;
}

/* One series of gauge m: every service of template t. */
static int add_series(struct dw *d, uint32_t t, const struct dw_metric *m)
{
	struct scenario *sc = d->sc;
	struct series_spec *g = &sc->series[sc->nseries];
	uint32_t n = 0;

	memset(g, 0, sizeof(*g));
	for (uint32_t i = 0; i < d->ns; i++)
		n += d->s[i].tmpl == (int)t;
	if (!n)
		return 0;
	g->services = ARENA_NEWN(&d->c->m->arena, uint32_t, n);
	g->names = ARENA_NEWN(&d->c->m->arena, const char *, n);
	g->levels = ARENA_NEWN(&d->c->m->arena, double, n);
	if (!g->services || !g->names || !g->levels)
		return oom(d->c);
	g->name = m->name;
	g->unit = m->unit && m->unit[0] ? m->unit : NULL;
	g->theta = 0.1;
	g->file = d->c->file;
	g->line = m->at->line;
	g->col = m->at->col;
	for (uint32_t i = 0; i < d->ns; i++) {
		if (d->s[i].tmpl != (int)t)
			continue;
		g->services[g->nservices] = (uint32_t)d->s[i].resource;
		g->names[g->nservices] = d->s[i].name;
		gauge_level(d, &d->s[i], m, g, &g->levels[g->nservices]);
		g->nservices++;
	}
	g->sigma = 0.05 * (g->levels[0] > 1 ? g->levels[0] : 1);
	sc->nseries++;
	return 0;
}

/* Expected spans of each service per request (the entry picked uniformly). */
static void count_visits(struct dw *d)
{
	uint32_t entries = 0;
	bool changed = true;

	for (uint32_t i = 0; i < d->ns; i++)
		entries += !d->s[i].called;
	for (uint32_t i = 0; i < d->ns; i++)
		d->s[i].visits = d->s[i].called ? 0 : 1.0 / entries;
	/* a DAG: relax until stable (at most ns rounds) */
	for (uint32_t round = 0; changed && round <= d->ns; round++) {
		changed = false;
		for (uint32_t i = 0; i < d->ns; i++) {
			double v = d->s[i].called ? 0 : 1.0 / entries;

			for (uint32_t j = 0; j < d->ns; j++)
				for (uint32_t e = 0; e < d->s[j].ndown; e++)
					v += d->s[j].edges[e] == i ? d->s[j].visits : 0;
			changed |= v != d->s[i].visits;
			d->s[i].visits = v;
		}
	}
}

/* Two metrics of one name must agree on type and unit. */
static int check_metric_defs(struct dw *d)
{
	for (uint32_t t = 0; t < d->nt; t++)
		for (uint32_t i = 0; i < d->t[t].nmetrics; i++) {
			const struct dw_metric *m = &d->t[t].metrics[i];

			for (uint32_t u = 0; u <= t; u++)
				for (uint32_t j = 0; j < (u == t ? i : d->t[u].nmetrics); j++) {
					const struct dw_metric *o = &d->t[u].metrics[j];

					if (strcmp(o->name, m->name))
						continue;
					if (o->type == m->type &&
					    !strcmp(o->unit ? o->unit : "", m->unit ? m->unit : ""))
						continue;
					return schema_error(d->c, OTELSIM_EINPUT, m->at,
							    "metric '%s' is defined differently at "
							    "line %d (type or unit)",
							    m->name, o->at->line);
				}
		}
	return 0;
}

static int warn_histogram(struct dw *d, const struct dw_metric *m)
{
	if (m->type != MT_HISTOGRAM || strstr(m->name, "duration"))
		return 0;
	if (model_warn(d->c->m, d->c->file, m->at->line, m->at->col,
		       "histogram '%s' records the request duration (Dreamweaver's histograms "
		       "measure durations)",
		       m->name))
		return oom(d->c);
	return 0;
}

static int build_metrics(struct dw *d)
{
	struct scenario *sc = d->sc;
	uint32_t nrules = 0, ngauges = 0;
	int rc;

	if ((rc = check_metric_defs(d)))
		return rc;
	count_visits(d);
	for (uint32_t t = 0; t < d->nt; t++)
		for (uint32_t i = 0; i < d->t[t].nmetrics; i++) {
			if ((rc = warn_histogram(d, &d->t[t].metrics[i])))
				return rc;
			ngauges += d->t[t].metrics[i].type == MT_GAUGE;
		}
	for (uint32_t i = 0; i < d->ns; i++)
		nrules += 2 * d->t[d->s[i].tmpl].nmetrics;
	sc->metric_rules = ARENA_NEWN(&d->c->m->arena, struct metric_rule, nrules + 1);
	sc->series = ARENA_NEWN(&d->c->m->arena, struct series_spec, ngauges + 1);
	if (!sc->metric_rules || !sc->series)
		return oom(d->c);
	for (uint32_t i = 0; i < d->ns; i++) {
		const struct dw_service *s = &d->s[i];
		const struct dw_template *t = &d->t[s->tmpl];
		uint8_t k = own_kind(d, i);

		for (uint32_t j = 0; j < t->nmetrics; j++) {
			if (t->metrics[j].type == MT_GAUGE)
				continue;
			if ((rc = add_rule(d, s, &t->metrics[j], k)))
				return rc;
			/* called by a producer, its span is a CONSUMER there */
			if (s->by_producer && k == K_SERVER &&
			    (rc = add_rule(d, s, &t->metrics[j], K_CONSUMER)))
				return rc;
		}
	}
	for (uint32_t t = 0; t < d->nt; t++)
		for (uint32_t i = 0; i < d->t[t].nmetrics; i++)
			if (d->t[t].metrics[i].type == MT_GAUGE &&
			    (rc = add_series(d, t, &d->t[t].metrics[i])))
				return rc;
	sc->emit_metrics = sc->nmetric_rules || sc->nseries;
	return 0;
}

/* ---- the scenario ---------------------------------------------------------------- */

static int resources(struct dw *d)
{
	for (uint32_t i = 0; i < d->ns; i++) {
		int rc = load_service(d->ls, d->s[i].name, NULL, 0, false, &d->s[i].resource);

		if (rc)
			return rc;
		for (uint32_t e = 0; e < d->s[i].ndown; e++)
			if (own_kind(d, i) == K_PRODUCER)
				d->s[d->s[i].edges[e]].by_producer = true;
	}
	return 0;
}

static int hash_seed(struct dw *d)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	uint64_t seed = 0;

	if (!EVP_Digest(d->seed, d->seed_len, md, &mdlen, EVP_sha3_256(), NULL) || mdlen != 32)
		return error_set(d->c->err, OTELSIM_EINTERNAL, "SHA3-256 is not available");
	for (int i = 7; i >= 0; i--)
		seed = seed << 8 | md[i];
	d->sc->has_seed = true;
	d->sc->seed = seed;
	return 0;
}

/*
 * The workload as a count at a fixed interval (one request every 1/rate s),
 * until the engine's time-based workloads arrive.
 */
static int workload(struct dw *d)
{
	struct scenario *sc = d->sc;
	double count = floor(d->rate * d->duration + 0.5);

	if (count > (double)LOAD_MAX_REPEAT)
		return schema_error(d->c, OTELSIM_ELIMIT, d->rate_at,
				    "rate times duration makes more than %lld requests",
				    (long long)LOAD_MAX_REPEAT);
	sc->has_repeat_count = true;
	sc->repeat_count = count < 1 ? 1 : (int64_t)count;
	sc->has_interval = true;
	sc->interval_ns = (int64_t)floor(1e9 / d->rate + 0.5);
	if (sc->interval_ns < 1)
		sc->interval_ns = 1;
	return 0;
}

/* The file's stem, as a scenario name. */
static int stem_of(struct load_state *ls, const struct load_file *f, const char **out)
{
	const char *base = strrchr(f->path, '/'), *dot;
	size_t n;

	base = base ? base + 1 : f->path;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	for (size_t i = 0; i < n; i++) {
		char ch = base[i];

		if (!(ident_char(ch, false) || ch == '.' || ch == '-'))
			n = 0;
	}
	if (!n || n > LOAD_MAX_NAME || base[0] == '.')
		return error_at(ls->err, OTELSIM_EINPUT, f->path, 1, 1,
				"the file name '%s' cannot name a scenario (1 to %d letters, "
				"digits, '_', '.' or '-', not starting with '.')",
				base, LOAD_MAX_NAME);
	if (!(*out = arena_strndup(&ls->m->arena, base, n)))
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

static int check_graph(struct dw *d)
{
	int rc;

	if ((rc = check_names(d)) || (rc = check_types(d)) || (rc = check_downstream(d)) ||
	    (rc = check_cycles(d)) || (rc = check_entries(d)) || (rc = check_worst(d)))
		return rc;
	return 0;
}

static int lower(struct dw *d)
{
	struct scenario *sc = d->sc;
	int rc;

	if ((rc = check_graph(d)) || (rc = workload(d)) || (rc = resources(d)) ||
	    (rc = build_roots(d)) || (rc = build_metrics(d)) || (rc = hash_seed(d)))
		return rc;
	sc->endpoint = d->endpoint;
	sc->batch_size = d->batch ? (uint32_t)d->batch : 100;
	return 0;
}

int dreamweaver_load(struct load_state *ls, const struct load_file *f)
{
	const struct ydoc *doc = f->doc;
	const struct ynode *map = doc->root;
	struct schema_ctx c;
	struct dw d;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	c.m = ls->m;
	c.doc = doc;
	c.err = ls->err;
	c.state = &d;
	c.file = f->path;
	d.ls = ls;
	d.c = &c;
	if (doc->ndocs > 1)
		return error_at(ls->err, OTELSIM_EINPUT, doc->file, doc->starts[1].line,
				doc->starts[1].col,
				"more than one YAML document in the file (a Dreamweaver config is "
				"one)");
	if (!map || map->type != YN_MAP)
		return schema_error(&c, OTELSIM_EINPUT, map, "a Dreamweaver config must be a mapping");
	if ((rc = load_scenario_new(ls, f, &d.sc)) || (rc = stem_of(ls, f, &d.sc->name)))
		return rc;
	d.sc->stream = rng_hash(d.sc->name, strlen(d.sc->name));
	d.sc->dialect = DIALECT_DREAMWEAVER;
	d.sc->exceptions = EXCEPTIONS_NONE;
	if ((rc = schema_walk(&c, &top_table, map, &d)) || (rc = lower(&d)))
		return rc;
	return load_scenario_add(ls, d.sc, doc, map, NULL);
}
