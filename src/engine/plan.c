/*
 * engine/plan.c - what the plan decides for each iteration: its scenario
 * and its arrival time.
 */
#include "engine/engine.h"

#include "engine/num.h"
#include "util/rng.h"

const struct scenario *plan_scenario_for(const struct plan *p, uint64_t index)
{
	struct rng r;

	if (p->scenario)
		return p->scenario;
	if (!p->npool)
		return NULL;
	if (p->each_once || !p->cum_weights || p->npool == 1)
		return p->pool[index % p->npool];
	/* weighted: one draw from the iteration's own stream of the "mixed" id */
	rng_seed(&r, p->seed, p->mixed_stream, index);
	return p->pool[num_pick_weighted(p->cum_weights, p->npool, &r)];
}

/* t + d; past INT64_MAX: INT64_MAX and *past_max */
static int64_t add_checked(int64_t t, int64_t d, bool *past_max)
{
	int64_t r;

	if (__builtin_add_overflow(t, d, &r)) {
		*past_max = true;
		return INT64_MAX;
	}
	return r;
}

/* start + index * interval, saturating (the run's check refuses past 2262) */
static int64_t base_arrival(const struct plan *p, uint64_t index, bool *past_max)
{
	return add_checked(
		p->start_ns,
		num_mul_sat(index > INT64_MAX ? INT64_MAX : (int64_t)index, p->interval_ns),
		past_max);
}

int64_t plan_arrival(const struct plan *p, uint64_t index, struct rng *r, bool *past_max)
{
	int64_t t = base_arrival(p, index, past_max);

	if (p->jitter_ns > 0)
		t = add_checked(t, (int64_t)rng_below(r, (uint64_t)p->jitter_ns + 1), past_max);
	return t;
}

int64_t plan_block_start(const struct plan *p, uint64_t block)
{
	bool past = false;
	uint64_t first = block > UINT64_MAX / (p->iterations_per_block ? p->iterations_per_block
								       : 1)
				 ? UINT64_MAX
				 : block * p->iterations_per_block;

	return base_arrival(p, first, &past);
}
