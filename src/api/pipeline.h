/*
 * api/pipeline.h - render blocks on worker threads, consume them in order.
 *
 * `threads` workers take units of work (up to max_blocks_per_unit
 * consecutive blocks) from a shared counter, render each block (engine),
 * encode each signal the plan writes (plan->signals) into that signal's
 * own buffer (encode) and, for files, gzip it (one gzip member per record,
 * so that neither shards nor block sizes move a byte). Finished units are
 * consumed strictly in block order (writing, hashing, calling back), never two at
 * once: with one worker by the calling thread, beside it; with more, by
 * whichever worker finds the next unit ready, so N threads keep N cores
 * busy without a writing thread competing for them. At most
 * `2 * threads + 2` units (so `(2 * threads + 2) * max_blocks_per_unit`
 * blocks) are in flight, so memory does not grow with the count. Output
 * bytes do not depend on the thread count: a block's bytes depend only on
 * the block.
 *
 * A failure on a worker (out of memory, an engine or encoder error) stops
 * the run and is returned with its own code and message; so is the first
 * non-zero return of consume, and "interrupted" (OTELSIM_EIO) once *cancel
 * is set, checked before each unit is consumed and every 100 ms while
 * waiting.
 */
#ifndef API_PIPELINE_H
#define API_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/metrics.h"
#include "otelsim/error.h"
#include "util/strbuf.h"

/*
 * One unit of work: its blocks' bytes and counts, together. data[s] holds
 * the records of signal s (enum otelsim_signal), in block order (gzip
 * members with gzip); empty for a signal the plan does not write.
 */
struct pipe_block {
	uint64_t index; /* the unit's first block */
	struct strbuf data[SIGNAL_COUNT];
	uint64_t records[SIGNAL_COUNT]; /* records in data[s] */
	uint64_t items[SIGNAL_COUNT];   /* spans, metric items, log records, events */
	struct strbuf text;             /* console lines, when asked */
	struct strbuf hits;             /* ground truth: the blocks' struct inj_hit, in order */
	struct strbuf mparts;           /* derived metrics: the blocks' partials (engine/metrics.h) */
	uint64_t end_index;             /* one past the unit's last block */
	uint64_t niterations, ntraces, nerrors, npoints;
	int64_t min_start_ns, max_end_ns;
	/* JSON lines past the Collector's 1 MiB limit, the first one described */
	uint64_t oversize;
	char oversize_what[200];
};

struct pipeline_cfg {
	const struct plan *plan;
	const struct mrun *metrics; /* derived metrics, or NULL: partials into mparts */
	int format, framing;
	uint32_t traces_per_record; /* records: encode.h's record rule (0: per block) */
	bool gzip;
	int console; /* 0 none, 1 span lines, 2 with attributes */
	uint64_t first_block, end_block;
	unsigned threads;
	unsigned max_blocks_per_unit; /* blocks a worker renders at a time (and
					  between two consume calls); 0 or 1: one */
	/* called in block order, one call at a time (from the calling thread
	 * with one worker, from the workers with more); non-zero stops */
	int (*consume)(void *ctx, const struct pipe_block *b, struct otelsim_error *err);
	void *ctx;
	const _Atomic int *cancel; /* may be NULL; set asynchronously to stop early */
};

int pipeline_run(const struct pipeline_cfg *cfg, struct otelsim_error *err);

#endif
