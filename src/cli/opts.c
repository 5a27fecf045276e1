/*
 * otelsim's options, once: one row each (util/parseopt.h), which parses
 * them, applies their environment variables, checks which command takes
 * them and prints their help. Adding an option is adding a row (and, when
 * no value type fits, a parse function above the table).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "load/load.h"
#include "model/value.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/workload.h"

#define AT(field) OPT_AT(struct cli, field)

/* --interval: at most one year, the limit of a file's interval_ms */
#define MAX_INTERVAL_NS (INT64_C(31536000000) * 1000000)

/* ---- values no plain type reads ---- */

/* --seed: an integer, or any other text hashed to one */
static int parse_seed(const struct opt_def *d, const char *v, void *target, const char *src,
		      struct otelsim_error *err)
{
	struct cli *c = target;
	uint64_t u;

	(void)d, (void)src, (void)err;
	if (parse_u64(v, UINT64_MAX, &u) == 0)
		c->ro.seed = u;
	else if (*v)
		c->ro.seed = rng_hash(v, strlen(v));
	else
		return OPT_BAD;
	return 0;
}

static int parse_start(const struct opt_def *d, const char *v, void *target, const char *src,
		       struct otelsim_error *err)
{
	struct cli *c = target;
	int r = time_parse_rfc3339(v, &c->ro.start_ns);

	(void)d;
	if (r == -2)
		return error_set(err, OTELSIM_EUSAGE,
				 "%s: '%s' is after " TIME_MAX_TEXT
				 ", the last time 64-bit nanoseconds since 1970 hold",
				 src, v);
	return r ? OPT_BAD : 0;
}

/*
 * A duration that does not parse only because it is too large: the same
 * text with every digit 0 parses.
 */
static bool duration_too_large(const char *v)
{
	char buf[128];
	size_t n = strlen(v);
	int64_t ns;

	if (n >= sizeof(buf))
		return false;
	for (size_t i = 0; i <= n; i++)
		buf[i] = v[i] >= '1' && v[i] <= '9' ? '0' : v[i];
	return duration_parse(buf, 1000000, &ns) == 0;
}

static int parse_interval(const struct opt_def *d, const char *v, void *target, const char *src,
			  struct otelsim_error *err)
{
	struct cli *c = target;
	int64_t ns;

	(void)d;
	if (v[0] != '-' &&
	    (duration_parse(v, 1000000, &ns) ? duration_too_large(v) : ns > MAX_INTERVAL_NS))
		return error_set(err, OTELSIM_EUSAGE,
				 "%s: '%s' is too large (at most 31536000000 ms, one year, as for "
				 "'interval_ms')",
				 src, v);
	if (duration_parse(v, 1000000, &ns) || ns < 0)
		return OPT_BAD;
	c->ro.interval_ns = ns;
	return 0;
}

/* --vendor: the loader's rule, checked early */
static int parse_vendor(const struct opt_def *d, const char *v, void *target, const char *src,
			struct otelsim_error *err)
{
	(void)d, (void)src, (void)err;
	if (load_check_vendor(v, NULL))
		return OPT_BAD;
	((struct cli *)target)->vendor = v;
	return 0;
}

static int parse_shard(const struct opt_def *d, const char *v, void *target, const char *src,
		       struct otelsim_error *err)
{
	struct cli *c = target;
	unsigned k, n;
	char tail;

	(void)d, (void)src, (void)err;
	if (sscanf(v, "%u/%u%c", &k, &n, &tail) != 2 || n == 0 || k == 0 || k > n || n > 1000000)
		return OPT_BAD;
	c->ro.shard_index = k;
	c->ro.shard_count = n;
	return 0;
}

static int parse_protocol(const struct opt_def *d, const char *v, void *target, const char *src,
			  struct otelsim_error *err)
{
	(void)d, (void)src, (void)err;
	if (strcmp(v, "http/protobuf") && strcmp(v, "http/json") && strcmp(v, "grpc"))
		return OPT_BAD;
	((struct cli *)target)->protocol = v;
	return 0;
}

static const struct opt_choice formats[] = {
	{ "otlp", OTELSIM_FORMAT_OTLP },
	{ "protobuf", OTELSIM_FORMAT_OTLP },
	{ "otlp-proto", OTELSIM_FORMAT_OTLP },
	{ "otlp-json", OTELSIM_FORMAT_OTLP_JSON },
	{ "json", OTELSIM_FORMAT_OTLP_JSON },
	{ "ndjson", OTELSIM_FORMAT_NDJSON },
	{ NULL, 0 },
};

