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

void batch_reset(struct batch *b, uint64_t first_trace)
{
	arena_reset(&b->arena);
	b->nspans = 0;
	b->first_trace = first_trace;
	b->ntraces = 0;
	b->nerror_spans = 0;
	b->min_start_ns = INT64_MAX;
	b->max_end_ns = INT64_MIN;
}

struct span_out *batch_add_span(struct batch *b)
{
	struct span_out *s;

	if (b->nspans == b->cap) {
		size_t n = b->cap ? b->cap * 2 : 1024;
		struct span_out *p = realloc(b->spans, n * sizeof(*p));

		if (!p)
			return NULL;
		b->spans = p;
		b->cap = n;
	}
	s = &b->spans[b->nspans++];
	memset(s, 0, sizeof(*s));
	return s;
}

void batch_release(struct batch *b)
{
	arena_release(&b->arena);
	free(b->spans);
	b->spans = NULL;
	b->nspans = b->cap = 0;
}
