/*
 * load/metrics.c - a native scenario's `metrics:` rules, `series:` and
 * `metric_interval`, and the conventions' default rules (`emit_metrics:
 * true` without rules). The keys are tables (load/schema.h); the checks a
 * table cannot make (a span type, attribute or service the scenario does
 * not have, a value attribute that is not a number, bucket boundaries that
 * do not increase, a unit a duration cannot be scaled to, bounds with
 * min >= max) are made here, at the offending node, once the span tree is
 * known (the scenario table lists these keys after `root`).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/loader.h"
#include "load/semconv.h"
#include "model/semconv.h"
#include "util/error.h"
#include "util/timefmt.h"

#define MAX_RULES  256
#define MAX_BOUNDS 256

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

/* ---- what the span tree has ---- */

static const struct span_spec *find_span(const struct span_spec *s, const char *name, int depth)
{
	if (!s || depth > 1000)
		return NULL;
	if (s->name && !s->name_tmpl && !strcmp(s->name, name))
		return s;
	if (s->name && !s->name_tmpl && s->retry.enabled && !strncmp(s->name, name, strlen(s->name)) &&
	    !strcmp(name + strlen(s->name), ".attempt"))
		return s; /* a retried span's attempts */
	for (uint32_t i = 0; i < s->nchildren; i++) {
		const struct span_spec *f = find_span(&s->children[i], name, depth + 1);

		if (f)
			return f;
	}
	return NULL;
}

/* The attribute spec some span of the tree sets for key, or NULL. */
static const struct attr_spec *find_attr(const struct span_spec *s, const char *key, int depth)
{
	if (!s || depth > 1000)
		return NULL;
	for (uint32_t i = 0; i < s->nattrs; i++)
		if (!strcmp(s->attrs[i].key, key))
			return &s->attrs[i];
	for (uint32_t i = 0; i < s->nchildren; i++) {
		const struct attr_spec *a = find_attr(&s->children[i], key, depth + 1);

		if (a)
			return a;
	}
	return NULL;
}

/* The resource index of a span of the tree on service `name`, or -1. */
static int32_t find_service(const struct load_state *ls, const struct span_spec *s,
			    const char *name, int depth)
{
	if (!s || depth > 1000)
		return -1;
	if (s->service >= 0 && (size_t)s->service < ls->nsvcs &&
	    !strcmp(ls->svcs[s->service].name, name))
		return s->service;
	for (uint32_t i = 0; i < s->nchildren; i++) {
		int32_t f = find_service(ls, &s->children[i], name, depth + 1);

		if (f >= 0)
			return f;
	}
	return -1;
}

static struct load_state *lstate(struct schema_ctx *c)
{
	return native_load_state(c);
}

/* ---- units ---- */

/* ns per unit of a duration unit, 0 when `unit` is not one. */
static double duration_div(const char *unit)
{
	static const struct {
		const char *unit;
		double div;
	} units[] = { { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 }, { "min", 60e9 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			return units[i].div;
	return 0;
}

/* ---- one rule ---- */

struct rule_draft;
static void apply_default(struct rule_draft *d);

static const char *const instrument_members[] = { "counter", "updown_counter", "gauge", "histogram",
						  "exponential_histogram", NULL };
static const char *const kind_members[] = { "internal", "server",   "client",
					    "producer", "consumer", NULL };

/* What the walker fills; the rule is lowered from it by finish_rule. */
struct rule_draft {
	struct metric_rule r;
	const struct ynode *at, *name_at, *instrument_at, *unit_at, *value_at, *span_at,
		*service_at, *where_at, *attrs_at, *buckets_at, *scale_at, *size_at, *kind_at,
		*set_at;
	bool has_instrument;
	int64_t max_scale, max_size;
};

static int fill_rstring(struct schema_ctx *c, const struct ynode *v, const char **out)
{
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "must not be empty");
	return value_string(c, v, out);
}

#define DRAFT_NODE_FILL(fn, field, node)                                                        \
	static int fn(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,      \
		      void *obj)                                                                 \
	{                                                                                        \
		struct rule_draft *d = obj;                                                      \
                                                                                                 \
		(void)k;                                                                         \
		d->node = v;                                                                     \
		return fill_rstring(c, v, &d->r.field);                                          \
	}

DRAFT_NODE_FILL(fill_rname, name, name_at)
DRAFT_NODE_FILL(fill_runit, unit, unit_at)
DRAFT_NODE_FILL(fill_rspan, span_name, span_at)
DRAFT_NODE_FILL(fill_rservice, service, service_at)

static int fill_rinstrument(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	struct rule_draft *d = obj;

	(void)k;
	for (int i = 0; instrument_members[i]; i++)
		if (!strcmp(v->str, instrument_members[i]) ||
		    (i == MI_UPDOWN && !strcmp(v->str, "updowncounter"))) {
			d->r.instrument = (uint8_t)i;
			d->has_instrument = true;
			d->instrument_at = v;
			return 0;
		}
	return schema_enum_error(c, v, "instrument", v->str, instrument_members, MI_COUNT);
}

static int fill_rkind(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)k;
	for (int i = 0; kind_members[i]; i++)
		if (!strcasecmp(v->str, kind_members[i])) {
			((struct rule_draft *)obj)->r.kind = (uint8_t)(i + 1);
			((struct rule_draft *)obj)->kind_at = v;
			return 0;
		}
	return schema_enum_error(c, v, "kind", v->str, kind_members, 5);
}

