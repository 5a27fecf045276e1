/* read/: reader detection, wire transforms, splitting, OTLP/JSON conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "read/manifest.h"
#include "read/otlpjson.h"
#include "read/reader.h"
#include "replay/split.h"
#include "replay/transform.h"
#include "util/pbwire.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/text.h"

typedef Opentelemetry__Proto__Trace__V1__TracesData TracesData;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Trace__V1__Span__Event SpanEvent;
typedef Opentelemetry__Proto__Trace__V1__Span__Link SpanLink;
typedef Opentelemetry__Proto__Trace__V1__Status Status;
typedef Opentelemetry__Proto__Metrics__V1__MetricsData MetricsData;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics ResourceMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__Gauge Gauge;
typedef Opentelemetry__Proto__Metrics__V1__Sum Sum;
typedef Opentelemetry__Proto__Metrics__V1__Histogram Histogram;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogram ExpHistogram;
typedef Opentelemetry__Proto__Metrics__V1__Summary Summary;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistogramDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint ExpHistogramDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets Buckets;
typedef Opentelemetry__Proto__Metrics__V1__SummaryDataPoint SummaryDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__SummaryDataPoint__ValueAtQuantile ValueAtQuantile;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar Exemplar;
typedef Opentelemetry__Proto__Logs__V1__LogsData LogsData;
typedef Opentelemetry__Proto__Logs__V1__ResourceLogs ResourceLogs;
typedef Opentelemetry__Proto__Logs__V1__ScopeLogs ScopeLogs;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;

#define T0 1767225600123456789ULL /* 2026-01-01T00:00:00.123456789Z: not a double */

static struct arena A;
static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	arena_init(&A, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

/* ---------------- builders ---------------- */

#define NEW(T, init)                                \
	({                                          \
		T *p_ = arena_alloc(&A, sizeof(T)); \
		init(p_);                           \
		p_;                                 \
	})
#define NEWV(T, n) ((T **)arena_zalloc(&A, sizeof(T *) * (size_t)((n) ? (n) : 1)))

static ProtobufCBinaryData make_id(uint64_t v, size_t n)
{
	uint8_t *p = arena_alloc(&A, n);

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> ((i % 8) * 8)) ^ (uint8_t)(i * 17 + 1);
	return (ProtobufCBinaryData){ n, p };
}

static KeyValue *kv_str(const char *k, const char *v)
{
	KeyValue *kv = NEW(KeyValue, opentelemetry__proto__common__v1__key_value__init);
	AnyValue *av = NEW(AnyValue, opentelemetry__proto__common__v1__any_value__init);

	av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
	av->string_value = arena_strdup(&A, v);
	kv->key = arena_strdup(&A, k);
	kv->value = av;
	return kv;
}

static KeyValue *kv_int(const char *k, int64_t v)
{
	KeyValue *kv = NEW(KeyValue, opentelemetry__proto__common__v1__key_value__init);
	AnyValue *av = NEW(AnyValue, opentelemetry__proto__common__v1__any_value__init);

	av->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
	av->int_value = v;
	kv->key = arena_strdup(&A, k);
	kv->value = av;
	return kv;
}

static Resource *make_resource(const char *service)
{
	Resource *r = NEW(Resource, opentelemetry__proto__resource__v1__resource__init);

	r->n_attributes = 1;
	r->attributes = NEWV(KeyValue, 1);
	r->attributes[0] = kv_str("service.name", service);
	return r;
}

static Scope *make_scope(const char *name)
{
	Scope *s = NEW(Scope, opentelemetry__proto__common__v1__instrumentation_scope__init);

	s->name = arena_strdup(&A, name);
	s->version = arena_strdup(&A, "1.0");
	return s;
}

/* span k of trace t: 3 spans per trace, a chain; spans link to the previous trace's root */
static Span *make_span(uint64_t k)
{
	Span *s = NEW(Span, opentelemetry__proto__trace__v1__span__init);
	uint64_t t = k / 3;

	s->trace_id = make_id(1000 + t, 16);
	s->span_id = make_id(5000 + k, 8);
	if (k % 3)
		s->parent_span_id = make_id(5000 + k - 1, 8);
	s->name = arena_printf(&A, "op-%llu", (unsigned long long)k);
	s->kind = OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER;
	s->start_time_unix_nano = T0 + k * 1000;
	s->end_time_unix_nano = k == 4 ? 0 : T0 + k * 1000 + 500 + k;
	s->n_attributes = 2;
	s->attributes = NEWV(KeyValue, 2);
	s->attributes[0] = kv_str("http.method", "GET");
	s->attributes[1] = kv_int("n", (int64_t)k);
	s->n_events = 1;
	s->events = NEWV(SpanEvent, 1);
	s->events[0] = NEW(SpanEvent, opentelemetry__proto__trace__v1__span__event__init);
	s->events[0]->time_unix_nano = T0 + k * 1000 + 7;
	s->events[0]->name = arena_strdup(&A, "ev");
	if (t > 0 && k % 3 == 0) {
		s->n_links = 1;
		s->links = NEWV(SpanLink, 1);
		s->links[0] = NEW(SpanLink, opentelemetry__proto__trace__v1__span__link__init);
		s->links[0]->trace_id = make_id(1000 + t - 1, 16);
		s->links[0]->span_id = make_id(5000 + (t - 1) * 3, 8);
	}
	s->status = NEW(Status, opentelemetry__proto__trace__v1__status__init);
	s->status->code = k % 5 == 0 ? 2 : 0;
	if (k % 5 == 0)
		s->status->message = arena_strdup(&A, "boom");
	return s;
}

/* nres resources x nscope scopes x nspan spans, spans numbered from first */
static TracesData *make_traces(size_t nres, size_t nscope, size_t nspan, uint64_t first)
{
	TracesData *td = NEW(TracesData, opentelemetry__proto__trace__v1__traces_data__init);
	uint64_t k = first;

	td->n_resource_spans = nres;
	td->resource_spans = NEWV(ResourceSpans, nres);
	for (size_t r = 0; r < nres; r++) {
		ResourceSpans *rs = NEW(ResourceSpans,
					opentelemetry__proto__trace__v1__resource_spans__init);

		rs->resource = make_resource(r % 2 ? "cart" : "checkout");
		rs->schema_url = arena_strdup(&A, "https://opentelemetry.io/schemas/1.26.0");
		rs->n_scope_spans = nscope;
		rs->scope_spans = NEWV(ScopeSpans, nscope);
		for (size_t c = 0; c < nscope; c++) {
			ScopeSpans *ss = NEW(ScopeSpans,
					     opentelemetry__proto__trace__v1__scope_spans__init);

			ss->scope = make_scope(c % 2 ? "db" : "http");
			ss->n_spans = nspan;
			ss->spans = NEWV(Span, nspan);
			for (size_t i = 0; i < nspan; i++)
				ss->spans[i] = make_span(k++);
			rs->scope_spans[c] = ss;
		}
		td->resource_spans[r] = rs;
	}
	return td;
}

static Exemplar *make_exemplar(uint64_t k)
{
	Exemplar *e = NEW(Exemplar, opentelemetry__proto__metrics__v1__exemplar__init);

	e->time_unix_nano = T0 + k * 1000 + 3;
	e->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE;
	e->as_double = 0.25 * (double)k;
	e->trace_id = make_id(1000 + k / 3, 16);
	e->span_id = make_id(5000 + k, 8);
	return e;
}

