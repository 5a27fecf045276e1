/*
 * The block contract for every signal (engine/batch.h, encode/encode.h,
 * api/pipeline.h): a block holding spans, log records, events and metric
 * items goes through each format's operation table, and through the
 * pipeline into a dataset with one file per signal.
 *
 * - every operation of the OTLP table equals protobuf-c's pack of the same
 *   messages (encode_reference), for both framings, with records cut by
 *   size and by traces; the OTLP/JSON table's lines are what the reader's
 *   independent converter makes of those records, and read back into them;
 * - records follow the traces of a block (traces_per_record);
 * - the synthetic test signal, through the public API: one file per
 *   signal, counts in the manifest, the record callback naming each
 *   signal, items that agree with the spans, and the same bytes whatever
 *   the threads, shards or block size.
 * Runs from the repository root (the bundled project).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "encode/encode.h"
#include "engine/batch.h"
#include "engine/engine.h"
#include "model/model.h"
#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "read/otlpjson.h"
#include "sink/dataset.h"
#include "util/arena.h"
#include "util/strbuf.h"

typedef Opentelemetry__Proto__Trace__V1__TracesData TracesData;
typedef Opentelemetry__Proto__Logs__V1__LogsData LogsData;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Metrics__V1__MetricsData MetricsData;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;

/* ---- a hand-made block with every kind of item ------------------------------- */

struct fixture {
	struct model m;
	struct batch b;
};

static struct keyval kv_str(const char *k, const char *v)
{
	struct keyval x;

	memset(&x, 0, sizeof(x));
	x.key = k;
	x.key_len = (uint32_t)strlen(k);
	x.value.type = VAL_STRING;
	x.value.u.s.ptr = v;
	x.value.u.s.len = (uint32_t)strlen(v);
	return x;
}

static struct keyval *one_attr(struct arena *a, const char *k, const char *v)
{
	struct keyval *p = ARENA_NEWN(a, struct keyval, 1);

	assert_non_null(p);
	*p = kv_str(k, v);
	return p;
}

static const double bounds[] = { 0, 5, 10, 25.5 };
static const struct metric_desc desc_gauge_int = { "g.int", "",   "{item}", METRIC_GAUGE, 0, false,
						   true,    NULL, 0 };
static const struct metric_desc desc_gauge_dbl = { "g.double",   "a gauge", "",
						   METRIC_GAUGE, 0,         false,
						   false,        NULL,      0 };
static const struct metric_desc desc_sum = {
	"s", "monotonic cumulative sum", "By", METRIC_SUM, METRIC_CUMULATIVE, true, true, NULL, 0
};
static const struct metric_desc desc_updown = { "s.updown", NULL,  NULL, METRIC_SUM, METRIC_DELTA,
						false,      false, NULL, 0 };
static const struct metric_desc desc_hist = {
	"h", "histogram", "ms", METRIC_HISTOGRAM, METRIC_DELTA, false, false, bounds, 4
};
static const struct metric_desc desc_exp = {
	"e", "", "s", METRIC_EXP_HISTOGRAM, METRIC_CUMULATIVE, false, false, NULL, 0
};
static const struct metric_desc desc_nameless = {
	"", "", "", METRIC_GAUGE, 0, false, false, NULL, 0
};

static void ids(uint8_t *tid, uint8_t *sid, int t, int s)
{
	for (int i = 0; i < 16; i++)
		tid[i] = (uint8_t)(0x10 * t + i + 1);
	for (int i = 0; i < 8; i++)
		sid[i] = (uint8_t)(0x40 + 8 * s + i);
}

