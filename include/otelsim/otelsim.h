/*
 * otelsim/otelsim.h - generate OpenTelemetry telemetry files in-process.
 *
 * Load a project (config, conventions, scenarios) once, then render any
 * scenario, or a weighted mix of them, either into dataset files or through
 * a callback that receives each encoded record. The same inputs always give
 * the same bytes, whatever the thread count, shard, machine, locale or time
 * zone. The otelsim command is a thin user of this header.
 *
 *     struct otelsim *os;
 *     struct otelsim_error err;
 *     struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
 *     struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
 *
 *     lo.root = "/path/to/otelsim";            // config/ conventions/ scenarios/
 *     if (otelsim_load(&lo, &os, &err)) ...    // err: file:line:col + message
 *     ro.scenario = "successful_agent_turn";
 *     ro.count = 10;                           // with count_set: else the
 *     ro.count_set = true;                     // scenario's repeat_count
 *     ro.out_dir = "testdata";
 *     if (otelsim_render_files(os, &ro, NULL, &err)) ...
 *     otelsim_free(os);
 *
 * Errors: every function returns 0 or a negative enum otelsim_code and fills
 * *err (see otelsim/error.h). The library never prints and never exits.
 *
 * Threads: a loaded project is not changed by rendering; render from one
 * thread at a time per struct otelsim (load one per thread to render in
 * parallel; each render already uses `threads` threads of its own).
 */
#ifndef OTELSIM_OTELSIM_H
#define OTELSIM_OTELSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "otelsim/version.h"

#ifdef __cplusplus
#include <atomic>
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct otelsim;

struct otelsim_load_options {
	const char *root;          /* folder holding config/ conventions/ scenarios/ */
	const char *config_path;   /* NULL: <root>/config/config.yaml */
	const char *semconv_path;  /* a registry (file or folder) read after
				      <root>/conventions; NULL: none */
	const char *const *semconv_paths; /* more, read after semconv_path in order
					     (core, then GenAI: on an id both define,
					     the non-deprecated definition wins) */
	size_t nsemconv;
	const char *scenarios_dir; /* NULL: <root>/scenarios */
	const char *const *files;  /* instead of scenarios_dir: these files only */
	size_t nfiles;
	const char *vendor;           /* prefix replacing "vendor."; NULL: "vendor" */
	const char *service_name;     /* default service.name; NULL: config's */
	uint64_t max_spans_per_trace; /* 0: 10000 */
	/*
	 * Tenants that win over every agent session's context.tenant (the
	 * command's TENANT_UUID, TELEMETRY_TENANT_UUIDS): one is every
	 * session's; several are drawn per session by weight (weights NULL:
	 * equal; else ntenants numbers >= 0, not all 0). ntenants 0: none.
	 */
	const char *const *tenant_ids;
	const double *tenant_weights;
	size_t ntenants;
};
#ifdef __cplusplus /* {} value-initialises every member, without -Wextra's complaint */
#define OTELSIM_LOAD_OPTIONS_INIT \
	{                         \
	}
#else
#define OTELSIM_LOAD_OPTIONS_INIT \
	{                         \
		0                 \
	}
#endif

enum otelsim_format { OTELSIM_FORMAT_OTLP = 0, OTELSIM_FORMAT_OTLP_JSON, OTELSIM_FORMAT_NDJSON };
enum otelsim_framing { OTELSIM_FRAMING_BE32 = 0, OTELSIM_FRAMING_VARINT };
/*
 * The signals, each written to its own file (traces.*, metrics.*, logs.*,
 * events.*) and named to the record callback. Events are OTLP log records
 * with an event name (LogsData), kept apart from the other log records.
 */
enum otelsim_signal { OTELSIM_TRACES = 0, OTELSIM_METRICS, OTELSIM_LOGS, OTELSIM_EVENTS };

/*
 * A flag that stops a render when set, from any thread or a signal handler:
 * an _Atomic int in C, a std::atomic<int> in C++ (the same object layout on
 * every compiler otelsim builds with).
 */
#ifdef __cplusplus
typedef std::atomic<int> otelsim_cancel_flag;
#else
typedef _Atomic int otelsim_cancel_flag;
#endif

