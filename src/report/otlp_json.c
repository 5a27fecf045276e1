/*
 * OTLP items as the page's JSON (see otlp_json.h for the shapes).
 */
#include <math.h>
#include <string.h>

#include "opentelemetry/proto/common/v1/common.pb-c.h"
#include "report/otlp_json.h"
#include "report/report_int.h"
#include "util/text.h"

typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;

#define MAX_VALUE_DEPTH 8
#define MAX_SAFE_INT    (INT64_C(1) << 53)

void report_json_text(struct jsonw *w, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = len > REPORT_MAX_TEXT ? REPORT_MAX_TEXT : len;
	size_t ok = utf8_valid_prefix(s, n);

	if (ok == len) {
		jsonw_stringn(w, s, len);
		return;
	}
	/* invalid bytes become U+FFFD; a cut string says how long it was */
	while (n) {
		ok = utf8_valid_prefix(s, n);
		strbuf_add(&sb, s, ok);
		s += ok;
		n -= ok;
		if (!n)
			break;
		/* a sequence cut by the length limit is dropped, not replaced */
		if (len > REPORT_MAX_TEXT && n < 4 && (unsigned char)s[0] >= 0xc0)
			break;
		strbuf_add(&sb, "\xef\xbf\xbd", 3);
		s++;
		n--;
	}
	if (len > REPORT_MAX_TEXT)
		strbuf_addf(&sb, "\xe2\x80\xa6 (%zu bytes)", len);
	jsonw_stringn(w, sb.buf ? sb.buf : "", sb.len);
	if (!sb.buf && len)
		w->failed = 1;
	strbuf_release(&sb);
}

static void json_double(struct jsonw *w, double d)
{
	if (isnan(d))
		jsonw_string(w, "NaN");
	else if (isinf(d))
		jsonw_string(w, d > 0 ? "Infinity" : "-Infinity");
	else
		jsonw_double(w, d);
}

static void json_value(struct jsonw *w, const AnyValue *v, int depth)
{
	char buf[BASE64_ENCODED_LEN(96) + 1], num[24];

	if (!v || depth > MAX_VALUE_DEPTH) {
		jsonw_null(w);
		return;
	}
	switch (v->value_case) {
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
		report_json_text(w, v->string_value, strlen(v->string_value));
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
		jsonw_bool(w, v->bool_value);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
		if (v->int_value > -MAX_SAFE_INT && v->int_value < MAX_SAFE_INT) {
			jsonw_int(w, v->int_value);
		} else {
			num[fmt_i64(num, v->int_value)] = '\0';
			jsonw_string(w, num);
		}
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
		json_double(w, v->double_value);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE: {
		size_t n = v->bytes_value.len > 96 ? 96 : v->bytes_value.len;

		base64_encode(v->bytes_value.data, n, buf);
		jsonw_begin_object(w);
		jsonw_key(w, "b64");
		jsonw_stringn(w, buf, BASE64_ENCODED_LEN(n));
		if (n < v->bytes_value.len) {
			jsonw_key(w, "len");
			jsonw_uint(w, v->bytes_value.len);
		}
		jsonw_end_object(w);
		break;
	}
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
		jsonw_begin_array(w);
		for (size_t i = 0; v->array_value && i < v->array_value->n_values; i++)
			json_value(w, v->array_value->values[i], depth + 1);
		jsonw_end_array(w);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
		jsonw_begin_object(w);
		jsonw_key(w, "kv");
		jsonw_begin_array(w);
		for (size_t i = 0; v->kvlist_value && i < v->kvlist_value->n_values; i++) {
			const KeyValue *kv = v->kvlist_value->values[i];

			jsonw_begin_array(w);
			report_json_text(w, kv->key, strlen(kv->key));
			json_value(w, kv->value, depth + 1);
			jsonw_end_array(w);
		}
		jsonw_end_array(w);
		jsonw_end_object(w);
		break;
	default:
		jsonw_null(w);
	}
}

void report_json_attrs(struct jsonw *w, KeyValue **kv, size_t n)
{
	jsonw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		jsonw_begin_array(w);
		report_json_text(w, kv[i]->key, strlen(kv[i]->key));
		json_value(w, kv[i]->value, 0);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
}

