/* engine: plans and trace rendering, on models built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/batch.h"
#include "engine/engine.h"
#include "engine/num.h"
#include "engine/template.h"
#include "load/load.h"
#include "load/template.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/rng.h"

#define MS 1000000LL

static struct arena A; /* the hand-built models */
static struct model M;
static struct service services[3] = {
	{ "frontend", NULL, 0 },
	{ "checkout", NULL, 0 },
	{ "payments", NULL, 0 },
};

static int setup(void **state)
{
	(void)state;
	arena_init(&A, 0);
	memset(&M, 0, sizeof(M));
	M.services = services;
	M.nservices = 3;
	M.config.default_latency.kind = DIST_LOG_NORMAL;
	M.config.default_latency.p1 = 20;
	M.config.default_latency.p2 = 0.5;
	M.config.gap.kind = DIST_UNIFORM;
	M.config.gap.p1 = 0.1;
	M.config.gap.p2 = 1.0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

/* ---- building models ---- */

static void spec_defaults(struct span_spec *s, const char *name, int32_t service)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->service = service;
	s->probability = 1.0;
	s->count.kind = COUNT_FIXED;
	s->count.n = 1;
}

static struct span_spec *new_spec(const char *name, int32_t service)
{
	struct span_spec *s = ARENA_NEW(&A, struct span_spec);

	assert_non_null(s);
	spec_defaults(s, name, service);
	return s;
}

/* The span's one error condition (made on first use; nerrors = 1). */
static struct error_spec *err_of(struct span_spec *s)
{
	if (!s->errors) {
		s->errors = ARENA_NEWN(&A, struct error_spec, 1);
		assert_non_null(s->errors);
	}
	s->nerrors = 1;
	return s->errors;
}

/* n children with defaults (service -1), named by `names`. */
static struct span_spec *add_children(struct span_spec *p, uint32_t n, const char *const *names)
{
	p->children = ARENA_NEWN(&A, struct span_spec, n);
	assert_non_null(p->children);
	p->nchildren = n;
	for (uint32_t k = 0; k < n; k++)
		spec_defaults(&p->children[k], names[k], -1);
	return p->children;
}

static struct tmpl *compile(const char *s, const struct tmpl_env *env)
{
	struct tmpl *t = NULL;
	struct tmpl_error err;

	if (tmpl_compile(&A, s, strlen(s), env, &t, &err) != 0)
		fail_msg("'%s': %s", s, err.message);
	return t;
}

static void attr_tmpl(struct attr_spec *a, const char *key, const char *src,
		      const struct tmpl_env *env)
{
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->key_len = (uint32_t)strlen(key);
	a->gen.kind = GEN_TEMPLATE;
	a->gen.tmpl = compile(src, env);
	a->gen.type = (uint8_t)tmpl_natural_type(a->gen.tmpl);
	a->gen.decimals = -1;
}

static void attr_str(struct attr_spec *a, const char *key, const char *val)
{
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->key_len = (uint32_t)strlen(key);
	a->gen.kind = GEN_CONST;
	a->gen.type = VAL_STRING;
	a->gen.constant.type = VAL_STRING;
	a->gen.constant.u.s.ptr = val;
	a->gen.constant.u.s.len = (uint32_t)strlen(val);
}

static void attr_int_dist(struct attr_spec *a, const char *key, double lo, double hi)
{
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->key_len = (uint32_t)strlen(key);
	a->gen.kind = GEN_DIST;
	a->gen.type = VAL_INT;
	a->gen.dist.kind = DIST_UNIFORM;
	a->gen.dist.p1 = lo;
	a->gen.dist.p2 = hi;
}

static struct attr_spec *set_attrs(struct span_spec *s, uint32_t n)
{
	s->attrs = ARENA_NEWN(&A, struct attr_spec, n);
	assert_non_null(s->attrs);
	s->nattrs = n;
	return s->attrs;
}

static void constant(struct dist *d, double ms)
{
	memset(d, 0, sizeof(*d));
	d->kind = DIST_CONSTANT;
	d->p1 = ms;
}

static struct scenario *new_scenario(const char *name, struct span_spec *root)
{
	struct scenario *sc = ARENA_NEW(&A, struct scenario);

	assert_non_null(sc);
	sc->name = name;
	sc->root = root;
	sc->stream = rng_hash(name, strlen(name));
	return sc;
}

static void plan_one(struct plan *p, const struct scenario *sc, uint64_t count, uint32_t block)
{
	memset(p, 0, sizeof(*p));
	p->model = &M;
	p->scenario = sc;
	p->seed = 7;
	p->start_ns = 1700000000LL * 1000000000LL;
	p->interval_ns = 250 * MS;
	p->count = count;
	p->iterations_per_block = block;
}

/* ---- looking at output ---- */

static const struct value *attr(const struct span_out *s, const char *key)
{
	size_t len = strlen(key);
	const struct value *found = NULL;

	for (uint32_t k = 0; k < s->nattrs; k++)
		if (s->attrs[k].key_len == len && memcmp(s->attrs[k].key, key, len) == 0) {
			assert_null(found); /* never duplicated */
			found = &s->attrs[k].value;
		}
	return found;
}

static bool str_is(const struct value *v, const char *want)
{
	return v && v->type == VAL_STRING && v->u.s.len == strlen(want) &&
	       memcmp(v->u.s.ptr, want, v->u.s.len) == 0;
}

static bool name_is(const struct span_out *s, const char *want)
{
	return s->name_len == strlen(want) && memcmp(s->name, want, s->name_len) == 0;
}

static void assert_value_eq(const struct value *a, const struct value *b)
{
	assert_int_equal(a->type, b->type);
	switch (a->type) {
	case VAL_STRING:
	case VAL_BYTES:
		assert_int_equal(a->u.s.len, b->u.s.len);
		assert_memory_equal(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
		break;
	case VAL_INT:
		assert_true(a->u.i == b->u.i);
		break;
	case VAL_DOUBLE:
		assert_memory_equal(&a->u.d, &b->u.d, sizeof(double));
		break;
	case VAL_BOOL:
		assert_int_equal(a->u.b, b->u.b);
		break;
	default:
		break;
	}
}

static void assert_kvs_eq(const struct keyval *a, uint32_t na, const struct keyval *b, uint32_t nb)
{
	assert_int_equal(na, nb);
	for (uint32_t k = 0; k < na; k++) {
		assert_int_equal(a[k].key_len, b[k].key_len);
		assert_memory_equal(a[k].key, b[k].key, a[k].key_len);
		assert_value_eq(&a[k].value, &b[k].value);
	}
}

static void assert_span_eq(const struct span_out *a, const struct span_out *b)
{
	assert_memory_equal(a->trace_id, b->trace_id, 16);
	assert_memory_equal(a->span_id, b->span_id, 8);
	assert_memory_equal(a->parent_span_id, b->parent_span_id, 8);
	assert_int_equal(a->has_parent, b->has_parent);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->status_code, b->status_code);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->resource, b->resource);
	assert_int_equal(a->name_len, b->name_len);
	assert_memory_equal(a->name, b->name, a->name_len);
	assert_int_equal(a->status_message_len, b->status_message_len);
	if (a->status_message_len)
		assert_memory_equal(a->status_message, b->status_message, a->status_message_len);
	assert_true(a->start_ns == b->start_ns);
	assert_true(a->end_ns == b->end_ns);
	assert_kvs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs);
	assert_int_equal(a->nevents, b->nevents);
	for (uint32_t k = 0; k < a->nevents; k++) {
		assert_true(a->events[k].time_ns == b->events[k].time_ns);
		assert_int_equal(a->events[k].name_len, b->events[k].name_len);
		assert_memory_equal(a->events[k].name, b->events[k].name, a->events[k].name_len);
		assert_kvs_eq(a->events[k].attrs, a->events[k].nattrs, b->events[k].attrs,
			      b->events[k].nattrs);
	}
	assert_int_equal(a->nlinks, b->nlinks);
	for (uint32_t k = 0; k < a->nlinks; k++) {
		assert_memory_equal(a->links[k].trace_id, b->links[k].trace_id, 16);
		assert_memory_equal(a->links[k].span_id, b->links[k].span_id, 8);
		assert_int_equal(a->links[k].flags, b->links[k].flags);
		assert_kvs_eq(a->links[k].attrs, a->links[k].nattrs, b->links[k].attrs,
			      b->links[k].nattrs);
	}
}