/* A trace's items: 1..3 spans, logs in some traces, an event in others. */
static void add_trace(struct fixture *f, int t)
{
	struct arena *a = &f->b.arena;
	int nspans = 1 + t % 3;

	assert_int_equal(batch_begin_trace(&f->b), 0);
	for (int k = 0; k < nspans; k++) {
		struct span_out *s = batch_add_span(&f->b);

		assert_non_null(s);
		ids(s->trace_id, s->span_id, t, k);
		s->name = "op";
		s->name_len = 2;
		s->resource = (uint32_t)((t + k) % f->m.nservices);
		s->start_ns = 1767225600000000000ull + (uint64_t)t * 1000;
		s->end_ns = s->start_ns + 500 + (uint64_t)k;
		s->flags = 0x101;
	}
	for (int k = 0; k < t % 3; k++) { /* trace 0 has no logs */
		struct log_out *l = batch_add_log(&f->b, OTELSIM_LOGS);

		assert_non_null(l);
		l->resource = (uint32_t)(k % f->m.nservices);
		l->time_ns = 1767225600000000000ull + (uint64_t)t * 1000 + (uint64_t)k;
		l->observed_ns = k ? l->time_ns + 1 : 0;
		ids(l->trace_id, l->span_id, t, k);
		l->has_trace_id = 1;
		l->has_span_id = (uint8_t)(k != 1);
		l->severity = (uint8_t)(k ? 17 : 9);
		l->severity_text = k ? "ERROR" : "INFO";
		l->severity_text_len = (uint32_t)strlen(l->severity_text);
		l->flags = k ? 1 : 0;
		if (k == 0) {
			l->body.type = VAL_STRING;
			/* (no control character: the reader escapes them its own way) */
			l->body.u.s.ptr = "hello \"log\" \xe2\x9c\x93";
			l->body.u.s.len = (uint32_t)strlen(l->body.u.s.ptr);
		} else if (k == 1) {
			l->body.type = VAL_KVLIST;
			l->body.u.kv.items = one_attr(a, "k", "");
			l->body.u.kv.n = 1;
		}
		l->attrs = k == 2 ? NULL : one_attr(a, "exception.type", "Timeout");
		l->nattrs = k == 2 ? 0 : 1;
	}
	if (t % 2) {
		struct log_out *e = batch_add_log(&f->b, OTELSIM_EVENTS);

		assert_non_null(e);
		e->resource = (uint32_t)(t % f->m.nservices);
		e->time_ns = 1767225600000000000ull + (uint64_t)t;
		e->event_name = t == 3 ? "deployment" : "circuit_breaker_open";
		e->event_name_len = (uint32_t)strlen(e->event_name);
		e->attrs = one_attr(a, "service.version", "1.2.3");
		e->nattrs = 1;
		e->severity = 9;
	}
	f->b.ntraces++;
}

static struct exemplar_out *exemplars(struct arena *a, int n)
{
	struct exemplar_out *x = ARENA_NEWN(a, struct exemplar_out, (size_t)n);

	assert_non_null(x);
	for (int i = 0; i < n; i++) {
		x[i].time_ns = 1767225600000000000ull + (uint64_t)i;
		x[i].is_int = (uint8_t)(i == 1);
		if (x[i].is_int)
			x[i].value.i = -42;
		else
			x[i].value.d = i ? 0.0 : 3.25;
		ids(x[i].trace_id, x[i].span_id, i, i);
		x[i].has_ids = (uint8_t)(i != 2);
		if (i == 0) {
			x[i].attrs = one_attr(a, "http.route", "/a");
			x[i].nattrs = 1;
		}
	}
	return x;
}

static void add_metric(struct fixture *f, const struct metric_desc *d, uint32_t res, int npoints)
{
	struct arena *a = &f->b.arena;
	struct metric_out *m = batch_add_metric(&f->b);

	assert_non_null(m);
	m->desc = d;
	m->resource = res;
	m->npoints = (uint32_t)npoints;
	m->points = npoints ? ARENA_NEWN(a, struct point_out, (size_t)npoints) : NULL;
	for (int i = 0; i < npoints; i++) {
		struct point_out *p = &m->points[i];

		p->start_ns = i == 2 ? 0 : 1767225600000000000ull;
		p->time_ns = 1767225610000000000ull + (uint64_t)i;
		if (i == 0) {
			p->attrs = one_attr(a, "service.name", "svc");
			p->nattrs = 1;
		}
		p->flags = i == 1 ? 1 : 0;
		if (d->is_int)
			p->value.i = i == 1 ? -7 : i ? 0 : 123456789012345;
		else
			p->value.d = i == 1 ? NAN : i == 2 ? -0.0 : 0.125;
		p->count = i == 2 ? 0 : 10;
		p->has_sum = (uint8_t)(i != 1);
		p->sum = i ? 0.0 : 42.5;
		p->has_minmax = (uint8_t)(i == 0);
		p->min = 0.5;
		p->max = INFINITY;
		if (d->kind == METRIC_HISTOGRAM && i != 2) {
			p->nbucket_counts = 5;
			p->bucket_counts = ARENA_NEWN(a, uint64_t, 5);
			assert_non_null(p->bucket_counts);
			for (int k = 0; k < 5; k++)
				p->bucket_counts[k] = (uint64_t)k * (k == 4 ? 1ull << 40 : 1);
		}
		if (d->kind == METRIC_EXP_HISTOGRAM) {
			p->scale = i == 0 ? -3 : i == 1 ? 20 : 0;
			p->zero_count = (uint64_t)i;
			p->zero_threshold = i == 0 ? 1e-9 : 0;
			p->positive.offset = i == 1 ? 0 : -5;
			p->positive.ncounts = i == 1 ? 0 : 3;
			p->positive.counts = ARENA_NEWN(a, uint64_t, 3);
			p->positive.counts[0] = 1;
			p->positive.counts[1] = 300;
			p->positive.counts[2] = 0;
			p->negative.offset = i == 2 ? 7 : 0;
		}
		if (i == 0) {
			p->exemplars = exemplars(a, 3);
			p->nexemplars = 3;
		}
	}
}

