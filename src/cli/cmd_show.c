/*
 * otelsim show FILE|DATASET...: telemetry files for people. Traces become
 * indented trees (service, name, kind, start offset, duration, status, key
 * attributes), metrics a small table per stream (its line, then a row per
 * data point: time and value; a file's streams after its other lines),
 * logs one line per record.
 * Reads whatever otlp-replay reads (src/read: otelsim's files, the
 * Collector's, hand-written OTLP/JSON; gzip, zstd; any framing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "encode/console.h"
#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "read/reader.h"
#include "util/kmap.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Trace__V1__Span Span;

/*
 * Print one line of a file's text. Names, values and bodies come from the
 * file as they are: control characters (ESC, BEL, CR, a newline in a log
 * body) and C1 controls would drive the terminal or break the line, so they
 * are written escaped (\n, \t, \x1b, \u009b).
 */
static void print_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch == '\t')
			fputs("\\t", stdout);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\x%02x", ch);
		else if (ch == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			 (unsigned char)s[i + 1] <= 0x9f)
			printf("\\u%04x", (unsigned char)s[++i]);
		else
			putchar(ch);
	}
	putchar('\n');
}

/* Attributes worth a place on a span's line, in this order. */
static const char *const key_attrs[] = {
	"http.request.method",
	"http.route",
	"url.full",
	"http.response.status_code",
	"db.system.name",
	"db.query.summary",
	"db.operation.name",
	"rpc.method",
	"messaging.system",
	"messaging.destination.name",
	"gen_ai.operation.name",
	"gen_ai.request.model",
	"mcp.method.name",
	"retry.attempt",
	"error.type",
};
#define MAX_KEY_ATTRS 4

struct shown_span {
	Span *span; /* owned by the unpacked message in `msgs` */
	const char *service;
	int depth;
	int printed;
};

struct trace_acc {
	uint8_t id[16]; /* all zero: the spans whose trace id is empty or invalid */
	struct shown_span *spans;
	size_t n, cap;
};

/* A log record tied to a span, kept to be printed under it. */
struct span_log {
	uint8_t trace[16], span[8];
	char *brief; /* without the ids: under its span */
	char *full;  /* with them: when the span is not in the files */
	bool printed;
};

struct show {
	const struct cli *c;
	struct span_log *slogs;
	size_t nslogs, slogs_cap;
	uint8_t want_trace[16];
	bool filter;
	struct trace_acc *traces;
	size_t ntraces;
	ProtobufCMessage **msgs; /* kept alive: spans point into them */
	size_t nmsgs;
	uint64_t metric_points, log_records, spans_seen;
	bool more;           /* traces left out by --limit */
	uint64_t kind_limit; /* points and records shown of each kind: limit * 50 */
	int failed;
	/* a file's metric points, by stream (its header line), printed as a
	 * table each when the file is done */
	struct kmap streams;
	struct strbuf *rows;
	size_t rows_cap;
};

static void value_text(struct strbuf *out, const AnyValue *v)
{
	char num[32];

	if (!v) {
		strbuf_addstr(out, "null");
		return;
	}
	switch (v->value_case) {
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
		strbuf_addstr(out, v->string_value);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
		strbuf_addstr(out, v->bool_value ? "true" : "false");
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
		strbuf_add(out, num, fmt_i64(num, v->int_value));
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
		strbuf_add(out, num, fmt_double(num, v->double_value));
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE:
		strbuf_addf(out, "<%zu bytes>", v->bytes_value.len);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
		strbuf_addch(out, '[');
		for (size_t i = 0; v->array_value && i < v->array_value->n_values; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			value_text(out, v->array_value->values[i]);
		}
		strbuf_addch(out, ']');
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
		strbuf_addch(out, '{');
		for (size_t i = 0; v->kvlist_value && i < v->kvlist_value->n_values; i++) {
			strbuf_addf(out, "%s%s=", i ? ", " : "", v->kvlist_value->values[i]->key);
			value_text(out, v->kvlist_value->values[i]->value);
		}
		strbuf_addch(out, '}');
		break;
	default:
		strbuf_addstr(out, "null");
	}
}