void report_json_scope(struct jsonw *w, const uint8_t *p, const uint8_t *end)
{
	Opentelemetry__Proto__Common__V1__InstrumentationScope *s =
		p ? opentelemetry__proto__common__v1__instrumentation_scope__unpack(
			    NULL, (size_t)(end - p), p)
		  : NULL;
	struct strbuf sb = STRBUF_INIT;

	if (!s) {
		jsonw_string(w, "");
		return;
	}
	strbuf_addstr(&sb, s->name);
	if (s->version[0])
		strbuf_addf(&sb, " %s", s->version);
	report_json_text(w, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

static void json_id(struct jsonw *w, const ProtobufCBinaryData *id)
{
	char hex[33];
	size_t n = id->len == 16 || id->len == 8 ? id->len : 0;

	hex_encode(id->data, n, hex);
	jsonw_stringn(w, hex, n * 2);
}

static void json_events(struct jsonw *w, const Opentelemetry__Proto__Trace__V1__Span *s)
{
	jsonw_begin_array(w);
	for (size_t i = 0; i < s->n_events; i++) {
		const Opentelemetry__Proto__Trace__V1__Span__Event *e = s->events[i];

		jsonw_begin_array(w);
		jsonw_int(w, (int64_t)(e->time_unix_nano - s->start_time_unix_nano));
		report_json_text(w, e->name, strlen(e->name));
		report_json_attrs(w, e->attributes, e->n_attributes);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
}

static void json_links(struct jsonw *w, const Opentelemetry__Proto__Trace__V1__Span *s)
{
	jsonw_begin_array(w);
	for (size_t i = 0; i < s->n_links; i++) {
		const Opentelemetry__Proto__Trace__V1__Span__Link *l = s->links[i];

		jsonw_begin_array(w);
		json_id(w, &l->trace_id);
		json_id(w, &l->span_id);
		report_json_attrs(w, l->attributes, l->n_attributes);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
}

int report_json_span(struct report *r, struct strbuf *sb, int32_t row,
		     const Opentelemetry__Proto__Trace__V1__Span *s, uint32_t resource,
		     uint32_t svc)
{
	const struct rtrace *t = &r->traces[r->rows[row]];
	struct jsonw w;

	if (r->row_count[row] && strbuf_addch(sb, ','))
		return -1;
	jsonw_init(&w, sb, false);
	jsonw_begin_array(&w);
	json_id(&w, &s->span_id);
	json_id(&w, &s->parent_span_id);
	report_json_text(&w, s->name, strlen(s->name));
	jsonw_uint(&w, svc);
	jsonw_int(&w, s->kind);
	jsonw_int(&w, (int64_t)(s->start_time_unix_nano - t->start));
	jsonw_int(&w, s->end_time_unix_nano > s->start_time_unix_nano
			      ? (int64_t)(s->end_time_unix_nano - s->start_time_unix_nano)
			      : 0);
	jsonw_int(&w, s->status ? s->status->code : 0);
	report_json_text(&w, s->status ? s->status->message : "",
			 s->status ? strlen(s->status->message) : 0);
	report_json_attrs(&w, s->attributes, s->n_attributes);
	json_events(&w, s);
	json_links(&w, s);
	jsonw_uint(&w, resource);
	jsonw_uint(&w, s->flags);
	jsonw_end_array(&w);
	r->row_count[row]++;
	return w.failed ? -1 : 0;
}

int report_json_log(struct report *r, struct strbuf *sb,
		    const Opentelemetry__Proto__Logs__V1__LogRecord *l, uint32_t resource,
		    uint32_t svc)
{
	uint64_t t = l->time_unix_nano ? l->time_unix_nano : l->observed_time_unix_nano;
	struct jsonw w;

	jsonw_init(&w, sb, false);
	jsonw_begin_array(&w);
	jsonw_int(&w, t >= r->t0 ? (int64_t)(t - r->t0) : -(int64_t)(r->t0 - t));
	jsonw_int(&w, l->severity_number);
	report_json_text(&w, l->severity_text, strlen(l->severity_text));
	jsonw_uint(&w, svc);
	report_json_text(&w, l->event_name, strlen(l->event_name));
	if (l->body)
		json_value(&w, l->body, 0);
	else
		jsonw_null(&w);
	json_id(&w, &l->trace_id);
	json_id(&w, &l->span_id);
	report_json_attrs(&w, l->attributes, l->n_attributes);
	jsonw_uint(&w, resource);
	jsonw_end_array(&w);
	return w.failed ? -1 : 0;
}
