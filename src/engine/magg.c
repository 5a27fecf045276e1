/*
 * engine/magg.c - steps 2 and 3 of engine/metrics.h: partials merged into
 * open intervals, closed intervals out as metric items (or shard partials).
 *
 * Series draw order: series (s, service j) draws from its own stream
 * rng_seed(seed, rng_hash("<name>\x1f<service name>"), 0), one rng_normal
 * per interval, interval 0 first; nothing else draws from it, so the
 * values depend only on (seed, series, service, interval).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mcell.h"
#include "engine/metrics.h"
#include "util/detmath.h"
#include "util/error.h"
#include "util/rng.h"

struct mstream {
	uint32_t metric, resource;
	bool started;
	int64_t first_interval;
	struct mcell cum;
};

struct mpend {
	int64_t interval;
	uint32_t stream;
	struct mcell cell;
};

struct mser {
	const struct series_spec *spec;
	uint32_t metric, service; /* index into spec->services */
	double x;
	struct rng rng;
};

struct magg {
	const struct mrun *mr;
	struct kmap streams_map; /* metric, resource, attributes -> stream */
	struct mstream *streams;
	size_t nstreams, scap;
	uint32_t *order; /* streams sorted (resource, metric, attributes) */
	size_t norder;
	struct kmap open_map; /* interval, stream -> pend */
	struct mpend *pend;
	size_t npend, pcap;
	int64_t next_interval; /* the first interval not closed */
	struct mser *ser;
	size_t nser;
	bool ser_started;
	uint64_t points, streams_out;
	struct batch out;
	struct strbuf key;
};

static void ser_init(struct magg *a)
{
	const struct mrun *mr = a->mr;

	for (uint32_t i = 0; i < mr->nseries; i++) {
		const struct series_spec *s = mr->series[i].spec;

		for (uint32_t j = 0; j < s->nservices; j++) {
			struct mser *m = &a->ser[a->nser++];
			char id[512];
			int n = snprintf(id, sizeof(id), "%s\x1f%s", s->name, s->names[j]);

			m->spec = s;
			m->metric = mr->series[i].metric;
			m->service = j;
			m->x = s->levels[j];
			rng_seed(&m->rng, mr->seed,
				 rng_hash(id, n > 0 && (size_t)n < sizeof(id) ? (size_t)n : 0), 0);
		}
	}
}

struct magg *magg_new(const struct mrun *mr)
{
	struct magg *a = calloc(1, sizeof(*a));
	size_t nser = 0;

	if (!a)
		return NULL;
	a->mr = mr;
	kmap_init(&a->streams_map);
	kmap_init(&a->open_map);
	batch_init(&a->out);
	for (uint32_t i = 0; i < mr->nseries; i++)
		nser += mr->series[i].spec->nservices;
	if (nser && !(a->ser = calloc(nser, sizeof(*a->ser)))) {
		magg_free(a);
		return NULL;
	}
	ser_init(a);
	return a;
}

void magg_free(struct magg *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nstreams; i++)
		mcell_release(&a->streams[i].cum);
	for (size_t i = 0; i < a->npend; i++)
		mcell_release(&a->pend[i].cell);
	free(a->streams);
	free(a->order);
	free(a->pend);
	free(a->ser);
	kmap_release(&a->streams_map);
	kmap_release(&a->open_map);
	batch_release(&a->out);
	strbuf_release(&a->key);
	free(a);
}

void magg_counts(const struct magg *a, uint64_t *streams, uint64_t *points)
{
	*streams = a->streams_out;
	*points = a->points;
}

/* ---- step 2 ---- */

static int cell_new(const struct magg *a, uint32_t metric, struct mcell *c)
{
	const struct mrun_metric *m = &a->mr->metrics[metric];

	return mcell_init(c, m->instrument, m->desc.nbounds, m->max_scale, m->max_size);
}

