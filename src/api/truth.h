/*
 * api/truth.h - ground_truth.json: what a run's injections made fail.
 *
 * The files path feeds it every unit's ground-truth hits (engine/batch.h
 * struct inj_hit, carried in pipe_block.hits) in block order, so it sees
 * the traces in the order of the files. Per injection site of the model
 * (model.h struct injection) it counts the spans failed and the traces
 * holding them, and their time range. When the run is over, the sites
 * that fired (and only they: a site that never fired injected nothing)
 * are written to ground_truth.json, in model order:
 *
 *   {"injections": [{"id", "kind", "scenario", "service", "span_type",
 *     "start", "end", "spans", "traces", "trace_ids" | "trace_ids_file"}]}
 *
 * start and end are RFC 3339 with nine fraction digits (the earliest start
 * and the latest end of the spans failed). A site's trace ids (each trace
 * once, in file order) are inline up to TRUTH_INLINE_IDS; past that
 * "trace_ids_file" names ground_truth.traces.ndjson beside it, which holds
 * one line per (site, trace): {"injection":"<id>","trace_id":"<32 hex>"}
 * (exactly those two keys, in that order, lowercase hex), for the sites
 * that name it and no others; a site's lines keep its trace order (lines
 * of different sites may interleave). Later issues add kinds, never keys.
 *
 * A run with phases (engine.h struct phase_rt) also writes every phase,
 * whether it changed anything or not, in "phases" (after "injections"):
 *
 *   {"id", "kind" (latency, errors, down, cascade, deployment, traffic,
 *    spike, scattered_errors), "scenario", "start", "end" (the window as
 *    run: --incident-duration applied), "targets": {"services", "span_types",
 *    "series"}, "factor": [from, to], "rate", "error_type", "spans",
 *    "traces" (the spans it changed: slowed, failed, or for traffic the
 *    roots that arrived in it), "affected_start", "affected_end" (null when
 *    none), "trace_ids" | "trace_ids_file"}
 *
 * No injection fired and no phases: no file at all. Memory: TRUTH_INLINE_IDS ids per
 * site that fired, whatever the count.
 */
#ifndef API_TRUTH_H
#define API_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "model/model.h"
#include "otelsim/error.h"
#include "sink/dataset.h"
#include "util/strbuf.h"

#define TRUTH_INLINE_IDS 1000
#define TRUTH_FILE       "ground_truth.json"
#define TRUTH_IDS_FILE   "ground_truth.traces.ndjson"

struct truth_site {
	uint64_t spans, traces;
	int64_t start_ns, end_ns;
	uint8_t *ids; /* the first TRUTH_INLINE_IDS trace ids, 16 bytes each (malloc'd) */
	bool spilled; /* its ids are in TRUTH_IDS_FILE */
};

struct truth {
	const struct model *m;
	const struct plan *plan; /* its phases (NULL: none) */
	struct dataset *ds;
	struct truth_site *sites; /* by injection index */
	struct dfile *ids_file;   /* TRUTH_IDS_FILE, once a site spills */
	struct strbuf lines;
	uint32_t nfired;
	/* after truth_finish: the files written (0, 1 or 2), for the manifest */
	struct dfile_info files[2];
	size_t nfiles;
};

/* Sites of model m, files into ds. 0 or OTELSIM_ENOMEM. */
int truth_init(struct truth *t, const struct model *m, const struct plan *p, struct dataset *ds,
	       struct otelsim_error *err);
/* Count hits[0, len / sizeof(struct inj_hit)) (a pipe_block's bytes). */
int truth_add(struct truth *t, const void *hits, size_t len, struct otelsim_error *err);
/* Write the files when anything fired (t->files, t->nfiles say which). */
int truth_finish(struct truth *t, struct otelsim_error *err);
void truth_release(struct truth *t);

#endif