/* Checks the trace shape of spans [from, to): ids, pre-order, nesting. */
static void check_trace(const struct batch *b, size_t from, size_t to)
{
	const struct span_out *root = &b->spans[from];
	static const uint8_t zero[16];

	assert_int_equal(root->has_parent, 0);
	assert_memory_not_equal(root->trace_id, zero, 16);
	for (size_t k = from; k < to; k++) {
		const struct span_out *s = &b->spans[k];

		assert_memory_equal(s->trace_id, root->trace_id, 16);
		assert_memory_not_equal(s->span_id, zero, 8);
		assert_true(s->end_ns >= s->start_ns);
		for (size_t j = from; j < k; j++)
			assert_memory_not_equal(b->spans[j].span_id, s->span_id, 8);
		if (k > from) {
			size_t j;

			assert_int_equal(s->has_parent, 1);
			for (j = from; j < k; j++)
				if (memcmp(b->spans[j].span_id, s->parent_span_id, 8) == 0)
					break;
			assert_true(j < k); /* parent first */
			assert_true(s->start_ns >= b->spans[j].start_ns);
			assert_true(s->end_ns <= b->spans[j].end_ns);
		}
		for (uint32_t e = 0; e < s->nevents; e++)
			assert_true(s->events[e].time_ns >= s->start_ns &&
				    s->events[e].time_ns <= s->end_ns);
	}
}

/* Span ranges of each trace in b: starts[t] .. starts[t+1]. */
static size_t trace_starts(const struct batch *b, size_t *starts, size_t cap)
{
	size_t n = 0;

	for (size_t k = 0; k < b->nspans; k++)
		if (!b->spans[k].has_parent) {
			assert_true(n < cap);
			starts[n++] = k;
		}
	assert_true(n < cap);
	starts[n] = b->nspans;
	return n;
}

/* ---- a realistic scenario used by several tests ---- */

static const char *const shop_vars[] = { "user", "region" };
static const struct tmpl_env shop_env = { shop_vars, 2, false };

static struct scenario *shop_scenario(const char *name)
{
	static const char *const top[] = { "GET /cart", "auth", "db.query" };
	static const char *const pay[] = { "charge", "ledger" };
	struct span_spec *root = new_spec("checkout", 0), *kids, *pk;
	struct attr_spec *a;
	struct scenario *sc;

	a = set_attrs(root, 5);
	attr_str(&a[0], "http.request.method", "POST");
	attr_tmpl(&a[1], "request.id", "{{random.uuid}}", &shop_env);
	attr_tmpl(&a[2], "user.id", "{{vars.user}}", &shop_env);
	attr_tmpl(&a[3], "session", "s-{{random.hex(12)}}-{{vars.region}}", &shop_env);
	attr_int_dist(&a[4], "items", 1, 9);
	kids = add_children(root, 3, top);
	kids[0].service = 1;
	kids[0].count.kind = COUNT_POISSON;
	kids[0].count.mean = 2;
	kids[0].count.max = 4;
	a = set_attrs(&kids[0], 2);
	attr_tmpl(&a[0], "parent.method", "{{parent.attributes.http.request.method}}", &shop_env);
	attr_tmpl(&a[1], "ip", "{{random.ipv4}}", &shop_env);
	err_of(&kids[0]);
	err_of(&kids[0])->rate = 0.3;
	err_of(&kids[0])->type = "timeout";
	err_of(&kids[0])->propagate = ERR_MARK_ANCESTORS;
	kids[1].probability = 0.5;
	kids[1].events = ARENA_NEWN(&A, struct event_spec, 1);
	kids[1].nevents = 1;
	kids[1].events[0].name = "auth.checked";
	kids[1].events[0].is_frac = true;
	kids[1].events[0].offset_frac = 0.5;
	kids[1].events[0].probability = 1.0;
	kids[1].links = ARENA_NEWN(&A, struct link_spec, 1);
	kids[1].nlinks = 1;
	kids[1].links[0].kind = LINK_PREVIOUS_TRACE;
	kids[2].service = 2;
	kids[2].parallel = true;
	pk = add_children(&kids[2], 2, pay);
	pk[0].links = ARENA_NEWN(&A, struct link_spec, 1);
	pk[0].nlinks = 1;
	pk[0].links[0].kind = LINK_SPAN;
	pk[0].links[0].span_name = "auth";
	pk[1].retry.enabled = true;
	pk[1].retry.max_attempts = 3;
	pk[1].retry.backoff_base_ms = 5;
	pk[1].retry.backoff_multiplier = 2;
	pk[1].retry.backoff_jitter = 0.2;
	err_of(&pk[1]);
	err_of(&pk[1])->rate = 0.4;
	err_of(&pk[1])->type = "unavailable";
	sc = new_scenario(name, root);
	sc->vars = ARENA_NEWN(&A, struct var_spec, 2);
	sc->nvars = 2;
	sc->vars[0].name = "user";
	sc->vars[0].gen.kind = GEN_TEMPLATE;
	sc->vars[0].gen.tmpl = compile("u{{random.int(1,99999)}}", NULL);
	sc->vars[0].gen.type = VAL_STRING;
	sc->vars[1].name = "region";
	sc->vars[1].gen.kind = GEN_TEMPLATE;
	sc->vars[1].gen.tmpl = compile("{{random.choice(eu, us, ap)}}", NULL);
	sc->vars[1].gen.type = VAL_STRING;
	return sc;
}

/* ---- tests ---- */