static void fixture_init(struct fixture *f, int ntraces, bool metrics_inside)
{
	static const char *const names[] = { "svc-a", "svc-b", "svc-c" };

	memset(&f->m, 0, sizeof(f->m));
	arena_init(&f->m.arena, 16 * 1024);
	f->m.nservices = 3;
	f->m.services = ARENA_NEWN(&f->m.arena, struct service, 3);
	assert_non_null(f->m.services);
	for (uint32_t i = 0; i < 3; i++) {
		f->m.services[i].name = names[i];
		f->m.services[i].attrs = one_attr(&f->m.arena, "service.name", names[i]);
		f->m.services[i].nattrs = i == 2 ? 0 : 1;
	}
	f->m.config.scope_name = "otelsim";
	f->m.config.scope_version = "0.1.0";
	f->m.config.schema_url = "https://opentelemetry.io/schemas/1.26.0";
	batch_init(&f->b);
	batch_reset(&f->b, 0);
	for (int t = 0; t < ntraces; t++) {
		add_trace(f, t);
		if (metrics_inside && t == 1) /* a metric item made inside a trace */
			add_metric(f, &desc_gauge_int, 1, 3);
	}
	/* block-level metric items, after the last trace */
	add_metric(f, &desc_gauge_dbl, 0, 3);
	add_metric(f, &desc_sum, 1, 2);
	add_metric(f, &desc_updown, 2, 1);
	add_metric(f, &desc_hist, 0, 3);
	add_metric(f, &desc_exp, 1, 3);
	add_metric(f, &desc_nameless, 0, 0);
	add_metric(f, &desc_hist, 2, 0);
}

static void fixture_release(struct fixture *f)
{
	batch_release(&f->b);
	arena_release(&f->m.arena);
}

/* ---- every operation against the reference -------------------------------------- */

static void check_against_reference(struct fixture *f, int signal, int framing, size_t max,
				    uint32_t per)
{
	struct encoder_config cfg = { &f->m, OTELSIM_FORMAT_OTLP, framing, max, per };
	struct encoder *e = encoder_new(&cfg);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	uint64_t na = 0, nb = 0;

	assert_non_null(e);
	assert_int_equal(encoder_encode(e, signal, &f->b, &a, &na), 0);
	assert_int_equal(encode_reference(&cfg, signal, &f->b, &b, &nb), 0);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		fail_msg("signal %d framing %d max %zu per %u: %zu bytes vs reference %zu", signal,
			 framing, max, per, a.len, b.len);
	assert_int_equal(na, nb);
	assert_true(na >= 1);
	encoder_free(e);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_pb_ops_equal_reference(void **state)
{
	static const size_t maxes[] = { 0, 700, 1 };
	static const uint32_t pers[] = { 0, 1, 2, 64 };
	struct fixture f;

	(void)state;
	fixture_init(&f, 7, true);
	for (int s = 0; s < SIGNAL_COUNT; s++)
		for (int fr = 0; fr < 2; fr++)
			for (size_t m = 0; m < 3; m++)
				for (size_t p = 0; p < 4; p++)
					check_against_reference(&f, s, fr, maxes[m], pers[p]);
	fixture_release(&f);
}

/* Each JSON line is the reader's conversion of the protobuf record, and back. */
static void test_json_ops_agree_with_reader(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f, 7, true);
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		struct encoder_config pc = { &f.m, OTELSIM_FORMAT_OTLP, 0, 0, 2 };
		struct encoder_config jc = { &f.m, OTELSIM_FORMAT_OTLP_JSON, 0, 0, 2 };
		struct encoder *pe = encoder_new(&pc), *je = encoder_new(&jc);
		struct strbuf pb = STRBUF_INIT, js = STRBUF_INIT, conv = STRBUF_INIT;
		uint64_t np = 0, nj = 0;
		struct otelsim_error err;
		const char *line;
		size_t off = 0;

		assert_non_null(pe);
		assert_non_null(je);
		assert_int_equal(encoder_encode(pe, s, &f.b, &pb, &np), 0);
		assert_int_equal(encoder_encode(je, s, &f.b, &js, &nj), 0);
		assert_int_equal(np, nj);
		line = js.buf;
		for (uint64_t i = 0; i < np; i++) {
			const uint8_t *p = (const uint8_t *)pb.buf + off;
			size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
				     p[3];
			const char *nl = strchr(line, '\n');

			assert_non_null(nl);
			strbuf_reset(&conv);
			assert_int_equal(otlpjson_from_protobuf(otlpjson_descriptor(s), p + 4, len,
								&conv, &err),
					 0);
			if (conv.len != (size_t)(nl - line) || memcmp(conv.buf, line, conv.len)) {
				size_t d = 0;

				while (d < conv.len && line + d < nl && conv.buf[d] == line[d])
					d++;
				d = d > 40 ? d - 40 : 0;
				fail_msg("signal %d record %d at %zu:\n ours   %.120s\n reader "
					 "%.120s",
					 s, (int)i, d, line + d, conv.buf + d);
			}
			strbuf_reset(&conv);
			assert_int_equal(otlpjson_to_protobuf(otlpjson_descriptor(s), line,
							      (size_t)(nl - line), &conv, &err),
					 0);
			assert_int_equal(conv.len, len);
			assert_memory_equal(conv.buf, p + 4, len);
			off += 4 + len;
			line = nl + 1;
		}
		assert_int_equal(off, pb.len);
		assert_int_equal((size_t)(line - js.buf), js.len);
		encoder_free(pe);
		encoder_free(je);
		strbuf_release(&pb);
		strbuf_release(&js);
		strbuf_release(&conv);
	}
	fixture_release(&f);
}

