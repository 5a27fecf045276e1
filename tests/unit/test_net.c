/*
 * net/: endpoint resolution from flags and a fake environment, the wire
 * helpers (gzip, gRPC framing, decoding), reading replies (partial success,
 * error bodies, google.rpc.Status/RetryInfo, Retry-After), the retry
 * policy, and the sender against a closed loopback port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/endpoint.h"
#include "net/reply.h"
#include "net/sender.h"
#include "net/wire.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otelsim/otelsim.h"
#include "util/arena.h"
#include "util/rng.h"
#include "util/strbuf.h"

#define TRACE_URL(base)   base "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
#define METRICS_URL(base) base "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
#define LOGS_URL(base)    base "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

/* ---- endpoint resolution ---- */

struct fixture {
	struct arena a;
	struct sender_config cfg;
	struct otelsim_error err;
};

static int resolve(struct fixture *f, const struct endpoint_flags *flags, const char *const *env)
{
	static const char *const empty_env[] = { NULL };

	arena_release(&f->a);
	arena_init(&f->a, 4096);
	memset(&f->err, 0, sizeof(f->err));
	return endpoint_resolve(flags, NULL, env ? env : empty_env, &f->a, &f->cfg, &f->err);
}

/* The same with a defaults layer (a manifest's endpoint and protocol). */
static int resolve_with(struct fixture *f, const struct endpoint_flags *flags, const char *endpoint,
			const char *protocol, const char *const *env)
{
	static const char *const empty_env[] = { NULL };
	struct endpoint_defaults d = { endpoint, protocol, "d/manifest.json" };

	arena_release(&f->a);
	arena_init(&f->a, 4096);
	memset(&f->err, 0, sizeof(f->err));
	return endpoint_resolve(flags, &d, env ? env : empty_env, &f->a, &f->cfg, &f->err);
}