static int fill_rvalue(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct rule_draft *d = obj;
	int64_t one;

	(void)k;
	d->value_at = v;
	if (ynode_int(v, &one) == 0) {
		if (one != 1)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'value' is duration, 1 or a numeric span attribute, "
					    "not %lld",
					    (long long)one);
		d->r.value = MV_ONE;
		return 0;
	}
	if (!ynode_is_string(v) || !v->len)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'value' is duration, 1 or a numeric span attribute, not %s",
				    ynode_kind(v));
	if (!strcmp(v->str, "duration")) {
		d->r.value = MV_DURATION;
		return 0;
	}
	d->r.value = MV_ATTR;
	d->r.value_key = vendor_rewrite(c->m, v->str, v->len, &d->r.value_key_len);
	return d->r.value_key ? 0 : oom(c);
}

static int fill_rwhere(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct rule_draft *d = obj;
	struct keyval *kv = NULL;
	uint32_t n = 0;
	int rc;

	(void)k;
	if (v->n != 1)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'where' names one attribute and its value ({key: value}), "
				    "not %zu",
				    v->n);
	rc = value_const_attrs(c, v, &kv, &n);
	if (rc)
		return rc;
	d->where_at = v;
	d->r.where_key = kv[0].key;
	d->r.where_value = kv[0].value;
	return 0;
}

static int fill_rset(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct rule_draft *d = obj;
	struct keyval *kv = NULL;
	uint32_t n = 0;
	int rc;

	(void)k;
	rc = value_const_attrs(c, v, &kv, &n);
	if (rc)
		return rc;
	d->set_at = v;
	d->r.fixed = kv;
	d->r.nfixed = n;
	return 0;
}

static int fill_rattrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct rule_draft *d = obj;

	(void)k;
	d->attrs_at = v;
	d->r.attr_keys = ARENA_NEWN(&c->m->arena, const char *, v->n ? v->n : 1);
	if (!d->r.attr_keys)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *a = v->items[i];
		uint32_t len;

		if (a->type != YN_SCALAR || !ynode_is_string(a) || !a->len)
			return schema_error(c, OTELSIM_EINPUT, a,
					    "an attribute name must be a non-empty string, not %s",
					    ynode_kind(a));
		d->r.attr_keys[i] = vendor_rewrite(c->m, a->str, a->len, &len);
		if (!d->r.attr_keys[i])
			return oom(c);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d->r.attr_keys[j], d->r.attr_keys[i]))
				return schema_error(c, OTELSIM_EINPUT, a,
						    "attribute '%s' is listed twice", a->str);
	}
	d->r.nattr_keys = (uint32_t)v->n;
	return 0;
}

/* Bucket boundaries: finite numbers, strictly increasing. */
static int read_bounds(struct schema_ctx *c, const struct ynode *v, const double **out,
		       uint32_t *n)
{
	double *b;

	if (v->n > MAX_BOUNDS)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d bucket boundaries",
				    MAX_BOUNDS);
	b = ARENA_NEWN(&c->m->arena, double, v->n ? v->n : 1);
	if (!b)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (ynode_double(it, &b[i]) || b[i] != b[i] || b[i] - b[i] != 0)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "a bucket boundary must be a finite number, not %s",
					    ynode_kind(it));
		if (i && !(b[i] > b[i - 1]))
			return schema_error(c, OTELSIM_EINPUT, it,
					    "bucket boundaries must increase (%s after %s)",
					    it->str, v->items[i - 1]->str);
	}
	*out = b;
	*n = (uint32_t)v->n;
	return 0;
}

static int fill_rbuckets(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct rule_draft *d = obj;

	(void)k;
	d->buckets_at = v;
	return read_bounds(c, v, &d->r.bounds, &d->r.nbounds);
}

