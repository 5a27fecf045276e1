/*
 * model/model.h - the immutable scenario IR every dialect lowers to.
 *
 * The loader (src/load/) builds a `struct model` from config/, conventions/
 * and scenario files, validating everything on the way (a model that exists
 * is valid: the engine never reports a user error). All of it lives in the
 * model's arena and is read-only after loading, so render threads share it
 * without locks.
 *
 * Units: durations are nanoseconds (int64) in the model, except latency
 * distributions, whose parameters stay in milliseconds (doubles) as written.
 * Span kinds and status codes are OTLP's numbers.
 *
 * Fields marked "derived" are filled by model_finish (load_model calls it
 * last) so the engine does not recompute them for every span. The engine
 * also renders a model built by hand without model_finish: a derived
 * length of 0 or a NULL derived string makes it measure or build the value
 * itself, only slower.
 */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "model/metric.h"
#include "model/scope.h"
#include "model/value.h"
#include "util/arena.h"

struct tmpl;         /* model/template.h: a compiled "{{...}}" string */
struct semconv;      /* model/semconv.h: the conventions registry */
struct session_spec; /* model/agent.h: a scenario that runs as agent sessions */
struct agent_model;  /* model/agent.h: the config's agent platform */
struct mcp_server_def; /* model/agent.h: an MCP server of the config */

struct src_pos {
	const char *file;
	int line, col;
};

/* ---- distributions ------------------------------------------------ */

enum dist_kind {
	DIST_NONE = 0,    /* not given: the engine uses the config default */
	DIST_CONSTANT,    /* p1 = value */
	DIST_LOG_NORMAL,  /* p1 = median, p2 = sigma */
	DIST_NORMAL,      /* p1 = mean, p2 = stddev */
	DIST_UNIFORM,     /* p1 = min, p2 = max */
	DIST_EXPONENTIAL, /* p1 = mean */
	DIST_PERCENTILES, /* pct[] = p50, p90, p99, max (log-linear between) */
	DIST_POISSON      /* p1 = mean (counts and integer attributes) */
};

struct dist {
	uint8_t kind; /* enum dist_kind */
	bool has_min, has_max;
	bool has_ibounds; /* DIST_UNIFORM of integers: draw in [imin, imax] exactly */
	double p1, p2;
	double pct[4];
	double min, max; /* clamp when has_min/has_max */
	int64_t imin, imax;
};

/* ---- generated values -------------------------------------------------- */

enum gen_kind {
	GEN_CONST = 0, /* `constant` */
	GEN_TEMPLATE,  /* a string with {{...}} */
	GEN_DIST,      /* a number drawn from `dist` */
	GEN_CHOICE     /* one of `choices`, weighted */
};

struct gen {
	uint8_t kind;    /* enum gen_kind */
	uint8_t type;    /* enum value_type the result is converted to */
	int8_t decimals; /* GEN_DIST doubles: round to this many places; -1 = no */
	uint8_t elem;    /* GEN_TEMPLATE with type VAL_ARRAY: the one item's type */
	struct value constant;
	struct tmpl *tmpl;
	struct dist dist;
	struct value *choices;
	double *cum_weights; /* ascending, last = total */
	uint32_t nchoices;
};

struct attr_spec {
	const char *key; /* after the vendor rewrite */
	uint32_t key_len;
	struct gen gen;
	struct src_pos pos;
};

/* A per-trace variable: drawn once when the trace starts, in file order. */
struct var_spec {
	const char *name;
	struct gen gen;
	struct src_pos pos;
};

/* ---- span tree ---------------------------------------------------------- */

enum count_kind { COUNT_FIXED = 0, COUNT_POISSON, COUNT_UNIFORM };

struct count_spec {
	uint8_t kind;     /* enum count_kind */
	int64_t n;        /* COUNT_FIXED (default 1) */
	double mean;      /* COUNT_POISSON */
	int64_t min, max; /* COUNT_UNIFORM range; `max` caps POISSON too */
};