static const KeyValue *find_attr(KeyValue **kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i]->key, key))
			return kv[i];
	return NULL;
}

static void attrs_inline(struct strbuf *out, KeyValue **kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "%s%s=", i ? " " : "", kv[i]->key);
		value_text(out, kv[i]->value);
	}
}

static const char *service_of(KeyValue **kv, size_t n)
{
	const KeyValue *s = find_attr(kv, n, "service.name");

	return s && s->value &&
			       s->value->value_case ==
				       OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
		       ? s->value->string_value
		       : "?";
}

static void time_text(struct strbuf *out, uint64_t ns)
{
	char t[64];

	time_format_rfc3339((int64_t)ns, t, sizeof(t));
	strbuf_addstr(out, t);
}

static int keep(struct show *sh, ProtobufCMessage *m)
{
	ProtobufCMessage **p = realloc(sh->msgs, (sh->nmsgs + 1) * sizeof(ProtobufCMessage *));

	if (!p)
		return -1;
	sh->msgs = p;
	sh->msgs[sh->nmsgs++] = m;
	return 0;
}

/* The trace this span belongs to, when it is one we show (NULL: skip). */
static struct trace_acc *trace_for(struct show *sh, const Span *s)
{
	static const uint8_t zero[16];
	/* an empty, short or all-zero id: shown together under the invalid id */
	const uint8_t *id = s->trace_id.len == 16 ? s->trace_id.data : zero;
	struct trace_acc *t;

	if (sh->filter && memcmp(id, sh->want_trace, 16))
		return NULL;
	for (size_t i = 0; i < sh->ntraces; i++)
		if (!memcmp(sh->traces[i].id, id, 16))
			return &sh->traces[i];
	if (sh->ntraces >= sh->c->limit) {
		sh->more = true;
		return NULL;
	}
	t = realloc(sh->traces, (sh->ntraces + 1) * sizeof(*t));
	if (!t)
		return NULL;
	sh->traces = t;
	t = &sh->traces[sh->ntraces++];
	memset(t, 0, sizeof(*t));
	memcpy(t->id, id, 16);
	return t;
}

static int take_traces(struct show *sh, const uint8_t *data, size_t len)
{
	Opentelemetry__Proto__Trace__V1__TracesData *td =
		opentelemetry__proto__trace__v1__traces_data__unpack(NULL, len, data);
	bool used = false;

	if (!td)
		return -1;
	for (size_t r = 0; r < td->n_resource_spans; r++) {
		Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = td->resource_spans[r];
		const char *svc = rs->resource ? service_of(rs->resource->attributes,
							    rs->resource->n_attributes)
					       : "?";

		for (size_t k = 0; k < rs->n_scope_spans; k++) {
			for (size_t i = 0; i < rs->scope_spans[k]->n_spans; i++) {
				Span *s = rs->scope_spans[k]->spans[i];
				struct trace_acc *t = trace_for(sh, s);

				sh->spans_seen++;
				if (!t)
					continue;
				if (t->n == t->cap) {
					size_t cap = t->cap ? t->cap * 2 : 16;
					struct shown_span *p = realloc(t->spans, cap * sizeof(*p));

					if (!p)
						return -1;
					t->spans = p;
					t->cap = cap;
				}
				t->spans[t->n].span = s;
				t->spans[t->n].service = svc;
				t->spans[t->n].depth = 0;
				t->spans[t->n].printed = 0;
				t->n++;
				used = true;
			}
		}
	}
	if (!used) {
		protobuf_c_message_free_unpacked(&td->base, NULL);
		return 0;
	}
	return keep(sh, &td->base);
}

static int has_parent_here(const struct trace_acc *t, const Span *s);