static int fill_rscale(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct rule_draft *d = obj;

	(void)k;
	if (ynode_int(v, &d->max_scale) || d->max_scale < -10 || d->max_scale > 20)
		return schema_error(c, OTELSIM_EINPUT, v, "'max_scale' is an integer -10..20");
	d->scale_at = v;
	return 0;
}

static int fill_rsize(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct rule_draft *d = obj;

	(void)k;
	if (ynode_int(v, &d->max_size) || d->max_size < 2 || d->max_size > 16384)
		return schema_error(c, OTELSIM_EINPUT, v, "'max_size' is an integer 2..16384");
	d->size_at = v;
	return 0;
}

static const struct key_def rule_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_rname, SCHEMA_NOFILL,
	  "the metric's name (a conventions metric brings its instrument, unit, attributes "
	  "and buckets)" },
	{ "instrument", KT_STRING, 0, instrument_members, NULL, fill_rinstrument, SCHEMA_NOFILL,
	  "counter, updown_counter, gauge, histogram or exponential_histogram (default: the "
	  "conventions', else histogram for a duration, counter otherwise)" },
	{ "unit", KT_STRING, 0, NULL, NULL, fill_runit, SCHEMA_NOFILL,
	  "UCUM unit (default: the conventions'; s for a duration); a duration is scaled to "
	  "s, ms, us, ns or min, and so are the conventions' boundaries" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct rule_draft, r.description),
	  "the metric's description" },
	{ "span_type", KT_STRING, 0, NULL, "span", fill_rspan, SCHEMA_NOFILL,
	  "only spans of this type (name)" },
	{ "service", KT_STRING, 0, NULL, NULL, fill_rservice, SCHEMA_NOFILL,
	  "only spans of this service" },
	{ "kind", KT_STRING, 0, kind_members, NULL, fill_rkind, SCHEMA_NOFILL,
	  "only spans of this kind" },
	{ "where", KT_MAP, 0, NULL, NULL, fill_rwhere, SCHEMA_NOFILL,
	  "{attribute: value}: only spans whose attribute has this value" },
	{ "value", KT_SCALAR, 0, NULL, NULL, fill_rvalue, SCHEMA_NOFILL,
	  "what a span measures: duration (default for histograms), 1 (default otherwise) or "
	  "a numeric span attribute (gen_ai.usage.input_tokens)" },
	{ "attributes", KT_LIST, 0, NULL, NULL, fill_rattrs, SCHEMA_NOFILL,
	  "span attributes that become the metric's (default: for a metric of the conventions "
	  "otelsim derives by default, its attributes; else none)" },
	{ "set", KT_MAP, 0, NULL, NULL, fill_rset, SCHEMA_NOFILL,
	  "{attribute: value}: constant attributes of every point (gen_ai.token.type: input)" },
	{ "buckets", KT_LIST, 0, NULL, NULL, fill_rbuckets, SCHEMA_NOFILL,
	  "histogram bucket boundaries, increasing (default: the conventions')" },
	{ "max_scale", KT_INT, 0, NULL, NULL, fill_rscale, SCHEMA_NOFILL,
	  "exponential histogram: the largest scale (-10..20, default 20)" },
	{ "max_size", KT_INT, 0, NULL, NULL, fill_rsize, SCHEMA_NOFILL,
	  "exponential histogram: the most buckets per sign (default 160)" },
};

SCHEMA_TABLE(rule_table, "metric_rule", "a rule of `metrics:`: a metric derived from spans",
	     rule_keys);

/* The span tree a rule is checked against: none for a config's rules. */
static const struct span_spec *tree_of(const struct scenario *sc)
{
	return sc ? sc->root : NULL;
}

/* The attribute's type as the tree or the conventions know it (-1 unknown). */
static int attr_is_numeric(struct schema_ctx *c, const struct scenario *sc, const char *key)
{
	const struct attr_spec *a = find_attr(tree_of(sc), key, 0);
	const struct sc_attr *sa = c->m->semconv ? semconv_attr(c->m->semconv, key) : NULL;

	if (a)
		return a->gen.type == VAL_INT || a->gen.type == VAL_DOUBLE;
	if (sa)
		return sa->type == SC_INT || sa->type == SC_DOUBLE ||
		       (sa->type == SC_ENUM && sa->enum_value_type != SC_STRING);
	return -1;
}

static bool attr_known(struct schema_ctx *c, const struct scenario *sc, const char *key)
{
	return find_attr(sc->root, key, 0) ||
	       (c->m->semconv && semconv_attr(c->m->semconv, key)) || sc->session;
}

/*
 * The rule's span type, service and attributes exist in the scenario. A
 * config's rule (sc NULL) serves every scenario: a scenario without its
 * spans just gives it no measurements.
 */