/* The defaults layer: below flags and the environment; its endpoint goes with its transport. */
static void test_endpoint_manifest_layer(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl;
	const char *const env_ep[] = { "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://l:1/x", NULL };
	const char *const env_grpc[] = { "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", NULL };
	const char *const env_json[] = { "OTEL_EXPORTER_OTLP_PROTOCOL=http/json", NULL };

	memset(&fl, 0, sizeof(fl));
	/* nothing else given: the manifest's endpoint (a base, a signal path removed) and protocol */
	assert_int_equal(resolve_with(f, &fl, "http://m:4318/v1/traces", "http/json", NULL), 0);
	assert_string_equal(f->cfg.target[1].url, "http://m:4318/v1/metrics");
	assert_int_equal(f->cfg.target[1].protocol, SENDER_HTTP_JSON);
	/* an endpoint named anywhere (here: logs only) leaves the manifest's out for all */
	assert_int_equal(resolve_with(f, &fl, "http://m:4318", NULL, env_ep), 0);
	assert_string_equal(f->cfg.target[0].url, "http://localhost:4318/v1/traces");
	assert_string_equal(f->cfg.target[2].url, "http://l:1/x");
	/* a protocol of another transport: that protocol's default endpoint */
	assert_int_equal(resolve_with(f, &fl, "http://m:4318", "http/protobuf", env_grpc), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://localhost:4317"));
	/* the same transport: the manifest's endpoint with the environment's protocol */
	assert_int_equal(resolve_with(f, &fl, "http://m:4318", "http/protobuf", env_json), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_HTTP_JSON);
	assert_string_equal(f->cfg.target[0].url, "http://m:4318/v1/traces");
	/* a grpc:// manifest endpoint without a protocol is grpc */
	assert_int_equal(resolve_with(f, &fl, "grpc://m:9", NULL, NULL), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://m:9"));
	/* a flag wins over both; --endpoint grpc:// keeps the manifest's http protocol out */
	fl.endpoint = "grpc://f:7";
	assert_int_equal(resolve_with(f, &fl, "http://m:4318", "http/json", NULL), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://f:7"));
	/* a bad manifest value is named by its source */
	fl.endpoint = NULL;
	assert_int_equal(resolve_with(f, &fl, "http://m:4318", "smoke", NULL), OTELSIM_EUSAGE);
	if (!strstr(f->err.message, "d/manifest.json"))
		fail_msg("message '%s' does not name the manifest", f->err.message);
}

static void expect_error(struct fixture *f, const struct endpoint_flags *flags,
			 const char *const *env, const char *want)
{
	int rc = resolve(f, flags, env);

	assert_int_equal(rc, OTELSIM_EUSAGE);
	assert_int_equal(f->err.code, OTELSIM_EUSAGE);
	if (!strstr(f->err.message, want))
		fail_msg("message '%s' lacks '%s'", f->err.message, want);
}

static void expect_headers(const struct sender_target *t, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	if (t->nheaders != n)
		fail_msg("%zu headers, want %zu", t->nheaders, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t->headers[i], want[i]);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	arena_init(&f->a, 4096);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	free(f);
	return 0;
}

static void test_endpoint_defaults(void **state)
{
	struct fixture *f = *state;
	const char *const grpc_env[] = { "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", NULL };

	assert_int_equal(resolve(f, NULL, NULL), 0);
	for (int s = 0; s < 3; s++) {
		assert_int_equal(f->cfg.target[s].protocol, SENDER_HTTP_PROTOBUF);
		assert_int_equal(f->cfg.target[s].timeout_ms, 10000);
		assert_false(f->cfg.target[s].gzip);
		assert_false(f->cfg.target[s].insecure);
		assert_int_equal(f->cfg.target[s].nheaders, 0);
		assert_null(f->cfg.target[s].cacert);
	}
	assert_string_equal(f->cfg.target[0].url, "http://localhost:4318/v1/traces");
	assert_string_equal(f->cfg.target[1].url, "http://localhost:4318/v1/metrics");
	assert_string_equal(f->cfg.target[2].url, "http://localhost:4318/v1/logs");
	assert_int_equal(f->cfg.concurrency, 1);
	assert_int_equal(f->cfg.retry_initial_ms, 500);
	assert_int_equal(f->cfg.retry_max_interval_ms, 30000);
	assert_int_equal(f->cfg.retry_max_elapsed_ms, 300000);

	assert_int_equal(resolve(f, NULL, grpc_env), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://localhost:4317"));
	assert_string_equal(f->cfg.target[1].url, METRICS_URL("http://localhost:4317"));
	assert_string_equal(f->cfg.target[2].url, LOGS_URL("http://localhost:4317"));
}

static void test_endpoint_generic_is_a_base(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *value, *traces, *logs;
	} cases[] = {
		{ "http://c:4318", "http://c:4318/v1/traces", "http://c:4318/v1/logs" },
		{ "http://c:4318/", "http://c:4318/v1/traces", "http://c:4318/v1/logs" },
		{ "https://c:4318/otlp", "https://c:4318/otlp/v1/traces",
		  "https://c:4318/otlp/v1/logs" },
		{ "https://c:4318/otlp/", "https://c:4318/otlp/v1/traces",
		  "https://c:4318/otlp/v1/logs" },
		/* the environment follows the specification: no suffix stripping */
		{ "http://c:4318/v1/traces", "http://c:4318/v1/traces/v1/traces",
		  "http://c:4318/v1/traces/v1/logs" },
		{ "c:4318", "http://c:4318/v1/traces", "http://c:4318/v1/logs" },
		{ "HTTP://c", "http://c/v1/traces", "http://c/v1/logs" },
		{ "http://[::1]:4318", "http://[::1]:4318/v1/traces", "http://[::1]:4318/v1/logs" },
		{ "  http://c:4318  ", "http://c:4318/v1/traces", "http://c:4318/v1/logs" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char var[256];
		const char *env[] = { var, NULL };

		snprintf(var, sizeof(var), "OTEL_EXPORTER_OTLP_ENDPOINT=%s", cases[i].value);
		assert_int_equal(resolve(f, NULL, env), 0);
		assert_string_equal(f->cfg.target[0].url, cases[i].traces);
		assert_string_equal(f->cfg.target[2].url, cases[i].logs);
	}
}

static void test_endpoint_per_signal_as_is(void **state)
{
	struct fixture *f = *state;
	const char *const env[] = {
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://base:4318",
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://t:9999/custom/path",
		"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://m:9999",
		"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://l:9999/x?tenant=a",
		NULL,
	};
	const char *const only_traces[] = {
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://t:9999/v1/traces",
		"OTEL_EXPORTER_OTLP_ENDPOINT=",
		NULL,
	};

	assert_int_equal(resolve(f, NULL, env), 0);
	assert_string_equal(f->cfg.target[0].url, "http://t:9999/custom/path");
	assert_string_equal(f->cfg.target[1].url, "http://m:9999/");
	assert_string_equal(f->cfg.target[2].url, "http://l:9999/x?tenant=a");

	/* an empty variable is unset: metrics and logs fall back to the default */
	assert_int_equal(resolve(f, NULL, only_traces), 0);
	assert_string_equal(f->cfg.target[0].url, "http://t:9999/v1/traces");
	assert_string_equal(f->cfg.target[1].url, "http://localhost:4318/v1/metrics");
}

static void test_endpoint_seed_variable_and_precedence(void **state)
{
	struct fixture *f = *state;
	const char *const seed_env[] = { "OTLP_HTTP_ENDPOINT=http://data-plane:4318", NULL };
	const char *const both[] = { "OTLP_HTTP_ENDPOINT=http://data-plane:4318",
				     "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4318", NULL };
	const char *const per_signal[] = { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://t:1/x",
					   NULL };
	struct endpoint_flags fl = { 0 };

	assert_int_equal(resolve(f, NULL, seed_env), 0);
	assert_string_equal(f->cfg.target[0].url, "http://data-plane:4318/v1/traces");
	assert_int_equal(resolve(f, NULL, both), 0);
	assert_string_equal(f->cfg.target[1].url, "http://otel:4318/v1/metrics");

	/* a flag beats every variable, even a per-signal one */
	fl.endpoint = "http://flag:4318";
	assert_int_equal(resolve(f, &fl, per_signal), 0);
	assert_string_equal(f->cfg.target[0].url, "http://flag:4318/v1/traces");
	/* a per-signal flag beats the generic flag, used as is */
	fl.signal_endpoint[OTELSIM_LOGS] = "http://logs:1";
	assert_int_equal(resolve(f, &fl, per_signal), 0);
	assert_string_equal(f->cfg.target[2].url, "http://logs:1/");
	assert_string_equal(f->cfg.target[1].url, "http://flag:4318/v1/metrics");
	/* --endpoint with a signal path: the suffix is removed first */
	fl.signal_endpoint[OTELSIM_LOGS] = NULL;
	fl.endpoint = "http://flag:4318/otlp/v1/traces";
	assert_int_equal(resolve(f, &fl, NULL), 0);
	assert_string_equal(f->cfg.target[0].url, "http://flag:4318/otlp/v1/traces");
	assert_string_equal(f->cfg.target[1].url, "http://flag:4318/otlp/v1/metrics");
	assert_string_equal(f->cfg.target[2].url, "http://flag:4318/otlp/v1/logs");
}

static void test_endpoint_grpc_forms(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	const char *const env_grpc[] = { "OTEL_EXPORTER_OTLP_ENDPOINT=grpc://collector:4317",
					 NULL };
	const char *const env_proto[] = { "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
					  "OTEL_EXPORTER_OTLP_ENDPOINT=https://c:4317/", NULL };

	fl.endpoint = "grpc://collector:4317";
	assert_int_equal(resolve(f, &fl, NULL), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://collector:4317"));
	assert_string_equal(f->cfg.target[1].url, METRICS_URL("http://collector:4317"));

	assert_int_equal(resolve(f, NULL, env_grpc), 0);
	assert_int_equal(f->cfg.target[2].protocol, SENDER_GRPC);
	assert_string_equal(f->cfg.target[2].url, LOGS_URL("http://collector:4317"));

	assert_int_equal(resolve(f, NULL, env_proto), 0);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("https://c:4317"));

	/* a bare host:port over grpc is TLS, as the specification says ... */
	fl.endpoint = "collector:4317";
	fl.protocol = "grpc";
	assert_int_equal(resolve(f, &fl, NULL), 0);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("https://collector:4317"));
	assert_false(f->cfg.target[0].insecure);
	assert_string_equal(f->cfg.target[0].tls_hint,
			    "--endpoint without a scheme means TLS for grpc; for a plaintext "
			    "collector use grpc://collector:4317 or "
			    "OTEL_EXPORTER_OTLP_INSECURE=true");
	/* ... clear text with OTEL_EXPORTER_OTLP_[S_]INSECURE=true, verification untouched */
	{
		const char *const plain[] = { "OTEL_EXPORTER_OTLP_INSECURE=true",
					      "OTEL_EXPORTER_OTLP_LOGS_INSECURE=false", NULL };

		assert_int_equal(resolve(f, &fl, plain), 0);
		assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://collector:4317"));
		assert_null(f->cfg.target[0].tls_hint);
		assert_false(f->cfg.target[0].insecure);
		assert_string_equal(f->cfg.target[2].url, LOGS_URL("https://collector:4317"));
		/* the hint names the variable that decided: the per-signal one */
		assert_string_equal(f->cfg.target[2].tls_hint,
				    "--endpoint without a scheme means TLS for grpc; for a "
				    "plaintext collector use grpc://collector:4317 or "
				    "OTEL_EXPORTER_OTLP_LOGS_INSECURE=true");
		assert_null(f->cfg.warnings);
		/* INSECURE has no say over http protocols nor over explicit schemes */
		fl.protocol = "http/protobuf";
		assert_int_equal(resolve(f, &fl, plain), 0);
		assert_string_equal(f->cfg.target[0].url, "http://collector:4317/v1/traces");
		assert_null(f->cfg.target[0].tls_hint);
		fl.endpoint = "https://collector:4317";
		fl.protocol = "grpc";
		assert_int_equal(resolve(f, &fl, plain), 0);
		assert_string_equal(f->cfg.target[0].url, TRACE_URL("https://collector:4317"));
		assert_false(f->cfg.target[0].insecure);
		assert_null(f->cfg.target[0].tls_hint);
		fl.endpoint = "grpc://collector:4317";
		assert_int_equal(resolve(f, &fl, NULL), 0);
		assert_string_equal(f->cfg.target[0].url, TRACE_URL("http://collector:4317"));
		assert_null(f->cfg.target[0].tls_hint);
		fl.endpoint = "collector:4317";
	}

	/* a protocol flag wins over the environment's */
	fl.endpoint = NULL;
	fl.protocol = "http/json";
	assert_int_equal(resolve(f, &fl, env_proto), 0);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_HTTP_JSON);
	assert_string_equal(f->cfg.target[0].url, "https://c:4317/v1/traces");
}

static void test_endpoint_default_ports(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	static const struct {
		const char *endpoint, *protocol, *traces;
	} cases[] = {
		{ "127.0.0.1", "grpc", TRACE_URL("https://127.0.0.1:4317") },
		{ "127.0.0.1", NULL, "http://127.0.0.1:4318/v1/traces" },
		{ "grpc://127.0.0.1", NULL, TRACE_URL("http://127.0.0.1:4317") },
		{ "grpc://[::1]", NULL, TRACE_URL("http://[::1]:4317") },
		{ "grpc://u:pw@c", NULL, TRACE_URL("http://u:pw@c:4317") },
		{ "c/otlp", "http/json", "http://c:4318/otlp/v1/traces" },
		/* explicit URLs keep their scheme's port */
		{ "http://c", NULL, "http://c/v1/traces" },
		{ "https://c", "grpc", TRACE_URL("https://c") },
		{ "grpc://c:9", NULL, TRACE_URL("http://c:9") },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fl.endpoint = cases[i].endpoint;
		fl.protocol = cases[i].protocol;
		assert_int_equal(resolve(f, &fl, NULL), 0);
		assert_string_equal(f->cfg.target[0].url, cases[i].traces);
	}
	fl.endpoint = "c";
	fl.protocol = "grpc";
	assert_int_equal(resolve(f, &fl, NULL), 0);
	assert_string_equal(f->cfg.target[0].tls_hint,
			    "--endpoint without a scheme means TLS for grpc; for a plaintext "
			    "collector use grpc://c:4317 or OTEL_EXPORTER_OTLP_INSECURE=true");
	/* the hint never carries credentials */
	fl.endpoint = "u:s3cret@c:7";
	assert_int_equal(resolve(f, &fl, NULL), 0);
	assert_null(strstr(f->cfg.target[0].tls_hint, "s3cret"));
	assert_non_null(strstr(f->cfg.target[0].tls_hint, "grpc://c:7 "));
}

/*
 * OTEL_EXPORTER_OTLP_[S_]INSECURE is a boolean as the specification reads
 * them: "true" (any case) is true, anything else false with one warning.
 */
static void test_endpoint_insecure_lenient(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl;
	const char *const one[] = { "OTEL_EXPORTER_OTLP_INSECURE=1", NULL };
	const char *const two[] = { "OTEL_EXPORTER_OTLP_INSECURE=yes",
				    "OTEL_EXPORTER_OTLP_METRICS_INSECURE=\033[2J", NULL };

	memset(&fl, 0, sizeof(fl));
	fl.endpoint = "c:4317";
	fl.protocol = "grpc";
	assert_int_equal(resolve(f, &fl, one), 0);
	for (int s = 0; s < 3; s++)
		assert_false(f->cfg.target[s].insecure);
	assert_string_equal(f->cfg.target[0].url, TRACE_URL("https://c:4317"));
	assert_string_equal(f->cfg.target[2].url, LOGS_URL("https://c:4317"));
	/* said once, not once per signal */
	assert_string_equal(f->cfg.warnings,
			    "OTEL_EXPORTER_OTLP_INSECURE: '1' is not true or false: read as "
			    "false (only 'true', in any case, is true)");
	assert_string_equal(f->cfg.target[0].tls_hint,
			    "--endpoint without a scheme means TLS for grpc; for a plaintext "
			    "collector use grpc://c:4317 or OTEL_EXPORTER_OTLP_INSECURE=true");

	/* one line per variable; a value with control characters is not echoed */
	assert_int_equal(resolve(f, &fl, two), 0);
	assert_string_equal(f->cfg.warnings,
			    "OTEL_EXPORTER_OTLP_INSECURE: 'yes' is not true or false: read as "
			    "false (only 'true', in any case, is true)\n"
			    "OTEL_EXPORTER_OTLP_METRICS_INSECURE: the value is not true or false: "
			    "read as false (only 'true', in any case, is true)");
	assert_string_equal(f->cfg.target[1].url, METRICS_URL("https://c:4317"));
	assert_non_null(
		strstr(f->cfg.target[1].tls_hint, "OTEL_EXPORTER_OTLP_METRICS_INSECURE=true"));
}

/* what messages show of a URL: no userinfo, no query, no fragment */
static void test_endpoint_shown_url(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(endpoint_shown_url("http://127.0.0.1:4318/", &f->a),
			    "http://127.0.0.1:4318/");
	assert_string_equal(endpoint_shown_url("https://u:p@w@c:1/v1/traces?k=s3cret", &f->a),
			    "https://***@c:1/v1/traces?...");
	assert_string_equal(endpoint_shown_url("http://user:pw@c#frag", &f->a), "http://***@c#...");
	assert_string_equal(endpoint_shown_url("c:4317", &f->a), "c:4317");
}

/* OTLP_HTTP_ENDPOINT is read as otelsim's --endpoint reads it: a signal path is replaced */
static void test_endpoint_seed_variable_signal_path(void **state)
{
	struct fixture *f = *state;
	const char *const env[] = { "OTLP_HTTP_ENDPOINT=http://p:4318/v1/traces", NULL };
	const char *const otel[] = { "OTEL_EXPORTER_OTLP_ENDPOINT=http://p:4318/v1/traces", NULL };

	assert_int_equal(resolve(f, NULL, env), 0);
	assert_string_equal(f->cfg.target[0].url, "http://p:4318/v1/traces");
	assert_string_equal(f->cfg.target[1].url, "http://p:4318/v1/metrics");
	assert_string_equal(f->cfg.target[2].url, "http://p:4318/v1/logs");
	/* the specification's variable stays literal */
	assert_int_equal(resolve(f, NULL, otel), 0);
	assert_string_equal(f->cfg.target[1].url, "http://p:4318/v1/traces/v1/metrics");
	/* a trailing slash after the signal path is read as without it */
	{
		const char *const slash[] = { "OTLP_HTTP_ENDPOINT=http://p:4318/otlp/v1/traces/",
					      NULL };
		struct endpoint_flags fl;

		assert_int_equal(resolve(f, NULL, slash), 0);
		assert_string_equal(f->cfg.target[0].url, "http://p:4318/otlp/v1/traces");
		assert_string_equal(f->cfg.target[1].url, "http://p:4318/otlp/v1/metrics");
		memset(&fl, 0, sizeof(fl));
		fl.endpoint = "http://p:4318/v1/logs/";
		assert_int_equal(resolve(f, &fl, NULL), 0);
		assert_string_equal(f->cfg.target[0].url, "http://p:4318/v1/traces");
		assert_string_equal(f->cfg.target[2].url, "http://p:4318/v1/logs");
	}
}

static void test_endpoint_grpc_conflicts(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	const char *const env[] = { "OTEL_EXPORTER_OTLP_ENDPOINT=grpc://c:4317",
				    "OTEL_EXPORTER_OTLP_PROTOCOL=http/json", NULL };
	const char *const path[] = { "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
				     "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://c:4317/v1/traces",
				     NULL };

	expect_error(f, NULL, env,
		     "OTEL_EXPORTER_OTLP_ENDPOINT: endpoint 'grpc://c:4317' is grpc but "
		     "OTEL_EXPORTER_OTLP_PROTOCOL asks for http/json");
	fl.endpoint = "grpc://c:4317";
	fl.protocol = "http/protobuf";
	expect_error(f, &fl, NULL, "is grpc but --protocol asks for http/protobuf");
	expect_error(f, NULL, path,
		     "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: grpc endpoint 'http://c:4317/v1/traces' "
		     "cannot have a path");
}

static void test_endpoint_bad_values(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *var, *want;
	} cases[] = {
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=ftp://c:21",
		  "OTEL_EXPORTER_OTLP_ENDPOINT: unsupported scheme 'ftp'" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:99999",
		  "OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:99999' is not a valid endpoint" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:x", "is not a valid endpoint" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://:4318", "is not a valid endpoint" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:0", "is not a valid endpoint" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c d:1", "is not a valid endpoint" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:1/a b",
		  "endpoint 'http://c:1/a b' has a space" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:1/a\tb",
		  "ENDPOINT: the endpoint has a control character" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:1/#x", "has a fragment" },
		{ "OTEL_EXPORTER_OTLP_ENDPOINT=http://c:1/?q=1",
		  "OTEL_EXPORTER_OTLP_ENDPOINT: base endpoint 'http://c:1/?...' cannot have a "
		  "query" },
		{ "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=gopher://c",
		  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: unsupported scheme 'gopher'" },
		{ "OTLP_HTTP_ENDPOINT=http://", "OTLP_HTTP_ENDPOINT: 'http://' is not a valid" },
		{ "OTEL_EXPORTER_OTLP_PROTOCOL=http",
		  "OTEL_EXPORTER_OTLP_PROTOCOL: unknown protocol 'http' (expected grpc, "
		  "http/protobuf or http/json)" },
		{ "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=GRPC",
		  "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: unknown protocol 'GRPC'" },
		{ "OTEL_EXPORTER_OTLP_COMPRESSION=zstd",
		  "OTEL_EXPORTER_OTLP_COMPRESSION: unknown compression 'zstd' (expected gzip or "
		  "none)" },
		{ "OTEL_EXPORTER_OTLP_TIMEOUT=5s",
		  "OTEL_EXPORTER_OTLP_TIMEOUT: '5s' is not a timeout in milliseconds" },
		{ "OTEL_EXPORTER_OTLP_TIMEOUT=0",
		  "OTEL_EXPORTER_OTLP_TIMEOUT: '0' is not a timeout" },
		{ "OTEL_EXPORTER_OTLP_TIMEOUT=-5", "'-5' is not a timeout" },
		{ "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=99999999999",
		  "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '99999999999' is not a timeout" },
		{ "OTEL_EXPORTER_OTLP_CERTIFICATE=/nonexistent/ca.pem",
		  "OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read '/nonexistent/ca.pem'" },
		{ "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY=tests/unit/test_net.c",
		  "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: a client key needs a client certificate" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *env[] = { cases[i].var, NULL };

		expect_error(f, NULL, env, cases[i].want);
	}
}

static void test_endpoint_hides_credentials(void **state)
{
	struct fixture *f = *state;
	const char *const env[] = { "OTEL_EXPORTER_OTLP_ENDPOINT=http://user:s3cret@c:99999",
				    NULL };
	const char *const ok[] = { "OTEL_EXPORTER_OTLP_ENDPOINT=https://user:s3cret@c:4318", NULL };

	expect_error(f, NULL, env, "'http://***@c:99999' is not a valid endpoint");
	assert_null(strstr(f->err.message, "s3cret"));
	/* a token in the query or fragment is not shown either */
	{
		struct endpoint_flags fl = { 0 };

		fl.endpoint = "https://u:s3cret@c:1/otlp?api_key=t0ken";
		expect_error(
			f, &fl, NULL,
			"--endpoint: base endpoint 'https://***@c:1/otlp?...' cannot have a query");
		assert_null(strstr(f->err.message, "s3cret"));
		assert_null(strstr(f->err.message, "t0ken"));
		fl.endpoint = "grpc://c:1/x#t0ken";
		expect_error(f, &fl, NULL,
			     "--endpoint: endpoint 'grpc://c:1/x#...' has a fragment");
		assert_null(strstr(f->err.message, "t0ken"));
		fl.endpoint = "c:1?t0ken";
		fl.protocol = "grpc";
		expect_error(f, &fl, NULL,
			     "--endpoint: grpc endpoint 'c:1?...' cannot have a path");
		assert_null(strstr(f->err.message, "t0ken"));
		/* control characters are refused before the value is quoted anywhere */
		fl.endpoint = "http://c:99999/\x1b[2J";
		fl.protocol = NULL;
		expect_error(f, &fl, NULL, "--endpoint: the endpoint has a control character");
		assert_null(strchr(f->err.message, 0x1b));
	}
	/* credentials themselves are passed on to libcurl */
	assert_int_equal(resolve(f, NULL, ok), 0);
	assert_string_equal(f->cfg.target[0].url, "https://user:s3cret@c:4318/v1/traces");
}

static void test_endpoint_headers(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	const char *const env[] = {
		"OTEL_EXPORTER_OTLP_HEADERS= api-key = k%3D1%2C2 ,X-Tenant=acme,,Empty=",
		"OTEL_EXPORTER_OTLP_LOGS_HEADERS=Authorization=Bearer%20abc",
		NULL,
	};
	const char *const want_traces[] = { "api-key: k=1,2", "X-Tenant: acme", "Empty;", NULL };
	const char *const want_logs[] = { "Authorization: Bearer abc", NULL };
	const char *const flags[] = { "x-tenant: flagged", "X-Extra:  one two ", NULL };
	const char *const want_merged[] = { "api-key: k=1,2", "Empty;", "x-tenant: flagged",
					    "X-Extra: one two", NULL };
	const char *const want_logs_merged[] = { "Authorization: Bearer abc", "x-tenant: flagged",
						 "X-Extra: one two", NULL };

	assert_int_equal(resolve(f, NULL, env), 0);
	expect_headers(&f->cfg.target[0], want_traces);
	expect_headers(&f->cfg.target[1], want_traces);
	/* the per-signal variable replaces the generic one entirely */
	expect_headers(&f->cfg.target[2], want_logs);

	fl.headers = flags;
	fl.nheaders = 2;
	assert_int_equal(resolve(f, &fl, env), 0);
	expect_headers(&f->cfg.target[0], want_merged);
	expect_headers(&f->cfg.target[2], want_logs_merged);
}

static void test_endpoint_header_errors(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	const char *const no_eq[] = { "OTEL_EXPORTER_OTLP_HEADERS=a=1,Bearer s3cret", NULL };
	const char *const bad_pct[] = { "OTEL_EXPORTER_OTLP_TRACES_HEADERS=auth=s3cret%zz", NULL };
	const char *const bad_name[] = { "OTEL_EXPORTER_OTLP_HEADERS=a b=1", NULL };
	const char *const ctl[] = { "OTEL_EXPORTER_OTLP_HEADERS=a=x%0d%0aInjected: 1", NULL };
	const char *const no_colon[] = { "Bearer s3cret", NULL };
	const char *const bad_flag_name[] = { "ok: 1", "bad name: s3cret", NULL };

	expect_error(f, NULL, no_eq,
		     "OTEL_EXPORTER_OTLP_HEADERS: entry 2 has no '=' (expected "
		     "key1=value1,key2=value2)");
	assert_null(strstr(f->err.message, "s3cret"));
	expect_error(f, NULL, bad_pct,
		     "OTEL_EXPORTER_OTLP_TRACES_HEADERS: bad percent-encoding in the value of "
		     "'auth'");
	assert_null(strstr(f->err.message, "s3cret"));
	expect_error(f, NULL, bad_name,
		     "OTEL_EXPORTER_OTLP_HEADERS: entry 1 has an invalid header");
	expect_error(f, NULL, ctl, "the value of 'a' has a control character");
	fl.headers = no_colon;
	fl.nheaders = 1;
	expect_error(f, &fl, NULL, "--header #1: expected 'Name: value'");
	assert_null(strstr(f->err.message, "s3cret"));
	fl.headers = bad_flag_name;
	fl.nheaders = 2;
	expect_error(f, &fl, NULL, "--header #2: invalid header name");
	assert_null(strstr(f->err.message, "s3cret"));
}

static void test_endpoint_options(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	const char *const env[] = {
		"OTEL_EXPORTER_OTLP_COMPRESSION=gzip",
		"OTEL_EXPORTER_OTLP_METRICS_COMPRESSION=none",
		"OTEL_EXPORTER_OTLP_TIMEOUT=2500",
		"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT=700",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf",
		"OTEL_EXPORTER_OTLP_INSECURE=TRUE",
		"OTEL_EXPORTER_OTLP_LOGS_INSECURE=false",
		"OTEL_EXPORTER_OTLP_CERTIFICATE=tests/unit/test_net.c",
		"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE=Makefile",
		"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY=tests/run.sh",
		NULL,
	};

	assert_int_equal(resolve(f, NULL, env), 0);
	assert_true(f->cfg.target[0].gzip);
	assert_false(f->cfg.target[1].gzip);
	assert_true(f->cfg.target[2].gzip);
	assert_int_equal(f->cfg.target[0].timeout_ms, 2500);
	assert_int_equal(f->cfg.target[2].timeout_ms, 700);
	assert_int_equal(f->cfg.target[0].protocol, SENDER_HTTP_PROTOBUF);
	assert_int_equal(f->cfg.target[1].protocol, SENDER_HTTP_JSON);
	/* INSECURE=true never turns certificate verification off */
	assert_false(f->cfg.target[0].insecure);
	assert_false(f->cfg.target[2].insecure);
	assert_string_equal(f->cfg.target[1].cacert, "tests/unit/test_net.c");
	assert_string_equal(f->cfg.target[0].cert, "Makefile");
	assert_string_equal(f->cfg.target[0].key, "tests/run.sh");
	assert_null(f->cfg.target[1].cert);

	/* flags override the environment */
	fl.compression = "none";
	fl.timeout_ms = 42;
	fl.protocol = "grpc";
	fl.insecure = true;
	fl.cacert = "Makefile";
	assert_int_equal(resolve(f, &fl, env), 0);
	for (int s = 0; s < 3; s++) {
		assert_false(f->cfg.target[s].gzip);
		assert_int_equal(f->cfg.target[s].timeout_ms, 42);
		assert_int_equal(f->cfg.target[s].protocol, SENDER_GRPC);
		assert_true(f->cfg.target[s].insecure);
		assert_string_equal(f->cfg.target[s].cacert, "Makefile");
	}
	fl.compression = "brotli";
	expect_error(f, &fl, NULL, "--compression: unknown compression 'brotli'");
	fl.compression = NULL;
	fl.protocol = "http/xml";
	expect_error(f, &fl, NULL, "--protocol: unknown protocol 'http/xml'");
	fl.protocol = NULL;
	fl.timeout_ms = -1;
	expect_error(f, &fl, NULL, "--timeout: must be positive");
	fl.timeout_ms = 0;
	fl.key = "Makefile";
	expect_error(f, &fl, NULL, "--key: a client key needs a client certificate");
	fl.key = NULL;
	fl.cert = "/nonexistent.pem";
	expect_error(f, &fl, NULL, "--cert: cannot read '/nonexistent.pem'");
}

/* ---- wire ---- */

static void test_wire_gzip(void **state)
{
	struct strbuf z = STRBUF_INIT, z2 = STRBUF_INIT, back = STRBUF_INIT;
	char in[5000];

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)("otlp"[i % 4] + (i % 7));
	assert_int_equal(wire_gzip(in, sizeof(in), &z), 0);
	assert_true(z.len > 18 && z.len < sizeof(in));
	/* gzip magic, deflate, no flags, mtime 0: deterministic */
	assert_int_equal((unsigned char)z.buf[0], 0x1f);
	assert_int_equal((unsigned char)z.buf[1], 0x8b);
	assert_int_equal(z.buf[2], 8);
	assert_int_equal(z.buf[4] | z.buf[5] | z.buf[6] | z.buf[7], 0);
	assert_int_equal(wire_gzip(in, sizeof(in), &z2), 0);
	assert_int_equal(z.len, z2.len);
	assert_memory_equal(z.buf, z2.buf, z.len);
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), 0);
	assert_int_equal(back.len, sizeof(in));
	assert_memory_equal(back.buf, in, sizeof(in));
	/* truncated and garbage input fail and leave the buffer as it was */
	strbuf_reset(&back);
	assert_int_equal(wire_gunzip(z.buf, z.len / 2, &back), -1);
	assert_int_equal(back.len, 0);
	assert_int_equal(wire_gunzip("not gzip", 8, &back), -1);
	/* empty input */
	strbuf_reset(&z2);
	assert_int_equal(wire_gzip("", 0, &z2), 0);
	strbuf_reset(&back);
	assert_int_equal(wire_gunzip(z2.buf, z2.len, &back), 0);
	assert_int_equal(back.len, 0);
	strbuf_release(&z);
	strbuf_release(&z2);
	strbuf_release(&back);
}

