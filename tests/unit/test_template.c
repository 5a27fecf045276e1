/* engine/template: compiling "{{...}}" strings, their errors, and evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/template.h"
#include "load/template.h"
#include "util/arena.h"
#include "util/rng.h"
#include "util/text.h"

struct fx {
	struct arena a;   /* compiled templates */
	struct arena out; /* evaluation results */
	struct rng rng;
	struct tmpl_ctx ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	arena_init(&f->a, 0);
	arena_init(&f->out, 0);
	rng_seed(&f->rng, 42, 7, 0);
	f->ctx.rng = &f->rng;
	f->ctx.arena = &f->out;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	arena_release(&f->a);
	arena_release(&f->out);
	free(f);
	return 0;
}

static struct tmpl *compile_env(struct fx *f, const char *s, const struct tmpl_env *env)
{
	struct tmpl *t = NULL;
	struct tmpl_error err;

	memset(&err, 0, sizeof(err));
	if (tmpl_compile(&f->a, s, strlen(s), env, &t, &err) != 0)
		fail_msg("compiling '%s': %s (offset %zu)", s, err.message, err.offset);
	assert_non_null(t);
	return t;
}

static struct tmpl *compile(struct fx *f, const char *s)
{
	return compile_env(f, s, NULL);
}

static struct value eval(struct fx *f, const struct tmpl *t)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	assert_int_equal(tmpl_eval(t, &f->ctx, &v), 0);
	return v;
}

/* The string result as a NUL-terminated copy in buf. */
static const char *eval_str(struct fx *f, const struct tmpl *t, char *buf, size_t cap)
{
	struct value v = eval(f, t);

	assert_int_equal(v.type, VAL_STRING);
	assert_true(v.u.s.len < cap);
	memcpy(buf, v.u.s.ptr, v.u.s.len);
	buf[v.u.s.len] = '\0';
	return buf;
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_int(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.int(-5, 5)}}");
	struct tmpl *e = compile(f, "n={{ random.int( 1000 , 1000 ) }};");
	int seen[11] = { 0 };
	char buf[64];

	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_INT);
	for (int i = 0; i < 20000; i++) {
		struct value v = eval(f, t);

		assert_int_equal(v.type, VAL_INT);
		assert_true(v.u.i >= -5 && v.u.i <= 5);
		seen[v.u.i + 5]++;
	}
	for (int i = 0; i < 11; i++)
		assert_true(seen[i] > 1500 && seen[i] < 2100); /* 1818 expected each */
	assert_false(tmpl_is_lone_expr(e));
	assert_int_equal(tmpl_natural_type(e), VAL_STRING);
	assert_string_equal(eval_str(f, e, buf, sizeof(buf)), "n=1000;");

	t = compile(f, "{{random.int(-9223372036854775808,9223372036854775807)}}");
	assert_int_equal(eval(f, t).type, VAL_INT);
}

static void test_float(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.float(10.00, 500.00)}}");
	struct tmpl *t4 = compile(f, "{{random.float(0, 1.0001)}}");
	double lo = 1e9, hi = -1e9;

	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_DOUBLE);
	for (int i = 0; i < 20000; i++) {
		struct value v = eval(f, t);
		double c;

		assert_int_equal(v.type, VAL_DOUBLE);
		assert_true(v.u.d >= 10.0 && v.u.d <= 500.0);
		/* two decimals: v*100 is (within rounding) an integer */
		c = v.u.d * 100;
		assert_true(c - (double)(int64_t)(c + 0.5) < 1e-6 &&
			    (double)(int64_t)(c + 0.5) - c < 1e-6);
		lo = v.u.d < lo ? v.u.d : lo;
		hi = v.u.d > hi ? v.u.d : hi;
	}
	assert_true(lo < 12.0 && hi > 498.0);
	for (int i = 0; i < 2000; i++) {
		struct value v = eval(f, t4);
		double c = v.u.d * 10000;

		assert_true(v.u.d >= 0 && v.u.d <= 1.0001);
		assert_true(c - (double)(int64_t)(c + 0.5) < 1e-6 &&
			    (double)(int64_t)(c + 0.5) - c < 1e-6);
	}
}

/*
 * Embedded floats use a fast formatter; it must write exactly what
 * fmt_double writes for the lone value drawn from the same stream.
 */