static int check_filters(struct schema_ctx *c, const struct scenario *sc, struct rule_draft *d)
{
	struct metric_rule *r = &d->r;

	if (r->span_name) {
		uint32_t len;
		const char *n = vendor_rewrite(c->m, r->span_name, strlen(r->span_name), &len);

		if (!n)
			return oom(c);
		r->span_name = n;
		if (!sc)
			return 0; /* a config's rule: every scenario, spans or not */
		if (!find_span(sc->root, n, 0) && !sc->session)
			return schema_error(c, OTELSIM_EINPUT, d->span_at,
					    "unknown span type '%s' (no span of this scenario has "
					    "it)",
					    n);
	}
	if (!sc)
		return 0;
	if (r->service && find_service(lstate(c), sc->root, r->service, 0) < 0 &&
	    strcmp(r->service, load_default_service(lstate(c))))
		return schema_error(c, OTELSIM_EINPUT, d->service_at,
				    "unknown service '%s' (no span of this scenario runs on it)",
				    r->service);
	if (d->where_at && !attr_known(c, sc, r->where_key))
		return schema_error(c, OTELSIM_EINPUT, d->where_at->pairs[0].key,
				    "unknown attribute '%s' (no span of this scenario sets it, "
				    "and the conventions do not define it)",
				    r->where_key);
	for (uint32_t i = 0; d->attrs_at && i < r->nattr_keys; i++)
		if (!attr_known(c, sc, r->attr_keys[i]))
			return schema_error(c, OTELSIM_EINPUT, d->attrs_at->items[i],
					    "unknown attribute '%s' (no span of this scenario "
					    "sets it, and the conventions do not define it)",
					    r->attr_keys[i]);
	return 0;
}

static int check_value(struct schema_ctx *c, const struct scenario *sc, struct rule_draft *d)
{
	struct metric_rule *r = &d->r;
	int num;

	if (r->value != MV_ATTR)
		return 0;
	num = attr_is_numeric(c, sc, r->value_key);
	if (num < 0 && sc && !sc->session)
		return schema_error(c, OTELSIM_EINPUT, d->value_at,
				    "unknown attribute '%s' (no span of this scenario sets it, "
				    "and the conventions do not define it)",
				    r->value_key);
	if (num == 0)
		return schema_error(c, OTELSIM_EINPUT, d->value_at,
				    "value attribute '%s' is not numeric (a rule measures "
				    "numbers: use an int or double attribute)",
				    r->value_key);
	return 0;
}

static int instrument_of(const char *sc_instrument)
{
	if (!strcmp(sc_instrument, "counter"))
		return MI_COUNTER;
	if (!strcmp(sc_instrument, "updowncounter"))
		return MI_UPDOWN;
	if (!strcmp(sc_instrument, "gauge"))
		return MI_GAUGE;
	return MI_HISTOGRAM;
}

/* Unit, instrument and buckets: the rule's, else the conventions', scaled. */
static int resolve_unit(struct schema_ctx *c, struct rule_draft *d, const struct sc_metric *m)
{
	struct metric_rule *r = &d->r;
	double scale = 1;

	if (!d->has_instrument)
		r->instrument = m ? (uint8_t)instrument_of(m->instrument)
			      : r->value == MV_DURATION ? MI_HISTOGRAM
							: MI_COUNTER;
	if (!d->value_at)
		r->value = r->instrument == MI_HISTOGRAM || r->instrument == MI_EXP_HISTOGRAM
				   ? MV_DURATION
				   : MV_ONE;
	if (!r->unit)
		r->unit = m ? m->unit : r->value == MV_DURATION ? "s" : r->value == MV_ONE ? "{span}" : "1";
	if (r->value == MV_DURATION) {
		r->duration_div = duration_div(r->unit);
		if (r->duration_div == 0)
			return schema_error(c, OTELSIM_EINPUT, d->unit_at ? d->unit_at : d->at,
					    "unit '%s' cannot hold a duration (use s, ms, us, ns "
					    "or min)",
					    r->unit);
	}
	if (m && strcmp(m->unit, r->unit)) {
		double from = duration_div(m->unit), to = duration_div(r->unit);

		if (!from || !to)
			return schema_error(c, OTELSIM_EINPUT, d->unit_at,
					    "unit '%s' cannot be scaled from the conventions' "
					    "'%s' for '%s'",
					    r->unit, m->unit, r->name);
		scale = from / to;
	}
	if (r->instrument == MI_HISTOGRAM && !r->bounds && m && m->nbuckets) {
		double *b = ARENA_NEWN(&c->m->arena, double, m->nbuckets);

		if (!b)
			return oom(c);
		for (size_t i = 0; i < m->nbuckets; i++)
			b[i] = m->buckets[i] * scale;
		r->bounds = b;
		r->nbounds = (uint32_t)m->nbuckets;
	}
	return 0;
}

