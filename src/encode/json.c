/*
 * encode/json.c - the streaming OTLP/JSON writer: the OTLP/JSON format's
 * table (encode_json_ops), one TracesData, LogsData or MetricsData per line.
 *
 * The strict proto3 JSON form of otlp-facts.md: lowerCamelCase keys in field
 * number order (in the .proto's declaration order for LogRecord, Exemplar,
 * NumberDataPoint and HistogramDataPoint, as the reader's converter and the
 * Collector write them), ids as lowercase hex, other bytes as base64 (with padding),
 * enums and fixed32 flags as numbers, 64-bit integers as decimal strings,
 * doubles as shortest round-trip numbers ("NaN", "Infinity", "-Infinity" as
 * strings), default-valued fields and empty lists left out. The AnyValue
 * oneof is always written ({"stringValue":""}), and a present message field
 * is written even when empty (`"value":{}`, `"arrayValue":{}`).
 *
 * Strings are escaped by util/jsonw.h json_escape (RFC 8259; each byte of
 * an invalid UTF-8 sequence becomes \ufffd, so the line stays valid UTF-8).
 */
#include "encode/encode_int.h"

#include <math.h>
#include <stdlib.h>

#include "util/jsonw.h"
#include "util/text.h"

/* ---- writer primitives -------------------------------------------------------- */

static inline void put(struct fwriter *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* A string literal (never a pointer: sizeof must see the array). */
#define LIT(w, s) put((w), "" s, sizeof(s) - 1)

/* A JSON string (quoted, escaped by util/jsonw.h json_escape). */
int fw_json_str(struct fwriter *w, const char *s, size_t n)
{
	if (fw_reserve(w, JSON_ESCAPED_MAX(n)))
		return -1;
	w->len += json_escape(w->buf + w->len, s, n);
	return 0;
}

int fw_json_hex(struct fwriter *w, const uint8_t *id, size_t n)
{
	if (fw_reserve(w, 2 * n + 2))
		return -1;
	w->buf[w->len++] = '"';
	hex_encode(id, n, w->buf + w->len);
	w->len += 2 * n;
	w->buf[w->len++] = '"';
	return 0;
}

static int js_base64(struct fwriter *w, const uint8_t *p, size_t n)
{
	if (fw_reserve(w, BASE64_ENCODED_LEN(n) + 2))
		return -1;
	w->buf[w->len++] = '"';
	base64_encode(p, n, w->buf + w->len);
	w->len += BASE64_ENCODED_LEN(n);
	w->buf[w->len++] = '"';
	return 0;
}

/* 64-bit integers: decimal strings. Space reserved by the caller (24). */
static void js_u64str(struct fwriter *w, uint64_t v)
{
	w->buf[w->len++] = '"';
	w->len += fmt_u64(w->buf + w->len, v);
	w->buf[w->len++] = '"';
}

static void js_u32(struct fwriter *w, uint32_t v)
{
	w->len += fmt_u64(w->buf + w->len, v);
}

/* ---- AnyValue, KeyValue ------------------------------------------------------------ */

static int js_keyvals(struct fwriter *w, const struct keyval *kv, uint32_t n);

static int js_anyvalue(struct fwriter *w, const struct value *v)
{
	if (fw_reserve(w, 64))
		return -1;
	switch (v->type) {
	case VAL_STRING:
		LIT(w, "{\"stringValue\":");
		if (fw_json_str(w, v->u.s.ptr, v->u.s.len))
			return -1;
		break;
	case VAL_BOOL:
		if (v->u.b)
			LIT(w, "{\"boolValue\":true");
		else
			LIT(w, "{\"boolValue\":false");
		break;
	case VAL_INT:
		LIT(w, "{\"intValue\":\"");
		w->len += fmt_i64(w->buf + w->len, v->u.i);
		LIT(w, "\"");
		break;
	case VAL_DOUBLE: {
		char num[32];
		size_t k = fmt_double(num, v->u.d);
		int quote = isnan(v->u.d) || isinf(v->u.d); /* "NaN", "Infinity", "-Infinity" */

		LIT(w, "{\"doubleValue\":");
		if (quote)
			LIT(w, "\"");
		put(w, num, k);
		if (quote)
			LIT(w, "\"");
		break;
	}
	case VAL_ARRAY:
		LIT(w, "{\"arrayValue\":{");
		if (v->u.arr.n) {
			LIT(w, "\"values\":[");
			for (uint32_t i = 0; i < v->u.arr.n; i++) {
				if (i && fw_reserve(w, 1))
					return -1;
				if (i)
					LIT(w, ",");
				if (js_anyvalue(w, &v->u.arr.items[i]))
					return -1;
			}
			if (fw_reserve(w, 1))
				return -1;
			LIT(w, "]");
		}
		if (fw_reserve(w, 1))
			return -1;
		LIT(w, "}");
		break;
	case VAL_KVLIST:
		LIT(w, "{\"kvlistValue\":{");
		if (v->u.kv.n) {
			LIT(w, "\"values\":");
			if (js_keyvals(w, v->u.kv.items, v->u.kv.n))
				return -1;
		}
		if (fw_reserve(w, 1))
			return -1;
		LIT(w, "}");
		break;
	case VAL_BYTES:
		LIT(w, "{\"bytesValue\":");
		if (js_base64(w, (const uint8_t *)v->u.s.ptr, v->u.s.len))
			return -1;
		break;
	default: /* VAL_NONE: an empty AnyValue */
		LIT(w, "{");
		break;
	}
	if (fw_reserve(w, 1))
		return -1;
	LIT(w, "}");
	return 0;
}

/* A non-empty KeyValue list: `[{"key":..,"value":{..}},..]`. */
static int js_keyvals(struct fwriter *w, const struct keyval *kv, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (fw_reserve(w, 16))
			return -1;
		if (i)
			LIT(w, ",{");
		else
			LIT(w, "[{");
		if (kv[i].key_len) {
			LIT(w, "\"key\":");
			if (fw_json_str(w, kv[i].key, kv[i].key_len) || fw_reserve(w, 16))
				return -1;
			LIT(w, ",");
		}
		LIT(w, "\"value\":");
		if (js_anyvalue(w, &kv[i].value) || fw_reserve(w, 2))
			return -1;
		LIT(w, "}");
	}
	LIT(w, "]");
	return 0;
}

