/*
 * A native scenario's `phases:` (model/model.h struct phase_spec): changes
 * of the simulation over windows of the run. Read after the tree is
 * complete: phases name its services and span types, and a cascade walks
 * its service graph (parent span's service -> child span's service).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "load/loader.h"
#include "load/tree.h"
#include "util/error.h"
#include "util/timefmt.h"
#include "util/workload.h"

#define MAX_PHASES   1000
#define MAX_TARGETS  256
#define NOT_UPSTREAM UINT32_MAX

static const char *const kind_members[] = { "latency",	  "errors",  "down",  "cascade",
					    "deployment", "traffic", "spike", "scattered_errors",
					    NULL };

struct ph_draft {
	struct phase_spec ph;
	const struct scenario *sc;
	struct load_state *ls;
	const struct ynode *at, *end_at, *len_at, *service_at;
	bool has_start, has_len, has_end, has_rate, has_err;
	int64_t end_ns;
};

/* Whether a span of the tree is named `name`. */
static bool tree_span(const struct span_spec *s, const char *name, int depth)
{
	if (!s || depth > LOAD_MAX_SPAN_DEPTH + 2)
		return false;
	if (s->name && !strcmp(s->name, name))
		return true;
	for (uint32_t i = 0; i < s->nchildren; i++)
		if (tree_span(&s->children[i], name, depth + 1))
			return true;
	return false;
}

static int fill_kind(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	for (int i = 0; kind_members[i]; i++)
		if (!strcmp(v->str, kind_members[i])) {
			((struct ph_draft *)obj)->ph.kind = (uint8_t)i;
			return 0;
		}
	return schema_enum_error(c, v, k->key, v->str, kind_members, PHASE_KIND_COUNT);
}

/* An offset or length: "90s", "2m", "1500ms" (a unit is needed; 0 may go without). */
static int phase_time(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      int64_t *out)
{
	int64_t ns;

	if (v->str && !strcmp(v->str, "0")) {
		*out = 0;
		return 0;
	}
	if (!v->str || duration_parse(v->str, 0, &ns) || ns < 0 || ns > WORKLOAD_MAX_DURATION_NS ||
	    !strpbrk(v->str, "abcdefghijklmnopqrstuvwxyz"))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'%s' is a time with a unit (90s, 2m, 1500ms, 1h), at most "
				    "365d, not '%.100s'",
				    k->key, v->str ? v->str : "");
	*out = ns;
	return 0;
}

static int fill_start(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct ph_draft *d = obj;
	size_t n = v->str ? strlen(v->str) : 0;

	d->has_start = true;
	d->at = v;
	if (n > 1 && v->str[n - 1] == '%') {
		double pct = 0, scale = 1;
		bool ok = true, dot = false;

		for (size_t i = 0; i + 1 < n && ok; i++) { /* digits[.digits], whatever the locale */
			char ch = v->str[i];

			if (ch == '.' && !dot) {
				dot = true;
			} else if (ch >= '0' && ch <= '9') {
				if (dot)
					scale /= 10;
				pct = dot ? pct + (ch - '0') * scale : pct * 10 + (ch - '0');
			} else {
				ok = false;
			}
		}
		if (!ok || !(pct >= 0 && pct < 100))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'start' as a share of the run is from 0%% to below "
					    "100%%, not '%.100s'",
					    v->str);
		d->ph.start_frac = pct / 100;
		return 0;
	}
	return phase_time(c, k, v, &d->ph.start_ns);
}

static int fill_len(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		    void *obj)
{
	struct ph_draft *d = obj;

	d->has_len = true;
	d->len_at = v;
	return phase_time(c, k, v, &d->ph.len_ns);
}

static int fill_end(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		    void *obj)
{
	struct ph_draft *d = obj;

	d->has_end = true;
	d->end_at = v;
	return phase_time(c, k, v, &d->end_ns);
}

