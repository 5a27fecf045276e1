/*
 * util/rng.h - per-trace deterministic random streams.
 *
 * Contract (as zstd's datagen.h writes it): the same (seed, stream, index)
 * always yields the same sequence, on every machine, thread and shard. A
 * stream is keyed by the run's seed, a 64-bit stream id (a hash of the
 * scenario name, or of "mixed") and the trace's global index, so any trace
 * can be rendered alone, in any order. State is passed by pointer; there is
 * no global generator. Generator: xoshiro256** seeded through SplitMix64.
 *
 * Floating-point draws use util/detmath.h only, so their bits do not depend
 * on the CPU's libm.
 */
#ifndef UTIL_RNG_H
#define UTIL_RNG_H

#include <stdint.h>
#include <stddef.h>

struct rng {
	uint64_t s[4];
};

/* 64-bit FNV-1a of a byte string: stream ids from names. */
uint64_t rng_hash(const void *data, size_t len);

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t index);
uint64_t rng_next(struct rng *r);
double rng_double(struct rng *r);                         /* [0, 1), 53 bits */
double rng_double_open(struct rng *r);                    /* (0, 1) */
uint64_t rng_below(struct rng *r, uint64_t n);            /* [0, n), unbiased; n > 0 */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi); /* [lo, hi] inclusive */
double rng_normal(struct rng *r);                         /* N(0,1), ziggurat */
void rng_bytes(struct rng *r, uint8_t *out, size_t n);

#endif