/* The attribute with the most distinct values among metric's streams. */
static const char *worst_attribute(const struct magg *a, uint32_t metric, size_t *distinct)
{
	static char name[256];
	struct kmap keys, vals[16];
	size_t best = 0;

	kmap_init(&keys);
	for (int i = 0; i < 16; i++)
		kmap_init(&vals[i]);
	name[0] = 0;
	for (size_t s = 0; s < a->nstreams; s++) {
		size_t len;
		const uint8_t *p = (const uint8_t *)kmap_key(&a->streams_map, (uint32_t)s, &len);
		const uint8_t *end = p + len;

		if (a->streams[s].metric != metric)
			continue;
		p += 8;
		while (end - p >= 3) {
			uint16_t kl;
			uint32_t ki, vi, vl = 0;
			uint8_t t;
			int added;

			memcpy(&kl, p, 2);
			if ((size_t)(end - p) < 3u + kl)
				break;
			t = p[2 + kl];
			vl = t == VAL_STRING ? 4 : t == VAL_BOOL ? 1 : 8;
			if (t == VAL_STRING && (size_t)(end - p) >= 7u + kl) {
				memcpy(&vl, p + 3 + kl, 4);
				vl += 4;
			}
			if ((size_t)(end - p) < 3u + kl + vl ||
			    kmap_put(&keys, p + 2, kl, &ki, &added) || ki >= 16 ||
			    kmap_put(&vals[ki], p + 3 + kl, vl, &vi, &added))
				break;
			if (vals[ki].n > best) {
				best = vals[ki].n;
				snprintf(name, sizeof(name), "%.*s", (int)kl, (const char *)p + 2);
			}
			p += 3 + kl + vl;
		}
	}
	kmap_release(&keys);
	for (int i = 0; i < 16; i++)
		kmap_release(&vals[i]);
	*distinct = best;
	return name;
}

static int too_many(const struct magg *a, struct otelsim_error *err)
{
	uint32_t worst = 0;
	size_t *per = calloc(a->mr->nmetrics, sizeof(*per)), distinct = 0;
	const struct metric_rule *r;
	const char *attr;

	if (!per)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	for (size_t s = 0; s < a->nstreams; s++)
		if (++per[a->streams[s].metric] > per[worst])
			worst = a->streams[s].metric;
	attr = worst_attribute(a, worst, &distinct);
	r = a->mr->metrics[worst].first_rule;
	free(per);
	if (r && r->file)
		return error_at(err, OTELSIM_ELIMIT, r->file, r->line, r->col,
				"more than %llu metric streams (--max-metric-streams): rule '%s' "
				"has the most, and its attribute '%s' the most values (%zu); "
				"drop it from the rule's attributes or raise the limit",
				(unsigned long long)a->mr->max_streams, r->name, attr, distinct);
	return error_set(err, OTELSIM_ELIMIT,
			 "more than %llu metric streams (--max-metric-streams): metric '%s' has "
			 "the most, and its attribute '%s' the most values (%zu)",
			 (unsigned long long)a->mr->max_streams, a->mr->metrics[worst].desc.name,
			 attr, distinct);
}

static long stream_of(struct magg *a, const uint8_t *key, size_t len, struct otelsim_error *err)
{
	uint32_t idx, metric, resource;
	int added;

	memcpy(&metric, key, 4);
	memcpy(&resource, key + 4, 4);
	if (kmap_put(&a->streams_map, key, len, &idx, &added))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (!added)
		return idx;
	if (a->nstreams == a->scap) {
		size_t c = a->scap ? a->scap * 2 : 64;
		struct mstream *n = realloc(a->streams, c * sizeof(*n));

		if (!n)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		a->streams = n;
		a->scap = c;
	}
	memset(&a->streams[a->nstreams], 0, sizeof(a->streams[0]));
	a->streams[a->nstreams].metric = metric;
	a->streams[a->nstreams].resource = resource;
	if (cell_new(a, metric, &a->streams[a->nstreams].cum))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	a->nstreams++;
	if (a->nstreams > a->mr->max_streams)
		return too_many(a, err);
	return idx;
}

static struct mpend *pend_for(struct magg *a, int64_t interval, uint32_t stream, int *added)
{
	uint8_t key[12];
	uint32_t idx;

	memcpy(key, &interval, 8);
	memcpy(key + 8, &stream, 4);
	if (kmap_put(&a->open_map, key, 12, &idx, added))
		return NULL;
	if (!*added)
		return &a->pend[idx];
	if (a->npend == a->pcap) {
		size_t c = a->pcap ? a->pcap * 2 : 64;
		struct mpend *n = realloc(a->pend, c * sizeof(*n));

		if (!n)
			return NULL;
		a->pend = n;
		a->pcap = c;
	}
	a->pend[a->npend].interval = interval;
	a->pend[a->npend].stream = stream;
	return &a->pend[a->npend++];
}

