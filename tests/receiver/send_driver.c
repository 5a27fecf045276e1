/*
 * send_driver - posts generated OTLP requests through net/sender.c, for the
 * replay tests (tests/receiver/run.sh). Endpoint settings come from the
 * flags below and the real environment (OTEL_EXPORTER_OTLP_*), through
 * net/endpoint.c, exactly as otlp-replay resolves them.
 *
 *   send_driver [--endpoint URL] [--traces-endpoint URL] [--metrics-endpoint URL]
 *               [--logs-endpoint URL] [--protocol P] [--header 'K: V']...
 *               [--compression gzip|none] [--timeout-ms N] [--cacert F] [--cert F]
 *               [--key F] [--insecure] [--signal traces|metrics|logs|events]
 *               [--items N] [--requests K] [--concurrency C] [--seed S]
 *               [--retry-initial-ms N] [--retry-max-interval-ms N]
 *               [--retry-max-elapsed-ms N] [--max-response-bytes N] [--body FILE]
 *
 * Each request holds --items spans, data points (gauge, sum, histogram,
 * exponential histogram, summary in turn) or log records with ids from a
 * seeded stream; the body is protobuf, or OTLP/JSON when the protocol is
 * http/json. It prints one line per finished request, then
 *
 *   summary requests=K ok=.. partial=.. failed=.. items=.. accepted=..
 *           rejected=.. retries=.. http_status=.. grpc_status=.. curl_code=..
 *           bytes=.. elapsed_ms=.. wall_ms=.. ids_sha256=..
 *   message <the last non-empty message>
 *
 * elapsed_ms is the last request's, wall_ms the whole run's.
 * ids_sha256 is the SHA-256 of the sorted hex span ids sent (spans, or log
 * records' span ids), "\n"-joined, as the receiver's /stats computes it.
 * Exit status: 0 when no request failed, 1 when one did, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/endpoint.h"
#include "net/sender.h"
#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "util/arena.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"

#define T0 1767225600000000000ULL /* 2026-01-01T00:00:00Z */

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;

struct totals {
	unsigned requests, ok, partial, failed;
	uint64_t items, accepted;
	int64_t rejected;
	uint64_t retries, bytes;
	struct send_result last;
	char message[512];
};

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct totals *t = ctx;
	static const char *const names[] = { "ok", "partial", "failed" };

	t->requests++;
	t->items += r->items;
	t->retries += r->retries;
	t->bytes += r->bytes;
	if (r->outcome == SEND_OK) {
		t->ok++;
		t->accepted += r->items;
	} else if (r->outcome == SEND_PARTIAL) {
		t->partial++;
		t->rejected += r->rejected;
		t->accepted += r->items - (uint64_t)r->rejected;
	} else {
		t->failed++;
	}
	t->last = *r;
	if (r->message[0])
		snprintf(t->message, sizeof(t->message), "%s", r->message);
	printf("request %lu outcome=%s http_status=%d grpc_status=%d curl_code=%d retries=%u "
	       "rejected=%lld elapsed_ms=%lld message=%s\n",
	       (unsigned long)(uintptr_t)tag, names[r->outcome], r->http_status, r->grpc_status,
	       r->curl_code, r->retries, (long long)r->rejected, (long long)r->elapsed_ms,
	       r->message);
	fflush(stdout);
}

/* ---- generated requests ---- */

struct gen {
	struct arena *a;
	struct rng rng;
	uint64_t request;
	char **ids; /* hex span ids sent, for the digest */
	size_t nids, capids;
};

static ProtobufCBinaryData new_id(struct gen *g, size_t n)
{
	ProtobufCBinaryData b;
	uint8_t *p = arena_alloc(g->a, n);

	do
		rng_bytes(&g->rng, p, n);
	while (p[0] == 0); /* never all zero */
	b.data = p;
	b.len = n;
	return b;
}