static int finish_rule(struct schema_ctx *c, const struct scenario *sc, struct rule_draft *d)
{
	struct metric_rule *r = &d->r;
	const struct sc_metric *m;
	uint32_t len;
	int rc;

	r->name = vendor_rewrite(c->m, r->name, strlen(r->name), &len);
	if (!r->name)
		return oom(c);
	m = c->m->semconv ? semconv_metric(c->m->semconv, r->name) : NULL;
	apply_default(d);
	if ((rc = check_filters(c, sc, d)) || (rc = check_value(c, sc, d)) ||
	    (rc = resolve_unit(c, d, m)))
		return rc;
	if (d->buckets_at && r->instrument != MI_HISTOGRAM)
		return schema_error(c, OTELSIM_EINPUT, d->buckets_at,
				    "'buckets' needs a histogram, not a %s",
				    instrument_members[r->instrument]);
	if ((d->scale_at || d->size_at) && r->instrument != MI_EXP_HISTOGRAM)
		return schema_error(c, OTELSIM_EINPUT, d->scale_at ? d->scale_at : d->size_at,
				    "'%s' needs an exponential_histogram",
				    d->scale_at ? "max_scale" : "max_size");
	r->max_scale = d->scale_at ? (int32_t)d->max_scale : 20;
	r->max_size = d->size_at ? (uint32_t)d->max_size : 160;
	r->is_int = r->value == MV_ONE ||
		    (r->value == MV_ATTR && attr_is_numeric(c, sc, r->value_key) > 0 &&
		     (find_attr(tree_of(sc), r->value_key, 0)
			      ? find_attr(tree_of(sc), r->value_key, 0)->gen.type == VAL_INT
			      : semconv_attr(c->m->semconv, r->value_key)->type == SC_INT));
	r->file = c->file;
	r->line = d->at->line;
	r->col = d->at->col;
	return 0;
}

/* The rules of list v, checked against sc's tree (sc NULL: a config's). */
static int read_rules(struct schema_ctx *c, const struct scenario *sc, const struct ynode *v,
		      struct metric_rule **out, uint32_t *nout)
{
	struct metric_rule *rules;
	int rc;

	if (v->n > MAX_RULES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d metric rules", MAX_RULES);
	rules = ARENA_NEWN(&c->m->arena, struct metric_rule, v->n ? v->n : 1);
	if (!rules)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct rule_draft d;

		memset(&d, 0, sizeof(d));
		d.at = v->items[i];
		if (d.at->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, d.at,
					    "a metric rule must be a mapping, not %s",
					    ynode_kind(d.at));
		if ((rc = schema_walk(c, &rule_table, d.at, &d)) || (rc = finish_rule(c, sc, &d)))
			return rc;
		for (size_t j = 0; j < i; j++) {
			const struct metric_rule *o = &rules[j];

			if (!strcmp(o->name, d.r.name) &&
			    (o->instrument != d.r.instrument || strcmp(o->unit, d.r.unit)))
				return schema_error(c, OTELSIM_EINPUT, d.name_at,
						    "metric '%s' is already a %s in '%s' (rule "
						    "%zu): rules of one metric agree on "
						    "instrument and unit",
						    d.r.name, instrument_members[o->instrument],
						    o->unit, j + 1);
		}
		rules[i] = d.r;
	}
	*out = rules;
	*nout = (uint32_t)v->n;
	return 0;
}

int metrics_fill_rules(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct scenario *sc = obj;

	(void)k;
	return read_rules(c, sc, v, &sc->metric_rules, &sc->nmetric_rules);
}

int metrics_fill_config_rules(struct schema_ctx *c, const struct key_def *k,
			      const struct ynode *v, void *obj)
{
	struct config *cfg = obj;

	(void)k;
	return read_rules(c, NULL, v, &cfg->metric_rules, &cfg->nmetric_rules);
}

/* Does one of rules[0..n) name metric `name`? */
static bool names_metric(const struct metric_rule *rules, uint32_t n, const char *name,
			 bool written_only)
{
	for (uint32_t i = 0; i < n; i++)
		if ((!written_only || rules[i].file) && !strcmp(rules[i].name, name))
			return true;
	return false;
}

/*
 * A config rule as scenario sc has it: a value attribute the conventions
 * do not define takes its type from the scenario's tree (integer points
 * for an int), and one the tree sets to a non-number is an error.
 */
static int config_rule_for(const struct scenario *sc, const struct metric_rule *r,
			   struct metric_rule *out, struct otelsim_error *err)
{
	const struct attr_spec *a =
		r->value == MV_ATTR ? find_attr(sc->root, r->value_key, 0) : NULL;