static int add_record(struct magg *a, const uint8_t **p, const uint8_t *end,
		      struct otelsim_error *err)
{
	uint32_t klen, metric;
	int64_t interval;
	const uint8_t *key;
	struct mcell c;
	struct mpend *pd;
	long s;
	int added, rc;

	if (end - *p < 4)
		return error_set(err, OTELSIM_EINPUT, "metric partial: truncated record");
	memcpy(&klen, *p, 4);
	key = *p + 4;
	if (klen < 16 || (size_t)(end - key) < klen)
		return error_set(err, OTELSIM_EINPUT, "metric partial: truncated key");
	memcpy(&interval, key, 8);
	memcpy(&metric, key + 8, 4);
	if (metric >= a->mr->nmetrics || interval < a->next_interval)
		return error_set(err, OTELSIM_EINPUT, "metric partial: a cell out of place");
	*p = key + klen;
	s = stream_of(a, key + 8, klen - 8, err);
	if (s < 0)
		return (int)s;
	if (cell_new(a, metric, &c))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (mcell_read(&c, p, end)) {
		mcell_release(&c);
		return error_set(err, OTELSIM_EINPUT, "metric partial: a malformed cell");
	}
	pd = pend_for(a, interval, (uint32_t)s, &added);
	if (!pd) {
		mcell_release(&c);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	if (added) {
		pd->cell = c;
		return 0;
	}
	rc = mcell_merge(&pd->cell, &c);
	mcell_release(&c);
	return rc ? error_set(err, OTELSIM_ENOMEM, "out of memory") : 0;
}

int magg_add(struct magg *a, const void *data, size_t len, struct otelsim_error *err)
{
	const uint8_t *p = data, *end = p + len;

	while (p < end) {
		int rc = add_record(a, &p, end, err);

		if (rc)
			return rc;
	}
	return 0;
}

/* ---- step 3 ---- */

static int cmp_stream(const void *x, const void *y, void *ctx)
{
	const struct magg *a = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const struct mstream *s = &a->streams[i], *t = &a->streams[j];
	size_t li, lj;
	const char *ki, *kj;
	int c;

	if (s->resource != t->resource)
		return s->resource < t->resource ? -1 : 1;
	if (s->metric != t->metric)
		return s->metric < t->metric ? -1 : 1;
	ki = kmap_key(&a->streams_map, i, &li);
	kj = kmap_key(&a->streams_map, j, &lj);
	c = memcmp(ki, kj, li < lj ? li : lj);
	return c ? c : (li > lj) - (li < lj);
}

static int sort_streams(struct magg *a)
{
	uint32_t *o;

	if (a->norder == a->nstreams)
		return 0;
	if (!(o = realloc(a->order, (a->nstreams + 1) * sizeof(*o))))
		return -1;
	a->order = o;
	for (size_t i = 0; i < a->nstreams; i++)
		o[i] = (uint32_t)i;
	qsort_r(o, a->nstreams, sizeof(*o), cmp_stream, a);
	a->norder = a->nstreams;
	return 0;
}

/* A stream's attributes (its key after metric and resource) as keyvals. */
static int decode_attrs(struct batch *b, const uint8_t *p, const uint8_t *end, struct point_out *pt)
{
	struct keyval kv[64];
	uint32_t n = 0;

	while (end - p >= 3 && n < 64) {
		struct keyval *k = &kv[n++];
		uint16_t kl;
		uint8_t t;

		memcpy(&kl, p, 2);
		k->key = (const char *)p + 2;
		k->key_len = kl;
		t = p[2 + kl];
		p += 3 + kl;
		k->value.type = t;
		if (t == VAL_STRING) {
			memcpy(&k->value.u.s.len, p, 4);
			k->value.u.s.ptr = (const char *)p + 4;
			p += 4 + k->value.u.s.len;
		} else if (t == VAL_BOOL) {
			k->value.u.b = *p++;
		} else {
			memcpy(&k->value.u.i, p, 8);
			p += 8;
		}
	}
	pt->nattrs = n;
	if (!n)
		return 0;
	pt->attrs = arena_alloc(&b->arena, n * sizeof(*kv));
	if (!pt->attrs)
		return -1;
	memcpy(pt->attrs, kv, n * sizeof(*kv));
	return 0;
}

static void *copy(struct batch *b, const void *src, size_t n)
{
	void *d = n ? arena_alloc(&b->arena, n) : NULL;

	if (d)
		memcpy(d, src, n);
	return d;
}

static void put_exemplar(struct point_out *pt, const struct mexemplar *e)
{
	struct exemplar_out *o = &pt->exemplars[pt->nexemplars++];

	o->time_ns = e->time_ns;
	o->value.d = e->value;
	memcpy(o->trace_id, e->trace_id, 16);
	memcpy(o->span_id, e->span_id, 8);
	o->has_ids = 1;
}

/*
 * One side's exemplars at the point's scale (d below the delta cell's:
 * index >> d), one per bucket (the smallest order key of the indices it
 * joins), in order of |value| ascending (down: descending).
 */
static void side_exemplars(const struct mexp_side *s, int d, bool down, struct point_out *pt)
{
	const struct mexemplar *best = NULL;
	int64_t best_bucket = 0;

	if (d < 0)
		d = 0;
	for (uint32_t k = 0; k < s->n; k++) {
		uint32_t i = down ? s->n - 1 - k : k;
		const struct mexemplar *e = &s->ex[i];
		int64_t bucket = ((int64_t)s->offset + i) >> d;

		if (e->order == UINT64_MAX)
			continue;
		if (best && bucket == best_bucket) {
			if (e->order < best->order)
				best = e;
			continue;
		}
		if (best)
			put_exemplar(pt, best);
		best = e;
		best_bucket = bucket;
	}
	if (best)
		put_exemplar(pt, best);
}

/*
 * The delta cell's exemplars: one per bucket of the point (value
 * ascending). An exponential point (cumulative) may have a smaller scale
 * than the delta cell: its buckets join the delta's.
 */
static int add_exemplars(struct batch *b, const struct mcell *delta, int32_t scale,
			 struct point_out *pt)
{
	bool exp = delta->instrument == MI_EXP_HISTOGRAM;
	uint32_t n = 0, slots = exp ? 1 : delta->nb + 1;