static const struct opt_choice severities[] = {
	{ "low", OTELSIM_SEVERITY_LOW },
	{ "medium", OTELSIM_SEVERITY_MEDIUM },
	{ "high", OTELSIM_SEVERITY_HIGH },
	{ NULL, 0 },
};

/* --incident-duration 90s: the length of every incident phase */
static int parse_incident(const struct opt_def *d, const char *v, void *target, const char *src,
			  struct otelsim_error *err)
{
	struct cli *c = target;
	char msg[200];
	int rc = workload_duration_parse(v, 1000000000, &c->ro.incident_duration_ns, msg,
					 sizeof(msg));

	(void)d;
	if (rc == WORKLOAD_ESYNTAX)
		return OPT_BAD;
	if (rc)
		return error_set(err, OTELSIM_EUSAGE, "%s: %s", src, msg);
	return 0;
}

static const struct opt_choice temporalities[] = {
	{ "cumulative", OTELSIM_TEMPORALITY_CUMULATIVE },
	{ "delta", OTELSIM_TEMPORALITY_DELTA },
	{ NULL, 0 },
};

/* --metric-interval: 1 ms .. 24 h */
static int parse_metric_interval(const struct opt_def *d, const char *v, void *target,
				 const char *src, struct otelsim_error *err)
{
	struct cli *c = target;
	int64_t ns;

	(void)d, (void)src, (void)err;
	if (duration_parse(v, 1000000000, &ns) || ns < 1000000 || ns > 86400000000000LL)
		return OPT_BAD;
	c->ro.metric_interval_ns = ns;
	return 0;
}

/* --duration 10m: a time-based run (util/workload.h: s, m, h, d; a bare number is seconds) */
static int parse_duration(const struct opt_def *d, const char *v, void *target, const char *src,
			  struct otelsim_error *err)
{
	struct cli *c = target;
	char msg[200];
	int rc = workload_duration_parse(v, 1000000000, &c->ro.duration_ns, msg, sizeof(msg));

	(void)d;
	if (rc == WORKLOAD_ESYNTAX)
		return OPT_BAD;
	if (rc)
		return error_set(err, OTELSIM_EUSAGE, "%s: %s", src, msg);
	return 0;
}

/* --rate 20/s */
static int parse_rate(const struct opt_def *d, const char *v, void *target, const char *src,
		      struct otelsim_error *err)
{
	struct cli *c = target;
	char msg[200];
	int rc = workload_rate_parse(v, &c->ro.rate_per_s, msg, sizeof(msg));

	(void)d;
	if (rc == WORKLOAD_ESYNTAX)
		return OPT_BAD;
	if (rc)
		return error_set(err, OTELSIM_EUSAGE, "%s: %s", src, msg);
	return 0;
}

/* --signals traces,logs,...: the signals written (each named once at most) */
static int parse_signals(const struct opt_def *d, const char *v, void *target, const char *src,
			 struct otelsim_error *err)
{
	static const char *const names[] = { "traces", "metrics", "logs", "events" };
	struct cli *c = target;
	unsigned mask = 0;

	(void)d, (void)src, (void)err;
	while (*v) {
		size_t len = strcspn(v, ",");
		int k = 0;

		while (k < 4 && !(strlen(names[k]) == len && !strncmp(v, names[k], len)))
			k++;
		if (k == 4 || (mask & (1u << k)))
			return OPT_BAD;
		mask |= 1u << k;
		v += len;
		if (*v == ',' && *++v == '\0')
			return OPT_BAD;
	}
	if (!mask)
		return OPT_BAD;
	c->ro.signals = mask;
	return 0;
}

static const struct opt_choice framings[] = {
	{ "be32", OTELSIM_FRAMING_BE32 },
	{ "collector", OTELSIM_FRAMING_BE32 },
	{ "varint", OTELSIM_FRAMING_VARINT },
	{ "delimited", OTELSIM_FRAMING_VARINT },
	{ NULL, 0 },
};

/* ---- the table ---- */

