/*
 * engine/plan.c - which scenario each trace index uses.
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
	/* weighted: one draw from the trace's own stream of the "mixed" id */
	rng_seed(&r, p->seed, p->mixed_stream, index);
	return p->pool[num_pick_weighted(p->cum_weights, p->npool, &r)];
}