/* One service name of the tree into d's targets. */
static int add_service(struct schema_ctx *c, struct ph_draft *d, const struct ynode *v)
{
	int32_t idx;

	if (v->type != YN_SCALAR || !v->str)
		return schema_error(c, OTELSIM_EINPUT, v, "a service is a name, not %s",
				    ynode_kind(v));
	idx = tree_find_service(d->ls, d->sc->root, v->str);
	if (idx < 0)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "unknown service '%s' (no span of this scenario runs on it)",
				    v->str);
	for (uint32_t i = 0; i < d->ph.nservices; i++)
		if (d->ph.services[i] == (uint32_t)idx)
			return schema_error(c, OTELSIM_EINPUT, v, "service '%s' is named twice",
					    v->str);
	d->ph.services[d->ph.nservices++] = (uint32_t)idx;
	return 0;
}

static int fill_services(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct ph_draft *d = obj;
	size_t n = v->type == YN_SEQ ? v->n : 1;
	int rc = 0;

	if (n > MAX_TARGETS)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d services", MAX_TARGETS);
	if (d->ph.services)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "give 'service' or 'services', not both");
	d->ph.services = ARENA_NEWN(&c->m->arena, uint32_t, n ? n : 1);
	if (!d->ph.services)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	if (!strcmp(k->key, "service"))
		d->service_at = v;
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_service(c, d, v->type == YN_SEQ ? v->items[i] : v);
	return rc;
}

static int fill_span_types(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	struct ph_draft *d = obj;
	size_t n = v->type == YN_SEQ ? v->n : 1;

	(void)k;
	if (n > MAX_TARGETS)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d span types", MAX_TARGETS);
	d->ph.span_types = ARENA_NEWN(&c->m->arena, const char *, n ? n : 1);
	if (!d->ph.span_types)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct ynode *t = v->type == YN_SEQ ? v->items[i] : v;
		int rc;

		if (t->type != YN_SCALAR || !t->str)
			return schema_error(c, OTELSIM_EINPUT, t, "a span type is a name, not %s",
					    ynode_kind(t));
		if (!tree_span(d->sc->root, t->str, 0))
			return schema_error(c, OTELSIM_EINPUT, t,
					    "unknown span type '%s' (no span of this scenario has "
					    "it)",
					    t->str);
		rc = value_string(c, t, &d->ph.span_types[d->ph.nspan_types++]);
		if (rc)
			return rc;
	}
	return 0;
}

static int fill_factor(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct ph_draft *d = obj;
	double f;

	if (d->ph.has_factor)
		return schema_error(c, OTELSIM_EINPUT, v, "give 'factor' or 'ramp', not both");
	if (ynode_double(v, &f) || !(f >= 0) || f > 1e6)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'%s' is a multiplier from 0 to 1000000, not '%.100s'", k->key,
				    v->str);
	d->ph.from = d->ph.to = f;
	d->ph.has_factor = true;
	return 0;
}

static int fill_ramp(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct ph_draft *d = obj;
	double f[2] = { 0, 0 };

	(void)k;
	if (d->ph.has_factor)
		return schema_error(c, OTELSIM_EINPUT, v, "give 'factor' or 'ramp', not both");
	if (v->type != YN_SEQ || v->n != 2)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'ramp' is [from, to]: the factor at the phase's start and at "
				    "its end, like [1, 5]");
	for (int i = 0; i < 2; i++)
		if (ynode_double(v->items[i], &f[i]) || !(f[i] >= 0) || f[i] > 1e6)
			return schema_error(c, OTELSIM_EINPUT, v->items[i],
					    "a ramp's factor is a number from 0 to 1000000%s, not "
					    "'%.100s'",
					    f[i] < 0 ? " (a negative factor makes no sense)" : "",
					    v->items[i]->str ? v->items[i]->str : "");
	d->ph.from = f[0];
	d->ph.to = f[1];
	d->ph.has_factor = true;
	return 0;
}

static int fill_rate(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct ph_draft *d = obj;

	(void)c, (void)k;
	ynode_double(v, &d->ph.rate);
	d->has_rate = true;
	return 0;
}

