/*
 * util/: deterministic math, RNG streams, time, text (hex, base64), locale,
 * string lists, arena, strbuf, sha256, varints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/yaml.h"
#include "util/arena.h"
#include "util/detmath.h"
#include "util/dir.h"
#include "util/redact.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/jsonw.h"
#include "util/strlist.h"
#include "util/text.h"
#include "util/tracestate.h"
#include "util/timefmt.h"
#include "util/workload.h"
#include "util/varint.h"

/* Distance in units in the last place: how many doubles lie between a and b. */
static uint64_t ulps(double a, double b)
{
	int64_t ia, ib;

	memcpy(&ia, &a, sizeof(ia));
	memcpy(&ib, &b, sizeof(ib));
	/* order the bit patterns like the values (negatives count down from -0) */
	if (ia < 0)
		ia = INT64_MIN - ia;
	if (ib < 0)
		ib = INT64_MIN - ib;
	return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

static void assert_ulps(const char *what, double x, double got, double want, uint64_t max)
{
	if (ulps(got, want) > max)
		fail_msg("%s(%.17g) = %.17g, libm %.17g: %llu ulp apart", what, x, got, want,
			 (unsigned long long)ulps(got, want));
}

/* What util/detmath.h promises: within 1 ulp of glibc's log and exp. */
static void test_det_log_exp_match_libm(void **state)
{
	(void)state;
	assert_int_equal(ulps(1.0, nextafter(1.0, 2.0)), 1);
	assert_int_equal(ulps(-0.0, 0.0), 0);
	assert_int_equal(ulps(-4.9406564584124654e-324, 4.9406564584124654e-324), 2);
	for (int i = -2000; i <= 2000; i++) {
		double x = ldexp(1.0 + (i & 255) / 256.0, i / 10);

		assert_ulps("det_log", x, det_log(x), log(x), 1);
	}
	for (int e = -1022; e <= 1023; e++) { /* every binade of the normal range */
		double x = ldexp(1.0 + ((unsigned)e * 37u % 256u) / 256.0, e);

		assert_ulps("det_log", x, det_log(x), log(x), 1);
	}
	/* subnormal arguments (log scales them up by 2^54 first) */
	for (int i = 0; i < 2000; i++) {
		double x = ldexp(1.0 + (i % 97) / 97.0, -1074 + i % 52);

		assert_true(x > 0 && x < 2.2250738585072014e-308);
		assert_ulps("det_log", x, det_log(x), log(x), 1);
	}
	assert_true(det_log(4.9406564584124654e-324) == log(4.9406564584124654e-324));
	for (int i = -7000; i <= 7000; i++) {
		double x = i / 10.0;

		assert_ulps("det_exp", x, det_exp(x), exp(x), 1);
	}
	/*
	 * The ends of exp's range, where 2^k is not a normal double and the
	 * result is scaled with ldexp: subnormal results below -708.4, results
	 * near overflow above 709.1.
	 */
	for (int i = 0; i <= 4000; i++) {
		double lo = -745.13 + i * ((745.13 - 708.4) / 4000);
		double hi = 709.1 + i * ((709.78 - 709.1) / 4000);

		assert_ulps("det_exp", lo, det_exp(lo), exp(lo), 1);
		assert_ulps("det_exp", hi, det_exp(hi), exp(hi), 1);
	}
	assert_true(det_exp(-740.0) > 0 && det_exp(-740.0) < 2.2250738585072014e-308);
	assert_true(det_exp(709.7) > 1e308 && !isinf(det_exp(709.7)));
	assert_true(det_log(0.0) == -HUGE_VAL);
	assert_true(isnan(det_log(-1.0)));
	assert_true(det_exp(1000.0) == HUGE_VAL);
	assert_true(det_exp(-1000.0) == 0.0);
	assert_true(det_exp(0.0) == 1.0);
	assert_true(det_log(1.0) == 0.0);
}

static void test_det_fixed_bits(void **state)
{
	/* pinned values: if these change, every fixture changes */
	(void)state;
	assert_true(det_log(2.0) == 0.69314718055994529);
	assert_true(det_exp(1.0) == 2.7182818284590455); /* fdlibm: 1 ulp above glibc */
	/* 2.345 is 2.34499999999999997 but 2.345 * 100 rounds up to 234.50000000000003 */
	assert_true(det_round_to(2.345, 2) == 2.35);
	/* 1.005 * 100 is 100.49999999999999: down */
	assert_true(det_round_to(1.005, 2) == 1.0);
	assert_true(det_round_to(0.125, 2) == 0.13); /* exact half: away from zero */
	assert_true(det_round_to(-0.125, 2) == -0.13);
	assert_true(det_round_to(10.004, 2) == 10.0);
	assert_true(det_round_to(2.5, 0) == 3.0);
	assert_true(det_round_to(1.23456789012, 12) == 1.234567890); /* at most 9 places */
	assert_true(det_round_to(1e300, 2) == 1e300); /* too large to scale: as it is */
}

static void test_rng_streams_independent_and_repeatable(void **state)
{
	struct rng a, b, c;

	(void)state;
	rng_seed(&a, 42, 7, 1000);
	rng_seed(&b, 42, 7, 1000);
	rng_seed(&c, 42, 7, 1001);
	for (int i = 0; i < 100; i++) {
		uint64_t x = rng_next(&a);

		assert_int_equal(x, rng_next(&b));
		assert_true(x != rng_next(&c));
	}
	/* pinned first value of a stream (format stability) */
	rng_seed(&a, 1, 0, 0);
	assert_true(rng_next(&a) == 670626371274173721ull);
}

static void test_rng_uniformity(void **state)
{
	struct rng r;
	unsigned counts[10] = { 0 };
	double sum = 0, sumsq = 0;
	const int n = 200000;

	(void)state;
	rng_seed(&r, 3, 3, 3);
	for (int i = 0; i < n; i++) {
		double d = rng_double(&r);

		assert_true(d >= 0.0 && d < 1.0);
		counts[(int)(d * 10)]++;
	}
	for (int i = 0; i < 10; i++)
		assert_true(counts[i] > n / 10 * 0.97 && counts[i] < n / 10 * 1.03);
	for (int i = 0; i < n; i++) {
		double z = rng_normal(&r);

		sum += z;
		sumsq += z * z;
	}
	assert_true(fabs(sum / n) < 0.01);
	assert_true(fabs(sumsq / n - 1.0) < 0.02);
	for (int i = 0; i < 10000; i++) {
		int64_t v = rng_range(&r, -3, 3);

		assert_true(v >= -3 && v <= 3);
	}
	assert_int_equal(rng_range(&r, 5, 5), 5);
}

static void test_time_rfc3339(void **state)
{
	int64_t ns;
	char buf[64];

	(void)state;
	assert_int_equal(time_parse_rfc3339("2026-01-01T00:00:00Z", &ns), 0);
	assert_true(ns == 1767225600LL * 1000000000LL);
	time_format_rfc3339(ns, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-01T00:00:00Z");
	assert_int_equal(time_parse_rfc3339("2026-01-01T02:00:00.5+02:00", &ns), 0);
	time_format_rfc3339(ns, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-01T00:00:00.5Z");
	assert_int_equal(time_parse_rfc3339("2024-02-29", &ns), 0);
	assert_int_equal(time_parse_rfc3339("2023-02-29", &ns), -1);
	assert_int_equal(time_parse_rfc3339("2026-13-01T00:00:00Z", &ns), -1);
	assert_int_equal(time_parse_rfc3339("2026-01-01T00:00:00", &ns), -1);
	time_format_rfc3339(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999999999Z");
}

static void test_duration_parse(void **state)
{
	int64_t ns;

	(void)state;
	assert_int_equal(duration_parse("500ms", 1000000, &ns), 0);
	assert_true(ns == 500000000);
	assert_int_equal(duration_parse("1h30m", 1000000, &ns), 0);
	assert_true(ns == 5400000000000LL);
	assert_int_equal(duration_parse("1.5s", 1000000, &ns), 0);
	assert_true(ns == 1500000000);
	assert_int_equal(duration_parse("250", 1000000, &ns), 0);
	assert_true(ns == 250000000);
	assert_int_equal(duration_parse("5 mins", 1000000, &ns), -1);
	assert_int_equal(duration_parse("99999999999999999999d", 1000000, &ns), -1);
	assert_int_equal(duration_parse("300000d", 1000000, &ns), -1);
	assert_int_equal(duration_parse("", 1000000, &ns), -1);
	assert_int_equal(duration_parse("5x", 1000000, &ns), -1);
}

static void test_text(void **state)
{
	char buf[40];
	size_t n;

	(void)state;
	assert_int_equal(utf8_valid_prefix("abc\xc3\xa9", 5), 5);
	assert_int_equal(utf8_valid_prefix("ab\xff", 3), 2);
	assert_int_equal(utf8_valid_prefix("a\xc0\x80", 3), 1);     /* overlong */
	assert_int_equal(utf8_valid_prefix("a\xed\xa0\x80", 4), 1); /* surrogate */
	assert_int_equal(utf8_valid_prefix("\xe2\x82", 2), 0);      /* truncated */
	n = fmt_i64(buf, INT64_MIN);
	buf[n] = 0;
	assert_string_equal(buf, "-9223372036854775808");
	n = fmt_u64(buf, UINT64_MAX);
	buf[n] = 0;
	assert_string_equal(buf, "18446744073709551615");
	n = fmt_double(buf, 0.1);
	buf[n] = 0;
	assert_string_equal(buf, "0.1");
	n = fmt_double(buf, 123.0);
	buf[n] = 0;
	assert_string_equal(buf, "123");
	n = fmt_double(buf, 1e300);
	buf[n] = 0;
	assert_string_equal(buf, "1e+300");
	n = fmt_double(buf, NAN);
	buf[n] = 0;
	assert_string_equal(buf, "NaN");
	n = fmt_double(buf, -INFINITY);
	buf[n] = 0;
	assert_string_equal(buf, "-Infinity");
	n = fmt_double(buf, INFINITY);
	buf[n] = 0;
	assert_string_equal(buf, "Infinity");
	n = fmt_double(buf, 0.0);
	buf[n] = 0;
	assert_string_equal(buf, "0");
	n = fmt_double(buf, -0.0);
	buf[n] = 0;
	assert_string_equal(buf, "-0");
	n = fmt_double(buf, 2.675);
	buf[n] = 0;
	assert_string_equal(buf, "2.675");
	assert_int_equal(edit_distance("latency", "latncy", 3), 1);
	assert_int_equal(edit_distance("latency", "latnecy", 3), 1);
	assert_int_equal(edit_distance("abc", "xyz", 2), 3);
	{
		uint8_t id[4] = { 0xde, 0xad, 0xbe, 0xef }, back[4];
		char hex[9] = { 0 };

		hex_encode(id, 4, hex);
		assert_string_equal(hex, "deadbeef");
		assert_int_equal(hex_decode("DEADbeef", 8, back, 4), 0);
		assert_memory_equal(id, back, 4);
		assert_int_equal(hex_decode("deadbee", 7, back, 4), -1);
	}
}

static void test_hex_digit_value(void **state)
{
	int accepted = 0;

	(void)state;
	assert_int_equal(hex_digit_value('0'), 0);
	assert_int_equal(hex_digit_value('9'), 9);
	assert_int_equal(hex_digit_value('a'), 10);
	assert_int_equal(hex_digit_value('f'), 15);
	assert_int_equal(hex_digit_value('A'), 10);
	assert_int_equal(hex_digit_value('F'), 15);
	/* the neighbours of each range */
	assert_int_equal(hex_digit_value('/'), -1);
	assert_int_equal(hex_digit_value(':'), -1);
	assert_int_equal(hex_digit_value('`'), -1);
	assert_int_equal(hex_digit_value('g'), -1);
	assert_int_equal(hex_digit_value('@'), -1);
	assert_int_equal(hex_digit_value('G'), -1);
	assert_int_equal(hex_digit_value(0), -1);
	assert_int_equal(hex_digit_value(0xff), -1);
	assert_int_equal(hex_digit_value(-1), -1);
	for (int c = 0; c < 256; c++)
		accepted += hex_digit_value(c) >= 0;
	assert_int_equal(accepted, 22);
}

/* Encodes n bytes into a buffer one larger than needed and checks the spare byte. */
static void b64_encode_is(const char *in, size_t n, const char *want)
{
	char out[80];

	assert_true(BASE64_ENCODED_LEN(n) < sizeof(out));
	memset(out, '#', sizeof(out));
	base64_encode((const uint8_t *)in, n, out);
	assert_int_equal(BASE64_ENCODED_LEN(n), strlen(want));
	assert_memory_equal(out, want, strlen(want));
	assert_int_equal(out[strlen(want)], '#');
}

static void test_base64_encode(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	b64_encode_is("", 0, "");
	b64_encode_is("f", 1, "Zg==");
	b64_encode_is("fo", 2, "Zm8=");
	b64_encode_is("foo", 3, "Zm9v");
	b64_encode_is("foob", 4, "Zm9vYg==");
	b64_encode_is("fooba", 5, "Zm9vYmE=");
	b64_encode_is("foobar", 6, "Zm9vYmFy");
	/* both ends of the alphabet, and NUL bytes */
	b64_encode_is("\xfb\xff\xbf", 3, "+/+/");
	b64_encode_is("\x00\x00\x00\x00", 4, "AAAAAA==");
	b64_encode_is("\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f\x41\x14\x93\x51\x55\x97"
		      "\x61\x96\x9b\x71\xd7\x9f\x82\x18\xa3\x92\x59\xa7\xa2\x9a\xab\xb2\xdb\xaf"
		      "\xc3\x1c\xb3\xd3\x5d\xb7\xe3\x9e\xbb\xf3\xdf\xbf",
		      48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

/*
 * Decodes in with flags into a heap buffer of exactly the documented room
 * (so ASan sees a write past it); want NULL expects -1 with *bad == bad.
 */
static void b64_decode_is(const char *in, size_t len, unsigned flags, const char *want,
			  size_t wantlen, size_t bad)
{
	uint8_t *out = malloc(len / 4 * 3 + 2);
	size_t n = 12345, at = 12345;
	int rc;

	assert_non_null(out);
	rc = base64_decode(in, len, flags, out, &n, &at);
	if (want) {
		if (rc || n != wantlen || (n && memcmp(out, want, n)))
			fail_msg("'%.*s' flags %u: rc %d, %zu bytes", (int)len, in, flags, rc, n);
		assert_int_equal(at, 12345); /* *bad only on failure */
	} else if (rc != -1 || at != bad) {
		fail_msg("'%.*s' flags %u: rc %d, bad %zu, want -1 at %zu", (int)len, in, flags, rc,
			 at, bad);
	}
	free(out);
}

#define DEC_OK(s, f, w)   b64_decode_is(s, sizeof(s) - 1, f, w, sizeof(w) - 1, 0)
#define DEC_BAD(s, f, at) b64_decode_is(s, sizeof(s) - 1, f, NULL, 0, at)

static void test_base64_decode(void **state)
{
	const unsigned any = BASE64_URL | BASE64_SPACE | BASE64_ANY_PAD;

	(void)state;
	/* RFC 4648 section 10, with and without padding, under every flag set */
	for (unsigned f = 0; f <= any; f++) {
		DEC_OK("", f, "");
		DEC_OK("Zg==", f, "f");
		DEC_OK("Zg", f, "f");
		DEC_OK("Zm8=", f, "fo");
		DEC_OK("Zm8", f, "fo");
		DEC_OK("Zm9v", f, "foo");
		DEC_OK("Zm9vYg==", f, "foob");
		DEC_OK("Zm9vYmE=", f, "fooba");
		DEC_OK("Zm9vYmFy", f, "foobar");
		DEC_OK("+/+/", f, "\xfb\xff\xbf");
		DEC_OK("Zh==", f, "f"); /* leftover bits are ignored */
		/* a lone digit in the last group is a length error, however padded */
		DEC_BAD("Z", f, 1);
		DEC_BAD("Zm9vY", f, 5);
		DEC_BAD("Zm9vY===", f, 8);
		/* characters outside the alphabet, a digit after '=' */
		DEC_BAD("Zm*v", f, 2);
		DEC_BAD("Zm9v\x80", f, 4);
		DEC_BAD("Zm\0v", f, 2);
		DEC_BAD("Zg=a", f, 3);
		DEC_BAD("Zg==Zg==", f, 4);
		DEC_BAD("Zm9v\v", f, 4);
		DEC_BAD("Zm9v\f", f, 4);
	}
	/* the URL alphabet */
	DEC_OK("-_8", BASE64_URL, "\xfb\xff");
	DEC_OK("-_+/", BASE64_URL, "\xfb\xff\xbf");
	DEC_BAD("-_8", 0, 0);
	DEC_BAD("+_8", BASE64_SPACE | BASE64_ANY_PAD, 1);
	/* white space */
	DEC_OK(" Zm9v\nYm\r\nFy\t", BASE64_SPACE, "foobar");
	DEC_OK("Zg== ", BASE64_SPACE, "f");
	DEC_OK("Zg= =", BASE64_SPACE, "f");
	DEC_BAD("Zg= a", BASE64_SPACE, 4);
	DEC_BAD(" Zm9v", 0, 0);
	DEC_BAD("Zm9v\n", BASE64_URL | BASE64_ANY_PAD, 4);
	/* exact padding when given (no BASE64_ANY_PAD) */
	DEC_BAD("Zg=", 0, 3);
	DEC_BAD("Zg===", 0, 5);
	DEC_BAD("Zm8==", BASE64_URL | BASE64_SPACE, 5);
	DEC_BAD("Zm9v=", 0, 5);
	DEC_BAD("Zm9v====", 0, 8);
	DEC_BAD("=", 0, 1);
	DEC_BAD("====", 0, 4);
	/* any run of '=' at the end with it */
	DEC_OK("Zg=", BASE64_ANY_PAD, "f");
	DEC_OK("Zg=====", BASE64_ANY_PAD, "f");
	DEC_OK("Zm9v=", BASE64_ANY_PAD, "foo");
	DEC_OK("=", BASE64_ANY_PAD, "");
	DEC_OK("====", BASE64_ANY_PAD, "");
	/* *bad may be NULL */
	{
		uint8_t out[4];
		size_t n;

		assert_int_equal(base64_decode("Z", 1, 0, out, &n, NULL), -1);
		assert_int_equal(base64_decode("Zg", 2, 0, out, &n, NULL), 0);
		assert_int_equal(n, 1);
	}
	/* round trips of every length up to 64 and every byte value, unpadded too */
	for (size_t len = 0; len <= 64; len++) {
		uint8_t in[64];
		char enc[BASE64_ENCODED_LEN(64)];
		size_t elen = BASE64_ENCODED_LEN(len);

		for (size_t i = 0; i < len; i++)
			in[i] = (uint8_t)(i * 97 + len * 31);
		base64_encode(in, len, enc);
		for (unsigned f = 0; f <= any; f++) {
			b64_decode_is(enc, elen, f, (const char *)in, len, 0);
			while (elen && enc[elen - 1] == '=')
				elen--;
			b64_decode_is(enc, elen, f, (const char *)in, len, 0);
			elen = BASE64_ENCODED_LEN(len);
		}
	}
	{
		uint8_t all[256], back[256 / 3 * 4 + 2];
		char enc[BASE64_ENCODED_LEN(256)];
		size_t n;

		for (int i = 0; i < 256; i++)
			all[i] = (uint8_t)i;
		base64_encode(all, 256, enc);
		assert_int_equal(base64_decode(enc, sizeof(enc), 0, back, &n, NULL), 0);
		assert_int_equal(n, 256);
		assert_memory_equal(back, all, 256);
	}
}

/* varint_get over a heap copy of exactly len bytes (ASan sees a read past it). */
static int varint_get_copy(const char *bytes, size_t len, uint64_t *v, size_t *used)
{
	uint8_t *buf = malloc(len ? len : 1);
	const uint8_t *p;
	int rc;

	assert_non_null(buf);
	memcpy(buf, bytes, len);
	p = buf;
	rc = varint_get(&p, buf + len, v);
	*used = (size_t)(p - buf);
	free(buf);
	return rc;
}

static void test_varint(void **state)
{
	static const struct {
		uint64_t v;
		const char *bytes;
		size_t n;
	} cases[] = {
		{ 0, "\x00", 1 },
		{ 1, "\x01", 1 },
		{ 127, "\x7f", 1 },
		{ 128, "\x80\x01", 2 },
		{ 300, "\xac\x02", 2 },
		{ 16383, "\xff\x7f", 2 },
		{ 16384, "\x80\x80\x01", 3 },
		{ (uint64_t)1 << 63, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 10 },
		{ UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10 },
	};
	uint64_t v;
	size_t used;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[11];

		memset(out, 0xee, sizeof(out));
		assert_int_equal(varint_size(cases[i].v), cases[i].n);
		assert_int_equal(varint_put(out, cases[i].v), cases[i].n);
		assert_memory_equal(out, cases[i].bytes, cases[i].n);
		assert_int_equal(out[cases[i].n], 0xee);
		v = 12345;
		assert_int_equal(varint_get_copy(cases[i].bytes, cases[i].n, &v, &used), 0);
		assert_true(v == cases[i].v);
		assert_int_equal(used, cases[i].n);
		/* every shorter prefix is cut short: -1, nothing consumed */
		for (size_t k = 0; k < cases[i].n; k++) {
			v = 12345;
			assert_int_equal(varint_get_copy(cases[i].bytes, k, &v, &used), -1);
			assert_int_equal(used, 0);
			assert_true(v == 12345);
		}
	}
	/* the size changes at every multiple of 7 bits */
	for (int bits = 1; bits <= 64; bits++)
		assert_int_equal(varint_size(UINT64_MAX >> (64 - bits)), (size_t)(bits + 6) / 7);
	/* reading stops at the last byte: what follows stays */
	assert_int_equal(varint_get_copy("\xac\x02\x05", 3, &v, &used), 0);
	assert_true(v == 300 && used == 2);
	/* longer forms than needed are accepted */
	assert_int_equal(varint_get_copy("\x80\x00", 2, &v, &used), 0);
	assert_true(v == 0 && used == 2);
	assert_int_equal(varint_get_copy("\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", 10, &v, &used),
			 0);
	assert_true(v == 1 && used == 10);
	/* overlong: a 10th byte above 1, an 11th byte */
	v = 12345;
	assert_int_equal(varint_get_copy("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10, &v, &used),
			 -1);
	assert_int_equal(used, 0);
	assert_true(v == 12345);
	assert_int_equal(
		varint_get_copy("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x81\x01", 11, &v, &used), -1);
	assert_int_equal(
		varint_get_copy("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 11, &v, &used), -1);
	assert_int_equal(used, 0);
}

static void test_suggest(void **state)
{
	static const char *const names[] = { "latency", "count", NULL, "name", "nmae", "out" };

	(void)state;
	assert_string_equal(suggest("latncy", names, 6), "latency");
	assert_string_equal(suggest("LATENCY", names, 6), "latency"); /* case only: closest */
	assert_string_equal(suggest("nam", names, 6), "name");        /* ties: first listed */
	assert_string_equal(suggest("coutn", names, 6), "count");
	assert_null(suggest("xyz", names, 6));
	assert_null(suggest("ab", names, 6)); /* "out" would change every character */
	assert_null(suggest("latency", names, 0));
	/* ties: a dropped letter before an extra one, then the longer common start */
	{
		static const char *const opts[] = { "out",   "count", "start",
						    "shard", "seed",  "speed" };

		assert_string_equal(suggest("cout", opts, 6), "count");
		assert_string_equal(suggest("sped", opts, 6), "speed");
		assert_string_equal(suggest("shart", opts, 6), "shard");
		assert_string_equal(suggest("sead", opts, 6), "seed");
	}
	/* rows of one allocation, wherever the rotation leaves them (ASan checks the free) */
	for (size_t n = 0; n < 5; n++) {
		static const char *const words[] = { "a", "ab", "abc", "abcd", "abcde" };
		static const size_t want[] = { 2, 1, 0, 1, 2 };

		assert_int_equal(edit_distance(words[n], "abc", 9), want[n]);
		assert_int_equal(edit_distance("abc", words[n], 9), want[n]);
	}
}

/* The one JSON string escaper, and the writer that uses it. */
static void test_json_escape(void **state)
{
	static const char in[] = "a\"b\\c\n\x01\x7f\xc3\xa9\xff\xe2\x82";
	static const char want[] = "\"a\\\"b\\\\c\\u000a\\u0001\x7f\xc3\xa9\\ufffd\\ufffd\\ufffd\"";
	char out[JSON_ESCAPED_MAX(sizeof(in))];
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	size_t n;

	(void)state;
	n = json_escape(out, in, sizeof(in) - 1);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
	assert_int_equal(json_escape(out, "", 0), 2);
	jsonw_init(&w, &sb, false);
	jsonw_begin_object(&w);
	jsonw_key(&w, "k\t");
	jsonw_string(&w, "v\n");
	jsonw_end_object(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(sb.buf, "{\"k\\u0009\":\"v\\u000a\"}");
	strbuf_release(&sb);
}

static bool want_yaml(void *ctx, const char *name, bool is_dir)
{
	(void)ctx;
	return is_dir || strstr(name, ".yaml") != NULL;
}

static void touch(const char *dir, const char *name)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%.500s/%.500s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

/* The one folder walk: hidden names skipped, byte order per level (a/ before a-x), links, loops, depth. */
static void test_dir_walk(void **state)
{
	char root[] = "/tmp/otelsim-dir.XXXXXX", p[512], q[512];
	struct dir_walk w = { "the folder", want_yaml, NULL };
	struct dir_list l = { 0 }, skipped = { 0 };
	struct otelsim_error err;
	static const char *const want[] = { "B.yaml", "a/z.yaml", "a-x.yaml", "b.yaml",
					    "dangling.yaml" };

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/a", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/.hidden", root);
	assert_int_equal(mkdir(p, 0755), 0);
	touch(p, "h.yaml");
	touch(root, "b.yaml");
	touch(root, "B.yaml");
	touch(root, "a-x.yaml");
	touch(root, "notes.txt");
	snprintf(p, sizeof(p), "%s/a", root);
	touch(p, "z.yaml");
	snprintf(q, sizeof(q), "%s/a/loop", root);
	assert_int_equal(symlink("..", q), 0); /* back to the root: walked once */
	snprintf(q, sizeof(q), "%s/dangling.yaml", root);
	assert_int_equal(symlink("nowhere", q), 0); /* offered, for its reader to refuse */
	snprintf(q, sizeof(q), "%s/fifo.yaml", root);
	assert_int_equal(mkfifo(q, 0644), 0); /* never listed: reading it would block */
	snprintf(q, sizeof(q), "%s/fifo.txt", root);
	assert_int_equal(mkfifo(q, 0644), 0); /* not wanted: not even skipped */
	memset(&err, 0, sizeof(err));
	assert_int_equal(dir_walk(root, &w, &l, &skipped, &err), 0);
	assert_int_equal(l.n, 5);
	for (size_t i = 0; i < l.n; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, want[i]);
		assert_string_equal(l.v[i], p);
	}
	assert_int_equal(skipped.n, 1);
	snprintf(p, sizeof(p), "%s/fifo.yaml", root);
	assert_string_equal(skipped.v[0], p);
	assert_true(dir_is_special(p));
	assert_false(dir_is_special(root));
	dir_list_release(&skipped);
	dir_list_release(&l);
	/* a file is not a folder; a missing one is the user's mistake */
	assert_int_equal(dir_walk(q, &w, &l, NULL, &err), OTELSIM_EINPUT);
	snprintf(p, sizeof(p), "%s/b.yaml", root);
	assert_int_equal(dir_walk(p, &w, &l, NULL, &err), OTELSIM_EINPUT);
	assert_string_equal(err.message, "cannot read the folder: Not a directory");
	assert_string_equal(err.file, p);
	/* deeper than DIR_WALK_DEPTH */
	{
		size_t n = (size_t)snprintf(p, sizeof(p), "%s/d", root);

		for (int i = 0; i <= DIR_WALK_DEPTH; i++) {
			assert_int_equal(mkdir(p, 0755), 0);
			n += (size_t)snprintf(p + n, sizeof(p) - n, "/d");
		}
	}
	assert_int_equal(dir_walk(root, &w, &l, NULL, &err), OTELSIM_ELIMIT);
	dir_list_release(&l);
	assert_int_equal(dir_remove_tree(root), 0);
	assert_int_not_equal(access(root, F_OK), 0);
}

static void test_tracestate(void **state)
{
	char why[200], big[600];
	static const char *const good[] = { "congo=t61rcWkgMzE",
					    "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
					    " a=1 ,\tb=2 ",
					    "tenant1@sys=x y z",
					    "a_-*/9=~!",
					    NULL };
	static const struct {
		const char *s, *why;
	} bad[] = {
		{ "", "empty (leave trace_state out instead)" },
		{ "a=1,,b=2", "member 2 is empty" },
		{ "novalue", "member 1 has no '='" },
		{ "Upper=1",
		  "member 1: key 'Upper' must be a lowercase letter then a-z 0-9 _ - * / (or "
		  "tenant@system)" },
		{ "a=1,a=2", "key 'a' is given twice" },
		{ "a=x,y", "member 2 has no '='" },
		{ "a=x ", NULL }, /* trailing blank of the member is OWS: fine */
		{ "a=b=c",
		  "member 1: the value must be 1 to 256 printable characters but ',' and '='" },
		{ "a=", "member 1: the value must be 1 to 256 printable characters but ',' and '='" },
		{ "1abc=x",
		  "member 1: key '1abc' must be a lowercase letter then a-z 0-9 _ - * / (or "
		  "tenant@system)" },
	};

	(void)state;
	for (size_t i = 0; good[i]; i++)
		if (tracestate_check(good[i], strlen(good[i]), why, sizeof(why)))
			fail_msg("'%s': %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = tracestate_check(bad[i].s, strlen(bad[i].s), why, sizeof(why));

		if (!bad[i].why) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_string_equal(why, bad[i].why);
	}
	/* 33 members: one too many */
	big[0] = '\0';
	for (int i = 0; i < 33; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%sk%d=v", i ? "," : "", i);
	assert_int_equal(tracestate_check(big, strlen(big), why, sizeof(why)), -1);
	assert_string_equal(why, "more than 32 members");
}

static void test_strlist(void **state)
{
	struct strlist_key keys[6];
	static const char *const text[] = { "b", "a", "c\0x", "a", "c\0y", "b" };
	static const size_t lens[] = { 1, 1, 3, 1, 3, 1 };
	static const char *const tags[] = { "x", "y" }, *const other[] = { "z", "y" };
	size_t first = 99, second = 99;

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		keys[i].s = text[i];
		keys[i].len = lens[i];
		keys[i].index = i;
	}
	/* "a" repeats at 3 before "b" at 5; bytes after a NUL count */
	assert_int_equal(strlist_first_dup(keys, 6, &first, &second), 1);
	assert_int_equal(first, 1);
	assert_int_equal(second, 3);
	for (size_t i = 0; i < 3; i++) {
		keys[i].s = text[2 * i];
		keys[i].len = lens[2 * i];
		keys[i].index = 10 + i;
	}
	assert_int_equal(strlist_first_dup(keys, 3, &first, &second), 0);
	assert_int_equal(strlist_first_dup(keys, 0, &first, &second), 0);
	/* the same text three times: the second occurrence, paired with the first */
	for (size_t i = 0; i < 3; i++) {
		keys[i].s = "k";
		keys[i].len = 1;
		keys[i].index = 2 - i;
	}
	assert_int_equal(strlist_first_dup(keys, 3, &first, &second), 1);
	assert_int_equal(first, 0);
	assert_int_equal(second, 1);
	assert_true(strlist_intersects(tags, 2, other, 2));
	assert_false(strlist_intersects(tags, 1, other, 2));
	assert_false(strlist_intersects(tags, 2, other, 0));
}

/*
 * A host program in a locale with a decimal comma: fmt_double and YAML
 * numbers still use '.'. A comma locale is taken from the system, else
 * made with localedef in a temporary folder (LOCPATH; the Debian package
 * 'locales' that tools/deps.sh test installs has its sources); without
 * either the test fails, saying so: it never passes without having run.
 */
static char locale_dir[64];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static bool comma_decimal(void)
{
	const struct lconv *lc = localeconv();

	return lc && lc->decimal_point && !strcmp(lc->decimal_point, ",");
}

static const char *find_comma_locale(void)
{
	static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8",  "fr_FR.UTF-8",
					     "fr_FR.utf8",  "nl_NL.UTF-8", "es_ES.UTF-8",
					     "it_IT.UTF-8", "ru_RU.UTF-8", "pt_BR.UTF-8" };
	char cmd[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]) && comma_decimal())
			return names[i];
	setlocale(LC_NUMERIC, "C");
	snprintf(locale_dir, sizeof(locale_dir), "/tmp/otelsim-locale-XXXXXX");
	if (!mkdtemp(locale_dir)) {
		locale_dir[0] = '\0';
		return NULL;
	}
	snprintf(cmd, sizeof(cmd),
		 "timeout 60 localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
		 locale_dir);
	if (system(cmd) == 0) {
		setenv("LOCPATH", locale_dir, 1);
		if (setlocale(LC_NUMERIC, "de_DE.UTF-8") && comma_decimal())
			return "de_DE.UTF-8";
	}
	return NULL;
}

static void test_c_locale_whatever_the_process_locale(void **state)
{
	const char *name = find_comma_locale(), *src;
	char buf[40];
	struct ydoc doc;
	struct otelsim_error err = { 0 };
	double d = 0;
	size_t n;

	(void)state;
	setlocale(LC_ALL, "C");
	if (!name)
		fail_msg(
			"no locale with a decimal comma: none is installed and 'localedef -i de_DE "
			"-f UTF-8' failed (its sources come with the Debian package 'locales', "
			"which tools/deps.sh test installs)");
	/* as a host program would: the environment's locale, LC_NUMERIC a comma one */
	unsetenv("LC_ALL");
	setenv("LC_NUMERIC", name, 1);
	assert_non_null(setlocale(LC_ALL, ""));
	assert_true(comma_decimal());
	snprintf(buf, sizeof(buf), "%.1f", 0.5);
	assert_string_equal(buf, "0,5"); /* the process formats with a comma now */
	n = fmt_double(buf, 0.5);
	buf[n] = '\0';
	assert_string_equal(buf, "0.5");
	n = fmt_double(buf, -1.25e-7);
	buf[n] = '\0';
	assert_string_equal(buf, "-1.25e-07");
	n = fmt_double(buf, 5e-324);
	buf[n] = '\0';
	assert_string_equal(buf, "5e-324");
	src = "a: 0.5\nb: -1.5e3\n";
	assert_int_equal(yaml_load_buffer("t.yaml", src, strlen(src), NULL, &doc, &err), 0);
	assert_int_equal(ynode_double(ymap_get(doc.root, "a"), &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(ynode_double(ymap_get(doc.root, "b"), &d), 0);
	assert_true(d == -1500.0);
	ydoc_release(&doc);
	assert_ptr_equal(util_c_locale(), util_c_locale());
}

static int locale_teardown(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	unsetenv("LC_NUMERIC");
	if (locale_dir[0]) {
		unsetenv("LOCPATH");
		nftw(locale_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		locale_dir[0] = '\0';
	}
	return 0;
}

static void test_arena_strbuf(void **state)
{
	struct arena a;
	struct strbuf sb = STRBUF_INIT;
	char *big;

	(void)state;
	arena_init(&a, 1024);
	for (int i = 0; i < 1000; i++) {
		char *p = arena_printf(&a, "item-%d", i);

		assert_non_null(p);
		assert_true(((uintptr_t)p & 15) == 0);
	}
	big = arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 1, 100000);
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	arena_release(&a);

	strbuf_init(&sb, 10);
	assert_int_equal(strbuf_addstr(&sb, "hello"), 0);
	assert_int_equal(strbuf_addstr(&sb, "world!"), -1); /* over max */
	assert_string_equal(sb.buf, "hello");
	assert_int_equal(strbuf_addf(&sb, "%d", 42), 0);
	assert_string_equal(sb.buf, "hello42");
	strbuf_release(&sb);
}

static void test_sha256(void **state)
{
	char hex[65];

	(void)state;
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* ---- redaction --------------------------------------------------------------- */

static char *redacted(const char *s, int level)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(redact_text(s, strlen(s), level, &sb), 0);
	return sb.buf ? sb.buf : strdup("");
}

static void expect_redacted(const char *s, int level, const char *want)
{
	char *got = redacted(s, level);

	if (strcmp(got, want))
		fail_msg("redact(%s):\n  got  %s\n  want %s", s, got, want);
	free(got);
}

/* the longest run of digits once separators between digits are dropped */
static size_t digit_run(const char *s)
{
	size_t run = 0, best = 0;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++run > best)
				best = run;
		} else if (!(run && strchr(" -.()/", *p) && p[1] >= '0' && p[1] <= '9')) {
			run = 0;
		}
	}
	return best;
}

/*
 * A corpus written here (not the bundled samples): e-mails, phone numbers
 * in many shapes and card numbers inside sentences; after basic redaction
 * none is left (no '@', no 7 digits in a row even across separators).
 */
static void test_redact_corpus(void **state)
{
	static const char *const lead[] = { "Reach me at ", "Mail ",     "My number is ",
					    "Please bill ", "Contact: ", "(" };
	static const char *const tail[] = { ".", " today.", ", thanks", "!", ")", " or later" };
	static const char *const names[] = { "ana", "j.smith", "li_wei", "o'brien", "x+tag" };
	static const char *const doms[] = { "example.com", "mail.example.org", "ex-ample.co.uk" };
	struct rng r;
	int found = 0;

	(void)state;
	rng_seed(&r, 7, 15, 0);
	for (int i = 0; i < 600; i++) {
		char item[96], text[256], *out;
		int kind = i % 3;

		if (kind == 0) {
			snprintf(item, sizeof(item), "%s@%s", names[rng_below(&r, 5)],
				 doms[rng_below(&r, 3)]);
		} else if (kind == 1) {
			int f = (int)rng_below(&r, 6), a = 1 + (int)rng_below(&r, 98),
			    b = 100 + (int)rng_below(&r, 900), c = (int)rng_below(&r, 10000),
			    d = (int)rng_below(&r, 10000);

			if (f == 0)
				snprintf(item, sizeof(item), "+%d %d %04d %04d", a, b, c, d);
			else if (f == 1)
				snprintf(item, sizeof(item), "(%03d) %03d-%04d", b, b, c);
			else if (f == 2)
				snprintf(item, sizeof(item), "%03d.%03d.%04d", b, b, d);
			else if (f == 3)
				snprintf(item, sizeof(item), "+%d-%d-%04d-%04d", a, b, c, d);
			else if (f == 4)
				snprintf(item, sizeof(item), "0%d %03d %04d", a, b, c);
			else
				snprintf(item, sizeof(item), "%03d%03d%04d", b, b, d);
		} else {
			uint64_t a = rng_below(&r, 10000), b = rng_below(&r, 10000),
				 c = rng_below(&r, 10000), d = rng_below(&r, 10000);
			const char *sep = i % 2 ? " " : "-";

			snprintf(item, sizeof(item), "4%03llu%s%04llu%s%04llu%s%04llu",
				 (unsigned long long)(a % 1000), sep, (unsigned long long)b, sep,
				 (unsigned long long)c, sep, (unsigned long long)d);
		}
		snprintf(text, sizeof(text), "%s%s%s", lead[rng_below(&r, 6)], item,
			 tail[rng_below(&r, 6)]);
		out = redacted(text, i % 2 ? REDACT_BASIC : REDACT_STRICT);
		if (strchr(out, '@') || digit_run(out) >= 7)
			fail_msg("personal data left in '%s': '%s'", text, out);
		found += strstr(out, "[EMAIL]") || strstr(out, "[PHONE]") || strstr(out, "[CARD]");
		free(out);
	}
	assert_int_equal(found, 600);
}

static void test_redact_exact(void **state)
{
	(void)state;
	expect_redacted("Contact me at john.smith@example.com or +44 20 7946 0958.", REDACT_BASIC,
			"Contact me at [EMAIL] or [PHONE].");
	expect_redacted("Card 4111 1111 1111 1111, call (555) 123-4567 at 10am.", REDACT_BASIC,
			"Card [CARD], call [PHONE] at 10am.");
	expect_redacted("Policy POL-8892, claim PH-8842, SSN 123-45-6789, claim 8842, #12345.",
			REDACT_BASIC, "Policy [ID], claim [ID], SSN [ID], claim [ID], #[ID].");
	/* not personal data: dates, years, times, small numbers, product names */
	expect_redacted("On 2024-03-15 (2019-2024) at 10:30, 3 iPhone15s and gpt-4o.",
			REDACT_STRICT,
			"On 2024-03-15 (2019-2024) at 10:30, 3 iPhone15s and gpt-4o.");
	/* names and addresses: strict only */
	expect_redacted("My name is Ana Lopez, I live at 42 High Street.", REDACT_BASIC,
			"My name is Ana Lopez, I live at 42 High Street.");
	expect_redacted("My name is Ana Lopez, I live at 42 High Street.", REDACT_STRICT,
			"My name is [NAME], I live at [ADDRESS].");
	expect_redacted("Dr. Smith and I'm Jean-Luc O'Neil, at 7b Elm Rd; 3 on the way.",
			REDACT_STRICT, "Dr. [NAME] and I'm [NAME], at [ADDRESS]; 3 on the way.");
	expect_redacted("caf\xc3\xa9 ok", REDACT_STRICT, "caf\xc3\xa9 ok");
	expect_redacted("x@y.com", REDACT_NONE, "x@y.com");
}

/* util/workload.h: every unit and alias seed 004 lists, and the bounds */
static void test_workload_parse(void **state)
{
	static const struct {
		const char *s;
		int64_t ns;
	} durs[] = {
		{ "30s", 30000000000LL },      { "30sec", 30000000000LL },
		{ "30secs", 30000000000LL },   { "5m", 300000000000LL },
		{ "5min", 300000000000LL },    { "5mins", 300000000000LL },
		{ "1h", 3600000000000LL },     { "1hr", 3600000000000LL },
		{ "2hrs", 7200000000000LL },   { "1hour", 3600000000000LL },
		{ "2hours", 7200000000000LL }, { "1d", 86400000000000LL },
		{ "1day", 86400000000000LL },  { "2days", 172800000000000LL },
		{ "1h30m", 5400000000000LL },  { "1.5s", 1500000000LL },
		{ "365d", 31536000000000000LL },
	};
	char msg[200];
	double r = 0;
	int64_t ns = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		assert_int_equal(workload_duration_parse(durs[i].s, 0, &ns, msg, sizeof(msg)), 0);
		assert_int_equal(ns, durs[i].ns);
	}
	assert_int_equal(workload_duration_parse("600", 1000000000, &ns, NULL, 0), 0);
	assert_int_equal(ns, 600000000000LL);
	assert_int_equal(workload_duration_parse("600", 0, &ns, msg, sizeof(msg)),
			 WORKLOAD_ESYNTAX);
	assert_string_equal(msg, "a duration is a number and a unit (s, m, h or d), like 30s, 5m, "
				 "1h or 1d, not '600'");
	assert_int_equal(workload_duration_parse("5 fortnights", 0, &ns, NULL, 0), WORKLOAD_ESYNTAX);
	assert_int_equal(workload_duration_parse("", 0, &ns, NULL, 0), WORKLOAD_ESYNTAX);
	assert_int_equal(workload_duration_parse("0s", 0, &ns, NULL, 0), WORKLOAD_EZERO);
	assert_int_equal(workload_duration_parse("366d", 0, &ns, NULL, 0), WORKLOAD_ELARGE);
	assert_int_equal(workload_duration_parse("1000000000000000000000000000000hours", 0, &ns,
						 msg, sizeof(msg)),
			 WORKLOAD_ELARGE);
	assert_string_equal(msg, "'1000000000000000000000000000000hours' is longer than a year "
				 "(365d, the longest workload)");
	assert_int_equal(workload_rate_parse("100/s", &r, NULL, 0), 0);
	assert_true(r == 100);
	assert_int_equal(workload_rate_parse("6000/m", &r, NULL, 0), 0);
	assert_true(r == 100);
	assert_int_equal(workload_rate_parse("360000/h", &r, NULL, 0), 0);
	assert_true(r == 100);
	assert_int_equal(workload_rate_parse("2.5/s", &r, NULL, 0), 0);
	assert_true(r == 2.5);
	assert_int_equal(workload_rate_parse("0/s", &r, msg, sizeof(msg)), WORKLOAD_EZERO);
	assert_string_equal(msg, "a rate of 0 makes no traffic: give a count above 0, like 1/s");
	assert_int_equal(workload_rate_parse("1000001/s", &r, NULL, 0), WORKLOAD_ELARGE);
	assert_int_equal(workload_rate_parse("100", &r, NULL, 0), WORKLOAD_ESYNTAX);
	assert_int_equal(workload_rate_parse("100/ms", &r, NULL, 0), WORKLOAD_ESYNTAX);
	assert_int_equal(workload_rate_parse("-1/s", &r, NULL, 0), WORKLOAD_ESYNTAX);
	assert_int_equal(workload_rate_parse("1/s ", &r, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_det_log_exp_match_libm),
		cmocka_unit_test(test_det_fixed_bits),
		cmocka_unit_test(test_rng_streams_independent_and_repeatable),
		cmocka_unit_test(test_rng_uniformity),
		cmocka_unit_test(test_time_rfc3339),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_workload_parse),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_hex_digit_value),
		cmocka_unit_test(test_base64_encode),
		cmocka_unit_test(test_base64_decode),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_dir_walk),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_tracestate),
		cmocka_unit_test_teardown(test_c_locale_whatever_the_process_locale,
					  locale_teardown),
		cmocka_unit_test(test_arena_strbuf),
		cmocka_unit_test(test_redact_corpus),
		cmocka_unit_test(test_redact_exact),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