static void test_render_order_independent(void **state)
{
	struct scenario *sc = shop_scenario("shop");
	struct plan p;
	struct batch b3, b0, again, one;

	(void)state;
	plan_one(&p, sc, 40, 8);
	p.jitter_ns = 50 * MS;
	assert_int_equal(plan_nblocks(&p), 5);
	batch_init(&b3);
	batch_init(&b0);
	batch_init(&again);
	batch_init(&one);
	assert_int_equal(engine_render_block(&p, 3, &b3), 0);
	assert_int_equal(engine_render_block(&p, 0, &b0), 0);
	assert_int_equal(engine_render_block(&p, 3, &again), 0);
	assert_int_equal(b3.first_iteration, 24);
	assert_int_equal(b3.ntraces, 8);
	assert_int_equal(b3.nspans, again.nspans);
	for (size_t k = 0; k < b3.nspans; k++)
		assert_span_eq(&b3.spans[k], &again.spans[k]);
	assert_true(b3.min_start_ns == again.min_start_ns && b3.max_end_ns == again.max_end_ns);
	assert_true(b3.nerror_spans == again.nerror_spans);
	/* trace 26 rendered alone equals its place in block 3 */
	{
		size_t starts[16];
		size_t nt = trace_starts(&b3, starts, 16);

		assert_int_equal(nt, 8);
		batch_reset(&one, 26);
		assert_int_equal(engine_render_iteration(&p, 26, &one), 0);
		assert_int_equal(one.nspans, starts[3] - starts[2]);
		for (size_t k = 0; k < one.nspans; k++)
			assert_span_eq(&one.spans[k], &b3.spans[starts[2] + k]);
		for (size_t t = 0; t < nt; t++) {
			const struct span_out *root = &b3.spans[starts[t]];
			int64_t base = p.start_ns + (int64_t)(24 + t) * p.interval_ns;

			check_trace(&b3, starts[t], starts[t + 1]);
			assert_true((int64_t)root->start_ns >= base &&
				    (int64_t)root->start_ns <= base + p.jitter_ns);
		}
	}
	/* the traces differ from each other */
	assert_memory_not_equal(b0.spans[0].trace_id, b3.spans[0].trace_id, 16);
	/* a different seed gives different ids */
	p.seed = 8;
	assert_int_equal(engine_render_block(&p, 3, &again), 0);
	assert_memory_not_equal(b3.spans[0].trace_id, again.spans[0].trace_id, 16);
	batch_release(&b3);
	batch_release(&b0);
	batch_release(&again);
	batch_release(&one);
}

static void test_shop_shape(void **state)
{
	struct scenario *sc = shop_scenario("shop");
	struct plan p;
	struct batch b;
	size_t starts[512];
	size_t nt;
	int with_auth = 0, err_traces = 0;

	(void)state;
	plan_one(&p, sc, 400, 400);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	nt = trace_starts(&b, starts, 512);
	assert_int_equal(nt, 400);
	for (size_t t = 0; t < nt; t++) {
		const struct span_out *root = &b.spans[starts[t]];
		const struct value *v;
		bool any_err = false;

		check_trace(&b, starts[t], starts[t + 1]);
		assert_int_equal(root->kind, 2); /* SERVER */
		assert_int_equal(root->flags, 0x101);
		v = attr(root, "request.id");
		assert_true(v && v->type == VAL_STRING && v->u.s.len == 36);
		v = attr(root, "items");
		assert_true(v && v->type == VAL_INT && v->u.i >= 1 && v->u.i <= 9);
		v = attr(root, "session");
		assert_true(v && v->u.s.len == 2 + 12 + 1 + 2);
		v = attr(root, "user.id");
		assert_true(v && v->type == VAL_STRING && v->u.s.ptr[0] == 'u');
		for (size_t k = starts[t] + 1; k < starts[t + 1]; k++) {
			const struct span_out *s = &b.spans[k];

			assert_int_equal(s->kind, 1); /* INTERNAL by default */
			if (name_is(s, "GET /cart")) {
				assert_true(str_is(attr(s, "parent.method"), "POST"));
				assert_int_equal(s->resource, 1);
				assert_int_equal(s->flags, 0x301);
				if (s->status_code == 2) {
					any_err = true;
					assert_true(str_is(attr(s, "error.type"), "timeout"));
				}
			}
			if (name_is(s, "auth")) {
				with_auth++;
				assert_int_equal(s->nevents, 1);
				assert_true(s->events[0].time_ns ==
						    s->start_ns +
							    (s->end_ns - s->start_ns + 1) / 2 ||
					    s->events[0].time_ns ==
						    s->start_ns + (s->end_ns - s->start_ns) / 2);
				assert_int_equal(s->resource, 0);
				assert_int_equal(s->flags, 0x101);
			}
			if (name_is(s, "charge")) {
				/* links to the auth span of this trace when there is one */
				bool has_auth = false;

				for (size_t j = starts[t]; j < k; j++)
					if (name_is(&b.spans[j], "auth")) {
						has_auth = true;
						assert_int_equal(s->nlinks, 1);
						assert_memory_equal(s->links[0].span_id,
								    b.spans[j].span_id, 8);
						assert_int_equal(s->links[0].flags, 0x101);
					}
				if (!has_auth)
					assert_int_equal(s->nlinks, 0);
				assert_int_equal(s->resource, 2);
				assert_int_equal(s->flags, 0x101);
			}
		}
		if (any_err) {
			err_traces++;
			assert_int_equal(root->status_code, 2);
			assert_true(str_is(attr(root, "error.type"), "timeout"));
		}
	}
	/* probability 0.5: about half the traces have auth; P(error) per trace
	 * is 1 - E[0.7^N] for N ~ min(Poisson(2), 4): about 0.45 */
	assert_in_range(with_auth, 160, 240);
	assert_in_range(err_traces, 130, 230);
	batch_release(&b);
}

/* Random trees: every child inside its parent, in pre-order. */
static void test_random_trees_nest(void **state)
{
	struct rng tr;
	struct batch b;

	(void)state;
	batch_init(&b);
	rng_seed(&tr, 1, 2, 3);
	for (int tree = 0; tree < 30; tree++) {
		struct span_spec *nodes[16];
		int nn = 1;
		struct plan p;
		size_t starts[64], nt;
		char *name = arena_printf(&A, "tree%d", tree);

		nodes[0] = new_spec(name, 0);
		/* grow: each new spec a child list of an earlier node */
		for (int k = 0; k < 6; k++) {
			struct span_spec *par = nodes[rng_below(&tr, (uint64_t)nn)];
			static const char *const names[4] = { "a", "b", "c", "d" };
			uint32_t nk = 1 + (uint32_t)rng_below(&tr, 3);
			struct span_spec *kids;

			if (par->nchildren)
				continue;
			kids = add_children(par, nk, names);
			par->parallel = rng_below(&tr, 2);
			for (uint32_t j = 0; j < nk && nn < 16; j++) {
				kids[j].service = (int32_t)rng_below(&tr, 4) - 1;
				kids[j].probability = rng_below(&tr, 3) ? 1.0 : 0.6;
				if (rng_below(&tr, 2)) {
					kids[j].count.kind = COUNT_POISSON;
					kids[j].count.mean = 1.5;
					kids[j].count.max = 3;
				}
				kids[j].latency.kind = DIST_EXPONENTIAL;
				kids[j].latency.p1 = 5;
				nodes[nn++] = &kids[j];
			}
		}
		plan_one(&p, new_scenario(name, nodes[0]), 20, 20);
		assert_int_equal(engine_render_block(&p, 0, &b), 0);
		nt = trace_starts(&b, starts, 64);
		assert_int_equal(nt, 20);
		for (size_t t = 0; t < nt; t++)
			check_trace(&b, starts[t], starts[t + 1]);
	}
	batch_release(&b);
}