static void keep_id(struct gen *g, ProtobufCBinaryData id)
{
	char *hex = malloc(2 * id.len + 1);

	if (!hex)
		exit(1);
	hex_encode(id.data, id.len, hex);
	hex[2 * id.len] = '\0';
	if (g->nids == g->capids) {
		g->capids = g->capids ? 2 * g->capids : 256;
		g->ids = realloc(g->ids, g->capids * sizeof(*g->ids));
		if (!g->ids)
			exit(1);
	}
	g->ids[g->nids++] = hex;
}

static Resource *resource(struct gen *g)
{
	Resource *r = ARENA_NEW(g->a, Resource);
	KeyValue *kv = ARENA_NEW(g->a, KeyValue), **kvs = ARENA_NEWN(g->a, KeyValue *, 1);
	AnyValue *v = ARENA_NEW(g->a, AnyValue);

	*r = (Resource)OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT;
	*kv = (KeyValue)OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT;
	*v = (AnyValue)OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
	v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
	v->string_value = "send-driver";
	kv->key = "service.name";
	kv->value = v;
	kvs[0] = kv;
	r->n_attributes = 1;
	r->attributes = kvs;
	return r;
}

static Scope *scope(struct gen *g)
{
	Scope *s = ARENA_NEW(g->a, Scope);

	*s = (Scope)OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT;
	s->name = "send_driver";
	return s;
}

static void pack(const ProtobufCMessage *m, struct strbuf *out)
{
	size_t n = protobuf_c_message_get_packed_size(m);

	if (strbuf_grow(out, n))
		exit(1);
	protobuf_c_message_pack(m, (uint8_t *)out->buf + out->len);
	out->len += n;
}

static void hex_json(struct strbuf *out, const char *key, ProtobufCBinaryData id)
{
	char hex[33];

	hex_encode(id.data, id.len, hex);
	strbuf_addf(out, "\"%s\":\"%.*s\"", key, (int)(2 * id.len), hex);
}

static void build_traces(struct gen *g, uint64_t n, bool json, struct strbuf *out)
{
	Opentelemetry__Proto__Trace__V1__TracesData td =
		OPENTELEMETRY__PROTO__TRACE__V1__TRACES_DATA__INIT;
	Opentelemetry__Proto__Trace__V1__ResourceSpans
		rs = OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT,
		*rsp = &rs;
	Opentelemetry__Proto__Trace__V1__ScopeSpans
		ss = OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT,
		*ssp = &ss;
	Opentelemetry__Proto__Trace__V1__Span **spans = ARENA_NEWN(
		g->a, Opentelemetry__Proto__Trace__V1__Span *, n);
	ProtobufCBinaryData trace = new_id(g, 16);

	for (uint64_t i = 0; i < n; i++) {
		Opentelemetry__Proto__Trace__V1__Span *s = ARENA_NEW(
			g->a, Opentelemetry__Proto__Trace__V1__Span);

		*s = (Opentelemetry__Proto__Trace__V1__Span)
			OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT;
		if (i % 8 == 0 && i)
			trace = new_id(g, 16);
		s->trace_id = trace;
		s->span_id = new_id(g, 8);
		s->name = arena_printf(g->a, "op-%llu", (unsigned long long)i);
		s->kind = OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER;
		s->start_time_unix_nano = T0 + i * 1000;
		s->end_time_unix_nano = T0 + i * 1000 + 500;
		spans[i] = s;
		keep_id(g, s->span_id);
	}
	if (json) {
		strbuf_addstr(out,
			      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":"
			      "\"service.name\",\"value\":{\"stringValue\":\"send-driver\"}}]},"
			      "\"scopeSpans\":[{\"scope\":{\"name\":\"send_driver\"},\"spans\":[");
		for (uint64_t i = 0; i < n; i++) {
			strbuf_addstr(out, i ? ",{" : "{");
			hex_json(out, "traceId", spans[i]->trace_id);
			strbuf_addch(out, ',');
			hex_json(out, "spanId", spans[i]->span_id);
			strbuf_addf(out,
				    ",\"name\":\"%s\",\"kind\":2,\"startTimeUnixNano\":\"%llu\","
				    "\"endTimeUnixNano\":\"%llu\"}",
				    spans[i]->name,
				    (unsigned long long)spans[i]->start_time_unix_nano,
				    (unsigned long long)spans[i]->end_time_unix_nano);
		}
		strbuf_addstr(out, "]}]}]}");
		return;
	}
	ss.scope = scope(g);
	ss.n_spans = n;
	ss.spans = spans;
	rs.resource = resource(g);
	rs.n_scope_spans = 1;
	rs.scope_spans = &ssp;
	td.n_resource_spans = 1;
	td.resource_spans = &rsp;
	pack(&td.base, out);
}

