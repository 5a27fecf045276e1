/*
 * engine/synthetic.c - the synthetic test source (engine.h): every signal
 * from the spans alone, to drive logs, events and metrics through the
 * encoders, the pipeline, the files and the record callback before any
 * scenario emits them. It draws nothing: its items are a pure function of
 * the block's spans, so they keep the determinism contract (threads,
 * shards) like everything else.
 *
 * Per trace (its root span r): a log record at r's start (INFO, body
 * "synthetic log of <r's name>", r's trace and span ids and flags) and an
 * event "otelsim.synthetic" at r's end (attribute otelsim.synthetic.spans:
 * the trace's span count), both on r's resource. Per block, per resource
 * of the roots in order of first appearance: "otelsim.synthetic.traces"
 * (a monotonic delta sum of roots, int) and "otelsim.synthetic.duration"
 * (a delta histogram of root durations in seconds, with min, max and the
 * first root of each bucket as its exemplar). Both points span the block:
 * from its earliest span start to its latest span end.
 */
#include <string.h>

#include "engine/engine.h"

static const char synthetic_key[] = "otelsim.synthetic";
static const char spans_key[] = "otelsim.synthetic.spans";
static const char log_prefix[] = "synthetic log of ";
static const double duration_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBOUNDS (sizeof(duration_bounds) / sizeof(duration_bounds[0]))

static const struct metric_desc traces_desc = { "otelsim.synthetic.traces",
						"traces per block (synthetic test signal)",
						"{trace}",
						METRIC_SUM,
						METRIC_DELTA,
						true,
						true,
						NULL,
						0 };
static const struct metric_desc duration_desc = { "otelsim.synthetic.duration",
						  "root span durations (synthetic test signal)",
						  "s",
						  METRIC_HISTOGRAM,
						  METRIC_DELTA,
						  false,
						  false,
						  duration_bounds,
						  NBOUNDS };

static const struct keyval synthetic_attr = { synthetic_key,
					      sizeof(synthetic_key) - 1,
					      { VAL_BOOL, { .b = 1 } } };

static void tie_to_span(struct log_out *l, const struct span_out *s)
{
	memcpy(l->trace_id, s->trace_id, 16);
	memcpy(l->span_id, s->span_id, 8);
	l->has_trace_id = l->has_span_id = 1;
	l->flags = s->flags & 0xffu;
	l->resource = s->resource;
}

static int synth_trace(const struct plan *p, struct batch *out, size_t first_span)
{
	const struct span_out *root;
	struct log_out *l;
	struct keyval *kv;
	char *body;
	size_t nspans = out->nspans - first_span;

	(void)p;
	if (first_span >= out->nspans)
		return 0;
	body = arena_alloc(&out->arena, sizeof(log_prefix) - 1 + out->spans[first_span].name_len);
	kv = arena_alloc(&out->arena, 2 * sizeof(*kv));
	if (!body || !kv)
		return -1;
	root = &out->spans[first_span];
	memcpy(body, log_prefix, sizeof(log_prefix) - 1);
	memcpy(body + sizeof(log_prefix) - 1, root->name, root->name_len);

	l = batch_add_log(out, OTELSIM_LOGS);
	if (!l)
		return -1;
	root = &out->spans[first_span];
	tie_to_span(l, root);
	l->time_ns = root->start_ns;
	l->severity = 9;
	l->severity_text = "INFO";
	l->severity_text_len = 4;
	l->body.type = VAL_STRING;
	l->body.u.s.ptr = body;
	l->body.u.s.len = (uint32_t)(sizeof(log_prefix) - 1 + root->name_len);
	l->attrs = (struct keyval *)&synthetic_attr;
	l->nattrs = 1;

	l = batch_add_log(out, OTELSIM_EVENTS);
	if (!l)
		return -1;
	tie_to_span(l, root);
	l->time_ns = root->end_ns;
	l->event_name = synthetic_key;
	l->event_name_len = sizeof(synthetic_key) - 1;
	kv[0] = synthetic_attr;
	kv[1].key = spans_key;
	kv[1].key_len = sizeof(spans_key) - 1;
	kv[1].value.type = VAL_INT;
	kv[1].value.u.i = (int64_t)nspans;
	l->attrs = kv;
	l->nattrs = 2;
	return 0;
}