/* What a span lacks, said on its line: an id, or a parent the files hold. */
static void span_marks(struct strbuf *line, const struct trace_acc *t, const Span *s)
{
	static const uint8_t zero[8];
	char hex[17];

	if (s->span_id.len != 8 || !memcmp(s->span_id.data, zero, 8))
		strbuf_addf(line, "  [%s span id]", s->span_id.len ? "invalid" : "no");
	if (s->trace_id.len != 16)
		strbuf_addf(line, "  [%s trace id]", s->trace_id.len ? "invalid" : "no");
	if (s->parent_span_id.len == 8 && !has_parent_here(t, s)) {
		hex_encode(s->parent_span_id.data, 8, hex);
		hex[16] = '\0';
		strbuf_addf(line, "  [orphan: parent %s is not in the files]", hex);
	} else if (s->parent_span_id.len && s->parent_span_id.len != 8) {
		strbuf_addstr(line, "  [invalid parent span id]");
	}
}

/* The log records of span s (of trace tid), indented below its line. */
static void print_span_logs(struct show *sh, const uint8_t tid[16], const Span *s, int depth)
{
	if (s->span_id.len != 8)
		return;
	for (size_t k = 0; k < sh->nslogs; k++) {
		struct span_log *l = &sh->slogs[k];
		struct strbuf line = STRBUF_INIT;

		if (l->printed || memcmp(l->trace, tid, 16) || memcmp(l->span, s->span_id.data, 8))
			continue;
		l->printed = true;
		for (int d = 0; d < depth && d < 64; d++)
			strbuf_addstr(&line, "  ");
		strbuf_addstr(&line, "log ");
		strbuf_addstr(&line, l->brief);
		print_line(line.buf, line.len);
		strbuf_release(&line);
	}
}

/* print: the log records whose span was not printed (not in the files); then free them all. */
static void print_left_logs(struct show *sh, bool print)
{
	for (size_t k = 0; k < sh->nslogs; k++) {
		struct span_log *l = &sh->slogs[k];

		if (print && !l->printed && !(sh->filter && memcmp(l->trace, sh->want_trace, 16)))
			print_line(l->full, strlen(l->full));
		free(l->brief);
		free(l->full);
	}
	free(sh->slogs);
	sh->slogs = NULL;
	sh->nslogs = sh->slogs_cap = 0;
}

/* Keep a record tied to a span: its line without and with the ids. 0, or -1 (memory). */
static int keep_span_log(struct show *sh, const uint8_t *tid, const uint8_t *sid,
			 const struct strbuf *brief, const struct strbuf *full)
{
	struct span_log *l;

	if (sh->nslogs == sh->slogs_cap) {
		size_t c = sh->slogs_cap ? sh->slogs_cap * 2 : 64;
		struct span_log *p = realloc(sh->slogs, c * sizeof(*p));

		if (!p)
			return -1;
		sh->slogs = p;
		sh->slogs_cap = c;
	}
	l = &sh->slogs[sh->nslogs];
	memcpy(l->trace, tid, 16);
	memcpy(l->span, sid, 8);
	l->brief = strdup(brief->buf ? brief->buf : "");
	l->full = strdup(full->buf ? full->buf : "");
	l->printed = false;
	if (!l->brief || !l->full) {
		free(l->brief);
		free(l->full);
		return -1;
	}
	sh->nslogs++;
	return 0;
}