static int fill_fast(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct ph_draft *d = obj;

	if (ynode_double(v, &d->ph.fast_factor) || !(d->ph.fast_factor >= 0) ||
	    d->ph.fast_factor > 1)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' is a fraction from 0 to 1",
				    k->key);
	return 0;
}

static int fill_err_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)k;
	((struct ph_draft *)obj)->has_err = true;
	return value_string(c, v, &((struct ph_draft *)obj)->ph.err.type);
}

static int fill_err_msg(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)k;
	return value_string(c, v, &((struct ph_draft *)obj)->ph.err.message);
}

static const struct key_def phase_error_keys[] = {
	{ "type", KT_STRING, 0, NULL, NULL, fill_err_type, SCHEMA_NOFILL,
	  "error.type of the spans it fails (default: the kind's: PhaseError, "
	  "ConnectionError, ...)" },
	{ "message", KT_STRING, 0, NULL, NULL, fill_err_msg, SCHEMA_NOFILL,
	  "their status message (default: the type)" },
};
SCHEMA_TABLE(phase_error_table, "phase.error", "what a phase's failures say", phase_error_keys);

static int fill_error(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)k;
	return schema_walk(c, &phase_error_table, v, obj);
}

static int fill_hop(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		    void *obj)
{
	return phase_time(c, k, v, &((struct ph_draft *)obj)->ph.hop_delay_ns);
}

static int fill_breaker(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct ph_draft *d = obj;

	if (v->type == YN_SCALAR && v->str && !strcmp(v->str, "false")) {
		d->ph.breaker_after_ns = -1;
		return 0;
	}
	return phase_time(c, k, v, &d->ph.breaker_after_ns);
}

static int fill_version(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)k;
	return value_string(c, v, &((struct ph_draft *)obj)->ph.version);
}

static int fill_restart(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	return phase_time(c, k, v, &((struct ph_draft *)obj)->ph.restart_ns);
}

static int fill_series(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct ph_draft *d = obj;

	(void)k;
	for (uint32_t i = 0; i < d->sc->nseries; i++)
		if (!strcmp(d->sc->series[i].name, v->str))
			return value_string(c, v, &d->ph.series);
	return schema_error(c, OTELSIM_EINPUT, v,
			    "unknown series '%s' (the scenario's `series:` has no such name)",
			    v->str);
}

static int fill_incident(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)c, (void)k;
	((struct ph_draft *)obj)->ph.incident = !strcmp(v->str, "true");
	return 0;
}

