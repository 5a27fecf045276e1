/*
 * report/source.h - where a report's items come from.
 *
 * A source reads one kind of telemetry file. Its scan (pass 1) hands every
 * item to the report through report_take_span / report_take_log /
 * report_stream + report_take_point (report_int.h), which know nothing of
 * file formats; its detail (pass 2) appends the sampled spans and log
 * records as JSON (report_trace_detail, report_log_detail), in the page's
 * shapes (see detail_span_json in otlp_source.c and assets/report.js).
 *
 * OTLP (every file src/read reads: protobuf in any framing, OTLP/JSON,
 * gzip, zstd, the Collector's files, and seed 003's flat NDJSON, which
 * src/read hands over as OTLP records: read/flat.h) is the only source
 * today.
 */
#ifndef REPORT_SOURCE_H
#define REPORT_SOURCE_H

#include <stdbool.h>

#include "otelsim/error.h"

struct report;
struct report_file;

struct report_source {
	const char *name;
	bool (*claims)(const char *path); /* by the file name */
	int (*scan)(struct report *r, struct report_file *f, struct otelsim_error *err);
	int (*detail)(struct report *r, struct report_file *f, struct otelsim_error *err);
};

extern const struct report_source otlp_source;

#endif
