/*
 * encode/pb.c - the streaming OTLP protobuf writer.
 *
 * Each span is written back to front (last field first), so every nested
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
	rw_bytes(w, s->span_id, 8);
	rw_byte(w, 8);
	rw_byte(w, TAG(2, WT_LEN));
	rw_bytes(w, s->trace_id, 16);
	rw_byte(w, 16);
	rw_byte(w, TAG(1, WT_LEN));
	return 0;
}

int pb_encode_spans(struct encoder *e, const struct batch *b)
{
	struct rwriter *w = &e->rw;

	w->used = 0;
	for (size_t i = b->nspans; i-- > 0;) {
		size_t m = w->used;

		if (pb_span(w, &b->spans[i]))
			return -1;
		e->span_pos[i] = w->used;
		e->span_len[i] = (uint32_t)(w->used - m);
	}
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

int pb_build_envelopes(struct encoder *e)
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
	/* ScopeSpans.scope = InstrumentationScope{name, version} */
	w.used = 0;
	n = cstrlen(c->scope_version);
	if (n && rw_lenfield(&w, TAG(2, WT_LEN), c->scope_version, n))
		goto cleanup;
	n = cstrlen(c->scope_name);
	if (n && rw_lenfield(&w, TAG(1, WT_LEN), c->scope_name, n))
		goto cleanup;
	if (rw_close(&w, 0, TAG(1, WT_LEN)) || rw_take(&w, &e->scope_pb, &e->scope_pb_len))
		goto cleanup;
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

static size_t pb_scope_spans_size(const struct encoder *e, const struct group *g)
{
	return e->scope_pb_len + g->body + e->schema_pb_len;
}

static size_t pb_resource_spans_size(const struct encoder *e, const struct group *g)
{
	size_t ss = pb_scope_spans_size(e, g);

	return e->res[g->res].pb_len + 1 + varint_size(ss) + ss + e->schema_pb_len;
}

size_t pb_group_size(const struct encoder *e, const struct group *g)
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

int pb_write_record(struct encoder *e, size_t sum, struct strbuf *out)
{
	size_t body = sum;
	size_t framed = body + (e->cfg.framing == OTELSIM_FRAMING_VARINT ? varint_size(body) : 4);
	const uint8_t *spans_end = e->rw.buf + e->rw.cap;
	uint8_t *p, *start;

	if (body > UINT32_MAX || strbuf_grow(out, framed))
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

		*p++ = TAG(1, WT_LEN); /* TracesData.resource_spans */
		p += varint_put(p, pb_resource_spans_size(e, g));
		p = put(p, r->pb, r->pb_len);
		*p++ = TAG(2, WT_LEN); /* ResourceSpans.scope_spans */
		p += varint_put(p, pb_scope_spans_size(e, g));
		p = put(p, e->scope_pb, e->scope_pb_len);
		for (size_t i = g->head;; i = e->next[i]) {
			size_t len = e->span_len[i];

			*p++ = TAG(2, WT_LEN); /* ScopeSpans.spans */
			p += varint_put(p, len);
			p = put(p, spans_end - e->span_pos[i], len);
			if (i == g->tail)
				break;
		}
		p = put(p, e->schema_pb, e->schema_pb_len); /* ScopeSpans.schema_url */
		p = put(p, e->schema_pb, e->schema_pb_len); /* ResourceSpans.schema_url */
	}
	if ((size_t)(p - start) != framed)
		return -1; /* sizes disagree: a bug, never seen */
	out->len += framed;
	out->buf[out->len] = '\0';
	return 0;
}