static const struct opt_def opts[] = {
	{ .name = "out",
	  .arg = "DIR",
	  .type = OPT_STR,
	  .at = AT(out),
	  .set = AT(out_set),
	  .env = { "OTELSIM_OUT" },
	  .cmds = CMD_GEN | CMD_MERGE | CMD_LIST_FIXTURES,
	  .help = "where datasets go (default: out)",
	  .expect = "a folder",
	  .flags = OPTF_NONEMPTY },
	{ .name = "format",
	  .arg = "FMT",
	  .type = OPT_CHOICE,
	  .at = AT(ro.format),
	  .choices = formats,
	  .env = { "OTELSIM_FORMAT" },
	  .cmds = CMD_GEN,
	  .help = "otlp (protobuf, default), otlp-json (JSON lines) or ndjson (seed 003's "
		  "flat records)",
	  .expect = "otlp (or protobuf), otlp-json (or json) or ndjson" },
	{ .name = "framing",
	  .arg = "F",
	  .type = OPT_CHOICE,
	  .at = AT(ro.framing),
	  .choices = framings,
	  .env = { "OTELSIM_FRAMING" },
	  .cmds = CMD_GEN,
	  .help = "protobuf record framing: be32 (4-byte length, the Collector's; default) or "
		  "varint",
	  .expect = "be32 or varint" },
	{ .name = "gzip",
	  .type = OPT_TRUE,
	  .at = AT(ro.gzip),
	  .env = { "OTELSIM_GZIP" },
	  .cmds = CMD_GEN,
	  .help = "gzip the data files (deterministic: no timestamp)" },
	{ .name = "seed",
	  .arg = "N",
	  .type = OPT_FUNC,
	  .parse = parse_seed,
	  .set = AT(ro.seed_set),
	  .env = { "OTELSIM_SEED" },
	  .cmds = CMD_GEN,
	  .help = "random seed: an integer, or any text (hashed); default: the scenario's, else "
		  "config's",
	  .expect = "an integer or a word" },
	{ .name = "start",
	  .arg = "TIME",
	  .type = OPT_FUNC,
	  .parse = parse_start,
	  .set = AT(ro.start_set),
	  .env = { "OTELSIM_START" },
	  .cmds = CMD_GEN,
	  .help = "virtual start time, RFC 3339 or 'now' (default 2026-01-01T00:00:00Z)",
	  .expect = "an RFC 3339 time like 2026-01-01T00:00:00Z, or now" },
	{ .name = "count",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(ro.count),
	  .max = 1000000000000ull,
	  .set = AT(ro.count_set),
	  .env = { "OTELSIM_COUNT" },
	  .env_not_with = "each-once",
	  .cmds = CMD_GEN,
	  .help = "iterations to generate, a trace each (a trace per turn for a multi-turn "
		  "session; render: per scenario; default: "
		  "the scenario's repeat_count, else config's); with --endpoint, 0 sends until "
		  "stopped",
	  .expect = "a whole number up to 10^12" },
	{ .name = "duration",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_duration,
	  .set = AT(ro.duration_set),
	  .env = { "OTELSIM_DURATION" },
	  .cmds = CMD_GEN,
	  .help = "run for this much virtual time instead of a count: 30s, 10m, 1h, 1d (at most "
		  "365d; default: the scenario's duration); traces arrive at --rate",
	  .expect = "a duration like 30s, 10m, 1h or 1d" },
	{ .name = "rate",
	  .arg = "N/U",
	  .type = OPT_FUNC,
	  .parse = parse_rate,
	  .set = AT(ro.rate_set),
	  .env = { "OTELSIM_RATE" },
	  .cmds = CMD_GEN,
	  .help = "traces per second, minute or hour of a time-based run: 20/s, 600/m, 3600/h "
		  "(default: the scenario's rate)",
	  .expect = "a count per unit like 20/s, 600/m or 3600/h" },
	{ .name = "max-spans",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(ro.max_spans),
	  .min = 1,
	  .max = 1000000000000000ull,
	  .env = { "OTELSIM_MAX_SPANS" },
	  .cmds = CMD_GEN,
	  .help = "refuse a run expected to write more spans (default 100000000)",
	  .expect = "a number from 1 to 10^15" },
	{ .name = "incident-duration",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_incident,
	  .env = { "OTELSIM_INCIDENT_DURATION" },
	  .cmds = CMD_GEN,
	  .help = "the length of every incident phase (default: as the scenario says, e.g. 60s)",
	  .expect = "a duration like 60s or 2m" },
	{ .name = "severity",
	  .arg = "S",
	  .type = OPT_CHOICE,
	  .at = AT(ro.severity),
	  .choices = severities,
	  .env = { "OTELSIM_SEVERITY" },
	  .cmds = CMD_GEN,
	  .help = "how strong each phase is: low (half its effect), medium (as written) or high "
		  "(1.5 times)",
	  .expect = "low, medium or high" },
	{ .name = "interval",
	  .arg = "MS",
	  .type = OPT_FUNC,
	  .parse = parse_interval,
	  .set = AT(ro.interval_set),
	  .env = { "OTELSIM_INTERVAL" },
	  .cmds = CMD_GEN,
	  .help = "time between trace starts: milliseconds or a duration like 1.5s (also from "
		  "TRACE_INTERVAL_MIN/MAX: seconds, their mean with half their spread as jitter)",
	  .expect = "milliseconds or a duration like 250ms or 1.5s" },
	{ .name = "metric-interval",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_metric_interval,
	  .env = { "OTELSIM_METRIC_INTERVAL" },
	  .cmds = CMD_GEN,
	  .help = "virtual time per metric data point: a duration like 10s or 500ms, or seconds "
		  "(default: the scenario's metric_interval, else 10s)",
	  .expect = "a duration from 1ms to 24h, like 10s or 500ms" },
	{ .name = "signals",
	  .arg = "LIST",
	  .type = OPT_FUNC,
	  .parse = parse_signals,
	  .env = { "OTELSIM_SIGNALS" },
	  .cmds = CMD_GEN,
	  .help = "only write these signals: a comma list of traces, metrics, logs, events "
		  "(default: every signal the scenarios emit; naming one none of them emits is an "
		  "error)",
	  .expect = "a comma list of traces, metrics, logs, events (each once)" },
	{ .name = "temporality",
	  .arg = "T",
	  .type = OPT_CHOICE,
	  .at = AT(ro.temporality),
	  .choices = temporalities,
	  .env = { "OTELSIM_TEMPORALITY" },
	  .cmds = CMD_GEN,
	  .help = "metric temporality: cumulative (default: every stream every interval from its "
		  "first point) or delta (only intervals with measurements)",
	  .expect = "cumulative or delta" },
	{ .name = "max-metric-streams",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(ro.max_metric_streams),
	  .min = 1,
	  .max = 100000000,
	  .env = { "OTELSIM_MAX_METRIC_STREAMS" },
	  .cmds = CMD_GEN,
	  .help = "refuse a run whose metrics have more streams (default 100000)",
	  .expect = "a number from 1 to 100000000" },
	{ .name = "scenarios-dir",
	  .arg = "DIR",
	  .type = OPT_STR,
	  .at = AT(scenarios_dir),
	  .flags = OPTF_PATH,
	  .env = { "SCENARIOS_DIR", "OTELSIM_SCENARIOS_DIR" },
	  .cmds = CMD_LOADS,
	  .help = "scenario folder (default: the bundled scenarios/)" },
	{ .name = "config",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(config),
	  .flags = OPTF_PATH,
	  .env = { "OTELSIM_CONFIG" },
	  .cmds = CMD_LOADS,
	  .help = "config file (default: the bundled config/config.yaml)" },
	{ .name = "semconv",
	  .arg = "PATH",
	  .type = OPT_PATHS,
	  .at = AT(semconv),
	  .flags = OPTF_PATH,
	  .env = { "SEMCONV", "TELEMETRY_SIMULATOR_SCHEMA_PATH" },
	  .cmds = CMD_LOADS,
	  .help = "semantic-conventions registry: a file or a folder, read after the bundled "
		  "one; repeat it (or give a:b, as the variables do) to read several in order, "
		  "e.g. core then GenAI" },
	{ .name = "schema-path",
	  .arg = "PATH",
	  .type = OPT_PATHS,
	  .at = AT(semconv),
	  .flags = OPTF_PATH,
	  .cmds = CMD_LOADS,
	  .help = "same as --semconv" },
	{ .name = "service-name",
	  .arg = "NAME",
	  .type = OPT_STR,
	  .at = AT(service_name),
	  .flags = OPTF_NONEMPTY,
	  .env = { "OTELSIM_SERVICE_NAME" },
	  .cmds = CMD_LOADS,
	  .help = "service.name of spans without a service (default: otelsim)",
	  .expect = "a non-empty name" },
	{ .name = "vendor",
	  .arg = "NAME",
	  .type = OPT_FUNC,
	  .parse = parse_vendor,
	  .env = { "VENDOR", "TELEMETRY_SIMULATOR_ATTR_PREFIX" },
	  .cmds = CMD_LOADS,
	  .help = "emit vendor.* span types and attributes as NAME.* (default: vendor; NAME like "
		  "acme, acme_corp or com.acme)",
	  .expect = LOAD_VENDOR_RULE },
	{ .name = "threads",
	  .arg = "N",
	  .type = OPT_UNSIGNED,
	  .at = AT(ro.threads),
	  .min = 1,
	  .max = 256,
	  .env = { "OTELSIM_THREADS", "TRACE_NUM_WORKERS" },
	  .cmds = CMD_GEN,
	  .help = "render threads (default: the CPU count); output bytes never depend on it",
	  .expect = "a number from 1 to 256" },
	{ .name = "shard",
	  .arg = "K/N",
	  .type = OPT_FUNC,
	  .parse = parse_shard,
	  .env = { "OTELSIM_SHARD" },
	  .cmds = CMD_GEN,
	  .help = "render only shard K of N (1-based); shards' files concatenated = the whole",
	  .expect = "K/N with 1 <= K <= N, like 2/3" },
	{ .name = "max-spans-per-trace",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(max_spans),
	  .min = 1,
	  .max = 100000000,
	  .env = { "OTELSIM_MAX_SPANS_PER_TRACE" },
	  .cmds = CMD_LOADS,
	  .help = "refuse scenarios whose worst case exceeds N spans per trace (default 10000)",
	  .expect = "a number from 1 to 100000000" },
	{ .name = "name",
	  .arg = "NAME",
	  .type = OPT_STR,
	  .at = AT(name),
	  .cmds = CMD_SCENARIO,
	  .help = "the scenario to render" },
	{ .name = "tags",
	  .arg = "A,B",
	  .type = OPT_CSV,
	  .at = AT(tags),
	  .cmds = CMD_RUN | CMD_LIST,
	  .help = "only scenarios with any of these tags",
	  .expect = "tags separated by commas, like agentic,retry" },
	{ .name = "each-once",
	  .type = OPT_TRUE,
	  .at = AT(ro.each_once),
	  .cmds = CMD_RUN,
	  .help = "run every (tagged) scenario once instead of weighted random picks" },
	{ .name = "category",
	  .arg = "C",
	  .type = OPT_STR,
	  .at = AT(category),
	  .cmds = CMD_RENDER | CMD_LIST,
	  .help = "only scenarios of this category (their first folder)" },
	{ .name = "dataset",
	  .arg = "NAME",
	  .type = OPT_STR,
	  .at = AT(ro.dataset),
	  .cmds = CMD_RUN,
	  .help = "folder name of a mixed run's dataset (default: mixed)" },
	{ .name = "quiet",
	  .type = OPT_TRUE,
	  .at = AT(quiet),
	  .help = "no progress bar, no summary" },
	{ .name = "show-spans",
	  .type = OPT_INT_MAX,
	  .num = 1,
	  .at = AT(show_spans),
	  .cmds = CMD_GEN,
	  .help = "print each span as it is made" },
	{ .name = "show-full-spans",
	  .type = OPT_INT_MAX,
	  .num = 2,
	  .at = AT(show_spans),
	  .cmds = CMD_GEN,
	  .help = "print each span with its attributes, events and links" },
	{ .name = "endpoint",
	  .arg = "URL",
	  .type = OPT_STR,
	  .at = AT(endpoint),
	  .env = { "OTELSIM_ENDPOINT", "OTLP_HTTP_ENDPOINT" },
	  .cmds = CMD_SEND,
	  .help = "send to this OTLP endpoint instead of (or with --out, as well as) files" },
	{ .name = "send",
	  .type = OPT_TRUE,
	  .at = AT(send),
	  .cmds = CMD_RUN,
	  .help = "run FILE: stream it live, in real time, to --endpoint or else the file's own "
		  "endpoint (a Dreamweaver config's output.endpoint, over OTLP/gRPC)" },
	{ .name = "protocol",
	  .arg = "P",
	  .type = OPT_FUNC,
	  .parse = parse_protocol,
	  .env = { "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .cmds = CMD_SEND,
	  .help = "http/protobuf (default), http/json or grpc",
	  .expect = "http/protobuf, http/json or grpc" },
	{ .name = "header",
	  .arg = "'K: V'",
	  .type = OPT_LIST,
	  .at = AT(headers),
	  .flags = OPTF_COLON | OPTF_ENV_ELSEWHERE,
	  .env = { "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS" },
	  .cmds = CMD_SEND,
	  .help = "extra request header (repeatable; the variables hold k1=v1,k2=v2)",
	  .expect = "'Name: value'" },
	/* what net/endpoint.c reads for --endpoint besides the rows above */
	{ .env = { "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION" },
	  .cmds = CMD_SEND,
	  .help = "gzip or none (default): request body compression" },
	{ .env = { "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT" },
	  .cmds = CMD_SEND,
	  .help = "per attempt, in milliseconds (default 10000)" },
	{ .env = { "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE" },
	  .cmds = CMD_SEND,
	  .help = "CA certificates (PEM) to verify the server with" },
	{ .env = { "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
		   "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
		   "OTEL_EXPORTER_OTLP_CLIENT_KEY" },
	  .cmds = CMD_SEND,
	  .help = "client certificate and key (PEM), for mutual TLS" },
	{ .env = { "OTEL_EXPORTER_OTLP_TRACES_INSECURE", "OTEL_EXPORTER_OTLP_INSECURE" },
	  .cmds = CMD_SEND,
	  .help = "true: a grpc endpoint given as host:port is clear text (not TLS)" },
	{ .env = { "TENANT_UUID" },
	  .cmds = CMD_LOADS,
	  .help = "the tenant id of every agent session (ids separated by commas: a mix), over "
		  "each scenario's context.tenant" },
	{ .env = { "TELEMETRY_TENANT_UUIDS", "TELEMETRY_TENANT_WEIGHTS" },
	  .cmds = CMD_LOADS,
	  .help = "tenant ids separated by commas, and their relative weights (default equal): "
		  "each agent session draws its tenant (over TENANT_UUID and context.tenant)" },
	{ .env = { "OTELSIM_HOME" },
	  .cmds = CMD_LOADS,
	  .help = "a folder holding config/, conventions/ and scenarios/ to use instead of the "
		  "bundled ones" },
	{ .name = "trace",
	  .arg = "ID",
	  .type = OPT_STR,
	  .at = AT(trace_id),
	  .cmds = CMD_SHOW,
	  .help = "show only this trace (hex id; metrics, tied to no trace, are left out)" },
	{ .name = "limit",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(limit),
	  .cmds = CMD_SHOW,
	  .help = "show at most N traces (default 20)",
	  .expect = "a whole number" },
	{ .name = "html",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(html),
	  .flags = OPTF_NONEMPTY,
	  .cmds = CMD_REPORT,
	  .help = "the page to write (default: report.html)",
	  .expect = "a file name" },
	{ .name = "force",
	  .type = OPT_TRUE,
	  .at = AT(force),
	  .cmds = CMD_REPORT,
	  .help = "replace --html FILE even when it is not an otelsim report" },
	{ .name = "sample-traces",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(sample_traces),
	  .max = 1000000,
	  .cmds = CMD_REPORT,
	  .help = "traces in the trace table (default 2000; every error trace first, up to N)",
	  .expect = "a whole number up to 1000000" },
	{ .name = "sample-logs",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(sample_logs),
	  .max = 1000000,
	  .cmds = CMD_REPORT,
	  .help = "log records in the log table (default 5000; those of shown traces first)",
	  .expect = "a whole number up to 1000000" },
	{ .name = "title",
	  .arg = "TEXT",
	  .type = OPT_STR,
	  .at = AT(title),
	  .cmds = CMD_REPORT,
	  .help = "the page's title (default: the datasets)" },
	{ .name = "help", .type = OPT_HELP, .help = "this help" },
	{ .name = "version", .type = OPT_VERSION, .help = "print the version" },
};

const struct opt_command cli_commands[CMDI_COUNT] = {
#define CLI_ROW(id, name, fn, usage, summary, details) { name, usage, summary, details },
	CLI_COMMANDS(CLI_ROW)
#undef CLI_ROW
};

static const struct opt_table table = { "otelsim", opts, sizeof(opts) / sizeof(opts[0]),
					cli_commands, CMDI_COUNT };

void cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help'.\n", c->prog, c->cmd ? " " : "",
		c->cmd ? c->cmd : "");
}

