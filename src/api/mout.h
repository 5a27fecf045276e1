/*
 * api/mout.h - the consumer's side of derived metrics: block partials in
 * block order into the aggregator (engine/metrics.h), each closed interval
 * encoded as one MetricsData record (gzip members when asked) and handed
 * to `write`; a shard writes its closed cells to `partial` instead (for
 * `otelsim merge`).
 */
#ifndef API_MOUT_H
#define API_MOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api_internal.h"
#include "api/pipeline.h"
#include "sink/gzip.h"

struct mout {
	const struct run_spec *rs;
	int format, framing;
	bool gzip, shard;
	struct magg *agg;
	struct encoder *enc;
	struct gzipper gz;
	struct strbuf raw, out, partial;
	/* the encoded records of an interval (records: how many; items: metric items) */
	int (*write)(void *ctx, const struct strbuf *bytes, uint64_t records, uint64_t items,
		     struct otelsim_error *err);
	void *ctx;
};

/* Nothing to do when the run has no derived metrics (m->agg stays NULL). */
int mout_init(struct mout *m, const struct run_spec *rs, const struct otelsim_render_options *o,
	      struct otelsim_error *err);
int mout_block(struct mout *m, const struct pipe_block *b, struct otelsim_error *err);
/* The rest, up to the run's last span end. */
int mout_finish(struct mout *m, int64_t last_end_ns, struct otelsim_error *err);
void mout_release(struct mout *m);

#endif
