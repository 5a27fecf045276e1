#include "encode/console.h"

#include <string.h>

#include "util/text.h"

static const char *const kind_names[] = { "unspecified", "internal", "server",
					  "client",      "producer", "consumer" };

int console_value(struct strbuf *out, const struct value *v)
{
	char num[32];
	int rc = 0;

	switch (v->type) {
	case VAL_STRING:
		return strbuf_add(out, v->u.s.ptr, v->u.s.len);
	case VAL_BOOL:
		return strbuf_addstr(out, v->u.b ? "true" : "false");
	case VAL_INT:
		return strbuf_add(out, num, fmt_i64(num, v->u.i));
	case VAL_DOUBLE:
		return strbuf_add(out, num, fmt_double(num, v->u.d));
	case VAL_BYTES:
		return strbuf_addf(out, "<%u bytes>", v->u.s.len);
	case VAL_ARRAY:
		rc = strbuf_addch(out, '[');
		for (uint32_t i = 0; i < v->u.arr.n && !rc; i++) {
			if (i)
				rc = strbuf_addstr(out, ", ");
			rc = rc ? rc : console_value(out, &v->u.arr.items[i]);
		}
		return rc ? rc : strbuf_addch(out, ']');
	case VAL_KVLIST:
		rc = strbuf_addch(out, '{');
		for (uint32_t i = 0; i < v->u.kv.n && !rc; i++) {
			const struct keyval *kv = &v->u.kv.items[i];

			rc = strbuf_addf(out, "%s%.*s=", i ? ", " : "", (int)kv->key_len, kv->key);
			rc = rc ? rc : console_value(out, &kv->value);
		}
		return rc ? rc : strbuf_addch(out, '}');
	default:
		return strbuf_addstr(out, "null");
	}
}

int console_ms(struct strbuf *out, int64_t ns)
{
	char buf[32];
	size_t n;

	/* milliseconds with three decimals, computed in integers */
	if (ns < 0) {
		strbuf_addch(out, '-');
		ns = ns == INT64_MIN ? INT64_MAX : -ns;
	}
	n = fmt_i64(buf, ns / 1000000);
	if (strbuf_add(out, buf, n))
		return -1;
	return strbuf_addf(out, ".%03dms", (int)(ns / 1000 % 1000));
}

int console_span_line(struct strbuf *out, const struct console_span *s)
{
	int rc = strbuf_addf(out, "%*s%.*s [%s] %s +", s->depth * 2 + 2, "", (int)s->name_len,
			     s->name, s->service, kind_names[s->kind < 6 ? s->kind : 0]);

	rc = rc ? rc : console_ms(out, s->offset_ns);
	rc = rc ? rc : strbuf_addch(out, ' ');
	rc = rc ? rc : console_ms(out, s->duration_ns);
	if (!rc && s->error)
		rc = strbuf_addf(out, " ERROR%s%.*s", s->status_len ? ": " : "", (int)s->status_len,
				 s->status ? s->status : "");
	return rc;
}

static int attrs_line(struct strbuf *out, int depth, const struct keyval *kv, uint32_t n)
{
	int rc = 0;

	for (uint32_t i = 0; i < n && !rc; i++) {
		rc = strbuf_addf(out, "%*s  %.*s = ", depth * 2 + 2, "", (int)kv[i].key_len,
				 kv[i].key);
		rc = rc ? rc : console_value(out, &kv[i].value);
		rc = rc ? rc : strbuf_addch(out, '\n');
	}
	return rc;
}

int encode_console(const struct model *m, const struct batch *b, bool full, struct strbuf *out)
{
	size_t root = 0;
	int rc = 0;
	int depth[64]; /* depth[d] == d: ids[d] is the last span seen at depth d; -1: none */
	uint8_t ids[64][8];

	for (int k = 0; k < 64; k++)
		depth[k] = -1;
	for (size_t i = 0; i < b->nspans && !rc; i++) {
		const struct span_out *s = &b->spans[i];
		int d = 0;
		char hex[33];

		if (!s->has_parent) {
			root = i;
			hex_encode(s->trace_id, 16, hex);
			hex[32] = '\0';
			rc = strbuf_addf(out, "trace %s\n", hex);
		} else {
			/* depth: parent's + 1, parents come earlier (pre-order) */
			for (int k = 63; k >= 0; k--) {
				if (depth[k] >= 0 && !memcmp(ids[k], s->parent_span_id, 8)) {
					d = depth[k] + 1;
					break;
				}
			}
		}
		if (d == 0)
			for (int k = 0; k < 64; k++)
				depth[k] = -1;
		if (d < 64) {
			depth[d] = d;
			memcpy(ids[d], s->span_id, 8);
			for (int k = d + 1; k < 64; k++)
				depth[k] = -1;
		}
		if (!rc) {
			struct console_span cs = {
				s->name,
				s->name_len,
				m->services[s->resource].name,
				s->kind,
				d,
				(int64_t)(s->start_ns - b->spans[root].start_ns),
				(int64_t)(s->end_ns - s->start_ns),
				s->status_code == 2,
				s->status_message,
				s->status_message_len,
			};

			rc = console_span_line(out, &cs);
		}
		rc = rc ? rc : strbuf_addch(out, '\n');
		if (full && !rc) {
			rc = attrs_line(out, d, s->attrs, s->nattrs);
			for (uint32_t e = 0; e < s->nevents && !rc; e++) {
				rc = strbuf_addf(out, "%*s  event %.*s +", d * 2 + 2, "",
						 (int)s->events[e].name_len, s->events[e].name);
				rc = rc ? rc
					: console_ms(out,
						     (int64_t)(s->events[e].time_ns - s->start_ns));
				rc = rc ? rc : strbuf_addch(out, '\n');
				rc = rc ? rc
					: attrs_line(out, d + 1, s->events[e].attrs,
						     s->events[e].nattrs);
			}
			for (uint32_t l = 0; l < s->nlinks && !rc; l++) {
				char t[33], sp[17];

				hex_encode(s->links[l].trace_id, 16, t);
				hex_encode(s->links[l].span_id, 8, sp);
				t[32] = sp[16] = '\0';
				rc = strbuf_addf(out, "%*s  link %s/%s\n", d * 2 + 2, "", t, sp);
				rc = rc ? rc
					: attrs_line(out, d + 1, s->links[l].attrs,
						     s->links[l].nattrs);
			}
		}
	}
	return rc;
}
