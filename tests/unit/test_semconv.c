/* load/semconv: the registry loader, the test registry, bad files, conventions/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/semconv.h"

#define REG "tests/data/semconv/registry"
#define BAD "tests/data/semconv/bad/"

static struct semconv *load_ok(const char *path, const char *vendor)
{
	struct semconv *sc = NULL;
	struct otelsim_error err = { 0 };
	char buf[2048];

	if (semconv_load(path, vendor, &sc, &err))
		fail_msg("loading %s: %s", path, otelsim_error_format(&err, buf, sizeof(buf)));
	return sc;
}

static const struct sc_attr *attr(const struct semconv *sc, const char *id)
{
	const struct sc_attr *a = semconv_attr(sc, id);

	if (!a)
		fail_msg("no attribute '%s'", id);
	return a;
}

/* members as "id=value,id=value(d)" ("(d)": deprecated) */
static const char *members(const struct sc_attr *a)
{
	static char buf[2048];
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < a->nmembers && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s=%s%s", i ? "," : "",
				      a->members[i].id, a->members[i].value,
				      a->members[i].deprecated ? "(d)" : "");
	return buf;
}

static void assert_buckets(const struct sc_metric *m, const double *want, size_t n)
{
	assert_non_null(m);
	assert_int_equal(m->nbuckets, n);
	for (size_t i = 0; i < n; i++)
		if (m->buckets[i] != want[i])
			fail_msg("%s bucket %zu: got %.17g, want %.17g", m->name, i, m->buckets[i],
				 want[i]);
}

static void assert_counts(const struct sc_counts *c, size_t files, size_t groups, size_t attributes,
			  size_t enums, size_t members_, size_t metrics, size_t spans,
			  size_t events, size_t deprecated, size_t refs, size_t warnings)
{
	assert_int_equal(c->files, files);
	assert_int_equal(c->groups, groups);
	assert_int_equal(c->attributes, attributes);
	assert_int_equal(c->enums, enums);
	assert_int_equal(c->members, members_);
	assert_int_equal(c->metrics, metrics);
	assert_int_equal(c->spans, spans);
	assert_int_equal(c->events, events);
	assert_int_equal(c->deprecated, deprecated);
	assert_int_equal(c->refs, refs);
	assert_int_equal(c->warnings, warnings);
}

/* ---- the test registry ---- */

static void test_registry_counts(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	struct sc_counts c;

	(void)state;
	semconv_counts(sc, &c);
	/* 7 files: README.md and .hidden.yaml are skipped */
	assert_counts(&c, 7, 25, 31, 9, 23, 4, 6, 2, 8, 21, 1);
	assert_int_equal(semconv_warning_count(sc), 1);
	assert_string_equal(semconv_warning(sc, 0),
			    REG "/a_core/signals.yaml:99:5: unknown key 'breif' (did you mean "
				"'brief'?)");
	assert_null(semconv_warning(sc, 1));
	assert_string_equal(semconv_schema_url(sc), "https://example.com/schemas/1.2.3");
	semconv_free(sc);
}