/* A compressed reply inflates no further than the strbuf's max. */
static void test_wire_gunzip_cap(void **state)
{
	const size_t bomb = 16u << 20, cap = 1u << 20;
	char in[5000];
	char *zeros = calloc(1, bomb);
	struct strbuf z = STRBUF_INIT, back;

	(void)state;
	assert_non_null(zeros);
	/* 16 MiB of zeros is ~16 KiB of gzip: over a 1 MiB cap it is refused */
	assert_int_equal(wire_gzip(zeros, bomb, &z), 0);
	assert_true(z.len < 64 * 1024);
	strbuf_init(&back, cap);
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), WIRE_TOO_BIG);
	assert_int_equal(back.len, 0);
	assert_true(back.alloc <= 2 * cap + 1); /* never more than the cap's worth */
	strbuf_release(&back);
	free(zeros);

	/* exactly at the cap fits; one byte over does not; a prefix counts */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)("otlp"[i % 4] + (i % 7));
	strbuf_reset(&z);
	assert_int_equal(wire_gzip(in, sizeof(in), &z), 0);
	strbuf_init(&back, sizeof(in));
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), 0);
	assert_int_equal(back.len, sizeof(in));
	assert_memory_equal(back.buf, in, sizeof(in));
	strbuf_release(&back);
	strbuf_init(&back, sizeof(in) - 1);
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), WIRE_TOO_BIG);
	assert_int_equal(back.len, 0);
	strbuf_release(&back);
	strbuf_init(&back, sizeof(in) + 2);
	assert_int_equal(strbuf_add(&back, "ab", 2), 0);
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), 0);
	assert_int_equal(back.len, sizeof(in) + 2);
	assert_memory_equal(back.buf + 2, in, sizeof(in));
	strbuf_reset(&back);
	assert_int_equal(strbuf_add(&back, "abc", 3), 0);
	assert_int_equal(wire_gunzip(z.buf, z.len, &back), WIRE_TOO_BIG);
	assert_int_equal(back.len, 3);
	assert_string_equal(back.buf, "abc");
	strbuf_release(&back);
	/* every byte there but the trailer's size: truncated, not too big */
	strbuf_init(&back, sizeof(in));
	assert_int_equal(wire_gunzip(z.buf, z.len - 4, &back), -1);
	assert_int_equal(back.len, 0);
	strbuf_release(&back);
	strbuf_release(&z);
}

