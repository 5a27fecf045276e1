/*
 * The OTLP source's metrics (pass 1): each record unpacked with protobuf-c,
 * each point handed to its stream. A stream is what the metrics data model
 * calls one: the resource, the scope, the metric's name and type, and the
 * point's attributes (and a histogram's bounds); its identity is that much
 * as one text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opentelemetry/proto/metrics/v1/metrics.pb-c.h"
#include "read/reader.h"
#include "report/otlp_json.h"
#include "report/report_int.h"
#include "util/error.h"

typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;

struct mctx {
	struct report *r;
	const char *svc_name;
	uint32_t svc;
	const char *scope;
	struct strbuf res_attrs, id, attrs;
};

static const char *service_name(KeyValue **kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i]->key, "service.name") && kv[i]->value &&
		    kv[i]->value->value_case ==
			    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
			return kv[i]->value->string_value;
	return "";
}

/* The stream of one point; -1 on no memory. */
static long stream_of(struct mctx *c, const Metric *m, int type, int temporality, bool mono,
		      KeyValue **attrs, size_t nattrs, const double *bounds, size_t nbounds)
{
	struct rep_stream_in in;
	struct jsonw w;

	strbuf_reset(&c->attrs);
	jsonw_init(&w, &c->attrs, false);
	report_json_attrs(&w, attrs, nattrs);
	strbuf_reset(&c->id);
	strbuf_add(&c->id, c->res_attrs.buf, c->res_attrs.len);
	strbuf_addf(&c->id, "\x1f%s\x1f%s\x1f%d\x1f", c->scope, m->name, type);
	strbuf_add(&c->id, c->attrs.buf, c->attrs.len);
	for (size_t i = 0; i < nbounds; i++)
		strbuf_addf(&c->id, "\x1f%a", bounds[i]);
	if (w.failed || !c->id.buf || !c->attrs.buf)
		return -1;
	memset(&in, 0, sizeof(in));
	in.name = m->name;
	in.unit = m->unit;
	in.desc = m->description;
	in.type = type;
	in.temporality = temporality;
	in.monotonic = mono;
	in.svc = c->svc;
	in.identity = c->id.buf;
	in.attrs_json = c->attrs.buf;
	in.bounds = bounds;
	in.nbounds = nbounds;
	return report_stream(c->r, &in);
}

static int take_numbers(struct mctx *c, const Metric *m, int type,
			Opentelemetry__Proto__Metrics__V1__NumberDataPoint **dps, size_t n,
			int temporality, bool mono)
{
	for (size_t i = 0; i < n; i++) {
		const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *dp = dps[i];
		long s = stream_of(c, m, type, temporality, mono, dp->attributes, dp->n_attributes,
				   NULL, 0);
		struct rpoint p;

		memset(&p, 0, sizeof(p));
		p.t = dp->time_unix_nano;
		p.v = dp->value_case ==
				      OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT
			      ? (double)dp->as_int
			      : dp->as_double;
		p.min = p.max = NAN;
		if (s < 0 || report_take_point(c->r, (size_t)s, &p))
			return -1;
	}
	return 0;
}

static int take_histograms(struct mctx *c, const Metric *m)
{
	const Opentelemetry__Proto__Metrics__V1__Histogram *h = m->histogram;

	for (size_t i = 0; i < h->n_data_points; i++) {
		const Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *dp = h->data_points[i];
		long s = stream_of(c, m, RM_HISTOGRAM, h->aggregation_temporality, false,
				   dp->attributes, dp->n_attributes, dp->explicit_bounds,
				   dp->n_explicit_bounds);
		struct rpoint p;

		memset(&p, 0, sizeof(p));
		p.t = dp->time_unix_nano;
		p.v = (double)dp->count;
		p.has_sum = dp->_sum_case != 0;
		p.sum = dp->sum;
		p.min = dp->_min_case ? dp->min : NAN;
		p.max = dp->_max_case ? dp->max : NAN;
		p.buckets = dp->bucket_counts;
		p.nbuckets = (uint32_t)dp->n_bucket_counts;
		if (s < 0 || report_take_point(c->r, (size_t)s, &p))
			return -1;
	}
	return 0;
}

/*
 * An exponential histogram point's buckets for the page, as the "quantiles"
 * array of pairs: scale, zero count, positive offset, n, n counts, negative
 * offset, m, m counts (padded to an even length); the page turns them into
 * a percentile series and a heat map. 0, or -1 out of memory.
 */
#define EXP_MAX_BUCKETS 2048
static int exp_buckets(const Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *dp,
		       double **out, uint32_t *npairs)
{
	const Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets *pos =
		dp->positive, *neg = dp->negative;
	size_t np = pos ? pos->n_bucket_counts : 0, nn = neg ? neg->n_bucket_counts : 0, k = 0;
	double *q;

	if (np > EXP_MAX_BUCKETS)
		np = EXP_MAX_BUCKETS;
	if (nn > EXP_MAX_BUCKETS)
		nn = EXP_MAX_BUCKETS;
	q = malloc((np + nn + 7) * sizeof(*q));
	if (!q)
		return -1;
	q[k++] = dp->scale;
	q[k++] = (double)dp->zero_count;
	q[k++] = pos ? pos->offset : 0;
	q[k++] = (double)np;
	for (size_t i = 0; i < np; i++)
		q[k++] = (double)pos->bucket_counts[i];
	q[k++] = neg ? neg->offset : 0;
	q[k++] = (double)nn;
	for (size_t i = 0; i < nn; i++)
		q[k++] = (double)neg->bucket_counts[i];
	if (k % 2)
		q[k++] = 0;
	*out = q;
	*npairs = (uint32_t)(k / 2);
	return 0;
}