/* Log records per LogsData record, from the protobuf bytes. */
static void log_records_per_record(const struct strbuf *pb, size_t *counts, size_t *n)
{
	size_t off = 0;

	*n = 0;
	while (off < pb->len) {
		const uint8_t *p = (const uint8_t *)pb->buf + off;
		size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		LogsData *ld = opentelemetry__proto__logs__v1__logs_data__unpack(NULL, len, p + 4);

		assert_non_null(ld);
		counts[*n] = 0;
		for (size_t r = 0; r < ld->n_resource_logs; r++)
			for (size_t k = 0; k < ld->resource_logs[r]->n_scope_logs; k++)
				counts[*n] += ld->resource_logs[r]->scope_logs[k]->n_log_records;
		opentelemetry__proto__logs__v1__logs_data__free_unpacked(ld, NULL);
		(*n)++;
		off += 4 + len;
	}
}

/*
 * Records hold the items of traces_per_record traces: 7 traces in records
 * of 3 are records of traces 0-2, 3-5, 6; trace t has t % 3 log records,
 * so the logs records hold 0+1+2, 0+1+2 and 0 (none: no record) items.
 */
static void test_records_follow_traces(void **state)
{
	struct fixture f;
	struct encoder_config cfg = { NULL, OTELSIM_FORMAT_OTLP, 0, 0, 3 };
	struct encoder *e;
	struct strbuf out = STRBUF_INIT;
	size_t counts[8], n;
	uint64_t nrec;

	(void)state;
	fixture_init(&f, 7, false);
	cfg.model = &f.m;
	e = encoder_new(&cfg);
	assert_non_null(e);
	assert_int_equal(f.b.nmarks, 7);
	assert_int_equal(f.b.marks[3].first[OTELSIM_LOGS], 3);
	assert_int_equal(f.b.marks[6].first[OTELSIM_TRACES], 12);
	assert_int_equal(encoder_encode(e, OTELSIM_LOGS, &f.b, &out, &nrec), 0);
	log_records_per_record(&out, counts, &n);
	assert_int_equal(nrec, 2);
	assert_int_equal(n, 2);
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[1], 3);
	/* spans: 1+2+3, 1+2+3, 1 */
	strbuf_reset(&out);
	assert_int_equal(encoder_encode(e, OTELSIM_TRACES, &f.b, &out, &nrec), 0);
	assert_int_equal(nrec, 3);
	/* metric items made after the last trace: the last record */
	strbuf_reset(&out);
	assert_int_equal(encoder_encode(e, OTELSIM_METRICS, &f.b, &out, &nrec), 0);
	assert_int_equal(nrec, 1);
	/* an unknown signal writes nothing */
	strbuf_reset(&out);
	assert_int_equal(encoder_encode(e, 4, &f.b, &out, &nrec), ENCODE_ESIGNAL);
	assert_int_equal(out.len, 0);
	/* an item whose resource is not in the model: said so, nothing written */
	f.b.logs[2].resource = 3;
	assert_int_equal(encoder_encode(e, OTELSIM_LOGS, &f.b, &out, &nrec), ENCODE_ERESOURCE);
	assert_int_equal(out.len, 0);
	encoder_free(e);
	strbuf_release(&out);
	fixture_release(&f);
}

static void test_format_tables(void **state)
{
	(void)state;
	assert_string_equal(encoder_file_ext(OTELSIM_FORMAT_OTLP), "binpb");
	assert_string_equal(encoder_file_ext(OTELSIM_FORMAT_OTLP_JSON), "jsonl");
	assert_string_equal(encoder_file_ext(OTELSIM_FORMAT_NDJSON), "ndjson");
	assert_null(encoder_file_ext(99));
	assert_string_equal(signal_name(OTELSIM_EVENTS), "events");
	assert_null(signal_name(SIGNAL_COUNT));
}

