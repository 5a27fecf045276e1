/*
 * engine/mcell.h - one stream's aggregate over one metric interval (a
 * "cell"), and the arithmetic that makes metrics independent of threads,
 * shards and block sizes.
 *
 * Every operation is associative and commutative on what it keeps, so a
 * cell is the same whether its measurements were added one by one, per
 * block then merged, or per shard then merged:
 *   - counts and bucket counts are integers;
 *   - sums are fixed point with 64 fractional bits in 128-bit integers
 *     (each measurement rounded once, to 2^-64; the total converted to a
 *     double once), so their order never moves a bit;
 *   - min and max are order-free;
 *   - a gauge keeps the measurement with the largest order key, an
 *     exemplar slot the one with the smallest (order key: block << 32 |
 *     span index in the block, the dataset's order);
 *   - an exponential histogram has the largest scale <= max_scale at which
 *     each sign's buckets span at most max_size indices (downscaling is
 *     exact, so that scale and those counts do not depend on the order).
 * A histogram keeps one exemplar per bucket; so does an exponential
 * histogram (per index of each sign, and one for the zero bucket; a
 * downscale keeps the smallest order key of the indices it joins, so the
 * slot of a bucket is the same in any order).
 *
 * Cells serialize to a flat little-endian byte form (mcell_write,
 * mcell_read): the block partials the workers hand the consumer and the
 * partial files shards write use it.
 */
#ifndef ENGINE_MCELL_H
#define ENGINE_MCELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

__extension__ typedef __int128 mfix; /* value * 2^64 */

struct mexemplar {
	uint64_t order; /* UINT64_MAX: empty */
	double value;
	uint64_t time_ns;
	uint8_t trace_id[16], span_id[8];
};

struct mexp_side {
	int32_t offset;
	uint32_t n;
	uint64_t *counts;     /* n of them, first and last non-zero (in cbuf) */
	struct mexemplar *ex; /* n of them: each index's exemplar (in xbuf) */
	/* room for indices base..base + cap - 1 (zero, empty outside the n) */
	int32_t base;
	uint32_t cap;
	uint64_t *cbuf; /* malloc'd */
	struct mexemplar *xbuf;
};

struct mcell {
	uint8_t instrument; /* enum metric_instrument */
	uint64_t count;
	mfix sum;
	double min, max;
	/* gauge */
	double last;
	uint64_t last_order;
	/* histogram: nb + 1 buckets and exemplar slots; exp: the zero bucket's */
	uint32_t nb;
	uint64_t *buckets;
	struct mexemplar *ex;
	/* exponential histogram */
	int32_t scale, max_scale;
	uint32_t max_size;
	uint64_t zero;
	struct mexp_side pos, neg;
};

/* An empty cell (nb: explicit bounds; max_scale/max_size: exp). -1 no memory. */
int mcell_init(struct mcell *c, int instrument, uint32_t nb, int32_t max_scale, uint32_t max_size);
void mcell_release(struct mcell *c);

/* One measurement; bucket: the explicit bucket (histograms). -1 no memory. */
int mcell_add(struct mcell *c, double v, uint32_t bucket, const struct mexemplar *ex);
/* dst += src (same instrument and shape). -1 no memory. */
int mcell_merge(struct mcell *dst, const struct mcell *src);

int mcell_write(const struct mcell *c, struct strbuf *out);
/* Parse a cell written by mcell_write at *p (advanced); c is initialized
 * by the caller (its instrument, nb, max_scale, max_size). -1 malformed. */
int mcell_read(struct mcell *c, const uint8_t **p, const uint8_t *end);

/* The fixed-point sum as a double (one rounding) and as an integer (floor). */
double mfix_double(mfix v);
int64_t mfix_int(mfix v);
/* v rounded to the fixed point (saturating past +-2^62). */
mfix mfix_of(double v);

/* The explicit bucket of v: the first bound >= v, else nb. */
uint32_t mcell_bucket(const double *bounds, uint32_t nb, double v);

/* The lower and upper boundary of exponential bucket idx at scale. */
void mexp_bounds(int32_t scale, int32_t idx, double *lo, double *hi);

#endif
