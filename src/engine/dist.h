/*
 * engine/dist.h - drawing numbers from the model's distributions.
 *
 * Only util/detmath.h math and the rng's own draws are used, so a sample's
 * bits are the same on every CPU and libm: the output files depend on them.
 * Each call consumes a fixed pattern of draws per kind (documented in
 * dist.c), so the stream after it is reproducible too.
 */
#ifndef ENGINE_DIST_H
#define ENGINE_DIST_H

#include <stdint.h>

#include "model/model.h"
#include "util/rng.h"

/*
 * One sample of d (its has_min/has_max clamps applied). DIST_NONE gives 0
 * without drawing: callers substitute the config default first.
 *   log_normal   p1 * exp(p2 * N)          normal       p1 + p2 * N
 *   uniform      [p1, p2)                  exponential  -p1 * log(U), U in (0,1)
 *   constant     p1                        poisson      see count_sample
 *   percentiles  inverse CDF, log-linear through (0, p50^2/p90), (.5, p50),
 *                (.9, p90), (.99, p99), (1, max); never above max
 */
double dist_sample(const struct dist *d, struct rng *r);

/*
 * An integer sample of a uniform d: every integer in [imin, imax] when
 * has_ibounds (the loader sets them, exact int64), else in [ceil(p1),
 * floor(p2)] for |p1|, |p2| < 2^53, with the same odds (one rng_range: one
 * draw, rarely more). Rounding a continuous draw instead would give the two end values
 * half the odds of the others. 0 with *out set, or -1 when d is not uniform
 * or holds no integer within int64 range (the caller rounds dist_sample).
 */
int dist_sample_uniform_int(const struct dist *d, struct rng *r, int64_t *out);

/*
 * How many instances of a span: COUNT_FIXED n; COUNT_POISSON a Poisson
 * draw of `mean` (Knuth's product method below 30, a rounded normal above),
 * capped at `max` when max > 0; COUNT_UNIFORM rng_range(min, max).
 * Never negative.
 */
int64_t count_sample(const struct count_spec *c, struct rng *r);

#endif
