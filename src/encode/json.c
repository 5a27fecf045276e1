/*
 * encode/json.c - the streaming OTLP/JSON writer (one TracesData per line).
 *
 * The strict proto3 JSON form of otlp-facts.md: lowerCamelCase keys in field
 * number order, ids as lowercase hex, other bytes as base64 (with padding),
 * enums and fixed32 flags as numbers, 64-bit integers as decimal strings,
 * doubles as shortest round-trip numbers ("NaN", "Infinity", "-Infinity" as
 * strings), default-valued fields and empty lists left out. The AnyValue
 * oneof is always written ({"stringValue":""}), and a present message field
 * is written even when empty (`"value":{}`, `"arrayValue":{}`).
 *
 * Strings are escaped per RFC 8259: '"' and '\' with a backslash, control
 * characters as \u00XX (lowercase hex), valid UTF-8 kept as is, each byte of
 * an invalid UTF-8 sequence replaced by \ufffd (the line stays valid UTF-8).
 */
#include "encode/encode_int.h"

#include <math.h>
#include <stdlib.h>

#include "util/text.h"

/* 0: copied as is; 1: escaped ASCII; 2: first byte of a UTF-8 sequence (or invalid) */
static const uint8_t char_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

static const char hexdig[] = "0123456789abcdef";
/* U+FFFD, written for a byte that is not valid UTF-8 */
static const char replacement[] = "\\ufffd";

/* Length of the valid UTF-8 sequence at s (0: invalid or cut short). */
static size_t utf8_seq(const char *s, size_t rem)
{
	unsigned c = (unsigned char)s[0];
	size_t k;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (rem < k || utf8_valid_prefix(s, k) != k)
		return 0;
	return k;
}

/* ---- writer primitives -------------------------------------------------------- */

