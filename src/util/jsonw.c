#include "util/jsonw.h"

#include <string.h>

#include "util/text.h"

void jsonw_init(struct jsonw *w, struct strbuf *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
	w->first[0] = true;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (strbuf_add(w->out, s, n))
		w->failed = 1;
}

static void newline(struct jsonw *w)
{
	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Before any value or key: comma and indentation as needed. */
static void pre_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		put(w, ",", 1);
	if (w->depth > 0)
		newline(w);
	w->first[w->depth] = false;
}

static void open(struct jsonw *w, char c)
{
	pre_value(w);
	put(w, &c, 1);
	if (w->depth + 1 < JSONW_MAX_DEPTH) {
		w->depth++;
		w->first[w->depth] = true;
	} else {
		w->failed = 1;
	}
}

static void close(struct jsonw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		newline(w);
	put(w, &c, 1);
}

void jsonw_begin_object(struct jsonw *w)
{
	open(w, '{');
}

void jsonw_end_object(struct jsonw *w)
{
	close(w, '}');
}

void jsonw_begin_array(struct jsonw *w)
{
	open(w, '[');
}

void jsonw_end_array(struct jsonw *w)
{
	close(w, ']');
}

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

size_t json_escape(char *dst, const char *s, size_t n)
{
	char *p = dst;

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
		if (char_class[c] == 1) {
			*p++ = '\\';
			if (c == '"' || c == '\\') {
				*p++ = (char)c;
			} else {
				memcpy(p, "u00", 3);
				p[3] = hexdig[c >> 4];
				p[4] = hexdig[c & 15];
				p += 5;
			}
			i++;
		} else {
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
	*p++ = '"';
	return (size_t)(p - dst);
}

int jsonw_add_str(struct strbuf *out, const char *s, size_t len)
{
	if (strbuf_grow(out, JSON_ESCAPED_MAX(len)))
		return -1;
	out->len += json_escape(out->buf + out->len, s, len);
	out->buf[out->len] = '\0';
	return 0;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	pre_value(w);
	if (jsonw_add_str(w->out, key, strlen(key)))
		w->failed = 1;
	put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = true;
}

void jsonw_stringn(struct jsonw *w, const char *s, size_t len)
{
	pre_value(w);
	if (jsonw_add_str(w->out, s, len))
		w->failed = 1;
}

void jsonw_string(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_stringn(w, s, strlen(s));
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[24];

	pre_value(w);
	put(w, buf, fmt_i64(buf, v));
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	char buf[24];

	pre_value(w);
	put(w, buf, fmt_u64(buf, v));
}

void jsonw_double(struct jsonw *w, double v)
{
	char buf[32];
	size_t n = fmt_double(buf, v);

	pre_value(w);
	if (buf[0] == 'N' || buf[0] == 'I' || (buf[0] == '-' && buf[1] == 'I'))
		jsonw_add_str(w->out, buf, n); /* JSON has no NaN/Infinity literals */
	else
		put(w, buf, n);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	pre_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	pre_value(w);
	put(w, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
	pre_value(w);
	put(w, json, len);
}

int jsonw_finish(struct jsonw *w)
{
	if (w->pretty)
		put(w, "\n", 1);
	return w->failed ? -1 : 0;
}
