/*
 * engine/engine.h - from the model to rendered spans, one block at a time.
 *
 * A plan fixes everything a run depends on (seed, start, interval, count,
 * which scenario each trace index uses). Trace i draws only from its own
 * stream rng_seed(seed, scenario->stream, i), starts at
 * start + i * interval (+ its own jitter), and takes its ids from that
 * stream, so blocks can be rendered in any order on any thread or machine.
 * Traces are grouped into fixed blocks of `traces_per_block` by global
 * index: block k holds traces [k*B, min((k+1)*B, count)).
 */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"

struct plan {
	const struct model *model;
	const struct scenario *scenario; /* one scenario; NULL: pool */
	const struct scenario **pool;    /* mixed workload */
	double *cum_weights;             /* ascending; NULL with each_once */
	uint32_t npool;
	bool each_once; /* trace i uses pool[i % npool] */
	uint64_t seed;
	uint64_t mixed_stream; /* rng stream for picking scenarios */
	int64_t start_ns;
	int64_t interval_ns;
	int64_t jitter_ns; /* 0..jitter added to each start */
	uint64_t count;    /* traces in the whole run */
	uint32_t traces_per_block;
};

static inline uint64_t plan_nblocks(const struct plan *p)
{
	return p->traces_per_block ? (p->count + p->traces_per_block - 1) / p->traces_per_block : 0;
}

/* Which scenario trace `index` uses (deterministic). */
const struct scenario *plan_scenario_for(const struct plan *p, uint64_t index);

/*
 * Render block `block` into *out (reset first). 0, OTELSIM_ENOMEM, or
 * OTELSIM_ELIMIT when a trace's span or event time would pass INT64_MAX ns
 * (2262-04-11): never clamped silently. Otherwise never fails on user
 * input: the model was validated when it loaded.
 */
int engine_render_block(const struct plan *p, uint64_t block, struct batch *out);

/* Render one trace (global index) and append its spans to *out. */
int engine_render_trace(const struct plan *p, uint64_t index, struct batch *out);

#endif