/* ---- Span ------------------------------------------------------------------------------ */

static int js_span(struct fwriter *w, const struct span_out *s)
{
	if (fw_reserve(w, 16))
		return -1;
	LIT(w, "{\"traceId\":");
	if (fw_json_hex(w, s->trace_id, 16) || fw_reserve(w, 16))
		return -1;
	LIT(w, ",\"spanId\":");
	if (fw_json_hex(w, s->span_id, 8) || fw_reserve(w, 24))
		return -1;
	if (s->trace_state_len) {
		LIT(w, ",\"traceState\":");
		if (fw_json_str(w, s->trace_state, s->trace_state_len) || fw_reserve(w, 24))
			return -1;
	}
	if (s->has_parent) {
		LIT(w, ",\"parentSpanId\":");
		if (fw_json_hex(w, s->parent_span_id, 8))
			return -1;
	}
	if (s->name_len) {
		if (fw_reserve(w, 16))
			return -1;
		LIT(w, ",\"name\":");
		if (fw_json_str(w, s->name, s->name_len))
			return -1;
	}
	if (fw_reserve(w, 128))
		return -1;
	if (s->kind) {
		LIT(w, ",\"kind\":");
		js_u32(w, s->kind);
	}
	if (s->start_ns) {
		LIT(w, ",\"startTimeUnixNano\":");
		js_u64str(w, s->start_ns);
	}
	if (s->end_ns) {
		LIT(w, ",\"endTimeUnixNano\":");
		js_u64str(w, s->end_ns);
	}
	if (s->nattrs) {
		LIT(w, ",\"attributes\":");
		if (js_keyvals(w, s->attrs, s->nattrs))
			return -1;
	}
	for (uint32_t i = 0; i < s->nevents; i++) {
		const struct event_out *ev = &s->events[i];
		int first = 1;

		if (fw_reserve(w, 64))
			return -1;
		if (i)
			LIT(w, ",{");
		else
			LIT(w, ",\"events\":[{");
		if (ev->time_ns) {
			LIT(w, "\"timeUnixNano\":");
			js_u64str(w, ev->time_ns);
			first = 0;
		}
		if (ev->name_len) {
			if (!first)
				LIT(w, ",");
			LIT(w, "\"name\":");
			if (fw_json_str(w, ev->name, ev->name_len))
				return -1;
			first = 0;
		}
		if (ev->nattrs) {
			if (fw_reserve(w, 16))
				return -1;
			if (!first)
				LIT(w, ",");
			LIT(w, "\"attributes\":");
			if (js_keyvals(w, ev->attrs, ev->nattrs))
				return -1;
		}
		if (fw_reserve(w, 2))
			return -1;
		LIT(w, "}");
		if (i + 1 == s->nevents)
			LIT(w, "]");
	}
	for (uint32_t i = 0; i < s->nlinks; i++) {
		const struct link_out *l = &s->links[i];

		if (fw_reserve(w, 32))
			return -1;
		if (i)
			LIT(w, ",{\"traceId\":");
		else
			LIT(w, ",\"links\":[{\"traceId\":");
		if (fw_json_hex(w, l->trace_id, 16) || fw_reserve(w, 16))
			return -1;
		LIT(w, ",\"spanId\":");
		if (fw_json_hex(w, l->span_id, 8))
			return -1;
		if (l->trace_state_len) {
			if (fw_reserve(w, 16))
				return -1;
			LIT(w, ",\"traceState\":");
			if (fw_json_str(w, l->trace_state, l->trace_state_len))
				return -1;
		}
		if (l->nattrs) {
			if (fw_reserve(w, 16))
				return -1;
			LIT(w, ",\"attributes\":");
			if (js_keyvals(w, l->attrs, l->nattrs))
				return -1;
		}
		if (fw_reserve(w, 32))
			return -1;
		if (l->flags) {
			LIT(w, ",\"flags\":");
			js_u32(w, l->flags);
		}
		LIT(w, "}");
		if (i + 1 == s->nlinks)
			LIT(w, "]");
	}
	if (s->status_code || s->status_message_len) {
		if (fw_reserve(w, 32))
			return -1;
		LIT(w, ",\"status\":{");
		if (s->status_message_len) {
			LIT(w, "\"message\":");
			if (fw_json_str(w, s->status_message, s->status_message_len))
				return -1;
		}
		if (fw_reserve(w, 32))
			return -1;
		if (s->status_code) {
			if (s->status_message_len)
				LIT(w, ",");
			LIT(w, "\"code\":");
			js_u32(w, s->status_code);
		}
		LIT(w, "}");
	}
	if (fw_reserve(w, 32))
		return -1;
	if (s->flags) {
		LIT(w, ",\"flags\":");
		js_u32(w, s->flags);
	}
	LIT(w, "}");
	return 0;
}