static inline void put(struct fwriter *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* A string literal (never a pointer: sizeof must see the array). */
#define LIT(w, s) put((w), "" s, sizeof(s) - 1)

/* A JSON string (quoted, escaped). */
static int js_str(struct fwriter *w, const char *s, size_t n)
{
	char *p;

	if (fw_reserve(w, n * 6 + 2))
		return -1;
	p = w->buf + w->len;
	*p++ = '"';
	for (size_t i = 0; i < n;) {
		unsigned c = (unsigned char)s[i];
		size_t run = i;

		while (run < n && !char_class[(unsigned char)s[run]])
			run++;
		if (run > i) { /* a run copied as is */
			memcpy(p, s + i, run - i);
			p += run - i;
			i = run;
			continue;
		}
		switch (char_class[c]) {
		case 1:
			*p++ = '\\';
			if (c == '"' || c == '\\') {
				*p++ = (char)c;
			} else {
				*p++ = 'u';
				*p++ = '0';
				*p++ = '0';
				*p++ = hexdig[c >> 4];
				*p++ = hexdig[c & 15];
			}
			i++;
			break;
		default: {
			size_t k = utf8_seq(s + i, n - i);

			if (k) {
				memcpy(p, s + i, k);
				p += k;
				i += k;
			} else {
				memcpy(p, replacement, sizeof(replacement) - 1);
				p += sizeof(replacement) - 1;
				i++;
			}
		}
		}
	}
	*p++ = '"';
	w->len = (size_t)(p - w->buf);
	return 0;
}

static int js_hex(struct fwriter *w, const uint8_t *id, size_t n)
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
		if (js_str(w, v->u.s.ptr, v->u.s.len))
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
			if (js_str(w, kv[i].key, kv[i].key_len) || fw_reserve(w, 16))
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
	if (js_hex(w, s->trace_id, 16) || fw_reserve(w, 16))
		return -1;
	LIT(w, ",\"spanId\":");
	if (js_hex(w, s->span_id, 8) || fw_reserve(w, 24))
		return -1;
	if (s->has_parent) {
		LIT(w, ",\"parentSpanId\":");
		if (js_hex(w, s->parent_span_id, 8))
			return -1;
	}
	if (s->name_len) {
		if (fw_reserve(w, 16))
			return -1;
		LIT(w, ",\"name\":");
		if (js_str(w, s->name, s->name_len))
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
			if (js_str(w, ev->name, ev->name_len))
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
		if (js_hex(w, l->trace_id, 16) || fw_reserve(w, 16))
			return -1;
		LIT(w, ",\"spanId\":");
		if (js_hex(w, l->span_id, 8))
			return -1;
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
			if (js_str(w, s->status_message, s->status_message_len))
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

int json_encode_spans(struct encoder *e, const struct batch *b)
{
	struct fwriter *w = &e->fw;

	w->len = 0;
	for (size_t i = 0; i < b->nspans; i++) {
		size_t start = w->len;

		if (js_span(w, &b->spans[i]))
			return -1;
		e->span_pos[i] = start;
		e->span_len[i] = (uint32_t)(w->len - start);
	}
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
	return js_str(w, url, strlen(url));
}

int json_build_envelopes(struct encoder *e)
{
	const struct config *c = &e->cfg.model->config;
	struct fwriter w = { NULL, 0, 0 };
	struct fwriter scope = { NULL, 0, 0 };
	int rc = -1;

	/* the scope object, shared by every resource */
	if (fw_reserve(&scope, 32))
		goto cleanup;
	LIT(&scope, "\"scope\":{");
	if (c->scope_name && *c->scope_name) {
		LIT(&scope, "\"name\":");
		if (js_str(&scope, c->scope_name, strlen(c->scope_name)))
			goto cleanup;
	}
	if (c->scope_version && *c->scope_version) {
		if (fw_reserve(&scope, 16))
			goto cleanup;
		if (c->scope_name && *c->scope_name)
			LIT(&scope, ",");
		LIT(&scope, "\"version\":");
		if (js_str(&scope, c->scope_version, strlen(c->scope_version)))
			goto cleanup;
	}
	if (fw_reserve(&scope, 16))
		goto cleanup;
	LIT(&scope, "},\"spans\":[");

	for (uint32_t r = 0; r < e->nres; r++) {
		const struct service *sv = &e->cfg.model->services[r];

		w.len = 0;
		if (fw_reserve(&w, 32))
			goto cleanup;
		LIT(&w, "{\"resource\":{");
		if (sv->nattrs) {
			LIT(&w, "\"attributes\":");
			if (js_keyvals(&w, sv->attrs, sv->nattrs))
				goto cleanup;
		}
		if (fw_reserve(&w, 32 + scope.len))
			goto cleanup;
		LIT(&w, "},\"scopeSpans\":[{");
		put(&w, scope.buf, scope.len);
		if (js_take(&w, &e->res[r].json, &e->res[r].json_len))
			goto cleanup;
	}

	w.len = 0;
	if (fw_reserve(&w, 2))
		goto cleanup;
	LIT(&w, "]");
	if (js_schema(&w, c->schema_url) || fw_reserve(&w, 2))
		goto cleanup;
	LIT(&w, "}]");
	if (js_schema(&w, c->schema_url) || fw_reserve(&w, 1))
		goto cleanup;
	LIT(&w, "}");
	if (js_take(&w, &e->json_tail, &e->json_tail_len))
		goto cleanup;
	rc = 0;
cleanup:
	fw_release(&w);
	fw_release(&scope);
	return rc;
}

size_t json_group_size(const struct encoder *e, const struct group *g)
{
	return e->res[g->res].json_len + g->body + e->json_tail_len;
}

static inline char *cpy(char *p, const void *src, size_t n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

int json_write_record(struct encoder *e, size_t sum, struct strbuf *out)
{
	static const char head[] = "{\"resourceSpans\":[";
	static const char tail[] = "]}\n";
	size_t total = sizeof(head) - 1 + sum + (e->ngroups - 1) + sizeof(tail) - 1;
	char *p, *start;

	if (strbuf_grow(out, total))
		return -1;
	start = p = out->buf + out->len;
	p = cpy(p, head, sizeof(head) - 1);
	for (uint32_t gi = 0; gi < e->ngroups; gi++) {
		const struct group *g = &e->groups[gi];
		const struct res_env *r = &e->res[g->res];

		if (gi)
			*p++ = ',';
		p = cpy(p, r->json, r->json_len);
		for (size_t i = g->head;; i = e->next[i]) {
			p = cpy(p, e->fw.buf + e->span_pos[i], e->span_len[i]);
			if (i == g->tail)
				break;
			*p++ = ',';
		}
		p = cpy(p, e->json_tail, e->json_tail_len);
	}
	p = cpy(p, tail, sizeof(tail) - 1);
	if ((size_t)(p - start) != total)
		return -1; /* sizes disagree: a bug, never seen */
	out->len += total;
	out->buf[out->len] = '\0';
	return 0;
}