/* The bucket of a duration in seconds: the first bound >= d, else the last. */
static uint32_t bucket_of(double d)
{
	uint32_t k = 0;

	while (k < NBOUNDS && d > duration_bounds[k])
		k++;
	return k;
}

/* The two metric items of resource `res`, from the roots of the block. */
static int synth_resource(struct batch *out, uint32_t res)
{
	struct metric_out *m;
	struct point_out *pt;
	struct exemplar_out *ex;
	uint64_t *counts;
	uint64_t roots = 0;
	int32_t first_in[NBOUNDS + 1];
	uint32_t nex = 0;

	pt = arena_zalloc(&out->arena, 2 * sizeof(*pt));
	counts = arena_zalloc(&out->arena, (NBOUNDS + 1) * sizeof(*counts));
	ex = arena_zalloc(&out->arena, (NBOUNDS + 1) * sizeof(*ex));
	if (!pt || !counts || !ex)
		return -1;
	for (uint32_t k = 0; k <= NBOUNDS; k++)
		first_in[k] = -1;
	pt[1].min = pt[1].max = 0;
	for (size_t t = 0; t < out->nmarks; t++) {
		size_t i = out->marks[t].first[OTELSIM_TRACES];
		const struct span_out *s = &out->spans[i];
		double d;
		uint32_t k;

		if (i >= out->nspans || s->resource != res)
			continue;
		d = (double)(s->end_ns - s->start_ns) / 1e9;
		k = bucket_of(d);
		counts[k]++;
		if (first_in[k] < 0)
			first_in[k] = (int32_t)i;
		if (!roots || d < pt[1].min)
			pt[1].min = d;
		if (!roots || d > pt[1].max)
			pt[1].max = d;
		pt[1].sum += d;
		roots++;
	}
	for (uint32_t k = 0; k <= NBOUNDS; k++) {
		const struct span_out *s;

		if (first_in[k] < 0)
			continue;
		s = &out->spans[first_in[k]];
		ex[nex].time_ns = s->end_ns;
		ex[nex].value.d = (double)(s->end_ns - s->start_ns) / 1e9;
		memcpy(ex[nex].trace_id, s->trace_id, 16);
		memcpy(ex[nex].span_id, s->span_id, 8);
		ex[nex].has_ids = 1;
		nex++;
	}
	for (int k = 0; k < 2; k++) {
		pt[k].attrs = (struct keyval *)&synthetic_attr;
		pt[k].nattrs = 1;
		pt[k].start_ns = (uint64_t)out->min_start_ns;
		pt[k].time_ns = (uint64_t)out->max_end_ns;
	}
	pt[0].value.i = (int64_t)roots;
	pt[1].count = roots;
	pt[1].has_sum = pt[1].has_minmax = 1;
	pt[1].bucket_counts = counts;
	pt[1].nbucket_counts = NBOUNDS + 1;
	pt[1].exemplars = ex;
	pt[1].nexemplars = nex;
	for (int k = 0; k < 2; k++) {
		m = batch_add_metric(out);
		if (!m)
			return -1;
		m->desc = k ? &duration_desc : &traces_desc;
		m->resource = res;
		m->points = &pt[k];
		m->npoints = 1;
	}
	return 0;
}

static int synth_block(const struct plan *p, uint64_t block, struct batch *out)
{
	uint32_t n = p->model->nservices;
	uint8_t *seen;

	(void)block;
	if (!out->nmarks || !n)
		return 0;
	seen = arena_zalloc(&out->arena, n);
	if (!seen)
		return -1;
	for (size_t t = 0; t < out->nmarks; t++) {
		size_t i = out->marks[t].first[OTELSIM_TRACES];
		uint32_t res;

		if (i >= out->nspans)
			continue;
		res = out->spans[i].resource;
		if (res >= n || seen[res])
			continue;
		seen[res] = 1;
		if (synth_resource(out, res))
			return -1;
	}
	return 0;
}

const struct engine_source engine_synthetic_source = {
	"synthetic",
	SIGNAL_BIT(OTELSIM_LOGS) | SIGNAL_BIT(OTELSIM_EVENTS) | SIGNAL_BIT(OTELSIM_METRICS),
	synth_trace,
	synth_block,
};