/* ---- LogRecord and Metric ----------------------------------------------------------- */

/* An object's members: the comma before all but the first. */
struct jobj {
	struct fwriter *w;
	int n;
};

/* `"key":` (a literal with its quotes and colon), after a comma when needed. */
#define JKEY(o, k) jkey((o), "" k, sizeof(k) - 1)

static int jkey(struct jobj *o, const char *k, size_t n)
{
	if (fw_reserve(o->w, n + 40)) /* room for the key and a number after it */
		return -1;
	if (o->n++)
		o->w->buf[o->w->len++] = ',';
	put(o->w, k, n);
	return 0;
}

static int js_u64_member(struct jobj *o, const char *k, size_t n, uint64_t v)
{
	if (jkey(o, k, n))
		return -1;
	js_u64str(o->w, v);
	return 0;
}

static int js_double(struct fwriter *w, double d)
{
	char num[32];
	size_t k = fmt_double(num, d);
	int quote = isnan(d) || isinf(d);

	if (fw_reserve(w, k + 2))
		return -1;
	if (quote)
		LIT(w, "\"");
	put(w, num, k);
	if (quote)
		LIT(w, "\"");
	return 0;
}

static int js_log(struct fwriter *w, const struct log_out *l)
{
	struct jobj o = { w, 0 };

	if (fw_reserve(w, 1))
		return -1;
	LIT(w, "{");
	if (l->time_ns && js_u64_member(&o, "\"timeUnixNano\":", 15, l->time_ns))
		return -1;
	if (l->observed_ns && js_u64_member(&o, "\"observedTimeUnixNano\":", 23, l->observed_ns))
		return -1;
	if (l->severity) {
		if (JKEY(&o, "\"severityNumber\":"))
			return -1;
		js_u32(w, l->severity);
	}
	if (l->severity_text_len &&
	    (JKEY(&o, "\"severityText\":") || fw_json_str(w, l->severity_text, l->severity_text_len)))
		return -1;
	if (l->body.type != VAL_NONE && (JKEY(&o, "\"body\":") || js_anyvalue(w, &l->body)))
		return -1;
	if (l->nattrs && (JKEY(&o, "\"attributes\":") || js_keyvals(w, l->attrs, l->nattrs)))
		return -1;
	if (l->flags) {
		if (JKEY(&o, "\"flags\":"))
			return -1;
		js_u32(w, l->flags);
	}
	if (l->has_trace_id && (JKEY(&o, "\"traceId\":") || fw_json_hex(w, l->trace_id, 16)))
		return -1;
	if (l->has_span_id && (JKEY(&o, "\"spanId\":") || fw_json_hex(w, l->span_id, 8)))
		return -1;
	if (l->event_name_len &&
	    (JKEY(&o, "\"eventName\":") || fw_json_str(w, l->event_name, l->event_name_len)))
		return -1;
	if (fw_reserve(w, 1))
		return -1;
	LIT(w, "}");
	return 0;
}

