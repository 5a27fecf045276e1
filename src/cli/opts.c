/*
 * The option table: every otelsim option, once. It parses, applies the
 * environment, checks which command an option belongs to, and prints help.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "load/load.h"
#include "util/rng.h"
#include "util/text.h"
#include "util/timefmt.h"

enum opt_id {
	O_OUT,
	O_FORMAT,
	O_FRAMING,
	O_GZIP,
	O_SEED,
	O_START,
	O_COUNT,
	O_INTERVAL,
	O_SCENARIOS_DIR,
	O_CONFIG,
	O_SEMCONV,
	O_SCHEMA_PATH,
	O_SERVICE_NAME,
	O_VENDOR,
	O_THREADS,
	O_SHARD,
	O_MAX_SPANS,
	O_NAME,
	O_TAGS,
	O_EACH_ONCE,
	O_CATEGORY,
	O_DATASET,
	O_QUIET,
	O_SHOW_SPANS,
	O_SHOW_FULL_SPANS,
	O_ENDPOINT,
	O_PROTOCOL,
	O_HEADER,
	O_TRACE,
	O_LIMIT,
	O_HTML,
	O_FORCE,
	O_SAMPLE_TRACES,
	O_SAMPLE_LOGS,
	O_TITLE,
	O_HELP,
	O_VERSION,
	O_COUNT_OF_OPTIONS
};

struct opt_def {
	int id;
	const char *name;   /* without "--" */
	const char *arg;    /* NULL: a flag */
	const char *env[2]; /* environment variables, first wins */
	unsigned cmds;
	const char *help;
	const char *expect; /* what a valid value looks like, for messages */
};

