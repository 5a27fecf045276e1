/*
 * Deterministic log/exp after fdlibm (e_log.c, e_exp.c; Sun Microsystems,
 * freely redistributable). Only basic IEEE operations are used; together
 * with -ffp-contract=off the results are bit-identical on every CPU.
 */
#include "util/detmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static double from_bits(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

static const double ln2_hi = 6.93147180369123816490e-01;
static const double ln2_lo = 1.90821492927058770002e-10;
static const double two54 = 1.80143985094819840000e+16;
static const double Lg1 = 6.666666666666735130e-01;
static const double Lg2 = 3.999999999940941908e-01;
static const double Lg3 = 2.857142874366239149e-01;
static const double Lg4 = 2.222219843214978396e-01;
static const double Lg5 = 1.818357216161805012e-01;
static const double Lg6 = 1.531383769920937332e-01;
static const double Lg7 = 1.479819860511658591e-01;

double det_log(double x)
{
	double f, s, z, w, t1, t2, R, hfsq, dk;
	int64_t k = 0;
	uint64_t u = bits(x);
	uint32_t hx = (uint32_t)(u >> 32), i;

	if (x != x)
		return x;
	if (x == 0.0)
		return -HUGE_VAL;
	if (x < 0.0)
		return NAN;
	if (x == HUGE_VAL)
		return x;
	if (hx < 0x00100000) { /* subnormal: scale up */
		k -= 54;
		x *= two54;
		u = bits(x);
		hx = (uint32_t)(u >> 32);
	}
	k += (int64_t)(hx >> 20) - 1023;
	hx &= 0x000fffff;
	i = (hx + 0x95f64) & 0x100000;
	/* normalize x or x/2 into [sqrt(2)/2, sqrt(2)) */
	u = ((uint64_t)(hx | (i ^ 0x3ff00000)) << 32) | (u & 0xffffffffu);
	x = from_bits(u);
	k += (int64_t)(i >> 20);
	f = x - 1.0;
	dk = (double)k;
	s = f / (2.0 + f);
	z = s * s;
	w = z * z;
	t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
	t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
	R = t2 + t1;
	hfsq = 0.5 * f * f;
	return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
}

static const double P1 = 1.66666666666666019037e-01;
static const double P2 = -2.77777777770155933842e-03;
static const double P3 = 6.61375632143793436117e-05;
static const double P4 = -1.65339022054652515390e-06;
static const double P5 = 4.13813679705723846039e-08;
static const double invln2 = 1.44269504088896338700e+00;

double det_exp(double x)
{
	double hi, lo, c, t, y, r;
	int k;

	if (x != x)
		return x;
	if (x > 709.782712893383973096)
		return HUGE_VAL;
	if (x < -745.13321910194110842)
		return 0.0;
	if (x > -3.7252902984e-09 && x < 3.7252902984e-09)
		return 1.0 + x;
	t = x * invln2;
	k = (int)(t < 0 ? t - 0.5 : t + 0.5);
	hi = x - (double)k * ln2_hi;
	lo = (double)k * ln2_lo;
	r = hi - lo;
	t = r * r;
	c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
	y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
	if (k > -1022 && k < 1023) /* y * 2^k is exact and normal: no ldexp call */
		return y * from_bits((uint64_t)(k + 1023) << 52);
	return ldexp(y, k); /* exact scaling near the ends of the range */
}

double det_sqrt(double x)
{
	return sqrt(x);
}

double det_pow(double x, double y)
{
	if (x == 1.0 || y == 0.0)
		return 1.0;
	if (x <= 0.0)
		return x == 0.0 ? 0.0 : NAN;
	return det_exp(y * det_log(x));
}

double det_round(double x)
{
	return round(x); /* correctly defined, no libm variance */
}

double det_round_to(double x, int decimals)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	double m;

	if (decimals <= 0)
		return round(x);
	if (decimals > 9)
		decimals = 9;
	m = p10[decimals];
	if (fabs(x) * m > 9007199254740992.0)
		return x;
	return round(x * m) / m;
}
