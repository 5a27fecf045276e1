#include "engine/batch.h"

#include <stdlib.h>
#include <string.h>

void batch_init(struct batch *b)
{
	memset(b, 0, sizeof(*b));
	arena_init(&b->arena, 256 * 1024);
	b->min_start_ns = INT64_MAX;
	b->max_end_ns = INT64_MIN;
}

void batch_reset(struct batch *b, uint64_t first_iteration)
{
	arena_reset(&b->arena);
	b->nspans = b->nlogs = b->nevents = b->nmetrics = b->nmarks = b->nhits = 0;
	b->first_iteration = first_iteration;
	b->niterations = 0;
	b->ntraces = 0;
	b->nerror_spans = 0;
	b->min_start_ns = INT64_MAX;
	b->max_end_ns = INT64_MIN;
}

/* Room for one more element of `size` bytes in *arr (doubling). 0 or -1. */
static int grow(void **arr, size_t n, size_t *cap, size_t size, size_t first_cap)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first_cap;
	if (c > SIZE_MAX / size)
		return -1;
	p = realloc(*arr, c * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

int batch_begin_trace(struct batch *b)
{
	struct batch_mark *m;

	if (grow((void **)&b->marks, b->nmarks, &b->marks_cap, sizeof(*m), 64))
		return -1;
	m = &b->marks[b->nmarks++];
	m->first[OTELSIM_TRACES] = b->nspans;
	m->first[OTELSIM_METRICS] = b->nmetrics;
	m->first[OTELSIM_LOGS] = b->nlogs;
	m->first[OTELSIM_EVENTS] = b->nevents;
	m->iteration = 1;
	return 0;
}

struct span_out *batch_add_span(struct batch *b)
{
	struct span_out *s;

	if (grow((void **)&b->spans, b->nspans, &b->cap, sizeof(*s), 1024))
		return NULL;
	s = &b->spans[b->nspans++];
	memset(s, 0, sizeof(*s));
	return s;
}

struct log_out *batch_add_log(struct batch *b, int signal)
{
	struct log_out **arr = signal == OTELSIM_LOGS ? &b->logs : &b->events;
	size_t *n = signal == OTELSIM_LOGS ? &b->nlogs : &b->nevents;
	size_t *cap = signal == OTELSIM_LOGS ? &b->logs_cap : &b->events_cap;
	struct log_out *l;

	if (signal != OTELSIM_LOGS && signal != OTELSIM_EVENTS)
		return NULL;
	if (grow((void **)arr, *n, cap, sizeof(*l), 256))
		return NULL;
	l = &(*arr)[(*n)++];
	memset(l, 0, sizeof(*l));
	return l;
}

struct metric_out *batch_add_metric(struct batch *b)
{
	struct metric_out *m;

	if (grow((void **)&b->metrics, b->nmetrics, &b->metrics_cap, sizeof(*m), 64))
		return NULL;
	m = &b->metrics[b->nmetrics++];
	memset(m, 0, sizeof(*m));
	return m;
}

int batch_add_hit(struct batch *b, size_t first_hit, uint32_t inj, const uint8_t trace_id[16],
		  int64_t start_ns, int64_t end_ns)
{
	struct inj_hit *h;

	for (size_t i = first_hit; i < b->nhits; i++) {
		h = &b->hits[i];
		if (h->inj != inj)
			continue;
		h->spans++;
		if (start_ns < h->start_ns)
			h->start_ns = start_ns;
		if (end_ns > h->end_ns)
			h->end_ns = end_ns;
		return 0;
	}
	if (grow((void **)&b->hits, b->nhits, &b->hits_cap, sizeof(*h), 64))
		return -1;
	h = &b->hits[b->nhits++];
	h->inj = inj;
	h->spans = 1;
	h->start_ns = start_ns;
	h->end_ns = end_ns;
	memcpy(h->trace_id, trace_id, 16);
	return 0;
}

size_t batch_items(const struct batch *b, int signal)
{
	switch (signal) {
	case OTELSIM_TRACES:
		return b->nspans;
	case OTELSIM_METRICS:
		return b->nmetrics;
	case OTELSIM_LOGS:
		return b->nlogs;
	case OTELSIM_EVENTS:
		return b->nevents;
	default:
		return 0;
	}
}

uint64_t batch_points(const struct batch *b)
{
	uint64_t n = 0;

	for (size_t i = 0; i < b->nmetrics; i++)
		n += b->metrics[i].npoints;
	return n;
}

void batch_release(struct batch *b)
{
	arena_release(&b->arena);
	free(b->spans);
	free(b->logs);
	free(b->events);
	free(b->metrics);
	free(b->marks);
	free(b->hits);
	b->hits = NULL;
	b->nhits = b->hits_cap = 0;
	b->spans = NULL;
	b->logs = b->events = NULL;
	b->metrics = NULL;
	b->marks = NULL;
	b->nspans = b->cap = 0;
	b->nlogs = b->logs_cap = b->nevents = b->events_cap = 0;
	b->nmetrics = b->metrics_cap = b->nmarks = b->marks_cap = 0;
}