static void print_span(struct show *sh, struct trace_acc *t, size_t i, uint64_t t0, int depth)
{
	struct shown_span *ss = &t->spans[i];
	const Span *s = ss->span;
	struct strbuf line = STRBUF_INIT;
	size_t shown = 0;

	bool error =
		s->status &&
		s->status->code ==
			OPENTELEMETRY__PROTO__TRACE__V1__STATUS__STATUS_CODE__STATUS_CODE_ERROR;
	struct console_span cs = { s->name,
				   strlen(s->name),
				   ss->service,
				   (int)s->kind,
				   depth,
				   (int64_t)(s->start_time_unix_nano - t0),
				   (int64_t)(s->end_time_unix_nano - s->start_time_unix_nano),
				   error,
				   error ? s->status->message : NULL,
				   error ? strlen(s->status->message) : 0 };

	ss->printed = 1;
	console_span_line(&line, &cs);
	for (size_t k = 0; k < sizeof(key_attrs) / sizeof(key_attrs[0]) && shown < MAX_KEY_ATTRS;
	     k++) {
		const KeyValue *kv = find_attr(s->attributes, s->n_attributes, key_attrs[k]);

		if (!kv)
			continue;
		strbuf_addf(&line, "%s%s=", shown ? " " : "  ", kv->key);
		value_text(&line, kv->value);
		shown++;
	}
	span_marks(&line, t, s);
	print_line(line.buf, line.len);
	strbuf_release(&line);
	print_span_logs(sh, t->id, s, depth + 2);
	/* children: spans whose parent is this one, in start order */
	for (;;) {
		size_t best = t->n;

		for (size_t k = 0; k < t->n; k++) {
			const Span *c = t->spans[k].span;

			if (t->spans[k].printed || c->parent_span_id.len != s->span_id.len ||
			    memcmp(c->parent_span_id.data, s->span_id.data, s->span_id.len))
				continue;
			if (best == t->n ||
			    c->start_time_unix_nano < t->spans[best].span->start_time_unix_nano)
				best = k;
		}
		if (best == t->n || depth > 64)
			break;
		print_span(sh, t, best, t0, depth + 1);
	}
}

static int has_parent_here(const struct trace_acc *t, const Span *s)
{
	if (!s->parent_span_id.len)
		return 0;
	for (size_t k = 0; k < t->n; k++)
		if (t->spans[k].span->span_id.len == s->parent_span_id.len &&
		    !memcmp(t->spans[k].span->span_id.data, s->parent_span_id.data,
			    s->parent_span_id.len))
			return 1;
	return 0;
}

static uint64_t trace_start(const struct trace_acc *t)
{
	uint64_t t0 = UINT64_MAX;

	for (size_t k = 0; k < t->n; k++)
		if (t->spans[k].span->start_time_unix_nano < t0)
			t0 = t->spans[k].span->start_time_unix_nano;
	return t0;
}

static int by_start(const void *a, const void *b)
{
	uint64_t x = trace_start(a), y = trace_start(b);

	return x < y ? -1 : x > y;
}

static void print_traces(struct show *sh)
{
	/* in time order, whatever order the files hold them in */
	if (sh->ntraces > 1)
		qsort(sh->traces, sh->ntraces, sizeof(struct trace_acc), by_start);
	for (size_t i = 0; i < sh->ntraces; i++) {
		struct trace_acc *t = &sh->traces[i];
		uint64_t t0 = UINT64_MAX, t1 = 0;
		struct strbuf head = STRBUF_INIT;
		char hex[33];

		for (size_t k = 0; k < t->n; k++) {
			if (t->spans[k].span->start_time_unix_nano < t0)
				t0 = t->spans[k].span->start_time_unix_nano;
			if (t->spans[k].span->end_time_unix_nano > t1)
				t1 = t->spans[k].span->end_time_unix_nano;
		}
		hex_encode(t->id, 16, hex);
		hex[32] = '\0';
		strbuf_addf(&head, "trace %s  %zu spans  ",
			    memcmp(t->id, (const uint8_t[16]){ 0 }, 16) ? hex
									 : "(empty or invalid id)",
			    t->n);
		time_text(&head, t0);
		strbuf_addch(&head, ' ');
		console_ms(&head, (int64_t)(t1 - t0));
		print_line(head.buf, head.len);
		strbuf_release(&head);
		/* roots first (and orphans whose parent is not in the file), by start */
		for (;;) {
			size_t best = t->n;

			for (size_t k = 0; k < t->n; k++) {
				if (t->spans[k].printed || has_parent_here(t, t->spans[k].span))
					continue;
				if (best == t->n ||
				    t->spans[k].span->start_time_unix_nano <
					    t->spans[best].span->start_time_unix_nano)
					best = k;
			}
			if (best == t->n)
				break;
			print_span(sh, t, best, t0, 0);
		}
		/* a parent cycle would leave spans unprinted: show them flat */
		for (size_t k = 0; k < t->n; k++)
			if (!t->spans[k].printed)
				print_span(sh, t, k, t0, 0);
	}
}