static void test_wire_grpc_frame(void **state)
{
	uint8_t p[5], body[12] = { 0 };
	const uint8_t *msg;
	size_t len;
	bool comp;
	char t[16];

	(void)state;
	wire_grpc_prefix(p, true, 0x01020304);
	assert_memory_equal(p, "\x01\x01\x02\x03\x04", 5);
	wire_grpc_prefix(body, false, 7);
	memcpy(body + 5, "message", 7);
	assert_int_equal(wire_grpc_unframe(body, 12, &comp, &msg, &len), 0);
	assert_false(comp);
	assert_int_equal(len, 7);
	assert_memory_equal(msg, "message", 7);
	assert_int_equal(wire_grpc_unframe(body, 11, &comp, &msg, &len), -1); /* short */
	assert_int_equal(wire_grpc_unframe(body, 4, &comp, &msg, &len), -1);
	assert_int_equal(wire_grpc_unframe(body, 0, &comp, &msg, &len), -1);
	body[0] = 2;
	assert_int_equal(wire_grpc_unframe(body, 12, &comp, &msg, &len), -1);

	wire_grpc_timeout(10000, t);
	assert_string_equal(t, "10000m");
	wire_grpc_timeout(1, t);
	assert_string_equal(t, "1m");
	wire_grpc_timeout(0, t);
	assert_string_equal(t, "1m");
	wire_grpc_timeout(99999999, t);
	assert_string_equal(t, "99999999m");
	wire_grpc_timeout(100000000, t);
	assert_string_equal(t, "100000S");
	wire_grpc_timeout(100000001, t);
	assert_string_equal(t, "100001S");
}

