/*
 * encode/pb_ref.c - the reference encoder: the same records as encoder_traces
 * (OTLP protobuf), built as protobuf-c structs in an arena and packed with
 * protobuf_c_message_pack. Slow by design (about 1 us per span); tests and
 * benchmarks compare the streaming encoder against it.
 *
 * It shares no code with pb.c: record sizes for the split rule come from
 * protobuf_c_message_get_packed_size of each Span, Resource and scope.
 * protobuf-c strings are C strings: a string holding a NUL byte is cut
 * there (the streaming encoder writes all `len` bytes).
 */
#include "encode/encode.h"

#include <stdlib.h>
#include <string.h>

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
	size_t spans; /* sum of the span fields */
	size_t n;
};

struct ref_state {
	const struct encoder_config *cfg;
	size_t schema_len, scope_size, *res_size;
	struct ref_group *groups;
	uint32_t ngroups;
	int32_t *slot; /* resource -> group index, -1 none */
};

static size_t ref_group_size(const struct ref_state *st, const struct ref_group *g)
{
	size_t schema = st->schema_len ? field_size(st->schema_len) : 0;
	size_t ss = field_size(st->scope_size) + g->spans + schema;
	size_t rs = field_size(st->res_size[g->res]) + field_size(ss) + schema;

	return field_size(rs);
}

static size_t ref_framed(const struct ref_state *st, size_t body)
{
	return body + (st->cfg->framing == OTELSIM_FRAMING_VARINT ? vsize(body) : 4);
}

/* Packs the spans [from, to) as one record. */
static int ref_pack(struct ref_state *st, struct arena *a, Span **spans, const struct batch *b,
		    size_t from, size_t to, Resource **res, Scope *scope, struct strbuf *out)
{
	const char *url = st->cfg->model->config.schema_url;
	TracesData td = OPENTELEMETRY__PROTO__TRACE__V1__TRACES_DATA__INIT;
	uint32_t ngroups = 0;
	size_t body, framed, packed;
	uint8_t *p;

	td.resource_spans = ARENA_NEWN(a, ResourceSpans *, to - from);
	if (!td.resource_spans)
		return -1;
	for (size_t i = from; i < to; i++) {
		uint32_t r = b->spans[i].resource;
		ScopeSpans *ss;

		if (st->slot[r] < 0) {
			ResourceSpans *rs = NEW(
				a, ResourceSpans,
				OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT);

			ss = NEW(a, ScopeSpans, OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT);
			if (!rs || !ss)
				return -1;
			ss->spans = ARENA_NEWN(a, Span *, to - from);
			rs->scope_spans = ARENA_NEWN(a, ScopeSpans *, 1);
			if (!ss->spans || !rs->scope_spans)
				return -1;
			ss->scope = scope;
			ss->schema_url = url && *url ? (char *)url
						     : (char *)protobuf_c_empty_string;
			rs->resource = res[r];
			rs->n_scope_spans = 1;
			rs->scope_spans[0] = ss;
			rs->schema_url = ss->schema_url;
			st->slot[r] = (int32_t)ngroups;
			td.resource_spans[ngroups++] = rs;
		}
		ss = td.resource_spans[st->slot[r]]->scope_spans[0];
		ss->spans[ss->n_spans++] = spans[i];
	}
	td.n_resource_spans = ngroups;
	for (size_t i = from; i < to; i++)
		st->slot[b->spans[i].resource] = -1;

	body = protobuf_c_message_get_packed_size(&td.base);
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
	packed = protobuf_c_message_pack(&td.base, p);
	if (packed != body)
		return -1;
	out->len += framed;
	out->buf[out->len] = '\0';
	return 0;
}

int encode_traces_reference(const struct encoder_config *cfg, const struct batch *b,
			    struct strbuf *out, uint64_t *nrecords)
{
	const struct model *m = cfg->model;
	const struct config *c = &m->config;
	size_t max = cfg->max_record_bytes ? cfg->max_record_bytes : ENCODE_MAX_RECORD_DEFAULT;
	size_t start_len = out->len, from = 0, sum = 0;
	struct arena a;
	struct ref_state st;
	Resource **res = NULL;
	Scope *scope;
	Span **spans = NULL;
	size_t *span_size = NULL;
	uint64_t n = 0;
	int bad = 0, rc = -1;