static void test_sequential_and_parallel(void **state)
{
	static const char *const names[] = { "one", "two", "three" };
	struct span_spec *root = new_spec("root", 0);
	struct span_spec *kids = add_children(root, 3, names);
	struct scenario *sc = new_scenario("timing", root);
	struct plan p;
	struct batch b;
	int64_t s0;

	(void)state;
	constant(&root->latency, 5);
	for (int k = 0; k < 3; k++)
		constant(&kids[k].latency, 10);
	constant(&M.config.gap, 1);
	plan_one(&p, sc, 1, 1);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 4);
	s0 = (int64_t)b.spans[0].start_ns;
	assert_true(s0 == p.start_ns);
	/* sequential: gap, 10ms, gap, 10ms, gap, 10ms, tail gap */
	for (int k = 0; k < 3; k++) {
		assert_true((int64_t)b.spans[1 + k].start_ns == s0 + (1 + 11 * k) * MS);
		assert_true((int64_t)b.spans[1 + k].end_ns == s0 + (11 + 11 * k) * MS);
	}
	assert_true((int64_t)b.spans[0].end_ns == s0 + 34 * MS);
	assert_true(b.max_end_ns == s0 + 34 * MS && b.min_start_ns == s0);

	root->parallel = true;
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	for (int k = 0; k < 3; k++) {
		assert_true((int64_t)b.spans[1 + k].start_ns == s0 + 1 * MS);
		assert_true((int64_t)b.spans[1 + k].end_ns == s0 + 11 * MS);
	}
	assert_true((int64_t)b.spans[0].end_ns == s0 + 12 * MS);

	/* own latency longer than the children wins */
	constant(&root->latency, 100);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_true((int64_t)b.spans[0].end_ns == s0 + 100 * MS);
	/* no children: exactly the own latency, no tail gap */
	root->nchildren = 0;
	constant(&root->latency, 3);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 1);
	assert_true((int64_t)b.spans[0].end_ns == s0 + 3 * MS);
	batch_release(&b);
}

static void test_probability_and_count(void **state)
{
	static const char *const names[] = { "never", "always", "fixed3", "poisson", "often" };
	struct span_spec *root = new_spec("root", 0);
	struct span_spec *kids = add_children(root, 5, names);
	struct scenario *sc = new_scenario("counts", root);
	struct plan p;
	struct batch b;
	size_t starts[2100];
	size_t nt;
	int hit_cap = 0, often = 0;

	(void)state;
	kids[0].probability = 0;
	kids[1].probability = 1;
	kids[2].count.n = 3;
	kids[3].count.kind = COUNT_POISSON;
	kids[3].count.mean = 10;
	kids[3].count.max = 4;
	kids[4].probability = 0.3;
	plan_one(&p, sc, 2000, 2000);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	nt = trace_starts(&b, starts, 2100);
	assert_int_equal(nt, 2000);
	for (size_t t = 0; t < nt; t++) {
		int n[5] = { 0 };

		for (size_t k = starts[t] + 1; k < starts[t + 1]; k++)
			for (int c = 0; c < 5; c++)
				n[c] += name_is(&b.spans[k], names[c]);
		assert_int_equal(n[0], 0);
		assert_int_equal(n[1], 1);
		assert_int_equal(n[2], 3);
		assert_true(n[3] <= 4);
		hit_cap += n[3] == 4;
		often += n[4];
	}
	/* P(Poisson(10) >= 4) = 0.99 */
	assert_true(hit_cap > 1940);
	/* 0.3 of 2000 = 600, s.d. 20.5 */
	assert_in_range(often, 520, 680);
	batch_release(&b);
}

static void test_error_propagation(void **state)
{
	static const char *const an[] = { "a" }, *const bn[] = { "b" }, *const cn[] = { "c" };
	struct span_spec *root = new_spec("root", 0), *a, *bb, *c;
	struct scenario *sc;
	struct plan p;
	struct batch b;

	(void)state;
	a = add_children(root, 1, an);
	bb = add_children(a, 1, bn);
	c = add_children(bb, 1, cn);
	constant(&c->latency, 1);
	/* a already carries an error.type attribute: replaced, not duplicated */
	attr_str(set_attrs(a, 1), "error.type", "stale");
	err_of(a);
	err_of(a)->rate = 0; /* drawn, never fires */
	err_of(a)->type = "never";
	err_of(bb);
	err_of(bb)->rate = 1;
	err_of(bb)->type = "db_timeout";
	err_of(bb)->message = "connection timed out";
	err_of(bb)->propagate = ERR_MARK_ANCESTORS;
	sc = new_scenario("errors", root);
	plan_one(&p, sc, 10, 10);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 40);
	assert_int_equal(b.nerror_spans, 30);
	for (size_t k = 0; k < b.nspans; k++) {
		const struct span_out *s = &b.spans[k];

		if (name_is(s, "c")) {
			assert_int_equal(s->status_code, 0);
			assert_null(attr(s, "error.type"));
			continue;
		}
		assert_int_equal(s->status_code, 2);
		assert_true(str_is(attr(s, "error.type"), "db_timeout"));
		assert_int_equal(s->status_message_len, strlen("connection timed out"));
		assert_memory_equal(s->status_message, "connection timed out",
				    s->status_message_len);
		if (name_is(s, "a"))
			assert_int_equal(s->nattrs, 1);
		else
			assert_int_equal(s->nattrs, 1); /* root and b: only error.type */
	}

	/* an ancestor with its own message keeps it; no propagate: only b */
	err_of(root);
	err_of(root)->rate = 1;
	err_of(root)->type = "upstream";
	err_of(root)->message = "root failed";
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	for (size_t k = 0; k < b.nspans; k += 4) {
		assert_true(name_is(&b.spans[k], "root"));
		assert_true(str_is(attr(&b.spans[k], "error.type"), "upstream"));
		assert_int_equal(b.spans[k].status_message_len, strlen("root failed"));
	}
	/* two failing descendants: the first marks the ancestors */
	{
		static const char *const two[] = { "first", "second" };
		struct span_spec *k2 = add_children(c, 2, two);

		for (int k = 0; k < 2; k++) {
			err_of(&k2[k]);
			err_of(&k2[k])->rate = 1;
			err_of(&k2[k])->propagate = ERR_MARK_ANCESTORS;
		}
		err_of(&k2[0])->type = "t1";
		err_of(&k2[1])->type = "t2";
		err_of(&k2[1])->message = "m2";
		bb->nerrors = 0;
		root->nerrors = 0;
		assert_int_equal(engine_render_block(&p, 0, &b), 0);
		assert_int_equal(b.nspans, 60);
		for (size_t k = 0; k < b.nspans; k++) {
			const struct span_out *s = &b.spans[k];

			if (name_is(s, "second")) {
				assert_true(str_is(attr(s, "error.type"), "t2"));
				assert_memory_equal(s->status_message, "m2", 2);
				continue;
			}
			assert_int_equal(s->status_code, 2);
			assert_true(str_is(attr(s, "error.type"), "t1"));
			assert_int_equal(s->status_message_len, 2);
			assert_memory_equal(s->status_message, "t1", 2);
		}
		c->nchildren = 0;
		err_of(bb);
	}
	err_of(bb)->propagate = ERR_LOCAL;
	root->nerrors = 0;
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nerror_spans, 10);
	for (size_t k = 0; k < b.nspans; k++)
		assert_int_equal(b.spans[k].status_code, name_is(&b.spans[k], "b") ? 2 : 0);
	batch_release(&b);
}