static void test_wire_decoding(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(wire_percent_decode("a%20b%2Cc+d%e2%82%AC", 20, true, &sb), 0);
	assert_string_equal(sb.buf, "a b,c+d\xe2\x82\xac");
	strbuf_reset(&sb);
	assert_int_equal(wire_percent_decode("bad%zz", 6, true, &sb), -1);
	assert_int_equal(sb.len, 0);
	assert_int_equal(wire_percent_decode("bad%2", 5, true, &sb), -1);
	assert_int_equal(wire_percent_decode("bad%zz%2", 8, false, &sb), 0);
	assert_string_equal(sb.buf, "bad%zz%2");
	strbuf_reset(&sb);

	assert_int_equal(wire_base64_decode("aGVsbG8=", 8, &sb), 0);
	assert_string_equal(sb.buf, "hello");
	strbuf_reset(&sb);
	assert_int_equal(wire_base64_decode("aGVsbG8", 7, &sb), 0);
	assert_string_equal(sb.buf, "hello");
	strbuf_reset(&sb);
	assert_int_equal(wire_base64_decode("-_8", 3, &sb), 0);
	assert_memory_equal(sb.buf, "\xfb\xff", 2);
	strbuf_reset(&sb);
	assert_int_equal(wire_base64_decode("a", 1, &sb), -1);
	assert_int_equal(wire_base64_decode("a*bc", 4, &sb), -1);
	assert_int_equal(sb.len, 0);
	/* any run of trailing '=', or none; '=' elsewhere and spaces are errors */
	assert_int_equal(wire_base64_decode("aGk===", 6, &sb), 0);
	assert_string_equal(sb.buf, "hi");
	strbuf_reset(&sb);
	assert_int_equal(wire_base64_decode("YQ", 2, &sb), 0);
	assert_int_equal(wire_base64_decode("YQ==", 4, &sb), 0);
	assert_int_equal(wire_base64_decode("YR", 2, &sb), 0); /* leftover bits unchecked */
	assert_int_equal(wire_base64_decode("+/8=", 4, &sb), 0);
	assert_int_equal(wire_base64_decode("====", 4, &sb), 0);
	assert_int_equal(wire_base64_decode("", 0, &sb), 0);
	assert_int_equal(sb.len, 5);
	assert_memory_equal(sb.buf, "aaa\xfb\xff", 5);
	assert_int_equal(wire_base64_decode("a===", 4, &sb), -1);
	assert_int_equal(wire_base64_decode("aG=k", 4, &sb), -1);
	assert_int_equal(wire_base64_decode("aGk= ", 5, &sb), -1);
	assert_int_equal(wire_base64_decode("aGVsb", 5, &sb), -1);
	/* a failure leaves what was there */
	assert_int_equal(sb.len, 5);
	assert_memory_equal(sb.buf, "aaa\xfb\xff", 6);
	strbuf_release(&sb);
	/* over the strbuf's max: -1, and the buffer as it was */
	strbuf_init(&sb, 6);
	assert_int_equal(strbuf_addstr(&sb, "ab"), 0);
	assert_int_equal(wire_base64_decode("aGVsbG8=", 8, &sb), -1);
	assert_string_equal(sb.buf, "ab");
	assert_int_equal(wire_base64_decode("aGVs", 4, &sb), 0);
	assert_string_equal(sb.buf, "abhel");
	strbuf_release(&sb);
}

