/*
 * The OTLP source of a report (source.h): every file src/read reads.
 *
 * Pass 1 walks spans and log records at the wire level (util/pbwire.h): only
 * ids, names, times, status, severity and the resource's service.name are
 * taken, which keeps a million spans well under a second. Metrics are
 * unpacked with protobuf-c (metrics.c): every point is kept anyway.
 * Pass 2 unpacks only the sampled spans and log records (each one's bytes,
 * found by the same walk) and writes them as the page's JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/resource/v1/resource.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "read/reader.h"
#include "util/pbwire.h"
#include "report/otlp_json.h"
#include "report/report_int.h"
#include "report/source.h"
#include "util/error.h"
#include "util/text.h"

typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;

/* where a record is, for messages */
struct rec_ctx {
	struct report *r;
	struct report_file *f;
	const struct read_record *rec;
	const uint8_t *base; /* the record's first byte */
	struct otelsim_error *err;
	/* pass 2: the current resource's index in the page (NONE32: not made yet) */
	const uint8_t *res, *res_end, *scope, *scope_end;
	uint32_t res_index;
};

static int bad(struct rec_ctx *c, const uint8_t *at, const char *what)
{
	if (c->rec->line > 0) /* JSON: the record's line (the bytes are converted) */
		return error_at(c->err, OTELSIM_EINPUT, c->f->path, c->rec->line, 1,
				"record %llu: %s", (unsigned long long)c->rec->index, what);
	return error_at(c->err, OTELSIM_EINPUT, c->f->path, 0, 0, "record %llu at byte %llu: %s",
			(unsigned long long)c->rec->index,
			(unsigned long long)(c->rec->offset + (uint64_t)(at - c->base)), what);
}

/* service.name of a Resource message; "" when it has none */
static int resource_service(struct rec_ctx *c, const uint8_t *p, const uint8_t *end,
			    const char **name, size_t *len)
{
	struct wire_field f, g, h;

	*name = "";
	*len = 0;
	while (p < end) {
		const uint8_t *kv, *kv_end;
		const char *key = NULL;
		size_t klen = 0;
		const uint8_t *val = NULL, *val_end = NULL;

		if (wire_next(&p, end, &f))
			return bad(c, p, "malformed Resource");
		if (f.num != 1 || f.type != WT_LEN)
			continue;
		kv = f.data;
		kv_end = f.data + f.v;
		while (kv < kv_end) {
			if (wire_next(&kv, kv_end, &g))
				return bad(c, kv, "malformed resource attribute");
			if (g.num == 1 && g.type == WT_LEN) {
				key = (const char *)g.data;
				klen = g.v;
			} else if (g.num == 2 && g.type == WT_LEN) {
				val = g.data;
				val_end = g.data + g.v;
			}
		}
		if (klen != 12 || memcmp(key, "service.name", 12) || !val)
			continue;
		while (val < val_end) {
			if (wire_next(&val, val_end, &h))
				return bad(c, val, "malformed service.name value");
			if (h.num == 1 && h.type == WT_LEN) {
				*name = (const char *)h.data;
				*len = h.v;
			}
		}
	}
	return 0;
}

/* The Resource (field 1) of a ResourceSpans/ResourceLogs: its bytes, or none. */
static int find_resource(struct rec_ctx *c, const uint8_t *p, const uint8_t *end,
			 const uint8_t **res, const uint8_t **res_end)
{
	struct wire_field f;

	*res = *res_end = NULL;
	while (p < end) {
		if (wire_next(&p, end, &f))
			return bad(c, p, "malformed ResourceSpans/ResourceLogs");
		if (f.num == 1 && f.type == WT_LEN) {
			*res = f.data;
			*res_end = f.data + f.v;
		}
	}
	return 0;
}

/* ---- pass 1 ---- */