	*out = *r;
	if (!a)
		return 0;
	if (a->gen.type != VAL_INT && a->gen.type != VAL_DOUBLE)
		return error_at(err, OTELSIM_EINPUT, r->file, r->line, r->col,
				"value attribute '%s' is not numeric in scenario '%s' (a rule "
				"measures numbers: use an int or double attribute)",
				r->value_key, sc->name);
	out->is_int = a->gen.type == VAL_INT;
	return 0;
}

int metrics_add_config_rules(struct model *m, struct scenario *sc, struct otelsim_error *err)
{
	const struct config *cfg = &m->config;
	struct metric_rule *v;
	uint32_t n = 0;

	if (!cfg->nmetric_rules)
		return 0;
	v = ARENA_NEWN(&m->arena, struct metric_rule, sc->nmetric_rules + cfg->nmetric_rules);
	if (!v)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	/* the scenario's own rules; its defaults unless the config names their metric */
	for (uint32_t i = 0; i < sc->nmetric_rules; i++)
		if (sc->metric_rules[i].file ||
		    !names_metric(cfg->metric_rules, cfg->nmetric_rules, sc->metric_rules[i].name,
				  false))
			v[n++] = sc->metric_rules[i];
	/* the config's, unless the scenario writes rules of their metric */
	for (uint32_t i = 0; i < cfg->nmetric_rules; i++) {
		int rc;

		if (names_metric(sc->metric_rules, sc->nmetric_rules, cfg->metric_rules[i].name,
				 true))
			continue;
		rc = config_rule_for(sc, &cfg->metric_rules[i], &v[n++], err);
		if (rc)
			return rc;
	}
	sc->metric_rules = v;
	sc->nmetric_rules = n;
	return 0;
}

/* ---- series ---- */

struct series_draft {
	struct series_spec s;
	const struct scenario *sc;
	const struct ynode *services_at, *min_at;
};

static int fill_sname(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)k;
	return fill_rstring(c, v, &((struct series_draft *)obj)->s.name);
}

static int fill_sservices(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct series_draft *d = obj;
	const struct scenario *sc = d->sc;

	(void)k;
	d->services_at = v;
	if (!v->n)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'services' maps at least one service to its level");
	d->s.services = ARENA_NEWN(&c->m->arena, uint32_t, v->n);
	d->s.levels = ARENA_NEWN(&c->m->arena, double, v->n);
	d->s.names = ARENA_NEWN(&c->m->arena, const char *, v->n);
	if (!d->s.services || !d->s.levels || !d->s.names)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *val = v->pairs[i].value;
		int32_t idx = find_service(lstate(c), sc->root, key->str, 0);

		if (idx < 0)
			return schema_error(c, OTELSIM_EINPUT, key,
					    "unknown service '%s' (no span of this scenario runs "
					    "on it)",
					    key->str);
		if (ynode_double(val, &d->s.levels[i]) || d->s.levels[i] - d->s.levels[i] != 0)
			return schema_error(c, OTELSIM_EINPUT, val,
					    "a service's level must be a finite number, not %s",
					    ynode_kind(val));
		d->s.services[i] = (uint32_t)idx;
		d->s.names[i] = lstate(c)->svcs[idx].name;
	}
	d->s.nservices = (uint32_t)v->n;
	return 0;
}

static int fill_smin(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct series_draft *d = obj;

	(void)c, (void)k;
	d->min_at = v;
	d->s.has_min = true;
	return ynode_double(v, &d->s.min);
}

static int fill_smax(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct series_draft *d = obj;

	(void)c, (void)k;
	d->s.has_max = true;
	return ynode_double(v, &d->s.max);
}

static const char *const series_instruments[] = { "gauge", NULL };

static const struct key_def series_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_sname, SCHEMA_NOFILL,
	  "the metric's name (cpu_usage, db.client.connection.count...)" },
	{ "instrument", KT_ENUM, 0, series_instruments, NULL, NULL, SCHEMA_NOFILL,
	  "gauge (the only one: a series is sampled)" },
	{ "unit", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct series_draft, s.unit),
	  "UCUM unit (% for a percentage)" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct series_draft, s.description),
	  "the metric's description" },
	{ "services", KT_MAP, KF_REQUIRED, NULL, "baseline", fill_sservices, SCHEMA_NOFILL,
	  "{service: level}: each service's series and the level it reverts to" },
	{ "theta", KT_NUMBER, 0, NULL, "reversion", NULL, offsetof(struct series_draft, s.theta),
	  "reversion rate per second (> 0, default 0.1)" },
	{ "sigma", KT_NUMBER, 0, NULL, "volatility", NULL, offsetof(struct series_draft, s.sigma),
	  "volatility per square-root second (>= 0, default 0)" },
	{ "min", KT_NUMBER, 0, NULL, NULL, fill_smin, SCHEMA_NOFILL,
	  "lower bound: samples below are clamped (a percentage: 0)" },
	{ "max", KT_NUMBER, 0, NULL, NULL, fill_smax, SCHEMA_NOFILL,
	  "upper bound: samples above are clamped (a percentage: 100)" },
};