/* ---- replies ---- */

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

static size_t put_bytes(uint8_t *p, uint32_t field, const void *b, size_t len)
{
	size_t n = put_varint(p, field << 3 | 2);

	n += put_varint(p + n, len);
	memcpy(p + n, b, len);
	return n + len;
}

/* google.rpc.Status{code, message, details: [Any{type, RetryInfo{delay}}]} */
static size_t rpc_status(uint8_t *out, int code, const char *msg, const char *type, int64_t seconds,
			 int32_t nanos)
{
	uint8_t dur[32], ri[40], any[160];
	size_t n = 0, nd = 0, nr, na;

	if (seconds) {
		nd += put_varint(dur + nd, 1 << 3);
		nd += put_varint(dur + nd, (uint64_t)seconds);
	}
	if (nanos) {
		nd += put_varint(dur + nd, 2 << 3);
		nd += put_varint(dur + nd, (uint64_t)nanos);
	}
	nr = put_bytes(ri, 1, dur, nd);
	na = put_bytes(any, 1, type, strlen(type));
	na += put_bytes(any + na, 2, ri, nr);
	n += put_varint(out + n, 1 << 3);
	n += put_varint(out + n, (uint64_t)code);
	n += put_bytes(out + n, 2, msg, strlen(msg));
	if (type[0])
		n += put_bytes(out + n, 3, any, na);
	return n;
}

static void test_reply_rpc_status(void **state)
{
	uint8_t buf[256];
	size_t n;
	char msg[64];
	int code;
	int64_t delay;

	(void)state;
	n = rpc_status(buf, 8, "quota exceeded", "type.googleapis.com/google.rpc.RetryInfo", 1,
		       500000000);
	assert_int_equal(reply_rpc_status(buf, n, &code, msg, sizeof(msg), &delay), 0);
	assert_int_equal(code, 8);
	assert_string_equal(msg, "quota exceeded");
	assert_int_equal(delay, 1500);

	n = rpc_status(buf, 8, "no info", "type.googleapis.com/google.rpc.DebugInfo", 1, 0);
	assert_int_equal(reply_rpc_status(buf, n, &code, msg, sizeof(msg), &delay), 0);
	assert_int_equal(delay, -1);
	n = rpc_status(buf, 3, "bad\nline", "", 0, 0);
	assert_int_equal(reply_rpc_status(buf, n, &code, msg, sizeof(msg), &delay), 0);
	assert_int_equal(code, 3);
	assert_string_equal(msg, "bad line");
	/* truncated */
	assert_int_equal(reply_rpc_status(buf, n - 1, &code, msg, sizeof(msg), &delay), -1);
	assert_int_equal(reply_rpc_status("\x12", 1, &code, msg, sizeof(msg), &delay), -1);
	/* varints as util/pbwire.h reads them: no 11th byte, no bits past 64, no field 0 */
	assert_int_equal(reply_rpc_status("\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 12,
					  &code, msg, sizeof(msg), &delay),
			 -1);
	assert_int_equal(reply_rpc_status("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11, &code,
					  msg, sizeof(msg), &delay),
			 -1);
	assert_int_equal(reply_rpc_status("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, &code,
					  msg, sizeof(msg), &delay),
			 0);
	assert_int_equal(code, -1);
	assert_int_equal(reply_rpc_status("\x00\x01", 2, &code, msg, sizeof(msg), &delay), -1);
	/* unknown fields of every wire type are skipped */
	assert_int_equal(reply_rpc_status("\x21\x01\x02\x03\x04\x05\x06\x07\x08\x2d\x01\x02\x03"
					  "\x04\x30\x05\x08\x07",
					  18, &code, msg, sizeof(msg), &delay),
			 0);
	assert_int_equal(code, 7);
	/* a RetryInfo delay past what milliseconds hold is no delay */
	n = rpc_status(buf, 8, "later", "type.googleapis.com/google.rpc.RetryInfo",
		       INT64_MAX / 1000, 0);
	assert_int_equal(reply_rpc_status(buf, n, &code, msg, sizeof(msg), &delay), 0);
	assert_int_equal(delay, -1);
}

