/*
 * engine/plan.c - what the plan decides for each iteration: its scenario
 * and its arrival time.
 */
#include "engine/engine.h"

#include <math.h>
#include <stdlib.h>

#include "engine/num.h"
#include "util/detmath.h"
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

/*
 * Expected arrivals from the run's start to `t` seconds into it: rate x
 * (t + the extra of each traffic phase up to t, the integral of its factor
 * minus 1: a ramp's is a trapezoid).
 */
static double cum_arrivals(const struct plan *p, double t)
{
	double x = t;

	for (uint32_t i = 0; i < p->nphases; i++) {
		const struct phase_rt *r = &p->phases[i];
		double s = (double)(r->start_ns - p->start_ns) / 1e9,
		       e = (double)(r->end_ns - p->start_ns) / 1e9, u, fu;

		if (r->ph->kind != PHASE_TRAFFIC || t <= s || !(e > s))
			continue;
		u = t < e ? t : e;
		fu = r->from + (r->to - r->from) * (u - s) / (e - s);
		x += ((r->from - 1) + (fu - 1)) / 2 * (u - s);
	}
	return p->rate_per_s * (x > 0 ? x : 0);
}

double plan_expected_arrivals(const struct plan *p)
{
	return cum_arrivals(p, (double)p->duration_ns / 1e9);
}

static int push(int64_t **times, size_t *cap, size_t n, int64_t t)
{
	if (n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		int64_t *nt = realloc(*times, c * sizeof(**times));

		if (!nt)
			return -1;
		*times = nt;
		*cap = c;
	}
	(*times)[n] = t;
	return 0;
}

/* seconds into a window as whole ns, rounded */
static int64_t secs_ns(double s)
{
	return (int64_t)(s * 1e9 + 0.5);
}

int64_t plan_arrivals(const struct plan *p, uint64_t w, struct rng *r, int64_t **times,
		      size_t *cap)
{
	int64_t from = (int64_t)w * p->window_ns, to = from + p->window_ns;
	int64_t base = p->start_ns + from;
	double a, b, len, ca, cb;
	size_t n = 0;

	if (to > p->duration_ns)
		to = p->duration_ns;
	if (from >= to)
		return 0;
	a = (double)from / 1e9;
	b = (double)to / 1e9;
	len = (double)(to - from) / 1e9;
	ca = cum_arrivals(p, a);
	cb = cum_arrivals(p, b);
	if (!(cb > ca))
		return 0;
	if (p->arrivals == ARRIVALS_UNIFORM) {
		/* the k-th arrival of the run at the time where k were expected */
		for (double k = ceil(ca); k < cb && n < PLAN_MAX_ARRIVALS; k++, n++)
			if (push(times, cap, n, base + secs_ns((k - ca) / (cb - ca) * len)))
				return -1;
		return (int64_t)n;
	}
	for (double rate = (cb - ca) / len, t = 0; n < PLAN_MAX_ARRIVALS; n++) {
		t += -det_log(rng_double_open(r)) / rate;
		if (!(t < len))
			break;
		if (push(times, cap, n, base + secs_ns(t)))
			return -1;
	}
	return (int64_t)n;
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