/* One point: a row of its stream's table (the stream is the line above its rows). */
static void point_line(struct show *sh, const char *svc, const char *name, const char *unit,
		       const char *type, KeyValue **attrs, size_t nattrs, uint64_t time,
		       const char *value)
{
	struct strbuf head = STRBUF_INIT;
	uint32_t idx;
	int added;

	if (sh->metric_points++ >= sh->kind_limit)
		return;
	strbuf_addf(&head, "%s [%s] %s%s%s%s {", type, svc, name, unit[0] ? " (" : "", unit,
		    unit[0] ? ")" : "");
	attrs_inline(&head, attrs, nattrs);
	strbuf_addch(&head, '}');
	if (head.buf && !kmap_put(&sh->streams, head.buf, head.len, &idx, &added)) {
		if (idx >= sh->rows_cap) {
			size_t c = sh->rows_cap ? sh->rows_cap * 2 : 64;
			struct strbuf *r = realloc(sh->rows, c * sizeof(*r));

			if (r) {
				for (size_t i = sh->rows_cap; i < c; i++)
					strbuf_init(&r[i], 0);
				sh->rows = r;
				sh->rows_cap = c;
			}
		}
		if (idx < sh->rows_cap) {
			strbuf_addstr(&sh->rows[idx], "  ");
			time_text(&sh->rows[idx], time);
			strbuf_addf(&sh->rows[idx], "  %s", value);
			strbuf_addch(&sh->rows[idx], 0); /* rows end at NULs */
		}
	}
	strbuf_release(&head);
}

/* The file's metric streams, each a small table: its line, then a row per point. */
static void flush_streams(struct show *sh)
{
	for (uint32_t i = 0; i < sh->streams.n && i < sh->rows_cap; i++) {
		size_t len;
		const char *head = kmap_key(&sh->streams, i, &len);
		const char *p = sh->rows[i].buf, *end = p ? p + sh->rows[i].len : p;

		print_line(head, len);
		while (p && p < end) {
			size_t n = strlen(p);

			print_line(p, n);
			p += n + 1;
		}
		strbuf_reset(&sh->rows[i]);
	}
	kmap_reset(&sh->streams);
}

/* " sum=X" into buf[32], or "" when the point has no sum (it is optional) */
static void sum_text(char buf[32], bool has, double sum)
{
	buf[0] = '\0';
	if (has) {
		memcpy(buf, " sum=", 5);
		buf[5 + fmt_double(buf + 5, sum)] = '\0';
	}
}