static void build_logs(struct gen *g, uint64_t n, bool json, struct strbuf *out)
{
	Opentelemetry__Proto__Logs__V1__LogsData ld =
		OPENTELEMETRY__PROTO__LOGS__V1__LOGS_DATA__INIT;
	Opentelemetry__Proto__Logs__V1__ResourceLogs
		rl = OPENTELEMETRY__PROTO__LOGS__V1__RESOURCE_LOGS__INIT,
		*rlp = &rl;
	Opentelemetry__Proto__Logs__V1__ScopeLogs
		sl = OPENTELEMETRY__PROTO__LOGS__V1__SCOPE_LOGS__INIT,
		*slp = &sl;
	Opentelemetry__Proto__Logs__V1__LogRecord **recs = ARENA_NEWN(
		g->a, Opentelemetry__Proto__Logs__V1__LogRecord *, n);

	for (uint64_t i = 0; i < n; i++) {
		Opentelemetry__Proto__Logs__V1__LogRecord *r = ARENA_NEW(
			g->a, Opentelemetry__Proto__Logs__V1__LogRecord);
		AnyValue *body = ARENA_NEW(g->a, AnyValue);

		*r = (Opentelemetry__Proto__Logs__V1__LogRecord)
			OPENTELEMETRY__PROTO__LOGS__V1__LOG_RECORD__INIT;
		*body = (AnyValue)OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
		body->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
		body->string_value = arena_printf(g->a, "log line %llu", (unsigned long long)i);
		r->time_unix_nano = T0 + i;
		r->severity_number =
			OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_INFO;
		r->severity_text = "INFO";
		r->body = body;
		r->trace_id = new_id(g, 16);
		r->span_id = new_id(g, 8);
		recs[i] = r;
		keep_id(g, r->span_id);
	}
	if (json) {
		strbuf_addstr(out,
			      "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":"
			      "\"service.name\",\"value\":{\"stringValue\":\"send-driver\"}}]},"
			      "\"scopeLogs\":[{\"scope\":{\"name\":\"send_driver\"},"
			      "\"logRecords\":[");
		for (uint64_t i = 0; i < n; i++) {
			strbuf_addf(out,
				    "%s{\"timeUnixNano\":\"%llu\",\"severityNumber\":9,"
				    "\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"%s\"},",
				    i ? "," : "", (unsigned long long)recs[i]->time_unix_nano,
				    recs[i]->body->string_value);
			hex_json(out, "traceId", recs[i]->trace_id);
			strbuf_addch(out, ',');
			hex_json(out, "spanId", recs[i]->span_id);
			strbuf_addch(out, '}');
		}
		strbuf_addstr(out, "]}]}]}");
		return;
	}
	sl.scope = scope(g);
	sl.n_log_records = n;
	sl.log_records = recs;
	rl.resource = resource(g);
	rl.n_scope_logs = 1;
	rl.scope_logs = &slp;
	ld.n_resource_logs = 1;
	ld.resource_logs = &rlp;
	pack(&ld.base, out);
}

