/*
 * The page's data: one JSON object, written in a fixed order (see the
 * reader in assets/report.js, `load()`). Times are nanoseconds relative to
 * "t0" (the earliest item), as JSON numbers: exact below 2^53 ns, 104 days.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "otelsim/version.h"
#include "report/otlp_json.h"
#include "report/report_int.h"
#include "util/error.h"
#include "util/text.h"
#include "util/timefmt.h"

static uint64_t rel(const struct report *r, uint64_t t)
{
	return t > r->t0 ? t - r->t0 : 0;
}

/* nearest rank: the smallest value with at least pct% of them at or below it */
static uint64_t pctl(const struct rdurs *d, unsigned pct)
{
	size_t k;

	if (!d->n)
		return 0;
	k = (d->n * pct + 99) / 100;
	return d->v[k ? k - 1 : 0];
}

/* four bins per power of two: bin = 4 * floor(log2 d) + the next two bits */
static unsigned dur_bin(uint64_t d)
{
	unsigned b;

	if (d < 4)
		return (unsigned)d;
	b = 63u - (unsigned)__builtin_clzll(d);
	return b * 4 + (unsigned)((d >> (b - 2)) & 3);
}

static void write_durs(struct jsonw *w, const struct rdurs *d, bool bins)
{
	jsonw_uint(w, d->n);
	jsonw_uint(w, d->errors);
	jsonw_uint(w, pctl(d, 50));
	jsonw_uint(w, pctl(d, 90));
	jsonw_uint(w, pctl(d, 99));
	jsonw_uint(w, d->n ? d->v[d->n - 1] : 0);
	jsonw_uint(w, d->n ? d->v[0] : 0);
	if (!bins)
		return;
	jsonw_begin_array(w); /* [bin, count] for every bin holding durations */
	for (size_t i = 0; i < d->n;) {
		unsigned b = dur_bin(d->v[i]);
		size_t j = i;

		while (j < d->n && dur_bin(d->v[j]) == b)
			j++;
		jsonw_begin_array(w);
		jsonw_uint(w, b);
		jsonw_uint(w, j - i);
		jsonw_end_array(w);
		i = j;
	}
	jsonw_end_array(w);
}

static void write_strings(struct jsonw *w, const struct report *r)
{
	jsonw_key(w, "strings");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->strings.n; i++)
		report_json_text(w, r->strings.v[i], r->strings.len[i]);
	jsonw_end_array(w);
}

