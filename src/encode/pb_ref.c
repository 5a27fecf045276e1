/*
 * encode/pb_ref.c - the reference encoder: the same records as
 * encoder_encode (OTLP protobuf) for every signal, built as protobuf-c
 * structs in an arena and packed with protobuf_c_message_pack. Slow by
 * design (about 1 us per span); tests and benchmarks compare the streaming
 * encoder against it.
 *
 * It shares no code with pb.c: record sizes for the record rule come from
 * protobuf_c_message_get_packed_size of each item, Resource and scope.
 * protobuf-c strings are C strings: a string holding a NUL byte is cut
 * there (the streaming encoder writes all `len` bytes).
 */
#include "encode/encode.h"

#include <stdlib.h>
#include <string.h>

#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "util/arena.h"

typedef Opentelemetry__Proto__Trace__V1__TracesData TracesData;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Trace__V1__Span__Event Event;
typedef Opentelemetry__Proto__Trace__V1__Span__Link Link;
typedef Opentelemetry__Proto__Trace__V1__Status Status;
typedef Opentelemetry__Proto__Logs__V1__LogsData LogsData;
typedef Opentelemetry__Proto__Logs__V1__ResourceLogs ResourceLogs;
typedef Opentelemetry__Proto__Logs__V1__ScopeLogs ScopeLogs;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Metrics__V1__MetricsData MetricsData;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics ResourceMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__Gauge Gauge;
typedef Opentelemetry__Proto__Metrics__V1__Sum Sum;
typedef Opentelemetry__Proto__Metrics__V1__Histogram Histogram;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogram ExpHistogram;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistogramDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint ExpDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets Buckets;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar Exemplar;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__ArrayValue ArrayValue;
typedef Opentelemetry__Proto__Common__V1__KeyValueList KeyValueList;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;

/*
 * protobuf-c skips a oneof string that points at protobuf_c_empty_string:
 * an empty AnyValue.string_value points here instead, so it is written.
 */
static char oneof_empty[1];
static uint8_t no_bytes[1];

static void *ref_new(struct arena *a, const void *init, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p)
		memcpy(p, init, size);
	return p;
}

/* A message in the arena, set to its protobuf-c initial value (init: a braced `..._INIT`). */
/* NOLINTNEXTLINE(bugprone-macro-parentheses): (T)init is a compound literal */
#define NEW(a, T, init) ((T *)ref_new((a), &(T)init, sizeof(T)))

static char *ref_str(struct arena *a, const char *s, size_t n)
{
	if (!n)
		return (char *)protobuf_c_empty_string;
	return arena_strndup(a, s, n);
}

static ProtobufCBinaryData ref_bytes(struct arena *a, const void *p, size_t n)
{
	ProtobufCBinaryData d = { 0, no_bytes };
	uint8_t *copy;

	if (n && (copy = arena_alloc(a, n))) {
		memcpy(copy, p, n);
		d.len = n;
		d.data = copy;
	}
	return d;
}

static KeyValue **ref_keyvals(struct arena *a, const struct keyval *kv, uint32_t n, int *bad);

static AnyValue *ref_anyvalue(struct arena *a, const struct value *v, int *bad)
{
	AnyValue *av = NEW(a, AnyValue, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT);

	if (!av) {
		*bad = 1;
		return NULL;
	}
	switch (v->type) {
	case VAL_STRING:
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
		av->string_value = v->u.s.len ? arena_strndup(a, v->u.s.ptr, v->u.s.len)
					      : oneof_empty;
		if (!av->string_value)
			*bad = 1;
		break;
	case VAL_BOOL:
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
		av->bool_value = v->u.b ? 1 : 0;
		break;
	case VAL_INT:
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
		av->int_value = v->u.i;
		break;
	case VAL_DOUBLE:
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
		av->double_value = v->u.d;
		break;
	case VAL_BYTES:
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE;
		av->bytes_value = ref_bytes(a, v->u.s.ptr, v->u.s.len);
		if (av->bytes_value.len != v->u.s.len)
			*bad = 1;
		break;
	case VAL_ARRAY: {
		ArrayValue *arr = NEW(a, ArrayValue,
				      OPENTELEMETRY__PROTO__COMMON__V1__ARRAY_VALUE__INIT);

		if (!arr) {
			*bad = 1;
			break;
		}
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE;
		av->array_value = arr;
		arr->n_values = v->u.arr.n;
		if (arr->n_values) {
			arr->values = ARENA_NEWN(a, AnyValue *, arr->n_values);
			if (!arr->values) {
				*bad = 1;
				break;
			}
			for (uint32_t i = 0; i < v->u.arr.n; i++)
				arr->values[i] = ref_anyvalue(a, &v->u.arr.items[i], bad);
		}
		break;
	}
	case VAL_KVLIST: {
		KeyValueList *kl = NEW(a, KeyValueList,
				       OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE_LIST__INIT);

		if (!kl) {
			*bad = 1;
			break;
		}
		av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE;
		av->kvlist_value = kl;
		kl->n_values = v->u.kv.n;
		kl->values = ref_keyvals(a, v->u.kv.items, v->u.kv.n, bad);
		break;
	}
	default: /* VAL_NONE: value_case NOT_SET, an empty AnyValue */
		break;
	}
	return av;
}