static int js_exemplars(struct jobj *o, const struct exemplar_out *ex, uint32_t n)
{
	struct fwriter *w = o->w;

	if (!n)
		return 0;
	if (JKEY(o, "\"exemplars\":["))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const struct exemplar_out *x = &ex[i];
		struct jobj e = { w, 0 };

		if (fw_reserve(w, 2))
			return -1;
		if (i)
			LIT(w, ",");
		LIT(w, "{");
		if (x->nattrs &&
		    (JKEY(&e, "\"filteredAttributes\":") || js_keyvals(w, x->attrs, x->nattrs)))
			return -1;
		if (x->time_ns && js_u64_member(&e, "\"timeUnixNano\":", 15, x->time_ns))
			return -1;
		if (!x->is_int && (JKEY(&e, "\"asDouble\":") || js_double(w, x->value.d)))
			return -1;
		if (x->is_int) {
			if (JKEY(&e, "\"asInt\":\""))
				return -1;
			w->len += fmt_i64(w->buf + w->len, x->value.i);
			LIT(w, "\"");
		}
		if (x->has_ids && (JKEY(&e, "\"spanId\":") || fw_json_hex(w, x->span_id, 8) ||
				   JKEY(&e, "\"traceId\":") || fw_json_hex(w, x->trace_id, 16)))
			return -1;
		if (fw_reserve(w, 2))
			return -1;
		LIT(w, "}");
	}
	LIT(w, "]");
	return 0;
}

static int js_attrs_member(struct jobj *o, const struct keyval *kv, uint32_t n)
{
	return n && (JKEY(o, "\"attributes\":") || js_keyvals(o->w, kv, n)) ? -1 : 0;
}

static int js_flags_member(struct jobj *o, uint32_t flags)
{
	if (!flags)
		return 0;
	if (JKEY(o, "\"flags\":"))
		return -1;
	js_u32(o->w, flags);
	return 0;
}

static int js_double_member(struct jobj *o, const char *k, size_t n, double d)
{
	return jkey(o, k, n) || js_double(o->w, d) ? -1 : 0;
}

/* `"key":["1","2"]` (64-bit counts as strings), or nothing when empty */
static int js_counts(struct jobj *o, const char *k, size_t n, const uint64_t *v, uint32_t nv)
{
	if (!nv)
		return 0;
	if (jkey(o, k, n))
		return -1;
	for (uint32_t i = 0; i < nv; i++) {
		if (fw_reserve(o->w, 26))
			return -1;
		if (i)
			LIT(o->w, ",");
		js_u64str(o->w, v[i]);
	}
	LIT(o->w, "]");
	return 0;
}

