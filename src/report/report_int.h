/*
 * report/report_int.h - the report's tables, shared by its files (not a
 * public header: src/cli/ uses report.h).
 *
 * Pass 1 fills the tables through the report_take_* calls; a source
 * (source.h) makes those calls for its kind of file. Strings (service,
 * span and metric names) are interned once: items hold indexes.
 */
#ifndef REPORT_REPORT_INT_H
#define REPORT_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/report.h"
#include "report/table.h"
#include "util/arena.h"
#include "util/dir.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

#define NONE32 UINT32_MAX
/* spans of one sampled trace shown in its waterfall (the rest is counted) */
#define REPORT_MAX_TRACE_SPANS 5000
/* points kept per metric stream; beyond, the page gets every k-th window */
#define REPORT_MAX_STREAM_POINTS 2000
/* buckets of the timeline charts */
#define REPORT_TIMELINE_BUCKETS 120

struct report_file {
	char *path;
	int source;       /* index into report_sources[] */
	uint64_t size;    /* bytes on disk */
	char sha256[65];  /* of the bytes on disk */
	unsigned signals; /* 1 << OTELSIM_TRACES ... seen in the file */
	uint64_t records, spans, points, logs;
	const char *framing, *compression; /* as detected (static strings) */
	uint64_t log_base;                 /* global index of its first log record */
};

struct rtrace {
	uint8_t id[16];
	uint64_t start, end;
	uint64_t score; /* sampling order: a hash of the id */
	uint32_t nspans, nerrors;
	uint32_t root_name, root_svc; /* NONE32: no span without a parent seen */
	uint64_t root_start;
	int32_t row; /* index among sampled rows, -1 when not sampled */
};

struct rspan {
	uint64_t span_id, parent_id;
	uint64_t dur;
	uint32_t trace, svc, op;
	uint8_t err, has_parent;
};

/* durations of one (service, span name), or of one edge */
struct rdurs {
	uint64_t *v;
	size_t n, cap;
	uint64_t errors;
};

struct rop {
	uint32_t svc, name;
	struct rdurs d;
};

struct redge {
	uint32_t from, to;
	struct rdurs d;
};

struct rlog {
	uint64_t time;
	uint64_t score;
	uint32_t svc, event; /* event: interned event_name, NONE32 for a plain log */
	uint32_t trace;      /* index of a trace in the data, else NONE32 */
	int32_t row;         /* among the sampled log rows, -1 when not sampled */
	uint8_t severity;    /* 0..24 */
};

/* per service (by string index) */
struct rsvc {
	uint64_t spans, errors, logs, points;
	bool seen;
};

enum rmetric_type { RM_GAUGE, RM_SUM, RM_HISTOGRAM, RM_EXP_HISTOGRAM, RM_SUMMARY };

struct rpoint {
	uint64_t t;
	double v;          /* gauge/sum value; histogram count */
	double sum;        /* histograms, summaries */
	double min, max;   /* NaN when absent */
	uint64_t *buckets; /* explicit or converted bucket counts (arena), or NULL */
	double *quantiles; /* summary: pairs (q, v) (arena) */
	uint32_t nbuckets, nquantiles;
	uint32_t seq; /* order of arrival in its stream */
	uint8_t has_sum;
};

struct rstream {
	uint32_t name, unit, desc, svc;
	int type, temporality;
	bool monotonic;
	char *attrs_json; /* the points' attributes as a JSON object (arena) */
	double *bounds;   /* histogram upper bounds (arena) */
	uint32_t nbounds;
	struct rpoint *pts;
	size_t n, cap;
};

/* one injection of a ground_truth.json (issue 9's shape; strings in the arena) */
struct rinj {
	const char *file; /* the ground_truth.json it came from */
	const char *id, *kind, *scenario, *service, *span_type, *start_text, *end_text;
	int64_t start, end;
	int64_t spans, traces; /* -1 when absent */
	const char **trace_ids;
	size_t nids;
	const char *ids_file;
	const char *ids_note; /* what was wrong with ids_file, or NULL */
};

struct rmanifest {
	const char *dir;  /* as given (arena) */
	const char *json; /* the manifest's text, integers past 2^53 quoted (arena) */
	const char *dataset;
	/* files it lists whose SHA-256 differs or that are missing: "name: why" (arena) */
	const char **problems;
	size_t nproblems;
};