/* ---- arrivals and blocks ------------------------------------------------------------- */

static void test_plan_arrival(void **state)
{
	struct plan p;
	struct rng r, again;
	bool past = false;
	int64_t t;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.start_ns = 1000;
	p.interval_ns = 10;
	p.iterations_per_block = 4;
	rng_seed(&r, 1, 2, 3);
	again = r;
	assert_int_equal(plan_arrival(&p, 5, &r, &past), 1050);
	assert_memory_equal(&r, &again, sizeof(r)); /* no jitter: no draw */
	p.jitter_ns = 7;
	t = plan_arrival(&p, 5, &r, &past);
	assert_true(t >= 1050 && t <= 1057);
	assert_int_equal(t, 1050 + (int64_t)rng_below(&again, 8)); /* one rng_below draw */
	assert_false(past);
	assert_int_equal(plan_block_start(&p, 3), 1120);
	p.interval_ns = INT64_MAX / 4;
	(void)plan_arrival(&p, 5, &r, &past);
	assert_true(past);
	assert_int_equal(plan_block_start(&p, 3), INT64_MAX);
}

/* ---- through the public API -------------------------------------------------------- */

static struct otelsim *load_bundled(void)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct otelsim *os = NULL;

	lo.root = ".";
	if (otelsim_load(&lo, &os, &err))
		fail_msg("load: %s:%d:%d: %s", err.file, err.line, err.column, err.message);
	return os;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	*len = 0;
	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(strbuf_add(&sb, buf, n), 0);
	fclose(f);
	return strbuf_detach(&sb, len);
}

struct per_signal {
	struct strbuf bytes[SIGNAL_COUNT];
	uint64_t records[SIGNAL_COUNT];
	int bad_signal;
};

static int collect(void *ctx, int signal, const void *bytes, size_t len)
{
	struct per_signal *c = ctx;

	if (signal < 0 || signal >= SIGNAL_COUNT) {
		c->bad_signal = 1;
		return 1;
	}
	c->records[signal]++;
	return strbuf_add(&c->bytes[signal], bytes, len);
}

static void per_signal_release(struct per_signal *c)
{
	for (int s = 0; s < SIGNAL_COUNT; s++)
		strbuf_release(&c->bytes[s]);
}

static const char *const pb_files[] = { "traces.binpb", "metrics.binpb", "logs.binpb",
					"events.binpb" };

/* The four data files of dir/<rel> concatenated in *out[s] (appending). */
static void read_files(const char *dir, const char *rel, const char *ext, struct strbuf *out)
{
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		char path[1024];
		size_t len;
		char *data;

		snprintf(path, sizeof(path), "%s/%s/%s.%s", dir, rel, signal_name(s), ext);
		data = slurp(path, &len);
		if (!data)
			fail_msg("missing %s", path);
		assert_int_equal(strbuf_add(&out[s], data, len), 0);
		free(data);
	}
}

static void render_to(struct otelsim *os, struct otelsim_render_options *ro, const char *dir,
		      struct otelsim_render_result *res)
{
	struct otelsim_error err;

	ro->out_dir = dir;
	if (otelsim_render_files(os, ro, res, &err))
		fail_msg("render: %s", err.message);
}

/* The root spans' (trace id, span id) of a TracesData file, 24 bytes each. */
static size_t root_ids(const struct strbuf *file, uint8_t *out, size_t max)
{
	size_t off = 0, n = 0;

	while (off < file->len) {
		const uint8_t *p = (const uint8_t *)file->buf + off;
		size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		TracesData *td = opentelemetry__proto__trace__v1__traces_data__unpack(NULL, len,
										      p + 4);

		assert_non_null(td);
		for (size_t r = 0; r < td->n_resource_spans; r++)
			for (size_t k = 0; k < td->resource_spans[r]->n_scope_spans; k++) {
				const Opentelemetry__Proto__Trace__V1__ScopeSpans *ss =
					td->resource_spans[r]->scope_spans[k];

				for (size_t i = 0; i < ss->n_spans; i++) {
					if (ss->spans[i]->parent_span_id.len)
						continue;
					assert_true(n < max);
					memcpy(out + 24 * n, ss->spans[i]->trace_id.data, 16);
					memcpy(out + 24 * n + 16, ss->spans[i]->span_id.data, 8);
					n++;
				}
			}
		opentelemetry__proto__trace__v1__traces_data__free_unpacked(td, NULL);
		off += 4 + len;
	}
	return n;
}