static int js_number_point(struct jobj *o, const struct metric_desc *d, const struct point_out *p)
{
	struct fwriter *w = o->w;

	if (js_attrs_member(o, p->attrs, p->nattrs))
		return -1;
	if (p->start_ns && js_u64_member(o, "\"startTimeUnixNano\":", 20, p->start_ns))
		return -1;
	if (p->time_ns && js_u64_member(o, "\"timeUnixNano\":", 15, p->time_ns))
		return -1;
	if (!d->is_int && js_double_member(o, "\"asDouble\":", 11, p->value.d))
		return -1;
	if (d->is_int) {
		if (JKEY(o, "\"asInt\":\""))
			return -1;
		w->len += fmt_i64(w->buf + w->len, p->value.i);
		LIT(w, "\"");
	}
	return js_exemplars(o, p->exemplars, p->nexemplars) || js_flags_member(o, p->flags) ? -1
											    : 0;
}

static int js_histogram_point(struct jobj *o, const struct metric_desc *d,
			      const struct point_out *p)
{
	if (js_attrs_member(o, p->attrs, p->nattrs))
		return -1;
	if (p->start_ns && js_u64_member(o, "\"startTimeUnixNano\":", 20, p->start_ns))
		return -1;
	if (p->time_ns && js_u64_member(o, "\"timeUnixNano\":", 15, p->time_ns))
		return -1;
	if (p->count && js_u64_member(o, "\"count\":", 8, p->count))
		return -1;
	if (p->has_sum && js_double_member(o, "\"sum\":", 6, p->sum))
		return -1;
	if (js_counts(o, "\"bucketCounts\":[", 16, p->bucket_counts, p->nbucket_counts))
		return -1;
	if (d->nbounds) {
		if (JKEY(o, "\"explicitBounds\":["))
			return -1;
		for (uint32_t i = 0; i < d->nbounds; i++) {
			if (i && fw_reserve(o->w, 1))
				return -1;
			if (i)
				LIT(o->w, ",");
			if (js_double(o->w, d->bounds[i]))
				return -1;
		}
		if (fw_reserve(o->w, 1))
			return -1;
		LIT(o->w, "]");
	}
	if (js_exemplars(o, p->exemplars, p->nexemplars) || js_flags_member(o, p->flags))
		return -1;
	if (p->has_minmax && (js_double_member(o, "\"min\":", 6, p->min) ||
			      js_double_member(o, "\"max\":", 6, p->max)))
		return -1;
	return 0;
}

static int js_exp_buckets(struct jobj *o, const char *k, size_t n, const struct exp_buckets *bk)
{
	struct jobj b = { o->w, 0 };

	if (!bk->ncounts && !bk->offset)
		return 0;
	if (jkey(o, k, n))
		return -1;
	LIT(o->w, "{");
	if (bk->offset) {
		if (JKEY(&b, "\"offset\":"))
			return -1;
		o->w->len += fmt_i64(o->w->buf + o->w->len, bk->offset);
	}
	if (js_counts(&b, "\"bucketCounts\":[", 16, bk->counts, bk->ncounts) || fw_reserve(o->w, 1))
		return -1;
	LIT(o->w, "}");
	return 0;
}

static int js_exp_point(struct jobj *o, const struct point_out *p)
{
	if (js_attrs_member(o, p->attrs, p->nattrs))
		return -1;
	if (p->start_ns && js_u64_member(o, "\"startTimeUnixNano\":", 20, p->start_ns))
		return -1;
	if (p->time_ns && js_u64_member(o, "\"timeUnixNano\":", 15, p->time_ns))
		return -1;
	if (p->count && js_u64_member(o, "\"count\":", 8, p->count))
		return -1;
	if (p->has_sum && js_double_member(o, "\"sum\":", 6, p->sum))
		return -1;
	if (p->scale) {
		if (JKEY(o, "\"scale\":"))
			return -1;
		o->w->len += fmt_i64(o->w->buf + o->w->len, p->scale);
	}
	if (p->zero_count && js_u64_member(o, "\"zeroCount\":", 12, p->zero_count))
		return -1;
	if (js_exp_buckets(o, "\"positive\":", 11, &p->positive) ||
	    js_exp_buckets(o, "\"negative\":", 11, &p->negative) || js_flags_member(o, p->flags) ||
	    js_exemplars(o, p->exemplars, p->nexemplars))
		return -1;
	if (p->has_minmax && (js_double_member(o, "\"min\":", 6, p->min) ||
			      js_double_member(o, "\"max\":", 6, p->max)))
		return -1;
	if (p->zero_threshold != 0 &&
	    js_double_member(o, "\"zeroThreshold\":", 16, p->zero_threshold))
		return -1;
	return 0;
}