static void test_retry(void **state)
{
	static const char *const xn[] = { "x" }, *const dn[] = { "downstream" };
	static double rates[2] = { 0, 1 };
	struct span_spec *root = new_spec("root", 0), *x, *d;
	struct scenario *sc;
	struct plan p;
	struct batch b;

	(void)state;
	x = add_children(root, 1, xn);
	d = add_children(x, 1, dn);
	(void)d;
	x->kind = 3; /* CLIENT */
	x->service = 1;
	constant(&x->latency, 10);
	constant(&M.config.gap, 0);
	x->retry.enabled = true;
	x->retry.max_attempts = 5;
	x->retry.force_initial_failure = true;
	x->retry.success_rate = rates;
	x->retry.nsuccess_rate = 2;
	x->retry.backoff_base_ms = 100;
	x->retry.backoff_multiplier = 2;
	x->retry.error_type = "unavailable";
	sc = new_scenario("retry", root);
	plan_one(&p, sc, 5, 5);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	/* root, x, x.attempt 1, x.attempt 2, downstream */
	assert_int_equal(b.nspans, 25);
	for (size_t t = 0; t < 5; t++) {
		const struct span_out *s = &b.spans[5 * t];
		const struct span_out *xs = s + 1, *a1 = s + 2, *a2 = s + 3, *ds = s + 4;
		const struct value *v;

		check_trace(&b, 5 * t, 5 * t + 5);
		assert_true(name_is(xs, "x"));
		assert_true(name_is(a1, "x.attempt") && name_is(a2, "x.attempt"));
		assert_true(name_is(ds, "downstream"));
		assert_memory_equal(a1->parent_span_id, xs->span_id, 8);
		assert_memory_equal(a2->parent_span_id, xs->span_id, 8);
		assert_memory_equal(ds->parent_span_id, a2->span_id, 8);
		assert_int_equal(a1->kind, 3);
		assert_int_equal(a2->kind, 3);
		assert_int_equal(a1->resource, 1);
		assert_int_equal(xs->flags, 0x301);
		assert_int_equal(a1->flags, 0x101);
		v = attr(a1, "retry.attempt");
		assert_true(v && v->type == VAL_INT && v->u.i == 1);
		v = attr(a2, "retry.attempt");
		assert_true(v && v->type == VAL_INT && v->u.i == 2);
		assert_int_equal(a1->status_code, 2);
		assert_true(str_is(attr(a1, "error.type"), "unavailable"));
		assert_int_equal(a2->status_code, 0);
		assert_null(attr(a2, "error.type"));
		assert_int_equal(xs->status_code, 0);
		/* 10ms attempt, 100ms backoff, 10ms attempt (downstream inside) */
		assert_true(a1->start_ns == xs->start_ns);
		assert_true(a1->end_ns == a1->start_ns + 10 * MS);
		assert_true(a2->start_ns == a1->end_ns + 100 * MS);
		assert_true(xs->end_ns == a2->end_ns);
		assert_true(ds->end_ns <= a2->end_ns);
	}

	/* forced first failure, then success: 2 attempts; unforced: 1 */
	{
		static double ok[1] = { 1 };

		x->retry.success_rate = ok;
		x->retry.nsuccess_rate = 1;
		assert_int_equal(engine_render_block(&p, 0, &b), 0);
		assert_int_equal(b.nspans, 25);
		x->retry.force_initial_failure = false;
		assert_int_equal(engine_render_block(&p, 0, &b), 0);
		assert_int_equal(b.nspans, 20);
		assert_true(name_is(&b.spans[2], "x.attempt"));
		assert_int_equal(b.spans[2].status_code, 0);
		assert_memory_equal(b.spans[3].parent_span_id, b.spans[2].span_id, 8);
		x->retry.force_initial_failure = true;
		x->retry.success_rate = rates;
		x->retry.nsuccess_rate = 2;
	}

	/* every attempt fails: x gets the error and propagates */
	rates[1] = 0;
	x->retry.max_attempts = 3;
	err_of(x)->propagate = ERR_MARK_ANCESTORS;
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 5 * 6);
	for (size_t t = 0; t < 5; t++) {
		const struct span_out *s = &b.spans[6 * t];

		assert_true(name_is(s + 4, "x.attempt"));
		assert_true(s[4].start_ns == s[3].end_ns + 200 * MS);
		assert_true(attr(s + 4, "retry.attempt")->u.i == 3);
		assert_true(str_is(attr(s + 4, "error.type"), "unavailable"));
		assert_true(name_is(s + 5, "downstream"));
		assert_memory_equal(s[5].parent_span_id, s[4].span_id, 8);
		assert_int_equal(s[1].status_code, 2);
		assert_true(str_is(attr(s + 1, "error.type"), "unavailable"));
		assert_int_equal(s[0].status_code, 2);
		assert_true(str_is(attr(s, "error.type"), "unavailable"));
	}
	rates[1] = 1;
	batch_release(&b);
}

static void test_events(void **state)
{
	struct span_spec *root = new_spec("root", 0);
	struct scenario *sc = new_scenario("events", root);
	struct event_spec *ev;
	struct plan p;
	struct batch b;

	(void)state;
	constant(&root->latency, 40);
	ev = ARENA_NEWN(&A, struct event_spec, 4);
	root->events = ev;
	root->nevents = 4;
	ev[0].name = "late";
	ev[0].offset_ms = 1000;
	ev[0].probability = 1;
	ev[1].name = "never";
	ev[1].probability = 0;
	ev[2].name = "quarter";
	ev[2].is_frac = true;
	ev[2].offset_frac = 0.25;
	ev[2].probability = 1;
	ev[3].name = "early";
	ev[3].offset_ms = 3;
	ev[3].probability = 1;
	ev[3].attrs = ARENA_NEWN(&A, struct attr_spec, 1);
	ev[3].nattrs = 1;
	attr_str(&ev[3].attrs[0], "exception.type", "IOError");
	plan_one(&p, sc, 1, 1);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.spans[0].nevents, 3);
	assert_true(b.spans[0].events[0].time_ns == b.spans[0].end_ns);
	assert_int_equal(b.spans[0].events[0].name_len, 4);
	assert_true(b.spans[0].events[1].time_ns == b.spans[0].start_ns + 10 * MS);
	assert_true(b.spans[0].events[2].time_ns == b.spans[0].start_ns + 3 * MS);
	assert_int_equal(b.spans[0].events[2].nattrs, 1);
	assert_true(str_is(&b.spans[0].events[2].attrs[0].value, "IOError"));
	batch_release(&b);
}