static KeyValue **ref_keyvals(struct arena *a, const struct keyval *kv, uint32_t n, int *bad)
{
	KeyValue **out;

	if (!n)
		return NULL;
	out = ARENA_NEWN(a, KeyValue *, n);
	if (!out) {
		*bad = 1;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		KeyValue *k = NEW(a, KeyValue, OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT);

		if (!k) {
			*bad = 1;
			return out;
		}
		k->key = ref_str(a, kv[i].key, kv[i].key_len);
		k->value = ref_anyvalue(a, &kv[i].value, bad);
		if (!k->key)
			*bad = 1;
		out[i] = k;
	}
	return out;
}

static Span *ref_span(struct arena *a, const struct span_out *s, int *bad)
{
	Span *sp = NEW(a, Span, OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT);

	if (!sp) {
		*bad = 1;
		return NULL;
	}
	sp->trace_id = ref_bytes(a, s->trace_id, 16);
	sp->span_id = ref_bytes(a, s->span_id, 8);
	if (s->has_parent)
		sp->parent_span_id = ref_bytes(a, s->parent_span_id, 8);
	if (s->trace_state_len)
		sp->trace_state = ref_str(a, s->trace_state, s->trace_state_len);
	sp->name = ref_str(a, s->name, s->name_len);
	sp->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)s->kind;
	sp->start_time_unix_nano = s->start_ns;
	sp->end_time_unix_nano = s->end_ns;
	sp->n_attributes = s->nattrs;
	sp->attributes = ref_keyvals(a, s->attrs, s->nattrs, bad);
	if (s->nevents) {
		sp->n_events = s->nevents;
		sp->events = ARENA_NEWN(a, Event *, s->nevents);
		if (!sp->events) {
			*bad = 1;
			return sp;
		}
		for (uint32_t i = 0; i < s->nevents; i++) {
			const struct event_out *ev = &s->events[i];
			Event *e = NEW(a, Event,
				       OPENTELEMETRY__PROTO__TRACE__V1__SPAN__EVENT__INIT);

			if (!e) {
				*bad = 1;
				return sp;
			}
			e->time_unix_nano = ev->time_ns;
			e->name = ref_str(a, ev->name, ev->name_len);
			e->n_attributes = ev->nattrs;
			e->attributes = ref_keyvals(a, ev->attrs, ev->nattrs, bad);
			sp->events[i] = e;
		}
	}
	if (s->nlinks) {
		sp->n_links = s->nlinks;
		sp->links = ARENA_NEWN(a, Link *, s->nlinks);
		if (!sp->links) {
			*bad = 1;
			return sp;
		}
		for (uint32_t i = 0; i < s->nlinks; i++) {
			const struct link_out *lo = &s->links[i];
			Link *l = NEW(a, Link, OPENTELEMETRY__PROTO__TRACE__V1__SPAN__LINK__INIT);

			if (!l) {
				*bad = 1;
				return sp;
			}
			l->trace_id = ref_bytes(a, lo->trace_id, 16);
			l->span_id = ref_bytes(a, lo->span_id, 8);
			if (lo->trace_state_len)
				l->trace_state = ref_str(a, lo->trace_state, lo->trace_state_len);
			l->n_attributes = lo->nattrs;
			l->attributes = ref_keyvals(a, lo->attrs, lo->nattrs, bad);
			l->flags = lo->flags;
			sp->links[i] = l;
		}
	}
	if (s->status_code || s->status_message_len) {
		Status *st = NEW(a, Status, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__INIT);

		if (!st) {
			*bad = 1;
			return sp;
		}
		st->message = ref_str(a, s->status_message, s->status_message_len);
		st->code = (Opentelemetry__Proto__Trace__V1__Status__StatusCode)s->status_code;
		sp->status = st;
	}
	sp->flags = s->flags;
	if (!sp->name)
		*bad = 1;
	return sp;
}