static int scan_span(struct rec_ctx *c, const uint8_t *p, const uint8_t *end, uint32_t svc)
{
	struct rep_span_in s;
	struct wire_field f;
	const uint8_t *at = p;

	memset(&s, 0, sizeof(s));
	s.svc = svc;
	while (p < end) {
		if (wire_next(&p, end, &f))
			return bad(c, p, "malformed Span");
		switch (f.num) {
		case 1:
			if (f.type != WT_LEN || f.v != 16)
				return bad(c, f.start, "a span's trace_id is not 16 bytes");
			s.trace_id = f.data;
			break;
		case 2:
			if (f.type != WT_LEN || f.v != 8)
				return bad(c, f.start, "a span's span_id is not 8 bytes");
			memcpy(&s.span_id, f.data, 8);
			break;
		case 4:
			if (f.type != WT_LEN || (f.v != 8 && f.v != 0))
				return bad(c, f.start, "a span's parent_span_id is not 8 bytes");
			if (f.v == 8) {
				memcpy(&s.parent_id, f.data, 8);
				s.has_parent = s.parent_id != 0;
			}
			break;
		case 5:
			if (f.type == WT_LEN) {
				s.name = (const char *)f.data;
				s.name_len = f.v;
			}
			break;
		case 7:
			if (f.type == WT_I64)
				s.start = f.v;
			break;
		case 8:
			if (f.type == WT_I64)
				s.end = f.v;
			break;
		case 15:
			if (f.type == WT_LEN) {
				const uint8_t *q = f.data, *qe = f.data + f.v;
				struct wire_field g;

				while (q < qe) {
					if (wire_next(&q, qe, &g))
						return bad(c, q, "malformed span status");
					if (g.num == 3 && g.type == WT_VARINT)
						s.error = g.v == 2;
				}
			}
			break;
		default:
			break;
		}
	}
	if (!s.trace_id || !s.span_id)
		return bad(c, at, "a span without a trace_id or span_id");
	if (!s.name)
		s.name = "";
	c->f->spans++;
	if (report_take_span(c->r, &s))
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

static int scan_log(struct rec_ctx *c, const uint8_t *p, const uint8_t *end, uint32_t svc)
{
	struct rep_log_in l;
	struct wire_field f;
	uint64_t observed = 0;

	memset(&l, 0, sizeof(l));
	l.svc = svc;
	while (p < end) {
		if (wire_next(&p, end, &f))
			return bad(c, p, "malformed LogRecord");
		if (f.num == 1 && f.type == WT_I64)
			l.time = f.v;
		else if (f.num == 11 && f.type == WT_I64)
			observed = f.v;
		else if (f.num == 2 && f.type == WT_VARINT)
			l.severity = f.v > 24 ? 0 : (int)f.v;
		else if (f.num == 9 && f.type == WT_LEN && f.v == 16)
			l.trace_id = f.data;
		else if (f.num == 9 && f.type == WT_LEN && f.v)
			return bad(c, f.start, "a log record's trace_id is not 16 bytes");
		else if (f.num == 12 && f.type == WT_LEN) {
			l.event_name = (const char *)f.data;
			l.event_len = f.v;
		}
	}
	if (!l.time)
		l.time = observed;
	c->f->logs++;
	if (report_take_log(c->r, &l))
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

typedef int (*item_fn)(struct rec_ctx *c, const uint8_t *p, const uint8_t *end, uint32_t svc);

/*
 * TracesData/LogsData: resource (1) -> scope list (2) -> items (2). Calls
 * `fn` for each item with its service (pass 1) and remembers the resource
 * and scope bytes in c (pass 2).
 */
static int walk_items(struct rec_ctx *c, const uint8_t *data, size_t len, item_fn fn)
{
	const uint8_t *p = data, *end = data + len;
	struct wire_field top;

	while (p < end) {
		const uint8_t *q, *qe, *res, *res_end;
		const char *svc_name;
		size_t svc_len;
		uint32_t svc = NONE32;
		struct wire_field sf;

		if (wire_next(&p, end, &top))
			return bad(c, p, "malformed record");
		if (top.num != 1 || top.type != WT_LEN)
			continue;
		q = top.data;
		qe = top.data + top.v;
		if (find_resource(c, q, qe, &res, &res_end))
			return -1;
		if (res && resource_service(c, res, res_end, &svc_name, &svc_len))
			return -1;
		if (!res) {
			svc_name = "";
			svc_len = 0;
		}
		svc = report_service(c->r, svc_name, svc_len);
		if (svc == NONE32)
			return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
		c->res = res;
		c->res_end = res_end;
		c->res_index = NONE32;
		while (q < qe) {
			const uint8_t *s, *se;

			if (wire_next(&q, qe, &sf))
				return bad(c, q, "malformed ResourceSpans/ResourceLogs");
			if (sf.num != 2 || sf.type != WT_LEN)
				continue;
			s = sf.data;
			se = sf.data + sf.v;
			c->scope = c->scope_end = NULL;
			/* the scope first, wherever it is, so pass 2 knows it */
			for (const uint8_t *t = s; t < se;) {
				struct wire_field g;

				if (wire_next(&t, se, &g))
					return bad(c, t, "malformed ScopeSpans/ScopeLogs");
				if (g.num == 1 && g.type == WT_LEN) {
					c->scope = g.data;
					c->scope_end = g.data + g.v;
				}
			}
			c->res_index = NONE32;
			while (s < se) {
				struct wire_field it;

				if (wire_next(&s, se, &it))
					return bad(c, s, "malformed ScopeSpans/ScopeLogs");
				if (it.num == 2 && it.type == WT_LEN &&
				    fn(c, it.data, it.data + it.v, svc))
					return -1;
			}
		}
	}
	return 0;
}

static int otlp_pass(struct report *r, struct report_file *f, bool pass1,
		     struct otelsim_error *err);

static int otlp_scan(struct report *r, struct report_file *f, struct otelsim_error *err)
{
	return otlp_pass(r, f, true, err);
}

/* ---- pass 2 ---- */

/* The page's index of the current resource + scope (made on first use). */
static uint32_t current_resource(struct rec_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	Resource *res = NULL;
	uint32_t idx;

	if (c->res_index != NONE32)
		return c->res_index;
	if (c->res)
		res = opentelemetry__proto__resource__v1__resource__unpack(
			NULL, (size_t)(c->res_end - c->res), c->res);
	jsonw_init(&w, &sb, false);
	jsonw_begin_array(&w);
	if (res)
		report_json_attrs(&w, res->attributes, res->n_attributes);
	else
		jsonw_raw(&w, "[]", 2);
	report_json_scope(&w, c->scope, c->scope_end);
	jsonw_end_array(&w);
	if (res)
		protobuf_c_message_free_unpacked(&res->base, NULL);
	idx = w.failed ? NONE32 : report_resource(c->r, sb.buf, sb.len);
	strbuf_release(&sb);
	c->res_index = idx;
	return idx;
}

static int detail_span(struct rec_ctx *c, const uint8_t *p, const uint8_t *end, uint32_t svc)
{
	struct wire_field f;
	const uint8_t *q = p, *trace_id = NULL;
	struct strbuf *sb;
	uint32_t count, res;
	int32_t row;
	Span *s;
	int rc;

	while (q < end && !trace_id) {
		if (wire_next(&q, end, &f))
			return bad(c, q, "malformed Span");
		if (f.num == 1 && f.type == WT_LEN && f.v == 16)
			trace_id = f.data;
	}
	row = trace_id ? report_sampled_row(c->r, trace_id) : -1;
	if (row < 0)
		return 0;
	sb = report_trace_detail(c->r, row, &count);
	if (!sb || count >= REPORT_MAX_TRACE_SPANS)
		return 0;
	res = current_resource(c);
	s = opentelemetry__proto__trace__v1__span__unpack(NULL, (size_t)(end - p), p);
	if (!s || res == NONE32) {
		if (s)
			protobuf_c_message_free_unpacked(&s->base, NULL);
		return s ? error_set(c->err, OTELSIM_ENOMEM, "out of memory")
			 : bad(c, p, "a span that does not decode");
	}
	rc = report_json_span(c->r, sb, row, s, res, svc);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	return rc ? error_set(c->err, OTELSIM_ENOMEM, "out of memory") : 0;
}

static int detail_log(struct rec_ctx *c, const uint8_t *p, const uint8_t *end, uint32_t svc)
{
	uint64_t index = c->f->log_base + c->f->logs++;
	struct strbuf *sb = report_log_detail(c->r, index);
	uint32_t res;
	LogRecord *l;
	int rc;

	if (!sb)
		return 0;
	res = current_resource(c);
	l = opentelemetry__proto__logs__v1__log_record__unpack(NULL, (size_t)(end - p), p);
	if (!l || res == NONE32) {
		if (l)
			protobuf_c_message_free_unpacked(&l->base, NULL);
		return l ? error_set(c->err, OTELSIM_ENOMEM, "out of memory")
			 : bad(c, p, "a log record that does not decode");
	}
	rc = report_json_log(c->r, sb, l, res, svc);
	protobuf_c_message_free_unpacked(&l->base, NULL);
	return rc ? error_set(c->err, OTELSIM_ENOMEM, "out of memory") : 0;
}

static int otlp_detail(struct report *r, struct report_file *f, struct otelsim_error *err)
{
	return otlp_pass(r, f, false, err);
}

/* One pass over a file: pass 1 takes every item, pass 2 the sampled detail. */
static int otlp_pass(struct report *r, struct report_file *f, bool pass1, struct otelsim_error *err)
{
	struct read_options ro = { READ_FRAMING_AUTO, true, 0 };
	struct read_record rec;
	struct reader *rd;
	struct rec_ctx c;
	int rc;

	if (reader_open(f->path, &ro, &rd, err))
		return -1;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.f = f;
	c.err = err;
	c.rec = &rec;
	if (pass1)
		f->log_base = r->nlogs; /* its log records' global indexes start here */
	else
		f->logs = 0; /* counted again in pass 2: the same global indexes */
	while ((rc = reader_next(rd, &rec, err)) > 0) {
		c.base = rec.data;
		if (pass1) {
			f->records++;
			if (!rec.empty)
				f->signals |= 1u << rec.signal;
		}
		if (rec.empty)
			continue;
		if (rec.signal == OTELSIM_TRACES)
			rc = walk_items(&c, rec.data, rec.len, pass1 ? scan_span : detail_span);
		else if (rec.signal == OTELSIM_LOGS)
			rc = walk_items(&c, rec.data, rec.len, pass1 ? scan_log : detail_log);
		else if (pass1)
			rc = report_scan_metrics(r, f, &rec, err);
		else
			rc = 0;
		if (rc)
			break;
	}
	if (rc == 0 && pass1) {
		f->framing = read_framing_name(reader_framing(rd));
		f->compression = read_compression_name(reader_compression(rd));
	}
	reader_free(rd);
	return rc < 0 ? -1 : 0;
}

static bool otlp_claims(const char *path)
{
	(void)path;
	return true; /* everything else: src/read tells an OTLP file from the rest */
}

const struct report_source otlp_source = { "otlp", otlp_claims, otlp_scan, otlp_detail };