SCHEMA_TABLE(series_table, "metric_series",
	     "an entry of `series:`: a per-service gauge not tied to spans", series_keys);

int metrics_fill_series(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct scenario *sc = obj;
	int rc;

	(void)k;
	if (v->n > MAX_RULES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d series", MAX_RULES);
	sc->series = ARENA_NEWN(&c->m->arena, struct series_spec, v->n ? v->n : 1);
	if (!sc->series)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct series_draft d;
		const struct ynode *at = v->items[i];

		memset(&d, 0, sizeof(d));
		d.s.theta = 0.1;
		d.sc = sc;
		if (at->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, at,
					    "a series must be a mapping, not %s", ynode_kind(at));
		if ((rc = schema_walk(c, &series_table, at, &d)))
			return rc;
		if (!(d.s.theta > 0) || !(d.s.sigma >= 0))
			return schema_error(c, OTELSIM_EINPUT, at,
					    "a series needs theta > 0 and sigma >= 0");
		if (d.s.has_min && d.s.has_max && !(d.s.min < d.s.max))
			return schema_error(c, OTELSIM_EINPUT, d.min_at,
					    "bounds need min < max (min %g, max %g)", d.s.min,
					    d.s.max);
		d.s.file = c->file;
		d.s.line = at->line;
		d.s.col = at->col;
		sc->series[i] = d.s;
	}
	sc->nseries = (uint32_t)v->n;
	return 0;
}

/* ---- the interval ---- */

int metrics_fill_interval(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct scenario *sc = obj;
	double secs;
	int64_t ns;

	(void)k;
	if (duration_parse(v->str, 1000000000, &ns) == 0) {
		secs = (double)ns / 1e9;
	} else {
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'metric_interval' is a duration (10s, 500ms) or seconds, not "
				    "'%s'",
				    v->str);
	}
	if (!(secs >= 0.001) || !(secs <= 86400.0))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'metric_interval' must be between 1ms and 24h");
	sc->metric_interval_ns = ns;
	return 0;
}

const struct key_table *const metrics_key_tables[] = { &rule_table, &series_table, NULL };

/* ---- the conventions' defaults ---- */

/*
 * The metrics our bundled conventions define for the spans they describe:
 * which spans (kind, 0 any; an attribute they carry), what each measures,
 * and the metric attributes (the conventions' lists). Unit and buckets
 * come from the loaded conventions; a metric they do not define is left
 * out.
 */
struct default_rule {
	const char *name, *description;
	uint8_t kind;
	const char *has; /* attribute the span carries */
	const char *value_key;
	const char *token_type; /* gen_ai.token.type of the stream */
	const char *attrs[8];
};

static const struct default_rule default_rules[] = {
	{ "http.server.request.duration",
	  "Duration of inbound HTTP requests.",
	  2,
	  "http.request.method",
	  NULL,
	  NULL,
	  { "http.request.method", "http.response.status_code", "http.route", "url.scheme",
	    "error.type", "network.protocol.version", "server.address", "server.port" } },
	{ "http.client.request.duration",
	  "Duration of outbound HTTP requests.",
	  3,
	  "http.request.method",
	  NULL,
	  NULL,
	  { "http.request.method", "http.response.status_code", "server.address", "server.port",
	    "url.scheme", "error.type", "network.protocol.version" } },
	{ "db.client.operation.duration",
	  "Duration of database client calls.",
	  0,
	  "db.system.name",
	  NULL,
	  NULL,
	  { "db.system.name", "db.operation.name", "db.collection.name", "db.namespace",
	    "server.address", "server.port", "error.type" } },
	{ "rpc.server.call.duration",
	  "Duration of inbound remote calls.",
	  2,
	  "rpc.system.name",
	  NULL,
	  NULL,
	  { "rpc.system.name", "rpc.method", "rpc.response.status_code", "error.type" } },
	{ "rpc.client.call.duration",
	  "Duration of outbound remote calls.",
	  3,
	  "rpc.system.name",
	  NULL,
	  NULL,
	  { "rpc.system.name", "rpc.method", "rpc.response.status_code", "error.type",
	    "server.address", "server.port" } },
	{ "messaging.client.operation.duration",
	  "Duration of messaging client operations.",
	  0,
	  "messaging.system",
	  NULL,
	  NULL,
	  { "messaging.system", "messaging.operation.name", "messaging.destination.name",
	    "error.type", "server.address", "server.port" } },
	{ "gen_ai.client.operation.duration",
	  "Duration of GenAI client operations.",
	  3,
	  "gen_ai.operation.name",
	  NULL,
	  NULL,
	  { "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
	    "gen_ai.response.model", "error.type", "server.address", "server.port" } },
	{ "gen_ai.client.token.usage",
	  "Tokens used per GenAI operation, split by token type.",
	  3,
	  "gen_ai.operation.name",
	  "gen_ai.usage.input_tokens",
	  "input",
	  { "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
	    "gen_ai.response.model", "server.address", "server.port" } },
	{ "gen_ai.client.token.usage",
	  "Tokens used per GenAI operation, split by token type.",
	  3,
	  "gen_ai.operation.name",
	  "gen_ai.usage.output_tokens",
	  "output",
	  { "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
	    "gen_ai.response.model", "server.address", "server.port" } },
};
#define NDEFAULTS (sizeof(default_rules) / sizeof(default_rules[0]))