	for (uint32_t i = 0; i < slots; i++)
		n += delta->ex[i].order != UINT64_MAX;
	for (uint32_t i = 0; exp && i < delta->pos.n; i++)
		n += delta->pos.ex[i].order != UINT64_MAX;
	for (uint32_t i = 0; exp && i < delta->neg.n; i++)
		n += delta->neg.ex[i].order != UINT64_MAX;
	if (!n)
		return 0;
	pt->exemplars = arena_zalloc(&b->arena, n * sizeof(*pt->exemplars));
	if (!pt->exemplars)
		return -1;
	if (exp)
		side_exemplars(&delta->neg, delta->scale - scale, true, pt);
	for (uint32_t i = 0; i < slots; i++)
		if (delta->ex[i].order != UINT64_MAX)
			put_exemplar(pt, &delta->ex[i]);
	if (exp)
		side_exemplars(&delta->pos, delta->scale - scale, false, pt);
	return 0;
}

/* The point of cell c (the delta cell, for exemplars: may be NULL). */
static int fill_point(struct batch *b, const struct mrun_metric *m, const struct mcell *c,
		      const struct mcell *delta, struct point_out *pt)
{
	if (m->instrument == MI_GAUGE) {
		if (m->desc.is_int)
			pt->value.i = (int64_t)c->last;
		else
			pt->value.d = c->last;
		return 0;
	}
	if (m->instrument <= MI_UPDOWN) {
		if (m->desc.is_int)
			pt->value.i = mfix_int(c->sum);
		else
			pt->value.d = mfix_double(c->sum);
		return 0;
	}
	pt->count = c->count;
	pt->sum = mfix_double(c->sum);
	pt->has_sum = 1;
	pt->min = c->min;
	pt->max = c->max;
	pt->has_minmax = c->count > 0;
	if (m->instrument == MI_HISTOGRAM) {
		pt->nbucket_counts = c->nb + 1;
		pt->bucket_counts = copy(b, c->buckets, 8 * ((size_t)c->nb + 1));
		if (!pt->bucket_counts)
			return -1;
	} else {
		pt->scale = c->scale;
		pt->zero_count = c->zero;
		pt->positive.offset = c->pos.offset;
		pt->positive.ncounts = c->pos.n;
		pt->positive.counts = copy(b, c->pos.counts, 8 * (size_t)c->pos.n);
		pt->negative.offset = c->neg.offset;
		pt->negative.ncounts = c->neg.n;
		pt->negative.counts = copy(b, c->neg.counts, 8 * (size_t)c->neg.n);
		if ((c->pos.n && !pt->positive.counts) || (c->neg.n && !pt->negative.counts))
			return -1;
	}
	return delta ? add_exemplars(b, delta, c->scale, pt) : 0;
}

static struct mpend *pend_find(struct magg *a, int64_t interval, uint32_t stream)
{
	uint8_t key[12];
	uint32_t idx;

