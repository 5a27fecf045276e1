/*
 * otlp-replay's options, once: a table that parses (--opt value and
 * --opt=value), suggests close names for unknown ones, and prints --help.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelsim/version.h"
#include "read/reader.h"
#include "read/split.h"
#include "replay.h"
#include "util/error.h"
#include "util/text.h"
#include "util/timefmt.h"

enum opt_id {
	O_ENDPOINT,
	O_TRACES_ENDPOINT,
	O_METRICS_ENDPOINT,
	O_LOGS_ENDPOINT,
	O_PROTOCOL,
	O_HEADER,
	O_COMPRESSION,
	O_GZIP,
	O_TIMEOUT,
	O_CACERT,
	O_CERT,
	O_KEY,
	O_INSECURE,
	O_CONCURRENCY,
	O_RETRY_MAX,
	O_RATE,
	O_SPEED,
	O_TIME_SHIFT,
	O_NEW_IDS,
	O_SEED,
	O_LOOP,
	O_MAX_BYTES,
	O_MAX_ITEMS,
	O_FRAMING,
	O_RESUME,
	O_SUMMARY_JSON,
	O_DRY_RUN,
	O_PROGRESS,
	O_NO_PROGRESS,
	O_QUIET,
	O_NO_VERIFY,
	O_HELP,
	O_VERSION
};

struct opt_def {
	int id;
	const char *name;
	const char *arg;  /* NULL: a flag */
	const char *help; /* what it does and its default */
	const char *env;  /* the environment variable it overrides, or NULL */
};

