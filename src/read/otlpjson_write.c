/* protobuf -> strict OTLP/JSON (read/otlpjson.h). */
#include "read/otlpjson.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/text.h"

/* ------------------------------------------------------------------ */
/* protobuf-c message -> strict OTLP/JSON                             */

/* Declaration order where it differs from field-number order. */
static const struct {
	const ProtobufCMessageDescriptor *d;
	uint32_t ids[16];
} decl_order[] = {
	{ &opentelemetry__proto__logs__v1__log_record__descriptor,
	  { 1, 11, 2, 3, 5, 6, 7, 8, 9, 10, 12 } },
	{ &opentelemetry__proto__metrics__v1__number_data_point__descriptor,
	  { 7, 2, 3, 4, 6, 5, 8 } },
	{ &opentelemetry__proto__metrics__v1__histogram_data_point__descriptor,
	  { 9, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12 } },
	{ &opentelemetry__proto__metrics__v1__summary_data_point__descriptor,
	  { 7, 2, 3, 4, 5, 6, 8 } },
	{ &opentelemetry__proto__metrics__v1__exemplar__descriptor, { 7, 2, 3, 6, 4, 5 } },
};

static int put(struct strbuf *o, const char *s, size_t n)
{
	return strbuf_add(o, s, n);
}

static int put_key(struct strbuf *o, const char *name, bool *first)
{
	char buf[128];
	size_t n = 0;

	if (!*first)
		buf[n++] = ',';
	*first = false;
	buf[n++] = '"';
	for (const char *p = name; *p && n < sizeof(buf) - 3; p++) {
		if (*p == '_' && p[1]) {
			p++;
			buf[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		} else {
			buf[n++] = *p;
		}
	}
	buf[n++] = '"';
	buf[n++] = ':';
	return put(o, buf, n);
}

static int put_b64(struct strbuf *o, const uint8_t *p, size_t n)
{
	size_t len = BASE64_ENCODED_LEN(n);

	if (strbuf_grow(o, len + 2))
		return -1;
	o->buf[o->len] = '"';
	base64_encode(p, n, o->buf + o->len + 1);
	o->buf[o->len + 1 + len] = '"';
	o->len += len + 2;
	o->buf[o->len] = '\0';
	return 0;
}

static int put_u64(struct strbuf *o, uint64_t v, bool quoted)
{
	char buf[24];
	size_t n = 0;

	if (quoted)
		buf[n++] = '"';
	n += fmt_u64(buf + n, v);
	if (quoted)
		buf[n++] = '"';
	return put(o, buf, n);
}

static int put_i64(struct strbuf *o, int64_t v, bool quoted)
{
	char buf[24];
	size_t n = 0;

	if (quoted)
		buf[n++] = '"';
	n += fmt_i64(buf + n, v);
	if (quoted)
		buf[n++] = '"';
	return put(o, buf, n);
}

static int put_double(struct strbuf *o, double d)
{
	char buf[40];
	size_t n;

	if (isnan(d) || isinf(d)) {
		buf[0] = '"';
		n = 1 + fmt_double(buf + 1, d);
		buf[n++] = '"';
		return put(o, buf, n);
	}
	n = fmt_double(buf, d);
	return put(o, buf, n);
}

static int write_message(const ProtobufCMessage *m, struct strbuf *o);

static int write_value(const ProtobufCFieldDescriptor *f, const void *p, struct strbuf *o)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return put_i64(o, *(const int32_t *)p, false);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return put_u64(o, *(const uint32_t *)p, false);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return put_i64(o, *(const int64_t *)p, true);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return put_u64(o, *(const uint64_t *)p, true);
	case PROTOBUF_C_TYPE_FLOAT:
		return put_double(o, *(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return put_double(o, *(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)p ? put(o, "true", 4) : put(o, "false", 5);
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;

		return jsonw_add_str(o, s ? s : "", s ? strlen(s) : 0);
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;

		if (otlpjson_is_id_field(f)) {
			char hex[2 * 64];

			if (b->len <= 64) {
				hex_encode(b->data, b->len, hex);
				if (strbuf_addch(o, '"') || put(o, hex, 2 * b->len))
					return -1;
				return strbuf_addch(o, '"');
			}
		}
		return put_b64(o, b->data, b->len);
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)p;

		if (!sub)
			return put(o, "{}", 2);
		return write_message(sub, o);
	}
	}
	return -1;
}

/* Does a singular proto3 field hold its default (and so get omitted)? */
static bool is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return *(const uint32_t *)p == 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return *(const uint64_t *)p == 0;
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)p == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)p == 0;
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)p == 0;
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;

		return !s || !*s;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)p)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(const ProtobufCMessage *const *)p == NULL;
	}
	return true;
}

static int write_field(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
		       struct strbuf *o, bool *first)
{
	const char *base = (const char *)m;
	const void *p = base + f->offset;

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t n = *(const size_t *)(base + f->quantifier_offset);
		const char *arr = *(const char *const *)p;
		size_t es = otlpjson_elem_size(f);

		if (n == 0)
			return 0;
		if (put_key(o, f->name, first) || strbuf_addch(o, '['))
			return -1;
		for (size_t i = 0; i < n; i++) {
			if ((i && strbuf_addch(o, ',')) || write_value(f, arr + i * es, o))
				return -1;
		}
		return strbuf_addch(o, ']');
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
			return 0;
		if (f->type == PROTOBUF_C_TYPE_MESSAGE && !*(const ProtobufCMessage *const *)p)
			return 0;
	} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
		   f->type != PROTOBUF_C_TYPE_STRING) {
		if (!*(const protobuf_c_boolean *)(base + f->quantifier_offset))
			return 0;
	} else if (is_default(f, p)) {
		return 0;
	}
	if (put_key(o, f->name, first))
		return -1;
	return write_value(f, p, o);
}

static int write_message(const ProtobufCMessage *m, struct strbuf *o)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const uint32_t *order = NULL;
	bool first = true;

	for (size_t i = 0; i < sizeof(decl_order) / sizeof(decl_order[0]); i++)
		if (decl_order[i].d == d)
			order = decl_order[i].ids;
	if (strbuf_addch(o, '{'))
		return -1;
	if (order) {
		for (unsigned i = 0; i < d->n_fields && order[i]; i++) {
			const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
				d, order[i]);

			if (f && write_field(m, f, o, &first))
				return -1;
		}
	} else {
		for (unsigned i = 0; i < d->n_fields; i++)
			if (write_field(m, &d->fields[i], o, &first))
				return -1;
	}
	return strbuf_addch(o, '}');
}

int otlpjson_write(const ProtobufCMessage *msg, struct strbuf *out)
{
	return write_message(msg, out);
}

static void *arena_pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size ? size : 1);
}

static void arena_pb_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

int otlpjson_from_protobuf(const ProtobufCMessageDescriptor *desc, const uint8_t *pb, size_t len,
			   struct strbuf *out, struct otelsim_error *err)
{
	struct arena a;
	ProtobufCAllocator alloc = { arena_pb_alloc, arena_pb_free, &a };
	ProtobufCMessage *m;
	int rc = 0;

	arena_init(&a, 0);
	m = protobuf_c_message_unpack(desc, &alloc, len, pb);
	if (!m) {
		rc = error_set(err, OTELSIM_EINPUT, "invalid protobuf: '%s' does not unpack",
			       desc->short_name);
		goto cleanup;
	}
	if (otlpjson_write(m, out))
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
cleanup:
	arena_release(&a);
	return rc;
}