/* What a failure does beyond its own span. */
enum error_propagation {
	ERR_LOCAL = 0,      /* only the span fails */
	ERR_MARK_ANCESTORS, /* every ancestor is marked ERROR with the same error.type */
	ERR_RAISE           /* like an exception: the span makes none of its children,
			       and each ancestor fails the same way (ERROR, error.type, its
			       exception recorded) and makes no more children */
};

/*
 * One error condition of a span. A span's conditions are exclusive and
 * checked in order against one draw u in [0, 1): condition i fires when
 * u < rate[0] + ... + rate[i] (the loader keeps the sum <= 1).
 */
struct error_spec {
	double rate;         /* 0..1 */
	const char *type;    /* error.type value; NULL: "_OTHER" */
	const char *message; /* status message; may be NULL (then the type) */
	struct tmpl *message_tmpl;
	uint8_t propagate; /* enum error_propagation */
	uint32_t inj;      /* derived: 1 + index into model->injections (0: none) */
	/* exception.stacktrace of its exception record, or NULL (may hold {{...}}) */
	const char *stacktrace;
	struct tmpl *stacktrace_tmpl;
	/* `attributes`: set on the failed span over what its conventions set
	 * (http.response.status_code: 404, rpc.response.status_code...) */
	struct attr_spec *attrs;
	uint32_t nattrs;
	struct src_pos pos;
};

struct retry_spec {
	bool enabled;
	uint32_t max_attempts; /* >= 1 */
	bool force_initial_failure;
	double *success_rate; /* per attempt (0..1); last repeats */
	uint32_t nsuccess_rate;
	double backoff_base_ms;    /* wait before attempt 2 */
	double backoff_multiplier; /* growth per attempt (the engine stops the
					growth at one year, the longest duration
					a scenario may give) */
	double backoff_jitter;     /* 0..1: +-fraction of each wait */
	const char *error_type;    /* error.type of failed attempts */
	/* derived: 1 + index into model->injections (0: none) of the forced
	 * first failure and of the attempts failed by a draw */
	uint32_t inj_forced, inj_retry;
};

struct event_spec {
	const char *name;
	uint32_t name_len;      /* derived: strlen(name) */
	struct tmpl *name_tmpl; /* non-NULL when the name holds {{...}} */
	double offset_ms;       /* from span start (clamped to its end) */
	double offset_frac;     /* used when is_frac: 0..1 of the duration */
	bool is_frac;
	double probability; /* 1.0 default */
	uint8_t log;        /* enum event_log: also written as a log record */
	struct attr_spec *attrs;
	uint32_t nattrs;
	struct src_pos pos;
};

/* Whether a span event is mirrored as a log record. */
enum event_log {
	EVENT_LOG_DEFAULT = 0, /* when the scenario says emit_logs: true */
	EVENT_LOG_NO,
	EVENT_LOG_YES
};

/* Log severities: the lowest SeverityNumber of each range (TRACE 1 ... FATAL 21). */
enum log_severity {
	SEV_TRACE = 1,
	SEV_DEBUG = 5,
	SEV_INFO = 9,
	SEV_WARN = 13,
	SEV_ERROR = 17,
	SEV_FATAL = 21
};

/* When a span's log record is written. */
enum log_when {
	LOG_AT_OFFSET = 0, /* offset_ms or offset_frac from the start (clamped to the span) */
	LOG_AT_START,
	LOG_AT_END,
	LOG_AT_ERROR /* at the end, only when the span failed (status ERROR) */
};