struct otelsim_render_options {
	const char *scenario;    /* by name; NULL: a weighted mixed workload */
	const char *const *tags; /* mixed: only scenarios with any of these tags */
	size_t ntags;
	bool each_once; /* mixed: every (filtered) scenario once, no weights */
	bool seed_set;
	uint64_t seed; /* else the scenario's, else config's */
	bool start_set;
	int64_t start_ns; /* else config's (2026-01-01T00:00:00Z) */
	bool count_set;
	uint64_t count; /* iterations (each a scenario pick yielding its
			   traces: one, or one per turn of an agent
			   session); else repeat_count, else config's */
	bool interval_set;
	int64_t interval_ns; /* between iteration starts; else the scenario's */
	bool jitter_set;
	int64_t jitter_ns;    /* each start moves later by up to this; else the
			      scenario's interval_jitter_ms */
	int format;           /* enum otelsim_format */
	int framing;          /* enum otelsim_framing (protobuf only) */
	bool gzip;            /* files only: the record callback always
				      gets the raw (uncompressed) records */
	unsigned threads;     /* render threads; 0 or 1: one */
	unsigned shard_index; /* 1..shard_count; 0: no sharding */
	unsigned shard_count;
	unsigned traces_per_record;    /* 0: config's output.traces_per_record; it
				      shapes the bytes (a record holds the
				      telemetry of at most this many traces
				      of one block) */
	unsigned iterations_per_block; /* 0: config's output.iterations_per_block
					 rounded up to a multiple of
					 traces_per_record. The unit of
					 threads and shards (1: progress after
					 every iteration, for streaming); it
					 changes no byte when it is a multiple
					 of traces_per_record, except which
					 events record a `timeline:` event
					 joins (the one after its block's
					 traces) */
	bool synthetic_signals;        /* also emit the engine's synthetic test signal:
				   per trace a log record and an event tied to
				   its root span, per block two metrics of the
				   roots (otelsim.synthetic.*), for testing a
				   record consumer on every signal; it
				   simulates nothing (and replaces the
				   scenarios' derived metrics) */
	/* metrics derived from the spans (a scenario's `metrics:`, `series:` or
	 * `emit_metrics: true`): the virtual time per data point (0: the
	 * scenario's metric_interval, else 10 s), the temporality and the most
	 * streams a run may have (0: 100,000; more is refused) */
	int64_t metric_interval_ns;
	int temporality; /* OTELSIM_TEMPORALITY_* */
	/* the signals written: bits 1u << enum otelsim_signal (0: every signal the
	 * scenarios emit); naming one they do not emit is OTELSIM_EUSAGE. It only
	 * filters: what is written is byte for byte what a full run writes */
	unsigned signals;
	uint64_t max_metric_streams;
	const char *out_dir;           /* files: the --out folder; NULL: "out" (an "" is refused) */
	const char *dataset;           /* files, mixed: folder name below out_dir ("mixed") */
	const char *tool_version;      /* manifest only; NULL: OTELSIM_VERSION */
	const char *command_line;      /* manifest only; may be NULL */
	/* progress: called from the consuming thread (the caller's with
	 * threads <= 1, a render thread with more) after each unit of blocks */
	void (*progress)(void *ctx, uint64_t iterations_done, uint64_t iterations_total,
			 uint64_t spans_done);
	void *progress_ctx;
	/* --show-spans: 1 a line per span, 2 with attributes, events, links;
	 * the text arrives in order, from the consuming thread. Return
	 * non-zero (a write error) to stop: the render then returns
	 * OTELSIM_EIO "stopped by the text callback" and writes nothing */
	int show_spans;
	int (*text)(void *ctx, const char *text, size_t len);
	void *text_ctx;
	/* when it becomes non-zero the render stops, returns OTELSIM_EIO
	 * "interrupted" and writes nothing. Threads read it with atomic_load;
	 * a signal handler may store to it (atomic_int is lock-free on every
	 * platform otelsim builds on). May be NULL. */
	const otelsim_cancel_flag *cancel;
	/*
	 * A time-based workload (the scenario's `duration`, `rate` and
	 * `arrivals`): duration_set makes the run time-based (traces arrive
	 * for duration_ns of virtual time; at most 365 days), rate_set gives
	 * its traces per second (above 0, at most 10^6). Either one with
	 * count_set is OTELSIM_EUSAGE; count_set makes a time-based scenario
	 * count-based (one trace per 1/rate).
	 */
	bool duration_set;
	int64_t duration_ns;
	bool rate_set;
	double rate_per_s;
	/* the most spans a run may be expected to write (expected traces x
	 * expected spans per trace): 0: 100 million */
	uint64_t max_spans;
	/* phases: the length of every incident phase (0: as the files say),
	 * and how strong each phase is: OTELSIM_SEVERITY_* (0: as written) */
	int64_t incident_duration_ns;
	int severity;
};

/* --severity: low halves each phase's effect (factor - 1, error rate), high
 * makes it 1.5 times as strong (rates at most 1); medium is as written. */
enum { OTELSIM_SEVERITY_AS_WRITTEN = 0, OTELSIM_SEVERITY_LOW, OTELSIM_SEVERITY_MEDIUM,
       OTELSIM_SEVERITY_HIGH };
#ifdef __cplusplus
#define OTELSIM_RENDER_OPTIONS_INIT \
	{                           \
	}
#else
#define OTELSIM_RENDER_OPTIONS_INIT \
	{                           \
		0                   \
	}
#endif

enum { OTELSIM_TEMPORALITY_CUMULATIVE = 0, OTELSIM_TEMPORALITY_DELTA = 1 };

enum { OTELSIM_SEED_FROM_CONFIG = 0, OTELSIM_SEED_FROM_SCENARIO, OTELSIM_SEED_FROM_OPTIONS };