static int js_str_member(struct jobj *o, const char *k, size_t n, const char *v)
{
	if (!v || !*v)
		return 0;
	return jkey(o, k, n) || fw_json_str(o->w, v, strlen(v)) ? -1 : 0;
}

static int js_metric(struct fwriter *w, const struct metric_out *mo)
{
	const struct metric_desc *d = mo->desc;
	struct jobj o = { w, 0 }, data;
	int rc = 0;

	if (fw_reserve(w, 1))
		return -1;
	LIT(w, "{");
	if (js_str_member(&o, "\"name\":", 7, d->name) ||
	    js_str_member(&o, "\"description\":", 14, d->description) ||
	    js_str_member(&o, "\"unit\":", 7, d->unit))
		return -1;
	if (d->kind == METRIC_GAUGE)
		rc = JKEY(&o, "\"gauge\":{");
	else if (d->kind == METRIC_SUM)
		rc = JKEY(&o, "\"sum\":{");
	else if (d->kind == METRIC_HISTOGRAM)
		rc = JKEY(&o, "\"histogram\":{");
	else
		rc = JKEY(&o, "\"exponentialHistogram\":{");
	data.w = w;
	data.n = 0;
	if (rc || (mo->npoints && JKEY(&data, "\"dataPoints\":[")))
		return -1;
	for (uint32_t i = 0; i < mo->npoints; i++) {
		struct jobj pt = { w, 0 };

		if (fw_reserve(w, 2))
			return -1;
		if (i)
			LIT(w, ",");
		LIT(w, "{");
		if (d->kind == METRIC_HISTOGRAM)
			rc = js_histogram_point(&pt, d, &mo->points[i]);
		else if (d->kind == METRIC_EXP_HISTOGRAM)
			rc = js_exp_point(&pt, &mo->points[i]);
		else
			rc = js_number_point(&pt, d, &mo->points[i]);
		if (rc || fw_reserve(w, 2))
			return -1;
		LIT(w, "}");
	}
	if (mo->npoints)
		LIT(w, "]");
	if (d->kind != METRIC_GAUGE && d->temporality) {
		if (JKEY(&data, "\"aggregationTemporality\":"))
			return -1;
		js_u32(w, d->temporality);
	}
	if (d->kind == METRIC_SUM && d->monotonic && JKEY(&data, "\"isMonotonic\":true"))
		return -1;
	if (fw_reserve(w, 2))
		return -1;
	LIT(w, "}}");
	return 0;
}

/* ---- envelopes and records -------------------------------------------------------------- */

static int js_take(struct fwriter *w, char **out, size_t *len)
{
	*out = malloc(w->len ? w->len : 1);
	if (!*out)
		return -1;
	if (w->len)
		memcpy(*out, w->buf, w->len);
	*len = w->len;
	return 0;
}

static int js_schema(struct fwriter *w, const char *url)
{
	if (!url || !*url)
		return 0;
	if (fw_reserve(w, 16))
		return -1;
	LIT(w, ",\"schemaUrl\":");
	return fw_json_str(w, url, strlen(url));
}

/* The keys that differ between TracesData, MetricsData and LogsData (enum envelope). */
static const struct {
	const char *head; /* the record's opening */
	size_t head_len;
	const char *scope; /* ResourceX.scopeX */
	const char *items; /* ScopeX's items */
} env_keys[ENV_COUNT] = {
#define ENV_KEYS(head, scope, items)                 \
	{                                            \
		head, sizeof(head) - 1, scope, items \
	}
	ENV_KEYS("{\"resourceSpans\":[", "},\"scopeSpans\":[", "},\"spans\":["),
	ENV_KEYS("{\"resourceMetrics\":[", "},\"scopeMetrics\":[", "},\"metrics\":["),
	ENV_KEYS("{\"resourceLogs\":[", "},\"scopeLogs\":[", "},\"logRecords\":["),
#undef ENV_KEYS
};

