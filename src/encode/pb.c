/*
 * encode/pb.c - the streaming OTLP protobuf writer: the OTLP format's table
 * (encode_pb_ops) for spans, log records, events and metrics.
 *
 * Each item is written back to front (last field first), so every nested
 * message's length is known by the time its tag and length are written: no
 * size pass, no protobuf-c. The bytes follow protobuf-c's rules exactly
 * (proven against encode_traces_reference in tests/unit/test_encode.c):
 * fields in number order; proto3 scalars at their default omitted; message
 * fields written when present even if empty (KeyValue.value, an empty
 * ArrayValue); the AnyValue oneof always written, even "" / 0 / false.
 */
#include "encode/encode_int.h"

#include <stdlib.h>

#include "otelsim/otelsim.h"

/* Field tags (field number << 3 | wire type). */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };
#define TAG(f, wt) ((uint8_t)(((f) << 3) | (wt)))

#define HDR_MAX 16 /* a tag and a length, with room to spare */

int rw_grow(struct rwriter *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 4096;
	uint8_t *p;

	while (cap - w->used < n) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	p = malloc(cap);
	if (!p)
		return -1;
	if (w->used)
		memcpy(p + cap - w->used, w->buf + w->cap - w->used, w->used);
	free(w->buf);
	w->buf = p;
	w->cap = cap;
	return 0;
}

void rw_release(struct rwriter *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = w->used = 0;
}

/* ---- primitives (space already reserved) ---------------------------------- */

static inline uint8_t *rw_ptr(struct rwriter *w)
{
	return w->buf + w->cap - w->used;
}

static inline void rw_byte(struct rwriter *w, uint8_t c)
{
	w->used++;
	*rw_ptr(w) = c;
}

static inline void rw_bytes(struct rwriter *w, const void *p, size_t n)
{
	w->used += n;
	if (n)
		memcpy(rw_ptr(w), p, n);
}

static inline void rw_varint(struct rwriter *w, uint64_t v)
{
	w->used += varint_size(v);
	varint_put(rw_ptr(w), v);
}

static inline void rw_fixed32(struct rwriter *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	rw_bytes(w, b, 4);
}

static inline void rw_fixed64(struct rwriter *w, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	rw_bytes(w, b, 8);
}

/* A length-delimited field whose body ends at `mark` (w->used before the body). */
static inline int rw_close(struct rwriter *w, size_t mark, uint8_t tag)
{
	if (rw_reserve(w, HDR_MAX))
		return -1;
	rw_varint(w, w->used - mark);
	rw_byte(w, tag);
	return 0;
}

/* A string/bytes field, always written. */
static inline int rw_lenfield(struct rwriter *w, uint8_t tag, const void *p, size_t n)
{
	if (rw_reserve(w, n + HDR_MAX))
		return -1;
	rw_bytes(w, p, n);
	rw_varint(w, n);
	rw_byte(w, tag);
	return 0;
}

/* ---- AnyValue and KeyValue ------------------------------------------------ */

static int pb_keyvals(struct rwriter *w, const struct keyval *kv, uint32_t n, uint8_t tag);

/* The AnyValue message body (no tag, no length). */
static int pb_anyvalue(struct rwriter *w, const struct value *v)
{
	size_t mark;

	switch (v->type) {
	case VAL_STRING:
		return rw_lenfield(w, TAG(1, WT_LEN), v->u.s.ptr, v->u.s.len);
	case VAL_BOOL:
		if (rw_reserve(w, 2))
			return -1;
		rw_byte(w, v->u.b ? 1 : 0);
		rw_byte(w, TAG(2, WT_VARINT));
		return 0;
	case VAL_INT:
		if (rw_reserve(w, 11))
			return -1;
		rw_varint(w, (uint64_t)v->u.i);
		rw_byte(w, TAG(3, WT_VARINT));
		return 0;
	case VAL_DOUBLE: {
		uint64_t bits;

		if (rw_reserve(w, 9))
			return -1;
		memcpy(&bits, &v->u.d, 8);
		rw_fixed64(w, bits);
		rw_byte(w, TAG(4, WT_I64));
		return 0;
	}
	case VAL_ARRAY:
		mark = w->used;
		for (uint32_t i = v->u.arr.n; i-- > 0;) {
			size_t m = w->used;

			if (pb_anyvalue(w, &v->u.arr.items[i]) || rw_close(w, m, TAG(1, WT_LEN)))
				return -1;
		}
		return rw_close(w, mark, TAG(5, WT_LEN));
	case VAL_KVLIST:
		mark = w->used;
		if (pb_keyvals(w, v->u.kv.items, v->u.kv.n, TAG(1, WT_LEN)))
			return -1;
		return rw_close(w, mark, TAG(6, WT_LEN));
	case VAL_BYTES:
		return rw_lenfield(w, TAG(7, WT_LEN), v->u.s.ptr, v->u.s.len);
	default: /* VAL_NONE: an empty AnyValue */
		return 0;
	}
}

