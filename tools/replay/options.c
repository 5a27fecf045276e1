/*
 * otlp-replay's options, once: one row each (util/parseopt.h), which
 * parses them, suggests close names for unknown ones and prints --help.
 * Adding an option is adding a row (and a field of struct replay_options;
 * a parse function above the table when no value type fits). The
 * OTEL_EXPORTER_OTLP_* variables of the rows are read by net/endpoint.c,
 * which decides the endpoint's precedence.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelsim/version.h"
#include "read/reader.h"
#include "replay.h"
#include "util/error.h"
#include "util/parseopt.h"
#include "util/text.h"
#include "util/timefmt.h"

#define AT(field) OPT_AT(struct replay_options, field)

/* ---- values no plain type reads ---- */

static int parse_timeout(const struct opt_def *d, const char *v, void *target, const char *src,
			 struct otelsim_error *err)
{
	int64_t ns;

	(void)d, (void)src, (void)err;
	if (duration_parse(v, 1000000, &ns) || ns <= 0 || ns / 1000000 > 86400000)
		return OPT_BAD;
	((struct replay_options *)target)->r.net.timeout_ms = ns / 1000000 ? ns / 1000000 : 1;
	return 0;
}

/* a bare number is seconds, as curl's --retry-max-time reads it */
static int parse_retry_max(const struct opt_def *d, const char *v, void *target, const char *src,
			   struct otelsim_error *err)
{
	int64_t ns;

	(void)d, (void)src, (void)err;
	if (duration_parse(v, 1000000000, &ns) || ns < 0)
		return OPT_BAD;
	((struct replay_options *)target)->r.retry_max_elapsed_ms = ns / 1000000;
	return 0;
}

/* "N" or "N/s", as the help writes it: a number of the table's --speed kind */
static int parse_rate(const struct opt_def *d, const char *v, void *target, const char *src,
		      struct otelsim_error *err)
{
	struct replay_config *o = &((struct replay_options *)target)->r;
	size_t n = strlen(v);
	char num[64];
	char *end;

	(void)d, (void)src, (void)err;
	if (n > 2 && n < sizeof(num) && strcmp(v + n - 2, "/s") == 0) {
		memcpy(num, v, n - 2);
		num[n - 2] = '\0';
	} else {
		snprintf(num, sizeof(num), "%s", n < sizeof(num) ? v : "");
	}
	errno = 0;
	o->rate = strtod_l(num, &end, util_c_locale());
	if (!num[0] || errno || *end || !(o->rate > 0) || !isfinite(o->rate) || o->rate > 1e12) {
		o->rate = 0;
		return OPT_BAD;
	}
	return 0;
}

static int parse_time_shift(const struct opt_def *d, const char *v, void *target, const char *src,
			    struct otelsim_error *err)
{
	struct replay_config *o = &((struct replay_options *)target)->r;
	bool neg = v[0] == '-';
	const char *s = (v[0] == '-' || v[0] == '+') ? v + 1 : v;
	int64_t ns;

	(void)d, (void)src, (void)err;
	o->shift_text = v;
	if (strcmp(v, "auto") == 0) {
		o->shift_mode = REPLAY_SHIFT_AUTO;
	} else if (strcmp(v, "none") == 0) {
		o->shift_mode = REPLAY_SHIFT_NONE;
	} else {
		if (duration_parse(s, 1000000000, &ns))
			return OPT_BAD;
		o->shift_mode = REPLAY_SHIFT_BY;
		o->shift_ns = neg ? -ns : ns;
	}
	return 0;
}