static const struct key_def phase_keys[] = {
	{ "kind", KT_ENUM, KF_REQUIRED, kind_members, NULL, fill_kind, SCHEMA_NOFILL,
	  "latency, errors, down, cascade, deployment, traffic, spike or scattered_errors" },
	{ "start", KT_SCALAR, 0, NULL, "at", fill_start, SCHEMA_NOFILL,
	  "when it starts, from the run's start (90s, 2m; default 0), or a share of the run's "
	  "duration (25%: --duration moves it)" },
	{ "duration", KT_SCALAR, 0, NULL, NULL, fill_len, SCHEMA_NOFILL,
	  "how long it lasts (60s; default: to the end of the run's duration)" },
	{ "end", KT_SCALAR, 0, NULL, NULL, fill_end, SCHEMA_NOFILL,
	  "when it ends, from the run's start (instead of duration)" },
	{ "services", KT_ANY, 0, NULL, NULL, fill_services, SCHEMA_NOFILL,
	  "the services whose spans (and series) it changes (default: every one)" },
	{ "service", KT_STRING, 0, NULL, NULL, fill_services, SCHEMA_NOFILL,
	  "one service (a cascade's origin, a deployment's service)" },
	{ "span_types", KT_ANY, 0, NULL, NULL, fill_span_types, SCHEMA_NOFILL,
	  "only spans of these types (names)" },
	{ "factor", KT_NUMBER, 0, NULL, NULL, fill_factor, SCHEMA_NOFILL,
	  "latency, traffic, spike, deployment: the multiplier" },
	{ "ramp", KT_LIST, 0, NULL, NULL, fill_ramp, SCHEMA_NOFILL,
	  "[from, to]: a multiplier growing (or falling) linearly over the phase" },
	{ "rate", KT_PROB, 0, NULL, NULL, fill_rate, SCHEMA_NOFILL,
	  "errors, down, cascade, deployment, scattered_errors: the chance each target span "
	  "fails (down: default 1)" },
	{ "error", KT_MAP, 0, NULL, NULL, fill_error, SCHEMA_NOFILL,
	  "{type, message}: what its failures say" },
	{ "fast_factor", KT_NUMBER, 0, NULL, NULL, fill_fast, SCHEMA_NOFILL,
	  "down, open circuit breakers: failing spans last their latency x this (default "
	  "0.05)" },
	{ "hop_delay", KT_SCALAR, 0, NULL, NULL, fill_hop, SCHEMA_NOFILL,
	  "cascade: how long the failure takes to reach each next caller (default 10s)" },
	{ "circuit_breaker", KT_SCALAR, 0, NULL, NULL, fill_breaker, SCHEMA_NOFILL,
	  "cascade: how long after the failure reaches a caller its breaker opens (default "
	  "5s; false: none)" },
	{ "version", KT_STRING, 0, NULL, NULL, fill_version, SCHEMA_NOFILL,
	  "deployment: the version deployed" },
	{ "restart", KT_SCALAR, 0, NULL, NULL, fill_restart, SCHEMA_NOFILL,
	  "deployment: how long its services restart (series at their min; default 10s)" },
	{ "series", KT_STRING, 0, NULL, NULL, fill_series, SCHEMA_NOFILL,
	  "spike, deployment: only this series (default: every series of its services)" },
	{ "incident", KT_BOOL, 0, NULL, NULL, fill_incident, SCHEMA_NOFILL,
	  "whether --incident-duration sets its length (default: true but for traffic, spike "
	  "and scattered_errors)" },
};

const struct key_table phase_table = { "phase", "one phase of a scenario", phase_keys,
				       sizeof(phase_keys) / sizeof(phase_keys[0]) };

/* Services calling `svc` directly: a parent span on another service with a child on svc. */
static void graph_edges(const struct span_spec *s, int32_t up, uint8_t *calls, uint32_t n,
			int depth)
{
	int32_t me = s->service >= 0 ? s->service : up;

	if (depth > LOAD_MAX_SPAN_DEPTH + 2)
		return;
	if (up >= 0 && me >= 0 && me != up && (uint32_t)me < n && (uint32_t)up < n)
		calls[(size_t)up * n + (size_t)me] = 1;
	for (uint32_t i = 0; i < s->nchildren; i++)
		graph_edges(&s->children[i], me, calls, n, depth + 1);
}

/* A cascade: hops upstream from its service (breadth first over the callers). */
static int cascade_hops(struct schema_ctx *c, struct ph_draft *d)
{
	uint32_t n = (uint32_t)d->ls->nsvcs, origin = d->ph.services[0], reached = 0;
	uint8_t *calls;
	uint32_t *hops;

	calls = arena_zalloc(&c->m->arena, (size_t)n * n);
	hops = ARENA_NEWN(&c->m->arena, uint32_t, n);
	if (!calls || !hops)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	graph_edges(d->sc->root, d->sc->root->service, calls, n, 0);
	for (uint32_t i = 0; i < n; i++)
		hops[i] = NOT_UPSTREAM;
	hops[origin] = 0;
	for (uint32_t h = 0; h < n; h++)
		for (uint32_t to = 0; to < n; to++)
			for (uint32_t from = 0; hops[to] == h && from < n; from++)
				if (calls[(size_t)from * n + to] && hops[from] == NOT_UPSTREAM) {
					hops[from] = h + 1;
					reached++;
				}
	if (!reached)
		return schema_error(c, OTELSIM_EINPUT, d->service_at,
				    "a cascade spreads to the callers of '%s', and no span of "
				    "another service calls it",
				    d->ls->svcs[origin].name);
	d->ph.hops = hops;
	d->ph.nhops = n;
	return 0;
}

