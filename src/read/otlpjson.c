/* OTLP/JSON -> protobuf (read/otlpjson.h), over the tree of read/jsontree.h. */
#include "read/otlpjson.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "read/jsontree.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/text.h"

const ProtobufCMessageDescriptor *otlpjson_descriptor(int signal)
{
	switch (signal) {
	case OTELSIM_TRACES:
		return &opentelemetry__proto__trace__v1__traces_data__descriptor;
	case OTELSIM_METRICS:
		return &opentelemetry__proto__metrics__v1__metrics_data__descriptor;
	case OTELSIM_LOGS:
	case OTELSIM_EVENTS:
		return &opentelemetry__proto__logs__v1__logs_data__descriptor;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* JSON tree -> protobuf-c message                                    */

struct conv {
	struct arena *a;
	struct otelsim_error *err;
};

/* "'name' what" at v's position. */
static int cfail(struct conv *c, const struct jval *v, int code, const char *name, const char *what)
{
	error_at(c->err, code, "", v->line, v->col, "'%s' %s", name, what);
	return code;
}

/* Does JSON key k name field `name` (snake_case as written, or lowerCamelCase)? */
static bool key_matches(const char *name, const char *k, size_t klen)
{
	size_t i = 0;

	if (strlen(name) == klen && memcmp(name, k, klen) == 0)
		return true;
	for (const char *p = name; *p; p++) {
		char want = *p;

		if (want == '_' && p[1]) {
			p++;
			want = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		}
		if (i >= klen || k[i] != want)
			return false;
		i++;
	}
	return i == klen;
}

bool otlpjson_is_id_field(const ProtobufCFieldDescriptor *f)
{
	return f->type == PROTOBUF_C_TYPE_BYTES &&
	       (strcmp(f->name, "trace_id") == 0 || strcmp(f->name, "span_id") == 0 ||
		strcmp(f->name, "parent_span_id") == 0);
}

/* The text of a scalar given as a number or a string. */
static int scalar_text(struct conv *c, const struct jval *v, const char *name, const char **s,
		       size_t *n)
{
	if (v->type != J_NUM && v->type != J_STR)
		return cfail(c, v, OTELSIM_EINPUT, name, "must be a number");
	*s = v->s;
	*n = v->n;
	return 0;
}

/*
 * An integer from decimal text: "-12", "1767225600000000000", "1.5e9",
 * "2.0" (integral values only). *mag = |value|, *neg = sign.
 */
static int parse_integer(const char *s, size_t n, uint64_t *mag, bool *neg)
{
	const char *p = s, *end = s + n;
	char digits[64];
	size_t nd = 0, fraclen = 0;
	long exp = 0;
	bool any = false;
	uint64_t v = 0;

	*neg = false;
	if (p < end && (*p == '-' || *p == '+')) {
		*neg = *p == '-';
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		any = true;
		if (nd || *p != '0') {
			if (nd >= sizeof(digits))
				return -1;
			digits[nd++] = *p;
		}
	}
	if (p < end && *p == '.') {
		p++;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			any = true;
			if (nd >= sizeof(digits))
				return -1;
			digits[nd++] = *p;
			fraclen++;
		}
	}
	if (!any)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		long e = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		if (p >= end)
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			e = e * 10 + (*p - '0');
			if (e > 100000)
				return -1;
		}
		exp = eneg ? -e : e;
	}
	if (p != end)
		return -1;
	exp -= (long)fraclen;
	/* drop trailing digits below the units: they must be zeros */
	while (exp < 0 && nd > 0) {
		if (digits[nd - 1] != '0')
			return -1;
		nd--;
		exp++;
	}
	if (nd == 0) {
		*mag = 0;
		return 0;
	}
	if (exp < 0)
		return -1;
	for (size_t i = 0; i < nd; i++) {
		uint64_t d = (uint64_t)(digits[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	for (; exp > 0; exp--) {
		if (v > UINT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*mag = v;
	return 0;
}

static int get_int(struct conv *c, const struct jval *v, const char *name, bool is_signed, int bits,
		   uint64_t *out)
{
	const char *s;
	size_t n;
	uint64_t mag;
	bool neg;
	int rc = scalar_text(c, v, name, &s, &n);

	if (rc)
		return rc;
	if (parse_integer(s, n, &mag, &neg))
		return cfail(c, v, OTELSIM_EINPUT, name, "must be an integer");
	if (neg && mag == 0)
		neg = false;
	if (is_signed) {
		uint64_t lim = (uint64_t)1 << (bits - 1);

		if (neg ? mag > lim : mag >= lim)
			return cfail(c, v, OTELSIM_EINPUT, name, "is out of range");
		*out = neg ? (uint64_t)0 - mag : mag;
	} else {
		if (neg || (bits < 64 && mag >> bits))
			return cfail(c, v, OTELSIM_EINPUT, name, "is out of range");
		*out = mag;
	}
	return 0;
}

static int get_double(struct conv *c, const struct jval *v, const char *name, double *out)
{
	const char *s;
	size_t n;
	char *buf, *end;
	int rc = scalar_text(c, v, name, &s, &n);

	if (rc)
		return rc;
	if (v->type == J_STR) {
		if (n == 3 && memcmp(s, "NaN", 3) == 0) {
			*out = NAN;
			return 0;
		}
		if (n == 8 && memcmp(s, "Infinity", 8) == 0) {
			*out = INFINITY;
			return 0;
		}
		if (n == 9 && memcmp(s, "-Infinity", 9) == 0) {
			*out = -INFINITY;
			return 0;
		}
		/* otherwise a number in a string: digits, sign, point, exponent only */
		if (n == 0 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.'))
			return cfail(c, v, OTELSIM_EINPUT, name, "must be a number");
		for (size_t i = 0; i < n; i++)
			if (!s[i] || !strchr("0123456789+-.eE", s[i]))
				return cfail(c, v, OTELSIM_EINPUT, name, "must be a number");
	}
	buf = arena_strndup(c->a, s, n);
	if (!buf)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	errno = 0;
	*out = strtod_l(buf, &end, util_c_locale());
	if (end != buf + n || (errno == ERANGE && isinf(*out)))
		return cfail(c, v, OTELSIM_EINPUT, name, "is not a valid double");
	return 0;
}

/* Bytes other than ids: base64, either alphabet, padding optional. */
#define JSON_BASE64 (BASE64_URL | BASE64_ANY_PAD)

static int get_bytes(struct conv *c, const struct jval *v, const ProtobufCFieldDescriptor *f,
		     ProtobufCBinaryData *out)
{
	uint8_t *buf;
	size_t n;

	if (v->type != J_STR)
		return cfail(c, v, OTELSIM_EINPUT, f->name, "must be a string");
	buf = arena_alloc(c->a, v->n + 3);
	if (!buf)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	if (otlpjson_is_id_field(f)) {
		size_t want = strcmp(f->name, "trace_id") == 0 ? 16 : 8;

		if (v->n == 0) {
			out->len = 0;
			out->data = NULL;
			return 0;
		}
		if (v->n == 2 * want && hex_decode(v->s, v->n, buf, want) == 0) {
			out->len = want;
			out->data = buf;
			return 0;
		}
		if (base64_decode(v->s, v->n, JSON_BASE64, buf, &n, NULL) == 0 && n == want) {
			out->len = want;
			out->data = buf;
			return 0;
		}
		/* the value is quoted only when it is plain text (no escape sequences) */
		for (size_t i = 0; i < v->n; i++) {
			if (v->s[i] < 0x20 || v->s[i] >= 0x7f)
				return cfail(c, v, OTELSIM_EINPUT, f->name,
					     want == 16 ? "must be 32 hex digits"
							: "must be 16 hex digits");
		}
		error_at(c->err, OTELSIM_EINPUT, "", v->line, v->col,
			 "'%s' must be %zu hex digits, got '%.*s'", f->name, 2 * want,
			 (int)(v->n > 40 ? 40 : v->n), v->s);
		return OTELSIM_EINPUT;
	}
	if (base64_decode(v->s, v->n, JSON_BASE64, buf, &n, NULL))
		return cfail(c, v, OTELSIM_EINPUT, f->name, "must be base64");
	out->len = n;
	out->data = n ? buf : NULL;
	return 0;
}

static int get_enum(struct conv *c, const struct jval *v, const ProtobufCFieldDescriptor *f,
		    int32_t *out)
{
	const ProtobufCEnumDescriptor *ed = f->descriptor;
	uint64_t u;

	if (v->type == J_STR && v->n > 0 &&
	    !(v->s[0] == '-' || (v->s[0] >= '0' && v->s[0] <= '9'))) {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(ed,
											    v->s);

		if (!ev) {
			/* case-insensitive, for "span_kind_server" */
			for (unsigned i = 0; i < ed->n_values && !ev; i++)
				if (strcasecmp(ed->values[i].name, v->s) == 0)
					ev = &ed->values[i];
		}
		if (!ev)
			return cfail(c, v, OTELSIM_EINPUT, f->name, "has an unknown enum name");
		*out = ev->value;
		return 0;
	}
	int rc = get_int(c, v, f->name, true, 32, &u);

	if (rc)
		return rc;
	*out = (int32_t)(int64_t)u;
	return 0;
}

static int fill_message(struct conv *c, const ProtobufCMessageDescriptor *d, const char *name,
			const struct jval *obj, ProtobufCMessage **out);

size_t otlpjson_elem_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

/* One value of field f into *dst (element storage of otlpjson_elem_size(f)). */
static int fill_value(struct conv *c, const ProtobufCFieldDescriptor *f, const struct jval *v,
		      void *dst)
{
	uint64_t u;
	double d;
	int rc = 0;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		rc = get_int(c, v, f->name, true, 32, &u);
		if (!rc)
			*(int32_t *)dst = (int32_t)(int64_t)u;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		rc = get_int(c, v, f->name, false, 32, &u);
		if (!rc)
			*(uint32_t *)dst = (uint32_t)u;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		rc = get_int(c, v, f->name, true, 64, &u);
		if (!rc)
			*(int64_t *)dst = (int64_t)u;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		rc = get_int(c, v, f->name, false, 64, &u);
		if (!rc)
			*(uint64_t *)dst = u;
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		rc = get_double(c, v, f->name, &d);
		/* a finite double past FLT_MAX has no float: converting it is undefined */
		if (!rc && isfinite(d) && fabs(d) > FLT_MAX)
			rc = cfail(c, v, OTELSIM_EINPUT, f->name, "is out of range for a float");
		if (!rc)
			*(float *)dst = (float)d;
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		rc = get_double(c, v, f->name, &d);
		if (!rc)
			*(double *)dst = d;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (v->type == J_TRUE || (v->type == J_STR && strcmp(v->s, "true") == 0))
			*(protobuf_c_boolean *)dst = 1;
		else if (v->type == J_FALSE || (v->type == J_STR && strcmp(v->s, "false") == 0))
			*(protobuf_c_boolean *)dst = 0;
		else
			rc = cfail(c, v, OTELSIM_EINPUT, f->name, "must be true or false");
		break;
	case PROTOBUF_C_TYPE_ENUM:
		rc = get_enum(c, v, f, (int32_t *)dst);
		break;
	case PROTOBUF_C_TYPE_STRING:
		if (v->type != J_STR)
			rc = cfail(c, v, OTELSIM_EINPUT, f->name, "must be a string");
		else
			*(const char **)dst = v->s; /* NUL-terminated, in the arena */
		break;
	case PROTOBUF_C_TYPE_BYTES:
		rc = get_bytes(c, v, f, dst);
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		rc = fill_message(c, f->descriptor, f->name, v, (ProtobufCMessage **)dst);
		break;
	}
	return rc;
}

static int fill_field(struct conv *c, ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
		      const struct jval *v)
{
	char *base = (char *)m;

	if (v->type == J_NULL)
		return 0;
	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t es = otlpjson_elem_size(f), i = 0;
		char *arr;

		if (v->type != J_ARR)
			return cfail(c, v, OTELSIM_EINPUT, f->name, "must be an array");
		arr = arena_zalloc(c->a, es * (v->count ? v->count : 1));
		if (!arr)
			return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
		for (const struct jval *e = v->child; e && i < v->count; e = e->next, i++) {
			int rc;

			if (e->type == J_NULL)
				return cfail(c, e, OTELSIM_EINPUT, f->name, "must not hold null");
			rc = fill_value(c, f, e, arr + i * es);
			if (rc)
				return rc;
		}
		*(size_t *)(base + f->quantifier_offset) = v->count;
		*(void **)(base + f->offset) = v->count ? arr : NULL;
		return 0;
	}
	{
		int rc = fill_value(c, f, v, base + f->offset);

		if (rc)
			return rc;
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		*(uint32_t *)(base + f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
		 f->type != PROTOBUF_C_TYPE_STRING)
		*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
	return 0;
}

static int fill_message(struct conv *c, const ProtobufCMessageDescriptor *d, const char *name,
			const struct jval *obj, ProtobufCMessage **out)
{
	ProtobufCMessage *m;

	if (!obj)
		return error_set(c->err, OTELSIM_EINTERNAL, "no JSON value");
	if (obj->type != J_OBJ)
		return cfail(c, obj, OTELSIM_EINPUT, name, "must be an object");
	m = arena_alloc(c->a, d->sizeof_message);
	if (!m)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	protobuf_c_message_init(d, m);
	for (const struct jval *v = obj->child; v; v = v->next) {
		const ProtobufCFieldDescriptor *f = NULL;

		for (unsigned i = 0; i < d->n_fields; i++) {
			if (key_matches(d->fields[i].name, v->key, v->keylen)) {
				f = &d->fields[i];
				break;
			}
		}
		if (!f)
			continue; /* unknown keys are ignored */
		int rc = fill_field(c, m, f, v);

		if (rc)
			return rc;
	}
	*out = m;
	return 0;
}

int otlpjson_parse(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
		   struct arena *a, ProtobufCMessage **out, struct otelsim_error *err)
{
	struct conv c = { a, err };
	struct jval *root = NULL;
	int rc = json_tree_parse(json, len, a, &root, err);

	if (rc)
		return rc;
	return fill_message(&c, desc, desc->short_name, root, out);
}

int otlpjson_signal(const char *json, size_t len, int *signal)
{
	static const struct {
		const char *camel, *snake;
		int signal;
	} keys[] = {
		{ "\"resourceSpans\"", "\"resource_spans\"", OTELSIM_TRACES },
		{ "\"resourceMetrics\"", "\"resource_metrics\"", OTELSIM_METRICS },
		{ "\"resourceLogs\"", "\"resource_logs\"", OTELSIM_LOGS },
	};
	struct arena a;
	struct jval *root = NULL;
	int found = -1;

	/* the common case: the key comes first */
	const char *p = json, *end = json + len;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p >= end || *p != '{')
		return -1;
	p++;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t n1 = strlen(keys[i].camel), n2 = strlen(keys[i].snake);

		if (((size_t)(end - p) >= n1 && memcmp(p, keys[i].camel, n1) == 0) ||
		    ((size_t)(end - p) >= n2 && memcmp(p, keys[i].snake, n2) == 0)) {
			*signal = keys[i].signal;
			return 0;
		}
	}
	/* otherwise parse and look at every top-level key */
	arena_init(&a, 0);
	if (json_tree_parse(json, len, &a, &root, NULL) == 0 && root && root->type == J_OBJ) {
		for (const struct jval *v = root->child; v && found < 0; v = v->next) {
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				size_t n1 = strlen(keys[i].camel) - 2,
				       n2 = strlen(keys[i].snake) - 2;

				if ((v->keylen == n1 &&
				     memcmp(v->key, keys[i].camel + 1, n1) == 0) ||
				    (v->keylen == n2 &&
				     memcmp(v->key, keys[i].snake + 1, n2) == 0)) {
					found = keys[i].signal;
					break;
				}
			}
		}
	}
	arena_release(&a);
	if (found < 0)
		return -1;
	*signal = found;
	return 0;
}

int otlpjson_to_protobuf(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
			 struct strbuf *out, struct otelsim_error *err)
{
	struct arena a;
	ProtobufCMessage *m = NULL;
	size_t n;
	int rc;

	arena_init(&a, 0);
	rc = otlpjson_parse(desc, json, len, &a, &m, err);
	if (rc)
		goto cleanup;
	n = protobuf_c_message_get_packed_size(m);
	if (strbuf_grow(out, n)) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	protobuf_c_message_pack(m, (uint8_t *)out->buf + out->len);
	out->len += n;
	out->buf[out->len] = '\0';
cleanup:
	arena_release(&a);
	return rc;
}
