/*
 * engine/batch.h - one block of rendered telemetry: what the engine hands
 * the encoders, for every signal.
 *
 * A batch holds everything one engine block produced (engine.h: a fixed
 * range of iterations, and so of virtual time), in one arena:
 *   - spans (OTELSIM_TRACES), trace by trace, each trace depth first
 *     (parents before children);
 *   - log records (OTELSIM_LOGS) and events (OTELSIM_EVENTS: log records
 *     with an event_name, written to their own file), each tied to the
 *     span that emitted it or to none;
 *   - metric items (OTELSIM_METRICS): one OTLP Metric of one resource with
 *     its data points. Derived metrics are contributions: points with the
 *     exemplar candidates (trace and span ids) of the spans they count; an
 *     aggregator may merge the items of many blocks (same desc, resource
 *     and attributes) before they are encoded. The encoders write items as
 *     they are, in batch order.
 * Items of every signal appear in the order they were made. Each trace
 * starts with batch_begin_trace, which records how many items of each
 * signal came before it (`marks`) and whether it starts an iteration (a
 * session's later turns do not): the encoders cut records every
 * traces_per_record iterations with it (batch_record_mark), so a record
 * never mixes two blocks, keeps a session's traces together, and its bytes
 * do not depend on which thread or shard rendered the block, nor on the
 * block size when that is a multiple of traces_per_record.
 * Items made outside a trace (after the block's last trace) belong to the
 * block's last record.
 *
 * Every pointer in an item points into `arena` (or into the model, which
 * outlives the batch); the owner resets the batch between blocks. The item
 * arrays may move when an item is added: hold items by index while adding.
 */
#ifndef ENGINE_BATCH_H
#define ENGINE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"
#include "model/value.h"
#include "otelsim/otelsim.h"
#include "util/arena.h"

#define SPAN_FLAGS_SAMPLED       0x01u
#define SPAN_FLAGS_HAS_IS_REMOTE 0x100u
#define SPAN_FLAGS_IS_REMOTE     0x200u

/* enum otelsim_signal's values are 0..SIGNAL_COUNT - 1: arrays index by them */
#define SIGNAL_COUNT  4
#define SIGNAL_BIT(s) (1u << (s))

/* "traces", "metrics", "logs", "events" (the file stems); NULL when out of range. */
static inline const char *signal_name(int signal)
{
	static const char *const names[SIGNAL_COUNT] = { "traces", "metrics", "logs", "events" };

	return signal >= 0 && signal < SIGNAL_COUNT ? names[signal] : NULL;
}

struct event_out {
	uint64_t time_ns;
	const char *name;
	uint32_t name_len;
	struct keyval *attrs;
	uint32_t nattrs;
};

struct link_out {
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint32_t flags;
	const char *trace_state; /* NULL or "": none */
	uint32_t trace_state_len;
	struct keyval *attrs;
	uint32_t nattrs;
};

struct span_out {
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint8_t parent_span_id[8];
	uint8_t has_parent;
	uint8_t kind;        /* OTLP SpanKind */
	uint8_t status_code; /* 0 unset, 1 ok, 2 error */
	uint32_t flags;      /* W3C flags | has-is-remote | is-remote */
	uint32_t resource;   /* index into model->services */
	uint32_t scope;      /* index into model->scopes (0: the config's; model/scope.h) */
	const char *name;
	uint32_t name_len;
	const char *trace_state; /* W3C tracestate; NULL or len 0: none */
	uint32_t trace_state_len;
	const char *status_message; /* NULL or len 0: none */
	uint32_t status_message_len;
	uint64_t start_ns, end_ns;
	struct keyval *attrs;
	uint32_t nattrs;
	struct event_out *events;
	uint32_t nevents;
	struct link_out *links;
	uint32_t nlinks;
};

/*
 * An OTLP LogRecord: a log record (OTELSIM_LOGS) or an event
 * (OTELSIM_EVENTS, event_name set). Zero and empty fields are not written
 * (has_trace_id / has_span_id say whether the ids are).
 */
struct log_out {
	uint64_t time_ns, observed_ns;
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint8_t has_trace_id, has_span_id;
	uint8_t severity;  /* SeverityNumber: 1..24, 0 unspecified */
	uint32_t flags;    /* W3C trace flags */
	uint32_t resource; /* index into model->services */
	const char *severity_text;
	uint32_t severity_text_len;
	const char *event_name;
	uint32_t event_name_len;
	struct value body; /* VAL_NONE: no body */
	struct keyval *attrs;
	uint32_t nattrs;
};