/* `{"scope":{...` (without its closing brace) */
static int js_scope(struct fwriter *scope, struct scope_def d)
{
	if (fw_reserve(scope, 32))
		return -1;
	LIT(scope, "{\"scope\":{");
	if (d.name && *d.name) {
		LIT(scope, "\"name\":");
		if (fw_json_str(scope, d.name, strlen(d.name)))
			return -1;
	}
	if (d.version && *d.version) {
		if (fw_reserve(scope, 16))
			return -1;
		if (d.name && *d.name)
			LIT(scope, ",");
		LIT(scope, "\"version\":");
		if (fw_json_str(scope, d.version, strlen(d.version)))
			return -1;
	}
	return 0;
}

/* Each scope's `{"scope":{...},"spans":[` per envelope. */
static int json_scopes(struct encoder *e, struct fwriter *w)
{
	for (uint32_t i = 0; i < e->nscopes; i++) {
		for (int k = 0; k < ENV_COUNT; k++) {
			size_t ni = strlen(env_keys[k].items);

			w->len = 0;
			if (js_scope(w, encode_scope(e, i)) || fw_reserve(w, ni))
				return -1;
			put(w, env_keys[k].items, ni);
			if (js_take(w, &e->scopes[i].json[k], &e->scopes[i].json_len[k]))
				return -1;
		}
	}
	return 0;
}

static int json_begin(struct encoder *e)
{
	const struct config *c = &e->cfg.model->config;
	struct fwriter w = { NULL, 0, 0 };
	int rc = -1;

	if (json_scopes(e, &w))
		goto cleanup;
	for (uint32_t r = 0; r < e->nres; r++) {
		const struct service *sv = &e->cfg.model->services[r];

		for (int k = 0; k < ENV_COUNT; k++) {
			size_t ns = strlen(env_keys[k].scope);

			w.len = 0;
			if (fw_reserve(&w, 32))
				goto cleanup;
			LIT(&w, "{\"resource\":{");
			if (sv->nattrs) {
				LIT(&w, "\"attributes\":");
				if (js_keyvals(&w, sv->attrs, sv->nattrs))
					goto cleanup;
			}
			if (fw_reserve(&w, ns))
				goto cleanup;
			put(&w, env_keys[k].scope, ns);
			if (js_take(&w, &e->res[r].json[k], &e->res[r].json_len[k]))
				goto cleanup;
		}
	}

	/* closes a scope's ScopeX and a resource's ResourceX alike */
	w.len = 0;
	if (fw_reserve(&w, 2))
		goto cleanup;
	LIT(&w, "]");
	if (js_schema(&w, c->schema_url) || fw_reserve(&w, 1))
		goto cleanup;
	LIT(&w, "}");
	if (js_take(&w, &e->json_tail, &e->json_tail_len))
		goto cleanup;
	rc = 0;
cleanup:
	fw_release(&w);
	return rc;
}

static size_t json_sub_size(const struct encoder *e, const struct sub *sb, bool first)
{
	return (first ? 0 : 1) + e->scopes[sb->scope].json_len[e->env] + sb->body +
	       e->json_tail_len;
}

static size_t json_group_size(const struct encoder *e, const struct group *g)
{
	return e->res[g->res].json_len[e->env] + g->inner + e->json_tail_len;
}

