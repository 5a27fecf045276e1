/*
 * replay/transform.h - time shift and id remapping, in place, at the wire level.
 *
 * A record (TracesData, MetricsData or LogsData bytes, equal to the matching
 * Export*ServiceRequest) is walked field by field without unpacking it: every
 * timestamp is a fixed64 and every id a 16- or 8-byte string, so both can be
 * rewritten where they lie and the message keeps its size. The fields:
 *   Span 1,2,4 ids, 7,8 times; Span.Event 1 time; Span.Link 1,2 ids;
 *   LogRecord 1,11 times, 9,10 ids; Number/Histogram/ExponentialHistogram/
 *   Summary data points 2,3 times; Exemplar 2 time, 4,5 ids.
 *
 * Time shift: `shift_ns` is added to every non-zero timestamp (zero stays
 * zero, so "unset" stays unset, and every interval is kept exactly). A result
 * that would leave 1..UINT64_MAX is clamped and counted in `clamped`.
 *
 * New ids: each id is replaced by a keyed permutation of itself (SplitMix64
 * finalizer for 8 bytes, a 4-round Feistel network over it for 16 bytes), so
 * the same old id gets the same new id in every span, parent, link, log
 * record and exemplar without a table, different keys give unrelated ids,
 * distinct ids stay distinct, and no id becomes zero. Empty ids, all-zero
 * ids and ids of another length are left as they are.
 *
 * The walk also validates the structure it passes through (down to spans,
 * events, links, log records, metrics, data points and exemplars) and counts
 * items: spans, log records, data points.
 *
 * Ownership: records are rewritten in the caller's buffer; nothing is
 * allocated. Errors: a bad structure is OTELSIM_EINPUT with where in *err.
 * Threads: pure functions on the caller's memory, any thread.
 */
#ifndef REPLAY_TRANSFORM_H
#define REPLAY_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

struct xform {
	bool shift; /* add shift_ns to every non-zero timestamp */
	int64_t shift_ns;
	bool new_ids; /* remap ids with id_key */
	uint64_t id_key;
};

struct xform_stats {
	uint64_t items;   /* spans, data points, log records */
	uint64_t min_ts;  /* smallest non-zero timestamp written (UINT64_MAX: none) */
	uint64_t max_ts;  /* largest (0: none) */
	uint64_t clamped; /* timestamps the shift would have pushed out of range */
};

#define XFORM_STATS_INIT            \
	{                           \
		0, UINT64_MAX, 0, 0 \
	}

/* What a leaf of the split tree is (see replay/split.h). */
enum xleaf_kind {
	XLEAF_SPAN = 0,
	XLEAF_LOG,
	XLEAF_NUMBER, /* NumberDataPoint (gauge, sum) */
	XLEAF_HISTOGRAM,
	XLEAF_EXPHISTOGRAM,
	XLEAF_SUMMARY,
	XLEAF_METRIC /* a Metric without data points: carried whole, 0 items */
};

/*
 * The shape of a record, shared with replay/split.h: containers at level 0
 * (ResourceX, field 1 of the record), 1 (ScopeX, field 2), and for metrics
 * 2 (Metric, field 2) and 3 (its Gauge/Sum/Histogram/... field 5/7/9/10/11);
 * leaves are the items (ScopeX field 2, or the data's field 1). Returns
 * XSHAPE_NODE when field `field` (length-delimited) of a container at
 * `level` is a child container, XSHAPE_LEAF (with *kind) when it is an item,
 * XSHAPE_NONE when it belongs to the container's own envelope. For level 3
 * pass the Metric's data field as `data_field`.
 */
enum { XSHAPE_NONE = 0, XSHAPE_NODE, XSHAPE_LEAF };
int xform_shape(int signal, int level, uint32_t field, uint32_t data_field, int *kind);

/* The key of pass `pass` (0, 1, ...) of a run seeded with `seed`. */
uint64_t xform_pass_key(uint64_t seed, uint64_t pass);

/* Remap one id in place (16 or 8 bytes; see above). */
void xform_id16(uint64_t key, uint8_t id[16]);
void xform_id8(uint64_t key, uint8_t id[8]);

/*
 * Walk one leaf message (its payload bytes) of the given kind: validate,
 * count, and with x non-NULL patch it. *ts receives the leaf's own time
 * (span start, log time or else observed time, point time; 0: none).
 * Returns 0 or OTELSIM_EINPUT with "... at byte N" relative to `p`.
 */
int xform_leaf(int kind, uint8_t *p, size_t len, const struct xform *x, struct xform_stats *st,
	       uint64_t *ts, struct otelsim_error *err);

/*
 * Walk a whole record of `signal` (OTELSIM_TRACES/METRICS/LOGS). With x NULL
 * the bytes are only read (the cast is safe then): a pre-scan for the
 * earliest timestamp and the item count.
 */
int xform_record(int signal, uint8_t *p, size_t len, const struct xform *x, struct xform_stats *st,
		 struct otelsim_error *err);

#endif