/* "4MiB", "512k", "1000000" -> bytes */
static int parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = { { "KiB", 1024 },     { "MiB", 1024 * 1024 }, { "GiB", 1024 * 1024 * 1024 },
		      { "K", 1000 },       { "k", 1000 },          { "KB", 1000 },
		      { "kB", 1000 },      { "M", 1000000 },       { "MB", 1000000 },
		      { "G", 1000000000 }, { "GB", 1000000000 },   { "B", 1 } };
	char num[32];
	size_t n = 0;
	uint64_t v, mult = 1;

	if (!s)
		return -1;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (s[n]) {
		size_t k;

		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strcmp(s + n, units[k].suffix) == 0)
				break;
		if (k == sizeof(units) / sizeof(units[0]))
			return -1;
		mult = units[k].mult;
	}
	if (parse_u64(num, UINT64_MAX / mult, &v))
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_max_bytes(const struct opt_def *d, const char *v, void *target, const char *src,
			   struct otelsim_error *err)
{
	uint64_t u;

	(void)d;
	if (parse_size(v, &u))
		return OPT_BAD;
	if (u < 1024)
		return error_set(err, OTELSIM_EUSAGE,
				 "%s: '%s' is too small (the minimum is 1KiB, 1024 bytes)", src, v);
	if (u > ((uint64_t)1 << 31))
		return error_set(err, OTELSIM_EUSAGE, "%s: '%s' is too large (the maximum is 2GiB)",
				 src, v);
	((struct replay_options *)target)->r.max_request_bytes = u;
	return 0;
}

static int parse_framing(const struct opt_def *d, const char *v, void *target, const char *src,
			 struct otelsim_error *err)
{
	int f = read_framing_parse(v);

	(void)d, (void)src, (void)err;
	if (f < 0)
		return OPT_BAD;
	((struct replay_options *)target)->r.framing = f;
	return 0;
}

/* ---- the table ---- */