static void test_registry_types(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	static const struct {
		const char *id;
		int type;
		const char *stability;
	} want[] = {
		{ "test.str", SC_STRING, "stable" },
		{ "test.int", SC_INT, "development" },
		{ "test.double", SC_DOUBLE, "alpha" },
		{ "test.bool", SC_BOOLEAN, "beta" },
		{ "test.any", SC_ANY, "release_candidate" },
		{ "test.strs", SC_STRING_ARRAY, "experimental" },
		{ "test.ints", SC_INT_ARRAY, "development" },
		{ "test.doubles", SC_DOUBLE_ARRAY, "development" },
		{ "test.bools", SC_BOOLEAN_ARRAY, "development" },
		{ "test.header", SC_TEMPLATE, "stable" },
		{ "test.label", SC_TEMPLATE, "development" },
		{ "host.name", SC_STRING, "" },
		{ "test.version", SC_STRING, "development" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct sc_attr *a = attr(sc, want[i].id);

		assert_string_equal(a->id, want[i].id);
		assert_int_equal(a->type, want[i].type);
		assert_string_equal(a->stability, want[i].stability);
		assert_false(a->deprecated);
		assert_false(a->closed);
		assert_int_equal(a->nmembers, 0);
	}
	/* instances of a template find it; other prefixes do not */
	assert_ptr_equal(semconv_attr(sc, "test.header.content-type"), attr(sc, "test.header"));
	assert_ptr_equal(semconv_attr(sc, "test.label.a.b"), attr(sc, "test.label"));
	assert_null(semconv_attr(sc, "test.str.sub"));
	assert_null(semconv_attr(sc, "test.heade"));
	assert_null(semconv_attr(sc, "test"));
	assert_null(semconv_attr(sc, ""));
	/* equal rank: the later definition wins (b_genai's int over a_core's string) */
	assert_int_equal(attr(sc, "test.dup")->type, SC_INT);
	semconv_free(sc);
}

static void test_registry_enums(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	const struct sc_attr *a;

	(void)state;
	a = attr(sc, "test.method");
	assert_int_equal(a->type, SC_ENUM);
	assert_int_equal(a->enum_value_type, SC_STRING);
	assert_string_equal(members(a), "get=GET,fetch=FETCH(d),other=_OTHER");
	assert_false(a->closed); /* upstream enums are open */

	a = attr(sc, "test.code");
	assert_int_equal(a->enum_value_type, SC_INT);
	assert_string_equal(members(a), "ok=0,cancelled=1");
	assert_false(a->closed);

	a = attr(sc, "test.ratio");
	assert_int_equal(a->enum_value_type, SC_DOUBLE);
	assert_string_equal(members(a), "half=0.5,one=1");

	a = attr(sc, "test.closed"); /* annotations: {otelsim: {closed: true}} */
	assert_true(a->closed);
	assert_string_equal(members(a), "a=a,b=b");

	a = attr(sc, "acme.outcome"); /* defined in a vendor group: closed */
	assert_true(a->closed);
	assert_int_equal(a->enum_value_type, SC_STRING);
	assert_string_equal(members(a), "ok=ok,bad=bad");

	a = attr(sc, "acme.mode"); /* a string narrowed by allowed_values */
	assert_int_equal(a->type, SC_ENUM);
	assert_true(a->closed);
	assert_string_equal(members(a), "fast=fast,slow=slow");
	semconv_free(sc);
}

static void test_registry_deprecated(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	const struct sc_attr *a;

	(void)state;
	a = attr(sc, "test.old"); /* the old string form */
	assert_true(a->deprecated);
	assert_null(a->renamed_to);
	a = attr(sc, "test.renamed");
	assert_true(a->deprecated);
	assert_string_equal(a->renamed_to, "test.str");
	assert_true(attr(sc, "test.gone")->deprecated);
	assert_null(attr(sc, "test.gone")->renamed_to);
	assert_true(attr(sc, "test.split")->deprecated);
	a = attr(sc, "gen_ai.system");
	assert_true(a->deprecated);
	assert_string_equal(a->renamed_to, "gen_ai.provider.name");
	a = attr(sc, "acme.old"); /* renamed_to is rewritten like the id */
	assert_true(a->deprecated);
	assert_string_equal(a->renamed_to, "acme.count");
	a = attr(sc, "test.dep2"); /* both deprecated: the later (c_stubs, int) wins */
	assert_true(a->deprecated);
	assert_int_equal(a->type, SC_INT);
	semconv_free(sc);
}

static void test_registry_genai_beats_stubs(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	const struct sc_attr *a;

	(void)state;
	/* c_stubs loads after b_genai, yet its deprecated, excluded stubs lose */
	a = attr(sc, "gen_ai.operation.name");
	assert_false(a->deprecated);
	assert_int_equal(a->type, SC_ENUM);
	assert_false(a->closed);
	assert_string_equal(members(a), "chat=chat,execute_tool=execute_tool,"
					"invoke_agent=invoke_agent");
	a = attr(sc, "gen_ai.provider.name");
	assert_false(a->deprecated);
	assert_string_equal(members(a), "openai=openai,anthropic=anthropic");
	semconv_free(sc);
}

static void test_registry_vendor_narrowing(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	const struct sc_attr *a;

	(void)state;
	/* e_late redefines error.type as a plain string: the narrowing still wins */
	a = attr(sc, "error.type");
	assert_int_equal(a->type, SC_ENUM);
	assert_int_equal(a->enum_value_type, SC_STRING);
	assert_true(a->closed);
	assert_false(a->deprecated);
	assert_string_equal(members(a), "timeout=timeout,unavailable=unavailable,"
					"invalid_arguments=invalid_arguments,tool_error=tool_error,"
					"protocol_error=protocol_error");
	/* vendor ids are stored under vendor_out only */
	assert_null(semconv_attr(sc, "vendor.outcome"));
	assert_int_equal(attr(sc, "acme.count")->type, SC_INT);
	assert_null(semconv_span(sc, "vendor.agent.turn"));
	assert_int_equal(semconv_span(sc, "acme.agent.turn")->kind, 2);
	assert_null(semconv_metric(sc, "vendor.turn.duration"));
	assert_string_equal(semconv_metric(sc, "acme.turn.duration")->unit, "ms");
	semconv_free(sc);

	/* default prefix: "vendor" */
	sc = load_ok(REG, NULL);
	assert_string_equal(attr(sc, "vendor.outcome")->id, "vendor.outcome");
	assert_null(semconv_attr(sc, "acme.outcome"));
	assert_string_equal(attr(sc, "vendor.old")->renamed_to, "vendor.count");
	assert_non_null(semconv_span(sc, "vendor.agent.turn"));
	semconv_free(sc);
}

static void test_registry_spans_metrics(void **state)
{
	struct semconv *sc = load_ok(REG, "acme");
	static const struct {
		const char *lookup, *type;
		int kind;
	} spans[] = {
		{ "test.server", "test.server", 2 },
		{ "test.client", "test.client", 3 },
		{ "test.producer", "test.producer", 4 },
		{ "test.produce", "test.producer", 4 }, /* by name */
		{ "gen_ai.inference.client", "gen_ai.inference.client", 3 },
		{ "test.named", "test.named", 1 },
		{ "test.named.span", "test.named", 1 }, /* by name */
		{ "acme.agent.turn", "acme.agent.turn", 2 },
	};
	static const double b1[] = { 0.1, 0.5, 1 }, b2[] = { 1, 4, 16 }, b3[] = { 10, 100, 1000 };
	const struct sc_metric *m;

	(void)state;
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		const struct sc_span *s = semconv_span(sc, spans[i].lookup);

		if (!s)
			fail_msg("no span '%s'", spans[i].lookup);
		assert_string_equal(s->type, spans[i].type);
		assert_int_equal(s->kind, spans[i].kind);
	}
	assert_null(semconv_span(sc, "span.test.server"));
	assert_null(semconv_span(sc, "test.thing")); /* an event */
	assert_null(semconv_span(sc, "test.duration"));

	m = semconv_metric(sc, "test.duration");
	assert_string_equal(m->instrument, "histogram");
	assert_string_equal(m->unit, "s");
	assert_buckets(m, b1, 3);
	m = semconv_metric(sc, "test.count");
	assert_string_equal(m->instrument, "counter");
	assert_string_equal(m->unit, "{call}");
	assert_int_equal(m->nbuckets, 0);
	assert_buckets(semconv_metric(sc, "gen_ai.client.token.usage"), b2, 3);
	assert_buckets(semconv_metric(sc, "acme.turn.duration"), b3, 3);
	assert_null(semconv_metric(sc, "metric.test.duration"));
	semconv_free(sc);
}