/* ---- LogRecord ---------------------------------------------------------------------- */

static LogRecord *ref_log(struct arena *a, const struct log_out *l, int *bad)
{
	LogRecord *r = NEW(a, LogRecord, OPENTELEMETRY__PROTO__LOGS__V1__LOG_RECORD__INIT);

	if (!r) {
		*bad = 1;
		return NULL;
	}
	r->time_unix_nano = l->time_ns;
	r->observed_time_unix_nano = l->observed_ns;
	r->severity_number = (Opentelemetry__Proto__Logs__V1__SeverityNumber)l->severity;
	r->severity_text = ref_str(a, l->severity_text, l->severity_text_len);
	if (l->body.type != VAL_NONE)
		r->body = ref_anyvalue(a, &l->body, bad);
	r->n_attributes = l->nattrs;
	r->attributes = ref_keyvals(a, l->attrs, l->nattrs, bad);
	r->flags = l->flags;
	if (l->has_trace_id)
		r->trace_id = ref_bytes(a, l->trace_id, 16);
	if (l->has_span_id)
		r->span_id = ref_bytes(a, l->span_id, 8);
	r->event_name = ref_str(a, l->event_name, l->event_name_len);
	if (!r->severity_text || !r->event_name)
		*bad = 1;
	return r;
}

/* ---- Metric --------------------------------------------------------------------------- */

static Exemplar **ref_exemplars(struct arena *a, const struct exemplar_out *ex, uint32_t n,
				int *bad)
{
	Exemplar **out;

	if (!n)
		return NULL;
	out = ARENA_NEWN(a, Exemplar *, n);
	if (!out) {
		*bad = 1;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		Exemplar *x = NEW(a, Exemplar, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__INIT);

		if (!x) {
			*bad = 1;
			return out;
		}
		x->n_filtered_attributes = ex[i].nattrs;
		x->filtered_attributes = ref_keyvals(a, ex[i].attrs, ex[i].nattrs, bad);
		x->time_unix_nano = ex[i].time_ns;
		if (ex[i].has_ids) {
			x->span_id = ref_bytes(a, ex[i].span_id, 8);
			x->trace_id = ref_bytes(a, ex[i].trace_id, 16);
		}
		if (ex[i].is_int) {
			x->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT;
			x->as_int = ex[i].value.i;
		} else {
			x->value_case =
				OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE;
			x->as_double = ex[i].value.d;
		}
		out[i] = x;
	}
	return out;
}

static NumberDataPoint *ref_number_point(struct arena *a, const struct metric_desc *d,
					 const struct point_out *p, int *bad)
{
	NumberDataPoint *n = NEW(a, NumberDataPoint,
				 OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__INIT);

	if (!n) {
		*bad = 1;
		return NULL;
	}
	n->n_attributes = p->nattrs;
	n->attributes = ref_keyvals(a, p->attrs, p->nattrs, bad);
	n->start_time_unix_nano = p->start_ns;
	n->time_unix_nano = p->time_ns;
	n->n_exemplars = p->nexemplars;
	n->exemplars = ref_exemplars(a, p->exemplars, p->nexemplars, bad);
	n->flags = p->flags;
	if (d->is_int) {
		n->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
		n->as_int = p->value.i;
	} else {
		n->value_case =
			OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
		n->as_double = p->value.d;
	}
	return n;
}