/* One `logs:` entry of a span: a log record tied to it. */
struct log_spec {
	uint8_t when;     /* enum log_when */
	uint8_t severity; /* enum log_severity */
	bool is_frac;
	double offset_ms, offset_frac;
	const char *body;       /* NULL: no body */
	struct tmpl *body_tmpl; /* non-NULL when the body holds {{...}} */
	/* several bodies (a Dreamweaver log's patterns): one picked per record
	 * (one rng_below draw), then its template; nbodies <= 1: body_tmpl */
	struct tmpl *const *bodies;
	uint32_t nbodies;
	struct attr_spec *attrs;
	uint32_t nattrs;
	struct src_pos pos;
};

/*
 * One `timeline:` entry of a scenario: an event (a log record with an
 * event name, written to events.*) at a virtual time of the run, on a
 * service's resource, tied to no span.
 */
struct timeline_spec {
	int64_t offset_ns; /* from the run's start */
	const char *name;  /* event_name */
	uint32_t service;  /* index into model->services */
	uint8_t severity;  /* enum log_severity */
	const char *body;  /* NULL: none */
	struct keyval *attrs; /* constants */
	uint32_t nattrs;
	struct src_pos pos;
};

enum link_kind {
	LINK_SPAN = 0,       /* an earlier span of this trace whose name is span_name */
	LINK_PREVIOUS_TRACE, /* the root span of the previous trace: the previous turn of a
				session, else the previous iteration's first trace */
	LINK_CONST,          /* fixed ids */
	LINK_CONTEXT         /* the span the latest earlier trace of the run exported as
				`context` (none: no link) */
};

struct link_spec {
	uint8_t kind; /* enum link_kind */
	const char *span_name;
	const char *context;    /* LINK_CONTEXT */
	uint32_t span_name_len; /* derived: strlen(span_name) (LINK_SPAN) */
	uint8_t trace_id[16], span_id[8];
	const char *trace_state; /* W3C tracestate (checked at load), or NULL */
	struct attr_spec *attrs;
	uint32_t nattrs;
	struct src_pos pos;
};

struct span_spec {
	const char *name;         /* emitted span name (vendor rewrite applied) */
	uint32_t name_len;        /* derived: strlen(name) */
	const char *attempt_name; /* derived with retry and no name_tmpl:
				      "<name>.attempt", name_len + 8 bytes */
	struct tmpl *name_tmpl;   /* non-NULL when the name holds {{...}} */
	const char *description;
	const char *trace_state; /* W3C tracestate (checked at load), or NULL */
	struct scope_def scope_set; /* the span's own `scope:` (name NULL: none) */
	uint32_t scope;             /* derived: index into model->scopes (model/scope.h) */
	uint8_t kind;        /* OTLP SpanKind; 0 = engine default */
	int32_t service;     /* index into model->services; -1 = parent's */
	struct dist latency; /* DIST_NONE = config default */
	double probability;  /* 0..1, default 1 */
	struct count_spec count;
	bool parallel; /* children overlap instead of running in turn */
	/*
	 * The trace-generator's calls: the span's own latency runs first, then
	 * its children one after another without gaps, so it lasts its
	 * latency plus theirs (else: children start with the span, with
	 * gaps, and it lasts at least its latency).
	 */
	bool latency_first;
	bool attrs_first;          /* attributes are made before the name (which may use them) */
	struct error_spec *errors; /* in the order they are checked */
	uint32_t nerrors;
	struct retry_spec retry;
	struct attr_spec *attrs;
	uint32_t nattrs;
	struct event_spec *events;
	uint32_t nevents;
	struct log_spec *logs;
	uint32_t nlogs;
	struct link_spec *links;
	uint32_t nlinks;
	const char *export_context; /* LINK_CONTEXT links of later traces find it by this */
	uint8_t role;               /* enum span_role (model/agent.h): what a session adds */
	/* an MCP tool span's server over the session's (wrong_division): one, or
	 * one of several drawn per span (uniform); none: the session's */
	const struct mcp_server_def *const *mcp_servers;
	uint32_t nmcp_servers;
	struct span_spec *children;
	uint32_t nchildren;
	struct src_pos pos;
};