struct report {
	struct report_options opt;
	struct dir_list skipped; /* folder files that are not telemetry ("path: why") */
	struct arena arena; /* strings and point arrays living as long as the report */
	struct strtab strings;
	struct report_file *files;
	size_t nfiles, cap_files;
	struct rmanifest *manifests;
	size_t nmanifests;
	struct rinj *injs;
	size_t ninjs, cap_injs;
	const char **gt_files;
	size_t ngt_files;
	/* traces */
	struct rtrace *traces;
	size_t ntraces, cap_traces;
	struct idmap trace_map; /* 16-byte id -> trace index */
	struct rspan *spans;
	size_t nspans, cap_spans;
	struct rop *ops;
	size_t nops, cap_ops;
	struct idmap op_map;
	struct redge *edges;
	size_t nedges;
	uint64_t error_spans, error_traces;
	/* logs */
	struct rlog *logs;
	size_t nlogs, cap_logs;
	uint64_t severity_counts[7]; /* unset, trace, debug, info, warn, error, fatal */
	/* metrics */
	struct rstream *streams;
	size_t nstreams, cap_streams;
	struct strtab stream_idents; /* stream i's identity is string i */
	uint64_t data_points;
	/* time range of every item */
	uint64_t t0, t1;
	/* services seen in any signal, by string index */
	struct rsvc *svcs;
	size_t cap_svcs;
	uint64_t nservices;
	uint64_t nevents;
	/* the sample (report_sample) and its detail (pass 2) */
	bool sampled;
	uint32_t *rows; /* trace index of each sampled row, in start order */
	size_t nrows;
	struct strbuf *row_detail; /* the row's spans as JSON arrays */
	uint32_t *row_count;
	uint32_t *log_rows; /* log index of each sampled log row, in time order */
	size_t nlog_rows;
	struct strbuf *log_detail;
	struct strtab resources; /* JSON texts of [attributes, scope] */
};

struct read_record;
int report_scan_metrics(struct report *r, struct report_file *f, const struct read_record *rec,
			struct otelsim_error *err);

/* ---- items from the sources (pass 1) ---- */

uint32_t report_intern(struct report *r, const char *s, size_t len); /* NONE32: no memory */
/* The index of a service name (the empty name is "unknown_service"). */
uint32_t report_service(struct report *r, const char *name, size_t len);

struct rep_span_in {
	const uint8_t *trace_id; /* 16 bytes */
	uint64_t span_id, parent_id;
	bool has_parent;
	const char *name;
	size_t name_len;
	uint64_t start, end;
	bool error; /* status code ERROR */
	uint32_t svc;
};
int report_take_span(struct report *r, const struct rep_span_in *s);

struct rep_log_in {
	uint64_t time;
	int severity;
	const uint8_t *trace_id; /* 16 bytes or NULL */
	const char *event_name;  /* NULL or "" for a plain log record */
	size_t event_len;
	uint32_t svc;
};
int report_take_log(struct report *r, const struct rep_log_in *l);

struct rep_stream_in {
	const char *name, *unit, *desc;
	int type, temporality;
	bool monotonic;
	uint32_t svc;
	const char *identity;   /* resource, scope, name, type, point attributes: one text */
	const char *attrs_json; /* the point attributes as a JSON object */
	const double *bounds;   /* histograms: the explicit bounds (part of the identity) */
	size_t nbounds;
};
/* The stream's index, made on first sight; -1: no memory. */
long report_stream(struct report *r, const struct rep_stream_in *s);
/* A point (copied; its arrays into the arena). -1: no memory. */
int report_take_point(struct report *r, size_t stream, const struct rpoint *p);

/* ---- pass 2 ---- */

/* The sampled row of a trace id, or -1. */
int32_t report_sampled_row(const struct report *r, const uint8_t id[16]);
/* A sampled trace's spans so far; the source appends one JSON array per span. */
struct strbuf *report_trace_detail(struct report *r, int32_t row, uint32_t *count);
/* A sampled log record's detail slot (one JSON array), by its global index; NULL: not sampled. */
struct strbuf *report_log_detail(struct report *r, uint64_t log_index);
/* The index of a resource (its JSON text), written once in the page's resource table. */
uint32_t report_resource(struct report *r, const char *json, size_t len);

/* ---- internal steps ---- */
int report_finish_traces(struct report *r, struct otelsim_error *err); /* edges, percentiles */
int report_sample(struct report *r, struct otelsim_error *err);
int report_write_data(struct report *r, struct strbuf *out, struct otelsim_error *err);
/* Pass 2 over one file, by the source that read it in pass 1. */
int report_detail_file(struct report *r, struct report_file *f, struct otelsim_error *err);
int report_load_manifest(struct report *r, const char *dir, struct otelsim_error *err);
int report_load_ground_truth(struct report *r, const char *path, struct otelsim_error *err);
/* title, manifests and ground truth into the data object */
void report_write_context(struct jsonw *w, const struct report *r);

/* the page's embedded assets (generated from report/assets/ by the Makefile) */
extern const unsigned char report_asset_html[], report_asset_css[], report_asset_js[];
extern const size_t report_asset_html_len, report_asset_css_len, report_asset_js_len;

#endif
