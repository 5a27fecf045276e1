/*
 * api/pipeline.h - render blocks on worker threads, consume them in order.
 *
 * `threads` workers take block numbers from a shared counter, render each
 * block (engine), encode it (encode) and, for files, gzip it. Finished
 * blocks are consumed strictly in block order (writing, hashing, calling
 * back), never two at once: with one worker by the calling thread, beside
 * it; with more, by whichever worker finds the next block ready, so N
 * threads keep N cores busy without a writing thread competing for them. At most `2 * threads + 2` blocks are in flight,
 * so memory does not grow with the count. Output bytes do not depend on
 * the thread count: a block's bytes depend only on the block.
 */
#ifndef API_PIPELINE_H
#define API_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "otelsim/error.h"
#include "util/strbuf.h"

struct pipe_block {
	uint64_t index;
	struct strbuf data;      /* encoded records (gzip members with gzip) */
	struct strbuf text;      /* console lines, when asked */
	uint64_t ntraces, nspans, nerrors, nrecords, raw_bytes;
	int64_t min_start_ns, max_end_ns;
};

struct pipeline_cfg {
	const struct plan *plan;
	int format, framing;
	bool gzip;
	int console;             /* 0 none, 1 span lines, 2 with attributes */
	uint64_t first_block, end_block;
	unsigned threads;
	unsigned max_blocks_per_unit;  /* blocks a worker renders at a time (and
					  between two consume calls); 0 or 1: one */
	/* called in block order, one call at a time (from the calling thread
	 * with one worker, from the workers with more); non-zero stops */
	int (*consume)(void *ctx, const struct pipe_block *b, struct otelsim_error *err);
	void *ctx;
	const volatile sig_atomic_t *cancel;  /* set asynchronously to stop early */
};

int pipeline_run(const struct pipeline_cfg *cfg, struct otelsim_error *err);

#endif
