/*
 * engine/plan.c - which scenario each trace index uses.
 */
#include "engine/engine.h"

#include "util/rng.h"

const struct scenario *plan_scenario_for(const struct plan *p, uint64_t index)
{
	struct rng r;
	uint32_t lo = 0, hi;
	double u;

	if (p->scenario)
		return p->scenario;
	if (!p->npool)
		return NULL;
	if (p->each_once || !p->cum_weights || p->npool == 1)
		return p->pool[index % p->npool];
	/* weighted: one draw from the trace's own stream of the "mixed" id */
	rng_seed(&r, p->seed, p->mixed_stream, index);
	hi = p->npool - 1;
	u = rng_double(&r) * p->cum_weights[hi];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (p->cum_weights[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return p->pool[lo];
}