static bool is_root(const uint8_t *roots, size_t n, const uint8_t *tid, const uint8_t *sid)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(roots + 24 * i, tid, 16) && !memcmp(roots + 24 * i + 16, sid, 8))
			return true;
	return false;
}

static bool has_attr(const LogRecord *l, const char *key)
{
	for (size_t a = 0; a < l->n_attributes; a++)
		if (!strcmp(l->attributes[a]->key, key))
			return true;
	return false;
}

static bool is_trace(const uint8_t *roots, size_t n, const uint8_t *tid)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(roots + 24 * i, tid, 16))
			return true;
	return false;
}

/*
 * Every log record (or event, but for timeline events) of a LogsData file
 * belongs to one of the roots' traces; the synthetic ones (otelsim.synthetic) are tied to a root.
 * Returns the synthetic records' count; *total counts them all.
 */
static size_t check_logs(const struct strbuf *file, const uint8_t *roots, size_t nroots,
			 bool events, size_t *total)
{
	size_t off = 0, n = 0;

	*total = 0;
	while (off < file->len) {
		const uint8_t *p = (const uint8_t *)file->buf + off;
		size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		LogsData *ld = opentelemetry__proto__logs__v1__logs_data__unpack(NULL, len, p + 4);

		assert_non_null(ld);
		for (size_t r = 0; r < ld->n_resource_logs; r++)
			for (size_t k = 0; k < ld->resource_logs[r]->n_scope_logs; k++) {
				const Opentelemetry__Proto__Logs__V1__ScopeLogs *sl =
					ld->resource_logs[r]->scope_logs[k];

				for (size_t i = 0; i < sl->n_log_records; i++) {
					const LogRecord *l = sl->log_records[i];

					(*total)++;
					if (events && !l->trace_id.len) { /* a timeline event */
						assert_int_equal(l->span_id.len, 0);
						assert_true(l->event_name && *l->event_name);
						continue;
					}
					assert_int_equal(l->trace_id.len, 16);
					assert_int_equal(l->span_id.len, 8);
					assert_true(is_trace(roots, nroots, l->trace_id.data));
					assert_true(l->time_unix_nano > 0);
					if (!has_attr(l, "otelsim.synthetic"))
						continue;
					assert_true(is_root(roots, nroots, l->trace_id.data,
							    l->span_id.data));
					if (events) {
						assert_string_equal(l->event_name,
								    "otelsim.synthetic");
					} else {
						assert_string_equal(l->event_name, "");
						assert_int_equal(l->severity_number, 9);
						assert_string_equal(l->severity_text, "INFO");
					}
					n++;
				}
			}
		opentelemetry__proto__logs__v1__logs_data__free_unpacked(ld, NULL);
		off += 4 + len;
	}
	return n;
}

/* The synthetic metrics agree with the traces: counted roots, histogram counts, exemplars. */
static void check_metrics(const struct strbuf *file, const uint8_t *roots, size_t nroots,
			  uint64_t *points)
{
	size_t off = 0;
	int64_t counted = 0;
	uint64_t hist = 0;

	*points = 0;
	while (off < file->len) {
		const uint8_t *p = (const uint8_t *)file->buf + off;
		size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		MetricsData *md = opentelemetry__proto__metrics__v1__metrics_data__unpack(NULL, len,
											  p + 4);

		assert_non_null(md);
		for (size_t r = 0; r < md->n_resource_metrics; r++)
			for (size_t k = 0; k < md->resource_metrics[r]->n_scope_metrics; k++) {
				const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm =
					md->resource_metrics[r]->scope_metrics[k];

				for (size_t i = 0; i < sm->n_metrics; i++) {
					const Metric *m = sm->metrics[i];

					if (!strcmp(m->name, "otelsim.synthetic.traces")) {
						assert_non_null(m->sum);
						assert_true(m->sum->is_monotonic);
						counted += m->sum->data_points[0]->as_int;
						*points += m->sum->n_data_points;
						continue;
					}
					assert_string_equal(m->name, "otelsim.synthetic.duration");
					assert_non_null(m->histogram);
					for (size_t d = 0; d < m->histogram->n_data_points; d++) {
						const Opentelemetry__Proto__Metrics__V1__HistogramDataPoint
							*h = m->histogram->data_points[d];
						uint64_t sum = 0;

						for (size_t b = 0; b < h->n_bucket_counts; b++)
							sum += h->bucket_counts[b];
						assert_int_equal(sum, h->count);
						assert_int_equal(h->n_bucket_counts,
								 h->n_explicit_bounds + 1);
						assert_true(h->n_exemplars >= 1);
						for (size_t x = 0; x < h->n_exemplars; x++)
							assert_true(is_root(
								roots, nroots,
								h->exemplars[x]->trace_id.data,
								h->exemplars[x]->span_id.data));
						assert_true(h->min <= h->max);
						hist += h->count;
						(*points)++;
					}
				}
			}
		opentelemetry__proto__metrics__v1__metrics_data__free_unpacked(md, NULL);
		off += 4 + len;
	}
	assert_int_equal(counted, (int64_t)nroots);
	assert_int_equal(hist, nroots);
}

