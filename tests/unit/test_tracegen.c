/*
 * The trace-generator dialect end to end: seed 002's files as it prints
 * them (scenarios/tracegen/ecommerce_order.yaml and service_foo.yaml are
 * its text, byte for byte) loaded and rendered by the engine, and checked
 * against what the seed says they make.
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
#include <unistd.h>

#include "engine/batch.h"
#include "engine/engine.h"
#include "load/load.h"
#include "model/model.h"

#define DIR "scenarios/tracegen/"

static void load_files(const char *const *files, size_t n, struct model *m)
{
	struct load_opts lo;
	struct otelsim_error err = { 0 };

	memset(&lo, 0, sizeof(lo));
	lo.config_path = "config/config.yaml";
	lo.bundled_semconv = "conventions";
	lo.scenarios_dir = "scenarios";
	lo.files = files;
	lo.nfiles = n;
	if (load_model(&lo, m, &err))
		fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
}

static void plan_for(struct plan *p, const struct model *m, const struct scenario *sc,
		     uint64_t count)
{
	memset(p, 0, sizeof(*p));
	p->model = m;
	p->scenario = sc;
	p->seed = 42;
	p->start_ns = 1767225600000000000LL;
	p->interval_ns = 500000000LL;
	p->count = count;
	p->iterations_per_block = 1000;
}

static const struct value *attr(const struct span_out *s, const char *key)
{
	for (uint32_t i = 0; i < s->nattrs; i++)
		if (s->attrs[i].key_len == strlen(key) &&
		    !memcmp(s->attrs[i].key, key, strlen(key)))
			return &s->attrs[i].value;
	return NULL;
}

static bool name_is(const struct span_out *s, const char *name)
{
	return s->name_len == strlen(name) && !memcmp(s->name, name, s->name_len);
}

static bool str_is(const struct value *v, const char *want)
{
	return v && v->type == VAL_STRING && v->u.s.len == strlen(want) &&
	       !memcmp(v->u.s.ptr, want, v->u.s.len);
}

static const char *service_of(const struct model *m, const struct span_out *s)
{
	return m->services[s->resource].name;
}

/* ---- the e-commerce example: the call graph as written ---- */

static const struct {
	const char *service, *operation;
	uint8_t kind;
	const char *conditions[3];
	double percent[3];
} shop[] = {
	{ "api-gateway", "POST /api/v1/orders", 2, { "RateLimitExceeded" }, { 2 } },
	{ "auth-service",
	  "validate_user_session",
	  3,
	  { "InvalidSession", "AuthServiceDown" },
	  { 5, 1 } },
	{ "inventory-service",
	  "check_item_availability",
	  3,
	  { "OutOfStock", "DatabaseTimeout" },
	  { 8, 3 } },
	{ "payment-service",
	  "process_payment",
	  3,
	  { "PaymentDeclined", "FraudDetected", "PaymentTimeout" },
	  { 10, 3, 2 } },
	{ "fulfillment-service", "create_shipment", 3, { "FulfillmentFailed" }, { 4 } },
	{ "notification-service", "send_order_confirmation", 3, { "EmailDeliveryFailed" }, { 6 } },
};
#define NSHOP (sizeof(shop) / sizeof(shop[0]))