static int take_metrics(struct show *sh, const uint8_t *data, size_t len)
{
	Opentelemetry__Proto__Metrics__V1__MetricsData *md =
		opentelemetry__proto__metrics__v1__metrics_data__unpack(NULL, len, data);

	if (!md)
		return -1;
	for (size_t r = 0; r < md->n_resource_metrics; r++) {
		Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm = md->resource_metrics[r];
		const char *svc = rm->resource ? service_of(rm->resource->attributes,
							    rm->resource->n_attributes)
					       : "?";

		for (size_t k = 0; k < rm->n_scope_metrics; k++) {
			for (size_t i = 0; i < rm->scope_metrics[k]->n_metrics; i++) {
				Opentelemetry__Proto__Metrics__V1__Metric *m =
					rm->scope_metrics[k]->metrics[i];
				char v[128], num[32], num2[32];

				switch (m->data_case) {
				case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
				case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM: {
					bool gauge =
						m->data_case ==
						OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
					size_t n = gauge ? m->gauge->n_data_points
							 : m->sum->n_data_points;

					for (size_t p = 0; p < n; p++) {
						Opentelemetry__Proto__Metrics__V1__NumberDataPoint
							*dp = gauge ? m->gauge->data_points[p]
								    : m->sum->data_points[p];

						if (dp->value_case ==
						    OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT)
							num[fmt_i64(num, dp->as_int)] = '\0';
						else
							num[fmt_double(num, dp->as_double)] = '\0';
						point_line(sh, svc, m->name, m->unit,
							   gauge ? "gauge" : "sum", dp->attributes,
							   dp->n_attributes, dp->time_unix_nano,
							   num);
					}
					break;
				}
				case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
					for (size_t p = 0; p < m->histogram->n_data_points; p++) {
						Opentelemetry__Proto__Metrics__V1__HistogramDataPoint
							*dp = m->histogram->data_points[p];

						sum_text(num, dp->_sum_case != 0, dp->sum);
						snprintf(v, sizeof(v), "count=%llu%s buckets=%zu",
							 (unsigned long long)dp->count, num,
							 dp->n_bucket_counts);
						point_line(sh, svc, m->name, m->unit, "histogram",
							   dp->attributes, dp->n_attributes,
							   dp->time_unix_nano, v);
					}
					break;
				case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
					for (size_t p = 0;
					     p < m->exponential_histogram->n_data_points; p++) {
						Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint
							*dp = m->exponential_histogram
								      ->data_points[p];

						sum_text(num, dp->_sum_case != 0, dp->sum);
						snprintf(v, sizeof(v), "count=%llu%s scale=%d",
							 (unsigned long long)dp->count, num,
							 dp->scale);
						point_line(sh, svc, m->name, m->unit,
							   "exponential_histogram", dp->attributes,
							   dp->n_attributes, dp->time_unix_nano, v);
					}
					break;
				case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
					for (size_t p = 0; p < m->summary->n_data_points; p++) {
						Opentelemetry__Proto__Metrics__V1__SummaryDataPoint
							*dp = m->summary->data_points[p];

						num[fmt_double(num, dp->sum)] = '\0';
						num2[fmt_u64(num2, dp->count)] = '\0';
						snprintf(v, sizeof(v),
							 "count=%s sum=%s quantiles=%zu", num2, num,
							 dp->n_quantile_values);
						point_line(sh, svc, m->name, m->unit, "summary",
							   dp->attributes, dp->n_attributes,
							   dp->time_unix_nano, v);
					}
					break;
				default:
					break;
				}
			}
		}
	}
	protobuf_c_message_free_unpacked(&md->base, NULL);
	return 0;
}

/*
 * A log's severity as the log data model names it when the record has no
 * text: TRACE, TRACE2..TRACE4, DEBUG.., INFO.., WARN.., ERROR.., FATAL..
 * (numbers 1..24); "-" for none; SEVERITY(n) for a number outside them.
 */
static const char *severity_name(int n, char buf[16])
{
	static const char *const names[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };

	if (n == 0)
		return "-";
	if (n < 1 || n > 24) {
		snprintf(buf, 16, "SEVERITY(%d)", n);
		return buf;
	}
	if ((n - 1) % 4 == 0)
		return names[(n - 1) / 4];
	snprintf(buf, 16, "%s%d", names[(n - 1) / 4], (n - 1) % 4 + 1);
	return buf;
}