static HistogramDataPoint *ref_histogram_point(struct arena *a, const struct metric_desc *d,
					       const struct point_out *p, int *bad)
{
	HistogramDataPoint *h = NEW(a, HistogramDataPoint,
				    OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__INIT);

	if (!h) {
		*bad = 1;
		return NULL;
	}
	h->n_attributes = p->nattrs;
	h->attributes = ref_keyvals(a, p->attrs, p->nattrs, bad);
	h->start_time_unix_nano = p->start_ns;
	h->time_unix_nano = p->time_ns;
	h->count = p->count;
	h->n_bucket_counts = p->nbucket_counts;
	h->bucket_counts = p->bucket_counts;
	h->n_explicit_bounds = d->nbounds;
	h->explicit_bounds = (double *)d->bounds;
	h->n_exemplars = p->nexemplars;
	h->exemplars = ref_exemplars(a, p->exemplars, p->nexemplars, bad);
	h->flags = p->flags;
	if (p->has_sum) {
		h->_sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
		h->sum = p->sum;
	}
	if (p->has_minmax) {
		h->_min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN;
		h->min = p->min;
		h->_max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX;
		h->max = p->max;
	}
	return h;
}

static Buckets *ref_buckets(struct arena *a, const struct exp_buckets *bk, int *bad)
{
	Buckets *b;

	if (!bk->ncounts && !bk->offset)
		return NULL;
	b = NEW(a, Buckets,
		OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__BUCKETS__INIT);
	if (!b) {
		*bad = 1;
		return NULL;
	}
	b->offset = bk->offset;
	b->n_bucket_counts = bk->ncounts;
	b->bucket_counts = bk->counts;
	return b;
}

static ExpDataPoint *ref_exp_point(struct arena *a, const struct point_out *p, int *bad)
{
	ExpDataPoint *x = NEW(
		a, ExpDataPoint,
		OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__INIT);

	if (!x) {
		*bad = 1;
		return NULL;
	}
	x->n_attributes = p->nattrs;
	x->attributes = ref_keyvals(a, p->attrs, p->nattrs, bad);
	x->start_time_unix_nano = p->start_ns;
	x->time_unix_nano = p->time_ns;
	x->count = p->count;
	x->scale = p->scale;
	x->zero_count = p->zero_count;
	x->positive = ref_buckets(a, &p->positive, bad);
	x->negative = ref_buckets(a, &p->negative, bad);
	x->flags = p->flags;
	x->n_exemplars = p->nexemplars;
	x->exemplars = ref_exemplars(a, p->exemplars, p->nexemplars, bad);
	x->zero_threshold = p->zero_threshold;
	if (p->has_sum) {
		x->_sum_case =
			OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM;
		x->sum = p->sum;
	}
	if (p->has_minmax) {
		x->_min_case =
			OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MIN_MIN;
		x->min = p->min;
		x->_max_case =
			OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MAX_MAX;
		x->max = p->max;
	}
	return x;
}

static char *ref_cstr(const char *s)
{
	return s && *s ? (char *)s : (char *)protobuf_c_empty_string;
}

/* The data points of mo as an array of the kind's point messages. */
static void **ref_points(struct arena *a, const struct metric_out *mo, int *bad)
{
	void **pts;

	if (!mo->npoints)
		return NULL;
	pts = ARENA_NEWN(a, void *, mo->npoints);
	if (!pts) {
		*bad = 1;
		return NULL;
	}
	for (uint32_t i = 0; i < mo->npoints; i++) {
		const struct point_out *p = &mo->points[i];

		if (mo->desc->kind == METRIC_HISTOGRAM)
			pts[i] = ref_histogram_point(a, mo->desc, p, bad);
		else if (mo->desc->kind == METRIC_EXP_HISTOGRAM)
			pts[i] = ref_exp_point(a, p, bad);
		else
			pts[i] = ref_number_point(a, mo->desc, p, bad);
	}
	return pts;
}

