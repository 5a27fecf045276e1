/*
 * engine/mderive.c - the run's metric table (mrun_build) and step 1 of
 * engine/metrics.h: a block's spans to cells per (interval, stream).
 *
 * Key bytes of a cell (also the block partial's and the shard partial's):
 * interval (int64), metric (uint32), resource (uint32), then per metric
 * attribute present, in the rule's order then its fixed ones: key length
 * (uint16), key, type (uint8: enum value_type), value (string: uint32
 * length and bytes; int: int64; double: 8 bytes; bool: uint8), all
 * little-endian as the machine stores them (x86-64 and arm64 alike).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/mcell.h"
#include "engine/metrics.h"
#include "util/error.h"

/* ---- the run's table ---- */

static uint8_t kind_of(int instrument)
{
	switch (instrument) {
	case MI_COUNTER:
	case MI_UPDOWN:
		return METRIC_SUM;
	case MI_GAUGE:
		return METRIC_GAUGE;
	case MI_HISTOGRAM:
		return METRIC_HISTOGRAM;
	default:
		return METRIC_EXP_HISTOGRAM;
	}
}

static bool same_bounds(const struct metric_desc *d, const struct metric_rule *r)
{
	if (d->nbounds != r->nbounds)
		return false;
	for (uint32_t i = 0; i < d->nbounds; i++)
		if (d->bounds[i] != r->bounds[i])
			return false;
	return true;
}

/* The run's metric for a rule or series named `name`: found or added. */
static long metric_for(struct mrun *mr, const char *name, const struct metric_rule *r,
		       const struct series_spec *s, int temporality, struct otelsim_error *err)
{
	int instrument = r ? r->instrument : MI_GAUGE;
	const char *unit = r ? r->unit : s->unit;
	struct mrun_metric *m;

	for (uint32_t i = 0; i < mr->nmetrics; i++) {
		m = &mr->metrics[i];
		if (strcmp(m->desc.name, name))
			continue;
		if (m->instrument == instrument && !strcmp(m->desc.unit ? m->desc.unit : "",
							   unit ? unit : "") &&
		    (!r || same_bounds(&m->desc, r)))
			return i;
		if (r && r->file)
			return error_at(err, OTELSIM_EUSAGE, r->file, r->line, r->col,
					"metric '%s' is defined differently here and by "
					"another scenario of the run (instrument, unit or "
					"buckets)",
					name);
		return error_set(err, OTELSIM_EUSAGE,
				 "metric '%s' is defined differently by two scenarios of the run",
				 name);
	}
	m = &mr->metrics[mr->nmetrics];
	memset(m, 0, sizeof(*m));
	m->desc.name = name;
	m->desc.unit = unit;
	m->desc.description = r ? r->description : s->description;
	m->desc.kind = kind_of(instrument);
	m->desc.temporality = (uint8_t)temporality;
	m->desc.monotonic = instrument == MI_COUNTER;
	m->desc.is_int = r && r->is_int && (instrument <= MI_GAUGE);
	m->desc.bounds = r ? r->bounds : NULL;
	m->desc.nbounds = r && instrument == MI_HISTOGRAM ? r->nbounds : 0;
	m->instrument = (uint8_t)instrument;
	m->max_scale = r ? r->max_scale : 0;
	m->max_size = r ? r->max_size : 0;
	m->first_rule = r;
	return mr->nmetrics++;
}

static int add_scenario(struct mrun *mr, const struct scenario *sc, int temporality,
			struct otelsim_error *err)
{
	struct mrun_scenario *ms = &mr->scens[mr->nscens++];