static void test_float_text_matches_fmt_double(void **state)
{
	static const char *const ranges[] = {
		"(10.00, 500.00)",
		"(-1000.123, 1000.5)",
		"(0, 1)",
		"(-1, 1)",
		"(0.00001, 0.0003)",
		"(0.0001, 0.002)",
		"(123456789012.5, 999999999999.25)",
		"(5, 5)",
		"(-0.01, 0.01)",
		"(1, 100000000)",
		/* scaled integers of 15 and 16 digits: past DBL_DIG the digits of
		 * k are not always the shortest text of k / 10^decimals */
		"(0, 90000000000000)",
		"(-90000000000000, -10000000000000)",
		"(0.000000001, 9000000)",
		"(-9000000, -1000000.00000001)",
		"(1000000000000, 9999999999999.99)",
		"(100000000000000, 900000000000000)",
		"(0, 999999999999999)",
	};
	struct fx *f = *state;

	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		char lone_s[96], emb_s[96], buf[96], want[40];
		struct tmpl *lone, *emb;

		snprintf(lone_s, sizeof(lone_s), "{{random.float%s}}", ranges[r]);
		snprintf(emb_s, sizeof(emb_s), "<{{random.float%s}}>", ranges[r]);
		lone = compile(f, lone_s);
		emb = compile(f, emb_s);
		for (uint64_t i = 0; i < 20000; i++) {
			struct value v;
			size_t n;

			rng_seed(&f->rng, 1, 2, i);
			v = eval(f, lone);
			rng_seed(&f->rng, 1, 2, i);
			eval_str(f, emb, buf, sizeof(buf));
			want[0] = '<';
			n = 1 + fmt_double(want + 1, v.u.d);
			want[n++] = '>';
			want[n] = '\0';
			if (strcmp(buf, want) != 0)
				fail_msg("%s draw %llu: got '%s', want '%s'", ranges[r],
					 (unsigned long long)i, buf, want);
			assert_true(strcmp(buf, "<-0>") != 0);
		}
	}
}

static void test_uuid(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.uuid}}");
	char prev[40] = "";

	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_STRING);
	for (int i = 0; i < 5000; i++) {
		char buf[64];

		eval_str(f, t, buf, sizeof(buf));
		assert_int_equal(strlen(buf), 36);
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(buf[k], '-');
			else
				assert_true(is_lower_hex(buf[k]));
		}
		assert_int_equal(buf[14], '4');
		assert_non_null(strchr("89ab", buf[19]));
		assert_string_not_equal(buf, prev);
		memcpy(prev, buf, 37);
	}
	/* empty parentheses are allowed */
	t = compile(f, "{{ random.uuid() }}");
	assert_int_equal(eval(f, t).u.s.len, 36);
}

static void test_hex(void **state)
{
	static const int lens[] = { 1, 7, 16, 17, 32, 1024 };
	struct fx *f = *state;

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		char src[48];
		struct tmpl *t;
		int seen[16] = { 0 };

		snprintf(src, sizeof(src), "{{random.hex(%d)}}", lens[l]);
		t = compile(f, src);
		for (int i = 0; i < 400; i++) {
			struct value v = eval(f, t);

			assert_int_equal(v.type, VAL_STRING);
			assert_int_equal(v.u.s.len, lens[l]);
			for (uint32_t k = 0; k < v.u.s.len; k++) {
				char c = v.u.s.ptr[k];

				assert_true(is_lower_hex(c));
				seen[c <= '9' ? c - '0' : c - 'a' + 10]++;
			}
		}
		for (int d = 0; d < 16; d++)
			assert_true(seen[d] > 0);
	}
}

static void test_ipv4(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.ipv4}}");
	bool first[256] = { false }, last[256] = { false }, mid[256] = { false };

	for (int i = 0; i < 60000; i++) {
		char buf[32];
		unsigned o[4];
		int n = 0;

		eval_str(f, t, buf, sizeof(buf));
		assert_int_equal(sscanf(buf, "%u.%u.%u.%u%n", &o[0], &o[1], &o[2], &o[3], &n), 4);
		assert_int_equal((size_t)n, strlen(buf));
		assert_true(o[0] >= 1 && o[0] <= 223 && o[0] != 127);
		assert_true(o[1] <= 255 && o[2] <= 255);
		assert_true(o[3] >= 1 && o[3] <= 254);
		first[o[0]] = last[o[3]] = mid[o[1]] = true;
	}
	assert_true(first[1] && first[126] && first[128] && first[223]);
	assert_true(last[1] && last[254]);
	assert_true(mid[0] && mid[255]);
}

