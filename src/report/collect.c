/*
 * The report's tables: items in (pass 1), aggregates and the sample out.
 *
 * Everything here is a pure function of the items in the order given:
 * interned strings are numbered in first-seen order, percentiles are exact
 * (nearest rank over every duration), latency histograms use integer bins
 * (four per power of two of nanoseconds, no libm), and the sample is drawn
 * by a hash of each trace id, never by position.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/error.h"

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t nc;
	void *p;

	if (n < *cap)
		return true;
	nc = *cap ? *cap * 2 : 64;
	p = realloc(*v, nc * size);
	if (!p)
		return false;
	*v = p;
	*cap = nc;
	return true;
}

#define GROW(arr, cap, n) grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

static void see_time(struct report *r, uint64_t t)
{
	if (!t)
		return;
	if (!r->t0 || t < r->t0)
		r->t0 = t;
	if (t > r->t1)
		r->t1 = t;
}

uint32_t report_intern(struct report *r, const char *s, size_t len)
{
	long i = strtab_intern(&r->strings, s, len);

	return i < 0 ? NONE32 : (uint32_t)i;
}

static struct rsvc *svc_slot(struct report *r, uint32_t svc)
{
	if (svc >= r->cap_svcs) {
		size_t nc = r->cap_svcs ? r->cap_svcs : 64;
		struct rsvc *p;

		while (nc <= svc)
			nc *= 2;
		p = realloc(r->svcs, nc * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + r->cap_svcs, 0, (nc - r->cap_svcs) * sizeof(*p));
		r->svcs = p;
		r->cap_svcs = nc;
	}
	return &r->svcs[svc];
}

uint32_t report_service(struct report *r, const char *name, size_t len)
{
	uint32_t i = len ? report_intern(r, name, len) : report_intern(r, "unknown_service", 15);
	struct rsvc *s = i == NONE32 ? NULL : svc_slot(r, i);

	if (!s)
		return NONE32;
	if (!s->seen) {
		s->seen = true;
		r->nservices++;
	}
	return i;
}

/* ---- traces ---- */

struct trace_key {
	const struct report *r;
	const uint8_t *id;
};

static bool same_trace(void *ctx, uint32_t v)
{
	struct trace_key *k = ctx;

	return !memcmp(k->r->traces[v].id, k->id, 16);
}

static uint32_t trace_find(const struct report *r, const uint8_t id[16], uint64_t *hash)
{
	struct trace_key k = { r, id };

	*hash = table_hash(id, 16);
	return idmap_find(&r->trace_map, *hash, same_trace, &k);
}

static uint32_t trace_get(struct report *r, const uint8_t id[16])
{
	uint64_t h;
	uint32_t t = trace_find(r, id, &h);
	struct rtrace *tr;

	if (t != NONE32)
		return t;
	if (r->ntraces >= NONE32 - 1 || !GROW(r->traces, r->cap_traces, r->ntraces))
		return NONE32;
	tr = &r->traces[r->ntraces];
	memset(tr, 0, sizeof(*tr));
	memcpy(tr->id, id, 16);
	tr->score = h;
	tr->root_name = tr->root_svc = NONE32;
	tr->row = -1;
	if (idmap_put(&r->trace_map, h, (uint32_t)r->ntraces))
		return NONE32;
	return (uint32_t)r->ntraces++;
}

struct op_key {
	const struct report *r;
	uint32_t svc, name;
};

static bool same_op(void *ctx, uint32_t v)
{
	struct op_key *k = ctx;

	return k->r->ops[v].svc == k->svc && k->r->ops[v].name == k->name;
}

static uint64_t pair_hash(uint32_t a, uint32_t b)
{
	uint32_t k[2] = { a, b };

	return table_hash(k, sizeof(k));
}

static uint32_t op_get(struct report *r, uint32_t svc, uint32_t name)
{
	struct op_key k = { r, svc, name };
	uint64_t h = pair_hash(svc, name);
	uint32_t o = idmap_find(&r->op_map, h, same_op, &k);

	if (o != NONE32)
		return o;
	if (!GROW(r->ops, r->cap_ops, r->nops))
		return NONE32;
	memset(&r->ops[r->nops], 0, sizeof(r->ops[0]));
	r->ops[r->nops].svc = svc;
	r->ops[r->nops].name = name;
	if (idmap_put(&r->op_map, h, (uint32_t)r->nops))
		return NONE32;
	return (uint32_t)r->nops++;
}