static const struct opt_def opts[] = {
	{ .name = "endpoint",
	  .arg = "URL",
	  .type = OPT_STR,
	  .at = AT(r.net.endpoint),
	  .env = { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTLP_HTTP_ENDPOINT" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "OTLP endpoint: http://h:p, https://h:p, grpc://h:p (grpc in clear text) or h:p "
		  "(http, or for grpc TLS unless OTEL_EXPORTER_OTLP_INSECURE=true); /v1/traces "
		  "etc. "
		  "is added, a /v1/traces already there is replaced. Without a port, h and "
		  "grpc://h "
		  "use 4317 (grpc) or 4318 (http), http:// and https:// their usual 80 and 443 "
		  "(default http://localhost:4318, or :4317 for grpc)" },
	{ .name = "traces-endpoint",
	  .arg = "URL",
	  .type = OPT_STR,
	  .at = AT(r.net.signal_endpoint[0]),
	  .env = { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "full URL for traces, used as is" },
	{ .name = "metrics-endpoint",
	  .arg = "URL",
	  .type = OPT_STR,
	  .at = AT(r.net.signal_endpoint[1]),
	  .env = { "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "full URL for metrics, used as is" },
	{ .name = "logs-endpoint",
	  .arg = "URL",
	  .type = OPT_STR,
	  .at = AT(r.net.signal_endpoint[2]),
	  .env = { "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "full URL for logs (and events), used as is" },
	{ .name = "protocol",
	  .arg = "P",
	  .type = OPT_STR,
	  .at = AT(r.net.protocol),
	  .env = { "OTEL_EXPORTER_OTLP_PROTOCOL" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "http/protobuf (default), http/json or grpc; files are converted when their "
		  "encoding differs" },
	{ .name = "header",
	  .arg = "'K: V'",
	  .type = OPT_LIST,
	  .at = AT(headers),
	  .flags = OPTF_COLON | OPTF_ENV_ELSEWHERE,
	  .env = { "OTEL_EXPORTER_OTLP_HEADERS" },
	  .help = "request header (repeatable; the variable holds k1=v1,k2=v2); values are never "
		  "printed",
	  .expect = "'Name: value'" },
	{ .name = "compression",
	  .arg = "C",
	  .type = OPT_STR,
	  .at = AT(r.net.compression),
	  .env = { "OTEL_EXPORTER_OTLP_COMPRESSION" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "gzip or none (default): request body compression" },
	{ .name = "gzip",
	  .type = OPT_STR_SET,
	  .text = "gzip",
	  .at = AT(r.net.compression),
	  .help = "same as --compression gzip" },
	{ .name = "timeout",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_timeout,
	  .env = { "OTEL_EXPORTER_OTLP_TIMEOUT" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "per attempt: 10s, 500ms, or bare milliseconds (the variable: milliseconds; "
		  "default 10s)",
	  .expect = "a duration like 10s or 500ms" },
	{ .name = "cacert",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(r.net.cacert),
	  .env = { "OTEL_EXPORTER_OTLP_CERTIFICATE" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "CA certificates (PEM) to verify the server with" },
	{ .name = "cert",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(r.net.cert),
	  .env = { "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "client certificate (PEM), for mutual TLS" },
	{ .name = "key",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(r.net.key),
	  .env = { "OTEL_EXPORTER_OTLP_CLIENT_KEY" },
	  .flags = OPTF_ENV_ELSEWHERE,
	  .help = "client private key (PEM)" },
	{ .name = "insecure",
	  .type = OPT_TRUE,
	  .at = AT(r.net.insecure),
	  .help = "do not verify the server's TLS certificate (OTEL_EXPORTER_OTLP_INSECURE=true "
		  "never does that: it only makes a grpc h:p clear text)" },
	{ .env = { "OTEL_EXPORTER_OTLP_INSECURE" },
	  .help = "true: a grpc endpoint given as h:p is clear text (not TLS)" },
	{ .name = "concurrency",
	  .arg = "N",
	  .type = OPT_UNSIGNED,
	  .at = AT(r.concurrency),
	  .min = 1,
	  .max = 1024,
	  .help = "requests in flight (default 4)",
	  .expect = "a number from 1 to 1024" },
	{ .name = "retry-max-elapsed",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_retry_max,
	  .at = AT(r.retry_max_elapsed_ms),
	  .help = "give up retrying a request this long after its first attempt: 5m, 30s, 500ms, "
		  "or a bare number of seconds as curl's --retry-max-time (default 5m; 0: no "
		  "retries); an endpoint still failing then stops the replay (--retry-max-time is "
		  "an alias)",
	  .expect = "a duration like 5m, 30s or 500ms (a bare number is seconds)" },
	{ .name = "retry-max-time",
	  .arg = "DUR",
	  .type = OPT_FUNC,
	  .parse = parse_retry_max,
	  .at = AT(r.retry_max_elapsed_ms), /* the older name */
	  .expect = "a duration like 5m, 30s or 500ms (a bare number is seconds)" },
	{ .name = "rate",
	  .arg = "N[/s]",
	  .type = OPT_FUNC,
	  .parse = parse_rate,
	  .at = AT(r.rate),
	  .help = "send N items (spans, data points, log records) per second, evenly",
	  .expect = "a positive number of items per second (N or N/s)" },
	{ .name = "speed",
	  .arg = "X",
	  .type = OPT_DOUBLE,
	  .at = AT(r.speed),
	  .help = "keep the original pace from the timestamps, X times faster (1 = real time)",
	  .expect = "a positive factor like 1 or 10" },
	{ .name = "time-shift",
	  .arg = "auto|none|DUR",
	  .type = OPT_FUNC,
	  .parse = parse_time_shift,
	  .help = "auto (default): the earliest timestamp becomes now; none; or a signed duration "
		  "like -2h or 90s added to every timestamp",
	  .expect = "auto, none or a duration like -2h or 90s" },
	{ .name = "new-ids",
	  .type = OPT_TRUE,
	  .at = AT(r.new_ids),
	  .help = "fresh trace and span ids on each pass, consistent across spans, parents, links, "
		  "logs and exemplars" },
	{ .name = "seed",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(r.seed),
	  .set = AT(r.seed_set),
	  .help = "seed of the new ids (default: from the clock)",
	  .expect = "a whole number" },
	{ .name = "loop",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(r.loop),
	  .help = "replay N times (0: forever), each pass with shifted time and new ids (default "
		  "1)",
	  .expect = "a whole number (0: forever)" },
	{ .name = "max-request-bytes",
	  .arg = "SIZE",
	  .type = OPT_FUNC,
	  .parse = parse_max_bytes,
	  .help = "largest request body, 1KiB to 2GiB: bytes, or with K/M/KiB/MiB (default 4MiB)",
	  .expect = "a size like 4MiB, 512KiB or 100000" },
	{ .name = "max-items",
	  .arg = "N",
	  .type = OPT_U64,
	  .at = AT(r.max_items),
	  .min = 1,
	  .max = 1000000000,
	  .set = AT(r.max_items_set),
	  .help = "most items per request (default: the manifest's batch_size, else no limit)",
	  .expect = "a number from 1 to 10^9" },
	{ .name = "framing",
	  .arg = "F",
	  .type = OPT_FUNC,
	  .parse = parse_framing,
	  .help = "auto (default: detect), be32, varint, single, json or ndjson (seed 003's "
		  "flat records)",
	  .expect = "auto, be32, varint, single, json or ndjson" },
	{ .name = "resume",
	  .arg = "STATE",
	  .type = OPT_STR,
	  .at = AT(r.resume),
	  .help = "record progress in STATE; run the same command again to send only the rest" },
	{ .name = "summary-json",
	  .arg = "FILE",
	  .type = OPT_STR,
	  .at = AT(summary_json),
	  .help = "also write the final summary as JSON" },
	{ .name = "dry-run",
	  .type = OPT_TRUE,
	  .at = AT(r.dry_run),
	  .help = "read, transform, encode and count; send nothing" },
	{ .name = "progress",
	  .type = OPT_INT_SET,
	  .num = 1,
	  .at = AT(progress),
	  .help = "show the progress bar even when stderr is not a terminal" },
	{ .name = "no-progress",
	  .type = OPT_INT_SET,
	  .num = 0,
	  .at = AT(progress),
	  .help = "never show the progress bar" },
	{ .name = "quiet",
	  .type = OPT_TRUE,
	  .at = AT(quiet),
	  .help = "no progress bar and no summary line (errors still go to stderr)" },
	{ .name = "allow-truncated",
	  .type = OPT_TRUE,
	  .at = AT(r.allow_truncated),
	  .help = "a file ending inside a record (still being written) is not an error: its "
		  "complete records are sent and the cut is reported" },
	{ .name = "skip-bad-records",
	  .type = OPT_TRUE,
	  .at = AT(r.skip_bad_records),
	  .help = "flat NDJSON: skip a bad line (not a JSON object, a field missing or of "
		  "the wrong type, a timestamp without an offset) and count it, instead of "
		  "stopping with exit status 2" },
	{ .name = "no-verify",
	  .type = OPT_FALSE,
	  .at = AT(r.verify),
	  .help = "do not check files against the manifest's SHA-256" },
	{ .name = "help", .type = OPT_HELP, .help = "this help" },
	{ .name = "version", .type = OPT_VERSION, .help = "print the version" },
};

static const struct opt_table table = { "otlp-replay", opts, sizeof(opts) / sizeof(opts[0]), NULL,
					0 };

static void help(void)
{
	printf("usage: otlp-replay [OPTIONS] FILE|DIR|- ...\n\n"
	       "Post OTLP files to an OTLP endpoint: otelsim's datasets, the OpenTelemetry\n"
	       "Collector's file exporter output, OTLP/JSON written by hand, or seed 003's\n"
	       "flat NDJSON (metrics, logs, traces, events .ndjson), posted as OTLP.\n\n"
	       "Inputs: files, folders (recursively: *.binpb, *.pb, *.jsonl, *.json,\n"
	       "*.ndjson, each optionally .gz or .zst) and - for standard input. Compression\n"
	       "(gzip, zstd), framing (4-byte big-endian, varint, single message, JSON, flat\n"
	       "NDJSON) and the signal are detected from the content. A folder with otelsim's manifest.json is checked\n"
	       "against its SHA-256s first and gives the defaults for --endpoint, --protocol\n"
	       "and --max-items (after flags and the environment); it gives its endpoint only\n"
	       "when the protocol in effect uses the same transport as its protocol (http/*\n"
	       "or grpc), so --protocol grpc goes to grpc's default, localhost:4317.\n\n"
	       "Options (--opt value or --opt=value; flags beat environment variables):\n");
	{
		struct strbuf sb = STRBUF_INIT;

		if (opt_help(&table, 0, &sb) == 0)
			fputs(sb.buf, stdout);
		strbuf_release(&sb);
	}
	printf("\nEvery OTEL_EXPORTER_OTLP_* variable also has a per-signal form\n"
	       "(OTEL_EXPORTER_OTLP_TRACES_HEADERS, ..._METRICS_..., ..._LOGS_...), which\n"
	       "wins over the generic one. OTEL_EXPORTER_OTLP_INSECURE is true only for\n"
	       "'true' (any case); any other value is read as false, with a warning.\n\n"
	       "Pacing: as fast as possible by default (--concurrency requests in flight),\n"
	       "--rate N (or N/s) items per second, or --speed X for the original pace.\n"
	       "Partial success is counted and reported, never retried. Retries (429, 502,\n"
	       "503, 504, connection failures; gRPC UNAVAILABLE and the like) back off\n"
	       "exponentially and honour Retry-After, up to --retry-max-elapsed; an endpoint\n"
	       "still failing then stops the replay, and the summary says how many items\n"
	       "were not sent. Other failures (HTTP 400, gRPC INVALID_ARGUMENT, ...) are\n"
	       "counted as failed and the replay goes on. In the summary, \"sent\" counts\n"
	       "the items of requests the server gave a final answer on (accepted,\n"
	       "rejected or refused).\n\n"
	       "Examples:\n"
	       "  otlp-replay --endpoint http://localhost:4318 fixtures/commerce/checkout_flow\n"
	       "  otlp-replay --endpoint grpc://collector:4317 --gzip traces.binpb.zst\n"
	       "  otlp-replay --speed 10 --new-ids --loop 0 dataset/\n"
	       "  otlp-replay --rate 5000/s --resume state.json big-dataset/\n"
	       "  cat spans.json | otlp-replay --protocol http/json -\n"
	       "  otlp-replay --dry-run --summary-json summary.json dataset/\n\n"
	       "Exit status: 0 when every item was accepted, 1 otherwise (rejected, failed,\n"
	       "endpoint down, manifest mismatch), 2 for bad usage or invalid input.\n");
}

int options_parse(struct replay_options *o, int argc, char **argv, struct otelsim_error *err)
{
	struct replay_config *c = &o->r;
	int rc;

	memset(o, 0, sizeof(*o));
	replay_config_init(c);
	o->progress = -1;
	rc = opt_parse(&table, argc, argv, o, &o->parsed, err);
	c->inputs = o->parsed.args;
	c->ninputs = o->parsed.nargs;
	c->net.headers = (const char *const *)o->headers.v;
	c->net.nheaders = o->headers.n;
	if (rc)
		return rc;
	if (o->parsed.help) {
		help();
		return 1;
	}
	if (o->parsed.version) {
		printf("otlp-replay %s\n", OTELSIM_VERSION);
		return 1;
	}
	if (c->ninputs == 0)
		return error_set(err, OTELSIM_EUSAGE,
				 "no input: give files, folders or - (see --help)");
	if (c->rate > 0 && c->speed > 0)
		return error_set(err, OTELSIM_EUSAGE,
				 "--rate and --speed are two different paces: choose one");
	if (c->dry_run && c->resume)
		return error_set(err, OTELSIM_EUSAGE,
				 "--dry-run sends nothing, so --resume has nothing to record");
	for (size_t i = 0; i < c->ninputs; i++) {
		if (strcmp(c->inputs[i], "-") == 0 && (c->loop != 1 || c->resume))
			return error_set(err, OTELSIM_EUSAGE,
					 "standard input can be read only once: no --loop or "
					 "--resume with -");
	}
	return 0;
}

void options_release(struct replay_options *o)
{
	opt_release(&table, o, &o->parsed);
	memset(o, 0, sizeof(*o));
}