static void test_ecommerce_as_written(void **state)
{
	static const char *const files[] = { DIR "ecommerce_order.yaml" };
	struct model m;
	const struct scenario *sc;
	const struct span_spec *s;

	(void)state;
	load_files(files, 1, &m);
	sc = model_find_scenario(&m, "ecommerce_order");
	assert_non_null(sc);
	assert_ptr_equal(model_find_scenario(&m, "E-commerce Order Processing"), sc);
	assert_string_equal(sc->title, "E-commerce Order Processing");
	assert_string_equal(
		sc->description,
		"Simulates a complete order flow with realistic error rates and timing");
	assert_true(sc->weight == 15);
	assert_int_equal(sc->nvars, 3);
	assert_int_equal(sc->exceptions, EXCEPTIONS_BOTH);
	s = sc->root;
	for (size_t d = 0; d < NSHOP; d++) {
		assert_non_null(s);
		assert_string_equal(s->name, shop[d].operation);
		assert_string_equal(m.services[s->service].name, shop[d].service);
		assert_int_equal(s->kind, shop[d].kind);
		assert_true(s->latency_first && s->attrs_first);
		assert_int_equal(s->latency.kind, DIST_UNIFORM);
		for (uint32_t k = 0; k < s->nerrors; k++) {
			assert_string_equal(s->errors[k].type, shop[d].conditions[k]);
			assert_true(fabs(s->errors[k].rate - shop[d].percent[k] / 100) < 1e-12);
			assert_int_equal(s->errors[k].propagate, ERR_RAISE);
		}
		for (uint32_t k = s->nerrors; k < 3; k++)
			assert_null(shop[d].conditions[k]);
		assert_true(s->nerrors >= 1);
		assert_int_equal(s->nchildren, d + 1 < NSHOP ? 1 : 0);
		s = s->nchildren ? &s->children[0] : NULL;
	}
	/* delay_ms of the payment call: [200, 500] */
	s = &sc->root->children[0].children[0].children[0];
	assert_true(s->latency.p1 == 200 && s->latency.p2 == 500);
	model_release(&m);
}

/*
 * 20,000 traces: every condition's share within 3 sigma of its percent, of
 * the traces that reach its span; the failed span made none of its calls,
 * and every caller shows the same error, with the exception recorded.
 */
static void test_ecommerce_error_shares(void **state)
{
	static const char *const files[] = { DIR "ecommerce_order.yaml" };
	const uint64_t count = 20000;
	uint64_t reached[NSHOP] = { 0 }, fired[NSHOP][3] = { { 0 } }, ok_traces = 0;
	struct model m;
	struct plan p;
	struct batch b;

	(void)state;
	load_files(files, 1, &m);
	plan_for(&p, &m, model_find_scenario(&m, "ecommerce_order"), count);
	batch_init(&b);
	for (uint64_t blk = 0; blk < plan_nblocks(&p); blk++) {
		size_t first = 0;

		assert_int_equal(engine_render_block(&p, blk, &b), 0);
		while (first < b.nspans) {
			size_t n = 1, last;
			const struct value *et;

			while (first + n < b.nspans && b.spans[first + n].has_parent)
				n++;
			/* a chain: span d of the trace is at first + d */
			assert_true(n >= 1 && n <= NSHOP);
			last = first + n - 1;
			for (size_t d = 0; d < n; d++) {
				const struct span_out *s = &b.spans[first + d];

				assert_true(name_is(s, shop[d].operation));
				assert_string_equal(service_of(&m, s), shop[d].service);
				assert_int_equal(s->kind, shop[d].kind);
				if (d)
					assert_memory_equal(s->parent_span_id,
							    b.spans[first + d - 1].span_id, 8);
				reached[d]++;
			}
			et = attr(&b.spans[last], "error.type");
			if (!b.spans[last].status_code) {
				/* no failure: the whole chain, nothing failed */
				assert_int_equal(n, NSHOP);
				for (size_t d = 0; d < n; d++)
					assert_int_equal(b.spans[first + d].status_code, 0);
				ok_traces++;
			} else {
				size_t k;

				assert_non_null(et);
				for (k = 0; k < 3 && shop[last - first].conditions[k]; k++)
					if (str_is(et, shop[last - first].conditions[k]))
						break;
				assert_true(k < 3 && shop[last - first].conditions[k]);
				fired[last - first][k]++;
				/* the callers: ERROR with the same type, the exception recorded */
				for (size_t d = 0; d < n; d++) {
					const struct span_out *s = &b.spans[first + d];

					assert_int_equal(s->status_code, 2);
					assert_true(str_is(attr(s, "error.type"),
							   shop[last - first].conditions[k]));
					assert_int_equal(s->nevents, 1);
					assert_memory_equal(s->events[0].name, "exception", 9);
					assert_int_equal(s->events[0].time_ns, s->end_ns);
					assert_true(str_is(&s->events[0].attrs[0].value,
							   shop[last - first].conditions[k]));
					assert_int_equal(s->end_ns, b.spans[last].end_ns);
				}
			}
			/* a span lasts its delay plus its calls; calls start after its delay */
			for (size_t d = 0; d + 1 < n; d++) {
				const struct span_out *s = &b.spans[first + d], *c = s + 1;

				assert_true(c->start_ns > s->start_ns);
				assert_int_equal(c->end_ns, s->end_ns);
			}
			first += n;
		}
	}
	batch_release(&b);
	/* each condition, among the traces that reached its span */
	for (size_t d = 0; d < NSHOP; d++) {
		for (size_t k = 0; k < 3 && shop[d].conditions[k]; k++) {
			double pr = shop[d].percent[k] / 100, n = (double)reached[d];
			double sigma = sqrt(n * pr * (1 - pr));

			if (fabs((double)fired[d][k] - n * pr) > 3 * sigma)
				fail_msg("%s %s: %llu of %llu, expected %.1f +- %.1f",
					 shop[d].operation, shop[d].conditions[k],
					 (unsigned long long)fired[d][k],
					 (unsigned long long)reached[d], n * pr, 3 * sigma);
		}
	}
	assert_int_equal(reached[0], count);
	assert_int_equal(ok_traces, reached[NSHOP - 1] - fired[NSHOP - 1][0]);
	model_release(&m);
}