static int take_logs(struct show *sh, const uint8_t *data, size_t len)
{
	Opentelemetry__Proto__Logs__V1__LogsData *ld =
		opentelemetry__proto__logs__v1__logs_data__unpack(NULL, len, data);
	int bad = 0;

	if (!ld)
		return -1;
	for (size_t r = 0; r < ld->n_resource_logs; r++) {
		Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = ld->resource_logs[r];
		const char *svc = rl->resource ? service_of(rl->resource->attributes,
							    rl->resource->n_attributes)
					       : "?";

		for (size_t k = 0; k < rl->n_scope_logs; k++) {
			for (size_t i = 0; i < rl->scope_logs[k]->n_log_records; i++) {
				Opentelemetry__Proto__Logs__V1__LogRecord *lr =
					rl->scope_logs[k]->log_records[i];
				struct strbuf line = STRBUF_INIT, full = STRBUF_INIT,
					      attrs = STRBUF_INIT;
				char hex[33], sev[16];

				if (sh->log_records++ >= sh->kind_limit)
					continue;
				time_text(&line, lr->time_unix_nano ? lr->time_unix_nano
								    : lr->observed_time_unix_nano);
				strbuf_addf(&line, " %s [%s]",
					    lr->severity_text[0]
						    ? lr->severity_text
						    : severity_name((int)lr->severity_number, sev),
					    svc);
				if (lr->event_name[0])
					strbuf_addf(&line, " event=%s", lr->event_name);
				strbuf_addch(&line, ' ');
				value_text(&line, lr->body);
				if (lr->n_attributes) {
					strbuf_addstr(&attrs, "  ");
					attrs_inline(&attrs, lr->attributes, lr->n_attributes);
				}
				strbuf_add(&full, line.buf, line.len);
				if (lr->trace_id.len == 16) {
					hex_encode(lr->trace_id.data, 16, hex);
					hex[32] = '\0';
					strbuf_addf(&full, "  trace=%s", hex);
				}
				if (lr->span_id.len == 8) {
					hex_encode(lr->span_id.data, 8, hex);
					hex[16] = '\0';
					strbuf_addf(&full, " span=%s", hex);
				}
				strbuf_add(&line, attrs.buf, attrs.len);
				strbuf_add(&full, attrs.buf, attrs.len);
				if (lr->trace_id.len == 16 && lr->span_id.len == 8) {
					if (keep_span_log(sh, lr->trace_id.data, lr->span_id.data,
							  &line, &full))
						bad = -1;
				} else if (!sh->filter) {
					print_line(full.buf, full.len);
				}
				strbuf_release(&line);
				strbuf_release(&full);
				strbuf_release(&attrs);
			}
		}
	}
	protobuf_c_message_free_unpacked(&ld->base, NULL);
	return bad;
}

/*
 * Whether an empty file is worth a warning: one named on the command line
 * always; one found in a folder unless an otelsim dataset (a manifest.json
 * beside it) holds it, whose file of a signal that may occur and did not
 * is empty on purpose (so that shards concatenate).
 */
static bool warn_empty(const struct cli *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	char manifest[4096];

	for (size_t i = 0; i < c->nargs; i++)
		if (!strcmp(c->args[i], path))
			return true;
	if (!slash || (size_t)(slash - path) + sizeof("/manifest.json") > sizeof(manifest))
		return true;
	memcpy(manifest, path, (size_t)(slash - path));
	strcpy(manifest + (slash - path), "/manifest.json");
	return access(manifest, F_OK) != 0;
}

static int show_file(struct show *sh, const char *path)
{
	struct read_options ro = { READ_FRAMING_AUTO, true, 0 };
	struct otelsim_error err;
	struct read_record rec;
	struct reader *r;
	int rc;

	memset(&err, 0, sizeof(err));
	if (reader_open(path, &ro, &r, &err))
		return cli_fail(sh->c, &err);
	while ((rc = reader_next(r, &rec, &err)) > 0) {
		int bad = 0;

		if (ferror(stdout))
			break; /* nobody reads on (`| head`): main says so and exits 1 */
		if (rec.empty)
			continue;
		if (rec.signal == OTELSIM_TRACES)
			bad = take_traces(sh, rec.data, rec.len);
		else if (rec.signal == OTELSIM_METRICS)
			bad = sh->filter ? 0 : take_metrics(sh, rec.data, rec.len); /* no trace's */
		else
			bad = take_logs(sh, rec.data, rec.len);
		if (bad) {
			fprintf(stderr, "%s: %s: record %llu: cannot decode it\n", sh->c->prog,
				path, (unsigned long long)rec.index);
			reader_free(r);
			return EXIT_USAGE;
		}
	}
	if (rc == 0 && reader_records(r) == 0 && warn_empty(sh->c, path))
		fprintf(stderr, "%s: warning: %s: no items (an empty file)\n", sh->c->prog, path);
	if (rc < 0 && reader_truncated(r, &(uint64_t){ 0 }, &(uint64_t){ 0 })) {
		char buf[1200];

		/* a file still being written: show what is complete */
		fprintf(stderr, "%s: warning: %s (the records before it are shown)\n",
			sh->c->prog, otelsim_error_format(&err, buf, sizeof(buf)));
		rc = 0;
	}
	reader_free(r);
	if (rc < 0)
		return cli_fail(sh->c, &err);
	return EXIT_OK;
}