/* ---- bad files ---- */

static void test_bad_files(void **state)
{
	static const struct {
		const char *file;
		int line, col;
		const char *msg;
	} bad[] = {
		{ "unknown_ref.yaml", 14, 14,
		  "ref to unknown attribute 'test.nop' (did you mean 'test.nope'?)" },
		{ "extends_cycle.yaml", 5, 14,
		  "extends cycle: 'group.a' -> 'group.b' -> 'group.c' -> 'group.a'" },
		{ "duplicate_key.yaml", 5, 5, "duplicate key 'brief' (first at line 4, column 5)" },
		{ "attributes_type.yaml", 6, 7, "'attributes' must be a list, not a mapping" },
		{ "unknown_type.yaml", 7, 15,
		  "unknown attribute type 'strng' (did you mean 'string'?)" },
		{ "bad_buckets.yaml", 10, 27, "bucket boundaries must increase (0.75 after 1)" },
		{ "unknown_ref_group.yaml", 7, 20, "ref_group names unknown group 'nope.group'" },
		{ "bad_span_kind.yaml", 4, 16,
		  "unknown span kind 'clinet' (did you mean 'client'?)" },
		{ "enum_mixed.yaml", 10, 32, "enum 'test.mixed' mixes string and number values" },
		{ "no_type.yaml", 3, 5, "attribute 'test.notype' has no 'type'" },
		{ "narrow_int.yaml", 15, 33, "allowed value 'x' of 'test.n' is not an integer" },
		{ "extends_unknown.yaml", 5, 14, "extends unknown group 'group.nope'" },
		{ "not_a_map.yaml", 1, 1, "a registry file must be a mapping, not a list" },
		{ "bad_file_format.yaml", 1, 14,
		  "unsupported file_format 'resolved/2' (expected definition/2)" },
		{ "bad_instrument.yaml", 4, 17,
		  "unknown instrument 'histogam' (did you mean 'histogram'?)" },
		{ "self_extends.yaml", 6, 20, "ref_group cycle: 'group.self' -> 'group.self'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256];
		struct semconv *sc = (struct semconv *)&path; /* must become NULL */
		struct otelsim_error err = { 0 };

		snprintf(path, sizeof(path), BAD "%s", bad[i].file);
		assert_int_equal(semconv_load(path, "acme", &sc, &err), OTELSIM_EINPUT);
		assert_null(sc);
		assert_int_equal(err.code, OTELSIM_EINPUT);
		assert_string_equal(err.file, path);
		if (err.line != bad[i].line || err.column != bad[i].col ||
		    strcmp(err.message, bad[i].msg))
			fail_msg("%s: got %d:%d '%s', want %d:%d '%s'", bad[i].file, err.line,
				 err.column, err.message, bad[i].line, bad[i].col, bad[i].msg);
	}
}

static void test_bad_arguments(void **state)
{
	struct semconv *sc = NULL;
	struct otelsim_error err = { 0 };
	char dir[] = "/tmp/otelsim-semconv-XXXXXX";

	(void)state;
	assert_int_equal(semconv_load("tests/data/semconv/nope", NULL, &sc, &err), OTELSIM_EINPUT);
	assert_null(sc);
	assert_string_equal(err.file, "tests/data/semconv/nope");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.message, "cannot read: No such file or directory");

	/* the loader's rule (load_check_vendor), a usage error like --vendor's */
	assert_int_equal(semconv_load(REG, "bad prefix", &sc, &err), OTELSIM_EUSAGE);
	assert_null(sc);
	assert_string_equal(
		err.message,
		"vendor prefix 'bad prefix' must be names of letters, digits, '_' or '-' "
		"joined by single dots (like acme or com.acme), at most 64 characters");
	assert_int_equal(semconv_load(REG, "acme.", &sc, &err), OTELSIM_EUSAGE);

	assert_non_null(mkdtemp(dir));
	assert_int_equal(semconv_load(dir, NULL, &sc, &err), OTELSIM_EINPUT);
	assert_null(sc);
	assert_string_equal(err.file, dir);
	assert_string_equal(err.message, "no .yaml or .yml files in this folder");
	assert_int_equal(rmdir(dir), 0);

	/* NULL registry: queries answer nothing */
	assert_null(semconv_attr(NULL, "x"));
	assert_null(semconv_metric(NULL, "x"));
	assert_null(semconv_span(NULL, "x"));
	assert_string_equal(semconv_schema_url(NULL), "");
	assert_int_equal(semconv_warning_count(NULL), 0);
	semconv_free(NULL);
}