/* Vars: the same on every span of a trace, different across traces. */
static void test_ecommerce_vars(void **state)
{
	static const char *const files[] = { DIR "ecommerce_order.yaml" };
	const uint64_t count = 500;
	struct model m;
	struct plan p;
	struct batch b;
	int64_t seen_users[500];
	char orders[500][64];
	size_t nusers = 0, distinct = 0;

	(void)state;
	load_files(files, 1, &m);
	plan_for(&p, &m, model_find_scenario(&m, "ecommerce_order"), count);
	p.iterations_per_block = (uint32_t)count;
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	for (size_t i = 0; i < b.nspans; i++) {
		const struct span_out *root = &b.spans[i];
		const struct value *uid, *oid;

		if (root->has_parent)
			continue;
		uid = attr(root, "user.id");
		oid = attr(root, "order.id");
		assert_non_null(uid);
		assert_non_null(oid);
		assert_int_equal(oid->type, VAL_STRING);
		assert_true(oid->u.s.len == 42 && !memcmp(oid->u.s.ptr, "order-", 6));
		/* every later span of the trace that carries them has the same values */
		for (size_t j = i + 1; j < b.nspans && b.spans[j].has_parent; j++) {
			const struct value *u = attr(&b.spans[j], "user.id");
			const struct value *o = attr(&b.spans[j], "order.id");

			if (u) {
				assert_int_equal(u->type, uid->type);
				assert_int_equal(u->u.s.len, uid->u.s.len);
				assert_memory_equal(u->u.s.ptr, uid->u.s.ptr, uid->u.s.len);
			}
			if (o)
				assert_memory_equal(o->u.s.ptr, oid->u.s.ptr, oid->u.s.len);
		}
		assert_int_equal(uid->type, VAL_STRING); /* user.id is a string attribute */
		seen_users[nusers] = strtoll(uid->u.s.ptr, NULL, 10);
		assert_true(seen_users[nusers] >= 1000 && seen_users[nusers] <= 9999);
		memcpy(orders[nusers], oid->u.s.ptr, oid->u.s.len);
		orders[nusers][oid->u.s.len] = '\0';
		nusers++;
	}
	assert_int_equal(nusers, count);
	/* across traces: order ids never repeat, user ids rarely (9000 values) */
	for (size_t i = 0; i < nusers; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++) {
			dup = seen_users[j] == seen_users[i];
			assert_true(strcmp(orders[i], orders[j]) != 0);
		}
		distinct += !dup;
	}
	assert_true(distinct > 450);
	batch_release(&b);
	model_release(&m);
}

