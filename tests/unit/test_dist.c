/*
 * engine/dist: sample statistics over 100k draws and pinned bits.
 *
 * Tolerances: with N = 100000 draws the standard error of a sample mean is
 * sd/316; every tolerance below is at least 4 such errors wide, and the
 * streams are fixed, so these tests are deterministic (not flaky) while
 * still failing on any real change of shape (a wrong sigma, an off-by-one
 * in Poisson, a mis-placed percentile knot).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/gen.h"
#include "load/template.h"
#include "util/rng.h"

#define N 100000

static double xs[N];

static void assert_rel(double got, double want, double rel, const char *what)
{
	if (fabs(got - want) > fabs(want) * rel)
		fail_msg("%s: got %.10g, want %.10g within %.3g%%", what, got, want, rel * 100);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void draw(const struct dist *d, uint64_t stream)
{
	struct rng r;

	rng_seed(&r, 2024, stream, 0);
	for (int i = 0; i < N; i++)
		xs[i] = dist_sample(d, &r);
}

static double mean_of(const double *v, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s / n;
}

static double sd_of(const double *v, int n)
{
	double m = mean_of(v, n), s = 0;

	for (int i = 0; i < n; i++)
		s += (v[i] - m) * (v[i] - m);
	return sqrt(s / (n - 1));
}

/* The q-quantile of the sorted xs. */
static double quantile(double q)
{
	return xs[(size_t)(q * (N - 1))];
}

static void test_log_normal(void **state)
{
	struct dist d = { .kind = DIST_LOG_NORMAL, .p1 = 120.0, .p2 = 0.6 };

	(void)state;
	draw(&d, 1);
	for (int i = 0; i < N; i++)
		assert_true(xs[i] > 0);
	qsort(xs, N, sizeof(xs[0]), cmp_double);
	/* median within 2% of `median` (s.e. of the median ~0.24% here) */
	assert_rel(quantile(0.5), 120.0, 0.02, "log_normal median");
	for (int i = 0; i < N; i++)
		xs[i] = log(xs[i]);
	/* sd of log within 3% of sigma (s.e. ~0.22%) */
	assert_rel(sd_of(xs, N), 0.6, 0.03, "log_normal sigma");
}

static void test_normal(void **state)
{
	struct dist d = { .kind = DIST_NORMAL, .p1 = 250.0, .p2 = 40.0 };

	(void)state;
	draw(&d, 2);
	/* mean within 1% of stddev (s.e. 0.32% of sd); sd within 2% (s.e. 0.22%) */
	if (fabs(mean_of(xs, N) - 250.0) > 0.01 * 40.0)
		fail_msg("normal mean %.6g", mean_of(xs, N));
	assert_rel(sd_of(xs, N), 40.0, 0.02, "normal stddev");
}

static void test_uniform(void **state)
{
	struct dist d = { .kind = DIST_UNIFORM, .p1 = 10.0, .p2 = 30.0 };
	double lo = 1e9, hi = -1e9;

	(void)state;
	draw(&d, 3);
	for (int i = 0; i < N; i++) {
		assert_true(xs[i] >= 10.0 && xs[i] < 30.0);
		lo = xs[i] < lo ? xs[i] : lo;
		hi = xs[i] > hi ? xs[i] : hi;
	}
	assert_true(lo < 10.01 && hi > 29.99);
	/* mean within 1% (s.e. 0.09%) */
	assert_rel(mean_of(xs, N), 20.0, 0.01, "uniform mean");
}

/*
 * An int attribute drawn from uniform min..max: every integer equally
 * likely, the end values included (a rounded continuous draw gives 1 and 6
 * half the odds of 2..5). 60000 draws: 10000 each, s.e. ~91, 4% ~ 4.4 s.e.
 */