void cli_print_options(unsigned cmd_bits)
{
	struct strbuf sb = STRBUF_INIT;

	if (opt_help(&table, cmd_bits, &sb) == 0)
		fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

int cli_command_index(const char *name)
{
	for (size_t i = 0; i < CMDI_COUNT; i++)
		if (!strcmp(cli_commands[i].name, name))
			return (int)i;
	return -1;
}

/*
 * The trace generator's environment: TRACE_INTERVAL_MIN/MAX seconds between
 * traces, uniform. Without --interval (or OTELSIM_INTERVAL) they give the
 * interval their mean and a jitter of half their spread: each start moves
 * later by up to (max - min) / 2, so the time between two starts stays
 * within [min, max] around the mean. A missing one takes the trace
 * generator's default (0.5, 2.0).
 */
static int trace_interval_env(struct cli *c)
{
	static const char *const names[2] = { "TRACE_INTERVAL_MIN", "TRACE_INTERVAL_MAX" };
	int64_t ns[2] = { 500000000, 2000000000 };
	bool any = false;

	if (!(c->cmd_bit & CMD_GEN) || opt_source(&table, &c->parsed, "interval"))
		return 0;
	for (int i = 0; i < 2; i++) {
		const char *v = getenv(names[i]);

		if (!v || !*v)
			continue;
		any = true;
		if (v[0] == '-' || duration_parse(v, 1000000000, &ns[i]) ||
		    ns[i] > MAX_INTERVAL_NS) {
			cli_usage_error(c,
					"%s (environment): expected seconds between traces, like "
					"0.5 or 2 (at most a year), got '%s'",
					names[i], v);
			return EXIT_USAGE;
		}
	}
	if (!any)
		return 0;
	if (ns[0] > ns[1]) {
		cli_usage_error(c, "TRACE_INTERVAL_MIN (environment) is above TRACE_INTERVAL_MAX");
		return EXIT_USAGE;
	}
	c->ro.interval_set = true;
	c->ro.interval_ns = ns[0] + (ns[1] - ns[0]) / 2;
	c->ro.jitter_set = true;
	c->ro.jitter_ns = (ns[1] - ns[0]) / 2;
	return 0;
}

/* Split a comma-separated variable: its items (trimmed), malloc'd; NULL on memory. */
static char **split_env(const char *v, size_t *n)
{
	size_t cap = 1, k = 0;
	char **out;

	for (const char *p = v; *p; p++)
		cap += *p == ',';
	out = calloc(cap, sizeof(*out));
	if (!out)
		return NULL;
	for (const char *p = v;; p++) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		out[k] = strndup(p, len);
		if (!out[k]) {
			for (size_t i = 0; i < k; i++)
				free(out[i]);
			free(out);
			return NULL;
		}
		k++;
		if (!e)
			break;
		p = e;
	}
	*n = k;
	return out;
}