static Metric *ref_metric(struct arena *a, const struct metric_out *mo, int *bad)
{
	const struct metric_desc *d = mo->desc;
	Metric *m = NEW(a, Metric, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__INIT);
	void **pts = ref_points(a, mo, bad);

	if (!m) {
		*bad = 1;
		return NULL;
	}
	m->name = ref_cstr(d->name);
	m->description = ref_cstr(d->description);
	m->unit = ref_cstr(d->unit);
	if (d->kind == METRIC_GAUGE) {
		Gauge *g = NEW(a, Gauge, OPENTELEMETRY__PROTO__METRICS__V1__GAUGE__INIT);

		if (!g)
			goto oom;
		g->n_data_points = mo->npoints;
		g->data_points = (NumberDataPoint **)pts;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
		m->gauge = g;
	} else if (d->kind == METRIC_SUM) {
		Sum *su = NEW(a, Sum, OPENTELEMETRY__PROTO__METRICS__V1__SUM__INIT);

		if (!su)
			goto oom;
		su->n_data_points = mo->npoints;
		su->data_points = (NumberDataPoint **)pts;
		su->aggregation_temporality =
			(Opentelemetry__Proto__Metrics__V1__AggregationTemporality)d->temporality;
		su->is_monotonic = d->monotonic;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
		m->sum = su;
	} else if (d->kind == METRIC_HISTOGRAM) {
		Histogram *h = NEW(a, Histogram,
				   OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM__INIT);

		if (!h)
			goto oom;
		h->n_data_points = mo->npoints;
		h->data_points = (HistogramDataPoint **)pts;
		h->aggregation_temporality =
			(Opentelemetry__Proto__Metrics__V1__AggregationTemporality)d->temporality;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
		m->histogram = h;
	} else {
		ExpHistogram *x = NEW(
			a, ExpHistogram,
			OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM__INIT);

		if (!x)
			goto oom;
		x->n_data_points = mo->npoints;
		x->data_points = (ExpDataPoint **)pts;
		x->aggregation_temporality =
			(Opentelemetry__Proto__Metrics__V1__AggregationTemporality)d->temporality;
		m->data_case =
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM;
		m->exponential_histogram = x;
	}
	return m;
oom:
	*bad = 1;
	return m;
}

/* ---- records ---------------------------------------------------------------------------- */