static inline char *cpy(char *p, const void *src, size_t n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

#define JSON_TAIL "]}\n"

static size_t json_record_size(const struct encoder *e, size_t sum, uint32_t ngroups)
{
	return env_keys[e->env].head_len + sum + (ngroups - 1) + sizeof(JSON_TAIL) - 1;
}

static int json_write_record(struct encoder *e, size_t sum, struct strbuf *out)
{
	const char *head = env_keys[e->env].head;
	size_t head_len = env_keys[e->env].head_len;
	size_t total = json_record_size(e, sum, e->ngroups);
	char *p, *start;

	if (ENCODE_GROW_OUT(e, out, total))
		return -1;
	start = p = out->buf + out->len;
	p = cpy(p, head, head_len);
	for (uint32_t gi = 0; gi < e->ngroups; gi++) {
		const struct group *g = &e->groups[gi];
		const struct res_env *r = &e->res[g->res];

		if (gi)
			*p++ = ',';
		p = cpy(p, r->json[e->env], r->json_len[e->env]);
		for (uint32_t j = g->first; j != SUB_NONE; j = e->subs[j].next) {
			const struct sub *sb = &e->subs[j];
			const struct scope_env *se = &e->scopes[sb->scope];

			if (j != g->first)
				*p++ = ',';
			p = cpy(p, se->json[e->env], se->json_len[e->env]);
			for (size_t i = sb->head;; i = e->next[i]) {
				p = cpy(p, e->fw.buf + e->item_pos[i], e->item_len[i]);
				if (i == sb->tail)
					break;
				*p++ = ',';
			}
			p = cpy(p, e->json_tail, e->json_tail_len);
		}
		p = cpy(p, e->json_tail, e->json_tail_len);
	}
	p = cpy(p, JSON_TAIL, sizeof(JSON_TAIL) - 1);
	if ((size_t)(p - start) != total)
		return -1; /* sizes disagree: a bug, never seen */
	out->len += total;
	out->buf[out->len] = '\0';
	return 0;
}

/* ---- the OTLP/JSON format's operations --------------------------------------------- */

static size_t json_item_size(size_t len, bool first)
{
	return len + (first ? 0 : 1); /* a comma before all but the first */
}

static const struct cut_format json_cut = { json_item_size, json_sub_size, json_group_size,
					    json_record_size, json_write_record };

/* Step 1 for n items, first to last. */
#define JS_ITEMS(e, n, encode_item, resource_of, scope_of)               \
	do {                                                             \
		struct fwriter *w_ = &(e)->fw;                           \
		if (encode_reserve_items((e), (n)))                      \
			return -1;                                       \
		w_->len = 0;                                             \
		for (size_t i = 0; i < (n); i++) {                       \
			size_t start_ = w_->len;                         \
			if ((resource_of) >= (e)->nres ||                \
			    (scope_of) >= (e)->nscopes) {                \
				(e)->why = ENCODE_ERESOURCE;             \
				return -1;                               \
			}                                                \
			if (encode_item)                                 \
				return -1;                               \
			(e)->item_pos[i] = start_;                       \
			(e)->item_len[i] = (uint32_t)(w_->len - start_); \
			(e)->item_res[i] = (resource_of);                \
			(e)->item_scope[i] = (scope_of);                 \
		}                                                        \
	} while (0)

static int json_spans(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	JS_ITEMS(e, b->nspans, js_span(w_, &b->spans[i]), b->spans[i].resource,
		 b->spans[i].scope);
	e->env = ENV_TRACES;
	return encode_cut(e, b, OTELSIM_TRACES, b->nspans, &json_cut, out, n);
}

static int json_log_records(struct encoder *e, const struct batch *b, int signal,
			    const struct log_out *logs, size_t nlogs, struct strbuf *out,
			    uint64_t *n)
{
	JS_ITEMS(e, nlogs, js_log(w_, &logs[i]), logs[i].resource, 0u);
	e->env = ENV_LOGS;
	return encode_cut(e, b, signal, nlogs, &json_cut, out, n);
}

static int json_logs(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	return json_log_records(e, b, OTELSIM_LOGS, b->logs, b->nlogs, out, n);
}

static int json_events(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	return json_log_records(e, b, OTELSIM_EVENTS, b->events, b->nevents, out, n);
}

static int json_metrics(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	JS_ITEMS(e, b->nmetrics, js_metric(w_, &b->metrics[i]), b->metrics[i].resource,
		 0u);
	e->env = ENV_METRICS;
	return encode_cut(e, b, OTELSIM_METRICS, b->nmetrics, &json_cut, out, n);
}

static void json_end(struct encoder *e)
{
	for (uint32_t r = 0; r < e->nres && e->res; r++)
		for (int k = 0; k < ENV_COUNT; k++)
			free(e->res[r].json[k]);
	for (uint32_t i = 0; i < e->nscopes && e->scopes; i++)
		for (int k = 0; k < ENV_COUNT; k++)
			free(e->scopes[i].json[k]);
	free(e->json_tail);
}

const struct encoder_ops encode_json_ops = {
	"otlp-json",  OTELSIM_FORMAT_OTLP_JSON,
	"jsonl",      json_begin,
	json_spans,   json_logs,
	json_metrics, json_events,
	json_end,
};
