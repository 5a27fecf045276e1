#include "util/rng.h"

#include <math.h>
#include <pthread.h>

#include "util/detmath.h"

uint64_t rng_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
	uint64_t x = seed;

	/* mix the three keys through SplitMix64 so nearby indexes diverge */
	x = splitmix64(&x) ^ stream;
	x = splitmix64(&x) ^ index;
	(void)splitmix64(&x);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_double_open(struct rng *r)
{
	double d;

	do {
		d = rng_double(r);
	} while (d == 0.0);
	return d;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	/* Lemire's nearly divisionless method */
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t l = (uint64_t)m;

	if (l < n) {
		uint64_t t = -n % n;

		while (l < t) {
			m = (unsigned __int128)rng_next(r) * n;
			l = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)hi - (uint64_t)lo;
	if (span == UINT64_MAX)
		return (int64_t)rng_next(r);
	return (int64_t)((uint64_t)lo + rng_below(r, span + 1));
}

/*
 * Normal draws: the ziggurat of Marsaglia and Tsang with Doornik's ZIGNOR
 * layout (128 blocks). In about 99% of draws one 64-bit value gives both
 * the uniform (its top 53 bits) and the block (its low 7 bits): no log, no
 * sqrt. The tables are built once with util/detmath.h, so their bits (and
 * every draw) are the same on every machine.
 */
#define ZIG_C 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

static double zig_x[ZIG_C + 1], zig_r[ZIG_C];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void)
{
	double f = det_exp(-0.5 * ZIG_R * ZIG_R);

	zig_x[0] = ZIG_V / f;
	zig_x[1] = ZIG_R;
	zig_x[ZIG_C] = 0;
	for (int i = 2; i < ZIG_C; i++) {
		zig_x[i] = det_sqrt(-2.0 * det_log(ZIG_V / zig_x[i - 1] + f));
		f = det_exp(-0.5 * zig_x[i] * zig_x[i]);
	}
	for (int i = 0; i < ZIG_C; i++)
		zig_r[i] = zig_x[i + 1] / zig_x[i];
}

static double zig_tail(struct rng *r, int negative)
{
	double x, y;

	do {
		x = det_log(rng_double_open(r)) / ZIG_R;
		y = det_log(rng_double_open(r));
	} while (-2.0 * y < x * x);
	return negative ? x - ZIG_R : ZIG_R - x;
}

double rng_normal(struct rng *r)
{
	pthread_once(&zig_once, zig_init);
	for (int guard = 0; guard < 1000; guard++) {
		uint64_t bits = rng_next(r);
		double u = 2.0 * ((double)(bits >> 11) * 0x1.0p-53) - 1.0;
		unsigned i = (unsigned)(bits & (ZIG_C - 1));
		double x, f0, f1;

		if (fabs(u) < zig_r[i]) /* inside the block's rectangle */
			return u * zig_x[i];
		if (i == 0)
			return zig_tail(r, u < 0);
		x = u * zig_x[i]; /* in the wedge: accept by the density */
		f0 = det_exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
		f1 = det_exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
		if (f1 + rng_double(r) * (f0 - f1) < 1.0)
			return x;
	}
	return 0.0;
}

void rng_bytes(struct rng *r, uint8_t *out, size_t n)
{
	while (n) {
		uint64_t x = rng_next(r);
		size_t k = n < 8 ? n : 8;

		for (size_t i = 0; i < k; i++)
			out[i] = (uint8_t)(x >> (8 * i));
		out += k;
		n -= k;
	}
}