int cmd_show(struct cli *c)
{
	struct show sh;
	struct otelsim_error err;
	char **paths = NULL;
	size_t npaths = 0;
	struct dir_list skipped = { 0 };
	int rc = EXIT_OK;

	memset(&sh, 0, sizeof(sh));
	memset(&err, 0, sizeof(err));
	sh.c = c;
	/* saturated: --limit takes any 64-bit number */
	sh.kind_limit = c->limit > UINT64_MAX / 50 ? UINT64_MAX : c->limit * 50;
	if (!c->nargs) {
		cli_usage_error(c, "show needs a file or a dataset folder");
		return EXIT_USAGE;
	}
	if (c->trace_id) {
		if (hex_decode(c->trace_id, strlen(c->trace_id), sh.want_trace, 16)) {
			cli_usage_error(c, "--trace: expected 32 hex digits, got '%s'",
					c->trace_id);
			return EXIT_USAGE;
		}
		sh.filter = true;
	}
	if (read_expand((const char *const *)c->args, c->nargs, &paths, &npaths, &skipped, &err)) {
		dir_list_release(&skipped);
		return cli_fail(c, &err);
	}
	for (size_t i = 0; i < skipped.n; i++) /* one line each: nothing left out unsaid */
		fprintf(stderr, "%s: warning: skipped %s\n", c->prog, skipped.v[i]);
	dir_list_release(&skipped);
	for (size_t i = 0; i < npaths && rc == EXIT_OK; i++) {
		rc = show_file(&sh, paths[i]);
		flush_streams(&sh);
	}
	if (rc == EXIT_OK) {
		print_traces(&sh);
		print_left_logs(&sh, true);
		if (sh.filter && !sh.ntraces) {
			fprintf(stderr, "%s: no trace %s in %zu file%s\n", c->prog, c->trace_id,
				npaths, npaths == 1 ? "" : "s");
			rc = EXIT_RUNTIME;
		}
		if (!c->quiet && sh.more)
			fprintf(stderr,
				"%s: showed %zu trace%s; the files hold more (--limit N shows "
				"more)\n",
				c->prog, sh.ntraces, sh.ntraces == 1 ? "" : "s");
		if (!c->quiet &&
		    (sh.metric_points > sh.kind_limit || sh.log_records > sh.kind_limit))
			fprintf(stderr,
				"%s: showed the first %llu metric points and log records of each "
				"kind (--limit)\n",
				c->prog, (unsigned long long)sh.kind_limit);
	}
	read_paths_free(paths, npaths);
	print_left_logs(&sh, false); /* only frees what is left */
	for (size_t i = 0; i < sh.ntraces; i++)
		free(sh.traces[i].spans);
	free(sh.traces);
	for (size_t i = 0; i < sh.nmsgs; i++)
		protobuf_c_message_free_unpacked(sh.msgs[i], NULL);
	free(sh.msgs);
	for (size_t i = 0; i < sh.rows_cap; i++)
		strbuf_release(&sh.rows[i]);
	free(sh.rows);
	kmap_release(&sh.streams);
	return rc;
}