	arena_init(&a, 64 * 1024);
	memset(&st, 0, sizeof(st));
	if (nrecords)
		*nrecords = 0;
	if (cfg->format != OTELSIM_FORMAT_OTLP)
		goto cleanup;
	st.cfg = cfg;
	st.schema_len = c->schema_url ? strlen(c->schema_url) : 0;
	st.res_size = ARENA_NEWN(&a, size_t, m->nservices + 1);
	st.groups = ARENA_NEWN(&a, struct ref_group, m->nservices + 1);
	st.slot = ARENA_NEWN(&a, int32_t, m->nservices + 1);
	res = ARENA_NEWN(&a, Resource *, m->nservices + 1);
	scope = NEW(&a, Scope, OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT);
	if (!st.res_size || !st.groups || !st.slot || !res || !scope)
		goto cleanup;
	if (c->scope_name && *c->scope_name)
		scope->name = (char *)c->scope_name;
	if (c->scope_version && *c->scope_version)
		scope->version = (char *)c->scope_version;
	st.scope_size = protobuf_c_message_get_packed_size(&scope->base);
	for (uint32_t r = 0; r < m->nservices; r++) {
		res[r] = NEW(&a, Resource, OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT);
		if (!res[r])
			goto cleanup;
		res[r]->n_attributes = m->services[r].nattrs;
		res[r]->attributes = ref_keyvals(&a, m->services[r].attrs, m->services[r].nattrs,
						 &bad);
		st.res_size[r] = protobuf_c_message_get_packed_size(&res[r]->base);
		st.slot[r] = -1;
	}
	if (!b->nspans) {
		rc = bad ? -1 : 0;
		goto cleanup;
	}
	spans = calloc(b->nspans, sizeof(Span *));
	span_size = calloc(b->nspans, sizeof(*span_size));
	if (!spans || !span_size)
		goto cleanup;
	for (size_t i = 0; i < b->nspans; i++) {
		if (b->spans[i].resource >= m->nservices)
			goto cleanup;
		spans[i] = ref_span(&a, &b->spans[i], &bad);
		if (bad)
			goto cleanup;
		span_size[i] = protobuf_c_message_get_packed_size(&spans[i]->base);
	}

	/* the split rule: greedy, in batch order */
	for (size_t i = 0; i < b->nspans;) {
		uint32_t r = b->spans[i].resource;
		struct ref_group tmp, *g = st.slot[r] >= 0 ? &st.groups[st.slot[r]] : NULL;
		size_t newsum;

		if (g) {
			tmp = *g;
			tmp.spans += field_size(span_size[i]);
			newsum = sum - ref_group_size(&st, g) + ref_group_size(&st, &tmp);
		} else {
			tmp.res = r;
			tmp.spans = field_size(span_size[i]);
			tmp.n = 0;
			newsum = sum + ref_group_size(&st, &tmp);
		}
		if (i > from && ref_framed(&st, newsum) > max) {
			for (uint32_t k = 0; k < st.ngroups; k++)
				st.slot[st.groups[k].res] = -1;
			st.ngroups = 0;
			if (ref_pack(&st, &a, spans, b, from, i, res, scope, out))
				goto cleanup;
			n++;
			from = i;
			sum = 0;
			continue;
		}
		if (!g) {
			g = &st.groups[st.ngroups];
			st.slot[r] = (int32_t)st.ngroups++;
		}
		*g = tmp;
		g->n++;
		sum = newsum;
		i++;
	}
	for (uint32_t k = 0; k < st.ngroups; k++)
		st.slot[st.groups[k].res] = -1;
	st.ngroups = 0;
	if (ref_pack(&st, &a, spans, b, from, b->nspans, res, scope, out))
		goto cleanup;
	n++;
	rc = 0;
cleanup:
	if (rc) {
		strbuf_truncate(out, start_len);
	} else if (nrecords) {
		*nrecords = n;
	}
	free(spans);
	free(span_size);
	arena_release(&a);
	return rc;
}