static void test_choice(void **state)
{
	static const char *const want[] = { "GET", "POST", "PUT, or not", "42", "New York", "" };
	struct fx *f = *state;
	struct tmpl *t = compile(
		f, "{{random.choice(GET, 'POST', \"PUT, or not\", 42,  New York , '')}}");
	int seen[6] = { 0 };

	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_STRING);
	for (int i = 0; i < 6000; i++) {
		struct value v = eval(f, t);
		size_t k;

		assert_int_equal(v.type, VAL_STRING);
		for (k = 0; k < 6; k++)
			if (v.u.s.len == strlen(want[k]) &&
			    memcmp(v.u.s.ptr, want[k], v.u.s.len) == 0)
				break;
		assert_true(k < 6);
		seen[k]++;
	}
	for (int k = 0; k < 6; k++)
		assert_true(seen[k] > 850 && seen[k] < 1150); /* 1000 expected each */

	t = compile(f, "[{{random.choice(only)}}]");
	{
		char buf[16];

		assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "[only]");
	}
}

static void test_user_agent(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.user_agent}}");
	char seen[16][200];
	int nseen = 0;

	for (int i = 0; i < 3000; i++) {
		char buf[200];
		int k;

		eval_str(f, t, buf, sizeof(buf));
		assert_true(strlen(buf) > 8);
		for (k = 0; k < nseen; k++)
			if (strcmp(seen[k], buf) == 0)
				break;
		if (k == nseen) {
			assert_true(nseen < 16);
			memcpy(seen[nseen++], buf, strlen(buf) + 1);
		}
	}
	assert_int_equal(nseen, 12);
	for (int k = 0; k < nseen; k++)
		assert_true(strncmp(seen[k], "Mozilla/5.0 (", 13) == 0 || strchr(seen[k], '/'));
}

struct bad {
	const char *src;
	size_t offset;
	const char *message;
};