static int durs_add(struct rdurs *d, uint64_t v, bool err)
{
	if (!GROW(d->v, d->cap, d->n))
		return -1;
	d->v[d->n++] = v;
	d->errors += err;
	return 0;
}

int report_take_span(struct report *r, const struct rep_span_in *s)
{
	uint32_t t = trace_get(r, s->trace_id);
	uint32_t name = report_intern(r, s->name, s->name_len);
	uint64_t dur = s->end > s->start ? s->end - s->start : 0;
	struct rtrace *tr;
	struct rspan *sp;
	uint32_t op;

	if (t == NONE32 || name == NONE32 || !GROW(r->spans, r->cap_spans, r->nspans))
		return -1;
	op = op_get(r, s->svc, name);
	if (op == NONE32 || durs_add(&r->ops[op].d, dur, s->error))
		return -1;
	tr = &r->traces[t];
	if (!tr->nspans || s->start < tr->start)
		tr->start = s->start;
	if (s->end > tr->end)
		tr->end = s->end;
	if (tr->end < tr->start)
		tr->end = tr->start;
	tr->nspans++;
	tr->nerrors += s->error;
	if (!s->has_parent && (tr->root_name == NONE32 || s->start < tr->root_start)) {
		tr->root_name = name;
		tr->root_svc = s->svc;
		tr->root_start = s->start;
	}
	sp = &r->spans[r->nspans++];
	sp->span_id = s->span_id;
	sp->parent_id = s->parent_id;
	sp->dur = dur;
	sp->trace = t;
	sp->svc = s->svc;
	sp->op = op;
	sp->err = s->error;
	sp->has_parent = s->has_parent;
	r->svcs[s->svc].spans++;
	r->svcs[s->svc].errors += s->error;
	r->error_spans += s->error;
	see_time(r, s->start);
	see_time(r, s->end);
	return 0;
}

/* ---- logs ---- */

int report_take_log(struct report *r, const struct rep_log_in *l)
{
	struct rlog *g;
	uint64_t h;
	uint64_t key[2];

	if (!GROW(r->logs, r->cap_logs, r->nlogs))
		return -1;
	g = &r->logs[r->nlogs];
	memset(g, 0, sizeof(*g));
	g->time = l->time;
	g->svc = l->svc;
	g->severity = (uint8_t)l->severity;
	g->row = -1;
	g->event = NONE32;
	g->trace = l->trace_id ? trace_find(r, l->trace_id, &h) : NONE32;
	if (l->event_name && l->event_len) {
		g->event = report_intern(r, l->event_name, l->event_len);
		if (g->event == NONE32)
			return -1;
		r->nevents++;
	}
	key[0] = l->time;
	key[1] = r->nlogs;
	g->score = table_hash(key, sizeof(key));
	r->severity_counts[l->severity ? (l->severity - 1) / 4 + 1 : 0]++;
	r->svcs[l->svc].logs++;
	see_time(r, l->time);
	r->nlogs++;
	return 0;
}

/* ---- metrics ---- */

long report_stream(struct report *r, const struct rep_stream_in *in)
{
	/* identities are numbered in first-seen order: a new one is the next stream */
	long id = strtab_intern(&r->stream_idents, in->identity, strlen(in->identity));
	struct rstream *st;

	if (id < 0)
		return -1;
	if ((size_t)id < r->nstreams)
		return id;
	if (!GROW(r->streams, r->cap_streams, r->nstreams))
		return -1;
	st = &r->streams[r->nstreams];
	memset(st, 0, sizeof(*st));
	r->nstreams++; /* before anything can fail: identities and streams stay in step */
	st->name = report_intern(r, in->name, strlen(in->name));
	st->unit = report_intern(r, in->unit, strlen(in->unit));
	st->desc = report_intern(r, in->desc, strlen(in->desc));
	st->svc = in->svc;
	st->type = in->type;
	st->temporality = in->temporality;
	st->monotonic = in->monotonic;
	st->attrs_json = arena_strdup(&r->arena, in->attrs_json);
	if (in->nbounds) {
		st->bounds = arena_alloc(&r->arena, in->nbounds * sizeof(double));
		if (st->bounds)
			memcpy(st->bounds, in->bounds, in->nbounds * sizeof(double));
		st->nbounds = (uint32_t)in->nbounds;
	}
	if (st->name == NONE32 || st->unit == NONE32 || st->desc == NONE32 || !st->attrs_json ||
	    (in->nbounds && !st->bounds))
		return -1;
	return id;
}