	ms->sc = sc;
	ms->first_rule = mr->nrules;
	ms->nrules = sc->nmetric_rules;
	for (uint32_t i = 0; i < sc->nmetric_rules; i++) {
		const struct metric_rule *r = &sc->metric_rules[i];
		long m = metric_for(mr, r->name, r, NULL, temporality, err);

		if (m < 0)
			return (int)m;
		mr->rules[mr->nrules] = r;
		mr->name_len[mr->nrules] = r->span_name ? (uint32_t)strlen(r->span_name) : 0;
		mr->where_len[mr->nrules] = r->where_key ? (uint32_t)strlen(r->where_key) : 0;
		mr->attr_len[mr->nrules] = calloc(r->nattr_keys + 1, sizeof(uint32_t));
		if (!mr->attr_len[mr->nrules])
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		for (uint32_t k = 0; k < r->nattr_keys; k++)
			mr->attr_len[mr->nrules][k] = (uint32_t)strlen(r->attr_keys[k]);
		mr->rule_metric[mr->nrules++] = (uint32_t)m;
	}
	for (uint32_t i = 0; i < sc->nseries; i++) {
		long m = metric_for(mr, sc->series[i].name, NULL, &sc->series[i], temporality, err);

		if (m < 0)
			return (int)m;
		mr->series[mr->nseries].spec = &sc->series[i];
		mr->series[mr->nseries++].metric = (uint32_t)m;
	}
	return 0;
}

int mrun_build(struct mrun *mr, const struct plan *p, int64_t interval_ns, int temporality,
	       uint64_t max_streams, struct otelsim_error *err)
{
	const struct scenario *const *scs = p->scenario ? &p->scenario : p->pool;
	uint32_t n = p->scenario ? 1 : p->npool, nrules = 0, nseries = 0;
	int rc = 0;

	memset(mr, 0, sizeof(*mr));
	for (uint32_t i = 0; i < n; i++) {
		nrules += scs[i]->nmetric_rules;
		nseries += scs[i]->nseries;
	}
	if (!nrules && !nseries)
		return 0;
	mr->metrics = calloc(nrules + nseries, sizeof(*mr->metrics));
	mr->rules = calloc(nrules + 1, sizeof(*mr->rules));
	mr->rule_metric = calloc(nrules + 1, sizeof(*mr->rule_metric));
	mr->name_len = calloc(nrules + 1, sizeof(*mr->name_len));
	mr->where_len = calloc(nrules + 1, sizeof(*mr->where_len));
	mr->attr_len = calloc(nrules + 1, sizeof(*mr->attr_len));
	mr->scens = calloc(n, sizeof(*mr->scens));
	mr->series = calloc(nseries + 1, sizeof(*mr->series));
	if (!mr->metrics || !mr->rules || !mr->rule_metric || !mr->scens || !mr->series ||
	    !mr->name_len || !mr->where_len || !mr->attr_len) {
		mrun_release(mr);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < n && !rc; i++)
		if (scs[i]->nmetric_rules || scs[i]->nseries)
			rc = add_scenario(mr, scs[i], temporality, err);
	if (rc) {
		mrun_release(mr);
		return rc;
	}
	mr->start_ns = p->start_ns;
	mr->interval_ns = interval_ns;
	mr->plan = p;
	mr->temporality = temporality;
	mr->max_streams = max_streams ? max_streams : MRUN_MAX_STREAMS_DEFAULT;
	mr->seed = p->seed;
	return 0;
}

void mrun_release(struct mrun *mr)
{
	free(mr->metrics);
	free(mr->rules);
	free(mr->rule_metric);
	for (uint32_t i = 0; mr->attr_len && i < mr->nrules; i++)
		free(mr->attr_len[i]);
	free(mr->name_len);
	free(mr->where_len);
	free(mr->attr_len);
	free(mr->scens);
	free(mr->series);
	memset(mr, 0, sizeof(*mr));
}

/* ---- step 1 ---- */

#define MAX_ATTRS_PER_RULE 64

/*
 * Per rule: the cell of the last span it measured, and what made its key
 * (interval, resource, the attribute values: pointers into this block's
 * spans). Consecutive spans mostly share one: equal values, same cell, no
 * key to build.
 */
struct rule_cache {
	const struct value **vals; /* MAX_ATTRS_PER_RULE */
	int64_t interval;
	uint32_t resource;
	size_t cell;
	int valid;
};

struct mderive {
	const struct mrun *mr;
	const struct plan *plan;
	struct kmap map;
	struct mcell *cells;
	size_t ncells, cap;
	struct strbuf key;
	struct rule_cache *cache; /* mr->nrules of them */
};