static int tenant_weights_env(struct cli *c, const char *idvar)
{
	const char *v = getenv("TELEMETRY_TENANT_WEIGHTS");
	char **w;
	size_t n = 0;
	double total = 0;
	int rc = 0;

	if (!v || !*v)
		return 0;
	if (!c->ntenants) {
		cli_usage_error(c, "TELEMETRY_TENANT_WEIGHTS (environment) weighs the tenants of "
				   "TELEMETRY_TENANT_UUIDS, which is not set");
		return EXIT_USAGE;
	}
	if (!(w = split_env(v, &n)) || !(c->tenant_weights = calloc(n, sizeof(double)))) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		rc = EXIT_RUNTIME;
	} else if (n != c->ntenants) {
		cli_usage_error(
			c,
			"TELEMETRY_TENANT_WEIGHTS (environment) has %zu weight%s for the %zu "
			"tenant%s of %s",
			n, n == 1 ? "" : "s", c->ntenants, c->ntenants == 1 ? "" : "s", idvar);
		rc = EXIT_USAGE;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		struct value d;

		if (!value_from_text(w[i], strlen(w[i]), VAL_DOUBLE, &d) || !(d.u.d >= 0) ||
		    d.u.d > 1e12) {
			cli_usage_error(
				c,
				"TELEMETRY_TENANT_WEIGHTS (environment): weight %zu must be "
				"a number from 0 to 10^12, got '%s'",
				i + 1, w[i]);
			rc = EXIT_USAGE;
		} else {
			c->tenant_weights[i] = d.u.d;
			total += d.u.d;
		}
	}
	if (!rc && !(total > 0)) {
		cli_usage_error(c, "TELEMETRY_TENANT_WEIGHTS (environment): the weights must not "
				   "all be 0");
		rc = EXIT_USAGE;
	}
	for (size_t i = 0; w && i < n; i++)
		free(w[i]);
	free(w);
	return rc;
}