/* service-foo: {{user_id}} in an operation is the span's own attribute, then the caller's */
static void test_service_foo(void **state)
{
	static const char *const files[] = { DIR "service_foo.yaml" };
	struct model m;
	struct plan p;
	struct batch b;
	char want[128];

	(void)state;
	load_files(files, 1, &m);
	assert_ptr_equal(model_find_scenario(&m, "Service Foo Scenario"),
			 model_find_scenario(&m, "service_foo"));
	plan_for(&p, &m, model_find_scenario(&m, "service_foo"), 200);
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	assert_int_equal(b.nspans, 2 * 200);
	for (size_t i = 0; i < b.nspans; i += 2) {
		const struct span_out *foo = &b.spans[i], *user = &b.spans[i + 1];
		const struct value *id = attr(foo, "user_id"), *sess = attr(foo, "session_id");

		assert_false(foo->has_parent);
		assert_string_equal(service_of(&m, foo), "service-foo");
		assert_string_equal(service_of(&m, user), "user-service");
		assert_int_equal(foo->kind, 3);  /* CLIENT */
		assert_int_equal(user->kind, 2); /* SERVER */
		assert_memory_equal(user->parent_span_id, foo->span_id, 8);
		assert_non_null(id);
		assert_int_equal(id->type, VAL_INT);
		assert_true(id->u.i >= 1000 && id->u.i <= 9999);
		snprintf(want, sizeof(want), "GET /api/v1/foo/%lld", (long long)id->u.i);
		assert_true(name_is(foo, want));
		snprintf(want, sizeof(want), "POST /api/v1/users/%lld/foo", (long long)id->u.i);
		assert_true(name_is(user, want));
		/* the caller's user_id, copied with its type */
		assert_int_equal(attr(user, "user_id")->type, VAL_INT);
		assert_int_equal(attr(user, "user_id")->u.i, id->u.i);
		assert_true(sess && sess->u.s.len == 41 && !memcmp(sess->u.s.ptr, "sess-", 5));
		assert_non_null(attr(user, "client_ip"));
		assert_true(user->start_ns >= foo->start_ns + 10000000ULL); /* after its 10+ ms */
		assert_true(user->end_ns == foo->end_ns);
	}
	batch_release(&b);
	model_release(&m);
}

/* Every bundled scenario: every root is its root span's service; none fails to render. */
static void test_bundled_roots(void **state)
{
	struct model m;
	struct plan p;
	struct batch b;
	size_t tracegen = 0;

	(void)state;
	load_files(NULL, 0, &m);
	batch_init(&b);
	for (uint32_t i = 0; i < m.nscenarios; i++) {
		const struct scenario *sc = m.scenarios[i];

		if (sc->dialect != DIALECT_TRACEGEN)
			continue;
		tracegen++;
		plan_for(&p, &m, sc, 50);
		assert_int_equal(engine_render_block(&p, 0, &b), 0);
		assert_int_equal(b.ntraces, 50);
		for (size_t k = 0; k < b.nspans; k++)
			if (!b.spans[k].has_parent)
				assert_string_equal(service_of(&m, &b.spans[k]),
						    m.services[sc->root->service].name);
	}
	assert_int_equal(tracegen, 12);
	batch_release(&b);
	model_release(&m);
}