static const struct opt_def opts[] = {
	{ O_OUT,
	  "out",
	  "DIR",
	  { "OTELSIM_OUT" },
	  CMD_GEN,
	  "where datasets go (default: out)",
	  "a folder" },
	{ O_FORMAT,
	  "format",
	  "FMT",
	  { "OTELSIM_FORMAT" },
	  CMD_GEN,
	  "otlp (protobuf, default) or otlp-json (JSON lines)",
	  "otlp (or protobuf) or otlp-json (or json)" },
	{ O_FRAMING,
	  "framing",
	  "F",
	  { "OTELSIM_FRAMING" },
	  CMD_GEN,
	  "protobuf record framing: be32 (4-byte length, the Collector's; default) or varint",
	  "be32 or varint" },
	{ O_GZIP,
	  "gzip",
	  NULL,
	  { "OTELSIM_GZIP" },
	  CMD_GEN,
	  "gzip the data files (deterministic: no timestamp)" },
	{ O_SEED,
	  "seed",
	  "N",
	  { "OTELSIM_SEED" },
	  CMD_GEN,
	  "random seed: an integer, or any text (hashed); default: the scenario's, else config's",
	  "an integer or a word" },
	{ O_START,
	  "start",
	  "TIME",
	  { "OTELSIM_START" },
	  CMD_GEN,
	  "virtual start time, RFC 3339 or 'now' (default 2026-01-01T00:00:00Z)",
	  "an RFC 3339 time like 2026-01-01T00:00:00Z, or now" },
	{ O_COUNT,
	  "count",
	  "N",
	  { "OTELSIM_COUNT" },
	  CMD_SCENARIO | CMD_RUN | CMD_RENDER,
	  "traces to generate (render: per scenario; default: the scenario's repeat_count, "
	  "else config's)",
	  "a whole number up to 10^12" },
	{ O_INTERVAL,
	  "interval",
	  "MS",
	  { "OTELSIM_INTERVAL" },
	  CMD_GEN,
	  "time between trace starts: milliseconds or a duration like 1.5s",
	  "milliseconds or a duration like 250ms or 1.5s" },
	{ O_SCENARIOS_DIR,
	  "scenarios-dir",
	  "DIR",
	  { "SCENARIOS_DIR", "OTELSIM_SCENARIOS_DIR" },
	  CMD_LOADS,
	  "scenario folder (default: the bundled scenarios/)" },
	{ O_CONFIG,
	  "config",
	  "FILE",
	  { "OTELSIM_CONFIG" },
	  CMD_LOADS,
	  "config file (default: the bundled config/config.yaml)" },
	{ O_SEMCONV,
	  "semconv",
	  "PATH",
	  { "SEMCONV", "TELEMETRY_SIMULATOR_SCHEMA_PATH" },
	  CMD_LOADS,
	  "semantic-conventions registry: a file or a folder, read beside the bundled one" },
	{ O_SCHEMA_PATH, "schema-path", "PATH", { NULL }, CMD_LOADS, "same as --semconv" },
	{ O_SERVICE_NAME,
	  "service-name",
	  "NAME",
	  { "OTELSIM_SERVICE_NAME" },
	  CMD_LOADS,
	  "service.name of spans without a service (default: otelsim)",
	  "a non-empty name" },
	{ O_VENDOR,
	  "vendor",
	  "NAME",
	  { "VENDOR", "TELEMETRY_SIMULATOR_ATTR_PREFIX" },
	  CMD_LOADS,
	  "emit vendor.* span types and attributes as NAME.* (default: vendor; NAME like acme, "
	  "acme_corp or com.acme)",
	  LOAD_VENDOR_RULE },
	{ O_THREADS,
	  "threads",
	  "N",
	  { "OTELSIM_THREADS" },
	  CMD_GEN,
	  "render threads (default: the CPU count); output bytes never depend on it",
	  "a number from 1 to 256" },
	{ O_SHARD,
	  "shard",
	  "K/N",
	  { "OTELSIM_SHARD" },
	  CMD_GEN,
	  "render only shard K of N (1-based); shards' files concatenated = the whole",
	  "K/N with 1 <= K <= N, like 2/3" },
	{ O_MAX_SPANS,
	  "max-spans-per-trace",
	  "N",
	  { "OTELSIM_MAX_SPANS_PER_TRACE" },
	  CMD_LOADS,
	  "refuse scenarios whose worst case exceeds N spans per trace (default 10000)",
	  "a number from 1 to 100000000" },
	{ O_NAME, "name", "NAME", { NULL }, CMD_SCENARIO, "the scenario to render" },
	{ O_TAGS,
	  "tags",
	  "A,B",
	  { NULL },
	  CMD_RUN | CMD_LIST,
	  "only scenarios with any of these tags",
	  "tags separated by commas, like agentic,retry" },
	{ O_EACH_ONCE,
	  "each-once",
	  NULL,
	  { NULL },
	  CMD_RUN,
	  "run every (tagged) scenario once instead of weighted random picks" },
	{ O_CATEGORY,
	  "category",
	  "C",
	  { NULL },
	  CMD_RENDER | CMD_LIST,
	  "only scenarios of this category (their first folder)" },
	{ O_DATASET,
	  "dataset",
	  "NAME",
	  { NULL },
	  CMD_RUN,
	  "folder name of a mixed run's dataset (default: mixed)" },
	{ O_QUIET, "quiet", NULL, { NULL }, CMD_ALL, "no progress bar, no summary" },
	{ O_SHOW_SPANS, "show-spans", NULL, { NULL }, CMD_GEN, "print each span as it is made" },
	{ O_SHOW_FULL_SPANS,
	  "show-full-spans",
	  NULL,
	  { NULL },
	  CMD_GEN,
	  "print each span with its attributes, events and links" },
	{ O_ENDPOINT,
	  "endpoint",
	  "URL",
	  { "OTELSIM_ENDPOINT", "OTLP_HTTP_ENDPOINT" },
	  CMD_SCENARIO | CMD_RUN,
	  "send to this OTLP endpoint instead of (or with --out, as well as) files" },
	{ O_PROTOCOL,
	  "protocol",
	  "P",
	  { NULL },
	  CMD_SCENARIO | CMD_RUN,
	  "http/protobuf (default), http/json or grpc",
	  "http/protobuf, http/json or grpc" },
	{ O_HEADER,
	  "header",
	  "'K: V'",
	  { NULL },
	  CMD_SCENARIO | CMD_RUN,
	  "extra request header (repeatable)",
	  "'Name: value'" },
	{ O_TRACE, "trace", "ID", { NULL }, CMD_SHOW, "show only this trace (hex id)" },
	{ O_LIMIT,
	  "limit",
	  "N",
	  { NULL },
	  CMD_SHOW,
	  "show at most N traces (default 20)",
	  "a whole number" },
	{ O_HTML,
	  "html",
	  "FILE",
	  { NULL },
	  CMD_REPORT,
	  "the page to write (default: report.html)",
	  "a file name" },
	{ O_FORCE,
	  "force",
	  NULL,
	  { NULL },
	  CMD_REPORT,
	  "replace --html FILE even when it is not an otelsim report" },
	{ O_SAMPLE_TRACES,
	  "sample-traces",
	  "N",
	  { NULL },
	  CMD_REPORT,
	  "traces in the trace table (default 2000; every error trace first, up to N)",
	  "a whole number up to 1000000" },
	{ O_SAMPLE_LOGS,
	  "sample-logs",
	  "N",
	  { NULL },
	  CMD_REPORT,
	  "log records in the log table (default 5000; those of shown traces first)",
	  "a whole number up to 1000000" },
	{ O_TITLE,
	  "title",
	  "TEXT",
	  { NULL },
	  CMD_REPORT,
	  "the page's title (default: the datasets)" },
	{ O_HELP, "help", NULL, { NULL }, CMD_ALL, "this help" },
	{ O_VERSION, "version", NULL, { NULL }, CMD_ALL, "print the version" },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const struct {
	const char *name;
	unsigned bit;
} commands[] = {
	{ "list", CMD_LIST },     { "validate", CMD_VALIDATE }, { "scenario", CMD_SCENARIO },
	{ "run", CMD_RUN },       { "render", CMD_RENDER },     { "show", CMD_SHOW },
	{ "report", CMD_REPORT },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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

void cli_print_options(unsigned cmd_bit)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt_def *o = &opts[i];
		char left[64];

		if (!(o->cmds & cmd_bit))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		printf("  %-28s %s", left, o->help);
		if (o->env[0])
			printf(" [env %s%s%s]", o->env[0], o->env[1] ? ", " : "",
			       o->env[1] ? o->env[1] : "");
		printf("\n");
	}
}