/* ---- services, scenarios, model -------------------------------------------- */

/* A resource: one per (service name, scenario resource overrides). */
struct service {
	const char *name;     /* service.name */
	struct keyval *attrs; /* every resource attribute, service.name first */
	uint32_t nattrs;
	/* [SCOPE_KINDS] the config's services: <name>: scopes: (model/scope.h), or NULL */
	const struct scope_def *scope_kinds;
};

enum dialect { DIALECT_NATIVE = 0, DIALECT_TRACEGEN, DIALECT_DREAMWEAVER };

/* Where a failed span's exception is recorded (trace-generator files: both). */
enum exceptions_mode {
	EXCEPTIONS_NONE = 0,   /* not at all (status and error.type only) */
	EXCEPTIONS_SPAN_EVENT, /* an `exception` span event: exception.type, exception.message */
	EXCEPTIONS_LOG,        /* a log record: exception.type, exception.message (and
				  exception.stacktrace), ERROR on server, consumer and
				  internal spans, WARN on client and producer spans */
	EXCEPTIONS_BOTH
};

/*
 * A time-based workload (engine.h): traces arrive at `rate_per_s` for
 * `duration_ns` of virtual time, as a Poisson process or evenly spaced.
 * A front end sets has_rate / has_duration with what its file gives
 * (util/workload.h parses both); a scenario with a duration is
 * time-based (the run then needs a rate: the file's or --rate).
 */
enum arrivals { ARRIVALS_POISSON = 0, ARRIVALS_UNIFORM };

struct workload_spec {
	bool has_rate, has_duration, has_arrivals;
	double rate_per_s;
	int64_t duration_ns;
	uint8_t arrivals; /* enum arrivals (default poisson) */
};

/*
 * Phases (load/phases.c, engine/phase.c): a change of the simulation from
 * an offset of the run for a length, on the spans of its targets (services
 * and span types; none: every span of the scenario) and on the series of
 * its services.
 *   latency      own latency x factor (constant, or a ramp from..to)
 *   errors       each target span fails at `rate` (error type, message)
 *   down         a service or dependency is down: its spans fail fast
 *                (latency x fast_factor, no children); callers are marked
 *   cascade      `service` fails (rate); each caller hop h fails from
 *                start + h x hop_delay; a caller's circuit breaker opens
 *                breaker_after later (its spans then fail fast with
 *                CircuitBreakerOpen; circuit_breaker_open / _closed events)
 *   deployment   a `deployment` event with the version at start; its
 *                services' series restart (drop to their min, else 0) for
 *                `restart`; then its targets fail at rate (and latency x factor)
 *   traffic      arrivals x factor (time-based workloads)
 *   spike        noise: the series of its services x factor (short)
 *   scattered_errors  noise: errors at a rate across its targets
 * `incident`: the phase is the incident window (--incident-duration sets its
 * length; default: every phase that is not noise or traffic).
 */
enum phase_kind {
	PHASE_LATENCY = 0,
	PHASE_ERRORS,
	PHASE_DOWN,
	PHASE_CASCADE,
	PHASE_DEPLOYMENT,
	PHASE_TRAFFIC,
	PHASE_SPIKE,
	PHASE_SCATTERED,
	PHASE_KIND_COUNT
};

/* "latency", "errors", ... (NULL when out of range). */
const char *phase_kind_name(int kind);