static size_t vsize(size_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* A length-delimited field with a one-byte tag. */
static size_t field_size(size_t n)
{
	return 1 + vsize(n) + n;
}

struct ref_group {
	uint32_t res;
	size_t inner; /* its ScopeX fields */
	size_t *items; /* per scope: sum of the item fields (nscopes of them) */
};

struct ref_state {
	const struct encoder_config *cfg;
	int signal;
	size_t schema_len, *scope_size, *res_size;
	uint32_t nscopes;
	struct ref_group *groups;
	uint32_t ngroups;
	int32_t *slot; /* resource -> group index, -1 none */
	/* the items, as protobuf-c messages, and their resources */
	ProtobufCMessage **items;
	uint32_t *item_res, *item_scope;
	Resource **res;
	Scope **scopes;
};

/* The ScopeX field of scope sc holding `items` bytes of item fields (0: none). */
static size_t ref_scope_x_size(const struct ref_state *st, uint32_t sc, size_t items)
{
	size_t schema = st->schema_len ? field_size(st->schema_len) : 0;

	return items ? field_size(field_size(st->scope_size[sc]) + items + schema) : 0;
}

static size_t ref_group_size(const struct ref_state *st, uint32_t res, size_t inner)
{
	size_t schema = st->schema_len ? field_size(st->schema_len) : 0;

	return field_size(field_size(st->res_size[res]) + inner + schema);
}

static size_t ref_framed(const struct ref_state *st, size_t body)
{
	return body + (st->cfg->framing == OTELSIM_FRAMING_VARINT ? vsize(body) : 4);
}

/*
 * The XData message of items [from, to), grouped by resource: TracesData,
 * LogsData and MetricsData have the same shape, so one builder fills the
 * typed messages through these offsets.
 */
struct ref_shape {
	const ProtobufCMessageDescriptor *data, *resource_x, *scope_x;
};

static ProtobufCMessage *ref_new_msg(struct arena *a, const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = arena_alloc(a, d->sizeof_message);

	if (m)
		protobuf_c_message_init(d, m);
	return m;
}

/* The address of a message's field `name` (found in its descriptor). */
static void *member(ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(
		m->descriptor, name);

	return f ? (char *)m + f->offset : NULL;
}

static void *member_n(ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(
		m->descriptor, name);

	return f ? (char *)m + f->quantifier_offset : NULL;
}

static const char *const item_field[] = { "spans", "metrics", "log_records", "log_records" };
static const char *const scope_field[] = { "scope_spans", "scope_metrics", "scope_logs",
					   "scope_logs" };
static const char *const resource_field[] = { "resource_spans", "resource_metrics", "resource_logs",
					      "resource_logs" };

static int ref_pack(struct ref_state *st, struct arena *a, size_t from, size_t to,
		    const struct ref_shape *sh, struct strbuf *out)
{
	const char *url = st->cfg->model->config.schema_url;
	char *schema = url && *url ? (char *)url : (char *)protobuf_c_empty_string;
	ProtobufCMessage *data = ref_new_msg(a, sh->data);
	ProtobufCMessage **rxs = ARENA_NEWN(a, ProtobufCMessage *, to - from);
	uint32_t ngroups = 0;
	size_t body, framed, packed;
	uint8_t *p;

	if (!data || !rxs)
		return -1;
	for (size_t i = from; i < to; i++) {
		uint32_t r = st->item_res[i], sc = st->item_scope[i];
		ProtobufCMessage *rx, **sxs, *sx = NULL;
		size_t *nsx, *n;

		if (st->slot[r] < 0) {
			rx = ref_new_msg(a, sh->resource_x);
			sxs = ARENA_NEWN(a, ProtobufCMessage *, st->nscopes);
			if (!rx || !sxs)
				return -1;
			*(Resource **)member(rx, "resource") = st->res[r];
			*(char **)member(rx, "schema_url") = schema;
			*(ProtobufCMessage ***)member(rx, scope_field[st->signal]) = sxs;
			st->slot[r] = (int32_t)ngroups;
			rxs[ngroups++] = rx;
		}
		rx = rxs[st->slot[r]];
		sxs = *(ProtobufCMessage ***)member(rx, scope_field[st->signal]);
		nsx = member_n(rx, scope_field[st->signal]);
		for (size_t k = 0; k < *nsx && !sx; k++)
			if (*(Scope **)member(sxs[k], "scope") == st->scopes[sc])
				sx = sxs[k];
		if (!sx) { /* the scope's first item in this resource */
			ProtobufCMessage **items = ARENA_NEWN(a, ProtobufCMessage *, to - from);

			sx = ref_new_msg(a, sh->scope_x);
			if (!sx || !items)
				return -1;
			*(Scope **)member(sx, "scope") = st->scopes[sc];
			*(char **)member(sx, "schema_url") = schema;
			*(ProtobufCMessage ***)member(sx, item_field[st->signal]) = items;
			sxs[(*nsx)++] = sx;
		}
		n = member_n(sx, item_field[st->signal]);
		(*(ProtobufCMessage ***)member(sx, item_field[st->signal]))[(*n)++] = st->items[i];
	}
	*(ProtobufCMessage ***)member(data, resource_field[st->signal]) = rxs;
	*(size_t *)member_n(data, resource_field[st->signal]) = ngroups;
	for (size_t i = from; i < to; i++)
		st->slot[st->item_res[i]] = -1;

	body = protobuf_c_message_get_packed_size(data);
	framed = ref_framed(st, body);
	if (body > UINT32_MAX || strbuf_grow(out, framed))
		return -1;
	p = (uint8_t *)out->buf + out->len;
	if (st->cfg->framing == OTELSIM_FRAMING_VARINT) {
		size_t v = body;

		while (v >= 0x80) {
			*p++ = (uint8_t)(v | 0x80);
			v >>= 7;
		}
		*p++ = (uint8_t)v;
	} else {
		*p++ = (uint8_t)(body >> 24);
		*p++ = (uint8_t)(body >> 16);
		*p++ = (uint8_t)(body >> 8);
		*p++ = (uint8_t)body;
	}
	packed = protobuf_c_message_pack(data, p);
	if (packed != body)
		return -1;
	out->len += framed;
	out->buf[out->len] = '\0';
	return 0;
}

static const struct ref_shape shapes[] = {
	{ &opentelemetry__proto__trace__v1__traces_data__descriptor,
	  &opentelemetry__proto__trace__v1__resource_spans__descriptor,
	  &opentelemetry__proto__trace__v1__scope_spans__descriptor },
	{ &opentelemetry__proto__metrics__v1__metrics_data__descriptor,
	  &opentelemetry__proto__metrics__v1__resource_metrics__descriptor,
	  &opentelemetry__proto__metrics__v1__scope_metrics__descriptor },
	{ &opentelemetry__proto__logs__v1__logs_data__descriptor,
	  &opentelemetry__proto__logs__v1__resource_logs__descriptor,
	  &opentelemetry__proto__logs__v1__scope_logs__descriptor },
	{ &opentelemetry__proto__logs__v1__logs_data__descriptor,
	  &opentelemetry__proto__logs__v1__resource_logs__descriptor,
	  &opentelemetry__proto__logs__v1__scope_logs__descriptor },
};

/* The items of st->signal as protobuf-c messages, with their resources. 0 or -1. */
static int ref_items(struct ref_state *st, struct arena *a, const struct batch *b, size_t n)
{
	const struct model *m = st->cfg->model;
	int bad = 0;

	st->items = ARENA_NEWN(a, ProtobufCMessage *, n);
	st->item_res = ARENA_NEWN(a, uint32_t, n);
	st->item_scope = ARENA_NEWN(a, uint32_t, n); /* logs, events, metrics: 0 */
	if (!st->items || !st->item_res || !st->item_scope)
		return -1;
	for (size_t i = 0; i < n; i++) {
		void *msg;

		switch (st->signal) {
		case OTELSIM_TRACES:
			st->item_res[i] = b->spans[i].resource;
			st->item_scope[i] = b->spans[i].scope;
			msg = ref_span(a, &b->spans[i], &bad);
			break;
		case OTELSIM_METRICS:
			st->item_res[i] = b->metrics[i].resource;
			msg = ref_metric(a, &b->metrics[i], &bad);
			break;
		case OTELSIM_LOGS:
			st->item_res[i] = b->logs[i].resource;
			msg = ref_log(a, &b->logs[i], &bad);
			break;
		default:
			st->item_res[i] = b->events[i].resource;
			msg = ref_log(a, &b->events[i], &bad);
			break;
		}
		if (bad || !msg || st->item_res[i] >= m->nservices ||
		    st->item_scope[i] >= st->nscopes)
			return -1;
		st->items[i] = msg; /* every message starts with its ProtobufCMessage base */
	}
	return 0;
}

/* Resources and scope as protobuf-c messages, with their packed sizes. 0 or -1. */
static int ref_envelopes(struct ref_state *st, struct arena *a)
{
	const struct model *m = st->cfg->model;
	const struct config *c = &m->config;
	int bad = 0;

	st->schema_len = c->schema_url ? strlen(c->schema_url) : 0;
	st->res_size = ARENA_NEWN(a, size_t, m->nservices + 1);
	st->groups = ARENA_NEWN(a, struct ref_group, m->nservices + 1);
	st->slot = ARENA_NEWN(a, int32_t, m->nservices + 1);
	st->res = ARENA_NEWN(a, Resource *, m->nservices + 1);
	st->nscopes = m->nscopes ? m->nscopes : 1;
	st->scopes = ARENA_NEWN(a, Scope *, st->nscopes);
	st->scope_size = ARENA_NEWN(a, size_t, st->nscopes);
	if (!st->res_size || !st->groups || !st->slot || !st->res || !st->scopes ||
	    !st->scope_size)
		return -1;
	for (uint32_t i = 0; i < st->nscopes; i++) {
		const char *name = m->nscopes ? m->scopes[i].name : c->scope_name;
		const char *version = m->nscopes ? m->scopes[i].version : c->scope_version;
		Scope *sc = NEW(a, Scope, OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT);

		if (!sc)
			return -1;
		if (name && *name)
			sc->name = (char *)name;
		if (version && *version)
			sc->version = (char *)version;
		st->scopes[i] = sc;
		st->scope_size[i] = protobuf_c_message_get_packed_size(&sc->base);
	}
	for (uint32_t r = 0; r < m->nservices + 1; r++) {
		st->groups[r].items = ARENA_NEWN(a, size_t, st->nscopes);
		if (!st->groups[r].items)
			return -1;
	}
	for (uint32_t r = 0; r < m->nservices; r++) {
		st->res[r] = NEW(a, Resource, OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT);
		if (!st->res[r])
			return -1;
		st->res[r]->n_attributes = m->services[r].nattrs;
		st->res[r]->attributes = ref_keyvals(a, m->services[r].attrs, m->services[r].nattrs,
						     &bad);
		st->res_size[r] = protobuf_c_message_get_packed_size(&st->res[r]->base);
		st->slot[r] = -1;
	}
	return bad ? -1 : 0;
}

static void ref_clear_groups(struct ref_state *st)
{
	for (uint32_t k = 0; k < st->ngroups; k++) {
		st->slot[st->groups[k].res] = -1;
		memset(st->groups[k].items, 0, st->nscopes * sizeof(size_t));
	}
	st->ngroups = 0;
}

/* Pack items [*from, to) as a record; the next one starts at `to`. 0 or -1. */
static int ref_flush(struct ref_state *st, struct arena *a, size_t *from, size_t to, size_t *sum,
		     struct strbuf *out, uint64_t *nrec)
{
	ref_clear_groups(st);
	if (ref_pack(st, a, *from, to, &shapes[st->signal], out))
		return -1;
	(*nrec)++;
	*from = to;
	*sum = 0;
	return 0;
}

int encode_reference(const struct encoder_config *cfg, int signal, const struct batch *b,
		     struct strbuf *out, uint64_t *nrecords)
{
	size_t max = cfg->max_record_bytes ? cfg->max_record_bytes : ENCODE_MAX_RECORD_DEFAULT;
	size_t start_len = out->len, from = 0, sum = 0, n = batch_items(b, signal);
	uint32_t per = cfg->traces_per_record;
	size_t next_mark = per ? batch_record_mark(b, 0, per) : 0, next_break = SIZE_MAX;
	struct arena a;
	struct ref_state st;
	uint64_t nrec = 0;
	int rc = -1;

	arena_init(&a, 64 * 1024);
	memset(&st, 0, sizeof(st));
	if (nrecords)
		*nrecords = 0;
	if (cfg->format != OTELSIM_FORMAT_OTLP || signal < 0 || signal > OTELSIM_EVENTS)
		goto cleanup;
	st.cfg = cfg;
	st.signal = signal;
	if (ref_envelopes(&st, &a))
		goto cleanup;
	if (!n) {
		rc = 0;
		goto cleanup;
	}
	if (ref_items(&st, &a, b, n))
		goto cleanup;
	if (per && next_mark < b->nmarks)
		next_break = b->marks[next_mark].first[signal];

	/* the record rule: greedy, in batch order */
	for (size_t i = 0; i < n;) {
		uint32_t r = st.item_res[i], sc = st.item_scope[i];
		struct ref_group *g;
		size_t newsum, inner, had, size = protobuf_c_message_get_packed_size(st.items[i]);

		if (i >= next_break) { /* a trace that opens a record */
			while (next_mark < b->nmarks && b->marks[next_mark].first[signal] <= i)
				next_mark = batch_record_mark(b, next_mark, per);
			next_break = next_mark < b->nmarks ? b->marks[next_mark].first[signal]
							   : SIZE_MAX;
			if (i > from && ref_flush(&st, &a, &from, i, &sum, out, &nrec))
				goto cleanup;
		}
		g = st.slot[r] >= 0 ? &st.groups[st.slot[r]] : NULL;
		had = g ? g->items[sc] : 0;
		inner = (g ? g->inner - ref_scope_x_size(&st, sc, had) : 0) +
			ref_scope_x_size(&st, sc, had + field_size(size));
		newsum = sum - (g ? ref_group_size(&st, r, g->inner) : 0) +
			 ref_group_size(&st, r, inner);
		if (i > from && ref_framed(&st, newsum) > max) {
			if (ref_flush(&st, &a, &from, i, &sum, out, &nrec))
				goto cleanup;
			continue;
		}
		if (!g) {
			g = &st.groups[st.ngroups];
			g->res = r;
			st.slot[r] = (int32_t)st.ngroups++;
		}
		g->items[sc] = had + field_size(size);
		g->inner = inner;
		sum = newsum;
		i++;
	}
	if (ref_flush(&st, &a, &from, n, &sum, out, &nrec))
		goto cleanup;
	rc = 0;
cleanup:
	if (rc) {
		strbuf_truncate(out, start_len);
	} else if (nrecords) {
		*nrecords = nrec;
	}
	arena_release(&a);
	return rc;
}