static int default_rule(struct schema_ctx *c, const struct default_rule *dr,
			const struct sc_metric *m, struct metric_rule *r)
{
	uint32_t n = 0;

	memset(r, 0, sizeof(*r));
	r->name = dr->name;
	r->description = dr->description;
	r->unit = m->unit;
	r->instrument = (uint8_t)instrument_of(m->instrument);
	r->kind = dr->kind;
	r->where_key = dr->has;
	r->where_value.type = VAL_NONE; /* present */
	r->value = dr->value_key ? MV_ATTR : MV_DURATION;
	r->value_key = dr->value_key;
	r->value_key_len = dr->value_key ? (uint32_t)strlen(dr->value_key) : 0;
	r->is_int = false; /* histograms: points hold doubles */
	r->duration_div = duration_div(m->unit);
	if (r->value == MV_DURATION && !r->duration_div)
		return 0; /* not a duration metric here: leave it out */
	r->bounds = m->buckets;
	r->nbounds = (uint32_t)m->nbuckets;
	r->max_scale = 20;
	r->max_size = 160;
	while (n < 8 && dr->attrs[n])
		n++;
	r->attr_keys = (const char **)dr->attrs;
	r->nattr_keys = n;
	if (dr->token_type) {
		struct keyval *kv = ARENA_NEW(&c->m->arena, struct keyval);

		if (!kv)
			return oom(c);
		kv->key = "gen_ai.token.type";
		kv->key_len = 17;
		kv->value.type = VAL_STRING;
		kv->value.u.s.ptr = dr->token_type;
		kv->value.u.s.len = (uint32_t)strlen(dr->token_type);
		r->fixed = kv;
		r->nfixed = 1;
	}
	return 1;
}

/*
 * A rule naming a metric of the table above takes what it leaves out from
 * the table: its span filter (when it gives none), its attributes and its
 * description (and, for the token usage, which of the two by its value).
 */
static void apply_default(struct rule_draft *d)
{
	struct metric_rule *r = &d->r;

	for (size_t i = 0; i < NDEFAULTS; i++) {
		const struct default_rule *dr = &default_rules[i];
		uint32_t n = 0;

		if (strcmp(dr->name, r->name) ||
		    (dr->value_key && r->value_key && strcmp(dr->value_key, r->value_key)))
			continue;
		if (!d->span_at && !d->service_at && !d->kind_at && !d->where_at) {
			r->kind = dr->kind;
			r->where_key = dr->has;
			r->where_value.type = VAL_NONE;
		}
		while (n < 8 && dr->attrs[n])
			n++;
		if (!d->attrs_at) {
			r->attr_keys = (const char **)dr->attrs;
			r->nattr_keys = n;
		}
		if (!r->description)
			r->description = dr->description;
		return;
	}
}

int metrics_defaults(struct schema_ctx *c, struct scenario *sc)
{
	if (!sc->emit_metrics || sc->nmetric_rules || !c->m->semconv)
		return 0;
	sc->metric_rules = ARENA_NEWN(&c->m->arena, struct metric_rule, NDEFAULTS);
	if (!sc->metric_rules)
		return oom(c);
	for (size_t i = 0; i < NDEFAULTS; i++) {
		const struct sc_metric *m = semconv_metric(c->m->semconv, default_rules[i].name);
		int rc;

		if (!m)
			continue;
		rc = default_rule(c, &default_rules[i], m, &sc->metric_rules[sc->nmetric_rules]);
		if (rc < 0)
			return rc;
		sc->nmetric_rules += (uint32_t)rc;
	}
	return 0;
}