static void test_links_and_mixed_plan(void **state)
{
	struct span_spec *ra = new_spec("producer", 0), *rb = new_spec("consumer", 1);
	const struct scenario *pool[2];
	double cum[2] = { 1, 2 };
	struct plan p;
	struct batch b;
	size_t starts[128], nt;

	(void)state;
	rb->links = ARENA_NEWN(&A, struct link_spec, 2);
	rb->nlinks = 2;
	rb->links[0].kind = LINK_PREVIOUS_TRACE;
	rb->links[0].attrs = ARENA_NEWN(&A, struct attr_spec, 1);
	rb->links[0].nattrs = 1;
	attr_str(&rb->links[0].attrs[0], "messaging.operation.type", "process");
	rb->links[1].kind = LINK_CONST;
	memset(rb->links[1].trace_id, 0xab, 16);
	memset(rb->links[1].span_id, 0xcd, 8);
	pool[0] = new_scenario("producer", ra);
	pool[1] = new_scenario("consumer", rb);
	memset(&p, 0, sizeof(p));
	p.model = &M;
	p.pool = pool;
	p.npool = 2;
	p.cum_weights = cum;
	p.seed = 99;
	p.mixed_stream = rng_hash("mixed", 5);
	p.count = 100;
	p.iterations_per_block = 100;
	p.interval_ns = MS;
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	nt = trace_starts(&b, starts, 128);
	assert_int_equal(nt, 100);
	for (size_t t = 0; t < nt; t++) {
		const struct span_out *s = &b.spans[starts[t]];
		const struct scenario *sc = plan_scenario_for(&p, t);

		assert_true(name_is(s, sc->name));
		if (sc != pool[1])
			continue;
		if (t == 0) {
			assert_int_equal(s->nlinks, 1);
			assert_memory_equal(s->links[0].span_id, "\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd",
					    8);
			continue;
		}
		assert_int_equal(s->nlinks, 2);
		assert_memory_equal(s->links[0].trace_id, b.spans[starts[t - 1]].trace_id, 16);
		assert_memory_equal(s->links[0].span_id, b.spans[starts[t - 1]].span_id, 8);
		assert_int_equal(s->links[0].flags, 0x101);
		assert_int_equal(s->links[0].nattrs, 1);
		assert_true(str_is(&s->links[0].attrs[0].value, "process"));
		assert_memory_equal(
			s->links[1].trace_id,
			"\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab", 16);
	}
	batch_release(&b);
}

static void test_link_to_span(void **state)
{
	static const char *const pn[] = { "poll" };
	struct span_spec *root = new_spec("consumer", 0), *poll;
	struct plan p;
	struct batch b;

	(void)state;
	poll = add_children(root, 1, pn);
	poll->count.n = 3;
	poll->links = ARENA_NEWN(&A, struct link_spec, 1);
	poll->nlinks = 1;
	poll->links[0].kind = LINK_SPAN;
	poll->links[0].span_name = "poll";
	plan_one(&p, new_scenario("polls", root), 1, 1);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 4);
	/* each poll links to the one before it, never to itself */
	assert_int_equal(b.spans[1].nlinks, 0);
	for (int k = 2; k < 4; k++) {
		assert_int_equal(b.spans[k].nlinks, 1);
		assert_memory_equal(b.spans[k].links[0].span_id, b.spans[k - 1].span_id, 8);
		assert_memory_equal(b.spans[k].links[0].trace_id, b.spans[k].trace_id, 16);
	}
	batch_release(&b);
}

static void test_plan_weighted_and_each_once(void **state)
{
	struct span_spec *root = new_spec("r", 0);
	const struct scenario *pool[5];
	double cum[3] = { 1, 4, 10 }; /* weights 1, 3, 6 */
	int seen[5] = { 0 };
	struct plan p;

	(void)state;
	for (int k = 0; k < 5; k++)
		pool[k] = new_scenario(arena_printf(&A, "s%d", k), root);
	memset(&p, 0, sizeof(p));
	p.model = &M;
	p.pool = pool;
	p.npool = 3;
	p.cum_weights = cum;
	p.seed = 3;
	p.mixed_stream = rng_hash("mixed", 5);
	p.count = 100000;
	for (uint64_t i = 0; i < p.count; i++) {
		const struct scenario *sc = plan_scenario_for(&p, i);

		for (int k = 0; k < 3; k++)
			seen[k] += sc == pool[k];
		assert_true(sc == plan_scenario_for(&p, i) || i > 10);
	}
	/* within 2% of 10%, 30%, 60% (relative) */
	assert_in_range(seen[0], 9800, 10200);
	assert_in_range(seen[1], 29400, 30600);
	assert_in_range(seen[2], 58800, 61200);

	/* each_once: pool[i % n], covering the pool in order */
	memset(seen, 0, sizeof(seen));
	p.npool = 5;
	p.each_once = true;
	p.cum_weights = NULL;
	for (uint64_t i = 0; i < 10; i++) {
		const struct scenario *sc = plan_scenario_for(&p, i);

		assert_ptr_equal(sc, pool[i % 5]);
		for (int k = 0; k < 5; k++)
			seen[k] += sc == pool[k];
	}
	for (int k = 0; k < 5; k++)
		assert_int_equal(seen[k], 2);
	/* a single scenario wins over the pool */
	p.scenario = pool[4];
	assert_ptr_equal(plan_scenario_for(&p, 0), pool[4]);
	assert_ptr_equal(plan_scenario_for(&p, 1), pool[4]);
}

static void test_blocks(void **state)
{
	struct span_spec *root = new_spec("solo", 2);
	struct plan p;
	struct batch b;

	(void)state;
	plan_one(&p, new_scenario("solo", root), 10, 4);
	assert_int_equal(plan_nblocks(&p), 3);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 2, &b), 0);
	assert_int_equal(b.first_iteration, 8);
	assert_int_equal(b.ntraces, 2);
	assert_int_equal(b.nspans, 2);
	assert_int_equal(b.spans[0].resource, 2);
	assert_true((int64_t)b.spans[1].start_ns == p.start_ns + 9 * p.interval_ns);
	assert_true(b.min_start_ns == p.start_ns + 8 * p.interval_ns);
	assert_true(b.max_end_ns == (int64_t)b.spans[1].end_ns);
	/* the root's ids are the stream's first draws */
	{
		struct rng r;
		uint8_t tid[16], sid[8];

		rng_seed(&r, p.seed, rng_hash("solo", 4), 9);
		rng_bytes(&r, tid, 16);
		rng_bytes(&r, sid, 8);
		assert_memory_equal(b.spans[1].trace_id, tid, 16);
		assert_memory_equal(b.spans[1].span_id, sid, 8);
	}
	p.iterations_per_block = 0;
	assert_int_equal(plan_nblocks(&p), 0);
	batch_release(&b);
}