static void write_files(struct jsonw *w, const struct report *r)
{
	static const char *const sig[] = { "traces", "metrics", "logs" };

	jsonw_key(w, "files");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct report_file *f = &r->files[i];

		jsonw_begin_object(w);
		jsonw_key(w, "path");
		report_json_text(w, f->path, strlen(f->path));
		jsonw_key(w, "size");
		jsonw_uint(w, f->size);
		jsonw_key(w, "sha256");
		jsonw_string(w, f->sha256);
		jsonw_key(w, "signals");
		jsonw_begin_array(w);
		for (int s = 0; s < 3; s++)
			if (f->signals & (1u << s))
				jsonw_string(w, sig[s]);
		jsonw_end_array(w);
		jsonw_key(w, "records");
		jsonw_uint(w, f->records);
		jsonw_key(w, "spans");
		jsonw_uint(w, f->spans);
		jsonw_key(w, "points");
		jsonw_uint(w, f->points);
		jsonw_key(w, "logs");
		jsonw_uint(w, f->logs);
		jsonw_key(w, "framing");
		jsonw_string(w, f->framing ? f->framing : "");
		jsonw_key(w, "compression");
		jsonw_string(w, f->compression ? f->compression : "");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void write_counts(struct jsonw *w, const struct report *r)
{
	static const char *const names[] = { "traces",           "spans",          "error_spans",
					     "error_traces",     "services",       "log_records",
					     "events",           "metric_streams", "data_points",
					     "sampled_traces",   "sample_limit",   "sampled_logs",
					     "log_sample_limit", "injections" };
	uint64_t v[14];

	v[0] = r->ntraces;
	v[1] = 0;
	for (size_t i = 0; i < r->ntraces; i++)
		v[1] += r->traces[i].nspans;
	v[2] = r->error_spans;
	v[3] = r->error_traces;
	v[4] = r->nservices;
	v[5] = r->nlogs;
	v[6] = r->nevents;
	v[7] = r->nstreams;
	v[8] = r->data_points;
	v[9] = r->nrows;
	v[10] = r->opt.sample_traces;
	v[11] = r->nlog_rows;
	v[12] = r->opt.sample_logs;
	v[13] = r->ninjs;
	jsonw_key(w, "counts");
	jsonw_begin_object(w);
	for (size_t i = 0; i < 14; i++) {
		jsonw_key(w, names[i]);
		jsonw_uint(w, v[i]);
	}
	jsonw_key(w, "severities"); /* unset, trace, debug, info, warn, error, fatal */
	jsonw_begin_array(w);
	for (size_t i = 0; i < 7; i++)
		jsonw_uint(w, r->severity_counts[i]);
	jsonw_end_array(w);
	jsonw_end_object(w);
}

static void write_services(struct jsonw *w, const struct report *r)
{
	jsonw_key(w, "services"); /* [name, spans, error spans, log records, data points] */
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->cap_svcs; i++) {
		const struct rsvc *s = &r->svcs[i];

		if (!s->seen)
			continue;
		jsonw_begin_array(w);
		jsonw_uint(w, i);
		jsonw_uint(w, s->spans);
		jsonw_uint(w, s->errors);
		jsonw_uint(w, s->logs);
		jsonw_uint(w, s->points);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
	/* [service, name, count, errors, p50, p90, p99, max, min, bins] */
	jsonw_key(w, "ops");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nops; i++) {
		jsonw_begin_array(w);
		jsonw_uint(w, r->ops[i].svc);
		jsonw_uint(w, r->ops[i].name);
		write_durs(w, &r->ops[i].d, true);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
	/* [from, to, calls, errors, p50, p90, p99, max, min] */
	jsonw_key(w, "edges");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nedges; i++) {
		jsonw_begin_array(w);
		jsonw_uint(w, r->edges[i].from);
		jsonw_uint(w, r->edges[i].to);
		write_durs(w, &r->edges[i].d, false);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
}

static void write_series(struct jsonw *w, const char *key, const uint64_t *v, size_t n)
{
	jsonw_key(w, key);
	jsonw_begin_array(w);
	for (size_t i = 0; i < n; i++)
		jsonw_uint(w, v[i]);
	jsonw_end_array(w);
}

/* Traces, error traces, log records and WARN+ records per time bucket. */
static int write_timeline(struct jsonw *w, const struct report *r)
{
	enum { B = REPORT_TIMELINE_BUCKETS };
	uint64_t span = r->t1 > r->t0 ? r->t1 - r->t0 : 0;
	uint64_t step = span / B + 1;
	uint64_t *c = calloc(4 * B, sizeof(uint64_t));

	if (!c)
		return -1;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t b = rel(r, r->traces[i].start) / step;

		c[b]++;
		c[B + b] += r->traces[i].nerrors > 0;
	}
	for (size_t i = 0; i < r->nlogs; i++) {
		uint64_t b = rel(r, r->logs[i].time) / step;

		c[2 * B + b]++;
		c[3 * B + b] += r->logs[i].severity >= 13;
	}
	jsonw_key(w, "timeline");
	jsonw_begin_object(w);
	jsonw_key(w, "step");
	jsonw_uint(w, step);
	write_series(w, "traces", c, B);
	write_series(w, "error_traces", c + B, B);
	write_series(w, "logs", c + 2 * B, B);
	write_series(w, "warn_logs", c + 3 * B, B);
	jsonw_end_object(w);
	free(c);
	return 0;
}

static void write_rows(struct jsonw *w, const struct report *r)
{
	char hex[33];

	/* [trace_id, start, duration, spans, error spans, root name, root service, [spans]] */
	jsonw_key(w, "rows");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rtrace *t = &r->traces[r->rows[i]];
		const struct strbuf *d = &r->row_detail[i];

		jsonw_begin_array(w);
		hex_encode(t->id, 16, hex);
		jsonw_stringn(w, hex, 32);
		jsonw_uint(w, rel(r, t->start));
		jsonw_uint(w, t->end - t->start);
		jsonw_uint(w, t->nspans);
		jsonw_uint(w, t->nerrors);
		jsonw_int(w, t->root_name == NONE32 ? -1 : (int64_t)t->root_name);
		jsonw_int(w, t->root_svc == NONE32 ? -1 : (int64_t)t->root_svc);
		jsonw_begin_array(w);
		if (d->len)
			jsonw_raw(w, d->buf, d->len);
		jsonw_end_array(w);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
	jsonw_key(w, "resources");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->resources.n; i++)
		jsonw_raw(w, r->resources.v[i], r->resources.len[i]);
	jsonw_end_array(w);
	jsonw_key(w, "logs");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nlog_rows; i++)
		if (r->log_detail[i].len)
			jsonw_raw(w, r->log_detail[i].buf, r->log_detail[i].len);
	jsonw_end_array(w);
}

static void json_num(struct jsonw *w, double d)
{
	if (isnan(d) || isinf(d))
		jsonw_null(w);
	else
		jsonw_double(w, d);
}

/* One point: [t, value, sum|null, min|null, max|null, buckets|quantiles|null] */
static void write_point(struct jsonw *w, const struct report *r, const struct rpoint *p)
{
	jsonw_begin_array(w);
	jsonw_uint(w, rel(r, p->t));
	json_num(w, p->v);
	if (p->has_sum)
		json_num(w, p->sum);
	else
		jsonw_null(w);
	json_num(w, p->min);
	json_num(w, p->max);
	if (p->nbuckets) {
		jsonw_begin_array(w);
		for (uint32_t k = 0; k < p->nbuckets; k++)
			jsonw_uint(w, p->buckets[k]);
		jsonw_end_array(w);
	} else if (p->nquantiles) {
		jsonw_begin_array(w);
		for (uint32_t k = 0; k < 2 * p->nquantiles; k++)
			json_num(w, p->quantiles[k]);
		jsonw_end_array(w);
	} else {
		jsonw_null(w);
	}
	jsonw_end_array(w);
}