static const char *const default_types[PHASE_KIND_COUNT] = {
	NULL,	"PhaseError", "ConnectionError", "ServiceUnavailable", "DeploymentError",
	NULL,	NULL,	      "IntermittentError",
};

/* Kind rules and defaults after the walk. */
static int finish_phase(struct schema_ctx *c, struct ph_draft *d, const struct ynode *at)
{
	struct phase_spec *ph = &d->ph;
	const struct workload_spec *w = &d->sc->workload;
	int k = ph->kind;

	if (ph->start_frac >= 0 && d->has_end)
		return schema_error(c, OTELSIM_EINPUT, d->end_at,
				    "a phase that starts at a share of the run gives a 'duration', "
				    "not an 'end'");
	if (ph->start_frac >= 0 && !d->has_len)
		return schema_error(c, OTELSIM_EINPUT, at,
				    "a phase that starts at a share of the run needs a 'duration'");
	if (ph->start_frac >= 0)
		ph->start_ns = w->has_duration ? (int64_t)(ph->start_frac * (double)w->duration_ns)
					       : 0;
	if (d->has_len && d->has_end)
		return schema_error(c, OTELSIM_EINPUT, d->end_at,
				    "give 'duration' or 'end', not both");
	if (d->has_end) {
		if (d->end_ns <= ph->start_ns)
			return schema_error(c, OTELSIM_EINPUT, d->end_at,
					    "the phase ends before it starts");
		ph->len_ns = d->end_ns - ph->start_ns;
	} else if (!d->has_len) {
		if (!w->has_duration)
			return schema_error(c, OTELSIM_EINPUT, at,
					    "a phase needs a 'duration' (or an 'end') when the "
					    "scenario has none");
		ph->len_ns = w->duration_ns - ph->start_ns;
	}
	if (ph->len_ns <= 0)
		return schema_error(c, OTELSIM_EINPUT, d->len_at ? d->len_at : at,
				    "a phase lasts more than 0");
	if (w->has_duration && ph->start_ns + ph->len_ns > w->duration_ns)
		return schema_error(c, OTELSIM_EINPUT, d->len_at ? d->len_at : d->end_at ? d->end_at : d->at ? d->at : at,
				    "the phase ends at %.9gs, after the workload's duration "
				    "(%.9gs)",
				    (double)(ph->start_ns + ph->len_ns) / 1e9,
				    (double)w->duration_ns / 1e9);
	if ((k == PHASE_LATENCY || k == PHASE_TRAFFIC || k == PHASE_SPIKE) && !ph->has_factor)
		return schema_error(c, OTELSIM_EINPUT, at, "a %s phase needs a 'factor' or a 'ramp'",
				    kind_members[k]);
	if (!ph->has_factor)
		ph->from = ph->to = 1;
	if ((k == PHASE_ERRORS || k == PHASE_SCATTERED) && !d->has_rate)
		return schema_error(c, OTELSIM_EINPUT, at, "a %s phase needs a 'rate'",
				    kind_members[k]);
	if (k == PHASE_DOWN && !d->has_rate)
		ph->rate = 1;
	if ((k == PHASE_DOWN || k == PHASE_CASCADE || k == PHASE_DEPLOYMENT) && !ph->nservices &&
	    !ph->nspan_types)
		return schema_error(c, OTELSIM_EINPUT, at, "a %s phase needs a 'service'",
				    kind_members[k]);
	if (k == PHASE_CASCADE && (ph->nservices != 1 || ph->nspan_types))
		return schema_error(c, OTELSIM_EINPUT, at,
				    "a cascade starts at one 'service' (no span_types)");
	if (k == PHASE_CASCADE && !d->has_rate)
		ph->rate = 1;
	if (k == PHASE_TRAFFIC && (ph->nservices || ph->nspan_types))
		return schema_error(c, OTELSIM_EINPUT, at,
				    "a traffic phase changes the arrivals of the whole scenario: "
				    "no services or span_types");
	if (!ph->err.type)
		ph->err.type = default_types[k] ? default_types[k] : "PhaseError";
	ph->err.rate = ph->rate;
	ph->err.propagate = ERR_MARK_ANCESTORS;
	ph->breaker_err.type = "CircuitBreakerOpen";
	ph->breaker_err.message = "circuit breaker open: the service it calls is failing";
	ph->breaker_err.propagate = ERR_MARK_ANCESTORS;
	if (!d->has_rate && k != PHASE_DOWN && k != PHASE_CASCADE)
		ph->rate = k == PHASE_DEPLOYMENT ? 0 : ph->rate;
	ph->incident = d->ph.incident;
	return k == PHASE_CASCADE ? cascade_hops(c, d) : 0;
}