	memcpy(key, &interval, 8);
	memcpy(key + 8, &stream, 4);
	return kmap_get(&a->open_map, key, 12, &idx) ? NULL : &a->pend[idx];
}

/* Append the point of stream s for interval k to the items; *np points made. */
static int stream_point(struct magg *a, uint32_t s, int64_t k, struct point_out *pt, int *made)
{
	struct mstream *st = &a->streams[s];
	const struct mrun_metric *m = &a->mr->metrics[st->metric];
	struct mpend *pd = pend_find(a, k, s);
	const struct mcell *delta = pd ? &pd->cell : NULL;
	int64_t istart = a->mr->start_ns + k * a->mr->interval_ns;
	size_t len;
	const uint8_t *key = (const uint8_t *)kmap_key(&a->streams_map, s, &len);

	*made = 0;
	if (delta && m->instrument != MI_GAUGE && mcell_merge(&st->cum, delta))
		return -1;
	if (delta && !st->started) {
		st->started = true;
		st->first_interval = k;
		a->streams_out++;
	}
	if (m->instrument == MI_GAUGE || a->mr->temporality == METRIC_DELTA ? !delta
									    : !st->started)
		return 0;
	memset(pt, 0, sizeof(*pt));
	pt->time_ns = (uint64_t)(istart + a->mr->interval_ns);
	pt->start_ns = (uint64_t)(m->instrument == MI_GAUGE || a->mr->temporality == METRIC_DELTA
					  ? istart
					  : a->mr->start_ns + st->first_interval * a->mr->interval_ns);
	if (decode_attrs(&a->out, key + 8, key + len, pt) ||
	    fill_point(&a->out, m,
		       m->instrument == MI_GAUGE || a->mr->temporality == METRIC_DELTA ? delta
										     : &st->cum,
		       delta, pt))
		return -1;
	*made = 1;
	return 0;
}

/* The series' sample of interval k (the next one) into pt. */
static void series_point(struct magg *a, struct mser *m, int64_t k, struct point_out *pt)
{
	const struct series_spec *s = m->spec;
	double dt = (double)a->mr->interval_ns / 1e9, e = det_exp(-s->theta * dt);
	double sd = s->sigma * det_sqrt((1 - e * e) / (2 * s->theta));
	double level = s->levels[m->service];
	int64_t istart = a->mr->start_ns + k * a->mr->interval_ns;

	m->x = level + (m->x - level) * e + sd * rng_normal(&m->rng);
	if (s->has_min && m->x < s->min)
		m->x = s->min;
	if (s->has_max && m->x > s->max)
		m->x = s->max;
	memset(pt, 0, sizeof(*pt));
	pt->start_ns = (uint64_t)istart;
	pt->time_ns = (uint64_t)(istart + a->mr->interval_ns);
	pt->value.d = m->x;
	if (a->mr->plan && a->mr->plan->nphases) /* spikes, restarts: the value, not the process */
		pt->value.d = m->x * phase_series_factor(a->mr->plan, s->name,
							 s->services[m->service], istart);
}

static int add_item(struct magg *a, uint32_t metric, uint32_t resource, struct point_out *pts,
		    uint32_t n)
{
	struct metric_out *mo = batch_add_metric(&a->out);

	if (!mo)
		return -1;
	mo->desc = &a->mr->metrics[metric].desc;
	mo->resource = resource;
	mo->points = pts;
	mo->npoints = n;
	a->points += n;
	return 0;
}

/* Group the n points made for interval k (in stream order) into items. */
static int group_items(struct magg *a, int64_t k, struct point_out *pts, const uint32_t *owner,
		       size_t n)
{
	size_t i = 0;

	(void)k;
	while (i < n) {
		size_t j = i + 1;
		const struct mstream *s = &a->streams[owner[i]];

		while (j < n && a->streams[owner[j]].metric == s->metric &&
		       a->streams[owner[j]].resource == s->resource)
			j++;
		if (add_item(a, s->metric, s->resource, &pts[i], (uint32_t)(j - i)))
			return -1;
		i = j;
	}
	return 0;
}

static int emit_interval(struct magg *a, int64_t k,
			 int (*emit)(void *, const struct batch *, struct otelsim_error *),
			 void *ctx, struct otelsim_error *err)
{
	struct point_out *pts;
	uint32_t *owner;
	size_t n = 0;

	batch_reset(&a->out, 0);
	pts = arena_zalloc(&a->out.arena, (a->nstreams + a->nser + 1) * sizeof(*pts));
	owner = arena_alloc(&a->out.arena, (a->nstreams + 1) * sizeof(*owner));
	if (!pts || !owner)
		return error_set(err, OTELSIM_ENOMEM, "out of memory while writing metrics");
	for (size_t i = 0; i < a->norder; i++) {
		int made;

		if (stream_point(a, a->order[i], k, &pts[n], &made))
			return error_set(err, OTELSIM_ENOMEM, "out of memory while writing metrics");
		if (made)
			owner[n++] = a->order[i];
	}
	if (group_items(a, k, pts, owner, n))
		return error_set(err, OTELSIM_ENOMEM, "out of memory while writing metrics");
	for (size_t i = 0; i < a->nser; i++) {
		series_point(a, &a->ser[i], k, &pts[n]);
		if (add_item(a, a->ser[i].metric, a->ser[i].spec->services[a->ser[i].service],
			     &pts[n], 1))
			return error_set(err, OTELSIM_ENOMEM, "out of memory while writing metrics");
		n++;
	}
	if (a->nser && !a->ser_started) {
		a->ser_started = true;
		a->streams_out += a->nser;
	}
	return a->out.nmetrics ? emit(ctx, &a->out, err) : 0;
}

/* Shards: interval k's cells, in stream order, as partial records. */
static int write_interval(struct magg *a, int64_t k, struct strbuf *out)
{
	for (size_t i = 0; i < a->norder; i++) {
		uint32_t s = a->order[i];
		struct mpend *pd = pend_find(a, k, s);
		size_t len;
		const char *key;
		uint32_t kl;

		if (!pd)
			continue;
		key = kmap_key(&a->streams_map, s, &len);
		kl = (uint32_t)len + 8;
		if (strbuf_add(out, &kl, 4) || strbuf_add(out, &k, 8) || strbuf_add(out, key, len) ||
		    mcell_write(&pd->cell, out))
			return -1;
	}
	return 0;
}

/* Drop the pending cells of intervals < k; rebuild the open map. */
static int drop_closed(struct magg *a, int64_t k)
{
	size_t w = 0;

	kmap_reset(&a->open_map);
	for (size_t i = 0; i < a->npend; i++) {
		uint8_t key[12];
		uint32_t idx;
		int added;

		if (a->pend[i].interval < k) {
			mcell_release(&a->pend[i].cell);
			continue;
		}
		a->pend[w++] = a->pend[i];
		memcpy(key, &a->pend[w - 1].interval, 8);
		memcpy(key + 8, &a->pend[w - 1].stream, 4);
		if (kmap_put(&a->open_map, key, 12, &idx, &added))
			return -1;
	}
	a->npend = w;
	return 0;
}

int magg_close(struct magg *a, int64_t until_ns, int64_t last_end_ns,
	       int (*emit)(void *ctx, const struct batch *b, struct otelsim_error *err), void *ctx,
	       struct strbuf *partial, struct otelsim_error *err)
{
	const struct mrun *mr = a->mr;
	int64_t last; /* the last interval to close */
	int64_t k = a->next_interval;

	if (until_ns == INT64_MAX) {
		if (last_end_ns < mr->start_ns)
			last = -1;
		else
			last = (last_end_ns - mr->start_ns) / mr->interval_ns;
		for (size_t i = 0; i < a->npend; i++) /* cells past the last span: none expected */
			if (a->pend[i].interval > last)
				last = a->pend[i].interval;
	} else {
		if (until_ns - mr->start_ns < mr->interval_ns)
			return 0;
		last = (until_ns - mr->start_ns) / mr->interval_ns - 1;
	}
	if (last < k)
		return 0;
	if (sort_streams(a))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	for (; k <= last; k++) {
		int rc = 0;

		if (partial && write_interval(a, k, partial))
			return error_set(err, OTELSIM_ENOMEM, "out of memory while writing metrics");
		if (!partial)
			rc = emit_interval(a, k, emit, ctx, err);
		if (rc)
			return rc;
	}
	a->next_interval = k;
	if (drop_closed(a, k))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}