int report_take_point(struct report *r, size_t stream, const struct rpoint *p)
{
	struct rstream *st = &r->streams[stream];
	struct rpoint *q;

	if (!GROW(st->pts, st->cap, st->n))
		return -1;
	q = &st->pts[st->n];
	*q = *p;
	q->seq = (uint32_t)st->n;
	if (p->nbuckets) {
		q->buckets = arena_alloc(&r->arena, p->nbuckets * sizeof(uint64_t));
		if (!q->buckets)
			return -1;
		memcpy(q->buckets, p->buckets, p->nbuckets * sizeof(uint64_t));
	}
	if (p->nquantiles) {
		q->quantiles = arena_alloc(&r->arena, p->nquantiles * 2 * sizeof(double));
		if (!q->quantiles)
			return -1;
		memcpy(q->quantiles, p->quantiles, p->nquantiles * 2 * sizeof(double));
	}
	st->n++;
	r->data_points++;
	r->svcs[st->svc].points++;
	see_time(r, p->t);
	return 0;
}

/* ---- after pass 1: calls between services ---- */

struct span_key {
	const struct report *r;
	uint32_t trace;
	uint64_t span_id;
};

static bool same_span(void *ctx, uint32_t v)
{
	struct span_key *k = ctx;

	return k->r->spans[v].span_id == k->span_id && k->r->spans[v].trace == k->trace;
}