/* A repeated KeyValue field: each as `tag len KeyValue`, in order. */
static int pb_keyvals(struct rwriter *w, const struct keyval *kv, uint32_t n, uint8_t tag)
{
	for (uint32_t i = n; i-- > 0;) {
		size_t m = w->used; /* where both the value and the KeyValue end */

		if (pb_anyvalue(w, &kv[i].value) || rw_close(w, m, TAG(2, WT_LEN)))
			return -1;
		if (kv[i].key_len && rw_lenfield(w, TAG(1, WT_LEN), kv[i].key, kv[i].key_len))
			return -1;
		if (rw_close(w, m, tag))
			return -1;
	}
	return 0;
}

/* ---- Span ------------------------------------------------------------------ */

static int pb_span(struct rwriter *w, const struct span_out *s)
{
	/* the fixed-size fields below need at most this much */
	if (rw_reserve(w, 128))
		return -1;
	if (s->flags) { /* 16 fixed32: tag is two bytes */
		rw_fixed32(w, s->flags);
		rw_byte(w, 0x01);
		rw_byte(w, 0x85);
	}
	if (s->status_code || s->status_message_len) { /* 15 Status */
		size_t m = w->used;

		if (s->status_code) {
			rw_varint(w, s->status_code);
			rw_byte(w, TAG(3, WT_VARINT));
		}
		if (s->status_message_len &&
		    rw_lenfield(w, TAG(2, WT_LEN), s->status_message, s->status_message_len))
			return -1;
		if (rw_close(w, m, TAG(15, WT_LEN)))
			return -1;
	}
	for (uint32_t i = s->nlinks; i-- > 0;) { /* 13 Link */
		const struct link_out *l = &s->links[i];
		size_t m = w->used;

		if (rw_reserve(w, 8))
			return -1;
		if (l->flags) {
			rw_fixed32(w, l->flags);
			rw_byte(w, TAG(6, WT_I32));
		}
		if (pb_keyvals(w, l->attrs, l->nattrs, TAG(4, WT_LEN)) ||
		    (l->trace_state_len &&
		     rw_lenfield(w, TAG(3, WT_LEN), l->trace_state, l->trace_state_len)) ||
		    rw_lenfield(w, TAG(2, WT_LEN), l->span_id, 8) ||
		    rw_lenfield(w, TAG(1, WT_LEN), l->trace_id, 16) ||
		    rw_close(w, m, TAG(13, WT_LEN)))
			return -1;
	}
	for (uint32_t i = s->nevents; i-- > 0;) { /* 11 Event */
		const struct event_out *ev = &s->events[i];
		size_t m = w->used;

		if (pb_keyvals(w, ev->attrs, ev->nattrs, TAG(3, WT_LEN)))
			return -1;
		if (ev->name_len && rw_lenfield(w, TAG(2, WT_LEN), ev->name, ev->name_len))
			return -1;
		if (rw_reserve(w, 9))
			return -1;
		if (ev->time_ns) {
			rw_fixed64(w, ev->time_ns);
			rw_byte(w, TAG(1, WT_I64));
		}
		if (rw_close(w, m, TAG(11, WT_LEN)))
			return -1;
	}
	if (pb_keyvals(w, s->attrs, s->nattrs, TAG(9, WT_LEN))) /* 9 attributes */
		return -1;
	if (rw_reserve(w, 64))
		return -1;
	if (s->end_ns) {
		rw_fixed64(w, s->end_ns);
		rw_byte(w, TAG(8, WT_I64));
	}
	if (s->start_ns) {
		rw_fixed64(w, s->start_ns);
		rw_byte(w, TAG(7, WT_I64));
	}
	if (s->kind) {
		rw_varint(w, s->kind);
		rw_byte(w, TAG(6, WT_VARINT));
	}
	if (s->name_len && rw_lenfield(w, TAG(5, WT_LEN), s->name, s->name_len))
		return -1;
	if (rw_reserve(w, 48))
		return -1;
	if (s->has_parent) {
		rw_bytes(w, s->parent_span_id, 8);
		rw_byte(w, 8);
		rw_byte(w, TAG(4, WT_LEN));
	}
	if (s->trace_state_len) { /* 3 trace_state */
		if (rw_lenfield(w, TAG(3, WT_LEN), s->trace_state, s->trace_state_len) ||
		    rw_reserve(w, 48))
			return -1;
	}
	rw_bytes(w, s->span_id, 8);
	rw_byte(w, 8);
	rw_byte(w, TAG(2, WT_LEN));
	rw_bytes(w, s->trace_id, 16);
	rw_byte(w, 16);
	rw_byte(w, TAG(1, WT_LEN));
	return 0;
}