static void test_uniform_int(void **state)
{
	struct dist d = { .kind = DIST_UNIFORM, .p1 = 1.0, .p2 = 6.0 };
	struct gen g;
	struct rng r;
	struct arena a;
	struct tmpl_ctx ctx = { &r, &a, NULL, NULL, 0 };
	struct value v;
	int seen[7] = { 0 };
	int64_t x;

	(void)state;
	arena_init(&a, 0);
	rng_seed(&r, 9, 9, 9);
	memset(&g, 0, sizeof(g));
	g.kind = GEN_DIST;
	g.type = VAL_INT;
	g.dist = d;
	for (int i = 0; i < 60000; i++) {
		assert_int_equal(gen_eval(&g, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_true(v.u.i >= 1 && v.u.i <= 6);
		seen[v.u.i]++;
	}
	for (int k = 1; k <= 6; k++)
		assert_rel(seen[k], 10000, 0.04, "uniform int: each value equally likely");
	/* fractional bounds: the integers inside them only */
	d.p1 = 1.5;
	d.p2 = 3.9;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(dist_sample_uniform_int(&d, &r, &x), 0);
		assert_true(x == 2 || x == 3);
	}
	/* no integer inside, or not a uniform: the caller rounds instead */
	d.p1 = 1.2;
	d.p2 = 1.8;
	assert_int_equal(dist_sample_uniform_int(&d, &r, &x), -1);
	d.kind = DIST_NORMAL;
	assert_int_equal(dist_sample_uniform_int(&d, &r, &x), -1);
	d.kind = DIST_UNIFORM;
	d.p1 = -3.0;
	d.p2 = -3.0;
	assert_int_equal(dist_sample_uniform_int(&d, &r, &x), 0);
	assert_int_equal(x, -3);
	arena_release(&a);
}

static void test_exponential(void **state)
{
	struct dist d = { .kind = DIST_EXPONENTIAL, .p1 = 35.0 };

	(void)state;
	draw(&d, 4);
	for (int i = 0; i < N; i++)
		assert_true(xs[i] > 0 && isfinite(xs[i]));
	/* mean within 2% (s.e. 0.32%) */
	assert_rel(mean_of(xs, N), 35.0, 0.02, "exponential mean");
	assert_rel(sd_of(xs, N), 35.0, 0.03, "exponential sd");
}

static void test_constant_and_none(void **state)
{
	struct dist c = { .kind = DIST_CONSTANT, .p1 = 7.25 };
	struct dist none = { .kind = DIST_NONE, .p1 = 3 };
	struct rng r, r0;

	(void)state;
	rng_seed(&r, 1, 2, 3);
	r0 = r;
	for (int i = 0; i < 1000; i++)
		assert_true(dist_sample(&c, &r) == 7.25);
	assert_true(dist_sample(&none, &r) == 0.0);
	/* neither draws from the stream */
	assert_memory_equal(&r, &r0, sizeof(r));
}

static void test_percentiles(void **state)
{
	struct dist d = { .kind = DIST_PERCENTILES, .pct = { 100, 250, 800, 2000 } };
	double mx = 0;

	(void)state;
	draw(&d, 5);
	for (int i = 0; i < N; i++) {
		assert_true(xs[i] <= 2000.0);
		assert_true(xs[i] >= 40.0); /* p50^2/p90 = 40 is the floor */
		mx = xs[i] > mx ? xs[i] : mx;
	}
	assert_true(mx > 1800); /* the top 1% reaches towards max */
	qsort(xs, N, sizeof(xs[0]), cmp_double);
	/* empirical p50/p90/p99 within 3% */
	assert_rel(quantile(0.50), 100, 0.03, "p50");
	assert_rel(quantile(0.90), 250, 0.03, "p90");
	assert_rel(quantile(0.99), 800, 0.03, "p99");
	/* log-linear: halfway (in probability) from p50 to p90 is the geometric mean */
	assert_rel(quantile(0.70), sqrt(100.0 * 250.0), 0.03, "p70");
}

static void test_poisson_dist(void **state)
{
	static const double means[] = { 0.5, 4, 50 };

	(void)state;
	for (size_t m = 0; m < 3; m++) {
		struct dist d = { .kind = DIST_POISSON, .p1 = means[m] };
		double sd;

		draw(&d, 6 + m);
		for (int i = 0; i < N; i++)
			assert_true(xs[i] >= 0 && xs[i] == floor(xs[i]));
		/* mean and variance within 3% (s.e. of the mean 0.45% at 0.5,
		 * of the variance 0.63% at 0.5 and smaller above) */
		assert_rel(mean_of(xs, N), means[m], 0.03, "poisson mean");
		sd = sd_of(xs, N);
		assert_rel(sd * sd, means[m], 0.03, "poisson variance");
	}
}

static void test_count(void **state)
{
	static const double means[] = { 0.5, 4, 50 };
	struct rng r;

	(void)state;
	for (size_t m = 0; m < 3; m++) {
		struct count_spec c = { .kind = COUNT_POISSON, .mean = means[m] };
		double sd;

		rng_seed(&r, 9, 10 + m, 0);
		for (int i = 0; i < N; i++)
			xs[i] = (double)count_sample(&c, &r);
		assert_rel(mean_of(xs, N), means[m], 0.03, "count poisson mean");
		sd = sd_of(xs, N);
		assert_rel(sd * sd, means[m], 0.03, "count poisson variance");
	}
	{
		struct count_spec c = { .kind = COUNT_POISSON, .mean = 6, .max = 5 };
		int at_max = 0;

		rng_seed(&r, 9, 20, 0);
		for (int i = 0; i < N; i++) {
			int64_t n = count_sample(&c, &r);

			assert_true(n >= 0 && n <= 5);
			at_max += n == 5;
		}
		/* P(X >= 5) for mean 6 is 0.715 */
		assert_rel(at_max / (double)N, 0.7149, 0.02, "poisson cap");
	}
	{
		struct count_spec c = { .kind = COUNT_UNIFORM, .min = 2, .max = 4 };
		int seen[5] = { 0 };

		rng_seed(&r, 9, 21, 0);
		for (int i = 0; i < 30000; i++) {
			int64_t n = count_sample(&c, &r);

			assert_true(n >= 2 && n <= 4);
			seen[n]++;
		}
		for (int k = 2; k <= 4; k++)
			assert_rel(seen[k], 10000, 0.03, "uniform count");
	}
	{
		struct count_spec c = { .kind = COUNT_FIXED, .n = 3 };
		struct rng r0;

		rng_seed(&r, 9, 22, 0);
		r0 = r;
		assert_int_equal(count_sample(&c, &r), 3);
		assert_memory_equal(&r, &r0, sizeof(r));
	}
}

static void test_clamps(void **state)
{
	struct dist d = { .kind = DIST_NORMAL,
			  .p1 = 0,
			  .p2 = 10,
			  .has_min = true,
			  .min = -5,
			  .has_max = true,
			  .max = 5 };
	int at_min = 0, at_max = 0;

	(void)state;
	draw(&d, 30);
	for (int i = 0; i < N; i++) {
		assert_true(xs[i] >= -5 && xs[i] <= 5);
		at_min += xs[i] == -5;
		at_max += xs[i] == 5;
	}
	/* P(N(0,10) < -5) = 0.3085 */
	assert_rel(at_min / (double)N, 0.3085, 0.03, "clamped at min");
	assert_rel(at_max / (double)N, 0.3085, 0.03, "clamped at max");
	d.kind = DIST_EXPONENTIAL;
	d.p1 = 1;
	d.has_max = false;
	d.min = 0.5;
	draw(&d, 31);
	for (int i = 0; i < N; i++)
		assert_true(xs[i] >= 0.5);
}

/*
 * The first 3 samples of one fixed stream for each kind. If these change,
 * every dataset changes: only update them on purpose.
 */
static void test_pinned_bits(void **state)
{
	static const struct {
		struct dist d;
		double want[3];
	} pins[] = {
		{ { .kind = DIST_CONSTANT, .p1 = 12.5 }, { 0x1.9p+3, 0x1.9p+3, 0x1.9p+3 } },
		{ { .kind = DIST_LOG_NORMAL, .p1 = 100, .p2 = 0.5 },
		  { 0x1.d3ff1c1494774p+6, 0x1.0611074610b52p+8, 0x1.11476a2d3e91cp+7 } },
		{ { .kind = DIST_NORMAL, .p1 = 50, .p2 = 10 },
		  { 0x1.a91e91b524efcp+5, 0x1.151302462f82ap+6, 0x1.c1f2b8050eb6p+5 } },
		{ { .kind = DIST_UNIFORM, .p1 = 5, .p2 = 15 },
		  { 0x1.5945845cc3a6ep+3, 0x1.cce457021a6f1p+3, 0x1.6da7143bb148ep+3 } },
		{ { .kind = DIST_EXPONENTIAL, .p1 = 20 },
		  { 0x1.5dc24c6b8be46p+3, 0x1.3b3cb62eee3b1p+0, 0x1.1af6f91218b15p+3 } },
		{ { .kind = DIST_PERCENTILES, .pct = { 100, 250, 800, 2000 } },
		  { 0x1.df524b5cb62d2p+6, 0x1.a4c9e0e6e2266p+8, 0x1.154e6cfd3dd88p+7 } },
		{ { .kind = DIST_POISSON, .p1 = 4 }, { 7, 6, 3 } },
	};
	struct count_spec c = { .kind = COUNT_POISSON, .mean = 50 };
	struct rng r;

	(void)state;
	for (size_t k = 0; k < sizeof(pins) / sizeof(pins[0]); k++) {
		rng_seed(&r, 12345, 678, 9);
		for (int i = 0; i < 3; i++) {
			double got = dist_sample(&pins[k].d, &r);

			if (memcmp(&got, &pins[k].want[i], sizeof(got)) != 0)
				fail_msg("kind %d sample %d: got %a, want %a", pins[k].d.kind, i,
					 got, pins[k].want[i]);
		}
	}
	rng_seed(&r, 12345, 678, 9);
	assert_int_equal(count_sample(&c, &r), 52);
	assert_int_equal(count_sample(&c, &r), 64);
	assert_int_equal(count_sample(&c, &r), 54);
}

/* ---- engine/gen ---- */

static void test_gen(void **state)
{
	struct value choices[3];
	double cum[3] = { 1.0, 1.0, 4.0 }; /* weights 1, 0, 3 */
	struct gen g;
	struct rng r;
	struct arena a;
	struct tmpl_ctx ctx = { &r, &a, NULL, NULL, 0 };
	struct value v;
	int seen[3] = { 0 };

	(void)state;
	arena_init(&a, 0);
	rng_seed(&r, 5, 5, 5);
	for (int k = 0; k < 3; k++) {
		choices[k].type = VAL_INT;
		choices[k].u.i = k;
	}
	memset(&g, 0, sizeof(g));
	g.kind = GEN_CHOICE;
	g.type = VAL_INT;
	g.choices = choices;
	g.cum_weights = cum;
	g.nchoices = 3;
	for (int i = 0; i < 40000; i++) {
		assert_int_equal(gen_eval(&g, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		seen[v.u.i]++;
	}
	assert_int_equal(seen[1], 0);
	assert_rel(seen[0], 10000, 0.04, "choice weight 1");
	assert_rel(seen[2], 30000, 0.02, "choice weight 3");

	/* distributions: ints round half away from zero, doubles to decimals */
	memset(&g, 0, sizeof(g));
	g.kind = GEN_DIST;
	g.dist.kind = DIST_CONSTANT;
	g.dist.p1 = -2.5;
	g.type = VAL_INT;
	assert_int_equal(gen_eval(&g, &ctx, &v), 0);
	assert_int_equal(v.type, VAL_INT);
	assert_int_equal(v.u.i, -3);
	g.dist.p1 = 2.5;
	gen_eval(&g, &ctx, &v);
	assert_int_equal(v.u.i, 3);
	g.type = VAL_DOUBLE;
	g.decimals = 2;
	g.dist.p1 = 3.14159;
	gen_eval(&g, &ctx, &v);
	assert_int_equal(v.type, VAL_DOUBLE);
	assert_true(v.u.d == 3.14);
	g.decimals = -1;
	gen_eval(&g, &ctx, &v);
	assert_true(v.u.d == 3.14159);

	/* constants as they are */
	memset(&g, 0, sizeof(g));
	g.kind = GEN_CONST;
	g.type = VAL_STRING;
	g.constant.type = VAL_STRING;
	g.constant.u.s.ptr = "abc";
	g.constant.u.s.len = 3;
	gen_eval(&g, &ctx, &v);
	assert_int_equal(v.type, VAL_STRING);
	assert_ptr_equal(v.u.s.ptr, g.constant.u.s.ptr);

	/* templates converted to the declared type */
	{
		static const struct {
			const char *src;
			int type;
			int want_type;
			const char *want;
		} conv[] = {
			{ "4{{random.int(2,2)}}", VAL_INT, VAL_INT, "42" },
			{ "-{{random.int(7,7)}}", VAL_INT, VAL_INT, "-7" },
			{ "x{{random.int(2,2)}}", VAL_INT, VAL_STRING, "x2" },
			{ "0.{{random.int(5,5)}}", VAL_DOUBLE, VAL_DOUBLE, "0.5" },
			{ "{{random.int(5,5)}}", VAL_DOUBLE, VAL_DOUBLE, "5" },
			{ "tr{{random.choice(ue)}}", VAL_BOOL, VAL_BOOL, "true" },
			{ "fal{{random.choice(se)}}", VAL_BOOL, VAL_BOOL, "false" },
			{ "{{random.choice(yes)}}", VAL_BOOL, VAL_STRING, "yes" },
			{ "{{random.int(12,12)}}", VAL_STRING, VAL_STRING, "12" },
			{ "{{random.float(1.5,1.5)}}", VAL_INT, VAL_INT, "2" },
		};
		struct arena ta;

		arena_init(&ta, 0);
		for (size_t k = 0; k < sizeof(conv) / sizeof(conv[0]); k++) {
			struct tmpl_error err;
			char buf[32];

			memset(&g, 0, sizeof(g));
			g.kind = GEN_TEMPLATE;
			g.type = (uint8_t)conv[k].type;
			assert_int_equal(tmpl_compile(&ta, conv[k].src, strlen(conv[k].src), NULL,
						      &g.tmpl, &err),
					 0);
			assert_int_equal(gen_eval(&g, &ctx, &v), 0);
			if (v.type != conv[k].want_type)
				fail_msg("'%s': type %d, want %d", conv[k].src, v.type,
					 conv[k].want_type);
			switch (v.type) {
			case VAL_INT:
				snprintf(buf, sizeof(buf), "%lld", (long long)v.u.i);
				break;
			case VAL_DOUBLE:
				snprintf(buf, sizeof(buf), "%g", v.u.d);
				break;
			case VAL_BOOL:
				snprintf(buf, sizeof(buf), "%s", v.u.b ? "true" : "false");
				break;
			default:
				snprintf(buf, sizeof(buf), "%.*s", (int)v.u.s.len, v.u.s.ptr);
				break;
			}
			assert_string_equal(buf, conv[k].want);
		}
		arena_release(&ta);
	}
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_normal),  cmocka_unit_test(test_normal),
		cmocka_unit_test(test_uniform),     cmocka_unit_test(test_uniform_int),
		cmocka_unit_test(test_exponential), cmocka_unit_test(test_constant_and_none),
		cmocka_unit_test(test_percentiles), cmocka_unit_test(test_poisson_dist),
		cmocka_unit_test(test_count),       cmocka_unit_test(test_clamps),
		cmocka_unit_test(test_pinned_bits), cmocka_unit_test(test_gen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