static int take_exp_histograms(struct mctx *c, const Metric *m)
{
	const Opentelemetry__Proto__Metrics__V1__ExponentialHistogram *h = m->exponential_histogram;

	for (size_t i = 0; i < h->n_data_points; i++) {
		const Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *dp =
			h->data_points[i];
		long s = stream_of(c, m, RM_EXP_HISTOGRAM, h->aggregation_temporality, false,
				   dp->attributes, dp->n_attributes, NULL, 0);
		struct rpoint p;

		double *q = NULL;
		int rc;

		memset(&p, 0, sizeof(p));
		p.t = dp->time_unix_nano;
		p.v = (double)dp->count;
		p.has_sum = dp->_sum_case != 0;
		p.sum = dp->sum;
		p.min = dp->_min_case ? dp->min : NAN;
		p.max = dp->_max_case ? dp->max : NAN;
		if (s >= 0 && exp_buckets(dp, &q, &p.nquantiles))
			return -1;
		p.quantiles = q;
		rc = s < 0 || report_take_point(c->r, (size_t)s, &p);
		free(q);
		if (rc)
			return -1;
	}
	return 0;
}

static int take_summaries(struct mctx *c, const Metric *m)
{
	for (size_t i = 0; i < m->summary->n_data_points; i++) {
		const Opentelemetry__Proto__Metrics__V1__SummaryDataPoint *dp =
			m->summary->data_points[i];
		long s = stream_of(c, m, RM_SUMMARY, 0, false, dp->attributes, dp->n_attributes,
				   NULL, 0);
		double q[64];
		struct rpoint p;
		size_t nq = dp->n_quantile_values > 32 ? 32 : dp->n_quantile_values;

		memset(&p, 0, sizeof(p));
		p.t = dp->time_unix_nano;
		p.v = (double)dp->count;
		p.has_sum = 1;
		p.sum = dp->sum;
		p.min = p.max = NAN;
		for (size_t k = 0; k < nq; k++) {
			q[2 * k] = dp->quantile_values[k]->quantile;
			q[2 * k + 1] = dp->quantile_values[k]->value;
		}
		p.quantiles = q;
		p.nquantiles = (uint32_t)nq;
		if (s < 0 || report_take_point(c->r, (size_t)s, &p))
			return -1;
	}
	return 0;
}

static int take_metric(struct mctx *c, const Metric *m)
{
	switch (m->data_case) {
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
		return take_numbers(c, m, RM_GAUGE, m->gauge->data_points, m->gauge->n_data_points,
				    0, false);
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
		return take_numbers(c, m, RM_SUM, m->sum->data_points, m->sum->n_data_points,
				    m->sum->aggregation_temporality, m->sum->is_monotonic);
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
		return take_histograms(c, m);
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
		return take_exp_histograms(c, m);
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
		return take_summaries(c, m);
	default:
		return 0;
	}
}

int report_scan_metrics(struct report *r, struct report_file *f, const struct read_record *rec,
			struct otelsim_error *err)
{
	Opentelemetry__Proto__Metrics__V1__MetricsData *md =
		opentelemetry__proto__metrics__v1__metrics_data__unpack(NULL, rec->len, rec->data);
	struct mctx c;
	uint64_t before = r->data_points;
	int rc = 0;

	if (!md) {
		if (rec->line > 0)
			return error_at(err, OTELSIM_EINPUT, f->path, rec->line, 1,
					"record %llu: metrics that do not decode",
					(unsigned long long)rec->index);
		return error_at(err, OTELSIM_EINPUT, f->path, 0, 0,
				"record %llu at byte %llu: metrics that do not decode",
				(unsigned long long)rec->index, (unsigned long long)rec->offset);
	}
	memset(&c, 0, sizeof(c));
	c.r = r;
	for (size_t i = 0; i < md->n_resource_metrics && !rc; i++) {
		const Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm =
			md->resource_metrics[i];
		struct jsonw w;

		strbuf_reset(&c.res_attrs);
		jsonw_init(&w, &c.res_attrs, false);
		if (rm->resource)
			report_json_attrs(&w, rm->resource->attributes, rm->resource->n_attributes);
		else
			jsonw_raw(&w, "[]", 2);
		c.svc_name = rm->resource ? service_name(rm->resource->attributes,
							 rm->resource->n_attributes)
					  : "";
		c.svc = report_service(r, c.svc_name, strlen(c.svc_name));
		if (w.failed || c.svc == NONE32)
			rc = -1;
		for (size_t k = 0; k < rm->n_scope_metrics && !rc; k++) {
			const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm =
				rm->scope_metrics[k];

			c.scope = sm->scope ? sm->scope->name : "";
			for (size_t j = 0; j < sm->n_metrics && !rc; j++)
				rc = take_metric(&c, sm->metrics[j]);
		}
	}
	f->points += r->data_points - before;
	protobuf_c_message_free_unpacked(&md->base, NULL);
	strbuf_release(&c.res_attrs);
	strbuf_release(&c.id);
	strbuf_release(&c.attrs);
	return rc ? error_set(err, OTELSIM_ENOMEM, "out of memory") : 0;
}