/* ---- LogRecord ---------------------------------------------------------------- */

/* A fixed64 field (tag < 16), written when v is not 0. Space reserved. */
static inline void rw_fixed64_field(struct rwriter *w, uint8_t tag, uint64_t v)
{
	if (v) {
		rw_fixed64(w, v);
		rw_byte(w, tag);
	}
}

/* A varint field (tag < 16), written when v is not 0. Space reserved. */
static inline void rw_varint_field(struct rwriter *w, uint8_t tag, uint64_t v)
{
	if (v) {
		rw_varint(w, v);
		rw_byte(w, tag);
	}
}

/* A double field (tag < 16), always written (a oneof member). Space reserved. */
static inline void rw_double_field(struct rwriter *w, uint8_t tag, double d)
{
	uint64_t bits;

	memcpy(&bits, &d, 8);
	rw_fixed64(w, bits);
	rw_byte(w, tag);
}

static inline uint32_t zigzag32(int32_t v)
{
	return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

static int pb_log(struct rwriter *w, const struct log_out *l)
{
	size_t m;

	if (l->event_name_len &&
	    rw_lenfield(w, TAG(12, WT_LEN), l->event_name, l->event_name_len)) /* 12 */
		return -1;
	if (rw_reserve(w, 64))
		return -1;
	rw_fixed64_field(w, TAG(11, WT_I64), l->observed_ns); /* 11 observed_time_unix_nano */
	if (l->has_span_id) {                                 /* 10 span_id */
		rw_bytes(w, l->span_id, 8);
		rw_byte(w, 8);
		rw_byte(w, TAG(10, WT_LEN));
	}
	if (l->has_trace_id) { /* 9 trace_id */
		rw_bytes(w, l->trace_id, 16);
		rw_byte(w, 16);
		rw_byte(w, TAG(9, WT_LEN));
	}
	if (l->flags) { /* 8 flags */
		rw_fixed32(w, l->flags);
		rw_byte(w, TAG(8, WT_I32));
	}
	if (pb_keyvals(w, l->attrs, l->nattrs, TAG(6, WT_LEN))) /* 6 attributes */
		return -1;
	if (l->body.type != VAL_NONE) { /* 5 body */
		m = w->used;
		if (pb_anyvalue(w, &l->body) || rw_close(w, m, TAG(5, WT_LEN)))
			return -1;
	}
	if (l->severity_text_len &&
	    rw_lenfield(w, TAG(3, WT_LEN), l->severity_text, l->severity_text_len)) /* 3 */
		return -1;
	if (rw_reserve(w, 32))
		return -1;
	rw_varint_field(w, TAG(2, WT_VARINT), l->severity); /* 2 severity_number */
	rw_fixed64_field(w, TAG(1, WT_I64), l->time_ns);    /* 1 time_unix_nano */
	return 0;
}

/* ---- Metric ---------------------------------------------------------------------- */

static int pb_exemplars(struct rwriter *w, const struct exemplar_out *ex, uint32_t n, uint8_t tag)
{
	for (uint32_t i = n; i-- > 0;) {
		const struct exemplar_out *x = &ex[i];
		size_t m = w->used;

		if (pb_keyvals(w, x->attrs, x->nattrs, TAG(7, WT_LEN)) || rw_reserve(w, 64))
			return -1;
		if (x->is_int) { /* 6 as_int (sfixed64) */
			rw_fixed64(w, (uint64_t)x->value.i);
			rw_byte(w, TAG(6, WT_I64));
		}
		if (x->has_ids) { /* 5 trace_id, 4 span_id */
			rw_bytes(w, x->trace_id, 16);
			rw_byte(w, 16);
			rw_byte(w, TAG(5, WT_LEN));
			rw_bytes(w, x->span_id, 8);
			rw_byte(w, 8);
			rw_byte(w, TAG(4, WT_LEN));
		}
		if (!x->is_int) /* 3 as_double */
			rw_double_field(w, TAG(3, WT_I64), x->value.d);
		rw_fixed64_field(w, TAG(2, WT_I64), x->time_ns);
		if (rw_close(w, m, tag))
			return -1;
	}
	return 0;
}

/* A packed repeated fixed64 (or double, as bits) field. */
static int pb_packed64(struct rwriter *w, uint8_t tag, const void *arr, uint32_t n)
{
	size_t m = w->used;

	if (!n)
		return 0;
	if (rw_reserve(w, (size_t)n * 8))
		return -1;
	for (uint32_t k = n; k-- > 0;) {
		uint64_t v;

		memcpy(&v, (const uint8_t *)arr + (size_t)k * 8, 8);
		rw_fixed64(w, v);
	}
	return rw_close(w, m, tag);
}

static int pb_number_point(struct rwriter *w, const struct metric_desc *d,
			   const struct point_out *p)
{
	if (rw_reserve(w, 16))
		return -1;
	rw_varint_field(w, TAG(8, WT_VARINT), p->flags);
	if (pb_keyvals(w, p->attrs, p->nattrs, TAG(7, WT_LEN)) || rw_reserve(w, 16))
		return -1;
	if (d->is_int) { /* 6 as_int */
		rw_fixed64(w, (uint64_t)p->value.i);
		rw_byte(w, TAG(6, WT_I64));
	}
	if (pb_exemplars(w, p->exemplars, p->nexemplars, TAG(5, WT_LEN)) || rw_reserve(w, 32))
		return -1;
	if (!d->is_int)
		rw_double_field(w, TAG(4, WT_I64), p->value.d);
	rw_fixed64_field(w, TAG(3, WT_I64), p->time_ns);
	rw_fixed64_field(w, TAG(2, WT_I64), p->start_ns);
	return 0;
}

static int pb_histogram_point(struct rwriter *w, const struct metric_desc *d,
			      const struct point_out *p)
{
	if (rw_reserve(w, 32))
		return -1;
	if (p->has_minmax) {
		rw_double_field(w, TAG(12, WT_I64), p->max);
		rw_double_field(w, TAG(11, WT_I64), p->min);
	}
	rw_varint_field(w, TAG(10, WT_VARINT), p->flags);
	if (pb_keyvals(w, p->attrs, p->nattrs, TAG(9, WT_LEN)) ||
	    pb_exemplars(w, p->exemplars, p->nexemplars, TAG(8, WT_LEN)) ||
	    pb_packed64(w, TAG(7, WT_LEN), d->bounds, d->nbounds) ||
	    pb_packed64(w, TAG(6, WT_LEN), p->bucket_counts, p->nbucket_counts) ||
	    rw_reserve(w, 32))
		return -1;
	if (p->has_sum)
		rw_double_field(w, TAG(5, WT_I64), p->sum);
	rw_fixed64_field(w, TAG(4, WT_I64), p->count);
	rw_fixed64_field(w, TAG(3, WT_I64), p->time_ns);
	rw_fixed64_field(w, TAG(2, WT_I64), p->start_ns);
	return 0;
}

/* ExponentialHistogramDataPoint.Buckets, written when it holds anything. */
static int pb_exp_buckets(struct rwriter *w, const struct exp_buckets *bk, uint8_t tag)
{
	size_t m = w->used, mc;

	if (!bk->ncounts && !bk->offset)
		return 0;
	if (bk->ncounts) {
		if (rw_reserve(w, (size_t)bk->ncounts * 10))
			return -1;
		mc = w->used;
		for (uint32_t k = bk->ncounts; k-- > 0;)
			rw_varint(w, bk->counts[k]);
		if (rw_close(w, mc, TAG(2, WT_LEN)))
			return -1;
	}
	if (rw_reserve(w, 16))
		return -1;
	rw_varint_field(w, TAG(1, WT_VARINT), zigzag32(bk->offset));
	return rw_close(w, m, tag);
}

static int pb_exp_point(struct rwriter *w, const struct point_out *p)
{
	if (rw_reserve(w, 48))
		return -1;
	if (p->zero_threshold != 0) /* 14 zero_threshold: a proto3 double */
		rw_double_field(w, TAG(14, WT_I64), p->zero_threshold);
	if (p->has_minmax) {
		rw_double_field(w, TAG(13, WT_I64), p->max);
		rw_double_field(w, TAG(12, WT_I64), p->min);
	}
	if (pb_exemplars(w, p->exemplars, p->nexemplars, TAG(11, WT_LEN)) || rw_reserve(w, 16))
		return -1;
	rw_varint_field(w, TAG(10, WT_VARINT), p->flags);
	if (pb_exp_buckets(w, &p->negative, TAG(9, WT_LEN)) ||
	    pb_exp_buckets(w, &p->positive, TAG(8, WT_LEN)) || rw_reserve(w, 48))
		return -1;
	rw_fixed64_field(w, TAG(7, WT_I64), p->zero_count);
	rw_varint_field(w, TAG(6, WT_VARINT), zigzag32(p->scale));
	if (p->has_sum)
		rw_double_field(w, TAG(5, WT_I64), p->sum);
	rw_fixed64_field(w, TAG(4, WT_I64), p->count);
	rw_fixed64_field(w, TAG(3, WT_I64), p->time_ns);
	rw_fixed64_field(w, TAG(2, WT_I64), p->start_ns);
	return pb_keyvals(w, p->attrs, p->nattrs, TAG(1, WT_LEN));
}

static int pb_metric(struct rwriter *w, const struct metric_out *mo)
{
	const struct metric_desc *d = mo->desc;
	size_t m = w->used;

	if (rw_reserve(w, 16))
		return -1;
	/* the data message: Gauge, Sum, Histogram or ExponentialHistogram */
	if (d->kind == METRIC_SUM && d->monotonic) { /* 3 is_monotonic */
		rw_byte(w, 1);
		rw_byte(w, TAG(3, WT_VARINT));
	}
	if (d->kind != METRIC_GAUGE) /* 2 aggregation_temporality */
		rw_varint_field(w, TAG(2, WT_VARINT), d->temporality);
	for (uint32_t i = mo->npoints; i-- > 0;) { /* 1 data_points */
		size_t mp = w->used;
		int rc;

		if (d->kind == METRIC_HISTOGRAM)
			rc = pb_histogram_point(w, d, &mo->points[i]);
		else if (d->kind == METRIC_EXP_HISTOGRAM)
			rc = pb_exp_point(w, &mo->points[i]);
		else
			rc = pb_number_point(w, d, &mo->points[i]);
		if (rc || rw_close(w, mp, TAG(1, WT_LEN)))
			return -1;
	}
	if (rw_close(w, m, TAG(d->kind, WT_LEN)))
		return -1;
	if ((d->unit && *d->unit && rw_lenfield(w, TAG(3, WT_LEN), d->unit, strlen(d->unit))) ||
	    (d->description && *d->description &&
	     rw_lenfield(w, TAG(2, WT_LEN), d->description, strlen(d->description))) ||
	    (d->name && *d->name && rw_lenfield(w, TAG(1, WT_LEN), d->name, strlen(d->name))))
		return -1;
	return 0;
}

/* ---- envelopes --------------------------------------------------------------- */

/* Copies the whole content of w (a complete field) into a new heap block. */
static int rw_take(struct rwriter *w, uint8_t **out, size_t *len)
{
	*out = malloc(w->used ? w->used : 1);
	if (!*out)
		return -1;
	if (w->used)
		memcpy(*out, rw_ptr(w), w->used);
	*len = w->used;
	return 0;
}

static size_t cstrlen(const char *s)
{
	return s ? strlen(s) : 0;
}

static int pb_begin(struct encoder *e)
{
	const struct config *c = &e->cfg.model->config;
	struct rwriter w = { NULL, 0, 0 };
	size_t n;
	int rc = -1;

	/* schema_url: field 3 in both ResourceSpans and ScopeSpans */
	n = cstrlen(c->schema_url);
	if (n && rw_lenfield(&w, TAG(3, WT_LEN), c->schema_url, n))
		goto cleanup;
	if (rw_take(&w, &e->schema_pb, &e->schema_pb_len))
		goto cleanup;
	/* ScopeSpans.scope = InstrumentationScope{name, version} per scope */
	for (uint32_t i = 0; i < e->nscopes; i++) {
		struct scope_def d = encode_scope(e, i);

		w.used = 0;
		n = cstrlen(d.version);
		if (n && rw_lenfield(&w, TAG(2, WT_LEN), d.version, n))
			goto cleanup;
		n = cstrlen(d.name);
		if (n && rw_lenfield(&w, TAG(1, WT_LEN), d.name, n))
			goto cleanup;
		if (rw_close(&w, 0, TAG(1, WT_LEN)) ||
		    rw_take(&w, &e->scopes[i].pb, &e->scopes[i].pb_len))
			goto cleanup;
	}
	/* ResourceSpans.resource = Resource{attributes} per service */
	for (uint32_t r = 0; r < e->nres; r++) {
		const struct service *sv = &e->cfg.model->services[r];

		w.used = 0;
		if (pb_keyvals(&w, sv->attrs, sv->nattrs, TAG(1, WT_LEN)) ||
		    rw_close(&w, 0, TAG(1, WT_LEN)) ||
		    rw_take(&w, &e->res[r].pb, &e->res[r].pb_len))
			goto cleanup;
	}
	rc = 0;
cleanup:
	rw_release(&w);
	return rc;
}

/* ---- records ------------------------------------------------------------------ */

static size_t pb_scope_spans_size(const struct encoder *e, const struct sub *sb)
{
	return e->scopes[sb->scope].pb_len + sb->body + e->schema_pb_len;
}

static size_t pb_sub_size(const struct encoder *e, const struct sub *sb, bool first)
{
	size_t ss = pb_scope_spans_size(e, sb);

	(void)first;
	return 1 + varint_size(ss) + ss;
}

static size_t pb_resource_spans_size(const struct encoder *e, const struct group *g)
{
	return e->res[g->res].pb_len + g->inner + e->schema_pb_len;
}

static size_t pb_group_size(const struct encoder *e, const struct group *g)
{
	size_t rs = pb_resource_spans_size(e, g);

	return 1 + varint_size(rs) + rs;
}

static inline uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

static int pb_write_record(struct encoder *e, size_t sum, struct strbuf *out)
{
	size_t body = sum;
	size_t framed = body + (e->cfg.framing == OTELSIM_FRAMING_VARINT ? varint_size(body) : 4);
	const uint8_t *items_end = e->rw.buf + e->rw.cap;
	uint8_t *p, *start;

	if (body > UINT32_MAX) {
		e->why = ENCODE_ETOOBIG;
		return -1;
	}
	if (ENCODE_GROW_OUT(e, out, framed))
		return -1;
	start = p = (uint8_t *)out->buf + out->len;
	if (e->cfg.framing == OTELSIM_FRAMING_VARINT) {
		p += varint_put(p, body);
	} else {
		*p++ = (uint8_t)(body >> 24);
		*p++ = (uint8_t)(body >> 16);
		*p++ = (uint8_t)(body >> 8);
		*p++ = (uint8_t)body;
	}
	for (uint32_t gi = 0; gi < e->ngroups; gi++) {
		const struct group *g = &e->groups[gi];
		const struct res_env *r = &e->res[g->res];

		*p++ = TAG(1, WT_LEN); /* XData.resource_x */
		p += varint_put(p, pb_resource_spans_size(e, g));
		p = put(p, r->pb, r->pb_len);
		for (uint32_t j = g->first; j != SUB_NONE; j = e->subs[j].next) {
			const struct sub *sb = &e->subs[j];
			const struct scope_env *se = &e->scopes[sb->scope];

			*p++ = TAG(2, WT_LEN); /* ResourceX.scope_x */
			p += varint_put(p, pb_scope_spans_size(e, sb));
			p = put(p, se->pb, se->pb_len);
			for (size_t i = sb->head;; i = e->next[i]) {
				size_t len = e->item_len[i];

				*p++ = TAG(2, WT_LEN); /* ScopeX.spans / log_records / metrics */
				p += varint_put(p, len);
				p = put(p, items_end - e->item_pos[i], len);
				if (i == sb->tail)
					break;
			}
			p = put(p, e->schema_pb, e->schema_pb_len); /* ScopeX.schema_url */
		}
		p = put(p, e->schema_pb, e->schema_pb_len); /* ResourceX.schema_url */
	}
	if ((size_t)(p - start) != framed)
		return -1; /* sizes disagree: a bug, never seen */
	out->len += framed;
	out->buf[out->len] = '\0';
	return 0;
}

/* ---- the OTLP format's operations -------------------------------------------------- */

static size_t pb_item_size(size_t len, bool first)
{
	(void)first;
	return 1 + varint_size(len) + len;
}

static size_t pb_record_size(const struct encoder *e, size_t sum, uint32_t ngroups)
{
	(void)ngroups;
	return sum + (e->cfg.framing == OTELSIM_FRAMING_VARINT ? varint_size(sum) : 4);
}

static const struct cut_format pb_cut = { pb_item_size, pb_sub_size, pb_group_size,
					  pb_record_size, pb_write_record };

/* Step 1 for n items, last to first (the buffer grows back to front). */
#define PB_ITEMS(e, n, encode_item, resource_of, scope_of)            \
	do {                                                          \
		struct rwriter *w_ = &(e)->rw;                        \
		if (encode_reserve_items((e), (n)))                   \
			return -1;                                    \
		w_->used = 0;                                         \
		for (size_t i = (n); i-- > 0;) {                      \
			size_t m_ = w_->used;                         \
			if ((resource_of) >= (e)->nres ||             \
			    (scope_of) >= (e)->nscopes) {             \
				(e)->why = ENCODE_ERESOURCE;          \
				return -1;                            \
			}                                             \
			if (encode_item)                              \
				return -1;                            \
			(e)->item_pos[i] = w_->used;                  \
			(e)->item_len[i] = (uint32_t)(w_->used - m_); \
			(e)->item_res[i] = (resource_of);             \
			(e)->item_scope[i] = (scope_of);              \
		}                                                     \
	} while (0)

static int pb_spans(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	PB_ITEMS(e, b->nspans, pb_span(w_, &b->spans[i]), b->spans[i].resource,
		 b->spans[i].scope);
	e->env = ENV_TRACES;
	return encode_cut(e, b, OTELSIM_TRACES, b->nspans, &pb_cut, out, n);
}

static int pb_log_records(struct encoder *e, const struct batch *b, int signal,
			  const struct log_out *logs, size_t nlogs, struct strbuf *out, uint64_t *n)
{
	PB_ITEMS(e, nlogs, pb_log(w_, &logs[i]), logs[i].resource, 0u);
	e->env = ENV_LOGS;
	return encode_cut(e, b, signal, nlogs, &pb_cut, out, n);
}

static int pb_logs(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	return pb_log_records(e, b, OTELSIM_LOGS, b->logs, b->nlogs, out, n);
}

static int pb_events(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	return pb_log_records(e, b, OTELSIM_EVENTS, b->events, b->nevents, out, n);
}

static int pb_metrics(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	PB_ITEMS(e, b->nmetrics, pb_metric(w_, &b->metrics[i]), b->metrics[i].resource,
		 0u);
	e->env = ENV_METRICS;
	return encode_cut(e, b, OTELSIM_METRICS, b->nmetrics, &pb_cut, out, n);
}

static void pb_end(struct encoder *e)
{
	for (uint32_t r = 0; r < e->nres && e->res; r++)
		free(e->res[r].pb);
	for (uint32_t i = 0; i < e->nscopes && e->scopes; i++)
		free(e->scopes[i].pb);
	free(e->schema_pb);
}

const struct encoder_ops encode_pb_ops = {
	"otlp",  OTELSIM_FORMAT_OTLP, "binpb",   pb_begin, pb_spans,
	pb_logs, pb_metrics,          pb_events, pb_end,
};