static void test_templated_names_and_vars(void **state)
{
	static const char *const vn[] = { "tenant" };
	static const struct tmpl_env env = { vn, 1, false };
	static const char *const cn[] = { "child" };
	struct span_spec *root = new_spec("root", 0), *c;
	struct scenario *sc = new_scenario("names", root);
	struct plan p;
	struct batch b;

	(void)state;
	root->name_tmpl = compile("GET /t/{{vars.tenant}}", &env);
	attr_tmpl(&set_attrs(root, 1)[0], "tenant.id", "{{vars.tenant}}", &env);
	c = add_children(root, 1, cn);
	c->name_tmpl = compile("{{parent.attributes.tenant.id}}-op", &env);
	sc->vars = ARENA_NEWN(&A, struct var_spec, 1);
	sc->nvars = 1;
	sc->vars[0].name = "tenant";
	sc->vars[0].gen.kind = GEN_DIST;
	sc->vars[0].gen.type = VAL_INT;
	sc->vars[0].gen.dist.kind = DIST_CONSTANT;
	sc->vars[0].gen.dist.p1 = 41.5;
	plan_one(&p, sc, 2, 2);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_true(name_is(&b.spans[0], "GET /t/42"));
	assert_true(attr(&b.spans[0], "tenant.id")->type == VAL_INT);
	assert_true(attr(&b.spans[0], "tenant.id")->u.i == 42);
	assert_true(name_is(&b.spans[1], "42-op"));
	batch_release(&b);
}

#define YEAR_NS (31536000000LL * MS)

/*
 * A valid scenario (max_attempts 12, multiplier 100, base 1 s) whose
 * uncapped waits reach 1e13 s: each wait stops growing at one year.
 */
static void test_retry_backoff_capped(void **state)
{
	static double never[1] = { 0 };
	struct span_spec *root = new_spec("root", 0);
	struct plan p;
	struct batch b;
	int64_t want;

	(void)state;
	constant(&root->latency, 10);
	constant(&M.config.gap, 0);
	root->retry.enabled = true;
	root->retry.max_attempts = 12;
	root->retry.success_rate = never;
	root->retry.nsuccess_rate = 1;
	root->retry.backoff_base_ms = 1000;
	root->retry.backoff_multiplier = 100;
	plan_one(&p, new_scenario("backoff", root), 1, 1);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 13);
	check_trace(&b, 0, 13);
	want = p.start_ns;
	for (int k = 1; k <= 12; k++) {
		const struct span_out *a = &b.spans[k];
		/* 1 s, 100 s, 1e4 s, 1e6 s, then 1e8 s and more: one year */
		int64_t wait = k == 1 ? 0 : k <= 5 ? 1000 * MS : YEAR_NS;

		for (int e = 2; e < k && k <= 5; e++)
			wait *= 100;
		want += wait;
		if ((int64_t)a->start_ns != want)
			fail_msg("attempt %d starts at %llu, want %lld", k,
				 (unsigned long long)a->start_ns, (long long)want);
		assert_true(a->end_ns == a->start_ns + 10 * MS);
		want += 10 * MS;
	}
	assert_true(b.spans[0].end_ns == b.spans[12].end_ns);
	assert_int_equal(b.spans[0].status_code, 2);
	batch_release(&b);
}

/*
 * Times past INT64_MAX (year 2262) are refused (OTELSIM_ELIMIT), never
 * clamped: sequential one-year children from 2023 (238 fit, 239 do not),
 * and a trace index whose start is past the end of time.
 */
static void test_times_saturate(void **state)
{
	static const char *const cn[] = { "year" };
	struct span_spec *root = new_spec("root", 0), *c;
	struct event_spec *ev;
	struct plan p;
	struct batch b;
	int64_t prev = 0;

	(void)state;
	constant(&root->latency, 0);
	constant(&M.config.gap, 0);
	c = add_children(root, 1, cn);
	constant(&c->latency, 31536000000.0); /* one year, the loader's maximum */
	c->count.n = 300;
	ev = ARENA_NEWN(&A, struct event_spec, 2);
	memset(ev, 0, 2 * sizeof(*ev));
	ev[0].name = "end";
	ev[0].is_frac = true;
	ev[0].offset_frac = 1.0;
	ev[0].probability = 1;
	ev[1].name = "late";
	ev[1].offset_ms = 31536000000.0;
	ev[1].probability = 1;
	root->events = ev;
	root->nevents = 2;
	c->events = ev;
	c->nevents = 2;
	plan_one(&p, new_scenario("forever", root), 1, 1);
	batch_init(&b);
	/* 300 years after 2023: refused, not clamped to INT64_MAX */
	assert_int_equal(engine_render_block(&p, 0, &b), OTELSIM_ELIMIT);
	/* 238 whole years fit after 2023-11-14 (2262-04-11 is the end) */
	c->count.n = 238;
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 239);
	check_trace(&b, 0, 239);
	for (size_t k = 1; k < 239; k++) {
		assert_true((int64_t)b.spans[k].start_ns >= prev);
		prev = (int64_t)b.spans[k].end_ns;
	}
	assert_true(b.spans[238].end_ns == (uint64_t)p.start_ns + 238 * (uint64_t)YEAR_NS);
	assert_true(b.spans[0].end_ns == b.spans[238].end_ns);
	assert_true(b.spans[0].events[0].time_ns == b.spans[0].end_ns);
	/* 239 do not */
	c->count.n = 239;
	assert_int_equal(engine_render_block(&p, 0, &b), OTELSIM_ELIMIT);

	/* trace 19 of 20, 1e9 s apart: its start would pass the end */
	c->count.n = 1;
	p.interval_ns = 1000000000LL * 1000000000LL;
	p.count = 20;
	batch_reset(&b, 0);
	assert_int_equal(engine_render_iteration(&p, 19, &b), OTELSIM_ELIMIT);
	batch_release(&b);
}

/* model_finish: lengths and attempt names once per model, used as they are. */
static void test_model_finish(void **state)
{
	static const char *const xn[] = { "x", "after" };
	static double rates[2] = { 0, 1 };
	struct span_spec *root = new_spec("root", 0), *x, *after;
	struct scenario *sc = new_scenario("finish", root), *scs[1] = { sc };
	struct otelsim_error err;
	struct plan p;
	struct batch b;

	(void)state;
	x = add_children(root, 2, xn);
	after = x + 1;
	x->retry.enabled = true;
	x->retry.max_attempts = 2;
	x->retry.success_rate = rates;
	x->retry.nsuccess_rate = 2;
	root->events = ARENA_NEWN(&A, struct event_spec, 1);
	memset(root->events, 0, sizeof(*root->events));
	root->events[0].name = "ev";
	root->events[0].probability = 1;
	root->nevents = 1;
	after->links = ARENA_NEWN(&A, struct link_spec, 1);
	memset(after->links, 0, sizeof(*after->links));
	after->links[0].kind = LINK_SPAN;
	after->links[0].span_name = "x.attempt";
	after->nlinks = 1;
	M.scenarios = scs;
	M.nscenarios = 1;
	arena_init(&M.arena, 0);
	assert_int_equal(model_finish(&M, &err), 0);
	assert_int_equal(root->name_len, 4);
	assert_null(root->attempt_name);
	assert_int_equal(x->name_len, 1);
	assert_string_equal(x->attempt_name, "x.attempt");
	assert_int_equal(root->events[0].name_len, 2);
	assert_int_equal(after->links[0].span_name_len, 9);
	assert_null(after->attempt_name);
	/* idempotent */
	{
		const char *an = x->attempt_name;

		assert_int_equal(model_finish(&M, &err), 0);
		assert_ptr_equal(x->attempt_name, an);
	}
	plan_one(&p, sc, 3, 3);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 15);
	for (size_t t = 0; t < 3; t++) {
		const struct span_out *s = &b.spans[5 * t];

		check_trace(&b, 5 * t, 5 * t + 5);
		assert_ptr_equal(s[0].name, root->name);
		assert_int_equal(s[0].name_len, 4);
		assert_ptr_equal(s[2].name, x->attempt_name);
		assert_ptr_equal(s[3].name, x->attempt_name);
		assert_int_equal(s[3].name_len, 9);
		assert_int_equal(s[0].nevents, 1);
		assert_int_equal(s[0].events[0].name_len, 2);
		/* the link finds the last attempt before it */
		assert_int_equal(s[4].nlinks, 1);
		assert_memory_equal(s[4].links[0].span_id, s[3].span_id, 8);
	}
	batch_release(&b);
	M.scenarios = NULL;
	M.nscenarios = 0;
	arena_release(&M.arena);
}