/*
 * The synthetic signal through the pipeline into a dataset: one file per
 * signal, each listed in the manifest with its counts; the callback gives
 * the same bytes per signal and names each record's signal; the items
 * agree with the spans.
 */
static void test_dataset_with_every_signal(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res, cres;
	struct otelsim_error err;
	struct per_signal files, cb;
	char dir[] = "/tmp/otelsim-signals.XXXXXX", path[1024];
	uint8_t *roots = malloc(24 * 200);
	size_t nroots, mlen, total;
	uint64_t points;
	char *manifest;
	cJSON *mj, *counts, *list;

	(void)state;
	assert_non_null(roots);
	assert_non_null(mkdtemp(dir));
	memset(&files, 0, sizeof(files));
	memset(&cb, 0, sizeof(cb));
	ro.scenario = "checkout_flow";
	ro.count_set = true;
	ro.count = 150;
	ro.traces_per_record = 16;
	ro.synthetic_signals = true;
	ro.threads = 2;
	render_to(os, &ro, dir, &res);
	read_files(dir, "commerce/checkout_flow", "binpb", files.bytes);
	assert_int_equal(res.traces, 150);
	/* a synthetic record per trace and checkout_flow's own three (its root's start
	 * log, the payment's debug log and its payment.authorized event mirrored;
	 * none of these 150 fails) */
	assert_int_equal(res.log_records, 600);
	assert_int_equal(res.events, 152); /* and checkout_flow's two timeline events */
	/* blocks of 64 (the config's, a multiple of 16): 3 blocks, 2 metrics each */
	assert_int_equal(res.metrics, 6);
	assert_int_equal(res.data_points, 6);
	/* records of 16 traces cut inside each block: 4 + 4 + 2 */
	assert_int_equal(res.signal_records[OTELSIM_TRACES], 10);
	assert_int_equal(res.signal_records[OTELSIM_LOGS], 10);
	assert_int_equal(res.signal_records[OTELSIM_EVENTS], 10);
	assert_int_equal(res.signal_records[OTELSIM_METRICS], 3);

	nroots = root_ids(&files.bytes[OTELSIM_TRACES], roots, 200);
	assert_int_equal(nroots, 150);
	/* the synthetic record of each trace, beside checkout_flow's own logs */
	assert_int_equal(check_logs(&files.bytes[OTELSIM_LOGS], roots, nroots, false, &total), 150);
	assert_int_equal(total, res.log_records);
	assert_int_equal(check_logs(&files.bytes[OTELSIM_EVENTS], roots, nroots, true, &total), 150);
	assert_int_equal(total, 152);
	check_metrics(&files.bytes[OTELSIM_METRICS], roots, nroots, &points);
	assert_int_equal(points, res.data_points);

	snprintf(path, sizeof(path), "%s/commerce/checkout_flow/manifest.json", dir);
	manifest = slurp(path, &mlen);
	assert_non_null(manifest);
	mj = cJSON_Parse(manifest);
	assert_non_null(mj);
	counts = cJSON_GetObjectItem(mj, "counts");
	assert_int_equal(cJSON_GetObjectItem(counts, "traces")->valuedouble, 150);
	assert_int_equal(cJSON_GetObjectItem(counts, "log_records")->valuedouble, 600);
	assert_int_equal(cJSON_GetObjectItem(counts, "events")->valuedouble, 152);
	assert_int_equal(cJSON_GetObjectItem(counts, "metrics")->valuedouble, 6);
	assert_int_equal(cJSON_GetObjectItem(counts, "data_points")->valuedouble, 6);
	list = cJSON_GetObjectItem(mj, "files");
	assert_int_equal(cJSON_GetArraySize(list), 4);
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		cJSON *f = cJSON_GetArrayItem(list, s);

		assert_string_equal(cJSON_GetObjectItem(f, "name")->valuestring, pb_files[s]);
		assert_string_equal(cJSON_GetObjectItem(f, "signal")->valuestring, signal_name(s));
		assert_int_equal(cJSON_GetObjectItem(f, "records")->valuedouble,
				 res.signal_records[s]);
		assert_int_equal(cJSON_GetObjectItem(f, "size")->valuedouble, files.bytes[s].len);
	}
	cJSON_Delete(mj);
	free(manifest);

	/* the callback: each record under its own signal, the files' bytes */
	ro.out_dir = NULL;
	ro.threads = 1;
	assert_int_equal(otelsim_render(os, &ro, collect, &cb, &cres, &err), 0);
	assert_false(cb.bad_signal);
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		assert_int_equal(cb.records[s], res.signal_records[s]);
		assert_int_equal(cb.bytes[s].len, files.bytes[s].len);
		assert_memory_equal(cb.bytes[s].buf, files.bytes[s].buf, cb.bytes[s].len);
	}
	assert_int_equal(cres.records, res.records);

	per_signal_release(&files);
	per_signal_release(&cb);
	free(roots);
	remove_tree(dir);
	otelsim_free(os);
}