/*
 * Seed 001's tenants: TELEMETRY_TENANT_UUIDS (with TELEMETRY_TENANT_WEIGHTS),
 * else TENANT_UUID; ids separated by commas. They win over every
 * session's context.tenant.
 */
static int tenant_env(struct cli *c)
{
	const char *idvar = "TELEMETRY_TENANT_UUIDS";
	const char *v = getenv(idvar);

	if (!(c->cmd_bit & CMD_LOADS))
		return 0;
	if (!v || !*v) {
		idvar = "TENANT_UUID";
		v = getenv(idvar);
	}
	if (v && *v) {
		c->tenant_ids = split_env(v, &c->ntenants);
		if (!c->tenant_ids) {
			fprintf(stderr, "%s: out of memory\n", c->prog);
			return EXIT_RUNTIME;
		}
		for (size_t i = 0; i < c->ntenants; i++)
			if (!*c->tenant_ids[i]) {
				cli_usage_error(c,
						"%s (environment): tenant id %zu of %zu is empty",
						idvar, i + 1, c->ntenants);
				return EXIT_USAGE;
			}
	}
	return tenant_weights_env(c, idvar);
}

/* Options that would do nothing, or contradict each other: mistakes worth saying. */
static int check_combinations(struct cli *c)
{
	const struct opt_parsed *p = &c->parsed;

	if ((c->cmd_bit & CMD_SEND) && !c->endpoint &&
	    (opt_source(&table, p, "protocol") || opt_source(&table, p, "header"))) {
		cli_usage_error(c, "--%s applies when sending: add --endpoint URL",
				opt_source(&table, p, "protocol") ? "protocol" : "header");
		return EXIT_USAGE;
	}
	if (c->ro.count_set && !c->ro.count && c->endpoint && c->out_set) {
		cli_usage_error(c, "--count 0 sends until stopped: files would never be complete "
				   "(leave out --out, or give a count)");
		return EXIT_USAGE;
	}
	if (c->endpoint && c->ro.shard_count > 1) {
		cli_usage_error(c, "--shard splits files between machines; with --endpoint each "
				   "machine sends its own stream: leave out --shard (and give each "
				   "machine its own --seed)");
		return EXIT_USAGE;
	}
	/* OTELSIM_FRAMING is a default for protobuf runs: JSON runs ignore it */
	if (opt_source(&table, p, "framing") == OPT_FROM_FLAG &&
	    c->ro.format != OTELSIM_FORMAT_OTLP) {
		cli_usage_error(c,
				"--framing applies to --format otlp (OTLP/JSON lines need none)");
		return EXIT_USAGE;
	}
	return 0;
}