struct otelsim_render_result {
	uint64_t traces, spans, error_spans;
	uint64_t records, bytes;  /* of every signal */
	int64_t start_ns, end_ns; /* earliest span start, latest span end */
	uint64_t seed;
	int seed_origin;        /* where seed came from: OTELSIM_SEED_FROM_* */
	int64_t interval_ns;    /* between iteration starts */
	char dataset_dir[1024]; /* files: where the dataset landed */
	uint64_t iterations;    /* otelsim_plan: planned (of this shard) */
	uint64_t metrics, data_points, log_records, events; /* the other signals' items */
	uint64_t signal_records[4], signal_bytes[4];        /* by enum otelsim_signal */
	uint64_t metric_streams; /* derived metrics and series written */
	/*
	 * OTLP/JSON lines longer than the Collector's 1 MiB line limit (its
	 * otlpjsonfile receiver refuses them): each one item (a span with huge
	 * attributes) too large to split. The first is named in oversize_what
	 * ("span 'x' of trace <hex>"). A warning, not an error.
	 */
	uint64_t oversize_lines;
	char oversize_what[200];
};

/* Scenario facts for `list`. Pointers stay valid until otelsim_free. */
struct otelsim_scenario_info {
	const char *name, *description, *category, *rel_dir, *path;
	const char *title; /* display name (trace-generator scenario_name), or NULL */
	const char *const *tags;
	size_t ntags;
	double weight;
	bool reference; /* the bundled example: by name only */
	uint64_t max_spans_per_trace;
	const char *dataset; /* its `dataset:` folder below --out, or NULL */
	/* a Dreamweaver config (runs by name only): its output.endpoint (NULL:
	 * other dialects), output.batch_size (requests per export) and rate
	 * (requests per second) */
	const char *endpoint;
	unsigned batch_size;
	double rate;
};

int otelsim_load(const struct otelsim_load_options *opts, struct otelsim **out,
		 struct otelsim_error *err);
void otelsim_free(struct otelsim *os); /* NULL: nothing */

/*
 * Warnings about the input: what was accepted but is not honoured yet, and
 * the conventions registry's unknown keys. "file:line:col: message".
 */
size_t otelsim_warning_count(const struct otelsim *os);
const char *otelsim_warning(const struct otelsim *os, size_t i);

size_t otelsim_scenario_count(const struct otelsim *os);
int otelsim_scenario_info(const struct otelsim *os, size_t i, struct otelsim_scenario_info *out);

/*
 * What a render with these options would do, without rendering: iterations
 * (of this shard; res->traces holds them too, the traces of a
 * multi-turn session being known only when rendered), seed, interval and
 * start in *res; the same errors as a render.
 */
int otelsim_plan(const struct otelsim *os, const struct otelsim_render_options *opts,
		 struct otelsim_render_result *res, struct otelsim_error *err);

/*
 * Called with each encoded record: one framed protobuf message or one JSON
 * line (with its '\n'), never gzip-compressed (opts->gzip applies to files
 * only), and its signal (enum otelsim_signal): a TracesData, MetricsData or
 * LogsData (OTELSIM_LOGS and OTELSIM_EVENTS) message. The records of each
 * signal arrive in the order of its file; between signals, per group of
 * blocks: the group's traces records, then its metrics, logs and events
 * records. Return non-zero to stop (the render then returns OTELSIM_EIO
 * with "stopped by callback"). fn may not be NULL (OTELSIM_EUSAGE). It is
 * called from the consuming thread: the caller's with threads <= 1, a
 * render thread with more.
 */
typedef int (*otelsim_record_fn)(void *ctx, int signal, const void *bytes, size_t len);

int otelsim_render(const struct otelsim *os, const struct otelsim_render_options *opts,
		   otelsim_record_fn fn, void *ctx, struct otelsim_render_result *res,
		   struct otelsim_error *err);

/*
 * Render into <out_dir>/<rel_dir>/<scenario name>/ (or <out_dir>/<dataset>/
 * for a mixed workload): one file per signal the run writes (traces.binpb,
 * and metrics.*, logs.*, events.* when emitted) plus manifest.json, which
 * lists each file with its signal and counts; all written under a
 * temporary name and renamed when complete; on failure the previous
 * dataset is left as it was.
 */
int otelsim_render_files(const struct otelsim *os, const struct otelsim_render_options *opts,
			 struct otelsim_render_result *res, struct otelsim_error *err);

/*
 * Combine the datasets of the N shards of one run (`--shard K/N`, each
 * folder given once, in any order) into the dataset the run writes on one
 * machine, byte for byte: under out_dir (NULL: "out") at the run's own
 * folder; traces, logs and events concatenated in shard order, metrics
 * from the shards' partials (metrics.partial) summed per interval and
 * stream, the ground truth from theirs (ground_truth.partial), and the
 * manifest (tool_version: NULL for OTELSIM_VERSION). The run is rebuilt
 * from the first shard's manifest with the loaded project (the same
 * config, conventions and scenarios the shards used: checked by the
 * scenarios' SHA-256). OTELSIM_EINPUT when the folders are not the shards
 * of one run. *res as a render's.
 */
int otelsim_merge(const struct otelsim *os, const char *const *dirs, size_t ndirs,
		  const char *out_dir, const char *tool_version, struct otelsim_render_result *res,
		  struct otelsim_error *err);

#ifdef __cplusplus
}
#endif

#endif