static Metric *make_metric(const char *name, int type)
{
	Metric *m = NEW(Metric, opentelemetry__proto__metrics__v1__metric__init);

	m->name = arena_strdup(&A, name);
	m->unit = arena_strdup(&A, "s");
	m->description = arena_strdup(&A, "a metric");
	switch (type) {
	case 5: {
		Gauge *g = NEW(Gauge, opentelemetry__proto__metrics__v1__gauge__init);

		g->n_data_points = 2;
		g->data_points = NEWV(NumberDataPoint, 2);
		for (int i = 0; i < 2; i++) {
			NumberDataPoint *p = NEW(
				NumberDataPoint,
				opentelemetry__proto__metrics__v1__number_data_point__init);

			p->time_unix_nano = T0 + 100 + (uint64_t)i;
			p->value_case =
				OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
			p->as_double = 0.5 + i;
			p->n_attributes = 1;
			p->attributes = NEWV(KeyValue, 1);
			p->attributes[0] = kv_str("host", i ? "b" : "a");
			p->n_exemplars = 1;
			p->exemplars = NEWV(Exemplar, 1);
			p->exemplars[0] = make_exemplar((uint64_t)i);
			g->data_points[i] = p;
		}
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
		m->gauge = g;
		break;
	}
	case 7: {
		Sum *s = NEW(Sum, opentelemetry__proto__metrics__v1__sum__init);
		NumberDataPoint *p = NEW(
			NumberDataPoint,
			opentelemetry__proto__metrics__v1__number_data_point__init);

		p->start_time_unix_nano = T0;
		p->time_unix_nano = T0 + 60000000000ULL;
		p->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
		p->as_int = -9007199254740993LL; /* not a double either */
		s->n_data_points = 1;
		s->data_points = NEWV(NumberDataPoint, 1);
		s->data_points[0] = p;
		s->aggregation_temporality = 2;
		s->is_monotonic = 1;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
		m->sum = s;
		break;
	}
	case 9: {
		Histogram *h = NEW(Histogram, opentelemetry__proto__metrics__v1__histogram__init);
		HistogramDataPoint *p = NEW(
			HistogramDataPoint,
			opentelemetry__proto__metrics__v1__histogram_data_point__init);
		static uint64_t counts[] = { 1, 0, 5 };
		static double bounds[] = { 0.1, 2.5 };

		p->start_time_unix_nano = T0;
		p->time_unix_nano = T0 + 5;
		p->count = 6;
		p->_sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
		p->sum = 0.0; /* present and zero: must survive */
		p->_min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN;
		p->min = -1e-300;
		p->_max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX;
		p->max = 1e300;
		p->n_bucket_counts = 3;
		p->bucket_counts = counts;
		p->n_explicit_bounds = 2;
		p->explicit_bounds = bounds;
		p->n_exemplars = 1;
		p->exemplars = NEWV(Exemplar, 1);
		p->exemplars[0] = make_exemplar(2);
		h->n_data_points = 1;
		h->data_points = NEWV(HistogramDataPoint, 1);
		h->data_points[0] = p;
		h->aggregation_temporality = 1;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
		m->histogram = h;
		break;
	}
	case 10: {
		ExpHistogram *h = NEW(
			ExpHistogram,
			opentelemetry__proto__metrics__v1__exponential_histogram__init);
		ExpHistogramDataPoint *p = NEW(
			ExpHistogramDataPoint,
			opentelemetry__proto__metrics__v1__exponential_histogram_data_point__init);
		Buckets *pos = NEW(
			Buckets,
			opentelemetry__proto__metrics__v1__exponential_histogram_data_point__buckets__init);
		static uint64_t bc[] = { 3, 300, 1ULL << 40 };

		pos->offset = -2;
		pos->n_bucket_counts = 3;
		pos->bucket_counts = bc;
		p->start_time_unix_nano = T0;
		p->time_unix_nano = T0 + 9;
		p->count = 303 + (1ULL << 40);
		p->scale = -3;
		p->zero_count = 1;
		p->zero_threshold = 1e-9;
		p->positive = pos;
		p->_sum_case =
			OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM;
		p->sum = NAN;
		p->n_exemplars = 1;
		p->exemplars = NEWV(Exemplar, 1);
		p->exemplars[0] = make_exemplar(3);
		h->n_data_points = 1;
		h->data_points = NEWV(ExpHistogramDataPoint, 1);
		h->data_points[0] = p;
		h->aggregation_temporality = 2;
		m->data_case =
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM;
		m->exponential_histogram = h;
		break;
	}
	case 11: {
		Summary *s = NEW(Summary, opentelemetry__proto__metrics__v1__summary__init);
		SummaryDataPoint *p = NEW(
			SummaryDataPoint,
			opentelemetry__proto__metrics__v1__summary_data_point__init);

		p->start_time_unix_nano = 0; /* zero stays zero */
		p->time_unix_nano = T0 + 11;
		p->count = 4;
		p->sum = INFINITY;
		p->n_quantile_values = 2;
		p->quantile_values = NEWV(ValueAtQuantile, 2);
		for (int i = 0; i < 2; i++) {
			ValueAtQuantile *q = NEW(
				ValueAtQuantile,
				opentelemetry__proto__metrics__v1__summary_data_point__value_at_quantile__init);

			q->quantile = i ? 0.99 : 0.5;
			q->value = i ? 12.75 : -0.0;
			p->quantile_values[i] = q;
		}
		s->n_data_points = 1;
		s->data_points = NEWV(SummaryDataPoint, 1);
		s->data_points[0] = p;
		m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY;
		m->summary = s;
		break;
	}
	default: /* no data at all */
		break;
	}
	return m;
}

/* every metric type, plus one without data: 6 data points + 1 empty metric */
static MetricsData *make_metrics(void)
{
	MetricsData *md = NEW(MetricsData, opentelemetry__proto__metrics__v1__metrics_data__init);
	ResourceMetrics *rm = NEW(ResourceMetrics,
				  opentelemetry__proto__metrics__v1__resource_metrics__init);
	ScopeMetrics *sm = NEW(ScopeMetrics,
			       opentelemetry__proto__metrics__v1__scope_metrics__init);
	static const int types[] = { 5, 7, 9, 10, 11, 0 };

	sm->scope = make_scope("meter");
	sm->n_metrics = 6;
	sm->metrics = NEWV(Metric, 6);
	for (int i = 0; i < 6; i++)
		sm->metrics[i] = make_metric(arena_printf(&A, "m%d", i), types[i]);
	rm->resource = make_resource("checkout");
	rm->n_scope_metrics = 1;
	rm->scope_metrics = NEWV(ScopeMetrics, 1);
	rm->scope_metrics[0] = sm;
	md->n_resource_metrics = 1;
	md->resource_metrics = NEWV(ResourceMetrics, 1);
	md->resource_metrics[0] = rm;
	return md;
}

static LogsData *make_logs(size_t n)
{
	LogsData *ld = NEW(LogsData, opentelemetry__proto__logs__v1__logs_data__init);
	ResourceLogs *rl = NEW(ResourceLogs, opentelemetry__proto__logs__v1__resource_logs__init);
	ScopeLogs *sl = NEW(ScopeLogs, opentelemetry__proto__logs__v1__scope_logs__init);

	sl->scope = make_scope("logger");
	sl->n_log_records = n;
	sl->log_records = NEWV(LogRecord, n);
	for (size_t i = 0; i < n; i++) {
		LogRecord *l = NEW(LogRecord, opentelemetry__proto__logs__v1__log_record__init);
		AnyValue *body = NEW(AnyValue, opentelemetry__proto__common__v1__any_value__init);

		l->time_unix_nano = i == 1 ? 0 : T0 + i * 10;
		l->observed_time_unix_nano = T0 + i * 10 + 1;
		l->severity_number = 9;
		l->severity_text = arena_strdup(&A, "INFO");
		body->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
		body->string_value = arena_printf(&A, "line %zu \"quoted\"\n\x01", i);
		l->body = body;
		l->trace_id = make_id(1000 + i / 3, 16);
		l->span_id = make_id(5000 + i, 8);
		if (i == 2)
			l->event_name = arena_strdup(&A, "deploy");
		sl->log_records[i] = l;
	}
	rl->resource = make_resource("checkout");
	rl->n_scope_logs = 1;
	rl->scope_logs = NEWV(ScopeLogs, 1);
	rl->scope_logs[0] = sl;
	ld->n_resource_logs = 1;
	ld->resource_logs = NEWV(ResourceLogs, 1);
	ld->resource_logs[0] = rl;
	return ld;
}

static void pack(const void *msg, struct strbuf *out)
{
	size_t n = protobuf_c_message_get_packed_size(msg);

	strbuf_reset(out);
	assert_int_equal(strbuf_grow(out, n), 0);
	protobuf_c_message_pack(msg, (uint8_t *)out->buf);
	out->len = n;
}

/* ---------------- files ---------------- */

static const char *tmp_path(const char *name)
{
	static char buf[8][512];
	static int k;

	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/test_read.XXXXXX", t && *t ? t : "/tmp");
		assert_non_null(mkdtemp(tmpdir));
	}
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

enum { F_BE32, F_VARINT, F_SINGLE };

static void frame(struct strbuf *out, int framing, const struct strbuf *rec)
{
	uint8_t h[10];
	size_t n;

	if (framing == F_BE32) {
		h[0] = (uint8_t)(rec->len >> 24);
		h[1] = (uint8_t)(rec->len >> 16);
		h[2] = (uint8_t)(rec->len >> 8);
		h[3] = (uint8_t)rec->len;
		n = 4;
	} else if (framing == F_VARINT) {
		n = varint_put(h, rec->len);
	} else {
		n = 0;
	}
	strbuf_add(out, h, n);
	strbuf_add(out, rec->buf, rec->len);
}

static void gzip_buf(const struct strbuf *in, struct strbuf *out)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	strbuf_reset(out);
	strbuf_grow(out, deflateBound(&z, in->len) + 64);
	z.next_in = (Bytef *)in->buf;
	z.avail_in = (uInt)in->len;
	z.next_out = (Bytef *)out->buf;
	z.avail_out = (uInt)(out->alloc - 1);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len = z.total_out;
	deflateEnd(&z);
}

static void zstd_buf(const void *in, size_t len, struct strbuf *out)
{
	size_t bound = ZSTD_compressBound(len), n;

	strbuf_reset(out);
	strbuf_grow(out, bound);
	n = ZSTD_compress(out->buf, bound, in, len, 3);
	assert_false(ZSTD_isError(n));
	out->len = n;
}

struct got {
	size_t n;
	int signal[64];
	struct strbuf data[64];
	int framing, compression;
};

static void got_release(struct got *g)
{
	for (size_t i = 0; i < 64; i++)
		strbuf_release(&g->data[i]);
}

static int read_all(const char *path, int framing, bool to_pb, struct got *g,
		    struct otelsim_error *err)
{
	struct read_options o = { framing, to_pb, 0 };
	struct reader *r;
	struct read_record rec;
	int rc;

	memset(g, 0, sizeof(*g));
	rc = reader_open(path, &o, &r, err);
	if (rc)
		return rc;
	while ((rc = reader_next(r, &rec, err)) == 1) {
		assert_true(g->n < 64);
		assert_int_equal(rec.index, g->n);
		g->signal[g->n] = rec.signal;
		strbuf_add(&g->data[g->n], rec.data, rec.len);
		g->n++;
	}
	g->framing = reader_framing(r);
	g->compression = reader_compression(r);
	reader_free(r);
	return rc;
}

/* ---------------- reader: framing, compression, signal ---------------- */

