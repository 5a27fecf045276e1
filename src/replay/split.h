/*
 * replay/split.h - records to export requests of bounded size, at the wire level.
 *
 * A splitter takes the records of one input file in order (each a TracesData,
 * MetricsData or LogsData; all of one signal until the queue is empty) and
 * hands out request bodies that hold a run of their items, in order, with
 * none over `max_bytes` or `max_items`. Items are the tree's leaves: spans,
 * log records, data points (a Metric without data points is one leaf of 0
 * items, carried whole). A request copies each leaf's ResourceX/ScopeX (and
 * Metric, Gauge/Sum/...) envelope - every field but the children - and only
 * the leaves it holds, with the length prefixes rewritten; a ResourceX or
 * ScopeX with no items is never written. Fields keep their order (envelope
 * fields before the first child, then children, then the rest), so a
 * canonical record that fits comes out byte for byte as it went in, and
 * several small records share one request (concatenated TracesData messages
 * are one TracesData).
 *
 * Sizes: the budget check counts every opened container as its tag, a
 * 5-byte length and its envelope, so the real size never exceeds the
 * estimate. A single leaf larger than max_bytes goes alone (`oversize`).
 *
 * Positions: a record's leaves are numbered from 0 in file order; a
 * request reports the position just after its last leaf as (record, leaf),
 * with (record + 1, 0) once a record is complete, which is what a resume
 * watermark stores. `skip_leaves` on split_add drops a record's first
 * leaves (a resumed replay).
 *
 * Ownership: the splitter owns copies of its queued records and the body
 * it hands out (valid until the next split_* call); split_free frees all.
 * Errors: as each function says (OTELSIM_EINPUT for a bad record, -1 or
 * OTELSIM_ENOMEM when out of memory). Threads: one thread per splitter.
 */
#ifndef REPLAY_SPLIT_H
#define REPLAY_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "replay/transform.h"

#define SPLIT_MAX_BYTES_DEFAULT (4u * 1024u * 1024u)

struct split_config {
	size_t max_bytes;   /* request body; 0: SPLIT_MAX_BYTES_DEFAULT */
	uint64_t max_items; /* 0: no limit */
};

struct split_request {
	const uint8_t *body; /* valid until the next split_* call */
	size_t len;
	int signal;
	uint64_t items, leaves;
	uint64_t end_record, end_leaf; /* position after this request */
	uint64_t min_ts; /* earliest leaf time (span start, log time, point time); 0: none */
	bool oversize;   /* one leaf alone over max_bytes */
};

struct splitter;

struct splitter *split_new(const struct split_config *cfg);
void split_free(struct splitter *s);

/*
 * Queue a record (copied): index its leaves, drop the first `skip_leaves`,
 * transform the rest with x (may be NULL) and count them in *st. The
 * signal must equal the queued records' (flush first). Invalid structure
 * fails with OTELSIM_EINPUT ("... at byte N" of the record).
 */
int split_add(struct splitter *s, int signal, const uint8_t *rec, size_t len, uint64_t record_index,
	      uint64_t skip_leaves, const struct xform *x, struct xform_stats *st,
	      struct otelsim_error *err);

/* Leaves queued and not yet handed out; whether a full request is queued. */
uint64_t split_pending(const struct splitter *s);
bool split_ready(const struct splitter *s);
int split_signal(const struct splitter *s); /* of the queue; -1 when empty */

/*
 * Build the next request from the front of the queue without consuming it:
 * at most max_leaves leaves when non-zero (e.g. to halve a request whose
 * JSON came out too large), and with ts_window non-zero no leaf whose time
 * is more than ts_window ns after the earliest one taken (paced replays
 * keep each request within a short stretch of the original time). 0, or -1
 * when the queue is empty or out of memory. split_consume then drops
 * those leaves.
 */
int split_peek(struct splitter *s, uint64_t max_leaves, uint64_t ts_window,
	       struct split_request *out);
void split_consume(struct splitter *s, const struct split_request *req);

#endif