static uint64_t span_hash(uint32_t trace, uint64_t span_id)
{
	uint64_t k[2] = { trace, span_id };

	return table_hash(k, sizeof(k));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct edge_key {
	const struct report *r;
	uint32_t from, to;
};

static bool same_edge(void *ctx, uint32_t v)
{
	struct edge_key *k = ctx;

	return k->r->edges[v].from == k->from && k->r->edges[v].to == k->to;
}

static int add_call(struct report *r, struct idmap *em, size_t *cap, uint32_t from,
		    const struct rspan *child)
{
	struct edge_key k = { r, from, child->svc };
	uint64_t h = pair_hash(from, child->svc);
	uint32_t e = idmap_find(em, h, same_edge, &k);

	if (e == NONE32) {
		if (!GROW(r->edges, *cap, r->nedges))
			return -1;
		memset(&r->edges[r->nedges], 0, sizeof(r->edges[0]));
		r->edges[r->nedges].from = from;
		r->edges[r->nedges].to = child->svc;
		e = (uint32_t)r->nedges++;
		if (idmap_put(em, h, e))
			return -1;
	}
	return durs_add(&r->edges[e].d, child->dur, child->err);
}

int report_finish_traces(struct report *r, struct otelsim_error *err)
{
	struct idmap spans = { 0 }, em = { 0 };
	size_t cap_edges = 0;
	int rc = 0;

	for (size_t i = 0; i < r->nspans && !rc; i++)
		rc = idmap_put(&spans, span_hash(r->spans[i].trace, r->spans[i].span_id),
			       (uint32_t)i);
	for (size_t i = 0; i < r->nspans && !rc; i++) {
		const struct rspan *s = &r->spans[i];
		struct span_key k = { r, s->trace, s->parent_id };
		uint32_t p;

		if (!s->has_parent)
			continue;
		p = idmap_find(&spans, span_hash(s->trace, s->parent_id), same_span, &k);
		/* a call: a child span in another service than its parent's */
		if (p != NONE32 && r->spans[p].svc != s->svc)
			rc = add_call(r, &em, &cap_edges, r->spans[p].svc, s);
	}
	idmap_release(&spans);
	idmap_release(&em);
	for (size_t i = 0; i < r->nops; i++)
		if (r->ops[i].d.n > 1)
			qsort(r->ops[i].d.v, r->ops[i].d.n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < r->nedges; i++)
		if (r->edges[i].d.n > 1)
			qsort(r->edges[i].d.v, r->edges[i].d.n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < r->ntraces; i++)
		r->error_traces += r->traces[i].nerrors > 0;
	/* the spans' table is needed no more: the edges hold what it gave */
	free(r->spans);
	r->spans = NULL;
	r->nspans = r->cap_spans = 0;
	return rc ? error_set(err, OTELSIM_ENOMEM, "out of memory") : 0;
}

/* ---- the sample ---- */

static const struct report *sort_r;

static int cmp_trace_pick(const void *a, const void *b)
{
	const struct rtrace *x = &sort_r->traces[*(const uint32_t *)a];
	const struct rtrace *y = &sort_r->traces[*(const uint32_t *)b];
	int ex = x->nerrors > 0, ey = y->nerrors > 0;

	if (ex != ey)
		return ey - ex; /* error traces first */
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return memcmp(x->id, y->id, 16);
}

static int cmp_trace_start(const void *a, const void *b)
{
	const struct rtrace *x = &sort_r->traces[*(const uint32_t *)a];
	const struct rtrace *y = &sort_r->traces[*(const uint32_t *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return memcmp(x->id, y->id, 16);
}

/* 0: linked to a sampled trace, 1: an event, 2: WARN and above, 3: the rest */
static int log_class(const struct report *r, const struct rlog *l)
{
	if (l->trace != NONE32 && r->traces[l->trace].row >= 0)
		return 0;
	if (l->event != NONE32)
		return 1;
	return l->severity >= 13 ? 2 : 3;
}

static int cmp_log_pick(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct rlog *x = &sort_r->logs[i], *y = &sort_r->logs[j];
	int cx = log_class(sort_r, x), cy = log_class(sort_r, y);

	if (cx != cy)
		return cx - cy;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int cmp_log_time(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct rlog *x = &sort_r->logs[i], *y = &sort_r->logs[j];

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return i < j ? -1 : i > j;
}

static uint32_t *pick(size_t n, size_t limit, int (*by)(const void *, const void *),
		      int (*order)(const void *, const void *), size_t *picked)
{
	uint32_t *all = malloc((n ? n : 1) * sizeof(uint32_t));

	if (!all)
		return NULL;
	for (size_t i = 0; i < n; i++)
		all[i] = (uint32_t)i;
	if (n > limit) {
		qsort(all, n, sizeof(uint32_t), by);
		n = limit;
	}
	qsort(all, n, sizeof(uint32_t), order);
	*picked = n;
	return all;
}

int report_sample(struct report *r, struct otelsim_error *err)
{
	sort_r = r;
	r->rows = pick(r->ntraces, r->opt.sample_traces, cmp_trace_pick, cmp_trace_start,
		       &r->nrows);
	if (!r->rows)
		goto nomem;
	for (size_t i = 0; i < r->nrows; i++)
		r->traces[r->rows[i]].row = (int32_t)i;
	r->log_rows = pick(r->nlogs, r->opt.sample_logs, cmp_log_pick, cmp_log_time, &r->nlog_rows);
	if (!r->log_rows)
		goto nomem;
	for (size_t i = 0; i < r->nlog_rows; i++)
		r->logs[r->log_rows[i]].row = (int32_t)i;
	r->row_detail = calloc(r->nrows + 1, sizeof(struct strbuf));
	r->row_count = calloc(r->nrows + 1, sizeof(uint32_t));
	r->log_detail = calloc(r->nlog_rows + 1, sizeof(struct strbuf));
	if (!r->row_detail || !r->row_count || !r->log_detail)
		goto nomem;
	r->sampled = true;
	sort_r = NULL;
	return 0;
nomem:
	sort_r = NULL;
	return error_set(err, OTELSIM_ENOMEM, "out of memory");
}

int32_t report_sampled_row(const struct report *r, const uint8_t id[16])
{
	uint64_t h;
	uint32_t t = trace_find(r, id, &h);

	return t == NONE32 ? -1 : r->traces[t].row;
}

struct strbuf *report_trace_detail(struct report *r, int32_t row, uint32_t *count)
{
	*count = r->row_count[row];
	return &r->row_detail[row];
}

struct strbuf *report_log_detail(struct report *r, uint64_t log_index)
{
	if (log_index >= r->nlogs || r->logs[log_index].row < 0)
		return NULL;
	return &r->log_detail[r->logs[log_index].row];
}

uint32_t report_resource(struct report *r, const char *json, size_t len)
{
	long i = strtab_intern(&r->resources, json, len);

	return i < 0 ? NONE32 : (uint32_t)i;
}