int cli_parse(struct cli *c, int argc, char **argv)
{
	struct otelsim_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	/* installed under the earlier simulator's name too: its messages say so */
	c->prog = argc > 0 && argv[0] &&
				  (!strcmp(argv[0], "telemetry-simulator") ||
				   (strlen(argv[0]) > 20 && !strcmp(argv[0] + strlen(argv[0]) - 20,
								    "/telemetry-simulator")))
			  ? "telemetry-simulator"
		  : argc > 0 && argv[0] &&
				  (!strcmp(argv[0], "dreamweaver") ||
				   (strlen(argv[0]) > 12 &&
				    !strcmp(argv[0] + strlen(argv[0]) - 12, "/dreamweaver")))
			  ? "dreamweaver"
			  : "otelsim";
	c->limit = 20;
	c->sample_traces = 2000;
	c->sample_logs = 5000;
	rc = opt_parse(&table, argc, argv, c, &c->parsed, &err);
	if (c->parsed.cmd >= 0) {
		c->cmd = cli_commands[c->parsed.cmd].name;
		c->cmd_bit = 1u << c->parsed.cmd;
	}
	c->args = c->parsed.args;
	c->nargs = c->parsed.nargs;
	c->help = c->parsed.help;
	if (rc) {
		if (rc == OTELSIM_EUSAGE) {
			cli_usage_error(c, "%s", err.message);
			return EXIT_USAGE;
		}
		return cli_fail(c, &err);
	}
	if (c->parsed.version && !c->help) {
		printf("otelsim %s\n", OTELSIM_VERSION);
		return -1;
	}
	if (c->help)
		return 0;
	if ((rc = check_combinations(c)) || (rc = trace_interval_env(c)) || (rc = tenant_env(c)))
		return rc;
	if (!c->ro.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c->ro.threads = n > 0 ? (unsigned)(n > 64 ? 64 : n) : 1;
	}
	return 0;
}

void cli_release(struct cli *c)
{
	for (size_t i = 0; i < c->ntenants; i++)
		free(c->tenant_ids[i]);
	free(c->tenant_ids);
	free(c->tenant_weights);
	c->tenant_ids = NULL;
	c->tenant_weights = NULL;
	c->ntenants = 0;
	opt_release(&table, c, &c->parsed);
	c->args = NULL;
	c->nargs = 0;
}