static void test_compile_errors(void **state)
{
	static const char *const vars[] = { "user", "region" };
	static const struct tmpl_env env = { vars, 2, false };
	static const struct tmpl_env bare = { vars, 2, true };
	static const struct tmpl_env none = { NULL, 0, false };
	static const struct bad bad[] = {
		{ "abc {{ random.int(1,2)", 4, "unclosed '{{'" },
		{ "x{{random.uuid", 1, "unclosed '{{'" },
		{ "x {{   }} y", 2, "empty expression in '{{ }}'" },
		{ "{{}}", 0, "empty expression in '{{ }}'" },
		{ "id={{random.flaot(1,2)}}", 5,
		  "unknown template function 'random.flaot' (did you mean 'random.float'?)" },
		{ "{{ random.uuidd }}", 3,
		  "unknown template function 'random.uuidd' (did you mean 'random.uuid'?)" },
		{ "{{random.zzzzzz}}", 2,
		  "unknown template function 'random.zzzzzz' (known: random.int, random.float, "
		  "random.uuid, random.hex, random.ipv4, random.choice, random.user_agent)" },
		{ "{{random.int(1)}}", 2, "random.int takes 2 integer arguments (min, max)" },
		{ "{{random.int}}", 2, "random.int takes 2 integer arguments (min, max)" },
		{ "{{random.int(1, 2.5)}}", 16, "random.int takes 2 integer arguments (min, max)" },
		{ "{{random.int(1, 'a')}}", 17, "random.int takes 2 integer arguments (min, max)" },
		{ "{{random.int(9, 3)}}", 13, "random.int min 9 is greater than max 3" },
		{ "{{random.float(2.50, 1)}}", 15, "random.float min 2.50 is greater than max 1" },
		{ "{{random.float(a, 1)}}", 15,
		  "random.float takes 2 number arguments (min, max)" },
		{ "{{random.float(1, 1.0000000001)}}", 18,
		  "random.float allows at most 9 decimals" },
		{ "{{random.hex(0)}}", 13, "random.hex length must be 1..1024 (got 0)" },
		{ "{{random.hex(1025)}}", 13, "random.hex length must be 1..1024 (got 1025)" },
		{ "{{random.hex()}}", 2, "random.hex takes 1 integer argument (length)" },
		{ "{{random.uuid(4)}}", 14, "random.uuid takes no arguments" },
		{ "{{random.choice()}}", 2, "random.choice takes at least 1 argument" },
		{ "{{random.choice(a, 'b)}}", 19, "unterminated quote in random.choice arguments" },
		{ "{{random.choice(a,,b)}}", 18, "empty argument in random.choice" },
		{ "{{random.choice(a, b}}", 20, "missing ')' after random.choice arguments" },
		{ "{{random.uuid x}}", 14, "unexpected 'x' after 'random.uuid' (expected '}}')" },
		{ "{{random.int(1,2) }} }}", -1, NULL }, /* fine: text after */
		{ "{{random.int(1,2)) }}", 17,
		  "unexpected ')' after 'random.int' (expected '}}')" },
		{ "{{vars.usr}}", 2, "unknown variable 'vars.usr' (did you mean 'vars.user'?)" },
		{ "{{vars.zzz}}", 2,
		  "unknown variable 'vars.zzz' (defined: 'vars.user', 'vars.region')" },
		{ "{{vars.user()}}", 11,
		  "unexpected '(' after 'vars.user' (it is not a function)" },
		{ "{{user}}", 2, "unknown template expression 'user' (did you mean 'vars.user'?)" },
		{ "{{parent.attrs.x}}", 2,
		  "unknown template reference 'parent.attrs.x' (expected "
		  "'parent.attributes.<key>')" },
		{ "{{ {x} }}", 3, "unexpected '{' in an expression (is a '}}' missing?)" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tmpl *t = NULL;
		struct tmpl_error err;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = tmpl_compile(&f->a, bad[i].src, strlen(bad[i].src), &env, &t, &err);
		if (!bad[i].message) {
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -1)
			fail_msg("'%s' compiled", bad[i].src);
		assert_null(t);
		if (strcmp(err.message, bad[i].message) != 0 || err.offset != bad[i].offset)
			fail_msg("'%s': got %zu '%s', want %zu '%s'", bad[i].src, err.offset,
				 err.message, bad[i].offset, bad[i].message);
	}

	/* bare vars (trace-generator files) */
	{
		struct tmpl *t = NULL;
		struct tmpl_error err;

		assert_int_equal(tmpl_compile(&f->a, "{{usr}}", 7, &bare, &t, &err), -1);
		assert_string_equal(err.message, "unknown variable 'usr' (did you mean 'user'?)");
		assert_int_equal(err.offset, 2);
		assert_int_equal(tmpl_compile(&f->a, "a {{uuid}}", 10, &bare, &t, &err), -1);
		assert_string_equal(err.message,
				    "unknown variable 'uuid' (did you mean 'random.uuid'?)");
		assert_int_equal(err.offset, 4);
		assert_int_equal(tmpl_compile(&f->a, "{{vars.x}}", 10, &none, &t, &err), -1);
		assert_string_equal(err.message,
				    "unknown variable 'vars.x' (no variables are defined here)");
		assert_int_equal(tmpl_compile(&f->a, "{{vars.x}}", 10, NULL, &t, &err), -1);
		assert_int_equal(tmpl_compile(&f->a, "{{user}}", 8, &bare, &t, &err), 0);
	}
}

static void test_vars_and_parent(void **state)
{
	static const char *const names[] = { "user", "ratio", "ok", "name" };
	static const struct tmpl_env env = { names, 4, false };
	static const struct tmpl_env bare = { names, 4, true };
	struct fx *f = *state;
	struct value vars[4];
	struct keyval pattrs[2];
	struct tmpl *t;
	struct value v;
	char buf[128];

	vars[0].type = VAL_INT;
	vars[0].u.i = -42;
	vars[1].type = VAL_DOUBLE;
	vars[1].u.d = 0.25;
	vars[2].type = VAL_BOOL;
	vars[2].u.b = 1;
	vars[3].type = VAL_STRING;
	vars[3].u.s.ptr = "alice";
	vars[3].u.s.len = 5;
	pattrs[0].key = "http.request.method";
	pattrs[0].key_len = 19;
	pattrs[0].value = vars[3];
	pattrs[1].key = "http.response.status_code";
	pattrs[1].key_len = 25;
	pattrs[1].value.type = VAL_INT;
	pattrs[1].value.u.i = 503;
	f->ctx.vars = vars;
	f->ctx.parent_attrs = pattrs;
	f->ctx.nparent_attrs = 2;

	t = compile_env(f, "{{ vars.user }}", &env);
	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_NONE);
	v = eval(f, t);
	assert_int_equal(v.type, VAL_INT);
	assert_int_equal(v.u.i, -42);
	v = eval(f, compile_env(f, "{{vars.ratio}}", &env));
	assert_int_equal(v.type, VAL_DOUBLE);
	assert_true(v.u.d == 0.25);
	t = compile_env(f, "u={{vars.user}} r={{vars.ratio}} ok={{vars.ok}} n={{vars.name}}", &env);
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "u=-42 r=0.25 ok=true n=alice");
	vars[2].u.b = 0;
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "u=-42 r=0.25 ok=false n=alice");
	vars[2].u.b = 1;
	t = compile_env(f, "{{user}}/{{name}}", &bare);
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "-42/alice");

	t = compile_env(f, "{{parent.attributes.http.response.status_code}}", &env);
	assert_true(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_NONE);
	v = eval(f, t);
	assert_int_equal(v.type, VAL_INT);
	assert_int_equal(v.u.i, 503);
	t = compile_env(f, "{{parent.attributes.http.request.method}} {{parent.attributes.nope}}|",
			&env);
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "alice |");
	v = eval(f, compile_env(f, "{{parent.attributes.nope}}", &env));
	assert_int_equal(v.type, VAL_STRING);
	assert_int_equal(v.u.s.len, 0);
	/* a key that is a prefix of a real key does not match it */
	v = eval(f, compile_env(f, "{{parent.attributes.http.request}}", &env));
	assert_int_equal(v.u.s.len, 0);
}

