/*
 * api/api_internal.h - what the public API's files share.
 */
#ifndef API_API_INTERNAL_H
#define API_API_INTERNAL_H

#include "engine/engine.h"
#include "engine/metrics.h"
#include "model/model.h"
#include "otelsim/otelsim.h"
#include "util/strbuf.h"

struct otelsim {
	struct model m;
};

/* Everything a render needs besides the model, resolved from options. */
struct run_spec {
	struct plan plan;
	const char *label;               /* scenario name or dataset name */
	const char *rel_dir;             /* dataset folder below out_dir */
	uint64_t first_block, end_block; /* this shard's blocks */
	uint64_t first_trace, end_trace; /* this shard's iterations */
	uint32_t traces_per_record;      /* the record rule's (encode.h) */
	const struct engine_source *sources[3];
	struct mrun metrics; /* derived metrics and series (none: nmetrics 0) */
	int seed_origin;    /* OTELSIM_SEED_FROM_* */
	struct arena arena; /* pool and weights */
};

int run_spec_build(const struct model *m, const struct otelsim_render_options *o,
		   struct run_spec *rs, struct otelsim_error *err);
void run_spec_release(struct run_spec *rs);

/*
 * A shard's partials for `otelsim merge` (api/merge.c): its derived metrics'
 * closed cells (engine/metrics.h) and its ground-truth hits (engine/batch.h
 * struct inj_hit, in file order). Not data files: the manifest does not list them.
 */
#define MERGE_METRICS_FILE "metrics.partial"
#define MERGE_HITS_FILE    "ground_truth.partial"

struct manifest_file {
	const char *name;
	int signal; /* enum otelsim_signal */
	uint64_t records, size;
	const char *sha256;
};

struct truth;

/* truth: the ground truth written (api/truth.h; none when nothing fired), or NULL */
int manifest_build(const struct model *m, const struct otelsim_render_options *o,
		   const struct run_spec *rs, const struct otelsim_render_result *res,
		   const struct manifest_file *files, size_t nfiles, const struct truth *truth,
		   struct strbuf *out);

#endif