struct mderive *mderive_new(const struct mrun *mr, const struct plan *p)
{
	struct mderive *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->mr = mr;
	d->plan = p;
	kmap_init(&d->map);
	d->cache = calloc(mr->nrules + 1, sizeof(*d->cache));
	if (!d->cache) {
		free(d);
		return NULL;
	}
	for (uint32_t i = 0; i < mr->nrules; i++)
		if (!(d->cache[i].vals = calloc(MAX_ATTRS_PER_RULE, sizeof(*d->cache[i].vals)))) {
			mderive_free(d);
			return NULL;
		}
	return d;
}

void mderive_free(struct mderive *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ncells; i++)
		mcell_release(&d->cells[i]);
	free(d->cells);
	kmap_release(&d->map);
	strbuf_release(&d->key);
	for (uint32_t i = 0; d->cache && i < d->mr->nrules; i++)
		free(d->cache[i].vals);
	free(d->cache);
	free(d);
}

static const struct value *span_attr(const struct span_out *s, const char *key, size_t len)
{
	for (uint32_t i = 0; i < s->nattrs; i++)
		if (s->attrs[i].key_len == len && !memcmp(s->attrs[i].key, key, len))
			return &s->attrs[i].value;
	return NULL;
}

static bool values_equal(const struct value *a, const struct value *b)
{
	if ((a->type == VAL_INT || a->type == VAL_DOUBLE) &&
	    (b->type == VAL_INT || b->type == VAL_DOUBLE))
		return (a->type == VAL_INT ? (double)a->u.i : a->u.d) ==
		       (b->type == VAL_INT ? (double)b->u.i : b->u.d);
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VAL_STRING:
	case VAL_BYTES:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case VAL_BOOL:
		return !a->u.b == !b->u.b;
	default:
		return false;
	}
}

/* Rule ri (the run's index) takes span s. */
static bool rule_matches(const struct mrun *mr, const struct model *m, uint32_t ri,
			 const struct span_out *s)
{
	const struct metric_rule *r = mr->rules[ri];

	if (r->kind && s->kind != r->kind)
		return false;
	if (r->span_name &&
	    (mr->name_len[ri] != s->name_len || memcmp(r->span_name, s->name, s->name_len)))
		return false;
	if (r->service && strcmp(m->services[s->resource].name, r->service))
		return false;
	if (r->where_key) {
		const struct value *v = span_attr(s, r->where_key, mr->where_len[ri]);

		if (!v || (r->where_value.type != VAL_NONE && !values_equal(v, &r->where_value)))
			return false;
	}
	return true;
}

/* The span's measurement for r; false when it has none. */
static bool measure(const struct metric_rule *r, const struct span_out *s, double *v)
{
	const struct value *a;

	switch (r->value) {
	case MV_DURATION:
		*v = (double)(s->end_ns - s->start_ns) / r->duration_div;
		break;
	case MV_ONE:
		*v = 1;
		break;
	default:
		a = span_attr(s, r->value_key, r->value_key_len);
		if (!a || (a->type != VAL_INT && a->type != VAL_DOUBLE))
			return false;
		*v = a->type == VAL_INT ? (double)a->u.i : a->u.d;
		if (!(*v - *v == 0))
			return false;
	}
	return r->instrument != MI_COUNTER || *v >= 0;
}

/* Bytes put_attr writes for v (0: not a scalar, left out). */
static size_t attr_size(size_t klen, const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		return 2 + klen + 1 + 4 + v->u.s.len;
	case VAL_INT:
	case VAL_DOUBLE:
		return 2 + klen + 1 + 8;
	case VAL_BOOL:
		return 2 + klen + 1 + 1;
	default:
		return 0;
	}
}