static const struct opt_def opts[] = {
	{ O_ENDPOINT, "endpoint", "URL",
	  "OTLP endpoint: http://h:p, https://h:p, grpc://h:p (grpc in clear text) or h:p "
	  "(http, or for grpc TLS unless OTEL_EXPORTER_OTLP_INSECURE=true); /v1/traces etc. "
	  "is added, a /v1/traces already there is replaced. Without a port, h and grpc://h "
	  "use 4317 (grpc) or 4318 (http), http:// and https:// their usual 80 and 443 "
	  "(default http://localhost:4318, or :4317 for grpc)",
	  "OTEL_EXPORTER_OTLP_ENDPOINT, OTLP_HTTP_ENDPOINT" },
	{ O_TRACES_ENDPOINT, "traces-endpoint", "URL", "full URL for traces, used as is",
	  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" },
	{ O_METRICS_ENDPOINT, "metrics-endpoint", "URL", "full URL for metrics, used as is",
	  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" },
	{ O_LOGS_ENDPOINT, "logs-endpoint", "URL", "full URL for logs (and events), used as is",
	  "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" },
	{ O_PROTOCOL, "protocol", "P",
	  "http/protobuf (default), http/json or grpc; files are converted when their "
	  "encoding differs",
	  "OTEL_EXPORTER_OTLP_PROTOCOL" },
	{ O_HEADER, "header", "'K: V'", "request header (repeatable); values are never printed",
	  "OTEL_EXPORTER_OTLP_HEADERS (k1=v1,k2=v2)" },
	{ O_COMPRESSION, "compression", "C", "gzip or none (default): request body compression",
	  "OTEL_EXPORTER_OTLP_COMPRESSION" },
	{ O_GZIP, "gzip", NULL, "same as --compression gzip", NULL },
	{ O_TIMEOUT, "timeout", "DUR",
	  "per attempt: 10s, 500ms, or bare milliseconds (default 10s)",
	  "OTEL_EXPORTER_OTLP_TIMEOUT (ms)" },
	{ O_CACERT, "cacert", "FILE", "CA certificates (PEM) to verify the server with",
	  "OTEL_EXPORTER_OTLP_CERTIFICATE" },
	{ O_CERT, "cert", "FILE", "client certificate (PEM), for mutual TLS",
	  "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE" },
	{ O_KEY, "key", "FILE", "client private key (PEM)", "OTEL_EXPORTER_OTLP_CLIENT_KEY" },
	{ O_INSECURE, "insecure", NULL,
	  "do not verify the server's TLS certificate (OTEL_EXPORTER_OTLP_INSECURE=true "
	  "never does that: it only makes a grpc h:p clear text)",
	  NULL },
	{ O_CONCURRENCY, "concurrency", "N", "requests in flight (default 4)", NULL },
	{ O_RETRY_MAX, "retry-max-elapsed", "DUR",
	  "give up retrying a request this long after its first attempt: 5m, 30s, 500ms, or "
	  "a bare number of seconds as curl's --retry-max-time (default 5m; 0: no retries); "
	  "an endpoint still failing then stops the replay (--retry-max-time is an alias)",
	  NULL },
	{ O_RETRY_MAX, "retry-max-time", "DUR", NULL, NULL }, /* the older name */
	{ O_RATE, "rate", "N[/s]",
	  "send N items (spans, data points, log records) per second, evenly", NULL },
	{ O_SPEED, "speed", "X",
	  "keep the original pace from the timestamps, X times faster (1 = real time)", NULL },
	{ O_TIME_SHIFT, "time-shift", "auto|none|DUR",
	  "auto (default): the earliest timestamp becomes now; none; or a signed duration "
	  "like -2h or 90s added to every timestamp",
	  NULL },
	{ O_NEW_IDS, "new-ids", NULL,
	  "fresh trace and span ids on each pass, consistent across spans, parents, links, "
	  "logs and exemplars",
	  NULL },
	{ O_SEED, "seed", "N", "seed of the new ids (default: from the clock)", NULL },
	{ O_LOOP, "loop", "N",
	  "replay N times (0: forever), each pass with shifted time and new ids (default 1)",
	  NULL },
	{ O_MAX_BYTES, "max-request-bytes", "SIZE",
	  "largest request body, 1KiB to 2GiB: bytes, or with K/M/KiB/MiB (default 4MiB)", NULL },
	{ O_MAX_ITEMS, "max-items", "N",
	  "most items per request (default: the manifest's batch_size, else no limit)", NULL },
	{ O_FRAMING, "framing", "F", "auto (default: detect), be32, varint, single or json", NULL },
	{ O_RESUME, "resume", "STATE",
	  "record progress in STATE; run the same command again to send only the rest", NULL },
	{ O_SUMMARY_JSON, "summary-json", "FILE", "also write the final summary as JSON", NULL },
	{ O_DRY_RUN, "dry-run", NULL, "read, transform, encode and count; send nothing", NULL },
	{ O_PROGRESS, "progress", NULL, "show the progress bar even when stderr is not a terminal",
	  NULL },
	{ O_NO_PROGRESS, "no-progress", NULL, "never show the progress bar", NULL },
	{ O_QUIET, "quiet", NULL, "no progress bar and no summary line (errors still go to stderr)",
	  NULL },
	{ O_NO_VERIFY, "no-verify", NULL, "do not check files against the manifest's SHA-256",
	  NULL },
	{ O_HELP, "help", NULL, "this help", NULL },
	{ O_VERSION, "version", NULL, "print the version", NULL },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* "  --opt ARG   text..." with the text wrapped at 79 columns under itself. */
static void print_wrapped(const char *left, const char *text)
{
	const int col = 30, width = 79;
	int pos;

	pos = printf("  %-*s", col - 2, left);
	if (pos > col) {
		printf("\n%*s", col, "");
		pos = col;
	}
	while (*text) {
		size_t w = strcspn(text, " ");

		if (pos > col && pos + 1 + (int)w > width) {
			printf("\n%*s", col, "");
			pos = col;
		} else if (pos > col) {
			putchar(' ');
			pos++;
		}
		printf("%.*s", (int)w, text);
		pos += (int)w;
		text += w;
		while (*text == ' ')
			text++;
	}
	putchar('\n');
}

static void help(void)
{
	printf("usage: otlp-replay [OPTIONS] FILE|DIR|- ...\n\n"
	       "Post OTLP files to an OTLP endpoint: otelsim's datasets, the OpenTelemetry\n"
	       "Collector's file exporter output, or OTLP/JSON written by hand.\n\n"
	       "Inputs: files, folders (recursively: *.binpb, *.pb, *.jsonl, *.json, each\n"
	       "optionally .gz or .zst) and - for standard input. Compression (gzip, zstd),\n"
	       "framing (4-byte big-endian, varint, single message, JSON) and the signal are\n"
	       "detected from the content. A folder with otelsim's manifest.json is checked\n"
	       "against its SHA-256s first and gives the defaults for --endpoint, --protocol\n"
	       "and --max-items (after flags and the environment); it gives its endpoint only\n"
	       "when the protocol in effect uses the same transport as its protocol (http/*\n"
	       "or grpc), so --protocol grpc goes to grpc's default, localhost:4317.\n\n"
	       "Options (--opt value or --opt=value; flags beat environment variables):\n");
	for (size_t i = 0; i < NOPTS; i++) {
		char left[64];

		if (!opts[i].help)
			continue; /* an alias, named in its option's help */
		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		print_wrapped(left, opts[i].help);
		if (opts[i].env) {
			char env[160];

			snprintf(env, sizeof(env), "env: %s", opts[i].env);
			print_wrapped("", env);
		}
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

static int parse_positive_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || !isfinite(v) || v > 1e12)
		return -1;
	*out = v;
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

static const struct opt_def *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static int add_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -1;
	(*n)++;
	return 0;
}

static int apply(struct replay_options *o, const struct opt_def *d, const char *v,
		 struct otelsim_error *err)
{
	int64_t ns;
	uint64_t u;

	if (d->arg && !v) {
		error_set(err, OTELSIM_EUSAGE, "--%s needs a value (%s)", d->name, d->arg);
		return OTELSIM_EUSAGE;
	}
	if (!v)
		v = ""; /* flags take none */
	switch (d->id) {
	case O_ENDPOINT:
		o->net.endpoint = v;
		break;
	case O_TRACES_ENDPOINT:
		o->net.signal_endpoint[0] = v;
		break;
	case O_METRICS_ENDPOINT:
		o->net.signal_endpoint[1] = v;
		break;
	case O_LOGS_ENDPOINT:
		o->net.signal_endpoint[2] = v;
		break;
	case O_PROTOCOL:
		o->net.protocol = v;
		break;
	case O_HEADER: {
		size_t n = o->net.nheaders;

		if (!strchr(v, ':'))
			return error_set(err, OTELSIM_EUSAGE, "--header needs 'Name: value'");
		if (add_str(&o->headers, &n, v))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		o->net.headers = (const char *const *)o->headers;
		o->net.nheaders = n;
		break;
	}
	case O_COMPRESSION:
		o->net.compression = v;
		break;
	case O_GZIP:
		o->net.compression = "gzip";
		break;
	case O_TIMEOUT:
		if (duration_parse(v, 1000000, &ns) || ns <= 0 || ns / 1000000 > 86400000)
			return error_set(err, OTELSIM_EUSAGE,
					 "--timeout: '%s' is not a duration like 10s or 500ms", v);
		o->net.timeout_ms = ns / 1000000 ? ns / 1000000 : 1;
		break;
	case O_CACERT:
		o->net.cacert = v;
		break;
	case O_CERT:
		o->net.cert = v;
		break;
	case O_KEY:
		o->net.key = v;
		break;
	case O_INSECURE:
		o->net.insecure = true;
		break;
	case O_CONCURRENCY:
		if (parse_u64(v, 1024, &u) || u == 0)
			return error_set(err, OTELSIM_EUSAGE,
					 "--concurrency: '%s' is not a number from 1 to 1024", v);
		o->concurrency = (unsigned)u;
		break;
	case O_RETRY_MAX:
		/* a bare number is seconds, as curl's --retry-max-time reads it */
		if (duration_parse(v, 1000000000, &ns) || ns < 0)
			return error_set(err, OTELSIM_EUSAGE,
					 "--%s: '%s' is not a duration like 5m, 30s or 500ms (a "
					 "bare number is seconds)",
					 d->name, v);
		o->retry_max_elapsed_ms = ns / 1000000;
		break;
	case O_RATE: {
		/* "N" or "N/s", as the issue and the help write it */
		size_t n = strlen(v);
		char num[64];

		if (n > 2 && n < sizeof(num) && strcmp(v + n - 2, "/s") == 0) {
			memcpy(num, v, n - 2);
			num[n - 2] = '\0';
		} else {
			snprintf(num, sizeof(num), "%s", n < sizeof(num) ? v : "");
		}
		if (parse_positive_double(num, &o->rate))
			return error_set(
				err, OTELSIM_EUSAGE,
				"--rate: '%s' is not a positive number of items per second (N or "
				"N/s)",
				v);
		break;
	}
	case O_SPEED:
		if (parse_positive_double(v, &o->speed))
			return error_set(err, OTELSIM_EUSAGE,
					 "--speed: '%s' is not a positive factor like 1 or 10", v);
		break;
	case O_TIME_SHIFT:
		o->shift_text = v;
		if (strcmp(v, "auto") == 0) {
			o->shift_mode = SHIFT_AUTO;
		} else if (strcmp(v, "none") == 0) {
			o->shift_mode = SHIFT_NONE;
		} else {
			bool neg = v[0] == '-';
			const char *s = (v[0] == '-' || v[0] == '+') ? v + 1 : v;

			if (duration_parse(s, 1000000000, &ns))
				return error_set(err, OTELSIM_EUSAGE,
						 "--time-shift: '%s' is not auto, none or a "
						 "duration like -2h or 90s",
						 v);
			o->shift_mode = SHIFT_BY;
			o->shift_ns = neg ? -ns : ns;
		}
		break;
	case O_NEW_IDS:
		o->new_ids = true;
		break;
	case O_SEED:
		if (parse_u64(v, UINT64_MAX, &o->seed))
			return error_set(err, OTELSIM_EUSAGE, "--seed: '%s' is not a whole number",
					 v);
		o->seed_set = true;
		break;
	case O_LOOP:
		if (parse_u64(v, UINT64_MAX, &o->loop))
			return error_set(err, OTELSIM_EUSAGE,
					 "--loop: '%s' is not a whole number (0: forever)", v);
		break;
	case O_MAX_BYTES:
		if (parse_size(v, &u))
			return error_set(err, OTELSIM_EUSAGE,
					 "--max-request-bytes: '%s' is not a size like 4MiB, "
					 "512KiB or 100000",
					 v);
		if (u < 1024)
			return error_set(err, OTELSIM_EUSAGE,
					 "--max-request-bytes: '%s' is too small (the minimum is "
					 "1KiB, 1024 bytes)",
					 v);
		if (u > ((uint64_t)1 << 31))
			return error_set(err, OTELSIM_EUSAGE,
					 "--max-request-bytes: '%s' is too large (the maximum is "
					 "2GiB)",
					 v);
		o->max_request_bytes = u;
		break;
	case O_MAX_ITEMS:
		if (parse_u64(v, 1000000000, &o->max_items) || o->max_items == 0)
			return error_set(err, OTELSIM_EUSAGE,
					 "--max-items: '%s' is not a number from 1 to 10^9", v);
		o->max_items_set = true;
		break;
	case O_FRAMING:
		o->framing = read_framing_parse(v);
		if (o->framing < 0)
			return error_set(
				err, OTELSIM_EUSAGE,
				"--framing: '%s' is not auto, be32, varint, single or json", v);
		break;
	case O_RESUME:
		o->resume = v;
		break;
	case O_SUMMARY_JSON:
		o->summary_json = v;
		break;
	case O_DRY_RUN:
		o->dry_run = true;
		break;
	case O_PROGRESS:
		o->progress = 1;
		break;
	case O_NO_PROGRESS:
		o->progress = 0;
		break;
	case O_QUIET:
		o->quiet = true;
		break;
	case O_NO_VERIFY:
		o->verify = false;
		break;
	case O_HELP:
		help();
		return 1;
	case O_VERSION:
		printf("otlp-replay %s\n", OTELSIM_VERSION);
		return 1;
	}
	return 0;
}

static int unknown(const char *name, size_t len, struct otelsim_error *err)
{
	char given[64];
	const char *best = NULL;
	size_t bestd = 4;

	snprintf(given, sizeof(given), "%.*s", (int)(len < 60 ? len : 60), name);
	for (size_t i = 0; i < NOPTS; i++) {
		size_t d = edit_distance(given, opts[i].name, 3);

		if (d < bestd) {
			bestd = d;
			best = opts[i].name;
		}
	}
	if (best)
		return error_set(err, OTELSIM_EUSAGE,
				 "unknown option '--%s' (did you mean '--%s'?)", given, best);
	return error_set(err, OTELSIM_EUSAGE, "unknown option '--%s' (see --help)", given);
}

int options_parse(struct replay_options *o, int argc, char **argv, struct otelsim_error *err)
{
	bool only_inputs = false;
	int rc;

	memset(o, 0, sizeof(*o));
	o->concurrency = 4;
	o->retry_max_elapsed_ms = -1;
	o->loop = 1;
	o->max_request_bytes = SPLIT_MAX_BYTES_DEFAULT;
	o->progress = -1;
	o->verify = true;
	o->shift_text = "auto";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		const struct opt_def *d;

		if (only_inputs || a[0] != '-' || strcmp(a, "-") == 0) {
			if (add_str(&o->inputs, &o->ninputs, a))
				return error_set(err, OTELSIM_ENOMEM, "out of memory");
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_inputs = true;
			continue;
		}
		if (a[1] != '-') {
			if (strcmp(a, "-h") == 0)
				return apply(o, find_opt("help", 4), NULL, err);
			return error_set(err, OTELSIM_EUSAGE,
					 "unknown option '%s' (options start with --; see --help)",
					 a);
		}
		a += 2;
		eq = strchr(a, '=');
		d = find_opt(a, eq ? (size_t)(eq - a) : strlen(a));
		if (!d)
			return unknown(a, eq ? (size_t)(eq - a) : strlen(a), err);
		if (d->arg) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return error_set(err, OTELSIM_EUSAGE, "--%s needs a value (%s)",
						 d->name, d->arg);
			}
		} else if (eq) {
			return error_set(err, OTELSIM_EUSAGE, "--%s takes no value", d->name);
		}
		rc = apply(o, d, val, err);
		if (rc)
			return rc;
	}
	if (o->ninputs == 0)
		return error_set(err, OTELSIM_EUSAGE,
				 "no input: give files, folders or - (see --help)");
	if (o->rate > 0 && o->speed > 0)
		return error_set(err, OTELSIM_EUSAGE,
				 "--rate and --speed are two different paces: choose one");
	for (size_t i = 0; i < o->ninputs; i++) {
		if (strcmp(o->inputs[i], "-") == 0 && (o->loop != 1 || o->resume))
			return error_set(err, OTELSIM_EUSAGE,
					 "standard input can be read only once: no --loop or "
					 "--resume with -");
	}
	return 0;
}

void options_release(struct replay_options *o)
{
	for (size_t i = 0; i < o->ninputs; i++)
		free(o->inputs[i]);
	free(o->inputs);
	for (size_t i = 0; o->headers && i < o->net.nheaders; i++)
		free(o->headers[i]);
	free(o->headers);
	memset(o, 0, sizeof(*o));
}