/* n data points: gauge, sum, histogram, exponential histogram, summary in turn */
static void build_metrics(struct gen *g, uint64_t n, bool json, struct strbuf *out)
{
	static const char *const names[5] = { "gauge", "sum", "histogram", "exponential_histogram",
					      "summary" };
	static const char *const json_keys[5] = { "gauge", "sum", "histogram",
						  "exponentialHistogram", "summary" };
	Opentelemetry__Proto__Metrics__V1__MetricsData md =
		OPENTELEMETRY__PROTO__METRICS__V1__METRICS_DATA__INIT;
	Opentelemetry__Proto__Metrics__V1__ResourceMetrics
		rm = OPENTELEMETRY__PROTO__METRICS__V1__RESOURCE_METRICS__INIT,
		*rmp = &rm;
	Opentelemetry__Proto__Metrics__V1__ScopeMetrics
		sm = OPENTELEMETRY__PROTO__METRICS__V1__SCOPE_METRICS__INIT,
		*smp = &sm;
	Opentelemetry__Proto__Metrics__V1__Metric *m[5], *mp[5];
	uint64_t per[5];
	size_t nm = 0;

	for (int k = 0; k < 5; k++)
		per[k] = n / 5 + ((uint64_t)k < n % 5);
	if (json) {
		bool first = true;

		strbuf_addstr(out,
			      "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":"
			      "\"service.name\",\"value\":{\"stringValue\":\"send-driver\"}}]},"
			      "\"scopeMetrics\":[{\"scope\":{\"name\":\"send_driver\"},"
			      "\"metrics\":[");
		for (int k = 0; k < 5; k++) {
			if (!per[k])
				continue;
			strbuf_addf(out, "%s{\"name\":\"driver.%s\",\"%s\":{%s\"dataPoints\":[",
				    first ? "" : ",", names[k], json_keys[k],
				    k == 1 ? "\"aggregationTemporality\":2,\"isMonotonic\":true,"
					   : "");
			first = false;
			for (uint64_t i = 0; i < per[k]; i++)
				strbuf_addf(out, "%s{\"timeUnixNano\":\"%llu\",%s}", i ? "," : "",
					    (unsigned long long)(T0 + i),
					    k < 2 ? "\"asInt\":\"7\"" : "\"count\":\"3\"");
			strbuf_addstr(out, "]}}");
		}
		strbuf_addstr(out, "]}]}]}");
		return;
	}
	for (int k = 0; k < 5; k++) {
		if (!per[k])
			continue;
		m[k] = ARENA_NEW(g->a, Opentelemetry__Proto__Metrics__V1__Metric);
		*m[k] = (Opentelemetry__Proto__Metrics__V1__Metric)
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__INIT;
		m[k]->name = arena_printf(g->a, "driver.%s", names[k]);
		mp[nm++] = m[k];
		if (k < 2) {
			Opentelemetry__Proto__Metrics__V1__NumberDataPoint **pts = ARENA_NEWN(
				g->a, Opentelemetry__Proto__Metrics__V1__NumberDataPoint *, per[k]);

			for (uint64_t i = 0; i < per[k]; i++) {
				pts[i] = ARENA_NEW(
					g->a, Opentelemetry__Proto__Metrics__V1__NumberDataPoint);
				*pts[i] = (Opentelemetry__Proto__Metrics__V1__NumberDataPoint)
					OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__INIT;
				pts[i]->time_unix_nano = T0 + i;
				pts[i]->value_case =
					OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
				pts[i]->as_int = 7;
			}
			if (k == 0) {
				Opentelemetry__Proto__Metrics__V1__Gauge *ga = ARENA_NEW(
					g->a, Opentelemetry__Proto__Metrics__V1__Gauge);

				*ga = (Opentelemetry__Proto__Metrics__V1__Gauge)
					OPENTELEMETRY__PROTO__METRICS__V1__GAUGE__INIT;
				ga->n_data_points = per[k];
				ga->data_points = pts;
				m[k]->data_case =
					OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
				m[k]->gauge = ga;
			} else {
				Opentelemetry__Proto__Metrics__V1__Sum *su = ARENA_NEW(
					g->a, Opentelemetry__Proto__Metrics__V1__Sum);

				*su = (Opentelemetry__Proto__Metrics__V1__Sum)
					OPENTELEMETRY__PROTO__METRICS__V1__SUM__INIT;
				su->n_data_points = per[k];
				su->data_points = pts;
				su->aggregation_temporality =
					OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
				su->is_monotonic = 1;
				m[k]->data_case =
					OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
				m[k]->sum = su;
			}
		} else if (k == 2) {
			Opentelemetry__Proto__Metrics__V1__Histogram *h = ARENA_NEW(
				g->a, Opentelemetry__Proto__Metrics__V1__Histogram);
			Opentelemetry__Proto__Metrics__V1__HistogramDataPoint **pts = ARENA_NEWN(
				g->a, Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *,
				per[k]);

			*h = (Opentelemetry__Proto__Metrics__V1__Histogram)
				OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM__INIT;
			for (uint64_t i = 0; i < per[k]; i++) {
				pts[i] = ARENA_NEW(
					g->a,
					Opentelemetry__Proto__Metrics__V1__HistogramDataPoint);
				*pts[i] = (Opentelemetry__Proto__Metrics__V1__HistogramDataPoint)
					OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__INIT;
				pts[i]->time_unix_nano = T0 + i;
				pts[i]->count = 3;
			}
			h->n_data_points = per[k];
			h->data_points = pts;
			m[k]->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
			m[k]->histogram = h;
		} else if (k == 3) {
			Opentelemetry__Proto__Metrics__V1__ExponentialHistogram *h = ARENA_NEW(
				g->a, Opentelemetry__Proto__Metrics__V1__ExponentialHistogram);
			Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint **pts =
				ARENA_NEWN(
					g->a,
					Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint
						*,
					per[k]);

			*h = (Opentelemetry__Proto__Metrics__V1__ExponentialHistogram)
				OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM__INIT;
			for (uint64_t i = 0; i < per[k]; i++) {
				pts[i] = ARENA_NEW(
					g->a,
					Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint);
				*pts[i] = (Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint)
					OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__INIT;
				pts[i]->time_unix_nano = T0 + i;
				pts[i]->count = 3;
			}
			h->n_data_points = per[k];
			h->data_points = pts;
			m[k]->data_case =
				OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM;
			m[k]->exponential_histogram = h;
		} else {
			Opentelemetry__Proto__Metrics__V1__Summary *su = ARENA_NEW(
				g->a, Opentelemetry__Proto__Metrics__V1__Summary);
			Opentelemetry__Proto__Metrics__V1__SummaryDataPoint **pts = ARENA_NEWN(
				g->a, Opentelemetry__Proto__Metrics__V1__SummaryDataPoint *,
				per[k]);

			*su = (Opentelemetry__Proto__Metrics__V1__Summary)
				OPENTELEMETRY__PROTO__METRICS__V1__SUMMARY__INIT;
			for (uint64_t i = 0; i < per[k]; i++) {
				pts[i] = ARENA_NEW(
					g->a, Opentelemetry__Proto__Metrics__V1__SummaryDataPoint);
				*pts[i] = (Opentelemetry__Proto__Metrics__V1__SummaryDataPoint)
					OPENTELEMETRY__PROTO__METRICS__V1__SUMMARY_DATA_POINT__INIT;
				pts[i]->time_unix_nano = T0 + i;
				pts[i]->count = 3;
			}
			su->n_data_points = per[k];
			su->data_points = pts;
			m[k]->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY;
			m[k]->summary = su;
		}
	}
	sm.scope = scope(g);
	sm.n_metrics = nm;
	sm.metrics = mp;
	rm.resource = resource(g);
	rm.n_scope_metrics = 1;
	rm.scope_metrics = &smp;
	md.n_resource_metrics = 1;
	md.resource_metrics = &rmp;
	pack(&md.base, out);
}