struct phase_spec {
	uint8_t kind; /* enum phase_kind */
	bool incident;
	int64_t start_ns, len_ns; /* offset from the run's start, length */
	double start_frac;        /* start: "25%" of the run (-1: start_ns) */
	uint32_t *services;       /* targets: indices into model->services */
	uint32_t nservices;
	const char **span_types; /* targets: span names */
	uint32_t nspan_types;
	const char *series; /* spike, deployment: only this series (NULL: every series) */
	double from, to;    /* factor: constant (from == to) or a ramp */
	bool has_factor;
	double rate;        /* errors, down, cascade, deployment, scattered_errors: 0..1 */
	double fast_factor; /* down, open breakers: latency x this (default 0.05) */
	struct error_spec err; /* what a failure says (err.inj: the phase's ground truth) */
	struct error_spec breaker_err; /* cascade: an open breaker's fast failure */
	int64_t hop_delay_ns;     /* cascade */
	int64_t breaker_after_ns; /* cascade: -1 no breakers */
	uint32_t *hops;           /* cascade: per model service, hops from `service`
				     (UINT32_MAX: not upstream of it) */
	uint32_t nhops;
	const char *version;  /* deployment */
	int64_t restart_ns;   /* deployment */
	uint32_t inj;         /* 1 + index into model->injections */
	struct src_pos pos;
};

struct scenario {
	const char *name;  /* --name and the dataset folder */
	const char *title; /* display name (trace-generator scenario_name), or NULL */
	const char *description;
	const char *path;     /* the file as found */
	const char *rel_dir;  /* folder below the scenarios dir ("" at the top) */
	const char *category; /* first component of rel_dir, or "" */
	char sha256[65];      /* of the file's bytes */
	const char **tags;
	uint32_t ntags;
	double weight; /* workload_weight; <= 0: only by name */
	bool has_repeat_count;
	int64_t repeat_count;
	bool has_interval;
	int64_t interval_ns, interval_jitter_ns;
	struct workload_spec workload; /* duration, rate, arrivals */
	const char *dataset; /* `dataset:` its folder below --out, or NULL */
	bool emit_metrics, emit_logs;
	/* metrics: the scenario's rules (none with emit_metrics: the
	 * conventions' defaults, already in here), its series, its interval */
	struct metric_rule *metric_rules;
	uint32_t nmetric_rules;
	struct series_spec *series;
	uint32_t nseries;
	int64_t metric_interval_ns; /* 0: the run's (--metric-interval, 10 s) */
	bool has_seed;
	uint64_t seed;
	struct var_spec *vars;
	uint32_t nvars;
	struct span_spec *root;
	/* root[0..nroots) when nroots > 1 (a Dreamweaver config's entry points, or
	 * the tool step a built workflow's goal hits, load/workflow.h):
	 * each trace starts at one, picked uniformly; 0 or 1: the one root */
	uint32_t nroots;
	uint64_t max_spans;   /* worst case spans per trace (counts x retries) */
	uint64_t stream;      /* rng stream id: rng_hash(name) */
	bool reference;       /* bundled example_scenario: only by name */
	uint8_t dialect;      /* enum dialect */
	uint8_t exceptions;   /* enum exceptions_mode */
	struct timeline_spec *timeline; /* in time order */
	uint32_t ntimeline;
	struct phase_spec *phases; /* in file order */
	uint32_t nphases;
	unsigned signals;     /* derived: 1u << enum otelsim_signal of the traces,
				 logs and events it may write (not metrics) */
	const char **exports; /* every export_context of the tree, once each */
	uint32_t nexports;
	struct session_spec *session; /* agent sessions (model/agent.h), or NULL */
	/* a Dreamweaver config's output: where `run --send` goes without
	 * --endpoint (NULL: none) and the requests per export (0: not given) */
	const char *endpoint;
	uint32_t batch_size;
	const struct scope_def *scope_kinds; /* [SCOPE_KINDS] its `scopes:`, or NULL */
	struct src_pos pos;
};

/* ---- ground truth ------------------------------------------------------- */

/* What an injection site makes fail (ground_truth.json's "kind"). */
enum injection_kind {
	INJ_ERROR = 0,      /* an error condition (error.rate, error_conditions) */
	INJ_FORCED_FAILURE, /* a retry's force_initial_failure: its first attempt */
	INJ_RETRY,          /* retry attempts failed by their success-rate draw */
	INJ_PHASE,          /* a phase (struct phase_spec): the spans it changed */
	INJ_KIND_COUNT
};