static void test_plain_and_has_expr(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "plain text } {");
	char buf[32];

	assert_false(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_STRING);
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "plain text } {");
	assert_true(tmpl_has_expr("a{{b", 4));
	assert_false(tmpl_has_expr("a{ {b}}", 7));
	assert_false(tmpl_has_expr("a{{b", 2));
	t = compile(f, "{{random.int(1,1)}}{{random.int(2,2)}}");
	assert_false(tmpl_is_lone_expr(t));
	assert_int_equal(tmpl_natural_type(t), VAL_STRING);
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), "12");
	t = compile(f, " {{random.int(1,1)}}");
	assert_false(tmpl_is_lone_expr(t));
	assert_string_equal(eval_str(f, t, buf, sizeof(buf)), " 1");
}

static void test_deterministic(void **state)
{
	struct fx *f = *state;
	struct tmpl *t = compile(f, "{{random.uuid}} {{random.hex(24)}} {{random.ipv4}} "
				    "{{random.int(1,1000000)}} {{random.float(0.5,9.5)}} "
				    "{{random.choice(a,b,c)}} {{random.user_agent}}");
	char a[512], b[512], c[512];

	rng_seed(&f->rng, 99, 5, 17);
	eval_str(f, t, a, sizeof(a));
	rng_seed(&f->rng, 99, 5, 17);
	eval_str(f, t, b, sizeof(b));
	rng_seed(&f->rng, 99, 5, 18);
	eval_str(f, t, c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* pinned: the draw order of each function is part of the output */
	rng_seed(&f->rng, 1, 1, 1);
	eval_str(f, compile(f, "{{random.int(0,999999)}}-{{random.hex(8)}}"), a, sizeof(a));
	rng_seed(&f->rng, 1, 1, 1);
	{
		struct rng r = f->rng;
		int64_t i = rng_range(&r, 0, 999999);
		uint64_t x = rng_next(&r);
		char want[64];
		size_t n = fmt_i64(want, i);

		want[n++] = '-';
		/* low byte first, high digit of each byte first */
		for (int k = 0; k < 4; k++, x >>= 8) {
			want[n++] = "0123456789abcdef"[(x >> 4) & 15];
			want[n++] = "0123456789abcdef"[x & 15];
		}
		want[n] = '\0';
		assert_string_equal(a, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_int, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float_text_matches_fmt_double, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_uuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vars_and_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_and_has_expr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