/* Append one attribute at p (attr_size bytes); returns the end. */
static char *put_attr(char *p, const char *key, size_t klen, const struct value *v)
{
	uint16_t kl = (uint16_t)klen;
	uint8_t t = v->type, b = v->u.b ? 1 : 0;

	memcpy(p, &kl, 2);
	memcpy(p + 2, key, klen);
	p[2 + klen] = (char)t;
	p += 3 + klen;
	switch (t) {
	case VAL_STRING:
		memcpy(p, &v->u.s.len, 4);
		memcpy(p + 4, v->u.s.ptr, v->u.s.len);
		return p + 4 + v->u.s.len;
	case VAL_INT:
		memcpy(p, &v->u.i, 8);
		return p + 8;
	case VAL_DOUBLE:
		memcpy(p, &v->u.d, 8);
		return p + 8;
	default:
		*p = (char)b;
		return p + 1;
	}
}

/* The values of rule ri's attributes span s has that go into a key (NULL: left out). */
static uint32_t key_values(const struct mrun *mr, uint32_t ri, const struct span_out *s,
			   const struct value **vals)
{
	const struct metric_rule *r = mr->rules[ri];
	uint32_t n = r->nattr_keys < MAX_ATTRS_PER_RULE ? r->nattr_keys : MAX_ATTRS_PER_RULE;

	for (uint32_t i = 0; i < n; i++) {
		size_t klen = mr->attr_len[ri][i];

		vals[i] = span_attr(s, r->attr_keys[i], klen);
		if (vals[i] && (klen > 65535 || !attr_size(klen, vals[i])))
			vals[i] = NULL;
	}
	return n;
}

/* Do a and b make the same key bytes (both left out, or equal scalars)? */
static bool same_key_value(const struct value *a, const struct value *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->type != b->type)
		return false;
	switch (a->type) {
	case VAL_STRING:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case VAL_INT:
		return a->u.i == b->u.i;
	case VAL_DOUBLE:
		return !memcmp(&a->u.d, &b->u.d, sizeof(double));
	default:
		return !a->u.b == !b->u.b;
	}
}

/* The cell key of span s for rule r (mderive.c's top comment) in d->key. */
static int build_key(struct mderive *d, uint32_t ri, uint32_t metric, const struct span_out *s,
		     int64_t interval, const struct value *const *vals, uint32_t n)
{
	const struct metric_rule *r = d->mr->rules[ri];
	size_t need = 16;
	char *p;

	for (uint32_t i = 0; i < n; i++)
		need += vals[i] ? attr_size(d->mr->attr_len[ri][i], vals[i]) : 0;
	for (uint32_t i = 0; i < r->nfixed; i++)
		need += r->fixed[i].key_len <= 65535
				? attr_size(r->fixed[i].key_len, &r->fixed[i].value)
				: 0;
	strbuf_reset(&d->key);
	if (strbuf_grow(&d->key, need))
		return -1;
	p = d->key.buf;
	memcpy(p, &interval, 8);
	memcpy(p + 8, &metric, 4);
	memcpy(p + 12, &s->resource, 4);
	p += 16;
	for (uint32_t i = 0; i < n; i++)
		if (vals[i])
			p = put_attr(p, r->attr_keys[i], d->mr->attr_len[ri][i], vals[i]);
	for (uint32_t i = 0; i < r->nfixed; i++)
		if (r->fixed[i].key_len <= 65535 && attr_size(r->fixed[i].key_len, &r->fixed[i].value))
			p = put_attr(p, r->fixed[i].key, r->fixed[i].key_len, &r->fixed[i].value);
	d->key.len = (size_t)(p - d->key.buf);
	return 0;
}

static struct mcell *cell_for(struct mderive *d, uint32_t metric)
{
	const struct mrun_metric *m = &d->mr->metrics[metric];
	uint32_t idx;
	int added;

	if (kmap_put(&d->map, d->key.buf, d->key.len, &idx, &added))
		return NULL;
	if (!added)
		return &d->cells[idx];
	if (d->ncells == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 64;
		struct mcell *n = realloc(d->cells, c * sizeof(*n));

		if (!n)
			return NULL;
		d->cells = n;
		d->cap = c;
	}
	if (mcell_init(&d->cells[d->ncells], m->instrument, m->desc.nbounds, m->max_scale,
		       m->max_size))
		return NULL;
	return &d->cells[d->ncells++];
}