/* --interval: at most one year, the limit of a file's interval_ms */
#define MAX_INTERVAL_NS (INT64_C(31536000000) * 1000000)

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

static const struct opt_def *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const char *suggest_opt(const char *name)
{
	const char *names[NOPTS];

	for (size_t i = 0; i < NOPTS; i++)
		names[i] = opts[i].name;
	return suggest(name, names, NOPTS);
}

static const char *suggest_command(const char *name)
{
	const char *names[NCOMMANDS];

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	return suggest(name, names, NCOMMANDS);
}

static int push(char ***list, size_t *n, char *s)
{
	char **p = realloc(*list, (*n + 1) * sizeof(**list));

	if (!p)
		return -1;
	p[(*n)++] = s;
	*list = p;
	return 0;
}

/* A copy of s[0..len) appended to a list that owns its strings. */
static int push_copy(char ***list, size_t *n, const char *s, size_t len)
{
	char *copy = strndup(s, len);

	if (!copy || push(list, n, copy)) {
		free(copy);
		return -1;
	}
	return 0;
}

/* "a,b, c" appended to a list */
static int push_csv(char ***list, size_t *n, const char *csv)
{
	const char *p = csv;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len && push_copy(list, n, p, len))
			return -1;
		p = e ? e + 1 : p + strlen(p);
	}
	return 0;
}

