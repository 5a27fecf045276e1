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
/* A JSON tree whose numbers keep their text                          */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	uint8_t type;
	int line, col;
	const char *s; /* J_STR: decoded (NUL-terminated); J_NUM: the number's text */
	size_t n;
	const char *key; /* member of an object: its decoded key */
	size_t keylen;
	struct jval *child, *next;
	size_t count; /* J_ARR/J_OBJ: children */
};

struct jp {
	const char *p, *end, *line_start;
	int line;
	int depth;
	struct arena *a;
	struct otelsim_error *err;
};

static int jp_col(const struct jp *j, const char *at)
{
	size_t n = (size_t)(at - j->line_start);

	return n >= INT_MAX ? INT_MAX : (int)n + 1; /* a text over 2 GiB: columns stop */
}

static int jp_fail(struct jp *j, const char *at, int code, const char *msg)
{
	error_at(j->err, code, "", j->line, jp_col(j, at), "%s", msg);
	return code;
}

static void jp_ws(struct jp *j)
{
	while (j->p < j->end) {
		char c = *j->p;

		if (c == '\n') {
			if (j->line < INT_MAX)
				j->line++;
			j->line_start = j->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		j->p++;
	}
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_digit_value((unsigned char)p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at j->p (the opening quote): decoded into the arena. */
static int jp_string(struct jp *j, const char **out, size_t *outlen)
{
	const char *start = j->p, *q = j->p + 1;
	bool plain = true;
	char *buf, *o;

	/* find the end, and whether there are escapes */
	while (q < j->end && *q != '"') {
		if ((unsigned char)*q < 0x20)
			return jp_fail(j, q, OTELSIM_EINPUT, "control character in string");
		if (*q == '\\') {
			plain = false;
			q++;
		}
		q++;
	}
	if (q >= j->end)
		return jp_fail(j, start, OTELSIM_EINPUT, "unterminated string");
	buf = arena_alloc(j->a, (size_t)(q - start));
	if (!buf)
		return error_set(j->err, OTELSIM_ENOMEM, "out of memory");
	o = buf;
	if (plain) {
		memcpy(buf, start + 1, (size_t)(q - start - 1));
		o = buf + (q - start - 1);
	} else {
		for (const char *s = start + 1; s < q; s++) {
			unsigned cp, lo;

			if (*s != '\\') {
				*o++ = *s;
				continue;
			}
			s++;
			switch (*s) {
			case '"':
				*o++ = '"';
				break;
			case '\\':
				*o++ = '\\';
				break;
			case '/':
				*o++ = '/';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'u':
				if (q - s < 5 || hex4(s + 1, &cp))
					return jp_fail(j, s - 1, OTELSIM_EINPUT, "bad \\u escape");
				s += 4;
				if (cp >= 0xd800 && cp < 0xdc00) {
					if (q - s < 7 || s[1] != '\\' || s[2] != 'u' ||
					    hex4(s + 3, &lo) || lo < 0xdc00 || lo >= 0xe000)
						return jp_fail(j, s - 5, OTELSIM_EINPUT,
							       "unpaired surrogate in \\u escape");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				} else if (cp >= 0xdc00 && cp < 0xe000) {
					return jp_fail(j, s - 5, OTELSIM_EINPUT,
						       "unpaired surrogate in \\u escape");
				}
				o += put_utf8(o, cp);
				break;
			default:
				return jp_fail(j, s - 1, OTELSIM_EINPUT, "bad escape in string");
			}
		}
	}
	*o = '\0';
	if (utf8_valid_prefix(buf, (size_t)(o - buf)) != (size_t)(o - buf))
		return jp_fail(j, start, OTELSIM_EINPUT, "string is not valid UTF-8");
	*out = buf;
	*outlen = (size_t)(o - buf);
	j->p = q + 1;
	return 0;
}

static int jp_number(struct jp *j, struct jval *v)
{
	const char *s = j->p, *q = j->p;

	if (q < j->end && *q == '-')
		q++;
	if (q >= j->end || !(*q >= '0' && *q <= '9'))
		return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
	if (*q == '0')
		q++;
	else
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	if (q < j->end && *q == '.') {
		q++;
		if (q >= j->end || !(*q >= '0' && *q <= '9'))
			return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < j->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= j->end || !(*q >= '0' && *q <= '9'))
			return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	v->type = J_NUM;
	v->s = s;
	v->n = (size_t)(q - s);
	j->p = q;
	return 0;
}

static int jp_value(struct jp *j, struct jval **out);

static int jp_literal(struct jp *j, const char *word, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return jp_fail(j, j->p, OTELSIM_EINPUT, "unexpected character");
	j->p += n;
	return 0;
}

static int jp_container(struct jp *j, struct jval *v, bool obj)
{
	struct jval **tail = &v->child;
	const char *open = j->p;
	int rc;

	if (++j->depth > OTLPJSON_MAX_DEPTH)
		return jp_fail(j, j->p, OTELSIM_ELIMIT, "JSON nested deeper than 128 levels");
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t keylen = 0;
		struct jval *child;

		jp_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return jp_fail(j, j->p < j->end ? j->p : open, OTELSIM_EINPUT,
					       j->p < j->end ? "expected a key string"
							     : "unterminated object");
			rc = jp_string(j, &key, &keylen);
			if (rc)
				return rc;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return jp_fail(j, j->p < j->end ? j->p : open, OTELSIM_EINPUT,
					       "expected ':' after key");
			j->p++;
		}
		rc = jp_value(j, &child);
		if (rc)
			return rc;
		child->key = key;
		child->keylen = keylen;
		*tail = child;
		tail = &child->next;
		v->count++;
		jp_ws(j);
		if (j->p >= j->end)
			return jp_fail(j, open, OTELSIM_EINPUT,
				       obj ? "unterminated object" : "unterminated array");
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == (obj ? '}' : ']')) {
			j->p++;
			break;
		}
		return jp_fail(j, j->p, OTELSIM_EINPUT,
			       obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	j->depth--;
	return 0;
}

static int jp_value(struct jp *j, struct jval **out)
{
	struct jval *v;
	int rc = 0;

	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, j->p, OTELSIM_EINPUT, "unexpected end of JSON");
	v = ARENA_NEW(j->a, struct jval);
	if (!v)
		return error_set(j->err, OTELSIM_ENOMEM, "out of memory");
	v->line = j->line;
	v->col = jp_col(j, j->p);
	switch (*j->p) {
	case '{':
		v->type = J_OBJ;
		rc = jp_container(j, v, true);
		break;
	case '[':
		v->type = J_ARR;
		rc = jp_container(j, v, false);
		break;
	case '"':
		v->type = J_STR;
		rc = jp_string(j, &v->s, &v->n);
		break;
	case 't':
		v->type = J_TRUE;
		rc = jp_literal(j, "true", 4);
		break;
	case 'f':
		v->type = J_FALSE;
		rc = jp_literal(j, "false", 5);
		break;
	case 'n':
		v->type = J_NULL;
		rc = jp_literal(j, "null", 4);
		break;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
			rc = jp_number(j, v);
		} else {
			char msg[48];
			unsigned char ch = (unsigned char)*j->p;

			if (ch >= 0x20 && ch < 0x7f)
				snprintf(msg, sizeof(msg), "unexpected character '%c'", ch);
			else
				snprintf(msg, sizeof(msg), "unexpected byte 0x%02x", ch);
			rc = jp_fail(j, j->p, OTELSIM_EINPUT, msg);
		}
		break;
	}
	*out = v;
	return rc;
}

static int jp_document(const char *json, size_t len, struct arena *a, struct jval **out,
		       struct otelsim_error *err)
{
	struct jp j = { json, json + len, json, 1, 0, a, err };
	int rc;

	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0) {
		j.p += 3;
		j.line_start = j.p;
	}
	rc = jp_value(&j, out);
	if (rc)
		return rc;
	jp_ws(&j);
	if (j.p != j.end)
		return jp_fail(&j, j.p, OTELSIM_EINPUT, "unexpected text after the JSON value");
	return 0;
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

static bool is_id_field(const ProtobufCFieldDescriptor *f)
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
	if (is_id_field(f)) {
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

static size_t elem_size(const ProtobufCFieldDescriptor *f)
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

/* One value of field f into *dst (element storage of elem_size(f)). */
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
		size_t es = elem_size(f), i = 0;
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
	int rc = jp_document(json, len, a, &root, err);

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
	if (jp_document(json, len, &a, &root, NULL) == 0 && root && root->type == J_OBJ) {
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

		if (is_id_field(f)) {
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
		size_t es = elem_size(f);

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