static void test_framings_and_compressions(void **state)
{
	struct strbuf rec[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct strbuf file = STRBUF_INIT, z = STRBUF_INIT, one = STRBUF_INIT;
	struct otelsim_error err;
	struct got g;

	(void)state;
	pack(make_traces(1, 1, 2, 0), &rec[0]);
	pack(make_traces(2, 1, 1, 10), &rec[1]);
	pack(make_traces(1, 2, 3, 20), &rec[2]);

	static const struct {
		int framing;
		int comp; /* 0 none, 1 gzip, 2 zstd whole, 3 zstd records */
		const char *name;
		int want_framing, want_comp;
	} cases[] = {
		{ F_BE32, 0, "a.binpb", READ_FRAMING_BE32, READ_PLAIN },
		{ F_VARINT, 0, "b.pb", READ_FRAMING_VARINT, READ_PLAIN },
		{ F_BE32, 1, "c.binpb.gz", READ_FRAMING_BE32, READ_GZIP },
		{ F_VARINT, 1, "d", READ_FRAMING_VARINT, READ_GZIP },
		{ F_BE32, 2, "e.binpb.zst", READ_FRAMING_BE32, READ_ZSTD },
		{ F_VARINT, 2, "f.zst", READ_FRAMING_VARINT, READ_ZSTD },
		{ F_BE32, 3, "g.binpb", READ_FRAMING_BE32, READ_ZSTD_RECORDS },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		strbuf_reset(&file);
		for (int i = 0; i < 3; i++) {
			if (cases[c].comp == 3) {
				struct strbuf framed = STRBUF_INIT;

				zstd_buf(rec[i].buf, rec[i].len, &z);
				frame(&framed, F_BE32, &z);
				strbuf_add(&file, framed.buf, framed.len);
				strbuf_release(&framed);
			} else {
				frame(&file, cases[c].framing, &rec[i]);
			}
		}
		if (cases[c].comp == 1) {
			gzip_buf(&file, &z);
			write_file(tmp_path(cases[c].name), z.buf, z.len);
		} else if (cases[c].comp == 2) {
			zstd_buf(file.buf, file.len, &z);
			write_file(tmp_path(cases[c].name), z.buf, z.len);
		} else {
			write_file(tmp_path(cases[c].name), file.buf, file.len);
		}
		assert_int_equal(read_all(tmp_path(cases[c].name), 0, true, &g, &err), 0);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.framing, cases[c].want_framing);
		assert_int_equal(g.compression, cases[c].want_comp);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(g.signal[i], OTELSIM_TRACES);
			assert_int_equal(g.data[i].len, rec[i].len);
			assert_memory_equal(g.data[i].buf, rec[i].buf, rec[i].len);
		}
		got_release(&g);
	}
	/* a single message filling the file, plain and gzip */
	write_file(tmp_path("single.binpb"), rec[2].buf, rec[2].len);
	assert_int_equal(read_all(tmp_path("single.binpb"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.framing, READ_FRAMING_SINGLE);
	assert_memory_equal(g.data[0].buf, rec[2].buf, rec[2].len);
	got_release(&g);
	gzip_buf(&rec[2], &z);
	write_file(tmp_path("single.gz"), z.buf, z.len);
	assert_int_equal(read_all(tmp_path("single.gz"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.framing, READ_FRAMING_SINGLE);
	got_release(&g);
	/* two gzip members one after the other (cat a.gz b.gz) */
	strbuf_reset(&file);
	frame(&one, F_BE32, &rec[0]);
	gzip_buf(&one, &z);
	strbuf_add(&file, z.buf, z.len);
	strbuf_reset(&one);
	frame(&one, F_BE32, &rec[1]);
	gzip_buf(&one, &z);
	strbuf_add(&file, z.buf, z.len);
	write_file(tmp_path("two.binpb.gz"), file.buf, file.len);
	assert_int_equal(read_all(tmp_path("two.binpb.gz"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_memory_equal(g.data[1].buf, rec[1].buf, rec[1].len);
	got_release(&g);
	/* --framing overrides: a BE32 file read as varint (00 00 = two empty records) fails with a position */
	strbuf_reset(&file);
	for (int i = 0; i < 3; i++)
		frame(&file, F_BE32, &rec[i]);
	write_file(tmp_path("h.binpb"), file.buf, file.len);
	assert_int_not_equal(read_all(tmp_path("h.binpb"), READ_FRAMING_VARINT, true, &g, &err), 0);
	assert_string_equal(err.file, tmp_path("h.binpb"));
	if (!strstr(err.message, "record 2 at byte 2: not a TracesData"))
		fail_msg("%s", err.message);
	got_release(&g);
	for (int i = 0; i < 3; i++)
		strbuf_release(&rec[i]);
	strbuf_release(&file);
	strbuf_release(&z);
	strbuf_release(&one);
}

/*
 * Every file the Collector's file exporter writes: {proto, json} x {no
 * compression, zstd per record (its legacy `compression: zstd`), one zstd
 * stream (its native compression)} x {traces, metrics, logs}. JSON in zstd
 * records is a 4-byte length and zstd(JSON), no newline.
 */
static void test_collector_file_exporter_matrix(void **state)
{
	struct strbuf rec[2] = { STRBUF_INIT, STRBUF_INIT }, js[2] = { STRBUF_INIT, STRBUF_INIT };
	struct strbuf file = STRBUF_INIT, z = STRBUF_INIT;
	struct otelsim_error err;
	struct got g;
	static const int want_comp[3] = { READ_PLAIN, READ_ZSTD_RECORDS, READ_ZSTD };
	size_t tried = 0;

	(void)state;
	for (int sig = OTELSIM_TRACES; sig <= OTELSIM_LOGS; sig++) {
		const ProtobufCMessageDescriptor *d = otlpjson_descriptor(sig);

		for (int i = 0; i < 2; i++) {
			strbuf_reset(&rec[i]);
			strbuf_reset(&js[i]);
			if (sig == OTELSIM_TRACES)
				pack(make_traces(1, 1, (size_t)i + 1, (uint64_t)i * 10), &rec[i]);
			else if (sig == OTELSIM_METRICS)
				pack(make_metrics(), &rec[i]);
			else
				pack(make_logs((size_t)i + 2), &rec[i]);
			assert_int_equal(otlpjson_from_protobuf(d, (uint8_t *)rec[i].buf,
								rec[i].len, &js[i], &err),
					 0);
		}
		for (int json = 0; json < 2; json++) {
			for (int comp = 0; comp < 3; comp++) {
				char name[32];

				strbuf_reset(&file);
				for (int i = 0; i < 2; i++) {
					const struct strbuf *one = json ? &js[i] : &rec[i];

					if (comp == 1) {
						zstd_buf(one->buf, one->len, &z);
						frame(&file, F_BE32, &z);
					} else if (json) {
						strbuf_add(&file, one->buf, one->len);
						strbuf_add(&file, "\n", 1);
					} else {
						frame(&file, F_BE32, one);
					}
				}
				if (comp == 2) {
					zstd_buf(file.buf, file.len, &z);
					strbuf_reset(&file);
					strbuf_add(&file, z.buf, z.len);
				}
				/* named as the exporter's `path` may be: nothing to go by */
				snprintf(name, sizeof(name), "exported-%d-%d-%d", sig, json, comp);
				write_file(tmp_path(name), file.buf, file.len);
				if (read_all(tmp_path(name), 0, true, &g, &err))
					fail_msg("%s: %s", name, err.message);
				assert_int_equal(g.n, 2);
				assert_int_equal(g.compression, want_comp[comp]);
				for (int i = 0; i < 2; i++) {
					assert_int_equal(g.signal[i], sig);
					assert_int_equal(g.data[i].len, rec[i].len);
					assert_memory_equal(g.data[i].buf, rec[i].buf, rec[i].len);
				}
				got_release(&g);
				tried++;
			}
		}
	}
	assert_int_equal(tried, 18);
	for (int i = 0; i < 2; i++) {
		strbuf_release(&rec[i]);
		strbuf_release(&js[i]);
	}
	strbuf_release(&file);
	strbuf_release(&z);
}

static void test_signal_from_shape(void **state)
{
	struct strbuf t = STRBUF_INIT, m = STRBUF_INIT, l = STRBUF_INIT, file = STRBUF_INIT;
	struct otelsim_error err;
	struct got g;

	(void)state;
	pack(make_traces(1, 1, 3, 0), &t);
	pack(make_metrics(), &m);
	pack(make_logs(4), &l);
	/* names that lie: the content decides */
	frame(&file, F_BE32, &m);
	frame(&file, F_BE32, &m);
	write_file(tmp_path("traces-not-really.binpb"), file.buf, file.len);
	assert_int_equal(read_all(tmp_path("traces-not-really.binpb"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.signal[0], OTELSIM_METRICS);
	assert_int_equal(g.signal[1], OTELSIM_METRICS);
	got_release(&g);
	strbuf_reset(&file);
	frame(&file, F_VARINT, &l);
	write_file(tmp_path("metrics.pb"), file.buf, file.len);
	assert_int_equal(read_all(tmp_path("metrics.pb"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.signal[0], OTELSIM_LOGS);
	got_release(&g);
	write_file(tmp_path("x.bin"), t.buf, t.len);
	assert_int_equal(read_all(tmp_path("x.bin"), 0, true, &g, &err), 0);
	assert_int_equal(g.signal[0], OTELSIM_TRACES);
	got_release(&g);
	strbuf_release(&t);
	strbuf_release(&m);
	strbuf_release(&l);
	strbuf_release(&file);
}

static void test_not_otlp_and_truncated(void **state)
{
	struct strbuf rec = STRBUF_INIT, file = STRBUF_INIT;
	struct otelsim_error err;
	struct got g;

	(void)state;
	write_file(tmp_path("junk.binpb"), "\xff\xff\xff\xff\x01\x02", 6);
	assert_int_equal(read_all(tmp_path("junk.binpb"), 0, true, &g, &err), OTELSIM_EINPUT);
	assert_non_null(strstr(err.message, "not an OTLP file"));
	assert_non_null(strstr(err.message, "ff ff ff ff"));
	got_release(&g);
	/* a BE32 file cut in its second record: the first comes out, then the error */
	pack(make_traces(1, 1, 2, 0), &rec);
	frame(&file, F_BE32, &rec);
	frame(&file, F_BE32, &rec);
	write_file(tmp_path("cut.binpb"), file.buf, file.len - 5);
	assert_int_equal(read_all(tmp_path("cut.binpb"), READ_FRAMING_BE32, true, &g, &err),
			 OTELSIM_EINPUT);
	assert_int_equal(g.n, 1);
	char want[96];

	snprintf(want, sizeof(want), "record 1 at byte %zu: truncated: 5 bytes missing",
		 rec.len + 4);
	assert_non_null(strstr(err.message, want));
	got_release(&g);
	{
		struct read_options o = { 0, true, 0, NULL };
		struct reader *r;
		struct read_record rr;
		uint64_t off = 0, missing = 0;

		assert_int_equal(reader_open(tmp_path("cut.binpb"), &o, &r, &err), 0);
		assert_int_equal(reader_next(r, &rr, &err), 1);
		assert_false(reader_truncated(r, &off, &missing));
		assert_int_equal(reader_next(r, &rr, &err), OTELSIM_EINPUT);
		assert_true(reader_truncated(r, &off, &missing));
		assert_int_equal(off, rec.len + 4);
		assert_int_equal(missing, 5);
		reader_free(r);
	}
	/* a zstd stream cut short: the complete records, then the cut (bytes unknown) */
	{
		struct strbuf z = STRBUF_INIT;
		struct read_options o = { 0, true, 0, NULL };
		struct reader *r;
		struct read_record rr;
		uint64_t off = 1, missing = 1;

		zstd_buf(file.buf, file.len, &z);
		write_file(tmp_path("cut.binpb.zst"), z.buf, z.len - 3);
		assert_int_equal(reader_open(tmp_path("cut.binpb.zst"), &o, &r, &err), 0);
		while (reader_next(r, &rr, &err) == 1)
			;
		assert_true(reader_truncated(r, &off, &missing));
		assert_int_equal(missing, 0);
		reader_free(r);
		strbuf_release(&z);
	}
	/* an empty file has no records */
	write_file(tmp_path("empty.binpb"), "", 0);
	assert_int_equal(read_all(tmp_path("empty.binpb"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 0);
	got_release(&g);
	strbuf_release(&rec);
	strbuf_release(&file);
}

/* ---------------- OTLP/JSON ---------------- */

static const char STRICT_SPAN[] =
	"{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
	"{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"lib\",\"version\":"
	"\"1.0\"},\"spans\":[{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":"
	"\"a1a2a3a4a5a6a7a8\",\"name\":\"GET /\",\"kind\":2,\"startTimeUnixNano\":"
	"\"1767225600123456789\",\"endTimeUnixNano\":\"1767225600124456789\",\"attributes\":"
	"[{\"key\":\"http.method\",\"value\":{\"stringValue\":\"GET\"}}],\"status\":{\"message\":"
	"\"boom\",\"code\":2}}]}]}]}";

/* The same span as a user might write it. */
static const char LENIENT_SPAN[] =
	"{\n"
	"  \"resource_spans\": [{\n"
	"    \"resource\": {\"attributes\": [{\"key\": \"service.name\", \"value\": "
	"{\"string_value\": \"svc\"}}]},\n"
	"    \"scope_spans\": [{\n"
	"      \"scope\": {\"name\": \"lib\", \"version\": \"1.0\", \"x-unknown\": [1, 2, {\"a\": "
	"null}]},\n"
	"      \"spans\": [{\n"
	"        \"trace_id\": \"0102030405060708090A0B0C0D0E0F10\",\n"
	"        \"span_id\": \"a1a2a3a4a5a6a7a8\",\n"
	"        \"parentSpanId\": \"\",\n"
	"        \"name\": \"GET /\", \"kind\": \"SPAN_KIND_SERVER\",\n"
	"        \"start_time_unix_nano\": 1767225600123456789,\n"
	"        \"endTimeUnixNano\": 1.767225600124456789e18,\n"
	"        \"attributes\": [{\"key\": \"http.method\", \"value\": {\"stringValue\": "
	"\"GET\"}}],\n"
	"        \"status\": {\"code\": \"STATUS_CODE_ERROR\", \"message\": \"boom\"},\n"
	"        \"droppedEventsCount\": null,\n"
	"        \"unknownField\": {\"deep\": [true, false, null, \"\\u00e9\\ud83d\\ude00\"]}\n"
	"      }]\n"
	"    }]\n"
	"  }]\n"
	"}\n";

static void test_json_strict_and_lenient(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, j = STRBUF_INIT;
	const ProtobufCMessageDescriptor *d = otlpjson_descriptor(OTELSIM_TRACES);
	struct otelsim_error err;
	int sig = -1;

	(void)state;
	assert_int_equal(otlpjson_to_protobuf(d, STRICT_SPAN, strlen(STRICT_SPAN), &a, &err), 0);
	assert_int_equal(otlpjson_to_protobuf(d, LENIENT_SPAN, strlen(LENIENT_SPAN), &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	/* and back to exactly the strict text */
	assert_int_equal(otlpjson_from_protobuf(d, (uint8_t *)b.buf, b.len, &j, &err), 0);
	assert_string_equal(j.buf, STRICT_SPAN);
	assert_int_equal(otlpjson_signal(LENIENT_SPAN, strlen(LENIENT_SPAN), &sig), 0);
	assert_int_equal(sig, OTELSIM_TRACES);
	/* the exact nanoseconds survived */
	{
		TracesData *td = (TracesData *)protobuf_c_message_unpack(d, NULL, b.len,
									 (uint8_t *)b.buf);

		assert_non_null(td);
		assert_true(td->resource_spans[0]->scope_spans[0]->spans[0]->start_time_unix_nano ==
			    T0);
		protobuf_c_message_free_unpacked(&td->base, NULL);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&j);
}

static void roundtrip(const void *msg)
{
	const ProtobufCMessage *m = msg;
	struct strbuf pb = STRBUF_INIT, js = STRBUF_INIT, back = STRBUF_INIT;
	struct otelsim_error err;

	pack(msg, &pb);
	assert_int_equal(
		otlpjson_from_protobuf(m->descriptor, (uint8_t *)pb.buf, pb.len, &js, &err), 0);
	if (otlpjson_to_protobuf(m->descriptor, js.buf, js.len, &back, &err))
		fail_msg("%d:%d: %s in %s", err.line, err.column, err.message, js.buf);
	assert_int_equal(back.len, pb.len);
	assert_memory_equal(back.buf, pb.buf, pb.len);
	strbuf_release(&pb);
	strbuf_release(&js);
	strbuf_release(&back);
}

static void test_json_roundtrips_every_type(void **state)
{
	struct strbuf js = STRBUF_INIT, pb = STRBUF_INIT;
	struct otelsim_error err;

	(void)state;
	roundtrip(make_traces(2, 2, 3, 0));
	roundtrip(make_metrics());
	roundtrip(make_logs(5));
	/* the strict form's details */
	pack(make_metrics(), &pb);
	assert_int_equal(otlpjson_from_protobuf(otlpjson_descriptor(OTELSIM_METRICS),
						(uint8_t *)pb.buf, pb.len, &js, &err),
			 0);
	assert_non_null(strstr(js.buf, "\"asInt\":\"-9007199254740993\""));
	assert_non_null(strstr(js.buf, "\"sum\":0,")); /* a set optional zero is written */
	assert_non_null(strstr(js.buf, "\"sum\":\"NaN\""));
	assert_non_null(strstr(js.buf, "\"sum\":\"Infinity\""));
	/* -0 is a default value to protobuf-c's packer too: omitted both ways */
	assert_non_null(strstr(
		js.buf,
		"\"quantileValues\":[{\"quantile\":0.5},{\"quantile\":0.99,\"value\":12.75}]"));
	assert_non_null(strstr(js.buf, "\"bucketCounts\":[\"3\",\"300\",\"1099511627776\"]"));
	assert_non_null(strstr(js.buf, "\"isMonotonic\":true"));
	assert_non_null(strstr(js.buf, "\"aggregationTemporality\":2"));
	/* declaration order: attributes first in data points, exemplar ids last */
	assert_non_null(strstr(js.buf, "{\"attributes\":[{\"key\":\"host\""));
	assert_non_null(strstr(js.buf, "\"asDouble\":0.25,\"spanId\":"));
	assert_null(strstr(js.buf, "\"startTimeUnixNano\":\"0\""));
	strbuf_reset(&js);
	pack(make_logs(3), &pb);
	assert_int_equal(otlpjson_from_protobuf(otlpjson_descriptor(OTELSIM_LOGS),
						(uint8_t *)pb.buf, pb.len, &js, &err),
			 0);
	assert_non_null(strstr(js.buf, "\"stringValue\":\"line 0 \\\"quoted\\\"\\u000a\\u0001\""));
	assert_non_null(strstr(js.buf, "\"eventName\":\"deploy\""));
	assert_non_null(strstr(js.buf, "{\"timeUnixNano\":\"1767225600123456789\","
				       "\"observedTimeUnixNano\":\"1767225600123456790\","
				       "\"severityNumber\":9,"));
	strbuf_release(&js);
	strbuf_release(&pb);
}

/*
 * Bytes in OTLP/JSON: base64 in either alphabet, any run of trailing '='
 * (or none), written back as standard base64 with padding; ids also as
 * base64 of the right length.
 */
static void test_json_bytes_values(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: "must be base64" */
	} bytes[] = {
		{ "aGk=", "aGk=" },   { "aGk", "aGk=" },
		{ "aGk===", "aGk=" }, { "YQ", "YQ==" },
		{ "QUJD", "QUJD" },   { "-_8", "+/8=" },
		{ "+/8=", "+/8=" },   { "AAEC/f7/", "AAEC/f7/" },
		{ "YR", "YQ==" }, /* leftover bits are not checked */
		{ "", "" },           { "====", "" },
		{ "a", NULL },        { "a===", NULL },
		{ "aGVsb", NULL },    { "a*bc", NULL },
		{ "aG=k", NULL },     { "aGk= ", NULL },
		{ "aG k", NULL },
	};
	static const struct {
		const char *key, *in, *hex;
	} ids[] = {
		{ "spanId", "AAECAwQFBgc=", "0001020304050607" },
		{ "spanId", "AAECAwQFBgc", "0001020304050607" },
		{ "spanId", "__79_Pv6-fg", "fffefdfcfbfaf9f8" },
		{ "traceId", "AAECAwQFBgcICQoLDA0ODw==", "000102030405060708090a0b0c0d0e0f" },
	};
	const ProtobufCMessageDescriptor *d = otlpjson_descriptor(OTELSIM_TRACES);

	(void)state;
	for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		struct strbuf pb = STRBUF_INIT, js = STRBUF_INIT;
		struct otelsim_error err;
		char text[256], want[64];
		int rc;

		snprintf(text, sizeof(text),
			 "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{"
			 "\"key\":"
			 "\"k\",\"value\":{\"bytesValue\":\"%s\"}}]}]}]}]}",
			 bytes[i].in);
		rc = otlpjson_to_protobuf(d, text, strlen(text), &pb, &err);
		if (!bytes[i].out) {
			assert_int_equal(rc, OTELSIM_EINPUT);
			if (strcmp(err.message, "'bytes_value' must be base64") || err.line != 1 ||
			    err.column != 92)
				fail_msg("case %zu: got %d:%d %s", i, err.line, err.column,
					 err.message);
		} else {
			if (rc)
				fail_msg("case %zu: %s", i, err.message);
			assert_int_equal(
				otlpjson_from_protobuf(d, (uint8_t *)pb.buf, pb.len, &js, &err), 0);
			snprintf(want, sizeof(want), "{\"bytesValue\":\"%s\"}", bytes[i].out);
			if (!strstr(js.buf, want))
				fail_msg("case %zu: %s", i, js.buf);
		}
		strbuf_release(&pb);
		strbuf_release(&js);
	}
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct strbuf pb = STRBUF_INIT, js = STRBUF_INIT;
		struct otelsim_error err;
		char text[256], want[96];

		snprintf(text, sizeof(text),
			 "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"%s\":\"%s\"}]}]}]}",
			 ids[i].key, ids[i].in);
		assert_int_equal(otlpjson_to_protobuf(d, text, strlen(text), &pb, &err), 0);
		assert_int_equal(otlpjson_from_protobuf(d, (uint8_t *)pb.buf, pb.len, &js, &err),
				 0);
		snprintf(want, sizeof(want), "\"%s\":\"%s\"", ids[i].key, ids[i].hex);
		if (!strstr(js.buf, want))
			fail_msg("id case %zu: %s", i, js.buf);
		strbuf_release(&pb);
		strbuf_release(&js);
	}
}

static void test_json_errors_have_positions(void **state)
{
	static const struct {
		const char *text;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"abc\"}]}]}]}", 1,
		  55, "'trace_id' must be 32 hex digits" },
		{ "{\"resourceSpans\":\n  [{\"resource\": 5}]}", 2, 17,
		  "'resource' must be an object" },
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"1.5\"}"
		  "]}]}]}",
		  1, 65, "'start_time_unix_nano' must be an integer" },
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"SPAN_KIND_NOPE\"}]}"
		  "]}]}",
		  1, 52, "'kind' has an unknown enum name" },
		{ "{\"resourceSpans\":[}", 1, 19, "unexpected character '}'" },
		{ "{\"resourceSpans\":[]} x", 1, 22, "unexpected text after the JSON value" },
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"\\ud800\"}]}]}]}",
		  1, 53, "unpaired surrogate" },
		/* a bad id is quoted, unless it holds what a terminal would act on */
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"xyz\"}]}]}]}", 1,
		  54, "'span_id' must be 16 hex digits, got 'xyz'" },
		{ "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"\\u001b[2J\"}]}]}"
		  "]}",
		  1, 54, "'span_id' must be 16 hex digits" },
	};
	const ProtobufCMessageDescriptor *d = otlpjson_descriptor(OTELSIM_TRACES);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		struct otelsim_error err;

		assert_int_equal(
			otlpjson_to_protobuf(d, cases[i].text, strlen(cases[i].text), &out, &err),
			OTELSIM_EINPUT);
		if (!strstr(err.message, cases[i].msg) || err.line != cases[i].line ||
		    err.column != cases[i].col || strchr(err.message, 0x1b))
			fail_msg("case %zu: got %d:%d %s", i, err.line, err.column, err.message);
		strbuf_release(&out);
	}
}

static void test_json_files_through_reader(void **state)
{
	struct strbuf pb = STRBUF_INIT, lines = STRBUF_INIT, js = STRBUF_INIT;
	struct otelsim_error err;
	struct got g;
	const void *msgs[3];

	(void)state;
	msgs[0] = make_traces(1, 1, 2, 0);
	msgs[1] = make_metrics();
	msgs[2] = make_logs(3);
	/* JSON lines of all three signals in one file, one of them pretty-printed */
	for (int i = 0; i < 3; i++) {
		const ProtobufCMessage *m = msgs[i];

		pack(m, &pb);
		strbuf_reset(&js);
		assert_int_equal(otlpjson_write(m, &js), 0);
		strbuf_add(&lines, js.buf, js.len);
		strbuf_addch(&lines, '\n');
	}
	strbuf_addstr(&lines, "\n   \n");
	strbuf_add(&lines, LENIENT_SPAN, strlen(LENIENT_SPAN));
	gzip_buf(&lines, &js);
	write_file(tmp_path("mixed.jsonl.gz"), js.buf, js.len);
	assert_int_equal(read_all(tmp_path("mixed.jsonl.gz"), 0, true, &g, &err), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.framing, READ_FRAMING_JSON);
	assert_int_equal(g.signal[0], OTELSIM_TRACES);
	assert_int_equal(g.signal[1], OTELSIM_METRICS);
	assert_int_equal(g.signal[2], OTELSIM_LOGS);
	assert_int_equal(g.signal[3], OTELSIM_TRACES);
	pack(msgs[2], &pb);
	assert_int_equal(g.data[2].len, pb.len);
	assert_memory_equal(g.data[2].buf, pb.buf, pb.len);
	got_release(&g);
	/* an error on line 6 of the pretty-printed record */
	strbuf_reset(&lines);
	strbuf_addstr(&lines,
		      "{\"resourceLogs\":[]}\n{\n \"resourceLogs\": [\n  {\n   \"scopeLogs\": "
		      "[{\"logRecords\": [\n    {\"timeUnixNano\": \"x\"}]}]}]}\n");
	write_file(tmp_path("bad.json"), lines.buf, lines.len);
	assert_int_equal(read_all(tmp_path("bad.json"), 0, true, &g, &err), OTELSIM_EINPUT);
	assert_int_equal(g.n, 1);
	assert_string_equal(err.file, tmp_path("bad.json"));
	assert_int_equal(err.line, 6);
	assert_int_equal(err.column, 22);
	got_release(&g);
	strbuf_release(&pb);
	strbuf_release(&lines);
	strbuf_release(&js);
}

/* ---------------- transforms ---------------- */

static void test_time_shift_keeps_intervals(void **state)
{
	struct strbuf pb = STRBUF_INIT;
	struct xform_stats st = XFORM_STATS_INIT;
	struct xform x = { true, -1234567, false, 0 };
	struct otelsim_error err;

	(void)state;
	/* traces: every span time, event time; span 4 has end 0 */
	TracesData *orig = make_traces(1, 1, 6, 0);

	pack(orig, &pb);
	assert_int_equal(xform_record(OTELSIM_TRACES, (uint8_t *)pb.buf, pb.len, &x, &st, &err), 0);
	assert_int_equal(st.items, 6);
	TracesData *td = (TracesData *)protobuf_c_message_unpack(
		otlpjson_descriptor(OTELSIM_TRACES), NULL, pb.len, (uint8_t *)pb.buf);

	assert_non_null(td);
	for (size_t i = 0; i < 6; i++) {
		Span *a = orig->resource_spans[0]->scope_spans[0]->spans[i];
		Span *b = td->resource_spans[0]->scope_spans[0]->spans[i];

		assert_true(b->start_time_unix_nano == a->start_time_unix_nano - 1234567);
		if (a->end_time_unix_nano)
			assert_true(b->end_time_unix_nano == a->end_time_unix_nano - 1234567);
		else
			assert_true(b->end_time_unix_nano == 0);
		assert_true(b->events[0]->time_unix_nano == a->events[0]->time_unix_nano - 1234567);
		assert_memory_equal(b->trace_id.data, a->trace_id.data, 16);
	}
	assert_true(st.min_ts == T0 - 1234567);
	protobuf_c_message_free_unpacked(&td->base, NULL);

	/* metrics: point start/time and exemplar times; zero start stays zero */
	MetricsData *mo = make_metrics();

	x.shift_ns = 1000000007;
	pack(mo, &pb);
	st = (struct xform_stats)XFORM_STATS_INIT;
	assert_int_equal(xform_record(OTELSIM_METRICS, (uint8_t *)pb.buf, pb.len, &x, &st, &err),
			 0);
	assert_int_equal(st.items, 6);
	MetricsData *md = (MetricsData *)protobuf_c_message_unpack(
		otlpjson_descriptor(OTELSIM_METRICS), NULL, pb.len, (uint8_t *)pb.buf);
	ScopeMetrics *a = mo->resource_metrics[0]->scope_metrics[0];
	ScopeMetrics *b = md->resource_metrics[0]->scope_metrics[0];

	assert_true(b->metrics[0]->gauge->data_points[1]->time_unix_nano ==
		    a->metrics[0]->gauge->data_points[1]->time_unix_nano + 1000000007);
	assert_true(b->metrics[0]->gauge->data_points[1]->exemplars[0]->time_unix_nano ==
		    a->metrics[0]->gauge->data_points[1]->exemplars[0]->time_unix_nano +
			    1000000007);
	assert_true(b->metrics[1]->sum->data_points[0]->start_time_unix_nano == T0 + 1000000007);
	assert_true(b->metrics[2]->histogram->data_points[0]->exemplars[0]->time_unix_nano ==
		    T0 + 2003 + 1000000007);
	assert_true(b->metrics[3]->exponential_histogram->data_points[0]->time_unix_nano ==
		    T0 + 9 + 1000000007);
	assert_true(b->metrics[3]
			    ->exponential_histogram->data_points[0]
			    ->exemplars[0]
			    ->time_unix_nano == T0 + 3003 + 1000000007);
	assert_true(b->metrics[4]->summary->data_points[0]->start_time_unix_nano == 0);
	assert_true(b->metrics[4]->summary->data_points[0]->time_unix_nano == T0 + 11 + 1000000007);
	protobuf_c_message_free_unpacked(&md->base, NULL);

	/* logs: time and observed time; zero time stays zero */
	LogsData *lo = make_logs(3);

	pack(lo, &pb);
	st = (struct xform_stats)XFORM_STATS_INIT;
	assert_int_equal(xform_record(OTELSIM_LOGS, (uint8_t *)pb.buf, pb.len, &x, &st, &err), 0);
	LogsData *ld = (LogsData *)protobuf_c_message_unpack(otlpjson_descriptor(OTELSIM_LOGS),
							     NULL, pb.len, (uint8_t *)pb.buf);

	for (size_t i = 0; i < 3; i++) {
		LogRecord *o = lo->resource_logs[0]->scope_logs[0]->log_records[i];
		LogRecord *n = ld->resource_logs[0]->scope_logs[0]->log_records[i];

		assert_true(n->time_unix_nano ==
			    (o->time_unix_nano ? o->time_unix_nano + 1000000007 : 0));
		assert_true(n->observed_time_unix_nano == o->observed_time_unix_nano + 1000000007);
	}
	protobuf_c_message_free_unpacked(&ld->base, NULL);
	/* out of range is clamped and counted */
	x.shift_ns = INT64_MIN;
	pack(make_logs(1), &pb);
	st = (struct xform_stats)XFORM_STATS_INIT;
	assert_int_equal(xform_record(OTELSIM_LOGS, (uint8_t *)pb.buf, pb.len, &x, &st, &err), 0);
	assert_int_equal(st.clamped, 2);
	assert_true(st.min_ts == 1);
	strbuf_release(&pb);
}

static bool id_eq(ProtobufCBinaryData a, ProtobufCBinaryData b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static void test_new_ids_consistent(void **state)
{
	struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT, l = STRBUF_INIT, m = STRBUF_INIT;
	struct xform x1 = { false, 0, true, xform_pass_key(42, 0) };
	struct xform x2 = { false, 0, true, xform_pass_key(42, 1) };
	struct xform_stats st = XFORM_STATS_INIT;
	struct otelsim_error err;
	uint8_t zero16[16] = { 0 }, id[16];

	(void)state;
	assert_true(x1.id_key != x2.id_key);
	/* two records of the same traces; links point into the first */
	pack(make_traces(1, 1, 6, 0), &t1);
	pack(make_traces(1, 1, 6, 6), &t2);
	pack(make_logs(6), &l);
	pack(make_metrics(), &m);
	assert_int_equal(xform_record(OTELSIM_TRACES, (uint8_t *)t1.buf, t1.len, &x1, &st, &err),
			 0);
	assert_int_equal(xform_record(OTELSIM_TRACES, (uint8_t *)t2.buf, t2.len, &x1, &st, &err),
			 0);
	assert_int_equal(xform_record(OTELSIM_LOGS, (uint8_t *)l.buf, l.len, &x1, &st, &err), 0);
	assert_int_equal(xform_record(OTELSIM_METRICS, (uint8_t *)m.buf, m.len, &x1, &st, &err), 0);
	TracesData *a = (TracesData *)protobuf_c_message_unpack(otlpjson_descriptor(OTELSIM_TRACES),
								NULL, t1.len, (uint8_t *)t1.buf);
	TracesData *b = (TracesData *)protobuf_c_message_unpack(otlpjson_descriptor(OTELSIM_TRACES),
								NULL, t2.len, (uint8_t *)t2.buf);
	LogsData *ld = (LogsData *)protobuf_c_message_unpack(otlpjson_descriptor(OTELSIM_LOGS),
							     NULL, l.len, (uint8_t *)l.buf);
	MetricsData *md = (MetricsData *)protobuf_c_message_unpack(
		otlpjson_descriptor(OTELSIM_METRICS), NULL, m.len, (uint8_t *)m.buf);
	Span **sa = a->resource_spans[0]->scope_spans[0]->spans;
	Span **sb = b->resource_spans[0]->scope_spans[0]->spans;
	LogRecord **lr = ld->resource_logs[0]->scope_logs[0]->log_records;
	Metric **mm = md->resource_metrics[0]->scope_metrics[0]->metrics;

	for (int k = 0; k < 6; k++) {
		ProtobufCBinaryData old = make_id(5000 + (uint64_t)k, 8);

		/* changed, and the same wherever the old id was */
		assert_false(id_eq(sa[k]->span_id, old));
		assert_true(id_eq(lr[k]->span_id, sa[k]->span_id));
		assert_true(id_eq(lr[k]->trace_id, sa[k]->trace_id));
		if (k % 3)
			assert_true(id_eq(sa[k]->parent_span_id, sa[k - 1]->span_id));
		else
			assert_int_equal(sa[k]->parent_span_id.len, 0);
		assert_true(id_eq(sa[k]->trace_id, sa[k - k % 3]->trace_id));
		assert_memory_not_equal(sa[k]->trace_id.data, zero16, 16);
	}
	assert_false(id_eq(sa[0]->trace_id, sa[3]->trace_id));
	/* links in the second record point at the first record's roots */
	assert_true(id_eq(sb[0]->links[0]->trace_id, sa[3]->trace_id));
	assert_true(id_eq(sb[0]->links[0]->span_id, sa[3]->span_id));
	assert_true(id_eq(sa[3]->links[0]->span_id, sa[0]->span_id));
	/* exemplars */
	assert_true(id_eq(mm[0]->gauge->data_points[1]->exemplars[0]->span_id, sa[1]->span_id));
	assert_true(id_eq(mm[0]->gauge->data_points[1]->exemplars[0]->trace_id, sa[0]->trace_id));
	assert_true(id_eq(mm[3]->exponential_histogram->data_points[0]->exemplars[0]->span_id,
			  sa[3]->span_id));
	/* another pass: different ids again */
	pack(make_traces(1, 1, 6, 0), &t1);
	assert_int_equal(xform_record(OTELSIM_TRACES, (uint8_t *)t1.buf, t1.len, &x2, &st, &err),
			 0);
	TracesData *c = (TracesData *)protobuf_c_message_unpack(otlpjson_descriptor(OTELSIM_TRACES),
								NULL, t1.len, (uint8_t *)t1.buf);

	for (int k = 0; k < 6; k++) {
		assert_false(id_eq(c->resource_spans[0]->scope_spans[0]->spans[k]->span_id,
				   sa[k]->span_id));
		assert_false(id_eq(c->resource_spans[0]->scope_spans[0]->spans[k]->trace_id,
				   sa[k]->trace_id));
	}
	/* zero ids stay zero; the permutation never gives zero */
	memset(id, 0, 16);
	xform_id16(x1.id_key, id);
	assert_memory_equal(id, zero16, 16);
	for (uint64_t v = 1; v < 5000; v++) {
		uint64_t w = v, r;

		xform_id8(v * 0x9e3779b97f4a7c15ULL, (uint8_t *)&w);
		memcpy(&r, &w, 8);
		assert_true(r != 0);
	}
	protobuf_c_message_free_unpacked(&a->base, NULL);
	protobuf_c_message_free_unpacked(&b->base, NULL);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	protobuf_c_message_free_unpacked(&ld->base, NULL);
	protobuf_c_message_free_unpacked(&md->base, NULL);
	strbuf_release(&t1);
	strbuf_release(&t2);
	strbuf_release(&l);
	strbuf_release(&m);
}

/* ---------------- splitting ---------------- */

struct flat {
	size_t n;
	char names[512][16];
	char res[512][16];
	char scope[512][16];
};

static void flatten_traces(const uint8_t *p, size_t len, struct flat *f)
{
	TracesData *td = (TracesData *)protobuf_c_message_unpack(
		otlpjson_descriptor(OTELSIM_TRACES), NULL, len, p);

	assert_non_null(td);
	for (size_t r = 0; r < td->n_resource_spans; r++) {
		ResourceSpans *rs = td->resource_spans[r];

		assert_true(rs->n_scope_spans > 0); /* never an empty resource */
		assert_string_equal(rs->schema_url, "https://opentelemetry.io/schemas/1.26.0");
		for (size_t c = 0; c < rs->n_scope_spans; c++) {
			ScopeSpans *ss = rs->scope_spans[c];

			assert_true(ss->n_spans > 0); /* never an empty scope */
			for (size_t i = 0; i < ss->n_spans; i++) {
				assert_true(f->n < 512);
				snprintf(f->names[f->n], 16, "%s", ss->spans[i]->name);
				snprintf(f->res[f->n], 16, "%s",
					 rs->resource->attributes[0]->value->string_value);
				snprintf(f->scope[f->n], 16, "%s", ss->scope->name);
				f->n++;
			}
		}
	}
	protobuf_c_message_free_unpacked(&td->base, NULL);
}

static void split_all(const struct strbuf *recs, size_t nrec, size_t max_bytes, uint64_t max_items,
		      struct flat *out, size_t *nreq)
{
	struct split_config cfg = { max_bytes, max_items };
	struct splitter *s = split_new(&cfg);
	struct split_request req;
	struct otelsim_error err;
	struct xform_stats st = XFORM_STATS_INIT;
	uint64_t last_rec = 0, last_leaf = 0;

	*nreq = 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i <= nrec; i++) {
		if (i < nrec)
			assert_int_equal(split_add(s, OTELSIM_TRACES, (uint8_t *)recs[i].buf,
						   recs[i].len, i, 0, NULL, &st, &err),
					 0);
		while (i < nrec ? split_ready(s) : split_pending(s) > 0) {
			assert_int_equal(split_peek(s, 0, 0, &req), 0);
			assert_true(req.len <= max_bytes || req.oversize);
			if (max_items)
				assert_true(req.items <= max_items);
			/* positions only move forward */
			assert_true(req.end_record > last_rec ||
				    (req.end_record == last_rec && req.end_leaf > last_leaf));
			last_rec = req.end_record;
			last_leaf = req.end_leaf;
			flatten_traces(req.body, req.len, out);
			split_consume(s, &req);
			(*nreq)++;
		}
	}
	assert_int_equal(last_rec, nrec);
	assert_int_equal(last_leaf, 0);
	split_free(s);
}

static void test_split_by_items_and_bytes(void **state)
{
	struct strbuf recs[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct flat whole, *got = malloc(sizeof(*got));
	size_t nreq, n;

	(void)state;
	pack(make_traces(2, 2, 5, 0), &recs[0]);  /* 20 spans */
	pack(make_traces(1, 1, 1, 20), &recs[1]); /* 1 */
	pack(make_traces(3, 1, 4, 21), &recs[2]); /* 12 */
	memset(&whole, 0, sizeof(whole));
	for (int i = 0; i < 3; i++)
		flatten_traces((uint8_t *)recs[i].buf, recs[i].len, &whole);
	assert_int_equal(whole.n, 33);
	/* unlimited: one request, byte-identical to the records concatenated */
	{
		struct split_config cfg = { 0, 0 };
		struct splitter *s = split_new(&cfg);
		struct split_request req;
		struct xform_stats st = XFORM_STATS_INIT;
		struct strbuf cat = STRBUF_INIT;

		for (int i = 0; i < 3; i++) {
			assert_int_equal(split_add(s, OTELSIM_TRACES, (uint8_t *)recs[i].buf,
						   recs[i].len, (uint64_t)i, 0, NULL, &st, NULL),
					 0);
			strbuf_add(&cat, recs[i].buf, recs[i].len);
		}
		assert_false(split_ready(s));
		assert_int_equal(split_peek(s, 0, 0, &req), 0);
		assert_int_equal(req.items, 33);
		assert_int_equal(req.len, cat.len);
		assert_memory_equal(req.body, cat.buf, cat.len);
		assert_true(req.min_ts == T0);
		split_consume(s, &req);
		assert_int_equal(split_pending(s), 0);
		split_free(s);
		strbuf_release(&cat);
	}
	static const struct {
		size_t bytes;
		uint64_t items;
	} limits[] = {
		{ 0, 1 }, { 0, 3 }, { 0, 7 }, { 1500, 0 }, { 600, 4 }, { 400, 0 }, { 100, 0 }
	};

	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		split_all(recs, 3, limits[k].bytes ? limits[k].bytes : SPLIT_MAX_BYTES_DEFAULT,
			  limits[k].items, got, &nreq);
		assert_int_equal(got->n, whole.n);
		for (n = 0; n < whole.n; n++) {
			assert_string_equal(got->names[n], whole.names[n]);
			assert_string_equal(got->res[n], whole.res[n]);
			assert_string_equal(got->scope[n], whole.scope[n]);
		}
		if (limits[k].items == 1)
			assert_int_equal(nreq, 33);
		if (limits[k].items == 3 && !limits[k].bytes)
			assert_int_equal(nreq, 11); /* requests span records */
	}
	free(got);
	for (int i = 0; i < 3; i++)
		strbuf_release(&recs[i]);
}

static void test_split_metrics_points_and_skip(void **state)
{
	struct strbuf rec = STRBUF_INIT;
	struct split_config cfg = { 0, 1 };
	struct splitter *s = split_new(&cfg);
	struct split_request req;
	struct xform_stats st = XFORM_STATS_INIT;
	struct otelsim_error err;
	uint64_t items = 0, reqs = 0;
	static const char *const want[] = { "m0", "m0", "m1", "m2", "m3", "m4", "m5" };

	(void)state;
	pack(make_metrics(), &rec);
	/* 7 leaves: 6 points and the metric without data; skip the first two */
	assert_int_equal(
		split_add(s, OTELSIM_METRICS, (uint8_t *)rec.buf, rec.len, 0, 2, NULL, &st, &err),
		0);
	assert_int_equal(split_pending(s), 5);
	while (split_pending(s) > 0) {
		assert_int_equal(split_peek(s, 0, 0, &req), 0);
		MetricsData *md = (MetricsData *)protobuf_c_message_unpack(
			otlpjson_descriptor(OTELSIM_METRICS), NULL, req.len, req.body);

		assert_non_null(md);
		assert_int_equal(md->n_resource_metrics, 1);
		assert_int_equal(md->resource_metrics[0]->n_scope_metrics, 1);
		ScopeMetrics *sm = md->resource_metrics[0]->scope_metrics[0];

		/* the metric without data (0 items) rides with the last point */
		assert_int_equal(sm->n_metrics, reqs == 3 ? 2 : 1);
		assert_string_equal(sm->metrics[0]->name, want[2 + reqs]);
		assert_string_equal(sm->metrics[0]->unit, "s");
		if (reqs == 0) {
			assert_int_equal(sm->metrics[0]->sum->aggregation_temporality, 2);
			assert_true(sm->metrics[0]->sum->is_monotonic);
		}
		if (reqs == 3) {
			assert_string_equal(sm->metrics[1]->name, "m5");
			assert_int_equal(sm->metrics[1]->data_case, 0);
		}
		assert_int_equal(req.items, 1);
		items += req.items;
		reqs++;
		assert_int_equal(req.end_record, reqs == 4 ? 1 : 0);
		assert_int_equal(req.end_leaf, reqs == 4 ? 0 : 2 + reqs);
		protobuf_c_message_free_unpacked(&md->base, NULL);
		split_consume(s, &req);
	}
	assert_int_equal(reqs, 4);
	assert_int_equal(items, 4);
	split_free(s);
	strbuf_release(&rec);
}

static void test_split_drops_empty_envelopes(void **state)
{
	struct strbuf rec = STRBUF_INIT;
	struct split_config cfg = { 0, 0 };
	struct splitter *s = split_new(&cfg);
	struct split_request req;
	struct xform_stats st = XFORM_STATS_INIT;
	TracesData *td = make_traces(3, 2, 2, 0);
	struct flat f;

	(void)state;
	td->resource_spans[0]->n_scope_spans = 0;           /* resource with no scopes */
	td->resource_spans[1]->scope_spans[0]->n_spans = 0; /* scope with no spans */
	pack(td, &rec);
	assert_int_equal(
		split_add(s, OTELSIM_TRACES, (uint8_t *)rec.buf, rec.len, 0, 0, NULL, &st, NULL),
		0);
	assert_int_equal(split_peek(s, 0, 0, &req), 0);
	assert_int_equal(req.items, 6);
	memset(&f, 0, sizeof(f));
	flatten_traces(req.body, req.len, &f); /* asserts no empty resource/scope */
	assert_int_equal(f.n, 6);
	split_free(s);
	strbuf_release(&rec);
	/* max_leaves halves a request */
	s = split_new(&cfg);
	pack(make_traces(1, 1, 8, 0), &rec);
	assert_int_equal(
		split_add(s, OTELSIM_TRACES, (uint8_t *)rec.buf, rec.len, 7, 0, NULL, &st, NULL),
		0);
	assert_int_equal(split_peek(s, 3, 0, &req), 0);
	assert_int_equal(req.items, 3);
	assert_int_equal(req.end_record, 7);
	assert_int_equal(req.end_leaf, 3);
	split_free(s);
	strbuf_release(&rec);
}

/* A length-delimited field: tag, one-byte length, payload (len < 128). */
static void put_ld(struct strbuf *o, unsigned field, const void *p, size_t len)
{
	assert_true(len < 128);
	assert_int_equal(strbuf_addch(o, (int)(field << 3 | 2)), 0);
	assert_int_equal(strbuf_addch(o, (int)len), 0);
	assert_int_equal(strbuf_add(o, p, len), 0);
}

/*
 * Envelope fields after the children, between them, repeatedly: the
 * splitter gathers them in a scratch buffer whose growth, at these sizes
 * (64 bytes exactly), once moved it under a pointer still in use (ASan:
 * heap-use-after-free). Every field keeps its place in the output.
 */
static void test_split_scattered_envelopes(void **state)
{
	struct strbuf span = STRBUF_INIT, ss = STRBUF_INIT, ss3 = STRBUF_INIT, rs = STRBUF_INIT;
	struct strbuf rec = STRBUF_INIT, want = STRBUF_INIT, wrs = STRBUF_INIT;
	struct split_config cfg = { 0, 0 };
	struct splitter *s = split_new(&cfg);
	struct split_request req;
	struct xform_stats st = XFORM_STATS_INIT;
	struct otelsim_error err;

	(void)state;
	put_ld(&span, 5, "a", 1);           /* Span{name: "a"} */
	put_ld(&ss, 2, span.buf, span.len); /* ScopeSpans{spans: [span]} */
	/* ScopeSpans{span, schema_url y1, span, schema_url y2}: 12-byte fields */
	put_ld(&ss3, 2, span.buf, span.len);
	put_ld(&ss3, 3, "y1-------1", 10);
	put_ld(&ss3, 2, span.buf, span.len);
	put_ld(&ss3, 3, "y2-------2", 10);
	/* ResourceSpans{ss, x1, ss, x2, ss3, x3}: 10-byte schema_url fields */
	put_ld(&rs, 2, ss.buf, ss.len);
	put_ld(&rs, 3, "x1-----1", 8);
	put_ld(&rs, 2, ss.buf, ss.len);
	put_ld(&rs, 3, "x2-----2", 8);
	put_ld(&rs, 2, ss3.buf, ss3.len);
	put_ld(&rs, 3, "x3-----3", 8);
	put_ld(&rec, 1, rs.buf, rs.len);
	assert_int_equal(
		split_add(s, OTELSIM_TRACES, (uint8_t *)rec.buf, rec.len, 0, 0, NULL, &st, &err),
		0);
	assert_int_equal(split_pending(s), 4);
	assert_int_equal(split_peek(s, 0, 0, &req), 0);
	assert_int_equal(req.items, 4);
	/* children first, in order, then the envelope's own fields, in order */
	strbuf_reset(&ss3);
	put_ld(&ss3, 2, span.buf, span.len);
	put_ld(&ss3, 2, span.buf, span.len);
	put_ld(&ss3, 3, "y1-------1", 10);
	put_ld(&ss3, 3, "y2-------2", 10);
	put_ld(&wrs, 2, ss.buf, ss.len);
	put_ld(&wrs, 2, ss.buf, ss.len);
	put_ld(&wrs, 2, ss3.buf, ss3.len);
	put_ld(&wrs, 3, "x1-----1", 8);
	put_ld(&wrs, 3, "x2-----2", 8);
	put_ld(&wrs, 3, "x3-----3", 8);
	put_ld(&want, 1, wrs.buf, wrs.len);
	assert_int_equal(req.len, want.len);
	assert_memory_equal(req.body, want.buf, want.len);
	split_consume(s, &req);
	assert_int_equal(split_pending(s), 0);
	split_free(s);
	strbuf_release(&span);
	strbuf_release(&ss);
	strbuf_release(&ss3);
	strbuf_release(&rs);
	strbuf_release(&rec);
	strbuf_release(&want);
	strbuf_release(&wrs);
}

static void test_split_time_window(void **state)
{
	struct strbuf rec = STRBUF_INIT;
	struct split_config cfg = { 0, 0 };
	struct splitter *s = split_new(&cfg);
	struct split_request req;
	struct xform_stats st = XFORM_STATS_INIT;
	uint64_t n = 0;

	(void)state;
	/* spans start 1000 ns apart: a 2500 ns window holds 3 of them */
	pack(make_traces(1, 1, 9, 0), &rec);
	assert_int_equal(
		split_add(s, OTELSIM_TRACES, (uint8_t *)rec.buf, rec.len, 0, 0, NULL, &st, NULL),
		0);
	while (split_pending(s) > 0) {
		assert_int_equal(split_peek(s, 0, 2500, &req), 0);
		assert_int_equal(req.items, 3);
		assert_true(req.min_ts == T0 + n * 1000);
		n += req.items;
		split_consume(s, &req);
	}
	assert_int_equal(n, 9);
	split_free(s);
	strbuf_release(&rec);
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static int cmp8(const void *a, const void *b)
{
	return memcmp(a, b, 8);
}

static void test_id_permutation_injective(void **state)
{
	enum { N = 50000 };
	uint8_t(*t)[16] = malloc(N * 16);
	uint8_t(*sp)[8] = malloc(N * 8);
	uint64_t key = xform_pass_key(7, 0);

	(void)state;
	assert_true(xform_pass_key(7, 0) != xform_pass_key(7, 1));
	assert_true(xform_pass_key(7, 0) != xform_pass_key(8, 0));
	/* sequential ids (the worst case for a weak mix) stay distinct and non-zero */
	for (uint64_t i = 0; i < N; i++) {
		uint64_t v = i + 1;

		memset(t[i], 0, 16);
		memcpy(t[i] + 8, &v, 8);
		xform_id16(key, t[i]);
		memcpy(sp[i], &v, 8);
		xform_id8(key, sp[i]);
	}
	qsort(t, N, 16, cmp16);
	qsort(sp, N, 8, cmp8);
	static const uint8_t zero[16];

	assert_memory_not_equal(t[0], zero, 16);
	assert_memory_not_equal(sp[0], zero, 8);
	for (size_t i = 1; i < N; i++) {
		assert_memory_not_equal(t[i - 1], t[i], 16);
		assert_memory_not_equal(sp[i - 1], sp[i], 8);
	}
	free(t);
	free(sp);
}

static void test_manifest(void **state)
{
	struct manifest m;
	struct otelsim_error err;
	bool found;
	char dir[600], path[700];

	(void)state;
	snprintf(dir, sizeof(dir), "%s", tmp_path("mds"));
	mkdir(dir, 0755);
	assert_int_equal(manifest_load(dir, &m, &found, &err), 0);
	assert_false(found);
	snprintf(path, sizeof(path), "%s/traces.binpb", dir);
	write_file(path, "abc", 3);
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	static const char text[] =
		"{\"tool\":\"otelsim\",\"files\":[{\"name\":\"traces.binpb\",\"signal\":\"traces\","
		"\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}],"
		"\"replay\":{\"endpoint\":\"http://localhost:4318\",\"protocol\":\"http/protobuf\","
		"\"batch_size\":512}}";
	write_file(path, text, strlen(text));
	assert_int_equal(manifest_load(dir, &m, &found, &err), 0);
	assert_true(found);
	assert_string_equal(m.endpoint, "http://localhost:4318");
	assert_string_equal(m.protocol, "http/protobuf");
	assert_int_equal(m.batch_size, 512);
	assert_int_equal(m.nfiles, 1);
	snprintf(path, sizeof(path), "%s/traces.binpb", dir);
	assert_non_null(manifest_find(&m, path));
	assert_int_equal(manifest_verify(&m, &err), 0);
	write_file(path, "abd", 3);
	assert_int_equal(manifest_verify(&m, &err), OTELSIM_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.message, "SHA-256 differs"));
	manifest_release(&m);
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	write_file(path, "{\"replay\":{\"batch_size\":\"x\"}}", 29);
	assert_int_equal(manifest_load(dir, &m, &found, &err), OTELSIM_EINPUT);
	assert_string_equal(err.file, path);
}

/* ---------------- otelsim's own encoders, cross-checked ---------------- */

struct rendered {
	struct strbuf pb, js;
	size_t npb, njs;
	int mode;       /* 0: protobuf records, 1: JSON lines */
	int sig[4096];  /* each protobuf record's signal (traces and derived metrics) */
};

static int collect_record(void *ctx, int signal, const void *bytes, size_t len)
{
	struct rendered *r = ctx;

	(void)signal;
	if (r->mode == 0) {
		if (r->npb < 4096)
			r->sig[r->npb] = signal;
		r->npb++;
		return strbuf_add(&r->pb, bytes, len);
	}
	r->njs++;
	return strbuf_add(&r->js, bytes, len);
}

static void test_otelsim_json_encoder_agrees(void **state)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	static struct rendered r = { STRBUF_INIT, STRBUF_INIT, 0, 0, 0, { 0 } };
	struct strbuf conv = STRBUF_INIT;
	struct otelsim_error err;
	struct otelsim *os;
	const char *line;
	size_t off = 0;

	(void)state;
	lo.root = ".";
	if (otelsim_load(&lo, &os, &err))
		fail_msg("load: %s", err.message);
	ro.scenario = "checkout_flow";
	ro.count_set = true;
	ro.count = 7;
	ro.format = OTELSIM_FORMAT_OTLP;
	assert_int_equal(otelsim_render(os, &ro, collect_record, &r, NULL, &err), 0);
	r.mode = 1;
	ro.format = OTELSIM_FORMAT_OTLP_JSON;
	assert_int_equal(otelsim_render(os, &ro, collect_record, &r, NULL, &err), 0);
	otelsim_free(os);
	assert_true(r.npb > 0);
	assert_int_equal(r.npb, r.njs);
	line = r.js.buf;
	for (size_t i = 0; i < r.npb; i++) {
		const uint8_t *p = (const uint8_t *)r.pb.buf + off;
		size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		const char *nl = strchr(line, '\n');

		assert_non_null(nl);
		/* our JSON of otelsim's protobuf is otelsim's JSON, byte for byte */
		strbuf_reset(&conv);
		assert_int_equal(otlpjson_from_protobuf(otlpjson_descriptor(r.sig[i]), p + 4,
							len, &conv, &err),
				 0);
		assert_int_equal(conv.len, (size_t)(nl - line));
		assert_memory_equal(conv.buf, line, conv.len);
		/* and otelsim's JSON read back is otelsim's protobuf */
		strbuf_reset(&conv);
		assert_int_equal(otlpjson_to_protobuf(otlpjson_descriptor(r.sig[i]), line,
						      (size_t)(nl - line), &conv, &err),
				 0);
		assert_int_equal(conv.len, len);
		assert_memory_equal(conv.buf, p + 4, len);
		off += 4 + len;
		line = nl + 1;
	}
	assert_int_equal(off, r.pb.len);
	strbuf_release(&r.pb);
	strbuf_release(&r.js);
	strbuf_release(&conv);
}

/* ---------------- expansion ---------------- */

static void test_expand_dirs(void **state)
{
	char **paths = NULL;
	size_t n = 0;
	const char *args[2];
	struct otelsim_error err;
	char d[600], sub[700];

	(void)state;
	snprintf(d, sizeof(d), "%s", tmp_path("ds"));
	mkdir(d, 0755);
	snprintf(sub, sizeof(sub), "%s/b", d);
	mkdir(sub, 0755);
	static const char *const files[] = { "traces.binpb", "metrics.jsonl.gz", "manifest.json",
					     "notes.txt",    ".hidden.binpb",    "b/logs.pb.zst",
					     "a.json" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[800];

		snprintf(p, sizeof(p), "%s/%s", d, files[i]);
		/* the others are empty: telemetry with no record (said when replayed) */
		if (!strcmp(files[i], "notes.txt"))
			write_file(p, "some notes\n", 11);
		else
			write_file(p, "", 0);
	}
	/* links back to a folder being walked are loops: not followed */
	{
		char l1[800], l2[800];

		snprintf(l1, sizeof(l1), "%s/loop", d);
		snprintf(l2, sizeof(l2), "%s/b/up", d);
		assert_int_equal(symlink(".", l1), 0);
		assert_int_equal(symlink("..", l2), 0);
	}
	args[0] = d;
	args[1] = "-";
	{
		struct dir_list skipped = { 0 };

		assert_int_equal(read_expand(args, 2, &paths, &n, &skipped, &err), 0);
		assert_int_equal(skipped.n, 1); /* by content: not telemetry */
		assert_non_null(strstr(skipped.v[0], "/ds/notes.txt: not OTLP telemetry (not an "
							"OTLP file: no framing fits"));
		dir_list_release(&skipped);
	}
	assert_int_equal(n, 5);
	assert_non_null(strstr(paths[0], "/ds/a.json"));
	assert_non_null(strstr(paths[1], "/ds/b/logs.pb.zst"));
	assert_non_null(strstr(paths[2], "/ds/metrics.jsonl.gz"));
	assert_non_null(strstr(paths[3], "/ds/traces.binpb"));
	assert_string_equal(paths[4], "-");
	read_paths_free(paths, n);
	args[0] = tmp_path("nope");
	assert_int_equal(read_expand(args, 1, &paths, &n, NULL, &err), OTELSIM_EINPUT);
	assert_non_null(strstr(err.message, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_framings_and_compressions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_from_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collector_file_exporter_matrix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_otlp_and_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_strict_and_lenient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_roundtrips_every_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_bytes_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_errors_have_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_files_through_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_shift_keeps_intervals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_ids_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_by_items_and_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_metrics_points_and_skip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_drops_empty_envelopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_scattered_envelopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_time_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_permutation_injective, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_otelsim_json_encoder_agrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_dirs, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (tmpdir[0]) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