static int derive_span(struct mderive *d, const struct mrun_scenario *ms, const struct span_out *s,
		       uint64_t order)
{
	const struct mrun *mr = d->mr;
	int64_t interval = (s->end_ns - mr->start_ns) / mr->interval_ns;

	if (interval < 0)
		interval = 0;
	for (uint32_t i = 0; i < ms->nrules; i++) {
		const struct metric_rule *r = mr->rules[ms->first_rule + i];
		uint32_t metric = mr->rule_metric[ms->first_rule + i];
		const struct mrun_metric *m = &mr->metrics[metric];
		const struct value *vals[MAX_ATTRS_PER_RULE];
		struct mexemplar ex;
		struct rule_cache *rc;
		struct mcell *c;
		uint32_t nv;
		bool hit;
		double v;

		if (!rule_matches(mr, d->plan->model, ms->first_rule + i, s) || !measure(r, s, &v))
			continue;
		rc = &d->cache[ms->first_rule + i];
		nv = key_values(mr, ms->first_rule + i, s, vals);
		hit = rc->valid && rc->interval == interval && rc->resource == s->resource;
		for (uint32_t k = 0; hit && k < nv; k++)
			hit = same_key_value(rc->vals[k], vals[k]);
		if (hit) {
			c = &d->cells[rc->cell];
		} else {
			if (build_key(d, ms->first_rule + i, metric, s, interval, vals, nv) ||
			    !(c = cell_for(d, metric)))
				return -1;
			memcpy(rc->vals, vals, nv * sizeof(*vals));
			rc->interval = interval;
			rc->resource = s->resource;
			rc->cell = (size_t)(c - d->cells);
			rc->valid = 1;
		}
		ex.order = order;
		ex.value = v;
		ex.time_ns = (uint64_t)s->end_ns;
		memcpy(ex.trace_id, s->trace_id, 16);
		memcpy(ex.span_id, s->span_id, 8);
		if (mcell_add(c, v, m->instrument == MI_HISTOGRAM
					    ? mcell_bucket(m->desc.bounds, m->desc.nbounds, v)
					    : 0,
			      &ex))
			return -1;
	}
	return 0;
}

static const struct mrun_scenario *scenario_rules(const struct mrun *mr, const struct scenario *sc)
{
	for (uint32_t i = 0; i < mr->nscens; i++)
		if (mr->scens[i].sc == sc)
			return &mr->scens[i];
	return NULL;
}

static int write_cells(struct mderive *d, struct strbuf *out)
{
	int rc = 0;

	for (size_t i = 0; i < d->ncells; i++) {
		size_t klen;
		const char *key = kmap_key(&d->map, (uint32_t)i, &klen);
		uint32_t kl = (uint32_t)klen;

		if (!rc && (strbuf_add(out, &kl, 4) || strbuf_add(out, key, klen) ||
			    mcell_write(&d->cells[i], out)))
			rc = -1;
		mcell_release(&d->cells[i]);
	}
	d->ncells = 0;
	kmap_reset(&d->map);
	for (uint32_t i = 0; i < d->mr->nrules; i++)
		d->cache[i].valid = 0;
	return rc;
}

int mderive_block(struct mderive *d, const struct batch *b, uint64_t block, struct strbuf *out)
{
	uint64_t iteration = b->first_iteration;
	bool first = true;

	for (size_t t = 0; t < b->nmarks; t++) {
		size_t from = b->marks[t].first[OTELSIM_TRACES];
		size_t to = t + 1 < b->nmarks ? b->marks[t + 1].first[OTELSIM_TRACES] : b->nspans;
		const struct mrun_scenario *ms;

		if (b->marks[t].iteration && !first)
			iteration++;
		first = false;
		ms = scenario_rules(d->mr, plan_scenario_for(d->plan, iteration));
		for (size_t i = from; ms && ms->nrules && i < to; i++)
			if (derive_span(d, ms, &b->spans[i],
					block << 32 | (i > UINT32_MAX ? UINT32_MAX : i))) {
				write_cells(d, out);
				return -1;
			}
	}
	return write_cells(d, out);
}