/* An exemplar: the measurement of one span that a point counts. */
struct exemplar_out {
	uint64_t time_ns;
	uint8_t is_int;
	union {
		double d;
		int64_t i;
	} value;
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint8_t has_ids;
	struct keyval *attrs; /* filtered_attributes */
	uint32_t nattrs;
};

/* Exponential histogram buckets: counts[k] counts bucket offset + k. */
struct exp_buckets {
	int32_t offset;
	uint64_t *counts;
	uint32_t ncounts;
};

/*
 * A data point; which fields apply follows the metric's desc->kind:
 * gauge and sum use `value` (desc->is_int: value.i, else value.d);
 * histograms use count, sum (has_sum), min/max (has_minmax) and
 * bucket_counts (explicit: desc->nbounds + 1 of them, or none); exponential
 * histograms also scale, zero_count, zero_threshold, positive, negative.
 */
struct point_out {
	struct keyval *attrs;
	uint32_t nattrs;
	uint64_t start_ns, time_ns;
	union {
		double d;
		int64_t i;
	} value;
	uint64_t count;
	double sum, min, max;
	uint8_t has_sum, has_minmax;
	uint64_t *bucket_counts;
	uint32_t nbucket_counts;
	int32_t scale;
	uint64_t zero_count;
	double zero_threshold;
	struct exp_buckets positive, negative;
	struct exemplar_out *exemplars;
	uint32_t nexemplars;
	uint32_t flags;
};

/* One OTLP Metric of one resource. */
struct metric_out {
	const struct metric_desc *desc;
	uint32_t resource; /* index into model->services */
	struct point_out *points;
	uint32_t npoints;
};

/*
 * Ground truth: what one injection site (model->injections[inj - 1]) made
 * fail in one trace: the spans it failed and their time range. One per
 * (trace, site) that fired, in trace order, sites in the order they first
 * fired within the trace. Not a signal: the files path sums them into
 * ground_truth.json.
 */
struct inj_hit {
	uint32_t inj; /* 1-based, as the model's specs hold it */
	uint32_t spans;
	int64_t start_ns, end_ns;
	uint8_t trace_id[16];
};

/* Items of each signal made before a trace began (indexed by signal). */
struct batch_mark {
	size_t first[SIGNAL_COUNT];
	uint8_t iteration; /* the trace starts an iteration (batch_begin_trace sets it) */
};

struct batch {
	struct arena arena;
	struct span_out *spans;
	size_t nspans, cap;
	struct log_out *logs;
	size_t nlogs, logs_cap;
	struct log_out *events;
	size_t nevents, events_cap;
	struct metric_out *metrics;
	size_t nmetrics, metrics_cap;
	struct batch_mark *marks; /* one per trace, in order */
	size_t nmarks, marks_cap;
	struct inj_hit *hits; /* ground truth, in trace order */
	size_t nhits, hits_cap;
	uint64_t first_iteration; /* global index of the block's first iteration */
	uint64_t niterations;
	uint64_t ntraces;
	uint64_t nerror_spans;            /* spans with status ERROR */
	int64_t min_start_ns, max_end_ns; /* of the spans */
};

void batch_init(struct batch *b);
void batch_reset(struct batch *b, uint64_t first_iteration);
void batch_release(struct batch *b);

/*
 * Mark the start of a trace (before its first item), as the start of an
 * iteration (clear marks[nmarks - 1].iteration for a later trace of the
 * same iteration). 0, or -1 out of memory.
 */
int batch_begin_trace(struct batch *b);

/*
 * The mark that starts the iteration `per` iterations after the one
 * whose mark is m (per >= 1), or b->nmarks when the batch has none.
 */
static inline size_t batch_record_mark(const struct batch *b, size_t m, uint32_t per)
{
	uint32_t seen = 0;

	while (++m < b->nmarks)
		if (b->marks[m].iteration && ++seen == per)
			return m;
	return b->nmarks;
}

/* A zeroed item at the end of its array (NULL when out of memory). */
struct span_out *batch_add_span(struct batch *b);
/* signal: OTELSIM_LOGS or OTELSIM_EVENTS (NULL for any other) */
struct log_out *batch_add_log(struct batch *b, int signal);
struct metric_out *batch_add_metric(struct batch *b);
/*
 * Count one span failed by injection `inj` (1-based) in the current trace,
 * whose hits start at index first_hit: its hit is found or added. 0, or -1
 * out of memory.
 */
int batch_add_hit(struct batch *b, size_t first_hit, uint32_t inj, const uint8_t trace_id[16],
		  int64_t start_ns, int64_t end_ns);

/* Items of a signal: spans, metric items, log records or events. */
size_t batch_items(const struct batch *b, int signal);
/* Data points of all metric items. */
uint64_t batch_points(const struct batch *b);

#endif
