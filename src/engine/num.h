/*
 * engine/num.h - the small numeric helpers the engine's files share.
 *
 * Virtual time is int64 nanoseconds since the epoch. Adding latencies,
 * gaps and backoff waits to it must not overflow (signed overflow is
 * undefined behaviour), so the engine adds and multiplies times with the
 * saturating num_add_sat/num_mul_sat: a time past INT64_MAX
 * (2262-04-11T23:47:16.854775807Z) stays at INT64_MAX.
 */
#ifndef ENGINE_NUM_H
#define ENGINE_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"

/* a + b, clamped to [INT64_MIN, INT64_MAX]. */
static inline int64_t num_add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* a * b, clamped to [INT64_MIN, INT64_MAX]. */
static inline int64_t num_mul_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

/*
 * A weighted pick with one rng_double: u = draw * cum[n - 1], and the first
 * k with cum[k] > u. cum holds ascending cumulative weights (a weight of 0
 * repeats the previous sum and is never picked); n >= 1.
 */
static inline uint32_t num_pick_weighted(const double *cum, uint32_t n, struct rng *r)
{
	uint32_t lo = 0, hi = n - 1;
	double u = rng_double(r) * cum[hi];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

#endif
