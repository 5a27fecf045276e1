/*
 * encode/ndjson.c - seed 003's flat NDJSON: the `ndjson` format's table
 * (encode_ndjson_ops). One JSON object a line, every key present (null
 * where it does not apply), keys in seed 003's order:
 *
 *   traces.ndjson   timestamp, trace_id, span_id, parent_span_id, service,
 *                   operation, duration_ms, status
 *   logs.ndjson     timestamp, service, level, message, trace_id
 *   metrics.ndjson  timestamp, service, metric, value, unit
 *   events.ndjson   timestamp, type, service, details, severity, version
 *
 * Values:
 *   - timestamp: "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (UTC, microseconds,
 *     truncated): a span's start, a log record's or event's time (its
 *     observed time when the time is 0), a data point's time;
 *   - ids: lowercase hex (trace 32, span 16 digits); parent_span_id null
 *     on a root, trace_id null on a log record of no trace;
 *   - service: the resource's service.name; operation: the span's name;
 *     duration_ms: (end - start) in milliseconds, exactly (a number with
 *     up to six decimals, trailing zeros dropped: 45, 45.5, 0.000123);
 *     status: "error" for status ERROR, else "success";
 *   - level: the severity text upper-cased, else the severity number's
 *     range name (TRACE DEBUG INFO WARN ERROR FATAL), else null; message:
 *     the body (a string as is; a number or bool as its JSON text; no body,
 *     bytes, arrays and maps: null);
 *   - metric, unit: the metric's name and unit (null when it has none);
 *     value: a gauge's or sum's point value (a sum in the run's
 *     temporality), a histogram's interval mean: sum / count for delta
 *     points, for cumulative ones the change since the stream's previous
 *     point (null when no measurement fell in the interval or the point
 *     has no sum); one record per point (stream) per interval;
 *   - type: the event name; details: the body (as message); severity: the
 *     severity text lower-cased (null without one); version: the event's
 *     first attribute named "version" or ending in ".version"
 *     (service.version, deployment.version) with a string value, else null.
 *
 * A record is a line: the files are lines in batch order, and a gzip file
 * has one member per line. The cumulative histogram state (a stream's
 * previous sum and count) lives in the encoder: the metrics of a run are
 * encoded by one encoder, interval after interval (api/mout.c).
 */
#include "encode/encode_int.h"

#include <math.h>
#include <stdlib.h>

#include "util/jsonw.h"
#include "util/kmap.h"
#include "util/text.h"
#include "util/timefmt.h"

/* the cumulative histogram state: a stream's previous sum and count */
struct nd_state {
	struct kmap streams;
	double *sum;
	uint64_t *count;
	size_t cap;
	struct strbuf key;
};

static inline struct nd_state *nd(struct encoder *e)
{
	return e->state;
}