static void test_load_many_later_wins(void **state)
{
	const char *ab[] = { "tests/data/semconv/many/one.yaml",
			     "tests/data/semconv/many/two.yaml" };
	const char *ba[] = { ab[1], ab[0] };
	struct semconv *sc = NULL;
	struct otelsim_error err = { 0 };
	struct sc_counts c;

	(void)state;
	assert_int_equal(semconv_load_many(ab, 2, NULL, &sc, &err), 0);
	assert_int_equal(attr(sc, "many.x")->type, SC_INT);
	semconv_counts(sc, &c);
	assert_counts(&c, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_string_equal(semconv_schema_url(sc), "");
	semconv_free(sc);
	assert_int_equal(semconv_load_many(ba, 2, NULL, &sc, &err), 0);
	assert_int_equal(attr(sc, "many.x")->type, SC_STRING);
	semconv_free(sc);
}

static void test_warnings_in_file_order(void **state)
{
	struct semconv *sc = load_ok("tests/data/semconv/misc/warnings.yaml", NULL);
	static const char *const want[] = {
		"8:20: unknown stability 'experimentl' (did you mean 'experimental'?)",
		"14:36: unknown deprecation reason 'forgotten'",
		"18:29: 'allowed_values' only narrows 'odd.x' in a vendor group (ignored)",
		"19:13: unknown key 'bucket' (did you mean 'buckets'?)",
		"20:5: group 'odd.span' has no 'type' (taken as span)",
	};
	const struct sc_attr *a;
	struct sc_counts c;

	(void)state;
	semconv_counts(sc, &c);
	assert_counts(&c, 1, 2, 1, 1, 1, 0, 1, 0, 1, 1, 5);
	assert_int_equal(semconv_warning_count(sc), 5);
	for (size_t i = 0; i < 5; i++) {
		char full[512];

		snprintf(full, sizeof(full), "tests/data/semconv/misc/warnings.yaml:%s", want[i]);
		assert_string_equal(semconv_warning(sc, i), full);
	}
	a = attr(sc, "odd.x"); /* not narrowed, still open */
	assert_false(a->closed);
	assert_string_equal(a->stability, "experimentl");
	assert_string_equal(members(a), "a=a(d)");
	assert_int_equal(semconv_span(sc, "odd.span")->kind, 1);
	semconv_free(sc);
}

static void test_definition2_spellings(void **state)
{
	struct semconv *sc = load_ok("tests/data/semconv/misc/spellings", NULL);

	(void)state;
	assert_int_equal(attr(sc, "spell.a")->type, SC_BOOLEAN);
	assert_int_equal(attr(sc, "spell.b")->type, SC_DOUBLE);
	assert_int_equal(semconv_warning_count(sc), 0);
	semconv_free(sc);
}

/* ---- the bundled conventions/ ---- */

static void test_bundled_counts(void **state)
{
	struct semconv *sc = load_ok("conventions", NULL);
	struct sc_counts c;

	(void)state;
	semconv_counts(sc, &c);
	assert_counts(&c, 11, 70, 121, 24, 137, 13, 24, 1, 5, 175, 0); /* rpc.client.call.duration: +1 group, metric, 5 refs */
	assert_int_equal(semconv_warning_count(sc), 0);
	assert_string_equal(semconv_schema_url(sc), "https://opentelemetry.io/schemas/1.44.0");
	semconv_free(sc);
}

static void test_bundled_attributes(void **state)
{
	struct semconv *sc = load_ok("conventions", "acme");
	const struct sc_attr *a;

	(void)state;
	assert_string_equal(members(attr(sc, "error.type")),
			    "timeout=timeout,unavailable=unavailable,"
			    "invalid_arguments=invalid_arguments,tool_error=tool_error,"
			    "protocol_error=protocol_error");
	assert_true(attr(sc, "error.type")->closed);
	a = attr(sc, "http.request.method");
	assert_false(a->closed);
	assert_string_equal(members(a), "connect=CONNECT,delete=DELETE,get=GET,head=HEAD,"
					"options=OPTIONS,patch=PATCH,post=POST,put=PUT,"
					"trace=TRACE,other=_OTHER");
	assert_int_equal(attr(sc, "http.response.status_code")->type, SC_INT);
	/* old names seed 002 uses: deprecated, with their new names */
	assert_string_equal(attr(sc, "http.method")->renamed_to, "http.request.method");
	assert_string_equal(attr(sc, "db.system")->renamed_to, "db.system.name");
	assert_true(attr(sc, "db.system")->deprecated);
	assert_int_equal(attr(sc, "server.port")->type, SC_INT);
	assert_string_equal(members(attr(sc, "gen_ai.operation.name")),
			    "chat=chat,generate_content=generate_content,"
			    "text_completion=text_completion,embeddings=embeddings,"
			    "retrieval=retrieval,create_agent=create_agent,"
			    "invoke_agent=invoke_agent,execute_tool=execute_tool,"
			    "invoke_workflow=invoke_workflow");
	assert_int_equal(attr(sc, "gen_ai.provider.name")->nmembers, 15);
	assert_string_equal(members(attr(sc, "gen_ai.token.type")), "input=input,output=output");
	assert_int_equal(attr(sc, "gen_ai.usage.input_tokens")->type, SC_INT);
	assert_string_equal(attr(sc, "gen_ai.system")->renamed_to, "gen_ai.provider.name");
	assert_string_equal(attr(sc, "gen_ai.usage.prompt_tokens")->renamed_to,
			    "gen_ai.usage.input_tokens");
	assert_int_equal(attr(sc, "mcp.method.name")->nmembers, 16);
	assert_string_equal(attr(sc, "mcp.method.name")->members[4].value, "tools/call");
	assert_int_equal(attr(sc, "db.system.name")->nmembers, 9);
	assert_int_equal(attr(sc, "messaging.system")->nmembers, 12);
	assert_string_equal(members(attr(sc, "messaging.operation.type")),
			    "create=create,send=send,receive=receive,process=process,"
			    "settle=settle");
	assert_string_equal(members(attr(sc, "rpc.system.name")),
			    "grpc=grpc,dubbo=dubbo,connectrpc=connectrpc,jsonrpc=jsonrpc");
	/* vendor vocabulary, stored under the chosen prefix */
	a = attr(sc, "acme.step.outcome");
	assert_true(a->closed);
	assert_string_equal(members(a), "success=success,fail=fail,skipped=skipped");
	assert_string_equal(members(attr(sc, "acme.response.format")),
			    "a2a_json=a2a_json,a2a_stream=a2a_stream");
	assert_string_equal(members(attr(sc, "acme.turn.status.code")),
			    "success=SUCCESS,partial=PARTIAL,failure=FAILURE,blocked=BLOCKED");
	assert_int_equal(attr(sc, "acme.planner.steps")->type, SC_INT);
	assert_int_equal(attr(sc, "acme.retry.count")->type, SC_INT);
	assert_int_equal(attr(sc, "acme.attempt.number")->type, SC_INT);
	assert_int_equal(attr(sc, "retry.attempt")->type, SC_INT);
	assert_int_equal(attr(sc, "acme.session.id")->type, SC_STRING);
	assert_null(semconv_attr(sc, "vendor.session.id"));
	semconv_free(sc);
}

static void test_bundled_signals(void **state)
{
	struct semconv *sc = load_ok("conventions", NULL);
	static const double http[] = { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
				       0.5,   0.75, 1,     2.5,  5,     7.5, 10 };
	static const double db[] = { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10 };
	static const double genai[] = { 0.01, 0.02, 0.04, 0.08,  0.16,  0.32,  0.64,
					1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92 };
	static const double tokens[] = {
		1,     4,     16,     64,      256,     1024,     4096,
		16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
	};
	static const double mcp[] = {
		0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300
	};
	static const struct {
		const char *name;
		const double *b;
		size_t n;
		const char *unit;
	} metrics[] = {
		{ "http.server.request.duration", http, 14, "s" },
		{ "http.client.request.duration", http, 14, "s" },
		{ "db.client.operation.duration", db, 9, "s" },
		{ "rpc.server.call.duration", http, 14, "s" },
		{ "messaging.client.operation.duration", http, 14, "s" },
		{ "gen_ai.client.operation.duration", genai, 14, "s" },
		{ "gen_ai.client.token.usage", tokens, 14, "{token}" },
		{ "mcp.client.operation.duration", mcp, 14, "s" },
		{ "mcp.server.operation.duration", mcp, 14, "s" },
		{ "vendor.turn.duration", genai, 14, "s" },
	};
	static const struct {
		const char *type;
		int kind;
	} spans[] = {
		{ "http.server", 2 },
		{ "http.client", 3 },
		{ "db.client", 3 },
		{ "messaging.producer", 4 },
		{ "messaging.consumer", 5 },
		{ "rpc.client", 3 },
		{ "rpc.server", 2 },
		{ "gen_ai.inference.client", 3 },
		{ "gen_ai.invoke_agent.client", 3 },
		{ "gen_ai.invoke_agent.internal", 1 },
		{ "gen_ai.execute_tool.internal", 1 },
		{ "mcp.client", 3 },
		{ "mcp.server", 2 },
		{ "vendor.a2a.orchestrate", 2 },
		{ "vendor.planner", 1 },
		{ "vendor.llm.call", 3 },
		{ "vendor.mcp.tool.execute", 3 },
		{ "vendor.mcp.tool.execute.attempt", 3 },
		{ "vendor.response.compose", 1 },
		{ "vendor.task.execute", 1 },
		{ "rag.retrieve", 3 },
		{ "a2a.call", 3 },
		{ "cp.request", 2 },
	};
	const struct sc_metric *m;

	(void)state;
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		m = semconv_metric(sc, metrics[i].name);
		if (!m)
			fail_msg("no metric '%s'", metrics[i].name);
		assert_string_equal(m->instrument, "histogram");
		assert_string_equal(m->unit, metrics[i].unit);
		assert_buckets(m, metrics[i].b, metrics[i].n);
	}
	m = semconv_metric(sc, "http.server.active_requests");
	assert_non_null(m);
	assert_string_equal(m->instrument, "updowncounter");
	assert_string_equal(m->unit, "{request}");
	m = semconv_metric(sc, "vendor.tool.calls");
	assert_non_null(m);
	assert_string_equal(m->instrument, "counter");
	assert_int_equal(m->nbuckets, 0);
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		const struct sc_span *s = semconv_span(sc, spans[i].type);

		if (!s)
			fail_msg("no span '%s'", spans[i].type);
		assert_string_equal(s->type, spans[i].type);
		assert_int_equal(s->kind, spans[i].kind);
	}
	semconv_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_counts),
		cmocka_unit_test(test_registry_types),
		cmocka_unit_test(test_registry_enums),
		cmocka_unit_test(test_registry_deprecated),
		cmocka_unit_test(test_registry_genai_beats_stubs),
		cmocka_unit_test(test_registry_vendor_narrowing),
		cmocka_unit_test(test_registry_spans_metrics),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_load_many_later_wins),
		cmocka_unit_test(test_warnings_in_file_order),
		cmocka_unit_test(test_definition2_spellings),
		cmocka_unit_test(test_bundled_counts),
		cmocka_unit_test(test_bundled_attributes),
		cmocka_unit_test(test_bundled_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