/* A boolean environment value: 1 true, 0 false, -1 neither. */
static int env_bool(const char *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/*
 * A path that is not there, said with where it came from: a variable left
 * in the environment is the usual surprise ("SEMCONV (environment): no
 * such file or folder '/old/path'"). Other read errors come from the loader.
 */
static bool path_missing(const struct cli *c, const char *v, const char *src)
{
	struct stat st;

	if (stat(v, &st) == 0 || errno != ENOENT)
		return false;
	cli_usage_error(c, "%s: no such file or folder '%s'", src, v);
	return true;
}

/* Apply one option value (from a flag or the environment). */
static int apply(struct cli *c, const struct opt_def *o, const char *v, const char *src)
{
	struct otelsim_render_options *ro = &c->ro;
	uint64_t u;
	int64_t ns;

	switch (o->id) {
	case O_OUT:
		if (!*v) /* an unset shell variable: never "/" + the dataset */
			goto bad;
		c->out = v;
		c->out_set = true;
		break;
	case O_FORMAT:
		if (!strcmp(v, "otlp") || !strcmp(v, "protobuf") || !strcmp(v, "otlp-proto"))
			ro->format = OTELSIM_FORMAT_OTLP;
		else if (!strcmp(v, "otlp-json") || !strcmp(v, "json"))
			ro->format = OTELSIM_FORMAT_OTLP_JSON;
		else if (!strcmp(v, "ndjson"))
			ro->format = OTELSIM_FORMAT_NDJSON;
		else
			goto bad;
		break;
	case O_FRAMING:
		if (!strcmp(v, "be32") || !strcmp(v, "collector"))
			ro->framing = OTELSIM_FRAMING_BE32;
		else if (!strcmp(v, "varint") || !strcmp(v, "delimited"))
			ro->framing = OTELSIM_FRAMING_VARINT;
		else
			goto bad;
		break;
	case O_GZIP:
		ro->gzip = true;
		break;
	case O_SEED:
		if (parse_u64(v, UINT64_MAX, &u) == 0)
			ro->seed = u;
		else if (*v)
			ro->seed = rng_hash(v, strlen(v));
		else
			goto bad;
		ro->seed_set = true;
		break;
	case O_START: {
		int r = time_parse_rfc3339(v, &ns);

		if (r == -2) {
			cli_usage_error(c,
					"%s: '%s' is after " TIME_MAX_TEXT
					", the last time 64-bit nanoseconds since 1970 hold",
					src, v);
			return EXIT_USAGE;
		}
		if (r)
			goto bad;
		ro->start_ns = ns;
		ro->start_set = true;
		break;
	}
	case O_COUNT:
		if (parse_u64(v, 1000000000000ull, &u))
			goto bad;
		ro->count = u;
		ro->count_set = true;
		break;
	case O_INTERVAL:
		if (v[0] != '-' && (duration_parse(v, 1000000, &ns) ? duration_too_large(v)
								    : ns > MAX_INTERVAL_NS)) {
			cli_usage_error(c,
					"%s: '%s' is too large (at most 31536000000 ms, one "
					"year, as for 'interval_ms')",
					src, v);
			return EXIT_USAGE;
		}
		if (duration_parse(v, 1000000, &ns) || ns < 0)
			goto bad;
		ro->interval_ns = ns;
		ro->interval_set = true;
		break;
	case O_SCENARIOS_DIR:
		if (path_missing(c, v, src))
			return EXIT_USAGE;
		c->scenarios_dir = v;
		break;
	case O_CONFIG:
		if (path_missing(c, v, src))
			return EXIT_USAGE;
		c->config = v;
		break;
	case O_SEMCONV:
	case O_SCHEMA_PATH:
		if (path_missing(c, v, src))
			return EXIT_USAGE;
		c->semconv = v;
		break;
	case O_SERVICE_NAME:
		if (!*v)
			goto bad;
		c->service_name = v;
		break;
	case O_VENDOR:
		if (load_check_vendor(v, NULL)) /* the loader's rule, checked early */
			goto bad;
		c->vendor = v;
		break;
	case O_THREADS:
		if (parse_u64(v, 256, &u) || u == 0)
			goto bad;
		ro->threads = (unsigned)u;
		break;
	case O_SHARD: {
		unsigned k, n;
		char tail;

		if (sscanf(v, "%u/%u%c", &k, &n, &tail) != 2 || n == 0 || k == 0 || k > n ||
		    n > 1000000)
			goto bad;
		ro->shard_index = k;
		ro->shard_count = n;
		break;
	}
	case O_MAX_SPANS:
		if (parse_u64(v, 100000000, &u) || u == 0)
			goto bad;
		c->max_spans = u;
		break;
	case O_NAME:
		c->name = v;
		break;
	case O_TAGS: {
		size_t before = c->ntags;

		if (push_csv(&c->tags, &c->ntags, v))
			goto oom;
		if (c->ntags == before) /* "" or ",": no tag at all, not "every scenario" */
			goto bad;
		break;
	}
	case O_EACH_ONCE:
		ro->each_once = true;
		break;
	case O_CATEGORY:
		c->category = v;
		break;
	case O_DATASET:
		ro->dataset = v;
		break;
	case O_QUIET:
		c->quiet = true;
		break;
	case O_SHOW_SPANS:
		if (c->show_spans < 1)
			c->show_spans = 1;
		break;
	case O_SHOW_FULL_SPANS:
		c->show_spans = 2;
		break;
	case O_ENDPOINT:
		c->endpoint = v;
		break;
	case O_PROTOCOL:
		if (strcmp(v, "http/protobuf") && strcmp(v, "http/json") && strcmp(v, "grpc"))
			goto bad;
		c->protocol = v;
		break;
	case O_HEADER:
		if (!strchr(v, ':'))
			goto bad;
		if (push_copy(&c->headers, &c->nheaders, v, strlen(v)))
			goto oom;
		break;
	case O_TRACE:
		c->trace_id = v;
		break;
	case O_LIMIT:
		if (parse_u64(v, UINT64_MAX, &u))
			goto bad;
		c->limit = u;
		break;
	case O_HTML:
		if (!*v)
			goto bad;
		c->html = v;
		break;
	case O_FORCE:
		c->force = true;
		break;
	case O_SAMPLE_TRACES:
	case O_SAMPLE_LOGS:
		if (parse_u64(v, 1000000, &u))
			goto bad;
		*(o->id == O_SAMPLE_TRACES ? &c->sample_traces : &c->sample_logs) = u;
		break;
	case O_TITLE:
		c->title = v;
		break;
	case O_HELP:
		c->help = true;
		break;
	default:
		break;
	}
	return 0;
bad:
	cli_usage_error(c, "%s: expected %s, got '%s'", src, o->expect ? o->expect : "a value", v);
	return EXIT_USAGE;
oom:
	fprintf(stderr, "%s: out of memory\n", c->prog);
	return EXIT_RUNTIME;
}

int cli_parse(struct cli *c, int argc, char **argv)
{
	bool given[O_COUNT_OF_OPTIONS] = { false };
	const struct opt_def *seen[64];
	const char *seen_val[64];
	size_t nseen = 0;
	int rc;

	c->prog = "otelsim";
	c->limit = 20;
	c->sample_traces = 2000;
	c->sample_logs = 5000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_def *o;
		const char *eq, *val = NULL;
		size_t len;

		if (a[0] != '-' || !a[1]) {
			if (!c->cmd) {
				for (size_t k = 0; k < NCOMMANDS; k++)
					if (!strcmp(a, commands[k].name)) {
						c->cmd = commands[k].name;
						c->cmd_bit = commands[k].bit;
					}
				if (!c->cmd) {
					const char *best = suggest_command(a);

					if (best)
						cli_usage_error(
							c,
							"unknown command '%s' (did you mean '%s'?)",
							a, best);
					else
						cli_usage_error(c, "unknown command '%s'", a);
					return EXIT_USAGE;
				}
				continue;
			}
			if (push(&c->args, &c->nargs, argv[i]))
				return EXIT_RUNTIME;
			continue;
		}
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				if (push(&c->args, &c->nargs, argv[i]))
					return EXIT_RUNTIME;
			break;
		}
		if (!strcmp(a, "-h")) {
			c->help = true;
			continue;
		}
		if (!strcmp(a, "-V")) {
			printf("otelsim %s\n", OTELSIM_VERSION);
			return -1;
		}
		if (a[1] != '-') {
			cli_usage_error(c, "unknown option '%s' (options are spelled --name)", a);
			return EXIT_USAGE;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(a, len);
		if (!o) {
			char name[128];
			const char *best;

			snprintf(name, sizeof(name), "%.*s", (int)len, a);
			best = suggest_opt(name);
			if (best)
				cli_usage_error(c, "unknown option '--%s' (did you mean '--%s'?)",
						name, best);
			else
				cli_usage_error(c, "unknown option '--%s'", name);
			return EXIT_USAGE;
		}
		if (o->id == O_VERSION) {
			printf("otelsim %s\n", OTELSIM_VERSION);
			return -1;
		}
		if (o->arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				cli_usage_error(c, "option '--%s' needs a value (%s)", o->name,
						o->arg);
				return EXIT_USAGE;
			}
		} else if (eq) {
			cli_usage_error(c, "option '--%s' takes no value", o->name);
			return EXIT_USAGE;
		}
		if (nseen == 64) {
			cli_usage_error(c, "too many options");
			return EXIT_USAGE;
		}
		seen[nseen] = o;
		seen_val[nseen++] = val;
		given[o->id] = true;
	}
	/* check options against the command now that it is known */
	for (size_t k = 0; k < nseen; k++) {
		const struct opt_def *o = seen[k];

		if (c->cmd && !(o->cmds & c->cmd_bit)) {
			cli_usage_error(c, "option '--%s' does not apply to '%s'", o->name, c->cmd);
			return EXIT_USAGE;
		}
		char label[64];

		snprintf(label, sizeof(label), "--%s", o->name);
		rc = apply(c, o, seen_val[k] ? seen_val[k] : "", label);
		if (rc)
			return rc;
	}
	/* environment for options not given as flags */
	for (size_t k = 0; k < NOPTS; k++) {
		const struct opt_def *o = &opts[k];

		if (given[o->id] || (o->id == O_SCHEMA_PATH && given[O_SEMCONV]) ||
		    (o->id == O_SEMCONV && given[O_SCHEMA_PATH]))
			continue;
		if (c->cmd && !(o->cmds & c->cmd_bit))
			continue;
		for (int e = 0; e < 2 && o->env[e]; e++) {
			const char *v = getenv(o->env[e]);
			char src[64];

			if (!v || !*v)
				continue;
			snprintf(src, sizeof(src), "%s (environment)", o->env[e]);
			/* --each-once says how many traces: a COUNT default does not apply */
			if (o->id == O_COUNT && c->ro.each_once)
				break;
			if (!o->arg) { /* a flag: the variable holds a boolean */
				int b = env_bool(v);

				if (b < 0) {
					cli_usage_error(c,
							"%s: expected 1 or 0 (true/false, yes/no, "
							"on/off), got '%s'",
							src, v);
					return EXIT_USAGE;
				}
				if (!b)
					break;
			}
			rc = apply(c, o, o->arg ? v : "", src);
			if (rc)
				return rc;
			break;
		}
	}
	/* options that would do nothing are mistakes worth saying */
	if ((c->cmd_bit & (CMD_SCENARIO | CMD_RUN)) && !c->endpoint &&
	    (given[O_PROTOCOL] || given[O_HEADER])) {
		cli_usage_error(c, "--%s applies when sending: add --endpoint URL",
				given[O_PROTOCOL] ? "protocol" : "header");
		return EXIT_USAGE;
	}
	if (c->endpoint && c->ro.shard_count > 1) {
		cli_usage_error(c, "--shard splits files between machines; with --endpoint each "
				   "machine sends its own stream: leave out --shard (and give each "
				   "machine its own --seed)");
		return EXIT_USAGE;
	}
	/* OTELSIM_FRAMING is a default for protobuf runs: JSON runs ignore it */
	if (given[O_FRAMING] && c->ro.format != OTELSIM_FORMAT_OTLP) {
		cli_usage_error(c,
				"--framing applies to --format otlp (OTLP/JSON lines need none)");
		return EXIT_USAGE;
	}
	if (!c->ro.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c->ro.threads = n > 0 ? (unsigned)(n > 64 ? 64 : n) : 1;
	}
	return 0;
}

void cli_release(struct cli *c)
{
	for (size_t i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	for (size_t i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	free(c->args);
}