static inline void put(struct fwriter *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

#define LIT(w, s) put((w), "" s, sizeof(s) - 1)

/* A key and its colon, with the comma before it unless first; room reserved. */
static int key(struct fwriter *w, const char *k, size_t n)
{
	if (fw_reserve(w, n + 4))
		return -1;
	put(w, k, n);
	return 0;
}

#define KEY(w, s) key((w), "" s, sizeof(s) - 1)

static int null(struct fwriter *w)
{
	if (fw_reserve(w, 4))
		return -1;
	LIT(w, "null");
	return 0;
}

static int num(struct fwriter *w, double d)
{
	if (!isfinite(d))
		return null(w);
	if (fw_reserve(w, 32))
		return -1;
	w->len += fmt_double(w->buf + w->len, d);
	return 0;
}

static void digits(char *p, uint64_t v, int n)
{
	for (int k = n - 1; k >= 0; k--) {
		p[k] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", quoted (34 bytes). */
static int stamp(struct fwriter *w, uint64_t ns)
{
	int64_t t = (int64_t)(ns > INT64_MAX ? INT64_MAX : ns);
	int64_t days = t / 86400000000000LL, rem = t % 86400000000000LL, y;
	unsigned mo, d;
	char *p;

	if (fw_reserve(w, 34))
		return -1;
	civil_from_days(days, &y, &mo, &d);
	p = w->buf + w->len;
	p[0] = '"';
	digits(p + 1, (uint64_t)(y < 0 ? 0 : y > 9999 ? 9999 : y), 4);
	p[5] = '-';
	digits(p + 6, mo, 2);
	p[8] = '-';
	digits(p + 9, d, 2);
	p[11] = 'T';
	digits(p + 12, (uint64_t)(rem / 3600000000000LL), 2);
	p[14] = ':';
	digits(p + 15, (uint64_t)(rem / 60000000000LL % 60), 2);
	p[17] = ':';
	digits(p + 18, (uint64_t)(rem / 1000000000LL % 60), 2);
	p[20] = '.';
	digits(p + 21, (uint64_t)(rem % 1000000000LL / 1000), 6);
	memcpy(p + 27, "+00:00\"", 7);
	w->len += 34;
	return 0;
}

/* Milliseconds of ns, exactly: "45", "45.5", "0.000123". */
static int millis(struct fwriter *w, uint64_t ns)
{
	uint64_t frac = ns % 1000000;
	int n = 6;

	if (fw_reserve(w, 28))
		return -1;
	w->len += fmt_u64(w->buf + w->len, ns / 1000000);
	if (!frac)
		return 0;
	while (frac % 10 == 0) {
		frac /= 10;
		n--;
	}
	w->buf[w->len++] = '.';
	digits(w->buf + w->len, frac, n);
	w->len += (size_t)n;
	return 0;
}

static int service(struct encoder *e, struct fwriter *w, uint32_t res)
{
	const char *name = res < e->nres ? e->cfg.model->services[res].name : NULL;

	return name ? fw_json_str(w, name, strlen(name)) : null(w);
}

/* A body as a message: strings as they are, scalars as JSON, else null. */
static int body(struct fwriter *w, const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		return fw_json_str(w, v->u.s.ptr, v->u.s.len);
	case VAL_INT:
		if (fw_reserve(w, 24))
			return -1;
		w->len += fmt_i64(w->buf + w->len, v->u.i);
		return 0;
	case VAL_DOUBLE:
		return num(w, v->u.d);
	case VAL_BOOL:
		if (fw_reserve(w, 5))
			return -1;
		if (v->u.b)
			LIT(w, "true");
		else
			LIT(w, "false");
		return 0;
	default:
		return null(w);
	}
}

/* The severity text in one case (upper: level; lower: an event's severity). */
static int severity(struct fwriter *w, const struct log_out *l, bool upper)
{
	static const char *const ranges[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };
	const char *s = l->severity_text;
	size_t n = l->severity_text_len;
	char buf[64];

	if (!s || !n) {
		if (l->severity < 1 || l->severity > 24)
			return null(w);
		s = ranges[(l->severity - 1) / 4];
		n = strlen(s);
	}
	if (n > sizeof(buf))
		n = sizeof(buf);
	for (size_t k = 0; k < n; k++) {
		char c = s[k];

		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!upper && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[k] = c;
	}
	return fw_json_str(w, buf, n);
}

static int end_line(struct fwriter *w)
{
	if (fw_reserve(w, 2))
		return -1;
	LIT(w, "}\n");
	return 0;
}

static int span_line(struct encoder *e, struct fwriter *w, const struct span_out *s)
{
	uint64_t dur = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;

	if (KEY(w, "{\"timestamp\":") || stamp(w, s->start_ns) || KEY(w, ",\"trace_id\":") ||
	    fw_json_hex(w, s->trace_id, 16) || KEY(w, ",\"span_id\":") || fw_json_hex(w, s->span_id, 8) ||
	    KEY(w, ",\"parent_span_id\":") ||
	    (s->has_parent ? fw_json_hex(w, s->parent_span_id, 8) : null(w)) ||
	    KEY(w, ",\"service\":") || service(e, w, s->resource) ||
	    KEY(w, ",\"operation\":") || fw_json_str(w, s->name, s->name_len) ||
	    KEY(w, ",\"duration_ms\":") || millis(w, dur) || KEY(w, ",\"status\":"))
		return -1;
	if (s->status_code == 2 ? KEY(w, "\"error\"") : KEY(w, "\"success\""))
		return -1;
	return end_line(w);
}

static uint64_t log_time(const struct log_out *l)
{
	return l->time_ns ? l->time_ns : l->observed_ns;
}

static int log_line(struct encoder *e, struct fwriter *w, const struct log_out *l)
{
	if (KEY(w, "{\"timestamp\":") || stamp(w, log_time(l)) || KEY(w, ",\"service\":") ||
	    service(e, w, l->resource) || KEY(w, ",\"level\":") || severity(w, l, true) ||
	    KEY(w, ",\"message\":") || body(w, &l->body) || KEY(w, ",\"trace_id\":") ||
	    (l->has_trace_id ? fw_json_hex(w, l->trace_id, 16) : null(w)))
		return -1;
	return end_line(w);
}

/* The event's version attribute ("version" or "*.version", a string), or NULL. */
static const struct value *event_version(const struct log_out *l)
{
	for (uint32_t i = 0; i < l->nattrs; i++) {
		const struct keyval *kv = &l->attrs[i];
		size_t n = kv->key_len;

		if (kv->value.type != VAL_STRING)
			continue;
		if ((n == 7 && !memcmp(kv->key, "version", 7)) ||
		    (n > 8 && !memcmp(kv->key + n - 8, ".version", 8)))
			return &kv->value;
	}
	return NULL;
}

static int event_line(struct encoder *e, struct fwriter *w, const struct log_out *l)
{
	const struct value *v = event_version(l);

	if (KEY(w, "{\"timestamp\":") || stamp(w, log_time(l)) || KEY(w, ",\"type\":") ||
	    (l->event_name_len ? fw_json_str(w, l->event_name, l->event_name_len) : null(w)) ||
	    KEY(w, ",\"service\":") || service(e, w, l->resource) || KEY(w, ",\"details\":") ||
	    body(w, &l->body) || KEY(w, ",\"severity\":") || severity(w, l, false) ||
	    KEY(w, ",\"version\":") || (v ? fw_json_str(w, v->u.s.ptr, v->u.s.len) : null(w)))
		return -1;
	return end_line(w);
}

/* The stream's key: metric, resource, attributes (as their keys and strings). */
static int stream_key(struct strbuf *k, const struct metric_out *m, const struct point_out *p)
{
	strbuf_reset(k);
	if (strbuf_addstr(k, m->desc->name ? m->desc->name : "") || strbuf_addch(k, 0) ||
	    strbuf_add(k, &m->resource, sizeof(m->resource)))
		return -1;
	for (uint32_t i = 0; i < p->nattrs; i++) {
		const struct keyval *kv = &p->attrs[i];
		char buf[32];
		size_t n = 0;

		if (strbuf_add(k, kv->key, kv->key_len) || strbuf_addch(k, 0) ||
		    strbuf_addch(k, kv->value.type))
			return -1;
		if (kv->value.type == VAL_STRING || kv->value.type == VAL_BYTES) {
			if (strbuf_add(k, kv->value.u.s.ptr, kv->value.u.s.len))
				return -1;
		} else if (kv->value.type == VAL_INT) {
			n = fmt_i64(buf, kv->value.u.i);
		} else if (kv->value.type == VAL_DOUBLE) {
			n = fmt_double(buf, kv->value.u.d);
		} else if (kv->value.type == VAL_BOOL) {
			buf[n++] = kv->value.u.b ? '1' : '0';
		}
		if (strbuf_add(k, buf, n) || strbuf_addch(k, 0))
			return -1;
	}
	return 0;
}

/* A cumulative point's change since its stream's previous point (which it becomes). */
static int cumulative_delta(struct encoder *e, const struct metric_out *m,
			    const struct point_out *p, double *dsum, uint64_t *dcount)
{
	struct nd_state *st = nd(e);
	uint32_t idx;
	int added = 0;

	if (stream_key(&st->key, m, p) ||
	    kmap_put(&st->streams, st->key.buf, st->key.len, &idx, &added))
		return -1;
	if (idx >= st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		double *s = realloc(st->sum, cap * sizeof(*s));
		uint64_t *c;

		if (!s)
			return -1;
		st->sum = s;
		c = realloc(st->count, cap * sizeof(*c));
		if (!c)
			return -1;
		st->count = c;
		st->cap = cap;
	}
	if (added) {
		st->sum[idx] = 0;
		st->count[idx] = 0;
	}
	*dsum = p->sum - st->sum[idx];
	*dcount = p->count >= st->count[idx] ? p->count - st->count[idx] : p->count;
	st->sum[idx] = p->sum;
	st->count[idx] = p->count;
	return 0;
}

static int point_value(struct encoder *e, struct fwriter *w, const struct metric_out *m,
		       const struct point_out *p)
{
	const struct metric_desc *d = m->desc;
	double sum = p->sum;
	uint64_t count = p->count;

	if (d->kind == METRIC_GAUGE || d->kind == METRIC_SUM) {
		if (!d->is_int)
			return num(w, p->value.d);
		if (fw_reserve(w, 24))
			return -1;
		w->len += fmt_i64(w->buf + w->len, p->value.i);
		return 0;
	}
	if (d->temporality == METRIC_CUMULATIVE && cumulative_delta(e, m, p, &sum, &count))
		return -1;
	if (!p->has_sum || !count)
		return null(w);
	return num(w, sum / (double)count);
}

static int point_line(struct encoder *e, struct fwriter *w, const struct metric_out *m,
		      const struct point_out *p)
{
	const char *unit = m->desc->unit, *name = m->desc->name ? m->desc->name : "";

	if (KEY(w, "{\"timestamp\":") || stamp(w, p->time_ns) || KEY(w, ",\"service\":") ||
	    service(e, w, m->resource) || KEY(w, ",\"metric\":") || fw_json_str(w, name, strlen(name)) ||
	    KEY(w, ",\"value\":") || point_value(e, w, m, p) || KEY(w, ",\"unit\":") ||
	    (unit && unit[0] ? fw_json_str(w, unit, strlen(unit)) : null(w)))
		return -1;
	return end_line(w);
}

/* The lines written (w->buf[0, len)) into out: 0, or -1 with e->why set. */
static int flush(struct encoder *e, struct fwriter *w, struct strbuf *out, uint64_t lines,
		 uint64_t *n)
{
	if (ENCODE_GROW_OUT(e, out, w->len))
		return -1;
	memcpy(out->buf + out->len, w->buf, w->len);
	out->len += w->len;
	out->buf[out->len] = '\0';
	if (n)
		*n = lines;
	return 0;
}

static int nd_spans(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	e->fw.len = 0;
	for (size_t i = 0; i < b->nspans; i++)
		if (span_line(e, &e->fw, &b->spans[i]))
			return -1;
	return flush(e, &e->fw, out, b->nspans, n);
}

static int nd_logs(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	e->fw.len = 0;
	for (size_t i = 0; i < b->nlogs; i++)
		if (log_line(e, &e->fw, &b->logs[i]))
			return -1;
	return flush(e, &e->fw, out, b->nlogs, n);
}

static int nd_events(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	e->fw.len = 0;
	for (size_t i = 0; i < b->nevents; i++)
		if (event_line(e, &e->fw, &b->events[i]))
			return -1;
	return flush(e, &e->fw, out, b->nevents, n);
}

static int nd_metrics(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n)
{
	uint64_t lines = 0;

	e->fw.len = 0;
	for (size_t i = 0; i < b->nmetrics; i++) {
		const struct metric_out *m = &b->metrics[i];

		if (m->resource >= e->nres) {
			e->why = ENCODE_ERESOURCE;
			return -1;
		}
		for (uint32_t k = 0; k < m->npoints; k++, lines++)
			if (point_line(e, &e->fw, m, &m->points[k]))
				return -1;
	}
	return flush(e, &e->fw, out, lines, n);
}

static int nd_begin(struct encoder *e)
{
	struct nd_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	kmap_init(&st->streams);
	strbuf_init(&st->key, 0);
	e->state = st;
	return 0;
}

static void nd_end(struct encoder *e)
{
	struct nd_state *st = nd(e);

	if (!st)
		return;
	kmap_release(&st->streams);
	strbuf_release(&st->key);
	free(st->sum);
	free(st->count);
	free(st);
	e->state = NULL;
}

const struct encoder_ops encode_ndjson_ops = {
	"ndjson",  OTELSIM_FORMAT_NDJSON, "ndjson",  nd_begin, nd_spans,
	nd_logs,   nd_metrics,            nd_events, nd_end,
};