/*
 * Threads, shards and block sizes never move a byte of any signal: 1 and 3
 * threads, 3 shards concatenated, blocks of 8 and 16 iterations (multiples
 * of the record size; only the synthetic metrics, made per block, follow
 * the block size, as do the records the timeline events join), for
 * protobuf, JSON and gzip. Blocks of 7 with records
 * of 8: a record never spans two blocks.
 */
static void test_same_bytes_every_way(void **state)
{
	static const struct {
		int format;
		bool gzip;
		const char *ext;
	} formats[] = { { OTELSIM_FORMAT_OTLP, false, "binpb" },
			{ OTELSIM_FORMAT_OTLP_JSON, false, "jsonl" },
			{ OTELSIM_FORMAT_OTLP, true, "binpb.gz" } };
	struct otelsim *os = load_bundled();
	char dir[] = "/tmp/otelsim-signals.XXXXXX", sub[1100];

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t fi = 0; fi < sizeof(formats) / sizeof(formats[0]); fi++) {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
		struct otelsim_render_result res;
		struct per_signal whole, other;

		memset(&whole, 0, sizeof(whole));
		ro.count_set = true;
		ro.count = 200; /* a mixed run */
		ro.traces_per_record = 8;
		ro.synthetic_signals = true;
		ro.format = formats[fi].format;
		ro.gzip = formats[fi].gzip;
		ro.threads = 1;
		snprintf(sub, sizeof(sub), "%s/whole", dir);
		render_to(os, &ro, sub, &res);
		read_files(sub, "mixed", formats[fi].ext, whole.bytes);
		assert_int_equal(res.signal_records[OTELSIM_TRACES], 25);

		for (int way = 0; way < 4; way++) {
			memset(&other, 0, sizeof(other));
			ro.threads = way == 0 ? 3 : 2;
			ro.iterations_per_block = way == 2 ? 16 : way == 3 ? 8 : 0;
			if (way == 1) { /* 3 shards, concatenated */
				for (unsigned k = 1; k <= 3; k++) {
					ro.shard_index = k;
					ro.shard_count = 3;
					snprintf(sub, sizeof(sub), "%s/shard%u", dir, k);
					render_to(os, &ro, sub, &res);
					read_files(sub, "mixed", formats[fi].ext, other.bytes);
				}
				ro.shard_index = ro.shard_count = 0;
			} else {
				snprintf(sub, sizeof(sub), "%s/way%d", dir, way);
				render_to(os, &ro, sub, &res);
				read_files(sub, "mixed", formats[fi].ext, other.bytes);
			}
			for (int s = 0; s < SIGNAL_COUNT; s++) {
				/* per block: the synthetic metrics, and where checkout_flow's
				 * timeline events fall among the event records */
				if ((s == OTELSIM_METRICS || s == OTELSIM_EVENTS) && way >= 2)
					continue;
				if (other.bytes[s].len != whole.bytes[s].len ||
				    memcmp(other.bytes[s].buf, whole.bytes[s].buf,
					   whole.bytes[s].len))
					fail_msg("format %zu way %d: %s differ", fi, way,
						 signal_name(s));
			}
			if (way >= 2) { /* two metric items per block and resource of its roots */
				uint64_t blocks = (200 + ro.iterations_per_block - 1) /
						  ro.iterations_per_block;

				assert_true(res.metrics >= 2 * blocks && res.metrics % 2 == 0);
				assert_int_equal(res.data_points, res.metrics);
			}
			per_signal_release(&other);
		}
		ro.iterations_per_block = 7;
		snprintf(sub, sizeof(sub), "%s/seven", dir);
		render_to(os, &ro, sub, &res);
		assert_int_equal(res.signal_records[OTELSIM_TRACES], 29); /* ceil(200 / 7) */
		per_signal_release(&whole);
	}
	remove_tree(dir);
	otelsim_free(os);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_ops_equal_reference),
		cmocka_unit_test(test_json_ops_agree_with_reader),
		cmocka_unit_test(test_records_follow_traces),
		cmocka_unit_test(test_format_tables),
		cmocka_unit_test(test_plan_arrival),
		cmocka_unit_test(test_dataset_with_every_signal),
		cmocka_unit_test(test_same_bytes_every_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