/*
 * Points in time order; past REPORT_MAX_STREAM_POINTS, groups of k: a
 * delta sum or histogram adds up its group (bucket by bucket), anything
 * else keeps the group's last point (a cumulative total, a gauge's value).
 */
static int write_points(struct jsonw *w, const struct report *r, const struct rstream *s)
{
	size_t k = (s->n + REPORT_MAX_STREAM_POINTS - 1) / REPORT_MAX_STREAM_POINTS;
	bool delta = s->temporality == 1 && (s->type == RM_SUM || s->type == RM_HISTOGRAM);

	if (!k)
		k = 1;
	jsonw_key(w, "points");
	jsonw_begin_array(w);
	for (size_t i = 0; i < s->n; i += k) {
		size_t e = i + k < s->n ? i + k : s->n;
		struct rpoint p = s->pts[e - 1];
		uint64_t *b = NULL;

		if (delta && e - i > 1) {
			b = p.nbuckets ? calloc(p.nbuckets, sizeof(uint64_t)) : NULL;
			if (p.nbuckets && !b)
				return -1;
			p.v = p.sum = 0;
			for (size_t j = i; j < e; j++) {
				p.v += s->pts[j].v;
				p.sum += s->pts[j].sum;
				for (uint32_t q = 0; b && q < p.nbuckets && q < s->pts[j].nbuckets;
				     q++)
					b[q] += s->pts[j].buckets[q];
			}
			if (b)
				p.buckets = b;
		}
		write_point(w, r, &p);
		free(b);
	}
	jsonw_end_array(w);
	return 0;
}

static int cmp_point_time(const void *a, const void *b)
{
	const struct rpoint *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq; /* the files' order */
}

static int write_streams(struct jsonw *w, struct report *r)
{
	jsonw_key(w, "streams");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nstreams; i++) {
		struct rstream *s = &r->streams[i];

		if (s->n > 1)
			qsort(s->pts, s->n, sizeof(*s->pts), cmp_point_time);
		jsonw_begin_object(w);
		jsonw_key(w, "name");
		jsonw_uint(w, s->name);
		jsonw_key(w, "unit");
		jsonw_uint(w, s->unit);
		jsonw_key(w, "desc");
		jsonw_uint(w, s->desc);
		jsonw_key(w, "service");
		jsonw_uint(w, s->svc);
		jsonw_key(w, "type");
		jsonw_int(w, s->type);
		jsonw_key(w, "temporality");
		jsonw_int(w, s->temporality);
		jsonw_key(w, "monotonic");
		jsonw_bool(w, s->monotonic);
		jsonw_key(w, "attrs");
		jsonw_raw(w, s->attrs_json, strlen(s->attrs_json));
		jsonw_key(w, "bounds");
		jsonw_begin_array(w);
		for (uint32_t k = 0; k < s->nbounds; k++)
			json_num(w, s->bounds[k]);
		jsonw_end_array(w);
		jsonw_key(w, "count");
		jsonw_uint(w, s->n);
		if (write_points(w, r, s))
			return -1;
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	return 0;
}

static void write_events(struct jsonw *w, const struct report *r)
{
	uint64_t *n = calloc(r->strings.n + 1, sizeof(uint64_t));

	jsonw_key(w, "event_names"); /* [name, count] in first-seen order */
	jsonw_begin_array(w);
	if (n) {
		for (size_t i = 0; i < r->nlogs; i++)
			if (r->logs[i].event != NONE32)
				n[r->logs[i].event]++;
		for (size_t i = 0; i < r->strings.n; i++) {
			if (!n[i])
				continue;
			jsonw_begin_array(w);
			jsonw_uint(w, i);
			jsonw_uint(w, n[i]);
			jsonw_end_array(w);
		}
	} else {
		w->failed = 1;
	}
	jsonw_end_array(w);
	free(n);
}

int report_write_data(struct report *r, struct strbuf *out, struct otelsim_error *err)
{
	char t0[64], num[24];
	struct jsonw w;

	jsonw_init(&w, out, false);
	jsonw_begin_object(&w);
	jsonw_key(&w, "format");
	jsonw_int(&w, 1);
	jsonw_key(&w, "tool");
	jsonw_string(&w, "otelsim " OTELSIM_VERSION);
	time_format_rfc3339((int64_t)r->t0, t0, sizeof(t0));
	jsonw_key(&w, "t0");
	jsonw_string(&w, t0);
	jsonw_key(&w, "t0_ns");
	num[fmt_u64(num, r->t0)] = '\0';
	jsonw_string(&w, num);
	jsonw_key(&w, "range");
	jsonw_uint(&w, r->t1 - r->t0);
	report_write_context(&w, r);
	write_files(&w, r);
	write_counts(&w, r);
	write_strings(&w, r);
	write_services(&w, r);
	write_events(&w, r);
	if (write_timeline(&w, r) || write_streams(&w, r))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	write_rows(&w, r);
	jsonw_end_object(&w);
	if (jsonw_finish(&w))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}