/* "error", "forced_failure", "retry" (NULL when out of range). */
const char *injection_kind_name(int kind);

/*
 * One place a scenario injects failures (derived by model_finish, in
 * scenario order, each scenario's span tree depth first, a span's error
 * conditions in order, then its retry's forced failure and its retry
 * draws). The engine counts what each one made fail (batch.h inj_hit);
 * the files path writes the sites that fired to ground_truth.json.
 */
struct injection {
	const char *id; /* "<scenario>:<kind>:<n>", n from 1 within the scenario */
	uint8_t kind;   /* enum injection_kind */
	const struct scenario *scenario;
	const char *span_type; /* name of the spans that fail (a retry's: "<type>.attempt";
				  a templated name: its template as written) */
	uint32_t service;      /* index into model->services of those spans */
	const struct phase_spec *phase; /* INJ_PHASE */
};

struct config {
	const char *service_name;      /* default service.name ("otelsim") */
	const char *sdk_language;      /* telemetry.sdk.language of a service without its own */
	struct keyval *resource_attrs; /* added to every service's resource */
	uint32_t nresource_attrs;
	const char *scope_name, *scope_version; /* the application's own spans */
	struct scope_def scope_kinds[SCOPE_KINDS]; /* `scopes:` (model/scope.h); name NULL: unset */
	const char *schema_url;      /* on ResourceX and ScopeX; may be "" */
	struct dist default_latency; /* a span without `latency` */
	struct dist gap;             /* between sequential siblings, ms */
	int64_t default_interval_ns;
	int64_t default_count; /* a scenario without repeat_count */
	uint64_t default_seed;
	int64_t default_start_ns;
	uint8_t default_exceptions;    /* enum exceptions_mode of a native scenario
					  without `exceptions` (default log) */
	uint32_t traces_per_record;    /* traces per written record */
	uint32_t iterations_per_block; /* engine blocks: the threads' and shards' unit */
	struct metric_rule *metric_rules; /* `metrics:`: rules for every scenario */
	uint32_t nmetric_rules;
};

struct model {
	struct arena arena; /* owns everything below */
	const char *vendor; /* attribute/span prefix replacing "vendor." */
	struct config config;
	struct agent_model *agent; /* id formats, tenants... (model/agent.h); set by load */
	struct semconv *semconv;
	struct service *services;
	uint32_t nservices;
	/* derived (model_finish): every scope a span is under, [0] the config's */
	struct scope_def *scopes;
	uint32_t nscopes;
	struct scenario **scenarios; /* sorted by rel_dir then name */
	uint32_t nscenarios;
	uint64_t max_spans_per_trace;
	struct injection *injections; /* derived (model_finish) */
	uint32_t ninjections;
	char **warnings; /* "file:line:col: message", malloc'ed */
	uint32_t nwarnings;
	/* while loading a bundled scenario: seed 002's files are kept byte for
	 * byte, old attribute names included, so no deprecation warnings */
	bool quiet_deprecated;
};

struct otelsim_error;

/*
 * Record a warning about the input (something accepted but not honoured):
 * the library never prints; programs show them. Returns 0 or -1 (memory).
 */
int model_warn(struct model *m, const char *file, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* How many roots sc has (scenario.nroots; at least 1). */
static inline uint32_t scenario_nroots(const struct scenario *sc)
{
	return sc->nroots > 1 ? sc->nroots : 1;
}

/* By name, else by display name (the loader keeps both unique). */
const struct scenario *model_find_scenario(const struct model *m, const char *name);

/*
 * Fill the derived fields of every scenario's span tree and the injection
 * table (idempotent; the attempt names and the table go to m->arena). 0,
 * or OTELSIM_ENOMEM with err filled.
 */
int model_finish(struct model *m, struct otelsim_error *err);

void model_release(struct model *m);

#endif