static void test_reply_export_protobuf(void **state)
{
	Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse tr =
		OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_SERVICE_RESPONSE__INIT;
	Opentelemetry__Proto__Collector__Trace__V1__ExportTracePartialSuccess tps =
		OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_PARTIAL_SUCCESS__INIT;
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse mr =
		OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_RESPONSE__INIT;
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsPartialSuccess mps =
		OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_PARTIAL_SUCCESS__INIT;
	Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceResponse lr =
		OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_SERVICE_RESPONSE__INIT;
	Opentelemetry__Proto__Collector__Logs__V1__ExportLogsPartialSuccess lps =
		OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_PARTIAL_SUCCESS__INIT;
	uint8_t buf[256];
	size_t n;
	int64_t rej;
	char msg[64];

	(void)state;
	tps.rejected_spans = 3;
	tps.error_message = "3 spans too old";
	tr.partial_success = &tps;
	n = opentelemetry__proto__collector__trace__v1__export_trace_service_response__pack(&tr,
											    buf);
	assert_int_equal(reply_parse_export(OTELSIM_TRACES, false, buf, n, &rej, msg, sizeof(msg)),
			 0);
	assert_int_equal(rej, 3);
	assert_string_equal(msg, "3 spans too old");

	mps.rejected_data_points = 7;
	mps.error_message = "";
	mr.partial_success = &mps;
	n = opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__pack(
		&mr, buf);
	assert_int_equal(reply_parse_export(OTELSIM_METRICS, false, buf, n, &rej, msg, sizeof(msg)),
			 0);
	assert_int_equal(rej, 7);
	assert_string_equal(msg, "");

	lps.rejected_log_records = 0;
	lps.error_message = "just a warning";
	lr.partial_success = &lps;
	n = opentelemetry__proto__collector__logs__v1__export_logs_service_response__pack(&lr, buf);
	assert_int_equal(reply_parse_export(OTELSIM_LOGS, false, buf, n, &rej, msg, sizeof(msg)),
			 0);
	assert_int_equal(rej, 0);
	assert_string_equal(msg, "just a warning");

	/* empty body: full success; garbage: unreadable */
	assert_int_equal(reply_parse_export(OTELSIM_TRACES, false, "", 0, &rej, msg, sizeof(msg)),
			 0);
	assert_int_equal(rej, 0);
	assert_int_equal(reply_parse_export(OTELSIM_TRACES, false, "\x0a\x05\x08", 3, &rej, msg,
					    sizeof(msg)),
			 -1);
}

