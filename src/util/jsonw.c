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

int json_escape(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	int rc = strbuf_addch(out, '"');

	for (size_t i = 0; i < len && !rc; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			rc = strbuf_add(out, "\\\"", 2);
			break;
		case '\\':
			rc = strbuf_add(out, "\\\\", 2);
			break;
		case '\n':
			rc = strbuf_add(out, "\\n", 2);
			break;
		case '\r':
			rc = strbuf_add(out, "\\r", 2);
			break;
		case '\t':
			rc = strbuf_add(out, "\\t", 2);
			break;
		default:
			if (c < 0x20) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				rc = strbuf_add(out, u, 6);
			} else {
				rc = strbuf_addch(out, c);
			}
		}
	}
	return rc ? rc : strbuf_addch(out, '"');
}

void jsonw_key(struct jsonw *w, const char *key)
{
	pre_value(w);
	if (json_escape(w->out, key, strlen(key)))
		w->failed = 1;
	put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = true;
}

void jsonw_stringn(struct jsonw *w, const char *s, size_t len)
{
	pre_value(w);
	if (json_escape(w->out, s, len))
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
		json_escape(w->out, buf, n); /* JSON has no NaN/Infinity literals */
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