/* Whether two phases' targets share a span (no targets: every span). */
static bool targets_meet(const struct phase_spec *a, const struct phase_spec *b)
{
	bool svc = !a->nservices || !b->nservices, type = !a->nspan_types || !b->nspan_types;

	for (uint32_t i = 0; !svc && i < a->nservices; i++)
		for (uint32_t j = 0; j < b->nservices; j++)
			svc = svc || a->services[i] == b->services[j];
	for (uint32_t i = 0; !type && i < a->nspan_types; i++)
		for (uint32_t j = 0; j < b->nspan_types; j++)
			type = type || !strcmp(a->span_types[i], b->span_types[j]);
	return svc && type;
}

/*
 * Phases of one kind on the same spans must not overlap in time (which
 * would win is not obvious); other kinds combine (latency factors
 * multiply, the first failing phase wins).
 */
static int check_overlap(struct schema_ctx *c, const struct scenario *sc, uint32_t i,
			 const struct ynode *at)
{
	const struct phase_spec *b = &sc->phases[i];

	for (uint32_t j = 0; j < i; j++) {
		const struct phase_spec *a = &sc->phases[j];

		if (a->kind != b->kind || !targets_meet(a, b))
			continue;
		if (a->start_ns < b->start_ns + b->len_ns && b->start_ns < a->start_ns + a->len_ns)
			return schema_error(c, OTELSIM_EINPUT, at,
					    "this %s phase overlaps phase %u (line %d) on the same "
					    "targets: phases of one kind cannot overlap",
					    kind_members[b->kind], j + 1, a->pos.line);
	}
	return 0;
}

int phases_fill(struct schema_ctx *c, struct load_state *ls, const struct ynode *v,
		struct scenario *sc)
{
	if (v->n > MAX_PHASES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d phases", MAX_PHASES);
	sc->phases = ARENA_NEWN(&c->m->arena, struct phase_spec, v->n ? v->n : 1);
	if (!sc->phases)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->items[i];
		struct ph_draft d;
		int rc;

		if (item->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, item,
					    "a phase must be a mapping, not %s", ynode_kind(item));
		memset(&d, 0, sizeof(d));
		d.sc = sc;
		d.ls = ls;
		d.ph.fast_factor = 0.05;
		d.ph.start_frac = -1;
		d.ph.hop_delay_ns = 10000000000LL;
		d.ph.breaker_after_ns = 5000000000LL;
		d.ph.restart_ns = 10000000000LL;
		d.ph.pos.file = c->file;
		d.ph.pos.line = item->line;
		d.ph.pos.col = item->col;
		d.ph.incident = true;
		rc = schema_walk(c, &phase_table, item, &d);
		if (!rc && !schema_get(&phase_table, item, "incident"))
			d.ph.incident = d.ph.kind != PHASE_TRAFFIC && d.ph.kind != PHASE_SPIKE &&
					d.ph.kind != PHASE_SCATTERED;
		if (!rc)
			rc = finish_phase(c, &d, item);
		if (rc)
			return rc;
		sc->phases[i] = d.ph;
		rc = check_overlap(c, sc, (uint32_t)i, item);
		if (rc)
			return rc;
	}
	sc->nphases = (uint32_t)v->n;
	return 0;
}
