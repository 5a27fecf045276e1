/*
 * engine/dist.c - distribution samples with machine-independent bits.
 *
 * Draws consumed per sample (part of the output contract: changing them
 * changes every dataset):
 *   constant, none   none
 *   uniform          1 rng_double (an integer attribute: 1 rng_range,
 *                    which draws again with odds below 2^-40 for spans
 *                    under 2^24)
 *   exponential      rng_double_open (1, or more on an exact 0)
 *   normal, log_normal  1 rng_normal (a ziggurat, util/rng.c: one rng_next
 *                    in about 99% of draws, more in a wedge or the tail)
 *   percentiles      1 rng_double
 *   poisson          mean < 30: rng_double until the product falls to
 *                    e^-mean (about mean + 1 draws); else 1 rng_normal
 */
#include "engine/dist.h"

#include "util/detmath.h"

#define POISSON_NORMAL_FROM 30.0

static int64_t poisson(double mean, struct rng *r)
{
	if (!(mean > 0))
		return 0;
	if (mean < POISSON_NORMAL_FROM) {
		double limit = det_exp(-mean), p = 1.0;
		int64_t k = -1;

		/* Knuth: count uniforms until their product drops to e^-mean;
		 * k < 10000 only guards against a pathological stream */
		do {
			k++;
			p *= rng_double(r);
		} while (p > limit && k < 10000);
		return k;
	}
	{
		double x = det_round(mean + det_sqrt(mean) * rng_normal(r));

		if (x < 0)
			return 0;
		if (x > 9.2e18)
			return INT64_MAX;
		return (int64_t)x;
	}
}

/* Log-linear (or linear, when a bound is not positive) interpolation. */
static double interp(double u, double u0, double x0, double u1, double x1)
{
	double t = (u - u0) / (u1 - u0);

	if (x0 > 0 && x1 > 0) {
		double l0 = det_log(x0), l1 = det_log(x1);

		return det_exp(l0 + (l1 - l0) * t);
	}
	return x0 + (x1 - x0) * t;
}

static double percentiles(const double pct[4], struct rng *r)
{
	static const double at[4] = { 0.5, 0.9, 0.99, 1.0 };
	double u = rng_double(r), x, lo;

	if (u < 0.5) {
		if (pct[0] > 0 && pct[1] > 0)
			lo = pct[0] * pct[0] / pct[1];
		else
			lo = pct[0] - (pct[1] - pct[0]);
		x = interp(u, 0.0, lo, 0.5, pct[0]);
	} else {
		int k = 0;

		while (k < 2 && u >= at[k + 1])
			k++;
		x = interp(u, at[k], pct[k], at[k + 1], pct[k + 1]);
	}
	return x > pct[3] ? pct[3] : x;
}

double dist_sample(const struct dist *d, struct rng *r)
{
	double x;

	switch (d->kind) {
	case DIST_CONSTANT:
		x = d->p1;
		break;
	case DIST_LOG_NORMAL:
		x = d->p1 * det_exp(d->p2 * rng_normal(r));
		break;
	case DIST_NORMAL:
		x = d->p1 + d->p2 * rng_normal(r);
		break;
	case DIST_UNIFORM:
		x = d->p1 + (d->p2 - d->p1) * rng_double(r);
		break;
	case DIST_EXPONENTIAL:
		x = -d->p1 * det_log(rng_double_open(r));
		break;
	case DIST_PERCENTILES:
		x = percentiles(d->pct, r);
		break;
	case DIST_POISSON:
		x = (double)poisson(d->p1, r);
		break;
	default:
		return 0.0;
	}
	if (d->has_min && x < d->min)
		x = d->min;
	if (d->has_max && x > d->max)
		x = d->max;
	return x;
}

/* The smallest integer >= x, for |x| < 2^53 (exact: no libm). */
static double ceil_exact(double x)
{
	double t = (double)(int64_t)x;

	return t < x ? t + 1.0 : t;
}

static double floor_exact(double x)
{
	double t = (double)(int64_t)x;

	return t > x ? t - 1.0 : t;
}

int dist_sample_uniform_int(const struct dist *d, struct rng *r, int64_t *out)
{
	const double lim = 9007199254740992.0; /* 2^53 */
	double lo, hi;
	int64_t v;

	if (d->kind == DIST_UNIFORM && d->has_ibounds && d->imin <= d->imax) {
		*out = rng_range(r, d->imin, d->imax);
		return 0;
	}
	if (d->kind != DIST_UNIFORM || !(d->p1 > -lim && d->p2 < lim))
		return -1;
	lo = ceil_exact(d->p1);
	hi = floor_exact(d->p2);
	if (lo > hi)
		return -1;
	/* a uniform's min and max are its range: no clamp can apply */
	v = rng_range(r, (int64_t)lo, (int64_t)hi);
	*out = v;
	return 0;
}

int64_t count_sample(const struct count_spec *c, struct rng *r)
{
	int64_t n;

	switch (c->kind) {
	case COUNT_POISSON:
		n = poisson(c->mean, r);
		if (c->max > 0 && n > c->max)
			n = c->max;
		return n;
	case COUNT_UNIFORM:
		n = rng_range(r, c->min, c->max);
		break;
	default:
		n = c->n;
		break;
	}
	return n < 0 ? 0 : n;
}