static void test_reply_export_json(void **state)
{
	static const struct {
		int signal;
		const char *body;
		int rc;
		int64_t rejected;
		const char *msg;
	} cases[] = {
		{ OTELSIM_TRACES, "{}", 0, 0, "" },
		{ OTELSIM_TRACES, "{\"partialSuccess\":{}}", 0, 0, "" },
		{ OTELSIM_TRACES,
		  "{\"partialSuccess\":{\"rejectedSpans\":\"12\",\"errorMessage\":\"too old\"}}", 0,
		  12, "too old" },
		{ OTELSIM_TRACES, "{\"partialSuccess\":{\"rejectedSpans\":5}}", 0, 5, "" },
		{ OTELSIM_METRICS, "{\"partialSuccess\":{\"rejectedDataPoints\":\"2\"}}", 0, 2,
		  "" },
		{ OTELSIM_LOGS,
		  "{\"partial_success\":{\"rejected_log_records\":4,\"error_message\":\"m\"}}", 0,
		  4, "m" },
		{ OTELSIM_LOGS, "{\"partialSuccess\":{\"errorMessage\":\"warn only\"}}", 0, 0,
		  "warn only" },
		{ OTELSIM_LOGS, "{\"partialSuccess\":{\"rejectedSpans\":9}}", 0, 0,
		  "" }, /* other signal */
		{ OTELSIM_TRACES, "{\"partialSuccess\":{\"rejectedSpans\":\"x\"}}", -1, 0, "" },
		{ OTELSIM_TRACES, "{\"partialSuccess\":{\"rejectedSpans\":-1}}", -1, 0, "" },
		{ OTELSIM_TRACES, "{\"partialSuccess\":{\"rejectedSpans\":1.5}}", -1, 0, "" },
		{ OTELSIM_TRACES, "{\"partialSuccess\":3}", -1, 0, "" },
		{ OTELSIM_TRACES, "[]", -1, 0, "" },
		{ OTELSIM_TRACES, "{", -1, 0, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t rej = 99;
		char msg[64];

		assert_int_equal(reply_parse_export(cases[i].signal, true, cases[i].body,
						    strlen(cases[i].body), &rej, msg, sizeof(msg)),
				 cases[i].rc);
		assert_int_equal(rej, cases[i].rejected);
		assert_string_equal(msg, cases[i].msg);
	}
}

static void test_reply_error_message(void **state)
{
	uint8_t buf[256];
	size_t n = rpc_status(buf, 3, "invalid span id", "", 0, 0);
	char msg[300], big[400];

	(void)state;
	reply_error_message("application/x-protobuf", buf, n, msg, sizeof(msg));
	assert_string_equal(msg, "invalid span id");
	reply_error_message(NULL, buf, n, msg, sizeof(msg));
	assert_string_equal(msg, "invalid span id");
	reply_error_message("application/json; charset=utf-8",
			    "{\"code\":3,\"message\":\"bad json\"}", 31, msg, sizeof(msg));
	assert_string_equal(msg, "bad json");
	reply_error_message("text/plain", "\nPayload \x1b[31mtoo large\xff\n", 25, msg,
			    sizeof(msg));
	assert_string_equal(msg, "Payload  [31mtoo large?");
	/* a protobuf content type with a text body: the text */
	reply_error_message("application/x-protobuf", "upstream gone", 13, msg, sizeof(msg));
	assert_string_equal(msg, "upstream gone");
	/* only the first 200 bytes, cut on a character boundary */
	memset(big, 'a', sizeof(big));
	reply_error_message("text/html", big, sizeof(big), msg, sizeof(msg));
	assert_int_equal(strlen(msg), 200);
	reply_sanitize("ab\xc3\xa9", 4, msg, 4);
	assert_string_equal(msg, "ab");
	reply_sanitize("ab\xc3\xa9", 4, msg, 5);
	assert_string_equal(msg, "ab\xc3\xa9");
	reply_error_message(NULL, "", 0, msg, sizeof(msg));
	assert_string_equal(msg, "");
}

static void test_reply_retry_after(void **state)
{
	/* Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 */
	int64_t now = 1445412480LL * 1000 - 5000;

	(void)state;
	assert_int_equal(reply_retry_after_ms("3", now), 3000);
	assert_int_equal(reply_retry_after_ms(" 120 ", now), 120000);
	assert_int_equal(reply_retry_after_ms("0", now), 0);
	assert_int_equal(reply_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", now), 5000);
	assert_int_equal(reply_retry_after_ms("Wednesday, 21-Oct-15 07:28:00 GMT", now), 5000);
	assert_int_equal(reply_retry_after_ms("Wed Oct 21 07:28:00 2015", now), 5000);
	assert_int_equal(reply_retry_after_ms("Tue, 20 Oct 2015 07:28:00 GMT", now), 0);
	assert_int_equal(reply_retry_after_ms("soon", now), -1);
	assert_int_equal(reply_retry_after_ms("", now), -1);
	assert_int_equal(reply_retry_after_ms("-5", now), -1);
	assert_int_equal(reply_retry_after_ms(NULL, now), -1);
}

static void test_reply_retry_policy(void **state)
{
	static const int http_retry[] = { 429, 502, 503, 504 };
	static const int http_final[] = { 200, 400, 401, 403, 404, 408, 413, 415, 500, 501 };
	static const int grpc_retry[] = { 1, 4, 10, 11, 14, 15 };
	static const int grpc_final[] = { 0, 2, 3, 5, 6, 7, 9, 12, 13, 16 };
	struct rng r, r2;

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_true(reply_http_retryable(http_retry[i]));
	for (size_t i = 0; i < sizeof(http_final) / sizeof(int); i++)
		assert_false(reply_http_retryable(http_final[i]));
	for (size_t i = 0; i < 6; i++) {
		assert_true(reply_grpc_retryable(grpc_retry[i], false));
		assert_true(reply_grpc_retryable(grpc_retry[i], true));
	}
	for (size_t i = 0; i < sizeof(grpc_final) / sizeof(int); i++)
		assert_false(reply_grpc_retryable(grpc_final[i], true));
	assert_false(reply_grpc_retryable(8, false));
	assert_true(reply_grpc_retryable(8, true));
	assert_int_equal(reply_grpc_from_http(503), 14);
	assert_int_equal(reply_grpc_from_http(404), 12);
	assert_int_equal(reply_grpc_from_http(401), 16);
	assert_int_equal(reply_grpc_from_http(500), 2);
	assert_string_equal(reply_grpc_code_name(14), "UNAVAILABLE");
	assert_string_equal(reply_grpc_code_name(8), "RESOURCE_EXHAUSTED");
	assert_string_equal(reply_grpc_code_name(99), "UNKNOWN");

	/* doubling from 100 to the 1000 cap, each draw within [d/2, 3d/2) and the cap */
	rng_seed(&r, 7, 1, 0);
	for (int k = 0; k < 200; k++) {
		for (uint32_t retry = 0; retry < 8; retry++) {
			int64_t d = 100LL << retry, got;

			if (d > 1000)
				d = 1000;
			got = reply_backoff_ms(100, 1000, retry, &r);
			assert_true(got >= d / 2);
			assert_true(got < d + d / 2 || got == 1000);
			assert_true(got <= 1000);
		}
	}
	/* the same seed, the same delays */
	rng_seed(&r, 42, 1, 0);
	rng_seed(&r2, 42, 1, 0);
	for (uint32_t retry = 0; retry < 10; retry++)
		assert_int_equal(reply_backoff_ms(500, 30000, retry, &r),
				 reply_backoff_ms(500, 30000, retry, &r2));
	assert_int_equal(reply_backoff_ms(500, 30000, 4000000000u, &r) <= 30000, 1);
}

/* ---- the sender without a server ---- */

struct outcome {
	int calls;
	struct send_result r;
	void *tag;
};

static void on_done(void *ctx, void *tag, const struct send_result *r)
{
	struct outcome *o = ctx;

	o->calls++;
	o->r = *r;
	o->tag = tag;
}

/* A loopback port nothing listens on (bound, then closed). */
static int closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void test_sender_connection_refused(void **state)
{
	struct fixture *f = *state;
	struct endpoint_flags fl = { 0 };
	struct sender *s = NULL;
	struct outcome o = { 0 };
	struct send_req req = { OTELSIM_TRACES, "\x0a\x00", 2, false, 1, &o };
	char url[64];
	int tag;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", closed_port());
	fl.endpoint = url;
	assert_int_equal(resolve(f, &fl, NULL), 0);
	f->cfg.retry_initial_ms = 20;
	f->cfg.retry_max_interval_ms = 40;
	f->cfg.retry_max_elapsed_ms = 300;
	assert_int_equal(sender_new(&f->cfg, on_done, &o, &s, &f->err), 0);
	req.tag = &tag;
	assert_int_equal(sender_submit(s, &req, &f->err), 0);
	assert_int_equal(sender_drain(s, &f->err), 0);
	assert_int_equal(o.calls, 1);
	assert_ptr_equal(o.tag, &tag);
	assert_int_equal(o.r.outcome, SEND_FAILED);
	assert_int_equal(o.r.curl_code, 7); /* CURLE_COULDNT_CONNECT */
	assert_int_equal(o.r.http_status, 0);
	assert_int_equal(o.r.items, 1);
	assert_true(o.r.retries >= 3);
	assert_true(o.r.elapsed_ms <= 400);
	assert_non_null(strstr(o.r.message, "127.0.0.1"));

	/* no retries at all when retry_max_elapsed_ms is 0 */
	sender_free(s);
	f->cfg.retry_max_elapsed_ms = 0;
	o.calls = 0;
	assert_int_equal(sender_new(&f->cfg, on_done, &o, &s, &f->err), 0);
	assert_int_equal(sender_submit(s, &req, &f->err), 0);
	assert_int_equal(sender_drain(s, &f->err), 0);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.r.retries, 0);
	assert_int_equal(o.r.outcome, SEND_FAILED);

	/* a JSON body needs an http/json target */
	req.json = true;
	assert_int_equal(sender_submit(s, &req, &f->err), OTELSIM_EUSAGE);
	assert_string_equal(f->err.message, "a JSON request body cannot be sent over "
					    "http/protobuf to the traces endpoint");
	/* freeing with a request in flight ends it through done() */
	req.json = false;
	f->cfg.retry_max_elapsed_ms = 60000;
	sender_free(s);
	o.calls = 0;
	assert_int_equal(sender_new(&f->cfg, on_done, &o, &s, &f->err), 0);
	assert_int_equal(sender_submit(s, &req, &f->err), 0);
	sender_free(s);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.r.outcome, SEND_FAILED);
	assert_string_equal(o.r.message, "cancelled");
}

static void test_sender_rejects_bad_config(void **state)
{
	struct fixture *f = *state;
	struct sender *s = NULL;

	sender_config_init(&f->cfg);
	f->cfg.target[1].url = "ftp://x/";
	assert_int_equal(sender_new(&f->cfg, on_done, NULL, &s, &f->err), OTELSIM_EUSAGE);
	assert_null(s);
	assert_string_equal(f->err.message,
			    "metrics: endpoint URL must start with http:// or https://");
	sender_config_init(&f->cfg);
	f->cfg.concurrency = 5000;
	assert_int_equal(sender_new(&f->cfg, on_done, NULL, &s, &f->err), OTELSIM_EUSAGE);
	/* a header cannot smuggle another one in, and its value is not repeated */
	{
		static const char *const hdrs[] = { "X-Ok: 1", "X-Key: s3cret\r\nX-Admin: yes" };

		sender_config_init(&f->cfg);
		f->cfg.target[2].headers = hdrs;
		f->cfg.target[2].nheaders = 2;
		assert_int_equal(sender_new(&f->cfg, on_done, NULL, &s, &f->err), OTELSIM_EUSAGE);
		assert_null(s);
		assert_string_equal(f->err.message, "logs: header #2 has a line break");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_endpoint_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_manifest_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_generic_is_a_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_per_signal_as_is, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_seed_variable_and_precedence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_grpc_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_default_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_insecure_lenient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_shown_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_seed_variable_signal_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_grpc_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_hides_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_options, setup, teardown),
		cmocka_unit_test(test_wire_gzip),
		cmocka_unit_test(test_wire_gunzip_cap),
		cmocka_unit_test(test_wire_grpc_frame),
		cmocka_unit_test(test_wire_decoding),
		cmocka_unit_test(test_reply_rpc_status),
		cmocka_unit_test(test_reply_export_protobuf),
		cmocka_unit_test(test_reply_export_json),
		cmocka_unit_test(test_reply_error_message),
		cmocka_unit_test(test_reply_retry_after),
		cmocka_unit_test(test_reply_retry_policy),
		cmocka_unit_test_setup_teardown(test_sender_connection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_rejects_bad_config, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
