/*
 * engine/metrics.h - metrics derived from the spans, and series, over
 * windows of virtual time.
 *
 * The run's metrics (struct mrun, from the plan's scenarios): every rule
 * of every scenario the run may pick, each naming one metric of the run's
 * table (rules of one name share it), the series, the interval and the
 * temporality.
 *
 * Intervals. Interval k is [start + k * interval, start + (k + 1) *
 * interval); a span's measurement falls in the one holding its end, and a
 * point's time is its interval's end.
 *
 * Three steps, each deterministic:
 *   1. mderive_block (on a worker, per block): the block's measurements
 *      as cells (engine/mcell.h) per (interval, stream), serialized (the
 *      block partial). It draws nothing. Exemplar order keys are
 *      (block << 32 | span index in the block).
 *   2. magg_add (the consumer, blocks in order; or `otelsim merge`, shard
 *      partials in order): cells merged into the open intervals. Since
 *      cell arithmetic is order-free (mcell.h), the totals do not depend
 *      on threads, block sizes or shards.
 *   3. magg_close (when no later block can reach back: every interval
 *      ending at or before plan_block_start of the next block; all of them
 *      at the end): each closed interval becomes one batch of metric items
 *      (one Metric per (resource, metric), its points one per stream,
 *      streams sorted by their attributes' bytes) to encode as one
 *      record; or, for a shard, its cells are written as a partial.
 *
 * Streams: (metric, resource, attribute values). Cumulative (default): a
 * stream's start time is its first interval's start, it is written every
 * interval from then to the end of the run. Delta: only in intervals with
 * measurements, start time the interval's start. A gauge is written in
 * intervals with measurements only (its last one). Series are gauges
 * sampled at every interval's end, from the first interval to the last.
 */
#ifndef ENGINE_METRICS_H
#define ENGINE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/batch.h"
#include "engine/engine.h"
#include "otelsim/error.h"
#include "util/kmap.h"
#include "util/strbuf.h"

#define MRUN_MAX_STREAMS_DEFAULT 100000

struct mrun_metric {
	struct metric_desc desc;
	uint8_t instrument;
	int32_t max_scale;
	uint32_t max_size;
	const struct metric_rule *first_rule; /* for messages */
};

struct mrun_scenario {
	const struct scenario *sc;
	uint32_t first_rule, nrules;
};

struct mrun_series {
	const struct series_spec *spec;
	uint32_t metric; /* the run's metric table */
};

struct mrun {
	struct mrun_metric *metrics;
	uint32_t nmetrics;
	const struct metric_rule **rules;
	uint32_t *rule_metric; /* per rule */
	/* per rule, measured once: span_name's and where_key's lengths, each
	 * attribute key's (attr_len[i] holds rules[i]->nattr_keys of them) */
	uint32_t *name_len, *where_len;
	uint32_t **attr_len;
	uint32_t nrules;
	struct mrun_scenario *scens;
	uint32_t nscens;
	struct mrun_series *series;
	uint32_t nseries;
	int64_t start_ns, interval_ns;
	int temporality; /* enum metric_temporality */
	uint64_t max_streams;
	uint64_t seed;
	const struct plan *plan; /* its phases scale the series (engine/phase.c) */
};

/*
 * The run's metrics for plan p (its scenario or pool). Nothing to do (no
 * rules, no series): 0 with mr->nmetrics == 0. OTELSIM_EUSAGE when two
 * scenarios define one metric differently.
 */
int mrun_build(struct mrun *mr, const struct plan *p, int64_t interval_ns, int temporality,
	       uint64_t max_streams, struct otelsim_error *err);
void mrun_release(struct mrun *mr);

/* Step 1: the block partial of batch b (block `block`) appended to out. 0 or -1 (memory). */
struct mderive;
struct mderive *mderive_new(const struct mrun *mr, const struct plan *p);
void mderive_free(struct mderive *d);
int mderive_block(struct mderive *d, const struct batch *b, uint64_t block, struct strbuf *out);

/* Steps 2 and 3. */
struct magg;
struct magg *magg_new(const struct mrun *mr);
void magg_free(struct magg *a);
/* Merge a partial (block or shard cells). OTELSIM_ELIMIT past max_streams,
 * OTELSIM_EINPUT when malformed, OTELSIM_ENOMEM. */
int magg_add(struct magg *a, const void *data, size_t len, struct otelsim_error *err);
/*
 * Close every open interval ending at or before until_ns (INT64_MAX: all,
 * and the cumulative and series intervals up to last_end_ns, the run's
 * last span end). For each closed interval with points, emit(ctx, batch)
 * with its items (valid during the call). For shards pass emit NULL and
 * partial non-NULL: the closed cells are appended there instead.
 */
int magg_close(struct magg *a, int64_t until_ns, int64_t last_end_ns,
	       int (*emit)(void *ctx, const struct batch *b, struct otelsim_error *err), void *ctx,
	       struct strbuf *partial, struct otelsim_error *err);
/* Streams and data points emitted so far. */
void magg_counts(const struct magg *a, uint64_t *streams, uint64_t *points);

#endif
