#include "util/rng.h"

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

double rng_normal(struct rng *r)
{
	/* Marsaglia polar method; the spare value is dropped so each call
	 * consumes whole draws and streams stay easy to reason about. */
	for (int guard = 0; guard < 1000; guard++) {
		double u = 2.0 * rng_double(r) - 1.0;
		double v = 2.0 * rng_double(r) - 1.0;
		double s = u * u + v * v;

		if (s > 0.0 && s < 1.0)
			return u * det_sqrt(-2.0 * det_log(s) / s);
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