/* ---- main ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int usage(const char *msg)
{
	fprintf(stderr, "send_driver: %s\n", msg);
	return 2;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!*s || *end)
		return -1;
	*out = v;
	return 0;
}

static int read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct endpoint_flags fl = { 0 };
	static const char *headers[64];
	const char *signal_arg = "traces", *body_file = NULL;
	int64_t items = 10, requests = 1, concurrency = 1, seed = 1;
	int64_t retry_initial = -1, retry_max_interval = -1, retry_max_elapsed = -1;
	int64_t max_response = 0;
	struct sender_config cfg;
	struct otelsim_error err = { 0 };
	struct arena cfg_arena, a;
	struct sender *s = NULL;
	struct totals tot;
	struct gen g;
	struct strbuf body = STRBUF_INIT;
	struct sha256 h;
	char hex[65], msg[1200];
	int signal, rc = 0;
	int64_t start_ns, wall_ms;
	bool json;

	memset(&tot, 0, sizeof(tot));
	memset(&g, 0, sizeof(g));
	fl.headers = headers;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t *num = NULL;

		if (strcmp(o, "--insecure") == 0) {
			fl.insecure = true;
			continue;
		}
		if (!v)
			return usage("missing value after an option");
		i++;
		if (strcmp(o, "--endpoint") == 0)
			fl.endpoint = v;
		else if (strcmp(o, "--traces-endpoint") == 0)
			fl.signal_endpoint[0] = v;
		else if (strcmp(o, "--metrics-endpoint") == 0)
			fl.signal_endpoint[1] = v;
		else if (strcmp(o, "--logs-endpoint") == 0)
			fl.signal_endpoint[2] = v;
		else if (strcmp(o, "--protocol") == 0)
			fl.protocol = v;
		else if (strcmp(o, "--header") == 0 && fl.nheaders < 64)
			headers[fl.nheaders++] = v;
		else if (strcmp(o, "--compression") == 0)
			fl.compression = v;
		else if (strcmp(o, "--timeout-ms") == 0)
			num = &fl.timeout_ms;
		else if (strcmp(o, "--cacert") == 0)
			fl.cacert = v;
		else if (strcmp(o, "--cert") == 0)
			fl.cert = v;
		else if (strcmp(o, "--key") == 0)
			fl.key = v;
		else if (strcmp(o, "--signal") == 0)
			signal_arg = v;
		else if (strcmp(o, "--body") == 0)
			body_file = v;
		else if (strcmp(o, "--items") == 0)
			num = &items;
		else if (strcmp(o, "--requests") == 0)
			num = &requests;
		else if (strcmp(o, "--concurrency") == 0)
			num = &concurrency;
		else if (strcmp(o, "--seed") == 0)
			num = &seed;
		else if (strcmp(o, "--retry-initial-ms") == 0)
			num = &retry_initial;
		else if (strcmp(o, "--retry-max-interval-ms") == 0)
			num = &retry_max_interval;
		else if (strcmp(o, "--retry-max-elapsed-ms") == 0)
			num = &retry_max_elapsed;
		else if (strcmp(o, "--max-response-bytes") == 0)
			num = &max_response;
		else
			return usage("unknown option");
		if (num && parse_i64(v, num))
			return usage("bad number");
	}
	if (strcmp(signal_arg, "traces") == 0)
		signal = OTELSIM_TRACES;
	else if (strcmp(signal_arg, "metrics") == 0)
		signal = OTELSIM_METRICS;
	else if (strcmp(signal_arg, "logs") == 0)
		signal = OTELSIM_LOGS;
	else if (strcmp(signal_arg, "events") == 0)
		signal = OTELSIM_EVENTS;
	else
		return usage("unknown --signal");

	arena_init(&cfg_arena, 4096);
	arena_init(&a, 1 << 16);
	if (endpoint_resolve(&fl, NULL, NULL, &cfg_arena, &cfg, &err)) {
		fprintf(stderr, "send_driver: %s\n", otelsim_error_format(&err, msg, sizeof(msg)));
		arena_release(&cfg_arena);
		arena_release(&a);
		return 2;
	}
	cfg.concurrency = (unsigned)concurrency;
	cfg.jitter_seed = (uint64_t)seed;
	if (retry_initial >= 0)
		cfg.retry_initial_ms = retry_initial;
	if (retry_max_interval >= 0)
		cfg.retry_max_interval_ms = retry_max_interval;
	if (retry_max_elapsed >= 0)
		cfg.retry_max_elapsed_ms = retry_max_elapsed;
	if (max_response > 0)
		cfg.max_response_bytes = (size_t)max_response;
	json = cfg.target[signal == OTELSIM_EVENTS ? OTELSIM_LOGS : signal].protocol ==
	       SENDER_HTTP_JSON;
	if (sender_new(&cfg, on_done, &tot, &s, &err)) {
		fprintf(stderr, "send_driver: %s\n", otelsim_error_format(&err, msg, sizeof(msg)));
		arena_release(&cfg_arena);
		arena_release(&a);
		return 2;
	}
	g.a = &a;
	start_ns = time_mono_ns();
	for (int64_t r = 0; r < requests; r++) {
		struct send_req req;

		arena_reset(&a);
		strbuf_reset(&body);
		rng_seed(&g.rng, (uint64_t)seed, rng_hash("send_driver", 11), (uint64_t)r);
		if (body_file) {
			if (read_file(body_file, &body)) {
				rc = usage("cannot read --body");
				break;
			}
		} else if (signal == OTELSIM_TRACES) {
			build_traces(&g, (uint64_t)items, json, &body);
		} else if (signal == OTELSIM_METRICS) {
			build_metrics(&g, (uint64_t)items, json, &body);
		} else {
			build_logs(&g, (uint64_t)items, json, &body);
		}
		memset(&req, 0, sizeof(req));
		req.signal = signal;
		req.body = body.buf;
		req.len = body.len;
		req.json = json;
		req.items = (uint64_t)items;
		req.tag = (void *)(uintptr_t)(r + 1);
		if (sender_submit(s, &req, &err)) {
			fprintf(stderr, "send_driver: %s\n",
				otelsim_error_format(&err, msg, sizeof(msg)));
			rc = 2;
			break;
		}
	}
	sender_drain(s, &err);
	sender_free(s);
	wall_ms = (time_mono_ns() - start_ns) / 1000000;

	if (g.nids)
		qsort(g.ids, g.nids, sizeof(*g.ids), cmp_str);
	if (sha256_init(&h))
		return 1;
	for (size_t i = 0; i < g.nids; i++) {
		if (i)
			sha256_update(&h, "\n", 1);
		sha256_update(&h, g.ids[i], strlen(g.ids[i]));
		free(g.ids[i]);
	}
	sha256_final_hex(&h, hex);
	free(g.ids);
	printf("summary requests=%u ok=%u partial=%u failed=%u items=%llu accepted=%llu "
	       "rejected=%lld retries=%llu http_status=%d grpc_status=%d curl_code=%d bytes=%llu "
	       "elapsed_ms=%lld wall_ms=%lld gave_up=%d ids_sha256=%s\n",
	       tot.requests, tot.ok, tot.partial, tot.failed, (unsigned long long)tot.items,
	       (unsigned long long)tot.accepted, (long long)tot.rejected,
	       (unsigned long long)tot.retries, tot.last.http_status, tot.last.grpc_status,
	       tot.last.curl_code, (unsigned long long)tot.bytes, (long long)tot.last.elapsed_ms,
	       (long long)wall_ms, tot.last.gave_up ? 1 : 0, hex);
	printf("message %s\n", tot.message);
	strbuf_release(&body);
	arena_release(&a);
	arena_release(&cfg_arena);
	if (rc)
		return rc;
	return tot.failed ? 1 : 0;
}