/* Async pair: the consumer links to the producer's exported span in an earlier trace. */
static void test_context_links(void **state)
{
	static const char *const files[] = { DIR "04_async_producer.yaml",
					     DIR "05_async_consumer.yaml" };
	const struct scenario *pool[2];
	double cum[2] = { 1, 2 };
	struct model m;
	struct plan p;
	struct batch b;
	size_t linked = 0, consumers = 0;

	(void)state;
	load_files(files, 2, &m);
	pool[0] = model_find_scenario(&m, "04_async_producer");
	pool[1] = model_find_scenario(&m, "05_async_consumer");
	assert_int_equal(pool[0]->nexports, 1);
	assert_string_equal(pool[0]->exports[0], "orders");
	plan_for(&p, &m, NULL, 200);
	p.pool = pool;
	p.npool = 2;
	p.cum_weights = cum;
	p.mixed_stream = 99;
	p.iterations_per_block = 200;
	batch_init(&b);
	assert_int_equal(engine_render_block(&p, 0, &b), 0);
	for (size_t i = 0; i < b.nspans; i++) {
		const struct span_out *s = &b.spans[i];
		bool found = false;

		if (!name_is(s, "orders process"))
			continue;
		consumers++;
		if (!s->nlinks)
			continue;
		assert_int_equal(s->nlinks, 1);
		assert_int_equal(s->links[0].flags, 0x301); /* sampled, remote */
		for (size_t j = 0; j < i && !found; j++) {
			const struct span_out *o = &b.spans[j];

			if (!memcmp(o->trace_id, s->links[0].trace_id, 16) &&
			    !memcmp(o->span_id, s->links[0].span_id, 8)) {
				assert_true(name_is(o, "orders publish"));
				assert_true(o->start_ns < s->start_ns);
				found = true;
			}
		}
		assert_true(found);
		linked++;
	}
	/* all but consumers before the first producer */
	assert_true(consumers > 60 && linked + 5 >= consumers && linked > 0);
	batch_release(&b);
	model_release(&m);
}

/* Several scenarios in one file: a list, or several documents. */
static void test_several_per_file(void **state)
{
	static const char list[] = "- scenario_name: First\n"
				   "  steps:\n"
				   "    - {service: a, operation: one, delay_ms: [1, 1]}\n"
				   "    - {service: b, operation: two, delay_ms: [2, 2]}\n"
				   "- scenario_name: Second\n"
				   "  root_span: {operation: three}\n";
	static const char docs[] = "scenario_name: Third\nroot_span: {operation: x}\n---\n"
				   "scenario_name: Fourth\nroot_span: {operation: y}\n---\n";
	char path[2][64];
	const char *files[2];
	struct model m;
	const struct scenario *sc;

	(void)state;
	for (int k = 0; k < 2; k++) {
		FILE *f;
		int fd;

		snprintf(path[k], sizeof(path[k]), "/tmp/tgmultiXXXXXX");
		fd = mkstemp(path[k]);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(k ? docs : list, f);
		fclose(f);
		files[k] = path[k];
	}
	load_files(files, 2, &m);
	unlink(path[0]);
	unlink(path[1]);
	assert_int_equal(m.nscenarios, 4);
	sc = model_find_scenario(&m, "First");
	assert_non_null(sc);
	assert_string_equal(sc->name + strlen(sc->name) - 2, ".1");
	/* steps: each a call of the one before */
	assert_string_equal(sc->root->name, "one");
	assert_int_equal(sc->root->nchildren, 1);
	assert_string_equal(sc->root->children[0].name, "two");
	assert_string_equal(m.services[sc->root->children[0].service].name, "b");
	assert_string_equal(model_find_scenario(&m, "Second")->name + strlen(sc->name) - 2, ".2");
	assert_non_null(model_find_scenario(&m, "Fourth"));
	assert_string_equal(model_find_scenario(&m, "Fourth")->root->name, "y");
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecommerce_as_written),
		cmocka_unit_test(test_ecommerce_error_shares),
		cmocka_unit_test(test_ecommerce_vars),
		cmocka_unit_test(test_service_foo),
		cmocka_unit_test(test_bundled_roots),
		cmocka_unit_test(test_context_links),
		cmocka_unit_test(test_several_per_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