/* load_model finishes the model it builds. */
static void test_loaded_model_is_finished(void **state)
{
	static const char *const files[] = { "scenarios/agentic/tool_retry.yaml" };
	struct load_opts lo;
	struct model m;
	struct otelsim_error err;
	const struct scenario *sc;
	const struct span_spec *tool = NULL;

	(void)state;
	memset(&lo, 0, sizeof(lo));
	memset(&m, 0, sizeof(m));
	lo.files = files;
	lo.nfiles = 1;
	lo.bundled_semconv = "conventions";
	lo.config_path = "config/config.yaml"; /* its context names the config's tenant */
	if (load_model(&lo, &m, &err))
		fail_msg("load: %s", err.message);
	sc = model_find_scenario(&m, "tool_retry");
	assert_non_null(sc);
	assert_int_equal(sc->root->name_len, strlen(sc->root->name));
	for (uint32_t k = 0; k < sc->root->nchildren; k++)
		if (sc->root->children[k].retry.enabled)
			tool = &sc->root->children[k];
	assert_non_null(tool);
	assert_string_equal(tool->attempt_name, "vendor.mcp.tool.execute.attempt");
	model_release(&m);
}

/* engine/num.h */
static void test_num(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		int64_t v;
	} ints[] = {
		{ "0", true, 0 },
		{ "-0", true, 0 },
		{ "+42", true, 42 },
		{ "9223372036854775807", true, INT64_MAX },
		{ "-9223372036854775808", true, INT64_MIN },
		{ "9223372036854775808", false, 0 },
		{ "-9223372036854775809", false, 0 },
		{ "", false, 0 },
		{ "-", false, 0 },
		{ "+", false, 0 },
		{ "1 ", false, 0 },
		{ " 1", false, 0 },
		{ "1.0", false, 0 },
		{ "0x10", false, 0 },
		{ "--1", false, 0 },
	};
	double cum[4] = { 0, 2, 2, 3 }; /* weights 0, 2, 0, 1 */
	int seen[4] = { 0 };
	struct rng r;

	(void)state;
	for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
		int64_t v = 12345;

		if (value_parse_int(ints[k].s, strlen(ints[k].s), &v) != ints[k].ok)
			fail_msg("'%s': want %s", ints[k].s, ints[k].ok ? "ok" : "refused");
		assert_true(v == (ints[k].ok ? ints[k].v : 12345));
	}
	/* the length bounds the text: no NUL needed */
	{
		int64_t v;

		assert_true(value_parse_int("123456", 3, &v) && v == 123);
	}
	assert_true(num_add_sat(INT64_MAX - 1, 1) == INT64_MAX);
	assert_true(num_add_sat(INT64_MAX, 1) == INT64_MAX);
	assert_true(num_add_sat(INT64_MIN, -1) == INT64_MIN);
	assert_true(num_add_sat(-5, 3) == -2);
	assert_true(num_mul_sat(INT64_MAX / 2, 3) == INT64_MAX);
	assert_true(num_mul_sat(INT64_MAX / 2, -3) == INT64_MIN);
	assert_true(num_mul_sat(-4, -INT64_MAX) == INT64_MAX);
	assert_true(num_mul_sat(1000000, 1000000) == 1000000000000LL);
	assert_true(num_mul_sat(0, INT64_MIN) == 0);

	rng_seed(&r, 1, 2, 3);
	for (int i = 0; i < 30000; i++)
		seen[num_pick_weighted(cum, 4, &r)]++;
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[2], 0);
	assert_in_range(seen[1], 19400, 20600);
	assert_int_equal(seen[1] + seen[3], 30000);
	/* one draw each: the stream after 30000 picks is the 30001st double */
	{
		struct rng q;

		rng_seed(&q, 1, 2, 3);
		for (int i = 0; i < 30000; i++)
			(void)rng_double(&q);
		assert_true(rng_double(&q) == rng_double(&r));
	}
}

/* Error conditions are exclusive and checked in order against one draw. */
static void test_error_conditions_in_order(void **state)
{
	struct span_spec *root = new_spec("root", 0);
	struct scenario *sc;
	struct plan p;
	struct batch b;
	size_t n[3] = { 0, 0, 0 };
	const size_t count = 8000;

	(void)state;
	root->errors = ARENA_NEWN(&A, struct error_spec, 2);
	assert_non_null(root->errors);
	root->nerrors = 2;
	root->errors[0].rate = 0.25;
	root->errors[0].type = "first";
	root->errors[1].rate = 0.5;
	root->errors[1].type = "second";
	root->errors[1].message = "second failed";
	sc = new_scenario("conditions", root);
	plan_one(&p, sc, count, (uint32_t)count);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, count);
	for (size_t k = 0; k < b.nspans; k++) {
		const struct span_out *s = &b.spans[k];

		if (!s->status_code) {
			assert_null(attr(s, "error.type"));
			n[2]++;
		} else if (str_is(attr(s, "error.type"), "first")) {
			assert_int_equal(s->status_message_len, 5);
			n[0]++;
		} else {
			assert_true(str_is(attr(s, "error.type"), "second"));
			assert_memory_equal(s->status_message, "second failed", 13);
			n[1]++;
		}
	}
	/* 25% / 50% / 25%, within 4 sigma (sqrt(8000 * 0.25 * 0.75) = 38.7) */
	assert_true(n[0] > 2000 - 155 && n[0] < 2000 + 155);
	assert_true(n[1] > 4000 - 179 && n[1] < 4000 + 179);
	assert_true(n[2] > 2000 - 155 && n[2] < 2000 + 155);
	assert_int_equal(b.nerror_spans, n[0] + n[1]);
	batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_render_order_independent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shop_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_trees_nest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequential_and_parallel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probability_and_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_propagation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_and_mixed_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_to_span, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_weighted_and_each_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_templated_names_and_vars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_backoff_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times_saturate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_finish, setup, teardown),
		cmocka_unit_test(test_loaded_model_is_finished),
		cmocka_unit_test(test_num),
		cmocka_unit_test_setup_teardown(test_error_conditions_in_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
